//! The encrypted envelopes WeChat wraps around messages: pushes and replies.

use super::cdata;
use super::crypto;
use super::error::PushError;

/// The body of an encrypted reply.
pub(crate) fn reply(encrypt: &str, signature: &str, timestamp: &str, nonce: &str) -> String {
    let mut out = String::from("<xml>");
    cdata::push_element("Encrypt", encrypt, &mut out);
    cdata::push_element("MsgSignature", signature, &mut out);
    out.push_str("<TimeStamp>");
    out.push_str(timestamp);
    out.push_str("</TimeStamp>");
    cdata::push_element("Nonce", nonce, &mut out);
    out.push_str("</xml>");
    out
}

/// The body of an encrypted push: the addressee element (`ToUserName` for account events,
/// `AppId` for third-party platform notices) and `Encrypt`.
pub(crate) fn encrypted_push(addressee: Option<(&str, &str)>, encrypt: &str) -> String {
    let mut out = String::from("<xml>");
    if let Some((name, value)) = addressee {
        cdata::push_element(name, value, &mut out);
    }
    cdata::push_element("Encrypt", encrypt, &mut out);
    out.push_str("</xml>");
    out
}

/// A nonce as WeChat sends them: decimal digits, from the OS CSPRNG.
pub(crate) fn nonce() -> Result<String, PushError> {
    let random = crypto::random16()?;
    let mut high = [0; 8];
    high.copy_from_slice(&random[..8]);
    Ok((u64::from_be_bytes(high) % 10_000_000_000).to_string())
}
