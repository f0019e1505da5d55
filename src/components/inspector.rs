//! The message inspector: the message a step handled, as it travelled on
//! the wire (raw text), and beside it what a learner should see decoded:
//! a form body field by field, a redirect's `Location` query parameter by
//! parameter, and any compact JWS (header, payload, signature).

use faultline_sim::message::{Body, Jws, Message};
use yew::prelude::*;

/// What the inspector shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub title: String,
    pub message: Message,
}

fn pairs(caption: &str, id: &str, rows: &[(String, String)]) -> Html {
    let rows = rows.iter().map(|(k, v)| {
        html! { <tr><th scope="row">{ k }</th><td><code>{ v }</code></td></tr> }
    });
    html! {
        <table class="pairs" id={id.to_string()}>
            <caption>{ caption }</caption>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

fn token(field: &str, jws: &Jws) -> Html {
    html! {
        <div class="jws">
            <p class="hint">{ format!("{field} holds a compact JWS (signed token), decoded:") }</p>
            <dl>
                <dt>{ "Header" }</dt><dd><code>{ &jws.header }</code></dd>
                <dt>{ "Payload" }</dt><dd><code>{ &jws.payload }</code></dd>
                <dt>{ "Signature (hex)" }</dt><dd><code class="sig">{ &jws.signature_hex }</code></dd>
            </dl>
        </div>
    }
}

pub fn inspector(p: &Props) -> Html {
    let m = &p.message;
    let form = match &m.body {
        Body::Form(fields) => Some(pairs("Form fields, decoded", "message-form", fields)),
        _ => None,
    };
    let query = m.location_query();
    let location = (!query.is_empty()).then(|| {
        pairs(
            "Location query, parameter by parameter",
            "message-location",
            &query,
        )
    });
    let tokens = m.tokens();
    let tokens = tokens.iter().map(|(f, j)| token(f, j));
    html! {
        <details class="inspector" open=true>
            <summary>{ &p.title }{ format!(" · {}", m.class.noun()) }
                { m.body.media_type().map(|t| format!(" · {t}")).unwrap_or_default() }</summary>
            <pre id="message-text" tabindex="0">{ m.to_http() }</pre>
            { for location }
            { for form }
            { for tokens }
        </details>
    }
}
