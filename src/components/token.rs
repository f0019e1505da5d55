//! The token inspector: a compact JWS decoded (header, payload, signature),
//! each claim explained, times shown as dates, and the signature checked in
//! the page with the keys the run showed (the JWKS the authorization server
//! published, the client secret it handed out). Beside it, tokens of one
//! message compared claim by claim (an ID token's `aud` is the client, an
//! access token's the API), and a box where a learner pastes any token.

use crate::fmt::utc;
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
    serde_json::from_str(json).unwrap_or_default()
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

fn claim_rows(json: &str, now: Option<u64>) -> Html {
    let map = claims(json);
    if map.is_empty() {
        return html! { <p><code class="wrap">{ json }</code></p> };
    }
    let rows = map.iter().map(|(k, v)| {
        html! {
            <tr class={classes!((k == "aud").then_some("focus"))}>
                <th scope="row"><code>{ k }</code></th>
                <td><code class="wrap">{ shown(k, v, now) }</code></td>
                <td>{ meaning(k) }</td>
            </tr>
        }
    });
    html! { <table class="claims"><tbody>{ for rows }</tbody></table> }
}

/// One token, decoded and checked. `id` is its element id (a click on the
/// token in the message's text brings it into view).
pub fn token_card(id: &str, field: &str, jws: &Jws, check: &TokenCheck, now: Option<u64>) -> Html {
    let ok = matches!(check, TokenCheck::Valid { .. });
    html! {
        <section class="token" id={id.to_string()} tabindex="-1" aria-label={format!("Token in {field}")}>
            <h3>{ format!("{field}: a signed token (JWT), decoded") }</h3>
            <p class={classes!("verdict", if ok { "ok" } else { "bad" })} role="status">
                { if ok { "✓ " } else { "✗ " } }{ check.to_string() }
            </p>
            <h4>{ "Header" }</h4>
            { claim_rows(&jws.header, None) }
            <h4>{ "Payload (claims)" }</h4>
            { claim_rows(&jws.payload, now) }
            <h4>{ "Signature (hex)" }</h4>
            <p><code class="wrap sig">{ &jws.signature_hex }</code></p>
        </section>
    }
}

/// Two or more tokens of one message, claim by claim, `aud` first: who
/// each one is for.
pub fn compare(tokens: &[(String, Jws)]) -> Html {
    let maps: Vec<Map<String, Value>> = tokens.iter().map(|(_, j)| claims(&j.payload)).collect();
    if tokens.len() < 2 || maps.iter().any(Map::is_empty) {
        return html! {};
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
    let heads = tokens
        .iter()
        .map(|(f, _)| html! { <th scope="col">{ f }</th> });
    let rows = names.iter().map(|n| {
        let cells = maps
            .iter()
            .map(|m| html! { <td><code class="wrap">{ cell(m, n) }</code></td> });
        html! {
            <tr class={classes!((*n == "aud").then_some("focus"))}>
                <th scope="row"><code>{ *n }</code></th>{ for cells }
            </tr>
        }
    });
    let said: Vec<String> = tokens
        .iter()
        .zip(&maps)
        .map(|((f, _), m)| format!("{f} is for {}", cell(m, "aud")))
        .collect();
    html! {
        <table class="claims compare" id="token-compare">
            <caption>{ "Side by side: who each token is for" }</caption>
            <thead><tr><th scope="col">{ "claim" }</th>{ for heads }</tr></thead>
            <tbody>{ for rows }</tbody>
            <tfoot><tr><td colspan={(tokens.len() + 1).to_string()}>
                { format!("{}. A service accepts a token only if its aud names that service.", said.join("; ")) }
            </td></tr></tfoot>
        </table>
    }
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
    let result = if pasted.is_empty() {
        html! {}
    } else if pasted.len() > 16_384 {
        html! { <p class="verdict bad" role="status">{ "✗ That is too long to be a token from this lab (over 16 KB)." }</p> }
    } else {
        let check = p.keys.check(pasted);
        match Jws::decode(pasted) {
            Some(jws) => token_card("token-pasted", "Your token", &jws, &check, None),
            None => {
                html! { <p class="verdict bad" role="status">{ "✗ " }{ check.to_string() }</p> }
            }
        }
    };
    html! {
        <details class="paste-token">
            <summary>{ "Check a token yourself" }</summary>
            <label for="paste-token">{ "Paste a token (copy one from a message, change a character, paste it back):" }</label>
            <textarea id="paste-token" rows="3" spellcheck="false" value={(*text).clone()} {oninput} />
            { result }
        </details>
    }
}
