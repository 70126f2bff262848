//! The axum route on a real server on 127.0.0.1: the URL check, a push handed to the
//! application and answered `success`, a forged push refused before the application sees it.

use std::sync::{Arc, Mutex};

use wechat_core::Secret;
use wechat_core::push::{Element, Message, Query, Receiver, Sender, sign};

const TOKEN: &str = "axum-route-token";
const KEY: &str = "Zk9yVGVzdHNPbmx5Tm90QVJlYWxLZXlGb3JXZUNoYXQ";
const APPID: &str = "wx0123456789abcdef";

#[tokio::test]
async fn the_route_checks_the_url_delivers_pushes_and_refuses_forgeries() {
    let seen: Arc<Mutex<Vec<Message>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let app = axum::Router::new().route(
        "/push",
        wechat_core::push::axum::route(receiver, move |message: Message| {
            let sink = Arc::clone(&sink);
            async move { sink.lock().expect("not poisoned").push(message) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/push", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    let timestamp = now.to_string();

    let check = Query::from_pairs([
        ("signature", sign(&[TOKEN, &timestamp, "42"])),
        ("timestamp", timestamp.clone()),
        ("nonce", "42".to_owned()),
        ("echostr", "echo+me".to_owned()),
    ]);
    let answer = http.get(format!("{url}?{}", check.to_query_string())).send().await.expect("answers");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("text"), "echo+me");

    let event = Message::from_elements(vec![
        Element::text("ToUserName", "gh_1"),
        Element::text("FromUserName", "o_user"),
        Element::text("CreateTime", timestamp.clone()),
        Element::text("MsgType", "event"),
        Element::text("Event", "card_pass_check"),
        Element::text("CardId", "pFS7Fjg8kV1I"),
    ]);
    let push = Sender::new(TOKEN)
        .aes_key(&Secret::new(KEY), APPID)
        .expect("valid key")
        .seal(&event, i64::try_from(now).expect("fits"), "7")
        .expect("seals");
    let answer = http
        .post(format!("{url}?{}", push.query.to_query_string()))
        .body(push.body.clone())
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("text"), "success");
    assert_eq!(*seen.lock().expect("not poisoned"), vec![event]);

    let forged = Query::from_pairs(
        push.query
            .pairs()
            .iter()
            .map(|(k, v)| (k.clone(), if k == "msg_signature" { "0".repeat(40) } else { v.clone() })),
    );
    let answer = http
        .post(format!("{url}?{}", forged.to_query_string()))
        .body(push.body)
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 403);
    let text = answer.text().await.expect("text");
    assert!(text.contains("msg_signature") && !text.contains(TOKEN) && !text.contains(KEY), "{text}");
    assert_eq!(seen.lock().expect("not poisoned").len(), 1, "the forgery never reached the application");
    server.abort();
}
