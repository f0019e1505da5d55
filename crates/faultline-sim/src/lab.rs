//! A lab is a plug-in: its actors for a config, its config schema, its
//! fault palette, its presets and its invariants. The views are generic.

use crate::actor::Actor;
use crate::fault::Fault;
use crate::scenario::{Config, ConfigValue, Scenario, ScenarioError};
use serde::Serialize;

/// One setting in the config panel.
#[derive(Clone, Debug, Serialize)]
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
}

/// One button of the fault palette: builds faults for "now".
#[derive(Clone, Debug, Serialize)]
pub struct PaletteEntry {
    pub id: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    #[serde(skip)]
    pub build: fn(u64) -> Vec<Fault>,
}

/// A prepared scenario with a one-line explanation.
#[derive(Clone, Debug, Serialize)]
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
/// common mistake each come with a preset that shows them happening.
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
}

/// What the UI needs to know about a lab.
#[derive(Clone, Debug, Serialize)]
pub struct LabInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub tagline: &'static str,
    pub config: Vec<ConfigField>,
    pub palette: Vec<PaletteEntry>,
    pub presets: Vec<Preset>,
    pub invariants: Vec<InvariantInfo>,
    pub interview: Option<Interview>,
}

impl LabInfo {
    pub fn field(&self, key: &str) -> Option<&ConfigField> {
        self.config.iter().find(|f| f.key == key)
    }

    /// Check every config entry against the schema.
    pub fn validate_config(&self, config: &Config) -> Result<(), ScenarioError> {
        for (key, value) in config {
            let field = self
                .field(key)
                .ok_or_else(|| ScenarioError::UnknownSetting { key: key.clone() })?;
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
            }
        }
        Ok(())
    }

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

/// A lab's behaviour, used by the engine.
pub trait Lab {
    type Actor: Actor;

    fn info() -> LabInfo;
    /// The lab's actors for a (validated) config. Their order is the lane order.
    fn build(info: &LabInfo, config: &Config) -> Vec<Self::Actor>;
    /// Invariants that are broken right now: (invariant id, message).
    fn check(actors: &[Self::Actor]) -> Vec<(&'static str, String)>;
    /// Properties checked once when the run ends.
    fn check_end(_actors: &[Self::Actor]) -> Vec<(&'static str, String)> {
        Vec::new()
    }
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
