//! Every refusal of a push is a typed error that says where and what, never a panic, and
//! never shows the token, the EncodingAESKey or the decrypted text; messages the tests
//! encrypt themselves round-trip; unknown events are kept.

use std::time::Duration;

use wechat_core::Secret;
use wechat_core::push::{
    DedupKey, Element, EncodingAesKey, FromMessage, Incoming, Message, Mode, Push, PushError, Query,
    Receiver, Reply, Sender, field, sign,
};

const TOKEN: &str = "push-token-SECRET-1";
const KEY: &str = "Zk9yVGVzdHNPbmx5Tm90QVJlYWxLZXlGb3JXZUNoYXQ";
const APPID: &str = "wx0123456789abcdef";
const NOW: i64 = 1_700_000_000;
const NONCE: &str = "1234567890";
/// Text only the decrypted message holds: it must never reach an error.
const PRIVATE: &str = "private-openid-oZI8Fj040";

fn event() -> Message {
    Message::from_elements(vec![
        Element::text("ToUserName", "gh_fc0a06a20993"),
        Element::text("FromUserName", PRIVATE),
        Element::text("CreateTime", "1475134700"),
        Element::text("MsgType", "event"),
        Element::text("Event", "user_authorize_invoice"),
        Element::text("SuccOrderId", "1202933957956"),
        Element::text("FailOrderId", ""),
        Element::text("AuthorizeAppId", "wx1234567887654321"),
        Element::text("Source", "web"),
    ])
}

fn receiver() -> Receiver {
    Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("valid key").clock(|| NOW)
}

/// A receiver without an EncodingAESKey: plain mode.
fn plain_receiver() -> Receiver {
    Receiver::new(TOKEN).clock(|| NOW)
}

fn safe_push() -> Push {
    Sender::new(TOKEN)
        .aes_key(&Secret::new(KEY), APPID)
        .expect("valid key")
        .seal(&event(), NOW, NONCE)
        .expect("seals")
}

fn plain_push() -> Push {
    Sender::new(TOKEN).seal(&event(), NOW, NONCE).expect("seals")
}

/// The push with `name` in its query set to `value`.
fn with_query(push: &Push, name: &str, value: &str) -> Query {
    Query::from_pairs(
        push.query
            .pairs()
            .iter()
            .map(|(k, v)| (k.clone(), if k == name { value.to_owned() } else { v.clone() })),
    )
}

/// The error, after checking its text shows no secret and no decrypted content.
fn refused(result: Result<impl std::fmt::Debug, PushError>) -> PushError {
    let error = result.expect_err("the push is refused");
    let shown = format!("{error} {error:?}");
    for secret in [TOKEN, KEY, PRIVATE] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    error
}

/// A safe-mode push of `xml` (encrypted as is), signed correctly.
fn safe_push_of(xml: &[u8], appid: &str) -> (Query, String) {
    let key = EncodingAesKey::new(KEY).expect("valid key");
    let encrypt = key.encrypt(xml, appid, [7; 16]).expect("encrypts");
    signed_encrypt(&encrypt)
}

fn signed_encrypt(encrypt: &str) -> (Query, String) {
    let timestamp = NOW.to_string();
    let query = Query::from_pairs([
        ("signature", sign(&[TOKEN, &timestamp, NONCE])),
        ("timestamp", timestamp.clone()),
        ("nonce", NONCE.to_owned()),
        ("encrypt_type", "aes".to_owned()),
        ("msg_signature", sign(&[TOKEN, &timestamp, NONCE, encrypt])),
    ]);
    (
        query,
        format!(
            "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        ),
    )
}

#[test]
fn safe_mode_round_trips_and_replies_encrypted() {
    let push = safe_push();
    assert!(!push.body.contains(PRIVATE), "the body is encrypted: {}", push.body);
    assert_eq!(push.query.get("encrypt_type"), Some("aes"));
    let received = receiver().receive(&push.query, push.body.as_bytes()).expect("verifies");
    assert_eq!(received, wechat_core::push::Received { message: event(), mode: Mode::Safe });
    assert_eq!(received.message.kind(), Some("user_authorize_invoice"));
    assert_eq!(
        received.message.dedup_key(),
        DedupKey::UserTime { from_user: PRIVATE.to_owned(), create_time: "1475134700".to_owned() }
    );

    // The encrypted reply decrypts, with the receiver's own signature, to the reply.
    let reply_xml = "<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ok]]></Content></xml>";
    let reply =
        Message::parse(receiver().reply_to(&received, reply_xml).expect("encrypts").as_bytes()).expect("XML");
    let (encrypt, signature) =
        (reply.text("Encrypt").expect("Encrypt"), reply.text("MsgSignature").expect("signature"));
    let (timestamp, nonce) =
        (reply.text("TimeStamp").expect("TimeStamp"), reply.text("Nonce").expect("Nonce"));
    assert_eq!(timestamp, NOW.to_string());
    assert_eq!(signature, sign(&[TOKEN, timestamp, nonce, encrypt]));
    let (xml, appid) = EncodingAesKey::new(KEY).expect("valid").decrypt(encrypt).expect("decrypts");
    assert_eq!((xml.as_slice(), appid.as_str()), (reply_xml.as_bytes(), APPID));
}

#[test]
fn plain_mode_round_trips_and_replies_in_clear() {
    let push = plain_push();
    assert_eq!(push.query.get("openid"), Some(PRIVATE));
    let plain = plain_receiver();
    let received =
        plain.receive(&Query::parse(&push.query.to_query_string()), push.body.as_bytes()).expect("verifies");
    assert_eq!((&received.message, received.mode), (&event(), Mode::Plain));
    assert_eq!(plain.reply_to(&received, "<xml/>").expect("plain"), "<xml/>");
    assert_eq!(plain.answer(Mode::Plain, &Reply::xml("<xml/>")).expect("plain"), "<xml/>");
    assert_eq!(plain.answer(Mode::Plain, &Reply::Ack).expect("ack"), "success");
}

/// The plain `signature` covers token, timestamp and nonce, never the body, and WeChat sends
/// it on safe-mode pushes too: whoever saw one safe-mode callback's query could send it again
/// with a clear body of their own. A receiver with a key refuses that.
#[test]
fn a_forged_clear_body_under_a_safe_pushs_valid_signature_is_refused() {
    let safe = safe_push();
    let signature = safe.query.get("signature").expect("WeChat sends signature in safe mode too");
    assert_eq!(signature, sign(&[TOKEN, &NOW.to_string(), NONCE]), "a valid plain signature");
    let forged_body = "<xml><ToUserName>gh_fc0a06a20993</ToUserName><FromUserName>o_attacker</FromUserName>\
                       <CreateTime>1475134700</CreateTime><MsgType>event</MsgType>\
                       <Event>user_authorize_invoice</Event><SuccOrderId>order-forged</SuccOrderId></xml>";
    // The replayed query without the encryption parameters: the plain path, refused.
    let replayed = Query::from_pairs(
        safe.query
            .pairs()
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "encrypt_type" | "msg_signature"))
            .cloned(),
    );
    let error = refused(receiver().receive(&replayed, forged_body.as_bytes()));
    assert_eq!(error, PushError::EncryptionRequired);
    assert!(error.to_string().contains("encryption is required"), "{error}");
    // The query as it was: it says the push is encrypted, and the body is not.
    assert_eq!(refused(receiver().receive(&safe.query, forged_body.as_bytes())), PushError::MissingEncrypt);
    // Through the framework-neutral entry point too.
    let headers = [("Content-Length", forged_body.len().to_string())];
    assert_eq!(
        refused(receiver().receive_request(&replayed, headers.clone(), forged_body.as_bytes())),
        PushError::EncryptionRequired
    );
    // A genuine plain push is refused as well: the key makes encryption required.
    let plain = plain_push();
    assert_eq!(
        refused(receiver().receive(&plain.query, plain.body.as_bytes())),
        PushError::EncryptionRequired
    );
}

#[test]
fn accept_plain_lets_plain_pushes_through_a_receiver_with_a_key() {
    let switching = receiver().accept_plain(true);
    assert!(format!("{switching:?}").contains("accept_plain: true"), "{switching:?}");
    let plain = plain_push();
    let received = switching.receive(&plain.query, plain.body.as_bytes()).expect("opted in");
    assert_eq!((&received.message, received.mode), (&event(), Mode::Plain));
    // The reply to a plain push goes back in clear.
    assert_eq!(switching.answer(received.mode, &Reply::xml("<xml/>")).expect("clear"), "<xml/>");
    // Encrypted pushes still verify and decrypt as before.
    let safe = safe_push();
    let received = switching.receive(&safe.query, safe.body.as_bytes()).expect("safe mode too");
    assert_eq!((received.message, received.mode), (event(), Mode::Safe));
    // Still signed: the opt-in does not let an unsigned push through.
    let forged = with_query(&plain, "signature", &"0".repeat(40));
    assert_eq!(
        refused(switching.receive(&forged, plain.body.as_bytes())),
        PushError::BadSignature { parameter: "signature" }
    );
    // And turning it off again restores the refusal.
    assert_eq!(
        refused(switching.accept_plain(false).receive(&plain.query, plain.body.as_bytes())),
        PushError::EncryptionRequired
    );
}

#[test]
fn compatible_mode_is_decrypted_or_read_in_clear_without_a_key() {
    let safe = safe_push();
    let encrypt =
        Message::parse(safe.body.as_bytes()).expect("XML").text("Encrypt").expect("Encrypt").to_owned();
    // Compatible mode: the clear message with Encrypt beside it.
    let clear = event().to_xml();
    let body = clear.replacen("</xml>", &format!("<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"), 1);
    let received = receiver().receive(&safe.query, body.as_bytes()).expect("verifies");
    assert_eq!((received.message, received.mode), (event(), Mode::Compatible));
    // With the key, the clear copy is never trusted: msg_signature covers only Encrypt, so a
    // clear copy changed on the way is dropped and the decrypted message returned.
    let forged = body.replace("1202933957956", "order-forged");
    assert_ne!(forged, body);
    let received = receiver().receive(&safe.query, forged.as_bytes()).expect("the Encrypt verifies");
    assert_eq!((received.message, received.mode), (event(), Mode::Compatible));
    // And the reply to a compatible-mode push is encrypted.
    let reply = receiver().answer(Mode::Compatible, &Reply::xml("<xml><A>1</A></xml>")).expect("encrypts");
    let encrypt = Message::parse(reply.as_bytes()).expect("XML").text("Encrypt").expect("Encrypt").to_owned();
    let (xml, _) = EncodingAesKey::new(KEY).expect("valid").decrypt(&encrypt).expect("decrypts");
    assert_eq!(xml, b"<xml><A>1</A></xml>");
    let keyless = Receiver::new(TOKEN).clock(|| NOW);
    let received = keyless.receive(&safe.query, body.as_bytes()).expect("reads the clear copy");
    assert_eq!((received.message, received.mode), (event(), Mode::Compatible));
    // Safe mode without a key cannot be read at all.
    assert_eq!(refused(keyless.receive(&safe.query, safe.body.as_bytes())), PushError::NoAesKey);
}

#[test]
fn plain_url_check_answers_the_echostr() {
    let timestamp = NOW.to_string();
    let query = Query::from_pairs([
        ("signature", sign(&[TOKEN, &timestamp, NONCE])),
        ("timestamp", timestamp),
        ("nonce", NONCE.to_owned()),
        ("echostr", "5837397520665436492".to_owned()),
    ]);
    assert_eq!(receiver().verify_url(&query).expect("verifies"), "5837397520665436492");
    let forged = with_query(&Push { query, body: String::new() }, "signature", &"0".repeat(40));
    assert_eq!(refused(receiver().verify_url(&forged)), PushError::BadSignature { parameter: "signature" });
}

#[test]
fn a_bad_signature_is_refused() {
    let push = plain_push();
    let forged = with_query(&push, "signature", "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(
        refused(plain_receiver().receive(&forged, push.body.as_bytes())),
        PushError::BadSignature { parameter: "signature" }
    );
    let push = safe_push();
    let forged = with_query(&push, "msg_signature", "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(
        refused(receiver().receive(&forged, push.body.as_bytes())),
        PushError::BadSignature { parameter: "msg_signature" }
    );
    // Another token's signature.
    let other = Receiver::new("another-token").clock(|| NOW);
    assert_eq!(
        refused(other.receive(&plain_push().query, plain_push().body.as_bytes())),
        PushError::BadSignature { parameter: "signature" }
    );
}

#[test]
fn a_timestamp_outside_the_window_is_refused() {
    let push = plain_push();
    let late = plain_receiver().clock(|| NOW + 301);
    assert_eq!(
        refused(late.receive(&push.query, push.body.as_bytes())),
        PushError::StaleTimestamp { timestamp: NOW, now: NOW + 301, skew_secs: 301, window_secs: 300 }
    );
    let early = plain_receiver().clock(|| NOW - 301);
    assert!(matches!(
        refused(early.receive(&push.query, push.body.as_bytes())),
        PushError::StaleTimestamp { .. }
    ));
    assert!(plain_receiver().clock(|| NOW + 300).receive(&push.query, push.body.as_bytes()).is_ok());
    let wide = plain_receiver().clock(|| NOW + 3600).window(Duration::from_secs(3600));
    assert!(wide.receive(&push.query, push.body.as_bytes()).is_ok());
    let garbage = with_query(&push, "timestamp", "yesterday");
    // The signature covers the timestamp, so sign the garbage too.
    let signed = with_query(
        &Push { query: garbage, body: String::new() },
        "signature",
        &sign(&[TOKEN, "yesterday", NONCE]),
    );
    assert_eq!(
        refused(plain_receiver().receive(&signed, push.body.as_bytes())),
        PushError::BadTimestamp { value: "yesterday".to_owned() }
    );
}

#[test]
fn missing_query_parameters_are_named() {
    let push = plain_push();
    for name in ["timestamp", "nonce", "signature"] {
        let query = Query::from_pairs(push.query.pairs().iter().filter(|(k, _)| k != name).cloned());
        assert_eq!(
            refused(plain_receiver().receive(&query, push.body.as_bytes())),
            PushError::MissingQuery { name }
        );
    }
    let push = safe_push();
    let query = Query::from_pairs(push.query.pairs().iter().filter(|(k, _)| k != "msg_signature").cloned());
    assert_eq!(
        refused(receiver().receive(&query, push.body.as_bytes())),
        PushError::MissingQuery { name: "msg_signature" }
    );
    // encrypt_type=aes with a body that has no Encrypt.
    assert_eq!(
        refused(receiver().receive(&push.query, event().to_xml().as_bytes())),
        PushError::MissingEncrypt
    );
}

#[test]
fn bad_base64_is_refused() {
    let (query, body) = signed_encrypt("not*base64!");
    assert_eq!(
        refused(receiver().receive(&query, body.as_bytes())),
        PushError::BadBase64 { what: "<Encrypt> text" }
    );
}

#[test]
fn a_ciphertext_of_partial_blocks_is_refused() {
    let (query, body) = signed_encrypt("AAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        refused(receiver().receive(&query, body.as_bytes())),
        PushError::BadCiphertextLength { len: 15 }
    );
}

#[test]
fn bad_padding_is_refused() {
    // Encrypted with another key: the padding comes out as noise. Several keys, since noise
    // can end in a valid padding by chance (1 in 256 or so per key).
    let keys = ["QW5vdGhlcktleUZvclRlc3RzT25seU5vdFJlYWxBQUE", "WWV0QW5vdGhlcktleUZvclRlc3RzT25seU5vdFJlYWw"];
    let refusals: Vec<PushError> = keys
        .iter()
        .map(|other| {
            let encrypt = EncodingAesKey::new(other).expect("valid").encrypt(
                event().to_xml().as_bytes(),
                APPID,
                [1; 16],
            );
            let (query, body) = signed_encrypt(&encrypt.expect("encrypts"));
            refused(receiver().receive(&query, body.as_bytes()))
        })
        .collect();
    assert!(refusals.contains(&PushError::BadPadding), "{refusals:?}");
    for refusal in refusals {
        assert!(matches!(
            refusal,
            PushError::BadPadding | PushError::BadPlaintext { .. } | PushError::WrongAppId { .. }
        ));
    }
}

#[test]
fn a_message_for_another_appid_is_refused() {
    let (query, body) = safe_push_of(event().to_xml().as_bytes(), "wx_another_app");
    assert_eq!(
        refused(receiver().receive(&query, body.as_bytes())),
        PushError::WrongAppId { expected: APPID.to_owned(), found: "wx_another_app".to_owned() }
    );
}

#[test]
fn a_body_over_the_cap_is_refused() {
    let push = safe_push();
    let small = receiver().max_body(push.body.len() - 1);
    assert_eq!(
        refused(small.receive(&push.query, push.body.as_bytes())),
        PushError::BodyTooLarge { len: push.body.len(), cap: push.body.len() - 1 }
    );
    assert_eq!(small.max_body_len(), push.body.len() - 1);
    assert!(receiver().max_body(push.body.len()).receive(&push.query, push.body.as_bytes()).is_ok());
}

#[test]
fn the_request_entry_point_reads_headers_and_refuses_an_oversized_body_before_reading_it() {
    let push = safe_push();
    let len = push.body.len().to_string();
    // A Content-Length over the cap: refused from the headers alone, before any body.
    let small = receiver().max_body(100);
    assert_eq!(
        refused(small.check_headers([("content-length", "5000000")])),
        PushError::BodyTooLarge { len: 5_000_000, cap: 100 }
    );
    assert!(small.check_headers([("Content-Length", "100")]).is_ok());
    assert!(small.check_headers(Vec::<(&str, &str)>::new()).is_ok(), "no Content-Length: read, capped");
    // The whole request: headers in any case, values as bytes or text.
    let headers = [("Content-Type", "text/xml"), ("CONTENT-LENGTH", len.as_str())];
    let received = receiver().receive_request(&push.query, headers, push.body.as_bytes()).expect("verifies");
    assert_eq!((received.message, received.mode), (event(), Mode::Safe));
    // WeChat's Content-Type is not reliable: never a reason to refuse.
    let odd = [("Content-Type", "application/octet-stream")];
    assert!(receiver().receive_request(&push.query, odd, push.body.as_bytes()).is_ok());
    // A body shorter than announced (a truncated read), a malformed or doubled length, a
    // compressed body: refused with the header named.
    let short = &push.body.as_bytes()[..push.body.len() - 1];
    assert!(matches!(
        refused(receiver().receive_request(&push.query, [("Content-Length", len.as_str())], short)),
        PushError::BadHeader { name: "Content-Length", .. }
    ));
    for headers in [
        vec![("Content-Length", "12x")],
        vec![("Content-Length", len.as_str()), ("Content-Length", "1")],
        vec![("Content-Encoding", "gzip")],
    ] {
        assert!(
            matches!(
                refused(receiver().receive_request(&push.query, headers.clone(), push.body.as_bytes())),
                PushError::BadHeader { .. }
            ),
            "{headers:?}"
        );
    }
}

#[test]
fn a_push_reads_as_a_typed_event_with_its_retry_key_and_answers_in_its_mode() {
    /// The typed read an application's event type does (the generated `Event` is one).
    #[derive(Debug, PartialEq)]
    struct Authorized {
        order: String,
    }
    impl FromMessage for Authorized {
        fn from_message(message: &Message) -> Result<Self, PushError> {
            field::expect_kind(message, "user_authorize_invoice")?;
            Ok(Self { order: field::string(message, "SuccOrderId")? })
        }
    }
    let push = safe_push();
    let incoming: Incoming<Authorized> = receiver()
        .receive_event(&push.query, [("Content-Length", push.body.len().to_string())], push.body.as_bytes())
        .expect("reads");
    assert_eq!(incoming.event, Authorized { order: "1202933957956".to_owned() });
    assert_eq!(incoming.dedup_key, event().dedup_key());
    assert_eq!(incoming.mode, Mode::Safe);
    assert_eq!(incoming.answer(&receiver(), &Reply::Ack).expect("ack"), "success");
    let reply =
        incoming.answer(&receiver(), &Reply::xml("<xml><Content>ok</Content></xml>")).expect("encrypts");
    let reply = Message::parse(reply.as_bytes()).expect("XML");
    let encrypt = reply.text("Encrypt").expect("Encrypt");
    assert_eq!(
        reply.text("MsgSignature"),
        Some(
            sign(&[
                TOKEN,
                reply.text("TimeStamp").expect("TimeStamp"),
                reply.text("Nonce").expect("Nonce"),
                encrypt
            ])
            .as_str()
        )
    );
    let (xml, appid) = EncodingAesKey::new(KEY).expect("valid").decrypt(encrypt).expect("decrypts");
    assert_eq!((xml.as_slice(), appid.as_str()), (&b"<xml><Content>ok</Content></xml>"[..], APPID));
    // A plain push typed the same way, answered in clear.
    let plain = plain_push();
    let incoming: Incoming<Authorized> =
        plain_receiver().receive_event(&plain.query, [("a", "b")], plain.body.as_bytes()).expect("reads");
    assert_eq!(incoming.answer(&plain_receiver(), &Reply::xml("<xml/>")).expect("clear"), "<xml/>");
}

/// An element read as the wrong type names the element and the type expected, never the
/// decrypted text it held.
#[test]
fn a_decrypted_fields_content_never_shows_in_an_error() {
    #[derive(Debug)]
    struct Strict;
    impl FromMessage for Strict {
        fn from_message(message: &Message) -> Result<Self, PushError> {
            field::integer(message, "FromUserName")?;
            Ok(Self)
        }
    }
    let push = safe_push();
    let error =
        refused(receiver().receive_event::<Strict, &str, &str>(&push.query, [], push.body.as_bytes()));
    assert_eq!(
        error,
        PushError::InvalidField {
            name: "FromUserName",
            expected: "an integer",
            found: format!("text of {} characters", PRIVATE.len())
        }
    );
    // The flag and nested readers say as little.
    let message =
        Message::parse(format!("<xml><Flag>{PRIVATE}</Flag><Nest><A>{PRIVATE}</A></Nest></xml>").as_bytes())
            .expect("XML");
    for error in [
        field::boolean(&message, "Flag").expect_err("not a flag"),
        field::string(&message, "Nest").expect_err("not text"),
        field::integer(&Message::parse(b"<xml><N>\xe4\xb8\xad</N></xml>").expect("XML"), "N")
            .expect_err("not a number"),
    ] {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(PRIVATE) && !shown.contains('中'), "{shown}");
        assert!(matches!(error, PushError::InvalidField { .. }), "{error:?}");
    }
}

#[test]
fn doctype_and_entities_are_refused_never_expanded() {
    let billion = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><xml><MsgType>&b;</MsgType></xml>";
    assert!(matches!(refused(Message::parse(billion.as_bytes())), PushError::Doctype { .. }));
    let external = "<!DOCTYPE xml SYSTEM \"file:///etc/passwd\"><xml><a>x</a></xml>";
    assert!(matches!(refused(Message::parse(external.as_bytes())), PushError::Doctype { .. }));
    let undeclared = "<xml><MsgType>&secret;</MsgType></xml>";
    assert_eq!(refused(Message::parse(undeclared.as_bytes())), PushError::Entity { at: 14 });
    // XML's own five and character references are text, not entities to expand.
    let fine =
        Message::parse("<xml><a>&lt;b&gt; &amp; &#20013;&#x6587;</a></xml>".as_bytes()).expect("well-formed");
    assert_eq!(fine.text("a"), Some("<b> & 中文"));
    // Inside an encrypted push too.
    let (query, body) = safe_push_of(billion.as_bytes(), APPID);
    assert!(matches!(refused(receiver().receive(&query, body.as_bytes())), PushError::Doctype { .. }));
}

#[test]
fn malformed_xml_is_refused_with_where() {
    for (xml, what) in [
        ("<xml><a>1</b></xml>", "mismatched end"),
        ("<xml><a>1</a>", "unclosed root"),
        ("<other><a>1</a></other>", "root not <xml>"),
        ("<xml/><xml/>", "two roots"),
        ("text<xml/>", "text before the root"),
        ("", "empty"),
        ("<xml><a><![CDATA[open", "unclosed CDATA"),
        // The reader splits tags at whitespace only: names that are no XML name are refused,
        // or to_xml would write them back as XML that does not read (found by fuzzing).
        ("<xml><a'b>1</a'b></xml>", "a quote in a name"),
        ("<xml><a&b/></xml>", "an ampersand in a name"),
        ("<xml><-a\0\n<xml><To&#p;2/>x</xml>", "a name of a dash, a NUL and a newline"),
        ("<xml><1a>1</1a></xml>", "a name starting with a digit"),
    ] {
        let error = refused(Message::parse(xml.as_bytes()));
        assert!(matches!(error, PushError::Malformed { .. }), "{what}: {error:?}");
    }
    // quick-xml's own messages quote element names: in a decrypted message, they are content.
    for xml in ["<xml><private-name>1</private-other></xml>", "<private-root/>", "<xml/><private-after/>"] {
        let error = refused(Message::parse(xml.as_bytes()));
        assert!(!format!("{error} {error:?}").contains("private"), "{error:?}");
    }
    // Every name WeChat writes still reads, and writes back as XML that reads the same.
    let names =
        Message::parse(b"<xml><ToUserName>a</ToUserName><Fee_Info><fee-1.x>2</fee-1.x></Fee_Info></xml>")
            .expect("XML names");
    assert_eq!(Message::parse(names.to_xml().as_bytes()).expect("round trip"), names);
    assert_eq!(refused(Message::parse(b"<xml>\xff</xml>")), PushError::NotUtf8 { at: 5 });
    let deep = format!("<xml>{}{}</xml>", "<a>".repeat(20), "</a>".repeat(20));
    assert!(matches!(refused(Message::parse(deep.as_bytes())), PushError::TooDeep { max: 16, .. }));
    let many = format!("<xml>{}</xml>", "<a/>".repeat(Message::MAX_ELEMENTS));
    assert_eq!(
        refused(Message::parse(many.as_bytes())),
        PushError::TooManyElements { max: Message::MAX_ELEMENTS }
    );
}

#[test]
fn a_bad_aes_key_is_refused_without_showing_it() {
    for key in ["short", &"!".repeat(43), &format!("{KEY}A")] {
        let error = refused(Receiver::new(TOKEN).aes_key(&Secret::new(key), APPID));
        assert!(matches!(error, PushError::BadAesKey { .. }), "{error:?}");
    }
    let shown = format!("{:?} {:?}", receiver(), EncodingAesKey::new(KEY).expect("valid"));
    assert!(!shown.contains(TOKEN) && !shown.contains(KEY), "{shown}");
}

#[test]
fn unknown_events_are_kept_whole() {
    let xml = "<xml>\n  <ToUserName> <![CDATA[gh_1]]> </ToUserName>\n  <FromUserName><![CDATA[o_user]]></FromUserName>\n  <CreateTime>1</CreateTime>\n  <MsgType><![CDATA[event]]></MsgType>\n  <Event><![CDATA[brand_new_event]]></Event>\n  <Detail><Item><![CDATA[x]]></Item><Item>y</Item></Detail>\n  <Note>line one\nline two</Note>\n</xml>";
    let (query, body) = safe_push_of(xml.as_bytes(), APPID);
    let message = receiver().receive(&query, body.as_bytes()).expect("unknown events are received").message;
    assert_eq!(message.kind(), Some("brand_new_event"));
    let names: Vec<&str> = message.elements().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "Detail", "Note"]);
    assert_eq!(message.text("ToUserName"), Some("gh_1"));
    assert_eq!(message.child("Detail").map(<[Element]>::len), Some(2));
    assert_eq!(message.text("Note"), Some("line one\nline two"));
    // What to_xml writes reads back the same.
    assert_eq!(
        Message::parse(message.to_xml().as_bytes()).expect("XML").text("Note"),
        Some("line one\nline two")
    );
}

#[test]
fn dedup_keys_follow_wechats_documentation() {
    let parse = |xml: &str| Message::parse(xml.as_bytes()).expect("XML").dedup_key();
    assert_eq!(
        parse(
            "<xml><MsgId>6054768590064713728</MsgId><FromUserName>u</FromUserName><CreateTime>1</CreateTime></xml>"
        ),
        DedupKey::MsgId("6054768590064713728".to_owned())
    );
    assert_eq!(
        parse(
            "<xml><AppId>wx1</AppId><CreateTime>1413192605</CreateTime><InfoType>component_verify_ticket</InfoType></xml>"
        ),
        DedupKey::AppTime {
            app_id: "wx1".to_owned(),
            create_time: "1413192605".to_owned(),
            info_type: "component_verify_ticket".to_owned()
        }
    );
    let a = parse("<xml><Other>1</Other></xml>");
    assert!(matches!(&a, DedupKey::Content(digest) if digest.len() == 40), "{a:?}");
    assert_eq!(a, parse("<xml>\n<Other> 1 </Other></xml>"));
    assert_ne!(a, parse("<xml><Other>2</Other></xml>"));
}

#[test]
fn field_helpers_trim_and_name_the_element() {
    let m = Message::parse(
        "<xml><Event> <![CDATA[user_get_card]]> </Event><OuterId>0</OuterId><Fee><![CDATA[10000]]></Fee>\
         <IsGiveByFriend>1</IsGiveByFriend><IsChatRoom>true</IsChatRoom><FriendUserName><![CDATA[]]></FriendUserName>\
         <Bad>12a</Bad><Flag>yes</Flag><List><Item>1</Item></List></xml>"
            .as_bytes(),
    )
    .expect("XML");
    assert_eq!(field::string(&m, "Event"), Ok("user_get_card".to_owned()));
    assert_eq!(field::integer(&m, "Fee"), Ok(10000));
    assert_eq!(field::opt_integer(&m, "OuterId"), Ok(Some(0)));
    assert_eq!(field::boolean(&m, "IsGiveByFriend"), Ok(true));
    assert_eq!(field::boolean(&m, "IsChatRoom"), Ok(true));
    assert_eq!(field::opt_string(&m, "FriendUserName"), Ok(None));
    assert_eq!(field::string(&m, "FriendUserName"), Err(PushError::MissingField { name: "FriendUserName" }));
    assert_eq!(field::opt_integer(&m, "Absent"), Ok(None));
    assert_eq!(
        field::integer(&m, "Bad"),
        Err(PushError::InvalidField {
            name: "Bad",
            expected: "an integer",
            found: "text of 3 characters".to_owned()
        })
    );
    assert!(matches!(field::boolean(&m, "Flag"), Err(PushError::InvalidField { name: "Flag", .. })));
    assert!(matches!(field::string(&m, "List"), Err(PushError::InvalidField { name: "List", .. })));
    assert_eq!(field::children(&m, "List").map(<[Element]>::len), Ok(1));
    assert_eq!(field::expect_kind(&m, "user_get_card"), Ok(()));
    assert_eq!(
        field::expect_kind(&m, "user_del_card"),
        Err(PushError::WrongKind { expected: "user_del_card", found: Some("user_get_card".to_owned()) })
    );
    let error = field::integer(&m, "Bad").expect_err("not a number").to_string();
    assert!(error.contains("<Bad>") && error.contains("integer"), "{error}");
}
