//! The reducer's tests: loading, playback, editing, comparing, the view
//! and long runs simulated in slices.

use super::*;
use crate::state::*;
use faultline_sim::scenario::ConfigValue;
use faultline_sim::simulate;

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
        .reduce(Action::Resized(false))
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

/// A long run is not simulated in the reducer: it waits, with the run
/// on screen kept and not played, for its slices' result; a result
/// for an older load is ignored, and the right one shows at its step.
#[test]
fn a_long_run_waits_for_its_slices() {
    let before = state();
    let mut long = faultline_sim::preset("payments", "retry-storm").unwrap();
    long.bounds.max_events = SLICED_ABOVE_EVENTS + 1;
    let load = |cursor| Action::Load {
        scenario: long.clone(),
        cursor,
        preset: None,
        notice: None,
    };
    let s = before.clone().reduce(load(3));
    assert!(Rc::ptr_eq(&s.run, &before.run), "the run on screen stays");
    let first = s.pending.as_ref().expect("a run is pending").id;
    for a in [Action::TogglePlay, Action::StepForward, Action::Seek(2)] {
        let t = s.clone().reduce(a);
        assert!(
            !t.playing && t.cursor == before.cursor,
            "no playback while it waits"
        );
    }
    // Another load replaces it: the first one's reports are ignored.
    let s = s.reduce(load(5));
    let second = s.pending.as_ref().unwrap().id;
    assert_ne!(first, second);
    let s = s.reduce(Action::Simulating(first, 100));
    assert_eq!(s.pending_events, 0);
    let s = s.reduce(Action::Simulating(second, 5_000));
    assert_eq!(s.pending_events, 5_000);
    let run = Rc::new(simulate(&long).unwrap());
    let stale = s
        .clone()
        .reduce(Action::Simulated(first, Ok((run.clone(), 1.0))));
    assert!(stale.pending.is_some() && Rc::ptr_eq(&stale.run, &before.run));
    let s = s.reduce(Action::Simulated(second, Ok((run.clone(), 1.0))));
    assert!(s.pending.is_none());
    assert!(Rc::ptr_eq(&s.run, &run));
    assert_eq!(
        (s.cursor, s.scenario.bounds.max_events),
        (5, long.bounds.max_events)
    );
    // A run that cannot be played says why and keeps what was shown.
    let s = before.clone().reduce(load(0));
    let id = s.pending.as_ref().unwrap().id;
    let s = s.reduce(Action::Simulated(id, Err("too big".into())));
    assert!(s.pending.is_none() && Rc::ptr_eq(&s.run, &before.run));
    assert!(s
        .notice
        .as_ref()
        .is_some_and(|n| n.is_error && n.text.contains("too big")));
}

/// A link to a long run opens with the lab's first run on screen and
/// the long one pending.
#[test]
fn a_link_to_a_long_run_opens_pending() {
    let mut long = faultline_sim::preset("payments", "retry-storm").unwrap();
    long.bounds.max_events = SLICED_ABOVE_EVENTS + 1;
    let s = AppState::opened(Action::Load {
        scenario: long.clone(),
        cursor: 0,
        preset: None,
        notice: None,
    });
    assert_eq!(s.pending.as_ref().map(|p| &p.scenario), Some(&long));
    assert_ne!(s.scenario, long);
}
