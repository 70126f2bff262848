//! From the files as written to the model: every name, reference and example checked, and
//! every problem reported with its place.
//!
//! One module per concern: `scope` (which type names a field may use), `fields`, `types`,
//! `errors`, `endpoint` (one endpoint file), `example_check` (its examples), `recursion`
//! (types that contain themselves), `events` (push events) and `state` (the mock's state
//! model: resources, `[[mock]]` steps, user actions and examples' `given` records).

mod checks;
mod endpoint;
mod errors;
mod event_example;
mod events;
mod example_check;
mod fields;
mod keywords;
mod received;
mod recursion;
mod scope;
mod state;
#[cfg(test)]
mod test_support;
mod type_index;
mod types;
mod unions;

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::examples::TypeLookup;
use crate::format::{self, Entries};
use crate::load::LoadedSpec;
use crate::model::*;
use crate::names;
use crate::source::{Location, SourceFile, Span};

use endpoint::{EndpointContext, resolve_endpoint};
use errors::{Inherited, resolve_errors};
use scope::Scope;
use types::resolve_types;

/// The host endpoints live on unless their spec says otherwise.
pub const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// Resolves a loaded spec folder into the model: the general codes, the groups, the shared
/// and group types and codes, each endpoint against them, the events and the mock's state
/// model. Every problem of every file is reported at once.
pub fn resolve(loaded: &LoadedSpec<'_>) -> Result<Spec, Diagnostics> {
    let mut problems = Diagnostics::default();
    let general_errors = general_errors(loaded, &mut problems);
    let general: Vec<Inherited<'_>> = general_errors
        .iter()
        .map(|case| Inherited { case, path: "spec/errors.toml", enumerated: false })
        .collect();
    let mut groups = match &loaded.groups {
        Some((file, groups)) => resolve_groups(file, &groups.groups, &mut problems),
        None => {
            missing_file(loaded, "spec/groups.toml", &mut problems);
            BTreeMap::new()
        }
    };
    let shared_names = type_names(loaded.types.iter().map(|(_, t)| t));
    let shared_types = shared_types(loaded, &shared_names, &mut problems);
    let group_names: HashMap<String, HashMap<String, Span>> = groups
        .keys()
        .map(|g| {
            let files = loaded.group_types.iter().filter(|(_, group, _)| group == g).map(|(_, _, t)| t);
            (g.clone(), type_names(files))
        })
        .collect();
    let names =
        Names { general: &general, groups: &group_names, shared: &shared_names, shared_types: &shared_types };
    resolve_group_files(loaded, &mut groups, &names, &mut problems);

    let operations = resolve_operations(loaded, &groups, &names, &mut problems);
    check_root_methods(&groups, &operations, &mut problems);
    for (_, _, operation) in operations {
        if let Some(group) = groups.get_mut(&operation.group) {
            group.operations.push(operation);
        }
    }

    let events = events::resolve(loaded, &groups, &mut problems);
    let mut groups: Vec<Group> = groups.into_values().collect();
    for group in &mut groups {
        group.operations.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let codes = errors::shared_codes(declared_codes(&general_errors, &groups), &mut problems);
    let mut spec = Spec { general_errors, shared_types, groups, codes, events, state: StateModel::default() };
    checks::mark(&mut spec);
    received::mark(&mut spec);
    let names = state::Names { groups: &group_names, shared: &shared_names };
    state::resolve(loaded, &mut spec, &names, &mut problems);
    problems.into_result(spec)
}

/// What the group files and the endpoints are resolved against.
struct Names<'a> {
    /// WeChat's general codes, which no other file declares again.
    general: &'a [Inherited<'a>],
    /// The type names of each group's `types.toml`.
    groups: &'a HashMap<String, HashMap<String, Span>>,
    /// The type names of `spec/types.toml`.
    shared: &'a HashMap<String, Span>,
    /// The types of `spec/types.toml`, resolved.
    shared_types: &'a [TypeDef],
}

/// `spec/errors.toml`: WeChat's general codes.
fn general_errors(loaded: &LoadedSpec<'_>, problems: &mut Diagnostics) -> Vec<ErrorCase> {
    match &loaded.errors {
        Some((file, errors)) => resolve_errors(file, &errors.errors, &[], problems),
        None => {
            missing_file(loaded, "spec/errors.toml", problems);
            Vec::new()
        }
    }
}

/// `spec/types.toml`, sorted by name.
fn shared_types(
    loaded: &LoadedSpec<'_>,
    shared_names: &HashMap<String, Span>,
    problems: &mut Diagnostics,
) -> Vec<TypeDef> {
    let Some((file, types)) = &loaded.types else { return Vec::new() };
    let scope = Scope { local: &HashMap::new(), group: None, shared: shared_names };
    let own = TypeScope::Shared;
    let mut resolved = resolve_types(file, &types.types, &scope, &own, &[], problems);
    recursion::break_cycles(file, &types.types, &mut resolved, &own, problems);
    unions::check_types(file, &types.types, &resolved, &lookup(&[], &[], &resolved), problems);
    resolved.sort_by(|a, b| a.name.cmp(&b.name));
    resolved
}

/// Each group's `types.toml` and `errors.toml`, into its group.
fn resolve_group_files(
    loaded: &LoadedSpec<'_>,
    groups: &mut BTreeMap<String, Group>,
    names: &Names<'_>,
    problems: &mut Diagnostics,
) {
    let no_names = HashMap::new();
    for (file, group, types) in &loaded.group_types {
        let Some(target) = declared_group(groups, loaded, file, group, problems) else { continue };
        let group_names = names.groups.get(group.as_str()).unwrap_or(&no_names);
        let scope = Scope { local: &HashMap::new(), group: Some((group, group_names)), shared: names.shared };
        let own = TypeScope::Group(group.clone());
        let mut resolved = resolve_types(file, &types.types, &scope, &own, &[], problems);
        recursion::break_cycles(file, &types.types, &mut resolved, &own, problems);
        unions::check_types(
            file,
            &types.types,
            &resolved,
            &lookup(&[], &resolved, names.shared_types),
            problems,
        );
        target.types.extend(resolved);
        target.types.sort_by(|a, b| a.name.cmp(&b.name));
    }
    for (file, group, errors) in &loaded.group_errors {
        let Some(target) = declared_group(groups, loaded, file, group, problems) else { continue };
        target.errors.extend(resolve_errors(file, &errors.errors, names.general, problems));
    }
}

/// Every endpoint file resolved against its group, with where its name is written; a name
/// declared twice in a group, a folder no group declares and two operations sending the same
/// request are refused. The files are resolved on all cores ([`resolve_each`]), then taken
/// in file order, so the problems come in the order of the files however the threads ran.
fn resolve_operations<'f>(
    loaded: &LoadedSpec<'f>,
    groups: &BTreeMap<String, Group>,
    names: &Names<'_>,
    problems: &mut Diagnostics,
) -> Vec<(&'f SourceFile, Span, Operation)> {
    let mut seen_operations: HashMap<(&str, &str), Location> = HashMap::new();
    let mut seen_requests: HashMap<String, (Location, String)> = HashMap::new();
    let mut resolved = Vec::new();
    let each = resolve_each(loaded, groups, names);
    for ((file, group, endpoint), outcome) in loaded.endpoints.iter().zip(each) {
        let name = &endpoint.name;
        let here = file.location(name.span.start);
        let duplicate = seen_operations.get(&(group.as_str(), name.value.as_str())).cloned();
        if let Some(first) = &duplicate {
            problems.push(Diagnostic {
                location: here.clone(),
                message: format!(
                    "duplicate operation name `{}` in group `{group}`; first defined at {first}",
                    name.value
                ),
            });
        } else {
            seen_operations.insert((group, &name.value), here.clone());
        }
        let Some((operation, own_problems)) = outcome else {
            undeclared_group(loaded, file, name.span, group, problems);
            continue;
        };
        // A duplicate is still checked, so all of its problems are reported at once.
        problems.0.extend(own_problems.0);
        let Some(operation) = operation else { continue };
        if duplicate.is_some() {
            continue;
        }
        // Action-style endpoints share a path and differ only in a fixed query value.
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
        resolved.push((*file, name.span, operation));
    }
    resolved
}

/// What [`resolve_endpoint`] makes of each endpoint file, with the file's own problems, in
/// file order; `None` for a file whose folder is no group. The files are independent of each
/// other, and together the largest part of resolving: they go on every core.
fn resolve_each(
    loaded: &LoadedSpec<'_>,
    groups: &BTreeMap<String, Group>,
    names: &Names<'_>,
) -> Vec<Option<(Option<Operation>, Diagnostics)>> {
    let no_names = HashMap::new();
    crate::parallel::map_in_order(&loaded.endpoints, |(file, group, endpoint)| {
        let declared = groups.get(group)?;
        let group_codes = inherited_codes(names.general, declared, group_errors_path(loaded, group));
        let context = EndpointContext {
            file,
            group,
            group_names: names.groups.get(group.as_str()).unwrap_or(&no_names),
            group_types: &declared.types,
            group_errors: &declared.errors,
            shared_names: names.shared,
            shared_types: names.shared_types,
            inherited_codes: &group_codes,
        };
        let mut own_problems = Diagnostics::default();
        let operation = resolve_endpoint(&context, endpoint, &mut own_problems);
        Some((operation, own_problems))
    })
}

/// The codes an endpoint of `group` may not declare again: the general ones, then its group's.
fn inherited_codes<'a>(general: &[Inherited<'a>], group: &'a Group, path: &'a str) -> Vec<Inherited<'a>> {
    general
        .iter()
        .map(|i| Inherited { case: i.case, path: i.path, enumerated: false })
        .chain(group.errors.iter().map(|case| Inherited { case, path, enumerated: true }))
        .collect()
}

/// Every list of codes with who declares it, in the order the crate-wide table takes its
/// first declarations from: general, then each group's, then each operation's.
fn declared_codes<'a>(general: &'a [ErrorCase], groups: &'a [Group]) -> Vec<(String, &'a [ErrorCase])> {
    let mut lists = vec![("general".to_owned(), general)];
    lists.extend(groups.iter().map(|g| (g.name.clone(), &g.errors[..])));
    for op in groups.iter().flat_map(|g| &g.operations) {
        lists.push((format!("{}::{}", op.group, op.name), &op.errors[..]));
    }
    lists
}

/// Where examples and checks find the types a reference names.
fn lookup<'a>(local: &'a [TypeDef], group: &'a [TypeDef], shared: &'a [TypeDef]) -> TypeLookup<'a> {
    let table = |types: &'a [TypeDef]| types.iter().map(|t| (t.name.as_str(), t)).collect();
    TypeLookup { local: table(local), group: table(group), shared: table(shared) }
}

/// The names declared by some types files, with where each was written.
fn type_names<'a>(files: impl Iterator<Item = &'a format::TypesFile>) -> HashMap<String, Span> {
    files.flat_map(|t| t.types.0.iter().map(|(k, _)| (k.value.clone(), k.span))).collect()
}

fn group_errors_path<'a>(loaded: &'a LoadedSpec<'_>, group: &str) -> &'a str {
    loaded
        .group_errors
        .iter()
        .find(|(_, g, _)| g == group)
        .map_or("the group's errors.toml", |(f, _, _)| &f.path)
}

/// The group a group-level file belongs to, or a problem if its folder is not a group.
fn declared_group<'g>(
    groups: &'g mut BTreeMap<String, Group>,
    loaded: &LoadedSpec<'_>,
    file: &SourceFile,
    group: &str,
    problems: &mut Diagnostics,
) -> Option<&'g mut Group> {
    let found = groups.get_mut(group);
    if found.is_none() {
        undeclared_group(loaded, file, Span::default(), group, problems);
    }
    found
}

/// Reports that `file`'s folder `group` is not declared in spec/groups.toml, unless
/// groups.toml itself could not be read: then every folder would be reported, and its own
/// problem is. The endpoints, group files, events, resources and user actions all check it.
fn undeclared_group(
    loaded: &LoadedSpec<'_>,
    file: &SourceFile,
    span: Span,
    group: &str,
    problems: &mut Diagnostics,
) {
    if loaded.groups.is_some() {
        problems.error(file, span, format!("the folder `spec/{group}/` is not declared in spec/groups.toml"));
    }
}

/// Operations of groups with `root_methods` become methods of the root `Client`: their
/// names must not repeat across those groups.
fn check_root_methods(
    groups: &BTreeMap<String, Group>,
    operations: &[(&SourceFile, Span, Operation)],
    problems: &mut Diagnostics,
) {
    let mut seen: HashMap<&str, &Operation> = HashMap::new();
    for (file, span, op) in operations {
        if !groups.get(&op.group).is_some_and(|g| g.root_methods) {
            continue;
        }
        if let Some(first) = seen.insert(&op.name, op) {
            problems.error(
                file,
                *span,
                format!(
                    "operation `{}` of group `{}` and the one of group `{}` would both be the root method \
                     `Client::{}`; rename one, or set `root_methods = false` for one group",
                    op.name, op.group, first.group, op.name
                ),
            );
        }
    }
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
                root_methods: def.value.root_methods,
                types: Vec::new(),
                errors: Vec::new(),
                operations: Vec::new(),
            },
        );
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::test_support::{accepted, endpoint, get_endpoint, refused};
    use crate::SourceFile;
    use crate::model::{Method, TypeDef};

    const GROUPS: &str = "[groups.zeta]\nsummary = \"Z.\"\ndoc = \"Zeta.\"\nroot_methods = true\n\
                          [groups.demo]\nsummary = \"D.\"\nroot_methods = true\n[groups.plain]\nsummary = \"P.\"\n";

    /// The endpoint file `file` moved to the folder `group`, sending its request to `path`.
    fn moved(file: SourceFile, group: &str, path: &str) -> SourceFile {
        let name = file.path.trim_start_matches("spec/demo/").trim_end_matches(".toml");
        let text = file.text.replacen(&format!("path = \"/{name}\""), &format!("path = \"{path}\""), 1);
        SourceFile::new(format!("spec/{group}/{name}.toml"), text)
    }

    /// A types file's entry: an object `name` with one string field.
    fn object(name: &str) -> String {
        format!("[types.{name}]\ndoc = \"D.\"\nfields.a = {{ type = \"string\", doc = \"A.\" }}\n")
    }

    #[test]
    fn groups_types_and_operations_are_sorted_into_the_model() {
        let spec = accepted(vec![
            SourceFile::new("spec/groups.toml", GROUPS),
            SourceFile::new("spec/types.toml", object("Beta") + &object("Alpha")),
            SourceFile::new("spec/demo/types.toml", object("Yes") + &object("No")),
            endpoint("b_op", ""),
            endpoint("a_op", ""),
        ]);
        let names = |types: &[TypeDef]| types.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&spec.shared_types), ["Alpha", "Beta"]);
        let groups: Vec<(&str, Option<&str>, bool)> =
            spec.groups.iter().map(|g| (g.name.as_str(), g.doc.as_deref(), g.root_methods)).collect();
        assert_eq!(groups, [("demo", None, true), ("plain", None, false), ("zeta", Some("Zeta."), true)]);
        assert_eq!(names(&spec.groups[0].types), ["No", "Yes"]);
        let ops: Vec<&str> = spec.groups[0].operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(ops, ["a_op", "b_op"]);
    }

    #[test]
    fn every_folder_is_a_declared_group_with_a_snake_case_name() {
        let groups = "[groups.demo]\nsummary = \"D.\"\n[groups.BadGroup]\nsummary = \"B.\"\n";
        let problems = refused(vec![
            SourceFile::new("spec/groups.toml", groups),
            moved(endpoint("op", ""), "other", "/op"),
            SourceFile::new("spec/other/types.toml", object("Thing")),
            SourceFile::new(
                "spec/other/errors.toml",
                "[[errors]]\ncode = 1\nmessage = \"m\"\nmeaning = \"M.\"\n",
            ),
        ]);
        assert_eq!(
            problems,
            [
                "spec/groups.toml:3:9: group name `BadGroup` must be a snake_case Rust identifier",
                // A group-level file has no one key to blame: it is located at its start.
                "spec/other/errors.toml:1:1: the folder `spec/other/` is not declared in spec/groups.toml",
                "spec/other/op.toml:1:9: the folder `spec/other/` is not declared in spec/groups.toml",
                "spec/other/types.toml:1:1: the folder `spec/other/` is not declared in spec/groups.toml",
            ]
        );
    }

    #[test]
    fn endpoints_of_another_method_or_host_may_share_a_path() {
        let spec = accepted(vec![
            moved(endpoint("post", ""), "demo", "/same"),
            moved(get_endpoint("get", ""), "demo", "/same"),
            moved(endpoint("elsewhere", "host = \"api.mch.weixin.qq.com\"\n"), "demo", "/same"),
        ]);
        let requests: Vec<(&str, Method, &str, &str)> = spec
            .operations()
            .map(|o| (o.name.as_str(), o.method, o.host.as_str(), o.path.as_str()))
            .collect();
        assert_eq!(
            requests,
            [
                ("elsewhere", Method::Post, "api.mch.weixin.qq.com", "/same"),
                ("get", Method::Get, super::DEFAULT_HOST, "/same"),
                ("post", Method::Post, super::DEFAULT_HOST, "/same"),
            ]
        );
    }

    #[test]
    fn a_root_method_name_is_taken_once_across_groups() {
        let problems = refused(vec![
            SourceFile::new("spec/groups.toml", GROUPS),
            moved(endpoint("get", ""), "demo", "/demo/get"),
            moved(endpoint("get", ""), "zeta", "/zeta/get"),
            // Not a root method: its group keeps its operations to itself.
            moved(endpoint("get", ""), "plain", "/plain/get"),
        ]);
        assert_eq!(
            problems,
            [
                "spec/zeta/get.toml:1:9: operation `get` of group `zeta` and the one of group `demo` would both be \
                 the root method `Client::get`; rename one, or set `root_methods = false` for one group"
            ]
        );
    }

    #[test]
    fn a_spec_resolved_on_several_threads_reports_every_endpoints_problems() {
        // Enough endpoints to be spread over threads: each has its own problem, and the
        // two sending the same request are found across them.
        let mut files: Vec<SourceFile> = (0..40)
            .map(|n| endpoint(&format!("op_{n:02}"), "request.id = { type = \"Nowhere\", doc = \"Id.\" }\n"))
            .collect();
        files.push(moved(endpoint("first", ""), "demo", "/same"));
        files.push(moved(endpoint("second", ""), "demo", "/same"));
        let problems = refused(files);
        let unknown: Vec<&String> =
            problems.iter().filter(|p| p.contains("unknown type `Nowhere`")).collect();
        assert_eq!(unknown.len(), 40, "{problems:#?}");
        for (n, problem) in unknown.iter().enumerate() {
            assert!(problem.starts_with(&format!("spec/demo/op_{n:02}.toml:7:")), "{problem}");
        }
        let same: Vec<&String> = problems.iter().filter(|p| p.contains("sends the same request")).collect();
        assert_eq!(same.len(), 1, "{problems:#?}");
        assert!(same[0].starts_with("spec/demo/second.toml:5:"), "{}", same[0]);
    }
}
