//! Each preset of the payments lab shows what its one-line explanation
//! promises: these tests read like the lesson.

use faultline_sim::labs::payments::invariants::{
    CHARGE_IFF_COMPLETED, LEDGER_MATCHES_PROCESSOR, ONE_CHARGE_PER_KEY, ONE_CHARGE_PER_ORDER,
};
use faultline_sim::scenario::ConfigValue;
use faultline_sim::{preset, simulate, Run};

fn run(id: &str) -> Run {
    simulate(&preset("payments", id).expect("preset exists")).expect("preset is valid")
}

fn table(run: &Run, title: &str) -> Vec<Vec<String>> {
    let last = run.tables_at(run.steps.len() as u32 - 1);
    last.into_iter()
        .find(|t| t.title == title)
        .expect("table exists")
        .rows
}

fn charges(run: &Run) -> usize {
    table(run, "Ledger").len()
}

fn outcomes(run: &Run) -> Vec<String> {
    table(run, "Client attempts")
        .iter()
        .map(|r| r[4].clone())
        .collect()
}

fn broke(run: &Run, id: &str) -> bool {
    run.violations.iter().any(|v| v.invariant == id)
}

#[test]
fn happy_path_charges_once_and_breaks_nothing() {
    let r = run("happy-path");
    assert_eq!(charges(&r), 1);
    assert_eq!(outcomes(&r), vec!["200 OK"]);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn response_lost_without_key_charges_twice() {
    let r = run("lost-response-no-key");
    assert_eq!(charges(&r), 2);
    let v = r.first_violation().expect("a violation");
    assert_eq!(v.invariant, ONE_CHARGE_PER_ORDER);
    assert!(
        v.message.contains("charged twice for one order"),
        "{}",
        v.message
    );
    // The lost answer is drawn as lost, not delivered.
    let lost = r
        .flights
        .iter()
        .find(|f| f.label().starts_with("200 OK to #1"))
        .unwrap();
    assert_eq!(lost.fate, faultline_sim::trace::Fate::Dropped);
    // The violation is recorded when the money moves the second time: at
    // the card processor's second hold, not at the ledger's row.
    assert!(
        r.summary(&r.steps[v.step as usize])
            .contains("card-processor: timer"),
        "{}",
        r.summary(&r.steps[v.step as usize])
    );
    assert_eq!(holds(&r), vec!["HELD", "HELD"]);
}

/// The state of each hold the card processor placed.
fn holds(run: &Run) -> Vec<String> {
    table(run, "Card authorizations")
        .iter()
        .map(|r| r[3].clone())
        .collect()
}

fn with(id: &str, key: &str, value: ConfigValue) -> Run {
    let mut s = preset("payments", id).unwrap();
    s.config.insert(key.into(), value);
    simulate(&s).unwrap()
}

fn took(run: &Run, event: &str) -> bool {
    run.fired.iter().any(|t| t.transition.event == event)
}

#[test]
fn response_lost_with_key_charges_once_and_replays() {
    let r = run("lost-response-with-key");
    assert_eq!(charges(&r), 1);
    assert_eq!(outcomes(&r), vec!["timed out", "200 OK, replayed"]);
    assert!(r.violations.is_empty());
    let replay = r
        .flights
        .iter()
        .find(|f| f.label().contains("replayed"))
        .expect("a replayed answer");
    assert!(replay
        .message
        .get()
        .headers
        .contains(&("Idempotent-Replayed".into(), "true".into())));
}

#[test]
fn slow_server_gives_409_to_the_concurrent_retry() {
    let r = run("concurrent-retry-409");
    assert_eq!(charges(&r), 1);
    assert!(
        outcomes(&r).iter().any(|o| o == "409 Conflict"),
        "{:?}",
        outcomes(&r)
    );
    assert!(r.violations.is_empty());
    let conflict = r
        .flights
        .iter()
        .find(|f| f.label().starts_with("409"))
        .unwrap();
    assert!(conflict
        .message
        .get()
        .body
        .fields()
        .contains(&("error".into(), "idempotency_key_in_use".into())));
}

#[test]
fn changed_amount_gets_422_and_no_new_charge() {
    let r = run("changed-amount-422");
    assert_eq!(charges(&r), 1);
    assert!(
        outcomes(&r)
            .iter()
            .any(|o| o == "422 Unprocessable Content"),
        "{:?}",
        outcomes(&r)
    );
    assert!(r.violations.is_empty());
}

#[test]
fn expired_key_double_charges_despite_the_key() {
    let r = run("key-expired");
    assert_eq!(charges(&r), 2);
    assert_eq!(holds(&r), vec!["HELD", "HELD"], "money held twice");
    assert!(broke(&r, ONE_CHARGE_PER_ORDER));
    // While the key is kept it never has two charges: the expiry is the edge.
    assert!(!broke(&r, ONE_CHARGE_PER_KEY));
    // The sweep forgets the key on time, as a timer the learner sees fire,
    // before the retry arrives.
    let expiry = r
        .steps
        .iter()
        .position(|s| r.summary(s).contains("expires\" fires"))
        .expect("the expiry sweep fires");
    let retry = r
        .steps
        .iter()
        .position(|s| r.summary(s).contains("POST /v1/charges #2"))
        .unwrap();
    assert!(expiry < retry);
}

#[test]
fn expired_key_passed_on_is_saved_by_the_processor_but_the_ledger_is_out_of_step() {
    let r = run("key-expired-processor-remembers");
    assert_eq!(holds(&r), vec!["HELD"], "the customer pays once");
    assert_eq!(charges(&r), 2, "but the ledger has two rows");
    assert!(!broke(&r, ONE_CHARGE_PER_ORDER));
    let v = r.first_violation().unwrap();
    assert_eq!(v.invariant, LEDGER_MATCHES_PROCESSOR);
    assert!(v.message.contains("both record auth_1"), "{}", v.message);
    let auths = table(&r, "Card authorizations");
    assert_eq!(auths[0][6], "2", "asked twice, held once");
}

#[test]
fn a_late_processor_answer_without_a_downstream_key_is_504_then_409_never_a_rerun() {
    // Issue 18 item 10: the outcome is unknown and the API cannot ask the
    // processor (no key passed on), so it never re-runs the payment: the
    // retries get 409 and the one hold waits for reconciliation.
    let r = run("processor-timeout");
    assert_eq!(
        outcomes(&r),
        vec![
            "504 Gateway Timeout",
            "409 Conflict",
            "409 Conflict",
            "409 Conflict"
        ]
    );
    assert_eq!(holds(&r), vec!["HELD"], "held once");
    assert_eq!(charges(&r), 0, "no ledger row");
    assert!(!broke(&r, ONE_CHARGE_PER_ORDER));
    let left = r
        .violations
        .iter()
        .find(|v| v.invariant == LEDGER_MATCHES_PROCESSOR)
        .expect("the hold is left for reconciliation");
    assert!(left.message.contains("auth_1"), "{}", left.message);
    assert!(took(&r, "timeout_504"));
    assert!(!took(&r, "reclaim_after_lock"), "never re-run blindly");
    // The explanation's promise: with the key passed on, the API asks again
    // safely and the customer is held once.
    let safe = with("processor-timeout", "pass_key", ConfigValue::Bool(true));
    assert_eq!(outcomes(&safe), vec!["200 OK"]);
    assert_eq!(holds(&safe), vec!["HELD"]);
    assert!(took(&safe, "retry_same_key"));
    assert!(safe.violations.is_empty(), "{:?}", safe.violations);
}

#[test]
fn a_key_expiring_mid_request_still_gets_its_answer() {
    // The key's retention (500 ms) ends while the processor works (1.5 s):
    // nobody claimed it since, so the commit goes through and the client
    // is paid with 200, not a 409 about a key in use.
    let mut s = preset("payments", "happy-path").unwrap();
    for (k, v) in [
        ("key_ttl_ms", 500),
        ("processor_ms", 1_500),
        ("timeout_ms", 4_000),
    ] {
        s.config.insert(k.into(), ConfigValue::Int(v));
    }
    let r = simulate(&s).unwrap();
    assert_eq!(outcomes(&r), vec!["200 OK"]);
    assert!(took(&r, "complete_late"));
    assert_eq!(charges(&r), 1);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn a_partition_from_the_database_frees_the_api_slot_with_504() {
    let mut s = preset("payments", "happy-path").unwrap();
    s.faults.push(faultline_sim::fault::Fault::Partition {
        from_ms: 0,
        until_ms: 2_000,
        side_a: vec!["payment-api".into()],
        side_b: vec!["database".into()],
    });
    s.config
        .insert("timeout_ms".into(), ConfigValue::Int(4_000));
    let r = simulate(&s).unwrap();
    assert_eq!(outcomes(&r)[0], "504 Gateway Timeout");
    let load = table(&r, "Payment API load");
    assert_eq!(load[1], vec!["in progress now", "0"], "no slot is kept");
    assert_eq!(charges(&r), 1, "a later retry pays");
}

#[test]
fn lapsed_lock_rerun_blindly_holds_twice() {
    let r = run("lapsed-lock-rerun");
    assert_eq!(outcomes(&r), vec!["504 Gateway Timeout", "200 OK"]);
    assert_eq!(holds(&r), vec!["HELD", "HELD"]);
    assert_eq!(charges(&r), 1, "only the second hold is in the ledger");
    assert!(broke(&r, ONE_CHARGE_PER_ORDER));
    assert!(took(&r, "reclaim_after_lock"));
}

#[test]
fn non_atomic_store_with_crash_leaves_its_key_in_flight() {
    let r = run("non-atomic-crash");
    assert_eq!(charges(&r), 1);
    assert_eq!(holds(&r), vec!["HELD"]);
    let out = outcomes(&r);
    assert_eq!(out[0], "timed out");
    assert!(out[1..].iter().all(|o| o == "409 Conflict"), "{out:?}");
    assert!(broke(&r, CHARGE_IFF_COMPLETED));
    assert!(!broke(&r, ONE_CHARGE_PER_KEY));
    assert!(r
        .steps
        .iter()
        .any(|s| s.summary.contains("payment-api is down")));
}

#[test]
fn same_crash_with_atomic_store_charges_once() {
    let mut s = preset("payments", "non-atomic-crash").unwrap();
    s.config.insert(
        "atomic".into(),
        faultline_sim::scenario::ConfigValue::Bool(true),
    );
    let r = simulate(&s).unwrap();
    assert_eq!(charges(&r), 1, "{:?}", table(&r, "Ledger"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

fn peak(run: &Run) -> u32 {
    // Most requests reaching the running API in any 100 ms window (the
    // first wave, lost while it is down, is the same in both runs).
    let api = run
        .actors
        .iter()
        .position(|a| a.name == "payment-api")
        .unwrap() as u16;
    let arrivals: Vec<u64> = run
        .flights
        .iter()
        .filter(|f| {
            f.to == api
                && f.label().starts_with("POST")
                && f.fate == faultline_sim::trace::Fate::Delivered
        })
        .map(|f| f.arrives_at)
        .collect();
    arrivals
        .iter()
        .map(|&t| arrivals.iter().filter(|&&u| u >= t && u < t + 100).count() as u32)
        .max()
        .unwrap_or(0)
}

#[test]
fn jitter_flattens_the_retry_storm() {
    let storm = run("retry-storm");
    let calm = run("retry-storm-jitter");
    let refused = |r: &Run| {
        r.flights
            .iter()
            .filter(|f| f.label().starts_with("503"))
            .count()
    };
    assert!(
        peak(&storm) > peak(&calm),
        "peak {} vs {}",
        peak(&storm),
        peak(&calm)
    );
    assert!(
        refused(&storm) > refused(&calm),
        "503s {} vs {}",
        refused(&storm),
        refused(&calm)
    );
    assert!(
        storm.end_time() > 2 * calm.end_time(),
        "without jitter the last client pays much later: {} ms vs {} ms",
        storm.end_time(),
        calm.end_time()
    );
    assert_eq!(
        charges(&storm),
        12,
        "each of the twelve clients is eventually charged exactly once"
    );
}

#[test]
fn every_preset_runs_to_quiet_end() {
    for p in faultline_sim::lab("payments").unwrap().presets {
        let r = simulate(&(p.scenario)()).unwrap();
        assert_eq!(r.end, faultline_sim::trace::End::Quiet, "preset {}", p.id);
    }
}

#[test]
fn a_declined_card_is_replayed_not_retried() {
    let r = run("declined-replayed");
    assert_eq!(charges(&r), 0, "nobody is charged");
    assert_eq!(
        outcomes(&r),
        vec!["timed out", "402 Payment Required, replayed"]
    );
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let authorizations = r
        .flights
        .iter()
        .filter(|f| f.label().starts_with("authorize"))
        .count();
    assert_eq!(
        authorizations, 1,
        "the retry never reaches the card processor"
    );
    let replay = r
        .flights
        .iter()
        .find(|f| f.label().contains("(replayed)"))
        .unwrap()
        .message
        .get();
    assert!(replay
        .body
        .fields()
        .contains(&("error".into(), "card_declined".into())));
}

#[test]
fn the_card_processor_also_recognises_the_key() {
    // The wrong lapsed-lock rule without the key passed on: two holds.
    let crash = with("non-atomic-crash", "rerun_lapsed", ConfigValue::Bool(true));
    assert_eq!(holds(&crash), vec!["HELD", "HELD"]);
    // Passed downstream, the retry after the crash gets the same hold back;
    // the broken (non-atomic) key store still writes two ledger rows.
    let passed = with("non-atomic-crash", "pass_key", ConfigValue::Bool(true));
    let auths = table(&passed, "Card authorizations");
    assert_eq!(auths.len(), 1);
    assert_eq!(auths[0][6], "2", "asked twice, held once");
    assert_eq!(charges(&passed), 2);
    assert!(!broke(&passed, ONE_CHARGE_PER_ORDER));
    assert!(broke(&passed, LEDGER_MATCHES_PROCESSOR));
}

#[test]
fn the_processor_refuses_its_key_with_another_amount() {
    // The API's key expired and the retry changed the amount: the API
    // treats it as new, but the processor still knows the key.
    let mut s = preset("payments", "key-expired-processor-remembers").unwrap();
    s.faults.push(faultline_sim::fault::Fault::lab(
        0,
        "client-1",
        "change-amount",
    ));
    let r = simulate(&s).unwrap();
    assert_eq!(outcomes(&r), vec!["timed out", "422 Unprocessable Content"]);
    assert_eq!(holds(&r), vec!["HELD"], "nothing new is held");
    assert_eq!(charges(&r), 1);
}

/// "once", "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

#[test]
fn every_explanation_names_who_paid_how_much_as_the_run_ends() {
    // Per preset: the ledger rows the run ends with, and the words the
    // explanation must use for them. Who was held how much is read from
    // the run and must be in the explanation as "held €42 once" (each
    // customer alike) or "nothing held".
    let ledger: &[(&str, usize, &str)] = &[
        ("happy-path", 1, "one ledger row"),
        ("lost-response-no-key", 2, "two ledger rows"),
        ("lost-response-with-key", 1, ""),
        ("concurrent-retry-409", 1, ""),
        ("changed-amount-422", 1, "nothing new"),
        ("declined-replayed", 0, ""),
        ("key-expired", 2, ""),
        (
            "key-expired-processor-remembers",
            2,
            "records that hold twice",
        ),
        ("processor-timeout", 0, "no ledger row"),
        ("lapsed-lock-rerun", 1, "one hold missing from the ledger"),
        ("non-atomic-crash", 1, "recorded"),
        ("retry-storm", 12, ""),
        ("retry-storm-jitter", 12, ""),
    ];
    let info = faultline_sim::lab("payments").unwrap();
    assert_eq!(
        info.presets.len(),
        ledger.len(),
        "every preset has its row here"
    );
    for p in &info.presets {
        let (_, rows, words) = ledger
            .iter()
            .find(|l| l.0 == p.id)
            .unwrap_or_else(|| panic!("{} has no row here", p.id));
        let r = run(p.id);
        let text = p.explanation.to_lowercase();
        assert_eq!(charges(&r), *rows, "{}: ledger rows", p.id);
        assert!(text.contains(words), "{}: \"{words}\" in {text}", p.id);
        // Holds per order, and their amounts.
        let auths = table(&r, "Card authorizations");
        let held: Vec<&Vec<String>> = auths.iter().filter(|a| a[3] == "HELD").collect();
        let orders: std::collections::BTreeSet<&String> = held.iter().map(|a| &a[1]).collect();
        let per_order: std::collections::BTreeSet<usize> = orders
            .iter()
            .map(|o| held.iter().filter(|a| &&a[1] == o).count())
            .collect();
        let amounts: std::collections::BTreeSet<&String> = held.iter().map(|a| &a[2]).collect();
        let phrase = match (per_order.len(), amounts.len()) {
            (0, _) => "nothing held".to_string(),
            (1, 1) => format!(
                "held {} {}",
                amounts.iter().next().unwrap(),
                times(*per_order.iter().next().unwrap())
            ),
            _ => panic!("{}: customers held differently: {held:?}", p.id),
        };
        let phrase = phrase.replace(".00", "").to_lowercase();
        assert!(text.contains(&phrase), "{}: \"{phrase}\" in {text}", p.id);
    }
}
