//! Golden digests: a short fingerprint of a preset's full run, so a change
//! in any lab's behaviour is noticed (natively by `tests/golden.rs`, and in
//! the browser's wasm build by the E2E suite, which must agree). A changed
//! digest means the lab's model changed: its `model_version` goes up, so
//! links made before open with a notice.

use crate::engine::Detail;
use crate::registry::{labs, simulate_with};
use crate::trace::Run;

/// FNV-1a, 64 bits, as 16 hex digits: small, fixed and the same everywhere.
pub(crate) fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Digest of one scenario's run (`None` if it cannot run).
pub fn run_digest(scenario: &crate::Scenario) -> Option<String> {
    simulate_with(scenario, Detail::Full)
        .ok()
        .and_then(|run| behaviour_digest(&run))
}

/// Digest of everything a learner can see of a run: every step with its
/// narration, states and transitions, every message in full (status,
/// headers, body) with its label, every timer, table row and verdict, and
/// the actors' machines and tables. The scenario is left out: it carries
/// the model version, which the golden file records beside the digest.
/// (A digest of the lean run could not see a changed status code, label or
/// narration line: lean runs build none of them.)
pub fn behaviour_digest(run: &Run) -> Option<String> {
    let mut all = serde_json::to_value(run).ok()?;
    all.as_object_mut()?.remove("scenario");
    Some(fnv1a(all.to_string().as_bytes()))
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
