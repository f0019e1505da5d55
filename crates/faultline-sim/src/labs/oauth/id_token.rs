//! How Planner checks an ID token (OpenID Connect Core §3.1.3.7), on its
//! parsed claims: the signature (HS256 with the client secret, or ES256
//! with the server's key), `iss`, `aud`, `exp`, `iat` and the nonce.

use super::msg::{AUTH_ORIGIN, CLIENT_ID};
use crate::jose::{verify_es256, verify_hs256, EcJwk};

/// The key an ID token is checked with.
pub enum IdKey<'a> {
    /// HS256 with the client secret (a confidential client).
    Secret(&'a [u8]),
    /// ES256 with the server's published key.
    Jwk(&'a EcJwk),
    None,
}

/// What an ID token check found: the `sub` it signs in, or the first
/// check that failed.
pub type IdCheck = Result<String, &'static str>;

/// Check an ID token as OIDC Core §3.1.3.7 asks, on parsed claims: the
/// signature, `iss`, `aud` (planner, alone or in a list), `exp`, `iat` and
/// the `nonce` sent (`now_ms` is the lab's clock).
pub fn check_id_token(token: &str, key: IdKey<'_>, nonce: &str, now_ms: u64) -> IdCheck {
    let signed = match key {
        IdKey::Secret(secret) => verify_hs256(token, secret).is_ok(),
        IdKey::Jwk(jwk) => verify_es256(token, jwk).is_ok(),
        IdKey::None => false,
    };
    if !signed {
        return Err("its signature does not verify");
    }
    let c = crate::message::Jws::decode(token)
        .and_then(|j| crate::read::json_object(&j.payload))
        .ok_or("its claims cannot be read")?;
    let text = |k: &str| c.get(k).and_then(|v| v.as_str());
    let number = |k: &str| c.get(k).and_then(|v| v.as_u64());
    let now = crate::jose::unix_time(now_ms);
    let aud_ok = match c.get("aud") {
        Some(serde_json::Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(CLIENT_ID)),
        Some(v) => v.as_str() == Some(CLIENT_ID),
        None => false,
    };
    if text("iss") != Some(AUTH_ORIGIN) {
        Err("iss is not https://auth.example")
    } else if !aud_ok {
        Err("aud is not planner: it was issued to another app")
    } else if number("exp").is_none_or(|e| now >= e) {
        Err("it has expired (exp)")
    } else if number("iat").is_none_or(|i| i > now) {
        Err("iat is missing or in the future")
    } else if nonce.is_empty() || text("nonce") != Some(nonce) {
        Err("its nonce is not the one this login sent")
    } else {
        Ok(text("sub").unwrap_or("").to_string())
    }
}
