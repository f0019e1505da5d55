//! The narration: what just happened and why, in an ARIA live region, plus
//! the recent steps as a clickable log.

use super::raw::{attr_of, raw, refocus};
use crate::markup::Markup;
use crate::state::Action;
use faultline_sim::trace::{Flight, Step};
use faultline_sim::Run;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub run: Rc<Run>,
    pub cursor: u32,
    pub on: Callback<Action>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run) && self.cursor == o.cursor
    }
}

#[component]
pub fn Narration(p: &Props) -> Html {
    // The token cards follow the step once the learner has opened one
    // (after the inspector is drawn, so their box is in the page).
    use_effect_with((Rc::as_ptr(&p.run) as usize, p.cursor), {
        let run = p.run.clone();
        move |&(_, cursor)| follow_tokens(&run, cursor)
    });
    let step = p.run.steps.get(p.cursor as usize);
    let text = step.map_or(String::new(), |s| said_at(&p.run, s));
    let log = recent_steps(&p.run, p.cursor);
    let on_log = on_log_click(p.cursor, p.on.clone());
    // The message this step handled, as raw HTTP-like text.
    let message = step
        .and_then(|s| s.flight)
        .and_then(|f| p.run.flights.get(f as usize))
        .map(|fl| {
            super::inspector::inspector(&super::inspector::Props {
                title: message_title(&p.run, fl),
                message: fl.message.get(),
            })
        });
    #[cfg(feature = "tokens")]
    let paste = super::token::paste_token();
    #[cfg(not(feature = "tokens"))]
    let paste = Html::default();
    html! {
        <section class="panel narration" id="narration-panel" aria-labelledby="narr-h">
            <h2 id="narr-h" class="visually-hidden">{ "What just happened" }</h2>
            <p id="narration" class="narration-line" aria-live="polite" aria-atomic="true">{ text }</p>
            { for message }
            { paste }
            <ol class="log" aria-label="Recent steps" onclick={on_log}>{ for log }</ol>
        </section>
    }
}

/// What step `s` narrates, or its summary if it says nothing.
fn said_at(run: &Run, s: &Step) -> String {
    let said = run.narration(s);
    if said.is_empty() {
        run.summary(s)
    } else {
        said.join(" ")
    }
}

/// The recent steps up to `cursor`, newest first, one keyed entry each.
fn recent_steps(run: &Run, cursor: u32) -> Vec<Html> {
    // The recent steps, newest first, as HTML text (escaped): one listener
    // on the list serves every button (`raw`), and the text is far less
    // WebAssembly than `html!`. Each button carries its step; each entry is
    // a node keyed by its step, so a step forward adds one entry, drops one
    // and redraws the two whose "current" mark moved.
    let from = cursor.saturating_sub(6) as usize;
    let to = (cursor as usize).min(run.steps.len().saturating_sub(1));
    run.steps[from..=to]
        .iter()
        .rev()
        .map(|s| log_entry(run, s, s.index == cursor))
        .collect()
}

/// One entry of the log: a button to seek to step `s`, keyed by its step.
fn log_entry(run: &Run, s: &Step, current: bool) -> Html {
    let mut entry = Markup::new();
    markup!(
        entry,
        "<li{}><button class=\"link\" data-step=\"{}\"{}>#{} · {}.{:03} s · ",
        if current { " class=\"current\"" } else { "" },
        s.index,
        if current {
            " aria-current=\"step\""
        } else {
            ""
        },
        s.index,
        s.time / 1000,
        s.time % 1000
    );
    entry.text(&run.summary(s));
    entry.lit("</button></li>");
    Html::VList(Rc::new(yew::virtual_dom::VList::with_children(
        vec![raw(entry)],
        Some(yew::virtual_dom::Key::from(s.index as usize)),
    )))
}

/// The log's one click listener: seek to the clicked entry's step.
fn on_log_click(cursor: u32, on: Callback<Action>) -> Callback<MouseEvent> {
    // A seek rewrites the list: the focus goes back to the button at the
    // same place in it, where `html!` kept it (the newest step is first).
    Callback::from(move |e: MouseEvent| {
        if let Some(i) = attr_of(&e, "data-step").and_then(|v| v.parse::<u32>().ok()) {
            refocus(format!(
                ".log li:nth-child({}) button",
                cursor.saturating_sub(i) + 1
            ));
            on.emit(Action::Seek(i));
        }
    })
}

/// The inspector's title for message `fl`: who sent it to whom, and its note.
fn message_title(run: &Run, fl: &Flight) -> String {
    let from = &run.actors[fl.from as usize].title;
    let to = &run.actors[fl.to as usize].title;
    format!(
        "Message: {from} → {to}{}",
        fl.note
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    )
}

/// The step on screen, for the token cards (pages whose lab has tokens).
fn follow_tokens(run: &Rc<Run>, cursor: u32) {
    #[cfg(feature = "tokens")]
    super::token::follow(run, cursor);
    #[cfg(not(feature = "tokens"))]
    let _ = (run, cursor);
}
