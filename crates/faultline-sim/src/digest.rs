//! Golden digests: a short fingerprint of a preset's lean run, so a change
//! in any lab's behaviour is noticed (natively by `tests/golden.rs`, and in
//! the browser's wasm build by the E2E suite, which must agree). A changed
//! digest means the lab's model changed: its `model_version` goes up, so
//! links made before open with a notice.

use crate::engine::Detail;
use crate::registry::{labs, simulate_with};
use serde::Serialize;

/// FNV-1a, 64 bits, as 16 hex digits: small, fixed and the same everywhere.
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The behaviour a digest covers: every step, message, timer and verdict
/// of the lean run (not the scenario, which carries the model version).
#[derive(Serialize)]
struct Behaviour<'a> {
    steps: Vec<crate::trace::StepJson<'a>>,
    flights: &'a [crate::trace::Flight],
    timers: &'a [crate::trace::TimerMark],
    violations: &'a [crate::trace::Violation],
    end: &'a crate::trace::End,
}

/// Digest of one scenario's lean run (`None` if it cannot run).
pub fn run_digest(scenario: &crate::Scenario) -> Option<String> {
    let run = simulate_with(scenario, Detail::Lean).ok()?;
    let json = serde_json::to_string(&Behaviour {
        steps: run.steps.iter().map(|s| run.step_json(s)).collect(),
        flights: &run.flights,
        timers: &run.timers,
        violations: &run.violations,
        end: &run.end,
    })
    .ok()?;
    Some(fnv1a(json.as_bytes()))
}

/// Every preset of every lab: (lab, model version, preset, digest), as
/// JSON lines `{"lab":…,"model":…,"preset":…,"digest":…}` in one array.
pub fn preset_digests_json() -> String {
    let mut out = Vec::new();
    for info in labs() {
        for p in &info.presets {
            let digest = run_digest(&(p.scenario)()).unwrap_or_default();
            out.push(format!(
                "{{\"lab\":\"{}\",\"model\":{},\"preset\":\"{}\",\"digest\":\"{digest}\"}}",
                info.id, info.model_version, p.id
            ));
        }
    }
    format!("[{}]", out.join(","))
}
