//! The functions steps may call (`now()`, `card_validity(card, at)` ...): the rules no table
//! can state. Each says why it is Rust; the crate documentation lists them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::path::integer;
use super::store::fresh_like;
use crate::state_model::Function;

/// What an encrypted code starts with once decoded: the mock's own reversible encoding of
/// WeChat's `encrypt_code` (WeChat encrypts with a key only it holds).
const ENCRYPTED_PREFIX: &str = "wechat-mock encrypt_code:";

/// The end of a card's validity when its `date_info` sets none (member cards are valid for
/// ever): 2100-01-01.
const FOREVER: i64 = 4_102_444_800;

const DAY: i64 = 86_400;

/// Beijing time (UTC+8), in which WeChat writes an invoice's dates.
const BEIJING_OFFSET: i64 = 8 * 3_600;

/// What a function reads besides its arguments: the call's time and account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    /// Unix seconds when the call arrived.
    pub(crate) now: i64,
    /// The appid of the account the call is made for.
    pub(crate) appid: &'a str,
}

/// The result of `function` on `args`; `None` when an argument it needs is absent or of the
/// wrong kind.
pub(crate) fn call(function: Function, args: &[Option<Value>], context: Context<'_>) -> Option<Value> {
    let arg = |index: usize| args.get(index).and_then(Option::as_ref);
    let now = context.now;
    match function {
        // The clock: the mock's own.
        Function::Now => Some(Value::from(now)),
        // The account: the mock's configuration, which no request carries (the access token
        // stands for it).
        Function::Appid => Some(Value::from(context.appid)),
        // Calendar arithmetic: days to a civil date.
        Function::BeijingTime => Some(Value::String(beijing_time(arg(0).and_then(integer)?))),
        Function::Default => match arg(0) {
            Some(Value::Null) | None => arg(1).cloned(),
            Some(value) => Some(value.clone()),
        },
        Function::Concat => Some(Value::String(args.iter().flatten().map(text).collect())),
        Function::Len => match arg(0)? {
            Value::Array(items) => Some(Value::from(items.len())),
            Value::String(text) => Some(Value::from(text.chars().count())),
            Value::Object(fields) => Some(Value::from(fields.len())),
            _ => None,
        },
        // Randomness: ids no one holds yet.
        Function::Fresh => Some(Value::String(fresh_like(arg(0)?.as_str()?))),
        // Calendar arithmetic over the card's date_info, which has three shapes.
        Function::CardValidity => {
            let (begin, end) = card_validity(arg(0)?, arg(1).and_then(integer).unwrap_or(now));
            Some(Value::Array(vec![Value::from(begin), Value::from(end)]))
        }
        // Encryption: WeChat's key is its own; the mock's encoding only has to round-trip. A
        // list (the codes of a batch) is encrypted or decrypted item by item.
        Function::EncryptCode => each(arg(0)?, &|code| {
            Some(Value::String(STANDARD.encode(format!("{ENCRYPTED_PREFIX}{}", code.as_str()?))))
        }),
        Function::DecryptCode => each(arg(0)?, &|encrypted| {
            let decoded = STANDARD.decode(encrypted.as_str()?).ok()?;
            let text = String::from_utf8(decoded).ok()?;
            text.strip_prefix(ENCRYPTED_PREFIX).map(|code| Value::String(code.to_owned()))
        }),
    }
}

/// `one` of a value, or of each item of a list (`None` when any item gives none).
fn each(value: &Value, one: &dyn Fn(&Value) -> Option<Value>) -> Option<Value> {
    match value {
        Value::Array(items) => items.iter().map(one).collect::<Option<Vec<_>>>().map(Value::Array),
        value => one(value),
    }
}

/// `seconds` (Unix) as `yyyyMMddHHmmss` in Beijing time.
fn beijing_time(seconds: i64) -> String {
    let local = seconds.saturating_add(BEIJING_OFFSET);
    let (days, of_day) = (local.div_euclid(DAY), local.rem_euclid(DAY));
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}{month:02}{day:02}{:02}{:02}{:02}", of_day / 3_600, of_day % 3_600 / 60, of_day % 60)
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A value as text: strings as they are, everything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// When a code of `card` taken at `taken_at` is valid, from the card's `date_info` (inside
/// the variant of its `card` union): a fixed range, a term counted from the day it was taken,
/// or for ever.
fn card_validity(card: &Value, taken_at: i64) -> (i64, i64) {
    let date_info = card.get("card").and_then(|card| {
        let key = card.get("card_type")?.as_str()?.to_lowercase();
        card.get(key)?.get("base_info")?.get("date_info")
    });
    let Some(date_info) = date_info else { return (taken_at, FOREVER) };
    let number = |name: &str| date_info.get(name).and_then(integer);
    match date_info.get("type").and_then(Value::as_str) {
        Some("DATE_TYPE_FIX_TIME_RANGE") => {
            (number("begin_timestamp").unwrap_or(taken_at), number("end_timestamp").unwrap_or(FOREVER))
        }
        Some("DATE_TYPE_FIX_TERM") => {
            let begin = taken_at.saturating_add(number("fixed_begin_term").unwrap_or(0).saturating_mul(DAY));
            (begin, begin.saturating_add(number("fixed_term").unwrap_or(0).saturating_mul(DAY)))
        }
        _ => (taken_at, FOREVER),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const AT: Context<'static> = Context { now: 0, appid: "wx_test" };

    #[test]
    fn codes_round_trip_through_their_encryption() {
        let encrypted = call(Function::EncryptCode, &[Some(json!("812345678901"))], AT).unwrap_or_default();
        assert_ne!(encrypted, json!("812345678901"));
        assert_eq!(call(Function::DecryptCode, &[Some(encrypted.clone())], AT), Some(json!("812345678901")));
        assert_eq!(call(Function::DecryptCode, &[Some(json!("not base64!"))], AT), None);
        assert_eq!(call(Function::DecryptCode, &[Some(json!(STANDARD.encode("other")))], AT), None);
        // A batch's codes, item by item; one that is not the mock's spoils the batch.
        let both = call(Function::EncryptCode, &[Some(json!(["1", "2"]))], AT).unwrap_or_default();
        assert_eq!(call(Function::DecryptCode, &[Some(both)], AT), Some(json!(["1", "2"])));
        let spoiled = json!([encrypted, "not base64!"]);
        assert_eq!(call(Function::DecryptCode, &[Some(spoiled)], AT), None);
    }

    #[test]
    fn the_account_and_beijing_time() {
        assert_eq!(call(Function::Appid, &[], AT), Some(json!("wx_test")));
        // 2017-12-04 09:21:59 UTC is 17:21:59 in Beijing.
        assert_eq!(
            call(Function::BeijingTime, &[Some(json!(1_512_379_319))], AT),
            Some(json!("20171204172159"))
        );
        assert_eq!(beijing_time(0), "19700101080000");
        // The last second of a leap day, and a date before 1970.
        assert_eq!(beijing_time(951_839_999), "20000229235959");
        assert_eq!(beijing_time(-8 * 3_600 - 1), "19691231235959");
        assert_eq!(call(Function::BeijingTime, &[Some(json!("soon"))], AT), None);
    }

    #[test]
    fn validity_follows_the_date_info() {
        let card = |date_info: Value| json!({"card": {"card_type": "CASH", "cash": {"base_info": {"date_info": date_info}}}});
        let range =
            card(json!({"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 10, "end_timestamp": 20}));
        assert_eq!(card_validity(&range, 5), (10, 20));
        let term = card(json!({"type": "DATE_TYPE_FIX_TERM", "fixed_begin_term": 1, "fixed_term": 30}));
        assert_eq!(card_validity(&term, 0), (DAY, 31 * DAY));
        assert_eq!(card_validity(&json!({}), 7), (7, FOREVER));
    }

    #[test]
    fn the_small_functions() {
        assert_eq!(call(Function::Default, &[None, Some(json!(true))], AT), Some(json!(true)));
        assert_eq!(call(Function::Default, &[Some(json!(false)), Some(json!(true))], AT), Some(json!(false)));
        assert_eq!(call(Function::Concat, &[Some(json!("a")), Some(json!(1)), None], AT), Some(json!("a1")));
        assert_eq!(call(Function::Len, &[Some(json!([1, 2]))], AT), Some(json!(2)));
        assert_eq!(call(Function::Now, &[], Context { now: 42, ..AT }), Some(json!(42)));
    }
}
