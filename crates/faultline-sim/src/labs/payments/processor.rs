//! The card processor downstream of the payment API: slow on purpose, so
//! the client's timeout can fire while a payment is still being processed.
//! Its holds are where the money truth lives (DOMAIN.md §1): a hold is
//! money taken from the customer until it is voided. It remembers the keys
//! it is given for its own retention and compares the amount.

use super::config::{money, secs, PaymentsConfig};
use super::msg::{short, Key, PayMsg};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition};
use crate::rows::{mark_changed, RowChange, TableSchema};
use crate::scenario::Config;
use crate::small_map::SmallMap;

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
#[derive(Clone, Debug, Hash)]
struct Work {
    to: ActorId,
    req: u32,
    order: u32,
    amount: u64,
    key: Option<Key>,
}

/// Whether a hold still takes the customer's money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HoldState {
    Held,
    Voided,
}

/// A hold placed on a card: what the customer sees on their statement.
#[derive(Clone, Debug, Hash)]
pub struct Auth {
    pub id: u32,
    pub order: u32,
    pub amount: u64,
    pub key: Option<Key>,
    /// How many requests asked for it (more than 1: a repeat was recognised).
    pub asked: u32,
    pub state: HoldState,
    /// When the processor forgets `key` (its own retention).
    pub key_until: u64,
    /// When it was placed, and voided (the checks look at what moved now).
    pub placed_at: u64,
    pub voided_at: Option<u64>,
}

#[derive(Clone, Debug, Hash)]
pub struct Processor {
    cfg: PaymentsConfig,
    /// Volatile: authorizations in progress, by timer tag.
    work: SmallMap<u32, Work>,
    /// Durable: every authorization granted (a hold on the customer's card).
    pub auths: Vec<Auth>,
    /// Durable: the keys it was given and what it answered, until their
    /// retention ends.
    remembered: Vec<Remembered>,
    dirty: Vec<u32>,
    next_tag: u32,
    machine: MachineState,
    /// Set by the "decline-next" fault: the next authorization fails.
    decline_next: bool,
}

/// A key the processor was given and the answer it gave under it.
#[derive(Clone, Debug, Hash)]
struct Remembered {
    key: Key,
    amount: u64,
    until: u64,
    /// The hold placed, or None: declined.
    auth: Option<u32>,
}

/// What the processor decides for one authorization.
enum Outcome {
    Declined,
    KeyReused,
    Approved { auth: u32, repeat: bool },
}

impl Processor {
    pub fn new(cfg: &PaymentsConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            work: SmallMap::new(),
            auths: Vec::new(),
            remembered: Vec::new(),
            dirty: Vec::new(),
            next_tag: 1,
            machine: MachineState::new(&PROCESSOR_MACHINE),
            decline_next: false,
        }
    }

    /// The money held on cards now, per hold (voided holds excluded).
    pub fn held(&self) -> impl Iterator<Item = &Auth> {
        self.auths.iter().filter(|a| a.state == HoldState::Held)
    }

    /// Decide one authorization: a key the processor still remembers
    /// gets its first answer again (its hold, or its decline), or is
    /// refused if the amount differs; otherwise the card is authorized.
    fn decide(&mut self, w: &Work, now: u64) -> Outcome {
        let known = w.key.and_then(|k| {
            self.remembered
                .iter()
                .rev()
                .find(|r| r.key == k && now < r.until)
        });
        match known {
            Some(r) if r.amount != w.amount => return Outcome::KeyReused,
            Some(Remembered { auth: None, .. }) => return Outcome::Declined,
            Some(&Remembered { auth: Some(id), .. }) => {
                if let Some(a) = self.auths.iter_mut().find(|a| a.id == id) {
                    a.asked += 1;
                }
                return Outcome::Approved {
                    auth: id,
                    repeat: true,
                };
            }
            None => {}
        }
        let until = now.saturating_add(self.cfg.processor_key_ttl_ms);
        let declined = std::mem::take(&mut self.decline_next);
        let id = self.auths.len() as u32 + 1;
        if let Some(key) = w.key {
            self.remembered.push(Remembered {
                key,
                amount: w.amount,
                until,
                auth: (!declined).then_some(id),
            });
        }
        if declined {
            return Outcome::Declined;
        }
        self.auths.push(Auth {
            id,
            order: w.order,
            amount: w.amount,
            key: w.key,
            asked: 1,
            state: HoldState::Held,
            key_until: until,
            placed_at: now,
            voided_at: None,
        });
        Outcome::Approved {
            auth: id,
            repeat: false,
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
        match msg {
            PayMsg::Authorize {
                req,
                order,
                amount,
                key,
            } => {
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
                say!(
                    ctx,
                    "The card processor starts authorizing; it takes {} ms.",
                    self.cfg.processor_ms
                );
            }
            PayMsg::Void { auth } => {
                if let Some(a) = self.auths.iter_mut().find(|a| a.id == auth) {
                    a.state = HoldState::Voided;
                    a.voided_at = Some(ctx.now());
                    mark_changed(&mut self.dirty, auth);
                    ctx.data_changed();
                }
                say!(
                    ctx,
                    "The card processor voids auth_{auth}: the money held on the card is released."
                );
                ctx.send(from, PayMsg::Voided { auth });
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<PayMsg>) {
        let Some(w) = self.work.remove(&tag) else {
            return;
        };
        let more = if self.work.is_empty() {
            ""
        } else {
            "_more_waiting"
        };
        let event =
            |e: &'static str, more_e: &'static str| if more.is_empty() { e } else { more_e };
        match self.decide(&w, ctx.now()) {
            Outcome::Declined => {
                ctx.fire(
                    &mut self.machine,
                    event("declined", "declined_more_waiting"),
                );
                ctx.send(w.to, PayMsg::Declined { req: w.req });
                let same = if w.key.is_some() {
                    " (a repeat with the same key gets the same decline)"
                } else {
                    ""
                };
                say!(ctx, "The card processor declines the card: insufficient funds. Nothing is held{same}.");
            }
            Outcome::KeyReused => {
                ctx.fire(
                    &mut self.machine,
                    event("declined", "declined_more_waiting"),
                );
                ctx.send(w.to, PayMsg::KeyReusedDownstream { req: w.req });
                ctx.say("The card processor remembers this key with another amount, so it refuses (422) and holds nothing.");
            }
            Outcome::Approved { auth, repeat } => {
                mark_changed(&mut self.dirty, auth);
                ctx.data_changed();
                ctx.fire(
                    &mut self.machine,
                    event("approved", "approved_more_waiting"),
                );
                ctx.send(w.to, PayMsg::Authorized { req: w.req, auth });
                if repeat {
                    say!(ctx, "The card processor still remembers this key: it returns the hold it already placed (auth_{auth}) instead of holding the money twice.");
                } else if w.key.is_some() {
                    say!(ctx, "The card processor approves and places a hold on the card (auth_{auth}). It remembers the key it was given.");
                } else {
                    say!(ctx, "The card processor approves and places a hold on the card (auth_{auth}). It was given no key, so it cannot recognise a repeat.");
                }
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
        // Drained in place, so the list keeps its room for the next step.
        let mut dirty = std::mem::take(&mut self.dirty);
        if let Some(out) = out {
            for a in dirty
                .iter()
                .filter_map(|&id| self.auths.iter().find(|a| a.id == id))
            {
                let a = a.clone();
                out.push(RowChange::lazy(
                    AUTHS_TABLE.title,
                    u64::from(a.id),
                    move || {
                        vec![
                            format!("auth_{}", a.id),
                            format!("ord_{}", a.order),
                            money(a.amount).to_string(),
                            match a.state {
                                HoldState::Held => "HELD".into(),
                                HoldState::Voided => "VOIDED".into(),
                            },
                            a.key
                                .as_ref()
                                .map_or("none".into(), |k| short(k).to_string()),
                            a.key
                                .map_or("—".into(), |_| secs(a.key_until.min(999_999_999))),
                            a.asked.to_string(),
                        ]
                    },
                ));
            }
        }
        dirty.clear();
        self.dirty = dirty;
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
    columns: &[
        "authorization",
        "order",
        "amount",
        "state",
        "key",
        "key kept until",
        "times asked",
    ],
};
