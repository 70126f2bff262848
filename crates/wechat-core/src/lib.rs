//! The runtime of the WeChat invoice SDK: HTTP transport, access tokens, retries, typed
//! errors and lenient decoding. It knows no endpoint: generated crates describe each one by
//! implementing [`Operation`] on its request type, and [`Client::send`] does the rest.
//!
//! ```no_run
//! # fn run() -> Result<(), wechat_core::BuildError> {
//! use wechat_core::{Client, Secret, StableToken};
//!
//! let client = Client::builder()
//!     .token_provider(StableToken::new("wx_appid", Secret::new("appsecret")))
//!     .build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```

// docs.rs (which passes `--cfg docsrs`) marks every item behind a feature with it.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod build_error;
mod call;
pub mod check;
mod client;
mod component;
mod deadline;
mod decode;
mod envelope;
mod error;
mod error_code;
#[doc(hidden)]
pub mod fields;
mod form;
mod future;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
pub mod lenient;
mod multipart;
mod operation;
#[cfg(feature = "push")]
pub mod push;
mod redact;
mod retry;
mod secret;
#[cfg(feature = "shape")]
pub mod shape;
pub mod store;
mod token;
mod transport;
pub mod union;

pub use build_error::{BuildError, RequiredFields};
pub use check::{Check, Invalid, Limits};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, USER_AGENT};
#[cfg(feature = "push")]
pub use component::TicketPushError;
pub use component::authorizer::AuthorizerToken;
pub use component::{Authorization, Component, PreAuthCode};
pub use decode::decode_response;
pub use error::{ApiError, BoxError, DecodeError, EXCERPT_CHARS, Error, StoreError, TokenError, excerpt};
pub use error_code::{ErrorCode, Retry};
pub use future::BoxFuture;
pub use multipart::{FileContents, Multipart, UploadFile};
pub use operation::{BodyKind, Endpoint, Method, Operation, ResponseBody, TokenUse};
pub use retry::RetryPolicy;
pub use secret::{AccessToken, Secret};
/// The JSON library the generated types use for `json` fields and unknown union variants.
pub use serde_json;
#[cfg(feature = "redis")]
pub use store::RedisStore;
pub use store::{DedupStore, MemoryDedup, MemoryStore, TokenStore};
pub use token::{StableToken, StaticToken, TokenProvider};
pub use transport::{HttpContext, ReadError};
pub use union::UnknownVariant;
