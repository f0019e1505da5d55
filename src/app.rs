//! The app shell: owns the state and renders the lab page; its
//! connections to the browser (the URL hash, the keyboard, the playback
//! clock) are hooks (`hooks.rs`), what a link asks for is `route.rs`.
//! Views below it only render and emit actions.

use crate::browser;
use crate::components::lab::LabView;
use crate::hooks::*;
use crate::route::initial_state;
use crate::share::use_share;
use crate::state::Action;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    let reduced_motion = use_memo((), |_| crate::platform::prefers_reduced_motion());
    use_hash_in(&state);
    use_shortcuts(&state);
    use_draw_rest(&state);
    use_shell_taps(&state);
    use_warm_up(&state);
    use_playback_clock(&state);
    use_keep_in_view(&state);
    use_panels_in_view(&state);
    use_sliced_simulation(&state);
    use_lessons_fetch(&state);
    use_progress_saved(&state);

    // Move the focus into the shortcuts overlay when it opens (autofocus
    // does not apply to elements added after the page loaded).
    use_effect_with(state.help_open, |&open| focus_help_close(open));
    let hash = use_permalink_hash(&state);
    // In a presenter's queue, the link keeps the queue after the run's own.
    let written = match &state.queue {
        Some(q) => q.hash(&hash),
        None => (*hash).clone(),
    };
    use_hash_out(&state, &written);

    // One callback for the page's life: a component given it is not drawn
    // again for a new one (a settings field redrawn while the learner
    // types in it would lose what they typed).
    let on = {
        let d = state.dispatcher();
        (*use_memo((), move |_| Callback::from(move |a: Action| d.dispatch(a)))).clone()
    };
    let permalink = browser::url_with_hash(&hash);
    let share = use_share(&state, &permalink);
    let close_help = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::CloseHelp))
    };
    let info = use_memo(state.scenario.lab.clone(), |id| {
        Rc::new(faultline_sim::lab(id).unwrap_or_else(|| faultline_sim::labs().remove(0)))
    });
    let skip_to_main = Callback::from(skip_to_main);
    let toggle_help = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::ToggleHelp))
    };
    html! {
        <>
            if !state.embed {
                { crate::components::shell::chrome(skip_to_main, Some(toggle_help)) }
            }
            <LabView state={Rc::new((*state).clone())} info={(*info).clone()} on={on} permalink={permalink}
                on_copy={share.copy} on_export_json={share.export_json} on_export_svg={share.export_svg} on_import={share.import}
                reduced_motion={*reduced_motion} />
            if state.help_open { { crate::components::help::help_overlay(&close_help) } }
        </>
    }
}

/// Once the shortcuts overlay is `open`, move the focus to its close button.
fn focus_help_close(open: bool) {
    if let Some(b) = open
        .then(|| gloo::utils::document().get_element_by_id("help-close"))
        .flatten()
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = b.focus();
    }
}

/// Move focus to the content without touching the hash (it holds the run).
fn skip_to_main(e: MouseEvent) {
    e.prevent_default();
    if let Some(main) = gloo::utils::document()
        .get_element_by_id("main")
        .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}
