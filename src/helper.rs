//! The page's helper worker (`crates/faultline-helper`): work the page
//! needs only after the learner acts (a link's QR code, writing a run
//! file, reading one back), done in a Web Worker whose WebAssembly is
//! fetched on first use, so it is not in the page's first load.
//!
//! `ask(op, payload, done)` posts one request and calls `done` with the
//! reply, or with a sentence for the learner when the helper cannot
//! answer (its files missing, the browser refusing a worker, a crash):
//! the page then says so and keeps working. `ask_long` is for the
//! explorer's work, which may take minutes: its progress messages go to
//! a callback (with any result complete so far: `"<id>\npartial\n…"`),
//! it is never given up on, and `stop` ends it (and its
//! worker: the next long request starts a new one). Long requests have a
//! worker of their own, so quick ones never wait behind them: the
//! explorer's helper (`data-explorer`, built for speed), beside the quick
//! one (`data-helper`, built for size). The build names the helper's
//! script on the page's `<html data-helper>` (`scripts/helper.sh`).

use gloo::events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

type Done = Box<dyn FnOnce(Result<String, String>)>;

/// What a long request tells before its answer.
#[cfg(feature = "explorer")]
pub enum Told {
    /// Done so far, out of how many (0: not known), and the helper's
    /// sentence for it.
    Progress {
        done: u64,
        of: u64,
        sentence: String,
    },
    /// A result complete as far as it goes (a search of fewer faults than
    /// asked), to show if the learner stops the work.
    SoFar(String),
}

/// A long request's callback for what it tells ([`Told`]).
#[cfg(feature = "explorer")]
pub type OnProgress = Rc<dyn Fn(Told)>;
#[cfg(not(feature = "explorer"))]
pub type OnProgress = Rc<dyn Fn()>;

/// Requests sent and not answered yet, by id, with their progress
/// callback (long requests).
type Pending = Rc<RefCell<Vec<(u32, Done, Option<OnProgress>)>>>;

struct Helper {
    worker: web_sys::Worker,
    pending: Pending,
    /// The worker failed (an error event): the next request starts a new one.
    broken: Rc<Cell<bool>>,
    next: u32,
    _listeners: [EventListener; 2],
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

thread_local! {
    /// The helper for quick requests, and the one for long ones (the
    /// explorer's): a search that runs for minutes never holds up a token
    /// card or a comparison's summary, and stopping it stops nothing else.
    static HELPERS: RefCell<[Option<Helper>; 2]> = const { RefCell::new([None, None]) };
}

/// Which of [`HELPERS`] a request goes to.
const QUICK: usize = 0;
#[cfg(feature = "explorer")]
const LONG: usize = 1;

const STOPPED: &str =
    "the page's helper stopped (its files may be missing or out of date: reload the page)";
const SILENT: &str = "the page's helper did not answer within a minute (try again)";
/// How long a request may wait for its answer (a long run's file takes
/// seconds to write, not a minute).
const GIVE_UP_MS: u32 = 60_000;

/// The attribute of the page's `<html>` that names each helper's script:
/// the quick one (built for size), the explorer's (built for speed).
const NAMED_ON: [&str; 2] = ["data-helper", "data-explorer"];

/// Start the worker the page names (`which` of [`NAMED_ON`]).
fn start(which: usize) -> Result<Helper, String> {
    let url = gloo::utils::document()
        .document_element()
        .and_then(|html| html.get_attribute(NAMED_ON[which]))
        .ok_or("this page was built without its helper")?;
    let worker = web_sys::Worker::new(&url)
        .map_err(|_| "the browser would not start the page's helper".to_string())?;
    let pending: Pending = Rc::default();
    let broken = Rc::new(Cell::new(false));
    let answered = pending.clone();
    let on_message = EventListener::new(&worker, "message", move |e| reply_heard(&answered, e));
    let (failed, broke) = (pending.clone(), broken.clone());
    let on_error = EventListener::new(&worker, "error", move |_| {
        broke.set(true);
        let all: Vec<_> = failed.borrow_mut().drain(..).collect();
        for (_, done, _) in all {
            done(Err(STOPPED.to_string()));
        }
    });
    Ok(Helper {
        worker,
        pending,
        broken,
        next: 0,
        _listeners: [on_message, on_error],
    })
}

/// A message from the worker (`e`): a request's progress to its callback,
/// or its answer to its `done` (the request then no longer pending).
fn reply_heard(answered: &Pending, e: &web_sys::Event) {
    let Some(reply) = e
        .dyn_ref::<web_sys::MessageEvent>()
        .and_then(|m| m.data().as_string())
    else {
        return;
    };
    let mut parts = reply.splitn(3, '\n');
    let id = parts.next().and_then(|id| id.parse::<u32>().ok());
    let status = parts.next();
    let ok = status == Some("ok");
    let body = parts.next().unwrap_or_default().to_string();
    #[cfg(feature = "explorer")]
    if status == Some("progress") || status == Some("partial") {
        // "<done>\n<of>\n<sentence>", or a result so far, to the
        // request's callback.
        let told = answered
            .borrow()
            .iter()
            .find(|(i, _, _)| Some(*i) == id)
            .and_then(|(_, _, p)| p.clone());
        let Some(told) = told else { return };
        if status == Some("partial") {
            return told(Told::SoFar(body));
        }
        let mut p = body.splitn(3, '\n');
        let mut number = || p.next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
        let (done, of) = (number(), number());
        told(Told::Progress {
            done,
            of,
            sentence: p.next().unwrap_or_default().to_string(),
        });
        return;
    }
    let done = {
        let mut p = answered.borrow_mut();
        p.iter()
            .position(|(i, _, _)| Some(*i) == id)
            .map(|k| p.remove(k).1)
    };
    if let Some(done) = done {
        done(if ok { Ok(body) } else { Err(body) });
    }
}

/// Ask the helper to do `op` with `payload`; `done` gets its answer.
pub fn ask(op: &str, payload: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    send(QUICK, op, payload, None, Box::new(done));
}

#[cfg(feature = "explorer")]
/// [`ask`] the explorer's helper (its panel's form).
pub fn ask_explorer(op: &str, payload: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    send(LONG, op, payload, None, Box::new(done));
}

#[cfg(feature = "explorer")]
/// [`ask`] for work that may take minutes: `progress` hears how far it
/// is (and any result so far), and it waits as long as it takes (the
/// learner can [`stop`] it).
pub fn ask_long(
    op: &str,
    payload: &str,
    progress: OnProgress,
    done: impl FnOnce(Result<String, String>) + 'static,
) {
    send(LONG, op, payload, Some(progress), Box::new(done));
}

#[cfg(feature = "explorer")]
/// What `done` hears when the learner stopped the work.
pub const STOPPED_BY_LEARNER: &str = "Stopped.";

#[cfg(feature = "explorer")]
/// End the helper and whatever it is doing (each request waiting hears
/// [`STOPPED_BY_LEARNER`]); the next request starts a new helper.
pub fn stop() {
    let stopped = HELPERS.with(|cell| cell.borrow_mut()[LONG].take());
    if let Some(helper) = stopped {
        let all: Vec<_> = helper.pending.borrow_mut().drain(..).collect();
        drop(helper);
        for (_, done, _) in all {
            done(Err(STOPPED_BY_LEARNER.to_string()));
        }
    }
}

/// Send a request to helper `which` (of [`HELPERS`]).
fn send(which: usize, op: &str, payload: &str, progress: Option<OnProgress>, done: Done) {
    let request = HELPERS.with(|cell| {
        let mut helpers = cell.borrow_mut();
        let slot = &mut helpers[which];
        if slot.as_ref().is_some_and(|h| h.broken.get()) {
            *slot = None;
        }
        if slot.is_none() {
            *slot = Some(start(which)?);
        }
        let helper = slot.as_mut().expect("started above");
        helper.next += 1;
        let id = helper.next;
        let text = format!("{id}\n{op}\n{payload}");
        helper
            .worker
            .post_message(&JsValue::from_str(&text))
            .map_err(|_| STOPPED.to_string())?;
        Ok((id, helper.pending.clone(), helper.broken.clone()))
    });
    match request {
        Ok((id, pending, broken)) => {
            let long = progress.is_some();
            pending.borrow_mut().push((id, done, progress));
            if long {
                return;
            }
            // A helper that never answers (a fetch that hangs, no error
            // event) is given up on: the request says so, and the next
            // one starts a new helper.
            gloo::timers::callback::Timeout::new(GIVE_UP_MS, move || {
                let late = {
                    let mut p = pending.borrow_mut();
                    p.iter()
                        .position(|(i, _, _)| *i == id)
                        .map(|k| p.remove(k).1)
                };
                if let Some(done) = late {
                    broken.set(true);
                    done(Err(SILENT.to_string()));
                }
            })
            .forget();
        }
        Err(why) => done(Err(why)),
    }
}
