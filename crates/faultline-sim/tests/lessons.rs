//! Every lesson as the lab pages will play it: each lessons file in
//! `static/lessons/` reads, every step's preset runs, its cursor lands
//! inside the run, and every prediction has exactly one choice the run
//! makes true, the one its text calls right. The seed's concepts are all
//! taught somewhere.

use faultline_sim::lesson::{Condition, LessonFile, LessonLink, Place};

const LABS: [&str; 3] = ["payments", "oauth", "sagas"];

fn file(lab: &str) -> LessonFile {
    let path = format!(
        "{}/../../static/lessons/{lab}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    LessonFile::parse(&text, lab).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_lesson_step_runs_and_its_cursor_is_inside_the_run() {
    let mut steps = 0;
    for lab in LABS {
        let lessons = file(lab);
        assert!(!lessons.lessons.is_empty(), "{lab} has a lesson");
        for lesson in &lessons.lessons {
            let link = LessonLink {
                lab: lab.into(),
                lesson: lesson.id.clone(),
                step: 0,
                at: None,
            };
            assert_eq!(
                LessonLink::parse(&link.hash()),
                Some(link),
                "{}: the id makes a link",
                lesson.id
            );
            assert!(lesson.steps.len() >= 3, "{}: a lesson has steps", lesson.id);
            for (i, step) in lesson.steps.iter().enumerate() {
                let what = format!("{lab}/{} step {i} ({})", lesson.id, step.title);
                assert!(
                    !step.text.is_empty() && step.text.iter().all(|p| !p.trim().is_empty()),
                    "{what}: text"
                );
                let scenario = faultline_sim::preset(lab, &step.preset)
                    .unwrap_or_else(|| panic!("{what}: no preset {}", step.preset));
                let run = faultline_sim::simulate(&scenario).expect("a preset runs");
                let at = step
                    .at
                    .step_in(&run)
                    .unwrap_or_else(|| panic!("{what}: {:?} is not in the run", step.at));
                assert!((at as usize) < run.steps.len(), "{what}");
                steps += 1;
            }
        }
    }
    println!("FIGURE: {steps} lesson steps, each a run with its cursor inside it");
}

#[test]
fn every_prediction_has_one_right_answer_and_the_run_shows_it() {
    let mut n = 0;
    for lab in LABS {
        for lesson in file(lab).lessons {
            for (i, step) in lesson.steps.iter().enumerate() {
                let Some(p) = &step.predict else { continue };
                let what = format!("{lab}/{} step {i}: {}", lesson.id, p.question);
                let run =
                    faultline_sim::simulate(&faultline_sim::preset(lab, &step.preset).unwrap())
                        .unwrap();
                let at = step.at.step_in(&run).unwrap();
                let reveal = p
                    .reveal_in(&run)
                    .unwrap_or_else(|| panic!("{what}: reveal {:?} not in the run", p.reveal));
                assert!(
                    reveal > at,
                    "{what}: the answer is shown after the question ({at} → {reveal})"
                );
                assert!(p.choices.len() >= 2, "{what}: a choice to make");
                assert_eq!(
                    p.true_choices(&run),
                    vec![p.answer],
                    "{what}: exactly the stated answer is true of the run"
                );
                // Nothing is given away: at the question's own step a
                // positive answer (something broken or said) is not shown
                // yet, or the learner would be asked what is on screen.
                let positive = !matches!(
                    p.choices[p.answer].when,
                    Condition::Holds(_) | Condition::NotSaid(_)
                );
                assert!(
                    !(positive && p.choices[p.answer].when.holds(&run, at)),
                    "{what}: the answer is already shown at step {at}"
                );
                assert!(!p.why.trim().is_empty(), "{what}: a why");
                n += 1;
            }
        }
    }
    assert!(n >= 9, "three predictions per lab at least ({n})");
    println!("FIGURE: {n} predictions, each with one right answer the run shows");
}

#[test]
fn a_prediction_scored_against_another_run_can_change_its_answer() {
    // The page scores against the run on screen: the same question over
    // the run with a key has the other answer.
    let lessons = file("payments");
    let step = lessons.lessons[0]
        .steps
        .iter()
        .find(|s| s.preset == "lost-response-no-key" && s.predict.is_some())
        .expect("the no-key prediction");
    let p = step.predict.as_ref().unwrap();
    let with_key = faultline_sim::simulate(
        &faultline_sim::preset("payments", "lost-response-with-key").unwrap(),
    )
    .unwrap();
    assert_ne!(p.right_choice(&with_key), Some(p.answer));
}

#[test]
fn a_place_that_names_nothing_in_the_run_is_not_found() {
    let run =
        faultline_sim::simulate(&faultline_sim::preset("payments", "happy-path").unwrap()).unwrap();
    assert_eq!(Place::Said("no such phrase".into()).step_in(&run), None);
    assert_eq!(Place::Step(run.steps.len() as u32).step_in(&run), None);
    assert_eq!(
        Place::Said("end".into()).step_in(&run),
        Some(run.steps.len() as u32 - 1)
    );
}

#[test]
fn the_seed_concepts_are_all_taught() {
    // What ../shared/seed asks to teach, by a word each lesson's text must use.
    let wanted: [(&str, &[&str]); 3] = [
        (
            "payments",
            &[
                "idempotent",
                "retr",
                "timeout",
                "Idempotency-Key",
                "expire",
                "fingerprint",
                "atomic",
                "passes the key on",
            ],
        ),
        (
            "oauth",
            &[
                "authorization framework",
                "password",
                "token",
                "Authentication answers",
                "OpenID Connect",
                "scope",
            ],
        ),
        (
            "sagas",
            &[
                "distributed transaction",
                "Two-phase commit",
                "blocks",
                "saga",
                "compensat",
                "pivot",
                "outbox",
                "eventual consistency",
            ],
        ),
    ];
    for (lab, words) in wanted {
        let text: String = file(lab)
            .lessons
            .iter()
            .flat_map(|l| l.steps.iter())
            .flat_map(|s| s.text.iter().chain(s.predict.iter().map(|p| &p.why)))
            .map(|t| format!("{t}\n"))
            .collect();
        for w in words {
            assert!(text.contains(w), "{lab}'s lessons never say \"{w}\"");
        }
    }
}
