//! Every named type of the spec by its key (where it is declared, and its name), with the
//! group and operation its local type names resolve in: what the walks over types share
//! (`checks`: which types hold limits; `received`: which types answers hold).

use crate::model::{Spec, Ty, TypeDef, TypeRef, TypeScope};

/// A named type of the spec: where it is declared (`""` shared, `group`, `group/operation`),
/// and its name.
pub(super) type Key = (String, String);

/// Where a type declared in `group` (and `op`, for an operation's own types) is keyed.
pub(super) fn place(group: &str, op: Option<&str>) -> String {
    match op {
        Some(op) => format!("{group}/{op}"),
        None => group.to_owned(),
    }
}

/// The key of the type `r` names, from a field of `group`'s operation `op` (`""` outside one).
pub(super) fn key_of(r: &TypeRef, group: &str, op: &str) -> Key {
    let place = match &r.scope {
        TypeScope::Local => place(group, Some(op)),
        TypeScope::Group(group) => group.clone(),
        TypeScope::Shared => String::new(),
    };
    (place, r.name.clone())
}

/// The named type a field's type holds, through arrays and maps.
pub(super) fn named(ty: &Ty) -> Option<&TypeRef> {
    match ty {
        Ty::Named(r) => Some(r),
        Ty::Array(item) | Ty::Map(item) => named(item),
        _ => None,
    }
}

/// One type of the spec, with where its names resolve.
pub(super) struct Indexed<'a> {
    pub(super) key: Key,
    pub(super) def: &'a TypeDef,
    pub(super) group: &'a str,
    pub(super) op: &'a str,
}

/// Every type of the spec: the shared ones, then each group's, then each operation's.
pub(super) fn all_types(spec: &Spec) -> Vec<Indexed<'_>> {
    let mut all = Vec::new();
    for def in &spec.shared_types {
        all.push(Indexed { key: (String::new(), def.name.clone()), def, group: "", op: "" });
    }
    for group in &spec.groups {
        for def in &group.types {
            all.push(Indexed {
                key: (place(&group.name, None), def.name.clone()),
                def,
                group: &group.name,
                op: "",
            });
        }
        for op in &group.operations {
            for def in &op.types {
                all.push(Indexed {
                    key: (place(&group.name, Some(&op.name)), def.name.clone()),
                    def,
                    group: &group.name,
                    op: &op.name,
                });
            }
        }
    }
    all
}
