//! Permalinks: the URL hash holds a versioned, encoded scenario and the
//! cursor, so a link reproduces the same run at the same step anywhere.
//!
//! Format: `v1.<base64url(JSON scenario)>.<step>`. Anything else is
//! rejected with a [`PermalinkError`] a learner can read; never a panic.

use crate::registry;
use crate::scenario::{Scenario, ScenarioError, FORMAT_VERSION};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Longest hash we try to read (a plan of 64 faults fits easily).
pub const MAX_LEN: usize = 16_384;

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PermalinkError {
    Empty,
    TooLong(usize),
    NotFaultline,
    UnsupportedVersion(String),
    Truncated,
    BadEncoding,
    BadContent(String),
    Invalid(ScenarioError),
    BadStep(String),
}

impl std::fmt::Display for PermalinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(f, "the link has no run in it"),
            Self::TooLong(n) => write!(f, "the link is {n} characters long, more than the {MAX_LEN} a run link can be"),
            Self::NotFaultline => write!(f, "this does not look like a Faultline run link (it should start with v1.)"),
            Self::UnsupportedVersion(v) => write!(f, "this link was made by a different version of Faultline ({v}); this page reads v{FORMAT_VERSION}"),
            Self::Truncated => write!(f, "the link looks cut short: part of it is missing"),
            Self::BadEncoding => write!(f, "the link is damaged: its run data is not valid base64url"),
            Self::BadContent(e) => write!(f, "the link is damaged: its run data cannot be read ({e})"),
            Self::Invalid(e) => write!(f, "the link's run cannot be played: {e}"),
            Self::BadStep(s) => write!(f, "the link's step \"{s}\" is not a number"),
        }
    }
}

impl std::error::Error for PermalinkError {}

/// Encode a scenario and cursor as a hash (without the leading `#`).
pub fn encode(scenario: &Scenario, step: u32) -> String {
    let json = serde_json::to_string(scenario).unwrap_or_default();
    format!(
        "v{FORMAT_VERSION}.{}.{step}",
        URL_SAFE_NO_PAD.encode(json.as_bytes())
    )
}

/// Decode and validate a hash (a leading `#` is allowed).
pub fn decode(hash: &str) -> Result<(Scenario, u32), PermalinkError> {
    let hash = hash.strip_prefix('#').unwrap_or(hash).trim();
    if hash.is_empty() {
        return Err(PermalinkError::Empty);
    }
    if hash.len() > MAX_LEN {
        return Err(PermalinkError::TooLong(hash.len()));
    }
    let mut parts = hash.split('.');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with('v') {
        return Err(PermalinkError::NotFaultline);
    }
    if version != format!("v{FORMAT_VERSION}") {
        return Err(PermalinkError::UnsupportedVersion(
            version.chars().take(12).collect(),
        ));
    }
    let payload = parts
        .next()
        .filter(|p| !p.is_empty())
        .ok_or(PermalinkError::Truncated)?;
    let step_text = parts.next().ok_or(PermalinkError::Truncated)?;
    if parts.next().is_some() {
        return Err(PermalinkError::BadEncoding);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| PermalinkError::BadEncoding)?;
    let text = String::from_utf8(bytes).map_err(|_| PermalinkError::BadEncoding)?;
    let scenario: Scenario = serde_json::from_str(&text).map_err(|e| {
        if e.is_eof() {
            PermalinkError::Truncated
        } else {
            PermalinkError::BadContent(e.to_string())
        }
    })?;
    let step = step_text
        .parse::<u32>()
        .map_err(|_| PermalinkError::BadStep(step_text.chars().take(12).collect()))?;
    check(&scenario).map_err(PermalinkError::Invalid)?;
    Ok((scenario, step))
}

/// Validate a scenario without keeping the run.
pub fn check(scenario: &Scenario) -> Result<(), ScenarioError> {
    if scenario.v != FORMAT_VERSION {
        return Err(ScenarioError::UnsupportedVersion(scenario.v));
    }
    let lab = registry::lab(&scenario.lab)
        .ok_or_else(|| ScenarioError::UnknownLab(scenario.lab.clone()))?;
    lab.validate_config(&scenario.config)?;
    // Actor names and bounds are checked by the engine itself.
    registry::simulate(&Scenario {
        bounds: crate::scenario::Bounds {
            max_events: 1,
            max_time_ms: 1,
        },
        ..scenario.clone()
    })
    .map(|_| ())
}
