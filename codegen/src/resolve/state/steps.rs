//! The `[[mock]]` steps of an endpoint or a user action, checked where they are written: one
//! verb per step and only the keys it takes; resources, their fields and statuses; aliases
//! named by earlier steps; request and answer paths; errcodes; events and their elements;
//! functions and their arguments.

use crate::diagnostic::Diagnostics;
use crate::format::{self, Entries, ExprValue, Located, StepDef};
use crate::model::{
    Bound, Event, Events, Existing, Expr, ExprLiteral, Field, Function, Path, Resource, Root, Segment, Step,
    Ty, TypeKind, Verb,
};
use crate::source::{SourceFile, Span};

use super::expr::{self, Node, NodeKind, path_text};
use super::paths::{OWN_FIELDS, Shape, Types};

/// What the steps of one endpoint or user action are checked against.
pub(super) struct StepContext<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) types: &'a Types<'a>,
    pub(super) resources: &'a [Resource],
    pub(super) events: &'a Events,
    /// The request's fields (query and body), or the action's parameters.
    pub(super) request: &'a [&'a Field],
    /// The answer's fields.
    pub(super) answer: &'a [&'a Field],
    /// Every errcode a step may answer.
    pub(super) codes: &'a [i64],
    /// Where those codes come from, for the message about one that is not among them.
    pub(super) codes_from: &'a str,
}

/// What an earlier step named.
#[derive(Debug, Clone, Copy)]
enum Binding<'a> {
    Record(&'a Resource),
    Records(&'a Resource),
    Batch(&'a Resource),
    Number,
}

impl<'a> Binding<'a> {
    fn shape(self) -> Shape<'a> {
        match self {
            Binding::Record(r) => Shape::Record(r),
            Binding::Records(r) => Shape::Records(r),
            Binding::Batch(r) => Shape::Batch(r),
            Binding::Number => Shape::Number,
        }
    }

    fn describe(self) -> String {
        match self {
            Binding::Record(r) => format!("a `{}` record", r.name),
            Binding::Records(r) => format!("a list of `{}` records", r.name),
            Binding::Batch(r) => format!("the `{}` records a create made", r.name),
            Binding::Number => "a number".to_owned(),
        }
    }
}

/// The verbs, in the order the format lists them.
const VERBS: [&str; 9] = ["find", "create", "update", "delete", "list", "count", "fail", "answer", "push"];

/// The keys each verb takes besides `when` and `unless`.
fn takes(verb: &str) -> &'static [&'static str] {
    match verb {
        "find" => &["where", "each", "as", "missing"],
        "create" => &["set", "status", "each", "as", "existing"],
        "update" => &["set", "add", "merge", "status", "forbidden", "bounds", "taken"],
        "list" => &["where", "filter", "newest_first", "offset", "limit", "as"],
        "count" => &["where", "filter", "as"],
        "answer" => &["from"],
        "push" => &["fields"],
        _ => &[],
    }
}

/// The keys a step has, with where each value is written.
fn keys(step: &StepDef) -> Vec<(&'static str, Span)> {
    let spans: [(&'static str, Option<Span>); 29] = [
        ("find", step.find.as_ref().map(|v| v.span)),
        ("create", step.create.as_ref().map(|v| v.span)),
        ("update", step.update.as_ref().map(|v| v.span)),
        ("delete", step.delete.as_ref().map(|v| v.span)),
        ("list", step.list.as_ref().map(|v| v.span)),
        ("count", step.count.as_ref().map(|v| v.span)),
        ("fail", step.fail.as_ref().map(|v| v.span)),
        ("answer", step.answer.as_ref().map(|v| v.span)),
        ("push", step.push.as_ref().map(|v| v.span)),
        ("where", step.filter.as_ref().map(|v| v.span)),
        ("filter", step.keep.as_ref().map(|v| v.span)),
        ("newest_first", step.newest_first.as_ref().map(|v| v.span)),
        ("each", step.each.as_ref().map(|v| v.span)),
        ("as", step.alias.as_ref().map(|v| v.span)),
        ("missing", step.missing.as_ref().map(|v| v.span)),
        ("set", step.set.as_ref().map(|v| v.span)),
        ("add", step.add.as_ref().map(|v| v.span)),
        ("merge", step.merge.as_ref().map(|v| v.span)),
        ("status", step.status.as_ref().map(|v| v.span)),
        ("existing", step.existing.as_ref().map(|v| v.span)),
        ("forbidden", step.forbidden.as_ref().map(|v| v.span)),
        ("bounds", step.bounds.as_ref().map(|v| v.span)),
        ("taken", step.taken.as_ref().map(|v| v.span)),
        ("offset", step.offset.as_ref().map(|v| v.span)),
        ("limit", step.limit.as_ref().map(|v| v.span)),
        ("from", step.from.as_ref().map(|v| v.span)),
        ("fields", step.fields.as_ref().map(|v| v.span)),
        ("when", step.when.as_ref().map(|v| v.span)),
        ("unless", step.unless.as_ref().map(|v| v.span)),
    ];
    spans.into_iter().filter_map(|(key, span)| Some((key, span?))).collect()
}

/// The steps, checked; `None` when any has a problem (each reported).
pub(super) fn resolve_steps(
    cx: &StepContext<'_>,
    steps: &[Located<StepDef>],
    problems: &mut Diagnostics,
) -> Option<Vec<Step>> {
    let before = problems.0.len();
    let mut checker = Checker { cx, bindings: Vec::new(), item: None, problems };
    let mut resolved = Vec::new();
    for step in steps {
        if let Some(step) = checker.step(step) {
            resolved.push(step);
        }
    }
    (problems.0.len() == before).then_some(resolved)
}

struct Checker<'c, 'a> {
    cx: &'c StepContext<'a>,
    /// What earlier steps named, latest last.
    bindings: Vec<(String, Binding<'a>)>,
    /// The shape of `item` while a step with `each` is checked.
    item: Option<Shape<'a>>,
    problems: &'c mut Diagnostics,
}

/// Where an expression string is written, to place problems inside it.
#[derive(Clone, Copy)]
struct Written<'t> {
    text: &'t str,
    span: Span,
    /// The file holds the string as its value reads (no escapes): offsets inside map one to one.
    exact: bool,
}

impl<'t> Written<'t> {
    fn of(file: &SourceFile, located: &'t Located<String>) -> Self {
        let exact = file.text.get(located.span.start..located.span.end) == Some(located.value.as_str());
        Self { text: &located.value, span: located.span, exact }
    }

    fn at(&self, offset: usize) -> Span {
        let start = if self.exact { self.span.start + offset } else { self.span.start };
        Span { start, end: start }
    }
}

impl<'a> Checker<'_, 'a> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.problems.error(self.cx.file, span, message);
    }

    fn step(&mut self, located: &Located<StepDef>) -> Option<Step> {
        let step = &located.value;
        let present = keys(step);
        let verbs: Vec<(&str, Span)> = present.iter().filter(|(k, _)| VERBS.contains(k)).copied().collect();
        let (verb, verb_span) = match verbs.as_slice() {
            [] => {
                self.error(
                    located.span,
                    "a step needs one verb: `find`, `create`, `update`, `delete`, `list`, `count`, `fail`, \
                     `answer` or `push`",
                );
                return None;
            }
            [one] => *one,
            [first, second, ..] => {
                self.error(
                    second.1,
                    format!(
                        "a step has one verb, and this one has `{}` and `{}`: make each a [[mock]] step of its own",
                        first.0, second.0
                    ),
                );
                return None;
            }
        };
        let before = self.problems.0.len();
        let allowed = takes(verb);
        for (key, span) in &present {
            if VERBS.contains(key) || *key == "when" || *key == "unless" || allowed.contains(key) {
                continue;
            }
            let takes = if allowed.is_empty() {
                "no other key but `when` and `unless`".to_owned()
            } else {
                allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            };
            self.error(*span, format!("`{key}` does not apply to `{verb}`, which takes {takes}"));
        }
        let when = step.when.as_ref().and_then(|w| self.expression(w));
        let unless = step.unless.as_ref().and_then(|u| self.expression(u));
        let verb = match verb {
            "find" => self.find(step, verb_span),
            "create" => self.create(step, verb_span),
            "update" => self.update(step),
            "delete" => {
                let alias = step.delete.as_ref()?;
                self.deleted_alias(alias).map(|()| Verb::Delete { alias: alias.value.clone() })
            }
            "list" | "count" => self.list(step, verb),
            "fail" => {
                let code = step.fail.as_ref()?;
                if step.when.is_none() && step.unless.is_none() {
                    self.error(
                        code.span,
                        "a `fail` step needs `when` or `unless`: without one every call fails",
                    );
                }
                self.errcode(code);
                Some(Verb::Fail { errcode: code.value })
            }
            "answer" => self.answer(step),
            _ => self.push(step),
        };
        (self.problems.0.len() == before).then_some(Step { verb: verb?, when, unless })
    }

    // --- verbs -------------------------------------------------------------------------------

    fn find(&mut self, step: &StepDef, span: Span) -> Option<Verb> {
        let name = step.find.as_ref()?;
        let resource = self.resource(name)?;
        let each = self.each(step);
        let filter = self.filter(resource, step.filter.as_ref());
        self.item = None;
        if let Some(code) = &step.missing {
            self.errcode(code);
        } else if resource.missing.is_none() {
            self.error(
                span,
                format!("`{}` declares no `missing`: say which errcode a find with no match answers with `missing`", resource.name),
            );
        }
        let alias = self.alias(step.alias.as_ref(), &resource.name)?;
        if each.is_none() {
            self.bind(&alias, Binding::Record(resource));
        }
        Some(Verb::Find {
            resource: resource.name.clone(),
            alias,
            filter: filter?,
            each,
            missing: step.missing.as_ref().map(|m| m.value),
        })
    }

    fn create(&mut self, step: &StepDef, span: Span) -> Option<Verb> {
        let name = step.create.as_ref()?;
        let resource = self.resource(name)?;
        let each = self.each(step);
        let set = self.record_paths(resource, step.set.as_ref(), Change::Set);
        self.item = None;
        let status = step.status.as_ref().and_then(|status| {
            let statuses = self.statuses_of(resource, status.span)?;
            if statuses.contains(&status.value.as_str()) {
                Some(status.value.clone())
            } else {
                self.error(status.span, not_a_status(&status.value, resource, &statuses));
                None
            }
        });
        let existing = step.existing.as_ref().map_or(Existing::Replace, |existing| {
            if let format::ExistingDef::Refuse(code) = existing.value {
                self.errcode(&Located { value: code, span: existing.span });
            }
            existing.value.into()
        });
        let written: Vec<&str> = step
            .set
            .as_ref()
            .map(|set| set.value.0.iter().map(|(k, _)| k.value.as_str()).collect())
            .unwrap_or_default();
        for key in &resource.key {
            if !written.contains(&key.as_str()) && !resource.fresh.iter().any(|(f, _)| f == key) {
                self.error(
                    span,
                    format!(
                        "this create sets no `{key}`, a key field of `{}` with no `fresh.{key}` to make one: set it, \
                         or declare `fresh.{key}`",
                        resource.name
                    ),
                );
            }
        }
        let alias = self.alias(step.alias.as_ref(), &resource.name)?;
        self.bind(&alias, if each.is_some() { Binding::Batch(resource) } else { Binding::Record(resource) });
        Some(Verb::Create { resource: resource.name.clone(), alias, set: set?, status, each, existing })
    }

    fn update(&mut self, step: &StepDef) -> Option<Verb> {
        let alias = step.update.as_ref()?;
        // One record, or a list of them (a `list`'s page, a create's batch) changed alike.
        let resource = match self.binding(&alias.value) {
            Some(Binding::Records(resource) | Binding::Batch(resource)) => resource,
            _ => self.record_alias(alias)?,
        };
        let merge = self.record_paths(resource, step.merge.as_ref(), Change::Merge);
        let add = self.record_paths(resource, step.add.as_ref(), Change::Add);
        let set = self.record_paths(resource, step.set.as_ref(), Change::Set);
        let status = step.status.as_ref().and_then(|status| self.new_status(resource, status));
        let forbidden = match &step.forbidden {
            None => Vec::new(),
            Some(forbidden) if step.status.is_none() => {
                self.error(
                    forbidden.span,
                    "`forbidden` needs `status`: it answers a status move the transitions forbid",
                );
                Vec::new()
            }
            Some(forbidden) => self.forbidden(resource, forbidden),
        };
        let bounds = step.bounds.as_ref().map_or_else(Vec::new, |bounds| self.bounds(resource, bounds));
        if let Some(taken) = &step.taken {
            self.errcode(taken);
        }
        Some(Verb::Update {
            alias: alias.value.clone(),
            merge: merge?,
            add: add?,
            set: set?,
            status,
            forbidden,
            bounds,
            taken: step.taken.as_ref().map(|t| t.value),
        })
    }

    fn list(&mut self, step: &StepDef, verb: &str) -> Option<Verb> {
        let name = if verb == "list" { step.list.as_ref()? } else { step.count.as_ref()? };
        let resource = self.resource(name)?;
        let filter = self.filter(resource, step.filter.as_ref());
        // `filter` reads each record as `item`.
        self.item = Some(Shape::Record(resource));
        let keep = step.keep.as_ref().map(|keep| self.expression(keep));
        self.item = None;
        let newest_first = step.newest_first.as_ref().map(|newest| self.expression(newest));
        let offset = step.offset.as_ref().and_then(|o| self.value(o));
        let limit = step.limit.as_ref().and_then(|l| self.value(l));
        let alias = self.alias(step.alias.as_ref(), &resource.name)?;
        let resource_name = resource.name.clone();
        // A `filter` or `newest_first` that did not resolve was reported: no verb.
        let keep = keep.map_or(Some(None), |k| k.map(Some))?;
        let newest_first = newest_first.map_or(Some(None), |n| n.map(Some))?;
        if verb == "list" {
            self.bind(&alias, Binding::Records(resource));
            Some(Verb::List {
                resource: resource_name,
                alias,
                filter: filter?,
                keep,
                newest_first,
                offset,
                limit,
            })
        } else {
            self.bind(&alias, Binding::Number);
            Some(Verb::Count { resource: resource_name, alias, filter: filter?, keep })
        }
    }

    fn answer(&mut self, step: &StepDef) -> Option<Verb> {
        let fields = step.answer.as_ref()?;
        // A wrong `from` is one problem; the answer's paths are checked all the same.
        let from = step.from.as_ref().map(|from| (self.record_alias(from).is_some(), from.value.clone()));
        let mut answered = Vec::new();
        for (key, value) in &fields.value.0 {
            let Some(path) = self.path(key) else { continue };
            let shape = Shape::Object(self.cx.answer);
            if let Err(problem) = self.cx.types.walk(shape, &path) {
                self.error(key.span, format!("the answer has no `{}`: {problem}", key.value));
                continue;
            }
            if let Some(value) = self.value(value) {
                answered.push((path, value));
            }
        }
        let from = match from {
            Some((false, _)) => return None,
            Some((true, from)) => Some(from),
            None => None,
        };
        Some(Verb::Answer { from, fields: answered })
    }

    fn push(&mut self, step: &StepDef) -> Option<Verb> {
        let name = step.push.as_ref()?;
        let cx = self.cx;
        let Some(event) = cx.events.events.iter().find(|e| e.event == name.value) else {
            let hint = cx
                .events
                .events
                .iter()
                .find(|e| e.name == name.value)
                .map(|e| format!("; the event named `{}` is pushed as `{}`", e.name, e.event))
                .unwrap_or_default();
            self.error(
                name.span,
                format!("no event has the `Event` value `{}` in spec/<group>/events/{hint}", name.value),
            );
            return None;
        };
        let mut fields = Vec::new();
        for (element, value) in step.fields.as_ref().map(|f| &f.value.0[..]).unwrap_or_default() {
            if !elements(event, cx.events).any(|e| e == element.value) {
                let known: Vec<String> = elements(event, cx.events).map(|e| format!("`{e}`")).collect();
                self.error(
                    element.span,
                    format!(
                        "`{}` is not an element of `{}` a push sets; expected one of {}",
                        element.value,
                        event.event,
                        known.join(", ")
                    ),
                );
                continue;
            }
            if let Some(value) = self.value(value) {
                fields.push((element.value.clone(), value));
            }
        }
        Some(Verb::Push { event: event.event.clone(), fields })
    }

    // --- parts of steps ----------------------------------------------------------------------

    fn resource(&mut self, name: &Located<String>) -> Option<&'a Resource> {
        let resources = self.cx.resources;
        let found = resources.iter().find(|r| r.name == name.value);
        if found.is_none() {
            let known: Vec<String> = resources.iter().map(|r| format!("`{}`", r.name)).collect();
            let known = if known.is_empty() {
                "the spec declares none (spec/resources.toml, spec/<group>/resources.toml)".to_owned()
            } else {
                format!("expected one of {}", known.join(", "))
            };
            self.error(name.span, format!("no resource `{}`; {known}", name.value));
        }
        found
    }

    /// The alias a step names: `as`, or the resource's name.
    fn alias(&mut self, written: Option<&Located<String>>, default: &str) -> Option<String> {
        let Some(alias) = written else { return Some(default.to_owned()) };
        if !crate::names::is_snake(&alias.value) || ["request", "item"].contains(&alias.value.as_str()) {
            self.error(
                alias.span,
                format!(
                    "`as = \"{}\"` must be a snake_case name other than `request` and `item`",
                    alias.value
                ),
            );
            return None;
        }
        Some(alias.value.clone())
    }

    fn bind(&mut self, alias: &str, binding: Binding<'a>) {
        self.bindings.retain(|(name, _)| name != alias);
        self.bindings.push((alias.to_owned(), binding));
    }

    fn binding(&self, alias: &str) -> Option<Binding<'a>> {
        self.bindings.iter().rev().find(|(name, _)| name == alias).map(|(_, b)| *b)
    }

    /// The resource of the record an earlier step named `alias`.
    fn record_alias(&mut self, alias: &Located<String>) -> Option<&'a Resource> {
        match self.binding(&alias.value) {
            Some(Binding::Record(resource)) => Some(resource),
            Some(other) => {
                self.error(
                    alias.span,
                    format!("`{}` names {}, not one record", alias.value, other.describe()),
                );
                None
            }
            None => {
                let message =
                    format!("no earlier step names a record `{}`{}", alias.value, self.known_aliases());
                self.error(alias.span, message);
                None
            }
        }
    }

    /// What a `delete` names: a record, or a list of records (a `list`, a create's batch).
    fn deleted_alias(&mut self, alias: &Located<String>) -> Option<()> {
        match self.binding(&alias.value) {
            Some(Binding::Records(_) | Binding::Batch(_)) => Some(()),
            Some(Binding::Number) => {
                self.error(
                    alias.span,
                    format!(
                        "`{}` names a number; `delete` removes a record or a list of records",
                        alias.value
                    ),
                );
                None
            }
            _ => self.record_alias(alias).map(|_| ()),
        }
    }

    fn known_aliases(&self) -> String {
        if self.bindings.is_empty() {
            return String::new();
        }
        let names: Vec<String> = self.bindings.iter().map(|(n, _)| format!("`{n}`")).collect();
        format!("; earlier steps name {}", names.join(", "))
    }

    /// `each`, and the shape of `item` for the step's `where` or `set`.
    fn each(&mut self, step: &StepDef) -> Option<Expr> {
        let each = step.each.as_ref()?;
        // Until the list is known, `item` is anything: a broken `each` is the one problem.
        self.item = Some(Shape::Any);
        let written = Written::of(self.cx.file, each);
        let node = self.parse(written)?;
        let shape = self.shape_of(&node);
        let expr = self.lower(&node, written)?;
        self.item = Some(match shape {
            Shape::Ty(Ty::Array(item)) => Shape::Ty(item),
            Shape::Records(r) | Shape::Batch(r) => Shape::Record(r),
            Shape::Ty(Ty::Json) | Shape::Any => Shape::Any,
            other => other,
        });
        Some(expr)
    }

    fn filter(
        &mut self,
        resource: &'a Resource,
        filter: Option<&Located<Entries<ExprValue>>>,
    ) -> Option<Vec<(String, Expr)>> {
        let before = self.problems.0.len();
        let mut resolved = Vec::new();
        for (field, value) in filter.map(|f| &f.value.0[..]).unwrap_or_default() {
            let own = OWN_FIELDS.contains(&field.value.as_str())
                && (field.value != "status" || resource.statuses.is_some());
            if !own && resource.field(&field.value).is_none() {
                let mut names: Vec<String> =
                    resource.fields.iter().map(|f| format!("`{}`", f.wire)).collect();
                names.extend(
                    OWN_FIELDS
                        .iter()
                        .filter(|f| **f != "status" || resource.statuses.is_some())
                        .map(|f| format!("`{f}`")),
                );
                self.error(
                    field.span,
                    format!(
                        "`{}` records have no field `{}`; `where` names fields: {}",
                        resource.name,
                        field.value,
                        names.join(", ")
                    ),
                );
                continue;
            }
            if let Some(value) = self.value(value) {
                resolved.push((field.value.clone(), value));
            }
        }
        (self.problems.0.len() == before).then_some(resolved)
    }

    /// `set`, `add` or `merge` of a create or an update: paths in the record.
    fn record_paths(
        &mut self,
        resource: &'a Resource,
        written: Option<&Located<Entries<ExprValue>>>,
        change: Change,
    ) -> Option<Vec<(Path, Expr)>> {
        let before = self.problems.0.len();
        let mut resolved = Vec::new();
        for (key, value) in written.map(|w| &w.value.0[..]).unwrap_or_default() {
            let Some(path) = self.path(key) else { continue };
            if let Some(Segment::Key(first)) = path.first()
                && OWN_FIELDS.contains(&first.as_str())
            {
                self.error(
                    key.span,
                    format!("`{first}` is the mock's own: a step sets a status with `status`, and times change by themselves"),
                );
                continue;
            }
            match self.record_walk(resource, &path) {
                Err(problem) => self.error(key.span, format!("`{}`: {problem}", key.value)),
                Ok(shape) => match change {
                    Change::Add if !shape.integer() => self.error(
                        key.span,
                        format!("`add` changes numbers, and `{}` is not an integer", key.value),
                    ),
                    Change::Merge if !self.object_like(shape) => self
                        .error(key.span, format!("`merge` merges objects, and `{}` is not one", key.value)),
                    _ => {}
                },
            }
            if let Some(value) = self.value(value) {
                resolved.push((path, value));
            }
        }
        (self.problems.0.len() == before).then_some(resolved)
    }

    fn record_walk(&self, resource: &'a Resource, path: &[Segment]) -> Result<Shape<'a>, String> {
        self.cx.types.walk(Shape::Record(resource), path)
    }

    fn object_like(&self, shape: Shape<'a>) -> bool {
        match shape {
            Shape::Any | Shape::Record(_) => true,
            Shape::Def(def) => matches!(def.kind, TypeKind::Struct(_) | TypeKind::Union(_)),
            Shape::Ty(Ty::Json | Ty::Map(_)) => true,
            Shape::Ty(Ty::Named(reference)) => self
                .cx
                .types
                .get(reference)
                .is_some_and(|def| matches!(def.kind, TypeKind::Struct(_) | TypeKind::Union(_))),
            _ => false,
        }
    }

    /// The statuses of `resource`, or a problem at `span` when it has none.
    fn statuses_of(&mut self, resource: &'a Resource, span: Span) -> Option<Vec<&'a str>> {
        match &resource.statuses {
            Some(statuses) => Some(statuses.values.iter().map(|v| v.value.as_str()).collect()),
            None => {
                self.error(span, format!("`{}` declares no statuses", resource.name));
                None
            }
        }
    }

    /// An update's `status`: a status of the resource, or an expression giving one.
    fn new_status(&mut self, resource: &'a Resource, status: &Located<String>) -> Option<Expr> {
        let statuses = self.statuses_of(resource, status.span)?;
        let written = status.value.trim();
        if statuses.contains(&written) {
            return Some(Expr::Literal(ExprLiteral::Text(written.to_owned())));
        }
        let node = self.parse(Written::of(self.cx.file, status))?;
        match &node.kind {
            NodeKind::Read { root, path } if path.is_empty() && !self.is_root(root) => {
                self.error(status.span, not_a_status(written, resource, &statuses));
                None
            }
            NodeKind::Literal(ExprLiteral::Text(text)) if !statuses.contains(&text.as_str()) => {
                self.error(status.span, not_a_status(text, resource, &statuses));
                None
            }
            _ => self.lower(&node, Written::of(self.cx.file, status)),
        }
    }

    fn is_root(&self, name: &str) -> bool {
        name == "request" || (name == "item" && self.item.is_some()) || self.binding(name).is_some()
    }

    fn forbidden(
        &mut self,
        resource: &'a Resource,
        forbidden: &Located<format::ForbiddenDef>,
    ) -> Vec<(String, i64)> {
        match &forbidden.value {
            format::ForbiddenDef::Code(code) => {
                self.errcode(&Located { value: *code, span: forbidden.span });
                vec![("*".to_owned(), *code)]
            }
            format::ForbiddenDef::ByStatus(entries) => {
                let statuses = self.statuses_of(resource, forbidden.span).unwrap_or_default();
                let mut resolved = Vec::new();
                for (status, code) in &entries.0 {
                    if status.value != "*" && !statuses.contains(&status.value.as_str()) {
                        self.error(status.span, not_a_status(&status.value, resource, &statuses));
                    }
                    self.errcode(code);
                    resolved.push((status.value.clone(), code.value));
                }
                resolved
            }
        }
    }

    fn bounds(
        &mut self,
        resource: &'a Resource,
        bounds: &Located<Entries<format::BoundDef>>,
    ) -> Vec<(Path, Bound)> {
        let mut resolved = Vec::new();
        for (key, bound) in &bounds.value.0 {
            let Some(path) = self.path(key) else { continue };
            match self.record_walk(resource, &path) {
                Err(problem) => self.error(key.span, format!("`{}`: {problem}", key.value)),
                Ok(shape) if !shape.integer() => self.error(
                    key.span,
                    format!("`bounds` limit numbers, and `{}` is not an integer", key.value),
                ),
                Ok(_) => {}
            }
            let bound = &bound.value;
            self.errcode(&bound.errcode);
            if let (Some(min), Some(max)) = (&bound.minimum, &bound.maximum)
                && min.value > max.value
            {
                self.error(max.span, format!("`maximum` {} is below `minimum` {}", max.value, min.value));
            }
            if bound.minimum.is_none() && bound.maximum.is_none() {
                self.error(bound.errcode.span, "a bound needs `minimum`, `maximum` or both");
            }
            resolved.push((
                path,
                Bound {
                    minimum: bound.minimum.as_ref().map(|m| m.value),
                    maximum: bound.maximum.as_ref().map(|m| m.value),
                    errcode: bound.errcode.value,
                },
            ));
        }
        resolved
    }

    fn errcode(&mut self, code: &Located<i64>) {
        if !self.cx.codes.contains(&code.value) {
            let message = format!("`{}` is not one of the codes {}", code.value, self.cx.codes_from);
            self.error(code.span, message);
        }
    }

    /// A dotted path written as a key.
    fn path(&mut self, key: &Located<String>) -> Option<Path> {
        match expr::parse_path(&key.value) {
            Ok(path) => Some(path),
            Err(problem) => {
                let at = Written::of(self.cx.file, key).at(problem.at);
                self.error(at, format!("`{}`: {}", key.value, problem.message));
                None
            }
        }
    }

    // --- expressions -------------------------------------------------------------------------

    fn value(&mut self, value: &Located<ExprValue>) -> Option<Expr> {
        match &value.value {
            ExprValue::Expr(text) => {
                let located = Located { value: text.clone(), span: value.span };
                self.expression(&located)
            }
            ExprValue::Integer(n) => Some(Expr::Literal(ExprLiteral::Integer(*n))),
            ExprValue::Float(n) if !n.is_finite() => {
                self.error(value.span, "a number in a step must be finite");
                None
            }
            ExprValue::Float(n) => Some(Expr::Literal(ExprLiteral::Float(*n))),
            ExprValue::Bool(b) => Some(Expr::Literal(ExprLiteral::Bool(*b))),
            ExprValue::List(items) => {
                let items: Vec<Option<Expr>> = items.iter().map(|item| self.value(item)).collect();
                items.into_iter().collect::<Option<Vec<_>>>().map(Expr::List)
            }
        }
    }

    fn expression(&mut self, text: &Located<String>) -> Option<Expr> {
        let written = Written::of(self.cx.file, text);
        let node = self.parse(written)?;
        self.lower(&node, written)
    }

    fn parse(&mut self, written: Written<'_>) -> Option<Node> {
        match expr::parse(written.text) {
            Ok(node) => Some(node),
            Err(problem) => {
                self.error(written.at(problem.at), format!("`{}`: {}", written.text, problem.message));
                None
            }
        }
    }

    /// What a read's root is, or a problem.
    fn root(&self, root: &str) -> Result<(Root, Shape<'a>), String> {
        match root {
            "request" => Ok((Root::Request, Shape::Object(self.cx.request))),
            "item" => match self.item {
                Some(shape) => Ok((Root::Item, shape)),
                None => Err("`item` is read only in the `where` or `set` of a step with `each`".to_owned()),
            },
            alias => match self.binding(alias) {
                Some(binding) => Ok((Root::Alias(alias.to_owned()), binding.shape())),
                None => {
                    let hint = if alias.chars().any(|c| c.is_ascii_uppercase()) {
                        format!(" (text is written in quotes: '{alias}')")
                    } else {
                        String::new()
                    };
                    Err(format!(
                        "unknown name `{alias}`: not `request`, `item`, nor named by an earlier step{}{hint}",
                        self.known_aliases()
                    ))
                }
            },
        }
    }

    /// The shape a node gives, where it is a read that resolves (for `item`).
    fn shape_of(&self, node: &Node) -> Shape<'a> {
        match &node.kind {
            NodeKind::Read { root, path } => self
                .root(root)
                .ok()
                .and_then(|(_, shape)| self.cx.types.walk(shape, path).ok())
                .unwrap_or(Shape::Any),
            _ => Shape::Any,
        }
    }

    /// The model's expression for a parsed one, every name checked.
    fn lower(&mut self, node: &Node, written: Written<'_>) -> Option<Expr> {
        match &node.kind {
            NodeKind::Literal(literal) => Some(Expr::Literal(literal.clone())),
            NodeKind::List(items) => {
                let items: Vec<Option<Expr>> = items.iter().map(|i| self.lower(i, written)).collect();
                items.into_iter().collect::<Option<Vec<_>>>().map(Expr::List)
            }
            NodeKind::Not(inner) => self.lower(inner, written).map(|e| Expr::Not(Box::new(e))),
            NodeKind::Binary { op, left, right } => {
                let (left, right) = (self.lower(left, written), self.lower(right, written));
                Some(Expr::Binary { op: *op, left: Box::new(left?), right: Box::new(right?) })
            }
            NodeKind::Call { name, args } => {
                let Some((_, function, least, most)) = Function::ALL.iter().find(|(n, ..)| n == name) else {
                    let known: Vec<String> = Function::ALL.iter().map(|(n, ..)| format!("`{n}`")).collect();
                    self.error(
                        written.at(node.at),
                        format!(
                            "`{}`: no function `{name}`; the functions are {}",
                            written.text,
                            known.join(", ")
                        ),
                    );
                    return None;
                };
                if args.len() < *least || args.len() > *most {
                    let wanted = match (*least, *most) {
                        (l, m) if l == m => format!("{l}"),
                        (l, usize::MAX) => format!("at least {l}"),
                        (l, m) => format!("{l} to {m}"),
                    };
                    self.error(
                        written.at(node.at),
                        format!(
                            "`{}`: `{name}` takes {wanted} argument(s), not {}",
                            written.text,
                            args.len()
                        ),
                    );
                    return None;
                }
                if *function == Function::Object
                    && let Some(problem) = object_problem(args)
                {
                    self.error(written.at(node.at), format!("`{}`: {problem}", written.text));
                    return None;
                }
                if *function == Function::Fresh
                    && !matches!(args.first().map(|a| &a.kind), Some(NodeKind::Literal(ExprLiteral::Text(_))))
                {
                    self.error(
                        written.at(node.at),
                        format!(
                            "`{}`: `fresh` takes an example id in quotes, e.g. fresh('812345678901')",
                            written.text
                        ),
                    );
                    return None;
                }
                let args: Vec<Option<Expr>> = args.iter().map(|a| self.lower(a, written)).collect();
                Some(Expr::Call { function: *function, args: args.into_iter().collect::<Option<Vec<_>>>()? })
            }
            NodeKind::Read { root, path } => {
                let (root, shape) = match self.root(root) {
                    Ok(found) => found,
                    Err(problem) => {
                        self.error(written.at(node.at), format!("`{}`: {problem}", written.text));
                        return None;
                    }
                };
                if let Err(problem) = self.cx.types.walk(shape, path) {
                    let read = read_text(&root, path);
                    self.error(written.at(node.at), format!("`{read}`: {problem}"));
                    return None;
                }
                Some(Expr::Read { root, path: path.clone() })
            }
        }
    }
}

/// What is wrong with the arguments of `object(...)`: they go in pairs, each key a text in
/// quotes, each key once.
fn object_problem(args: &[Node]) -> Option<String> {
    if !args.len().is_multiple_of(2) {
        return Some(format!(
            "`object` takes keys and values in pairs (`object('card_id', request.card_id, ...)`), not {} argument(s)",
            args.len()
        ));
    }
    let mut keys: Vec<&str> = Vec::new();
    for key in args.iter().step_by(2) {
        match &key.kind {
            NodeKind::Literal(ExprLiteral::Text(text)) if keys.contains(&text.as_str()) => {
                return Some(format!("`object` has the key '{text}' twice"));
            }
            NodeKind::Literal(ExprLiteral::Text(text)) => keys.push(text),
            _ => {
                return Some(
                    "`object` takes its keys as texts in quotes, e.g. object('card_id', request.card_id)"
                        .to_owned(),
                );
            }
        }
    }
    None
}

/// What a `set`, `add` or `merge` does at its path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Set,
    Add,
    Merge,
}

fn read_text(root: &Root, path: &[Segment]) -> String {
    let mut all = vec![Segment::Key(match root {
        Root::Request => "request".to_owned(),
        Root::Item => "item".to_owned(),
        Root::Alias(alias) => alias.clone(),
    })];
    all.extend(path.iter().cloned());
    path_text(&all)
}

fn not_a_status(status: &str, resource: &Resource, statuses: &[&str]) -> String {
    let known: Vec<String> = statuses.iter().map(|s| format!("`{s}`")).collect();
    format!("`{status}` is not a status of `{}`; expected one of {}", resource.name, known.join(", "))
}

/// The elements a push of `event` may set: its own, and the header's `FromUserName`.
fn elements<'e>(event: &'e Event, events: &'e Events) -> impl Iterator<Item = &'e str> + 'e {
    let from = events
        .header(&event.header)
        .into_iter()
        .flat_map(|h| &h.fields)
        .filter(|f| f.element == "FromUserName")
        .map(|f| f.element.as_str());
    from.chain(event.fields.iter().map(|f| f.element.as_str()))
}
