//! Comparisons of two runs: every lab's ready-made pairs are one plan with
//! one setting apart and show what their text says; comparison links round
//! trip in both forms, and malformed ones are refused with a message.

use faultline_sim::permalink::{encode_compare, open, PermalinkError, View};
use faultline_sim::{labs, preset, simulate, Run};

fn run(s: &faultline_sim::scenario::Scenario) -> Run {
    simulate(s).unwrap()
}

/// A table's cell after the last step: the row whose first cell is `key`.
fn cell(r: &Run, table: &str, key: &str, col: usize) -> String {
    let last = r.steps.len() as u32 - 1;
    let t = r
        .tables_at(last)
        .into_iter()
        .find(|t| t.title == table)
        .unwrap();
    t.rows
        .iter()
        .find(|row| row[0] == key)
        .unwrap_or_else(|| panic!("{table} has no row {key}: {:?}", t.rows))[col]
        .clone()
}

#[test]
fn every_ready_made_pair_is_one_plan_with_settings_apart() {
    let mut pairs = 0;
    for info in labs() {
        // Each table a comparison shows is one some run of the lab has.
        let mut names: Vec<String> = Vec::new();
        for p in &info.presets {
            names.extend(
                run(&(p.scenario)())
                    .table_schema
                    .iter()
                    .map(|t| t.title.to_string()),
            );
        }
        for table in info.compare_tables {
            assert!(
                names.iter().any(|n| n == table),
                "{}: compare table {table} is not one of {names:?}",
                info.id
            );
        }
        for c in &info.comparisons {
            pairs += 1;
            let (a, b) = ((c.a)(), (c.b)());
            assert_eq!(
                (a.lab.as_str(), b.lab.as_str()),
                (info.id, info.id),
                "{}",
                c.id
            );
            assert_eq!(a.seed, b.seed, "{}: one seed", c.id);
            assert_eq!(a.faults, b.faults, "{}: one fault plan", c.id);
            assert_ne!(a.config, b.config, "{}: settings apart", c.id);
            assert_ne!(
                run(&a).to_json(),
                run(&b).to_json(),
                "{}: the runs differ",
                c.id
            );
            assert!(info.comparison(c.id).is_some());
        }
    }
    assert!(pairs >= 6, "{pairs} ready-made comparisons");
}

fn pair(lab: &str, id: &str) -> (Run, Run) {
    let info = faultline_sim::lab(lab).unwrap();
    let c = info.comparison(id).unwrap();
    (run(&(c.a)()), run(&(c.b)()))
}

#[test]
fn authentication_vs_authorization_planner_knows_who_only_with_oidc() {
    let (plain, oidc) = pair("oauth", "authn-vs-authz");
    // Both read the calendar: authorization works either way.
    for r in [&plain, &oidc] {
        let last = r.steps.len() as u32 - 1;
        let calls = r
            .tables_at(last)
            .into_iter()
            .find(|t| t.title == "Calendar API calls")
            .unwrap();
        assert!(
            calls.rows.iter().any(|row| row[3].starts_with("200")),
            "{:?}",
            calls.rows
        );
    }
    assert_eq!(
        cell(&plain, "Planner's session", "signed in as", 1),
        "nobody known: no ID token"
    );
    assert_eq!(cell(&plain, "Planner's session", "ID token", 1), "—");
    assert_eq!(
        cell(&oidc, "Planner's session", "signed in as", 1),
        "alice (the ID token's sub)"
    );
}

#[test]
fn no_key_charges_twice_a_key_once() {
    let (no_key, key) = pair("payments", "key-or-no-key");
    let held = |r: &Run| {
        let last = r.steps.len() as u32 - 1;
        let t = r
            .tables_at(last)
            .into_iter()
            .find(|t| t.title == "Card authorizations")
            .unwrap();
        t.rows
            .iter()
            .filter(|row| row.iter().any(|c| c == "HELD"))
            .count()
    };
    assert_eq!((held(&no_key), held(&key)), (2, 1));
    assert!(no_key.first_violation().is_some());
    assert!(key.first_violation().is_none());
}

#[test]
fn revocation_jwt_window_and_introspection() {
    let (jwt, opaque) = pair("oauth", "jwt-vs-opaque");
    assert!(jwt
        .violations
        .iter()
        .any(|v| v.invariant == "revoked-token-refused"));
    assert!(opaque.violations.is_empty(), "{:?}", opaque.violations);
}

#[test]
fn sagas_pairs_break_only_the_weaker_side() {
    for id in ["outbox-vs-dual-write", "idempotent-or-not"] {
        let (strong, weak) = pair("sagas", id);
        assert!(
            strong.violations.is_empty(),
            "{id}: {:?}",
            strong.violations
        );
        assert!(
            !weak.violations.is_empty(),
            "{id}: the weaker side breaks an invariant"
        );
    }
}

#[test]
fn comparison_links_round_trip_in_both_forms() {
    let a = preset("oauth", "plain-oauth-no-oidc").unwrap();
    let b = preset("oauth", "happy-path").unwrap();
    for (shown, view) in [
        (false, View::Normal),
        (true, View::Projector),
        (true, View::Normal),
    ] {
        let hash = encode_compare(&a, &b, 7, shown, view);
        let o = open(&format!("#{hash}")).unwrap();
        assert_eq!(
            (o.scenario.clone(), o.step, o.view),
            (a.clone(), 7, view),
            "{hash}"
        );
        assert_eq!(o.preset.as_deref(), Some("plain-oauth-no-oidc"));
        let vs = o.vs.unwrap();
        assert_eq!((vs.scenario, vs.shown), (b.clone(), shown));
        assert_eq!(vs.preset.as_deref(), Some("happy-path"));
    }
    let o = open("lab=oauth&compare=authn-vs-authz&step=4&show=b&view=projector").unwrap();
    assert_eq!((o.scenario, o.step, o.view), (a, 4, View::Projector));
    let vs = o.vs.unwrap();
    assert_eq!((vs.scenario, vs.shown), (b, true));
    // A plain link opens no comparison.
    assert!(open("lab=oauth&preset=happy-path").unwrap().vs.is_none());
}

#[test]
fn malformed_comparison_links_are_refused_with_a_message() {
    let a = preset("oauth", "happy-path").unwrap();
    let p = preset("payments", "happy-path").unwrap();
    let good = encode_compare(&a, &a, 3, false, View::Normal);
    let mixed = encode_compare(&a, &p, 3, false, View::Normal);
    assert!(matches!(open(&mixed), Err(PermalinkError::CompareLabs(..))));
    assert!(open(&mixed)
        .unwrap_err()
        .to_string()
        .contains("two runs of one lab"));
    let cases: Vec<(String, &str)> = vec![
        ("vs1".into(), "cut short"),
        ("vs1.abc".into(), "cut short"),
        (good[..good.len() / 3].to_string(), "cut short"),
        (good.replace(".3", ".x"), "not a number"),
        (format!("{good}.sideways"), "view called"),
        ("vs2.e30.e30.0".into(), "different version"),
        (
            "lab=oauth&compare=nope".into(),
            "no comparison called \"nope\"",
        ),
        ("lab=oauth&compare=authn-vs-authz&show=c".into(), "show"),
    ];
    for (hash, expect) in cases {
        let err = open(&hash).expect_err(&hash);
        assert!(err.to_string().contains(expect), "{hash:?}: {err}");
    }
}

#[test]
fn a_coordinator_crash_blocks_two_phase_commit_not_the_saga() {
    let (saga, tpc) = pair("sagas", "saga-vs-2pc");
    let at = |r: &Run, table: &str| {
        r.tables_at(r.step_at_time(2_000))
            .into_iter()
            .find(|t| t.title == table)
            .map(|t| t.rows)
    };
    let held = at(&tpc, "2PC participants").unwrap();
    let held: Vec<_> = held
        .iter()
        .filter(|row| row[1] == "PREPARED" && row[2] == "held")
        .collect();
    assert_eq!(held.len(), 2, "two participants blocked at 2 s: {held:?}");
    assert!(at(&saga, "2PC participants").is_none());
    // Both finish once the coordinator is back, and keep every invariant.
    for r in [&saga, &tpc] {
        assert!(r.end_time() > 5_000);
        assert!(r.violations.is_empty(), "{:?}", r.violations);
    }
    let tables = tpc.tables_at(tpc.steps.len() as u32 - 1);
    let blocked = &tables
        .iter()
        .find(|t| t.title == "2PC participants")
        .unwrap()
        .rows;
    assert!(blocked.iter().any(|row| row[3] == "4.956 s"), "{blocked:?}");
}
