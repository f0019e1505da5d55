//! Playback controls: play/pause, step, restart, speed and the timeline.

use crate::state::{Action, SPEEDS, SPEED_LABELS};
use yew::prelude::*;

/// What the controls show. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub playing: bool,
    pub cursor: u32,
    pub last: u32,
    pub time_ms: u64,
    pub speed: f64,
    pub on: Callback<Action>,
    /// False until the page is fully drawn (the static shell, a link's
    /// first render): Play stays disabled, so "#play:enabled" means ready.
    pub ready: bool,
}

pub fn controls(p: &Props) -> Html {
    let act = |a: fn() -> Action| p.on.reform(move |_| a());
    let on_seek = p.on.reform(|e: InputEvent| {
        let v = e
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .value();
        Action::Seek(v.parse().unwrap_or(0))
    });
    let on_speed = p.on.reform(|e: Event| {
        let v = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value();
        // The option values are SPEED_LABELS: look the speed up rather than
        // parse a float (float parsing costs about 4 KB of WebAssembly).
        let i = SPEED_LABELS.iter().position(|l| *l == v).unwrap_or(2);
        Action::SetSpeed(SPEEDS[i])
    });
    html! {
        <div class="controls" role="group" aria-label="Playback">
            <button id="restart" onclick={act(|| Action::Restart)} title="Restart (Home)" aria-label="Restart">{"↺ Restart"}</button>
            <button id="step-back" onclick={act(|| Action::StepBack)} title="Step back (←)" aria-label="Step back" disabled={p.cursor == 0}>{"◀ Back"}</button>
            <button id="play" class="primary" onclick={act(|| Action::TogglePlay)} title="Play or pause (Space)"
                aria-label={if p.playing { "Pause" } else { "Play" }} disabled={!p.ready}>{ if p.playing { "⏸ Pause" } else { "▶ Play" } }</button>
            <button id="step-fwd" onclick={act(|| Action::StepForward)} title="Step forward (→)" aria-label="Step forward" disabled={p.cursor >= p.last}>{"Step ▶"}</button>
            <label class="speed">{"Speed "}
                <select id="speed" onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().zip(SPEED_LABELS).map(|(s, label)| html! { <option value={label} selected={(*s - p.speed).abs() < 1e-9}>{ format!("{label}×") }</option> }) }
                </select>
            </label>
            <input id="timeline" type="range" min="0" max={p.last.to_string()} value={p.cursor.to_string()} oninput={on_seek}
                aria-label="Timeline" aria-valuetext={format!("step {} of {}", p.cursor, p.last)} />
            <span id="step-indicator" class="step-indicator" aria-live="off">
                { format!("Step {} / {} · {}.{:03} s", p.cursor, p.last, p.time_ms / 1000, p.time_ms % 1000) }
            </span>
        </div>
    }
}
