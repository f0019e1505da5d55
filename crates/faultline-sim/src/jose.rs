//! Real JOSE for the OAuth lab, computed in the simulation so tokens are
//! ones a standard JWT library accepts: PKCE S256 challenges (RFC 7636),
//! compact JWS signed with ES256 (RFC 7515, RFC 7518 §3.4: the signature
//! is `r || s`, 64 bytes, not DER) or HS256 (HMAC-SHA-256 under a shared
//! secret, RFC 7518 §3.2), the public key as a JWK (RFC 7517), and
//! the fixed epoch that turns virtual time into `iat`/`exp` claims.
//!
//! Keys come from bytes the engine's seeded generator drew, and ECDSA
//! nonces from RFC 6979, so the same seed gives the same tokens, with no
//! entropy source anywhere.

// `SimpleHmac`, not `Hmac`: p256's RFC 6979 nonces already use it, so the
// two share one HMAC in the WebAssembly. The output is the same HMAC.
use hmac::{Mac, SimpleHmac};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Virtual time 0 as a Unix time: 2026-01-01T00:00:00Z. A token issued at
/// virtual time `t` ms has `iat = EPOCH_UNIX_S + t / 1000`.
pub const EPOCH_UNIX_S: u64 = 1_767_225_600;

/// The Unix time (seconds) of virtual time `ms`.
pub fn unix_time(ms: u64) -> u64 {
    EPOCH_UNIX_S + ms / 1000
}

/// base64url without padding, as JOSE and PKCE write bytes.
pub fn b64url(bytes: &[u8]) -> String {
    crate::b64::encode_url(bytes)
}

/// A PKCE code verifier: 32 random bytes as 43 base64url characters
/// (RFC 7636 §4.1 recommends exactly this).
pub fn code_verifier(random: [u64; 4]) -> String {
    let bytes: Vec<u8> = random.iter().flat_map(|w| w.to_be_bytes()).collect();
    b64url(&bytes)
}

/// The S256 code challenge: `BASE64URL(SHA256(ASCII(verifier)))`.
pub fn code_challenge_s256(verifier: &str) -> String {
    b64url(&Sha256::digest(verifier.as_bytes()))
}

/// Why a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwsError {
    /// Not three base64url parts, or a header that is not JSON.
    Malformed,
    /// The header names another algorithm than the key's.
    WrongAlgorithm,
    /// The signature does not match the header and payload.
    BadSignature,
}

impl std::fmt::Display for JwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JwsError::Malformed => "not a compact JWS (three base64url parts)",
            JwsError::WrongAlgorithm => "signed with another algorithm than the key's",
            JwsError::BadSignature => {
                "the signature does not match: the token was changed or signed with another key"
            }
        })
    }
}

/// An ES256 signing key with its key id.
#[derive(Clone, Debug)]
pub struct Es256Key {
    pub kid: String,
    key: SigningKey,
    /// The random words the key was made from (what tells keys apart in
    /// the explorer's fingerprints without computing the public key).
    #[cfg(feature = "explore")]
    words: [u64; 4],
}

/// By its key id and the words it was made from.
impl std::hash::Hash for Es256Key {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.kid.hash(h);
        #[cfg(feature = "explore")]
        self.words.hash(h);
    }
}

/// A P-256 public key as a JWK's fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EcJwk {
    pub kid: String,
    /// base64url of the 32-byte x coordinate.
    pub x: String,
    /// base64url of the 32-byte y coordinate.
    pub y: String,
}

impl EcJwk {
    /// The JWK as JSON (what a JWKS endpoint publishes in `keys`).
    pub fn to_json(&self) -> String {
        format!(
            r#"{{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"{}","x":"{}","y":"{}"}}"#,
            self.kid, self.x, self.y
        )
    }

    /// Read a P-256 JWK from JSON (a JWKS's key, as `to_json` writes it);
    /// None when a field is missing.
    pub fn from_json(json: &str) -> Option<EcJwk> {
        Self::from_map(&crate::read::json_object(json)?)
    }

    fn from_map(key: &serde_json::Map<String, serde_json::Value>) -> Option<EcJwk> {
        let field = |name: &str| key.get(name)?.as_str().map(str::to_string);
        Some(EcJwk {
            kid: field("kid").unwrap_or_default(),
            x: field("x")?,
            y: field("y")?,
        })
    }

    fn verifying_key(&self) -> Option<VerifyingKey> {
        let x = crate::b64::decode_url(&self.x)?;
        let y = crate::b64::decode_url(&self.y)?;
        if x.len() != 32 || y.len() != 32 {
            return None;
        }
        let mut sec1 = vec![0x04];
        sec1.extend_from_slice(&x);
        sec1.extend_from_slice(&y);
        VerifyingKey::from_sec1_bytes(&sec1).ok()
    }
}

impl Es256Key {
    /// A key from 32 random bytes; None in the (2^-128-likely) case that
    /// they are not a valid scalar: draw again.
    pub fn from_random(random: [u64; 4], kid: impl Into<String>) -> Option<Self> {
        let bytes: Vec<u8> = random.iter().flat_map(|w| w.to_be_bytes()).collect();
        let key = SigningKey::from_slice(&bytes).ok()?;
        Some(Self {
            kid: kid.into(),
            key,
            #[cfg(feature = "explore")]
            words: random,
        })
    }

    /// The public half, to publish.
    pub fn jwk(&self) -> EcJwk {
        let point = self.key.verifying_key().to_encoded_point(false);
        EcJwk {
            kid: self.kid.clone(),
            x: b64url(point.x().map_or(&[][..], |x| &x[..])),
            y: b64url(point.y().map_or(&[][..], |y| &y[..])),
        }
    }

    /// A compact JWS of `claims` (a JSON object's text) with the header
    /// `{"alg":"ES256","typ":"JWT","kid":…}`.
    pub fn sign(&self, claims: &str) -> String {
        self.sign_typed("JWT", claims)
    }

    /// As [`Es256Key::sign`], with the header's `typ` given (`at+jwt` for
    /// an access token, RFC 9068 §2.1).
    pub fn sign_typed(&self, typ: &str, claims: &str) -> String {
        let header = format!(r#"{{"alg":"ES256","typ":"{typ}","kid":"{}"}}"#, self.kid);
        let input = format!(
            "{}.{}",
            b64url(header.as_bytes()),
            b64url(claims.as_bytes())
        );
        #[cfg(feature = "explore")]
        let signature = memo::remembered(&memo::SIGNED, (self.words, input.clone()), || {
            self.signature(&input)
        });
        #[cfg(not(feature = "explore"))]
        let signature = self.signature(&input);
        format!("{input}.{signature}")
    }

    /// The ES256 signature of `input`, base64url.
    fn signature(&self, input: &str) -> String {
        let signature: Signature = self.key.sign(input.as_bytes());
        b64url(&signature.to_bytes())
    }
}

/// With the explorer (feature `explore`: the helper worker and the
/// headless runner, never a lab page), ES256 signatures and checks are
/// remembered. A search steps the same OAuth steps again in thousands of
/// branches, and the elliptic-curve arithmetic was 85% of its time
/// natively. Both are pure functions (RFC 6979 nonces: a key and a text
/// always give the same signature), so a remembered result is the one
/// computing it gives: the same tokens, the same runs, the same search
/// results (the search goldens). At most `MAX` of each are kept.
#[cfg(feature = "explore")]
mod memo {
    use super::JwsError;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::{BuildHasherDefault, Hash};
    use std::thread::LocalKey;

    /// A fixed hasher (no random keys): what is kept never depends on the
    /// process.
    type Map<K, V> = HashMap<K, V, BuildHasherDefault<crate::fingerprinter::Fingerprinter>>;

    const MAX: usize = 4096;

    /// (the token, the key's x and y) → the check's result.
    type Checks = Map<(String, String, String), Result<(), JwsError>>;

    thread_local! {
        /// (the key's words, the signed text) → its signature.
        pub static SIGNED: RefCell<Map<([u64; 4], String), String>> = RefCell::default();
        pub static CHECKED: RefCell<Checks> = RefCell::default();
    }

    /// `make()`, or what it gave before for `key` (all are forgotten once
    /// `MAX` are kept).
    pub fn remembered<K: Eq + Hash, V: Clone>(
        memo: &'static LocalKey<RefCell<Map<K, V>>>,
        key: K,
        make: impl FnOnce() -> V,
    ) -> V {
        if let Some(v) = memo.with_borrow(|m| m.get(&key).cloned()) {
            return v;
        }
        let v = make();
        memo.with_borrow_mut(|m| {
            if m.len() >= MAX {
                m.clear();
            }
            m.insert(key, v.clone());
        });
        v
    }
}

/// A compact JWS of `claims` signed with HS256 (HMAC-SHA-256) under
/// `secret`, with the header `{"alg":"HS256","typ":"JWT"}`. Only a
/// confidential client, which shares a secret with the server, can check
/// it.
pub fn sign_hs256(secret: &[u8], claims: &str) -> String {
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let input = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(claims.as_bytes())
    );
    format!("{input}.{}", b64url(&hmac_sha256(secret, input.as_bytes())))
}

fn hmac_sha256(secret: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length (RFC 2104), so this cannot fail.
    let mut mac =
        <SimpleHmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// A compact JWS split for verification: the signed text (`header.payload`)
/// and the signature's bytes, once its header names `alg`.
fn signed_part<'a>(token: &'a str, alg: &str) -> Result<(&'a str, Vec<u8>), JwsError> {
    let mut parts = token.split('.');
    let (Some(h), Some(_), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed);
    };
    let header = crate::b64::decode_url(h).ok_or(JwsError::Malformed)?;
    // From text, not bytes: a second (`SliceRead`) JSON reader would cost
    // 8 KB of WebAssembly. Bytes that are not UTF-8 fail either way.
    let header = String::from_utf8(header).map_err(|_| JwsError::Malformed)?;
    let header = crate::read::json_object(&header).ok_or(JwsError::Malformed)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some(alg) {
        return Err(JwsError::WrongAlgorithm);
    }
    let sig = crate::b64::decode_url(s).ok_or(JwsError::Malformed)?;
    Ok((&token[..token.len() - s.len() - 1], sig))
}

/// Verify an HS256 compact JWS under `secret` (constant-time comparison).
pub fn verify_hs256(token: &str, secret: &[u8]) -> Result<(), JwsError> {
    let (signed, sig) = signed_part(token, "HS256")?;
    let mut mac =
        <SimpleHmac<Sha256> as Mac>::new_from_slice(secret).map_err(|_| JwsError::BadSignature)?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&sig).map_err(|_| JwsError::BadSignature)
}

/// Verify a compact JWS against `jwk`: the header must say ES256 and the
/// signature must match.
pub fn verify_es256(token: &str, jwk: &EcJwk) -> Result<(), JwsError> {
    #[cfg(feature = "explore")]
    return memo::remembered(
        &memo::CHECKED,
        (token.to_string(), jwk.x.clone(), jwk.y.clone()),
        || check_es256(token, jwk),
    );
    #[cfg(not(feature = "explore"))]
    check_es256(token, jwk)
}

/// [`verify_es256`], computed.
fn check_es256(token: &str, jwk: &EcJwk) -> Result<(), JwsError> {
    let (signed, sig) = signed_part(token, "ES256")?;
    let sig = Signature::from_slice(&sig).map_err(|_| JwsError::BadSignature)?;
    let key = jwk.verifying_key().ok_or(JwsError::BadSignature)?;
    key.verify(signed.as_bytes(), &sig)
        .map_err(|_| JwsError::BadSignature)
}

/// The keys a run showed the learner: every ES256 public key published in
/// a JWKS (a message's `keys` field) and every client secret handed out (a
/// `client_secret` field). The token inspector checks tokens with them,
/// as a standard library given the same keys would.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyRing {
    pub jwks: Vec<EcJwk>,
    pub secrets: Vec<String>,
}

/// What checking a token's signature found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenCheck {
    /// The signature matches the key described.
    Valid { alg: String, key: String },
    /// A key was there and the signature does not match it.
    Invalid { alg: String, why: JwsError },
    /// No key the run showed can check it.
    NoKey { alg: String, kid: Option<String> },
    /// An algorithm the lab never accepts (`none`, RSA...).
    Unsupported { alg: String },
    /// Not a compact JWS with a JSON header naming `alg`.
    Malformed,
}

impl KeyRing {
    /// The keys in `messages` (a JWKS body, a client secret hand-over).
    pub fn from_messages<'a>(
        messages: impl IntoIterator<Item = &'a crate::message::Message>,
    ) -> Self {
        let mut ring = KeyRing::default();
        for m in messages {
            for (name, value) in m.body.fields() {
                match name.as_str() {
                    "keys" => {
                        // An array of objects, or no keys at all. Through a
                        // `Value`, not a typed `Vec<Map>`: one JSON reader
                        // fewer in the wasm.
                        let keys = serde_json::from_str::<serde_json::Value>(value).ok();
                        let keys = keys
                            .as_ref()
                            .and_then(|k| k.as_array())
                            .filter(|k| k.iter().all(|k| k.is_object()));
                        let keys = keys.into_iter().flatten().filter_map(|k| k.as_object());
                        for jwk in keys.filter_map(EcJwk::from_map) {
                            if !ring.jwks.contains(&jwk) {
                                ring.jwks.push(jwk);
                            }
                        }
                    }
                    "client_secret" if !ring.secrets.contains(value) => {
                        ring.secrets.push(value.clone())
                    }
                    _ => {}
                }
            }
        }
        ring
    }

    /// Check `token`'s signature with the key its header asks for.
    pub fn check(&self, token: &str) -> TokenCheck {
        let token = token.trim();
        let header = token
            .split('.')
            .next()
            .and_then(crate::b64::decode_url)
            // From text, not bytes: one JSON reader in the wasm (`from_slice`
            // would add serde_json's `SliceRead`); not UTF-8 is malformed
            // either way.
            .and_then(|h| String::from_utf8(h).ok())
            .and_then(|h| crate::read::json_object(&h));
        let Some(header) = header else {
            return TokenCheck::Malformed;
        };
        let text = |name: &str| {
            header
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let Some(alg) = text("alg") else {
            return TokenCheck::Malformed;
        };
        let kid = text("kid");
        let checked = |alg: String, result: Result<(), JwsError>, key: String| match result {
            Ok(()) => TokenCheck::Valid { alg, key },
            Err(why) => TokenCheck::Invalid { alg, why },
        };
        match alg.as_str() {
            "ES256" => {
                let jwk = self
                    .jwks
                    .iter()
                    .find(|k| kid.is_none() || kid.as_deref() == Some(k.kid.as_str()));
                match jwk {
                    Some(jwk) => checked(
                        alg,
                        verify_es256(token, jwk),
                        format!("the public key \"{}\" published at /jwks", jwk.kid),
                    ),
                    None => TokenCheck::NoKey { alg, kid },
                }
            }
            "HS256" if self.secrets.is_empty() => TokenCheck::NoKey { alg, kid },
            "HS256" => {
                let result = self
                    .secrets
                    .iter()
                    .map(|s| verify_hs256(token, s.as_bytes()))
                    .find(Result::is_ok)
                    .unwrap_or(Err(JwsError::BadSignature));
                checked(
                    alg,
                    result,
                    "the client secret Planner shares with the server".into(),
                )
            }
            _ => TokenCheck::Unsupported { alg },
        }
    }
}

impl std::fmt::Display for TokenCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenCheck::Valid { alg, key } => {
                write!(f, "Signature valid: {alg}, checked with {key}.")
            }
            TokenCheck::Invalid { alg, why } => write!(
                f,
                "Signature NOT valid ({alg}): {why}. Whoever accepts this token must refuse it."
            ),
            TokenCheck::NoKey { alg, kid: Some(kid) } => write!(
                f,
                "Cannot check: the header asks for key \"{kid}\" ({alg}), and this run published no such key."
            ),
            TokenCheck::NoKey { alg, kid: None } if alg == "HS256" => f.write_str(
                "Cannot check: HS256 needs the secret shared by the server and a confidential client, and this run has no client secret.",
            ),
            TokenCheck::NoKey { alg, .. } => {
                write!(f, "Cannot check: this run published no {alg} key.")
            }
            TokenCheck::Unsupported { alg } if alg == "none" => f.write_str(
                "alg \"none\": the token is not signed at all, so anyone could have written it. Never accept it.",
            ),
            TokenCheck::Unsupported { alg } => write!(
                f,
                "Cannot check: the lab signs with ES256 or HS256, not \"{alg}\"."
            ),
            TokenCheck::Malformed => f.write_str(
                "Not a signed token: a compact JWS is three base64url parts joined by dots, the first a JSON header that names its alg.",
            ),
        }
    }
}

#[cfg(test)]
#[path = "jose_tests.rs"]
mod tests;
