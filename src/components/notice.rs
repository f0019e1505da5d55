//! A notice above the page (a bad link, a bad file, an older link's model,
//! a copied link): on every page, the landing page included.

use crate::state::{Action, Notice};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub notice: Option<Notice>,
    pub on: Callback<Action>,
}

#[component]
pub fn NoticeBanner(p: &Props) -> Html {
    let Some(n) = &p.notice else {
        return html! {};
    };
    let dismiss = p.on.reform(|_| Action::Dismiss);
    html! {
        <div id="message" class={classes!("banner", if n.is_error { "error" } else { "info" })} role={if n.is_error { "alert" } else { "status" }}>
            { &n.text }{" "}<button class="link" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
