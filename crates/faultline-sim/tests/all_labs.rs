//! Property tests over every registered lab (the test-only lab included):
//! configs drawn across each lab's schema, crashes and restarts of every
//! actor, crash-on-send, partitions, per-link rules, faults at a step,
//! palette faults and random network trouble. Every run must be valid,
//! deterministic, agree between lean and full detail, and never fire an
//! event its own state machine's table does not allow; together the cases
//! must take every transition of every lab's tables at least once.
//!
//! CI runs a fixed seed. On demand, with another seed and more cases:
//!   FAULTLINE_CASES=1000000 FAULTLINE_SEED=12345 cargo test -p faultline-sim \
//!     --release --test all_labs -- --nocapture no_run_fires
//! (each run prints the seed and case count it used).

use faultline_sim::fault::{Fault, LinkRule, MsgMatch, NetAction, RandomFaults};
use faultline_sim::lab::{FieldKind, LabInfo};
use faultline_sim::scenario::{ConfigValue, Latency, Scenario};
use faultline_sim::{labs, simulate, simulate_with, Detail, Run};
use proptest::prelude::*;
use proptest::test_runner::{RngSeed, TestRunner};

/// Fixed so CI runs the same cases every time.
const SEED: u64 = 0x1ab5_5ea7;

/// The seed and case count: CI's, or the ones given on demand.
fn plan(cases: u32) -> (u64, u32) {
    let env = |k: &str| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let seed = env("FAULTLINE_SEED").unwrap_or(SEED);
    let cases = env("FAULTLINE_CASES").map_or(cases, |c| c.min(u64::from(u32::MAX)) as u32);
    (seed, cases)
}

/// Raw random material a case is built from (interpreted per lab).
#[derive(Clone, Debug)]
struct Material {
    seed: u64,
    config: Vec<u64>,
    faults: Vec<(u8, u64, u64, u64)>,
    random: (u16, u16, u16, u64),
}

fn material() -> impl Strategy<Value = Material> {
    (
        any::<u64>(),
        prop::collection::vec(any::<u64>(), 16),
        prop::collection::vec((0u8..8, 0u64..6_000, any::<u64>(), any::<u64>()), 0..6),
        (0u16..120, 0u16..80, 0u16..80, 0u64..2_000),
    )
        .prop_map(|(seed, config, faults, random)| Material {
            seed,
            config,
            faults,
            random,
        })
}

/// A config drawn across the schema: every toggle, number and choice.
fn config(info: &LabInfo, m: &Material) -> Scenario {
    let mut s = faultline_sim::registry::new_scenario(info.id, m.seed);
    for (field, r) in info.config.iter().zip(m.config.iter().cycle()) {
        let value = match field.kind {
            FieldKind::Toggle { .. } => ConfigValue::Bool(r % 2 == 0),
            FieldKind::Number { min, max, step, .. } => {
                let steps = ((max - min) / step.max(1)) as u64 + 1;
                // Keep the many-client runs small: the property is per run.
                let v = min + (r % steps) as i64 * step.max(1);
                ConfigValue::Int(if field.key == "clients" { v.min(4) } else { v })
            }
            FieldKind::Choice { options, .. } => {
                ConfigValue::Choice(options[(*r as usize) % options.len()].0.to_string())
            }
        };
        s.config.insert(field.key.to_string(), value);
    }
    s
}

/// Faults of every kind, naming the lab's real actors.
fn faults(info: &LabInfo, names: &[String], m: &Material) -> Vec<Fault> {
    let pick = |r: u64| names[(r as usize) % names.len()].clone();
    m.faults
        .iter()
        .flat_map(|&(kind, t, a, b)| match kind {
            0 => vec![
                Fault::Crash {
                    at_ms: t,
                    actor: pick(a),
                },
                Fault::Restart {
                    at_ms: t + 200 + b % 2_000,
                    actor: pick(a),
                },
            ],
            1 => vec![Fault::CrashOnSend {
                on: MsgMatch::next(t, None).from(&pick(a)),
                actor: pick(a),
                // Sometimes back up a while after the crash itself.
                restart_after_ms: (b % 3 == 0).then_some(100 + b % 2_000),
            }],
            2 => {
                let (x, y) = (pick(a), pick(b));
                if x == y {
                    return Vec::new();
                }
                vec![Fault::Partition {
                    from_ms: t,
                    until_ms: t + 1 + b % 3_000,
                    side_a: vec![x],
                    side_b: vec![y],
                }]
            }
            3 => vec![Fault::Link(LinkRule {
                from: pick(a),
                to: pick(b),
                from_ms: t,
                until_ms: t + 1 + a % 4_000,
                latency: Some(Latency {
                    min_ms: 5,
                    max_ms: 5 + b % 400,
                }),
                drop_permille: (a % 400) as u16,
                duplicate_permille: (b % 300) as u16,
            })],
            4 => vec![Fault::AtStep {
                step: (a % 60) as u32,
                then: Box::new(Fault::Crash {
                    at_ms: 0,
                    actor: pick(b),
                }),
            }],
            5 => vec![Fault::Net {
                on: MsgMatch::next(t, None).to(&pick(a)).nth(1 + (b % 3) as u32),
                action: match b % 3 {
                    0 => NetAction::Drop,
                    1 => NetAction::Duplicate,
                    _ => NetAction::Delay { ms: a % 3_000 },
                },
            }],
            _ if !info.palette.is_empty() => {
                (info.palette[(a as usize) % info.palette.len()].build)(t)
            }
            _ => Vec::new(),
        })
        .take(faultline_sim::scenario::MAX_FAULTS)
        .collect()
}

fn case(info: &LabInfo, m: &Material) -> Scenario {
    let mut s = config(info, m);
    let names: Vec<String> = simulate_with(&s, Detail::Lean)
        .expect("a config drawn from the schema is valid")
        .actors
        .iter()
        .map(|a| a.name.clone())
        .collect();
    s.faults = faults(info, &names, m);
    s.random = RandomFaults {
        drop_permille: m.random.0,
        duplicate_permille: m.random.1,
        delay_permille: m.random.2,
        delay_ms: m.random.3,
    };
    s
}

fn shape(r: &Run) -> Vec<(u64, String, Option<u16>)> {
    r.steps
        .iter()
        .map(|x| (x.time, format!("{:?}", x.kind), x.actor))
        .collect()
}

fn run_cases(cases: u32, body: impl Fn(&LabInfo, &Scenario) -> Result<(), TestCaseError>) {
    let (seed, cases) = plan(cases);
    for info in labs() {
        let started = std::time::Instant::now();
        let mut runner = TestRunner::new(ProptestConfig {
            cases,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed),
            ..ProptestConfig::default()
        });
        let result = runner.run(&material(), |m| body(&info, &case(&info, &m)));
        if let Err(e) = result {
            panic!("lab {} (seed {seed:#x}, {cases} cases): {e}", info.id);
        }
        println!(
            "lab {}: {cases} cases, seed {seed:#x}, {:.1} s",
            info.id,
            started.elapsed().as_secs_f64()
        );
    }
}

#[test]
fn every_lab_is_registered_with_a_default_preset() {
    let all = labs();
    assert!(
        all.iter().any(|l| l.id == "toy"),
        "the test lab is registered in tests"
    );
    for info in &all {
        assert!(info.preset(info.default_preset).is_some(), "{}", info.id);
        for p in &info.presets {
            let run = simulate(&(p.scenario)()).expect("presets are valid");
            assert!(run.undefined_transitions.is_empty(), "{} {}", info.id, p.id);
        }
    }
}

#[test]
fn no_run_fires_a_transition_its_table_does_not_allow() {
    let bounded = std::cell::Cell::new(0u32);
    run_cases(1_500, |info, s| {
        let run = simulate_with(s, Detail::Lean).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(
            run.undefined_transitions.is_empty(),
            "{}: {:?}\n{:?}",
            info.id,
            run.undefined_transitions,
            s
        );
        if run.end != faultline_sim::trace::End::Quiet {
            bounded.set(bounded.get() + 1);
        }
        Ok(())
    });
    // Reported, not silently passed: runs a bound stopped prove less.
    println!("runs ended by a bound (events or time): {}", bounded.get());
}

/// Cases for the two coverage tests. The OAuth lab's deeper paths (a
/// stolen refresh token rotated before Planner's, a refresh that times
/// out) need one palette fault of fourteen, at the right moment, in a flow
/// the random trouble left whole, under one grant of three: 600 cases
/// reached several not at all; 5,000 reach the rarest twice (about 18 s
/// per test in a debug build). The first 600 cases are the same as
/// before, so no lab loses a case.
const COVERAGE_CASES: u32 = 5_000;

/// Transitions no random case reaches, with the preset that takes them
/// (lab, machine, event, preset). Keep it short: each is a path only one
/// scenario checks. Mallory's injected code connecting her own session
/// needs PKCE and OpenID Connect both off, a leak before the callback and
/// her winning the race to /token: about one case in 5,000.
const REACHED_BY_A_PRESET: &[(&str, &str, &str, &str)] = &[
    (
        "oauth",
        "Mallory (attacker)",
        "session_linked",
        "code-injection",
    ),
    // Mallory redeems the stolen refresh token before Planner does.
    (
        "oauth",
        "Mallory (attacker)",
        "refreshed",
        "refresh-token-stolen-first",
    ),
];

/// Together, the cases take every transition of every lab's tables (and
/// so every path the labs teach: for Payments 409 in flight, replay, 422,
/// the fencing refusal, expiry, 503, 400, a declined card...). A
/// transition no case reaches is a path the property tests do not check.
#[test]
fn the_cases_reach_every_transition_of_every_lab() {
    use std::collections::BTreeMap;
    let reached = std::cell::RefCell::new(BTreeMap::<(String, &str, &str, &str), u32>::new());
    run_cases(COVERAGE_CASES, |info, s| {
        let run = simulate(s).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut seen = reached.borrow_mut();
        for f in &run.fired {
            let m = run.actors[f.actor as usize].machine.name;
            let key = (
                info.id.to_string(),
                m,
                f.transition.from,
                f.transition.event,
            );
            *seen.entry(key).or_default() += 1;
        }
        Ok(())
    });
    let mut seen = reached.into_inner();
    // The few transitions the random cases are too unlikely to reach, each
    // taken from the one preset named for it (and counted only if it does).
    for &(lab, machine, event, preset) in REACHED_BY_A_PRESET {
        let s = faultline_sim::preset(lab, preset).expect("preset exists");
        let run = simulate(&s).unwrap();
        for f in run.fired.iter().filter(|f| f.transition.event == event) {
            let m = run.actors[f.actor as usize].machine.name;
            if m == machine {
                let key = (lab.to_string(), m, f.transition.from, event);
                *seen.entry(key).or_default() += 1;
            }
        }
    }
    let mut missing = Vec::new();
    for info in labs() {
        let mut machines: Vec<&'static faultline_sim::machine::StateMachine> = Vec::new();
        for p in &info.presets {
            for a in simulate(&(p.scenario)()).unwrap().actors {
                if !machines.iter().any(|m| m.name == a.machine.name) {
                    machines.push(a.machine);
                }
            }
        }
        for m in machines {
            for t in m.transitions {
                let n = seen
                    .get(&(info.id.to_string(), m.name, t.from, t.event))
                    .copied()
                    .unwrap_or(0);
                println!(
                    "{} / {}: {} --{}--> {}: {n} times",
                    info.id, m.name, t.from, t.event, t.to
                );
                if n == 0 {
                    missing.push(format!(
                        "{} / {}: {} --{}-->",
                        info.id, m.name, t.from, t.event
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "transitions no case reached:\n{}",
        missing.join("\n")
    );
}

/// The paths each lab teaches, by the transition that marks them.
const PATHS: &[(&str, &str, &str, &str)] = &[
    (
        "payments",
        "409 while in flight",
        "Payment API (one request)",
        "in_flight_409",
    ),
    (
        "payments",
        "replay of a stored response",
        "Payment API (one request)",
        "completed_replay",
    ),
    (
        "payments",
        "422 for a changed body",
        "Payment API (one request)",
        "mismatch_422",
    ),
    (
        "payments",
        "fencing refusal (a newer claim holds the key)",
        "Payment API (one request)",
        "refused_409",
    ),
    (
        "payments",
        "expiry of a key",
        "Idempotency key record",
        "expire",
    ),
    (
        "payments",
        "crash recovery (a dead request's key reclaimed)",
        "Idempotency key record",
        "reclaim_after_lock",
    ),
    (
        "payments",
        "504: a downstream outcome unknown",
        "Payment API (one request)",
        "timeout_504",
    ),
    (
        "payments",
        "downstream retry with the same key",
        "Payment API (one request)",
        "retry_same_key",
    ),
    (
        "payments",
        "key completed after it expired",
        "Idempotency key record",
        "complete_late",
    ),
    (
        "payments",
        "503 over capacity",
        "Payment API (one request)",
        "over_capacity_503",
    ),
    (
        "oauth",
        "access token refreshed (rotation)",
        "Planner (client app)",
        "refreshed",
    ),
    (
        "oauth",
        "refresh token reused: family revoked",
        "Authorization code",
        "refresh_reuse_revoke",
    ),
    (
        "oauth",
        "code replayed: its tokens revoked",
        "Authorization code",
        "replayed_revoke",
    ),
    (
        "oauth",
        "user revokes at /revoke",
        "Authorization code",
        "user_revoke",
    ),
    ("oauth", "code expired", "Authorization code", "expire"),
    (
        "oauth",
        "PKCE verifier refused",
        "Authorization code",
        "refuse_verifier",
    ),
    (
        "oauth",
        "401 without a token",
        "Calendar API (one request)",
        "no_token_401",
    ),
    (
        "oauth",
        "403 insufficient_scope",
        "Calendar API (one request)",
        "insufficient_scope_403",
    ),
    (
        "oauth",
        "introspection: token inactive",
        "Calendar API (one request)",
        "inactive_401",
    ),
    (
        "oauth",
        "error back from /authorize",
        "Planner (client app)",
        "authorize_error",
    ),
    (
        "oauth",
        "redirect_uri refused with an error page",
        "User's browser",
        "error_page",
    ),
    (
        "oauth",
        "token endpoint timed out",
        "Planner (client app)",
        "token_timeout",
    ),
    (
        "oauth",
        "look-alike redirect delivers a code to Mallory",
        "Mallory (attacker)",
        "catch_code",
    ),
    (
        "sagas",
        "payment fails: C2 releases the stock",
        "Saga (orchestrator)",
        "undone",
    ),
    (
        "sagas",
        "card charged, answer lost (outcome unknown)",
        "Payment",
        "time_out",
    ),
    (
        "sagas",
        "2PC: an order waits behind a prepared lock",
        "2PC participant",
        "wait",
    ),
    (
        "sagas",
        "shipping fails after the pivot",
        "Shipment",
        "fail",
    ),
    (
        "sagas",
        "2PC: a participant aborts on its own (heuristic)",
        "2PC participant",
        "heuristic_abort",
    ),
];

/// How many cases reach each path a lab teaches, and how many break each
/// invariant: a path no case reaches is not tested; an invariant no case
/// breaks is reported (it may be one the code keeps by construction).
#[test]
fn the_cases_reach_every_named_path_and_count_broken_invariants() {
    use std::collections::BTreeMap;
    let paths = std::cell::RefCell::new(BTreeMap::<&str, u32>::new());
    let broken = std::cell::RefCell::new(BTreeMap::<(String, String), u32>::new());
    run_cases(COVERAGE_CASES, |info, s| {
        let run = simulate(s).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for &(lab, name, machine, event) in PATHS.iter().filter(|p| p.0 == info.id) {
            let _ = lab;
            let reached = run.fired.iter().any(|f| {
                f.transition.event == event && run.actors[f.actor as usize].machine.name == machine
            });
            *paths.borrow_mut().entry(name).or_default() += u32::from(reached);
        }
        for v in &run.violations {
            *broken
                .borrow_mut()
                .entry((info.id.to_string(), v.invariant.to_string()))
                .or_default() += 1;
        }
        Ok(())
    });
    let paths = paths.into_inner();
    let mut missing = Vec::new();
    for &(lab, name, _, _) in PATHS {
        let n = paths.get(name).copied().unwrap_or(0);
        println!("{lab}: path \"{name}\" reached in {n} cases");
        if n == 0 {
            missing.push(name);
        }
    }
    for info in labs() {
        for inv in &info.invariants {
            let n = broken
                .borrow()
                .get(&(info.id.to_string(), inv.id.to_string()))
                .copied()
                .unwrap_or(0);
            println!("{}: invariant {} broken in {n} cases", info.id, inv.id);
        }
    }
    assert!(missing.is_empty(), "paths no case reached: {missing:?}");
}

#[test]
fn every_lab_is_deterministic_and_lean_agrees_with_full() {
    run_cases(150, |_, s| {
        let a = simulate(s).unwrap();
        let b = simulate(s).unwrap();
        prop_assert_eq!(a.to_json(), b.to_json());
        let lean = simulate_with(s, Detail::Lean).unwrap();
        prop_assert_eq!(shape(&a), shape(&lean));
        prop_assert_eq!(&a.violations, &lean.violations);
        Ok(())
    });
}

#[test]
fn a_partition_link_rule_or_step_fault_leaves_the_past_unchanged() {
    run_cases(200, |_, s| {
        let mut base = s.clone();
        base.faults.clear();
        let before = simulate(&base).unwrap();
        let names: Vec<String> = before.actors.iter().map(|a| a.name.clone()).collect();
        let t = s.seed % 2_000;
        let mut with = base.clone();
        with.faults = vec![
            Fault::Partition {
                from_ms: t,
                until_ms: t + 500,
                side_a: vec![names[0].clone()],
                side_b: names[1..].to_vec(),
            },
            Fault::Link(LinkRule {
                from: names[names.len() - 1].clone(),
                to: names[0].clone(),
                from_ms: t,
                until_ms: t + 2_000,
                latency: Some(Latency {
                    min_ms: 1,
                    max_ms: 900,
                }),
                drop_permille: 300,
                duplicate_permille: 300,
            }),
        ];
        let after = simulate(&with).unwrap();
        let past = |r: &Run| {
            r.steps
                .iter()
                .take_while(|x| x.time < t)
                .map(|x| format!("{} {}", x.time, r.summary(x)))
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(past(&before), past(&after));
        // A crash at step n leaves steps 0..n unchanged.
        let n = (s.seed % 20) as u32 + 1;
        let mut at_step = base.clone();
        at_step.faults = vec![Fault::AtStep {
            step: n,
            then: Box::new(Fault::Crash {
                at_ms: 0,
                actor: names[names.len() - 1].clone(),
            }),
        }];
        let stepped = simulate(&at_step).unwrap();
        let first = |r: &Run| {
            r.steps
                .iter()
                .take(n as usize)
                .map(|x| format!("{} {}", x.time, r.summary(x)))
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(first(&before), first(&stepped));
        if (n as usize) < before.steps.len() {
            prop_assert_eq!(
                stepped.steps[n as usize].kind,
                faultline_sim::trace::StepKind::Crash
            );
        }
        Ok(())
    });
}

#[test]
fn a_partition_cuts_messages_across_it_and_is_drawn() {
    let info = faultline_sim::lab("payments").unwrap();
    let mut s = (info.preset("happy-path").unwrap().scenario)();
    s.faults.push(Fault::Partition {
        from_ms: 0,
        until_ms: 10_000,
        side_a: vec!["client-1".into()],
        side_b: vec!["payment-api".into()],
    });
    let run = simulate(&s).unwrap();
    let cut = run
        .flights
        .iter()
        .filter(|f| f.note.as_deref() == Some("lost in the network (cut by a network partition)"))
        .count();
    assert!(cut >= 2, "every attempt across the cut is lost: {cut}");
    assert!(run
        .flights
        .iter()
        .all(|f| f.fate != faultline_sim::trace::Fate::Delivered || f.from != 0));
    assert_eq!(run.cuts.len(), 1);
    assert_eq!(run.cuts[0].side_a, vec![0]);
}

#[test]
fn bad_partitions_link_rules_and_step_faults_are_refused_with_a_message() {
    let base = faultline_sim::preset("payments", "happy-path").unwrap();
    let bad = [
        Fault::Partition {
            from_ms: 100,
            until_ms: 100,
            side_a: vec!["client-1".into()],
            side_b: vec!["database".into()],
        },
        Fault::Partition {
            from_ms: 0,
            until_ms: 100,
            side_a: vec!["client-1".into()],
            side_b: vec!["client-1".into()],
        },
        Fault::Link(LinkRule {
            from: "client-1".into(),
            to: "payment-api".into(),
            from_ms: 0,
            until_ms: 10,
            latency: None,
            drop_permille: 1001,
            duplicate_permille: 0,
        }),
        Fault::AtStep {
            step: 3,
            then: Box::new(Fault::Net {
                on: MsgMatch::next(0, None),
                action: NetAction::Drop,
            }),
        },
        Fault::lab(0, "database", "no-such-fault"),
    ];
    for f in bad {
        let mut s = base.clone();
        s.faults.push(f.clone());
        let err = simulate(&s).expect_err("refused");
        assert!(!err.to_string().is_empty(), "{f:?}");
    }
}
