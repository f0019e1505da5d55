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

/// A Unix time as a UTC date and time ("2026-01-01 00:01:02 UTC"), for
/// the `exp`, `iat` and `auth_time` of tokens (days to a civil date:
/// Howard Hinnant's algorithm).
#[cfg(any(test, feature = "jose"))]
pub fn utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3_600,
        rem / 60 % 60,
        rem % 60
    )
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
    fn unix_times_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
        assert_eq!(utc(1_767_225_600 + 62), "2026-01-01 00:01:02 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_300_819_380), "2011-03-22 18:43:00 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
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
