//! The explorer's search, as the helper answers it (`search`,
//! `search-view`): breadth-first by the number of faults in the panel,
//! each level's report sent ahead as a result so far, and a limit on the
//! distinct states a search may remember, so a search too big for the
//! worker's memory stops and says why instead of crashing the worker.

use super::{
    view,
    work::{Progress, Work},
};
use faultline_sim::explore::{Alphabet, Search, SearchConfig, SearchReport};
use faultline_sim::{explore, permalink};

/// The most distinct states a search in the helper remembers: about
/// 150 MB of fingerprints in the worker's memory (the map doubles as it
/// grows, so up to about 210 MB for a moment). Payments' happy path at
/// K = 3 meets 2.1 million; K = 4 meets tens of millions, which would run
/// the worker out of memory (the page would only hear that its helper
/// stopped), so the search stops at this many and says why.
pub const MAX_DISTINCT: u64 = 6_000_000;

/// `"<K>~<alphabet>\n<link>"`: every schedule of up to K faults of the
/// link's run over the alphabet ("focused" or "every"; `"<K>\n<link>"`
/// means every, as a link without one does), as JSON or (`view`) as the
/// panel's HTML; the states so far as progress.
/// The panel's search goes breadth-first by the number of faults: up to
/// 1, then up to 2, … up to K, each search complete before the next, and
/// each one's report goes ahead as a result so far (`partial`), which the
/// page shows if the learner stops the work.
pub(crate) fn search(payload: &str, work: &mut Work, view: bool) -> Result<String, String> {
    search_within(payload, work, view, MAX_DISTINCT)
}

/// [`search`], remembering at most `max_distinct` distinct states.
pub(crate) fn search_within(
    payload: &str,
    work: &mut Work,
    view: bool,
    max_distinct: u64,
) -> Result<String, String> {
    let (k, alphabet, scenario) = read_request(payload)?;
    let started = (work.now)();
    let mut last = started;
    // States of the searches of fewer faults, so the count only grows.
    let mut before = 0u64;
    let first = if view { 1 } else { k };
    let mut report = SearchReport::default();
    // The last search that finished (its most faults and report).
    let mut finished: Option<(u8, SearchReport)> = None;
    for level in first..=k {
        let config = SearchConfig {
            max_faults: level,
            alphabet,
            merge: true,
            verify_merges: false,
            max_distinct: Some(max_distinct),
        };
        report = Search::new(&scenario, config)
            .and_then(|search| {
                search.run(&scenario, &mut |r| {
                    // About four times a second.
                    let t = (work.now)();
                    if t - last >= 250.0 {
                        last = t;
                        tell(work, before + r.states, r.schedules, level);
                    }
                    true
                })
            })
            .map_err(|e| e.to_string())?;
        let ms = ((work.now)() - started).max(0.0) as u64;
        if report.full {
            return full(
                &scenario,
                finished,
                (level, alphabet),
                max_distinct,
                ms,
                view,
            );
        }
        before += report.states;
        if level < k {
            (work.partial)(
                &view::search_so_far(&scenario, &report, (level, alphabet), k, ms).into_string(),
            );
        }
        finished = Some((level, report.clone()));
    }
    let ms = ((work.now)() - started).max(0.0) as u64;
    Ok(if view {
        view::search(&scenario, &report, (k, alphabet), ms).into_string()
    } else {
        explore::report::search_json(&scenario, &report, k, alphabet).to_string()
    })
}

/// Tell the page how far the search of up to `level` faults is.
fn tell(work: &mut Work, states: u64, schedules: u64, level: u8) {
    let sentence = format!(
        "{} states, {} schedules so far (now every schedule of up to {})",
        view::thousands(states),
        view::thousands(schedules),
        view::faults(level as usize)
    );
    (work.progress)(Progress {
        done: states,
        of: 0,
        sentence: &sentence,
    });
}

/// The most faults, the alphabet and the run a request names.
fn read_request(payload: &str) -> Result<(u8, Alphabet, faultline_sim::Scenario), String> {
    let (k, link) = payload.split_once('\n').unwrap_or((payload, ""));
    // Without one, as a link without one: every (the page always names it).
    let (k, alphabet) = k.split_once('~').unwrap_or((k, "every"));
    let k: u8 = k
        .trim()
        .parse()
        .ok()
        .filter(|k| (1..=4).contains(k))
        .ok_or("the number of faults is 1 to 4")?;
    let alphabet = Alphabet::named(alphabet).ok_or("the faults are \"focused\" or \"every\"")?;
    let scenario = permalink::open(link).map_err(|e| e.to_string())?.scenario;
    Ok((k, alphabet, scenario))
}

/// The answer when the search of up to `level` faults met more distinct
/// states than it may remember: the last search that finished, if the
/// panel made one, with why it stopped; otherwise a sentence that says so.
fn full(
    scenario: &faultline_sim::Scenario,
    finished: Option<(u8, SearchReport)>,
    (level, alphabet): (u8, Alphabet),
    max_distinct: u64,
    ms: u64,
    view: bool,
) -> Result<String, String> {
    let why = format!(
        "every schedule of up to {} meets more than {} distinct states, more than the explorer keeps in this page's memory",
        view::faults(level as usize),
        view::thousands(max_distinct)
    );
    match finished {
        Some((done, report)) if view => {
            Ok(view::search_full(scenario, &report, (done, alphabet), &why, ms).into_string())
        }
        _ => Err(format!("{why}: ask for fewer faults")),
    }
}
