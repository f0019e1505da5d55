//! Every answer the OAuth lab gives is one its table pins
//! (`labs/oauth/cases.rs` ANSWERS: server, the request answered, the
//! server's transition, status, error code), checked at every answer of
//! the presets, the invariant cases, every lab fault armed on the happy
//! path (public and confidential), and random configurations across the
//! schema with palette faults; and every row is reached, so a path that
//! only random runs reach cannot drift.

use faultline_sim::labs::oauth::cases::{invariant_cases, ANSWERS};
use faultline_sim::message::MsgClass;
use faultline_sim::scenario::{ConfigValue, Scenario};
use faultline_sim::{lab, simulate, Run};

mod common;

/// The runs checked: presets, invariant cases, each lab fault armed at the
/// start of the happy path (on every actor, public and confidential), and
/// `random` random ones.
fn runs(random: u64) -> Vec<(String, Scenario)> {
    let info = lab("oauth").expect("lab");
    let mut out = common::presets_and_cases("oauth", invariant_cases());
    let happy = faultline_sim::preset("oauth", "happy-path").expect("happy path");
    for f in &info.lab_faults {
        for actor in [
            "planner",
            "auth-server",
            "attacker",
            "browser",
            "calendar-api",
        ] {
            for client in ["public", "confidential"] {
                let s = happy
                    .clone()
                    .with("client_type", ConfigValue::Choice(client.into()))
                    .fault(faultline_sim::fault::Fault::lab(0, actor, f.name));
                out.push((format!("{} on {actor} ({client})", f.name), s));
            }
        }
    }
    out.extend((0..random).map(|seed| {
        (
            format!("random {seed}"),
            common::schema_wide("oauth", seed, 4_000, 700),
        )
    }));
    out.retain(|(_, s)| faultline_sim::registry::validate(s).is_ok());
    out
}

/// Every answer of `run`: (server, request answered, the server's last
/// transition at that step, status, error code). A response answers the
/// oldest unanswered request its receiver sent to its sender.
fn answers(run: &Run) -> Vec<(String, String, String, u16, Option<String>)> {
    let mut open: Vec<(u16, u16, String)> = Vec::new();
    let mut out = Vec::new();
    for f in &run.flights {
        let m = f.message.get();
        if f.class == MsgClass::Request {
            let request: String = m.line.split(' ').take(2).collect::<Vec<_>>().join(" ");
            let request = request.split('?').next().unwrap_or_default().to_string();
            open.push((f.from, f.to, request));
            continue;
        }
        if f.class != MsgClass::Response {
            continue;
        }
        let Some(i) = open.iter().position(|(a, b, _)| *a == f.to && *b == f.from) else {
            continue;
        };
        let (_, _, request) = open.remove(i);
        let Some(status) = m
            .line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|l| l.get(..3))
            .and_then(|s| s.parse::<u16>().ok())
        else {
            continue;
        };
        let error = m
            .body
            .fields()
            .iter()
            .find(|(k, _)| k == "error")
            .map(|(_, v)| v.clone())
            .or_else(|| {
                m.location_query()
                    .into_iter()
                    .find(|(k, _)| k == "error")
                    .map(|(_, v)| v)
            })
            .or_else(|| {
                let h = m.header_value("WWW-Authenticate")?;
                Some(h.split("error=\"").nth(1)?.split('"').next()?.to_string())
            });
        let step = &run.steps[f.send_step as usize];
        let when = run
            .transitions(step)
            .iter()
            .filter(|t| t.actor == f.from)
            .map(|t| t.transition.event)
            .next_back()
            .unwrap_or("");
        out.push((
            run.actors[f.from as usize].name.clone(),
            request,
            when.to_string(),
            status,
            error,
        ));
    }
    out
}

#[test]
fn every_answer_the_lab_gives_is_pinned_and_every_pinned_answer_is_given() {
    let runs = runs(1_500);
    assert!(runs.len() > 1_000, "{} runs", runs.len());
    let table: Vec<_> = ANSWERS
        .iter()
        .map(|&(server, request, when, status, error)| {
            (
                server.to_string(),
                request.to_string(),
                when.to_string(),
                status,
                error.map(str::to_string),
            )
        })
        .collect();
    let observed = runs.into_iter().flat_map(|(name, s)| {
        let run = simulate(&s).unwrap();
        answers(&run).into_iter().map(move |a| (name.clone(), a))
    });
    common::assert_pinned_and_reached(&table, observed);
}
