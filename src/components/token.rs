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
/// for again.
pub fn follow(run: &Rc<Run>, step: u32) {
    AT.set(Some((run.clone(), step)));
    if OPENED.get() {
        load(None);
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

#[derive(Properties)]
pub struct PasteProps {
    /// The run on screen: a pasted token is checked with its keys, again
    /// when it changes.
    pub run: Rc<Run>,
}

impl PartialEq for PasteProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run)
    }
}

/// A box for any token: paste it, see it decoded and checked by the
/// helper with the keys of the run on screen (checked again when the run
/// changes). Anything that is not a token gets a sentence saying so,
/// never a panic.
#[component]
pub fn PasteToken(p: &PasteProps) -> Html {
    let text = use_state(String::new);
    let result = NodeRef::default();
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(input.value());
        })
    };
    {
        let (result, run) = (result.clone(), p.run.clone());
        use_effect_with(
            (Rc::as_ptr(&p.run) as usize, (*text).clone()),
            move |(_, text)| check_pasted(&run, text, result),
        );
    }
    html! {
        <details class="paste-token">
            <summary>{ "Check a token yourself" }</summary>
            <label for="paste-token">{ "Paste a token (copy one from a message, change a character, paste it back):" }</label>
            <textarea id="paste-token" rows="3" spellcheck="false" {oninput} />
            <div ref={result}></div>
        </details>
    }
}

/// Ask the helper to check `text` with `run`'s keys and put its verdict in
/// `result` (only the last one asked is shown).
fn check_pasted(run: &Run, text: &str, result: NodeRef) {
    let n = PASTED.get().wrapping_add(1);
    PASTED.set(n);
    if text.trim().is_empty() {
        crate::markup::put(
            result.cast::<web_sys::Element>(),
            crate::markup::Markup::new(),
        );
        return;
    }
    let payload = format!("{}\n{text}", permalink::encode(&run.scenario, 0));
    crate::helper::ask("token-check", &payload, move |reply| {
        if PASTED.get() != n {
            return;
        }
        let el = result.cast::<web_sys::Element>();
        match reply {
            Ok(said) => crate::markup::put_from_helper(el, &said),
            Err(why) => {
                let mut m = crate::markup::Markup::from_lit(
                    "<p class=\"verdict bad\" role=\"status\">✗ The token cannot be checked: ",
                );
                m.text(why.trim_end_matches('.'));
                m.lit(".</p>");
                crate::markup::put(el, m);
            }
        }
    });
}
