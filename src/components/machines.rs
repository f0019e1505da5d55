//! State machine panels, drawn from the transition table the actor runs:
//! states on a circle, one arrow per transition, the current state filled
//! and the transition just taken highlighted.

use faultline_sim::machine::{StateMachine, Transition};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub title: String,
    pub machine: &'static StateMachine,
    pub current: &'static str,
    #[prop_or_default]
    pub taken: Option<Transition>,
    /// The actor is crashed: its machine is not running.
    #[prop_or_default]
    pub down: bool,
    /// For actors that run many instances: the instance picker.
    #[prop_or_default]
    pub children: Html,
}

const COL_W: f64 = 150.0;
const ROW_H: f64 = 54.0;
const PAD: f64 = 30.0;

/// Layered layout: a state's column is its distance from the initial state
/// (breadth-first over the table), its row its order within the column.
pub fn layout(m: &StateMachine) -> Vec<(f64, f64)> {
    let n = m.states.len();
    let mut depth = vec![usize::MAX; n];
    depth[0] = 0;
    let mut queue = vec![0usize];
    let mut head = 0;
    while head < queue.len() {
        let i = queue[head];
        head += 1;
        for t in m.transitions.iter().filter(|t| t.from == m.states[i]) {
            if let Some(j) = m.index_of(t.to) {
                if depth[j] == usize::MAX {
                    depth[j] = depth[i] + 1;
                    queue.push(j);
                }
            }
        }
    }
    // Terminal states (no way out) go in a last column of their own, so the
    // arrows into them do not cross the rest of the machine.
    let terminal: Vec<bool> = (0..n)
        .map(|i| {
            !m.transitions
                .iter()
                .any(|t| t.from == m.states[i] && t.to != m.states[i])
        })
        .collect();
    let max_depth = (0..n)
        .filter(|&i| depth[i] != usize::MAX && !terminal[i])
        .map(|i| depth[i])
        .max()
        .unwrap_or(0);
    for i in 0..n {
        if depth[i] == usize::MAX || (terminal[i] && i != 0) {
            depth[i] = max_depth + 1;
        }
    }
    let mut row_in_col = vec![0usize; n + 2];
    (0..n)
        .map(|i| {
            let r = row_in_col[depth[i]];
            row_in_col[depth[i]] += 1;
            (
                PAD + 60.0 + depth[i] as f64 * COL_W,
                PAD + 16.0 + r as f64 * ROW_H,
            )
        })
        .collect()
}

fn f(v: f64) -> String {
    crate::fmt::px(v)
}

#[component]
pub fn MachinePanel(p: &Props) -> Html {
    let m = p.machine;
    let pos = layout(m);
    let w = pos.iter().map(|p| p.0).fold(0.0, f64::max) + 60.0 + PAD;
    let h = pos.iter().map(|p| p.1).fold(0.0, f64::max) + 16.0 + PAD;
    let idx = |s: &str| m.states.iter().position(|x| *x == s).unwrap_or(0);
    let arrows = m.transitions.iter().enumerate().map(|(k, t)| {
        let (a, b) = (pos[idx(t.from)], pos[idx(t.to)]);
        let taken = p.taken.is_some_and(|x| x == *t);
        let class = classes!("edge", taken.then_some("taken"));
        // Parallel edges between the same two states fan out.
        let parallel = m.transitions[..k]
            .iter()
            .filter(|o| (o.from == t.from && o.to == t.to) || (o.from == t.to && o.to == t.from))
            .count() as f64;
        let (path, lx, ly) = if t.from == t.to {
            let lift = 34.0 + parallel * 14.0;
            (
                format!(
                    "M {} {} C {} {} {} {} {} {}",
                    f(a.0 - 12.0),
                    f(a.1 - 14.0),
                    f(a.0 - 40.0),
                    f(a.1 - lift - 10.0),
                    f(a.0 + 40.0),
                    f(a.1 - lift - 10.0),
                    f(a.0 + 12.0),
                    f(a.1 - 14.0)
                ),
                a.0,
                a.1 - lift,
            )
        } else {
            let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let bend = 14.0 + parallel * 20.0;
            let (cx, cy) = (mx - dy / len * bend, my + dx / len * bend);
            // Stop short of the target box.
            let (ex, ey) = (b.0 - dx / len * 30.0, b.1 - dy / len * 16.0);
            // Label at the curve's midpoint.
            let (lx, ly) = (
                0.25 * a.0 + 0.5 * cx + 0.25 * ex,
                0.25 * a.1 + 0.5 * cy + 0.25 * ey,
            );
            (
                format!(
                    "M {} {} Q {} {} {} {}",
                    f(a.0),
                    f(a.1),
                    f(cx),
                    f(cy),
                    f(ex),
                    f(ey)
                ),
                lx,
                ly + 3.0,
            )
        };
        html! {
            <g class={class}>
                <path d={path} marker-end="url(#m-arrow)" />
                <text x={f(lx)} y={f(ly)} text-anchor="middle" class="edge-label">{ t.event }</text>
            </g>
        }
    });
    let nodes = m.states.iter().enumerate().map(|(i, s)| {
        let (x, y) = pos[i];
        let class = classes!("state", (*s == p.current).then_some("current"));
        html! {
            <g class={class} data-state={*s}>
                <rect x={f(x - 64.0)} y={f(y - 14.0)} width="128" height="28" rx="14" />
                <text x={f(x)} y={f(y + 4.0)} text-anchor="middle">{ *s }</text>
            </g>
        }
    });
    html! {
        <figure class="machine" data-machine={m.name}>
            <figcaption>{ &p.title }{": "}<strong class="current-state">{ p.current }</strong>
                if p.down { <span class="down-badge">{ " (down: crashed)" }</span> }
            </figcaption>
            { p.children.clone() }
            <svg width={f(w)} height={f(h)} viewBox={format!("0 0 {} {}", f(w), f(h))} role="img" aria-label={format!("{} state machine, now in {}", p.title, p.current)}>
                <defs>
                    <marker id="m-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                { for arrows }
                { for nodes }
            </svg>
        </figure>
    }
}
