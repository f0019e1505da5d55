//! Narration that would claim a mechanism acted, per setting that turns
//! it off: with the setting off, no line of a run may say it
//! (`tests/oauth_properties.rs` checks random configurations). Naming a
//! missing defence is fine; these are claims of action.

use super::config::{OAuthConfig, Pkce};

/// A setting and what the narration must not say while it holds.
pub struct Claim {
    pub setting: &'static str,
    pub holds: fn(&OAuthConfig) -> bool,
    pub phrases: &'static [&'static str],
}

pub const CLAIMS: &[Claim] = &[
    Claim {
        setting: "Planner's PKCE off",
        holds: |c| c.pkce == Pkce::Off,
        phrases: &[
            "bound to the PKCE challenge",
            "with its code_verifier",
            "the PKCE code_challenge",
            "sends only the verifier's SHA-256 hash",
            "the verifier itself as the challenge",
            "with that session's code_verifier",
        ],
    },
    Claim {
        setting: "OpenID Connect off",
        holds: |c| !c.oidc,
        phrases: &[
            "a nonce (for the ID token)",
            "state, nonce",
            "the nonce is the one it sent",
            "Planner checks the ID token",
        ],
    },
    Claim {
        setting: "state not checked",
        holds: |c| !c.check_state,
        phrases: &[
            "The state matches the one Planner sent",
            "The state in the callback is not the one Planner sent",
            "is not the one Planner sent this session",
        ],
    },
    Claim {
        setting: "implicit grant",
        holds: |c| c.implicit,
        phrases: &["the code and the state in the query", "code included"],
    },
    Claim {
        setting: "JWT access tokens, checked locally",
        holds: |c| !c.introspect,
        phrases: &[
            "asks the authorization server whether this token is active",
            "looks the token up",
        ],
    },
    Claim {
        setting: "opaque access tokens, introspected",
        holds: |c| c.introspect,
        phrases: &["typ is at+jwt"],
    },
    Claim {
        setting: "public client",
        holds: |c| !c.confidential,
        phrases: &["its client secret", "authenticating with its secret"],
    },
    Claim {
        setting: "confidential client (HS256 ID token)",
        holds: |c| c.confidential,
        phrases: &["verifies with the key from /jwks"],
    },
    Claim {
        setting: "exact redirect_uri match",
        holds: |c| !c.lax_redirect,
        phrases: &["only compares prefixes"],
    },
    Claim {
        setting: "the server does not require PKCE",
        holds: |c| !c.require_pkce,
        phrases: &["this server requires PKCE"],
    },
    Claim {
        setting: "no password grant",
        holds: |c| !c.password_grant,
        phrases: &["Planner now holds Alice's password"],
    },
];
