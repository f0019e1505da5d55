//! The page chrome (skip link and top bar) and each lab page's static
//! first paint.
//!
//! Each lab page (`pages/<lab>/index.html`) ships, inside `#shell`, the
//! lab's frame rendered from `lab_shell` by a native test (`pages.rs`;
//! `FAULTLINE_BLESS=1 cargo test -p faultline static_pages` rewrites
//! them), so text paints before the WebAssembly arrives. Its preset chips
//! are real links and a tap on Play is kept (the page's head script) and
//! played once the app starts (`app.rs`), so no tap on it is lost. The app
//! removes the whole static shell in the task of its first render
//! (`main`), so no frame shows both, and nothing on screen moves: the
//! app's page is new elements, not the shell's shifted.

#[cfg(test)]
use super::controls::{controls, Props as ControlsProps};
#[cfg(test)]
use faultline_sim::lab::LabInfo;
use yew::prelude::*;

/// The id of the static shell's container in `index.html`.
pub const SHELL_ID: &str = "shell";

/// The skip link and the top bar: on every page, and in the static shell.
/// The landing page (no wasm, no shortcuts) has no help button.
pub fn chrome(
    skip_to_main: Callback<MouseEvent>,
    toggle_help: Option<Callback<MouseEvent>>,
) -> Html {
    html! {
        <>
            <a class="skip" href="#main" onclick={skip_to_main}>{ "Skip to content" }</a>
            // A banner landmark: all content sits in a landmark (axe `region`).
            <header class="topbar">
                <span class="brand">{ "Faultline" }</span>
                if let Some(onclick) = toggle_help {
                    <button id="help-button" class="link" {onclick} aria-label="Keyboard shortcuts">{ "Keyboard: ?" }</button>
                }
            </header>
        </>
    }
}

/// The lab page's frame while its run is not there yet: the same header,
/// controls and first panels as `LabView`, with no run in them. (Only the
/// native test renders it, into the lab's page: it costs the wasm
/// nothing.) The presets that fit the row are there from the first paint,
/// as links to each preset (the app opens the hash it finds); Play is
/// enabled, and a tap on it is played once the app starts. Only the first
/// `SHELL_CHIPS` presets: more never fit one row, even on a projector,
/// and the app draws its own row (the rest in a menu). The chips carry
/// no explanation (`title`): the app's own chips do, and in the page's
/// first load the explanations of 35 presets cost 2-3 KB gzipped.
#[cfg(test)]
pub const SHELL_CHIPS: usize = 10;

#[cfg(test)]
pub fn lab_shell(lab: &LabInfo) -> Html {
    let chips = lab.presets.iter().take(SHELL_CHIPS).map(|pr| {
        html! {
            <li><a class="preset" data-preset={pr.id} href={format!("#lab={}&preset={}", lab.id, pr.id)}>{ pr.title }</a></li>
        }
    });
    html! {
        <>
            { chrome(Callback::noop(), Some(Callback::noop())) }
            <main class="lab" aria-busy="true">
                <header class="lab-head">
                    <a class="link back" href="../">{ "← All labs" }</a>
                    <h1>{ lab.title }</h1>
                    <button aria-pressed="false">{ "Projector view (P)" }</button>
                </header>
                <nav class="presets" aria-label="Scenarios">
                    <div class="preset-strip">
                        <ul id="preset-row">{ for chips }</ul>
                    </div>
                    <p class="hint explanation">{ "Loading the simulation." }</p>
                </nav>
                { controls(&ControlsProps { playing: false, cursor: 0, last: 0, time_ms: 0, speed: 1.0, on: Callback::noop(), ready: true }) }
                <div class="stage">
                    <section class="panel diagram">
                        <h2>{ "Messages" }</h2>
                        <div class="diagram-scroll shell-diagram"></div>
                    </section>
                    <div class="side">
                        <section class="panel narration">
                            <p class="narration-line"></p>
                        </section>
                    </div>
                </div>
            </main>
        </>
    }
}

/// Remove the static shell (the app has rendered the real page).
pub fn remove_static_shell() {
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(SHELL_ID))
    {
        shell.remove();
    }
}
