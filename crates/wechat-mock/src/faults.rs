//! Fault injection: what a mock server does instead of answering normally, so tests can
//! drive a client's retries, token renewal and error handling.
//!
//! Faults wait in a queue and apply to calls of spec operations only, not to the admin routes:
//! each call takes the first queued fault that targets it. The token endpoints
//! `/cgi-bin/stable_token` and `/cgi-bin/token` take only faults that name them
//! (`.only("get_stable_access_token")`), since they are how a client recovers from the
//! others. Latency applies to every WeChat route, token endpoints included.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a faulty answer looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// A WeChat error answer with this `errcode`, e.g. -1 (system busy) or 72036 (invoice busy).
    Errcode {
        /// The code.
        errcode: i64,
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
}

fn one() -> u32 {
    1
}

impl Fault {
    /// The next call answers WeChat error `errcode`.
    pub fn errcode(errcode: i64) -> Self {
        Self::new(FaultKind::Errcode { errcode })
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
        Self { kind, times: 1, operation: None }
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

    /// Takes the fault for a call of `operation`, if one is queued for it.
    pub(crate) fn take(&self, operation: &str) -> Option<FaultKind> {
        self.take_where(|target| target.is_none_or(|name| name == operation))
    }

    /// Takes the first fault queued for `operation` by name; faults for every operation stay.
    pub(crate) fn take_named(&self, operation: &str) -> Option<FaultKind> {
        self.take_where(|target| target == Some(operation))
    }

    fn take_where(&self, targets: impl Fn(Option<&str>) -> bool) -> Option<FaultKind> {
        let mut queue = self.queue();
        let index = queue.iter().position(|f| targets(f.operation.as_deref()))?;
        let fault = &mut queue[index];
        let kind = fault.kind.clone();
        fault.times -= 1;
        if fault.times == 0 {
            queue.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_taken_in_order_and_by_target() {
        let faults = Faults::default();
        faults.push(Fault::errcode(-1).times(2)).unwrap();
        faults.push(Fault::html().only("insert_bill")).unwrap();
        assert_eq!(faults.take("invoice/get_auth_data"), Some(FaultKind::Errcode { errcode: -1 }));
        assert_eq!(faults.take("invoice/get_auth_data"), Some(FaultKind::Errcode { errcode: -1 }));
        assert_eq!(faults.take("invoice/get_auth_data"), None);
        assert_eq!(faults.take("nontax/insert_bill"), Some(FaultKind::Html));
        assert!(faults.pending().is_empty());

        faults.push(Fault::errcode(-1)).unwrap();
        faults.push(Fault::errcode(45009).only("get_stable_access_token")).unwrap();
        assert_eq!(
            faults.take_named("token/get_stable_access_token"),
            Some(FaultKind::Errcode { errcode: 45009 })
        );
        assert_eq!(
            faults.take_named("token/get_stable_access_token"),
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
        assert!(serde_json::from_str::<Fault>(r#"{"kind": "explode"}"#).is_err());
    }
}
