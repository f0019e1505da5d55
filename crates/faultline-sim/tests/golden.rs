//! Golden digests: every preset of every lab runs exactly as recorded in
//! `tests/golden.json`. When a lab's behaviour changes on purpose, its
//! model version must go up too (so old links open with their notice):
//! this test fails if the digests moved but the version did not, or the
//! version moved but the file was not regenerated.

use faultline_sim::digest::preset_digests_json;
use serde_json::Value;

#[test]
fn every_preset_runs_as_recorded_and_model_versions_follow() {
    let golden: Value = serde_json::from_str(include_str!("golden.json")).unwrap();
    let now: Vec<Value> = serde_json::from_str(&preset_digests_json()).unwrap();
    let mut problems = Vec::new();
    for row in &now {
        let (lab, preset) = (
            row["lab"].as_str().unwrap(),
            row["preset"].as_str().unwrap(),
        );
        let recorded = &golden["labs"][lab];
        let same_digest = recorded["presets"][preset] == row["digest"];
        let same_model = recorded["model"] == row["model"];
        match (same_digest, same_model) {
            (true, true) => {}
            (false, true) => problems.push(format!(
                "{lab}/{preset}: the run changed ({} -> {}) but the lab's model version is still {}: bump MODEL_VERSION, then regenerate tests/golden.json",
                recorded["presets"][preset], row["digest"], row["model"]
            )),
            _ => problems.push(format!(
                "{lab}/{preset}: model version {} (recorded {}), digest {}: regenerate tests/golden.json with the golden_digests example",
                row["model"], recorded["model"], row["digest"]
            )),
        }
    }
    let recorded_count: usize = golden["labs"]
        .as_object()
        .unwrap()
        .values()
        .map(|l| l["presets"].as_object().unwrap().len())
        .sum();
    assert_eq!(
        recorded_count,
        now.len(),
        "every preset has a golden digest, and no more"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_digest_notices_a_one_event_difference() {
    let mut s = faultline_sim::preset("payments", "happy-path").unwrap();
    let a = faultline_sim::digest::run_digest(&s).unwrap();
    s.latency.max_ms += 1;
    let b = faultline_sim::digest::run_digest(&s).unwrap();
    assert_ne!(a, b);
    assert_eq!(a.len(), 16);
}

/// A change only a learner reading the page would notice (a status code, a
/// narration line, a table cell, a state's name) changes the digest.
#[test]
fn a_digest_sees_what_the_page_shows() {
    use faultline_sim::digest::behaviour_digest;
    let s = faultline_sim::preset("payments", "lost-response-no-key").unwrap();
    let run = faultline_sim::simulate(&s).unwrap();
    let base = behaviour_digest(&run).unwrap();
    let changed = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = serde_json::to_value(&run).unwrap();
        edit(&mut v);
        v.as_object_mut().unwrap().remove("scenario");
        let text = v.to_string();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    };
    // The same digest when nothing is edited (the helper hashes as the crate does).
    assert_eq!(changed(&|_| {}), base);
    type Edit<'a> = (&'a str, &'a dyn Fn(&mut serde_json::Value));
    let edits: [Edit; 3] = [
        ("narration", &|v| {
            let t = v["text"].as_str().unwrap().replacen("lost", "lose", 1);
            v["text"] = t.into();
        }),
        ("a message's status", &|v| {
            let text = v["flights"]
                .to_string()
                .replacen("200 OK", "201 Created", 1);
            v["flights"] = serde_json::from_str(&text).unwrap();
        }),
        ("a table cell", &|v| {
            let text = v["row_log"].to_string().replacen("HELD", "HOLD", 1);
            v["row_log"] = serde_json::from_str(&text).unwrap();
        }),
    ];
    for (what, edit) in edits {
        assert_ne!(changed(edit), base, "a changed {what} changes the digest");
    }
}
