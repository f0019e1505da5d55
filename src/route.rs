//! What the URL hash asks for: the run a link names (and its view and
//! comparison), the page's default run when there is none, or the default
//! run with a notice when the link cannot be opened; and the presenter's
//! queue a link may hold after its run. A link to another lab's run goes
//! to that lab's page.

use crate::browser;
use crate::state::{default_scenario, Action, AppState, Notice};
use faultline_sim::permalink;
use std::rc::Rc;
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

/// The scenario the page opens with: the one the link names, or the
/// page's default run (`first_run` simulates it before the first render).
pub fn first_scenario() -> faultline_sim::scenario::Scenario {
    match actions_for_hash(&browser::read_hash()).into_iter().next() {
        Some(Action::Load { scenario, .. }) => scenario,
        _ => default_scenario().0,
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
    // A presenter's queue: the link on screen first, then the queue.
    let (link, queue) = faultline_sim::queue::Queue::split(hash);
    // The explorer's work on the run (started once the page shows it:
    // `explore_asked`).
    #[cfg(feature = "explorer")]
    let (link, asked) = faultline_sim::explore_link::ExploreAsk::split(link);
    let mut actions = actions_for_link(link);
    #[cfg(feature = "explorer")]
    if let Some(Err(e)) = asked {
        actions.push(Action::Notify(Notice {
            text: format!(
                "This link's explorer part cannot be used: {e}. The run it names is shown."
            ),
            is_error: true,
        }));
    }
    if let Some(Ok(_)) = &queue {
        // Moving through a queue keeps the view: an item's link does not
        // turn the projector view off, and a move from another lab's page
        // carries it over (`presenter::go`).
        actions.retain(|a| !matches!(a, Action::SetProjector(false)));
        if crate::presenter::carried_projector() {
            actions.push(Action::SetProjector(true));
        }
    }
    match queue {
        None => actions.push(Action::SetQueue(None)),
        Some(Ok(q)) => actions.push(Action::SetQueue(Some(Rc::new(q)))),
        Some(Err(e)) => actions.extend([
            Action::SetQueue(None),
            Action::Notify(Notice {
                text: format!(
                    "This link's presenter queue cannot be used: {e}. The run it names is shown."
                ),
                is_error: true,
            }),
        ]),
    }
    actions
}

/// What a link (without a queue) asks for.
fn actions_for_link(hash: &str) -> Vec<Action> {
    // A lesson step: the page's run first, then the lesson (its step's
    // run once the lessons file is here).
    if let Some(link) = faultline_sim::lesson::LessonLink::parse(hash) {
        let projector = hash.split('&').any(|kv| kv == "view=projector");
        return vec![
            default_load(None),
            Action::SetProjector(projector),
            Action::OpenLesson(link),
        ];
    }
    // Any other link leaves the lesson open on the page (a presenter's
    // queue moving on from a lesson item, a link pasted in the address
    // bar): kept open, it would take the link's run for a step off its
    // script.
    // (After the run's `Load`, which the first state is made from.)
    let mut actions = actions_for_run_link(hash);
    actions.push(Action::CloseLesson);
    actions
}

/// What a link to a run (or a comparison) asks for.
fn actions_for_run_link(hash: &str) -> Vec<Action> {
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
            actions.push(Action::SetEmbed(opened.view == permalink::View::Embed));
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
pub fn load_from_hash(dispatch: &UseReducerDispatcher<AppState>) {
    if browser::forward_to_its_page() {
        return;
    }
    let actions = actions_for_hash(&browser::read_hash());
    crate::presenter::forget_carried();
    for action in actions {
        dispatch.dispatch(action);
    }
    #[cfg(feature = "explorer")]
    start_asked_work();
}

/// Start the explorer's work the page's link asks for (`&explore=…`), on
/// the run it names, once the page shows that run.
#[cfg(feature = "explorer")]
pub fn start_asked_work() {
    let hash = browser::read_hash();
    let (link, _) = faultline_sim::queue::Queue::split(&hash);
    if let (run, Some(Ok(ask))) = faultline_sim::explore_link::ExploreAsk::split(link) {
        crate::components::explorer::start_asked(ask, run.to_string());
    }
}

/// The state the app starts in: a permalink opens its run straight away
/// (one simulation, no landing page rendered first and replaced), with
/// the learner's progress as this browser kept it.
pub fn initial_state() -> AppState {
    let (progress, trouble) = browser::stored_progress();
    let mut state = linked_state();
    crate::presenter::forget_carried();
    state.progress = Rc::new(progress);
    if let Some(text) = trouble {
        state.notice = Some(Notice {
            text: match state.notice.take() {
                Some(n) => format!("{} {text}", n.text),
                None => text,
            },
            is_error: true,
        });
    }
    state
}

/// The state the link asks for.
fn linked_state() -> AppState {
    let mut actions = actions_for_hash(&browser::read_hash()).into_iter();
    match actions.next() {
        Some(load @ Action::Load { .. }) => {
            let opened = Rc::new(AppState::opened(load));
            let state = actions.fold(opened, |s, a| s.reduce(a));
            AppState {
                deferred: true,
                narrow: crate::platform::is_narrow(),
                ..Rc::unwrap_or_clone(state)
            }
        }
        _ => AppState {
            narrow: crate::platform::is_narrow(),
            ..AppState::new()
        },
    }
}
