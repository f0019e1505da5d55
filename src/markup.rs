//! The page's side of `faultline_markup`: a [`Markup`] handed to Yew as
//! one raw node ([`IntoHtml`]) or put in a box Yew does not draw into
//! ([`put`]; markup the helper worker wrote: [`put_from_helper`]), and
//! markup that never changes ([`fixed`]). This is the only place the app hands text to Yew as HTML.

pub use faultline_markup::{Markup, Text};
use yew::prelude::*;

/// A [`Markup`] as one node Yew puts in the page.
pub trait IntoHtml {
    fn into_html(self) -> Html;
}

impl IntoHtml for Markup {
    fn into_html(self) -> Html {
        Html::from_html_unchecked(AttrValue::from(self.into_string()))
    }
}

/// `markup` as the whole content of `el` (a box Yew does not draw into:
/// the explorer's output).
pub fn put(el: Option<web_sys::Element>, markup: Markup) {
    if let Some(el) = el {
        el.set_inner_html(markup.as_str());
    }
}

/// Markup the page's helper worker wrote (`crates/faultline-helper`, a
/// `Markup` there too: literals and escaped text) as the whole content
/// of `el`.
pub fn put_from_helper(el: Option<web_sys::Element>, markup: &str) {
    if let Some(el) = el {
        el.set_inner_html(markup);
    }
}

/// Markup that never changes, as one node (never replaced).
pub fn fixed(markup: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(markup))
}

/// `faultline_markup::markup!`, by its short name in the page's views.
macro_rules! markup {
    ($($t:tt)*) => {
        faultline_markup::markup!($($t)*)
    };
}

#[cfg(test)]
mod tests {
    /// Only this module hands text to Yew, or to the page, as HTML.
    #[test]
    fn only_markup_hands_text_to_yew_as_html() {
        let mut found = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if !path.ends_with("markup.rs") && {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    text.contains(concat!("from_html", "_unchecked"))
                        || text.contains(concat!("set_inner", "_html"))
                } {
                    found.push(path.display().to_string());
                }
            }
        }
        assert!(found.is_empty(), "{found:?}");
    }
}
