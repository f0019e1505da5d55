//! The simulation loop: virtual time, the event queue ordered by (time,
//! sequence), actors' handlers, timers, crashes and restarts, and faults
//! that act at a time or at a step.

use super::network::Network;
use super::record::{Recorder, StepRecord};
use crate::actor::{Actor, ActorId, Command, Ctx, CtxOutput};
use crate::fault::Fault;
use crate::lab::Lab;
use crate::rng::SimRng;
use crate::scenario::Scenario;
use crate::trace::{End, Fate, StepKind, TimerMark};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Something due at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Event {
    Start,
    Fault(u32),
    Deliver(u32),
    Lost(u32),
    Timer { actor: ActorId, tag: u32, id: u32 },
}

pub(super) type Msg<L> = <<L as Lab>::Actor as Actor>::Msg;

pub(super) struct Sim<'s, L: Lab> {
    pub scenario: &'s Scenario,
    pub settings: L::Settings,
    pub actors: Vec<L::Actor>,
    pub names: Vec<String>,
    pub up: Vec<bool>,
    pub now: u64,
    pub rec: Recorder,
    pub(super) rng: SimRng,
    pub(super) seq: u64,
    pub(super) queue: BinaryHeap<Reverse<(u64, u64, Event)>>,
    pub(super) net: Network,
    /// Payload of each flight still on the wire.
    pub(super) payloads: Vec<Option<Msg<L>>>,
    /// Active timers per actor: tag -> timer id.
    active_timers: Vec<BTreeMap<u32, u32>>,
    /// Faults triggered at a step: (step, fault index), in order.
    step_faults: Vec<(u32, u32)>,
    /// A command buffer handed to each handler and taken back (no
    /// allocation per event).
    spare: Vec<Command<Msg<L>>>,
}

impl<'s, L: Lab> Sim<'s, L> {
    pub fn new(
        scenario: &'s Scenario,
        settings: L::Settings,
        actors: Vec<L::Actor>,
        names: Vec<String>,
        detail: bool,
    ) -> Self {
        let n = actors.len();
        let net = Network::new(scenario, &names);
        let mut sim = Self {
            scenario,
            settings,
            actors,
            names,
            up: vec![true; n],
            now: 0,
            rec: Recorder::new(detail),
            rng: SimRng::new(scenario.seed),
            seq: 0,
            queue: BinaryHeap::new(),
            net,
            payloads: Vec::new(),
            active_timers: vec![BTreeMap::new(); n],
            step_faults: Vec::new(),
            spare: Vec::new(),
        };
        sim.push(0, Event::Start);
        for (i, f) in scenario.faults.iter().enumerate() {
            match f {
                Fault::Crash { at_ms, .. }
                | Fault::Restart { at_ms, .. }
                | Fault::Lab { at_ms, .. } => sim.push(*at_ms, Event::Fault(i as u32)),
                Fault::AtStep { step, .. } => {
                    // Kept sorted, latest first (popped from the back);
                    // inserted in place rather than sorted (smaller wasm).
                    let at = sim.step_faults.partition_point(|x| *x > (*step, i as u32));
                    sim.step_faults.insert(at, (*step, i as u32));
                }
                _ => {}
            }
        }
        for a in &sim.actors {
            for t in a.schema() {
                if !sim.rec.table_schema.iter().any(|x| x.title == t.title) {
                    sim.rec.table_schema.push(t);
                }
            }
        }
        sim
    }

    pub(super) fn push(&mut self, at: u64, ev: Event) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, ev)));
    }

    fn actor_id(&self, name: &str) -> Option<ActorId> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| i as ActorId)
    }

    fn timer_live(&self, actor: ActorId, tag: u32, id: u32) -> bool {
        self.up[actor as usize] && self.active_timers[actor as usize].get(&tag) == Some(&id)
    }

    /// Whether every event still queued is a background timer (or a dead
    /// one): then nothing the learner waits for can happen any more.
    fn only_background_left(&self) -> bool {
        self.queue.iter().all(|Reverse((_, _, ev))| match *ev {
            Event::Timer { actor, tag, id } => {
                !self.timer_live(actor, tag, id)
                    || self.rec.timers[id as usize].kind.is_background()
            }
            _ => false,
        })
    }

    /// A fault triggered at the step about to be recorded, if any.
    fn due_step_fault(&mut self) -> Option<u32> {
        let next = self.rec.next_step();
        match self.step_faults.last() {
            Some(&(step, i)) if step <= next => {
                self.step_faults.pop();
                Some(i)
            }
            _ => None,
        }
    }

    pub fn run(&mut self) {
        let bounds = self.scenario.bounds;
        loop {
            let due = self.due_step_fault();
            let (at, ev) = match due {
                Some(i) => (self.now, Event::Fault(i)),
                None => {
                    let Some(Reverse((at, _, ev))) = self.queue.pop() else {
                        break;
                    };
                    if let Event::Timer { actor, tag, id } = ev {
                        if !self.timer_live(actor, tag, id) {
                            continue; // cancelled or superseded: not an event, not a bound
                        }
                        if self.rec.timers[id as usize].kind.is_background()
                            && self.only_background_left()
                        {
                            break; // only housekeeping is left: the story is over
                        }
                    }
                    (at, ev)
                }
            };
            if self.rec.next_step() >= bounds.max_events {
                self.rec.end = End::EventLimit {
                    limit: bounds.max_events,
                };
                return;
            }
            if at > bounds.max_time_ms {
                self.rec.end = End::TimeLimit {
                    limit_ms: bounds.max_time_ms,
                };
                return;
            }
            self.now = at;
            self.step(ev);
        }
        let all: Vec<ActorId> = (0..self.actors.len() as ActorId).collect();
        self.check(true, &all);
    }

    /// Call a handler on actor `me` and carry out its commands.
    fn handle(
        &mut self,
        me: ActorId,
        f: impl FnOnce(&mut L::Actor, &mut Ctx<'_, Msg<L>>),
    ) -> StepRecord {
        let buffer = std::mem::take(&mut self.spare);
        let mut ctx = Ctx::new(self.now, me, &mut self.rng, self.rec.detail, buffer);
        f(&mut self.actors[me as usize], &mut ctx);
        let out = ctx.finish();
        self.apply(me, out)
    }

    /// Process one event and record it as a step.
    fn step(&mut self, ev: Event) {
        let mut rec = StepRecord::default();
        match ev {
            Event::Start => {
                rec.summary = "Run starts".into();
                for i in 0..self.actors.len() as ActorId {
                    let r = self.handle(i, |a, ctx| a.on_start(ctx));
                    rec.absorb(r);
                }
            }
            Event::Deliver(fid) => self.deliver(fid, &mut rec),
            Event::Lost(fid) => {
                let f = &self.rec.flights[fid as usize];
                rec.kind = StepKind::Lost;
                rec.actor = Some(f.to);
                rec.flight = Some(fid);
                if self.rec.detail {
                    // The summary is derived on demand (`Run::summary`).
                    rec.narration.push(format!(
                        "The message \"{}\" from {} to {} was lost in the network. Nobody is told: the sender only notices if it is waiting with a timeout.",
                        f.label, self.names[f.from as usize], self.names[f.to as usize]
                    ));
                }
                self.payloads[fid as usize] = None;
            }
            Event::Timer { actor, tag, id } => {
                self.active_timers[actor as usize].remove(&tag);
                rec.kind = StepKind::Timer;
                rec.actor = Some(actor);
                self.rec.timers[id as usize].fired_step = Some(self.rec.next_step());
                let r = self.handle(actor, |a, ctx| a.on_timer(tag, ctx));
                rec.absorb(r);
            }
            Event::Fault(i) => {
                let scenario = self.scenario;
                let mut fault = &scenario.faults[i as usize];
                if let Fault::AtStep { then, .. } = fault {
                    fault = then;
                }
                if !self.fault(fault, &mut rec) {
                    return;
                }
            }
        }
        self.commit_step(rec);
    }

    fn deliver(&mut self, fid: u32, rec: &mut StepRecord) {
        let f = &self.rec.flights[fid as usize];
        let (from, to) = (f.from, f.to);
        rec.actor = Some(to);
        rec.flight = Some(fid);
        let payload = self.payloads[fid as usize].take();
        if !self.up[to as usize] {
            rec.kind = StepKind::Lost;
            let f = &mut self.rec.flights[fid as usize];
            f.fate = Fate::ReceiverDown;
            if self.rec.detail {
                rec.summary = format!("{} is down: {} lost", self.names[to as usize], f.label);
                rec.narration.push(format!(
                    "{} is down, so the message \"{}\" reaches nobody and is lost.",
                    self.actors[to as usize].title(),
                    f.label
                ));
            }
        } else if let Some(msg) = payload {
            rec.kind = StepKind::Deliver;
            self.rec.flights[fid as usize].fate = Fate::Delivered;
            let r = self.handle(to, |a, ctx| a.on_message(from, msg, ctx));
            rec.absorb(r);
        }
    }

    /// Carry out a crash, restart or lab fault. False: not a step at all.
    fn fault(&mut self, fault: &Fault, rec: &mut StepRecord) -> bool {
        match fault {
            Fault::Crash { actor, .. } => {
                if let Some(id) = self.actor_id(actor) {
                    self.crash(id, rec);
                }
            }
            Fault::Restart { actor, .. } => {
                let Some(id) = self.actor_id(actor) else {
                    return false;
                };
                rec.kind = StepKind::Restart;
                rec.actor = Some(id);
                if self.up[id as usize] {
                    rec.summary = format!("{actor} is already running");
                    rec.narration.push(format!(
                        "{} was not down, so there is nothing to restart.",
                        self.actors[id as usize].title()
                    ));
                } else {
                    self.up[id as usize] = true;
                    rec.summary = format!("{actor} restarts");
                    rec.narration.push(format!(
                        "{} restarts. Whatever it had stored durably is still there; everything it held only in memory is gone.",
                        self.actors[id as usize].title()
                    ));
                    let r = self.handle(id, |a, ctx| a.on_restart(ctx));
                    rec.absorb(r);
                }
            }
            Fault::Lab {
                actor, name, args, ..
            } => {
                let Some(id) = self.actor_id(actor) else {
                    return false;
                };
                rec.kind = StepKind::LabFault;
                rec.actor = Some(id);
                rec.summary = format!("fault \"{name}\" on {actor}");
                let up = self.up[id as usize];
                let mut understood = false;
                let r = self.handle(id, |a, ctx| {
                    understood = up && a.on_lab_fault(name, args, ctx);
                });
                if !understood {
                    rec.narration
                        .push(format!("The fault \"{name}\" had no effect on {actor}."));
                }
                rec.absorb(r);
            }
            _ => return false,
        }
        true
    }

    pub(super) fn crash(&mut self, id: ActorId, rec: &mut StepRecord) {
        rec.kind = StepKind::Crash;
        rec.actor = Some(id);
        let name = &self.names[id as usize];
        if !self.up[id as usize] {
            rec.summary = format!("{name} is already down");
            return;
        }
        self.up[id as usize] = false;
        self.active_timers[id as usize].clear();
        self.actors[id as usize].on_crash();
        rec.summary = format!("{name} crashes");
        rec.narration.push(format!(
            "{} crashes. Whatever it held only in memory is lost; its durable data survives. Messages sent to it now are lost.",
            self.actors[id as usize].title()
        ));
        rec.data_changed = true;
        rec.wrote |= super::record::bit(id);
    }

    /// Carry out an actor's commands; returns what the step should record.
    fn apply(&mut self, me: ActorId, mut out: CtxOutput<Msg<L>>) -> StepRecord {
        let mut rec = StepRecord::of_handler(me, &mut out);
        let mut commands = std::mem::take(&mut out.commands);
        for c in commands.drain(..) {
            if !self.up[me as usize] {
                break; // crashed by a fault on one of its own sends: the rest never happens
            }
            match c {
                Command::Send { to, msg } => self.send(me, to, msg, &mut rec),
                Command::SetTimer {
                    after_ms,
                    tag,
                    kind,
                    label,
                } => {
                    let id = self.rec.timers.len() as u32;
                    let due_at = self.now.saturating_add(after_ms);
                    self.rec.timers.push(TimerMark {
                        actor: me,
                        set_at: self.now,
                        set_step: self.rec.next_step(),
                        due_at,
                        kind,
                        label,
                        fired_step: None,
                    });
                    self.active_timers[me as usize].insert(tag, id);
                    self.push(due_at, Event::Timer { actor: me, tag, id });
                }
                Command::CancelTimer { tag } => {
                    self.active_timers[me as usize].remove(&tag);
                }
            }
        }
        self.spare = commands;
        rec
    }
}
