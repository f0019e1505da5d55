//! `montecarlo`: many runs of one configuration over random seeds and
//! random trouble on the wire, counted by outcome (each with the link of
//! its first example), a histogram of run times, and a rate against one
//! swept setting; or the same as JSON.

use crate::links::{scenario, setting, Target};
use faultline_sim::explore::montecarlo::{first_example, monte_carlo, MonteCarloConfig, Outcome};
use faultline_sim::explore::report;
use faultline_sim::fault::RandomFaults;
use faultline_sim::permalink;
use std::fmt::Write;

#[derive(clap::Args)]
pub struct MonteCarloArgs {
    #[command(flatten)]
    target: Target,
    /// Runs (per value of a swept setting), 1 to 100000.
    #[arg(long, default_value_t = 1_000,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    runs: u32,
    /// The first seed of the runs' seed stream.
    #[arg(long = "base-seed", default_value_t = 1)]
    base_seed: u64,
    /// Chance in 1000 that a message is lost.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
    drop: u16,
    /// Chance in 1000 that a message is delivered twice.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
    duplicate: u16,
    /// Chance in 1000 that a message is held back `--delay-ms`.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
    delay: u16,
    /// How long a delayed message is held back.
    #[arg(long = "delay-ms", default_value_t = 1_000)]
    delay_ms: u64,
    /// A setting to sweep: KEY=V1,V2,… (each value runs `--runs` times).
    #[arg(long, value_name = "KEY=V1,V2,…")]
    sweep: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &MonteCarloArgs) -> Result<String, String> {
    let (scenario, title) = scenario(&args.target)?;
    let sweep = match &args.sweep {
        None => None,
        Some(text) => {
            let (key, values) = text
                .split_once('=')
                .ok_or_else(|| format!("--sweep takes KEY=V1,V2,…, not \"{text}\""))?;
            let values = values
                .split(',')
                .map(|v| setting(&scenario.lab, key, v))
                .collect::<Result<Vec<_>, _>>()?;
            Some((key.to_string(), values))
        }
    };
    let config = MonteCarloConfig {
        runs: args.runs,
        base_seed: args.base_seed,
        random: RandomFaults {
            drop_permille: args.drop,
            duplicate_permille: args.duplicate,
            delay_permille: args.delay,
            delay_ms: args.delay_ms,
        },
        sweep,
    };
    let started = std::time::Instant::now();
    let r = monte_carlo(&scenario, &config).map_err(|e| format!("the scenario cannot run: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    let link = |o: &Outcome| {
        format!(
            "#{}",
            permalink::encode(&first_example(&scenario, &config, o), 0)
        )
    };
    if args.json {
        let mut json = report::monte_carlo_json(&scenario, &config, &r);
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
        args.drop,
        args.duplicate,
        args.delay,
        args.delay_ms
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
    for h in [&r.duration, &r.messages] {
        let _ = writeln!(out, "\n{} ({}):", h.what, h.unit);
        let most = h.bins.iter().map(|b| b.2).max().unwrap_or(1).max(1);
        for (from, to, n) in &h.bins {
            let bar = "#".repeat((40 * n / most) as usize);
            let _ = writeln!(out, "  {from:>8} to {to:<8} {n:>6} {bar}");
        }
    }
    if let Some((key, _)) = &config.sweep {
        let _ = writeln!(out, "\nagainst {key}:");
        for p in &r.sweep {
            let broken: Vec<String> = p
                .broken
                .iter()
                .map(|(id, n)| format!("{id} {:.1}%", 100.0 * f64::from(*n) / f64::from(p.runs)))
                .collect();
            let _ = writeln!(
                out,
                "  {key} = {}: {:.1} messages per run; {}",
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
    if r.hit_bounds > 0 {
        let _ = writeln!(
            out,
            "\nnote: {} runs stopped at the scenario's bounds",
            r.hit_bounds
        );
    }
    Ok(out)
}
