//! The boxed future token providers and stores return.

use std::future::Future;
use std::pin::Pin;

/// A boxed future, as token providers return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
