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
        let signature: Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", b64url(&signature.to_bytes()))
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
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            code_challenge_s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_verifier_is_43_base64url_characters() {
        let v = code_verifier([1, 2, 3, u64::MAX]);
        assert_eq!(v.len(), 43);
        assert!(v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    const A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    const A3_TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    fn a3_jwk() -> EcJwk {
        EcJwk {
            kid: String::new(),
            x: A3_X.into(),
            y: A3_Y.into(),
        }
    }

    #[test]
    fn the_key_ring_checks_tokens_with_the_keys_the_run_showed() {
        use crate::message::Message;
        let key = Es256Key::from_random([7, 8, 9, 10], "key-1").unwrap();
        let jwks = Message::response("200 OK").field("keys", format!("[{}]", key.jwk().to_json()));
        let secret = Message::one_way("secret").field("client_secret", "s3cret");
        let ring = KeyRing::from_messages([&jwks, &secret, &jwks, &secret]);
        assert_eq!((ring.jwks.len(), ring.secrets.len()), (1, 1));

        let es = key.sign(r#"{"sub":"alice"}"#);
        assert!(matches!(ring.check(&es), TokenCheck::Valid { ref alg, .. } if alg == "ES256"));
        let changed = format!("{}A", &es[..es.len() - 1]);
        assert!(matches!(
            ring.check(&changed),
            TokenCheck::Invalid {
                why: JwsError::BadSignature,
                ..
            }
        ));
        let hs = sign_hs256(b"s3cret", r#"{"sub":"alice"}"#);
        assert!(matches!(ring.check(&hs), TokenCheck::Valid { ref alg, .. } if alg == "HS256"));
        let forged = sign_hs256(b"guess", r#"{"sub":"alice"}"#);
        assert!(matches!(ring.check(&forged), TokenCheck::Invalid { .. }));
        assert!(matches!(
            KeyRing::default().check(&hs),
            TokenCheck::NoKey { .. }
        ));
        let other_kid = Es256Key::from_random([1, 2, 3, 4], "key-9")
            .unwrap()
            .sign("{}");
        assert!(
            matches!(ring.check(&other_kid), TokenCheck::NoKey { kid: Some(ref k), .. } if k == "key-9")
        );
        // {"alg":"none"}.{}.
        assert!(matches!(
            ring.check("eyJhbGciOiJub25lIn0.e30."),
            TokenCheck::Unsupported { .. }
        ));
        for junk in ["", "abc", "a.b.c", "!!!.e30.x", "e30.e30.x"] {
            assert_eq!(ring.check(junk), TokenCheck::Malformed, "{junk:?}");
            assert!(!ring.check(junk).to_string().is_empty());
        }
    }

    /// Each coordinate must be 32 bytes on its own: the key's 64 bytes
    /// split 33 + 31 are refused.
    #[test]
    fn a_jwk_whose_coordinates_are_not_32_bytes_each_is_refused() {
        let mut bytes = crate::b64::decode_url(A3_X).unwrap();
        bytes.extend(crate::b64::decode_url(A3_Y).unwrap());
        let shifted = EcJwk {
            kid: String::new(),
            x: crate::b64::encode_url(&bytes[..33]),
            y: crate::b64::encode_url(&bytes[33..]),
        };
        assert_eq!(verify_es256(A3_TOKEN, &a3_jwk()), Ok(()));
        assert_eq!(
            verify_es256(A3_TOKEN, &shifted),
            Err(JwsError::BadSignature)
        );
    }

    /// The inspector's sentence for a token it cannot check names why:
    /// HS256 needs the client secret, `none` is not signed at all.
    #[test]
    fn a_token_that_cannot_be_checked_says_why() {
        let said = |c: TokenCheck| c.to_string();
        let no_key = |alg: &str| TokenCheck::NoKey {
            alg: alg.into(),
            kid: None,
        };
        assert!(said(no_key("HS256")).contains("no client secret"));
        assert!(said(no_key("ES256")).contains("published no ES256 key"));
        let unsupported = |alg: &str| TokenCheck::Unsupported { alg: alg.into() };
        assert!(said(unsupported("none")).contains("not signed at all"));
        assert!(said(unsupported("RS256")).contains("not \"RS256\""));
    }

    /// What the token inspector tells a learner about each refusal.
    #[test]
    fn each_refusal_says_why_in_words() {
        let said = |e: JwsError| e.to_string();
        assert!(said(JwsError::Malformed).contains("three base64url parts"));
        assert!(said(JwsError::WrongAlgorithm).contains("another algorithm"));
        assert!(said(JwsError::BadSignature).contains("signature does not match"));
    }

    #[test]
    fn verifies_rfc7515_a3_and_refuses_a_changed_token() {
        assert_eq!(verify_es256(A3_TOKEN, &a3_jwk()), Ok(()));
        let tampered = format!("{}A", &A3_TOKEN[..A3_TOKEN.len() - 1]);
        assert_eq!(
            verify_es256(&tampered, &a3_jwk()),
            Err(JwsError::BadSignature)
        );
        assert_eq!(verify_es256("a.b", &a3_jwk()), Err(JwsError::Malformed));
        let hs = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln";
        assert_eq!(verify_es256(hs, &a3_jwk()), Err(JwsError::WrongAlgorithm));
    }

    #[test]
    fn the_rfc7515_a3_private_key_gives_its_public_key() {
        let d = URL_SAFE_NO_PAD
            .decode("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI")
            .unwrap();
        let words: Vec<u64> = d
            .chunks(8)
            .map(|c| u64::from_be_bytes(c.try_into().unwrap()))
            .collect();
        let key = Es256Key::from_random([words[0], words[1], words[2], words[3]], "a3").unwrap();
        let jwk = key.jwk();
        assert_eq!((jwk.x.as_str(), jwk.y.as_str()), (A3_X, A3_Y));
    }

    #[test]
    fn signed_tokens_verify_and_are_deterministic() {
        let key = Es256Key::from_random([7, 8, 9, 10], "k1").unwrap();
        let t1 = key.sign(r#"{"sub":"alice","aud":"planner"}"#);
        let t2 = key.sign(r#"{"sub":"alice","aud":"planner"}"#);
        assert_eq!(t1, t2, "RFC 6979: same key and claims, same token");
        assert_eq!(verify_es256(&t1, &key.jwk()), Ok(()));
        let other = Es256Key::from_random([1, 1, 1, 1], "k2").unwrap();
        assert_eq!(verify_es256(&t1, &other.jwk()), Err(JwsError::BadSignature));
        // The header names the key and the algorithm.
        let header = URL_SAFE_NO_PAD
            .decode(t1.split('.').next().unwrap())
            .unwrap();
        assert_eq!(
            String::from_utf8(header).unwrap(),
            r#"{"alg":"ES256","typ":"JWT","kid":"k1"}"#
        );
    }

    /// RFC 7515 Appendix A.1: the HS256 example, its key and token.
    #[test]
    fn verifies_rfc7515_a1_hs256_and_signs_like_it() {
        let key = URL_SAFE_NO_PAD
            .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
            .unwrap();
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(verify_hs256(token, &key), Ok(()));
        assert_eq!(
            verify_hs256(token, b"another secret"),
            Err(JwsError::BadSignature)
        );
        assert_eq!(verify_hs256(A3_TOKEN, &key), Err(JwsError::WrongAlgorithm));
        let (input, sig) = token.rsplit_once('.').unwrap();
        assert_eq!(b64url(&hmac_sha256(&key, input.as_bytes())), sig);
        let mine = sign_hs256(b"s3cret", r#"{"sub":"alice"}"#);
        assert_eq!(verify_hs256(&mine, b"s3cret"), Ok(()));
    }

    #[test]
    fn a_jwk_reads_back_from_its_json() {
        let jwk = Es256Key::from_random([3, 1, 4, 1], "k").unwrap().jwk();
        assert_eq!(EcJwk::from_json(&jwk.to_json()), Some(jwk));
        assert_eq!(EcJwk::from_json(r#"{"kid":"k"}"#), None);
    }

    #[test]
    fn virtual_time_zero_is_2026_01_01() {
        assert_eq!(unix_time(0), 1_767_225_600);
        assert_eq!(unix_time(61_500), 1_767_225_661);
    }
}
