//! A `Scenario` is everything needed to reproduce a run: lab, config, seed,
//! fault plan and bounds. It is what a permalink and an exported file hold.

pub use crate::config::{Bounds, Config, ConfigValue, Latency, MAX_CHOICE_LEN};
use crate::fault::{Fault, RandomFaults};
use serde::Serialize;

/// Version of the scenario format inside permalinks and exported files.
pub const FORMAT_VERSION: u32 = 1;

/// Everything a run depends on. Same scenario ⇒ identical run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scenario {
    pub v: u32,
    pub lab: String,
    /// The lab's model version when the scenario was made (links made
    /// before versions existed carry none and count as version 1). A run
    /// made under an older model may differ from what the link showed.
    pub model: u32,
    pub config: Config,
    pub seed: u64,
    pub faults: Vec<Fault>,
    pub random: RandomFaults,
    pub latency: Latency,
    pub bounds: Bounds,
}

impl Scenario {
    /// A scenario of `lab` under its model version `model` (the lab's
    /// current one: `registry::new_scenario` looks it up).
    pub fn new(lab: &str, model: u32, seed: u64) -> Self {
        Self {
            v: FORMAT_VERSION,
            lab: lab.to_string(),
            model,
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
    NotAnOption {
        key: String,
        got: String,
        options: String,
    },
    BadWindow {
        what: &'static str,
        from_ms: u64,
        until_ms: u64,
    },
    EmptyPartitionSide,
    BadLinkRule,
    BadStepFault,
    BadLabFault {
        name: String,
        why: String,
    },
    TooManyActors(usize),
}

/// The longest delay a fault may add to one message.
pub const MAX_DELAY_MS: u64 = 60_000;

/// The most actors (lanes) a run may have.
pub const MAX_ACTORS: usize = 128;

/// The longest window a partition or link rule may cover.
pub const MAX_WINDOW_MS: u64 = 3_600_000;

/// The most faults one plan may hold (keeps links short and runs bounded).
pub const MAX_FAULTS: usize = 64;

/// The most events a run may be allowed (its `bounds.max_events`).
pub const MAX_EVENTS: u32 = 100_000;

/// The longest virtual time a run may be allowed (its `bounds.max_time_ms`).
pub const MAX_TIME_MS: u64 = 3_600_000;

/// The highest network latency a scenario or link rule may set.
pub const MAX_LATENCY_MS: u64 = 60_000;

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
            Self::BadBounds => write!(f, "the run limits must be at least 1 event and 1 ms, and at most {MAX_EVENTS} events and {MAX_TIME_MS} ms"),
            Self::BadLatency => write!(f, "network latency must satisfy 0 ≤ min ≤ max ≤ {MAX_LATENCY_MS} ms"),
            Self::BadDelay(ms) => write!(f, "a fault delays a message by {ms} ms; the most is {MAX_DELAY_MS} ms"),
            Self::BadRandomFaults => write!(f, "random fault chances must be at most 1000 per mille, and random delays at most {MAX_DELAY_MS} ms"),
            Self::TooManyFaults(n) => write!(f, "a fault plan holds at most {MAX_FAULTS} faults, this one has {n}"),
            Self::NotAnOption { key, got, options } => write!(f, "the setting \"{key}\" must be one of {options}, not \"{got}\""),
            Self::BadWindow { what, from_ms, until_ms } => write!(f, "a {what} must end after it starts and last at most {MAX_WINDOW_MS} ms (here {from_ms} to {until_ms} ms)"),
            Self::EmptyPartitionSide => write!(f, "a partition needs at least one actor on each side, and no actor on both"),
            Self::BadLinkRule => write!(f, "a link rule's chances must be at most 1000 per mille and its latency 0 ≤ min ≤ max ≤ 60000 ms"),
            Self::BadStepFault => write!(f, "only a crash, a restart or a lab fault can be triggered at a step, once, and at most at step 100000"),
            Self::TooManyActors(n) => write!(f, "this configuration has {n} actors; a run can have at most {MAX_ACTORS}"),
            Self::BadLabFault { name, why } => write!(f, "the fault \"{name}\" cannot be used: {why}"),
        }
    }
}

impl std::error::Error for ScenarioError {}
