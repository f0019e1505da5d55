//! The Sagas lab's invariants, checked after every step (and, for
//! `saga-ends`, when a run ends quietly), each with a message a learner
//! can read.

use super::actors::SagaActor;
use super::config::{Mode, Settings, COORDINATION};
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
    // Stock: a unit reserved and then shipped counts once.
    let qty = |s: &Service, k: u8| s.recs.get(&k).map_or(0, |r| r.qty);
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
    // A saga's end, as its orchestrator's log or (choreography) the last
    // event the order service heard says.
    let ended = |k: u8| {
        match cfg.mode {
            Mode::Orchestrated => orch.and_then(|o| o.sagas.get(&k)).map(|e| e.m.current),
            _ => order.recs.get(&k).map(|r| r.note),
        }
        .is_some_and(|s| matches!(s, "COMPLETED" | "COMPENSATED"))
    };
    for (k, r) in inv.recs.iter() {
        if cfg.mode != Mode::TwoPhase && r.qty > qty(ship, *k) && ended(*k) {
            out.add(
                STOCK,
                *k,
                "ended with a unit still RESERVED: leaked, never sold.",
            );
        }
    }
    for (k, r) in pay.recs.iter() {
        if r.qty != 0 && r.qty != AMOUNT {
            out.add(
                MONEY,
                *k,
                "was charged more than once: its net capture is neither its price nor 0.",
            );
        }
    }
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
    if cfg.mode == Mode::TwoPhase {
        tpc(cfg, [order, inv, pay], end, &mut out);
        return out.list;
    }
    sagas(cfg, &svcs, &mut out);
    for s in &svcs {
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
    // The other way: every event a service published is of a committed
    // change (or one about to commit).
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
    for k in (1..=cfg.orders).filter(|k| end && !ended(*k)) {
        out.add(
            ENDS,
            k,
            "never finished: its saga is neither COMPLETED nor COMPENSATED.",
        );
    }
    out.list
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
mod tests {
    use super::super::records::Rec;
    use super::super::{SagasLab, INVENTORY, ORDER, PAYMENT, SHIPPING};
    use super::*;
    use crate::actor::Actor;
    use crate::lab::Lab;
    use crate::machine::MachineState;
    use crate::scenario::ConfigValue;

    /// A fresh world in `mode`, and its settings.
    fn world(mode: &str) -> (Settings, Vec<SagaActor>) {
        let mut c = Config::new();
        c.insert(COORDINATION.into(), ConfigValue::Choice(mode.into()));
        let cfg = SagasLab::settings(&SagasLab::info(), &c);
        (cfg, SagasLab::build(&cfg))
    }

    fn svc(actors: &mut [SagaActor], id: u16) -> &mut Service {
        match &mut actors[usize::from(id)] {
            SagaActor::Svc(s) => s,
            _ => unreachable!("actor {id} is a service"),
        }
    }

    /// Order 1's record at service `id`: `state`, `qty`.
    fn set(actors: &mut [SagaActor], id: u16, state: &'static str, qty: i64) {
        let s = svc(actors, id);
        let mut m = MachineState::new(s.machine().machine);
        m.current = state;
        let rec = Rec {
            m,
            qty,
            ..Rec::new(m.machine)
        };
        s.recs.insert(1, rec);
    }

    /// Order 1's step `step` committed at service `id` at time `at`.
    fn did(actors: &mut [SagaActor], id: u16, step: u8, undo: bool, at: u64) {
        let s = svc(actors, id);
        let event = s.outbox.new_id();
        s.outbox.ever_sent.push(event);
        s.effects.push(Effect {
            saga: 1,
            step,
            undo,
            ok: true,
            msg: 0,
            event,
            at,
            dup: false,
        });
    }

    fn broken(cfg: &Settings, actors: &[SagaActor], end: bool) -> Vec<&'static str> {
        let trace = TraceSoFar {
            steps: &[],
            flights: &[],
            now_ms: 0,
            broken: &[],
            changed: &[],
        };
        check(cfg, actors, &trace, end)
            .into_iter()
            .map(|v| v.0)
            .collect()
    }

    /// A message names its order ("o1 ...") unless it is about no one
    /// order, and an invariant the run already recorded broken is not
    /// judged again.
    #[test]
    fn messages_name_their_order_and_a_recorded_break_is_not_reported_again() {
        let (cfg, mut a) = world("orchestrated");
        svc(&mut a, INVENTORY).available -= 1;
        set(&mut a, PAYMENT, "CAPTURED", 2 * AMOUNT);
        let trace = |broken| TraceSoFar {
            steps: &[],
            flights: &[],
            now_ms: 0,
            broken,
            changed: &[],
        };
        let found = check(&cfg, &a, &trace(&[]), false);
        let msg = |id| found.iter().find(|v| v.0 == id).map(|v| v.1.clone());
        let stock = msg(STOCK).expect("stock broken");
        assert!(stock.starts_with("Units were made or lost"), "{stock}");
        let money = msg(MONEY).expect("money broken");
        assert!(
            money.starts_with("o1 was charged more than once"),
            "{money}"
        );
        let recorded = [crate::trace::Violation {
            step: 3,
            time: 0,
            invariant: STOCK,
            message: stock,
        }];
        let again: Vec<_> = check(&cfg, &a, &trace(&recorded), false)
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(again, [MONEY]);
    }

    /// The invariants panel says which checks a coordination leaves out:
    /// a 2PC runs no saga steps, a saga has no votes.
    #[test]
    fn each_coordination_names_the_invariants_it_does_not_check() {
        let info = SagasLab::info();
        let unchecked = |mode: &str| {
            let mut c = Config::new();
            c.insert(COORDINATION.into(), ConfigValue::Choice(mode.into()));
            list()
                .into_iter()
                .filter(|i| (i.not_checked)(&info, &c).is_some())
                .map(|i| i.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(unchecked("orchestrated"), [ALL_OR_NOTHING]);
        assert_eq!(unchecked("choreographed"), [ALL_OR_NOTHING]);
        assert_eq!(
            unchecked("2pc"),
            [
                SHAPE,
                NO_COMP_AFTER_PIVOT,
                COMP_NEEDS_STEP,
                EVENT_IFF_COMMIT,
                EFFECT_ONCE,
                CANCEL_KEPT
            ]
        );
    }

    #[test]
    fn a_fresh_world_breaks_nothing_until_the_end() {
        let (cfg, a) = world("orchestrated");
        assert!(broken(&cfg, &a, false).is_empty());
        assert_eq!(broken(&cfg, &a, true), [ENDS], "no saga has ended");
    }

    #[test]
    fn a_step_out_of_order_breaks_saga_shape() {
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, ORDER, 1, false, 1);
        did(&mut a, PAYMENT, 3, false, 2);
        assert_eq!(broken(&cfg, &a, false), [SHAPE]);
    }

    #[test]
    fn compensating_a_step_that_never_committed_or_twice_breaks_its_rule() {
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, ORDER, 1, false, 1);
        did(&mut a, INVENTORY, 2, true, 2);
        assert_eq!(broken(&cfg, &a, false), [COMP_NEEDS_STEP]);
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, ORDER, 1, false, 1);
        did(&mut a, ORDER, 1, true, 2);
        did(&mut a, ORDER, 1, true, 3);
        assert_eq!(broken(&cfg, &a, false), [COMP_NEEDS_STEP]);
    }

    #[test]
    fn a_compensation_after_the_pivot_is_flagged() {
        let (cfg, mut a) = world("orchestrated");
        for (s, id) in [(1, ORDER), (2, INVENTORY), (3, PAYMENT)] {
            did(&mut a, id, s, false, u64::from(s));
        }
        did(&mut a, INVENTORY, 2, true, 9);
        assert_eq!(broken(&cfg, &a, false), [NO_COMP_AFTER_PIVOT]);
    }

    #[test]
    fn saga_ends_reads_the_saga_state_not_the_last_step() {
        let (cfg, mut a) = world("choreographed");
        // T5 committed, but the saga never heard it ended.
        did(&mut a, SHIPPING, 5, false, 1);
        set(&mut a, ORDER, "APPROVED", 0);
        assert!(broken(&cfg, &a, true).contains(&ENDS));
        svc(&mut a, ORDER).recs[&1].note = "COMPLETED";
        assert!(!broken(&cfg, &a, true).contains(&ENDS));
    }

    #[test]
    fn a_lost_unit_or_a_leaked_reservation_breaks_stock() {
        let (cfg, mut a) = world("choreographed");
        svc(&mut a, INVENTORY).available -= 1;
        assert_eq!(broken(&cfg, &a, false), [STOCK], "a unit vanished");
        // The unit is RESERVED for o1: conserved while the saga runs...
        set(&mut a, INVENTORY, "RESERVED", 1);
        set(&mut a, ORDER, "CANCELLED", 0);
        assert!(broken(&cfg, &a, false).is_empty());
        // ...leaked once it ended.
        svc(&mut a, ORDER).recs[&1].note = "COMPENSATED";
        assert_eq!(broken(&cfg, &a, false), [STOCK]);
    }

    #[test]
    fn a_double_capture_breaks_money_and_a_paid_cancelled_order_breaks_follows() {
        let (cfg, mut a) = world("orchestrated");
        set(&mut a, PAYMENT, "CAPTURED", 2 * AMOUNT);
        assert_eq!(broken(&cfg, &a, false), [MONEY]);
        let (cfg, mut a) = world("orchestrated");
        set(&mut a, PAYMENT, "CAPTURED", AMOUNT);
        set(&mut a, ORDER, "CANCELLED", 0);
        assert_eq!(broken(&cfg, &a, false), [FOLLOWS]);
        let (cfg, mut a) = world("orchestrated");
        set(&mut a, SHIPPING, "SCHEDULED", 1);
        svc(&mut a, INVENTORY).available -= 1;
        assert_eq!(broken(&cfg, &a, false), [FOLLOWS], "shipped, unpaid");
    }

    #[test]
    fn a_lost_event_and_a_twice_applied_message_are_flagged() {
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, ORDER, 1, false, 1);
        svc(&mut a, ORDER).outbox.ever_sent.clear();
        assert_eq!(broken(&cfg, &a, false), [EVENT_IFF_COMMIT]);
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, ORDER, 1, false, 1);
        svc(&mut a, ORDER).effects[0].dup = true;
        assert_eq!(broken(&cfg, &a, false), [EFFECT_ONCE]);
    }

    /// At the end, an event sent once counts as delivered only if the
    /// broker stored it or its own row still waits in the outbox; another
    /// row does not stand for it, and a row lost in a crash does not
    /// matter once the broker has the event.
    #[test]
    fn an_event_counts_as_published_by_the_broker_or_its_own_row() {
        use super::super::msg::{Env, Kind};
        let other = Env {
            id: 3999,
            saga: 2,
            step: 2,
            kind: Kind::Did,
            to: 0,
            why: 0,
            topic: None,
        };
        // Sent once, never stored, its row gone; another row remains.
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, INVENTORY, 2, false, 1);
        svc(&mut a, INVENTORY).outbox.add(other);
        assert!(broken(&cfg, &a, true).contains(&EVENT_IFF_COMMIT));
        // The broker stored it, though the row was lost in a crash.
        let (cfg, mut a) = world("orchestrated");
        did(&mut a, INVENTORY, 2, false, 1);
        let event = svc(&mut a, INVENTORY).effects[0].event;
        let SagaActor::Broker(b) = &mut a[1] else {
            unreachable!("actor 1 is the broker")
        };
        b.stored.push(event);
        assert!(!broken(&cfg, &a, true).contains(&EVENT_IFF_COMMIT));
    }

    #[test]
    fn an_event_of_a_change_that_never_committed_breaks_event_iff_commit() {
        use super::super::broker::{Entry, QUEUE_M};
        use super::super::msg::{Env, Kind};
        let (cfg, mut a) = world("orchestrated");
        let env = Env {
            id: 3001,
            saga: 1,
            step: 2,
            kind: Kind::Did,
            to: 0,
            why: 0,
            topic: None,
        };
        let SagaActor::Broker(b) = &mut a[1] else {
            unreachable!("actor 1 is the broker")
        };
        b.queue.push(Entry {
            env,
            m: MachineState::new(&QUEUE_M),
            deliveries: 0,
        });
        assert_eq!(broken(&cfg, &a, false), [EVENT_IFF_COMMIT]);
        // Publish first: a change about to commit may be announced, but
        // another change's pending commit does not cover this event.
        let pending = |event| super::super::service::Pending {
            saga: 1,
            step: 2,
            kind: Kind::Did,
            msg: 2,
            q: 3,
            event,
            before: (None, 2),
        };
        svc(&mut a, INVENTORY).pending.push(pending(3002));
        assert_eq!(broken(&cfg, &a, false), [EVENT_IFF_COMMIT]);
        svc(&mut a, INVENTORY).pending.push(pending(3001));
        assert!(broken(&cfg, &a, false).is_empty());
        svc(&mut a, INVENTORY).pending.clear();
        let s = svc(&mut a, INVENTORY);
        s.effects.push(Effect {
            saga: 1,
            step: 2,
            undo: false,
            ok: true,
            msg: 2,
            event: 3001,
            at: 1,
            dup: false,
        });
        s.outbox.ever_sent.push(3001);
        let shape: Vec<_> = broken(&cfg, &a, false);
        assert!(!shape.contains(&EVENT_IFF_COMMIT), "{shape:?}");
    }

    #[test]
    fn a_customer_cancel_written_over_breaks_cancel_kept() {
        let (cfg, mut a) = world("orchestrated");
        set(&mut a, ORDER, "CANCELLED", 0);
        svc(&mut a, ORDER).customer_cancels.push(1);
        assert!(broken(&cfg, &a, false).is_empty(), "the cancel stands");
        svc(&mut a, ORDER).recs[&1].m.current = "APPROVED";
        assert_eq!(broken(&cfg, &a, false), [CANCEL_KEPT]);
    }

    #[test]
    fn committed_here_and_aborted_there_breaks_all_or_nothing() {
        let (cfg, mut a) = world("2pc");
        set(&mut a, ORDER, "COMMITTED", 0);
        set(&mut a, PAYMENT, "COMMITTED", AMOUNT);
        set(&mut a, INVENTORY, "ABORTED", 0);
        assert_eq!(broken(&cfg, &a, false), [ALL_OR_NOTHING]);
        svc(&mut a, INVENTORY).recs[&1].m.current = "COMMITTED";
        assert!(broken(&cfg, &a, true).is_empty());
    }
}
