//! The lesson panel beside the lab: the step's few sentences, the part of
//! the page it points at, its prediction (choices, then the run plays to
//! the answer and a line says why), and the way through the lesson.
//! Everything it shows comes from the lesson data and the run on screen:
//! an answer is scored against the run (`Prediction::right_choice`).

use crate::state::{Action, AppState};
use faultline_sim::lesson::{LessonStep, Prediction};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub state: Rc<AppState>,
    pub on: Callback<Action>,
}

/// The class that marks the panel a step points at.
const POINTED: &str = "pointed";

/// Mark the element `id` (and only it) as the one the step points at.
fn point_at(id: Option<&'static str>) {
    let doc = gloo::utils::document();
    if let Ok(marked) = doc.query_selector_all(&format!(".{POINTED}")) {
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

fn scroll_to(id: &'static str) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        if let Some(el) = gloo::utils::document().get_element_by_id(id) {
            el.scroll_into_view();
        }
    })
}

#[component]
pub fn LessonPanel(p: &Props) -> Html {
    let s = &p.state;
    let pointed = s
        .lesson_step()
        .filter(|_| s.on_script())
        .and_then(|(_, _, st)| st.point)
        .map(|pt| pt.element_id());
    // After every draw: the lab's panels are redrawn, and a panel drawn
    // later (the lower panels on a first load) must get its mark too.
    use_effect(move || {
        point_at(pointed);
        move || point_at(None)
    });
    let Some((lesson, step, st)) = s.lesson_step() else {
        return html! {
            <section class="panel lesson" id="lesson-panel" aria-busy="true">
                <p class="hint">{ "Loading the lesson…" }</p>
            </section>
        };
    };
    let last = lesson.steps.len() - 1;
    let on = &p.on;
    let back = on.reform(move |_| Action::LessonStep(step - 1));
    let next = if step < last {
        on.reform(move |_| Action::LessonStep(step + 1))
    } else {
        on.reform(|_| Action::FinishLesson)
    };
    let close = on.reform(|_| Action::CloseLesson);
    let again = on.reform(move |_| Action::LessonStep(step));
    let paragraphs = st.text.iter().map(|t| html! { <p>{ t }</p> });
    html! {
        <section class="panel lesson" id="lesson-panel" aria-labelledby="lesson-h">
            <p class="lesson-kicker">{ format!("Lesson · {}", lesson.title) }</p>
            <h2 id="lesson-h">{ &st.title }</h2>
            <p class="hint" id="lesson-progress">{ format!("Step {} of {}", step + 1, last + 1) }</p>
            { for paragraphs }
            if s.on_script() {
                if let Some(pt) = st.point {
                    <p class="pointer">{ "Look at " }<button class="link" onclick={scroll_to(pt.element_id())}>{ pt.name() }</button>{ "." }</p>
                }
                { prediction(s, &lesson.id, step, st, on) }
            } else {
                <p class="off-script" role="status">{ "You changed the run: you are exploring on your own. " }
                    <button id="lesson-return" onclick={again}>{ "Back to this step" }</button></p>
            }
            <div class="lesson-nav" role="group" aria-label="Lesson steps">
                <button id="lesson-back" disabled={step == 0} onclick={back}>{ "◀ Previous" }</button>
                <button id="lesson-next" class="primary" onclick={next}>{ if step < last { "Next ▶" } else { "Finish" } }</button>
                <button id="lesson-close" class="link" onclick={close}>{ "Leave the lesson" }</button>
            </div>
        </section>
    }
}

/// The step's question: its choices until answered; once the run has
/// played to where it shows the answer, whether the learner was right,
/// and why.
fn prediction(
    s: &AppState,
    lesson: &str,
    step: usize,
    st: &LessonStep,
    on: &Callback<Action>,
) -> Html {
    let Some(p) = &st.predict else {
        return Html::default();
    };
    let reveal = p.reveal_in(&s.run);
    let answered = s.answer(lesson, step);
    let shown = reveal.is_some_and(|r| s.cursor >= r);
    let choices = p.choices.iter().enumerate().map(|(i, c)| {
        let pressed = answered == Some(i);
        html! {
            <li><button class="choice" aria-pressed={pressed.to_string()} disabled={answered.is_some()}
                onclick={on.reform(move |_| Action::Predict(i))}>{ &c.text }</button></li>
        }
    });
    let verdict = match (answered, shown) {
        (Some(a), true) => verdict(p, a, s),
        (Some(_), false) if !s.playing => {
            let to = reveal.unwrap_or(0);
            html! { <button id="lesson-show" onclick={on.reform(move |_| Action::Seek(to))}>{ "Show me the answer" }</button> }
        }
        (Some(_), false) => html! { <p class="hint">{ "Watch the run…" }</p> },
        (None, _) => Html::default(),
    };
    html! {
        <fieldset class="predict" id="lesson-predict">
            <legend>{ "Predict: " }{ &p.question }</legend>
            <ul class="choices">{ for choices }</ul>
            <div class="lesson-verdict" id="lesson-verdict" aria-live="polite">{ verdict }</div>
        </fieldset>
    }
}

fn verdict(p: &Prediction, answered: usize, s: &AppState) -> Html {
    let (class, said) = match p.right_choice(&s.run) {
        Some(r) if r == answered => ("right", "Right.".to_string()),
        Some(r) => ("wrong", format!("Not this time: {}.", p.choices[r].text)),
        None => ("wrong", "This run does not settle it.".to_string()),
    };
    html! { <p class={classes!("result", class)}><strong>{ said }</strong>{ " " }{ &p.why }</p> }
}
