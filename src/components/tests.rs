//! Component tests: each view rendered to HTML natively with Yew's
//! server renderer, asserting what a learner would see.

use super::invariants::InvariantPanel;
use super::machines::MachinePanel;
use super::sequence::SequenceDiagram;
use super::tables::DataTables;
use faultline_sim::{preset, simulate, Run};
use std::rc::Rc;
use yew::prelude::*;
use yew::LocalServerRenderer;

fn run(id: &str) -> Rc<Run> {
    Rc::new(simulate(&preset("payments", id).unwrap()).unwrap())
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move { tokio::task::LocalSet::new().run_until(f).await })
}

pub(super) fn render<C: BaseComponent>(props: C::Properties) -> String {
    block_on(
        LocalServerRenderer::<C>::with_props(props)
            .hydratable(false)
            .render(),
    )
}

/// The sequence diagram of a whole run, at its last step.
pub(super) fn diagram_at_end(r: Rc<Run>) -> String {
    let last = r.steps.len() as u32 - 1;
    render::<SequenceDiagram>(super::sequence::Props {
        run: r.clone(),
        cursor: last,
        playhead: r.end_time() as f64,
        reduced_motion: false,
        projector: false,
        window: None,
    })
}

#[test]
fn diagram_shows_a_lost_response_with_a_cross_at_the_end() {
    let html = diagram_at_end(run("lost-response-no-key"));
    assert!(html.contains("flight dropped"), "a dropped arrow");
    assert!(html.contains("✕"), "a cross where it was lost");
    assert!(
        html.contains("POST /v1/charges #2 no key"),
        "the retry is its own arrow with its attempt number"
    );
    assert!(html.contains("timeout #1"), "the timeout is marked");
    assert!(
        html.contains("Customer charged twice"),
        "the violation is marked on the diagram"
    );
}

/// The 1,000-event Payments run of the performance tests.
fn thousand_events() -> Rc<Run> {
    let json = r#"{"v":1,"lab":"payments","config":{"api_capacity":2,"backoff_base_ms":300,"backoff_cap_ms":4000,"clients":30,"jitter":true,"max_attempts":10,"processor_ms":900},"seed":7,"faults":[{"crash":{"at_ms":0,"actor":"payment-api"}},{"restart":{"at_ms":1100,"actor":"payment-api"}}],"random":{"drop_permille":250,"duplicate_permille":100,"delay_permille":0,"delay_ms":0}}"#;
    let hash = format!("v1.{}.0", faultline_sim::b64::encode_url(json.as_bytes()));
    let (s, _) = faultline_sim::permalink::decode(&hash).expect("a valid link");
    Rc::new(simulate(&s).expect("runs"))
}

#[test]
fn a_long_run_draws_the_rows_in_view_and_the_cursors_and_export_draws_all() {
    use super::sequence::Window;
    let r = thousand_events();
    assert!(r.steps.len() > 1_000);
    let at = |window| {
        render::<SequenceDiagram>(super::sequence::Props {
            run: r.clone(),
            cursor: 900,
            playhead: r.steps[900].time as f64,
            reduced_motion: false,
            projector: false,
            window,
        })
    };
    // Rows 0-63 in view (piece 0), the cursor in piece 14.
    let windowed = at(Some(Window {
        first: 0,
        last: 0,
        at: 900 / 64,
    }));
    let whole = at(None);
    for row in ["#3 ", "#100 ", "#900 ", "#850 "] {
        assert!(windowed.contains(row), "{row} drawn");
    }
    for row in ["#300 ", "#600 "] {
        assert!(!windowed.contains(row), "{row} is far from view and cursor");
        assert!(whole.contains(row), "{row} drawn when the whole is asked");
    }
    let arrows = |html: &str| html.matches("data-flight=").count();
    assert!(
        arrows(&windowed) * 3 < arrows(&whole),
        "{} of {}",
        arrows(&windowed),
        arrows(&whole)
    );
    // The same arrow is drawn the same way in both.
    let first = whole
        .split("data-flight=\"0\"")
        .nth(1)
        .unwrap()
        .split("</g>")
        .next()
        .unwrap();
    assert!(windowed.contains(first));
}

#[test]
fn diagram_hides_the_future() {
    let r = run("lost-response-no-key");
    let html = render::<SequenceDiagram>(super::sequence::Props {
        run: r.clone(),
        cursor: 0,
        playhead: 0.0,
        reduced_motion: false,
        projector: false,
        window: None,
    });
    assert!(html.contains("POST /v1/charges #1"));
    assert!(!html.contains("#2"), "attempt 2 has not happened yet");
    assert!(!html.contains("Customer charged"));
}

#[test]
fn message_in_flight_is_drawn_part_way() {
    let r = run("happy-path");
    let first = &r.flights[0];
    let mid = (first.sent_at + first.arrives_at) as f64 / 2.0;
    let html = render::<SequenceDiagram>(super::sequence::Props {
        run: r.clone(),
        cursor: 0,
        playhead: mid,
        reduced_motion: false,
        projector: false,
        window: None,
    });
    assert!(html.contains("flight in-flight"));
    assert!(html.contains("class=\"packet\""));
}

#[test]
fn machine_panel_highlights_the_current_state_and_taken_transition() {
    use faultline_sim::labs::payments::client::CLIENT_MACHINE;
    let taken = CLIENT_MACHINE.transitions[0];
    let html = render::<MachinePanel>(super::machines::Props {
        title: "Client 1".into(),
        machine: &CLIENT_MACHINE,
        current: "awaiting_response",
        taken: Some(taken),
        down: false,
        children: Html::default(),
    });
    assert!(
        html.contains("data-state=\"awaiting_response\" class=\"state current\""),
        "{html}"
    );
    assert!(html.contains("edge taken"));
    for s in CLIENT_MACHINE.states {
        assert!(
            html.contains(&format!("data-state=\"{s}\"")),
            "every state of the table is drawn: {s}"
        );
    }
    assert_eq!(
        html.matches("class=\"edge-label\"").count(),
        CLIENT_MACHINE.transitions.len(),
        "one arrow per transition"
    );
}

#[test]
fn tables_highlight_new_rows() {
    let r = run("lost-response-no-key");
    let v = r.first_violation().unwrap().step as usize;
    let html = render::<DataTables>(super::tables::Props {
        tables: r.tables_at(v as u32),
        changed: r.row_changes_at(v as u32),
    });
    // The violation is the card processor's second hold: its new row is
    // the one highlighted.
    assert!(html.contains("data-table=\"Card authorizations\""));
    assert!(html.contains("row-new"), "the second hold is highlighted");
    let new_row = html.split("row-new").nth(1).unwrap();
    assert!(new_row[..new_row.find("</tr>").unwrap()].contains("auth_2"));
    assert_eq!(
        html.matches("row-new").count(),
        1,
        "only the row this step wrote"
    );
}

#[test]
fn invariant_panel_turns_red_at_the_violation() {
    let r = run("lost-response-no-key");
    let info = faultline_sim::lab("payments").unwrap();
    let v = r.first_violation().unwrap().step;
    let props = |cursor| super::invariants::Props {
        invariants: info.invariants.clone(),
        not_checked: Vec::new(),
        violations: r.violations.clone(),
        cursor,
        on_jump: Callback::noop(),
    };
    let before = render::<InvariantPanel>(props(v - 1));
    assert!(before.contains("jump-violation"), "a button to jump ahead");
    assert!(!before.contains("violation-banner"));
    let at = render::<InvariantPanel>(props(v));
    assert!(at.contains("violation-banner"));
    assert!(at.contains("Customer charged twice for one order"));
}

#[test]
fn load_chart_shows_the_storm_peak_higher_without_jitter() {
    use super::load::{buckets, busiest};
    let peak = |id: &str| {
        let r = run(id);
        let (api, _) = busiest(&r).unwrap();
        assert_eq!(r.actors[api as usize].name, "payment-api");
        buckets(&r, api, f64::MAX)
            .iter()
            .skip(11)
            .map(|(a, _)| *a)
            .max()
            .unwrap()
    };
    assert!(peak("retry-storm") > peak("retry-storm-jitter"));
    let r = run("retry-storm");
    let html = render::<super::load::LoadChart>(super::load::Props {
        run: r.clone(),
        playhead: r.end_time() as f64,
    });
    assert!(html.contains("Requests reaching Payment API per 100 ms"));
    let quiet = run("happy-path");
    let none = render::<super::load::LoadChart>(super::load::Props {
        run: quiet.clone(),
        playhead: 0.0,
    });
    assert!(!none.contains("figure"), "no chart when nothing is busy");
}

#[test]
fn invariants_that_do_not_apply_show_no_green_check() {
    let scenario = preset("payments", "lost-response-no-key").unwrap();
    let r = simulate(&scenario).unwrap();
    let info = faultline_sim::lab("payments").unwrap();
    let not_checked: Vec<(&'static str, &'static str)> = info
        .invariants
        .iter()
        .filter_map(|inv| (inv.not_checked)(&info, &scenario.config).map(|why| (inv.id, why)))
        .collect();
    assert_eq!(not_checked.len(), 3, "{not_checked:?}");
    let html = render::<InvariantPanel>(super::invariants::Props {
        invariants: info.invariants.clone(),
        not_checked,
        violations: r.violations.clone(),
        cursor: 0,
        on_jump: Callback::noop(),
    });
    assert!(
        html.contains("not checked: the client sends no idempotency key"),
        "{html}"
    );
    assert!(
        html.contains("class=\"skipped\" data-invariant=\"charge-iff-completed\"")
            || html.contains("data-invariant=\"charge-iff-completed\" class=\"skipped\""),
        "{html}"
    );
}

#[test]
fn narration_shows_the_raw_message_of_the_step() {
    let r = run("lost-response-with-key");
    let replay_step = r
        .steps
        .iter()
        .find(|s| {
            s.flight
                .is_some_and(|f| r.flights[f as usize].label().contains("(replayed)"))
        })
        .unwrap()
        .index;
    let html = render::<super::narration::Narration>(super::narration::Props {
        run: r.clone(),
        cursor: replay_step,
        on: Callback::noop(),
    });
    assert!(html.contains("Idempotent-Replayed: true"), "{html}");
    assert!(html.contains("HTTP/1.1 200 OK"));
}

#[test]
fn interview_practice_hides_the_answer_until_asked() {
    let info = faultline_sim::lab("payments").unwrap();
    let iv = info.interviews[0].clone();
    for preset_id in [iv.answer_preset, iv.mistake_preset] {
        assert!(
            preset("payments", preset_id).is_some(),
            "{preset_id} exists"
        );
    }
    // The learner's answer, kept with their progress, is in its box.
    let mut progress = faultline_sim::progress::Progress::default();
    progress.set_note("payments", 0, "Retry with a key & hope.");
    let html = render::<super::interview::InterviewPanel>(super::interview::Props {
        interviews: info.interviews.clone(),
        progress: Rc::new(progress),
        lab: "payments",
        on: Callback::noop(),
    });
    assert!(html.contains("charged twice"), "the question is shown");
    assert!(html.contains("Retry with a key &amp; hope."), "{html}");
    assert!(html.contains("iv-reveal"));
    assert!(
        !html.contains("A strong answer"),
        "the answer waits for the learner"
    );
}

/// The comparison's bar names both runs and what the pair shows; the
/// summary below the diagram is a box the helper worker fills
/// (`crates/faultline-helper/src/compare_view.rs`, with its tests).
#[test]
fn comparison_bar_names_both_runs_and_the_summary_is_the_helpers() {
    use crate::state::{Action, AppState};
    let info = faultline_sim::lab("oauth").unwrap();
    let pair = info.comparison("authn-vs-authz").unwrap();
    let s = Rc::new(AppState::new())
        .reduce(Action::Load {
            scenario: (pair.a)(),
            cursor: 0,
            preset: faultline_sim::registry::preset_matching(&(pair.a)()),
            notice: None,
        })
        .reduce(Action::Compare {
            scenario: (pair.b)(),
            preset: faultline_sim::registry::preset_matching(&(pair.b)()),
        })
        .reduce(Action::Seek(u32::MAX));
    #[component]
    fn Bar(p: &BarProps) -> Html {
        let info = faultline_sim::lab(&p.state.scenario.lab).unwrap();
        super::compare::compare_bar_of(&super::compare::Props {
            state: &p.state,
            compare: p.state.compare.as_deref().unwrap(),
            info: &info,
            on: Callback::noop(),
        })
    }
    #[derive(Properties, PartialEq)]
    struct BarProps {
        state: Rc<AppState>,
    }
    let bar = render::<Bar>(BarProps { state: s.clone() });
    assert!(bar.contains(pair.explanation), "the pair's explanation");
    assert!(bar.contains(r#"aria-pressed="true""#));
    assert!(
        bar.contains("A: Plain OAuth: access without identity"),
        "{bar}"
    );
    assert!(bar.contains("B: Happy path"), "{bar}");
    #[component]
    fn Summary() -> Html {
        super::compare::compare_summary()
    }
    let summary = render::<Summary>(());
    assert!(summary.contains("<div id=\"compare-out\">"), "{summary}");
}

/// The violation mark has the gutter's first column to itself: in every
/// preset of every lab that breaks an invariant, no timer label and no
/// step time starts over it (a timer firing in the row above or in its
/// own row used to hang its label over the mark).
#[test]
fn the_violation_mark_has_its_own_place_in_the_gutter() {
    let number = |html: &str, after: &str, attr: &str| -> Vec<f64> {
        html.match_indices(after)
            .filter_map(|(i, _)| {
                let tail = &html[i..];
                let at = tail.find(&format!("{attr}=\""))? + attr.len() + 2;
                tail[at..].split('"').next()?.parse().ok()
            })
            .collect()
    };
    let mut checked = 0;
    for lab in faultline_sim::labs() {
        for p in &lab.presets {
            let r = Rc::new(simulate(&(p.scenario)()).unwrap());
            if r.first_violation().is_none() {
                continue;
            }
            let html = diagram_at_end(r);
            let mark = html.find("<g class=\"violation-mark\">").expect("a mark");
            let width = number(&html[mark..], "<rect", "width")[0];
            let x0 = number(&html[mark..], "<rect", "x")[0];
            // A gutter label's `x` comes just before its class.
            let before = |class: &str| -> Vec<f64> {
                html.match_indices(class)
                    .filter_map(|(i, _)| {
                        let head = &html[..i];
                        let at = head.rfind("x=\"")? + 3;
                        head[at..].split('"').next()?.parse().ok()
                    })
                    .collect()
            };
            let starts: Vec<f64> = before("class=\"timer-label\"")
                .into_iter()
                .chain(before("class=\"tick\""))
                .collect();
            assert!(
                !starts.is_empty(),
                "{}/{}: labels in the gutter",
                lab.id,
                p.id
            );
            for x in starts {
                assert!(
                    x >= x0 + width,
                    "{}/{}: a gutter label at x={x} over the violation mark (x {x0}..{})",
                    lab.id,
                    p.id,
                    x0 + width
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} presets with a violation");
}
