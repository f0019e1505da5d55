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
use super::sequence_arrow::{arrow, end, label_of, violating, Arrow, DoneArrows, Placement};
use super::sequence_parts::*;
use crate::markup::{IntoHtml, Markup};
use faultline_sim::trace::{Fate, Flight, Run, Step};
use std::cell::RefCell;
use yew::prelude::*;

/// Rows per piece of the gutter's times and of the timers: a piece whose
/// rows are all drawn stays the same node from step to step. A long run
/// draws only the pieces near those in view ([`Window`]).
pub const ROWS_PER_PIECE: u32 = 64;

/// The pieces of rows a step draws: those scrolled into view (`first` to
/// `last`) and the cursor's (`at`), each with a piece either side. `None`
/// where a window is asked for: every row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub first: u32,
    pub last: u32,
    pub at: u32,
}

impl Window {
    /// Whether any piece from `a` to `b` is drawn.
    fn shows(w: Option<Window>, a: u32, b: u32) -> bool {
        w.is_none_or(|w| {
            let near = |lo: u32, hi: u32| a <= hi + 1 && b + 1 >= lo;
            near(w.first, w.last) || near(w.at, w.at)
        })
    }
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

/// Pieces past the one being laid out whose arrowheads and timers are
/// on the board before its labels are placed.
const LOOKAHEAD: u32 = 3;

/// The layout's part that grows as the run is first drawn further: the
/// board, the labels placed so far and each lost message's "lost".
struct Growing {
    board: Board,
    placed: Vec<Placement>,
    lost_at: Vec<Option<Placed>>,
    /// Rows before this have their timers, arrowheads and crosses on the board.
    blocked_to: u32,
    next_arrival: usize,
    next_timer: usize,
}

/// The run's drawing as a whole, made once per run and view width, with
/// the drawings that never change once made.
pub struct RunLayout {
    width: f64,
    height: f64,
    lanes: Lanes,
    lw: f64,
    head_w: f64,
    /// Timers that fire, in the order of the row they fire at.
    timers: Vec<u32>,
    /// The row each flight arrives (or is lost) at, if it does.
    arrival: Vec<Option<u32>>,
    /// The flights that arrive, in the order of that row.
    by_arrival: Vec<u32>,
    last: u32,
    grow: RefCell<Growing>,
    /// Complete pieces of row times and of timers, and arrived arrows
    /// (by whether they are marked as breaking an invariant).
    tick_pieces: RefCell<Pieces>,
    timer_pieces: RefCell<Pieces>,
    done: DoneArrows,
}

/// Items `0..n` that have a row (of `rows`), in the order of their row
/// (ties in item order): a counting sort, which needs no sort's code in
/// the WebAssembly.
fn by_row(rows: usize, n: usize, row: &dyn Fn(usize) -> Option<u32>) -> Vec<u32> {
    let rows = rows.max(1);
    let mut start = vec![0u32; rows + 1];
    for r in (0..n).filter_map(row) {
        start[(r as usize).min(rows - 1) + 1] += 1;
    }
    for i in 1..=rows {
        start[i] += start[i - 1];
    }
    let mut out = vec![0u32; start[rows] as usize];
    for i in 0..n {
        if let Some(r) = row(i) {
            let at = &mut start[(r as usize).min(rows - 1)];
            out[*at as usize] = i as u32;
            *at += 1;
        }
    }
    out
}

impl RunLayout {
    /// Lay out `run` (lanes `projector`-wide): what never moves now,
    /// the labels as the steps that send them are first drawn.
    pub fn new(run: &Run, projector: bool) -> Self {
        let lanes = Lanes::of_run(run);
        let lw = lane_w(lanes.count(), projector);
        let width = LEFT + lw * lanes.count() as f64 + 10.0;
        let last = run.steps.len().saturating_sub(1) as u32;
        let mut board = Board::new(LEFT, width - 4.0);
        // A lane's "down" mark and the partitions go on the board first.
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
        let timers = by_row(run.steps.len(), run.timers.len(), &|i| {
            run.timers[i].fired_step
        });
        let mut arrival = vec![None; run.flights.len()];
        for s in &run.steps {
            if let Some(fid) = s.flight {
                arrival[fid as usize] = Some(s.index);
            }
        }
        let by_arrival = by_row(run.steps.len(), run.flights.len(), &|i| arrival[i]);
        Self {
            width,
            height: row_y(last) + ROW * 2.0,
            head_w: (lw - 8.0).min(144.0),
            lanes,
            lw,
            timers,
            arrival,
            by_arrival,
            last,
            grow: RefCell::new(Growing {
                board,
                placed: Vec::new(),
                lost_at: vec![None; run.flights.len()],
                blocked_to: 0,
                next_arrival: 0,
                next_timer: 0,
            }),
            tick_pieces: RefCell::default(),
            timer_pieces: RefCell::default(),
            done: RefCell::new(vec![[None, None]; run.flights.len()]),
        }
    }

    /// Where flight `fl`'s arrow starts and ends, and its end's row.
    fn ends(&self, fl: &Flight) -> ([f64; 4], u32) {
        let end_row = self.arrival[fl.id as usize].unwrap_or(self.last + 1);
        let x = |a| lane_x(self.lanes.lane(a), self.lw);
        (
            [x(fl.from), row_y(fl.send_step), x(fl.to), row_y(end_row)],
            end_row,
        )
    }

    /// Place the labels of every arrow sent by step `cursor`. Before a
    /// label is placed, what shows in the rows up to [`LOOKAHEAD`] pieces
    /// past it is on the board: timers, then arrowheads and crosses, and
    /// each lost message's "lost". A run of a few pieces is so laid out
    /// whole at once; a long one as it is first played or sought, a piece
    /// at a time (an arrow longer than the look-ahead could, rarely, see
    /// its label covered by an arrowhead far below).
    fn extend(&self, run: &Run, cursor: u32) {
        let mut g = self.grow.borrow_mut();
        let sent = run.flights.partition_point(|fl| fl.send_step <= cursor);
        if g.placed.len() >= sent {
            return;
        }
        let rows = (cursor / ROWS_PER_PIECE + 1 + LOOKAHEAD) * ROWS_PER_PIECE;
        let g = &mut *g;
        if rows > g.blocked_to {
            self.block_timers(run, g, rows);
            let from = g.next_arrival;
            self.block_arrivals(run, g, rows);
            self.place_lost(run, g, from);
            g.blocked_to = rows;
        }
        self.place_labels(run, g, sent);
    }

    /// Put on the board the marks and gutter labels of the timers that
    /// fire before row `rows`.
    fn block_timers(&self, run: &Run, g: &mut Growing, rows: u32) {
        let fired = |i: &u32| run.timers[*i as usize].fired_step.unwrap_or(0);
        while let Some(tm) = self.timers.get(g.next_timer).filter(|i| fired(i) < rows) {
            let tm = &run.timers[*tm as usize];
            let x = lane_x(self.lanes.lane(tm.actor), self.lw);
            let y = row_y(tm.fired_step.unwrap_or(0));
            g.board.block([x - 9.0, y - 9.0, x + 9.0, y + 9.0]);
            g.board
                .block([GUTTER_X, y + 5.0, GUTTER_X + text_w(&tm.label), y + 22.0]);
            g.next_timer += 1;
        }
    }

    /// Put on the board the arrowhead or cross of each arrow that arrives
    /// before row `rows`: no label may cover it.
    fn block_arrivals(&self, run: &Run, g: &mut Growing, rows: u32) {
        let arrived = |i: &u32| self.arrival[*i as usize].unwrap_or(0);
        let from = g.next_arrival;
        while self
            .by_arrival
            .get(g.next_arrival)
            .is_some_and(|i| arrived(i) < rows)
        {
            g.next_arrival += 1;
        }
        // Arrowhead or cross: no label may cover it.
        for &i in &self.by_arrival[from..g.next_arrival] {
            let fl = &run.flights[i as usize];
            let ([x1, y1, x2, y2], _) = self.ends(fl);
            let lost = fl.fate == Fate::Dropped;
            let headed = !lost && fl.fate != Fate::ReceiverDown;
            let (ex, ey) = end(x1, y1, x2, y2, lost);
            let r = if headed { 15.0 } else { 9.0 };
            g.board.block([ex - r, ey - 13.0, ex + r, ey + 9.0]);
        }
    }

    /// Place the "lost" of each lost message among the arrivals put on the
    /// board since `from`.
    fn place_lost(&self, run: &Run, g: &mut Growing, from: usize) {
        for &i in &self.by_arrival[from..g.next_arrival] {
            let fl = &run.flights[i as usize];
            if fl.fate != Fate::Dropped {
                continue;
            }
            let ([x1, y1, x2, y2], _) = self.ends(fl);
            let (ex, ey) = end(x1, y1, x2, y2, true);
            // Ahead of the cross, where the arrow would have gone (its
            // own line is behind), else below or above it.
            let ahead = if x1 > ex { -1.0 } else { 1.0 };
            let dx = 12.0 + text_w("lost") / 2.0;
            g.lost_at[i as usize] = Some(g.board.place(
                "lost",
                &[
                    (ex + ahead * dx, ey + 5.0),
                    (ex, ey + 24.0),
                    (ex, ey - 13.0),
                    (ex - ahead * dx, ey + 5.0),
                ],
            ));
        }
    }

    /// Place the labels of the arrows sent after those placed, up to `sent`.
    fn place_labels(&self, run: &Run, g: &mut Growing, sent: usize) {
        for fl in &run.flights[g.placed.len()..sent] {
            let (ends, end_row) = self.ends(fl);
            let [x1, y1, x2, y2] = ends;
            let marked = flight_mark(
                fl.mark,
                end_row <= self.last && violating(run, fl, self.last),
            );
            let (text, prefix) = label_of(fl, marked);
            // Above the arrow's middle if there is room, else below it,
            // else further along; shortened if nowhere has room.
            let spots: Vec<(f64, f64)> = [0.5, 0.3, 0.7, 0.15, 0.85]
                .iter()
                .flat_map(|k| {
                    let (x, y) = (x1 + (x2 - x1) * k, y1 + (y2 - y1) * k);
                    [(x, y - 7.0), (x, y + 18.0)]
                })
                .collect();
            let label = g.board.place(&text, &spots);
            g.placed.push(Placement {
                ends,
                end_row,
                label,
                prefix,
            });
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

    /// The timers that fired in rows `lo` to `hi`: a mark on the lane at
    /// the row where each fired, its label in that row's gutter line.
    fn timer_piece(&self, run: &Run, lo: u32, hi: u32) -> Html {
        let fired = |i: &u32| run.timers[*i as usize].fired_step.unwrap_or(0);
        let from = self.timers.partition_point(|i| fired(i) < lo);
        let to = self.timers.partition_point(|i| fired(i) <= hi);
        let mut bg = Markup::new();
        for tm in self.timers[from..to]
            .iter()
            .map(|&i| &run.timers[i as usize])
        {
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

    /// The pieces up to row `cursor` that `window` shows: a complete one
    /// made once and kept; the cursor's as one node per row, each made
    /// once, so a step adds a row to the page rather than redrawing its
    /// piece. `make(first, last)` draws rows `first` to `last`.
    fn pieces(
        &self,
        cache: &RefCell<Pieces>,
        cursor: u32,
        window: Option<Window>,
        make: &dyn Fn(u32, u32) -> Html,
    ) -> Vec<Html> {
        let complete = (cursor + 1) / ROWS_PER_PIECE;
        let mut cache = cache.borrow_mut();
        let mut out = Vec::new();
        for p in (0..=cursor / ROWS_PER_PIECE).filter(|&p| Window::shows(window, p, p)) {
            let first = p * ROWS_PER_PIECE;
            if p < complete {
                if cache.complete.len() <= p as usize {
                    cache.complete.resize(p as usize + 1, None);
                }
                let made = cache.complete[p as usize]
                    .get_or_insert_with(|| make(first, first + ROWS_PER_PIECE - 1));
                out.push(keyed(p as usize, made.clone()));
            } else {
                if cache.rows_of != Some(p) {
                    cache.rows_of = Some(p);
                    cache.rows.clear();
                }
                for row in first + cache.rows.len() as u32..=cursor {
                    let made = make(row, row);
                    cache.rows.push(made);
                }
                // Keyed by row: the page keeps the rows it has and adds
                // (or removes) only those that differ.
                let rows = cache.rows[..=(cursor - first) as usize]
                    .iter()
                    .enumerate()
                    .map(|(i, row)| keyed(first as usize + i, row.clone()));
                out.push(keyed(
                    p as usize,
                    Html::VList(std::rc::Rc::new(yew::virtual_dom::VList::with_children(
                        rows.collect(),
                        None,
                    ))),
                ));
            }
        }
        out
    }
}

/// Drawn rows of one kind (row times, timers): each complete piece made
/// once, and the cursor's piece (`rows_of`) row by row.
#[derive(Default)]
struct Pieces {
    complete: Vec<Option<Html>>,
    rows_of: Option<u32>,
    rows: Vec<Html>,
}

/// Draw `run` at step `cursor`, as laid out in `layout`: the rows near
/// `window`, or all of them.
pub fn step_drawing(
    layout: &RunLayout,
    run: &Run,
    cursor: u32,
    window: Option<Window>,
) -> StepDrawing {
    let (lanes, lw, width, height) = (&layout.lanes, layout.lw, layout.width, layout.height);
    let down_actors: &[u16] = run
        .steps
        .get(cursor as usize)
        .map_or(&[], |s| s.down.as_slice());
    // A shared lane is down if any of its actors is.
    let lane_down = |l: usize| down_actors.iter().any(|&a| lanes.lane(a) as usize == l);
    let mark = violation_mark(run, cursor);
    let ticks = layout.pieces(&layout.tick_pieces, cursor, window, &|first, last| {
        let steps = &run.steps;
        let hi = steps.len().min(last as usize + 1);
        RunLayout::tick_piece(&steps[(first as usize).min(hi)..hi])
    });
    let bg = lanes_and_cuts(layout, run, cursor, &lane_down);
    let timers = layout.pieces(&layout.timer_pieces, cursor, window, &|first, last| {
        layout.timer_piece(run, first, last)
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
    layout.extend(run, cursor);
    let arrows = arrows_sent(layout, run, cursor, window, sent);
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

/// The first violation's mark, once step `cursor` has reached it.
fn violation_mark(run: &Run, cursor: u32) -> Markup {
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
    mark
}

/// The lanes at step `cursor` (their lines, heads and "down" marks),
/// then the partitions.
fn lanes_and_cuts(
    layout: &RunLayout,
    run: &Run,
    cursor: u32,
    lane_down: &dyn Fn(usize) -> bool,
) -> Markup {
    let (lanes, lw, width, height) = (&layout.lanes, layout.lw, layout.width, layout.height);
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
    bg
}

/// The first `sent` arrows at step `cursor`, those near `window` (all
/// if none), with their labels as placed.
fn arrows_sent(
    layout: &RunLayout,
    run: &Run,
    cursor: u32,
    window: Option<Window>,
    sent: usize,
) -> Vec<Arrow> {
    let grow = layout.grow.borrow();
    let piece = |row: u32| row / ROWS_PER_PIECE;
    run.flights[..sent]
        .iter()
        .filter(|fl| {
            let end = grow.placed[fl.id as usize].end_row;
            Window::shows(window, piece(fl.send_step), piece(end))
        })
        .map(|fl| {
            let (p, lost_at) = (&grow.placed[fl.id as usize], grow.lost_at[fl.id as usize]);
            arrow(&layout.done, run, fl, p, lost_at, cursor)
        })
        .collect()
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

#[cfg(test)]
#[path = "sequence_step_tests.rs"]
mod tests;
