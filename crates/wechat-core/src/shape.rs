//! The JSON shape rules of the spec in one place: a model of fields and named types, and one
//! checker of a JSON value against them, reporting each problem with its JSON path.
//!
//! Three parts of the workspace check JSON against the spec, and they use this module so a
//! rule means the same in all of them:
//!
//! - the generator (`codegen`) checks every example of the spec: request examples strictly
//!   ([`Options::REQUEST_EXAMPLE`]), response examples the way the generated types decode
//!   ([`Options::RESPONSE_EXAMPLE`]), every problem reported at its line;
//! - the mock (`wechat-mock`) checks every request the way WeChat refuses one with 47001
//!   ([`Options::MOCK_REQUEST`]), naming the first problem, and the answers it is given
//!   ([`Options::MOCK_ANSWER`]);
//! - the client checks limits and rules before sending through the generated `Check` impls,
//!   which call [`Limits::violation`], [`Rule::when_absent`] and [`one_of_violation`] over
//!   [`presence`], the very code this checker measures limits and weighs rules with.
//!
//! The model is written once for two kinds of data: the mock's `static` tables, which the
//! generator writes, and the model the generator builds at run time from the spec it read,
//! borrowing its strings. So a named type is a [`TypeId`], an index into a [`Schema`] (types
//! may contain themselves, which references could not express without leaking), the item of
//! an array or map is an [`Item`] (the spec has no arrays of arrays), and lists are
//! [`Cow`]s: borrowed in a `static`, owned when built.
//!
//! This module is behind the `shape` feature, off by default: a client never checks JSON
//! against the spec (its types do that by decoding), so it does not compile this.

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::check::join;
pub use crate::check::{Limits, Measure, Presence, Rule, Violation, one_of_violation, presence};

/// A named type: its index in the [`Schema`] that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// The named types a set of fields refers to, by [`TypeId`].
#[derive(Debug, Clone, PartialEq)]
pub struct Schema<'a> {
    /// The types; a [`TypeId`] is an index into this list.
    pub types: Cow<'a, [NamedType<'a>]>,
}

impl<'a> Schema<'a> {
    /// A schema of no type, for fields of scalar types only.
    pub const EMPTY: Self = Self::new(&[]);

    /// A schema borrowing `types`, e.g. a `static` table.
    pub const fn new(types: &'a [NamedType<'a>]) -> Self {
        Self { types: Cow::Borrowed(types) }
    }

    /// A schema owning `types`, built at run time.
    pub fn owned(types: Vec<NamedType<'a>>) -> Self {
        Self { types: Cow::Owned(types) }
    }

    /// The type `id` names, or `None` when the schema has no such type.
    pub fn get(&self, id: TypeId) -> Option<&NamedType<'a>> {
        self.types.get(usize::try_from(id.0).ok()?)
    }

    /// The fields of the object type `id` names; `None` for any other type or an unknown id.
    pub fn object(&self, id: TypeId) -> Option<&[Field<'a>]> {
        match &self.get(id)?.kind {
            TypeKind::Object(fields) => Some(fields),
            _ => None,
        }
    }
}

/// A field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<'a> {
    /// Name on the wire.
    pub name: &'a str,
    /// Other wire names the field is read under, e.g. a misspelling WeChat sends.
    pub aliases: Cow<'a, [&'a str]>,
    /// Its type.
    pub ty: Ty,
    /// False when it may be left out.
    pub required: bool,
    /// The spec is unsure what WeChat refuses here (`lenient_in_mock`): with
    /// [`LenientFields::Warn`] the field is checked as if required, and what is wrong with it
    /// is a warning rather than a problem.
    pub lenient: bool,
    /// A union whose keys sit in the enclosing object itself (`flatten`).
    pub flatten: bool,
    /// The one direction the field travels in (`only`), if only one: a request must not send
    /// a field only WeChat answers, and a field is never missing from the other direction.
    pub only: Option<Direction>,
    /// `null` is accepted; an answer may also leave the field out.
    pub nullable: bool,
    /// A string an answer may also write as a JSON number (`number_in_answers`), as WeChat's
    /// answers do for some ids and counts.
    pub number_in_answers: bool,
    /// Limits the docs state.
    pub limits: Limits,
    /// The rule that ties it to its siblings in the object (`required_when`,
    /// `required_unless`, `one_of`), if any: checked in requests only, which WeChat refuses
    /// when it is broken.
    pub rule: Option<Rule<'a>>,
}

impl<'a> Field<'a> {
    /// The defaults a table leaves out: an optional field of any JSON with no limits, to
    /// write `Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN }`.
    pub const PLAIN: Self = Self {
        name: "",
        aliases: Cow::Borrowed(&[]),
        ty: Ty::Json,
        required: false,
        lenient: false,
        flatten: false,
        only: None,
        nullable: false,
        number_in_answers: false,
        limits: Limits::NONE,
        rule: None,
    };

    /// WeChat assigns it (`only = "response"`): a request may not send it.
    pub fn answered_only(&self) -> bool {
        self.only == Some(Direction::Response)
    }
}

/// The direction a body travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// To WeChat.
    Request,
    /// From WeChat.
    Response,
}

/// A field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    /// A JSON string.
    String,
    /// `true` or `false`.
    Bool,
    /// An integer that fits 32 signed bits.
    I32,
    /// An integer that fits 64 signed bits.
    I64,
    /// A non-negative integer that fits 32 bits.
    U32,
    /// A non-negative integer that fits 64 bits.
    U64,
    /// Any JSON number.
    F64,
    /// Any JSON value.
    Json,
    /// A named object, enum or union type.
    Named(TypeId),
    /// A JSON array of the item type.
    Array(Item),
    /// A JSON object with free keys and values of the item type.
    Map(Item),
}

/// The type of an array's items or a map's values: any type but an array or a map, as the
/// spec format has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// A JSON string.
    String,
    /// `true` or `false`.
    Bool,
    /// An integer that fits 32 signed bits.
    I32,
    /// An integer that fits 64 signed bits.
    I64,
    /// A non-negative integer that fits 32 bits.
    U32,
    /// A non-negative integer that fits 64 bits.
    U64,
    /// Any JSON number.
    F64,
    /// Any JSON value.
    Json,
    /// A named object, enum or union type.
    Named(TypeId),
}

impl Item {
    /// The item's type.
    pub const fn ty(self) -> Ty {
        match self {
            Item::String => Ty::String,
            Item::Bool => Ty::Bool,
            Item::I32 => Ty::I32,
            Item::I64 => Ty::I64,
            Item::U32 => Ty::U32,
            Item::U64 => Ty::U64,
            Item::F64 => Ty::F64,
            Item::Json => Ty::Json,
            Item::Named(id) => Ty::Named(id),
        }
    }
}

impl From<Item> for Ty {
    fn from(item: Item) -> Self {
        item.ty()
    }
}

/// A named type of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType<'a> {
    /// UpperCamelCase name.
    pub name: &'a str,
    /// What it is.
    pub kind: TypeKind<'a>,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind<'a> {
    /// An object with these fields.
    Object(Cow<'a, [Field<'a>]>),
    /// A string with one of these values.
    StringEnum(Cow<'a, [&'a str]>),
    /// An integer with one of these values.
    IntEnum(Cow<'a, [i64]>),
    /// One of several object types, selected by a tag.
    Union(Union<'a>),
}

/// A union: the value of `tag` selects a variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Union<'a> {
    /// Wire name of the tag field.
    pub tag: &'a str,
    /// True when a variant's fields sit beside the tag; false when the variant's object sits
    /// under its `key`.
    pub internal: bool,
    /// The known variants.
    pub variants: Cow<'a, [UnionCase<'a>]>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionCase<'a> {
    /// The tag's value.
    pub tag: &'a str,
    /// The keys leading to the variant's object (empty when internal).
    pub key: Cow<'a, [&'a str]>,
    /// The object type.
    pub ty: TypeId,
}

/// How a check treats what its callers differ on. The four constants are the policies the
/// workspace uses; each field says what it decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Which way the body travels: a request may not carry what only WeChat answers; an
    /// answer may leave out a nullable field.
    pub direction: Direction,
    /// Keys no field declares.
    pub unknown_keys: UnknownKeys,
    /// Enum values and union tags the spec does not list.
    pub unknown_values: UnknownValues,
    /// How closely values must have their declared JSON type.
    pub values: Values,
    /// What `lenient_in_mock` changes.
    pub lenient: LenientFields,
    /// Whether to stop at the first problem.
    pub report: Report,
}

impl Options {
    /// The mock checking a request as WeChat would: every declared field, unknown keys
    /// ignored (WeChat ignores them), the first problem named in 47001, lenient fields'
    /// problems as warnings.
    pub const MOCK_REQUEST: Self = Self {
        direction: Direction::Request,
        unknown_keys: UnknownKeys::Ignore,
        unknown_values: UnknownValues::Refuse,
        values: Values::NullAsAbsent,
        lenient: LenientFields::Warn,
        report: Report::First,
    };

    /// The mock checking an answer it is to give (a nullable field may be left out, what
    /// WeChat assigns may be there), otherwise as [`Options::MOCK_REQUEST`].
    pub const MOCK_ANSWER: Self = Self { direction: Direction::Response, ..Self::MOCK_REQUEST };

    /// The generator checking a request example, which the generated tests round-trip
    /// through the request types: every key a field, every value of exactly its type, every
    /// problem reported.
    pub const REQUEST_EXAMPLE: Self = Self {
        direction: Direction::Request,
        unknown_keys: UnknownKeys::Refuse,
        unknown_values: UnknownValues::Refuse,
        values: Values::Exact,
        lenient: LenientFields::AsDeclared,
        report: Report::All,
    };

    /// The generator checking a response example the way the generated types decode it:
    /// numbers as strings and back, unknown enum values and union tags kept.
    pub const RESPONSE_EXAMPLE: Self = Self {
        direction: Direction::Response,
        unknown_values: UnknownValues::Keep,
        values: Values::AsDecoded,
        ..Self::REQUEST_EXAMPLE
    };
}

/// What a key no field declares is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKeys {
    /// A problem: examples name only what the spec declares.
    Refuse,
    /// Nothing: WeChat ignores what it does not know.
    Ignore,
}

/// What an enum value or union tag the spec does not list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownValues {
    /// A problem.
    Refuse,
    /// Kept, as the generated types keep them; a union of an unknown tag is kept whole.
    Keep,
}

/// How closely a value must have its declared JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// Exactly the declared type; `null` only for a nullable field.
    Exact,
    /// Exactly the declared type; `null` for an optional field reads as left out.
    NullAsAbsent,
    /// What the generated types decode: also numbers written as strings and strings written
    /// as numbers, `0`/`1` for booleans, numeric union tags, `null` for an optional field.
    AsDecoded,
}

/// What `lenient_in_mock` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LenientFields {
    /// A lenient field is checked as if required; its first problem is a warning, not a
    /// problem, and the check goes on with the next field.
    Warn,
    /// Nothing: the field is checked as declared.
    AsDeclared,
}

/// How many problems a check reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// The first one; the check stops there.
    First,
    /// Every one.
    All,
}

/// One way a value does not fit: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// JSON path of the value, e.g. `card.gift.base_info.title` or `items[1].name`; empty
    /// for the body as a whole.
    pub path: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// Written as the mock names a problem in 47001: `[card.title] missing`, `[(body)] ...` for
/// the body as a whole.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(body)" } else { &self.path };
        write!(f, "[{path}] {}", self.kind)
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A value of another JSON type than declared.
    WrongType {
        /// The declared type, e.g. `integer (32-bit)`.
        expected: &'static str,
        /// What the value is, e.g. `string`.
        found: &'static str,
    },
    /// A text (a query parameter, a form's text part) that does not read as its type.
    WrongText {
        /// The declared type.
        expected: &'static str,
    },
    /// A required field left out.
    Missing,
    /// A required nullable field left out of a request, which always carries it.
    MissingNullable,
    /// An enum value the spec does not list.
    NotOneOf {
        /// The values it lists, e.g. `"red", "blue"`.
        expected: String,
    },
    /// A union tag the spec does not list.
    UnknownTag {
        /// The tag found.
        tag: String,
        /// The tags it lists.
        expected: String,
    },
    /// The key under which the variant the tag names sits is missing.
    MissingVariant {
        /// The tag's field.
        tag_field: String,
        /// Its value.
        tag: String,
    },
    /// The key of another variant than the one the tag names.
    OtherVariant {
        /// The tag's field.
        tag_field: String,
        /// The tag of the variant the key belongs to.
        other: String,
        /// The tag found.
        tag: String,
    },
    /// A field only WeChat answers (`only = "response"`), in a request.
    AnsweredOnly,
    /// A constant field without its value.
    Constant {
        /// The value it must have.
        value: String,
    },
    /// A value outside its limits.
    Limit(Violation),
    /// A field that breaks a rule tying it to its siblings: missing where a sibling requires
    /// it, or not exactly one field of a `one_of` set set.
    Rule(Violation),
    /// A key no field of the object declares.
    UnknownField,
    /// A key of a union's object that neither the tag nor the variant accounts for.
    UnknownUnionKey,
    /// A type the schema does not hold: the table is inconsistent.
    UnknownType(TypeId),
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::WrongText { expected } => write!(f, "expected {expected}"),
            Self::Missing => f.write_str("missing"),
            Self::MissingNullable => {
                f.write_str("missing; a required nullable field is always sent, `null` until it is set")
            }
            Self::NotOneOf { expected } => write!(f, "expected one of {expected}"),
            Self::UnknownTag { tag, expected } => {
                write!(f, "{tag:?} is not a tag of the spec; expected one of {expected}")
            }
            Self::MissingVariant { tag_field, tag } => write!(f, "missing: `{tag_field}` is {tag:?}"),
            Self::OtherVariant { tag_field, other, tag } => {
                write!(f, "holds the variant of `{tag_field}` = {other:?}, but `{tag_field}` is {tag:?}")
            }
            Self::AnsweredOnly => f.write_str("WeChat answers this field; a request must not send it"),
            Self::Constant { value } => write!(f, "expected {value:?}"),
            Self::Limit(violation) | Self::Rule(violation) => violation.fmt(f),
            Self::UnknownField => f.write_str("not a field of this type in the spec"),
            Self::UnknownUnionKey => f.write_str("not a key of this union in the spec"),
            Self::UnknownType(id) => write!(f, "of type #{}, which the schema does not hold", id.0),
        }
    }
}

/// What a check found: problems, and what it let pass only because a field is lenient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// What does not fit: at most one with [`Report::First`].
    pub problems: Vec<Problem>,
    /// What a lenient field lacks or holds wrongly ([`LenientFields::Warn`]).
    pub warnings: Vec<Problem>,
}

impl Findings {
    /// The first problem, or the warnings when there is none.
    pub fn first(self) -> Result<Vec<Problem>, Problem> {
        match self.problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(self.warnings),
        }
    }
}

/// Checks a JSON body against `fields` and `constants` (fields every body carries with this
/// value, e.g. `"action": "get_url"`). An answer ([`Direction::Response`]) may also carry
/// `errcode` and `errmsg`.
pub fn check_body<'a>(
    schema: &Schema<'a>,
    fields: &[Field<'a>],
    constants: &[(&str, &str)],
    body: &Value,
    options: Options,
) -> Findings {
    let mut walk = Walk { schema, options, findings: Findings::default(), in_lenient: false };
    let _stopped = walk.body(fields, constants, body);
    walk.findings
}

/// Checks a JSON object against `fields`, as [`check_body`] checks a body's fields but with
/// nothing implicit: an object inside a body, or a record the mock keeps, has no `errcode`.
pub fn check_object<'a>(
    schema: &Schema<'a>,
    fields: &[Field<'a>],
    value: &Value,
    options: Options,
) -> Findings {
    let mut walk = Walk { schema, options, findings: Findings::default(), in_lenient: false };
    let _stopped = walk.object(fields, value, "");
    walk.findings
}

/// Checks named texts (query parameters, the text parts of a multipart body) against their
/// fields; `prefix` starts every path, e.g. `query.`. Texts no field declares are ignored.
pub fn check_texts<'a>(
    schema: &Schema<'a>,
    fields: &[Field<'a>],
    texts: &[(String, String)],
    prefix: &str,
    options: Options,
) -> Findings {
    let mut walk = Walk { schema, options, findings: Findings::default(), in_lenient: false };
    for field in fields {
        let path = format!("{prefix}{}", field.name);
        let text = texts.iter().find(|(name, _)| name == field.name).map(|(_, text)| text.as_str());
        if walk.settle(field, |walk| walk.text(field, text, &path)).is_err() {
            break;
        }
    }
    walk.findings
}

/// A check stopped: at its first problem ([`Report::First`]), or inside a lenient field at
/// its first problem.
struct Stop;

type Flow = Result<(), Stop>;

struct Walk<'c, 'a> {
    schema: &'c Schema<'a>,
    options: Options,
    findings: Findings,
    /// Inside a lenient field ([`LenientFields::Warn`]): problems are warnings.
    in_lenient: bool,
}

impl<'c, 'a> Walk<'c, 'a> {
    fn problem(&mut self, path: &str, kind: ProblemKind) -> Flow {
        let problem = Problem { path: path.to_owned(), kind };
        if self.in_lenient {
            self.findings.warnings.push(problem);
            return Err(Stop);
        }
        self.findings.problems.push(problem);
        match self.options.report {
            Report::First => Err(Stop),
            Report::All => Ok(()),
        }
    }

    fn lenient_warns(&self, field: &Field<'_>) -> bool {
        field.lenient && self.options.lenient == LenientFields::Warn
    }

    /// Checks one field with `check`; a lenient field's first problem is a warning and the
    /// check goes on after it (so a lenient field inside another warns on its own, and the
    /// outer one goes on to its next field).
    fn settle(&mut self, field: &Field<'_>, check: impl FnOnce(&mut Self) -> Flow) -> Flow {
        if !self.lenient_warns(field) {
            return check(self);
        }
        let outer = std::mem::replace(&mut self.in_lenient, true);
        let _warned = check(self);
        self.in_lenient = outer;
        Ok(())
    }

    fn body(&mut self, fields: &[Field<'a>], constants: &[(&str, &str)], value: &Value) -> Flow {
        let Some(map) = value.as_object() else {
            return self.problem("", wrong_type("object", value));
        };
        let mut known = Known::default();
        self.fields_in(fields, map, "", &mut known)?;
        for (name, constant) in constants {
            known.add(name);
            match map.get(*name) {
                Some(Value::String(sent)) if sent == constant => {}
                None => self.problem(name, ProblemKind::Missing)?,
                Some(_) => self.problem(name, ProblemKind::Constant { value: (*constant).to_owned() })?,
            }
        }
        if self.options.direction == Direction::Response {
            known.add("errcode");
            known.add("errmsg");
        }
        self.unknown_keys(map, "", &known, ProblemKind::UnknownField)
    }

    /// Refuses the keys of `map` that `known` does not hold, when unknown keys are refused.
    fn unknown_keys(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        known: &Known<'_>,
        kind: ProblemKind,
    ) -> Flow {
        if self.options.unknown_keys == UnknownKeys::Ignore || known.whole {
            return Ok(());
        }
        for key in map.keys().filter(|key| !known.keys.contains(&key.as_str())) {
            self.problem(&join(path, key), kind.clone())?;
        }
        Ok(())
    }

    fn object(&mut self, fields: &[Field<'a>], value: &Value, path: &str) -> Flow {
        let Some(map) = value.as_object() else {
            return self.problem(path, wrong_type("object", value));
        };
        let mut known = Known::default();
        self.fields_in(fields, map, path, &mut known)?;
        self.unknown_keys(map, path, &known, ProblemKind::UnknownField)
    }

    /// Checks `fields` in `map`, adding the keys they account for to `known`.
    fn fields_in<'k>(
        &mut self,
        fields: &'k [Field<'a>],
        map: &Map<String, Value>,
        path: &str,
        known: &mut Known<'k>,
    ) -> Flow
    where
        'c: 'k,
    {
        for field in fields {
            if field.flatten {
                let union = match field.ty {
                    Ty::Named(id) => match self.schema.get(id).map(|t| &t.kind) {
                        Some(TypeKind::Union(union)) => union,
                        Some(_) => continue,
                        None => {
                            self.problem(path, ProblemKind::UnknownType(id))?;
                            continue;
                        }
                    },
                    _ => continue,
                };
                self.settle(field, |walk| walk.union_in(union, map, path, known))?;
                continue;
            }
            known.add(field.name);
            for alias in field.aliases.iter() {
                known.add(alias);
            }
            let child = join(path, field.name);
            self.settle(field, |walk| walk.field(field, lookup(field, map), &child))?;
        }
        if self.options.direction == Direction::Request {
            self.rules(fields, map, path)?;
        }
        Ok(())
    }

    /// The rules that tie `fields` to each other in `map`, in a request (WeChat refuses a
    /// request that breaks one; an answer is what it is): each `required_when` and
    /// `required_unless` field in turn, and each `one_of` set where its first field is.
    fn rules(&mut self, fields: &[Field<'a>], map: &Map<String, Value>, path: &str) -> Flow {
        let weigh = |field: &Field<'_>| lookup(field, map).map_or(Presence::Absent, presence);
        for (i, field) in fields.iter().enumerate() {
            let Some(rule) = field.rule else { continue };
            let (at, violation) = match rule {
                Rule::RequiredWhen(sibling) | Rule::RequiredUnless(sibling) => {
                    // The generator makes the sibling a field of the same object.
                    let sibling = fields.iter().find(|f| f.name == sibling).map_or(Presence::Absent, weigh);
                    let absent = weigh(field) == Presence::Absent;
                    match absent.then(|| rule.when_absent(sibling)).flatten() {
                        Some(violation) => (field, violation),
                        None => continue,
                    }
                }
                Rule::OneOf(set) => {
                    let in_set = |f: &&Field<'a>| f.rule == Some(Rule::OneOf(set));
                    if fields[..i].iter().any(|f| in_set(&f)) {
                        continue;
                    }
                    let members: Vec<(&str, Presence)> =
                        fields[i..].iter().filter(in_set).map(|f| (f.name, weigh(f))).collect();
                    match one_of_violation(&members) {
                        Some((at, violation)) => {
                            (fields.iter().find(|f| f.name == at).unwrap_or(field), violation)
                        }
                        None => continue,
                    }
                }
            };
            let at_path = join(path, at.name);
            self.settle(at, |walk| walk.problem(&at_path, ProblemKind::Rule(violation)))?;
        }
        Ok(())
    }

    /// One field's value, `None` when left out.
    fn field(&mut self, field: &Field<'a>, found: Option<&Value>, path: &str) -> Flow {
        let direction = self.options.direction;
        let travels_here = field.only.is_none_or(|only| only == direction);
        let lenient = self.lenient_warns(field);
        let required = field.required || lenient;
        match found {
            Some(_) if field.answered_only() && direction == Direction::Request => {
                self.problem(path, ProblemKind::AnsweredOnly)
            }
            None if !travels_here => Ok(()),
            // The client decodes a nullable field's absence from an answer as empty; it always
            // sends one in a request (`null` until set).
            None if field.nullable && direction == Direction::Response => Ok(()),
            None if field.required && field.nullable => self.problem(path, ProblemKind::MissingNullable),
            None if required => self.problem(path, ProblemKind::Missing),
            None => Ok(()),
            Some(Value::Null) if field.nullable => Ok(()),
            // An optional lenient field sent as null is as good as left out, which it is
            // warned for.
            Some(Value::Null) if !field.required && lenient => self.problem(path, ProblemKind::Missing),
            Some(Value::Null) if !field.required && self.options.values != Values::Exact => Ok(()),
            Some(Value::Number(_)) if field.number_in_answers && direction == Direction::Response => Ok(()),
            Some(value) => {
                self.value(field.ty, value, path)?;
                match self.measure(field.ty, value).and_then(|m| field.limits.violation(m)) {
                    Some(violation) => self.problem(path, ProblemKind::Limit(violation)),
                    None => Ok(()),
                }
            }
        }
    }

    /// One query parameter or form text, `None` when left out.
    fn text(&mut self, field: &Field<'a>, text: Option<&str>, path: &str) -> Flow {
        let Some(text) = text else {
            return if field.required || self.lenient_warns(field) {
                self.problem(path, ProblemKind::Missing)
            } else {
                Ok(())
            };
        };
        let fits = match field.ty {
            Ty::String | Ty::Json => true,
            Ty::Bool => matches!(text, "true" | "false"),
            Ty::I32 => text.parse::<i32>().is_ok(),
            Ty::I64 => text.parse::<i64>().is_ok(),
            Ty::U32 => text.parse::<u32>().is_ok(),
            Ty::U64 => text.parse::<u64>().is_ok(),
            Ty::F64 => text.parse::<f64>().is_ok(),
            Ty::Named(id) => match self.schema.get(id).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(values)) => self.listed(values, &text),
                Some(TypeKind::IntEnum(values)) => text.parse::<i64>().is_ok_and(|n| self.listed(values, &n)),
                Some(TypeKind::Object(_) | TypeKind::Union(_)) => false,
                None => return self.problem(path, ProblemKind::UnknownType(id)),
            },
            // The generator refuses lists in a query or a form; a text is never one.
            Ty::Array(_) | Ty::Map(_) => false,
        };
        if !fits {
            return self.problem(path, ProblemKind::WrongText { expected: self.expected(field.ty) });
        }
        let measure = match field.ty {
            Ty::String => Some(text_measure(text)),
            Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F64 => text.parse().ok().map(Measure::Number),
            _ => None,
        };
        match measure.and_then(|m| field.limits.violation(m)) {
            Some(violation) => self.problem(path, ProblemKind::Limit(violation)),
            None => Ok(()),
        }
    }

    /// True when `value` is one of `values`, or unknown values are kept.
    fn listed<T: PartialEq>(&self, values: &[T], value: &T) -> bool {
        self.options.unknown_values == UnknownValues::Keep || values.contains(value)
    }

    /// The union whose keys sit in `map`: a known tag, its variant where the tag says, and no
    /// other variant's key beside it (a `GIFT` card with a `cash` body is refused). Adds the
    /// keys it accounts for to `known`, or marks `known` whole when the tag is unknown and
    /// kept.
    fn union_in<'k>(
        &mut self,
        union: &'k Union<'a>,
        map: &Map<String, Value>,
        path: &str,
        known: &mut Known<'k>,
    ) -> Flow
    where
        'c: 'k,
    {
        let tag_path = join(path, union.tag);
        known.add(union.tag);
        let tag = match map.get(union.tag) {
            Some(Value::String(tag)) => tag.clone(),
            Some(Value::Number(n)) if self.options.values == Values::AsDecoded => n.to_string(),
            Some(other) => return self.problem(&tag_path, wrong_type("string", other)),
            None => return self.problem(&tag_path, ProblemKind::Missing),
        };
        let Some(case) = union.variants.iter().find(|c| c.tag == tag) else {
            if self.options.unknown_values == UnknownValues::Keep {
                known.whole = true;
                return Ok(());
            }
            let expected = quoted(union.variants.iter().map(|c| c.tag));
            return self.problem(&tag_path, ProblemKind::UnknownTag { tag, expected });
        };
        for other in union.variants.iter().filter(|c| c.tag != tag) {
            if let Some(first) = other.key.first()
                && case.key.first() != Some(first)
                && map.contains_key(*first)
            {
                known.add(first);
                let kind = ProblemKind::OtherVariant {
                    tag_field: union.tag.to_owned(),
                    other: other.tag.to_owned(),
                    tag: tag.clone(),
                };
                self.problem(&join(path, first), kind)?;
            }
        }
        if union.internal {
            return match self.schema.get(case.ty).map(|t| &t.kind) {
                Some(TypeKind::Object(fields)) => self.fields_in(fields, map, path, known),
                Some(_) => Ok(()),
                None => self.problem(path, ProblemKind::UnknownType(case.ty)),
            };
        }
        if let Some(first) = case.key.first() {
            known.add(first);
        }
        let Some((last, steps)) = case.key.split_last() else { return Ok(()) };
        let missing = || ProblemKind::MissingVariant { tag_field: union.tag.to_owned(), tag: tag.clone() };
        let mut at = path.to_owned();
        let mut inside = map;
        for key in steps {
            at = join(&at, key);
            match inside.get(*key) {
                Some(Value::Object(next)) => inside = next,
                Some(other) => return self.problem(&at, wrong_type("object", other)),
                None => return self.problem(&at, missing()),
            }
        }
        at = join(&at, last);
        match inside.get(*last) {
            Some(value) => self.value(Ty::Named(case.ty), value, &at),
            None => self.problem(&at, missing()),
        }
    }

    fn value(&mut self, ty: Ty, value: &Value, path: &str) -> Flow {
        let decoded = self.options.values == Values::AsDecoded;
        let fits = match ty {
            Ty::String => value.is_string() || (decoded && value.is_number()),
            Ty::Bool => value.is_boolean() || (decoded && matches!(value.as_i64(), Some(0 | 1))),
            Ty::I32 => integer_in(value, decoded, i64::from(i32::MIN), i64::from(i32::MAX)),
            Ty::I64 => integer_in(value, decoded, i64::MIN, i64::MAX),
            Ty::U32 => integer_in(value, decoded, 0, i64::from(u32::MAX)),
            Ty::U64 => {
                value.is_u64() || (decoded && text_number(value).is_some_and(|s| s.parse::<u64>().is_ok()))
            }
            Ty::F64 => {
                value.is_number() || (decoded && text_number(value).is_some_and(|s| s.parse::<f64>().is_ok()))
            }
            Ty::Json => true,
            Ty::Array(item) => {
                let Some(items) = value.as_array() else {
                    return self.problem(path, wrong_type("array", value));
                };
                for (i, element) in items.iter().enumerate() {
                    self.value(item.ty(), element, &format!("{path}[{i}]"))?;
                }
                true
            }
            Ty::Map(item) => {
                let Some(entries) = value.as_object() else {
                    return self.problem(path, wrong_type("object", value));
                };
                for (key, element) in entries {
                    self.value(item.ty(), element, &join(path, key))?;
                }
                true
            }
            Ty::Named(id) => return self.named(id, value, path),
        };
        if fits { Ok(()) } else { self.problem(path, wrong_type(self.expected(ty), value)) }
    }

    fn named(&mut self, id: TypeId, value: &Value, path: &str) -> Flow {
        let Some(named) = self.schema.get(id) else {
            return self.problem(path, ProblemKind::UnknownType(id));
        };
        match &named.kind {
            TypeKind::Object(fields) => self.object(fields, value, path),
            TypeKind::StringEnum(values) => match value.as_str() {
                Some(text) if self.listed(values, &text) => Ok(()),
                Some(_) => {
                    self.problem(path, ProblemKind::NotOneOf { expected: quoted(values.iter().copied()) })
                }
                None => self.problem(path, wrong_type("string", value)),
            },
            TypeKind::IntEnum(values) => {
                let decoded = self.options.values == Values::AsDecoded;
                let n =
                    value.as_i64().or_else(|| if decoded { text_number(value)?.parse().ok() } else { None });
                match n {
                    Some(n) if self.listed(values, &n) => Ok(()),
                    Some(_) => {
                        let listed: Vec<String> = values.iter().map(i64::to_string).collect();
                        self.problem(path, ProblemKind::NotOneOf { expected: listed.join(", ") })
                    }
                    None => self.problem(path, wrong_type("integer", value)),
                }
            }
            TypeKind::Union(union) => {
                let Some(map) = value.as_object() else {
                    return self.problem(path, wrong_type("object", value));
                };
                let mut known = Known::default();
                self.union_in(union, map, path, &mut known)?;
                self.unknown_keys(map, path, &known, ProblemKind::UnknownUnionKey)
            }
        }
    }

    /// The size or magnitude of a value the limits apply to: `None` when it is not of its
    /// declared kind (its problem is reported already).
    fn measure(&self, ty: Ty, value: &Value) -> Option<Measure> {
        match (ty, value) {
            (Ty::String, Value::String(text)) => Some(text_measure(text)),
            (Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F64, Value::Number(n)) => {
                n.as_f64().map(Measure::Number)
            }
            (Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F64, Value::String(text))
                if self.options.values == Values::AsDecoded =>
            {
                text.trim().parse().ok().map(Measure::Number)
            }
            (Ty::Array(_), Value::Array(items)) => Some(Measure::Items(items.len() as u64)),
            _ => None,
        }
    }

    /// How a problem names the JSON type `ty` expects.
    fn expected(&self, ty: Ty) -> &'static str {
        match ty {
            Ty::String => "string",
            Ty::Bool => "boolean",
            Ty::I32 => "integer (32-bit)",
            Ty::I64 => "integer",
            Ty::U32 => "unsigned integer (32-bit)",
            Ty::U64 => "unsigned integer",
            Ty::F64 => "number",
            Ty::Array(_) => "array",
            Ty::Map(_) => "object",
            Ty::Json => "any JSON",
            Ty::Named(id) => match self.schema.get(id).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(_)) => "string",
                Some(TypeKind::IntEnum(_)) => "integer",
                Some(TypeKind::Object(_) | TypeKind::Union(_)) | None => "object",
            },
        }
    }
}

/// The keys an object's fields account for, or all of them (`whole`) when a union of an
/// unknown tag keeps the object whole.
#[derive(Default)]
struct Known<'k> {
    keys: Vec<&'k str>,
    whole: bool,
}

impl<'k> Known<'k> {
    fn add(&mut self, key: &'k str) {
        self.keys.push(key);
    }
}

/// The value of `field` in `map`, under its name or one of its aliases.
fn lookup<'v>(field: &Field<'_>, map: &'v Map<String, Value>) -> Option<&'v Value> {
    std::iter::once(&field.name).chain(field.aliases.iter()).find_map(|name| map.get(*name))
}

fn wrong_type(expected: &'static str, value: &Value) -> ProblemKind {
    ProblemKind::WrongType { expected, found: kind(value) }
}

fn text_measure(text: &str) -> Measure {
    Measure::Text { chars: text.chars().count() as u64, bytes: text.len() as u64 }
}

fn integer_in(value: &Value, decoded: bool, min: i64, max: i64) -> bool {
    let n = value.as_i64().or_else(|| if decoded { text_number(value)?.parse().ok() } else { None });
    n.is_some_and(|n| (min..=max).contains(&n))
}

fn text_number(value: &Value) -> Option<&str> {
    value.as_str().map(str::trim)
}

/// What a JSON value is, as a problem names it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "fraction",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn quoted<'v>(values: impl Iterator<Item = &'v str>) -> String {
    values.map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
}
