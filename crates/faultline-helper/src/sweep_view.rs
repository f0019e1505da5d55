//! The explorer's sweep as the lab page shows it: random runs for each of
//! a few values of one setting, drawn as two curves against the setting
//! (the share of runs that broke each property, and the messages sent per
//! run: the retry load), the numbers in a table, and the outcomes with
//! each one's first example to open. Written as escaped markup, like the
//! other reports (`view.rs`); the SVG uses the text colour and dash
//! patterns, not hues, so it reads in both themes and on a projector.

use crate::view::{outcome_name, outcomes_table, percent, short, thousands};
use faultline_markup::{markup, Markup};
use faultline_sim::explore::montecarlo::{
    MonteCarloConfig, MonteCarloReport, SweepPoint, DOWNTIME,
};
use faultline_sim::scenario::{ConfigValue, Scenario};

/// The dash pattern of the n-th curve (the first is solid).
const DASHES: [&str; 4] = ["none", "7 4", "2 3", "10 3 2 3"];

/// A setting's value as the page's form shows it.
fn value_text(v: &ConfigValue) -> String {
    match v {
        ConfigValue::Int(n) => thousands(n.unsigned_abs()),
        ConfigValue::Bool(true) => "on".into(),
        ConfigValue::Bool(false) => "off".into(),
        ConfigValue::Choice(c) => c.clone(),
    }
}

/// The setting's label and unit (its key, if the lab has no such setting).
fn setting_name(scenario: &Scenario, key: &str) -> (String, &'static str) {
    if key == DOWNTIME {
        return ("how long this run's crashed actors stay down".into(), "ms");
    }
    let info = faultline_sim::lab(&scenario.lab);
    match info.as_ref().and_then(|l| l.field(key)) {
        Some(f) => (
            f.label.to_string(),
            match f.kind {
                faultline_sim::lab::FieldKind::Number { unit, .. } => unit,
                _ => "",
            },
        ),
        None => (key.to_string(), ""),
    }
}

/// `text` with its first letter a capital.
fn capital(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The properties broken at any value, in the report's outcome order.
fn broken_properties(r: &MonteCarloReport) -> Vec<String> {
    r.outcomes
        .iter()
        .map(|o| o.property.clone())
        .filter(|p| p != faultline_sim::explore::montecarlo::CLEAN)
        .collect()
}

/// How many runs at `point` broke `property`.
fn broke(point: &SweepPoint, property: &str) -> u32 {
    point
        .broken
        .iter()
        .find(|(id, _)| id == property)
        .map_or(0, |b| b.1)
}

/// A line chart's frame: where its values go.
struct Plot {
    width: usize,
    height: usize,
    top: f64,
}

impl Plot {
    const LEFT: usize = 44;
    const RIGHT: usize = 16;
    const PLOT_TOP: usize = 14;
    const PLOT_H: usize = 120;
    const GAP: usize = 90;
    const LEGEND_Y: usize = Self::PLOT_TOP + Self::PLOT_H + 44;

    /// A chart of `points` values along x and `curves` curves, y from 0 to `top`.
    fn new(points: usize, curves: usize, top: f64) -> Plot {
        Plot {
            width: Self::LEFT + Self::GAP * points.saturating_sub(1) + Self::RIGHT + 20,
            height: Self::LEGEND_Y + 18 * curves + 4,
            top: if top > 0.0 { top } else { 1.0 },
        }
    }

    fn x(&self, i: usize) -> usize {
        Self::LEFT + 10 + i * Self::GAP
    }

    fn y(&self, v: f64) -> String {
        let y =
            Self::PLOT_TOP as f64 + Self::PLOT_H as f64 * (1.0 - (v / self.top).clamp(0.0, 1.0));
        format!("{y:.1}")
    }

    /// The axes: y's top and zero (`y_label` at the top), x's values and its label.
    fn axes(&self, m: &mut Markup, y_label: &str, xs: &[String], x_label: &str) {
        let (bottom, right) = (Self::PLOT_TOP + Self::PLOT_H, self.width - Self::RIGHT);
        markup!(
            m,
            "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text><text x=\"0\" y=\"{}\" font-size=\"11\">0</text><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\"></line><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-opacity=\"0.3\"></line>",
            Self::PLOT_TOP + 4,
            y_label.to_string(),
            bottom,
            Self::LEFT,
            bottom,
            right,
            bottom,
            Self::LEFT,
            Self::PLOT_TOP,
            right,
            Self::PLOT_TOP
        );
        for (i, x) in xs.iter().enumerate() {
            markup!(
                m,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
                self.x(i),
                bottom + 16,
                x.clone()
            );
        }
        markup!(
            m,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            Self::LEFT,
            bottom + 32,
            x_label.to_string()
        );
    }

    /// Curve `n`: its line, a dot per value, and its legend (its own dash,
    /// then its name).
    fn curve(&self, m: &mut Markup, n: usize, name: &str, ys: &[f64]) {
        let dash = DASHES[n % DASHES.len()];
        let points: Vec<String> = ys
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{},{}", self.x(i), self.y(*y)))
            .collect();
        markup!(
            m,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-dasharray=\"{}\"></polyline>",
            points.join(" "),
            dash
        );
        for (i, y) in ys.iter().enumerate() {
            markup!(
                m,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\"></circle>",
                self.x(i),
                self.y(*y)
            );
        }
        let ly = Self::LEGEND_Y + 18 * n;
        markup!(
            m,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-width=\"2\" stroke-dasharray=\"{}\"></line><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            Self::LEFT,
            ly,
            Self::LEFT + 30,
            ly,
            dash,
            Self::LEFT + 38,
            ly + 4,
            short(name, 70)
        );
    }
}

/// A line chart of `curves` (each a name and one y per point, 0 to
/// `top`) over the sweep's values; `y_label` says what y's top is.
fn chart(
    caption: &str,
    x_label: &str,
    xs: &[String],
    curves: &[(String, Vec<f64>)],
    top: f64,
    y_label: &str,
) -> Markup {
    let plot = Plot::new(xs.len(), curves.len(), top);
    let mut m = Markup::new();
    markup!(
        m,
        "<figure class=\"explore-chart\"><figcaption>{}</figcaption><svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" fill=\"currentColor\" aria-hidden=\"true\">",
        caption.to_string(),
        plot.width,
        plot.height,
        plot.width,
        plot.height
    );
    plot.axes(&mut m, y_label, xs, x_label);
    for (n, (name, ys)) in curves.iter().enumerate() {
        plot.curve(&mut m, n, name, ys);
    }
    m.lit("</svg></figure>");
    m
}

/// What a sweep's views share: the run, the report, the setting's
/// names, its values as text and the properties broken at any value.
struct Swept<'a> {
    scenario: &'a Scenario,
    r: &'a MonteCarloReport,
    label: String,
    x_label: String,
    xs: Vec<String>,
    broken: Vec<String>,
    measure: Option<(&'static str, &'static str)>,
}

impl Swept<'_> {
    /// Each broken property's share of the runs at each value.
    fn shares(&self) -> Markup {
        if self.broken.is_empty() {
            return Markup::from_lit("<p>No run broke a property at any value.</p>");
        }
        let share =
            |p: &SweepPoint, id: &str| 100.0 * f64::from(broke(p, id)) / f64::from(p.runs.max(1));
        let curves: Vec<(String, Vec<f64>)> = self
            .broken
            .iter()
            .map(|id| {
                let ys = self.r.sweep.iter().map(|p| share(p, id)).collect();
                (outcome_name(self.scenario, id), ys)
            })
            .collect();
        chart(
            &format!(
                "Share of runs that broke each property, against {}",
                self.label
            ),
            &self.x_label,
            &self.xs,
            &curves,
            100.0,
            "100%",
        )
    }

    /// One curve of `ys` named `name`, its top rounded up.
    fn one_curve(&self, caption: &str, name: String, ys: Vec<f64>) -> Markup {
        let most = ys.iter().cloned().fold(0.0, f64::max).ceil();
        chart(
            &format!("{caption}, against {}", self.label),
            &self.x_label,
            &self.xs,
            &[(name, ys)],
            most,
            &thousands(most as u64),
        )
    }

    /// Messages sent per run (the retry load), and the lab's own measure
    /// (attempts, time blocked), on average.
    fn load_and_measure(&self) -> Markup {
        let load = self.r.sweep.iter().map(|p| p.messages_per_run).collect();
        let mut m = self.one_curve(
            "Messages sent per run (the retry load)",
            "messages sent per run".into(),
            load,
        );
        if let Some((what, unit)) = self.measure {
            let means = self
                .r
                .sweep
                .iter()
                .map(|p| p.measure_mean.unwrap_or(0.0))
                .collect();
            m.markup(&self.one_curve(
                &format!("{} ({unit}, the mean of the runs)", capital(what)),
                format!("{what} ({unit})"),
                means,
            ));
        }
        m
    }

    /// The numbers, as a table: a row per value.
    fn table(&self) -> Markup {
        let mut m = Markup::new();
        markup!(
            m,
            "<table class=\"explore-table\" data-table=\"sweep\"><caption>Against {}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">Runs</th>",
            self.label.clone(),
            capital(&self.x_label)
        );
        for id in &self.broken {
            let name = short(&outcome_name(self.scenario, id), 48);
            markup!(m, "<th scope=\"col\">{} (share)</th>", name);
        }
        m.lit("<th scope=\"col\">Messages per run</th>");
        if let Some((what, unit)) = self.measure {
            markup!(
                m,
                "<th scope=\"col\">{} ({}, mean)</th>",
                capital(what),
                unit
            );
        }
        m.lit("</tr></thead><tbody>");
        for (p, x) in self.r.sweep.iter().zip(&self.xs) {
            m.markup(&self.row(p, x));
        }
        m.lit("</tbody></table>");
        m
    }

    /// The table's row for one value.
    fn row(&self, p: &SweepPoint, x: &str) -> Markup {
        let mut m = Markup::new();
        markup!(
            m,
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            x.to_string(),
            thousands(u64::from(p.runs))
        );
        for id in &self.broken {
            markup!(m, "<td>{}%</td>", percent(broke(p, id), p.runs));
        }
        markup!(m, "<td>{}</td>", format!("{:.1}", p.messages_per_run));
        if self.measure.is_some() {
            let mean = p.measure_mean.unwrap_or(0.0);
            let text = if mean >= 100.0 {
                thousands(mean.round() as u64)
            } else {
                format!("{mean:.1}")
            };
            markup!(m, "<td>{}</td>", text);
        }
        m.lit("</tr>");
        m
    }
}

/// A sweep's report (`config.sweep` names the setting and its values),
/// `ms` what it took.
pub fn sweep(
    scenario: &Scenario,
    config: &MonteCarloConfig,
    r: &MonteCarloReport,
    ms: u64,
) -> Markup {
    let key = config.sweep.as_ref().map_or("", |(k, _)| k.as_str());
    let (label, unit) = setting_name(scenario, key);
    let x_label = if unit.is_empty() {
        label.clone()
    } else {
        format!("{label} ({unit})")
    };
    let swept = Swept {
        scenario,
        r,
        xs: r.sweep.iter().map(|p| value_text(&p.value)).collect(),
        broken: broken_properties(r),
        measure: faultline_sim::registry::explorer_measure(&scenario.lab),
        label,
        x_label,
    };
    let mut m = Markup::from_lit("<div class=\"explore-report\" data-report=\"sweep\">");
    markup!(
        m,
        "<p class=\"explore-summary\"><strong>{}</strong> runs for each of {} values of {}, each message lost with a chance of {} in 1,000, in {} ms.</p>",
        thousands(u64::from(config.runs)),
        swept.xs.len(),
        swept.label.clone(),
        config.random.drop_permille,
        thousands(ms)
    );
    if r.stopped {
        m.lit("<p class=\"explore-status explore-stopped\">Stopped before the end: these are the values run so far.</p>");
    }
    m.markup(&swept.shares());
    m.markup(&swept.load_and_measure());
    m.markup(&swept.table());
    m.markup(&outcomes_table(scenario, config, r));
    m.lit("</div>");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::explore::montecarlo::{monte_carlo, sweep_values};
    use faultline_sim::fault::RandomFaults;

    #[test]
    fn a_sweep_shows_each_properties_share_and_the_load_per_value_with_its_numbers() {
        let s = faultline_sim::preset("payments", "happy-path")
            .unwrap()
            .with("send_key", ConfigValue::Bool(false));
        let config = MonteCarloConfig {
            runs: 200,
            base_seed: 1,
            random: RandomFaults::losing(50),
            sweep: Some(("timeout_ms".into(), sweep_values(&s, "timeout_ms").unwrap())),
        };
        let r = monte_carlo(&s, &config).unwrap();
        let html = sweep(&s, &config, &r, 40).into_string();
        assert!(
            html.contains("<strong>200</strong> runs for each of 5 values of"),
            "{html}"
        );
        // Three charts: the shares, the load and the lab's measure (the
        // client's attempts), each curve with a point per value.
        assert_eq!(html.matches("<figure class=\"explore-chart\">").count(), 3);
        assert!(html.contains(
            "The most attempts a client made to pay (attempts, the mean of the runs), against"
        ));
        let curves = broken_properties(&r).len();
        assert!(curves >= 1, "without keys, runs double-charge");
        assert_eq!(html.matches("<polyline").count(), curves + 2);
        assert_eq!(html.matches("<circle").count(), 5 * (curves + 2));
        // The table: a row per value, the share of double charges in each.
        for p in &r.sweep {
            let row = format!("<tr><th scope=\"row\">{}</th>", value_text(&p.value));
            assert!(html.contains(&row), "{row}");
        }
        let first = &r.sweep[0];
        assert!(html.contains(&format!(
            "<td>{}%</td>",
            percent(broke(first, "one-charge-per-order"), first.runs)
        )));
        // A short timeout retries before the processor answers: more double charges.
        let last = r.sweep.last().unwrap();
        assert!(
            broke(first, "one-charge-per-order") > broke(last, "one-charge-per-order"),
            "{:?}",
            r.sweep
        );
        // Outcomes with their first examples, as in random runs.
        assert!(html.contains("<caption>Outcomes</caption>"));
    }

    #[test]
    fn a_toggle_reads_on_and_off_and_a_sweep_that_breaks_nothing_says_so() {
        let s = faultline_sim::preset("payments", "happy-path").unwrap();
        let config = MonteCarloConfig {
            runs: 20,
            base_seed: 1,
            random: RandomFaults::losing(0),
            sweep: Some(("jitter".into(), sweep_values(&s, "jitter").unwrap())),
        };
        let r = monte_carlo(&s, &config).unwrap();
        let html = sweep(&s, &config, &r, 1).into_string();
        assert!(
            html.contains("No run broke a property at any value."),
            "{html}"
        );
        assert!(html.contains("<tr><th scope=\"row\">off</th>") && html.contains(">on</th>"));
        assert_eq!(
            html.matches("<figure").count(),
            2,
            "the load and the attempts"
        );
    }

    #[test]
    fn a_downtime_sweep_draws_the_time_blocked_against_the_coordinators_downtime() {
        let s = faultline_sim::preset("sagas", "2pc-coordinator-crash").unwrap();
        let config = MonteCarloConfig {
            runs: 5,
            base_seed: 1,
            random: RandomFaults::losing(0),
            sweep: Some((DOWNTIME.into(), sweep_values(&s, DOWNTIME).unwrap())),
        };
        let r = monte_carlo(&s, &config).unwrap();
        let html = sweep(&s, &config, &r, 1).into_string();
        assert!(
            html.contains("against how long this run&#39;s crashed actors stay down"),
            "{html}"
        );
        // The time blocked follows the downtime: 1,250 ms down, about 1.3 s
        // held, under the 2 s bound; 2,500 ms down breaks it.
        assert!(html.contains("<tr><th scope=\"row\">1,250</th><td>5</td><td>0.0%</td>"));
        assert!(html.contains("<tr><th scope=\"row\">2,500</th><td>5</td><td>100.0%</td>"));
        assert!(html
            .contains("The longest time a participant held a 2PC lock (ms, the mean of the runs)"));
        assert!(html.contains("<tr><th scope=\"row\">20,000</th>"));
        assert!(html.contains("No participant holds a two-phase-commit lock longer than 2 s"));
        // Its first example opens where the bound broke, not at step 0.
        let row = html
            .split("<tr data-property=\"lock-held-at-most-2s\">")
            .nth(1)
            .expect("a row for the bound");
        let href = row
            .split("href=\"#")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let opened = faultline_sim::permalink::open(href).unwrap();
        assert!(opened.step > 0, "{href}");
    }
}
