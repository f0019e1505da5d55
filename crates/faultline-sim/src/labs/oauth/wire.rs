//! How each OAuth message looks on the wire and in the diagram: its class,
//! its arrow label, its raw HTTP form (302 Location queries and fragments,
//! form posts, token JSON with `Cache-Control: no-store`, Bearer and Basic
//! credentials, /revoke, /introspect) and the parameters that matter at its
//! step. The messages themselves are typed in `msg.rs`.

use super::msg::*;
use crate::actor::LabMsg;
use crate::message::{Message, MsgClass};

/// A successful token response (RFC 6749 §5.1), with or without the
/// refresh token.
fn token_response(t: &Tokens, with_refresh: bool) -> Message {
    let m = Message::response("HTTP/1.1 200 OK")
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .field("access_token", t.access_token.clone())
        .field("token_type", "Bearer")
        .field("expires_in", t.expires_in_s.to_string());
    let m = if with_refresh {
        m.field("refresh_token", t.refresh_token.clone())
    } else {
        m
    };
    let m = m.field("scope", t.scope.clone());
    match &t.id_token {
        Some(id) => m.field("id_token", id.clone()),
        None => m,
    }
}

/// The user's answer on the consent screen.
/// `POST /token`, with HTTP Basic client authentication when there is a
/// secret.
fn token_post(client_secret: &Option<String>) -> Message {
    let m = Message::request(format!("POST {AUTH_ORIGIN}/token HTTP/1.1"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    match client_secret {
        Some(s) => m.header("Authorization", format!("Basic {}", basic(CLIENT_ID, s))),
        None => m,
    }
}

/// A public client names itself in the body (a confidential one did in
/// the Basic header).
fn client_id_unless_basic(m: Message, client_secret: &Option<String>) -> Message {
    match client_secret {
        Some(_) => m,
        None => m.form_field("client_id", CLIENT_ID),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// The first characters of a long value, for arrow labels.
fn clip(s: &str) -> String {
    format!("{}…", s.chars().take(6).collect::<String>())
}

fn api_line(write: bool) -> &'static str {
    if write {
        "POST /v1/calendar/events"
    } else {
        "GET /v1/calendar/events"
    }
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
        match self {
            OAuthMsg::ForOther(m) => m.label(),
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
            OAuthMsg::Callback(AuthzResult::Token { .. }) => {
                "page script reads #access_token".into()
            }
            OAuthMsg::RedirectToClient(AuthzResult::Error { error, .. }) => {
                format!("302 → /callback?error={error}")
            }
            OAuthMsg::RedirectElsewhere { .. } => "302 → look-alike /callback".into(),
            OAuthMsg::ErrorPage { .. } => "400 error page (no redirect)".into(),
            OAuthMsg::LookalikeCallback(_) => "GET look-alike /callback?code…".into(),
            OAuthMsg::RefreshRequest { refresh_token, .. } => {
                format!("POST /token refresh={}", clip(refresh_token))
            }
            OAuthMsg::Unavailable => "503 Service Unavailable".into(),
            OAuthMsg::ClientSecret { .. } => "client registered: secret".into(),
            OAuthMsg::QuizzlyLogin => "Alice signs in to Quizzly (Mallory's app)".into(),
            OAuthMsg::QuizzlyTokens(_) => "200 tokens for quizzly".into(),
            OAuthMsg::TokenLogin { .. } => "POST /login/token (Quizzly's token)".into(),
            OAuthMsg::LoginResult { user: Some(u) } => format!("200 signed in as {u}"),
            OAuthMsg::LoginResult { user: None } => "401 login refused".into(),
            OAuthMsg::PlannerLoginPage => "200 Planner's own password form".into(),
            OAuthMsg::PlannerLogin => "POST /login (password to Planner!)".into(),
            OAuthMsg::PasswordTokenRequest { .. } => "POST /token grant_type=password".into(),
            OAuthMsg::Revoke { .. } => "POST /revoke".into(),
            OAuthMsg::Revoked => "200 revoked".into(),
            OAuthMsg::LeakedAuthorize(_) => "leaked: /authorize URL".into(),
            OAuthMsg::LeakedTokens { .. } => "leaked: Planner's tokens".into(),
            OAuthMsg::PhishingLink(_) => "link to /authorize (look-alike redirect)".into(),
            OAuthMsg::Callback(AuthzResult::Code { .. }) => "GET /callback?code…".into(),
            OAuthMsg::Callback(AuthzResult::Error { error, .. }) => {
                format!("GET /callback?error={error}")
            }
            OAuthMsg::CallbackPage { ok: true, .. } => "200 connected".into(),
            OAuthMsg::CallbackPage { ok: false, .. } => "400 not connected".into(),
            OAuthMsg::JwksRequest => "GET /jwks".into(),
            OAuthMsg::Jwks { .. } => "200 JWKS".into(),
            OAuthMsg::TokenRequest { code, .. } => format!("POST /token code={}", clip(code)),
            OAuthMsg::TokenResponse(_) => "200 tokens".into(),
            OAuthMsg::TokenError {
                error: "invalid_client",
            } => "401 invalid_client".into(),
            OAuthMsg::TokenError {
                error: "server_error",
            } => "500 Internal Server Error".into(),
            OAuthMsg::TokenError { error } => format!("400 {error}"),
            OAuthMsg::ApiCall { write, token } if token.is_empty() => {
                format!("{} (no token)", api_line(*write))
            }
            OAuthMsg::ApiCall { write, .. } => format!("{} Bearer", api_line(*write)),
            OAuthMsg::ApiResponse { status, error, .. } => match error {
                Some(e) => format!("{status} {e}"),
                None => format!("{status} {}", reason(*status)),
            },
            OAuthMsg::Introspect { .. } => "POST /introspect".into(),
            OAuthMsg::IntrospectRefused { .. } => "401 invalid_client".into(),
            OAuthMsg::LeakedCallback(_) => "leaked: callback URL".into(),
            OAuthMsg::AttackerAuthorize => "mallory signs in (her account)".into(),
            OAuthMsg::AttackerCode { code } => format!("302 → /callback?code={}", clip(code)),
            OAuthMsg::ForgedLink(_) => "link to /callback?code=…".into(),
            OAuthMsg::Introspection { active, .. } => format!("200 active={active}"),
        }
    }

    fn display(&self) -> Message {
        match self {
            OAuthMsg::ForOther(m) => m.display(),
            OAuthMsg::Connect => Message::request(format!("GET {PLANNER_ORIGIN}/connect HTTP/1.1")),
            OAuthMsg::RedirectToAuthorize(r) => {
                Message::response("HTTP/1.1 302 Found").header("Location", r.url())
            }
            OAuthMsg::Authorize(r) => Message::request(format!("GET {} HTTP/1.1", r.url())),
            OAuthMsg::LoginPage => Message::response("HTTP/1.1 200 OK")
                .header("Content-Type", "text/html")
                .text("Sign in to auth.example: username, password"),
            OAuthMsg::Login => Message::request(format!("POST {AUTH_ORIGIN}/login HTTP/1.1"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .form_field("username", USERNAME)
                .form_field("password", PASSWORD),
            OAuthMsg::ConsentPage { scope } => Message::response("HTTP/1.1 200 OK")
                .header("Content-Type", "text/html")
                .text(format!("Planner wants to: {scope}. Allow?")),
            OAuthMsg::Decide(d) => {
                let m = Message::request(format!("POST {AUTH_ORIGIN}/consent HTTP/1.1"))
                    .header("Content-Type", "application/x-www-form-urlencoded");
                match d {
                    Decision::Allow { scope } => m
                        .form_field("decision", "allow")
                        .form_field("scope", scope.clone()),
                    Decision::Deny => m.form_field("decision", "deny"),
                }
            }
            OAuthMsg::RedirectToClient(r) => {
                Message::response("HTTP/1.1 302 Found").header("Location", r.url())
            }
            OAuthMsg::RedirectElsewhere { uri, result } => {
                Message::response("HTTP/1.1 302 Found").header("Location", result.url_at(uri))
            }
            OAuthMsg::ErrorPage { text } => Message::response("HTTP/1.1 400 Bad Request")
                .header("Content-Type", "text/html")
                .text(*text),
            OAuthMsg::LookalikeCallback(r) => Message::request(format!(
                "GET {} HTTP/1.1",
                r.url_at(LOOKALIKE_REDIRECT_URI)
            )),
            OAuthMsg::RefreshRequest {
                refresh_token,
                client_secret,
                mistake,
            } => {
                let m = token_post(client_secret)
                    .form_field("grant_type", "refresh_token")
                    .form_field("refresh_token", refresh_token.clone());
                let m = match mistake {
                    Some(Mistake::RefreshScope) => {
                        m.form_field("scope", "calendar.read calendar.write calendar.admin")
                    }
                    _ => m,
                };
                client_id_unless_basic(m, client_secret)
            }
            OAuthMsg::QuizzlyLogin => Message::request(format!(
                "GET {AUTH_ORIGIN}/authorize?response_type=code&client_id={QUIZZLY_CLIENT_ID}&… (Alice signs in to Quizzly; code exchanged by Quizzly) HTTP/1.1"
            )),
            OAuthMsg::QuizzlyTokens(t) => token_response(t, false),
            OAuthMsg::TokenLogin {
                access_token,
                id_token,
            } => {
                let m = Message::request(format!("POST {PLANNER_ORIGIN}/login/token HTTP/1.1"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .form_field("access_token", access_token.clone());
                match id_token {
                    Some(id) => m.form_field("id_token", id.clone()),
                    None => m,
                }
            }
            OAuthMsg::LoginResult { user } => match user {
                Some(u) => Message::response("HTTP/1.1 200 OK")
                    .header("Set-Cookie", "session=…; Secure; HttpOnly")
                    .text(format!("Welcome back, {u}.")),
                None => Message::response("HTTP/1.1 401 Unauthorized")
                    .text("This token does not sign you in to Planner."),
            },
            OAuthMsg::ClientSecret { secret } => {
                Message::one_way("Client registration (copied from the server's console)")
                    .header("Content-Type", "application/json")
                    .field("client_id", CLIENT_ID)
                    .field("client_secret", secret.clone())
            }
            OAuthMsg::PlannerLoginPage => Message::response("HTTP/1.1 200 OK")
                .header("Content-Type", "text/html")
                .text("Sign in to Planner with your calendar account: username, password"),
            OAuthMsg::PlannerLogin => {
                Message::request(format!("POST {PLANNER_ORIGIN}/login HTTP/1.1"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .form_field("username", USERNAME)
                    .form_field("password", PASSWORD)
            }
            OAuthMsg::PasswordTokenRequest {
                scope,
                client_secret,
            } => {
                let m = Message::request(format!("POST {AUTH_ORIGIN}/token HTTP/1.1"))
                    .header("Content-Type", "application/x-www-form-urlencoded");
                let m = match client_secret {
                    Some(s) => m.header(
                        "Authorization",
                        format!("Basic {}", basic(CLIENT_ID, s)),
                    ),
                    None => m,
                };
                let m = m
                    .form_field("grant_type", "password")
                    .form_field("username", USERNAME)
                    .form_field("password", PASSWORD)
                    .form_field("scope", scope.clone());
                match client_secret {
                    Some(_) => m,
                    None => m.form_field("client_id", CLIENT_ID),
                }
            }
            OAuthMsg::Unavailable => Message::response("HTTP/1.1 503 Service Unavailable")
                .header("Retry-After", "5")
                .header("Cache-Control", "no-store"),
            OAuthMsg::Revoke {
                token,
                hint,
                client_secret,
            } => {
                let m = Message::request(format!("POST {AUTH_ORIGIN}/revoke HTTP/1.1"))
                    .header("Content-Type", "application/x-www-form-urlencoded");
                let m = match client_secret {
                    Some(s) => m.header("Authorization", format!("Basic {}", basic(CLIENT_ID, s))),
                    None => m,
                };
                let m = m
                    .form_field("token", token.clone())
                    .form_field("token_type_hint", *hint);
                client_id_unless_basic(m, client_secret)
            }
            OAuthMsg::Revoked => Message::response("HTTP/1.1 200 OK"),
            OAuthMsg::LeakedAuthorize(r) => {
                Message::one_way(format!("GET {} (seen by Mallory)", r.url()))
            }
            OAuthMsg::LeakedTokens {
                access_token,
                refresh_token,
            } => {
                let m = Message::one_way("Planner's tokens, seen by Mallory")
                    .header("Content-Type", "application/json");
                let m = match access_token {
                    Some(a) => m.field("access_token", a.clone()),
                    None => m,
                };
                match refresh_token {
                    Some(r) => m.field("refresh_token", r.clone()),
                    None => m,
                }
            }
            OAuthMsg::PhishingLink(r) => {
                Message::one_way(format!("<a href=\"{}\">Connect your calendar</a>", r.url()))
            }
            OAuthMsg::Callback(r @ AuthzResult::Token { .. }) => Message::request(format!(
                "GET {REDIRECT_URI} HTTP/1.1 (the #fragment stays in the browser: Planner's script reads it from {})",
                r.url()
            )),
            OAuthMsg::Callback(r) => Message::request(format!("GET {} HTTP/1.1", r.url())),
            OAuthMsg::CallbackPage { ok, text } => Message::response(if *ok {
                "HTTP/1.1 200 OK"
            } else {
                "HTTP/1.1 400 Bad Request"
            })
            .header("Content-Type", "text/html")
            .text(*text),
            OAuthMsg::JwksRequest => Message::request(format!("GET {AUTH_ORIGIN}/jwks HTTP/1.1")),
            OAuthMsg::Jwks { jwk } => Message::response("HTTP/1.1 200 OK")
                .header("Content-Type", "application/json")
                .field("keys", format!("[{jwk}]")),
            OAuthMsg::TokenRequest {
                code,
                code_verifier,
                redirect_uri,
                client_secret,
                mistake,
                ..
            } => {
                let grant = if *mistake == Some(Mistake::GrantType) {
                    "authorization-code"
                } else {
                    "authorization_code"
                };
                let m = token_post(client_secret)
                    .form_field("grant_type", grant)
                    .form_field("code", code.clone())
                    .form_field("redirect_uri", redirect_uri.clone());
                let m = client_id_unless_basic(m, client_secret);
                match code_verifier {
                    Some(v) => m.form_field("code_verifier", v.clone()),
                    None => m,
                }
            }
            OAuthMsg::TokenResponse(t) => token_response(t, true),
            OAuthMsg::TokenError {
                error: "invalid_client",
            } => Message::response("HTTP/1.1 401 Unauthorized")
                .header("WWW-Authenticate", "Basic realm=\"auth.example\"")
                .header("Content-Type", "application/json")
                .header("Cache-Control", "no-store")
                .field("error", "invalid_client"),
            // No OAuth error code at /token for a server fault (RFC 6749
            // §5.2 lists none): a plain 500.
            OAuthMsg::TokenError {
                error: "server_error",
            } => Message::response("HTTP/1.1 500 Internal Server Error")
                .header("Cache-Control", "no-store")
                .header("Content-Type", "text/plain")
                .text("Internal Server Error"),
            OAuthMsg::TokenError { error } => Message::response("HTTP/1.1 400 Bad Request")
                .header("Content-Type", "application/json")
                .header("Cache-Control", "no-store")
                .field("error", *error),
            OAuthMsg::ApiCall { write, token } => {
                let m = Message::request(format!("{} HTTP/1.1", api_line(*write)))
                    .header("Host", "calendar.example");
                if token.is_empty() {
                    m
                } else {
                    m.header("Authorization", format!("Bearer {token}"))
                }
            }
            OAuthMsg::ApiResponse {
                write,
                status,
                error,
            } => {
                let m = Message::response(format!("HTTP/1.1 {status} {}", reason(*status)));
                match (status, error) {
                    (401, None) => m.header("WWW-Authenticate", "Bearer realm=\"calendar\""),
                    (503, _) => m.header("Retry-After", "5"),
                    (403, Some(e)) => m.header(
                        "WWW-Authenticate",
                        format!(
                            "Bearer realm=\"calendar\", error=\"{e}\", scope=\"{}\"",
                            if *write {
                                "calendar.write"
                            } else {
                                "calendar.read"
                            }
                        ),
                    ),
                    (_, Some(e)) => m.header(
                        "WWW-Authenticate",
                        format!("Bearer realm=\"calendar\", error=\"{e}\""),
                    ),
                    _ if *write => m.field("id", "evt_2").field("summary", "Dentist"),
                    _ => m.field("items", r#"["Standup","Lunch with Sam"]"#),
                }
            }
            OAuthMsg::LeakedCallback(r) => Message::one_way(format!("GET {} (seen by Mallory)", r.url())),
            OAuthMsg::AttackerAuthorize => Message::request(format!(
                "GET {AUTH_ORIGIN}/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri=… (signed in as mallory, no code_challenge) HTTP/1.1"
            )),
            OAuthMsg::AttackerCode { code } => Message::response("HTTP/1.1 302 Found").header(
                "Location",
                AuthzResult::Code {
                    code: code.clone(),
                    state: FORGED_STATE.into(),
                }
                .url(),
            ),
            OAuthMsg::ForgedLink(r) => Message::one_way(format!("<a href=\"{}\">See your calendar</a>", r.url())),
            OAuthMsg::IntrospectRefused { .. } => OAuthMsg::TokenError {
                error: "invalid_client",
            }
            .display(),
            OAuthMsg::Introspect { token, secret, .. } => {
                Message::request(format!("POST {AUTH_ORIGIN}/introspect HTTP/1.1"))
                    .header(
                        "Authorization",
                        format!("Basic {}", basic(CALENDAR_CLIENT_ID, secret)),
                    )
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .form_field("token", token.clone())
            }
            OAuthMsg::Introspection { active, scope, .. } => {
                let m = Message::response("HTTP/1.1 200 OK")
                    .header("Content-Type", "application/json")
                    .field("active", active.to_string());
                if *active {
                    m.field("scope", scope.clone())
                } else {
                    m
                }
            }
        }
    }
}
