//! The Payments lab: a checkout client pays through a payment API backed by
//! a database and a slow card processor. Learners lose responses, slow the
//! server, expire keys and crash between writes, and watch whether the
//! customer is charged twice, with and without an idempotency key.

pub mod actors;
pub mod api;
mod api_downstream;
pub mod cases;
pub mod client;
pub mod config;
pub mod db;
pub mod id;
pub mod invariants;
pub mod msg;
mod presets;
pub mod processor;

pub use actors::PaymentActor;
pub use id::{ID, MODEL_VERSION};

use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::scenario::Config;
use config::PaymentsConfig;

/// The lab's plug-in for the engine.
pub struct PaymentsLab;

impl Lab for PaymentsLab {
    type Actor = PaymentActor;
    type Settings = PaymentsConfig;

    fn info() -> LabInfo {
        LabInfo {
            id: ID,
            model_version: MODEL_VERSION,
            default_preset: "lost-response-no-key",
            lab_faults: presets::lab_faults(),
            title: "Payments: retries and idempotency keys",
            tagline: "A payment times out. The client retries. Is the customer charged twice?",
            config: config::fields(),
            palette: presets::palette(),
            presets: presets::presets(),
            invariants: invariants::list(),
            figures: crate::lab::no_figures,
            interviews: presets::interviews(),
            comparisons: presets::comparisons(),
            compare_tables: &["Card authorizations", "Client attempts"],
        }
    }

    fn settings(info: &LabInfo, config: &Config) -> PaymentsConfig {
        PaymentsConfig::read(info, config)
    }

    fn build(cfg: &PaymentsConfig) -> Vec<PaymentActor> {
        let mut actors: Vec<PaymentActor> = (0..cfg.clients)
            .map(|i| PaymentActor::Client(client::Client::new(i, cfg)))
            .collect();
        actors.push(PaymentActor::Api(api::Api::new(cfg)));
        actors.push(PaymentActor::Db(db::Database::new(cfg)));
        actors.push(PaymentActor::Processor(processor::Processor::new(cfg)));
        actors
    }

    fn check(
        cfg: &PaymentsConfig,
        actors: &[PaymentActor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        invariants::check(actors, cfg, trace)
    }

    fn check_end(
        cfg: &PaymentsConfig,
        actors: &[PaymentActor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        let mut out = invariants::check(actors, cfg, trace);
        if let (Some(PaymentActor::Db(db)), true) = (
            actors.get(cfg.db() as usize),
            !trace.is_broken(invariants::CHARGE_IFF_COMPLETED),
        ) {
            invariants::check_keys_end(db, &mut out);
        }
        if !trace.is_broken(invariants::LEDGER_MATCHES_PROCESSOR)
            && !out
                .iter()
                .any(|(id, _)| *id == invariants::LEDGER_MATCHES_PROCESSOR)
        {
            out.extend(invariants::check_end(actors, cfg));
        }
        out
    }

    const MEASURE: Option<(&'static str, &'static str)> =
        Some(("the most attempts a client made to pay", "attempts"));

    fn explorer_measure(_cfg: &PaymentsConfig, actors: &[PaymentActor], _now_ms: u64) -> u64 {
        actors
            .iter()
            .filter_map(|a| match a {
                PaymentActor::Client(c) => Some(c.attempts.len() as u64),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    fn explorer_note(property: &str) -> Option<&'static str> {
        match property {
            invariants::LEDGER_MATCHES_PROCESSOR => Some(
                "No retry can repair this: the processor holds the money but the ledger never got its row (the write was lost or the API went down before it). Real systems run a reconciliation job that compares the ledger with the processor's records and records or voids such holds; this lab leaves them for that job.",
            ),
            invariants::ONE_CHARGE_PER_ORDER => Some(
                "A request the client or the network sends twice reaches the processor twice. Only a key that travels with every retry, checked before the processor is called and passed on to it, makes the second one a replay.",
            ),
            invariants::CHARGE_IFF_COMPLETED => Some(
                "A key store that saves the key and the ledger row in separate writes can be left half done by a crash: the key stays IN_FLIGHT beside its row, and every retry gets 409 Conflict until someone settles it.",
            ),
            _ => None,
        }
    }
}
