//! The authorization server (RFC 6749 §3, OIDC): login, consent, one-use
//! authorization codes bound to a PKCE challenge, the token endpoint, its
//! JWKS and introspection (RFC 7662). Tokens are real ES256 JWS from a key
//! drawn from the seeded generator. A code presented twice is refused and
//! everything it gave is revoked (RFC 6749 §4.1.2, RFC 9700).

use super::config::{random_token, random_words, OAuthConfig};
use super::msg::{
    AuthzRequest, AuthzResult, Decision, OAuthMsg, Tokens, AUTH_ORIGIN, CALENDAR_ORIGIN, CLIENT_ID,
    USERNAME,
};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::jose::{code_challenge_s256, unix_time, Es256Key};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::trace::{mark_changed, RowChange, TableSchema};

/// How long a code may be exchanged (RFC 6749 §4.1.2: at most 10 minutes).
pub const CODE_TTL_MS: u64 = 30_000;

/// The life of one authorization code.
pub static CODE_MACHINE: StateMachine = StateMachine {
    name: "Authorization code",
    states: &["issued", "redeemed", "revoked", "expired"],
    transitions: &[
        Transition::new("issued", "redeem", "redeemed"),
        Transition::new("issued", "refuse_verifier", "issued"),
        Transition::new("redeemed", "replayed_revoke", "revoked"),
        Transition::new("issued", "expire", "expired"),
    ],
};

/// One code and what it gave.
#[derive(Clone, Debug)]
pub struct CodeRecord {
    pub code: String,
    /// Whose account the code is for.
    pub sub: &'static str,
    pub requested: String,
    pub consented: String,
    pub granted: String,
    pub challenge: Option<String>,
    pub nonce: String,
    pub issued_at: u64,
    pub machine: MachineState,
    pub serial: u32,
    /// Token responses sent for it.
    pub exchanges: u32,
}

/// A token the server issued.
#[derive(Clone, Debug)]
pub struct TokenRecord {
    pub value: String,
    pub refresh: bool,
    /// The code (serial) whose exchange issued it: its family.
    pub family: u32,
    pub scope: String,
    pub expires_at: u64,
    pub revoked: bool,
}

impl TokenRecord {
    pub fn active(&self, now: u64) -> bool {
        !self.revoked && now < self.expires_at
    }
}

#[derive(Clone, Debug)]
pub struct AuthServer {
    cfg: OAuthConfig,
    key: Option<Es256Key>,
    /// The authorization request the browser is in the middle of.
    pending: Option<AuthzRequest>,
    pub codes: Vec<CodeRecord>,
    pub tokens: Vec<TokenRecord>,
    dirty: Vec<u32>,
    shown: MachineState,
}

impl AuthServer {
    pub fn new(cfg: &OAuthConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            key: None,
            pending: None,
            codes: Vec::new(),
            tokens: Vec::new(),
            dirty: Vec::new(),
            shown: MachineState::new(&CODE_MACHINE),
        }
    }

    fn fire(&mut self, i: usize, event: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        let c = &mut self.codes[i];
        ctx.fire_instance(&mut c.machine, c.serial, event);
        self.shown = c.machine;
        mark_changed(&mut self.dirty, c.serial);
        ctx.data_changed();
    }

    fn jwk_json(&self) -> String {
        self.key
            .as_ref()
            .map_or(String::new(), |k| k.jwk().to_json())
    }

    fn on_decide(&mut self, from: ActorId, d: Decision, ctx: &mut Ctx<OAuthMsg>) {
        let Some(req) = self.pending.take() else {
            return;
        };
        let result = match d {
            Decision::Deny => {
                ctx.say("The user denies access. The server sends the browser back to Planner with error=access_denied and the same state: no code, no token.");
                AuthzResult::Error {
                    error: "access_denied",
                    state: req.state,
                }
            }
            Decision::Allow { scope } => {
                // Granted: what was asked AND what the user allowed.
                let granted: Vec<&str> = req
                    .scope
                    .split(' ')
                    .filter(|s| scope.split(' ').any(|c| c == *s))
                    .collect();
                let granted = granted.join(" ");
                let code = random_token(ctx, 2);
                let serial = self.codes.len() as u32 + 1;
                self.codes.push(CodeRecord {
                    code: code.clone(),
                    sub: USERNAME,
                    requested: req.scope.clone(),
                    consented: scope,
                    granted: granted.clone(),
                    challenge: req.code_challenge.clone(),
                    nonce: req.nonce.clone(),
                    issued_at: ctx.now(),
                    machine: MachineState::new(&CODE_MACHINE),
                    serial,
                    exchanges: 0,
                });
                self.shown = self.codes[serial as usize - 1].machine;
                mark_changed(&mut self.dirty, serial);
                ctx.data_changed();
                ctx.set_timer(CODE_TTL_MS, serial, TimerKind::Expiry, "code expires");
                ctx.say_with(|| format!("The user allows \"{granted}\". The server issues a one-use code, valid for {} s and bound to the PKCE challenge, and redirects the browser back to Planner with it and the state.", CODE_TTL_MS / 1000));
                AuthzResult::Code {
                    code,
                    state: req.state,
                }
            }
        };
        ctx.send(from, OAuthMsg::RedirectToClient(result));
    }

    fn on_token_request(
        &mut self,
        from: ActorId,
        code: &str,
        verifier: Option<String>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        let Some(i) = self.codes.iter().position(|c| c.code == code) else {
            ctx.say("The server knows no such code: 400 invalid_grant.");
            ctx.send(
                from,
                OAuthMsg::TokenError {
                    error: "invalid_grant",
                },
            );
            return;
        };
        match self.codes[i].machine.current {
            "redeemed" => {
                let family = self.codes[i].serial;
                self.fire(i, "replayed_revoke", ctx);
                let mut n = 0;
                for t in self.tokens.iter_mut().filter(|t| t.family == family) {
                    t.revoked = true;
                    n += 1;
                }
                ctx.say_with(|| format!("This code was already exchanged. A second use means someone replayed it, so the server refuses (400 invalid_grant) and revokes the {n} tokens the code gave."));
                ctx.send(
                    from,
                    OAuthMsg::TokenError {
                        error: "invalid_grant",
                    },
                );
                return;
            }
            "issued" => {}
            _ => {
                ctx.say("The code has expired or was revoked: 400 invalid_grant.");
                ctx.send(
                    from,
                    OAuthMsg::TokenError {
                        error: "invalid_grant",
                    },
                );
                return;
            }
        }
        if self.codes[i].challenge.is_none() && verifier.is_some() {
            // RFC 9700 §4.8.2: a verifier for a code issued without a
            // challenge means the code was not made for this app's request.
            self.fire(i, "refuse_verifier", ctx);
            ctx.say("This code was issued without a PKCE challenge, yet the token request carries a code_verifier: the code was not made for this app's login (code injection). 400 invalid_grant.");
            ctx.send(
                from,
                OAuthMsg::TokenError {
                    error: "invalid_grant",
                },
            );
            return;
        }
        if let Some(challenge) = self.codes[i].challenge.clone() {
            let ok = verifier
                .as_deref()
                .is_some_and(|v| code_challenge_s256(v) == challenge);
            if !ok {
                self.fire(i, "refuse_verifier", ctx);
                ctx.say(match verifier {
                    None => "The authorization request carried a PKCE challenge but this token request has no code_verifier: 400 invalid_grant (no downgrade).",
                    Some(_) => "SHA-256 of this code_verifier does not match the challenge the code is bound to: whoever sent it is not the app that started the login. 400 invalid_grant.",
                });
                ctx.send(
                    from,
                    OAuthMsg::TokenError {
                        error: "invalid_grant",
                    },
                );
                return;
            }
        }
        let tokens = self.issue(i, ctx);
        self.fire(i, "redeem", ctx);
        self.codes[i].exchanges += 1;
        let pkce = self.codes[i].challenge.is_some();
        ctx.say_with(|| {
            let check = if pkce {
                "SHA-256 of the code_verifier matches the challenge, "
            } else {
                ""
            };
            format!("The code is valid and unused, {check}so the server marks it redeemed and answers with an access token for the calendar API, a refresh token and an ID token for Planner (Cache-Control: no-store).")
        });
        ctx.send(from, OAuthMsg::TokenResponse(tokens));
    }

    /// The tokens for code `i`: an access token whose audience is the
    /// calendar API, an ID token whose audience is Planner.
    fn issue(&mut self, i: usize, ctx: &mut Ctx<OAuthMsg>) -> Tokens {
        let now = ctx.now();
        let c = &self.codes[i];
        let api_scope: Vec<&str> = c.granted.split(' ').filter(|s| *s != "openid").collect();
        let api_scope = api_scope.join(" ");
        let (iat, exp) = (unix_time(now), unix_time(now + self.cfg.access_ttl_ms));
        let jti = random_token(ctx, 1);
        let sub = c.sub;
        let access = format!(
            r#"{{"iss":"{AUTH_ORIGIN}","sub":"{sub}","aud":"{CALENDAR_ORIGIN}","client_id":"{CLIENT_ID}","scope":"{api_scope}","iat":{iat},"exp":{exp},"jti":"{jti}"}}"#
        );
        let id = c.granted.split(' ').any(|s| s == "openid").then(|| {
            format!(
                r#"{{"iss":"{AUTH_ORIGIN}","sub":"{sub}","aud":"{CLIENT_ID}","iat":{iat},"exp":{},"auth_time":{iat},"nonce":"{}"}}"#,
                unix_time(now + 3_600_000),
                c.nonce
            )
        });
        let family = c.serial;
        let key = self.key.as_ref();
        let sign = |claims: &str| key.map_or(String::new(), |k| k.sign(claims));
        let access_token = sign(&access);
        let id_token = id.map(|claims| sign(&claims));
        let refresh_token = random_token(ctx, 3);
        self.tokens.push(TokenRecord {
            value: access_token.clone(),
            refresh: false,
            family,
            scope: api_scope.clone(),
            expires_at: now + self.cfg.access_ttl_ms,
            revoked: false,
        });
        self.tokens.push(TokenRecord {
            value: refresh_token.clone(),
            refresh: true,
            family,
            scope: api_scope.clone(),
            expires_at: u64::MAX,
            revoked: false,
        });
        Tokens {
            access_token,
            expires_in_s: self.cfg.access_ttl_ms / 1000,
            refresh_token,
            scope: c.granted.clone(),
            id_token,
        }
    }
}

impl Actor for AuthServer {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        "auth-server"
    }

    fn title(&self) -> String {
        "Authorization server".into()
    }

    fn machine(&self) -> &MachineState {
        &self.shown
    }

    fn on_crash(&mut self) {
        // Codes, tokens and the key are in its database; the login in
        // progress is not.
        self.pending = None;
    }

    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "code",
            durable: true,
        })
    }

    fn on_start(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        // A key from the seeded generator (a draw that is not a valid
        // scalar, about 2^-128 likely, is drawn again).
        while self.key.is_none() {
            self.key = Es256Key::from_random(random_words(ctx), "key-1");
        }
        ctx.say("The authorization server makes its ES256 signing key and publishes the public half at /jwks.");
    }

    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        match msg {
            OAuthMsg::JwksRequest => {
                ctx.send(
                    from,
                    OAuthMsg::Jwks {
                        jwk: self.jwk_json(),
                    },
                );
            }
            OAuthMsg::Authorize(req) => {
                ctx.say("The authorization server receives the request: the client and the redirect URI are registered, so it asks the user to sign in, on its own page. Planner never sees the password.");
                self.pending = Some(req);
                ctx.send(from, OAuthMsg::LoginPage);
            }
            OAuthMsg::Login => {
                let Some(req) = &self.pending else {
                    return;
                };
                let scope = req.scope.clone();
                ctx.say_with(|| {
                    format!("Alice is signed in. The server shows what Planner asks for: {scope}.")
                });
                ctx.send(from, OAuthMsg::ConsentPage { scope });
            }
            OAuthMsg::Decide(d) => self.on_decide(from, d, ctx),
            OAuthMsg::AttackerAuthorize => {
                let code = random_token(ctx, 2);
                let serial = self.codes.len() as u32 + 1;
                self.codes.push(CodeRecord {
                    code: code.clone(),
                    sub: "mallory",
                    requested: super::msg::REQUESTED.into(),
                    consented: super::msg::REQUESTED.into(),
                    granted: super::msg::REQUESTED.into(),
                    challenge: None,
                    nonce: "mallory-nonce".into(),
                    issued_at: ctx.now(),
                    machine: MachineState::new(&CODE_MACHINE),
                    serial,
                    exchanges: 0,
                });
                mark_changed(&mut self.dirty, serial);
                ctx.data_changed();
                ctx.set_timer(CODE_TTL_MS, serial, TimerKind::Expiry, "code expires");
                ctx.say("Mallory signs in with her own account and allows Planner: the server issues her a code for her account, as it would for anyone.");
                ctx.send(from, OAuthMsg::AttackerCode { code });
            }
            OAuthMsg::TokenRequest {
                code,
                code_verifier,
            } => self.on_token_request(from, &code, code_verifier, ctx),
            OAuthMsg::Introspect { token } => {
                let now = ctx.now();
                let found = self.tokens.iter().find(|t| t.value == token && !t.refresh);
                let active = found.is_some_and(|t| t.active(now));
                let scope = found.map_or(String::new(), |t| t.scope.clone());
                ctx.say(if active {
                    "The server looks the token up: it is active. It answers with its scope."
                } else {
                    "The server looks the token up: revoked, expired or unknown. It answers {\"active\": false} and nothing else."
                });
                ctx.send(from, OAuthMsg::Introspection { active, scope });
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, serial: u32, ctx: &mut Ctx<OAuthMsg>) {
        let i = serial as usize - 1;
        if self
            .codes
            .get(i)
            .is_some_and(|c| c.machine.current == "issued")
        {
            self.fire(i, "expire", ctx);
            ctx.say("The code was never exchanged and its lifetime is over: it expires.");
        }
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![CODES_TABLE]
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let dirty = std::mem::take(&mut self.dirty);
        let Some(out) = out else { return };
        for serial in dirty {
            if let Some(c) = self.codes.get(serial as usize - 1) {
                out.push(RowChange::new(
                    CODES_TABLE.title,
                    vec![
                        format!("{}…", c.code.chars().take(8).collect::<String>()),
                        c.sub.to_string(),
                        c.granted.clone(),
                        c.challenge
                            .as_ref()
                            .map_or("none".into(), |h| format!("{}…", &h[..8])),
                        c.machine.current.to_string(),
                        self.tokens
                            .iter()
                            .filter(|t| t.family == c.serial)
                            .map(|t| if t.revoked { "revoked" } else { "active" })
                            .next()
                            .unwrap_or("—")
                            .to_string(),
                    ],
                ));
            }
        }
    }
}

pub const CODES_TABLE: TableSchema = TableSchema {
    title: "Authorization codes",
    columns: &[
        "code",
        "account",
        "granted scope",
        "PKCE challenge",
        "state",
        "its tokens",
    ],
};
