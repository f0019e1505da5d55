//! The projector view's QR code of the link to what is on screen, so
//! students open the same run at the same step on their phones. Encoded
//! with `qrcodegen` and drawn as one SVG path of its dark modules, only
//! while shown.

use crate::markup::Markup;
use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

/// Modules of light margin around the code (the standard's quiet zone).
const QUIET: i32 = 4;

/// The QR code of `text` as SVG markup (nothing if it is too long to
/// encode, which a link never is).
pub fn qr_svg(text: &str) -> Markup {
    let mut svg = Markup::new();
    // Bytes, not text: a link is byte mode anyway (it has lower-case
    // letters), and the text encoder's mode analysis costs wasm.
    let Ok(code) = QrCode::encode_binary(text.as_bytes(), QrCodeEcc::Medium) else {
        return svg;
    };
    let n = code.size() + 2 * QUIET;
    markup!(
        svg,
        "<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"QR code of the link to this step\" shape-rendering=\"crispEdges\"><rect width=\"{}\" height=\"{}\" fill=\"#fff\"></rect><path fill=\"#000\" d=\"",
        n,
        n,
        n * 6,
        n * 6,
        n,
        n
    );
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                markup!(svg, "M{} {}h1v1h-1z", x + QUIET, y + QUIET);
            }
        }
    }
    svg.lit("\"></path></svg>");
    svg
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The link to what is on screen.
    pub link: AttrValue,
}

/// A button that shows or hides the QR code of the link (drawn only
/// while shown, again when the link changes).
#[component]
pub fn QrPanel(p: &Props) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let code = open.then(|| {
        let mut caption = Markup::from_lit(
            "<figcaption>Scan to open this run at this step on your phone: <code class=\"wrap\">",
        );
        caption.text(&p.link);
        caption.lit("</code></figcaption>");
        html! {
            <figure id="qr" class="qr">
                { qr_svg(&p.link).into_html() }
                { caption.into_html() }
            </figure>
        }
    });
    html! {
        <>
            <button id="qr-button" aria-expanded={open.to_string()} aria-controls="qr" onclick={toggle}>
                { if *open { "Hide QR code" } else { "QR code for phones" } }
            </button>
            { for code }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One square per dark module, inside a quiet zone of four modules;
    /// the link is in no attribute or text of the drawing.
    #[test]
    fn the_drawing_has_a_square_per_dark_module() {
        let link = "http://127.0.0.1:8000/payments/#v1.eyJ2IjoxfQ.12&\"<x>";
        let code = QrCode::encode_binary(link.as_bytes(), QrCodeEcc::Medium).unwrap();
        // The same code the text encoder makes for a link.
        let text = QrCode::encode_text(link, QrCodeEcc::Medium).unwrap();
        assert!((0..code.size())
            .all(|y| (0..code.size()).all(|x| code.get_module(x, y) == text.get_module(x, y))));
        let dark = (0..code.size())
            .flat_map(|y| (0..code.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| code.get_module(x, y))
            .count();
        let svg = qr_svg(link).as_str().to_string();
        assert_eq!(svg.matches("h1v1h-1z").count(), dark);
        let n = code.size() + 8;
        assert!(svg.contains(&format!("viewBox=\"0 0 {n} {n}\"")), "{svg}");
        assert!(
            svg.contains("M4 4h1v1h-1z"),
            "a finder pattern's corner sits inside the quiet zone"
        );
        assert!(!svg.contains("<x>") && !svg.contains("127.0.0.1"));
    }
}
