//! The page chrome (skip link and top bar) and the static first paint.
//!
//! `index.html` ships, between its `shell` markers, the landing page and a
//! lab shell rendered from these functions by a native test (Yew's server
//! renderer; `FAULTLINE_BLESS=1 cargo test -p faultline static_shell`
//! rewrites them), so text paints before the WebAssembly arrives. A tiny
//! inline script in `index.html` marks `<html class="permalink">` when the
//! URL has a hash, and the stylesheet then shows the lab shell instead of
//! the landing text: a permalink never paints the landing page first. The
//! app removes the whole static shell in the task of its first render
//! (`main`), so no frame shows both, and nothing on screen moves: the app's
//! page is new elements, not the shell's shifted.

#[cfg(test)]
use super::controls::{controls, Props as ControlsProps};
#[cfg(test)]
use super::landing::{landing, Props as LandingProps};
#[cfg(test)]
use faultline_sim::lab::LabInfo;
use yew::prelude::*;

/// The id of the static shell's container in `index.html`.
pub const SHELL_ID: &str = "shell";

/// The skip link and the top bar: on every page, and in the static shell.
pub fn chrome(skip_to_main: Callback<MouseEvent>, toggle_help: Callback<MouseEvent>) -> Html {
    html! {
        <>
            <a class="skip" href="#main" onclick={skip_to_main}>{ "Skip to content" }</a>
            // A banner landmark: all content sits in a landmark (axe `region`).
            <header class="topbar">
                <span class="brand">{ "Faultline" }</span>
                <button id="help-button" class="link" onclick={toggle_help} aria-label="Keyboard shortcuts">{ "Keyboard: ?" }</button>
            </header>
        </>
    }
}

/// The lab page's frame while its run is not there yet: the same header,
/// controls and first panels as `LabView`, with no run in them. (Only the
/// native test renders it, into index.html: it costs the wasm nothing.)
///
/// Its heading is the lab's own title from the first paint: the script in
/// `index.html`'s head watches the parser and, as soon as the heading is
/// there (the `#shell-titles` template before it), puts in the title of
/// the link's lab, before anything is painted. The largest paint is then
/// the first (an element counts for it only as first painted: a
/// placeholder replaced later would not).
#[cfg(test)]
pub fn lab_shell(labs: &[LabInfo]) -> Html {
    let titles = labs
        .iter()
        .map(|l| html! { <span data-lab={l.id}>{ l.title }</span> });
    html! {
        <main class="lab" aria-busy="true">
            <template id="shell-titles">{ for titles }</template>
            <header class="lab-head">
                <button class="link back">{ "← All labs" }</button>
                <h1 id="shell-title">{ "Opening the lab…" }</h1>
                <button aria-pressed="false">{ "Projector view (P)" }</button>
            </header>
            <nav class="presets" aria-label="Scenarios">
                <p class="hint explanation">{ "Loading the simulation this link describes." }</p>
            </nav>
            { controls(&ControlsProps { playing: false, cursor: 0, last: 0, time_ms: 0, speed: 1.0, on: Callback::noop(), ready: false }) }
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
    }
}

/// What `index.html` carries for the first paint: the chrome, the landing
/// page (shown without a hash) and the lab shell (shown with one).
#[cfg(test)]
pub fn static_shell(labs: Vec<LabInfo>) -> Html {
    let lab = lab_shell(&labs);
    html! {
        <>
            { chrome(Callback::noop(), Callback::noop()) }
            <div class="shell-landing">{ landing(&LandingProps { labs, on_open: Callback::noop() }) }</div>
            <div class="shell-lab">{ lab }</div>
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

#[cfg(test)]
mod tests {
    use super::super::tests::render;
    use yew::prelude::*;

    const START: &str = "<!-- shell: written by `FAULTLINE_BLESS=1 cargo test -p faultline static_shell` from src/components/shell.rs; do not edit by hand -->";
    const END: &str = "<!-- /shell -->";

    /// The labs the wasm ships: labs behind cargo features that only tests
    /// enable (`testlab`) are compiled into a workspace test run
    /// but never into the web build.
    fn shipped_labs() -> Vec<faultline_sim::lab::LabInfo> {
        faultline_sim::labs()
            .into_iter()
            .filter(|l| !faultline_sim::registry::TEST_ONLY.contains(&l.id))
            .collect()
    }

    #[component]
    fn Shell() -> Html {
        super::static_shell(shipped_labs())
    }

    /// The block between the markers, as it should be now.
    fn expected_block() -> String {
        let html = render::<Shell>(());
        format!(
            "{START}\n    <div id=\"{}\" inert>{html}</div>\n    {END}",
            super::SHELL_ID
        )
    }

    #[test]
    fn static_shell_in_index_html_is_what_the_components_render() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/index.html");
        let index = std::fs::read_to_string(path).expect("index.html");
        let start = index
            .find(START)
            .expect("index.html has the shell start marker");
        let end = index[start..]
            .find(END)
            .expect("index.html has the shell end marker")
            + start
            + END.len();
        let expected = expected_block();
        if index[start..end] == expected {
            return;
        }
        if std::env::var("FAULTLINE_BLESS").as_deref() == Ok("1") {
            let updated = format!("{}{expected}{}", &index[..start], &index[end..]);
            std::fs::write(path, updated).expect("write index.html");
            eprintln!("static_shell: index.html rewritten");
            return;
        }
        panic!(
            "index.html's static shell is stale: the landing page or the lab shell changed.\n\
             Run `FAULTLINE_BLESS=1 cargo test -p faultline static_shell` and commit index.html.\n\
             expected:\n{expected}\nfound:\n{}",
            &index[start..end]
        );
    }

    #[test]
    fn static_shell_carries_the_landing_text_and_every_shipped_lab() {
        let html = expected_block();
        assert!(
            html.contains("Break a distributed system on purpose"),
            "the landing's lead"
        );
        for lab in shipped_labs() {
            assert!(
                html.contains(lab.title) && html.contains(lab.tagline),
                "{}'s card",
                lab.id
            );
        }
        assert!(!html.contains("Toy"), "no test-only lab");
        assert!(
            html.contains("class=\"shell-lab\"") && html.contains("Opening the lab"),
            "the lab shell"
        );
    }
}
