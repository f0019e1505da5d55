//! The guided lesson the learner follows, as state: which lesson and step
//! (`Guide`), the lab's lessons once fetched, the answers given, and the
//! reducer for lesson actions. A step opens its preset at its cursor, so
//! going back to a step restores exactly what it showed; the learner may
//! leave the script (change anything) and come back with `LessonStep`.
//! The lesson text is data (`faultline_sim::lesson`), fetched when a
//! lesson starts (`hooks::use_lessons_fetch`).

use crate::state::{Action, AppState, Guide, Notice};
use faultline_sim::lesson::{Lesson, LessonLink, LessonStep, Prediction};
use faultline_sim::progress::Progress;
use std::rc::Rc;

impl AppState {
    /// The lesson open and its step, once the lessons are here.
    pub fn lesson_step(&self) -> Option<(&Lesson, usize, &LessonStep)> {
        let g = self.guide.as_ref()?;
        let lesson = self.lessons.as_ref()?.lesson(&g.lesson).ok()?.1;
        Some((lesson, g.step, lesson.steps.get(g.step)?))
    }

    /// Whether the run on screen is the lesson step's own (the learner has
    /// not changed its scenario).
    pub fn on_script(&self) -> bool {
        self.lesson_step()
            .is_some_and(|(_, _, st)| self.preset.as_deref() == Some(st.preset.as_str()))
    }

    /// The answer given to the step's prediction, if any.
    pub fn answer(&self, lesson: &str, step: usize) -> Option<usize> {
        // An answer kept for a choice the step no longer has (an imported
        // record, a lesson since changed) is no answer: it can be given again.
        let (_, found) = self.lessons.as_ref()?.lesson(lesson).ok()?;
        let choices = found.steps.get(step)?.predict.as_ref()?.choices.len();
        self.progress
            .answer(&self.scenario.lab, lesson, step as u32)
            .map(|c| c as usize)
            .filter(|&c| c < choices)
    }

    /// The link of the lesson step on screen (`at` when the cursor is not
    /// the step's own); `None` off script.
    pub fn lesson_link(&self) -> Option<LessonLink> {
        let (lesson, step, st) = self.lesson_step()?;
        if !self.on_script() {
            return None;
        }
        let own = st.at.step_in(&self.run);
        Some(LessonLink {
            lab: self.scenario.lab.clone(),
            lesson: lesson.id.clone(),
            step,
            at: (own != Some(self.cursor)).then_some(self.cursor),
        })
    }

    /// The step's prediction and where the run on screen shows its answer.
    pub fn prediction(&self) -> Option<(&Prediction, u32)> {
        let (_, _, st) = self.lesson_step()?;
        let p = st.predict.as_ref()?;
        Some((p, p.reveal_in(&self.run)?))
    }

    /// Predictions answered right, of those `lesson` asks, each scored
    /// against the run it was asked about.
    pub fn score(&self, lesson: &Lesson) -> (usize, usize) {
        let mut right = 0;
        let mut asked = 0;
        for (i, st) in lesson.steps.iter().enumerate() {
            let Some(p) = &st.predict else { continue };
            asked += 1;
            let run = faultline_sim::preset(&self.scenario.lab, &st.preset)
                .and_then(|sc| faultline_sim::simulate(&sc).ok());
            let truth = run.as_ref().and_then(|r| p.right_choice(r));
            if truth.is_some() && self.answer(&lesson.id, i) == truth {
                right += 1;
            }
        }
        (right, asked)
    }

    /// Lesson actions.
    pub(crate) fn guiding(mut self, action: Action) -> Self {
        match action {
            Action::OpenLesson(link) => {
                self.guide = Some(Guide {
                    lesson: link.lesson,
                    step: link.step,
                    at: link.at,
                });
                if self.lessons.is_some() {
                    self.enter_step()
                } else {
                    self
                }
            }
            Action::LessonsLoaded(Ok(file)) => {
                self.lessons = Some(file);
                if self.guide.is_some() {
                    self.enter_step()
                } else {
                    self
                }
            }
            Action::LessonsLoaded(Err(why)) => {
                self.guide = None;
                self.notice = Some(Notice {
                    text: format!("The lesson cannot start: {why}"),
                    is_error: true,
                });
                self
            }
            Action::LessonStep(step) => {
                if let Some(g) = self.guide.as_mut() {
                    g.step = step;
                    g.at = None;
                }
                self.enter_step()
            }
            Action::Predict(choice) => self.predict(choice),
            Action::FinishLesson => self.finish_lesson(),
            Action::Note(question, text) => {
                let lab = self.scenario.lab.clone();
                Rc::make_mut(&mut self.progress).set_note(&lab, question, &text);
                self
            }
            Action::ImportProgress(read) => self.import_progress(read),
            Action::ProgressStored(progress) => {
                self.progress = progress;
                self
            }
            Action::ResetProgress => {
                self.progress = Rc::default();
                self.notice = Some(Notice {
                    text: "Progress reset: every answer, score and interview answer is erased."
                        .into(),
                    is_error: false,
                });
                self
            }
            Action::CloseLesson => {
                self.guide = None;
                self.stop_at = None;
                self
            }
            _ => self,
        }
    }

    /// Finish the lesson open: its score kept with the learner's progress
    /// and said in a notice, the guide closed.
    fn finish_lesson(mut self) -> Self {
        let done = self.lesson_step().map(|(lesson, _, _)| {
            let (right, asked) = self.score(lesson);
            (lesson.id.clone(), lesson.title.clone(), right, asked)
        });
        let text = match done {
            Some((id, title, right, asked)) => {
                let lab = self.scenario.lab.clone();
                Rc::make_mut(&mut self.progress).finish(&lab, &id, right as u32, asked as u32);
                format!("Lesson done: {title}. Predictions right: {right} of {asked}.")
            }
            None => "Lesson done.".to_string(),
        };
        self.notice = Some(Notice {
            text,
            is_error: false,
        });
        self.guide = None;
        self.stop_at = None;
        self
    }

    /// Add the progress `read` from a file to what this browser kept, or
    /// say why it could not be read.
    fn import_progress(mut self, read: Result<Progress, String>) -> Self {
        self.notice = Some(match read {
            Ok(progress) => {
                let text = format!(
                    "Progress imported: {} predictions answered, {} lessons finished, {} interview answers, added to what this browser kept.",
                    progress.answers.len(),
                    progress.finished.len(),
                    progress.notes.len()
                );
                Rc::make_mut(&mut self.progress).merge(progress);
                Notice {
                    text,
                    is_error: false,
                }
            }
            Err(why) => Notice {
                text: format!("That file could not be imported: {why}. Your progress is kept."),
                is_error: true,
            },
        });
        self
    }

    /// Open the guide's step: its preset at its cursor, paused.
    fn enter_step(mut self) -> Self {
        let Some(g) = self.guide.clone() else {
            return self;
        };
        let Some(file) = self.lessons.clone() else {
            return self;
        };
        // No id: the lab's first lesson (the lab page's "Guided lesson").
        let found = if g.lesson.is_empty() {
            file.lessons
                .first()
                .ok_or_else(|| "This lab has no lessons yet.".to_string())
        } else {
            file.lesson(&g.lesson)
                .map(|(_, l)| l)
                .map_err(|e| e.to_string())
        };
        let lesson = match found {
            Ok(l) => l,
            Err(why) => return self.lesson_trouble(why),
        };
        let last = lesson.steps.len().saturating_sub(1);
        let step = g.step.min(last);
        let Some(st) = lesson.steps.get(step) else {
            return self.lesson_trouble(format!("The lesson \"{}\" has no steps.", lesson.id));
        };
        let Some(scenario) = faultline_sim::preset(&self.scenario.lab, &st.preset) else {
            return self.lesson_trouble(format!(
                "The lesson's scenario \"{}\" is missing from this lab.",
                st.preset
            ));
        };
        self = self.load(scenario, 0, Some(st.preset.clone()), None);
        self.playing = false;
        self.stop_at = None;
        let own = st.at.step_in(&self.run).unwrap_or(0);
        let cursor = g.at.filter(|&a| a <= self.last_step()).unwrap_or(own);
        self.guide = Some(Guide {
            lesson: lesson.id.clone(),
            step,
            at: g.at,
        });
        self.at_step(cursor)
    }

    fn lesson_trouble(mut self, why: String) -> Self {
        self.guide = None;
        self.notice = Some(Notice {
            text: why,
            is_error: true,
        });
        self
    }

    /// Keep the answer, then play the run on to where it shows.
    fn predict(mut self, choice: usize) -> Self {
        let Some((lesson, step, _)) = self.lesson_step() else {
            return self;
        };
        let id = lesson.id.clone();
        let Some((p, reveal)) = self.prediction() else {
            return self;
        };
        if choice >= p.choices.len() || self.answer(&id, step).is_some() {
            return self;
        }
        let lab = self.scenario.lab.clone();
        Rc::make_mut(&mut self.progress).answered(&lab, &id, step as u32, choice as u32);
        if self.on_script() && self.cursor < reveal {
            self.stop_at = Some(reveal);
            self.playing = true;
        }
        self
    }
}

#[cfg(test)]
#[path = "guide_tests.rs"]
mod tests;
