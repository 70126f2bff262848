//! WeChat's message encryption: AES-256-CBC with the key `base64(EncodingAESKey + "=")`, the IV
//! its first 16 bytes, PKCS#7 padding to 32-byte blocks, over `random(16) | length(4, big
//! endian) | xml | appid`, sent as base64.

use std::fmt;

use aes::Aes256;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::NoPadding};
use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::error::{PushError, clip};
use super::message::trim;

/// Base64 as WeChat's own samples decode it: a 43-character EncodingAESKey plus `=` leaves
/// non-zero bits after its last byte, which strict decoders refuse and WeChat's ignore.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// WeChat pads to multiples of 32 bytes, not AES's 16.
const PAD_BLOCK: usize = 32;

/// An EncodingAESKey: 43 characters of base64 naming a 32-byte AES key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodingAesKey {
    key: [u8; 32],
}

impl EncodingAesKey {
    /// Reads the 43-character key configured on WeChat's side.
    pub fn new(encoding_aes_key: &str) -> Result<Self, PushError> {
        let text = encoding_aes_key.trim();
        if text.len() != 43 {
            return Err(PushError::BadAesKey { reason: "it is not 43 characters long" });
        }
        let bytes = BASE64
            .decode(format!("{text}="))
            .map_err(|_| PushError::BadAesKey { reason: "it is not base64" })?;
        let key = bytes
            .try_into()
            .map_err(|_| PushError::BadAesKey { reason: "it does not decode to 32 bytes" })?;
        Ok(Self { key })
    }

    /// Encrypts `xml` for `appid` with these 16 random bytes, returning the base64 that goes
    /// in `<Encrypt>`.
    pub fn encrypt(&self, xml: &[u8], appid: &str, random: [u8; 16]) -> Result<String, PushError> {
        let length = u32::try_from(xml.len())
            .map_err(|_| PushError::BodyTooLarge { len: xml.len(), cap: u32::MAX as usize })?;
        let mut plain = Vec::with_capacity(20 + xml.len() + appid.len() + PAD_BLOCK);
        plain.extend_from_slice(&random);
        plain.extend_from_slice(&length.to_be_bytes());
        plain.extend_from_slice(xml);
        plain.extend_from_slice(appid.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        plain.resize(plain.len() + pad, pad as u8);
        let size = plain.len();
        let cipher = cbc::Encryptor::<Aes256>::new(&self.key.into(), &self.iv().into());
        let sealed = cipher
            .encrypt_padded::<NoPadding>(&mut plain, size)
            .map_err(|_| PushError::BadPlaintext { reason: "padding did not align to the AES block" })?;
        Ok(BASE64.encode(sealed))
    }

    /// Decrypts the base64 of `<Encrypt>`, returning the XML and the appid it was encrypted
    /// for.
    pub fn decrypt(&self, encrypted: &str) -> Result<(Vec<u8>, String), PushError> {
        self.decrypt_named(encrypted, "<Encrypt> text")
    }

    /// [`EncodingAesKey::decrypt`] of a text that errors call `what` (`echostr` is encrypted
    /// the same way).
    pub(crate) fn decrypt_named(
        &self,
        encrypted: &str,
        what: &'static str,
    ) -> Result<(Vec<u8>, String), PushError> {
        let (mut bytes, appid) = self.decrypt_in_place(encrypted, what)?;
        let found = std::str::from_utf8(&bytes[appid.clone()])
            .map_err(|_| PushError::BadPlaintext { reason: "the appid at the tail is not UTF-8" })?
            .to_owned();
        bytes.truncate(appid.start);
        Ok((bytes, found))
    }

    /// Decrypts the base64 of `<Encrypt>` for `appid`, returning the XML; refuses a message
    /// encrypted for another appid.
    pub(crate) fn decrypt_for(&self, encrypted: &str, appid: &str) -> Result<Vec<u8>, PushError> {
        let (mut bytes, found) = self.decrypt_in_place(encrypted, "<Encrypt> text")?;
        match std::str::from_utf8(&bytes[found.clone()]) {
            Ok(found) => check_appid(appid, found)?,
            Err(_) => return Err(PushError::BadPlaintext { reason: "the appid at the tail is not UTF-8" }),
        }
        bytes.truncate(found.start);
        Ok(bytes)
    }

    /// Decrypts in the decoded buffer itself, the XML moved to its start (no copy of the
    /// message in another buffer); the range of the appid that follows it is returned beside it.
    fn decrypt_in_place(
        &self,
        encrypted: &str,
        what: &'static str,
    ) -> Result<(Vec<u8>, std::ops::Range<usize>), PushError> {
        let mut bytes = BASE64.decode(trim(encrypted)).map_err(|_| PushError::BadBase64 { what })?;
        if bytes.is_empty() || bytes.len() % 16 != 0 {
            return Err(PushError::BadCiphertextLength { len: bytes.len() });
        }
        let cipher = cbc::Decryptor::<Aes256>::new(&self.key.into(), &self.iv().into());
        let plain = cipher
            .decrypt_padded::<NoPadding>(&mut bytes)
            .map_err(|_| PushError::BadCiphertextLength { len: encrypted.len() })?;
        let unpadded = unpad(plain)?.len();
        let (xml, appid) = split_plaintext(&bytes[..unpadded])?;
        // The XML and the appid after it, moved over the random prefix and the length.
        bytes.copy_within(xml.start..appid.end, 0);
        Ok((bytes, xml.len()..xml.len() + appid.len()))
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0; 16];
        iv.copy_from_slice(&self.key[..16]);
        iv
    }
}

impl fmt::Debug for EncodingAesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncodingAesKey(***)")
    }
}

/// Strips WeChat's PKCS#7 padding: 1 to 32 bytes, each holding the padding's length.
fn unpad(plain: &[u8]) -> Result<&[u8], PushError> {
    let pad = usize::from(*plain.last().ok_or(PushError::BadPadding)?);
    if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
        return Err(PushError::BadPadding);
    }
    let (body, padding) = plain.split_at(plain.len() - pad);
    if padding.iter().any(|&byte| usize::from(byte) != pad) {
        return Err(PushError::BadPadding);
    }
    Ok(body)
}

/// `random(16) | length(4) | xml | appid` into the ranges of the XML and the appid.
fn split_plaintext(plain: &[u8]) -> Result<(std::ops::Range<usize>, std::ops::Range<usize>), PushError> {
    let rest = plain
        .get(16..)
        .filter(|rest| rest.len() >= 4)
        .ok_or(PushError::BadPlaintext { reason: "shorter than the random prefix and the length" })?;
    let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    if length > rest.len() - 4 {
        return Err(PushError::BadPlaintext { reason: "the length field exceeds the text" });
    }
    Ok((20..20 + length, 20 + length..plain.len()))
}

/// Checks the appid at the tail against the receiver's.
pub(crate) fn check_appid(expected: &str, found: &str) -> Result<(), PushError> {
    if expected == found {
        return Ok(());
    }
    Err(PushError::WrongAppId { expected: expected.to_owned(), found: clip(found, 64) })
}

/// 16 bytes from the operating system's CSPRNG.
pub(crate) fn random16() -> Result<[u8; 16], PushError> {
    let mut bytes = [0; 16];
    getrandom::fill(&mut bytes).map_err(|_| PushError::NoRandomness)?;
    Ok(bytes)
}
