//! Mallory, the attacker. Each attack is started by a lab fault:
//! - a leaked callback URL (and authorization request): she tries to
//!   redeem Alice's code herself (a public client has no secret; only
//!   PKCE's verifier stops her, and `plain` PKCE does not if she saw the
//!   request);
//! - a forged callback (login CSRF / code injection): she gets a code for
//!   her own account and makes Alice's browser deliver it to Planner;
//! - leaked tokens: she reads the calendar with a stolen access token, or
//!   replays a stolen refresh token (rotation detects the reuse);
//! - code injection: she puts a stolen code into her own session at
//!   Planner, which redeems it with its own credentials (RFC 9700 §4.5);
//! - a phishing link with a look-alike redirect_uri: a lax prefix match
//!   sends Alice's code to Mallory's host; she started the flow, so the
//!   code is bound to her own PKCE challenge.

use super::config::{random_token, random_words, AUTH, BROWSER, CALENDAR, PLANNER};
use super::msg::{
    AuthzRequest, AuthzResult, OAuthMsg, Tokens, FORGED_STATE, LOOKALIKE_REDIRECT_URI,
    REDIRECT_URI, REQUESTED,
};
use crate::actor::{Actor, ActorId, Ctx, TimerKind};
use crate::jose::{code_challenge_s256, code_verifier};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::scenario::Config;

const READ: u32 = 1;
const REPLAY_REFRESH: u32 = 2;
/// Between Mallory's reads with a stolen token.
const READ_EVERY_MS: u64 = 4_000;
/// How many times she reads.
const READS_MAX: u32 = 4;
/// She replays a stolen refresh token this long after getting it.
pub const REPLAY_AFTER_MS: u64 = 6_000;

pub static ATTACKER_MACHINE: StateMachine = StateMachine {
    name: "Mallory (attacker)",
    states: &[
        "waiting",
        "phishing",
        "has_code",
        "has_stolen_token",
        "has_tokens",
        "substituting",
        "injecting",
        "foiled",
    ],
    transitions: &[
        Transition::new("waiting", "steal_code", "has_code"),
        Transition::new("waiting", "get_own_code", "has_code"),
        Transition::new("has_code", "plant_link", "waiting"),
        Transition::new("has_code", "refused", "foiled"),
        Transition::new("has_code", "got_tokens", "has_tokens"),
        Transition::new("has_tokens", "read_calendar", "has_tokens"),
        Transition::new("waiting", "steal_token", "has_stolen_token"),
        Transition::new("has_stolen_token", "read_calendar", "has_stolen_token"),
        Transition::new("has_stolen_token", "refreshed", "has_tokens"),
        Transition::new("has_stolen_token", "refresh_refused", "foiled"),
        Transition::new("waiting", "send_phishing_link", "phishing"),
        Transition::new("waiting", "collect_quizzly_tokens", "substituting"),
        Transition::new("substituting", "signed_in_as_victim", "has_tokens"),
        Transition::new("substituting", "login_refused", "foiled"),
        Transition::new("phishing", "catch_code", "has_code"),
        Transition::new("has_code", "inject_code", "injecting"),
        Transition::new("injecting", "session_linked", "has_tokens"),
        Transition::new("injecting", "refused", "foiled"),
    ],
};

#[derive(Clone, Debug, Hash)]
pub struct Attacker {
    machine: MachineState,
    /// Token responses the server sent her.
    pub tokens_received: u32,
    /// The authorization request she saw (a `plain` challenge is the
    /// verifier).
    seen_request: Option<AuthzRequest>,
    /// Her own verifier, for the phishing flow.
    verifier: Option<String>,
    access_token: Option<String>,
    refresh_token: Option<String>,
    reads: u32,
    /// The "inject-code" fault: a stolen code goes into her own Planner
    /// session instead of the token endpoint.
    inject: bool,
    /// The stolen code she is injecting.
    code: Option<String>,
}

impl Attacker {
    pub fn new() -> Self {
        Self {
            machine: MachineState::new(&ATTACKER_MACHINE),
            tokens_received: 0,
            seen_request: None,
            verifier: None,
            access_token: None,
            refresh_token: None,
            reads: 0,
            inject: false,
            code: None,
        }
    }

    fn read(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        let Some(token) = self.access_token.clone() else {
            return;
        };
        if self.reads >= READS_MAX {
            return;
        }
        self.reads += 1;
        ctx.fire(&mut self.machine, "read_calendar");
        ctx.say("Mallory reads Alice's calendar with the token she holds.");
        ctx.send(
            CALENDAR,
            OAuthMsg::ApiCall {
                write: false,
                token,
            },
        );
        if self.reads < READS_MAX {
            ctx.set_timer(READ_EVERY_MS, READ, TimerKind::Work, "Mallory reads again");
        }
    }

    fn phish(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        if self.machine.current != "waiting" {
            return;
        }
        let verifier = code_verifier(random_words(ctx));
        let req = AuthzRequest {
            mistake: None,
            redirect_uri: LOOKALIKE_REDIRECT_URI.into(),
            scope: REQUESTED.into(),
            state: random_token(ctx, 2),
            nonce: None,
            code_challenge: Some(code_challenge_s256(&verifier)),
            plain: false,
            implicit: false,
        };
        self.verifier = Some(verifier);
        ctx.fire(&mut self.machine, "send_phishing_link");
        ctx.say("Mallory sends Alice a link to the real authorization server: Planner's client_id, a redirect_uri on her look-alike host, and a PKCE challenge of her own (PKCE cannot help here: she holds the verifier).");
        ctx.send(BROWSER, OAuthMsg::PhishingLink(req));
    }

    /// A leaked callback brought Alice's code: Mallory injects it into her
    /// own Planner session (the "inject-code" fault) or redeems it herself.
    fn on_stolen_code(&mut self, code: String, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "steal_code");
        if self.inject {
            ctx.fire(&mut self.machine, "inject_code");
            ctx.say("Mallory has Alice's code. She opens Planner in her own browser and clicks \"Connect\", to get a session of her own to put the code in.");
            self.code = Some(code);
            ctx.send(PLANNER, OAuthMsg::Connect);
            return;
        }
        self.redeem_stolen_code(code, ctx);
    }

    /// Mallory sends Alice's stolen code to the token endpoint, with the
    /// verifier if the leaked request showed it (PKCE `plain`).
    fn redeem_stolen_code(&mut self, code: String, ctx: &mut Ctx<OAuthMsg>) {
        let seen = self.seen_request.as_ref();
        let verifier = seen
            .filter(|r| r.plain)
            .and_then(|r| r.code_challenge.clone());
        ctx.say(match (verifier.is_some(), seen.is_some_and(|r| r.code_challenge.is_some())) {
            (true, _) => "Mallory has Alice's code, and she saw the authorization request: with PKCE plain, its code_challenge IS the verifier. She redeems the code with it.",
            (false, true) => "Mallory has Alice's code and sends it to the token endpoint herself. The request carried only the verifier's hash: she cannot send the code_verifier.",
            _ => "Mallory has Alice's code and sends it to the token endpoint herself. The request had no PKCE challenge, so no verifier is asked of her.",
        });
        ctx.send(
            AUTH,
            OAuthMsg::TokenRequest {
                mistake: None,
                code,
                code_verifier: verifier,
                redirect_uri: REDIRECT_URI.into(),
                client_secret: None,
                other: false,
            },
        );
    }

    /// The implicit grant's leaked callback URL holds the access token
    /// itself: Mallory takes it and reads the calendar.
    fn on_token_in_leaked_url(&mut self, access_token: String, ctx: &mut Ctx<OAuthMsg>) {
        self.tokens_received += 1;
        ctx.data_changed();
        ctx.fire(&mut self.machine, "steal_token");
        ctx.say("The implicit grant put Alice's access token in the URL itself: Mallory reads it from the leaked URL, no code to redeem, nothing to prove.");
        self.access_token = Some(access_token);
        self.read(ctx);
    }

    /// Alice's browser lands on Mallory's look-alike host: a reassuring
    /// page, and the code redeemed with Mallory's own verifier.
    fn on_lookalike_callback(
        &mut self,
        from: ActorId,
        result: AuthzResult,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        ctx.send(
            from,
            OAuthMsg::CallbackPage {
                ok: true,
                text: "Calendar connected.",
            },
        );
        let AuthzResult::Code { code, .. } = result else {
            ctx.say("The redirect brings Mallory no code.");
            return;
        };
        ctx.fire(&mut self.machine, "catch_code");
        ctx.say("Alice's browser lands on Mallory's look-alike host with Alice's code. Mallory shows a reassuring page and redeems the code with her own verifier and her redirect_uri.");
        ctx.send(
            AUTH,
            OAuthMsg::TokenRequest {
                mistake: None,
                code,
                code_verifier: self.verifier.clone(),
                redirect_uri: LOOKALIKE_REDIRECT_URI.into(),
                client_secret: None,
                other: false,
            },
        );
    }

    /// Planner redirected Mallory's own session to /authorize: instead,
    /// she opens its callback with Alice's code and her session's state.
    fn inject_code_at_callback(&mut self, req: AuthzRequest, ctx: &mut Ctx<OAuthMsg>) {
        ctx.say("Mallory does not follow the redirect. She opens Planner's callback with Alice's code and the state Planner just gave her session.");
        let code = self.code.take().unwrap_or_default();
        let state = req.state;
        ctx.send(
            PLANNER,
            OAuthMsg::Callback(AuthzResult::Code { code, state }),
        );
    }

    /// Planner's page after the injected code: her session is connected
    /// to Alice's calendar, or not.
    fn on_injection_page(&mut self, ok: bool, ctx: &mut Ctx<OAuthMsg>) {
        if ok {
            ctx.fire(&mut self.machine, "session_linked");
            ctx.say("Mallory's Planner session is connected to Alice's calendar.");
        } else {
            ctx.fire(&mut self.machine, "refused");
            ctx.say("Planner could not use the injected code: Mallory's session stays empty.");
        }
    }

    /// Mallory presents the tokens Quizzly got for Alice to Planner's
    /// "sign in with a token" endpoint.
    fn substitute_quizzly_tokens(&mut self, t: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "collect_quizzly_tokens");
        ctx.say("Mallory presents Alice's Quizzly tokens to Planner's \"sign in with a token\" endpoint, as if they were her own proof of login.");
        ctx.send(
            PLANNER,
            OAuthMsg::TokenLogin {
                access_token: t.access_token,
                id_token: t.id_token,
            },
        );
    }

    /// Planner's answer to the substituted token: signed in as Alice, or
    /// refused.
    fn on_substitution_login(&mut self, signed_in: bool, ctx: &mut Ctx<OAuthMsg>) {
        if signed_in {
            ctx.fire(&mut self.machine, "signed_in_as_victim");
            ctx.say("Mallory is signed in to Planner as Alice.");
        } else {
            ctx.fire(&mut self.machine, "login_refused");
            ctx.say(
                "Planner refuses: a token issued to Quizzly does not sign anyone in to Planner.",
            );
        }
    }

    /// Mallory got a code for her own account: she sends Alice a link to
    /// Planner's callback carrying it (login CSRF).
    fn plant_forged_link(&mut self, code: String, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "get_own_code");
        ctx.fire(&mut self.machine, "plant_link");
        ctx.say("Mallory does not use her code. She sends Alice a link to Planner's callback carrying it, with a state she made up.");
        ctx.send(
            BROWSER,
            OAuthMsg::ForgedLink(AuthzResult::Code {
                code,
                state: FORGED_STATE.into(),
            }),
        );
    }

    /// The token endpoint refuses the code Mallory tried to redeem.
    fn on_code_refused(&mut self, error: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "refused");
        ctx.say_with(|| match error {
            "invalid_client" => "The server refuses Mallory (invalid_client): without Planner's secret she cannot redeem the code herself.".to_string(),
            _ => format!("The server refuses Mallory ({error}): she cannot redeem this code herself."),
        });
    }

    /// The token endpoint gave Mallory Alice's tokens for the code: she
    /// reads the calendar.
    fn on_code_redeemed(&mut self, t: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        self.tokens_received += 1;
        ctx.data_changed();
        ctx.fire(&mut self.machine, "got_tokens");
        let pkce = self
            .seen_request
            .as_ref()
            .and_then(|r| r.code_challenge.as_ref());
        ctx.say(match (self.verifier.is_some(), pkce.is_some()) {
            (true, _) => "Mallory started this flow, so the code is bound to her own PKCE challenge and her verifier proves it: she gets Alice's tokens. PKCE cannot help when the attacker starts the flow.",
            (false, true) => "The plain verifier matches the challenge: Mallory gets Alice's tokens.",
            _ => "No PKCE: nothing ties the code to the app that asked for it, so Mallory gets Alice's tokens.",
        });
        self.access_token = Some(t.access_token);
        self.read(ctx);
    }

    /// Planner's tokens leaked to Mallory: she reads with the access token
    /// and keeps a refresh token to replay later.
    fn on_leaked_tokens(
        &mut self,
        access_token: Option<String>,
        refresh_token: Option<String>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        ctx.fire(&mut self.machine, "steal_token");
        self.access_token = access_token;
        if refresh_token.is_some() {
            self.refresh_token = refresh_token;
            ctx.say("Mallory keeps the stolen refresh token and waits, to use it when nobody is looking.");
            ctx.set_timer(
                REPLAY_AFTER_MS,
                REPLAY_REFRESH,
                TimerKind::Work,
                "Mallory uses the stolen refresh token",
            );
        }
        self.read(ctx);
    }

    /// The server rotated the stolen refresh token for Mallory: she holds
    /// fresh tokens of Alice's family.
    fn on_refreshed(&mut self, t: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        self.tokens_received += 1;
        ctx.data_changed();
        ctx.fire(&mut self.machine, "refreshed");
        ctx.say("The stolen refresh token had not been used yet: the server rotates it for Mallory, who now holds fresh tokens of Alice's family. When Planner next presents the old one, the server will see the reuse.");
        self.access_token = Some(t.access_token);
        self.read(ctx);
    }

    /// The server refused the stolen refresh token: Mallory drops her
    /// access token.
    fn on_refresh_refused(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        ctx.fire(&mut self.machine, "refresh_refused");
        ctx.say("The server refuses the stolen refresh token: it was already used (so the server revoked the whole family), revoked, expired, or it belongs to a confidential client whose secret Mallory does not have.");
        self.access_token = None;
    }
}

impl Default for Attacker {
    fn default() -> Self {
        Self::new()
    }
}

impl Actor for Attacker {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        "attacker"
    }

    fn title(&self) -> String {
        "Mallory (attacker)".into()
    }

    fn machine(&self) -> &MachineState {
        &self.machine
    }

    fn on_crash(&mut self) {}

    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        match (msg, self.machine.current) {
            (OAuthMsg::LeakedAuthorize(req), _) => self.seen_request = Some(req),
            (OAuthMsg::LeakedCallback(AuthzResult::Code { code, .. }), "waiting") => {
                self.on_stolen_code(code, ctx)
            }
            (OAuthMsg::LeakedCallback(AuthzResult::Token { access_token, .. }), "waiting") => {
                self.on_token_in_leaked_url(access_token, ctx)
            }
            (OAuthMsg::LookalikeCallback(result), "phishing") => {
                self.on_lookalike_callback(from, result, ctx)
            }
            (OAuthMsg::RedirectToAuthorize(req), "injecting") => {
                self.inject_code_at_callback(req, ctx)
            }
            (OAuthMsg::CallbackPage { ok, .. }, "injecting") => self.on_injection_page(ok, ctx),
            (OAuthMsg::QuizzlyTokens(t), "waiting") => self.substitute_quizzly_tokens(t, ctx),
            (OAuthMsg::LoginResult { user }, "substituting") => {
                self.on_substitution_login(user.is_some(), ctx)
            }
            (OAuthMsg::AttackerCode { code }, "waiting") => self.plant_forged_link(code, ctx),
            (OAuthMsg::TokenError { error }, "has_code") => self.on_code_refused(error, ctx),
            (OAuthMsg::TokenResponse(t), "has_code") => self.on_code_redeemed(t, ctx),
            (
                OAuthMsg::LeakedTokens {
                    access_token,
                    refresh_token,
                },
                "waiting",
            ) => self.on_leaked_tokens(access_token, refresh_token, ctx),
            (
                OAuthMsg::LeakedTokens {
                    access_token: Some(a),
                    ..
                },
                "has_stolen_token",
            ) => self.access_token = Some(a),
            (OAuthMsg::TokenResponse(t), "has_stolen_token") => self.on_refreshed(t, ctx),
            (OAuthMsg::TokenError { .. }, "has_stolen_token") => self.on_refresh_refused(ctx),
            _ => {}
        }
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<OAuthMsg>) {
        match (tag, self.machine.current) {
            (READ, "has_stolen_token" | "has_tokens") => self.read(ctx),
            (REPLAY_REFRESH, "has_stolen_token") => {
                if let Some(refresh_token) = self.refresh_token.take() {
                    ctx.say("Mallory presents the stolen refresh token at the token endpoint.");
                    ctx.send(
                        AUTH,
                        OAuthMsg::RefreshRequest {
                            mistake: None,
                            refresh_token,
                            client_secret: None,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    fn on_lab_fault(&mut self, name: &str, _args: &Config, ctx: &mut Ctx<OAuthMsg>) -> bool {
        match name {
            "forged-callback" => {
                ctx.say("Mallory signs in to the authorization server with her own account, for Planner's client_id but without a code_challenge, to get a code of her own.");
                ctx.send(AUTH, OAuthMsg::AttackerAuthorize);
            }
            "phishing-link" => self.phish(ctx),
            "inject-code" => {
                self.inject = true;
                ctx.say("Mallory will put the next code she steals into her own Planner session (code injection) rather than redeem it herself.");
            }
            "token-substitution" if self.machine.current == "waiting" => {
                ctx.say("Mallory runs Quizzly, a quiz app Alice signed in to with the same authorization server. She takes the tokens Quizzly got for Alice.");
                ctx.send(AUTH, OAuthMsg::QuizzlyLogin);
            }
            "token-substitution" => {}
            _ => return false,
        }
        true
    }
}
