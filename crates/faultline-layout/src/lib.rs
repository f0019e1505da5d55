//! Layered layout of a state machine, computed natively (the web app's
//! build script runs it and ships the coordinates as data, so the wasm
//! carries no layout code).
//!
//! The steps are those of a Sugiyama-style layout, top to bottom:
//! back edges reversed (depth-first), states ranked by longest path,
//! every edge cut into one dummy per rank it crosses (with a rank of
//! labels between every two ranks of states, so each edge has a dummy
//! that carries its label), crossings reduced by barycentre sweeps,
//! x coordinates pulled towards neighbours without overlap, and edges
//! drawn through their dummies. Nothing but states sits on a state rank
//! and nothing but labels and dummies on a label rank, so no label
//! covers a state, no two labels overlap and no edge runs through a
//! state (the tests in `tests/` check it geometrically). Self-loops are
//! nested on a state's right side with their labels stacked beside them.

mod layers;
mod place;

pub use place::{layout, EdgeGeom, Layout, NodeBox};

/// A directed graph: node names, and edges `(from, to, label)`.
#[derive(Clone, Debug, Default)]
pub struct Graph<'a> {
    pub nodes: Vec<&'a str>,
    pub edges: Vec<(usize, usize, &'a str)>,
}

/// Font size of every label (px): the smallest the diagrams may show.
pub const FONT_PX: f64 = 12.0;

/// How much wider bold text is (the current state's name is bold).
pub const BOLD: f64 = 1.12;

/// Width of `text` at [`FONT_PX`]: DejaVu Sans's advance widths (the
/// widest common fallback for `system-ui`, and the font of Debian's
/// Chromium), 4% to spare.
pub fn text_width(text: &str) -> f64 {
    const LOWER: [f64; 26] = [
        0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974,
        0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525,
    ];
    const UPPER: [f64; 26] = [
        0.684, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863,
        0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685,
    ];
    text.chars()
        .map(|c| match c {
            'a'..='z' => LOWER[c as usize - 'a' as usize],
            'A'..='Z' => UPPER[c as usize - 'A' as usize],
            '0'..='9' => 0.636,
            '_' => 0.5,
            ' ' | '.' | ',' | ':' | ';' | '/' => 0.34,
            _ => 0.84,
        })
        .sum::<f64>()
        * FONT_PX
        * 1.04
}
