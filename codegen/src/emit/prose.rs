//! The facts of an operation in words (its request line, body, who may call it), shared by
//! the Rust docs (operation modules, client methods) and the API reference.

use crate::model::{Access, BodyKind, Method, Operation, ResponseBody, TokenKind};

/// The request line as WeChat's documentation writes it.
pub(crate) fn request_line(op: &Operation) -> String {
    let method = match op.method {
        Method::Get => "GET",
        Method::Post => "POST",
    };
    let mut query: Vec<String> = Vec::new();
    if op.token != TokenKind::None {
        query.push("access_token=ACCESS_TOKEN".to_owned());
    }
    query.extend(op.fixed_query.iter().map(|p| format!("{}={}", p.name, p.value)));
    query.extend(op.query.iter().map(|f| format!("{}={}", f.wire, f.wire.to_uppercase())));
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("{method} https://{}{}{query}", op.host, op.path)
}

/// How the body travels, in one phrase.
pub(crate) fn body_line(op: &Operation) -> String {
    let constants: Vec<String> =
        op.fixed_body.iter().map(|c| format!("`{}` = `\"{}\"`", c.name, c.value)).collect();
    let constants =
        if constants.is_empty() { String::new() } else { format!("; always sends {}", constants.join(", ")) };
    match op.body {
        BodyKind::None => "none".to_owned(),
        BodyKind::Json => format!("JSON{constants}"),
        BodyKind::Multipart => {
            let files: Vec<String> = op
                .files
                .iter()
                .map(|f| format!("file `{}` ({}, at most {} bytes)", f.wire, f.content_type, f.max_size))
                .collect();
            format!("`multipart/form-data`: {}{constants}", files.join(", "))
        }
    }
}

/// Who may call the operation, in one phrase.
pub(crate) fn third_party_line(op: &Operation) -> String {
    if op.token == TokenKind::None {
        return "not applicable: the endpoint takes no `access_token`".to_owned();
    }
    match (op.third_party, op.permission_set) {
        (true, Some(set)) => format!("supported with an `authorizer_access_token` (permission set {set})"),
        (true, None) => "supported with an `authorizer_access_token`".to_owned(),
        (false, _) => "not supported: only the account's own access token is accepted".to_owned(),
    }
}

/// Which account types may call the operation, in one phrase.
pub(crate) fn accounts_line(op: &Operation) -> String {
    if op.accounts.is_empty() {
        return "not stated".to_owned();
    }
    let parts: Vec<String> = op
        .accounts
        .iter()
        .map(|(kind, access)| {
            let access = match access {
                Access::Yes => "yes",
                Access::Apply => "after an approved application",
                Access::No => "no",
            };
            format!("{}: {access}", kind.replace('_', " "))
        })
        .collect();
    parts.join("; ")
}

/// The paragraph saying WeChat deprecated the operation, for docs; `None` when it did not.
pub(crate) fn deprecated_paragraph(op: &Operation) -> Option<String> {
    op.deprecated.as_ref().map(|d| format!("**Deprecated by WeChat.** {}", d.text()))
}

/// How the success answer is written, in one phrase; `None` for the usual JSON object.
pub(crate) fn answer_line(op: &Operation) -> Option<String> {
    (op.response_body == ResponseBody::Text).then(|| {
        "text: the body itself, in the response's `text`; errors are JSON (`errcode`, `errmsg`)".to_owned()
    })
}
