//! Planner's side of the authorization code flow: the callback (state,
//! errors, the implicit grant's fragment), the token response and its ID
//! token checked, connecting, and a refresh's rotated tokens.

use super::msg::{AuthzResult, OAuthMsg, Tokens, AUTH_ORIGIN};
use super::planner::*;
use crate::actor::Ctx;

impl Planner {
    pub(super) fn on_callback(&mut self, result: AuthzResult, ctx: &mut Ctx<OAuthMsg>) {
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
    pub(super) fn id_token_check(&self, tokens: &Tokens, nonce: Option<&str>, now: u64) -> IdCheck {
        let key = match (&self.secret, &self.jwk) {
            (Some(secret), _) => IdKey::Secret(secret.as_bytes()),
            (None, Some(jwk)) => IdKey::Jwk(jwk),
            _ => IdKey::None,
        };
        let id = tokens.id_token.as_deref().unwrap_or("");
        check_id_token(id, key, nonce.unwrap_or(""), now)
    }

    pub(super) fn on_tokens(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
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
    pub(super) fn connect(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
        self.tokens = Some(tokens);
        ctx.data_changed(); // Planner's session table shows it
        self.got_at = ctx.now();
        self.leak(ctx);
        self.page(true, "Calendar connected.", ctx);
        self.schedule_next_call(ctx);
    }

    pub(super) fn on_refreshed(&mut self, tokens: Tokens, ctx: &mut Ctx<OAuthMsg>) {
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
}
