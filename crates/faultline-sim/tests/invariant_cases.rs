//! Every invariant can fail, and is seen failing: for every shipped lab,
//! each invariant has at least one run that breaks it and one that checks
//! it and keeps it (`labs/<lab>/cases.rs`), and every such run does what
//! its case says. A check that no configuration can break checks nothing.

use faultline_sim::lab::InvariantCase;
use faultline_sim::registry::TEST_ONLY;
use faultline_sim::{labs, simulate};

/// Invariants that have no breaking case yet (issue 18 is removing them
/// one by one). An entry that gains a breaking case must leave this list.
const NO_BREAKING_CASE_YET: &[(&str, &str)] = &[];

fn cases(lab: &str) -> Vec<InvariantCase> {
    match lab {
        "payments" => faultline_sim::labs::payments::cases::invariant_cases(),
        "oauth" => faultline_sim::labs::oauth::cases::invariant_cases(),
        "sagas" => faultline_sim::labs::sagas::cases::invariant_cases(),
        other => panic!("lab {other} has no invariant cases: add labs/{other}/cases.rs"),
    }
}

#[test]
fn every_case_breaks_or_keeps_its_invariant() {
    let mut wrong = Vec::new();
    for info in labs().iter().filter(|l| !TEST_ONLY.contains(&l.id)) {
        for case in cases(info.id) {
            let inv = info
                .invariants
                .iter()
                .find(|i| i.id == case.invariant)
                .unwrap_or_else(|| panic!("{}: no invariant {}", info.id, case.invariant));
            let scenario = (case.scenario)();
            let run = simulate(&scenario).expect("a case's scenario is valid");
            let broken = run.violations.iter().any(|v| v.invariant == case.invariant);
            let skipped = (inv.not_checked)(info, &scenario.config);
            let ok = if case.breaks {
                broken
            } else {
                !broken && skipped.is_none()
            };
            println!(
                "{} {}: {} ({}) {}",
                info.id,
                case.invariant,
                case.name,
                if case.breaks { "breaks" } else { "holds" },
                if ok { "ok" } else { "WRONG" }
            );
            if !ok {
                wrong.push(format!(
                    "{} {} \"{}\": expected it to {}, but it {}",
                    info.id,
                    case.invariant,
                    case.name,
                    if case.breaks {
                        "break"
                    } else {
                        "be checked and hold"
                    },
                    match (broken, skipped) {
                        (true, _) => "broke".to_string(),
                        (false, Some(why)) => format!("was skipped ({why})"),
                        (false, None) => "held".to_string(),
                    }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_invariant_has_a_case_that_breaks_it_and_one_that_keeps_it() {
    let mut missing = Vec::new();
    let mut stale = Vec::new();
    for info in labs().iter().filter(|l| !TEST_ONLY.contains(&l.id)) {
        let cases = cases(info.id);
        for inv in &info.invariants {
            let has = |breaks: bool| {
                cases
                    .iter()
                    .any(|c| c.invariant == inv.id && c.breaks == breaks)
            };
            let gap = NO_BREAKING_CASE_YET.contains(&(info.id, inv.id));
            match (has(true), gap) {
                (false, false) => {
                    missing.push(format!("{} {}: no case breaks it", info.id, inv.id))
                }
                (true, true) => stale.push(format!("{} {}", info.id, inv.id)),
                _ => {}
            }
            if !has(false) {
                missing.push(format!("{} {}: no case keeps it", info.id, inv.id));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(
        stale.is_empty(),
        "these now have a breaking case: take them out of NO_BREAKING_CASE_YET: {stale:?}"
    );
}

/// ARCHITECTURE.md's table of which case breaks which invariant is the
/// data above, written out: it fails when stale. To rewrite it:
/// `FAULTLINE_BLESS=1 cargo test -p faultline-sim --test invariant_cases`.
#[test]
fn architecture_md_lists_every_case() {
    const START: &str = "<!-- invariant-cases:start -->";
    const END: &str = "<!-- invariant-cases:end -->";
    let mut table = String::from("| lab | invariant | broken by | kept by |\n|---|---|---|---|\n");
    for info in labs().iter().filter(|l| !TEST_ONLY.contains(&l.id)) {
        let cases = cases(info.id);
        for inv in &info.invariants {
            let names = |breaks: bool| {
                let v: Vec<&str> = cases
                    .iter()
                    .filter(|c| c.invariant == inv.id && c.breaks == breaks)
                    .map(|c| c.name)
                    .collect();
                if v.is_empty() {
                    "(none yet)".to_string()
                } else {
                    v.join("; ")
                }
            };
            table.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                info.id,
                inv.id,
                names(true),
                names(false)
            ));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ARCHITECTURE.md");
    let doc = std::fs::read_to_string(path).expect("ARCHITECTURE.md");
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("ARCHITECTURE.md has no {START} … {END} section");
    };
    let now = &doc[a + START.len()..b];
    let want = format!("\n{table}");
    if now != want {
        if std::env::var("FAULTLINE_BLESS").is_ok() {
            let new = format!("{}{START}{want}{}", &doc[..a], &doc[b..]);
            std::fs::write(path, new).expect("write ARCHITECTURE.md");
        } else {
            panic!("ARCHITECTURE.md's invariant table is stale: run FAULTLINE_BLESS=1 cargo test -p faultline-sim --test invariant_cases");
        }
    }
}
