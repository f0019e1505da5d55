//! The Sagas lab's settings: the schema the config panel draws and the
//! typed values the actors read.

use crate::lab::{ConfigField, FieldKind, LabInfo};
use crate::scenario::Config;

pub const COORDINATION: &str = "coordination";
pub const OUTBOX: &str = "outbox";
pub const IDEMPOTENT: &str = "idempotent_consumer";
pub const CARD_KEY: &str = "card_key";
pub const DUAL_WRITE: &str = "dual_write";
pub const HEURISTIC: &str = "heuristic";
pub const ORDERS: &str = "orders";
pub const STOCK: &str = "stock";
pub const AFTER_PIVOT: &str = "after_pivot";
pub const SEMANTIC_LOCK: &str = "semantic_lock";

/// How the order's steps are coordinated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A saga orchestrator tells each service what to do and keeps a log.
    Orchestrated,
    /// Services react to each other's events through the broker.
    Choreographed,
    /// One distributed transaction: PREPARE, votes, COMMIT or ABORT.
    TwoPhase,
}

/// A field of the config panel.
const fn field(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    kind: FieldKind,
) -> ConfigField {
    ConfigField {
        key,
        label,
        help,
        kind,
    }
}

/// A count from `min` to `max`.
const fn count(default: i64, min: i64, max: i64) -> FieldKind {
    FieldKind::Number {
        default,
        min,
        max,
        step: 1,
        unit: "",
    }
}

static FIELDS: [ConfigField; 10] = [
    field(
        COORDINATION,
        "Coordination",
        "Who decides the next step: an orchestrator, the services themselves, or a 2PC coordinator.",
        FieldKind::Choice {
            default: "orchestrated",
            options: &[
                ("orchestrated", "Orchestrated saga"),
                ("choreographed", "Choreographed saga"),
                ("2pc", "Two-phase commit"),
            ],
        },
    ),
    field(
        OUTBOX,
        "Transactional outbox",
        "On: the event is written in the change's transaction. Off: a dual write.",
        FieldKind::Toggle { default: true },
    ),
    field(
        DUAL_WRITE,
        "Dual write order",
        "Without an outbox, which comes first.",
        FieldKind::Choice {
            default: "commit-first",
            options: &[("commit-first", "Commit, then publish"), ("publish-first", "Publish, then commit")],
        },
    ),
    field(
        IDEMPOTENT,
        "Idempotent consumers",
        "Services remember the messages they processed and drop repeats.",
        FieldKind::Toggle { default: true },
    ),
    field(
        CARD_KEY,
        "Key to the card network",
        "Payment sends a key with each capture: a retry cannot charge twice.",
        FieldKind::Toggle { default: true },
    ),
    field(
        SEMANTIC_LOCK,
        "Semantic lock",
        "A PENDING order has a saga at work on it: the order service refuses to cancel it until the saga ends.",
        FieldKind::Toggle { default: true },
    ),
    field(ORDERS, "Concurrent orders", "Orders placed at about the same time.", count(1, 1, 3)),
    field(STOCK, "Items in stock", "Units of the one item every order buys.", count(2, 0, 3)),
    field(
        AFTER_PIVOT,
        "After the pivot",
        "What a failed step after the payment does.",
        FieldKind::Choice {
            default: "retry",
            options: &[("retry", "Retry until it succeeds"), ("compensate", "Compensate (wrong)")],
        },
    ),
    field(
        HEURISTIC,
        "Heuristic decisions",
        "2PC: a participant PREPARED for 3 s aborts alone (an operator frees its lock).",
        FieldKind::Toggle { default: false },
    ),
];

/// The config panel's fields, in display order.
pub fn fields() -> Vec<ConfigField> {
    FIELDS.to_vec()
}

/// Typed settings.
#[derive(Clone, Copy, Debug, Hash)]
pub struct Settings {
    pub mode: Mode,
    pub outbox: bool,
    /// Dual write that publishes before it commits.
    pub publish_first: bool,
    pub idempotent: bool,
    pub card_key: bool,
    /// A PENDING order refuses a customer's cancel.
    pub semantic_lock: bool,
    pub heuristic: bool,
    pub orders: u8,
    pub stock: i64,
    pub retry_after_pivot: bool,
}

impl Settings {
    pub fn read(info: &LabInfo, c: &Config) -> Self {
        Self {
            mode: match info.choice(c, COORDINATION) {
                "choreographed" => Mode::Choreographed,
                "2pc" => Mode::TwoPhase,
                _ => Mode::Orchestrated,
            },
            outbox: info.flag(c, OUTBOX),
            publish_first: !info.flag(c, OUTBOX) && info.choice(c, DUAL_WRITE) == "publish-first",
            idempotent: info.flag(c, IDEMPOTENT),
            card_key: info.flag(c, CARD_KEY),
            semantic_lock: info.flag(c, SEMANTIC_LOCK),
            heuristic: info.flag(c, HEURISTIC),
            orders: info.number(c, ORDERS) as u8,
            stock: info.number(c, STOCK),
            retry_after_pivot: info.choice(c, AFTER_PIVOT) == "retry",
        }
    }
}
