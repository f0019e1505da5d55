//! The sequence diagram: one lane per actor and one row per step, so
//! events a few milliseconds apart stay readable. Every message is an
//! arrow from the row where it was sent to the row where it arrived; while
//! it is in flight it grows with virtual time. Lost messages stop short
//! with a cross; timers that fire are marked on their lane.

use faultline_sim::actor::TimerKind;
use faultline_sim::message::MsgClass;
use faultline_sim::trace::{CutMark, Fate, Run};
use std::rc::Rc;
use yew::prelude::*;

/// Lane spacing: wide for a few actors, narrower when many share the page.
pub fn lane_w(actors: usize) -> f64 {
    if actors > 6 {
        112.0
    } else {
        170.0
    }
}
/// Left gutter for times and timer labels.
pub const LEFT: f64 = 120.0;
pub const TOP: f64 = 60.0;
/// Height of the lane titles strip (drawn sticky above the scrolling body).
pub const HEADS: f64 = 44.0;
/// Height of one step's row.
pub const ROW: f64 = 34.0;

pub fn lane_x(i: u16, w: f64) -> f64 {
    LEFT + w * f64::from(i) + w / 2.0
}

pub fn row_y(step: u32) -> f64 {
    TOP + f64::from(step) * ROW
}

/// Vertical position of virtual time `t`: between the rows of the steps
/// around it, in proportion to time.
pub fn time_to_y(run: &Run, t: f64) -> f64 {
    let n = run.steps.partition_point(|s| (s.time as f64) <= t);
    let k = n.saturating_sub(1);
    let Some(here) = run.steps.get(k) else {
        return TOP;
    };
    match run.steps.get(k + 1) {
        Some(next) if next.time > here.time => {
            let frac = ((t - here.time as f64) / (next.time - here.time) as f64).clamp(0.0, 1.0);
            row_y(k as u32) + frac * ROW
        }
        _ => row_y(k as u32),
    }
}

#[derive(Properties, Clone)]
pub struct Props {
    pub run: Rc<Run>,
    pub cursor: u32,
    pub playhead: f64,
    #[prop_or_default]
    pub reduced_motion: bool,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run)
            && self.cursor == o.cursor
            && self.playhead == o.playhead
            && self.reduced_motion == o.reduced_motion
    }
}

fn f(v: f64) -> String {
    crate::fmt::px(v)
}

/// How a timer of each kind is drawn: its class and its mark (a shape
/// that differs by kind, so meaning never rests on colour alone).
fn timer_style(kind: TimerKind, x: f64, y: f64) -> (&'static str, Html) {
    let diamond = format!(
        "M {} {} L {} {} L {} {} L {} {} z",
        f(x),
        f(y - 7.0),
        f(x + 7.0),
        f(y),
        f(x),
        f(y + 7.0),
        f(x - 7.0),
        f(y)
    );
    match kind {
        TimerKind::Timeout => ("timeout", html! { <circle cx={f(x)} cy={f(y)} r="6" /> }),
        TimerKind::Backoff => ("backoff", html! { <path d={diamond} /> }),
        TimerKind::Expiry => (
            "expiry",
            html! { <rect x={f(x - 6.0)} y={f(y - 6.0)} width="12" height="12" /> },
        ),
        TimerKind::Periodic => (
            "periodic",
            html! { <circle cx={f(x)} cy={f(y)} r="6" class="ring" /> },
        ),
        TimerKind::Work => (
            "work",
            html! { <rect x={f(x - 7.0)} y={f(y - 3.0)} width="14" height="6" /> },
        ),
    }
}

/// A network partition: a hatched band over its time window across the
/// lanes it separates, with a dashed cut between the two sides.
fn cut_mark(run: &Run, cut: &CutMark, lw: f64, cursor: u32) -> Option<Html> {
    let start = run.steps.get(cursor as usize)?.time;
    if cut.from_ms > start {
        return None;
    }
    let y0 = time_to_y(run, cut.from_ms as f64);
    let y1 = time_to_y(run, cut.until_ms.min(run.end_time()) as f64).max(y0 + ROW / 2.0);
    let lanes = cut.side_a.iter().chain(&cut.side_b).map(|&l| lane_x(l, lw));
    let (lo, hi) = lanes.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let a_mid =
        cut.side_a.iter().map(|&l| lane_x(l, lw)).sum::<f64>() / cut.side_a.len().max(1) as f64;
    let b_mid =
        cut.side_b.iter().map(|&l| lane_x(l, lw)).sum::<f64>() / cut.side_b.len().max(1) as f64;
    let cx = (a_mid + b_mid) / 2.0;
    Some(html! {
        <g class="cut" data-cut={format!("{}-{}", cut.from_ms, cut.until_ms)}>
            <rect x={f(lo)} y={f(y0)} width={f((hi - lo).max(1.0))} height={f(y1 - y0)} class="cut-band" />
            <line x1={f(cx)} y1={f(y0)} x2={f(cx)} y2={f(y1)} class="cut-line" />
            <text x={f(cx + 4.0)} y={f(y0 + 12.0)} class="cut-label">{ "✂ partition" }</text>
        </g>
    })
}

#[component]
pub fn SequenceDiagram(p: &Props) -> Html {
    let run = &p.run;
    let lw = lane_w(run.actors.len());
    let n = run.actors.len() as f64;
    let width = LEFT + lw * n + 10.0;
    let head_w = (lw - 20.0).min(144.0);
    let last = run.steps.len().saturating_sub(1) as u32;
    let height = row_y(last) + ROW * 2.0;
    let t = p.playhead;
    let cursor = p.cursor;
    let down: &[u16] = run
        .steps
        .get(cursor as usize)
        .map_or(&[], |s| s.down.as_slice());
    // Row at which each flight arrived (or was lost).
    let mut arrival = vec![None; run.flights.len()];
    for s in &run.steps {
        if let Some(fid) = s.flight {
            arrival[fid as usize] = Some(s.index);
        }
    }

    let lanes = run.actors.iter().enumerate().map(|(i, a)| {
        let x = lane_x(i as u16, lw);
        let is_down = down.contains(&(i as u16));
        html! {
            <g class={classes!("lane", is_down.then_some("down"))} data-actor={a.name.clone()}>
                <line x1={f(x)} y1={f(TOP - 16.0)} x2={f(x)} y2={f(height - 10.0)} class="lane-line" />
                <rect x={f(x - head_w / 2.0)} y="8" width={f(head_w)} height="30" rx="6" class="lane-head" />
                <text x={f(x)} y="28" text-anchor="middle" class="lane-title">{ &a.title }</text>
                if is_down {
                    <text x={f(x)} y={f(TOP - 2.0)} text-anchor="middle" class="down-label">{"✕ down"}</text>
                }
            </g>
        }
    });

    let rows = run.steps.iter().filter(|s| s.index <= cursor).map(|s| {
        let y = row_y(s.index);
        html! { <text x="6" y={f(y + 4.0)} class="tick">{ format!("#{} {}.{:03} s", s.index, s.time / 1000, s.time % 1000) }</text> }
    });

    let timers = run.timers.iter().filter_map(|tm| {
        let fired = tm.fired_step.filter(|s| *s <= cursor)?;
        let x = lane_x(tm.actor, lw);
        let (y0, y) = (row_y(tm.set_step), row_y(fired));
        let (kind, mark) = timer_style(tm.kind, x, y);
        let label = tm.label.clone();
        Some(html! {
            <g class={classes!("timer", kind)} data-timer-kind={kind}>
                <line x1={f(x - 8.0)} y1={f(y0)} x2={f(x - 8.0)} y2={f(y)} class="timer-span" />
                { mark }
                <text x={f(x - 12.0)} y={f(y + 16.0)} text-anchor="end" class="timer-label">{ label }</text>
            </g>
        })
    });

    let flights = run.flights.iter().filter(|fl| fl.send_step <= cursor && (fl.sent_at as f64) <= t).map(|fl| {
        let (x1, y1) = (lane_x(fl.from, lw), row_y(fl.send_step));
        let end_row = arrival[fl.id as usize].unwrap_or(last + 1);
        let (x2, y2) = (lane_x(fl.to, lw), row_y(end_row));
        let span = (fl.arrives_at - fl.sent_at).max(1) as f64;
        let mut progress = ((t - fl.sent_at as f64) / span).clamp(0.0, 1.0);
        if end_row <= cursor {
            progress = 1.0;
        }
        if p.reduced_motion && progress < 1.0 {
            progress = 0.5;
        }
        let arrived = progress >= 1.0;
        let lost = fl.fate == Fate::Dropped;
        let stop = if lost { progress.min(0.6) } else { progress };
        let (ex, ey) = (x1 + (x2 - x1) * stop, y1 + (y2 - y1) * stop);
        let state = match fl.fate {
            Fate::Dropped => "dropped",
            Fate::ReceiverDown => "receiver-down",
            _ if arrived => "delivered",
            _ => "in-flight",
        };
        let class = classes!(
            "flight",
            state,
            (fl.class == MsgClass::Response).then_some("response"),
            fl.duplicate_of.map(|_| "duplicate")
        );
        let marker = (arrived && !lost && fl.fate != Fate::ReceiverDown).then_some("url(#arrow)");
        let tooltip = match &fl.note {
            Some(n) => format!("{} ({n})", fl.label),
            None => fl.label.clone(),
        };
        // Label above the arrow, near where it starts, so stacked rows stay legible.
        let (lx, ly) = (x1 + (x2 - x1) * 0.5, y1 + (y2 - y1) * 0.5 - 6.0);
        html! {
            <g class={class} data-flight={fl.id.to_string()}>
                <title>{ tooltip }</title>
                <line x1={f(x1)} y1={f(y1)} x2={f(ex)} y2={f(ey)} marker-end={marker} />
                if !arrived {
                    <circle cx={f(ex)} cy={f(ey)} r="6" class="packet" />
                }
                if lost && arrived {
                    <text x={f(ex)} y={f(ey + 6.0)} text-anchor="middle" class="cross">{"✕"}</text>
                    <text x={f(ex + 12.0)} y={f(ey + 6.0)} class="lost-label">{"lost"}</text>
                }
                if fl.fate == Fate::ReceiverDown && arrived {
                    <text x={f(x2)} y={f(y2 + 6.0)} text-anchor="middle" class="cross">{"✕"}</text>
                }
                <text x={f(lx)} y={f(ly)} text-anchor="middle" class="flight-label">{ &fl.label }</text>
            </g>
        }
    });

    let violation = run.first_violation().filter(|v| v.step <= cursor).map(|v| {
        let y = row_y(v.step) + ROW / 2.0;
        html! {
            <g class="violation-mark">
                <line x1={f(LEFT)} y1={f(y)} x2={f(width)} y2={f(y)} />
                <text x={f(LEFT + 4.0)} y={f(y + 14.0)}>{ format!("✗ {}", v.message) }</text>
            </g>
        }
    });

    let py = time_to_y(run, t);
    // The lane titles again, in a strip that stays visible while the
    // diagram scrolls (the diagram's own titles are for the SVG export).
    let sticky_heads = run.actors.iter().enumerate().map(|(i, a)| {
        let x = lane_x(i as u16, lw);
        let is_down = down.contains(&(i as u16));
        html! {
            <g class={classes!("lane", is_down.then_some("down"))}>
                <rect x={f(x - head_w / 2.0)} y="8" width={f(head_w)} height="30" rx="6" class="lane-head" />
                <text x={f(x)} y="28" text-anchor="middle" class="lane-title">{ &a.title }</text>
            </g>
        }
    });
    html! {
        <>
        <svg class="sequence-heads" aria-hidden="true" width={f(width)} height="44" viewBox={format!("0 0 {} 44", f(width))}>
            <rect x="0" y="0" width={f(width)} height="44" class="heads-bg" />
            { for sticky_heads }
        </svg>
        <svg id="sequence" xmlns="http://www.w3.org/2000/svg" class="sequence" width={f(width)} height={f(height - HEADS)}
             viewBox={format!("0 {} {} {}", f(HEADS), f(width), f(height - HEADS))} role="img"
             data-full-view={format!("0 0 {} {}", f(width), f(height))} data-full-height={f(height)}
             aria-label={format!("Sequence diagram: {} lanes, {} messages so far", run.actors.len(), run.flights.iter().filter(|fl| fl.send_step <= cursor).count())}>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            <rect x="0" y={f(py - ROW / 2.0)} width={f(width)} height={f(ROW)} class="now-band" />
            <g class="ticks">{ for rows }</g>
            { for lanes }
            { for run.cuts.iter().filter_map(|c| cut_mark(run, c, lw, cursor)) }
            { for timers }
            { for flights }
            { for violation }
            <line id="playhead" class="playhead" x1="0" y1={f(py)} x2={f(width)} y2={f(py)} />
        </svg>
        </>
    }
}
