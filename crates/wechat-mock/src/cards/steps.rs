//! The card endpoints whose answers no `[mock]` table can declare, by operation key, and what
//! a call of each needs arranged. Each reads the request fields WeChat names (listed in
//! [`FIELDS`]); an endpoint file of that key (`spec/card_code/get_code.toml` for
//! `card_code/get_code`) is answered from state as soon as it lands.

use serde_json::{Map, Value, json};

#[cfg(test)]
use crate::card_codes::{
    CODE_CONSUMED, DATA_FORMAT_ERROR, INVALID_ENCRYPT_CODE, INVALID_SERIAL_CODE, INVALID_USER_CARD_STATUS,
};
use crate::card_codes::{CardCode, CodeError, CodeStatus, MemberChange};
use crate::cards::stock::{self, INVALID_QUANTITY, StockError};
use crate::cards::{CARD, CardError, Cards, TakeCard};
use crate::flow::{Call, Step};
use crate::resources::{Resource, now, object_type, sample};
use crate::state::Shared;

/// `invalid card id`: no card has the `card_id`.
const INVALID_CARD_ID: i64 = 40073;

/// The end of a card's validity when its `date_info` sets none (member cards are valid for
/// ever): 2100-01-01.
const FOREVER: i64 = 4_102_444_800;

const DAY: i64 = 86_400;

/// The card id arranged for a call that names its code only.
const ARRANGED_CARD_ID: &str = "pMockArrangedCard00000000000";

/// The stateful card endpoints by operation key.
const STEPS: &[(&str, Step)] = &[
    ("card/modify_stock", modify_stock),
    ("card_code/deposit_codes", deposit_codes),
    ("card_code/get_code", get_code),
    ("card_code/consume_code", consume_code),
    ("card_code/set_code_unavailable", set_code_unavailable),
    ("card_code/decrypt_code", decrypt_code),
    ("member_card/update_member", update_member_user),
];

/// The request fields each step reads, as WeChat names them.
#[cfg(test)]
pub(crate) const FIELDS: &[(&str, &[&str])] = &[
    ("card/modify_stock", &["card_id", "increase_stock_value", "reduce_stock_value"]),
    ("card_code/deposit_codes", &["card_id", "code"]),
    ("card_code/get_code", &["code", "card_id", "check_consume"]),
    ("card_code/consume_code", &["code", "card_id"]),
    ("card_code/set_code_unavailable", &["code", "card_id"]),
    ("card_code/decrypt_code", &["encrypt_code"]),
    ("member_card/update_member", &["code", "card_id", "bonus", "add_bonus", "balance", "add_balance"]),
];

/// Every `errcode` each step may answer; each must be in its operation's spec error table.
#[cfg(test)]
pub(crate) const CODES: &[(&str, &[i64])] = &[
    ("card/modify_stock", &[INVALID_CARD_ID, INVALID_QUANTITY]),
    ("card_code/deposit_codes", &[INVALID_CARD_ID]),
    ("card_code/get_code", &[INVALID_SERIAL_CODE, CODE_CONSUMED, INVALID_USER_CARD_STATUS]),
    ("card_code/consume_code", &[INVALID_SERIAL_CODE, CODE_CONSUMED, INVALID_USER_CARD_STATUS]),
    ("card_code/set_code_unavailable", &[INVALID_SERIAL_CODE, CODE_CONSUMED, INVALID_USER_CARD_STATUS]),
    ("card_code/decrypt_code", &[INVALID_ENCRYPT_CODE]),
    ("member_card/update_member", &[INVALID_SERIAL_CODE, INVALID_USER_CARD_STATUS, DATA_FORMAT_ERROR]),
];

/// The step of `operation`, if the card module answers it.
pub(crate) fn handler(operation: &str) -> Option<Step> {
    STEPS.iter().find(|(key, _)| *key == operation).map(|(_, step)| *step)
}

fn text<'b>(body: &'b Value, name: &str) -> &'b str {
    body.get(name).and_then(Value::as_str).unwrap_or_default()
}

fn optional_text<'b>(body: &'b Value, name: &str) -> Option<&'b str> {
    body.get(name).and_then(Value::as_str)
}

fn number(body: &Value, name: &str) -> Option<i64> {
    body.get(name).and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
}

fn errcode(error: CodeError) -> i64 {
    error.errcode()
}

/// `/card/modifystock`: 40073 for an unknown card, 40122 for stock that would go below zero.
fn modify_stock(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let body = call.body;
    let increase = number(body, "increase_stock_value").unwrap_or(0);
    let reduce = number(body, "reduce_stock_value").unwrap_or(0);
    let ty = object_type(shared.table, CARD).ok_or(INVALID_CARD_ID)?;
    shared
        .resources
        .update(CARD, text(body, "card_id"), |card| stock::modify(&mut card.object, ty, increase, reduce))
        .map_err(|_| INVALID_CARD_ID)?
        .map_err(|_: StockError| INVALID_QUANTITY)?;
    Ok(Map::new())
}

/// `/card/code/deposit`: the codes imported, those imported before and those refused.
fn deposit_codes(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let codes: Vec<String> = call
        .body
        .get("code")
        .and_then(Value::as_array)
        .map(|codes| codes.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let deposited = Cards::new(shared).deposit(text(call.body, "card_id"), &codes).map_err(|e| match e {
        CardError::Code(code) => code.errcode(),
        _ => INVALID_CARD_ID,
    })?;
    Ok(object(json!({
        "succ_code": deposited.succ_code,
        "duplicate_code": deposited.duplicate_code,
        "fail_code": deposited.fail_code,
    })))
}

/// `/card/code/get`: the code's card, validity, holder and status. With `check_consume`
/// (WeChat's default) a redeemed code answers 40099 and an unavailable one 40127; without it,
/// their status.
fn get_code(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let body = call.body;
    let held =
        Cards::new(shared).held(text(body, "code"), optional_text(body, "card_id")).map_err(errcode)?;
    let check = body.get("check_consume").and_then(Value::as_bool).unwrap_or(true);
    match held.status {
        CodeStatus::Consumed if check => return Err(CodeError::Consumed(held.code).errcode()),
        CodeStatus::Unavailable if check => return Err(CodeError::Unavailable(held.code).errcode()),
        _ => {}
    }
    let card = shared.resources.get(CARD, &held.card_id);
    let (begin_time, end_time) = validity(card.as_ref(), held.taken_at.unwrap_or_else(now));
    let status = match held.status {
        CodeStatus::Normal | CodeStatus::Deposited => "NORMAL",
        CodeStatus::Consumed => "CONSUMED",
        CodeStatus::Unavailable => "UNAVAILABLE",
    };
    let mut fields = object(json!({
        "card": {"card_id": held.card_id, "begin_time": begin_time, "end_time": end_time, "code": held.code},
        "openid": held.openid,
        "can_consume": held.status == CodeStatus::Normal,
        "user_card_status": status,
    }));
    if card.as_ref().is_some_and(|c| c.object.get("card_type").and_then(Value::as_str) == Some("MEMBER_CARD"))
    {
        fields.insert("bonus".to_owned(), Value::from(held.bonus));
        fields.insert("balance".to_owned(), Value::from(held.balance));
    }
    Ok(fields)
}

/// When a code taken at `taken_at` is valid, from its card's `date_info`.
fn validity(card: Option<&Resource>, taken_at: i64) -> (i64, i64) {
    let date_info = card.and_then(|card| {
        let ty = card.object.get("card_type").and_then(Value::as_str)?.to_lowercase();
        card.object.get(ty)?.get("base_info")?.get("date_info").cloned()
    });
    let Some(date_info) = date_info else { return (taken_at, FOREVER) };
    match date_info.get("type").and_then(Value::as_str) {
        Some("DATE_TYPE_FIX_TIME_RANGE") => (
            number(&date_info, "begin_timestamp").unwrap_or(taken_at),
            number(&date_info, "end_timestamp").unwrap_or(FOREVER),
        ),
        Some("DATE_TYPE_FIX_TERM") => {
            let begin = taken_at + number(&date_info, "fixed_begin_term").unwrap_or(0) * DAY;
            (begin, begin + number(&date_info, "fixed_term").unwrap_or(0) * DAY)
        }
        _ => (taken_at, FOREVER),
    }
}

/// `/card/code/consume`: redeems the code once; 40099 the second time.
fn consume_code(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let body = call.body;
    let consumed =
        shared.cards.book().consume(text(body, "code"), optional_text(body, "card_id")).map_err(errcode)?;
    shared.pushes.code_consumed(
        &consumed.card_id,
        &consumed.code,
        consumed.openid.as_deref().unwrap_or_default(),
    );
    Ok(object(json!({"card": {"card_id": consumed.card_id}, "openid": consumed.openid})))
}

/// `/card/code/unavailable`: the code can no longer be redeemed.
fn set_code_unavailable(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let body = call.body;
    shared
        .cards
        .book()
        .make_unavailable(text(body, "code"), optional_text(body, "card_id"))
        .map_err(errcode)?;
    Ok(Map::new())
}

/// `/card/code/decrypt`: the code an `encrypt_code` the mock issued stands for; 40075 otherwise.
fn decrypt_code(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let code = shared.cards.book().decrypt(text(call.body, "encrypt_code")).map_err(errcode)?;
    Ok(object(json!({ "code": code })))
}

/// `/card/membercard/updateuser`: `bonus`/`balance` set the totals, else `add_bonus` and
/// `add_balance` change them; the answer holds the results.
fn update_member_user(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let body = call.body;
    let change = MemberChange {
        bonus: number(body, "bonus"),
        add_bonus: number(body, "add_bonus"),
        balance: number(body, "balance"),
        add_balance: number(body, "add_balance"),
    };
    let updated = shared
        .cards
        .book()
        .update_member(text(body, "code"), text(body, "card_id"), change)
        .map_err(errcode)?;
    Ok(object(json!({
        "result_bonus": updated.bonus,
        "result_balance": updated.balance,
        "openid": updated.openid,
    })))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Sets up what a call of the card endpoint `operation` needs to succeed: its card approved
/// with enough stock, its code held by a user, its `encrypt_code` known. False when the card
/// module does not answer `operation`.
pub(crate) fn arrange(shared: &Shared, operation: &str, body: &Value) -> Result<bool, CardError> {
    let card_id = optional_text(body, "card_id").unwrap_or(ARRANGED_CARD_ID).to_owned();
    let code = text(body, "code").to_owned();
    match operation {
        "card/modify_stock" => {
            approved_card(shared, &card_id, number(body, "reduce_stock_value").unwrap_or(0))?
        }
        "card_code/deposit_codes" => approved_card(shared, &card_id, 0)?,
        "card_code/get_code" | "card_code/consume_code" | "card_code/set_code_unavailable" => {
            held_code(shared, &card_id, &code)?;
        }
        "card_code/decrypt_code" => {
            approved_card(shared, &card_id, 1)?;
            let taken = Cards::new(shared).take(TakeCard::new(card_id.as_str()))?;
            shared.cards.book().register_encrypt_code(text(body, "encrypt_code"), &taken.code);
        }
        "member_card/update_member" => {
            held_code(shared, &card_id, &code)?;
            // Enough points and balance that the example's changes leave them at zero or more.
            let funds = MemberChange {
                bonus: number(body, "add_bonus").map(|add| add.saturating_neg().max(0)),
                balance: number(body, "add_balance").map(|add| add.saturating_neg().max(0)),
                ..MemberChange::default()
            };
            shared.cards.book().update_member(&code, &card_id, funds)?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The card, approved, with at least `quantity` in stock (and one to spare for a user): a
/// sample card of the spec's card type when the mock holds none of that id.
fn approved_card(shared: &Shared, card_id: &str, quantity: i64) -> Result<(), CardError> {
    let ty = object_type(shared.table, CARD);
    if shared.resources.get(CARD, card_id).is_none() {
        let now = now();
        let object = sample(ty);
        let card =
            Resource { id: card_id.to_owned(), status: String::new(), object, created: now, updated: now };
        shared.resources.insert(CARD, card);
    }
    Cards::new(shared).approve(card_id)?;
    if let Some(ty) = ty {
        shared.resources.update(CARD, card_id, |card| {
            let left = stock::current(&mut card.object, ty).map_or(0, |s| s.quantity);
            let wanted = quantity.saturating_add(1);
            if left < wanted {
                let _ = stock::modify(&mut card.object, ty, wanted - left, 0);
            }
        })?;
    }
    Ok(())
}

/// The code, held by a user, of an approved card.
fn held_code(shared: &Shared, card_id: &str, code: &str) -> Result<CardCode, CardError> {
    if let Ok(held) = Cards::new(shared).held(code, Some(card_id)) {
        return Ok(held);
    }
    approved_card(shared, card_id, 1)?;
    let take = TakeCard { code: Some(code.to_owned()), ..TakeCard::new(card_id) };
    Cards::new(shared).take(take)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::MockConfig;
    use crate::faults::Fault;
    use crate::server::MockServer;
    use crate::spec_table::{
        BodyKind, Field, Item, Method, Operation, ResponseBody, TokenUse, Ty, general_message, operation,
        operations,
    };

    #[test]
    fn the_tables_name_the_same_operations_in_the_same_order() {
        let keys = |names: Vec<&str>| names.join(" ");
        assert_eq!(keys(STEPS.iter().map(|s| s.0).collect()), keys(FIELDS.iter().map(|s| s.0).collect()));
        assert_eq!(keys(STEPS.iter().map(|s| s.0).collect()), keys(CODES.iter().map(|s| s.0).collect()));
    }

    /// An endpoint file that lands with one of these keys must declare what its step reads and
    /// answers; until it lands there is nothing to compare.
    #[test]
    fn spec_operations_of_these_keys_declare_the_fields_read_and_codes_answered() {
        for ((key, fields), (_, codes)) in FIELDS.iter().zip(CODES) {
            let Some(op) = operation(key) else { continue };
            for field in *fields {
                let declared = op.request.iter().chain(op.query).any(|f| f.name == *field);
                assert!(declared, "{key} reads `{field}`, which its spec does not declare");
            }
            for code in *codes {
                let known = op.errors.iter().any(|e| e.code == *code) || general_message(*code).is_some();
                assert!(known, "{key} answers {code}, which is not in its spec table");
            }
        }
    }

    fn field(name: &'static str, ty: Ty, required: bool) -> Field<'static> {
        Field { name, ty, required, ..Field::PLAIN }
    }

    /// A stand-in for the card endpoint files being written: each key with the request fields
    /// WeChat names, beside the spec's own create_card and get_card.
    fn table() -> &'static [Operation] {
        let stand_in = |key: &'static str, path: &'static str, request: Vec<Field<'static>>| {
            let (group, name) = key.split_once('/').expect("group/name");
            Operation {
                name,
                key,
                group,
                interface: name,
                summary: "A stand-in.",
                method: Method::Post,
                host: "api.weixin.qq.com",
                path,
                fixed_query: &[],
                query: &[],
                token: TokenUse::AccessToken,
                third_party: true,
                body: BodyKind::Json,
                request: Vec::leak(request),
                fixed_body: &[],
                files: &[],
                response: &[],
                response_body: ResponseBody::Json,
                types: crate::spec_table::types(),
                errors: &[],
                success_example: Some(r#"{"errcode": 0, "errmsg": "ok"}"#),
                resource: None,
            }
        };
        let (code, card_id) = (field("code", Ty::String, true), field("card_id", Ty::String, false));
        let int = |name| field(name, Ty::I64, false);
        let ops = vec![
            *operation("card/create_card").expect("in the spec"),
            *operation("card/get_card").expect("in the spec"),
            stand_in(
                "card/modify_stock",
                "/card/modifystock",
                vec![
                    field("card_id", Ty::String, true),
                    int("increase_stock_value"),
                    int("reduce_stock_value"),
                ],
            ),
            stand_in(
                "card_code/deposit_codes",
                "/card/code/deposit",
                vec![field("card_id", Ty::String, true), field("code", Ty::Array(Item::String), true)],
            ),
            stand_in(
                "card_code/get_code",
                "/card/code/get",
                vec![code.clone(), card_id.clone(), field("check_consume", Ty::Bool, false)],
            ),
            stand_in("card_code/consume_code", "/card/code/consume", vec![code.clone(), card_id.clone()]),
            stand_in("card_code/set_code_unavailable", "/card/code/unavailable", vec![code.clone(), card_id]),
            stand_in(
                "card_code/decrypt_code",
                "/card/code/decrypt",
                vec![field("encrypt_code", Ty::String, true)],
            ),
            stand_in(
                "member_card/update_member",
                "/card/membercard/updateuser",
                vec![
                    code,
                    field("card_id", Ty::String, true),
                    int("bonus"),
                    int("add_bonus"),
                    int("balance"),
                    int("add_balance"),
                ],
            ),
        ];
        Vec::leak(ops)
    }

    /// A server over the stand-in table, with a token.
    struct Wechat {
        server: MockServer,
        token: String,
        http: reqwest::Client,
    }

    impl Wechat {
        async fn start() -> Self {
            let server = MockServer::start_with_table(MockConfig::demo(), table()).await.expect("starts");
            let (token, _) = server.tokens().issue(
                crate::tokens::Issue::Stable,
                std::time::Duration::from_secs(60),
                std::time::Duration::ZERO,
            );
            Self { server, token, http: reqwest::Client::new() }
        }

        async fn call(&self, path: &str, body: Value) -> Value {
            let url = format!("{}{path}?access_token={}", self.server.base_url(), self.token);
            let text = self.http.post(url).body(body.to_string()).send().await.expect("answers").text().await;
            serde_json::from_str(&text.expect("a body")).expect("JSON")
        }

        async fn admin(&self, path: &str, body: Value) -> (u16, Value) {
            let url = format!("{}/__mock/cards/{path}", self.server.base_url());
            let response = self.http.post(url).body(body.to_string()).send().await.expect("answers");
            let status = response.status().as_u16();
            (status, serde_json::from_str(&response.text().await.expect("a body")).expect("JSON"))
        }

        /// A card of `card_type` with `quantity` in stock, created through /card/create.
        async fn create(&self, card_type: &str, quantity: i64) -> String {
            let base_info = json!({
                "logo_url": "http://mmbiz.qpic.cn/logo", "brand_name": "Brand", "code_type": "CODE_TYPE_TEXT",
                "title": "Title", "color": "Color010", "notice": "Notice", "description": "Description",
                "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
                "sku": {"quantity": quantity},
            });
            let card = match card_type {
                "MEMBER_CARD" => json!({"card_type": "MEMBER_CARD", "member_card": {
                    "base_info": base_info, "background_pic_url": "https://mmbiz.qlogo.cn/bg",
                    "prerogative": "p", "supply_bonus": true, "supply_balance": true}}),
                _ => json!({"card_type": "GIFT", "gift": {"base_info": base_info, "gift": "A cup"}}),
            };
            let created = self.call("/card/create", json!({ "card": card })).await;
            created["card_id"].as_str().unwrap_or_else(|| panic!("{created}")).to_owned()
        }

        async fn sku(&self, card_id: &str) -> Value {
            let card = self.call("/card/get", json!({ "card_id": card_id })).await;
            card["card"]["gift"]["base_info"]["sku"].clone()
        }
    }

    #[tokio::test]
    async fn users_take_only_approved_cards_and_stock_never_goes_below_zero() {
        let wechat = Wechat::start().await;
        let card_id = wechat.create("GIFT", 2).await;
        let (status, refused) = wechat.admin("take", json!({ "card_id": card_id })).await;
        assert_eq!(status, 409, "{refused}");
        assert!(refused["error"].as_str().is_some_and(|e| e.contains("CARD_STATUS_NOT_VERIFY")), "{refused}");
        let (status, approved) = wechat.admin("approve", json!({ "card_id": card_id })).await;
        assert_eq!((status, &approved["card"]["status"]), (200, &json!(VERIFY_OK_STATUS)));
        assert_eq!(wechat.admin("approve", json!({"card_id": "pNone"})).await.0, 404);

        let below =
            wechat.call("/card/modifystock", json!({"card_id": card_id, "reduce_stock_value": 3})).await;
        assert_eq!(below["errcode"], 40122, "{below}");
        assert_eq!(wechat.sku(&card_id).await, json!({"quantity": 2, "total_quantity": 2}), "unchanged");
        let more = json!({"card_id": card_id, "increase_stock_value": 5, "reduce_stock_value": 1});
        assert_eq!(wechat.call("/card/modifystock", more).await["errcode"], 0);
        assert_eq!(wechat.sku(&card_id).await, json!({"quantity": 6, "total_quantity": 6}));
        let unknown =
            wechat.call("/card/modifystock", json!({"card_id": "pNone", "increase_stock_value": 1})).await;
        assert_eq!(unknown["errcode"], 40073);

        let (status, taken) = wechat.admin("take", json!({"card_id": card_id, "openid": "oUser"})).await;
        assert_eq!((status, &taken["openid"]), (200, &json!("oUser")), "{taken}");
        assert_eq!(wechat.sku(&card_id).await, json!({"quantity": 5, "total_quantity": 6}));
        let (status, again) = wechat.admin("take", json!({"card_id": card_id, "code": taken["code"]})).await;
        assert_eq!(status, 409, "a code is held once: {again}");

        let url = format!("{}/__mock/cards", wechat.server.base_url());
        let listed: Value = serde_json::from_str(
            &wechat.http.get(url).send().await.expect("answers").text().await.expect("a body"),
        )
        .expect("JSON");
        let card = &listed["cards"][0];
        assert_eq!((&card["id"], &card["status"]), (&json!(card_id), &json!(VERIFY_OK_STATUS)), "{listed}");
        assert_eq!(card["codes"][0]["code"], taken["code"], "{listed}");
        assert_eq!(
            (&card["codes"][0]["status"], &card["codes"][0]["openid"]),
            (&json!("normal"), &json!("oUser"))
        );
    }

    const VERIFY_OK_STATUS: &str = crate::cards::VERIFY_OK;

    #[tokio::test]
    async fn a_code_is_read_redeemed_once_made_unavailable_and_decrypted() {
        let wechat = Wechat::start().await;
        let card_id = wechat.create("GIFT", 10).await;
        wechat.admin("approve", json!({ "card_id": card_id })).await;
        let (_, taken) = wechat.admin("take", json!({"card_id": card_id, "openid": "oUser"})).await;
        let code = taken["code"].as_str().expect("a code").to_owned();

        let decrypted =
            wechat.call("/card/code/decrypt", json!({"encrypt_code": taken["encrypt_code"]})).await;
        assert_eq!(decrypted["code"], code.as_str());
        let junk = wechat.call("/card/code/decrypt", json!({"encrypt_code": "XXIzTtMqCxwOaawoE91"})).await;
        assert_eq!(junk["errcode"], 40075);

        let read = wechat.call("/card/code/get", json!({"code": code, "card_id": card_id})).await;
        assert_eq!(
            (&read["user_card_status"], &read["can_consume"]),
            (&json!("NORMAL"), &json!(true)),
            "{read}"
        );
        assert_eq!((&read["openid"], &read["card"]["card_id"]), (&json!("oUser"), &json!(card_id)));
        let term = read["card"]["end_time"].as_i64().unwrap_or_default()
            - read["card"]["begin_time"].as_i64().unwrap_or_default();
        assert_eq!(term, 30 * 86_400, "DATE_TYPE_FIX_TERM of 30 days: {read}");

        let consumed = wechat.call("/card/code/consume", json!({ "code": code })).await;
        assert_eq!(
            consumed,
            json!({"errcode": 0, "errmsg": "ok", "card": {"card_id": card_id}, "openid": "oUser"})
        );
        let twice = wechat.call("/card/code/consume", json!({ "code": code })).await;
        assert_eq!(twice["errcode"], 40099, "{twice}");
        assert_eq!(wechat.call("/card/code/get", json!({ "code": code })).await["errcode"], 40099);
        let state = wechat.call("/card/code/get", json!({"code": code, "check_consume": false})).await;
        assert_eq!((&state["user_card_status"], &state["can_consume"]), (&json!("CONSUMED"), &json!(false)));

        let (_, other) = wechat.admin("take", json!({ "card_id": card_id })).await;
        let other = other["code"].as_str().expect("a code").to_owned();
        let wrong_card = wechat.call("/card/code/consume", json!({"code": other, "card_id": "pOther"})).await;
        assert_eq!(wrong_card["errcode"], 40056);
        assert_eq!(wechat.call("/card/code/unavailable", json!({ "code": other })).await["errcode"], 0);
        assert_eq!(wechat.call("/card/code/consume", json!({ "code": other })).await["errcode"], 40127);
        assert_eq!(
            wechat.call("/card/code/consume", json!({"code": "000000000000"})).await["errcode"],
            40056
        );
    }

    #[tokio::test]
    async fn faults_apply_to_the_card_endpoints_as_to_the_rest() {
        let wechat = Wechat::start().await;
        let card_id = wechat.create("GIFT", 10).await;
        wechat.server.cards().approve(&card_id).expect("known");
        let code = wechat.server.cards().take(TakeCard::new(card_id.as_str())).expect("approved").code;
        // The stand-in is not in the spec, whose names `only` checks: the fault takes the next call.
        wechat.server.faults().push(Fault::errcode(-1)).expect("a valid fault");
        let busy = wechat.call("/card/code/consume", json!({ "code": code })).await;
        assert_eq!(busy["errcode"], -1, "{busy}");
        assert_eq!(
            wechat.server.cards().code(&code).map(|c| c.status),
            Some(CodeStatus::Normal),
            "not consumed"
        );
        assert_eq!(wechat.call("/card/code/consume", json!({ "code": code })).await["errcode"], 0);
    }

    #[tokio::test]
    async fn member_points_and_balance_change_in_updateuser_and_show_in_get_code() {
        let wechat = Wechat::start().await;
        let card_id = wechat.create("MEMBER_CARD", 10).await;
        wechat.server.cards().approve(&card_id).expect("known");
        let code = wechat.server.cards().take(TakeCard::new(card_id.as_str())).expect("approved").code;
        let update = |change: Value| {
            let mut body = json!({"code": code, "card_id": card_id});
            if let (Some(body), Value::Object(change)) = (body.as_object_mut(), change) {
                body.extend(change);
            }
            wechat.call("/card/membercard/updateuser", body)
        };
        let added = update(json!({"add_bonus": 100, "add_balance": 500})).await;
        assert_eq!((&added["result_bonus"], &added["result_balance"]), (&json!(100), &json!(500)), "{added}");
        let spent = update(json!({"add_bonus": -40, "add_balance": -200})).await;
        assert_eq!((&spent["result_bonus"], &spent["result_balance"]), (&json!(60), &json!(300)));
        let set = update(json!({"bonus": 1000})).await;
        assert_eq!((&set["result_bonus"], &set["result_balance"]), (&json!(1000), &json!(300)));
        assert_eq!(update(json!({"add_balance": -301})).await["errcode"], 47001);
        let read = wechat.call("/card/code/get", json!({ "code": code })).await;
        assert_eq!((&read["bonus"], &read["balance"]), (&json!(1000), &json!(300)), "{read}");
    }

    #[tokio::test]
    async fn deposited_codes_are_given_out_first() {
        let wechat = Wechat::start().await;
        let card_id = wechat.create("GIFT", 10).await;
        wechat.server.cards().approve(&card_id).expect("known");
        let deposit = json!({"card_id": card_id, "code": ["D-1", "D-2"]});
        let first = wechat.call("/card/code/deposit", deposit.clone()).await;
        assert_eq!(first["succ_code"], json!(["D-1", "D-2"]), "{first}");
        assert_eq!(wechat.call("/card/code/deposit", deposit).await["duplicate_code"], json!(["D-1", "D-2"]));
        let unknown = wechat.call("/card/code/deposit", json!({"card_id": "pNone", "code": ["x"]})).await;
        assert_eq!(unknown["errcode"], 40073);
        let taken = wechat.server.cards().take(TakeCard::new(card_id.as_str())).expect("approved");
        assert_eq!(taken.code, "D-1");
    }

    #[tokio::test]
    async fn arranging_a_call_sets_up_its_card_and_code() {
        let wechat = Wechat::start().await;
        let body = json!({"code": "12312313", "card_id": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc"});
        wechat.server.arrange("card_code/consume_code", &body).expect("arranged");
        assert_eq!(wechat.call("/card/code/consume", body).await["errcode"], 0);
        let update =
            json!({"code": "12312313", "card_id": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", "add_balance": -30});
        wechat.server.arrange("member_card/update_member", &update).expect("arranged");
        assert_eq!(wechat.call("/card/membercard/updateuser", update).await["result_balance"], 0);
        let stock = json!({"card_id": "pArranged", "reduce_stock_value": 50});
        wechat.server.arrange("card/modify_stock", &stock).expect("arranged");
        assert_eq!(wechat.call("/card/modifystock", stock).await["errcode"], 0);
        let decrypt =
            json!({"encrypt_code": "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE"});
        wechat.server.arrange("card_code/decrypt_code", &decrypt).expect("arranged");
        assert!(wechat.call("/card/code/decrypt", decrypt).await["code"].is_string());
    }

    #[test]
    fn every_stand_in_key_has_a_step() {
        for op in table().iter().filter(|op| op.resource.is_none()) {
            assert!(handler(op.key).is_some(), "{}", op.key);
        }
        assert!(operations().iter().all(|op| op.key != "card/create_card" || handler(op.key).is_none()));
    }
}
