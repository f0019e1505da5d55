//! Which runs break each Sagas invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::config::{self as c, IDEMPOTENT};
use super::invariants::*;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::InvariantCase;
use crate::message::MsgClass;
use crate::scenario::{ConfigValue, Scenario};

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case::<super::SagasLab>(id)
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
        C::breaks(CANCEL_KEPT, "no semantic lock, cancel mid-saga", || {
            p("lost-update")
        }),
        C::holds(CANCEL_KEPT, "semantic lock, cancel mid-saga", || {
            p("semantic-lock")
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

/// Every message outcome the lab gives, pinned (DOMAIN.md §3): what each
/// actor publishes, as (actor, "publishes", command or event); and how it
/// answers what it handles at that step, as (actor, what it handled, its
/// replies). A consumer acknowledges a delivery once its local transaction
/// committed; one it could not process stays unacknowledged ("no reply"),
/// so the broker delivers it again. Only the step's owner publishes its
/// event: T1 and T4 the order service (and C1), T2 inventory (and C2), T3
/// payment (the pivot), T5 shipping; only T2 and T3 can fail before the
/// pivot, and T5 only with the wrong after-the-pivot setting; the
/// orchestrator publishes the commands and acknowledges every event. In
/// a two-phase commit a participant votes YES or NO on PREPARE (or waits,
/// behind another order's lock), and acknowledges every decision (a
/// COMMIT that frees inventory's lock also answers a waiting order's
/// PREPARE with NO when no unit is left). `tests/sagas_checks.rs` checks
/// every outcome of many runs against it and that every row is reached.
pub const OUTCOMES: &[(&str, &str, &str)] = &[
    // What each actor publishes.
    ("orchestrator", "publishes", "T1 create order"),
    ("orchestrator", "publishes", "T2 reserve stock"),
    ("orchestrator", "publishes", "T3 capture payment"),
    ("orchestrator", "publishes", "T4 approve order"),
    ("orchestrator", "publishes", "T5 schedule shipping"),
    ("orchestrator", "publishes", "C1 reject order"),
    ("orchestrator", "publishes", "C2 release stock"),
    ("order", "publishes", "T1 done"),
    ("order", "publishes", "T4 done"),
    ("order", "publishes", "C1 done"),
    ("inventory", "publishes", "T2 done"),
    ("inventory", "publishes", "T2 failed"),
    ("inventory", "publishes", "C2 done"),
    ("payment", "publishes", "T3 done"),
    ("payment", "publishes", "T3 failed"),
    ("shipping", "publishes", "T5 done"),
    ("shipping", "publishes", "T5 failed"),
    // A choreography's events, each on its topic.
    ("order", "publishes", "OrderCreated"),
    ("order", "publishes", "OrderApproved"),
    ("order", "publishes", "OrderRejected"),
    ("inventory", "publishes", "StockReserved"),
    ("inventory", "publishes", "StockRefused"),
    ("inventory", "publishes", "StockReleased"),
    ("payment", "publishes", "PaymentCaptured"),
    ("payment", "publishes", "PaymentDeclined"),
    ("shipping", "publishes", "ShipmentScheduled"),
    ("shipping", "publishes", "ShippingFailed"),
    // The orchestrator acknowledges every event it consumes.
    ("orchestrator", "T1 done", "ack"),
    ("orchestrator", "T2 done", "ack"),
    ("orchestrator", "T2 failed", "ack"),
    ("orchestrator", "T3 done", "ack"),
    ("orchestrator", "T3 failed", "ack"),
    ("orchestrator", "T4 done", "ack"),
    ("orchestrator", "T5 done", "ack"),
    ("orchestrator", "T5 failed", "ack"),
    ("orchestrator", "C1 done", "ack"),
    ("orchestrator", "C2 done", "ack"),
    // The services: commands (orchestrated) and the topics they
    // subscribe to (choreography).
    ("order", "T1 create order", "ack"),
    ("order", "T1 create order", "no reply"),
    ("order", "T4 approve order", "ack"),
    ("order", "T4 approve order", "no reply"),
    ("order", "C1 reject order", "ack"),
    ("order", "C1 reject order", "no reply"),
    ("order", "StockRefused", "ack"),
    ("order", "StockRefused", "no reply"),
    ("order", "PaymentCaptured", "ack"),
    ("order", "PaymentCaptured", "no reply"),
    ("order", "ShipmentScheduled", "ack"),
    ("order", "StockReleased", "ack"),
    ("order", "StockReleased", "no reply"),
    ("inventory", "T2 reserve stock", "ack"),
    ("inventory", "T2 reserve stock", "no reply"),
    ("inventory", "C2 release stock", "ack"),
    ("inventory", "C2 release stock", "no reply"),
    ("inventory", "OrderCreated", "ack"),
    ("inventory", "OrderCreated", "no reply"),
    ("inventory", "PaymentDeclined", "ack"),
    ("inventory", "PaymentDeclined", "no reply"),
    ("inventory", "ShippingFailed", "ack"),
    ("payment", "T3 capture payment", "ack"),
    ("payment", "T3 capture payment", "no reply"),
    ("payment", "StockReserved", "ack"),
    ("payment", "StockReserved", "no reply"),
    ("shipping", "T5 schedule shipping", "ack"),
    ("shipping", "T5 schedule shipping", "no reply"),
    ("shipping", "OrderApproved", "ack"),
    ("shipping", "OrderApproved", "no reply"),
    // Two-phase commit.
    ("order", "PREPARE", "YES"),
    ("inventory", "PREPARE", "YES"),
    ("inventory", "PREPARE", "NO"),
    ("inventory", "PREPARE", "no reply"),
    ("payment", "PREPARE", "YES"),
    ("payment", "PREPARE", "NO"),
    ("order", "COMMIT", "ACK"),
    ("inventory", "COMMIT", "ACK"),
    ("inventory", "COMMIT", "ACK+NO"),
    ("payment", "COMMIT", "ACK"),
    ("order", "ABORT", "ACK"),
    ("inventory", "ABORT", "ACK"),
    ("payment", "ABORT", "ACK"),
];

/// Narration that says a mechanism acted, by the setting that turns the
/// mechanism off: (setting, its value when off, phrases). No narration
/// line of a run with that value may contain one of the phrases (naming a
/// missing defence is fine: "No semantic lock", "Dual write").
pub const CLAIMS_OF_ACTION: &[(&str, bool, &[&str])] = &[
    (
        c::OUTBOX,
        false,
        &[
            "the change and its outbox row",
            "its outbox rows wait for the relay",
        ],
    ),
    (
        c::IDEMPOTENT,
        false,
        &["has already processed", "dropped and acknowledged"],
    ),
    (
        c::CARD_KEY,
        false,
        &["with the same idempotency key", "returns its first capture"],
    ),
    (
        c::SEMANTIC_LOCK,
        false,
        &[
            "a semantic lock.",
            "(the semantic lock)",
            "refuses to cancel it",
        ],
    ),
    (
        c::HEURISTIC,
        false,
        &["heuristic ABORT", "aborted on its own"],
    ),
];
