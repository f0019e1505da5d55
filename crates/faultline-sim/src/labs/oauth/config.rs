//! The OAuth lab's settings: the schema the config panel draws and the
//! typed values the actors read.

use crate::actor::ActorId;
use crate::lab::{ConfigField, FieldKind, LabInfo};
use crate::scenario::Config;

pub const CONSENT: &str = "consent";
pub const PKCE: &str = "pkce";
pub const CHECK_STATE: &str = "check_state";
pub const TOKEN_CHECK: &str = "token_check";
pub const ACCESS_TTL_MS: &str = "access_ttl_ms";

pub const CONSENT_OPTIONS: &[(&str, &str)] = &[
    ("all", "Allows everything Planner asks for"),
    ("read", "Allows only calendar.read"),
    ("deny", "Denies"),
];
pub const TOKEN_CHECK_OPTIONS: &[(&str, &str)] = &[
    ("jwt", "Checks the JWT itself (signature, aud, exp, scope)"),
    (
        "introspect",
        "Asks the authorization server (introspection)",
    ),
];

/// The config panel's fields, in display order.
pub fn fields() -> Vec<ConfigField> {
    vec![
        ConfigField {
            key: CONSENT,
            label: "The user, on the consent screen",
            help: "What the user allows when the authorization server asks.",
            kind: FieldKind::Choice {
                default: "all",
                options: CONSENT_OPTIONS,
            },
        },
        ConfigField {
            key: PKCE,
            label: "Planner uses PKCE (S256)",
            help: "A code verifier only Planner knows; its hash goes with the authorization request.",
            kind: FieldKind::Toggle { default: true },
        },
        ConfigField {
            key: CHECK_STATE,
            label: "Planner checks state",
            help: "The callback must carry the state Planner sent: the defence against login CSRF.",
            kind: FieldKind::Toggle { default: true },
        },
        ConfigField {
            key: TOKEN_CHECK,
            label: "The calendar API checks tokens by",
            help: "A JWT can be checked locally but not revoked; introspection asks the server each time.",
            kind: FieldKind::Choice {
                default: "jwt",
                options: TOKEN_CHECK_OPTIONS,
            },
        },
        ConfigField {
            key: ACCESS_TTL_MS,
            label: "Access token lifetime",
            help: "How long an access token is accepted after it is issued.",
            kind: FieldKind::Number {
                default: 600_000,
                min: 1_000,
                max: 3_600_000,
                step: 1_000,
                unit: "ms",
            },
        },
    ]
}

/// Typed settings.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    pub consent: &'static str,
    pub pkce: bool,
    pub check_state: bool,
    pub introspect: bool,
    pub access_ttl_ms: u64,
}

/// Lanes, in order.
pub const BROWSER: ActorId = 0;
pub const PLANNER: ActorId = 1;
pub const AUTH: ActorId = 2;
pub const CALENDAR: ActorId = 3;
pub const ATTACKER: ActorId = 4;

impl OAuthConfig {
    pub fn read(info: &LabInfo, c: &Config) -> Self {
        Self {
            consent: info.choice(c, CONSENT),
            pkce: info.flag(c, PKCE),
            check_state: info.flag(c, CHECK_STATE),
            introspect: info.choice(c, TOKEN_CHECK) == "introspect",
            access_ttl_ms: info.number(c, ACCESS_TTL_MS) as u64,
        }
    }

    /// The scope the user consents to, given what was asked.
    pub fn consented(&self, requested: &str) -> Option<String> {
        match self.consent {
            "deny" => None,
            "read" => Some(
                requested
                    .split(' ')
                    .filter(|s| *s != "calendar.write")
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => Some(requested.to_string()),
        }
    }
}

/// Random bytes from the seeded generator as a base64url string.
pub fn random_token(ctx: &mut crate::actor::Ctx<super::msg::OAuthMsg>, words: usize) -> String {
    let bytes: Vec<u8> = (0..words)
        .flat_map(|_| ctx.random_u64().to_be_bytes())
        .collect();
    crate::jose::b64url(&bytes)
}

/// Four random words, for keys and verifiers.
pub fn random_words(ctx: &mut crate::actor::Ctx<super::msg::OAuthMsg>) -> [u64; 4] {
    [
        ctx.random_u64(),
        ctx.random_u64(),
        ctx.random_u64(),
        ctx.random_u64(),
    ]
}
