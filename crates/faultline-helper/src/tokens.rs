//! The token inspector as a page with tokens (OAuth) shows it, written
//! here in the helper as escaped markup, so the page's own WebAssembly
//! carries none of it: a compact JWS decoded (header, payload, signature),
//! each claim explained, times shown as dates, and the signature checked
//! with the keys the run showed (the JWKS the authorization server
//! published, the client secret it handed out); tokens of one message
//! compared claim by claim (an ID token's `aud` is the client, an access
//! token's the API); and any token a learner pastes, checked the same way.
//!
//! Requests: `tokens` (a run's link: every token of the message its step
//! handled) and `token-check` (a link, a newline, the pasted text).

use faultline_markup::{markup, Markup};
use faultline_sim::jose::{unix_time, KeyRing, TokenCheck};
use faultline_sim::message::{Jws, Message};
use faultline_sim::permalink;
use serde_json::{Map, Value};

/// Keys are handed out as a run starts (a JWKS fetched, a client secret
/// registered): the key ring is read from the first messages only, so a
/// long run costs nothing more.
const KEY_MESSAGES: usize = 64;

/// A pasted text longer than this is not a token of this lab.
const PASTE_LIMIT: usize = 16_384;

/// The run of `link`: the keys it showed, and its step's message and
/// time (none at a step that handled no message).
fn opened(link: &str) -> Result<(KeyRing, Option<(Message, u64)>), String> {
    let opened = permalink::open(link).map_err(|e| e.to_string())?;
    let run = faultline_sim::simulate(&opened.scenario).map_err(|e| e.to_string())?;
    let first: Vec<Message> = run
        .flights
        .iter()
        .take(KEY_MESSAGES)
        .map(|f| f.message.get())
        .collect();
    let keys = KeyRing::from_messages(&first);
    let at = run.steps.get(opened.step as usize).and_then(|s| {
        let flight = run.flights.get(s.flight? as usize)?;
        Some((flight.message.get(), unix_time(s.time)))
    });
    Ok((keys, at))
}

/// `tokens`: every token of the message the link's step handled, side by
/// side by `aud`, then each decoded and checked (nothing when it has none).
pub fn cards_of(link: &str) -> Result<String, String> {
    let (keys, at) = opened(link)?;
    let mut out = Markup::new();
    if let Some((message, now)) = at {
        cards(&mut out, &message.tokens(), &keys, Some(now));
    }
    Ok(out.into_string())
}

/// The tokens of one message as the inspector shows them: compared
/// claim by claim, then each card (`token-<i>`, the id its button in the
/// message's text names).
pub fn cards(out: &mut Markup, tokens: &[(String, Jws)], keys: &KeyRing, now: Option<u64>) {
    compare(out, tokens);
    for (i, (field, jws)) in tokens.iter().enumerate() {
        token_card(
            out,
            &format!("token-{i}"),
            field,
            jws,
            &keys.check(&jws.raw),
            now,
        );
    }
}

/// `token-check`: a link, a newline, then a pasted text, checked with the
/// keys the link's run showed. Anything that is not a token gets a
/// sentence saying so.
pub fn check_pasted(payload: &str) -> Result<String, String> {
    let (link, pasted) = payload.split_once('\n').unwrap_or((payload, ""));
    let pasted = pasted.trim();
    let mut out = Markup::new();
    if pasted.len() > PASTE_LIMIT {
        out.lit("<p class=\"verdict bad\" role=\"status\">✗ That is too long to be a token from this lab (over 16 KB).</p>");
        return Ok(out.into_string());
    }
    if pasted.is_empty() {
        return Ok(String::new());
    }
    let (keys, _) = opened(link)?;
    let check = keys.check(pasted);
    match Jws::decode(pasted) {
        Some(jws) => token_card(&mut out, "token-pasted", "Your token", &jws, &check, None),
        None => {
            out.lit("<p class=\"verdict bad\" role=\"status\">✗ ");
            out.text(&check.to_string());
            out.lit("</p>");
        }
    }
    Ok(out.into_string())
}

/// What a claim or header parameter means, in a line.
fn meaning(name: &str) -> &'static str {
    match name {
        "alg" => "The signing algorithm.",
        "typ" => "The kind of token.",
        "kid" => "Which of the server's keys signed it: look it up in the published JWKS.",
        "iss" => "Issuer: the server that made and signed the token.",
        "sub" => "Subject: the user the token is about.",
        "aud" => "Audience: who may accept this token. Anyone else must refuse it.",
        "exp" => "Expiry: refuse the token from this time on.",
        "iat" => "Issued at.",
        "nbf" => "Not before: refuse the token until this time.",
        "auth_time" => "When the user last signed in for real.",
        "nonce" => "The nonce the app sent to /authorize, echoed back: this ID token answers the app's own request.",
        "scope" => "What the bearer may do with this token.",
        "client_id" | "azp" => "The app the token was issued to.",
        "jti" => "This token's own id, for revocation and spotting a replay.",
        "at_hash" => "Hash of the access token issued with it, binding the two.",
        "name" | "email" => "About the user, for the app to show.",
        _ => "",
    }
}

/// A JSON object's text as name/value pairs (empty if it is not one).
fn claims(json: &str) -> Map<String, Value> {
    faultline_sim::read::json_object(json).unwrap_or_default()
}

/// A claim's value as shown: strings bare, times with their date (and, at
/// `now`, whether the token has expired).
fn shown(name: &str, value: &Value, now: Option<u64>) -> String {
    let time = matches!(name, "exp" | "iat" | "nbf" | "auth_time");
    match (value, value.as_i64()) {
        (_, Some(secs)) if time => {
            let passed = match now {
                Some(now) if name == "exp" && (now as i64) >= secs => " (expired at this step)",
                _ => "",
            };
            format!("{secs} = {}{passed}", utc(secs))
        }
        (_, Some(n)) => n.to_string(),
        (Value::String(s), _) => s.clone(),
        // An audience may be a list (RFC 7519 §4.1.3).
        (Value::Array(items), _) => items
            .iter()
            .map(|v| shown(name, v, now))
            .collect::<Vec<_>>()
            .join(", "),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Null, _) => "null".into(),
        (Value::Object(_), _) => "{…}".into(),
        (Value::Number(_), _) => "a number".into(),
    }
}

/// A JSON object's claims as a table (its text as it is if it is not one),
/// appended to `out` as HTML text.
fn claim_rows(out: &mut Markup, json: &str, now: Option<u64>) {
    let map = claims(json);
    if map.is_empty() {
        out.lit("<p><code class=\"wrap\">");
        out.text(json);
        out.lit("</code></p>");
        return;
    }
    out.lit("<table class=\"claims\"><tbody>");
    for (k, v) in &map {
        out.lit(if k == "aud" {
            "<tr class=\"focus\"><th scope=\"row\"><code>"
        } else {
            "<tr><th scope=\"row\"><code>"
        });
        out.text(k);
        out.lit("</code></th><td><code class=\"wrap\">");
        out.text(&shown(k, v, now));
        out.lit("</code></td><td>");
        out.text(meaning(k));
        out.lit("</td></tr>");
    }
    out.lit("</tbody></table>");
}

/// One token, decoded and checked, appended to `out` as HTML text (the
/// card only shows data: text costs far less WebAssembly than `html!`).
/// `id` is its element id (a click on the token in the message's text
/// brings it into view).
fn token_card(
    out: &mut Markup,
    id: &str,
    field: &str,
    jws: &Jws,
    check: &TokenCheck,
    now: Option<u64>,
) {
    let ok = matches!(check, TokenCheck::Valid { .. });
    out.lit("<section class=\"token\" id=\"");
    out.text(id);
    out.lit("\" tabindex=\"-1\" aria-label=\"Token in ");
    out.text(field);
    out.lit("\"><h3>");
    out.text(field);
    out.lit(": a signed token (JWT), decoded</h3>");
    out.lit(if ok {
        "<p class=\"verdict ok\" role=\"status\">✓ "
    } else {
        "<p class=\"verdict bad\" role=\"status\">✗ "
    });
    out.text(&check.to_string());
    out.lit("</p><h4>Header</h4>");
    claim_rows(out, &jws.header, None);
    out.lit("<h4>Payload (claims)</h4>");
    claim_rows(out, &jws.payload, now);
    out.lit("<h4>Signature (hex)</h4><p><code class=\"wrap sig\">");
    out.text(&jws.signature_hex);
    out.lit("</code></p></section>");
}

/// Two or more tokens of one message, claim by claim, `aud` first: who
/// each one is for (HTML text appended to `out`, as `token_card`).
fn compare(out: &mut Markup, tokens: &[(String, Jws)]) {
    let maps: Vec<Map<String, Value>> = tokens.iter().map(|(_, j)| claims(&j.payload)).collect();
    if tokens.len() < 2 || maps.iter().any(Map::is_empty) {
        return;
    }
    // `aud` and `sub` first, then every other claim once.
    let mut names: Vec<&str> = vec!["aud", "sub"];
    for name in maps.iter().flat_map(Map::keys) {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.retain(|n| maps.iter().any(|m| m.contains_key(*n)));
    let cell =
        |m: &Map<String, Value>, n: &str| m.get(n).map_or("—".to_string(), |v| shown(n, v, None));
    out.lit("<table class=\"claims compare\" id=\"token-compare\"><caption>Side by side: who each token is for</caption><thead><tr><th scope=\"col\">claim</th>");
    for (f, _) in tokens {
        out.lit("<th scope=\"col\">");
        out.text(f);
        out.lit("</th>");
    }
    out.lit("</tr></thead><tbody>");
    for n in &names {
        out.lit(if *n == "aud" {
            "<tr class=\"focus\"><th scope=\"row\"><code>"
        } else {
            "<tr><th scope=\"row\"><code>"
        });
        out.text(n);
        out.lit("</code></th>");
        for m in &maps {
            out.lit("<td><code class=\"wrap\">");
            out.text(&cell(m, n));
            out.lit("</code></td>");
        }
        out.lit("</tr>");
    }
    let said: Vec<String> = tokens
        .iter()
        .zip(&maps)
        .map(|((f, _), m)| format!("{f} is for {}", cell(m, "aud")))
        .collect();
    markup!(
        out,
        "</tbody><tfoot><tr><td colspan=\"{}\">",
        tokens.len() + 1
    );
    out.text(&said.join("; "));
    out.lit(
        ". A service accepts a token only if its aud names that service.</td></tr></tfoot></table>",
    );
}

/// A Unix time as a UTC date and time ("2026-01-01 00:01:02 UTC"), for
/// the `exp`, `iat` and `auth_time` of tokens (days to a civil date:
/// Howard Hinnant's algorithm).
pub fn utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3_600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
