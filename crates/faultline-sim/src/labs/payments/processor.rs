//! The card processor downstream of the payment API: slow on purpose, so
//! the client's timeout can fire while a payment is still being processed.

use super::config::money;
use super::config::PaymentsConfig;
use super::msg::{short, Key, PayMsg};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::scenario::Config;
use crate::trace::{mark_changed, RowChange, TableSchema};
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

/// An authorization being worked on.
#[derive(Clone, Debug)]
struct Work {
    to: ActorId,
    req: u32,
    order: u32,
    amount: u64,
    key: Option<Key>,
}

/// A hold placed on a card.
#[derive(Clone, Debug)]
pub struct Auth {
    pub id: u32,
    pub order: u32,
    pub amount: u64,
    pub key: Option<Key>,
    /// How many requests asked for it (more than 1: a repeat was recognised).
    pub asked: u32,
}

#[derive(Clone, Debug)]
pub struct Processor {
    cfg: PaymentsConfig,
    /// Volatile: authorizations in progress, by timer tag.
    work: BTreeMap<u32, Work>,
    /// Durable: every authorization granted (a hold on the customer's card).
    pub auths: Vec<Auth>,
    dirty: Vec<u32>,
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
            auths: Vec::new(),
            dirty: Vec::new(),
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
        if let PayMsg::Authorize {
            req,
            order,
            amount,
            key,
        } = msg
        {
            let tag = self.next_tag;
            self.next_tag += 1;
            self.work.insert(
                tag,
                Work {
                    to: from,
                    req,
                    order,
                    amount,
                    key,
                },
            );
            ctx.fire(&mut self.machine, "authorize");
            ctx.set_timer(self.cfg.processor_ms, tag, TimerKind::Work, "authorizing");
            ctx.say_with(|| {
                format!(
                    "The card processor starts authorizing; it takes {} ms.",
                    self.cfg.processor_ms
                )
            });
        }
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<PayMsg>) {
        if let Some(Work {
            to,
            req,
            order,
            amount,
            key,
        }) = self.work.remove(&tag)
        {
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
            // With a key, a repeat gets the hold already placed, not a second one.
            let existing = key.and_then(|k| self.auths.iter_mut().find(|a| a.key == Some(k)));
            let (auth, repeat) = match existing {
                Some(a) => {
                    a.asked += 1;
                    (a.id, true)
                }
                None => {
                    let id = self.next_auth;
                    self.next_auth += 1;
                    self.auths.push(Auth {
                        id,
                        order,
                        amount,
                        key,
                        asked: 1,
                    });
                    (id, false)
                }
            };
            mark_changed(&mut self.dirty, auth);
            ctx.data_changed();
            let event = if self.work.is_empty() {
                "approved"
            } else {
                "approved_more_waiting"
            };
            ctx.fire(&mut self.machine, event);
            ctx.send(to, PayMsg::Authorized { req, auth });
            if repeat {
                ctx.say_with(|| format!("The card processor recognises the idempotency key: it returns the hold it already placed (auth_{auth}) instead of holding the money twice."));
            } else {
                ctx.say_with(|| format!("The card processor approves the payment and places a hold on the card (auth_{auth})."));
            }
        }
    }

    fn on_crash(&mut self) {
        self.work.clear();
        self.machine.reset();
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![AUTHS_TABLE]
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let dirty = std::mem::take(&mut self.dirty);
        let Some(out) = out else { return };
        for id in dirty {
            if let Some(a) = self.auths.iter().find(|a| a.id == id) {
                let row = vec![
                    format!("auth_{}", a.id),
                    format!("ord_{}", a.order),
                    money(a.amount),
                    a.key.as_ref().map_or("none".into(), short),
                    a.asked.to_string(),
                ];
                out.push(RowChange::new(AUTHS_TABLE.title, row));
            }
        }
    }

    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<PayMsg>) -> bool {
        if name != "decline-next" {
            return false;
        }
        self.decline_next = true;
        ctx.say("The card processor will decline the next card it is asked to authorize.");
        true
    }
}

/// The holds the processor placed on cards.
pub const AUTHS_TABLE: TableSchema = TableSchema {
    title: "Card authorizations",
    columns: &["authorization", "order", "amount", "key", "times asked"],
};
