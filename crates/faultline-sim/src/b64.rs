//! base64 by hand: base64url without padding (JOSE, PKCE, permalinks) and
//! standard base64 with padding (HTTP Basic credentials).
//!
//! For size: the `base64` crate's general-purpose engine (a chunked
//! decoder built for speed) cost about 6 KB of WebAssembly; these few
//! loops do the same for the short texts the simulation handles. They
//! accept and refuse exactly what `base64`'s `URL_SAFE_NO_PAD` engine
//! does (no padding, no characters outside the alphabet, no length of 4n+1,
//! no stray bits in the last character): `tests::matches_the_base64_crate`
//! checks it against the crate.

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// base64url without padding (RFC 4648 §5), as JOSE and PKCE write bytes.
pub fn encode_url(bytes: &[u8]) -> String {
    encode(bytes, URL_SAFE, false)
}

/// Standard base64 with padding (RFC 4648 §4), as HTTP Basic writes
/// credentials.
pub fn encode_standard(bytes: &[u8]) -> String {
    encode(bytes, STANDARD, true)
}

/// Decode base64url without padding; None for anything else (padding, a
/// character outside the alphabet, a length of 4n+1, or a last character
/// with bits that do not belong to any byte).
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = ((acc << 6) | u32::from(v)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    // The bits left over (2 or 4) must be zero: one text per byte string.
    (acc & ((1 << bits) - 1) == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD as STD, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    use proptest::prelude::*;

    #[test]
    fn rfc4648_vectors() {
        for (plain, url) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode_url(plain.as_bytes()), url);
            assert_eq!(decode_url(url).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(encode_standard(b"fo"), "Zm8=");
        assert_eq!(encode_standard(b"\xfb\xff"), "+/8=");
        assert_eq!(encode_url(b"\xfb\xff"), "-_8");
        for bad in ["Zg=", "Zm9vY", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm 9v", "Z==="] {
            assert_eq!(decode_url(bad), None, "{bad}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        #[test]
        fn matches_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..40),
                                    text in "[A-Za-z0-9_=+/ -]{0,12}") {
            prop_assert_eq!(encode_url(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(encode_standard(&bytes), STD.encode(&bytes));
            prop_assert_eq!(decode_url(&URL_SAFE_NO_PAD.encode(&bytes)), Some(bytes));
            prop_assert_eq!(decode_url(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }
    }
}
