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
}

impl BuildError {
    /// The value a required field was set to, or [`BuildError::MissingField`] naming it.
    /// Generated builders call this once per required field.
    pub fn require<T>(value: Option<T>, type_name: &'static str, field: &'static str) -> Result<T, Self> {
        value.ok_or(Self::MissingField { type_name, field })
    }
}

#[cfg(test)]
mod tests {
    use super::BuildError;

    #[test]
    fn a_missing_field_names_the_type_and_the_field() {
        let error = BuildError::require::<String>(None, "InvoiceUserData", "billing_code")
            .expect_err("nothing was set");
        assert_eq!(error, BuildError::MissingField { type_name: "InvoiceUserData", field: "billing_code" });
        assert_eq!(
            error.to_string(),
            "cannot build `InvoiceUserData`: the required field `billing_code` was not set"
        );
    }

    #[test]
    fn a_set_field_is_passed_through() {
        assert_eq!(BuildError::require(Some(7), "T", "f"), Ok(7));
    }
}
