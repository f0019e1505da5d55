//! The embedded view (a link's `.embed`), for an iframe in a course page,
//! a blog post or a slide: the run's diagram, its playback controls and
//! its narration line, no navigation; a link opens the whole lab. And the
//! share panel's embed code: the iframe for the run on screen, with the
//! sandbox tokens it needs.

use crate::state::Action;
use yew::prelude::*;

/// The sandbox tokens the frame needs: scripts to run at all, and its own
/// origin, without which the page's WebAssembly is fetched cross-origin
/// (and refused where the server does not allow that).
pub const SANDBOX: &str = "allow-scripts allow-same-origin";

/// The link to `permalink`'s run in the embedded view (whatever view the
/// link names now).
pub fn embed_link(permalink: &str) -> String {
    let base = [".projector", ".embed"]
        .iter()
        .find_map(|v| permalink.strip_suffix(v))
        .unwrap_or(permalink);
    format!("{base}.embed")
}

/// The link to the same run in the whole lab (the normal view).
pub fn full_link(permalink: &str) -> &str {
    permalink.strip_suffix(".embed").unwrap_or(permalink)
}

/// The iframe that embeds the run at `permalink`.
pub fn embed_code(permalink: &str, title: &str) -> String {
    format!(
        "<iframe src=\"{}\" title=\"Faultline: {}\" width=\"720\" height=\"560\" sandbox=\"{SANDBOX}\" loading=\"lazy\"></iframe>",
        embed_link(permalink),
        title.replace('"', "&quot;")
    )
}

/// The share panel's row: the embed code, and a button that copies it.
pub fn embed_row(permalink: &str, title: &str, on: &Callback<Action>) -> Html {
    let code = embed_code(permalink, title);
    let copy = {
        let (code, on) = (code.clone(), on.clone());
        Callback::from(move |_| {
            let (code, on) = (code.clone(), on.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = if crate::browser::copy(code).await {
                    format!("Embed code copied. Paste it into your page; the frame needs sandbox=\"{SANDBOX}\" (without allow-same-origin the page cannot load).")
                } else {
                    "The browser did not allow copying; select the embed code in its box and copy it yourself.".to_string()
                };
                on.emit(Action::Notify(crate::state::Notice {
                    text,
                    is_error: false,
                }));
            });
        })
    };
    html! {
        <div class="share-row">
            <label for="embed-code">{ "Embed this run" }</label>
            <input id="embed-code" type="text" readonly=true value={code} />
            <button id="copy-embed" onclick={copy}>{ "Copy embed code" }</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embed_link_names_the_embedded_view_once() {
        let base = "https://x.github.io/faultline/payments/#v1.abc.4";
        assert_eq!(embed_link(base), format!("{base}.embed"));
        assert_eq!(
            embed_link(&format!("{base}.projector")),
            format!("{base}.embed")
        );
        assert_eq!(
            embed_link(&format!("{base}.embed")),
            format!("{base}.embed")
        );
        assert_eq!(full_link(&format!("{base}.embed")), base);
        let code = embed_code(base, "Payments \"retries\"");
        assert!(
            code.contains("sandbox=\"allow-scripts allow-same-origin\""),
            "{code}"
        );
        assert!(
            code.contains("title=\"Faultline: Payments &quot;retries&quot;\""),
            "{code}"
        );
        assert!(code.contains(&format!("src=\"{base}.embed\"")), "{code}");
    }
}
