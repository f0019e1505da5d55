//! The authorization server (RFC 6749 §3, OIDC): login, consent, one-use
//! authorization codes bound to a PKCE challenge, the token endpoint, its
//! JWKS and introspection (RFC 7662). Tokens are real ES256 JWS from a key
//! drawn from the seeded generator. A code presented twice is refused and
//! everything it gave is revoked (RFC 6749 §4.1.2, RFC 9700). Refresh
//! tokens rotate, and a used one presented again revokes its family
//! (RFC 9700 §4.14); `/revoke` answers 200 whatever the token (RFC 7009).
//! Two lab faults: overloaded (sheds /authorize and /token) and down.

use super::config::{random_token, random_words, OAuthConfig, PLANNER};
pub use super::grants::{CodeRecord, TokenRecord, CODE_MACHINE};
use super::msg::{
    AuthzRequest, AuthzResult, Decision, Mistake, OAuthMsg, CLIENT_ID, PLANNER_ORIGIN,
    REDIRECT_URI, USERNAME,
};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::jose::Es256Key;
use crate::machine::MachineState;
use crate::rows::{mark_changed, RowChange, TableSchema};

mod authorize;

/// A lab fault's duration parameter.
pub const FOR_MS: &str = "for_ms";

#[derive(Clone, Debug, Hash)]
pub struct AuthServer {
    pub(super) cfg: OAuthConfig,
    pub(super) key: Option<Es256Key>,
    /// The authorization request the browser is in the middle of.
    pub(super) pending: Option<AuthzRequest>,
    pub codes: Vec<CodeRecord>,
    pub tokens: Vec<TokenRecord>,
    pub(super) dirty: Vec<u32>,
    pub(super) dirty_tokens: Vec<u32>,
    pub(super) shown: MachineState,
    /// Until then it sheds /authorize and /token (the "overloaded" fault).
    pub(super) overloaded_until: u64,
    /// Until then it answers nothing (the "down" fault).
    pub(super) down_until: u64,
    /// Planner's client secret (a confidential client only).
    pub client_secret: Option<String>,
    /// A bug armed for the next /authorize or /token request (the
    /// "server-bug" fault): it fails with server_error, or a plain 500.
    pub(super) bug: bool,
    /// When the user last signed in at the login page.
    pub(super) login_at: u64,
    /// The "check-race" fault: the next code or refresh token used is
    /// marked used too late, so one copy presented again passes.
    pub(super) race: bool,
    /// That code or refresh token (its value), until presented again.
    pub(super) stale: Option<String>,
    /// The "consent-ignored" fault: the next grant ignores the consent.
    pub(super) consent_bug: bool,
    /// The request being answered came for Planner's other session.
    pub(super) for_other: bool,
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

    pub(super) fn fire(&mut self, i: usize, event: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        let c = &mut self.codes[i];
        ctx.fire_instance(&mut c.machine, c.serial, event);
        self.shown = c.machine;
        mark_changed(&mut self.dirty, c.serial);
        ctx.data_changed();
    }

    pub(super) fn jwk_json(&self) -> String {
        self.key
            .as_ref()
            .map_or(String::new(), |k| k.jwk().to_json())
    }

    pub(super) fn refuse(&self, from: ActorId, error: &'static str, ctx: &mut Ctx<OAuthMsg>) {
        self.reply(from, OAuthMsg::TokenError { error }, ctx);
    }

    /// Answer a token request, on the connection it came on.
    pub(super) fn reply(&self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        let msg = if self.for_other {
            OAuthMsg::ForOther(Box::new(msg))
        } else {
            msg
        };
        ctx.send(from, msg);
    }

    /// Revoke every token of `family`; returns how many were still active.
    pub(super) fn revoke_family(&mut self, family: u32, now: u64) -> usize {
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
    pub(super) fn redirect(
        from: ActorId,
        req: &AuthzRequest,
        result: AuthzResult,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
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

    /// Alice signed in at the login page: the consent page follows.
    fn on_login(&mut self, from: ActorId, ctx: &mut Ctx<OAuthMsg>) {
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

    /// Mallory signs in with her own account and allows Planner: a code for
    /// her account, as for anyone (login CSRF and code injection use it).
    fn on_attacker_authorize(&mut self, from: ActorId, ctx: &mut Ctx<OAuthMsg>) {
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
            OAuthMsg::Login => self.on_login(from, ctx),
            OAuthMsg::Decide(d) => self.on_decide(from, d, ctx),
            OAuthMsg::AttackerAuthorize => self.on_attacker_authorize(from, ctx),
            msg @ (OAuthMsg::TokenRequest { .. }
            | OAuthMsg::RefreshRequest { .. }
            | OAuthMsg::PasswordTokenRequest { .. }
            | OAuthMsg::QuizzlyLogin
            | OAuthMsg::Revoke { .. }
            | OAuthMsg::Introspect { .. }) => self.on_token_endpoint(from, msg, shed, ctx),
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
