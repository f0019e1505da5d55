//! One-click scenarios of the OAuth lab and its ready-made comparisons.

use super::config as c;
use super::faults::{overloaded, slow_callback, token_request, token_response};
use super::id::{ID, MODEL_VERSION};
use crate::fault::{Fault, MsgMatch, NetAction};
use crate::lab::{Comparison, Preset};
use crate::message::MsgClass;
use crate::scenario::{ConfigValue::Bool, ConfigValue::Choice, ConfigValue::Int, Scenario};

const SEED: u64 = 11;

fn base() -> Scenario {
    Scenario::new(ID, MODEL_VERSION, SEED)
}

fn duplicated_token_request() -> Scenario {
    base().fault(Fault::Net {
        on: token_request(0),
        action: NetAction::Duplicate,
    })
}

/// The code leaks, and Mallory's app is quicker than Planner.
fn leaked() -> Scenario {
    base()
        .fault(Fault::lab(0, "browser", "leak-code"))
        .fault(slow_callback(0))
}

/// The code leaks and Mallory injects it into her own Planner session;
/// Planner is confidential, without PKCE or OpenID Connect.
fn injected() -> Scenario {
    leaked()
        .fault(Fault::lab(0, "attacker", "inject-code"))
        .with(c::PKCE, Choice("off".into()))
        .with(c::OIDC, Bool(false))
        .with(c::CLIENT_TYPE, Choice("confidential".into()))
}

fn forged() -> Scenario {
    base().fault(Fault::lab(500, "attacker", "forged-callback"))
}

pub fn presets() -> Vec<Preset> {
    // A constant table copied out (no code per entry).
    const ALL: &[Preset] = &[
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
            id: "introspection-bad-secret",
            title: "Introspection with a wrong secret",
            explanation: "The calendar API introspects with an old secret: the server answers 401 invalid_client and says nothing about the token (RFC 7662). The API fails closed: 503, not 200.",
            scenario: || {
                base()
                    .with(c::TOKEN_CHECK, Choice("introspect".into()))
                    .fault(Fault::lab(0, "calendar-api", "bad-api-secret"))
            },
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
            explanation: "A browser extension sees the callback URL with Alice's code, and Mallory redeems it before Planner. She has no code_verifier, so the server refuses her; Planner's own exchange then works.",
            scenario: leaked,
        },
        Preset {
            id: "stolen-code-no-pkce",
            title: "Stolen code without PKCE",
            explanation: "The same theft when Planner does not use PKCE: nothing ties the code to Planner, so Mallory gets Alice's tokens and reads her calendar. Planner's own exchange is a replay: the server revokes her tokens, but her JWT keeps working until it expires.",
            scenario: || leaked().with(c::PKCE, Choice("off".into())),
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
        Preset {
            id: "stolen-code-pkce-plain",
            title: "Stolen code, PKCE plain",
            explanation: "The extension sees the authorization request as well as the callback. With method plain the challenge is the verifier, so Mallory redeems Alice's code; Planner's replay revokes her tokens, but her JWT keeps working until it expires. Use S256.",
            scenario: || leaked().with(c::PKCE, Choice("plain".into())),
        },
        Preset {
            id: "access-expires-refresh",
            title: "Access token expires: refresh with rotation",
            explanation: "Access tokens live 4 s. Before each later sync Planner refreshes: the server returns a new access token and a new refresh token and marks the old refresh token used.",
            scenario: refreshing,
        },
        Preset {
            id: "refresh-token-replayed",
            title: "Stolen refresh token replayed: family revoked",
            explanation: "Mallory steals Planner's refresh token and replays it after Planner has rotated it. A used refresh token presented again means theft: the server revokes the whole family, and Alice must sign in again.",
            scenario: || refreshing().fault(Fault::lab(3_600, "planner", "leak-refresh-token")),
        },
        Preset {
            id: "refresh-token-stolen-first",
            title: "Stolen refresh token used first",
            explanation: "Mallory uses the stolen refresh token before Planner does and gets fresh tokens. When Planner then presents the same (now used) token, the server revokes the family: Mallory's new refresh token is dead, but her JWT access token keeps working until it expires.",
            scenario: || {
                refreshing()
                    .with(c::ACCESS_TTL_MS, Int(8_000))
                    .fault(Fault::lab(3_600, "planner", "leak-refresh-token"))
            },
        },
        Preset {
            id: "revoked-jwt-still-accepted",
            title: "Revoked, but the JWT still works",
            explanation: "Mallory holds a copy of Planner's access token. Alice disconnects Planner, which revokes its tokens at /revoke (200). The calendar API checks JWTs locally, so Mallory's copy works until it expires.",
            scenario: revoked,
        },
        Preset {
            id: "revoked-opaque-introspected",
            title: "Revoked opaque token refused at once",
            explanation: "The same revocation with opaque access tokens: the calendar API introspects each one, the server says active=false, and Mallory gets 401 invalid_token at once.",
            scenario: || revoked().with(c::TOKEN_CHECK, Choice("introspect".into())),
        },
        Preset {
            id: "no-token-401",
            title: "A call without a token",
            explanation: "Planner's first call forgets its Authorization header: 401 with WWW-Authenticate: Bearer and no error code, which says how to authenticate rather than what went wrong.",
            scenario: || base().fault(Fault::lab(0, "planner", "forget-token")),
        },
        Preset {
            id: "code-expired",
            title: "Code expired before the exchange",
            explanation: "Codes live 5 s here. Alice's laptop sleeps before the callback reaches Planner; when Planner exchanges the code it has expired: 400 invalid_grant.",
            scenario: || {
                base().with(c::CODE_TTL_MS, Int(5_000)).fault(Fault::Net {
                    on: MsgMatch::next(0, Some(MsgClass::Request))
                        .from("browser")
                        .to("planner")
                        .nth(2),
                    action: NetAction::Delay { ms: 8_000 },
                })
            },
        },
        Preset {
            id: "pkce-required",
            title: "Server requires PKCE, app sends none",
            explanation: "The server requires PKCE from public clients and Planner sends no code_challenge: the server redirects back with error=invalid_request and the state.",
            scenario: || {
                base()
                    .with(c::PKCE, Choice("off".into()))
                    .with(c::REQUIRE_PKCE, Bool(true))
            },
        },
        Preset {
            id: "auth-overloaded-authorize",
            title: "Authorization server overloaded at /authorize",
            explanation: "The server is overloaded when Alice arrives: it redirects her straight back to Planner with error=temporarily_unavailable and the state.",
            scenario: || base().fault(overloaded(0)),
        },
        Preset {
            id: "auth-overloaded-token",
            title: "Authorization server overloaded at /token",
            explanation: "The server is overloaded when Planner exchanges the code: /token has no OAuth error code for it and answers 503 Service Unavailable with Retry-After.",
            scenario: || base().fault(overloaded(2_300)),
        },
        Preset {
            id: "auth-down-token",
            title: "Authorization server down at /token",
            explanation: "The server goes down just before Planner exchanges the code. No answer: Planner times out, retries the single-use code once, times out again and gives up.",
            scenario: || base().fault(Fault::lab(2_300, "auth-server", "down")),
        },
        Preset {
            id: "lookalike-redirect-exact",
            title: "Look-alike redirect URI, exact match",
            explanation: "Mallory sends Alice a link to the real server with Planner's client_id and redirect_uri https://planner.example.mallory.test/callback. The server matches exactly: an error page, no redirect.",
            scenario: phishing,
        },
        Preset {
            id: "lookalike-redirect-prefix",
            title: "Look-alike redirect URI, prefix match",
            explanation: "The same link against a server that only checks the prefix: Alice's code goes to Mallory's host. Mallory started the flow, so the code is bound to her own PKCE challenge and she redeems it: PKCE cannot help. Exact matching is the defence.",
            scenario: || phishing().with(c::REDIRECT_MATCH, Choice("prefix".into())),
        },
        Preset {
            id: "confidential-client",
            title: "Confidential client: secret and HS256",
            explanation: "Planner is a server app with a client secret: it authenticates at /token with HTTP Basic, and its ID token is HS256, signed with that shared secret instead of the server's ES256 key.",
            scenario: || base().with(c::CLIENT_TYPE, Choice("confidential".into())),
        },
        Preset {
            id: "stolen-code-confidential",
            title: "Stolen code, confidential client, no PKCE",
            explanation: "Mallory redeems Alice's leaked code herself, but Planner is a confidential client: without its secret the token endpoint answers 401 invalid_client. The secret does not stop code injection (next preset).",
            scenario: || {
                leaked()
                    .with(c::PKCE, Choice("off".into()))
                    .with(c::CLIENT_TYPE, Choice("confidential".into()))
            },
        },
        Preset {
            id: "code-injection",
            title: "Code injection: a secret is not PKCE",
            explanation: "Planner is confidential, without PKCE. Mallory puts Alice's leaked code into her own Planner session; Planner redeems it with its secret, so her session holds Alice's calendar and Alice's own exchange fails. With PKCE S256: invalid_grant.",
            scenario: injected,
        },
        Preset {
            id: "login-csrf",
            title: "Login CSRF: no state, no PKCE",
            explanation: "Plain OAuth, no PKCE, no state check: Planner redeems Mallory's forged code in Alice's session, which is now tied to Mallory's calendar: the event it adds for Alice lands there. Checking state refuses the link.",
            scenario: || {
                forged()
                    .with(c::CHECK_STATE, Bool(false))
                    .with(c::PKCE, Choice("off".into()))
                    .with(c::OIDC, Bool(false))
            },
        },
        Preset {
            id: "implicit-grant",
            title: "Implicit grant: the token in the URL",
            explanation: "RFC 9700 says SHOULD NOT: the server sends the access token itself back in the redirect URL's fragment. No code, no PKCE, no refresh token, and the token sits in the browser's history.",
            scenario: || base().with(c::GRANT, Choice("implicit".into())),
        },
        Preset {
            id: "implicit-token-in-history",
            title: "Implicit grant: token read from the history",
            explanation: "After an implicit sign-in a malicious extension reads the browser history: the callback URL holds Alice's access token, and Mallory reads her calendar with it.",
            scenario: || {
                base()
                    .with(c::GRANT, Choice("implicit".into()))
                    .fault(Fault::lab(3_000, "browser", "leak-code"))
            },
        },
        Preset {
            id: "password-grant",
            title: "Password grant: the anti-pattern works",
            explanation: "Planner, a confidential server app, asks Alice for her calendar password and trades it for tokens (grant_type=password). It works, and Planner now holds her password: RFC 9700 says MUST NOT.",
            scenario: || {
                base()
                    .with(c::GRANT, Choice("password".into()))
                    .with(c::CLIENT_TYPE, Choice("confidential".into()))
            },
        },
        Preset {
            id: "password-grant-public-client",
            title: "Password grant from a public client",
            explanation: "The same form in a single-page app with no secret: the server allows the password grant only to an authenticated confidential client, 400 unauthorized_client. Alice's password was given away all the same.",
            scenario: || base().with(c::GRANT, Choice("password".into())),
        },
        Preset {
            id: "token-substitution-access-token",
            title: "Access token as login: Mallory becomes Alice",
            explanation: "The common mistake: Planner signs in whoever presents a genuine access token. Mallory presents the one her Quizzly app got for Alice, and Planner signs her in as Alice.",
            scenario: || substitution().with(c::LOGIN_PROOF, Choice("access_token".into())),
        },
        Preset {
            id: "token-substitution-id-token",
            title: "ID token as login: substitution refused",
            explanation: "Done right, Planner asks for an ID token issued to it: the one Quizzly got says aud quizzly and carries Quizzly's nonce, so Planner refuses Mallory.",
            scenario: substitution,
        },
        Preset {
            id: "plain-oauth-no-oidc",
            title: "Plain OAuth: access without identity",
            explanation: "Without OpenID Connect Planner gets an access token and no ID token: it can read a calendar but does not know who signed in.",
            scenario: || base().with(c::OIDC, Bool(false)),
        },
    ];
    ALL.to_vec()
}

/// Short-lived access tokens and two later syncs: two refreshes.
fn refreshing() -> Scenario {
    base()
        .with(c::ACCESS_TTL_MS, Int(4_000))
        .with(c::LATER_READS, Int(2))
}

/// Mallory has the access token; then Alice disconnects Planner.
fn revoked() -> Scenario {
    base()
        .fault(Fault::lab(3_600, "planner", "leak-access-token"))
        .fault(Fault::lab(5_000, "planner", "disconnect"))
}

fn substitution() -> Scenario {
    base().fault(Fault::lab(4_000, "attacker", "token-substitution"))
}

fn phishing() -> Scenario {
    base().fault(Fault::lab(5_000, "attacker", "phishing-link"))
}

/// Interview practice: the seed's "your app wants my calendar without my
/// password", a stolen authorization code, and a revoked token that still
/// works.
pub fn interviews() -> Vec<crate::lab::Interview> {
    vec![
        crate::lab::Interview {
            question: "A user wants your app to read their calendar, which another company hosts, without giving your app their calendar password. How?",
            answer: "OAuth: the app sends the user to the calendar's authorization server, the user signs in there and grants a limited scope (calendar.read), and the app gets an access token for the calendar API instead of the password. To know who the user is, add OpenID Connect and check its ID token: signature, iss, aud equal to the app's client_id, the nonce it sent, exp.",
            why: "The app holds a token with a defined scope, audience and lifetime that the user can revoke; the password never leaves the provider.",
            mistake: "Describing OAuth as a login system. OAuth is authorization: an access token says what its holder may do, not who signed in to your app. Take one as proof of login and any app the user ever authorized can sign in as them; identity comes from OpenID Connect.",
            answer_preset: "token-substitution-id-token",
            mistake_preset: "token-substitution-access-token",
            comparison: "login-proof",
            mistake_is_b: false,
        },
        crate::lab::Interview {
            question: "A browser extension can read the redirect URL that carries the authorization code. How do you stop an attacker from redeeming that code?",
            answer: "PKCE with S256: the app sends the hash of a random code_verifier with its authorization request and the verifier itself with the code exchange, so the server gives tokens only to whoever holds the verifier.",
            why: "The verifier never travels through the browser's redirect, so a stolen code is useless without it.",
            mistake: "Relying on the code being short-lived and single-use: the attacker simply redeems it first and gets the user's tokens.",
            answer_preset: "stolen-code-pkce",
            mistake_preset: "stolen-code-no-pkce",
            comparison: "pkce-or-not",
            mistake_is_b: false,
        },
        crate::lab::Interview {
            question: "A user disconnects your app, and its tokens are revoked. An attacker holds a copy of its access token. How long does it keep working?",
            answer: "With JWT access tokens checked locally, until it expires: the API never hears of the revocation. Keep access tokens short-lived, or have the API introspect each token when a revocation must take effect at once.",
            why: "A JWT is checked without asking the server, which is fast but blind to later revocation; introspection asks the server every time.",
            mistake: "Assuming that revoking at /revoke stops every copy of a JWT access token at once.",
            answer_preset: "revoked-opaque-introspected",
            mistake_preset: "revoked-jwt-still-accepted",
            comparison: "jwt-vs-opaque",
            mistake_is_b: false,
        },
    ]
}

/// Ready-made comparisons: one run with one setting changed.
pub fn comparisons() -> Vec<Comparison> {
    const ALL: &[Comparison] = &[
        Comparison {
            id: "authn-vs-authz",
            title: "Authentication vs authorization",
            explanation: "Same seed, one setting apart. Plain OAuth (A) is authorization: Planner gets an access token and reads the calendar, but nothing tells it who signed in. OpenID Connect (B) adds authentication: an ID token for Planner whose sub names the user.",
            a: || base().with(c::OIDC, Bool(false)),
            b: base,
        },
        Comparison {
            id: "login-proof",
            title: "Login with an access token vs an ID token",
            explanation: "Mallory presents the tokens her Quizzly app got for Alice. If Planner takes any genuine access token as a login (A), she is signed in as Alice; if it asks for an ID token issued to Planner (B), the aud and nonce give her away.",
            a: || substitution().with(c::LOGIN_PROOF, Choice("access_token".into())),
            b: substitution,
        },
        Comparison {
            id: "jwt-vs-opaque",
            title: "Revocation: JWT vs opaque token",
            explanation: "Alice disconnects Planner while Mallory holds a copy of its access token. A JWT checked locally (A) keeps working until it expires; an opaque token the API introspects (B) is refused at once.",
            a: revoked,
            b: || revoked().with(c::TOKEN_CHECK, Choice("introspect".into())),
        },
        Comparison {
            id: "pkce-or-not",
            title: "A stolen code: no PKCE vs PKCE",
            explanation: "Mallory redeems Alice's stolen code first. Without PKCE (A) she gets the tokens; with PKCE (B) she has no code_verifier and the server refuses her.",
            a: || leaked().with(c::PKCE, Choice("off".into())),
            b: leaked,
        },
    ];
    ALL.to_vec()
}
