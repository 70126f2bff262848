//! Fault injection typed by the client's operations: `mock.on::<InsertBillRequest>()` names the
//! operation by its request type, [`fail`](On::fail) takes the operation's own error-code enum
//! and [`answer`](On::answer) its response type, so a test written against the generated client
//! stops compiling when the spec changes under it, instead of injecting a code or a body the
//! client no longer has.
//!
//! The helpers queue ordinary [`Fault`]s, the same the admin routes take by name.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::Serialize;
use wechat_core::{ErrorCode, Operation};

use crate::faults::{Fault, FaultError, Faults};

/// What the next calls of operation `O` get; from [`MockServer::on`](crate::MockServer::on).
///
/// Set [`times`](On::times) and [`after`](On::after) first, then say what the calls get:
/// [`fail`](On::fail), [`answer`](On::answer), [`http_status`](On::http_status),
/// [`html`](On::html), [`truncated_json`](On::truncated_json) or [`delay`](On::delay).
///
/// The answer must be of the operation's response type. This compiles:
///
/// ```
/// # async fn run() -> Result<(), wechat_mock::MockError> {
/// use wechat_card::card_code::{DecryptCodeRequest, DecryptCodeResponse};
/// use wechat_mock::{MockConfig, MockServer};
///
/// let mock = MockServer::start(MockConfig::demo()).await?;
/// mock.on::<DecryptCodeRequest>().answer(&DecryptCodeResponse::new("110201201245"))?;
/// # Ok(())
/// # }
/// ```
///
/// and the same with another operation's response does not:
///
/// ```compile_fail,E0308
/// # async fn run() -> Result<(), wechat_mock::MockError> {
/// use wechat_card::card::CreateCardResponse;
/// use wechat_card::card_code::DecryptCodeRequest;
/// use wechat_mock::{MockConfig, MockServer};
///
/// let mock = MockServer::start(MockConfig::demo()).await?;
/// mock.on::<DecryptCodeRequest>().answer(&CreateCardResponse::new("110201201245"))?;
/// # Ok(())
/// # }
/// ```
///
/// nor does failing with another operation's code:
///
/// ```compile_fail,E0308
/// # async fn run() -> Result<(), wechat_mock::MockError> {
/// use wechat_card::card_code::DecryptCodeRequest;
/// use wechat_card::nontax::InsertBillErrorCode;
/// use wechat_mock::{MockConfig, MockServer};
///
/// let mock = MockServer::start(MockConfig::demo()).await?;
/// mock.on::<DecryptCodeRequest>().fail(InsertBillErrorCode::BillingCodeAndNoRepeated)?;
/// # Ok(())
/// # }
/// ```
#[must_use = "nothing is queued until `fail`, `answer` or another answer is chosen"]
pub struct On<'a, O> {
    faults: &'a Faults,
    times: u32,
    delay: Option<Duration>,
    operation: PhantomData<fn() -> O>,
}

impl<O: Operation> fmt::Debug for On<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("On")
            .field("operation", &key::<O>())
            .field("times", &self.times)
            .field("delay", &self.delay)
            .finish()
    }
}

/// The mock's name of operation `O`: `group/name`.
fn key<O: Operation>() -> String {
    format!("{}/{}", O::ENDPOINT.group, O::ENDPOINT.name)
}

impl<'a, O: Operation> On<'a, O> {
    pub(crate) fn new(faults: &'a Faults) -> Self {
        Self { faults, times: 1, delay: None, operation: PhantomData }
    }

    /// The next `times` calls get it instead of only the next one; zero is refused when the
    /// fault is queued.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// The mock waits `delay` before it answers.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The calls fail with `code` and the message WeChat gives it, as the client decodes into
    /// `Error::Api` with that code.
    pub fn fail(self, code: O::ErrorCode) -> Result<(), FaultError> {
        self.push(Fault::error(code.code(), code.message()))
    }

    /// The calls that pass the mock's checks (token, query, body) get `response` as their
    /// success answer, with `errcode` 0 where the operation's answers carry one. No state
    /// changes: an overridden `insert_bill` bills nothing. The response is written as JSON:
    /// `wechat-card`'s response types are `Serialize` with its `serialize-responses` feature.
    pub fn answer(self, response: &O::Response) -> Result<(), FaultError>
    where
        O::Response: Serialize,
    {
        let body = serde_json::to_value(response).map_err(|e| FaultError::BadAnswer(e.to_string()))?;
        self.push(Fault::answer(body))
    }

    /// The calls get HTTP `status` (100 to 999) with a short text body.
    pub fn http_status(self, status: u16) -> Result<(), FaultError> {
        self.push(Fault::http_status(status))
    }

    /// The calls get HTTP 200 with an HTML error page, as a misbehaving gateway sends.
    pub fn html(self) -> Result<(), FaultError> {
        self.push(Fault::html())
    }

    /// The calls get HTTP 200 with the success answer cut in half.
    pub fn truncated_json(self) -> Result<(), FaultError> {
        self.push(Fault::truncated_json())
    }

    /// The calls get the mock's own answer, `delay` late.
    pub fn delay(self, delay: Duration) -> Result<(), FaultError> {
        self.after(delay).push(Fault::slow(Duration::ZERO))
    }

    fn push(self, fault: Fault) -> Result<(), FaultError> {
        let fault = fault.times(self.times).only(key::<O>());
        let fault = match self.delay {
            Some(delay) => fault.delay(delay),
            None => fault,
        };
        self.faults.push(fault)
    }
}
