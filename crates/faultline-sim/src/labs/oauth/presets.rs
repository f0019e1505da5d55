//! One-click scenarios and the fault palette of the OAuth lab.

use super::config as c;
use super::ID;
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::{LabFaultInfo, PaletteEntry, Preset};
use crate::message::MsgClass;
use crate::scenario::{ConfigValue::Bool, ConfigValue::Choice, Scenario};

const SEED: u64 = 11;

fn base() -> Scenario {
    Scenario::new(ID, SEED)
}

/// Planner's token request (its second request to the server, after /jwks).
fn token_request(t: u64) -> MsgMatch {
    MsgMatch::next(t, Some(MsgClass::Request))
        .from("planner")
        .to("auth-server")
        .nth(if t == 0 { 2 } else { 1 })
}

/// The server's answer to the token request (its second answer to Planner).
fn token_response(t: u64) -> MsgMatch {
    MsgMatch::next(t, Some(MsgClass::Response))
        .from("auth-server")
        .to("planner")
        .nth(if t == 0 { 2 } else { 1 })
}

fn duplicated_token_request() -> Scenario {
    base().fault(Fault::Net {
        on: token_request(0),
        action: NetAction::Duplicate,
    })
}

/// The lab faults the actors understand (none takes parameters).
pub fn lab_faults() -> Vec<LabFaultInfo> {
    let spec = LabFaultInfo::plain;
    vec![
        spec(
            "leak-code",
            "The browser's next callback URL, code included, also reaches Mallory.",
        ),
        spec(
            "forged-callback",
            "Mallory gets a code for her own account and sends Alice a link that delivers it to Planner.",
        ),
    ]
}

/// The code leaks, and Mallory's app is quicker than Planner: the
/// browser's callback to Planner (its second request to it) is slow.
fn leaked() -> Scenario {
    base()
        .fault(Fault::lab(0, "browser", "leak-code"))
        .fault(Fault::Net {
            on: MsgMatch::next(0, Some(MsgClass::Request))
                .from("browser")
                .to("planner")
                .nth(2),
            action: NetAction::Delay { ms: 400 },
        })
}

fn forged() -> Scenario {
    base().fault(Fault::lab(500, "attacker", "forged-callback"))
}

pub fn presets() -> Vec<Preset> {
    vec![
        Preset {
            id: "happy-path",
            title: "Happy path: code flow with PKCE",
            explanation: "Alice signs in at the authorization server, not at Planner, and allows access. Planner gets a code, trades it with its PKCE verifier for tokens, and reads and writes her calendar.",
            scenario: base,
        },
        Preset {
            id: "consent-read-only",
            title: "Alice allows reading only",
            explanation: "Alice grants calendar.read but not calendar.write: reading works, adding an event gets 403 insufficient_scope.",
            scenario: || base().with(c::CONSENT, Choice("read".into())),
        },
        Preset {
            id: "consent-denied",
            title: "Alice says no",
            explanation: "Alice denies access: the server redirects back with error=access_denied and the state. No code, no token, no calendar.",
            scenario: || base().with(c::CONSENT, Choice("deny".into())),
        },
        Preset {
            id: "code-replayed",
            title: "Code used twice, JWT still accepted",
            explanation: "The network delivers the token request twice. The server refuses the second use of the code and revokes what it gave, but the calendar API checks the JWT itself and keeps accepting the revoked token until it expires.",
            scenario: duplicated_token_request,
        },
        Preset {
            id: "code-replayed-introspection",
            title: "Code used twice, API asks the server",
            explanation: "The same replay, but the calendar API asks the server about each token (introspection): the revoked token is refused with 401 invalid_token.",
            scenario: || duplicated_token_request().with(c::TOKEN_CHECK, Choice("introspect".into())),
        },
        Preset {
            id: "token-response-lost",
            title: "Token response lost: a code is single-use",
            explanation: "The tokens are lost on the way back. Planner retries with the same code, which was already used: invalid_grant, and the server revokes the lost tokens. Retrying is not safe here.",
            scenario: || {
                base().fault(Fault::Net {
                    on: token_response(0),
                    action: NetAction::Drop,
                })
            },
        },
        Preset {
            id: "stolen-code-pkce",
            title: "Stolen code, stopped by PKCE",
            explanation: "A malicious app sees the callback URL with Alice's code and redeems it before Planner. It has no code_verifier, so the server refuses it; Planner's own exchange then works.",
            scenario: leaked,
        },
        Preset {
            id: "stolen-code-no-pkce",
            title: "Stolen code without PKCE",
            explanation: "The same theft when Planner does not use PKCE: nothing ties the code to Planner, so Mallory gets Alice's tokens and reads her calendar, and Planner's own exchange fails.",
            scenario: || leaked().with(c::PKCE, Bool(false)),
        },
        Preset {
            id: "csrf-forged-callback",
            title: "Forged callback, stopped by state",
            explanation: "Mallory sends Alice a link to Planner's callback with a code for Mallory's own account. The state is not the one Planner sent, so Planner refuses it and finishes Alice's real login.",
            scenario: forged,
        },
        Preset {
            id: "csrf-no-state-check",
            title: "Forged callback, no state check",
            explanation: "Planner forgets to check state and exchanges Mallory's code. The server refuses: the code has no PKCE challenge but the request has a verifier (RFC 9700 §4.8.2). Alice's own login is lost.",
            scenario: || forged().with(c::CHECK_STATE, Bool(false)),
        },
    ]
}

pub fn palette() -> Vec<PaletteEntry> {
    vec![
        PaletteEntry {
            id: "duplicate-token-request",
            label: "Duplicate the token request",
            help: "The network delivers Planner's next token request twice: the code is presented twice.",
            build: |t| {
                vec![Fault::Net {
                    on: token_request(t),
                    action: NetAction::Duplicate,
                }]
            },
        },
        PaletteEntry {
            id: "drop-token-response",
            label: "Lose the token response",
            help: "The server's next answer to Planner vanishes on the way.",
            build: |t| {
                vec![Fault::Net {
                    on: token_response(t),
                    action: NetAction::Drop,
                }]
            },
        },
        PaletteEntry {
            id: "leak-code",
            label: "Leak the next callback URL",
            help: "A malicious app registered for the same redirect sees the next callback URL, code included.",
            build: |t| vec![Fault::lab(t, "browser", "leak-code")],
        },
        PaletteEntry {
            id: "forged-callback",
            label: "Mallory sends a forged callback",
            help: "Mallory gets a code for her own account and makes Alice's browser deliver it to Planner.",
            build: |t| vec![Fault::lab(t, "attacker", "forged-callback")],
        },
        PaletteEntry {
            id: "browser-sleeps",
            label: "Alice's laptop sleeps 45 s",
            help: "The browser's next request arrives 45 seconds late: long enough for a code to expire (codes live 30 s here).",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, Some(MsgClass::Request)).from("browser"),
                    action: NetAction::Delay { ms: 45_000 },
                }]
            },
        },
    ]
}
