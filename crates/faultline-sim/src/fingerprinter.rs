//! The explorer's fingerprint hasher, apart from the engine and the
//! search, which both use it; also the hasher of the few maps the engine
//! keys by number (`Run::tables_at`): fixed, so nothing depends on
//! ambient randomness.

/// A map keyed by number, hashed with [`Fingerprinter`].
pub type NumberMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fingerprinter>>;

use std::hash::Hasher;

/// The fingerprint's hasher: 64 bits on every target (the page's wasm is
/// 32-bit, where `usize`-wide hashers such as `rustc-hash`'s give 32-bit
/// hashes, which collide within a few tens of thousands of states), fast
/// (a multiply per 8 bytes) and fixed (the same fingerprints natively and
/// in the browser), with a final avalanche (murmur3's `fmix64`).
#[derive(Default)]
pub struct Fingerprinter(u64);

impl Hasher for Fingerprinter {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.mix(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl Fingerprinter {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(f: impl Fn(&mut Fingerprinter)) -> u64 {
        let mut h = Fingerprinter::default();
        f(&mut h);
        h.finish()
    }

    #[test]
    fn order_length_and_width_tell_inputs_apart() {
        assert_ne!(of(|h| h.write(b"ab")), of(|h| h.write(b"ba")));
        assert_ne!(of(|h| h.write(b"a")), of(|h| h.write(b"a\0")));
        assert_ne!(of(|h| h.write_u8(1)), of(|h| h.write_u8(2)));
        // The same on 32- and 64-bit targets: a usize counts as a u64.
        assert_eq!(of(|h| h.write_usize(7)), of(|h| h.write_u64(7)));
        assert_eq!(of(|_| {}), of(|_| {}));
    }
}
