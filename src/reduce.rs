//! The reducer: every `Action` and what it does to the `AppState`, by
//! concern (loading a run, the playback clock, playback, editing the
//! scenario, comparing, the view).

use crate::state::{
    run_of, Action, AppState, Compare, Notice, Pending, BASE_RATE, SLICED_ABOVE_EVENTS,
};
use faultline_sim::scenario::Scenario;
use faultline_sim::Run;
use std::rc::Rc;
use yew::prelude::*;

/// The reducer, by concern: loading a run, playback, editing the
/// scenario (faults, settings, seed, network), comparing, and the view.
impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if matches!(action, Action::Tick(_)) && !self.playing {
            return self;
        }
        // While a long run is being simulated, the run on screen is not
        // played: it is about to be replaced.
        if self.pending.is_some()
            && matches!(
                action,
                Action::Tick(_)
                    | Action::TogglePlay
                    | Action::StepForward
                    | Action::StepBack
                    | Action::Restart
                    | Action::Seek(_)
                    | Action::JumpToViolation
            )
        {
            return self;
        }
        // Visibility reports that change nothing redraw nothing.
        if let Action::PanelInView(panel, seen) = action {
            if (self.offscreen & panel as u8 == 0) == seen {
                return self;
            }
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
            a @ (Action::Simulating(..) | Action::Simulated(..)) => s.sliced(a),
            a @ (Action::AddFaults(_)
            | Action::RemoveFault(_)
            | Action::SetConfig(..)
            | Action::SetSeed(_)
            | Action::SetRandom(_)) => s.edit(a),
            a @ (Action::Compare { .. } | Action::SwapSides | Action::EndCompare) => s.comparing(a),
            a @ (Action::OpenLesson(_)
            | Action::LessonsLoaded(_)
            | Action::LessonStep(_)
            | Action::Predict(_)
            | Action::FinishLesson
            | Action::CloseLesson
            | Action::Note(..)
            | Action::ImportProgress(_)
            | Action::ResetProgress
            | Action::ProgressStored(_)) => s.guiding(a),
            a @ (Action::SetQueue(_) | Action::QueueAdd(_) | Action::QueueRemove(_)) => {
                s.queueing(a)
            }
            a => s.view(a),
        })
    }
}

impl AppState {
    /// Show `scenario`'s run at `cursor` (or say why it cannot run).
    pub(crate) fn load(
        mut self,
        scenario: Scenario,
        cursor: u32,
        preset: Option<String>,
        notice: Option<Notice>,
    ) -> Self {
        if scenario.bounds.max_events > SLICED_ABOVE_EVENTS {
            // Simulated in slices (`hooks::use_sliced_simulation`); what
            // is on screen stays, paused, until `Simulated`.
            let id = self.pending.as_ref().map_or(0, |p| p.id) + 1;
            self.pending = Some(Rc::new(Pending {
                id,
                scenario,
                cursor,
                preset,
                notice,
            }));
            self.pending_events = 0;
            self.playing = false;
            return self;
        }
        self.pending = None;
        let result = run_of(&scenario);
        self.show(scenario, result, cursor, preset, notice)
    }

    /// A long run's simulation reports (`Pending`): its progress, then its
    /// run. Reports for a load since replaced by another are ignored.
    fn sliced(mut self, action: Action) -> Self {
        let current = |id: u32| self.pending.as_ref().is_some_and(|p| p.id == id);
        match action {
            Action::Simulating(id, events) if current(id) => self.pending_events = events,
            Action::Simulated(id, result) if current(id) => {
                if let Some(p) = self.pending.take() {
                    let p = Rc::unwrap_or_clone(p);
                    return self.show(p.scenario, result, p.cursor, p.preset, p.notice);
                }
            }
            _ => {}
        }
        self
    }

    /// Show a scenario's run (or say why it cannot run, keeping what is
    /// on screen) at a step.
    fn show(
        mut self,
        scenario: Scenario,
        result: Result<(Rc<Run>, f64), String>,
        cursor: u32,
        preset: Option<String>,
        notice: Option<Notice>,
    ) -> Self {
        match result {
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
        // Played on to a prediction's answer: pause there.
        if let Some(stop) = self.stop_at.filter(|&s| self.cursor >= s) {
            self.playing = false;
            self.stop_at = None;
            return self.at_step(stop);
        }
        self
    }

    /// Play, pause, step, seek, change speed, jump to the violation.
    fn playback(mut self, action: Action) -> Self {
        // The learner takes over: no stop planned for them (a new speed
        // keeps it).
        if !matches!(action, Action::SetSpeed(_)) {
            self.stop_at = None;
        }
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
            Action::SetEmbed(on) => self.embed = on,
            Action::DrawAll => self.deferred = false,
            Action::DiagramScrolled(first, last) => self.diagram_view = (first, last),
            Action::PanelInView(panel, true) => self.offscreen &= !(panel as u8),
            Action::PanelInView(panel, false) => self.offscreen |= panel as u8,
            Action::ExportSvg => self.exporting_svg = true,
            Action::SvgExported => self.exporting_svg = false,
            Action::FitPresets(fit) => {
                let all = faultline_sim::lab(&self.scenario.lab).map_or(0, |l| l.presets.len());
                self.presets_fit = fit.min(self.presets_fit.min(all).saturating_sub(1));
            }
            // Every preset on the row again, to be measured (two values
            // that both mean "all", so that the measuring effect runs).
            Action::Resized(narrow) => {
                self.presets_fit = usize::MAX - usize::from(self.presets_fit == usize::MAX);
                self.narrow = narrow;
            }
            _ => {}
        }
        self
    }
}

#[cfg(test)]
#[path = "reduce_tests.rs"]
mod tests;
