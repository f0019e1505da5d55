//! Permalinks: the URL hash holds a versioned, encoded scenario and the
//! cursor, so a link reproduces the same run at the same step anywhere.
//!
//! Two forms, both read by [`open`]:
//! - full: `v1.<base64url(JSON scenario)>.<step>`, with an optional
//!   `.projector` after the step (the view it opens in); the scenario names
//!   its lab's model version, so a link made under an older model still
//!   opens, with a notice that the run may differ;
//! - short, for slides and cross-references: `lab=payments&preset=key-expired`
//!   with an optional `&step=N` and `&view=projector` (or `embed`).
//!
//! The view segment is optional in both forms, so every link made before it
//! existed still opens (in the normal view).
//!
//! A comparison of two runs of one lab has links of its own, in both forms:
//! - full: `vs1.<A>.<B>.<step>` (A and B encoded as above), then `.b` when
//!   B's diagram is the one shown, then the view;
//! - short: `lab=oauth&compare=authn-vs-authz` (a lab's ready-made pair),
//!   with the same optional `&step=N`, `&show=b` and `&view=projector`.
//!
//! The step is the cursor of the run shown; the other run is shown at the
//! same moment in virtual time.
//!
//! Anything else is rejected with a [`PermalinkError`] a learner can read;
//! never a panic.

use crate::lab::LabInfo;
use crate::registry;
use crate::scenario::{Scenario, ScenarioError, FORMAT_VERSION};

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
    UnknownPreset {
        lab: String,
        preset: String,
    },
    BadShortLink(String),
    BadView(String),
    /// A comparison link whose two runs are of different labs.
    CompareLabs(String, String),
    UnknownComparison {
        lab: String,
        id: String,
    },
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
            Self::UnknownPreset { lab, preset } => write!(f, "the {lab} lab has no scenario called \"{preset}\""),
            Self::BadView(v) => write!(f, "the link asks for a view called \"{v}\"; a link can only name \"projector\" or \"embed\""),
            Self::CompareLabs(a, b) => write!(f, "a comparison shows two runs of one lab, and this link names a run of \"{a}\" and one of \"{b}\""),
            Self::UnknownComparison { lab, id } => write!(f, "the {lab} lab has no comparison called \"{id}\""),
            Self::BadShortLink(why) => write!(f, "the short link is not complete: {why} (it should look like lab=payments&preset=happy-path&step=3)"),
        }
    }
}

impl std::error::Error for PermalinkError {}

/// How a link asks the page to show its run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Every panel (what a link without a view opens).
    #[default]
    Normal,
    /// The projector view: the diagram and the narration line, large.
    Projector,
    /// The embedded view, for an iframe in a course page, a post or a
    /// slide: the run's diagram, its controls and its narration line, no
    /// navigation.
    Embed,
}

impl View {
    /// The view a link's text names (`projector`, `embed`); anything else is refused.
    pub fn parse(text: &str) -> Result<Self, PermalinkError> {
        match text {
            "projector" => Ok(Self::Projector),
            "embed" => Ok(Self::Embed),
            other => Err(PermalinkError::BadView(other.chars().take(20).collect())),
        }
    }

    /// The suffix that names this view in a full link (`.projector`), or
    /// nothing for the normal view.
    fn suffix(self) -> &'static str {
        match self {
            Self::Normal => "",
            Self::Projector => ".projector",
            Self::Embed => ".embed",
        }
    }
}

/// Encode a scenario and cursor as a hash (without the leading `#`).
pub fn encode(scenario: &Scenario, step: u32) -> String {
    encode_in(scenario, step, View::Normal)
}

/// Encode a scenario, cursor and view as a hash (without the leading `#`).
pub fn encode_in(scenario: &Scenario, step: u32, view: View) -> String {
    let json = serde_json::to_string(scenario).unwrap_or_default();
    format!(
        "v{FORMAT_VERSION}.{}.{step}{}",
        crate::b64::encode_url(json.as_bytes()),
        view.suffix()
    )
}

/// A short link to a lab's preset, optionally at a step.
pub fn encode_short(lab: &str, preset: &str, step: Option<u32>) -> String {
    match step {
        Some(n) => format!("lab={lab}&preset={preset}&step={n}"),
        None => format!("lab={lab}&preset={preset}"),
    }
}

/// What a link opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The scenario, at its lab's current model version.
    pub scenario: Scenario,
    pub step: u32,
    /// The preset the link names, or whose scenario it holds unchanged.
    pub preset: Option<String>,
    /// Something the learner should know (an older model version).
    pub notice: Option<String>,
    /// The view the link asks for.
    pub view: View,
    /// A comparison link's second run (B; `scenario` is A).
    pub vs: Option<Versus>,
}

/// The second run of a comparison link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versus {
    pub scenario: Scenario,
    pub preset: Option<String>,
    /// B's diagram is the one shown (the step is B's).
    pub shown: bool,
    /// A notice about B's model version.
    pub notice: Option<String>,
}

/// Encode a comparison: run `a`, run `b`, the cursor of the run shown
/// (`b_shown`: B's) and the view.
pub fn encode_compare(a: &Scenario, b: &Scenario, step: u32, b_shown: bool, view: View) -> String {
    let enc = |s: &Scenario| {
        crate::b64::encode_url(serde_json::to_string(s).unwrap_or_default().as_bytes())
    };
    format!(
        "vs{FORMAT_VERSION}.{}.{}.{step}{}{}",
        enc(a),
        enc(b),
        if b_shown { ".b" } else { "" },
        view.suffix()
    )
}

/// Open a link of either form (a leading `#` is allowed).
pub fn open(hash: &str) -> Result<Opened, PermalinkError> {
    let hash = hash.strip_prefix('#').unwrap_or(hash).trim();
    if hash.starts_with("lab=") {
        return open_short(hash);
    }
    if let Some(rest) = hash.strip_prefix("vs") {
        return open_compare(rest);
    }
    let (scenario, step, view) = decode_in(hash)?;
    Ok(Opened {
        view,
        ..adopt(scenario, step)
    })
}

/// Bring a scenario read from a link or a file to its lab's current model
/// version (with a notice if it was made under another one) and recognise
/// an unchanged preset.
pub fn adopt(mut scenario: Scenario, step: u32) -> Opened {
    let current = registry::model_version(&scenario.lab);
    let notice = (scenario.model != current).then(|| {
        let title = registry::lab(&scenario.lab).map_or("", |l| l.title);
        let when = if scenario.model < current { "an earlier" } else { "a newer" };
        format!(
            "This link was made with {when} version of the model of \"{title}\" (version {}; this page runs version {current}). It opens, but the run may differ from what was shown when the link was made.",
            scenario.model
        )
    });
    scenario.model = current;
    let preset = registry::preset_matching(&scenario);
    Opened {
        scenario,
        step,
        preset,
        notice,
        view: View::Normal,
        vs: None,
    }
}

/// A full comparison link, after its `vs`.
fn open_compare(hash: &str) -> Result<Opened, PermalinkError> {
    if hash.len() > 2 * MAX_LEN {
        return Err(PermalinkError::TooLong(hash.len() + 2));
    }
    let mut parts = hash.splitn(3, '.');
    let (version, a, rest) = (
        parts.next().unwrap_or_default(),
        parts.next().ok_or(PermalinkError::Truncated)?,
        parts.next().ok_or(PermalinkError::Truncated)?,
    );
    // Each side reads as a plain link to its run: "v1.<run>.<step>[.view]".
    let (b, tail) = rest.split_once('.').ok_or(PermalinkError::Truncated)?;
    let (tail, shown) = match tail.split_once('.') {
        Some((step, more)) if more == "b" || more.starts_with("b.") => {
            (format!("{step}{}", &more[1..]), true)
        }
        _ => (tail.to_string(), false),
    };
    let (sa, step, view) = read_full(&format!("v{version}.{a}.{tail}"))?;
    let (sb, _, _) = read_full(&format!("v{version}.{b}.0"))?;
    // Two labs is its own mistake, whichever labs this page has.
    if sa.lab != sb.lab {
        return Err(PermalinkError::CompareLabs(
            sa.lab.chars().take(40).collect(),
            sb.lab.chars().take(40).collect(),
        ));
    }
    check(&sa).map_err(PermalinkError::Invalid)?;
    check(&sb).map_err(PermalinkError::Invalid)?;
    let b = adopt(sb, 0);
    Ok(Opened {
        view,
        vs: Some(Versus {
            scenario: b.scenario,
            preset: b.preset,
            shown,
            notice: b.notice,
        }),
        ..adopt(sa, step)
    })
}

/// The parts of a short link, as written.
struct ShortLink<'a> {
    lab: Option<&'a str>,
    preset: Option<&'a str>,
    step: u32,
    view: View,
    compare: Option<&'a str>,
    shown: bool,
}

impl<'a> ShortLink<'a> {
    /// Read a short link's `key=value` parts; an unknown key, or a step,
    /// view or shown run that does not read, is refused.
    fn parse(hash: &'a str) -> Result<Self, PermalinkError> {
        let mut link = ShortLink {
            lab: None,
            preset: None,
            step: 0,
            view: View::Normal,
            compare: None,
            shown: false,
        };
        for part in hash.split('&') {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            match k {
                "lab" => link.lab = Some(v),
                "preset" => link.preset = Some(v),
                "step" => {
                    link.step = v
                        .parse()
                        .map_err(|_| PermalinkError::BadStep(v.chars().take(12).collect()))?
                }
                "view" => link.view = View::parse(v)?,
                "compare" => link.compare = Some(v),
                "show" => {
                    link.shown = match v {
                        "a" => false,
                        "b" => true,
                        _ => {
                            return Err(PermalinkError::BadShortLink(format!(
                                "show= names the run on screen, a or b, not \"{}\"",
                                v.chars().take(12).collect::<String>()
                            )))
                        }
                    }
                }
                other => {
                    return Err(PermalinkError::BadShortLink(format!(
                        "\"{}\" is not part of a short link",
                        other.chars().take(20).collect::<String>()
                    )))
                }
            }
        }
        Ok(link)
    }
}

/// A short link: a lab's preset, or (`compare=`) its ready-made pair.
fn open_short(hash: &str) -> Result<Opened, PermalinkError> {
    if hash.len() > 512 {
        return Err(PermalinkError::TooLong(hash.len()));
    }
    let link = ShortLink::parse(hash)?;
    let lab = link
        .lab
        .ok_or_else(|| PermalinkError::BadShortLink("it names no lab".into()))?;
    let info = registry::lab(lab).ok_or_else(|| {
        PermalinkError::Invalid(ScenarioError::UnknownLab(lab.chars().take(40).collect()))
    })?;
    if let Some(id) = link.compare {
        return open_short_compare(&info, id, &link);
    }
    let preset = link.preset.unwrap_or(info.default_preset);
    let p = info
        .preset(preset)
        .ok_or_else(|| PermalinkError::UnknownPreset {
            lab: info.id.to_string(),
            preset: preset.chars().take(40).collect(),
        })?;
    Ok(Opened {
        scenario: (p.scenario)(),
        step: link.step,
        preset: Some(p.id.to_string()),
        notice: None,
        view: link.view,
        vs: None,
    })
}

/// A short link to lab `info`'s ready-made comparison `id`.
fn open_short_compare(
    info: &LabInfo,
    id: &str,
    link: &ShortLink<'_>,
) -> Result<Opened, PermalinkError> {
    let pair = info
        .comparison(id)
        .ok_or_else(|| PermalinkError::UnknownComparison {
            lab: info.id.to_string(),
            id: id.chars().take(40).collect(),
        })?;
    let (a, b) = ((pair.a)(), (pair.b)());
    Ok(Opened {
        preset: registry::preset_matching(&a),
        scenario: a,
        step: link.step,
        notice: None,
        view: link.view,
        vs: Some(Versus {
            preset: registry::preset_matching(&b),
            scenario: b,
            shown: link.shown,
            notice: None,
        }),
    })
}

/// Decode and validate a full link (a leading `#` is allowed); its view,
/// if it names one, is checked and dropped.
pub fn decode(hash: &str) -> Result<(Scenario, u32), PermalinkError> {
    decode_in(hash).map(|(scenario, step, _)| (scenario, step))
}

/// Decode and validate a full link with the view it names.
pub fn decode_in(hash: &str) -> Result<(Scenario, u32, View), PermalinkError> {
    let (scenario, step, view) = read_full(hash)?;
    check(&scenario).map_err(PermalinkError::Invalid)?;
    Ok((scenario, step, view))
}

/// The lab a link of any form names first: a short link's `lab=`, or the
/// lab of a full or comparison link's (first) run; `None` when the link
/// cannot be read that far. A page that does not have that lab sends the
/// link on to the page that does.
pub fn lab_of(hash: &str) -> Option<String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash).trim();
    if hash.starts_with("lab=") {
        return hash
            .split('&')
            .find_map(|kv| kv.strip_prefix("lab="))
            .map(|l| l.chars().take(40).collect());
    }
    let run = hash.strip_prefix("vs").map_or(hash.to_string(), |rest| {
        // "vs1.<A>.<B>.<step>…": A read as the full link "v1.<A>.0".
        let mut parts = rest.splitn(3, '.');
        let (version, a) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        format!("v{version}.{a}.0")
    });
    read_full(&run).ok().map(|(s, _, _)| s.lab)
}

/// Decode a full link (format, run, step, view) without checking its run
/// against its lab.
fn read_full(hash: &str) -> Result<(Scenario, u32, View), PermalinkError> {
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
    let view = parts.next().map_or(Ok(View::Normal), View::parse)?;
    if parts.next().is_some() {
        return Err(PermalinkError::BadEncoding);
    }
    let bytes = crate::b64::decode_url(payload).ok_or(PermalinkError::BadEncoding)?;
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
    Ok((scenario, step, view))
}

/// Validate a scenario (config, bounds, faults, actor names) without running it.
pub fn check(scenario: &Scenario) -> Result<(), ScenarioError> {
    registry::validate(scenario)
}
