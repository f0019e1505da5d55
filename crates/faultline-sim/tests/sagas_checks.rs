//! Every message outcome the Sagas lab gives is one its table pins
//! (`labs/sagas/cases.rs` OUTCOMES): what each service publishes (the
//! events and commands of each step), how each delivery is answered at
//! its step (acknowledged, or not, to be delivered again), and each 2PC
//! message's reply; checked over the presets, the invariant cases and
//! random configurations with palette faults, and every row is reached.

use faultline_sim::labs::sagas::cases::{invariant_cases, CLAIMS_OF_ACTION, OUTCOMES};
use faultline_sim::scenario::Scenario;
use faultline_sim::trace::Fate;
use faultline_sim::{simulate, Run};

mod common;

fn runs(random: u64) -> Vec<(String, Scenario)> {
    let mut out = common::presets_and_cases("sagas", invariant_cases());
    // A two-phase commit whose card is declined: payment votes NO.
    let declined = faultline_sim::preset("sagas", "2pc-happy")
        .expect("2pc-happy")
        .fault(faultline_sim::fault::Fault::lab(
            0,
            "payment",
            "decline-next",
        ));
    out.push(("2pc-happy, card declined".into(), declined));
    out.extend((0..random).map(|seed| {
        (
            format!("random {seed}"),
            common::schema_wide("sagas", seed, 3_000, 500),
        )
    }));
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
    let runs = runs(800);
    assert!(runs.len() > 500, "{} runs", runs.len());
    let table: Vec<_> = OUTCOMES
        .iter()
        .map(|&(actor, handled, reply)| (actor.to_string(), handled.to_string(), reply.to_string()))
        .collect();
    let observed = runs.into_iter().flat_map(|(name, s)| {
        let run = simulate(&s).unwrap();
        outcomes(&run).into_iter().map(move |o| (name.clone(), o))
    });
    common::assert_pinned_and_reached(&table, observed);
}

#[test]
fn narration_never_says_a_mechanism_acted_that_the_settings_turn_off() {
    common::assert_no_claims_of_action("sagas", runs(2_000), CLAIMS_OF_ACTION);
}

/// Each claim is one the lab makes when its setting is on: a phrase no
/// run ever says would make the check above pass for nothing.
#[test]
fn every_claim_of_action_is_said_by_some_run_with_its_setting_on() {
    let all: Vec<String> = runs(2_000)
        .into_iter()
        .flat_map(|(_, s)| {
            let run = simulate(&s).unwrap();
            run.steps
                .iter()
                .flat_map(|st| {
                    run.narration(st)
                        .iter()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (key, _, phrases) in CLAIMS_OF_ACTION {
        for p in *phrases {
            assert!(
                all.iter().any(|l| l.contains(p)),
                "{key}: nobody says \"{p}\""
            );
        }
    }
}
