//! The mock over raw HTTP: tokens, WeChat's checks, the spec-driven answers, admin routes,
//! fault injection, and surviving garbage.

use serde_json::{Value, json};
use wechat_mock::spec_table::{BodyKind, Method, Operation, ResponseBody, TokenUse, operations};
use wechat_mock::{Arranged, DEMO_APPID, DEMO_SECRET, MockConfig, MockServer, sample_request, sample_upload};

struct Mock {
    server: MockServer,
    http: reqwest::Client,
}

impl Mock {
    async fn start() -> Self {
        let server = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
        Self { server, http: reqwest::Client::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// POSTs raw bytes and returns the status and body.
    async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
        let response = self.http.post(self.url(path)).body(body).send().await.expect("the mock answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }

    async fn post(&self, path: &str, body: &Value) -> Value {
        let (status, text) = self.post_raw(path, body.to_string()).await;
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).send().await.expect("the mock answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
    }

    async fn token(&self) -> String {
        let answer = self
            .post(
                "/cgi-bin/stable_token",
                &json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET}),
            )
            .await;
        answer["access_token"].as_str().expect("a token").to_owned()
    }

    async fn call(&self, path: &str, token: &str, body: &Value) -> Value {
        let separator = if path.contains('?') { '&' } else { '?' };
        self.post(&format!("{path}{separator}access_token={token}"), body).await
    }
}

/// The answer's errcode; a token answer, as WeChat's, has none when it succeeds.
fn errcode(answer: &Value) -> i64 {
    match answer.get("errcode") {
        None if answer.get("errmsg").is_none() => 0,
        _ => answer["errcode"].as_i64().unwrap_or_else(|| panic!("no errcode in {answer}")),
    }
}

fn errmsg(answer: &Value) -> &str {
    answer["errmsg"].as_str().unwrap_or_default()
}

fn insert_body(order_id: &str, code: &str, no: &str) -> Value {
    insert_body_for("card", order_id, code, no)
}

/// insertbill's body for a bill of the template `card_id`.
fn insert_body_for(card_id: &str, order_id: &str, code: &str, no: &str) -> Value {
    json!({
        "order_id": order_id,
        "card_id": card_id,
        "appid": DEMO_APPID,
        "card_ext": {"user_card": {"invoice_user_data": {
            "fee": 123, "title": "t", "billing_time": 1_511_169_724,
            "billing_no": no, "billing_code": code, "s_pdf_media_id": "m"
        }}}
    })
}

#[tokio::test]
async fn stable_token_hands_back_the_current_token_and_force_refresh_replaces_it() {
    let mock = Mock::start().await;
    let first = mock.token().await;
    assert_eq!(mock.token().await, first);
    let answer = mock
        .post(
            "/cgi-bin/stable_token",
            &json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET, "force_refresh": true}),
        )
        .await;
    assert!(answer.get("errcode").is_none(), "WeChat's token answer has no errcode: {answer}");
    assert!((1..=7200).contains(&answer["expires_in"].as_i64().unwrap_or(0)), "{answer}");
    let second = answer["access_token"].as_str().unwrap_or_default();
    assert_ne!(second, first);
    let refused =
        mock.call("/card/invoice/getauthdata", &first, &json!({"s_pappid": "p", "order_id": "o"})).await;
    assert_eq!(errcode(&refused), 40001, "{refused}");
    let accepted =
        mock.call("/card/invoice/getauthdata", second, &json!({"s_pappid": "p", "order_id": "o"})).await;
    assert_eq!(errcode(&accepted), 72038, "a valid token gets as far as the flow: {accepted}");
}

#[tokio::test]
async fn token_endpoints_refuse_wrong_credentials_with_wechats_codes() {
    let mock = Mock::start().await;
    let stable = |grant: &str, appid: &str, secret: &str| json!({"grant_type": grant, "appid": appid, "secret": secret});
    for (body, code) in [
        (stable("client_credential", "wx_other", DEMO_SECRET), 40013),
        (stable("client_credential", DEMO_APPID, "wrong"), 40125),
        (stable("password", DEMO_APPID, DEMO_SECRET), 40002),
        (json!({"grant_type": "client_credential", "appid": DEMO_APPID}), 40125),
        (
            json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET, "force_refresh": "yes"}),
            47001,
        ),
    ] {
        let answer = mock.post("/cgi-bin/stable_token", &body).await;
        assert_eq!(errcode(&answer), code, "{body} -> {answer}");
        assert!(answer.get("access_token").is_none());
    }
    let (_, garbled) = mock.post_raw("/cgi-bin/stable_token", "{not json").await;
    assert!(garbled.contains("\"errcode\":47001"), "{garbled}");
    let (_, empty) = mock.post_raw("/cgi-bin/stable_token", "").await;
    assert!(empty.contains("\"errcode\":44002"), "{empty}");
    let (_, answer) = mock.get("/cgi-bin/stable_token").await;
    assert_eq!(errcode(&answer), 43002);

    let classic =
        format!("/cgi-bin/token?grant_type=client_credential&appid={DEMO_APPID}&secret={DEMO_SECRET}");
    let (_, first) = mock.get(&classic).await;
    let first = first["access_token"].as_str().expect("a token").to_owned();
    let (_, second) = mock.get(&classic).await;
    assert_ne!(second["access_token"].as_str(), Some(first.as_str()), "each call issues a new token");
    let within_grace = mock
        .call("/card/invoice/rejectinsert", &first, &json!({"s_pappid": "p", "order_id": "o", "reason": "r"}))
        .await;
    assert_eq!(errcode(&within_grace), 0, "the old token works for the grace period: {within_grace}");
    let (_, wrong) =
        mock.get(&format!("/cgi-bin/token?grant_type=client_credential&appid={DEMO_APPID}&secret=x")).await;
    assert_eq!(errcode(&wrong), 40125);
    let (_, wrong) = mock.get("/cgi-bin/token?grant_type=client_credential&appid=wx&secret=x").await;
    assert_eq!(errcode(&wrong), 40013);
}

#[tokio::test]
async fn api_calls_check_the_token_as_wechat_does() {
    let mock = Mock::start().await;
    let body = json!({"s_pappid": "p", "order_id": "o"});
    let missing = mock.post("/card/invoice/getauthdata", &body).await;
    assert_eq!(
        (errcode(&missing), errmsg(&missing).starts_with("access_token missing rid: ")),
        (41001, true)
    );
    let unknown = mock.call("/card/invoice/getauthdata", "not-a-token", &body).await;
    assert_eq!((errcode(&unknown), errmsg(&unknown).starts_with("invalid credential")), (40001, true));
    let token = mock.token().await;
    mock.server.tokens().expire_now();
    let expired = mock.call("/card/invoice/getauthdata", &token, &body).await;
    assert_eq!((errcode(&expired), errmsg(&expired).starts_with("access_token expired")), (42001, true));
    assert_ne!(mock.token().await, token, "an expired token is not handed out again");
}

#[tokio::test]
async fn unknown_urls_and_wrong_methods() {
    let mock = Mock::start().await;
    let token = mock.token().await;
    let unknown = mock.call("/card/invoice/no_such_api", &token, &json!({})).await;
    assert_eq!((errcode(&unknown), errmsg(&unknown).starts_with("invalid url")), (40066, true));
    let (_, root) = mock.get("/").await;
    assert_eq!(errcode(&root), 40066);
    let (_, wrong_method) = mock.get(&format!("/nontax/insertbill?access_token={token}")).await;
    assert_eq!(
        (errcode(&wrong_method), errmsg(&wrong_method).starts_with("require POST method")),
        (43002, true)
    );
}

#[tokio::test]
async fn bodies_are_checked_against_the_spec_schema() {
    let mock = Mock::start().await;
    let token = mock.token().await;
    let path = format!("/nontax/insertbill?access_token={token}");

    let (_, empty) = mock.post_raw(&path, "  ").await;
    assert!(empty.contains("\"errcode\":44002") && empty.contains("empty post data"), "{empty}");
    let (_, garbled) = mock.post_raw(&path, "{\"order_id\": ").await;
    assert!(
        garbled.contains("\"errcode\":47001")
            && garbled.contains("data format error hint: [(body)] not JSON"),
        "{garbled}"
    );

    let mut wrong_type = insert_body("o", "c", "1");
    wrong_type["card_ext"]["user_card"]["invoice_user_data"]["fee"] = json!("123");
    let answer = mock.post(&path, &wrong_type).await;
    assert_eq!(errcode(&answer), 47001);
    assert!(
        errmsg(&answer).starts_with(
            "data format error hint: [card_ext.user_card.invoice_user_data.fee] expected integer, found string rid: "
        ),
        "{answer}"
    );
    let mut missing = insert_body("o", "c", "1");
    missing.as_object_mut().map(|m| m.remove("order_id"));
    let answer = mock.post(&path, &missing).await;
    assert!(errmsg(&answer).starts_with("data format error hint: [order_id] missing"), "{answer}");
    let answer = mock.post(&path, &json!(["not", "an", "object"])).await;
    assert!(errmsg(&answer).starts_with("data format error hint: [(body)] expected object"), "{answer}");

    // getpdf's body must carry its constant, besides the same constant in the query.
    let get_pdf = "/card/invoice/platform/getpdf?action=get_url";
    let answer = mock.call(get_pdf, &token, &json!({"s_media_id": "1"})).await;
    assert!(errmsg(&answer).starts_with("data format error hint: [action] missing"), "{answer}");
    let answer = mock.call(get_pdf, &token, &json!({"action": "get_pdf", "s_media_id": "1"})).await;
    assert!(errmsg(&answer).starts_with("data format error hint: [action] expected \"get_url\""), "{answer}");

    let mut extra = insert_body("o", "c", "1");
    extra["unknown_field"] = json!({"ignored": true});
    let answer = mock.post(&path, &extra).await;
    assert_eq!(
        errcode(&answer),
        40078,
        "unknown fields are ignored as WeChat ignores them, up to the unknown card template: {answer}"
    );
}

#[tokio::test]
async fn every_spec_operation_answers_a_valid_request() {
    let (_, listed) = Mock::start().await.get("/__mock/operations").await;
    let listed = listed["operations"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), operations().len());
    for op in operations() {
        // A fresh mock per operation: the sample bodies reuse one code and card id, which the
        // card operations' arrangements would otherwise hand to different cards.
        let mock = Mock::start().await;
        let token = mock.token().await;
        let arranged = mock
            .server
            .arrange(op.key, &Value::Object(sample_request(op)))
            .unwrap_or_else(|e| panic!("{}: {e}", op.name));
        let answer = mock.send(op, &token, &arranged).await;
        let code = errcode(&answer);
        let entry =
            listed.iter().find(|e| e["key"] == op.key).unwrap_or_else(|| panic!("{} not listed", op.key));
        assert_eq!(entry["path"], op.path);
        if entry["stateful"] == json!(true) {
            // Arranged, a request may still meet the operation's own refusals, never a general one.
            let own = op.errors.iter().any(|e| e.code == code);
            assert!(code == 0 || own, "{}: {answer}", op.name);
            if code == 0 {
                assert_eq!(mock.server.answers().last(op.key).as_ref(), Some(&answer), "{}", op.key);
            }
        } else if op.response_body == ResponseBody::Text {
            assert_eq!(answer.as_str(), op.success_example, "{}: the example's text, as it is", op.name);
        } else {
            assert_eq!(code, 0, "{}: {answer}", op.name);
            let example: Value = serde_json::from_str(op.success_example.unwrap_or("{}")).unwrap_or_default();
            // The mock answers every success with `errmsg: "ok"`; the fields are the example's.
            for (key, value) in example.as_object().into_iter().flatten().filter(|(k, _)| *k != "errmsg") {
                assert_eq!(&answer[key], value, "{}: {key}", op.name);
            }
        }
    }
}

impl Mock {
    /// Calls `op` as arranged: its method, token, fixed and arranged query, and body (JSON,
    /// or a multipart form with a sample file per file part).
    async fn send(&self, op: &Operation, token: &str, arranged: &Arranged) -> Value {
        let mut url = reqwest::Url::parse(&self.url(op.path)).expect("a URL");
        {
            let mut pairs = url.query_pairs_mut();
            if op.token == TokenUse::AccessToken {
                pairs.append_pair("access_token", token);
            }
            for (name, value) in op.fixed_query {
                pairs.append_pair(name, value);
            }
            for (name, value) in &arranged.query {
                pairs.append_pair(name, value);
            }
        }
        let request = match op.method {
            Method::Get => self.http.get(url),
            Method::Post => self.http.post(url),
        };
        let request = match op.body {
            BodyKind::None => request,
            BodyKind::Json => request.body(arranged.body.to_string()),
            BodyKind::Multipart => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in arranged.body.as_object().into_iter().flatten() {
                    let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                    form = form.text(name.clone(), text);
                }
                for file in op.files {
                    let (file_name, bytes) = sample_upload(file.content_type);
                    let part = reqwest::multipart::Part::bytes(bytes)
                        .file_name(file_name)
                        .mime_str(file.content_type)
                        .expect("a media type");
                    form = form.part(file.name, part);
                }
                request.multipart(form)
            }
        };
        let text = request.send().await.expect("the mock answers").text().await.expect("a body");
        // A text answer (a CSV statement) is kept as the string it is; errors are JSON.
        if op.response_body == ResponseBody::Text && !text.trim_start().starts_with('{') {
            return Value::String(text);
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}: {text}", op.name))
    }
}

#[tokio::test]
async fn the_invoice_flow_through_the_user_action_route() {
    let mock = Mock::start().await;
    let token = mock.token().await;
    let ticket = mock.get(&format!("/cgi-bin/ticket/getticket?access_token={token}&type=wx_card")).await.1;
    let link = json!({
        "s_pappid": "p", "order_id": "o1", "money": 12_300, "timestamp": 1_480_342_000,
        "source": "web", "ticket": ticket["ticket"],
    });
    let url = mock.call("/nontax/getbillauthurl", &token, &link).await;
    assert_eq!(errcode(&url), 0, "{url}");
    assert!(url["auth_url"].as_str().is_some_and(|u| u.contains("o1")), "{url}");
    let before =
        mock.call("/card/invoice/getauthdata", &token, &json!({"s_pappid": "p", "order_id": "o1"})).await;
    assert_eq!(errcode(&before), 72038, "not authorized yet: {before}");

    let info = json!({"user_field": {"title": "Zhang San", "phone": "13800000000"}});
    let authorized = mock
        .post(
            "/__mock/user/invoice/authorize_invoice",
            &json!({"s_pappid": "p", "order_id": "o1", "auth_time": 1_480_342_498, "user_auth_info": info}),
        )
        .await;
    assert_eq!((&authorized["order_id"], &authorized["appid"]), (&json!("o1"), &json!(DEMO_APPID)));
    let openid = authorized["openid"].as_str().expect("the user").to_owned();
    assert!(openid.starts_with('o') && openid.len() == 28, "{authorized}");

    let auth =
        mock.call("/card/invoice/getauthdata", &token, &json!({"s_pappid": "p", "order_id": "o1"})).await;
    assert_eq!(
        (errcode(&auth), &auth["invoice_status"], &auth["auth_time"]),
        (0, &json!("auth success"), &json!(1_480_342_498))
    );
    assert_eq!(auth["user_auth_info"], info);

    let card = mock
        .call(
            "/nontax/createbillcard",
            &token,
            &json!({"invoice_info": {"payee": "A bureau", "base_info": {"logo_url": "http://mmbiz.qpic.cn/logo"}}}),
        )
        .await;
    let card_id = card["card_id"].as_str().expect("a template").to_owned();
    let bill = mock.call("/nontax/insertbill", &token, &insert_body_for(&card_id, "o1", "c1", "n1")).await;
    assert_eq!(errcode(&bill), 0, "{bill}");
    assert_eq!(bill["openid"], json!(openid));
    assert!(bill["code"].as_str().is_some_and(|c| c.len() == 13), "{bill}");
    let again = mock.call("/nontax/insertbill", &token, &insert_body_for(&card_id, "o1", "c1", "n1")).await;
    assert_eq!(
        (errcode(&again), errmsg(&again).starts_with("billing_code and billing_no repeated")),
        (72042, true)
    );

    let rejected = mock
        .call(
            "/card/invoice/rejectinsert",
            &token,
            &json!({"s_pappid": "p", "order_id": "o1", "reason": "r"}),
        )
        .await;
    assert_eq!(errcode(&rejected), 0);
    let after =
        mock.call("/card/invoice/getauthdata", &token, &json!({"s_pappid": "p", "order_id": "o1"})).await;
    assert_eq!((errcode(&after), errmsg(&after).starts_with("biz reject insert")), (72035, true));
    let after = mock.call("/nontax/insertbill", &token, &insert_body_for(&card_id, "o1", "c1", "n2")).await;
    assert_eq!(errcode(&after), 72035);

    let (_, orders) = mock.get("/__mock/state/invoice_order").await;
    assert_eq!(orders["records"][0]["status"], "REJECTED", "{orders}");
    assert_eq!(orders["records"][0]["reject_reason"], "r", "{orders}");
    let (_, bills) = mock.get("/__mock/state/bill").await;
    assert_eq!(bills["records"].as_array().map(Vec::len), Some(1), "{bills}");

    let (status, text) =
        mock.post_raw("/__mock/user/invoice/authorize_invoice", r#"{"s_pappid":"p","order_id":"o1"}"#).await;
    assert!(
        status == 422 && text.contains("\"errcode\":72035"),
        "a refused order cannot be authorized again: {status} {text}"
    );
    let (status, text) =
        mock.post_raw("/__mock/user/invoice/authorize_invoice", r#"{"s_pappid":"p","order_id":"o9"}"#).await;
    assert!(status == 422 && text.contains("\"errcode\":72038"), "no link, no order: {status} {text}");
    let (status, text) = mock.post_raw("/__mock/user/invoice/authorize_invoice", r#"{"order_id": 5}"#).await;
    assert!(status == 400 && text.contains("invalid parameters"), "{status} {text}");
    let (status, text) = mock
        .post_raw(
            "/__mock/user/invoice/authorize_invoice",
            r#"{"s_pappid":"p","order_id":"o1","user_auth_info":{"user_field":{"phone":"1"}}}"#,
        )
        .await;
    assert!(status == 400 && text.contains("user_field.title] missing"), "{status} {text}");
}

#[tokio::test]
async fn faults_latency_counts_and_token_expiry_through_admin_routes() {
    let mock = Mock::start().await;
    let token = mock.token().await;
    let body = json!({"s_pappid": "p", "order_id": "o"});
    let faults = mock.post("/__mock/faults", &json!({"kind": "errcode", "errcode": -1, "times": 2})).await;
    assert_eq!(faults["pending"][0]["times"], 2);
    for _ in 0..2 {
        let busy = mock
            .call(
                "/card/invoice/rejectinsert",
                &token,
                &json!({"s_pappid": "p", "order_id": "o", "reason": "r"}),
            )
            .await;
        assert_eq!((errcode(&busy), errmsg(&busy).starts_with("system error")), (-1, true));
    }
    assert_eq!(errcode(&mock.call("/card/invoice/getauthdata", &token, &body).await), 72038);

    mock.post("/__mock/faults", &json!({"kind": "errcode", "errcode": 72036, "operation": "insert_bill"}))
        .await;
    assert_eq!(
        errcode(&mock.call("/card/invoice/getauthdata", &token, &body).await),
        72038,
        "targets insert_bill only"
    );
    let busy = mock.call("/nontax/insertbill", &token, &insert_body("o", "c", "1")).await;
    assert_eq!((errcode(&busy), errmsg(&busy).starts_with("invoice is busy")), (72036, true));

    mock.post("/__mock/faults", &json!({"kind": "http_status", "status": 503})).await;
    mock.post("/__mock/faults", &json!({"kind": "html"})).await;
    mock.post("/__mock/faults", &json!({"kind": "truncated_json"})).await;
    let path = format!("/card/invoice/getauthdata?access_token={token}");
    let (status, _) = mock.post_raw(&path, body.to_string()).await;
    assert_eq!(status, 503);
    let (status, html) = mock.post_raw(&path, body.to_string()).await;
    assert!(status == 200 && html.starts_with("<html>"), "{html}");
    let (status, cut) = mock.post_raw(&path, body.to_string()).await;
    assert!(status == 200 && cut.starts_with("{\"") && serde_json::from_str::<Value>(&cut).is_err(), "{cut}");

    let (status, text) = mock.post_raw("/__mock/faults", r#"{"kind": "explode"}"#).await;
    assert!(status == 400 && text.contains("invalid body"), "{text}");
    let (status, text) =
        mock.post_raw("/__mock/faults", r#"{"kind": "html", "operation": "no_such_op"}"#).await;
    assert!(status == 400 && text.contains("no operation named"), "{text}");

    let response =
        mock.http.put(mock.url("/__mock/latency")).body(r#"{"millis": 3}"#).send().await.expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(mock.get("/__mock/faults").await.1["latency_ms"], 3);
    mock.http.delete(mock.url("/__mock/faults")).send().await.expect("answers");
    assert_eq!(mock.get("/__mock/faults").await.1["latency_ms"], 0);

    mock.post("/__mock/tokens/expire", &json!({})).await;
    assert_eq!(errcode(&mock.call("/card/invoice/getauthdata", &token, &body).await), 42001);

    let (_, counts) = mock.get("/__mock/requests").await;
    assert_eq!(counts["counts"]["/card/invoice/getauthdata"], 6, "{counts}");
    assert_eq!(counts["counts"]["/card/invoice/rejectinsert"], 2, "{counts}");
    assert_eq!(counts["counts"]["/cgi-bin/stable_token"], 1, "{counts}");
    assert!(counts["counts"].get("/__mock/requests").is_none(), "admin routes are not counted");
    let stable = json!({ "path": "/cgi-bin/stable_token", "appid": mock.server.config().appid, "count": 1 });
    assert_eq!(counts["token_requests"], json!([stable]), "{counts}");
    assert_eq!(mock.server.requests().count("/nontax/insertbill"), 1);
    mock.http.delete(mock.url("/__mock/requests")).send().await.expect("answers");
    assert_eq!(mock.server.requests().count("/card/invoice/getauthdata"), 0);
    assert_eq!(mock.server.token_requests().count("/cgi-bin/stable_token", &mock.server.config().appid), 0);
    assert_eq!(mock.get("/__mock/requests").await.1["token_requests"], json!([]), "reset with the counts");

    let (status, missing) = mock.get("/__mock/nothing-here").await;
    assert!(
        status == 404 && missing["error"].as_str().is_some_and(|e| e.contains("/__mock/nothing-here")),
        "{missing}"
    );
}

/// Every way an admin request can be wrong is answered in the documented shape: JSON with an
/// `error`, never the framework's plain-text rejections (a body over the router's limit once got
/// a text/plain 413).
#[tokio::test]
async fn admin_routes_answer_every_bad_body_in_their_json_error_shape() {
    let mock = Mock::start().await;
    let send = |method: reqwest::Method, path: &str, body: Vec<u8>| {
        let request = mock.http.request(method, mock.url(path)).body(body);
        async move {
            let response = request.send().await.expect("the mock answers");
            let status = response.status().as_u16();
            let content_type = response.headers().get("content-type").cloned();
            let text = response.text().await.expect("a body");
            let error: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}: {e}: {text:?}"));
            assert!(
                content_type.is_some_and(|t| t.to_str().is_ok_and(|t| t.starts_with("application/json"))),
                "{status} {text}"
            );
            let message = error["error"].as_str().unwrap_or_else(|| panic!("no error in {error}")).to_owned();
            (status, message)
        }
    };
    let over_admin_limit = vec![b' '; 300 * 1024];
    let over_router_limit = vec![b' '; 12 * 1024 * 1024];
    for (method, path) in [
        (reqwest::Method::POST, "/__mock/user/invoice/authorize_invoice"),
        (reqwest::Method::POST, "/__mock/faults"),
        (reqwest::Method::PUT, "/__mock/latency"),
    ] {
        for body in [over_admin_limit.clone(), over_router_limit.clone()] {
            let (status, message) = send(method.clone(), path, body).await;
            assert_eq!(status, 413, "{path}: {message}");
            assert!(message.contains("larger than 262144 bytes"), "{path}: {message}");
        }
        for body in [Vec::new(), vec![0xff, 0xfe], b"[1, 2]".to_vec(), b"{\"unexpected\": true".to_vec()] {
            let (status, message) = send(method.clone(), path, body).await;
            assert_eq!(status, 400, "{path}: {message}");
            // A user action reads any JSON, then checks it against the action's parameters.
            let parameters = path.starts_with("/__mock/user/") && message.starts_with("invalid parameters: ");
            assert!(message.starts_with("invalid body: ") || parameters, "{path}: {message}");
        }
    }
    let (status, message) = send(reqwest::Method::PATCH, "/__mock/faults", b"{}".to_vec()).await;
    assert_eq!(status, 405, "{message}");
    assert!(message.contains("PATCH") && message.contains("/__mock/faults"), "{message}");
    let (status, text) = mock.post_raw("/__mock/tokens/expire", over_router_limit).await;
    assert_eq!(status, 200, "a route that takes no body does not read one: {text}");
    assert_eq!(mock.get("/__mock/faults").await.0, 200, "still serving");
}

#[tokio::test]
async fn garbage_never_takes_the_server_down() {
    let mock = Mock::start().await;
    let token = mock.token().await;
    let path = format!("/nontax/insertbill?access_token={token}");
    let mut noise = vec![0xff_u8, 0xfe, 0x00, b'{', b'"'];
    noise.extend((0..=255u8).cycle().take(4096));
    for body in [
        noise,
        b"null".to_vec(),
        b"123".to_vec(),
        b"\"text\"".to_vec(),
        b"{\"order_id\": [[[[[]]]]]}".to_vec(),
    ] {
        let (status, text) = mock.post_raw(&path, body).await;
        assert!(status == 200 && text.contains("\"errcode\":47001"), "{status} {text}");
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, text) = mock.post_raw(&path, deep).await;
    assert!(status == 200 && text.contains("\"errcode\":47001"), "{status} {text}");
    let (status, _) = mock.post_raw(&path, vec![b' '; 3 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    for odd in
        ["/%ff%fe?access_token=%zz", "/nontax/insertbill?access_token=%ff", "/nontax/insertbill?&&&=&="]
    {
        let (status, text) = mock.post_raw(odd, "{}").await;
        assert!(status == 200 && text.contains("\"errcode\""), "{odd}: {status} {text}");
    }
    let (status, text) = mock.post_raw("/__mock/user/invoice/authorize_invoice", vec![0xff_u8; 64]).await;
    assert_eq!(status, 400, "{text}");
    let still = mock.call("/nontax/insertbill", &token, &insert_body("o", "c", "1")).await;
    assert_eq!(errcode(&still), 40078, "still serving: {still}");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let mock = Mock::start().await;
    let url = mock.url("/");
    mock.server.shutdown().await.expect("a clean stop");
    assert!(mock.http.get(url).send().await.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn arranging_sets_up_what_no_given_says_and_names_what_it_cannot() {
    let mock = Mock::start().await;
    let body = json!({"s_pappid": "p", "order_id": "o"});
    let arranged = mock.server.arrange("get_auth_data", &body).expect("arranged");
    assert_eq!((arranged.body.clone(), arranged.query.len()), (body.clone(), 0));
    assert!(mock.server.records("invoice_order").is_empty(), "orders come from a link or a given");
    let pdf =
        mock.server.arrange("get_pdf", &json!({"action": "get_url", "s_media_id": "42"})).expect("arranged");
    assert!(
        pdf.query.is_empty() && mock.server.media().get("42").is_some_and(|f| f.bytes.starts_with(b"%PDF-"))
    );
    let classic = mock.server.arrange("get_access_token", &json!({})).expect("arranged");
    assert_eq!((classic.query("appid"), classic.query("secret")), (DEMO_APPID, DEMO_SECRET));
    let unknown = mock.server.arrange("no_such_operation", &body).expect_err("not in the spec");
    assert_eq!(unknown.to_string(), "no operation named `no_such_operation` in the spec");
}

#[tokio::test]
async fn the_openapi_document_describes_every_operation_served() {
    let mock = Mock::start().await;
    let response = mock.http.get(mock.url("/__mock/openapi.json")).send().await.expect("the mock answers");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE].to_str().expect("ASCII").to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let text = response.text().await.expect("a body");
    let document: Value = serde_json::from_str(&text).expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    // Operations sharing a path are each written whole under `x-wechat-paths`.
    let ids: Vec<&str> = ["paths", "x-wechat-paths"]
        .iter()
        .filter_map(|section| document[section].as_object())
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    for op in operations() {
        let id = op.key.replace('/', ".");
        assert!(ids.contains(&id.as_str()), "{} is served but not in the document", op.key);
    }
}
