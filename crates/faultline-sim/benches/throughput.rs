//! Engine throughput on the payments lab, in events per second, as a gate.
//! Run: `cargo bench -p faultline-sim --bench throughput`.
//!
//! Each detail level, the lean trace (what property tests and explorers use)
//! and the full trace (what the views render), is measured three times; the
//! best of the three counts.
//!
//! Issue 6's targets are lean 2,000,000 events/s and full 1,000,000 (best
//! of three), printed as met or not. On the 2-core machine kind the same
//! binary measures 2.55-2.60 M lean and 1.05-1.12 M full in a quiet phase
//! and 1.59-1.71 M / 0.67-0.82 M minutes later in a slow one, so a
//! wall-clock gate at the targets would flake. The steady check of the
//! targets is `scripts/work_per_event.py` (callgrind instructions per
//! event on this workload, at most 3,300 lean and 6,600 full: the targets
//! at the machine kind's quiet speed); this bench's gate is a regression
//! floor well under the slow phase (one test-command run measured lean
//! 2.72 M and then full 0.63 M): lean at least 800,000, full at least
//! 400,000 (above last session's code, which did 1.1-1.6 M / 0.5-0.6 M),
//! below which the test command fails (exit 1).
//!
//! `FAULTLINE_BENCH_SECS` sets the length of each measurement in seconds
//! (default 1, so the whole bench takes about 6 s).

use faultline_sim::scenario::ConfigValue;
use faultline_sim::{simulate_with, Detail};
use std::time::Instant;

/// Measurements per detail level; the best one counts.
const REPEATS: usize = 3;
const DEFAULT_SECS: f64 = 1.0;
/// Regression floors: below these the test command fails.
const LEAN_GATE: f64 = 800_000.0;
const FULL_GATE: f64 = 400_000.0;
/// Issue 6's targets, reported as met or not.
const LEAN_TARGET: f64 = 2_000_000.0;
const FULL_TARGET: f64 = 1_000_000.0;

fn main() {
    let secs = match measurement_secs() {
        Ok(secs) => secs,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    println!("engine throughput: {REPEATS} measurements of {secs} s per detail level, best counts");

    let mut missed = Vec::new();
    // FAULTLINE_BENCH_ONLY=lean|full measures one level (for profiling).
    let only = std::env::var("FAULTLINE_BENCH_ONLY").unwrap_or_default();
    let levels = [
        (Detail::Lean, LEAN_GATE, LEAN_TARGET),
        (Detail::Full, FULL_GATE, FULL_TARGET),
    ];
    for (detail, budget, target) in levels {
        if !only.is_empty() && !format!("{detail:?}").eq_ignore_ascii_case(&only) {
            continue;
        }
        let best = best_rate(detail, budget, secs);
        long_run(detail);
        println!(
            "issue 6 target {}: {detail:?} trace, best {} events/s, target {} events/s",
            if best >= target {
                "met"
            } else {
                "NOT MET on this run"
            },
            thousands(best),
            thousands(target)
        );
        if best < budget {
            missed.push(format!(
                "{detail:?} trace: best {} events/s is below the budget of {} events/s",
                thousands(best),
                thousands(budget)
            ));
        }
    }

    if missed.is_empty() {
        println!("throughput budgets met");
    } else {
        for line in &missed {
            eprintln!("BUDGET MISSED: {line}");
        }
        std::process::exit(1);
    }
}

/// Seconds per measurement, from `FAULTLINE_BENCH_SECS` (default 1).
fn measurement_secs() -> Result<f64, String> {
    match std::env::var("FAULTLINE_BENCH_SECS") {
        Err(_) => Ok(DEFAULT_SECS),
        Ok(text) => match text.trim().parse::<f64>() {
            Ok(secs) if secs.is_finite() && secs > 0.0 => Ok(secs),
            _ => Err(format!(
                "FAULTLINE_BENCH_SECS must be a positive number of seconds, got {text:?}"
            )),
        },
    }
}

/// Runs `REPEATS` measurements of `secs` each, prints every rate and returns
/// the best one.
fn best_rate(detail: Detail, budget: f64, secs: f64) -> f64 {
    let mut best = 0.0_f64;
    for i in 1..=REPEATS {
        let (runs, events, elapsed) = measure(detail, secs);
        let rate = events as f64 / elapsed;
        println!(
            "payments lab, {detail:?} trace, measurement {i}/{REPEATS}: {runs} runs, {events} events in {elapsed:.2} s = {} events/s",
            thousands(rate)
        );
        best = best.max(rate);
    }
    println!(
        "payments lab, {detail:?} trace: best of {REPEATS} = {} events/s (budget {})",
        thousands(best),
        thousands(budget)
    );
    best
}

/// One measurement: the retry storm with 12 clients and random loss (a busy,
/// realistic run), seed after seed, for at least `secs` and at least one run.
/// Every measurement replays the same seeds, so they do the same work.
/// Returns (runs, events, elapsed seconds).
fn measure(detail: Detail, secs: f64) -> (u32, u64, f64) {
    let mut s = faultline_sim::preset("payments", "retry-storm-jitter").expect("preset");
    s.random.drop_permille = 50;
    s = s.with("clients", ConfigValue::Int(12));
    let mut events: u64 = 0;
    let mut runs = 0u32;
    let mut seed = 0u64;
    let start = Instant::now();
    loop {
        s.seed = seed;
        let run = simulate_with(&s, detail).expect("valid");
        events += run.steps.len() as u64;
        runs += 1;
        seed += 1;
        let elapsed = start.elapsed().as_secs_f64();
        if elapsed >= secs {
            return (runs, events, elapsed);
        }
    }
}

/// One long run, to show a single run's rate too (not gated).
fn long_run(detail: Detail) {
    let mut long = faultline_sim::registry::new_scenario("payments", 1)
        .with("clients", ConfigValue::Int(12))
        .with("max_attempts", ConfigValue::Int(10));
    long.random.drop_permille = 300;
    let t = Instant::now();
    let run = simulate_with(&long, detail).expect("valid");
    let dt = t.elapsed().as_secs_f64();
    println!(
        "  one long run ({detail:?}): {} events in {:.3} ms = {} events/s",
        run.steps.len(),
        dt * 1e3,
        thousands(run.steps.len() as f64 / dt)
    );
}

/// A rate rounded to a whole number, with thousands separators: 1,234,567.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let head = (digits.len() - 1) % 3 + 1;
    let mut out = digits[..head].to_string();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push(',');
        out.extend(group.iter().map(|&b| char::from(b)));
    }
    out
}
