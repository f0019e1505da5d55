//! Which runs break each Payments invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::config as c;
use super::id::{ID, MODEL_VERSION};
use super::invariants::*;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::InvariantCase;
use crate::message::MsgClass;
use crate::scenario::{ConfigValue::Bool, ConfigValue::Int, Scenario};

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case::<super::PaymentsLab>(id)
}

/// A non-atomic store whose first request writes its ledger row, then its
/// key completion is held up on the way past the lock: the retry takes the
/// key over (asking the processor with the same key, which returns the same
/// hold) and writes a second row. The first request is answered 200 ch_1,
/// its completion refused; the retry's 200 ch_2 is lost, so the third
/// attempt is replayed ch_2: not the first response sent for the key.
pub fn slow_second_write() -> Scenario {
    Scenario::new(ID, MODEL_VERSION, 7)
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

/// Every status the lab can answer, pinned: (endpoint, condition, status,
/// error code). For the payment API the condition is the transition its
/// request machine takes as it answers; for the card processor, the kind
/// of answer. `tests/payments_checks.rs` checks every answer of random runs
/// against it and that every row is reached.
pub const STATUSES: &[(&str, &str, u16, Option<&str>)] = &[
    ("POST /v1/charges", "committed", 200, None),
    ("POST /v1/charges", "key_completed", 200, None),
    (
        "POST /v1/charges",
        "key_completed",
        402,
        Some("card_declined"),
    ),
    (
        "POST /v1/charges",
        "key_completed",
        422,
        Some("idempotency_key_reused_with_different_body"),
    ),
    ("POST /v1/charges", "not_stored", 200, None),
    ("POST /v1/charges", "not_stored", 402, Some("card_declined")),
    (
        "POST /v1/charges",
        "not_stored",
        422,
        Some("idempotency_key_reused_with_different_body"),
    ),
    (
        "POST /v1/charges",
        "declined_402",
        402,
        Some("card_declined"),
    ),
    ("POST /v1/charges", "completed_replay", 200, None),
    (
        "POST /v1/charges",
        "completed_replay",
        402,
        Some("card_declined"),
    ),
    (
        "POST /v1/charges",
        "completed_replay",
        422,
        Some("idempotency_key_reused_with_different_body"),
    ),
    (
        "POST /v1/charges",
        "key_missing_400",
        400,
        Some("idempotency_key_missing"),
    ),
    (
        "POST /v1/charges",
        "in_flight_409",
        409,
        Some("idempotency_key_in_use"),
    ),
    (
        "POST /v1/charges",
        "refused_409",
        409,
        Some("idempotency_key_in_use"),
    ),
    (
        "POST /v1/charges",
        "mismatch_422",
        422,
        Some("idempotency_key_reused_with_different_body"),
    ),
    (
        "POST /v1/charges",
        "over_capacity_503",
        503,
        Some("overloaded"),
    ),
    (
        "POST /v1/charges",
        "timeout_504",
        504,
        Some("database_timeout"),
    ),
    (
        "POST /v1/charges",
        "timeout_504",
        504,
        Some("processor_timeout"),
    ),
    ("POST /authorize", "approved", 200, None),
    (
        "POST /authorize",
        "declined",
        402,
        Some("insufficient_funds"),
    ),
    (
        "POST /authorize",
        "key reused",
        422,
        Some("idempotency_key_reused"),
    ),
    ("POST /authorizations/…/void", "voided", 200, None),
];

/// Narration that says a mechanism acted, by the setting that turns the
/// mechanism off: (setting, its value when off, phrases). No narration line
/// of a run with that value may contain one of the phrases (naming a
/// missing defence is fine: "without passing the key on").
pub const CLAIMS_OF_ACTION: &[(&str, bool, &[&str])] = &[
    (
        c::SEND_KEY,
        false,
        &[
            "with Idempotency-Key",
            "claim the key",
            "Key claimed",
            "replays the stored",
            "Idempotent-Replayed",
            "recognised the key",
            "with the same key",
            "stores the decline under the key",
        ],
    ),
    (
        c::PASS_KEY,
        false,
        &[
            "passing the same key on",
            "same downstream key",
            "asks the card processor with the same key",
            "asks the card processor again with the same key",
            "remembers the key it was given",
            "still remembers this key",
        ],
    ),
    (
        c::ATOMIC,
        false,
        &["One transaction", "in one database transaction"],
    ),
    (
        c::RERUN_LAPSED,
        false,
        &["presumes that request died", "runs the payment again"],
    ),
    (c::JITTER, false, &["full jitter", "random"]),
    (c::JITTER, true, &["no jitter"]),
    (c::REQUIRE_KEY, false, &["requires an Idempotency-Key"]),
];
