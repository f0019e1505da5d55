//! Guided lessons as data: a lab's lessons file (`static/lessons/<lab>.json`,
//! fetched by the lab's page when a lesson starts), read here, and what a
//! lesson step means for a run: the step its cursor lands on (`Place`),
//! and which answer of a prediction the run makes true (`Condition`).
//!
//! A prediction's right answer is not taken on trust: each choice names a
//! condition on the run (an invariant broken or kept, a phrase the run
//! says, which of two things it says first), the page scores the learner
//! against the run itself, and `tests/lessons.rs` checks that exactly one
//! choice holds and that it is the one the lesson's text calls right.

use crate::read::{need, object, some, string, strings, u32_of, unknown_variant, Obj, R};
use crate::trace::{Run, Step};
use serde_json::Value;
use std::fmt;

/// The lessons file format this build reads.
pub const FORMAT: u32 = 1;

/// One lab's lessons.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonFile {
    pub format: u32,
    pub lab: String,
    pub lessons: Vec<Lesson>,
}

/// A path through a lab: one idea per step.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<LessonStep>,
}

/// One idea: a few sentences beside a prepared run at a prepared step,
/// with the part of the page that matters pointed out.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonStep {
    pub title: String,
    /// Paragraphs.
    pub text: Vec<String>,
    /// The lab's preset the step shows.
    pub preset: String,
    /// Where its cursor stands.
    pub at: Place,
    pub point: Option<Pointed>,
    pub predict: Option<Prediction>,
}

/// A step of a run, as a lesson names it: its number, `"end"` for the
/// last, or the first step that says a phrase (in its log line or its
/// narration), which survives a model change that renumbers steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Step(u32),
    Said(String),
}

impl Default for Place {
    fn default() -> Self {
        Place::Step(0)
    }
}

/// The part of the page a step points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pointed {
    Diagram,
    Narration,
    Machines,
    Data,
    Invariants,
    Faults,
    Settings,
}

impl Pointed {
    /// The id of the page's element it names.
    pub fn element_id(self) -> &'static str {
        match self {
            Pointed::Diagram => "diagram-panel",
            Pointed::Narration => "narration-panel",
            Pointed::Machines => "machines-panel",
            Pointed::Data => "data-panel",
            Pointed::Invariants => "invariants-panel",
            Pointed::Faults => "faults-panel",
            Pointed::Settings => "settings-panel",
        }
    }

    /// What the pointer says, for a screen reader and on screen.
    pub fn name(self) -> &'static str {
        match self {
            Pointed::Diagram => "the messages diagram",
            Pointed::Narration => "what just happened",
            Pointed::Machines => "the state machines",
            Pointed::Data => "the data tables",
            Pointed::Invariants => "the invariants",
            Pointed::Faults => "the faults",
            Pointed::Settings => "the settings",
        }
    }
}

/// Predict, then see: the run pauses at the step, the learner answers,
/// then the run plays to `reveal` and `why` follows.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub question: String,
    pub choices: Vec<Choice>,
    /// The choice the lesson's text calls right (checked against the run
    /// by `tests/lessons.rs`; the page scores against the run).
    pub answer: usize,
    /// Where the run shows the answer.
    pub reveal: Place,
    /// One line: why.
    pub why: String,
}

/// An answer, and what makes it true of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub text: String,
    pub when: Condition,
}

/// Something a run shows by a step (that step included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// The invariant is broken.
    Broken(String),
    /// The invariant still holds.
    Holds(String),
    /// Some step says the phrase.
    Said(String),
    /// No step says the phrase.
    NotSaid(String),
    /// The first phrase is said, and before the second (if that is said
    /// at all).
    Before(String, String),
}

/// Why a lessons file cannot be used, in words a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonError {
    /// Not the lessons file's JSON shape.
    Unreadable(String),
    /// Written for another format of the file.
    Format(u32),
    /// The lessons of another lab.
    WrongLab { want: String, got: String },
    /// No lesson of that name.
    NoLesson(String),
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LessonError::Unreadable(why) => write!(f, "The lessons file could not be read ({why})."),
            LessonError::Format(n) => write!(
                f,
                "The lessons file is in format {n}; this page reads format {FORMAT}. Reload the page to get both from the same version."
            ),
            LessonError::WrongLab { want, got } => {
                write!(f, "The lessons file is for the {got} lab, not {want}.")
            }
            LessonError::NoLesson(id) => write!(f, "There is no lesson \"{id}\" in this lab."),
        }
    }
}

impl LessonFile {
    /// Read a lab's lessons file (JSON text).
    pub fn parse(text: &str, lab: &str) -> Result<Self, LessonError> {
        let file = serde_json::from_str::<Value>(text)
            .map_err(|e| e.to_string())
            .and_then(|v| file(&v))
            .map_err(LessonError::Unreadable)?;
        if file.format != FORMAT {
            return Err(LessonError::Format(file.format));
        }
        if file.lab != lab {
            return Err(LessonError::WrongLab {
                want: lab.to_string(),
                got: file.lab,
            });
        }
        Ok(file)
    }

    /// The lesson named `id`, with its index.
    pub fn lesson(&self, id: &str) -> Result<(usize, &Lesson), LessonError> {
        self.lessons
            .iter()
            .enumerate()
            .find(|(_, l)| l.id == id)
            .ok_or_else(|| LessonError::NoLesson(id.to_string()))
    }
}

// Reading the file by hand from a `serde_json::Value`, as `read.rs`
// reads scenarios: serde's derived readers (an `untagged` one buffers its
// input) cost about 20 KB of WebAssembly in each lab page. Unknown fields
// are refused, so a misspelt key fails the native test, not silently.

/// `o` has no field but `known`.
fn only(o: &Obj, known: &[&str]) -> R<()> {
    match o.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown field `{k}`, expected one of {}",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

fn list<T>(v: &Value, item: fn(&Value) -> R<T>) -> R<Vec<T>> {
    v.as_array()
        .ok_or_else(|| crate::read::invalid(v, "a sequence"))?
        .iter()
        .map(item)
        .collect()
}

fn file(v: &Value) -> R<LessonFile> {
    let o = object(v, "a lessons file")?;
    only(o, &["format", "lab", "lessons"])?;
    Ok(LessonFile {
        format: u32_of(need(o, "format")?)?,
        lab: string(need(o, "lab")?)?,
        lessons: list(need(o, "lessons")?, lesson)?,
    })
}

fn lesson(v: &Value) -> R<Lesson> {
    let o = object(v, "a lesson")?;
    only(o, &["id", "title", "summary", "steps"])?;
    Ok(Lesson {
        id: string(need(o, "id")?)?,
        title: string(need(o, "title")?)?,
        summary: string(need(o, "summary")?)?,
        steps: list(need(o, "steps")?, step)?,
    })
}

fn step(v: &Value) -> R<LessonStep> {
    let o = object(v, "a lesson step")?;
    only(o, &["title", "text", "preset", "at", "point", "predict"])?;
    Ok(LessonStep {
        title: string(need(o, "title")?)?,
        text: strings(need(o, "text")?)?,
        preset: string(need(o, "preset")?)?,
        at: some(o, "at").map_or(Ok(Place::Step(0)), place)?,
        point: some(o, "point").map(pointed).transpose()?,
        predict: some(o, "predict").map(prediction).transpose()?,
    })
}

fn place(v: &Value) -> R<Place> {
    match v {
        Value::String(s) => Ok(Place::Said(s.clone())),
        _ => u32_of(v).map(Place::Step),
    }
}

const POINTS: [(&str, Pointed); 7] = [
    ("diagram", Pointed::Diagram),
    ("narration", Pointed::Narration),
    ("machines", Pointed::Machines),
    ("data", Pointed::Data),
    ("invariants", Pointed::Invariants),
    ("faults", Pointed::Faults),
    ("settings", Pointed::Settings),
];

fn pointed(v: &Value) -> R<Pointed> {
    let name = string(v)?;
    POINTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| *p)
        .ok_or_else(|| {
            unknown_variant(
                &name,
                "a panel (diagram, narration, machines, data, invariants, faults, settings)",
            )
        })
}

fn prediction(v: &Value) -> R<Prediction> {
    let o = object(v, "a prediction")?;
    only(o, &["question", "choices", "answer", "reveal", "why"])?;
    Ok(Prediction {
        question: string(need(o, "question")?)?,
        choices: list(need(o, "choices")?, choice)?,
        answer: u32_of(need(o, "answer")?)? as usize,
        reveal: place(need(o, "reveal")?)?,
        why: string(need(o, "why")?)?,
    })
}

fn choice(v: &Value) -> R<Choice> {
    let o = object(v, "a choice")?;
    only(o, &["text", "when"])?;
    Ok(Choice {
        text: string(need(o, "text")?)?,
        when: condition(need(o, "when")?)?,
    })
}

/// `{"broken": "id"}`, `{"holds": "id"}`, `{"said": "…"}`,
/// `{"not-said": "…"}` or `{"before": ["…", "…"]}`.
fn condition(v: &Value) -> R<Condition> {
    let o = object(v, "a condition")?;
    let (Some((kind, arg)), 1) = (o.iter().next(), o.len()) else {
        return Err("a condition is one of broken, holds, said, not-said, before".into());
    };
    Ok(match kind.as_str() {
        "broken" => Condition::Broken(string(arg)?),
        "holds" => Condition::Holds(string(arg)?),
        "said" => Condition::Said(string(arg)?),
        "not-said" => Condition::NotSaid(string(arg)?),
        "before" => match &strings(arg)?[..] {
            [a, b] => Condition::Before(a.clone(), b.clone()),
            _ => return Err("`before` takes two phrases".into()),
        },
        other => {
            return Err(unknown_variant(
                other,
                "broken, holds, said, not-said or before",
            ))
        }
    })
}

/// What a step says: its log line and its narration.
fn says(run: &Run, step: &Step, phrase: &str) -> bool {
    run.summary(step).contains(phrase) || run.narration(step).as_str().contains(phrase)
}

/// The first step that says `phrase`.
pub fn first_said(run: &Run, phrase: &str) -> Option<u32> {
    run.steps
        .iter()
        .find(|s| says(run, s, phrase))
        .map(|s| s.index)
}

impl Place {
    /// The step it names in `run`, if the run has it.
    pub fn step_in(&self, run: &Run) -> Option<u32> {
        let last = run.steps.len().checked_sub(1)? as u32;
        match self {
            Place::Step(n) => (*n <= last).then_some(*n),
            Place::Said(end) if end == "end" => Some(last),
            Place::Said(phrase) => first_said(run, phrase),
        }
    }
}

impl Condition {
    /// Whether `run` shows it by step `upto`.
    pub fn holds(&self, run: &Run, upto: u32) -> bool {
        let broken = |id: &str| {
            run.violations
                .iter()
                .any(|v| v.invariant == id && v.step <= upto)
        };
        let said = |p: &str| first_said(run, p).filter(|&s| s <= upto);
        match self {
            Condition::Broken(id) => broken(id),
            Condition::Holds(id) => !broken(id),
            Condition::Said(p) => said(p).is_some(),
            Condition::NotSaid(p) => said(p).is_none(),
            Condition::Before(a, b) => match (said(a), said(b)) {
                (Some(a), Some(b)) => a < b,
                (Some(_), None) => true,
                _ => false,
            },
        }
    }
}

impl Prediction {
    /// The step where `run` shows the answer.
    pub fn reveal_in(&self, run: &Run) -> Option<u32> {
        self.reveal.step_in(run)
    }

    /// The choices `run` makes true by its reveal (one, in a good lesson).
    pub fn true_choices(&self, run: &Run) -> Vec<usize> {
        let Some(upto) = self.reveal_in(run) else {
            return Vec::new();
        };
        (0..self.choices.len())
            .filter(|&i| self.choices[i].when.holds(run, upto))
            .collect()
    }

    /// The right choice, as the run shows it: the one true choice.
    pub fn right_choice(&self, run: &Run) -> Option<usize> {
        match self.true_choices(run)[..] {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// A lesson step's link (the short form's `lesson` and `ls` keys; `at`
/// when the cursor is not where the step puts it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonLink {
    pub lab: String,
    pub lesson: String,
    /// The step of the lesson, from 0.
    pub step: usize,
    pub at: Option<u32>,
}

impl LessonLink {
    /// Read a hash such as `lab=payments&lesson=retries&ls=2`; `None`
    /// when it is not a lesson link.
    pub fn parse(hash: &str) -> Option<Self> {
        let mut link = LessonLink {
            lab: String::new(),
            lesson: String::new(),
            step: 0,
            at: None,
        };
        for pair in hash.trim_start_matches('#').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "lab" => link.lab = v.to_string(),
                "lesson" => link.lesson = v.to_string(),
                "ls" => link.step = v.parse().ok()?,
                "at" => link.at = Some(v.parse().ok()?),
                _ => {}
            }
        }
        let ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        (ok(&link.lab) && ok(&link.lesson)).then_some(link)
    }

    /// The hash (without `#`).
    pub fn hash(&self) -> String {
        let mut h = format!("lab={}&lesson={}&ls={}", self.lab, self.lesson, self.step);
        if let Some(at) = self.at {
            h.push_str(&format!("&at={at}"));
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_link_reads_back_what_it_wrote() {
        let link = LessonLink {
            lab: "payments".into(),
            lesson: "retries".into(),
            step: 3,
            at: Some(12),
        };
        assert_eq!(LessonLink::parse(&link.hash()), Some(link.clone()));
        let plain = LessonLink { at: None, ..link };
        assert_eq!(plain.hash(), "lab=payments&lesson=retries&ls=3");
        assert_eq!(LessonLink::parse(&plain.hash()), Some(plain));
    }

    #[test]
    fn links_that_are_not_lesson_links_are_not_read_as_one() {
        for hash in [
            "lab=payments&preset=happy-path",
            "lesson=retries&ls=1",
            "lab=payments&lesson=&ls=1",
            "lab=payments&lesson=retries&ls=x",
            "lab=payments&lesson=<b>&ls=1",
            "lab=payments&lesson=retries&ls=1&at=-1",
            "v1.eyJ2IjoxfQ",
        ] {
            assert_eq!(LessonLink::parse(hash), None, "{hash}");
        }
    }

    #[test]
    fn a_file_of_another_format_or_lab_is_refused_with_a_reason() {
        let text =
            |format: u32, lab: &str| format!(r#"{{"format":{format},"lab":"{lab}","lessons":[]}}"#);
        assert!(LessonFile::parse(&text(FORMAT, "payments"), "payments").is_ok());
        assert_eq!(
            LessonFile::parse(&text(FORMAT + 1, "payments"), "payments"),
            Err(LessonError::Format(FORMAT + 1))
        );
        assert!(matches!(
            LessonFile::parse(&text(FORMAT, "oauth"), "payments"),
            Err(LessonError::WrongLab { .. })
        ));
        let bad = LessonFile::parse("{\"format\":1", "payments").unwrap_err();
        assert!(bad.to_string().contains("could not be read"), "{bad}");
        let unknown = r#"{"format":1,"lab":"payments","lessons":[],"extra":1}"#;
        assert!(LessonFile::parse(unknown, "payments").is_err());
        // A misspelt key, a panel that does not exist, a condition of two.
        let step = |extra: &str| {
            format!(
                r#"{{"format":1,"lab":"payments","lessons":[{{"id":"a","title":"t","summary":"s","steps":[{{"title":"t","text":["x"],"preset":"p"{extra}}}]}}]}}"#
            )
        };
        assert!(LessonFile::parse(&step(""), "payments").is_ok());
        for bad in [
            r#","predcit":{}"#,
            r#","point":"sidebar""#,
            r#","at":-1"#,
            r#","predict":{"question":"q","choices":[{"text":"a","when":{"said":"x","holds":"y"}}],"answer":0,"reveal":"end","why":"w"}"#,
            r#","predict":{"question":"q","choices":[{"text":"a","when":{"before":["x"]}}],"answer":0,"reveal":"end","why":"w"}"#,
        ] {
            let e = LessonFile::parse(&step(bad), "payments").unwrap_err();
            assert!(matches!(e, LessonError::Unreadable(_)), "{bad}: {e}");
        }
    }
}
