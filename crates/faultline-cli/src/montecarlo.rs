//! `montecarlo`: many runs of one configuration over random seeds and
//! random trouble on the wire, counted by outcome (each with the link of
//! its first example), a histogram of run times, and a rate against one
//! swept setting; or the same as JSON.

use crate::links::{explore_ask, scenario, setting, Target};
use faultline_sim::explore::montecarlo::{
    first_example, monte_carlo, sweep_values, MonteCarloConfig, MonteCarloReport, Outcome, DOWNTIME,
};
use faultline_sim::explore::report;
use faultline_sim::explore_link::ExploreAsk;
use faultline_sim::fault::RandomFaults;
use faultline_sim::permalink;
use faultline_sim::scenario::ConfigValue;
use faultline_sim::Scenario;
use std::fmt::Write;

#[derive(clap::Args)]
pub struct MonteCarloArgs {
    #[command(flatten)]
    target: Target,
    /// Runs (per value of a swept setting), 1 to 100000 (1000, or what
    /// an explorer link names, if not given).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    runs: Option<u32>,
    /// The first seed of the runs' seed stream.
    #[arg(long = "base-seed", default_value_t = 1)]
    base_seed: u64,
    /// Chance in 1000 that a message is lost (0, or what an explorer
    /// link names, if not given).
    #[arg(long, value_parser = clap::value_parser!(u16).range(0..=1000))]
    drop: Option<u16>,
    /// Chance in 1000 that a message is delivered twice.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
    duplicate: u16,
    /// Chance in 1000 that a message is held back `--delay-ms`.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
    delay: u16,
    /// How long a delayed message is held back.
    #[arg(long = "delay-ms", default_value_t = 1_000)]
    delay_ms: u64,
    /// A setting to sweep: KEY=V1,V2,… (each value runs `--runs` times);
    /// `downtime_ms` sweeps how long the run's crashes stay down.
    #[arg(long, value_name = "KEY=V1,V2,…")]
    sweep: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Run what the arguments ask for (a link's random runs, unless the
/// arguments say otherwise) and print the report.
pub fn run(args: &MonteCarloArgs) -> Result<String, String> {
    let (scenario, title) = scenario(&args.target)?;
    let (link_runs, link_drop) = match explore_ask(&args.target)? {
        Some(ExploreAsk::MonteCarlo {
            runs,
            lose_per_mille,
        }) => (Some(runs), Some(lose_per_mille)),
        _ => (None, None),
    };
    let sweep = match &args.sweep {
        None => None,
        Some(text) => {
            let (key, values) = text
                .split_once('=')
                .ok_or_else(|| format!("--sweep takes KEY=V1,V2,…, not \"{text}\""))?;
            let values = values
                .split(',')
                .map(|v| {
                    if key == DOWNTIME {
                        // Not a setting: each crash's time down (ms).
                        v.parse()
                            .map(ConfigValue::Int)
                            .map_err(|_| format!("{DOWNTIME} is a whole number of ms, not \"{v}\""))
                    } else {
                        setting(&scenario.lab, key, v)
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Some((key.to_string(), values))
        }
    };
    let config = MonteCarloConfig {
        runs: args.runs.or(link_runs).unwrap_or(1_000),
        base_seed: args.base_seed,
        random: RandomFaults {
            drop_permille: args.drop.or(link_drop).unwrap_or(0),
            duplicate_permille: args.duplicate,
            delay_permille: args.delay,
            delay_ms: args.delay_ms,
        },
        sweep,
    };
    report(&scenario, &title, &config, args.json)
}

/// The random runs an explorer link asks for (`ExploreAsk::MonteCarlo`,
/// or `ExploreAsk::Sweep` with the setting `sweep` at the values the page
/// tries), as the page makes them (seeds from 1, messages lost at its rate).
pub fn from_link(
    scenario: &Scenario,
    title: &str,
    runs: u32,
    lose_per_mille: u16,
    sweep: Option<&str>,
    json: bool,
) -> Result<String, String> {
    let sweep = match sweep {
        None => None,
        Some(key) => Some((key.to_string(), sweep_values(scenario, key)?)),
    };
    let config = MonteCarloConfig {
        runs,
        base_seed: 1,
        random: RandomFaults::losing(lose_per_mille),
        sweep,
    };
    report(scenario, title, &config, json)
}

/// Each histogram as bars of `#`: run time, messages, the lab's measure.
fn histograms(out: &mut String, r: &MonteCarloReport) {
    for h in [Some(&r.duration), Some(&r.messages), r.measure.as_ref()]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "\n{} ({}):", h.what, h.unit);
        let most = h.bins.iter().map(|b| b.2).max().unwrap_or(1).max(1);
        for (from, to, n) in &h.bins {
            let bar = "#".repeat((40 * n / most) as usize);
            let _ = writeln!(out, "  {from:>8} to {to:<8} {n:>6} {bar}");
        }
    }
}

/// A line per value of the swept setting `key`: messages per run, the
/// lab's measure and each property's rate.
fn sweep_lines(out: &mut String, key: &str, r: &MonteCarloReport) {
    let _ = writeln!(out, "\nagainst {key}:");
    for p in &r.sweep {
        let broken: Vec<String> = p
            .broken
            .iter()
            .map(|(id, n)| format!("{id} {:.1}%", 100.0 * f64::from(*n) / f64::from(p.runs)))
            .collect();
        let measure = match (&r.measure, p.measure_mean) {
            (Some(h), Some(mean)) => format!(" {} {mean:.1} {} (mean);", h.what, h.unit),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {key} = {}: {:.1} messages per run;{measure} {}",
            serde_json::to_string(&p.value).unwrap_or_default(),
            p.messages_per_run,
            if broken.is_empty() {
                "nothing broken".to_string()
            } else {
                broken.join(", ")
            }
        );
    }
}

/// Make the runs and print their report (or its JSON).
fn report(
    scenario: &Scenario,
    title: &str,
    config: &MonteCarloConfig,
    json: bool,
) -> Result<String, String> {
    let scenario = scenario.clone();
    let started = std::time::Instant::now();
    let r = monte_carlo(&scenario, config).map_err(|e| format!("the scenario cannot run: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    let link = |o: &Outcome| {
        format!(
            "#{}",
            permalink::encode(&first_example(&scenario, config, o), 0)
        )
    };
    if json {
        let mut json = report::monte_carlo_json(&scenario, config, &r);
        json["seconds"] = secs.into();
        return Ok(json.to_string() + "\n");
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "monte carlo: {} {title}, {} runs in {secs:.2} s ({:.0} runs/s); on the wire: lose {}‰, duplicate {}‰, delay {}‰ by {} ms",
        scenario.lab,
        r.runs,
        f64::from(r.runs) / secs.max(1e-9),
        config.random.drop_permille,
        config.random.duplicate_permille,
        config.random.delay_permille,
        config.random.delay_ms
    );
    let _ = writeln!(
        out,
        "\noutcomes (a run that broke several properties counts for each):"
    );
    for o in &r.outcomes {
        let _ = writeln!(
            out,
            "  {:>6} runs ({:5.1}%)  {:<28} first: seed {}  {}",
            o.runs,
            100.0 * f64::from(o.runs) / f64::from(r.runs),
            o.property,
            o.first_seed,
            link(o)
        );
    }
    histograms(&mut out, &r);
    if let Some((key, _)) = &config.sweep {
        sweep_lines(&mut out, key, &r);
    }
    if r.hit_bounds > 0 {
        let _ = writeln!(
            out,
            "\nnote: {} runs stopped at the scenario's bounds",
            r.hit_bounds
        );
    }
    Ok(out)
}
