//! A notice above the page (a bad link, a bad file, an older link's model,
//! a copied link): on every page, the landing page included.

use crate::state::{Action, Notice};
use yew::prelude::*;

/// A plain function, not a component: it is tiny, and each component
/// costs about 1 KB of WebAssembly in Yew's glue.
pub fn notice_banner(notice: Option<&Notice>, on: &Callback<Action>) -> Html {
    let Some(n) = notice else {
        return html! {};
    };
    let dismiss = on.reform(|_| Action::Dismiss);
    let class = if n.is_error {
        "banner error"
    } else {
        "banner info"
    };
    html! {
        <div id="message" {class} role={if n.is_error { "alert" } else { "status" }}>
            { &n.text }{" "}<button class="link" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
