//! Faultline's web app: a thin Yew view over the pure simulation in
//! `faultline-sim`. See ARCHITECTURE.md.

#[macro_use]
mod markup;

mod app;
mod browser;
mod components;
mod export;
mod first_run;
mod fmt;
mod guide;
mod helper;
mod hooks;
mod panic;
mod platform;
mod presenter;
mod reduce;
mod route;
mod share;
mod state;

/// Talc in place of dlmalloc: smaller in the wasm, as fast here.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// The lessons files' version (build.rs): their content's hash.
include!(concat!(env!("OUT_DIR"), "/lessons_version.rs"));

fn main() {
    panic::install();
    // The page's static first paint (its lab shell)
    // goes in the task of the app's first render, so no frame shows both
    // or neither (Yew's mount clears <body> as well; removing the shell by
    // name says so here). Tasks of their own, too: the wasm's compilation
    // finishing, the opened run's simulation (`first_run`) and the first
    // render do not add up to one long task.
    gloo::timers::callback::Timeout::new(0, || {
        if browser::forward_to_its_page() {
            return; // a link to another lab's run: the browser is leaving
        }
        let start = || {
            components::shell::remove_static_shell();
            yew::Renderer::<app::App>::new().render();
            // An explorer link: its work starts once the run is drawn.
            #[cfg(feature = "explorer")]
            route::start_asked_work();
        };
        // The opened run is simulated first, in tasks of its own (a long
        // run is sliced by the app, with a progress bar).
        let opened = route::first_scenario();
        if opened.bounds.max_events > state::SLICED_ABOVE_EVENTS {
            start();
        } else {
            first_run::prepare(opened, start);
        }
    })
    .forget();
}
