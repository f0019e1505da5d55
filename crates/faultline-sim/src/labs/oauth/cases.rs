//! Which runs break each OAuth invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::invariants::*;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::InvariantCase;
use crate::message::MsgClass;
use crate::scenario::Scenario;

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case::<super::OAuthLab>(id)
}

/// A bug armed in the authorization server at `at_ms`.
fn bug(s: Scenario, at_ms: u64, name: &str) -> Scenario {
    s.fault(Fault::lab(at_ms, "auth-server", name))
}

/// The code presented twice at once, to a server with the check-race bug.
pub fn code_race() -> Scenario {
    bug(p("code-replayed"), 0, "check-race")
}

/// Consent for reading only, to a server that ignores it.
pub fn consent_ignored() -> Scenario {
    bug(p("consent-read-only"), 0, "consent-ignored")
}

/// Planner's first refresh delivered twice, to a server with the
/// check-race bug (armed after the code exchange).
pub fn refresh_race() -> Scenario {
    bug(p("access-expires-refresh"), 5_000, "check-race").fault(Fault::Net {
        on: MsgMatch::next(5_000, Some(MsgClass::Request))
            .from("planner")
            .to("auth-server"),
        action: NetAction::Duplicate,
    })
}

/// Every case of this lab.
pub fn invariant_cases() -> Vec<InvariantCase> {
    use InvariantCase as C;
    vec![
        C::breaks(CODE_ONCE, "code sent twice, check-race bug", code_race),
        C::holds(CODE_ONCE, "code replayed, refused", || p("code-replayed")),
        C::breaks(
            SCOPE_WITHIN_CONSENT,
            "consent ignored by a bug",
            consent_ignored,
        ),
        C::holds(SCOPE_WITHIN_CONSENT, "read-only consent", || {
            p("consent-read-only")
        }),
        C::breaks(SESSION_OWN_ACCOUNT, "code injection", || {
            p("code-injection")
        }),
        C::breaks(SESSION_OWN_ACCOUNT, "login CSRF", || p("login-csrf")),
        C::holds(
            SESSION_OWN_ACCOUNT,
            "forged callback, state checked",
            || p("csrf-forged-callback"),
        ),
        C::breaks(NO_PASSWORD_TO_CLIENT, "password grant", || {
            p("password-grant")
        }),
        C::holds(NO_PASSWORD_TO_CLIENT, "happy path", || p("happy-path")),
        C::breaks(
            LOGIN_ONLY_WITH_OWN_PROOF,
            "access token taken as login",
            || p("token-substitution-access-token"),
        ),
        C::holds(LOGIN_ONLY_WITH_OWN_PROOF, "ID token checked", || {
            p("token-substitution-id-token")
        }),
        C::breaks(TOKENS_ONLY_TO_PLANNER, "stolen code, no PKCE", || {
            p("stolen-code-no-pkce")
        }),
        C::holds(TOKENS_ONLY_TO_PLANNER, "stolen code, PKCE", || {
            p("stolen-code-pkce")
        }),
        C::breaks(API_ONLY_ACTIVE_TOKENS, "revoked JWT still accepted", || {
            p("revoked-jwt-still-accepted")
        }),
        C::holds(
            API_ONLY_ACTIVE_TOKENS,
            "revoked opaque token introspected",
            || p("revoked-opaque-introspected"),
        ),
        C::breaks(REVOKED_REFUSED, "revoked JWT still accepted", || {
            p("revoked-jwt-still-accepted")
        }),
        C::holds(REVOKED_REFUSED, "revoked opaque token introspected", || {
            p("revoked-opaque-introspected")
        }),
        C::breaks(
            ONE_ACTIVE_REFRESH,
            "refresh sent twice, check-race bug",
            refresh_race,
        ),
        C::holds(ONE_ACTIVE_REFRESH, "refresh token replayed", || {
            p("refresh-token-replayed")
        }),
    ]
}

/// Every answer the OAuth lab gives, pinned: (server, the request it
/// answers, the server's last transition at that step ("" for none),
/// status, error code). The error code is the `error` of a JSON body, of a
/// redirect's query, or of a `WWW-Authenticate` challenge. The rows follow
/// DOMAIN.md §2: /authorize never redirects to an unknown client or
/// redirect URI (400 page) and otherwise sends errors back to the client;
/// /token answers 400 (invalid_grant, unauthorized_client,
/// unsupported_grant_type, invalid_scope), 401 invalid_client, 503 when
/// overloaded, 500 under the server-bug fault; /revoke and /introspect
/// answer 200; the calendar API answers RFC 6750's 401 (no error code
/// without credentials, invalid_token otherwise) and 403
/// insufficient_scope. Planner's own pages and Mallory's catcher are the
/// apps' answers to browsers. `tests/oauth_checks.rs` checks every answer
/// of many runs against it and that every row is reached.
pub const ANSWERS: &[(&str, &str, &str, u16, Option<&str>)] = &[
    // Mallory's page that catches a leaked callback.
    (
        "attacker",
        "GET https://planner.example.mallory.test/callback",
        "",
        200,
        None,
    ),
    (
        "attacker",
        "GET https://planner.example.mallory.test/callback",
        "catch_code",
        200,
        None,
    ),
    // The authorization endpoint: the login page, a code, or an error.
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        200,
        None,
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "redeem",
        200,
        None,
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        302,
        None,
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        302,
        Some("invalid_request"),
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        302,
        Some("invalid_scope"),
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        302,
        Some("unsupported_response_type"),
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        302,
        Some("server_error"),
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        302,
        Some("temporarily_unavailable"),
    ),
    (
        "auth-server",
        "GET https://auth.example/authorize",
        "",
        400,
        None,
    ),
    (
        "auth-server",
        "GET https://auth.example/jwks",
        "",
        200,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/login",
        "",
        200,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/consent",
        "",
        302,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/consent",
        "redeem",
        302,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/consent",
        "",
        302,
        Some("access_denied"),
    ),
    // The token endpoint.
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        200,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "redeem",
        200,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        400,
        Some("invalid_grant"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "refuse_verifier",
        400,
        Some("invalid_grant"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "replayed_revoke",
        400,
        Some("invalid_grant"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "refresh_reuse_revoke",
        400,
        Some("invalid_grant"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        400,
        Some("invalid_scope"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        400,
        Some("unauthorized_client"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        400,
        Some("unsupported_grant_type"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        401,
        Some("invalid_client"),
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        500,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/token",
        "",
        503,
        None,
    ),
    // Revocation (RFC 7009: 200 whatever the token) and introspection.
    (
        "auth-server",
        "POST https://auth.example/revoke",
        "",
        200,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/revoke",
        "user_revoke",
        200,
        None,
    ),
    (
        "auth-server",
        "POST https://auth.example/introspect",
        "",
        200,
        None,
    ),
    // The calendar API's credential is wrong (RFC 7662 §2.3).
    (
        "auth-server",
        "POST https://auth.example/introspect",
        "",
        401,
        Some("invalid_client"),
    ),
    // The calendar API (RFC 6750).
    ("calendar-api", "GET /v1/calendar/events", "ok", 200, None),
    (
        "calendar-api",
        "GET /v1/calendar/events",
        "no_token_401",
        401,
        None,
    ),
    (
        "calendar-api",
        "GET /v1/calendar/events",
        "invalid_token_401",
        401,
        Some("invalid_token"),
    ),
    (
        "calendar-api",
        "GET /v1/calendar/events",
        "inactive_401",
        401,
        Some("invalid_token"),
    ),
    (
        "calendar-api",
        "GET /v1/calendar/events",
        "introspection_timeout_503",
        503,
        None,
    ),
    (
        "calendar-api",
        "GET /v1/calendar/events",
        "introspection_refused_503",
        503,
        None,
    ),
    ("calendar-api", "POST /v1/calendar/events", "ok", 201, None),
    (
        "calendar-api",
        "POST /v1/calendar/events",
        "no_token_401",
        401,
        None,
    ),
    (
        "calendar-api",
        "POST /v1/calendar/events",
        "invalid_token_401",
        401,
        Some("invalid_token"),
    ),
    (
        "calendar-api",
        "POST /v1/calendar/events",
        "inactive_401",
        401,
        Some("invalid_token"),
    ),
    (
        "calendar-api",
        "POST /v1/calendar/events",
        "insufficient_scope_403",
        403,
        Some("insufficient_scope"),
    ),
    (
        "calendar-api",
        "POST /v1/calendar/events",
        "introspection_timeout_503",
        503,
        None,
    ),
    (
        "calendar-api",
        "POST /v1/calendar/events",
        "introspection_refused_503",
        503,
        None,
    ),
    // Planner's pages for Alice's browser.
    (
        "planner",
        "GET https://planner.example/connect",
        "start_login",
        302,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/connect",
        "",
        302,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/connect",
        "ask_password",
        200,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "tokens",
        200,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "implicit_token",
        200,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "",
        200,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "",
        400,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "access_denied",
        400,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "authorize_error",
        400,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "id_token_rejected",
        400,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "token_error",
        400,
        None,
    ),
    (
        "planner",
        "GET https://planner.example/callback",
        "token_timeout",
        400,
        None,
    ),
    (
        "planner",
        "POST https://planner.example/login",
        "tokens",
        200,
        None,
    ),
    (
        "planner",
        "POST https://planner.example/login",
        "",
        400,
        None,
    ),
    (
        "planner",
        "POST https://planner.example/login",
        "token_error",
        400,
        None,
    ),
    (
        "planner",
        "POST https://planner.example/login",
        "token_timeout",
        400,
        None,
    ),
    (
        "planner",
        "POST https://planner.example/login/token",
        "",
        200,
        None,
    ),
    (
        "planner",
        "POST https://planner.example/login/token",
        "",
        401,
        None,
    ),
];
