//! Error codes: the general ones and each endpoint's own.

use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::format::{self, Located};
use crate::model::{ErrorCase, Retry};
use crate::names;
use crate::source::SourceFile;

/// A code a file may not declare again: a general code, or one of the group's.
pub(super) struct Inherited<'a> {
    pub(super) case: &'a ErrorCase,
    /// The file that declares it.
    pub(super) path: &'a str,
    /// True when it becomes a variant of the same enum (a group code), so names must differ.
    pub(super) enumerated: bool,
}

/// Variant names the generated error-code enums keep for themselves.
const RESERVED_ERROR_VARIANTS: &[&str] = &["General", "Unknown"];

pub(super) fn resolve_errors(
    file: &SourceFile,
    defs: &[Located<format::ErrorDef>],
    inherited: &[Inherited<'_>],
    problems: &mut Diagnostics,
) -> Vec<ErrorCase> {
    let mut cases = Vec::new();
    let mut codes: HashMap<i64, ()> = HashMap::new();
    let mut variants: HashMap<String, ()> = HashMap::new();
    for def in defs {
        let def = &def.value;
        let code = def.code.value;
        if let Some(outer) = inherited.iter().find(|i| i.case.code == code) {
            problems.error(
                file,
                def.code.span,
                format!(
                    "error code {code} (`{}`) is declared in {}; do not repeat it here",
                    outer.case.message, outer.path
                ),
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
        let taken = inherited.iter().any(|i| i.enumerated && i.case.name == name);
        if RESERVED_ERROR_VARIANTS.contains(&name.as_str())
            || taken
            || variants.insert(name.clone(), ()).is_some()
        {
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
            retry: def.retry.as_ref().map_or(Retry::Never, |r| r.value.into()),
        });
    }
    cases
}
