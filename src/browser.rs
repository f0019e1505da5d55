//! Everything that touches the browser beyond rendering: the URL hash,
//! the clipboard, downloads and file import. Each failure becomes a
//! message for the learner, never a panic.

use faultline_sim::permalink;
use wasm_bindgen::JsCast;

/// The current hash without `#`.
pub fn read_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// The page URL with `hash` as its fragment.
pub fn url_with_hash(hash: &str) -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    if hash.is_empty() {
        base.to_string()
    } else {
        format!("{base}#{hash}")
    }
}

/// Replace the hash without adding a history entry or firing hashchange.
pub fn write_hash(hash: &str) {
    if read_hash() == hash {
        return;
    }
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let url = if hash.is_empty() {
                url_with_hash("")
            } else {
                format!("#{hash}")
            };
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

thread_local! {
    /// The link waiting to be written (`write_hash_soon`), if any (one
    /// page, one address bar).
    static HASH_WAITING: std::cell::RefCell<Option<gloo::timers::callback::Timeout>> =
        const { std::cell::RefCell::new(None) };
}

/// Write `hash` ([`write_hash`]) in `ms`, unless another call or a
/// navigation comes first (`None`: only cancel the one waiting).
pub fn write_hash_soon(hash: Option<String>, ms: u32) {
    let write = hash.map(|hash| {
        // Boxed, the timer shares its code with the first run's.
        let write: Box<dyn FnOnce()> = Box::new(move || write_hash(&hash));
        gloo::timers::callback::Timeout::new(ms, write)
    });
    // A new link cancels the one waiting (dropping its timeout).
    HASH_WAITING.with(|w| *w.borrow_mut() = write);
}

/// The page goes elsewhere (its own move through a queue, or a link the
/// learner followed): the link of what was on screen must not be written
/// over the new address.
pub fn cancel_hash_write() {
    write_hash_soon(None, 0);
}

/// Copy text; resolves to false when the browser refuses.
pub async fn copy(text: String) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let promise = w.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Offer `content` as a file download.
pub fn download(name: &str, mime: &str, content: &str) -> Result<(), String> {
    let fail = |_| "the browser refused to create the file".to_string();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The part of the sequence diagram the page shows in its scroll box, as
/// (top, bottom) in the diagram's own units, given its viewBox's top and
/// height. (Not read back from the viewBox: parsing a float would bring
/// the float parser's tables into the WebAssembly.)
pub fn diagram_in_view(top: f64, view_h: f64) -> Option<(f64, f64)> {
    let doc = web_sys::window()?.document()?;
    let scroll = doc
        .get_element_by_id("diagram-scroll")?
        .get_bounding_client_rect();
    let shown = doc
        .get_element_by_id("sequence")?
        .get_bounding_client_rect();
    let scale = view_h / shown.height().max(1.0);
    let from = top + (scroll.top() - shown.top()) * scale;
    Some((from, from + scroll.height() * scale))
}

/// The diagram's SVG markup, standalone.
pub fn diagram_svg() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let shown = doc.get_element_by_id("sequence")?;
    // The page shows the body without its title strip; export all of it.
    let svg: web_sys::Element = shown.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    for (attr, full) in [
        ("viewBox", "data-full-view"),
        ("height", "data-full-height"),
    ] {
        if let Some(v) = shown.get_attribute(full) {
            let _ = svg.set_attribute(attr, &v);
        }
    }
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        crate::export::standalone_svg(&svg.outer_html())
    ))
}

/// How many taps on Play the static shell kept before the app started
/// (`<html data-taps="play play">`, written by the lab page's head
/// script); they are cleared, so each is played once.
pub fn take_shell_taps() -> usize {
    let Some(html) = gloo::utils::document().document_element() else {
        return 0;
    };
    let taps = html.get_attribute("data-taps").unwrap_or_default();
    let _ = html.remove_attribute("data-taps");
    taps.split_whitespace().filter(|t| *t == "play").count()
}

/// When the hash links to a run of a lab this page does not have (a link
/// to the old single page, or to another lab's page), send the browser to
/// the landing page with the same hash: its script opens that lab's page,
/// or says there is no such lab. True when it did. Only the lab the link
/// names first decides (the landing page's script reads the same one), so
/// a link that mixes labs stays here and is refused with a message rather
/// than sent back and forth.
pub fn forward_to_its_page() -> bool {
    let hash = read_hash();
    let (link, _) = faultline_sim::queue::Queue::split(&hash);
    #[cfg(feature = "explorer")]
    let (link, _) = faultline_sim::explore_link::ExploreAsk::split(link);
    let elsewhere = permalink::lab_of(link).is_some_and(|lab| faultline_sim::lab(&lab).is_none());
    elsewhere
        && gloo::utils::window()
            .location()
            .replace(&format!("../#{hash}"))
            .is_ok()
}

/// The text of a file beside the page (`url` relative to it).
pub async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let offline = || "it could not be fetched (is the network down?)".to_string();
    let window = web_sys::window().ok_or_else(offline)?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| offline())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| offline())?;
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let text = response.text().map_err(|_| offline())?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(offline)
}

/// Open the hash (a full or short link), or say why not; `None` for the
/// page's default run.
pub fn open_hash(hash: &str) -> Option<Result<permalink::Opened, String>> {
    if hash.is_empty() || hash == "labs" {
        return None;
    }
    Some(permalink::open(hash).map_err(|e| e.to_string()))
}

/// Watch elements scroll into and out of view (within `margin` px of the
/// viewport): `on(id, visible)` for each change. Watching stops when the
/// returned observer is disconnected; `None` where the browser has no
/// `IntersectionObserver` (everything then counts as in view).
pub fn watch_in_view(
    ids: &[&str],
    margin: u32,
    on: impl Fn(&str, bool) + 'static,
) -> Option<web_sys::IntersectionObserver> {
    use wasm_bindgen::closure::Closure;
    let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            let entry: web_sys::IntersectionObserverEntry = entry.unchecked_into();
            on(&entry.target().id(), entry.is_intersecting());
        }
    });
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin(&format!("{margin}px 0px"));
    let observer =
        web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init)
            .ok()?;
    // The observer calls back for as long as the page lives.
    callback.forget();
    let doc = gloo::utils::document();
    for id in ids {
        if let Some(el) = doc.get_element_by_id(id) {
            observer.observe(&el);
        }
    }
    Some(observer)
}

/// Where the learner's progress is kept (local storage, one record for
/// every lab page of the origin), and where an unreadable one is set
/// aside rather than erased.
const PROGRESS_KEY: &str = "faultline.progress";
const PROGRESS_SET_ASIDE: &str = "faultline.progress.unreadable";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The progress kept in this browser, and a message when what was kept
/// cannot be read (then the page starts clean, and the old record is kept
/// under another key).
pub fn stored_progress() -> (faultline_sim::progress::Progress, Option<String>) {
    use faultline_sim::progress::Progress;
    let Some(text) = storage().and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten()) else {
        return (Progress::default(), None);
    };
    match Progress::parse(&text) {
        Ok(p) => (p, None),
        Err(e) => {
            let kept = storage().and_then(|s| set_aside(&s, &text));
            let why = match kept {
                Some(key) => format!("Your saved progress could not be read: {e}. The page starts with no progress; the old record is kept aside in this browser's storage as \"{key}\"."),
                None => format!("Your saved progress could not be read: {e}. The page starts with no progress; the old record stays stored until you make new progress (export that first if you need it)."),
            };
            (Progress::default(), Some(why))
        }
    }
}

/// Keep an unreadable record under a key of its own (one already set
/// aside is not overwritten: the next free of `PROGRESS_SET_ASIDE`, `.1`
/// … `.9`); the key, or `None` when the browser would not store it.
fn set_aside(s: &web_sys::Storage, text: &str) -> Option<String> {
    (0..10).find_map(|n| {
        let key = match n {
            0 => PROGRESS_SET_ASIDE.to_string(),
            n => format!("{PROGRESS_SET_ASIDE}.{n}"),
        };
        match s.get_item(&key).ok()? {
            Some(old) if old == text => Some(key),
            Some(_) => None,
            None => s.set_item(&key, text).ok().map(|_| key),
        }
    })
}

/// The progress another tab of the site just kept, from its `storage`
/// event (none for any other key, or a record that cannot be read).
pub fn progress_stored_by_another_tab(
    e: &web_sys::Event,
) -> Option<faultline_sim::progress::Progress> {
    let e = e.dyn_ref::<web_sys::StorageEvent>()?;
    if e.key().as_deref() != Some(PROGRESS_KEY) {
        return None;
    }
    faultline_sim::progress::Progress::parse(&e.new_value()?).ok()
}

/// Keep the learner's progress in this browser.
pub fn store_progress(progress: &faultline_sim::progress::Progress) -> Result<(), String> {
    let s = storage().ok_or("this browser keeps no local storage for the page")?;
    s.set_item(PROGRESS_KEY, &progress.to_json())
        .map_err(|_| "this browser refused to store it (storage full or turned off)".to_string())
}
