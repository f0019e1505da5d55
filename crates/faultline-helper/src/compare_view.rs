//! The comparison's summary as a lab page shows it while two runs are
//! compared (`compare`: a comparison link `vs1.<A>.<B>.<step>[.b]`):
//! both runs at the moment in virtual time of the step on screen, what
//! differs between them (settings, seed, fault plan), what each is doing,
//! the messages each has sent, the invariants each has broken, the lab's
//! figures and how each ends, then the lab's key tables side by side.
//! Written here in the helper as escaped markup, so the page's first load
//! carries none of it; the page puts it under its comparison bar.

use faultline_markup::{markup, Markup};
use faultline_sim::lab::{differences, Figure, LabInfo};
use faultline_sim::scenario::Scenario;
use faultline_sim::trace::{Fate, Table};
use faultline_sim::{permalink, Run};

/// What one side of a comparison shows at the moment compared.
struct Side<'a> {
    run: &'a Run,
    scenario: &'a Scenario,
    preset: Option<&'a str>,
    step: u32,
}

impl Side<'_> {
    fn title(&self, info: &LabInfo) -> String {
        self.preset
            .and_then(|id| info.preset(id))
            .map_or_else(|| "Your scenario".to_string(), |p| p.title.to_string())
    }

    /// Messages sent up to `t`, and how many of them were lost.
    fn messages(&self, t: u64) -> String {
        let sent = self.run.flights.iter().filter(|f| f.sent_at <= t);
        let (n, lost) = sent.fold((0, 0), |(n, lost), f| {
            (
                n + 1,
                lost + usize::from(f.fate == Fate::Dropped && f.arrives_at <= t),
            )
        });
        match lost {
            0 => format!("{n}"),
            _ => format!("{n} ({lost} lost)"),
        }
    }

    /// The invariants broken up to this side's step.
    fn broken(&self) -> Markup {
        let mut items = Markup::new();
        for v in self.run.violations.iter().filter(|v| v.step <= self.step) {
            items.lit("<li>✗ ");
            items.text(&v.message);
            items.lit("</li>");
        }
        if items.is_empty() {
            return Markup::from_lit("<span class=\"ok\">✓ none so far</span>");
        }
        let mut out = Markup::from_lit("<ul class=\"broken\">");
        out.markup(&items).lit("</ul>");
        out
    }

    fn now(&self) -> String {
        let step = &self.run.steps[self.step as usize];
        format!(
            "step {} of {}: {}",
            self.step,
            self.run.steps.len() - 1,
            self.run.summary(step)
        )
    }

    fn end(&self, t: u64) -> String {
        match self.run.end_time() {
            end if end > t => format!("Still running: it ends at {end} ms."),
            end => format!("{} (At {end} ms.)", self.run.end.message()),
        }
    }
}

/// `compare`: the summary of a comparison link's two runs at the moment
/// of its step (the step of the run on screen).
pub fn summary_of(link: &str) -> Result<String, String> {
    let opened = permalink::open(link).map_err(|e| e.to_string())?;
    let vs = opened.vs.ok_or("this is not a link to a comparison")?;
    let info = faultline_sim::lab(&opened.scenario.lab).ok_or("this lab is not on this page")?;
    let simulate = |s: &Scenario| faultline_sim::simulate(s).map_err(|e| e.to_string());
    let (run_a, run_b) = (simulate(&opened.scenario)?, simulate(&vs.scenario)?);
    let shown_run = if vs.shown { &run_b } else { &run_a };
    let last = shown_run.steps.len().saturating_sub(1) as u32;
    let shown_step = opened.step.min(last);
    let t = shown_run
        .steps
        .get(shown_step as usize)
        .map_or(0, |s| s.time);
    let step_of = |run: &Run, shown: bool| {
        if shown {
            shown_step
        } else {
            run.step_at_time(t)
        }
    };
    let a = Side {
        run: &run_a,
        scenario: &opened.scenario,
        preset: opened.preset.as_deref(),
        step: step_of(&run_a, !vs.shown),
    };
    let b = Side {
        run: &run_b,
        scenario: &vs.scenario,
        preset: vs.preset.as_deref(),
        step: step_of(&run_b, vs.shown),
    };
    let mut out = summary_table(&info, &a, &b, t, shown_step);
    for name in info.compare_tables {
        table_side_by_side(&mut out, name, &a, &b);
    }
    Ok(out.into_string())
}

/// One row of the summary: a label and a cell for each run.
fn row(out: &mut Markup, what: &str, x: &Markup, y: &Markup) {
    out.lit("<tr><th scope=\"row\">");
    out.text(what);
    out.lit("</th><td>")
        .markup(x)
        .lit("</td><td>")
        .markup(y)
        .lit("</td></tr>");
}

/// Escaped text as markup.
fn text(v: &str) -> Markup {
    let mut s = Markup::new();
    s.text(v);
    s
}

/// The summary table: both runs at moment `t`, what differs between
/// them, what each is doing, and the lab's figures.
/// The table says which step of the run on screen it is for
/// (`data-step`), so a reader can tell it is current.
fn summary_table(info: &LabInfo, a: &Side, b: &Side, t: u64, shown_step: u32) -> Markup {
    let mut out = Markup::new();
    markup!(
        out,
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Both runs at this moment (scrollable)\"><table id=\"compare-summary\" data-step=\"{}\"><thead><tr>",
        shown_step
    );
    for head in [
        format!("At {t} ms"),
        format!("A · {}", a.title(info)),
        format!("B · {}", b.title(info)),
    ] {
        out.lit("<th scope=\"col\">");
        out.text(&head);
        out.lit("</th>");
    }
    out.lit("</tr></thead><tbody>");
    let diffs = differences(&info.config, &a.scenario.config, &b.scenario.config);
    if diffs.is_empty() {
        let same = Markup::from_lit("the same");
        row(&mut out, "Settings", &same, &same);
    }
    for (label, x, y) in diffs {
        row(&mut out, label, &text(&x), &text(&y));
    }
    let same = |x: bool| if x { " (the same)" } else { " (different)" };
    let seeds = same(a.scenario.seed == b.scenario.seed);
    let plans =
        same(a.scenario.faults == b.scenario.faults && a.scenario.random == b.scenario.random);
    let faults = |x: &Side| text(&format!("{} faults{plans}", x.scenario.faults.len()));
    row(
        &mut out,
        "Seed",
        &text(&format!("{}{seeds}", a.scenario.seed)),
        &text(&format!("{}{seeds}", b.scenario.seed)),
    );
    row(&mut out, "Fault plan", &faults(a), &faults(b));
    row(&mut out, "Now", &text(&a.now()), &text(&b.now()));
    row(
        &mut out,
        "Messages sent",
        &text(&a.messages(t)),
        &text(&b.messages(t)),
    );
    row(&mut out, "Invariants broken", &a.broken(), &b.broken());
    figure_rows(&mut out, info, a, b);
    row(&mut out, "How it ends", &text(&a.end(t)), &text(&b.end(t)));
    out.lit("</tbody></table></div>");
    out
}

/// The lab's figures (a 2PC's time blocked…), a row each, "—" where a run
/// has none.
fn figure_rows(out: &mut Markup, info: &LabInfo, a: &Side, b: &Side) {
    let (fa, fb) = ((info.figures)(a.run, a.step), (info.figures)(b.run, b.step));
    let mut labels: Vec<&str> = fa.iter().map(|f| f.label).collect();
    labels.extend(
        fb.iter()
            .map(|f| f.label)
            .filter(|l| !fa.iter().any(|f| f.label == *l)),
    );
    let value = |fs: &[Figure], l: &str| {
        fs.iter()
            .find(|f| f.label == l)
            .map_or_else(|| Markup::from_lit("—"), |f| text(&f.value))
    };
    for l in labels {
        row(out, l, &value(&fa, l), &value(&fb, l));
    }
}

/// Table `name` of both runs side by side, as the page's data panel draws
/// a table, each titled "A · …" / "B · …"; nothing when both are empty.
fn table_side_by_side(out: &mut Markup, name: &str, a: &Side, b: &Side) {
    let pick = |x: &Side| {
        x.run
            .tables_at(x.step)
            .into_iter()
            .find(|tb| tb.title == name)
    };
    let (ta, tb) = (pick(a), pick(b));
    if ta.as_ref().is_none_or(|x| x.rows.is_empty())
        && tb.as_ref().is_none_or(|x| x.rows.is_empty())
    {
        return;
    }
    out.lit("<div class=\"side-by-side compare-table\">");
    for (label, t) in [("A", ta), ("B", tb)] {
        out.lit("<div class=\"tables\">");
        if let Some(t) = t {
            data_table(out, &format!("{label} · {}", t.title), &t);
        }
        out.lit("</div>");
    }
    out.lit("</div>");
}

/// One table as the page's data panel draws it (`src/components/tables.rs`).
fn data_table(out: &mut Markup, title: &str, t: &Table) {
    out.lit("<section class=\"data-table\"><h3>");
    out.text(title);
    out.lit("</h3><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"");
    out.text(&format!("{title} (scrollable)"));
    out.lit("\"><table data-table=\"");
    out.text(title);
    out.lit("\"><thead><tr>");
    for c in &t.columns {
        out.lit("<th scope=\"col\">");
        out.text(c);
        out.lit("</th>");
    }
    out.lit("</tr></thead><tbody>");
    if t.rows.is_empty() {
        markup!(
            out,
            "<tr class=\"empty\"><td colspan=\"{}\">(empty)</td></tr>",
            t.columns.len()
        );
    }
    for r in &t.rows {
        out.lit("<tr>");
        for c in r {
            out.lit("<td>");
            out.text(c);
            out.lit("</td>");
        }
        out.lit("</tr>");
    }
    out.lit("</tbody></table></div></section>");
}

#[cfg(test)]
#[path = "compare_view_tests.rs"]
mod tests;
