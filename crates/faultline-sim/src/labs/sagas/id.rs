//! The Sagas lab's id and model version: the lab's lowest module, which
//! every other one may use.

/// Lab id used in scenarios and permalinks.
pub const ID: &str = "sagas";
/// The model version: bumped whenever a preset's run changes.
/// v3 (issue 18): no silent loss (the broker redelivers and relays retry
/// with a capped backoff, no dead letter; the orchestrator re-sends its
/// current command on restart and on a step timeout; 2PC decisions are
/// resent without a cap); a card-network key setting apart from idempotent
/// consumers; heuristic 2PC decisions; new invariants and narration.
/// v4: a crash on a reply or a publish restarts the service that long after
/// the crash itself (it used to restart that long after the fault was
/// added, so a service could crash after its "restart" and stay down).
/// v5: the semantic lock (a PENDING order refuses a customer's cancel) and
/// the lost update without it; a choreography's events go to topics that
/// services subscribe to (they were sent to the next service by name).
pub const MODEL_VERSION: u32 = 5;
