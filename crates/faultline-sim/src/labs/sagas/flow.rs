//! What a saga does next: the one rule both the orchestrator and a
//! choreography's consumers follow, and the timers that place the orders
//! (whichever actor starts sagas runs them).

use super::msg::{Env, Kind, SagaMsg};
use crate::actor::{Ctx, TimerKind};

/// What a saga does next, decided by the orchestrator or, in a
/// choreography, by the service that consumes the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Next {
    Do(u8),
    Undo(u8),
    Completed,
    Compensated,
}

/// The saga's rule: after Ti, Ti+1; after a failure or a compensation,
/// the next compensation down (only T1 and T2 have one).
pub fn next(env: &Env) -> Next {
    let down = |s: u8| match s.min(2) {
        0 => Next::Compensated,
        c => Next::Undo(c),
    };
    match env.kind {
        Kind::Do => Next::Do(env.step),
        Kind::Undo => Next::Undo(env.step),
        Kind::Did if env.step >= 5 => Next::Completed,
        Kind::Did => Next::Do(env.step + 1),
        Kind::Failed | Kind::Undid => down(env.step - 1),
    }
}

/// Timer tag of order `k`'s placing (11..=13).
pub const PLACE: u32 = 10;

/// Place every order not yet `placed`, 40 ms apart: the actor that starts
/// sagas (orchestrator, coordinator or, in a choreography, the order
/// service) runs the same timers, again after a restart.
pub fn place_orders(orders: u8, placed: &dyn Fn(u8) -> bool, ctx: &mut Ctx<SagaMsg>) {
    for k in (1..=orders).filter(|k| !placed(*k)) {
        ctx.set_timer(
            u64::from(k - 1) * 40,
            PLACE + u32::from(k),
            TimerKind::Work,
            "order placed",
        );
    }
}
