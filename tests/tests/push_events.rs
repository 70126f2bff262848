//! The generated event types (`wechat_card::events`) on messages as WeChat sends them: unknown
//! events keep every element, missing or malformed elements are errors naming the element,
//! credentials never print, and a push sealed as WeChat seals it arrives typed through a real
//! HTTP receiver on 127.0.0.1.

use std::time::Duration;

use tokio::sync::mpsc;
use wechat_card::events::{ComponentVerifyTicket, Event, UserAuthorizeInvoice, UserConsumeCard};
use wechat_core::push::{Element, FromMessage, Message, PushError, Receiver, Sender, Value};

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const TOKEN: &str = "push-token";
const APPID: &str = "wx1234567887654321";

fn parse(xml: &str) -> Message {
    Message::parse(xml.as_bytes()).expect("the test message is well-formed")
}

#[test]
fn an_unknown_event_keeps_every_element() {
    // A gift-card event this SDK does not declare, with a nested element besides.
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_1]]></FromUserName>\
               <CreateTime>1500000000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
               <Event><![CDATA[giftcard_pay_done]]></Event><PageId><![CDATA[abcd]]></PageId>\
               <OrderId><![CDATA[Z2y2rY74ksZX1ceuGbMxx]]></OrderId><Detail><Item>1</Item></Detail></xml>";
    let message = parse(xml);
    let event = Event::from_message(&message).expect("an unknown event is not an error");
    let Event::Unknown(kept) = &event else { panic!("expected Unknown, got {event:?}") };
    assert_eq!(kept, &message);
    assert_eq!(event.kind(), Some("giftcard_pay_done"));
    assert_eq!(kept.text("PageId"), Some("abcd"));
    assert_eq!(kept.child("Detail"), Some(&[Element::text("Item", "1")][..]));
    assert_eq!(event.to_message().to_xml(), message.to_xml(), "written back exactly as it came");
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
    let typed = ComponentVerifyTicket::from_message(&parse(&xml)).expect("reads");
    assert_eq!(typed.component_verify_ticket.expose(), ticket);
    let event = Event::parse(xml.as_bytes()).expect("reads");
    for printed in [format!("{typed:?}"), format!("{event:?}")] {
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
}

/// WeChat's push, sealed in safe mode, POSTed to an axum route on 127.0.0.1, arrives typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_push_arrives_typed_over_http() {
    let (sent, mut received) = mpsc::unbounded_channel();
    let receiver = Receiver::new(TOKEN).aes_key(KEY, APPID).expect("valid key");
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
        .aes_key(KEY, APPID)
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
