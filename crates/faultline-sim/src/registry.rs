//! The list of labs and the entry points the UI and the tests call:
//! `simulate(&scenario)`, `validate`, `lab(id)`, `preset(lab, id)`.
//! Registering a lab is one line in [`entries`]; nothing else names a lab.

use crate::engine::{simulate_lab, validate_lab, Detail};
use crate::lab::{Lab, LabInfo};
use crate::scenario::{Scenario, ScenarioError};
use crate::trace::Run;

/// One registered lab: its description and its engine entry points.
struct Entry {
    info: fn() -> LabInfo,
    simulate: fn(&Scenario, Detail) -> Result<Run, ScenarioError>,
    validate: fn(&Scenario) -> Result<(), ScenarioError>,
}

fn entry<L: Lab>() -> Entry {
    Entry {
        info: L::info,
        simulate: simulate_lab::<L>,
        validate: validate_lab::<L>,
    }
}

/// Every lab that works, in landing-page order. The test-only lab (cargo
/// feature `testlab`) proves the seam and never ships in the wasm.
fn entries() -> Vec<Entry> {
    #[allow(unused_mut)]
    let mut all = vec![entry::<crate::labs::payments::PaymentsLab>()];
    #[cfg(feature = "oauthlab")]
    all.push(entry::<crate::labs::oauth::OAuthLab>());
    #[cfg(feature = "testlab")]
    all.push(entry::<crate::labs::toy::ToyLab>());
    all
}

fn find(id: &str) -> Option<Entry> {
    entries().into_iter().find(|e| (e.info)().id == id)
}

fn unknown(id: &str) -> ScenarioError {
    ScenarioError::UnknownLab(id.chars().take(40).collect())
}

/// Every lab, in landing-page order.
pub fn labs() -> Vec<LabInfo> {
    entries().iter().map(|e| (e.info)()).collect()
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
    let e = find(&scenario.lab).ok_or_else(|| unknown(&scenario.lab))?;
    (e.simulate)(scenario, detail)
}

/// Check a scenario against its lab without running it.
pub fn validate(scenario: &Scenario) -> Result<(), ScenarioError> {
    let e = find(&scenario.lab).ok_or_else(|| unknown(&scenario.lab))?;
    (e.validate)(scenario)
}

/// The preset whose scenario `scenario` is, unchanged.
pub fn preset_matching(scenario: &Scenario) -> Option<String> {
    lab(&scenario.lab)?
        .presets
        .iter()
        .find(|p| (p.scenario)() == *scenario)
        .map(|p| p.id.to_string())
}

/// A lab's current model version (1 for an unknown lab).
pub fn model_version(lab_id: &str) -> u32 {
    lab(lab_id).map_or(1, |l| l.model_version)
}

/// The scenario of a lab's preset.
pub fn preset(lab_id: &str, preset_id: &str) -> Option<Scenario> {
    lab(lab_id)?.preset(preset_id).map(|p| (p.scenario)())
}

/// The scenario a learner sees first in a lab: its default preset.
pub fn default_scenario(lab_id: &str) -> Option<(Scenario, &'static str)> {
    let info = lab(lab_id)?;
    let p = info.preset(info.default_preset)?;
    Some(((p.scenario)(), p.id))
}
