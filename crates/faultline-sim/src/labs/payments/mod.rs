//! The Payments lab: a checkout client pays through a payment API backed by
//! a database and a slow card processor. Learners lose responses, slow the
//! server, expire keys and crash between writes, and watch whether the
//! customer is charged twice, with and without an idempotency key.

pub mod api;
pub mod cases;
pub mod client;
pub mod config;
pub mod db;
pub mod invariants;
pub mod msg;
mod presets;
pub mod processor;

use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::scenario::Config;
use config::PaymentsConfig;
use msg::PayMsg;

/// Lab id used in scenarios and permalinks.
pub const ID: &str = "payments";

/// The model version: bumped whenever a preset's run changes.
/// 1: before versions existed. 2: the lab seam (timer kinds, instances,
/// transitions the tables did not allow are fixed). 3: money truth (the
/// processor's holds, key retention and amount check, the pass-key switch,
/// voids), API timeouts on its own calls, the visible expiry sweep.
/// 4: issue 18: a lapsed IN_FLIGHT lock is never re-run blindly (asked
/// again downstream with the same key, or 409 until reconciled; the blind
/// re-run is the wrong setting `rerun_lapsed`), the non-atomic ledger row
/// is fenced by the claim token, "ledger row" vs "hold" wording, the
/// `new-key` fault, mismatch-no-effect removed.
pub const MODEL_VERSION: u32 = 4;

/// Any actor of this lab (static dispatch keeps the engine fast).
#[derive(Clone, Debug)]
pub enum PaymentActor {
    Client(client::Client),
    Api(api::Api),
    Db(db::Database),
    Processor(processor::Processor),
}

crate::forward_actor!(PaymentActor, PayMsg, [Client, Api, Db, Processor]);

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
            interview: Some(presets::interview()),
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
}
