//! Arbitrary bytes as the token endpoint's answer, through the parser `StableToken` runs on
//! it. It must never panic; a token it accepts is not empty and lives between a second and
//! `StableToken::MAX_LIFETIME`; its errors never show the appsecret it masks, nor are
//! retryable unless WeChat said it was busy.

#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use wechat_core::{StableToken, TokenError};

/// The appsecret the parser is told to mask; the seeds quote it.
const SECRET: &str = "FUZZ-APPSECRET";

fuzz_target!(|body: &[u8]| {
    match wechat_core::fuzzing::token_answer(body, &[SECRET]) {
        Ok((token, lifetime)) => {
            assert!(!token.expose().is_empty());
            assert!(
                lifetime >= Duration::from_secs(1) && lifetime <= StableToken::MAX_LIFETIME,
                "{lifetime:?}"
            );
        }
        Err(error) => {
            let shown = format!("{error}\n{error:?}");
            assert!(!shown.contains(SECRET), "the appsecret leaked: {shown}");
            let busy = matches!(error, TokenError::Refused { errcode: -1, .. });
            assert_eq!(error.is_retryable(), busy, "{shown}");
        }
    }
});
