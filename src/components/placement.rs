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

/// Height of the bands the board files its rectangles in: a spot is
/// checked only against what lies in the bands it crosses, so placing a
/// label costs the same at step 900 as at step 9.
const BAND: f64 = 64.0;

/// What is already on the drawing, filed by horizontal band.
pub struct Board {
    bands: Vec<Vec<Rect>>,
    /// Labels stay between these x.
    pub lo: f64,
    pub hi: f64,
}

/// The bands `r` crosses (rectangles above the drawing count in the first).
fn bands_of(r: &Rect) -> std::ops::RangeInclusive<usize> {
    let band = |y: f64| (y.max(0.0) / BAND) as usize;
    band(r[1])..=band(r[3])
}

/// A placed label: where its text starts (x, baseline) and how many bytes
/// of it show (0: none).
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub shown: usize,
}

impl Board {
    /// An empty board whose labels stay between `lo` and `hi`.
    pub fn new(lo: f64, hi: f64) -> Self {
        Self {
            bands: Vec::new(),
            lo,
            hi,
        }
    }

    pub fn block(&mut self, r: Rect) {
        let bands = bands_of(&r);
        if self.bands.len() <= *bands.end() {
            self.bands.resize_with(bands.end() + 1, Vec::new);
        }
        for b in bands {
            self.bands[b].push(r);
        }
    }

    fn free(&self, r: &Rect) -> bool {
        r[0] >= self.lo
            && r[2] <= self.hi
            && !bands_of(r).filter_map(|b| self.bands.get(b)).any(|band| {
                band.iter()
                    .any(|t| t[0] < r[2] && r[0] < t[2] && t[1] < r[3] && r[1] < t[3])
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The banded board places every label exactly where checking every
    /// rectangle on the board would: random blocks and labels over a
    /// tall drawing, rectangles crossing band edges included.
    #[test]
    fn bands_place_labels_as_a_full_scan_would() {
        let naive_free = |taken: &[Rect], lo: f64, hi: f64, r: &Rect| {
            r[0] >= lo
                && r[2] <= hi
                && !taken
                    .iter()
                    .any(|t| t[0] < r[2] && r[0] < t[2] && t[1] < r[3] && r[1] < t[3])
        };
        let mut rng = faultline_sim::rng::SimRng::new(19);
        for _ in 0..50 {
            let mut board = Board::new(132.0, 900.0);
            let mut taken: Vec<Rect> = Vec::new();
            for i in 0..300 {
                let x = 100.0 + rng.below(800) as f64;
                let y = rng.below(6_000) as f64 - 20.0;
                if i % 3 == 0 {
                    let r = [x - 9.0, y - 13.0, x + 9.0, y + 9.0];
                    board.block(r);
                    taken.push(r);
                    continue;
                }
                let text = [
                    "POST /v1/charges #2",
                    "200 OK",
                    "lost",
                    "409 Conflict retry",
                ][i % 4];
                let spots = [(x, y), (x, y + 25.0), (x + 40.0, y - 30.0)];
                let got = board.place(text, &spots);
                // The same choice by a full scan.
                let mut want = (0.0, 0.0, 0usize);
                'ends: for end in (0..=text.len())
                    .rev()
                    .filter(|&e| e == text.len() || text.as_bytes()[e] == b' ')
                {
                    let half = text_w(&text[..end]) / 2.0 + 2.0;
                    for &(cx, y) in &spots {
                        let cx = cx.min(900.0 - half).max(132.0 + half);
                        let r = [cx - half, y - 13.0, cx + half, y + 4.0];
                        if naive_free(&taken, 132.0, 900.0, &r) {
                            taken.push(r);
                            want = (cx - half + 2.0, y, end);
                            break 'ends;
                        }
                    }
                }
                assert_eq!((got.x, got.y, got.shown), want, "label {i}");
            }
        }
    }
}
