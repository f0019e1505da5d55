//! The simulation loop: virtual time, the event queue, the network, timers,
//! crashes and the fault plan. `simulate_lab` is a pure function of the
//! scenario: no clock, no global state, one seeded generator.

use crate::actor::{Actor, ActorId, Command, Ctx, CtxOutput, LabMsg};
use crate::fault::{Fault, NetAction};
use crate::lab::{Lab, LabInfo};
use crate::rng::SimRng;
use crate::scenario::{Scenario, ScenarioError, MAX_DELAY_MS, MAX_FAULTS};
use crate::trace::{
    ActorInfo, End, Fate, Flight, LazyMessage, LoggedRow, Run, Step, StepKind, TableSchema,
    TimerMark, Violation,
};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Something due at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Start,
    Fault(u32),
    Deliver(u32),
    Lost(u32),
    Timer { actor: ActorId, tag: u32, id: u32 },
}

/// Check a scenario against a lab before running it.
pub fn validate<L: Lab>(
    info: &LabInfo,
    scenario: &Scenario,
    names: &[String],
) -> Result<(), ScenarioError> {
    if scenario.v != crate::scenario::FORMAT_VERSION {
        return Err(ScenarioError::UnsupportedVersion(scenario.v));
    }
    info.validate_config(&scenario.config)?;
    let b = scenario.bounds;
    if b.max_events == 0
        || b.max_events > 100_000
        || b.max_time_ms == 0
        || b.max_time_ms > 3_600_000
    {
        return Err(ScenarioError::BadBounds);
    }
    let l = scenario.latency;
    if l.min_ms > l.max_ms || l.max_ms > 60_000 {
        return Err(ScenarioError::BadLatency);
    }
    if scenario.faults.len() > MAX_FAULTS {
        return Err(ScenarioError::TooManyFaults(scenario.faults.len()));
    }
    let r = &scenario.random;
    if r.drop_permille > 1000
        || r.duplicate_permille > 1000
        || r.delay_permille > 1000
        || r.delay_ms > MAX_DELAY_MS
    {
        return Err(ScenarioError::BadRandomFaults);
    }
    for f in &scenario.faults {
        if let Fault::Net {
            action: NetAction::Delay { ms },
            ..
        } = f
        {
            if *ms > MAX_DELAY_MS {
                return Err(ScenarioError::BadDelay(*ms));
            }
        }
    }
    for f in &scenario.faults {
        for a in f.actors() {
            if !names.iter().any(|n| n == a) {
                return Err(ScenarioError::UnknownActor(a.to_string()));
            }
        }
    }
    Ok(())
}

/// How much of the run to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Everything the views need: narration, messages, tables, states.
    Full,
    /// Only what checking needs: step times and kinds, flights' routing and
    /// fates, timers and verdicts. For property tests and explorers.
    Lean,
}

/// Run a lab's scenario to its end or its bounds.
pub fn simulate_lab<L: Lab>(scenario: &Scenario, detail: Detail) -> Result<Run, ScenarioError> {
    let info = L::info();
    let actors = L::build(&info, &scenario.config);
    let names: Vec<String> = actors.iter().map(|a| a.name().to_string()).collect();
    validate::<L>(&info, scenario, &names)?;
    let mut sim = Sim::<L>::new(scenario, actors, names, detail == Detail::Full);
    sim.run();
    Ok(sim.finish())
}

struct Sim<'s, L: Lab> {
    scenario: &'s Scenario,
    detail: bool,
    actors: Vec<L::Actor>,
    names: Vec<String>,
    up: Vec<bool>,
    rng: SimRng,
    now: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<(u64, u64, Event)>>,
    /// Payload of each flight still on the wire.
    payloads: Vec<Option<<L::Actor as Actor>::Msg>>,
    /// Active timers per actor: tag -> timer id.
    active_timers: Vec<BTreeMap<u32, u32>>,
    /// How many matching messages each message-triggered fault has seen.
    fault_hits: Vec<u32>,
    fault_done: Vec<bool>,
    steps: Vec<Step>,
    flights: Vec<Flight>,
    timers: Vec<TimerMark>,
    table_schema: Vec<TableSchema>,
    row_log: Vec<LoggedRow>,
    violations: Vec<Violation>,
    end: End,
}

impl<'s, L: Lab> Sim<'s, L> {
    fn new(
        scenario: &'s Scenario,
        actors: Vec<L::Actor>,
        names: Vec<String>,
        detail: bool,
    ) -> Self {
        let n = actors.len();
        let mut sim = Self {
            scenario,
            detail,
            actors,
            names,
            up: vec![true; n],
            rng: SimRng::new(scenario.seed),
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            payloads: Vec::new(),
            active_timers: vec![BTreeMap::new(); n],
            fault_hits: vec![0; scenario.faults.len()],
            fault_done: vec![false; scenario.faults.len()],
            steps: Vec::new(),
            flights: Vec::new(),
            timers: Vec::new(),
            table_schema: Vec::new(),
            row_log: Vec::new(),
            violations: Vec::new(),
            end: End::Quiet,
        };
        sim.push(0, Event::Start);
        for (i, f) in scenario.faults.iter().enumerate() {
            if let Fault::Crash { at_ms, .. }
            | Fault::Restart { at_ms, .. }
            | Fault::Lab { at_ms, .. } = f
            {
                sim.push(*at_ms, Event::Fault(i as u32));
            }
        }
        for a in &sim.actors {
            for t in a.schema() {
                if !sim.table_schema.iter().any(|x| x.title == t.title) {
                    sim.table_schema.push(t);
                }
            }
        }
        sim
    }

    fn push(&mut self, at: u64, ev: Event) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, ev)));
    }

    fn actor_id(&self, name: &str) -> Option<ActorId> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| i as ActorId)
    }

    fn run(&mut self) {
        let bounds = self.scenario.bounds;
        while let Some(Reverse((at, _, ev))) = self.queue.pop() {
            if let Event::Timer { actor, tag, id } = ev {
                let live = self.up[actor as usize]
                    && self.active_timers[actor as usize].get(&tag) == Some(&id);
                if !live {
                    continue; // cancelled or superseded: not an event, not a bound
                }
            }
            if self.steps.len() as u32 >= bounds.max_events {
                self.end = End::EventLimit {
                    limit: bounds.max_events,
                };
                return;
            }
            if at > bounds.max_time_ms {
                self.end = End::TimeLimit {
                    limit_ms: bounds.max_time_ms,
                };
                return;
            }
            self.now = at;
            self.step(ev);
        }
        for (id, msg) in L::check_end(&self.actors) {
            self.record_violation(id, msg);
        }
    }

    /// Process one event and record it as a step.
    fn step(&mut self, ev: Event) {
        let mut rec = StepRecord::default();
        match ev {
            Event::Start => {
                rec.kind = StepKind::Start;
                rec.summary = "Run starts".into();
                for i in 0..self.actors.len() {
                    let mut ctx = Ctx::new(self.now, i as ActorId, &mut self.rng, self.detail);
                    self.actors[i].on_start(&mut ctx);
                    let out = ctx.finish();
                    rec.absorb(self.apply(i as ActorId, out));
                }
            }
            Event::Deliver(fid) => {
                let f = &self.flights[fid as usize];
                let (from, to) = (f.from, f.to);
                rec.actor = Some(to);
                rec.flight = Some(fid);
                let payload = self.payloads[fid as usize].take();
                if !self.up[to as usize] {
                    rec.kind = StepKind::Lost;
                    self.flights[fid as usize].fate = Fate::ReceiverDown;
                    rec.summary = format!(
                        "{} is down: {} lost",
                        self.names[to as usize], self.flights[fid as usize].label
                    );
                    rec.narration.push(format!(
                        "{} is down, so the message \"{}\" reaches nobody and is lost.",
                        self.actors[to as usize].title(),
                        self.flights[fid as usize].label
                    ));
                } else if let Some(msg) = payload {
                    rec.kind = StepKind::Deliver;
                    self.flights[fid as usize].fate = Fate::Delivered;
                    if self.detail {
                        rec.summary = format!(
                            "{} → {}: {}",
                            self.names[from as usize],
                            self.names[to as usize],
                            self.flights[fid as usize].label
                        );
                    }
                    let mut ctx = Ctx::new(self.now, to, &mut self.rng, self.detail);
                    self.actors[to as usize].on_message(from, msg, &mut ctx);
                    let out = ctx.finish();
                    rec.absorb(self.apply(to, out));
                }
            }
            Event::Lost(fid) => {
                let f = &self.flights[fid as usize];
                rec.kind = StepKind::Lost;
                rec.actor = Some(f.to);
                rec.flight = Some(fid);
                if self.detail {
                    rec.summary = format!("lost in the network: {}", f.label);
                    rec.narration.push(format!(
                        "The message \"{}\" from {} to {} was lost in the network. Nobody is told: the sender only notices if it is waiting with a timeout.",
                        f.label, self.names[f.from as usize], self.names[f.to as usize]
                    ));
                }
                self.payloads[fid as usize] = None;
            }
            Event::Timer { actor, tag, id } => {
                if self.active_timers[actor as usize].get(&tag) != Some(&id)
                    || !self.up[actor as usize]
                {
                    return; // cancelled or superseded: not an event at all
                }
                self.active_timers[actor as usize].remove(&tag);
                rec.kind = StepKind::Timer;
                rec.actor = Some(actor);
                self.timers[id as usize].fired_step = Some(self.steps.len() as u32);
                if self.detail {
                    let label = &self.timers[id as usize].label;
                    rec.summary =
                        format!("{}: timer \"{}\" fires", self.names[actor as usize], label);
                }
                let mut ctx = Ctx::new(self.now, actor, &mut self.rng, self.detail);
                self.actors[actor as usize].on_timer(tag, &mut ctx);
                let out = ctx.finish();
                rec.absorb(self.apply(actor, out));
            }
            Event::Fault(i) => {
                let fault = self.scenario.faults[i as usize].clone();
                self.fault_done[i as usize] = true;
                match fault {
                    Fault::Crash { actor, .. } => {
                        if let Some(id) = self.actor_id(&actor) {
                            self.crash(id, &mut rec);
                        }
                    }
                    Fault::Restart { actor, .. } => {
                        let Some(id) = self.actor_id(&actor) else {
                            return;
                        };
                        rec.kind = StepKind::Restart;
                        rec.actor = Some(id);
                        if self.up[id as usize] {
                            rec.summary = format!("{} is already running", actor);
                            rec.narration.push(format!(
                                "{} was not down, so there is nothing to restart.",
                                self.actors[id as usize].title()
                            ));
                        } else {
                            self.up[id as usize] = true;
                            rec.summary = format!("{} restarts", actor);
                            rec.narration.push(format!(
                                "{} restarts. Whatever it had stored durably is still there; everything it held only in memory is gone.",
                                self.actors[id as usize].title()
                            ));
                            let mut ctx = Ctx::new(self.now, id, &mut self.rng, self.detail);
                            self.actors[id as usize].on_restart(&mut ctx);
                            let out = ctx.finish();
                            rec.absorb(self.apply(id, out));
                        }
                    }
                    Fault::Lab { actor, name, .. } => {
                        let Some(id) = self.actor_id(&actor) else {
                            return;
                        };
                        rec.kind = StepKind::LabFault;
                        rec.actor = Some(id);
                        rec.summary = format!("fault \"{}\" on {}", name, actor);
                        let mut ctx = Ctx::new(self.now, id, &mut self.rng, self.detail);
                        let understood = self.up[id as usize]
                            && self.actors[id as usize].on_lab_fault(&name, &mut ctx);
                        if !understood {
                            rec.narration
                                .push(format!("The fault \"{name}\" had no effect on {actor}."));
                        }
                        let out = ctx.finish();
                        rec.absorb(self.apply(id, out));
                    }
                    Fault::Net { .. } | Fault::CrashOnSend { .. } => return,
                }
            }
        }
        self.commit_step(rec);
    }

    fn crash(&mut self, id: ActorId, rec: &mut StepRecord) {
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
        rec.changed_actors.push(id);
    }

    /// Carry out an actor's commands; returns what the step should record.
    fn apply(&mut self, me: ActorId, out: CtxOutput<<L::Actor as Actor>::Msg>) -> StepRecord {
        let CtxOutput {
            commands,
            narration,
            transitions,
            data_changed,
        } = out;
        let mut rec = StepRecord {
            narration,
            transitions,
            data_changed,
            changed_actors: if data_changed { vec![me] } else { Vec::new() },
            ..StepRecord::default()
        };
        for c in commands {
            if !self.up[me as usize] {
                break; // crashed by a fault on one of its own sends: the rest never happens
            }
            match c {
                Command::Send { to, msg } => self.send(me, to, msg, &mut rec),
                Command::SetTimer {
                    after_ms,
                    tag,
                    label,
                } => {
                    let id = self.timers.len() as u32;
                    self.timers.push(TimerMark {
                        actor: me,
                        set_at: self.now,
                        set_step: self.steps.len() as u32,
                        due_at: self.now.saturating_add(after_ms),
                        label,
                        fired_step: None,
                    });
                    self.active_timers[me as usize].insert(tag, id);
                    self.push(
                        self.now.saturating_add(after_ms),
                        Event::Timer { actor: me, tag, id },
                    );
                }
                Command::CancelTimer { tag } => {
                    self.active_timers[me as usize].remove(&tag);
                }
            }
        }
        rec
    }

    /// Put a message on the wire: latency, then scripted and random fates.
    fn send(
        &mut self,
        from: ActorId,
        to: ActorId,
        msg: <L::Actor as Actor>::Msg,
        rec: &mut StepRecord,
    ) {
        if to as usize >= self.actors.len() {
            return;
        }
        let lat = self.scenario.latency;
        let latency = self.rng.between(lat.min_ms, lat.max_ms);
        let class = msg.class();
        let mut action: Option<(NetAction, &'static str)> = None;
        let mut crash_now: Option<ActorId> = None;
        for (i, f) in self.scenario.faults.iter().enumerate() {
            if self.fault_done[i] {
                continue;
            }
            let (on, is_crash) = match f {
                Fault::Net { on, .. } => (on, false),
                Fault::CrashOnSend { on, .. } => (on, true),
                _ => continue,
            };
            if is_crash && crash_now.is_some() || !is_crash && action.is_some() {
                continue;
            }
            if on.accepts(
                self.now,
                &self.names[from as usize],
                &self.names[to as usize],
                class,
            ) {
                self.fault_hits[i] += 1;
                if self.fault_hits[i] >= on.nth {
                    self.fault_done[i] = true;
                    match f {
                        Fault::Net { action: a, .. } => action = Some((a.clone(), "scripted")),
                        Fault::CrashOnSend { actor, .. } => crash_now = self.actor_id(actor),
                        _ => {}
                    }
                }
            }
        }
        let random = &self.scenario.random;
        if action.is_none() && !random.is_off() {
            if self.rng.chance_permille(random.drop_permille) {
                action = Some((NetAction::Drop, "random"));
            } else if self.rng.chance_permille(random.duplicate_permille) {
                action = Some((NetAction::Duplicate, "random"));
            } else if self.rng.chance_permille(random.delay_permille) {
                action = Some((
                    NetAction::Delay {
                        ms: random.delay_ms,
                    },
                    "random",
                ));
            }
        }
        let (label, display) = if self.detail {
            let copy = msg.clone();
            (msg.label(), LazyMessage::new(move || copy.display()))
        } else {
            (String::new(), LazyMessage::default())
        };
        let id = self.flights.len() as u32;
        let mut flight = Flight {
            id,
            from,
            to,
            sent_at: self.now,
            arrives_at: self.now + latency,
            send_step: self.steps.len() as u32,
            fate: Fate::InFlight,
            label,
            class,
            message: display,
            note: None,
            duplicate_of: None,
        };
        match action {
            Some((NetAction::Drop, why)) => {
                flight.note = Some(format!("lost in the network ({why} fault)"));
                flight.fate = Fate::Dropped;
                self.push(flight.arrives_at, Event::Lost(id));
                self.flights.push(flight);
                self.payloads.push(None);
            }
            Some((NetAction::Delay { ms }, why)) => {
                flight.arrives_at = flight.arrives_at.saturating_add(ms);
                flight.note = Some(format!("delayed {ms} ms ({why} fault)"));
                self.push(flight.arrives_at, Event::Deliver(id));
                self.flights.push(flight);
                self.payloads.push(Some(msg));
            }
            Some((NetAction::Duplicate, why)) => {
                let extra = self.rng.between(lat.min_ms, lat.max_ms);
                let mut copy = flight.clone();
                copy.id = id + 1;
                copy.arrives_at = self.now + latency + extra;
                copy.duplicate_of = Some(id);
                copy.note = Some(format!("a duplicate made by the network ({why} fault)"));
                flight.note = Some("the network will deliver this message twice".into());
                self.push(flight.arrives_at, Event::Deliver(id));
                self.push(copy.arrives_at, Event::Deliver(id + 1));
                self.flights.push(flight);
                self.flights.push(copy);
                self.payloads.push(Some(msg.clone()));
                self.payloads.push(Some(msg));
            }
            None => {
                self.push(flight.arrives_at, Event::Deliver(id));
                self.flights.push(flight);
                self.payloads.push(Some(msg));
            }
        }
        if let Some(victim) = crash_now {
            let mut crash_rec = StepRecord::default();
            self.crash(victim, &mut crash_rec);
            rec.narration.extend(crash_rec.narration);
            rec.data_changed = true;
            rec.changed_actors.extend(crash_rec.changed_actors);
        }
    }

    /// Log the rows an actor changed during the step being recorded.
    fn log_rows(&mut self, actor: ActorId) {
        let step = self.steps.len() as u32;
        if !self.detail {
            self.actors[actor as usize].changed_rows(None);
            return;
        }
        let mut rows = Vec::new();
        self.actors[actor as usize].changed_rows(Some(&mut rows));
        self.row_log.extend(rows.into_iter().map(|r| LoggedRow {
            step,
            table: r.table,
            row: r.row,
        }));
    }

    fn record_violation(&mut self, id: &'static str, message: String) {
        if self.violations.iter().any(|v| v.invariant == id) {
            return;
        }
        let step = self.steps.len().saturating_sub(1) as u32;
        self.violations.push(Violation {
            step,
            time: self.now,
            invariant: id,
            message,
        });
    }

    fn commit_step(&mut self, mut rec: StepRecord) {
        let changed = rec.data_changed || !rec.transitions.is_empty() || self.steps.is_empty();
        if !self.detail {
            rec.summary.clear();
            rec.narration.clear();
        }
        if rec.data_changed {
            rec.changed_actors.sort_unstable();
            rec.changed_actors.dedup();
            for &a in &rec.changed_actors {
                self.log_rows(a);
            }
        }
        let states = if !self.detail {
            Vec::new()
        } else {
            self.actors
                .iter()
                .map(|a| {
                    let m = a.machine();
                    m.machine.index_of(m.current).unwrap_or(0) as u8
                })
                .collect()
        };
        let down = (0..self.actors.len())
            .filter(|&i| !self.up[i])
            .map(|i| i as ActorId)
            .collect();
        self.steps.push(Step {
            index: self.steps.len() as u32,
            time: self.now,
            kind: rec.kind,
            actor: rec.actor,
            flight: rec.flight,
            summary: rec.summary,
            narration: rec.narration,
            states,
            transitions: rec.transitions,
            down,
        });
        // A step that changed neither data nor a state machine cannot change
        // a verdict (actors flag every write), so it is not re-checked.
        if changed {
            for (id, msg) in L::check(&self.actors) {
                self.record_violation(id, msg);
            }
        }
    }

    fn finish(self) -> Run {
        let actors = self
            .actors
            .iter()
            .map(|a| ActorInfo {
                name: a.name().to_string(),
                title: a.title(),
                machine: a.machine().machine,
            })
            .collect();
        Run {
            scenario: self.scenario.clone(),
            actors,
            steps: self.steps,
            flights: self.flights,
            timers: self.timers,
            table_schema: self.table_schema,
            row_log: self.row_log,
            violations: self.violations,
            end: self.end,
        }
    }
}

/// What one step accumulates before it is committed.
struct StepRecord {
    kind: StepKind,
    actor: Option<ActorId>,
    flight: Option<u32>,
    summary: String,
    narration: Vec<String>,
    transitions: Vec<(ActorId, crate::machine::Transition)>,
    data_changed: bool,
    changed_actors: Vec<ActorId>,
}

impl Default for StepRecord {
    fn default() -> Self {
        Self {
            kind: StepKind::Start,
            actor: None,
            flight: None,
            summary: String::new(),
            narration: Vec::new(),
            transitions: Vec::new(),
            data_changed: false,
            changed_actors: Vec::new(),
        }
    }
}

impl StepRecord {
    fn absorb(&mut self, other: StepRecord) {
        self.narration.extend(other.narration);
        self.transitions.extend(other.transitions);
        self.data_changed |= other.data_changed;
        self.changed_actors.extend(other.changed_actors);
    }
}
