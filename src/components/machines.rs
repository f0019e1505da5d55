//! State machine panels, drawn from the transition table the actor runs:
//! one box per state and one arrow per transition, laid out at build time
//! (layered, crossings reduced, labels beside their edges; see build.rs),
//! the current state filled and the transition just taken highlighted.

use super::raw::{fixed, raw};
use crate::markup::Markup;
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

/// A path's data as the page draws it, from build.rs's compact form: an
/// S-curve `s ym x1 y1` from the current point (x0) is `C x0 ym x1 ym x1 y1`;
/// `M`, `V` and `C` are as they are. (About 1.5 KB gzipped less text.)
pub fn expand(d: &str) -> String {
    let mut out = String::with_capacity(d.len() * 3 / 2);
    let mut x = "";
    let mut rest = d;
    while let Some(cmd) = rest.chars().next() {
        let end = rest[1..]
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or(rest.len(), |i| i + 1);
        let args = &rest[1..end];
        let mut n = args.split(' ');
        let mut arg = || n.next().unwrap_or_default();
        if cmd == 's' {
            let (ym, x1, y1) = (arg(), arg(), arg());
            for part in ["C", x, " ", ym, " ", x1, " ", ym, " ", x1, " ", y1] {
                out += part;
            }
            x = x1;
        } else {
            match cmd {
                'M' => x = arg(),
                'C' => x = n.nth(4).unwrap_or_default(),
                _ => {}
            }
            out.push(cmd);
            out += args;
        }
        rest = &rest[end..];
    }
    out
}

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
    // The drawing is written as SVG text (names escaped): it only shows
    // data, and text costs far less WebAssembly than building each element
    // through Yew. Each edge and each state is a node of its own, replaced
    // only when it changes (it becomes current or taken, or stops being):
    // a step redraws two or four of them, not the whole machine, and a
    // trail's run starts again when its edge is taken anew.
    let (w, h) = l.map_or((0, 0), |l| (l.width, l.height));
    let mut parts: Vec<Html> = vec![fixed("<defs><marker id=\"m-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"arrowhead\"></path></marker></defs>")];
    for (t, &(d, lx, ly)) in l.iter().flat_map(|l| m.transitions.iter().zip(l.edges)) {
        let taken = p.taken.is_some_and(|x| x == *t);
        parts.push(edge_drawing(t, d, (lx, ly), taken));
    }
    for (s, &(x, y, w)) in l.iter().flat_map(|l| m.states.iter().zip(l.states)) {
        parts.push(state_drawing(s, (x, y, w), *s == p.current));
    }
    let label = format!("{} state machine, now in {}", p.title, p.current);
    let view_box = format!("0 0 {w} {h}");
    // The caption too is text (it only shows data); the figure stays
    // `html!` around the instance picker, whose <select> keeps its focus.
    let caption = caption(p);
    let class = if w > 580 { "machine wide" } else { "machine" };
    html! {
        <figure {class} data-machine={m.name}>
            { raw(caption) }
            { p.children.clone() }
            <svg width={w.to_string()} height={h.to_string()} viewBox={view_box} role="img" aria-label={label}>
                { for parts }
            </svg>
        </figure>
    }
}

/// One transition's edge: its path (with a trail if just `taken`) and its
/// event's label at (`lx`, `ly`).
fn edge_drawing(t: &Transition, d: &str, (lx, ly): (u16, u16), taken: bool) -> Html {
    let d = expand(d);
    let mut svg = Markup::from_lit(if taken {
        "<g class=\"edge taken\">"
    } else {
        "<g class=\"edge\">"
    });
    markup!(
        svg,
        "<path d=\"{}\" marker-end=\"url(#m-arrow)\"></path>",
        d
    );
    if taken {
        markup!(
            svg,
            "<path d=\"{}\" class=\"trail\" pathLength=\"100\"></path>",
            d
        );
    }
    markup!(svg, "<text x=\"{}\" y=\"{}\" class=\"edge-label\">", lx, ly);
    svg.text(t.event);
    svg.lit("</text></g>");
    raw(svg)
}

/// One state's box, centred at (`x`, `y`) and `w` wide, filled if `current`.
fn state_drawing(s: &str, (x, y, w): (u16, u16, u16), current: bool) -> Html {
    let mut svg = Markup::from_lit("<g data-state=\"");
    svg.text(s);
    svg.lit(if current {
        "\" class=\"state current"
    } else {
        "\" class=\"state"
    });
    markup!(
        svg,
        "\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"28\" rx=\"14\"></rect><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
        x - w / 2,
        y - 14,
        w,
        x,
        y + 4
    );
    svg.text(s);
    svg.lit("</text></g>");
    raw(svg)
}

/// The figure's caption: the machine's title, its current state, and
/// whether its actor is down.
fn caption(p: &Props) -> Markup {
    let mut caption = Markup::from_lit("<figcaption>");
    caption.text(&p.title);
    caption.lit(": <strong class=\"current-state\">");
    caption.text(p.current);
    caption.lit("</strong>");
    if p.down {
        caption.lit("<span class=\"down-badge\"> (down: crashed)</span>");
    }
    caption.lit("</figcaption>");
    caption
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shipped path, expanded, is the layout's own path data.
    #[test]
    fn compact_paths_expand_to_the_layouts() {
        let mut seen = 0;
        for lab in faultline_sim::labs() {
            for preset in &lab.presets {
                let run = faultline_sim::simulate(&(preset.scenario)()).expect("every preset runs");
                for actor in &run.actors {
                    let m = actor.machine;
                    let Some(l) = layout(m) else { continue };
                    let g = faultline_layout::Graph {
                        nodes: m.states.to_vec(),
                        edges: m.indexed_edges(),
                    };
                    let want = faultline_layout::layout(&g);
                    for (e, &(d, _, _)) in want.edges.iter().zip(l.edges) {
                        assert_eq!(expand(d), e.path, "{}", m.name);
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 50, "paths checked: {seen}");
    }
}
