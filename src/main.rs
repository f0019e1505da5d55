//! Faultline's web app: a thin Yew view over the pure simulation in
//! `faultline-sim`. See ARCHITECTURE.md.

mod app;
mod browser;
mod components;
mod export;
mod fmt;
mod panic;
mod platform;
mod state;

/// Talc in place of dlmalloc: smaller in the wasm, as fast here.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    panic::install();
    // index.html's static first paint (the landing text or the lab shell)
    // goes in the task of the app's first render, so no frame shows both
    // or neither (Yew's mount clears <body> as well; removing the shell by
    // name says so here). A task of its own, too: the wasm's compilation
    // finishing and the first render do not add up to one long task.
    gloo::timers::callback::Timeout::new(0, || {
        components::shell::remove_static_shell();
        yew::Renderer::<app::App>::new().render();
    })
    .forget();
    // Claim the heap a large run needs once, soon after start: growing wasm
    // memory in the middle of the first re-simulation after a fault click
    // made that click twice as slow as the ones after it. 32 MB since
    // Payments model 3 (its 1,000-event run keeps more timers): first
    // clicks of 8-25 ms against 15-27 ms with 16 MB, on a noisy machine.
    // In a task of its own once the page is drawn, not while it loads.
    #[cfg(target_family = "wasm")]
    gloo::timers::callback::Timeout::new(300, || {
        drop(std::hint::black_box(Vec::<u8>::with_capacity(32 << 20)));
    })
    .forget();
}
