//! Which runs break each Payments invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::config as c;
use super::invariants::*;
use super::ID;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::InvariantCase;
use crate::message::MsgClass;
use crate::registry::preset;
use crate::scenario::{ConfigValue::Bool, ConfigValue::Int, Scenario};

fn p(id: &str) -> Scenario {
    preset(ID, id).unwrap_or_else(|| panic!("no payments preset {id}"))
}

/// A non-atomic store whose first request writes its ledger row, then its
/// key completion is held up on the way past the lock: the retry takes the
/// key over (asking the processor with the same key, which returns the same
/// hold) and writes a second row. The first request is answered 200 ch_1,
/// its completion refused; the retry's 200 ch_2 is lost, so the third
/// attempt is replayed ch_2: not the first response sent for the key.
pub fn slow_second_write() -> Scenario {
    Scenario::new(ID, 7)
        .with(c::ATOMIC, Bool(false))
        .with(c::JITTER, Bool(false))
        .with(c::LOCK_MS, Int(500))
        .fault(Fault::Net {
            on: MsgMatch::next(0, Some(MsgClass::Request))
                .from("payment-api")
                .to("database")
                .nth(3),
            action: NetAction::Delay { ms: 1_100 },
        })
        .fault(Fault::Net {
            on: MsgMatch::next(0, Some(MsgClass::Response))
                .from("payment-api")
                .to("client-1")
                .nth(2),
            action: NetAction::Drop,
        })
}

/// Every case of this lab.
pub fn invariant_cases() -> Vec<InvariantCase> {
    use InvariantCase as C;
    vec![
        C::breaks(ONE_CHARGE_PER_ORDER, "no key, response lost", || {
            p("lost-response-no-key")
        }),
        C::breaks(ONE_CHARGE_PER_ORDER, "lapsed lock re-run blindly", || {
            p("lapsed-lock-rerun")
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
        C::breaks(
            ONE_CHARGE_PER_KEY,
            "non-atomic store crashes, key passed on",
            || p("non-atomic-crash").with(c::PASS_KEY, Bool(true)),
        ),
        C::holds(ONE_CHARGE_PER_KEY, "key, response lost", || {
            p("lost-response-with-key")
        }),
        C::breaks(
            REPLAY_IDENTICAL,
            "non-atomic store, second write late",
            slow_second_write,
        ),
        C::holds(REPLAY_IDENTICAL, "declined, 402 replayed", || {
            p("declined-replayed")
        }),
        C::breaks(CHARGE_IFF_COMPLETED, "non-atomic store crashes", || {
            p("non-atomic-crash")
        }),
        C::holds(CHARGE_IFF_COMPLETED, "key, response lost", || {
            p("lost-response-with-key")
        }),
        C::breaks(ATTEMPTS_CAPPED, "a new key for the retry", || {
            p("lost-response-with-key").fault(Fault::lab(0, "client-1", "new-key"))
        }),
        C::holds(ATTEMPTS_CAPPED, "retry storm", || p("retry-storm")),
    ]
}
