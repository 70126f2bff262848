//! WeChat's own published encryption samples decrypt, verify and re-encrypt byte for byte.
//!
//! Two sources, both public test vectors rather than live credentials:
//! - WeChat's official-account sample (cryptoDemo.zip, `Java/src/com/qq/weixin/mp/aes/
//!   WXBizMsgCryptTest.java`: EncodingAESKey `abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG`,
//!   token `pamtest`, appid `wxb11529c136998cb6`, timestamp 1409304348, nonce `xxxxxx`, random
//!   `aaaabbbbccccdddd`), as reproduced by WxJava's
//!   `weixin-java-common/src/test/java/me/chanjar/weixin/common/util/crypto/WxCryptUtilTest.java`.
//!   That sample publishes ciphertexts, not a `msg_signature`.
//! - WeChat's official-account sample of its 消息加解密 kit (`Sample.py`, by jonyqin, 2014;
//!   `Sample.java` carries the same values): token `spamtest`, appid `wx2c2769f8efd9abc2`,
//!   timestamp 1409735669, nonce `1320562132`, and a compatible-mode push (`from_xml`: the
//!   message in clear with its `Encrypt` beside it) with its published `msg_signature`. As
//!   reproduced verbatim in `charlesXu86/Chatbot_CN`, path `Chatbot_Web/impl/weixin/Sample.py`,
//!   and in the tests of other public SDKs (pywe-sign's signature test, a Go `mp` package's
//!   crypto test). Here nothing is signed by this SDK: the signature and ciphertext are
//!   WeChat's.
//! - The sample wechatpy's `tests/test_crypto.py` reproduces for the same scheme (WeCom's guide:
//!   token `123456`, EncodingAESKey `kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR`, receiver id
//!   `wx49f0ab532d5d035a`), which publishes a ciphertext with its `msg_signature`, an encrypted
//!   URL-check `echostr` with its signature, and an encrypted reply.

use wechat_core::Secret;
use wechat_core::push::{EncodingAesKey, Message, Mode, PushError, Query, Receiver, Value, sign};

const MP_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const MP_TOKEN: &str = "pamtest";
const MP_APPID: &str = "wxb11529c136998cb6";
const MP_TIMESTAMP: i64 = 1409304348;
const MP_NONCE: &str = "xxxxxx";
const MP_RANDOM: &[u8; 16] = b"aaaabbbbccccdddd";
const MP_REPLY: &str = "我是中文abcd123";
const MP_REPLY_ENCRYPTED: &str =
    "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
const MP_MESSAGE: &str = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
const MP_MESSAGE_ENCRYPTED: &str = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";

const WORK_TOKEN: &str = "123456";
const WORK_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const WORK_ID: &str = "wx49f0ab532d5d035a";

fn mp_key() -> EncodingAesKey {
    EncodingAesKey::new(MP_KEY).expect("the sample key is valid")
}

#[test]
fn the_official_sample_encrypts_byte_for_byte() {
    let key = mp_key();
    assert_eq!(key.encrypt(MP_REPLY.as_bytes(), MP_APPID, *MP_RANDOM).expect("encrypts"), MP_REPLY_ENCRYPTED);
    assert_eq!(
        key.encrypt(MP_MESSAGE.as_bytes(), MP_APPID, *MP_RANDOM).expect("encrypts"),
        MP_MESSAGE_ENCRYPTED
    );
}

#[test]
fn the_official_sample_decrypts_to_its_text_and_appid() {
    let key = mp_key();
    let (xml, appid) = key.decrypt(MP_REPLY_ENCRYPTED).expect("decrypts");
    assert_eq!((String::from_utf8(xml).expect("UTF-8"), appid.as_str()), (MP_REPLY.to_owned(), MP_APPID));
    let (xml, appid) = key.decrypt(MP_MESSAGE_ENCRYPTED).expect("decrypts");
    assert_eq!((String::from_utf8(xml).expect("UTF-8"), appid.as_str()), (MP_MESSAGE.to_owned(), MP_APPID));
}

/// That sample publishes no `msg_signature`, so this one is the SDK's own (`sign`): it checks
/// the receiver's plumbing, not the signature. WeChat's own published signature is checked by
/// `wechats_official_sample_push_verifies_and_decrypts_to_its_message`.
#[test]
fn the_official_sample_is_received_as_a_safe_mode_push() {
    let receiver = Receiver::new(MP_TOKEN)
        .aes_key(&Secret::new(MP_KEY), MP_APPID)
        .expect("the sample key is valid")
        .clock(|| MP_TIMESTAMP + 30);
    let timestamp = MP_TIMESTAMP.to_string();
    let body = format!(
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[{MP_MESSAGE_ENCRYPTED}]]></Encrypt></xml>"
    );
    let msg_signature = sign(&[MP_TOKEN, &timestamp, MP_NONCE, MP_MESSAGE_ENCRYPTED]);
    let query = Query::from_pairs([
        ("signature", sign(&[MP_TOKEN, &timestamp, MP_NONCE])),
        ("timestamp", timestamp.clone()),
        ("nonce", MP_NONCE.to_owned()),
        ("encrypt_type", "aes".to_owned()),
        ("msg_signature", msg_signature),
    ]);
    let received = receiver.receive(&query, body.as_bytes()).expect("the sample verifies");
    assert_eq!(received.mode, Mode::Safe);
    let message = &received.message;
    assert_eq!(message.text("ToUserName"), Some("oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw"));
    assert_eq!(message.text("CreateTime"), Some("1407743423"));
    assert_eq!(message.kind(), Some("video"));
    let video = message.child("Video").expect("Video holds elements");
    let names: Vec<&str> = video.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["MediaId", "Title", "Description"]);
    assert_eq!(video[1].value, Value::Text("testCallBackReplyVideo".to_owned()));
}

/// wechatpy `test_decrypt_message`: a push with its published `msg_signature`.
#[test]
fn wechatpys_published_push_verifies_and_decrypts() {
    let body = "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>";
    let query = Query::parse(
        "msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d&timestamp=1411525903&nonce=461056294",
    );
    let receiver = Receiver::new(WORK_TOKEN)
        .aes_key(&Secret::new(WORK_KEY), WORK_ID)
        .expect("valid key")
        .clock(|| 1411525903);
    let received = receiver.receive(&query, body.as_bytes()).expect("the published push verifies");
    // The clear AgentID beside Encrypt makes it look like compatible mode; what matters is the
    // decrypted content.
    assert!(received.mode.is_encrypted());
    assert_eq!(received.message.text("Content"), Some("test"));
    assert_eq!(received.message.text("FromUserName"), Some("messense"));

    let wrong_nonce = Query::parse(
        "msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d&timestamp=1411525903&nonce=461056295",
    );
    assert_eq!(
        receiver.receive(&wrong_nonce, body.as_bytes()),
        Err(PushError::BadSignature { parameter: "msg_signature" })
    );
}

/// wechatpy `test_check_signature_should_ok` / `_should_fail`: a URL check whose `echostr` is
/// encrypted, answered with the decrypted text.
#[test]
fn wechatpys_published_url_check_answers_the_decrypted_echostr() {
    let receiver = Receiver::new(WORK_TOKEN)
        .aes_key(&Secret::new(WORK_KEY), WORK_ID)
        .expect("valid key")
        .clock(|| 1411443780);
    let echostr = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
    let query = |nonce: &str| {
        Query::from_pairs([
            ("msg_signature", "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"),
            ("timestamp", "1411443780"),
            ("nonce", nonce),
            ("echostr", echostr),
        ])
    };
    let answer = receiver.verify_url(&query("437374425")).expect("the published check verifies");
    let (plain, _) = EncodingAesKey::new(WORK_KEY).expect("valid").decrypt(echostr).expect("decrypts");
    assert_eq!(answer.as_bytes(), plain.as_slice());
    assert!(!answer.is_empty() && answer.bytes().all(|b| b.is_ascii_digit()), "{answer}");
    assert_eq!(
        receiver.verify_url(&query("437374424")),
        Err(PushError::BadSignature { parameter: "msg_signature" })
    );
}

/// wechatpy `test_encrypt_message`: the reply encrypted with random `1234567890123456`, and its
/// published `MsgSignature`.
#[test]
fn wechatpys_published_reply_encrypts_and_signs_byte_for_byte() {
    let reply = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
    let expected = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3";
    let key = EncodingAesKey::new(WORK_KEY).expect("valid");
    let encrypted = key.encrypt(reply.as_bytes(), WORK_ID, *b"1234567890123456").expect("encrypts");
    assert_eq!(encrypted, expected);
    assert_eq!(
        sign(&[WORK_TOKEN, "1411525903", "461056294", &encrypted]),
        "407518b7649e86ef23978113f92d27afa9296533"
    );
}

/// WeChat's `Sample.py`: the values of its decryption demo, character for character.
const SAMPLE_TOKEN: &str = "spamtest";
const SAMPLE_APPID: &str = "wx2c2769f8efd9abc2";
const SAMPLE_TIMESTAMP: &str = "1409735669";
const SAMPLE_NONCE: &str = "1320562132";
const SAMPLE_MSG_SIGNATURE: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const SAMPLE_ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
/// `from_xml`: the message in clear (what the ciphertext holds) with `Encrypt` beside it.
fn sample_from_xml() -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>"
    )
}

/// WeChat's published `msg_signature` verifies, and its published ciphertext decrypts to its
/// published message for its published appid: no signature or ciphertext computed here.
#[test]
fn wechats_official_sample_push_verifies_and_decrypts_to_its_message() {
    // The published clear copy: what the encrypted one must hold.
    let published = Message::parse(sample_from_xml().as_bytes()).expect("the sample is XML");
    let clear: Vec<_> = published.elements().iter().filter(|e| e.name != "Encrypt").cloned().collect();
    assert_eq!(clear.len(), 6);

    // The ciphertext alone: the published appid at its tail, the published message inside.
    let key = EncodingAesKey::new(MP_KEY).expect("the sample key is valid");
    let (xml, appid) = key.decrypt(SAMPLE_ENCRYPT).expect("WeChat's ciphertext decrypts");
    assert_eq!(appid, SAMPLE_APPID);
    let decrypted = Message::parse(&xml).expect("the plaintext is XML");
    assert_eq!(decrypted.elements(), clear.as_slice(), "the ciphertext holds the published message");

    // The whole push through the receiver, with WeChat's own msg_signature, and the clock at
    // the sample's time.
    let receiver = Receiver::new(SAMPLE_TOKEN)
        .aes_key(&Secret::new(MP_KEY), SAMPLE_APPID)
        .expect("the sample key is valid")
        .clock(|| 1409735669);
    let query = Query::from_pairs([
        ("msg_signature", SAMPLE_MSG_SIGNATURE),
        ("timestamp", SAMPLE_TIMESTAMP),
        ("nonce", SAMPLE_NONCE),
    ]);
    let received = receiver.receive(&query, sample_from_xml().as_bytes()).expect("WeChat's sample verifies");
    assert_eq!(received.mode, Mode::Compatible);
    assert_eq!(received.message, decrypted);
    assert_eq!(received.message.text("Content"), Some("abcdteT"));
    assert_eq!(received.message.text("MsgId"), Some("6054768590064713728"));

    // One character off anywhere and WeChat's signature no longer matches.
    for (name, value) in [("nonce", "1320562133"), ("timestamp", "1409735670")] {
        let changed = Query::from_pairs(
            query.pairs().iter().map(|(k, v)| (k.as_str(), if k == name { value } else { v.as_str() })),
        );
        assert_eq!(
            receiver.receive(&changed, sample_from_xml().as_bytes()),
            Err(PushError::BadSignature { parameter: "msg_signature" }),
            "{name}"
        );
    }
    let other_appid = Receiver::new(SAMPLE_TOKEN)
        .aes_key(&Secret::new(MP_KEY), MP_APPID)
        .expect("valid")
        .clock(|| 1409735669);
    assert!(matches!(
        other_appid.receive(&query, sample_from_xml().as_bytes()),
        Err(PushError::WrongAppId { .. })
    ));
}
