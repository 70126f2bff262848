//! The functions steps may call (`now()`, `card_validity(card, at)` ...): the rules no table
//! can state. Each says why it is Rust; the crate documentation lists them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

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

/// The result of `function` on `args`; `None` when an argument it needs is absent or of the
/// wrong kind. `now` is the call's time.
pub(crate) fn call(function: Function, args: &[Option<Value>], now: i64) -> Option<Value> {
    let arg = |index: usize| args.get(index).and_then(Option::as_ref);
    match function {
        // The clock: the mock's own.
        Function::Now => Some(Value::from(now)),
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
        // Encryption: WeChat's key is its own; the mock's encoding only has to round-trip.
        Function::EncryptCode => {
            Some(Value::String(STANDARD.encode(format!("{ENCRYPTED_PREFIX}{}", arg(0)?.as_str()?))))
        }
        Function::DecryptCode => {
            let decoded = STANDARD.decode(arg(0)?.as_str()?).ok()?;
            let text = String::from_utf8(decoded).ok()?;
            text.strip_prefix(ENCRYPTED_PREFIX).map(|code| Value::String(code.to_owned()))
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
    }
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

    #[test]
    fn codes_round_trip_through_their_encryption() {
        let encrypted = call(Function::EncryptCode, &[Some(json!("812345678901"))], 0).unwrap_or_default();
        assert_ne!(encrypted, json!("812345678901"));
        assert_eq!(call(Function::DecryptCode, &[Some(encrypted)], 0), Some(json!("812345678901")));
        assert_eq!(call(Function::DecryptCode, &[Some(json!("not base64!"))], 0), None);
        assert_eq!(call(Function::DecryptCode, &[Some(json!(STANDARD.encode("other")))], 0), None);
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
    fn arithmetic_reads_numbers_and_texts_and_adds_up_lists() {
        let sum = |args: &[Option<Value>]| call(Function::Sum, args, 0);
        assert_eq!(sum(&[Some(json!(2)), Some(json!("3")), Some(json!([4, 5]))]), Some(json!(14)));
        assert_eq!(sum(&[Some(json!([]))]), None, "nothing to add");
        assert_eq!(sum(&[Some(json!(1)), None]), None, "an absent amount");
        assert_eq!(sum(&[Some(json!(1)), Some(json!("x"))]), None, "not a number");
        assert_eq!(sum(&[Some(json!(i64::MAX)), Some(json!(1))]), Some(json!(i64::MAX)), "saturates");
        assert_eq!(call(Function::Difference, &[Some(json!(10)), Some(json!(3))], 0), Some(json!(7)));
        assert_eq!(call(Function::Difference, &[Some(json!(0)), Some(json!("30"))], 0), Some(json!(-30)));
        assert_eq!(call(Function::Difference, &[Some(json!(0)), None], 0), None);
        assert_eq!(call(Function::Min, &[Some(json!(200)), Some(json!(100))], 0), Some(json!(100)));
        assert_eq!(call(Function::Max, &[Some(json!([3, 12, 5]))], 0), Some(json!(12)));
        assert_eq!(call(Function::Max, &[Some(json!([]))], 0), None);
        assert_eq!(call(Function::Number, &[Some(json!("12"))], 0), Some(json!(12)));
        assert_eq!(call(Function::Number, &[Some(json!(""))], 0), None);
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
            0,
        );
        assert_eq!(object, Some(json!({"card_id": "p1"})));
        assert_eq!(
            call(Function::Object, &[Some(json!(1)), Some(json!(2))], 0),
            None,
            "a key must be a text"
        );
        let appended = call(Function::Append, &[Some(json!([{"a": 1}])), Some(json!({"b": 2}))], 0);
        assert_eq!(appended, Some(json!([{"a": 1}, {"b": 2}])));
        assert_eq!(
            call(Function::Append, &[None, Some(json!(1))], 0),
            Some(json!([1])),
            "a list not there yet"
        );
        assert_eq!(call(Function::Append, &[Some(json!([1])), None], 0), Some(json!([1])), "nothing to add");
    }

    #[test]
    fn the_small_functions() {
        assert_eq!(call(Function::Default, &[None, Some(json!(true))], 0), Some(json!(true)));
        assert_eq!(call(Function::Default, &[Some(json!(false)), Some(json!(true))], 0), Some(json!(false)));
        assert_eq!(call(Function::Concat, &[Some(json!("a")), Some(json!(1)), None], 0), Some(json!("a1")));
        assert_eq!(call(Function::Len, &[Some(json!([1, 2]))], 0), Some(json!(2)));
        assert_eq!(call(Function::Now, &[], 42), Some(json!(42)));
    }
}
