//! The simulation loop: virtual time, the event queue ordered by (time,
//! sequence), actors' handlers, timers, crashes and restarts, and faults
//! that act at a time or at a step.

use super::network::Network;
use super::record::{Recorder, StepRecord};
use crate::actor::{ActorId, TimerKind};
use crate::config::Config;
use crate::fault::Fault;
use crate::lab::TraceSoFar;
use crate::lines::Lines;
use crate::rng::SimRng;
use crate::rows::{RowChange, TableSchema};
use crate::scenario::Scenario;
use crate::trace::{ActorInfo, End, Fate, Fired, StepKind, TimerMark};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Where the events a run schedules start in the queue's order of events
/// due at one moment: after the start (0) and every scripted fault (1 +
/// its index).
const RUNTIME_SEQ: u64 = 1 << 40;

/// Something due at a virtual time.
#[derive(Clone, Copy, Debug)]
pub(super) enum Event {
    Start,
    Fault(u32),
    Deliver(u32),
    Lost(u32),
    Timer {
        actor: ActorId,
        tag: u32,
        id: u32,
    },
    /// Restart an actor a crash on send took down (`CrashOnSend`'s
    /// `restart_after_ms`).
    Restart(ActorId),
}

/// An event in the queue: due at `key >> 64`, in order of scheduling
/// (`key`'s low half); the heap compares one number, the event never.
#[derive(Clone, Copy)]
pub(super) struct Due {
    pub(super) key: u128,
    pub(super) ev: Event,
}

impl PartialEq for Due {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Due {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.key.cmp(&o.key)
    }
}

/// Which handler to call on an actor.
pub(super) enum Hook<'a> {
    Start,
    /// The message on flight `flight`, from `from` (its payload is taken).
    Message {
        flight: u32,
        from: ActorId,
    },
    Timer(u32),
    Restart,
    LabFault(&'a str, &'a Config),
}

/// What the engine asks of a lab's actors, without knowing their types.
pub(super) trait Model {
    /// Call a handler on actor `me` and carry out its commands through
    /// `sim`, recording into the step's `rec`; returns, for a lab fault,
    /// whether the actor understood it.
    fn handle(&mut self, sim: &mut Sim, me: ActorId, hook: Hook<'_>, rec: &mut StepRecord) -> bool;
    /// Whether flight `flight` still carries a message.
    fn has_payload(&self, flight: u32) -> bool;
    /// Forget the message of a flight that will never be handled.
    fn drop_payload(&mut self, flight: u32);
    fn crash(&mut self, id: ActorId);
    fn title(&self, id: ActorId) -> String;
    /// Rows actor `id` changed since the last call (`None`: forget them).
    fn changed_rows(&mut self, id: ActorId, out: Option<&mut Vec<RowChange>>);
    /// Every actor's state index, in lane order.
    fn states(&self, out: &mut Vec<u8>);
    /// Broken invariants (or, `at_end`, end properties).
    fn check(&self, at_end: bool, trace: &TraceSoFar<'_>) -> Vec<(&'static str, String)>;
    /// The tables actor `id` writes to.
    fn schema(&self, id: ActorId) -> Vec<TableSchema>;
    /// The lanes, for the finished run.
    fn infos(&self) -> Vec<ActorInfo>;
    /// A copy of the actors, settings and messages on the wire, to go on
    /// separately (an explorer's branch).
    #[cfg(feature = "explore")]
    fn fork(&self) -> Box<dyn Model>;
    /// Write every actor's state (`None`), or the message on flight
    /// `Some(f)`, as text (to see why two states differ).
    #[cfg(feature = "explore")]
    fn describe(&self, flight: Option<u32>, out: &mut dyn std::fmt::Write);
    /// Hash every actor's state (`None`), or the message on flight
    /// `Some(f)`, into a fingerprint.
    #[cfg(feature = "explore")]
    fn hash_state(&self, flight: Option<u32>, h: &mut dyn std::hash::Hasher);
    /// Broken bounded properties (checked only by the explorer).
    #[cfg(feature = "explore")]
    fn check_bounded(&self, now_ms: u64) -> Vec<(&'static str, String)>;
    /// The lab's measure for the explorer's histogram (`Lab::MEASURE`).
    #[cfg(feature = "explore")]
    fn measure(&self, now_ms: u64) -> u64;
}

/// The engine's state, whatever the lab: the lab's actors are behind
/// `&mut dyn Model`, so none of this is compiled once per lab.
#[derive(Clone)]
pub(in crate::engine) struct Sim {
    pub scenario: Scenario,
    pub names: Vec<String>,
    pub up: Vec<bool>,
    pub now: u64,
    pub rec: Recorder,
    pub(super) rng: SimRng,
    pub(super) seq: u64,
    pub(super) queue: BinaryHeap<Reverse<Due>>,
    pub(super) net: Network,
    /// Active timers per actor: (tag, timer id), a few per actor at most.
    pub(super) active_timers: Vec<Vec<(u32, u32)>>,
    /// Faults triggered at a step: (step, fault index), in order.
    pub(super) step_faults: Vec<(u32, u32)>,
    /// The most events the queue held at once.
    pub(super) queue_peak: usize,
    /// The narration and transition buffers steps write into (kept
    /// between steps).
    pub(super) spare_lines: Lines,
    pub(super) spare_fired: Vec<Fired>,
}

impl Sim {
    pub fn new(scenario: &Scenario, model: &dyn Model, names: Vec<String>, detail: bool) -> Self {
        let n = names.len();
        let net = Network::new(scenario, &names);
        let mut sim = Self {
            scenario: scenario.clone(),
            names,
            up: vec![true; n],
            now: 0,
            rec: Recorder::new(detail),
            rng: SimRng::new(scenario.seed),
            seq: 0,
            queue: BinaryHeap::with_capacity(super::record::expected_sizes().queue),
            net,
            active_timers: vec![Vec::new(); n],
            step_faults: Vec::new(),
            queue_peak: 0,
            spare_lines: Lines::with_capacity(512),
            spare_fired: Vec::with_capacity(8),
        };
        sim.push_keyed(0, 0, Event::Start);
        for i in 0..scenario.faults.len() {
            sim.schedule_fault(i as u32);
        }
        for a in 0..n as ActorId {
            for t in model.schema(a) {
                if !sim.rec.table_schema.iter().any(|x| x.title == t.title) {
                    sim.rec.table_schema.push(t);
                }
            }
        }
        sim
    }

    /// Queue scripted fault `i` if it acts at a time or at a step.
    pub(super) fn schedule_fault(&mut self, i: u32) {
        match &self.scenario.faults[i as usize] {
            Fault::Crash { at_ms, .. }
            | Fault::Restart { at_ms, .. }
            | Fault::Lab { at_ms, .. } => self.push_fault(*at_ms, i),
            Fault::AtStep { step, .. } => {
                // Kept sorted, latest first (popped from the back);
                // inserted in place rather than sorted (smaller wasm).
                let at = self.step_faults.partition_point(|x| *x > (*step, i));
                self.step_faults.insert(at, (*step, i));
            }
            _ => {}
        }
    }

    pub(super) fn push(&mut self, at: u64, ev: Event) {
        self.seq += 1;
        self.push_keyed(at, RUNTIME_SEQ + self.seq, ev);
    }

    /// Queue scripted fault `i` at `at`. Its place among events due at the
    /// same moment is its index in the plan (before any event the run
    /// schedules), not the moment it was queued: a fault added to a forked
    /// simulation lands where it would have in a run that had it from the
    /// start.
    pub(super) fn push_fault(&mut self, at: u64, i: u32) {
        self.push_keyed(at, 1 + u64::from(i), Event::Fault(i));
    }

    fn push_keyed(&mut self, at: u64, seq: u64, ev: Event) {
        self.queue.push(Reverse(Due {
            key: u128::from(at) << 64 | u128::from(seq),
            ev,
        }));
        self.queue_peak = self.queue_peak.max(self.queue.len());
    }

    pub(super) fn actor_id(&self, name: &str) -> Option<ActorId> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| i as ActorId)
    }

    pub(super) fn timer_live(&self, actor: ActorId, tag: u32, id: u32) -> bool {
        self.up[actor as usize] && self.timer(actor, tag) == Some(id)
    }

    /// Whether every event still queued is a background timer (or a dead
    /// one): then nothing the learner waits for can happen any more.
    fn only_background_left(&self) -> bool {
        self.queue.iter().all(|Reverse(due)| match due.ev {
            Event::Timer { actor, tag, id } => {
                !self.timer_live(actor, tag, id)
                    || self.rec.timers[id as usize].kind.is_background()
            }
            _ => false,
        })
    }

    /// The live timer `tag` of `actor`, if any.
    fn timer(&self, actor: ActorId, tag: u32) -> Option<u32> {
        self.active_timers[actor as usize]
            .iter()
            .find(|t| t.0 == tag)
            .map(|t| t.1)
    }

    /// Start (or restart) timer `tag` of `me`, due `after_ms` from now.
    pub(super) fn set_timer(
        &mut self,
        me: ActorId,
        after_ms: u64,
        tag: u32,
        kind: TimerKind,
        label: String,
    ) {
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
        let active = &mut self.active_timers[me as usize];
        match active.iter_mut().find(|t| t.0 == tag) {
            Some(t) => t.1 = id,
            None => active.push((tag, id)),
        }
        self.push(due_at, Event::Timer { actor: me, tag, id });
    }

    pub(super) fn cancel_timer(&mut self, me: ActorId, tag: u32) {
        let active = &mut self.active_timers[me as usize];
        if let Some(i) = active.iter().position(|t| t.0 == tag) {
            active.swap_remove(i);
        }
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

    /// Run at most `events` more events (a cancelled timer counts as
    /// one); `true` once the run is over, at its end or its bounds.
    pub fn run_for(&mut self, model: &mut dyn Model, events: u32) -> bool {
        let bounds = self.scenario.bounds;
        for _ in 0..events {
            let due = self.due_step_fault();
            let (at, ev) = match due {
                Some(i) => (self.now, Event::Fault(i)),
                None => {
                    let Some(Reverse(Due { key, ev })) = self.queue.pop() else {
                        return self.ended(model);
                    };
                    let at = (key >> 64) as u64;
                    if let Event::Timer { actor, tag, id } = ev {
                        if !self.timer_live(actor, tag, id) {
                            continue; // cancelled or superseded: not an event, not a bound
                        }
                        if self.rec.timers[id as usize].kind.is_background()
                            && self.only_background_left()
                        {
                            // only housekeeping is left: the story is over
                            return self.ended(model);
                        }
                    }
                    (at, ev)
                }
            };
            if self.rec.next_step() >= bounds.max_events {
                self.rec.end = End::EventLimit {
                    limit: bounds.max_events,
                };
                return true;
            }
            if at > bounds.max_time_ms {
                self.rec.end = End::TimeLimit {
                    limit_ms: bounds.max_time_ms,
                };
                return true;
            }
            self.now = at;
            self.step(model, ev);
        }
        false
    }

    /// The story is over: the invariants checked once more, as at an end.
    fn ended(&mut self, model: &mut dyn Model) -> bool {
        let all: Vec<ActorId> = (0..self.names.len() as ActorId).collect();
        self.check(model, true, &all);
        true
    }

    /// Process one event and record it as a step.
    fn step(&mut self, model: &mut dyn Model, ev: Event) {
        let mut rec = StepRecord {
            narration: std::mem::take(&mut self.spare_lines),
            transitions: std::mem::take(&mut self.spare_fired),
            ..StepRecord::default()
        };
        match ev {
            Event::Start => {
                rec.summary = "Run starts".into();
                for i in 0..self.names.len() as ActorId {
                    model.handle(self, i, Hook::Start, &mut rec);
                }
            }
            Event::Deliver(fid) => self.deliver(model, fid, &mut rec),
            Event::Lost(fid) => {
                let f = &self.rec.flights[fid as usize];
                rec.kind = StepKind::Lost;
                rec.actor = Some(f.to);
                rec.flight = Some(fid);
                if self.rec.detail {
                    // The summary is derived on demand (`Run::summary`).
                    rec.narration.push_fmt(format_args!(
                        "The message \"{}\" from {} to {} was lost in the network. Nobody is told: the sender only notices if it is waiting with a timeout.",
                        f.label(), self.names[f.from as usize], self.names[f.to as usize]
                    ));
                }
                model.drop_payload(fid);
            }
            Event::Timer { actor, tag, id } => {
                self.cancel_timer(actor, tag);
                rec.kind = StepKind::Timer;
                rec.actor = Some(actor);
                self.rec.timers[id as usize].fired_step = Some(self.rec.next_step());
                model.handle(self, actor, Hook::Timer(tag), &mut rec);
            }
            Event::Restart(id) => self.restart(model, id, &mut rec),
            Event::Fault(i) => {
                // (A copy: the fault's handler changes the simulation.)
                let mut fault = self.scenario.faults[i as usize].clone();
                if let Fault::AtStep { then, .. } = fault {
                    fault = *then;
                }
                if !self.fault(model, &fault, &mut rec) {
                    return;
                }
            }
        }
        self.commit_step(model, rec);
    }

    fn deliver(&mut self, model: &mut dyn Model, fid: u32, rec: &mut StepRecord) {
        let f = &self.rec.flights[fid as usize];
        let (from, to) = (f.from, f.to);
        rec.actor = Some(to);
        rec.flight = Some(fid);
        if !self.up[to as usize] {
            model.drop_payload(fid);
            rec.kind = StepKind::Lost;
            let f = &mut self.rec.flights[fid as usize];
            f.fate = Fate::ReceiverDown;
            if self.rec.detail {
                rec.summary = format!("{} is down: {} lost", self.names[to as usize], f.label());
                rec.narration.push_fmt(format_args!(
                    "{} is down, so the message \"{}\" reaches nobody and is lost.",
                    model.title(to),
                    f.label()
                ));
            }
        } else if model.has_payload(fid) {
            rec.kind = StepKind::Deliver;
            self.rec.flights[fid as usize].fate = Fate::Delivered;
            model.handle(self, to, Hook::Message { flight: fid, from }, rec);
        }
    }

    /// Carry out a crash, restart or lab fault. False: not a step at all.
    fn fault(&mut self, model: &mut dyn Model, fault: &Fault, rec: &mut StepRecord) -> bool {
        match fault {
            Fault::Crash { actor, .. } => {
                if let Some(id) = self.actor_id(actor) {
                    self.crash(model, id, rec);
                }
            }
            Fault::Restart { actor, .. } => {
                let Some(id) = self.actor_id(actor) else {
                    return false;
                };
                self.restart(model, id, rec);
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
                // The actor's own lines follow this step's first ones.
                let at = rec.narration.mark();
                if !model.handle(self, id, Hook::LabFault(name, args), rec) {
                    rec.narration.insert_at(
                        at,
                        &format!("The fault \"{name}\" had no effect on {actor}."),
                    );
                }
            }
            _ => return false,
        }
        true
    }

    /// An actor crashes at the moment it sends (`CrashOnSend`): the
    /// sender's step records the crash's narration and data change.
    pub(super) fn crash_on_send(
        &mut self,
        model: &mut dyn Model,
        (victim, restart_after_ms): super::network::Crash,
        rec: &mut StepRecord,
    ) {
        if let Some(ms) = restart_after_ms.filter(|_| self.up[victim as usize]) {
            self.push(self.now + ms, Event::Restart(victim));
        }
        let mut crash_rec = StepRecord::default();
        self.crash(model, victim, &mut crash_rec);
        rec.narration.append(&crash_rec.narration);
        rec.data_changed = true;
        rec.wrote |= crash_rec.wrote;
    }

    /// Restart actor `id` from its durable state (if it is down).
    fn restart(&mut self, model: &mut dyn Model, id: ActorId, rec: &mut StepRecord) {
        rec.kind = StepKind::Restart;
        rec.actor = Some(id);
        let name = &self.names[id as usize];
        if self.up[id as usize] {
            rec.summary = format!("{name} is already running");
            rec.narration.push_fmt(format_args!(
                "{} was not down, so there is nothing to restart.",
                model.title(id)
            ));
        } else {
            self.up[id as usize] = true;
            rec.summary = format!("{name} restarts");
            rec.narration.push_fmt(format_args!(
                "{} restarts. Whatever it had stored durably is still there; everything it held only in memory is gone.",
                model.title(id)
            ));
            model.handle(self, id, Hook::Restart, rec);
        }
    }

    pub(super) fn crash(&mut self, model: &mut dyn Model, id: ActorId, rec: &mut StepRecord) {
        rec.kind = StepKind::Crash;
        rec.actor = Some(id);
        let name = &self.names[id as usize];
        if !self.up[id as usize] {
            rec.summary = format!("{name} is already down");
            return;
        }
        self.up[id as usize] = false;
        self.active_timers[id as usize].clear();
        model.crash(id);
        rec.summary = format!("{name} crashes");
        rec.narration.push_fmt(format_args!(
            "{} crashes. Whatever it held only in memory is lost; its durable data survives. Messages sent to it now are lost.",
            model.title(id)
        ));
        rec.data_changed = true;
        rec.wrote |= super::record::bit(id);
    }
}
