//! The checker's policies, each with a body that passes and one that fails, over a `static`
//! table written as the generated ones are.

use serde_json::{Value, json};

use super::*;

const LEVEL: TypeId = TypeId(0);
const COLOR: TypeId = TypeId(1);
const ITEM: TypeId = TypeId(2);
const CARD: TypeId = TypeId(3);
const GIFT: TypeId = TypeId(4);
const CASH: TypeId = TypeId(5);
const MESSAGE: TypeId = TypeId(6);
const TEXT: TypeId = TypeId(7);
const NOTE: TypeId = TypeId(8);

static TYPES: Schema<'static> = Schema::new(&[
    NamedType { name: "Level", kind: TypeKind::IntEnum(Cow::Borrowed(&[0, 1])) },
    NamedType { name: "Color", kind: TypeKind::StringEnum(Cow::Borrowed(&["red", "blue"])) },
    NamedType {
        name: "Item",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "name", ty: Ty::String, required: true, ..Field::PLAIN },
            Field { name: "num", ty: Ty::U32, ..Field::PLAIN },
            Field { name: "level", ty: Ty::Named(LEVEL), ..Field::PLAIN },
        ])),
    },
    NamedType {
        name: "Card",
        kind: TypeKind::Union(Union {
            tag: "card_type",
            internal: false,
            variants: Cow::Borrowed(&[
                UnionCase { tag: "GIFT", key: Cow::Borrowed(&["gift"]), ty: GIFT },
                UnionCase { tag: "CASH", key: Cow::Borrowed(&["cash"]), ty: CASH },
                UnionCase { tag: "DEEP", key: Cow::Borrowed(&["deep", "cash"]), ty: CASH },
            ]),
        }),
    },
    NamedType {
        name: "Gift",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field {
                name: "title",
                ty: Ty::String,
                required: true,
                limits: Limits { max_length: Some(9), ..Limits::NONE },
                ..Field::PLAIN
            },
            Field { name: "id", ty: Ty::String, only: Some(Direction::Response), ..Field::PLAIN },
        ])),
    },
    NamedType {
        name: "Cash",
        kind: TypeKind::Object(Cow::Borrowed(&[Field {
            name: "reduce_cost",
            ty: Ty::U32,
            required: true,
            limits: Limits { minimum: Some(1), ..Limits::NONE },
            ..Field::PLAIN
        }])),
    },
    NamedType {
        name: "Message",
        kind: TypeKind::Union(Union {
            tag: "type",
            internal: true,
            variants: Cow::Borrowed(&[UnionCase { tag: "text", key: Cow::Borrowed(&[]), ty: TEXT }]),
        }),
    },
    NamedType {
        name: "Text",
        kind: TypeKind::Object(Cow::Borrowed(&[Field {
            name: "content",
            ty: Ty::String,
            required: true,
            ..Field::PLAIN
        }])),
    },
    NamedType {
        name: "Note",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field { name: "text", ty: Ty::String, required: true, lenient: true, ..Field::PLAIN },
            Field { name: "size", ty: Ty::U32, required: true, ..Field::PLAIN },
        ])),
    },
]);

static FIELDS: &[Field<'static>] = &[
    Field {
        name: "id",
        ty: Ty::String,
        required: true,
        limits: Limits { max_bytes: Some(6), ..Limits::NONE },
        ..Field::PLAIN
    },
    Field { name: "fee", ty: Ty::I64, required: true, ..Field::PLAIN },
    Field { name: "small", ty: Ty::I32, ..Field::PLAIN },
    Field { name: "on", ty: Ty::Bool, ..Field::PLAIN },
    Field { name: "color", ty: Ty::Named(COLOR), ..Field::PLAIN },
    Field {
        name: "items",
        ty: Ty::Array(Item::Named(ITEM)),
        limits: Limits { max_items: Some(2), ..Limits::NONE },
        ..Field::PLAIN
    },
    Field { name: "tags", ty: Ty::Map(Item::String), ..Field::PLAIN },
    Field { name: "card", ty: Ty::Named(CARD), ..Field::PLAIN },
    Field { name: "pdf_url", aliases: Cow::Borrowed(&["pdf_ur"]), ty: Ty::String, ..Field::PLAIN },
];

/// Every problem and warning of a check, as the mock writes them.
fn found(fields: &[Field<'static>], body: Value, options: Options) -> Vec<String> {
    let findings = check_body(&TYPES, fields, &[], &body, options);
    let warnings = findings.warnings.iter().map(|w| format!("warning {w}"));
    findings.problems.iter().map(ToString::to_string).chain(warnings).collect()
}

fn request(body: Value) -> Vec<String> {
    found(FIELDS, body, Options::MOCK_REQUEST)
}

fn all(body: Value, options: Options) -> Vec<String> {
    found(FIELDS, body, Options { report: Report::All, ..options })
}

#[test]
fn a_body_of_the_declared_types_passes() {
    let full = json!({
        "id": "a", "fee": -5, "small": 7, "on": true, "color": "blue",
        "items": [{"name": "x", "num": 2, "level": 1}], "tags": {"k": "v"},
        "card": {"card_type": "GIFT", "gift": {"title": "t"}}, "pdf_url": "u",
    });
    assert_eq!(request(full.clone()), Vec::<String>::new());
    assert_eq!(found(FIELDS, full, Options::REQUEST_EXAMPLE), Vec::<String>::new());
    assert_eq!(request(json!({"id": "a", "fee": 1})), Vec::<String>::new());
}

#[test]
fn each_mismatch_is_named_by_its_path() {
    assert_eq!(request(json!([1])), ["[(body)] expected object, found array"]);
    assert_eq!(request(json!({"fee": 1})), ["[id] missing"]);
    assert_eq!(request(json!({"id": "a", "fee": "1"})), ["[fee] expected integer, found string"]);
    assert_eq!(request(json!({"id": "a", "fee": 1.5})), ["[fee] expected integer, found fraction"]);
    assert_eq!(
        request(json!({"id": "a", "fee": 1, "small": 3_000_000_000_i64})),
        ["[small] expected integer (32-bit), found integer"]
    );
    assert_eq!(
        request(json!({"id": "a", "fee": 1, "items": [{"name": "x"}, {"num": 1}]})),
        ["[items[1].name] missing"]
    );
    assert_eq!(
        request(json!({"id": "a", "fee": 1, "items": [{"name": "x", "num": -1}]})),
        ["[items[0].num] expected unsigned integer (32-bit), found integer"]
    );
    assert_eq!(
        request(json!({"id": "a", "fee": 1, "tags": {"k": 1}})),
        ["[tags.k] expected string, found integer"]
    );
}

#[test]
fn the_first_problem_or_every_problem() {
    let body = json!({"fee": "1", "on": 1});
    assert_eq!(request(body.clone()), ["[id] missing"], "the mock names the first");
    assert_eq!(
        all(body, Options::MOCK_REQUEST),
        ["[id] missing", "[fee] expected integer, found string", "[on] expected boolean, found integer"]
    );
}

#[test]
fn unknown_keys_are_refused_or_ignored() {
    let body = json!({"id": "a", "fee": 1, "extra": true, "items": [{"name": "x", "more": 1}]});
    assert_eq!(request(body.clone()), Vec::<String>::new(), "WeChat ignores what it does not know");
    assert_eq!(
        all(body, Options::REQUEST_EXAMPLE),
        [
            "[items[0].more] not a field of this type in the spec",
            "[extra] not a field of this type in the spec"
        ],
        "an object's keys are walked before its unknown ones are named"
    );
    // An answer's envelope and an alias are known keys.
    let answer = json!({"errcode": 0, "errmsg": "ok", "id": "a", "fee": 1, "pdf_ur": "u"});
    assert_eq!(all(answer.clone(), Options::RESPONSE_EXAMPLE), Vec::<String>::new());
    assert_eq!(
        all(answer, Options::REQUEST_EXAMPLE),
        ["[errcode] not a field of this type in the spec", "[errmsg] not a field of this type in the spec"]
    );
    assert_eq!(
        all(json!({"id": "a", "fee": 1, "pdf_ur": true}), Options::RESPONSE_EXAMPLE),
        ["[pdf_url] expected string, found boolean"],
        "a value under an alias is checked, named by the field"
    );
}

#[test]
fn values_exact_null_as_absent_or_as_decoded() {
    let null = json!({"id": "a", "fee": 1, "small": null});
    assert_eq!(
        all(null.clone(), Options::REQUEST_EXAMPLE),
        ["[small] expected integer (32-bit), found null"]
    );
    assert_eq!(request(null), Vec::<String>::new(), "the mock reads null as left out");
    let written = json!({"id": 7, "fee": " 12 ", "small": "3", "on": 1});
    assert_eq!(all(written.clone(), Options::RESPONSE_EXAMPLE), Vec::<String>::new(), "as the types decode");
    assert_eq!(
        all(written, Options::MOCK_ANSWER),
        [
            "[id] expected string, found integer",
            "[fee] expected integer, found string",
            "[small] expected integer (32-bit), found string",
            "[on] expected boolean, found integer"
        ]
    );
    assert_eq!(
        all(json!({"id": "a", "fee": "x", "on": 2}), Options::RESPONSE_EXAMPLE),
        ["[fee] expected integer, found string", "[on] expected boolean, found integer"]
    );
}

#[test]
fn limits_mean_what_the_clients_check_means() {
    let within = json!({"id": "六个", "fee": 1, "items": [{"name": "a"}, {"name": "b"}]});
    assert_eq!(request(within), Vec::<String>::new());
    let over = json!({"id": "三个字", "fee": 1, "items": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
    let violation =
        Limits { max_bytes: Some(6), ..Limits::NONE }.violation(Measure::Text { chars: 3, bytes: 9 });
    assert_eq!(violation, Some(Violation::TooManyBytes { max: 6, found: 9 }));
    assert_eq!(
        all(over, Options::REQUEST_EXAMPLE),
        [
            "[id] is 9 bytes of UTF-8; WeChat takes at most 6 (a Chinese character is 3)",
            "[items] has 3 items; at most 2 are allowed"
        ]
    );
    let gift =
        |title: &str| json!({"id": "a", "fee": 1, "card": {"card_type": "GIFT", "gift": {"title": title}}});
    assert_eq!(request(gift("123456789")), Vec::<String>::new());
    assert_eq!(
        request(gift("1234567890")),
        ["[card.gift.title] is 10 characters long; at most 9 are allowed"]
    );
    let cash = |cost: Value| json!({"id": "a", "fee": 1, "card": {"card_type": "CASH", "cash": {"reduce_cost": cost}}});
    assert_eq!(request(cash(json!(1))), Vec::<String>::new());
    assert_eq!(request(cash(json!(0))), ["[card.cash.reduce_cost] is 0; the smallest allowed is 1"]);
    assert_eq!(
        all(cash(json!("0")), Options::RESPONSE_EXAMPLE),
        ["[card.cash.reduce_cost] is 0; the smallest allowed is 1"],
        "a number written as a string is measured as the number it decodes to"
    );
}

#[test]
fn texts_are_read_as_their_type_and_measured() {
    let fields = [
        Field { name: "type", ty: Ty::U32, required: true, ..Field::PLAIN },
        Field { name: "color", ty: Ty::Named(COLOR), ..Field::PLAIN },
        Field {
            name: "code",
            ty: Ty::String,
            limits: Limits { max_length: Some(3), ..Limits::NONE },
            ..Field::PLAIN
        },
        Field { name: "page", ty: Ty::U32, lenient: true, ..Field::PLAIN },
    ];
    let texts = |pairs: &[(&str, &str)]| -> Vec<String> {
        let texts: Vec<(String, String)> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let findings = check_texts(&TYPES, &fields, &texts, "query.", Options::MOCK_REQUEST);
        let warnings = findings.warnings.iter().map(|w| format!("warning {w}"));
        findings.problems.iter().map(ToString::to_string).chain(warnings).collect()
    };
    assert_eq!(
        texts(&[("type", "1"), ("color", "red"), ("code", "abc"), ("page", "2")]),
        Vec::<String>::new()
    );
    assert_eq!(texts(&[("page", "2")]), ["[query.type] missing"]);
    assert_eq!(texts(&[("type", "-1"), ("page", "2")]), ["[query.type] expected unsigned integer (32-bit)"]);
    assert_eq!(texts(&[("type", "1"), ("color", "green"), ("page", "2")]), ["[query.color] expected string"]);
    assert_eq!(
        texts(&[("type", "1"), ("code", "abcd"), ("page", "2")]),
        ["[query.code] is 4 characters long; at most 3 are allowed"]
    );
    assert_eq!(texts(&[("type", "1")]), ["warning [query.page] missing"]);
}

#[test]
fn enums_refuse_or_keep_values_the_spec_does_not_list() {
    let body = json!({"id": "a", "fee": 1, "color": "green", "items": [{"name": "x", "level": 2}]});
    assert_eq!(
        all(body.clone(), Options::MOCK_REQUEST),
        ["[color] expected one of \"red\", \"blue\"", "[items[0].level] expected one of 0, 1"]
    );
    assert_eq!(all(body, Options::RESPONSE_EXAMPLE), Vec::<String>::new(), "the generated enums keep them");
    assert_eq!(
        all(json!({"id": "a", "fee": 1, "color": 1}), Options::RESPONSE_EXAMPLE),
        ["[color] expected string, found integer"]
    );
}

#[test]
fn a_sibling_union_holds_the_variant_its_tag_names() {
    let card = |card: Value| json!({"id": "a", "fee": 1, "card": card});
    let deep = card(json!({"card_type": "DEEP", "deep": {"cash": {"reduce_cost": 2}}}));
    assert_eq!(all(deep, Options::REQUEST_EXAMPLE), Vec::<String>::new());
    assert_eq!(
        all(
            card(json!({"card_type": "GIFT", "gift": {"title": "t"}, "cash": {"reduce_cost": 1}})),
            Options::MOCK_REQUEST
        ),
        ["[card.cash] holds the variant of `card_type` = \"CASH\", but `card_type` is \"GIFT\""]
    );
    assert_eq!(
        all(card(json!({"card_type": "GIFT"})), Options::MOCK_REQUEST),
        ["[card.gift] missing: `card_type` is \"GIFT\""]
    );
    assert_eq!(
        all(card(json!({"card_type": "DEEP", "deep": 1})), Options::MOCK_REQUEST),
        ["[card.deep] expected object, found integer"]
    );
    assert_eq!(
        all(card(json!({"gift": {"title": "t"}})), Options::MOCK_REQUEST),
        ["[card.card_type] missing"]
    );
    assert_eq!(
        all(card(json!({"card_type": "GIFT", "gift": {"title": "t"}, "x": 1})), Options::REQUEST_EXAMPLE),
        ["[card.x] not a key of this union in the spec"]
    );
}

#[test]
fn an_unknown_tag_is_refused_in_requests_and_kept_in_answers() {
    let body = json!({"id": "a", "fee": 1, "card": {"card_type": "NEW", "new": {"x": 1}}});
    assert_eq!(
        all(body.clone(), Options::REQUEST_EXAMPLE),
        [
            "[card.card_type] \"NEW\" is not a tag of the spec; expected one of \"GIFT\", \"CASH\", \"DEEP\"",
            "[card.new] not a key of this union in the spec"
        ]
    );
    assert_eq!(
        all(body, Options::RESPONSE_EXAMPLE),
        Vec::<String>::new(),
        "kept whole, as the types keep it"
    );
    let numeric = json!({"id": "a", "fee": 1, "card": {"card_type": 5}});
    assert_eq!(
        all(numeric.clone(), Options::RESPONSE_EXAMPLE),
        Vec::<String>::new(),
        "an unknown numeric tag"
    );
    assert_eq!(all(numeric, Options::MOCK_ANSWER), ["[card.card_type] expected string, found integer"]);
}

#[test]
fn a_flattened_internal_union_sits_in_the_object_itself() {
    static FLAT: &[Field<'static>] = &[
        Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN },
        Field { name: "message", ty: Ty::Named(MESSAGE), required: true, flatten: true, ..Field::PLAIN },
    ];
    let check = |body: Value, options: Options| found(FLAT, body, Options { report: Report::All, ..options });
    assert_eq!(
        check(json!({"id": "a", "type": "text", "content": "hi"}), Options::REQUEST_EXAMPLE),
        Vec::<String>::new()
    );
    assert_eq!(check(json!({"id": "a", "type": "text"}), Options::MOCK_REQUEST), ["[content] missing"]);
    assert_eq!(
        check(json!({"id": "a", "type": "image", "url": "u"}), Options::REQUEST_EXAMPLE),
        [
            "[type] \"image\" is not a tag of the spec; expected one of \"text\"",
            "[url] not a field of this type in the spec"
        ]
    );
    assert_eq!(
        check(json!({"id": "a", "type": "image", "url": "u"}), Options::RESPONSE_EXAMPLE),
        Vec::<String>::new(),
        "the object of an unknown tag is kept whole"
    );
}

static NULLABLE: &[Field<'static>] = &[
    Field { name: "bonus", ty: Ty::I64, required: true, nullable: true, ..Field::PLAIN },
    Field { name: "card", ty: Ty::Named(CARD), required: true, ..Field::PLAIN },
];

#[test]
fn an_answer_may_leave_out_a_nullable_field_a_request_may_not() {
    let gift = json!({"card_type": "GIFT", "gift": {"title": "t"}});
    let answer = |body: Value| found(NULLABLE, body, Options::MOCK_ANSWER);
    let request = |body: Value| found(NULLABLE, body, Options::MOCK_REQUEST);
    assert_eq!(answer(json!({"card": gift})), Vec::<String>::new());
    assert_eq!(answer(json!({"bonus": null, "card": gift})), Vec::<String>::new());
    assert_eq!(answer(json!({"bonus": "x", "card": gift})), ["[bonus] expected integer, found string"]);
    assert_eq!(answer(json!({"bonus": 1})), ["[card] missing"], "not nullable");
    assert_eq!(request(json!({"bonus": null, "card": gift})), Vec::<String>::new());
    assert_eq!(
        request(json!({"card": gift})),
        ["[bonus] missing; a required nullable field is always sent, `null` until it is set"]
    );
}

#[test]
fn a_request_may_not_send_what_wechat_assigns() {
    let body = json!({"bonus": 1, "card": {"card_type": "GIFT", "gift": {"title": "t", "id": "c1"}}});
    assert_eq!(found(NULLABLE, body.clone(), Options::MOCK_ANSWER), Vec::<String>::new());
    assert_eq!(
        found(NULLABLE, body, Options::REQUEST_EXAMPLE),
        ["[card.gift.id] WeChat answers this field; a request must not send it"]
    );
}

static DISPUTED: &[Field<'static>] = &[
    Field { name: "id", ty: Ty::String, required: true, ..Field::PLAIN },
    Field { name: "buyer", ty: Ty::String, lenient: true, ..Field::PLAIN },
    Field { name: "code", ty: Ty::I64, required: true, lenient: true, ..Field::PLAIN },
    Field { name: "card", ty: Ty::Named(CARD), lenient: true, ..Field::PLAIN },
    Field { name: "note", ty: Ty::Named(NOTE), lenient: true, ..Field::PLAIN },
];

#[test]
fn lenient_fields_warn_in_the_mock_and_are_checked_as_declared_elsewhere() {
    let full = json!({
        "id": "a", "buyer": "b", "code": 1, "card": {"card_type": "CASH", "cash": {"reduce_cost": 1}},
        "note": {"text": "t", "size": 1},
    });
    assert_eq!(found(DISPUTED, full, Options::MOCK_REQUEST), Vec::<String>::new());
    let disputed = json!({
        "id": "a", "buyer": null, "code": "1", "card": {"card_type": "CASH", "cash": {}},
        "note": {"size": "x"},
    });
    assert_eq!(
        found(DISPUTED, disputed.clone(), Options::MOCK_REQUEST),
        [
            "warning [buyer] missing",
            "warning [code] expected integer, found string",
            "warning [card.cash.reduce_cost] missing",
            "warning [note.text] missing",
            "warning [note.size] expected unsigned integer (32-bit), found string"
        ],
        "an optional lenient field is checked as if required; each lenient field warns once, \
         one inside another on its own"
    );
    assert_eq!(
        found(DISPUTED, disputed, Options::REQUEST_EXAMPLE),
        [
            "[buyer] expected string, found null",
            "[code] expected integer, found string",
            "[card.cash.reduce_cost] missing",
            "[note.text] missing",
            "[note.size] expected unsigned integer (32-bit), found string"
        ],
        "without the mock's leniency they are problems"
    );
    assert_eq!(
        found(DISPUTED, json!({"code": 1}), Options::MOCK_REQUEST),
        ["[id] missing"],
        "a strict field is still refused"
    );
    assert_eq!(
        found(DISPUTED, json!({"id": "a", "code": 1}), Options::REQUEST_EXAMPLE),
        Vec::<String>::new()
    );
}

#[test]
fn constants_are_sent_with_their_value() {
    let check = |body: Value| {
        let findings =
            check_body(&Schema::EMPTY, &[], &[("action", "get_url")], &body, Options::REQUEST_EXAMPLE);
        findings.problems.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    assert_eq!(check(json!({"action": "get_url"})), Vec::<String>::new());
    assert_eq!(check(json!({})), ["[action] missing"]);
    assert_eq!(check(json!({"action": 1})), ["[action] expected \"get_url\""]);
}

#[test]
fn a_type_the_schema_does_not_hold_is_a_problem_not_a_panic() {
    let fields =
        [Field { name: "x", ty: Ty::Array(Item::Named(TypeId(99))), required: true, ..Field::PLAIN }];
    let findings = check_body(&Schema::EMPTY, &fields, &[], &json!({"x": [{}]}), Options::MOCK_REQUEST);
    assert_eq!(
        findings.first().map_err(|p| p.to_string()),
        Err("[x[0]] of type #99, which the schema does not hold".to_owned())
    );
}

#[test]
fn an_object_has_no_envelope_a_body_has() {
    let check = |value: Value| {
        let findings = check_object(&TYPES, FIELDS, &value, Options::RESPONSE_EXAMPLE);
        findings.problems.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    assert_eq!(check(json!({"id": "a", "fee": "1", "color": "green"})), Vec::<String>::new());
    assert_eq!(
        check(json!({"id": "a", "fee": 1, "errcode": 0})),
        ["[errcode] not a field of this type in the spec"],
        "only an answer's body carries errcode"
    );
    assert_eq!(check(json!(["a"])), ["[(body)] expected object, found array"]);
}

/// A boarding-pass check-in: `class` is required unless `is_cancel`, `seat` when `class` is
/// set; a page named by `page_id` or `all` (an alias `every`), exactly one.
static RULED: &[Field<'static>] = &[
    Field { name: "code", ty: Ty::String, required: true, ..Field::PLAIN },
    Field { name: "class", ty: Ty::String, rule: Some(Rule::RequiredUnless("is_cancel")), ..Field::PLAIN },
    Field { name: "seat", ty: Ty::U32, rule: Some(Rule::RequiredWhen("class")), ..Field::PLAIN },
    Field { name: "is_cancel", ty: Ty::Bool, ..Field::PLAIN },
    Field { name: "page_id", ty: Ty::String, rule: Some(Rule::OneOf("page")), ..Field::PLAIN },
    Field {
        name: "all",
        aliases: Cow::Borrowed(&["every"]),
        ty: Ty::Bool,
        rule: Some(Rule::OneOf("page")),
        ..Field::PLAIN
    },
];

fn ruled(body: Value, options: Options) -> Vec<String> {
    found(RULED, body, Options { report: Report::All, ..options })
}

#[test]
fn required_unless_refuses_the_field_left_out_until_its_sibling_is_set() {
    let body = |extra: Value| {
        let mut body = json!({"code": "c", "page_id": "p"});
        body.as_object_mut().expect("an object").extend(extra.as_object().expect("an object").clone());
        body
    };
    assert_eq!(ruled(body(json!({"is_cancel": true})), Options::MOCK_REQUEST), Vec::<String>::new());
    let missing = "[class] missing: required unless `is_cancel` is true, non-zero or non-empty";
    for cancel in [json!({}), json!({"is_cancel": false}), json!({"is_cancel": null})] {
        assert_eq!(ruled(body(cancel.clone()), Options::MOCK_REQUEST), [missing], "{cancel}");
    }
    assert_eq!(
        ruled(body(json!({"class": null})), Options::MOCK_REQUEST),
        [missing],
        "null is as good as left out"
    );
    assert_eq!(
        ruled(body(json!({"class": "", "is_cancel": false})), Options::MOCK_REQUEST),
        Vec::<String>::new(),
        "an empty text is there; it only does not set a condition"
    );
}

#[test]
fn required_when_refuses_the_field_left_out_while_its_sibling_is_set() {
    let body = |class: Value, seat: Option<u32>| {
        let mut body = json!({"code": "c", "page_id": "p", "class": class});
        if let Some(seat) = seat {
            body["seat"] = json!(seat);
        }
        body
    };
    assert_eq!(ruled(body(json!("first"), Some(3)), Options::MOCK_REQUEST), Vec::<String>::new());
    assert_eq!(
        ruled(body(json!("first"), None), Options::MOCK_REQUEST),
        ["[seat] missing: required when `class` is true, non-zero or non-empty"]
    );
    assert_eq!(
        ruled(body(json!(""), None), Options::MOCK_REQUEST),
        Vec::<String>::new(),
        "an empty sibling requires nothing"
    );
}

#[test]
fn one_of_wants_exactly_one_field_of_its_set_set() {
    let body = |pages: Value| {
        let mut body = json!({"code": "c", "is_cancel": true});
        body.as_object_mut().expect("an object").extend(pages.as_object().expect("an object").clone());
        body
    };
    assert_eq!(ruled(body(json!({"page_id": "p"})), Options::MOCK_REQUEST), Vec::<String>::new());
    assert_eq!(ruled(body(json!({"all": true})), Options::MOCK_REQUEST), Vec::<String>::new());
    assert_eq!(
        ruled(body(json!({"page_id": "p", "all": false})), Options::MOCK_REQUEST),
        Vec::<String>::new(),
        "false does not count"
    );
    assert_eq!(ruled(body(json!({"every": true})), Options::MOCK_REQUEST), Vec::<String>::new(), "an alias");
    let none = "[page_id] exactly one of page_id, all is required; found none";
    for pages in [json!({}), json!({"all": false}), json!({"page_id": "", "all": null})] {
        assert_eq!(ruled(body(pages.clone()), Options::MOCK_REQUEST), [none], "{pages}");
    }
    assert_eq!(
        ruled(body(json!({"page_id": "p", "all": true})), Options::REQUEST_EXAMPLE),
        ["[all] exactly one of page_id, all is required; found page_id and all"]
    );
}

#[test]
fn rules_bind_requests_and_not_answers() {
    let broken = json!({"code": "c"});
    assert_eq!(
        ruled(broken.clone(), Options::MOCK_REQUEST),
        [
            "[class] missing: required unless `is_cancel` is true, non-zero or non-empty",
            "[page_id] exactly one of page_id, all is required; found none"
        ]
    );
    assert_eq!(ruled(broken.clone(), Options::MOCK_ANSWER), Vec::<String>::new());
    assert_eq!(ruled(broken, Options::RESPONSE_EXAMPLE), Vec::<String>::new());
}

#[test]
fn rules_hold_inside_nested_objects_and_a_lenient_field_only_warns() {
    static OUTER: &[Field<'static>] = &[Field { name: "pass", ty: Ty::Named(TypeId(0)), ..Field::PLAIN }];
    static INNER: Schema<'static> = Schema::new(&[NamedType {
        name: "Pass",
        kind: TypeKind::Object(Cow::Borrowed(&[
            Field {
                name: "class",
                ty: Ty::String,
                lenient: true,
                rule: Some(Rule::RequiredUnless("is_cancel")),
                ..Field::PLAIN
            },
            Field { name: "is_cancel", ty: Ty::Bool, ..Field::PLAIN },
        ])),
    }]);
    let check = |body: Value, options: Options| {
        let findings = check_body(&INNER, OUTER, &[], &body, options);
        let warnings = findings.warnings.iter().map(|w| format!("warning {w}"));
        findings.problems.iter().map(ToString::to_string).chain(warnings).collect::<Vec<_>>()
    };
    let body = json!({"pass": {"is_cancel": false}});
    assert_eq!(
        check(body.clone(), Options::REQUEST_EXAMPLE),
        ["[pass.class] missing: required unless `is_cancel` is true, non-zero or non-empty"]
    );
    assert_eq!(
        check(body, Options::MOCK_REQUEST),
        [
            "warning [pass.class] missing",
            "warning [pass.class] missing: required unless `is_cancel` is true, non-zero or non-empty"
        ],
        "a lenient field's broken rule is a warning too"
    );
}

#[test]
fn a_string_answered_as_a_number_passes_in_answers_only() {
    const COUNTS: &[Field<'static>] = &[
        Field { name: "reward", ty: Ty::String, required: true, number_in_answers: true, ..Field::PLAIN },
        Field { name: "order_id", ty: Ty::String, required: true, ..Field::PLAIN },
    ];
    let exact = Options { report: Report::All, ..Options::REQUEST_EXAMPLE };
    let answer = Options { direction: Direction::Response, ..exact };
    let numbers = json!({"reward": 200, "order_id": 7});
    // In an answer, exactly as declared: the marked field may be a number, the other not.
    assert_eq!(found(COUNTS, numbers.clone(), answer), ["[order_id] expected string, found integer"]);
    // A request sends the string the spec declares.
    assert_eq!(
        found(COUNTS, numbers, exact),
        ["[reward] expected string, found integer", "[order_id] expected string, found integer"]
    );
    assert_eq!(found(COUNTS, json!({"reward": "200", "order_id": "7"}), answer), Vec::<String>::new());
}
