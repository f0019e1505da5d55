//! Coordinates: x by barycentre pulls under minimum separations (an
//! isotonic fit per rank), y by rank heights, then each edge drawn through
//! its dummies and each label beside its edge.

use crate::layers::{build, neighbours, Kind, Layered};
use crate::{text_width, Graph};

/// Height of a state box (px).
pub const STATE_H: f64 = 28.0;
/// Horizontal padding inside a state box, each side.
const STATE_PAD: f64 = 12.0;
/// Space between two neighbours of a rank.
const GAP: f64 = 14.0;
/// Vertical space between ranks (edges bend there).
const RANK_GAP: f64 = 18.0;
/// Height of a rank of labels.
const LABEL_H: f64 = 16.0;
/// Margin around the drawing.
const MARGIN: f64 = 8.0;
/// Space between an edge and its label.
const LABEL_GAP: f64 = 5.0;
/// Height of one stacked self-loop label.
const LOOP_LINE: f64 = 15.0;

/// A state's box, by centre and width (its height is [`STATE_H`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub cx: f64,
    pub cy: f64,
    pub w: f64,
}

/// An edge: SVG path data (ending where the arrowhead's tip goes) and its
/// label's start point (text-anchor start, baseline).
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeGeom {
    pub path: String,
    pub lx: f64,
    pub ly: f64,
}

/// A machine laid out: its size, a box per state and a drawing per edge
/// (both in the graph's order).
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgeGeom>,
}

/// Space between two edges meeting a state's side.
const PORT: f64 = 13.0;

/// A state's width: its name, or room for the edges meeting one side.
fn state_w(g: &Graph, s: usize) -> f64 {
    let side = |top: bool| {
        g.edges
            .iter()
            .filter(|&&(a, b, _)| a != b && (if top { b } else { a }) == s)
            .count()
    };
    // Edges may meet either side (a reversed edge leaves through the top).
    let ports = side(true) + side(false);
    (text_width(g.nodes[s]) * crate::BOLD + 2.0 * STATE_PAD)
        .max(PORT * (ports as f64 + 1.0) * 0.75 + 2.0 * STATE_PAD)
}

/// Horizontal extent right of a state's box taken by its self-loops.
fn loop_x(k: usize) -> f64 {
    16.0 + 14.0 * k as f64
}

/// Extent of each node left and right of its anchor (the x edges meet).
fn extents(g: &Graph, l: &Layered, label_of: &[usize]) -> Vec<(f64, f64)> {
    l.nodes
        .iter()
        .enumerate()
        .map(|(id, n)| match n.kind {
            Kind::State(s) => {
                let half = state_w(g, s) / 2.0;
                let loops = &l.loops[s];
                let extra = loops
                    .iter()
                    .map(|&e| text_width(g.edges[e].2))
                    .fold(0.0, f64::max);
                if loops.is_empty() {
                    (half, half)
                } else {
                    (half, half + loop_x(loops.len() - 1) + LABEL_GAP + extra)
                }
            }
            Kind::Dummy => (2.0, 2.0),
            Kind::Label => (2.0, LABEL_GAP + text_width(g.edges[label_of[id]].2) + 2.0),
        })
        .collect()
}

/// Least-squares fit of `want` under `x[i+1] - x[i] >= sep[i]` (pool
/// adjacent violators on the separation-shifted targets).
fn fit(want: &[f64], sep: &[f64]) -> Vec<f64> {
    let mut off = vec![0.0; want.len()];
    for i in 1..want.len() {
        off[i] = off[i - 1] + sep[i - 1];
    }
    // Blocks of (mean, count).
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for i in 0..want.len() {
        blocks.push((want[i] - off[i], 1));
        while blocks.len() > 1 && blocks[blocks.len() - 2].0 > blocks[blocks.len() - 1].0 {
            let (m2, c2) = blocks.pop().unwrap_or((0.0, 0));
            let (m1, c1) = blocks.pop().unwrap_or((0.0, 0));
            blocks.push((
                (m1 * c1 as f64 + m2 * c2 as f64) / (c1 + c2) as f64,
                c1 + c2,
            ));
        }
    }
    let mut out = Vec::with_capacity(want.len());
    for (m, c) in blocks {
        for _ in 0..c {
            out.push(m + off[out.len()]);
        }
    }
    out
}

fn x_coordinates(l: &Layered, ext: &[(f64, f64)]) -> Vec<f64> {
    let (up, dn) = neighbours(l);
    let mut x = vec![0.0; l.nodes.len()];
    let seps = |rank: &[usize]| -> Vec<f64> {
        rank.windows(2)
            .map(|w| ext[w[0]].1 + GAP + ext[w[1]].0)
            .collect()
    };
    for rank in &l.ranks {
        let fitted = fit(&vec![0.0; rank.len()], &seps(rank));
        for (i, &v) in rank.iter().enumerate() {
            x[v] = fitted[i];
        }
    }
    for round in 0..40 {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..l.ranks.len()).collect()
        } else {
            (0..l.ranks.len()).rev().collect()
        };
        for r in order {
            let rank = &l.ranks[r];
            let want: Vec<f64> = rank
                .iter()
                .map(|&v| {
                    let ns: Vec<usize> = up[v].iter().chain(&dn[v]).copied().collect();
                    if ns.is_empty() {
                        x[v]
                    } else {
                        ns.iter().map(|&n| x[n]).sum::<f64>() / ns.len() as f64
                    }
                })
                .collect();
            let fitted = fit(&want, &seps(rank));
            for (i, &v) in rank.iter().enumerate() {
                x[v] = fitted[i];
            }
        }
    }
    straighten(l, ext, &mut x);
    let left = (0..x.len())
        .map(|v| x[v] - ext[v].0)
        .fold(f64::MAX, f64::min);
    x.iter().map(|v| (v - left + MARGIN).round()).collect()
}

/// Put each edge's dummies on one vertical line where the neighbours of
/// every rank it crosses leave room, so long edges run straight.
fn straighten(l: &Layered, ext: &[(f64, f64)], x: &mut [f64]) {
    let mut slot = vec![(0usize, 0usize); l.nodes.len()];
    for (r, rank) in l.ranks.iter().enumerate() {
        for (i, &v) in rank.iter().enumerate() {
            slot[v] = (r, i);
        }
    }
    for _ in 0..3 {
        for c in &l.chains {
            let inner = &c.nodes[1..c.nodes.len() - 1];
            if inner.len() < 2 {
                continue;
            }
            let fits = |at: f64, x: &[f64]| {
                inner.iter().all(|&v| {
                    let (r, i) = slot[v];
                    let rank = &l.ranks[r];
                    let left_ok =
                        i == 0 || x[rank[i - 1]] + ext[rank[i - 1]].1 + GAP <= at - ext[v].0;
                    let right_ok = i + 1 == rank.len()
                        || at + ext[v].1 + GAP <= x[rank[i + 1]] - ext[rank[i + 1]].0;
                    left_ok && right_ok
                })
            };
            let mut tries: Vec<f64> = inner.iter().map(|&v| x[v]).collect();
            let mean = tries.iter().sum::<f64>() / tries.len() as f64;
            tries.sort_by(|a, b| {
                (a - mean)
                    .abs()
                    .partial_cmp(&(b - mean).abs())
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            if let Some(at) = tries.into_iter().find(|&at| fits(at, x)) {
                for &v in inner {
                    x[v] = at;
                }
            }
        }
    }
}

/// Lay out `g` (node 0 is the initial state, drawn at the top).
pub fn layout(g: &Graph) -> Layout {
    let l = build(g, &|e| text_width(g.edges[e].2) + LABEL_GAP + GAP);
    let label_of = label_edges(&l);
    let ext = extents(g, &l, &label_of);
    let x = x_coordinates(&l, &ext);

    let (band, y) = rank_bands(&l);
    let height = (y - RANK_GAP + MARGIN).round();
    let width = (0..x.len()).map(|v| x[v] + ext[v].1).fold(0.0, f64::max) + MARGIN;

    let nodes: Vec<NodeBox> = (0..g.nodes.len())
        .map(|s| NodeBox {
            cx: x[s],
            cy: band_centre(&band, l.nodes[s].rank),
            w: state_w(g, s).round(),
        })
        .collect();
    let mut edges = vec![
        EdgeGeom {
            path: String::new(),
            lx: 0.0,
            ly: 0.0
        };
        g.edges.len()
    ];
    route_chains(&l, &x, &band, &nodes, &mut edges);
    route_loops(&l, &nodes, &mut edges);
    Layout {
        width: width.round(),
        height,
        nodes,
        edges,
    }
}

/// For each node of the layered graph, the edge whose label it is
/// (`usize::MAX` if it is no label).
fn label_edges(l: &Layered) -> Vec<usize> {
    let mut label_of = vec![usize::MAX; l.nodes.len()];
    for c in &l.chains {
        for &v in &c.nodes {
            if l.nodes[v].kind == Kind::Label {
                label_of[v] = c.edge;
            }
        }
    }
    label_of
}

/// Rank bands, top to bottom (each its top and bottom), and the `y` past
/// the last band and its gap.
fn rank_bands(l: &Layered) -> (Vec<(f64, f64)>, f64) {
    let mut band = Vec::with_capacity(l.ranks.len());
    let mut y = MARGIN;
    for (r, rank) in l.ranks.iter().enumerate() {
        let h = if r % 2 == 0 {
            rank.iter()
                .map(|&v| match l.nodes[v].kind {
                    Kind::State(s) => loops_h(l.loops[s].len()),
                    _ => 0.0,
                })
                .fold(STATE_H, f64::max)
        } else if rank.iter().any(|&v| l.nodes[v].kind == Kind::Label) {
            LABEL_H
        } else {
            4.0
        };
        band.push((y, y + h));
        y += h + RANK_GAP;
    }
    (band, y)
}

/// The middle of rank `r`'s band, rounded.
fn band_centre(band: &[(f64, f64)], r: usize) -> f64 {
    ((band[r].0 + band[r].1) / 2.0).round()
}

/// Each edge between two states: its path down its chain of dummies (one
/// vertical run through each band) and its label beside its label node.
fn route_chains(
    l: &Layered,
    x: &[f64],
    band: &[(f64, f64)],
    nodes: &[NodeBox],
    edges: &mut [EdgeGeom],
) {
    let ports = ports(l, x, nodes);
    for (k, c) in l.chains.iter().enumerate() {
        let (a, b) = (c.nodes[0], c.nodes[c.nodes.len() - 1]);
        let mut pts = vec![(ports[k].0, nodes[a].cy + STATE_H / 2.0)];
        for &v in &c.nodes[1..c.nodes.len() - 1] {
            let r = l.nodes[v].rank;
            pts.push((x[v], band[r].0));
            pts.push((x[v], band[r].1));
            if l.nodes[v].kind == Kind::Label {
                edges[c.edge].lx = x[v] + LABEL_GAP;
                edges[c.edge].ly = band_centre(band, r) + 4.0;
            }
        }
        pts.push((ports[k].1, nodes[b].cy - STATE_H / 2.0));
        if c.reversed {
            pts.reverse();
        }
        edges[c.edge].path = path(&pts);
    }
}

/// Each self-loop: its path round the right end of its state, and its
/// label right of all that state's loops.
fn route_loops(l: &Layered, nodes: &[NodeBox], edges: &mut [EdgeGeom]) {
    for (s, loops) in l.loops.iter().enumerate() {
        let n = &nodes[s];
        let right = n.cx + n.w / 2.0;
        let last = loop_x(loops.len().saturating_sub(1));
        for (k, &e) in loops.iter().enumerate() {
            let (dy, out) = (4.0 + 4.0 * k as f64, loop_x(k) * 4.0 / 3.0);
            let y0 = n.cy - dy;
            let bulge = 8.0 + 4.0 * k as f64;
            // Each loop leaves the right end higher than the one inside it
            // and comes back further round the end's lower arc, straight
            // at the state, so their arrowheads sit apart (35° apart on the
            // arc, then 10 apart along the bottom edge).
            let (end, inward) = loop_end(n, k);
            let reach = 10.0 + 6.0 * k as f64;
            // It leaves from the outline of the state's round right end.
            let r = STATE_H / 2.0;
            let x0 = right - r + (r * r - dy.min(r) * dy.min(r)).sqrt();
            edges[e].path = format!(
                "M{} {}C{} {} {} {} {} {}",
                px(x0),
                px(y0),
                px(right + out),
                px(y0 - bulge),
                px(end.0 - inward.0 * reach),
                px(end.1 - inward.1 * reach),
                px(end.0),
                px(end.1)
            );
            edges[e].lx = (right + last + LABEL_GAP).round();
            edges[e].ly = n.cy + 4.0 + LOOP_LINE * (k as f64 - (loops.len() - 1) as f64 / 2.0);
        }
    }
}

/// Where a state's `k`th self-loop ends on its outline, and the direction
/// it arrives in (unit vector, into the state). The right end of a state
/// is a half circle of radius `STATE_H / 2`.
fn loop_end(n: &NodeBox, k: usize) -> ((f64, f64), (f64, f64)) {
    let r = STATE_H / 2.0;
    let (ox, oy) = (n.cx + n.w / 2.0 - r, n.cy);
    let deg = 20.0 + 35.0 * k as f64;
    if deg <= 90.0 {
        let (sin, cos) = deg.to_radians().sin_cos();
        ((ox + r * cos, oy + r * sin), (-cos, -sin))
    } else {
        let x = ox - 10.0 * (k as f64 - 2.0);
        ((x.max(n.cx - n.w / 2.0 + r), oy + r), (0.0, -1.0))
    }
}

/// Height a state needs for `n` self-loops and their stacked labels.
fn loops_h(n: usize) -> f64 {
    if n == 0 {
        return STATE_H;
    }
    let k = (n - 1) as f64;
    (n as f64 * LOOP_LINE + 4.0).max(2.0 * (4.0 + 4.0 * k + 0.75 * (8.0 + 4.0 * k)) + 4.0)
}

/// Where each chain leaves its top state and enters its bottom state:
/// spread over the box's width in the order of the neighbouring points.
fn ports(l: &Layered, x: &[f64], nodes: &[super::NodeBox]) -> Vec<(f64, f64)> {
    let mut out = vec![(0.0, 0.0); l.chains.len()];
    for (s, n) in nodes.iter().enumerate() {
        for bottom in [true, false] {
            let mut mine: Vec<(f64, usize)> = l
                .chains
                .iter()
                .enumerate()
                .filter_map(|(k, c)| {
                    let len = c.nodes.len();
                    if bottom && c.nodes[0] == s {
                        Some((x[c.nodes[1]], k))
                    } else if !bottom && c.nodes[len - 1] == s {
                        Some((x[c.nodes[len - 2]], k))
                    } else {
                        None
                    }
                })
                .collect();
            mine.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            let m = mine.len() as f64;
            let span = (n.w - 2.0 * STATE_PAD).max(0.0);
            for (i, &(_, k)) in mine.iter().enumerate() {
                let px = (n.cx - span / 2.0 + span * (i as f64 + 1.0) / (m + 1.0)).round();
                if bottom {
                    out[k].0 = px;
                } else {
                    out[k].1 = px;
                }
            }
        }
    }
    out
}

fn px(v: f64) -> String {
    format!("{}", v.round() as i64)
}

/// A path through `pts`: straight down inside a rank (merged into one
/// `V`), an S-curve across the gap between ranks. Written compactly: the
/// web app ships these strings.
fn path(pts: &[(f64, f64)]) -> String {
    let mut d = format!("M{} {}", px(pts[0].0), px(pts[0].1));
    let mut i = 1;
    while i < pts.len() {
        let ((x0, y0), (x1, y1)) = (pts[i - 1], pts[i]);
        if (x0 - x1).abs() < 0.5 {
            // Run down every point on this vertical line.
            let mut j = i;
            while j + 1 < pts.len() && (pts[j + 1].0 - x1).abs() < 0.5 {
                j += 1;
            }
            d += &format!("V{}", px(pts[j].1));
            i = j + 1;
        } else {
            let ym = px((y0 + y1) / 2.0);
            d += &format!("C{} {ym} {} {ym} {} {}", px(x0), px(x1), px(x1), px(y1));
            i += 1;
        }
    }
    d
}
