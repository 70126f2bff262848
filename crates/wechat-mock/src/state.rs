//! What every route of one mock server shares: its settings, the operations it serves, and
//! the state they keep.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::response::Response;

use crate::answer::{self, GeneralError};
use crate::answers::Answers;
use crate::config::MockConfig;
use crate::engine::Engine;
use crate::faults::Faults;
use crate::media::Media;
use crate::platform_tokens::PlatformTokens;
use crate::pushes::Pushes;
use crate::requests::RequestCounts;
use crate::spec_table::{Operation, general_message};
use crate::state_model::StateTables;
use crate::token_requests::TokenRequests;
use crate::tokens::Tokens;

/// What every route of one server shares.
pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    /// The operations served: the spec's, or a test's own table.
    pub(crate) table: &'static [Operation],
    pub(crate) tokens: Tokens,
    pub(crate) faults: Faults,
    pub(crate) requests: RequestCounts,
    pub(crate) media: Media,
    pub(crate) answers: Answers,
    pub(crate) platform_tokens: PlatformTokens,
    /// Token requests per path and appid.
    pub(crate) token_requests: TokenRequests,
    /// Events pushed to the application's callback.
    pub(crate) pushes: Pushes,
    /// The state model the server runs (the spec's, or a test's).
    pub(crate) state: StateTables,
    /// The records the state model keeps.
    pub(crate) engine: Engine,
    /// `http://` and the address the server is bound to.
    pub(crate) base_url: String,
    rid_prefix: u32,
    next_rid: AtomicU64,
}

impl Shared {
    /// The shared parts of a server of `table` running the state model `state`.
    pub(crate) fn with_state(
        config: MockConfig,
        table: &'static [Operation],
        state: StateTables,
        base_url: String,
    ) -> Self {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let media = Media::new(config.media_max_bytes, config.media_max_age);
        Self {
            pushes: Pushes::new(config.push.clone(), &config.appid),
            config,
            table,
            tokens: Tokens::default(),
            faults: Faults::default(),
            requests: RequestCounts::default(),
            media,
            answers: Answers::default(),
            platform_tokens: PlatformTokens::default(),
            token_requests: TokenRequests::default(),
            state,
            engine: Engine::new(state.resources, state.events),
            base_url,
            rid_prefix: (started & 0xffff_ffff) as u32,
            next_rid: AtomicU64::new(1),
        }
    }

    /// Issues a `component_verify_ticket` for `component_appid` and pushes it: the delivery's
    /// id, or `None` (nothing issued) without a push target, since a ticket no platform
    /// receives would only make its `api_component_token` fail with 61006.
    pub(crate) fn push_verify_ticket(&self, component_appid: &str) -> Option<u64> {
        self.pushes.target()?;
        let ticket = self.platform_tokens.issue_verify_ticket(component_appid);
        self.pushes.verify_ticket(component_appid, &ticket)
    }

    /// A request id for an error message, as WeChat appends one.
    fn rid(&self) -> String {
        let n = self.next_rid.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n:08x}", self.rid_prefix)
    }

    /// WeChat's error answer for a general code, with its message from `spec/errors.toml`.
    pub(crate) fn general_error(&self, code: i64, hint: Option<&str>) -> Response {
        self.error(code, general_message(code).unwrap_or("system error"), hint)
    }

    /// The answer to a refusal with a general code.
    pub(crate) fn refuse(&self, refusal: GeneralError) -> Response {
        let mut response = self.general_error(refusal.code, refusal.hint.as_deref());
        *response.status_mut() = refusal.status;
        response
    }

    /// WeChat's error answer for `code` with `message`.
    pub(crate) fn error(&self, code: i64, message: &str, hint: Option<&str>) -> Response {
        answer::error(code, message, hint, &self.rid())
    }
}
