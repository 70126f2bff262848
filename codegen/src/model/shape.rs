//! The resolved model in `wechat_core::shape`'s terms: what the example checks run on, and
//! what the mock's table is written from, so both read a field the same way.
//!
//! [`SchemaBuilder`] converts fields and the named types they reach, borrowing the model's
//! strings. Each named type gets one [`TypeId`] the first time it is reached (a type that
//! contains itself refers to its own id); a type is its definition in the model, so two
//! endpoints' local types of the same name stay two types.

use std::borrow::Cow;
use std::collections::HashMap;

use wechat_core::shape::{self, Item, NamedType, Schema, TypeId, UnionCase};

use crate::model::{Field, FieldRule, Literal, Ty, TypeDef, TypeKind, TypeRef, UnionLayout};

/// Finds the definition a reference names, read in one place: `TypeScope::Local` means the
/// types of the endpoint the converted fields belong to.
pub type Find<'f, 'm> = &'f dyn Fn(&TypeRef) -> Option<&'m TypeDef>;

/// Builds a [`Schema`] of the named types that converted fields reach.
#[derive(Debug, Default)]
pub struct SchemaBuilder<'m> {
    /// Each definition's id, by its place in the model.
    ids: HashMap<*const TypeDef, TypeId>,
    /// By id: the converted type (a placeholder until its turn comes) and its definition.
    types: Vec<(NamedType<'m>, &'m TypeDef)>,
    /// Ids given out whose definitions are not converted yet.
    pending: Vec<TypeId>,
}

impl<'m> SchemaBuilder<'m> {
    /// A builder of no type yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives `def` its id now, so ids follow the order types are declared in; `find`
    /// resolves what it refers to.
    pub fn declare(&mut self, def: &'m TypeDef, find: Find<'_, 'm>) -> TypeId {
        let id = self.id_of(def);
        self.convert_pending(find);
        id
    }

    /// `fields` in the shape model; `find` resolves the references they and the types they
    /// reach hold. Those types join the schema.
    pub fn fields(&mut self, fields: &'m [Field], find: Find<'_, 'm>) -> Vec<shape::Field<'m>> {
        let converted = fields.iter().map(|f| self.field(f, find)).collect();
        self.convert_pending(find);
        converted
    }

    /// The schema, and the definition of each of its types, by id.
    pub fn finish(self) -> (Schema<'m>, Vec<&'m TypeDef>) {
        let (types, defs) = self.types.into_iter().unzip();
        (Schema::owned(types), defs)
    }

    /// The id of `def`, given out (and its conversion queued) the first time.
    fn id_of(&mut self, def: &'m TypeDef) -> TypeId {
        if let Some(id) = self.ids.get(&std::ptr::from_ref(def)) {
            return *id;
        }
        // Fewer than 2^32 types: the spec is read from files of a few megabytes at most.
        let id = TypeId(u32::try_from(self.types.len()).unwrap_or(u32::MAX));
        self.ids.insert(def, id);
        let placeholder = NamedType { name: &def.name, kind: shape::TypeKind::Object(Cow::Borrowed(&[])) };
        self.types.push((placeholder, def));
        self.pending.push(id);
        id
    }

    /// Converts the types given an id since the last call, and those they reach.
    fn convert_pending(&mut self, find: Find<'_, 'm>) {
        while let Some(id) = self.pending.pop() {
            let Some(def) = self.types.get(id.0 as usize).map(|(_, def)| *def) else { continue };
            let kind = self.kind(&def.kind, find);
            if let Some((ty, _)) = self.types.get_mut(id.0 as usize) {
                ty.kind = kind;
            }
        }
    }

    fn kind(&mut self, kind: &'m TypeKind, find: Find<'_, 'm>) -> shape::TypeKind<'m> {
        match kind {
            TypeKind::Struct(fields) => {
                let fields = fields.iter().map(|f| self.field(f, find)).collect();
                shape::TypeKind::Object(Cow::Owned(fields))
            }
            TypeKind::StringEnum(variants) => shape::TypeKind::StringEnum(Cow::Owned(
                variants
                    .iter()
                    .filter_map(|v| match &v.wire {
                        Literal::Str(s) => Some(s.as_str()),
                        Literal::Int(_) => None,
                    })
                    .collect(),
            )),
            TypeKind::IntEnum(variants) => shape::TypeKind::IntEnum(Cow::Owned(
                variants
                    .iter()
                    .filter_map(|v| match v.wire {
                        Literal::Int(i) => Some(i),
                        Literal::Str(_) => None,
                    })
                    .collect(),
            )),
            TypeKind::Union(union) => {
                // A variant whose type did not resolve has its own problem already.
                let variants = union
                    .variants
                    .iter()
                    .filter_map(|v| {
                        let ty = self.id_of(find(&v.ty)?);
                        let key = Cow::Owned(v.key.iter().map(String::as_str).collect());
                        Some(UnionCase { tag: &v.tag, key, ty })
                    })
                    .collect();
                shape::TypeKind::Union(shape::Union {
                    tag: &union.tag,
                    internal: union.layout == UnionLayout::Internal,
                    variants: Cow::Owned(variants),
                })
            }
        }
    }

    fn field(&mut self, field: &'m Field, find: Find<'_, 'm>) -> shape::Field<'m> {
        let aliases = if field.aliases.is_empty() {
            Cow::Borrowed(&[][..])
        } else {
            Cow::Owned(field.aliases.iter().map(String::as_str).collect())
        };
        shape::Field {
            name: &field.wire,
            aliases,
            ty: self.ty(&field.ty, find),
            required: field.required,
            lenient: field.lenient,
            flatten: field.flatten,
            only: field.only,
            nullable: field.nullable,
            number_in_answers: field.number_in_answers,
            limits: field.constraints,
            rule: field.rule.as_ref().map(FieldRule::as_check),
        }
    }

    /// A type; any JSON for a reference that did not resolve (its own problem is reported).
    fn ty(&mut self, ty: &Ty, find: Find<'_, 'm>) -> shape::Ty {
        match ty {
            Ty::Array(item) => shape::Ty::Array(self.item(item, find)),
            Ty::Map(item) => shape::Ty::Map(self.item(item, find)),
            other => self.item(other, find).ty(),
        }
    }

    /// An array's item or a map's value; any JSON for an array or map in that place, which
    /// the resolver refuses.
    fn item(&mut self, ty: &Ty, find: Find<'_, 'm>) -> Item {
        match ty {
            Ty::String => Item::String,
            Ty::Bool => Item::Bool,
            Ty::I32 => Item::I32,
            Ty::I64 => Item::I64,
            Ty::U32 => Item::U32,
            Ty::U64 => Item::U64,
            Ty::F64 => Item::F64,
            // A reference that did not resolve has its own problem already.
            Ty::Named(r) => find(r).map_or(Item::Json, |def| Item::Named(self.id_of(def))),
            Ty::Json | Ty::Array(_) | Ty::Map(_) => Item::Json,
        }
    }
}
