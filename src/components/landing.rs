//! The landing page: what Faultline is and the labs that work. Static:
//! the root `index.html` is this page rendered by a native test (no wasm),
//! each lab card a real link to the lab's own page.

use faultline_sim::lab::LabInfo;
use yew::prelude::*;

/// What the landing page shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub labs: Vec<LabInfo>,
}

pub fn landing(p: &Props) -> Html {
    let cards = p.labs.iter().map(|l| {
        let id = l.id;
        html! {
            <li class="lab-card">
                <h2>{ l.title }</h2>
                <p>{ l.tagline }</p>
                <p class="hint">{ format!("{} prepared scenarios · {} faults to inject · {} invariants checked", l.presets.len(), l.palette.len(), l.invariants.len()) }</p>
                // The visible words start the accessible name (WCAG 2.5.3),
                // which then says which lab the link opens.
                <a class="button primary" data-lab={id} href={format!("{id}/")} aria-label={format!("Open the lab: {}", l.title)}>
                    { "Open the lab" }
                </a>
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
