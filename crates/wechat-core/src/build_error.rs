//! The one error of every builder: the client's, and each generated value's.

/// A builder could not build: a required field was never set, the fields set break one of the
/// spec's rules, or a setting cannot work.
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
    /// The fields set break one of the spec's rules that tie fields together: one that
    /// `required_when` or `required_unless` requires is missing, or not exactly one field of a
    /// `one_of` set is set. The value would be refused by WeChat, so it is not built.
    #[error("cannot build `{type_name}`: `{field}` {rule}")]
    Invalid {
        /// The type being built, e.g. `SetMaintainRequest`.
        type_name: &'static str,
        /// The field the rule names, by its wire name (a path of the value, as in
        /// [`Invalid`](crate::Invalid)).
        field: String,
        /// The rule it breaks, in the words of [`Violation`](crate::check::Violation).
        rule: String,
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
    /// For a builder of `type_name`: the [`BuildError::Invalid`] of a rule its fields break.
    pub fn invalid_in(type_name: &'static str) -> impl Fn(crate::Invalid) -> Self {
        move |invalid| Self::Invalid { type_name, field: invalid.path, rule: invalid.violation.to_string() }
    }
}

/// The required fields of a builder of one type: what a generated `build()` takes each
/// required field through, one copy of [`take`](Self::take) per field type (a closure per
/// field made one copy per field).
#[derive(Debug, Clone, Copy)]
pub struct RequiredFields {
    type_name: &'static str,
}

impl RequiredFields {
    /// The required fields of `type_name`.
    pub fn of(type_name: &'static str) -> Self {
        Self { type_name }
    }

    /// The value of the required `field`, or the [`BuildError::MissingField`] naming it when
    /// it was not set.
    pub fn take<T>(&self, value: Option<T>, field: &'static str) -> Result<T, BuildError> {
        value.ok_or(BuildError::MissingField { type_name: self.type_name, field })
    }

    /// The [`BuildError::MissingField`] naming the first of `fields` not set (`(name, set)`
    /// pairs in declaration order): what a generated `build()` returns when its one `match` on
    /// the required fields finds one unset. Were all set, which such a `build()` never asks,
    /// the error names the last of them, or none when `fields` is empty.
    pub fn missing(&self, fields: &[(&'static str, bool)]) -> BuildError {
        BuildError::MissingField { type_name: self.type_name, field: crate::fields::first_unset(fields) }
    }
}

#[cfg(test)]
mod tests {
    use super::BuildError;
    use crate::check::Presence;

    #[test]
    fn a_required_field_is_taken_or_named_as_missing() {
        let required = super::RequiredFields::of("InvoiceUserData");
        assert_eq!(required.take(Some(7), "fee"), Ok(7));
        assert_eq!(
            required.take::<String>(None, "billing_code"),
            Err(BuildError::MissingField { type_name: "InvoiceUserData", field: "billing_code" })
        );
    }

    #[test]
    fn the_first_unset_of_several_fields_is_the_one_named() {
        let required = super::RequiredFields::of("InvoiceUserData");
        let missing = |field| BuildError::MissingField { type_name: "InvoiceUserData", field };
        assert_eq!(required.missing(&[("fee", true), ("title", false), ("code", false)]), missing("title"));
        assert_eq!(required.missing(&[("fee", false), ("title", true)]), missing("fee"));
        assert_eq!(required.missing(&[("fee", true), ("title", true)]), missing("title"));
        assert_eq!(required.missing(&[]), missing(""));
    }

    #[test]
    fn a_missing_field_names_the_type_and_the_field() {
        let error =
            super::RequiredFields::of("InvoiceUserData").take::<i64>(None, "billing_code").unwrap_err();
        assert_eq!(error, BuildError::MissingField { type_name: "InvoiceUserData", field: "billing_code" });
        assert_eq!(
            error.to_string(),
            "cannot build `InvoiceUserData`: the required field `billing_code` was not set"
        );
    }

    #[test]
    fn a_broken_rule_names_the_type_the_field_and_the_rule() {
        let invalid =
            crate::check::one_of("", &[("order_no", Presence::Absent), ("notice_no", Presence::Empty)])
                .expect_err("none set");
        let error = BuildError::invalid_in("OrderRequest")(invalid);
        assert_eq!(
            error.to_string(),
            "cannot build `OrderRequest`: `order_no` exactly one of order_no, notice_no is required; found none"
        );
    }
}
