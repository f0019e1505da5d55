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
        Transition::new("idle", "authorize", "authorizing"),
        Transition::new("authorizing", "authorize", "authorizing"),
        Transition::new("authorizing", "approved", "idle"),
        Transition::new("authorizing", "approved_more_waiting", "authorizing"),
        Transition::new("authorizing", "declined", "idle"),
        Transition::new("authorizing", "declined_more_waiting", "authorizing"),
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
    /// Set by the "decline-next" fault: the next authorization fails.
    decline_next: bool,
}

impl Processor {
    pub fn new(cfg: &PaymentsConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            work: BTreeMap::new(),
            next_tag: 1,
            next_auth: 1,
            machine: MachineState::new(&PROCESSOR_MACHINE),
            decline_next: false,
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
            if std::mem::take(&mut self.decline_next) {
                let event = if self.work.is_empty() {
                    "declined"
                } else {
                    "declined_more_waiting"
                };
                ctx.fire(&mut self.machine, event);
                ctx.send(to, PayMsg::Declined { req });
                ctx.say(
                    "The card processor declines the card: insufficient funds. Nothing is charged.",
                );
                return;
            }
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

    fn on_lab_fault(&mut self, name: &str, ctx: &mut Ctx<PayMsg>) -> bool {
        if name != "decline-next" {
            return false;
        }
        self.decline_next = true;
        ctx.say("The card processor will decline the next card it is asked to authorize.");
        true
    }
}
