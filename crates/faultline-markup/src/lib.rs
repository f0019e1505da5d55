//! Markup written as text, safely.
//!
//! Views that only show data are written as HTML (or SVG) text rather than
//! with `html!`: far less WebAssembly, and Yew replaces such a node only
//! when its text changes; the helper worker writes the explorer's reports
//! the same way. All of that text is built in a [`Markup`], which
//! accepts only two kinds of pieces:
//!
//! - markup known when the program was built (`&'static str`: tags,
//!   attribute names, class names, and the labs' own compiled-in words), and
//! - anything else as text, escaped (`& < > " '` become entities), so it
//!   can sit in an element's text or in a quoted attribute.
//!
//! Numbers go in as they are (they cannot hold markup). There is no way to
//! push an unescaped `String` or borrowed `&str` into a `Markup`: text a
//! learner can change (a link, a run file, a pasted token, a setting) is
//! escaped wherever a view writes it. The page hands a `Markup` to Yew as
//! HTML in one place (`src/markup.rs`).

use std::fmt::{self, Write as _};

/// HTML or SVG text: literal markup and escaped text, nothing else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markup(String);

/// `text` with `& < > " '` escaped, appended to `out`.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

impl Markup {
    pub fn new() -> Self {
        Self(String::new())
    }

    /// Markup that starts with `markup` (known when the program was built).
    pub fn from_lit(markup: &'static str) -> Self {
        Self(markup.to_string())
    }

    /// Markup known when the program was built.
    pub fn lit(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Text from anywhere, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.0, text);
        self
    }

    /// Markup built elsewhere (itself only literals and escaped text).
    pub fn markup(&mut self, other: &Markup) -> &mut Self {
        self.0.push_str(&other.0);
        self
    }

    /// Pieces formatted by [`markup!`]: each argument a [`Piece`].
    #[doc(hidden)]
    pub fn write_pieces(&mut self, args: fmt::Arguments<'_>) {
        let _ = self.0.write_fmt(args);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The markup as text (to compare, or to send from the helper).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The markup as text, to hand on.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Something a [`markup!`] template may hold: how it is written.
pub trait Piece {
    fn put(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// Compiled-in words and markup go in as they are.
impl Piece for &'static str {
    fn put(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// A `String` is text: escaped.
impl Piece for String {
    fn put(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Text(self.as_str()).put(f)
    }
}

impl Piece for Markup {
    fn put(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i32, i64, char);

/// Any text (a borrowed `&str`, or anything `Display`) as escaped text.
pub struct Text<T>(pub T);

impl<T: fmt::Display> Piece for Text<T> {
    fn put(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        let _ = write!(s, "{}", self.0);
        let mut out = String::with_capacity(s.len());
        escape_into(&mut out, &s);
        f.write_str(&out)
    }
}

/// A piece as `format_args!` takes it.
#[doc(hidden)]
pub struct Put<'a, T: Piece + ?Sized>(pub &'a T);

impl<T: Piece + ?Sized> fmt::Display for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.put(f)
    }
}

/// Append to a [`Markup`] a template (a string literal: markup known when
/// the program was built) with its `{}` filled by [`Piece`]s: numbers and
/// compiled-in words as they are, `String`s and [`Text`] escaped.
#[macro_export]
macro_rules! markup {
    ($out:expr, $fmt:literal $(, $arg:expr)* $(,)?) => {
        $out.write_pieces(format_args!($fmt $(, $crate::Put(&$arg))*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `markup!` template in the app fills its `{}` with arguments
    /// only: a `{name}` would capture a variable and write it with its
    /// own `Display`, unescaped, past the `Piece` rules.
    #[test]
    fn no_markup_template_captures_a_variable() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("src") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    walk(&path, found);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                for (i, _) in text.match_indices("markup!(") {
                    let Some(q) = text[i..].find('"') else {
                        continue;
                    };
                    let lit = &text[i + q + 1..];
                    let mut end = 0;
                    let bytes = lit.as_bytes();
                    while end < bytes.len()
                        && !(bytes[end] == b'"' && (end == 0 || bytes[end - 1] != b'\\'))
                    {
                        end += 1;
                    }
                    let template = &lit[..end];
                    let captures = template.match_indices('{').any(|(j, _)| {
                        template[j + 1..]
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_alphabetic() || c == '_')
                    });
                    if captures {
                        found.push(format!("{}: {template}", path.display()));
                    }
                }
            }
        }
        let mut found = Vec::new();
        // Every crate that writes markup: the page and its helper.
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for dir in ["src", "crates/faultline-helper/src"] {
            walk(&crates.join(dir), &mut found);
        }
        // This test's own example, and the macro's definition, are not templates.
        found.retain(|f| !f.contains("markup.rs") && !f.contains("faultline-markup"));
        assert!(
            found.is_empty(),
            "markup! templates that capture a variable: {found:#?}"
        );
    }

    const ATTACK: &str = "<img src=x onerror=alert(1)>'\"&";

    #[test]
    fn text_is_escaped_everywhere_it_goes_in() {
        let mut m = Markup::new();
        m.lit("<p title=\"").text(ATTACK).lit("\">");
        markup!(m, "{}|{}|{}</p>", Text(ATTACK), ATTACK.to_string(), 7u32);
        let s = m.as_str();
        assert!(!s.contains("<img"), "{s}");
        assert_eq!(
            s,
            "<p title=\"&lt;img src=x onerror=alert(1)&gt;&#39;&quot;&amp;\">\
             &lt;img src=x onerror=alert(1)&gt;&#39;&quot;&amp;|\
             &lt;img src=x onerror=alert(1)&gt;&#39;&quot;&amp;|7</p>"
        );
    }

    #[test]
    fn literals_numbers_and_markup_go_in_as_they_are() {
        let mut inner = Markup::new();
        inner.lit("<b>").text("a<b").lit("</b>");
        let mut m = Markup::new();
        markup!(m, "<i class=\"{}\">{}{}</i>", "x y", inner, -3i64);
        assert_eq!(m.as_str(), "<i class=\"x y\"><b>a&lt;b</b>-3</i>");
    }
}
