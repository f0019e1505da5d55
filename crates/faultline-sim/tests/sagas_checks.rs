//! Every message outcome the Sagas lab gives is one its table pins
//! (`labs/sagas/cases.rs` OUTCOMES): what each service publishes (the
//! events and commands of each step), how each delivery is answered at
//! its step (acknowledged, or not, to be delivered again), and each 2PC
//! message's reply; checked over the presets, the invariant cases and
//! random configurations with palette faults, and every row is reached.

use faultline_sim::lab::FieldKind;
use faultline_sim::labs::sagas::cases::{invariant_cases, OUTCOMES};
use faultline_sim::scenario::{ConfigValue, Scenario};
use faultline_sim::trace::Fate;
use faultline_sim::{lab, simulate, Run};

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A configuration drawn across the whole schema, with three palette
/// entries at drawn times.
fn random_scenario(seed: u64) -> Scenario {
    let info = lab("sagas").expect("lab");
    let mut r = Rng(seed);
    let mut s = faultline_sim::registry::new_scenario("sagas", r.next());
    for field in &info.config {
        let x = r.next();
        let value = match field.kind {
            FieldKind::Toggle { .. } => ConfigValue::Bool(x % 2 == 0),
            FieldKind::Number { min, max, step, .. } => {
                let steps = ((max - min) / step.max(1)) as u64 + 1;
                ConfigValue::Int(min + (x % steps) as i64 * step.max(1))
            }
            FieldKind::Choice { options, .. } => {
                ConfigValue::Choice(options[(x as usize) % options.len()].0.to_string())
            }
        };
        s.config.insert(field.key.to_string(), value);
    }
    for k in 0..3 {
        let entry = &info.palette[(r.next() as usize) % info.palette.len()];
        s.faults.extend((entry.build)(r.next() % 3_000 + k * 500));
    }
    s.faults.truncate(faultline_sim::scenario::MAX_FAULTS);
    s
}

fn runs(random: u64) -> Vec<(String, Scenario)> {
    let info = lab("sagas").expect("lab");
    let mut out: Vec<(String, Scenario)> = info
        .presets
        .iter()
        .map(|p| (p.id.to_string(), (p.scenario)()))
        .collect();
    out.extend(
        invariant_cases()
            .into_iter()
            .map(|c| (format!("case of {}", c.invariant), (c.scenario)())),
    );
    // A two-phase commit whose card is declined: payment votes NO.
    let declined = faultline_sim::preset("sagas", "2pc-happy")
        .expect("2pc-happy")
        .fault(faultline_sim::fault::Fault::lab(
            0,
            "payment",
            "decline-next",
        ));
    out.push(("2pc-happy, card declined".into(), declined));
    out.extend((0..random).map(|seed| (format!("random {seed}"), random_scenario(seed))));
    out.retain(|(_, s)| faultline_sim::registry::validate(s).is_ok());
    out
}

/// "m12: o1 T2 reserve stock" without its message id and order: "T2 reserve stock".
fn what(label: &str) -> String {
    let rest = label.split_once(": ").map_or(label, |(_, r)| r);
    rest.split_once(' ').map_or(rest, |(_, r)| r).to_string()
}

/// Every outcome of `run`: (actor, what it handled or "publishes", reply).
fn outcomes(run: &Run) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let name = |a: u16| run.actors[a as usize].name.clone();
    for f in &run.flights {
        let label = f.label();
        if let Some(rest) = label.strip_prefix("publish ") {
            out.push((name(f.from), "publishes".into(), what(rest)));
        }
    }
    for step in &run.steps {
        let Some(fid) = step.flight else { continue };
        let handled = &run.flights[fid as usize];
        let label = handled.label();
        let handled_what = if label.starts_with('m') && label.contains(": ") {
            what(&label)
        } else if let Some(rest) = label.strip_prefix("PREPARE") {
            let _ = rest;
            "PREPARE".into()
        } else if label.starts_with("COMMIT") || label.starts_with("ABORT") {
            label.split(' ').next().unwrap_or_default().to_string()
        } else {
            continue;
        };
        let me = handled.to;
        // Lost on the way or reaching a crashed actor: nothing handled it.
        if name(me) == "broker" || matches!(handled.fate, Fate::Dropped | Fate::ReceiverDown) {
            continue;
        }
        // Its answers at that step (an acknowledgement, a vote), each kind
        // once; what it publishes is counted apart.
        let mut replies: Vec<String> = run
            .flights
            .iter()
            .filter(|r| r.send_step == step.index && r.from == me && r.to == handled.from)
            .map(|r| r.label().split(' ').next().unwrap_or_default().to_string())
            .filter(|w| w != "publish")
            .collect();
        replies.sort();
        replies.dedup();
        let reply = if replies.is_empty() {
            "no reply".to_string()
        } else {
            replies.join("+")
        };
        out.push((name(me), handled_what, reply));
    }
    out
}

#[test]
fn every_outcome_the_lab_gives_is_pinned_and_every_pinned_outcome_is_given() {
    let mut reached = vec![false; OUTCOMES.len()];
    let mut wrong = std::collections::BTreeSet::new();
    let runs = runs(800);
    assert!(runs.len() > 500, "{} runs", runs.len());
    for (name, s) in runs {
        let run = simulate(&s).unwrap();
        for (actor, handled, reply) in outcomes(&run) {
            match OUTCOMES
                .iter()
                .position(|r| (r.0, r.1, r.2) == (actor.as_str(), handled.as_str(), reply.as_str()))
            {
                Some(i) => reached[i] = true,
                None => {
                    wrong.insert(format!(
                        "(\"{actor}\", \"{handled}\", \"{reply}\"), // {name}"
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "outcomes the table does not pin:\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
    let missed: Vec<_> = OUTCOMES
        .iter()
        .zip(&reached)
        .filter(|(_, r)| !**r)
        .map(|(row, _)| row)
        .collect();
    assert!(missed.is_empty(), "never given: {missed:?}");
}
