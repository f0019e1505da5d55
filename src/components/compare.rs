//! Two runs of one lab side by side: the picker that starts a comparison
//! (a lab's ready-made pairs, another scenario, or this run with one
//! setting changed) and, while comparing, a summary of both at the same
//! moment in virtual time (what differs, what each is doing, messages,
//! broken invariants, how each ends, the tables that tell them apart) with
//! a toggle between the two diagrams. The rest of the page shows the run
//! whose diagram is on screen.

use super::raw::{attr_of, closest, fixed, raw};
use crate::markup::{IntoHtml, Markup};
use crate::state::{Action, AppState, Compare};
use faultline_sim::lab::{Comparison, ConfigField, FieldKind, LabInfo};
use faultline_sim::scenario::{Config, ConfigValue, Scenario};
use faultline_sim::trace::{Fate, Table};
use faultline_sim::Run;
use yew::prelude::*;

/// A setting's value as the config panel would show it.
fn setting_text(f: &ConfigField, config: &Config) -> String {
    match (f.kind, config.get(f.key)) {
        (FieldKind::Toggle { .. }, Some(ConfigValue::Bool(b))) => on_off(*b),
        (FieldKind::Toggle { default }, _) => on_off(default),
        (FieldKind::Number { unit, .. }, Some(ConfigValue::Int(v))) => format!("{v} {unit}"),
        (FieldKind::Number { default, unit, .. }, _) => format!("{default} {unit}"),
        (FieldKind::Choice { options, .. }, _) => {
            let v = faultline_sim::lab::choice_of(std::slice::from_ref(f), config, f.key);
            options
                .iter()
                .find(|(o, _)| *o == v)
                .map_or(v, |(_, label)| label)
                .to_string()
        }
    }
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.into()
}

/// The settings on which two runs differ: (label, A's value, B's value).
pub fn differences(
    info: &LabInfo,
    a: &Scenario,
    b: &Scenario,
) -> Vec<(&'static str, String, String)> {
    info.config
        .iter()
        .filter_map(|f| {
            let (x, y) = (setting_text(f, &a.config), setting_text(f, &b.config));
            (x != y).then_some((f.label, x, y))
        })
        .collect()
}

/// What one side of a comparison shows at virtual time `t`.
pub struct Side<'a> {
    pub run: &'a Run,
    pub scenario: &'a Scenario,
    pub preset: Option<&'a str>,
    pub step: u32,
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

#[derive(Clone)]
pub struct Props<'a> {
    pub state: &'a AppState,
    pub compare: &'a Compare,
    pub info: &'a LabInfo,
    pub on: Callback<Action>,
    /// The summary (below the diagram); else the bar above the controls
    /// that says what is compared and swaps the diagrams.
    pub summary: bool,
}

/// The ready-made pair (of `info`) these two runs are, if any.
fn pair<'i>(
    info: &'i LabInfo,
    a: &Scenario,
    b: &Scenario,
) -> Option<&'i faultline_sim::lab::Comparison> {
    info.comparisons
        .iter()
        .find(|c| (c.a)() == *a && (c.b)() == *b)
}

/// The comparison's bar (which diagram is on screen, what the pair shows)
/// or its summary: both runs at the playhead's moment.
// Not inlined: the lab view calls it twice (bar and summary).
#[inline(never)]
pub fn compare_panel(p: &Props) -> Html {
    let (s, c, info) = (p.state, p.compare, p.info);
    let t = s.playhead as u64;
    let shown = Side {
        run: &s.run,
        scenario: &s.scenario,
        preset: s.preset.as_deref(),
        step: s.cursor,
    };
    let other = Side {
        run: &c.run,
        scenario: &c.scenario,
        preset: c.preset.as_deref(),
        step: c.run.step_at_time(t),
    };
    let (a, b) = if c.shown_b {
        (other, shown)
    } else {
        (shown, other)
    };
    let titles = (a.title(info), b.title(info));
    if !p.summary {
        let explanation = pair(info, a.scenario, b.scenario).map_or(
            "Both runs at the same moment in virtual time: step through the one on screen and the other follows.",
            |pair| pair.explanation,
        );
        return compare_bar(c.shown_b, &titles, explanation, &p.on);
    }
    let tables = info
        .compare_tables
        .iter()
        .filter_map(|name| table_side_by_side(name, &a, &b));
    html! {
        <section class="panel compare" id="compare" aria-labelledby="compare-h">
            { summary_table(info, &a, &b, t, &titles) }
            { for tables }
        </section>
    }
}

/// The bar: a button per run (the one on screen pressed), the way out,
/// and what the pair shows.
fn compare_bar(
    shown_b: bool,
    titles: &(String, String),
    explanation: &str,
    on: &Callback<Action>,
) -> Html {
    // The bar as HTML text (escaped), one listener for its buttons
    // (`raw`): far less WebAssembly than `html!`. A swap disables the
    // button pressed, so it loses the focus either way.
    let mut sides = Markup::new();
    for (is_b, label, title) in [(false, "A", &titles.0), (true, "B", &titles.1)] {
        let on_screen = is_b == shown_b;
        markup!(
            sides,
            "<button id=\"compare-{}\" aria-pressed=\"{}\"{}>{}: ",
            if is_b { "b" } else { "a" },
            if on_screen { "true" } else { "false" },
            if on_screen { " disabled" } else { "" },
            label
        );
        sides.text(title);
        sides.lit("</button>");
    }
    sides.lit("<button id=\"compare-end\" class=\"link\">End the comparison</button>");
    let on = on.clone();
    let on_bar = Callback::from(move |e: MouseEvent| {
        match closest(&e, "button:enabled").map(|b| b.id()).as_deref() {
            Some("compare-end") => on.emit(Action::EndCompare),
            Some(_) => on.emit(Action::SwapSides),
            None => {}
        }
    });
    let mut hint = Markup::from_lit("<p class=\"hint\" id=\"compare-explanation\">");
    hint.text(explanation);
    hint.lit("</p>");
    html! {
        <section class="panel compare-bar" aria-labelledby="compare-bar-h">
            { fixed("<h2 id=\"compare-bar-h\" class=\"visually-hidden\">Two runs compared</h2>") }
            <div class="compare-sides" role="group" aria-label="Diagram on screen (B swaps)" onclick={on_bar}>
                { raw(sides) }
            </div>
            { raw(hint) }
        </section>
    }
}

/// Escaped text as markup.
fn text(v: &str) -> Markup {
    let mut s = Markup::new();
    s.text(v);
    s
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

/// The summary table: both runs at moment `t`, what differs between
/// them, what each is doing, and the lab's figures.
fn summary_table(info: &LabInfo, a: &Side, b: &Side, t: u64, titles: &(String, String)) -> Html {
    // The summary is written as HTML text (everything escaped): it only
    // shows data, and text costs far less WebAssembly than `html!`.
    let mut out = Markup::from_lit("<h2 id=\"compare-h\">Both runs at this moment</h2><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Both runs at this moment (scrollable)\"><table id=\"compare-summary\"><thead><tr>");
    for head in [
        format!("At {t} ms"),
        format!("A · {}", titles.0),
        format!("B · {}", titles.1),
    ] {
        out.lit("<th scope=\"col\">");
        out.text(&head);
        out.lit("</th>");
    }
    out.lit("</tr></thead><tbody>");
    let diffs = differences(info, a.scenario, b.scenario);
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
    out.into_html()
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
    let value = |fs: &[faultline_sim::lab::Figure], l: &str| {
        fs.iter()
            .find(|f| f.label == l)
            .map_or_else(|| Markup::from_lit("—"), |f| text(&f.value))
    };
    for l in labels {
        row(out, l, &value(&fa, l), &value(&fb, l));
    }
}

/// Table `name` of both runs side by side, as the data panel draws it;
/// nothing when both are empty.
fn table_side_by_side(name: &str, a: &Side, b: &Side) -> Option<Html> {
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
        return None;
    }
    // Each side titled "A · …" / "B · …".
    let side = |label: &str, t: Option<Table>| {
        let tables = t
            .map(|t| Table {
                title: format!("{label} · {}", t.title),
                ..t
            })
            .into_iter()
            .collect();
        super::tables::data_tables(super::tables::Props {
            tables,
            changed: Vec::new(),
        })
    };
    Some(html! {
        <div class="side-by-side compare-table">
            { side("A", ta) }
            { side("B", tb) }
        </div>
    })
}

/// One entry of the "compare with" menu, made into a scenario only when
/// chosen (the menu is drawn on every frame while a run plays).
#[derive(Clone)]
pub enum Choice {
    /// This run with a setting changed.
    Setting(&'static str, ConfigValue),
    /// Another scenario of the lab.
    Preset(fn() -> Scenario),
}

impl Choice {
    pub fn scenario(&self, current: &Scenario) -> Scenario {
        match self {
            Self::Setting(key, value) => {
                let mut next = current.clone();
                next.config.insert(key.to_string(), value.clone());
                next
            }
            Self::Preset(make) => make(),
        }
    }
}

/// The choices of the "compare with" menu: this run with one setting
/// changed, or another scenario of the lab (not the one on screen).
pub fn choices(info: &LabInfo, current: &Scenario, preset: Option<&str>) -> Vec<(String, Choice)> {
    let mut out = Vec::new();
    for f in &info.config {
        let mut with = |value: ConfigValue, text: &str| {
            out.push((
                format!("This run with {}: {text}", f.label),
                Choice::Setting(f.key, value),
            ));
        };
        match f.kind {
            FieldKind::Toggle { .. } => {
                let now = setting_text(f, &current.config) == "on";
                with(ConfigValue::Bool(!now), &on_off(!now));
            }
            FieldKind::Choice { options, .. } => {
                let now =
                    faultline_sim::lab::choice_of(std::slice::from_ref(f), &current.config, f.key);
                for (v, label) in options.iter().filter(|(v, _)| *v != now) {
                    with(ConfigValue::Choice(v.to_string()), label);
                }
            }
            FieldKind::Number { .. } => {}
        }
    }
    for pr in info.presets.iter().filter(|pr| Some(pr.id) != preset) {
        out.push((
            format!("Scenario: {}", pr.title),
            Choice::Preset(pr.scenario),
        ));
    }
    out
}

/// The ready-made pairs' buttons, each carrying its pair's id.
fn pair_buttons(comparisons: &[Comparison]) -> Markup {
    let mut pairs = Markup::new();
    for pair in comparisons {
        pairs.lit("<li><button class=\"compare-pair\" data-compare=\"");
        pairs.text(pair.id);
        pairs.lit("\" title=\"");
        pairs.text(pair.explanation);
        pairs.lit("\">");
        pairs.text(pair.title);
        pairs.lit("</button></li>");
    }
    pairs
}

/// The pairs' one click listener: load the clicked pair's first run and
/// compare it with its second.
fn on_pair_click(comparisons: Vec<Comparison>, on: Callback<Action>) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        let id = attr_of(&e, "data-compare");
        let Some(pair) = comparisons.iter().find(|c| id.as_deref() == Some(c.id)) else {
            return;
        };
        let (a, b) = ((pair.a)(), (pair.b)());
        let preset = |s: &Scenario| faultline_sim::registry::preset_matching(s);
        on.emit(Action::Load {
            preset: preset(&a),
            scenario: a,
            cursor: 0,
            notice: None,
        });
        on.emit(Action::Compare {
            preset: preset(&b),
            scenario: b,
        });
    })
}

/// The menu's options, by their place in `options`.
fn choice_labels(options: &[(String, Choice)]) -> Markup {
    let mut labels = Markup::new();
    for (i, (label, _)) in options.iter().enumerate() {
        markup!(labels, "<option value=\"{}\">", i);
        labels.text(label);
        labels.lit("</option>");
    }
    labels
}

/// The picker that starts a comparison (when not comparing).
#[inline(never)]
pub fn compare_picker(
    info: &LabInfo,
    current: &Scenario,
    preset: Option<&str>,
    on: &Callback<Action>,
) -> Html {
    // The ready-made pairs, the menu's options and the static text are
    // HTML text (escaped), the pairs with one listener (`raw`): far less
    // WebAssembly than `html!`. Their text changes only with the scenario.
    let pairs = pair_buttons(&info.comparisons);
    let on_pair = on_pair_click(info.comparisons.clone(), on.clone());
    let select = NodeRef::default();
    let options = choices(info, current, preset);
    let labels = choice_labels(&options);
    let start = {
        let (select, on, current) = (select.clone(), on.clone(), current.clone());
        Callback::from(move |_| {
            let chosen = select
                .cast::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<usize>().ok())
                .and_then(|i| options.get(i));
            if let Some((_, choice)) = chosen {
                let scenario = choice.scenario(&current);
                on.emit(Action::Compare {
                    preset: faultline_sim::registry::preset_matching(&scenario),
                    scenario,
                });
            }
        })
    };
    html! {
        <section class="panel compare-start" aria-labelledby="compare-start-h">
            { fixed("<h2 id=\"compare-start-h\">Compare two runs</h2>") }
            if !info.comparisons.is_empty() {
                <ul class="compare-pairs" onclick={on_pair}>{ raw(pairs) }</ul>
            }
            <div class="share-row">
                { fixed("<label for=\"compare-with\">Compare this run with</label>") }
                <select id="compare-with" ref={select}>{ raw(labels) }</select>
                <button id="compare-start" onclick={start}>{ "Compare" }</button>
            </div>
            { fixed("<p class=\"hint\">Both runs play on one clock; a button (or B) swaps which diagram is on screen, and the link below opens the comparison.</p>") }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The menu offers every other scenario and each setting flipped, and a
    /// choice becomes its scenario only when picked.
    #[test]
    fn the_menu_builds_the_chosen_scenario() {
        let info = faultline_sim::lab("payments").unwrap();
        let id = "lost-response-no-key";
        let current = faultline_sim::preset("payments", id).unwrap();
        let menu = choices(&info, &current, Some(id));
        let presets = menu
            .iter()
            .filter(|(l, _)| l.starts_with("Scenario: "))
            .count();
        assert_eq!(
            presets,
            info.presets.len() - 1,
            "every scenario but the one on screen"
        );
        let (_, key_on) = menu
            .iter()
            .find(|(l, _)| l == "This run with Client sends an Idempotency-Key: on")
            .unwrap();
        let with_key = faultline_sim::preset("payments", "lost-response-with-key").unwrap();
        assert_eq!(key_on.scenario(&current), with_key);
    }
}
