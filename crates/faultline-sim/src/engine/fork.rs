//! Forking a simulation at a step, adding a fault to it there, and
//! fingerprinting its state: what the explorer needs to search fault
//! schedules as a tree (a branch goes on from its parent's state instead
//! of replaying the run from step 0) and to merge branches that reach the
//! same state. Compiled only with the `explore` feature: the lab pages
//! never search.
//!
//! **A fault added to a fork acts as in a run that had it from the
//! start**, provided it cannot act before the fork's next step: it gets
//! the place in the plan (and in the queue's order of events due at one
//! moment) it would have had, and a message-triggered fault counts the
//! matching messages already sent. `tests/explore.rs` checks a forked run
//! against a fresh one.
//!
//! **The fingerprint** hashes everything a run's future depends on: the
//! virtual time, which actors are up, the random generator, every actor's
//! state, every event still queued (in order, with its message, but not
//! its queue number or flight number), the step-triggered faults still to
//! come (counted from the next step), the message-triggered faults still
//! waiting with what they have counted, and the partitions and link rules
//! not yet over. It leaves out the past (steps, flights, verdicts) and the
//! number of steps taken: two states with one fingerprint go on alike.

use super::sim::{Event, Sim};
use super::Simulation;
use crate::actor::ActorId;
use crate::fault::Fault;
use crate::fingerprinter::Fingerprinter;
use crate::scenario::Scenario;
use crate::trace::{Flight, Violation};
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

thread_local! {
    /// The queue's events, sorted for a fingerprint (kept between calls:
    /// the explorer fingerprints millions of states).
    static DUE: RefCell<Vec<(u128, Event)>> = const { RefCell::new(Vec::new()) };
}

impl Simulation {
    /// A copy that goes on separately from here.
    pub fn fork(&self) -> Simulation {
        Simulation {
            sim: self.sim.clone(),
            model: self.model.fork(),
            over: self.over,
        }
    }

    /// Simulate one more step (skipping cancelled timers); `true` once the
    /// run is over.
    pub fn step(&mut self) -> bool {
        let at = self.sim.rec.next_step();
        while !self.over && self.sim.rec.next_step() == at {
            self.advance(1);
        }
        self.over
    }

    /// The actor the last step woke (a message delivered to it, or its
    /// timer), if it woke one.
    pub fn woken(&self) -> Option<&str> {
        let last = self.sim.rec.steps.last()?;
        match last.kind {
            crate::trace::StepKind::Deliver | crate::trace::StepKind::Timer => {
                Some(self.sim.names[last.actor? as usize].as_str())
            }
            _ => None,
        }
    }

    /// The index the next step will have.
    pub fn next_step(&self) -> u32 {
        self.sim.rec.next_step()
    }

    /// Whether a scripted fault took flight `id` (dropped, duplicated or
    /// delayed it).
    pub fn is_claimed(&self, id: u32) -> bool {
        self.sim.net.claimed.contains(&id)
    }

    /// Whether the run is over (at its end or its bounds).
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The scenario, with the faults added so far.
    pub fn scenario(&self) -> &Scenario {
        &self.sim.scenario
    }

    /// Virtual time of the last step.
    pub fn now(&self) -> u64 {
        self.sim.now
    }

    /// The actors' names, in lane order.
    pub fn names(&self) -> &[String] {
        &self.sim.names
    }

    /// Whether actor `id` is up.
    pub fn is_up(&self, id: ActorId) -> bool {
        self.sim.up[id as usize]
    }

    /// Every message sent so far.
    pub fn flights(&self) -> &[Flight] {
        &self.sim.rec.flights
    }

    /// The invariants broken so far (the first time each broke).
    pub fn violations(&self) -> &[Violation] {
        &self.sim.rec.violations
    }

    /// Whether the run stopped at one of its bounds rather than ending.
    pub fn hit_bounds(&self) -> bool {
        !matches!(self.sim.rec.end, crate::trace::End::Quiet)
    }

    /// The lab's measure for the explorer's histogram, now (`Lab::MEASURE`).
    pub fn measure(&self) -> u64 {
        self.model.measure(self.sim.now)
    }

    /// The lab's bounded properties broken right now.
    pub fn check_bounded(&self) -> Vec<(&'static str, String)> {
        self.model.check_bounded(self.sim.now)
    }

    /// Add `fault` to the plan from the next step on, in a run that is not
    /// over. It must not act before then (a time after [`Simulation::now`],
    /// a step at or after the next, a message not yet sent); the explorer
    /// makes only such faults.
    pub fn inject(&mut self, fault: Fault) {
        let sim = &mut self.sim;
        let i = sim.scenario.faults.len() as u32;
        // Matching messages already sent count toward `nth`, except those
        // a fault earlier in the plan took (it stops them being counted).
        let hits = match &fault {
            Fault::Net { on, .. } | Fault::CrashOnSend { on, .. } => {
                sim.rec
                    .flights
                    .iter()
                    .filter(|f| {
                        f.duplicate_of.is_none()
                            && !sim.net.claimed.contains(&f.id)
                            && on.accepts(
                                f.sent_at,
                                &sim.names[f.from as usize],
                                &sim.names[f.to as usize],
                                f.class,
                            )
                    })
                    .count() as u32
            }
            _ => 0,
        };
        sim.net.add(&fault, &sim.names, hits);
        sim.scenario.faults.push(fault);
        sim.schedule_fault(i);
    }

    /// Every actor's state as text (what the fingerprint hashes of them),
    /// to see why two states differ.
    pub fn actors_text(&self) -> String {
        let mut s = String::new();
        self.model.describe(None, &mut s);
        s
    }

    /// A hash of everything this run's future depends on (see the module
    /// documentation).
    pub fn fingerprint(&self) -> u64 {
        self.sim.fingerprint(self.model.as_ref())
    }
}

impl Sim {
    fn fingerprint(&self, model: &dyn super::sim::Model) -> u64 {
        let mut h = Fingerprinter::default();
        self.now.hash(&mut h);
        self.up.hash(&mut h);
        self.rng.hash(&mut h);
        DUE.with(|due| {
            let mut due = due.borrow_mut();
            due.clear();
            due.extend(self.queue.iter().map(|r| (r.0.key, r.0.ev)));
            due.sort_unstable_by_key(|d| d.0);
            self.hash_due(&due, model, &mut h);
        });
        self.hash_plan_and_network(&mut h);
        model.hash_state(None, &mut h);
        h.finish()
    }

    /// The queued events, in order (`due`), into the fingerprint.
    fn hash_due(
        &self,
        due: &[(u128, Event)],
        model: &dyn super::sim::Model,
        h: &mut Fingerprinter,
    ) {
        for &(key, ev) in due {
            let at = (key >> 64) as u64;
            match ev {
                Event::Start => h.write_u8(0),
                Event::Fault(i) => {
                    h.write_u8(1);
                    self.scenario.faults[i as usize].hash(h);
                }
                Event::Deliver(f) | Event::Lost(f) => {
                    let flight = &self.rec.flights[f as usize];
                    h.write_u8(if matches!(ev, Event::Deliver(_)) {
                        2
                    } else {
                        3
                    });
                    (flight.from, flight.to).hash(h);
                    model.hash_state(Some(f), h);
                }
                Event::Timer { actor, tag, id } => {
                    if !self.timer_live(actor, tag, id) {
                        continue;
                    }
                    h.write_u8(4);
                    (actor, tag, self.rec.timers[id as usize].kind).hash(h);
                }
                Event::Restart(a) => {
                    h.write_u8(5);
                    a.hash(h);
                }
            }
            at.hash(h);
        }
    }

    /// The faults still to act and the partitions and link rules not yet
    /// over, into the fingerprint.
    fn hash_plan_and_network(&self, h: &mut Fingerprinter) {
        let next = self.rec.next_step();
        for (step, i) in &self.step_faults {
            step.saturating_sub(next).hash(h);
            self.scenario.faults[*i as usize].hash(h);
        }
        for (i, f) in self.scenario.faults.iter().enumerate() {
            if matches!(f, Fault::Net { .. } | Fault::CrashOnSend { .. }) && !self.net.done[i] {
                self.net.hits[i].hash(h);
                f.hash(h);
            }
        }
        for p in self.net.partitions.iter().filter(|p| p.until_ms > self.now) {
            p.hash(h);
        }
        for l in self.net.links.iter().filter(|l| l.rule.until_ms > self.now) {
            l.hash(h);
        }
    }
}
