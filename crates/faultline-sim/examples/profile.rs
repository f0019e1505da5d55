//! The throughput bench's workload for a fixed number of seeds, for a
//! profiler (the bench itself runs for a time, so its instruction counts
//! vary): `cargo build --profile bench --example profile`, then e.g.
//! `valgrind --tool=callgrind target/release/examples/profile full 200`.
use faultline_sim::scenario::ConfigValue;
use faultline_sim::{simulate_with, Detail};

fn main() {
    let mut args = std::env::args().skip(1);
    let detail = match args.next().as_deref() {
        Some("lean") => Detail::Lean,
        _ => Detail::Full,
    };
    let seeds: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let mut s = faultline_sim::preset("payments", "retry-storm-jitter").expect("preset");
    s.random.drop_permille = 50;
    s = s.with("clients", ConfigValue::Int(12));
    let mut events = 0;
    for seed in 0..seeds {
        s.seed = seed;
        events += simulate_with(&s, detail).expect("valid").steps.len();
    }
    println!("{detail:?}: {seeds} runs, {events} events");
}
