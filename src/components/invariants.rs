//! The invariant panel: a check per property; a red banner from the step
//! that broke one, and a button to jump there.

use faultline_sim::lab::InvariantInfo;
use faultline_sim::trace::Violation;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub invariants: Vec<InvariantInfo>,
    /// Invariants that do not apply to this config, with the reason.
    #[prop_or_default]
    pub not_checked: Vec<(&'static str, &'static str)>,
    pub violations: Vec<Violation>,
    pub cursor: u32,
    pub on_jump: Callback<u32>,
}

/// The panel as a component, for the component tests' renderer.
#[cfg(test)]
#[component]
pub fn InvariantPanel(p: &Props) -> Html {
    invariant_panel(p)
}

/// The invariant panel. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
pub fn invariant_panel(p: &Props) -> Html {
    let broken_now = p.violations.iter().find(|v| v.step <= p.cursor);
    let first = p.violations.first();
    let banner = match (broken_now, first) {
        (Some(v), _) => {
            let step = v.step;
            let jump = p.on_jump.reform(move |_| step);
            html! {
                <div id="violation-banner" class="banner violation" role="alert">
                    <strong>{ format!("Invariant broken at step {}: ", v.step) }</strong>{ &v.message }
                    { " " }<button class="link" onclick={jump}>{ "Show that step" }</button>
                </div>
            }
        }
        (None, Some(v)) => {
            let step = v.step;
            let jump = p.on_jump.reform(move |_| step);
            html! {
                <div class="banner upcoming">
                    { format!("Later in this run (step {}), an invariant breaks. ", v.step) }
                    <button id="jump-violation" onclick={jump}>{ "Jump to the violation" }</button>
                </div>
            }
        }
        _ => html! {},
    };
    let items = p.invariants.iter().map(|inv| {
        let v = p
            .violations
            .iter()
            .find(|v| v.invariant == inv.id && v.step <= p.cursor);
        let skipped = p.not_checked.iter().find(|(id, _)| *id == inv.id).map(|(_, why)| *why);
        if let (Some(why), None) = (skipped, v) {
            return html! {
                <li class="skipped" data-invariant={inv.id}>
                    <span aria-hidden="true">{ "– " }</span>{ inv.text }<div class="why">{ why }</div>
                </li>
            };
        }
        let class = if v.is_some() { "bad" } else { "ok" };
        html! {
            <li {class} data-invariant={inv.id}>
                <span aria-hidden="true">{ if v.is_some() { "✗ " } else { "✓ " } }</span>
                { inv.text }
                if let Some(v) = v { <div class="why">{ &v.message }</div> }
            </li>
        }
    });
    html! {
        <section class="panel invariants" id="invariants-panel" aria-labelledby="inv-h">
            <h2 id="inv-h">{ "Invariants" }</h2>
            { banner }
            <ul>{ for items }</ul>
        </section>
    }
}
