//! The OAuth lab: Alice lets the Planner app read her calendar without
//! giving it her password. The authorization code flow with PKCE, state
//! and nonce runs between her browser, Planner, the authorization server
//! and the calendar API, with real ES256 tokens (DOMAIN.md §2).

pub mod attacker;
pub mod auth_server;
pub mod browser;
pub mod calendar;
pub mod cases;
pub mod claims;
mod code_flow;
pub mod config;
mod faults;
pub mod grants;
pub mod id;
mod id_token;
pub mod invariants;
pub mod msg;
mod other_session;
mod other_visitor;
pub mod planner;
mod planner_api;
mod planner_machine;
mod presets;
mod session_table;
mod token_endpoint;
mod token_login;
mod wire;
mod wire_http;

pub use id::{ID, MODEL_VERSION};

use crate::lab::{Lab, LabInfo, TraceSoFar};
use crate::scenario::Config;
use config::{OAuthConfig, ATTACKER, AUTH, CALENDAR, PLANNER};
use msg::OAuthMsg;

#[derive(Clone, Debug, Hash)]
pub enum OAuthActor {
    Browser(browser::Browser),
    Planner(planner::Planner),
    Auth(auth_server::AuthServer),
    Calendar(calendar::Calendar),
    Attacker(attacker::Attacker),
}

crate::actor::forward_actor!(
    OAuthActor,
    OAuthMsg,
    [Browser, Planner, Auth, Calendar, Attacker]
);

pub struct OAuthLab;

impl Lab for OAuthLab {
    type Actor = OAuthActor;
    type Settings = OAuthConfig;

    fn info() -> LabInfo {
        LabInfo {
            id: ID,
            model_version: MODEL_VERSION,
            default_preset: "happy-path",
            lab_faults: faults::lab_faults(),
            title: "OAuth: delegated access with PKCE and OpenID Connect",
            tagline: "Planner wants to read Alice's calendar. She never gives it her password.",
            config: config::fields(),
            palette: faults::palette(),
            presets: presets::presets(),
            invariants: invariants::list(),
            figures: crate::lab::no_figures,
            interviews: presets::interviews(),
            comparisons: presets::comparisons(),
            compare_tables: &[
                "Planner's session",
                "Calendar API calls",
                "Tokens (families)",
            ],
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
            if !trace.is_broken(invariants::ONE_ACTIVE_REFRESH) {
                invariants::check_refresh(auth, trace.now_ms, &mut out);
            }
        }
        if let Some(OAuthActor::Planner(p)) = actors.get(PLANNER as usize) {
            if trace.changed(PLANNER) {
                invariants::check_planner(p, &mut out);
            }
            if trace.changed(PLANNER) || trace.changed(AUTH) {
                invariants::check_sessions(auth, p, &mut out);
            }
        }
        if let Some(OAuthActor::Attacker(m)) = actors.get(ATTACKER as usize) {
            if trace.changed(ATTACKER) {
                invariants::check_attacker(m, &mut out);
            }
        }
        if trace.changed(AUTH) || trace.changed(CALENDAR) {
            invariants::check_api(auth, cal, |id| trace.is_broken(id), &mut out);
        }
        out.retain(|(id, _)| !trace.is_broken(id));
        out
    }

    fn explorer_note(property: &str) -> Option<&'static str> {
        match property {
            invariants::REVOKED_REFUSED => Some(
                "The server revoked this token: it saw the token's code redeemed twice (an attacker's replay, or the network delivering Planner's own request twice), a refresh token used again, or Planner disconnecting. A JWT access token is checked by the calendar API alone, so there it stays good until it expires. With opaque tokens introspected at the server (the Access tokens setting) a revocation counts at once; a short lifetime shortens the window.",
            ),
            invariants::API_ONLY_ACTIVE_TOKENS => Some(
                "The calendar API must refuse a token that is not good now: never issued, revoked, expired, or without the scope of the call. A JWT checked locally shows all of that but one thing: whether the server has revoked it.",
            ),
            _ => None,
        }
    }
}
