//! The OAuth lab: each preset shows
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
        access.payload.contains(r#""iat":1767225602"#),
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
    // The JWT window is what the banner shows first; the general rule
    // breaks with it.
    assert_eq!(r.first_violation().unwrap().invariant, REVOKED_REFUSED);
    assert!(broken(&r).contains(&API_ONLY_ACTIVE_TOKENS));
    let checked = run("code-replayed-introspection");
    assert_eq!(statuses(&checked), vec!["401", "401"]);
    assert!(checked.violations.is_empty(), "{:?}", checked.violations);
}

#[test]
fn introspection_with_a_wrong_secret_is_refused_and_the_api_fails_closed() {
    let r = run("introspection-bad-secret");
    // The first call's introspection does not authenticate: the server
    // says nothing about the token, the API refuses the call; the next
    // introspection, with the right secret, is answered.
    assert_eq!(statuses(&r), vec!["503", "201"]);
    let refused = message(&r, "401 invalid_client");
    assert_eq!(field(&refused, "error"), "invalid_client");
    assert!(!r.flights.iter().any(|f| f.label() == "200 active=false"));
    let asks: Vec<String> = r
        .flights
        .iter()
        .filter(|f| f.label() == "POST /introspect")
        .map(|f| {
            let m = f.message.get();
            let auth = m.headers.iter().find(|h| h.0 == "Authorization");
            auth.map(|h| h.1.clone()).unwrap_or_default()
        })
        .collect();
    assert_eq!(asks.len(), 2);
    assert_ne!(asks[0], asks[1], "the first carries the old secret");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let p = faultline_sim::lab("oauth")
        .unwrap()
        .preset("introspection-bad-secret")
        .unwrap()
        .explanation;
    for said in ["401 invalid_client", "503"] {
        assert!(p.contains(said), "{said}");
    }
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

// ---- Issue 9: refresh rotation, revocation, error responses, faults ----

use faultline_sim::labs::oauth::invariants::{
    ONE_ACTIVE_REFRESH, REVOKED_REFUSED, TOKENS_ONLY_TO_PLANNER,
};
use faultline_sim::message::Message;

/// Every message whose arrow label starts with `label`, in send order.
fn messages(r: &Run, label: &str) -> Vec<Message> {
    r.flights
        .iter()
        .filter(|f| f.label().starts_with(label))
        .map(|f| f.message.get().clone())
        .collect()
}

/// Labels of the messages sent to `to` (an actor name).
fn labels_to(r: &Run, to: &str) -> Vec<String> {
    r.flights
        .iter()
        .filter(|f| r.actors[f.to as usize].name == to)
        .map(|f| f.label())
        .collect()
}

fn table(r: &Run, title: &str) -> Vec<Vec<String>> {
    r.tables_at(r.steps.len() as u32 - 1)
        .into_iter()
        .find(|t| t.title == title)
        .map_or(Vec::new(), |t| t.rows)
}

fn broken(r: &Run) -> Vec<&str> {
    r.violations.iter().map(|v| v.invariant).collect()
}

/// A token endpoint error as RFC 6749 §5.2 wants it: 400, JSON with
/// `error`, no-store.
fn assert_token_error(m: &Message, error: &str) {
    assert_eq!(m.line, "HTTP/1.1 400 Bad Request");
    assert_eq!(m.header_value("Content-Type"), Some("application/json"));
    assert_eq!(m.header_value("Cache-Control"), Some("no-store"));
    assert_eq!(field(m, "error"), error);
}

#[test]
fn an_expired_access_token_is_refreshed_and_the_refresh_token_rotates() {
    let r = run("access-expires-refresh");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201", "200", "200"]);
    let asks = messages(&r, "POST /token refresh");
    assert_eq!(asks.len(), 2, "one refresh before each later sync");
    for a in &asks {
        assert_eq!(field(a, "grant_type"), "refresh_token");
    }
    // Each refresh presents the refresh token the previous answer gave.
    let answers = messages(&r, "200 tokens");
    assert_eq!(answers.len(), 3);
    for (ask, before) in asks.iter().zip(&answers) {
        assert_eq!(field(ask, "refresh_token"), field(before, "refresh_token"));
    }
    let refreshed: Vec<String> = answers.iter().map(|m| field(m, "refresh_token")).collect();
    assert!(refreshed[0] != refreshed[1] && refreshed[1] != refreshed[2]);
    for a in &answers[1..] {
        assert_eq!(a.header_value("Cache-Control"), Some("no-store"));
        assert!(!a.body.fields().iter().any(|(k, _)| k == "id_token"));
    }
    // The server's table: one family, the two old refresh tokens used up.
    let tokens = table(&r, "Tokens (families)");
    let refresh: Vec<&str> = tokens
        .iter()
        .filter(|row| row[1] == "refresh")
        .map(|row| row[4].as_str())
        .collect();
    assert_eq!(refresh, vec!["used (rotated)", "used (rotated)", "active"]);
    assert!(tokens.iter().all(|row| row[2] == "1"), "one family");
}

#[test]
fn a_replayed_refresh_token_revokes_the_whole_family() {
    let r = run("refresh-token-replayed");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert!(took(&r, "refresh_reuse_revoke"));
    let refused = messages(&r, "400 invalid_grant");
    assert_eq!(refused.len(), 2, "Mallory's replay, then Planner's refresh");
    for m in &refused {
        assert_token_error(m, "invalid_grant");
    }
    assert!(took(&r, "refresh_refused"), "Mallory is refused");
    assert_eq!(
        r.fired
            .iter()
            .filter(|t| t.transition.to == "signed_out")
            .count(),
        1,
        "Planner is signed out: Alice must sign in again"
    );
    let tokens = table(&r, "Tokens (families)");
    assert!(tokens.iter().all(|row| row[4] == "revoked"), "{tokens:?}");
}

#[test]
fn a_stolen_refresh_token_used_first_still_ends_in_a_revoked_family() {
    let r = run("refresh-token-stolen-first");
    assert_eq!(
        r.first_violation().unwrap().invariant,
        TOKENS_ONLY_TO_PLANNER
    );
    assert!(took(&r, "refresh_reuse_revoke"));
    // Planner's refresh with the token Mallory already used is refused.
    let planner = labels_to(&r, "planner");
    assert!(
        planner.iter().any(|l| l == "400 invalid_grant"),
        "{planner:?}"
    );
    // Mallory's fresh tokens die with the family.
    let mallory = labels_to(&r, "attacker");
    assert!(mallory.iter().any(|l| l == "200 tokens"));
    assert_eq!(
        mallory.last().map(String::as_str),
        Some("401 invalid_token")
    );
    assert!(!broken(&r).contains(&ONE_ACTIVE_REFRESH));
}

#[test]
fn revocation_is_200_and_only_introspection_makes_it_take_effect() {
    let r = run("revoked-jwt-still-accepted");
    let revoke = message(&r, "POST /revoke");
    assert_eq!(field(&revoke, "token_type_hint"), "refresh_token");
    assert_eq!(
        revoke.header_value("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(message(&r, "200 revoked").line, "HTTP/1.1 200 OK");
    // JWTs checked locally: Mallory's copy keeps working; the window is
    // its own named violation.
    assert!(broken(&r).contains(&REVOKED_REFUSED), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201", "200", "200", "200", "200"]);

    let r = run("revoked-opaque-introspected");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201", "200", "401", "401", "401"]);
    let access = field(&message(&r, "200 tokens"), "access_token");
    assert!(Jws::decode(&access).is_none(), "opaque, not a JWT");
    let inactive = message(&r, "200 active=false");
    assert_eq!(inactive.body.fields(), &[("active".into(), "false".into())]);
    let refused = message(&r, "401 invalid_token");
    assert_eq!(
        refused.header_value("WWW-Authenticate"),
        Some(r#"Bearer realm="calendar", error="invalid_token""#)
    );
}

#[test]
fn a_call_without_a_token_gets_401_with_a_challenge_and_no_error_code() {
    let r = run("no-token-401");
    assert_eq!(statuses(&r), vec!["401", "201"]);
    let call = message(&r, "GET /v1/calendar/events (no token)");
    assert_eq!(call.header_value("Authorization"), None);
    let m = message(&r, "401");
    assert_eq!(m.line, "HTTP/1.1 401 Unauthorized");
    assert_eq!(
        m.header_value("WWW-Authenticate"),
        Some(r#"Bearer realm="calendar""#)
    );
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn insufficient_scope_is_403_naming_the_scope_needed() {
    let r = run("consent-read-only");
    let m = message(&r, "403");
    assert_eq!(m.line, "HTTP/1.1 403 Forbidden");
    assert_eq!(
        m.header_value("WWW-Authenticate"),
        Some(r#"Bearer realm="calendar", error="insufficient_scope", scope="calendar.write""#)
    );
    // The token response says which scope was granted.
    assert_eq!(
        field(&message(&r, "200 tokens"), "scope"),
        "openid calendar.read"
    );
}

#[test]
fn invalid_grant_for_a_replayed_expired_or_unproven_code() {
    // Replayed.
    let r = run("code-replayed");
    assert_token_error(&message(&r, "400 invalid_grant"), "invalid_grant");
    // Expired: the code lifetime setting (5 s) and a slow callback.
    let r = run("code-expired");
    assert!(took(&r, "expire"));
    assert_token_error(&message(&r, "400 invalid_grant"), "invalid_grant");
    assert!(statuses(&r).is_empty());
    // No verifier for a code bound to a challenge (PKCE, no downgrade).
    let r = run("stolen-code-pkce");
    let to_mallory = r
        .flights
        .iter()
        .find(|f| r.actors[f.to as usize].name == "attacker" && f.label().starts_with("400"))
        .expect("Mallory is refused");
    assert_token_error(&to_mallory.message.get(), "invalid_grant");
    // A verifier for a code issued without a challenge.
    let r = run("csrf-no-state-check");
    assert_token_error(&message(&r, "400 invalid_grant"), "invalid_grant");
}

#[test]
fn authorize_errors_go_back_to_the_client_with_the_state() {
    for (preset, error) in [
        ("pkce-required", "invalid_request"),
        ("auth-overloaded-authorize", "temporarily_unavailable"),
        ("consent-denied", "access_denied"),
    ] {
        let r = run(preset);
        let sent = message(&r, "302 → /authorize").location_query();
        let state = sent.iter().find(|(k, _)| k == "state").unwrap().clone();
        let back = message(&r, "302 → /callback?error");
        assert_eq!(back.line, "HTTP/1.1 302 Found", "{preset}");
        let q = back.location_query();
        assert!(
            q.contains(&("error".into(), error.into())),
            "{preset}: {q:?}"
        );
        assert!(q.contains(&state), "{preset}: the state comes back");
        assert!(
            back.header_value("Location")
                .unwrap()
                .starts_with("https://planner.example/callback?"),
            "{preset}"
        );
        assert!(took(
            &r,
            if error == "access_denied" {
                "access_denied"
            } else {
                "authorize_error"
            }
        ));
        assert!(statuses(&r).is_empty(), "{preset}");
    }
}

#[test]
fn an_overloaded_token_endpoint_answers_503_without_an_oauth_error() {
    let r = run("auth-overloaded-token");
    let m = message(&r, "503");
    assert_eq!(m.line, "HTTP/1.1 503 Service Unavailable");
    assert_eq!(m.header_value("Retry-After"), Some("5"));
    assert_eq!(m.header_value("Cache-Control"), Some("no-store"));
    assert!(
        m.body.fields().is_empty(),
        "no error code at /token for this"
    );
    assert!(took(&r, "token_error"));
}

#[test]
fn a_down_server_is_timed_out_and_the_code_retried_once() {
    let r = run("auth-down-token");
    assert_eq!(messages(&r, "POST /token").len(), 2, "the retry");
    assert!(
        !labels_to(&r, "planner")
            .iter()
            .any(|l| l.contains("tokens") || l.starts_with("400")),
        "no answer at all"
    );
    assert!(took(&r, "retry_token_request") && took(&r, "token_timeout"));
}

#[test]
fn a_look_alike_redirect_uri_gets_an_error_page_not_a_redirect() {
    let r = run("lookalike-redirect-exact");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let link = message(&r, "link to /authorize");
    assert!(
        link.line.contains("planner.example.mallory.test"),
        "{}",
        link.line
    );
    let page = message(&r, "400 error page");
    assert_eq!(page.line, "HTTP/1.1 400 Bad Request");
    assert_eq!(page.header_value("Location"), None, "never redirect");
    assert_eq!(labels_to(&r, "attacker"), Vec::<String>::new());

    let r = run("lookalike-redirect-prefix");
    assert_eq!(
        r.first_violation().unwrap().invariant,
        TOKENS_ONLY_TO_PLANNER
    );
    let back = message(&r, "302 → look-alike");
    assert!(back
        .header_value("Location")
        .unwrap()
        .starts_with("https://planner.example.mallory.test/callback?code="));
    assert!(took(&r, "catch_code") && took(&r, "got_tokens"));
}

#[test]
fn plain_pkce_is_no_defence_when_the_request_leaks() {
    let r = run("stolen-code-pkce-plain");
    let authz = message(&r, "GET /authorize");
    assert!(
        authz.line.contains("code_challenge_method=plain"),
        "{}",
        authz.line
    );
    assert_eq!(
        r.first_violation().unwrap().invariant,
        TOKENS_ONLY_TO_PLANNER
    );
}

#[test]
fn plain_oauth_gives_access_but_no_identity() {
    let r = run("plain-oauth-no-oidc");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201"]);
    let authz = message(&r, "GET /authorize");
    assert!(!authz.line.contains("nonce="), "{}", authz.line);
    assert!(!authz.line.contains("openid"), "{}", authz.line);
    let tokens = message(&r, "200 tokens");
    assert!(!tokens.body.fields().iter().any(|(k, _)| k == "id_token"));
}

#[test]
fn no_preset_ever_has_two_active_refresh_tokens_in_a_family() {
    for p in OAuthLab::info().presets {
        let r = simulate_lab::<OAuthLab>(&(p.scenario)(), Detail::Full).unwrap();
        assert!(!broken(&r).contains(&ONE_ACTIVE_REFRESH), "{}", p.id);
    }
}

#[test]
fn the_password_grant_works_and_hands_planner_the_password() {
    use faultline_sim::labs::oauth::invariants::NO_PASSWORD_TO_CLIENT;
    let r = run("password-grant");
    assert_eq!(
        r.first_violation().unwrap().invariant,
        NO_PASSWORD_TO_CLIENT
    );
    assert_eq!(statuses(&r), vec!["200", "201"], "it works: the trap");
    let login = message(&r, "POST /login (password to Planner!)");
    assert_eq!(
        field(&login, "password"),
        faultline_sim::labs::oauth::msg::PASSWORD
    );
    assert!(login.line.contains("https://planner.example/login"));
    // The confidential client authenticates with HTTP Basic (RFC 6749
    // §2.3.1) using the secret the server registered for it.
    let secret = field(&message(&r, "client registered"), "client_secret");
    let ask = message(&r, "POST /token grant_type=password");
    assert_eq!(field(&ask, "grant_type"), "password");
    assert_eq!(
        ask.header_value("Authorization"),
        Some(format!(
            "Basic {}",
            faultline_sim::labs::oauth::msg::basic("planner", &secret)
        ))
        .as_deref()
    );
    assert!(!labels(&r).iter().any(|l| l.starts_with("GET /authorize")));

    let r = run("password-grant-public-client");
    assert_eq!(
        r.first_violation().unwrap().invariant,
        NO_PASSWORD_TO_CLIENT
    );
    assert_token_error(
        &message(&r, "400 unauthorized_client"),
        "unauthorized_client",
    );
    assert!(statuses(&r).is_empty());
}

#[test]
fn the_code_flow_never_shows_planner_the_password() {
    for p in OAuthLab::info().presets {
        let r = simulate_lab::<OAuthLab>(&(p.scenario)(), Detail::Full).unwrap();
        let password_grant = p.id.starts_with("password-grant");
        assert_eq!(
            broken(&r).contains(&"client-never-sees-password"),
            password_grant,
            "{}",
            p.id
        );
    }
}

#[test]
fn a_confidential_client_authenticates_and_gets_an_hs256_id_token() {
    let r = run("confidential-client");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201"]);
    let secret = field(&message(&r, "client registered"), "client_secret");
    let ask = message(&r, "POST /token");
    assert_eq!(
        ask.header_value("Authorization"),
        Some(
            format!(
                "Basic {}",
                faultline_sim::labs::oauth::msg::basic("planner", &secret)
            )
            .as_str()
        )
    );
    assert!(!ask.body.fields().iter().any(|(k, _)| k == "client_id"));
    let id = field(&message(&r, "200 tokens"), "id_token");
    assert!(Jws::decode(&id)
        .unwrap()
        .header
        .contains(r#""alg":"HS256""#));
    assert_eq!(
        faultline_sim::jose::verify_hs256(&id, secret.as_bytes()),
        Ok(())
    );
    // The access token, for the calendar API, stays ES256 with the JWKS.
    let access = field(&message(&r, "200 tokens"), "access_token");
    assert!(Jws::decode(&access)
        .unwrap()
        .header
        .contains(r#""alg":"ES256""#));
}

#[test]
fn a_stolen_code_needs_the_confidential_clients_secret() {
    let r = run("stolen-code-confidential");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let refused = r
        .flights
        .iter()
        .find(|f| r.actors[f.to as usize].name == "attacker" && f.label() == "401 invalid_client")
        .expect("Mallory gets 401 invalid_client");
    let m = refused.message.get();
    assert_eq!(m.line, "HTTP/1.1 401 Unauthorized");
    assert_eq!(
        m.header_value("WWW-Authenticate"),
        Some(r#"Basic realm="auth.example""#)
    );
    assert_eq!(m.header_value("Cache-Control"), Some("no-store"));
    assert_eq!(field(&m, "error"), "invalid_client");
    assert_eq!(
        statuses(&r),
        vec!["200", "201"],
        "Planner's own exchange works"
    );
}

#[test]
fn an_access_token_as_login_lets_mallory_in_and_an_id_token_does_not() {
    use faultline_sim::labs::oauth::invariants::LOGIN_ONLY_WITH_OWN_PROOF;
    let r = run("token-substitution-access-token");
    assert_eq!(
        r.first_violation().unwrap().invariant,
        LOGIN_ONLY_WITH_OWN_PROOF
    );
    let quizzly = message(&r, "200 tokens for quizzly");
    let access = Jws::decode(&field(&quizzly, "access_token")).unwrap();
    assert!(
        access.payload.contains(r#""client_id":"quizzly""#),
        "{}",
        access.payload
    );
    let id = Jws::decode(&field(&quizzly, "id_token")).unwrap();
    assert!(id.payload.contains(r#""aud":"quizzly""#), "{}", id.payload);
    assert_eq!(
        message(&r, "200 signed in as alice").line,
        "HTTP/1.1 200 OK"
    );

    let r = run("token-substitution-id-token");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(
        message(&r, "401 login refused").line,
        "HTTP/1.1 401 Unauthorized"
    );
    assert!(took(&r, "login_refused"));
}

#[test]
fn the_implicit_grant_puts_the_token_in_the_url_and_the_history_leaks_it() {
    let r = run("implicit-grant");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(statuses(&r), vec!["200", "201"]);
    let authz = message(&r, "GET /authorize");
    assert!(authz.line.contains("response_type=token"), "{}", authz.line);
    assert!(!authz.line.contains("code_challenge"), "{}", authz.line);
    let back = message(&r, "302 → /callback#access_token");
    let location = back.header_value("Location").unwrap();
    assert!(
        location.starts_with("https://planner.example/callback#access_token="),
        "{location}"
    );
    assert!(location.contains("&token_type=Bearer&"), "{location}");
    assert!(
        !labels(&r).iter().any(|l| l.starts_with("POST /token")),
        "no token endpoint"
    );
    let tokens = table(&r, "Tokens (families)");
    assert!(
        tokens.iter().all(|row| row[1] == "access"),
        "no refresh token: {tokens:?}"
    );

    let r = run("implicit-token-in-history");
    assert_eq!(
        r.first_violation().unwrap().invariant,
        TOKENS_ONLY_TO_PLANNER
    );
    assert!(
        labels_to(&r, "attacker").iter().any(|l| l == "200 OK"),
        "Mallory reads the calendar"
    );
}

#[test]
fn the_interview_question_points_at_presets_that_show_it() {
    let info = OAuthLab::info();
    let i = info.interviews.first().expect("an interview question");
    let answer = run(i.answer_preset);
    assert!(answer.violations.is_empty(), "{:?}", answer.violations);
    let mistake = run(i.mistake_preset);
    assert!(!mistake.violations.is_empty(), "the mistake goes wrong");
}

/// The happy path (or another preset) with a lab fault armed at `at_ms`.
fn with_fault(preset: &str, at_ms: u64, actor: &str, name: &str, confidential: bool) -> Run {
    let p = OAuthLab::info()
        .presets
        .into_iter()
        .find(|p| p.id == preset)
        .expect("preset exists");
    let mut s = (p.scenario)();
    if confidential {
        s.config.insert(
            "client_type".into(),
            faultline_sim::scenario::ConfigValue::Choice("confidential".into()),
        );
    }
    s.faults
        .push(faultline_sim::fault::Fault::lab(at_ms, actor, name));
    simulate_lab::<OAuthLab>(&s, Detail::Full).expect("valid")
}

#[test]
fn an_unknown_client_id_gets_an_error_page_and_no_redirect() {
    let r = with_fault("happy-path", 0, "planner", "bad-client-id", false);
    let sent = message(&r, "302 → /authorize");
    assert!(sent
        .header_value("Location")
        .unwrap()
        .contains("client_id=planer&"));
    let page = message(&r, "400 error page");
    assert_eq!(page.line, "HTTP/1.1 400 Bad Request");
    assert!(page.header_value("Location").is_none(), "never a redirect");
    assert!(format!("{:?}", page.body).contains("unknown client_id"));
    assert!(labels_to(&r, "planner")
        .iter()
        .all(|l| !l.starts_with("GET /callback")));
    assert!(table(&r, "Authorization codes").is_empty());
}

#[test]
fn authorize_request_mistakes_come_back_with_their_error_and_the_state() {
    for (fault, error, in_url) in [
        (
            "bad-scope",
            "invalid_scope",
            "scope=openid+calendar.read+calendar.write+calendar.admin",
        ),
        (
            "bad-response-type",
            "unsupported_response_type",
            "response_type=code+id_token",
        ),
        ("server-bug", "server_error", "response_type=code&"),
    ] {
        let actor = if fault == "server-bug" {
            "auth-server"
        } else {
            "planner"
        };
        let r = with_fault("happy-path", 0, actor, fault, false);
        let sent = message(&r, "302 → /authorize");
        assert!(
            sent.header_value("Location").unwrap().contains(in_url),
            "{fault}: {:?}",
            sent.header_value("Location")
        );
        let state = sent
            .location_query()
            .into_iter()
            .find(|(k, _)| k == "state")
            .unwrap();
        let back = message(&r, "302 → /callback?error").location_query();
        assert!(
            back.contains(&("error".into(), error.into())),
            "{fault}: {back:?}"
        );
        assert!(back.contains(&state), "{fault}: the state comes back");
        assert!(took(&r, "authorize_error"), "{fault}");
        assert!(
            table(&r, "Authorization codes").is_empty(),
            "{fault}: no code"
        );
        assert!(broken(&r).is_empty(), "{fault}");
    }
}

#[test]
fn token_request_mistakes_get_their_error_codes() {
    // A typo in grant_type: 400 unsupported_grant_type.
    let r = with_fault("happy-path", 0, "planner", "bad-grant-type", false);
    let sent = message(&r, "POST /token");
    assert_eq!(field(&sent, "grant_type"), "authorization-code");
    assert_token_error(
        &message(&r, "400 unsupported_grant_type"),
        "unsupported_grant_type",
    );
    assert!(took(&r, "token_error") && statuses(&r).is_empty());

    // A wrong secret, from a confidential client or from a public one that
    // has none: 401 invalid_client with a Basic challenge.
    for confidential in [true, false] {
        let r = with_fault("happy-path", 0, "planner", "bad-secret", confidential);
        let sent = message(&r, "POST /token");
        assert!(sent
            .header_value("Authorization")
            .unwrap()
            .starts_with("Basic "));
        let m = message(&r, "401 invalid_client");
        assert_eq!(m.line, "HTTP/1.1 401 Unauthorized");
        assert_eq!(
            m.header_value("WWW-Authenticate"),
            Some("Basic realm=\"auth.example\"")
        );
        assert_eq!(m.header_value("Cache-Control"), Some("no-store"));
        assert_eq!(field(&m, "error"), "invalid_client");
    }

    // More scope on refresh than was granted: 400 invalid_scope.
    let r = with_fault(
        "access-expires-refresh",
        0,
        "planner",
        "bad-refresh-scope",
        false,
    );
    let refresh = messages(&r, "POST /token")
        .into_iter()
        .find(|m| {
            m.body
                .fields()
                .iter()
                .any(|(k, v)| k == "grant_type" && v == "refresh_token")
        })
        .expect("a refresh");
    assert!(field(&refresh, "scope").contains("calendar.admin"));
    assert_token_error(&message(&r, "400 invalid_scope"), "invalid_scope");
    assert!(took(&r, "refresh_refused"));

    // A server bug at /token: a plain 500, no OAuth error code (§5.2 has none).
    let r = with_fault("happy-path", 1_000, "auth-server", "server-bug", false);
    let m = message(&r, "500");
    assert_eq!(m.line, "HTTP/1.1 500 Internal Server Error");
    assert_eq!(m.header_value("Cache-Control"), Some("no-store"));
    assert!(m.body.fields().is_empty(), "no error field");
    assert!(took(&r, "token_error"));
}

#[test]
fn introspection_that_never_answers_fails_closed_with_503() {
    let p = OAuthLab::info()
        .presets
        .into_iter()
        .find(|p| p.id == "happy-path")
        .unwrap();
    let mut s = (p.scenario)();
    s.config.insert(
        "token_check".into(),
        faultline_sim::scenario::ConfigValue::Choice("introspect".into()),
    );
    let calm = simulate_lab::<OAuthLab>(&s, Detail::Full).unwrap();
    assert!(
        !took(&calm, "introspection_timeout_503"),
        "an answered introspection cancels its timer"
    );
    assert!(calm
        .timers
        .iter()
        .all(|t| t.label != "introspection times out" || t.fired_step.is_none()));
    // The server goes down just before Planner's first call.
    let first_call = calm
        .flights
        .iter()
        .find(|f| f.label().starts_with("GET /v1/calendar"))
        .unwrap()
        .sent_at;
    s.faults.push(faultline_sim::fault::Fault::lab(
        first_call - 1,
        "auth-server",
        "down",
    ));
    let r = simulate_lab::<OAuthLab>(&s, Detail::Full).unwrap();
    assert!(took(&r, "introspection_timeout_503"));
    let m = message(&r, "503");
    assert_eq!(m.line, "HTTP/1.1 503 Service Unavailable");
    assert_eq!(m.header_value("Retry-After"), Some("5"));
    assert_eq!(statuses(&r)[0], "503");
    assert!(broken(&r).is_empty(), "failing closed breaks nothing");
}

// ---- Issue 18: every lesson true ----

use faultline_sim::labs::oauth::calendar::check_access_jwt;
use faultline_sim::labs::oauth::invariants::{SCOPE_WITHIN_CONSENT, SESSION_OWN_ACCOUNT};
use faultline_sim::labs::oauth::planner::{check_id_token, IdKey};
use faultline_sim::scenario::{ConfigValue, Scenario};

fn scenario(id: &str) -> Scenario {
    (OAuthLab::info().preset(id).expect("preset exists").scenario)()
}

fn choice(s: Scenario, key: &str, v: &str) -> Scenario {
    s.with(key, ConfigValue::Choice(v.into()))
}

fn sim(s: &Scenario) -> Run {
    simulate_lab::<OAuthLab>(s, Detail::Full).expect("valid")
}

/// When the flight labelled `label` (the first one) arrived.
fn arrived(r: &Run, label: &str) -> u64 {
    r.flights
        .iter()
        .find(|f| f.label().starts_with(label))
        .unwrap_or_else(|| panic!("no flight {label}"))
        .arrives_at
}

/// Labels of the flights from `from` to `to`.
fn between(r: &Run, from: &str, to: &str) -> Vec<(String, Message)> {
    r.flights
        .iter()
        .filter(|f| r.actors[f.from as usize].name == from && r.actors[f.to as usize].name == to)
        .map(|f| (f.label(), f.message.get().clone()))
        .collect()
}

#[test]
fn a_client_secret_does_not_stop_code_injection_and_pkce_does() {
    // Confidential, no PKCE: Planner redeems Alice's code, with its own
    // secret, for Mallory's session.
    let r = run("code-injection");
    assert_eq!(r.first_violation().unwrap().invariant, SESSION_OWN_ACCOUNT);
    assert!(took(&r, "session_linked"), "Mallory's session is connected");
    let posts = messages(&r, "POST /token");
    assert_eq!(posts.len(), 2, "Mallory's session first, then Alice's");
    assert!(posts[0]
        .header_value("Authorization")
        .unwrap()
        .starts_with("Basic "));
    assert!(!posts[0].to_http().contains("code_verifier"));
    // Alice's own exchange is a replay of the same code: invalid_grant.
    assert!(took(&r, "replayed_revoke"));
    assert!(labels_to(&r, "planner")
        .iter()
        .any(|l| l == "400 invalid_grant"));
    assert!(statuses(&r).is_empty(), "Alice's Planner never connects");

    // With PKCE (S256, then plain) Planner sends the verifier of Mallory's
    // session, which is not the one Alice's code is bound to: refused, and
    // Alice's own exchange then works.
    for method in ["s256", "plain"] {
        let r = sim(&choice(scenario("code-injection"), "pkce", method));
        assert!(r.violations.is_empty(), "{method}: {:?}", r.violations);
        let wrong = &messages(&r, "POST /token")[0];
        assert!(wrong.to_http().contains("code_verifier="), "{method}");
        let refusal = between(&r, "auth-server", "planner")
            .into_iter()
            .find(|(l, _)| l == "400 invalid_grant")
            .unwrap_or_else(|| panic!("{method}: the wrong verifier is refused"));
        assert_token_error(&refusal.1, "invalid_grant");
        assert!(took(&r, "refuse_verifier"), "{method}");
        assert!(
            took(&r, "refused"),
            "{method}: Mallory's session stays empty"
        );
        assert_eq!(statuses(&r), vec!["200", "201"], "{method}");
    }

    // With OpenID Connect the ID token's nonce is Alice's login's, not
    // the one Mallory's session sent: Planner rejects it (RFC 9700 §2.1.1:
    // a confidential OIDC client MAY use the nonce instead of PKCE).
    let r = sim(&scenario("code-injection").with("oidc", ConfigValue::Bool(true)));
    assert!(
        !broken(&r).contains(&SESSION_OWN_ACCOUNT),
        "{:?}",
        r.violations
    );
    assert!(took(&r, "refused"));
    assert!(r.text.contains("its nonce is not the one this login sent"));
}

#[test]
fn without_state_or_pkce_alices_planner_is_tied_to_mallorys_account() {
    let r = run("login-csrf");
    assert_eq!(r.first_violation().unwrap().invariant, SESSION_OWN_ACCOUNT);
    assert!(!took(&r, "state_mismatch"));
    // The event Planner adds for Alice is accepted: in Mallory's calendar.
    assert_eq!(statuses(&r), vec!["200", "201"]);
    let codes = table(&r, "Authorization codes");
    assert!(
        codes
            .iter()
            .any(|row| row[1] == "mallory" && row[4] == "redeemed"),
        "{codes:?}"
    );
    // Checking state refuses the forged link.
    let r = sim(&scenario("login-csrf").with("check_state", ConfigValue::Bool(true)));
    assert!(took(&r, "state_mismatch"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

/// The happy path's ID token, JWKS and the time its response arrived.
fn happy_id_token() -> (String, EcJwk, u64, Run) {
    let r = run("happy-path");
    let id = field(&message(&r, "200 tokens"), "id_token");
    let keys = field(&message(&r, "200 JWKS"), "keys");
    let jwk = EcJwk::from_json(keys.trim_start_matches('[').trim_end_matches(']')).unwrap();
    let at = arrived(&r, "200 tokens");
    (id, jwk, at, r)
}

#[test]
fn planner_refuses_a_tampered_id_token() {
    let (id, jwk, at, r) = happy_id_token();
    let authz = message(&r, "GET /authorize");
    let nonce = authz
        .line
        .split("nonce=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert_eq!(
        check_id_token(&id, IdKey::Jwk(&jwk), nonce, at),
        Ok("alice".into())
    );
    // Payload changed (sub mallory), signature kept.
    let parts: Vec<&str> = id.split('.').collect();
    let payload = Jws::decode(&id)
        .unwrap()
        .payload
        .replace("alice", "mallory");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        faultline_sim::jose::b64url(payload.as_bytes()),
        parts[2]
    );
    assert_eq!(
        check_id_token(&tampered, IdKey::Jwk(&jwk), nonce, at),
        Err("its signature does not verify")
    );
    assert!(check_id_token(&id, IdKey::Jwk(&jwk), "another-nonce", at).is_err());
    assert!(check_id_token(&id, IdKey::None, nonce, at).is_err());
}

#[test]
fn planner_checks_every_id_token_claim_as_parsed_json() {
    use faultline_sim::jose::{sign_hs256, unix_time};
    let secret = b"demo-secret";
    let now = 10_000;
    let (t, later, past) = (unix_time(now), unix_time(now + 60_000), unix_time(0) - 1);
    let token = |iss: &str, aud: &str, exp: u64, iat: u64, nonce: &str| {
        sign_hs256(
            secret,
            &format!(
                r#"{{"iss":"{iss}","sub":"alice","aud":{aud},"exp":{exp},"iat":{iat},"nonce":"{nonce}"}}"#
            ),
        )
    };
    let check = |tok: String| check_id_token(&tok, IdKey::Secret(secret), "n1", now);
    let iss = "https://auth.example";
    assert_eq!(
        check(token(iss, r#""planner""#, later, t, "n1")),
        Ok("alice".into())
    );
    assert_eq!(
        check(token(iss, r#"["quizzly","planner"]"#, later, t, "n1")),
        Ok("alice".into())
    );
    assert_eq!(
        check(token(
            "https://evil.example",
            r#""planner""#,
            later,
            t,
            "n1"
        )),
        Err("iss is not https://auth.example")
    );
    // A substring is not a match: "planner2" is another client.
    assert_eq!(
        check(token(iss, r#""planner2""#, later, t, "n1")),
        Err("aud is not planner: it was issued to another app")
    );
    assert_eq!(
        check(token(iss, r#""planner""#, past, 0, "n1")),
        Err("it has expired (exp)")
    );
    assert_eq!(
        check(token(iss, r#""planner""#, later, later, "n1")),
        Err("iat is missing or in the future")
    );
    assert_eq!(
        check(token(iss, r#""planner""#, later, t, "n2")),
        Err("its nonce is not the one this login sent")
    );
    assert!(check_id_token(
        &token(iss, r#""planner""#, later, t, "n1"),
        IdKey::Secret(b"x"),
        "n1",
        now
    )
    .is_err());
}

#[test]
fn auth_time_is_when_alice_signed_in() {
    let (id, _, _, r) = happy_id_token();
    let claims: serde_json::Value =
        serde_json::from_str(&Jws::decode(&id).unwrap().payload).unwrap();
    let login = arrived(&r, "POST /login");
    let code = arrived(&r, "POST /consent");
    assert!(faultline_sim::jose::unix_time(login) < faultline_sim::jose::unix_time(code));
    assert_eq!(
        claims["auth_time"].as_u64(),
        Some(faultline_sim::jose::unix_time(login))
    );
    assert!(claims["auth_time"].as_u64() < claims["iat"].as_u64());
}

#[test]
fn the_api_checks_typ_iss_and_aud_of_an_access_token() {
    use faultline_sim::jose::{unix_time, Es256Key};
    let (id, jwk, at, r) = happy_id_token();
    let access = field(&message(&r, "200 tokens"), "access_token");
    assert!(Jws::decode(&access)
        .unwrap()
        .header
        .contains(r#""typ":"at+jwt""#));
    assert_eq!(check_access_jwt(Some(&jwk), &access, true, at).0, "ok");
    // The ID token is signed with the same key but typed JWT, for planner.
    let (event, why) = check_access_jwt(Some(&jwk), &id, false, at);
    assert_eq!(event, "invalid_token_401");
    assert!(why.contains("typ"), "{why}");
    // Tokens from a key of our own: another audience, another issuer.
    let key = Es256Key::from_random([7, 8, 9, 10], "key-1").unwrap();
    let jwk = key.jwk();
    let exp = unix_time(at + 60_000);
    let claims = |iss: &str, aud: &str| {
        format!(
            r#"{{"iss":"{iss}","sub":"alice","aud":"{aud}","scope":"calendar.read","exp":{exp}}}"#
        )
    };
    let ok = key.sign_typed(
        "at+jwt",
        &claims("https://auth.example", "https://calendar.example"),
    );
    assert_eq!(check_access_jwt(Some(&jwk), &ok, false, at).0, "ok");
    let other = key.sign_typed(
        "at+jwt",
        &claims("https://auth.example", "https://mail.example"),
    );
    let (event, why) = check_access_jwt(Some(&jwk), &other, false, at);
    assert_eq!(event, "invalid_token_401");
    assert!(why.contains("another audience"), "{why}");
    let iss = key.sign_typed(
        "at+jwt",
        &claims("https://evil.example", "https://calendar.example"),
    );
    assert!(check_access_jwt(Some(&jwk), &iss, false, at)
        .1
        .starts_with("iss"));
    let untyped = key.sign(&claims("https://auth.example", "https://calendar.example"));
    assert_eq!(
        check_access_jwt(Some(&jwk), &untyped, false, at).0,
        "invalid_token_401"
    );
}

#[test]
fn introspection_and_a_confidential_revocation_authenticate_on_the_wire() {
    let r = run("revoked-opaque-introspected");
    for m in messages(&r, "POST /introspect") {
        let basic = m
            .header_value("Authorization")
            .expect("the API authenticates");
        assert!(basic.starts_with("Basic "), "{basic}");
    }
    // A public client names itself at /revoke; a confidential one
    // authenticates with HTTP Basic (RFC 7009 §2.1).
    let revoke = message(&r, "POST /revoke");
    assert_eq!(field(&revoke, "client_id"), "planner");
    assert!(revoke.header_value("Authorization").is_none());
    let r = with_fault("happy-path", 5_000, "planner", "disconnect", true);
    let revoke = message(&r, "POST /revoke");
    assert!(revoke
        .header_value("Authorization")
        .unwrap()
        .starts_with("Basic "));
    assert!(!revoke.to_http().contains("client_id="));
    assert!(labels_to(&r, "planner").iter().any(|l| l == "200 revoked"));
}

#[test]
fn revoked_but_still_working_jwts_are_what_the_explanations_say() {
    // Mallory's tokens are revoked when Planner replays the code, and her
    // JWT keeps answering 200 until it expires (60 s: every read here).
    for id in ["stolen-code-no-pkce", "stolen-code-pkce-plain"] {
        let r = run(id);
        assert!(took(&r, "replayed_revoke"), "{id}");
        let revoked_at = arrived(&r, "400 invalid_grant");
        let late: Vec<String> = r
            .flights
            .iter()
            .filter(|f| r.actors[f.to as usize].name == "attacker" && f.sent_at > revoked_at)
            .map(|f| f.label())
            .filter(|l| l.starts_with("200") || l.starts_with("401"))
            .collect();
        assert!(
            !late.is_empty() && late.iter().all(|l| l == "200 OK"),
            "{id}: {late:?}"
        );
    }
    // After the family is revoked, Mallory's fresh JWT answers 200, then
    // 401 once it expires.
    let r = run("refresh-token-stolen-first");
    let revoked_at = arrived(&r, "400 invalid_grant");
    let late: Vec<String> = r
        .flights
        .iter()
        .filter(|f| r.actors[f.to as usize].name == "attacker" && f.sent_at > revoked_at)
        .map(|f| f.label())
        .collect();
    assert!(late.contains(&"200 OK".to_string()), "{late:?}");
    assert_eq!(late.last().map(String::as_str), Some("401 invalid_token"));
}

#[test]
fn server_bugs_break_code_once_scope_and_rotation() {
    use faultline_sim::labs::oauth::cases;
    use faultline_sim::labs::oauth::invariants::{CODE_ONCE, ONE_ACTIVE_REFRESH};
    let r = sim(&cases::code_race());
    assert!(broken(&r).contains(&CODE_ONCE), "{:?}", r.violations);
    let r = sim(&cases::consent_ignored());
    assert!(
        broken(&r).contains(&SCOPE_WITHIN_CONSENT),
        "{:?}",
        r.violations
    );
    assert!(
        statuses(&r).contains(&"201".to_string()),
        "the write goes through"
    );
    let r = sim(&cases::refresh_race());
    assert!(
        broken(&r).contains(&ONE_ACTIVE_REFRESH),
        "{:?}",
        r.violations
    );
}
