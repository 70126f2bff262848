//! The engine on small hand-made tables: a card and its codes, through the steps a card's life
//! takes (the spec's own tables are tested through the server).

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::*;
use crate::spec_table::{Field, Item, Schema, Ty};
use crate::state_model::Segment::{Each, Key, Variant};
use crate::state_model::{BinaryOp, Fresh, Literal, Root, Statuses};

/// The tables' fields are of scalar types only.
static NO_TYPES: Schema<'static> = Schema::EMPTY;

static CARD: ResourceDef = ResourceDef {
    name: "card",
    group: "card",
    doc: "A card.",
    key: &["card_id"],
    fields: &[],
    types: &Schema::EMPTY,
    parent: None,
    missing: Some(40073),
    fresh: &[("card_id", Fresh::Like("pbLatjk4T4Hx-QFQGL4zGQy27_Qg"))],
    statuses: Some(Statuses {
        initial: "CARD_STATUS_NOT_VERIFY",
        values: &["CARD_STATUS_NOT_VERIFY", "CARD_STATUS_VERIFY_OK"],
        transitions: Some(&[("CARD_STATUS_NOT_VERIFY", &["CARD_STATUS_VERIFY_OK"])]),
    }),
};

static CODE: ResourceDef = ResourceDef {
    name: "code",
    group: "card_code",
    doc: "A code.",
    key: &["card_id", "code"],
    fields: &[],
    types: &Schema::EMPTY,
    parent: Some("card"),
    missing: Some(40056),
    fresh: &[("code", Fresh::Like("812345678901"))],
    statuses: Some(Statuses {
        initial: "NORMAL",
        values: &["DEPOSITED", "NORMAL", "CONSUMED", "UNAVAILABLE"],
        transitions: Some(&[("DEPOSITED", &["NORMAL"]), ("NORMAL", &["CONSUMED", "UNAVAILABLE"])]),
    }),
};

static RESOURCES: &[ResourceDef] = &[CARD, CODE];

static EVENTS: &[EventDef] = &[EventDef {
    event: "user_consume_card",
    elements: &[("CardId", false), ("UserCardCode", false), ("ConsumeSource", false), ("OuterId", true)],
}];

macro_rules! read {
    (request . $($seg:ident).+) => { Expr::Read { root: Root::Request, path: &[$(Key(stringify!($seg))),+] } };
    ($alias:ident . $($seg:ident).+) => { Expr::Read { root: Root::Alias(stringify!($alias)), path: &[$(Key(stringify!($seg))),+] } };
}

const fn text(value: &'static str) -> Expr {
    Expr::Literal(Literal::Text(value))
}

fn engine() -> Engine {
    Engine::new(RESOURCES, EVENTS)
}

fn call(request: &Value) -> Call<'_> {
    Call { request, types: &NO_TYPES, response: &[], example: None, now: 1_700_000_000, appid: "wx_test" }
}

const ANSWER: &[Field<'static>] = &[
    Field { name: "card_id", ty: Ty::String, required: false, ..Field::PLAIN },
    Field { name: "code", ty: Ty::String, required: false, ..Field::PLAIN },
    Field { name: "openid", ty: Ty::String, required: false, ..Field::PLAIN },
    Field { name: "card_id_list", ty: Ty::Array(Item::String), required: false, ..Field::PLAIN },
    Field { name: "total_num", ty: Ty::I64, required: false, ..Field::PLAIN },
    Field { name: "count", ty: Ty::I64, required: false, ..Field::PLAIN },
    Field { name: "succ_code", ty: Ty::Array(Item::String), required: false, ..Field::PLAIN },
    Field { name: "duplicate_code", ty: Ty::Array(Item::String), required: false, ..Field::PLAIN },
];

fn answering(request: &Value) -> Call<'_> {
    Call { response: ANSWER, ..call(request) }
}

static CREATE_CARD: &[Step] = &[
    Step {
        verb: Verb::Create {
            resource: "card",
            alias: "card",
            set: &[(&[Key("card")], read!(request.card))],
            status: None,
            each: None,
            existing: Existing::Refuse(-1),
        },
        when: None,
        unless: None,
    },
    Step { verb: Verb::Answer { from: Some("card"), fields: &[] }, when: None, unless: None },
];

static APPROVE: &[Step] = &[
    Step {
        verb: Verb::Find {
            resource: "card",
            alias: "card",
            filter: &[("card_id", read!(request.card_id))],
            each: None,
            missing: None,
        },
        when: None,
        unless: None,
    },
    Step {
        verb: Verb::Update {
            alias: "card",
            merge: &[],
            add: &[],
            set: &[],
            status: Some(&text("CARD_STATUS_VERIFY_OK")),
            forbidden: &[("*", 40078)],
            bounds: &[],
            taken: None,
        },
        when: None,
        unless: None,
    },
];

static QUANTITY: &[crate::state_model::Segment] =
    &[Key("card"), Variant, Key("base_info"), Key("sku"), Key("quantity")];

static TAKE: &[Step] = &[
    Step {
        verb: Verb::Find {
            resource: "card",
            alias: "card",
            filter: &[("card_id", read!(request.card_id))],
            each: None,
            missing: None,
        },
        when: None,
        unless: None,
    },
    Step {
        verb: Verb::Fail { errcode: 40079 },
        when: Some(&Expr::Binary {
            op: BinaryOp::Ne,
            left: &read!(card.status),
            right: &text("CARD_STATUS_VERIFY_OK"),
        }),
        unless: None,
    },
    Step {
        verb: Verb::Update {
            alias: "card",
            merge: &[],
            add: &[(QUANTITY, Expr::Literal(Literal::Integer(-1)))],
            set: &[],
            status: None,
            forbidden: &[],
            bounds: &[(QUANTITY, Bound { minimum: Some(0), maximum: None, errcode: 40122 })],
            taken: None,
        },
        when: None,
        unless: None,
    },
    Step {
        verb: Verb::Create {
            resource: "code",
            alias: "code",
            set: &[
                (&[Key("card_id")], read!(request.card_id)),
                (&[Key("code")], read!(request.code)),
                (&[Key("openid")], read!(request.openid)),
            ],
            status: None,
            each: None,
            existing: Existing::Refuse(40056),
        },
        when: None,
        unless: None,
    },
    Step { verb: Verb::Answer { from: Some("code"), fields: &[] }, when: None, unless: None },
];

static CONSUME: &[Step] = &[
    Step {
        verb: Verb::Find {
            resource: "code",
            alias: "code",
            filter: &[("code", read!(request.code)), ("card_id", read!(request.card_id))],
            each: None,
            missing: None,
        },
        when: None,
        unless: None,
    },
    Step {
        verb: Verb::Update {
            alias: "code",
            merge: &[],
            add: &[],
            set: &[],
            status: Some(&text("CONSUMED")),
            forbidden: &[("CONSUMED", 40099), ("*", 40127)],
            bounds: &[],
            taken: None,
        },
        when: None,
        unless: None,
    },
    Step {
        verb: Verb::Push {
            event: "user_consume_card",
            fields: &[
                ("FromUserName", read!(code.openid)),
                ("CardId", read!(code.card_id)),
                ("UserCardCode", read!(code.code)),
                ("ConsumeSource", text("FROM_API")),
            ],
        },
        when: None,
        unless: None,
    },
    Step { verb: Verb::Answer { from: Some("code"), fields: &[] }, when: None, unless: None },
];

fn card_request(quantity: i64) -> Value {
    json!({"card": {"card_type": "CASH", "cash": {"base_info": {"title": "A", "sku": {"quantity": quantity}}}}})
}

fn new_card(engine: &Engine, quantity: i64, approve: bool) -> String {
    let made = engine.run(CREATE_CARD, &answering(&card_request(quantity))).unwrap();
    let card_id = made.answer["card_id"].as_str().unwrap().to_owned();
    if approve {
        engine.run(APPROVE, &call(&json!({"card_id": card_id}))).unwrap();
    }
    card_id
}

#[test]
fn a_card_is_created_approved_taken_and_its_code_consumed_once() {
    let engine = engine();
    let card_id = new_card(&engine, 1, false);
    assert!(card_id.starts_with('p') && card_id.len() == 28, "{card_id}");

    let take = json!({"card_id": card_id, "openid": "o1"});
    assert_eq!(engine.run(TAKE, &answering(&take)), Err(40079), "not approved yet");
    engine.run(APPROVE, &call(&json!({"card_id": card_id}))).unwrap();
    assert_eq!(engine.run(APPROVE, &call(&json!({"card_id": card_id}))), Err(40078), "approved already");

    let taken = engine.run(TAKE, &answering(&take)).unwrap();
    let code = taken.answer["code"].as_str().unwrap().to_owned();
    assert_eq!((code.len(), taken.answer["openid"].clone()), (12, json!("o1")));
    assert_eq!(engine.run(TAKE, &answering(&take)), Err(40122), "the stock is gone");
    let card = engine.find("card", json!({"card_id": card_id}).as_object().unwrap()).unwrap();
    assert_eq!(
        card["card"]["cash"]["base_info"]["sku"]["quantity"],
        json!(0),
        "the failed take changed nothing"
    );

    let consume = json!({"code": code});
    let consumed = engine.run(CONSUME, &answering(&consume)).unwrap();
    assert_eq!(consumed.answer["card_id"], json!(card_id));
    assert_eq!(consumed.pushes.len(), 1);
    let push = &consumed.pushes[0];
    assert_eq!(push.from.as_deref(), Some("o1"));
    assert_eq!(
        push.elements,
        vec![
            ("CardId", card_id.clone()),
            ("UserCardCode", code.clone()),
            ("ConsumeSource", "FROM_API".to_owned()),
            ("OuterId", "0".to_owned())
        ]
    );
    assert_eq!(engine.run(CONSUME, &answering(&consume)), Err(40099), "consumed twice");
    assert_eq!(engine.run(CONSUME, &answering(&json!({"code": "000"}))), Err(40056), "no such code");
}

#[test]
fn lists_count_and_page_in_creation_order() {
    static LIST: &[Step] = &[
        Step {
            verb: Verb::List {
                resource: "card",
                alias: "cards",
                filter: &[("status", read!(request.status_list))],
                keep: None,
                newest_first: None,
                offset: Some(&read!(request.offset)),
                limit: Some(&read!(request.count)),
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Answer {
                from: None,
                fields: &[
                    (
                        &[Key("card_id_list")],
                        Expr::Read { root: Root::Alias("cards"), path: &[Each, Key("card_id")] },
                    ),
                    (&[Key("total_num")], read!(cards.total)),
                ],
            },
            when: None,
            unless: None,
        },
    ];
    let engine = engine();
    let ids: Vec<String> = (0..4).map(|i| new_card(&engine, 1, i % 2 == 0)).collect();
    let all = engine.run(LIST, &answering(&json!({"offset": 1, "count": 2}))).unwrap();
    assert_eq!(all.answer["card_id_list"], json!([ids[1], ids[2]]));
    assert_eq!(all.answer["total_num"], json!(4));
    let approved = engine.run(LIST, &answering(&json!({"status_list": ["CARD_STATUS_VERIFY_OK"]}))).unwrap();
    assert_eq!(approved.answer["card_id_list"], json!([ids[0], ids[2]]));
    assert_eq!(approved.answer["total_num"], json!(2));
}

#[test]
fn a_filter_reads_each_record_as_item_and_newest_first_reverses_the_order() {
    // The codes of one card whose `bonus` is at least `request.least`, newest first when asked.
    static BONUS: Expr = Expr::Read { root: Root::Item, path: &[Key("bonus")] };
    static KEEP: Expr = Expr::Binary { op: BinaryOp::Ge, left: &BONUS, right: &read!(request.least) };
    static CODES: &[Step] = &[
        Step {
            verb: Verb::List {
                resource: "code",
                alias: "codes",
                filter: &[("card_id", read!(request.card_id))],
                keep: Some(&KEEP),
                newest_first: Some(&read!(request.newest)),
                offset: None,
                limit: Some(&read!(request.count)),
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Count { resource: "code", alias: "count", filter: &[], keep: Some(&KEEP) },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Answer {
                from: None,
                fields: &[
                    (
                        &[Key("succ_code")],
                        Expr::Read { root: Root::Alias("codes"), path: &[Each, Key("code")] },
                    ),
                    (&[Key("total_num")], read!(codes.total)),
                    (&[Key("count")], Expr::Read { root: Root::Alias("count"), path: &[] }),
                ],
            },
            when: None,
            unless: None,
        },
    ];
    let engine = engine();
    let card_id = new_card(&engine, 1, true);
    for (code, bonus) in [("1", 5), ("2", 50), ("3", 500)] {
        let record = json!({"card_id": card_id, "code": code, "bonus": bonus});
        engine.seed("code", record.as_object().cloned().unwrap(), 0).unwrap();
    }
    let oldest =
        engine.run(CODES, &answering(&json!({"card_id": card_id, "least": 10, "count": 1}))).unwrap();
    assert_eq!(
        (
            oldest.answer["succ_code"].clone(),
            oldest.answer["total_num"].clone(),
            oldest.answer["count"].clone()
        ),
        (json!(["2"]), json!(2), json!(2))
    );
    let request = json!({"card_id": card_id, "least": 10, "count": 1, "newest": true});
    let newest = engine.run(CODES, &answering(&request)).unwrap();
    assert_eq!(newest.answer["succ_code"], json!(["3"]));
    let none = engine.run(CODES, &answering(&json!({"card_id": card_id, "least": 1000}))).unwrap();
    assert_eq!((none.answer["succ_code"].clone(), none.answer["total_num"].clone()), (json!([]), json!(0)));
    // An absent bound compares as false: nothing is kept.
    let unbounded = engine.run(CODES, &answering(&json!({"card_id": card_id}))).unwrap();
    assert_eq!(unbounded.answer["total_num"], json!(0));
}

#[test]
fn a_delete_of_a_list_removes_every_record_of_it() {
    static RELEASE: &[Step] = &[
        Step {
            verb: Verb::List {
                resource: "code",
                alias: "released",
                filter: &[("card_id", read!(request.card_id)), ("code", read!(request.codes))],
                keep: None,
                newest_first: None,
                offset: None,
                limit: None,
            },
            when: None,
            unless: None,
        },
        Step { verb: Verb::Delete { alias: "released" }, when: None, unless: None },
        Step {
            verb: Verb::Answer {
                from: None,
                fields: &[(
                    &[Key("succ_code")],
                    Expr::Read { root: Root::Alias("released"), path: &[Each, Key("code")] },
                )],
            },
            when: None,
            unless: None,
        },
    ];
    let engine = engine();
    let card_id = new_card(&engine, 1, true);
    for code in ["1", "2", "3"] {
        engine
            .seed("code", json!({"card_id": card_id, "code": code}).as_object().cloned().unwrap(), 0)
            .unwrap();
    }
    let released =
        engine.run(RELEASE, &answering(&json!({"card_id": card_id, "codes": ["1", "3", "9"]}))).unwrap();
    assert_eq!(released.answer["succ_code"], json!(["1", "3"]));
    let left: Vec<Value> = engine.records("code").iter().map(|r| r["code"].clone()).collect();
    assert_eq!(left, [json!("2")]);
}

#[test]
fn a_batch_create_skips_what_exists_and_names_both() {
    static DEPOSIT: &[Step] = &[
        Step {
            verb: Verb::Find {
                resource: "card",
                alias: "card",
                filter: &[("card_id", read!(request.card_id))],
                each: None,
                missing: None,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Create {
                resource: "code",
                alias: "deposited",
                set: &[
                    (&[Key("card_id")], read!(request.card_id)),
                    (&[Key("code")], Expr::Read { root: Root::Item, path: &[] }),
                ],
                status: Some("DEPOSITED"),
                each: Some(&read!(request.code)),
                existing: Existing::Skip,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Count {
                resource: "code",
                alias: "count",
                filter: &[("status", text("DEPOSITED"))],
                keep: None,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Answer {
                from: None,
                fields: &[
                    (
                        &[Key("succ_code")],
                        Expr::Read { root: Root::Alias("deposited"), path: &[Each, Key("code")] },
                    ),
                    (&[Key("duplicate_code")], read!(deposited.skipped)),
                    (&[Key("count")], Expr::Read { root: Root::Alias("count"), path: &[] }),
                ],
            },
            when: None,
            unless: None,
        },
    ];
    let engine = engine();
    let card_id = new_card(&engine, 10, true);
    let first = engine.run(DEPOSIT, &answering(&json!({"card_id": card_id, "code": ["a", "b"]}))).unwrap();
    assert_eq!(
        (first.answer["succ_code"].clone(), first.answer["count"].clone()),
        (json!(["a", "b"]), json!(2))
    );
    let again = engine.run(DEPOSIT, &answering(&json!({"card_id": card_id, "code": ["b", "c"]}))).unwrap();
    assert_eq!(again.answer["succ_code"], json!(["c"]));
    assert_eq!(again.answer["duplicate_code"], json!(["b"]));
    assert_eq!(again.answer["count"], json!(3));
    assert_eq!(engine.run(DEPOSIT, &answering(&json!({"card_id": "pNOPE", "code": ["x"]}))), Err(40073));
}

#[test]
fn seeds_need_their_parent_and_deletes_take_the_children() {
    static DELETE: &[Step] = &[
        Step {
            verb: Verb::Find {
                resource: "card",
                alias: "card",
                filter: &[("card_id", read!(request.card_id))],
                each: None,
                missing: None,
            },
            when: None,
            unless: None,
        },
        Step { verb: Verb::Delete { alias: "card" }, when: None, unless: None },
    ];
    let engine = engine();
    let orphan = json!({"card_id": "pNOPE", "code": "1"}).as_object().cloned().unwrap();
    assert!(matches!(engine.seed("code", orphan, 0), Err(SeedError::NoParent { .. })));
    let card_id = new_card(&engine, 1, true);
    let held = json!({"card_id": card_id, "openid": "o1"}).as_object().cloned().unwrap();
    let seeded = engine.seed("code", held, 0).unwrap();
    assert_eq!(
        (seeded["status"].clone(), seeded["code"].as_str().map(str::len)),
        (json!("NORMAL"), Some(12))
    );
    let wrong = json!({"card_id": card_id, "status": "LOST"}).as_object().cloned().unwrap();
    assert!(matches!(engine.seed("code", wrong, 0), Err(SeedError::UnknownStatus { .. })));
    // The times a test gives are kept, as an example's `given` states them; the rest are now.
    let dated = json!({"card_id": card_id, "created": 10, "updated": 20}).as_object().cloned().unwrap();
    let seeded = engine.seed("code", dated, 99).unwrap();
    assert_eq!((seeded["created"].clone(), seeded["updated"].clone()), (json!(10), json!(20)));
    let undated = json!({"card_id": card_id}).as_object().cloned().unwrap();
    let seeded = engine.seed("code", undated, 99).unwrap();
    assert_eq!((seeded["created"].clone(), seeded["updated"].clone()), (json!(99), json!(99)));

    engine.run(DELETE, &call(&json!({"card_id": card_id}))).unwrap();
    assert!(engine.records("code").is_empty(), "the card's codes went with it");
    assert_eq!(engine.run(DELETE, &call(&json!({"card_id": card_id}))), Err(40073));
}

#[test]
fn an_update_may_move_a_record_to_a_free_key_only() {
    static UPDATE_CODE: &[Step] = &[
        Step {
            verb: Verb::Find {
                resource: "code",
                alias: "code",
                filter: &[("code", read!(request.code)), ("card_id", read!(request.card_id))],
                each: None,
                missing: None,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Update {
                alias: "code",
                merge: &[],
                add: &[],
                set: &[(&[Key("code")], read!(request.new_code))],
                status: None,
                forbidden: &[],
                bounds: &[],
                taken: Some(40056),
            },
            when: None,
            unless: None,
        },
    ];
    let engine = engine();
    let card_id = new_card(&engine, 1, true);
    for code in ["1", "2"] {
        engine
            .seed("code", json!({"card_id": card_id, "code": code}).as_object().cloned().unwrap(), 0)
            .unwrap();
    }
    engine.run(UPDATE_CODE, &call(&json!({"card_id": card_id, "code": "1", "new_code": "3"}))).unwrap();
    let codes: Vec<Value> = engine.records("code").iter().map(|r| r["code"].clone()).collect();
    assert_eq!(codes, [json!("3"), json!("2")]);
    assert_eq!(
        engine.run(UPDATE_CODE, &call(&json!({"card_id": card_id, "code": "3", "new_code": "2"}))),
        Err(40056)
    );
    assert_eq!(
        engine.run(UPDATE_CODE, &call(&json!({"card_id": card_id, "code": "1", "new_code": "4"}))),
        Err(40056)
    );
}

#[test]
fn conditions_skip_steps() {
    static GET: &[Step] = &[
        Step {
            verb: Verb::Find {
                resource: "code",
                alias: "code",
                filter: &[("code", read!(request.code))],
                each: None,
                missing: None,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Fail { errcode: 40099 },
            when: Some(&Expr::Binary {
                op: BinaryOp::Eq,
                left: &read!(code.status),
                right: &text("CONSUMED"),
            }),
            unless: Some(&Expr::Binary {
                op: BinaryOp::Eq,
                left: &read!(request.check_consume),
                right: &Expr::Literal(Literal::Bool(false)),
            }),
        },
        Step { verb: Verb::Answer { from: Some("code"), fields: &[] }, when: None, unless: None },
    ];
    let engine = engine();
    let card_id = new_card(&engine, 1, true);
    let record = json!({"card_id": card_id, "code": "9", "status": "CONSUMED"}).as_object().cloned().unwrap();
    engine.seed("code", record, 0).unwrap();
    assert_eq!(engine.run(GET, &answering(&json!({"code": "9"}))), Err(40099));
    assert_eq!(engine.run(GET, &answering(&json!({"code": "9", "check_consume": true}))), Err(40099));
    let unchecked = engine.run(GET, &answering(&json!({"code": "9", "check_consume": false}))).unwrap();
    assert_eq!(unchecked.answer["code"], json!("9"));
}

#[test]
fn an_update_of_a_list_changes_each_record_or_none() {
    static CONSUME_ALL: &[Step] = &[
        Step {
            verb: Verb::List {
                resource: "code",
                alias: "codes",
                filter: &[("code", read!(request.codes))],
                keep: None,
                newest_first: None,
                offset: None,
                limit: None,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Update {
                alias: "codes",
                merge: &[],
                add: &[],
                set: &[(&[Key("openid")], read!(request.openid))],
                status: Some(&text("CONSUMED")),
                forbidden: &[("CONSUMED", 40099), ("*", 40127)],
                bounds: &[],
                taken: None,
            },
            when: None,
            unless: None,
        },
        Step {
            verb: Verb::Answer {
                from: None,
                fields: &[(
                    &[Key("succ_code")],
                    Expr::Read { root: Root::Alias("codes"), path: &[Each, Key("status")] },
                )],
            },
            when: None,
            unless: None,
        },
    ];
    let engine = engine();
    let card_id = new_card(&engine, 1, true);
    for (code, status) in [("1", "NORMAL"), ("2", "NORMAL"), ("3", "CONSUMED")] {
        let record = json!({"card_id": card_id, "code": code, "status": status});
        engine.seed("code", record.as_object().cloned().unwrap(), 0).unwrap();
    }
    let status = |code: &str| {
        engine.find("code", json!({"code": code}).as_object().unwrap()).unwrap()["status"].clone()
    };

    let refused = engine.run(CONSUME_ALL, &answering(&json!({"codes": ["1", "3"], "openid": "o9"})));
    assert_eq!(refused, Err(40099), "one record may not move: none does");
    assert_eq!((status("1"), status("3")), (json!("NORMAL"), json!("CONSUMED")));

    let done = engine.run(CONSUME_ALL, &answering(&json!({"codes": ["1", "2"], "openid": "o9"}))).unwrap();
    assert_eq!(done.answer["succ_code"], json!(["CONSUMED", "CONSUMED"]), "the list names them as changed");
    assert_eq!((status("1"), status("2")), (json!("CONSUMED"), json!("CONSUMED")));
    let held = engine.find("code", json!({"code": "2"}).as_object().unwrap()).unwrap();
    assert_eq!((held["openid"].clone(), held["updated"].clone()), (json!("o9"), json!(1_700_000_000)));
}
