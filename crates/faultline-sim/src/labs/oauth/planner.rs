//! Planner, the client app (a public client: no secret). It starts the
//! authorization code flow with state, nonce (OIDC) and PKCE (S256, plain
//! or none), checks the state on the callback, exchanges the code, checks
//! the ID token (signature with the server's JWKS, `aud` = Planner,
//! `nonce`), then calls the calendar API with the access token: a read, a
//! write and, when set, later reads. An expired access token is refreshed
//! first (rotation: the new refresh token replaces the old one). Lab
//! faults: Alice disconnects Planner (it revokes its refresh token at
//! `/revoke`), its tokens leak to Mallory, a call goes out without its
//! token.

use super::auth_server::clip;
use super::config::{random_token, random_words, OAuthConfig, Pkce, ATTACKER, AUTH, CALENDAR};
use super::msg::{
    AuthzRequest, AuthzResult, Mistake, OAuthMsg, Tokens, AUTH_ORIGIN, CLIENT_ID, REDIRECT_URI,
};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::jose::{code_challenge_s256, code_verifier, verify_es256, verify_hs256, EcJwk};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::scenario::Config;
use crate::trace::{RowChange, TableSchema};

const TOKEN_TIMEOUT: u32 = 1;
const NEXT_CALL: u32 = 2;
const REFRESH_TIMEOUT: u32 = 3;
const TOKEN_TIMEOUT_MS: u64 = 3_000;
const CALL_AFTER_MS: u64 = 400;
/// Between the later reads ("syncs").
pub const SYNC_EVERY_MS: u64 = 5_000;

pub static PLANNER_MACHINE: StateMachine = StateMachine {
    name: "Planner (client app)",
    states: &[
        "idle",
        "awaiting_code",
        "exchanging_code",
        "awaiting_password",
        "exchanging_password",
        "connected",
        "calling_api",
        "refreshing",
        "signed_out",
        "failed",
    ],
    transitions: &[
        Transition::new("idle", "start_login", "awaiting_code"),
        Transition::new("awaiting_code", "got_code", "exchanging_code"),
        Transition::new("awaiting_code", "state_mismatch", "awaiting_code"),
        Transition::new("awaiting_code", "access_denied", "failed"),
        Transition::new("awaiting_code", "authorize_error", "failed"),
        Transition::new("awaiting_code", "implicit_token", "connected"),
        Transition::new("idle", "ask_password", "awaiting_password"),
        Transition::new("awaiting_password", "got_password", "exchanging_password"),
        Transition::new("exchanging_password", "tokens", "connected"),
        Transition::new("exchanging_password", "token_error", "failed"),
        Transition::new("exchanging_password", "token_timeout", "failed"),
        Transition::new("exchanging_code", "tokens", "connected"),
        Transition::new("exchanging_code", "id_token_rejected", "failed"),
        Transition::new("exchanging_code", "token_error", "failed"),
        Transition::new("exchanging_code", "retry_token_request", "exchanging_code"),
        Transition::new("exchanging_code", "token_timeout", "failed"),
        Transition::new("connected", "call_api", "calling_api"),
        Transition::new("calling_api", "api_ok", "connected"),
        Transition::new("calling_api", "api_refused", "connected"),
        Transition::new("connected", "refresh", "refreshing"),
        Transition::new("refreshing", "refreshed", "connected"),
        Transition::new("refreshing", "refresh_refused", "signed_out"),
        Transition::new("refreshing", "refresh_timeout", "signed_out"),
        Transition::new("connected", "disconnect", "signed_out"),
        Transition::new("calling_api", "disconnect", "signed_out"),
    ],
};

#[derive(Clone, Debug)]
pub struct Planner {
    cfg: OAuthConfig,
    machine: MachineState,
    request: Option<AuthzRequest>,
    verifier: Option<String>,
    code: Option<String>,
    jwk: Option<EcJwk>,
    pub tokens: Option<Tokens>,
    /// When the current access token arrived (its expires_in counts from
    /// here).
    got_at: u64,
    browser: ActorId,
    calls: u32,
    retried: bool,
    /// The "forget-token" fault: the next call has no Authorization header.
    drop_token: bool,
    /// The leak faults: every access (refresh) token Planner holds from
    /// then on reaches Mallory.
    leak_access: bool,
    leak_refresh: bool,
    /// Planner's client secret (a confidential client).
    secret: Option<String>,
    /// Planner received the user's password (the password grant).
    pub saw_password: bool,
    /// Sign-ins Planner granted on a token that was not issued to it.
    pub foreign_logins: u32,
    /// The session table's values as last shown (full runs only).
    shown: Vec<String>,
    /// A bug armed for Planner's next request of its kind (a lab fault).
    mistake: Option<Mistake>,
    /// The session of another visitor: Mallory's own browser (boxed: most
    /// runs never have one).
    pub other: Box<OtherSession>,
}

/// Planner's session for a second visitor (Mallory, in her own browser):
/// its own state, nonce and verifier, and the tokens it ends up holding.
#[derive(Clone, Debug, Default)]
pub struct OtherSession {
    request: Option<AuthzRequest>,
    verifier: Option<String>,
    exchanging: bool,
    pub tokens: Option<Tokens>,
}

/// The key an ID token is checked with.
pub enum IdKey<'a> {
    /// HS256 with the client secret (a confidential client).
    Secret(&'a [u8]),
    /// ES256 with the server's published key.
    Jwk(&'a EcJwk),
    None,
}

/// What an ID token check found: the `sub` it signs in, or the first
/// check that failed.
pub type IdCheck = Result<String, &'static str>;

/// Check an ID token as OIDC Core §3.1.3.7 asks, on parsed claims: the
/// signature, `iss`, `aud` (planner, alone or in a list), `exp`, `iat` and
/// the `nonce` sent (`now_ms` is the lab's clock).
pub fn check_id_token(token: &str, key: IdKey<'_>, nonce: &str, now_ms: u64) -> IdCheck {
    let signed = match key {
        IdKey::Secret(secret) => verify_hs256(token, secret).is_ok(),
        IdKey::Jwk(jwk) => verify_es256(token, jwk).is_ok(),
        IdKey::None => false,
    };
    if !signed {
        return Err("its signature does not verify");
    }
    let c = crate::message::Jws::decode(token)
        .and_then(|j| crate::read::json_object(&j.payload))
        .ok_or("its claims cannot be read")?;
    let text = |k: &str| c.get(k).and_then(|v| v.as_str());
    let number = |k: &str| c.get(k).and_then(|v| v.as_u64());
    let now = crate::jose::unix_time(now_ms);
    let aud_ok = match c.get("aud") {
        Some(serde_json::Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(CLIENT_ID)),
        Some(v) => v.as_str() == Some(CLIENT_ID),
        None => false,
    };
    if text("iss") != Some(AUTH_ORIGIN) {
        Err("iss is not https://auth.example")
    } else if !aud_ok {
        Err("aud is not planner: it was issued to another app")
    } else if number("exp").is_none_or(|e| now >= e) {
        Err("it has expired (exp)")
    } else if number("iat").is_none_or(|i| i > now) {
        Err("iat is missing or in the future")
    } else if nonce.is_empty() || text("nonce") != Some(nonce) {
        Err("its nonce is not the one this login sent")
    } else {
        Ok(text("sub").unwrap_or("").to_string())
    }
}

/// Planner's session: what it keeps between the steps of the flow.
pub const SESSION_TABLE: TableSchema = TableSchema {
    title: "Planner's session",
    columns: &["item", "value"],
};

/// The session table's rows, in order.
const SESSION_ITEMS: [&str; 9] = [
    "signed in as",
    "state",
    "nonce",
    "code_verifier",
    "code",
    "access token",
    "refresh token",
    "ID token",
    "client secret",
];

impl Planner {
    pub fn new(cfg: &OAuthConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            machine: MachineState::new(&PLANNER_MACHINE),
            request: None,
            verifier: None,
            code: None,
            jwk: None,
            tokens: None,
            got_at: 0,
            browser: 0,
            calls: 0,
            retried: false,
            drop_token: false,
            leak_access: false,
            leak_refresh: false,
            secret: None,
            saw_password: false,
            foreign_logins: 0,
            shown: Vec::new(),
            mistake: None,
            other: Box::default(),
        }
    }

    /// The session's values now, in `SESSION_ITEMS` order.
    fn session_values(&self) -> Vec<String> {
        let held = |v: Option<&String>| v.map_or("—".to_string(), |v| clip(v, 12));
        let request = self.request.as_ref();
        let tokens = self.tokens.as_ref();
        // Who signed in: only an ID token says (OpenID Connect); an
        // access token lets Planner call the API for someone it cannot name.
        let who = match tokens {
            None => "—".to_string(),
            Some(t) => match t.id_token.as_deref().and_then(crate::message::Jws::decode) {
                Some(j) => match j.payload.split("\"sub\":\"").nth(1) {
                    Some(rest) => format!(
                        "{} (the ID token's sub)",
                        rest.split('"').next().unwrap_or("")
                    ),
                    None => "—".to_string(),
                },
                None => "nobody known: no ID token".to_string(),
            },
        };
        vec![
            who,
            held(request.map(|r| &r.state)),
            held(request.and_then(|r| r.nonce.as_ref())),
            held(self.verifier.as_ref()),
            held(self.code.as_ref()),
            held(tokens.map(|t| &t.access_token).filter(|t| !t.is_empty())),
            held(tokens.map(|t| &t.refresh_token).filter(|t| !t.is_empty())),
            held(tokens.and_then(|t| t.id_token.as_ref())),
            held(self.secret.as_ref()),
        ]
    }

    fn page(&self, ok: bool, text: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(self.browser, OAuthMsg::CallbackPage { ok, text });
    }

    fn send_token_request(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let code = self.code.clone().unwrap_or_default();
        let mistake = self
            .mistake
            .take_if(|m| matches!(m, Mistake::GrantType | Mistake::Secret));
        let client_secret = match mistake {
            Some(Mistake::Secret) => Some("not-the-secret".into()),
            _ => self.secret.clone(),
        };
        ctx.send(
            AUTH,
            OAuthMsg::TokenRequest {
                code,
                code_verifier: self.verifier.clone(),
                redirect_uri: REDIRECT_URI.into(),
                client_secret,
                mistake,
                other: false,
            },
        );
        ctx.set_timer(
            TOKEN_TIMEOUT_MS,
            TOKEN_TIMEOUT,
            TimerKind::Timeout,
            "token request times out",
        );
    }

    /// The calls Planner makes once connected: a read, a write, then the
    /// later reads.
    fn planned_calls(&self) -> u32 {
        2 + self.cfg.later_reads
    }

    fn schedule_next_call(&self, ctx: &mut Ctx<OAuthMsg>) {
        if self.calls >= self.planned_calls() {
            return;
        }
        let after = if self.calls < 2 {
            CALL_AFTER_MS
        } else {
            SYNC_EVERY_MS
        };
        ctx.set_timer(
            after,
            NEXT_CALL,
            TimerKind::Work,
            "Planner calls the calendar API",
        );
    }

    fn on_callback(&mut self, result: AuthzResult, ctx: &mut Ctx<OAuthMsg>) {
        if self.machine.current != "awaiting_code" {
            // No login of its own in progress: nothing to exchange.
            ctx.say("Planner has no sign-in in progress, so it does not use this callback.");
            self.page(false, "No sign-in in progress here.", ctx);
            return;
        }
        let sent = self
            .request
            .as_ref()
            .map(|r| r.state.clone())
            .unwrap_or_default();
        let (got_state, code, error) = match &result {
            AuthzResult::Code { code, state } => (state.clone(), Some(code.clone()), None),
            AuthzResult::Error { state, error } => (state.clone(), None, Some(*error)),
            AuthzResult::Token { state, .. } => (state.clone(), None, None),
        };
        if self.cfg.check_state && got_state != sent {
            ctx.fire(&mut self.machine, "state_mismatch");
            ctx.say("The state in the callback is not the one Planner sent: this callback did not come from its own login (a CSRF attempt). Planner refuses it and keeps waiting for Alice's own.");
            return;
        }
        if let AuthzResult::Token {
            access_token,
            expires_in_s,
            ..
        } = result
        {
            ctx.fire(&mut self.machine, "implicit_token");
            ctx.say("Planner's page script reads the access token from the URL fragment. It has no refresh token and no proof of which app the token was issued to.");
            let tokens = Tokens {
                access_token,
                expires_in_s,
                refresh_token: String::new(),
                scope: String::new(),
                id_token: None,
            };
            return self.connect(tokens, ctx);
        }
        let Some(code) = code else {
            if error == Some("access_denied") {
                ctx.fire(&mut self.machine, "access_denied");
                ctx.say("The callback carries error=access_denied: Alice said no. Planner has no code and asks for nothing more.");
                self.page(false, "You did not allow access to your calendar.", ctx);
            } else {
                ctx.fire(&mut self.machine, "authorize_error");
                let error = error.unwrap_or_default();
                ctx.say_with(|| format!("The callback carries error={error}: no code. Planner shows Alice an error and she can try again later."));
                self.page(
                    false,
                    "The sign-in service could not handle the request.",
                    ctx,
                );
            }
            return;
        };
        ctx.fire(&mut self.machine, "got_code");
        ctx.say(match (self.cfg.check_state, self.verifier.is_some()) {
            (true, true) => "The state matches the one Planner sent. Planner exchanges the code at the token endpoint, with its code_verifier: only the app that made the challenge knows it.",
            (true, false) => "The state matches the one Planner sent. Planner exchanges the code at the token endpoint (no PKCE: nothing proves it is the app that asked).",
            _ => "Planner does not check the state (a mistake). It exchanges the code at the token endpoint.",
        });
        self.code = Some(code);
        ctx.data_changed(); // Planner's session table shows it
        self.send_token_request(ctx);
    }

    /// The ID token's check (OIDC Core §3.1.3.7) against the nonce
    /// `nonce` sent: with Planner's client secret (HS256) when it has one,
    /// else the JWKS (ES256).
    fn id_token_check(&self, tokens: &Tokens, nonce: Option<&str>, now: u64) -> IdCheck {
        let key = match (&self.secret, &self.jwk) {
            (Some(secret), _) => IdKey::Secret(secret.as_bytes()),
            (None, Some(jwk)) => IdKey::Jwk(jwk),
            _ => IdKey::None,
        };
        let id = tokens.id_token.as_deref().unwrap_or("");
        check_id_token(id, key, nonce.unwrap_or(""), now)
    }

    fn on_tokens(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        match self.machine.current {
            "exchanging_code" => {}
            "exchanging_password" => {
                ctx.cancel_timer(TOKEN_TIMEOUT);
                ctx.fire(&mut self.machine, "tokens");
                ctx.say("Planner has tokens for the calendar API, and Alice's password too. It works, which is why the anti-pattern survives.");
                return self.connect(tokens, ctx);
            }
            "refreshing" => return self.on_refreshed(tokens, ctx),
            _ => return,
        }
        ctx.cancel_timer(TOKEN_TIMEOUT);
        if self.cfg.oidc {
            let nonce = self.request.as_ref().and_then(|r| r.nonce.as_deref());
            match self.id_token_check(&tokens, nonce, ctx.now()) {
                Err(why) => {
                    ctx.fire(&mut self.machine, "id_token_rejected");
                    ctx.say_with(|| {
                        format!("Planner checks the ID token: {why}. It rejects the login.")
                    });
                    self.page(false, "Sign-in could not be verified.", ctx);
                    return;
                }
                Ok(sub) => {
                    let key = if self.secret.is_some() {
                        "its client secret (HS256)"
                    } else {
                        "the key from /jwks"
                    };
                    ctx.say_with(|| format!("Planner checks the ID token: the signature verifies with {key}, iss is {AUTH_ORIGIN}, aud is planner, exp is ahead, iat is not in the future, and the nonce is the one it sent. It signs in {sub} and holds an access token for the calendar API."));
                }
            }
        } else {
            ctx.say("Plain OAuth, no OpenID Connect: Planner holds an access token for the calendar API, but no ID token. It can read a calendar; it does not know who signed in.");
        }
        ctx.fire(&mut self.machine, "tokens");
        self.connect(tokens, ctx);
    }

    /// Hold `tokens` (the session table shows them), tell Alice the calendar
    /// is connected and plan the calls.
    fn connect(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        self.tokens = Some(tokens);
        ctx.data_changed(); // Planner's session table shows it
        self.got_at = ctx.now();
        self.leak(ctx);
        self.page(true, "Calendar connected.", ctx);
        self.schedule_next_call(ctx);
    }

    fn on_refreshed(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        ctx.cancel_timer(REFRESH_TIMEOUT);
        ctx.fire(&mut self.machine, "refreshed");
        ctx.say("Planner stores the new access token and the new refresh token; the old refresh token is used up. It makes the call it was about to make.");
        let id_token = self.tokens.as_ref().and_then(|t| t.id_token.clone());
        self.tokens = Some(Tokens {
            id_token: tokens.id_token.clone().or(id_token),
            ..tokens
        });
        ctx.data_changed(); // Planner's session table shows it
        self.got_at = ctx.now();
        self.leak(ctx);
        self.call(ctx);
    }

    /// Whether Planner's own clock says the access token has expired.
    fn expired(&self, now: u64) -> bool {
        self.tokens
            .as_ref()
            .is_some_and(|t| now >= self.got_at + t.expires_in_s * 1000)
    }

    fn call(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(t) = &self.tokens else { return };
        let write = self.calls == 1;
        let token = if std::mem::take(&mut self.drop_token) {
            String::new()
        } else {
            t.access_token.clone()
        };
        ctx.fire(&mut self.machine, "call_api");
        ctx.say(match (write, token.is_empty()) {
            (_, true) => "A bug after a page reload: Planner calls the calendar API without its Authorization header.",
            (true, _) => "Planner adds an event: POST with the access token as a Bearer token. This needs calendar.write.",
            (false, _) => "Planner reads the calendar's events: GET with the access token as a Bearer token. This needs calendar.read.",
        });
        ctx.send(CALENDAR, OAuthMsg::ApiCall { write, token });
    }

    fn on_next_call(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(t) = &self.tokens else { return };
        if self.expired(ctx.now()) && !t.refresh_token.is_empty() {
            let refresh_token = t.refresh_token.clone();
            ctx.fire(&mut self.machine, "refresh");
            ctx.say("The access token's expires_in has run out. Planner uses its refresh token at the token endpoint (grant_type=refresh_token) instead of sending Alice through the login again.");
            ctx.send(
                AUTH,
                OAuthMsg::RefreshRequest {
                    refresh_token,
                    client_secret: self.secret.clone(),
                    mistake: self.mistake.take_if(|m| *m == Mistake::RefreshScope),
                },
            );
            ctx.set_timer(
                TOKEN_TIMEOUT_MS,
                REFRESH_TIMEOUT,
                TimerKind::Timeout,
                "refresh times out",
            );
        } else {
            self.call(ctx);
        }
    }

    fn on_api_response(&mut self, status: u16, write: bool, ctx: &mut Ctx<OAuthMsg>) {
        self.calls += 1;
        let ok = (200..300).contains(&status);
        ctx.fire(&mut self.machine, if ok { "api_ok" } else { "api_refused" });
        let what = if write {
            "adding an event"
        } else {
            "reading events"
        };
        ctx.say_with(|| match status {
            200 | 201 => format!("The calendar API accepts the token for {what}."),
            403 => format!(
                "403 insufficient_scope: the token does not allow {what}. Alice did not grant it."
            ),
            _ => format!("{status}: the calendar API refuses the call for {what}."),
        });
        self.schedule_next_call(ctx);
    }

    /// "Sign in with a token" (`POST /login/token`): with the common
    /// mistake, any genuine, unexpired access token signs its `sub` in;
    /// done right, only an ID token issued to Planner (`aud`) for a login
    /// Planner started (`nonce`) does.
    fn on_token_login(
        &mut self,
        from: ActorId,
        access: &str,
        id: Option<&str>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        let claims = |t: &str| {
            crate::message::Jws::decode(t)
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.payload).ok())
        };
        let genuine = |t: &str| {
            self.jwk
                .as_ref()
                .is_some_and(|k| verify_es256(t, k).is_ok())
        };
        let now_s = crate::jose::unix_time(ctx.now());
        let user = if self.cfg.access_token_login {
            let c = claims(access).filter(|_| genuine(access));
            let live = c
                .as_ref()
                .and_then(|c| c["exp"].as_u64())
                .is_some_and(|exp| now_s < exp);
            let for_planner = c
                .as_ref()
                .is_some_and(|c| c["client_id"].as_str() == Some(CLIENT_ID));
            match (live, for_planner) {
                (true, false) => {
                    self.foreign_logins += 1;
                    ctx.data_changed();
                    ctx.say("Planner checks only that the access token is genuine and unexpired, then signs in its sub, alice. It never asks whom the token was issued to: client_id is quizzly. Mallory is now signed in to Planner as Alice.");
                    Some(super::msg::USERNAME)
                }
                (true, true) => {
                    ctx.say("A genuine, unexpired access token issued to Planner: Planner signs in its sub.");
                    Some(super::msg::USERNAME)
                }
                _ => {
                    ctx.say("The access token is not genuine or has expired: refused.");
                    None
                }
            }
        } else {
            let sent = self.request.as_ref().and_then(|r| r.nonce.clone());
            let c = id.filter(|t| genuine(t)).and_then(claims);
            let aud = c
                .as_ref()
                .and_then(|c| c["aud"].as_str().map(str::to_string));
            let nonce = c
                .as_ref()
                .and_then(|c| c["nonce"].as_str().map(str::to_string));
            if aud.as_deref() == Some(CLIENT_ID) && nonce.is_some() && nonce == sent {
                ctx.say("A genuine ID token issued to Planner for a login Planner started: it signs in its sub.");
                Some(super::msg::USERNAME)
            } else {
                ctx.say_with(|| format!("Planner asks for proof of who signed in: an ID token issued to it. This one's aud is {}, not planner, and its nonce is not one Planner made: it was issued to another app. Refused.", aud.as_deref().unwrap_or("missing")));
                None
            }
        };
        ctx.send(from, OAuthMsg::LoginResult { user });
    }

    fn disconnect(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(t) = self.tokens.take() else {
            return;
        };
        ctx.data_changed(); // Planner's session table shows it
        ctx.cancel_timer(NEXT_CALL);
        ctx.fire(&mut self.machine, "disconnect");
        ctx.say("Alice clicks \"Disconnect my calendar\" in Planner. Planner revokes its refresh token at the server's /revoke endpoint (RFC 7009) and forgets its tokens.");
        ctx.send(
            AUTH,
            OAuthMsg::Revoke {
                token: t.refresh_token,
                hint: "refresh_token",
                client_secret: self.secret.clone(),
            },
        );
    }

    /// Mallory opens Planner in her own browser and clicks "Connect": a
    /// session of her own, with its own state, nonce and verifier.
    fn other_connect(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let state = random_token(ctx, 2);
        let nonce = self.cfg.oidc.then(|| random_token(ctx, 2));
        let verifier = (self.cfg.pkce != Pkce::Off).then(|| code_verifier(random_words(ctx)));
        let challenge = verifier.as_ref().map(|v| match self.cfg.pkce {
            Pkce::Plain => v.clone(),
            _ => code_challenge_s256(v),
        });
        let (n, v) = (nonce.is_some(), verifier.is_some());
        ctx.say_with(|| {
            let extra = match (n, v) {
                (true, true) => ", nonce and code_verifier",
                (true, false) => " and nonce",
                (false, true) => " and code_verifier",
                _ => "",
            };
            format!("Planner starts a sign-in for this visitor, Mallory in her own browser: a session with its own state{extra}, as for anyone.")
        });
        let req = AuthzRequest {
            redirect_uri: REDIRECT_URI.into(),
            scope: self.cfg.requested().into(),
            state,
            nonce,
            code_challenge: challenge,
            plain: self.cfg.pkce == Pkce::Plain,
            implicit: false,
            mistake: None,
        };
        *self.other = OtherSession {
            request: Some(req.clone()),
            verifier,
            ..OtherSession::default()
        };
        ctx.send(ATTACKER, OAuthMsg::RedirectToAuthorize(req));
    }

    /// A callback in Mallory's session: Planner exchanges the code for it.
    fn other_callback(&mut self, result: AuthzResult, ctx: &mut Ctx<OAuthMsg>) {
        let sent = self.other.request.as_ref().map(|r| r.state.clone());
        let AuthzResult::Code { code, state } = result else {
            return;
        };
        if self.cfg.check_state && Some(state) != sent {
            ctx.say("The state is not the one Planner sent this session: refused.");
            return;
        }
        let how = match (self.other.verifier.is_some(), self.secret.is_some()) {
            (true, _) => ", with that session's code_verifier",
            (false, true) => ", authenticating with its secret; no PKCE, so nothing ties the code to this session",
            _ => "; no PKCE, so nothing ties the code to this session",
        };
        ctx.say_with(|| format!("The state is the one Mallory's session got. Planner exchanges the code for her session{how}."));
        self.other.exchanging = true;
        ctx.send(
            AUTH,
            OAuthMsg::TokenRequest {
                code,
                code_verifier: self.other.verifier.clone(),
                redirect_uri: REDIRECT_URI.into(),
                client_secret: self.secret.clone(),
                mistake: None,
                other: true,
            },
        );
    }

    /// The token endpoint's answer for Mallory's session.
    fn other_tokens(&mut self, answer: Result<Tokens, &'static str>, ctx: &mut Ctx<OAuthMsg>) {
        self.other.exchanging = false;
        let nonce = self.other.request.as_ref().and_then(|r| r.nonce.clone());
        let answer = answer.and_then(|t| match self.cfg.oidc {
            true => self
                .id_token_check(&t, nonce.as_deref(), ctx.now())
                .map(|_| t),
            false => Ok(t),
        });
        let ok = answer.is_ok();
        match answer {
            Ok(t) => {
                ctx.say("Planner puts the tokens in Mallory's session: her Planner now shows Alice's calendar (code injection, RFC 9700 §4.5).");
                self.other.tokens = Some(t);
                ctx.data_changed();
            }
            Err(why) => ctx.say_with(|| {
                format!("Planner cannot connect Mallory's session: {why}. The injected code is refused.")
            }),
        }
        let text = if ok {
            "Calendar connected."
        } else {
            "Could not connect your calendar."
        };
        ctx.send(ATTACKER, OAuthMsg::CallbackPage { ok, text });
    }

    /// Send Mallory the tokens the leak faults expose, if Planner holds any.
    fn leak(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(t) = &self.tokens else {
            return;
        };
        let access_token = self.leak_access.then(|| t.access_token.clone());
        let refresh_token = self
            .leak_refresh
            .then(|| t.refresh_token.clone())
            .filter(|r| !r.is_empty());
        if access_token.is_none() && refresh_token.is_none() {
            return;
        }
        ctx.say(if refresh_token.is_some() {
            "Planner's refresh token leaks to Mallory (read from the app's storage by an injected script)."
        } else {
            "Planner's access token leaks to Mallory (a debug log line shipped to a third party)."
        });
        ctx.send(
            ATTACKER,
            OAuthMsg::LeakedTokens {
                access_token,
                refresh_token,
            },
        );
    }
}

impl Actor for Planner {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        "planner"
    }

    fn title(&self) -> String {
        "Planner (client app)".into()
    }

    fn machine(&self) -> &MachineState {
        &self.machine
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![SESSION_TABLE]
    }

    /// The session items whose value changed since last shown.
    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let Some(out) = out else { return };
        let now = self.session_values();
        for (i, value) in now.iter().enumerate() {
            if self.shown.get(i) != Some(value) {
                out.push(RowChange::new(
                    SESSION_TABLE.title,
                    vec![SESSION_ITEMS[i].to_string(), value.clone()],
                ));
            }
        }
        self.shown = now;
    }

    fn on_crash(&mut self) {
        // A single-page app keeps its state in memory: a reload loses the
        // verifier, the state and the tokens.
        // A server app's secret is in its configuration, and a password
        // it received may be in its logs: both outlive a crash.
        let fresh = Planner::new(&self.cfg);
        *self = Planner {
            secret: self.secret.take(),
            saw_password: self.saw_password,
            foreign_logins: self.foreign_logins,
            shown: std::mem::take(&mut self.shown),
            ..fresh
        };
    }

    fn on_start(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(AUTH, OAuthMsg::JwksRequest);
    }

    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        match msg {
            OAuthMsg::Connect if from == ATTACKER => self.other_connect(ctx),
            OAuthMsg::Callback(result) if from == ATTACKER => self.other_callback(result, ctx),
            OAuthMsg::ForOther(answer) if self.other.exchanging => {
                let answer = match *answer {
                    OAuthMsg::TokenResponse(t) => Ok(t),
                    OAuthMsg::TokenError { error } => Err(error),
                    _ => Err("503, the server is overloaded"),
                };
                self.other_tokens(answer, ctx)
            }
            OAuthMsg::Jwks { jwk } => {
                ctx.say("Planner keeps the server's public key: with it, it checks the signature of the ID tokens it will get.");
                self.jwk = EcJwk::from_json(&jwk);
            }
            OAuthMsg::ClientSecret { secret } => {
                self.secret = Some(secret);
                ctx.data_changed(); // Planner's session table shows it
            }
            OAuthMsg::TokenLogin {
                access_token,
                id_token,
            } => self.on_token_login(from, &access_token, id_token.as_deref(), ctx),
            OAuthMsg::Connect if self.machine.current == "idle" && self.cfg.password_grant => {
                self.browser = from;
                ctx.fire(&mut self.machine, "ask_password");
                ctx.say("Password grant: instead of sending Alice to the authorization server, Planner shows its own form asking for her calendar username and password.");
                ctx.send(from, OAuthMsg::PlannerLoginPage);
            }
            OAuthMsg::PlannerLogin if self.machine.current == "awaiting_password" => {
                self.browser = from;
                self.saw_password = true;
                ctx.data_changed();
                ctx.fire(&mut self.machine, "got_password");
                ctx.say(if self.secret.is_some() {
                    "Planner now holds Alice's password. It sends it to the token endpoint (grant_type=password), authenticating itself with its client secret."
                } else {
                    "Planner now holds Alice's password. It sends it to the token endpoint (grant_type=password); as a public client it has no secret to authenticate with."
                });
                ctx.send(
                    AUTH,
                    OAuthMsg::PasswordTokenRequest {
                        scope: self.cfg.requested().replace("openid ", ""),
                        client_secret: self.secret.clone(),
                    },
                );
                ctx.set_timer(
                    TOKEN_TIMEOUT_MS,
                    TOKEN_TIMEOUT,
                    TimerKind::Timeout,
                    "token request times out",
                );
            }
            OAuthMsg::Connect if self.machine.current == "idle" => {
                self.browser = from;
                let state = random_token(ctx, 2);
                let nonce = self.cfg.oidc.then(|| random_token(ctx, 2));
                let challenge = match self.cfg.pkce {
                    _ if self.cfg.implicit => None,
                    Pkce::Off => None,
                    pkce => {
                        let v = code_verifier(random_words(ctx));
                        let c = if pkce == Pkce::Plain {
                            v.clone()
                        } else {
                            code_challenge_s256(&v)
                        };
                        self.verifier = Some(v);
                        Some(c)
                    }
                };
                ctx.fire(&mut self.machine, "start_login");
                let (implicit, pkce) = (self.cfg.implicit, self.cfg.pkce);
                let n = if self.cfg.oidc {
                    ", a nonce (for the ID token)"
                } else {
                    ""
                };
                ctx.say_with(|| match pkce {
                    _ if implicit => format!("Planner makes a random state (against CSRF){n} and asks for the token itself (response_type=token): no code, so no PKCE."),
                    Pkce::S256 => format!("Planner makes a random state (against CSRF){n} and a code_verifier; it keeps them and sends only the verifier's SHA-256 hash, the code_challenge. It redirects the browser to the authorization server."),
                    Pkce::Plain => format!("Planner makes a random state{n} and a code_verifier, and sends the verifier itself as the challenge (method plain): anyone who sees this URL knows it."),
                    Pkce::Off => format!("Planner makes a random state{n}, but no PKCE verifier, and redirects the browser to the authorization server."),
                });
                let req = AuthzRequest {
                    redirect_uri: REDIRECT_URI.into(),
                    scope: self.cfg.requested().into(),
                    state,
                    nonce,
                    code_challenge: challenge,
                    plain: self.cfg.pkce == Pkce::Plain,
                    implicit: self.cfg.implicit,
                    mistake: self.mistake.take_if(|m| m.at_authorize()),
                };
                self.request = Some(req.clone());
                ctx.data_changed(); // Planner's session table shows it
                ctx.send(from, OAuthMsg::RedirectToAuthorize(req));
            }
            OAuthMsg::Callback(result) => self.on_callback(result, ctx),
            OAuthMsg::TokenResponse(t) => self.on_tokens(t, ctx),
            OAuthMsg::TokenError { .. } | OAuthMsg::Unavailable
                if matches!(
                    self.machine.current,
                    "exchanging_code" | "exchanging_password"
                ) =>
            {
                ctx.cancel_timer(TOKEN_TIMEOUT);
                ctx.fire(&mut self.machine, "token_error");
                let why = match msg {
                    OAuthMsg::TokenError { error } => error,
                    _ => "503, the server is overloaded",
                };
                ctx.say_with(|| {
                    format!("The token endpoint refuses: {why}. Planner is not connected.")
                });
                self.page(false, "Could not connect your calendar.", ctx);
            }
            OAuthMsg::TokenError { .. } | OAuthMsg::Unavailable
                if self.machine.current == "refreshing" =>
            {
                ctx.cancel_timer(REFRESH_TIMEOUT);
                ctx.fire(&mut self.machine, "refresh_refused");
                ctx.say("The refresh is refused. Planner drops its tokens: Alice will have to sign in again.");
                self.tokens = None;
                ctx.data_changed(); // Planner's session table shows it
            }
            OAuthMsg::Revoked => {
                ctx.say("The server confirms with 200 (it would say 200 for a token it did not know, too: there is nothing for the client to retry).");
            }
            OAuthMsg::ApiResponse { status, write, .. }
                if self.machine.current == "calling_api" =>
            {
                self.on_api_response(status, write, ctx)
            }
            _ => {}
        }
    }

    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<OAuthMsg>) -> bool {
        match name {
            "disconnect" => {
                if matches!(self.machine.current, "connected" | "calling_api") {
                    self.disconnect(ctx);
                } else {
                    ctx.say("Alice clicks \"Disconnect\", but Planner is not connected: nothing to revoke.");
                }
            }
            "leak-access-token" | "leak-refresh-token" => {
                if name == "leak-access-token" {
                    self.leak_access = true;
                } else {
                    self.leak_refresh = true;
                }
                if self.tokens.is_none() {
                    ctx.say("Planner holds no token yet: the next one it gets will leak.");
                }
                self.leak(ctx);
            }
            "forget-token" => {
                self.drop_token = true;
                ctx.say("From now on, Planner's next calendar call will go out without its token.");
            }
            bug => match Mistake::ALL.iter().find(|(n, _)| *n == bug) {
                Some(&(_, m)) => {
                    self.mistake = Some(m);
                    ctx.say(if m.at_authorize() {
                        "A bug ships in Planner: its next authorization request will be malformed."
                    } else {
                        "A bug ships in Planner: its next token request will be malformed."
                    });
                }
                None => return false,
            },
        }
        true
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<OAuthMsg>) {
        match (tag, self.machine.current) {
            (TOKEN_TIMEOUT, "exchanging_code") if !self.retried => {
                self.retried = true;
                ctx.fire(&mut self.machine, "retry_token_request");
                ctx.say("No answer from the token endpoint. Planner sends the same code again, but a code is single-use: if the first request got through, this one will be refused (unlike a payment with an idempotency key, there is no stored answer to replay).");
                self.send_token_request(ctx);
            }
            (TOKEN_TIMEOUT, "exchanging_code" | "exchanging_password") => {
                ctx.fire(&mut self.machine, "token_timeout");
                ctx.say("Still no answer: Planner gives up.");
                self.page(false, "The sign-in timed out.", ctx);
            }
            (REFRESH_TIMEOUT, "refreshing") => {
                ctx.fire(&mut self.machine, "refresh_timeout");
                ctx.say("The token endpoint does not answer the refresh. Planner cannot renew its access: Alice will have to sign in again.");
                self.tokens = None;
                ctx.data_changed(); // Planner's session table shows it
            }
            (NEXT_CALL, "connected") => self.on_next_call(ctx),
            _ => {}
        }
    }
}
