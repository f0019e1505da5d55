//! Permalinks round-trip, and every malformed link is refused with a
//! readable message instead of a panic.

use faultline_sim::permalink::{decode, encode, PermalinkError};
use faultline_sim::{preset, simulate};

#[test]
fn round_trip_reproduces_the_same_run_and_step() {
    let s = preset("payments", "lost-response-no-key").unwrap();
    let hash = encode(&s, 9);
    let (back, step) = decode(&format!("#{hash}")).unwrap();
    assert_eq!(back, s);
    assert_eq!(step, 9);
    assert_eq!(
        simulate(&back).unwrap().to_json(),
        simulate(&s).unwrap().to_json()
    );
}

#[test]
fn malformed_links_get_clear_messages() {
    let good = encode(&preset("payments", "happy-path").unwrap(), 3);
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no run"),
        ("hello".into(), "does not look like"),
        ("v9.abc.1".into(), "different version"),
        ("v1.".into(), "cut short"),
        (good[..good.len() / 2].to_string(), "cut short"),
        ("v1.!!!.1".into(), "not valid base64url"),
        (good.replace(".3", ".x"), "not a number"),
        ("v1.e30.0".into(), "cannot be read"),
    ];
    for (hash, expect) in cases {
        let err = decode(&hash).expect_err(&hash);
        assert!(err.to_string().contains(expect), "{hash:?}: {err}");
    }
}

#[test]
fn tampered_content_is_refused() {
    use base64::Engine as _;
    let enc = |json: &str| {
        format!(
            "v1.{}.0",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
        )
    };
    let unknown_lab = enc(r#"{"v":1,"lab":"bank","seed":1}"#);
    assert!(matches!(
        decode(&unknown_lab),
        Err(PermalinkError::Invalid(_))
    ));
    let out_of_range = enc(r#"{"v":1,"lab":"payments","seed":1,"config":{"clients":999}}"#);
    assert!(decode(&out_of_range)
        .unwrap_err()
        .to_string()
        .contains("between 1 and 30"));
    let wrong_type = enc(r#"{"v":1,"lab":"payments","seed":1,"config":{"jitter":5}}"#);
    assert!(decode(&wrong_type)
        .unwrap_err()
        .to_string()
        .contains("true or false"));
    let bad_actor = enc(
        r#"{"v":1,"lab":"payments","seed":1,"faults":[{"crash":{"at_ms":5,"actor":"mainframe"}}]}"#,
    );
    assert!(decode(&bad_actor)
        .unwrap_err()
        .to_string()
        .contains("mainframe"));
    let long_delay = enc(
        r#"{"v":1,"lab":"payments","seed":1,"faults":[{"net":{"on":{"after_ms":0},"action":{"delay":{"ms":18446744073709551615}}}}]}"#,
    );
    assert!(decode(&long_delay)
        .unwrap_err()
        .to_string()
        .contains("the most is 60000 ms"));
    let random = enc(r#"{"v":1,"lab":"payments","seed":1,"random":{"drop_permille":5000}}"#);
    assert!(decode(&random)
        .unwrap_err()
        .to_string()
        .contains("per mille"));
    let huge = "v1.".to_string() + &"A".repeat(20_000) + ".0";
    assert!(matches!(decode(&huge), Err(PermalinkError::TooLong(_))));
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 80) as usize;
        let s: String = (0..len)
            .map(|i| char::from(b"v1.eyJ9AZaz-_!#%0"[((x >> (i % 60)) % 17) as usize]))
            .collect();
        let _ = decode(&s);
    }
}
