//! What `run` reproduces: any link a page makes (a whole address or its
//! hash), read the way the pages read it (`faultline_sim::permalink`,
//! `lesson`, `queue`), or a lab's preset with the seed, settings and
//! faults given as arguments; and the list of labs.
//!
//! Link forms: a run (`v1.<run>.<step>[.projector|.embed]`), a short link
//! (`lab=…&preset=…&step=N[&view=…]`), a comparison (`vs1.<A>.<B>.<step>…`
//! or `lab=…&compare=<pair>`), a lesson step (`lab=…&lesson=…&ls=N`), a
//! presenter's queue (`<link>&queue=<n>~<item>~…`: the item on screen),
//! the explorer's work on a run (`<link>&explore=search~K~focused` or
//! `~every`, or
//! `<link>&explore=runs~N~L`: `main` runs the work, `explore_ask`).

use faultline_sim::explore_link::ExploreAsk;
use faultline_sim::fault::Fault;
use faultline_sim::lab::FieldKind;
use faultline_sim::lesson::{LessonFile, LessonLink};
use faultline_sim::permalink;
use faultline_sim::queue::Queue;
use faultline_sim::scenario::{ConfigValue, Scenario};
use faultline_sim::Run;
use std::fmt::Write;

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub target: Target,
    /// Print the run as JSON instead of a readable log.
    #[arg(long)]
    pub json: bool,
}

/// What to run: a link, or a lab's preset, with changes.
#[derive(clap::Args)]
pub struct Target {
    /// A link made by a page: a whole address or its hash (quote it in
    /// the shell: it holds `&`).
    #[arg(conflicts_with_all = ["lab", "preset"])]
    link: Option<String>,
    /// The lab to run (with --preset; its default preset otherwise).
    #[arg(long)]
    lab: Option<String>,
    /// The preset to start from.
    #[arg(long, requires = "lab")]
    preset: Option<String>,
    /// Another seed (other latencies and jitter, the same scenario).
    #[arg(long)]
    seed: Option<u64>,
    /// A setting, as the lab names it (repeat for more).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Faults to add, as JSON (a list, as in a run file's scenario).
    #[arg(long, value_name = "JSON")]
    faults: Option<String>,
}

/// The labs, their presets and their settings.
pub fn labs() -> String {
    let mut out = String::new();
    for info in faultline_sim::labs() {
        if faultline_sim::registry::TEST_ONLY.contains(&info.id) {
            continue;
        }
        let _ = writeln!(
            out,
            "{}: {} (default preset {})",
            info.id, info.title, info.default_preset
        );
        for p in &info.presets {
            let _ = writeln!(out, "  preset {:<34} {}", p.id, p.title);
        }
        let keys: Vec<&str> = info.config.iter().map(|f| f.key).collect();
        let _ = writeln!(out, "  settings: {}", keys.join(", "));
    }
    out
}

/// One run to print, with what the reader should know about it.
struct Shown {
    heading: Vec<String>,
    run: Run,
    step: u32,
}

/// Run what the arguments name and print it.
pub fn run(args: &RunArgs) -> Result<String, String> {
    let shown = shown(&args.target)?;
    if args.json {
        let runs: Vec<_> = shown.iter().map(|s| &s.run).collect();
        return match runs.as_slice() {
            [one] => serde_json::to_string(one),
            _ => serde_json::to_string(&runs),
        }
        .map(|t| t + "\n")
        .map_err(|e| e.to_string());
    }
    let mut out = String::new();
    for s in &shown {
        for line in &s.heading {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "lab {}, seed {}, {} steps; the link opens at step {}",
            s.run.scenario.lab,
            s.run.scenario.seed,
            s.run.steps.len(),
            s.step
        );
        out.push_str(&faultline_sim::log::run_log(&s.run));
    }
    Ok(out)
}

/// The run(s) a target names, with its changes.
fn shown(args: &Target) -> Result<Vec<Shown>, String> {
    let mut shown = match (&args.link, &args.lab) {
        (Some(link), _) => from_link(link)?,
        (None, Some(lab)) => vec![from_preset(lab, args.preset.as_deref())?],
        (None, None) => return Err("give a link, or --lab (see `faultline-cli run --help`)".into()),
    };
    if args.seed.is_some() || !args.set.is_empty() || args.faults.is_some() {
        for s in &mut shown {
            let scenario = changed(s.run.scenario.clone(), args)?;
            s.run = simulate(&scenario)?;
        }
    }
    Ok(shown)
}

/// The scenario a target names (a comparison's first run), and its title.
pub fn scenario(args: &Target) -> Result<(Scenario, String), String> {
    let mut all = shown(args)?;
    let first = all.remove(0);
    let title = faultline_sim::registry::preset_matching(&first.run.scenario)
        .unwrap_or_else(|| "a changed run".into());
    Ok((first.run.scenario, title))
}

fn simulate(s: &Scenario) -> Result<Run, String> {
    faultline_sim::simulate(s).map_err(|e| format!("the scenario cannot run: {e}"))
}

/// The hash of a link given whole or as its hash.
fn hash_of(text: &str) -> &str {
    text.split_once('#').map_or(text, |(_, h)| h).trim()
}

/// The explorer's work the target's link asks for (`&explore=…`), if any.
pub fn explore_ask(args: &Target) -> Result<Option<ExploreAsk>, String> {
    let Some(text) = &args.link else {
        return Ok(None);
    };
    let (link, _) = Queue::split(hash_of(text));
    ExploreAsk::split(link)
        .1
        .transpose()
        .map_err(|e| format!("the link's explorer part cannot be used: {e}"))
}

/// The run(s) a link opens (the run of an explorer link).
fn from_link(text: &str) -> Result<Vec<Shown>, String> {
    let (link, queue) = Queue::split(hash_of(text));
    let (link, _) = ExploreAsk::split(link);
    let mut heading = Vec::new();
    match queue {
        Some(Ok(q)) => {
            heading.push(format!(
                "presenter's queue: item {} of {}",
                q.at + 1,
                q.items.len()
            ));
            for (i, item) in q.items.iter().enumerate() {
                heading.push(format!(
                    "  {}{} {item}",
                    if i == q.at { "▶ " } else { "  " },
                    i + 1
                ));
            }
        }
        Some(Err(e)) => return Err(format!("the link's queue cannot be used: {e}")),
        None => {}
    }
    if link.contains("lesson=") {
        let l = LessonLink::parse(link).ok_or("that lesson link cannot be read")?;
        let mut s = lesson_step(&l)?;
        heading.append(&mut s.heading);
        s.heading = heading;
        return Ok(vec![s]);
    }
    let opened = permalink::open(link).map_err(|e| format!("that link cannot be opened: {e}"))?;
    if let Some(n) = &opened.notice {
        heading.push(format!("note: {n}"));
    }
    let a = simulate(&opened.scenario)?;
    let Some(vs) = opened.vs else {
        return Ok(vec![Shown {
            heading,
            run: a,
            step: opened.step,
        }]);
    };
    let b = simulate(&vs.scenario)?;
    let name = |p: &Option<String>| p.clone().unwrap_or_else(|| "a changed run".into());
    let mut a_heading = heading;
    a_heading.push(format!("== A: {}", name(&opened.preset)));
    Ok(vec![
        Shown {
            heading: a_heading,
            run: a,
            step: if vs.shown { 0 } else { opened.step },
        },
        Shown {
            heading: vec![format!("== B: {}", name(&vs.preset))],
            run: b,
            step: if vs.shown { opened.step } else { 0 },
        },
    ])
}

/// The lessons files, as the pages fetch them.
fn lessons(lab: &str) -> Option<&'static str> {
    Some(match lab {
        "payments" => include_str!("../../../static/lessons/payments.json"),
        "oauth" => include_str!("../../../static/lessons/oauth.json"),
        "sagas" => include_str!("../../../static/lessons/sagas.json"),
        _ => return None,
    })
}

/// A lesson step's run at its cursor, with its text.
fn lesson_step(l: &LessonLink) -> Result<Shown, String> {
    let text = lessons(&l.lab).ok_or_else(|| format!("no lessons for a lab \"{}\"", l.lab))?;
    let file = LessonFile::parse(text, &l.lab).map_err(|e| e.to_string())?;
    let (_, lesson) = file.lesson(&l.lesson).map_err(|e| e.to_string())?;
    let st = lesson.steps.get(l.step).ok_or_else(|| {
        format!(
            "the lesson \"{}\" has {} steps",
            lesson.id,
            lesson.steps.len()
        )
    })?;
    let scenario = faultline_sim::preset(&l.lab, &st.preset)
        .ok_or_else(|| format!("the lesson's preset \"{}\" is missing", st.preset))?;
    let run = simulate(&scenario)?;
    let step = l.at.or_else(|| st.at.step_in(&run)).unwrap_or(0);
    let mut heading = vec![format!(
        "lesson \"{}\", step {} of {}: {}",
        lesson.title,
        l.step + 1,
        lesson.steps.len(),
        st.title
    )];
    heading.extend(st.text.iter().map(|p| format!("  {p}")));
    if let Some(p) = &st.predict {
        heading.push(format!("  predict: {}", p.question));
    }
    Ok(Shown { heading, run, step })
}

/// A lab's preset (its default if none is named).
fn from_preset(lab: &str, preset: Option<&str>) -> Result<Shown, String> {
    let info = faultline_sim::lab(lab).ok_or_else(|| {
        let ids: Vec<&str> = faultline_sim::labs().iter().map(|l| l.id).collect();
        format!("no lab \"{lab}\" (labs: {})", ids.join(", "))
    })?;
    let id = preset.unwrap_or(info.default_preset);
    let p = info.preset(id).ok_or_else(|| {
        format!("no preset \"{id}\" in lab \"{lab}\" (`faultline-cli labs` lists them)")
    })?;
    let run = simulate(&(p.scenario)())?;
    Ok(Shown {
        heading: vec![format!("{}: {}", p.id, p.title)],
        run,
        step: 0,
    })
}

/// The scenario with the arguments' seed, settings and faults.
fn changed(mut s: Scenario, args: &Target) -> Result<Scenario, String> {
    if let Some(seed) = args.seed {
        s.seed = seed;
    }
    for kv in &args.set {
        let (key, value) = kv
            .split_once('=')
            .ok_or_else(|| format!("--set takes KEY=VALUE, not \"{kv}\""))?;
        let v = setting(&s.lab, key, value)?;
        s = s.with(key, v);
    }
    if let Some(json) = &args.faults {
        let faults: Vec<Fault> = serde_json::from_str(json)
            .map_err(|e| format!("--faults is not a list of faults: {e}"))?;
        s.faults.extend(faults);
    }
    permalink::check(&s).map_err(|e| format!("the scenario cannot run: {e}"))?;
    Ok(s)
}

/// A setting's value as the lab reads it, from its text.
pub fn setting(lab: &str, key: &str, value: &str) -> Result<ConfigValue, String> {
    let info = faultline_sim::lab(lab).ok_or("the run's lab is not here")?;
    let field = info.setting(key)?;
    Ok(match field.kind {
        FieldKind::Toggle { .. } => ConfigValue::Bool(
            value
                .parse()
                .map_err(|_| format!("{key} is true or false, not \"{value}\""))?,
        ),
        FieldKind::Number { .. } => ConfigValue::Int(
            value
                .parse()
                .map_err(|_| format!("{key} is a whole number, not \"{value}\""))?,
        ),
        FieldKind::Choice { .. } => ConfigValue::Choice(value.to_string()),
    })
}
