//! The payments lab's invariants (DOMAIN.md §1), checked after every step.

use super::actors::PaymentActor;
use super::api::Api;
use super::config::{PaymentsConfig, SEND_KEY};
use super::db::{Database, KeyState};
use super::msg::PayMsg;
use super::processor::{HoldState, Processor};
use crate::lab::{always, InvariantInfo, LabInfo, TraceSoFar};
use crate::scenario::Config;

pub const ONE_CHARGE_PER_ORDER: &str = "one-charge-per-order";
pub const ONE_CHARGE_PER_KEY: &str = "one-charge-per-key";
pub const REPLAY_IDENTICAL: &str = "replay-identical";
pub const CHARGE_IFF_COMPLETED: &str = "charge-iff-completed";
pub const ATTEMPTS_CAPPED: &str = "attempts-capped";
pub const LEDGER_MATCHES_PROCESSOR: &str = "ledger-matches-processor";

pub fn list() -> Vec<InvariantInfo> {
    // A constant table copied out (no code per entry).
    const ALL: &[InvariantInfo] = &[
        InvariantInfo {
            id: ONE_CHARGE_PER_ORDER,
            text: "The customer pays at most once per order: the card processor holds their money once.",
            not_checked: always,
        },
        InvariantInfo {
            id: LEDGER_MATCHES_PROCESSOR,
            text: "The ledger matches the processor: each ledger row records a hold that is still held, no hold is recorded twice, and when the run ends no hold is left out of the ledger.",
            not_checked: always,
        },
        InvariantInfo {
            id: ONE_CHARGE_PER_KEY,
            text: "At most one ledger row per idempotency key while the key is kept.",
            not_checked: without_keys,
        },
        InvariantInfo {
            id: REPLAY_IDENTICAL,
            text: "Every replay of a key returns the first response sent for it: the same status, headers and body (a replayed 402 included).",
            not_checked: without_keys,
        },
        InvariantInfo {
            id: CHARGE_IFF_COMPLETED,
            text: "When the run ends, a key has a ledger row exactly when it is COMPLETED with one (what an atomic store guarantees).",
            not_checked: without_keys,
        },
        InvariantInfo {
            id: ATTEMPTS_CAPPED,
            text: "The API never receives more distinct attempts of one order than the client's limit, nor more than one key for it.",
            not_checked: always,
        },
    ];
    ALL.to_vec()
}

fn without_keys(info: &LabInfo, c: &Config) -> Option<&'static str> {
    (!info.flag(c, SEND_KEY)).then_some("not checked: the client sends no idempotency key")
}

/// Every invariant broken in the current state.
/// Every invariant broken in the current state, skipping those already
/// recorded as broken (only a first violation is kept).
pub fn check(
    actors: &[PaymentActor],
    cfg: &PaymentsConfig,
    trace: &TraceSoFar<'_>,
) -> Vec<(&'static str, String)> {
    let max_attempts = cfg.max_attempts;
    let want = |id: &str| !trace.is_broken(id);
    let mut out = Vec::new();
    let (Some(PaymentActor::Db(db)), Some(PaymentActor::Processor(card))) = (
        actors.get(cfg.db() as usize),
        actors.get(cfg.processor() as usize),
    ) else {
        return out;
    };
    // The money truth: what the card processor holds.
    if trace.changed(cfg.processor()) && want(ONE_CHARGE_PER_ORDER) {
        check_holds(card, trace.now_ms, &mut out);
    }
    if (trace.changed(cfg.db()) || trace.changed(cfg.processor())) && want(LEDGER_MATCHES_PROCESSOR)
    {
        check_ledger(db, card, trace.now_ms, &mut out);
    }
    // Only what changed can break something: the ledger's properties when
    // the database wrote, a client's when it changed (a replay is judged
    // when it arrives, against the key's first response at that moment).
    if trace.changed(cfg.db()) && want(ONE_CHARGE_PER_KEY) {
        check_db(db, trace.now_ms, &mut out);
    }
    // Judged by what arrived at the API, not by the client's own counter
    // (which enforces the limit, so it could never show a breach).
    if let (Some(PaymentActor::Api(api)), true) = (
        actors.get(cfg.api() as usize),
        trace.changed(cfg.api()) && want(ATTEMPTS_CAPPED),
    ) {
        check_received(api, max_attempts, trace.now_ms, &mut out);
    }
    if let (Some(PaymentActor::Api(api)), true) = (
        actors.get(cfg.api() as usize),
        trace.changed(cfg.api()) && want(REPLAY_IDENTICAL),
    ) {
        check_replays(api, trace.now_ms, &mut out);
    }
    out
}

/// Replays sent at `now`, each against the first response sent for its
/// key (as it went out, headers and body: the wire text). A key whose
/// first response never went out has nothing to differ from.
pub fn check_replays(api: &Api, now: u64, out: &mut Vec<(&'static str, String)>) {
    let wire = |order, response, error| {
        crate::actor::LabMsg::display(&PayMsg::ChargeReply {
            order,
            attempt: 0,
            response,
            replayed: false,
            error,
        })
    };
    for (_, key, order, attempt, got, got_error) in
        api.replays.iter().rev().take_while(|r| r.0 == now)
    {
        let Some((_, first_order, first, first_error)) =
            api.first_sent.iter().find(|f| f.0 == *key)
        else {
            continue;
        };
        // Equal parts make equal wire text; only parts that differ need
        // the wire compared.
        let same = (first_order, first, first_error) == (order, got, got_error)
            || wire(*first_order, first.clone(), *first_error)
                == wire(*order, got.clone(), *got_error);
        if !same {
            let how = if first.status == got.status {
                format!("same status {}, different headers or body", got.status)
            } else {
                format!("{} instead of {}", got.status, first.status)
            };
            out.push((
                REPLAY_IDENTICAL,
                format!("Attempt {attempt} of ord_{order} was answered with a replay that differs from the first response sent for its key ({how})."),
            ));
            return;
        }
    }
}

/// The attempts-capped invariant over the API's record of what arrived.
/// Only orders a request arrived for at `now_ms` can have changed.
pub fn check_received(
    api: &Api,
    max_attempts: u32,
    now_ms: u64,
    out: &mut Vec<(&'static str, String)>,
) {
    for seen in api.received.iter().filter(|r| r.last_at == now_ms) {
        let order = seen.order;
        if seen.attempts.len() as u32 > max_attempts {
            out.push((
                ATTEMPTS_CAPPED,
                format!(
                    "The API received {} different attempts of ord_{order}, more than the client's limit of {max_attempts}.",
                    seen.attempts.len()
                ),
            ));
        }
        if seen.keys.len() > 1 {
            out.push((
                ATTEMPTS_CAPPED,
                format!("The API received ord_{order} under {} different idempotency keys (or with and without one).", seen.keys.len()),
            ));
        }
    }
}

/// Holds the processor placed twice for one order: the customer charged
/// twice (DOMAIN.md §1: money moved twice at the processor).
/// Only a hold placed now can make an order's count go up, so only those
/// orders are counted (allocation-free unless something is wrong).
fn check_holds(card: &Processor, now: u64, out: &mut Vec<(&'static str, String)>) {
    for a in card.held().filter(|a| a.placed_at == now) {
        if card.held().filter(|o| o.order == a.order).count() < 2 {
            continue;
        }
        let same: Vec<String> = card
            .held()
            .filter(|o| o.order == a.order)
            .map(|o| format!("auth_{}", o.id))
            .collect();
        {
            out.push((
                ONE_CHARGE_PER_ORDER,
                format!(
                    "Customer charged {} for one order: the card processor holds money for ord_{} {} ({}).",
                    times(same.len()),
                    a.order,
                    times(same.len()),
                    same.join(", ")
                ),
            ));
            return;
        }
    }
}

/// The ledger against the processor, as a reconciliation job compares
/// them: a charge whose hold is missing or voided, or two charges for one
/// hold. (A hold missing from the ledger is judged when the run ends.)
/// Only a charge written now, or one whose hold was voided now, can be a
/// new problem (earlier ones were judged when they happened).
fn check_ledger(db: &Database, card: &Processor, now: u64, out: &mut Vec<(&'static str, String)>) {
    let voided_now = card.auths.iter().any(|a| a.voided_at == Some(now));
    for (i, c) in db.charges.iter().enumerate() {
        if c.at != now && !voided_now {
            continue;
        }
        let hold = card.auths.iter().find(|a| a.id == c.auth);
        let problem = match hold {
            None => Some(format!("ledger row ch_{} records auth_{}, which the card processor never placed", c.id, c.auth)),
            Some(a) if a.state == HoldState::Voided => Some(format!("ledger row ch_{} records auth_{}, which the card processor has voided", c.id, c.auth)),
            Some(_) => db.charges[..i].iter().find(|o| o.auth == c.auth).map(|o| format!(
                "ledger rows ch_{} and ch_{} both record auth_{}, but the card processor held the money once",
                o.id, c.id, c.auth
            )),
        };
        if let Some(p) = problem {
            out.push((
                LEDGER_MATCHES_PROCESSOR,
                format!("The ledger is out of step with the card processor: {p}. It needs reconciling, not a refund."),
            ));
            return;
        }
    }
}

/// When the run is over: a key left IN_FLIGHT with a ledger row, or
/// COMPLETED with a charge it has no row for (what a crash between the
/// two writes of a non-atomic store leaves).
pub fn check_keys_end(db: &Database, out: &mut Vec<(&'static str, String)>) {
    for (key, rec) in &db.keys {
        if rec.state == KeyState::Expired {
            continue;
        }
        let rows = || {
            db.charges
                .iter()
                .filter(move |c| c.key.as_ref() == Some(key) && c.at >= rec.kept_since)
        };
        let completed_with_row = rec.state == KeyState::Completed
            && rec.response.as_ref().is_some_and(|r| r.charge_id.is_some());
        if rows().next().is_some() != completed_with_row {
            out.push((
                CHARGE_IFF_COMPLETED,
                format!(
                    "Key {} is {} but {} ledger row exists for it.",
                    super::msg::short(key),
                    rec.state.label(),
                    if completed_with_row { "no" } else { "a" }
                ),
            ));
            return;
        }
    }
}

/// When the run is over: holds no ledger row records (left behind by a
/// crash or a timeout that no retry resolved).
pub fn check_end(actors: &[PaymentActor], cfg: &PaymentsConfig) -> Vec<(&'static str, String)> {
    let (Some(PaymentActor::Db(db)), Some(PaymentActor::Processor(card))) = (
        actors.get(cfg.db() as usize),
        actors.get(cfg.processor() as usize),
    ) else {
        return Vec::new();
    };
    let left: Vec<String> = card
        .held()
        .filter(|a| !db.charges.iter().any(|c| c.auth == a.id))
        .map(|a| format!("auth_{} (ord_{})", a.id, a.order))
        .collect();
    if left.is_empty() {
        return Vec::new();
    }
    vec![(
        LEDGER_MATCHES_PROCESSOR,
        format!(
            "The ledger is out of step with the card processor: {} still held with no ledger row, left behind. A reconciliation job must record or void {}.",
            left.join(", "),
            if left.len() == 1 { "it" } else { "them" }
        ),
    )]
}

/// Ledger rows per kept key. Only a key whose record changed at `now`, or
/// that a row written at `now` carries, can break something new (rows are
/// only appended, in time order, so those written now are the ledger's tail).
fn check_db(db: &Database, now: u64, out: &mut Vec<(&'static str, String)>) {
    let written_now = || db.charges.iter().rev().take_while(|c| c.at == now);
    for (key, rec) in &db.keys {
        if rec.state == KeyState::Expired {
            continue;
        }
        if rec.changed_at != now && !written_now().any(|c| c.key.as_ref() == Some(key)) {
            continue;
        }
        let kept = db
            .charges
            .iter()
            .filter(|c| c.key.as_ref() == Some(key) && c.at >= rec.kept_since)
            .count();
        if kept > 1 {
            out.push((
                ONE_CHARGE_PER_KEY,
                format!(
                    "Key {} has {kept} ledger rows although the server still keeps it.",
                    super::msg::short(key)
                ),
            ));
        }
    }
}

/// "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

#[cfg(test)]
#[path = "invariants_tests.rs"]
mod tests;
