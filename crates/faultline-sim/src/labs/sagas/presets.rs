//! One-click scenarios, lab faults, the fault palette and the interview
//! card of the Sagas lab, as data: each preset is a list of settings and
//! timed [`Act`]s, each palette entry one `Act` at the learner's "now".

use super::config as c;
use super::id::{ID, MODEL_VERSION};
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::{Comparison, Interview, LabFaultInfo, PaletteEntry, Preset};
use crate::message::MsgClass;
use crate::scenario::{ConfigValue, Scenario};

/// The lab faults the services understand, and what each does.
pub const LAB_FAULTS: [&str; 5] = [
    // The payment service's next capture is declined.
    "decline-next",
    // The card network charges but its answer is lost.
    "payment-timeout",
    // The service's next local transaction fails.
    "fail-next",
    // Inventory's next reservation finds no stock.
    "out-of-stock",
    // The customer asks the order service to cancel o1, now.
    CUSTOMER_CANCELS,
];

/// The lab fault that acts at once: a customer's cancel of o1.
pub const CUSTOMER_CANCELS: &str = "customer-cancels";

pub fn lab_faults() -> Vec<LabFaultInfo> {
    LAB_FAULTS
        .iter()
        .map(|&name| LabFaultInfo::plain(name))
        .collect()
}

/// What a palette entry or preset does at time `t`.
#[derive(Clone, Copy, Hash)]
enum Act {
    /// Lab fault `.1` at actor `.0`'s next transaction.
    Lab(&'static str, &'static str),
    /// Crash the actor, restart it `.1` ms later.
    Bounce(&'static str, u64),
    /// Crash `victim` as the next reply from `from` to `to` leaves;
    /// restart it `ms` after `t`.
    CrashOnReply {
        from: &'static str,
        to: &'static str,
        victim: &'static str,
        ms: u64,
    },
    /// Crash the actor as its next publish leaves; restart it `.1` ms after `t`.
    CrashOnPublish(&'static str, u64),
    /// Duplicate the broker's next delivery (to that actor, if named).
    Duplicate(Option<&'static str>),
    /// Cut the coordinator off from inventory for 2 s.
    CutVote,
    /// Lose the coordinator's first decision to inventory (after its
    /// vote), then cut them apart from 0.5 s to 5 s.
    CutDecision,
}

impl Act {
    fn faults(self, t: u64) -> Vec<Fault> {
        let crash = |actor: &str| Fault::Crash {
            at_ms: t,
            actor: actor.into(),
        };
        let restart = |actor: &str, ms| Fault::Restart {
            at_ms: t + ms,
            actor: actor.into(),
        };
        match self {
            Act::Lab(actor, name) => vec![Fault::lab(t, actor, name)],
            Act::Bounce(actor, ms) => vec![crash(actor), restart(actor, ms)],
            Act::CrashOnReply {
                from,
                to,
                victim,
                ms,
            } => vec![
                // Restarted `ms` after the crash itself, which may come
                // well after the click.
                Fault::CrashOnSend {
                    on: MsgMatch::next(t, Some(MsgClass::Response))
                        .from(from)
                        .to(to),
                    actor: victim.into(),
                    restart_after_ms: Some(ms),
                },
            ],
            Act::CrashOnPublish(victim, ms) => vec![Fault::CrashOnSend {
                on: MsgMatch::next(t, Some(MsgClass::Request))
                    .from(victim)
                    .to("broker"),
                actor: victim.into(),
                restart_after_ms: Some(ms),
            }],
            Act::Duplicate(to) => {
                let on = MsgMatch::next(t, Some(MsgClass::Request)).from("broker");
                let on = match to {
                    Some(to) => on.to(to),
                    None => on,
                };
                vec![Fault::Net {
                    on,
                    action: NetAction::Duplicate,
                }]
            }
            Act::CutVote => vec![Fault::Partition {
                from_ms: t,
                until_ms: t + 2_000,
                side_a: vec!["orchestrator".into()],
                side_b: vec!["inventory".into()],
            }],
            Act::CutDecision => vec![
                Fault::Net {
                    on: MsgMatch::next(t + 60, Some(MsgClass::Request))
                        .from("orchestrator")
                        .to("inventory"),
                    action: NetAction::Drop,
                },
                Fault::Partition {
                    from_ms: t + 500,
                    until_ms: t + 5_000,
                    side_a: vec!["orchestrator".into()],
                    side_b: vec!["inventory".into()],
                },
            ],
        }
    }
}

const DECLINE: Act = Act::Lab("payment", "decline-next");
const TIMEOUT: Act = Act::Lab("payment", "payment-timeout");
const FAIL_INVENTORY: Act = Act::Lab("inventory", "fail-next");
const FAIL_SHIPPING: Act = Act::Lab("shipping", "fail-next");
const CANCEL: Act = Act::Lab("order", CUSTOMER_CANCELS);
/// When the customer cancels o1 in the presets: after T1, before T4.
const CANCEL_MS: u64 = 200;
/// Inventory crashes right after it acknowledges a command: its change is
/// committed and its event not yet published.
const CRASH_AFTER_COMMIT: Act = Act::CrashOnReply {
    from: "inventory",
    to: "broker",
    victim: "inventory",
    ms: 1_500,
};
/// Inventory's relay publishes; it crashes before the broker's confirm.
const RELAY_CRASH: Act = Act::CrashOnReply {
    from: "broker",
    to: "inventory",
    victim: "inventory",
    ms: 1_500,
};
/// The coordinator crashes as payment's vote leaves: after PREPARE,
/// before any decision.
const fn crash_at_vote(ms: u64) -> Act {
    Act::CrashOnReply {
        from: "payment",
        to: "orchestrator",
        victim: "orchestrator",
        ms,
    }
}

/// The fault palette, one line of help each.
static PALETTE: [PaletteEntry; 13] = [
    PaletteEntry {
        id: "decline",
        label: "Decline the next payment",
        help: "The pivot fails and the saga compensates.",
        build: |t| DECLINE.faults(t),
    },
    PaletteEntry {
        id: "payment-timeout",
        label: "Payment times out",
        help: "Charged, but the answer is lost. Did it charge? (Payments lab)",
        build: |t| TIMEOUT.faults(t),
    },
    PaletteEntry {
        id: "out-of-stock",
        label: "Out of stock",
        help: "Inventory's next reservation finds none.",
        build: |t| Act::Lab("inventory", "out-of-stock").faults(t),
    },
    PaletteEntry {
        id: "customer-cancels",
        label: "Customer cancels o1",
        help: "A cancel request for o1 reaches the order service now.",
        build: |t| CANCEL.faults(t),
    },
    PaletteEntry {
        id: "crash-orchestrator",
        label: "Crash the orchestrator (1.5 s)",
        help: "Its memory is lost; its saga log survives.",
        build: |t| Act::Bounce("orchestrator", 1_500).faults(t),
    },
    PaletteEntry {
        id: "fail-compensation",
        label: "Fail inventory's next transaction",
        help: "Nothing commits; the broker redelivers until it succeeds.",
        build: |t| FAIL_INVENTORY.faults(t),
    },
    PaletteEntry {
        id: "fail-shipping",
        label: "Shipping fails once",
        help: "A step after the pivot fails.",
        build: |t| FAIL_SHIPPING.faults(t),
    },
    PaletteEntry {
        id: "broker-down",
        label: "Broker down for 2 s",
        help: "Publishes fail meanwhile; its queue survives on disk.",
        build: |t| Act::Bounce("broker", 2_000).faults(t),
    },
    PaletteEntry {
        id: "relay-crash",
        label: "Crash inventory before the broker confirms",
        help: "Its row stays unsent, so its relay publishes again.",
        build: |t| RELAY_CRASH.faults(t),
    },
    PaletteEntry {
        id: "duplicate-delivery",
        label: "Duplicate the next delivery",
        help: "A consumer gets the same message twice.",
        build: |t| Act::Duplicate(None).faults(t),
    },
    PaletteEntry {
        id: "crash-after-commit",
        label: "Crash inventory between commit and publish",
        help: "Its change is committed, its event not yet published.",
        build: |t| CRASH_AFTER_COMMIT.faults(t),
    },
    PaletteEntry {
        id: "crash-at-vote",
        label: "Crash the coordinator at the next vote",
        help: "2PC: it dies after PREPARE, before deciding; back in 1.5 s.",
        build: |t| crash_at_vote(1_500).faults(t),
    },
    PaletteEntry {
        id: "partition-vote",
        label: "Cut the coordinator off from inventory (2 s)",
        help: "Votes and decisions between them are lost.",
        build: |t| Act::CutVote.faults(t),
    },
];

pub fn palette() -> Vec<PaletteEntry> {
    PALETTE.to_vec()
}

/// A setting of a preset (a `ConfigValue` that can live in a static).
#[derive(Clone, Copy, Hash)]
enum Set {
    On(&'static str),
    Off(&'static str),
    Int(&'static str, i64),
    Choice(&'static str, &'static str),
}

const TWO_PC: Set = Set::Choice(c::COORDINATION, "2pc");
const CHOREO: Set = Set::Choice(c::COORDINATION, "choreographed");
const NO_IDEMPOTENCY: Set = Set::Off(c::IDEMPOTENT);

/// Seed 10 with `settings` and the `acts` at their times.
fn plan(settings: &[Set], acts: &[(Act, u64)]) -> Scenario {
    let mut s = Scenario::new(ID, MODEL_VERSION, 10);
    for set in settings {
        let (key, value) = match *set {
            Set::On(k) => (k, ConfigValue::Bool(true)),
            Set::Off(k) => (k, ConfigValue::Bool(false)),
            Set::Int(k, n) => (k, ConfigValue::Int(n)),
            Set::Choice(k, v) => (k, ConfigValue::Choice(v.into())),
        };
        s = s.with(key, value);
    }
    s.faults = acts.iter().flat_map(|(a, t)| a.faults(*t)).collect();
    s
}

/// Interview practice: the seed's "payment capture fails halfway", then a
/// payment that timed out after the stock was reserved, and an event
/// published after its commit.
pub fn interviews() -> Vec<Interview> {
    vec![Interview {
        question: "An order is created, then the payment capture fails. How do the order, inventory and payment services stay consistent?",
        answer: "A saga: each service commits its own step and publishes an event through an outbox; when the payment fails, compensations run in reverse (release the stock, mark the order PAYMENT_FAILED), with explicit states and idempotent, retried steps.",
        why: "No lock spans the services, so nothing blocks when one is down; every step and its undo is a local transaction.",
        mistake: "A distributed transaction (two-phase commit) across every service: when its coordinator dies after PREPARE, the participants stay blocked, locks held.",
        answer_preset: "payment-declined",
        mistake_preset: "2pc-coordinator-crash",
        comparison: "saga-vs-2pc",
        mistake_is_b: true,
    },
    Interview {
        question: "The saga has reserved the stock, then the call to capture the payment times out. The card may or may not have been charged. What does the saga do?",
        answer: "Retry the capture with the same idempotency key, passed on to the card network: if the first try went through, the retry gets that capture back instead of charging again. Only a definite failure starts the compensations (release the stock, reject the order).",
        why: "A timeout is not a failure. Compensating on it could cancel an order that was paid; retrying without a key could charge twice.",
        mistake: "Retrying the capture without an idempotency key: the first charge went through, so the customer pays twice.",
        answer_preset: "payment-timeout",
        mistake_preset: "payment-timeout-no-key",
        comparison: "payment-key",
        mistake_is_b: false,
    },
    Interview {
        question: "Each service commits its change to its database and then publishes an event for the next step. What if it crashes between the two, and how do you prevent it?",
        answer: "A transactional outbox: write the event as a row in the same local transaction as the change, and let a relay publish the outbox rows afterwards. The relay may publish twice, so consumers skip messages they have already processed.",
        why: "One local transaction commits the change and its event together; the relay keeps trying until the broker has the event.",
        mistake: "A dual write, commit then publish: a crash in between loses the event, and the saga never moves on.",
        answer_preset: "crash-after-commit-outbox",
        mistake_preset: "crash-after-commit-dual-write",
        comparison: "outbox-vs-dual-write",
        mistake_is_b: true,
    }]
}

/// The presets: each fault of the issue, and the settings they contrast.
static PRESETS: [Preset; 25] = [
    Preset {
        id: "happy-path",
        title: "Happy path",
        explanation: "T1..T5 each commit one local transaction and publish one event.",
        scenario: || plan(&[], &[]),
    },
    Preset {
        id: "payment-declined",
        title: "Payment declined: compensate",
        explanation: "The pivot fails: C2 releases the stock, then C1 marks the order PAYMENT_FAILED.",
        scenario: || plan(&[], &[(DECLINE, 0)]),
    },
    Preset {
        id: "payment-timeout",
        title: "Payment times out",
        explanation: "Charged, answer lost: the retry reuses the idempotency key and gets the first capture back.",
        scenario: || plan(&[], &[(TIMEOUT, 0)]),
    },
    Preset {
        id: "payment-timeout-no-key",
        title: "Payment times out, no idempotency",
        explanation: "No key to the card network: the retry charges again, €84 in all. The processed-message table cannot help: the first try never committed.",
        scenario: || plan(&[Set::Off(c::CARD_KEY)], &[(TIMEOUT, 0)]),
    },
    Preset {
        id: "out-of-stock",
        title: "Out of stock",
        explanation: "Nothing to reserve: T2 fails and C1 cancels the order.",
        scenario: || plan(&[Set::Int(c::STOCK, 0)], &[]),
    },
    Preset {
        id: "lost-sale",
        title: "Lost sale: one item, two orders",
        explanation: "o2 is refused while o1 holds the item RESERVED; then o1's payment fails and the item comes back unsold.",
        scenario: || plan(&[Set::Int(c::ORDERS, 2), Set::Int(c::STOCK, 1)], &[(DECLINE, 0)]),
    },
    Preset {
        id: "orchestrator-crash",
        title: "Orchestrator crashes mid-saga",
        explanation: "It dies after T2; on restart it reads its saga log and carries on.",
        scenario: || plan(&[], &[(Act::Bounce("orchestrator", 1_500), 450)]),
    },
    Preset {
        id: "compensation-fails",
        title: "A compensation fails",
        explanation: "C2 fails once; the broker redelivers it until it succeeds.",
        scenario: || plan(&[], &[(DECLINE, 0), (FAIL_INVENTORY, 400)]),
    },
    Preset {
        id: "broker-down",
        title: "Broker down",
        explanation: "The broker is down for 2 s; relays retry until it is back, and nothing is lost.",
        scenario: || plan(&[], &[(Act::Bounce("broker", 2_000), 300)]),
    },
    Preset {
        id: "relay-crash-duplicate",
        title: "Relay crash: duplicate delivery",
        explanation: "Inventory crashes before the broker confirms its publish; it publishes again and payment drops the copy.",
        scenario: || plan(&[CHOREO], &[(RELAY_CRASH, 0)]),
    },
    Preset {
        id: "duplicate-idempotent",
        title: "Duplicate delivery, idempotent consumer",
        explanation: "Inventory gets the command twice; its processed-message table drops the repeat.",
        scenario: || plan(&[], &[(Act::Duplicate(Some("inventory")), 0)]),
    },
    Preset {
        id: "duplicate-not-idempotent",
        title: "Duplicate delivery, no idempotency",
        explanation: "The same duplicate reserves a second unit: one message, two effects.",
        scenario: || plan(&[NO_IDEMPOTENCY], &[(Act::Duplicate(Some("inventory")), 0)]),
    },
    Preset {
        id: "crash-after-commit-outbox",
        title: "Crash after commit, outbox",
        explanation: "Inventory dies after committing T2; its relay publishes the outbox row on restart.",
        scenario: || plan(&[], &[(CRASH_AFTER_COMMIT, 0)]),
    },
    Preset {
        id: "crash-after-commit-dual-write",
        title: "Crash after commit, dual write",
        explanation: "The same crash without an outbox: the event was only in memory, and the saga is stuck.",
        scenario: || plan(&[Set::Off(c::OUTBOX)], &[(CRASH_AFTER_COMMIT, 0)]),
    },
    Preset {
        id: "crash-after-publish-dual-write",
        title: "Crash after publish, dual write",
        explanation: "Publish first, then commit: inventory dies in between. Its T2 event is out but the reservation rolled back, and payment captures for a unit nobody reserved.",
        scenario: || {
            let first = Set::Choice(c::DUAL_WRITE, "publish-first");
            plan(&[Set::Off(c::OUTBOX), first], &[(Act::CrashOnPublish("inventory", 1_500), 0)])
        },
    },
    Preset {
        id: "retry-after-pivot",
        title: "Failure after the pivot: retry",
        explanation: "Shipping fails once; the command is redelivered and succeeds. Nothing is compensated.",
        scenario: || plan(&[], &[(FAIL_SHIPPING, 0)]),
    },
    Preset {
        id: "compensate-after-pivot",
        title: "Failure after the pivot: compensate (wrong)",
        explanation: "The same failure compensated (wrong): the saga ends COMPENSATED, the order CANCELLED, and the €42 stays captured. The customer paid for nothing.",
        scenario: || plan(&[Set::Choice(c::AFTER_PIVOT, "compensate")], &[(FAIL_SHIPPING, 0)]),
    },
    Preset {
        id: "lost-update",
        title: "Lost update: cancel mid-saga, no semantic lock",
        explanation: "No semantic lock: the customer's cancel of o1 commits mid-saga. The saga still captures €42, then T4 writes APPROVED over the cancel. The cancel is lost; o1 ships.",
        scenario: || plan(&[Set::Off(c::SEMANTIC_LOCK)], &[(CANCEL, CANCEL_MS)]),
    },
    Preset {
        id: "semantic-lock",
        title: "Semantic lock: cancel refused mid-saga",
        explanation: "The same cancel finds o1 PENDING, a saga at work on it: refused. The saga completes: o1 APPROVED, €42 captured, one parcel shipped.",
        scenario: || plan(&[], &[(CANCEL, CANCEL_MS)]),
    },
    Preset {
        id: "choreography",
        title: "Choreography",
        explanation: "No orchestrator: each service publishes its events to a topic, and the broker hands each event to the services that subscribe to that topic.",
        scenario: || plan(&[CHOREO], &[]),
    },
    Preset {
        id: "choreography-declined",
        title: "Choreography: payment declined",
        explanation: "Inventory subscribes to PaymentDeclined and releases the unit; order subscribes to StockReleased and rejects the order. Nobody subscribes to OrderRejected.",
        scenario: || plan(&[CHOREO], &[(DECLINE, 0)]),
    },
    Preset {
        id: "2pc-happy",
        title: "Two-phase commit",
        explanation: "PREPARE, three YES votes, COMMIT: locks held until the decision.",
        scenario: || plan(&[TWO_PC], &[]),
    },
    Preset {
        id: "2pc-coordinator-crash",
        title: "2PC: coordinator crashes after PREPARE",
        explanation: "All vote YES, then the coordinator dies: participants stay PREPARED, locks held, until it returns 5 s after its crash and aborts o1.",
        scenario: || {
            let two = [TWO_PC, Set::Int(c::ORDERS, 2), Set::Int(c::STOCK, 1)];
            plan(&two, &[(crash_at_vote(5_000), 0)])
        },
    },
    Preset {
        id: "2pc-partition",
        title: "2PC: partition during the vote",
        explanation: "Inventory's vote is cut off: the coordinator aborts; inventory stays PREPARED until the cut heals.",
        scenario: || plan(&[TWO_PC], &[(Act::CutVote, 50)]),
    },
    Preset {
        id: "2pc-heuristic",
        title: "2PC: a heuristic abort breaks atomicity",
        explanation: "Inventory votes YES, then its COMMIT is lost and it is cut off; after 3 s it aborts on its own. Order and payment commit, inventory aborts.",
        scenario: || plan(&[TWO_PC, Set::On(c::HEURISTIC)], &[(Act::CutDecision, 0)]),
    },
];

pub fn presets() -> Vec<Preset> {
    PRESETS.to_vec()
}

/// Ready-made comparisons: one run with one setting changed.
pub fn comparisons() -> Vec<Comparison> {
    const ALL: &[Comparison] = &[
        Comparison {
            id: "saga-vs-2pc",
            title: "Coordinator crash: saga vs two-phase commit",
            explanation: "Two orders, one item in stock. The coordinator dies at 150 ms and is back at 5 s. The saga (A) holds no locks meanwhile: its log lets it carry on after the restart. Under two-phase commit (B) the participants that voted YES on the undecided order stay PREPARED, locks held, until the coordinator returns (the blocked column).",
            a: || plan(&[Set::Int(c::ORDERS, 2), Set::Int(c::STOCK, 1)], &[(Act::Bounce("orchestrator", 4_850), 150)]),
            b: || plan(&[TWO_PC, Set::Int(c::ORDERS, 2), Set::Int(c::STOCK, 1)], &[(Act::Bounce("orchestrator", 4_850), 150)]),
        },
        Comparison {
            id: "payment-key",
            title: "A payment timeout: retry with a key or without",
            explanation: "The capture goes through but its answer is lost, and the saga retries. Without a key to the card network (A) the retry charges again; with one (B) it gets the first capture back.",
            a: || plan(&[Set::Off(c::CARD_KEY)], &[(TIMEOUT, 0)]),
            b: || plan(&[], &[(TIMEOUT, 0)]),
        },
        Comparison {
            id: "outbox-vs-dual-write",
            title: "Outbox vs dual write",
            explanation: "Inventory crashes after committing T2. With an outbox (A) the event was committed with the change and its relay publishes it on restart; with a dual write (B) the event was only in memory, and the saga is stuck.",
            a: || plan(&[], &[(CRASH_AFTER_COMMIT, 0)]),
            b: || plan(&[Set::Off(c::OUTBOX)], &[(CRASH_AFTER_COMMIT, 0)]),
        },
        Comparison {
            id: "semantic-lock-or-not",
            title: "A cancel mid-saga: semantic lock or not",
            explanation: "The customer cancels o1 while its saga runs. With the semantic lock (A) the PENDING order refuses the cancel and the saga completes. Without it (B) the cancel commits, then T4 writes APPROVED over it: a lost update, and the customer is charged for an order they cancelled.",
            a: || plan(&[], &[(CANCEL, CANCEL_MS)]),
            b: || plan(&[Set::Off(c::SEMANTIC_LOCK)], &[(CANCEL, CANCEL_MS)]),
        },
        Comparison {
            id: "idempotent-or-not",
            title: "A duplicate: idempotent consumer or not",
            explanation: "The broker delivers inventory's command twice. An idempotent consumer (A) finds it in its processed-message table and skips it; without one (B) it reserves a second unit.",
            a: || plan(&[], &[(Act::Duplicate(Some("inventory")), 0)]),
            b: || plan(&[NO_IDEMPOTENCY], &[(Act::Duplicate(Some("inventory")), 0)]),
        },
    ];
    ALL.to_vec()
}
