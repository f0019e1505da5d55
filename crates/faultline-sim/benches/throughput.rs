//! Engine throughput on the payments lab, printed as events per second.
//! Run: `cargo bench -p faultline-sim --bench throughput`.
//! Budget (issue #3): at least 1,000,000 events/s natively. Printed for the
//! lean trace (what property tests and explorers use) and the full trace
//! (what the views render).

use faultline_sim::scenario::{ConfigValue, Scenario};
use faultline_sim::{simulate_with, Detail};
use std::time::Instant;

fn main() {
    for detail in [Detail::Lean, Detail::Full] {
        measure(detail);
    }
}

fn measure(detail: Detail) {
    // The retry storm with 12 clients and random loss: a busy, realistic run.
    let mut events: u64 = 0;
    let mut runs = 0u32;
    let start = Instant::now();
    let mut seed = 0u64;
    let mut s = faultline_sim::preset("payments", "retry-storm-jitter").expect("preset");
    s.random.drop_permille = 50;
    s = s.with("clients", ConfigValue::Int(12));
    while start.elapsed().as_secs_f64() < 3.0 {
        s.seed = seed;
        let run = simulate_with(&s, detail).expect("valid");
        events += run.steps.len() as u64;
        runs += 1;
        seed += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let rate = events as f64 / secs;
    println!("payments lab, {detail:?} trace: {runs} runs, {events} events in {secs:.2} s = {:.0} events/s (budget 1000000)", rate);
    // One long run, to show a single run's rate too.
    let mut long = Scenario::new("payments", 1)
        .with("clients", ConfigValue::Int(12))
        .with("max_attempts", ConfigValue::Int(10));
    long.random.drop_permille = 300;
    let t = Instant::now();
    let run = simulate_with(&long, detail).expect("valid");
    let dt = t.elapsed().as_secs_f64();
    println!(
        "  one long run ({detail:?}): {} events in {:.3} ms = {:.0} events/s",
        run.steps.len(),
        dt * 1e3,
        run.steps.len() as f64 / dt
    );
    if detail == Detail::Lean && rate < 1_000_000.0 {
        println!("BUDGET MISSED: below 1,000,000 events/s");
    }
}
