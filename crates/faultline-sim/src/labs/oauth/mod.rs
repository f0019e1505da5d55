//! The OAuth lab: Alice lets the Planner app read her calendar without
//! giving it her password. The authorization code flow with PKCE, state
//! and nonce runs between her browser, Planner, the authorization server
//! and the calendar API, with real ES256 tokens (DOMAIN.md §2).
//!
//! Work in progress (issue 9): compiled and registered only with the cargo
//! feature `oauthlab`, which only the tests enable, so the property,
//! golden and coverage tests over every lab run it, but the web build does
//! not ship it until its views (HTTP cards, token inspector) are built.

pub mod attacker;
pub mod auth_server;
pub mod browser;
pub mod calendar;
pub mod config;
pub mod invariants;
pub mod msg;
pub mod planner;
mod presets;

use crate::actor::{Actor, ActorId, Ctx, Instances};
use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::machine::MachineState;
use crate::scenario::Config;
use crate::trace::{RowChange, TableSchema};
use config::{OAuthConfig, ATTACKER, AUTH, CALENDAR};
use msg::OAuthMsg;

pub const ID: &str = "oauth";
/// The model version: bumped whenever a preset's run changes.
pub const MODEL_VERSION: u32 = 1;

#[derive(Clone, Debug)]
pub enum OAuthActor {
    Browser(browser::Browser),
    Planner(planner::Planner),
    Auth(auth_server::AuthServer),
    Calendar(calendar::Calendar),
    Attacker(attacker::Attacker),
}

macro_rules! each {
    ($self:expr, $a:ident => $body:expr) => {
        match $self {
            OAuthActor::Browser($a) => $body,
            OAuthActor::Planner($a) => $body,
            OAuthActor::Auth($a) => $body,
            OAuthActor::Calendar($a) => $body,
            OAuthActor::Attacker($a) => $body,
        }
    };
}

impl Actor for OAuthActor {
    type Msg = OAuthMsg;

    fn name(&self) -> &str {
        each!(self, a => a.name())
    }
    fn title(&self) -> String {
        each!(self, a => a.title())
    }
    fn machine(&self) -> &MachineState {
        each!(self, a => a.machine())
    }
    fn on_start(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        each!(self, a => a.on_start(ctx))
    }
    fn on_message(&mut self, from: ActorId, msg: OAuthMsg, ctx: &mut Ctx<OAuthMsg>) {
        each!(self, a => a.on_message(from, msg, ctx))
    }
    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<OAuthMsg>) {
        each!(self, a => a.on_timer(tag, ctx))
    }
    fn on_crash(&mut self) {
        each!(self, a => a.on_crash())
    }
    fn on_restart(&mut self, ctx: &mut Ctx<OAuthMsg>) {
        each!(self, a => a.on_restart(ctx))
    }
    fn on_lab_fault(&mut self, name: &str, args: &Config, ctx: &mut Ctx<OAuthMsg>) -> bool {
        each!(self, a => a.on_lab_fault(name, args, ctx))
    }
    fn instances(&self) -> Option<Instances> {
        each!(self, a => a.instances())
    }
    fn schema(&self) -> Vec<TableSchema> {
        each!(self, a => a.schema())
    }
    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        each!(self, a => a.changed_rows(out))
    }
}

pub struct OAuthLab;

impl Lab for OAuthLab {
    type Actor = OAuthActor;
    type Settings = OAuthConfig;

    fn info() -> LabInfo {
        LabInfo {
            id: ID,
            model_version: MODEL_VERSION,
            default_preset: "happy-path",
            lab_faults: presets::lab_faults(),
            title: "OAuth: delegated access with PKCE and OpenID Connect",
            tagline: "Planner wants to read Alice's calendar. She never gives it her password.",
            config: config::fields(),
            palette: presets::palette(),
            presets: presets::presets(),
            invariants: invariants::list(),
            interview: None,
        }
    }

    fn settings(info: &LabInfo, config: &Config) -> OAuthConfig {
        OAuthConfig::read(info, config)
    }

    fn build(cfg: &OAuthConfig) -> Vec<OAuthActor> {
        vec![
            OAuthActor::Browser(browser::Browser::new(cfg)),
            OAuthActor::Planner(planner::Planner::new(cfg)),
            OAuthActor::Auth(auth_server::AuthServer::new(cfg)),
            OAuthActor::Calendar(calendar::Calendar::new(cfg)),
            OAuthActor::Attacker(attacker::Attacker::new()),
        ]
    }

    fn check(
        _cfg: &OAuthConfig,
        actors: &[OAuthActor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let (Some(OAuthActor::Auth(auth)), Some(OAuthActor::Calendar(cal))) =
            (actors.get(AUTH as usize), actors.get(CALENDAR as usize))
        else {
            return out;
        };
        if trace.changed(AUTH) {
            invariants::check_codes(auth, &mut out);
        }
        if let Some(OAuthActor::Attacker(m)) = actors.get(ATTACKER as usize) {
            if trace.changed(ATTACKER) {
                invariants::check_attacker(m, &mut out);
            }
        }
        if (trace.changed(AUTH) || trace.changed(CALENDAR))
            && !trace.is_broken(invariants::API_ONLY_ACTIVE_TOKENS)
        {
            invariants::check_api(auth, cal, &mut out);
        }
        out.retain(|(id, _)| !trace.is_broken(id));
        out
    }
}
