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
pub const REFRESH_TTL_MS: &str = "refresh_ttl_ms";
pub const CODE_TTL_MS: &str = "code_ttl_ms";
pub const LATER_READS: &str = "later_reads";
pub const OIDC: &str = "oidc";
pub const REDIRECT_MATCH: &str = "redirect_match";
pub const REQUIRE_PKCE: &str = "require_pkce";
pub const GRANT: &str = "grant";
pub const CLIENT_TYPE: &str = "client_type";
pub const LOGIN_PROOF: &str = "login_proof";

pub const LOGIN_PROOF_OPTIONS: &[(&str, &str)] = &[
    (
        "id_token",
        "An ID token for Planner (aud and nonce checked)",
    ),
    (
        "access_token",
        "Any valid access token (the common mistake)",
    ),
];

pub const GRANT_OPTIONS: &[(&str, &str)] = &[
    ("code", "Authorization code (the settings above)"),
    (
        "implicit",
        "Implicit (RFC 9700: SHOULD NOT; the token comes back in the URL)",
    ),
    (
        "password",
        "Password grant (RFC 9700: MUST NOT; Planner asks for the password)",
    ),
];
pub const CLIENT_TYPE_OPTIONS: &[(&str, &str)] = &[
    ("public", "Public: a single-page app, no secret"),
    (
        "confidential",
        "Confidential: a server app with a client secret",
    ),
];

pub const PKCE_OPTIONS: &[(&str, &str)] = &[
    ("s256", "S256: sends SHA-256 of the verifier"),
    ("plain", "plain: sends the verifier itself"),
    ("off", "No PKCE"),
];
pub const REDIRECT_MATCH_OPTIONS: &[(&str, &str)] = &[
    ("exact", "Exactly the registered URI (RFC 9700)"),
    (
        "prefix",
        "Anything starting with https://planner.example (lax)",
    ),
];

pub const CONSENT_OPTIONS: &[(&str, &str)] = &[
    ("all", "Allows everything Planner asks for"),
    ("read", "Allows only calendar.read"),
    ("deny", "Denies"),
];
pub const TOKEN_CHECK_OPTIONS: &[(&str, &str)] = &[
    (
        "jwt",
        "JWT, checked locally (signature, typ, iss, aud, exp, scope)",
    ),
    (
        "introspect",
        "Opaque token, introspected at the authorization server",
    ),
];

/// The config panel's fields, in display order.
pub fn fields() -> Vec<ConfigField> {
    // A constant table copied out (no code per entry).
    const ALL: &[ConfigField] = &[
        ConfigField {
            key: GRANT,
            label: "Grant",
            help: "How Planner gets a token. The password grant (RFC 6749 §4.3) MUST NOT be used (RFC 9700 §2.4): the app itself asks for the user's password.",
            kind: FieldKind::Choice {
                default: "code",
                options: GRANT_OPTIONS,
            },
        },
        ConfigField {
            key: CLIENT_TYPE,
            label: "Planner is",
            help: "A confidential client authenticates at the token endpoint with its client secret (HTTP Basic); a public one cannot keep a secret.",
            kind: FieldKind::Choice {
                default: "public",
                options: CLIENT_TYPE_OPTIONS,
            },
        },
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
            label: "Planner's PKCE",
            help: "A code verifier only Planner knows; S256 sends its hash with the authorization request, plain sends the verifier itself.",
            kind: FieldKind::Choice {
                default: "s256",
                options: PKCE_OPTIONS,
            },
        },
        ConfigField {
            key: OIDC,
            label: "OpenID Connect (ID token)",
            help: "With OIDC Planner asks for openid and gets an ID token saying who signed in; plain OAuth only gives it calendar access.",
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
            label: "Access tokens",
            help: "A JWT checked locally stays valid until it expires, even revoked; an opaque token is introspected at the server on each call, so a revocation counts at once (unless the API caches the answers, RFC 7662 §4).",
            kind: FieldKind::Choice {
                default: "jwt",
                options: TOKEN_CHECK_OPTIONS,
            },
        },
        ConfigField {
            key: ACCESS_TTL_MS,
            label: "Access token lifetime",
            help: "How long an access token is accepted after it is issued. Real ones live minutes to an hour; here at most a minute, so that one expires within a run.",
            kind: FieldKind::Number {
                default: 60_000,
                min: 1_000,
                max: 60_000,
                step: 1_000,
                unit: "ms",
            },
        },
        ConfigField {
            key: REFRESH_TTL_MS,
            label: "Refresh token lifetime",
            help: "How long a refresh token may be used (each refresh rotates it). Real ones live days; here at most a run's two minutes.",
            kind: FieldKind::Number {
                default: 120_000,
                min: 1_000,
                max: 120_000,
                step: 1_000,
                unit: "ms",
            },
        },
        ConfigField {
            key: CODE_TTL_MS,
            label: "Authorization code lifetime",
            help: "How long a code may be exchanged (RFC 6749 recommends at most 10 minutes).",
            kind: FieldKind::Number {
                default: 30_000,
                min: 1_000,
                max: 60_000,
                step: 1_000,
                unit: "ms",
            },
        },
        ConfigField {
            key: LATER_READS,
            label: "Later syncs",
            help: "After its first read and write, Planner reads the calendar again this many times, every 5 s.",
            kind: FieldKind::Number {
                default: 0,
                min: 0,
                max: 4,
                step: 1,
                unit: "",
            },
        },
        ConfigField {
            key: REDIRECT_MATCH,
            label: "The server matches redirect_uri",
            help: "Exact string match against the registered URI, or a lax prefix match that a look-alike host passes.",
            kind: FieldKind::Choice {
                default: "exact",
                options: REDIRECT_MATCH_OPTIONS,
            },
        },
        ConfigField {
            key: LOGIN_PROOF,
            label: "\"Sign in with a token\" accepts",
            help: "Planner's endpoint for apps that hand it a token. An access token says what its bearer may do, not who signed in to Planner; only an ID token whose aud is Planner (and whose nonce Planner made) does.",
            kind: FieldKind::Choice {
                default: "id_token",
                options: LOGIN_PROOF_OPTIONS,
            },
        },
        ConfigField {
            key: REQUIRE_PKCE,
            label: "The server requires PKCE",
            help: "An authorization request without a code_challenge is refused with invalid_request (OAuth 2.1 for public clients).",
            kind: FieldKind::Toggle { default: false },
        },
    ];
    ALL.to_vec()
}

/// Planner's PKCE method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pkce {
    S256,
    Plain,
    Off,
}

/// Typed settings.
#[derive(Clone, Debug, Hash)]
pub struct OAuthConfig {
    pub consent: &'static str,
    pub pkce: Pkce,
    pub oidc: bool,
    pub check_state: bool,
    /// Opaque access tokens, introspected (else JWTs checked locally).
    pub introspect: bool,
    pub access_ttl_ms: u64,
    pub refresh_ttl_ms: u64,
    pub code_ttl_ms: u64,
    pub later_reads: u32,
    /// The server accepts any redirect_uri starting with Planner's origin.
    pub lax_redirect: bool,
    pub require_pkce: bool,
    /// The resource owner password credentials grant (MUST NOT, RFC 9700).
    pub password_grant: bool,
    /// The implicit grant (SHOULD NOT, RFC 9700).
    pub implicit: bool,
    /// Planner has a client secret (a server app).
    pub confidential: bool,
    /// Planner's token login takes any valid access token as proof.
    pub access_token_login: bool,
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
            pkce: match info.choice(c, PKCE) {
                "plain" => Pkce::Plain,
                "off" => Pkce::Off,
                _ => Pkce::S256,
            },
            oidc: info.flag(c, OIDC),
            check_state: info.flag(c, CHECK_STATE),
            introspect: info.choice(c, TOKEN_CHECK) == "introspect",
            access_ttl_ms: info.number(c, ACCESS_TTL_MS) as u64,
            refresh_ttl_ms: info.number(c, REFRESH_TTL_MS) as u64,
            code_ttl_ms: info.number(c, CODE_TTL_MS) as u64,
            later_reads: info.number(c, LATER_READS) as u32,
            lax_redirect: info.choice(c, REDIRECT_MATCH) == "prefix",
            require_pkce: info.flag(c, REQUIRE_PKCE),
            password_grant: info.choice(c, GRANT) == "password",
            confidential: info.choice(c, CLIENT_TYPE) == "confidential",
            implicit: info.choice(c, GRANT) == "implicit",
            access_token_login: info.choice(c, LOGIN_PROOF) == "access_token",
        }
    }

    /// The scopes Planner asks for: `openid` only with OIDC.
    pub fn requested(&self) -> &'static str {
        if self.oidc {
            super::msg::REQUESTED
        } else {
            super::msg::REQUESTED_NO_OIDC
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
