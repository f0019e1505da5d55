//! Monte Carlo: many runs of one configuration over random seeds (other
//! latencies, jitter and random trouble on the wire), counted by outcome,
//! with the seed of each outcome's first example (a link opens it), a
//! histogram of how long runs took, and a rate against one swept setting.
//!
//! Seeds come from a splitmix64 stream of the base seed, so a report is
//! the same every time it is made, natively and in the browser.

use crate::engine::Detail;
use crate::fault::{Fault, RandomFaults};
use crate::scenario::{ConfigValue, Scenario, ScenarioError};
use crate::trace::Run;

/// What to run.
#[derive(Clone, Debug)]
pub struct MonteCarloConfig {
    /// Runs per setting value (at least 1).
    pub runs: u32,
    /// The first seed of the stream the runs' seeds are drawn from.
    pub base_seed: u64,
    /// Random trouble on every message (added to the scenario's own).
    pub random: RandomFaults,
    /// A setting to sweep, and its values (empty: no sweep).
    pub sweep: Option<(String, Vec<ConfigValue>)>,
}

/// How many runs ended one way, and the seed of the first that did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// A property's id, or [`CLEAN`] for runs that broke none.
    pub property: String,
    pub runs: u32,
    pub first_seed: u64,
    /// The swept setting's value in that first example (with a sweep).
    pub first_value: Option<ConfigValue>,
}

/// The outcome of a run that broke no property.
pub const CLEAN: &str = "nothing broken";

/// One value of the swept setting and what it gave.
#[derive(Clone, Debug)]
pub struct SweepPoint {
    pub value: ConfigValue,
    pub runs: u32,
    /// Runs that broke each property (in the report's outcome order).
    pub broken: Vec<(String, u32)>,
    /// Messages sent per run, on average.
    pub messages_per_run: f64,
    /// The lab's own measure (`Lab::MEASURE`) per run, on average.
    pub measure_mean: Option<f64>,
}

/// A histogram of a quantity over the runs.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    pub what: &'static str,
    pub unit: &'static str,
    /// (from, to, runs): bins of equal width, `to` exclusive.
    pub bins: Vec<(u64, u64, u32)>,
}

/// What the runs gave.
#[derive(Clone, Debug, Default)]
pub struct MonteCarloReport {
    pub runs: u32,
    /// Outcomes, most frequent first ([`CLEAN`] among them). A run that
    /// broke several properties counts once for each.
    pub outcomes: Vec<Outcome>,
    /// How long runs took, in virtual time, to their last step.
    pub duration: Histogram,
    /// Messages sent per run.
    pub messages: Histogram,
    /// The lab's own measure per run (`Lab::MEASURE`: Payments' attempts,
    /// the Sagas lab's longest 2PC lock), if it declares one.
    pub measure: Option<Histogram>,
    /// The sweep, one point per value (empty without one).
    pub sweep: Vec<SweepPoint>,
    /// Runs that stopped at the scenario's bounds.
    pub hit_bounds: u32,
    /// Stopped before all the runs were made (`keep_going` said no):
    /// `runs` says how many were.
    pub stopped: bool,
}

/// How often [`monte_carlo_with`] asks whether to keep going (runs).
pub const PROGRESS_EVERY: u32 = 250;

/// The seed of run `i` of the stream from `base`.
pub fn seed_of(base: u64, i: u32) -> u64 {
    let mut z = base.wrapping_add(
        u64::from(i)
            .wrapping_add(1)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15),
    );
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The scenario with the configuration's random trouble (each chance the
/// larger of the scenario's own and the configuration's): what each run
/// runs, with its seed, and what an outcome's link opens.
pub fn with_trouble(scenario: &Scenario, config: &MonteCarloConfig) -> Scenario {
    let mut s = scenario.clone();
    s.random = RandomFaults {
        drop_permille: s.random.drop_permille.max(config.random.drop_permille),
        duplicate_permille: s
            .random
            .duplicate_permille
            .max(config.random.duplicate_permille),
        delay_permille: s.random.delay_permille.max(config.random.delay_permille),
        delay_ms: s.random.delay_ms.max(config.random.delay_ms),
    };
    s
}

/// Run the configuration `config.runs` times (per swept value).
pub fn monte_carlo(
    scenario: &Scenario,
    config: &MonteCarloConfig,
) -> Result<MonteCarloReport, ScenarioError> {
    monte_carlo_with(scenario, config, &mut |_| true)
}

/// [`monte_carlo`], asking `keep_going` with how far it has gone every
/// [`PROGRESS_EVERY`] runs (false stops, and the report says so).
pub fn monte_carlo_with(
    scenario: &Scenario,
    config: &MonteCarloConfig,
    keep_going: &mut dyn FnMut(&SoFar) -> bool,
) -> Result<MonteCarloReport, ScenarioError> {
    let base = with_trouble(scenario, config);
    let values: Vec<Option<&ConfigValue>> = match &config.sweep {
        Some((_, v)) if !v.is_empty() => v.iter().map(Some).collect(),
        _ => vec![None],
    };
    let mut report = MonteCarloReport::default();
    let mut samples = Samples::default();
    for value in values {
        let mut s = base.clone();
        if let (Some(v), Some((key, _))) = (value, &config.sweep) {
            s = with_swept(s, key, v);
        }
        crate::registry::validate(&s)?;
        if let Some(point) = runs_of(&mut s, config, value, keep_going, &mut report, &mut samples)?
        {
            report.sweep.push(point);
        }
        if report.stopped {
            break;
        }
    }
    finish(&mut report, &samples, &scenario.lab);
    Ok(report)
}

/// The report's outcomes in order (most runs first) and its histograms.
fn finish(report: &mut MonteCarloReport, samples: &Samples, lab: &str) {
    report.outcomes.sort_by_key(|o| std::cmp::Reverse(o.runs));
    report.duration = histogram("time to the run's last step", "ms", &samples.durations);
    report.messages = histogram("messages sent", "messages", &samples.messages);
    report.measure = crate::registry::explorer_measure(lab)
        .map(|(what, unit)| histogram(what, unit, &samples.measured));
}

/// What every run gives the report's histograms, across all values.
#[derive(Default)]
struct Samples {
    durations: Vec<u64>,
    messages: Vec<u64>,
    measured: Vec<u64>,
}

/// How far [`monte_carlo_with`] has gone, for its `keep_going`: the runs
/// made, and the report as it would stand if the work stopped here.
pub struct SoFar<'a> {
    /// Runs made so far, over every value of a sweep.
    pub runs: u32,
    report: &'a MonteCarloReport,
    samples: &'a Samples,
    lab: &'a str,
}

impl SoFar<'_> {
    /// The report of the runs made so far (a sweep's values finished so
    /// far), marked as stopped: what a learner who stops now is shown.
    pub fn report(&self) -> MonteCarloReport {
        let mut report = self.report.clone();
        report.stopped = true;
        finish(&mut report, self.samples, self.lab);
        report
    }
}

/// `config.runs` random runs of `s` (one value of a sweep, or the only
/// one), counted in `report`; the sweep's point for `value`, if it ran.
fn runs_of(
    s: &mut Scenario,
    config: &MonteCarloConfig,
    value: Option<&ConfigValue>,
    keep_going: &mut dyn FnMut(&SoFar) -> bool,
    report: &mut MonteCarloReport,
    samples: &mut Samples,
) -> Result<Option<SweepPoint>, ScenarioError> {
    let mut broken: Vec<(String, u32)> = Vec::new();
    let mut sent = 0u64;
    let mut made = 0u32;
    let measured_before = samples.measured.len();
    for i in 0..config.runs.max(1) {
        if report.runs % PROGRESS_EVERY == 0 && report.runs > 0 {
            let so_far = SoFar {
                runs: report.runs,
                report,
                samples,
                lab: &s.lab,
            };
            if !keep_going(&so_far) {
                report.stopped = true;
                break;
            }
        }
        s.seed = seed_of(config.base_seed, i);
        let mut sim = crate::registry::start_with(s, Detail::Lean)?;
        sim.advance(u32::MAX);
        samples.measured.push(sim.measure());
        // The lab's bounded properties, as they stand at the run's end
        // (the Sagas lab's records keep how long each lock was held).
        let bounded: Vec<&'static str> =
            sim.check_bounded().into_iter().map(|(id, _)| id).collect();
        let run = sim.finish();
        report.runs += 1;
        made += 1;
        report.hit_bounds += u32::from(run.end != crate::trace::End::Quiet);
        samples
            .durations
            .push(run.steps.last().map_or(0, |st| st.time));
        samples.messages.push(run.flights.len() as u64);
        sent += run.flights.len() as u64;
        for property in properties(&run, &bounded) {
            count(&mut report.outcomes, property, s.seed, value);
            if property != CLEAN {
                match broken.iter_mut().find(|b| b.0 == property) {
                    Some(b) => b.1 += 1,
                    None => broken.push((property.to_string(), 1)),
                }
            }
        }
    }
    Ok(value.filter(|_| made > 0).map(|v| {
        let here: u64 = samples.measured[measured_before..].iter().sum();
        SweepPoint {
            value: v.clone(),
            runs: made,
            broken,
            messages_per_run: sent as f64 / f64::from(made),
            measure_mean: crate::registry::explorer_measure(&s.lab)
                .map(|_| here as f64 / f64::from(made)),
        }
    }))
}

/// What a sweep may vary besides the lab's settings: how long the run's
/// crashed actors stay down before they restart (the restart delay of
/// each crash in the run's faults that restarts). No lab has a setting of
/// this name.
pub const DOWNTIME: &str = "downtime_ms";

/// The most a swept downtime may be (ms).
const MOST_DOWNTIME_MS: i64 = 60_000;

/// How long the run's first crash that restarts keeps its actor down.
pub fn downtime_of(s: &Scenario) -> Option<u64> {
    s.faults.iter().find_map(|f| match f {
        Fault::CrashOnSend {
            restart_after_ms: Some(d),
            ..
        } => Some(*d),
        Fault::Crash { at_ms, actor } => s.faults.iter().find_map(|r| match r {
            Fault::Restart {
                at_ms: back,
                actor: a,
            } if a == actor && back >= at_ms => Some(back - at_ms),
            _ => None,
        }),
        _ => None,
    })
}

/// `s` with the swept `key` at `value`: a setting, or ([`DOWNTIME`]) each
/// of its crashes that restarts kept down that long.
pub fn with_swept(mut s: Scenario, key: &str, value: &ConfigValue) -> Scenario {
    if key != DOWNTIME {
        return s.with(key, value.clone());
    }
    let ConfigValue::Int(d) = value else {
        return s;
    };
    let d = (*d).clamp(0, MOST_DOWNTIME_MS) as u64;
    let crashes: Vec<(String, u64)> = s
        .faults
        .iter()
        .filter_map(|f| match f {
            Fault::Crash { at_ms, actor } => Some((actor.clone(), *at_ms)),
            _ => None,
        })
        .collect();
    for f in &mut s.faults {
        match f {
            Fault::CrashOnSend {
                restart_after_ms: Some(after),
                ..
            } => *after = d,
            Fault::Restart { at_ms, actor } => {
                // The latest crash of this actor before its restart.
                if let Some(crashed) = crashes
                    .iter()
                    .filter(|(a, c)| a == actor && *c <= *at_ms)
                    .map(|(_, c)| *c)
                    .max()
                {
                    *at_ms = crashed + d;
                }
            }
            _ => {}
        }
    }
    s
}

/// The values a sweep of the setting `key` tries on `scenario` when none
/// are given: a toggle's two, a choice's options, or, for a number, up to
/// five around its value in the scenario (a quarter of it, half, itself,
/// twice, four times), on the setting's steps, within its range, each once
/// and in increasing order.
pub fn sweep_values(scenario: &Scenario, key: &str) -> Result<Vec<ConfigValue>, String> {
    use crate::lab::FieldKind;
    if key == DOWNTIME {
        let now = downtime_of(scenario).ok_or(
            "this run has no crash that restarts, so there is no downtime to sweep (add a crash with a restart first)",
        )? as i64;
        let mut values: Vec<i64> = [now / 4, now / 2, now, now * 2, now * 4]
            .map(|d| d.clamp(0, MOST_DOWNTIME_MS))
            .to_vec();
        values.dedup();
        return Ok(values.into_iter().map(ConfigValue::Int).collect());
    }
    let info = crate::lab(&scenario.lab).ok_or("the run's lab is not on this page")?;
    let field = info.setting(key)?;
    Ok(match field.kind {
        FieldKind::Toggle { .. } => vec![ConfigValue::Bool(false), ConfigValue::Bool(true)],
        FieldKind::Choice { options, .. } => options
            .iter()
            .map(|(v, _)| ConfigValue::Choice((*v).to_string()))
            .collect(),
        FieldKind::Number {
            default,
            min,
            max,
            step,
            ..
        } => {
            let now = match scenario.config.get(key) {
                Some(ConfigValue::Int(v)) => *v,
                _ => default,
            };
            let step = step.max(1);
            let on_steps = |x: i64| (min + (x.clamp(min, max) - min) / step * step).min(max);
            let mut values: Vec<i64> = if now > 0 {
                [
                    now / 4,
                    now / 2,
                    now,
                    now.saturating_mul(2),
                    now.saturating_mul(4),
                ]
                .map(on_steps)
                .to_vec()
            } else {
                // Nothing to scale: the range in quarters.
                (0..5)
                    .map(|i| on_steps(min + (max - min) / 4 * i))
                    .collect()
            };
            values.sort_unstable();
            values.dedup();
            values.into_iter().map(ConfigValue::Int).collect()
        }
    })
}

/// The properties a run broke (its invariants, then the lab's bounded
/// properties broken at its end), or [`CLEAN`].
fn properties(run: &Run, bounded: &[&'static str]) -> Vec<&'static str> {
    let mut broke: Vec<&'static str> = run.violations.iter().map(|v| v.invariant).collect();
    broke.extend(
        bounded
            .iter()
            .filter(|b| !broke.contains(b))
            .collect::<Vec<_>>(),
    );
    if broke.is_empty() {
        vec![CLEAN]
    } else {
        broke
    }
}

fn count(outcomes: &mut Vec<Outcome>, property: &str, seed: u64, value: Option<&ConfigValue>) {
    match outcomes.iter_mut().find(|o| o.property == property) {
        Some(o) => o.runs += 1,
        None => outcomes.push(Outcome {
            property: property.to_string(),
            runs: 1,
            first_seed: seed,
            first_value: value.cloned(),
        }),
    }
}

/// The step after which the bounded property `property` (`Lab::bounded`)
/// first stands broken in `scenario`'s run, if it does: where a link to
/// the run should open (a lab run does not mark bounded properties).
pub fn bounded_broken_at(scenario: &Scenario, property: &str) -> Option<u32> {
    let mut sim = crate::registry::start_with(scenario, Detail::Lean).ok()?;
    loop {
        let over = sim.step();
        if sim.check_bounded().iter().any(|(id, _)| *id == property) {
            return Some(sim.next_step().saturating_sub(1));
        }
        if over {
            return None;
        }
    }
}

/// The run that is an outcome's first example.
pub fn first_example(scenario: &Scenario, config: &MonteCarloConfig, o: &Outcome) -> Scenario {
    let mut s = with_trouble(scenario, config);
    if let (Some(v), Some((key, _))) = (&o.first_value, &config.sweep) {
        s = with_swept(s, key, v);
    }
    s.seed = o.first_seed;
    s
}

/// Up to 12 bins of one round width covering every value.
pub fn histogram(what: &'static str, unit: &'static str, values: &[u64]) -> Histogram {
    let (Some(&lo), Some(&hi)) = (values.iter().min(), values.iter().max()) else {
        return Histogram {
            what,
            unit,
            bins: Vec::new(),
        };
    };
    let span = hi - lo + 1;
    // A round width: 1, 2 or 5 times a power of ten.
    let mut width = 1u64;
    'outer: for scale in [1u64, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        for m in [1, 2, 5] {
            width = m * scale;
            if span.div_ceil(width) <= 12 {
                break 'outer;
            }
        }
    }
    let start = lo / width * width;
    let n = (hi - start) / width + 1;
    let mut bins: Vec<(u64, u64, u32)> = (0..n)
        .map(|i| (start + i * width, start + (i + 1) * width, 0))
        .collect();
    for v in values {
        bins[((v - start) / width) as usize].2 += 1;
    }
    Histogram { what, unit, bins }
}

#[cfg(test)]
mod tests {
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
}
