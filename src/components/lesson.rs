//! The lesson panel beside the lab: the step's few sentences, the part of
//! the page it points at, its prediction (choices, then the run plays to
//! the answer and a line says why), and the way through the lesson.
//! Everything it shows comes from the lesson data and the run on screen:
//! an answer is scored against the run (`Prediction::right_choice`).
//!
//! Written as text (`raw.rs`): one escaped `Markup` node and one listener
//! for all its buttons (each names what it does in `data-act`), about
//! 3 KB gzipped less than the same panel in `html!` in every lab page.

use super::raw::{attr_of, raw, refocus};
use crate::markup::{Markup, Text};
use crate::state::{Action, AppState};
use faultline_sim::lesson::{LessonStep, Prediction};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The class that marks the panel a step points at.
const POINTED: &str = "pointed";

/// Mark the element `id` (and only it) as the one the step points at.
fn point_at(id: Option<&'static str>) {
    let doc = gloo::utils::document();
    if let Ok(marked) = doc.query_selector_all(".pointed") {
        for i in 0..marked.length() {
            if let Some(el) = marked
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.class_list().remove_1(POINTED);
            }
        }
    }
    if let Some(el) = id.and_then(|id| doc.get_element_by_id(id)) {
        let _ = el.class_list().add_1(POINTED);
    }
}

/// What a click on one of the panel's buttons does.
fn act(what: &str, step: usize, on: &Callback<Action>) {
    let (verb, arg) = what.split_once(':').unwrap_or((what, ""));
    let action = match verb {
        "back" => Action::LessonStep(step.saturating_sub(1)),
        "next" => Action::LessonStep(step + 1),
        "finish" => Action::FinishLesson,
        "close" => Action::CloseLesson,
        "return" => Action::LessonStep(step),
        "choice" => match arg.parse() {
            Ok(i) => Action::Predict(i),
            Err(_) => return,
        },
        "show" => match arg.parse() {
            Ok(n) => Action::Seek(n),
            Err(_) => return,
        },
        "look" => {
            if let Some(el) = gloo::utils::document().get_element_by_id(arg) {
                el.scroll_into_view();
            }
            return;
        }
        _ => return,
    };
    // The panel is redrawn: the focus goes back to the button it was on.
    refocus(format!("#lesson-panel [data-act=\"{what}\"]"));
    on.emit(action);
}

/// Mark the panel the lesson step on screen points at (none off script),
/// after every draw of the lab: its panels are redrawn, and one drawn
/// later (the lower panels on a first load) must get its mark too.
#[hook]
pub fn use_pointed(s: &AppState) {
    let pointed = s
        .lesson_step()
        .filter(|_| s.on_script())
        .and_then(|(_, _, st)| st.point)
        .map(|pt| pt.element_id());
    use_effect(move || {
        point_at(pointed);
        move || point_at(None)
    });
}

/// The panel (a plain function, not a component: each component costs
/// about 1 KB of WebAssembly in Yew's glue).
pub fn lesson_panel(s: &AppState, on: &Callback<Action>) -> Html {
    let Some((lesson, step, st)) = s.lesson_step() else {
        return html! {
            <section class="panel lesson" id="lesson-panel" aria-busy="true">
                <p class="hint">{ "Loading the lesson…" }</p>
            </section>
        };
    };
    let last = lesson.steps.len() - 1;
    let mut m = Markup::new();
    markup!(
        m,
        "<p class=\"lesson-kicker\">Lesson · {}</p><h2 id=\"lesson-h\">{}</h2><p class=\"hint\" id=\"lesson-progress\">Step {} of {}</p>",
        Text(&lesson.title),
        Text(&st.title),
        step + 1,
        last + 1
    );
    for t in &st.text {
        markup!(m, "<p>{}</p>", Text(t));
    }
    if s.on_script() {
        if let Some(pt) = st.point {
            markup!(
                m,
                "<p class=\"pointer\">Look at <button class=\"link\" data-act=\"look:{}\">{}</button>.</p>",
                pt.element_id(),
                pt.name()
            );
        }
        prediction(&mut m, s, &lesson.id, step, st);
    } else {
        m.lit("<p class=\"off-script\" role=\"status\">You changed the run: you are exploring on your own. <button id=\"lesson-return\" data-act=\"return\">Back to this step</button></p>");
    }
    markup!(
        m,
        "<div class=\"lesson-nav\" role=\"group\" aria-label=\"Lesson steps\"><button id=\"lesson-back\" data-act=\"back\"{}>◀ Previous</button>{}<button id=\"lesson-close\" class=\"link\" data-act=\"close\">Leave the lesson</button></div>",
        if step == 0 { " disabled" } else { "" },
        if step < last {
            "<button id=\"lesson-next\" class=\"primary\" data-act=\"next\">Next ▶</button>"
        } else {
            "<button id=\"lesson-next\" class=\"primary\" data-act=\"finish\">Finish</button>"
        }
    );
    let on = on.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        if let Some(what) = attr_of(&e, "data-act") {
            act(&what, step, &on);
        }
    });
    html! {
        <section class="panel lesson" id="lesson-panel" aria-labelledby="lesson-h" {onclick}>{ raw(m) }</section>
    }
}

/// The step's question: its choices until answered; once the run has
/// played to where it shows the answer, whether the learner was right,
/// and why.
fn prediction(m: &mut Markup, s: &AppState, lesson: &str, step: usize, st: &LessonStep) {
    let Some(p) = &st.predict else {
        return;
    };
    let reveal = p.reveal_in(&s.run);
    let answered = s.answer(lesson, step);
    markup!(
        m,
        "<fieldset class=\"predict\" id=\"lesson-predict\"><legend>Predict: {}</legend><ul class=\"choices\">",
        Text(&p.question)
    );
    for (i, c) in p.choices.iter().enumerate() {
        markup!(
            m,
            "<li><button class=\"choice\" data-act=\"choice:{}\" aria-pressed=\"{}\"{}>{}</button></li>",
            i,
            if answered == Some(i) { "true" } else { "false" },
            if answered.is_some() { " disabled" } else { "" },
            Text(&c.text)
        );
    }
    m.lit("</ul><div class=\"lesson-verdict\" id=\"lesson-verdict\" aria-live=\"polite\">");
    let shown = reveal.is_some_and(|r| s.cursor >= r);
    match (answered, shown) {
        (Some(a), true) => verdict(m, p, a, s),
        (Some(_), false) if !s.playing => {
            markup!(
                m,
                "<button id=\"lesson-show\" data-act=\"show:{}\">Show me the answer</button>",
                reveal.unwrap_or(0)
            );
        }
        (Some(_), false) => {
            m.lit("<p class=\"hint\">Watch the run…</p>");
        }
        (None, _) => {}
    }
    m.lit("</div></fieldset>");
}

fn verdict(m: &mut Markup, p: &Prediction, answered: usize, s: &AppState) {
    match p.right_choice(&s.run) {
        Some(r) if r == answered => {
            m.lit("<p class=\"result right\"><strong>Right.</strong> ");
        }
        Some(r) => {
            markup!(
                m,
                "<p class=\"result wrong\"><strong>Not this time: {}.</strong> ",
                Text(&p.choices[r].text)
            );
        }
        None => {
            m.lit("<p class=\"result wrong\"><strong>This run does not settle it.</strong> ");
        }
    }
    markup!(m, "{}</p>", Text(&p.why));
}
