//! One encrypted push (safe mode: `msg_signature`, `timestamp`, `nonce`, an XML body with
//! `<Encrypt>`) verified, decrypted and read into its typed event: through the SDK's public
//! path (`wechat_card::events::receive`, into `Event::UserGetCard`), and by hand with
//! quick-xml + aes + cbc + sha1 + base64 directly, doing the same checks.
//!
//! Both start from the push's parameters already taken from the URL (as a web framework
//! hands them over) and its body; both read the whole body, check the signature, the
//! timestamp window, the padding, the length and the appid, and read every field of the event,
//! numbers and flags parsed, empty elements as absent.

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aes::Aes256;
use aes::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::NoPadding};
use base64::Engine;
use criterion::{Criterion, criterion_group, criterion_main};
use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;
use sha1::{Digest, Sha1};
use wechat_card::events::{self, Event};
use wechat_core::Secret;
use wechat_core::push::{Message, Query, Receiver, Sender};

const TOKEN: &str = "bench-push-token";
const APPID: &str = "wxc0b84a53ed8e8d29";
/// 43 characters of base64, as WeChat's settings page shows an EncodingAESKey.
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// WeChat's sample of `user_get_card` (spec/card/events/user_get_card.toml).
const USER_GET_CARD: &str = "<xml>\
<ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>\
<FromUserName><![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]></FromUserName>\
<CreateTime>1472551036</CreateTime>\
<MsgType><![CDATA[event]]></MsgType>\
<Event><![CDATA[user_get_card]]></Event>\
<CardId><![CDATA[pZI8Fjwsy5fVPRBeD78J4RmqVvBc]]></CardId>\
<IsGiveByFriend>0</IsGiveByFriend>\
<UserCardCode><![CDATA[226009850808]]></UserCardCode>\
<FriendUserName><![CDATA[]]></FriendUserName>\
<OuterId>0</OuterId>\
<OldUserCardCode><![CDATA[]]></OldUserCardCode>\
<OuterStr><![CDATA[12b]]></OuterStr>\
<IsRestoreMemberCard>0</IsRestoreMemberCard>\
<IsRecommendByFriend>0</IsRecommendByFriend>\
<UnionId><![CDATA[o6_bmasdasdsad6_2sgVt7hMZOPfL]]></UnionId>\
</xml>";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// The push's parameters as a web framework hands them over, and its body.
struct Push {
    query: Query,
    msg_signature: String,
    timestamp: String,
    nonce: String,
    body: Vec<u8>,
}

fn sealed() -> Push {
    let sender = Sender::new(TOKEN).aes_key(&Secret::new(AES_KEY), APPID).expect("key");
    let message = Message::parse(USER_GET_CARD.as_bytes()).expect("sample");
    let push = sender.seal_with(&message, now(), "1320562132", [7; 16]).expect("seal");
    let get = |name| push.query.get(name).expect("parameter").to_owned();
    Push {
        msg_signature: get("msg_signature"),
        timestamp: get("timestamp"),
        nonce: get("nonce"),
        query: push.query.clone(),
        body: push.body.into_bytes(),
    }
}

/// `user_get_card`, as a careful hand-written handler would type it.
#[derive(Debug, PartialEq)]
#[allow(dead_code)] // read by `black_box` only
struct HandUserGetCard {
    to_user_name: String,
    from_user_name: String,
    create_time: i64,
    msg_type: String,
    card_id: String,
    is_give_by_friend: Option<bool>,
    user_card_code: String,
    friend_user_name: Option<String>,
    outer_id: Option<i64>,
    old_user_card_code: Option<String>,
    outer_str: Option<String>,
    is_restore_member_card: Option<bool>,
    is_recommend_by_friend: Option<bool>,
    union_id: Option<String>,
}

/// The hand-written receiver: the token, the key and the appid.
struct Hand {
    token: String,
    key: [u8; 32],
    appid: String,
}

impl Hand {
    fn new() -> Self {
        let key = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(AES_KEY)
            .ok()
            .and_then(|k| <[u8; 32]>::try_from(k).ok());
        // WeChat's keys leave bits after the last byte that a strict decoder refuses: be lenient.
        let key = key.unwrap_or_else(|| {
            let lenient = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_allow_trailing_bits(true)
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            lenient.decode(AES_KEY).expect("base64").try_into().expect("32 bytes")
        });
        Self { token: TOKEN.to_owned(), key, appid: APPID.to_owned() }
    }

    fn receive(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body: &[u8],
    ) -> Result<HandUserGetCard, &'static str> {
        let sent: i64 = timestamp.parse().map_err(|_| "timestamp")?;
        if now().abs_diff(sent) > 300 {
            return Err("stale timestamp");
        }
        let body = std::str::from_utf8(body).map_err(|_| "not UTF-8")?;
        let encrypt = outer_encrypt(body)?;
        let mut parts = [self.token.as_str(), timestamp, nonce, encrypt.as_ref()];
        parts.sort_unstable();
        let mut sha = Sha1::new();
        for part in parts {
            sha.update(part.as_bytes());
        }
        let digest = sha.finalize();
        let claimed = msg_signature.as_bytes();
        if claimed.len() != 40 {
            return Err("bad signature");
        }
        let mut differ = 0u8;
        for (i, byte) in digest.iter().enumerate() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            differ |= HEX[usize::from(byte >> 4)] ^ claimed[2 * i].to_ascii_lowercase();
            differ |= HEX[usize::from(byte & 15)] ^ claimed[2 * i + 1].to_ascii_lowercase();
        }
        if differ != 0 {
            return Err("bad signature");
        }
        let mut bytes =
            base64::engine::general_purpose::STANDARD.decode(encrypt.as_bytes()).map_err(|_| "base64")?;
        if bytes.is_empty() || bytes.len() % 16 != 0 {
            return Err("ciphertext length");
        }
        let iv: [u8; 16] = self.key[..16].try_into().map_err(|_| "iv")?;
        let plain = cbc::Decryptor::<Aes256>::new(&self.key.into(), &iv.into())
            .decrypt_padded::<NoPadding>(&mut bytes)
            .map_err(|_| "decrypt")?;
        let pad = usize::from(*plain.last().ok_or("padding")?);
        if pad == 0
            || pad > 32
            || pad > plain.len()
            || plain[plain.len() - pad..].iter().any(|&b| usize::from(b) != pad)
        {
            return Err("padding");
        }
        let plain = &plain[..plain.len() - pad];
        if plain.len() < 20 {
            return Err("too short");
        }
        let length = u32::from_be_bytes([plain[16], plain[17], plain[18], plain[19]]) as usize;
        let rest = &plain[20..];
        if length > rest.len() {
            return Err("length");
        }
        let (xml, appid) = rest.split_at(length);
        if appid != self.appid.as_bytes() {
            return Err("appid");
        }
        inner_event(std::str::from_utf8(xml).map_err(|_| "not UTF-8")?)
    }
}

/// The text of the outer `<Encrypt>` (the first), the whole body read: as a careful handler
/// reads it, one that is malformed or cut off after `<Encrypt>` is refused.
fn outer_encrypt(body: &str) -> Result<Cow<'_, str>, &'static str> {
    let mut reader = Reader::from_str(body);
    let (mut depth, mut inside) = (0usize, false);
    let mut encrypt = None;
    loop {
        match reader.read_event().map_err(|_| "malformed")? {
            XmlEvent::Start(start) => {
                depth += 1;
                inside = depth == 2 && start.name().as_ref() == "Encrypt";
            }
            XmlEvent::CData(text) if inside && encrypt.is_none() => encrypt = Some(text.xml10_content()),
            XmlEvent::Text(text)
                if inside && encrypt.is_none() && !text.xml10_content().trim().is_empty() =>
            {
                encrypt = Some(Cow::Owned(text.xml10_content().trim().to_owned()));
            }
            XmlEvent::End(_) => {
                depth = depth.checked_sub(1).ok_or("unbalanced")?;
                inside = false;
            }
            XmlEvent::Eof if depth == 0 => return encrypt.ok_or("no Encrypt"),
            XmlEvent::Eof => return Err("unclosed"),
            XmlEvent::DocType(_) => return Err("DOCTYPE"),
            _ => {}
        }
    }
}

/// The elements of `user_get_card`, in the order [`inner_event`] numbers them.
const FIELDS: [&str; 15] = [
    "ToUserName",
    "FromUserName",
    "CreateTime",
    "MsgType",
    "Event",
    "CardId",
    "IsGiveByFriend",
    "UserCardCode",
    "FriendUserName",
    "OuterId",
    "OldUserCardCode",
    "OuterStr",
    "IsRestoreMemberCard",
    "IsRecommendByFriend",
    "UnionId",
];

/// Reads the decrypted message into the event: each child of `<xml>` by name.
fn inner_event(xml: &str) -> Result<HandUserGetCard, &'static str> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut field = usize::MAX;
    let mut text: Cow<'_, str> = Cow::Borrowed("");
    let mut event = HandUserGetCard {
        to_user_name: String::new(),
        from_user_name: String::new(),
        create_time: 0,
        msg_type: String::new(),
        card_id: String::new(),
        is_give_by_friend: None,
        user_card_code: String::new(),
        friend_user_name: None,
        outer_id: None,
        old_user_card_code: None,
        outer_str: None,
        is_restore_member_card: None,
        is_recommend_by_friend: None,
        union_id: None,
    };
    let mut kind_ok = false;
    let mut seen = 0u8;
    let flag = |text: &str| match text {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err("flag"),
    };
    let opt = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    loop {
        match reader.read_event().map_err(|_| "malformed")? {
            XmlEvent::Start(start) => {
                depth += 1;
                if depth == 2 {
                    field = FIELDS.iter().position(|f| *f == start.name().as_ref()).unwrap_or(usize::MAX);
                    text = Cow::Borrowed("");
                } else if depth == 1 && start.name().as_ref() != "xml" {
                    return Err("root");
                }
            }
            XmlEvent::CData(cdata) if depth == 2 => append(&mut text, cdata.xml10_content()),
            XmlEvent::Text(chars) if depth == 2 => append(&mut text, chars.xml10_content()),
            XmlEvent::GeneralRef(reference) if depth == 2 => {
                let c = match &*reference {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "apos" => '\'',
                    "quot" => '"',
                    _ => reference.resolve_char_ref().ok().flatten().ok_or("entity")?,
                };
                text.to_mut().push(c);
            }
            XmlEvent::End(_) => {
                if depth == 2 {
                    let value = text.trim();
                    match field {
                        0 => (event.to_user_name, seen) = (value.to_owned(), seen | 1),
                        1 => (event.from_user_name, seen) = (value.to_owned(), seen | 2),
                        2 => {
                            (event.create_time, seen) = (value.parse().map_err(|_| "CreateTime")?, seen | 4);
                        }
                        3 => (event.msg_type, seen) = (value.to_owned(), seen | 8),
                        4 => kind_ok = value == "user_get_card",
                        5 => (event.card_id, seen) = (value.to_owned(), seen | 16),
                        6 if !value.is_empty() => event.is_give_by_friend = Some(flag(value)?),
                        7 => (event.user_card_code, seen) = (value.to_owned(), seen | 32),
                        8 => event.friend_user_name = opt(value),
                        9 if !value.is_empty() => {
                            event.outer_id = Some(value.parse().map_err(|_| "OuterId")?);
                        }
                        10 => event.old_user_card_code = opt(value),
                        11 => event.outer_str = opt(value),
                        12 if !value.is_empty() => {
                            event.is_restore_member_card = Some(flag(value)?);
                        }
                        13 if !value.is_empty() => {
                            event.is_recommend_by_friend = Some(flag(value)?);
                        }
                        14 => event.union_id = opt(value),
                        _ => {}
                    }
                }
                depth = depth.checked_sub(1).ok_or("unbalanced")?;
            }
            XmlEvent::Eof => break,
            XmlEvent::DocType(_) => return Err("DOCTYPE"),
            _ => {}
        }
    }
    if !kind_ok {
        return Err("not user_get_card");
    }
    // Every required element present and not empty.
    if seen != 63
        || [&event.to_user_name, &event.from_user_name, &event.msg_type, &event.card_id]
            .iter()
            .any(|s| s.is_empty())
        || event.user_card_code.is_empty()
    {
        return Err("missing field");
    }
    Ok(event)
}

fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else {
        text.to_mut().push_str(&more);
    }
}

fn push(c: &mut Criterion) {
    let push = sealed();
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(AES_KEY), APPID).expect("key");
    let hand = Hand::new();
    let no_headers: [(&str, &str); 0] = [];

    // Both sides read the same event.
    let sdk =
        events::receive(&receiver, &push.query, no_headers, &push.body).expect("the SDK reads the push");
    let Event::UserGetCard(typed) = &sdk.event else { panic!("not user_get_card: {:?}", sdk.event.kind()) };
    let by_hand =
        hand.receive(&push.msg_signature, &push.timestamp, &push.nonce, &push.body).expect("by hand");
    assert_eq!(
        (
            typed.card_id.as_str(),
            typed.outer_str.as_deref(),
            typed.union_id.as_deref(),
            typed.header.create_time
        ),
        (
            by_hand.card_id.as_str(),
            by_hand.outer_str.as_deref(),
            by_hand.union_id.as_deref(),
            by_hand.create_time
        )
    );
    assert_eq!(
        (typed.friend_user_name.as_deref(), typed.outer_id),
        (by_hand.friend_user_name.as_deref(), by_hand.outer_id)
    );

    let sdk =
        || black_box(events::receive(&receiver, &push.query, no_headers, black_box(&push.body))).is_ok();
    let baseline = || {
        black_box(hand.receive(&push.msg_signature, &push.timestamp, &push.nonce, black_box(&push.body)))
            .is_ok()
    };
    let mut group = c.benchmark_group("push_receive");
    for (label, measured, other) in
        [("sdk", &sdk as &dyn Fn() -> bool, &baseline as &dyn Fn() -> bool), ("baseline", &baseline, &sdk)]
    {
        group.bench_function(label, |b| b.iter_custom(|iters| paired(iters, measured, other)));
    }
    group.finish();
}

/// `iters` timed runs of `measured`, each after an untimed run of `other`: both sides then run
/// under the same conditions (caches, the machine's other load), and a drift of a shared
/// machine between criterion's two measurements cannot favour one. The clock is read around
/// each run, on both sides alike.
fn paired(iters: u64, measured: &dyn Fn() -> bool, other: &dyn Fn() -> bool) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        assert!(other(), "the push reads");
        let started = Instant::now();
        let read = measured();
        total += started.elapsed();
        assert!(read, "the push reads");
    }
    total
}

/// As the client benchmark: short, so `cargo xtask bench` stays within its time.
fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = push
}
criterion_main!(benches);
