//! Views written as HTML text, and the helpers their interactive pieces
//! share.
//!
//! `html!` generates a good deal of WebAssembly for every element (and
//! more for every listener); the same markup written as text in a
//! `crate::markup::Markup` (which escapes every piece of data), costs a
//! fraction of it. Yew puts
//! such text in the page as one raw node and replaces it only when the
//! text changes. So views that only show data, and lists whose items are
//! buttons, are written as text:
//!
//! - `raw(markup)`: the markup as a node; `fixed(text)` for markup that
//!   never changes (headings, static labels).
//! - A list of buttons gets ONE listener on its container (which stays
//!   `html!`): `attr_of(&event, "data-x")` reads the attribute from the
//!   clicked element or its nearest ancestor that has it (a click on the
//!   container's own padding finds none); `closest(&event, selector)`
//!   finds the clicked button itself (by id, say).
//! - A raw node that changes when one of its buttons is used (the log of
//!   recent steps, whose current step moves) replaces that button, and the focus
//!   would fall back to the page: `refocus(selector)` puts it on the
//!   new button once the page has been redrawn, as `html!` would have
//!   kept it on the patched one.

use wasm_bindgen::JsCast;
use yew::prelude::*;

pub use crate::markup::fixed;
use crate::markup::{IntoHtml, Markup};

/// Markup (literals and escaped text: `crate::markup`) as one raw node.
pub fn raw(markup: Markup) -> Html {
    markup.into_html()
}

/// `node` under `key`, in a list of one: what a list of siblings needs to
/// be diffed by key. Yew matches an unkeyed list's children from its end,
/// so a list that grows at its start or end, or that a window cuts, would
/// pair each drawing with its neighbour's and replace them all (a raw
/// node whose text differs is replaced whole).
pub fn keyed(key: usize, node: Html) -> Html {
    use yew::virtual_dom::{Key, VList};
    Html::VList(std::rc::Rc::new(VList::with_children(
        vec![node],
        Some(Key::from(key)),
    )))
}

/// The event's target or its nearest ancestor that `selector` matches.
pub fn closest(e: &Event, selector: &str) -> Option<web_sys::Element> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    el.closest(selector).ok()?
}

/// The value of `attr` on the event's target or its nearest ancestor
/// that has one.
pub fn attr_of(e: &Event, attr: &str) -> Option<String> {
    closest(e, &format!("[{attr}]"))?.get_attribute(attr)
}

/// After the page is redrawn (Yew renders before a zero timeout fires):
/// if the focus was lost with the element that had it, focus the element
/// `selector` finds.
pub fn refocus(selector: String) {
    gloo::timers::callback::Timeout::new(0, move || {
        let doc = gloo::utils::document();
        let lost = doc.active_element().is_none_or(|a| a.tag_name() == "BODY");
        let el = doc.query_selector(&selector).ok().flatten();
        if let Some(el) = el
            .filter(|_| lost)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    })
    .forget();
}
