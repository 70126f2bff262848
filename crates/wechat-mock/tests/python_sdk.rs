//! Calls replayed byte for byte as wechatpy's invoice client sends them through Python's
//! requests, whose calls work against WeChat in production: the mock must accept them too,
//! and say in a warning where it accepted only because the spec cannot be sure WeChat does.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer, sample_pdf};

/// A safety net against a hung exchange, never an assertion about speed.
const PATIENCE: Duration = Duration::from_secs(30);

/// The boundary urllib3 draws for requests: 32 hex digits.
const BOUNDARY: &str = "9f1c2e3d4b5a69788796a5b4c3d2e1f0";

const SUFFIX: &str = "; accepted: the spec marks it lenient_in_mock";

async fn start() -> (MockServer, String) {
    let server = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/cgi-bin/stable_token", server.base_url()))
        .body(
            json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET})
                .to_string(),
        )
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .map(|text| serde_json::from_str(&text).expect("JSON"))
        .expect("a body");
    let token = answer["access_token"].as_str().expect("a token").to_owned();
    (server, token)
}

/// An answer as read off the socket.
struct Answer {
    status: u16,
    warnings: Vec<String>,
    body: Value,
}

/// Writes `request` as is to the server and reads one answer (requests keeps the connection
/// alive, so the answer's Content-Length says where it ends).
async fn exchange(server: &MockServer, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(server.addr()).await.expect("connects");
    stream.write_all(request).await.expect("sent");
    let mut received = Vec::new();
    let read = async {
        loop {
            let mut chunk = [0_u8; 4096];
            let n = stream.read(&mut chunk).await.expect("reads");
            assert!(n > 0, "closed before a whole answer: {}", String::from_utf8_lossy(&received));
            received.extend_from_slice(&chunk[..n]);
            if let Some(answer) = whole_answer(&received) {
                return answer;
            }
        }
    };
    tokio::time::timeout(PATIENCE, read).await.expect("an answer in time")
}

fn whole_answer(received: &[u8]) -> Option<Answer> {
    let end = received.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&received[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let (mut length, mut warnings) = (0, Vec::new());
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "x-mock-warning" => warnings.push(value.trim().to_owned()),
            _ => {}
        }
    }
    let body = received.get(end + 4..end + 4 + length)?;
    Some(Answer { status, warnings, body: serde_json::from_slice(body).expect("a JSON answer") })
}

/// `POST path` as Python's requests writes it: its default headers, then the body.
fn python_request(server: &MockServer, path: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: python-requests/2.31.0\r\n\
         Accept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n\
         Content-Length: {}\r\n",
        server.addr(),
        body.len()
    );
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    request
}

/// wechatpy's `upload_pdf(open("invoice.pdf", "rb"))`: requests' `files={"pdf": file}` gives the
/// part the file's name and no Content-Type.
fn wechatpy_setpdf(server: &MockServer, token: &str, pdf: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"invoice.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    python_request(
        server,
        &format!("/card/invoice/platform/setpdf?access_token={token}"),
        Some(&content_type),
        &body,
    )
}

#[tokio::test]
async fn setpdf_as_python_requests_sends_it_is_accepted_and_the_missing_type_warned_about() {
    let (server, token) = start().await;
    let pdf = sample_pdf("Invoice 4545145712");
    let answer = exchange(&server, &wechatpy_setpdf(&server, &token, &pdf)).await;
    assert_eq!((answer.status, answer.body["errcode"].as_i64()), (200, Some(0)), "{}", answer.body);
    let warning = format!("[pdf] expected application/pdf, found no content type{SUFFIX}");
    assert_eq!(answer.warnings, std::slice::from_ref(&warning));

    let id = answer.body["s_media_id"].as_u64().expect("an id").to_string();
    let kept = server.media().get(&id).expect("the PDF is kept");
    assert_eq!((kept.file_name.as_str(), kept.bytes.as_ref()), ("invoice.pdf", pdf.as_slice()));
    let logged = server.requests().log().pop().expect("logged");
    assert_eq!((logged.path.as_str(), logged.errcode), ("/card/invoice/platform/setpdf", Some(0)));
    assert_eq!(logged.warnings, [warning]);
}

#[tokio::test]
async fn a_pdf_part_of_another_type_is_judged_by_its_bytes() {
    let (server, token) = start().await;
    let pdf = sample_pdf("x");
    let typed = |content_type: &str, bytes: &[u8]| {
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"invoice.pdf\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
        python_request(
            &server,
            &format!("/card/invoice/platform/setpdf?access_token={token}"),
            Some(&multipart),
            &body,
        )
    };
    let pdf_typed = exchange(&server, &typed("application/pdf", &pdf)).await;
    assert_eq!((pdf_typed.body["errcode"].as_i64(), pdf_typed.warnings.len()), (Some(0), 0));
    for generic in ["application/octet-stream", "text/plain"] {
        let answer = exchange(&server, &typed(generic, &pdf)).await;
        assert_eq!(answer.body["errcode"], 0, "{generic}: {}", answer.body);
        assert_eq!(answer.warnings, [format!("[pdf] expected application/pdf, found {generic}{SUFFIX}")]);
    }
    let not_pdf = exchange(&server, &wechatpy_setpdf(&server, &token, b"GIF89a, not a PDF")).await;
    assert_eq!(not_pdf.body["errcode"], 72040, "the bytes still decide: {}", not_pdf.body);
    assert!(
        not_pdf.body["errmsg"].as_str().is_some_and(|m| m.starts_with("invoice pdf error hint: [pdf] not a")),
        "{}",
        not_pdf.body
    );
}

/// WeChat's own example bill, as wechatpy's `insert(order_id, card_id, appid, card_ext)` sends
/// it: `json.dumps(..., ensure_ascii=False)` in UTF-8, with no Content-Type; `drop` leaves out a
/// field of `invoice_user_data`.
fn wechatpy_insert(server: &MockServer, token: &str, order_id: &str, drop: &[&str]) -> Vec<u8> {
    let fields = [
        ("info", r#"[{"price": 10000, "num": 3, "name": "牙膏", "unit": "个"}]"#),
        ("billing_no", r#""4545145712""#),
        ("billing_code", r#""4541212454512""#),
        ("billing_time", "1468306058"),
        ("tax", "123"),
        ("s_pdf_media_id", r#""75195574948725301""#),
        ("fee", "123"),
        ("title", r#""灌哥发票""#),
        ("fee_without_tax", "2345"),
    ];
    let data: Vec<String> =
        fields.iter().filter(|(k, _)| !drop.contains(k)).map(|(k, v)| format!("\"{k}\": {v}")).collect();
    let body = format!(
        r#"{{"order_id": "{order_id}", "card_id": "{INVOICE_CARD}", "appid": "{APPID}", "card_ext": {{"nonce_str": "j!Re1WxaHv", "user_card": {{"invoice_user_data": {{{}}}}}}}}}"#,
        data.join(", ")
    );
    python_request(server, &format!("/card/invoice/insert?access_token={token}"), None, body.as_bytes())
}

/// The invoice template wechatpy's insert names.
const INVOICE_CARD: &str = "pjZ8Yt9WoOePThU0NfUKz5-tBEWU";
/// The account wechatpy's insert names.
const APPID: &str = "wxc0b84a53ed8e8d29";

/// What an insert needs WeChat to hold: the template, and `order_id` authorized by a user.
fn hold_authorized_order(server: &MockServer, order_id: &str) {
    server
        .seed(
            "invoice_card",
            json!({"card_id": INVOICE_CARD, "payee": "测试-收款方", "type": "增值税普通发票"}),
        )
        .expect("a template");
    let order = json!({"s_pappid": "wxabcd", "order_id": order_id, "appid": APPID, "status": "AUTHORIZED", "openid": "ojZ8Ytz4lESxxxx_R1TvB2Kds"});
    server.seed("invoice_order", order).expect("an authorized order");
}

#[tokio::test]
async fn insert_without_buyer_number_is_accepted_and_what_the_sources_dispute_warned_about() {
    let (server, token) = start().await;
    hold_authorized_order(&server, "111163");
    hold_authorized_order(&server, "111164");
    let answer = exchange(&server, &wechatpy_insert(&server, &token, "111163", &[])).await;
    assert_eq!((answer.status, answer.body["errcode"].as_i64()), (200, Some(0)), "{}", answer.body);
    assert!(answer.body["code"].is_string() && answer.body["openid"].is_string(), "{}", answer.body);
    let data = "card_ext.user_card.invoice_user_data";
    let expected =
        [format!("[{data}.check_code] missing{SUFFIX}"), format!("[{data}.buyer_number] missing{SUFFIX}")];
    assert_eq!(answer.warnings, expected);
    assert_eq!(server.requests().log().pop().expect("logged").warnings, expected);

    let bare = exchange(&server, &wechatpy_insert(&server, &token, "111164", &["info"])).await;
    assert_eq!(bare.body["errcode"], 0, "{}", bare.body);
    assert!(bare.warnings.contains(&format!("[{data}.info] missing{SUFFIX}")), "{:?}", bare.warnings);
}

#[tokio::test]
async fn insert_without_a_field_every_source_requires_is_still_refused() {
    let (server, token) = start().await;
    for field in ["fee", "s_pdf_media_id", "billing_code"] {
        let answer = exchange(&server, &wechatpy_insert(&server, &token, "111163", &[field])).await;
        assert_eq!(answer.body["errcode"], 47001, "{field}: {}", answer.body);
        let hint = format!("data format error hint: [card_ext.user_card.invoice_user_data.{field}] missing");
        assert!(answer.body["errmsg"].as_str().is_some_and(|m| m.starts_with(&hint)), "{}", answer.body);
        assert!(answer.warnings.is_empty(), "a refusal warns about nothing: {:?}", answer.warnings);
    }
}
