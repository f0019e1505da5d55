//! The sequence diagram's drawing vocabulary: where lanes and rows are
//! (lane spacing, rows, the time axis), and the pieces drawn as SVG text
//! (a message's mark, a timer's shape, a partition's cut, a lane's head).
//! Used by the per-step drawing (`sequence_step.rs`) and the component
//! (`sequence.rs`).

use super::lanes::{fits, Lanes};
use super::placement::{text_w, Board};
pub use super::raw::keyed;
use crate::markup::Markup;
use faultline_sim::actor::TimerKind;
use faultline_sim::message::Mark;
use faultline_sim::trace::{CutMark, Run};

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
pub const PROJECTOR_W: f64 = 560.0;
/// Left gutter: each row's step and time, its timer label, its violation mark.
pub const LEFT: f64 = 132.0;
/// Where the gutter's text starts (the violation mark sits before it).
pub const GUTTER_X: f64 = 18.0;
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

/// What marks a message besides its colour: a glyph before its label and
/// a class (whose dash pattern the stylesheet sets). Lost messages have
/// their cross and "lost" label; a message that broke an invariant gets ✗.
pub fn flight_mark(mark: Mark, violating: bool) -> Option<(&'static str, &'static str)> {
    match (violating, mark) {
        (true, _) => Some(("violating", "✗")),
        (_, Mark::Refused) => Some(("refused", "⊘")),
        (_, Mark::Replayed) => Some(("replayed", "↻")),
        (_, Mark::Plain) => None,
    }
}

pub fn f(v: f64) -> String {
    crate::fmt::px(v)
}

/// How a timer of each kind is drawn: its class and its mark (a shape
/// that differs by kind, so meaning never rests on colour alone), as SVG.
pub fn timer_style(kind: TimerKind, x: f64, y: f64) -> (&'static str, Markup) {
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
pub fn cut_mark(
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
pub fn lane_title(out: &mut Markup, title: &str, x: f64, w: f64) {
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
pub fn lane_head(out: &mut Markup, title: &str, x: f64, head_w: f64) {
    markup!(
        out,
        "<rect x=\"{}\" y=\"8\" width=\"{}\" height=\"30\" rx=\"6\" class=\"lane-head\"></rect>",
        f(x - head_w / 2.0),
        f(head_w)
    );
    lane_title(out, title, x, head_w);
}
