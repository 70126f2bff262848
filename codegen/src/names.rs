//! Rust names. Every identifier the generator prints is made here, from heck's case
//! conversions, and made valid here: keywords get a trailing `_`, leading digits a prefix.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// A snake_case identifier (fields, functions, modules) for a wire or spec name, or `None`
/// when the name has nothing an identifier can be made of.
pub fn snake(name: &str) -> Option<String> {
    sanitize(name.to_snake_case(), "_")
}

/// An UpperCamelCase identifier (types, variants), or `None` as for [`snake`].
pub fn camel(name: &str) -> Option<String> {
    sanitize(name.to_upper_camel_case(), "V")
}

/// A SCREAMING_SNAKE_CASE identifier (statics, constants), or `None` as for [`snake`].
pub fn shouty(name: &str) -> Option<String> {
    sanitize(name.to_shouty_snake_case(), "_")
}

/// True when `name` is already the snake_case form of itself and a valid identifier.
pub fn is_snake(name: &str) -> bool {
    snake(name).as_deref() == Some(name)
}

/// True when `name` is already the UpperCamelCase form of itself and a valid identifier.
pub fn is_camel(name: &str) -> bool {
    camel(name).as_deref() == Some(name)
}

fn sanitize(converted: String, digit_prefix: &str) -> Option<String> {
    let valid = !converted.is_empty()
        && converted.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && converted.chars().any(|c| c.is_ascii_alphanumeric());
    if !valid {
        return None;
    }
    if converted.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!("{digit_prefix}{converted}"));
    }
    if KEYWORDS.contains(&converted.as_str()) {
        return Some(format!("{converted}_"));
    }
    Some(converted)
}

/// The Rust type names of an operation's own types.
pub fn operation_types(operation: &str) -> [String; 3] {
    let base = operation.to_upper_camel_case();
    [format!("{base}Request"), format!("{base}Response"), format!("{base}ErrorCode")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_identifiers() {
        assert_eq!(snake("s_pappid").as_deref(), Some("s_pappid"));
        assert_eq!(snake("type").as_deref(), Some("type_"));
        assert_eq!(snake("trip-pdf-url").as_deref(), Some("trip_pdf_url"));
        assert_eq!(snake("1st").as_deref(), Some("_1st"));
        assert_eq!(snake("---"), None);
        assert_eq!(snake("发票"), None);
        assert_eq!(camel("invoice order never auth").as_deref(), Some("InvoiceOrderNeverAuth"));
        assert_eq!(camel("INVOICE_REIMBURSE_INIT").as_deref(), Some("InvoiceReimburseInit"));
        assert_eq!(camel("self").as_deref(), Some("Self_"));
        assert_eq!(camel("0").as_deref(), Some("V0"));
        assert_eq!(shouty("InvoiceUserData").as_deref(), Some("INVOICE_USER_DATA"));
        assert_eq!(shouty("V2Item").as_deref(), Some("V2_ITEM"));
    }

    #[test]
    fn case_checks() {
        assert!(is_snake("reject_insert"));
        assert!(!is_snake("RejectInsert"));
        assert!(!is_snake("type"));
        assert!(is_camel("UserField"));
        assert!(!is_camel("user_field"));
    }
}
