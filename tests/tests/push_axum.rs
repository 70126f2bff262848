//! The axum route on a real server on 127.0.0.1: the URL check, a push handed to the
//! application and answered `success`, the application's reply encrypted as the push was, a
//! forged push, a push in clear and an oversized body refused before the application sees
//! them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wechat_core::Secret;
use wechat_core::push::{Element, EncodingAesKey, Message, Query, Receiver, Reply, Sender, sign};

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
    let answer = tests::pushes::deliver(&http, &url, &push).await;
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

fn now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    i64::try_from(now.as_secs()).expect("fits")
}

/// A user's text message, the kind of push WeChat takes a reply to.
fn text_message(create_time: i64) -> Message {
    Message::from_elements(vec![
        Element::text("ToUserName", "gh_1"),
        Element::text("FromUserName", "o_user"),
        Element::text("CreateTime", create_time.to_string()),
        Element::text("MsgType", "text"),
        Element::text("Content", "hello"),
        Element::text("MsgId", "6054768590064713728"),
    ])
}

/// The reply the application sends to `message`.
fn reply_to(message: &Message) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[gh_1]]></FromUserName>\
         <CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[got {}]]></Content></xml>",
        message.text("FromUserName").unwrap_or_default(),
        message.text("Content").unwrap_or_default()
    )
}

/// Serves `route` at `/push` on 127.0.0.1; returns its URL and the server's task.
async fn serve(route: axum::routing::MethodRouter) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/push", listener.local_addr().expect("address"));
    let app = axum::Router::new().route("/push", route);
    (url, tokio::spawn(async move { axum::serve(listener, app).await }))
}

#[tokio::test]
async fn the_applications_reply_comes_back_encrypted_and_decrypts() {
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let route = wechat_core::push::axum::route(receiver, |message: Message| async move {
        match message.kind() {
            Some("text") => Reply::xml(reply_to(&message)),
            _ => Reply::Ack,
        }
    });
    let (url, server) = serve(route).await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let sender = Sender::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let message = text_message(now());
    let push = sender.seal(&message, now(), "31").expect("seals");
    let answer = tests::pushes::deliver(&http, &url, &push).await;
    assert_eq!(answer.status(), 200);
    let body = answer.text().await.expect("text");
    assert!(!body.contains("got hello"), "the reply is encrypted: {body}");
    let envelope = Message::parse(body.as_bytes()).expect("an XML envelope");
    let encrypt = envelope.text("Encrypt").expect("<Encrypt>");
    let (timestamp, nonce) =
        (envelope.text("TimeStamp").expect("TimeStamp"), envelope.text("Nonce").expect("Nonce"));
    assert_eq!(envelope.text("MsgSignature"), Some(sign(&[TOKEN, timestamp, nonce, encrypt]).as_str()));
    let (xml, appid) = EncodingAesKey::new(KEY).expect("valid").decrypt(encrypt).expect("decrypts");
    assert_eq!((String::from_utf8(xml).expect("UTF-8"), appid.as_str()), (reply_to(&message), APPID));

    // An event the callback acknowledges: `success`.
    let mut event = text_message(now()).elements().to_vec();
    event[3] = Element::text("MsgType", "event");
    event.push(Element::text("Event", "user_view_card"));
    let push = sender.seal(&Message::from_elements(event), now(), "32").expect("seals");
    let answer = tests::pushes::deliver(&http, &url, &push).await;
    assert_eq!(answer.text().await.expect("text"), "success");
    server.abort();
}

#[tokio::test]
async fn a_plain_route_replies_in_clear_and_a_keyed_route_refuses_clear_pushes() {
    let seen: Arc<Mutex<usize>> = Arc::default();
    let count = Arc::clone(&seen);
    let keyed = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key");
    let (keyed_url, keyed_server) = serve(wechat_core::push::axum::route(keyed, move |_: Message| {
        let count = Arc::clone(&count);
        async move { *count.lock().expect("not poisoned") += 1 }
    }))
    .await;
    let (plain_url, plain_server) =
        serve(wechat_core::push::axum::route(Receiver::new(TOKEN), |message: Message| async move {
            Reply::xml(reply_to(&message))
        }))
        .await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let message = text_message(now());
    let push = Sender::new(TOKEN).seal(&message, now(), "41").expect("seals");

    let answer = tests::pushes::deliver(&http, &plain_url, &push).await;
    assert_eq!(answer.text().await.expect("text"), reply_to(&message), "plain mode: the reply in clear");

    // The same validly signed clear push to a route with a key: 403, the callback never runs.
    let answer = tests::pushes::deliver(&http, &keyed_url, &push).await;
    assert_eq!(answer.status(), 403);
    assert!(answer.text().await.expect("text").contains("encryption is required"));
    assert_eq!(*seen.lock().expect("not poisoned"), 0);
    keyed_server.abort();
    plain_server.abort();
}

#[tokio::test]
async fn an_oversized_body_is_refused_from_its_content_length_or_while_read() {
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key").max_body(1024);
    let (url, server) = serve(wechat_core::push::axum::route(receiver, |_: Message| async {})).await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let push = Sender::new(TOKEN)
        .aes_key(&Secret::new(KEY), APPID)
        .expect("valid key")
        .seal(&text_message(now()), now(), "51")
        .expect("seals");
    let big = format!("{}{}", push.body, " ".repeat(2048));
    let answer = http
        .post(format!("{url}?{}", push.query.to_query_string()))
        .body(big.clone())
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 413);
    assert!(answer.text().await.expect("text").contains("over the cap of 1024"));
    // Chunked, without a Content-Length: the read stops at the cap.
    let status = chunked_post(&url, &push.query.to_query_string(), big.as_bytes()).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    // Under the cap it is read, verified and acknowledged.
    let answer = tests::pushes::deliver(&http, &url, &push).await;
    assert_eq!(answer.text().await.expect("text"), "success");
    server.abort();
}

/// POSTs `body` in 256-byte chunks (`Transfer-Encoding: chunked`, no Content-Length) and
/// returns the answer's status line.
async fn chunked_post(url: &str, query: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (address, path) = url.trim_start_matches("http://").split_once('/').expect("a path");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connects");
    let mut request =
        format!("POST /{path}?{query} HTTP/1.1\r\nHost: {address}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            .into_bytes();
    for chunk in body.chunks(256) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let exchange = async {
        // The server may answer and close before it has read everything: a failed write is
        // not the test's concern, the answer is.
        let _ = stream.write_all(&request).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        answer
    };
    let answer = tokio::time::timeout(Duration::from_secs(10), exchange).await.expect("answers within 10 s");
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_body_dripped_slowly_is_answered_408_at_the_read_bound() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let receiver = Receiver::new(TOKEN)
        .aes_key(&Secret::new(KEY), APPID)
        .expect("valid key")
        .body_timeout(Duration::from_millis(500));
    let (url, server) = serve(wechat_core::push::axum::route(receiver, |_: Message| async {})).await;
    let push = Sender::new(TOKEN)
        .aes_key(&Secret::new(KEY), APPID)
        .expect("valid key")
        .seal(&text_message(now()), now(), "61")
        .expect("seals");
    // The whole body would take 40 s and more at one byte per 100 ms.
    assert!(push.body.len() > 400, "{}", push.body.len());
    let (address, path) = url.trim_start_matches("http://").split_once('/').expect("a path");
    let stream = tokio::net::TcpStream::connect(address).await.expect("connects");
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /{path}?{} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\n\r\n",
        push.query.to_query_string(),
        push.body.len()
    );
    let body = push.body.into_bytes();
    let dripper = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await.expect("the head is sent");
        for byte in body {
            if writer.write_all(&[byte]).await.is_err() {
                break; // the server closed the connection
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), reader.read_to_end(&mut answer))
        .await
        .expect("answered and closed long before the drip ends (hang guard)")
        .expect("reads the answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("not received within 500ms"), "{answer}");
    dripper.abort();
    server.abort();
}
