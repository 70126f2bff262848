//! JSON Schemas (the 2020-12 dialect OpenAPI 3.1 uses) of the spec's named types and fields.
//!
//! Components are named by where the Rust type lives, with dots: `Name` for `spec/types.toml`,
//! `group.Name` for a group's `types.toml`, `group.operation.Name` for an operation's own types
//! (and its request and response), so two groups' types of one name never collide.

use crate::emit::openapi::json::{Json, Object};
use crate::model::{
    Direction, Field, FieldRule, Limits, Literal, Ty, TypeDef, TypeKind, TypeRef, TypeScope, Union,
    UnionLayout, Variant,
};

/// Where a schema is written, which decides what an operation's local type name refers to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    /// The group, for its own types.
    pub(crate) group: &'a str,
    /// The operation, for its local types; `None` outside any operation.
    pub(crate) operation: Option<&'a str>,
}

/// Which ways an object travels, which decides what its schema lists as `required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Travel {
    /// Only in requests.
    Request,
    /// Only in answers.
    Response,
    /// In answers, and perhaps in requests too.
    Both,
}

/// The component name of the type `name` declared in `scope`, seen from `place`.
pub(crate) fn component_name(name: &str, scope: &TypeScope, place: Place<'_>) -> String {
    match scope {
        TypeScope::Shared => name.to_owned(),
        TypeScope::Group(group) => format!("{group}.{name}"),
        TypeScope::Local => match place.operation {
            Some(operation) => format!("{}.{operation}.{name}", place.group),
            None => format!("{}.{name}", place.group),
        },
    }
}

/// A `$ref` to a component.
pub(crate) fn reference(component: &str) -> Object {
    Object::new().with("$ref", format!("#/components/schemas/{component}"))
}

fn type_reference(ty: &TypeRef, place: Place<'_>) -> Object {
    reference(&component_name(&ty.name, &ty.scope, place))
}

/// The components a named type becomes: itself, then one per union variant (the targets of
/// its discriminator's mapping).
pub(crate) fn type_components(def: &TypeDef, scope: &TypeScope, place: Place<'_>) -> Vec<(String, Json)> {
    let name = component_name(&def.name, scope, place);
    // A type an answer holds keeps values it does not know, as the client does; one only
    // requests hold has exactly the values WeChat (and the mock) accept.
    let open = def.received;
    let travel = if def.received { Travel::Both } else { Travel::Request };
    match &def.kind {
        TypeKind::Struct(fields) => {
            vec![(name, object_schema(&def.doc, fields, place, travel).into())]
        }
        TypeKind::StringEnum(variants) => {
            vec![(name, enum_schema(&def.doc, "string", variants, open).into())]
        }
        TypeKind::IntEnum(variants) => vec![(name, enum_schema(&def.doc, "integer", variants, open).into())],
        TypeKind::Union(union) => union_components(&name, &def.doc, union, place, open),
    }
}

/// An object of `fields`, described by `doc`: their schemas in order, `required` as the
/// directions it travels allow, and a flattened union's keys through `allOf`.
pub(crate) fn object_schema(doc: &str, fields: &[Field], place: Place<'_>, travel: Travel) -> Object {
    let mut properties = Object::new();
    let mut required = Vec::new();
    let mut required_in_requests = Vec::new();
    let mut flattened = Vec::new();
    for field in fields {
        if field.flatten {
            if let Ty::Named(ty) = &field.ty {
                flattened.push(Json::from(type_reference(ty, place).with("description", &field.doc)));
            }
            continue;
        }
        properties.insert(&field.wire, field_schema(field, place));
        match required_in(field, travel) {
            Requirement::Always => required.push(field.wire.as_str()),
            Requirement::InRequests => required_in_requests.push(field.wire.as_str()),
            Requirement::Never => {}
        }
    }
    let mut schema = Object::new().with("type", "object").with("description", doc);
    if !properties.is_empty() {
        schema.insert("properties", properties);
    }
    if !required.is_empty() {
        schema.insert("required", Json::strings(required));
    }
    if !required_in_requests.is_empty() {
        schema.insert("x-wechat-required-in-requests", Json::strings(required_in_requests));
    }
    if !flattened.is_empty() {
        schema.insert("allOf", flattened);
    }
    schema
}

/// Adds a property to an object schema after those it has, and to its `required` when
/// `required`.
pub(crate) fn add_property(schema: &mut Object, name: &str, property: Object, required: bool) {
    match schema.get_mut("properties") {
        Some(Json::Object(properties)) => properties.insert(name, property),
        _ => schema.insert("properties", Object::new().with(name, property)),
    }
    if required {
        match schema.get_mut("required") {
            Some(Json::Array(list)) => list.push(Json::from(name)),
            _ => schema.insert("required", Json::strings([name])),
        }
    }
}

enum Requirement {
    Always,
    InRequests,
    Never,
}

/// Whether `field` must be present wherever an object of its type travels. A field that only
/// answers carry is never sent, and an answer may leave out a nullable field; such fields are
/// required only in requests, said by `x-wechat-required-in-requests` where the object travels
/// both ways.
fn required_in(field: &Field, travel: Travel) -> Requirement {
    if !field.required {
        return Requirement::Never;
    }
    let in_requests = field.only != Some(Direction::Response);
    let in_answers = field.only != Some(Direction::Request) && !field.nullable;
    match travel {
        Travel::Request if in_requests => Requirement::Always,
        Travel::Response if in_answers => Requirement::Always,
        Travel::Both if in_requests && in_answers => Requirement::Always,
        Travel::Both if in_requests => Requirement::InRequests,
        _ => Requirement::Never,
    }
}

/// A field's schema: its type, limits, docs, direction and what else the spec says of it.
pub(crate) fn field_schema(field: &Field, place: Place<'_>) -> Object {
    let mut schema = ty_schema(&field.ty, place);
    apply_limits(&mut schema, &field.constraints);
    if field.number_in_answers {
        schema.insert("type", Json::strings(["string", "number"]));
        schema.insert("x-wechat-number-in-answers", true);
    }
    if field.nullable {
        schema = nullable(schema);
    }
    schema.insert("description", &field.doc);
    match field.only {
        Some(Direction::Request) => schema.insert("writeOnly", true),
        Some(Direction::Response) => schema.insert("readOnly", true),
        None => {}
    }
    if field.secret {
        schema.insert("format", "password");
    }
    if !field.aliases.is_empty() {
        schema.insert("x-wechat-aliases", Json::strings(field.aliases.iter().map(String::as_str)));
    }
    if field.lenient {
        schema.insert("x-wechat-lenient-in-mock", true);
    }
    if let Some(rule) = &field.rule {
        let (key, sibling) = match rule {
            FieldRule::RequiredWhen(sibling) => ("required_when", sibling),
            FieldRule::RequiredUnless(sibling) => ("required_unless", sibling),
            FieldRule::OneOf(set) => ("one_of", set),
        };
        schema.insert("x-wechat-rule", Object::new().with(key, sibling));
    }
    schema
}

/// `null` allowed besides the schema: a second type for a scalar, `anyOf` otherwise.
fn nullable(mut schema: Object) -> Object {
    match schema.get("type") {
        Some(Json::Str(ty)) => {
            let types = Json::strings([ty.as_str(), "null"]);
            schema.insert("type", types);
            schema
        }
        _ => Object::new().with("anyOf", vec![schema.into(), Object::new().with("type", "null").into()]),
    }
}

/// The schema of a type as a field's value.
pub(crate) fn ty_schema(ty: &Ty, place: Place<'_>) -> Object {
    let integer = |format: &str| Object::new().with("type", "integer").with("format", format);
    match ty {
        Ty::String => Object::new().with("type", "string"),
        Ty::Bool => Object::new().with("type", "boolean"),
        Ty::I32 => integer("int32"),
        Ty::I64 => integer("int64"),
        Ty::U32 => integer("int64").with("minimum", 0_i64).with("maximum", i64::from(u32::MAX)),
        Ty::U64 => integer("int64").with("minimum", 0_i64),
        Ty::F64 => Object::new().with("type", "number").with("format", "double"),
        Ty::Array(items) => Object::new().with("type", "array").with("items", ty_schema(items, place)),
        Ty::Map(values) => {
            Object::new().with("type", "object").with("additionalProperties", ty_schema(values, place))
        }
        // Any JSON value: the empty schema.
        Ty::Json => Object::new(),
        Ty::Named(named) => type_reference(named, place),
    }
}

/// Sets the limits the spec states (the resolver allows each only on values of its kind).
/// `max_bytes` has no JSON Schema keyword and is written as `x-wechat-max-bytes`.
pub(crate) fn apply_limits(schema: &mut Object, limits: &Limits) {
    schema.insert_some("minLength", limits.min_length);
    schema.insert_some("maxLength", limits.max_length);
    schema.insert_some("x-wechat-max-bytes", limits.max_bytes);
    schema.insert_some("minimum", limits.minimum);
    schema.insert_some("maximum", limits.maximum);
    schema.insert_some("minItems", limits.min_items);
    schema.insert_some("maxItems", limits.max_items);
}

fn literal(value: &Literal) -> Json {
    match value {
        Literal::Int(n) => Json::Int(*n),
        Literal::Str(text) => Json::from(text),
    }
}

/// An enum's schema. Closed: `enum` of the known values. Open (a type answers hold, whose
/// unknown values the client keeps): `anyOf` the known values and any other value of the same
/// JSON type. Either way `x-enum-varnames` and `x-enum-descriptions` name and explain the
/// known values in order (the names the Rust variants have).
fn enum_schema(doc: &str, json_type: &str, variants: &[Variant], open: bool) -> Object {
    let values: Vec<Json> = variants.iter().map(|v| literal(&v.wire)).collect();
    let known = Object::new().with("type", json_type).with("enum", values);
    let mut schema = if open {
        let other = Object::new()
            .with("type", json_type)
            .with("description", "A value this version does not know; the client keeps it.");
        Object::new().with("anyOf", vec![known.into(), other.into()])
    } else {
        known
    };
    schema.insert("description", doc);
    schema.insert("x-enum-varnames", Json::strings(variants.iter().map(|v| v.name.as_str())));
    schema.insert("x-enum-descriptions", Json::strings(variants.iter().map(|v| v.doc.as_str())));
    schema
}

/// A union and one component per variant: `oneOf` the variants, with a discriminator on the
/// tag whose mapping names each variant's component.
///
/// A variant's component is the wire faithfully. `sibling`: the tag set to the variant's value
/// and the variant's object under its key (a dotted key is nested objects), both required.
/// `internal`: the variant's type with the tag beside its fields. An open union (one answers
/// hold) has one more branch, without a mapping: any tag that is not a known one, which the
/// client keeps whole.
fn union_components(
    name: &str,
    doc: &str,
    union: &Union,
    place: Place<'_>,
    open: bool,
) -> Vec<(String, Json)> {
    let mut components = Vec::new();
    let mut branches = Vec::new();
    let mut mapping = Object::new();
    for variant in &union.variants {
        let component = format!("{name}.{}", variant.name);
        let tag = Object::new().with("type", "string").with("const", &variant.tag);
        let schema = match union.layout {
            UnionLayout::Sibling => {
                let mut properties = Object::new().with(&union.tag, tag);
                let mut required = vec![union.tag.as_str()];
                if let Some((first, rest)) = variant.key.split_first() {
                    // `action_info.card`: the object under `card`, inside an `action_info` object.
                    let mut inner = type_reference(&variant.ty, place);
                    for key in rest.iter().rev() {
                        inner = Object::new()
                            .with("type", "object")
                            .with("properties", Object::new().with(key, inner))
                            .with("required", Json::strings([key.as_str()]));
                    }
                    properties.insert(first, inner);
                    required.push(first);
                }
                Object::new()
                    .with("type", "object")
                    .with("description", &variant.doc)
                    .with("properties", properties)
                    .with("required", Json::strings(required))
            }
            UnionLayout::Internal => Object::new()
                .with("type", "object")
                .with("description", &variant.doc)
                .with("allOf", vec![Json::from(type_reference(&variant.ty, place))])
                .with("properties", Object::new().with(&union.tag, tag))
                .with("required", Json::strings([union.tag.as_str()])),
        };
        mapping.insert(&variant.tag, format!("#/components/schemas/{component}"));
        branches.push(Json::from(reference(&component)));
        components.push((component, Json::from(schema)));
    }
    if open {
        let known = Json::strings(union.variants.iter().map(|v| v.tag.as_str()));
        let tag = Object::new().with("type", "string").with("not", Object::new().with("enum", known));
        branches.push(
            Object::new()
                .with("type", "object")
                .with(
                    "description",
                    "A variant this version does not know; the client keeps the object whole.",
                )
                .with("properties", Object::new().with(&union.tag, tag))
                .with("required", Json::strings([union.tag.as_str()]))
                .into(),
        );
    }
    let layout = match union.layout {
        UnionLayout::Sibling => "sibling",
        UnionLayout::Internal => "internal",
    };
    let union_schema = Object::new()
        .with("description", doc)
        .with("oneOf", branches)
        .with("discriminator", Object::new().with("propertyName", &union.tag).with("mapping", mapping))
        .with("x-wechat-union-layout", layout);
    components.insert(0, (name.to_owned(), union_schema.into()));
    components
}
