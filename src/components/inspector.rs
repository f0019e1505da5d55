//! The message inspector: the message a step handled, as it travelled on
//! the wire (raw text, wrapped, the parameters that matter at this step
//! highlighted, each token a button that opens it below), and beside it
//! what a learner should see decoded: a form body field by field, a
//! redirect's `Location` query parameter by parameter, and every compact
//! JWS in the token inspector (see `token.rs`).

use super::raw::{attr_of, raw};
#[cfg(feature = "jose")]
use super::token::{compare, token_card};
use crate::markup::Markup;
#[cfg(feature = "jose")]
use faultline_sim::jose::KeyRing;
use faultline_sim::message::{Body, Message};
use yew::prelude::*;

/// What the inspector shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub title: String,
    pub message: Message,
    /// The keys the run showed, to check tokens' signatures (pages whose
    /// lab has tokens only: cargo feature `jose`).
    #[cfg(feature = "jose")]
    pub keys: KeyRing,
    /// The step's time as a Unix time (tokens' `exp` is compared with it).
    #[cfg(feature = "jose")]
    pub now: Option<u64>,
}

/// Name/value pairs as a table, appended to `out` as HTML text.
fn pairs(out: &mut Markup, caption: &'static str, id: &'static str, rows: &[(String, String)]) {
    markup!(
        out,
        "<table class=\"pairs\" id=\"{}\"><caption>{}</caption><tbody>",
        id,
        caption
    );
    for (k, v) in rows {
        out.lit("<tr><th scope=\"row\">");
        out.text(k);
        out.lit("</th><td><code>");
        out.text(v);
        out.lit("</code></td></tr>");
    }
    out.lit("</tbody></table>");
}

/// A click on a token in the message's text (found by its `data-token`,
/// the id of its card): bring that card into view and focus it.
fn open_token(e: MouseEvent) {
    let el =
        attr_of(&e, "data-token").and_then(|id| gloo::utils::document().get_element_by_id(&id));
    if let Some(el) =
        el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        el.scroll_into_view();
        let _ = el.focus();
    }
}

/// The raw text in pieces, appended to `out`: highlighted spans as
/// `<mark>`, tokens as buttons that open their card. Each byte gets a
/// kind (0 plain, 1 marked, 2 + i token i) and each run of one kind is
/// one piece.
fn http_text(out: &mut Markup, m: &Message, tokens: &[String]) {
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
    out.lit("<pre id=\"message-text\" class=\"http\" tabindex=\"0\">");
    let mut start = 0;
    for end in 1..=text.len() {
        if end < text.len() && (kind[end] == kind[start] || !text.is_char_boundary(end)) {
            continue;
        }
        let piece = &text[start..end];
        match kind[start] {
            0 => {
                out.text(piece);
            }
            1 => {
                out.lit("<mark>");
                out.text(piece);
                out.lit("</mark>");
            }
            k => {
                let focus = if marked(start) { " focus" } else { "" };
                markup!(
                    out,
                    "<button class=\"token-link{}\" data-token=\"token-{}\" title=\"Open this token in the inspector below\">",
                    focus,
                    k - 2
                );
                out.text(piece);
                out.lit("</button>");
            }
        }
        start = end;
    }
    out.lit("</pre>");
}

/// The inspector. Its contents only show data and are written as HTML
/// text (every piece escaped): far less WebAssembly than `html!`. The
/// `<details>` stays `html!` so that a learner's closing it holds from
/// step to step, and its one click listener serves every token button.
pub fn inspector(p: &Props) -> Html {
    let m = &p.message;
    let mut out = Markup::from_lit("<summary>");
    out.text(&p.title);
    out.lit(" · ");
    out.lit(m.class.noun());
    if let Some(t) = m.body.media_type() {
        out.lit(" · ");
        out.text(t);
    }
    out.lit("</summary>");
    let tokens = m.tokens();
    let raw_tokens: Vec<String> = tokens.iter().map(|(_, j)| j.raw.clone()).collect();
    http_text(&mut out, m, &raw_tokens);
    if !m.focus.is_empty() {
        out.lit("<p class=\"hint focus-hint\">Highlighted: what matters at this step (");
        out.text(&m.focus.join(", "));
        out.lit(").");
        if !tokens.is_empty() {
            out.lit(" Click a token to inspect it.");
        }
        out.lit("</p>");
    }
    let query = m.location_query();
    if !query.is_empty() {
        pairs(
            &mut out,
            "Location query, parameter by parameter",
            "message-location",
            &query,
        );
    }
    if let Body::Form(fields) = &m.body {
        pairs(&mut out, "Form fields, decoded", "message-form", fields);
    }
    #[cfg(feature = "jose")]
    {
        compare(&mut out, &tokens);
        for (i, (f, j)) in tokens.iter().enumerate() {
            token_card(
                &mut out,
                &format!("token-{i}"),
                f,
                j,
                &p.keys.check(&j.raw),
                p.now,
            );
        }
    }
    html! {
        <details class="inspector" open=true onclick={open_token}>{ raw(out) }</details>
    }
}
