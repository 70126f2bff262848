//! The mock's state model: resources (`spec/resources.toml`, `spec/<group>/resources.toml`),
//! the `[[mock]]` steps of endpoints, user actions (`spec/<group>/user/*.toml`) and the
//! `given` records of examples, checked once every operation, type, code and event is known.
//!
//! `expr` parses expressions, `paths` follows paths through fields and types, `steps` checks
//! steps; this module checks resources, user actions and `given`, and puts them together.

mod expr;
mod paths;
mod steps;

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::diagnostic::Diagnostics;
use crate::examples::{ObjectShape, TypeLookup, describe};
use crate::format::{self, Entries, Located};
use crate::load::LoadedSpec;
use crate::model::{
    Behaviour, ExampleJson, Field, Fresh, Operation, Resource, Spec, StateModel, StatusValue, Statuses, Step,
    Ty, TypeDef, UserAction, UserActionExample,
};
use crate::names;
use crate::resolve::example_check::{mismatch_offset, parse_json};
use crate::resolve::fields::{FieldPlace, plain_fields, resolve_fields};
use crate::resolve::scope::Scope;
use crate::source::{SourceFile, Span};

use paths::{OWN_FIELDS, Types};
use steps::{StepContext, resolve_steps};

/// The type names each group declares, and the shared ones: what resource fields and user
/// action parameters may name.
pub(super) struct Names<'a> {
    pub(super) groups: &'a HashMap<String, HashMap<String, Span>>,
    pub(super) shared: &'a HashMap<String, Span>,
}

/// Resolves the state model of `loaded` against the rest of the spec, and writes each example's
/// `given` records into its operation.
pub(super) fn resolve(
    loaded: &LoadedSpec<'_>,
    spec: &mut Spec,
    names: &Names<'_>,
    problems: &mut Diagnostics,
) {
    let (state, givens) = build(loaded, spec, names, problems);
    for (group, name, index, records) in givens {
        let op = spec
            .groups
            .iter_mut()
            .filter(|g| g.name == group)
            .flat_map(|g| g.operations.iter_mut())
            .find(|o| o.name == name);
        if let Some(example) = op.and_then(|op| op.examples.get_mut(index)) {
            example.given = records;
        }
    }
    spec.state = state;
}

/// An example's `given` records: its operation's group and name, its index, the records.
type Given = (String, String, usize, Vec<(String, Value)>);

/// The state model and the `given` records of endpoints' examples: the resources first, then
/// what is checked against them, each endpoint's `[[mock]]` steps and `given` records and the
/// user actions.
fn build(
    loaded: &LoadedSpec<'_>,
    spec: &Spec,
    names: &Names<'_>,
    problems: &mut Diagnostics,
) -> (StateModel, Vec<Given>) {
    let declared: HashSet<i64> = spec.codes.iter().map(|c| c.code).collect();
    let resources = resolve_resources(loaded, spec, names, &declared, problems);
    let missing: Vec<i64> = resources.iter().filter_map(|r| r.missing).collect();
    let types = Types {
        local: HashMap::new(),
        groups: spec.groups.iter().map(|g| (g.name.as_str(), table(&g.types))).collect(),
        shared: table(&spec.shared_types),
    };
    let general = spec.general_errors.iter().map(|e| e.code);
    let inherited: Vec<i64> = general.chain(missing.iter().copied()).collect();
    let mocks = MockContext { spec, types: &types, resources: &resources, inherited: &inherited };
    let (behaviours, givens) = resolve_behaviours(loaded, &mocks, problems);
    let all_codes: Vec<i64> = declared.iter().copied().chain(missing.iter().copied()).collect();
    let user_actions = resolve_actions(loaded, spec, names, &types, &resources, &all_codes, problems);
    (StateModel { resources, behaviours, user_actions }, givens)
}

fn table(types: &[TypeDef]) -> HashMap<&str, &TypeDef> {
    types.iter().map(|t| (t.name.as_str(), t)).collect()
}

// --- resources ---------------------------------------------------------------------------------

/// A resource and where its `parent` is written, for the checks that need every resource.
struct Declared<'f> {
    resource: Resource,
    file: &'f SourceFile,
    name: Span,
    parent: Option<&'f Located<String>>,
}

fn resolve_resources(
    loaded: &LoadedSpec<'_>,
    spec: &Spec,
    names: &Names<'_>,
    codes: &HashSet<i64>,
    problems: &mut Diagnostics,
) -> Vec<Resource> {
    let files = loaded.resources.iter().map(|(file, resources)| (*file, None, resources)).chain(
        loaded
            .group_resources
            .iter()
            .map(|(file, group, resources)| (*file, Some(group.as_str()), resources)),
    );
    let mut declared: Vec<Declared<'_>> = Vec::new();
    let no_names = HashMap::new();
    for (file, group, resources) in files {
        if let Some(group) = group
            && spec.groups.iter().all(|g| g.name != group)
        {
            crate::resolve::undeclared_group(loaded, file, Span::default(), group, problems);
            continue;
        }
        let group_names = group.map(|g| (g, names.groups.get(g).unwrap_or(&no_names)));
        let scope = Scope { local: &HashMap::new(), group: group_names, shared: names.shared };
        for (name, def) in &resources.resources.0 {
            if let Some(other) = declared.iter().find(|d| d.resource.name == name.value) {
                problems.error(
                    file,
                    name.span,
                    format!("the resource `{}` is also declared in {}", name.value, other.file.path),
                );
                continue;
            }
            let Some(resource) = resolve_resource(file, group, name, &def.value, &scope, codes, problems)
            else {
                continue;
            };
            declared.push(Declared { resource, file, name: name.span, parent: def.value.parent.as_ref() });
        }
    }
    check_parents(&declared, problems);
    check_type_names(&declared, problems);
    let mut resources: Vec<Resource> = declared.into_iter().map(|d| d.resource).collect();
    resources.sort_by(|a, b| a.name.cmp(&b.name));
    resources
}

/// A resource of `group` (`None`: a shared one), or `None` (with every problem reported) when
/// it has problems. Each step checks one concern: the name, the fields, the key, how fresh
/// keys are made, the `missing` code and the statuses.
fn resolve_resource(
    file: &SourceFile,
    group: Option<&str>,
    name: &Located<String>,
    def: &format::ResourceDef,
    scope: &Scope<'_>,
    codes: &HashSet<i64>,
    problems: &mut Diagnostics,
) -> Option<Resource> {
    let before = problems.0.len();
    check_resource_name(file, name, problems);
    let written = without_own_fields(file, &def.fields.value, problems);
    let fields = plain_fields(resolve_fields(file, &written, scope, FieldPlace::Unsent, problems));
    let key = resolve_key(file, &def.key.value, &fields, problems);
    let fresh = resolve_fresh(file, def, &fields, problems);
    check_missing(file, def.missing.as_ref(), codes, problems);
    let statuses = def.statuses.as_ref().and_then(|s| resolve_statuses(file, s, problems));
    (problems.0.len() == before).then(|| Resource {
        name: name.value.clone(),
        group: group.map(str::to_owned),
        source: file.path.clone(),
        doc: def.doc.value.clone(),
        key,
        fields,
        parent: def.parent.as_ref().map(|p| p.value.clone()),
        missing: def.missing.as_ref().map(|m| m.value),
        fresh,
        statuses,
    })
}

/// The resource's name: snake_case, and not `request` or `item`, which steps' expressions read
/// as the request and the item of a step with `each`.
fn check_resource_name(file: &SourceFile, name: &Located<String>, problems: &mut Diagnostics) {
    if !names::is_snake(&name.value) || ["request", "item"].contains(&name.value.as_str()) {
        problems.error(
            file,
            name.span,
            format!(
                "resource name `{}` must be snake_case and not `request` or `item`, e.g. `card`",
                name.value
            ),
        );
    }
}

/// The fields as written, without the mock's own fields of every record, which are refused.
fn without_own_fields(
    file: &SourceFile,
    fields: &Entries<format::Field>,
    problems: &mut Diagnostics,
) -> Entries<format::Field> {
    let mut written = Entries::default();
    for (key, field) in &fields.0 {
        if OWN_FIELDS.contains(&key.value.as_str()) {
            problems.error(
                file,
                key.span,
                format!("`{}` is the mock's own field of every record; do not declare it", key.value),
            );
        } else {
            written.0.push((key.clone(), field.clone()));
        }
    }
    written
}

/// The key's fields: each once, one of the resource's `fields`, a string or an integer.
fn resolve_key(
    file: &SourceFile,
    parts: &[Located<String>],
    fields: &[Field],
    problems: &mut Diagnostics,
) -> Vec<String> {
    let mut key = Vec::new();
    for part in parts {
        match fields.iter().find(|f| f.wire == part.value) {
            _ if key.contains(&part.value) => {
                problems.error(file, part.span, format!("`{}` is in the key twice", part.value));
            }
            None => problems.error(
                file,
                part.span,
                format!("the key field `{}` is not one of `fields`", part.value),
            ),
            Some(f) if !matches!(f.ty, Ty::String | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64) => problems.error(
                file,
                part.span,
                format!("the key field `{}` must be of type `string` or an integer type", part.value),
            ),
            Some(_) => key.push(part.value.clone()),
        }
    }
    key
}

/// How a create makes each fresh key field: only key fields are made fresh, an integer one
/// by `"sequence"`, a string one like the example id given.
fn resolve_fresh(
    file: &SourceFile,
    def: &format::ResourceDef,
    fields: &[Field],
    problems: &mut Diagnostics,
) -> Vec<(String, Fresh)> {
    let mut fresh = Vec::new();
    for (name, how) in &def.fresh.0 {
        let Some(f) = fields
            .iter()
            .find(|f| f.wire == name.value)
            .filter(|_| def.key.value.iter().any(|k| k.value == name.value))
        else {
            problems.error(
                file,
                name.span,
                format!(
                    "`fresh.{}`: only key fields are made fresh, and `{}` is not one",
                    name.value, name.value
                ),
            );
            continue;
        };
        let integer = matches!(f.ty, Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64);
        match (how.value.as_str(), integer) {
            ("sequence", true) => fresh.push((name.value.clone(), Fresh::Sequence)),
            (_, true) => problems.error(
                file,
                how.span,
                format!("`fresh.{}` is an integer field: its fresh values are `\"sequence\"`", name.value),
            ),
            ("sequence", false) | ("", false) => problems.error(
                file,
                how.span,
                format!(
                    "`fresh.{}` is a string field: give an example id to shape fresh ones like",
                    name.value
                ),
            ),
            (example, false) => fresh.push((name.value.clone(), Fresh::Like(example.to_owned()))),
        }
    }
    fresh
}

/// The `missing` code, when given, is one the spec declares.
fn check_missing(
    file: &SourceFile,
    missing: Option<&Located<i64>>,
    codes: &HashSet<i64>,
    problems: &mut Diagnostics,
) {
    if let Some(missing) = missing
        && !codes.contains(&missing.value)
    {
        problems.error(
            file,
            missing.span,
            format!(
                "`missing = {}` is not a code the spec declares (spec/errors.toml, a group's errors.toml or an \
                 endpoint's [[errors]])",
                missing.value
            ),
        );
    }
}

fn resolve_statuses(
    file: &SourceFile,
    def: &Located<format::StatusesDef>,
    problems: &mut Diagnostics,
) -> Option<Statuses> {
    let before = problems.0.len();
    let values: Vec<&str> = def.value.values.iter().map(|v| v.value.value.value.as_str()).collect();
    if values.is_empty() {
        problems.error(file, def.span, "`statuses.values` lists no status");
        return None;
    }
    let variants = status_variants(&values);
    let mut resolved: Vec<StatusValue> = Vec::new();
    for (value, variant) in def.value.values.iter().zip(variants) {
        let written = &value.value.value;
        let Some(variant) = variant else {
            problems.error(
                file,
                written.span,
                format!("the status `{}` cannot become a Rust name", written.value),
            );
            continue;
        };
        if resolved.iter().any(|s| s.value == written.value) {
            problems.error(file, written.span, format!("the status `{}` is listed twice", written.value));
            continue;
        }
        if let Some(other) = resolved.iter().find(|s| s.variant == variant) {
            problems.error(
                file,
                written.span,
                format!(
                    "the statuses `{}` and `{}` both become the Rust name `{variant}`",
                    other.value, written.value
                ),
            );
            continue;
        }
        resolved.push(StatusValue {
            value: written.value.clone(),
            variant,
            doc: value.value.doc.value.clone(),
        });
    }
    let known = |status: &Located<String>, problems: &mut Diagnostics| {
        let ok = values.contains(&status.value.as_str());
        if !ok {
            let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            problems.error(
                file,
                status.span,
                format!("`{}` is not one of `statuses.values`: {}", status.value, list.join(", ")),
            );
        }
        ok
    };
    let initial = match &def.value.initial {
        Some(initial) => known(initial, problems).then(|| initial.value.clone()),
        None => values.first().map(|v| (*v).to_owned()),
    };
    let transitions = def.value.transitions.as_ref().map(|table| {
        let mut moves = Vec::new();
        for (from, to) in &table.value.0 {
            known(from, problems);
            for target in &to.value {
                known(target, problems);
            }
            moves.push((from.value.clone(), to.value.iter().map(|t| t.value.clone()).collect()));
        }
        moves
    });
    (problems.0.len() == before).then(|| Statuses {
        initial: initial.unwrap_or_default(),
        values: resolved,
        transitions,
    })
}

/// The Rust variant of each status: its UpperCamelCase, without the prefix every status shares
/// (`CARD_STATUS_NOT_VERIFY` of a card is `NotVerify`).
fn status_variants(values: &[&str]) -> Vec<Option<String>> {
    let prefix = common_prefix(values);
    values.iter().map(|v| names::camel(&v[prefix.len()..])).collect()
}

/// The longest prefix ending in `_` that every value has and none is only, with at least two
/// values.
fn common_prefix<'v>(values: &[&'v str]) -> &'v str {
    let Some((first, rest)) = values.split_first() else { return "" };
    if rest.is_empty() {
        return "";
    }
    let mut prefix: &str = first;
    for value in rest {
        while !value.starts_with(prefix) {
            prefix = &prefix[..prefix.len() - prefix.chars().next_back().map_or(1, char::len_utf8)];
        }
    }
    let cut = prefix.rfind('_').map_or(0, |i| i + 1);
    let prefix = &first[..cut];
    let usable = values.iter().all(|v| v[prefix.len()..].starts_with(|c: char| c.is_ascii_alphabetic()));
    if usable { prefix } else { "" }
}

/// A parent that exists, is not its own ancestor, declares `missing`, and whose key fields its
/// children have with the same types.
fn check_parents(declared: &[Declared<'_>], problems: &mut Diagnostics) {
    for child in declared {
        let Some(parent_name) = child.parent else { continue };
        let Some(parent) = declared.iter().find(|d| d.resource.name == parent_name.value) else {
            let known: Vec<String> = declared.iter().map(|d| format!("`{}`", d.resource.name)).collect();
            problems.error(
                child.file,
                parent_name.span,
                format!("no resource `{}`; expected one of {}", parent_name.value, known.join(", ")),
            );
            continue;
        };
        let mut ancestor = Some(parent);
        let mut steps = 0;
        while let Some(current) = ancestor {
            if current.resource.name == child.resource.name || steps > declared.len() {
                problems.error(
                    child.file,
                    parent_name.span,
                    format!("`{}` would be its own ancestor through `parent`", child.resource.name),
                );
                break;
            }
            steps += 1;
            ancestor = current.parent.and_then(|p| declared.iter().find(|d| d.resource.name == p.value));
        }
        if parent.resource.missing.is_none() {
            problems.error(
                child.file,
                parent_name.span,
                format!(
                    "the parent `{}` declares no `missing`: the errcode a `{}` of an unknown `{}` answers",
                    parent.resource.name, child.resource.name, parent.resource.name
                ),
            );
        }
        for key in &parent.resource.key {
            let theirs = parent.resource.field(key).map(|f| &f.ty);
            match child.resource.field(key) {
                Some(field) if Some(&field.ty) == theirs => {}
                Some(_) => problems.error(
                    child.file,
                    parent_name.span,
                    format!(
                        "`{}`'s field `{key}` must have the type of its parent `{}`'s key field",
                        child.resource.name, parent.resource.name
                    ),
                ),
                None => problems.error(
                    child.file,
                    parent_name.span,
                    format!(
                        "a `{}` belongs to a `{}` through the parent's key field `{key}`, which `{}` does not declare",
                        child.resource.name, parent.resource.name, child.resource.name
                    ),
                ),
            }
        }
    }
}

/// The typed record of each resource (`Card`) and its status enum (`CardStatus`) are types of
/// one module: their names must differ.
fn check_type_names(declared: &[Declared<'_>], problems: &mut Diagnostics) {
    let mut taken: HashMap<String, &str> = HashMap::new();
    for declaration in declared {
        let resource = &declaration.resource;
        let record = resource.type_name();
        let status = resource.statuses.as_ref().map(|_| format!("{record}Status"));
        for name in std::iter::once(record).chain(status) {
            if let Some(other) = taken.insert(name.clone(), &resource.name) {
                problems.error(
                    declaration.file,
                    declaration.name,
                    format!(
                        "the resources `{other}` and `{}` would both make the type `wechat_mock::records::{name}`; \
                         rename one",
                        resource.name
                    ),
                );
            }
        }
    }
}

// --- endpoints ---------------------------------------------------------------------------------

/// What endpoints' `[[mock]]` steps and `given` records are checked against, besides their
/// operation.
struct MockContext<'a> {
    spec: &'a Spec,
    types: &'a Types<'a>,
    resources: &'a [Resource],
    /// The codes every endpoint may answer besides its own: the general ones and the
    /// resources' `missing`.
    inherited: &'a [i64],
}

/// Each endpoint's `[[mock]]` steps, sorted by operation, and its examples' `given` records.
fn resolve_behaviours(
    loaded: &LoadedSpec<'_>,
    cx: &MockContext<'_>,
    problems: &mut Diagnostics,
) -> (Vec<Behaviour>, Vec<Given>) {
    // Each endpoint on its own, on every core; taken in file order, problems and all.
    let each = crate::parallel::map_in_order(&loaded.endpoints, |(file, group, endpoint)| {
        let mut own_problems = Diagnostics::default();
        let Some(op) = mocked_operation(cx.spec, file, group, endpoint) else {
            return (None, Vec::new(), own_problems);
        };
        let behaviour = (!endpoint.mock.is_empty())
            .then(|| endpoint_steps(file, op, &endpoint.mock, cx, &mut own_problems))
            .flatten()
            .map(|steps| Behaviour { operation: format!("{}/{}", op.group, op.name), steps });
        let mut givens: Vec<Given> = Vec::new();
        for (index, example) in endpoint.examples.iter().enumerate() {
            let Some(given) = &example.value.given else { continue };
            let records = check_given(file, given, cx.resources, cx.spec, &mut own_problems);
            givens.push((op.group.clone(), op.name.clone(), index, records));
        }
        (behaviour, givens, own_problems)
    });
    let mut behaviours = Vec::new();
    let mut givens: Vec<Given> = Vec::new();
    for (behaviour, own_givens, own_problems) in each {
        behaviours.extend(behaviour);
        givens.extend(own_givens);
        problems.0.extend(own_problems.0);
    }
    behaviours.sort_by(|a, b| a.operation.cmp(&b.operation));
    (behaviours, givens)
}

/// The operation an endpoint file declares, when the file has `[[mock]]` steps or a `given`.
/// Most have neither: they are not looked up among the operations.
fn mocked_operation<'s>(
    spec: &'s Spec,
    file: &SourceFile,
    group: &str,
    endpoint: &format::EndpointFile,
) -> Option<&'s Operation> {
    if endpoint.mock.is_empty() && endpoint.examples.iter().all(|e| e.value.given.is_none()) {
        return None;
    }
    spec.operations().find(|op| op.group == group && op.name == endpoint.name.value && op.source == file.path)
}

/// An endpoint's `[[mock]]` steps, checked against its own types, its request and answer
/// fields and the codes it may answer.
fn endpoint_steps(
    file: &SourceFile,
    op: &Operation,
    mock: &[Located<format::StepDef>],
    cx: &MockContext<'_>,
    problems: &mut Diagnostics,
) -> Option<Vec<Step>> {
    let local = cx.types.with_local(&op.types);
    let request: Vec<&Field> = op.query.iter().chain(&op.request).collect();
    let answer: Vec<&Field> = op.response.iter().collect();
    let codes: Vec<i64> = op.errors.iter().map(|e| e.code).chain(cx.inherited.iter().copied()).collect();
    let step_cx = StepContext {
        file,
        types: &local,
        resources: cx.resources,
        events: &cx.spec.events,
        request: &request,
        answer: &answer,
        codes: &codes,
        codes_from: "this endpoint may answer (its own, its group's, the general ones and the resources' \
                     `missing`); declare it in [[errors]] or in the group's errors.toml",
    };
    resolve_steps(&step_cx, mock, problems)
}

// --- user actions ------------------------------------------------------------------------------

/// The user actions of the groups the spec declares, sorted by group and name; each is
/// declared once in its group.
fn resolve_actions(
    loaded: &LoadedSpec<'_>,
    spec: &Spec,
    names: &Names<'_>,
    types: &Types<'_>,
    resources: &[Resource],
    codes: &[i64],
    problems: &mut Diagnostics,
) -> Vec<UserAction> {
    let no_names = HashMap::new();
    let mut user_actions = Vec::new();
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    for (file, group, def) in &loaded.user_actions {
        if spec.groups.iter().all(|g| g.name != *group) {
            crate::resolve::undeclared_group(loaded, file, Span::default(), group, problems);
            continue;
        }
        if let Some(other) = seen.insert((group.clone(), def.name.value.clone()), file.path.clone()) {
            problems.error(
                file,
                def.name.span,
                format!("the user action `{}` of `{group}` is also declared in {other}", def.name.value),
            );
            continue;
        }
        let group_names = names.groups.get(group).unwrap_or(&no_names);
        let scope = Scope { local: &HashMap::new(), group: Some((group, group_names)), shared: names.shared };
        let cx = ActionContext { file, group, scope: &scope, types, resources, codes };
        if let Some(action) = resolve_action(&cx, def, spec, problems) {
            user_actions.push(action);
        }
    }
    user_actions.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
    user_actions
}

struct ActionContext<'a> {
    file: &'a SourceFile,
    group: &'a str,
    scope: &'a Scope<'a>,
    types: &'a Types<'a>,
    resources: &'a [Resource],
    codes: &'a [i64],
}

fn resolve_action(
    cx: &ActionContext<'_>,
    def: &format::UserActionFile,
    spec: &Spec,
    problems: &mut Diagnostics,
) -> Option<UserAction> {
    let (file, group) = (cx.file, cx.group);
    let before = problems.0.len();
    if !names::is_snake(&def.name.value) {
        problems.error(
            file,
            def.name.span,
            format!("user action name `{}` must be a snake_case Rust identifier", def.name.value),
        );
    }
    let params = plain_fields(resolve_fields(file, &def.params, cx.scope, FieldPlace::Unsent, problems));
    let answer = plain_fields(resolve_fields(file, &def.answer, cx.scope, FieldPlace::Unsent, problems));
    if def.mock.is_empty() {
        problems.error(file, def.name.span, "a user action needs at least one [[mock]] step");
    }
    let request: Vec<&Field> = params.iter().collect();
    let answered: Vec<&Field> = answer.iter().collect();
    let step_cx = StepContext {
        file,
        types: cx.types,
        resources: cx.resources,
        events: &spec.events,
        request: &request,
        answer: &answered,
        codes: cx.codes,
        codes_from: "of the spec (general, group and endpoint codes) or a resource's `missing`",
    };
    let steps = resolve_steps(&step_cx, &def.mock, problems);
    let lookup = TypeLookup {
        local: HashMap::new(),
        group: spec.groups.iter().find(|g| g.name == group).map(|g| table(&g.types)).unwrap_or_default(),
        shared: table(&spec.shared_types),
    };
    // Params are checked only against an action without problems, so a mismatch is not an
    // echo of one.
    let shape = (problems.0.len() == before).then(|| ObjectShape::new(&params, &lookup));
    let mut examples = Vec::new();
    for example in &def.examples {
        let example = &example.value;
        let Some(value) = parse_json(file, &example.params, problems) else { continue };
        for problem in shape.as_ref().map(|s| s.params_problems(&value)).unwrap_or_default() {
            let at = mismatch_offset(file, &example.params, &problem.path);
            problems.error(
                file,
                Span { start: at, end: at },
                format!("example params do not match [params]: {}", describe(&problem)),
            );
        }
        let given = example
            .given
            .as_ref()
            .map(|g| check_given(file, g, cx.resources, spec, problems))
            .unwrap_or_default();
        examples.push(UserActionExample {
            name: example.name.as_ref().map(|n| n.value.clone()),
            params: ExampleJson { text: example.params.value.clone(), value },
            given,
        });
    }
    drop(shape);
    let steps = steps?;
    (problems.0.len() == before).then(|| UserAction {
        name: def.name.value.clone(),
        group: group.to_owned(),
        source: file.path.clone(),
        summary: def.summary.value.clone(),
        doc: def.doc.as_ref().map(|d| d.value.clone()),
        params,
        answer,
        steps,
        examples,
    })
}

// --- given -------------------------------------------------------------------------------------

/// The records of a `given`, checked against their resources, parents first.
fn check_given(
    file: &SourceFile,
    text: &Located<String>,
    resources: &[Resource],
    spec: &Spec,
    problems: &mut Diagnostics,
) -> Vec<(String, Value)> {
    let Some(value) = parse_json(file, text, problems) else { return Vec::new() };
    let mut report = |(path, message): (String, String)| {
        let at = mismatch_offset(file, text, &path);
        problems.error(file, Span { start: at, end: at }, format!("`given`: {message}"));
    };
    let Some(object) = value.as_object() else {
        report((String::new(), "expected an object of resource name = list of records".to_owned()));
        return Vec::new();
    };
    let mut records: Vec<(&Resource, Value)> = Vec::new();
    for (name, list) in object {
        let Some(resource) = resources.iter().find(|r| r.name == *name) else {
            let known: Vec<String> = resources.iter().map(|r| format!("`{}`", r.name)).collect();
            report((name.clone(), format!("no resource `{name}`; expected one of {}", known.join(", "))));
            continue;
        };
        let Some(list) = list.as_array() else {
            report((name.clone(), format!("`{name}` must be a list of records")));
            continue;
        };
        let shape = ObjectShape::new(&resource.fields, &resource_types(resource, spec));
        for (index, record) in list.iter().enumerate() {
            let at = format!("{name}[{index}]");
            let Some(fields) = record.as_object() else {
                report((at.clone(), format!("`{at}` must be an object, a `{name}` record")));
                continue;
            };
            record_problems(resource, &at, fields, &shape, record).into_iter().for_each(&mut report);
            records.push((resource, record.clone()));
        }
    }
    parent_problems(&records, resources).into_iter().for_each(&mut report);
    records.sort_by_key(|(resource, _)| depth(resource, resources));
    records.into_iter().map(|(resource, record)| (resource.name.clone(), record)).collect()
}

/// The named types a resource's fields may use: its group's and the shared ones.
fn resource_types<'s>(resource: &Resource, spec: &'s Spec) -> TypeLookup<'s> {
    TypeLookup {
        local: HashMap::new(),
        group: resource
            .group
            .as_ref()
            .and_then(|g| spec.groups.iter().find(|group| group.name == *g))
            .map(|g| table(&g.types))
            .unwrap_or_default(),
        shared: table(&spec.shared_types),
    }
}

/// Where one `given` record at `at` does not fit its resource, with what is wrong: its fields,
/// its status, its times and its key.
fn record_problems(
    resource: &Resource,
    at: &str,
    fields: &serde_json::Map<String, Value>,
    shape: &ObjectShape<'_>,
    record: &Value,
) -> Vec<(String, String)> {
    let name = &resource.name;
    let mut found: Vec<(String, String)> = shape
        .record_problems(record, &OWN_FIELDS)
        .iter()
        .map(|problem| {
            (
                format!("{at}.{}", problem.path),
                format!("`{at}` does not match `{name}`'s fields: {}", describe(problem)),
            )
        })
        .collect();
    match (fields.get("status"), &resource.statuses) {
        (None, _) => {}
        (Some(Value::String(status)), Some(statuses))
            if statuses.values.iter().any(|s| s.value == *status) => {}
        (Some(status), Some(statuses)) => {
            let known: Vec<String> = statuses.values.iter().map(|s| format!("`{}`", s.value)).collect();
            found.push((
                format!("{at}.status"),
                format!("{status} is not a status of `{name}`; expected one of {}", known.join(", ")),
            ));
        }
        (Some(_), None) => found.push((format!("{at}.status"), format!("`{name}` declares no statuses"))),
    }
    for time in ["created", "updated"] {
        if fields.get(time).is_some_and(|t| !t.is_i64()) {
            found.push((format!("{at}.{time}"), format!("`{time}` is unix seconds, an integer")));
        }
    }
    for key in &resource.key {
        if fields.get(key).is_none_or(Value::is_null) && !resource.fresh.iter().any(|(f, _)| f == key) {
            found.push((
                at.to_owned(),
                format!("`{at}` needs its key field `{key}`: `{name}` makes no fresh one"),
            ));
        }
    }
    found
}

/// Each record whose resource has a parent names a parent record `given` holds.
fn parent_problems(records: &[(&Resource, Value)], resources: &[Resource]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (resource, record) in records {
        let Some(parent) = resource.parent.as_ref().and_then(|p| resources.iter().find(|r| r.name == *p))
        else {
            continue;
        };
        let lacking = parent.key.iter().find(|k| record.get(*k).is_none_or(Value::is_null));
        if let Some(field) = lacking {
            // A missing key field of the record itself is reported with the record.
            if !resource.key.contains(field) {
                found.push((
                    resource.name.clone(),
                    format!(
                        "a `{}` record needs `{field}`, the key of its parent `{}`",
                        resource.name, parent.name
                    ),
                ));
            }
            continue;
        }
        let held = records.iter().any(|(other, candidate)| {
            other.name == parent.name
                && parent.key.iter().all(|k| candidate.get(k).is_some() && candidate.get(k) == record.get(k))
        });
        if !held {
            let key: Vec<String> =
                parent.key.iter().map(|k| format!("{k} {}", record.get(k).unwrap_or(&Value::Null))).collect();
            found.push((
                resource.name.clone(),
                format!(
                    "a `{}` record names the `{}` of {}, which no `{}` record of `given` holds",
                    resource.name,
                    parent.name,
                    key.join(", "),
                    parent.name
                ),
            ));
        }
    }
    found
}

/// How many parents a resource has above it, so parents are seeded first (bounded by the
/// number of resources, should the parents loop).
fn depth(resource: &Resource, resources: &[Resource]) -> usize {
    let mut depth = 0;
    let mut current = resource.parent.as_ref();
    while let Some(name) = current.filter(|_| depth <= resources.len()) {
        depth += 1;
        current = resources.iter().find(|r| r.name == *name).and_then(|r| r.parent.as_ref());
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, check, endpoint, refused};
    use crate::SourceFile;
    use crate::model::{Existing, Expr, ExprLiteral, Fresh, Root, Segment, Verb};

    const THINGS: &str = "[resources.thing]\ndoc = \"A thing.\"\nkey = [\"id\"]\nmissing = -1\nfresh.id = \"t123\"\n\
                          fields.id = { type = \"string\", doc = \"Id.\" }\n";

    fn action(name: &str, group: &str) -> SourceFile {
        SourceFile::new(
            format!("spec/{group}/user/{name}.toml"),
            format!(
                "name = \"{name}\"\nsummary = \"S.\"\nparams.id = {{ type = \"string\", doc = \"Id.\" }}\n\
                 [[mock]]\ncreate = \"thing\"\nset = {{ id = \"request.id\" }}\n"
            ),
        )
    }

    #[test]
    fn shared_and_group_resources_steps_and_actions_reach_the_model() {
        let steps = "response.id = { type = \"string\", doc = \"Id.\" }\n[[mock]]\ncreate = \"thing\"\n\
                     existing = \"merge\"\n\n[[mock]]\nanswer = { id = \"thing.id\" }\n";
        let spec = accepted(vec![
            SourceFile::new("spec/resources.toml", THINGS),
            SourceFile::new(
                "spec/demo/resources.toml",
                "[resources.log]\ndoc = \"A log.\"\nkey = [\"n\"]\nfresh.n = \"sequence\"\n\
                 fields.n = { type = \"u64\", doc = \"N.\" }\n",
            ),
            endpoint("op", steps),
            action("make", "demo"),
        ]);
        let state = &spec.state;
        let names: Vec<(&str, Option<&str>)> =
            state.resources.iter().map(|r| (r.name.as_str(), r.group.as_deref())).collect();
        assert_eq!(names, [("log", Some("demo")), ("thing", None)]);
        assert_eq!(state.resources[0].fresh, [("n".to_owned(), Fresh::Sequence)]);
        let behaviour = state.behaviour("demo/op").expect("the endpoint's steps");
        assert!(matches!(behaviour.steps[0].verb, Verb::Create { existing: Existing::Merge, .. }));
        let Verb::Answer { fields, .. } = &behaviour.steps[1].verb else { panic!("an answer") };
        assert_eq!(
            fields[0],
            (
                vec![Segment::Key("id".into())],
                Expr::Read { root: Root::Alias("thing".into()), path: vec![Segment::Key("id".into())] }
            )
        );
        assert_eq!(state.user_actions[0].key(), "demo/make");
        assert_eq!(state.user_actions[0].params_type(), "MakeParams");
    }

    #[test]
    fn an_update_status_is_a_status_or_an_expression_giving_one() {
        let resources = "[resources.thing]\ndoc = \"A thing.\"\nkey = [\"id\"]\nmissing = -1\n\
                         fields.id = { type = \"string\", doc = \"Id.\" }\n\
                         statuses.values = [{ value = \"NEW\", doc = \"N.\" }, { value = \"OLD\", doc = \"O.\" }]\n";
        let steps = |status: &str| {
            format!(
                "request.id = {{ type = \"string\", doc = \"Id.\" }}\nrequest.to = {{ type = \"string\", doc = \"To.\" }}\n\
                 [[mock]]\nfind = \"thing\"\nwhere = {{ id = \"request.id\" }}\n[[mock]]\nupdate = \"thing\"\nstatus = \"{status}\"\n"
            )
        };
        let status_of = |status: &str| {
            let spec = accepted(vec![
                SourceFile::new("spec/demo/resources.toml", resources),
                endpoint("op", &steps(status)),
            ]);
            match &spec.state.behaviours[0].steps[1].verb {
                Verb::Update { status, .. } => status.clone(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(status_of("OLD"), Some(Expr::Literal(ExprLiteral::Text("OLD".into()))));
        assert!(matches!(status_of("request.to"), Some(Expr::Read { root: Root::Request, .. })));
        let problems = refused(vec![
            SourceFile::new("spec/demo/resources.toml", resources),
            endpoint("op", &steps("'GONE'")),
        ]);
        assert_eq!(
            problems,
            ["spec/demo/op.toml:14:11: `GONE` is not a status of `thing`; expected one of `NEW`, `OLD`"]
        );
    }

    #[test]
    fn names_are_unique_and_folders_declared() {
        let problems = check(vec![
            SourceFile::new("spec/resources.toml", THINGS),
            SourceFile::new("spec/demo/resources.toml", THINGS),
            SourceFile::new("spec/other/resources.toml", THINGS),
            action("make", "demo"),
            SourceFile::new("spec/demo/user/make_again.toml", action("make", "demo").text),
            action("make", "other"),
        ])
        .expect_err("refused");
        assert_eq!(
            problems,
            [
                "spec/demo/resources.toml:1:12: the resource `thing` is also declared in spec/resources.toml",
                "spec/demo/user/make_again.toml:1:9: the user action `make` of `demo` is also declared in \
                 spec/demo/user/make.toml",
                "spec/other/resources.toml:1:1: the folder `spec/other/` is not declared in spec/groups.toml",
                "spec/other/user/make.toml:1:1: the folder `spec/other/` is not declared in spec/groups.toml",
            ]
        );
    }

    #[test]
    fn status_variants_drop_the_prefix_every_status_shares() {
        assert_eq!(
            super::status_variants(&["CARD_STATUS_NOT_VERIFY", "CARD_STATUS_VERIFY_OK"]),
            [Some("NotVerify".to_owned()), Some("VerifyOk".to_owned())]
        );
        assert_eq!(
            super::status_variants(&["NORMAL"]),
            [Some("Normal".to_owned())],
            "one status keeps its name"
        );
        assert_eq!(
            super::status_variants(&["A_1", "A_2"]),
            [Some("A1".to_owned()), Some("A2".to_owned())],
            "a prefix leaving a digit first is kept"
        );
        assert_eq!(
            super::status_variants(&["NEW", "NEWER"]),
            [Some("New".to_owned()), Some("Newer".to_owned())]
        );
    }
}
