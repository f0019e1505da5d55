//! Which runs break each Sagas invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::invariants::*;
use super::ID;
use crate::lab::InvariantCase;
use crate::scenario::Scenario;

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case(ID, id)
}

/// Every case of this lab.
pub fn invariant_cases() -> Vec<InvariantCase> {
    use InvariantCase as C;
    vec![
        C::holds(SHAPE, "payment declined", || p("payment-declined")),
        C::breaks(NO_COMP_AFTER_PIVOT, "compensate after the pivot", || {
            p("compensate-after-pivot")
        }),
        C::holds(NO_COMP_AFTER_PIVOT, "retry after the pivot", || {
            p("retry-after-pivot")
        }),
        C::holds(COMP_NEEDS_STEP, "payment declined", || {
            p("payment-declined")
        }),
        C::breaks(ENDS, "dual write, crash after commit", || {
            p("crash-after-commit-dual-write")
        }),
        C::holds(ENDS, "orchestrator crash", || p("orchestrator-crash")),
        C::breaks(EVENT_IFF_COMMIT, "dual write, crash after commit", || {
            p("crash-after-commit-dual-write")
        }),
        C::holds(EVENT_IFF_COMMIT, "outbox, crash after commit", || {
            p("crash-after-commit-outbox")
        }),
        C::breaks(EFFECT_ONCE, "duplicate, consumers not idempotent", || {
            p("duplicate-not-idempotent")
        }),
        C::holds(EFFECT_ONCE, "duplicate, idempotent consumers", || {
            p("duplicate-idempotent")
        }),
        C::holds(STOCK, "payment declined", || p("payment-declined")),
        C::breaks(MONEY, "payment timeout, no key", || {
            p("payment-timeout-no-key")
        }),
        C::holds(MONEY, "payment timeout", || p("payment-timeout")),
        C::holds(ALL_OR_NOTHING, "2PC coordinator crash", || {
            p("2pc-coordinator-crash")
        }),
    ]
}
