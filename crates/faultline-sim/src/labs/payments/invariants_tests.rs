//! The Payments invariants' unit tests: each check fed the case that breaks
//! it and the one that keeps it (each kills a mutant the mutation run found).

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
