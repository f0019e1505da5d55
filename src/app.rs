//! The app shell: owns the state, and connects it to the browser: the URL
//! hash (permalinks), the keyboard, the playback clock, clipboard, export
//! and import. Views below it only render and emit actions.

use crate::browser;
use crate::components::help::HelpOverlay;
use crate::components::lab::LabView;
use crate::export;
use crate::state::{default_scenario, Action, AppState, Notice, SPEEDS};
use faultline_sim::permalink;
use gloo::events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The page's default run (its lab's first preset), with a notice.
fn default_load(notice: Option<Notice>) -> Action {
    let (scenario, preset) = default_scenario();
    Action::Load {
        scenario,
        cursor: 0,
        preset: Some(preset),
        notice,
    }
}

/// What the hash asks for: nothing for the skip link's target, the page's
/// default run for no hash; otherwise the run it names (and the view it
/// names), or, for a bad link, the default run with a notice saying why
/// (the learner's place is kept when the hash changes under an open lab:
/// see `load_from_hash`).
fn actions_for_hash(hash: &str) -> Vec<Action> {
    if hash == "main" {
        return Vec::new(); // the skip link's target, not a run
    }
    match browser::open_hash(hash) {
        None => vec![default_load(None)],
        Some(Ok(opened)) => {
            let projector = opened.view == permalink::View::Projector;
            let shown_b = opened.vs.as_ref().is_some_and(|v| v.shown);
            let notice = match (
                opened.notice,
                opened.vs.as_ref().and_then(|v| v.notice.clone()),
            ) {
                (Some(a), Some(b)) if a != b => Some(format!("{a} {b}")),
                (a, b) => a.or(b),
            };
            let mut actions = vec![Action::Load {
                scenario: opened.scenario,
                cursor: if shown_b { 0 } else { opened.step },
                preset: opened.preset,
                notice: notice.map(|text| Notice {
                    text,
                    is_error: false,
                }),
            }];
            // A comparison: B beside A, and B's diagram on screen if asked.
            if let Some(vs) = opened.vs {
                actions.push(Action::Compare {
                    scenario: vs.scenario,
                    preset: vs.preset,
                });
                if shown_b {
                    actions.extend([Action::SwapSides, Action::Seek(opened.step)]);
                }
            }
            actions.push(Action::SetProjector(projector));
            actions
        }
        Some(Err(e)) => vec![default_load(Some(Notice {
            text: format!("This link could not be opened: {e}. Showing the default run instead."),
            is_error: true,
        }))],
    }
}

/// Load whatever the hash names (when it changes). A link to another
/// lab's run goes to that lab's page (through the landing page, which
/// knows every page).
fn load_from_hash(dispatch: &UseReducerDispatcher<AppState>) {
    if browser::forward_to_its_page() {
        return;
    }
    for action in actions_for_hash(&browser::read_hash()) {
        dispatch.dispatch(action);
    }
}

/// The state the app starts in: a permalink opens its run straight away
/// (one simulation, no landing page rendered first and replaced).
fn initial_state() -> AppState {
    let mut actions = actions_for_hash(&browser::read_hash()).into_iter();
    match actions.next() {
        Some(load @ Action::Load { .. }) => {
            let opened = Rc::new(AppState::opened(load));
            let state = actions.fold(opened, |s, a| s.reduce(a));
            AppState {
                deferred: true,
                ..Rc::unwrap_or_clone(state)
            }
        }
        _ => AppState::new(),
    }
}

/// The action for a key press, if it is a shortcut.
pub fn shortcut(key: &str, speed: f64) -> Option<Action> {
    let faster = SPEEDS
        .iter()
        .copied()
        .find(|s| *s > speed + 1e-9)
        .unwrap_or(4.0);
    let slower = SPEEDS
        .iter()
        .rev()
        .copied()
        .find(|s| *s < speed - 1e-9)
        .unwrap_or(0.25);
    Some(match key {
        " " | "k" | "K" => Action::TogglePlay,
        "ArrowRight" | "l" | "L" => Action::StepForward,
        "ArrowLeft" | "j" | "J" => Action::StepBack,
        "Home" | "0" => Action::Restart,
        "End" => Action::Seek(u32::MAX),
        "+" | "=" => Action::SetSpeed(faster),
        "-" | "_" => Action::SetSpeed(slower),
        "?" => Action::ToggleHelp,
        "Escape" => Action::CloseHelp,
        "v" | "V" => Action::JumpToViolation,
        "p" | "P" => Action::ToggleProjector,
        "b" | "B" => Action::SwapSides,
        _ => return None,
    })
}

/// Room for the "More scenarios (N) ▾" button, before it is drawn (px).
const MENU_PX: f64 = 190.0;

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    let reduced_motion = use_memo((), |_| crate::platform::prefers_reduced_motion());

    // Permalink in: read once by `initial_state`, then whenever the hash is
    // edited.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let resized = d.clone();
            let listeners = web_sys::window().map(|w| {
                [
                    EventListener::new(&w, "hashchange", move |_| load_from_hash(&d)),
                    EventListener::new(&w, "resize", move |_| resized.dispatch(Action::Resized)),
                ]
            });
            move || drop(listeners)
        });
    }

    // Keyboard shortcuts (ignored while typing in a field).
    {
        let d = state.dispatcher();
        let speed = Rc::new(Cell::new(state.speed));
        speed.set(state.speed);
        use_effect_with(state.speed, move |_| {
            let doc = gloo::utils::document();
            // Not passive: shortcuts must stop the browser's own action
            // (Space scrolling the page, Home/End jumping).
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&doc, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let typing = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| {
                        matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    });
                let key = e.key();
                let on_button = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlButtonElement>().ok())
                    .is_some();
                if typing && key != "Escape" || on_button && (key == " " || key == "Enter") {
                    return;
                }
                if let Some(action) = shortcut(&key, speed.get()) {
                    e.prevent_default();
                    d.dispatch(action);
                }
            });
            move || drop(listener)
        });
    }

    // The panels a link's first render left out, in the next task.
    {
        let d = state.dispatcher();
        use_effect_with(state.deferred, move |deferred| {
            if *deferred {
                gloo::timers::callback::Timeout::new(0, move || d.dispatch(Action::DrawAll))
                    .forget();
            }
        });
    }

    // Taps on the static shell's Play before the app started (the page's
    // head script keeps them on `<html data-taps>`): played now, in order.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            for _ in 0..browser::take_shell_taps() {
                d.dispatch(Action::TogglePlay);
            }
        });
    }

    // Warm the engine a second after the first render, so the first fault
    // click is as quick as the ones after it: claim the heap a large run
    // needs (`platform::claim_heap`), then simulate the opened scenario
    // with every palette fault in it (`state::warm_up_scenario`) and drop
    // the run. The browser compiles a wasm function on its first call, on
    // the main thread, and optimises hot ones later, in the background;
    // without this the first click after a load paid for both: 18-21 ms
    // for a 1,000-event run on the CI machine, against 5-10 ms for the
    // clicks after it. Not in the tasks right after the render: there it
    // delayed a cold load's first input by its length.
    {
        let opened = state.scenario.clone();
        use_effect_with((), move |_| {
            let warm = crate::state::warm_up_scenario(&opened);
            gloo::timers::callback::Timeout::new(1_000, move || {
                crate::platform::claim_heap();
                drop(std::hint::black_box(faultline_sim::simulate(&warm)));
            })
            .forget();
        });
    }

    // Playback clock: one tick per animation frame (the browser's own
    // rhythm, paused with the tab), advancing by the real time elapsed.
    {
        let d = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let frame: Rc<RefCell<Option<gloo::render::AnimationFrame>>> = Rc::default();
            if *playing {
                let last = Rc::new(Cell::new(None::<f64>));
                fn next(
                    frame: Rc<RefCell<Option<gloo::render::AnimationFrame>>>,
                    last: Rc<Cell<Option<f64>>>,
                    d: UseReducerDispatcher<AppState>,
                ) {
                    let again = frame.clone();
                    *frame.borrow_mut() = Some(gloo::render::request_animation_frame(move |now| {
                        let dt = last
                            .replace(Some(now))
                            .map_or(0.0, |t| (now - t).clamp(0.0, 250.0));
                        d.dispatch(Action::Tick(dt));
                        next(again, last, d);
                    }));
                }
                next(frame.clone(), last, d);
            }
            // Dropping the pending frame cancels it (and with it the loop).
            move || drop(frame.borrow_mut().take())
        });
    }

    // Permalink out: keep the hash in step with what is shown (when paused).
    let view = if state.projector {
        permalink::View::Projector
    } else {
        permalink::View::Normal
    };
    let hash = match &state.compare {
        None => permalink::encode_in(&state.scenario, state.cursor, view),
        Some(c) => {
            let (a, b) = if c.shown_b {
                (&c.scenario, &state.scenario)
            } else {
                (&state.scenario, &c.scenario)
            };
            permalink::encode_compare(a, b, state.cursor, c.shown_b, view)
        }
    };
    {
        let (playing, hash) = (state.playing, hash.clone());
        use_effect_with((playing, hash), |(playing, hash)| {
            if !*playing {
                browser::write_hash(hash)
            }
        });
    }

    // Keep the playhead in view in the diagram (after it has been drawn),
    // and, when the lanes are wider than the box, the lane that just acted.
    let acting = state
        .run
        .steps
        .get(state.cursor as usize)
        .and_then(|s| s.actor);
    let lanes = crate::components::lanes::Lanes::of_run(&state.run);
    let acting = acting.map(|a| lanes.lane(a));
    let lane_w = crate::components::sequence::lane_w(lanes.count(), state.projector);
    // Also: the presets on one row. When the row overflows, as many as end
    // inside it, leaving room for the "More scenarios" menu (the rest go in
    // it); if it still overflows once the menu is drawn, fewer again. One
    // or two passes, not one per preset: each pass redraws the lab and
    // lays the page out again. The reducer starts again from all of them
    // when the view, the lab or the window's size changes.
    let d = state.dispatcher();
    let run_id = Rc::as_ptr(&state.run) as usize;
    let measure = (state.projector, state.presets_fit, run_id);
    // Keyed on the step, not the playhead: reading the layout forces the
    // browser to lay the page out, which on every frame cost more than
    // the frame itself.
    use_effect_with((state.cursor, measure), move |_| {
        let doc = gloo::utils::document();
        if let Some(ul) = doc.get_element_by_id("preset-row") {
            if ul.scroll_width() > ul.client_width() + 1 {
                // The menu's button, if not drawn yet, takes about this much.
                let menu = if doc.get_element_by_id("preset-more").is_some() {
                    0.0
                } else {
                    MENU_PX
                };
                let right = ul.get_bounding_client_rect().right() - 5.0 - menu;
                let items = ul.children();
                let fit = (0..items.length())
                    .map_while(|i| items.item(i))
                    .take_while(|li| li.get_bounding_client_rect().right() <= right)
                    .count();
                d.dispatch(Action::FitPresets(fit));
            }
        }
        if let (Some(el), Some(line)) = (
            doc.get_element_by_id("diagram-scroll"),
            doc.get_element_by_id("playhead"),
        ) {
            let y = (line.get_bounding_client_rect().top() - el.get_bounding_client_rect().top())
                as i32
                + el.scroll_top();
            let (top, h) = (el.scroll_top(), el.client_height());
            if y < top + 30 || y > top + h - 60 {
                el.set_scroll_top((y - h * 2 / 3).max(0));
            }
            if let Some(actor) = acting {
                // Lane position in SVG units, scaled to the drawn size.
                let svg = doc.get_element_by_id("sequence");
                let natural = svg
                    .as_ref()
                    .and_then(|s| s.get_attribute("width"))
                    .and_then(|w| w.parse::<u32>().ok())
                    .map(f64::from)
                    .unwrap_or(1.0);
                let drawn = svg.map_or(natural, |s| s.get_bounding_client_rect().width());
                let lane = crate::components::sequence::lane_x(actor, lane_w);
                let x = (lane * drawn / natural.max(1.0)) as i32;
                let (left, w) = (el.scroll_left(), el.client_width());
                if el.scroll_width() > w && (x < left + 60 || x > left + w - 60) {
                    el.set_scroll_left((x - w / 2).max(0));
                }
            }
        }
    });

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
    let on_export_svg = {
        let d = state.dispatcher();
        Callback::from(move |_| {
            let result =
                browser::diagram_svg().ok_or_else(|| "the diagram is not on the page".to_string());
            if let Err(e) = result
                .and_then(|svg| browser::download("faultline-diagram.svg", "image/svg+xml", &svg))
            {
                d.dispatch(Action::Notify(Notice {
                    text: format!("Export failed: {e}"),
                    is_error: true,
                }));
            }
        })
    };
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
