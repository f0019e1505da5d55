//! What the sequence diagram draws at one step, computed once per step
//! and reused while the playhead moves between steps: the background (the
//! violation mark, each row's time, the lanes, partitions and timers), the
//! lane heads, and every arrow with its label placed. An arrow that has
//! arrived is drawn here in full; one still in flight keeps its label here
//! (placed once: its packet, drawn above labels, never moves a label) and
//! only its line's end and its packet are drawn per frame
//! (`sequence.rs`).

use super::lanes::Lanes;
use super::placement::{text_w, Board, Placed};
use super::sequence_parts::*;
use crate::markup::Markup;
use faultline_sim::message::MsgClass;
use faultline_sim::trace::{Fate, Flight, Run};
use yew::prelude::*;

/// An arrow as drawn at a step.
pub struct Arrow {
    /// Its whole drawing, when it has arrived (it no longer moves).
    pub done: Option<Html>,
    /// Still in flight: its element's class, flight and tooltip, …
    pub class: String,
    pub flight: u32,
    pub tooltip: String,
    /// … its label (placed at the step), …
    pub label: Html,
    /// … where it starts and where it is headed, and when.
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub sent_at: f64,
    pub arrives_at: f64,
    pub lost: bool,
}

/// The diagram at a step: sizes, background, heads and arrows.
pub struct StepDrawing {
    pub width: f64,
    pub height: f64,
    pub lanes: usize,
    pub background: Html,
    pub heads: Html,
    pub arrows: Vec<Arrow>,
    /// Messages sent so far (for the diagram's accessible name).
    pub sent: usize,
}

/// Draw `run` at step `cursor` (lanes `projector`-wide).
pub fn step_drawing(run: &Run, cursor: u32, projector: bool) -> StepDrawing {
    let lanes = Lanes::of_run(run);
    let lw = lane_w(lanes.count(), projector);
    let n = lanes.count() as f64;
    let width = LEFT + lw * n + 10.0;
    let head_w = (lw - 8.0).min(144.0);
    let last = run.steps.len().saturating_sub(1) as u32;
    let height = row_y(last) + ROW * 2.0;
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

    let arrows = arrows(run, cursor, (&lanes, lw), &arrival, &mut board);
    let heads = heads(&lanes, lw, head_w, width, &lane_down);
    StepDrawing {
        width,
        height,
        lanes: lanes.count(),
        background: bg.into_html(),
        heads: heads.into_html(),
        arrows,
        sent: run
            .flights
            .iter()
            .filter(|fl| fl.send_step <= cursor)
            .count(),
    }
}

/// The lane titles again, in a strip that stays visible while the
/// diagram scrolls (the diagram's own titles are for the SVG export).
fn heads(
    lanes: &Lanes,
    lw: f64,
    head_w: f64,
    width: f64,
    lane_down: &dyn Fn(usize) -> bool,
) -> Markup {
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
    heads
}

/// Every arrow sent by step `cursor`, its label placed: arrows that have
/// arrived first put their heads and crosses on the board, then every
/// label looks for room.
fn arrows(
    run: &Run,
    cursor: u32,
    (lanes, lw): (&Lanes, f64),
    arrival: &[Option<u32>],
    board: &mut Board,
) -> Vec<Arrow> {
    let last = run.steps.len().saturating_sub(1) as u32;
    struct Geo<'r> {
        fl: &'r Flight,
        ends: [f64; 4],
        arrived: bool,
        headed: bool,
    }
    let geo: Vec<Geo> = run
        .flights
        .iter()
        .filter(|fl| fl.send_step <= cursor)
        .map(|fl| {
            let (x1, y1) = (lane_x(lanes.lane(fl.from), lw), row_y(fl.send_step));
            let end_row = arrival[fl.id as usize].unwrap_or(last + 1);
            let (x2, y2) = (lane_x(lanes.lane(fl.to), lw), row_y(end_row));
            let arrived = end_row <= cursor;
            let lost = fl.fate == Fate::Dropped;
            let headed = arrived && !lost && fl.fate != Fate::ReceiverDown;
            if arrived {
                // Arrowhead or cross: no label may cover it.
                let (ex, ey) = end(x1, y1, x2, y2, lost);
                let r = if headed { 15.0 } else { 9.0 };
                board.block([ex - r, ey - 13.0, ex + r, ey + 9.0]);
            }
            Geo {
                fl,
                ends: [x1, y1, x2, y2],
                arrived,
                headed,
            }
        })
        .collect();
    let lost_at: Vec<Option<Placed>> = geo
        .iter()
        .map(|g| {
            let [x1, y1, x2, y2] = g.ends;
            (g.arrived && g.fl.fate == Fate::Dropped).then(|| {
                let (ex, ey) = end(x1, y1, x2, y2, true);
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
    geo.iter()
        .zip(lost_at)
        .map(|(g, lost_at)| {
            arrow(
                run,
                g.fl,
                g.ends,
                g.arrived,
                g.headed,
                violating(g.fl),
                lost_at,
                board,
            )
        })
        .collect()
}

/// Where an arrow that has arrived ends: at its receiver, or, lost, 60%
/// of the way there.
pub fn end(x1: f64, y1: f64, x2: f64, y2: f64, lost: bool) -> (f64, f64) {
    let stop = if lost { 0.6 } else { 1.0 };
    (x1 + (x2 - x1) * stop, y1 + (y2 - y1) * stop)
}

/// One arrow: its label placed, and, if it has arrived, drawn in full.
#[allow(clippy::too_many_arguments)]
fn arrow(
    run: &Run,
    fl: &Flight,
    [x1, y1, x2, y2]: [f64; 4],
    arrived: bool,
    headed: bool,
    violating: bool,
    lost_at: Option<Placed>,
    board: &mut Board,
) -> Arrow {
    let marked = flight_mark(fl.mark, arrived && violating);
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

    // The element's class, its flight and its tooltip.
    let mut class = format!("flight {state}");
    for c in [
        (fl.class == MsgClass::Response).then_some("response"),
        fl.duplicate_of.map(|_| "duplicate"),
        marked.map(|(class, _)| class),
    ]
    .into_iter()
    .flatten()
    {
        class.push(' ');
        class.push_str(c);
    }

    // Its label, and for a lost message the "lost" beside its cross.
    let mut text = Markup::new();
    if let Some(l) = lost_at {
        markup!(
            text,
            "<text x=\"{}\" y=\"{}\" class=\"lost-label\">lost</text>",
            f(l.x),
            f(l.y)
        );
    }
    markup!(
        text,
        "<text x=\"{}\" y=\"{}\" class=\"flight-label{}\">",
        f(at.x),
        f(at.y),
        if tail.is_empty() { "" } else { " cut" }
    );
    // The tag, where it shows, in a style of its own.
    match tag.as_deref().and_then(|t| Some((t, head.find(t)?))) {
        Some((t, i)) => {
            text.text(&head[..i]);
            text.lit("<tspan class=\"step-tag\">");
            text.text(t);
            text.lit("</tspan>");
            text.text(&head[i + t.len()..]);
        }
        None => {
            text.text(head);
        }
    }
    text.lit("<tspan class=\"rest\">");
    text.text(tail);
    text.lit("</tspan></text>");

    let lost = fl.fate == Fate::Dropped;
    let done = arrived.then(|| {
        let (ex, ey) = end(x1, y1, x2, y2, lost);
        let mut g = Markup::from_lit("<g class=\"");
        markup!(g, "{}\" data-flight=\"{}\"><title>", class.clone(), fl.id);
        g.text(&tooltip);
        g.lit("</title>");
        markup!(
            g,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}></line>",
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
        let cross = |g: &mut Markup, x: f64, y: f64| {
            markup!(
                g,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cross\">✕</text>",
                f(x),
                f(y + 6.0)
            );
        };
        if lost {
            cross(&mut g, ex, ey);
        }
        if fl.fate == Fate::ReceiverDown {
            cross(&mut g, x2, y2);
        }
        g.markup(&text).lit("</g>");
        g.into_html()
    });
    Arrow {
        done,
        class,
        flight: fl.id,
        tooltip,
        label: text.into_html(),
        from: (x1, y1),
        to: (x2, y2),
        sent_at: fl.sent_at as f64,
        arrives_at: fl.arrives_at as f64,
        lost,
    }
}
