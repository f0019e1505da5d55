//! One-click scenarios and the fault palette of the payments lab.

use super::config as c;
use super::id::{ID, MODEL_VERSION};
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::{Comparison, Interview, LabFaultInfo, PaletteEntry, Preset};
use crate::message::MsgClass;
use crate::scenario::{ConfigValue::Bool, ConfigValue::Int, Scenario};

const SEED: u64 = 7;

fn base() -> Scenario {
    Scenario::new(ID, MODEL_VERSION, SEED)
}

/// Lose the first answer the API sends to client 1.
fn lose_first_answer() -> Fault {
    Fault::Net {
        on: MsgMatch::next(0, Some(MsgClass::Response))
            .from("payment-api")
            .to("client-1"),
        action: NetAction::Drop,
    }
}

fn storm(jitter: bool) -> Scenario {
    base()
        .with(c::CLIENTS, Int(12))
        .with(c::JITTER, Bool(jitter))
        .with(c::MAX_ATTEMPTS, Int(8))
        .with(c::BACKOFF_BASE_MS, Int(1_000))
        .with(c::BACKOFF_CAP_MS, Int(8_000))
        .with(c::CAPACITY, Int(3))
        .fault(Fault::Crash {
            at_ms: 0,
            actor: "payment-api".into(),
        })
        .fault(Fault::Restart {
            at_ms: 1_100,
            actor: "payment-api".into(),
        })
}

/// The card processor's first answer comes after the API's timeout; the
/// API does not pass the key on. `rerun`: the wrong lapsed-lock rule.
fn late_processor(rerun: bool) -> Scenario {
    base()
        .with(c::PASS_KEY, Bool(false))
        .with(c::RERUN_LAPSED, Bool(rerun))
        .with(c::DOWNSTREAM_TIMEOUT_MS, Int(1_000))
        .with(c::TIMEOUT_MS, Int(4_000))
        .with(c::LOCK_MS, Int(1_000))
        .fault(Fault::Net {
            on: MsgMatch::next(0, Some(MsgClass::Response)).from("card-processor"),
            action: NetAction::Delay { ms: 1_500 },
        })
}

/// Interview practice: the seed's "the payment request timed out and the
/// client retried; how do you avoid charging twice?", then a late answer
/// from the card processor and a key that expires.
pub fn interviews() -> Vec<Interview> {
    vec![Interview {
        question: "A payment request times out and the client retries it. How do you make sure the customer is not charged twice?",
        answer: "Give each payment an idempotency key and send it with every retry. The server records the key with the first request's outcome, in the same transaction as its ledger row, and answers any repeat with that outcome. The money moves at the card processor, outside that transaction: pass the key on to it, so an unknown outcome can be asked again safely, and reconcile the ledger with the processor.",
        why: "Retries are how distributed systems survive lost messages, so a side effect must be safe to request more than once. The key lets the server tell a retry from a new payment.",
        mistake: "Assuming that a timeout means the server did nothing. The payment may have gone through and only the answer was lost; retrying without a key pays again.",
        answer_preset: "lost-response-with-key",
        mistake_preset: "lost-response-no-key",
        comparison: "key-or-no-key",
        mistake_is_b: false,
    },
    Interview {
        question: "Your payment API asks a card processor to charge the card. The processor answers after your timeout, the lock on the idempotency key lapses, and the client keeps retrying. What do you do with the retries?",
        answer: "Treat the outcome as unknown, not as failed. Keep the key IN_FLIGHT and answer retries 409 until the outcome is known; pass the key on to the processor so you can ask it again safely, and settle anything still unknown by reconciling with its records.",
        why: "The processor may well have charged: only it knows. Running the payment again on a guess can only add a second charge.",
        mistake: "Taking the lapsed lock to mean \"not charged\" and running the payment again: the card is held twice, and one hold is missing from the ledger.",
        answer_preset: "processor-timeout",
        mistake_preset: "lapsed-lock-rerun",
        comparison: "lapsed-lock",
        mistake_is_b: false,
    },
    Interview {
        question: "A client retries a payment after your server has already forgotten its idempotency key. How do you still avoid a second charge?",
        answer: "Keep keys at least as long as clients may retry, and pass the key on to the card processor, which keeps its own: a repeat that outlives your window is still caught downstream. Then reconcile your ledger with the processor's records.",
        why: "Each service can only recognise a repeat it remembers. A key carried end to end gives every hop the chance to catch it.",
        mistake: "Relying on the API's key store alone: once the key has expired, the late retry looks new and the card is held twice.",
        answer_preset: "key-expired-processor-remembers",
        mistake_preset: "key-expired",
        comparison: "key-downstream",
        mistake_is_b: false,
    }]
}

/// The lab faults the actors understand (none takes parameters).
pub fn lab_faults() -> Vec<LabFaultInfo> {
    let spec = LabFaultInfo::plain;
    vec![
        // A client reuses its key with another amount on its next retry.
        spec("change-amount"),
        // A client makes a new key for its next retry.
        spec("new-key"),
        // The card processor declines the next authorization.
        spec("decline-next"),
        // The database forgets every idempotency key now.
        spec("expire-keys"),
    ]
}

pub fn presets() -> Vec<Preset> {
    // A constant table copied out (no code per entry).
    const ALL: &[Preset] = &[
        Preset {
            id: "happy-path",
            title: "Happy path",
            explanation: "Nothing goes wrong: one request, held €42 once, one ledger row, one 200.",
            scenario: base,
        },
        Preset {
            id: "lost-response-no-key",
            title: "Response lost, no key",
            explanation: "The payment goes through but the answer is lost; the client retries without a key: held €42 twice, two ledger rows.",
            scenario: || base().with(c::SEND_KEY, Bool(false)).fault(lose_first_answer()),
        },
        Preset {
            id: "lost-response-with-key",
            title: "Response lost, with key",
            explanation: "Same loss, but the retry carries the same Idempotency-Key: the stored answer is replayed, held €42 once.",
            scenario: || base().with(c::SEND_KEY, Bool(true)).fault(lose_first_answer()),
        },
        Preset {
            id: "concurrent-retry-409",
            title: "Slow server: concurrent retry (409)",
            explanation: "The processor takes longer than the client's timeout; the retry arrives while the first is in flight and gets 409. Held €42 once.",
            scenario: || base().with(c::PROCESSOR_MS, Int(1_500)).with(c::MAX_ATTEMPTS, Int(5)),
        },
        Preset {
            id: "changed-amount-422",
            title: "Retry with a changed amount (422)",
            explanation: "A buggy retry reuses the key for €52; the server refuses it with 422: held €42 once, nothing new.",
            scenario: || {
                base()
                    .fault(lose_first_answer())
                    .fault(Fault::lab(0, "client-1", "change-amount"))
            },
        },
        Preset {
            id: "declined-replayed",
            title: "Declined card, retry replays the decline",
            explanation: "The card is declined and the answer is lost; the retry gets the stored decline back (402, replayed) instead of trying the card again: nothing held.",
            scenario: || {
                base()
                    .fault(Fault::lab(0, "card-processor", "decline-next"))
                    .fault(lose_first_answer())
            },
        },
        Preset {
            id: "key-expired",
            title: "Key expired before the retry",
            explanation: "The server forgets keys after 0.8 s here (Stripe: 24 h) and does not pass them on to the card processor; the late retry looks new: held €42 twice despite the key.",
            scenario: || {
                base()
                    .with(c::KEY_TTL_MS, Int(800))
                    .with(c::PASS_KEY, Bool(false))
                    .fault(lose_first_answer())
            },
        },
        Preset {
            id: "key-expired-processor-remembers",
            title: "Key expired, the processor remembers it",
            explanation: "The same expired key, but the API passes it on: the card processor returns its first hold, so the customer is held €42 once, while the ledger records that hold twice. Out of step: reconcile, don't refund.",
            scenario: || base().with(c::KEY_TTL_MS, Int(800)).fault(lose_first_answer()),
        },
        Preset {
            id: "processor-timeout",
            title: "Processor answer late: 504, outcome unknown",
            explanation: "The card processor answers after the API's 1 s timeout: 504, outcome unknown. With no key passed on, the API cannot ask, so retries get 409: held €42 once, no ledger row, left to reconciliation. Pass the key on for a safe retry.",
            scenario: || late_processor(false),
        },
        Preset {
            id: "lapsed-lock-rerun",
            title: "Wrong: lapsed lock re-run blindly",
            explanation: "The same late answer, but the API takes the lapsed lock to mean \"not charged\" and runs the payment again: the customer is held €42 twice, one hold missing from the ledger.",
            scenario: || late_processor(true),
        },
        Preset {
            id: "non-atomic-crash",
            title: "Non-atomic store, crash between writes",
            explanation: "The ledger row and the key's completion are two writes; the API crashes between them. The key stays IN_FLIGHT beside its row and retries get 409: held €42 once, recorded, never told.",
            scenario: || {
                base()
                    .with(c::ATOMIC, Bool(false))
                    .with(c::PASS_KEY, Bool(false))
                    .with(c::LOCK_MS, Int(1_000))
                    .with(c::MAX_ATTEMPTS, Int(5))
                    .fault(Fault::CrashOnSend {
                        on: MsgMatch::next(0, Some(MsgClass::Response)).from("database").to("payment-api").nth(2),
                        actor: "payment-api".into(),
                        restart_after_ms: None,
                    })
                    .fault(Fault::Restart { at_ms: 900, actor: "payment-api".into() })
            },
        },
        Preset {
            id: "retry-storm",
            title: "Retry storm, no jitter",
            explanation: "Twelve clients hit a recovering API and retry in lockstep: wave after wave of 503s, and the last one pays only after 17 s. Each is held €42 once.",
            scenario: || storm(false),
        },
        Preset {
            id: "retry-storm-jitter",
            title: "Retry storm, jittered backoff",
            explanation: "The same storm with full jitter: retries spread out, half as many 503s, and everyone has paid after about 7 s, each held €42 once.",
            scenario: || storm(true),
        },
    ];
    ALL.to_vec()
}

pub fn palette() -> Vec<PaletteEntry> {
    // A constant table copied out (no code per entry).
    const ALL: &[PaletteEntry] = &[
        PaletteEntry {
            id: "drop-request",
            label: "Lose next request",
            help:
                "The next request to the payment API vanishes on the way: the server never sees it.",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, Some(MsgClass::Request)).to("payment-api"),
                    action: NetAction::Drop,
                }]
            },
        },
        PaletteEntry {
            id: "drop-response",
            label: "Lose next response",
            help: "The payment API's next answer to a client vanishes after the work is done.",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, Some(MsgClass::Response)).from("payment-api"),
                    action: NetAction::Drop,
                }]
            },
        },
        PaletteEntry {
            id: "delay-request",
            label: "Delay next request 3 s",
            help: "The next request to the payment API arrives 3 seconds late.",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, Some(MsgClass::Request)).to("payment-api"),
                    action: NetAction::Delay { ms: 3_000 },
                }]
            },
        },
        PaletteEntry {
            id: "duplicate-request",
            label: "Duplicate next request",
            help: "The network delivers the next request to the payment API twice.",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, Some(MsgClass::Request)).to("payment-api"),
                    action: NetAction::Duplicate,
                }]
            },
        },
        PaletteEntry {
            id: "slow-processor",
            label: "Slow card processor (+2 s)",
            help: "The card processor's next answer arrives 2 seconds late.",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, None).from("card-processor"),
                    action: NetAction::Delay { ms: 2_000 },
                }]
            },
        },
        PaletteEntry {
            id: "partition-api-db",
            label: "Cut the API off from its database (2 s)",
            help: "A network partition: for 2 seconds every message between the payment API and the database is lost, both ways.",
            build: |t| {
                vec![Fault::Partition {
                    from_ms: t,
                    until_ms: t + 2_000,
                    side_a: vec!["payment-api".into()],
                    side_b: vec!["database".into()],
                }]
            },
        },
        PaletteEntry {
            id: "flaky-client-link",
            label: "Flaky link from client 1 (3 s)",
            help: "For 3 seconds client 1's link to the API is slow (300-900 ms) and loses a third of its messages.",
            build: |t| {
                vec![Fault::Link(crate::fault::LinkRule {
                    from: "client-1".into(),
                    to: "payment-api".into(),
                    from_ms: t,
                    until_ms: t + 3_000,
                    latency: Some(crate::scenario::Latency {
                        min_ms: 300,
                        max_ms: 900,
                    }),
                    drop_permille: 333,
                    duplicate_permille: 0,
                })]
            },
        },
        PaletteEntry {
            id: "crash-api",
            label: "Crash payment API (back in 1 s)",
            help: "The API loses its in-progress requests and restarts a second later.",
            build: |t| {
                vec![
                    Fault::Crash {
                        at_ms: t,
                        actor: "payment-api".into(),
                    },
                    Fault::Restart {
                        at_ms: t + 1_000,
                        actor: "payment-api".into(),
                    },
                ]
            },
        },
        PaletteEntry {
            id: "decline-next",
            label: "Decline the next card",
            help: "The card processor declines the next authorization (insufficient funds).",
            build: |t| vec![Fault::lab(t, "card-processor", "decline-next")],
        },
        PaletteEntry {
            id: "expire-keys",
            label: "Expire idempotency keys",
            help: "The database forgets every key now, as if their retention had passed.",
            build: |t| vec![Fault::lab(t, "database", "expire-keys")],
        },
        PaletteEntry {
            id: "change-amount",
            label: "Client changes amount on retry",
            help: "Client 1's next retry reuses the key with a different amount.",
            build: |t| vec![Fault::lab(t, "client-1", "change-amount")],
        },
    ];
    ALL.to_vec()
}

/// Ready-made comparisons: one run with one setting changed.
pub fn comparisons() -> Vec<Comparison> {
    const ALL: &[Comparison] = &[Comparison {
        id: "key-or-no-key",
        title: "No key vs an idempotency key",
        explanation: "The same lost answer and the same retry. Without a key (A) the retry is a new payment and the card is charged twice; with one (B) the API replays the first answer and the card is charged once.",
        a: || base().with(c::SEND_KEY, Bool(false)).fault(lose_first_answer()),
        b: || base().with(c::SEND_KEY, Bool(true)).fault(lose_first_answer()),
    },
    Comparison {
        id: "lapsed-lock",
        title: "A late answer: re-run or wait",
        explanation: "The card processor answers after the API's timeout and the key's lock lapses. Re-running the payment (A) holds the card twice; keeping the key IN_FLIGHT and answering 409 (B) holds it once and leaves the unknown outcome to reconciliation.",
        a: || late_processor(true),
        b: || late_processor(false),
    },
    Comparison {
        id: "key-downstream",
        title: "An expired key: kept by the API only, or passed on",
        explanation: "The API forgets the key before the retry arrives. If the key stopped at the API (A), the retry holds the card again; passed on to the card processor (B), the processor returns its first hold.",
        a: || {
            base()
                .with(c::KEY_TTL_MS, Int(800))
                .with(c::PASS_KEY, Bool(false))
                .fault(lose_first_answer())
        },
        b: || base().with(c::KEY_TTL_MS, Int(800)).fault(lose_first_answer()),
    }];
    ALL.to_vec()
}
