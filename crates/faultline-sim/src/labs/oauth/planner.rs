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
use super::config::{random_token, random_words, OAuthConfig, Pkce, ATTACKER, AUTH};
use super::msg::{AuthzRequest, Mistake, OAuthMsg, Tokens, REDIRECT_URI};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::jose::{code_challenge_s256, code_verifier, EcJwk};
use crate::machine::MachineState;
use crate::rows::{RowChange, TableSchema};
use crate::scenario::Config;

pub(super) const TOKEN_TIMEOUT: u32 = 1;
pub(super) const NEXT_CALL: u32 = 2;
pub(super) const REFRESH_TIMEOUT: u32 = 3;
pub(super) const TOKEN_TIMEOUT_MS: u64 = 3_000;
pub(super) const CALL_AFTER_MS: u64 = 400;
/// Between the later reads ("syncs").
pub const SYNC_EVERY_MS: u64 = 5_000;

pub use super::planner_machine::PLANNER_MACHINE;

#[derive(Clone, Debug, Hash)]
pub struct Planner {
    pub(super) cfg: OAuthConfig,
    pub(super) machine: MachineState,
    pub(super) request: Option<AuthzRequest>,
    pub(super) verifier: Option<String>,
    pub(super) code: Option<String>,
    pub(super) jwk: Option<EcJwk>,
    pub tokens: Option<Tokens>,
    /// When the current access token arrived (its expires_in counts from
    /// here).
    pub(super) got_at: u64,
    pub(super) browser: ActorId,
    pub(super) calls: u32,
    pub(super) retried: bool,
    /// The "forget-token" fault: the next call has no Authorization header.
    pub(super) drop_token: bool,
    /// The leak faults: every access (refresh) token Planner holds from
    /// then on reaches Mallory.
    pub(super) leak_access: bool,
    pub(super) leak_refresh: bool,
    /// Planner's client secret (a confidential client).
    pub(super) secret: Option<String>,
    /// Planner received the user's password (the password grant).
    pub saw_password: bool,
    /// Sign-ins Planner granted on a token that was not issued to it.
    pub foreign_logins: u32,
    /// The session table's values as last shown (full runs only).
    pub(super) shown: Vec<String>,
    /// A bug armed for Planner's next request of its kind (a lab fault).
    pub(super) mistake: Option<Mistake>,
    /// The session of another visitor: Mallory's own browser (boxed: most
    /// runs never have one).
    pub other: Box<OtherSession>,
}

pub use super::id_token::{check_id_token, IdCheck, IdKey};
pub use super::other_session::OtherSession;
use super::session_table::SESSION_ITEMS;
pub use super::session_table::SESSION_TABLE;

impl Planner {
    /// The session's values now, in `SESSION_ITEMS` order.
    pub(super) fn session_values(&self) -> Vec<String> {
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

    pub(super) fn page(&self, ok: bool, text: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(self.browser, OAuthMsg::CallbackPage { ok, text });
    }

    pub(super) fn send_token_request(&mut self, ctx: &mut Ctx<OAuthMsg>) {
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

    pub(super) fn disconnect(&mut self, ctx: &mut Ctx<OAuthMsg>) {
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
    /// Send Mallory the tokens the leak faults expose, if Planner holds any.
    pub(super) fn leak(&mut self, ctx: &mut Ctx<OAuthMsg>) {
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

    /// The server's public key (its JWKS), kept to check ID tokens.
    fn on_jwks(&mut self, jwk: &str, ctx: &mut Ctx<OAuthMsg>) {
        ctx.say("Planner keeps the server's public key: with it, it checks the signature of the ID tokens it will get.");
        self.jwk = EcJwk::from_json(jwk);
    }

    /// Planner's client secret, from the server's registration (a
    /// confidential client).
    fn on_client_secret(&mut self, secret: String, ctx: &mut Ctx<OAuthMsg>) {
        self.secret = Some(secret);
        ctx.data_changed(); // Planner's session table shows it
    }

    /// The server confirms the revocation.
    fn on_revoked(ctx: &mut Ctx<OAuthMsg>) {
        ctx.say("The server confirms with 200 (it would say 200 for a token it did not know, too: there is nothing for the client to retry).");
    }

    /// The token endpoint's answer to a request made for the other
    /// visitor's session: tokens, or why not.
    fn on_answer_for_other(&mut self, answer: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        let answer = match answer {
            OAuthMsg::TokenResponse(t) => Ok(t),
            OAuthMsg::TokenError { error } => Err(error),
            _ => Err("503, the server is overloaded"),
        };
        self.other_tokens(answer, ctx)
    }

    /// Password grant: Alice clicked "Connect", and Planner shows its own
    /// form asking for her password.
    fn ask_password(&mut self, from: ActorId, ctx: &mut Ctx<OAuthMsg>) {
        self.browser = from;
        ctx.fire(&mut self.machine, "ask_password");
        ctx.say("Password grant: instead of sending Alice to the authorization server, Planner shows its own form asking for her calendar username and password.");
        ctx.send(from, OAuthMsg::PlannerLoginPage);
    }

    /// Password grant: Planner now holds Alice's password and sends it to
    /// the token endpoint.
    fn on_password(&mut self, from: ActorId, ctx: &mut Ctx<OAuthMsg>) {
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

    /// Alice clicked "Connect": Planner makes its state, nonce and PKCE
    /// verifier and redirects her browser to the authorization server.
    fn start_login(&mut self, from: ActorId, ctx: &mut Ctx<OAuthMsg>) {
        self.browser = from;
        let state = random_token(ctx, 2);
        let nonce = self.cfg.oidc.then(|| random_token(ctx, 2));
        let challenge = self.new_code_challenge(ctx);
        ctx.fire(&mut self.machine, "start_login");
        self.say_login_start(ctx);
        let req = AuthzRequest {
            implicit: self.cfg.implicit,
            mistake: self.mistake.take_if(|m| m.at_authorize()),
            ..self.authz_request(state, nonce, challenge)
        };
        self.request = Some(req.clone());
        ctx.data_changed(); // Planner's session table shows it
        ctx.send(from, OAuthMsg::RedirectToAuthorize(req));
    }

    /// A sign-in's authorization request by the code grant: Planner's
    /// redirect URI and scope, and the session's state, nonce and PKCE
    /// challenge (the method from the settings).
    pub(super) fn authz_request(
        &self,
        state: String,
        nonce: Option<String>,
        code_challenge: Option<String>,
    ) -> AuthzRequest {
        AuthzRequest {
            redirect_uri: REDIRECT_URI.into(),
            scope: self.cfg.requested().into(),
            state,
            nonce,
            code_challenge,
            plain: self.cfg.pkce == Pkce::Plain,
            implicit: false,
            mistake: None,
        }
    }

    /// A new PKCE verifier, kept, and the challenge to send (the verifier
    /// itself with `plain`); none without PKCE or under the implicit grant.
    fn new_code_challenge(&mut self, ctx: &mut Ctx<OAuthMsg>) -> Option<String> {
        match self.cfg.pkce {
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
        }
    }

    /// What Planner makes for the login it starts, and what it sends.
    fn say_login_start(&self, ctx: &mut Ctx<OAuthMsg>) {
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
    }

    /// The token endpoint refused the code or the password (or was
    /// overloaded): Planner is not connected.
    fn on_token_refused(&mut self, answer: &OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        ctx.cancel_timer(TOKEN_TIMEOUT);
        ctx.fire(&mut self.machine, "token_error");
        let why = match answer {
            OAuthMsg::TokenError { error } => *error,
            _ => "503, the server is overloaded",
        };
        ctx.say_with(|| format!("The token endpoint refuses: {why}. Planner is not connected."));
        self.page(false, "Could not connect your calendar.", ctx);
    }

    /// The refresh was refused (or the server was overloaded): Planner
    /// drops its tokens.
    fn on_refresh_refused(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        ctx.cancel_timer(REFRESH_TIMEOUT);
        ctx.fire(&mut self.machine, "refresh_refused");
        ctx.say(
            "The refresh is refused. Planner drops its tokens: Alice will have to sign in again.",
        );
        self.tokens = None;
        ctx.data_changed(); // Planner's session table shows it
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
                self.on_answer_for_other(*answer, ctx)
            }
            OAuthMsg::Jwks { jwk } => self.on_jwks(&jwk, ctx),
            OAuthMsg::ClientSecret { secret } => self.on_client_secret(secret, ctx),
            OAuthMsg::TokenLogin {
                access_token,
                id_token,
            } => self.on_token_login(from, &access_token, id_token.as_deref(), ctx),
            OAuthMsg::Connect if self.machine.current == "idle" && self.cfg.password_grant => {
                self.ask_password(from, ctx)
            }
            OAuthMsg::PlannerLogin if self.machine.current == "awaiting_password" => {
                self.on_password(from, ctx)
            }
            OAuthMsg::Connect if self.machine.current == "idle" => self.start_login(from, ctx),
            OAuthMsg::Callback(result) => self.on_callback(result, ctx),
            OAuthMsg::TokenResponse(t) => self.on_tokens(t, ctx),
            OAuthMsg::TokenError { .. } | OAuthMsg::Unavailable
                if matches!(
                    self.machine.current,
                    "exchanging_code" | "exchanging_password"
                ) =>
            {
                self.on_token_refused(&msg, ctx)
            }
            OAuthMsg::TokenError { .. } | OAuthMsg::Unavailable
                if self.machine.current == "refreshing" =>
            {
                self.on_refresh_refused(ctx)
            }
            OAuthMsg::Revoked => Self::on_revoked(ctx),
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
