//! A link's QR code, for the projector view (students scan it to open the
//! same run at the same step on their phones): `qrcodegen`, byte mode,
//! medium error correction, as the size of the drawing with its quiet
//! zone and the SVG path of its dark modules (only numbers and path
//! letters: the page puts them into its own SVG markup, escaped).

use qrcodegen::{QrCode, QrCodeEcc};
use std::fmt::Write;

/// Modules of light margin around the code (the standard's quiet zone).
pub const QUIET: i32 = 4;

/// `"<size>\n<path>"`: the drawing's size in modules (quiet zone
/// included), then one unit square per dark module.
pub fn code(text: &str) -> Result<String, String> {
    // Bytes, not text: a link is byte mode anyway (it has lower-case
    // letters), and the text encoder's mode analysis costs wasm.
    let code = QrCode::encode_binary(text.as_bytes(), QrCodeEcc::Medium)
        .map_err(|_| "the link is too long for a QR code".to_string())?;
    let mut out = format!("{}\n", code.size() + 2 * QUIET);
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                let _ = write!(out, "M{} {}h1v1h-1z", x + QUIET, y + QUIET);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One square per dark module, inside a quiet zone of four modules;
    /// the link is nowhere in the drawing.
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
        let drawn = super::code(link).unwrap();
        let (size, path) = drawn.split_once('\n').unwrap();
        assert_eq!(size, (code.size() + 8).to_string());
        assert_eq!(path.matches("h1v1h-1z").count(), dark);
        assert!(
            path.starts_with("M4 4h1v1h-1z"),
            "a finder pattern's corner sits inside the quiet zone"
        );
        assert!(path
            .chars()
            .all(|c| c.is_ascii_digit() || "Mhvz -".contains(c)));
    }

    #[test]
    fn a_text_too_long_is_refused_with_a_reason() {
        assert!(code(&"x".repeat(5_000)).is_err());
    }
}
