//! A `Scenario` is everything needed to reproduce a run: lab, config, seed,
//! fault plan and bounds. It is what a permalink and an exported file hold.

use crate::fault::{Fault, RandomFaults};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the scenario format inside permalinks and exported files.
pub const FORMAT_VERSION: u32 = 1;

/// A config value: a switch or a whole number (JSON `true` or `42`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ConfigValue {
    Bool(bool),
    Int(i64),
}

// Written by hand: serde's `untagged` derive buffers its input, which costs
// several KB of WebAssembly for what is a bool-or-integer.
impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ConfigValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false or a whole number")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Bool(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ConfigValue, E> {
                i64::try_from(v)
                    .map(ConfigValue::Int)
                    .map_err(|_| E::custom("number too large"))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Config as set by the learner; fields not present take the lab's default.
pub type Config = BTreeMap<String, ConfigValue>;

/// Limits that end a run with a clear message instead of a hang.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    pub max_events: u32,
    pub max_time_ms: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_events: 5_000,
            max_time_ms: 120_000,
        }
    }
}

/// Network timing for every message: latency uniformly in `min..=max` ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    pub min_ms: u64,
    pub max_ms: u64,
}

impl Default for Latency {
    fn default() -> Self {
        Self {
            min_ms: 20,
            max_ms: 80,
        }
    }
}

/// Everything a run depends on. Same scenario ⇒ identical run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub v: u32,
    pub lab: String,
    #[serde(default)]
    pub config: Config,
    pub seed: u64,
    #[serde(default)]
    pub faults: Vec<Fault>,
    #[serde(default)]
    pub random: RandomFaults,
    #[serde(default)]
    pub latency: Latency,
    #[serde(default)]
    pub bounds: Bounds,
}

impl Scenario {
    pub fn new(lab: &str, seed: u64) -> Self {
        Self {
            v: FORMAT_VERSION,
            lab: lab.to_string(),
            config: Config::new(),
            seed,
            faults: Vec::new(),
            random: RandomFaults::default(),
            latency: Latency::default(),
            bounds: Bounds::default(),
        }
    }

    pub fn with(mut self, key: &str, value: ConfigValue) -> Self {
        self.config.insert(key.to_string(), value);
        self
    }

    pub fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }
}

/// Why a scenario cannot be run, in words a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    UnsupportedVersion(u32),
    UnknownLab(String),
    UnknownSetting {
        key: String,
    },
    WrongType {
        key: String,
        expected: &'static str,
    },
    OutOfRange {
        key: String,
        min: i64,
        max: i64,
        got: i64,
    },
    UnknownActor(String),
    BadBounds,
    BadLatency,
    TooManyFaults(usize),
    BadDelay(u64),
    BadRandomFaults,
}

/// The longest delay a fault may add to one message.
pub const MAX_DELAY_MS: u64 = 60_000;

/// The most faults one plan may hold (keeps links short and runs bounded).
pub const MAX_FAULTS: usize = 64;

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnsupportedVersion(v) => write!(
                f,
                "this link uses format version {v}, but this page reads version {FORMAT_VERSION}"
            ),
            Self::UnknownLab(l) => write!(f, "there is no lab called \"{l}\""),
            Self::UnknownSetting { key } => write!(f, "the setting \"{key}\" does not exist in this lab"),
            Self::WrongType { key, expected } => write!(f, "the setting \"{key}\" must be {expected}"),
            Self::OutOfRange { key, min, max, got } => {
                write!(f, "the setting \"{key}\" must be between {min} and {max}, not {got}")
            }
            Self::UnknownActor(a) => write!(f, "a fault names \"{a}\", which is not part of this lab"),
            Self::BadBounds => write!(f, "the run limits must be at least 1 event and 1 ms, and at most 100000 events and 3600000 ms"),
            Self::BadLatency => write!(f, "network latency must satisfy 0 ≤ min ≤ max ≤ 60000 ms"),
            Self::BadDelay(ms) => write!(f, "a fault delays a message by {ms} ms; the most is {MAX_DELAY_MS} ms"),
            Self::BadRandomFaults => write!(f, "random fault chances must be at most 1000 per mille, and random delays at most {MAX_DELAY_MS} ms"),
            Self::TooManyFaults(n) => write!(f, "a fault plan holds at most {MAX_FAULTS} faults, this one has {n}"),
        }
    }
}

impl std::error::Error for ScenarioError {}
