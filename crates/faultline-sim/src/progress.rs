//! A learner's progress, as the page keeps it in the browser's local
//! storage and as a file they export and import: the predictions they
//! answered, the lessons they finished (with the score) and their own
//! interview answers, for every lab (the lab pages share one origin, so
//! one record).
//!
//! The record names its kind and format, so storage written by another
//! version of the page, or something else under the same key, is refused
//! with a reason instead of read wrongly; the page then starts clean and
//! says so. Read by hand from a `serde_json::Value` (as `lesson.rs`):
//! unknown fields are refused, and sizes are bounded.

use crate::read::{need, string, u32_of, Obj, R};
use serde_json::Value;
use std::fmt;

/// What the record says it is.
pub const KIND: &str = "faultline-progress";
/// The format this build reads and writes.
pub const FORMAT: u32 = 1;
/// The largest record read (bytes): far above what a learner writes.
pub const MAX_BYTES: usize = 512 * 1024;
/// The longest interview answer kept (bytes of UTF-8).
pub const MAX_NOTE: usize = 20_000;

/// Everything the learner has done that the page keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Predictions answered (one per lesson step).
    pub answers: Vec<Answered>,
    /// Lessons finished, with their score.
    pub finished: Vec<Finished>,
    /// The learner's own interview answers.
    pub notes: Vec<Note>,
}

/// A prediction answered: the choice made at a lesson's step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    pub lab: String,
    pub lesson: String,
    pub step: u32,
    pub choice: u32,
}

/// A lesson finished, and its predictions right of those asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finished {
    pub lab: String,
    pub lesson: String,
    pub right: u32,
    pub asked: u32,
}

/// The learner's answer to an interview question (by its place in the
/// lab's list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub lab: String,
    pub question: u32,
    pub text: String,
}

/// Why a progress record cannot be read, in words a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgressError {
    TooBig(usize),
    /// Not JSON, or not the record's shape.
    Unreadable(String),
    /// JSON, but not a Faultline progress record.
    NotProgress,
    /// Written by a version of Faultline with another format.
    Format(u32),
}

impl fmt::Display for ProgressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooBig(n) => write!(
                f,
                "it is {} KB, more than the {} KB a progress record can be",
                n / 1024,
                MAX_BYTES / 1024
            ),
            Self::Unreadable(why) => write!(f, "it is not a readable progress record ({why})"),
            Self::NotProgress => write!(f, "it is not a Faultline progress record"),
            Self::Format(n) => write!(
                f,
                "it was saved in format {n}, and this page reads format {FORMAT}"
            ),
        }
    }
}

impl Progress {
    /// Read a record (local storage's text, or an imported file's).
    pub fn parse(text: &str) -> Result<Self, ProgressError> {
        if text.len() > MAX_BYTES {
            return Err(ProgressError::TooBig(text.len()));
        }
        let v: Value =
            serde_json::from_str(text).map_err(|e| ProgressError::Unreadable(e.to_string()))?;
        let o = v.as_object().ok_or(ProgressError::NotProgress)?;
        if o.get("kind").and_then(Value::as_str) != Some(KIND) {
            return Err(ProgressError::NotProgress);
        }
        match o.get("format").map(u32_of) {
            Some(Ok(FORMAT)) => {}
            Some(Ok(n)) => return Err(ProgressError::Format(n)),
            _ => return Err(ProgressError::Unreadable("no format number".into())),
        }
        record(o).map_err(ProgressError::Unreadable)
    }

    /// The record as JSON text (what `parse` reads): each entry a short
    /// array, `[lab, lesson, step, choice]`, `[lab, lesson, right, asked]`
    /// and `[lab, question, text]`.
    pub fn to_json(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let rows = |items: Vec<String>| items.join(",");
        format!(
            "{{\"kind\":\"{KIND}\",\"format\":{FORMAT},\"answers\":[{}],\"finished\":[{}],\"notes\":[{}]}}",
            rows(self.answers.iter().map(|a| format!("[{},{},{},{}]", q(&a.lab), q(&a.lesson), a.step, a.choice)).collect()),
            rows(self.finished.iter().map(|f| format!("[{},{},{},{}]", q(&f.lab), q(&f.lesson), f.right, f.asked)).collect()),
            rows(self.notes.iter().map(|n| format!("[{},{},{}]", q(&n.lab), n.question, q(&n.text))).collect()),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty() && self.finished.is_empty() && self.notes.is_empty()
    }

    /// The choice made at a lesson's step, if any.
    pub fn answer(&self, lab: &str, lesson: &str, step: u32) -> Option<u32> {
        self.answers
            .iter()
            .find(|a| a.lab == lab && a.lesson == lesson && a.step == step)
            .map(|a| a.choice)
    }

    /// Keep a prediction's answer; the first answer stands.
    pub fn answered(&mut self, lab: &str, lesson: &str, step: u32, choice: u32) {
        if self.answer(lab, lesson, step).is_none() {
            self.answers.push(Answered {
                lab: lab.into(),
                lesson: lesson.into(),
                step,
                choice,
            });
        }
    }

    /// A lesson finished: its latest score replaces any earlier one.
    pub fn finish(&mut self, lab: &str, lesson: &str, right: u32, asked: u32) {
        self.finished
            .retain(|f| !(f.lab == lab && f.lesson == lesson));
        self.finished.push(Finished {
            lab: lab.into(),
            lesson: lesson.into(),
            right,
            asked,
        });
    }

    /// Add another record (an imported file) to this one: its answers to
    /// questions not answered here, its scores and its interview answers
    /// (each replacing this one's for the same lesson or question).
    pub fn merge(&mut self, other: Progress) {
        for a in other.answers {
            self.answered(&a.lab, &a.lesson, a.step, a.choice);
        }
        for f in other.finished {
            self.finish(&f.lab, &f.lesson, f.right, f.asked);
        }
        for n in other.notes {
            self.set_note(&n.lab, n.question, &n.text);
        }
    }

    /// The lesson's score, if it was finished.
    pub fn finished(&self, lab: &str, lesson: &str) -> Option<&Finished> {
        self.finished
            .iter()
            .find(|f| f.lab == lab && f.lesson == lesson)
    }

    /// The learner's answer to a lab's interview question ("" if none).
    pub fn note(&self, lab: &str, question: u32) -> &str {
        self.notes
            .iter()
            .find(|n| n.lab == lab && n.question == question)
            .map_or("", |n| n.text.as_str())
    }

    /// Keep an interview answer (cut to `MAX_NOTE` bytes, at a character's
    /// boundary); an empty one is forgotten.
    pub fn set_note(&mut self, lab: &str, question: u32, text: &str) {
        self.notes
            .retain(|n| !(n.lab == lab && n.question == question));
        if !text.is_empty() {
            self.notes.push(Note {
                lab: lab.into(),
                question,
                text: text[..cut(text)].to_string(),
            });
        }
    }
}

/// Where a note longer than `MAX_NOTE` bytes is cut: the last character
/// boundary at or before it.
fn cut(text: &str) -> usize {
    let mut end = text.len().min(MAX_NOTE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The entries under `key`: arrays of `width` values each.
fn rows<'a>(o: &'a Obj, key: &str, width: usize) -> R<Vec<&'a [Value]>> {
    let v = need(o, key)?;
    v.as_array()
        .ok_or_else(|| crate::read::invalid(v, "a sequence"))?
        .iter()
        .map(|row| match row.as_array() {
            Some(r) if r.len() == width => Ok(r.as_slice()),
            _ => Err(format!(
                "an entry of `{key}` is not a list of {width} values"
            )),
        })
        .collect()
}

fn record(o: &Obj) -> R<Progress> {
    if let Some(k) = o
        .keys()
        .find(|k| !["kind", "format", "answers", "finished", "notes"].contains(&k.as_str()))
    {
        return Err(format!("unknown field `{k}`"));
    }
    let mut p = Progress::default();
    for r in rows(o, "answers", 4)? {
        p.answers.push(Answered {
            lab: string(&r[0])?,
            lesson: string(&r[1])?,
            step: u32_of(&r[2])?,
            choice: u32_of(&r[3])?,
        });
    }
    for r in rows(o, "finished", 4)? {
        p.finished.push(Finished {
            lab: string(&r[0])?,
            lesson: string(&r[1])?,
            right: u32_of(&r[2])?,
            asked: u32_of(&r[3])?,
        });
    }
    for r in rows(o, "notes", 3)? {
        let text = string(&r[2])?;
        if text.len() > MAX_NOTE {
            return Err(format!(
                "an interview answer is longer than {MAX_NOTE} bytes"
            ));
        }
        p.notes.push(Note {
            lab: string(&r[0])?,
            question: u32_of(&r[1])?,
            text,
        });
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Progress {
        let mut p = Progress::default();
        p.answered("payments", "retries", 3, 1);
        p.answered("payments", "retries", 3, 0); // the first answer stands
        p.finish("payments", "retries", 2, 4);
        p.finish("payments", "retries", 3, 4); // the latest score replaces it
        p.set_note("oauth", 1, "Rotate refresh tokens \"and\" detect reuse.");
        p
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let p = sample();
        assert_eq!(p.answer("payments", "retries", 3), Some(1));
        assert_eq!(p.finished("payments", "retries").map(|f| f.right), Some(3));
        assert_eq!(p.finished.len(), 1);
        let back = Progress::parse(&p.to_json()).unwrap();
        assert_eq!(back, p);
        assert_eq!(
            back.note("oauth", 1),
            "Rotate refresh tokens \"and\" detect reuse."
        );
        assert_eq!(back.note("oauth", 0), "");
    }

    #[test]
    fn an_imported_record_is_added_to_what_is_kept() {
        let mut here = Progress::default();
        here.answered("payments", "retries", 3, 0);
        here.set_note("oauth", 0, "mine");
        here.merge(sample());
        assert_eq!(
            here.answer("payments", "retries", 3),
            Some(0),
            "an answer here stands"
        );
        assert_eq!(here.note("oauth", 0), "mine", "kept");
        assert_eq!(here.note("oauth", 1), sample().note("oauth", 1), "added");
        assert_eq!(
            here.finished("payments", "retries").map(|f| f.right),
            Some(3)
        );
    }

    #[test]
    fn an_empty_note_is_forgotten_and_a_long_one_cut() {
        let mut p = sample();
        p.set_note("oauth", 1, "");
        assert!(p.notes.is_empty());
        p.set_note("oauth", 2, &"x".repeat(MAX_NOTE + 10));
        assert_eq!(p.note("oauth", 2).len(), MAX_NOTE);
        // Cut at a character's boundary, never inside one.
        p.set_note("oauth", 3, &"€".repeat(MAX_NOTE));
        assert!(p.note("oauth", 3).len() <= MAX_NOTE && p.note("oauth", 3).len() > MAX_NOTE - 3);
        assert!(
            Progress::parse(&p.to_json()).is_ok(),
            "what is kept reads back"
        );
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        let refused = |text: &str| Progress::parse(text).unwrap_err();
        assert!(matches!(refused("{not json"), ProgressError::Unreadable(_)));
        assert_eq!(refused("[1,2]"), ProgressError::NotProgress);
        assert_eq!(
            refused(r#"{"kind":"faultline-run"}"#),
            ProgressError::NotProgress
        );
        let other_format = sample().to_json().replace("\"format\":1", "\"format\":7");
        assert_eq!(refused(&other_format), ProgressError::Format(7));
        assert!(refused(&other_format).to_string().contains("format 7"));
        let extra = sample()
            .to_json()
            .replace("\"notes\"", "\"extra\":1,\"notes\"");
        assert!(matches!(refused(&extra), ProgressError::Unreadable(_)));
        let wrong_type = sample()
            .to_json()
            .replace("\"retries\",3,1", "\"retries\",\"3\",1");
        assert!(matches!(refused(&wrong_type), ProgressError::Unreadable(_)));
        let short_row = sample()
            .to_json()
            .replace("\"retries\",3,1", "\"retries\",3");
        assert!(matches!(refused(&short_row), ProgressError::Unreadable(_)));
        let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(MAX_BYTES));
        assert!(matches!(refused(&big), ProgressError::TooBig(_)));
    }
}
