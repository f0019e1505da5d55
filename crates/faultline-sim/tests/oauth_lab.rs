//! The OAuth lab (work in progress, not yet registered): each preset shows
//! what its explanation promises, with real tokens a JWT library accepts.

use faultline_sim::engine::{simulate_lab, Detail};
use faultline_sim::jose::{verify_es256, EcJwk};
use faultline_sim::lab::Lab;
use faultline_sim::labs::oauth::invariants::API_ONLY_ACTIVE_TOKENS;
use faultline_sim::labs::oauth::OAuthLab;
use faultline_sim::message::Jws;
use faultline_sim::Run;

fn run(id: &str) -> Run {
    let p = OAuthLab::info()
        .presets
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    simulate_lab::<OAuthLab>(&(p.scenario)(), Detail::Full).expect("preset is valid")
}

fn statuses(r: &Run) -> Vec<String> {
    let last = r.tables_at(r.steps.len() as u32 - 1);
    last.into_iter()
        .find(|t| t.title == "Calendar API calls")
        .map_or(Vec::new(), |t| {
            t.rows.iter().map(|row| row[3].clone()).collect()
        })
}

/// The message of the first flight whose label starts with `label`.
fn message(r: &Run, label: &str) -> faultline_sim::message::Message {
    r.flights
        .iter()
        .find(|f| f.label().starts_with(label))
        .unwrap_or_else(|| panic!("no flight {label}"))
        .message
        .get()
        .clone()
}

fn field(m: &faultline_sim::message::Message, name: &str) -> String {
    m.body
        .fields()
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[test]
fn happy_path_reads_and_writes_with_real_tokens() {
    let r = run("happy-path");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201"]);
    assert!(r.undefined_transitions.is_empty());
    // The authorization request carries the PKCE challenge of the verifier
    // the token request later proves, and the state comes back unchanged.
    let authz = message(&r, "GET /authorize");
    let line = &authz.line;
    assert!(line.contains("code_challenge_method=S256"), "{line}");
    let challenge = line
        .split("code_challenge=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let token_req = message(&r, "POST /token");
    let verifier = field(&token_req, "code_verifier");
    assert_eq!(
        faultline_sim::jose::code_challenge_s256(&verifier),
        challenge
    );
    let back = message(&r, "302 → /callback");
    let sent_state = line
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(back
        .location_query()
        .contains(&("state".into(), sent_state.into())));
    // The tokens are ES256 JWS that verify with the published key; the ID
    // token is for Planner, the access token for the calendar API.
    let jwks = field(&message(&r, "200 JWKS"), "keys");
    let jwk = EcJwk::from_json(jwks.trim_start_matches('[').trim_end_matches(']')).unwrap();
    let tokens = message(&r, "200 tokens");
    let (access, id) = (field(&tokens, "access_token"), field(&tokens, "id_token"));
    assert_eq!(verify_es256(&access, &jwk), Ok(()));
    assert_eq!(verify_es256(&id, &jwk), Ok(()));
    let (access, id) = (Jws::decode(&access).unwrap(), Jws::decode(&id).unwrap());
    assert!(
        access
            .payload
            .contains(r#""aud":"https://calendar.example""#),
        "{}",
        access.payload
    );
    assert!(id.payload.contains(r#""aud":"planner""#), "{}", id.payload);
    // Times come from virtual time plus the 2026-01-01 epoch.
    assert!(
        access.payload.contains(r#""iat":1767225603"#),
        "{}",
        access.payload
    );
    assert_eq!(tokens.header_value("Cache-Control"), Some("no-store"));
    // The password goes to the authorization server only.
    for f in &r.flights {
        let text = f.message.get().to_http();
        if text.contains(faultline_sim::labs::oauth::msg::PASSWORD) {
            assert_eq!(r.actors[f.to as usize].name, "auth-server", "{}", f.label());
        }
    }
}

#[test]
fn partial_consent_gets_403_on_write() {
    let r = run("consent-read-only");
    assert_eq!(statuses(&r), vec!["200", "403"]);
    let refused = message(&r, "403");
    assert!(refused
        .header_value("WWW-Authenticate")
        .unwrap()
        .contains("error=\"insufficient_scope\""));
    assert!(r.violations.is_empty());
}

#[test]
fn denied_consent_gives_no_code() {
    let r = run("consent-denied");
    let back = message(&r, "302 → /callback");
    assert!(back
        .location_query()
        .contains(&("error".into(), "access_denied".into())));
    assert!(statuses(&r).is_empty());
    assert!(!r
        .flights
        .iter()
        .any(|f| f.label().starts_with("POST /token")));
}

#[test]
fn a_replayed_code_revokes_but_a_self_checked_jwt_still_works() {
    let r = run("code-replayed");
    assert!(r.flights.iter().any(|f| f.label() == "400 invalid_grant"));
    assert_eq!(
        statuses(&r),
        vec!["200", "201"],
        "the revoked JWT is still accepted"
    );
    assert_eq!(
        r.first_violation().unwrap().invariant,
        API_ONLY_ACTIVE_TOKENS
    );
    let checked = run("code-replayed-introspection");
    assert_eq!(statuses(&checked), vec!["401", "401"]);
    assert!(checked.violations.is_empty(), "{:?}", checked.violations);
}

#[test]
fn a_lost_token_response_cannot_be_retried() {
    let r = run("token-response-lost");
    let token_requests = r
        .flights
        .iter()
        .filter(|f| f.label().starts_with("POST /token"))
        .count();
    assert_eq!(token_requests, 2, "the retry with the same code");
    assert!(r.flights.iter().any(|f| f.label() == "400 invalid_grant"));
    assert!(statuses(&r).is_empty(), "Planner never got a token");
}

#[test]
fn every_preset_is_deterministic_and_quiet() {
    for p in OAuthLab::info().presets {
        let s = (p.scenario)();
        let a = simulate_lab::<OAuthLab>(&s, Detail::Full).unwrap();
        let b = simulate_lab::<OAuthLab>(&s, Detail::Full).unwrap();
        assert_eq!(a.to_json(), b.to_json(), "{}", p.id);
        assert_eq!(a.end, faultline_sim::trace::End::Quiet, "{}", p.id);
        assert!(a.undefined_transitions.is_empty(), "{}", p.id);
    }
}

fn labels(r: &Run) -> Vec<String> {
    r.flights.iter().map(|f| f.label()).collect()
}

fn took(r: &Run, event: &str) -> bool {
    r.fired.iter().any(|t| t.transition.event == event)
}

#[test]
fn pkce_stops_a_stolen_code_and_its_absence_does_not() {
    let r = run("stolen-code-pkce");
    assert!(took(&r, "refuse_verifier"), "the server refuses Mallory");
    assert!(took(&r, "refused"), "Mallory is foiled");
    assert_eq!(statuses(&r), vec!["200", "201"], "Planner works");
    assert!(r.violations.is_empty(), "{:?}", r.violations);

    let r = run("stolen-code-no-pkce");
    let v = r.first_violation().unwrap();
    assert_eq!(
        v.invariant,
        faultline_sim::labs::oauth::invariants::TOKENS_ONLY_TO_PLANNER
    );
    assert!(took(&r, "read_calendar"), "Mallory reads the calendar");
    assert!(took(&r, "token_error"), "Planner's own exchange fails");
}

#[test]
fn state_refuses_a_forged_callback_and_pkce_backs_it_up() {
    let r = run("csrf-forged-callback");
    assert!(took(&r, "state_mismatch"));
    assert_eq!(
        statuses(&r),
        vec!["200", "201"],
        "Alice's real login completes"
    );
    assert!(r.violations.is_empty(), "{:?}", r.violations);

    let r = run("csrf-no-state-check");
    assert!(!took(&r, "state_mismatch"));
    assert!(
        took(&r, "refuse_verifier"),
        "the PKCE downgrade rule refuses Mallory's code"
    );
    assert!(labels(&r).iter().any(|l| l == "400 invalid_grant"));
    assert!(statuses(&r).is_empty(), "nobody reached the calendar");
}
