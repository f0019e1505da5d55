//! The lesson reducer's tests: a step opens its preset at its cursor,
//! back and forward restore exactly what a step showed, leaving the script
//! and coming back, a prediction plays to its answer and is scored against
//! the run, and a lessons file that cannot be used is a notice.

use crate::state::*;
use faultline_sim::lesson::{LessonFile, LessonLink};
use std::rc::Rc;
use yew::Reducible;

fn lessons() -> Rc<LessonFile> {
    let text = include_str!("../static/lessons/payments.json");
    Rc::new(LessonFile::parse(text, "payments").expect("the Payments lessons read"))
}

fn link(step: usize) -> LessonLink {
    LessonLink {
        lab: "payments".into(),
        lesson: "retries".into(),
        step,
        at: None,
    }
}

/// The Payments page opened at a lesson step, its lessons file arrived.
fn at_step(step: usize) -> Rc<AppState> {
    let (scenario, preset) = faultline_sim::registry::default_scenario("payments").unwrap();
    Rc::new(AppState::new())
        .reduce(Action::Load {
            scenario,
            cursor: 0,
            preset: Some(preset.into()),
            notice: None,
        })
        .reduce(Action::OpenLesson(link(step)))
        .reduce(Action::LessonsLoaded(Ok(lessons())))
}

#[test]
fn a_lesson_step_opens_its_preset_at_its_cursor_and_links_to_itself() {
    let s = at_step(2);
    let (_, step, st) = s.lesson_step().expect("a step is open");
    assert_eq!(step, 2);
    assert_eq!(s.preset.as_deref(), Some(st.preset.as_str()));
    assert_eq!(Some(s.cursor), st.at.step_in(&s.run));
    assert!(!s.playing);
    assert!(s.on_script());
    assert_eq!(s.lesson_link(), Some(link(2)));
    // Moving the cursor keeps the lesson: the link says where.
    let moved = s.clone().reduce(Action::StepForward);
    assert_eq!(moved.lesson_link().unwrap().at, Some(s.cursor + 1));
}

#[test]
fn back_and_forward_restore_exactly_what_a_step_showed() {
    let first = at_step(4);
    let there_and_back = first
        .clone()
        .reduce(Action::StepForward)
        .reduce(Action::LessonStep(5))
        .reduce(Action::LessonStep(4));
    assert_eq!(there_and_back.scenario, first.scenario);
    assert_eq!(there_and_back.cursor, first.cursor);
    let digest = faultline_sim::digest::behaviour_digest;
    assert_eq!(digest(&there_and_back.run), digest(&first.run));
}

#[test]
fn leaving_the_script_and_coming_back() {
    let s = at_step(2);
    let seed = s.scenario.seed + 1;
    let off = s.clone().reduce(Action::SetSeed(seed));
    assert!(!off.on_script(), "a changed run is off the lesson's script");
    assert_eq!(off.lesson_link(), None, "the link is the changed run's");
    assert!(off.guide.is_some(), "the lesson stays open");
    let back = off.reduce(Action::LessonStep(2));
    assert!(back.on_script());
    assert_eq!(back.scenario, s.scenario);
    assert_eq!(back.cursor, s.cursor);
}

#[test]
fn a_prediction_plays_to_its_answer_and_stops_there() {
    let s = at_step(2);
    let (p, reveal) = s.prediction().expect("step 2 asks");
    let right = p.right_choice(&s.run).expect("the run settles it");
    assert_eq!(right, p.answer);
    let wrong = 1 - right;
    let answered = s.clone().reduce(Action::Predict(wrong));
    assert_eq!(answered.answer("retries", 2), Some(wrong));
    assert!(answered.playing, "the run plays on to the answer");
    assert_eq!(answered.stop_at, Some(reveal));
    // A second answer is not taken.
    let again = answered.clone().reduce(Action::Predict(right));
    assert_eq!(again.answer("retries", 2), Some(wrong));
    // Played long enough, it stops at the answer's step.
    let mut played = answered;
    for _ in 0..2_000 {
        played = played.reduce(Action::Tick(16.0));
    }
    assert!(!played.playing);
    assert_eq!(played.cursor, reveal);
    assert_eq!(played.stop_at, None);
}

#[test]
fn finishing_scores_the_predictions_against_their_runs() {
    let mut s = at_step(0);
    let file = lessons();
    let lesson = &file.lessons[0];
    let mut right = 0;
    for (i, st) in lesson.steps.iter().enumerate() {
        s = s.reduce(Action::LessonStep(i));
        if let Some(p) = &st.predict {
            // Every other prediction answered right.
            let truth = p.right_choice(&s.run).unwrap();
            let pick = if right * 2 <= i {
                truth
            } else {
                (truth + 1) % p.choices.len()
            };
            right += usize::from(pick == truth);
            s = s.reduce(Action::Predict(pick));
        }
    }
    let asked = lesson
        .steps
        .iter()
        .filter(|st| st.predict.is_some())
        .count();
    let done = s.reduce(Action::FinishLesson);
    assert!(done.guide.is_none());
    let text = done.notice.as_ref().unwrap().text.clone();
    assert!(
        text.contains(&format!("Predictions right: {right} of {asked}")),
        "{text}"
    );
}

#[test]
fn a_lessons_file_that_cannot_be_used_is_a_notice_and_the_lab_stays() {
    let s = Rc::new(AppState::new()).reduce(Action::OpenLesson(link(0)));
    let before = s.scenario.clone();
    let s = s.reduce(Action::LessonsLoaded(Err("it could not be fetched".into())));
    assert!(s.guide.is_none());
    assert!(s.notice.as_ref().unwrap().is_error);
    assert_eq!(s.scenario, before, "the run on screen is kept");
    // An unknown lesson, and a step past the end (clamped to the last).
    let unknown = Rc::new(AppState::new())
        .reduce(Action::OpenLesson(LessonLink {
            lesson: "nope".into(),
            ..link(0)
        }))
        .reduce(Action::LessonsLoaded(Ok(lessons())));
    assert!(unknown
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("no lesson \"nope\""));
    let past = at_step(999);
    assert_eq!(
        past.guide.as_ref().unwrap().step,
        lessons().lessons[0].steps.len() - 1
    );
}
