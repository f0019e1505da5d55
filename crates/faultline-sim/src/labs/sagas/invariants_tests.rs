//! The Sagas invariants' unit tests: each check fed the case that breaks it
//! and the one that keeps it (each kills a mutant the mutation run found).

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
