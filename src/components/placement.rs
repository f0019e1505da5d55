//! Label placement for the sequence diagram. Each label takes the first of
//! its candidate spots that touches nothing placed before it (labels,
//! arrowheads, crosses, timer marks); when no spot is free it is shortened
//! word by word, and when not even its first word fits it is not shown.
//! Its full text stays in the element (a hidden tail), in the arrow's
//! tooltip and in the inspector.

/// A rectangle: left, top, right, bottom.
pub type Rect = [f64; 4];

/// Width of `s` at 12.5 px in the sans fonts the browsers fall back to
/// (a slight over-estimate for DejaVu Sans, the widest common one).
pub fn text_w(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 't' | 'f' | 'r' | ' ' | '.' | ',' | ':' | '/' | '(' | ')' | '#' => {
                5.0
            }
            'A'..='Z' | 'm' | 'w' | '€' | '→' => 9.5,
            // The marks before a refused, replayed or violating message's label.
            '⊘' | '↻' | '✗' => 11.0,
            _ => 7.8,
        })
        .sum()
}

/// What is already on the drawing.
pub struct Board {
    taken: Vec<Rect>,
    /// Labels stay between these x.
    pub lo: f64,
    pub hi: f64,
}

/// A placed label: where its text starts (x, baseline) and how many bytes
/// of it show (0: none).
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub shown: usize,
}

impl Board {
    /// An empty board whose labels stay between `lo` and `hi`.
    pub fn new(lo: f64, hi: f64) -> Self {
        Self {
            taken: Vec::new(),
            lo,
            hi,
        }
    }

    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }

    fn free(&self, r: &Rect) -> bool {
        r[0] >= self.lo
            && r[2] <= self.hi
            && !self
                .taken
                .iter()
                .any(|t| t[0] < r[2] && r[0] < t[2] && t[1] < r[3] && r[1] < t[3])
    }

    /// Put `text` centred on the first free spot of `spots` (centre x,
    /// baseline y), shortening it at word ends until one is free.
    pub fn place(&mut self, text: &str, spots: &[(f64, f64)]) -> Placed {
        // Word ends, longest first: the whole text, then up to each space.
        let ends = (0..=text.len())
            .rev()
            .filter(|&i| i == text.len() || text.as_bytes()[i] == b' ');
        for end in ends {
            let half = text_w(&text[..end]) / 2.0 + 2.0;
            for &(cx, y) in spots {
                // (`f64::clamp` would bring in the float formatter for its panic message.)
                let cx = cx.min(self.hi - half).max(self.lo + half);
                let r = [cx - half, y - 13.0, cx + half, y + 4.0];
                if self.free(&r) {
                    self.block(r);
                    return Placed {
                        x: cx - half + 2.0,
                        y,
                        shown: end,
                    };
                }
            }
        }
        Placed {
            x: 0.0,
            y: 0.0,
            shown: 0,
        }
    }
}
