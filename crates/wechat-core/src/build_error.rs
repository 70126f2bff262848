//! The one error of every builder: the client's, and each generated value's.

/// A builder could not build: a required field was never set, or a setting cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// `build()` was called before the setter of a required field.
    #[error("cannot build `{type_name}`: the required field `{field}` was not set")]
    MissingField {
        /// The type being built, e.g. `InvoiceUserData`.
        type_name: &'static str,
        /// The field left unset, named as its setter is.
        field: &'static str,
    },
    /// The client builder was given a setting that cannot work.
    #[error("invalid client configuration: {0}")]
    InvalidClient(String),
    /// A token provider waits for another instance's renewal (`renewal_wait`) less long than
    /// that renewal's lock lasts (`lock_ttl`): its calls would give up before the lock of an
    /// instance that died holding it expires, and fail rather than renew.
    #[error(
        "renewal_wait ({renewal_wait:?}) is shorter than lock_ttl ({lock_ttl:?}): calls would give up \
         before a dead holder's lock expires; make renewal_wait at least lock_ttl"
    )]
    RenewalWaitBelowLockTtl {
        /// How long a call waits for another instance's renewal.
        renewal_wait: std::time::Duration,
        /// How long the renewal lock lasts if its holder never releases it.
        lock_ttl: std::time::Duration,
    },
}

impl BuildError {
    /// For a builder of `type_name`: the [`BuildError::MissingField`] of each of its fields.
    /// A generated `build()` makes it once and answers it for the first required field it was
    /// not given.
    pub fn missing_from(type_name: &'static str) -> impl Fn(&'static str) -> Self {
        move |field| Self::MissingField { type_name, field }
    }
}

#[cfg(test)]
mod tests {
    use super::BuildError;

    #[test]
    fn a_missing_field_names_the_type_and_the_field() {
        let error = BuildError::missing_from("InvoiceUserData")("billing_code");
        assert_eq!(error, BuildError::MissingField { type_name: "InvoiceUserData", field: "billing_code" });
        assert_eq!(
            error.to_string(),
            "cannot build `InvoiceUserData`: the required field `billing_code` was not set"
        );
    }
}
