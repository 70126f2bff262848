//! Error codes: the general ones, each group's and each endpoint's own, and the crate-wide
//! table in which each code is defined once.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::{self, Located};
use crate::model::{ErrorCase, Retry, SharedCode};
use crate::names;
use crate::source::Location;
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
            location: file.location(def.code.span.start),
        });
    }
    cases
}

/// A code as first declared, with what its later declarations added.
struct Entry {
    shared: SharedCode,
    /// Where it was first declared.
    first: Location,
    /// Every declaration seen: an operation's enum repeats its group's codes, which are one
    /// declaration, not one per operation.
    seen: Vec<Location>,
    /// Each declaration's meaning and remedy.
    meanings: Vec<(String, Option<String>)>,
}

/// The crate-wide code table: every code once, sorted by `errcode`.
///
/// A code's name, message and retry belong to the code, not to an endpoint: every file that
/// declares it must give the same ones (the name derived from the message when none is
/// written), and one name names one code. A declaration that disagrees is reported at its
/// `code` key, naming the first declaration (in the order given: general, groups, then
/// operations). Only `meaning` and `remedy` may differ per endpoint; the table keeps them
/// when every declaration agrees.
pub(super) fn shared_codes<'a>(
    declarations: impl IntoIterator<Item = (String, &'a [ErrorCase])>,
    problems: &mut Diagnostics,
) -> Vec<SharedCode> {
    let mut codes: BTreeMap<i64, Entry> = BTreeMap::new();
    let mut names: HashMap<String, (i64, Location)> = HashMap::new();
    for (declarer, cases) in declarations {
        for case in cases {
            if let Some(entry) = codes.get_mut(&case.code) {
                if entry.seen.contains(&case.location) {
                    continue;
                }
                entry.seen.push(case.location.clone());
                let differences = differences(&entry.shared, case);
                if differences.is_empty() {
                    entry.shared.declared_by.push(declarer.clone());
                    entry.meanings.push((case.meaning.clone(), case.remedy.clone()));
                } else {
                    problems.push(Diagnostic {
                        location: case.location.clone(),
                        message: format!(
                            "error code {} is declared at {} with name `{}`, message `{}` and retry `{}`; \
                             here it has another {}: a code has one name, message and retry in the whole spec \
                             (only `meaning` and `remedy` may differ from one endpoint to another)",
                            case.code,
                            entry.first,
                            entry.shared.name,
                            entry.shared.message,
                            retry_key(entry.shared.retry),
                            differences.join(" and "),
                        ),
                    });
                }
                continue;
            }
            if let Some((other, at)) = names.get(&case.name) {
                problems.push(Diagnostic {
                    location: case.location.clone(),
                    message: format!(
                        "error code {} would be named `{}`, which is error code {other} at {at}; \
                         give one of them another `name`",
                        case.code, case.name
                    ),
                });
                continue;
            }
            names.insert(case.name.clone(), (case.code, case.location.clone()));
            codes.insert(
                case.code,
                Entry {
                    shared: SharedCode {
                        code: case.code,
                        name: case.name.clone(),
                        message: case.message.clone(),
                        retry: case.retry,
                        meaning: None,
                        declared_by: vec![declarer.clone()],
                    },
                    first: case.location.clone(),
                    seen: vec![case.location.clone()],
                    meanings: vec![(case.meaning.clone(), case.remedy.clone())],
                },
            );
        }
    }
    codes
        .into_values()
        .map(|entry| SharedCode { meaning: common_meaning(&entry.meanings), ..entry.shared })
        .collect()
}

/// Which of the keys that belong to the code a declaration gives differently.
fn differences(first: &SharedCode, case: &ErrorCase) -> Vec<String> {
    let mut out = Vec::new();
    if case.name != first.name {
        out.push(format!("name (`{}`)", case.name));
    }
    if case.message != first.message {
        out.push(format!("message (`{}`)", case.message));
    }
    if case.retry != first.retry {
        out.push(format!("retry (`{}`)", retry_key(case.retry)));
    }
    out
}

/// The meaning every declaration gives, with the remedy when they all give the same one.
fn common_meaning(meanings: &[(String, Option<String>)]) -> Option<String> {
    let (meaning, remedy) = meanings.first()?;
    if meanings.iter().any(|(m, _)| m != meaning) {
        return None;
    }
    match remedy {
        Some(remedy) if meanings.iter().all(|(_, r)| r.as_ref() == Some(remedy)) => {
            Some(format!("{meaning}\n\n{remedy}"))
        }
        _ => Some(meaning.clone()),
    }
}

/// The spelling of `retry` in a spec file.
fn retry_key(retry: Retry) -> &'static str {
    match retry {
        Retry::Never => "never",
        Retry::Backoff => "backoff",
        Retry::RenewToken => "renew_token",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{accepted, endpoint, refused};
    use crate::SourceFile;
    use crate::model::{Retry, SharedCode};

    /// An endpoint file of group `demo` named `name`, declaring `errors` (TOML `[[errors]]`
    /// from line 9).
    fn declaring(name: &str, errors: &str) -> SourceFile {
        endpoint(name, &format!("response.n = {{ type = \"u32\", doc = \"N.\" }}\n\n{errors}"))
    }

    fn code(errcode: i64, message: &str, extra: &str) -> String {
        format!("[[errors]]\ncode = {errcode}\nmessage = \"{message}\"\n{extra}\n")
    }

    #[test]
    fn a_code_declared_by_several_endpoints_is_one_entry_of_the_table() {
        let spec = accepted(vec![
            declaring("op_a", &code(72031, "invalid params", "meaning = \"A field is wrong.\"")),
            declaring("op_b", &code(72031, "invalid params", "meaning = \"The s_media_id expired.\"")),
            declaring(
                "op_c",
                &code(72038, "invoice order never auth", "meaning = \"Not authorized.\"\nremedy = \"Wait.\""),
            ),
            declaring(
                "op_d",
                &code(72038, "invoice order never auth", "meaning = \"Not authorized.\"\nremedy = \"Wait.\""),
            ),
        ]);
        assert_eq!(
            spec.codes,
            [
                SharedCode {
                    code: -1,
                    name: "SystemBusy".into(),
                    message: "system error".into(),
                    retry: Retry::Backoff,
                    meaning: Some("Busy.".into()),
                    declared_by: vec!["general".into()],
                },
                SharedCode {
                    code: 72031,
                    name: "InvalidParams".into(),
                    message: "invalid params".into(),
                    retry: Retry::Never,
                    meaning: None,
                    declared_by: vec!["demo::op_a".into(), "demo::op_b".into()],
                },
                SharedCode {
                    code: 72038,
                    name: "InvoiceOrderNeverAuth".into(),
                    message: "invoice order never auth".into(),
                    retry: Retry::Never,
                    meaning: Some("Not authorized.\n\nWait.".into()),
                    declared_by: vec!["demo::op_c".into(), "demo::op_d".into()],
                },
            ]
        );
    }

    #[test]
    fn a_group_code_is_declared_once_by_the_group() {
        let group = SourceFile::new(
            "spec/demo/errors.toml",
            code(40073, "invalid card id", "meaning = \"No card.\""),
        );
        let spec = accepted(vec![group, declaring("op_a", ""), declaring("op_b", "")]);
        let card_id = spec.codes.iter().find(|c| c.code == 40073).expect("the group's code");
        assert_eq!(card_id.declared_by, ["demo"]);
        assert!(spec.operations().all(|op| op.errors.iter().any(|e| e.name == "InvalidCardId")));
    }

    #[test]
    fn another_name_message_or_retry_for_a_code_is_refused_where_it_is_written() {
        let problems = refused(vec![
            declaring("op_a", &code(43010, "no stored value permission", "meaning = \"m\"")),
            declaring(
                "op_b",
                &code(43010, "no balance permission", "name = \"NoBalancePermission\"\nmeaning = \"m\""),
            ),
            declaring(
                "op_c",
                &code(43010, "no stored value permission", "meaning = \"m\"\nretry = \"backoff\""),
            ),
        ]);
        assert_eq!(
            problems,
            [
                "spec/demo/op_b.toml:10:8: error code 43010 is declared at spec/demo/op_a.toml:10:8 with name \
                 `NoStoredValuePermission`, message `no stored value permission` and retry `never`; here it has \
                 another name (`NoBalancePermission`) and message (`no balance permission`): a code has one name, \
                 message and retry in the whole spec (only `meaning` and `remedy` may differ from one endpoint to \
                 another)",
                "spec/demo/op_c.toml:10:8: error code 43010 is declared at spec/demo/op_a.toml:10:8 with name \
                 `NoStoredValuePermission`, message `no stored value permission` and retry `never`; here it has \
                 another retry (`backoff`): a code has one name, message and retry in the whole spec (only \
                 `meaning` and `remedy` may differ from one endpoint to another)",
            ]
        );
    }

    #[test]
    fn one_name_for_two_codes_is_refused() {
        let problems = refused(vec![
            declaring("op_a", &code(45030, "limit cardid", "name = \"CardNotSupported\"\nmeaning = \"m\"")),
            declaring("op_b", &code(45031, "other", "name = \"CardNotSupported\"\nmeaning = \"m\"")),
        ]);
        assert_eq!(
            problems,
            [
                "spec/demo/op_b.toml:10:8: error code 45031 would be named `CardNotSupported`, which is error code \
              45030 at spec/demo/op_a.toml:10:8; give one of them another `name`"
            ]
        );
    }
}
