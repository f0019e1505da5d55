//! A lab is a plug-in: its actors for a config, its config schema, its
//! fault palette, its presets and its invariants. The views are generic:
//! a new lab is a folder under `labs/` plus its line in `registry.rs`.

use crate::actor::Actor;
use crate::fault::Fault;
use crate::scenario::{Config, ConfigValue, Scenario, ScenarioError};
use crate::trace::{Flight, Run, Step, Violation};
use serde::Serialize;

/// One setting in the config panel.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ConfigField {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: FieldKind,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Toggle {
        default: bool,
    },
    Number {
        default: i64,
        min: i64,
        max: i64,
        step: i64,
        unit: &'static str,
    },
    /// One of several named options: (value, label) pairs.
    Choice {
        default: &'static str,
        options: &'static [(&'static str, &'static str)],
    },
}

/// A lab-specific fault the lab's actors understand, with its parameters
/// (validated like settings). What each does is said beside its name in
/// the lab's source: the page offers lab faults through the fault
/// palette (`PaletteEntry::help`), so no text of theirs ships in it.
#[derive(Clone, Debug, Serialize)]
pub struct LabFaultInfo {
    pub name: &'static str,
    pub params: Vec<ConfigField>,
}

impl LabFaultInfo {
    /// A lab fault without parameters.
    pub fn plain(name: &'static str) -> Self {
        Self {
            name,
            params: Vec::new(),
        }
    }
}

/// One button of the fault palette: builds faults for "now".
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PaletteEntry {
    pub id: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    #[serde(skip)]
    pub build: fn(u64) -> Vec<Fault>,
}

/// A prepared scenario with a one-line explanation.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    #[serde(skip)]
    pub scenario: fn() -> Scenario,
}

/// A property checked after every step, in plain words.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct InvariantInfo {
    pub id: &'static str,
    pub text: &'static str,
    /// Why the property does not apply under a config (then it is not
    /// checked, and the panel must not show a green check for it).
    #[serde(skip)]
    pub not_checked: fn(&LabInfo, &Config) -> Option<&'static str>,
}

/// For invariants that always apply.
pub fn always(_: &LabInfo, _: &Config) -> Option<&'static str> {
    None
}

/// An interview question the lab demonstrates: the strong answer and the
/// common mistake each come with a preset that shows them happening, and
/// both with a ready-made comparison that plays them side by side on one
/// seed and fault plan (`tests/interviews.rs`: the mistake breaks an
/// invariant that the strong answer keeps).
#[derive(Clone, Debug, Serialize)]
pub struct Interview {
    pub question: &'static str,
    pub answer: &'static str,
    pub why: &'static str,
    pub mistake: &'static str,
    /// Preset that shows the strong answer working.
    pub answer_preset: &'static str,
    /// Preset that shows the mistake going wrong.
    pub mistake_preset: &'static str,
    /// The comparison (`LabInfo::comparisons`) of the mistake and the
    /// strong answer, one setting apart.
    pub comparison: &'static str,
    /// Which side of that comparison is the mistake.
    pub mistake_is_b: bool,
}

/// Two runs worth seeing side by side on one seed and fault plan (the
/// comparison view's ready-made pairs; a learner can also compare any two
/// runs of a lab).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Comparison {
    pub id: &'static str,
    pub title: &'static str,
    /// What the pair shows, in a sentence or two.
    pub explanation: &'static str,
    /// The run shown as A, and as B.
    #[serde(skip)]
    pub a: fn() -> Scenario,
    #[serde(skip)]
    pub b: fn() -> Scenario,
}

/// A figure a lab derives from its run at a step, shown beside the
/// narration ("Time blocked so far: 4.950 s"): the view draws any lab's
/// figures as label and value, without knowing what they measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub label: &'static str,
    pub value: String,
}

/// For labs with no figures to show.
pub fn no_figures(_: &Run, _: u32) -> Vec<Figure> {
    Vec::new()
}

/// What the UI needs to know about a lab.
#[derive(Clone, Debug, Serialize)]
pub struct LabInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub tagline: &'static str,
    /// Goes up whenever the lab's behaviour changes (a preset's golden
    /// digest changes): links made under an older version open with a
    /// notice that the run may differ.
    pub model_version: u32,
    /// The preset a learner sees first when opening the lab.
    pub default_preset: &'static str,
    /// The lab faults its actors understand.
    pub lab_faults: Vec<LabFaultInfo>,
    pub config: Vec<ConfigField>,
    pub palette: Vec<PaletteEntry>,
    pub presets: Vec<Preset>,
    pub invariants: Vec<InvariantInfo>,
    /// Interview questions, the seed's first.
    pub interviews: Vec<Interview>,
    /// Ready-made comparisons of two presets.
    pub comparisons: Vec<Comparison>,
    /// Tables a comparison shows side by side (by title): the ones that
    /// tell two runs apart.
    pub compare_tables: &'static [&'static str],
    /// Figures derived from a run at a step (empty when there are none).
    #[serde(skip)]
    pub figures: fn(&Run, u32) -> Vec<Figure>,
}

impl LabInfo {
    pub fn field(&self, key: &str) -> Option<&ConfigField> {
        self.config.iter().find(|f| f.key == key)
    }

    /// The setting `key`, or why there is none (naming the lab's settings).
    pub fn setting(&self, key: &str) -> Result<&ConfigField, String> {
        self.field(key).ok_or_else(|| {
            let keys: Vec<&str> = self.config.iter().map(|f| f.key).collect();
            format!(
                "the {} lab has no setting \"{key}\" (settings: {})",
                self.id,
                keys.join(", ")
            )
        })
    }

    /// Check every config entry against the schema.
    pub fn validate_config(&self, config: &Config) -> Result<(), ScenarioError> {
        validate_values(&self.config, config)
    }

    /// Check a lab fault's name and parameters.
    pub fn validate_lab_fault(&self, name: &str, args: &Config) -> Result<(), ScenarioError> {
        let spec = self
            .lab_faults
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| ScenarioError::BadLabFault {
                name: name.chars().take(40).collect(),
                why: format!("the {} lab has no such fault", self.id),
            })?;
        validate_values(&spec.params, args).map_err(|e| ScenarioError::BadLabFault {
            name: name.to_string(),
            why: e.to_string(),
        })
    }

    /// The ready-made comparison called `id`.
    pub fn comparison(&self, id: &str) -> Option<&Comparison> {
        self.comparisons.iter().find(|c| c.id == id)
    }

    /// The preset called `id`.
    pub fn preset(&self, id: &str) -> Option<&Preset> {
        self.presets.iter().find(|p| p.id == id)
    }

    /// A choice's value (default when unset or not an option).
    pub fn choice(&self, config: &Config, key: &str) -> &'static str {
        choice_of(&self.config, config, key)
    }
}

/// A choice's value among `fields` (default when unset or not an option).
pub fn choice_of(fields: &[ConfigField], config: &Config, key: &str) -> &'static str {
    match (
        fields.iter().find(|f| f.key == key).map(|f| f.kind),
        config.get(key),
    ) {
        (Some(FieldKind::Choice { options, default }), value) => options
            .iter()
            .find(|(v, _)| matches!(value, Some(ConfigValue::Choice(c)) if c == v))
            .map_or(default, |(v, _)| v),
        _ => "",
    }
}

impl ConfigField {
    /// This setting's value in `config` as the settings panel shows it
    /// ("on", "2000 ms", a choice's label); its default when unset.
    pub fn shown(&self, config: &Config) -> String {
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        match (self.kind, config.get(self.key)) {
            (FieldKind::Toggle { .. }, Some(ConfigValue::Bool(b))) => on_off(*b),
            (FieldKind::Toggle { default }, _) => on_off(default),
            (FieldKind::Number { unit, .. }, Some(ConfigValue::Int(v))) => format!("{v} {unit}"),
            (FieldKind::Number { default, unit, .. }, _) => format!("{default} {unit}"),
            (FieldKind::Choice { options, .. }, _) => {
                let v = choice_of(std::slice::from_ref(self), config, self.key);
                options
                    .iter()
                    .find(|(o, _)| *o == v)
                    .map_or(v, |(_, label)| label)
                    .to_string()
            }
        }
    }
}

/// The settings (of `fields`) on which two configurations differ: each
/// one's label and its value in `a` and in `b`, as shown.
pub fn differences(
    fields: &[ConfigField],
    a: &Config,
    b: &Config,
) -> Vec<(&'static str, String, String)> {
    fields
        .iter()
        .filter_map(|f| {
            let (x, y) = (f.shown(a), f.shown(b));
            (x != y).then_some((f.label, x, y))
        })
        .collect()
}

/// Check values against a schema (settings, or a lab fault's parameters).
pub fn validate_values(fields: &[ConfigField], config: &Config) -> Result<(), ScenarioError> {
    {
        for (key, value) in config {
            let field = fields.iter().find(|f| f.key == key).ok_or_else(|| {
                ScenarioError::UnknownSetting {
                    key: key.chars().take(40).collect(),
                }
            })?;
            match (field.kind, value) {
                (FieldKind::Toggle { .. }, ConfigValue::Bool(_)) => {}
                (FieldKind::Toggle { .. }, _) => {
                    return Err(ScenarioError::WrongType {
                        key: key.clone(),
                        expected: "true or false",
                    })
                }
                (FieldKind::Number { min, max, .. }, ConfigValue::Int(v)) => {
                    if *v < min || *v > max {
                        return Err(ScenarioError::OutOfRange {
                            key: key.clone(),
                            min,
                            max,
                            got: *v,
                        });
                    }
                }
                (FieldKind::Number { .. }, _) => {
                    return Err(ScenarioError::WrongType {
                        key: key.clone(),
                        expected: "a whole number",
                    })
                }
                (FieldKind::Choice { options, .. }, ConfigValue::Choice(c)) => {
                    if !options.iter().any(|(v, _)| v == c) {
                        return Err(ScenarioError::NotAnOption {
                            key: key.clone(),
                            got: c.chars().take(40).collect(),
                            options: options
                                .iter()
                                .map(|(v, _)| format!("\"{v}\""))
                                .collect::<Vec<_>>()
                                .join(", "),
                        });
                    }
                }
                (FieldKind::Choice { .. }, _) => {
                    return Err(ScenarioError::WrongType {
                        key: key.clone(),
                        expected: "the name of one of its options",
                    })
                }
            }
        }
        Ok(())
    }
}

impl LabInfo {
    /// A switch's value (default when unset or malformed).
    pub fn flag(&self, config: &Config, key: &str) -> bool {
        match (self.field(key).map(|f| f.kind), config.get(key)) {
            (Some(FieldKind::Toggle { .. }), Some(ConfigValue::Bool(b))) => *b,
            (Some(FieldKind::Toggle { default }), _) => default,
            _ => false,
        }
    }

    /// A number's value, clamped to its range (default when unset).
    pub fn number(&self, config: &Config, key: &str) -> i64 {
        match (self.field(key).map(|f| f.kind), config.get(key)) {
            (Some(FieldKind::Number { min, max, .. }), Some(ConfigValue::Int(v))) => {
                (*v).clamp(min, max)
            }
            (Some(FieldKind::Number { default, .. }), _) => default,
            _ => 0,
        }
    }
}

/// What an invariant may read besides the actors: the run so far.
pub struct TraceSoFar<'a> {
    /// Steps recorded before the one being checked.
    pub steps: &'a [Step],
    /// Every message sent so far (routing and fates are kept in lean runs).
    pub flights: &'a [Flight],
    /// Virtual time of the step being checked.
    pub now_ms: u64,
    /// Invariants already found broken (only the first violation of each
    /// is recorded, so a lab may skip re-checking them).
    pub broken: &'a [Violation],
    /// Actors whose data or state machine changed in this step, in lane
    /// order (every
    /// actor on the first step and at the end): a lab may re-check only
    /// the properties these can affect.
    pub changed: &'a [u16],
}

impl TraceSoFar<'_> {
    /// Whether `actor` changed in this step.
    pub fn changed(&self, actor: u16) -> bool {
        self.changed.contains(&actor)
    }

    /// Whether `invariant` has already been found broken in this run.
    pub fn is_broken(&self, invariant: &str) -> bool {
        self.broken.iter().any(|v| v.invariant == invariant)
    }
}

/// A lab's behaviour, used by the engine.
pub trait Lab: 'static {
    type Actor: Actor + Clone + std::fmt::Debug + std::hash::Hash;
    /// The config read once into typed values, for the actors and checks.
    type Settings: Clone;
    /// The sizes of the explorer's faults in this lab.
    const SCALES: FaultScales = FaultScales {
        delay_ms: 1_000,
        downtime_ms: 2_000,
        partition_ms: 2_000,
    };

    fn info() -> LabInfo;
    /// Typed settings from a (validated) config.
    fn settings(info: &LabInfo, config: &Config) -> Self::Settings;
    /// The lab's actors. Their order is the lane order.
    fn build(settings: &Self::Settings) -> Vec<Self::Actor>;
    /// Invariants that are broken right now: (invariant id, message).
    fn check(
        settings: &Self::Settings,
        actors: &[Self::Actor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)>;
    /// Properties checked once when the run ends.
    fn check_end(
        _settings: &Self::Settings,
        _actors: &[Self::Actor],
        _trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Bounded properties ("no lock is held longer than 2 s"): the
    /// explorer searches them beside the invariants; a lab run does not
    /// report them. Described by [`Lab::bounded`].
    fn check_bounded(
        _settings: &Self::Settings,
        _actors: &[Self::Actor],
        _now_ms: u64,
    ) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The bounded properties [`Lab::check_bounded`] checks.
    fn bounded() -> Vec<InvariantInfo> {
        Vec::new()
    }
    /// What the explorer's random runs measure in this lab beside run
    /// time and messages, for a histogram: (what, unit). Measured at the
    /// end of each run by [`Lab::explorer_measure`].
    const MEASURE: Option<(&'static str, &'static str)> = None;
    /// That measure, at the end of a run (`now_ms` its last step's time).
    fn explorer_measure(_settings: &Self::Settings, _actors: &[Self::Actor], _now_ms: u64) -> u64 {
        0
    }
    /// What the explorer's panel says beside a property it found broken
    /// (id) in this lab, where the finding needs explaining: a violation
    /// the lab's model means to show, what to try next.
    fn explorer_note(_property: &str) -> Option<&'static str> {
        None
    }
}

/// The sizes of the faults the explorer tries, which each lab declares:
/// how long a delayed message is held, how long a crashed actor stays
/// down, how long a partition lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FaultScales {
    pub delay_ms: u64,
    pub downtime_ms: u64,
    pub partition_ms: u64,
}

// Views compare props by identity: a field, entry or lab is its id.
impl PartialEq for ConfigField {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}

impl PartialEq for PaletteEntry {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}

impl PartialEq for Preset {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}

impl PartialEq for LabInfo {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}

impl PartialEq for InvariantInfo {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}

/// A run expected to break one invariant, or to keep it: the data behind
/// "every invariant can fail, and is seen failing". Each lab keeps its cases
/// beside its invariants (`labs/<lab>/cases.rs`); `tests/invariant_cases.rs`
/// runs every case and asserts that each invariant has at least one case
/// that breaks it and one that keeps it. Only the tests name these, so the
/// web build drops them.
#[derive(Clone, Copy, Debug)]
pub struct InvariantCase {
    /// The invariant's id.
    pub invariant: &'static str,
    /// What the case is, in a few words ("no key, response lost").
    pub name: &'static str,
    /// `true`: the run must report the invariant broken; `false`: the run
    /// must check it (not skipped by its config) and never report it.
    pub breaks: bool,
    pub scenario: fn() -> Scenario,
}

impl InvariantCase {
    /// A case that must break `invariant`.
    pub const fn breaks(
        invariant: &'static str,
        name: &'static str,
        scenario: fn() -> Scenario,
    ) -> Self {
        Self {
            invariant,
            name,
            breaks: true,
            scenario,
        }
    }

    /// A case that must keep `invariant`.
    pub const fn holds(
        invariant: &'static str,
        name: &'static str,
        scenario: fn() -> Scenario,
    ) -> Self {
        Self {
            breaks: false,
            ..Self::breaks(invariant, name, scenario)
        }
    }
}
