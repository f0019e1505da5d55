//! The authorization server (RFC 6749 §3, OIDC): login, consent, one-use
//! authorization codes bound to a PKCE challenge, the token endpoint, its
//! JWKS and introspection (RFC 7662). Tokens are real ES256 JWS from a key
//! drawn from the seeded generator. A code presented twice is refused and
//! everything it gave is revoked (RFC 6749 §4.1.2, RFC 9700). Refresh
//! tokens rotate, and a used one presented again revokes its family
//! (RFC 9700 §4.14); `/revoke` answers 200 whatever the token (RFC 7009).
//! Two lab faults: overloaded (sheds /authorize and /token) and down.

use super::config::{random_token, random_words, OAuthConfig, PLANNER};
use super::msg::{
    AuthzRequest, AuthzResult, Decision, Mistake, OAuthMsg, Tokens, AUTH_ORIGIN, CALENDAR_ORIGIN,
    CLIENT_ID, PLANNER_ORIGIN, QUIZZLY_CLIENT_ID, REDIRECT_URI, USERNAME,
};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::jose::{code_challenge_s256, unix_time, Es256Key};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::trace::{mark_changed, RowChange, TableSchema};

/// The life of one authorization code (and of the grant it started: its
/// token family).
pub static CODE_MACHINE: StateMachine = StateMachine {
    name: "Authorization code",
    states: &["issued", "redeemed", "revoked", "expired"],
    transitions: &[
        Transition::new("issued", "redeem", "redeemed"),
        Transition::new("issued", "refuse_verifier", "issued"),
        Transition::new("redeemed", "replayed_revoke", "revoked"),
        Transition::new("redeemed", "refresh_reuse_revoke", "revoked"),
        Transition::new("redeemed", "user_revoke", "revoked"),
        Transition::new("issued", "expire", "expired"),
    ],
};

/// One code and what it gave.
#[derive(Clone, Debug)]
pub struct CodeRecord {
    pub code: String,
    /// Whose account the code is for.
    pub sub: &'static str,
    /// The client it was issued to (Planner, or Mallory's Quizzly app).
    pub client: &'static str,
    pub requested: String,
    pub consented: String,
    pub granted: String,
    pub challenge: Option<String>,
    /// The challenge is the verifier itself (PKCE method `plain`).
    pub plain: bool,
    pub redirect_uri: String,
    pub nonce: Option<String>,
    pub issued_at: u64,
    /// When the user signed in for it (the ID token's `auth_time`).
    pub auth_time: u64,
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
    /// The code (serial) whose exchange issued it: its family. Refreshes
    /// stay in the family.
    pub family: u32,
    /// Its row in the tokens table (1, 2, …).
    pub serial: u32,
    pub scope: String,
    pub expires_at: u64,
    pub revoked: bool,
    /// When it was revoked (`u64::MAX`: never).
    pub revoked_at: u64,
    /// A refresh token already exchanged (rotation): presenting it again
    /// means someone replays it.
    pub used: bool,
}

impl TokenRecord {
    pub fn active(&self, now: u64) -> bool {
        !self.revoked && !self.used && now < self.expires_at
    }
}

/// A lab fault's duration parameter.
pub const FOR_MS: &str = "for_ms";

#[derive(Clone, Debug)]
pub struct AuthServer {
    cfg: OAuthConfig,
    key: Option<Es256Key>,
    /// The authorization request the browser is in the middle of.
    pending: Option<AuthzRequest>,
    pub codes: Vec<CodeRecord>,
    pub tokens: Vec<TokenRecord>,
    dirty: Vec<u32>,
    dirty_tokens: Vec<u32>,
    shown: MachineState,
    /// Until then it sheds /authorize and /token (the "overloaded" fault).
    overloaded_until: u64,
    /// Until then it answers nothing (the "down" fault).
    down_until: u64,
    /// Planner's client secret (a confidential client only).
    pub client_secret: Option<String>,
    /// A bug armed for the next /authorize or /token request (the
    /// "server-bug" fault): it fails with server_error, or a plain 500.
    bug: bool,
    /// When the user last signed in at the login page.
    login_at: u64,
    /// The "check-race" fault: the next code or refresh token used is
    /// marked used too late, so one copy presented again passes.
    race: bool,
    /// That code or refresh token (its value), until presented again.
    stale: Option<String>,
    /// The "consent-ignored" fault: the next grant ignores the consent.
    consent_bug: bool,
    /// The request being answered came for Planner's other session.
    for_other: bool,
}

pub(super) fn clip(s: &str, n: usize) -> String {
    format!("{}…", s.chars().take(n).collect::<String>())
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
            dirty_tokens: Vec::new(),
            shown: MachineState::new(&CODE_MACHINE),
            overloaded_until: 0,
            down_until: 0,
            client_secret: None,
            bug: false,
            login_at: 0,
            race: false,
            stale: None,
            consent_bug: false,
            for_other: false,
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

    fn refuse(&self, from: ActorId, error: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        self.reply(from, OAuthMsg::TokenError { error }, ctx);
    }

    /// Answer a token request, on the connection it came on.
    fn reply(&self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        let msg = if self.for_other {
            OAuthMsg::ForOther(Box::new(msg))
        } else {
            msg
        };
        ctx.send(from, msg);
    }

    /// Revoke every token of `family`; returns how many were still active.
    fn revoke_family(&mut self, family: u32, now: u64) -> usize {
        let mut n = 0;
        for t in self.tokens.iter_mut().filter(|t| t.family == family) {
            n += usize::from(t.active(now));
            if !t.revoked {
                t.revoked = true;
                t.revoked_at = now;
                mark_changed(&mut self.dirty_tokens, t.serial);
            }
        }
        if let Some(c) = self.codes.iter().find(|c| c.serial == family) {
            mark_changed(&mut self.dirty, c.serial);
        }
        n
    }

    /// Send the browser back to the request's redirect URI with `result`.
    fn redirect(from: ActorId, req: &AuthzRequest, result: AuthzResult, ctx: &mut Ctx<OAuthMsg>) {
        if req.redirect_uri == REDIRECT_URI {
            ctx.send(from, OAuthMsg::RedirectToClient(result));
        } else {
            ctx.send(
                from,
                OAuthMsg::RedirectElsewhere {
                    uri: req.redirect_uri.clone(),
                    result,
                },
            );
        }
    }

    /// `/authorize`: the client and its redirect URI first (an error page,
    /// never a redirect, when they do not match), then the request.
    fn on_authorize(&mut self, from: ActorId, req: AuthzRequest, ctx: &mut Ctx<OAuthMsg>) {
        let registered = if self.cfg.lax_redirect {
            req.redirect_uri.starts_with(PLANNER_ORIGIN)
        } else {
            req.redirect_uri == REDIRECT_URI
        };
        if !registered {
            ctx.say("The redirect_uri is not exactly the one Planner registered. The server shows an error page and does not redirect: a code must never go to an address it cannot vouch for.");
            ctx.send(
                from,
                OAuthMsg::ErrorPage {
                    text: "Invalid request: redirect_uri does not match the registered one.",
                },
            );
            return;
        }
        if req.mistake == Some(Mistake::ClientId) {
            ctx.say("No client is registered as \"planer\": the server cannot check the redirect_uri against anything, so it shows an error page and does not redirect (RFC 6749 §4.1.2.1).");
            ctx.send(
                from,
                OAuthMsg::ErrorPage {
                    text: "Invalid request: unknown client_id.",
                },
            );
            return;
        }
        let state = req.state.clone();
        let refused = match req.mistake {
            _ if std::mem::take(&mut self.bug) => Some((
                "server_error",
                "The server hits a bug while handling the request. The client and redirect URI are known, so it redirects back with error=server_error and the state.",
            )),
            Some(Mistake::Scope) => Some((
                "invalid_scope",
                "Planner asks for calendar.admin, a scope this server does not know: it redirects back with error=invalid_scope and the state.",
            )),
            Some(Mistake::ResponseType) => Some((
                "unsupported_response_type",
                "Planner asks for response_type=code id_token, a flow this server does not offer: it redirects back with error=unsupported_response_type.",
            )),
            _ => None,
        };
        if let Some((error, why)) = refused {
            ctx.say(why);
            Self::redirect(from, &req, AuthzResult::Error { error, state }, ctx);
            return;
        }
        if ctx.now() < self.overloaded_until {
            ctx.say("The authorization server is overloaded: it sends the browser back to Planner with error=temporarily_unavailable and the state (RFC 6749 §4.1.2.1).");
            let result = AuthzResult::Error {
                error: "temporarily_unavailable",
                state,
            };
            Self::redirect(from, &req, result, ctx);
            return;
        }
        if self.cfg.require_pkce && req.code_challenge.is_none() {
            ctx.say("The request has no code_challenge and this server requires PKCE from public clients: it redirects back with error=invalid_request.");
            let result = AuthzResult::Error {
                error: "invalid_request",
                state,
            };
            Self::redirect(from, &req, result, ctx);
            return;
        }
        if req.redirect_uri == REDIRECT_URI {
            ctx.say("The authorization server receives the request: the client and the redirect URI are registered, so it asks the user to sign in, on its own page. Planner never sees the password.");
        } else {
            ctx.say("The redirect_uri is not Planner's, but it starts with https://planner.example and this server only compares prefixes: it accepts the look-alike and asks the user to sign in.");
        }
        self.pending = Some(req);
        ctx.send(from, OAuthMsg::LoginPage);
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
                    state: req.state.clone(),
                }
            }
            Decision::Allow { scope } => {
                // Granted: what was asked AND what the user allowed.
                let bug = std::mem::take(&mut self.consent_bug);
                let granted: Vec<&str> = req
                    .scope
                    .split(' ')
                    .filter(|s| bug || scope.split(' ').any(|c| c == *s))
                    .collect();
                let granted = granted.join(" ");
                if bug {
                    ctx.say("A bug: the server grants everything Planner asked for, whatever the user unticked.");
                }
                let code = random_token(ctx, 2);
                let serial = self.codes.len() as u32 + 1;
                self.codes.push(CodeRecord {
                    code: code.clone(),
                    sub: USERNAME,
                    client: CLIENT_ID,
                    requested: req.scope.clone(),
                    consented: scope.clone(),
                    granted: granted.clone(),
                    challenge: req.code_challenge.clone(),
                    plain: req.plain,
                    redirect_uri: req.redirect_uri.clone(),
                    nonce: req.nonce.clone(),
                    issued_at: ctx.now(),
                    auth_time: self.login_at,
                    machine: MachineState::new(&CODE_MACHINE),
                    serial,
                    exchanges: 0,
                });
                self.shown = self.codes[serial as usize - 1].machine;
                mark_changed(&mut self.dirty, serial);
                ctx.data_changed();
                if req.implicit {
                    let i = serial as usize - 1;
                    self.codes[i].code = "(implicit grant)".into();
                    let t = self.issue(i, serial, false, false, ctx);
                    self.fire(i, "redeem", ctx);
                    self.codes[i].exchanges += 1;
                    ctx.say("Implicit grant: no code, no token endpoint. The server puts the access token itself in the redirect URL's fragment, where the browser history, scripts on the page and any later redirect can read it. No refresh token.");
                    let result = AuthzResult::Token {
                        access_token: t.access_token,
                        expires_in_s: t.expires_in_s,
                        state: req.state.clone(),
                    };
                    Self::redirect(from, &req, result, ctx);
                    return;
                }
                let ttl = self.cfg.code_ttl_ms;
                ctx.set_timer(ttl, serial, TimerKind::Expiry, "code expires");
                let bound = match (&req.code_challenge, req.redirect_uri == REDIRECT_URI) {
                    (None, _) => "with no PKCE challenge to bind it to",
                    (Some(_), true) => "bound to the PKCE challenge",
                    (Some(_), false) => "bound to that request's code_challenge",
                };
                ctx.say_with(|| format!("The user allows \"{scope}\". The server issues a one-use code, valid for {} s and {bound}, and redirects the browser back with it and the state.", ttl / 1000));
                AuthzResult::Code {
                    code,
                    state: req.state.clone(),
                }
            }
        };
        Self::redirect(from, &req, result, ctx);
    }

    fn on_token_request(
        &mut self,
        from: ActorId,
        code: &str,
        verifier: Option<String>,
        redirect_uri: &str,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        let Some(i) = self.codes.iter().position(|c| c.code == code) else {
            ctx.say("The server knows no such code: 400 invalid_grant.");
            self.refuse(from, "invalid_grant", ctx);
            return;
        };
        let stale = self.stale.as_deref() == Some(code);
        match self.codes[i].machine.current {
            "redeemed" if stale => {
                self.stale = None;
                let family = self.codes[i].serial;
                let tokens = self.issue(i, family, true, true, ctx);
                self.codes[i].exchanges += 1;
                ctx.say("The race: this copy of the code was checked before the first exchange marked it redeemed, so the server issues a second set of tokens for it.");
                self.reply(from, OAuthMsg::TokenResponse(tokens), ctx);
                return;
            }
            "redeemed" => {
                let family = self.codes[i].serial;
                self.fire(i, "replayed_revoke", ctx);
                let n = self.revoke_family(family, ctx.now());
                ctx.say_with(|| format!("This code was already exchanged. A second use means someone replayed it, so the server refuses (400 invalid_grant) and revokes the {n} active tokens the code gave."));
                self.refuse(from, "invalid_grant", ctx);
                return;
            }
            "issued" => {}
            "expired" => {
                ctx.say("The code's lifetime is over: 400 invalid_grant.");
                self.refuse(from, "invalid_grant", ctx);
                return;
            }
            _ => {
                ctx.say("The code was revoked: 400 invalid_grant.");
                self.refuse(from, "invalid_grant", ctx);
                return;
            }
        }
        if self.codes[i].redirect_uri != redirect_uri {
            ctx.say(
                "The redirect_uri differs from the one the code was issued for: 400 invalid_grant.",
            );
            self.refuse(from, "invalid_grant", ctx);
            return;
        }
        if self.codes[i].challenge.is_none() && verifier.is_some() {
            // RFC 9700 §4.8.2: a verifier for a code issued without a
            // challenge means the code was not made for this app's request.
            self.fire(i, "refuse_verifier", ctx);
            ctx.say("This code was issued without a PKCE challenge, yet the token request carries a code_verifier: the code was not made for this app's login (code injection). 400 invalid_grant.");
            self.refuse(from, "invalid_grant", ctx);
            return;
        }
        if let Some(challenge) = self.codes[i].challenge.clone() {
            let plain = self.codes[i].plain;
            let ok = verifier.as_deref().is_some_and(|v| {
                if plain {
                    v == challenge
                } else {
                    code_challenge_s256(v) == challenge
                }
            });
            if !ok {
                self.fire(i, "refuse_verifier", ctx);
                ctx.say(match verifier {
                    None => "The authorization request carried a PKCE challenge but this token request has no code_verifier: 400 invalid_grant (no downgrade).",
                    Some(_) => "This code_verifier does not match the challenge the code is bound to: whoever sent it is not the app that started the login. 400 invalid_grant.",
                });
                self.refuse(from, "invalid_grant", ctx);
                return;
            }
        }
        let family = self.codes[i].serial;
        let tokens = self.issue(i, family, true, true, ctx);
        self.fire(i, "redeem", ctx);
        self.codes[i].exchanges += 1;
        if std::mem::take(&mut self.race) {
            self.stale = Some(code.to_string());
        }
        let (pkce, plain, id) = (
            self.codes[i].challenge.is_some(),
            self.codes[i].plain,
            tokens.id_token.is_some(),
        );
        ctx.say_with(|| {
            let check = match (pkce, plain) {
                (true, false) => "SHA-256 of the code_verifier matches the challenge, ",
                (true, true) => "the code_verifier equals the (plain) challenge, ",
                _ => "",
            };
            let id = if id { " and an ID token for Planner" } else { "" };
            format!("The code is valid and unused, {check}so the server marks it redeemed and answers with an access token for the calendar API, a refresh token{id} (Cache-Control: no-store).")
        });
        self.reply(from, OAuthMsg::TokenResponse(tokens), ctx);
    }

    /// `grant_type=password` (RFC 6749 §4.3; RFC 9700 §2.4: MUST NOT): only
    /// the confidential client, authenticated with its secret, may use it.
    fn on_password_grant(
        &mut self,
        from: ActorId,
        scope: String,
        secret: Option<String>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        match (&self.client_secret, &secret) {
            (Some(s), Some(given)) if s == given => {}
            (Some(_), Some(_)) => {
                ctx.say("The client secret is wrong: 401 invalid_client.");
                self.refuse(from, "invalid_client", ctx);
                return;
            }
            _ => {
                ctx.say("A public client cannot authenticate, and this server allows the password grant only to an authenticated confidential client: 400 unauthorized_client.");
                self.refuse(from, "unauthorized_client", ctx);
                return;
            }
        }
        // No code: the grant is the password itself. It still gets a row
        // (and a family) so its tokens can be revoked together.
        let tokens = self.grant_at_once("(password grant)".into(), CLIENT_ID, scope, None, ctx);
        ctx.say("The client secret is right and so is Alice's password: the server issues tokens. No consent screen, no login page of its own: Alice gave her password to Planner, which could now do anything her account can.");
        self.reply(from, OAuthMsg::TokenResponse(tokens), ctx);
    }

    /// A grant recorded and redeemed in one exchange (the password grant,
    /// Quizzly's compressed sign-in): a code record already used once,
    /// and its tokens (an ID token when a nonce is given).
    fn grant_at_once(
        &mut self,
        code: String,
        client: &'static str,
        scope: String,
        nonce: Option<String>,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> Tokens {
        let serial = self.codes.len() as u32 + 1;
        let with_id_token = nonce.is_some();
        self.codes.push(CodeRecord {
            code,
            sub: USERNAME,
            client,
            requested: scope.clone(),
            consented: scope.clone(),
            granted: scope,
            challenge: None,
            plain: false,
            redirect_uri: String::new(),
            nonce,
            issued_at: ctx.now(),
            auth_time: ctx.now(),
            machine: MachineState::new(&CODE_MACHINE),
            serial,
            exchanges: 0,
        });
        let i = serial as usize - 1;
        let tokens = self.issue(i, serial, with_id_token, true, ctx);
        self.fire(i, "redeem", ctx);
        self.codes[i].exchanges += 1;
        tokens
    }

    /// Alice signs in to Quizzly, Mallory's app, with the ordinary code
    /// flow (compressed into one exchange): Quizzly gets Alice's tokens,
    /// issued to Quizzly. Nothing wrong so far.
    fn on_quizzly_login(&mut self, from: ActorId, ctx: &mut Ctx<OAuthMsg>) {
        let scope = "openid calendar.read".to_string();
        let code = random_token(ctx, 2);
        let nonce = Some(random_token(ctx, 2));
        let tokens = self.grant_at_once(code, QUIZZLY_CLIENT_ID, scope, nonce, ctx);
        ctx.say("Alice once signed in to Quizzly, a quiz app Mallory runs, with the same authorization server: Quizzly got an access token and an ID token for Alice, issued to client quizzly.");
        ctx.send(from, OAuthMsg::QuizzlyTokens(tokens));
    }

    /// `grant_type=refresh_token` with rotation (RFC 9700 §4.14): a
    /// refresh token works once; a used one presented again revokes its
    /// whole family.
    fn on_refresh(&mut self, from: ActorId, value: &str, ctx: &mut Ctx<OAuthMsg>) {
        let now = ctx.now();
        let Some(t) = self
            .tokens
            .iter()
            .position(|t| t.refresh && t.value == value)
        else {
            ctx.say("The server knows no such refresh token: 400 invalid_grant.");
            self.refuse(from, "invalid_grant", ctx);
            return;
        };
        let (family, serial) = (self.tokens[t].family, self.tokens[t].serial);
        let code = self.codes.iter().position(|c| c.serial == family);
        if self.tokens[t].revoked {
            ctx.say("This refresh token was revoked: 400 invalid_grant.");
            self.refuse(from, "invalid_grant", ctx);
            return;
        }
        let raced = self.tokens[t].used && self.stale.as_deref() == Some(value);
        if raced {
            self.stale = None;
        } else if self.tokens[t].used {
            let n = self.revoke_family(family, now);
            if let Some(i) = code.filter(|&i| self.codes[i].machine.current == "redeemed") {
                self.fire(i, "refresh_reuse_revoke", ctx);
            }
            ctx.data_changed();
            ctx.say_with(|| format!("Refresh token #{serial} was already used: it was rotated, so whoever presents it again has a copy. The server cannot tell the thief from the app, so it revokes the whole family ({n} active tokens) and answers 400 invalid_grant. Alice must sign in again."));
            self.refuse(from, "invalid_grant", ctx);
            return;
        }
        if now >= self.tokens[t].expires_at {
            ctx.say("This refresh token has expired: 400 invalid_grant.");
            self.refuse(from, "invalid_grant", ctx);
            return;
        }
        self.tokens[t].used = true;
        mark_changed(&mut self.dirty_tokens, serial);
        if std::mem::take(&mut self.race) {
            self.stale = Some(value.to_string());
        }
        let Some(i) = code else {
            self.refuse(from, "invalid_grant", ctx);
            return;
        };
        let tokens = self.issue(i, family, false, true, ctx);
        ctx.say_with(|| match raced {
            true => format!("The race: this copy of refresh token #{serial} was checked before the first refresh marked it used, so the server rotates it again: a second new refresh token of the same family."),
            false => format!("Refresh token #{serial} is valid and unused. The server rotates it: marks it used, and answers with a new access token and a new refresh token of the same family."),
        });
        self.reply(from, OAuthMsg::TokenResponse(tokens), ctx);
    }

    /// `/revoke` (RFC 7009): 200 whatever the token. A refresh token takes
    /// its whole grant with it (§2.1); an access token only itself.
    fn on_revoke(&mut self, from: ActorId, token: &str, ctx: &mut Ctx<OAuthMsg>) {
        let now = ctx.now();
        match self.tokens.iter().position(|t| t.value == token) {
            Some(t) if self.tokens[t].refresh => {
                let family = self.tokens[t].family;
                let n = self.revoke_family(family, now);
                if let Some(i) = self
                    .codes
                    .iter()
                    .position(|c| c.serial == family && c.machine.current == "redeemed")
                {
                    self.fire(i, "user_revoke", ctx);
                }
                ctx.data_changed();
                ctx.say_with(|| format!("The server revokes the refresh token and every token of its grant ({n} active) and answers 200 (RFC 7009)."));
            }
            Some(t) => {
                if !self.tokens[t].revoked {
                    self.tokens[t].revoked = true;
                    self.tokens[t].revoked_at = now;
                    mark_changed(&mut self.dirty_tokens, self.tokens[t].serial);
                    ctx.data_changed();
                }
                ctx.say("The server revokes the access token and answers 200 (RFC 7009).");
            }
            None => ctx.say("The server does not know this token; it answers 200 all the same (RFC 7009: nothing to reveal, nothing to retry)."),
        }
        ctx.send(from, OAuthMsg::Revoked);
    }

    /// Tokens from the grant of code `i`: an access token whose audience
    /// is the calendar API (a JWT, or an opaque string when the API
    /// introspects), a rotated refresh token and, on the code exchange
    /// with `openid`, an ID token whose audience is Planner.
    fn issue(
        &mut self,
        i: usize,
        family: u32,
        with_id: bool,
        with_refresh: bool,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> Tokens {
        let now = ctx.now();
        let c = &self.codes[i];
        let api_scope: Vec<&str> = c.granted.split(' ').filter(|s| *s != "openid").collect();
        let api_scope = api_scope.join(" ");
        let (iat, exp) = (unix_time(now), unix_time(now + self.cfg.access_ttl_ms));
        let jti = random_token(ctx, 1);
        let (sub, client) = (c.sub, c.client);
        let access = format!(
            r#"{{"iss":"{AUTH_ORIGIN}","sub":"{sub}","aud":"{CALENDAR_ORIGIN}","client_id":"{client}","scope":"{api_scope}","iat":{iat},"exp":{exp},"jti":"{jti}"}}"#
        );
        let openid = c.granted.split(' ').any(|s| s == "openid");
        let id = (with_id && openid).then(|| {
            let nonce = c
                .nonce
                .as_ref()
                .map_or(String::new(), |n| format!(r#","nonce":"{n}""#));
            format!(
                r#"{{"iss":"{AUTH_ORIGIN}","sub":"{sub}","aud":"{client}","iat":{iat},"exp":{},"auth_time":{}{nonce}}}"#,
                unix_time(now + 3_600_000),
                unix_time(c.auth_time),
            )
        });
        let scope = c.granted.clone();
        let key = self.key.as_ref();
        let sign = |claims: &str| key.map_or(String::new(), |k| k.sign(claims));
        let access_token = if self.cfg.introspect {
            random_token(ctx, 3)
        } else {
            // RFC 9068 §2.1: typed, so it cannot pass for an ID token.
            key.map_or(String::new(), |k| k.sign_typed("at+jwt", &access))
        };
        // A confidential client shares a secret with the server, so its ID
        // token may be HS256 keyed with that secret; a public client's stays
        // ES256, checked with the JWKS.
        let id_token = id.map(|claims| match &self.client_secret {
            Some(secret) if client == CLIENT_ID => {
                crate::jose::sign_hs256(secret.as_bytes(), &claims)
            }
            _ => sign(&claims),
        });
        let refresh_token = if with_refresh {
            random_token(ctx, 3)
        } else {
            String::new()
        };
        for (value, refresh, ttl) in [
            (access_token.clone(), false, self.cfg.access_ttl_ms),
            (refresh_token.clone(), true, self.cfg.refresh_ttl_ms),
        ] {
            if value.is_empty() {
                continue;
            }
            let serial = self.tokens.len() as u32 + 1;
            self.tokens.push(TokenRecord {
                value,
                refresh,
                family,
                serial,
                scope: api_scope.clone(),
                expires_at: now + ttl,
                revoked: false,
                revoked_at: u64::MAX,
                used: false,
            });
            mark_changed(&mut self.dirty_tokens, serial);
        }
        mark_changed(&mut self.dirty, family);
        ctx.data_changed();
        Tokens {
            access_token,
            expires_in_s: self.cfg.access_ttl_ms / 1000,
            refresh_token,
            scope,
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
        if self.cfg.confidential {
            let secret = random_token(ctx, 4);
            self.client_secret = Some(secret.clone());
            ctx.say("Planner is registered as a confidential client: the server makes its client secret, which Planner's developer copies into the server app.");
            ctx.send(PLANNER, OAuthMsg::ClientSecret { secret });
        }
    }

    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        if ctx.now() < self.down_until {
            ctx.say("The authorization server is down: the request gets no answer at all.");
            return;
        }
        let shed = ctx.now() < self.overloaded_until;
        self.for_other = matches!(msg, OAuthMsg::TokenRequest { other: true, .. });
        match msg {
            OAuthMsg::JwksRequest => {
                ctx.say("The server answers with its JWKS: the public half of its signing key, which anyone may use to check its tokens.");
                ctx.send(
                    from,
                    OAuthMsg::Jwks {
                        jwk: self.jwk_json(),
                    },
                );
            }
            OAuthMsg::Authorize(req) => self.on_authorize(from, req, ctx),
            OAuthMsg::Login => {
                let Some(req) = &self.pending else {
                    return;
                };
                self.login_at = ctx.now();
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
                    client: CLIENT_ID,
                    requested: self.cfg.requested().into(),
                    consented: self.cfg.requested().into(),
                    granted: self.cfg.requested().into(),
                    challenge: None,
                    plain: false,
                    redirect_uri: REDIRECT_URI.into(),
                    nonce: Some("mallory-nonce".into()),
                    issued_at: ctx.now(),
                    auth_time: ctx.now(),
                    machine: MachineState::new(&CODE_MACHINE),
                    serial,
                    exchanges: 0,
                });
                mark_changed(&mut self.dirty, serial);
                ctx.data_changed();
                ctx.set_timer(
                    self.cfg.code_ttl_ms,
                    serial,
                    TimerKind::Expiry,
                    "code expires",
                );
                ctx.say("Mallory signs in with her own account and allows Planner: the server issues her a code for her account, as it would for anyone.");
                ctx.send(from, OAuthMsg::AttackerCode { code });
            }
            OAuthMsg::TokenRequest { .. } | OAuthMsg::RefreshRequest { .. } if shed => {
                ctx.say("The authorization server is overloaded: the token endpoint answers 503 Service Unavailable with Retry-After (OAuth has no error code for this at /token).");
                self.reply(from, OAuthMsg::Unavailable, ctx);
            }
            OAuthMsg::QuizzlyLogin => self.on_quizzly_login(from, ctx),
            OAuthMsg::TokenRequest { .. } | OAuthMsg::RefreshRequest { .. }
                if std::mem::take(&mut self.bug) =>
            {
                ctx.say("The token endpoint hits a bug: 500 Internal Server Error (OAuth defines no error code for it at /token).");
                self.refuse(from, "server_error", ctx);
            }
            OAuthMsg::TokenRequest { client_secret, .. }
            | OAuthMsg::RefreshRequest { client_secret, .. }
                if client_secret != self.client_secret =>
            {
                ctx.say(if self.client_secret.is_some() {
                    "Planner is a confidential client, and this token request does not authenticate as it: 401 invalid_client. A thief cannot redeem a stolen code herself, but the secret does not stop code injection (RFC 9700 §4.5)."
                } else {
                    "The request authenticates with a client secret, but Planner is registered as a public client with none: 401 invalid_client."
                });
                self.refuse(from, "invalid_client", ctx);
            }
            OAuthMsg::TokenRequest {
                mistake: Some(Mistake::GrantType),
                ..
            } => {
                ctx.say("grant_type=authorization-code is not a grant type this server knows (it is authorization_code): 400 unsupported_grant_type.");
                self.refuse(from, "unsupported_grant_type", ctx);
            }
            OAuthMsg::RefreshRequest {
                mistake: Some(Mistake::RefreshScope),
                ..
            } => {
                ctx.say("The refresh asks for calendar.admin, more than the scope first granted: 400 invalid_scope (RFC 6749 §6). A refresh can keep or narrow the scope, never widen it.");
                self.refuse(from, "invalid_scope", ctx);
            }
            OAuthMsg::TokenRequest {
                code,
                code_verifier,
                redirect_uri,
                ..
            } => self.on_token_request(from, &code, code_verifier, &redirect_uri, ctx),
            OAuthMsg::PasswordTokenRequest {
                scope,
                client_secret,
            } => self.on_password_grant(from, scope, client_secret, ctx),
            OAuthMsg::RefreshRequest { refresh_token, .. } => {
                self.on_refresh(from, &refresh_token, ctx)
            }
            OAuthMsg::Revoke { client_secret, .. } if client_secret != self.client_secret => {
                ctx.say("The revocation request does not authenticate as Planner: 401 invalid_client (RFC 7009 §2.1).");
                self.refuse(from, "invalid_client", ctx);
            }
            OAuthMsg::Revoke { token, .. } => self.on_revoke(from, &token, ctx),
            OAuthMsg::Introspect { token, call } => {
                let now = ctx.now();
                let found = self.tokens.iter().find(|t| t.value == token && !t.refresh);
                let active = found.is_some_and(|t| t.active(now));
                let scope = found.map_or(String::new(), |t| t.scope.clone());
                let found = if active {
                    "active. It answers with its scope"
                } else {
                    "revoked, expired or unknown. It answers {\"active\": false} and nothing else"
                };
                ctx.say_with(|| format!("The calendar API authenticates (HTTP Basic, RFC 7662 §2.1: no anonymous token scanning). The server looks the token up: {found}."));
                ctx.send(
                    from,
                    OAuthMsg::Introspection {
                        active,
                        scope,
                        call,
                        at: now,
                    },
                );
            }
            _ => {}
        }
    }

    fn on_lab_fault(
        &mut self,
        name: &str,
        args: &crate::scenario::Config,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
        let for_ms = match args.get(FOR_MS) {
            Some(crate::scenario::ConfigValue::Int(v)) => (*v).clamp(1_000, 60_000) as u64,
            _ => DEFAULT_FOR_MS,
        };
        let until = ctx.now() + for_ms;
        match name {
            "overloaded" => {
                self.overloaded_until = until;
                ctx.say_with(|| format!("The authorization server is overloaded for {} s: it turns away new authorization and token requests.", for_ms / 1000));
            }
            "server-bug" => {
                self.bug = true;
                ctx.say("A bug ships in the authorization server: its next /authorize or /token request will fail.");
            }
            "check-race" => {
                self.race = true;
                ctx.say("A race ships in the authorization server: its next code or refresh token is marked used too late.");
            }
            "consent-ignored" => {
                self.consent_bug = true;
                ctx.say("A bug ships in the authorization server: its next code ignores what the user unticked.");
            }
            "down" => {
                self.down_until = until;
                ctx.say_with(|| format!("The authorization server goes down for {} s: nothing it receives is answered.", for_ms / 1000));
            }
            _ => return false,
        }
        true
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
        vec![CODES_TABLE, TOKENS_TABLE]
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let dirty = std::mem::take(&mut self.dirty);
        let dirty_tokens = std::mem::take(&mut self.dirty_tokens);
        let Some(out) = out else { return };
        for serial in dirty {
            if let Some(c) = self.codes.get(serial as usize - 1) {
                let family: Vec<&TokenRecord> = self
                    .tokens
                    .iter()
                    .filter(|t| t.family == c.serial)
                    .collect();
                let revoked = family.iter().filter(|t| t.revoked).count();
                out.push(RowChange::new(
                    CODES_TABLE.title,
                    vec![
                        clip(&c.code, 8),
                        c.sub.to_string(),
                        c.granted.clone(),
                        c.challenge.as_ref().map_or("none".into(), |h| {
                            format!("{} {}", if c.plain { "plain" } else { "S256" }, clip(h, 8))
                        }),
                        c.machine.current.to_string(),
                        match (family.len(), revoked) {
                            (0, _) => "—".to_string(),
                            (n, 0) => format!("family {}: {n} issued", c.serial),
                            (n, r) => format!("family {}: {n} issued, {r} revoked", c.serial),
                        },
                    ],
                ));
            }
        }
        for serial in dirty_tokens {
            if let Some(t) = self.tokens.get(serial as usize - 1) {
                out.push(RowChange::new(
                    TOKENS_TABLE.title,
                    vec![
                        format!("#{}", t.serial),
                        if t.refresh { "refresh" } else { "access" }.into(),
                        t.family.to_string(),
                        clip(&t.value, 10),
                        if t.revoked {
                            "revoked"
                        } else if t.used {
                            "used (rotated)"
                        } else {
                            "active"
                        }
                        .into(),
                        format!("{} ms", t.expires_at.min(999_999_999)),
                    ],
                ));
            }
        }
    }
}

/// A fault's default duration.
pub const DEFAULT_FOR_MS: u64 = 10_000;

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

pub const TOKENS_TABLE: TableSchema = TableSchema {
    title: "Tokens (families)",
    columns: &["token", "kind", "family", "value", "status", "expires at"],
};
