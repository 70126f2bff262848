//! The functions steps may call (`now()`, `card_validity(card, at)`, `sum(a, b)` ...): the
//! rules no table can state. Each says why it is Rust; the crate documentation lists them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::eval::same;
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
            let mut validity = Map::new();
            validity.insert("begin_time".to_owned(), Value::from(begin));
            validity.insert("end_time".to_owned(), Value::from(end));
            Some(Value::Object(validity))
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
        // A list's items not in another: set difference, which no comparison can say.
        Function::Without => {
            let Value::Array(items) = arg(0)? else { return None };
            let other = match arg(1) {
                Some(Value::Array(other)) => other.as_slice(),
                _ => &[],
            };
            let kept = items.iter().filter(|item| !other.iter().any(|o| same(Some(o), Some(item))));
            Some(Value::Array(kept.cloned().collect()))
        }
        // Arithmetic: the expression language compares but does not compute; amounts,
        // balances and time spans need these. Integers only, saturating at i64's bounds.
        Function::Sum => {
            integers(args)?.into_iter().try_fold(0_i64, |sum, n| Some(sum.saturating_add(n))).map(Value::from)
        }
        Function::Difference => Some(Value::from(integer(arg(0)?)?.saturating_sub(integer(arg(1)?)?))),
        Function::Min => integers(args)?.into_iter().min().map(Value::from),
        Function::Max => integers(args)?.into_iter().max().map(Value::from),
        // WeChat writes ids as numbers in one place and as text in another ("12" and 12).
        Function::Number => integer(arg(0)?).map(Value::from),
        // Building values: an entry of a list an answer or a record holds.
        Function::Object => {
            let mut object = Map::new();
            for pair in args.chunks(2) {
                let [Some(Value::String(key)), value] = pair else { return None };
                if let Some(value) = value.as_ref().filter(|v| !v.is_null()) {
                    object.insert(key.clone(), value.clone());
                }
            }
            Some(Value::Object(object))
        }
        Function::Append => {
            let mut items = match arg(0) {
                Some(Value::Array(items)) => items.clone(),
                Some(Value::Null) | None => Vec::new(),
                Some(other) => vec![other.clone()],
            };
            items.extend(arg(1).cloned());
            Some(Value::Array(items))
        }
        // Calendar arithmetic: a YYYY-MM-DD day, as WeChat's statistics take them.
        Function::Date => date(arg(0)?.as_str()?).map(Value::from),
    }
}

/// Unix seconds at the start of the day `text` names (`YYYY-MM-DD`, in China Standard Time);
/// `None` when it is not such a day (`2015/06/15`, `2015-6-15`, `2015-02-30`).
fn date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY - BEIJING_OFFSET)
}

/// Days from 1970-01-01 to the given day of the proleptic Gregorian calendar (Howard
/// Hinnant's `days_from_civil`), for the years four digits can write.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The integers of `args`, a list's items each: `None` when one is absent or not an
/// integer (nor a text holding one), or when there are none.
fn integers(args: &[Option<Value>]) -> Option<Vec<i64>> {
    let mut numbers = Vec::new();
    for arg in args {
        match arg.as_ref()? {
            Value::Array(items) => {
                for item in items {
                    numbers.push(integer(item)?);
                }
            }
            value => numbers.push(integer(value)?),
        }
    }
    (!numbers.is_empty()).then_some(numbers)
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
    fn card_validity_answers_the_fields_of_a_code_s_card() {
        let card = json!({"card": {"card_type": "CASH", "cash": {"base_info": {"date_info":
            {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 10, "end_timestamp": 20}}}}});
        assert_eq!(
            call(Function::CardValidity, &[Some(card), Some(json!(5))], AT),
            Some(json!({"begin_time": 10, "end_time": 20}))
        );
        assert_eq!(call(Function::CardValidity, &[None, Some(json!(5))], AT), None);
    }

    #[test]
    fn arithmetic_saturates_and_needs_every_argument() {
        assert_eq!(
            call(Function::Sum, &[Some(json!(2)), Some(json!("3")), Some(json!(-1))], AT),
            Some(json!(4))
        );
        assert_eq!(call(Function::Sum, &[Some(json!(2)), None], AT), None);
        assert_eq!(call(Function::Sum, &[Some(json!(i64::MAX)), Some(json!(1))], AT), Some(json!(i64::MAX)));
        assert_eq!(call(Function::Difference, &[Some(json!(5)), Some(json!(7))], AT), Some(json!(-2)));
        assert_eq!(call(Function::Difference, &[Some(json!(5)), Some(json!("x"))], AT), None);
        assert_eq!(
            call(Function::Difference, &[Some(json!(i64::MIN)), Some(json!(1))], AT),
            Some(json!(i64::MIN))
        );
    }

    #[test]
    fn without_keeps_the_items_the_other_list_lacks() {
        let codes = json!(["1", "2", "3", "2"]);
        assert_eq!(
            call(Function::Without, &[Some(codes.clone()), Some(json!(["2"]))], AT),
            Some(json!(["1", "3"]))
        );
        assert_eq!(call(Function::Without, &[Some(codes.clone()), None], AT), Some(codes));
        assert_eq!(call(Function::Without, &[Some(json!([1, 2])), Some(json!([2.0]))], AT), Some(json!([1])));
        assert_eq!(call(Function::Without, &[Some(json!("1")), Some(json!([]))], AT), None);
    }

    #[test]
    fn dates_are_days_of_china_standard_time() {
        // 2015-06-15 00:00 in Beijing is 2015-06-14 16:00 UTC.
        assert_eq!(date("2015-06-15"), Some(1_434_297_600));
        assert_eq!(date("1970-01-01"), Some(-8 * 3_600));
        assert_eq!(date("2016-02-29").zip(date("2016-03-01")).map(|(a, b)| b - a), Some(DAY));
        for bad in [
            "2015/06/15",
            "2015-6-15",
            "2015-02-29",
            "2015-13-01",
            "2015-06-31",
            "2015-06-1x",
            "",
            "２０１５-06-15",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        assert_eq!(call(Function::Date, &[Some(json!("2000-03-01"))], AT), Some(json!(951_840_000)));
        assert_eq!(call(Function::Date, &[Some(json!(20150615))], AT), None);
    }

    #[test]
    fn arithmetic_reads_numbers_and_texts_and_adds_up_lists() {
        let sum = |args: &[Option<Value>]| call(Function::Sum, args, AT);
        assert_eq!(sum(&[Some(json!(2)), Some(json!("3")), Some(json!([4, 5]))]), Some(json!(14)));
        assert_eq!(sum(&[Some(json!([]))]), None, "nothing to add");
        assert_eq!(sum(&[Some(json!(1)), None]), None, "an absent amount");
        assert_eq!(sum(&[Some(json!(1)), Some(json!("x"))]), None, "not a number");
        assert_eq!(sum(&[Some(json!(i64::MAX)), Some(json!(1))]), Some(json!(i64::MAX)), "saturates");
        assert_eq!(call(Function::Difference, &[Some(json!(10)), Some(json!(3))], AT), Some(json!(7)));
        assert_eq!(call(Function::Difference, &[Some(json!(0)), Some(json!("30"))], AT), Some(json!(-30)));
        assert_eq!(call(Function::Difference, &[Some(json!(0)), None], AT), None);
        assert_eq!(call(Function::Min, &[Some(json!(200)), Some(json!(100))], AT), Some(json!(100)));
        assert_eq!(call(Function::Max, &[Some(json!([3, 12, 5]))], AT), Some(json!(12)));
        assert_eq!(call(Function::Max, &[Some(json!([]))], AT), None);
        assert_eq!(call(Function::Number, &[Some(json!("12"))], AT), Some(json!(12)));
        assert_eq!(call(Function::Number, &[Some(json!(""))], AT), None);
    }

    #[test]
    fn objects_leave_out_absent_values_and_append_adds_one_item() {
        let object = call(
            Function::Object,
            &[
                Some(json!("card_id")),
                Some(json!("p1")),
                Some(json!("price")),
                None,
                Some(json!("n")),
                Some(Value::Null),
            ],
            AT,
        );
        assert_eq!(object, Some(json!({"card_id": "p1"})));
        assert_eq!(
            call(Function::Object, &[Some(json!(1)), Some(json!(2))], AT),
            None,
            "a key must be a text"
        );
        let appended = call(Function::Append, &[Some(json!([{"a": 1}])), Some(json!({"b": 2}))], AT);
        assert_eq!(appended, Some(json!([{"a": 1}, {"b": 2}])));
        assert_eq!(
            call(Function::Append, &[None, Some(json!(1))], AT),
            Some(json!([1])),
            "a list not there yet"
        );
        assert_eq!(call(Function::Append, &[Some(json!([1])), None], AT), Some(json!([1])), "nothing to add");
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
