//! Interview practice: read the question, write an answer, then compare it
//! with the strong answer and watch both the answer and the common mistake
//! play out as runs.

use crate::markup::Markup;
use crate::state::Action;
use faultline_sim::lab::Interview;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub interview: Interview,
    pub lab: &'static str,
    pub on: Callback<Action>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        self.interview.question == o.interview.question && self.lab == o.lab
    }
}

fn load(on: &Callback<Action>, lab: &'static str, preset: &'static str) -> Callback<MouseEvent> {
    on.reform(move |_| match faultline_sim::preset(lab, preset) {
        Some(scenario) => Action::Load {
            scenario,
            cursor: 0,
            preset: Some(preset.to_string()),
            notice: None,
        },
        None => Action::Notify(crate::state::Notice {
            text: format!("The scenario \"{preset}\" is missing."),
            is_error: true,
        }),
    })
}

/// The strong answer, why it works and the common mistake, as HTML text
/// (escaped): text only, cheaper in WebAssembly than `html!`.
fn strong_answer(iv: &Interview) -> Html {
    let mut out = Markup::new();
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
    out.into_html()
}

#[component]
pub fn InterviewPanel(p: &Props) -> Html {
    let revealed = use_state(|| false);
    let iv = &p.interview;
    let reveal = {
        let revealed = revealed.clone();
        Callback::from(move |_| revealed.set(true))
    };
    html! {
        <section class="panel interview" aria-labelledby="iv-h">
            <h2 id="iv-h">{ "Interview practice" }</h2>
            <p class="question">{ iv.question }</p>
            <label for="iv-answer" class="hint">{ "Your answer (stays on this page, nothing is sent or saved)" }</label>
            <textarea id="iv-answer" rows="3" />
            if *revealed {
                <div id="iv-strong" class="strong-answer">
                    { strong_answer(iv) }
                    <div class="share-row">
                        <button id="iv-see-answer" onclick={load(&p.on, p.lab, iv.answer_preset)}>{ "Watch the strong answer work" }</button>
                        <button id="iv-see-mistake" onclick={load(&p.on, p.lab, iv.mistake_preset)}>{ "Watch the mistake go wrong" }</button>
                    </div>
                </div>
            } else {
                <button id="iv-reveal" onclick={reveal}>{ "Show the strong answer" }</button>
            }
        </section>
    }
}
