//! The authorization endpoint: a request checked (an error page when the
//! client or its redirect URI cannot be trusted, an error by redirect
//! otherwise), then the learner's consent turned into a code or, in the
//! implicit flow, a token.

use super::*;

impl AuthServer {
    /// `/authorize`: the client and its redirect URI first (an error page,
    /// never a redirect, when they do not match), then the request.
    pub(super) fn on_authorize(
        &mut self,
        from: ActorId,
        req: AuthzRequest,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        if Self::error_page_for_client(from, &req, self.cfg.lax_redirect, ctx) {
            return;
        }
        if self.refuse_by_redirect(from, &req, ctx) {
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

    /// An error page, never a redirect, for a redirect URI that is not
    /// registered (`lax`: only its prefix is compared) or an unknown
    /// client; true when it was shown.
    fn error_page_for_client(
        from: ActorId,
        req: &AuthzRequest,
        lax: bool,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
        let registered = if lax {
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
            return true;
        }
        if req.mistake == Some(Mistake::ClientId) {
            ctx.say("No client is registered as \"planer\": the server cannot check the redirect_uri against anything, so it shows an error page and does not redirect (RFC 6749 §4.1.2.1).");
            ctx.send(
                from,
                OAuthMsg::ErrorPage {
                    text: "Invalid request: unknown client_id.",
                },
            );
            return true;
        }
        false
    }

    /// A request from a known client refused by redirecting back with an
    /// error and the state (an armed bug, a bad scope or response type,
    /// overload, a missing PKCE challenge); true when it was refused.
    fn refuse_by_redirect(
        &mut self,
        from: ActorId,
        req: &AuthzRequest,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
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
            Self::redirect(from, req, AuthzResult::Error { error, state }, ctx);
            return true;
        }
        if ctx.now() < self.overloaded_until {
            ctx.say("The authorization server is overloaded: it sends the browser back to Planner with error=temporarily_unavailable and the state (RFC 6749 §4.1.2.1).");
            let result = AuthzResult::Error {
                error: "temporarily_unavailable",
                state,
            };
            Self::redirect(from, req, result, ctx);
            return true;
        }
        if self.cfg.require_pkce && req.code_challenge.is_none() {
            ctx.say("The request has no code_challenge and this server requires PKCE from public clients: it redirects back with error=invalid_request.");
            let result = AuthzResult::Error {
                error: "invalid_request",
                state,
            };
            Self::redirect(from, req, result, ctx);
            return true;
        }
        false
    }

    /// The user's decision on the consent page: access denied, or a code
    /// (a token, in the implicit grant) for what was asked and allowed.
    pub(super) fn on_decide(&mut self, from: ActorId, d: Decision, ctx: &mut Ctx<OAuthMsg>) {
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
                let granted = self.granted_scope(&req, &scope, ctx);
                let (code, serial) = self.record_code(&req, &scope, granted, ctx);
                if req.implicit {
                    self.grant_implicitly(from, &req, serial, ctx);
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

    /// Granted: what was asked AND what the user allowed (everything asked,
    /// when the "consent-ignored" fault is armed).
    fn granted_scope(
        &mut self,
        req: &AuthzRequest,
        allowed: &str,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> String {
        let bug = std::mem::take(&mut self.consent_bug);
        let granted: Vec<&str> = req
            .scope
            .split(' ')
            .filter(|s| bug || allowed.split(' ').any(|c| c == *s))
            .collect();
        let granted = granted.join(" ");
        if bug {
            ctx.say("A bug: the server grants everything Planner asked for, whatever the user unticked.");
        }
        granted
    }

    /// Records a new code for Alice's request with the scope she consented
    /// to and the one granted: its value and serial.
    fn record_code(
        &mut self,
        req: &AuthzRequest,
        consented: &str,
        granted: String,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> (String, u32) {
        let code = random_token(ctx, 2);
        let serial = self.codes.len() as u32 + 1;
        self.codes.push(CodeRecord {
            code: code.clone(),
            sub: USERNAME,
            client: CLIENT_ID,
            requested: req.scope.clone(),
            consented: consented.to_string(),
            granted,
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
        (code, serial)
    }

    /// The implicit grant: code `serial` redeemed at once, and the access
    /// token itself sent back in the redirect's fragment.
    fn grant_implicitly(
        &mut self,
        from: ActorId,
        req: &AuthzRequest,
        serial: u32,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
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
        Self::redirect(from, req, result, ctx);
    }
}
