//! What the checks over many runs share (`payments_checks.rs`,
//! `oauth_checks.rs`, `sagas_checks.rs`): a small seeded generator, a
//! configuration drawn across a lab's whole schema with palette faults,
//! and the check that a table pins every observed row and every row is
//! observed.

#![allow(dead_code)] // each test file uses its part

use faultline_sim::lab::{FieldKind, InvariantCase};
use faultline_sim::scenario::{ConfigValue, Scenario};

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
    pub fn flag(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

/// A configuration of `lab` drawn across its whole schema (every toggle,
/// number and choice), with three palette entries: the k-th at a drawn
/// time under `within_ms`, plus `k * apart_ms`.
pub fn schema_wide(lab: &str, seed: u64, within_ms: u64, apart_ms: u64) -> Scenario {
    let info = faultline_sim::lab(lab).expect("lab");
    let mut r = Rng(seed);
    let mut s = faultline_sim::registry::new_scenario(lab, r.next());
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
        s.faults
            .extend((entry.build)(r.next() % within_ms + k * apart_ms));
    }
    s.faults.truncate(faultline_sim::scenario::MAX_FAULTS);
    s
}

/// Every preset of `lab` and every invariant case, each with its name.
pub fn presets_and_cases(lab: &str, cases: Vec<InvariantCase>) -> Vec<(String, Scenario)> {
    let info = faultline_sim::lab(lab).expect("lab");
    let presets = info
        .presets
        .iter()
        .map(|p| (p.id.to_string(), (p.scenario)()));
    let cases = cases
        .into_iter()
        .map(|c| (format!("case of {}", c.invariant), (c.scenario)()));
    presets.chain(cases).collect()
}

/// Every observed row (with where it was seen) is one of `table`'s, and
/// every row of `table` is observed: panics naming what is not.
pub fn assert_pinned_and_reached<R: PartialEq + std::fmt::Debug>(
    table: &[R],
    observed: impl IntoIterator<Item = (String, R)>,
) {
    let mut reached = vec![false; table.len()];
    let mut wrong = std::collections::BTreeSet::new();
    for (seen_in, row) in observed {
        match table.iter().position(|r| *r == row) {
            Some(i) => reached[i] = true,
            None => {
                wrong.insert(format!("{row:?} (in {seen_in})"));
            }
        }
    }
    let wrong: Vec<_> = wrong.into_iter().take(20).collect();
    assert!(
        wrong.is_empty(),
        "rows the table does not pin:\n{}",
        wrong.join("\n")
    );
    let missed: Vec<_> = table
        .iter()
        .zip(&reached)
        .filter(|(_, r)| !**r)
        .map(|(row, _)| row)
        .collect();
    assert!(missed.is_empty(), "never reached: {missed:?}");
}

/// Narration that says a mechanism acted, by the setting that turns it
/// off: (setting, its value when off, phrases), kept beside each lab.
pub type Claims = [(&'static str, bool, &'static [&'static str])];

/// No narration line of `runs` says a mechanism acted that its settings
/// turn off (`claims`); and enough lines were read to mean something.
pub fn assert_no_claims_of_action(
    lab: &str,
    runs: impl IntoIterator<Item = (String, Scenario)>,
    claims: &Claims,
) {
    let info = faultline_sim::lab(lab).expect("lab");
    let mut wrong = Vec::new();
    let mut judged = 0;
    for (name, s) in runs {
        let off: Vec<&[&str]> = claims
            .iter()
            .filter(|(key, when_off, _)| info.flag(&s.config, key) == *when_off)
            .map(|c| c.2)
            .collect();
        let run = faultline_sim::simulate(&s).unwrap();
        for step in &run.steps {
            for line in run.narration(step).iter() {
                judged += 1;
                let said = off
                    .iter()
                    .flat_map(|p| p.iter())
                    .find(|p| line.contains(**p));
                if let (Some(p), true) = (said, wrong.len() < 10) {
                    wrong.push(format!("{name}, step {}: \"{p}\" in: {line}", step.index));
                }
            }
        }
    }
    assert!(judged > 10_000, "only {judged} lines");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
