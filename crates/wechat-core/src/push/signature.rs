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
    let claimed = trim(claimed).as_bytes();
    let mut bytes = [0u8; 20];
    if claimed.len() != 40 {
        return false;
    }
    let mut valid = true;
    for (out, pair) in bytes.iter_mut().zip(claimed.chunks_exact(2)) {
        match (hex_value(pair[0]), hex_value(pair[1])) {
            (Some(high), Some(low)) => *out = high << 4 | low,
            _ => valid = false,
        }
    }
    valid && bool::from(digest(parts).ct_eq(&bytes))
}

/// The value of one hex digit, in either case.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

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
    }
}
