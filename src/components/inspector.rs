//! The message inspector: the message a step handled, as it travelled on
//! the wire (raw text, wrapped, the parameters that matter at this step
//! highlighted, each token a button that opens it below), and beside it
//! what a learner should see decoded: a form body field by field, a
//! redirect's `Location` query parameter by parameter, and every compact
//! JWS in the token inspector (`token.rs`: cards the helper writes when
//! the learner opens a token).

use super::raw::raw;
use crate::markup::Markup;
use faultline_sim::message::{Body, Message};
use yew::prelude::*;

/// What the inspector shows. (A plain function, not a component: each
/// component costs about 1 KB of WebAssembly in Yew's glue.)
#[derive(PartialEq, Clone)]
pub struct Props {
    pub title: String,
    pub message: Message,
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
/// the id of its card): bring that card into view and focus it (on a
/// page without tokens there is none).
fn open_token(e: MouseEvent) {
    #[cfg(feature = "tokens")]
    super::token::open_token(e);
    #[cfg(not(feature = "tokens"))]
    drop(e);
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
    #[cfg(feature = "tokens")]
    if !tokens.is_empty() {
        super::token::cards_box(&mut out);
    }
    html! {
        <details class="inspector" open=true onclick={open_token}>{ raw(out) }</details>
    }
}
