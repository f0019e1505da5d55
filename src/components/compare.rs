//! Two runs of one lab side by side: the picker that starts a comparison
//! (a lab's ready-made pairs, another scenario, or this run with one
//! setting changed) and, while comparing, a bar that toggles between the
//! two diagrams and a summary of both at the same moment in virtual time
//! (what differs, what each is doing, messages, broken invariants, how
//! each ends, the tables that tell them apart), which the page's helper
//! worker writes from the comparison's link: it shows only while the
//! learner compares, so the page's first load does not carry it. The
//! rest of the page shows the run whose diagram is on screen.

use super::raw::{attr_of, closest, fixed, raw};
use crate::markup::Markup;
use crate::state::{Action, AppState, Compare};
use faultline_sim::lab::{Comparison, FieldKind, LabInfo};
use faultline_sim::scenario::{ConfigValue, Scenario};
use yew::prelude::*;

/// A run's title in the comparison: its preset's, or "Your scenario".
fn title(info: &LabInfo, preset: Option<&str>) -> String {
    preset
        .and_then(|id| info.preset(id))
        .map_or_else(|| "Your scenario".to_string(), |p| p.title.to_string())
}

#[derive(Clone)]
pub struct Props<'a> {
    pub state: &'a AppState,
    pub compare: &'a Compare,
    pub info: &'a LabInfo,
    pub on: Callback<Action>,
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

/// The comparison's bar: which diagram is on screen (a button per run),
/// the way out, and what the pair shows.
pub fn compare_bar_of(p: &Props) -> Html {
    let (s, c, info) = (p.state, p.compare, p.info);
    let shown = (&s.scenario, title(info, s.preset.as_deref()));
    let other = (&c.scenario, title(info, c.preset.as_deref()));
    let (a, b) = if c.shown_b {
        (other, shown)
    } else {
        (shown, other)
    };
    let explanation = pair(info, a.0, b.0).map_or(
        "Both runs at the same moment in virtual time: step through the one on screen and the other follows.",
        |pair| pair.explanation,
    );
    compare_bar(c.shown_b, &(a.1, b.1), explanation, &p.on)
}

/// While comparing, the summary below the diagram: both runs at the
/// moment of the step on screen, written by the helper worker
/// (`crates/faultline-helper/src/compare_view.rs`) into `#compare-out`
/// when the comparison or its step changes (`use_summary`).
pub fn compare_summary() -> Html {
    fixed("<section class=\"panel compare\" id=\"compare\" aria-labelledby=\"compare-h\"><h2 id=\"compare-h\">Both runs at this moment</h2><div id=\"compare-out\"><p class=\"hint\" role=\"status\">Setting the two runs side by side…</p></div></section>")
}

/// The link of the comparison on screen (A and B, the step on screen,
/// which of them is shown), as the helper reads it.
pub fn link_of(s: &AppState, c: &Compare) -> String {
    let (a, b) = if c.shown_b {
        (&c.scenario, &s.scenario)
    } else {
        (&s.scenario, &c.scenario)
    };
    faultline_sim::permalink::encode_compare(
        a,
        b,
        s.cursor,
        c.shown_b,
        faultline_sim::permalink::View::Normal,
    )
}

thread_local! {
    /// The comparison link last asked about: only its answer is shown.
    static ASKED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Ask the helper for the summary of the comparison at `link` (the page's
/// link while comparing; none when not comparing) whenever it changes.
#[hook]
pub fn use_summary(link: Option<String>) {
    use_effect_with(link, |link| {
        let Some(link) = link.clone() else {
            return;
        };
        ASKED.set(link.clone());
        crate::helper::ask("compare", &link.clone(), move |reply| {
            if ASKED.with_borrow(|asked| *asked != link) {
                return;
            }
            let out = gloo::utils::document().get_element_by_id("compare-out");
            match reply {
                Ok(summary) => crate::markup::put_from_helper(out, &summary),
                // Said once, not again at every step while it lasts.
                Err(_)
                    if out.as_ref().is_some_and(|o| {
                        o.query_selector(".helper-error").ok().flatten().is_some()
                    }) => {}
                Err(why) => {
                    let mut m = Markup::from_lit(
                        "<p class=\"hint helper-error\" role=\"alert\">The two runs cannot be set side by side: ",
                    );
                    m.text(why.trim_end_matches('.'));
                    m.lit(".</p>");
                    crate::markup::put(out, m);
                }
            }
        });
    });
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
                let now = f.shown(&current.config) == "on";
                with(ConfigValue::Bool(!now), if now { "off" } else { "on" });
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
