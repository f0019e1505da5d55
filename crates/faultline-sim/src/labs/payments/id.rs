//! The Payments lab's id and model version: the lab's lowest module,
//! which every other one may use.

/// Lab id used in scenarios and permalinks.
pub const ID: &str = "payments";

/// The model version: bumped whenever a preset's run changes.
/// 1: before versions existed. 2: the lab seam (timer kinds, instances,
/// transitions the tables did not allow are fixed). 3: money truth (the
/// processor's holds, key retention and amount check, the pass-key switch,
/// voids), API timeouts on its own calls, the visible expiry sweep.
/// 4: issue 18: a lapsed IN_FLIGHT lock is never re-run blindly (asked
/// again downstream with the same key, or 409 until reconciled; the blind
/// re-run is the wrong setting `rerun_lapsed`), the non-atomic ledger row
/// is fenced by the claim token, "ledger row" vs "hold" wording, the
/// `new-key` fault, mismatch-no-effect removed.
pub const MODEL_VERSION: u32 = 4;
