//! JOSE checked against the specs and a JWT library's view: PKCE S256,
//! ES256 and HS256 round trips and refusals, JWKs, the key ring.

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

/// With the explorer's memo (feature `explore`), a signature and a check
/// are what computing them gives, whatever was asked before: another key
/// with the same key id signing the same text gets its own signature, and
/// a token is checked against the key it is given.
#[test]
fn remembered_signatures_and_checks_are_the_computed_ones() {
    let key = Es256Key::from_random([1, 2, 3, 4], "k").unwrap();
    let claims = r#"{"sub":"alice"}"#;
    let first = key.sign(claims);
    assert_eq!(key.sign(claims), first, "asked again");
    let (input, signature) = first.rsplit_once('.').unwrap();
    assert_eq!(signature, key.signature(input), "as computed");
    assert_eq!(verify_es256(&first, &key.jwk()), Ok(()));
    assert_eq!(verify_es256(&first, &key.jwk()), Ok(()), "asked again");
    let other = Es256Key::from_random([5, 6, 7, 8], "k").unwrap();
    let theirs = other.sign(claims);
    assert_ne!(theirs, first, "another key's own signature");
    assert_eq!(verify_es256(&theirs, &other.jwk()), Ok(()));
    assert_eq!(
        verify_es256(&first, &other.jwk()),
        Err(JwsError::BadSignature),
        "checked with the key given"
    );
}
