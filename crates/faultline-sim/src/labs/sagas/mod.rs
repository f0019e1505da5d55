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

pub mod actors;
pub mod bounded;
pub mod broker;
mod cancel;
pub mod cases;
pub mod config;
mod figures;
pub mod flow;
pub mod id;
pub mod invariants;
pub mod msg;
pub mod orchestrator;
pub mod outbox;
mod participant;
mod presets;
pub mod records;
pub mod saga;
pub mod service;
pub mod topics;

pub use actors::SagaActor;
pub use flow::{next, place_orders, Next, PLACE};
pub use id::{ID, MODEL_VERSION};
pub use saga::*;

use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::scenario::Config;
use config::Settings;

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
            interviews: presets::interviews(),
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
            SagaActor::Broker(broker::Broker::new(cfg.mode == config::Mode::Choreographed)),
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

    fn check_bounded(
        _cfg: &Settings,
        actors: &[SagaActor],
        now_ms: u64,
    ) -> Vec<(&'static str, String)> {
        bounded::check(actors, now_ms)
    }

    fn bounded() -> Vec<crate::lab::InvariantInfo> {
        bounded::list()
    }

    const MEASURE: Option<(&'static str, &'static str)> =
        Some(("the longest time a participant held a 2PC lock", "ms"));

    fn explorer_measure(_cfg: &Settings, actors: &[SagaActor], now_ms: u64) -> u64 {
        bounded::longest_hold(actors, now_ms)
    }

    fn explorer_note(property: &str) -> Option<&'static str> {
        match property {
            bounded::LOCK_HELD_AT_MOST_2S => Some(
                "Two-phase commit blocks: a participant that voted yes must hold its lock until the coordinator tells it the outcome, so a coordinator that is down keeps every lock held. A saga takes no locks across services; it undoes finished steps instead.",
            ),
            invariants::EVENT_IFF_COMMIT => Some(
                "A dual write saves the row and then publishes the event as two separate acts: a crash between them loses the event. The transactional outbox writes the event in the same transaction as the row, and a relay publishes it later.",
            ),
            _ => None,
        }
    }
}
