//! The calendar API, a resource server (RFC 6750). It accepts a bearer
//! token only for itself (`aud`), unexpired, with the scope the call
//! needs: reading needs calendar.read, adding an event calendar.write. It
//! checks the JWT itself with the server's published key, or asks the
//! server by introspection (RFC 7662), which also sees revocations.

use super::config::{OAuthConfig, AUTH};
use super::msg::{OAuthMsg, AUTH_ORIGIN, CALENDAR_ORIGIN, CALENDAR_SECRET};
use crate::actor::{Actor, ActorId, Ctx, Instances, TimerKind};
use crate::jose::{unix_time, verify_es256, EcJwk};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::rows::{mark_changed, RowChange, TableSchema};

/// How long the API waits for an introspection answer.
const INTROSPECTION_TIMEOUT_MS: u64 = 1_500;

pub static CALENDAR_MACHINE: StateMachine = StateMachine {
    name: "Calendar API (one request)",
    states: &["received", "introspecting", "answered"],
    transitions: &[
        Transition::new("received", "no_token_401", "answered"),
        Transition::new("received", "invalid_token_401", "answered"),
        Transition::new("received", "insufficient_scope_403", "answered"),
        Transition::new("received", "ok", "answered"),
        Transition::new("received", "introspect", "introspecting"),
        Transition::new("introspecting", "inactive_401", "answered"),
        Transition::new("introspecting", "insufficient_scope_403", "answered"),
        Transition::new("introspecting", "ok", "answered"),
        Transition::new("introspecting", "introspection_timeout_503", "answered"),
        Transition::new("introspecting", "introspection_refused_503", "answered"),
    ],
};

/// The claims of an access token the API reads.
struct Claims {
    iss: String,
    aud: String,
    exp: u64,
    scope: String,
}

impl Claims {
    /// Read from a payload's JSON by hand, through a `Value`: a derived
    /// `Deserialize` would compile serde_json's reader once more for this
    /// struct (about 3 KB of WebAssembly). As the derive did: `aud` a
    /// string, `exp` a whole number of seconds, `scope` a string or absent.
    fn read(payload: &str) -> Option<Claims> {
        let v: serde_json::Value = serde_json::from_str(payload).ok()?;
        let o = v.as_object()?;
        Some(Claims {
            iss: o.get("iss")?.as_str()?.to_string(),
            aud: o.get("aud")?.as_str()?.to_string(),
            exp: o.get("exp")?.as_u64()?,
            scope: match o.get("scope") {
                Some(s) => s.as_str()?.to_string(),
                None => String::new(),
            },
        })
    }
}

/// A call the API answered, for the invariant and the table.
#[derive(Clone, Debug, Hash)]
pub struct Served {
    pub n: u32,
    pub token: String,
    pub write: bool,
    pub status: u16,
    pub at: u64,
    /// When the token was judged: now for a JWT checked here, the moment
    /// the authorization server answered for an introspected one (a
    /// revocation after that answer, before it arrives, is a race the API
    /// cannot see).
    pub checked_at: u64,
}

/// A call waiting for introspection.
#[derive(Clone, Debug, Hash)]
struct Waiting {
    n: u32,
    from: ActorId,
    token: String,
    write: bool,
    machine: MachineState,
}

#[derive(Clone, Debug, Hash)]
pub struct Calendar {
    cfg: OAuthConfig,
    jwk: Option<EcJwk>,
    waiting: Vec<Waiting>,
    pub served: Vec<Served>,
    dirty: Vec<u32>,
    shown: MachineState,
    /// The next introspection carries a wrong secret (lab fault `bad-api-secret`).
    bad_secret: bool,
}

fn needed(write: bool) -> &'static str {
    if write {
        "calendar.write"
    } else {
        "calendar.read"
    }
}

impl Calendar {
    pub fn new(cfg: &OAuthConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            jwk: None,
            waiting: Vec::new(),
            served: Vec::new(),
            dirty: Vec::new(),
            shown: MachineState::new(&CALENDAR_MACHINE),
            bad_secret: false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn answer(
        &mut self,
        n: u32,
        from: ActorId,
        token: String,
        write: bool,
        mut machine: MachineState,
        event: &'static str,
        checked_at: Option<u64>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        ctx.fire_instance(&mut machine, n, event);
        self.shown = machine;
        let (status, error) = match event {
            "no_token_401" => (401, None),
            "invalid_token_401" | "inactive_401" => (401, Some("invalid_token")),
            "insufficient_scope_403" => (403, Some("insufficient_scope")),
            "introspection_timeout_503" | "introspection_refused_503" => (503, None),
            _ if write => (201, None),
            _ => (200, None),
        };
        self.served.push(Served {
            n,
            token,
            write,
            status,
            at: ctx.now(),
            checked_at: checked_at.unwrap_or(ctx.now()),
        });
        mark_changed(&mut self.dirty, n);
        ctx.data_changed();
        ctx.send(
            from,
            OAuthMsg::ApiResponse {
                write,
                status,
                error,
            },
        );
    }

    /// Answer a call that waited for introspection.
    fn answer_waiting(
        &mut self,
        w: Waiting,
        event: &'static str,
        checked_at: Option<u64>,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        self.answer(
            w.n, w.from, w.token, w.write, w.machine, event, checked_at, ctx,
        );
    }

    fn check_jwt(&self, token: &str, write: bool, now: u64) -> (&'static str, &'static str) {
        check_access_jwt(self.jwk.as_ref(), token, write, now)
    }

    /// A call to the API: refused without a token; its token checked here
    /// (a JWT) or by asking the authorization server (introspection).
    fn on_api_call(&mut self, from: ActorId, write: bool, token: String, ctx: &mut Ctx<OAuthMsg>) {
        let n = self.served.len() as u32 + self.waiting.len() as u32 + 1;
        let machine = MachineState::new(&CALENDAR_MACHINE);
        if token.is_empty() {
            ctx.say("The call carries no Authorization header: 401 with WWW-Authenticate: Bearer and no error code (RFC 6750 §3.1), which tells the client how to authenticate.");
            self.answer(n, from, token, write, machine, "no_token_401", None, ctx);
        } else if self.cfg.introspect {
            let w = Waiting {
                n,
                from,
                token,
                write,
                machine,
            };
            self.introspect(w, ctx);
        } else {
            let (event, why) = self.check_jwt(&token, write, ctx.now());
            ctx.say(why);
            self.answer(n, from, token, write, machine, event, None, ctx);
        }
    }

    /// Ask the authorization server whether call `w`'s token is active,
    /// and wait for its answer with a timeout.
    fn introspect(&mut self, mut w: Waiting, ctx: &mut Ctx<OAuthMsg>) {
        let n = w.n;
        ctx.fire_instance(&mut w.machine, n, "introspect");
        self.shown = w.machine;
        ctx.say("The calendar API asks the authorization server whether this token is active (introspection).");
        ctx.send(
            AUTH,
            OAuthMsg::Introspect {
                token: w.token.clone(),
                secret: if std::mem::take(&mut self.bad_secret) {
                    "cal-old-secret".into()
                } else {
                    CALENDAR_SECRET.into()
                },
                call: n,
            },
        );
        self.waiting.push(w);
        ctx.set_timer(
            INTROSPECTION_TIMEOUT_MS,
            n,
            TimerKind::Timeout,
            "introspection times out",
        );
    }

    /// The server's introspection answer for call `call`, judged at `at`:
    /// inactive (401), active without the scope needed (403), or ok.
    fn on_introspection(
        &mut self,
        active: bool,
        scope: &str,
        call: u32,
        at: u64,
        ctx: &mut Ctx<OAuthMsg>,
    ) {
        // An answer to a call already timed out finds nobody waiting.
        let Some(i) = self.waiting.iter().position(|w| w.n == call) else {
            return;
        };
        let w = self.waiting.remove(i);
        ctx.cancel_timer(w.n);
        let event = if !active {
            ctx.say("The server says the token is not active: 401 invalid_token.");
            "inactive_401"
        } else if scope.split(' ').any(|s| s == needed(w.write)) {
            ctx.say("The token is active and its scope covers the call.");
            "ok"
        } else {
            ctx.say("The token is active but its scope does not cover the call: 403 insufficient_scope.");
            "insufficient_scope_403"
        };
        self.answer_waiting(w, event, Some(at), ctx);
    }
}

/// Check a JWT access token locally (RFC 9068 §4): signature, `typ`
/// at+jwt, `iss`, `aud`, expiry, then scope. The event it leads to and
/// why, one check named.
pub fn check_access_jwt(
    jwk: Option<&EcJwk>,
    token: &str,
    write: bool,
    now: u64,
) -> (&'static str, &'static str) {
    let refuse = |why| ("invalid_token_401", why);
    if jwk.is_none_or(|k| verify_es256(token, k).is_err()) {
        return refuse("The signature does not verify with the server's key: 401 invalid_token.");
    }
    let jws = crate::message::Jws::decode(token);
    let header = jws
        .as_ref()
        .and_then(|j| crate::read::json_object(&j.header));
    let typ = header.as_ref().and_then(|h| h.get("typ")?.as_str());
    if !typ.is_some_and(|t| {
        t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
    }) {
        return refuse("The header's typ is not at+jwt: not an access token (an ID token, say). 401 invalid_token.");
    }
    let Some(c) = jws.and_then(|j| Claims::read(&j.payload)) else {
        return refuse("The token lacks iss, aud or exp: 401 invalid_token.");
    };
    if c.iss != AUTH_ORIGIN {
        return refuse("iss is not this API's authorization server: 401 invalid_token.");
    }
    if c.aud != CALENDAR_ORIGIN {
        return refuse(
            "aud is not this API: the token was issued for another audience. 401 invalid_token.",
        );
    }
    if unix_time(now) >= c.exp {
        return refuse("The token has expired: 401 invalid_token.");
    }
    if c.scope.split(' ').any(|s| s == needed(write)) {
        ("ok", "The signature verifies with the server's key, typ is at+jwt, iss is the server, aud is this API, it has not expired and its scope covers the call.")
    } else {
        ("insufficient_scope_403", "The token is genuine but its scope does not include what this call needs: 403 insufficient_scope.")
    }
}

impl Actor for Calendar {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        "calendar-api"
    }

    fn title(&self) -> String {
        "Calendar API".into()
    }

    fn machine(&self) -> &MachineState {
        &self.shown
    }

    fn on_crash(&mut self) {
        self.waiting.clear();
    }

    fn instances(&self) -> Option<Instances> {
        Some(Instances {
            noun: "request",
            durable: false,
        })
    }

    fn on_start(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        ctx.send(AUTH, OAuthMsg::JwksRequest);
    }

    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        match msg {
            OAuthMsg::Jwks { jwk } => {
                ctx.say("The calendar API keeps the server's public key: with it, it can check JWT access tokens itself, without asking the server.");
                self.jwk = EcJwk::from_json(&jwk);
            }
            OAuthMsg::ApiCall { write, token } => self.on_api_call(from, write, token, ctx),
            OAuthMsg::IntrospectRefused { call } => {
                let Some(i) = self.waiting.iter().position(|w| w.n == call) else {
                    return;
                };
                let w = self.waiting.remove(i);
                ctx.cancel_timer(w.n);
                ctx.say("The server told the calendar API nothing. The API cannot know whether the token is active, so it refuses the call with 503: it fails closed, never open.");
                self.answer_waiting(w, "introspection_refused_503", None, ctx);
            }
            OAuthMsg::Introspection {
                active,
                scope,
                call,
                at,
            } => self.on_introspection(active, &scope, call, at, ctx),
            _ => {}
        }
    }

    fn on_lab_fault(
        &mut self,
        name: &str,
        _args: &crate::scenario::Config,
        ctx: &mut Ctx<OAuthMsg>,
    ) -> bool {
        if name != "bad-api-secret" {
            return false;
        }
        self.bad_secret = true;
        ctx.say(if self.cfg.introspect {
            "The calendar API's next introspection will carry an old secret (rotated at the server, not at the API)."
        } else {
            "The calendar API's introspection secret is now wrong, but it checks JWTs itself and never introspects."
        });
        true
    }

    /// No answer from introspection in time: the API cannot tell whether
    /// the token is active, so it fails closed (503), never open.
    fn on_timer(&mut self, n: u32, ctx: &mut Ctx<OAuthMsg>) {
        if let Some(i) = self.waiting.iter().position(|w| w.n == n) {
            let w = self.waiting.remove(i);
            ctx.say("The authorization server does not answer the introspection in time. The API cannot know whether the token is active, so it refuses the call with 503 and Retry-After: it fails closed, never open.");
            self.answer_waiting(w, "introspection_timeout_503", None, ctx);
        }
    }

    fn schema(&self) -> Vec<TableSchema> {
        vec![CALLS_TABLE]
    }

    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        let dirty = std::mem::take(&mut self.dirty);
        let Some(out) = out else { return };
        for n in dirty {
            if let Some(s) = self.served.iter().find(|s| s.n == n) {
                out.push(RowChange::new(
                    CALLS_TABLE.title,
                    vec![
                        format!("#{}", s.n),
                        if s.write { "add event" } else { "read events" }.into(),
                        needed(s.write).into(),
                        s.status.to_string(),
                    ],
                ));
            }
        }
    }
}

pub const CALLS_TABLE: TableSchema = TableSchema {
    title: "Calendar API calls",
    columns: &["call", "what", "needs", "status"],
};
