//! The message inspector: the message a step handled, as it travelled on
//! the wire (raw text, wrapped, the parameters that matter at this step
//! highlighted, each token a button that opens it below), and beside it
//! what a learner should see decoded: a form body field by field, a
//! redirect's `Location` query parameter by parameter, and every compact
//! JWS in the token inspector (see `token.rs`).

use super::token::{compare, token_card};
use faultline_sim::jose::KeyRing;
use faultline_sim::message::{Body, Message};
use yew::prelude::*;

/// What the inspector shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub title: String,
    pub message: Message,
    /// The keys the run showed, to check tokens' signatures.
    pub keys: KeyRing,
    /// The step's time as a Unix time (tokens' `exp` is compared with it).
    pub now: Option<u64>,
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

/// Bring token `i`'s card into view and focus it.
fn open_token(i: usize) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        let el = gloo::utils::document().get_element_by_id(&format!("token-{i}"));
        if let Some(el) =
            el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            el.scroll_into_view();
            let _ = el.focus();
        }
    })
}

/// The raw text in pieces: highlighted spans as `<mark>`, tokens as
/// buttons that open their card. Each byte gets a kind (0 plain, 1 marked,
/// 2 + i token i) and each run of one kind is one piece.
fn http_text(m: &Message, tokens: &[String]) -> Html {
    let (text, marks) = m.to_http_marked();
    let mut kind = vec![0usize; text.len()];
    for r in &marks {
        kind[r.clone()].fill(1);
    }
    for (i, t) in tokens.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
        for (at, _) in text.match_indices(t.as_str()) {
            kind[at..at + t.len()].fill(2 + i);
        }
    }
    let marked = |at: usize| marks.iter().any(|r| r.contains(&at));
    let mut pieces = Vec::new();
    let mut start = 0;
    for end in 1..=text.len() {
        if end < text.len() && (kind[end] == kind[start] || !text.is_char_boundary(end)) {
            continue;
        }
        let piece = &text[start..end];
        pieces.push(match kind[start] {
            0 => html! { { piece } },
            1 => html! { <mark>{ piece }</mark> },
            k => html! {
                <button class={classes!("token-link", marked(start).then_some("focus"))} onclick={open_token(k - 2)}
                        title="Open this token in the inspector below">{ piece }</button>
            },
        });
        start = end;
    }
    html! { <pre id="message-text" class="http" tabindex="0">{ for pieces }</pre> }
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
    let raw: Vec<String> = tokens.iter().map(|(_, j)| j.raw.clone()).collect();
    let focus = (!m.focus.is_empty()).then(|| {
        html! {
            <p class="hint focus-hint">{ "Highlighted: what matters at this step (" }{ m.focus.join(", ") }{ ")." }
                if !tokens.is_empty() { { " Click a token to inspect it." } }
            </p>
        }
    });
    let cards = tokens
        .iter()
        .enumerate()
        .map(|(i, (f, j))| token_card(&format!("token-{i}"), f, j, &p.keys.check(&j.raw), p.now));
    html! {
        <details class="inspector" open=true>
            <summary>{ &p.title }{ format!(" · {}", m.class.noun()) }
                { m.body.media_type().map(|t| format!(" · {t}")).unwrap_or_default() }</summary>
            { http_text(m, &raw) }
            { for focus }
            { for location }
            { for form }
            { compare(&tokens) }
            { for cards }
        </details>
    }
}
