//! The Sagas lab's invariants, checked after every step (and, for
//! `saga-ends`, when a run ends quietly), each with a message a learner
//! can read.

use super::actors::SagaActor;
use super::broker::Broker;
use super::config::{Mode, Settings, COORDINATION};
use super::orchestrator::Orchestrator;
use super::records::Effect;
use super::saga::{AMOUNT, PIVOT};
use super::service::Service;
use crate::lab::{always, InvariantInfo, LabInfo, TraceSoFar};
use crate::scenario::Config;

pub const SHAPE: &str = "saga-shape";
pub const NO_COMP_AFTER_PIVOT: &str = "no-compensation-after-pivot";
pub const COMP_NEEDS_STEP: &str = "compensation-needs-its-step";
pub const ENDS: &str = "saga-ends";
pub const EVENT_IFF_COMMIT: &str = "event-iff-commit";
pub const EFFECT_ONCE: &str = "effect-once";
pub const STOCK: &str = "stock-conserved";
pub const MONEY: &str = "money-conserved";
pub const FOLLOWS: &str = "money-follows-order";
pub const ALL_OR_NOTHING: &str = "2pc-all-or-nothing";
pub const CANCEL_KEPT: &str = "cancel-kept";

fn saga_only(info: &LabInfo, c: &Config) -> Option<&'static str> {
    (info.choice(c, COORDINATION) == "2pc")
        .then_some("Two-phase commit runs no saga steps and publishes no events.")
}

fn tpc_only(info: &LabInfo, c: &Config) -> Option<&'static str> {
    (info.choice(c, COORDINATION) != "2pc")
        .then_some("Only a two-phase commit has participants that vote.")
}

/// An invariant of the list.
const fn inv(
    id: &'static str,
    text: &'static str,
    not_checked: fn(&LabInfo, &Config) -> Option<&'static str>,
) -> InvariantInfo {
    InvariantInfo {
        id,
        text,
        not_checked,
    }
}

static LIST: [InvariantInfo; 11] = [
    inv(SHAPE, "Every saga's committed steps read T1..Tn, or T1..Tj then Cj..C1.", saga_only),
    inv(NO_COMP_AFTER_PIVOT, "Once the pivot (T3, the payment) commits, nothing is compensated.", saga_only),
    inv(COMP_NEEDS_STEP, "Ci runs only if Ti committed, and takes effect once.", saga_only),
    inv(ENDS, "Every saga ends COMPLETED or COMPENSATED (2PC: committed or aborted everywhere) once faults stop.", always),
    inv(EVENT_IFF_COMMIT, "An event is published iff its change committed.", saga_only),
    inv(EFFECT_ONCE, "Each message takes effect at most once at its consumer.", saga_only),
    inv(STOCK, "Stock is conserved: available + reserved + shipped = initial, and no unit stays RESERVED for a saga that ended.", always),
    inv(MONEY, "Money is conserved: each order's net capture is its price or 0.", always),
    inv(FOLLOWS, "Money and goods follow the order: a cancelled order keeps no capture; goods ship only for a paid order.", always),
    inv(CANCEL_KEPT, "A cancel the order service accepted stays: no saga step writes over it (no lost update).", saga_only),
    inv(ALL_OR_NOTHING, "No participant commits an order another aborted.", tpc_only),
];

pub fn list() -> Vec<InvariantInfo> {
    LIST.to_vec()
}

/// The invariants found broken in one check: the first of each, skipping
/// those the run already recorded. A message is made only when it is kept,
/// as "o{k}" and a fixed text (the tables show the figures).
struct Found<'a> {
    list: Vec<(&'static str, String)>,
    trace: &'a TraceSoFar<'a>,
}

impl Found<'_> {
    /// Report `id` broken for order `k` (0: for no one order).
    fn add(&mut self, id: &'static str, k: u8, text: &str) {
        if self.trace.is_broken(id) || self.list.iter().any(|(i, _)| *i == id) {
            return;
        }
        let msg = if k == 0 {
            text.into()
        } else {
            format!("o{k} {text}")
        };
        self.list.push((id, msg));
    }
}

pub fn check(
    cfg: &Settings,
    actors: &[SagaActor],
    trace: &TraceSoFar<'_>,
    end: bool,
) -> Vec<(&'static str, String)> {
    let mut out = Found {
        list: Vec::new(),
        trace,
    };
    let mut svcs = Vec::new();
    let (mut broker, mut orch) = (None, None);
    for a in actors {
        match a {
            SagaActor::Svc(s) => svcs.push(s),
            SagaActor::Broker(b) => broker = Some(b),
            SagaActor::Orch(o) => orch = Some(o),
        }
    }
    let [order, inv, pay, ship] = svcs[..] else {
        return out.list;
    };
    let ended = |k: u8| saga_ended(cfg, order, orch, k);
    stock_conserved(cfg, inv, ship, ended, &mut out);
    money_conserved(pay, &mut out);
    money_follows_order(cfg, order, pay, ship, &mut out);
    cancels_kept(order, &mut out);
    if cfg.mode == Mode::TwoPhase {
        tpc(cfg, [order, inv, pay], end, &mut out);
        return out.list;
    }
    sagas(cfg, &svcs, &mut out);
    events_match_commits(&svcs, broker, end, &mut out);
    for k in (1..=cfg.orders).filter(|k| end && !ended(*k)) {
        out.add(
            ENDS,
            k,
            "never finished: its saga is neither COMPLETED nor COMPENSATED.",
        );
    }
    out.list
}

/// How many units (or cents) service `s` holds for order `k`.
fn qty(s: &Service, k: u8) -> i64 {
    s.recs.get(&k).map_or(0, |r| r.qty)
}

/// Whether order `k`'s saga has ended, as its orchestrator's log or
/// (choreography) the last event the order service heard says.
fn saga_ended(cfg: &Settings, order: &Service, orch: Option<&Orchestrator>, k: u8) -> bool {
    match cfg.mode {
        Mode::Orchestrated => orch.and_then(|o| o.sagas.get(&k)).map(|e| e.m.current),
        _ => order.recs.get(&k).map(|r| r.note),
    }
    .is_some_and(|s| matches!(s, "COMPLETED" | "COMPENSATED"))
}

/// Stock is conserved, and no unit stays RESERVED for a saga that ended.
fn stock_conserved(
    cfg: &Settings,
    inv: &Service,
    ship: &Service,
    ended: impl Fn(u8) -> bool,
    out: &mut Found<'_>,
) {
    // A unit reserved and then shipped counts once.
    let reserved: i64 = inv.recs.iter().map(|(k, r)| r.qty.max(qty(ship, *k))).sum();
    let shipped_only: i64 = ship
        .recs
        .iter()
        .filter(|(k, _)| !inv.recs.contains_key(k))
        .map(|(_, r)| r.qty)
        .sum();
    if inv.available + reserved + shipped_only != cfg.stock {
        out.add(
            STOCK,
            0,
            "Units were made or lost: available + reserved + shipped is not the initial stock.",
        );
    }
    for (k, r) in inv.recs.iter() {
        if cfg.mode != Mode::TwoPhase && r.qty > qty(ship, *k) && ended(*k) {
            out.add(
                STOCK,
                *k,
                "ended with a unit still RESERVED: leaked, never sold.",
            );
        }
    }
}

/// Each order's net capture is its price or 0.
fn money_conserved(pay: &Service, out: &mut Found<'_>) {
    for (k, r) in pay.recs.iter() {
        if r.qty != 0 && r.qty != AMOUNT {
            out.add(
                MONEY,
                *k,
                "was charged more than once: its net capture is neither its price nor 0.",
            );
        }
    }
}

/// A cancelled order keeps no capture; goods ship only for a paid order.
fn money_follows_order(
    cfg: &Settings,
    order: &Service,
    pay: &Service,
    ship: &Service,
    out: &mut Found<'_>,
) {
    for k in 1..=cfg.orders {
        let state = order.recs.get(&k).map_or("", |r| r.m.current);
        let paid = qty(pay, k) > 0;
        if paid && matches!(state, "CANCELLED" | "PAYMENT_FAILED" | "ABORTED") {
            out.add(
                FOLLOWS,
                k,
                "is cancelled but its capture stays: the customer paid for nothing.",
            );
        }
        if !paid && qty(ship, k) > 0 {
            out.add(FOLLOWS, k, "ships goods that were never paid for.");
        }
    }
}

/// A cancel the order service accepted stays: no saga step writes over it.
fn cancels_kept(order: &Service, out: &mut Found<'_>) {
    for &k in &order.customer_cancels {
        if order
            .recs
            .get(&k)
            .is_some_and(|r| r.m.current != "CANCELLED")
        {
            out.add(
                CANCEL_KEPT,
                k,
                "was cancelled by its customer, then a saga step wrote over the cancel: a lost update.",
            );
        }
    }
}

/// Every committed change has its event (stored, by the end), each
/// message takes effect once, and every event published is of a
/// committed change (or one about to commit).
fn events_match_commits(
    svcs: &[&Service],
    broker: Option<&Broker>,
    end: bool,
    out: &mut Found<'_>,
) {
    for s in svcs {
        for e in &s.effects {
            let exists = s.outbox.has(e.event) || s.outbox.ever_sent.contains(&e.event);
            let stored = broker.is_some_and(|b| b.has(e.event))
                || s.outbox.rows.iter().any(|r| r.env.id == e.event);
            if !exists || end && !stored {
                out.add(
                    EVENT_IFF_COMMIT,
                    e.saga,
                    "lost the event of a committed change: no one will ever hear of it.",
                );
            }
            if e.dup {
                out.add(
                    EFFECT_ONCE,
                    e.saga,
                    "had one message take effect twice at its consumer.",
                );
            }
        }
    }
    for e in broker.iter().flat_map(|b| &b.queue) {
        let Some(s) = svcs.iter().find(|s| u32::from(s.id) == e.env.id / 1000) else {
            continue;
        };
        let id = e.env.id;
        if !s.effects.iter().any(|x| x.event == id) && !s.pending.iter().any(|p| p.event == id) {
            out.add(
                EVENT_IFF_COMMIT,
                e.env.saga,
                "announced a change that never committed.",
            );
        }
    }
}

/// Order `k`'s committed steps across the services, in time order (ties
/// in service order). Each service's list is already in time order, so
/// an insertion keeps it stable without a sort's code in the wasm.
fn effects_of(svcs: &[&Service], k: u8) -> Vec<Effect> {
    let mut v: Vec<Effect> = Vec::new();
    for e in svcs.iter().flat_map(|s| &s.effects) {
        if e.saga == k && e.ok {
            v.insert(v.partition_point(|x| x.at <= e.at), *e);
        }
    }
    v
}

/// Each order's committed steps read T1..Tn, or T1..Tj then Cj..C1, with
/// no compensation after the pivot.
fn sagas(cfg: &Settings, svcs: &[&Service], out: &mut Found<'_>) {
    for k in 1..=cfg.orders {
        let (mut done, mut comp): (u8, Option<u8>) = (0, None);
        let mut seen: Vec<(u8, bool)> = Vec::new();
        for e in effects_of(svcs, k) {
            let (s, undo) = (e.step, e.undo);
            if seen.contains(&(s, undo)) {
                if undo {
                    out.add(COMP_NEEDS_STEP, k, "had a compensation take effect twice.");
                }
                continue;
            }
            seen.push((s, undo));
            if !undo && (comp.is_some() || s != done + 1) {
                out.add(SHAPE, k, "committed a step out of order: not T1..Tn.");
            } else if !undo {
                done = s;
            } else if done >= PIVOT {
                out.add(NO_COMP_AFTER_PIVOT, k, "was compensated after the pivot committed: a paid order undone instead of retried.");
            } else if s > done {
                out.add(
                    COMP_NEEDS_STEP,
                    k,
                    "ran a compensation for a step that never committed.",
                );
            } else if s != comp.map_or(done.min(2), |c| c - 1) {
                out.add(
                    SHAPE,
                    k,
                    "ran its compensations out of reverse order: not Cj..C1.",
                );
            }
            if undo {
                comp = Some(s);
            }
        }
    }
}

/// No order is committed at one participant and aborted at another; at
/// the end, none is left undecided (PREPARED with its lock, or WAITING).
fn tpc(cfg: &Settings, parts: [&Service; 3], end: bool, out: &mut Found<'_>) {
    for k in 1..=cfg.orders {
        let state = |p: &Service| p.recs.get(&k).map_or("idle", |r| r.m.current);
        let is = |s: &str| parts.iter().any(|p| state(p) == s);
        if is("COMMITTED") && is("ABORTED") {
            out.add(
                ALL_OR_NOTHING,
                k,
                "is committed at one participant and aborted at another.",
            );
        }
        if end
            && parts
                .iter()
                .any(|p| !matches!(state(p), "COMMITTED" | "ABORTED"))
        {
            out.add(
                ENDS,
                k,
                "is undecided: a participant is still waiting for the decision.",
            );
        }
    }
}

#[cfg(test)]
#[path = "invariants_tests.rs"]
mod tests;
