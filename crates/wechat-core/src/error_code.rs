//! Typed WeChat error codes: the contract between generated code-enums and the runtime.

use std::fmt;

/// How the client reacts to an error code (from the spec's `retry` key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Give the error to the caller.
    Never,
    /// WeChat is busy: retry with backoff while the retry policy allows.
    Backoff,
    /// The token is bad: renew it and retry once.
    RenewToken,
}

/// An `errcode` as a typed value. Generated per operation; unknown codes are kept, never lost.
pub trait ErrorCode: Copy + Eq + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The typed value of a raw `errcode`.
    fn from_code(code: i64) -> Self;
    /// The raw `errcode`.
    fn code(&self) -> i64;
    /// WeChat's message for the code, as documented.
    fn message(&self) -> &'static str;
    /// How the client reacts to it.
    fn retry(&self) -> Retry;

    /// `72038 (invoice order never auth)`: the `Display` of generated code enums.
    fn fmt_code(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.message())
    }
}

/// Implements [`ErrorCode`], `Display` and the conversion into the crate-wide code enum for
/// an enum that lists some of a crate's codes by name.
///
/// Each code is defined once, in the crate-wide enum (`all`): its `errcode`, message and
/// retry live there, and an operation's enum only names the codes the operation answers,
/// with the same variant names. Codes it does not list go to its last variant: either
/// `General(G)` (an operation's enum, where `G` is the enum of WeChat's general codes) or
/// `Unknown(i64)` (the general enum itself, whose unknown codes still convert to the
/// crate-wide variant when the crate knows them from another operation).
///
/// ```
/// use wechat_core::{ErrorCode, Retry};
///
/// // The crate-wide enum: every code once.
/// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// pub enum Code { SystemBusy, InvalidParams, Unknown(i64) }
/// wechat_core::code_table!(Code {
///     SystemBusy = -1, "system error", Backoff;
///     InvalidParams = 72031, "invalid params", Never;
/// });
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// pub enum GeneralErrorCode { SystemBusy, Unknown(i64) }
/// wechat_core::error_codes!(GeneralErrorCode in Code { SystemBusy } else Unknown(i64));
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// pub enum InsertBillErrorCode { InvalidParams, General(GeneralErrorCode) }
/// wechat_core::error_codes!(InsertBillErrorCode in Code { InvalidParams } else General(GeneralErrorCode));
///
/// assert_eq!(InsertBillErrorCode::from_code(72031), InsertBillErrorCode::InvalidParams);
/// assert_eq!(InsertBillErrorCode::from_code(-1).retry(), Retry::Backoff);
/// assert_eq!(InsertBillErrorCode::InvalidParams.to_string(), "72031 (invalid params)");
/// assert_eq!(Code::from(InsertBillErrorCode::General(GeneralErrorCode::SystemBusy)), Code::SystemBusy);
/// // Not an insert_bill code, but a code the crate knows: still typed crate-wide.
/// assert_eq!(Code::from(GeneralErrorCode::from_code(72031)), Code::InvalidParams);
/// ```
#[macro_export]
macro_rules! error_codes {
    ($name:ident in $all:ty { $($variant:ident),* $(,)? } else General($general:ty)) => {
        $crate::error_codes!(@impl $name in $all { $($variant),* }
            unlisted: <$general as $crate::ErrorCode>::from_code,
            rest: General(general) => <$all as ::core::convert::From<$general>>::from(general));
    };
    ($name:ident in $all:ty { $($variant:ident),* $(,)? } else Unknown(i64)) => {
        $crate::error_codes!(@impl $name in $all { $($variant),* }
            unlisted: ::core::convert::identity::<i64>,
            rest: Unknown(code) => <$all as $crate::ErrorCode>::from_code(code));
    };
    (@impl $name:ident in $all:ty { $($variant:ident),* }
        unlisted: $unlisted:expr,
        rest: $rest:ident($bound:ident) => $into_all:expr) => {
        impl ::core::convert::From<$name> for $all {
            fn from(code: $name) -> Self {
                match code {
                    $($name::$variant => <$all>::$variant,)*
                    $name::$rest($bound) => $into_all,
                }
            }
        }

        impl $crate::ErrorCode for $name {
            fn from_code(code: i64) -> Self {
                // A loop and a path, not `find` and closures: each closure is one more body
                // for the compiler to check, in every operation's enum (BENCHMARKS.md).
                let all = <$all as $crate::ErrorCode>::from_code(code);
                let listed: &[$name] = &[$($name::$variant),*];
                for listed in listed {
                    if <$all>::from(*listed) == all {
                        return *listed;
                    }
                }
                $name::$rest(($unlisted)(code))
            }

            fn code(&self) -> i64 {
                $crate::ErrorCode::code(&<$all>::from(*self))
            }

            fn message(&self) -> &'static str {
                $crate::ErrorCode::message(&<$all>::from(*self))
            }

            fn retry(&self) -> $crate::Retry {
                $crate::ErrorCode::retry(&<$all>::from(*self))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::ErrorCode::fmt_code(self, f)
            }
        }
    };
}

/// Implements [`ErrorCode`] and `Display` for a crate-wide code enum from its table: one row
/// per code, `Variant = errcode, "WeChat's message", Retry;`, and an `Unknown(i64)` variant
/// for the codes the table does not hold.
///
/// ```
/// use wechat_core::{ErrorCode, Retry};
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// pub enum Code { SystemBusy, InvalidParams, Unknown(i64) }
/// wechat_core::code_table!(Code {
///     SystemBusy = -1, "system error", Backoff;
///     InvalidParams = 72031, "invalid params", Never;
/// });
///
/// assert_eq!(Code::from_code(72031), Code::InvalidParams);
/// assert_eq!(Code::from_code(-1).retry(), Retry::Backoff);
/// assert_eq!(Code::from_code(99999), Code::Unknown(99999));
/// assert_eq!(Code::Unknown(99999).to_string(), "99999 (unknown error code)");
/// ```
#[macro_export]
macro_rules! code_table {
    ($name:ident { $($variant:ident = $code:literal, $message:literal, $retry:ident;)* }) => {
        impl $crate::ErrorCode for $name {
            fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }

            fn code(&self) -> i64 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Unknown(code) => *code,
                }
            }

            fn message(&self) -> &'static str {
                match self {
                    $(Self::$variant => $message,)*
                    Self::Unknown(_) => "unknown error code",
                }
            }

            fn retry(&self) -> $crate::Retry {
                match self {
                    $(Self::$variant => $crate::Retry::$retry,)*
                    Self::Unknown(_) => $crate::Retry::Never,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::ErrorCode::fmt_code(self, f)
            }
        }
    };
}
