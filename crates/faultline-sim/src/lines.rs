//! `Lines`: a step's narration, its lines kept in one string.
//!
//! A step says a few sentences; keeping each in a `String` of its own in a
//! `Vec` cost the full trace an allocation per line and one per step, and
//! as many frees when the run was dropped (a third of its time went to
//! the allocator). Handlers write straight into this buffer with
//! `say!` (formatting, no intermediate `String`); the engine
//! appends it to the run's one text and the step keeps a [`Said`] range.

use serde::Serialize;
use std::fmt::{self, Write};

/// Narration lines being written, separated by `'\n'` (a line never
/// contains one: the writers replace it with a space).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Lines(String);

impl fmt::Debug for Lines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.said().fmt(f)
    }
}

/// A step's narration as the run keeps it: lines in the run's text.
/// Shown and serialized as a list of lines.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Said<'a>(&'a str);

impl<'a> Said<'a> {
    /// Lines separated by `'\n'`.
    pub fn new(text: &'a str) -> Self {
        Self(text)
    }

    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// The lines, in order.
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        self.0.split('\n').filter(|l| !l.is_empty())
    }

    /// The lines joined by `sep`.
    pub fn join(self, sep: &str) -> String {
        self.iter().collect::<Vec<_>>().join(sep)
    }

    /// The text as stored (lines separated by `'\n'`).
    pub fn as_str(self) -> &'a str {
        self.0
    }
}

impl fmt::Debug for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Said<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl Lines {
    /// Lines with room for `bytes` bytes (the engine's per-step buffer).
    pub fn with_capacity(bytes: usize) -> Self {
        Self(String::with_capacity(bytes))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Where the next line will start (for [`Lines::insert_at`]).
    pub fn mark(&self) -> usize {
        self.0.len()
    }

    fn separate(&mut self) {
        if !self.0.is_empty() {
            self.0.push('\n');
        }
    }

    /// Add one line.
    pub fn push(&mut self, line: &str) {
        self.separate();
        push_flat(&mut self.0, line);
    }

    /// Add one line, formatted in place.
    pub fn push_fmt(&mut self, args: fmt::Arguments<'_>) {
        self.separate();
        let start = self.0.len();
        // Writing to a String cannot fail.
        let _ = self.0.write_fmt(args);
        if self.0[start..].contains('\n') {
            let tail = self.0.split_off(start);
            push_flat(&mut self.0, &tail);
        }
    }

    /// Add every line of `other` after these.
    pub fn append(&mut self, other: &Lines) {
        if !other.0.is_empty() {
            self.separate();
            self.0.push_str(&other.0);
        }
    }

    /// Insert `line` where [`Lines::mark`] said the next line would start
    /// (before the lines added since).
    pub fn insert_at(&mut self, mark: usize, line: &str) {
        let mut flat = String::with_capacity(line.len() + 1);
        push_flat(&mut flat, line);
        if mark >= self.0.len() {
            self.separate();
            self.0.push_str(&flat);
        } else if mark == 0 {
            flat.push('\n');
            self.0.insert_str(0, &flat);
        } else {
            flat.insert(0, '\n');
            self.0.insert_str(mark, &flat);
        }
    }

    /// The lines written so far.
    pub fn said(&self) -> Said<'_> {
        Said(&self.0)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Append `text` with any line break turned into a space.
fn push_flat(out: &mut String, text: &str) {
    if text.contains('\n') {
        out.extend(text.chars().map(|c| if c == '\n' { ' ' } else { c }));
    } else {
        out.push_str(text);
    }
}

/// One line of narration, formatted straight into the step's lines and
/// only in runs that keep narration: `say!(ctx, "Client {} sends", n)`.
// Unused when no lab is compiled in (a build with none, or the test lab alone).
#[allow(unused_macros)]
macro_rules! say {
    ($ctx:expr, $($arg:tt)*) => {
        if $ctx.detailed() {
            $ctx.say_fmt(format_args!($($arg)*));
        }
    };
}
#[allow(unused_imports)]
pub(crate) use say;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_order_and_breaks_become_spaces() {
        let mut l = Lines::default();
        assert!(l.is_empty());
        l.push("one");
        l.push_fmt(format_args!("two {}", 2));
        l.push("three\nstill three");
        assert_eq!(
            l.said().iter().collect::<Vec<_>>(),
            ["one", "two 2", "three still three"]
        );
        assert_eq!(l.said().join(" / "), "one / two 2 / three still three");
        assert_eq!(format!("{l:?}"), r#"["one", "two 2", "three still three"]"#);
    }

    #[test]
    fn insert_at_a_mark_goes_before_what_came_after() {
        let mut l = Lines::default();
        let at = l.mark();
        l.push("b");
        l.insert_at(at, "a");
        assert_eq!(l.said().join(","), "a,b");
        let at = l.mark();
        l.push("d");
        l.insert_at(at, "c");
        assert_eq!(l.said().join(","), "a,b,c,d");
        let at = l.mark();
        l.insert_at(at, "e");
        assert_eq!(l.said().join(","), "a,b,c,d,e");
        let mut more = Lines::default();
        more.push("f");
        l.append(&more);
        assert_eq!(l.said().join(","), "a,b,c,d,e,f");
    }
}
