//! The mock pushes events to a callback URL as WeChat does: signed, encrypted in safe mode,
//! tried again while the answer is not `success`, without holding up the route that caused
//! them. The callback here is a real server on 127.0.0.1 verifying with the SDK's receiver.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use serde_json::{Value, json};
use tokio::sync::Notify;
use wechat_core::Secret;
use wechat_core::push::{Message, Mode, PushError, Query, Receiver};
use wechat_mock::records::InvoiceOrder;
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};
use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
use wechat_mock::{MockConfig, MockServer, Outcome, PushTarget};

/// A safety net against a hung child or a lost push, never an assertion about speed.
const PATIENCE: Duration = Duration::from_secs(60);
const TOKEN: &str = "callback-token-of-the-test";
const KEY: &str = "Zk9yVGVzdHNPbmx5Tm90QVJlYWxLZXlGb3JXZUNoYXQ";
const APPID: &str = "wx0123456789abcdef";

/// One POST the callback received.
#[derive(Clone)]
struct Received {
    query: String,
    body: Vec<u8>,
}

/// The application's callback: keeps every POST, answers from `answers` in turn (the last one
/// from then on), and holds its first answer until `release` is notified.
struct Callback {
    url: String,
    seen: Arc<Mutex<Vec<Received>>>,
    release: Arc<Notify>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct CallbackState {
    seen: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Vec<&'static str>>,
    release: Arc<Notify>,
    hold_first: bool,
}

async fn callback_handler(
    State(state): State<CallbackState>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> String {
    let index = {
        let mut seen = state.seen.lock().unwrap();
        seen.push(Received { query: query.unwrap_or_default(), body: body.to_vec() });
        seen.len() - 1
    };
    if index == 0 && state.hold_first {
        // Bounded: a mock that waited for this answer before answering its own route would
        // never notify, and the test fails on the route's timeout instead of hanging here.
        let _ = tokio::time::timeout(PATIENCE, state.release.notified()).await;
    }
    state.answers[index.min(state.answers.len() - 1)].to_owned()
}

impl Callback {
    async fn start(answers: Vec<&'static str>, hold_first: bool) -> Self {
        let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
        let release = Arc::new(Notify::new());
        let state = CallbackState {
            seen: Arc::clone(&seen),
            answers: Arc::new(answers),
            release: Arc::clone(&release),
            hold_first,
        };
        let app =
            axum::Router::new().route("/wechat", axum::routing::post(callback_handler)).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/wechat", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, seen, release, server }
    }

    fn seen(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until `count` POSTs arrived.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let seen = self.seen();
            if seen.len() >= count {
                return seen;
            }
            assert!(start.elapsed() < PATIENCE, "only {} of {count} pushes arrived", seen.len());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Verifies a received POST as an application would.
fn verify(receiver: &Receiver, push: &Received) -> (Message, Mode) {
    let received = receiver.receive(&Query::parse(&push.query), &push.body).expect("the push verifies");
    (received.message, received.mode)
}

/// The mock binary, killed when dropped.
struct Binary {
    child: Child,
    url: String,
}

impl Binary {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wechat-mock"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (line, first) = std::sync::mpsc::channel();
        // The pipe is drained to the end so the child never blocks on it.
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = line.send(lines.next().and_then(Result::ok).unwrap_or_default());
            for _ in lines {}
        });
        let first = first.recv_timeout(PATIENCE).unwrap_or_default();
        let Some(url) = first.strip_prefix("wechat-mock listening on ") else {
            let _ = child.kill();
            panic!("unexpected first line {first:?}");
        };
        Self { url: url.to_owned(), child }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The user authorizes `order_id` of `s_pappid`, whose link the merchant got.
fn authorize(mock: &MockServer, s_pappid: &str, order_id: &str) -> Value {
    let link = InvoiceOrder::builder()
        .s_pappid(s_pappid)
        .order_id(order_id)
        .build()
        .unwrap()
        .appid(&mock.config().appid)
        .source(json!("web"));
    mock.seed_record(&link).unwrap();
    mock.act(&AuthorizeInvoiceParams::builder().s_pappid(s_pappid).order_id(order_id).build().unwrap())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_pushes_an_encrypted_user_authorize_invoice_and_retries_until_success() {
    let callback = Callback::start(vec!["fail", "success"], true).await;
    let binary = Binary::start(&[
        "--push-url",
        &callback.url,
        "--push-token",
        TOKEN,
        "--push-aes-key",
        KEY,
        "--push-appid",
        APPID,
    ]);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();

    // The merchant got the order's link; the user authorizes it on the link's page. The route
    // answers while the callback still holds the first push: it does not wait.
    let link = json!({"s_pappid": "s_pappid_push", "order_id": "order-push-1", "appid": "wx_merchant", "source": "web"});
    let held = http.post(format!("{}/__mock/state/invoice_order", binary.url)).body(link.to_string());
    assert_eq!(held.send().await.unwrap().status(), 200);
    let answer = http
        .post(format!("{}/__mock/user/invoice/authorize_invoice", binary.url))
        .body(json!({"s_pappid": "s_pappid_push", "order_id": "order-push-1"}).to_string())
        .send()
        .await
        .expect("the admin route answers before the push is delivered");
    assert_eq!(answer.status(), 200);
    let order: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    let openid = order["openid"].as_str().unwrap().to_owned();
    assert_eq!(order["appid"], "wx_merchant", "{order}");
    callback.release.notify_one();

    let pushes = callback.wait_for(2).await;
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).unwrap();
    for push in &pushes {
        let query = Query::parse(&push.query);
        assert_eq!(query.get("encrypt_type"), Some("aes"), "{}", push.query);
        assert!(query.get("msg_signature").is_some() && query.get("signature").is_some(), "{}", push.query);
        assert_eq!(query.get("openid"), Some(openid.as_str()));
        let body = String::from_utf8(push.body.clone()).unwrap();
        assert!(body.contains("<Encrypt>") && !body.contains("order-push-1"), "not encrypted: {body}");
        let (message, mode) = verify(&receiver, push);
        assert_eq!(mode, Mode::Safe);
        assert_eq!(message.kind(), Some("user_authorize_invoice"));
        assert_eq!(message.text("MsgType"), Some("event"));
        assert_eq!(message.text("SuccOrderId"), Some("order-push-1"));
        assert_eq!(message.text("FailOrderId"), Some(""));
        assert_eq!(message.text("FromUserName"), Some(openid.as_str()));
        assert_eq!(message.text("AppId"), Some("wx_merchant"));
        assert_eq!(message.text("Source"), Some("web"));
        assert!(message.text("ToUserName").is_some_and(|to| to.starts_with("gh_")));
        assert!(message.text("CreateTime").is_some_and(|t| t.parse::<i64>().is_ok()));
    }
    // The same push twice: an application dedupes it by WeChat's key.
    assert_eq!(verify(&receiver, &pushes[0]).0.dedup_key(), verify(&receiver, &pushes[1]).0.dedup_key());

    // The log counts the tries: "fail" once, then "success".
    let start = Instant::now();
    let delivery = loop {
        let log: Value = serde_json::from_str(
            &http.get(format!("{}/__mock/pushes", binary.url)).send().await.unwrap().text().await.unwrap(),
        )
        .unwrap();
        let delivery = log["deliveries"][0].clone();
        if delivery["outcome"] != "pending" {
            break delivery;
        }
        assert!(start.elapsed() < PATIENCE, "the delivery never settled: {log}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(delivery["event"], "user_authorize_invoice");
    assert_eq!(delivery["outcome"], "delivered");
    assert_eq!(delivery["encrypted"], true);
    let answers: Vec<&Value> =
        delivery["attempts"].as_array().unwrap().iter().map(|a| &a["answer"]).collect();
    assert_eq!(answers, [&json!("fail"), &json!("success")]);
    assert_eq!(callback.seen().len(), 2, "no push after success");
}

#[tokio::test]
async fn a_callback_that_never_says_success_gets_three_tries_then_the_delivery_fails() {
    let callback = Callback::start(vec!["busy"], false).await;
    let target = PushTarget::new(&callback.url, &Secret::new(TOKEN)).backoff(Duration::from_millis(1));
    // WeChat's three deliveries in all, unless told otherwise.
    assert_eq!((target.attempts, PushTarget::WECHAT_ATTEMPTS), (3, 3));
    let mock = MockServer::start(MockConfig::demo().push(target)).await.unwrap();
    authorize(&mock, "s_pappid_x", "order-x");

    let log = mock.pushes().settled(PATIENCE).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, Outcome::Failed);
    assert_eq!(log[0].attempts.len(), 3);
    assert!(log[0].attempts.iter().all(|a| a.status == Some(200) && a.answer == "busy"), "{log:?}");
    let pushes = callback.seen();
    assert_eq!(pushes.len(), 3, "exactly three deliveries, no fourth");
    let (message, mode) = verify(&Receiver::new(TOKEN), &pushes[2]);
    assert_eq!(mode, Mode::Plain);
    assert_eq!(message.text("SuccOrderId"), Some("order-x"));
    // A plain-mode push to an application that has the EncodingAESKey: refused, unless it
    // opted in for the switch-over between modes.
    let keyed = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).unwrap();
    let query = Query::parse(&pushes[2].query);
    assert_eq!(keyed.receive(&query, &pushes[2].body), Err(PushError::EncryptionRequired));
    let switching = keyed.accept_plain(true).receive(&query, &pushes[2].body).unwrap();
    assert_eq!((switching.message, switching.mode), (message, Mode::Plain));
}

#[tokio::test]
async fn an_unreachable_callback_is_logged_not_fatal() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = PushTarget::new(format!("http://127.0.0.1:{port}/wechat"), &Secret::new(TOKEN))
        .attempts(2)
        .backoff(Duration::ZERO);
    let mock = MockServer::start(MockConfig::demo().push(target)).await.unwrap();
    authorize(&mock, "s_pappid_y", "order-y");
    let log = mock.pushes().settled(PATIENCE).await;
    assert_eq!(log[0].outcome, Outcome::Failed);
    assert_eq!(log[0].attempts.len(), 2);
    assert!(log[0].attempts.iter().all(|a| a.status.is_none() && a.error.is_some()), "{log:?}");
    let shown = format!("{log:?} {:?}", mock.config());
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
}

#[tokio::test]
async fn card_review_taking_and_redeeming_are_pushed() {
    let callback = Callback::start(vec!["success"], false).await;
    let target =
        PushTarget::new(&callback.url, &Secret::new(TOKEN)).aes_key(&Secret::new(KEY), APPID).unwrap();
    let mock = MockServer::start(MockConfig::demo().push(target)).await.unwrap();
    let http = reqwest::Client::new();
    let base = mock.base_url();
    let config = mock.config();
    let token: Value = serde_json::from_str(
        &http
            .post(format!("{base}/cgi-bin/stable_token"))
            .body(
                json!({"grant_type": "client_credential", "appid": config.appid, "secret": config.secret})
                    .to_string(),
            )
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let card = json!({"card": {"card_type": "GROUPON", "groupon": {
        "base_info": {
            "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
            "title": "双人套餐", "color": "Color010", "notice": "出示此券", "description": "不可与其他优惠同享",
            "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
            "sku": {"quantity": 10}, "get_limit": 3},
        "deal_detail": "锅底2选1"}}});
    let created: Value = serde_json::from_str(
        &http
            .post(format!("{base}/card/create?access_token={token}"))
            .body(card.to_string())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let card_id = created["card_id"].as_str().unwrap().to_owned();
    mock.act(&ApproveCardParams::new(&card_id)).unwrap();
    let take = TakeCardParams::builder().card_id(&card_id).openid("o_holder").build().unwrap();
    let taken = mock.act(&take).unwrap();
    let code = taken["code"].as_str().unwrap().to_owned();
    let consumed: Value = serde_json::from_str(
        &http
            .post(format!("{base}/card/code/consume?access_token={token}"))
            .body(json!({ "code": code }).to_string())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(consumed["errcode"], 0, "{consumed}");

    let log = mock.pushes().settled(PATIENCE).await;
    let events: Vec<(&str, Outcome)> = log.iter().map(|d| (d.event.as_str(), d.outcome)).collect();
    // Answered `success` the first time: one delivery each, no retry.
    assert!(log.iter().all(|d| d.attempts.len() == 1), "{log:?}");
    assert_eq!(
        events,
        [
            ("card_pass_check", Outcome::Delivered),
            ("user_get_card", Outcome::Delivered),
            ("user_consume_card", Outcome::Delivered)
        ]
    );
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).unwrap();
    let mut messages: Vec<Message> =
        callback.wait_for(3).await.iter().map(|p| verify(&receiver, p).0).collect();
    // Each push is its own task: they may arrive in any order.
    messages.sort_by_key(|m| {
        ["card_pass_check", "user_get_card", "user_consume_card"].iter().position(|e| Some(*e) == m.kind())
    });
    assert_eq!(messages[0].text("CardId"), Some(card_id.as_str()));
    assert_eq!(messages[1].kind(), Some("user_get_card"));
    assert_eq!(messages[1].text("UserCardCode"), Some(code.as_str()));
    assert_eq!(messages[1].text("FromUserName"), Some("o_holder"));
    assert_eq!(messages[1].text("IsGiveByFriend"), Some("0"));
    assert_eq!(messages[2].kind(), Some("user_consume_card"));
    assert_eq!(messages[2].text("UserCardCode"), Some(code.as_str()));
    assert_eq!(messages[2].text("ConsumeSource"), Some("FROM_API"));
}

#[tokio::test]
async fn without_a_push_target_nothing_is_pushed() {
    let mock = MockServer::start(MockConfig::demo()).await.unwrap();
    authorize(&mock, "s_pappid_z", "order-z");
    assert!(mock.pushes().target().is_none());
    assert!(mock.pushes().deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_verify_ticket_is_the_only_one_api_component_token_takes_from_then_on() {
    const PLATFORM: &str = "wx_platform_of_the_ticket";
    let callback = Callback::start(vec!["success"], false).await;
    // A platform's notices are encrypted for its component appid.
    let target =
        PushTarget::new(&callback.url, &Secret::new(TOKEN)).aes_key(&Secret::new(KEY), PLATFORM).unwrap();
    let mock = MockServer::start(MockConfig::demo().push(target)).await.unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let component_token = |appid: &'static str, ticket: String| {
        let (http, url) =
            (http.clone(), format!("{}/cgi-bin/component/api_component_token", mock.base_url()));
        async move {
            let body = json!({"component_appid": appid, "component_appsecret": "s", "component_verify_ticket": ticket});
            let answer = http.post(url).body(body.to_string()).send().await.unwrap().text().await.unwrap();
            serde_json::from_str::<Value>(&answer).unwrap()
        }
    };
    let issued = |answer: &Value| answer["component_access_token"].as_str().is_some_and(|t| !t.is_empty());
    assert!(issued(&component_token(PLATFORM, "set-by-hand".into()).await), "no ticket pushed yet: any goes");

    let id = mock.push_verify_ticket(PLATFORM).expect("a push target is set");
    let pushes = callback.wait_for(1).await;
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), PLATFORM).unwrap();
    let (message, mode) = verify(&receiver, &pushes[0]);
    assert_eq!(mode, Mode::Safe);
    assert_eq!(message.kind(), Some("component_verify_ticket"));
    assert_eq!(message.text("AppId"), Some(PLATFORM));
    let ticket = message.text("ComponentVerifyTicket").unwrap().to_owned();
    assert!(ticket.starts_with("MOCK_TICKET_"), "{ticket}");
    let log = mock.pushes().settled(PATIENCE).await;
    let delivery = log.iter().find(|d| d.id == id).unwrap();
    assert_eq!((delivery.event.as_str(), delivery.outcome), ("component_verify_ticket", Outcome::Delivered));
    assert!(!delivery.message.contains(&ticket) && delivery.message.contains("***"), "{}", delivery.message);

    let refused = component_token(PLATFORM, "set-by-hand".into()).await;
    assert_eq!(refused["errcode"], 61006, "{refused}");
    assert!(refused["errmsg"].as_str().unwrap().starts_with("component ticket is invalid"), "{refused}");
    assert!(issued(&component_token(PLATFORM, ticket.clone()).await), "the pushed ticket works");
    assert!(
        issued(&component_token("wx_another_platform", "set-by-hand".into()).await),
        "others are unaffected"
    );
    let admin = http
        .post(format!("{}/__mock/component/verify_ticket", mock.base_url()))
        .body(json!({"component_appid": PLATFORM}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 200);
    let answer: Value = serde_json::from_str(&admin.text().await.unwrap()).unwrap();
    assert_eq!(answer["delivery"], id + 1);
    let second = callback.wait_for(2).await;
    let newer = verify(&receiver, &second[1]).0.text("ComponentVerifyTicket").unwrap().to_owned();
    assert_ne!(newer, ticket);
    assert!(issued(&component_token(PLATFORM, ticket).await), "the previous ticket stays valid a while");

    // Without a push target nothing is issued: no platform would receive the ticket.
    let bare = MockServer::start(MockConfig::demo()).await.unwrap();
    assert_eq!(bare.push_verify_ticket(PLATFORM), None);
    let refused = http
        .post(format!("{}/__mock/component/verify_ticket", bare.base_url()))
        .body(json!({"component_appid": PLATFORM}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
}
