//! Interview practice: a card per question (the lab's `interviews`, one at
//! a time), the learner's own answer (kept with their progress), then the
//! strong answer, why it works and the common mistake, each playable as a run, and both side by side
//! on one seed in the comparison view (the mistake on screen, its broken
//! invariant beside the strong answer's kept one).

use super::raw::{attr_of, raw, refocus};
use crate::markup::Markup;
use crate::state::{Action, Notice};
use faultline_sim::lab::Interview;
use faultline_sim::progress::Progress;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub interviews: Vec<Interview>,
    /// Where the learner's answers are kept.
    pub progress: Rc<Progress>,
    pub lab: &'static str,
    pub on: Callback<Action>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        self.lab == o.lab
            && self.interviews.len() == o.interviews.len()
            && Rc::ptr_eq(&self.progress, &o.progress)
    }
}

fn missing(what: &str) -> Action {
    Action::Notify(Notice {
        text: format!("The scenario \"{what}\" is missing."),
        is_error: true,
    })
}

fn load(on: &Callback<Action>, lab: &'static str, preset: &'static str) {
    on.emit(match faultline_sim::preset(lab, preset) {
        Some(scenario) => Action::Load {
            scenario,
            cursor: 0,
            preset: Some(preset.to_string()),
            notice: None,
        },
        None => missing(preset),
    })
}

/// Both runs side by side: the mistake on screen (A), the strong answer
/// beside it, from the card's comparison (one seed, one fault plan).
fn side_by_side(on: &Callback<Action>, lab: &'static str, iv: &Interview) {
    let (id, mistake_is_b) = (iv.comparison, iv.mistake_is_b);
    {
        let Some(pair) = faultline_sim::lab(lab).and_then(|l| l.comparison(id).copied()) else {
            return on.emit(missing(id));
        };
        let (mistake, strong) = if mistake_is_b {
            ((pair.b)(), (pair.a)())
        } else {
            ((pair.a)(), (pair.b)())
        };
        on.emit(Action::Load {
            preset: faultline_sim::registry::preset_matching(&mistake),
            scenario: mistake,
            cursor: 0,
            notice: None,
        });
        on.emit(Action::Compare {
            preset: faultline_sim::registry::preset_matching(&strong),
            scenario: strong,
        });
    }
}

/// The strong answer, why it works and the common mistake, as HTML text
/// (escaped): text only, cheaper in WebAssembly than `html!`.
fn strong_answer(out: &mut Markup, iv: &Interview) {
    for (head, text) in [
        ("A strong answer", iv.answer),
        ("Why it works", iv.why),
        ("The common mistake", iv.mistake),
    ] {
        out.lit("<h3>");
        out.lit(head);
        out.lit("</h3><p>");
        out.text(text);
        out.lit("</p>");
    }
}

#[component]
pub fn InterviewPanel(p: &Props) -> Html {
    let at = use_state(|| 0usize);
    // Per card: whether the strong answer is shown.
    let revealed = use_state(|| Rc::new(vec![false; p.interviews.len()]));
    let n = p.interviews.len();
    let i = (*at).min(n.saturating_sub(1));
    let Some(iv) = p.interviews.get(i) else {
        return Html::default();
    };
    let on_input = p.on.reform(move |e: InputEvent| {
        let text = e
            .target_unchecked_into::<web_sys::HtmlTextAreaElement>()
            .value();
        Action::Note(i as u32, text)
    });
    // One listener for the card's buttons (each names its act), as text.
    let onclick = {
        let (at, revealed, on, lab, iv) = (
            at.clone(),
            revealed.clone(),
            p.on.clone(),
            p.lab,
            iv.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            let Some(what) = attr_of(&e, "data-act") else {
                return;
            };
            match what.as_str() {
                "prev" => at.set(i.saturating_sub(1)),
                "next" => at.set((i + 1).min(n - 1)),
                "reveal" => {
                    let mut r = (**revealed).clone();
                    r[i] = true;
                    revealed.set(Rc::new(r));
                    refocus("#iv-compare".to_string());
                }
                "both" => side_by_side(&on, lab, &iv),
                "answer" => load(&on, lab, iv.answer_preset),
                "mistake" => load(&on, lab, iv.mistake_preset),
                _ => {}
            }
        })
    };
    let nav = question_nav(i, n);
    let rest = answer_part(iv, revealed[i]);
    html! {
        <section class="panel interview" aria-labelledby="iv-h" {onclick}>
            <h2 id="iv-h">{ "Interview practice" }</h2>
            <p class="question">{ iv.question }</p>
            { raw(nav) }
            <label for="iv-answer" class="hint">{ "Your answer (kept in this browser with your progress, never sent)" }</label>
            <textarea id="iv-answer" rows="3" value={p.progress.note(p.lab, i as u32).to_string()} oninput={on_input} />
            { raw(rest) }
        </section>
    }
}

/// The buttons to the previous and next questions, when there are several.
fn question_nav(i: usize, n: usize) -> Markup {
    let mut nav = Markup::new();
    if n > 1 {
        markup!(
            nav,
            "<p class=\"hint iv-nav\" role=\"group\" aria-label=\"Interview questions\"><span id=\"iv-which\">Question {} of {}</span> <button id=\"iv-prev\" data-act=\"prev\"{}>◀ Previous question</button> <button id=\"iv-next\" data-act=\"next\"{}>Next question ▶</button></p>",
            i + 1,
            n,
            if i == 0 { " disabled" } else { "" },
            if i + 1 == n { " disabled" } else { "" }
        );
    }
    nav
}

/// Once `revealed`, the strong answer and the buttons to play it; before,
/// the button that shows it.
fn answer_part(iv: &Interview, revealed: bool) -> Markup {
    let mut rest = Markup::new();
    if revealed {
        rest.lit("<div id=\"iv-strong\" class=\"strong-answer\">");
        strong_answer(&mut rest, iv);
        rest.lit("<div class=\"share-row\"><button id=\"iv-compare\" class=\"primary\" data-act=\"both\">See both side by side</button><button id=\"iv-see-answer\" data-act=\"answer\">Watch the strong answer work</button><button id=\"iv-see-mistake\" data-act=\"mistake\">Watch the mistake go wrong</button></div></div>");
    } else {
        rest.lit("<button id=\"iv-reveal\" data-act=\"reveal\">Show the strong answer</button>");
    }
    rest
}
