//! WeChat's push signatures: SHA-1 of the sorted, concatenated parts, in lower-case hex.

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use super::message::trim;

/// `sha1(sorted(parts).concat())` in lower-case hex: `signature` is over the token, timestamp
/// and nonce; `msg_signature` adds the `Encrypt` text (or the encrypted `echostr`).
pub fn sign(parts: &[&str]) -> String {
    hex(&digest(parts))
}

/// The SHA-1 of the sorted, concatenated parts; no allocation for the few parts WeChat signs.
fn digest(parts: &[&str]) -> [u8; 20] {
    let mut digest = Sha1::new();
    let mut few = [""; 4];
    if let Some(sorted) = few.get_mut(..parts.len()) {
        sorted.copy_from_slice(parts);
        sorted.sort_unstable();
        for part in sorted {
            digest.update(part.as_bytes());
        }
    } else {
        let mut sorted = parts.to_vec();
        sorted.sort_unstable();
        for part in sorted {
            digest.update(part.as_bytes());
        }
    }
    let mut out = [0; 20];
    out.copy_from_slice(&digest.finalize());
    out
}

/// Whether `claimed` is the signature of `parts`, compared in constant time so that timing
/// does not reveal how many leading characters of a forgery were right. Case-insensitive, as
/// hex is.
pub(crate) fn matches(claimed: &str, parts: &[&str]) -> bool {
    // Read back to bytes, in either case; what is not 40 hex digits matches nothing (the
    // length and the alphabet of a signature are public, only its value is compared in
    // constant time).
    let Ok(claimed) = <&[u8; 40]>::try_from(trim(claimed).as_bytes()) else {
        return false;
    };
    let mut bytes = [0u8; 20];
    // A digit that is not hex sets a bit above the low four.
    let mut invalid = 0u8;
    for (out, pair) in bytes.iter_mut().zip(claimed.chunks_exact(2)) {
        let (high, low) = (HEX_VALUE[usize::from(pair[0])], HEX_VALUE[usize::from(pair[1])]);
        invalid |= high | low;
        *out = high << 4 | low;
    }
    invalid < 16 && bool::from(digest(parts).ct_eq(&bytes))
}

/// Each byte's value as a hex digit, in either case; 0xff for what is not one.
const HEX_VALUE: [u8; 256] = {
    let mut values = [0xff; 256];
    let mut digit = 0;
    while digit < 16 {
        values[b"0123456789abcdef"[digit] as usize] = digit as u8;
        values[b"0123456789ABCDEF"[digit] as usize] = digit as u8;
        digit += 1;
    }
    values
};

/// Each byte of `bytes` as two lower-case hex digits.
fn hex_digits(bytes: &[u8]) -> impl Iterator<Item = [u8; 2]> + '_ {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().map(|byte| [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 0x0f)]])
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for pair in hex_digits(bytes) {
        out.push(char::from(pair[0]));
        out.push(char::from(pair[1]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_the_parts_before_hashing() {
        assert_eq!(sign(&["b", "a", "c"]), sign(&["a", "b", "c"]));
        // sha1("abc")
        assert_eq!(sign(&["c", "b", "a"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(matches("A9993E364706816ABA3E25717850C26C9CD0D89D", &["a", "b", "c"]));
        assert!(!matches("a9993e364706816aba3e25717850c26c9cd0d89e", &["a", "b", "c"]));
        assert!(!matches("", &["a", "b", "c"]));
        assert!(!matches("a9993e364706816aba3e25717850c26c9cd0d89", &["a", "b", "c"]));
        assert!(!matches("a9993e364706816aba3e25717850c26c9cd0d89dd", &["a", "b", "c"]));
        assert!(matches(" a9993e364706816aba3e25717850c26c9cd0d89d\n", &["a", "b", "c"]));
        // Each position: another digit, or a character that is not hex, matches nothing.
        let right = sign(&["a", "b", "c"]);
        for at in 0..40 {
            for wrong in ["0", "f", "g", "G", " ", "\u{0}"] {
                let mut forged = right.clone();
                forged.replace_range(at..=at, wrong);
                if forged != right {
                    assert!(!matches(&forged, &["a", "b", "c"]), "{forged}");
                }
            }
        }
    }
}
