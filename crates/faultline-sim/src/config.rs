//! The values a scenario carries besides its faults: the lab's settings
//! (`Config`), network latency and the run's bounds. Below the scenario
//! and the faults, which both use them. Read back from JSON by
//! `crate::read`, which implements their `Deserialize`.

use serde::Serialize;

/// A config value: a switch, a whole number or a named choice (JSON
/// `true`, `42` or `"opaque"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(untagged)]
pub enum ConfigValue {
    Bool(bool),
    Int(i64),
    Choice(String),
}

/// The longest option name a choice setting accepts.
pub const MAX_CHOICE_LEN: usize = 64;

/// Config as set by the learner; fields not present take the lab's default.
///
/// A list kept sorted by key, with the `BTreeMap` methods the labs use: it
/// iterates and serializes in the same (key) order as the `BTreeMap` it
/// replaces, so permalinks are byte-identical, for a fraction of the
/// WebAssembly (a config holds a handful of entries).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Config(Vec<(String, ConfigValue)>);

impl Config {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Insert or replace (returning the value replaced).
    pub fn insert(&mut self, key: String, value: ConfigValue) -> Option<ConfigValue> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<ConfigValue> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &ConfigValue)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl<'a> IntoIterator for &'a Config {
    type Item = (&'a String, &'a ConfigValue);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, ConfigValue)>,
        fn(&'a (String, ConfigValue)) -> (&'a String, &'a ConfigValue),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl FromIterator<(String, ConfigValue)> for Config {
    fn from_iter<I: IntoIterator<Item = (String, ConfigValue)>>(iter: I) -> Self {
        let mut config = Config::new();
        for (k, v) in iter {
            config.insert(k, v);
        }
        config
    }
}

impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Limits that end a run with a clear message instead of a hang.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bounds {
    pub max_events: u32,
    pub max_time_ms: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_events: 5_000,
            max_time_ms: 120_000,
        }
    }
}

/// Network timing for every message: latency uniformly in `min..=max` ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Latency {
    pub min_ms: u64,
    pub max_ms: u64,
}

impl Default for Latency {
    fn default() -> Self {
        Self {
            min_ms: 20,
            max_ms: 80,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config is a small map kept sorted by key, whatever order it is
    /// built or read in (its JSON and its links depend on that order).
    #[test]
    fn a_config_is_a_sorted_map() {
        let c: Config = [
            ("b".to_string(), ConfigValue::Int(2)),
            ("a".to_string(), ConfigValue::Bool(true)),
        ]
        .into_iter()
        .collect();
        assert!(!c.is_empty() && Config::default().is_empty());
        assert!(c.contains_key("a") && !c.contains_key("c"));
        assert_eq!(c.keys().collect::<Vec<_>>(), ["a", "b"]);
        let read: Config = serde_json::from_str(r#"{"b":2,"a":true}"#).unwrap();
        assert_eq!(read, c);
    }
}
