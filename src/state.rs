//! The app's state: a scenario, its simulated run, a cursor and the
//! playhead. Every change on screen goes through an `Action`; the run is
//! recomputed only when the scenario changes (it is a pure function of it).

use faultline_sim::fault::Fault;
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
    /// The lab view measured its preset row: this many fit on it (always
    /// fewer than now, so measuring ends).
    FitPresets(usize),
    /// Draw the panels the first render left out.
    DrawAll,
    /// The window's size changed.
    Resized,
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

fn run_of(s: &Scenario) -> Result<(Rc<Run>, f64), String> {
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
        Self {
            scenario,
            run,
            cursor: 0,
            playhead: 0.0,
            playing: false,
            speed: 1.0,
            notice: None,
            help_open: false,
            projector: false,
            preset: Some(preset),
            sim_ms,
            picked: Vec::new(),
            presets_fit: usize::MAX,
            deferred: false,
            compare: None,
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
        match run_of(&scenario) {
            Ok((run, sim_ms)) => Self {
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
            }
            .at_step(cursor),
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

    pub fn last_step(&self) -> u32 {
        self.run.steps.len().saturating_sub(1) as u32
    }

    pub fn time_of(&self, step: u32) -> f64 {
        self.run
            .steps
            .get(step as usize)
            .map_or(0.0, |s| s.time as f64)
    }

    fn at_step(mut self, step: u32) -> Self {
        self.cursor = step.min(self.last_step());
        self.playhead = self.time_of(self.cursor);
        self
    }

    /// The step on screen for the playhead's moment.
    fn at_playhead(mut self) -> Self {
        let t = self.playhead;
        let n = self.run.steps.partition_point(|s| (s.time as f64) <= t);
        self.cursor = n.saturating_sub(1) as u32;
        self.playhead = t.min(self.run.end_time() as f64);
        self
    }

    /// After the run on screen changed from `before`: the compared run
    /// takes the same seed, fault plan and network trouble, each where it
    /// had the same as `before` (a comparison is of one plan).
    fn follow(mut self, before: &Scenario) -> Self {
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
    fn resimulate(mut self, scenario: Scenario) -> Self {
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

/// The reducer, by concern: loading a run, playback, editing the
/// scenario (faults, settings, seed, network), comparing, and the view.
impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if matches!(action, Action::Tick(_)) && !self.playing {
            return self;
        }
        let s = (*self).clone();
        Rc::new(match action {
            Action::Load {
                scenario,
                cursor,
                preset,
                notice,
            } => s.load(scenario, cursor, preset, notice),
            Action::Tick(real_ms) => s.tick(real_ms),
            a @ (Action::TogglePlay
            | Action::StepForward
            | Action::StepBack
            | Action::Restart
            | Action::Seek(_)
            | Action::SetSpeed(_)
            | Action::JumpToViolation) => s.playback(a),
            a @ (Action::AddFaults(_)
            | Action::RemoveFault(_)
            | Action::SetConfig(..)
            | Action::SetSeed(_)
            | Action::SetRandom(_)) => s.edit(a),
            a @ (Action::Compare { .. } | Action::SwapSides | Action::EndCompare) => s.comparing(a),
            a => s.view(a),
        })
    }
}

impl AppState {
    /// Show `scenario`'s run at `cursor` (or say why it cannot run).
    fn load(
        mut self,
        scenario: Scenario,
        cursor: u32,
        preset: Option<String>,
        notice: Option<Notice>,
    ) -> Self {
        match run_of(&scenario) {
            Ok((run, ms)) => {
                self.scenario = scenario;
                self.run = run;
                self.sim_ms = ms;
                self.playing = false;
                self.preset = preset;
                self.notice = notice;
                self.picked.clear();
                self.compare = None;
                self.at_step(cursor)
            }
            Err(e) => {
                self.notice = Some(Notice {
                    text: format!("That run cannot be played: {e}"),
                    is_error: true,
                });
                self
            }
        }
    }

    /// Advance the playhead by `real_ms` of real time (while playing).
    fn tick(mut self, real_ms: f64) -> Self {
        let end = self.run.end_time() as f64;
        self.playhead = (self.playhead + real_ms * BASE_RATE * self.speed).min(end);
        let n = self
            .run
            .steps
            .partition_point(|st| (st.time as f64) <= self.playhead);
        self.cursor = n.saturating_sub(1) as u32;
        if self.playhead >= end {
            self.cursor = self.last_step();
            self.playing = false;
        }
        self
    }

    /// Play, pause, step, seek, change speed, jump to the violation.
    fn playback(mut self, action: Action) -> Self {
        match action {
            Action::TogglePlay => {
                if !self.playing && self.cursor >= self.last_step() {
                    self = self.at_step(0);
                }
                self.playing = !self.playing;
                self
            }
            Action::StepForward => {
                self.playing = false;
                let next = (self.cursor + 1).min(self.last_step());
                self.at_step(next)
            }
            Action::StepBack => {
                self.playing = false;
                let prev = self.cursor.saturating_sub(1);
                self.at_step(prev)
            }
            Action::Restart => {
                self.playing = false;
                self.at_step(0)
            }
            Action::Seek(step) => self.at_step(step),
            Action::SetSpeed(v) => {
                self.speed = v.clamp(0.25, 4.0);
                self
            }
            Action::JumpToViolation => match self.run.first_violation().map(|v| v.step) {
                Some(step) => {
                    self.playing = false;
                    self.at_step(step)
                }
                None => {
                    self.notice = Some(Notice {
                        text: "No invariant breaks in this run.".into(),
                        is_error: false,
                    });
                    self
                }
            },
            _ => self,
        }
    }

    /// A change to the scenario (a fault added or removed, a setting, the
    /// seed, the network's trouble): re-simulated, no longer a preset. A
    /// fault or a network change keeps the playhead's moment (`follow`).
    fn edit(mut self, action: Action) -> Self {
        let before = self.scenario.clone();
        let mut next = self.scenario.clone();
        let follow = match action {
            Action::AddFaults(faults) => {
                if next.faults.len() + faults.len() > faultline_sim::scenario::MAX_FAULTS {
                    self.notice = Some(Notice {
                        text: "The fault plan is full (64 faults). Remove one first.".into(),
                        is_error: true,
                    });
                    return self;
                }
                next.faults.extend(faults);
                true
            }
            Action::RemoveFault(i) => {
                if i >= next.faults.len() {
                    return self;
                }
                next.faults.remove(i);
                true
            }
            Action::SetConfig(key, value) => {
                next.config.insert(key, value);
                false
            }
            Action::SetSeed(seed) => {
                next.seed = seed;
                true
            }
            Action::SetRandom(random) => {
                next.random = random;
                true
            }
            _ => return self,
        };
        self.preset = None;
        let s = self.resimulate(next);
        if follow {
            s.follow(&before)
        } else {
            s
        }
    }

    /// Start, swap or end a comparison with another run of this lab.
    fn comparing(mut self, action: Action) -> Self {
        match action {
            Action::Compare { scenario, preset } => match run_of(&scenario) {
                Ok(_) if scenario.lab != self.scenario.lab => {
                    self.notice = Some(Notice {
                        text: "A comparison shows two runs of one lab.".into(),
                        is_error: true,
                    })
                }
                Ok((run, _)) => {
                    self.playing = false;
                    self.compare = Some(Rc::new(Compare {
                        scenario,
                        run,
                        preset,
                        shown_b: false,
                    }));
                }
                Err(e) => {
                    self.notice = Some(Notice {
                        text: format!("That comparison cannot be run: {e}"),
                        is_error: true,
                    })
                }
            },
            Action::SwapSides => {
                if let Some(c) = self.compare.take() {
                    let c = Rc::unwrap_or_clone(c);
                    self.compare = Some(Rc::new(Compare {
                        scenario: std::mem::replace(&mut self.scenario, c.scenario),
                        run: std::mem::replace(&mut self.run, c.run),
                        preset: std::mem::replace(&mut self.preset, c.preset),
                        shown_b: !c.shown_b,
                    }));
                    self.picked.clear();
                    return self.at_playhead();
                }
            }
            Action::EndCompare => self.compare = None,
            _ => {}
        }
        self
    }

    /// What is shown and how: notices, help, the projector view, the
    /// panels drawn, the presets that fit, the instances picked.
    fn view(mut self, action: Action) -> Self {
        match action {
            Action::PickInstance { actor, instance } => {
                self.picked.retain(|(a, _)| *a != actor);
                if let Some(i) = instance {
                    self.picked.push((actor, i));
                }
            }
            Action::Notify(n) => self.notice = Some(n),
            Action::Dismiss => self.notice = None,
            Action::ToggleHelp => self.help_open = !self.help_open,
            Action::CloseHelp => self.help_open = false,
            // (The presets are measured again: a row that overflows loses some.)
            Action::ToggleProjector => {
                self.projector = !self.projector;
                self.presets_fit = usize::MAX;
            }
            Action::SetProjector(on) => self.projector = on,
            Action::DrawAll => self.deferred = false,
            Action::FitPresets(fit) => {
                let all = faultline_sim::lab(&self.scenario.lab).map_or(0, |l| l.presets.len());
                self.presets_fit = fit.min(self.presets_fit.min(all).saturating_sub(1));
            }
            // Every preset on the row again, to be measured (two values
            // that both mean "all", so that the measuring effect runs).
            Action::Resized => {
                self.presets_fit = usize::MAX - usize::from(self.presets_fit == usize::MAX)
            }
            _ => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Rc<AppState> {
        Rc::new(AppState::new()).reduce(Action::Load {
            scenario: default_scenario().0,
            cursor: 0,
            preset: None,
            notice: None,
        })
    }

    /// The engine's warm-up after a load runs every lab's preset with one
    /// of each palette fault in it: the runs must be valid (a refused
    /// scenario would warm nothing) and must hold every palette fault.
    #[test]
    fn warm_up_runs_every_palette_fault_of_every_preset() {
        for info in faultline_sim::labs() {
            for preset in &info.presets {
                let opened = (preset.scenario)();
                let faulty = warm_up_scenario(&opened);
                assert_eq!(faulty.faults[..opened.faults.len()], opened.faults[..]);
                let added: usize = info.palette.iter().map(|e| (e.build)(0).len()).sum();
                let room = faultline_sim::scenario::MAX_FAULTS - opened.faults.len();
                assert_eq!(
                    faulty.faults.len(),
                    opened.faults.len() + added,
                    "{}/{}: every palette fault added ({room} places free)",
                    info.id,
                    preset.id
                );
                if let Err(e) = simulate(&faulty) {
                    panic!("{}/{}: warm-up refused: {e}", info.id, preset.id);
                }
                if faultline_sim::registry::TEST_ONLY.contains(&info.id) {
                    continue;
                }
                assert_ne!(
                    faultline_sim::digest::run_digest(&faulty),
                    faultline_sim::digest::run_digest(&opened),
                    "{}/{}: the faults change the run",
                    info.id,
                    preset.id
                );
            }
        }
    }

    /// A permalink's first state (one simulation) is the state loading
    /// the same link from the landing page gives.
    #[test]
    fn opening_a_link_directly_equals_loading_it() {
        let load = || Action::Load {
            scenario: faultline_sim::preset("payments", "lost-response-no-key").unwrap(),
            cursor: 7,
            preset: Some("lost-response-no-key".into()),
            notice: Some(Notice {
                text: "older link".into(),
                is_error: false,
            }),
        };
        let direct = AppState::opened(load());
        let loaded = Rc::new(AppState::new()).reduce(load());
        assert_eq!(
            (
                &direct.scenario,
                direct.cursor,
                direct.playhead,
                &direct.preset,
                &direct.notice
            ),
            (
                &loaded.scenario,
                loaded.cursor,
                loaded.playhead,
                &loaded.preset,
                &loaded.notice
            )
        );
        assert_eq!(direct.run.steps.len(), loaded.run.steps.len());
        assert_eq!(
            (direct.playing, direct.speed),
            (loaded.playing, loaded.speed)
        );
    }

    #[test]
    fn the_preset_row_is_measured_in_one_or_two_passes() {
        let s = state();
        let all = faultline_sim::lab(&s.scenario.lab).unwrap().presets.len();
        assert_eq!(s.presets_fit, usize::MAX);
        let s = s.reduce(Action::FitPresets(3));
        assert_eq!(s.presets_fit, 3, "as many as the measure says, at once");
        let s = s.reduce(Action::FitPresets(5));
        assert_eq!(
            s.presets_fit, 2,
            "never more than before: the measuring ends"
        );
        let s = s
            .reduce(Action::FitPresets(0))
            .reduce(Action::FitPresets(0));
        assert_eq!(s.presets_fit, 0);
        let s = s
            .reduce(Action::Resized)
            .reduce(Action::FitPresets(all + 9));
        assert_eq!(s.presets_fit, all - 1);
    }

    #[test]
    fn stepping_moves_the_cursor_and_playhead() {
        let s = state()
            .reduce(Action::StepForward)
            .reduce(Action::StepForward);
        assert_eq!(s.cursor, 2);
        assert_eq!(s.playhead, s.run.steps[2].time as f64);
        let s = s.reduce(Action::StepBack);
        assert_eq!(s.cursor, 1);
    }

    #[test]
    fn playing_to_the_end_stops() {
        let mut s = state().reduce(Action::TogglePlay);
        for _ in 0..10_000 {
            s = s.reduce(Action::Tick(100.0));
        }
        assert!(!s.playing);
        assert_eq!(s.cursor, s.last_step());
    }

    #[test]
    fn a_crash_clicked_while_paused_keeps_the_step_on_screen() {
        let happy = faultline_sim::preset("payments", "happy-path").unwrap();
        let s = Rc::new(AppState::new()).reduce(Action::Load {
            scenario: happy,
            cursor: 1,
            preset: None,
            notice: None,
        });
        let before: Vec<String> = s.run.steps[..=1]
            .iter()
            .map(|x| format!("{} {:?}", s.run.summary(x), s.run.narration(x)))
            .collect();
        let info = faultline_sim::lab("payments").unwrap();
        let crash = info.palette.iter().find(|e| e.id == "crash-api").unwrap();
        // What the palette button does: build the faults just after the playhead.
        let at = s.playhead as u64 + 1;
        let s = s.reduce(Action::AddFaults((crash.build)(at)));
        let after: Vec<String> = s.run.steps[..=1]
            .iter()
            .map(|x| format!("{} {:?}", s.run.summary(x), s.run.narration(x)))
            .collect();
        assert_eq!(before, after);
        assert_eq!(s.cursor, 1);
        assert!(s
            .run
            .steps
            .iter()
            .any(|x| x.summary.contains("payment-api crashes")));
    }

    #[test]
    fn a_new_seed_or_random_loss_replays_the_scenario() {
        let s = state();
        let before = s.run.to_json();
        let s = s.reduce(Action::SetSeed(8));
        assert_eq!(s.scenario.seed, 8);
        assert_ne!(s.run.to_json(), before);
        let lossy = faultline_sim::fault::RandomFaults {
            drop_permille: 500,
            ..Default::default()
        };
        let s = s.reduce(Action::SetRandom(lossy));
        assert!(s
            .run
            .flights
            .iter()
            .any(|f| f.fate == faultline_sim::trace::Fate::Dropped));
        assert_eq!(s.preset, None);
    }

    #[test]
    fn a_fault_click_keeps_the_past() {
        let s = state().reduce(Action::Seek(3));
        let before: Vec<String> = s.run.steps[..=3].iter().map(|x| s.run.summary(x)).collect();
        let info = faultline_sim::lab("payments").unwrap();
        let faults = (info.palette[0].build)(s.playhead as u64);
        let s = s.reduce(Action::AddFaults(faults));
        let after: Vec<String> = s.run.steps[..=3].iter().map(|x| s.run.summary(x)).collect();
        assert_eq!(before, after);
        assert_eq!(s.cursor, 3);
        assert_eq!(s.scenario.faults.len(), 2);
    }

    fn comparing(lab: &str, id: &str) -> Rc<AppState> {
        let info = faultline_sim::lab(lab).unwrap();
        let pair = info.comparison(id).unwrap();
        Rc::new(AppState::new())
            .reduce(Action::Load {
                scenario: (pair.a)(),
                cursor: 0,
                preset: None,
                notice: None,
            })
            .reduce(Action::Compare {
                scenario: (pair.b)(),
                preset: None,
            })
    }

    /// Swapping shows the other run at the same moment, and back again.
    #[test]
    fn swapping_sides_keeps_the_moment() {
        let s = comparing("payments", "key-or-no-key").reduce(Action::Seek(9));
        let (a, t) = (s.scenario.clone(), s.playhead);
        let b = s.compare.as_ref().unwrap().scenario.clone();
        let s = s.reduce(Action::SwapSides);
        assert_eq!(s.scenario, b);
        assert_eq!(s.playhead, t, "one clock for both runs");
        assert_eq!(s.cursor, s.run.step_at_time(t as u64));
        let c = s.compare.clone().unwrap();
        assert!(c.shown_b);
        assert_eq!(c.scenario, a);
        let s = s.reduce(Action::SwapSides);
        assert_eq!((s.scenario.clone(), s.cursor), (a, 9));
        assert!(!s.compare.as_ref().unwrap().shown_b);
        assert!(s.reduce(Action::EndCompare).compare.is_none());
    }

    /// A fault clicked while comparing reaches both runs (one fault plan);
    /// a setting changes only the run on screen; a preset ends it.
    #[test]
    fn faults_reach_both_runs_settings_one() {
        let s = comparing("payments", "key-or-no-key").reduce(Action::Seek(3));
        let info = faultline_sim::lab("payments").unwrap();
        let crash = info.palette.iter().find(|e| e.id == "crash-api").unwrap();
        let at = s.playhead as u64 + 1;
        let (built, before) = ((crash.build)(at), s.scenario.faults.len());
        let n = before + built.len();
        let s = s.reduce(Action::AddFaults(built));
        let other = &s.compare.as_ref().unwrap().scenario;
        assert_eq!(s.scenario.faults, other.faults);
        assert_eq!(other.faults.len(), n);
        let b_config = other.config.clone();
        let s = s.reduce(Action::SetSeed(77));
        assert_eq!(s.compare.as_ref().unwrap().scenario.seed, 77);
        let (key, min) = info
            .config
            .iter()
            .find_map(|f| match f.kind {
                faultline_sim::lab::FieldKind::Number { min, .. } => Some((f.key.to_string(), min)),
                _ => None,
            })
            .unwrap();
        let s = s.reduce(Action::SetConfig(key.clone(), ConfigValue::Int(min)));
        assert_eq!(s.scenario.config.get(&key), Some(&ConfigValue::Int(min)));
        assert_eq!(s.compare.as_ref().unwrap().scenario.config, b_config);
        let s = s.reduce(Action::Load {
            scenario: faultline_sim::preset("payments", "happy-path").unwrap(),
            cursor: 0,
            preset: None,
            notice: None,
        });
        assert!(s.compare.is_none());
    }

    #[test]
    fn two_labs_are_not_compared() {
        let s = state().reduce(Action::Compare {
            scenario: faultline_sim::preset("oauth", "happy-path").unwrap(),
            preset: None,
        });
        assert!(s.compare.is_none());
        assert!(s.notice.as_ref().unwrap().is_error);
    }
}
