//! The app shell: owns the state and renders the lab page; its
//! connections to the browser (the URL hash, the keyboard, the playback
//! clock) are hooks (`hooks.rs`), what a link asks for is `route.rs`.
//! Views below it only render and emit actions.

use crate::browser;
use crate::components::help::HelpOverlay;
use crate::components::lab::LabView;
use crate::export;
use crate::hooks::*;
use crate::route::initial_state;
use crate::state::{Action, Notice};
use faultline_sim::permalink;
use std::cell::RefCell;
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

    // Permalink out: keep the hash in step with what is shown (when paused).
    // Encoded once per step and view, not on every frame while playing.
    let key = (
        Rc::as_ptr(&state.run) as usize,
        state.cursor,
        state.projector,
        state
            .compare
            .as_ref()
            .map(|c| (Rc::as_ptr(c) as usize, c.shown_b)),
    );
    let hash = use_memo(key, |_| {
        let view = if state.projector {
            permalink::View::Projector
        } else {
            permalink::View::Normal
        };
        match &state.compare {
            None => permalink::encode_in(&state.scenario, state.cursor, view),
            Some(c) => {
                let (a, b) = if c.shown_b {
                    (&c.scenario, &state.scenario)
                } else {
                    (&state.scenario, &c.scenario)
                };
                permalink::encode_compare(a, b, state.cursor, c.shown_b, view)
            }
        }
    });
    use_hash_out(&state, &hash);

    let on = {
        let d = state.dispatcher();
        Callback::from(move |a: Action| d.dispatch(a))
    };
    let permalink = browser::url_with_hash(&hash);
    let on_copy = {
        let (d, link) = (state.dispatcher(), permalink.clone());
        Callback::from(move |_| {
            let (d, link) = (d.clone(), link.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = if browser::copy(link).await {
                    "Link copied. Anyone who opens it sees this run at this step."
                } else {
                    "The browser did not allow copying; select the link in the box and copy it yourself."
                };
                d.dispatch(Action::Notify(Notice {
                    text: text.into(),
                    is_error: false,
                }));
            });
        })
    };
    let on_export_json = {
        let (d, run, cursor) = (state.dispatcher(), state.run.clone(), state.cursor);
        Callback::from(move |_| {
            if let Err(e) = browser::download(
                "faultline-run.json",
                "application/json",
                &export::run_file(&run, cursor),
            ) {
                d.dispatch(Action::Notify(Notice {
                    text: format!("Export failed: {e}"),
                    is_error: true,
                }));
            }
        })
    };
    // A long run's diagram draws only the rows near those in view: the
    // export draws it whole first, then saves what the page shows.
    let on_export_svg = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::ExportSvg))
    };
    {
        let d = state.dispatcher();
        use_effect_with(state.exporting_svg, move |&exporting| {
            if exporting {
                let result = browser::diagram_svg()
                    .ok_or_else(|| "the diagram is not on the page".to_string());
                if let Err(e) = result.and_then(|svg| {
                    browser::download("faultline-diagram.svg", "image/svg+xml", &svg)
                }) {
                    d.dispatch(Action::Notify(Notice {
                        text: format!("Export failed: {e}"),
                        is_error: true,
                    }));
                }
                d.dispatch(Action::SvgExported);
            }
        });
    }
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let on_import = {
        let (d, reader) = (state.dispatcher(), reader.clone());
        Callback::from(move |file: web_sys::File| {
            let d2 = d.clone();
            if file.size() > export::MAX_FILE_BYTES as f64 {
                d.dispatch(Action::Notify(Notice {
                    text: "That file is too large to be a run file. Your current run is kept."
                        .into(),
                    is_error: true,
                }));
                return;
            }
            let file = gloo::file::File::from(file);
            let task = gloo::file::callbacks::read_as_text(&file, move |result| {
                let outcome = result
                    .map_err(|e| e.to_string())
                    .and_then(|text| browser::parse_import(&text));
                match outcome {
                    Ok(opened) => d2.dispatch(Action::Load {
                        scenario: opened.scenario,
                        cursor: opened.step,
                        preset: opened.preset,
                        notice: Some(Notice {
                            text: match opened.notice {
                                Some(n) => format!("Run imported. {n}"),
                                None => "Run imported.".into(),
                            },
                            is_error: false,
                        }),
                    }),
                    Err(e) => d2.dispatch(Action::Notify(Notice {
                        text: format!(
                            "That file could not be imported: {e}. Your current run is kept."
                        ),
                        is_error: true,
                    })),
                }
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    let _: &RefCell<_> = &reader;

    let close_help = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::CloseHelp))
    };
    let info = use_memo(state.scenario.lab.clone(), |id| {
        Rc::new(faultline_sim::lab(id).unwrap_or_else(|| faultline_sim::labs().remove(0)))
    });
    // Move focus to the content without touching the hash (it holds the run).
    let skip_to_main = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        if let Some(main) = gloo::utils::document()
            .get_element_by_id("main")
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    });
    let toggle_help = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::ToggleHelp))
    };
    html! {
        <>
            { crate::components::shell::chrome(skip_to_main, Some(toggle_help)) }
            <LabView state={Rc::new((*state).clone())} info={(*info).clone()} on={on} permalink={permalink}
                on_copy={on_copy} on_export_json={on_export_json} on_export_svg={on_export_svg} on_import={on_import}
                reduced_motion={*reduced_motion} />
            if state.help_open { <HelpOverlay on_close={close_help} /> }
        </>
    }
}
