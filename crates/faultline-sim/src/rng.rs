//! The one seeded random generator every simulated choice is drawn from.
//!
//! The algorithm is pinned (ChaCha8 from `rand_chacha` 0.3, seeded with
//! `seed_from_u64`) because permalinks store only the seed: if the algorithm
//! changed, every saved link would replay a different run.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Deterministic generator owned by the engine and lent to actors through
/// their context. Draws happen in event order, so a fault added at time `t`
/// cannot change any draw made before `t`.
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    /// A generator for `seed`. The same seed always yields the same stream.
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Next raw 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A value in `0..n` (0 when `n` is 0). Plain modulo: the bias is below
    /// 2^-40 for the small ranges a lab uses, and it is stable forever.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A value in `lo..=hi` (returns `lo` when `hi <= lo`).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below(hi - lo + 1)
        }
    }

    /// True with probability `permille / 1000`. Draws nothing when the
    /// probability is 0, so turning random faults off keeps latencies equal.
    pub fn chance_permille(&mut self, permille: u16) -> bool {
        permille > 0 && self.below(1000) < u64::from(permille)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn algorithm_is_pinned() {
        // Literal outputs of ChaCha8 seeded with `seed_from_u64`: if these
        // change, every saved permalink replays differently.
        let mut r = SimRng::new(1);
        let first: [u64; 3] = std::array::from_fn(|_| r.next_u64());
        assert_eq!(first, PINNED_SEED_1);
        assert_eq!(SimRng::new(42).between(20, 80), PINNED_BETWEEN_42);
        assert_eq!(SimRng::new(7).below(1000), PINNED_BELOW_7);
    }

    const PINNED_SEED_1: [u64; 3] = [
        7_424_550_030_962_593_201,
        1_482_817_706_323_250_795,
        11_004_592_982_271_133_285,
    ];
    const PINNED_BETWEEN_42: u64 = 61;
    const PINNED_BELOW_7: u64 = 635;

    #[test]
    fn between_stays_in_range() {
        let mut r = SimRng::new(3);
        for _ in 0..1000 {
            let v = r.between(20, 80);
            assert!((20..=80).contains(&v));
        }
        assert_eq!(r.between(5, 5), 5);
        assert_eq!(r.below(0), 0);
    }
}
