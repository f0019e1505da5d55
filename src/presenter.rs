//! The presenter's queue in the page: its reducer (a link added, an item
//! taken out, the queue a link holds) and moving through it, which is
//! navigation: an item of this page's lab opens by changing the hash (the
//! route reads it), one of another lab by going to that lab's page
//! through the landing page, with the queue in the link. Browsers end
//! fullscreen when a page is left: it is asked for again on the next key
//! press (`refullscreen`), since only a gesture may ask.

use crate::state::{Action, AppState, Notice};
use faultline_sim::queue::{item_lab, Queue};
use std::rc::Rc;

/// Where the page keeps, across one navigation, that it was fullscreen,
/// and that it was in the projector view.
const FULLSCREEN_KEY: &str = "faultline.fullscreen";
const PROJECTOR_KEY: &str = "faultline.projector";

impl AppState {
    /// Queue actions.
    pub(crate) fn queueing(mut self, action: Action) -> Self {
        match action {
            Action::SetQueue(q) => self.queue = q,
            Action::QueueAdd(text) => {
                // A whole address or only its hash.
                let link = text.trim();
                let link = link.split_once('#').map_or(link, |(_, h)| h);
                match item_lab(link) {
                    Ok(_) => {
                        let mut q = self.queue.as_deref().cloned().unwrap_or(Queue {
                            items: Vec::new(),
                            at: 0,
                        });
                        if q.items.len() < faultline_sim::queue::MAX_ITEMS {
                            q.items.push(link.to_string());
                            self.queue = Some(Rc::new(q));
                        } else {
                            self.notice = Some(Notice {
                                text: format!(
                                    "The queue is full: it holds {} items at most.",
                                    faultline_sim::queue::MAX_ITEMS
                                ),
                                is_error: true,
                            });
                        }
                    }
                    Err(why) => {
                        self.notice = Some(Notice {
                            text: format!("That cannot go in the queue: it {why}."),
                            is_error: true,
                        })
                    }
                }
            }
            Action::QueueRemove(n) => {
                if let Some(q) = self.queue.as_deref() {
                    let mut q = q.clone();
                    if n < q.items.len() {
                        q.items.remove(n);
                        // The item on screen keeps its place.
                        if n < q.at {
                            q.at -= 1;
                        }
                    }
                    q.at = q.at.min(q.items.len().saturating_sub(1));
                    self.queue = (!q.items.is_empty()).then(|| Rc::new(q));
                }
            }
            _ => {}
        }
        self
    }
}

/// Show item `at` of the queue (nothing past either end).
pub fn go(queue: &Queue, at: usize) {
    let Some(hash) = queue.hash_at(at) else {
        return;
    };
    // The item's link, not the one waiting to be written for what is on
    // screen now, is the page's next address.
    crate::browser::cancel_hash_write();
    let location = gloo::utils::window().location();
    let here = queue.items.get(at).and_then(|i| item_lab(i).ok());
    if here.is_some_and(|lab| faultline_sim::lab(&lab).is_some()) {
        let _ = location.set_hash(&hash);
    } else {
        let doc = gloo::utils::document();
        if let Some(s) = session() {
            if doc.fullscreen_element().is_some() {
                let _ = s.set_item(FULLSCREEN_KEY, "1");
            }
            let projector = doc.query_selector("main.projector").ok().flatten();
            if projector.is_some() {
                let _ = s.set_item(PROJECTOR_KEY, "1");
            }
        }
        // The landing page knows every lab's page and sends it on.
        let _ = location.assign(&format!("../#{hash}"));
    }
}

fn session() -> Option<web_sys::Storage> {
    gloo::utils::window().session_storage().ok().flatten()
}

/// Present the queue from its first item: fullscreen and the projector
/// view (carried to the item, which the route opens: a state change of
/// its own here would rewrite the hash before the route reads it).
pub fn present(queue: &Queue, on: &yew::Callback<Action>) {
    fullscreen();
    if crate::browser::read_hash() == queue.hash_at(0).unwrap_or_default() {
        // The first item is on screen as its link names it.
        return on.emit(Action::SetProjector(true));
    }
    if let Some(s) = session() {
        let _ = s.set_item(PROJECTOR_KEY, "1");
        // Fullscreen is granted later: carry the wish, in case the first
        // item is on another lab's page.
        let _ = s.set_item(FULLSCREEN_KEY, "1");
    }
    go(queue, 0);
}

/// Fill the screen with the page (from a click or key press).
pub fn fullscreen() {
    if let Some(html) = gloo::utils::document().document_element() {
        let _ = html.request_fullscreen();
    }
}

/// The page before this one (another lab's, in the same queue) was in
/// the projector view. Kept until the page's state is made
/// (`forget_carried`): the link is read more than once before that.
pub fn carried_projector() -> bool {
    session().is_some_and(|s| s.get_item(PROJECTOR_KEY).ok().flatten().is_some())
}

/// The page has started: what the page before carried over is used.
pub fn forget_carried() {
    if let Some(s) = session() {
        let _ = s.remove_item(PROJECTOR_KEY);
    }
}

/// The page was fullscreen before the queue moved to another lab's page:
/// ask again, now that a key was pressed.
pub fn refullscreen() {
    if let Some(s) = session() {
        if s.get_item(FULLSCREEN_KEY).ok().flatten().is_some() {
            let _ = s.remove_item(FULLSCREEN_KEY);
            fullscreen();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yew::Reducible;

    fn link(preset: &str) -> String {
        format!("lab=payments&preset={preset}")
    }

    #[test]
    fn links_are_added_checked_and_taken_out() {
        let s = Rc::new(AppState::new())
            .reduce(Action::QueueAdd(link("happy-path")))
            .reduce(Action::QueueAdd(
                "https://example.org/faultline/oauth/#lab=oauth&lesson=delegation&ls=1".into(),
            ));
        let q = s.queue.clone().expect("a queue");
        assert_eq!(
            q.items,
            [
                link("happy-path"),
                "lab=oauth&lesson=delegation&ls=1".into()
            ]
        );
        assert_eq!(q.at, 0);
        // Not a link: refused with a reason, the queue as it was.
        let refused = s.clone().reduce(Action::QueueAdd("hello".into()));
        assert!(refused
            .notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("That cannot go in the queue"));
        assert_eq!(refused.queue, s.queue);
        // Taking out an item before the one on screen keeps that one.
        let showing_c = Rc::new(AppState {
            queue: Some(Rc::new(Queue {
                items: ["a", "b", "c", "d"].map(link).to_vec(),
                at: 2,
            })),
            ..AppState::new()
        })
        .reduce(Action::QueueRemove(0));
        let q = showing_c.queue.as_ref().unwrap();
        assert_eq!((q.at, q.items[q.at].as_str()), (1, link("c").as_str()));
        let one = s.reduce(Action::QueueRemove(0));
        assert_eq!(one.queue.as_ref().unwrap().items.len(), 1);
        let none = one.reduce(Action::QueueRemove(0));
        assert_eq!(none.queue, None, "an empty queue is no queue");
    }
}
