//! The token inspector's tests: every body kind's tokens decoded and
//! checked with the run's keys, dates, the audiences side by side, a
//! pasted token, and what is not a token.

use super::*;
use faultline_sim::{permalink, preset, simulate};

/// The happy path's token response: its messages, and the link to its step.
fn token_response() -> (Vec<Message>, Message, String) {
    let scenario = preset("oauth", "happy-path").unwrap();
    let run = simulate(&scenario).unwrap();
    let messages: Vec<Message> = run.flights.iter().map(|f| f.message.get()).collect();
    let step = run
        .steps
        .iter()
        .position(|s| {
            s.flight.is_some_and(|f| {
                messages[f as usize]
                    .body
                    .fields()
                    .iter()
                    .any(|(k, _)| k == "id_token")
            })
        })
        .expect("the step that receives the token response");
    let response = messages[run.steps[step].flight.unwrap() as usize].clone();
    (
        messages,
        response,
        permalink::encode(&scenario, step as u32),
    )
}

fn cards_html(message: &Message, keys: &KeyRing, now: Option<u64>) -> String {
    let mut out = Markup::new();
    cards(&mut out, &message.tokens(), keys, now);
    out.into_string()
}

#[test]
fn a_token_is_decoded_each_claim_explained_and_a_missing_key_said_plainly() {
    let jws = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    let msg = Message::response("302 Found").form_field("id_token", jws);
    let html = cards_html(&msg, &KeyRing::default(), None);
    assert!(
        html.contains("id_token: a signed token (JWT), decoded"),
        "{html}"
    );
    assert!(html.contains("id=\"token-0\""), "the id its button names");
    assert!(html.contains("alice") && html.contains("Subject: the user the token is about."));
    assert!(
        html.contains("Cannot check: HS256 needs the secret"),
        "no secret in this run, said plainly: {html}"
    );
}

#[test]
fn the_labs_tokens_verify_with_the_runs_keys_and_their_audiences_are_compared() {
    let (messages, response, link) = token_response();
    let keys = KeyRing::from_messages(&messages);
    assert_eq!(keys.jwks.len(), 1, "the JWKS the server published");
    let at = faultline_sim::jose::EPOCH_UNIX_S;
    let html = cards_html(&response, &keys, Some(at));
    assert_eq!(html.matches("Signature valid: ES256").count(), 2, "{html}");
    assert!(html.contains("Side by side: who each token is for"));
    assert!(
        html.contains("id_token is for planner")
            && html.contains("access_token is for https://calendar.example"),
        "{html}"
    );
    assert!(
        html.contains("2026-01-01 00:0"),
        "exp and iat read as dates"
    );
    assert!(!html.contains("expired at this step"));
    let later = cards_html(&response, &keys, Some(at + 86_400));
    assert!(later.contains("(expired at this step)"));
    // The helper's answer to the link of that step is the same cards.
    let asked = crate::answer(&format!("4\ntokens\n{link}"));
    let asked = asked.strip_prefix("4\nok\n").expect(&asked);
    assert_eq!(
        asked.matches("Signature valid: ES256").count(),
        2,
        "{asked}"
    );
    assert!(asked.contains("id=\"token-1\""));
    // With another run's keys, the same tokens do not verify.
    let mut other = preset("oauth", "happy-path").unwrap();
    other.seed += 1;
    let other = simulate(&other).unwrap();
    let other: Vec<Message> = other.flights.iter().map(|f| f.message.get()).collect();
    let html = cards_html(&response, &KeyRing::from_messages(&other), None);
    assert!(html.contains("Signature NOT valid"), "{html}");
}

#[test]
fn a_step_without_tokens_has_no_cards_and_a_bad_link_is_said() {
    let scenario = preset("oauth", "happy-path").unwrap();
    let reply = crate::answer(&format!("1\ntokens\n{}", permalink::encode(&scenario, 0)));
    assert_eq!(reply, "1\nok\n");
    let reply = crate::answer("2\ntokens\nv1.not-a-link.3");
    assert!(reply.starts_with("2\nerr\n"), "{reply}");
}

#[test]
fn a_pasted_token_is_checked_with_the_runs_keys_and_junk_gets_a_sentence() {
    let (_, response, link) = token_response();
    let token = response.tokens()[0].1.raw.clone();
    let check = |text: &str| {
        let reply = crate::answer(&format!("9\ntoken-check\n{link}\n{text}"));
        reply.strip_prefix("9\nok\n").expect(&reply).to_string()
    };
    let good = check(&token);
    assert!(good.contains("id=\"token-pasted\"") && good.contains("✓ Signature valid: ES256"));
    let sig = token.rfind('.').unwrap() + 10;
    let flip = if &token[sig..=sig] == "A" { "B" } else { "A" };
    let tampered = format!("{}{flip}{}", &token[..sig], &token[sig + 1..]);
    assert!(check(&tampered).contains("✗ Signature NOT valid"));
    let junk = check("hello");
    assert!(junk.starts_with("<p class=\"verdict bad\" role=\"status\">✗ Not a signed token"));
    assert!(!junk.contains("token-pasted"));
    assert!(check(&"a".repeat(PASTE_LIMIT + 1)).contains("too long to be a token"));
    assert_eq!(check("  "), "", "nothing pasted, nothing said");
    // Markup pasted is text.
    let sneaky = check("<img src=x onerror=alert(1)>'\"");
    assert!(!sneaky.contains("<img"), "{sneaky}");
}

#[test]
fn unix_times_read_as_utc_dates() {
    assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
    assert_eq!(utc(1_767_225_600 + 62), "2026-01-01 00:01:02 UTC");
    assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(utc(1_300_819_380), "2011-03-22 18:43:00 UTC");
    assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
}
