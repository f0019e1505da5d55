//! The app's connections to the browser, one hook each: the URL hash in
//! and out, the keyboard, the playback clock, the static shell's taps, the
//! engine's warm-up, and keeping the playhead and the acting lane in view.

use crate::browser;
use crate::route::load_from_hash;
use crate::state::{Action, AppState, Panel, EVENTS_PER_SLICE, SPEEDS};
use faultline_sim::permalink;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

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

/// Permalink in: read once by `initial_state`, then whenever the hash is
/// edited. Also the window's other news: its size, and progress another
/// tab of the site kept (taken, so this tab's next change does not write
/// over it).
#[hook]
pub fn use_hash_in(state: &UseReducerHandle<AppState>) {
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let (resized, stored) = (d.clone(), d.clone());
            let listeners = web_sys::window().map(|w| {
                [
                    EventListener::new(&w, "hashchange", move |_| {
                        // The new address wins over a link still waiting to be written.
                        browser::cancel_hash_write();
                        load_from_hash(&d)
                    }),
                    EventListener::new(&w, "resize", move |_| {
                        resized.dispatch(Action::Resized(crate::platform::is_narrow()))
                    }),
                    EventListener::new(&w, "storage", move |e| {
                        if let Some(p) = browser::progress_stored_by_another_tab(e) {
                            stored.dispatch(Action::ProgressStored(Rc::new(p)));
                        }
                    }),
                ]
            });
            move || drop(listeners)
        });
    }
}

/// Keyboard shortcuts (ignored while typing in a field); in a
/// presenter's queue, PageDown and PageUp (a clicker's keys) move through
/// it, and the first key press asks for fullscreen again if the page was
/// fullscreen before the queue left another lab's page.
#[hook]
pub fn use_shortcuts(state: &UseReducerHandle<AppState>) {
    {
        let d = state.dispatcher();
        let speed = Rc::new(Cell::new(state.speed));
        speed.set(state.speed);
        let queue = state.queue.clone();
        use_effect_with(
            (state.speed, queue.as_ref().map(|q| Rc::as_ptr(q) as usize)),
            move |_| {
                let doc = gloo::utils::document();
                // Not passive: shortcuts must stop the browser's own action
                // (Space scrolling the page, Home/End jumping).
                let options = gloo::events::EventListenerOptions::enable_prevent_default();
                let listener =
                    EventListener::new_with_options(&doc, "keydown", options, move |e| {
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
                        if typing && key != "Escape" || on_button && (key == " " || key == "Enter")
                        {
                            return;
                        }
                        crate::presenter::refullscreen();
                        if let Some(q) = queue.as_deref() {
                            let to = match key.as_str() {
                                "PageDown" => Some(q.at + 1),
                                "PageUp" => q.at.checked_sub(1),
                                _ => None,
                            };
                            if let Some(at) = to {
                                e.prevent_default();
                                return crate::presenter::go(q, at);
                            }
                        }
                        if let Some(action) = shortcut(&key, speed.get()) {
                            e.prevent_default();
                            d.dispatch(action);
                        }
                    });
                move || drop(listener)
            },
        );
    }
}

/// The panels a link's first render left out, in the next task.
#[hook]
pub fn use_draw_rest(state: &UseReducerHandle<AppState>) {
    {
        let d = state.dispatcher();
        use_effect_with(state.deferred, move |deferred| {
            if *deferred {
                gloo::timers::callback::Timeout::new(0, move || d.dispatch(Action::DrawAll))
                    .forget();
            }
        });
    }
}

/// Taps on the static shell's Play before the app started (the page's
/// head script keeps them on `<html data-taps>`): played now, in order.
#[hook]
pub fn use_shell_taps(state: &UseReducerHandle<AppState>) {
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            for _ in 0..browser::take_shell_taps() {
                d.dispatch(Action::TogglePlay);
            }
        });
    }
}

/// Warm the engine a second after the first render, so the first fault
/// click is as quick as the ones after it: claim the heap a large run
/// needs (`platform::claim_heap`), then simulate the opened scenario
/// with every palette fault in it (`state::warm_up_scenario`) and drop
/// the run. The browser compiles a wasm function on its first call, on
/// the main thread, and optimises hot ones later, in the background;
/// without this the first click after a load paid for both: 18-21 ms
/// for a 1,000-event run on the CI machine, against 5-10 ms for the
/// clicks after it. Not in the tasks right after the render: there it
/// delayed a cold load's first input by its length.
#[hook]
pub fn use_warm_up(state: &UseReducerHandle<AppState>) {
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
}

/// Playback clock: one tick per animation frame (the browser's own
/// rhythm, paused with the tab), advancing by the real time elapsed.
#[hook]
pub fn use_playback_clock(state: &UseReducerHandle<AppState>) {
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
}

/// Permalink out: keep the hash in step with what is shown (when paused).
/// The address is replaced once the view has been still for
/// [`HASH_AFTER_MS`], not on the step's own frame: replacing it costs the
/// browser about 3 ms (the history entry, the page's icon drawn again),
/// which made a step forward on a long run miss its frame. Steps taken
/// faster than that (a held arrow key) are written once.
#[hook]
pub fn use_hash_out(state: &UseReducerHandle<AppState>, hash: &str) {
    let (playing, hash) = (state.playing, hash.to_string());
    use_effect_with((playing, hash), move |(playing, hash)| {
        browser::write_hash_soon((!*playing).then(|| hash.clone()), HASH_AFTER_MS);
    });
}

/// How long the view is still before its link is written (ms).
pub const HASH_AFTER_MS: u32 = 50;

/// Keep the playhead in view in the diagram (after it has been drawn),
/// and, when the lanes are wider than the box, the lane that just acted.
/// Also: the presets on one row (`use_presets_fit`).
#[hook]
pub fn use_keep_in_view(state: &UseReducerHandle<AppState>) {
    use_presets_fit(state);
    let run_id = Rc::as_ptr(&state.run) as usize;
    // Keyed on the step, not the playhead: reading the layout forces the
    // browser to lay the page out, which on every frame cost more than
    // the frame itself.
    let (run, projector) = (state.run.clone(), state.compact());
    use_effect_with(
        (state.cursor, run_id, projector),
        move |&(cursor, _, projector)| scroll_to_step(&run, cursor, projector),
    );
}

/// The presets on one row. When the row overflows, as many as end
/// inside it, leaving room for the "More scenarios" menu (the rest go in
/// it); if it still overflows once the menu is drawn, fewer again. One
/// or two passes, not one per preset: each pass redraws the lab and
/// lays the page out again. The reducer starts again from all of them
/// when the view, the lab or the window's size changes.
#[hook]
fn use_presets_fit(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    let run_id = Rc::as_ptr(&state.run) as usize;
    // Measured once per view, lab, run and pass, not on every step.
    let measure = (state.projector, state.presets_fit, run_id);
    use_effect_with(measure, move |_| fit_presets(&d));
}

/// If the preset row overflows, tell the state how many presets fit in it.
fn fit_presets(d: &UseReducerDispatcher<AppState>) {
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
}

/// Scroll the diagram to step `cursor`'s row if it is near an edge, and
/// to the lane that acted at it.
fn scroll_to_step(run: &faultline_sim::Run, cursor: u32, projector: bool) {
    let acting = run.steps.get(cursor as usize).and_then(|s| s.actor);
    let lanes = crate::components::lanes::Lanes::of_run(run);
    let acting = acting.map(|a| lanes.lane(a));
    let lane_w = crate::components::sequence::lane_w(lanes.count(), projector);
    let doc = gloo::utils::document();
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
            scroll_to_lane(
                &doc,
                &el,
                crate::components::sequence::lane_x(actor, lane_w),
            );
        }
    }
}

/// Scroll the diagram's box `el` sideways to the lane at `lane` (in SVG
/// units) if it is near an edge.
fn scroll_to_lane(doc: &web_sys::Document, el: &web_sys::Element, lane: f64) {
    // Lane position in SVG units, scaled to the drawn size.
    let svg = doc.get_element_by_id("sequence");
    let natural = svg
        .as_ref()
        .and_then(|s| s.get_attribute("width"))
        .and_then(|w| w.parse::<u32>().ok())
        .map(f64::from)
        .unwrap_or(1.0);
    let drawn = svg.map_or(natural, |s| s.get_bounding_client_rect().width());
    let x = (lane * drawn / natural.max(1.0)) as i32;
    let (left, w) = (el.scroll_left(), el.client_width());
    if el.scroll_width() > w && (x < left + 60 || x > left + w - 60) {
        el.set_scroll_left((x - w / 2).max(0));
    }
}

/// Tell the state which panels below the diagram are in view (or within
/// a screen of it), so playback redraws only those (`AppState::offscreen`).
/// Watching starts once they are drawn (`AppState::deferred`).
#[hook]
pub fn use_panels_in_view(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    use_effect_with(state.deferred, move |&deferred| {
        let observer = (!deferred)
            .then(|| {
                browser::watch_in_view(&["machines-panel", "data-panel"], 200, move |id, seen| {
                    let panel = if id == "data-panel" {
                        Panel::Data
                    } else {
                        Panel::Machines
                    };
                    d.dispatch(Action::PanelInView(panel, seen));
                })
            })
            .flatten();
        move || {
            if let Some(o) = observer {
                o.disconnect();
            }
        }
    });
}

/// Simulate a long run asked for (`AppState::pending`) a slice of events
/// at a time, one slice per task, reporting progress after each, so the
/// page keeps drawing and answering. A newer load stops an older one.
#[hook]
pub fn use_sliced_simulation(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    let pending = state.pending.clone();
    use_effect_with(pending.as_ref().map(|p| p.id), move |_| {
        let timer: Rc<RefCell<Option<Timeout>>> = Rc::default();
        if let Some(p) = pending {
            match faultline_sim::registry::start(&p.scenario) {
                Ok(sim) => next_slice(sim, p.id, 0.0, d, timer.clone()),
                Err(e) => d.dispatch(Action::Simulated(p.id, Err(e.to_string()))),
            }
        }
        // Dropping the next slice's timeout cancels it (and the rest).
        move || drop(timer.borrow_mut().take())
    });
}

/// Run the next slice of a long run in a task of its own.
fn next_slice(
    mut sim: faultline_sim::engine::Simulation,
    id: u32,
    ms: f64,
    d: UseReducerDispatcher<AppState>,
    timer: Rc<RefCell<Option<Timeout>>>,
) {
    let again = timer.clone();
    *timer.borrow_mut() = Some(Timeout::new(0, move || {
        let t0 = crate::platform::now_ms();
        let over = sim.advance(EVENTS_PER_SLICE);
        if over {
            let run = sim.finish();
            let ms = ms + crate::platform::now_ms() - t0;
            d.dispatch(Action::Simulated(id, Ok((Rc::new(run), ms))));
        } else {
            let ms = ms + crate::platform::now_ms() - t0;
            d.dispatch(Action::Simulating(id, sim.events()));
            next_slice(sim, id, ms, d, again);
        }
    }));
}

/// Fetch the lab's lessons file when a lesson is asked for and it is not
/// here yet (`Action::LessonsLoaded`). Beside the page, versioned by its
/// content (`LESSONS_VERSION`, from build.rs) so a cache never serves an
/// older one with a newer page.
#[hook]
pub fn use_lessons_fetch(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    let wanted = state.guide.is_some() && state.lessons.is_none();
    let lab = state.scenario.lab.clone();
    use_effect_with(wanted, move |&wanted| {
        if wanted {
            yew::platform::spawn_local(async move {
                let url = format!("{lab}.json?v={}", crate::LESSONS_VERSION);
                let file = browser::fetch_text(&url).await.and_then(|text| {
                    faultline_sim::lesson::LessonFile::parse(&text, &lab)
                        .map(Rc::new)
                        .map_err(|e| e.to_string())
                });
                d.dispatch(Action::LessonsLoaded(file));
            });
        }
    });
}

/// The link's hash for what is shown: the run (or both runs compared), the
/// step and the view. Encoded once per step and view, not on every frame
/// while playing.
#[hook]
pub fn use_permalink_hash(state: &UseReducerHandle<AppState>) -> Rc<String> {
    let key = (
        Rc::as_ptr(&state.run) as usize,
        state.cursor,
        (state.projector, state.embed),
        state
            .compare
            .as_ref()
            .map(|c| (Rc::as_ptr(c) as usize, c.shown_b)),
        (state.guide.clone(), state.lessons.is_some()),
    );
    use_memo(key, |_| {
        // A lesson step on script: the step's own link.
        if let Some(link) = state.lesson_link() {
            let view = if state.projector {
                "&view=projector"
            } else {
                ""
            };
            return format!("{}{view}", link.hash());
        }
        let view = if state.embed {
            permalink::View::Embed
        } else if state.projector {
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
    })
}

/// Keep the learner's progress in local storage whenever it changes (not
/// when the page starts: a record it could not read stays untouched until
/// the learner makes new progress). A browser that refuses is said once.
#[hook]
pub fn use_progress_saved(state: &UseReducerHandle<AppState>) {
    let d = state.dispatcher();
    let started = use_mut_ref(|| false);
    let told = use_mut_ref(|| false);
    let progress = state.progress.clone();
    use_effect_with(Rc::as_ptr(&progress) as usize, move |_| {
        if !std::mem::replace(&mut *started.borrow_mut(), true) {
            return;
        }
        if let Err(why) = browser::store_progress(&progress) {
            if !std::mem::replace(&mut *told.borrow_mut(), true) {
                d.dispatch(Action::Notify(crate::state::Notice {
                    text: format!("Your progress cannot be kept: {why}. Export it to keep a copy."),
                    is_error: true,
                }));
            }
        }
    });
}
