//! The last success answer of each operation, as the mock sent it: what a test compares a
//! client's decoded answer with when the answer comes from state (an id, a token, a link)
//! rather than from the spec's example.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::Value;

/// Success answers by operation name, the last one each.
#[derive(Default)]
pub struct Answers {
    last: Mutex<BTreeMap<&'static str, Value>>,
}

// Answers hold tokens: Debug names the operations only.
impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.lock().keys()).finish()
    }
}

impl Answers {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<&'static str, Value>> {
        self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, operation: &'static str, body: Value) {
        self.lock().insert(operation, body);
    }

    /// The last success answer to `operation` (`group/name`, or the bare snake_case name), the
    /// whole JSON body as sent.
    pub fn last(&self, operation: &str) -> Option<Value> {
        let name = crate::spec_table::operation(operation).map_or(operation, |op| op.key);
        self.lock().get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_last_answer_per_operation_is_kept_and_debug_hides_it() {
        let answers = Answers::default();
        answers.record("token/get_access_token", json!({"access_token": "first"}));
        answers.record("token/get_access_token", json!({"access_token": "second"}));
        assert_eq!(answers.last("get_access_token"), Some(json!({"access_token": "second"})));
        assert_eq!(answers.last("insert_bill"), None);
        let printed = format!("{answers:?}");
        assert!(printed.contains("get_access_token") && !printed.contains("second"), "{printed}");
    }
}
