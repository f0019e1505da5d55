//! The app's state: a scenario, its simulated run, a cursor and the
//! playhead. Every change on screen goes through an `Action`; the run is
//! recomputed only when the scenario changes (it is a pure function of it).

use faultline_sim::fault::Fault;
use faultline_sim::lesson::{LessonFile, LessonLink};
use faultline_sim::progress::Progress;
use faultline_sim::queue::Queue;
use faultline_sim::scenario::{ConfigValue, Scenario};
use faultline_sim::{simulate, Run};
use std::rc::Rc;
use yew::prelude::*;

/// Playback speeds offered (multiples of the base rate).
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 1.5, 2.0, 4.0];
/// The same speeds as text (for the speed menu, without float formatting).
pub const SPEED_LABELS: [&str; 6] = ["0.25", "0.5", "1", "1.5", "2", "4"];

/// Virtual milliseconds per real millisecond at 1× (1 s of the run plays in 4 s).
pub const BASE_RATE: f64 = 0.25;

/// A message shown above the lab (bad link, bad file, copied link…).
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// A comparison of two runs of one lab: the run not on screen, shown in
/// the summary at the same moment in virtual time as the one on screen.
#[derive(Clone, Debug)]
pub struct Compare {
    pub scenario: Scenario,
    pub run: Rc<Run>,
    pub preset: Option<String>,
    /// The run on screen is B (this one is A); else it is A.
    pub shown_b: bool,
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub scenario: Scenario,
    pub run: Rc<Run>,
    pub cursor: u32,
    /// Virtual time of the playhead (between steps while animating).
    pub playhead: f64,
    pub playing: bool,
    pub speed: f64,
    pub notice: Option<Notice>,
    pub help_open: bool,
    /// The projector view: the diagram and the narration line, large.
    pub projector: bool,
    /// Which preset the scenario came from, if unchanged since.
    pub preset: Option<String>,
    /// Bumped on every re-simulation, for the timing figure.
    pub sim_ms: f64,
    /// Instances the learner picked to watch: (actor lane, instance id).
    pub picked: Vec<(u16, u32)>,
    /// How many presets fit on one row (the rest are in a menu): measured
    /// by the lab view after drawing; `usize::MAX` until then.
    pub presets_fit: usize,
    /// The first render of a page load leaves out the panels below the
    /// diagram (state machines, data); `Action::DrawAll` adds them in the
    /// next task, so neither task is long.
    pub deferred: bool,
    /// Comparing the run on screen with another (`Action::Compare`).
    pub compare: Option<Rc<Compare>>,
    /// The sequence diagram's rows scrolled into view, in pieces of
    /// `sequence_step::ROWS_PER_PIECE` (first, last): a long run draws
    /// only those and the cursor's.
    pub diagram_view: (u32, u32),
    /// The diagram is drawn whole for an SVG export, then saved.
    pub exporting_svg: bool,
    /// A long run being simulated a slice at a time (`Pending`), and how
    /// many events it has so far: the page keeps what it shows, with
    /// playback off, until the run is ready.
    pub pending: Option<Rc<Pending>>,
    pub pending_events: u32,
    /// The embedded view (a link's `.embed`): the diagram, its controls and
    /// the narration line, for an iframe; no navigation.
    pub embed: bool,
    /// The window is a phone's width: the diagram is drawn with the
    /// projector view's narrow lanes and fitted to the screen
    /// (`AppState::compact`).
    pub narrow: bool,
    /// Panels below the diagram scrolled out of view (`Panel` bits):
    /// while playing they are not redrawn, and catch up on pause or as
    /// they come into view.
    pub offscreen: u8,
    /// The lab's lessons, once fetched (`hooks::use_lessons_fetch`).
    pub lessons: Option<Rc<LessonFile>>,
    /// The lesson the learner follows, and its step (`crate::guide`).
    pub guide: Option<Guide>,
    /// What the learner has done, kept in local storage
    /// (`hooks::use_progress_saved`): predictions answered, lessons
    /// finished, interview answers.
    pub progress: Rc<Progress>,
    /// The presenter's queue the page's link holds, if any
    /// (`faultline_sim::queue`; `crate::presenter` moves through it).
    pub queue: Option<Rc<Queue>>,
    /// Playing stops at this step (a prediction's answer).
    pub stop_at: Option<u32>,
}

/// Where the learner is in a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guide {
    /// The lesson's id (its file may still be on its way).
    pub lesson: String,
    /// The step, from 0.
    pub step: usize,
    /// A cursor a link asked for, other than the step's own.
    pub at: Option<u32>,
}

/// Runs whose event bound is above this are simulated a slice at a time
/// between frames (`Pending`), so opening one never freezes the page;
/// shorter runs are simulated at once.
pub const SLICED_ABOVE_EVENTS: u32 = 20_000;

/// Events simulated per slice of a long run: about 15-25 ms of work on a
/// slow machine, then the page draws its progress.
pub const EVENTS_PER_SLICE: u32 = 5_000;

/// A long run asked for (a `Load`), being simulated in slices.
#[derive(Clone, Debug)]
pub struct Pending {
    /// Which load this is: a progress report or result for an older one
    /// is ignored.
    pub id: u32,
    pub scenario: Scenario,
    pub cursor: u32,
    pub preset: Option<String>,
    pub notice: Option<Notice>,
}

/// The panels whose visibility the page watches (`AppState::offscreen`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Machines = 1,
    Data = 2,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && self.cursor == other.cursor
            && self.playhead == other.playhead
            && self.playing == other.playing
            && self.speed == other.speed
            && self.notice == other.notice
            && self.help_open == other.help_open
            && self.projector == other.projector
            && self.picked == other.picked
            && self.preset == other.preset
            && self.presets_fit == other.presets_fit
            && self.deferred == other.deferred
            && self.diagram_view == other.diagram_view
            && self.exporting_svg == other.exporting_svg
            && self.narrow == other.narrow
            && self.embed == other.embed
            // Which panels are in view matters only while playing (paused,
            // every panel is drawn at the cursor): scrolling a paused page
            // redraws nothing.
            && (self.offscreen == other.offscreen || !(self.playing || other.playing))
            && self.pending.as_ref().map(|p| p.id) == other.pending.as_ref().map(|p| p.id)
            && self.pending_events == other.pending_events
            && self.guide == other.guide
            && self.stop_at == other.stop_at
            && Rc::ptr_eq(&self.progress, &other.progress)
            && match (&self.queue, &other.queue) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
            && match (&self.lessons, &other.lessons) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
            && match (&self.compare, &other.compare) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

pub enum Action {
    /// Show a scenario at a step (from a link, a preset, an import).
    Load {
        scenario: Scenario,
        cursor: u32,
        preset: Option<String>,
        notice: Option<Notice>,
    },
    /// Draw this instance of a many-instance actor (`None`: the one that
    /// moved last).
    PickInstance {
        actor: u16,
        instance: Option<u32>,
    },
    /// Advance the playhead by real elapsed milliseconds.
    Tick(f64),
    TogglePlay,
    StepForward,
    StepBack,
    Restart,
    Seek(u32),
    SetSpeed(f64),
    /// Apply faults built for the playhead's current time.
    AddFaults(Vec<Fault>),
    RemoveFault(usize),
    SetConfig(String, ConfigValue),
    SetSeed(u64),
    SetRandom(faultline_sim::fault::RandomFaults),
    Notify(Notice),
    Dismiss,
    ToggleHelp,
    CloseHelp,
    ToggleProjector,
    /// The view a link asks for.
    SetProjector(bool),
    /// The embedded view, as a link asks (`.embed`).
    SetEmbed(bool),
    /// The lab view measured its preset row: this many fit on it (always
    /// fewer than now, so measuring ends).
    FitPresets(usize),
    /// Draw the panels the first render left out.
    DrawAll,
    /// The window changed size; whether it is now a phone's width.
    Resized(bool),
    JumpToViolation,
    /// Compare the run on screen (A) with this one (B), on screen first A.
    Compare {
        scenario: Scenario,
        preset: Option<String>,
    },
    /// Show the other run of the comparison, at the same moment.
    SwapSides,
    /// Stop comparing; the run on screen stays.
    EndCompare,
    /// The diagram's rows in view changed (pieces, first and last).
    DiagramScrolled(u32, u32),
    /// A long run's simulation got this far (`Pending::id`, events).
    Simulating(u32, u32),
    /// A long run's simulation ended: its run and the time it took (ms),
    /// or why it cannot run.
    Simulated(u32, Result<(Rc<Run>, f64), String>),
    /// A watched panel scrolled into view (`true`) or out of it.
    PanelInView(Panel, bool),
    /// Start a lesson at a step (a lesson link, or the lab's "Guided
    /// lesson": no id is the lab's first lesson).
    OpenLesson(LessonLink),
    /// The lab's lessons file arrived (or why it cannot be used).
    LessonsLoaded(Result<Rc<LessonFile>, String>),
    /// Go to a step of the lesson open (or back to it, off script).
    LessonStep(usize),
    /// Answer the step's prediction with this choice.
    Predict(usize),
    /// The learner's answer to interview question `n` of this lab.
    Note(u32, String),
    /// Progress read from an imported file (or why it cannot be used).
    ImportProgress(Result<Progress, String>),
    /// Erase every answer, score and note.
    ResetProgress,
    /// Another tab of the site changed the stored progress: this one.
    ProgressStored(Rc<Progress>),
    /// The presenter's queue the link holds (none: the link has none).
    SetQueue(Option<Rc<Queue>>),
    /// Add a link to the presenter's queue (a new queue starts with it).
    QueueAdd(String),
    /// Take item `n` out of the queue.
    QueueRemove(usize),
    /// The lesson's last step is done: the score, then the lab.
    FinishLesson,
    CloseLesson,
    /// Draw the whole diagram and save it as SVG; `SvgExported` when done.
    ExportSvg,
    SvgExported,
}

/// Open lab `id` at its default preset (a `Load`; an unknown lab loads a
/// scenario that cannot run, which the reducer turns into a notice).
#[cfg(test)]
pub fn open_lab(id: &str) -> Action {
    let (scenario, preset) = faultline_sim::registry::default_scenario(id)
        .map(|(s, p)| (s, Some(p.to_string())))
        .unwrap_or_else(|| (faultline_sim::registry::new_scenario(id, 1), None));
    Action::Load {
        scenario,
        cursor: 0,
        preset,
        notice: None,
    }
}

/// The default scenario: the page's lab's default preset, and its id (a
/// lab page's wasm has one lab; native builds, every lab, the first).
pub fn default_scenario() -> (Scenario, String) {
    let first = faultline_sim::labs().remove(0);
    faultline_sim::registry::default_scenario(first.id)
        .map(|(s, id)| (s, id.to_string()))
        .unwrap_or_else(|| {
            (
                faultline_sim::registry::new_scenario(first.id, 1),
                String::new(),
            )
        })
}

/// The run that warms the engine after a page load (see `app.rs`): the
/// opened scenario with one of each of its lab's palette faults added (a
/// second apart, from 0.5 s, as far as the plan has room), so it runs the
/// opened run's code and every fault's. The browser compiles a wasm
/// function only when it is first called, on the main thread, and
/// optimises it once it has run a while; the first fault click would
/// otherwise pay for both while the learner waits.
pub fn warm_up_scenario(opened: &Scenario) -> Scenario {
    let mut faulty = opened.clone();
    if let Some(info) = faultline_sim::registry::lab(&opened.lab) {
        for (i, entry) in info.palette.iter().enumerate() {
            let built = (entry.build)(500 + 1_000 * i as u64);
            if faulty.faults.len() + built.len() > faultline_sim::scenario::MAX_FAULTS {
                break;
            }
            faulty.faults.extend(built);
        }
    }
    faulty
}

pub(crate) fn run_of(s: &Scenario) -> Result<(Rc<Run>, f64), String> {
    if let Some(prepared) = crate::first_run::take(s) {
        return Ok(prepared);
    }
    let t0 = crate::platform::now_ms();
    let run = simulate(s).map_err(|e| e.to_string())?;
    Ok((Rc::new(run), crate::platform::now_ms() - t0))
}

impl AppState {
    pub fn new() -> Self {
        let (scenario, preset) = default_scenario();
        let (run, sim_ms) = run_of(&scenario).unwrap_or_else(|_| {
            let s = faultline_sim::registry::new_scenario(&scenario.lab, 1);
            (
                // Display, not Debug: `expect` would ship ScenarioError's Debug.
                Rc::new(simulate(&s).unwrap_or_else(|e| {
                    panic!("a lab's empty scenario is valid, not refused: {e}")
                })),
                0.0,
            )
        });
        Self::showing(scenario, run, sim_ms, Some(preset), None)
    }

    /// A fresh page showing `run` at its first step: every view setting
    /// at its default, no lesson, nothing compared or pending.
    fn showing(
        scenario: Scenario,
        run: Rc<Run>,
        sim_ms: f64,
        preset: Option<String>,
        notice: Option<Notice>,
    ) -> Self {
        Self {
            scenario,
            run,
            cursor: 0,
            playhead: 0.0,
            playing: false,
            speed: 1.0,
            notice,
            help_open: false,
            projector: false,
            preset,
            sim_ms,
            picked: Vec::new(),
            presets_fit: usize::MAX,
            deferred: false,
            compare: None,
            diagram_view: (0, 0),
            exporting_svg: false,
            offscreen: 0,
            lessons: None,
            guide: None,
            progress: Rc::default(),
            queue: None,
            stop_at: None,
            narrow: false,
            embed: false,
            pending: None,
            pending_events: 0,
        }
    }

    /// The state a `Load` action gives, simulating only its scenario (the
    /// app's first state when it opens at a permalink). A scenario that
    /// cannot run falls back to `new()` with the reducer's notice.
    pub fn opened(load: Action) -> Self {
        let Action::Load {
            scenario,
            cursor,
            preset,
            notice,
        } = load
        else {
            return Self::new();
        };
        // A long run: the lab's first run shows while it is simulated.
        if scenario.bounds.max_events > SLICED_ABOVE_EVENTS {
            let load = Action::Load {
                scenario,
                cursor,
                preset,
                notice,
            };
            return (*Rc::new(Self::new()).reduce(load)).clone();
        }
        match run_of(&scenario) {
            Ok((run, sim_ms)) => {
                Self::showing(scenario, run, sim_ms, preset, notice).at_step(cursor)
            }
            Err(_) => (*Rc::new(Self::new()).reduce(Action::Load {
                scenario,
                cursor,
                preset,
                notice,
            }))
            .clone(),
        }
    }

    /// The instance the learner picked for `actor`, if any.
    pub fn picked_instance(&self, actor: u16) -> Option<u32> {
        self.picked
            .iter()
            .find(|(a, _)| *a == actor)
            .map(|(_, i)| *i)
    }

    /// The diagram is drawn with narrow lanes, to be scaled to its box:
    /// in the projector view, and on a phone's width.
    pub fn compact(&self) -> bool {
        self.projector || self.narrow
    }

    pub fn last_step(&self) -> u32 {
        self.run.steps.len().saturating_sub(1) as u32
    }

    pub fn time_of(&self, step: u32) -> f64 {
        self.run
            .steps
            .get(step as usize)
            .map_or(0.0, |s| s.time as f64)
    }

    pub(crate) fn at_step(mut self, step: u32) -> Self {
        self.cursor = step.min(self.last_step());
        self.playhead = self.time_of(self.cursor);
        self
    }

    /// The step on screen for the playhead's moment.
    pub(crate) fn at_playhead(mut self) -> Self {
        let t = self.playhead;
        let n = self.run.steps.partition_point(|s| (s.time as f64) <= t);
        self.cursor = n.saturating_sub(1) as u32;
        self.playhead = t.min(self.run.end_time() as f64);
        self
    }

    /// After the run on screen changed from `before`: the compared run
    /// takes the same seed, fault plan and network trouble, each where it
    /// had the same as `before` (a comparison is of one plan).
    pub(crate) fn follow(mut self, before: &Scenario) -> Self {
        let Some(c) = self.compare.clone() else {
            return self;
        };
        let mut other = c.scenario.clone();
        let now = &self.scenario;
        if other.faults == before.faults {
            other.faults = now.faults.clone();
        }
        if other.seed == before.seed {
            other.seed = now.seed;
        }
        if other.random == before.random {
            other.random = now.random.clone();
        }
        if other != c.scenario {
            if let Ok((run, _)) = run_of(&other) {
                self.compare = Some(Rc::new(Compare {
                    scenario: other,
                    run,
                    preset: None,
                    shown_b: c.shown_b,
                }));
            }
        }
        self
    }

    /// Replace the scenario, keeping the playhead's moment.
    pub(crate) fn resimulate(mut self, scenario: Scenario) -> Self {
        match run_of(&scenario) {
            Ok((run, ms)) => {
                self.scenario = scenario;
                self.run = run;
                self.sim_ms = ms;
                // Keep every step up to the playhead: the past is unchanged.
                self = self.at_playhead();
            }
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("That change cannot be run: {e}"),
                    is_error: true,
                })
            }
        }
        self
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
