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
mod tests {
    use super::*;

    #[test]
    fn attempts_capped_is_judged_on_what_the_api_received() {
        let cfg = super::super::config::PaymentsConfig::read(
            &<super::super::PaymentsLab as crate::lab::Lab>::info(),
            &crate::scenario::Config::new(),
        );
        let mut api = Api::new(&cfg);
        let mut out = Vec::new();
        api.received.push(super::super::api::Received {
            order: 1001,
            last_at: 0,
            attempts: vec![1, 2, 3],
            keys: vec![None],
        });
        check_received(&api, 3, 0, &mut out);
        assert!(out.is_empty(), "three attempts within a limit of three");
        api.received[0].attempts.push(4);
        check_received(&api, 3, 0, &mut out);
        assert_eq!(out.len(), 1, "a fourth distinct attempt breaks it: {out:?}");
        api.received[0].keys.push(Some(super::super::msg::Key(7)));
        out.clear();
        check_received(&api, 9, 0, &mut out);
        assert!(out[0].1.contains("different idempotency keys"), "{out:?}");
    }

    fn db_with_one_charge() -> (Database, super::super::msg::Key) {
        let cfg = super::super::config::PaymentsConfig::read(
            &<super::super::PaymentsLab as crate::lab::Lab>::info(),
            &crate::scenario::Config::new(),
        );
        let mut db = Database::new(&cfg);
        let key = super::super::msg::Key(42);
        let fp = super::super::msg::fingerprint(1001, 4_200);
        db.charges.push(super::super::db::Charge {
            id: 1,
            auth: 1,
            order: 1001,
            amount: 4_200,
            key: Some(key),
            fingerprint: fp,
            at: 10,
        });
        db.keys.insert(
            key,
            super::super::db::KeyRecord {
                fingerprint: fp,
                state: KeyState::Completed,
                response: Some(super::super::msg::StoredResponse {
                    status: 200,
                    charge_id: Some(1),
                    amount: 4_200,
                }),
                claimed_at: 0,
                kept_since: 0,
                expires_at: 1_000,
                machine: crate::machine::MachineState::new(&super::super::db::KEY_MACHINE),
                token: 1,
                serial: 1,
                changed_at: 0,
            },
        );
        (db, key)
    }

    fn broken_by(db: &Database) -> Vec<&'static str> {
        let mut out = Vec::new();
        check_db(db, 10, &mut out);
        check_keys_end(db, &mut out);
        out.into_iter().map(|(id, _)| id).collect()
    }

    // Fed a ledger in a bad state, each check goes red.
    #[test]
    fn charge_iff_completed_and_one_row_per_key_can_fail() {
        let (db, key) = db_with_one_charge();
        assert!(broken_by(&db).is_empty(), "a consistent ledger");
        let (mut db2, _) = db_with_one_charge();
        db2.keys.get_mut(&key).unwrap().state = KeyState::InFlight;
        assert_eq!(broken_by(&db2), vec![CHARGE_IFF_COMPLETED]);
        let (mut db3, _) = db_with_one_charge();
        let mut second = db3.charges[0].clone();
        second.id = 2;
        db3.charges.push(second);
        assert_eq!(broken_by(&db3), vec![ONE_CHARGE_PER_KEY]);
    }

    #[test]
    fn replay_identical_compares_with_the_first_response_sent() {
        let cfg = super::super::config::PaymentsConfig::read(
            &<super::super::PaymentsLab as crate::lab::Lab>::info(),
            &crate::scenario::Config::new(),
        );
        let mut api = Api::new(&cfg);
        let key = super::super::msg::Key(42);
        let ok = |id| super::super::msg::StoredResponse {
            status: 200,
            charge_id: Some(id),
            amount: 4_200,
        };
        api.first_sent.push((key, 1001, ok(1), None));
        api.replays.push((5, key, 1001, 2, ok(1), None));
        let mut out = Vec::new();
        check_replays(&api, 5, &mut out);
        assert!(out.is_empty(), "{out:?}");
        api.replays.push((9, key, 1001, 3, ok(2), None));
        check_replays(&api, 9, &mut out);
        assert_eq!(out.len(), 1, "ch_2 replayed after ch_1 was sent");
        assert!(out[0].1.contains("different headers or body"), "{out:?}");
        out.clear();
        check_replays(&api, 10, &mut out);
        assert!(out.is_empty(), "judged once, at the step it is sent");
    }

    fn cfg() -> PaymentsConfig {
        PaymentsConfig::read(
            &<super::super::PaymentsLab as crate::lab::Lab>::info(),
            &crate::scenario::Config::new(),
        )
    }

    /// A hold on order `order`, placed at `at`.
    fn hold(id: u32, order: u32, at: u64) -> super::super::processor::Auth {
        super::super::processor::Auth {
            id,
            order,
            amount: 4_200,
            key: None,
            asked: 1,
            state: HoldState::Held,
            key_until: 0,
            placed_at: at,
            voided_at: None,
        }
    }

    fn declined(amount: u64) -> super::super::msg::StoredResponse {
        super::super::msg::StoredResponse {
            status: 402,
            charge_id: None,
            amount,
        }
    }

    #[test]
    fn a_keyless_client_leaves_the_key_invariants_unchecked() {
        use crate::config::ConfigValue::Bool;
        let info = <super::super::PaymentsLab as crate::lab::Lab>::info();
        let mut c = crate::scenario::Config::new();
        c.insert(SEND_KEY.into(), Bool(false));
        assert!(without_keys(&info, &c).is_some(), "no key sent");
        c.insert(SEND_KEY.into(), Bool(true));
        assert_eq!(without_keys(&info, &c), None, "keys sent");
    }

    // One state that breaks all five step checks: every one reported while
    // unbroken, none once each is already recorded as broken.
    #[test]
    fn an_invariant_already_broken_is_not_judged_again() {
        let cfg = cfg();
        let mut actors = <super::super::PaymentsLab as crate::lab::Lab>::build(&cfg);
        let (mut db, key) = db_with_one_charge();
        let mut second = db.charges[0].clone();
        second.id = 2;
        second.auth = 99;
        db.charges.push(second);
        actors[cfg.db() as usize] = PaymentActor::Db(db);
        let PaymentActor::Processor(card) = &mut actors[cfg.processor() as usize] else {
            unreachable!()
        };
        card.auths.extend([hold(1, 1001, 10), hold(2, 1001, 10)]);
        let PaymentActor::Api(api) = &mut actors[cfg.api() as usize] else {
            unreachable!()
        };
        api.received.push(super::super::api::Received {
            order: 1001,
            last_at: 10,
            attempts: (1..=cfg.max_attempts + 1).collect(),
            keys: vec![Some(key)],
        });
        let ok = |id| super::super::msg::StoredResponse {
            status: 200,
            charge_id: Some(id),
            amount: 4_200,
        };
        api.first_sent.push((key, 1001, ok(1), None));
        api.replays.push((10, key, 1001, 2, ok(2), None));
        let changed: Vec<u16> = (0..actors.len() as u16).collect();
        let all = [
            ONE_CHARGE_PER_ORDER,
            LEDGER_MATCHES_PROCESSOR,
            ONE_CHARGE_PER_KEY,
            ATTEMPTS_CAPPED,
            REPLAY_IDENTICAL,
        ];
        let run = |broken: &[crate::trace::Violation]| {
            let trace = TraceSoFar {
                steps: &[],
                flights: &[],
                now_ms: 10,
                broken,
                changed: &changed,
            };
            check(&actors, &cfg, &trace)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(&[]), all);
        let broken: Vec<crate::trace::Violation> = all
            .iter()
            .map(|id| crate::trace::Violation {
                step: 0,
                time: 5,
                invariant: id,
                message: String::new(),
            })
            .collect();
        assert_eq!(run(&broken), Vec::<&str>::new());
    }

    #[test]
    fn a_replayed_decline_is_judged_by_what_the_wire_shows() {
        // The first decline was for 42.00, the one stored later under the
        // re-claimed key for 52.00: a 402 shows no amount, so the client
        // reads the same response twice.
        let mut api = Api::new(&cfg());
        let key = super::super::msg::Key(42);
        api.first_sent
            .push((key, 1001, declined(4_200), Some("card_declined")));
        api.replays
            .push((5, key, 1001, 2, declined(5_200), Some("card_declined")));
        let mut out = Vec::new();
        check_replays(&api, 5, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn two_holds_placed_in_one_step_are_a_double_charge() {
        let mut card = Processor::new(&cfg());
        card.auths.extend([hold(1, 1001, 10), hold(2, 1001, 10)]);
        let mut out = Vec::new();
        check_holds(&card, 10, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].1.contains("ord_1001 twice (auth_1, auth_2)"),
            "{out:?}"
        );
    }

    #[test]
    fn a_ledger_row_whose_hold_is_voided_later_is_out_of_step() {
        let (db, _) = db_with_one_charge();
        let mut card = Processor::new(&cfg());
        card.auths.push(hold(1, 1001, 5));
        let mut out = Vec::new();
        check_ledger(&db, &card, 20, &mut out);
        assert!(out.is_empty(), "ch_1 records a held auth_1: {out:?}");
        card.auths[0].state = HoldState::Voided;
        card.auths[0].voided_at = Some(20);
        check_ledger(&db, &card, 20, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .1
                .contains("ch_1 records auth_1, which the card processor has voided"),
            "{out:?}"
        );
        out.clear();
        check_ledger(&db, &card, 30, &mut out);
        assert!(
            out.is_empty(),
            "judged once, when the void happens: {out:?}"
        );
    }

    #[test]
    fn a_ledger_row_for_a_hold_never_placed_is_out_of_step() {
        let (db, _) = db_with_one_charge();
        let card = Processor::new(&cfg());
        let mut out = Vec::new();
        check_ledger(&db, &card, 10, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].1.contains("never placed"), "{out:?}");
    }

    #[test]
    fn a_ledger_row_for_another_key_does_not_count() {
        let (mut db, key) = db_with_one_charge();
        let other = super::super::msg::Key(43);
        let mut rec = db.keys.get(&key).unwrap().clone();
        rec.state = KeyState::InFlight;
        rec.response = None;
        db.keys.insert(other, rec);
        let mut out = Vec::new();
        check_keys_end(&db, &mut out);
        assert!(out.is_empty(), "ch_1 is key 42's, not 43's: {out:?}");
    }

    #[test]
    fn a_key_completed_late_is_judged_on_its_earlier_rows() {
        // Two rows written while the key had expired (not judged then);
        // the late completion at 20 writes no row but counts them.
        let (mut db, key) = db_with_one_charge();
        let mut second = db.charges[0].clone();
        second.id = 2;
        db.charges.push(second);
        db.keys.get_mut(&key).unwrap().changed_at = 20;
        let mut out = Vec::new();
        check_db(&db, 20, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].1.contains("has 2 ledger rows"), "{out:?}");
    }
}
