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
#[path = "montecarlo_tests.rs"]
mod tests;
