//! The OAuth lab's invariants (DOMAIN.md §2), checked after every step.

use super::attacker::Attacker;
use super::auth_server::AuthServer;
use super::calendar::Calendar;
use crate::lab::{always, InvariantInfo};

pub const CODE_ONCE: &str = "code-once";
pub const SCOPE_WITHIN_CONSENT: &str = "scope-within-consent";
pub const API_ONLY_ACTIVE_TOKENS: &str = "api-only-active-tokens";
pub const TOKENS_ONLY_TO_PLANNER: &str = "tokens-only-to-planner";
pub const ONE_ACTIVE_REFRESH: &str = "one-active-refresh-token";
pub const REVOKED_REFUSED: &str = "revoked-token-refused";
pub const NO_PASSWORD_TO_CLIENT: &str = "client-never-sees-password";
pub const LOGIN_ONLY_WITH_OWN_PROOF: &str = "login-only-with-own-proof";
pub const SESSION_OWN_ACCOUNT: &str = "session-own-account";

pub fn list() -> Vec<InvariantInfo> {
    // A constant table copied out (no code per entry).
    const ALL: &[InvariantInfo] = &[
        InvariantInfo {
            id: CODE_ONCE,
            text: "An authorization code yields tokens at most once.",
            not_checked: always,
        },
        InvariantInfo {
            id: SCOPE_WITHIN_CONSENT,
            text: "The scope granted is within what Planner asked for and what the user allowed.",
            not_checked: always,
        },
        InvariantInfo {
            id: NO_PASSWORD_TO_CLIENT,
            text: "Planner never sees or stores Alice's password: she types it only into the authorization server's own page.",
            not_checked: always,
        },
        InvariantInfo {
            id: LOGIN_ONLY_WITH_OWN_PROOF,
            text: "Planner signs someone in only on proof issued to Planner: an ID token whose aud is planner, never an access token meant for another app.",
            not_checked: always,
        },
        InvariantInfo {
            id: SESSION_OWN_ACCOUNT,
            text: "Each Planner session holds its own user's tokens: never Alice's session tied to Mallory's account (login CSRF), nor Mallory's to Alice's (code injection).",
            not_checked: always,
        },
        InvariantInfo {
            id: TOKENS_ONLY_TO_PLANNER,
            text: "Alice's tokens go only to Planner, the app she allowed: never to an attacker holding her code.",
            not_checked: always,
        },
        InvariantInfo {
            id: API_ONLY_ACTIVE_TOKENS,
            text: "The calendar API answers 2xx only for an active token (issued, not revoked, not expired) whose audience is it and whose scope covers the call.",
            not_checked: always,
        },
        InvariantInfo {
            id: REVOKED_REFUSED,
            text: "Once a token is revoked, the calendar API refuses it (with JWTs checked locally, it cannot know until the token expires).",
            not_checked: always,
        },
        InvariantInfo {
            id: ONE_ACTIVE_REFRESH,
            text: "A token family has at most one active refresh token: each refresh uses up the one presented.",
            not_checked: always,
        },
    ];
    ALL.to_vec()
}

/// The server's codes: each exchanged at most once, within consent.
pub fn check_codes(auth: &AuthServer, out: &mut Vec<(&'static str, String)>) {
    for c in &auth.codes {
        if c.exchanges > 1 {
            out.push((
                CODE_ONCE,
                format!(
                    "Code {}… was exchanged for tokens {} times.",
                    &c.code[..6],
                    c.exchanges
                ),
            ));
        }
        let beyond: Vec<&str> = c
            .granted
            .split(' ')
            .filter(|s| !s.is_empty())
            .filter(|s| {
                !c.requested.split(' ').any(|r| r == *s) || !c.consented.split(' ').any(|r| r == *s)
            })
            .collect();
        if !beyond.is_empty() {
            out.push((
                SCOPE_WITHIN_CONSENT,
                format!(
                    "Code {}… grants {} beyond what was asked and allowed.",
                    &c.code[..6],
                    beyond.join(", ")
                ),
            ));
        }
    }
}

/// Planner never receives the user's password.
pub fn check_planner(p: &super::planner::Planner, out: &mut Vec<(&'static str, String)>) {
    if p.foreign_logins > 0 {
        out.push((
            LOGIN_ONLY_WITH_OWN_PROOF,
            "Planner signed someone in as alice on an access token issued to quizzly: token substitution.".into(),
        ));
    }
    if p.saw_password {
        out.push((
            NO_PASSWORD_TO_CLIENT,
            "Planner received Alice's password (the password grant): it can now do anything her account can, and keep doing it.".into(),
        ));
    }
}

/// Whose account the access token `value` is for (from the server's
/// records, so opaque tokens count too).
fn account<'a>(auth: &'a AuthServer, value: &str) -> Option<&'a str> {
    let t = auth
        .tokens
        .iter()
        .find(|t| !t.refresh && t.value == value)?;
    Some(auth.codes.iter().find(|c| c.serial == t.family)?.sub)
}

/// Alice's session (the browser's) holds Alice's tokens, Mallory's holds
/// Mallory's.
pub fn check_sessions(
    auth: &AuthServer,
    p: &super::planner::Planner,
    out: &mut Vec<(&'static str, String)>,
) {
    let sessions = [
        (p.tokens.as_ref(), super::msg::USERNAME, "Alice's"),
        (p.other.tokens.as_ref(), "mallory", "Mallory's"),
    ];
    for (tokens, owner, whose) in sessions {
        let Some(sub) = tokens.and_then(|t| account(auth, &t.access_token)) else {
            continue;
        };
        if sub != owner {
            out.push((
                SESSION_OWN_ACCOUNT,
                format!("{whose} Planner session holds tokens for {sub}'s account."),
            ));
            return;
        }
    }
}

/// Mallory never receives a token response.
pub fn check_attacker(m: &Attacker, out: &mut Vec<(&'static str, String)>) {
    if m.tokens_received > 0 {
        out.push((
            TOKENS_ONLY_TO_PLANNER,
            "Mallory holds Alice's tokens, issued for Planner (for a stolen code or refresh token, or read from a URL).".into(),
        ));
    }
}

/// At most one active refresh token per family (rotation).
pub fn check_refresh(auth: &AuthServer, now: u64, out: &mut Vec<(&'static str, String)>) {
    for c in &auth.codes {
        let active = auth
            .tokens
            .iter()
            .filter(|t| t.refresh && t.family == c.serial && t.active(now))
            .count();
        if active > 1 {
            out.push((
                ONE_ACTIVE_REFRESH,
                format!(
                    "Token family {} has {active} active refresh tokens: a refresh did not use up the old one.",
                    c.serial
                ),
            ));
            return;
        }
    }
}

/// Every successful API call was made with an active token that covers
/// it (`API_ONLY_ACTIVE_TOKENS`), and none with a token revoked before
/// the call (`REVOKED_REFUSED`, reported on its own: the JWT window).
pub fn check_api(
    auth: &AuthServer,
    calendar: &Calendar,
    skip: impl Fn(&str) -> bool,
    out: &mut Vec<(&'static str, String)>,
) {
    let (mut general, mut revoked) = (skip(API_ONLY_ACTIVE_TOKENS), skip(REVOKED_REFUSED));
    for s in calendar
        .served
        .iter()
        .filter(|s| (200..300).contains(&s.status))
    {
        let token = auth
            .tokens
            .iter()
            .find(|t| !t.refresh && t.value == s.token);
        let need = if s.write {
            "calendar.write"
        } else {
            "calendar.read"
        };
        let was_revoked = token.is_some_and(|t| s.checked_at >= t.revoked_at);
        let problem = match token {
            None => Some("a token the server never issued".to_string()),
            Some(_) if was_revoked => Some("a token the server had revoked".to_string()),
            Some(t) if s.at >= t.expires_at => Some("an expired token".to_string()),
            Some(t) if !t.scope.split(' ').any(|x| x == need) => {
                Some(format!("a token without {need}"))
            }
            Some(_) => None,
        };
        // The JWT window first: it is the lesson the learner should see.
        if !revoked && was_revoked {
            revoked = true;
            out.push((
                REVOKED_REFUSED,
                format!(
                    "The calendar API answered call #{} with {} for a token revoked {} ms earlier: a JWT checked locally stays valid until it expires.",
                    s.n,
                    s.status,
                    s.at - token.map_or(s.at, |t| t.revoked_at)
                ),
            ));
        }
        if let (false, Some(p)) = (general, problem) {
            general = true;
            out.push((
                API_ONLY_ACTIVE_TOKENS,
                format!(
                    "The calendar API answered call #{} with {} for {p}.",
                    s.n, s.status
                ),
            ));
        }
        if general && revoked {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each check fed a state that breaks it, and the same state repaired.
    use super::*;
    use crate::lab::Lab;
    use crate::labs::oauth::auth_server::{CodeRecord, TokenRecord, CODE_MACHINE};
    use crate::labs::oauth::calendar::Served;
    use crate::labs::oauth::config::OAuthConfig;
    use crate::labs::oauth::msg::Tokens;
    use crate::labs::oauth::planner::Planner;
    use crate::labs::oauth::OAuthLab;
    use crate::machine::MachineState;
    use crate::scenario::Config;

    fn cfg() -> OAuthConfig {
        OAuthConfig::read(&OAuthLab::info(), &Config::new())
    }

    fn code(sub: &'static str, granted: &str, consented: &str) -> CodeRecord {
        CodeRecord {
            code: "code-0123456789".into(),
            sub,
            client: "planner",
            requested: "openid calendar.read calendar.write".into(),
            consented: consented.into(),
            granted: granted.into(),
            challenge: None,
            plain: false,
            redirect_uri: String::new(),
            nonce: None,
            issued_at: 0,
            auth_time: 0,
            machine: MachineState::new(&CODE_MACHINE),
            serial: 1,
            exchanges: 1,
        }
    }

    fn token(value: &str, refresh: bool) -> TokenRecord {
        TokenRecord {
            value: value.into(),
            refresh,
            family: 1,
            serial: 1,
            scope: "calendar.read".into(),
            expires_at: 60_000,
            revoked: false,
            revoked_at: u64::MAX,
            used: false,
        }
    }

    fn ids(out: &[(&'static str, String)]) -> Vec<&'static str> {
        out.iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn code_once_and_scope_fire_on_a_bad_code() {
        let mut auth = AuthServer::new(&cfg());
        auth.codes
            .push(code("alice", "calendar.read", "calendar.read"));
        let mut out = Vec::new();
        check_codes(&auth, &mut out);
        assert!(out.is_empty(), "{out:?}");
        auth.codes[0].exchanges = 2;
        auth.codes[0].granted = "calendar.read calendar.write".into();
        check_codes(&auth, &mut out);
        assert_eq!(ids(&out), vec![CODE_ONCE, SCOPE_WITHIN_CONSENT]);
    }

    #[test]
    fn one_active_refresh_fires_on_two_live_refresh_tokens() {
        let mut auth = AuthServer::new(&cfg());
        auth.codes
            .push(code("alice", "calendar.read", "calendar.read"));
        auth.tokens.push(token("r1", true));
        auth.tokens.push(token("r2", true));
        auth.tokens[0].used = true;
        let mut out = Vec::new();
        check_refresh(&auth, 1_000, &mut out);
        assert!(out.is_empty(), "{out:?}");
        auth.tokens[0].used = false;
        check_refresh(&auth, 1_000, &mut out);
        assert_eq!(ids(&out), vec![ONE_ACTIVE_REFRESH]);
    }

    #[test]
    fn a_session_holding_another_accounts_tokens_fires() {
        let mut auth = AuthServer::new(&cfg());
        auth.codes
            .push(code("mallory", "calendar.read", "calendar.read"));
        auth.tokens.push(token("a1", false));
        let mut p = Planner::new(&cfg());
        let tokens = Tokens {
            access_token: "a1".into(),
            expires_in_s: 60,
            refresh_token: String::new(),
            scope: String::new(),
            id_token: None,
        };
        let mut out = Vec::new();
        p.other.tokens = Some(tokens.clone());
        check_sessions(&auth, &p, &mut out);
        assert!(
            out.is_empty(),
            "Mallory's session, Mallory's tokens: {out:?}"
        );
        p.tokens = Some(tokens);
        check_sessions(&auth, &p, &mut out);
        assert_eq!(ids(&out), vec![SESSION_OWN_ACCOUNT]);
    }

    #[test]
    fn planner_and_attacker_checks_fire() {
        let mut p = Planner::new(&cfg());
        let mut out = Vec::new();
        check_planner(&p, &mut out);
        assert!(out.is_empty());
        p.saw_password = true;
        p.foreign_logins = 1;
        check_planner(&p, &mut out);
        assert_eq!(
            ids(&out),
            vec![LOGIN_ONLY_WITH_OWN_PROOF, NO_PASSWORD_TO_CLIENT]
        );
        let mut m = Attacker::new();
        let mut out = Vec::new();
        check_attacker(&m, &mut out);
        assert!(out.is_empty());
        m.tokens_received = 1;
        check_attacker(&m, &mut out);
        assert_eq!(ids(&out), vec![TOKENS_ONLY_TO_PLANNER]);
    }

    #[test]
    fn the_api_checks_fire_on_a_revoked_or_unknown_token() {
        let mut auth = AuthServer::new(&cfg());
        auth.codes
            .push(code("alice", "calendar.read", "calendar.read"));
        auth.tokens.push(token("a1", false));
        let mut cal = Calendar::new(&cfg());
        let served = |token: &str| Served {
            n: 1,
            token: token.into(),
            write: false,
            status: 200,
            at: 1_000,
            checked_at: 1_000,
        };
        cal.served.push(served("a1"));
        let mut out = Vec::new();
        check_api(&auth, &cal, |_| false, &mut out);
        assert!(out.is_empty(), "{out:?}");
        auth.tokens[0].revoked = true;
        auth.tokens[0].revoked_at = 500;
        check_api(&auth, &cal, |_| false, &mut out);
        assert_eq!(ids(&out), vec![REVOKED_REFUSED, API_ONLY_ACTIVE_TOKENS]);
        let mut out = Vec::new();
        cal.served[0] = served("never-issued");
        check_api(&auth, &cal, |_| false, &mut out);
        assert_eq!(ids(&out), vec![API_ONLY_ACTIVE_TOKENS]);
    }

    #[test]
    fn a_scope_planner_never_asked_for_is_beyond_consent() {
        let mut auth = AuthServer::new(&cfg());
        let mut c = code(
            "alice",
            "calendar.read calendar.write",
            "openid calendar.read calendar.write",
        );
        c.requested = "openid calendar.read".into();
        auth.codes.push(c);
        let mut out = Vec::new();
        check_codes(&auth, &mut out);
        assert_eq!(ids(&out), vec![SCOPE_WITHIN_CONSENT]);
        assert!(out[0].1.contains("grants calendar.write beyond"), "{out:?}");
    }

    #[test]
    fn a_session_is_judged_by_its_own_token() {
        let mut auth = AuthServer::new(&cfg());
        let mut mallorys = code("mallory", "calendar.read", "calendar.read");
        mallorys.serial = 2;
        auth.codes
            .extend([mallorys, code("alice", "calendar.read", "calendar.read")]);
        let mut m1 = token("m1", false);
        m1.family = 2;
        auth.tokens.extend([m1, token("a1", false)]);
        let tokens = |access: &str| Tokens {
            access_token: access.into(),
            expires_in_s: 60,
            refresh_token: String::new(),
            scope: String::new(),
            id_token: None,
        };
        let mut p = Planner::new(&cfg());
        p.tokens = Some(tokens("a1"));
        p.other.tokens = Some(tokens("m1"));
        let mut out = Vec::new();
        check_sessions(&auth, &p, &mut out);
        assert!(out.is_empty(), "each session holds its own: {out:?}");
    }

    fn api_problems(auth: &AuthServer, served: Vec<Served>) -> Vec<(&'static str, String)> {
        let mut cal = Calendar::new(&cfg());
        cal.served = served;
        let mut out = Vec::new();
        check_api(auth, &cal, |_| false, &mut out);
        out
    }

    fn call(n: u32, token: &str, write: bool, at: u64) -> Served {
        Served {
            n,
            token: token.into(),
            write,
            status: 200,
            at,
            checked_at: at,
        }
    }

    #[test]
    fn a_200_for_an_expired_token_breaks_the_api_check() {
        let mut auth = AuthServer::new(&cfg());
        auth.tokens.push(token("a1", false));
        let out = api_problems(&auth, vec![call(1, "a1", false, 59_999)]);
        assert!(out.is_empty(), "still active: {out:?}");
        let out = api_problems(&auth, vec![call(1, "a1", false, 60_000)]);
        assert_eq!(ids(&out), vec![API_ONLY_ACTIVE_TOKENS]);
        assert!(out[0].1.ends_with("for an expired token."), "{out:?}");
    }

    #[test]
    fn a_200_for_a_write_with_a_read_only_token_breaks_the_api_check() {
        let mut auth = AuthServer::new(&cfg());
        auth.tokens.push(token("a1", false));
        let out = api_problems(&auth, vec![call(1, "a1", true, 1_000)]);
        assert_eq!(ids(&out), vec![API_ONLY_ACTIVE_TOKENS]);
        assert!(
            out[0].1.ends_with("for a token without calendar.write."),
            "{out:?}"
        );
    }

    #[test]
    fn the_jwt_window_is_reported_after_another_api_problem() {
        let mut auth = AuthServer::new(&cfg());
        auth.tokens.push(token("a1", false));
        auth.tokens[0].revoked = true;
        auth.tokens[0].revoked_at = 500;
        let out = api_problems(
            &auth,
            vec![
                call(1, "never-issued", false, 400),
                call(2, "a1", false, 1_000),
            ],
        );
        assert_eq!(ids(&out), vec![API_ONLY_ACTIVE_TOKENS, REVOKED_REFUSED]);
        assert!(out[1].1.contains("call #2"), "{out:?}");
    }
}
