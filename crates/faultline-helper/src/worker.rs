//! The Web Worker's side (wasm only): every message the page posts is
//! answered with `crate::answer_with`'s reply, its progress messages
//! posted as they come, timed by the worker's clock.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(start)]
pub fn start() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(request) = e.data().as_string() {
                let tell = reply_to.clone();
                let mut progress = move |p: String| {
                    let _ = tell.post_message(&JsValue::from_str(&p));
                };
                let reply = crate::answer_with(&request, &mut progress, &js_sys::Date::now);
                let _ = reply_to.post_message(&JsValue::from_str(&reply));
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its listener.
    on_message.forget();
}
