//! `search`: every schedule of up to K faults over the lab's fault
//! alphabet, and the smallest that breaks each property, printed with a
//! link that opens it in the lab's page (or as JSON for scripts).

use crate::links::{explore_ask, scenario, Target};
use faultline_sim::explore::{
    report, words, Alphabet, Counterexample, Search, SearchConfig, SearchReport,
};
use faultline_sim::explore_link::ExploreAsk;
use faultline_sim::permalink;
use faultline_sim::Scenario;
use std::fmt::Write;

#[derive(clap::Args)]
pub struct SearchArgs {
    #[command(flatten)]
    target: Target,
    /// The most faults a schedule may add, 1 to 4 (2, or what an
    /// explorer link names, if not given).
    #[arg(long = "max-faults", short = 'k',
          value_parser = clap::value_parser!(u8).range(1..=4))]
    max_faults: Option<u8>,
    /// The faults tried before each step: "focused" (the message faults of
    /// the step, a crash of the actor it wakes, a cut of each link it
    /// sends on) or "every" (also every other actor and link). Focused,
    /// or what an explorer link names, if not given.
    #[arg(long, value_parser = alphabet_named)]
    alphabet: Option<Alphabet>,
    /// Do not merge states with one fingerprint (slower; for comparison).
    #[arg(long)]
    naive: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// The most distinct states to remember (about 40 bytes each): a
    /// search that meets more stops with a message instead of running the
    /// machine out of memory (K = 4 on a lab's happy path meets tens of
    /// millions).
    #[arg(long = "max-states", default_value_t = MAX_STATES)]
    max_states: u64,
}

/// The default of `--max-states`: about 2 GB of memory at most.
pub const MAX_STATES: u64 = 50_000_000;

/// Run the search the arguments ask for (a link's, unless they say
/// otherwise) and print its report.
pub fn run(args: &SearchArgs) -> Result<String, String> {
    let (scenario, title) = scenario(&args.target)?;
    let (link_k, link_alphabet) = match explore_ask(&args.target)? {
        Some(ExploreAsk::Search {
            max_faults,
            alphabet,
        }) => (Some(max_faults), Some(alphabet)),
        _ => (None, None),
    };
    let config = SearchConfig {
        max_faults: args.max_faults.or(link_k).unwrap_or(2),
        alphabet: args.alphabet.or(link_alphabet).unwrap_or_default(),
        merge: !args.naive,
        verify_merges: false,
        max_distinct: Some(args.max_states),
    };
    report_of(&scenario, &title, config, args.json)
}

/// The search an explorer link asks for (`ExploreAsk::Search`), as the
/// page makes it (states merged).
pub fn from_link(
    scenario: &Scenario,
    title: &str,
    max_faults: u8,
    alphabet: Alphabet,
    json: bool,
) -> Result<String, String> {
    let config = SearchConfig {
        max_faults,
        alphabet,
        merge: true,
        verify_merges: false,
        max_distinct: Some(MAX_STATES),
    };
    report_of(scenario, title, config, json)
}

/// The alphabet `--alphabet` names.
fn alphabet_named(name: &str) -> Result<Alphabet, String> {
    Alphabet::named(name).ok_or_else(|| format!("\"{name}\" is not an alphabet: focused or every"))
}

/// A search's `keep_going` that writes how far it is to stderr every
/// `secs` seconds (a long search, K = 4, runs for minutes; a short one
/// prints nothing), and never stops it.
fn progress_every(started: std::time::Instant, secs: f64) -> impl FnMut(&SearchReport) -> bool {
    let mut next = secs;
    move |r| {
        let now = started.elapsed().as_secs_f64();
        if now >= next {
            next = now + secs;
            eprintln!(
                "search: {} states, {} schedules, {} distinct so far ({now:.0} s)",
                r.states, r.schedules, r.distinct
            );
        }
        true
    }
}

/// Search and print the report (or its JSON).
fn report_of(
    scenario: &Scenario,
    title: &str,
    config: SearchConfig,
    json: bool,
) -> Result<String, String> {
    let scenario = scenario.clone();
    let started = std::time::Instant::now();
    let report = Search::new(&scenario, config)
        .and_then(|s| s.run(&scenario, &mut progress_every(started, 5.0)))
        .map_err(|e| format!("the scenario cannot run: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if report.full {
        return Err(format!(
            "every schedule of up to {} faults meets more than {} distinct states (--max-states), so the search stopped after {secs:.1} s: ask for fewer faults, or allow more states",
            config.max_faults,
            config.max_distinct.unwrap_or_default()
        ));
    }
    let properties = report::properties(&scenario);
    if json {
        let mut json = report::search_json(&scenario, &report, config.max_faults, config.alphabet);
        json["seconds"] = secs.into();
        json["merged_states"] = config.merge.into();
        return Ok(json.to_string() + "\n");
    }
    let mut out = String::new();
    write_header(&mut out, &scenario, title, config, &report, secs);
    for c in &report.found {
        write_broken(&mut out, &scenario, &properties, c)?;
    }
    write_kept(&mut out, &properties, config, &report);
    Ok(out)
}

/// The report's head: what was searched, how much, how fast, and whether
/// some runs stopped at the scenario's bounds.
fn write_header(
    out: &mut String,
    scenario: &Scenario,
    title: &str,
    config: SearchConfig,
    report: &SearchReport,
    secs: f64,
) {
    let _ = writeln!(
        out,
        "search: {} {title}, seed {}, every schedule of up to {} fault{} ({} alphabet){}",
        scenario.lab,
        scenario.seed,
        config.max_faults,
        if config.max_faults == 1 { "" } else { "s" },
        config.alphabet.name(),
        if config.merge {
            ""
        } else {
            " (naive: no merging)"
        }
    );
    let _ = writeln!(
        out,
        "{} schedules, {} states simulated ({} distinct, {} branches merged) in {secs:.2} s",
        report.schedules, report.states, report.distinct, report.merged
    );
    if report.hit_bounds {
        let _ = writeln!(
            out,
            "note: some runs stopped at the scenario's bounds; the answer covers them up to there"
        );
    }
}

/// A property broken: the smallest schedule that breaks it, why, and a
/// link that opens it.
fn write_broken(
    out: &mut String,
    scenario: &Scenario,
    properties: &[(&'static str, &'static str)],
    c: &Counterexample,
) -> Result<(), String> {
    let text = properties
        .iter()
        .find(|p| p.0 == c.property)
        .map_or(c.property, |p| p.1);
    let _ = writeln!(
        out,
        "\nBROKEN {} ({text}) with {} fault{}, at step {}:",
        c.property,
        c.size(),
        if c.size() == 1 { "" } else { "s" },
        c.step
    );
    for f in &c.faults {
        let _ = writeln!(out, "  - {}", words::fault(f));
    }
    let _ = writeln!(out, "  because:");
    for line in because(&c.scenario(scenario), c.step)? {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(out, "  {}", c.message);
    let _ = writeln!(
        out,
        "  link: #{}",
        permalink::encode(&c.scenario(scenario), c.step)
    );
    Ok(())
}

/// The properties no schedule broke.
fn write_kept(
    out: &mut String,
    properties: &[(&'static str, &'static str)],
    config: SearchConfig,
    report: &SearchReport,
) {
    let kept: Vec<&str> = properties
        .iter()
        .filter(|p| !report.found.iter().any(|c| c.property == p.0))
        .map(|p| p.0)
        .collect();
    if !kept.is_empty() {
        let _ = writeln!(
            out,
            "\nKEPT under every one of the {} schedules of up to {} fault{}: {}",
            report.schedules,
            config.max_faults,
            if config.max_faults == 1 { "" } else { "s" },
            kept.join(", ")
        );
    }
}

/// The counterexample's run, in full, and its "because" chain.
fn because(s: &faultline_sim::Scenario, step: u32) -> Result<Vec<String>, String> {
    let run =
        faultline_sim::simulate(s).map_err(|e| format!("the counterexample cannot run: {e}"))?;
    Ok(faultline_sim::explore::because::because(&run, step))
}
