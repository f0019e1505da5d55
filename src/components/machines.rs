//! State machine panels, drawn from the transition table the actor runs:
//! one box per state and one arrow per transition, laid out at build time
//! (layered, crossings reduced, labels beside their edges; see build.rs),
//! the current state filled and the transition just taken highlighted.

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

/// A machine's drawing, laid out at build time (build.rs, with
/// crates/faultline-layout): states by centre and width, edges by path and
/// label start, both in the table's order.
pub struct MachineLayout {
    pub name: &'static str,
    pub width: u16,
    pub height: u16,
    pub states: &'static [(u16, u16, u16)],
    pub edges: &'static [(&'static str, u16, u16)],
}

include!(concat!(env!("OUT_DIR"), "/machine_layouts.rs"));

/// The drawing of `m`, if it is one of the registered labs' machines.
pub fn layout(m: &StateMachine) -> Option<&'static MachineLayout> {
    LAYOUTS
        .iter()
        .find(|l| l.name == m.name && l.edges.len() == m.transitions.len())
}

/// The panel as a component, for the component tests' renderer.
#[cfg(test)]
#[component]
pub fn MachinePanel(p: &Props) -> Html {
    machine_panel(p)
}

/// A machine's panel. (A plain function, not a component: each component
/// costs about 1 KB of WebAssembly in Yew's glue.) Never inlined: the lab
/// view calls it in two places.
#[inline(never)]
pub fn machine_panel(p: &Props) -> Html {
    let m = p.machine;
    let l = layout(m);
    // The transition just taken: highlighted, and a short stroke (its
    // `trail`, a dash on a path of length 100) runs along it to the new
    // state; under reduced motion it sits at the end at once (the CSS
    // animation is off, and its resting place is the end).
    let arrows = l.iter().flat_map(|l| m.transitions.iter().zip(l.edges)).map(|(t, &(d, lx, ly))| {
        let taken = p.taken.is_some_and(|x| x == *t);
        html! {
            <g class={classes!("edge", taken.then_some("taken"))}>
                <path {d} marker-end="url(#m-arrow)" />
                if taken {
                    <path {d} class="trail" pathLength="100" />
                }
                <text x={lx.to_string()} y={ly.to_string()} class="edge-label">{ t.event }</text>
            </g>
        }
    });
    let nodes = l.iter().flat_map(|l| m.states.iter().zip(l.states)).map(|(s, &(x, y, w))| {
        let class = classes!("state", (*s == p.current).then_some("current"));
        html! {
            <g class={class} data-state={*s}>
                <rect x={(x - w / 2).to_string()} y={(y - 14).to_string()} width={w.to_string()} height="28" rx="14" />
                <text x={x.to_string()} y={(y + 4).to_string()} text-anchor="middle">{ *s }</text>
            </g>
        }
    });
    let (w, h) = l.map_or((0, 0), |l| (l.width, l.height));
    html! {
        <figure class={classes!("machine", (w > 580).then_some("wide"))} data-machine={m.name}>
            <figcaption>{ &p.title }{": "}<strong class="current-state">{ p.current }</strong>
                if p.down { <span class="down-badge">{ " (down: crashed)" }</span> }
            </figcaption>
            { p.children.clone() }
            <svg width={w.to_string()} height={h.to_string()} viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("{} state machine, now in {}", p.title, p.current)}>
                <defs>
                    <marker id="m-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                { for arrows }
                { for nodes }
            </svg>
        </figure>
    }
}
