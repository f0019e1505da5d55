//! How each OAuth message looks on the wire and in the diagram: its class,
//! its arrow label and the parameters that matter at its step, here; its
//! raw HTTP form (302 Location queries and fragments, form posts, token
//! JSON with `Cache-Control: no-store`, Bearer and Basic credentials,
//! /revoke, /introspect) in `wire_http.rs`. Labels and wire forms are made
//! one group of messages at a time (see `Group`). The messages themselves
//! are typed in `msg.rs`.

use super::msg::*;
use super::wire_http::{self, api_line, reason};
use crate::actor::LabMsg;
use crate::message::{Message, MsgClass};

/// The first characters of a long value, for arrow labels.
fn clip(s: &str) -> String {
    format!("{}…", s.chars().take(6).collect::<String>())
}

impl LabMsg for OAuthMsg {
    /// The parameter each step turns on: where the defence or the attack
    /// lives in the message.
    fn focus(&self) -> &'static [&'static str] {
        match self {
            OAuthMsg::ForOther(m) => m.focus(),
            OAuthMsg::RedirectToAuthorize(r)
            | OAuthMsg::Authorize(r)
            | OAuthMsg::LeakedAuthorize(r)
            | OAuthMsg::PhishingLink(r) => match (r.implicit, r.code_challenge.is_some()) {
                (true, _) => &["response_type", "state"],
                (false, true) => &["state", "code_challenge", "redirect_uri"],
                (false, false) => &["state", "redirect_uri"],
            },
            OAuthMsg::Login | OAuthMsg::PlannerLogin => &["password"],
            OAuthMsg::ConsentPage { .. } | OAuthMsg::Decide(_) => &["scope", "decision"],
            OAuthMsg::RedirectToClient(r)
            | OAuthMsg::RedirectElsewhere { result: r, .. }
            | OAuthMsg::Callback(r)
            | OAuthMsg::LookalikeCallback(r)
            | OAuthMsg::LeakedCallback(r)
            | OAuthMsg::ForgedLink(r) => match r {
                AuthzResult::Code { .. } => &["code", "state"],
                AuthzResult::Error { .. } => &["error", "state"],
                AuthzResult::Token { .. } => &["access_token", "state"],
            },
            OAuthMsg::AttackerCode { .. } => &["code", "state"],
            OAuthMsg::Jwks { .. } => &["keys"],
            OAuthMsg::TokenRequest { .. } => &["code", "code_verifier"],
            OAuthMsg::RefreshRequest { .. } => &["refresh_token"],
            OAuthMsg::PasswordTokenRequest { .. } => &["password", "scope"],
            OAuthMsg::TokenResponse(_) | OAuthMsg::QuizzlyTokens(_) => &["scope", "id_token"],
            OAuthMsg::TokenError { .. } => &["error"],
            OAuthMsg::Unavailable => &["Retry-After"],
            OAuthMsg::Revoke { .. } => &["token"],
            OAuthMsg::ApiCall { .. } => &["Authorization"],
            OAuthMsg::ApiResponse { .. } => &["WWW-Authenticate"],
            OAuthMsg::Introspect { .. } => &["Authorization", "token"],
            OAuthMsg::IntrospectRefused { .. } => &["error"],
            OAuthMsg::Introspection { .. } => &["active", "scope", "aud"],
            OAuthMsg::ClientSecret { .. } => &["client_secret"],
            OAuthMsg::TokenLogin { .. } => &["access_token", "id_token"],
            OAuthMsg::LeakedTokens { .. } => &["access_token", "refresh_token"],
            _ => &[],
        }
    }

    fn class(&self) -> MsgClass {
        match self {
            OAuthMsg::ForOther(m) => m.class(),
            OAuthMsg::Connect
            | OAuthMsg::Authorize(_)
            | OAuthMsg::Login
            | OAuthMsg::Decide(_)
            | OAuthMsg::Callback(_)
            | OAuthMsg::JwksRequest
            | OAuthMsg::TokenRequest { .. }
            | OAuthMsg::RefreshRequest { .. }
            | OAuthMsg::PlannerLogin
            | OAuthMsg::QuizzlyLogin
            | OAuthMsg::TokenLogin { .. }
            | OAuthMsg::PasswordTokenRequest { .. }
            | OAuthMsg::Revoke { .. }
            | OAuthMsg::LookalikeCallback(_)
            | OAuthMsg::ApiCall { .. }
            | OAuthMsg::Introspect { .. }
            | OAuthMsg::AttackerAuthorize => MsgClass::Request,
            OAuthMsg::LeakedCallback(_)
            | OAuthMsg::ForgedLink(_)
            | OAuthMsg::LeakedAuthorize(_)
            | OAuthMsg::LeakedTokens { .. }
            | OAuthMsg::ClientSecret { .. }
            | OAuthMsg::PhishingLink(_) => MsgClass::OneWay,
            _ => MsgClass::Response,
        }
    }

    fn label(&self) -> String {
        let m = self.on_the_wire();
        match group(m) {
            Group::Authorization => authorization_label(m),
            Group::TokenEndpoint => token_endpoint_label(m),
            Group::OtherEndpoints => other_endpoints_label(m),
            Group::CalendarApi => calendar_api_label(m),
            Group::PlannerSignIn => planner_sign_in_label(m),
            Group::Attacker => attacker_label(m),
        }
    }

    fn display(&self) -> Message {
        let m = self.on_the_wire();
        match group(m) {
            Group::Authorization => wire_http::authorization(m),
            Group::TokenEndpoint => wire_http::token_endpoint(m),
            Group::OtherEndpoints => wire_http::other_endpoints(m),
            Group::CalendarApi => wire_http::calendar_api(m),
            Group::PlannerSignIn => wire_http::planner_sign_in(m),
            Group::Attacker => wire_http::attacker(m),
        }
    }
}

impl OAuthMsg {
    /// The message as it travels: an answer for Planner's other visitor
    /// is, on the wire, just the inner answer.
    fn on_the_wire(&self) -> &OAuthMsg {
        match self {
            OAuthMsg::ForOther(m) => m.on_the_wire(),
            m => m,
        }
    }
}

/// The groups of messages whose labels and wire forms are made together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Group {
    /// The browser's front channel: /connect, /authorize, login, consent,
    /// the redirects back and the callback.
    Authorization,
    /// `POST /token` (code, refresh token or password) and its answers.
    TokenEndpoint,
    /// The authorization server's other endpoints: /jwks, /revoke,
    /// /introspect, and the client's registration.
    OtherEndpoints,
    /// Bearer calls to the calendar API and its answers.
    CalendarApi,
    /// Planner's own sign-in: its password form (password grant) and its
    /// "sign in with a token" endpoint.
    PlannerSignIn,
    /// What Mallory sees, sends and gets: leaks, her links, her own code,
    /// her look-alike host, Quizzly.
    Attacker,
}

/// The group a message belongs to (an answer for the other visitor: its
/// inner answer's).
fn group(m: &OAuthMsg) -> Group {
    match m {
        OAuthMsg::ForOther(m) => group(m),
        OAuthMsg::Connect
        | OAuthMsg::RedirectToAuthorize(_)
        | OAuthMsg::Authorize(_)
        | OAuthMsg::LoginPage
        | OAuthMsg::Login
        | OAuthMsg::ConsentPage { .. }
        | OAuthMsg::Decide(_)
        | OAuthMsg::RedirectToClient(_)
        | OAuthMsg::RedirectElsewhere { .. }
        | OAuthMsg::ErrorPage { .. }
        | OAuthMsg::Callback(_)
        | OAuthMsg::CallbackPage { .. } => Group::Authorization,
        OAuthMsg::TokenRequest { .. }
        | OAuthMsg::RefreshRequest { .. }
        | OAuthMsg::PasswordTokenRequest { .. }
        | OAuthMsg::TokenResponse(_)
        | OAuthMsg::TokenError { .. }
        | OAuthMsg::Unavailable => Group::TokenEndpoint,
        OAuthMsg::JwksRequest
        | OAuthMsg::Jwks { .. }
        | OAuthMsg::ClientSecret { .. }
        | OAuthMsg::Revoke { .. }
        | OAuthMsg::Revoked
        | OAuthMsg::Introspect { .. }
        | OAuthMsg::IntrospectRefused { .. }
        | OAuthMsg::Introspection { .. } => Group::OtherEndpoints,
        OAuthMsg::ApiCall { .. } | OAuthMsg::ApiResponse { .. } => Group::CalendarApi,
        OAuthMsg::PlannerLoginPage
        | OAuthMsg::PlannerLogin
        | OAuthMsg::TokenLogin { .. }
        | OAuthMsg::LoginResult { .. } => Group::PlannerSignIn,
        OAuthMsg::LeakedAuthorize(_)
        | OAuthMsg::LeakedCallback(_)
        | OAuthMsg::LeakedTokens { .. }
        | OAuthMsg::PhishingLink(_)
        | OAuthMsg::LookalikeCallback(_)
        | OAuthMsg::AttackerAuthorize
        | OAuthMsg::AttackerCode { .. }
        | OAuthMsg::ForgedLink(_)
        | OAuthMsg::QuizzlyLogin
        | OAuthMsg::QuizzlyTokens(_) => Group::Attacker,
    }
}

/// The arrow label of a front-channel message (`Group::Authorization`).
fn authorization_label(m: &OAuthMsg) -> String {
    match m {
        OAuthMsg::Connect => "GET /connect".into(),
        OAuthMsg::RedirectToAuthorize(_) => "302 → /authorize".into(),
        OAuthMsg::Authorize(r) => match &r.code_challenge {
            Some(_) => "GET /authorize (PKCE)".into(),
            None => "GET /authorize".into(),
        },
        OAuthMsg::LoginPage => "200 login form".into(),
        OAuthMsg::Login => "POST /login".into(),
        OAuthMsg::ConsentPage { .. } => "200 consent screen".into(),
        OAuthMsg::Decide(Decision::Allow { .. }) => "POST /consent allow".into(),
        OAuthMsg::Decide(Decision::Deny) => "POST /consent deny".into(),
        OAuthMsg::RedirectToClient(AuthzResult::Code { code, .. }) => {
            format!("302 → /callback?code={}", clip(code))
        }
        OAuthMsg::RedirectToClient(AuthzResult::Token { .. }) => {
            "302 → /callback#access_token=…".into()
        }
        OAuthMsg::Callback(AuthzResult::Token { .. }) => "page script reads #access_token".into(),
        OAuthMsg::RedirectToClient(AuthzResult::Error { error, .. }) => {
            format!("302 → /callback?error={error}")
        }
        OAuthMsg::RedirectElsewhere { .. } => "302 → look-alike /callback".into(),
        OAuthMsg::ErrorPage { .. } => "400 error page (no redirect)".into(),
        OAuthMsg::Callback(AuthzResult::Code { .. }) => "GET /callback?code…".into(),
        OAuthMsg::Callback(AuthzResult::Error { error, .. }) => {
            format!("GET /callback?error={error}")
        }
        OAuthMsg::CallbackPage { ok: true, .. } => "200 connected".into(),
        OAuthMsg::CallbackPage { ok: false, .. } => "400 not connected".into(),
        _ => unreachable!("not a front-channel message"),
    }
}

/// The arrow label of a token endpoint message (`Group::TokenEndpoint`).
fn token_endpoint_label(m: &OAuthMsg) -> String {
    match m {
        OAuthMsg::TokenRequest { code, .. } => format!("POST /token code={}", clip(code)),
        OAuthMsg::RefreshRequest { refresh_token, .. } => {
            format!("POST /token refresh={}", clip(refresh_token))
        }
        OAuthMsg::PasswordTokenRequest { .. } => "POST /token grant_type=password".into(),
        OAuthMsg::TokenResponse(_) => "200 tokens".into(),
        OAuthMsg::TokenError {
            error: "invalid_client",
        } => "401 invalid_client".into(),
        OAuthMsg::TokenError {
            error: "server_error",
        } => "500 Internal Server Error".into(),
        OAuthMsg::TokenError { error } => format!("400 {error}"),
        OAuthMsg::Unavailable => "503 Service Unavailable".into(),
        _ => unreachable!("not a token endpoint message"),
    }
}

/// The arrow label of a message to or from the server's other endpoints
/// (`Group::OtherEndpoints`).
fn other_endpoints_label(m: &OAuthMsg) -> String {
    match m {
        OAuthMsg::JwksRequest => "GET /jwks".into(),
        OAuthMsg::Jwks { .. } => "200 JWKS".into(),
        OAuthMsg::ClientSecret { .. } => "client registered: secret".into(),
        OAuthMsg::Revoke { .. } => "POST /revoke".into(),
        OAuthMsg::Revoked => "200 revoked".into(),
        OAuthMsg::Introspect { .. } => "POST /introspect".into(),
        OAuthMsg::IntrospectRefused { .. } => "401 invalid_client".into(),
        OAuthMsg::Introspection { active, .. } => format!("200 active={active}"),
        _ => unreachable!("not a message of the server's other endpoints"),
    }
}

/// The arrow label of a calendar API call or answer (`Group::CalendarApi`).
fn calendar_api_label(m: &OAuthMsg) -> String {
    match m {
        OAuthMsg::ApiCall { write, token } if token.is_empty() => {
            format!("{} (no token)", api_line(*write))
        }
        OAuthMsg::ApiCall { write, .. } => format!("{} Bearer", api_line(*write)),
        OAuthMsg::ApiResponse { status, error, .. } => match error {
            Some(e) => format!("{status} {e}"),
            None => format!("{status} {}", reason(*status)),
        },
        _ => unreachable!("not a calendar API message"),
    }
}

/// The arrow label of a message of Planner's own sign-in
/// (`Group::PlannerSignIn`).
fn planner_sign_in_label(m: &OAuthMsg) -> String {
    match m {
        OAuthMsg::PlannerLoginPage => "200 Planner's own password form".into(),
        OAuthMsg::PlannerLogin => "POST /login (password to Planner!)".into(),
        OAuthMsg::TokenLogin { .. } => "POST /login/token (Quizzly's token)".into(),
        OAuthMsg::LoginResult { user: Some(u) } => format!("200 signed in as {u}"),
        OAuthMsg::LoginResult { user: None } => "401 login refused".into(),
        _ => unreachable!("not a message of Planner's own sign-in"),
    }
}

/// The arrow label of a message Mallory sees, sends or gets
/// (`Group::Attacker`).
fn attacker_label(m: &OAuthMsg) -> String {
    match m {
        OAuthMsg::LeakedAuthorize(_) => "leaked: /authorize URL".into(),
        OAuthMsg::LeakedCallback(_) => "leaked: callback URL".into(),
        OAuthMsg::LeakedTokens { .. } => "leaked: Planner's tokens".into(),
        OAuthMsg::PhishingLink(_) => "link to /authorize (look-alike redirect)".into(),
        OAuthMsg::LookalikeCallback(_) => "GET look-alike /callback?code…".into(),
        OAuthMsg::AttackerAuthorize => "mallory signs in (her account)".into(),
        OAuthMsg::AttackerCode { code } => format!("302 → /callback?code={}", clip(code)),
        OAuthMsg::ForgedLink(_) => "link to /callback?code=…".into(),
        OAuthMsg::QuizzlyLogin => "Alice signs in to Quizzly (Mallory's app)".into(),
        OAuthMsg::QuizzlyTokens(_) => "200 tokens for quizzly".into(),
        _ => unreachable!("not an attacker's message"),
    }
}
