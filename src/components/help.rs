//! The keyboard shortcuts overlay.

use crate::markup::Markup;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub on_close: Callback<()>,
}

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

#[component]
pub fn HelpOverlay(p: &Props) -> Html {
    let close = p.on_close.reform(|_| ());
    // Move focus into the dialog when it opens (autofocus does not apply to
    // elements added after the page loaded).
    let button = use_node_ref();
    {
        let button = button.clone();
        use_effect_with((), move |_| {
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    html! {
        <div class="overlay" id="help" role="dialog" aria-modal="true" aria-labelledby="help-h">
            <div class="dialog">
                <h2 id="help-h">{ "Keyboard shortcuts" }</h2>
                { shortcuts() }
                <button id="help-close" ref={button} onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
