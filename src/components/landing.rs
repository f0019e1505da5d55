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
    /// Each lab's first guided lesson, in the same order (its lessons
    /// file's first).
    pub lessons: Vec<Option<FirstLesson>>,
}

/// A lab's first lesson: its id (for the link) and title.
#[derive(PartialEq, Clone, Debug)]
pub struct FirstLesson {
    pub id: String,
    pub title: String,
}

pub fn landing(p: &Props) -> Html {
    let cards = p.labs.iter().enumerate().map(|(i, l)| {
        let id = l.id;
        let lesson = p.lessons.get(i).and_then(Option::as_ref).map(|ls| {
            html! {
                <a class="button" data-lesson={ls.id.clone()} href={format!("{id}/#lab={id}&lesson={}&ls=0", ls.id)}
                    aria-label={format!("Take the guided lesson: {}", ls.title)}>{ "Take the guided lesson" }</a>
            }
        });
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
                { for lesson }
            </li>
        }
    });
    html! {
        <main id="main" class="landing" tabindex="-1">
            <h1>{ "Faultline" }</h1>
            <p class="lead">{ "Break a distributed system on purpose and watch what happens. Every run here is a simulation in your browser: lose a message, slow a server, crash a service, then step through the consequences one event at a time." }</p>
            <ul class="labs">{ for cards }</ul>
            <section class="overview" aria-labelledby="overview-h">
                <h2 id="overview-h">{ "Where to start" }</h2>
                <p>{ "The three labs tell one story from three sides: a network that loses and delays messages, and services that must stay correct anyway." }</p>
                <ul>
                    <li><strong>{ "Payments" }</strong>{ ": a timeout does not mean the request failed, so clients retry, and an idempotency key is what keeps a retry from charging twice." }</li>
                    <li><strong>{ "OAuth" }</strong>{ ": an app gets limited access with a token instead of your password; OpenID Connect adds who you are." }</li>
                    <li><strong>{ "Sagas" }</strong>{ ": when one change spans several services, a global lock (two-phase commit) blocks on a crash, while a saga moves step by step and undoes what it must." }</li>
                </ul>
                <p>{ "Each guided lesson walks through one lab a step at a time and asks you to predict what happens before the run shows it." }</p>
            </section>
        </main>
    }
}
