//! The comparison summary's tests: both runs at one moment, what
//! differs, what each came to, the tables side by side; the moment is the
//! step of the run on screen; a link that is not a comparison is said.

use super::*;
use faultline_sim::permalink::{encode, encode_compare, View};

fn pair(id: &str) -> (Scenario, Scenario) {
    let info = faultline_sim::lab("oauth").unwrap();
    let pair = info.comparison(id).unwrap();
    ((pair.a)(), (pair.b)())
}

fn summary(link: &str) -> String {
    let reply = crate::answer(&format!("5\ncompare\n{link}"));
    reply.strip_prefix("5\nok\n").expect(&reply).to_string()
}

/// The OAuth pair shows who Planner knows signed in, at the end of A.
#[test]
fn the_summary_shows_both_runs_at_one_moment() {
    let (a, b) = pair("authn-vs-authz");
    let html = summary(&encode_compare(&a, &b, u32::MAX, false, View::Normal));
    assert!(
        html.contains("A · Plain OAuth: access without identity"),
        "{html}"
    );
    assert!(html.contains("B · Happy path"), "{html}");
    assert!(
        html.contains("<th scope=\"row\">OpenID Connect (ID token)</th><td>off</td><td>on</td>"),
        "the setting that differs, named: {html}"
    );
    assert!(html.contains("nobody known: no ID token"), "A's session");
    assert!(
        html.contains("alice (the ID token&#39;s sub)")
            || html.contains("alice (the ID token&#x27;s sub)"),
        "{html}"
    );
    assert!(html.contains("(the same)"), "same seed");
    assert!(html.contains("✓ none so far"));
    assert!(html.contains("data-table=\"A · "), "a key table, A's side");
}

/// The moment is the step of the run on screen: A's step, or B's when B
/// is shown; the other run is shown where it is at that moment.
#[test]
fn the_moment_is_the_step_of_the_run_on_screen() {
    let (a, b) = pair("authn-vs-authz");
    let run_b = faultline_sim::simulate(&b).unwrap();
    let at = |html: &str| {
        let head = "<th scope=\"col\">At ";
        let from = html.find(head).unwrap() + head.len();
        html[from..html[from..].find(" ms").unwrap() + from].to_string()
    };
    let on_b = summary(&encode_compare(&a, &b, 5, true, View::Normal));
    assert_eq!(at(&on_b), run_b.steps[5].time.to_string());
    assert!(
        on_b.contains(&format!("step 5 of {}", run_b.steps.len() - 1)),
        "{on_b}"
    );
    let start = summary(&encode_compare(&a, &b, 0, false, View::Normal));
    assert_eq!(at(&start), "0");
    assert!(start.contains("Still running: it ends at"));
}

#[test]
fn a_link_that_is_not_a_comparison_is_said() {
    let (a, _) = pair("authn-vs-authz");
    let reply = crate::answer(&format!("6\ncompare\n{}", encode(&a, 3)));
    assert_eq!(reply, "6\nerr\nthis is not a link to a comparison");
    let reply = crate::answer("7\ncompare\nvs1.junk");
    assert!(reply.starts_with("7\nerr\n"), "{reply}");
}
