//! What the sequence diagram draws, in two layers. Once per run
//! ([`RunLayout`]): the lanes, every arrow's geometry, and every label
//! placed against the run's whole drawing (every arrowhead, cross, timer,
//! cut and "down" mark that ever shows), so a label never moves as the
//! playhead advances and covers nothing at any step. Once per step
//! ([`step_drawing`]): the background at that step (the violation mark,
//! each row's time, the lanes, partitions and timers; the times and timers
//! in pieces of [`ROWS_PER_PIECE`] rows, of which a step redraws only the
//! last) and the arrows sent so far, each arrived arrow's drawing made
//! once and reused. An arrow still in flight keeps its placed label; only
//! its line's end and its packet are drawn per frame (`sequence.rs`).
//! Each step's cost so grows with what changed, not with the run.

use super::lanes::Lanes;
use super::placement::{text_w, Board, Placed};
use super::sequence_parts::*;
use crate::markup::Markup;
use faultline_sim::message::MsgClass;
use faultline_sim::trace::{Fate, Flight, Run, Step};
use std::cell::RefCell;
use yew::prelude::*;

/// Rows per piece of the gutter's times and of the timers: a piece whose
/// rows are all drawn stays the same node from step to step.
const ROWS_PER_PIECE: u32 = 64;

/// An arrow as drawn at a step.
pub enum Arrow {
    /// It has arrived (or was lost): its whole drawing, which no longer moves.
    Done(Html),
    /// Still in flight.
    Moving(Moving),
}

/// An arrow in flight: its element's class, flight and tooltip, its label
/// (placed for the run), where it starts and where it is headed, and when.
pub struct Moving {
    pub class: String,
    pub flight: u32,
    pub tooltip: String,
    pub label: Html,
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

/// One arrow's place in the run's drawing.
struct Placement {
    ends: [f64; 4],
    /// The row it arrives (or is lost) at; past the last row if never.
    end_row: u32,
    /// Its label, placed with the glyph it has at the run's end.
    label: Placed,
    /// Bytes of that label before its tag and text (a glyph and a space).
    prefix: usize,
    /// A lost message's "lost" beside its cross.
    lost_at: Option<Placed>,
}

/// The run's drawing as a whole, made once per run and view width, with
/// the drawings that never change once made.
pub struct RunLayout {
    width: f64,
    height: f64,
    lanes: Lanes,
    lw: f64,
    head_w: f64,
    placed: Vec<Placement>,
    /// Timers that fire, in the order of the row they fire at.
    timers: Vec<usize>,
    /// Complete pieces of row times and of timers, and arrived arrows
    /// (by whether they are marked as breaking an invariant).
    tick_pieces: RefCell<Vec<Html>>,
    timer_pieces: RefCell<Vec<Html>>,
    done: RefCell<Vec<[Option<Html>; 2]>>,
}

/// Whether `fl` broke an invariant by step `cursor`: the message handled
/// at a violation's step (or, if a timer fired there, those it sent).
fn violating(run: &Run, fl: &Flight, cursor: u32) -> bool {
    run.violations.iter().any(|v| {
        v.step <= cursor
            && match run.steps.get(v.step as usize).and_then(|s| s.flight) {
                Some(fid) => fid == fl.id,
                None => fl.send_step == v.step,
            }
    })
}

/// An arrow's label at a step: its glyph and class, if marked, then the
/// lab's tag for it ("pivot"), in brackets so shortening keeps it, then
/// the message's own label. Returns the label and its glyph's length.
fn label_of(fl: &Flight, marked: Option<(&str, &str)>) -> (String, usize) {
    let tag = fl.tag().map(|t| format!("[{t}] ")).unwrap_or_default();
    match marked {
        Some((_, glyph)) => (format!("{glyph} {tag}{}", fl.label()), glyph.len() + 1),
        None => (format!("{tag}{}", fl.label()), 0),
    }
}

impl RunLayout {
    /// Lay out `run` (lanes `projector`-wide).
    pub fn new(run: &Run, projector: bool) -> Self {
        let lanes = Lanes::of_run(run);
        let lw = lane_w(lanes.count(), projector);
        let width = LEFT + lw * lanes.count() as f64 + 10.0;
        let last = run.steps.len().saturating_sub(1) as u32;
        let mut board = Board::new(LEFT, width - 4.0);
        // Everything that ever shows goes on the board first: a lane's
        // "down" mark, the partitions, the timers' marks and labels, then
        // every arrowhead and cross.
        for i in 0..lanes.count() {
            let ever_down = run
                .steps
                .iter()
                .any(|s| s.down.iter().any(|&a| lanes.lane(a) as usize == i));
            if ever_down {
                let x = lane_x(i as u16, lw);
                board.block([x - 30.0, TOP - 15.0, x + 30.0, TOP + 2.0]);
            }
        }
        for c in &run.cuts {
            cut_mark(&mut Markup::new(), run, c, (&lanes, lw), last, &mut board);
        }
        let mut timers: Vec<usize> = Vec::new();
        for (i, tm) in run.timers.iter().enumerate() {
            let Some(fired) = tm.fired_step else { continue };
            let x = lane_x(lanes.lane(tm.actor), lw);
            let y = row_y(fired);
            board.block([x - 9.0, y - 9.0, x + 9.0, y + 9.0]);
            board.block([GUTTER_X, y + 5.0, GUTTER_X + text_w(&tm.label), y + 22.0]);
            timers.push(i);
        }
        timers.sort_by_key(|&i| run.timers[i].fired_step);
        let mut arrival = vec![None; run.flights.len()];
        for s in &run.steps {
            if let Some(fid) = s.flight {
                arrival[fid as usize] = Some(s.index);
            }
        }
        let geo: Vec<([f64; 4], u32)> = run
            .flights
            .iter()
            .map(|fl| {
                let (x1, y1) = (lane_x(lanes.lane(fl.from), lw), row_y(fl.send_step));
                let end_row = arrival[fl.id as usize].unwrap_or(last + 1);
                let (x2, y2) = (lane_x(lanes.lane(fl.to), lw), row_y(end_row));
                if end_row <= last {
                    // Arrowhead or cross: no label may cover it.
                    let lost = fl.fate == Fate::Dropped;
                    let headed = !lost && fl.fate != Fate::ReceiverDown;
                    let (ex, ey) = end(x1, y1, x2, y2, lost);
                    let r = if headed { 15.0 } else { 9.0 };
                    board.block([ex - r, ey - 13.0, ex + r, ey + 9.0]);
                }
                ([x1, y1, x2, y2], end_row)
            })
            .collect();
        let lost_at: Vec<Option<Placed>> = run
            .flights
            .iter()
            .zip(&geo)
            .map(|(fl, ([x1, y1, x2, y2], end_row))| {
                (*end_row <= last && fl.fate == Fate::Dropped).then(|| {
                    let (ex, ey) = end(*x1, *y1, *x2, *y2, true);
                    // Ahead of the cross, where the arrow would have gone
                    // (its own line is behind), else below or above it.
                    let ahead = if *x1 > ex { -1.0 } else { 1.0 };
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
        let placed = run
            .flights
            .iter()
            .zip(geo)
            .zip(lost_at)
            .map(|((fl, (ends, end_row)), lost_at)| {
                let [x1, y1, x2, y2] = ends;
                let arrived = end_row <= last;
                let marked = flight_mark(fl.mark, arrived && violating(run, fl, last));
                let (text, prefix) = label_of(fl, marked);
                // Above the arrow's middle if there is room, else below
                // it, else further along; shortened if nowhere has room.
                let spots: Vec<(f64, f64)> = [0.5, 0.3, 0.7, 0.15, 0.85]
                    .iter()
                    .flat_map(|k| {
                        let (x, y) = (x1 + (x2 - x1) * k, y1 + (y2 - y1) * k);
                        [(x, y - 7.0), (x, y + 18.0)]
                    })
                    .collect();
                Placement {
                    ends,
                    end_row,
                    label: board.place(&text, &spots),
                    prefix,
                    lost_at,
                }
            })
            .collect();
        Self {
            width,
            height: row_y(last) + ROW * 2.0,
            head_w: (lw - 8.0).min(144.0),
            lanes,
            lw,
            placed,
            timers,
            tick_pieces: RefCell::new(Vec::new()),
            timer_pieces: RefCell::new(Vec::new()),
            done: RefCell::new(vec![[None, None]; run.flights.len()]),
        }
    }

    /// The piece of row times for `steps` (one piece's rows, or fewer).
    fn tick_piece(steps: &[Step]) -> Html {
        let mut ticks = Markup::from_lit("<g class=\"ticks\">");
        for s in steps {
            markup!(
                ticks,
                "<text x=\"{}\" y=\"{}\" class=\"tick\">#{} {}.{:03} s</text>",
                f(GUTTER_X),
                f(row_y(s.index) + 3.0),
                s.index,
                s.time / 1000,
                s.time % 1000
            );
        }
        ticks.lit("</g>");
        ticks.into_html()
    }

    /// The timers that fired in piece `p`'s rows, up to row `cursor`: a
    /// mark on the lane at the row where each fired, its label in that
    /// row's gutter line.
    fn timer_piece(&self, run: &Run, p: u32, cursor: u32) -> Html {
        let (lo, hi) = (
            p * ROWS_PER_PIECE,
            ((p + 1) * ROWS_PER_PIECE - 1).min(cursor),
        );
        let fired = |i: &usize| run.timers[*i].fired_step.unwrap_or(0);
        let from = self.timers.partition_point(|i| fired(i) < lo);
        let to = self.timers.partition_point(|i| fired(i) <= hi);
        let mut bg = Markup::new();
        for tm in self.timers[from..to].iter().map(|&i| &run.timers[i]) {
            let x = lane_x(self.lanes.lane(tm.actor), self.lw);
            let (y0, y) = (row_y(tm.set_step), row_y(tm.fired_step.unwrap_or(0)));
            let (kind, mark) = timer_style(tm.kind, x, y);
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
        bg.into_html()
    }

    /// The pieces up to row `cursor`: the complete ones made once and
    /// kept, the last one made now.
    fn pieces(
        &self,
        cache: &RefCell<Vec<Html>>,
        cursor: u32,
        make: &dyn Fn(u32, u32) -> Html,
    ) -> Vec<Html> {
        let complete = (cursor + 1) / ROWS_PER_PIECE;
        let mut cache = cache.borrow_mut();
        while (cache.len() as u32) < complete {
            let p = cache.len() as u32;
            cache.push(make(p, (p + 1) * ROWS_PER_PIECE - 1));
        }
        let mut out: Vec<Html> = cache[..complete as usize].to_vec();
        if (cursor + 1) % ROWS_PER_PIECE != 0 {
            out.push(make(complete, cursor));
        }
        out
    }
}

/// Draw `run` at step `cursor`, as laid out in `layout`.
pub fn step_drawing(layout: &RunLayout, run: &Run, cursor: u32) -> StepDrawing {
    let (lanes, lw, width, height) = (&layout.lanes, layout.lw, layout.width, layout.height);
    let down_actors: &[u16] = run
        .steps
        .get(cursor as usize)
        .map_or(&[], |s| s.down.as_slice());
    // A shared lane is down if any of its actors is.
    let lane_down = |l: usize| down_actors.iter().any(|&a| lanes.lane(a) as usize == l);
    let mut mark = Markup::new();
    // The violation: a mark in its row's gutter (the message in its
    // tooltip and in the invariants panel), never across the arrows. It
    // has the gutter's first column to itself: the step's time and a
    // timer's label start right of it, so neither covers it.
    if let Some(v) = run.first_violation().filter(|v| v.step <= cursor) {
        let y = row_y(v.step);
        mark.lit("<g class=\"violation-mark\"><title>✗ ");
        mark.text(&v.message);
        markup!(
            mark,
            "</title><rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"></rect><text x=\"3\" y=\"{}\">✗</text></g>",
            f(y - ROW / 2.0),
            f(GUTTER_X - 2.0),
            f(ROW),
            f(y + 4.0)
        );
    }
    let ticks = layout.pieces(&layout.tick_pieces, cursor, &|p, to| {
        let steps = &run.steps;
        let lo = (p * ROWS_PER_PIECE) as usize;
        let hi = steps.len().min(to as usize + 1);
        RunLayout::tick_piece(&steps[lo.min(hi)..hi])
    });
    let mut bg = Markup::new();
    for (i, (title, first)) in lanes.heads.iter().enumerate() {
        let a = &run.actors[*first];
        let x = lane_x(i as u16, lw);
        let is_down = lane_down(i);
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
        lane_head(&mut bg, title, x, layout.head_w);
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
    // (Partitions placed nothing here: the layout's board has them.)
    let mut scratch = Board::new(LEFT, width - 4.0);
    for c in &run.cuts {
        cut_mark(&mut bg, run, c, (lanes, lw), cursor, &mut scratch);
    }
    let timers = layout.pieces(&layout.timer_pieces, cursor, &|p, to| {
        layout.timer_piece(run, p, to)
    });
    let background = html! {
        <>
            { mark.into_html() }
            <g class="tick-rows">{ for ticks }</g>
            { bg.into_html() }
            <g class="timer-rows">{ for timers }</g>
        </>
    };
    let heads = heads(lanes, lw, layout.head_w, width, &lane_down);
    let sent = run.flights.partition_point(|fl| fl.send_step <= cursor);
    let arrows = run.flights[..sent]
        .iter()
        .map(|fl| arrow(layout, run, fl, cursor))
        .collect();
    StepDrawing {
        width,
        height,
        lanes: lanes.count(),
        background,
        heads: heads.into_html(),
        arrows,
        sent,
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

/// Where an arrow that has arrived ends: at its receiver, or, lost, 60%
/// of the way there.
pub fn end(x1: f64, y1: f64, x2: f64, y2: f64, lost: bool) -> (f64, f64) {
    let stop = if lost { 0.6 } else { 1.0 };
    (x1 + (x2 - x1) * stop, y1 + (y2 - y1) * stop)
}

/// One arrow at step `cursor`: arrived, its whole drawing (made once per
/// run and marking); in flight, what `sequence.rs` moves.
fn arrow(layout: &RunLayout, run: &Run, fl: &Flight, cursor: u32) -> Arrow {
    let p = &layout.placed[fl.id as usize];
    let arrived = p.end_row <= cursor;
    let violating = arrived && violating(run, fl, cursor);
    if arrived {
        let cached = layout.done.borrow()[fl.id as usize][usize::from(violating)].clone();
        if let Some(done) = cached {
            return Arrow::Done(done);
        }
    }
    let marked = flight_mark(fl.mark, violating);
    let state = match fl.fate {
        Fate::Dropped => "dropped",
        Fate::ReceiverDown => "receiver-down",
        _ if arrived => "delivered",
        _ => "in-flight",
    };
    let (label, prefix) = label_of(fl, marked);
    // The placed label was made with the glyph it has at the run's end:
    // the same words show, after this step's glyph.
    let shown = match p.label.shown {
        0 => 0,
        n => prefix + n.saturating_sub(p.prefix).min(label.len() - prefix),
    };
    let (head, tail) = label.split_at(shown);
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
    if let Some(l) = p.lost_at.as_ref().filter(|_| arrived) {
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
        f(p.label.x),
        f(p.label.y),
        if tail.is_empty() { "" } else { " cut" }
    );
    // The tag, where it shows, in a style of its own.
    let tag = fl.tag().map(|t| format!("[{t}] "));
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

    let [x1, y1, x2, y2] = p.ends;
    let lost = fl.fate == Fate::Dropped;
    if !arrived {
        return Arrow::Moving(Moving {
            class,
            flight: fl.id,
            tooltip,
            label: text.into_html(),
            from: (x1, y1),
            to: (x2, y2),
            sent_at: fl.sent_at as f64,
            arrives_at: fl.arrives_at as f64,
            lost,
        });
    }
    let headed = !lost && fl.fate != Fate::ReceiverDown;
    let (ex, ey) = end(x1, y1, x2, y2, lost);
    let mut g = Markup::from_lit("<g class=\"");
    markup!(g, "{}\" data-flight=\"{}\"><title>", class, fl.id);
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
    let done = g.into_html();
    layout.done.borrow_mut()[fl.id as usize][usize::from(violating)] = Some(done.clone());
    Arrow::Done(done)
}
