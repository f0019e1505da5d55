//! The explorer's engine support and search: a forked run with faults
//! added mid-way is the run that had them from the start; merging states
//! finds what the naive search finds; and what the search reports about
//! each lab's model is pinned.

mod common;

use common::Rng;
use faultline_sim::digest::behaviour_digest;
use faultline_sim::engine::{Detail, Simulation};
use faultline_sim::explore::alphabet::{choices, links_of, restart_for};
use faultline_sim::explore::{
    search, Alphabet, Counterexample, Letter, SearchConfig, SearchReport,
};
use faultline_sim::registry::{explorer_terms, start_with};
use faultline_sim::scenario::ConfigValue;
use faultline_sim::{labs, simulate_with, Scenario};

/// Walk one random branch of the search tree: before some steps, add a
/// random fault of the alphabet to a fork. Returns the forked run's end.
fn random_branch(scenario: &Scenario, rng: &mut Rng, faults: usize) -> Simulation {
    let (scales, _) = explorer_terms(&scenario.lab).unwrap();
    let mut base = start_with(scenario, Detail::Lean).unwrap();
    base.advance(u32::MAX);
    let links = links_of(base.flights());
    let mut sim = start_with(scenario, Detail::Lean).unwrap();
    let mut added = 0;
    while !sim.is_over() {
        let mut next = sim.fork();
        next.step();
        if added < faults && rng.next() % 3 == 0 {
            let alphabet = if rng.next() % 2 == 0 {
                Alphabet::Focused
            } else {
                Alphabet::Every
            };
            let options = choices(&sim, &next, scales, &links, alphabet);
            if !options.is_empty() {
                let (_, fault) = options[(rng.next() % options.len() as u64) as usize].clone();
                let restart = restart_for(&fault, scales);
                let mut forked = sim.fork();
                forked.inject(fault);
                if let Some(r) = restart {
                    forked.inject(r);
                }
                forked.step();
                next = forked;
                added += 1;
            }
        }
        sim = next;
    }
    sim
}

#[test]
fn a_fork_with_faults_added_mid_run_is_the_run_that_had_them_from_the_start() {
    let mut rng = Rng(7);
    let mut checked = 0;
    for lab in labs() {
        for preset in &lab.presets {
            let scenario = (preset.scenario)();
            for _ in 0..6 {
                let sim = random_branch(&scenario, &mut rng, 3);
                let replayed = sim.scenario().clone();
                let forked = behaviour_digest(&sim.finish());
                let fresh = behaviour_digest(&simulate_with(&replayed, Detail::Lean).unwrap());
                assert_eq!(
                    forked, fresh,
                    "{} {}: faults {:?}",
                    lab.id, preset.id, replayed.faults
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} branches checked");
}

/// A fork of `before` with `fault` (and a crash's restart) added, run to its end.
fn with_fault(
    before: &Simulation,
    fault: &faultline_sim::fault::Fault,
    scenario: &Scenario,
) -> faultline_sim::Run {
    let (scales, _) = explorer_terms(&scenario.lab).unwrap();
    let mut forked = before.fork();
    forked.inject(fault.clone());
    if let Some(r) = restart_for(fault, scales) {
        forked.inject(r);
    }
    forked.finish()
}

/// What the focused alphabet offers before one step (`step`, taken by
/// `full`, the fault-free run, from the state `before` to `after`) does
/// what its text says: the woken actor's crash loses the step's message
/// or timer; each cut stops a message the step sends (unless the step
/// shares its millisecond with the one before); nothing else is crashed
/// or cut. Returns how many faults it checked.
fn check_focused_step(
    scenario: &Scenario,
    full: &faultline_sim::Run,
    step: &faultline_sim::trace::Step,
    (before, after): (&Simulation, &Simulation),
) -> usize {
    use faultline_sim::fault::Fault;
    use faultline_sim::trace::{Fate, StepKind};
    let (scales, _) = explorer_terms(&scenario.lab).unwrap();
    let focused = choices(before, after, scales, &[], Alphabet::Focused);
    let sent: Vec<_> = full
        .flights
        .iter()
        .filter(|f| f.send_step == step.index && f.duplicate_of.is_none())
        .collect();
    let mut checked = 0;
    for (letter, fault) in &focused {
        let run = || with_fault(before, fault, scenario);
        match (letter, fault) {
            (Letter::Crash, _) => {
                assert!(
                    matches!(step.kind, StepKind::Deliver | StepKind::Timer),
                    "{step:?}"
                );
                let run = run();
                if let Some(f) = step.flight {
                    assert_eq!(run.flights[f as usize].fate, Fate::ReceiverDown, "{step:?}");
                } else {
                    let timer = full
                        .timers
                        .iter()
                        .position(|t| t.fired_step == Some(step.index));
                    assert_eq!(run.timers[timer.unwrap()].fired_step, None, "{step:?}");
                }
            }
            (Letter::Partition, Fault::Partition { side_a, side_b, .. }) => {
                let ends = |f: &faultline_sim::trace::Flight| {
                    let names = [
                        &full.actors[f.from as usize].name,
                        &full.actors[f.to as usize].name,
                    ];
                    names.contains(&&side_a[0]) && names.contains(&&side_b[0])
                };
                assert!(
                    sent.iter().any(|f| ends(f)),
                    "a cut of a link the step sends on"
                );
                if step.time > before.now() {
                    let run = run();
                    assert!(
                        sent.iter()
                            .any(|f| ends(f) && run.flights[f.id as usize].fate == Fate::Dropped),
                        "the cut stops what the step sends: {step:?}"
                    );
                }
            }
            _ => continue,
        }
        checked += 1;
    }
    let crashes = focused.iter().filter(|(l, _)| *l == Letter::Crash).count();
    let woke = matches!(step.kind, StepKind::Deliver | StepKind::Timer);
    assert_eq!(crashes, usize::from(woke), "{step:?}");
    checked
}

#[test]
fn the_focused_alphabet_crashes_the_actor_a_step_wakes_and_cuts_the_links_it_sends_on() {
    let mut checked = 0;
    for lab in labs() {
        for preset in &lab.presets {
            let scenario = (preset.scenario)();
            let full = simulate_with(&scenario, Detail::Lean).unwrap();
            let (scales, _) = explorer_terms(&scenario.lab).unwrap();
            let mut sim = start_with(&scenario, Detail::Lean).unwrap();
            while !sim.is_over() {
                let mut next = sim.fork();
                next.step();
                match full.steps.get(sim.next_step() as usize) {
                    Some(step) => {
                        checked += check_focused_step(&scenario, &full, step, (&sim, &next))
                    }
                    // The run ends without another step: nothing to crash or cut.
                    None => assert!(
                        choices(&sim, &next, scales, &[], Alphabet::Focused).is_empty(),
                        "{} {}: a fault before a step that never comes",
                        lab.id,
                        preset.id
                    ),
                }
                sim = next;
            }
        }
    }
    assert!(checked > 100, "{checked} faults checked");
}

/// Search a preset with some settings changed.
fn searched(
    lab: &str,
    preset: &str,
    set: &[(&str, ConfigValue)],
    k: u8,
) -> (Scenario, SearchReport) {
    let mut scenario = faultline_sim::preset(lab, preset).unwrap();
    for (key, v) in set {
        scenario = scenario.with(key, v.clone());
    }
    let over = |alphabet| {
        let report = search(&scenario, SearchConfig::new(k, alphabet)).unwrap();
        assert!(
            report.schedules > 10 && !report.stopped && !report.hit_bounds,
            "{report:?}"
        );
        report
    };
    let (focused, every) = (over(Alphabet::Focused), over(Alphabet::Every));
    // What each claim below says holds over both alphabets: the same
    // properties broken (each by as few faults), the same kept.
    let broken = |r: &SearchReport| {
        let mut v: Vec<_> = r.found.iter().map(|c| (c.property, c.size())).collect();
        v.sort();
        v
    };
    assert_eq!(
        broken(&focused),
        broken(&every),
        "{lab} {preset} {set:?}: focused against every"
    );
    (scenario, focused)
}

/// The smallest schedule found that breaks `property`, checked by running
/// it from scratch as the page would: the property breaks at that step.
fn broken<'a>(s: &Scenario, r: &'a SearchReport, property: &str) -> &'a Counterexample {
    let c = r
        .found
        .iter()
        .find(|c| c.property == property)
        .unwrap_or_else(|| panic!("{property} should break: {:?}", r.found));
    let run = simulate_with(&c.scenario(s), Detail::Lean).unwrap();
    if !property.starts_with("lock-held") {
        let v = run.violations.iter().find(|v| v.invariant == property);
        assert_eq!(
            v.map(|v| v.step),
            Some(c.step),
            "{property}: replayed {:?}",
            run.violations
        );
    }
    c
}

fn kept(r: &SearchReport, property: &str) {
    assert!(
        r.found.iter().all(|c| c.property != property),
        "{property} should hold under every schedule: {:?}",
        r.found.iter().find(|c| c.property == property)
    );
}

/// K for the searches that take longest: in tests built with debug
/// assertions (the quick pass) one less than the claim, which the
/// `release-checks` pass of `scripts/test.sh` checks in full.
fn deep(k: u8) -> u8 {
    if cfg!(debug_assertions) {
        k - 1
    } else {
        k
    }
}

#[test]
fn without_keys_one_fault_charges_twice() {
    let (s, r) = searched(
        "payments",
        "happy-path",
        &[("send_key", ConfigValue::Bool(false))],
        1,
    );
    let c = broken(&s, &r, "one-charge-per-order");
    assert_eq!(c.size(), 1);
}

#[test]
fn with_keys_and_a_downstream_key_no_schedule_of_up_to_3_faults_charges_twice() {
    let (_, r) = searched("payments", "happy-path", &[], deep(3));
    kept(&r, "one-charge-per-order");
    kept(&r, "one-charge-per-key");
    // What it does find: a lost database write leaves a hold the ledger
    // does not record, for reconciliation (the lab's own words).
    assert_eq!(
        r.found.iter().map(|c| c.property).collect::<Vec<_>>(),
        ["ledger-matches-processor"]
    );
}

#[test]
fn a_non_atomic_store_is_broken_by_the_crash_alone() {
    // The non-atomic preset's settings without its scripted crash: the
    // search finds the crash itself, and the key left IN_FLIGHT beside its
    // ledger row; retries get 409, so no double charge follows.
    let set = [
        ("atomic", ConfigValue::Bool(false)),
        ("pass_key", ConfigValue::Bool(false)),
        ("in_flight_lock_ms", ConfigValue::Int(1_000)),
        ("max_attempts", ConfigValue::Int(5)),
    ];
    let (s, r) = searched("payments", "happy-path", &set, 1);
    let c = broken(&s, &r, "charge-iff-completed");
    assert_eq!(c.letters, [Letter::Crash]);
    // The atomic store under the same faults keeps it.
    let (_, atomic) = searched("payments", "happy-path", &set[1..], 1);
    kept(&atomic, "charge-iff-completed");
}

#[test]
fn dual_write_loses_an_event_with_one_crash_and_the_outbox_does_not() {
    let (s, r) = searched(
        "sagas",
        "happy-path",
        &[("outbox", ConfigValue::Bool(false))],
        1,
    );
    let c = broken(&s, &r, "event-iff-commit");
    assert_eq!(c.letters, [Letter::Crash]);
    let (_, outbox) = searched("sagas", "happy-path", &[], 1);
    kept(&outbox, "event-iff-commit");
}

#[test]
fn an_oauth_code_replay_is_refused_under_every_schedule_of_up_to_2_faults() {
    let (_, r) = searched("oauth", "code-replayed", &[], deep(2));
    kept(&r, "code-once");
}

/// On OAuth's happy path (JWT access tokens) one fault is enough: the
/// network delivers Planner's own /token request twice, the server takes
/// the second redemption of the code for a replay and revokes the tokens
/// it issued, and the calendar API, checking the JWT alone, still accepts
/// the access token. Opaque tokens introspected at the server close that
/// window: then no schedule of up to 2 faults breaks anything.
#[test]
fn oauth_jwts_outlive_a_revocation_one_duplicate_away_and_introspection_closes_it() {
    let (s, r) = searched("oauth", "happy-path", &[], 1);
    let c = broken(&s, &r, "revoked-token-refused");
    assert_eq!(c.letters, [Letter::Duplicate]);
    assert!(
        faultline_sim::registry::explorer_note("oauth", "revoked-token-refused")
            .is_some_and(|n| n.contains("redeemed twice") && n.contains("introspected")),
        "the page explains the finding"
    );
    kept(&r, "code-once");
    let (_, opaque) = searched(
        "oauth",
        "happy-path",
        &[("token_check", ConfigValue::Choice("introspect".into()))],
        deep(2),
    );
    assert!(opaque.found.is_empty(), "{:?}", opaque.found);
}

#[test]
fn one_coordinator_crash_holds_2pc_locks_past_2s_and_the_saga_takes_none() {
    let (s, r) = searched("sagas", "2pc-happy", &[], 1);
    let c = broken(&s, &r, "lock-held-at-most-2s");
    assert_eq!(c.letters, [Letter::Crash]);
    assert!(
        matches!(&c.faults[0], faultline_sim::fault::Fault::AtStep { then, .. }
        if matches!(then.as_ref(), faultline_sim::fault::Fault::Crash { actor, .. } if actor == "orchestrator"))
    );
    kept(&r, "2pc-all-or-nothing");
    let (_, saga) = searched("sagas", "happy-path", &[], 1);
    kept(&saga, "lock-held-at-most-2s");
}

#[test]
fn a_search_that_meets_more_states_than_it_may_remember_stops_and_says_so() {
    let scenario = faultline_sim::preset("payments", "happy-path").unwrap();
    let with = |max_distinct| {
        search(
            &scenario,
            SearchConfig {
                max_faults: 2,
                alphabet: Alphabet::Focused,
                merge: true,
                verify_merges: false,
                max_distinct,
            },
        )
        .unwrap()
    };
    let all = with(None);
    assert!(!all.full && !all.stopped, "{all:?}");
    // Room for every state: the same search, the same report.
    let roomy = with(Some(all.distinct));
    assert!(!roomy.full);
    use faultline_sim::explore::report::search_digest;
    assert_eq!(search_digest(&roomy), search_digest(&all));
    // One state short: it stops there, and says why.
    let short = with(Some(all.distinct - 1));
    assert!(short.full && short.stopped, "{short:?}");
    assert_eq!(short.distinct, all.distinct - 1);
    let tiny = with(Some(500));
    assert!(
        tiny.full && tiny.stopped && tiny.distinct == 500,
        "{tiny:?}"
    );
    assert!(tiny.schedules < all.schedules);
}

#[test]
fn merging_finds_the_same_smallest_counterexamples_as_the_naive_search() {
    let cases: Vec<(Scenario, u8)> = vec![
        (
            faultline_sim::preset("payments", "happy-path")
                .unwrap()
                .with("send_key", ConfigValue::Bool(false)),
            2,
        ),
        (
            faultline_sim::preset("payments", "happy-path")
                .unwrap()
                .with("atomic", ConfigValue::Bool(false)),
            1,
        ),
        (faultline_sim::preset("sagas", "2pc-happy").unwrap(), 1),
        (
            faultline_sim::preset("sagas", "happy-path")
                .unwrap()
                .with("outbox", ConfigValue::Bool(false)),
            1,
        ),
        (
            faultline_sim::preset("toy", "happy-path").unwrap_or_else(|| {
                (labs().iter().find(|l| l.id == "toy").unwrap().presets[0].scenario)()
            }),
            2,
        ),
    ];
    for ((s, k), alphabet) in cases
        .iter()
        .flat_map(|c| [(c, Alphabet::Focused), (c, Alphabet::Every)])
    {
        let (s, k) = (s, *k);
        let smallest = |merge| {
            let r = search(
                s,
                SearchConfig {
                    max_faults: k,
                    alphabet,
                    merge,
                    verify_merges: false,
                    max_distinct: None,
                },
            )
            .unwrap();
            let mut v: Vec<_> = r
                .found
                .iter()
                .map(|c| (c.property, c.size(), c.step))
                .collect();
            v.sort();
            (v, r.states)
        };
        let (naive, naive_states) = smallest(false);
        let (merged, merged_states) = smallest(true);
        assert_eq!(merged, naive, "{} {:?} {alphabet:?}", s.lab, s.config);
        assert!(
            merged_states < naive_states,
            "merging saved nothing on {}",
            s.lab
        );
    }
}

#[test]
fn every_merge_joins_two_states_that_go_on_alike() {
    let mut checked = 0;
    let cases = [
        (
            "payments",
            "happy-path",
            Some(("send_key", ConfigValue::Bool(false))),
            2,
        ),
        ("sagas", "2pc-happy", None, 1),
        (
            "sagas",
            "happy-path",
            Some(("outbox", ConfigValue::Bool(false))),
            1,
        ),
        ("oauth", "happy-path", None, 1),
    ];
    for ((lab, preset, set, k), alphabet) in cases
        .into_iter()
        .flat_map(|c| [(c.clone(), Alphabet::Focused), (c, Alphabet::Every)])
    {
        let mut s = faultline_sim::preset(lab, preset).unwrap();
        if let Some((key, v)) = set {
            s = s.with(key, v);
        }
        let config = SearchConfig {
            max_faults: k,
            alphabet,
            merge: true,
            verify_merges: true,
            max_distinct: None,
        };
        let r = search(&s, config).unwrap();
        assert_eq!(
            r.merges_wrong, 0,
            "{lab} {preset} {alphabet:?}: {} of {} merges went on differently",
            r.merges_wrong, r.merges_checked
        );
        checked += r.merges_checked;
    }
    eprintln!("{checked} merges checked");
    assert!(checked > 500, "only {checked} merges checked");
}

#[test]
fn a_message_fault_added_mid_run_counts_the_matching_messages_already_sent() {
    // Target a message by "the nth such message since 0 ms", with earlier
    // matches already in the past when the fault is added: it must take
    // that message, as in a run that had the fault from the start.
    let mut checked = 0;
    for lab in labs() {
        for preset in lab.presets.iter().take(6) {
            let scenario = (preset.scenario)();
            let full = simulate_with(&scenario, Detail::Lean).unwrap();
            for f in full
                .flights
                .iter()
                .filter(|f| f.duplicate_of.is_none())
                .skip(2)
                .step_by(3)
            {
                let names: Vec<&str> = full.actors.iter().map(|a| a.name.as_str()).collect();
                let on = faultline_sim::fault::MsgMatch::next(0, Some(f.class))
                    .from(names[f.from as usize])
                    .to(names[f.to as usize]);
                let nth = full.flights[..f.id as usize]
                    .iter()
                    .filter(|g| {
                        g.duplicate_of.is_none()
                            && on.accepts(
                                g.sent_at,
                                names[g.from as usize],
                                names[g.to as usize],
                                g.class,
                            )
                    })
                    .count() as u32
                    + 1;
                if nth == 1
                    || scenario
                        .faults
                        .iter()
                        .any(|x| matches!(x, faultline_sim::fault::Fault::Net { .. }))
                {
                    continue; // no earlier match, or a scripted fault that may take one
                }
                let fault = faultline_sim::fault::Fault::Net {
                    on: on.nth(nth),
                    action: faultline_sim::fault::NetAction::Drop,
                };
                let mut sim = start_with(&scenario, Detail::Lean).unwrap();
                while sim.next_step() < f.send_step && !sim.is_over() {
                    sim.step();
                }
                sim.inject(fault.clone());
                let forked = behaviour_digest(&sim.finish());
                let mut with = scenario.clone();
                with.faults.push(fault);
                let fresh = simulate_with(&with, Detail::Lean).unwrap();
                assert_eq!(
                    fresh.flights[f.id as usize].fate,
                    faultline_sim::trace::Fate::Dropped,
                    "{} {}",
                    lab.id,
                    preset.id
                );
                assert_eq!(
                    forked,
                    behaviour_digest(&fresh),
                    "{} {} flight {}",
                    lab.id,
                    preset.id,
                    f.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} checked");
}

mod monte_carlo {
    use faultline_sim::explore::montecarlo::{
        first_example, monte_carlo, monte_carlo_with, MonteCarloConfig, CLEAN,
    };
    use faultline_sim::fault::RandomFaults;
    use faultline_sim::scenario::ConfigValue;
    use faultline_sim::{simulate_with, Detail};

    fn config(runs: u32, drop: u16, sweep: Option<(&str, Vec<ConfigValue>)>) -> MonteCarloConfig {
        MonteCarloConfig {
            runs,
            base_seed: 1,
            random: RandomFaults::losing(drop),
            sweep: sweep.map(|(k, v)| (k.to_string(), v)),
        }
    }

    #[test]
    fn lost_messages_charge_twice_without_keys_and_never_with_them() {
        let no_key = faultline_sim::preset("payments", "happy-path")
            .unwrap()
            .with("send_key", ConfigValue::Bool(false));
        let r = monte_carlo(&no_key, &config(2_000, 100, None)).unwrap();
        assert_eq!(r.runs, 2_000);
        let twice = r
            .outcomes
            .iter()
            .find(|o| o.property == "one-charge-per-order")
            .expect("some double charges");
        assert!(twice.runs > 20 && twice.runs < 1_900, "{:?}", r.outcomes);
        assert!(r.outcomes.iter().any(|o| o.property == CLEAN));
        // The first example's seed opens a run that shows it.
        let example = first_example(&no_key, &config(2_000, 100, None), twice);
        assert_eq!(
            (example.seed, example.random.drop_permille),
            (twice.first_seed, 100)
        );
        let run = simulate_with(&example, Detail::Lean).unwrap();
        assert!(run
            .violations
            .iter()
            .any(|v| v.invariant == "one-charge-per-order"));
        // Histograms hold every run.
        assert_eq!(r.duration.bins.iter().map(|b| b.2).sum::<u32>(), 2_000);
        assert_eq!(r.messages.bins.iter().map(|b| b.2).sum::<u32>(), 2_000);
        // With keys and a downstream key: never.
        let keys = faultline_sim::preset("payments", "happy-path").unwrap();
        let r = monte_carlo(&keys, &config(2_000, 100, None)).unwrap();
        assert!(
            r.outcomes
                .iter()
                .all(|o| o.property != "one-charge-per-order"),
            "{:?}",
            r.outcomes
        );
        // The same report every time.
        let again = monte_carlo(&keys, &config(2_000, 100, None)).unwrap();
        assert_eq!(again.outcomes, r.outcomes);
    }

    #[test]
    fn runs_stopped_part_way_keep_what_they_counted() {
        let no_key = faultline_sim::preset("payments", "happy-path")
            .unwrap()
            .with("send_key", ConfigValue::Bool(false));
        // Asked at 500 runs, the report so far is the report of 500 runs
        // (the same seeds), marked as stopped.
        let mut at_500 = None;
        let all = monte_carlo_with(&no_key, &config(2_000, 100, None), &mut |so_far| {
            if so_far.runs == 500 {
                at_500 = Some(so_far.report());
            }
            true
        })
        .unwrap();
        let at_500 = at_500.expect("asked at 500 runs");
        let made_500 = monte_carlo(&no_key, &config(500, 100, None)).unwrap();
        assert!(at_500.stopped && !made_500.stopped && !all.stopped);
        assert_eq!(at_500.runs, 500);
        assert_eq!(at_500.outcomes, made_500.outcomes);
        assert_eq!(
            format!("{:?}", at_500.duration),
            format!("{:?}", made_500.duration)
        );
        assert_eq!(
            format!("{:?}", at_500.measure),
            format!("{:?}", made_500.measure)
        );
        assert_ne!(at_500.outcomes, all.outcomes);
        // Stopped there, the work's own report says the same.
        let stopped = monte_carlo_with(&no_key, &config(2_000, 100, None), &mut |so_far| {
            so_far.runs < 500
        })
        .unwrap();
        assert_eq!(stopped.outcomes, at_500.outcomes);
        assert!(stopped.stopped);
    }

    #[test]
    fn a_longer_client_timeout_charges_twice_less_often() {
        let no_key = faultline_sim::preset("payments", "happy-path")
            .unwrap()
            .with("send_key", ConfigValue::Bool(false));
        let values = [250, 600, 3_000].map(ConfigValue::Int).to_vec();
        let r = monte_carlo(&no_key, &config(600, 20, Some(("timeout_ms", values)))).unwrap();
        let rate: Vec<u32> = r
            .sweep
            .iter()
            .map(|p| {
                p.broken
                    .iter()
                    .find(|b| b.0 == "one-charge-per-order")
                    .map_or(0, |b| b.1)
            })
            .collect();
        eprintln!("double charges per 600 runs at timeouts 250, 600, 3000 ms: {rate:?}");
        assert_eq!(rate.len(), 3);
        assert!(rate[0] > rate[1] && rate[1] > rate[2], "{rate:?}");
    }
}

/// The searches whose digests the browser's wasm must reproduce
/// (`e2e/explorer.test.mjs` asks each lab page's helper for them):
/// `tests/search_golden.json`. `FAULTLINE_BLESS=1` rewrites the file.
#[test]
fn search_results_are_golden() {
    use faultline_sim::explore::report::search_digest;
    use Alphabet::{Every, Focused};
    let cases = [
        ("payments", "happy-path", 1u8, Every),
        ("payments", "happy-path", 2, Every),
        ("payments", "lost-response-no-key", 1, Every),
        ("oauth", "code-replayed", 1, Every),
        ("oauth", "happy-path", 2, Every),
        ("sagas", "2pc-happy", 1, Every),
        ("sagas", "happy-path", 1, Every),
        ("payments", "happy-path", 2, Focused),
        ("payments", "lost-response-no-key", 2, Focused),
        ("oauth", "happy-path", 2, Focused),
        ("sagas", "2pc-happy", 2, Focused),
    ];
    let mut rows = Vec::new();
    for (lab, preset, k, alphabet) in cases {
        let s = faultline_sim::preset(lab, preset).unwrap();
        let r = search(&s, SearchConfig::new(k, alphabet)).unwrap();
        let link = faultline_sim::permalink::encode(&s, 0);
        rows.push(format!(
            "  {{\"lab\": \"{lab}\", \"preset\": \"{preset}\", \"k\": {k}, \"alphabet\": \"{}\", \"states\": {}, \"digest\": \"{}\", \"link\": \"{link}\"}}",
            alphabet.name(),
            r.states,
            search_digest(&r)
        ));
    }
    let text = format!("[\n{}\n]\n", rows.join(",\n"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_golden.json");
    if std::env::var_os("FAULTLINE_BLESS").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(path).unwrap_or_default(),
        text,
        "FAULTLINE_BLESS=1 to record"
    );
}
