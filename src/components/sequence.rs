//! The sequence diagram: one lane per actor and one row per step, so
//! events a few milliseconds apart stay readable. Every message is an
//! arrow from the row where it was sent to the row where it arrived; while
//! it is in flight it grows with virtual time. Lost messages stop short
//! with a cross; timers that fire are marked on their lane. The left
//! gutter holds each row's step and time, the label of the timer that
//! fired there and the violation mark; arrow labels are placed where they
//! touch no other label, arrowhead or mark (`placement`).
//!
//! The run is laid out once (every label placed for the whole run) and
//! what a step shows is drawn once per step, reusing what earlier steps
//! drew (`sequence_step.rs`); while the playhead moves between steps only
//! the arrows in flight (their line's end and their packet) and the
//! playhead line are drawn again.

use super::sequence_arrow::{Arrow, Moving};
use super::sequence_parts::{f, keyed, time_to_y, HEADS, ROW};
pub use super::sequence_parts::{lane_w, lane_x};
pub use super::sequence_step::Window;
use super::sequence_step::{step_drawing, RunLayout};
use faultline_sim::trace::Run;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub run: Rc<Run>,
    pub cursor: u32,
    pub playhead: f64,
    #[prop_or_default]
    pub reduced_motion: bool,
    /// Drawn narrower, to be scaled up for the projector view.
    #[prop_or_default]
    pub projector: bool,
    /// Only the rows near these (a long run); `None`: every row.
    #[prop_or_default]
    pub window: Option<Window>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run)
            && self.cursor == o.cursor
            && self.playhead == o.playhead
            && self.reduced_motion == o.reduced_motion
            && self.projector == o.projector
            && self.window == o.window
    }
}

/// An arrow still in flight at virtual time `t`: its line grows towards
/// its receiver (half way, under reduced motion), its packet drawn above
/// its label. An element Yew patches in place from frame to frame (only
/// the line's end and the packet move), so its tooltip stays open.
fn moving(a: &Moving, t: f64, reduced_motion: bool) -> Html {
    let span = (a.arrives_at - a.sent_at).max(1.0);
    let mut progress = ((t - a.sent_at) / span).clamp(0.0, 1.0);
    if reduced_motion && progress < 1.0 {
        progress = 0.5;
    }
    let stop = if a.lost { progress.min(0.6) } else { progress };
    let ((x1, y1), (x2, y2)) = (a.from, a.to);
    let (ex, ey) = (x1 + (x2 - x1) * stop, y1 + (y2 - y1) * stop);
    html! {
        <g class={a.class.clone()} data-flight={a.flight.to_string()}>
            <title>{ &a.tooltip }</title>
            <line x1={f(x1)} y1={f(y1)} x2={f(ex)} y2={f(ey)} />
            { a.label.clone() }
            if progress < 1.0 {
                <circle cx={f(ex)} cy={f(ey)} r="6" class="packet" />
            }
        </g>
    }
}

#[component]
pub fn SequenceDiagram(p: &Props) -> Html {
    let run = &p.run;
    let (cursor, t, projector) = (p.cursor, p.playhead, p.projector);
    let run_id = Rc::as_ptr(run) as usize;
    let layout = use_memo((run_id, projector), |_| RunLayout::new(run, projector));
    let at = use_memo((run_id, cursor, projector, p.window), |_| {
        step_drawing(&layout, run, cursor, p.window)
    });
    let (width, height) = (at.width, at.height);
    let flights = at
        .arrows
        .iter()
        .map(|a| match a {
            // Keyed by flight: a new arrow or a window that moves changes
            // only the arrows it adds or removes.
            Arrow::Done(id, drawn) => keyed(*id as usize, drawn.clone()),
            Arrow::Moving(a) => keyed(a.flight as usize, moving(a, t, p.reduced_motion)),
        })
        .collect::<Html>();
    let py = time_to_y(run, t);
    html! {
        <>
        { at.heads.clone() }
        <svg id="sequence" xmlns="http://www.w3.org/2000/svg" class="sequence" width={f(width)} height={f(height - HEADS)}
             viewBox={format!("0 {} {} {}", f(HEADS), f(width), f(height - HEADS))} role="img"
             data-full-view={format!("0 0 {} {}", f(width), f(height))} data-full-height={f(height)}
             aria-label={format!("Sequence diagram: {} lanes, {} messages so far", at.lanes, at.sent)}>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            <rect x="0" y={f(py - ROW / 2.0)} width={f(width)} height={f(ROW)} class="now-band" />
            { at.background.clone() }
            { flights }
            <line id="playhead" class="playhead" x1="0" y1={f(py)} x2={f(width)} y2={f(py)} />
        </svg>
        </>
    }
}
