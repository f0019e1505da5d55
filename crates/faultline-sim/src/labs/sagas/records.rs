//! What the sagas' services keep, as data: the state machines their
//! records of an order move through (order, stock reservation, payment,
//! shipment, 2PC participant), the tables they show, a record itself
//! (`Rec`) and a committed local transaction (`Effect`, the monitor the
//! checks read).

use crate::machine::{MachineState, StateMachine, Transition as T};
use crate::rows::TableSchema;

pub static ORDER_M: StateMachine = StateMachine {
    name: "Order",
    states: &["none", "PENDING", "APPROVED", "PAYMENT_FAILED", "CANCELLED"],
    transitions: &[
        T::new("none", "create", "PENDING"),
        T::new("PENDING", "approve", "APPROVED"),
        T::new("PENDING", "payment_failed", "PAYMENT_FAILED"),
        T::new("PENDING", "cancel", "CANCELLED"),
        T::new("APPROVED", "cancel", "CANCELLED"),
        T::new("PENDING", "customer_cancel", "CANCELLED"),
        // Only a run without the semantic lock takes this: a lost update.
        T::new("CANCELLED", "approve over cancel (wrong)", "APPROVED"),
    ],
};
pub static STOCK_M: StateMachine = StateMachine {
    name: "Stock reservation",
    states: &["none", "RESERVED", "REFUSED", "RELEASED"],
    transitions: &[
        T::new("none", "reserve", "RESERVED"),
        T::new("none", "refuse", "REFUSED"),
        T::new("RESERVED", "release", "RELEASED"),
    ],
};
pub static PAY_M: StateMachine = StateMachine {
    name: "Payment",
    states: &["none", "CAPTURED", "DECLINED", "UNKNOWN"],
    transitions: &[
        T::new("none", "capture", "CAPTURED"),
        T::new("none", "decline", "DECLINED"),
        T::new("none", "time_out", "UNKNOWN"),
        T::new("UNKNOWN", "capture", "CAPTURED"),
    ],
};
pub static SHIP_M: StateMachine = StateMachine {
    name: "Shipment",
    states: &["none", "SCHEDULED"],
    transitions: &[
        T::new("none", "fail", "none"),
        T::new("none", "schedule", "SCHEDULED"),
    ],
};
pub static TPC_M: StateMachine = StateMachine {
    name: "2PC participant",
    states: &["idle", "WAITING", "PREPARED", "COMMITTED", "ABORTED"],
    transitions: &[
        T::new("idle", "prepare", "PREPARED"),
        T::new("idle", "wait", "WAITING"),
        T::new("idle", "vote_no", "ABORTED"),
        T::new("idle", "abort", "ABORTED"),
        T::new("WAITING", "prepare", "PREPARED"),
        T::new("WAITING", "vote_no", "ABORTED"),
        T::new("WAITING", "abort", "ABORTED"),
        T::new("PREPARED", "commit", "COMMITTED"),
        T::new("PREPARED", "abort", "ABORTED"),
        T::new("PREPARED", "heuristic_abort", "ABORTED"),
    ],
};

pub const ROLE_TABLES: [TableSchema; 4] = [
    TableSchema {
        title: "Orders",
        columns: &["order", "status", "saga", "customer's cancel"],
    },
    TableSchema {
        title: "Stock reservations",
        columns: &["order", "state", "units"],
    },
    TableSchema {
        title: "Payments",
        columns: &["order", "state", "captured"],
    },
    TableSchema {
        title: "Shipments",
        columns: &["order", "state", "parcels"],
    },
];
pub const PARTICIPANTS_TABLE: TableSchema = TableSchema {
    title: "2PC participants",
    columns: &["participant · order", "state", "lock", "blocked"],
};
pub const STOCK_TABLE: TableSchema = TableSchema {
    title: "Stock",
    columns: &["item", "available"],
};
pub const PROCESSED_TABLE: TableSchema = TableSchema {
    title: "Processed messages",
    columns: &["message", "service"],
};

/// A service's record of one order: its state, and units (inventory),
/// cents captured (payment), parcels (shipping) or locks (2PC).
#[derive(Clone, Debug, Hash)]
pub struct Rec {
    pub m: MachineState,
    pub qty: i64,
    /// The saga's outcome, as a choreography's last event tells the order service.
    pub note: &'static str,
    /// When it became PREPARED (2PC).
    pub since: u64,
    /// How long it was blocked, once decided (2PC).
    pub blocked_ms: Option<u64>,
    /// What became of the customer's cancel (order service; "" if none).
    pub cancel: &'static str,
}

impl Rec {
    /// A record in `machine`'s first state.
    pub fn new(machine: &'static StateMachine) -> Self {
        Self {
            m: MachineState::new(machine),
            qty: 0,
            note: "",
            since: 0,
            blocked_ms: None,
            cancel: "",
        }
    }
}

/// One committed local transaction (a monitor the checks read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Effect {
    pub saga: u8,
    pub step: u8,
    pub undo: bool,
    /// False: the step failed (its refusal committed, nothing to undo).
    pub ok: bool,
    /// The message that caused it (0: the service started it).
    pub msg: u32,
    /// The event it publishes.
    pub event: u32,
    pub at: u64,
    /// The same message had taken effect before.
    pub dup: bool,
}
