//! Entry points for the fuzz targets in `fuzz/`: the decoders the client runs on every answer,
//! with the secrets they mask. Compiled only under `cargo fuzz` (`--cfg fuzzing`), so they are
//! no part of the API.

use std::time::Duration;

use crate::{AccessToken, Error, Operation, TokenError};

/// What the client does with an answer to `O`, masking `secrets` in any text of the error.
pub fn decode_answer<O: Operation>(
    body: &[u8],
    secrets: &[&str],
) -> Result<O::Response, Error<O::ErrorCode>> {
    crate::decode::decode_without::<O>(body, secrets)
}

/// What [`crate::StableToken`] makes of an answer of the token endpoint: the token and its
/// lifetime, or why there is none, masking `secrets` in the error.
pub fn token_answer(body: &[u8], secrets: &[&str]) -> Result<(AccessToken, Duration), TokenError> {
    crate::token::parse_token(body, secrets)
}

/// Whether the push reader's quick path read `xml` (WeChat's flat shape); panics unless the
/// full reader reads the same elements from it.
#[cfg(feature = "push")]
pub fn push_quick_read_agrees(xml: &[u8]) -> bool {
    crate::push::quick_read_agrees(xml)
}
