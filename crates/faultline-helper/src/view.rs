//! The explorer's reports as the lab page shows them: HTML (with SVG
//! charts) written here, in the helper, as escaped markup
//! (`faultline_markup`), so the page's own WebAssembly carries none of
//! this code; the page puts the text in its explorer panel as it is.
//!
//! A search report says what was searched (the alphabet, the schedules
//! and states) and, for each property, either its smallest counterexample
//! (its faults in words, its "because" chain, the lab's note where the
//! finding needs one, and a link that opens the run at the violating
//! step) or that no schedule broke it. A Monte Carlo report has the
//! outcomes (bars, with each one's first example as a link) and two
//! histograms, each chart with its numbers in a table for screen readers.

use crate::alphabet_view;
use faultline_markup::{markup, Markup, Text};
use faultline_sim::explore::montecarlo::{
    bounded_broken_at, first_example, Histogram, MonteCarloConfig, MonteCarloReport, CLEAN,
};
use faultline_sim::explore::{
    because::because, report::properties, words, Alphabet, Counterexample, SearchReport,
};
use faultline_sim::lab::FieldKind;
use faultline_sim::scenario::Scenario;
use faultline_sim::{permalink, registry};

/// "1,234,567", as the page writes counts.
pub use faultline_sim::units::thousands;

/// "1 fault", "3 faults".
pub fn faults(n: usize) -> String {
    if n == 1 {
        "1 fault".into()
    } else {
        format!("{n} faults")
    }
}

/// The text of property `id` in `scenario`'s lab (its id if unknown).
fn text_of(scenario: &Scenario, id: &str) -> String {
    properties(scenario)
        .iter()
        .find(|p| p.0 == id)
        .map_or_else(|| id.to_string(), |p| p.1.to_string())
}

/// The panel's form, for lab `lab`: a search of up to K faults, or
/// random runs with messages lost at a chosen rate; then what a fault can
/// be.
pub fn form(lab: &str) -> Markup {
    let mut m = Markup::from_lit(concat!(
        "<div class=\"explore-form\"><label for=\"explore-k\">Every schedule of up to</label> ",
        "<select id=\"explore-k\"><option value=\"1\">1 fault</option><option value=\"2\" selected>2 faults</option><option value=\"3\">3 faults</option><option value=\"4\">4 faults</option></select> ",
        "<label for=\"explore-alphabet\">placed</label> ",
        "<select id=\"explore-alphabet\"><option value=\"focused\" selected>where each step acts</option><option value=\"every\">on every actor and link</option></select> ",
        "<button type=\"button\" data-explore=\"search\">Search</button>",
        "<p class=\"hint\">Each fault more multiplies the schedules: 3 faults can take seconds, 4 can take minutes, and a search that meets more than 6,000,000 states stops there, keeping the searches of fewer faults that finished.</p></div>",
        "<div class=\"explore-form\"><label for=\"explore-runs\">Random runs</label> ",
        "<select id=\"explore-runs\"><option value=\"1000\">1,000</option><option value=\"10000\" selected>10,000</option></select> ",
        "<label for=\"explore-lose\">each message lost with a chance of</label> ",
        "<select id=\"explore-lose\"><option value=\"10\">1%</option><option value=\"50\" selected>5%</option><option value=\"100\">10%</option><option value=\"200\">20%</option></select> ",
        "<button type=\"button\" data-explore=\"montecarlo\">Run</button></div>",
    ));
    m.markup(&sweep_row(lab));
    m.markup(&alphabet_view::alphabets(lab));
    m
}

/// The form's row for a sweep: the same random runs for a few values of
/// one of the lab's settings (the first number chosen).
fn sweep_row(lab: &str) -> Markup {
    let mut m = Markup::new();
    let Some(info) = faultline_sim::lab(lab) else {
        return m;
    };
    let first_number = info
        .config
        .iter()
        .position(|f| matches!(f.kind, FieldKind::Number { .. }))
        .unwrap_or(0);
    m.lit("<div class=\"explore-form\"><label for=\"explore-sweep\">The same random runs against a setting</label> <select id=\"explore-sweep\">");
    for (i, f) in info.config.iter().enumerate() {
        markup!(
            m,
            "<option value=\"{}\"{}>{}</option>",
            f.key,
            if i == first_number { " selected" } else { "" },
            f.label
        );
    }
    m.lit("<option value=\"downtime_ms\">How long this run's crashes stay down</option></select> <button type=\"button\" data-explore=\"sweep\">Sweep</button><p class=\"hint\">Each run as above, for a few values of the setting: a number at a quarter, half, the same, twice and four times this run's; a switch off and on; every choice.</p></div>");
    m
}

/// What a search of up to `asked` faults shows if the learner stops it
/// once the search of up to `done` faults (`r`, complete) has finished:
/// that report, said to be complete as far as it goes.
pub fn search_so_far(
    scenario: &Scenario,
    r: &SearchReport,
    (done, over): (u8, Alphabet),
    asked: u8,
    ms: u64,
) -> Markup {
    let mut m = Markup::new();
    markup!(
        m,
        "<p class=\"explore-status\">Stopped before every schedule of up to {} was tried. The search of every schedule of up to {} finished, so what it found holds:</p>",
        faults(asked as usize),
        faults(done as usize)
    );
    m.markup(&search(scenario, r, (done, over), ms));
    m
}

/// The report of the last search that finished (of up to `done` faults)
/// when the next one stopped for `why` (it met more states than the
/// explorer may remember).
pub fn search_full(
    scenario: &Scenario,
    r: &SearchReport,
    (done, over): (u8, Alphabet),
    why: &str,
    ms: u64,
) -> Markup {
    let mut m = Markup::new();
    markup!(
        m,
        "<p class=\"explore-status explore-stopped\">Stopped: {}. The search of every schedule of up to {} finished, so what it found holds:</p>",
        why.to_string(),
        faults(done as usize)
    );
    m.markup(&search(scenario, r, (done, over), ms));
    m
}

/// A search's report, `k` its most faults, `over` its alphabet, `ms` what
/// it took.
pub fn search(scenario: &Scenario, r: &SearchReport, (k, over): (u8, Alphabet), ms: u64) -> Markup {
    let mut m = Markup::from_lit("<div class=\"explore-report\" data-report=\"search\">");
    markup!(
        m,
        "<p class=\"explore-summary\">Every schedule of up to {} {}: <strong>{}</strong> schedules, {} states ({} distinct; {} met a state seen before and were merged), in {} ms.</p>",
        faults(k as usize),
        match over {
            Alphabet::Focused => "where each step acts",
            Alphabet::Every => "on every actor and link",
        },
        thousands(r.schedules),
        thousands(r.states),
        thousands(r.distinct),
        thousands(r.merged),
        thousands(ms)
    );
    m.markup(&alphabet_view::alphabet(&scenario.lab, over));
    if r.stopped {
        m.lit("<p class=\"explore-stopped\">Stopped before the end: the results below cover only the schedules tried so far, so a property shown as kept may still break.</p>");
    }
    if r.hit_bounds {
        m.lit("<p class=\"hint\">Some runs stopped at the lab's bounds (the most events or the latest time a run may reach) before they ended.</p>");
    }
    if !r.found.is_empty() {
        m.lit("<h3>Broken</h3><ul class=\"explore-found\">");
    }
    for c in &r.found {
        m.markup(&counterexample(scenario, c));
    }
    if !r.found.is_empty() {
        m.lit("</ul>");
    }
    let kept: Vec<(&str, &str)> = properties(scenario)
        .into_iter()
        .filter(|p| !r.found.iter().any(|c| c.property == p.0))
        .collect();
    if !kept.is_empty() {
        m.lit("<h3>Kept</h3><ul class=\"explore-kept\">");
        for (id, text) in kept {
            markup!(
                m,
                "<li data-property=\"{}\">✓ No schedule of up to {} breaks it ({} schedules tried): {}</li>",
                Text(id),
                faults(k as usize),
                thousands(r.schedules),
                text
            );
        }
        m.lit("</ul>");
    }
    m.lit("</div>");
    m
}

/// One broken property: its smallest schedule's faults in words, its
/// "because" chain, the lab's note and the link that opens it at its step.
fn counterexample(scenario: &Scenario, c: &Counterexample) -> Markup {
    let mut m = Markup::new();
    let shown = c.scenario(scenario);
    let chain = faultline_sim::simulate(&shown).map_or(Vec::new(), |run| because(&run, c.step));
    m.lit("<li data-property=\"");
    markup!(
        m,
        "{}\"><p><strong>✗ {}</strong></p><p>Broken by {}, at step {}: {}</p>",
        Text(c.property),
        text_of(scenario, c.property),
        if c.size() == 0 {
            "no fault added (this run's own faults are enough)".to_string()
        } else {
            faults(c.size())
        },
        c.step,
        c.message.clone()
    );
    if !c.faults.is_empty() {
        m.lit("<p>The faults:</p><ol class=\"explore-faults\">");
        for f in &c.faults {
            markup!(m, "<li>{}</li>", words::fault(f));
        }
        m.lit("</ol>");
    }
    if !chain.is_empty() {
        m.lit("<p>Because:</p><ol class=\"because\">");
        for line in chain {
            markup!(m, "<li>{}</li>", line);
        }
        m.lit("</ol>");
    }
    if let Some(note) = registry::explorer_note(&scenario.lab, c.property) {
        markup!(m, "<p class=\"explore-note\">{}</p>", note);
    }
    markup!(
        m,
        "<p><a class=\"explore-open\" href=\"#{}\">Open this run at step {}</a></p></li>",
        permalink::encode(&shown, c.step),
        c.step
    );
    m
}

/// What an outcome is called: a property's text, or that nothing broke.
pub fn outcome_name(scenario: &Scenario, property: &str) -> String {
    if property == CLEAN {
        "No property broken".into()
    } else {
        text_of(scenario, property)
    }
}

/// A Monte Carlo report, `ms` what it took.
pub fn monte_carlo(
    scenario: &Scenario,
    config: &MonteCarloConfig,
    r: &MonteCarloReport,
    ms: u64,
) -> Markup {
    let mut m = Markup::from_lit("<div class=\"explore-report\" data-report=\"montecarlo\">");
    markup!(
        m,
        "<p class=\"explore-summary\"><strong>{}</strong> runs of this configuration on seeds from {}, each message lost with a chance of {} in 1,000, in {} ms.</p>",
        thousands(u64::from(r.runs)),
        config.base_seed,
        config.random.drop_permille,
        thousands(ms)
    );
    if r.stopped {
        m.lit("<p class=\"explore-status explore-stopped\">Stopped before the end: these are the runs made so far.</p>");
    }
    // Outcome bars: one row each, the share of runs.
    let runs = r.runs.max(1);
    let (row, w) = (30, 420);
    let h = row * r.outcomes.len() + 4;
    m.lit("<figure class=\"explore-chart\"><figcaption>Outcomes (a run that broke two properties counts for both)</figcaption>");
    markup!(
        m,
        "<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" fill=\"currentColor\" aria-hidden=\"true\">",
        w,
        h,
        w,
        h
    );
    for (i, o) in r.outcomes.iter().enumerate() {
        let y = i * row;
        let len = (u64::from(o.runs) * 250 / u64::from(runs)).max(1);
        let class = if o.property == CLEAN {
            "bar-ok"
        } else {
            "bar-lost"
        };
        markup!(
            m,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"0\" y=\"{}\" width=\"{}\" height=\"10\" class=\"{}\"></rect><text x=\"{}\" y=\"{}\" font-size=\"12\">{} ({}%)</text>",
            y + 12,
            short(&outcome_name(scenario, &o.property), 64),
            y + 16,
            len,
            class,
            len + 6,
            y + 25,
            thousands(u64::from(o.runs)),
            percent(o.runs, runs)
        );
    }
    m.lit("</svg></figure>");
    m.markup(&outcomes_table(scenario, config, r));
    m.markup(&histogram(&r.duration));
    m.markup(&histogram(&r.messages));
    if let Some(h) = &r.measure {
        m.markup(&histogram(h));
    }
    m.lit("</div>");
    m
}

/// The outcomes as a table: runs, share, and a link to the first example.
pub fn outcomes_table(
    scenario: &Scenario,
    config: &MonteCarloConfig,
    r: &MonteCarloReport,
) -> Markup {
    let runs = r.runs.max(1);
    let mut m = Markup::new();
    m.lit("<table class=\"explore-table\"><caption>Outcomes</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Runs</th><th scope=\"col\">Share</th><th scope=\"col\">First example</th></tr></thead><tbody>");
    for o in &r.outcomes {
        let example = first_example(scenario, config, o);
        // The example opens at the step that broke the property (a
        // bounded property's, found by stepping; its first step, if
        // nothing broke).
        let step = faultline_sim::simulate(&example)
            .ok()
            .and_then(|run| {
                run.violations
                    .iter()
                    .find(|v| v.invariant == o.property)
                    .map(|v| v.step)
            })
            .or_else(|| bounded_broken_at(&example, &o.property))
            .unwrap_or(0);
        markup!(
            m,
            "<tr data-property=\"{}\"><td>{}</td><td>{}</td><td>{}%</td><td><a class=\"explore-open\" href=\"#{}\">seed {}</a></td></tr>",
            o.property.clone(),
            outcome_name(scenario, &o.property),
            thousands(u64::from(o.runs)),
            percent(o.runs, runs),
            permalink::encode(&example, step),
            o.first_seed
        );
    }
    m.lit("</tbody></table>");
    m
}

/// "12.5": a share in percent with one decimal, without floats.
pub fn percent(part: u32, whole: u32) -> String {
    let tenths = (u64::from(part) * 1000 + u64::from(whole) / 2) / u64::from(whole.max(1));
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `text` cut to `most` characters, with "…" where cut.
pub fn short(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_string();
    }
    let mut s: String = text.chars().take(most - 1).collect();
    s.push('…');
    s
}

/// A histogram as labelled vertical bars, and its numbers in a table.
pub fn histogram(hist: &Histogram) -> Markup {
    let mut m = Markup::new();
    if hist.bins.is_empty() {
        return m;
    }
    let peak = hist.bins.iter().map(|b| b.2).max().unwrap_or(1).max(1);
    let (left, top, plot_h, bar_w) = (44usize, 14usize, 110usize, 30usize);
    let w = left + bar_w * hist.bins.len() + 10;
    let h = top + plot_h + 36;
    markup!(
        m,
        "<figure class=\"explore-chart\"><figcaption>Runs by {} ({})</figcaption><svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" fill=\"currentColor\" aria-hidden=\"true\"><text x=\"0\" y=\"{}\" font-size=\"11\">{} runs</text><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\"></line>",
        hist.what,
        hist.unit,
        w,
        h,
        w,
        h,
        top - 2,
        thousands(u64::from(peak)),
        left - 2,
        top + plot_h,
        w - 6,
        top + plot_h
    );
    for (i, (lo, _, count)) in hist.bins.iter().enumerate() {
        let bh = (*count as usize * plot_h) / peak as usize;
        let x = left + i * bar_w;
        markup!(
            m,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"bar-ok\"></rect><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x,
            top + plot_h - bh,
            bar_w - 4,
            bh,
            x + bar_w / 2 - 2,
            top + plot_h + 14,
            thousands(*lo)
        );
    }
    markup!(
        m,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\">{} ({}), each bar from its label to the next</text></svg></figure>",
        left,
        h - 4,
        hist.what,
        hist.unit
    );
    markup!(
        m,
        "<table class=\"visually-hidden\"><caption>Runs by {} ({})</caption><thead><tr><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Runs</th></tr></thead><tbody>",
        hist.what,
        hist.unit
    );
    for (lo, hi, count) in &hist.bins {
        markup!(
            m,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            thousands(*lo),
            thousands(*hi),
            thousands(u64::from(*count))
        );
    }
    m.lit("</tbody></table>");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::explore::{self, SearchConfig};
    use faultline_sim::fault::RandomFaults;

    #[test]
    fn the_form_states_the_labs_fault_sizes() {
        let f = form("sagas").into_string();
        assert!(
            f.contains("<select id=\"explore-k\">") && f.contains("data-explore=\"montecarlo\"")
        );
        assert!(f.contains("held back 1000 ms"), "{f}");
        // Both alphabets, each said.
        assert!(
            f.contains("<option value=\"focused\" selected>")
                && f.contains("<option value=\"every\">")
        );
        assert!(f.contains("the actor the step wakes") && f.contains("each actor that is up"));
        // A sweep over any of the lab's settings, a number first.
        let p = form("payments").into_string();
        assert!(p.contains("<option value=\"timeout_ms\" selected>"), "{p}");
        assert!(p.contains("<option value=\"send_key\">") && p.contains("data-explore=\"sweep\""));
        // An unknown lab gets the form without sizes, not a panic.
        assert!(!form("<nope>").into_string().contains("held back"));
    }

    #[test]
    fn numbers_read_as_a_learner_writes_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(72_573), "72,573");
        assert_eq!(thousands(3_000_000), "3,000,000");
        assert_eq!(percent(1, 3), "33.3");
        assert_eq!(percent(2, 3), "66.7");
        assert_eq!(percent(10, 10), "100.0");
        assert_eq!(percent(0, 0), "0.0");
        assert_eq!(short("abcdef", 4), "abc…");
        assert_eq!(short("abc", 4), "abc");
    }

    #[test]
    fn a_search_report_shows_each_broken_property_with_its_run_and_the_kept_ones() {
        let s = faultline_sim::preset("sagas", "2pc-happy").unwrap();
        let config = SearchConfig::new(1, Alphabet::Focused);
        let r = explore::search(&s, config).unwrap();
        let html = search(&s, &r, (1, Alphabet::Focused), 120).into_string();
        assert!(
            html.contains("Every schedule of up to 1 fault where each step acts: <strong>"),
            "{html}"
        );
        // The report says which faults it tried, and only those.
        assert!(html.contains("the actor the step wakes"), "{html}");
        assert!(!html.contains("each actor that is up"), "{html}");
        assert!(html.contains("in 120 ms"));
        assert!(html.contains("<li data-property=\"lock-held-at-most-2s\"><p><strong>✗ "));
        assert!(html.contains("Two-phase commit blocks"), "the lab's note");
        assert!(html.contains(
            "data-property=\"2pc-all-or-nothing\">✓ No schedule of up to 1 fault breaks it"
        ));
        // The link opens the counterexample's run at its step.
        let c = &r.found[0];
        let href = format!("href=\"#{}\"", permalink::encode(&c.scenario(&s), c.step));
        assert!(html.contains(&href), "{href}");
        // The alphabet says its sizes.
        assert!(html.contains("held back 1000 ms") && html.contains("restarted 2000 ms later"));
    }

    #[test]
    fn a_monte_carlo_report_has_outcomes_with_examples_and_histograms_with_tables() {
        let s = faultline_sim::preset("payments", "lost-response-no-key").unwrap();
        let config = MonteCarloConfig {
            runs: 200,
            base_seed: 1,
            random: RandomFaults::losing(100),
            sweep: None,
        };
        let r = explore::montecarlo::monte_carlo(&s, &config).unwrap();
        let html = monte_carlo(&s, &config, &r, 50).into_string();
        assert!(html.contains("<strong>200</strong> runs"), "{html}");
        for o in &r.outcomes {
            assert!(html.contains(&format!("<tr data-property=\"{}\">", o.property)));
            assert!(html.contains(&format!(">seed {}</a>", o.first_seed)));
        }
        // Three histograms (time, messages and the lab's own measure:
        // attempts), each with a table of its bins.
        assert_eq!(html.matches("<figure class=\"explore-chart\">").count(), 4);
        assert_eq!(html.matches("<table class=\"visually-hidden\">").count(), 3);
        assert!(html.contains("Runs by messages sent (messages)"));
        assert!(html.contains("Runs by the most attempts a client made to pay (attempts)"));
    }

    #[test]
    fn words_from_a_link_cannot_become_markup() {
        // Text a learner can reach (an actor's name in a fault, a
        // violation's message) comes back escaped.
        const ATTACK: &str = "<img src=x onerror=alert(1)>'\"";
        let s = faultline_sim::preset("payments", "happy-path").unwrap();
        let r = SearchReport {
            found: vec![explore::search::Counterexample {
                property: "one-charge-per-order",
                message: ATTACK.into(),
                faults: vec![faultline_sim::fault::Fault::Crash {
                    at_ms: 5,
                    actor: ATTACK.into(),
                }],
                letters: Vec::new(),
                step: 3,
            }],
            ..SearchReport::default()
        };
        let html = search(&s, &r, (1, Alphabet::Every), 0).into_string();
        assert!(html.contains("crash &lt;img src=x"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }
}
