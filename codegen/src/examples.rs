//! Checking example JSON against the resolved types, with `wechat_core::shape`'s checker: the
//! code wechat-mock checks requests with, so an example and a request mean the same.
//!
//! Request examples are checked strictly ([`Options::REQUEST_EXAMPLE`]), because the tests
//! round-trip them through the generated request types: every field known, every value of
//! exactly its type, every required field present (a nullable one too: the client sends it,
//! `null` until set). Response examples are checked the way the generated types decode
//! ([`Options::RESPONSE_EXAMPLE`]): numbers written as strings and strings written as numbers
//! are accepted, a nullable field may be left out, unknown enum values and union tags are kept.

use std::collections::HashMap;

use serde_json::Value;
use wechat_core::shape::{self, Options, Problem, Schema, check_body, check_object};

use crate::model::shape::SchemaBuilder;
use crate::model::{Field, FixedParam, TypeDef, TypeRef, TypeScope};

/// Named types an example may reach: the operation's own and the shared ones.
pub(crate) struct TypeLookup<'a> {
    /// Types local to the operation.
    pub(crate) local: HashMap<&'a str, &'a TypeDef>,
    /// Types of the operation's group.
    pub(crate) group: HashMap<&'a str, &'a TypeDef>,
    /// Shared types.
    pub(crate) shared: HashMap<&'a str, &'a TypeDef>,
}

impl<'a> TypeLookup<'a> {
    /// The definition a reference names, if it resolved.
    pub(crate) fn get(&self, r: &TypeRef) -> Option<&'a TypeDef> {
        let table = match r.scope {
            TypeScope::Local => &self.local,
            TypeScope::Group(_) => &self.group,
            TypeScope::Shared => &self.shared,
        };
        table.get(r.name.as_str()).copied()
    }
}

/// An endpoint's request and response in the shape model, with the types they reach.
pub(crate) struct ExampleShapes<'m> {
    schema: Schema<'m>,
    request: Vec<shape::Field<'m>>,
    constants: Vec<(&'m str, &'m str)>,
    response: Vec<shape::Field<'m>>,
}

impl<'m> ExampleShapes<'m> {
    /// The shapes of an endpoint's request (its body fields and constants) and response,
    /// the named types they reach found in `types`.
    pub(crate) fn new(
        request: &'m [Field],
        fixed_body: &'m [FixedParam],
        response: &'m [Field],
        types: &TypeLookup<'m>,
    ) -> Self {
        let find = |r: &TypeRef| types.get(r);
        let mut builder = SchemaBuilder::new();
        let request = builder.fields(request, &find);
        let response = builder.fields(response, &find);
        let constants = fixed_body.iter().map(|c| (c.name.as_str(), c.value.as_str())).collect();
        let (schema, _) = builder.finish();
        Self { schema, request, constants, response }
    }

    /// Every way a request example does not fit the request.
    pub(crate) fn request_problems(&self, value: &Value) -> Vec<Problem> {
        check_body(&self.schema, &self.request, &self.constants, value, Options::REQUEST_EXAMPLE).problems
    }

    /// Every way a response example does not fit the response; an error answer (`success`
    /// false) carries only `errcode` and `errmsg`.
    pub(crate) fn response_problems(&self, value: &Value, success: bool) -> Vec<Problem> {
        let fields = if success { &self.response[..] } else { &[] };
        check_body(&self.schema, fields, &[], value, Options::RESPONSE_EXAMPLE).problems
    }

    /// True when a response example writes every value in its declared JSON type, not only
    /// in one the generated types also decode (a number as a string, or the reverse): what a
    /// JSON Schema of the declared types accepts.
    pub(crate) fn response_as_declared(&self, value: &Value, success: bool) -> bool {
        let fields = if success { &self.response[..] } else { &[] };
        let exact = Options { values: shape::Values::Exact, ..Options::RESPONSE_EXAMPLE };
        check_body(&self.schema, fields, &[], value, exact).problems.is_empty()
    }
}

/// The fields of an object outside any endpoint's body (a user action's params, a resource's
/// records) in the shape model, with the types they reach.
pub(crate) struct ObjectShape<'m> {
    schema: Schema<'m>,
    fields: Vec<shape::Field<'m>>,
}

impl<'m> ObjectShape<'m> {
    /// The shape of `fields`, the named types they reach found in `types`.
    pub(crate) fn new(fields: &'m [Field], types: &TypeLookup<'m>) -> Self {
        let find = |r: &TypeRef| types.get(r);
        let mut builder = SchemaBuilder::new();
        let fields = builder.fields(fields, &find);
        let (schema, _) = builder.finish();
        Self { schema, fields }
    }

    /// Every way a user action's params do not fit them: checked as a request example is.
    pub(crate) fn params_problems(&self, value: &Value) -> Vec<Problem> {
        check_body(&self.schema, &self.fields, &[], value, Options::REQUEST_EXAMPLE).problems
    }

    /// Every way a `given` record does not fit a resource of these fields: any field may be
    /// left out (it takes a sample value when seeded), `own` names keys the mock keeps for
    /// every record (checked by the caller), and values are read as answers are decoded,
    /// since a record is what the mock answers from.
    pub(crate) fn record_problems(&self, value: &Value, own: &[&'m str]) -> Vec<Problem> {
        let relaxed = self.fields.iter().map(|f| shape::Field { required: false, ..f.clone() });
        let own = own.iter().map(|&name| shape::Field { name, ..shape::Field::PLAIN });
        let fields: Vec<shape::Field<'m>> = relaxed.chain(own).collect();
        check_object(&self.schema, &fields, value, Options::RESPONSE_EXAMPLE).problems
    }
}

/// A problem as a diagnostic says it: `` `card.gift.title`: what `` (the top level for the
/// body as a whole).
pub(crate) fn describe(problem: &Problem) -> String {
    if problem.path.is_empty() {
        format!("the top level: {}", problem.kind)
    } else {
        format!("`{}`: {}", problem.path, problem.kind)
    }
}
