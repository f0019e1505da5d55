//! A map kept as a list in insertion order, for the handful of entries an
//! actor holds (requests in progress, key records, work items). Lookups
//! scan the list: for a few dozen entries that is as fast as a tree, and
//! each `BTreeMap` type costs kilobytes of WebAssembly where this costs a
//! few hundred bytes. Iteration is in insertion order, so runs stay
//! deterministic.

/// A small map from `K` to `V`, in insertion order.
#[derive(Clone, Debug, Hash)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K: PartialEq, V> SmallMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, key: &K) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    /// Insert or replace; a replaced entry keeps its place.
    pub fn insert(&mut self, key: K, value: V) {
        match self.position(&key) {
            Some(i) => self.entries[i].1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Remove and return the entry for `key` (the others keep their order).
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.position(key).map(|i| self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, K: PartialEq, V> IntoIterator for &'a SmallMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: PartialEq, V> std::ops::Index<&K> for SmallMap<K, V> {
    type Output = V;

    fn index(&self, key: &K) -> &V {
        self.get(key).expect("SmallMap: no entry for this key")
    }
}

impl<K: PartialEq, V> std::ops::IndexMut<&K> for SmallMap<K, V> {
    fn index_mut(&mut self, key: &K) -> &mut V {
        self.get_mut(key).expect("SmallMap: no entry for this key")
    }
}

#[cfg(test)]
mod tests {
    use super::SmallMap;

    #[test]
    fn keeps_insertion_order_and_replaces_in_place() {
        let mut m = SmallMap::new();
        m.insert(3, "c");
        m.insert(1, "a");
        m.insert(3, "C");
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![(&3, &"C"), (&1, &"a")]);
        assert_eq!(m.remove(&3), Some("C"));
        assert_eq!(m.get(&1), Some(&"a"));
        assert!(!m.contains_key(&3));
        assert_eq!(m.len(), 1);
    }
}
