//! The faults a learner can add to an OAuth run: the lab faults its
//! actors understand, the palette's one-click faults, and the message
//! matches and faults the presets build on too.

use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::{ConfigField, FieldKind, LabFaultInfo, PaletteEntry};
use crate::message::MsgClass;

/// Planner's token request (its second request to the server, after /jwks).
pub(super) fn token_request(t: u64) -> MsgMatch {
    MsgMatch::next(t, Some(MsgClass::Request))
        .from("planner")
        .to("auth-server")
        .nth(if t == 0 { 2 } else { 1 })
}

/// The server's answer to the token request (its second answer to Planner).
pub(super) fn token_response(t: u64) -> MsgMatch {
    MsgMatch::next(t, Some(MsgClass::Response))
        .from("auth-server")
        .to("planner")
        .nth(if t == 0 { 2 } else { 1 })
}

/// How long the authorization server stays overloaded or down.
fn for_ms() -> Vec<ConfigField> {
    vec![ConfigField {
        key: super::auth_server::FOR_MS,
        label: "For",
        help: "How long it lasts.",
        kind: FieldKind::Number {
            default: super::auth_server::DEFAULT_FOR_MS as i64,
            min: 1_000,
            max: 60_000,
            step: 1_000,
            unit: "ms",
        },
    }]
}

/// The lab faults the actors understand.
pub fn lab_faults() -> Vec<LabFaultInfo> {
    let spec = LabFaultInfo::plain;
    vec![
        LabFaultInfo {
            name: "overloaded",
            // The authorization server sheds load: /authorize redirects back with error=temporarily_unavailable, /token answers 503.
            params: for_ms(),
        },
        LabFaultInfo {
            name: "down",
            // The authorization server answers nothing: browsers and clients time out.
            params: for_ms(),
        },
        // From now on every access token Planner holds leaks to Mallory, who reads the calendar with it.
        spec("leak-access-token"),
        // From now on Planner's refresh token leaks to Mallory, who replays the first one she gets 6 s later.
        spec("leak-refresh-token"),
        // Alice disconnects Planner: it revokes its refresh token at /revoke (RFC 7009).
        spec("disconnect"),
        // Planner's next calendar call goes out without its Authorization header.
        spec("forget-token"),
        // Mallory hands Planner's "sign in with a token" endpoint the tokens her Quizzly app got for Alice.
        spec("token-substitution"),
        // Mallory sends Alice a link to /authorize with Planner's client_id and a look-alike redirect_uri.
        spec("phishing-link"),
        // The authorization server's next /authorize or /token request fails: error=server_error, or a plain 500.
        spec("server-bug"),
        // Planner's next authorization request names client_id=planer.
        spec("bad-client-id"),
        // Planner's next authorization request also asks for calendar.admin.
        spec("bad-scope"),
        // Planner's next authorization request asks for response_type=code id_token.
        spec("bad-response-type"),
        // Planner's next token request says grant_type=authorization-code.
        spec("bad-grant-type"),
        // Planner's next token request carries a wrong client secret.
        spec("bad-secret"),
        // The calendar API's next introspection carries a wrong secret (rotated at the server, not at the API).
        spec("bad-api-secret"),
        // Planner's next refresh also asks for calendar.admin.
        spec("bad-refresh-scope"),
        // The browser's next callback URL, code included, also reaches Mallory.
        spec("leak-code"),
        // Mallory gets a code for her own account and sends Alice a link that delivers it to Planner.
        spec("forged-callback"),
        // Mallory puts the next code she steals into her own Planner session.
        spec("inject-code"),
        // The server marks its next code or refresh token used only after issuing: a copy sent at once passes too.
        spec("check-race"),
        // The server's next code grants all Planner asked for, whatever the user allowed.
        spec("consent-ignored"),
    ]
}

/// The browser's next callback to Planner (its second request to it from
/// the start) is slow: Mallory is quicker than Planner.
pub(super) fn slow_callback(t: u64) -> Fault {
    Fault::Net {
        on: MsgMatch::next(t, Some(MsgClass::Request))
            .from("browser")
            .to("planner")
            .nth(if t == 0 { 2 } else { 1 }),
        action: NetAction::Delay { ms: 400 },
    }
}

pub(super) fn overloaded(t: u64) -> Fault {
    Fault::lab(t, "auth-server", "overloaded")
}

pub fn palette() -> Vec<PaletteEntry> {
    // A constant table copied out (no code per entry).
    const ALL: &[PaletteEntry] = &[
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
            help: "A browser extension reads the next callback URL, code included.",
            build: |t| vec![Fault::lab(t, "browser", "leak-code")],
        },
        PaletteEntry {
            id: "forged-callback",
            label: "Mallory sends a forged callback",
            help: "Mallory gets a code for her own account and makes Alice's browser deliver it to Planner.",
            build: |t| vec![Fault::lab(t, "attacker", "forged-callback")],
        },
        PaletteEntry {
            id: "inject-code",
            label: "Mallory injects a leaked code",
            help: "The next callback URL leaks and is slow to reach Planner; Mallory puts its code into her own Planner session first.",
            build: |t| {
                vec![
                    Fault::lab(t, "attacker", "inject-code"),
                    Fault::lab(t, "browser", "leak-code"),
                    slow_callback(t),
                ]
            },
        },
        PaletteEntry {
            id: "leak-access-token",
            label: "Leak Planner's access token",
            help: "From now on every access token Planner holds also reaches Mallory, who reads the calendar with it.",
            build: |t| vec![Fault::lab(t, "planner", "leak-access-token")],
        },
        PaletteEntry {
            id: "leak-refresh-token",
            label: "Leak Planner's refresh token",
            help: "From now on Planner's refresh tokens also reach Mallory, who replays the first one 6 s later.",
            build: |t| vec![Fault::lab(t, "planner", "leak-refresh-token")],
        },
        PaletteEntry {
            id: "disconnect",
            label: "Alice disconnects Planner",
            help: "Planner revokes its refresh token at /revoke and forgets its tokens.",
            build: |t| vec![Fault::lab(t, "planner", "disconnect")],
        },
        PaletteEntry {
            id: "forget-token",
            label: "Next call without a token",
            help: "Planner's next calendar call has no Authorization header.",
            build: |t| vec![Fault::lab(t, "planner", "forget-token")],
        },
        PaletteEntry {
            id: "auth-overloaded",
            label: "Overload the authorization server (10 s)",
            help: "/authorize redirects back with temporarily_unavailable; /token answers 503.",
            build: |t| vec![overloaded(t)],
        },
        PaletteEntry {
            id: "auth-down",
            label: "Take the authorization server down (10 s)",
            help: "It answers nothing: browsers and clients time out.",
            build: |t| vec![Fault::lab(t, "auth-server", "down")],
        },
        PaletteEntry {
            id: "token-substitution",
            label: "Mallory signs in with Quizzly's token",
            help: "Mallory hands Planner the tokens her Quizzly app got for Alice, as proof of login.",
            build: |t| vec![Fault::lab(t, "attacker", "token-substitution")],
        },
        PaletteEntry {
            id: "phishing-link",
            label: "Mallory sends a look-alike redirect link",
            help: "A link to /authorize with Planner's client_id and a redirect_uri on Mallory's look-alike host.",
            build: |t| vec![Fault::lab(t, "attacker", "phishing-link")],
        },
        PaletteEntry {
            id: "server-bug",
            label: "A bug in the authorization server",
            help: "Its next /authorize redirects back with error=server_error; its next /token answers 500.",
            build: |t| vec![Fault::lab(t, "auth-server", "server-bug")],
        },
        PaletteEntry {
            id: "bad-client-id",
            label: "Planner: unknown client_id",
            help: "An error page, no redirect: the server cannot vouch for any redirect_uri.",
            build: |t| vec![Fault::lab(t, "planner", "bad-client-id")],
        },
        PaletteEntry {
            id: "bad-scope",
            label: "Planner: unknown scope",
            help: "Redirected back with error=invalid_scope.",
            build: |t| vec![Fault::lab(t, "planner", "bad-scope")],
        },
        PaletteEntry {
            id: "bad-response-type",
            label: "Planner: unsupported response_type",
            help: "Redirected back with error=unsupported_response_type.",
            build: |t| vec![Fault::lab(t, "planner", "bad-response-type")],
        },
        PaletteEntry {
            id: "bad-grant-type",
            label: "Planner: grant_type typo",
            help: "400 unsupported_grant_type at /token.",
            build: |t| vec![Fault::lab(t, "planner", "bad-grant-type")],
        },
        PaletteEntry {
            id: "bad-secret",
            label: "Planner: wrong client secret",
            help: "401 invalid_client at /token, with WWW-Authenticate: Basic.",
            build: |t| vec![Fault::lab(t, "planner", "bad-secret")],
        },
        PaletteEntry {
            id: "bad-api-secret",
            label: "Calendar API: wrong introspection secret",
            help: "401 invalid_client at /introspect; the API fails closed with 503.",
            build: |t| vec![Fault::lab(t, "calendar-api", "bad-api-secret")],
        },
        PaletteEntry {
            id: "bad-refresh-scope",
            label: "Planner: wider scope on refresh",
            help: "400 invalid_scope: a refresh can keep or narrow the scope, never widen it.",
            build: |t| vec![Fault::lab(t, "planner", "bad-refresh-scope")],
        },
        PaletteEntry {
            id: "browser-sleeps",
            label: "Alice's laptop sleeps 45 s",
            help: "The browser's next request arrives 45 seconds late: long enough for a code to expire (codes live 30 s by default).",
            build: |t| {
                vec![Fault::Net {
                    on: MsgMatch::next(t, Some(MsgClass::Request)).from("browser"),
                    action: NetAction::Delay { ms: 45_000 },
                }]
            },
        },
    ];
    ALL.to_vec()
}
