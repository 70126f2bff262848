//! The generated event types (`wechat_card::events`) on messages as WeChat sends them: unknown
//! events keep every element, missing or malformed elements are errors naming the element,
//! credentials never print, and a push sealed as WeChat seals it arrives typed through a real
//! HTTP receiver on 127.0.0.1.

use std::time::Duration;

use tokio::sync::mpsc;
use wechat_card::events::{
    AccountHeader, ComponentVerifyTicket, Event, UserAuthorizeInvoice, UserConsumeCard,
};
use wechat_core::Secret;
use wechat_core::push::{Element, FromMessage, Message, PushError, Receiver, Sender, Value};

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const TOKEN: &str = "push-token";
const APPID: &str = "wx1234567887654321";

fn parse(xml: &str) -> Message {
    Message::parse(xml.as_bytes()).expect("the test message is well-formed")
}

#[test]
fn an_unknown_event_keeps_every_element() {
    // A customer-service event, outside the card and invoice families this SDK declares (the
    // gift-card events it used to borrow are declared now), with a nested element besides.
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_1]]></FromUserName>\
               <CreateTime>1500000000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[kf_create_session]]></Event><KfAccount><![CDATA[test1@test]]></KfAccount>\
               <Detail><Item>1</Item></Detail></xml>";
    let message = parse(xml);
    let event = Event::from_message(&message).expect("an unknown event is not an error");
    let Event::Unknown(kept) = &event else { panic!("expected Unknown, got {event:?}") };
    assert_eq!(kept, &message);
    assert_eq!(event.kind(), Some("kf_create_session"));
    assert_eq!(kept.text("KfAccount"), Some("test1@test"));
    assert_eq!(kept.child("Detail"), Some(&[Element::text("Item", "1")][..]));
    assert_eq!(event.to_message().to_xml(), message.to_xml(), "written back exactly as it came");
}

#[test]
fn a_header_reads_alone_from_any_message_and_names_a_missing_element() {
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_1]]></FromUserName>\
               <CreateTime>1500000000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[kf_create_session]]></Event></xml>";
    let header = AccountHeader::from_message(&parse(xml)).expect("every header element is there");
    assert_eq!(
        (
            header.to_user_name.as_str(),
            header.from_user_name.as_str(),
            header.create_time,
            header.msg_type.as_str()
        ),
        ("gh_1", "o_1", 1_500_000_000, "event")
    );
    let without_time = xml.replace("<CreateTime>1500000000</CreateTime>", "");
    let error = AccountHeader::from_message(&parse(&without_time)).expect_err("CreateTime is required");
    assert!(matches!(error, PushError::MissingField { name: "CreateTime" }), "{error:?}");
}

#[test]
fn a_message_without_any_kind_is_unknown_too() {
    let message = parse("<xml><Foo>bar</Foo></xml>");
    let event = Event::from_message(&message).expect("not an error");
    assert_eq!(event, Event::Unknown(message));
    assert_eq!(event.kind(), None);
}

#[test]
fn a_missing_required_element_is_named() {
    let xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1</CreateTime>\
               <MsgType>event</MsgType><Event>user_consume_card</Event><CardId>p1</CardId></xml>";
    let error = Event::parse(xml.as_bytes()).expect_err("UserCardCode is required");
    assert_eq!(error, PushError::MissingField { name: "UserCardCode" });
    assert_eq!(error.to_string(), "the message has no <UserCardCode> element");

    // Empty counts as missing, as WeChat writes `<![CDATA[]]>` for "none".
    let empty =
        xml.replace("<CardId>p1</CardId>", "<CardId><![CDATA[ ]]></CardId><UserCardCode>1</UserCardCode>");
    assert_eq!(Event::parse(empty.as_bytes()), Err(PushError::MissingField { name: "CardId" }));

    // A header element is required like any other.
    let headless = xml.replace("<CreateTime>1</CreateTime>", "");
    assert_eq!(
        UserConsumeCard::from_message(&parse(&headless)),
        Err(PushError::MissingField { name: "CreateTime" })
    );
}

#[test]
fn an_element_of_the_wrong_type_is_named() {
    let xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1</CreateTime>\
               <MsgType>event</MsgType><Event>user_pay_from_pay_cell</Event><CardId>p1</CardId>\
               <UserCardCode>1</UserCardCode><Fee>ten yuan</Fee><OriginalFee>1000</OriginalFee></xml>";
    let error = Event::parse(xml.as_bytes()).expect_err("Fee is an integer");
    assert!(
        matches!(&error, PushError::InvalidField { name: "Fee", expected: "an integer", .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("<Fee>"), "{error}");
}

#[test]
fn a_type_refuses_another_event() {
    let xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1</CreateTime>\
               <MsgType>event</MsgType><Event>user_del_card</Event><CardId>p1</CardId></xml>";
    let error = UserAuthorizeInvoice::from_message(&parse(xml)).expect_err("not this event");
    assert!(matches!(error, PushError::WrongKind { expected: "user_authorize_invoice", .. }), "{error:?}");
}

#[test]
fn aliases_and_flags_read_as_the_pages_disagree() {
    let xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>7</CreateTime>\
               <MsgType>event</MsgType><Event>user_get_card</Event><CardId>p1</CardId>\
               <UserCardCode>42</UserCardCode><IsGiveByFriend>true</IsGiveByFriend>\
               <FriendUserName><![CDATA[]]></FriendUserName><OuterId></OuterId></xml>";
    let Event::UserGetCard(event) = Event::parse(xml.as_bytes()).expect("reads") else { panic!("typed") };
    assert_eq!(event.is_give_by_friend, Some(true));
    assert_eq!(event.friend_user_name, None, "empty means absent");
    assert_eq!(event.outer_id, None, "an empty integer means absent");
    assert_eq!(event.header.create_time, 7);
    assert_eq!(event.to_message().text("IsGiveByFriend"), Some("1"), "written as WeChat writes flags");

    let wxjava = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1</CreateTime>\
                  <MsgType>event</MsgType><Event>user_authorize_invoice</Event><SuccOrderId>o-9</SuccOrderId>\
                  <AuthorizeAppId>wx_a</AuthorizeAppId><source>wxa</source></xml>";
    let Event::UserAuthorizeInvoice(event) = Event::parse(wxjava.as_bytes()).expect("reads") else {
        panic!()
    };
    assert_eq!((event.app_id.as_deref(), event.source.as_deref()), (Some("wx_a"), Some("wxa")));
    assert_eq!(event.to_message().text("AppId"), Some("wx_a"), "written under the declared name");
}

#[test]
fn credentials_never_print() {
    let ticket = "ticket@@@s3cr3t-verify-ticket";
    let xml = format!(
        "<xml><AppId>wx_component</AppId><CreateTime>1413192605</CreateTime>\
         <InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>{ticket}</ComponentVerifyTicket></xml>"
    );
    let message = parse(&xml);
    let typed = ComponentVerifyTicket::from_message(&message).expect("reads");
    assert_eq!(typed.component_verify_ticket.expose(), ticket);
    let event = Event::parse(xml.as_bytes()).expect("reads");
    // The raw message too (what a receiver hands an untyped callback, and what `Unknown`
    // keeps): its Debug shows element names and text lengths only.
    let unknown = Event::Unknown(message.clone());
    for printed in
        [format!("{typed:?}"), format!("{event:?}"), format!("{message:?}"), format!("{unknown:?}")]
    {
        assert!(!printed.contains("s3cr3t"), "{printed}");
    }
    assert_eq!(event.to_message().text("ComponentVerifyTicket"), Some(ticket), "written back in full");

    let code = "queryauthcode@@@s3cr3t-code";
    let xml = format!(
        "<xml><AppId>wx_component</AppId><CreateTime>1</CreateTime><InfoType>authorized</InfoType>\
         <AuthorizerAppid>wx_b</AuthorizerAppid><AuthorizationCode>{code}</AuthorizationCode>\
         <PreAuthCode>preauthcode@@@s3cr3t-pre</PreAuthCode></xml>"
    );
    let event = Event::parse(xml.as_bytes()).expect("reads");
    let Event::Authorized(authorized) = &event else { panic!("typed: {event:?}") };
    assert_eq!(authorized.authorization_code.expose(), code);
    assert!(!format!("{event:?}").contains("s3cr3t"), "{event:?}");
    let printed = format!("{:?}", parse(&xml));
    assert!(!printed.contains("s3cr3t"), "{printed}");
    assert!(
        printed.contains("AuthorizationCode") && printed.contains("<27 chars>"),
        "names and lengths: {printed}"
    );
}

/// WeChat's push, sealed in safe mode, POSTed to an axum route on 127.0.0.1, arrives typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_push_arrives_typed_over_http() {
    let (sent, mut received) = mpsc::unbounded_channel();
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let app = axum::Router::new().route(
        "/wechat",
        wechat_core::push::axum::route(receiver, move |message: Message| {
            let sent = sent.clone();
            async move {
                let _ = sent.send(Event::from_message(&message));
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let xml = "<xml><ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>\
               <FromUserName><![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]></FromUserName>\
               <CreateTime>1475134700</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[user_authorize_invoice]]></Event><SuccOrderId><![CDATA[order-7]]></SuccOrderId>\
               <FailOrderId><![CDATA[]]></FailOrderId><AppId><![CDATA[wx1234567887654321]]></AppId>\
               <Source><![CDATA[web]]></Source></xml>";
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    let push = Sender::new(TOKEN)
        .aes_key(&Secret::new(KEY), APPID)
        .expect("valid key")
        .seal(&parse(xml), i64::try_from(now).expect("fits"), "nonce-1")
        .expect("seals");
    assert!(!push.body.contains("order-7"), "the body is encrypted");
    let answer = reqwest::Client::new()
        .post(format!("http://{address}/wechat?{}", push.query.to_query_string()))
        .body(push.body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the receiver answers");
    assert_eq!(answer.text().await.expect("a body"), "success");

    let event = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the callback ran")
        .expect("the channel is open")
        .expect("the event reads");
    let Event::UserAuthorizeInvoice(event) = event else { panic!("typed: {event:?}") };
    assert_eq!(event.succ_order_id.as_deref(), Some("order-7"));
    assert_eq!(event.fail_order_id, None);
    assert_eq!(event.header.from_user_name, "oZI8Fj040-be6rlDohc6gkoPOQTQ");
    assert!(matches!(event.to_message().elements()[0].value, Value::Text(_)));
    server.abort();
}

/// The generated typed route on 127.0.0.1: the callback gets the typed event with its retry
/// key, its reply comes back encrypted as the push was, and a known event missing a required
/// element is refused, naming it, before the callback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typed_route_hands_over_events_and_encrypts_the_reply() {
    use wechat_card::events::{self, Push};
    use wechat_core::push::{EncodingAesKey, Reply};

    let (sent, mut received) = mpsc::unbounded_channel();
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let route = events::route(receiver, move |push: Push| {
        let sent = sent.clone();
        async move {
            let reply = match &push.event {
                Event::UserAuthorizeInvoice(e) => Reply::xml(format!(
                    "<xml><ToUserName><![CDATA[{}]]></ToUserName><MsgType><![CDATA[text]]></MsgType>\
                     <Content><![CDATA[order {} noted]]></Content></xml>",
                    e.header.from_user_name,
                    e.succ_order_id.as_deref().unwrap_or("-")
                )),
                _ => Reply::Ack,
            };
            let _ = sent.send(push);
            reply
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/wechat", listener.local_addr().expect("has an address"));
    let server =
        tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/wechat", route)).await });
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let sender = Sender::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let now = i64::try_from(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs(),
    )
    .expect("fits");
    let authorized = parse(
        "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_payer</FromUserName><CreateTime>1475134700</CreateTime>\
         <MsgType>event</MsgType><Event>user_authorize_invoice</Event><SuccOrderId>order-9</SuccOrderId></xml>",
    );
    let push = sender.seal(&authorized, now, "n-1").expect("seals");
    let answer = tests::pushes::deliver(&http, &url, &push).await;
    assert_eq!(answer.status(), 200);
    let envelope = Message::parse(answer.text().await.expect("a body").as_bytes()).expect("XML");
    let (xml, appid) = EncodingAesKey::new(KEY)
        .expect("valid")
        .decrypt(envelope.text("Encrypt").expect("the reply is encrypted"))
        .expect("decrypts");
    let reply = Message::parse(&xml).expect("the reply is XML");
    assert_eq!(
        (reply.text("Content"), reply.text("ToUserName")),
        (Some("order order-9 noted"), Some("o_payer"))
    );
    assert_eq!(appid, APPID);
    let push = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the callback ran")
        .expect("the channel is open");
    assert!(
        matches!(&push.event, Event::UserAuthorizeInvoice(e) if e.succ_order_id.as_deref() == Some("order-9"))
    );
    assert_eq!(push.dedup_key, authorized.dedup_key());
    assert!(push.mode.is_encrypted());

    // user_consume_card without its required UserCardCode: 400 naming it, no callback.
    let broken = parse(
        "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1</CreateTime>\
         <MsgType>event</MsgType><Event>user_consume_card</Event><CardId>p1</CardId></xml>",
    );
    let push = sender.seal(&broken, now, "n-2").expect("seals");
    let answer = tests::pushes::deliver(&http, &url, &push).await;
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.expect("a body").contains("<UserCardCode>"));
    assert!(received.try_recv().is_err(), "the callback never saw the broken event");
    server.abort();
}

/// Posts `body` to the mock and returns its JSON answer.
async fn call(http: &reqwest::Client, url: String, body: serde_json::Value) -> serde_json::Value {
    let text = http.post(url).body(body.to_string()).send().await.expect("the mock answers").text().await;
    serde_json::from_str(&text.expect("a body")).expect("JSON")
}

/// What wechat-mock pushes reads as the spec's events: the invoice authorization it builds by
/// hand, and the card events its declared steps and user actions push (review, a user taking
/// a card, a redemption through the API).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mocks_pushes_read_as_the_specs_events() {
    use wechat_mock::records::InvoiceOrder;
    use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};
    use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
    use wechat_mock::{MockConfig, MockServer, PushTarget};

    let (sent, mut received) = mpsc::unbounded_channel();
    let config = MockConfig::demo();
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), &config.appid).expect("valid key");
    let route = wechat_core::push::axum::route(receiver, move |message: Message| {
        let sent = sent.clone();
        async move {
            let _ = sent.send(Event::from_message(&message));
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/wechat", listener.local_addr().expect("has an address"));
    let server =
        tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/wechat", route)).await });
    let target = PushTarget::new(url, &Secret::new(TOKEN))
        .aes_key(&Secret::new(KEY), &config.appid)
        .expect("valid key");
    let mock = MockServer::start(config.push(target)).await.expect("the mock starts");

    let (http, base) = (reqwest::Client::new(), mock.base_url().to_owned());
    let credentials = serde_json::json!({
        "grant_type": "client_credential", "appid": mock.config().appid, "secret": mock.config().secret
    });
    let token = call(&http, format!("{base}/cgi-bin/stable_token"), credentials).await;
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let card = serde_json::json!({"card": {"card_type": "GROUPON", "groupon": {
        "base_info": {
            "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_TEXT",
            "title": "双人套餐", "color": "Color010", "notice": "出示此券", "description": "不可与其他优惠同享",
            "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
            "sku": {"quantity": 10}, "get_limit": 3},
        "deal_detail": "锅底2选1"}}});
    let created = call(&http, format!("{base}/card/create?access_token={token}"), card).await;
    let card_id = created["card_id"].as_str().expect("a card id").to_owned();

    let link = InvoiceOrder::builder()
        .s_pappid("s_pappid")
        .order_id("order-1")
        .build()
        .expect("both set")
        .appid(&mock.config().appid)
        .source(serde_json::json!("web"));
    mock.seed_record(&link).expect("the order's link");
    mock.act(
        &AuthorizeInvoiceParams::builder()
            .s_pappid("s_pappid")
            .order_id("order-1")
            .build()
            .expect("both set"),
    )
    .expect("authorizes");
    mock.act(&ApproveCardParams::new(&card_id)).expect("approves");
    let take = TakeCardParams::builder().card_id(&card_id).openid("o_holder").build().expect("both set");
    let taken = mock.act(&take).expect("takes");
    let code = taken["code"].as_str().expect("a code").to_owned();
    let consumed = call(
        &http,
        format!("{base}/card/code/consume?access_token={token}"),
        serde_json::json!({ "code": code }),
    )
    .await;
    assert_eq!(consumed["errcode"], 0, "{consumed}");

    let mut events = Vec::new();
    while events.len() < 4 {
        let next = tokio::time::timeout(Duration::from_secs(10), received.recv()).await;
        let event = next.expect("the mock pushed within 10 s").expect("the channel is open");
        events.push(event.expect("every push reads as its event"));
    }
    let authorized = events.iter().find_map(|e| match e {
        Event::UserAuthorizeInvoice(e) => Some(e),
        _ => None,
    });
    assert_eq!(authorized.and_then(|e| e.succ_order_id.as_deref()), Some("order-1"), "{events:?}");
    assert!(authorized.is_some_and(|e| e.app_id.is_some()), "the mock's AuthorizeAppId is read: {events:?}");
    assert!(
        events.iter().any(|e| matches!(e, Event::CardPassCheck(e) if e.card_id == card_id)),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e, Event::UserGetCard(e) if e.user_card_code == code
            && e.header.from_user_name == "o_holder" && e.is_give_by_friend == Some(false))),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e, Event::UserConsumeCard(e) if e.user_card_code == code
            && e.consume_source.as_deref() == Some("FROM_API"))),
        "{events:?}"
    );
    mock.shutdown().await.expect("the mock stops");
    server.abort();
}

/// A receiver's dedup guard reaches the generated entry points by configuration: the typed
/// route and `events::handle` call their callback once per push, however often it arrives,
/// and a callback's `Err` leaves the push to the next delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_entry_points_call_the_callback_once_per_push() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wechat_card::events::{self, Push};
    use wechat_core::push::Dedup;

    let receiver =
        Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key").dedup(Dedup::in_memory());
    let calls = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&calls);
    let route = events::route(receiver.clone(), move |push: Push| {
        count.fetch_add(1, Ordering::SeqCst);
        async move { assert!(matches!(push.event, Event::UserConsumeCard(_)), "{:?}", push.event) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/wechat", listener.local_addr().expect("has an address"));
    let server =
        tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/wechat", route)).await });
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let now = i64::try_from(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs(),
    )
    .expect("fits");
    let consumed = parse(
        "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1475134700</CreateTime>\
         <MsgType>event</MsgType><Event>user_consume_card</Event><CardId>p1</CardId><UserCardCode>42</UserCardCode></xml>",
    );
    let sender = Sender::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    for nonce in ["d-1", "d-2", "d-3", "d-4", "d-5"] {
        let push = sender.seal(&consumed, now, nonce).expect("seals");
        let answer = tests::pushes::deliver(&http, &url, &push).await;
        assert_eq!(answer.text().await.expect("a body"), "success");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the typed route ran its callback once");
    server.abort();

    // `events::handle`, framework-neutral, on a receiver with its own guard.
    let receiver = receiver.dedup(Dedup::in_memory());
    let counter = AtomicUsize::new(0);
    let calls = &counter;
    let push = sender.seal(&consumed, now, "h-1").expect("seals");
    let headers = [("Content-Length", push.body.len().to_string())];
    let handle = |fail: bool| {
        events::handle(&receiver, &push.query, headers.clone(), push.body.as_bytes(), move |push: Push| {
            calls.fetch_add(1, Ordering::SeqCst);
            let kind = push.event.kind().map(str::to_owned);
            async move { if fail { Err(format!("cannot store {kind:?}")) } else { Ok(()) } }
        })
    };
    let failed = handle(true).await.expect_err("the callback failed");
    assert_eq!((failed.status(), calls.load(Ordering::SeqCst)), (500, 1));
    assert_eq!(handle(false).await.as_deref(), Ok("success"));
    assert_eq!(handle(false).await.as_deref(), Ok("success"));
    assert_eq!(calls.load(Ordering::SeqCst), 2, "called again after the failure, then never");
}
