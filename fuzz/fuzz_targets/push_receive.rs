//! Arbitrary bytes as a push: the first line is the query string, the rest the body. Through
//! the receiver (plain mode, refused and opted into, safe and compatible modes), through the decryption alone (so that
//! mutated ciphertexts reach the padding and layout checks the signature would otherwise
//! stop), and through the XML reader. Nothing may panic; no error may show the token or the
//! EncodingAESKey; a message read is written back by `to_xml` and reads back the same; the
//! quick read of a flat message agrees with the full reader.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_core::Secret;
use wechat_core::push::{EncodingAesKey, Message, Query, Receiver};

/// The receiver's token and key; the seeds are signed and encrypted with them.
const TOKEN: &str = "FUZZ-PUSH-TOKEN";
const KEY: &str = "RlVaWi1QVVNILUtFWS1mb3ItdGhlLWZ1enotdGFyZ2U";
const APPID: &str = "wxfuzz0123456789ab";
/// The seeds' timestamp, so that they pass the window.
const NOW: i64 = 1_700_000_000;

fn check_error(error: &wechat_core::push::PushError) {
    let shown = format!("{error}\n{error:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains(KEY), "a secret leaked: {shown}");
}

fn check_message(message: &Message) {
    let again = Message::parse(message.to_xml().as_bytes()).expect("to_xml writes XML that reads back");
    assert_eq!(&again, message);
    let _ = message.dedup_key();
    let _ = message.kind();
}

fuzz_target!(|input: &[u8]| {
    let (query, body) = match input.iter().position(|&b| b == b'\n') {
        Some(at) => (String::from_utf8_lossy(&input[..at]).into_owned(), &input[at + 1..]),
        None => (String::new(), input),
    };
    let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), APPID).expect("the key is valid").clock(|| NOW);
    // With the key, a push in clear is refused; the opted-in receiver still takes the plain
    // path, so that it stays fuzzed.
    for receiver in [receiver.clone(), receiver.clone().accept_plain(true)] {
        match receiver.receive(&Query::parse(&query), body) {
            Ok(received) => check_message(&received.message),
            Err(error) => check_error(&error),
        }
    }
    let _ = receiver.verify_url(&Query::parse(&query)).map_err(|e| check_error(&e));
    let key = EncodingAesKey::new(KEY).expect("the key is valid");
    match key.decrypt(&String::from_utf8_lossy(body)) {
        Ok((xml, _appid)) => {
            wechat_core::fuzzing::push_quick_read_agrees(&xml);
            match Message::parse(&xml) {
                Ok(message) => check_message(&message),
                Err(error) => check_error(&error),
            }
        }
        Err(error) => check_error(&error),
    }
    // The quick read of WeChat's flat shape reads what the full reader reads.
    wechat_core::fuzzing::push_quick_read_agrees(body);
    match Message::parse(body) {
        Ok(message) => check_message(&message),
        Err(error) => check_error(&error),
    }
});
