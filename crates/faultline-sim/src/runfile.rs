//! The exported run file (scenario, cursor and the full trace) and reading
//! it back. Import keeps only the scenario and cursor and re-simulates,
//! so a file can never smuggle a trace the engine would not produce.
//!
//! The lab pages do this in their helper worker (`faultline-helper`), on
//! the learner's click, so none of it is in a page's first load.

use crate::permalink::{self, Opened};
use crate::read;
use crate::scenario::Scenario;
use crate::Run;
use serde::Serialize;
use serde_json::Value;

/// Marker and version of the run file format.
pub const FILE_KIND: &str = "faultline-run";
pub const FILE_VERSION: u32 = 1;
/// Largest file we read (a long run's trace is a few MB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// A run file as written. (Typed, not a `serde_json::Value`: the generic
/// JSON tree cost about 13 KB of WebAssembly.)
#[derive(Serialize)]
struct RunFile<'a> {
    kind: &'static str,
    version: u32,
    cursor: u32,
    scenario: &'a Scenario,
    run: &'a Run,
}

/// The JSON text of an exported run.
pub fn run_file(run: &Run, cursor: u32) -> String {
    serde_json::to_string(&RunFile {
        kind: FILE_KIND,
        version: FILE_VERSION,
        cursor,
        scenario: &run.scenario,
        run,
    })
    .unwrap_or_default()
}

/// A run file's head as read back: what import uses (the trace is never
/// read back). Keys given twice are refused, with their name.
#[derive(Default)]
struct Head {
    kind: Option<String>,
    version: Option<u32>,
    cursor: u32,
    scenario: Option<Value>,
}

impl<'de> serde::Deserialize<'de> for Head {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Head;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a run file (a JSON map)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
                use serde::de::{Error, IgnoredAny};
                let mut head = Head::default();
                let mut seen: Vec<String> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if seen.contains(&key) {
                        let key: String = key.chars().take(40).collect();
                        return Err(A::Error::custom(format!(
                            "the key \"{key}\" is given twice"
                        )));
                    }
                    match key.as_str() {
                        "kind" => head.kind = map.next_value()?,
                        "version" => head.version = map.next_value()?,
                        "cursor" => head.cursor = map.next_value::<Option<u32>>()?.unwrap_or(0),
                        "scenario" => {
                            head.scenario = map.next_value::<Option<Value>>()?;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    seen.push(key);
                }
                Ok(head)
            }
        }
        d.deserialize_map(V)
    }
}

/// Read a run file back (an older model's file opens with a notice), or
/// explain what is wrong with it.
pub fn parse_run_file(text: &str) -> Result<Opened, String> {
    if text.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} MB, more than the {} MB a run file can be",
            text.len() / 1_048_576,
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    // The head is read key by key (`Head`): a key given twice is refused
    // by name, and a value of the wrong type is reported where it is (line
    // and column, which serde_json adds to every error it raises while
    // reading). The scenario is read by hand (crate::read).
    let not_json = |e: String| format!("it is not a JSON run file ({e})");
    let head: Head = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() || !text.trim_start().starts_with('{') {
            not_json(e.to_string())
        } else {
            format!("its head is damaged ({e})")
        }
    })?;
    if head.kind.as_deref() != Some(FILE_KIND) {
        return Err(
            "it is JSON, but not a Faultline run file (no \"kind\": \"faultline-run\")".into(),
        );
    }
    if head.version != Some(FILE_VERSION) {
        let version = head.version.map_or("none".to_string(), |v| v.to_string());
        return Err(format!(
            "it was saved in run file version {version}; this page reads version {FILE_VERSION}"
        ));
    }
    let cursor = head.cursor;
    let scenario = head.scenario.ok_or("the file has no scenario in it")?;
    let scenario =
        read::scenario(&scenario).map_err(|e| format!("its scenario is damaged ({e})"))?;
    permalink::check(&scenario).map_err(|e| format!("its scenario cannot be played: {e}"))?;
    let mut opened = permalink::adopt(scenario, cursor);
    // The trace is never read back, but a file whose trace is not what its
    // scenario produces (a row edited by hand) says so, rather than
    // quietly showing something else. Only for the current model: an
    // older one has its notice already.
    if opened.notice.is_none() {
        if let Ok(run) = crate::simulate(&opened.scenario) {
            let ours = run_file(&run, cursor);
            if let Some(at) = first_difference(text.trim_end(), &ours) {
                opened.notice = Some(trace_differs(text, at));
            }
        }
    }
    Ok(opened)
}

/// Where two texts first differ, if they do.
fn first_difference(a: &str, b: &str) -> Option<usize> {
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    (same < a.len().max(b.len())).then_some(same)
}

/// The notice for a file whose trace differs from its scenario's run at
/// byte `at`, naming the table the difference is in, if it is in one.
fn trace_differs(text: &str, at: usize) -> String {
    const TABLE: &str = "\"table\":\"";
    let table = text
        .get(..at)
        .and_then(|head| head.rfind(TABLE))
        .and_then(|i| text.get(i + TABLE.len()..))
        .and_then(|rest| rest.split('"').next())
        .filter(|t| !t.is_empty() && t.len() <= 60);
    let place = table.map_or(String::new(), |t| format!(" (first in the \"{t}\" table)"));
    format!(
        "Its trace is not the one its scenario produces{place}: the file was changed after it was saved, or saved by another version of Faultline. The run shown is the one its scenario produces."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_file_reads_back() {
        let s = crate::preset("payments", "key-expired").unwrap();
        let run = crate::simulate(&s).unwrap();
        let back = parse_run_file(&run_file(&run, 5)).unwrap();
        assert_eq!(back.scenario, s);
        assert_eq!(back.step, 5);
        assert_eq!(back.preset.as_deref(), Some("key-expired"));
        assert_eq!(back.notice, None);
    }

    /// Structure-aware: a valid run file with its head or scenario damaged
    /// (wrong types, strange values, missing fields, truncation) is either
    /// read or refused with a message; never a panic.
    #[test]
    fn damaged_run_files_are_refused_with_a_message() {
        let mut r = crate::rng::SimRng::new(0xf11e);
        let odd = [
            "null",
            "true",
            "-1",
            "18446744073709551615",
            "\"x\"",
            "[]",
            "{}",
            "1.5",
            "{\"crash\":{\"at_ms\":1,\"actor\":\"nobody\"}}",
        ];
        let base: Vec<String> = crate::labs()[0]
            .presets
            .iter()
            .map(|p| {
                let run = crate::simulate(&(p.scenario)()).unwrap();
                run_file(&run, 3)
            })
            .collect();
        let (mut read, mut refused) = (0, 0);
        for _ in 0..2_000 {
            let mut text = base[r.below(base.len() as u64) as usize].clone();
            // Damage a value in the head or the scenario (they come first).
            let head_end = text.find(",\"run\"").unwrap_or(text.len());
            let colons: Vec<usize> = text[..head_end]
                .match_indices(':')
                .map(|(i, _)| i)
                .collect();
            let at = colons[r.below(colons.len() as u64) as usize] + 1;
            let end = text[at..].find([',', '}']).map_or(text.len(), |e| at + e);
            let value = odd[r.below(odd.len() as u64) as usize];
            text.replace_range(at..end, value);
            if r.below(8) == 0 {
                let mut cut = r.below(text.len() as u64) as usize;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
            match parse_run_file(&text) {
                Ok(_) => read += 1,
                Err(e) => {
                    refused += 1;
                    assert!(!e.trim().is_empty());
                }
            }
        }
        assert!(read > 0 && refused > 0, "read {read}, refused {refused}");
    }

    #[test]
    fn bad_files_are_explained() {
        for (text, expect) in [
            ("", "not a JSON run file"),
            ("[1,2]", "not a JSON run file"),
            ("{\"a\":1}", "not a Faultline run file"),
            ("{\"kind\":\"faultline-run\",\"version\":9}", "version"),
            ("{\"kind\":\"faultline-run\",\"version\":1}", "no scenario"),
            ("{\"kind\":\"faultline-run\",\"version\":1,\"scenario\":{\"v\":1}}", "damaged"),
            ("{\"kind\":\"faultline-run\",\"version\":1,\"scenario\":{\"v\":1,\"lab\":\"x\",\"seed\":1}}", "cannot be played"),
            // A key given twice is refused by name, where it is.
            ("{\"kind\":\"faultline-run\",\n\"version\":1,\n\"version\":1}", "the key \"version\" is given twice at line 3"),
            // A value of the wrong type: its line and column.
            ("{\"kind\":\"faultline-run\",\n  \"version\": \"one\"}", "line 2 column"),
            ("{\"kind\":\"faultline-run\",\"version\":1,\n\"cursor\": -3}", "line 2 column"),
        ] {
            let err = parse_run_file(text).unwrap_err();
            assert!(err.contains(expect), "{text}: {err}");
        }
    }

    /// Every lab's presets: a run file with one cell of its last table row
    /// changed by hand (a saga log entry, a charge, a token) still opens
    /// its scenario's run, with a notice naming the table that differs.
    #[test]
    fn a_hand_edited_table_row_is_named_in_a_notice() {
        let mut edited = 0;
        for lab in crate::labs() {
            for p in &lab.presets {
                let run = crate::simulate(&(p.scenario)()).unwrap();
                let Some(row) = run.row_log.last() else {
                    continue;
                };
                let text = run_file(&run, 2);
                let cell = format!("\"cells\":[\"{}\"", row.key());
                let at = text.rfind(&cell).expect("the last row is in the file");
                let mut tampered = text.clone();
                tampered.insert_str(at + cell.len() - 1, "edited ");
                let opened = parse_run_file(&tampered).unwrap();
                assert_eq!(opened.scenario, (p.scenario)(), "{}/{}", lab.id, p.id);
                let notice = opened.notice.unwrap_or_default();
                let table = format!("\"{}\" table", row.table);
                assert!(notice.contains(&table), "{}/{}: {notice}", lab.id, p.id);
                edited += 1;
            }
        }
        assert!(edited > 10, "{edited} files edited");
    }
}
