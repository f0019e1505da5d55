//! One-click scenarios, lab faults, the fault palette and the interview
//! card of the Sagas lab.

use super::config as c;
use super::ID;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::{Interview, LabFaultInfo, PaletteEntry, Preset};
use crate::message::MsgClass;
use crate::scenario::{ConfigValue::Bool, ConfigValue::Choice, ConfigValue::Int, Scenario};

fn base() -> Scenario {
    Scenario::new(ID, 10)
}

fn mode(m: &str) -> Scenario {
    base().with(c::COORDINATION, Choice(m.into()))
}

fn lab(t: u64, actor: &str, name: &str) -> Vec<Fault> {
    vec![Fault::lab(t, actor, name)]
}

/// Crash `actor` now and restart it `ms` later.
fn bounce(t: u64, actor: &str, ms: u64) -> Vec<Fault> {
    vec![
        Fault::Crash {
            at_ms: t,
            actor: actor.into(),
        },
        Fault::Restart {
            at_ms: t + ms,
            actor: actor.into(),
        },
    ]
}

/// Crash `victim` as the next message of `class` from `from` to `to`
/// leaves; restart it 1.5 s after `t`.
fn crash_on(t: u64, class: MsgClass, from: &str, to: &str, victim: &str) -> Vec<Fault> {
    vec![
        Fault::CrashOnSend {
            on: MsgMatch::next(t, Some(class)).from(from).to(to),
            actor: victim.into(),
        },
        Fault::Restart {
            at_ms: t + 1_500,
            actor: victim.into(),
        },
    ]
}

/// Inventory crashes right after it acknowledges a command: its change is
/// committed and its event not yet published.
fn crash_after_commit(t: u64) -> Vec<Fault> {
    crash_on(t, MsgClass::Response, "inventory", "broker", "inventory")
}

/// Inventory's relay publishes; it crashes before the broker's confirm.
fn relay_crash(t: u64) -> Vec<Fault> {
    crash_on(t, MsgClass::Response, "broker", "inventory", "inventory")
}

/// The coordinator crashes as payment's next vote leaves: after PREPARE,
/// before any decision.
fn crash_at_vote(t: u64) -> Vec<Fault> {
    crash_on(
        t,
        MsgClass::Response,
        "payment",
        "orchestrator",
        "orchestrator",
    )
}

fn with(s: Scenario, faults: Vec<Fault>) -> Scenario {
    faults.into_iter().fold(s, Scenario::fault)
}

pub fn lab_faults() -> Vec<LabFaultInfo> {
    let spec = LabFaultInfo::plain;
    vec![
        spec(
            "decline-next",
            "The payment service's next capture is declined.",
        ),
        spec(
            "payment-timeout",
            "The card network charges but its answer is lost.",
        ),
        spec(
            "fail-next",
            "The service's next local transaction fails (nothing committed).",
        ),
        spec(
            "out-of-stock",
            "Inventory's next reservation finds no stock.",
        ),
    ]
}

struct P(
    &'static str,
    &'static str,
    &'static str,
    fn(u64) -> Vec<Fault>,
);

const PALETTE: [P; 12] = [
    P(
        "decline",
        "Decline the next payment",
        "The card is declined: the pivot fails and the saga compensates.",
        |t| lab(t, "payment", "decline-next"),
    ),
    P(
        "payment-timeout",
        "Payment times out",
        "The card is charged but the answer is lost. Did it charge? (See the Payments lab.)",
        |t| lab(t, "payment", "payment-timeout"),
    ),
    P(
        "out-of-stock",
        "Out of stock",
        "Inventory's next reservation finds nothing left.",
        |t| lab(t, "inventory", "out-of-stock"),
    ),
    P(
        "crash-orchestrator",
        "Crash the orchestrator (back in 1.5 s)",
        "It loses its memory; its saga log survives.",
        |t| bounce(t, "orchestrator", 1_500),
    ),
    P(
        "fail-compensation",
        "Fail inventory's next transaction",
        "Nothing is committed; the broker redelivers until it succeeds.",
        |t| lab(t, "inventory", "fail-next"),
    ),
    P(
        "fail-shipping",
        "Shipping down once",
        "A step after the pivot fails once.",
        |t| lab(t, "shipping", "fail-next"),
    ),
    P(
        "broker-down",
        "Broker down for 2 s",
        "Publishes are lost meanwhile; its queue survives on disk.",
        |t| bounce(t, "broker", 2_000),
    ),
    P(
        "relay-crash",
        "Crash inventory before the broker's confirm",
        "Its relay published but never marked the row sent: it publishes again.",
        relay_crash,
    ),
    P(
        "duplicate",
        "Duplicate the next delivery",
        "The consumer receives the same message twice.",
        |t| {
            vec![Fault::Net {
                on: MsgMatch::next(t, Some(MsgClass::Request)).from("broker"),
                action: NetAction::Duplicate,
            }]
        },
    ),
    P(
        "crash-after-commit",
        "Crash inventory between commit and publish",
        "It committed and acknowledged, then dies before it publishes.",
        crash_after_commit,
    ),
    P(
        "crash-at-vote",
        "Crash the coordinator at the next vote",
        "2PC: it dies after PREPARE, before deciding (back 1.5 s later).",
        crash_at_vote,
    ),
    P(
        "partition-vote",
        "Cut the coordinator off from inventory (2 s)",
        "Votes and decisions between them are lost.",
        |t| {
            vec![Fault::Partition {
                from_ms: t,
                until_ms: t + 2_000,
                side_a: vec!["orchestrator".into()],
                side_b: vec!["inventory".into()],
            }]
        },
    ),
];

pub fn palette() -> Vec<PaletteEntry> {
    PALETTE
        .iter()
        .map(|p| PaletteEntry {
            id: p.0,
            label: p.1,
            help: p.2,
            build: p.3,
        })
        .collect()
}

/// A palette entry's faults at `t`.
fn pal(id: &str, t: u64) -> Vec<Fault> {
    PALETTE
        .iter()
        .find(|p| p.0 == id)
        .map_or(Vec::new(), |p| (p.3)(t))
}

pub fn interview() -> Interview {
    Interview {
        question: "An order is created, then the payment capture fails. How do the order, inventory and payment services stay consistent?",
        answer: "A saga: each service commits its own step and publishes an event through an outbox; when the payment fails, compensations run in reverse (release the stock, mark the order PAYMENT_FAILED), with explicit states and idempotent, retried steps.",
        why: "No lock spans the services, so nothing blocks when one of them is down; every step and its undo is a local transaction.",
        mistake: "A distributed transaction (two-phase commit) across every service: when its coordinator dies after PREPARE, the participants stay blocked with their locks held.",
        answer_preset: "payment-declined",
        mistake_preset: "2pc-coordinator-crash",
    }
}

pub fn presets() -> Vec<Preset> {
    let p = |id, title, explanation, scenario| Preset {
        id,
        title,
        explanation,
        scenario,
    };
    vec![
        p("happy-path", "Happy path", "T1..T5 commit, one local transaction and one event each.", base),
        p("payment-declined", "Payment declined: compensate", "The pivot fails: C2 releases the stock, C1 marks the order PAYMENT_FAILED, in reverse order.", || with(base(), pal("decline", 0))),
        p("payment-timeout", "Payment times out", "The card is charged but the answer is lost; the retry carries the same key and the card network returns its first capture.", || with(base(), pal("payment-timeout", 0))),
        p("payment-timeout-no-key", "Payment times out, no idempotency", "The same lost answer without idempotency: the retry charges the card again.", || with(base().with(c::IDEMPOTENT, Bool(false)), pal("payment-timeout", 0))),
        p("out-of-stock", "Out of stock", "Nothing to reserve: T2 fails and C1 cancels the order.", || base().with(c::STOCK, Int(0))),
        p("lost-sale", "Lost sale: one item, two orders", "Order 2 is refused while order 1 holds the item RESERVED; then order 1's payment fails and the item comes back. A sale lost to a transaction that never committed.", || with(base().with(c::ORDERS, Int(2)).with(c::STOCK, Int(1)), pal("decline", 0))),
        p("orchestrator-crash", "Orchestrator crashes mid-saga", "It dies after T2; on restart it reads its saga log and carries on from T3.", || with(base(), bounce(450, "orchestrator", 1_500))),
        p("compensation-fails", "A compensation fails", "C2 fails once; the broker redelivers it and it succeeds.", || with(base(), [pal("decline", 0), pal("fail-compensation", 400)].concat())),
        p("broker-down", "Broker down", "The broker is down for 2 s; relays retry until it is back, and nothing is lost.", || with(base(), pal("broker-down", 300))),
        p("relay-crash-duplicate", "Relay crash: duplicate delivery", "In a choreography, inventory crashes before its publish is confirmed; its relay publishes again and payment drops the duplicate.", || with(mode("choreographed"), relay_crash(0))),
        p("duplicate-idempotent", "Duplicate delivery, idempotent consumer", "Inventory gets the command twice and drops the repeat: its processed-message table knows it.", || with(base(), [Fault::Net { on: MsgMatch::next(0, Some(MsgClass::Request)).from("broker").to("inventory"), action: NetAction::Duplicate }].to_vec())),
        p("duplicate-not-idempotent", "Duplicate delivery, no idempotency", "The same duplicate reserves a second unit: one message, two effects.", || with(base().with(c::IDEMPOTENT, Bool(false)), [Fault::Net { on: MsgMatch::next(0, Some(MsgClass::Request)).from("broker").to("inventory"), action: NetAction::Duplicate }].to_vec())),
        p("crash-after-commit-outbox", "Crash between commit and publish, outbox", "Inventory dies after committing T2; its outbox row survives and the relay publishes it on restart.", || with(base(), crash_after_commit(0))),
        p("crash-after-commit-dual-write", "Crash between commit and publish, dual write", "The same crash without an outbox: the event was only in memory, and the saga is stuck.", || with(base().with(c::OUTBOX, Bool(false)), crash_after_commit(0))),
        p("retry-after-pivot", "Shipping fails after the pivot", "Shipping is down once; the command is redelivered and succeeds. Nothing is compensated.", || with(base(), pal("fail-shipping", 0))),
        p("compensate-after-pivot", "Compensating after the pivot (wrong)", "The same failure handled by compensation: a paid order is undone.", || with(base().with(c::AFTER_PIVOT, Choice("compensate".into())), pal("fail-shipping", 0))),
        p("choreography", "Choreography", "The same order with no orchestrator: each service reacts to the previous one's event.", || mode("choreographed")),
        p("choreography-declined", "Choreography: payment declined", "The decline event makes inventory release, whose event makes order reject.", || with(mode("choreographed"), pal("decline", 0))),
        p("2pc-happy", "Two-phase commit", "PREPARE, three YES votes, COMMIT: locks held until the decision.", || mode("2pc")),
        p("2pc-coordinator-crash", "2PC: coordinator crashes after PREPARE", "Everyone voted YES; the coordinator dies before deciding. Participants stay PREPARED, locks held, until it returns 5 s later.", || with(mode("2pc").with(c::ORDERS, Int(2)).with(c::STOCK, Int(1)), vec![crash_at_vote(0).remove(0), Fault::Restart { at_ms: 5_000, actor: "orchestrator".into() }])),
        p("2pc-partition", "2PC: partition during the vote", "Inventory's vote is cut off: the coordinator aborts, and inventory stays PREPARED until the cut heals.", || with(mode("2pc"), pal("partition-vote", 50))),
    ]
}
