//! The card processor downstream of the payment API: slow on purpose, so
//! the client's timeout can fire while a payment is still being processed.

use super::config::PaymentsConfig;
use super::msg::PayMsg;
use crate::actor::{Actor, ActorId, Ctx};
use crate::machine::{MachineState, StateMachine, Transition};
use std::collections::BTreeMap;

pub static PROCESSOR_MACHINE: StateMachine = StateMachine {
    name: "Card processor",
    states: &["idle", "authorizing"],
    transitions: &[
        Transition {
            from: "idle",
            event: "authorize",
            to: "authorizing",
        },
        Transition {
            from: "authorizing",
            event: "authorize",
            to: "authorizing",
        },
        Transition {
            from: "authorizing",
            event: "approved",
            to: "idle",
        },
        Transition {
            from: "authorizing",
            event: "approved_more_waiting",
            to: "authorizing",
        },
    ],
};

#[derive(Clone, Debug)]
pub struct Processor {
    cfg: PaymentsConfig,
    /// Volatile: authorizations in progress, by timer tag.
    work: BTreeMap<u32, (ActorId, u32)>,
    next_tag: u32,
    next_auth: u32,
    machine: MachineState,
}

impl Processor {
    pub fn new(cfg: &PaymentsConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            work: BTreeMap::new(),
            next_tag: 1,
            next_auth: 1,
            machine: MachineState::new(&PROCESSOR_MACHINE),
        }
    }
}

impl Actor for Processor {
    type Msg = PayMsg;

    fn name(&self) -> &str {
        "card-processor"
    }

    fn title(&self) -> String {
        "Card processor".into()
    }

    fn machine(&self) -> &MachineState {
        &self.machine
    }

    fn on_message(&mut self, from: ActorId, msg: PayMsg, ctx: &mut Ctx<PayMsg>) {
        if let PayMsg::Authorize { req, .. } = msg {
            let tag = self.next_tag;
            self.next_tag += 1;
            self.work.insert(tag, (from, req));
            ctx.fire(&mut self.machine, "authorize");
            ctx.set_timer(self.cfg.processor_ms, tag, "authorizing");
            ctx.say_with(|| {
                format!(
                    "The card processor starts authorizing; it takes {} ms.",
                    self.cfg.processor_ms
                )
            });
        }
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<PayMsg>) {
        if let Some((to, req)) = self.work.remove(&tag) {
            let auth = self.next_auth;
            self.next_auth += 1;
            let event = if self.work.is_empty() {
                "approved"
            } else {
                "approved_more_waiting"
            };
            ctx.fire(&mut self.machine, event);
            ctx.send(to, PayMsg::Authorized { req, auth });
            ctx.say_with(|| format!("The card processor approves the payment (auth_{auth})."));
        }
    }

    fn on_crash(&mut self) {
        self.work.clear();
        self.machine.reset();
    }
}
