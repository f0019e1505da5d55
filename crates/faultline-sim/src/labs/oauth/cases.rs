//! Which runs break each OAuth invariant and which keep it
//! (`tests/invariant_cases.rs` runs them all; ARCHITECTURE.md has the table).

use super::id::ID;
use super::invariants::*;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::InvariantCase;
use crate::message::MsgClass;
use crate::scenario::Scenario;

fn p(id: &str) -> Scenario {
    crate::labs::preset_for_case(ID, id)
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
