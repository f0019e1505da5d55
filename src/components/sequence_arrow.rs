//! One arrow of the sequence diagram at a step: an arrived one's whole
//! drawing (made once per run and marking, then reused), or, in flight,
//! what `sequence.rs` moves each frame (its line's end and its packet),
//! with the label placed for the run by `sequence_step::RunLayout`.

use super::placement::Placed;
use super::sequence_parts::*;
use crate::markup::{IntoHtml, Markup};
use faultline_sim::message::MsgClass;
use faultline_sim::trace::{Fate, Flight, Run};
use std::cell::RefCell;
use yew::prelude::*;

/// One arrow's place in the run's drawing.
#[derive(Clone, Copy)]
pub struct Placement {
    pub(super) ends: [f64; 4],
    /// The row it arrives (or is lost) at; past the last row if never.
    pub(super) end_row: u32,
    /// Its label, placed with the glyph it has at the run's end.
    pub(super) label: Placed,
    /// Bytes of that label before its tag and text (a glyph and a space).
    pub(super) prefix: usize,
}

/// Arrived arrows' drawings, made once per run: by flight, and by whether
/// the arrow is marked as breaking an invariant.
pub type DoneArrows = RefCell<Vec<[Option<Html>; 2]>>;

/// An arrow as drawn at a step.
pub enum Arrow {
    /// It has arrived (or was lost): its flight and whole drawing, which
    /// no longer moves.
    Done(u32, Html),
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

/// Whether `fl` broke an invariant by step `cursor`: the message handled
/// at a violation's step (or, if a timer fired there, those it sent).
pub(super) fn violating(run: &Run, fl: &Flight, cursor: u32) -> bool {
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
pub(super) fn label_of(fl: &Flight, marked: Option<(&str, &str)>) -> (String, usize) {
    let tag = fl.tag().map(|t| format!("[{t}] ")).unwrap_or_default();
    match marked {
        Some((_, glyph)) => (format!("{glyph} {tag}{}", fl.label()), glyph.len() + 1),
        None => (format!("{tag}{}", fl.label()), 0),
    }
}

/// Where an arrow that has arrived ends: at its receiver, or, lost, 60%
/// of the way there.
pub fn end(x1: f64, y1: f64, x2: f64, y2: f64, lost: bool) -> (f64, f64) {
    let stop = if lost { 0.6 } else { 1.0 };
    (x1 + (x2 - x1) * stop, y1 + (y2 - y1) * stop)
}

/// One arrow at step `cursor`: arrived, its whole drawing (made once per
/// run and marking); in flight, what `sequence.rs` moves.
pub(super) fn arrow(
    done: &DoneArrows,
    run: &Run,
    fl: &Flight,
    p: &Placement,
    lost_at: Option<Placed>,
    cursor: u32,
) -> Arrow {
    let arrived = p.end_row <= cursor;
    let violating = arrived && violating(run, fl, cursor);
    if arrived {
        let cached = done.borrow()[fl.id as usize][usize::from(violating)].clone();
        if let Some(done) = cached {
            return Arrow::Done(fl.id, done);
        }
    }
    let marked = flight_mark(fl.mark, violating);
    let state = flight_state(fl, arrived);
    let (label, prefix) = label_of(fl, marked);
    // The placed label was made with the glyph it has at the run's end:
    // the same words show, after this step's glyph.
    let shown = match p.label.shown {
        0 => 0,
        n => prefix + n.saturating_sub(p.prefix).min(label.len() - prefix),
    };
    let (head, tail) = label.split_at(shown);
    let tooltip = tooltip_of(run, fl, &label);
    let class = class_of(state, fl, marked);
    let text = label_markup(fl, p, head, tail, lost_at.filter(|_| arrived));

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
    let drawing = arrived_drawing(fl, p, class, &tooltip, &text);
    done.borrow_mut()[fl.id as usize][usize::from(violating)] = Some(drawing.clone());
    Arrow::Done(fl.id, drawing)
}

/// A flight's state word for its class: lost, to a down receiver, arrived
/// or still in flight.
fn flight_state(fl: &Flight, arrived: bool) -> &'static str {
    match fl.fate {
        Fate::Dropped => "dropped",
        Fate::ReceiverDown => "receiver-down",
        _ if arrived => "delivered",
        _ => "in-flight",
    }
}

/// An arrow's tooltip: who sent it and to whom, its label and its note.
fn tooltip_of(run: &Run, fl: &Flight, label: &str) -> String {
    // Who sent it and to whom, by name: on a shared lane ("Client ×12")
    // the arrow alone does not say which client.
    let (from, to) = (
        &run.actors[fl.from as usize].title,
        &run.actors[fl.to as usize].title,
    );
    match &fl.note {
        Some(n) => format!("{from} → {to}: {label} ({n})"),
        None => format!("{from} → {to}: {label}"),
    }
}

/// An arrow element's class: its state, then response, duplicate and mark.
fn class_of(state: &str, fl: &Flight, marked: Option<(&str, &str)>) -> String {
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
    class
}

/// An arrow's label (its shown `head`, the cut `tail`), and for a lost
/// message the "lost" beside its cross.
fn label_markup(
    fl: &Flight,
    p: &Placement,
    head: &str,
    tail: &str,
    lost_at: Option<Placed>,
) -> Markup {
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
    text
}

/// An arrived arrow's whole drawing: its line to where it ended, a cross
/// where it was lost or refused, and its label.
fn arrived_drawing(
    fl: &Flight,
    p: &Placement,
    class: String,
    tooltip: &str,
    text: &Markup,
) -> Html {
    let [x1, y1, x2, y2] = p.ends;
    let lost = fl.fate == Fate::Dropped;
    let headed = !lost && fl.fate != Fate::ReceiverDown;
    let (ex, ey) = end(x1, y1, x2, y2, lost);
    let mut g = Markup::from_lit("<g class=\"");
    markup!(g, "{}\" data-flight=\"{}\"><title>", class, fl.id);
    g.text(tooltip);
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
    g.markup(text).lit("</g>");
    g.into_html()
}
