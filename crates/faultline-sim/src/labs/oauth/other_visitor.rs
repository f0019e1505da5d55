//! Planner serving a second visitor: Mallory in her own browser starts a
//! login, brings back a code (her own, or one stolen from Alice: code
//! injection) and gets the tokens it buys.

use super::config::{random_token, random_words, Pkce, ATTACKER, AUTH};
use super::msg::{AuthzResult, OAuthMsg, Tokens, REDIRECT_URI};
use super::planner::*;
use crate::actor::Ctx;
use crate::jose::{code_challenge_s256, code_verifier};

impl Planner {
    pub(super) fn other_connect(&mut self, ctx: &mut Ctx<OAuthMsg>) {
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
        let req = self.authz_request(state, nonce, challenge);
        *self.other = OtherSession {
            request: Some(req.clone()),
            verifier,
            ..OtherSession::default()
        };
        ctx.send(ATTACKER, OAuthMsg::RedirectToAuthorize(req));
    }

    /// A callback in Mallory's session: Planner exchanges the code for it.
    pub(super) fn other_callback(&mut self, result: AuthzResult, ctx: &mut Ctx<OAuthMsg>) {
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
    pub(super) fn other_tokens(
        &mut self,
        answer: Result<Tokens, &'static str>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
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
}
