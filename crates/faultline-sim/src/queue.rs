//! The presenter's queue: the scenarios a teacher shows in a class, in
//! order (any link of any lab: a preset, a lesson step, a run at a step,
//! a comparison), kept in the page's link so it can be prepared in
//! advance and shared.
//!
//! A page in a queue has the hash `<link>&queue=<n>~<item>~<item>…`: the
//! run on screen as its own link first (so a page that does not have its
//! lab, and the landing page's script, read the lab as they read any
//! link), then the queue, the position `n` of the item on screen (from 0)
//! and the items. Our links never hold `~` (base64url, `=`, `&`, `.`), so
//! it separates them.

use std::fmt;

/// Items a queue holds at most (a lesson's worth of scenarios, and more).
pub const MAX_ITEMS: usize = 60;
/// The longest item read: as long as a comparison link can be.
pub const MAX_ITEM_LEN: usize = 2 * crate::permalink::MAX_LEN;

/// A queue of links and the one on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    pub items: Vec<String>,
    pub at: usize,
}

/// Why a queue or an item cannot be used, in words a teacher can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueError {
    NoItems,
    TooMany(usize),
    BadPosition(String),
    /// Item `n` (from 1) is not a Faultline link: why.
    BadItem(usize, String),
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoItems => write!(f, "the queue in this link is empty"),
            Self::TooMany(n) => write!(f, "the queue holds {n} items, more than {MAX_ITEMS}"),
            Self::BadPosition(p) => write!(f, "\"{p}\" is not a place in the queue"),
            Self::BadItem(n, why) => write!(f, "item {n} of the queue {why}"),
        }
    }
}

/// The lab a link names (`None`: it is not a link of a run or a lesson
/// step). A queue item must be one.
pub fn item_lab(link: &str) -> Result<String, String> {
    if link.contains('~') || link.contains("queue=") {
        return Err("is not a link to one run or lesson step".into());
    }
    if link.len() > MAX_ITEM_LEN {
        return Err(format!("is longer than {MAX_ITEM_LEN} characters"));
    }
    crate::permalink::lab_of(link).ok_or_else(|| "is not a link to a Faultline run".into())
}

impl Queue {
    /// Split a page's hash into the link on screen and its queue, if it
    /// has one (or why the queue cannot be read).
    pub fn split(hash: &str) -> (&str, Option<Result<Queue, QueueError>>) {
        match hash.split_once("&queue=") {
            Some((link, queue)) => (link, Some(Queue::parse(queue))),
            None => (hash, None),
        }
    }

    /// Read `<n>~<item>~<item>…`.
    pub fn parse(text: &str) -> Result<Queue, QueueError> {
        let mut parts = text.split('~');
        let at_text = parts.next().unwrap_or_default();
        let items: Vec<String> = parts.map(str::to_string).collect();
        if items.is_empty() {
            return Err(QueueError::NoItems);
        }
        if items.len() > MAX_ITEMS {
            return Err(QueueError::TooMany(items.len()));
        }
        let at = at_text
            .parse::<usize>()
            .ok()
            .filter(|&a| a < items.len())
            .ok_or_else(|| QueueError::BadPosition(at_text.chars().take(12).collect()))?;
        for (i, item) in items.iter().enumerate() {
            item_lab(item).map_err(|why| QueueError::BadItem(i + 1, why))?;
        }
        Ok(Queue { items, at })
    }

    /// `<n>~<item>~<item>…`, what `parse` reads.
    pub fn encode(&self) -> String {
        let mut out = self.at.to_string();
        for item in &self.items {
            out.push('~');
            out.push_str(item);
        }
        out
    }

    /// The page's hash while `shown` (the run on screen, as a link) is
    /// the queue's item on screen.
    pub fn hash(&self, shown: &str) -> String {
        format!("{shown}&queue={}", self.encode())
    }

    /// The hash of the queue moved to item `at` (none past either end).
    pub fn hash_at(&self, at: usize) -> Option<String> {
        let item = self.items.get(at)?;
        Some(
            Queue {
                items: self.items.clone(),
                at,
            }
            .hash(item),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "lab=payments&preset=happy-path&step=4";
    const B: &str = "lab=oauth&lesson=delegation&ls=2";

    #[test]
    fn a_queue_reads_back_what_it_wrote() {
        let q = Queue {
            items: vec![A.into(), B.into()],
            at: 1,
        };
        let hash = q.hash_at(1).unwrap();
        assert_eq!(hash, format!("{B}&queue=1~{A}~{B}"));
        let (shown, back) = Queue::split(&hash);
        assert_eq!(shown, B, "the link on screen comes first");
        assert_eq!(back, Some(Ok(q.clone())));
        assert_eq!(crate::permalink::lab_of(&hash).as_deref(), Some("oauth"));
        assert_eq!(q.hash_at(2), None);
        assert_eq!(Queue::split(A), (A, None));
    }

    #[test]
    fn a_full_link_of_a_run_is_an_item_and_names_its_lab_first() {
        let s = crate::preset("sagas", "2pc-coordinator-crash").unwrap();
        let full = crate::permalink::encode(&s, 10);
        let q = Queue {
            items: vec![A.into(), full.clone()],
            at: 1,
        };
        let hash = q.hash_at(1).unwrap();
        let (shown, back) = Queue::split(&hash);
        assert_eq!(shown, full);
        assert_eq!(back.unwrap().unwrap(), q);
        assert_eq!(item_lab(&full).as_deref(), Ok("sagas"));
    }

    #[test]
    fn a_bad_queue_is_refused_with_a_reason() {
        let refused = |t: &str| Queue::parse(t).unwrap_err();
        assert_eq!(refused("0"), QueueError::NoItems);
        assert_eq!(
            refused(&format!("2~{A}~{B}")),
            QueueError::BadPosition("2".into())
        );
        assert_eq!(
            refused(&format!("x~{A}")),
            QueueError::BadPosition("x".into())
        );
        assert!(matches!(
            refused(&format!("0~{A}~hello")),
            QueueError::BadItem(2, _)
        ));
        assert!(matches!(
            refused(&format!("0~{A}~")),
            QueueError::BadItem(2, _)
        ));
        let many = format!("0{}", format!("~{A}").repeat(MAX_ITEMS + 1));
        assert_eq!(refused(&many), QueueError::TooMany(MAX_ITEMS + 1));
        assert!(refused(&format!("0~{A}~hello"))
            .to_string()
            .starts_with("item 2 of the queue"));
        assert!(
            item_lab(&format!("{A}&queue=0~{A}")).is_err(),
            "a queue is not an item"
        );
    }
}
