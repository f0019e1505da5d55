//! The sequence diagram: one lane per actor and one row per step, so
//! events a few milliseconds apart stay readable. Every message is an
//! arrow from the row where it was sent to the row where it arrived; while
//! it is in flight it grows with virtual time. Lost messages stop short
//! with a cross; timers that fire are marked on their lane. The left
//! gutter holds each row's step and time, the label of the timer that
//! fired there and the violation mark; arrow labels are placed where they
//! touch no other label, arrowhead or mark (`placement`).

use super::lanes::{fits, Lanes};
use super::placement::{text_w, Board, Placed};
use super::raw::raw;
use crate::markup::Markup;
use faultline_sim::actor::TimerKind;
use faultline_sim::message::{Mark, MsgClass};
use faultline_sim::trace::{CutMark, Fate, Flight, Run};
use std::rc::Rc;
use yew::prelude::*;

/// Lane spacing: up to five lanes share the diagram's box at 1280 px wide
/// (about 700 px, drawn unscaled); more lanes scroll at the narrowest. In
/// the projector view up to seven lanes are drawn about 560 units wide and
/// scaled to the screen's width, about twice: its smallest text (12 px)
/// reads at 24 px or more on a 1280×720 screen (lanes 70 units apart at
/// six; titles wrap to two lines, labels are shortened to fit).
pub fn lane_w(lanes: usize, projector: bool) -> f64 {
    if !fits(lanes, projector) {
        112.0
    } else if projector {
        ((PROJECTOR_W - LEFT - 10.0) / lanes.max(1) as f64).clamp(60.0, 150.0)
    } else {
        ((690.0 - LEFT) / lanes.max(1) as f64).clamp(112.0, 170.0)
    }
}
/// The diagram's natural width in the projector view (for up to seven lanes).
const PROJECTOR_W: f64 = 560.0;
/// Left gutter: each row's step and time, its timer label, its violation mark.
pub const LEFT: f64 = 132.0;
/// Where the gutter's text starts (the violation mark sits before it).
const GUTTER_X: f64 = 18.0;
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
    /// Drawn narrower, to be scaled up for the projector view.
    #[prop_or_default]
    pub projector: bool,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run)
            && self.cursor == o.cursor
            && self.playhead == o.playhead
            && self.reduced_motion == o.reduced_motion
            && self.projector == o.projector
    }
}

/// What marks a message besides its colour: a glyph before its label and
/// a class (whose dash pattern the stylesheet sets). Lost messages have
/// their cross and "lost" label; a message that broke an invariant gets ✗.
fn flight_mark(mark: Mark, violating: bool) -> Option<(&'static str, &'static str)> {
    match (violating, mark) {
        (true, _) => Some(("violating", "✗")),
        (_, Mark::Refused) => Some(("refused", "⊘")),
        (_, Mark::Replayed) => Some(("replayed", "↻")),
        (_, Mark::Plain) => None,
    }
}

fn f(v: f64) -> String {
    crate::fmt::px(v)
}

/// How a timer of each kind is drawn: its class and its mark (a shape
/// that differs by kind, so meaning never rests on colour alone), as SVG.
fn timer_style(kind: TimerKind, x: f64, y: f64) -> (&'static str, Markup) {
    let (cx, cy) = (f(x), f(y));
    let mut mark = Markup::new();
    let class = match kind {
        TimerKind::Timeout => {
            markup!(
                mark,
                "<circle cx=\"{}\" cy=\"{}\" r=\"6\"></circle>",
                cx,
                cy
            );
            "timeout"
        }
        TimerKind::Backoff => {
            markup!(
                mark,
                "<path d=\"M {} {} L {} {} L {} {} L {} {} z\"></path>",
                cx.clone(),
                f(y - 7.0),
                f(x + 7.0),
                cy.clone(),
                cx,
                f(y + 7.0),
                f(x - 7.0),
                cy
            );
            "backoff"
        }
        TimerKind::Expiry => {
            markup!(
                mark,
                "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\"></rect>",
                f(x - 6.0),
                f(y - 6.0)
            );
            "expiry"
        }
        TimerKind::Periodic => {
            markup!(
                mark,
                "<circle cx=\"{}\" cy=\"{}\" r=\"6\" class=\"ring\"></circle>",
                cx,
                cy
            );
            "periodic"
        }
        TimerKind::Work => {
            markup!(
                mark,
                "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"6\"></rect>",
                f(x - 7.0),
                f(y - 3.0)
            );
            "work"
        }
    };
    (class, mark)
}

/// A network partition: a hatched band over its time window across the
/// lanes it separates, with a dashed cut between the two sides (SVG text
/// appended to `out`).
fn cut_mark(
    out: &mut Markup,
    run: &Run,
    cut: &CutMark,
    (lanes, lw): (&Lanes, f64),
    cursor: u32,
    board: &mut Board,
) {
    let lane_x = |a: u16, lw: f64| lane_x(lanes.lane(a), lw);
    let start = run.steps.get(cursor as usize).map_or(0, |s| s.time);
    if cut.from_ms > start {
        return;
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
    board.block([cx, y0, cx + 8.0 + text_w("✂ partition"), y0 + 17.0]);
    markup!(
        out,
        "<g class=\"cut\" data-cut=\"{}-{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"cut-band\"></rect><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"cut-line\"></line><text x=\"{}\" y=\"{}\" class=\"cut-label\">✂ partition</text></g>",
        cut.from_ms,
        cut.until_ms,
        f(lo),
        f(y0),
        f((hi - lo).max(1.0)),
        f(y1 - y0),
        f(cx),
        f(y0),
        f(cx),
        f(y1),
        f(cx + 4.0),
        f(y0 + 12.0),
    );
}

/// A lane's title in its head box (`w` wide, centred on `x`), as SVG text
/// appended to `out`: one line when it fits, else two lines split at the
/// space that balances them; a line still wider than the box is squeezed
/// to fit (`textLength`), never spilling onto the next lane's title.
fn lane_title(out: &mut Markup, title: &str, x: f64, w: f64) {
    // Bold 13 px is about 1.12 times the 12.5 px regular `text_w` measures.
    let room = w - 6.0;
    let width = |s: &str| text_w(s) * 1.12;
    let fitted = |out: &mut Markup, line: &str, y: f64| {
        markup!(out, "<tspan x=\"{}\" y=\"{}\"", f(x), f(y));
        if width(line) > room {
            markup!(
                out,
                " textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
                f(room)
            );
        }
        out.lit(">");
        out.text(line);
        out.lit("</tspan>");
    };
    let split = (width(title) > room)
        .then(|| {
            title
                .match_indices(' ')
                .map(|(i, _)| (&title[..i], &title[i + 1..]))
                .min_by(|a, b| {
                    let worst = |(l, r): &(&str, &str)| width(l).max(width(r));
                    worst(a).total_cmp(&worst(b))
                })
        })
        .flatten();
    match split {
        Some((top, bottom)) => {
            out.lit("<text text-anchor=\"middle\" class=\"lane-title two-lines\">");
            fitted(out, top, 21.0);
            fitted(out, bottom, 34.0);
        }
        None => {
            out.lit("<text text-anchor=\"middle\" class=\"lane-title\">");
            fitted(out, title, 28.0);
        }
    }
    out.lit("</text>");
}

/// A lane's head box and title (the diagram's and the sticky strip's).
fn lane_head(out: &mut Markup, title: &str, x: f64, head_w: f64) {
    markup!(
        out,
        "<rect x=\"{}\" y=\"8\" width=\"{}\" height=\"30\" rx=\"6\" class=\"lane-head\"></rect>",
        f(x - head_w / 2.0),
        f(head_w)
    );
    lane_title(out, title, x, head_w);
}

#[component]
pub fn SequenceDiagram(p: &Props) -> Html {
    let run = &p.run;
    let lanes = Lanes::of_run(run);
    let lw = lane_w(lanes.count(), p.projector);
    let n = lanes.count() as f64;
    let width = LEFT + lw * n + 10.0;
    let head_w = (lw - 8.0).min(144.0);
    let last = run.steps.len().saturating_sub(1) as u32;
    let height = row_y(last) + ROW * 2.0;
    let t = p.playhead;
    let cursor = p.cursor;
    let down_actors: &[u16] = run
        .steps
        .get(cursor as usize)
        .map_or(&[], |s| s.down.as_slice());
    // A shared lane is down if any of its actors is.
    let lane_down = |l: usize| down_actors.iter().any(|&a| lanes.lane(a) as usize == l);
    // Row at which each flight arrived (or was lost).
    let mut arrival = vec![None; run.flights.len()];
    for s in &run.steps {
        if let Some(fid) = s.flight {
            arrival[fid as usize] = Some(s.index);
        }
    }

    let mut board = Board::new(LEFT, width - 4.0);
    // What changes only from step to step (the violation mark, the rows'
    // times, the lanes, partitions and timers) is written as SVG text,
    // escaped: far less WebAssembly than `html!`, and the page replaces it
    // only when it changes. The arrows, which move with the playhead, stay
    // `html!`.
    let mut bg = Markup::new();
    // The violation: a mark in its row's gutter (the message in its
    // tooltip and in the invariants panel), never across the arrows. It
    // has the gutter's first column to itself: the step's time and a
    // timer's label start right of it, so neither covers it.
    if let Some(v) = run.first_violation().filter(|v| v.step <= cursor) {
        let y = row_y(v.step);
        bg.lit("<g class=\"violation-mark\"><title>✗ ");
        bg.text(&v.message);
        markup!(
            bg,
            "</title><rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"></rect><text x=\"3\" y=\"{}\">✗</text></g>",
            f(y - ROW / 2.0),
            f(GUTTER_X - 2.0),
            f(ROW),
            f(y + 4.0)
        );
    }
    bg.lit("<g class=\"ticks\">");
    for s in run.steps.iter().filter(|s| s.index <= cursor) {
        markup!(
            bg,
            "<text x=\"{}\" y=\"{}\" class=\"tick\">#{} {}.{:03} s</text>",
            f(GUTTER_X),
            f(row_y(s.index) + 3.0),
            s.index,
            s.time / 1000,
            s.time % 1000
        );
    }
    bg.lit("</g>");
    for (i, (title, first)) in lanes.heads.iter().enumerate() {
        let a = &run.actors[*first];
        let x = lane_x(i as u16, lw);
        let is_down = lane_down(i);
        if is_down {
            board.block([x - 30.0, TOP - 15.0, x + 30.0, TOP + 2.0]);
        }
        bg.lit(if is_down {
            "<g class=\"lane down\" data-actor=\""
        } else {
            "<g class=\"lane\" data-actor=\""
        });
        bg.text(&a.name);
        markup!(
            bg,
            "\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"lane-line\"></line>",
            f(x),
            f(TOP - 16.0),
            f(x),
            f(height - 10.0)
        );
        lane_head(&mut bg, title, x, head_w);
        if is_down {
            markup!(
                bg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"down-label\">✕ down</text>",
                f(x),
                f(TOP - 2.0)
            );
        }
        bg.lit("</g>");
    }
    for c in &run.cuts {
        cut_mark(&mut bg, run, c, (&lanes, lw), cursor, &mut board);
    }
    // A timer's mark on its lane at the row where it fired, its label in
    // that row's gutter line.
    for tm in &run.timers {
        let Some(fired) = tm.fired_step.filter(|s| *s <= cursor) else {
            continue;
        };
        let x = lane_x(lanes.lane(tm.actor), lw);
        let (y0, y) = (row_y(tm.set_step), row_y(fired));
        let (kind, mark) = timer_style(tm.kind, x, y);
        board.block([x - 9.0, y - 9.0, x + 9.0, y + 9.0]);
        board.block([GUTTER_X, y + 5.0, GUTTER_X + text_w(&tm.label), y + 22.0]);
        markup!(
            bg,
            "<g class=\"timer {}\" data-timer-kind=\"{}\"><title>",
            kind,
            kind
        );
        bg.text(&tm.label);
        markup!(
            bg,
            "</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"timer-span\"></line>{}<text x=\"{}\" y=\"{}\" class=\"timer-label\">",
            f(x - 8.0),
            f(y0),
            f(x - 8.0),
            f(y),
            mark,
            f(GUTTER_X),
            f(y + 18.0)
        );
        bg.text(&tm.label);
        bg.lit("</text></g>");
    }

    // Arrows first, then their labels: crosses and arrowheads are on the
    // board before any label looks for room.
    let arrows: Vec<_> = run
        .flights
        .iter()
        .filter(|fl| fl.send_step <= cursor && (fl.sent_at as f64) <= t)
        .map(|fl| {
            let (x1, y1) = (lane_x(lanes.lane(fl.from), lw), row_y(fl.send_step));
            let end_row = arrival[fl.id as usize].unwrap_or(last + 1);
            let (x2, y2) = (lane_x(lanes.lane(fl.to), lw), row_y(end_row));
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
            let headed = arrived && !lost && fl.fate != Fate::ReceiverDown;
            // Arrowhead, cross or packet: no label may cover it.
            let r = if headed { 15.0 } else { 9.0 };
            board.block([ex - r, ey - 13.0, ex + r, ey + 9.0]);
            (fl, [x1, y1, x2, y2], (ex, ey), arrived, headed)
        })
        .collect();
    let lost_at: Vec<Option<Placed>> = arrows
        .iter()
        .map(|&(fl, [x1, ..], (ex, ey), arrived, _)| {
            (arrived && fl.fate == Fate::Dropped).then(|| {
                // Ahead of the cross, where the arrow would have gone (its
                // own line is behind), else below or above it.
                let ahead = if x1 > ex { -1.0 } else { 1.0 };
                let dx = 12.0 + text_w("lost") / 2.0;
                board.place(
                    "lost",
                    &[
                        (ex + ahead * dx, ey + 5.0),
                        (ex, ey + 24.0),
                        (ex, ey - 13.0),
                        (ex - ahead * dx, ey + 5.0),
                    ],
                )
            })
        })
        .collect();
    // The message handled at a violation's step broke an invariant (or,
    // if a timer fired there, the messages that step sent).
    let violating = |fl: &Flight| {
        run.violations.iter().any(|v| {
            v.step <= cursor
                && match run.steps.get(v.step as usize).and_then(|s| s.flight) {
                    Some(fid) => fid == fl.id,
                    None => fl.send_step == v.step,
                }
        })
    };
    let flights = arrows
        .iter()
        .zip(lost_at)
        .map(
            |(&(fl, [x1, y1, x2, y2], (ex, ey), arrived, headed), lost_at)| {
                let marked = flight_mark(fl.mark, arrived && violating(fl));
                let state = match fl.fate {
                    Fate::Dropped => "dropped",
                    Fate::ReceiverDown => "receiver-down",
                    _ if arrived => "delivered",
                    _ => "in-flight",
                };
                // A lab's tag for the message ("pivot") leads its label, in
                // brackets, so shortening the label keeps it.
                let tag = fl.tag().map(|t| format!("[{t}] "));
                let label = match (marked, &tag) {
                    (Some((_, glyph)), _) => {
                        format!("{glyph} {}{}", tag.as_deref().unwrap_or(""), fl.label())
                    }
                    (None, Some(t)) => format!("{t}{}", fl.label()),
                    (None, None) => fl.label(),
                };
                // Who sent it and to whom, by name: on a shared lane ("Client ×12")
                // the arrow alone does not say which client.
                let (from, to) = (
                    &run.actors[fl.from as usize].title,
                    &run.actors[fl.to as usize].title,
                );
                let tooltip = match &fl.note {
                    Some(n) => format!("{from} → {to}: {label} ({n})"),
                    None => format!("{from} → {to}: {label}"),
                };
                // Above the arrow's middle if there is room, else below it, else
                // further along; shortened if nowhere has room for all of it.
                let spots: Vec<(f64, f64)> = [0.5, 0.3, 0.7, 0.15, 0.85]
                    .iter()
                    .flat_map(|k| {
                        let (x, y) = (x1 + (x2 - x1) * k, y1 + (y2 - y1) * k);
                        [(x, y - 7.0), (x, y + 18.0)]
                    })
                    .collect();
                let at = board.place(&label, &spots);
                let (head, tail) = label.split_at(at.shown);
                // Each arrow is SVG text of its own (escaped), not `html!`: far
                // less WebAssembly, and as its own raw node it is replaced only
                // when it changes (while in flight, or when its label moves), not
                // when another arrow does.
                let mut g = Markup::from_lit("<g class=\"flight ");
                g.lit(state);
                for c in [
                    (fl.class == MsgClass::Response).then_some("response"),
                    fl.duplicate_of.map(|_| "duplicate"),
                    marked.map(|(class, _)| class),
                ]
                .into_iter()
                .flatten()
                {
                    g.lit(" ");
                    g.lit(c);
                }
                markup!(g, "\" data-flight=\"{}\"><title>", fl.id);
                g.text(&tooltip);
                markup!(
                    g,
                    "</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}></line>",
                    f(x1),
                    f(y1),
                    f(ex),
                    f(ey),
                    if headed {
                        " marker-end=\"url(#arrow)\""
                    } else {
                        ""
                    }
                );
                if !arrived {
                    markup!(
                        g,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"6\" class=\"packet\"></circle>",
                        f(ex),
                        f(ey)
                    );
                }
                let cross = |g: &mut Markup, x: f64, y: f64| {
                    markup!(
                        g,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cross\">✕</text>",
                        f(x),
                        f(y + 6.0)
                    );
                };
                if fl.fate == Fate::Dropped && arrived {
                    cross(&mut g, ex, ey);
                }
                if let Some(l) = lost_at {
                    markup!(
                        g,
                        "<text x=\"{}\" y=\"{}\" class=\"lost-label\">lost</text>",
                        f(l.x),
                        f(l.y)
                    );
                }
                if fl.fate == Fate::ReceiverDown && arrived {
                    cross(&mut g, x2, y2);
                }
                markup!(
                    g,
                    "<text x=\"{}\" y=\"{}\" class=\"flight-label{}\">",
                    f(at.x),
                    f(at.y),
                    if tail.is_empty() { "" } else { " cut" }
                );
                // The tag, where it shows, in a style of its own.
                match tag.as_deref().and_then(|t| Some((t, head.find(t)?))) {
                    Some((t, i)) => {
                        g.text(&head[..i]);
                        g.lit("<tspan class=\"step-tag\">");
                        g.text(t);
                        g.lit("</tspan>");
                        g.text(&head[i + t.len()..]);
                    }
                    None => {
                        g.text(head);
                    }
                }
                g.lit("<tspan class=\"rest\">");
                g.text(tail);
                g.lit("</tspan></text></g>");
                raw(g)
            },
        )
        .collect::<Html>();

    let py = time_to_y(run, t);
    // The lane titles again, in a strip that stays visible while the
    // diagram scrolls (the diagram's own titles are for the SVG export).
    let mut heads = Markup::new();
    markup!(
        heads,
        "<svg class=\"sequence-heads\" aria-hidden=\"true\" width=\"{}\" height=\"44\" viewBox=\"0 0 {} 44\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"44\" class=\"heads-bg\"></rect>",
        f(width),
        f(width),
        f(width)
    );
    for (i, (title, _)) in lanes.heads.iter().enumerate() {
        heads.lit(if lane_down(i) {
            "<g class=\"lane down\">"
        } else {
            "<g class=\"lane\">"
        });
        lane_head(&mut heads, title, lane_x(i as u16, lw), head_w);
        heads.lit("</g>");
    }
    heads.lit("</svg>");
    html! {
        <>
        { heads.into_html() }
        <svg id="sequence" xmlns="http://www.w3.org/2000/svg" class="sequence" width={f(width)} height={f(height - HEADS)}
             viewBox={format!("0 {} {} {}", f(HEADS), f(width), f(height - HEADS))} role="img"
             data-full-view={format!("0 0 {} {}", f(width), f(height))} data-full-height={f(height)}
             aria-label={format!("Sequence diagram: {} lanes, {} messages so far", lanes.count(), run.flights.iter().filter(|fl| fl.send_step <= cursor).count())}>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            <rect x="0" y={f(py - ROW / 2.0)} width={f(width)} height={f(ROW)} class="now-band" />
            { bg.into_html() }
            { flights }
            <line id="playhead" class="playhead" x1="0" y1={f(py)} x2={f(width)} y2={f(py)} />
        </svg>
        </>
    }
}
