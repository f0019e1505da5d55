//! A panic never leaves a blank page: the hook puts an error panel on top
//! of the page with the link that reproduces the run.

/// Install the panic hook (wasm only; native tests keep the default).
pub fn install() {
    #[cfg(target_arch = "wasm32")]
    // Through Yew: its renderer replaces any hook set with std::panic::set_hook.
    yew::set_custom_panic_hook(Box::new(|info| {
        let href = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        web_sys::console::error_1(&format!("Faultline crashed: {info}").into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = doc.body() else { return };
        let Ok(panel) = doc.create_element("div") else {
            return;
        };
        panel.set_id("panic-panel");
        panel.set_class_name("panic-panel");
        let _ = panel.set_attribute("role", "alert");
        let title = doc.create_element("h2").ok();
        let text = doc.create_element("p").ok();
        let link = doc.create_element("a").ok();
        if let (Some(t), Some(p), Some(a)) = (title, text, link) {
            t.set_text_content(Some("Something went wrong inside Faultline"));
            p.set_text_content(Some(&format!(
                "This is a bug, not something you did. The link below reproduces the run you were looking at; please keep it when you report the problem. Details: {info}"
            )));
            let _ = a.set_attribute("href", &href);
            a.set_text_content(Some(&href));
            let _ = panel.append_child(&t);
            let _ = panel.append_child(&p);
            let _ = panel.append_child(&a);
        }
        let _ = body.append_child(&panel);
    }));
}

/// Panic on purpose, so the end-to-end tests can prove that a panic shows
/// the error panel. Exported to JavaScript only: no link or control of the
/// page reaches it (the tests call it with `page.evaluate`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = faultlineSelfTestPanic)]
pub fn self_test_panic() {
    panic!("self-test: this panic was requested by the end-to-end test");
}

/// Every preset's golden digest computed by this wasm build (JSON), for the
/// E2E test that checks the browser runs presets exactly as native tests do.
/// Only in the E2E test build (`FAULTLINE_E2E_HOOKS=1` sets `cfg(e2e_hooks)`,
/// build.rs; dist-e2e-hooks/): it costs 2.2 KB gzipped, and the page never
/// calls it.
#[cfg(all(target_arch = "wasm32", e2e_hooks))]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = faultlineDigests)]
pub fn digests() -> String {
    faultline_sim::digest::preset_digests_json()
}
