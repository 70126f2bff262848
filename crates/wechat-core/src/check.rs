//! Limits the spec states (lengths, ranges, item counts), checked before a request is sent so
//! a value WeChat would refuse never leaves the process. Generated types implement [`Check`]
//! where they, or a type they hold, have limits; the rest cost nothing. [`Limits::violation`]
//! is the one rule: the generator's example checks and wechat-mock measure with it too
//! (through the `shape` module), so a limit means the same in the three places.

use std::collections::BTreeMap;
use std::fmt;

/// A value the spec's limits apply to, checked before sending.
pub trait Check {
    /// The first value outside its limits, named by its path under `path`.
    fn check(&self, path: &str) -> Result<(), Invalid>;
}

impl<T: Check> Check for Option<T> {
    fn check(&self, path: &str) -> Result<(), Invalid> {
        self.as_ref().map_or(Ok(()), |value| value.check(path))
    }
}

impl<T: Check> Check for Box<T> {
    fn check(&self, path: &str) -> Result<(), Invalid> {
        (**self).check(path)
    }
}

impl<T: Check> Check for Vec<T> {
    fn check(&self, path: &str) -> Result<(), Invalid> {
        self.iter().enumerate().try_for_each(|(i, item)| item.check(&format!("{path}[{i}]")))
    }
}

impl<T: Check> Check for BTreeMap<String, T> {
    fn check(&self, path: &str) -> Result<(), Invalid> {
        self.iter().try_for_each(|(key, item)| item.check(&join(path, key)))
    }
}

/// The limits of one field, as the spec states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Strings: fewest characters.
    pub min_length: Option<u64>,
    /// Strings: most characters.
    pub max_length: Option<u64>,
    /// Strings: most UTF-8 bytes (WeChat's `string(N)`).
    pub max_bytes: Option<u64>,
    /// Numbers: smallest value.
    pub minimum: Option<i64>,
    /// Numbers: largest value.
    pub maximum: Option<i64>,
    /// Arrays: fewest items.
    pub min_items: Option<u64>,
    /// Arrays: most items.
    pub max_items: Option<u64>,
}

impl Limits {
    /// No limit; generated code sets the ones the spec states over it.
    pub const NONE: Self = Self {
        min_length: None,
        max_length: None,
        max_bytes: None,
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
    };

    /// True when no limit is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::NONE
    }

    /// The first limit `measure` breaks, if any: the one rule the generated `Check` impls,
    /// wechat-mock and the generator's example checks apply (`shape` feature), so a limit
    /// means the same in the three places. A text is measured against `max_bytes` first,
    /// then `max_length` and `min_length`; a number against `minimum`, then `maximum`; a
    /// list against `max_items`, then `min_items`.
    pub fn violation(&self, measure: Measure) -> Option<Violation> {
        match measure {
            Measure::Text { chars, bytes } => {
                if let Some(max) = self.max_bytes.filter(|max| bytes > *max) {
                    Some(Violation::TooManyBytes { max, found: bytes })
                } else if let Some(max) = self.max_length.filter(|max| chars > *max) {
                    Some(Violation::TooLong { max, found: chars })
                } else {
                    self.min_length
                        .filter(|min| chars < *min)
                        .map(|min| Violation::TooShort { min, found: chars })
                }
            }
            #[allow(clippy::cast_precision_loss)] // limits are small integers, exact as f64
            Measure::Number(n) => {
                if let Some(min) = self.minimum.filter(|min| n < *min as f64) {
                    Some(Violation::Below { min, found: n })
                } else {
                    self.maximum.filter(|max| n > *max as f64).map(|max| Violation::Above { max, found: n })
                }
            }
            Measure::Items(items) => {
                if let Some(max) = self.max_items.filter(|max| items > *max) {
                    Some(Violation::TooManyItems { max, found: items })
                } else {
                    self.min_items
                        .filter(|min| items < *min)
                        .map(|min| Violation::TooFewItems { min, found: items })
                }
            }
        }
    }
}

impl Default for Limits {
    /// [`Limits::NONE`].
    fn default() -> Self {
        Self::NONE
    }
}

/// What can be measured against [`Limits`]: text, numbers, lists, and any of them optional.
pub trait Measured {
    /// The measure, or `None` when there is no value to measure.
    fn measure(&self) -> Option<Measure>;
}

/// A value's size or magnitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// A string: characters and UTF-8 bytes.
    Text {
        /// Characters.
        chars: u64,
        /// UTF-8 bytes.
        bytes: u64,
    },
    /// A number.
    Number(f64),
    /// A list: its items.
    Items(u64),
}

impl Measured for String {
    fn measure(&self) -> Option<Measure> {
        Some(Measure::Text { chars: self.chars().count() as u64, bytes: self.len() as u64 })
    }
}

impl<T> Measured for Vec<T> {
    fn measure(&self) -> Option<Measure> {
        Some(Measure::Items(self.len() as u64))
    }
}

impl<T: Measured> Measured for Option<T> {
    fn measure(&self) -> Option<Measure> {
        self.as_ref()?.measure()
    }
}

macro_rules! measured_numbers {
    ($($ty:ty),*) => {$(
        impl Measured for $ty {
            #[allow(clippy::cast_precision_loss)] // limits are small integers; the comparison is exact for them
            fn measure(&self) -> Option<Measure> {
                Some(Measure::Number(*self as f64))
            }
        }
    )*};
}

measured_numbers!(i32, i64, u32, u64, f64);

/// Checks one field of the object at `path` against its limits.
#[doc(hidden)] // Called by the generated `Check` impls, not part of the API.
pub fn limit<T: Measured + ?Sized>(
    value: &T,
    path: &str,
    field: &str,
    limits: &Limits,
) -> Result<(), Invalid> {
    let Some(measure) = value.measure() else { return Ok(()) };
    match limits.violation(measure) {
        Some(violation) => Err(Invalid { path: join(path, field), violation }),
        None => Ok(()),
    }
}

/// `path.key`, or `key` at the top level.
#[doc(hidden)] // Called by the generated `Check` impls, not part of the API.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// A value outside the limits the spec states, found before sending.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{path}` {violation}")]
pub struct Invalid {
    /// JSON path of the value, e.g. `card.groupon.base_info.title`.
    pub path: String,
    /// Which limit it breaks.
    pub violation: Violation,
}

/// Which limit a value breaks. Text is never quoted: it may be anything a caller holds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// More UTF-8 bytes than WeChat's `string(N)` budget.
    TooManyBytes {
        /// The budget.
        max: u64,
        /// The value's bytes.
        found: u64,
    },
    /// More characters than allowed.
    TooLong {
        /// The limit.
        max: u64,
        /// The value's characters.
        found: u64,
    },
    /// Fewer characters than required.
    TooShort {
        /// The limit.
        min: u64,
        /// The value's characters.
        found: u64,
    },
    /// A number below the minimum.
    Below {
        /// The minimum.
        min: i64,
        /// The value.
        found: f64,
    },
    /// A number above the maximum.
    Above {
        /// The maximum.
        max: i64,
        /// The value.
        found: f64,
    },
    /// More items than allowed.
    TooManyItems {
        /// The limit.
        max: u64,
        /// The items.
        found: u64,
    },
    /// Fewer items than required.
    TooFewItems {
        /// The limit.
        min: u64,
        /// The items.
        found: u64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooManyBytes { max, found } => {
                write!(f, "is {found} bytes of UTF-8; WeChat takes at most {max} (a Chinese character is 3)")
            }
            Self::TooLong { max, found } => {
                write!(f, "is {found} characters long; at most {max} are allowed")
            }
            Self::TooShort { min, found } => {
                write!(f, "is {found} characters long; at least {min} are needed")
            }
            Self::Below { min, found } => write!(f, "is {found}; the smallest allowed is {min}"),
            Self::Above { max, found } => write!(f, "is {found}; the largest allowed is {max}"),
            Self::TooManyItems { max, found } => write!(f, "has {found} items; at most {max} are allowed"),
            Self::TooFewItems { min, found } => write!(f, "has {found} items; at least {min} are needed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_names_the_field_and_the_number() {
        let title = Limits { max_bytes: Some(27), ..Limits::NONE };
        assert_eq!(limit(&"九个汉字的标题很长吧".to_owned(), "card.base_info", "title", &title).map_err(|e| e.to_string()),
            Err("`card.base_info.title` is 30 bytes of UTF-8; WeChat takes at most 27 (a Chinese character is 3)".to_owned()));
        assert!(limit(&"A twenty-seven byte title..".to_owned(), "", "title", &title).is_ok());
        let seconds = Limits { minimum: Some(60), maximum: Some(1800), ..Limits::NONE };
        assert_eq!(
            limit(&Some(59u32), "", "expire_seconds", &seconds).map_err(|e| e.to_string()),
            Err("`expire_seconds` is 59; the smallest allowed is 60".to_owned())
        );
        assert!(limit(&None::<u32>, "", "expire_seconds", &seconds).is_ok());
        let cards = Limits { max_items: Some(5), ..Limits::NONE };
        assert_eq!(
            limit(&vec![(); 6], "action_info", "card_list", &cards).map_err(|e| e.to_string()),
            Err("`action_info.card_list` has 6 items; at most 5 are allowed".to_owned())
        );
    }
}
