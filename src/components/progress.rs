//! The learner's progress, as kept in this browser: how many predictions
//! they answered, the lessons they finished with their scores, their
//! interview answers; and the ways to carry it (export and import as a
//! file, read with the same checks as the stored record) or erase it
//! (asked twice).

use super::raw::{attr_of, raw, refocus};
use crate::markup::Markup;
use crate::state::{Action, Notice};
use faultline_sim::progress::{Progress, MAX_BYTES};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub progress: Rc<Progress>,
    pub on: Callback<Action>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.progress, &o.progress)
    }
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

/// The panel's text: the figures, each finished lesson, the buttons.
fn body(pr: &Progress, asking: bool) -> Markup {
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
    if asking {
        out.lit("<span role=\"group\" aria-label=\"Erase all progress?\">Erase all progress? <button id=\"progress-reset-yes\" data-act=\"erase\">Erase</button> <button id=\"progress-reset-no\" data-act=\"keep\">Keep it</button></span>");
    } else if pr.is_empty() {
        out.lit("<button id=\"progress-reset\" disabled>Reset progress…</button>");
    } else {
        out.lit("<button id=\"progress-reset\" data-act=\"ask\">Reset progress…</button>");
    }
    out.lit("</div>");
    out
}

#[component]
pub fn ProgressPanel(p: &Props) -> Html {
    let asking = use_state(|| false);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    // The file field's change bubbles to the panel: one listener.
    let onchange = {
        let on = p.on.clone();
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
            *reader.borrow_mut() = Some(task);
        })
    };
    // One listener for the buttons (each names its act).
    let onclick = {
        let (asking, on, pr) = (asking.clone(), p.on.clone(), p.progress.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(what) = attr_of(&e, "data-act") else {
                return;
            };
            match what.as_str() {
                "export" => export(&pr, &on),
                "ask" => {
                    asking.set(true);
                    refocus("#progress-reset-no".into());
                }
                "keep" => {
                    asking.set(false);
                    refocus("#progress-reset".into());
                }
                "erase" => {
                    asking.set(false);
                    on.emit(Action::ResetProgress);
                    refocus("#progress-export".into());
                }
                _ => {}
            }
        })
    };
    html! {
        <section class="panel progress" aria-labelledby="progress-h" {onclick} {onchange}>
            <h2 id="progress-h">{ "Your progress" }</h2>
            { raw(body(&p.progress, *asking)) }
        </section>
    }
}
