//! The explorer's panel: "can this ever break?" for the run on screen.
//! The learner picks a search (every schedule of up to K faults), a
//! Monte Carlo run (many seeds, messages lost at a chosen rate) or a sweep
//! (those runs at a few values of one setting); the
//! page's helper worker does the work (`crate::helper::ask_long`), tells
//! its progress (a live count and a bar) and can be stopped, and answers
//! with the report as markup it wrote (`crates/faultline-helper`,
//! `view.rs`): its links open a counterexample as a normal run of this
//! page at its violating step, and a link under it does the same work
//! again (`faultline_sim::explore_link`; a page opened with one starts
//! it: `start_asked`).
//!
//! The panel is fixed markup with one listener, and what the work says
//! is written straight into its boxes (`crate::markup::put`), not through
//! Yew's state: a component of its own cost the page about 4 KB of
//! WebAssembly, more than the OAuth page had room for. For the same
//! reason the form comes from the helper when the learner opens the
//! panel (it also states the lab's fault sizes); it never changes after,
//! so its choices stay as the learner set them.

use super::raw::{attr_of, closest, fixed};
use crate::helper::Told;
use crate::markup::Markup;
use faultline_sim::explore_link::{Alphabet, ExploreAsk};
use faultline_sim::permalink;
use faultline_sim::Run;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The panel before it is opened: what it is for, and a button that
/// fetches the helper, which sends the form (`explorer-form`).
const PANEL: &str = concat!(
    "<h2 id=\"explore-h\">Explorer: can this break?</h2>",
    "<div id=\"explore-form\"><p class=\"hint\">Finds the smallest schedule of faults that breaks each property of this run's configuration, or makes thousands of random runs and counts what happens.</p>",
    "<button type=\"button\" data-explore=\"open\">Open the explorer</button></div>",
    "<p id=\"explore-said\" class=\"visually-hidden\" aria-live=\"polite\"></p>",
    "<div id=\"explore-out\"></div>",
    "<p id=\"explore-again\"></p>"
);

/// The value of the select `id`.
fn chosen(id: &str) -> String {
    gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Show `out` in the output box and say `said` to a screen reader (at the
/// start and the end of the work, not at each progress message).
fn show(out: Markup, said: Option<&str>) {
    crate::markup::put(
        gloo::utils::document().get_element_by_id("explore-out"),
        out,
    );
    if let Some(said) = said {
        show_said(said);
    }
}

/// The line that says how far the work is, its Stop button and its bar.
fn running(what: &str, done: u64, of: u64, sentence: &str) -> Markup {
    let mut m = Markup::new();
    markup!(
        m,
        "<p class=\"explore-status\">{} under way: <span id=\"explore-so-far\">{}</span>. ",
        what.to_string(),
        sentence.to_string()
    );
    m.lit("<button type=\"button\" data-explore=\"stop\">Stop</button></p>");
    if of > 0 {
        markup!(
            m,
            "<progress id=\"explore-bar\" max=\"{}\" value=\"{}\" aria-label=\"Progress\"></progress>",
            of,
            done
        );
    } else {
        // A search does not know how many states there are.
        m.lit("<progress id=\"explore-bar\" aria-label=\"Progress\"></progress>");
    }
    m
}

/// How far the work is, changed in place: the line's words and the bar's
/// value (news comes every few milliseconds; drawing the line again each
/// time would replace the Stop button under the learner's click).
fn progressed(what: &str, done: u64, of: u64, sentence: &str) {
    let doc = gloo::utils::document();
    let (Some(words), Some(bar)) = (
        doc.get_element_by_id("explore-so-far"),
        doc.get_element_by_id("explore-bar"),
    ) else {
        return show(running(what, done, of, sentence), None);
    };
    words.set_text_content(Some(sentence));
    if of > 0 {
        let _ = bar.set_attribute("max", &of.to_string());
        let _ = bar.set_attribute("value", &done.to_string());
    }
}

/// Choose `value` in the select `id` (if it is one of its options).
fn choose(id: &str, value: &str) {
    if let Some(s) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
    {
        let was = s.value();
        s.set_value(value);
        if s.value() != value {
            s.set_value(&was);
        }
    }
}

/// A sentence alone in the output box.
fn sentence(text: &str) -> Markup {
    let mut m = Markup::new();
    markup!(m, "<p class=\"explore-status\">{}</p>", text.to_string());
    m
}

/// Start what the button `e` was pressed on asks for, on `run`'s configuration.
fn on_click(e: &MouseEvent, run: &Run) {
    if closest(e, "a.explore-open").is_some() {
        // A counterexample opens here: show its diagram.
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
        return;
    }
    let number = |id: &str, or| chosen(id).parse().unwrap_or(or);
    let ask = match attr_of(e, "data-explore").as_deref() {
        Some("stop") => return crate::helper::stop(),
        Some("open") => return open_form(&run.scenario.lab, || {}),
        Some("search") => ExploreAsk::Search {
            max_faults: number("explore-k", 2) as u8,
            alphabet: Alphabet::named(&chosen("explore-alphabet")).unwrap_or_default(),
        },
        Some("montecarlo") => ExploreAsk::MonteCarlo {
            runs: number("explore-runs", 1_000),
            lose_per_mille: number("explore-lose", 50) as u16,
        },
        Some("sweep") => ExploreAsk::Sweep {
            runs: number("explore-runs", 1_000),
            lose_per_mille: number("explore-lose", 50) as u16,
            key: chosen("explore-sweep"),
        },
        _ => return,
    };
    start(ask, permalink::encode(&run.scenario, 0));
}

/// Ask the helper for `lab`'s form and put it in the panel; then `then`.
fn open_form(lab: &str, then: impl FnOnce() + 'static) {
    crate::helper::ask_explorer("explorer-form", lab, move |reply| {
        let doc = gloo::utils::document();
        match reply {
            Ok(form) => {
                crate::markup::put_from_helper(doc.get_element_by_id("explore-form"), &form);
                then();
            }
            Err(why) => show(
                sentence(&format!("The explorer could not open: {why}.")),
                None,
            ),
        }
    });
}

/// Do the work `ask` names on the run `run_link` names: its progress, then
/// its report and a link that does it again.
fn start(ask: ExploreAsk, run_link: String) {
    let (op, what, payload) = request_of(&ask, &run_link);
    // One piece of work at a time: one under way ends.
    crate::helper::stop();
    put_again_link(None);
    show(
        running(what, 0, 0, "starting"),
        Some(&format!("{what} under way.")),
    );
    // A result complete as far as it goes, shown if the learner stops.
    let so_far: Rc<RefCell<Option<String>>> = Rc::default();
    let kept = so_far.clone();
    crate::helper::ask_long(
        op,
        &payload,
        Rc::new(move |told| match told {
            Told::Progress { done, of, sentence } => progressed(what, done, of, &sentence),
            Told::SoFar(report) => *kept.borrow_mut() = Some(report),
        }),
        move |reply| match reply {
            Ok(report) => {
                crate::markup::put_from_helper(
                    gloo::utils::document().get_element_by_id("explore-out"),
                    &report,
                );
                put_again_link(Some(&ask.link(&run_link)));
                show_said("The results are below.");
            }
            Err(why) if why == crate::helper::STOPPED_BY_LEARNER => {
                match so_far.borrow_mut().take() {
                    // The search of fewer faults finished, or the runs made
                    // by the last thousand: their results hold.
                    Some(report) => {
                        crate::markup::put_from_helper(
                            gloo::utils::document().get_element_by_id("explore-out"),
                            &report,
                        );
                        show_said(if what == "Search" {
                            "Stopped. The results of the searches that finished are below."
                        } else {
                            "Stopped. The runs made so far are below."
                        });
                    }
                    None => {
                        let why = "Stopped before any result was complete, so nothing is kept. Fewer faults, or fewer runs, finish sooner.";
                        show(sentence(why), Some(why));
                    }
                }
            }
            Err(why) => {
                let why = format!("The explorer could not answer: {why}.");
                show(sentence(&why), Some(&why));
            }
        },
    );
}

/// The helper's operation for `ask`, its name for the learner, and the
/// request it is sent (`ask`'s numbers, then the run's link).
fn request_of(ask: &ExploreAsk, run_link: &str) -> (&'static str, &'static str, String) {
    match ask {
        ExploreAsk::Search {
            max_faults,
            alphabet,
        } => (
            "search-view",
            "Search",
            format!("{max_faults}~{}\n{run_link}", alphabet.name()),
        ),
        ExploreAsk::MonteCarlo {
            runs,
            lose_per_mille,
        } => (
            "montecarlo-view",
            "Random runs",
            format!("{runs}\n{lose_per_mille}\n{run_link}"),
        ),
        ExploreAsk::Sweep {
            runs,
            lose_per_mille,
            key,
        } => (
            "sweep-view",
            "Sweep",
            format!("{runs}\n{lose_per_mille}\n{key}\n{run_link}"),
        ),
    }
}

/// Under a report, the link that opens this run and does this work again
/// (none while work is under way).
fn put_again_link(link: Option<&str>) {
    let mut m = Markup::new();
    if let Some(link) = link {
        markup!(
            m,
            "<a class=\"explore-again\" href=\"#{}\">Link to these results</a>: it opens this run and does this work again.",
            link.to_string()
        );
    }
    crate::markup::put(
        gloo::utils::document().get_element_by_id("explore-again"),
        m,
    );
}

/// The work an explorer link asks for (`ExploreAsk`) on the run it names
/// (`run_link`, the run the page opened): once the panel is drawn, it is
/// brought into view, its form opened and the work started, as if the
/// learner had chosen it.
pub fn start_asked(ask: ExploreAsk, run_link: String) {
    start_when_drawn(ask, run_link, 0, 100);
}

/// `start_asked` in `ms`, then trying again every 100 ms (`tries` more
/// times) until the panel is on the page (a long run is drawn after its
/// simulation).
fn start_when_drawn(ask: ExploreAsk, run_link: String, ms: u32, tries: u32) {
    gloo::timers::callback::Timeout::new(ms, move || {
        match gloo::utils::document().get_element_by_id("explorer-panel") {
            Some(panel) => {
                panel.scroll_into_view();
                let lab = permalink::lab_of(&run_link).unwrap_or_default();
                open_form(&lab, move || {
                    // The form shows the work's choices, where it has them.
                    match &ask {
                        ExploreAsk::Search {
                            max_faults,
                            alphabet,
                        } => {
                            choose("explore-k", &max_faults.to_string());
                            choose("explore-alphabet", alphabet.name());
                        }
                        ExploreAsk::MonteCarlo {
                            runs,
                            lose_per_mille,
                        } => {
                            choose("explore-runs", &runs.to_string());
                            choose("explore-lose", &lose_per_mille.to_string());
                        }
                        ExploreAsk::Sweep {
                            runs,
                            lose_per_mille,
                            key,
                        } => {
                            choose("explore-runs", &runs.to_string());
                            choose("explore-lose", &lose_per_mille.to_string());
                            choose("explore-sweep", key);
                        }
                    }
                    start(ask, run_link)
                });
            }
            None if tries > 0 => start_when_drawn(ask, run_link, 100, tries - 1),
            None => {}
        }
    })
    .forget();
}

/// Say `text` to a screen reader.
fn show_said(text: &str) {
    if let Some(el) = gloo::utils::document().get_element_by_id("explore-said") {
        el.set_text_content(Some(text));
    }
}

/// The panel, for `run` (the run on screen).
pub fn explorer_panel(run: &Rc<Run>) -> Html {
    let run = run.clone();
    let onclick = Callback::from(move |e: MouseEvent| on_click(&e, &run));
    html! {
        <section class="panel explorer" id="explorer-panel" aria-labelledby="explore-h" {onclick}>
            { fixed(PANEL) }
        </section>
    }
}
