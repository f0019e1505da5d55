//! Messages of the OAuth lab, as they travel: the browser's navigations and
//! the 302 redirects it follows, form posts, the token endpoint's JSON, the
//! JWKS and bearer calls to the calendar API (RFC 6749, 6750, 7636, 7662,
//! OpenID Connect Core). Typed for the actors, shown as raw HTTP.

pub const AUTH_ORIGIN: &str = "https://auth.example";
pub const PLANNER_ORIGIN: &str = "https://planner.example";
pub const CALENDAR_ORIGIN: &str = "https://calendar.example";
pub const CLIENT_ID: &str = "planner";
/// Mallory's own app, registered with the same authorization server.
pub const QUIZZLY_CLIENT_ID: &str = "quizzly";
pub const REDIRECT_URI: &str = "https://planner.example/callback";
pub const USERNAME: &str = "alice";
/// The user's password: typed into the authorization server's login form,
/// never given to Planner.
pub const PASSWORD: &str = "correct-horse-battery";

/// The scopes Planner asks for.
pub const REQUESTED: &str = "openid calendar.read calendar.write";
/// The scopes Planner asks for without OpenID Connect.
pub const REQUESTED_NO_OIDC: &str = "calendar.read calendar.write";
/// Mallory's look-alike of Planner's redirect URI: it starts with
/// Planner's origin, so a prefix match lets it through.
/// The state Mallory puts in her forged callback.
pub const FORGED_STATE: &str = "mallory-state";
/// The calendar API's credentials at the introspection endpoint (RFC 7662
/// §2.1: the caller authenticates), registered with the server.
pub const CALENDAR_CLIENT_ID: &str = "calendar-api";
pub const CALENDAR_SECRET: &str = "cal-demo-secret";
pub const LOOKALIKE_REDIRECT_URI: &str = "https://planner.example.mallory.test/callback";

/// A bug in one of Planner's requests (a lab fault), each answered with
/// its own error code (RFC 6749 §4.1.2.1 at /authorize, §5.2 at /token).
use crate::message::form_encode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mistake {
    /// `client_id=planer`: a client the server does not know.
    ClientId,
    /// A scope the server does not know (`calendar.admin`).
    Scope,
    /// `response_type=code id_token`: a flow this server does not offer.
    ResponseType,
    /// `grant_type=authorization-code`: a grant type with a typo.
    GrantType,
    /// A wrong client secret in the HTTP Basic header.
    Secret,
    /// A refresh asking for more scope than was granted.
    RefreshScope,
}

impl Mistake {
    /// The lab fault that arms it, and the mistake.
    pub const ALL: [(&'static str, Mistake); 6] = [
        ("bad-client-id", Mistake::ClientId),
        ("bad-scope", Mistake::Scope),
        ("bad-response-type", Mistake::ResponseType),
        ("bad-grant-type", Mistake::GrantType),
        ("bad-secret", Mistake::Secret),
        ("bad-refresh-scope", Mistake::RefreshScope),
    ];

    /// Made at /authorize (else at /token).
    pub fn at_authorize(self) -> bool {
        matches!(
            self,
            Mistake::ClientId | Mistake::Scope | Mistake::ResponseType
        )
    }
}

/// An authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC nonce).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AuthzRequest {
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    /// The OIDC nonce (None: plain OAuth).
    pub nonce: Option<String>,
    /// The code challenge (None: no PKCE).
    pub code_challenge: Option<String>,
    /// The challenge is the verifier itself (method `plain`), not its hash.
    pub plain: bool,
    /// `response_type=token`: the implicit grant (RFC 9700: SHOULD NOT).
    pub implicit: bool,
    /// A bug in this request (a lab fault).
    pub mistake: Option<Mistake>,
}

impl AuthzRequest {
    /// The `/authorize` URL with its query, as the browser is sent to it.
    pub fn url(&self) -> String {
        let bug = |m: Mistake| self.mistake == Some(m);
        let response_type = match (bug(Mistake::ResponseType), self.implicit) {
            (true, _) => "code id_token",
            (false, true) => "token",
            (false, false) => "code",
        };
        let mut q = vec![
            ("response_type".to_string(), response_type.to_string()),
            (
                "client_id".into(),
                if bug(Mistake::ClientId) {
                    "planer"
                } else {
                    CLIENT_ID
                }
                .into(),
            ),
            ("redirect_uri".into(), self.redirect_uri.clone()),
            (
                "scope".into(),
                if bug(Mistake::Scope) {
                    format!("{} calendar.admin", self.scope)
                } else {
                    self.scope.clone()
                },
            ),
            ("state".into(), self.state.clone()),
        ];
        if let Some(n) = &self.nonce {
            q.push(("nonce".into(), n.clone()));
        }
        if let Some(c) = &self.code_challenge {
            q.push(("code_challenge".into(), c.clone()));
            let method = if self.plain { "plain" } else { "S256" };
            q.push(("code_challenge_method".into(), method.into()));
        }
        format!("{AUTH_ORIGIN}/authorize?{}", form_encode(&q))
    }
}

/// Where the authorization server sends the browser back to Planner.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AuthzResult {
    Code {
        code: String,
        state: String,
    },
    Error {
        error: &'static str,
        state: String,
    },
    /// The implicit grant's answer: the access token itself, in the URL's
    /// fragment (RFC 6749 §4.2.2), where history, scripts and redirects
    /// can see it.
    Token {
        access_token: String,
        expires_in_s: u64,
        state: String,
    },
}

impl AuthzResult {
    /// The callback URL at Planner's registered redirect URI.
    pub fn url(&self) -> String {
        self.url_at(REDIRECT_URI)
    }

    /// The callback URL at `redirect_uri`.
    pub fn url_at(&self, redirect_uri: &str) -> String {
        let q: Vec<(String, String)> = match self {
            AuthzResult::Code { code, state } => {
                vec![
                    ("code".into(), code.clone()),
                    ("state".into(), state.clone()),
                ]
            }
            AuthzResult::Error { error, state } => {
                vec![
                    ("error".into(), (*error).into()),
                    ("state".into(), state.clone()),
                ]
            }
            AuthzResult::Token {
                access_token,
                expires_in_s,
                state,
            } => {
                let f = [
                    ("access_token".to_string(), access_token.clone()),
                    ("token_type".into(), "Bearer".into()),
                    ("expires_in".into(), expires_in_s.to_string()),
                    ("state".into(), state.clone()),
                ];
                return format!("{redirect_uri}#{}", form_encode(&f));
            }
        };
        format!("{redirect_uri}?{}", form_encode(&q))
    }
}

/// A successful token response (RFC 6749 §5.1, OIDC §3.1.3.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in_s: u64,
    pub refresh_token: String,
    pub scope: String,
    pub id_token: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow { scope: String },
    Deny,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OAuthMsg {
    /// Browser → Planner: the user clicks "Connect my calendar".
    Connect,
    /// Planner → browser: 302 to the authorization endpoint.
    RedirectToAuthorize(AuthzRequest),
    /// Browser → authorization server: follows the redirect.
    Authorize(AuthzRequest),
    /// Authorization server → browser: its login form.
    LoginPage,
    /// Browser → authorization server: the user's credentials (form post).
    Login,
    /// Authorization server → browser: the consent screen.
    ConsentPage { scope: String },
    /// Browser → authorization server: the user's decision (form post).
    Decide(Decision),
    /// Authorization server → browser: 302 back to Planner's redirect URI.
    RedirectToClient(AuthzResult),
    /// Authorization server → browser: 302 to a redirect URI that is not
    /// Planner's registered one (a lax prefix match let it through).
    RedirectElsewhere { uri: String, result: AuthzResult },
    /// Authorization server → browser: an error page, no redirect (an
    /// unregistered redirect_uri must never be redirected to).
    ErrorPage { text: &'static str },
    /// Browser → Planner: follows the redirect to the callback.
    Callback(AuthzResult),
    /// Browser → Mallory's look-alike host: follows the redirect there.
    LookalikeCallback(AuthzResult),
    /// Planner → browser: the page it shows at the end.
    CallbackPage { ok: bool, text: &'static str },
    /// Planner or calendar API → authorization server: `GET /jwks`.
    JwksRequest,
    /// Authorization server → requester: its public keys.
    Jwks { jwk: String },
    /// Planner → authorization server: `POST /token` (code exchange).
    TokenRequest {
        code: String,
        code_verifier: Option<String>,
        redirect_uri: String,
        /// HTTP Basic client authentication (a confidential client).
        client_secret: Option<String>,
        /// A bug in this request (a lab fault).
        mistake: Option<Mistake>,
        /// Sent for Planner's other visitor's session (not on the wire: it
        /// stands for the HTTP connection that pairs the answer with it).
        other: bool,
    },
    /// Authorization server → Planner: the answer to a request made for
    /// its other visitor's session (on the wire, just the inner answer).
    ForOther(Box<OAuthMsg>),
    /// Planner (or Mallory) → authorization server: `POST /token` with
    /// grant_type=refresh_token (RFC 6749 §6).
    RefreshRequest {
        refresh_token: String,
        /// HTTP Basic client authentication (a confidential client must).
        client_secret: Option<String>,
        /// A bug in this request (a lab fault).
        mistake: Option<Mistake>,
    },
    /// Authorization server → Planner.
    TokenResponse(Tokens),
    /// Authorization server → Planner: 400 with an error code.
    TokenError { error: &'static str },
    /// Authorization server → requester: 503, overloaded (the token
    /// endpoint has no OAuth error code for it, RFC 6749 §5.2).
    Unavailable,
    /// Planner → authorization server: `POST /revoke` (RFC 7009), with
    /// HTTP Basic client authentication when Planner has a secret (§2.1).
    Revoke {
        token: String,
        hint: &'static str,
        client_secret: Option<String>,
    },
    /// Authorization server → Planner: 200, whether or not it knew the token.
    Revoked,
    /// Planner → calendar API: a bearer call (an empty token: no
    /// Authorization header at all).
    ApiCall { write: bool, token: String },
    /// Calendar API → Planner.
    ApiResponse {
        write: bool,
        status: u16,
        error: Option<&'static str>,
    },
    /// Browser → Mallory: the callback URL leaks (the history, a Referer
    /// header, a log or a browser extension).
    LeakedCallback(AuthzResult),
    /// Mallory → authorization server: she signs in as herself and allows
    /// Planner, to get a code for her own account (compressed into one
    /// exchange).
    AttackerAuthorize,
    /// Authorization server → Mallory: 302 with a code for her account.
    AttackerCode { code: String },
    /// Mallory → browser: a link Alice opens, to Planner's callback with
    /// Mallory's code and a state Mallory made up.
    ForgedLink(AuthzResult),
    /// Calendar API → authorization server: `POST /introspect` (RFC 7662).
    Introspect {
        token: String,
        /// The API's own client secret, sent with HTTP Basic (RFC 7662
        /// §2.1); the server checks it before it says anything.
        secret: String,
        /// The API's call number (not on the wire: it stands for the HTTP
        /// connection that pairs the answer with this request).
        call: u32,
    },
    /// Authorization server → calendar API: 401 invalid_client, the API's
    /// credential is wrong (RFC 7662 §2.3); nothing about the token.
    IntrospectRefused {
        /// The call it answers (see `Introspect::call`).
        call: u32,
    },
    /// Authorization server → calendar API (`token` is not on the wire:
    /// it stands for the HTTP connection that pairs response and request).
    Introspection {
        active: bool,
        scope: String,
        /// The call it answers (see `Introspect::call`).
        call: u32,
        /// When the server looked the token up (its clock; not shown).
        at: u64,
    },
    /// Authorization server → Planner, at start: the client secret the
    /// developer copied from the server's console (confidential client).
    ClientSecret { secret: String },
    /// Planner → browser: Planner's own sign-in form (password grant).
    PlannerLoginPage,
    /// Browser → Planner: Alice's username and password (password grant).
    PlannerLogin,
    /// Planner → authorization server: `POST /token` with
    /// grant_type=password (RFC 6749 §4.3), with HTTP Basic client
    /// authentication when Planner has a secret.
    PasswordTokenRequest {
        scope: String,
        client_secret: Option<String>,
    },
    /// Mallory → authorization server: Alice signs in to Quizzly, Mallory's
    /// app (its whole code flow compressed into one exchange).
    QuizzlyLogin,
    /// Authorization server → Mallory's Quizzly: Alice's tokens, issued to
    /// Quizzly.
    QuizzlyTokens(Tokens),
    /// Mallory → Planner: `POST /login/token`, "sign me in with this token"
    /// (a token from Quizzly, substituted).
    TokenLogin {
        access_token: String,
        id_token: Option<String>,
    },
    /// Planner → Mallory: signed in (as whom), or refused.
    LoginResult { user: Option<&'static str> },
    /// Browser → Mallory: the authorization request URL leaks with the
    /// callback (the same malicious app sees both).
    LeakedAuthorize(AuthzRequest),
    /// Planner → Mallory: tokens leak from Planner (an XSS in the app, a
    /// log line): the access token, the refresh token, or both.
    LeakedTokens {
        access_token: Option<String>,
        refresh_token: Option<String>,
    },
    /// Mallory → browser: a link to the real authorization server with
    /// Planner's client_id and Mallory's look-alike redirect_uri.
    PhishingLink(AuthzRequest),
}

/// HTTP Basic credentials (RFC 6749 §2.3.1: form-encoded, then base64).
pub fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| form_encode(&[(String::new(), s.to_string())])[1..].to_string();
    crate::b64::encode_standard(format!("{}:{}", enc(id), enc(secret)).as_bytes())
}
