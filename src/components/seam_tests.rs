//! The lab seam, proved in component tests: the test-only lab (cargo
//! feature `testlab`, never in the wasm) opens from its landing card and
//! plays in the generic views with no change to `src/`; no non-test code
//! under `src/` names a lab or a preset; the views render every message
//! class, body kind, timer kind, partition and instance picker.

use super::lab::LabView;
use super::sequence::SequenceDiagram;
use super::tests::render;
use crate::state::{Action, AppState};
use faultline_sim::fault::Fault;
use faultline_sim::message::Message;
use faultline_sim::{labs, preset, simulate};
use std::rc::Rc;
use yew::prelude::*;

/// Test hosts for views that are plain functions in the app.
#[component]
fn Inspector(p: &InspectorProps) -> Html {
    super::inspector::inspector(&p.inner)
}

#[derive(Properties, PartialEq)]
struct InspectorProps {
    inner: super::inspector::Props,
}

#[component]
fn Landing(p: &LandingProps) -> Html {
    super::landing::landing(&p.inner)
}

#[derive(Properties, PartialEq)]
struct LandingProps {
    inner: super::landing::Props,
}

fn lab_view(state: Rc<AppState>) -> String {
    let info = Rc::new(faultline_sim::lab(&state.scenario.lab).unwrap());
    render::<LabView>(super::lab::Props {
        state,
        info,
        on: Callback::noop(),
        permalink: String::new(),
        on_copy: Callback::noop(),
        on_export_json: Callback::noop(),
        on_export_svg: Callback::noop(),
        on_import: Callback::noop(),
        reduced_motion: true,
    })
}

#[test]
fn the_test_lab_opens_from_its_landing_card_and_plays_in_the_views() {
    let html = render::<Landing>(LandingProps {
        inner: super::landing::Props {
            labs: labs(),
            lessons: Vec::new(),
        },
    });
    for info in labs() {
        assert!(
            html.contains(&format!("data-lab=\"{}\"", info.id)),
            "a card for {}",
            info.id
        );
        assert!(
            html.contains(&format!("aria-label=\"Open the lab: {}\"", info.title)),
            "the open control names its lab: {}",
            info.title
        );
    }
    // The card links to the lab's page, which opens its default preset.
    assert!(
        html.contains("href=\"toy/\""),
        "the card is a link to the lab's page"
    );
    let id = "toy";
    let state = Rc::new(AppState::new()).reduce(crate::state::open_lab(id));
    assert_eq!(state.scenario.lab, "toy");
    assert_eq!(state.preset.as_deref(), Some("flip"));
    let state = state.reduce(Action::Seek(u32::MAX));
    let html = lab_view(state);
    assert!(html.contains("Toy lamp (test lab)"), "its title");
    assert!(
        html.contains("The switch asks once and the lamp turns on."),
        "its preset's explanation"
    );
    assert!(
        html.contains("<select id=\"cfg-mode\""),
        "its choice field as a select"
    );
    assert!(
        html.contains("<option value=\"blink\" selected"),
        "the preset's choice selected"
    );
    assert!(html.contains("Lamp log"), "its table");
    assert!(html.contains("data-machine=\"Lamp\""), "its machine");
}

#[test]
fn an_unknown_lab_or_bad_choice_is_a_message_not_a_crash() {
    let s = Rc::new(AppState::new()).reduce(crate::state::open_lab("nope"));
    assert!(s
        .notice
        .as_ref()
        .is_some_and(|n| n.is_error && n.text.contains("nope")));
    let s = s
        .reduce(crate::state::open_lab("toy"))
        .reduce(Action::SetConfig(
            "mode".into(),
            faultline_sim::scenario::ConfigValue::Choice("disco".into()),
        ));
    let n = s.notice.as_ref().expect("a notice");
    assert!(n.text.contains("\"steady\", \"blink\""), "{}", n.text);
    assert_eq!(s.scenario.lab, "toy", "the lab stays open");
}

/// Non-test code under `src/` names no lab and no preset: a lab is a
/// folder in the simulation crate, never an edit across the app.
#[test]
fn no_app_code_names_a_lab_or_a_preset() {
    let mut names: Vec<String> = Vec::new();
    for info in labs() {
        names.push(info.id.to_string());
        names.extend(info.presets.iter().map(|p| p.id.to_string()));
        names.extend(info.palette.iter().map(|p| p.id.to_string()));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            if file.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = without_test_items(&text);
            for n in &names {
                if code.contains(&format!("\"{n}\"")) {
                    found.push(format!("{}: \"{n}\"", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "app code names labs or presets: {found:?}"
    );
}

/// The text with every `#[cfg(test)]` item (to its matching brace) removed.
fn without_test_items(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find(['{', ';']) else {
            return out;
        };
        if after.as_bytes()[open] == b';' {
            rest = &after[open + 1..];
            continue;
        }
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_seam_check_sees_past_test_modules() {
    let code = "a\n#[cfg(test)]\nmod tests { fn x() { \"hidden\" } }\nconst Y: &str = \"seen\";\n#[cfg(test)]\nmod more;\n";
    let kept = without_test_items(code);
    assert!(
        kept.contains("\"seen\"") && !kept.contains("hidden"),
        "{kept}"
    );
}

fn inspect(message: Message) -> String {
    render::<Inspector>(InspectorProps {
        inner: super::inspector::Props {
            title: "Message".into(),
            message,
        },
    })
}

#[test]
fn the_inspector_shows_each_body_kind_in_its_own_form() {
    let jws = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    let mut msg = Message::response("302 Found")
        .header(
            "Location",
            "https://planner.example/cb?code=abc&state=x%2By",
        )
        .form_field("id_token", jws);
    msg.focus = &["state"];
    let html = inspect(msg);
    assert!(html.contains("Location query, parameter by parameter"));
    assert!(
        html.contains("<th scope=\"row\">state</th><td><code>x+y</code>"),
        "{html}"
    );
    assert!(
        html.contains("<mark>state=x%2By</mark>"),
        "the step's parameter is highlighted: {html}"
    );
    assert!(html.contains("Highlighted: what matters at this step (state)"));
    assert!(html.contains("Form fields, decoded"));
    assert!(
        html.contains("class=\"token-link\" data-token=\"token-0\""),
        "the token in the text opens its card: {html}"
    );
    // The cards themselves are the helper's (crates/faultline-helper,
    // tokens.rs): the page draws their box and says how to open them.
    assert!(
        html.contains("Click a token to open it")
            && html.contains("<div id=\"token-cards\"></div>"),
        "{html}"
    );
    assert!(
        !html.contains("a signed token (JWT), decoded"),
        "no card before it is asked for"
    );
    assert!(html.contains("application/x-www-form-urlencoded"));
    let text = inspect(Message::one_way("PUBLISH OrderCreated").text("order 7"));
    assert!(text.contains("one-way message") && text.contains("text/plain"));
    assert!(!text.contains("token-cards"), "no token, no box");
}

#[test]
fn timers_are_drawn_by_kind_and_a_partition_as_a_cut() {
    let mut s = preset("payments", "lost-response-with-key").unwrap();
    s.faults.push(Fault::Partition {
        from_ms: 100,
        until_ms: 600,
        side_a: vec!["payment-api".into()],
        side_b: vec!["database".into()],
    });
    let html = super::tests::diagram_at_end(Rc::new(simulate(&s).unwrap()));
    assert!(html.contains("data-timer-kind=\"timeout\""));
    assert!(html.contains("data-timer-kind=\"backoff\""));
    assert!(html.contains("data-timer-kind=\"work\""));
    assert!(html.contains("class=\"cut\""), "the partition is drawn");
    assert!(html.contains("✂ partition"));
}

#[test]
fn picking_one_of_many_live_requests_redraws_its_machine() {
    let s = preset("payments", "retry-storm-jitter").unwrap();
    let state = Rc::new(AppState::new()).reduce(Action::Load {
        scenario: s,
        cursor: 0,
        preset: None,
        notice: None,
    });
    let api = state
        .run
        .actors
        .iter()
        .position(|a| a.instances.is_some_and(|i| !i.durable))
        .unwrap() as u16;
    // The busiest moment: the most live requests at once.
    let (step, live) = (0..state.run.steps.len() as u32)
        .map(|k| {
            (
                k,
                state
                    .run
                    .instances_at(api, k)
                    .iter()
                    .filter(|i| i.live)
                    .count(),
            )
        })
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(
        live >= 3,
        "the storm keeps several requests live at once: {live}"
    );
    let state = state.reduce(Action::Seek(step));
    let instances = state.run.instances_at(api, step);
    let auto = super::instances::shown(&instances, None, step)
        .unwrap()
        .clone();
    let other = instances
        .iter()
        .find(|i| i.live && i.id != auto.id && i.state != auto.state)
        .or_else(|| instances.iter().find(|i| i.live && i.id != auto.id))
        .unwrap()
        .clone();
    let before = lab_view(state.clone());
    assert!(
        before.contains(&format!("{live} live requests")),
        "the count is shown"
    );
    let picked = state.reduce(Action::PickInstance {
        actor: api,
        instance: Some(other.id),
    });
    let after = lab_view(picked);
    assert!(
        after.contains(&format!("Payment API (request #{})", other.id)),
        "the picked request's machine"
    );
    assert!(after.contains(&format!("<option value=\"{}\" selected", other.id)));
    assert_ne!(before, after);
}

#[test]
fn the_partition_button_cuts_the_network_and_the_diagram_shows_it() {
    let s = Rc::new(AppState::new())
        .reduce(crate::state::open_lab(labs()[0].id))
        .reduce(Action::Seek(2));
    let info = faultline_sim::lab(&s.scenario.lab).unwrap();
    let cut = info
        .palette
        .iter()
        .find(|e| {
            (e.build)(0)
                .iter()
                .any(|f| matches!(f, Fault::Partition { .. }))
        })
        .expect("the palette has a partition");
    let at = s.playhead as u64 + 1;
    let s = s.reduce(Action::AddFaults((cut.build)(at)));
    assert_eq!(s.run.cuts.len(), 1);
    let s = s.reduce(Action::Seek(u32::MAX));
    let html = render::<SequenceDiagram>(super::sequence::Props {
        run: s.run.clone(),
        cursor: s.cursor,
        playhead: s.playhead,
        reduced_motion: true,
        projector: false,
        window: None,
    });
    assert!(html.contains("✂ partition"));
    let plan = super::faults::describe(&s.scenario.faults[s.scenario.faults.len() - 1]);
    assert!(
        plan.starts_with("Partition payment-api from database"),
        "{plan}"
    );
}

#[test]
fn every_actor_with_many_instances_has_a_machine_panel_and_picker_of_its_own() {
    let mut pickers = 0;
    for info in faultline_sim::labs() {
        for p in &info.presets {
            let state = Rc::new(AppState::new()).reduce(Action::Load {
                scenario: (p.scenario)(),
                cursor: 0,
                preset: None,
                notice: None,
            });
            let last = state.last_step();
            let state = state.reduce(Action::Seek(last));
            let html = lab_view(state.clone());
            for (lane, a) in state.run.actors.iter().enumerate() {
                if a.instances.is_some() {
                    assert!(
                        html.contains(&format!("id=\"instances-{lane}\"")),
                        "{}/{}: {} has no picker of its own",
                        info.id,
                        p.id,
                        a.title
                    );
                    pickers += 1;
                }
            }
        }
    }
    assert!(pickers > 0);
}
