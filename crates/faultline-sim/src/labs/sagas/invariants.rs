//! The Sagas lab's invariants, checked after every step (and, for
//! `saga-ends`, when a run ends quietly), each with a message a learner
//! can read.

use super::broker::Broker;
use super::config::{Mode, Settings, COORDINATION};
use super::service::{Effect, Service};
use super::{step, SagaActor, AMOUNT, NAMES, PIVOT};
use crate::lab::{always, InvariantInfo, LabInfo, TraceSoFar};
use crate::labs::payments::config::{money, secs};
use crate::scenario::Config;

pub const SHAPE: &str = "saga-shape";
pub const NO_COMP_AFTER_PIVOT: &str = "no-compensation-after-pivot";
pub const COMP_NEEDS_STEP: &str = "compensation-needs-its-step";
pub const ENDS: &str = "saga-ends";
pub const EVENT_IFF_COMMIT: &str = "event-iff-commit";
pub const EFFECT_ONCE: &str = "effect-once";
pub const STOCK: &str = "stock-conserved";
pub const MONEY: &str = "money-conserved";
pub const ALL_OR_NOTHING: &str = "2pc-all-or-nothing";

fn saga_only(info: &LabInfo, c: &Config) -> Option<&'static str> {
    (info.choice(c, COORDINATION) == "2pc")
        .then_some("Two-phase commit runs no saga steps and publishes no events.")
}

fn tpc_only(info: &LabInfo, c: &Config) -> Option<&'static str> {
    (info.choice(c, COORDINATION) != "2pc")
        .then_some("Only a two-phase commit has participants that vote.")
}

pub fn list() -> Vec<InvariantInfo> {
    let inv = |id, text, not_checked| InvariantInfo {
        id,
        text,
        not_checked,
    };
    vec![
        inv(SHAPE, "Every saga's committed steps read T1..Tn, or T1..Tj then Cj..C1.", saga_only),
        inv(NO_COMP_AFTER_PIVOT, "Once the pivot (T3, the payment) commits, nothing is compensated.", saga_only),
        inv(COMP_NEEDS_STEP, "Ci runs only if Ti committed, and takes effect once.", saga_only),
        inv(ENDS, "Every order ends COMPLETED or COMPENSATED (2PC: committed or aborted everywhere) once faults stop.", always),
        inv(EVENT_IFF_COMMIT, "A committed change always has its event (outbox or broker).", saga_only),
        inv(EFFECT_ONCE, "Each message takes effect at most once at its consumer.", saga_only),
        inv(STOCK, "Stock is conserved: available + reserved + shipped = initial.", always),
        inv(MONEY, "Money is conserved: each order's net capture is its price or 0.", always),
        inv(ALL_OR_NOTHING, "No participant commits an order another aborted.", tpc_only),
    ]
}

/// The four services and the broker.
fn parts(actors: &[SagaActor]) -> (Vec<&Service>, Option<&Broker>) {
    let mut svcs = Vec::new();
    let mut broker = None;
    for a in actors {
        match a {
            SagaActor::Svc(s) => svcs.push(s),
            SagaActor::Broker(b) => broker = Some(b),
            SagaActor::Orch(_) => {}
        }
    }
    (svcs, broker)
}

pub fn check(
    cfg: &Settings,
    actors: &[SagaActor],
    trace: &TraceSoFar<'_>,
    end: bool,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let (svcs, broker) = parts(actors);
    let [order, inv, pay, ship] = svcs[..] else {
        return out;
    };
    let qty = |s: &Service, k: u8| s.recs.get(&k).map_or(0, |r| r.qty);
    // Stock and money.
    let held: i64 = inv
        .recs
        .iter()
        .map(|(k, r)| r.qty.max(qty(ship, *k)))
        .sum::<i64>()
        + ship
            .recs
            .iter()
            .filter(|(k, _)| !inv.recs.contains_key(k))
            .map(|(_, r)| r.qty)
            .sum::<i64>();
    if inv.available + held != cfg.stock {
        out.push((STOCK, format!("{} available + {held} reserved or shipped ≠ {} at the start: units were made or lost.", inv.available, cfg.stock)));
    }
    for (k, r) in pay
        .recs
        .iter()
        .filter(|(_, r)| r.qty != 0 && r.qty != AMOUNT)
    {
        out.push((
            MONEY,
            format!(
                "o{k} has {} captured for a {} order: charged more than once.",
                money(r.qty as u64),
                money(AMOUNT as u64)
            ),
        ));
    }
    if cfg.mode == Mode::TwoPhase {
        tpc(cfg, [order, inv, pay], trace.now_ms, end, &mut out);
    } else {
        sagas(cfg, &svcs, &mut out);
        for s in &svcs {
            for e in &s.effects {
                let exists = s.outbox.has(e.event) || s.outbox.ever_sent.contains(&e.event);
                let stored = broker.is_some_and(|b| b.has(e.event))
                    || s.outbox.rows.iter().any(|r| r.env.id == e.event);
                if !exists || end && !stored {
                    out.push((EVENT_IFF_COMMIT, format!("{} committed {} for o{}, but its event m{} is lost: no one will ever hear of it.", NAMES[s.id as usize], label(e), e.saga, e.event)));
                }
                if e.dup {
                    out.push((
                        EFFECT_ONCE,
                        format!(
                            "{} applied m{} a second time: {} for o{} took effect twice.",
                            NAMES[s.id as usize],
                            e.msg,
                            label(e),
                            e.saga
                        ),
                    ));
                }
            }
        }
        if end {
            for k in 1..=cfg.orders {
                let seq = effects_of(&svcs, k);
                if !seq.iter().any(|e| e.step == 5 && !e.undo)
                    && !seq.iter().any(|e| e.step == 1 && e.undo)
                {
                    let last = seq.last().map_or("nothing".into(), label);
                    out.push((
                        ENDS,
                        format!("o{k} never finished: the last committed step is {last}."),
                    ));
                }
            }
        }
    }
    out.retain(|(id, _)| !trace.is_broken(id));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

fn label(e: &Effect) -> String {
    let s = step(e.step);
    match (e.undo, e.ok) {
        (true, _) => format!("C{} {}", e.step, s.compensation.unwrap_or("")),
        (false, true) => format!("T{} {}", e.step, s.name),
        (false, false) => format!("T{}'s refusal", e.step),
    }
}

/// Order `k`'s committed steps across the services, in time order.
fn effects_of(svcs: &[&Service], k: u8) -> Vec<Effect> {
    let mut v: Vec<Effect> = svcs
        .iter()
        .flat_map(|s| s.effects.iter().filter(|e| e.saga == k && e.ok).copied())
        .collect();
    v.sort_by_key(|e| e.at);
    v
}

fn sagas(cfg: &Settings, svcs: &[&Service], out: &mut Vec<(&'static str, String)>) {
    for k in 1..=cfg.orders {
        let (mut done, mut comp): (u8, Option<u8>) = (0, None);
        let mut seen: Vec<(u8, bool)> = Vec::new();
        for e in effects_of(svcs, k) {
            let (s, undo) = (e.step, e.undo);
            if seen.contains(&(s, undo)) {
                if undo {
                    out.push((COMP_NEEDS_STEP, format!("C{s} took effect twice for o{k}.")));
                }
                continue;
            }
            seen.push((s, undo));
            if !undo && (comp.is_some() || s != done + 1) {
                out.push((
                    SHAPE,
                    format!(
                        "o{k} committed T{s} after {}: not T1..Tn.",
                        comp.map_or(format!("T{done}"), |c| format!("C{c}"))
                    ),
                ));
            } else if !undo {
                done = s;
            } else if done >= PIVOT {
                out.push((NO_COMP_AFTER_PIVOT, format!("o{k} ran C{s} after the pivot T3 committed: a paid order was undone instead of retried.")));
            } else if s > done {
                out.push((
                    COMP_NEEDS_STEP,
                    format!("o{k} ran C{s} but T{s} never committed."),
                ));
            } else {
                let want = comp.map_or(done.min(2), |c| c - 1);
                if s != want {
                    out.push((
                        SHAPE,
                        format!(
                            "o{k} ran C{s} where C{want} was due: not Cj..C1 in reverse order."
                        ),
                    ));
                }
            }
            if undo {
                comp = Some(s);
            }
        }
    }
}

fn tpc(
    cfg: &Settings,
    parts: [&Service; 3],
    now: u64,
    end: bool,
    out: &mut Vec<(&'static str, String)>,
) {
    for k in 1..=cfg.orders {
        let states: Vec<&str> = parts
            .iter()
            .map(|p| p.recs.get(&k).map_or("idle", |r| r.m.current))
            .collect();
        if states.contains(&"COMMITTED") && states.contains(&"ABORTED") {
            out.push((
                ALL_OR_NOTHING,
                format!("o{k} is committed at one participant and aborted at another."),
            ));
        }
        if end {
            let stuck = parts
                .iter()
                .zip(&states)
                .find(|(_, s)| **s != "COMMITTED" && **s != "ABORTED");
            if let Some((p, s)) = stuck {
                let since = p.recs.get(&k).map_or(0, |r| r.since);
                let held = if *s == "PREPARED" {
                    format!(", holding its lock for {}", secs(now - since))
                } else {
                    String::new()
                };
                out.push((
                    ENDS,
                    format!("o{k} is undecided: {} is {s}{held}.", NAMES[p.id as usize]),
                ));
            }
        }
    }
}
