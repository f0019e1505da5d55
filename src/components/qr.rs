//! The projector view's QR code of the link to what is on screen, so
//! students open the same run at the same step on their phones. Encoded
//! by the page's helper worker (`crate::helper`, `qrcodegen` there: not
//! in the page's first load) and drawn here as one SVG path of its dark
//! modules, only while shown.

use crate::markup::{IntoHtml, Markup};
use std::rc::Rc;
use yew::prelude::*;

/// The helper's drawing (`"<size>\n<path>"`) as SVG markup; the path is
/// escaped like any text, though it holds only numbers and path letters.
pub fn qr_svg(drawing: &str) -> Markup {
    let mut svg = Markup::new();
    let Some((n, path)) = drawing
        .split_once('\n')
        .and_then(|(n, p)| Some((n.parse::<u32>().ok()?, p)))
    else {
        return svg;
    };
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
    svg.text(path);
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
    // The helper's drawing of a link (or why there is none), kept with
    // the link it is for.
    let drawn = use_state(|| None::<Rc<(AttrValue, Result<String, String>)>>);
    let toggle = {
        let (open, drawn) = (open.clone(), drawn.clone());
        Callback::from(move |_| {
            // A code the helper could not draw is asked for again next time.
            if drawn.as_ref().is_some_and(|d| d.1.is_err()) {
                drawn.set(None);
            }
            open.set(!*open)
        })
    };
    {
        let (drawn, link) = (drawn.clone(), p.link.clone());
        let stale = drawn.as_ref().is_none_or(|d| d.0 != link);
        use_effect_with((*open && stale, link), move |(ask, link)| {
            if *ask {
                let link = link.clone();
                crate::helper::ask("qr", &link.clone(), move |reply| {
                    drawn.set(Some(Rc::new((link, reply))));
                });
            }
        });
    }
    let code = open.then(|| {
        let picture = match drawn.as_deref() {
            Some((link, Ok(drawing))) if *link == p.link => qr_svg(drawing),
            Some((link, Err(why))) if *link == p.link => {
                let mut m = Markup::from_lit("<p class=\"hint\" role=\"alert\">No QR code: ");
                m.text(why);
                m.lit(".</p>");
                m
            }
            _ => Markup::from_lit("<p class=\"hint\" role=\"status\">Drawing the QR code…</p>"),
        };
        let mut caption = Markup::from_lit(
            "<figcaption>Scan to open this run at this step on your phone: <code class=\"wrap\">",
        );
        caption.text(&p.link);
        caption.lit("</code></figcaption>");
        html! {
            <figure id="qr" class="qr">
                { picture.into_html() }
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

    /// The helper's drawing becomes one path in an SVG of its size; a
    /// reply that is not a drawing draws nothing.
    #[test]
    fn the_helpers_drawing_becomes_one_path() {
        let svg = qr_svg("29\nM4 4h1v1h-1zM5 4h1v1h-1z").as_str().to_string();
        assert!(svg.contains("viewBox=\"0 0 29 29\""), "{svg}");
        assert!(svg.contains("d=\"M4 4h1v1h-1zM5 4h1v1h-1z\""), "{svg}");
        assert!(qr_svg("not a drawing").is_empty());
        assert!(!qr_svg("3\n\"><script>").as_str().contains("<script>"));
    }
}
