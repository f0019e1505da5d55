//! The Sagas lab (issue 10, DOMAIN.md §3): an order goes through order,
//! inventory, payment and shipping services, each with its own database,
//! outbox and relay. A saga (orchestrated or choreographed through a
//! durable broker) commits T1..T5 or compensates in reverse order; a
//! two-phase commit of the same order shows what blocking costs. Learners
//! decline the card, crash the orchestrator, the broker and services
//! between commit and publish, duplicate deliveries and cut the network.
//!
//! Compiled and registered with the cargo feature `sagaslab`, which the
//! web build turns on (the root crate's feature of the same name, named in
//! index.html's Rust link).

pub mod broker;
pub mod cases;
pub mod config;
mod figures;
pub mod invariants;
pub mod msg;
pub mod orchestrator;
pub mod outbox;
mod presets;
pub mod service;

use crate::actor::{ActorId, Ctx, TimerKind};
use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::scenario::Config;
use config::Settings;
use msg::{Env, Kind, SagaMsg};

pub const ID: &str = "sagas";
/// The model version: bumped whenever a preset's run changes.
/// v3 (issue 18): no silent loss (the broker redelivers and relays retry
/// with a capped backoff, no dead letter; the orchestrator re-sends its
/// current command on restart and on a step timeout; 2PC decisions are
/// resent without a cap); a card-network key setting apart from idempotent
/// consumers; heuristic 2PC decisions; new invariants and narration.
pub const MODEL_VERSION: u32 = 3;

pub const ORCH: ActorId = 0;
pub const BROKER: ActorId = 1;
pub const ORDER: ActorId = 2;
pub const INVENTORY: ActorId = 3;
pub const PAYMENT: ActorId = 4;
pub const SHIPPING: ActorId = 5;
/// The services that take part in the two-phase commit.
pub const PARTICIPANTS: [ActorId; 3] = [ORDER, INVENTORY, PAYMENT];
pub const NAMES: [&str; 6] = [
    "orchestrator",
    "broker",
    "order",
    "inventory",
    "payment",
    "shipping",
];
pub const TITLES: [&str; 6] = [
    "Saga orchestrator",
    "Message broker",
    "Order service",
    "Inventory service",
    "Payment service",
    "Shipping service",
];
/// Every order's price, in cents.
pub const AMOUNT: i64 = 4_200;
/// The pivot: the step after which the saga only goes forward.
pub const PIVOT: u8 = 3;

/// What a saga step is, for the diagram's labels (DOMAIN.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Can be undone by its compensation.
    Compensatable,
    /// The go/no-go point.
    Pivot,
    /// After the pivot: retried until it succeeds, never compensated.
    Retriable,
}

/// One step of the order saga.
#[derive(Clone, Copy, Debug)]
pub struct SagaStep {
    pub name: &'static str,
    pub kind: StepKind,
    pub service: ActorId,
    pub compensation: Option<&'static str>,
}

/// The order saga, T1..T5, as data (the views draw the kinds from it).
pub static STEPS: [SagaStep; 5] = [
    SagaStep {
        name: "create order",
        kind: StepKind::Compensatable,
        service: ORDER,
        compensation: Some("reject order"),
    },
    SagaStep {
        name: "reserve stock",
        kind: StepKind::Compensatable,
        service: INVENTORY,
        compensation: Some("release stock"),
    },
    SagaStep {
        name: "capture payment",
        kind: StepKind::Pivot,
        service: PAYMENT,
        compensation: None,
    },
    SagaStep {
        name: "approve order",
        kind: StepKind::Retriable,
        service: ORDER,
        compensation: None,
    },
    SagaStep {
        name: "schedule shipping",
        kind: StepKind::Retriable,
        service: SHIPPING,
        compensation: None,
    },
];

/// Step `s` (1..=5).
pub fn step(s: u8) -> &'static SagaStep {
    &STEPS[usize::from(s.clamp(1, 5) - 1)]
}

/// What a saga does next, decided by the orchestrator or, in a
/// choreography, by the service that consumes the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[derive(Clone, Debug)]
pub enum SagaActor {
    Orch(orchestrator::Orchestrator),
    Broker(broker::Broker),
    Svc(service::Service),
}

crate::forward_actor!(SagaActor, SagaMsg, [Orch, Broker, Svc]);

pub struct SagasLab;

impl Lab for SagasLab {
    type Actor = SagaActor;
    type Settings = Settings;

    fn info() -> LabInfo {
        LabInfo {
            id: ID,
            model_version: MODEL_VERSION,
            default_preset: "payment-declined",
            lab_faults: presets::lab_faults(),
            title: "Sagas: compensations, the outbox and two-phase commit",
            tagline: "The order is created, then the payment fails. How do four services undo it?",
            config: config::fields(),
            palette: presets::palette(),
            presets: presets::presets(),
            invariants: invariants::list(),
            interview: Some(presets::interview()),
            comparisons: presets::comparisons(),
            compare_tables: &[
                "Orders",
                "2PC participants",
                "Outbox",
                "Unsent events (dual write, in memory)",
            ],
            figures: figures::two_phase,
        }
    }

    fn settings(info: &LabInfo, config: &Config) -> Settings {
        Settings::read(info, config)
    }

    fn build(cfg: &Settings) -> Vec<SagaActor> {
        let svc = |id| SagaActor::Svc(service::Service::new(id, cfg));
        vec![
            SagaActor::Orch(orchestrator::Orchestrator::new(cfg)),
            SagaActor::Broker(broker::Broker::default()),
            svc(ORDER),
            svc(INVENTORY),
            svc(PAYMENT),
            svc(SHIPPING),
        ]
    }

    fn check(
        cfg: &Settings,
        actors: &[SagaActor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        invariants::check(cfg, actors, trace, false)
    }

    fn check_end(
        cfg: &Settings,
        actors: &[SagaActor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        invariants::check(cfg, actors, trace, true)
    }
}
