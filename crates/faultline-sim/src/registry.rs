//! The list of labs and the entry points the UI and the tests call:
//! `simulate(&scenario)`, `validate`, `lab(id)`, `preset(lab, id)`.
//! Registering a lab is one line in [`entries`]; nothing else names a lab.

use crate::engine::{simulate_info, start_info, validate_info, Detail, Simulation};
use crate::lab::{Lab, LabInfo};
use crate::scenario::{Scenario, ScenarioError};
use crate::trace::Run;
use std::cell::OnceCell;

/// One registered lab: its description and its engine entry points.
struct Entry {
    info: fn() -> LabInfo,
    simulate: fn(&LabInfo, &Scenario, Detail) -> Result<Run, ScenarioError>,
    start: fn(&LabInfo, &Scenario, Detail) -> Result<Simulation, ScenarioError>,
    validate: fn(&LabInfo, &Scenario) -> Result<(), ScenarioError>,
    #[cfg(feature = "explore")]
    scales: crate::lab::FaultScales,
    #[cfg(feature = "explore")]
    bounded: fn() -> Vec<crate::lab::InvariantInfo>,
    #[cfg(feature = "explore")]
    note: fn(&str) -> Option<&'static str>,
    #[cfg(feature = "explore")]
    measure: Option<(&'static str, &'static str)>,
}

#[cfg_attr(
    not(any(
        feature = "paymentslab",
        feature = "oauthlab",
        feature = "sagaslab",
        feature = "testlab"
    )),
    allow(dead_code)
)]
fn entry<L: Lab>() -> Entry {
    Entry {
        info: L::info,
        simulate: simulate_info::<L>,
        start: start_info::<L>,
        validate: validate_info::<L>,
        #[cfg(feature = "explore")]
        scales: L::SCALES,
        #[cfg(feature = "explore")]
        bounded: L::bounded,
        #[cfg(feature = "explore")]
        note: L::explorer_note,
        #[cfg(feature = "explore")]
        measure: L::MEASURE,
    }
}

/// Labs registered only under cargo features that tests enable (`testlab`
/// for the seam's proof): the web build never has them, so checks of what
/// it ships leave them out.
pub const TEST_ONLY: &[&str] = &["toy"];

/// Every lab compiled in (each under its own cargo feature: a lab page's
/// wasm has its lab alone), in landing-page order. The test-only lab
/// (feature `testlab`) proves the seam and never ships in the wasm.
fn entries() -> Vec<Entry> {
    vec![
        #[cfg(feature = "paymentslab")]
        entry::<crate::labs::payments::PaymentsLab>(),
        #[cfg(feature = "oauthlab")]
        entry::<crate::labs::oauth::OAuthLab>(),
        #[cfg(feature = "sagaslab")]
        entry::<crate::labs::sagas::SagasLab>(),
        #[cfg(feature = "testlab")]
        entry::<crate::labs::toy::ToyLab>(),
    ]
}

thread_local! {
    /// The registered labs and their descriptions, built once per thread:
    /// a lab's description is static, and building it (presets, palette,
    /// schema) on every re-simulation cost more than a short run.
    static REGISTRY: OnceCell<Vec<(Entry, LabInfo)>> = const { OnceCell::new() };
}

/// Call `f` with every lab and its description.
fn with_all<R>(f: impl FnOnce(&[(Entry, LabInfo)]) -> R) -> R {
    REGISTRY.with(|cell| {
        f(cell.get_or_init(|| {
            entries()
                .into_iter()
                .map(|e| {
                    let info = (e.info)();
                    (e, info)
                })
                .collect()
        }))
    })
}

/// Call `f` with the lab called `id` and its description.
fn with_lab<R>(id: &str, f: impl FnOnce(&Entry, &LabInfo) -> R) -> Option<R> {
    with_all(|all| all.iter().find(|(_, i)| i.id == id).map(|(e, i)| f(e, i)))
}

fn unknown(id: &str) -> ScenarioError {
    ScenarioError::UnknownLab(id.chars().take(40).collect())
}

/// Every lab, in landing-page order.
pub fn labs() -> Vec<LabInfo> {
    with_all(|all| all.iter().map(|(_, i)| i.clone()).collect())
}

/// The lab called `id`.
pub fn lab(id: &str) -> Option<LabInfo> {
    with_lab(id, |_, info| info.clone())
}

/// Run a scenario, keeping everything the views need. Pure: the same
/// scenario always gives the same run.
pub fn simulate(scenario: &Scenario) -> Result<Run, ScenarioError> {
    simulate_with(scenario, Detail::Full)
}

/// Run a scenario keeping only what `detail` asks for. The events, their
/// times and the verdicts are the same at every level of detail.
pub fn simulate_with(scenario: &Scenario, detail: Detail) -> Result<Run, ScenarioError> {
    with_lab(&scenario.lab, |e, info| {
        (e.simulate)(info, scenario, detail)
    })
    .unwrap_or_else(|| Err(unknown(&scenario.lab)))
}

/// Set a scenario up to be simulated a slice at a time, keeping
/// everything the views need: [`Simulation::finish`] gives the run
/// [`simulate`] gives.
pub fn start(scenario: &Scenario) -> Result<Simulation, ScenarioError> {
    start_with(scenario, Detail::Full)
}

/// [`start`] keeping only what `detail` asks for.
pub fn start_with(scenario: &Scenario, detail: Detail) -> Result<Simulation, ScenarioError> {
    with_lab(&scenario.lab, |e, info| (e.start)(info, scenario, detail))
        .unwrap_or_else(|| Err(unknown(&scenario.lab)))
}

/// The sizes of the explorer's faults in lab `id`, and the bounded
/// properties it declares beside its invariants.
#[cfg(feature = "explore")]
pub fn explorer_terms(
    id: &str,
) -> Option<(crate::lab::FaultScales, Vec<crate::lab::InvariantInfo>)> {
    with_lab(id, |e, _| (e.scales, (e.bounded)()))
}

/// What the explorer says beside `property` found broken in lab `id`.
#[cfg(feature = "explore")]
pub fn explorer_note(id: &str, property: &str) -> Option<&'static str> {
    with_lab(id, |e, _| (e.note)(property)).flatten()
}

/// What the explorer's random runs measure in lab `id` beside time and
/// messages: (what, unit), if the lab declares a measure.
#[cfg(feature = "explore")]
pub fn explorer_measure(id: &str) -> Option<(&'static str, &'static str)> {
    with_lab(id, |e, _| e.measure).flatten()
}

/// Check a scenario against its lab without running it.
pub fn validate(scenario: &Scenario) -> Result<(), ScenarioError> {
    with_lab(&scenario.lab, |e, info| (e.validate)(info, scenario))
        .unwrap_or_else(|| Err(unknown(&scenario.lab)))
}

/// The preset whose scenario `scenario` is, unchanged.
pub fn preset_matching(scenario: &Scenario) -> Option<String> {
    lab(&scenario.lab)?
        .presets
        .iter()
        .find(|p| (p.scenario)() == *scenario)
        .map(|p| p.id.to_string())
}

/// A scenario of lab `lab_id` at its current model version (version 1
/// for a lab this build does not have: validation then refuses it).
pub fn new_scenario(lab_id: &str, seed: u64) -> Scenario {
    Scenario::new(lab_id, model_version(lab_id), seed)
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
