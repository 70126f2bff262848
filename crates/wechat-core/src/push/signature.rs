//! WeChat's push signatures: SHA-1 of the sorted, concatenated parts, in lower-case hex.

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// `sha1(sorted(parts).concat())` in lower-case hex: `signature` is over the token, timestamp
/// and nonce; `msg_signature` adds the `Encrypt` text (or the encrypted `echostr`).
pub fn sign(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut digest = Sha1::new();
    for part in sorted {
        digest.update(part.as_bytes());
    }
    hex(&digest.finalize())
}

/// Whether `claimed` is the signature of `parts`, compared in constant time so that timing
/// does not reveal how many leading characters of a forgery were right. Case-insensitive, as
/// hex is.
pub(crate) fn matches(claimed: &str, parts: &[&str]) -> bool {
    let expected = sign(parts);
    let claimed = claimed.trim().to_ascii_lowercase();
    expected.as_bytes().ct_eq(claimed.as_bytes()).into()
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
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
