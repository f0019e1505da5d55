//! Every machine of every registered lab, laid out: no two labels
//! overlap, no label covers a state, no edge runs through a state it does
//! not join (estimated text widths; the browser test in
//! e2e/geometry.test.mjs measures the real fonts). Set
//! `FAULTLINE_LAYOUT_SVG=dir` to write each drawing there.

use faultline_layout::{layout, text_width, Graph, Layout, FONT_PX};
use faultline_sim::machine::StateMachine;

fn machines() -> Vec<&'static StateMachine> {
    let mut out: Vec<&'static StateMachine> = Vec::new();
    for lab in faultline_sim::labs() {
        for p in &lab.presets {
            let run = faultline_sim::simulate(&(p.scenario)()).expect("preset runs");
            for a in &run.actors {
                if !out.iter().any(|m| m.name == a.machine.name) {
                    out.push(a.machine);
                }
            }
        }
    }
    out
}

fn graph(m: &'static StateMachine) -> Graph<'static> {
    Graph {
        nodes: m.states.to_vec(),
        edges: m.indexed_edges(),
    }
}

type Rect = (f64, f64, f64, f64); // left, top, right, bottom

fn overlap(a: Rect, b: Rect) -> bool {
    a.2.min(b.2) - a.0.max(b.0) > 0.5 && a.3.min(b.3) - a.1.max(b.1) > 0.5
}

fn label_rect(l: &Layout, e: usize, text: &str) -> Rect {
    let g = &l.edges[e];
    (
        g.lx,
        g.ly - FONT_PX + 1.0,
        g.lx + text_width(text),
        g.ly + 3.0,
    )
}

fn state_rect(l: &Layout, s: usize) -> Rect {
    let n = &l.nodes[s];
    (n.cx - n.w / 2.0, n.cy - 14.0, n.cx + n.w / 2.0, n.cy + 14.0)
}

/// Points along a path of M, V and C commands (absolute, as `path` writes them).
fn samples(d: &str) -> Vec<(f64, f64)> {
    let spaced: String = d
        .chars()
        .flat_map(|c| {
            if c.is_ascii_alphabetic() {
                vec![' ', c, ' ']
            } else {
                vec![c]
            }
        })
        .collect();
    let tok: Vec<&str> = spaced.split_whitespace().collect();
    let num = |i: usize| tok[i].parse::<f64>().expect("number");
    let (mut out, mut i, mut at) = (Vec::new(), 0, (0.0, 0.0));
    while i < tok.len() {
        match tok[i] {
            "M" => {
                at = (num(i + 1), num(i + 2));
                out.push(at);
                i += 3;
            }
            "V" => {
                let to = (at.0, num(i + 1));
                for k in 1..=20 {
                    let t = f64::from(k) / 20.0;
                    out.push((at.0, at.1 + (to.1 - at.1) * t));
                }
                at = to;
                i += 2;
            }
            "C" => {
                let (c1, c2, to) = (
                    (num(i + 1), num(i + 2)),
                    (num(i + 3), num(i + 4)),
                    (num(i + 5), num(i + 6)),
                );
                for k in 1..=40 {
                    let t = f64::from(k) / 40.0;
                    let u = 1.0 - t;
                    let b = |p0: f64, p1: f64, p2: f64, p3: f64| {
                        u * u * u * p0
                            + 3.0 * u * u * t * p1
                            + 3.0 * u * t * t * p2
                            + t * t * t * p3
                    };
                    out.push((b(at.0, c1.0, c2.0, to.0), b(at.1, c1.1, c2.1, to.1)));
                }
                at = to;
                i += 7;
            }
            other => panic!("unexpected path command {other}"),
        }
    }
    out
}

fn svg(m: &StateMachine, l: &Layout) -> String {
    let mut s = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' font-size='12'>\
         <defs><marker id='a' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' markerHeight='6' orient='auto'><path d='M0 0L10 5L0 10z'/></marker></defs>",
        l.width, l.height
    );
    for (k, t) in m.transitions.iter().enumerate() {
        let e = &l.edges[k];
        s += &format!(
            "<path d='{}' fill='none' stroke='#777' marker-end='url(#a)'/><text x='{}' y='{}' fill='#555'>{}</text>",
            e.path, e.lx, e.ly, t.event
        );
    }
    for (i, st) in m.states.iter().enumerate() {
        let n = &l.nodes[i];
        s += &format!(
            "<rect x='{}' y='{}' width='{}' height='28' rx='14' fill='#eef' stroke='#99a'/><text x='{}' y='{}' text-anchor='middle'>{}</text>",
            n.cx - n.w / 2.0, n.cy - 14.0, n.w, n.cx, n.cy + 4.0, st
        );
    }
    s + "</svg>"
}

#[test]
fn every_machine_is_laid_out_without_overlaps() {
    let dir = std::env::var("FAULTLINE_LAYOUT_SVG").ok();
    let all = machines();
    assert!(all.len() >= 4, "the labs' machines were found");
    for m in all {
        let l = layout(&graph(m));
        if let Some(dir) = &dir {
            std::fs::write(
                format!("{dir}/{}.svg", m.name.replace(' ', "_")),
                svg(m, &l),
            )
            .unwrap();
        }
        let labels: Vec<Rect> = m
            .transitions
            .iter()
            .enumerate()
            .map(|(k, t)| label_rect(&l, k, t.event))
            .collect();
        let states: Vec<Rect> = (0..m.states.len()).map(|s| state_rect(&l, s)).collect();
        for i in 0..labels.len() {
            for j in i + 1..labels.len() {
                assert!(
                    !overlap(labels[i], labels[j]),
                    "{}: labels {i} and {j} overlap",
                    m.name
                );
            }
            for (s, r) in states.iter().enumerate() {
                assert!(
                    !overlap(labels[i], *r),
                    "{}: label {i} covers state {s}",
                    m.name
                );
            }
        }
        for (k, t) in m.transitions.iter().enumerate() {
            let (a, b) = (m.index_of(t.from).unwrap(), m.index_of(t.to).unwrap());
            for p in samples(&l.edges[k].path) {
                for (s, r) in states.iter().enumerate() {
                    let inside =
                        p.0 > r.0 + 1.0 && p.0 < r.2 - 1.0 && p.1 > r.1 + 1.0 && p.1 < r.3 - 1.0;
                    assert!(
                        s == a || s == b || !inside,
                        "{}: edge {} runs through {}",
                        m.name,
                        t.event,
                        m.states[s]
                    );
                }
            }
        }
        for r in labels.iter().chain(&states) {
            assert!(
                r.0 >= 0.0 && r.2 <= l.width && r.1 >= 0.0 && r.3 <= l.height,
                "{}: inside the drawing",
                m.name
            );
        }
        let heads: Vec<Rect> = (0..m.transitions.len())
            .map(|k| arrowhead(&l.edges[k].path))
            .collect();
        for i in 0..heads.len() {
            for j in i + 1..heads.len() {
                assert!(
                    !overlap(heads[i], heads[j]),
                    "{}: the arrowheads of {} and {} overlap ({:?} × {:?})",
                    m.name,
                    m.transitions[i].event,
                    m.transitions[j].event,
                    heads[i],
                    heads[j]
                );
            }
        }
    }
}

/// The box of an edge's arrowhead as the machine panel draws it (a marker
/// 8 units long and 8 wide, its tip at the path's end, along the last
/// stretch of the path).
fn arrowhead(d: &str) -> Rect {
    const SIZE: f64 = 8.0;
    let pts = samples(d);
    let end = pts[pts.len() - 1];
    let before = pts[pts.len() - 2];
    let len = ((end.0 - before.0).powi(2) + (end.1 - before.1).powi(2)).sqrt();
    let (ux, uy) = ((end.0 - before.0) / len, (end.1 - before.1) / len);
    let back = (end.0 - ux * SIZE * 0.9, end.1 - uy * SIZE * 0.9);
    let half = SIZE / 2.0;
    let corners = [
        end,
        (back.0 - uy * half, back.1 + ux * half),
        (back.0 + uy * half, back.1 - ux * half),
    ];
    let xs = corners.map(|c| c.0);
    let ys = corners.map(|c| c.1);
    let min = |v: [f64; 3]| v.iter().copied().fold(f64::MAX, f64::min);
    let max = |v: [f64; 3]| v.iter().copied().fold(f64::MIN, f64::max);
    (min(xs), min(ys), max(xs), max(ys))
}

#[test]
fn the_layout_is_deterministic() {
    for m in machines() {
        assert_eq!(layout(&graph(m)), layout(&graph(m)));
    }
}

#[test]
fn text_widths_match_what_chromium_measured() {
    // getComputedTextLength at 12 px in Debian's Chromium (DejaVu Sans);
    // "awaiting_response" was the current state, in bold.
    for (text, bold, measured) in [
        ("over_capacity_503", false, 112.2),
        ("approved_more_waiting", false, 143.6),
        ("IN_FLIGHT", false, 61.3),
        ("awaiting_response", true, 126.2),
    ] {
        let w = text_width(text) * if bold { faultline_layout::BOLD } else { 1.0 };
        assert!(
            w >= measured && w <= measured * 1.08,
            "{text}: estimated {w}, measured {measured}"
        );
    }
}
