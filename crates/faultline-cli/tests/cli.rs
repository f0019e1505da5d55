//! The headless runner as a script or a person uses it: every link form a
//! page makes reproduces the page's run; settings, seed and faults from
//! arguments; JSON out; bad arguments get a usage message and exit 2,
//! never a panic.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline-cli"))
        .args(args)
        .output()
        .expect("the runner starts")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run a page shows for a link, as the runner prints it.
fn page_log(lab: &str, preset: &str) -> String {
    let run = faultline_sim::simulate(&faultline_sim::preset(lab, preset).unwrap()).unwrap();
    faultline_sim::log::run_log(&run)
}

#[test]
fn every_link_form_reproduces_the_pages_run() {
    let s = faultline_sim::preset("sagas", "2pc-coordinator-crash").unwrap();
    let full = faultline_sim::permalink::encode(&s, 10);
    for (link, lab, preset, step) in [
        ("lab=payments&preset=key-expired&step=4".to_string(), "payments", "key-expired", 4),
        (format!("https://example.org/f/sagas/#{full}"), "sagas", "2pc-coordinator-crash", 10),
        (format!("{full}.projector"), "sagas", "2pc-coordinator-crash", 10),
        ("lab=oauth&preset=happy-path&step=17&view=embed".to_string(), "oauth", "happy-path", 17),
        (
            "lab=oauth&preset=happy-path&step=3&queue=1~lab=payments&preset=happy-path~lab=oauth&preset=happy-path&step=3".to_string(),
            "oauth",
            "happy-path",
            3,
        ),
    ] {
        let o = cli(&["run", &link]);
        assert!(o.status.success(), "{link}: {}", err(&o));
        let text = out(&o);
        assert!(text.contains(&format!("the link opens at step {step}")), "{link}: {text}");
        assert!(text.ends_with(&page_log(lab, preset)), "{link}: the page's run");
    }
}

#[test]
fn a_lesson_step_and_a_comparison() {
    let o = cli(&["run", "lab=payments&lesson=retries&ls=2"]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.starts_with("lesson \"Retries and idempotency keys\", step 3 of 10"),
        "{text}"
    );
    assert!(
        text.contains("predict: The retry carries no key."),
        "{text}"
    );
    let o = cli(&["run", "lab=oauth&compare=authn-vs-authz"]);
    let text = out(&o);
    assert!(
        o.status.success() && text.contains("== A: ") && text.contains("== B: happy-path"),
        "{text}"
    );
}

#[test]
fn settings_seed_and_faults_from_arguments() {
    let o = cli(&[
        "run",
        "--lab",
        "payments",
        "--preset",
        "happy-path",
        "--seed",
        "9",
        "--set",
        "send_key=true",
        "--json",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let run: serde_json::Value = serde_json::from_str(&out(&o)).expect("JSON");
    assert_eq!(run["scenario"]["seed"], 9);
    assert_eq!(run["scenario"]["config"]["send_key"], true);
    let faults = r#"[{"crash":{"at_ms":10,"actor":"payment-api"}}]"#;
    let o = cli(&["run", "--lab", "payments", "--faults", faults]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("crash"), "{}", out(&o));
}

#[test]
fn bad_arguments_say_why_and_exit_2() {
    for (args, says) in [
        (vec!["frob"], "unrecognized subcommand"),
        (vec!["run"], "give a link, or --lab"),
        (vec!["run", "garbage"], "that link cannot be opened"),
        (vec!["run", "--lab", "nope"], "no lab \"nope\""),
        (
            vec!["run", "--lab", "payments", "--preset", "nope"],
            "no preset \"nope\"",
        ),
        (
            vec!["run", "--lab", "payments", "--set", "timeout_ms=soon"],
            "timeout_ms is a whole number",
        ),
        (
            vec!["run", "--lab", "payments", "--set", "nokey"],
            "--set takes KEY=VALUE",
        ),
        (
            vec!["run", "--lab", "payments", "--faults", "[{\"boom\":1}]"],
            "--faults is not a list of faults",
        ),
        (
            vec!["run", "--lab", "payments", "--set", "timeout_ms=-5"],
            "the scenario cannot run",
        ),
        (
            vec!["run", "lab=payments&preset=happy-path&queue=7~lab=payments"],
            "queue cannot be used",
        ),
        (
            vec!["run", "lab=payments&lesson=nope&ls=0"],
            "no lesson \"nope\"",
        ),
        (vec!["run", "--preset", "happy-path"], "--lab"),
    ] {
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{args:?}");
    }
}
