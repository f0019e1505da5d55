//! The learner's progress, as kept in this browser: how many predictions
//! they answered, the lessons they finished with their scores, their
//! interview answers; and the ways to carry it (export and import as a
//! file, read with the same checks as the stored record) or erase it
//! (asked again in a disclosure).

use super::raw::{attr_of, raw, refocus};
use crate::markup::Markup;
use crate::state::{Action, Notice};
use faultline_sim::progress::{Progress, MAX_BYTES};
use std::rc::Rc;
use yew::prelude::*;

thread_local! {
    /// The imported file being read (kept alive until it is read).
    static READING: std::cell::RefCell<Option<gloo::file::callbacks::FileReader>> =
        const { std::cell::RefCell::new(None) };
}

fn export(progress: &Progress, on: &Callback<Action>) {
    let text = progress.to_json();
    if let Err(why) = crate::browser::download("faultline-progress.json", "application/json", &text)
    {
        on.emit(Action::Notify(Notice {
            text: format!("The progress file could not be saved: {why}."),
            is_error: true,
        }));
    }
}

/// The panel's text: the figures, each finished lesson, the buttons (a
/// reset is asked again in a disclosure: no state of its own).
fn body(pr: &Progress) -> Markup {
    let mut out = Markup::new();
    markup!(
        out,
        "<p id=\"progress-summary\">Predictions answered: {} · lessons finished: {} · interview answers: {}.</p>",
        pr.answers.len(),
        pr.finished.len(),
        pr.notes.len()
    );
    if !pr.finished.is_empty() {
        out.lit("<ul id=\"progress-lessons\">");
        for f in &pr.finished {
            markup!(
                out,
                "<li>{} lesson \"{}\": {} of {} predictions right</li>",
                f.lab,
                f.lesson,
                f.right,
                f.asked
            );
        }
        out.lit("</ul>");
    }
    out.lit("<p class=\"hint\">Kept in this browser only, for every lab. Export it to move it to another browser.</p><div class=\"share-row\"><button id=\"progress-export\" data-act=\"export\">Export progress</button><label class=\"file\">Import progress <input id=\"progress-import\" type=\"file\" accept=\"application/json,.json\"></label>");
    if pr.is_empty() {
        out.lit("<button id=\"progress-reset\" disabled>Reset progress…</button>");
    } else {
        out.lit("<details id=\"progress-reset-ask\"><summary id=\"progress-reset\">Reset progress…</summary>Erase all progress? <button id=\"progress-reset-yes\" data-act=\"erase\">Erase</button> <button id=\"progress-reset-no\" data-act=\"keep\">Keep it</button></details>");
    }
    out.lit("</div>");
    out
}

/// Close the reset question.
fn keep() {
    if let Some(d) = gloo::utils::document().get_element_by_id("progress-reset-ask") {
        let _ = d.remove_attribute("open");
    }
    refocus("#progress-reset".into());
}

pub fn progress_panel(progress: &Rc<Progress>, on: &Callback<Action>) -> Html {
    // The file field's change bubbles to the panel: one listener.
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let file = input.files().and_then(|l| l.get(0));
            input.set_value("");
            let Some(file) = file else { return };
            if file.size() > MAX_BYTES as f64 {
                on.emit(Action::ImportProgress(Err(
                    "it is too large to be a progress file".into(),
                )));
                return;
            }
            let on = on.clone();
            let task = gloo::file::callbacks::read_as_text(&file.into(), move |text| {
                let read = text
                    .map_err(|e| e.to_string())
                    .and_then(|t| Progress::parse(&t).map_err(|e| e.to_string()));
                on.emit(Action::ImportProgress(read));
            });
            READING.with(|r| *r.borrow_mut() = Some(task));
        })
    };
    // One listener for the buttons (each names its act).
    let onclick = {
        let (on, pr) = (on.clone(), progress.clone());
        Callback::from(
            move |e: MouseEvent| match attr_of(&e, "data-act").as_deref() {
                Some("export") => export(&pr, &on),
                Some("keep") => keep(),
                Some("erase") => {
                    on.emit(Action::ResetProgress);
                    refocus("#progress-export".into());
                }
                _ => {}
            },
        )
    };
    html! {
        <section class="panel progress" aria-labelledby="progress-h" {onclick} {onchange}>
            <h2 id="progress-h">{ "Your progress" }</h2>
            { raw(body(progress)) }
        </section>
    }
}
