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
        (
            vec!["search", "--lab", "payments", "-k", "9"],
            "not in 1..=4",
        ),
        (
            vec!["search", "--lab", "payments", "-k", "x"],
            "invalid value",
        ),
        (vec!["search", "nonsense"], "that link cannot be opened"),
        (
            vec!["run", "lab=payments&preset=happy-path&explore=search~7"],
            "explorer part cannot be used: a search adds 1 to 4 faults",
        ),
        (
            vec!["run", "lab=payments&preset=happy-path&explore=runs~10~2000"],
            "the chance of losing a message is 0 to 1000",
        ),
        (
            vec!["search", "lab=payments&preset=happy-path&explore=dig~1"],
            "\"dig\" is not the explorer's work",
        ),
        (
            vec!["montecarlo", "--lab", "payments", "--runs", "0"],
            "not in 1..=100000",
        ),
        (
            vec!["montecarlo", "--lab", "payments", "--drop", "1001"],
            "not in 0..=1000",
        ),
        (
            vec!["montecarlo", "--lab", "payments", "--sweep", "timeout_ms"],
            "--sweep takes KEY=V1,V2",
        ),
        (
            vec!["montecarlo", "--lab", "payments", "--sweep", "nope=1,2"],
            "has no setting \"nope\"",
        ),
        (
            vec![
                "montecarlo",
                "--lab",
                "payments",
                "--sweep",
                "timeout_ms=1,-4",
            ],
            "the scenario cannot run",
        ),
    ] {
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{args:?}");
    }
}

/// An explorer link (what the panel's "Link to these results" holds) runs
/// the same work as the page: the search it names, or its random runs.
#[test]
fn an_explorer_link_reproduces_the_search_or_the_random_runs() {
    let s = faultline_sim::preset("payments", "happy-path")
        .unwrap()
        .with(
            "send_key",
            faultline_sim::scenario::ConfigValue::Bool(false),
        );
    let run = faultline_sim::permalink::encode(&s, 0);
    let link = format!("https://example.org/f/payments/#{run}&explore=search~1~focused");
    let o = cli(&["run", &link]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.starts_with(
            "search: payments a changed run, seed 7, every schedule of up to 1 fault (focused alphabet)\n"
        ),
        "{text}"
    );
    // A link made before there were two alphabets searched every fault, and still does.
    let old = format!("https://example.org/f/payments/#{run}&explore=search~1");
    let o = cli(&["run", &old]);
    assert!(
        out(&o).starts_with(
            "search: payments a changed run, seed 7, every schedule of up to 1 fault (every alphabet)\n"
        ),
        "{}",
        out(&o)
    );
    // --alphabet says otherwise than the link.
    let o = cli(&["search", &old, "--alphabet", "focused"]);
    assert!(out(&o).contains("(focused alphabet)"), "{}", out(&o));
    assert!(text.contains("BROKEN one-charge-per-order"), "{text}");
    // The same as asking for that search by its arguments.
    let by_args = cli(&[
        "search",
        "--lab",
        "payments",
        "--preset",
        "happy-path",
        "--set",
        "send_key=false",
        "-k",
        "1",
        "--json",
    ]);
    let by_link = cli(&["search", &link, "--json"]);
    let found = |o: &Output| {
        let v: serde_json::Value = serde_json::from_str(&out(o)).expect("JSON");
        v["broken"].clone()
    };
    assert_eq!(found(&by_link), found(&by_args));
    // -k given says otherwise than the link.
    let o = cli(&["search", &link, "-k", "2"]);
    assert!(
        out(&o).contains("every schedule of up to 2 faults"),
        "{}",
        out(&o)
    );
    // Random runs: the page's seeds and rate.
    let o = cli(&[
        "run",
        "lab=sagas&preset=2pc-happy&explore=runs~300~50",
        "--json",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("JSON");
    assert_eq!(v["runs"], 300, "{v}");
    // A sweep: the same runs at the values the page tries.
    let o = cli(&[
        "run",
        "lab=payments&preset=happy-path&explore=sweep~100~50~timeout_ms",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    for v in [200, 500, 1000, 2000, 4000] {
        assert!(text.contains(&format!("  timeout_ms = {v}: ")), "{text}");
    }
    let o = cli(&[
        "run",
        "lab=payments&preset=happy-path&explore=sweep~100~50~nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("has no setting \"nope\""), "{}", err(&o));
}

/// `search` on Payments' happy path, with `more` arguments.
fn search_happy_path(more: &[&str]) -> Output {
    let mut args = vec!["search", "--lab", "payments", "--preset", "happy-path"];
    args.extend_from_slice(more);
    cli(&args)
}

#[test]
fn search_prints_the_smallest_schedule_with_a_link_that_shows_it() {
    let o = search_happy_path(&["--set", "send_key=false", "-k", "1"]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("BROKEN one-charge-per-order"), "{text}");
    assert!(text.contains("with 1 fault, at step"), "{text}");
    assert!(text.contains("because:"), "{text}");
    assert!(text.contains("KEPT under every one of the"), "{text}");
    // Its link opens the run in which the customer is charged twice.
    let link = text
        .lines()
        .skip_while(|l| !l.starts_with("BROKEN one-charge-per-order"))
        .find_map(|l| l.trim().strip_prefix("link: "))
        .expect("a link");
    let shown = cli(&["run", link]);
    assert!(shown.status.success(), "{}", err(&shown));
    assert!(out(&shown).contains("charged twice"), "{}", out(&shown));
    // And as JSON, for scripts.
    let o = cli(&[
        "search",
        "--lab",
        "sagas",
        "--preset",
        "2pc-happy",
        "-k",
        "1",
        "--json",
    ]);
    let r: serde_json::Value = serde_json::from_str(&out(&o)).expect("JSON");
    assert_eq!(r["broken"][0]["property"], "lock-held-at-most-2s");
    assert_eq!(r["broken"][0]["size"], 1);
    assert!(r["kept"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["property"] == "2pc-all-or-nothing"));
    assert!(r["schedules"].as_u64().unwrap() > 10);
    // A search that meets more states than it may remember stops and
    // says so, instead of running the machine out of memory.
    let o = search_happy_path(&["-k", "2", "--max-states", "100"]);
    assert!(!o.status.success());
    assert!(
        err(&o).contains(
            "every schedule of up to 2 faults meets more than 100 distinct states (--max-states)"
        ),
        "{}",
        err(&o)
    );
}

#[test]
fn monte_carlo_counts_outcomes_and_sweeps_a_setting() {
    let o = cli(&[
        "montecarlo",
        "--lab",
        "payments",
        "--preset",
        "happy-path",
        "--set",
        "send_key=false",
        "--runs",
        "300",
        "--drop",
        "50",
        "--sweep",
        "timeout_ms=250,3000",
        "--json",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let r: serde_json::Value = serde_json::from_str(&out(&o)).expect("JSON");
    assert_eq!(r["runs"], 600);
    let twice = r["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["property"] == "one-charge-per-order")
        .expect("double charges");
    // The first example's link shows it.
    let shown = cli(&["run", twice["link"].as_str().unwrap()]);
    assert!(out(&shown).contains("charged twice"), "{}", out(&shown));
    let rate = |i: usize| {
        r["sweep"][i]["broken"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b[0] == "one-charge-per-order")
            .map_or(0, |b| b[1].as_u64().unwrap())
    };
    assert!(
        rate(0) > rate(1),
        "a short timeout retries more: {} vs {}",
        rate(0),
        rate(1)
    );
    let text = out(&cli(&["montecarlo", "--lab", "payments", "--runs", "50"]));
    assert!(text.contains("time to the run's last step (ms):"), "{text}");
}

/// Structure-aware fuzzing of the explorer's arguments: argument lists
/// built from the commands' own flags with good, edge and garbage values,
/// in random order. Every one gets an answer (exit 0) or a reason (exit
/// 2), never a panic.
#[test]
fn fuzzed_explorer_arguments_never_panic() {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb) ^ (z >> 31)
    };
    let values = [
        "",
        "0",
        "1",
        "2",
        "-1",
        "4",
        "5",
        "1001",
        "99999999999999999999",
        "x",
        "é",
        "=",
        ",",
        "timeout_ms=",
        "timeout_ms=1,,2",
        "send_key=maybe",
        "coordination=2pc",
        "lab=sagas",
        "v1.e30.0",
        "#v1.@@@",
        "lab=payments&preset=happy-path&step=999999",
        "[{\"net\":{}}]",
        "[]",
        "null",
    ];
    let flags = [
        ("--lab", true),
        ("--preset", true),
        ("--seed", true),
        ("--set", true),
        ("--faults", true),
        ("-k", true),
        ("--max-faults", true),
        ("--naive", false),
        ("--max-states", true),
        ("--json", false),
        ("--runs", true),
        ("--drop", true),
        ("--duplicate", true),
        ("--delay", true),
        ("--delay-ms", true),
        ("--sweep", true),
        ("--base-seed", true),
    ];
    let labs = ["payments", "oauth", "sagas", "nope"];
    for case in 0..120 {
        let mut args: Vec<String> = vec![if case % 2 == 0 {
            "search"
        } else {
            "montecarlo"
        }
        .into()];
        if next() % 4 != 0 {
            args.push("--lab".into());
            args.push(labs[(next() % 4) as usize].into());
        }
        for _ in 0..next() % 5 {
            let (flag, takes) = flags[(next() % flags.len() as u64) as usize];
            args.push(flag.into());
            if takes {
                args.push(values[(next() % values.len() as u64) as usize].into());
            }
        }
        // Keep each case quick: a small search, few runs.
        args.extend(
            ["-k", "1"]
                .map(String::from)
                .into_iter()
                .filter(|_| case % 2 == 0),
        );
        args.extend(
            ["--runs", "20"]
                .map(String::from)
                .into_iter()
                .filter(|_| case % 2 == 1),
        );
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = cli(&refs);
        assert!(
            matches!(o.status.code(), Some(0 | 2)),
            "{args:?}: exit {:?}\n{}",
            o.status.code(),
            err(&o)
        );
        assert!(!err(&o).contains("panicked"), "{args:?}: {}", err(&o));
        if o.status.code() == Some(2) {
            assert!(!err(&o).trim().is_empty(), "{args:?}: a reason");
        }
    }
}
