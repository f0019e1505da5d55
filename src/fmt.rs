//! Number formatting without Rust's float formatter (which costs about
//! 10 KB of WebAssembly): SVG coordinates are whole pixels, other figures
//! are fixed-point.

/// A coordinate rounded to a whole pixel.
pub fn px(v: f64) -> String {
    (v.round() as i64).to_string()
}

/// A value with one decimal ("12.3").
pub fn tenths(v: f64) -> String {
    let t = (v * 10.0).round() as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", t.abs() / 10, t.abs() % 10)
}

/// A count with thousands separated by commas ("100,000"), as
/// `faultline_sim::units` writes every count (the explorer's reports too).
pub fn thousands(n: u32) -> String {
    faultline_sim::units::thousands(u64::from(n))
}

/// Per-mille shown as a percentage ("12.5", "3", "0").
pub fn permille_as_percent(p: u16) -> String {
    if p % 10 == 0 {
        (p / 10).to_string()
    } else {
        format!("{}.{}", p / 10, p % 10)
    }
}

/// Parse a percentage with at most one decimal ("12.5") into per-mille.
pub fn percent_to_permille(text: &str) -> Option<u16> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    let whole: u16 = whole.parse().ok()?;
    let frac: u16 = match frac {
        "" => 0,
        f if f.len() == 1 => f.parse().ok()?,
        _ => return None,
    };
    whole.checked_mul(10)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(45_000), "45,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn formats_and_parses() {
        assert_eq!(px(12.6), "13");
        assert_eq!(tenths(2.34), "2.3");
        assert_eq!(tenths(-0.26), "-0.3");
        assert_eq!(permille_as_percent(125), "12.5");
        assert_eq!(permille_as_percent(30), "3");
        assert_eq!(percent_to_permille("12.5"), Some(125));
        assert_eq!(percent_to_permille("7"), Some(70));
        assert_eq!(percent_to_permille("1.25"), None);
        assert_eq!(percent_to_permille("abc"), None);
        assert_eq!(percent_to_permille("-1"), None);
    }
}
