//! Serving the spec's operations: route by path and fixed query, then check as WeChat does
//! (method, token, query, body schema) and answer from the flow's state or the spec's example.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::answer::{self, GeneralError};
use crate::faults::{FaultKind, Reach, Taken};
use crate::platform_tokens::PlatformToken;
use crate::sample::sample_answer;
use crate::serving::Handler;
use crate::spec_table::{BodyKind, Method, Operation, ResponseBody, TokenUse};
use crate::state::Shared;
use crate::tokens::TokenCheck;
use crate::upload::{self, FormError, ReceivedFile};
use crate::validate::{SchemaError, Warnings, check_query, check_request};
use crate::{declared, flow, serving, spec_table};

/// The largest request body read; larger ones are refused with HTTP 413.
pub(crate) const MAX_BODY: usize = 2 * 1024 * 1024;

const DATA_FORMAT_ERROR: i64 = 47001;
const EMPTY_BODY: i64 = 44002;
const REQUIRE_POST: i64 = 43002;
const INVALID_URL: i64 = 40066;

/// Every request that is neither a token endpoint nor an admin route.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let query = query_pairs(&parts.uri);
    let Some(op) = route(shared.table, parts.uri.path(), &query) else {
        return shared.general_error(INVALID_URL, None);
    };
    if op.method == Method::Post && parts.method != HttpMethod::POST {
        return shared.general_error(REQUIRE_POST, None);
    }
    if let Some(fault) = shared.faults.take(op.key, Reach::Every)
        && let Some(answer) = fault_answer(&shared, op, fault).await
    {
        return answer;
    }
    if op.token == TokenUse::AccessToken {
        let check = access_check(&shared, op, query_value(&query, "access_token"));
        if check != TokenCheck::Valid {
            return shared.general_error(check.errcode(), None);
        }
    }
    let query_warnings = match check_query(op.types, op.query, &query) {
        Ok(warnings) => warnings,
        Err(problem) => return shared.general_error(DATA_FORMAT_ERROR, Some(&problem.to_string())),
    };
    let payload = match request_payload(op, &parts, body).await {
        Ok(payload) => payload,
        Err(PayloadError::General(refusal)) => return shared.refuse(refusal),
        Err(PayloadError::WrongFileType(problem)) => {
            let hint = problem.to_string();
            return match flow::invalid_file_code(op.key) {
                Some(code) => shared.error(code, op.message(code).unwrap_or("invalid file"), Some(&hint)),
                None => shared.general_error(DATA_FORMAT_ERROR, Some(&hint)),
            };
        }
    };
    let warnings = query_warnings.iter().chain(&payload.warnings).map(accepted).collect();
    let handler = serving::handler(op, &shared.state);
    let mut response = match shared.faults.take_answer(op.key, Reach::Every) {
        Some(fields) => answered(&shared, op, fields),
        None => answer_call(&shared, op, handler, &parts, &query, &payload),
    };
    answer::warn(&mut response, warnings);
    response
}

/// The mock's own answer to a call that passed its checks: from its state, or the spec's
/// example.
fn answer_call(
    shared: &Shared,
    op: &'static Operation,
    handler: Option<Handler>,
    parts: &Parts,
    query: &[(String, String)],
    payload: &Payload,
) -> Response {
    match handler {
        Some(Handler::Declared(steps)) => {
            let request = declared::request(&payload.body, query);
            match declared::run(shared, steps, &request, op.types, op.response, op.success_example) {
                Ok(answer) => success(shared, op, answer),
                Err(code) => shared.error(code, &spec_table::message_anywhere(op, code), None),
            }
        }
        Some(Handler::Written(step)) => {
            let base_url = public_base_url(shared, &parts.headers);
            let call =
                flow::Call { op, body: &payload.body, query, files: &payload.files, base_url: &base_url };
            match step(shared, &call) {
                Ok(fields) => {
                    let mut answer = success_fields(op);
                    answer.extend(fields);
                    success(shared, op, answer)
                }
                Err(code) => shared.error(code, op.message(code).unwrap_or("system error"), None),
            }
        }
        None => success(shared, op, success_fields(op)),
    }
}

/// The success answer a test queued in place of the mock's own: `fields` (a JSON object,
/// as [`Faults::push`](crate::Faults::push) checks) shaped as the operation's answers are.
pub(crate) fn answered(shared: &Shared, op: &Operation, fields: Value) -> Response {
    let fields = match fields {
        Value::Object(fields) => fields,
        other => Map::from_iter([("value".to_owned(), other)]),
    };
    success(shared, op, fields)
}

/// The warning for a problem the mock let pass because the spec marks its field lenient.
fn accepted(problem: &SchemaError) -> String {
    format!("{problem}; accepted: the spec marks it lenient_in_mock")
}

/// A success answer shaped as the spec's example: with `"errcode": 0, "errmsg": "ok"` first,
/// or, as WeChat's token endpoints answer, without them when the example has none. The
/// answer is kept as the operation's last.
pub(crate) fn success(shared: &Shared, op: &Operation, fields: Map<String, Value>) -> Response {
    if op.response_body == ResponseBody::Text {
        return text_success(shared, op, &fields);
    }
    let example = op.success_example.and_then(|text| serde_json::from_str::<Value>(text).ok());
    let body = match example {
        Some(Value::Object(example)) if !example.contains_key("errcode") => Value::Object(fields),
        _ => answer::success_body(fields),
    };
    let response = answer::success(&body);
    shared.answers.record(op.key, body);
    response
}

/// The success answer of an operation that answers text (a CSV statement): the `text` field
/// itself as the body, sent as `text/csv`, and kept as the operation's last answer (a JSON
/// string).
fn text_success(shared: &Shared, op: &Operation, fields: &Map<String, Value>) -> Response {
    let text = match fields.get("text") {
        Some(Value::String(text)) => text.clone(),
        _ => op.success_example.unwrap_or_default().to_owned(),
    };
    let response = answer::with_body(StatusCode::OK, "text/csv; charset=utf-8", text.clone());
    shared.answers.record(op.key, Value::String(text));
    response
}

/// What WeChat says about the `access_token` of a call of `op`: the account's token, or a
/// third-party platform's authorizer token where the operation is open to third parties.
fn access_check(shared: &Shared, op: &Operation, token: Option<&str>) -> TokenCheck {
    match shared.tokens.check(token) {
        TokenCheck::Invalid => match shared.platform_tokens.check(PlatformToken::Authorizer, token) {
            TokenCheck::Valid if !op.third_party => TokenCheck::ThirdPartyRefused,
            other => other,
        },
        other => other,
    }
}

/// The base URL the caller used to reach the server (its `Host` header), for links in
/// answers; the address the server is bound to when the header is missing or odd.
fn public_base_url(shared: &Shared, headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| host.parse::<Authority>().is_ok())
        .map_or_else(|| shared.base_url.clone(), |host| format!("http://{host}"))
}

/// The operation at `path` whose fixed query parameters the request carries.
fn route<'t>(table: &'t [Operation], path: &str, query: &[(String, String)]) -> Option<&'t Operation> {
    table.iter().find(|op| {
        op.path == path && op.fixed_query.iter().all(|(name, value)| query_value(query, name) == Some(value))
    })
}

/// The query string's pairs; an undecodable query counts as empty.
pub(crate) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default()
}

/// The first value of query parameter `name`.
pub(crate) fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Reads the whole body, up to [`MAX_BODY`]; a larger one is refused with HTTP 413.
pub(crate) async fn read_body(body: Body) -> Result<Bytes, GeneralError> {
    read_body_up_to(body, MAX_BODY).await
}

/// Reads the whole body, up to `limit` bytes; a larger one is refused with HTTP 413.
async fn read_body_up_to(body: Body, limit: usize) -> Result<Bytes, GeneralError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| GeneralError {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        ..GeneralError::hinted(DATA_FORMAT_ERROR, format!("[(body)] unreadable or larger than {limit} bytes"))
    })
}

/// The largest body any operation of `table` accepts: the limit the router gives extractors.
pub(crate) fn body_limit(table: &[Operation]) -> usize {
    table
        .iter()
        .filter(|op| op.body == BodyKind::Multipart)
        .map(upload::body_limit)
        .fold(MAX_BODY, usize::max)
}

/// Parses a JSON body, or refuses it with 44002 (empty) or 47001 (not JSON) as WeChat does.
pub(crate) fn json_body(bytes: &[u8]) -> Result<Value, GeneralError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GeneralError::new(EMPTY_BODY));
    }
    serde_json::from_slice::<Value>(bytes)
        .map_err(|e| GeneralError::hinted(DATA_FORMAT_ERROR, format!("[(body)] not JSON: {e}")))
}

/// A request's body, checked against its operation's schema.
struct Payload {
    /// The JSON body, or a multipart body's text parts as an object; null without a body.
    body: Value,
    /// The files of a multipart body.
    files: Vec<ReceivedFile>,
    /// What passed only because the spec marks it `lenient_in_mock`.
    warnings: Warnings,
}

/// Why a body was refused.
enum PayloadError {
    /// With a general code.
    General(GeneralError),
    /// An uploaded file is not of its part's type.
    WrongFileType(SchemaError),
}

impl From<GeneralError> for PayloadError {
    fn from(refusal: GeneralError) -> Self {
        Self::General(refusal)
    }
}

/// Reads the request body and checks it against the operation's schema.
async fn request_payload(op: &Operation, parts: &Parts, body: Body) -> Result<Payload, PayloadError> {
    match op.body {
        BodyKind::None => Ok(Payload { body: Value::Null, files: Vec::new(), warnings: Warnings::new() }),
        BodyKind::Multipart => {
            let bytes = read_body_up_to(body, upload::body_limit(op)).await?;
            match upload::read_form(op, &parts.headers, &parts.extensions, bytes).await {
                Ok(form) => Ok(Payload { body: form.texts, files: form.files, warnings: form.warnings }),
                Err(FormError::General(refusal)) => Err(PayloadError::General(refusal)),
                Err(FormError::WrongType(problem)) => Err(PayloadError::WrongFileType(problem)),
            }
        }
        BodyKind::Json => {
            let body = json_body(&read_body(body).await?)?;
            let warnings = check_request(op, &body)
                .map_err(|p| GeneralError::hinted(DATA_FORMAT_ERROR, p.to_string()))?;
            Ok(Payload { body, files: Vec::new(), warnings })
        }
    }
}

/// The fields of the operation's success answer: its spec example, or values that fit its
/// response schema when the spec has no example.
pub(crate) fn success_fields(op: &Operation) -> Map<String, Value> {
    if op.response_body == ResponseBody::Text {
        let text = op.success_example.map(str::to_owned).unwrap_or_default();
        return Map::from_iter([("text".to_owned(), Value::String(text))]);
    }
    match op.success_example.and_then(|text| serde_json::from_str::<Value>(text).ok()) {
        Some(Value::Object(map)) => map,
        _ => sample_answer(op.types, op.response),
    }
}

/// What a queued fault makes of a call once its delay has passed: the answer it puts in place
/// of the operation's, or `None` when the operation answers as usual.
pub(crate) async fn fault_answer(shared: &Shared, op: &Operation, fault: Taken) -> Option<Response> {
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    Some(match fault.kind {
        FaultKind::Errcode { errcode, errmsg } => {
            let message = errmsg.as_deref().or_else(|| op.message(errcode)).unwrap_or("mock fault");
            shared.error(errcode, message, None)
        }
        FaultKind::HttpStatus { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            answer::with_body(status, "text/plain; charset=utf-8", format!("{status} (wechat-mock fault)"))
        }
        FaultKind::Html => answer::with_body(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>\
             </center><hr><center>wechat-mock fault</center></body></html>"
                .to_owned(),
        ),
        FaultKind::TruncatedJson => {
            let mut whole = Map::new();
            whole.insert("errcode".to_owned(), Value::from(0));
            whole.insert("errmsg".to_owned(), Value::from("ok"));
            whole.extend(success_fields(op));
            let text = Value::Object(whole).to_string();
            let cut: String = text.chars().take(text.chars().count() / 2).collect();
            answer::with_body(StatusCode::OK, answer::JSON_CONTENT_TYPE, cut)
        }
        FaultKind::Normal | FaultKind::Answer { .. } => return None,
    })
}

/// The paths every operation takes that the spec's three seed endpoints do not exercise: a
/// table of made-up operations served through the same code.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::config::MockConfig;
    use crate::server::MockServer;
    use std::borrow::Cow;

    use crate::spec_table::{Field, FilePart, Limits, NamedType, Schema, Ty, TypeId, TypeKind};

    use super::*;

    const CONTACT: TypeId = TypeId(0);

    static TYPES: Schema<'static> = Schema::new(&[NamedType {
        name: "Contact",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "phone", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "time_out", ty: Ty::I32, required: true, ..Field::PLAIN },
        ])),
    }]);

    const fn op(name: &'static str) -> Operation {
        Operation {
            name,
            key: name,
            group: "test",
            interface: name,
            summary: "A made-up operation.",
            method: Method::Post,
            host: "api.weixin.qq.com",
            path: "/card/invoice/setbizattr",
            fixed_query: &[],
            query: &[],
            token: TokenUse::AccessToken,
            third_party: false,
            body: BodyKind::Json,
            request: &[],
            fixed_body: &[],
            files: &[],
            response: &[],
            response_body: ResponseBody::Json,
            types: &TYPES,
            errors: &[],
            success_example: None,
        }
    }

    static TABLE: &[Operation] = &[
        Operation {
            fixed_query: &[("action", "set_contact")],
            request: &[Field { name: "contact", ty: Ty::Named(CONTACT), required: true, ..Field::PLAIN }],
            success_example: Some(r#"{"errcode": 0, "errmsg": "ok", "note": "from the example"}"#),
            ..op("set_contact")
        },
        Operation {
            fixed_query: &[("action", "get_contact")],
            response: &[Field { name: "contact", ty: Ty::Named(CONTACT), required: true, ..Field::PLAIN }],
            ..op("get_contact")
        },
        Operation {
            method: Method::Get,
            path: "/cgi-bin/ticket/getticket",
            body: BodyKind::None,
            query: &[Field {
                name: "type",
                ty: Ty::String,
                required: true,
                limits: Limits { max_length: Some(8), ..Limits::NONE },
                ..Field::PLAIN
            }],
            response: &[Field { name: "ticket", ty: Ty::String, required: true, ..Field::PLAIN }],
            ..op("get_ticket")
        },
        Operation { path: "/open/thing", token: TokenUse::None, ..op("open_thing") },
        Operation {
            path: "/disputed",
            query: &[Field { name: "page", ty: Ty::U32, required: false, lenient: true, ..Field::PLAIN }],
            request: &[
                Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN },
                Field { name: "buyer", ty: Ty::String, required: false, lenient: true, ..Field::PLAIN },
            ],
            ..op("disputed")
        },
        Operation {
            path: "/statement",
            response: &[Field { name: "text", ty: Ty::String, required: true, ..Field::PLAIN }],
            response_body: ResponseBody::Text,
            success_example: Some("day,fee\n`20170925,`0.01\n"),
            ..op("statement")
        },
        Operation {
            path: "/upload",
            body: BodyKind::Multipart,
            files: &[FilePart {
                name: "pdf",
                content_type: "application/pdf",
                max_size: 64,
                required: true,
                lenient: false,
            }],
            ..op("upload_file")
        },
    ];

    async fn start() -> (MockServer, String) {
        let server = MockServer::start_with_table(MockConfig::demo(), TABLE).await.expect("starts");
        let (token, _) = server.tokens().issue(
            crate::tokens::Issue::Stable,
            std::time::Duration::from_secs(60),
            std::time::Duration::ZERO,
        );
        (server, token)
    }

    async fn send(request: reqwest::RequestBuilder) -> Value {
        let text = request.send().await.expect("answers").text().await.expect("a body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[tokio::test]
    async fn operations_sharing_a_path_are_told_apart_by_their_fixed_query() {
        let (server, token) = start().await;
        let http = reqwest::Client::new();
        let url = |action: &str| {
            format!("{}/card/invoice/setbizattr?access_token={token}{action}", server.base_url())
        };
        let body = json!({"contact": {"phone": "123", "time_out": 5}}).to_string();

        let set = send(http.post(url("&action=set_contact")).body(body.clone())).await;
        assert_eq!(set, json!({"errcode": 0, "errmsg": "ok", "note": "from the example"}));
        let bad = send(
            http.post(url("&action=set_contact")).body(r#"{"contact": {"phone": "1", "time_out": "5"}}"#),
        )
        .await;
        assert!(
            bad["errmsg"].as_str().unwrap_or_default().starts_with(
                "data format error hint: [contact.time_out] expected integer (32-bit), found string"
            ),
            "{bad}"
        );

        let get = send(http.post(url("&action=get_contact")).body("{}")).await;
        assert_eq!(
            get,
            json!({"errcode": 0, "errmsg": "ok", "contact": {"phone": "mock_phone", "time_out": 1}}),
            "a placeholder from the response schema"
        );

        let neither = send(http.post(url("&action=explode")).body(body.clone())).await;
        assert_eq!(neither["errcode"], 40066);
        let none = send(http.post(url("")).body(body)).await;
        assert_eq!(none["errcode"], 40066);
    }

    #[tokio::test]
    async fn a_text_answer_is_its_example_as_csv_and_errors_stay_json() {
        let (server, token) = start().await;
        let http = reqwest::Client::new();
        let url = format!("{}/statement?access_token={token}", server.base_url());
        let answer = http.post(&url).body("{}").send().await.expect("answers");
        assert_eq!(answer.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(answer.text().await.expect("a body"), "day,fee\n`20170925,`0.01\n");
        assert_eq!(
            server.answers().last("statement"),
            Some(Value::String("day,fee\n`20170925,`0.01\n".to_owned())),
            "kept as the text it sent"
        );
        let refused =
            send(http.post(format!("{}/statement?access_token=nope", server.base_url())).body("{}")).await;
        assert_eq!(refused["errcode"], 40001, "{refused}");
    }

    #[tokio::test]
    async fn get_operations_check_their_query_and_open_operations_need_no_token() {
        let (server, token) = start().await;
        let http = reqwest::Client::new();
        let base = server.base_url();
        let ticket =
            send(http.get(format!("{base}/cgi-bin/ticket/getticket?access_token={token}&type=wx_card")))
                .await;
        assert_eq!(ticket, json!({"errcode": 0, "errmsg": "ok", "ticket": "mock_ticket"}));
        let missing = send(http.get(format!("{base}/cgi-bin/ticket/getticket?access_token={token}"))).await;
        assert!(
            missing["errmsg"]
                .as_str()
                .unwrap_or_default()
                .starts_with("data format error hint: [query.type] missing"),
            "{missing}"
        );
        // A query parameter is held to its limits as the client's check holds it.
        let long =
            send(http.get(format!("{base}/cgi-bin/ticket/getticket?access_token={token}&type=wx_card_2")))
                .await;
        assert!(
            long["errmsg"].as_str().unwrap_or_default().starts_with(
                "data format error hint: [query.type] is 9 characters long; at most 8 are allowed"
            ),
            "{long}"
        );
        let open = send(http.post(format!("{base}/open/thing")).body("{}")).await;
        assert_eq!(open["errcode"], 0, "{open}");
    }

    #[tokio::test]
    async fn what_the_spec_is_unsure_of_is_accepted_with_a_warning_in_the_answer_and_the_log() {
        let (server, token) = start().await;
        let http = reqwest::Client::new();
        let call = |query: &str, body: &str| {
            let request = http
                .post(format!("{}/disputed?access_token={token}{query}", server.base_url()))
                .body(body.to_owned());
            async move {
                let response = request.send().await.expect("answers");
                let warnings: Vec<String> = response
                    .headers()
                    .get_all("x-mock-warning")
                    .iter()
                    .map(|v| v.to_str().expect("ASCII").to_owned())
                    .collect();
                let answer: Value =
                    serde_json::from_str(&response.text().await.expect("a body")).expect("JSON");
                (answer["errcode"].as_i64(), warnings)
            }
        };
        let suffix = "; accepted: the spec marks it lenient_in_mock";
        assert_eq!(call("&page=2", r#"{"id": "a", "buyer": "b"}"#).await, (Some(0), vec![]));
        assert_eq!(
            call("", r#"{"id": "a"}"#).await,
            (Some(0), vec![format!("[query.page] missing{suffix}"), format!("[buyer] missing{suffix}")])
        );
        assert_eq!(
            call("&page=x", r#"{"id": "a", "buyer": 7}"#).await,
            (
                Some(0),
                vec![
                    format!("[query.page] expected unsigned integer (32-bit){suffix}"),
                    format!("[buyer] expected string, found integer{suffix}")
                ]
            )
        );
        let (refused, warnings) = call("&page=1", r#"{"buyer": "b"}"#).await;
        assert_eq!((refused, warnings.len()), (Some(47001), 0), "a strict field is still refused");

        let log = server.requests().log();
        let disputed: Vec<_> = log.iter().filter(|r| r.path == "/disputed").collect();
        assert_eq!(disputed.len(), 4);
        assert_eq!(
            disputed[1].warnings,
            [format!("[query.page] missing{suffix}"), format!("[buyer] missing{suffix}")]
        );
        assert_eq!((disputed[3].errcode, disputed[3].warnings.len()), (Some(47001), 0));
        assert_eq!(server.requests().warnings().len(), 4);
        let listed: Value = serde_json::from_str(
            &http
                .get(format!("{}/__mock/requests", server.base_url()))
                .send()
                .await
                .expect("answers")
                .text()
                .await
                .expect("a body"),
        )
        .expect("JSON");
        let logged = listed["log"].as_array().expect("a log");
        assert!(
            logged
                .iter()
                .any(|r| r["path"] == "/disputed" && r["warnings"][1] == format!("[buyer] missing{suffix}")),
            "{listed}"
        );
        assert!(!listed.to_string().contains(&token), "the log holds no token");
    }

    #[tokio::test]
    async fn multipart_operations_want_a_multipart_body() {
        let (server, token) = start().await;
        let http = reqwest::Client::new();
        let url = format!("{}/upload?access_token={token}", server.base_url());
        let multipart = "multipart/form-data; boundary=x";
        let json_body = send(http.post(&url).body("{}")).await;
        assert_eq!(json_body["errcode"], 47001);
        let empty = send(http.post(&url).header("content-type", multipart)).await;
        assert_eq!(empty["errcode"], 44002);
        let part = |headers: &str| {
            format!(
                "--x\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"a.pdf\"\r\n{headers}\r\n%PDF-1.4\r\n--x--\r\n"
            )
        };
        let ok = send(
            http.post(&url).header("content-type", multipart).body(part("Content-Type: application/pdf\r\n")),
        )
        .await;
        assert_eq!(ok["errcode"], 0, "{ok}");
        let untyped = send(http.post(&url).header("content-type", multipart).body(part(""))).await;
        assert!(
            untyped["errmsg"]
                .as_str()
                .unwrap_or_default()
                .starts_with("data format error hint: [pdf] expected application/pdf, found no content type"),
            "without an own code for it, a file of the wrong type is a data format error: {untyped}"
        );
        let big =
            send(http.post(&url).header("content-type", multipart).body(vec![b'x'; 2 * 1024 * 1024])).await;
        assert_eq!(big["errcode"], 47001, "over the form's limit: {big}");
    }
}
