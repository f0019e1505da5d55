//! The saga orchestrator, with its durable saga log (which is also its
//! outbox: a command is logged before the relay publishes it). It re-sends
//! the current command of a saga on recovery and when a step gets no reply
//! in time (safe when consumers drop repeats). In two-phase commit it is
//! the coordinator: PREPARE, votes, a logged decision, COMMIT or ABORT
//! resent, with a capped backoff, until every participant acknowledges it.

use super::config::{Mode, Settings};
use super::flow::{next, place_orders, Next, PLACE};
use super::msg::{Env, Kind, SagaMsg};
use super::outbox::{Outbox, RELAY};
use super::saga::{step, BROKER, NAMES, PARTICIPANTS, PIVOT};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::lines::say;
use crate::machine::{MachineState, StateMachine, Transition as T};
use crate::rows::{RowChange, TableSchema};
use crate::small_map::SmallMap;

pub static SAGA_M: StateMachine = StateMachine {
    name: "Saga (orchestrator)",
    states: &[
        "not started",
        "T1 create order",
        "T2 reserve stock",
        "T3 capture payment",
        "T4 approve order",
        "T5 schedule shipping",
        "C2 release stock",
        "C1 reject order",
        "COMPLETED",
        "COMPENSATED",
    ],
    transitions: &[
        T::new("not started", "start", "T1 create order"),
        T::new("T1 create order", "ok", "T2 reserve stock"),
        T::new("T2 reserve stock", "ok", "T3 capture payment"),
        T::new("T3 capture payment", "ok", "T4 approve order"),
        T::new("T4 approve order", "ok", "T5 schedule shipping"),
        T::new("T5 schedule shipping", "ok", "COMPLETED"),
        T::new("T2 reserve stock", "failed", "C1 reject order"),
        T::new("T3 capture payment", "failed", "C2 release stock"),
        // Only the wrong "compensate after the pivot" setting takes this.
        T::new(
            "T5 schedule shipping",
            "undo paid (wrong)",
            "C2 release stock",
        ),
        T::new("C2 release stock", "undone", "C1 reject order"),
        T::new("C1 reject order", "undone", "COMPENSATED"),
    ],
};

pub static TPC_COORD_M: StateMachine = StateMachine {
    name: "2PC transaction",
    states: &[
        "not started",
        "PREPARING",
        "COMMITTING",
        "ABORTING",
        "COMMITTED",
        "ABORTED",
    ],
    transitions: &[
        T::new("not started", "begin", "PREPARING"),
        T::new("PREPARING", "all_yes", "COMMITTING"),
        T::new("PREPARING", "abort", "ABORTING"),
        T::new("COMMITTING", "all_acked", "COMMITTED"),
        T::new("ABORTING", "all_acked", "ABORTED"),
    ],
};

pub const SAGA_LOG: TableSchema = TableSchema {
    title: "Saga log",
    columns: &["entry", "order", "state"],
};
pub const TPC_LOG: TableSchema = TableSchema {
    title: "Coordinator log",
    columns: &["entry", "order", "state"],
};

const VOTE_MS: u64 = 1_500;
/// 2PC: the first wait for acknowledgements; it doubles up to 8 s.
const RESEND_MS: u64 = 1_000;
/// Saga: the first wait for a step's reply; it doubles up to 24 s.
const STEP_MS: u64 = 3_000;

/// The `n`th wait (from 0) of a series that starts at `first` and doubles
/// up to 8 times `first`.
fn backoff(first: u64, n: u8) -> u64 {
    first << n.min(3)
}

/// One saga or 2PC transaction.
#[derive(Clone, Debug, Hash)]
pub struct Entry {
    pub m: MachineState,
    /// The step in progress and whether it is a compensation.
    pub step: u8,
    pub undo: bool,
    pub why: u8,
    /// The message id of the current command.
    pub cmd: u32,
    /// 2PC: participants that acknowledged the decision.
    pub acks: Vec<ActorId>,
    resends: u8,
}

#[derive(Clone, Debug, Hash)]
pub struct Orchestrator {
    cfg: Settings,
    /// Sagas (or transactions) by order; with the log, durable.
    pub sagas: SmallMap<u8, Entry>,
    /// The durable log: each state an order's saga entered.
    pub log: Vec<(u8, &'static str)>,
    outbox: Outbox,
    /// 2PC: YES votes received, (order, participant); volatile.
    votes: Vec<(u8, ActorId)>,
    shown: MachineState,
    logged: usize,
}

impl Orchestrator {
    pub fn new(cfg: &Settings) -> Self {
        let m = if cfg.mode == Mode::TwoPhase {
            &TPC_COORD_M
        } else {
            &SAGA_M
        };
        Self {
            cfg: *cfg,
            sagas: SmallMap::new(),
            log: Vec::new(),
            outbox: Outbox::new(true, 0),
            votes: Vec::new(),
            shown: MachineState::new(m),
            logged: 0,
        }
    }

    fn fire(&mut self, saga: u8, event: &'static str, ctx: &mut Ctx<SagaMsg>) {
        let e = &mut self.sagas[&saga];
        ctx.fire_instance(&mut e.m, u32::from(saga), event);
        self.shown = e.m;
        self.log.push((saga, e.m.current));
        ctx.data_changed();
    }

    fn begin(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        if self.sagas.contains_key(&saga) {
            return;
        }
        let m = MachineState::new(self.shown.machine);
        let e = Entry {
            m,
            step: 1,
            undo: false,
            why: 0,
            cmd: 0,
            acks: Vec::new(),
            resends: 0,
        };
        self.sagas.insert(saga, e);
        if self.cfg.mode == Mode::TwoPhase {
            self.fire(saga, "begin", ctx);
            ctx.say("The coordinator logs the transaction and asks every participant to PREPARE.");
            for p in PARTICIPANTS {
                ctx.send(p, SagaMsg::Prepare(saga));
            }
            ctx.set_timer(
                VOTE_MS,
                20 + u32::from(saga),
                TimerKind::Timeout,
                "votes due",
            );
        } else {
            self.fire(saga, "start", ctx);
            ctx.say("The orchestrator logs a new saga and sends T1.");
            self.command(saga, 1, false, 0, ctx);
        }
    }

    /// Log and publish the next command.
    fn command(&mut self, saga: u8, s: u8, undo: bool, why: u8, ctx: &mut Ctx<SagaMsg>) {
        let id = self.outbox.new_id();
        let kind = if undo { Kind::Undo } else { Kind::Do };
        let env = Env {
            id,
            saga,
            step: s,
            kind,
            to: step(s).service,
            why,
            topic: None,
        };
        let e = &mut self.sagas[&saga];
        (e.step, e.undo, e.why, e.cmd, e.resends) = (s, undo, why, id, 0);
        self.outbox.add(env);
        self.outbox.wake(ctx);
        self.step_due(saga, ctx);
    }

    /// Wait for the current step's reply. A sweep of the log, not a
    /// reason to keep running: a saga nothing can move stays stuck.
    fn step_due(&self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        let ms = backoff(STEP_MS, self.sagas[&saga].resends);
        ctx.set_timer(
            ms,
            20 + u32::from(saga),
            TimerKind::Periodic,
            "step reply due",
        );
    }

    /// Publish the current command of `saga` again, if it has not ended.
    fn resend_command(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        let e = &mut self.sagas[&saga];
        if e.m.machine.is_terminal(e.m.current) {
            return;
        }
        e.resends = e.resends.saturating_add(1);
        let id = e.cmd;
        self.outbox.resend(id, ctx);
        self.step_due(saga, ctx);
    }

    /// A reply from a service, through the broker.
    fn reply(&mut self, q: u32, env: Env, ctx: &mut Ctx<SagaMsg>) {
        let current = self.sagas.get(&env.saga).is_some_and(|e| {
            e.step == env.step
                && e.undo == (env.kind == Kind::Undid)
                && !e.m.machine.is_terminal(e.m.current)
        });
        if !current || matches!(env.kind, Kind::Do | Kind::Undo) {
            ctx.say("The log already has this outcome: a repeat, ignored.");
            ctx.send(BROKER, SagaMsg::Ack(q));
            return;
        }
        let event = match env.kind {
            Kind::Did => "ok",
            Kind::Failed if env.step > PIVOT => "undo paid (wrong)",
            Kind::Failed => "failed",
            _ => "undone",
        };
        self.fire(env.saga, event, ctx);
        let why = if env.kind == Kind::Failed {
            env.step
        } else {
            env.why
        };
        let state = self.sagas[&env.saga].m.current;
        match next(&env) {
            Next::Do(s) => {
                say!(ctx, "Logged: {state} ({}).", step(s).kind.label());
                self.command(env.saga, s, false, why, ctx);
            }
            Next::Undo(s) => {
                say!(ctx, "Logged: {state}, compensating in reverse order.");
                self.command(env.saga, s, true, why, ctx);
            }
            _ => {
                ctx.cancel_timer(20 + u32::from(env.saga));
                say!(ctx, "The saga is {state}.");
            }
        }
        ctx.send(BROKER, SagaMsg::Ack(q));
    }

    fn vote(&mut self, saga: u8, from: ActorId, yes: bool, ctx: &mut Ctx<SagaMsg>) {
        if self.sagas.get(&saga).map(|e| e.m.current) != Some("PREPARING") {
            return;
        }
        if yes && !self.votes.contains(&(saga, from)) {
            self.votes.push((saga, from));
        }
        if !yes {
            ctx.say("A NO vote: the coordinator logs ABORT.");
            self.decide(saga, false, ctx);
        } else if self.votes.iter().filter(|v| v.0 == saga).count() == PARTICIPANTS.len() {
            ctx.say("Every participant voted YES: the coordinator logs COMMIT.");
            self.decide(saga, true, ctx);
        }
    }

    fn decide(&mut self, saga: u8, commit: bool, ctx: &mut Ctx<SagaMsg>) {
        self.fire(saga, if commit { "all_yes" } else { "abort" }, ctx);
        self.resend(saga, ctx);
    }

    /// Send the logged decision to every participant that has not acknowledged it.
    fn resend(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        let e = &mut self.sagas[&saga];
        let commit = e.m.current == "COMMITTING";
        for p in PARTICIPANTS.into_iter().filter(|p| !e.acks.contains(p)) {
            ctx.send(p, SagaMsg::Decide { saga, commit });
        }
        let wait = backoff(RESEND_MS, e.resends);
        e.resends = e.resends.saturating_add(1);
        ctx.set_timer(wait, 20 + u32::from(saga), TimerKind::Timeout, "acks due");
    }

    fn done(&mut self, saga: u8, from: ActorId, ctx: &mut Ctx<SagaMsg>) {
        let Some(e) = self.sagas.get_mut(&saga) else {
            return;
        };
        if !matches!(e.m.current, "COMMITTING" | "ABORTING") || e.acks.contains(&from) {
            return;
        }
        e.acks.push(from);
        if e.acks.len() == PARTICIPANTS.len() {
            ctx.cancel_timer(20 + u32::from(saga));
            self.fire(saga, "all_acked", ctx);
            say!(
                ctx,
                "Every participant acknowledged: {}.",
                self.sagas[&saga].m.current
            );
        }
    }

    fn on_due(&mut self, saga: u8, ctx: &mut Ctx<SagaMsg>) {
        let state = self.sagas.get(&saga).map(|e| e.m.current);
        match state.filter(|s| !self.shown.machine.is_terminal(s)) {
            Some("PREPARING") => {
                ctx.say("Not every vote came in time: the coordinator logs ABORT.");
                self.decide(saga, false, ctx);
            }
            Some("COMMITTING" | "ABORTING") => {
                ctx.say(
                    "An ack is missing: the coordinator resends its decision, as long as it takes.",
                );
                self.resend(saga, ctx);
            }
            Some(_) if self.cfg.mode == Mode::Orchestrated => {
                let what = if self.cfg.idempotent {
                    "re-sends it; a consumer that already ran it drops the copy."
                } else {
                    "re-sends it; with no processed-message table, a consumer may run it twice."
                };
                say!(
                    ctx,
                    "No reply to o{saga}'s current step in time: the orchestrator {what}"
                );
                self.resend_command(saga, ctx);
            }
            _ => {}
        }
    }

    fn start_timers(&self, ctx: &mut Ctx<SagaMsg>) {
        if self.cfg.mode != Mode::Choreographed {
            place_orders(self.cfg.orders, &|k| self.sagas.contains_key(&k), ctx);
        }
    }
}

impl Actor for Orchestrator {
    type Msg = SagaMsg;

    fn name(&self) -> &str {
        NAMES[0]
    }
    fn title(&self) -> String {
        match self.cfg.mode {
            Mode::Orchestrated => "Saga orchestrator",
            Mode::Choreographed => "Orchestrator (unused)",
            Mode::TwoPhase => "2PC coordinator",
        }
        .into()
    }
    fn machine(&self) -> &MachineState {
        &self.shown
    }
    fn on_start(&mut self, ctx: &mut Ctx<SagaMsg>) {
        self.start_timers(ctx);
    }
    fn on_message(&mut self, from: ActorId, msg: SagaMsg, ctx: &mut Ctx<SagaMsg>) {
        match msg {
            SagaMsg::Deliver { q, env } => self.reply(q, env, ctx),
            SagaMsg::Stored(id) => self.outbox.stored(id, ctx),
            SagaMsg::Vote { saga, yes } => self.vote(saga, from, yes, ctx),
            SagaMsg::Done(saga) => self.done(saga, from, ctx),
            _ => {}
        }
    }
    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<SagaMsg>) {
        match tag {
            RELAY => self.outbox.retry(ctx),
            11..=19 => self.begin((tag - PLACE) as u8, ctx),
            _ => self.on_due((tag - 20) as u8, ctx),
        }
    }
    fn on_crash(&mut self) {
        self.votes.clear();
    }
    fn on_restart(&mut self, ctx: &mut Ctx<SagaMsg>) {
        ctx.say(if self.cfg.mode == Mode::TwoPhase {
            "Restarted: it reads its log and resumes each order where it stopped."
        } else {
            "Restarted: it reads its log and re-sends each unfinished order's current command."
        });
        ctx.data_changed();
        let keys: Vec<u8> = self.sagas.iter().map(|(k, _)| *k).collect();
        for k in keys {
            match self.sagas[&k].m.current {
                "PREPARING" => {
                    say!(ctx, "o{k} has no decision in the log: presumed ABORT.");
                    self.decide(k, false, ctx);
                }
                "COMMITTING" | "ABORTING" => self.resend(k, ctx),
                _ if self.cfg.mode == Mode::Orchestrated => self.resend_command(k, ctx),
                _ => {}
            }
        }
        // After the re-sends: one pass publishes each unconfirmed row once.
        self.outbox.retry(ctx);
        self.start_timers(ctx);
    }
    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "order",
            durable: true,
        })
    }
    fn schema(&self) -> Vec<TableSchema> {
        match self.cfg.mode {
            Mode::Orchestrated => vec![SAGA_LOG, self.outbox.table()],
            Mode::Choreographed => Vec::new(),
            Mode::TwoPhase => vec![TPC_LOG],
        }
    }
    fn changed_rows(&mut self, mut out: Option<&mut Vec<RowChange>>) {
        let table = if self.cfg.mode == Mode::TwoPhase {
            TPC_LOG.title
        } else {
            SAGA_LOG.title
        };
        while self.logged < self.log.len() {
            let (n, (saga, state)) = (self.logged + 1, self.log[self.logged]);
            self.logged = n;
            if let Some(out) = out.as_deref_mut() {
                out.push(RowChange::lazy(table, n as u64, move || {
                    vec![n.to_string(), format!("o{saga}"), state.into()]
                }));
            }
        }
        self.outbox.rows_changed(NAMES[0], &mut out);
    }
}
