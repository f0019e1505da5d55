//! The explorer's requests (feature `explore`: the explorer's helper,
//! which a page starts for its panel; the quick helper that draws token
//! cards, summaries and QR codes is built without it, smaller): `search`
//! and its panel form `search-view` (`search.rs`), `montecarlo`,
//! `sweep` and their `-view` forms, and `explorer-form`. A long request
//! sends progress messages and results so far as it goes.

use crate::work::{Progress, Work};
use crate::{search, sweep_view, view};
use faultline_sim::explore::{
    self,
    montecarlo::{MonteCarloConfig, MonteCarloReport},
};
use faultline_sim::fault::RandomFaults;
use faultline_sim::permalink;

/// The requests this module answers.
pub const OPS: &[&str] = &[
    "explorer-form",
    "search",
    "search-view",
    "montecarlo",
    "montecarlo-view",
    "sweep",
    "sweep-view",
];

/// Answer the explorer's request `op` (one of [`OPS`]; `id` is the
/// request's, for its progress messages).
pub fn answer(
    id: &str,
    op: &str,
    payload: &str,
    progress: &mut dyn FnMut(String),
    now: &dyn Fn() -> f64,
) -> Result<String, String> {
    let told = std::cell::RefCell::new(progress);
    let mut tell = |p: Progress| {
        (told.borrow_mut())(format!(
            "{id}\nprogress\n{}\n{}\n{}",
            p.done, p.of, p.sentence
        ))
    };
    let mut so_far = |html: &str| (told.borrow_mut())(format!("{id}\npartial\n{html}"));
    let mut work = Work {
        progress: &mut tell,
        partial: &mut so_far,
        now,
    };
    match op {
        "explorer-form" => Ok(view::form(payload).into_string()),
        "search" => search::search(payload, &mut work, false),
        "search-view" => search::search(payload, &mut work, true),
        "montecarlo" => monte_carlo(payload, &mut work, false),
        "montecarlo-view" => monte_carlo(payload, &mut work, true),
        "sweep" => sweep(payload, &mut work, false),
        _ => sweep(payload, &mut work, true),
    }
}

/// `"<runs>\n<lose ‰>\n<link>"`: many runs of the link's configuration
/// over seeds, with messages lost at that rate, as JSON or (`view`) as the
/// panel's HTML; the runs made so far as progress.
fn monte_carlo(payload: &str, work: &mut Work, view: bool) -> Result<String, String> {
    let mut parts = payload.splitn(3, '\n');
    let (runs, drop) = runs_and_loss(&mut parts)?;
    let scenario = opened(parts.next())?;
    let config = MonteCarloConfig {
        runs,
        base_seed: 1,
        random: RandomFaults::losing(drop),
        sweep: None,
    };
    let shown = |r: &_, ms| view::monte_carlo(&scenario, &config, r, ms).into_string();
    let (report, ms) = make_runs(&scenario, &config, work, view.then_some(&shown))?;
    Ok(if view {
        shown(&report, ms)
    } else {
        explore::report::monte_carlo_json(&scenario, &config, &report).to_string()
    })
}

/// `"<runs>\n<lose ‰>\n<setting>\n<link>"`: [`monte_carlo`] for each of
/// a few values of one setting (`montecarlo::sweep_values`), as JSON or
/// (`view`) as the panel's HTML.
fn sweep(payload: &str, work: &mut Work, view: bool) -> Result<String, String> {
    let mut parts = payload.splitn(4, '\n');
    let (runs, drop) = runs_and_loss(&mut parts)?;
    let key = parts.next().unwrap_or_default().trim().to_string();
    let scenario = opened(parts.next())?;
    let values = explore::montecarlo::sweep_values(&scenario, &key)?;
    let config = MonteCarloConfig {
        runs,
        base_seed: 1,
        random: RandomFaults::losing(drop),
        sweep: Some((key, values)),
    };
    let shown = |r: &_, ms| sweep_view::sweep(&scenario, &config, r, ms).into_string();
    let (report, ms) = make_runs(&scenario, &config, work, view.then_some(&shown))?;
    Ok(if view {
        shown(&report, ms)
    } else {
        explore::report::monte_carlo_json(&scenario, &config, &report).to_string()
    })
}

/// The number of runs (1 to 100,000) and the chance of losing a message
/// (0 to 1,000 in 1,000), the first two lines of a request.
fn runs_and_loss<'a>(parts: &mut impl Iterator<Item = &'a str>) -> Result<(u32, u16), String> {
    let runs: u32 = parts
        .next()
        .and_then(|n| n.trim().parse().ok())
        .filter(|n| (1..=100_000).contains(n))
        .ok_or("the number of runs is 1 to 100000")?;
    let drop: u16 = parts
        .next()
        .and_then(|n| n.trim().parse().ok())
        .filter(|n| *n <= 1000)
        .ok_or("the chance of losing a message is 0 to 1000 in 1000")?;
    Ok((runs, drop))
}

/// The scenario of a request's link.
fn opened(link: Option<&str>) -> Result<faultline_sim::Scenario, String> {
    Ok(permalink::open(link.unwrap_or_default())
        .map_err(|e| e.to_string())?
        .scenario)
}

/// How often random runs in the panel send their report so far (runs):
/// what a learner who stops is shown.
const PARTIAL_EVERY: u32 = 1_000;

/// Draws a report of random runs (and the milliseconds they took) for the panel.
type ShowReport<'a> = &'a dyn Fn(&MonteCarloReport, u64) -> String;

/// Make the runs `config` asks for, telling the runs made so far (and,
/// drawn by `shown`, the report so far every [`PARTIAL_EVERY`] runs); the
/// report and the milliseconds it took.
fn make_runs(
    scenario: &faultline_sim::Scenario,
    config: &MonteCarloConfig,
    work: &mut Work,
    shown: Option<ShowReport>,
) -> Result<(MonteCarloReport, u64), String> {
    let total = u64::from(config.runs)
        * config
            .sweep
            .as_ref()
            .map_or(1, |(_, v)| v.len().max(1) as u64);
    let started = (work.now)();
    let report = explore::montecarlo::monte_carlo_with(scenario, config, &mut |so_far| {
        let made = so_far.runs;
        if let Some(shown) = shown.filter(|_| made % PARTIAL_EVERY == 0) {
            let ms = ((work.now)() - started).max(0.0) as u64;
            (work.partial)(&shown(&so_far.report(), ms));
        }
        let sentence = format!(
            "{} of {} runs",
            view::thousands(u64::from(made)),
            view::thousands(total)
        );
        (work.progress)(Progress {
            done: u64::from(made),
            of: total,
            sentence: &sentence,
        });
        true
    })
    .map_err(|e| e.to_string())?;
    Ok((report, ((work.now)() - started).max(0.0) as u64))
}
