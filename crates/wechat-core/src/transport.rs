//! One HTTP exchange: send, check the status, read a capped body. Nothing here ever puts a
//! URL (which carries the token) into an error.

use std::time::Duration;

use serde::Serialize;

use crate::error::{BoxError, excerpt_without};

/// The most memory reserved for an answer before its bytes arrive.
const INITIAL_CAPACITY: usize = 64 * 1024;

/// What the client and its token providers use to reach WeChat.
#[derive(Clone, Debug)]
pub struct HttpContext {
    pub(crate) http: reqwest::Client,
    /// The primary base URL, then the fallbacks, in the order they are tried.
    pub(crate) base_urls: Vec<String>,
    pub(crate) max_body: usize,
    pub(crate) timeout: Duration,
    /// True when the reqwest client is the caller's, whose redirect policy is unknown: each
    /// answer's URL is then checked against the request's, to refuse a redirect it followed.
    pub(crate) may_follow_redirects: bool,
}

/// Why an exchange produced no usable body.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Could not connect, or the connection broke.
    #[error("{message}")]
    Transport {
        /// The error chain, without URL.
        message: String,
        /// The reqwest error, stripped of its URL.
        #[source]
        source: BoxError,
        /// True when no connection was made, so another host may work.
        connect: bool,
    },
    /// No complete answer within the attempt timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// A status other than 2xx.
    #[error("HTTP status {status}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// A redirect, which WeChat never sends: not followed.
    #[error("{}", crate::error::redirect_message(*status, location))]
    Redirect {
        /// The 3xx status; `None` when a caller's own HTTP client followed the redirect.
        status: Option<u16>,
        /// Where it pointed, with tokens and secrets masked.
        location: String,
    },
    /// The body is larger than the configured cap.
    #[error("the answer exceeds the {limit}-byte limit")]
    TooLarge {
        /// The cap.
        limit: usize,
        /// The start of the body.
        excerpt: String,
    },
}

impl HttpContext {
    /// The primary base URL, e.g. `https://api.weixin.qq.com`.
    pub fn base_url(&self) -> &str {
        self.base_urls.first().map_or("", String::as_str)
    }

    /// The base URLs in the order they are tried: the primary, then the fallbacks.
    pub fn base_urls(&self) -> &[String] {
        &self.base_urls
    }

    /// POSTs JSON to `path` (for token providers): on the primary base URL, or on the first
    /// fallback that accepts a connection, within the attempt timeout. Excerpts of the
    /// answer in errors never show `secrets`.
    pub async fn post_json(
        &self,
        path: &str,
        body: &impl Serialize,
        secrets: &[&str],
    ) -> Result<Vec<u8>, ReadError> {
        let body = serde_json::to_vec(body).map_err(|e| ReadError::Transport {
            message: format!("cannot encode the request: {e}"),
            source: Box::new(e),
            connect: false,
        })?;
        let request = |base: &str| {
            Ok(self
                .http
                .post(format!("{base}{path}"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone()))
        };
        self.exchange(&self.base_urls, self.timeout, secrets, request).await
    }

    /// Sends the request `build` makes for each base URL in turn, moving on only when a base
    /// URL refuses the connection, and reads the answer; all within `timeout`.
    pub(crate) async fn exchange(
        &self,
        base_urls: &[String],
        timeout: Duration,
        secrets: &[&str],
        build: impl Fn(&str) -> Result<reqwest::RequestBuilder, ReadError>,
    ) -> Result<Vec<u8>, ReadError> {
        let first_reachable = async {
            let mut unreachable = None;
            for (index, base_url) in base_urls.iter().enumerate() {
                match self.exchange_untimed(build(base_url)?, secrets).await {
                    Err(error @ ReadError::Transport { connect: true, .. }) => {
                        // The index, not the URL: logs stay free of addresses and tokens.
                        tracing::debug!(base_url = index, error = %error, "cannot connect");
                        unreachable = Some(error);
                    }
                    answered => return answered,
                }
            }
            Err(unreachable.unwrap_or_else(|| ReadError::Transport {
                message: "no base URL is configured".to_owned(),
                source: "no base URL is configured".into(),
                connect: true,
            }))
        };
        match tokio::time::timeout(timeout, first_reachable).await {
            Ok(result) => result,
            Err(_) => Err(ReadError::Timeout(timeout)),
        }
    }

    async fn exchange_untimed(
        &self,
        request: reqwest::RequestBuilder,
        secrets: &[&str],
    ) -> Result<Vec<u8>, ReadError> {
        let (http, request) = request.build_split();
        let request = request.map_err(|e| transport_error(e, secrets))?;
        let sent_to = self.may_follow_redirects.then(|| request.url().clone());
        let mut response = http.execute(request).await.map_err(|e| transport_error(e, secrets))?;
        let status = response.status();
        // WeChat never redirects. The client's own reqwest client follows nothing, so a
        // redirect arrives here as a 3xx; a caller's may have followed one already.
        if status.is_redirection() {
            let location = response.headers().get(reqwest::header::LOCATION).map(|l| l.as_bytes());
            return Err(ReadError::Redirect {
                status: Some(status.as_u16()),
                location: location.map(|l| excerpt_without(l, secrets)).unwrap_or_default(),
            });
        }
        if sent_to.is_some_and(|sent_to| *response.url() != sent_to) {
            return Err(ReadError::Redirect {
                status: None,
                location: excerpt_without(response.url().as_str().as_bytes(), secrets),
            });
        }
        let announced = response.content_length().map(|l| usize::try_from(l).unwrap_or(usize::MAX));
        if announced.is_some_and(|l| l > self.max_body) {
            return Err(ReadError::TooLarge { limit: self.max_body, excerpt: String::new() });
        }
        // The server's Content-Length may lie: reserve no more than a usual answer up front.
        let mut body = Vec::with_capacity(announced.unwrap_or(1024).min(INITIAL_CAPACITY));
        while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(e, secrets))? {
            if body.len().saturating_add(chunk.len()) > self.max_body {
                body.extend_from_slice(&chunk[..self.max_body - body.len()]);
                return Err(ReadError::TooLarge {
                    limit: self.max_body,
                    excerpt: excerpt_without(&body, secrets),
                });
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(ReadError::Status {
                status: status.as_u16(),
                excerpt: excerpt_without(&body, secrets),
            });
        }
        Ok(body)
    }
}

/// reqwest's errors print the URL, and the URL holds the token: strip it, keep the chain.
/// A caller's client that gave up on a loop of redirects reports a refused redirect.
fn transport_error(error: reqwest::Error, secrets: &[&str]) -> ReadError {
    if error.is_redirect() {
        let location = error.url().map(|url| excerpt_without(url.as_str().as_bytes(), secrets));
        return ReadError::Redirect { status: None, location: location.unwrap_or_default() };
    }
    let connect = error.is_connect();
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    ReadError::Transport { message, source: Box::new(error), connect }
}
