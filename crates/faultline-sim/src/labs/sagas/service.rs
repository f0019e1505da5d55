//! The order, inventory, payment and shipping services. Each owns its
//! tables, an outbox (or, with dual write, a buffer in memory) and its
//! relay, and a processed-message table when its consumer is idempotent.
//! In a saga each runs its local transactions and publishes one event per
//! commit; in two-phase commit each is a participant that votes and holds
//! its locks while prepared. Their records, machines and tables are data
//! in `records.rs`.

use super::config::{Mode, Settings};
use super::flow::{next, place_orders, Next, PLACE};
use super::msg::{Env, Kind, SagaMsg};
use super::outbox::{Outbox, RELAY};
use super::presets::{CUSTOMER_CANCELS, LAB_FAULTS};
use super::records::{
    Effect, Rec, ORDER_M, PARTICIPANTS_TABLE, PAY_M, PROCESSED_TABLE, ROLE_TABLES, SHIP_M, STOCK_M,
    STOCK_TABLE, TPC_M,
};
use super::saga::{AMOUNT, BROKER, INVENTORY, NAMES, ORCH, ORDER, PAYMENT, TITLES};
use super::topics::{reaction, topic_of};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::lines::say;
use crate::machine::MachineState;
use crate::rows::{mark_changed, RowChange, TableSchema};
use crate::scenario::Config;
use crate::small_map::SmallMap;
use crate::units::{money, secs};

/// Timer tag of the commit after a publish-first event.
const COMMIT: u32 = 2;
/// Timer tag of order `k`'s heuristic decision (31..=33; `participant.rs`).
pub(super) const HEURISTIC: u32 = 30;

#[derive(Clone, Debug, Hash)]
pub struct Service {
    pub id: ActorId,
    pub(super) cfg: Settings,
    pub recs: SmallMap<u8, Rec>,
    /// Units in stock (inventory).
    pub available: i64,
    pub effects: Vec<Effect>,
    pub outbox: Outbox,
    /// The processed-message table (idempotent consumers only).
    pub processed: Vec<u32>,
    /// Lab faults waiting for the next transaction.
    armed: Vec<&'static str>,
    shown: MachineState,
    /// (table: 0 record, 1 stock, 2 processed; key).
    dirty: Vec<(u8, u32)>,
    /// Publish first: changes whose event is out, not yet committed.
    pub pending: Vec<Pending>,
    /// Orders whose customer's cancel committed (a monitor for the checks).
    pub customer_cancels: Vec<u8>,
}

/// A change whose event was published before it committed, with the
/// record and stock from before it (what a crash rolls back to).
#[derive(Clone, Debug, Hash)]
pub struct Pending {
    pub(super) saga: u8,
    pub(super) step: u8,
    pub(super) kind: Kind,
    pub(super) msg: u32,
    pub(super) q: u32,
    pub event: u32,
    pub(super) before: (Option<Rec>, i64),
}

impl Service {
    pub fn new(id: ActorId, cfg: &Settings) -> Self {
        let machine = match (cfg.mode, id) {
            (Mode::TwoPhase, ORDER | INVENTORY | PAYMENT) => &TPC_M,
            (_, ORDER) => &ORDER_M,
            (_, INVENTORY) => &STOCK_M,
            (_, PAYMENT) => &PAY_M,
            _ => &SHIP_M,
        };
        Self {
            id,
            cfg: *cfg,
            recs: SmallMap::new(),
            available: if id == INVENTORY { cfg.stock } else { 0 },
            effects: Vec::new(),
            outbox: Outbox::new(cfg.outbox, u32::from(id) * 1000),
            processed: Vec::new(),
            armed: Vec::new(),
            shown: MachineState::new(machine),
            dirty: Vec::new(),
            pending: Vec::new(),
            customer_cancels: Vec::new(),
        }
    }

    fn title_str(&self) -> &'static str {
        TITLES[self.id as usize]
    }

    pub(super) fn rec(&mut self, saga: u8) -> &mut Rec {
        if !self.recs.contains_key(&saga) {
            self.recs.insert(saga, Rec::new(self.shown.machine));
        }
        &mut self.recs[&saga]
    }

    pub(super) fn state(&self, saga: u8) -> &'static str {
        self.recs
            .get(&saga)
            .map_or(self.shown.machine.initial(), |r| r.m.current)
    }

    /// Move order `saga`'s record (a repeated effect its table has no
    /// arrow for changes the data but not the state).
    pub(super) fn fire(&mut self, saga: u8, event: &'static str, ctx: &mut Ctx<SagaMsg>) {
        let r = self.rec(saga);
        if r.m.machine.next(r.m.current, event).is_some() {
            ctx.fire_instance(&mut r.m, u32::from(saga), event);
        }
        self.shown = self.recs[&saga].m;
        self.touch(0, u32::from(saga), ctx);
    }

    pub(super) fn touch(&mut self, table: u8, key: u32, ctx: &mut Ctx<SagaMsg>) {
        mark_changed(&mut self.dirty, (table, key));
        ctx.data_changed();
    }

    pub(super) fn take_fault(&mut self, name: &str) -> bool {
        let at = self.armed.iter().position(|f| *f == name);
        at.map(|i| self.armed.remove(i)).is_some()
    }

    pub(super) fn units(&mut self, delta: i64, ctx: &mut Ctx<SagaMsg>) {
        self.available += delta;
        self.touch(1, 0, ctx);
    }

    /// A brokered command or event arrives.
    fn consume(&mut self, q: u32, env: Env, ctx: &mut Ctx<SagaMsg>) {
        let me = self.title_str();
        if self.cfg.idempotent && self.processed.contains(&env.id) {
            say!(
                ctx,
                "{me} has already processed m{}: a duplicate, dropped and acknowledged.",
                env.id
            );
            ctx.send(BROKER, SagaMsg::Ack(q));
            return;
        }
        let why = if env.kind == Kind::Failed {
            env.step
        } else {
            env.why
        };
        let before = (self.recs.get(&env.saga).cloned(), self.available);
        let then = match env.topic {
            None => next(&env),
            Some(topic) => match reaction(&env, self.id) {
                Some(then) => then,
                None => {
                    say!(
                        ctx,
                        "{me} does not subscribe to {topic}: acknowledged, ignored."
                    );
                    ctx.send(BROKER, SagaMsg::Ack(q));
                    return;
                }
            },
        };
        let done = match then {
            Next::Do(s) => self.run(s, env.saga, ctx).map(|k| (s, k)),
            Next::Undo(s) => self.undo(s, env.saga, why, ctx).map(|()| (s, Kind::Undid)),
            end => {
                let note = if end == Next::Completed {
                    "COMPLETED"
                } else {
                    "COMPENSATED"
                };
                self.rec(env.saga).note = note;
                self.touch(0, u32::from(env.saga), ctx);
                say!(ctx, "The last event: this saga is {note}.");
                ctx.send(BROKER, SagaMsg::Ack(q));
                return;
            }
        };
        match done {
            Some((s, kind)) if self.cfg.publish_first => {
                let event = self.event(env.saga, s, kind, why);
                self.outbox.retry(ctx);
                self.pending.push(Pending {
                    saga: env.saga,
                    step: s,
                    kind,
                    msg: env.id,
                    q,
                    event,
                    before,
                });
                ctx.set_timer(5, COMMIT, TimerKind::Work, "commit");
                ctx.say("Publish first: the event is out before the change commits.");
            }
            Some((s, kind)) => self.commit(env.saga, s, kind, why, env.id, Some(q), ctx),
            None => ctx.say(
                "The step did not finish: no event, no ack. The broker will redeliver the message.",
            ),
        }
    }

    /// The local transaction: its effect, the processed message and the
    /// event (in the outbox, or in memory with dual write); then the ack
    /// and the publish.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        saga: u8,
        s: u8,
        kind: Kind,
        why: u8,
        msg: u32,
        q: Option<u32>,
        ctx: &mut Ctx<SagaMsg>,
    ) {
        let id = self.event(saga, s, kind, why);
        self.record(saga, s, kind, msg, id, ctx);
        ctx.say(if self.cfg.outbox {
            "One local transaction: the change and its outbox row."
        } else {
            "Dual write: the change is committed; its event is only in memory until published."
        });
        if let Some(q) = q {
            ctx.send(BROKER, SagaMsg::Ack(q));
        }
        self.outbox.wake(ctx);
    }

    /// The committed change (a monitor for the checks) and its processed message.
    fn record(
        &mut self,
        saga: u8,
        s: u8,
        kind: Kind,
        msg: u32,
        event: u32,
        ctx: &mut Ctx<SagaMsg>,
    ) {
        let dup = msg != 0 && self.effects.iter().any(|e| e.msg == msg);
        let (undo, ok) = (kind == Kind::Undid, kind != Kind::Failed);
        self.effects.push(Effect {
            saga,
            step: s,
            undo,
            ok,
            msg,
            event,
            at: ctx.now(),
            dup,
        });
        if self.cfg.idempotent && msg != 0 {
            self.processed.push(msg);
            self.touch(2, msg, ctx);
        }
    }

    /// Publish first: the changes whose events are out commit now.
    fn commit_pending(&mut self, ctx: &mut Ctx<SagaMsg>) {
        for p in std::mem::take(&mut self.pending) {
            self.record(p.saga, p.step, p.kind, p.msg, p.event, ctx);
            ctx.send(BROKER, SagaMsg::Ack(p.q));
        }
        ctx.say("The change commits, after its event went out.");
    }

    /// The event of a step's outcome, kept to publish (in the outbox, or in memory).
    fn event(&mut self, saga: u8, s: u8, kind: Kind, why: u8) -> u32 {
        let id = self.outbox.new_id();
        let mut env = Env {
            id,
            saga,
            step: s,
            kind,
            to: ORCH,
            why,
            topic: None,
        };
        if self.cfg.mode == Mode::Choreographed {
            // To the event's topic: who consumes it is the broker's business.
            (env.to, env.topic) = (BROKER, topic_of(kind, s));
        }
        self.outbox.add(env);
        id
    }

    /// Step `s` for order `saga`: the event kind it commits, or `None`
    /// (nothing committed; the command will come again).
    fn run(&mut self, s: u8, saga: u8, ctx: &mut Ctx<SagaMsg>) -> Option<Kind> {
        if self.id == INVENTORY && self.take_fault("fail-next") {
            ctx.say("Inventory's database fails the transaction.");
            return None;
        }
        match s {
            1 => {
                self.fire(saga, "create", ctx);
                ctx.say(if self.cfg.semantic_lock {
                    "The order is created PENDING: a semantic lock. Until its saga ends, the order service refuses to cancel it."
                } else {
                    "The order is created PENDING. No semantic lock: nothing stops a cancel while its saga runs."
                });
            }
            2 if self.take_fault("out-of-stock") || self.available <= 0 => {
                let held = self.recs.iter().any(|(_, r)| r.m.current == "RESERVED");
                self.fire(saga, "refuse", ctx);
                ctx.say(if held {
                    "No unit left: the last one is RESERVED for another order. T2 is refused."
                } else {
                    "Out of stock: T2 is refused."
                });
                return Some(Kind::Failed);
            }
            2 => {
                self.units(-1, ctx);
                self.rec(saga).qty += 1;
                self.fire(saga, "reserve", ctx);
                ctx.say("One unit RESERVED.");
            }
            3 => return self.capture(saga, ctx),
            4 if self.state(saga) == "CANCELLED" => {
                self.fire(saga, "approve over cancel (wrong)", ctx);
                say!(ctx, "T4 writes APPROVED over the customer's cancel: a lost update. The saga never read o{saga}'s status, and nothing had marked o{saga} as busy.");
            }
            4 => {
                self.fire(saga, "approve", ctx);
                ctx.say("The order is APPROVED.");
            }
            _ if self.take_fault("fail-next") => {
                self.fire(saga, "fail", ctx);
                if self.cfg.retry_after_pivot {
                    ctx.say(
                        "Shipping is down. After the pivot a step is retried, never compensated.",
                    );
                    return None;
                }
                ctx.say("Shipping is down and reports a failure. This setting compensates after the pivot (wrong): the paid order is undone.");
                return Some(Kind::Failed);
            }
            _ => {
                self.rec(saga).qty += 1;
                self.fire(saga, "schedule", ctx);
                ctx.say("Shipment SCHEDULED.");
            }
        }
        Some(Kind::Did)
    }

    fn capture(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) -> Option<Kind> {
        let fresh = self.state(saga) == "none";
        if fresh && self.take_fault("decline-next") {
            self.fire(saga, "decline", ctx);
            ctx.say("The card is declined: the pivot fails, so the saga compensates.");
            return Some(Kind::Failed);
        }
        if fresh && self.take_fault("payment-timeout") {
            self.rec(saga).qty += AMOUNT;
            self.fire(saga, "time_out", ctx);
            ctx.say("The card network charges the card but its answer is lost. Payment records UNKNOWN: did it charge?");
            return None;
        }
        let again = self.state(saga) == "UNKNOWN";
        if self.cfg.card_key && self.rec(saga).qty > 0 {
            ctx.say("Payment asks again with the same idempotency key: the card network returns its first capture. Charged once.");
        } else if again {
            self.rec(saga).qty += AMOUNT;
            ctx.say("Payment asks again with no idempotency key: the card network charges the card a second time.");
        } else {
            self.rec(saga).qty += AMOUNT;
            ctx.say("Payment captures the price: the pivot. From here the saga only goes forward.");
        }
        self.fire(saga, "capture", ctx);
        Some(Kind::Did)
    }

    /// Compensation `s` for order `saga`.
    fn undo(&mut self, s: u8, saga: u8, why: u8, ctx: &mut Ctx<SagaMsg>) -> Option<()> {
        if self.take_fault("fail-next") {
            say!(
                ctx,
                "C{s} fails for o{saga}: a compensation is retried until it succeeds."
            );
            return None;
        }
        if s == 2 {
            self.units(1, ctx);
            let r = self.rec(saga);
            r.qty = (r.qty - 1).max(0);
            self.fire(saga, "release", ctx);
            ctx.say("C2: the reserved unit is RELEASED.");
        } else {
            self.fire(
                saga,
                if why == 3 { "payment_failed" } else { "cancel" },
                ctx,
            );
            say!(ctx, "C1: the order is {}.", self.state(saga));
            if self.cfg.mode == Mode::Choreographed {
                self.rec(saga).note = "COMPENSATED";
                ctx.say("C1 is the order service's own step: it ends the saga COMPENSATED in the same transaction.");
            }
        }
        Some(())
    }

    /// The choreography's first step: the order service takes an order.
    fn place(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        if !self.recs.contains_key(&saga) {
            self.run(1, saga, ctx);
            self.commit(saga, 1, Kind::Did, 0, 0, None, ctx);
        }
    }

    fn start_timers(&self, ctx: &mut Ctx<SagaMsg>) {
        if self.id == ORDER && self.cfg.mode == Mode::Choreographed {
            place_orders(self.cfg.orders, &|k| self.recs.contains_key(&k), ctx);
        }
    }
}

impl Actor for Service {
    type Msg = SagaMsg;

    fn name(&self) -> &str {
        NAMES[self.id as usize]
    }
    fn title(&self) -> String {
        self.title_str().into()
    }
    fn machine(&self) -> &MachineState {
        &self.shown
    }
    fn on_start(&mut self, ctx: &mut Ctx<SagaMsg>) {
        self.start_timers(ctx);
    }
    fn on_message(&mut self, _from: ActorId, msg: SagaMsg, ctx: &mut Ctx<SagaMsg>) {
        match msg {
            SagaMsg::Deliver { q, env } => self.consume(q, env, ctx),
            SagaMsg::Stored(id) => self.outbox.stored(id, ctx),
            SagaMsg::Prepare(saga) => self.prepare(saga, ctx),
            SagaMsg::Decide { saga, commit } => self.decide(saga, commit, ctx),
            _ => {}
        }
    }
    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<SagaMsg>) {
        match tag {
            RELAY => self.outbox.retry(ctx),
            COMMIT => self.commit_pending(ctx),
            HEURISTIC.. => self.heuristic((tag - HEURISTIC) as u8, ctx),
            _ => self.place((tag - PLACE) as u8, ctx),
        }
    }
    fn on_crash(&mut self) {
        self.outbox.crash();
        // Publish first: a change not yet committed is rolled back.
        for p in std::mem::take(&mut self.pending).into_iter().rev() {
            let rec = p.before.0.unwrap_or_else(|| Rec::new(self.shown.machine));
            self.shown = rec.m;
            self.recs.insert(p.saga, rec);
            self.available = p.before.1;
            mark_changed(&mut self.dirty, (0, u32::from(p.saga)));
            mark_changed(&mut self.dirty, (1, 0));
        }
    }
    fn on_restart(&mut self, ctx: &mut Ctx<SagaMsg>) {
        ctx.say(if self.cfg.outbox {
            "Restarted from its database: its outbox rows wait for the relay."
        } else {
            "Restarted from its database: unsent events in memory are gone."
        });
        ctx.data_changed();
        self.outbox.retry(ctx);
        self.start_timers(ctx);
    }
    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<SagaMsg>) -> bool {
        if name == CUSTOMER_CANCELS {
            self.customer_cancel(ctx);
            return true;
        }
        let Some(f) = LAB_FAULTS.iter().find(|f| **f == name) else {
            return false;
        };
        say!(ctx, "Fault {f} waits for its next transaction.");
        self.armed.push(f);
        true
    }
    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "order",
            durable: true,
        })
    }
    fn schema(&self) -> Vec<TableSchema> {
        let mut v = vec![if self.cfg.mode == Mode::TwoPhase {
            PARTICIPANTS_TABLE
        } else {
            ROLE_TABLES[(self.id - ORDER) as usize]
        }];
        if self.id == INVENTORY {
            v.push(STOCK_TABLE);
        }
        if self.cfg.mode != Mode::TwoPhase {
            v.push(self.outbox.table());
            if self.cfg.idempotent {
                v.push(PROCESSED_TABLE);
            }
        }
        v
    }
    fn changed_rows(&mut self, mut out: Option<&mut Vec<RowChange>>) {
        let name = NAMES[self.id as usize];
        let tpc = self.cfg.mode == Mode::TwoPhase;
        let (id, available, table) = (self.id, self.available, self.schema()[0].title);
        for (t, key) in self.dirty.drain(..) {
            let Some(out) = out.as_deref_mut() else {
                continue;
            };
            let row = match t {
                0 => {
                    let Some(r) = self.recs.get(&(key as u8)).cloned() else {
                        continue;
                    };
                    RowChange::lazy(table, u64::from(id) * 100 + u64::from(key), move || {
                        let state = r.m.current.to_string();
                        if tpc {
                            let lock = if state == "PREPARED" { "held" } else { "—" };
                            let blocked = r.blocked_ms.map_or(
                                if lock == "held" {
                                    format!("since {}", secs(r.since))
                                } else {
                                    "—".into()
                                },
                                secs,
                            );
                            return vec![format!("{name} · o{key}"), state, lock.into(), blocked];
                        }
                        let detail = match id {
                            ORDER => {
                                return vec![
                                    format!("o{key}"),
                                    state,
                                    r.note.into(),
                                    r.cancel.into(),
                                ]
                            }
                            PAYMENT if state == "UNKNOWN" => "unknown".into(),
                            PAYMENT => money(r.qty as u64).to_string(),
                            _ => r.qty.to_string(),
                        };
                        vec![format!("o{key}"), state, detail]
                    })
                }
                1 => RowChange::lazy(STOCK_TABLE.title, 0, move || {
                    vec!["item".into(), available.to_string()]
                }),
                _ => RowChange::lazy(PROCESSED_TABLE.title, u64::from(key), move || {
                    vec![format!("m{key}"), name.into()]
                }),
            };
            out.push(row);
        }
        self.outbox.rows_changed(name, &mut out);
    }
}
