//! The list of labs and the one entry point the UI and the tests call:
//! `simulate(&scenario)`.

use crate::engine::{simulate_lab, Detail};
use crate::lab::{Lab, LabInfo};
use crate::labs::payments::{self, PaymentsLab};
use crate::scenario::{Scenario, ScenarioError};
use crate::trace::Run;

/// Every lab that works, in landing-page order.
pub fn labs() -> Vec<LabInfo> {
    vec![PaymentsLab::info()]
}

/// The lab called `id`.
pub fn lab(id: &str) -> Option<LabInfo> {
    labs().into_iter().find(|l| l.id == id)
}

/// Run a scenario, keeping everything the views need. Pure: the same
/// scenario always gives the same run.
pub fn simulate(scenario: &Scenario) -> Result<Run, ScenarioError> {
    simulate_with(scenario, Detail::Full)
}

/// Run a scenario keeping only what `detail` asks for. The events, their
/// times and the verdicts are the same at every level of detail.
pub fn simulate_with(scenario: &Scenario, detail: Detail) -> Result<Run, ScenarioError> {
    match scenario.lab.as_str() {
        payments::ID => simulate_lab::<PaymentsLab>(scenario, detail),
        other => Err(ScenarioError::UnknownLab(other.to_string())),
    }
}

/// The scenario of a lab's preset.
pub fn preset(lab_id: &str, preset_id: &str) -> Option<Scenario> {
    lab(lab_id)?
        .presets
        .iter()
        .find(|p| p.id == preset_id)
        .map(|p| (p.scenario)())
}
