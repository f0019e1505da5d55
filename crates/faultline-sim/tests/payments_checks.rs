//! Checks over random Payments configurations and fault plans (issue 18,
//! "Checks"): every status the lab answers is one its table pins
//! (`labs/payments/cases.rs` STATUSES), checked at every answer of every
//! run, and every row of the table is reached; no narration line says a
//! mechanism acted that the configuration turns off (CLAIMS_OF_ACTION).

use faultline_sim::fault::{Fault, RandomFaults};
use faultline_sim::labs::payments::cases::{CLAIMS_OF_ACTION, STATUSES};
use faultline_sim::message::MsgClass;
use faultline_sim::scenario::{ConfigValue, Scenario};
use faultline_sim::{lab, simulate, Run};

mod common;
use common::Rng;

/// A random configuration (values chosen where the mechanisms interact)
/// and fault plan.
fn random_scenario(seed: u64) -> Scenario {
    let mut r = Rng(seed);
    let mut s = faultline_sim::registry::new_scenario("payments", r.next());
    let numbers: &[(&str, &[i64])] = &[
        ("clients", &[1, 1, 2, 3]),
        ("timeout_ms", &[300, 1_000, 4_000]),
        ("max_attempts", &[1, 2, 4, 6]),
        ("backoff_base_ms", &[50, 200, 1_000]),
        ("backoff_cap_ms", &[500, 2_000]),
        ("key_ttl_ms", &[500, 800, 3_000, 86_400_000]),
        ("in_flight_lock_ms", &[200, 500, 1_000, 3_000]),
        ("processor_ms", &[20, 300, 1_500, 3_000]),
        ("processor_key_ttl_ms", &[500, 2_000, 604_800_000]),
        ("downstream_timeout_ms", &[100, 1_000, 2_000]),
        ("api_capacity", &[1, 2, 8]),
    ];
    for (k, values) in numbers {
        s = s.with(k, ConfigValue::Int(r.pick(values)));
    }
    for k in [
        "send_key",
        "require_key",
        "atomic",
        "jitter",
        "pass_key",
        "rerun_lapsed",
    ] {
        s = s.with(k, ConfigValue::Bool(r.flag()));
    }
    let info = lab("payments").unwrap();
    for _ in 0..r.next() % 5 {
        let entry = &info.palette[(r.next() % info.palette.len() as u64) as usize];
        s.faults.extend((entry.build)(r.next() % 5_000));
    }
    if r.next() % 4 == 0 {
        s.faults
            .push(Fault::lab(r.next() % 3_000, "client-1", "new-key"));
    }
    if r.flag() {
        s.random = RandomFaults {
            drop_permille: (r.next() % 150) as u16,
            duplicate_permille: (r.next() % 100) as u16,
            delay_permille: (r.next() % 100) as u16,
            delay_ms: r.next() % 3_000,
        };
    }
    s
}

/// The runs the checks look at: every preset, every invariant case, and
/// random configurations.
fn runs(random: u64) -> impl Iterator<Item = (String, Scenario)> {
    let info = lab("payments").unwrap();
    let presets: Vec<(String, Scenario)> = info
        .presets
        .iter()
        .map(|p| (format!("preset {}", p.id), (p.scenario)()))
        .collect();
    let cases: Vec<(String, Scenario)> = faultline_sim::labs::payments::cases::invariant_cases()
        .into_iter()
        .map(|c| (format!("case {}", c.name), (c.scenario)()))
        .collect();
    presets
        .into_iter()
        .chain(cases)
        .chain((0..random).map(|seed| (format!("random {seed}"), random_scenario(seed))))
}

/// Every answer of `run` as (endpoint, condition, status, error code).
fn answers(run: &Run) -> Vec<(&'static str, String, u16, Option<String>)> {
    let actor = |name: &str| run.actors.iter().position(|a| a.name == name).unwrap() as u16;
    let (api, processor) = (actor("payment-api"), actor("card-processor"));
    let mut out = Vec::new();
    for f in run.flights.iter().filter(|f| f.class == MsgClass::Response) {
        let m = f.message.get();
        let Some(status) = m
            .line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|l| l.get(..3))
            .and_then(|s| s.parse::<u16>().ok())
        else {
            continue;
        };
        let field = |name: &str| {
            m.body
                .fields()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        if f.from == api {
            let step = &run.steps[f.send_step as usize];
            let events: Vec<&str> = run
                .transitions(step)
                .iter()
                .filter(|t| t.actor == api)
                .map(|t| t.transition.event)
                .collect();
            let condition = events
                .iter()
                .rev()
                .find(|e| STATUSES.iter().any(|row| row.1 == **e))
                .map_or_else(
                    || format!("no known condition ({events:?})"),
                    |e| e.to_string(),
                );
            out.push(("POST /v1/charges", condition, status, field("error")));
        } else if f.from == processor {
            let label = f.label();
            let (endpoint, condition, code) = if label.ends_with("voided") {
                ("POST /authorizations/…/void", "voided", None)
            } else if label.starts_with("approved") {
                ("POST /authorize", "approved", None)
            } else if label == "declined" {
                ("POST /authorize", "declined", field("decline_code"))
            } else if label.starts_with("422 key reused") {
                ("POST /authorize", "key reused", field("error"))
            } else {
                ("POST /authorize", "unknown", None)
            };
            out.push((endpoint, condition.to_string(), status, code));
        }
    }
    out
}

#[test]
fn every_status_the_lab_answers_is_pinned_and_every_pinned_status_is_reached() {
    let table: Vec<_> = STATUSES
        .iter()
        .map(|&(endpoint, condition, status, code)| {
            (
                endpoint,
                condition.to_string(),
                status,
                code.map(str::to_string),
            )
        })
        .collect();
    let observed = runs(4_000).flat_map(|(name, s)| {
        let run = simulate(&s).unwrap();
        answers(&run).into_iter().map(move |a| (name.clone(), a))
    });
    common::assert_pinned_and_reached(&table, observed);
}

#[test]
fn narration_never_says_a_mechanism_acted_that_the_settings_turn_off() {
    common::assert_no_claims_of_action("payments", runs(2_000), CLAIMS_OF_ACTION);
}
