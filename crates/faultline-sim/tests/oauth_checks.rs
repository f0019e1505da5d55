//! Every answer the OAuth lab gives is one its table pins
//! (`labs/oauth/cases.rs` ANSWERS: server, the request answered, the
//! server's transition, status, error code), checked at every answer of
//! the presets, the invariant cases, every lab fault armed on the happy
//! path (public and confidential), and random configurations across the
//! schema with palette faults; and every row is reached, so a path that
//! only random runs reach cannot drift.

use faultline_sim::lab::FieldKind;
use faultline_sim::labs::oauth::cases::{invariant_cases, ANSWERS};
use faultline_sim::message::MsgClass;
use faultline_sim::scenario::{ConfigValue, Scenario};
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
    let info = lab("oauth").expect("lab");
    let mut r = Rng(seed);
    let mut s = faultline_sim::registry::new_scenario("oauth", r.next());
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
        s.faults.extend((entry.build)(r.next() % 4_000 + k * 700));
    }
    s.faults.truncate(faultline_sim::scenario::MAX_FAULTS);
    s
}

/// The runs checked: presets, invariant cases, each lab fault armed at the
/// start of the happy path (on every actor, public and confidential), and
/// `random` random ones.
fn runs(random: u64) -> Vec<(String, Scenario)> {
    let info = lab("oauth").expect("lab");
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
    out.extend((0..random).map(|seed| (format!("random {seed}"), random_scenario(seed))));
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
    let mut reached = vec![false; ANSWERS.len()];
    let mut wrong = Vec::new();
    let runs = runs(1_500);
    assert!(runs.len() > 1_000, "{} runs", runs.len());
    for (name, s) in runs {
        let run = simulate(&s).unwrap();
        for (server, request, when, status, error) in answers(&run) {
            let row = ANSWERS.iter().position(|r| {
                (r.0, r.1, r.2, r.3, r.4)
                    == (
                        server.as_str(),
                        request.as_str(),
                        when.as_str(),
                        status,
                        error.as_deref(),
                    )
            });
            match row {
                Some(i) => reached[i] = true,
                None if wrong.len() < 10 => wrong.push(format!(
                    "{name}: {server} answered {request} ({when:?}) with {status} {error:?}, which the table does not pin"
                )),
                None => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let missed: Vec<_> = ANSWERS
        .iter()
        .zip(&reached)
        .filter(|(_, r)| !**r)
        .map(|(row, _)| row)
        .collect();
    assert!(missed.is_empty(), "never given: {missed:?}");
}
