//! The simulation engine. `simulate_lab` is a pure function of the
//! scenario: no clock, no global state, one seeded generator.
//!
//! The engine is compiled once, whatever the number of labs: only
//! `model.rs` (a lab's typed actors behind the object-safe `Model` trait)
//! and the entry points below are generic over the lab.
//!
//! - `model.rs`: the seam: handler dispatch, the command loop, the typed
//!   messages on the wire.
//! - `sim.rs`: the loop: virtual time, the event queue, actors' handlers,
//!   timers, crashes and restarts, faults that act at a time or a step.
//! - `network.rs`: what happens to a message on the wire: latency, scripted
//!   and random fates, partitions and per-link rules, and `Sim::send`,
//!   which puts a message on the wire with them.
//! - `record.rs`: recording the trace: steps, rows, verdicts, the `Run`.
//! - `fork.rs` (feature `explore`): forking a run, adding a fault to it
//!   mid-run, fingerprinting its state, for the explorer.

mod commit;
#[cfg(feature = "explore")]
mod fork;
mod model;
mod network;
mod record;
mod send;
mod sim;

use crate::actor::Actor as _;
use crate::lab::{Lab, LabInfo};
use crate::scenario::{Scenario, ScenarioError};
use crate::trace::Run;
use crate::validate::validate;
use model::LabModel;
use sim::Model;
use sim::Sim;

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
    simulate_info::<L>(&L::info(), scenario, detail)
}

/// [`simulate_lab`] with the lab's description already at hand.
pub fn simulate_info<L: Lab>(
    info: &LabInfo,
    scenario: &Scenario,
    detail: Detail,
) -> Result<Run, ScenarioError> {
    let mut sim = start_info::<L>(info, scenario, detail)?;
    sim.advance(u32::MAX);
    Ok(sim.finish())
}

/// A run being simulated a slice of events at a time, so a page can
/// simulate a long run between frames and show how far it has got. The
/// run it gives is the one [`simulate_info`] gives: the same events in the
/// same order, whatever the slices.
pub struct Simulation {
    sim: Sim,
    model: Box<dyn Model>,
    over: bool,
}

impl Simulation {
    /// Simulate up to `events` more events; `true` once the run is over.
    pub fn advance(&mut self, events: u32) -> bool {
        if !self.over {
            self.over = self.sim.run_for(self.model.as_mut(), events);
        }
        self.over
    }

    /// Events simulated so far.
    pub fn events(&self) -> u32 {
        self.sim.rec.next_step()
    }

    /// The run, simulated to its end first if it is not over.
    pub fn finish(mut self) -> Run {
        self.advance(u32::MAX);
        self.sim.finish(self.model.as_ref())
    }
}

/// Set up a lab's scenario to be simulated ([`Simulation`]), after
/// checking it against the lab.
pub fn start_info<L: Lab>(
    info: &LabInfo,
    scenario: &Scenario,
    detail: Detail,
) -> Result<Simulation, ScenarioError> {
    let settings = L::settings(info, &scenario.config);
    let actors = L::build(&settings);
    let names: Vec<String> = actors.iter().map(|a| a.name().to_string()).collect();
    validate(scenario, info, &names)?;
    let model: Box<dyn Model> = Box::new(LabModel::<L>::new(settings, actors));
    let sim = Sim::new(scenario, model.as_ref(), names, detail == Detail::Full);
    Ok(Simulation {
        sim,
        model,
        over: false,
    })
}

/// Check a scenario against a lab without running it.
pub fn validate_lab<L: Lab>(scenario: &Scenario) -> Result<(), ScenarioError> {
    validate_info::<L>(&L::info(), scenario)
}

/// [`validate_lab`] with the lab's description already at hand.
pub fn validate_info<L: Lab>(info: &LabInfo, scenario: &Scenario) -> Result<(), ScenarioError> {
    let actors = L::build(&L::settings(info, &scenario.config));
    let names: Vec<String> = actors.iter().map(|a| a.name().to_string()).collect();
    validate(scenario, info, &names)
}
