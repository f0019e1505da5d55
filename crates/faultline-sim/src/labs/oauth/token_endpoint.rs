//! The authorization server's token endpoint (RFC 6749 §3.2): codes
//! redeemed against their PKCE challenge and redirect URI, the password
//! grant, refresh with rotation and reuse detection (RFC 9700 §4.14), the
//! tokens issued (ES256 JWS or opaque), revocation (RFC 7009) and
//! introspection (RFC 7662). Methods of `AuthServer`, apart from its
//! authorization endpoint and its tables (`auth_server.rs`).

use super::auth_server::*;
use super::config::random_token;
use super::msg::{
    Mistake, OAuthMsg, Tokens, AUTH_ORIGIN, CALENDAR_ORIGIN, CALENDAR_SECRET, CLIENT_ID,
    QUIZZLY_CLIENT_ID, USERNAME,
};
use crate::actor::{ActorId, Ctx};
use crate::jose::{code_challenge_s256, unix_time};
use crate::machine::MachineState;
use crate::rows::mark_changed;

impl AuthServer {
    /// The token endpoint, revocation and introspection: a request shed
    /// while overloaded (503), failed by an armed bug (500), or from a
    /// client that does not authenticate as Planner (401 invalid_client),
    /// then each grant, refresh, revocation or introspection.
    pub(super) fn on_token_endpoint(
        &mut self,
        from: ActorId,
        msg: OAuthMsg,
        shed: bool,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        match msg {
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
            OAuthMsg::Introspect { secret, call, .. } if secret != CALENDAR_SECRET => {
                ctx.say("The introspection request does not authenticate as the calendar API: 401 invalid_client, and not a word about the token (RFC 7662 §2.3). Otherwise anyone could test stolen or guessed tokens here.");
                self.reply(from, OAuthMsg::IntrospectRefused { call }, ctx);
            }
            OAuthMsg::Introspect { token, call, .. } => self.on_introspect(from, &token, call, ctx),
            _ => {}
        }
    }

    /// RFC 7662: the calendar API, authenticated, asks whether a token is
    /// active; anything not valid is `{"active": false}` and nothing else.
    fn on_introspect(&mut self, from: ActorId, token: &str, call: u32, ctx: &mut Ctx<OAuthMsg>) {
        let now = ctx.now();
        let found = self.tokens.iter().find(|t| t.value == token && !t.refresh);
        let active = found.is_some_and(|t| t.active(now));
        let scope = found.map_or(String::new(), |t| t.scope.clone());
        let found = if active {
            "active. It answers with its scope"
        } else {
            "revoked, expired or unknown. It answers {\"active\": false} and nothing else"
        };
        ctx.say_with(|| format!("The server checks the calendar API's credential (HTTP Basic, RFC 7662 §2.1: no anonymous token scanning), then looks the token up: {found}."));
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

    /// `grant_type=authorization_code`: the code looked up, its state and
    /// binding checked, then redeemed for tokens.
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
        if !self.code_still_issued(from, i, code, ctx) {
            return;
        }
        if !self.code_binding_holds(from, i, verifier, redirect_uri, ctx) {
            return;
        }
        self.redeem_code(from, i, code, ctx);
    }

    /// Answers a code that is no longer `issued` (the race's stale copy, a
    /// replay, an expired or revoked code); true when the exchange goes on.
    fn code_still_issued(
        &mut self,
        from: ActorId,
        i: usize,
        code: &str,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
        let stale = self.stale.as_deref() == Some(code);
        match self.codes[i].machine.current {
            "redeemed" if stale => {
                self.stale = None;
                let family = self.codes[i].serial;
                let tokens = self.issue(i, family, true, true, ctx);
                self.codes[i].exchanges += 1;
                ctx.say("The race: this copy of the code was checked before the first exchange marked it redeemed, so the server issues a second set of tokens for it.");
                self.reply(from, OAuthMsg::TokenResponse(tokens), ctx);
                false
            }
            "redeemed" => {
                let family = self.codes[i].serial;
                self.fire(i, "replayed_revoke", ctx);
                let n = self.revoke_family(family, ctx.now());
                ctx.say_with(|| format!("This code was already exchanged. A second use means someone replayed it, so the server refuses (400 invalid_grant) and revokes the {n} active tokens the code gave."));
                self.refuse(from, "invalid_grant", ctx);
                false
            }
            "issued" => true,
            "expired" => {
                ctx.say("The code's lifetime is over: 400 invalid_grant.");
                self.refuse(from, "invalid_grant", ctx);
                false
            }
            _ => {
                ctx.say("The code was revoked: 400 invalid_grant.");
                self.refuse(from, "invalid_grant", ctx);
                false
            }
        }
    }

    /// Checks the request against what code `i` is bound to: its redirect
    /// URI and its PKCE challenge (or the lack of one); false, answered
    /// with invalid_grant, when it does not match.
    fn code_binding_holds(
        &mut self,
        from: ActorId,
        i: usize,
        verifier: Option<String>,
        redirect_uri: &str,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
        if self.codes[i].redirect_uri != redirect_uri {
            ctx.say(
                "The redirect_uri differs from the one the code was issued for: 400 invalid_grant.",
            );
            self.refuse(from, "invalid_grant", ctx);
            return false;
        }
        if self.codes[i].challenge.is_none() && verifier.is_some() {
            // RFC 9700 §4.8.2: a verifier for a code issued without a
            // challenge means the code was not made for this app's request.
            self.fire(i, "refuse_verifier", ctx);
            ctx.say("This code was issued without a PKCE challenge, yet the token request carries a code_verifier: the code was not made for this app's login (code injection). 400 invalid_grant.");
            self.refuse(from, "invalid_grant", ctx);
            return false;
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
                return false;
            }
        }
        true
    }

    /// Redeems valid code `i`: tokens issued, the code marked redeemed
    /// (or left stale by the "check-race" fault), the tokens sent back.
    fn redeem_code(&mut self, from: ActorId, i: usize, code: &str, ctx: &mut Ctx<OAuthMsg>) {
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
    pub(super) fn issue(
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
        let id = (with_id && openid).then(|| id_token_claims(c, iat, now));
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
        self.record_tokens(family, &api_scope, now, &access_token, &refresh_token);
        ctx.data_changed();
        Tokens {
            access_token,
            expires_in_s: self.cfg.access_ttl_ms / 1000,
            refresh_token,
            scope,
            id_token,
        }
    }

    /// Records the access and refresh tokens just issued in `family` (an
    /// empty one was not issued), each with its lifetime from `now`.
    fn record_tokens(
        &mut self,
        family: u32,
        api_scope: &str,
        now: u64,
        access_token: &str,
        refresh_token: &str,
    ) {
        for (value, refresh, ttl) in [
            (access_token.to_string(), false, self.cfg.access_ttl_ms),
            (refresh_token.to_string(), true, self.cfg.refresh_ttl_ms),
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
                scope: api_scope.to_string(),
                expires_at: now + ttl,
                revoked: false,
                revoked_at: u64::MAX,
                used: false,
            });
            mark_changed(&mut self.dirty_tokens, serial);
        }
        mark_changed(&mut self.dirty, family);
    }
}

/// The claims of an ID token from code record `c`: issued at `iat`, valid
/// for an hour from `now`, with the login's nonce when it had one.
fn id_token_claims(c: &CodeRecord, iat: u64, now: u64) -> String {
    let (sub, client) = (c.sub, c.client);
    let nonce = c
        .nonce
        .as_ref()
        .map_or(String::new(), |n| format!(r#","nonce":"{n}""#));
    format!(
        r#"{{"iss":"{AUTH_ORIGIN}","sub":"{sub}","aud":"{client}","iat":{iat},"exp":{},"auth_time":{}{nonce}}}"#,
        unix_time(now + 3_600_000),
        unix_time(c.auth_time),
    )
}
