//! Which runs break each OAuth invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::invariants::*;
use super::ID;
use crate::lab::InvariantCase;
use crate::scenario::Scenario;

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case(ID, id)
}

/// Every case of this lab.
pub fn invariant_cases() -> Vec<InvariantCase> {
    use InvariantCase as C;
    vec![
        C::holds(CODE_ONCE, "code replayed, refused", || p("code-replayed")),
        C::holds(SCOPE_WITHIN_CONSENT, "read-only consent", || {
            p("consent-read-only")
        }),
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
        C::holds(ONE_ACTIVE_REFRESH, "refresh token replayed", || {
            p("refresh-token-replayed")
        }),
    ]
}
