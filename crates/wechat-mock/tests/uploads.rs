//! setpdf and getpdf over raw HTTP: the multipart upload checked against the spec, the file
//! kept under an id beyond what a float holds, the link getpdf hands out, and every refusal.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer, sample_pdf};

const SET_PDF: &str = "/card/invoice/platform/setpdf";
const GET_PDF: &str = "/card/invoice/platform/getpdf?action=get_url";
const MAX_PDF: usize = 10 * 1024 * 1024;

struct Mock {
    server: MockServer,
    http: reqwest::Client,
    token: String,
}

impl Mock {
    async fn start() -> Self {
        Self::start_with(MockConfig::demo()).await
    }

    async fn start_with(config: MockConfig) -> Self {
        let server = MockServer::start(config).await.expect("the mock starts");
        let http = reqwest::Client::new();
        let answer: Value = http
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
            .map(|t| parse(&t))
            .expect("a body");
        let token = answer["access_token"].as_str().expect("a token").to_owned();
        Self { server, http, token }
    }

    fn url(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{separator}access_token={}", self.server.base_url(), self.token)
    }

    /// Uploads a form and returns the raw answer text.
    async fn upload(&self, form: Form) -> String {
        let response = self.http.post(self.url(SET_PDF)).multipart(form).send().await.expect("answers");
        assert_eq!(response.status().as_u16(), 200);
        response.text().await.expect("a body")
    }

    async fn get_pdf(&self, s_media_id: &str) -> Value {
        let body = json!({"action": "get_url", "s_media_id": s_media_id}).to_string();
        let response = self.http.post(self.url(GET_PDF)).body(body).send().await.expect("answers");
        parse(&response.text().await.expect("a body"))
    }
}

fn pdf_part(bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name("bill.pdf").mime_str("application/pdf").expect("a media type")
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn errmsg(answer: &Value) -> &str {
    answer["errmsg"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_uploaded_pdf_comes_back_through_its_link() {
    let mock = Mock::start().await;
    let pdf = sample_pdf("Fiscal e-bill 2024001");
    let text = mock.upload(Form::new().part("pdf", pdf_part(pdf.clone()))).await;
    let answer = parse(&text);
    assert_eq!(answer["errcode"], 0, "{text}");
    let id = answer["s_media_id"].as_u64().unwrap_or_else(|| panic!("a JSON number: {text}"));
    assert!(id > 1 << 53, "beyond what a float holds exactly: {id}");
    assert!(text.contains(&format!("\"s_media_id\":{id}")), "sent as a bare number: {text}");
    let stored = mock.server.media().get(&id.to_string()).expect("kept under its id");
    assert_eq!((stored.file_name.as_str(), stored.bytes.as_ref()), ("bill.pdf", pdf.as_slice()));

    let link = mock.get_pdf(&id.to_string()).await;
    assert_eq!(
        (link["errcode"].as_i64(), link["pdf_url_expire_time"].as_i64()),
        (Some(0), Some(7200)),
        "{link}"
    );
    let url = link["pdf_url"].as_str().expect("a link");
    assert!(
        url.starts_with(&format!(
            "{}/intp/invoice/getpdf?action=media_pdf&media_key=",
            mock.server.base_url()
        ))
    );
    let download = mock.http.get(url).send().await.expect("answers");
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.expect("the file").as_ref(), pdf.as_slice());

    mock.server.media().expire_links();
    assert_eq!(mock.http.get(url).send().await.expect("answers").status().as_u16(), 404, "an expired link");
    let forged = format!("{}/intp/invoice/getpdf?action=media_pdf&media_key=forged", mock.server.base_url());
    assert_eq!(mock.http.get(forged).send().await.expect("answers").status().as_u16(), 404);
}

#[tokio::test]
async fn an_unknown_media_id_gets_getpdfs_own_code() {
    let mock = Mock::start().await;
    let answer = mock.get_pdf("75195574948725301").await;
    assert_eq!(answer["errcode"], 72031, "{answer}");
    assert!(errmsg(&answer).starts_with("invalid params rid: "), "{answer}");
}

/// 300 uploads of 1 MB once kept 300 MB; now the store drops the oldest past its bound and an
/// evicted id answers as an expired one does.
#[tokio::test]
async fn the_store_stays_within_its_bound_and_evicted_ids_are_unknown() {
    const FILE: usize = 64 * 1024;
    let mock = Mock::start_with(MockConfig::demo().media_max_bytes(4 * FILE as u64)).await;
    let mut ids = Vec::new();
    for n in 0..12 {
        let mut pdf = sample_pdf(&format!("bill {n}"));
        pdf.resize(FILE, b' ');
        let answer = parse(&mock.upload(Form::new().part("pdf", pdf_part(pdf))).await);
        ids.push(answer["s_media_id"].as_u64().unwrap_or_else(|| panic!("an id: {answer}")).to_string());
        assert!(mock.server.media().total_bytes() <= 4 * FILE as u64, "after upload {n}");
    }
    assert_eq!(mock.server.media().ids(), ids[8..].to_vec(), "the four newest are kept");
    let evicted = mock.get_pdf(&ids[0]).await;
    assert_eq!(evicted["errcode"], 72031, "as an unknown or expired id: {evicted}");
    assert_eq!(mock.get_pdf(&ids[11]).await["errcode"], 0);
}

#[tokio::test]
async fn an_aged_upload_is_gone() {
    let mock = Mock::start_with(MockConfig::demo().media_max_age(std::time::Duration::from_millis(50))).await;
    let answer = parse(&mock.upload(Form::new().part("pdf", pdf_part(sample_pdf("old")))).await);
    let id = answer["s_media_id"].as_u64().expect("an id").to_string();
    let link = mock.get_pdf(&id).await;
    let url = link["pdf_url"].as_str().expect("a link while fresh").to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(mock.get_pdf(&id).await["errcode"], 72031);
    assert_eq!(mock.http.get(url).send().await.expect("answers").status().as_u16(), 404);
    assert_eq!(mock.server.media().total_bytes(), 0);
}

#[tokio::test]
async fn bad_uploads_get_wechats_codes_naming_the_part() {
    let mock = Mock::start().await;
    let pdf = || sample_pdf("x");
    let cases: Vec<(Form, i64, &str)> = vec![
        (Form::new().text("note", "no file"), 47001, "data format error hint: [pdf] missing"),
        (Form::new().part("pdf", pdf_part(Vec::new())), 47001, "data format error hint: [pdf] empty file"),
        (
            Form::new().part("pdf", pdf_part(vec![b'%'; MAX_PDF + 1])),
            47001,
            "data format error hint: [pdf] 10485761 bytes, over the limit of 10485760 bytes",
        ),
        (
            Form::new().part(
                "pdf",
                Part::bytes(b"plain text".to_vec())
                    .file_name("bill.txt")
                    .mime_str("text/plain")
                    .expect("a type"),
            ),
            72040,
            "invoice pdf error hint: [pdf] not a application/pdf file",
        ),
        (
            Form::new().part("pdf", pdf_part(b"GIF89a, not a PDF".to_vec())),
            72040,
            "invoice pdf error hint: [pdf] not a application/pdf file",
        ),
    ];
    for (form, code, message) in cases {
        let answer = parse(&mock.upload(form).await);
        assert_eq!(answer["errcode"], code, "{answer}");
        assert!(errmsg(&answer).starts_with(message), "{answer}");
    }
    assert!(mock.server.media().ids().is_empty(), "nothing refused was kept");

    let unauthenticated = format!("{}{SET_PDF}", mock.server.base_url());
    let form = Form::new().part("pdf", pdf_part(pdf()));
    let answer: Value = mock
        .http
        .post(unauthenticated)
        .multipart(form)
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .map(|t| parse(&t))
        .expect("a body");
    assert_eq!(answer["errcode"], 41001, "the token is checked before the body");
}

#[tokio::test]
async fn garbage_uploads_never_take_the_server_down() {
    let mock = Mock::start().await;
    let post = |content_type: &'static str, body: Vec<u8>| {
        let request = mock.http.post(mock.url(SET_PDF)).header("content-type", content_type).body(body);
        async move {
            let response = request.send().await.expect("answers");
            (response.status().as_u16(), response.text().await.expect("a body"))
        }
    };
    let mut noise = vec![0xff_u8, 0xfe, 0x00, b'-', b'-'];
    noise.extend((0..=255u8).cycle().take(8192));
    for (content_type, body) in [
        ("multipart/form-data; boundary=XyZ", noise.clone()),
        (
            "multipart/form-data; boundary=XyZ",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"pdf\"\r\n\r\n%PDF-".to_vec(),
        ),
        ("multipart/form-data; boundary=", noise.clone()),
        ("multipart/form-data", noise.clone()),
        ("application/pdf", b"%PDF-1.7".to_vec()),
        ("multipart/form-data; boundary=XyZ", b"--XyZ--\r\n".to_vec()),
    ] {
        let (status, text) = post(content_type, body).await;
        assert!(status == 200 && parse(&text)["errcode"] == 47001, "{content_type}: {status} {text}");
    }
    let (status, text) = post("multipart/form-data; boundary=XyZ", Vec::new()).await;
    assert!(status == 200 && parse(&text)["errcode"] == 44002, "{status} {text}");
    let (status, _) = post("multipart/form-data; boundary=XyZ", vec![b'x'; MAX_PDF + 2 * 1024 * 1024]).await;
    assert_eq!(status, 413, "a body beyond the form's limit is not read");

    let text = mock.upload(Form::new().part("pdf", pdf_part(sample_pdf("still here")))).await;
    assert_eq!(parse(&text)["errcode"], 0, "still serving: {text}");
}
