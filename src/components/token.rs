//! The token inspector: a compact JWS decoded (header, payload, signature),
//! each claim explained, times shown as dates, and the signature checked in
//! the page with the keys the run showed (the JWKS the authorization server
//! published, the client secret it handed out). Beside it, tokens of one
//! message compared claim by claim (an ID token's `aud` is the client, an
//! access token's the API), and a box where a learner pastes any token.

use super::raw::raw;
use crate::fmt::utc;
use crate::markup::Markup;
use faultline_sim::jose::{KeyRing, TokenCheck};
use faultline_sim::message::Jws;
use serde_json::{Map, Value};
use yew::prelude::*;

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
pub fn token_card(
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
pub fn compare(out: &mut Markup, tokens: &[(String, Jws)]) {
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

#[derive(Properties, PartialEq)]
pub struct PasteProps {
    /// The keys the run showed.
    pub keys: KeyRing,
}

/// A box for any token: paste it, see it decoded and checked. Anything
/// that is not a token gets a sentence saying so, never a panic.
#[component]
pub fn PasteToken(p: &PasteProps) -> Html {
    let text = use_state(String::new);
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(input.value());
        })
    };
    let pasted = text.trim();
    // The verdict and card as text (see `token_card`); the text area stays
    // `html!`, as it holds what the learner typed.
    let mut result = Markup::new();
    if pasted.len() > 16_384 {
        result.lit("<p class=\"verdict bad\" role=\"status\">✗ That is too long to be a token from this lab (over 16 KB).</p>");
    } else if !pasted.is_empty() {
        let check = p.keys.check(pasted);
        match Jws::decode(pasted) {
            Some(jws) => token_card(
                &mut result,
                "token-pasted",
                "Your token",
                &jws,
                &check,
                None,
            ),
            None => {
                result.lit("<p class=\"verdict bad\" role=\"status\">✗ ");
                result.text(&check.to_string());
                result.lit("</p>");
            }
        }
    }
    let result = raw(result);
    html! {
        <details class="paste-token">
            <summary>{ "Check a token yourself" }</summary>
            <label for="paste-token">{ "Paste a token (copy one from a message, change a character, paste it back):" }</label>
            <textarea id="paste-token" rows="3" spellcheck="false" value={(*text).clone()} {oninput} />
            { result }
        </details>
    }
}
