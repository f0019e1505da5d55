//! The seed and the random network trouble of the scenario (lab-neutral:
//! every lab runs on the same engine network).

use crate::state::{Action, Notice};
use faultline_sim::fault::RandomFaults;
use yew::prelude::*;

/// What the panel shows. A component, drawn again only when these change:
/// a field redrawn while the learner types in it (on every frame of a
/// playing run, say) would lose what they typed.
#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub seed: u64,
    pub random: RandomFaults,
    pub on: Callback<Action>,
}

/// A percentage field (0–50 %, stored as per-mille).
fn percent_field(
    id: &'static str,
    label: &'static str,
    help: &'static str,
    permille: u16,
    on: Callback<Action>,
    set: fn(&mut RandomFaults, u16),
    random: RandomFaults,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
        match crate::fmt::percent_to_permille(&input.value()) {
            Some(v) if v <= 500 => {
                let mut r = random.clone();
                set(&mut r, v);
                on.emit(Action::SetRandom(r));
            }
            _ => {
                input.set_value(&crate::fmt::permille_as_percent(permille));
                on.emit(Action::Notify(Notice {
                    text: "Please enter a percentage from 0 to 50, with at most one decimal."
                        .into(),
                    is_error: true,
                }));
            }
        }
    });
    html! {
        <div class="field number">
            <label for={id}>{ label }{ " (%)" }<small>{ help }</small></label>
            <input type="number" {id} min="0" max="50" step="0.5" value={crate::fmt::permille_as_percent(permille)} {onchange} />
        </div>
    }
}

#[component]
pub fn NetworkPanel(p: &Props) -> Html {
    let on_seed = {
        let (on, seed) = (p.on.clone(), p.seed);
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            match input.value().trim().parse::<u64>() {
                Ok(v) if v <= 9_007_199_254_740_991 => on.emit(Action::SetSeed(v)),
                _ => {
                    input.set_value(&seed.to_string());
                    on.emit(Action::Notify(Notice {
                        text: "A seed is a whole number from 0 to 9007199254740991.".into(),
                        is_error: true,
                    }));
                }
            }
        })
    };
    let next_seed = {
        let (on, seed) = (p.on.clone(), p.seed);
        Callback::from(move |_| {
            on.emit(Action::SetSeed(
                seed.wrapping_add(1) % 9_007_199_254_740_992,
            ))
        })
    };
    let r = p.random.clone();
    html! {
        <section class="panel network" aria-labelledby="net-h">
            <h2 id="net-h">{ "Network and chance" }</h2>
            <p class="hint">{ "Every random choice (latency, jitter, random faults) comes from this seed: the same seed replays the same run." }</p>
            <div class="field number">
                <label for="seed">{ "Seed" }<small>{ "Change it to see another run of the same scenario." }</small></label>
                <input type="number" id="seed" min="0" step="1" value={p.seed.to_string()} onchange={on_seed} />
            </div>
            <button id="next-seed" onclick={next_seed}>{ "Try the next seed" }</button>
            { percent_field("rnd-drop", "Random loss", "Chance that any message is lost.", r.drop_permille, p.on.clone(), |r, v| r.drop_permille = v, r.clone()) }
            { percent_field("rnd-dup", "Random duplication", "Chance that any message arrives twice.", r.duplicate_permille, p.on.clone(), |r, v| r.duplicate_permille = v, r.clone()) }
            { percent_field("rnd-delay", "Random delay", "Chance that any message is held up by 2 s.", r.delay_permille, p.on.clone(), |r, v| { r.delay_permille = v; r.delay_ms = 2_000; }, r.clone()) }
        </section>
    }
}
