//! A `Scenario` is everything needed to reproduce a run: lab, config, seed,
//! fault plan and bounds. It is what a permalink and an exported file hold.

use crate::fault::{Fault, RandomFaults};
use serde::{Deserialize, Serialize};

/// Version of the scenario format inside permalinks and exported files.
pub const FORMAT_VERSION: u32 = 1;

/// A config value: a switch, a whole number or a named choice (JSON
/// `true`, `42` or `"opaque"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ConfigValue {
    Bool(bool),
    Int(i64),
    Choice(String),
}

// Read by hand (crate::read), like the scenario: serde's `untagged`
// derive buffers its input, which costs several KB of WebAssembly.
impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::read::via_value(d, crate::read::config_value)
    }
}

/// The longest option name a choice setting accepts.
pub const MAX_CHOICE_LEN: usize = 64;

/// Config as set by the learner; fields not present take the lab's default.
///
/// A list kept sorted by key, with the `BTreeMap` methods the labs use: it
/// iterates and serializes in the same (key) order as the `BTreeMap` it
/// replaces, so permalinks are byte-identical, for a fraction of the
/// WebAssembly (a config holds a handful of entries).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config(Vec<(String, ConfigValue)>);

impl Config {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Insert or replace (returning the value replaced).
    pub fn insert(&mut self, key: String, value: ConfigValue) -> Option<ConfigValue> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<ConfigValue> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &ConfigValue)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl<'a> IntoIterator for &'a Config {
    type Item = (&'a String, &'a ConfigValue);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, ConfigValue)>,
        fn(&'a (String, ConfigValue)) -> (&'a String, &'a ConfigValue),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl FromIterator<(String, ConfigValue)> for Config {
    fn from_iter<I: IntoIterator<Item = (String, ConfigValue)>>(iter: I) -> Self {
        let mut config = Config::new();
        for (k, v) in iter {
            config.insert(k, v);
        }
        config
    }
}

impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::read::via_value(d, crate::read::config)
    }
}

/// Limits that end a run with a clear message instead of a hang.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

// Read by hand (crate::read): serde's derived `Deserialize` for the
// scenario and its faults cost about 28 KB of WebAssembly.
impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::read::via_value(d, crate::read::scenario)
    }
}

impl Scenario {
    /// A scenario of `lab` at its current model version.
    pub fn new(lab: &str, seed: u64) -> Self {
        Self {
            v: FORMAT_VERSION,
            lab: lab.to_string(),
            model: crate::registry::model_version(lab),
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

/// Check a scenario against its lab's schema and actor names before it
/// runs: every refusal is a [`ScenarioError`] with a message.
pub fn validate(
    scenario: &Scenario,
    info: &crate::lab::LabInfo,
    names: &[String],
) -> Result<(), ScenarioError> {
    if scenario.v != FORMAT_VERSION {
        return Err(ScenarioError::UnsupportedVersion(scenario.v));
    }
    info.validate_config(&scenario.config)?;
    if names.len() > MAX_ACTORS {
        return Err(ScenarioError::TooManyActors(names.len()));
    }
    let b = scenario.bounds;
    if b.max_events == 0
        || b.max_events > MAX_EVENTS
        || b.max_time_ms == 0
        || b.max_time_ms > MAX_TIME_MS
    {
        return Err(ScenarioError::BadBounds);
    }
    if !latency_ok(&scenario.latency) {
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
        validate_fault(f, info)?;
        for a in f.actors() {
            if !names.iter().any(|n| n == a) {
                return Err(ScenarioError::UnknownActor(a.chars().take(40).collect()));
            }
        }
    }
    Ok(())
}

fn latency_ok(l: &Latency) -> bool {
    l.min_ms <= l.max_ms && l.max_ms <= MAX_LATENCY_MS
}

fn window_ok(what: &'static str, from_ms: u64, until_ms: u64) -> Result<(), ScenarioError> {
    if until_ms <= from_ms || until_ms - from_ms > MAX_WINDOW_MS {
        return Err(ScenarioError::BadWindow {
            what,
            from_ms,
            until_ms,
        });
    }
    Ok(())
}

fn validate_fault(f: &Fault, info: &crate::lab::LabInfo) -> Result<(), ScenarioError> {
    use crate::fault::NetAction;
    match f {
        Fault::Net {
            action: NetAction::Delay { ms },
            ..
        } if *ms > MAX_DELAY_MS => Err(ScenarioError::BadDelay(*ms)),
        Fault::Partition {
            from_ms,
            until_ms,
            side_a,
            side_b,
        } => {
            window_ok("partition", *from_ms, *until_ms)?;
            if side_a.is_empty() || side_b.is_empty() || side_a.iter().any(|a| side_b.contains(a)) {
                return Err(ScenarioError::EmptyPartitionSide);
            }
            Ok(())
        }
        Fault::Link(rule) => {
            window_ok("link rule", rule.from_ms, rule.until_ms)?;
            if rule.drop_permille > 1000
                || rule.duplicate_permille > 1000
                || rule.latency.as_ref().is_some_and(|l| !latency_ok(l))
            {
                return Err(ScenarioError::BadLinkRule);
            }
            Ok(())
        }
        Fault::AtStep { step, then } => {
            if !then.acts_at_a_moment() || *step > MAX_EVENTS {
                return Err(ScenarioError::BadStepFault);
            }
            validate_fault(then, info)
        }
        Fault::Lab { name, args, .. } => info.validate_lab_fault(name, args),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config is a small map kept sorted by key, whatever order it is
    /// built or read in (its JSON and its links depend on that order).
    #[test]
    fn a_config_is_a_sorted_map() {
        let c: Config = [
            ("b".to_string(), ConfigValue::Int(2)),
            ("a".to_string(), ConfigValue::Bool(true)),
        ]
        .into_iter()
        .collect();
        assert!(!c.is_empty() && Config::default().is_empty());
        assert!(c.contains_key("a") && !c.contains_key("c"));
        assert_eq!(c.keys().collect::<Vec<_>>(), ["a", "b"]);
        let read: Config = serde_json::from_str(r#"{"b":2,"a":true}"#).unwrap();
        assert_eq!(read, c);
    }

    /// The actor limit holds exactly: no shipped lab's schema reaches it
    /// (the most is 33 lanes), so it is checked here with names alone.
    #[test]
    fn at_most_max_actors_lanes() {
        let scenario = crate::registry::preset("payments", "happy-path").unwrap();
        let info = crate::registry::lab("payments").unwrap();
        let names = |n: usize| (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>();
        assert!(validate(&scenario, &info, &names(MAX_ACTORS)).is_ok());
        assert_eq!(
            validate(&scenario, &info, &names(MAX_ACTORS + 1)),
            Err(ScenarioError::TooManyActors(MAX_ACTORS + 1))
        );
    }
}
