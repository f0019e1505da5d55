//! The landing page: what Faultline is and the labs that work.

use faultline_sim::lab::LabInfo;
use yew::prelude::*;

/// What the landing page shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub labs: Vec<LabInfo>,
    pub on_open: Callback<&'static str>,
}

pub fn landing(p: &Props) -> Html {
    let cards = p.labs.iter().map(|l| {
        let id = l.id;
        let onclick = p.on_open.reform(move |_| id);
        html! {
            <li class="lab-card">
                <h2>{ l.title }</h2>
                <p>{ l.tagline }</p>
                <p class="hint">{ format!("{} prepared scenarios · {} faults to inject · {} invariants checked", l.presets.len(), l.palette.len(), l.invariants.len()) }</p>
                // The visible words start the accessible name (WCAG 2.5.3),
                // which then says which lab the button opens.
                <button class="primary" data-lab={id} {onclick} aria-label={format!("Open the lab: {}", l.title)}>
                    { "Open the lab" }
                </button>
            </li>
        }
    });
    html! {
        <main id="main" class="landing" tabindex="-1">
            <h1>{ "Faultline" }</h1>
            <p class="lead">{ "Break a distributed system on purpose and watch what happens. Every run here is a simulation in your browser: lose a message, slow a server, crash a service, then step through the consequences one event at a time." }</p>
            <ul class="labs">{ for cards }</ul>
        </main>
    }
}
