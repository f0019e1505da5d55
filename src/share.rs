//! Share and save: copying the link, exporting the run (JSON) and its
//! diagram (SVG), importing a run file. The lab page's callbacks for them,
//! each failure a message for the learner.

use crate::browser;
use crate::state::{Action, AppState, Notice};
use faultline_sim::permalink;
use std::cell::RefCell;
use yew::prelude::*;

/// The share panel's callbacks.
pub struct Share {
    pub copy: Callback<()>,
    pub export_json: Callback<()>,
    pub export_svg: Callback<()>,
    pub import: Callback<web_sys::File>,
}

/// The share panel's callbacks for the run on screen and its link.
#[hook]
pub fn use_share(state: &UseReducerHandle<AppState>, permalink: &str) -> Share {
    let permalink = permalink.to_string();
    let on_copy = {
        let (d, link) = (state.dispatcher(), permalink.clone());
        Callback::from(move |_| {
            let d = d.clone();
            copy_and_say(
                link.clone(),
                "Link copied. Anyone who opens it sees this run at this step.",
                "The browser did not allow copying; select the link in the box and copy it yourself.",
                Callback::from(move |a| d.dispatch(a)),
            );
        })
    };
    let on_export_json = {
        let (d, run, cursor) = (state.dispatcher(), state.run.clone(), state.cursor);
        Callback::from(move |_| {
            // The helper writes the file from the run's link (it simulates
            // the same run).
            let d = d.clone();
            let link = permalink::encode(&run.scenario, cursor);
            crate::helper::ask("export", &link, move |file| {
                let saved = file.and_then(|text| {
                    browser::download("faultline-run.json", "application/json", &text)
                });
                if let Err(e) = saved {
                    d.dispatch(Action::Notify(Notice {
                        text: format!("Export failed: {e}"),
                        is_error: true,
                    }));
                }
            });
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
    Share {
        copy: on_copy,
        export_json: on_export_json,
        export_svg: on_export_svg,
        import: use_import(state),
    }
}

/// Copy `text`, then say whether it was copied (`copied`) or what to do
/// instead (`refused`).
pub fn copy_and_say(
    text: String,
    copied: &'static str,
    refused: &'static str,
    on: Callback<Action>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let text = if browser::copy(text).await {
            copied
        } else {
            refused
        };
        on.emit(Action::Notify(Notice {
            text: text.into(),
            is_error: false,
        }));
    });
}

/// Import a run file: the run it holds opens at its step (the file is
/// read off the page's task; a bad file keeps the current run).
#[hook]
fn use_import(state: &UseReducerHandle<AppState>) -> Callback<web_sys::File> {
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let on_import = {
        let (d, reader) = (state.dispatcher(), reader.clone());
        Callback::from(move |file: web_sys::File| {
            let d2 = d.clone();
            if file.size() > faultline_sim::runfile::MAX_FILE_BYTES as f64 {
                d.dispatch(Action::Notify(Notice {
                    text: "That file is too large to be a run file. Your current run is kept."
                        .into(),
                    is_error: true,
                }));
                return;
            }
            let file = gloo::file::File::from(file);
            let task = gloo::file::callbacks::read_as_text(&file, move |result| {
                let refused = |e: String| {
                    Action::Notify(Notice {
                        text: format!(
                            "That file could not be imported: {e}. Your current run is kept."
                        ),
                        is_error: true,
                    })
                };
                let text = match result {
                    Ok(text) => text,
                    Err(e) => return d2.dispatch(refused(e.to_string())),
                };
                // The helper reads the file: a notice line, then the link
                // of the run it holds, which opens here.
                crate::helper::ask("import", &text, move |reply| {
                    let opened = reply.and_then(|r| {
                        let (notice, link) = r.split_once('\n').unwrap_or(("", &r));
                        let opened = permalink::open(link).map_err(|e| e.to_string())?;
                        Ok((opened, notice.to_string()))
                    });
                    d2.dispatch(match opened {
                        Ok((opened, notice)) => Action::Load {
                            scenario: opened.scenario,
                            cursor: opened.step,
                            preset: opened.preset,
                            notice: Some(Notice {
                                text: if notice.is_empty() {
                                    "Run imported.".into()
                                } else {
                                    format!("Run imported. {notice}")
                                },
                                is_error: false,
                            }),
                        },
                        Err(e) => refused(e),
                    })
                });
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    let _: &RefCell<_> = &reader;
    on_import
}
