//! The run a page opens with, simulated before the app's first render in
//! short tasks of its own (`prepare`), then handed to the state that shows
//! it (`take`, called by `state::run_of`).
//!
//! A cold page compiles each wasm function on its first call. Simulated
//! inside the first render, the OAuth lab's run (its ES256 signatures and
//! checks) made that render one task of about 60 ms on a slow machine; in
//! slices of a few milliseconds the page keeps answering meanwhile (its
//! static shell's taps are kept and replayed) and the render task is
//! shorter. The run is the same either way: slicing never changes a run
//! (`faultline-sim/tests/sliced.rs`).

use faultline_sim::engine::Simulation;
use faultline_sim::scenario::Scenario;
use faultline_sim::Run;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;

/// Work per slice, in milliseconds of the page's clock: the slice ends
/// after the event that crosses it.
const SLICE_MS: f64 = 6.0;

thread_local! {
    static PREPARED: RefCell<Option<(Scenario, Rc<Run>, f64)>> = const { RefCell::new(None) };
}

/// Simulate `scenario` a slice per task, keep the run for `take`, then
/// call `then` in a task of its own. A run that cannot start goes
/// straight to `then` (the app says why). Not for a long run: the app
/// slices those itself, with a progress bar (`state::SLICED_ABOVE_EVENTS`).
pub fn prepare(scenario: Scenario, then: impl FnOnce() + 'static) {
    match faultline_sim::registry::start(&scenario) {
        Ok(sim) => next_slice(sim, scenario, 0.0, Box::new(then)),
        Err(_) => then(), // the app says why, as for any run
    }
}

fn next_slice(mut sim: Simulation, scenario: Scenario, ms: f64, then: Box<dyn FnOnce()>) {
    Timeout::new(0, move || {
        let t0 = crate::platform::now_ms();
        let mut over = false;
        while !over && crate::platform::now_ms() - t0 < SLICE_MS {
            over = sim.advance(1);
        }
        if !over {
            return next_slice(sim, scenario, ms + crate::platform::now_ms() - t0, then);
        }
        let run = Rc::new(sim.finish());
        let ms = ms + crate::platform::now_ms() - t0;
        PREPARED.with(|p| *p.borrow_mut() = Some((scenario, run, ms)));
        Timeout::new(0, then).forget();
    })
    .forget();
}

/// The prepared run, once, if it is `scenario`'s: with the milliseconds
/// its simulation took.
pub fn take(scenario: &Scenario) -> Option<(Rc<Run>, f64)> {
    PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        match p.take() {
            Some((s, run, ms)) if s == *scenario => Some((run, ms)),
            other => {
                *p = other;
                None
            }
        }
    })
}
