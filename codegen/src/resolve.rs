//! From the files as written to the model: every name, reference and example checked, and
//! every problem reported with its place.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::examples::{Strictness, TypeLookup, check_object};
use crate::format::{self, Entries, Located};
use crate::load::LoadedSpec;
use crate::model::*;
use crate::names;
use crate::source::{Location, SourceFile, Span};

/// The host endpoints live on unless their spec says otherwise.
pub const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// Variant names the generated error-code enums keep for themselves.
const RESERVED_ERROR_VARIANTS: &[&str] = &["General", "Unknown"];

/// Resolves a loaded spec folder into the model.
pub fn resolve(loaded: &LoadedSpec<'_>) -> Result<Spec, Diagnostics> {
    let mut problems = Diagnostics::default();

    let general_errors = match &loaded.errors {
        Some((file, errors)) => resolve_errors(file, &errors.errors, &[], &mut problems),
        None => {
            missing_file(loaded, "spec/errors.toml", &mut problems);
            Vec::new()
        }
    };
    let general_codes: HashMap<i64, &str> =
        general_errors.iter().map(|e| (e.code, e.message.as_str())).collect();

    let mut groups = match &loaded.groups {
        Some((file, groups)) => resolve_groups(file, &groups.groups, &mut problems),
        None => {
            missing_file(loaded, "spec/groups.toml", &mut problems);
            BTreeMap::new()
        }
    };

    let shared_names: HashMap<String, Span> = loaded
        .types
        .iter()
        .flat_map(|(_, t)| t.types.0.iter().map(|(k, _)| (k.value.clone(), k.span)))
        .collect();
    let mut shared_types = match &loaded.types {
        Some((file, types)) => {
            let scope = Scope { local: &HashMap::new(), shared: &shared_names };
            resolve_types(file, &types.types, &scope, &[], &mut problems)
        }
        None => Vec::new(),
    };
    shared_types.sort_by(|a, b| a.name.cmp(&b.name));

    let mut seen_operations: HashMap<&str, Location> = HashMap::new();
    let mut seen_requests: HashMap<String, (Location, String)> = HashMap::new();
    for (file, group, endpoint) in &loaded.endpoints {
        let name = &endpoint.name;
        let here = file.location(name.span.start);
        let duplicate = seen_operations.get(name.value.as_str()).cloned();
        if let Some(first) = &duplicate {
            problems.push(Diagnostic {
                location: here.clone(),
                message: format!("duplicate operation name `{}`; first defined at {first}", name.value),
            });
        } else {
            seen_operations.insert(&name.value, here);
        }
        let context = EndpointContext {
            file,
            shared_names: &shared_names,
            shared_types: &shared_types,
            general_codes: &general_codes,
        };
        // A duplicate is still checked, so all of its problems are reported at once.
        let Some(operation) = resolve_endpoint(&context, group, endpoint, &mut problems) else { continue };
        if duplicate.is_some() {
            continue;
        }
        // Action-style endpoints share a path and differ only in a fixed query value.
        let here = file.location(name.span.start);
        if let Some((first, other)) = seen_requests.get(&request_key(&operation)) {
            problems.push(Diagnostic {
                location: file.location(endpoint.path.span.start),
                message: format!(
                    "operation `{}` sends the same request as `{other}` (first defined at {first}); \
                     give one of them a different path or a fixed [query] value such as `action`",
                    operation.name
                ),
            });
            continue;
        }
        seen_requests.insert(request_key(&operation), (here, operation.name.clone()));
        match groups.get_mut(group) {
            Some(g) => g.operations.push(operation),
            // Without a readable groups.toml every folder would be reported; its own problem is.
            None if loaded.groups.is_none() => {}
            None => problems.error(
                file,
                name.span,
                format!("the folder `spec/{group}/` is not declared in spec/groups.toml"),
            ),
        }
    }

    let mut groups: Vec<Group> = groups.into_values().collect();
    for group in &mut groups {
        group.operations.sort_by(|a, b| a.name.cmp(&b.name));
    }
    problems.into_result(Spec { general_errors, shared_types, groups })
}

/// What tells two endpoints apart on the wire: method, host, path and fixed query values.
fn request_key(op: &Operation) -> String {
    let mut fixed: Vec<String> = op.fixed_query.iter().map(|p| format!("{}={}", p.name, p.value)).collect();
    fixed.sort();
    format!("{:?} {}{}?{}", op.method, op.host, op.path, fixed.join("&"))
}

fn missing_file(loaded: &LoadedSpec<'_>, path: &str, problems: &mut Diagnostics) {
    if loaded.unreadable.iter().any(|p| p == path) {
        return;
    }
    problems.push(Diagnostic {
        location: Location { path: path.to_owned(), line: 1, column: 1 },
        message: "this file is required and was not found".to_owned(),
    });
}

fn resolve_groups(
    file: &SourceFile,
    entries: &Entries<format::GroupDef>,
    problems: &mut Diagnostics,
) -> BTreeMap<String, Group> {
    let mut groups = BTreeMap::new();
    for (key, def) in &entries.0 {
        if !names::is_snake(&key.value) {
            problems.error(
                file,
                key.span,
                format!("group name `{}` must be a snake_case Rust identifier", key.value),
            );
            continue;
        }
        groups.insert(
            key.value.clone(),
            Group {
                name: key.value.clone(),
                summary: def.value.summary.value.clone(),
                doc: def.value.doc.as_ref().map(|d| d.value.clone()),
                operations: Vec::new(),
            },
        );
    }
    groups
}

/// The type names a field's `type` may refer to.
struct Scope<'a> {
    local: &'a HashMap<String, Span>,
    shared: &'a HashMap<String, Span>,
}

impl Scope<'_> {
    fn reference(&self, name: &str) -> Option<TypeRef> {
        if self.local.contains_key(name) {
            Some(TypeRef { name: name.to_owned(), shared: false })
        } else if self.shared.contains_key(name) {
            Some(TypeRef { name: name.to_owned(), shared: true })
        } else {
            None
        }
    }
}

fn resolve_type_name(
    name: &Located<String>,
    items: Option<&Located<String>>,
    scope: &Scope<'_>,
) -> Result<Ty, (Span, String)> {
    let scalar = match name.value.as_str() {
        "string" => Some(Ty::String),
        "bool" => Some(Ty::Bool),
        "i32" => Some(Ty::I32),
        "i64" => Some(Ty::I64),
        "u32" => Some(Ty::U32),
        "u64" => Some(Ty::U64),
        "f64" => Some(Ty::F64),
        _ => None,
    };
    if name.value == "array" {
        let Some(items) = items else {
            return Err((name.span, "`type = \"array\"` needs `items` naming the element type".to_owned()));
        };
        if items.value == "array" {
            return Err((items.span, "arrays of arrays are not supported".to_owned()));
        }
        return resolve_type_name(items, None, scope).map(|t| Ty::Array(Box::new(t)));
    }
    if let Some(items) = items {
        return Err((items.span, "`items` is only allowed with `type = \"array\"`".to_owned()));
    }
    if let Some(scalar) = scalar {
        return Ok(scalar);
    }
    scope.reference(&name.value).map(Ty::Named).ok_or_else(|| {
        (
            name.span,
            format!(
                "unknown type `{}`; expected string, bool, i32, i64, u32, u64, f64, array, or a type \
                 declared in [types] of this file or in spec/types.toml",
                name.value
            ),
        )
    })
}

/// Where a list of fields sits, which decides the keys it may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldPlace {
    /// `[query]` parameters the caller supplies.
    Query,
    /// Top-level `[request]` fields: constants allowed, and files when the body is multipart.
    Request { multipart: bool },
    /// `[response]` fields and the fields of named object types.
    Object,
}

/// One field of a list, resolved to what it becomes.
enum Resolved {
    /// An ordinary field of the Rust type.
    Field(Field),
    /// A body field always sent with the same value.
    Constant(FixedParam),
    /// A file part of a multipart body.
    File(FileField),
}

/// The ordinary fields of a list whose place allows nothing else.
fn plain_fields(resolved: Vec<Resolved>) -> Vec<Field> {
    resolved
        .into_iter()
        .filter_map(|r| match r {
            Resolved::Field(field) => Some(field),
            Resolved::Constant(_) | Resolved::File(_) => None,
        })
        .collect()
}

fn resolve_fields(
    file: &SourceFile,
    entries: &Entries<format::Field>,
    scope: &Scope<'_>,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Vec<Resolved> {
    let mut fields = Vec::new();
    let mut idents: HashMap<String, &str> = HashMap::new();
    for (key, def) in &entries.0 {
        let def = &def.value;
        let Some(ident) = names::snake(&key.value) else {
            problems.error(
                file,
                key.span,
                format!("field name `{}` cannot become a Rust identifier", key.value),
            );
            continue;
        };
        if ident == "new" {
            problems.error(file, key.span, "a field named `new` would clash with the request constructor");
            continue;
        }
        if let Some(other) = idents.insert(ident.clone(), &key.value) {
            problems.error(
                file,
                key.span,
                format!("fields `{other}` and `{}` both become the Rust name `{ident}`", key.value),
            );
            continue;
        }
        if let Some(resolved) = resolve_field(file, key, def, ident, scope, place, problems) {
            fields.push(resolved);
        }
    }
    fields
}

fn resolve_field(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    ident: String,
    scope: &Scope<'_>,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Option<Resolved> {
    let before = problems.0.len();
    if def.ty.value != "file" {
        for (span, name) in [
            (def.content_type.as_ref().map(|c| c.span), "content_type"),
            (def.max_size.as_ref().map(|m| m.span), "max_size"),
        ] {
            if let Some(span) = span {
                problems.error(file, span, format!("`{name}` is only allowed with `type = \"file\"`"));
            }
        }
    }
    if def.ty.value == "file" {
        return resolve_file(file, key, def, ident, place, problems);
    }
    if let Some(value) = &def.value {
        return match place {
            FieldPlace::Query | FieldPlace::Request { .. } => {
                resolve_constant(file, key, def, value, problems)
            }
            FieldPlace::Object => {
                problems.error(
                    file,
                    value.span,
                    "`value` is only allowed on [query] parameters and top-level [request] fields",
                );
                None
            }
        };
    }
    let ty = match resolve_type_name(&def.ty, def.items.as_ref(), scope) {
        Ok(ty) => ty,
        Err((span, message)) => {
            problems.error(file, span, message);
            return None;
        }
    };
    if def.secret && ty != Ty::String {
        problems.error(file, def.ty.span, "`secret = true` is only allowed with `type = \"string\"`");
        return None;
    }
    if place == FieldPlace::Query
        && !matches!(ty, Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64)
    {
        problems.error(file, def.ty.span, "query parameters must be strings, booleans or integers");
        return None;
    }
    if place == (FieldPlace::Request { multipart: true })
        && !matches!(ty, Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F64)
    {
        problems.error(
            file,
            def.ty.span,
            "the text fields of a multipart body must be strings, booleans or numbers",
        );
        return None;
    }
    (problems.0.len() == before).then(|| {
        Resolved::Field(Field {
            wire: key.value.clone(),
            ident,
            ty,
            required: !def.optional,
            doc: def.doc.value.clone(),
            aliases: def.aliases.iter().map(|a| a.value.clone()).collect(),
            secret: def.secret,
            lenient: def.lenient_in_mock.as_ref().is_some_and(|l| l.value),
        })
    })
}

/// A field with a fixed `value`: always sent, never set by the caller.
fn resolve_constant(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    value: &Located<String>,
    problems: &mut Diagnostics,
) -> Option<Resolved> {
    let before = problems.0.len();
    if def.ty.value != "string" || def.items.is_some() {
        problems.error(file, def.ty.span, "a constant (a field with `value`) must have `type = \"string\"`");
    }
    if def.optional {
        problems.error(
            file,
            key.span,
            "a constant (a field with `value`) is always sent; it cannot be `optional`",
        );
    }
    if !def.aliases.is_empty() {
        problems.error(file, key.span, "a constant (a field with `value`) cannot have `aliases`");
    }
    if def.secret {
        problems.error(
            file,
            key.span,
            "a constant (a field with `value`) is written in the spec; it cannot be `secret`",
        );
    }
    (problems.0.len() == before).then(|| {
        Resolved::Constant(FixedParam {
            name: key.value.clone(),
            value: value.value.clone(),
            doc: def.doc.value.clone(),
        })
    })
}

/// A `type = "file"` field: a file part of a multipart body.
fn resolve_file(
    file: &SourceFile,
    key: &Located<String>,
    def: &format::Field,
    ident: String,
    place: FieldPlace,
    problems: &mut Diagnostics,
) -> Option<Resolved> {
    if place != (FieldPlace::Request { multipart: true }) {
        problems.error(
            file,
            def.ty.span,
            "`type = \"file\"` is only allowed in [request] of an endpoint with `body = \"multipart\"`",
        );
        return None;
    }
    let before = problems.0.len();
    for (span, name) in [
        (def.items.as_ref().map(|i| i.span), "items"),
        (def.value.as_ref().map(|v| v.span), "value"),
        (def.aliases.first().map(|a| a.span), "aliases"),
    ] {
        if let Some(span) = span {
            problems.error(file, span, format!("`{name}` is not allowed with `type = \"file\"`"));
        }
    }
    let content_type = match &def.content_type {
        Some(ct) if is_media_type(&ct.value) => Some(ct.value.clone()),
        Some(ct) => {
            problems.error(
                file,
                ct.span,
                format!("`{}` is not a media type such as `application/pdf`", ct.value),
            );
            None
        }
        None => {
            problems.error(file, key.span, "a `file` field needs `content_type`, e.g. `application/pdf`");
            None
        }
    };
    let max_size = match &def.max_size {
        Some(size) if size.value > 0 => u64::try_from(size.value).ok(),
        Some(size) => {
            problems.error(file, size.span, "`max_size` must be a positive number of bytes");
            None
        }
        None => {
            problems.error(file, key.span, "a `file` field needs `max_size`, in bytes");
            None
        }
    };
    let (Some(content_type), Some(max_size)) = (content_type, max_size) else { return None };
    (problems.0.len() == before).then(|| {
        Resolved::File(FileField {
            wire: key.value.clone(),
            ident,
            doc: def.doc.value.clone(),
            content_type,
            max_size,
            required: !def.optional,
            lenient: def.lenient_in_mock.as_ref().is_some_and(|l| l.value),
        })
    })
}

/// `type/subtype` with the characters RFC 6838 allows in each half.
fn is_media_type(text: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    matches!(text.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

fn resolve_types(
    file: &SourceFile,
    entries: &Entries<format::TypeDef>,
    scope: &Scope<'_>,
    taken: &[String],
    problems: &mut Diagnostics,
) -> Vec<TypeDef> {
    let mut types = Vec::new();
    for (key, def) in &entries.0 {
        let name = &key.value;
        if !names::is_camel(name) {
            problems.error(
                file,
                key.span,
                format!("type name `{name}` must be an UpperCamelCase Rust identifier"),
            );
            continue;
        }
        if taken.contains(name) {
            problems.error(
                file,
                key.span,
                format!("type name `{name}` is already the name of this operation's generated type"),
            );
            continue;
        }
        if scope.local.contains_key(name) && scope.shared.contains_key(name) {
            problems.error(
                file,
                key.span,
                format!("duplicate type name `{name}`: spec/types.toml already declares it"),
            );
            continue;
        }
        let kind = match (&def.value.fields, &def.value.values) {
            (Some(fields), None) => TypeKind::Struct(plain_fields(resolve_fields(
                file,
                &fields.value,
                scope,
                FieldPlace::Object,
                problems,
            ))),
            (None, Some(values)) => match resolve_variants(file, &values.value, problems) {
                Some(kind) => kind,
                None => continue,
            },
            _ => {
                problems.error(
                    file,
                    key.span,
                    format!("type `{name}` needs exactly one of `fields` (an object) or `values` (an enum)"),
                );
                continue;
            }
        };
        types.push(TypeDef { name: name.clone(), doc: def.value.doc.value.clone(), kind });
    }
    types
}

fn resolve_variants(
    file: &SourceFile,
    values: &[Located<format::EnumValue>],
    problems: &mut Diagnostics,
) -> Option<TypeKind> {
    let first = values.first()?;
    let strings = matches!(first.value.value.value, Literal::Str(_));
    let mut variants = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut ok = true;
    for value in values {
        let def = &value.value;
        if matches!(def.value.value, Literal::Str(_)) != strings {
            problems.error(file, def.value.span, "an enum's values must be all strings or all integers");
            ok = false;
            continue;
        }
        let name = match (&def.name, &def.value.value) {
            (Some(name), _) if names::is_camel(&name.value) => name.value.clone(),
            (Some(name), _) => {
                problems.error(
                    file,
                    name.span,
                    format!("variant name `{}` must be an UpperCamelCase Rust identifier", name.value),
                );
                ok = false;
                continue;
            }
            (None, Literal::Str(s)) => match names::camel(s) {
                Some(name) => name,
                None => {
                    problems.error(
                        file,
                        def.value.span,
                        format!("`{s}` cannot become a variant name; give it a `name`"),
                    );
                    ok = false;
                    continue;
                }
            },
            (None, Literal::Int(_)) => {
                problems.error(file, def.value.span, "integer enum values need a `name`");
                ok = false;
                continue;
            }
        };
        if name == "Unknown" || seen.insert(name.clone(), ()).is_some() {
            problems.error(file, value.span, format!("duplicate or reserved variant name `{name}`"));
            ok = false;
            continue;
        }
        variants.push(Variant { name, wire: def.value.value.clone(), doc: def.doc.value.clone() });
    }
    if !ok {
        return None;
    }
    Some(if strings { TypeKind::StringEnum(variants) } else { TypeKind::IntEnum(variants) })
}

fn resolve_errors(
    file: &SourceFile,
    defs: &[Located<format::ErrorDef>],
    general: &[(i64, &str)],
    problems: &mut Diagnostics,
) -> Vec<ErrorCase> {
    let mut cases = Vec::new();
    let mut codes: HashMap<i64, ()> = HashMap::new();
    let mut variants: HashMap<String, ()> = HashMap::new();
    for def in defs {
        let def = &def.value;
        let code = def.code.value;
        if let Some((_, message)) = general.iter().find(|(c, _)| *c == code) {
            problems.error(
                file,
                def.code.span,
                format!("error code {code} (`{message}`) is a general code of spec/errors.toml; do not repeat it here"),
            );
            continue;
        }
        if codes.insert(code, ()).is_some() {
            problems.error(file, def.code.span, format!("duplicate error code {code}"));
            continue;
        }
        let name = match &def.name {
            Some(name) if names::is_camel(&name.value) => name.value.clone(),
            Some(name) => {
                problems.error(
                    file,
                    name.span,
                    format!("variant name `{}` must be an UpperCamelCase Rust identifier", name.value),
                );
                continue;
            }
            None => match names::camel(&def.message.value) {
                Some(name) => name,
                None => {
                    problems.error(
                        file,
                        def.message.span,
                        "this message cannot become a variant name; give the code a `name`",
                    );
                    continue;
                }
            },
        };
        if RESERVED_ERROR_VARIANTS.contains(&name.as_str()) || variants.insert(name.clone(), ()).is_some() {
            let span = def.name.as_ref().map_or(def.message.span, |n| n.span);
            problems.error(
                file,
                span,
                format!("duplicate or reserved error variant name `{name}`; give the code another `name`"),
            );
            continue;
        }
        cases.push(ErrorCase {
            code,
            message: def.message.value.clone(),
            name,
            meaning: def.meaning.value.clone(),
            remedy: def.remedy.as_ref().map(|r| r.value.clone()),
            retry: def.retry.as_ref().map_or(Retry::Never, |r| r.value),
        });
    }
    cases
}

struct EndpointContext<'a> {
    file: &'a SourceFile,
    shared_names: &'a HashMap<String, Span>,
    shared_types: &'a [TypeDef],
    general_codes: &'a HashMap<i64, &'a str>,
}

fn resolve_endpoint(
    cx: &EndpointContext<'_>,
    group: &str,
    endpoint: &format::EndpointFile,
    problems: &mut Diagnostics,
) -> Option<Operation> {
    let file = cx.file;
    let before = problems.0.len();
    let name = &endpoint.name;
    if !names::is_snake(&name.value) {
        problems.error(
            file,
            name.span,
            format!("operation name `{}` must be a snake_case Rust identifier", name.value),
        );
    }

    let path = &endpoint.path;
    if !path.value.starts_with('/') || path.value.contains(['?', '#', ' ']) {
        problems.error(
            file,
            path.span,
            "path must start with `/` and hold no query string, fragment or spaces",
        );
    }
    let method = endpoint.method.value;
    let body = endpoint.body.as_ref().map(|b| b.value).unwrap_or(match method {
        Method::Get => BodyKind::None,
        Method::Post => BodyKind::Json,
    });
    if method == Method::Get && body != BodyKind::None {
        problems.error(
            file,
            endpoint.body.as_ref().map_or(endpoint.method.span, |b| b.span),
            "GET endpoints send no body",
        );
    }
    if let (BodyKind::None, Some((key, _))) = (body, endpoint.request.0.first()) {
        problems.error(
            file,
            key.span,
            "this endpoint sends no body, so it can have no [request] fields; use [query]",
        );
    }

    let auth = &endpoint.auth.value;
    if auth.token.value == TokenKind::None && auth.third_party {
        problems.error(
            file,
            auth.token.span,
            "an endpoint that takes no token cannot be called by third parties",
        );
    }
    if let (Some(set), false) = (&auth.permission_set, auth.third_party) {
        problems.error(file, set.span, "`permission_set` only applies with `third_party = true`");
    }

    let local_names: HashMap<String, Span> =
        endpoint.types.0.iter().map(|(k, _)| (k.value.clone(), k.span)).collect();
    let scope = Scope { local: &local_names, shared: cx.shared_names };
    let own_types = names::operation_types(&name.value).to_vec();
    let types = resolve_types(file, &endpoint.types, &scope, &own_types, problems);

    let mut query_entries = Entries::default();
    for (key, field) in &endpoint.query.0 {
        if key.value == "access_token" {
            problems.error(file, key.span, "`access_token` is added by the client; do not declare it");
        } else {
            query_entries.0.push((key.clone(), field.clone()));
        }
    }
    let (mut fixed_query, mut query) = (Vec::new(), Vec::new());
    for resolved in resolve_fields(file, &query_entries, &scope, FieldPlace::Query, problems) {
        match resolved {
            Resolved::Field(field) => query.push(field),
            Resolved::Constant(constant) => fixed_query.push(constant),
            Resolved::File(_) => {}
        }
    }
    let multipart = body == BodyKind::Multipart;
    let (mut request, mut fixed_body, mut files) = (Vec::new(), Vec::new(), Vec::new());
    for resolved in
        resolve_fields(file, &endpoint.request, &scope, FieldPlace::Request { multipart }, problems)
    {
        match resolved {
            Resolved::Field(field) => request.push(field),
            Resolved::Constant(constant) => fixed_body.push(constant),
            Resolved::File(part) => files.push(part),
        }
    }
    // Counted as written, so a broken file field does not also report a missing one.
    if multipart && !endpoint.request.0.iter().any(|(_, f)| f.value.ty.value == "file") {
        let span = endpoint.body.as_ref().map_or(endpoint.method.span, |b| b.span);
        problems.error(file, span, "a multipart body needs a [request] field with `type = \"file\"`");
    }
    let response =
        plain_fields(resolve_fields(file, &endpoint.response, &scope, FieldPlace::Object, problems));
    let body_idents: Vec<&str> =
        request.iter().map(|f| f.ident.as_str()).chain(files.iter().map(|f| f.ident.as_str())).collect();
    for field in query.iter().filter(|q| body_idents.contains(&q.ident.as_str())) {
        let span = endpoint
            .query
            .0
            .iter()
            .find(|(k, _)| k.value == field.wire)
            .map_or(Span::default(), |(k, _)| k.span);
        problems.error(file, span, format!("`{}` is both a query parameter and a body field", field.wire));
    }

    let general: Vec<(i64, &str)> = cx.general_codes.iter().map(|(c, m)| (*c, *m)).collect();
    let errors = resolve_errors(file, &endpoint.errors, &general, problems);

    let lookup = TypeLookup {
        local: types.iter().map(|t| (t.name.as_str(), t)).collect(),
        shared: cx.shared_types.iter().map(|t| (t.name.as_str(), t)).collect(),
    };
    let examples = endpoint
        .examples
        .iter()
        .map(|example| {
            let shapes =
                ExampleShapes { body, request: &request, fixed_body: &fixed_body, response: &response };
            check_example(file, &example.value, &shapes, &lookup, problems)
        })
        .collect();

    let availability = endpoint.availability.as_ref().map(|a| &a.value);
    let operation = Operation {
        name: name.value.clone(),
        group: group.to_owned(),
        source: file.path.clone(),
        interface: endpoint.interface.value.clone(),
        summary: endpoint.summary.value.clone(),
        doc: endpoint.doc.as_ref().map(|d| d.value.clone()),
        method,
        host: endpoint.host.as_ref().map_or(DEFAULT_HOST.to_owned(), |h| h.value.clone()),
        path: path.value.clone(),
        body,
        token: auth.token.value,
        third_party: auth.third_party,
        permission_set: auth.permission_set.as_ref().map(|p| p.value),
        cloud_call: availability.is_some_and(|a| a.cloud_call),
        accounts: availability
            .map(|a| a.accounts.0.iter().map(|(k, v)| (k.value.clone(), v.value)).collect())
            .unwrap_or_default(),
        fixed_query,
        query,
        request,
        fixed_body,
        files,
        response,
        types,
        errors,
        examples,
        notes: endpoint.notes.iter().map(|n| n.value.clone()).collect(),
    };
    (problems.0.len() == before).then_some(operation)
}

/// What an example is checked against.
struct ExampleShapes<'a> {
    body: BodyKind,
    request: &'a [Field],
    fixed_body: &'a [FixedParam],
    response: &'a [Field],
}

fn check_example(
    file: &SourceFile,
    example: &format::Example,
    shapes: &ExampleShapes<'_>,
    lookup: &TypeLookup<'_>,
    problems: &mut Diagnostics,
) -> Example {
    let (request, response) = (shapes.request, shapes.response);
    if let Some(text) = &example.request {
        if shapes.body != BodyKind::Json {
            problems.error(file, text.span, "only endpoints with a JSON body can have a request example");
        } else if let Some(value) = parse_json(file, text, problems) {
            let constants: Vec<&str> = shapes.fixed_body.iter().map(|c| c.name.as_str()).collect();
            let mut found = check_object(request, &value, &constants, Strictness::Exact, lookup);
            for constant in shapes.fixed_body {
                if value.get(&constant.name).and_then(serde_json::Value::as_str)
                    != Some(constant.value.as_str())
                {
                    found.push(format!("`{}`: the constant must be \"{}\"", constant.name, constant.value));
                }
            }
            for problem in found {
                problems.error(
                    file,
                    text.span,
                    format!("example request does not match [request]: {problem}"),
                );
            }
        }
    }
    if let Some(text) = &example.response
        && let Some(value) = parse_json(file, text, problems)
    {
        let failed = value.get("errcode").and_then(serde_json::Value::as_i64).is_some_and(|c| c != 0);
        let fields = if failed { &[][..] } else { response };
        for problem in check_object(fields, &value, &["errcode", "errmsg"], Strictness::Lenient, lookup) {
            problems.error(file, text.span, format!("example response does not match [response]: {problem}"));
        }
    }
    Example {
        name: example.name.as_ref().map(|n| n.value.clone()),
        request: example.request.as_ref().map(|r| r.value.clone()),
        response: example.response.as_ref().map(|r| r.value.clone()),
    }
}

/// Parses example JSON; a syntax error is reported at its own line and column in the spec
/// file when the string was written without escapes, at the string otherwise.
fn parse_json(
    file: &SourceFile,
    text: &Located<String>,
    problems: &mut Diagnostics,
) -> Option<serde_json::Value> {
    match serde_json::from_str(&text.value) {
        Ok(value) => Some(value),
        Err(error) => {
            let offset =
                json_error_offset(file, text, error.line(), error.column()).unwrap_or(text.span.start);
            problems.error(
                file,
                Span { start: offset, end: offset },
                format!("invalid example JSON: {error}"),
            );
            None
        }
    }
}

fn json_error_offset(file: &SourceFile, text: &Located<String>, line: usize, column: usize) -> Option<usize> {
    let content = &text.value;
    let start = (text.span.start..=text.span.end)
        .find(|&i| file.text.get(i..i + content.len()) == Some(content.as_str()))?;
    let line_start: usize = content.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    Some(start + line_start + column.saturating_sub(1))
}
