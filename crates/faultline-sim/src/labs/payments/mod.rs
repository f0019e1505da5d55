//! The Payments lab: a checkout client pays through a payment API backed by
//! a database and a slow card processor. Learners lose responses, slow the
//! server, expire keys and crash between writes, and watch whether the
//! customer is charged twice, with and without an idempotency key.

pub mod api;
pub mod client;
pub mod config;
pub mod db;
pub mod invariants;
pub mod msg;
mod presets;
pub mod processor;

use crate::actor::{Actor, ActorId, Ctx, Instances};
use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::machine::MachineState;
use crate::scenario::Config;
use crate::trace::{RowChange, TableSchema};
use config::PaymentsConfig;
use msg::PayMsg;

/// Lab id used in scenarios and permalinks.
pub const ID: &str = "payments";

/// The model version: bumped whenever a preset's run changes.
/// 1: before versions existed. 2: the lab seam (timer kinds, instances,
/// transitions the tables did not allow are fixed). 3: money truth (the
/// processor's holds, key retention and amount check, the pass-key switch,
/// voids), API timeouts on its own calls, the visible expiry sweep.
pub const MODEL_VERSION: u32 = 3;

/// Any actor of this lab (static dispatch keeps the engine fast).
#[derive(Clone, Debug)]
pub enum PaymentActor {
    Client(client::Client),
    Api(api::Api),
    Db(db::Database),
    Processor(processor::Processor),
}

macro_rules! each {
    ($self:expr, $a:ident => $body:expr) => {
        match $self {
            PaymentActor::Client($a) => $body,
            PaymentActor::Api($a) => $body,
            PaymentActor::Db($a) => $body,
            PaymentActor::Processor($a) => $body,
        }
    };
}

impl Actor for PaymentActor {
    type Msg = PayMsg;

    fn name(&self) -> &str {
        each!(self, a => a.name())
    }
    fn title(&self) -> String {
        each!(self, a => a.title())
    }
    fn machine(&self) -> &MachineState {
        each!(self, a => a.machine())
    }
    fn on_start(&mut self, ctx: &mut Ctx<PayMsg>) {
        each!(self, a => a.on_start(ctx))
    }
    fn on_message(&mut self, from: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
        each!(self, a => a.on_message(from, msg, ctx))
    }
    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<PayMsg>) {
        each!(self, a => a.on_timer(tag, ctx))
    }
    fn on_crash(&mut self) {
        each!(self, a => a.on_crash())
    }
    fn on_restart(&mut self, ctx: &mut Ctx<PayMsg>) {
        each!(self, a => a.on_restart(ctx))
    }
    fn on_lab_fault(&mut self, name: &str, args: &Config, ctx: &mut Ctx<PayMsg>) -> bool {
        each!(self, a => a.on_lab_fault(name, args, ctx))
    }
    fn instances(&self) -> Option<Instances> {
        each!(self, a => a.instances())
    }
    fn schema(&self) -> Vec<TableSchema> {
        each!(self, a => a.schema())
    }
    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        each!(self, a => a.changed_rows(out))
    }
}

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
            interview: Some(presets::interview()),
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
