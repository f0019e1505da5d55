//! The instance picker: for an actor that runs many instances of one
//! machine (a request per API call, a record per key, a saga per order),
//! how many are live at the cursor and which one the panel draws.

use super::raw::raw;
use crate::markup::Markup;
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
    // The label and the options are HTML text (escaped): far less
    // WebAssembly than `html!`. The <select> stays `html!`: it holds the
    // focus while the learner picks, and its options are replaced only
    // when their text changes.
    let mut options = Markup::new();
    markup!(
        options,
        "<option value=\"auto\"{}>the one that moved last</option>",
        if p.picked.is_none() { " selected" } else { "" }
    );
    // Live instances, plus the one shown even if it has finished.
    for i in p
        .instances
        .iter()
        .filter(|i| i.live || Some(i.id) == p.displayed || Some(i.id) == p.picked)
    {
        markup!(
            options,
            "<option value=\"{}\"{}>",
            i.id,
            if Some(i.id) == p.picked {
                " selected"
            } else {
                ""
            }
        );
        options.text(p.noun);
        markup!(options, " #{}: ", i.id);
        options.text(i.state);
        if !i.live {
            options.lit(" (finished)");
        }
        options.lit("</option>");
    }
    let mut label = Markup::new();
    markup!(label, "<label for=\"{}\">{} live ", id.clone(), live);
    label.text(p.noun);
    label.lit(if live == 1 {
        " · showing</label>"
    } else {
        "s · showing</label>"
    });
    html! {
        <div class="instances">
            { raw(label) }
            <select id={id} {onchange} aria-label={format!("{}: which {} to show", p.title, p.noun)}>
                { raw(options) }
            </select>
        </div>
    }
}
