//! Limits the spec states (lengths, ranges, item counts) and its rules that tie a field to its
//! siblings (`required_when`, `required_unless`, `one_of`), checked before a request is sent so
//! a value WeChat would refuse never leaves the process. Generated types implement [`Check`]
//! where they, or a type they hold, have limits or rules; the rest cost nothing.
//! [`Limits::violation`], [`Rule::when_absent`] and [`one_of_violation`] are the rules
//! themselves, over a field's [`presence`]: the generator's example checks and wechat-mock
//! apply them too (through the `shape` module), so a limit or a rule means the same in the
//! three places.

use std::collections::BTreeMap;
use std::fmt;

mod presence;

pub use presence::presence;

/// A value the spec's limits apply to, checked before sending.
pub trait Check {
    /// The first value outside its limits, named by its path under `path`.
    fn check(&self, path: &str) -> Result<(), Invalid>;
}

/// The rules of a generated type that tie its fields together (`required_when`,
/// `required_unless`, `one_of` in the spec): its [`Check`] impl applies them before sending,
/// and its builder's `build()`, when it has one, refuses a value that breaks one.
pub trait Rules {
    /// The first field that breaks a rule, named by its path under `path`.
    fn rules(&self, path: &str) -> Result<(), Invalid>;
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

/// What a field's value weighs for the spec's rules, as JSON writes it (see [`presence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Left out, or `null`: a field a rule requires is missing.
    Absent,
    /// `false`, `0` or `""`: there, but it does not set a condition or count in a `one_of`.
    Empty,
    /// Anything else (`true`, a non-zero number, a non-empty text, any array or object): the
    /// field is set.
    Set,
}

/// A rule of the spec that ties an optional field to its siblings in one object. "Set" means
/// [`Presence::Set`]: neither left out nor `null`, `false`, `0` or `""`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule<'a> {
    /// `required_when`: the field is required when the sibling of this wire name is set.
    RequiredWhen(&'a str),
    /// `required_unless`: the field is required unless the sibling of this wire name is set
    /// (WeChat's `is_cancel`).
    RequiredUnless(&'a str),
    /// `one_of`: the field is in the set of this name, of which exactly one field is set.
    OneOf(&'a str),
}

impl Rule<'_> {
    /// What leaving out (or sending `null` for) a `required_when` or `required_unless` field
    /// breaks, given its sibling's presence: `None` while the sibling does not require it, and
    /// always for `one_of`, which is about a set ([`one_of_violation`]). A field that is sent
    /// (even empty) breaks nothing; callers ask only about an [`Presence::Absent`] one.
    pub fn when_absent(self, sibling: Presence) -> Option<Violation> {
        let (sibling_name, required, violation): (&str, bool, fn(String) -> Violation) = match self {
            Self::RequiredWhen(name) => {
                (name, sibling == Presence::Set, |sibling| Violation::MissingWhen { sibling })
            }
            Self::RequiredUnless(name) => {
                (name, sibling != Presence::Set, |sibling| Violation::MissingUnless { sibling })
            }
            Self::OneOf(_) => return None,
        };
        required.then(|| violation(sibling_name.to_owned()))
    }
}

/// What a `one_of` set breaks, given its fields' wire names and presences in the spec's order:
/// none set, or more than one. The name it returns is the field the problem is reported at:
/// the set's first field when none is set, the second one set otherwise.
pub fn one_of_violation<'n>(members: &[(&'n str, Presence)]) -> Option<(&'n str, Violation)> {
    let set: Vec<&str> = members.iter().filter(|(_, p)| *p == Presence::Set).map(|(name, _)| *name).collect();
    let at = match set[..] {
        [_] => return None,
        [] => members.first()?.0,
        [_, second, ..] => second,
    };
    let fields = members.iter().map(|(name, _)| (*name).to_owned()).collect();
    Some((at, Violation::OneOf { fields, set: set.iter().map(|name| (*name).to_owned()).collect() }))
}

/// Checks the `required_when` field `field` of the object at `path`, whose sibling is
/// `sibling_name`.
#[doc(hidden)] // Called by the generated `Rules` impls, not part of the API.
pub fn required_when<T: serde::Serialize + ?Sized, S: serde::Serialize + ?Sized>(
    path: &str,
    field: &str,
    value: &T,
    sibling_name: &str,
    sibling: &S,
) -> Result<(), Invalid> {
    requirement(path, field, value, Rule::RequiredWhen(sibling_name), sibling)
}

/// Checks the `required_unless` field `field` of the object at `path`, whose sibling is
/// `sibling_name`.
#[doc(hidden)] // Called by the generated `Rules` impls, not part of the API.
pub fn required_unless<T: serde::Serialize + ?Sized, S: serde::Serialize + ?Sized>(
    path: &str,
    field: &str,
    value: &T,
    sibling_name: &str,
    sibling: &S,
) -> Result<(), Invalid> {
    requirement(path, field, value, Rule::RequiredUnless(sibling_name), sibling)
}

fn requirement<T: serde::Serialize + ?Sized, S: serde::Serialize + ?Sized>(
    path: &str,
    field: &str,
    value: &T,
    rule: Rule<'_>,
    sibling: &S,
) -> Result<(), Invalid> {
    match (presence(value) == Presence::Absent).then(|| rule.when_absent(presence(sibling))).flatten() {
        Some(violation) => Err(Invalid { path: join(path, field), violation }),
        None => Ok(()),
    }
}

/// Checks a `one_of` set of the object at `path`: its fields' wire names and presences.
#[doc(hidden)] // Called by the generated `Rules` impls, not part of the API.
pub fn one_of(path: &str, members: &[(&str, Presence)]) -> Result<(), Invalid> {
    match one_of_violation(members) {
        Some((at, violation)) => Err(Invalid { path: join(path, at), violation }),
        None => Ok(()),
    }
}

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

/// A value outside the limits the spec states, or a field that breaks one of its rules (left
/// out where a sibling requires it, not exactly one of a set), found before sending.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{path}` {violation}")]
pub struct Invalid {
    /// JSON path of the value, e.g. `card.groupon.base_info.title`.
    pub path: String,
    /// Which limit or rule it breaks.
    pub violation: Violation,
}

/// Which limit or rule a value breaks. Text is never quoted: it may be anything a caller holds.
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
    /// Left out (or `null`) while its sibling is set ([`Rule::RequiredWhen`]).
    MissingWhen {
        /// The sibling's wire name.
        sibling: String,
    },
    /// Left out (or `null`) while its sibling is not set ([`Rule::RequiredUnless`]).
    MissingUnless {
        /// The sibling's wire name.
        sibling: String,
    },
    /// Not exactly one field of a `one_of` set is set ([`Rule::OneOf`]).
    OneOf {
        /// The set's fields, by wire name, in the spec's order.
        fields: Vec<String>,
        /// Those that are set: none, or more than one.
        set: Vec<String>,
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
            Self::MissingWhen { sibling } => {
                write!(f, "missing: required when `{sibling}` is true, non-zero or non-empty")
            }
            Self::MissingUnless { sibling } => {
                write!(f, "missing: required unless `{sibling}` is true, non-zero or non-empty")
            }
            Self::OneOf { fields, set } => {
                let found = match &set[..] {
                    [] => "none".to_owned(),
                    [only] => only.clone(),
                    [init @ .., last] => format!("{} and {last}", init.join(", ")),
                };
                write!(f, "exactly one of {} is required; found {found}", fields.join(", "))
            }
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

    #[test]
    fn required_when_asks_for_the_field_only_while_its_sibling_is_set() {
        let rule = Rule::RequiredWhen("agreement");
        let missing = Some(Violation::MissingWhen { sibling: "agreement".to_owned() });
        assert_eq!(rule.when_absent(Presence::Set), missing);
        for sibling in [Presence::Absent, Presence::Empty] {
            assert_eq!(rule.when_absent(sibling), None, "{sibling:?}");
        }
        assert!(required_when("", "operator", &Some(""), "agreement", &Some("m")).is_ok());
        assert_eq!(
            required_when("info", "operator", &None::<String>, "agreement", &Some("m"))
                .map_err(|e| e.to_string()),
            Err("`info.operator` missing: required when `agreement` is true, non-zero or non-empty"
                .to_owned())
        );
        assert!(required_when("", "operator", &Some("o"), "agreement", &Some("m")).is_ok());
        assert!(required_when("", "operator", &None::<String>, "agreement", &Some("")).is_ok());
    }

    #[test]
    fn required_unless_asks_for_the_field_until_its_sibling_is_set() {
        let rule = Rule::RequiredUnless("is_cancel");
        let missing = Some(Violation::MissingUnless { sibling: "is_cancel".to_owned() });
        for sibling in [Presence::Absent, Presence::Empty] {
            assert_eq!(rule.when_absent(sibling), missing, "{sibling:?}");
        }
        assert_eq!(rule.when_absent(Presence::Set), None);
        assert!(required_unless("", "class", &Some(""), "is_cancel", &None::<bool>).is_ok());
        assert_eq!(
            required_unless("", "class", &None::<String>, "is_cancel", &Some(false))
                .map_err(|e| e.to_string()),
            Err("`class` missing: required unless `is_cancel` is true, non-zero or non-empty".to_owned())
        );
        assert!(required_unless("", "class", &None::<String>, "is_cancel", &Some(true)).is_ok());
        assert_eq!(Rule::OneOf("set").when_absent(Presence::Set), None);
    }

    #[test]
    fn one_of_wants_exactly_one_set_and_names_where_it_is_not() {
        let weigh = |page: Presence, all: Presence| one_of("", &[("page_id", page), ("all", all)]);
        assert!(weigh(Presence::Set, Presence::Absent).is_ok());
        assert!(weigh(Presence::Empty, Presence::Set).is_ok());
        assert_eq!(
            weigh(Presence::Absent, Presence::Empty).map_err(|e| e.to_string()),
            Err("`page_id` exactly one of page_id, all is required; found none".to_owned())
        );
        assert_eq!(
            weigh(Presence::Set, Presence::Set).map_err(|e| e.to_string()),
            Err("`all` exactly one of page_id, all is required; found page_id and all".to_owned())
        );
        let three = [("a", Presence::Set), ("b", Presence::Set), ("c", Presence::Set)];
        let (at, violation) = one_of_violation(&three).expect("three set");
        assert_eq!(
            (at, violation.to_string()),
            ("b", "exactly one of a, b, c is required; found a, b and c".to_owned())
        );
        // The generator refuses a set of fewer than two fields; an empty one has no field to name.
        assert_eq!(one_of_violation(&[]), None);
    }
}
