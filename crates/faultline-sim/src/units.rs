//! How every lab writes the quantities its tables and narration show:
//! times in seconds with milliseconds, prices in euros; and counts with
//! their thousands grouped, as the page and the explorer's reports show
//! them.

/// A count with thousands separated by commas ("100,000").
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds with milliseconds, as table cells show time.
pub fn secs(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// Cents as a price ("€42.00"), written straight into whatever formats
/// it (narration and labels format it in place; `.to_string()` for a cell).
pub fn money(cents: u64) -> Money {
    Money(cents)
}

/// A price in cents, shown as euros.
#[derive(Clone, Copy)]
pub struct Money(pub u64);

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // "€{}.{:02}" without the formatter's padding machinery.
        let cents = (self.0 % 100) as u8;
        let tail = [b'.', b'0' + cents / 10, b'0' + cents % 10];
        f.write_str("€")?;
        std::fmt::Display::fmt(&(self.0 / 100), f)?;
        f.write_str(std::str::from_utf8(&tail).map_err(|_| std::fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
        assert_eq!(super::thousands(45_000), "45,000");
        assert_eq!(super::thousands(100_000), "100,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
