//! Structure-aware fuzzing of links: start from every preset's valid link,
//! mutate its scenario the ways a hand-edited or damaged link can be wrong
//! (values out of range, wrong types, unknown actors and faults, huge
//! numbers, deep nesting, missing or extra fields, truncation), then send
//! it through `permalink::open`, validation and the simulation. Nothing may
//! panic or hang; every refusal says why.
//!
//! CI runs 10,000 cases from a fixed seed. On demand:
//!   FAULTLINE_FUZZ_CASES=1000000 FAULTLINE_FUZZ_SEED=7 cargo test -p faultline-sim \
//!     --release --test fuzz_links -- --nocapture
//! (it prints the seed, the count and the time taken).

use base64::Engine as _;
use faultline_sim::permalink::{encode, open};
use faultline_sim::rng::SimRng;
use faultline_sim::{labs, simulate_with, Detail};
use serde_json::{json, Value};

fn env(k: &str) -> Option<u64> {
    std::env::var(k).ok().and_then(|v| v.trim().parse().ok())
}

/// A strange value of a random kind.
fn odd_value(r: &mut SimRng) -> Value {
    match r.below(14) {
        // Just at, and just past, each limit link validation enforces.
        12 | 13 => {
            const EDGES: [u64; 12] = [
                100_000, 100_001, 3_600_000, 3_600_001, 60_000, 60_001, 1_000, 1_001, 64, 65, 128,
                129,
            ];
            json!(EDGES[r.below(EDGES.len() as u64) as usize])
        }
        0 => json!(u64::MAX),
        1 => json!(-1),
        2 => json!(0),
        3 => json!(1_000_000_000_000u64),
        4 => json!("mainframe"),
        5 => json!(true),
        6 => json!(null),
        7 => json!([1, 2, 3]),
        8 => json!({"crash": {"at_ms": 5, "actor": "nobody"}}),
        9 => json!(1.5),
        10 => {
            // Deep nesting.
            let mut v = json!(0);
            for _ in 0..(40 + r.below(200)) {
                v = json!([v]);
            }
            v
        }
        _ => json!("x".repeat(r.below(300) as usize)),
    }
}

/// Paths to every node of a JSON tree.
fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                here.push(json!(k));
                paths(c, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                here.push(json!(i));
                paths(c, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut cur = v;
    for p in path {
        cur = match p {
            Value::String(k) => cur.get_mut(k.as_str())?,
            Value::Number(i) => cur.get_mut(i.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// One mutation of a scenario's JSON.
fn mutate(v: &mut Value, r: &mut SimRng) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    let path = all[r.below(all.len() as u64) as usize].clone();
    let kind = r.below(6);
    let value = odd_value(r);
    let Some(target) = node(v, &path) else { return };
    match kind {
        // Replace a value.
        0..=2 => *target = value,
        // Add an unknown field or element.
        3 => match target {
            Value::Object(m) => {
                m.insert("surprise".into(), value);
            }
            Value::Array(a) => a.push(value),
            _ => *target = value,
        },
        // Remove a field or element.
        4 => match target {
            Value::Object(m) if !m.is_empty() => {
                let k = m.keys().nth(r.below(m.len() as u64) as usize).cloned();
                if let Some(k) = k {
                    m.remove(&k);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(r.below(a.len() as u64) as usize);
            }
            _ => {}
        },
        // Many copies of a fault.
        _ => {
            if let Some(Value::Array(faults)) = v.get_mut("faults") {
                if let Some(f) = faults.first().cloned() {
                    for _ in 0..r.below(80) {
                        faults.push(f.clone());
                    }
                }
            }
        }
    }
}

fn link_of(v: &Value, step: u64) -> String {
    let text = serde_json::to_string(v).unwrap();
    format!(
        "v1.{}.{step}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    )
}

/// The limits `scenario::validate` promises, restated independently.
fn within_limits(s: &faultline_sim::Scenario) -> Result<(), String> {
    use faultline_sim::fault::Fault;
    let b = s.bounds;
    if b.max_events == 0 || b.max_events > 100_000 {
        return Err(format!("max_events {}", b.max_events));
    }
    if b.max_time_ms == 0 || b.max_time_ms > 3_600_000 {
        return Err(format!("max_time_ms {}", b.max_time_ms));
    }
    if s.latency.min_ms > s.latency.max_ms || s.latency.max_ms > 60_000 {
        return Err(format!("latency {:?}", s.latency));
    }
    if s.faults.len() > 64 {
        return Err(format!("{} faults", s.faults.len()));
    }
    let r = &s.random;
    if r.drop_permille > 1000
        || r.duplicate_permille > 1000
        || r.delay_permille > 1000
        || r.delay_ms > 60_000
    {
        return Err(format!("random faults {r:?}"));
    }
    for f in &s.faults {
        match f {
            Fault::Net {
                action: faultline_sim::fault::NetAction::Delay { ms },
                ..
            } if *ms > 60_000 => return Err(format!("delay {ms}")),
            Fault::AtStep { step, .. } if *step > 100_000 => return Err(format!("at step {step}")),
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn mutated_links_never_panic_and_every_refusal_says_why() {
    let cases = env("FAULTLINE_FUZZ_CASES").unwrap_or(10_000);
    let seed = env("FAULTLINE_FUZZ_SEED").unwrap_or(0xf022);
    let mut r = SimRng::new(seed);
    let seeds: Vec<Value> = labs()
        .iter()
        .flat_map(|l| {
            l.presets
                .iter()
                .map(|p| serde_json::to_value((p.scenario)()).unwrap())
        })
        .collect();
    let started = std::time::Instant::now();
    let (mut opened, mut refused, mut ran) = (0u64, 0u64, 0u64);
    for _ in 0..cases {
        let mut v = seeds[r.below(seeds.len() as u64) as usize].clone();
        for _ in 0..(1 + r.below(3)) {
            mutate(&mut v, &mut r);
        }
        let mut link = link_of(&v, r.below(5_000));
        if r.below(10) == 0 {
            // Truncated by a chat program or a careless copy.
            let cut = r.below(link.len() as u64) as usize;
            link.truncate(cut);
        }
        match open(&link) {
            Err(e) => {
                refused += 1;
                assert!(
                    !e.to_string().trim().is_empty(),
                    "a refusal without a message: {link}"
                );
            }
            Ok(o) => {
                opened += 1;
                let s = o.scenario;
                // What opened is within every limit link validation
                // promises, checked here rather than clamped: a validator
                // that let a larger bound through would fail this.
                if let Err(why) = within_limits(&s) {
                    panic!("a link opened beyond the limits ({why}): {link}");
                }
                if simulate_with(&s, Detail::Lean).is_ok() {
                    ran += 1;
                }
                // What the page does next: re-encode for the address bar.
                assert!(
                    open(&encode(&s, o.step)).is_ok(),
                    "a link the page writes opens"
                );
            }
        }
    }
    println!(
        "fuzz: {cases} mutated links (seed {seed:#x}): {opened} opened ({ran} simulated), {refused} refused with a message, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        opened > 0 && refused > 0,
        "the mutations reach both outcomes"
    );
}
