//! The lab page: presets, controls, the diagram, state machines, data,
//! invariants, narration, faults and settings, all rendered from one run
//! at one cursor.

use super::config::ConfigPanel;
use super::controls::{controls, Props as ControlsProps};
use super::interview::InterviewPanel;
use super::invariants::{invariant_panel, Props as InvariantProps};
use super::load::LoadChart;
use super::machines::{machine_panel, Props as MachineProps};
use super::narration::Narration;
use super::sequence::{SequenceDiagram, Window};
use super::sequence_parts::{row_y, HEADS, ROW, TOP};
use super::sequence_step::ROWS_PER_PIECE;
use super::tables::{data_tables, Props as TablesProps};
use crate::state::{Action, AppState, Panel, Pending};
use faultline_sim::lab::LabInfo;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub state: Rc<AppState>,
    pub info: Rc<LabInfo>,
    pub on: Callback<Action>,
    pub permalink: String,
    pub on_copy: Callback<()>,
    pub on_export_json: Callback<()>,
    pub on_export_svg: Callback<()>,
    pub on_import: Callback<web_sys::File>,
    #[prop_or_default]
    pub reduced_motion: bool,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        self.state == o.state
            && self.permalink == o.permalink
            && self.reduced_motion == o.reduced_motion
    }
}

/// The explorer's panel, in pages that have it (feature `explorer`).
#[cfg(feature = "explorer")]
fn explorer(run: &Rc<faultline_sim::Run>) -> Html {
    super::explorer::explorer_panel(run)
}

#[cfg(not(feature = "explorer"))]
fn explorer(_: &Rc<faultline_sim::Run>) -> Html {
    Html::default()
}

/// Runs longer than this many rows draw only the rows near those in view
/// and the cursor's; shorter ones (every preset) draw every row.
const WINDOW_ABOVE_ROWS: usize = 4 * ROWS_PER_PIECE as usize;

/// Which rows the diagram draws, and the scroll handler that tells the
/// state when the rows in view move to other pieces.
fn diagram_window(s: &AppState, on: &Callback<Action>) -> (Option<Window>, Callback<Event>) {
    let long = s.run.steps.len() > WINDOW_ABOVE_ROWS && !s.exporting_svg;
    let window = long.then_some(Window {
        first: s.diagram_view.0,
        last: s.diagram_view.1,
        at: s.cursor / ROWS_PER_PIECE,
    });
    let (shown, on) = (s.diagram_view, on.clone());
    // The diagram's viewBox height (`sequence.rs`: the drawing below its heads).
    let last = s.run.steps.len().saturating_sub(1) as u32;
    let view_h = row_y(last) + ROW * 2.0 - HEADS;
    let onscroll = Callback::from(move |_: Event| {
        let Some((top, bottom)) = crate::browser::diagram_in_view(HEADS, view_h) else {
            return;
        };
        let piece = |y: f64| ((y - TOP) / ROW).max(0.0) as u32 / ROWS_PER_PIECE;
        let view = (piece(top), piece(bottom));
        if long && view != shown {
            on.emit(Action::DiagramScrolled(view.0, view.1));
        }
    });
    (window, onscroll)
}

/// The step a panel below the diagram shows: the cursor's, except while
/// playing with the panel out of view, when it keeps the step it last drew
/// (so playback costs only what is on screen; it catches up on pause).
#[hook]
fn use_panel_step(s: &AppState, panel: Panel) -> u32 {
    let drawn = use_mut_ref(|| (0usize, 0u32));
    let run_id = Rc::as_ptr(&s.run) as usize;
    let live = !s.playing || s.offscreen & panel as u8 == 0;
    let mut d = drawn.borrow_mut();
    if live || d.0 != run_id {
        *d = (run_id, s.cursor);
    }
    d.1
}

/// The state machine panels at step `cursor`.
fn machine_panels(s: &AppState, cursor: u32, on: &Callback<Action>) -> Html {
    let run = &s.run;
    let step = &run.steps[cursor as usize];
    // One panel per distinct machine; several clients share the first
    // client's. An actor that runs many instances gets a picker, and a
    // panel of its own even when another actor runs the same machine
    // (each service of a two-phase commit is a participant).
    let mut seen: Vec<&str> = Vec::new();
    let machines = run.actors.iter().enumerate().filter_map(|(i, a)| {
        if seen.contains(&a.machine.name) && a.instances.is_none() {
            return None;
        }
        seen.push(a.machine.name);
        let lane = i as u16;
        let down = step.down.contains(&lane);
        if let Some(kind) = a.instances {
            let instances = run.instances_at(lane, cursor);
            let picked = s.picked_instance(lane);
            let displayed = super::instances::shown(&instances, picked, cursor).cloned();
            let current = displayed.as_ref().map_or(a.machine.states[0], |d| d.state);
            let taken = displayed
                .as_ref()
                .filter(|d| d.step == cursor)
                .map(|d| d.last);
            let title = match &displayed {
                Some(d) => format!("{} ({} #{})", a.title, kind.noun, d.id),
                None => a.title.clone(),
            };
            let children = super::instances::instance_picker(super::instances::Props {
                actor: lane,
                title: a.title.clone(),
                noun: kind.noun,
                instances,
                picked,
                displayed: displayed.map(|d| d.id),
                on: on.clone(),
            });
            return Some(machine_panel(&MachineProps {
                title,
                machine: a.machine,
                current,
                taken,
                down,
                children,
            }));
        }
        let idx = run.states_at(cursor).get(i).copied().unwrap_or(0) as usize;
        let current = a
            .machine
            .states
            .get(idx)
            .copied()
            .unwrap_or(a.machine.states[0]);
        let taken = run
            .transitions(step)
            .iter()
            .find(|f| f.actor == lane)
            .map(|f| f.transition);
        Some(machine_panel(&MachineProps {
            title: a.title.clone(),
            machine: a.machine,
            current,
            taken,
            down,
            children: Html::default(),
        }))
    });
    machines.collect()
}

/// The scenarios: the presets that fit on one row, the rest in a menu,
/// and what the one shown is about.
fn preset_strip(s: &AppState, info: &LabInfo, on: &Callback<Action>) -> Html {
    // The presets that fit on one row stay there, the rest go in a menu
    // (`App` measures the row after drawing: one fewer until it does not
    // overflow; all of them again when the view, the lab or the window changes).
    let on_row = s.presets_fit.min(info.presets.len());
    let preset_button = |pr: &faultline_sim::lab::Preset| {
        let scenario = pr.scenario;
        let id = pr.id.to_string();
        let active = s.preset.as_deref() == Some(pr.id);
        let onclick = on.reform(move |_| Action::Load {
            scenario: scenario(),
            cursor: 0,
            preset: Some(id.clone()),
            notice: None,
        });
        let class = if active { "preset active" } else { "preset" };
        html! {
            <li>
                <button {class} data-preset={pr.id} {onclick} aria-pressed={active.to_string()} title={pr.explanation}>
                    { pr.title }
                </button>
            </li>
        }
    };
    let mut row: Vec<Html> = info.presets.iter().map(preset_button).collect();
    let more = row.split_off(on_row);
    let more_active = info.presets[on_row..]
        .iter()
        .any(|pr| s.preset.as_deref() == Some(pr.id));
    let menu = (!more.is_empty()).then(|| {
        let label = format!("More scenarios ({}) ▾", more.len());
        let class = if more_active { "preset active" } else { "preset" };
        let summary = html! { <summary {class}>{ label }</summary> };
        html! {
            // Keyed by the preset shown, so choosing one closes the menu.
            <details class="preset-more" id="preset-more" key={s.preset.clone().unwrap_or_default()}>
                { summary }
                <ul>{ more }</ul>
            </details>
        }
    });

    let explanation = info.presets.iter().find(|pr| s.preset.as_deref() == Some(pr.id)).map_or_else(
        || "Your own scenario: a preset changed by faults or settings. The link below reproduces it.".to_string(),
        |pr| pr.explanation.to_string(),
    );
    html! {
        <nav class="presets" aria-label="Scenarios">
            <div class="preset-strip">
                <ul id="preset-row">{ row }</ul>
                { for menu }
            </div>
            <p class="hint explanation" id="scenario-explanation">{ explanation }</p>
        </nav>
    }
}

/// A long run being simulated: how far it has got, out of its bound.
fn simulating(p: &Pending, events: u32) -> Html {
    let max = p.scenario.bounds.max_events;
    let text = format!(
        "Simulating the run you opened: {} events so far (it stops at {} at most). The run on screen stays until it is ready.",
        crate::fmt::thousands(events),
        crate::fmt::thousands(max)
    );
    html! {
        <div class="banner info" id="simulating" role="status">
            <p>{ text }</p>
            <progress max={max.to_string()} value={events.to_string()} aria-label="Simulation progress"></progress>
        </div>
    }
}

/// Share and save: the link to this step, export and import.
fn share_panel(p: &Props) -> Html {
    let s = &p.state;
    let on_file = p.on_import.reform(|f| f);
    let import = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
        if let Some(file) = input.files().and_then(|l| l.get(0)) {
            on_file.emit(file);
        }
        input.set_value("");
    });
    html! {
        <section class="panel share" aria-labelledby="share-h">
            <h2 id="share-h">{ "Share and save" }</h2>
            <div class="share-row">
                <label for="permalink">{ "Link to this step" }</label>
                <input id="permalink" type="text" readonly=true value={p.permalink.clone()} />
                <button id="copy-link" onclick={p.on_copy.reform(|_| ())}>{ "Copy link" }</button>
            </div>
            <div class="share-row">
                <button id="export-json" onclick={p.on_export_json.reform(|_| ())}>{ "Export run (JSON)" }</button>
                <button id="export-svg" onclick={p.on_export_svg.reform(|_| ())}>{ "Export diagram (SVG)" }</button>
                <label class="file">{ "Import run (JSON) " }<input id="import-file" type="file" accept="application/json,.json" onchange={import} /></label>
            </div>
            { super::embed::embed_row(&p.permalink, p.info.title, &p.on) }
            <p class="hint">{ format!("Seed {} · {} events · simulated in {} ms", s.scenario.seed, s.run.steps.len(), crate::fmt::tenths(s.sim_ms)) }</p>
        </section>
    }
}

/// The sequence diagram in its scrolling box (fitted to the box's width
/// when its lanes fit).
pub(super) fn diagram_box(p: &Props) -> Html {
    let s = &p.state;
    let lanes = super::lanes::Lanes::of_run(&s.run).count();
    let fit = super::lanes::fits(lanes, s.compact());
    let scroll_class = if fit {
        "diagram-scroll fit"
    } else {
        "diagram-scroll"
    };
    let (window, onscroll) = diagram_window(s, &p.on);
    html! {
        <div class={scroll_class} id="diagram-scroll" data-lanes={lanes.to_string()} tabindex="0" aria-label="Sequence diagram, scrollable" {onscroll}>
            <SequenceDiagram run={s.run.clone()} cursor={s.cursor} playhead={s.playhead} reduced_motion={p.reduced_motion} projector={s.compact()} {window} />
        </div>
    }
}

/// What the learner changes: faults, settings, the network, a run to
/// compare with; and the lab's interview questions.
fn tools(p: &Props) -> Html {
    let (s, info) = (&p.state, &p.info);
    html! {
        <>
            <div class="side-by-side">
                { super::faults::fault_palette(&super::faults::Props {
                    palette: info.palette.clone(), faults: s.scenario.faults.clone(), now_ms: s.playhead as u64, on: p.on.clone(),
                }) }
                <div>
                    <ConfigPanel fields={info.config.clone()} config={s.scenario.config.clone()} on={p.on.clone()} />
                    <super::network::NetworkPanel seed={s.scenario.seed} random={s.scenario.random.clone()} on={p.on.clone()} />
                </div>
            </div>
            if s.compare.is_none() {
                { super::compare::compare_picker(info, &s.scenario, s.preset.as_deref(), &p.on) }
            }
            if !info.interviews.is_empty() {
                <InterviewPanel interviews={info.interviews.clone()} progress={s.progress.clone()} lab={info.id} on={p.on.clone()} />
            }
            { super::progress::progress_panel(&s.progress, &p.on) }
        </>
    }
}

/// The state machines and the data at the step they show. They change
/// only from step to step (and with the instances picked): drawn once per
/// step, not on every frame while the playhead moves, and not at all
/// while playing out of view. Nothing until `rest` (the page's first
/// paint leaves them out).
#[hook]
fn use_lower_panels(s: &AppState, rest: bool, on: &Callback<Action>) -> (Html, Html) {
    let run = &s.run;
    let run_id = Rc::as_ptr(run) as usize;
    let at = use_panel_step(s, Panel::Machines);
    let machines = use_memo((run_id, at, s.picked.clone(), rest), |_| {
        if rest {
            machine_panels(s, at, on)
        } else {
            Html::default()
        }
    });
    let at = use_panel_step(s, Panel::Data);
    let data = use_memo((run_id, at, rest), |_| {
        if rest {
            data_tables(TablesProps {
                tables: run.tables_at(at),
                changed: run.row_changes_at(at),
            })
        } else {
            Html::default()
        }
    });
    ((*machines).clone(), (*data).clone())
}

/// The embedded view: the lab's title as a link to the whole lab, the
/// playback controls, the diagram and the narration line.
fn embed_page(p: &Props, rest: bool) -> Html {
    let (s, info) = (&p.state, &p.info);
    let full = super::embed::full_link(&p.permalink).to_string();
    html! {
        <main id="main" class="lab embed" data-lab={info.id} tabindex="-1">
            <h1 class="embed-title"><a href={full} target="_blank" rel="noopener">{ info.title }{ " · open in Faultline ↗" }</a></h1>
            { super::notice::notice_banner(s.notice.as_ref(), &p.on) }
            { controls(&ControlsProps { playing: s.playing, cursor: s.cursor, last: s.last_step(), time_ms: s.playhead as u64, speed: s.speed, on: p.on.clone(), ready: rest && s.pending.is_none() }) }
            <section class="panel diagram" aria-label="Messages">
                { diagram_box(p) }
            </section>
            <Narration run={s.run.clone()} cursor={s.cursor} on={p.on.clone()} />
        </main>
    }
}

/// The lab's header: the way back, its title, the lesson and projector
/// buttons, and in projector view the link's QR code.
fn lab_head(p: &Props) -> Html {
    let (s, info) = (&p.state, &p.info);
    html! {
        <header class="lab-head">
            <a class="link back" href="../">{ "← All labs" }</a>
            <h1>{ info.title }</h1>
            if s.guide.is_none() {
                <button id="lesson-start" onclick={p.on.reform(|_| Action::OpenLesson(faultline_sim::lesson::LessonLink { lab: String::new(), lesson: String::new(), step: 0, at: None }))}>{ "Guided lesson" }</button>
            }
            <button id="projector" aria-pressed={s.projector.to_string()} onclick={p.on.reform(|_| Action::ToggleProjector)}>{ "Projector view (P)" }</button>
            if s.projector {
                <super::qr::QrPanel link={AttrValue::from(p.permalink.clone())} />
            }
        </header>
    }
}

/// The stage: the diagram (with the run's end note and the load chart)
/// beside the lesson, narration, figures and invariants.
fn stage(p: &Props) -> Html {
    let (s, info) = (&p.state, &p.info);
    let (run, cursor) = (&s.run, s.cursor);
    let on_jump = p.on.reform(Action::Seek);
    let not_checked: Vec<(&'static str, &'static str)> = info
        .invariants
        .iter()
        .filter_map(|inv| (inv.not_checked)(info, &s.scenario.config).map(|why| (inv.id, why)))
        .collect();
    let end_note = (cursor as usize + 1 == run.steps.len())
        .then(|| html! { <p class="hint end-note">{ run.end.message() }</p> });
    html! {
        <div class="stage">
            <section class="panel diagram" id="diagram-panel" aria-labelledby="seq-h">
                <h2 id="seq-h">{ "Messages" }</h2>
                { diagram_box(p) }
                { for end_note }
                <LoadChart run={run.clone()} playhead={s.playhead} />
            </section>
            <div class="side">
                if s.guide.is_some() {
                    { super::lesson::lesson_panel(s, &p.on) }
                }
                <Narration run={run.clone()} cursor={cursor} on={p.on.clone()} />
                { super::figures::figures_panel(&(info.figures)(run, cursor)) }
                { invariant_panel(&InvariantProps { invariants: info.invariants.clone(), not_checked, violations: run.violations.clone(), cursor, on_jump }) }
            </div>
        </div>
    }
}

#[component]
pub fn LabView(p: &Props) -> Html {
    let s = &p.state;
    let run = &s.run;
    let info = &p.info;
    let cursor = s.cursor;

    // On a page's first load the panels below the diagram are drawn in a
    // task of their own, after the first paint (`AppState::deferred`).
    let rest = !s.deferred;
    let (machines, data) = use_lower_panels(s, rest, &p.on);
    super::lesson::use_pointed(s);
    // While comparing, the helper writes the summary of the comparison's
    // link (made here: the page's own link may be a lesson step's). The
    // embedded view has no summary.
    let key = s
        .compare
        .as_ref()
        .filter(|_| !s.embed)
        .map(|c| (Rc::as_ptr(c) as usize, Rc::as_ptr(&s.run) as usize, cursor));
    // Made once per step, not at every frame of the playback.
    let compared = use_memo(key, |key| {
        key.and(s.compare.as_deref())
            .map(|c| super::compare::link_of(s, c))
    });
    super::compare::use_summary((*compared).clone());

    if s.embed {
        return embed_page(p, rest);
    }
    let page_class = if s.projector { "lab projector" } else { "lab" };
    html! {
        <main id="main" class={page_class} data-lab={info.id} tabindex="-1">
            { lab_head(p) }
            if let Some(q) = &s.queue {
                { super::queue::queue_bar(q) }
            }
            { super::notice::notice_banner(s.notice.as_ref(), &p.on) }
            if let Some(pending) = s.pending.as_deref() {
                { simulating(pending, s.pending_events) }
            }
            { preset_strip(s, info, &p.on) }
            if let Some(c) = s.compare.as_deref() {
                { super::compare::compare_bar_of(&super::compare::Props { state: s, compare: c, info, on: p.on.clone() }) }
            }
            { controls(&ControlsProps { playing: s.playing, cursor, last: s.last_step(), time_ms: s.playhead as u64, speed: s.speed, on: p.on.clone(), ready: rest && s.pending.is_none() }) }
            { stage(p) }
            if s.compare.is_some() {
                { super::compare::compare_summary() }
            }
            <section class="panel machines" id="machines-panel" aria-labelledby="sm-h">
                <h2 id="sm-h">{ "State machines" }</h2>
                <div class="machine-grid">{ machines }</div>
            </section>
            <section class="panel data" id="data-panel" aria-labelledby="data-h">
                <h2 id="data-h">{ "Data" }</h2>
                { data }
            </section>
            if rest {
                { explorer(run) }
                { tools(p) }
                { share_panel(p) }
                { super::queue::queue_panel(super::queue::Props { queue: s.queue.clone(), permalink: p.permalink.clone(), on: p.on.clone() }) }
            }
        </main>
    }
}
