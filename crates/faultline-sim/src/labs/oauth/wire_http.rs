//! Each OAuth message's raw HTTP form, as the learner reads it: 302
//! Location queries and fragments, form posts, token JSON with
//! `Cache-Control: no-store`, Bearer and Basic credentials, /revoke,
//! /introspect. One function per group of messages (`wire.rs` sorts each
//! message into its group and unwraps an answer for the other visitor).

use super::msg::*;
use crate::message::Message;

/// The status line's reason phrase.
pub(super) fn reason(status: u16) -> &'static str {
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

/// The calendar API call's request line, without the HTTP version.
pub(super) fn api_line(write: bool) -> &'static str {
    if write {
        "POST /v1/calendar/events"
    } else {
        "GET /v1/calendar/events"
    }
}

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

/// A form post to the authorization server's `path`, with HTTP Basic
/// client authentication when there is a secret.
fn client_post(path: &str, client_secret: &Option<String>) -> Message {
    let m = Message::request(format!("POST {AUTH_ORIGIN}{path} HTTP/1.1"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    match client_secret {
        Some(s) => m.header("Authorization", format!("Basic {}", basic(CLIENT_ID, s))),
        None => m,
    }
}

/// `POST /token`, with HTTP Basic client authentication when there is a
/// secret.
fn token_post(client_secret: &Option<String>) -> Message {
    client_post("/token", client_secret)
}

/// A public client names itself in the body (a confidential one did in
/// the Basic header).
fn client_id_unless_basic(m: Message, client_secret: &Option<String>) -> Message {
    match client_secret {
        Some(_) => m,
        None => m.form_field("client_id", CLIENT_ID),
    }
}

/// The wire form of a front-channel message: the browser's navigations,
/// the server's pages and the 302 redirects.
pub(super) fn authorization(m: &OAuthMsg) -> Message {
    match m {
        OAuthMsg::Connect => Message::request(format!("GET {PLANNER_ORIGIN}/connect HTTP/1.1")),
        OAuthMsg::RedirectToAuthorize(r) => {
            Message::response("HTTP/1.1 302 Found").header("Location", r.url())
        }
        OAuthMsg::Authorize(r) => Message::request(format!("GET {} HTTP/1.1", r.url())),
        OAuthMsg::LoginPage => Message::response("HTTP/1.1 200 OK")
            .header("Content-Type", "text/html")
            .text("Sign in to auth.example: username, password"),
        OAuthMsg::Login => login_post(AUTH_ORIGIN),
        OAuthMsg::ConsentPage { scope } => Message::response("HTTP/1.1 200 OK")
            .header("Content-Type", "text/html")
            .text(format!("Planner wants to: {scope}. Allow?")),
        OAuthMsg::Decide(d) => consent_post(d),
        OAuthMsg::RedirectToClient(r) => {
            Message::response("HTTP/1.1 302 Found").header("Location", r.url())
        }
        OAuthMsg::RedirectElsewhere { uri, result } => {
            Message::response("HTTP/1.1 302 Found").header("Location", result.url_at(uri))
        }
        OAuthMsg::ErrorPage { text } => Message::response("HTTP/1.1 400 Bad Request")
            .header("Content-Type", "text/html")
            .text(*text),
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
        _ => unreachable!("not a front-channel message"),
    }
}

/// The user's answer on the consent screen.
fn consent_post(d: &Decision) -> Message {
    let m = Message::request(format!("POST {AUTH_ORIGIN}/consent HTTP/1.1"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    match d {
        Decision::Allow { scope } => m
            .form_field("decision", "allow")
            .form_field("scope", scope.clone()),
        Decision::Deny => m.form_field("decision", "deny"),
    }
}

/// The wire form of a request to `POST /token` or of its answer.
pub(super) fn token_endpoint(m: &OAuthMsg) -> Message {
    match m {
        OAuthMsg::TokenRequest {
            code,
            code_verifier,
            redirect_uri,
            client_secret,
            mistake,
            ..
        } => code_exchange(code, code_verifier, redirect_uri, client_secret, *mistake),
        OAuthMsg::RefreshRequest {
            refresh_token,
            client_secret,
            mistake,
        } => refresh_post(refresh_token, client_secret, *mistake),
        OAuthMsg::PasswordTokenRequest {
            scope,
            client_secret,
        } => password_post(scope, client_secret),
        OAuthMsg::TokenResponse(t) => token_response(t, true),
        OAuthMsg::TokenError { error } => token_error(error),
        OAuthMsg::Unavailable => Message::response("HTTP/1.1 503 Service Unavailable")
            .header("Retry-After", "5")
            .header("Cache-Control", "no-store"),
        _ => unreachable!("not a token endpoint message"),
    }
}

/// `POST /token` with grant_type=authorization_code (or the typo a lab
/// fault puts there).
fn code_exchange(
    code: &str,
    code_verifier: &Option<String>,
    redirect_uri: &str,
    client_secret: &Option<String>,
    mistake: Option<Mistake>,
) -> Message {
    let grant = if mistake == Some(Mistake::GrantType) {
        "authorization-code"
    } else {
        "authorization_code"
    };
    let m = token_post(client_secret)
        .form_field("grant_type", grant)
        .form_field("code", code)
        .form_field("redirect_uri", redirect_uri);
    let m = client_id_unless_basic(m, client_secret);
    match code_verifier {
        Some(v) => m.form_field("code_verifier", v.clone()),
        None => m,
    }
}

/// `POST /token` with grant_type=refresh_token (asking for more scope
/// under the lab fault).
fn refresh_post(
    refresh_token: &str,
    client_secret: &Option<String>,
    mistake: Option<Mistake>,
) -> Message {
    let m = token_post(client_secret)
        .form_field("grant_type", "refresh_token")
        .form_field("refresh_token", refresh_token);
    let m = match mistake {
        Some(Mistake::RefreshScope) => {
            m.form_field("scope", "calendar.read calendar.write calendar.admin")
        }
        _ => m,
    };
    client_id_unless_basic(m, client_secret)
}

/// `POST /token` with grant_type=password: the user's password, sent by
/// Planner.
fn password_post(scope: &str, client_secret: &Option<String>) -> Message {
    let m = token_post(client_secret)
        .form_field("grant_type", "password")
        .form_field("username", USERNAME)
        .form_field("password", PASSWORD)
        .form_field("scope", scope);
    client_id_unless_basic(m, client_secret)
}

/// The token endpoint's refusal: 401 for client authentication, a plain
/// 500 for a server fault, else 400 with the error code.
fn token_error(error: &'static str) -> Message {
    match error {
        "invalid_client" => Message::response("HTTP/1.1 401 Unauthorized")
            .header("WWW-Authenticate", "Basic realm=\"auth.example\"")
            .header("Content-Type", "application/json")
            .header("Cache-Control", "no-store")
            .field("error", "invalid_client"),
        // No OAuth error code at /token for a server fault (RFC 6749
        // §5.2 lists none): a plain 500.
        "server_error" => Message::response("HTTP/1.1 500 Internal Server Error")
            .header("Cache-Control", "no-store")
            .header("Content-Type", "text/plain")
            .text("Internal Server Error"),
        error => Message::response("HTTP/1.1 400 Bad Request")
            .header("Content-Type", "application/json")
            .header("Cache-Control", "no-store")
            .field("error", error),
    }
}

/// The wire form of a message to or from the server's other endpoints:
/// /jwks, /revoke, /introspect, and the client's registration.
pub(super) fn other_endpoints(m: &OAuthMsg) -> Message {
    match m {
        OAuthMsg::JwksRequest => Message::request(format!("GET {AUTH_ORIGIN}/jwks HTTP/1.1")),
        OAuthMsg::Jwks { jwk } => Message::response("HTTP/1.1 200 OK")
            .header("Content-Type", "application/json")
            .field("keys", format!("[{jwk}]")),
        OAuthMsg::ClientSecret { secret } => {
            Message::one_way("Client registration (copied from the server's console)")
                .header("Content-Type", "application/json")
                .field("client_id", CLIENT_ID)
                .field("client_secret", secret.clone())
        }
        OAuthMsg::Revoke {
            token,
            hint,
            client_secret,
        } => {
            let m = client_post("/revoke", client_secret)
                .form_field("token", token.clone())
                .form_field("token_type_hint", *hint);
            client_id_unless_basic(m, client_secret)
        }
        OAuthMsg::Revoked => Message::response("HTTP/1.1 200 OK"),
        OAuthMsg::Introspect { token, secret, .. } => {
            Message::request(format!("POST {AUTH_ORIGIN}/introspect HTTP/1.1"))
                .header(
                    "Authorization",
                    format!("Basic {}", basic(CALENDAR_CLIENT_ID, secret)),
                )
                .header("Content-Type", "application/x-www-form-urlencoded")
                .form_field("token", token.clone())
        }
        OAuthMsg::IntrospectRefused { .. } => token_error("invalid_client"),
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
        _ => unreachable!("not a message of the server's other endpoints"),
    }
}

/// The wire form of a bearer call to the calendar API or of its answer.
pub(super) fn calendar_api(m: &OAuthMsg) -> Message {
    match m {
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
        } => api_response(*write, *status, *error),
        _ => unreachable!("not a calendar API message"),
    }
}

/// The calendar API's answer: the events, or RFC 6750's challenge.
fn api_response(write: bool, status: u16, error: Option<&'static str>) -> Message {
    let m = Message::response(format!("HTTP/1.1 {status} {}", reason(status)));
    match (status, error) {
        (401, None) => m.header("WWW-Authenticate", "Bearer realm=\"calendar\""),
        (503, _) => m.header("Retry-After", "5"),
        (403, Some(e)) => m.header(
            "WWW-Authenticate",
            format!(
                "Bearer realm=\"calendar\", error=\"{e}\", scope=\"{}\"",
                if write {
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
        _ if write => m.field("id", "evt_2").field("summary", "Dentist"),
        _ => m.field("items", r#"["Standup","Lunch with Sam"]"#),
    }
}

/// Alice's username and password posted to the login form at `origin`
/// (the authorization server's, or Planner's own under the password grant).
fn login_post(origin: &str) -> Message {
    Message::request(format!("POST {origin}/login HTTP/1.1"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .form_field("username", USERNAME)
        .form_field("password", PASSWORD)
}

/// The wire form of a message of Planner's own sign-in: its password
/// form (password grant) and its "sign in with a token" endpoint.
pub(super) fn planner_sign_in(m: &OAuthMsg) -> Message {
    match m {
        OAuthMsg::PlannerLoginPage => Message::response("HTTP/1.1 200 OK")
            .header("Content-Type", "text/html")
            .text("Sign in to Planner with your calendar account: username, password"),
        OAuthMsg::PlannerLogin => login_post(PLANNER_ORIGIN),
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
        _ => unreachable!("not a message of Planner's own sign-in"),
    }
}

/// The wire form of a message Mallory sees, sends or gets: what leaks to
/// her, her links, her own code, her look-alike host, Quizzly.
pub(super) fn attacker(m: &OAuthMsg) -> Message {
    match m {
        OAuthMsg::LeakedAuthorize(r) => {
            Message::one_way(format!("GET {} (seen by Mallory)", r.url()))
        }
        OAuthMsg::LeakedCallback(r) => Message::one_way(format!("GET {} (seen by Mallory)", r.url())),
        OAuthMsg::LeakedTokens {
            access_token,
            refresh_token,
        } => leaked_tokens(access_token, refresh_token),
        OAuthMsg::PhishingLink(r) => {
            Message::one_way(format!("<a href=\"{}\">Connect your calendar</a>", r.url()))
        }
        OAuthMsg::LookalikeCallback(r) => Message::request(format!(
            "GET {} HTTP/1.1",
            r.url_at(LOOKALIKE_REDIRECT_URI)
        )),
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
        OAuthMsg::QuizzlyLogin => Message::request(format!(
            "GET {AUTH_ORIGIN}/authorize?response_type=code&client_id={QUIZZLY_CLIENT_ID}&… (Alice signs in to Quizzly; code exchanged by Quizzly) HTTP/1.1"
        )),
        OAuthMsg::QuizzlyTokens(t) => token_response(t, false),
        _ => unreachable!("not an attacker's message"),
    }
}

/// Planner's tokens as Mallory sees them (the access token, the refresh
/// token, or both).
fn leaked_tokens(access_token: &Option<String>, refresh_token: &Option<String>) -> Message {
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
