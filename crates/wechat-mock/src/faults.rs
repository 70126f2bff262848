//! Fault injection: what a mock server does instead of answering normally, so tests can
//! drive a client's retries, token renewal and error handling.
//!
//! Faults wait in a queue and apply to calls of spec operations only, not to the admin routes:
//! each call takes the first queued fault that targets it. The token endpoints
//! `/cgi-bin/stable_token` and `/cgi-bin/token` take only faults that name them
//! (`.only("get_stable_access_token")`), since they are how a client recovers from the
//! others. Latency applies to every WeChat route, token endpoints included.
//!
//! A fault replaces the answer before the mock checks the call (token, query, body), except
//! an [`Answer`](FaultKind::Answer): it replaces only the success answer, so it goes to the
//! first call that passes the checks, and a client that sends a wrong body still hears so.
//!
//! Retries meet faults: a client with the default `RetryPolicy` (3 attempts) retries
//! transport failures, HTTP 5xx and the retryable codes (-1, 72036), so each attempt takes
//! the next queued fault, and one 503 or one -1 is absorbed (the call returns `Ok`). Build the
//! client with `RetryPolicy::none()`, as
//! [`MockServer::client_builder`](crate::MockServer::client_builder) does, to see every fault;
//! keep the default and queue `times(n)` to test the retries, counting attempts with
//! [`MockServer::requests`](crate::MockServer::requests).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a faulty answer looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// A WeChat error answer with this `errcode`, e.g. -1 (system busy) or 72036 (invoice busy).
    Errcode {
        /// The code.
        errcode: i64,
        /// The message; by default the one the spec gives the code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        errmsg: Option<String>,
    },
    /// This HTTP status (e.g. 502, 503) with a short text body.
    HttpStatus {
        /// The status code, 100 to 999.
        status: u16,
    },
    /// HTTP 200 with an HTML error page, as a misbehaving gateway sends.
    Html,
    /// HTTP 200 with the success answer cut in half: JSON that ends too early.
    TruncatedJson,
    /// This success answer in place of the one the mock would give, with `"errcode": 0,
    /// "errmsg": "ok"` added where the operation's answers carry them. It goes to the first
    /// targeted call that passes the mock's checks, and changes no state.
    Answer {
        /// The answer's fields, a JSON object.
        body: Value,
    },
    /// The mock's own answer: with [`Fault::delay`], a slow answer and nothing else.
    Normal,
}

impl FaultKind {
    /// Whether the fault stands in for the success answer only, after the mock's checks.
    fn replaces_success(&self) -> bool {
        matches!(self, Self::Answer { .. })
    }
}

/// A fault and how many calls it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What the answer looks like.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many calls get it; default 1.
    #[serde(default = "one")]
    pub times: u32,
    /// Only calls of this operation (snake_case name, e.g. `insert_bill`) get it; default all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Milliseconds the mock waits before it answers, besides the latency of every answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// Which queued faults a route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Those for its operation and those for every operation.
    Every,
    /// Only those that name its operation: the token endpoints, how a client recovers.
    Named,
}

impl Reach {
    fn targets(self, fault: &Fault, operation: &str) -> bool {
        match (self, fault.operation.as_deref()) {
            (_, Some(name)) => name == operation,
            (Self::Every, None) => true,
            (Self::Named, None) => false,
        }
    }
}

/// A fault taken off the queue for one call: what to answer, and how long to wait first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Taken {
    /// What to answer.
    pub(crate) kind: FaultKind,
    /// How long to wait before answering.
    pub(crate) delay: Duration,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// The next call answers WeChat error `errcode`.
    pub fn errcode(errcode: i64) -> Self {
        Self::new(FaultKind::Errcode { errcode, errmsg: None })
    }

    /// The next call answers WeChat error `errcode` with `errmsg`.
    pub fn error(errcode: i64, errmsg: impl Into<String>) -> Self {
        Self::new(FaultKind::Errcode { errcode, errmsg: Some(errmsg.into()) })
    }

    /// The next call that passes the mock's checks answers `body` (a JSON object of the
    /// answer's fields) as its success answer.
    pub fn answer(body: Value) -> Self {
        Self::new(FaultKind::Answer { body })
    }

    /// The next call gets the mock's own answer, `delay` late.
    pub fn slow(delay: Duration) -> Self {
        Self::new(FaultKind::Normal).delay(delay)
    }

    /// The next call answers HTTP `status`.
    pub fn http_status(status: u16) -> Self {
        Self::new(FaultKind::HttpStatus { status })
    }

    /// The next call answers an HTML page.
    pub fn html() -> Self {
        Self::new(FaultKind::Html)
    }

    /// The next call answers truncated JSON.
    pub fn truncated_json() -> Self {
        Self::new(FaultKind::TruncatedJson)
    }

    fn new(kind: FaultKind) -> Self {
        Self { kind, times: 1, operation: None, delay_ms: None }
    }

    /// Waits `delay` before answering (millisecond precision).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// The next `times` calls get it instead of only the next one.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Only calls of `operation` get it.
    pub fn only(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }
}

/// Why a fault was not queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    /// `times` is zero.
    #[error("times must be at least 1")]
    ZeroTimes,
    /// Not an HTTP status code.
    #[error("status {0} is not an HTTP status code (100 to 999)")]
    BadStatus(u16),
    /// The operation is not in the spec.
    #[error("no operation named `{0}` in the spec")]
    UnknownOperation(String),
    /// An answer that is not a JSON object of fields.
    #[error("an answer must be a JSON object of the answer's fields: {0}")]
    BadAnswer(String),
}

/// The faults of one mock server.
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
    latency: Mutex<Duration>,
}

impl Faults {
    fn queue(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a fault behind those already queued.
    pub fn push(&self, fault: Fault) -> Result<(), FaultError> {
        if fault.times == 0 {
            return Err(FaultError::ZeroTimes);
        }
        if let FaultKind::HttpStatus { status } = fault.kind
            && !(100..=999).contains(&status)
        {
            return Err(FaultError::BadStatus(status));
        }
        if let FaultKind::Answer { body } = &fault.kind
            && !body.is_object()
        {
            return Err(FaultError::BadAnswer(format!("found {body}")));
        }
        let mut fault = fault;
        if let Some(name) = &fault.operation {
            // `group/name` and a bare name are the same operation; keep the form calls carry.
            let op = crate::spec_table::operation(name)
                .ok_or_else(|| FaultError::UnknownOperation(name.clone()))?;
            fault.operation = Some(op.key.to_owned());
        }
        self.queue().push_back(fault);
        Ok(())
    }

    /// The next `times` calls answer WeChat's busy code `errcode` (-1 or 72036).
    pub fn busy(&self, errcode: i64, times: u32) -> Result<(), FaultError> {
        self.push(Fault::errcode(errcode).times(times))
    }

    /// The faults still queued, first first.
    pub fn pending(&self) -> Vec<Fault> {
        self.queue().iter().cloned().collect()
    }

    /// Drops every queued fault and the latency.
    pub fn clear(&self) {
        self.queue().clear();
        self.set_latency(Duration::ZERO);
    }

    /// Delays every answer of a WeChat route by `latency` (zero for none).
    pub fn set_latency(&self, latency: Duration) {
        *self.latency.lock().unwrap_or_else(PoisonError::into_inner) = latency;
    }

    /// The delay every answer gets.
    pub fn latency(&self) -> Duration {
        *self.latency.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the fault for a call of `operation` before the mock checks it, if one is queued
    /// for it: any but an [`Answer`](FaultKind::Answer).
    pub(crate) fn take(&self, operation: &str, reach: Reach) -> Option<Taken> {
        self.take_where(|f| !f.kind.replaces_success() && reach.targets(f, operation))
    }

    /// Takes the [`Answer`](FaultKind::Answer) queued for a call of `operation` that passed
    /// the mock's checks, if any.
    pub(crate) fn take_answer(&self, operation: &str, reach: Reach) -> Option<Value> {
        let taken = self.take_where(|f| f.kind.replaces_success() && reach.targets(f, operation))?;
        match taken.kind {
            FaultKind::Answer { body } => Some(body),
            _ => None,
        }
    }

    fn take_where(&self, targets: impl Fn(&Fault) -> bool) -> Option<Taken> {
        let mut queue = self.queue();
        let index = queue.iter().position(targets)?;
        let fault = &mut queue[index];
        let taken = Taken {
            kind: fault.kind.clone(),
            delay: Duration::from_millis(fault.delay_ms.unwrap_or_default()),
        };
        fault.times -= 1;
        if fault.times == 0 {
            queue.remove(index);
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kind(taken: Option<Taken>) -> Option<FaultKind> {
        taken.map(|t| t.kind)
    }

    #[test]
    fn answers_wait_for_a_call_that_passes_the_checks() {
        let faults = Faults::default();
        faults.push(Fault::answer(json!({"code": "1"})).only("decrypt_code")).unwrap();
        faults.push(Fault::errcode(-1).only("decrypt_code").delay(Duration::from_millis(30))).unwrap();
        // The error is taken before the checks although the answer was queued first.
        let taken = faults.take("card_code/decrypt_code", Reach::Every).unwrap();
        assert_eq!(taken.kind, FaultKind::Errcode { errcode: -1, errmsg: None });
        assert_eq!(taken.delay, Duration::from_millis(30));
        assert_eq!(faults.take("card_code/decrypt_code", Reach::Every), None);
        assert_eq!(faults.take_answer("card_code/get_code", Reach::Every), None);
        assert_eq!(faults.take_answer("card_code/decrypt_code", Reach::Named), Some(json!({"code": "1"})));
        assert!(faults.pending().is_empty());
        assert!(matches!(faults.push(Fault::answer(json!([1]))), Err(FaultError::BadAnswer(_))));
    }

    #[test]
    fn faults_are_taken_in_order_and_by_target() {
        let faults = Faults::default();
        faults.push(Fault::errcode(-1).times(2)).unwrap();
        faults.push(Fault::html().only("insert_bill")).unwrap();
        let busy = FaultKind::Errcode { errcode: -1, errmsg: None };
        assert_eq!(kind(faults.take("invoice/get_auth_data", Reach::Every)), Some(busy.clone()));
        assert_eq!(kind(faults.take("invoice/get_auth_data", Reach::Every)), Some(busy));
        assert_eq!(faults.take("invoice/get_auth_data", Reach::Every), None);
        assert_eq!(kind(faults.take("nontax/insert_bill", Reach::Every)), Some(FaultKind::Html));
        assert!(faults.pending().is_empty());

        faults.push(Fault::errcode(-1)).unwrap();
        faults.push(Fault::errcode(45009).only("get_stable_access_token")).unwrap();
        assert_eq!(
            kind(faults.take("token/get_stable_access_token", Reach::Named)),
            Some(FaultKind::Errcode { errcode: 45009, errmsg: None })
        );
        assert_eq!(
            faults.take("token/get_stable_access_token", Reach::Named),
            None,
            "a fault for every operation stays"
        );
        assert_eq!(faults.pending().len(), 1);
    }

    #[test]
    fn bad_faults_are_refused() {
        let faults = Faults::default();
        assert_eq!(faults.push(Fault::html().times(0)), Err(FaultError::ZeroTimes));
        assert_eq!(faults.push(Fault::http_status(42)), Err(FaultError::BadStatus(42)));
        assert!(matches!(faults.push(Fault::html().only("nope")), Err(FaultError::UnknownOperation(_))));
        faults.set_latency(Duration::from_millis(5));
        faults.clear();
        assert_eq!(faults.latency(), Duration::ZERO);
    }

    #[test]
    fn faults_read_from_admin_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"kind": "errcode", "errcode": 72036, "times": 2, "operation": "insert_bill"}"#,
        )
        .unwrap();
        assert_eq!(fault, Fault::errcode(72036).times(2).only("insert_bill"));
        let fault: Fault = serde_json::from_str(r#"{"kind": "http_status", "status": 503}"#).unwrap();
        assert_eq!(fault, Fault::http_status(503));
        let fault: Fault = serde_json::from_str(
            r#"{"kind": "errcode", "errcode": 40075, "errmsg": "invalid encrypt code", "delay_ms": 20}"#,
        )
        .unwrap();
        assert_eq!(fault, Fault::error(40075, "invalid encrypt code").delay(Duration::from_millis(20)));
        let fault: Fault =
            serde_json::from_str(r#"{"kind": "answer", "body": {"code": "110201201245"}}"#).unwrap();
        assert_eq!(fault, Fault::answer(json!({"code": "110201201245"})));
        let fault: Fault = serde_json::from_str(r#"{"kind": "normal", "delay_ms": 1500}"#).unwrap();
        assert_eq!(fault, Fault::slow(Duration::from_millis(1500)));
        assert!(serde_json::from_str::<Fault>(r#"{"kind": "explode"}"#).is_err());
    }
}
