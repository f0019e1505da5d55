//! The presenter's queue on the page: while a link holds one, a bar that
//! says where the class is in it and moves through it (PageDown and
//! PageUp, or its buttons); and, with the share panel, the queue being
//! assembled: each item, a way to add what is on screen or any link of
//! any lab, and the queue's link to copy. Written as text with one
//! listener for each part's buttons (`raw.rs`).

use super::raw::{attr_of, raw, refocus};
use crate::markup::Markup;
use crate::state::Action;
use faultline_sim::queue::{item_lab, Queue};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What an item is, in a few words: its lab, then what its link names
/// (a preset, a lesson and step, a comparison, a step), or "a run".
pub fn describe(item: &str) -> String {
    let mut out = item_lab(item).unwrap_or_default();
    if !item.starts_with("lab=") {
        out.push_str(if item.starts_with("vs") {
            ": two runs compared"
        } else {
            ": a run"
        });
        return out;
    }
    for kv in item.split('&').skip(1) {
        if let Some((k, v)) = kv.split_once('=') {
            out.push_str(if out.contains(':') { ", " } else { ": " });
            match k {
                // A lesson's steps count from 0 in its link, from 1 on screen.
                "ls" => out.push_str(&format!(
                    "lesson step {}",
                    v.parse::<u32>().map_or(0, |n| n + 1)
                )),
                "step" => out.push_str(&format!("step {v}")),
                _ => out.push_str(v),
            }
        }
    }
    out
}

/// The bar shown while the page is in a queue.
pub fn queue_bar(queue: &Rc<Queue>) -> Html {
    let q = queue.clone();
    let onclick = Callback::from(
        move |e: MouseEvent| match attr_of(&e, "data-act").as_deref() {
            Some("prev") if q.at > 0 => crate::presenter::go(&q, q.at - 1),
            Some("next") => crate::presenter::go(&q, q.at + 1),
            _ => {}
        },
    );
    let mut m = Markup::new();
    markup!(
        m,
        "<span id=\"queue-where\">Queue: {} of {}</span> <span class=\"hint\">{}</span> <button id=\"queue-prev\" data-act=\"prev\"{}>◀ Previous</button> <button id=\"queue-next\" data-act=\"next\"{}>Next ▶</button> <span class=\"hint\">PageUp / PageDown</span>",
        queue.at + 1,
        queue.items.len(),
        describe(&queue.items[queue.at]),
        if queue.at == 0 { " disabled" } else { "" },
        if queue.at + 1 == queue.items.len() { " disabled" } else { "" }
    );
    html! {
        <nav class="queue-bar" id="queue-bar" aria-label="Presenter's queue" {onclick}>{ raw(m) }</nav>
    }
}

/// What the queue panel needs.
#[derive(Clone)]
pub struct Props {
    pub queue: Option<Rc<Queue>>,
    /// The page's address for what is on screen (its hash: the run's link).
    pub permalink: String,
    pub on: Callback<Action>,
}

/// The queue's own address, at item `at`.
fn queue_url(q: &Queue, at: usize) -> String {
    crate::browser::url_with_hash(&q.hash_at(at).unwrap_or_default())
}

/// The text of the field to add a link from.
fn field_text() -> String {
    gloo::utils::document()
        .get_element_by_id("queue-link")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| {
            let v = i.value();
            i.set_value("");
            v
        })
        .unwrap_or_default()
}

fn act(what: &str, p: &Props) {
    let on = &p.on;
    let (verb, arg) = what.split_once(':').unwrap_or((what, ""));
    match verb {
        "add" => on.emit(Action::QueueAdd(p.permalink.clone())),
        "add-link" => on.emit(Action::QueueAdd(field_text())),
        "remove" => {
            if let Ok(n) = arg.parse() {
                on.emit(Action::QueueRemove(n));
                refocus("#queue-add".into());
            }
        }
        "present" => {
            if let Some(q) = &p.queue {
                crate::presenter::present(q, on);
            }
        }
        "copy" => {
            if let Some(q) = &p.queue {
                crate::share::copy_and_say(
                    queue_url(q, 0),
                    "The queue's link is copied: it opens the queue at its first item.",
                    "The browser did not allow copying; select the queue's link in its box and copy it yourself.",
                    on.clone(),
                );
            }
        }
        _ => {}
    }
}

/// The queue being assembled.
pub fn queue_panel(p: Props) -> Html {
    let mut m = Markup::new();
    body(&mut m, &p);
    let onclick = Callback::from(move |e: MouseEvent| {
        if let Some(what) = attr_of(&e, "data-act") {
            act(&what, &p);
        }
    });
    html! {
        <section class="panel queue" id="queue-panel" aria-labelledby="queue-h" {onclick}>{ raw(m) }</section>
    }
}

/// The panel's text: each item, the queue's link, the ways to add.
fn body(m: &mut Markup, p: &Props) {
    m.lit("<h2 id=\"queue-h\">Presenter's queue</h2><p class=\"hint\">Scenarios to show a class, in order, from any lab: add what is on screen, or paste a link from any lab's page. The queue lives in its link; in it, PageDown and PageUp (a clicker's keys) move from one to the next.</p>");
    if let Some(q) = &p.queue {
        m.lit("<ol id=\"queue-items\">");
        for (i, item) in q.items.iter().enumerate() {
            markup!(
                m,
                "<li>{} <button data-act=\"remove:{}\" aria-label=\"Remove item {} from the queue\">Remove</button></li>",
                describe(item),
                i,
                i + 1
            );
        }
        m.lit("</ol><div class=\"share-row\"><label for=\"queue-url\">The queue's link</label><input id=\"queue-url\" type=\"text\" readonly value=\"");
        m.text(&queue_url(q, 0));
        m.lit("\"><button id=\"queue-copy\" data-act=\"copy\">Copy the queue's link</button><button id=\"queue-present\" class=\"primary\" data-act=\"present\">Present from the first item</button></div>");
    }
    m.lit("<div class=\"share-row\"><button id=\"queue-add\" data-act=\"add\">Add this step to the queue</button><label for=\"queue-link\">Or a link</label><input id=\"queue-link\" type=\"text\" placeholder=\"Paste a Faultline link\"><button id=\"queue-add-link\" data-act=\"add-link\">Add the link</button></div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_described_by_its_lab_and_what_it_opens() {
        assert_eq!(
            describe("lab=payments&preset=key-expired&step=4"),
            "payments: key-expired, step 4"
        );
        assert_eq!(
            describe("lab=oauth&lesson=delegation&ls=2"),
            "oauth: delegation, lesson step 3"
        );
        let s = faultline_sim::preset("sagas", "2pc-coordinator-crash").unwrap();
        let full = faultline_sim::permalink::encode(&s, 10);
        assert_eq!(describe(&full), "sagas: a run");
    }
}
