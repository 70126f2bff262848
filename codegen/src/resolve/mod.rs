//! From the files as written to the model: every name, reference and example checked, and
//! every problem reported with its place.
//!
//! One module per concern: `scope` (which type names a field may use), `fields`, `types`,
//! `errors`, `endpoint` (one endpoint file), `example_check` (its examples) and `recursion`
//! (types that contain themselves).

mod endpoint;
mod errors;
mod example_check;
mod fields;
mod recursion;
mod scope;
mod types;

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::{self, Entries};
use crate::load::LoadedSpec;
use crate::model::*;
use crate::names;
use crate::source::{Location, SourceFile, Span};

use endpoint::{EndpointContext, resolve_endpoint};
use errors::resolve_errors;
use scope::Scope;
use types::resolve_types;

/// The host endpoints live on unless their spec says otherwise.
pub const DEFAULT_HOST: &str = "api.weixin.qq.com";

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
            let mut resolved = resolve_types(file, &types.types, &scope, &[], &mut problems);
            recursion::break_cycles(file, &types.types, &mut resolved, true, &[], &mut problems);
            resolved
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
