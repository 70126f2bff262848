//! Where `lenient_in_mock` may stand: on what a request sends and the mock checks. The mark
//! tells the mock to warn instead of refusing, so anywhere the mock checks nothing (a
//! response, a type only responses use) or checks an exact value (a constant) it would be a
//! promise the mock cannot keep, and the loader refuses it.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostics;
use crate::format::{EndpointFile, Entries, Field, Located, TypeDef};
use crate::load::LoadedSpec;
use crate::source::SourceFile;

/// Every `lenient_in_mock` written where it cannot apply, located at the key's value.
pub(crate) fn misplaced(loaded: &LoadedSpec<'_>) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let shared = loaded.types.as_ref().map(|(_, t)| by_name(&t.types)).unwrap_or_default();
    let mut shared_reached = HashSet::new();
    for (file, _, endpoint) in &loaded.endpoints {
        for (_, field) in endpoint.response.0.iter() {
            report(
                file,
                &field.value,
                "`lenient_in_mock` only applies to what a request sends; the mock never checks a [response] field",
                &mut problems,
            );
        }
        for (_, field) in endpoint.query.0.iter().chain(&endpoint.request.0) {
            if field.value.value.is_some() {
                report(
                    file,
                    &field.value,
                    "a constant (a field with `value`) is checked exactly; it cannot be `lenient_in_mock`",
                    &mut problems,
                );
            }
        }
        let local_reached = reached_types(endpoint, &shared, &mut shared_reached);
        for (name, def) in &endpoint.types.0 {
            if !local_reached.contains(name.value.as_str()) {
                unreached(file, &name.value, &def.value, &mut problems);
            }
        }
    }
    if let Some((file, types)) = &loaded.types {
        for (name, def) in &types.types.0 {
            if !shared_reached.contains(name.value.as_str()) {
                unreached(file, &name.value, &def.value, &mut problems);
            }
        }
    }
    problems
}

fn report(file: &SourceFile, field: &Field, message: &str, problems: &mut Diagnostics) {
    if let Some(mark) = &field.lenient_in_mock {
        problems.error(file, mark.span, message);
    }
}

fn unreached(file: &SourceFile, name: &str, def: &TypeDef, problems: &mut Diagnostics) {
    let message = format!(
        "`lenient_in_mock` on a field of `{name}`, which no [request] or [query] field reaches: the mock never checks it"
    );
    for (_, field) in fields(def).iter() {
        report(file, &field.value, &message, problems);
    }
}

/// The types of a file by name.
fn by_name(types: &Entries<TypeDef>) -> HashMap<&str, &TypeDef> {
    types.0.iter().map(|(k, def)| (k.value.as_str(), &def.value)).collect()
}

fn fields(def: &TypeDef) -> &[(Located<String>, Located<Field>)] {
    def.fields.as_ref().map_or(&[], |f| f.value.0.as_slice())
}

/// The names of `endpoint`'s own types its request reaches; the shared types it reaches are
/// added to `shared_reached`. A name is the endpoint's own type when it declares one, as the
/// resolver decides.
fn reached_types<'a>(
    endpoint: &'a EndpointFile,
    shared: &HashMap<&'a str, &'a TypeDef>,
    shared_reached: &mut HashSet<&'a str>,
) -> HashSet<&'a str> {
    let mut local_reached = HashSet::new();
    let local = by_name(&endpoint.types);
    let mut pending: Vec<(&'a str, bool)> = Vec::new();
    let push_field = |field: &'a Field, in_shared: bool, pending: &mut Vec<(&'a str, bool)>| {
        for name in [Some(&field.ty), field.items.as_ref()].into_iter().flatten() {
            // A shared type's fields name shared types only.
            let is_local = !in_shared && local.contains_key(name.value.as_str());
            pending.push((name.value.as_str(), !is_local));
        }
    };
    for (_, field) in endpoint.query.0.iter().chain(&endpoint.request.0) {
        push_field(&field.value, false, &mut pending);
    }
    while let Some((name, is_shared)) = pending.pop() {
        let (seen, types) =
            if is_shared { (&mut *shared_reached, shared) } else { (&mut local_reached, &local) };
        if !seen.insert(name) {
            continue;
        }
        let Some(def) = types.get(name) else { continue };
        for (_, field) in fields(def) {
            push_field(&field.value, is_shared, &mut pending);
        }
    }
    local_reached
}

#[cfg(test)]
mod tests {
    use crate::model::{Ty, TypeKind};
    use crate::{SourceFile, check_spec};

    const ERRORS: &str =
        "[[errors]]\ncode = -1\nmessage = \"system error\"\nname = \"Busy\"\nmeaning = \"m\"\n";

    fn files(types: &str, endpoint: &str) -> Vec<SourceFile> {
        vec![
            SourceFile::new("spec/errors.toml", ERRORS),
            SourceFile::new("spec/groups.toml", "[groups.g]\nsummary = \"G.\"\n"),
            SourceFile::new("spec/types.toml", types),
            SourceFile::new("spec/g/x.toml", endpoint),
        ]
    }

    const TYPES: &str = "[types.Buyer]\ndoc = \"d\"\nfields.number = { type = \"string\", optional = true, lenient_in_mock = true, doc = \"d\" }\n\
                         [types.Unused]\ndoc = \"d\"\nfields.n = { type = \"u32\", lenient_in_mock = true, doc = \"d\" }\n";

    const ENDPOINT: &str = "name = \"x\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"POST\"\npath = \"/x\"\n\
                            auth = { token = \"access_token\" }\n\
                            query.page = { type = \"u32\", lenient_in_mock = true, doc = \"d\" }\n\
                            request.data = { type = \"Data\", doc = \"d\" }\n\
                            [types.Data]\ndoc = \"d\"\nfields.buyers = { type = \"array\", items = \"Buyer\", doc = \"d\" }\n";

    #[test]
    fn marks_reached_from_a_request_resolve_and_others_are_located() {
        let problems = check_spec(&files(TYPES, ENDPOINT)).expect_err("Unused is reached by nothing");
        let messages: Vec<String> = problems.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "spec/types.toml:6:46: `lenient_in_mock` on a field of `Unused`, which no [request] or [query] field reaches: the mock never checks it"
            ]
        );

        let reached = TYPES.split("[types.Unused]").next().unwrap_or_default();
        let spec = check_spec(&files(reached, ENDPOINT)).unwrap_or_else(|e| panic!("{e}"));
        let op = spec.operations().next().expect("one operation");
        assert!(op.query[0].lenient && !op.request[0].lenient);
        let buyer = spec.shared_types.iter().find(|t| t.name == "Buyer").expect("shared");
        let TypeKind::Struct(fields) = &buyer.kind else { panic!("an object") };
        assert!(fields[0].lenient && !fields[0].required && fields[0].ty == Ty::String);
    }
}
