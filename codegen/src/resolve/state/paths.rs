//! What a path leads to: through a request's or an answer's fields, a record's, a list of
//! records, and the named types they hold (object fields, a union's variants, lists, maps).

use std::collections::HashMap;

use crate::model::{Field, Resource, Segment, Ty, TypeDef, TypeKind, TypeRef, TypeScope, UnionLayout};

/// Every named type a step may reach: the endpoint's own, each group's and the shared ones.
pub(super) struct Types<'a> {
    pub(super) local: HashMap<&'a str, &'a TypeDef>,
    pub(super) groups: HashMap<&'a str, HashMap<&'a str, &'a TypeDef>>,
    pub(super) shared: HashMap<&'a str, &'a TypeDef>,
}

impl<'a> Types<'a> {
    /// The definition a reference names.
    pub(super) fn get(&self, r: &TypeRef) -> Option<&'a TypeDef> {
        match &r.scope {
            TypeScope::Local => self.local.get(r.name.as_str()).copied(),
            TypeScope::Group(group) => self.groups.get(group.as_str())?.get(r.name.as_str()).copied(),
            TypeScope::Shared => self.shared.get(r.name.as_str()).copied(),
        }
    }

    /// The same types with `local` as the endpoint's own.
    pub(super) fn with_local(&self, local: &'a [TypeDef]) -> Types<'a> {
        Types {
            local: local.iter().map(|t| (t.name.as_str(), t)).collect(),
            groups: self.groups.clone(),
            shared: self.shared.clone(),
        }
    }
}

/// What a value read (or written) at a path is known to be.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape<'a> {
    /// Anything: `json`, or what no declaration describes.
    Any,
    /// A value of this type.
    Ty(&'a Ty),
    /// A value of this named type.
    Def(&'a TypeDef),
    /// An object of these fields: a request, a user action's parameters, an answer.
    Object(&'a [&'a Field]),
    /// One record.
    Record(&'a Resource),
    /// A list of records, and `total`.
    Records(&'a Resource),
    /// The records a create made with `each`, `total` and the `skipped` items.
    Batch(&'a Resource),
    /// A number: a count, a total, a record's times.
    Number,
    /// A record's status.
    Status,
}

impl Shape<'_> {
    /// True when the value may be an integer.
    pub(super) fn integer(&self) -> bool {
        match self {
            Shape::Any | Shape::Number => true,
            Shape::Ty(ty) => matches!(ty, Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::Json),
            _ => false,
        }
    }
}

/// The mock's own fields of every record.
pub(super) const OWN_FIELDS: [&str; 3] = ["status", "created", "updated"];

impl<'a> Types<'a> {
    /// Where `path` leads from `shape`, or why it leads nowhere.
    pub(super) fn walk(&self, shape: Shape<'a>, path: &[Segment]) -> Result<Shape<'a>, String> {
        let Some((first, rest)) = path.split_first() else { return Ok(shape) };
        let next = match (shape, first) {
            (Shape::Any, _) => return Ok(Shape::Any),
            (Shape::Object(fields), Segment::Key(key)) => {
                match self.in_fields(fields.iter().copied(), key)? {
                    Some(found) => found,
                    None => return Err(no_field(key, fields.iter().map(|f| f.wire.as_str()))),
                }
            }
            (Shape::Record(resource), Segment::Key(key)) => match key.as_str() {
                "status" if resource.statuses.is_some() => Shape::Status,
                "created" | "updated" => Shape::Number,
                _ => match self.in_fields(resource.fields.iter(), key)? {
                    Some(found) => found,
                    None => {
                        let own =
                            OWN_FIELDS.iter().filter(|f| **f != "status" || resource.statuses.is_some());
                        let names = resource.fields.iter().map(|f| f.wire.as_str()).chain(own.copied());
                        return Err(format!(
                            "`{}` records have no field `{key}`{}",
                            resource.name,
                            expected(names)
                        ));
                    }
                },
            },
            (Shape::Records(resource) | Shape::Batch(resource), Segment::Each) => Shape::Record(resource),
            (Shape::Records(_) | Shape::Batch(_), Segment::Key(key)) if key == "total" => Shape::Number,
            (Shape::Batch(_), Segment::Key(key)) if key == "skipped" => return Ok(Shape::Any),
            (Shape::Records(resource), Segment::Key(key)) => {
                return Err(format!(
                    "`{key}`: this names a list of `{}` records; read `total`, or each record's fields with `[]`",
                    resource.name
                ));
            }
            (Shape::Batch(resource), Segment::Key(key)) => {
                return Err(format!(
                    "`{key}`: this names the `{}` records a create made; read `total`, `skipped`, or each \
                     record's fields with `[]`",
                    resource.name
                ));
            }
            (Shape::Ty(ty), _) => self.in_type(ty, first, rest)?,
            (Shape::Def(def), _) => self.in_named(def, first, rest)?,
            (Shape::Number | Shape::Status, Segment::Key(key)) => {
                return Err(format!("`{key}`: this value has no fields"));
            }
            (_, Segment::Each) => return Err("`[]` goes over a list, and this is not one".to_owned()),
            (_, Segment::Variant) => {
                return Err("`*` stands for the variant of a union, and this is not one".to_owned());
            }
        };
        match (first, next) {
            // A variant was walked with the rest of the path already.
            (Segment::Variant, found) => Ok(found),
            (_, found) => self.walk(found, rest),
        }
    }

    /// The field `key` among `fields` (or a flattened union's key); `None` when none has it.
    fn in_fields(
        &self,
        fields: impl Iterator<Item = &'a Field> + Clone,
        key: &str,
    ) -> Result<Option<Shape<'a>>, String> {
        if let Some(field) =
            fields.clone().find(|f| !f.flatten && (f.wire == key || f.aliases.iter().any(|a| a == key)))
        {
            return Ok(Some(Shape::Ty(&field.ty)));
        }
        for field in fields.filter(|f| f.flatten) {
            if let Ok(found) = self.in_type(&field.ty, &Segment::Key(key.to_owned()), &[]) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// One step into a value of type `ty`. A `*` walks the rest of the path too (in the first
    /// variant that has it), so the caller stops there.
    fn in_type(&self, ty: &'a Ty, segment: &Segment, rest: &[Segment]) -> Result<Shape<'a>, String> {
        match (ty, segment) {
            (Ty::Json, _) => Ok(Shape::Any),
            (Ty::Array(item), Segment::Each) => Ok(Shape::Ty(item)),
            (Ty::Array(_), Segment::Key(key)) => {
                Err(format!("`{key}`: this is a list; go over its items with `[]`"))
            }
            (Ty::Map(item), Segment::Key(_)) => Ok(Shape::Ty(item)),
            (Ty::Named(reference), _) => {
                let Some(def) = self.get(reference) else {
                    return Err(format!("the type `{}` is not known", reference.name));
                };
                self.in_named(def, segment, rest)
            }
            (_, Segment::Each) => Err("`[]` goes over a list, and this is not one".to_owned()),
            (_, Segment::Variant) => {
                Err("`*` stands for the variant of a union, and this is not one".to_owned())
            }
            (_, Segment::Key(key)) => Err(format!("`{key}`: this value has no fields")),
        }
    }

    fn in_named(&self, def: &'a TypeDef, segment: &Segment, rest: &[Segment]) -> Result<Shape<'a>, String> {
        match (&def.kind, segment) {
            (TypeKind::Struct(fields), Segment::Key(key)) => match self.in_fields(fields.iter(), key)? {
                Some(found) => Ok(found),
                None => Err(format!("`{}` has no field `{key}`", def.name)),
            },
            (TypeKind::Union(union), Segment::Key(key)) if *key == union.tag => Ok(Shape::Any),
            (TypeKind::Union(union), Segment::Key(key)) => {
                let sibling = union.layout == UnionLayout::Sibling;
                for variant in &union.variants {
                    let Some(object) = self.get(&variant.ty) else { continue };
                    if sibling && variant.key.first() == Some(key) {
                        if variant.key.len() > 1 {
                            return Ok(Shape::Any);
                        }
                        return Ok(Shape::Def(object));
                    }
                    if !sibling && let Ok(found) = self.in_named(object, segment, rest) {
                        return Ok(found);
                    }
                }
                Err(format!("no variant of `{}` has `{key}`", def.name))
            }
            (TypeKind::Union(union), Segment::Variant) => {
                if union.layout == UnionLayout::Internal {
                    return Err(format!(
                        "`*` stands for a union's variant key, and `{}` keeps its variant's fields beside its tag",
                        def.name
                    ));
                }
                if let Some(nested) = union.variants.iter().find(|v| v.key.len() > 1) {
                    return Err(format!(
                        "`*` stands for one key, and `{}` keeps its variant `{}` under `{}`",
                        def.name,
                        nested.tag,
                        nested.key.join(".")
                    ));
                }
                let mut first_problem = None;
                for variant in &union.variants {
                    let Some(object) = self.get(&variant.ty) else { continue };
                    match self.walk(Shape::Def(object), rest) {
                        Ok(found) => return Ok(found),
                        Err(problem) => {
                            first_problem.get_or_insert(problem);
                        }
                    }
                }
                Err(match first_problem {
                    Some(_) if !rest.is_empty() => {
                        format!("no variant of `{}` has `{}`", def.name, super::expr::path_text(rest))
                    }
                    _ => format!("`{}` has no variants", def.name),
                })
            }
            (TypeKind::StringEnum(_) | TypeKind::IntEnum(_), Segment::Key(key)) => {
                Err(format!("`{key}`: `{}` is an enum, which has no fields", def.name))
            }
            (_, Segment::Each) => Err("`[]` goes over a list, and this is not one".to_owned()),
            (_, Segment::Variant) => {
                Err("`*` stands for the variant of a union, and this is not one".to_owned())
            }
        }
    }
}

fn expected<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() { String::new() } else { format!("; expected one of {}", names.join(", ")) }
}

fn no_field<'n>(key: &str, names: impl Iterator<Item = &'n str>) -> String {
    format!("no field `{key}`{}", expected(names))
}
