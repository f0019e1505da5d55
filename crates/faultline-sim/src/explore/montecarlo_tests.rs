//! Random runs' tests: seeds, outcomes and their first examples, the
//! histograms, sweeps and the measure.

/// A bounded property's first example opens where the bound broke:
/// the coordinator down 5 s, a participant has held its lock past 2 s
/// by that step, and not one step before.
#[test]
fn a_bounded_property_breaks_at_a_step_a_link_can_open() {
    let s = crate::preset("sagas", "2pc-coordinator-crash").unwrap();
    let step = bounded_broken_at(&s, "lock-held-at-most-2s").expect("2PC blocks");
    let run = crate::simulate(&s).unwrap();
    let (at, before) = (
        run.steps[step as usize].time,
        run.steps[step as usize - 1].time,
    );
    assert!(at > before, "{before} -> {at}");
    let mut sim = crate::registry::start_with(&s, Detail::Lean).unwrap();
    for _ in 0..step {
        sim.step();
    }
    assert!(
        sim.check_bounded().is_empty(),
        "not broken before step {step}"
    );
    sim.step();
    assert!(!sim.check_bounded().is_empty(), "broken at step {step}");
    // The saga takes no lock.
    let saga = crate::preset("sagas", "happy-path").unwrap();
    assert_eq!(bounded_broken_at(&saga, "lock-held-at-most-2s"), None);
}

/// The downtime sweep: each crash that restarts stays down that long,
/// and in 2PC the time a participant is blocked grows with it (the
/// lab's measure), past the 2 s bound once the coordinator is down
/// long enough.
#[test]
fn a_downtime_sweep_keeps_each_crash_down_that_long() {
    let s = crate::preset("sagas", "2pc-coordinator-crash").unwrap();
    assert_eq!(downtime_of(&s), Some(5_000));
    let values = sweep_values(&s, DOWNTIME).unwrap();
    assert_eq!(
        values,
        [1_250, 2_500, 5_000, 10_000, 20_000].map(ConfigValue::Int)
    );
    assert_eq!(
        downtime_of(&with_swept(s.clone(), DOWNTIME, &values[0])),
        Some(1_250)
    );
    let config = MonteCarloConfig {
        runs: 10,
        base_seed: 1,
        random: crate::fault::RandomFaults::losing(0),
        sweep: Some((DOWNTIME.into(), values)),
    };
    let r = monte_carlo(&s, &config).unwrap();
    let held: Vec<f64> = r.sweep.iter().map(|p| p.measure_mean.unwrap()).collect();
    assert!(held.windows(2).all(|w| w[0] < w[1]), "{held:?}");
    let over = |p: &SweepPoint| p.broken.iter().any(|b| b.0 == "lock-held-at-most-2s");
    assert!(!over(&r.sweep[0]) && over(&r.sweep[4]), "{:?}", r.sweep);
    // A crash and a restart as two faults: the restart moves.
    let pair = crate::preset("payments", "happy-path")
        .unwrap()
        .fault(Fault::Crash {
            at_ms: 100,
            actor: "payment-api".into(),
        })
        .fault(Fault::Restart {
            at_ms: 400,
            actor: "payment-api".into(),
        });
    assert_eq!(downtime_of(&pair), Some(300));
    assert_eq!(
        downtime_of(&with_swept(pair, DOWNTIME, &ConfigValue::Int(900))),
        Some(900)
    );
    // No crash: said.
    let plain = crate::preset("payments", "happy-path").unwrap();
    assert!(sweep_values(&plain, DOWNTIME)
        .unwrap_err()
        .contains("no crash that restarts"));
}

/// The labs' own measure, per run: the time a 2PC participant is
/// blocked grows with a coordinator's crash, a saga blocks nobody; a
/// client without a reply retries.
#[test]
fn each_labs_measure_shows_what_its_lessons_say() {
    let config = |runs| MonteCarloConfig {
        runs,
        base_seed: 1,
        random: crate::fault::RandomFaults::losing(0),
        sweep: None,
    };
    let most = |lab: &str, preset: &str| {
        let s = crate::preset(lab, preset).unwrap();
        let r = monte_carlo(&s, &config(20)).unwrap();
        let h = r.measure.expect("the lab's measure");
        let counted: u32 = h.bins.iter().map(|b| b.2).sum();
        assert_eq!(counted, 20, "every run measured");
        (
            h.what,
            h.bins
                .iter()
                .filter(|b| b.2 > 0)
                .map(|b| b.0)
                .max()
                .unwrap(),
        )
    };
    let (what, crashed) = most("sagas", "2pc-coordinator-crash");
    assert_eq!(what, "the longest time a participant held a 2PC lock");
    assert!(crashed > 2_000, "{crashed} ms");
    assert!(most("sagas", "2pc-happy").1 < 2_000);
    assert_eq!(most("sagas", "happy-path").1, 0, "a saga holds no lock");
    assert_eq!(most("payments", "happy-path").1, 1, "one attempt, answered");
    assert!(most("payments", "lost-response-no-key").1 >= 2, "a retry");
}

#[test]
fn a_sweep_without_values_spreads_around_the_setting_within_its_range() {
    let s = crate::preset("payments", "happy-path").unwrap();
    let at = |s: &Scenario, key| sweep_values(s, key).unwrap();
    let ints = |v: Vec<ConfigValue>| -> Vec<i64> {
        v.into_iter()
            .map(|v| match v {
                ConfigValue::Int(n) => n,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    // The client's timeout: 1000 ms by default, 200 to 10000 allowed, on
    // steps from 200 (a quarter, 250, is not one).
    assert_eq!(ints(at(&s, "timeout_ms")), vec![200, 500, 1000, 2000, 4000]);
    let short = s.clone().with("timeout_ms", ConfigValue::Int(400));
    assert_eq!(ints(at(&short, "timeout_ms")), vec![200, 400, 800, 1600]);
    assert_eq!(
        at(&s, "send_key"),
        vec![ConfigValue::Bool(false), ConfigValue::Bool(true)]
    );
    let sagas = crate::preset("sagas", "2pc-happy").unwrap();
    assert!(at(&sagas, "coordination").len() >= 2);
    assert!(sweep_values(&s, "nope")
        .unwrap_err()
        .contains("no setting \"nope\""));
    // Every value a sweep tries is one the lab accepts.
    for lab in crate::labs() {
        let s = crate::preset(lab.id, lab.default_preset).unwrap();
        for f in &lab.config {
            for v in at(&s, f.key) {
                let tried = s.clone().with(f.key, v.clone());
                assert!(crate::registry::validate(&tried).is_ok(), "{} {v:?}", f.key);
            }
        }
    }
}

use super::*;

#[test]
fn a_histogram_has_round_bins_that_hold_every_value() {
    let h = histogram("t", "ms", &[3, 17, 250, 999, 1_000]);
    assert!(h.bins.len() <= 12 && h.bins.len() >= 2, "{h:?}");
    let width = h.bins[0].1 - h.bins[0].0;
    assert!(
        [1, 2, 5, 10, 20, 50, 100, 200, 500].contains(&width),
        "{width}"
    );
    assert_eq!(h.bins.iter().map(|b| b.2).sum::<u32>(), 5);
    assert!(h.bins[0].0 <= 3 && h.bins.last().unwrap().1 > 1_000);
    assert!(histogram("t", "ms", &[]).bins.is_empty());
    assert_eq!(histogram("t", "ms", &[7, 7]).bins, vec![(7, 8, 2)]);
}

#[test]
fn seeds_differ_and_repeat() {
    assert_ne!(seed_of(1, 0), seed_of(1, 1));
    assert_eq!(seed_of(9, 5), seed_of(9, 5));
}
