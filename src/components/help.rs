//! The keyboard shortcuts overlay.

use crate::markup::{IntoHtml, Markup};
use yew::prelude::*;

/// (keys, what they do); also used by the key handler's tests.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space or K", "Play or pause"),
    ("→ or L", "Step forward"),
    ("← or J", "Step back"),
    ("Home or 0", "Restart from the first step"),
    ("End", "Jump to the last step"),
    ("+ / −", "Faster / slower"),
    ("V", "Jump to the first broken invariant"),
    ("P", "Projector view: the diagram and narration, large"),
    ("B", "Comparing two runs: show the other run's diagram"),
    (
        "PageDown / PageUp",
        "Presenter's queue: next or previous item",
    ),
    ("?", "Show or hide this help"),
    ("Esc", "Close this help"),
];

/// The shortcuts as a definition list, written as HTML text (the table
/// above is plain text, no markup in it).
fn shortcuts() -> Html {
    let mut out = Markup::from_lit("<dl>");
    for (k, v) in SHORTCUTS {
        out.lit("<dt><kbd>");
        out.lit(k);
        out.lit("</kbd></dt><dd>");
        out.lit(v);
        out.lit("</dd>");
    }
    out.lit("</dl>");
    out.into_html()
}

/// The overlay (drawn while open; `App` moves the focus into it).
pub fn help_overlay(on_close: &Callback<()>) -> Html {
    let close = on_close.reform(|_| ());
    html! {
        <div class="overlay" id="help" role="dialog" aria-modal="true" aria-labelledby="help-h">
            <div class="dialog">
                <h2 id="help-h">{ "Keyboard shortcuts" }</h2>
                { shortcuts() }
                <button id="help-close" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
