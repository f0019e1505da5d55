//! The order saga as data: the lanes (orchestrator, broker and the four
//! services), every order's price, and the steps T1..T5 with each one's
//! kind (compensatable, pivot, retriable) and compensation, which the
//! services run and the views draw.

use crate::actor::ActorId;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Can be undone by its compensation.
    Compensatable,
    /// The go/no-go point.
    Pivot,
    /// After the pivot: retried until it succeeds, never compensated.
    Retriable,
}

/// One step of the order saga.
#[derive(Clone, Copy, Debug, Hash)]
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
