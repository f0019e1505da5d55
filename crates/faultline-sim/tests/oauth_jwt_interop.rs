//! A standard JWT implementation (the `jsonwebtoken` crate, a
//! dev-dependency that never reaches the wasm), not the lab's own decoder,
//! verifies the OAuth lab's tokens with the JWKS the lab publishes.
//!
//! The lab's clock is virtual: time 0 is 2026-01-01T00:00:00Z
//! (`jose::EPOCH_UNIX_S`). A library checks `exp` against the machine's
//! clock, so the library checks signature, algorithm, issuer and
//! audience, and `iat`/`exp` are checked here against that documented
//! epoch clock.

use faultline_sim::engine::{simulate_lab, Detail};
use faultline_sim::jose::unix_time;
use faultline_sim::lab::Lab;
use faultline_sim::labs::oauth::OAuthLab;
use faultline_sim::message::Message;
use faultline_sim::Run;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    iat: u64,
    exp: u64,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    nonce: String,
}

fn run(id: &str) -> Run {
    let p = OAuthLab::info()
        .presets
        .into_iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    simulate_lab::<OAuthLab>(&(p.scenario)(), Detail::Full).unwrap()
}

/// The first flight labelled `label`, with the time it was sent.
fn flight(r: &Run, label: &str) -> (Message, u64) {
    let f = r
        .flights
        .iter()
        .find(|f| f.label().starts_with(label))
        .unwrap_or_else(|| panic!("no {label}"));
    (f.message.get().clone(), f.sent_at)
}

fn field(m: &Message, name: &str) -> String {
    m.body
        .fields()
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The JWKS exactly as the lab's /jwks response body carries it.
fn jwks(r: &Run) -> JwkSet {
    let (m, _) = flight(r, "200 JWKS");
    let text = m.to_http();
    let body = &text[text.find("\n\n").expect("a body") + 2..];
    serde_json::from_str(body).expect("the /jwks body is a JWK Set")
}

fn validation(aud: &str) -> Validation {
    let mut v = Validation::new(Algorithm::ES256);
    v.set_audience(&[aud]);
    v.set_issuer(&["https://auth.example"]);
    // `exp` is checked below against the lab's epoch clock.
    v.validate_exp = false;
    v
}

#[test]
fn jsonwebtoken_verifies_the_access_and_id_tokens_with_the_published_jwks() {
    let r = run("happy-path");
    let keys = jwks(&r);
    let (tokens, issued_ms) = flight(&r, "200 tokens");
    let access = field(&tokens, "access_token");
    let id = field(&tokens, "id_token");

    let header = decode_header(&access).unwrap();
    assert_eq!(header.alg, Algorithm::ES256);
    // RFC 9068 §2.1: an access token is typed; the ID token is not.
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(decode_header(&id).unwrap().typ.as_deref(), Some("JWT"));
    let jwk = keys
        .find(header.kid.as_deref().unwrap())
        .expect("kid in JWKS");
    let key = DecodingKey::from_jwk(jwk).unwrap();

    let a = decode::<Claims>(&access, &key, &validation("https://calendar.example"))
        .expect("the access token verifies")
        .claims;
    assert_eq!(a.sub, "alice");
    assert_eq!(a.scope, "calendar.read calendar.write");
    // Issued at virtual time `issued_ms` (within the server's step).
    assert_eq!(a.iat, unix_time(issued_ms));
    assert_eq!(a.exp, unix_time(issued_ms + 60_000));

    let i = decode::<Claims>(&id, &key, &validation("planner"))
        .expect("the ID token verifies")
        .claims;
    assert_eq!(i.sub, "alice");
    let (authz, _) = flight(&r, "GET /authorize");
    assert!(
        authz.line.contains(&format!("nonce={}", i.nonce)),
        "the ID token echoes the request's nonce"
    );
    assert!(i.exp > i.iat);

    // The library refuses the access token for the wrong audience, and an
    // ID token presented as an access token.
    assert!(decode::<Claims>(&access, &key, &validation("planner")).is_err());
    assert!(decode::<Claims>(&id, &key, &validation("https://calendar.example")).is_err());
}

#[test]
fn jsonwebtoken_refuses_a_changed_token_and_another_runs_key() {
    let r = run("happy-path");
    let keys = jwks(&r);
    let key = DecodingKey::from_jwk(&keys.keys[0]).unwrap();
    let (tokens, _) = flight(&r, "200 tokens");
    let access = field(&tokens, "access_token");
    // Change the payload (scope widened), keep the signature.
    let parts: Vec<&str> = access.split('.').collect();
    let forged_claims = faultline_sim::jose::b64url(
        br#"{"iss":"https://auth.example","sub":"alice","aud":"https://calendar.example","scope":"admin","exp":1}"#,
    );
    let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
    assert!(decode::<Claims>(&forged, &key, &validation("https://calendar.example")).is_err());
    // Another seed makes another key: this run's token does not verify.
    let mut other = (OAuthLab::info().preset("happy-path").unwrap().scenario)();
    other.seed += 1;
    let other = simulate_lab::<OAuthLab>(&other, Detail::Full).unwrap();
    let other_key = DecodingKey::from_jwk(&jwks(&other).keys[0]).unwrap();
    assert!(
        decode::<Claims>(&access, &other_key, &validation("https://calendar.example")).is_err()
    );
}

#[test]
fn refreshed_access_tokens_verify_too() {
    let r = run("access-expires-refresh");
    let key = DecodingKey::from_jwk(&jwks(&r).keys[0]).unwrap();
    let answers: Vec<(Message, u64)> = r
        .flights
        .iter()
        .filter(|f| f.label() == "200 tokens")
        .map(|f| (f.message.get().clone(), f.sent_at))
        .collect();
    assert_eq!(answers.len(), 3);
    for (m, at) in answers {
        let c = decode::<Claims>(
            &field(&m, "access_token"),
            &key,
            &validation("https://calendar.example"),
        )
        .unwrap()
        .claims;
        assert_eq!(c.exp, unix_time(at + 4_000), "4 s lifetime");
    }
}

#[test]
fn jsonwebtoken_verifies_the_confidential_clients_hs256_id_token_with_its_secret() {
    let r = run("confidential-client");
    let (reg, _) = flight(&r, "client registered");
    let secret = field(&reg, "client_secret");
    let (tokens, _) = flight(&r, "200 tokens");
    let id = field(&tokens, "id_token");
    assert_eq!(decode_header(&id).unwrap().alg, Algorithm::HS256);
    let mut v = Validation::new(Algorithm::HS256);
    v.set_audience(&["planner"]);
    v.set_issuer(&["https://auth.example"]);
    v.validate_exp = false;
    let c = decode::<Claims>(&id, &DecodingKey::from_secret(secret.as_bytes()), &v)
        .expect("the HS256 ID token verifies with the client secret")
        .claims;
    assert_eq!(c.sub, "alice");
    assert!(decode::<Claims>(&id, &DecodingKey::from_secret(b"not the secret"), &v).is_err());
}
