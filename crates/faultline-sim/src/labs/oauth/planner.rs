//! Planner, the client app (a public client: no secret). It starts the
//! authorization code flow with state, nonce and PKCE, checks the state on
//! the callback, exchanges the code, checks the ID token (signature with
//! the server's JWKS, `aud` = Planner, `nonce`), then calls the calendar
//! API with the access token: a read, then a write.

use super::config::{random_token, random_words, OAuthConfig, AUTH, CALENDAR};
use super::msg::{AuthzRequest, AuthzResult, OAuthMsg, Tokens, CLIENT_ID, REQUESTED};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::jose::{code_challenge_s256, code_verifier, verify_es256, EcJwk};
use crate::machine::{MachineState, StateMachine, Transition};

const TOKEN_TIMEOUT: u32 = 1;
const NEXT_CALL: u32 = 2;
const TOKEN_TIMEOUT_MS: u64 = 3_000;
const CALL_AFTER_MS: u64 = 400;

pub static PLANNER_MACHINE: StateMachine = StateMachine {
    name: "Planner (client app)",
    states: &[
        "idle",
        "awaiting_code",
        "exchanging_code",
        "connected",
        "calling_api",
        "failed",
    ],
    transitions: &[
        Transition::new("idle", "start_login", "awaiting_code"),
        Transition::new("awaiting_code", "got_code", "exchanging_code"),
        Transition::new("awaiting_code", "state_mismatch", "awaiting_code"),
        Transition::new("awaiting_code", "access_denied", "failed"),
        Transition::new("exchanging_code", "tokens", "connected"),
        Transition::new("exchanging_code", "id_token_rejected", "failed"),
        Transition::new("exchanging_code", "token_error", "failed"),
        Transition::new("exchanging_code", "retry_token_request", "exchanging_code"),
        Transition::new("exchanging_code", "token_timeout", "failed"),
        Transition::new("connected", "call_api", "calling_api"),
        Transition::new("calling_api", "api_ok", "connected"),
        Transition::new("calling_api", "api_refused", "connected"),
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
    browser: ActorId,
    calls: u32,
    retried: bool,
}

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
            browser: 0,
            calls: 0,
            retried: false,
        }
    }

    fn page(&self, ok: bool, text: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(self.browser, OAuthMsg::CallbackPage { ok, text });
    }

    fn send_token_request(&self, ctx: &mut Ctx<OAuthMsg>) {
        let code = self.code.clone().unwrap_or_default();
        ctx.send(
            AUTH,
            OAuthMsg::TokenRequest {
                code,
                code_verifier: self.verifier.clone(),
            },
        );
        ctx.set_timer(
            TOKEN_TIMEOUT_MS,
            TOKEN_TIMEOUT,
            TimerKind::Timeout,
            "token request times out",
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
        let (got_state, code) = match &result {
            AuthzResult::Code { code, state } => (state.clone(), Some(code.clone())),
            AuthzResult::Error { state, .. } => (state.clone(), None),
        };
        if self.cfg.check_state && got_state != sent {
            ctx.fire(&mut self.machine, "state_mismatch");
            ctx.say("The state in the callback is not the one Planner sent: this callback did not come from its own login (a CSRF attempt). Planner refuses it and keeps waiting for Alice's own.");
            return;
        }
        let Some(code) = code else {
            ctx.fire(&mut self.machine, "access_denied");
            ctx.say("The callback carries error=access_denied: Alice said no. Planner has no code and asks for nothing more.");
            self.page(false, "You did not allow access to your calendar.", ctx);
            return;
        };
        ctx.fire(&mut self.machine, "got_code");
        ctx.say(if self.cfg.check_state {
            "The state matches the one Planner sent. Planner exchanges the code at the token endpoint, with its code_verifier: only the app that made the challenge knows it."
        } else {
            "Planner does not check the state (a mistake). It exchanges the code at the token endpoint."
        });
        self.code = Some(code);
        self.send_token_request(ctx);
    }

    fn on_tokens(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        if self.machine.current != "exchanging_code" {
            return;
        }
        ctx.cancel_timer(TOKEN_TIMEOUT);
        let nonce = self
            .request
            .as_ref()
            .map(|r| r.nonce.clone())
            .unwrap_or_default();
        let id_ok = match (&tokens.id_token, &self.jwk) {
            (Some(id), Some(jwk)) => {
                verify_es256(id, jwk).is_ok()
                    && crate::message::Jws::decode(id).is_some_and(|j| {
                        j.payload.contains(&format!("\"aud\":\"{CLIENT_ID}\""))
                            && j.payload.contains(&format!("\"nonce\":\"{nonce}\""))
                    })
            }
            _ => false,
        };
        if !id_ok {
            ctx.fire(&mut self.machine, "id_token_rejected");
            ctx.say("The ID token does not verify against the server's key, or its audience or nonce is wrong: Planner rejects the login.");
            self.page(false, "Sign-in could not be verified.", ctx);
            return;
        }
        ctx.fire(&mut self.machine, "tokens");
        ctx.say("Planner checks the ID token: the signature verifies with the key from /jwks, aud is planner, and the nonce is the one it sent. Alice is signed in, and Planner holds an access token meant for the calendar API.");
        self.tokens = Some(tokens);
        self.page(true, "Calendar connected.", ctx);
        ctx.set_timer(
            CALL_AFTER_MS,
            NEXT_CALL,
            TimerKind::Work,
            "Planner calls the calendar API",
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

    fn on_crash(&mut self) {
        // A single-page app keeps its state in memory: a reload loses the
        // verifier, the state and the tokens.
        let cfg = self.cfg.clone();
        *self = Planner::new(&cfg);
    }

    fn on_start(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(AUTH, OAuthMsg::JwksRequest);
    }

    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        match msg {
            OAuthMsg::Jwks { jwk } => self.jwk = EcJwk::from_json(&jwk),
            OAuthMsg::Connect if self.machine.current == "idle" => {
                self.browser = from;
                let state = random_token(ctx, 2);
                let nonce = random_token(ctx, 2);
                let challenge = self.cfg.pkce.then(|| {
                    let v = code_verifier(random_words(ctx));
                    let c = code_challenge_s256(&v);
                    self.verifier = Some(v);
                    c
                });
                ctx.fire(&mut self.machine, "start_login");
                ctx.say(if self.cfg.pkce {
                    "Planner makes a random state (against CSRF), a nonce (for the ID token) and a code_verifier; it keeps them and sends only the verifier's SHA-256 hash, the code_challenge. It redirects the browser to the authorization server."
                } else {
                    "Planner makes a random state and a nonce, but no PKCE verifier, and redirects the browser to the authorization server."
                });
                let req = AuthzRequest {
                    scope: REQUESTED.into(),
                    state,
                    nonce,
                    code_challenge: challenge,
                };
                self.request = Some(req.clone());
                ctx.send(from, OAuthMsg::RedirectToAuthorize(req));
            }
            OAuthMsg::Callback(result) => self.on_callback(result, ctx),
            OAuthMsg::TokenResponse(t) => self.on_tokens(t, ctx),
            OAuthMsg::TokenError { error } if self.machine.current == "exchanging_code" => {
                ctx.cancel_timer(TOKEN_TIMEOUT);
                ctx.fire(&mut self.machine, "token_error");
                ctx.say_with(|| {
                    format!("The token endpoint refuses: {error}. Planner is not connected.")
                });
                self.page(false, "Could not connect your calendar.", ctx);
            }
            OAuthMsg::ApiResponse { status, write, .. }
                if self.machine.current == "calling_api" =>
            {
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
                    403 => format!("403 insufficient_scope: the token does not allow {what}. Alice did not grant it."),
                    _ => format!("{status}: the calendar API refuses the token for {what}."),
                });
                if self.calls < 2 {
                    ctx.set_timer(
                        CALL_AFTER_MS,
                        NEXT_CALL,
                        TimerKind::Work,
                        "Planner calls the calendar API",
                    );
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<OAuthMsg>) {
        match (tag, self.machine.current) {
            (TOKEN_TIMEOUT, "exchanging_code") if !self.retried => {
                self.retried = true;
                ctx.fire(&mut self.machine, "retry_token_request");
                ctx.say("No answer from the token endpoint. Planner sends the same code again, but a code is single-use: if the first request got through, this one will be refused (unlike a payment with an idempotency key, there is no stored answer to replay).");
                self.send_token_request(ctx);
            }
            (TOKEN_TIMEOUT, "exchanging_code") => {
                ctx.fire(&mut self.machine, "token_timeout");
                ctx.say("Still no answer: Planner gives up.");
                self.page(false, "The sign-in timed out.", ctx);
            }
            (NEXT_CALL, "connected") => {
                let Some(t) = &self.tokens else { return };
                let write = self.calls == 1;
                let token = t.access_token.clone();
                ctx.fire(&mut self.machine, "call_api");
                ctx.say(if write {
                    "Planner adds an event: POST with the access token as a Bearer token. This needs calendar.write."
                } else {
                    "Planner reads Alice's events: GET with the access token as a Bearer token. This needs calendar.read."
                });
                ctx.send(CALENDAR, OAuthMsg::ApiCall { write, token });
            }
            _ => {}
        }
    }
}
