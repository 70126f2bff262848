//! What the tests search for secrets: an error as a user can see it (Display, Debug and
//! every source in its chain).

use std::fmt::Write as _;

/// Display, Debug and the source chain of an error.
pub fn printed<E: std::error::Error>(error: &E) -> String {
    let mut out = format!("{error}\n{error:?}\n");
    let mut source = error.source();
    while let Some(inner) = source {
        let _ = writeln!(out, "{inner}\n{inner:?}");
        source = inner.source();
    }
    out
}

/// Fails the test when any of `secrets` occurs in `text`, naming `what` was searched.
///
/// # Panics
///
/// When a secret occurs in `text`.
pub fn assert_hidden(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} leaked into {what}:\n{text}");
    }
}
