//! Which runs break each Sagas invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::config::IDEMPOTENT;
use super::id::ID;
use super::invariants::*;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::InvariantCase;
use crate::message::MsgClass;
use crate::scenario::{ConfigValue, Scenario};

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case(ID, id)
}

/// The card is declined, consumers are not idempotent, and `fault`.
fn declined_no_dedupe(fault: Fault) -> Scenario {
    let mut s = p("payment-declined").with(IDEMPOTENT, ConfigValue::Bool(false));
    s.faults.push(fault);
    s
}

/// Payment's ack of T3 (its first) is lost: the broker redelivers T3
/// after C2 has run, and a payment service that does not remember the
/// message captures the price: T3 commits after a compensation.
fn late_redelivery() -> Scenario {
    declined_no_dedupe(Fault::Net {
        on: MsgMatch::next(0, Some(MsgClass::Response))
            .from("payment")
            .to("broker"),
        action: NetAction::Drop,
    })
}

/// The broker's next delivery to inventory after T2 (C2) comes twice:
/// without a processed-message table C2 releases two units.
fn c2_twice() -> Scenario {
    declined_no_dedupe(Fault::Net {
        on: MsgMatch::next(400, Some(MsgClass::Request))
            .from("broker")
            .to("inventory"),
        action: NetAction::Duplicate,
    })
}

/// Every case of this lab.
pub fn invariant_cases() -> Vec<InvariantCase> {
    use InvariantCase as C;
    vec![
        C::breaks(SHAPE, "T3 redelivered after C2, no dedupe", late_redelivery),
        C::holds(SHAPE, "payment declined", || p("payment-declined")),
        C::breaks(NO_COMP_AFTER_PIVOT, "compensate after the pivot", || {
            p("compensate-after-pivot")
        }),
        C::holds(NO_COMP_AFTER_PIVOT, "retry after the pivot", || {
            p("retry-after-pivot")
        }),
        C::breaks(COMP_NEEDS_STEP, "C2 delivered twice, no dedupe", c2_twice),
        C::holds(COMP_NEEDS_STEP, "payment declined", || {
            p("payment-declined")
        }),
        C::breaks(ENDS, "dual write, crash after commit", || {
            p("crash-after-commit-dual-write")
        }),
        C::holds(ENDS, "orchestrator crash", || p("orchestrator-crash")),
        C::holds(ENDS, "broker down", || p("broker-down")),
        C::breaks(EVENT_IFF_COMMIT, "dual write, crash after commit", || {
            p("crash-after-commit-dual-write")
        }),
        C::breaks(EVENT_IFF_COMMIT, "dual write, crash after publish", || {
            p("crash-after-publish-dual-write")
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
        C::breaks(STOCK, "a unit leaked by a duplicate T2", || {
            p("duplicate-not-idempotent")
        }),
        C::breaks(STOCK, "C2 delivered twice, no dedupe", c2_twice),
        C::holds(STOCK, "payment declined", || p("payment-declined")),
        C::holds(STOCK, "lost sale", || p("lost-sale")),
        C::breaks(MONEY, "payment timeout, no key", || {
            p("payment-timeout-no-key")
        }),
        C::holds(MONEY, "payment timeout", || p("payment-timeout")),
        C::breaks(FOLLOWS, "compensate after the pivot", || {
            p("compensate-after-pivot")
        }),
        C::breaks(
            FOLLOWS,
            "T3 redelivered after C2, no dedupe",
            late_redelivery,
        ),
        C::holds(FOLLOWS, "retry after the pivot", || p("retry-after-pivot")),
        C::holds(FOLLOWS, "payment declined", || p("payment-declined")),
        C::breaks(ALL_OR_NOTHING, "2PC heuristic abort", || p("2pc-heuristic")),
        C::holds(ALL_OR_NOTHING, "2PC coordinator crash", || {
            p("2pc-coordinator-crash")
        }),
    ]
}
