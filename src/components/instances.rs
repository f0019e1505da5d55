//! The instance picker: for an actor that runs many instances of one
//! machine (a request per API call, a record per key, a saga per order),
//! how many are live at the cursor and which one the panel draws.

use crate::state::Action;
use faultline_sim::trace::InstanceAt;
use yew::prelude::*;

/// What the picker shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
pub struct Props {
    pub actor: u16,
    pub title: String,
    pub noun: &'static str,
    pub instances: Vec<InstanceAt>,
    /// The learner's pick (`None`: follow the one that moved last).
    pub picked: Option<u32>,
    /// The instance the panel draws.
    pub displayed: Option<u32>,
    pub on: Callback<Action>,
}

/// Which instance to draw: the learner's pick if it exists, else the one
/// that moved at this step, else the one that moved last.
pub fn shown(instances: &[InstanceAt], picked: Option<u32>, step: u32) -> Option<&InstanceAt> {
    picked
        .and_then(|id| instances.iter().find(|i| i.id == id))
        .or_else(|| {
            instances
                .iter()
                .filter(|i| i.step == step)
                .max_by_key(|i| i.id)
        })
        .or_else(|| instances.iter().max_by_key(|i| (i.step, i.id)))
}

pub fn instance_picker(p: Props) -> Html {
    let live = p.instances.iter().filter(|i| i.live).count();
    let id = format!("instances-{}", p.actor);
    let actor = p.actor;
    let onchange = p.on.reform(move |e: Event| {
        let v = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value();
        Action::PickInstance {
            actor,
            instance: v.parse().ok(),
        }
    });
    // Live instances, plus the one shown even if it has finished.
    let options = p
        .instances
        .iter()
        .filter(|i| i.live || Some(i.id) == p.displayed || Some(i.id) == p.picked)
        .map(|i| {
            let text = format!(
                "{} #{}: {}{}",
                p.noun,
                i.id,
                i.state,
                if i.live { "" } else { " (finished)" }
            );
            html! { <option value={i.id.to_string()} selected={Some(i.id) == p.picked}>{ text }</option> }
        });
    html! {
        <div class="instances">
            <label for={id.clone()}>
                { format!("{live} live {}{} · showing", p.noun, if live == 1 { "" } else { "s" }) }
            </label>
            <select id={id} {onchange} aria-label={format!("{}: which {} to show", p.title, p.noun)}>
                <option value="auto" selected={p.picked.is_none()}>{ "the one that moved last" }</option>
                { for options }
            </select>
        </div>
    }
}
