//! The token inspector's page side (pages whose lab has tokens: cargo
//! feature `tokens`). The cards (each token decoded, its claims
//! explained, its signature checked with the keys the run showed, and the
//! tokens of one message side by side by `aud`) are written by the
//! page's helper worker (`crates/faultline-helper/src/tokens.rs`), so the
//! page's first load carries none of that code: a card is shown when the
//! learner opens a token, and from then on for every step whose message
//! has tokens. The box where a learner pastes a token asks the helper the
//! same way.

use super::raw::attr_of;
use faultline_sim::{permalink, Run};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

thread_local! {
    /// The run and step on screen: the link the helper is asked about.
    static AT: RefCell<Option<(Rc<Run>, u32)>> = const { RefCell::new(None) };
    /// Whether the learner has opened a token (then every step with
    /// tokens shows its cards).
    static OPENED: Cell<bool> = const { Cell::new(false) };
}

/// The link of the run and step on screen.
fn link_on_screen() -> Option<String> {
    AT.with_borrow(|at| {
        at.as_ref()
            .map(|(run, step)| permalink::encode(&run.scenario, *step))
    })
}

/// The box the helper's cards go in (in the inspector's markup, under the
/// message's text), and the hint that says how to open them.
pub fn cards_box(out: &mut crate::markup::Markup) {
    out.lit("<p class=\"hint\">Click a token to open it: decoded, each claim explained, its signature checked with the keys this run showed.</p><div id=\"token-cards\"></div>");
}

/// The step on screen changed (the inspector was drawn again, its card
/// box empty): once the learner has opened a token, its cards are asked
/// for again; and a token in the paste box is checked again when the run
/// is another.
pub fn follow(run: &Rc<Run>, step: u32) {
    let same_run = AT.with_borrow(|at| at.as_ref().is_some_and(|(r, _)| Rc::ptr_eq(r, run)));
    AT.set(Some((run.clone(), step)));
    if OPENED.get() {
        load(None);
    }
    if !same_run {
        // Another run, other keys: a pasted token is checked again.
        let pasted = pasted_now();
        if !pasted.trim().is_empty() {
            check_pasted(&pasted);
        }
    }
}

/// A click on a token in the message's text (its `data-token` is its
/// card's id): bring that card into view and focus it, asking the helper
/// for the cards first if they are not there yet.
pub fn open_token(e: MouseEvent) {
    let Some(id) = attr_of(&e, "data-token") else {
        return;
    };
    if !focus(&id) {
        OPENED.set(true);
        load(Some(id));
    }
}

/// Scroll the element `id` into view and focus it (false: not there).
fn focus(id: &str) -> bool {
    let el = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = &el {
        el.scroll_into_view();
        let _ = el.focus();
    }
    el.is_some()
}

/// Whether the focus is still where the learner left it when they asked
/// for the card `id` (its token's button, or nowhere in particular): a
/// card that arrives later takes the focus only then.
fn still_waiting_for(id: &str) -> bool {
    let doc = gloo::utils::document();
    match doc.active_element() {
        None => true,
        Some(el) => {
            el.get_attribute("data-token").as_deref() == Some(id)
                || doc.body().is_some_and(|b| *b == el)
        }
    }
}

/// Ask the helper for the cards of the step on screen and put them in the
/// box (a reply for a step no longer on screen is dropped); then focus
/// the card `then`. A helper that cannot answer is said once, and the
/// cards stop following the step until the learner opens a token again.
fn load(then: Option<String>) {
    let boxed = || gloo::utils::document().get_element_by_id("token-cards");
    let Some(link) = link_on_screen().filter(|_| boxed().is_some()) else {
        return;
    };
    if then.is_some() {
        // The first time, the helper is fetched: say so meanwhile.
        crate::markup::put(
            boxed(),
            crate::markup::Markup::from_lit("<p class=\"hint\">Decoding the tokens…</p>"),
        );
    }
    let asked = link.clone();
    crate::helper::ask("tokens", &link, move |reply| {
        if link_on_screen().as_deref() != Some(asked.as_str()) {
            return;
        }
        match reply {
            Ok(cards) => crate::markup::put_from_helper(boxed(), &cards),
            Err(why) => {
                OPENED.set(false);
                let mut m = crate::markup::Markup::from_lit(
                    "<p class=\"hint\" role=\"alert\">The tokens cannot be shown: ",
                );
                m.text(why.trim_end_matches('.'));
                m.lit(".</p>");
                crate::markup::put(boxed(), m);
            }
        }
        if let Some(id) = then.filter(|id| still_waiting_for(id)) {
            focus(&id);
        }
    });
}

thread_local! {
    /// The last paste sent to the helper: only its reply is shown.
    static PASTED: Cell<u32> = const { Cell::new(0) };
}

/// A box for any token: paste it, see it decoded and checked by the
/// helper with the keys of the run on screen (checked again when the run
/// changes: [`follow`]). Anything that is not a token gets a sentence
/// saying so, never a panic. A plain function, not a component: the
/// text area keeps what the learner typed, and the verdict goes in a box
/// Yew does not draw into.
pub fn paste_token() -> Html {
    let oninput = Callback::from(|e: InputEvent| {
        let input: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        check_pasted(&input.value());
    });
    html! {
        <details class="paste-token">
            <summary>{ "Check a token yourself" }</summary>
            <label for="paste-token">{ "Paste a token (copy one from a message, change a character, paste it back):" }</label>
            <textarea id="paste-token" rows="3" spellcheck="false" {oninput} />
            <div id="paste-result"></div>
        </details>
    }
}

/// What is in the paste box now.
fn pasted_now() -> String {
    gloo::utils::document()
        .get_element_by_id("paste-token")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

/// Ask the helper to check `text` with the keys of the run on screen and
/// put its verdict in the box (only the last one asked is shown).
fn check_pasted(text: &str) {
    let n = PASTED.get().wrapping_add(1);
    PASTED.set(n);
    let result = || gloo::utils::document().get_element_by_id("paste-result");
    let Some(link) = link_on_screen().filter(|_| !text.trim().is_empty()) else {
        crate::markup::put(result(), crate::markup::Markup::new());
        return;
    };
    // The last verdict goes at once: it was for another text.
    crate::markup::put(
        result(),
        crate::markup::Markup::from_lit("<p class=\"hint\">Checking…</p>"),
    );
    let payload = format!("{link}\n{text}");
    crate::helper::ask("token-check", &payload, move |reply| {
        if PASTED.get() != n {
            return;
        }
        match reply {
            Ok(said) => crate::markup::put_from_helper(result(), &said),
            Err(why) => {
                let mut m = crate::markup::Markup::from_lit(
                    "<p class=\"verdict bad\" role=\"status\">✗ The token cannot be checked: ",
                );
                m.text(why.trim_end_matches('.'));
                m.lit(".</p>");
                crate::markup::put(result(), m);
            }
        }
    });
}
