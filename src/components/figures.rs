//! Figures a lab derives from its run at the current step (what a
//! two-phase commit's blocking costs, for one), as label and value. Drawn
//! for any lab; nothing at all when a lab has none.

use faultline_sim::lab::Figure;
use yew::prelude::*;

/// The figures panel. (A plain function: a component costs about 1 KB.)
pub fn figures_panel(figures: &[Figure]) -> Html {
    if figures.is_empty() {
        return Html::default();
    }
    let rows = figures.iter().map(|f| {
        html! {
            <div class="figure">
                <dt>{ f.label }</dt>
                <dd data-figure={f.label}>{ &f.value }</dd>
            </div>
        }
    });
    html! {
        <section class="panel figures" aria-labelledby="fig-h">
            <h2 id="fig-h">{ "At this step" }</h2>
            <dl id="figures">{ for rows }</dl>
        </section>
    }
}
