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

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
