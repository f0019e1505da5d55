//! Which runs break each Payments invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::invariants::*;
use super::ID;
use crate::lab::InvariantCase;
use crate::registry::preset;
use crate::scenario::Scenario;

fn p(id: &str) -> Scenario {
    preset(ID, id).unwrap_or_else(|| panic!("no payments preset {id}"))
}

/// Every case of this lab.
pub fn invariant_cases() -> Vec<InvariantCase> {
    use InvariantCase as C;
    vec![
        C::breaks(ONE_CHARGE_PER_ORDER, "no key, response lost", || {
            p("lost-response-no-key")
        }),
        C::holds(ONE_CHARGE_PER_ORDER, "key, response lost", || {
            p("lost-response-with-key")
        }),
        C::breaks(
            LEDGER_MATCHES_PROCESSOR,
            "key expired, processor remembers",
            || p("key-expired-processor-remembers"),
        ),
        C::holds(LEDGER_MATCHES_PROCESSOR, "happy path", || p("happy-path")),
        C::breaks(ONE_CHARGE_PER_KEY, "non-atomic store crashes", || {
            p("non-atomic-crash")
        }),
        C::holds(ONE_CHARGE_PER_KEY, "key, response lost", || {
            p("lost-response-with-key")
        }),
        C::holds(REPLAY_IDENTICAL, "declined, 402 replayed", || {
            p("declined-replayed")
        }),
        C::holds(CHARGE_IFF_COMPLETED, "key, response lost", || {
            p("lost-response-with-key")
        }),
        C::holds(MISMATCH_NO_EFFECT, "changed amount, 422", || {
            p("changed-amount-422")
        }),
        C::holds(ATTEMPTS_CAPPED, "retry storm", || p("retry-storm")),
    ]
}
