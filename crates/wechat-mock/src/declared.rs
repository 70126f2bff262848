//! Running the steps the spec declares for an operation or a user action: the request as the
//! engine reads it, the answer it makes, and the events it pushes once the changes are kept.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::engine::{self, SeedError};
use crate::spec_table::{self, Field, Schema};
use crate::state::Shared;
use crate::state_model::Step;
use crate::validate::{SchemaError, check_body};

/// Unix seconds now: the time of a call's steps and of a seeded record.
fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The request as steps read it: the body's fields and the query parameters (but the access
/// token), in one object; the body's win where a name is in both.
pub(crate) fn request(body: &Value, query: &[(String, String)]) -> Value {
    let mut request: Map<String, Value> = query
        .iter()
        .filter(|(name, _)| name != "access_token")
        .map(|(name, value)| (name.clone(), Value::from(value.as_str())))
        .collect();
    if let Value::Object(body) = body {
        request.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Value::Object(request)
}

/// Runs `steps` on `request`: the answer's fields (shaped as `response` says, its named types
/// in `types`, completed from `example`), or the errcode a step answered. The events the
/// steps built are pushed.
pub(crate) fn run(
    shared: &Shared,
    steps: &[Step],
    request: &Value,
    types: &Schema<'static>,
    response: &[Field<'static>],
    example: Option<&str>,
) -> Result<Map<String, Value>, i64> {
    let example = example.and_then(|text| serde_json::from_str::<Map<String, Value>>(text).ok());
    let call = engine::Call {
        request,
        types,
        response,
        example: example.as_ref(),
        now: now(),
        appid: &shared.config.appid,
    };
    let outcome = shared.engine.run(steps, &call)?;
    for push in outcome.pushes {
        shared.pushes.declared(&push);
    }
    Ok(outcome.answer)
}

/// Why a user action did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserActionError {
    /// The spec declares no such action.
    #[error("the spec declares no user action `{0}` (actions are named `group/name`)")]
    Unknown(String),
    /// The parameters do not match the action's.
    #[error("invalid parameters: {0}")]
    Invalid(SchemaError),
    /// Typed parameters could not be written as JSON.
    #[error("the parameters cannot be written as JSON: {0}")]
    Unserializable(String),
    /// WeChat would refuse it: the errcode and message it would answer.
    #[error("refused with {errcode} ({errmsg})")]
    Refused {
        /// WeChat's code.
        errcode: i64,
        /// Its message.
        errmsg: String,
    },
}

/// Runs the user action `action` (`group/name`) with `params`: its answer, or why not.
pub(crate) fn user_action(shared: &Shared, action: &str, params: &Value) -> Result<Value, UserActionError> {
    let unknown = || UserActionError::Unknown(action.to_owned());
    let (group, name) = action.split_once('/').ok_or_else(unknown)?;
    let declared = shared.state.user_action(group, name).ok_or_else(unknown)?;
    check_body(declared.types, declared.params, params).map_err(UserActionError::Invalid)?;
    match run(shared, declared.steps, params, declared.types, declared.answer, None) {
        Ok(answer) => Ok(Value::Object(answer)),
        Err(errcode) => Err(UserActionError::Refused { errcode, errmsg: spec_table::message_of(errcode) }),
    }
}

/// Keeps `record` as a record of `resource` (see `MockServer::seed`).
pub(crate) fn seed(shared: &Shared, resource: &str, record: Value) -> Result<Value, SeedError> {
    let engine = &shared.engine;
    let def = engine.resource(resource).ok_or_else(|| SeedError::UnknownResource(resource.to_owned()))?;
    let Value::Object(mut record) = record else { return Err(SeedError::NotAnObject(resource.to_owned())) };
    // A required field a test leaves out takes a sample value, so the record answers reads.
    for field in def.fields.iter().filter(|f| f.required && !def.key.contains(&f.name)) {
        if record.get(field.name).is_none_or(Value::is_null) {
            record
                .insert(field.name.to_owned(), crate::sample::sample_value(def.types, field.ty, field.name));
        }
    }
    engine.seed(resource, record, now()).map(Value::Object)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;
    use wechat_core::Secret;

    use crate::config::MockConfig;
    use crate::pushes::PushTarget;
    use crate::server::MockServer;
    use crate::spec_table::{BodyKind, Field, Method, Operation, Schema, TokenUse, Ty};
    use crate::state_model::Segment::Key;
    use crate::state_model::{
        Behaviour, EventDef, Existing, Expr, Fresh, ResourceDef, Root, StateTables, Step, UserAction, Verb,
    };

    const fn field(name: &'static str, ty: Ty, required: bool) -> Field<'static> {
        Field { name, ty, required, ..Field::PLAIN }
    }

    const fn op(
        name: &'static str,
        key: &'static str,
        path: &'static str,
        request: &'static [Field<'static>],
        response: &'static [Field<'static>],
    ) -> Operation {
        Operation {
            name,
            key,
            group: "t",
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
            request,
            fixed_body: &[],
            files: &[],
            response,
            response_body: crate::spec_table::ResponseBody::Json,
            types: &NO_TYPES,
            errors: &[],
            success_example: None,
        }
    }

    /// The tables' fields are of scalar types only.
    static NO_TYPES: Schema<'static> = Schema::EMPTY;
    static TEXT: &[Field<'static>] = &[field("text", Ty::String, true)];
    static NOTE_ID: &[Field<'static>] = &[field("note_id", Ty::String, true)];
    static NOTE: &[Field<'static>] = &[field("text", Ty::String, true), field("likes", Ty::I64, false)];

    static OPERATIONS: &[Operation] = &[
        op("add_note", "t/add_note", "/t/add", TEXT, NOTE_ID),
        op("get_note", "t/get_note", "/t/get", NOTE_ID, NOTE),
    ];

    static RESOURCES: &[ResourceDef] = &[ResourceDef {
        name: "note",
        group: "t",
        doc: "A note.",
        key: &["note_id"],
        fields: &[],
        types: &NO_TYPES,
        parent: None,
        missing: Some(40056),
        fresh: &[("note_id", Fresh::Like("n1234567"))],
        statuses: None,
    }];

    static EVENTS: &[EventDef] =
        &[EventDef { event: "note_added", elements: &[("NoteId", false), ("Likes", true)] }];

    const fn request(name: &'static str) -> Expr {
        Expr::Read {
            root: Root::Request,
            path: std::slice::from_ref(match name.as_bytes() {
                b"text" => &Key("text"),
                _ => &Key("note_id"),
            }),
        }
    }

    static FIND: Step = Step {
        verb: Verb::Find {
            resource: "note",
            alias: "note",
            filter: &[("note_id", request("note_id"))],
            each: None,
            missing: None,
        },
        when: None,
        unless: None,
    };

    static BEHAVIOURS: &[Behaviour] = &[
        Behaviour {
            operation: "t/add_note",
            steps: &[
                Step {
                    verb: Verb::Create {
                        resource: "note",
                        alias: "note",
                        set: &[(&[Key("text")], request("text"))],
                        status: None,
                        each: None,
                        existing: Existing::Refuse(-1),
                    },
                    when: None,
                    unless: None,
                },
                Step {
                    verb: Verb::Push {
                        event: "note_added",
                        fields: &[(
                            "NoteId",
                            Expr::Read { root: Root::Alias("note"), path: &[Key("note_id")] },
                        )],
                    },
                    when: None,
                    unless: None,
                },
                Step { verb: Verb::Answer { from: Some("note"), fields: &[] }, when: None, unless: None },
            ],
        },
        Behaviour {
            operation: "t/get_note",
            steps: &[
                FIND,
                Step { verb: Verb::Answer { from: Some("note"), fields: &[] }, when: None, unless: None },
            ],
        },
    ];

    static USER_ACTIONS: &[UserAction] = &[UserAction {
        name: "like",
        group: "t",
        summary: "A user likes a note.",
        params: NOTE_ID,
        answer: &[field("likes", Ty::I64, true)],
        types: &NO_TYPES,
        steps: &[
            FIND,
            Step {
                verb: Verb::Update {
                    alias: "note",
                    merge: &[],
                    add: &[(&[Key("likes")], Expr::Literal(crate::state_model::Literal::Integer(1)))],
                    set: &[],
                    status: None,
                    forbidden: &[],
                    bounds: &[],
                    taken: None,
                },
                when: None,
                unless: None,
            },
            Step { verb: Verb::Answer { from: Some("note"), fields: &[] }, when: None, unless: None },
        ],
    }];

    const STATE: StateTables = StateTables {
        resources: RESOURCES,
        events: EVENTS,
        behaviours: BEHAVIOURS,
        user_actions: USER_ACTIONS,
    };

    async fn json_of(response: reqwest::Response) -> serde_json::Value {
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn declared_steps_answer_keep_push_and_users_act() {
        let target = PushTarget::new("http://127.0.0.1:9/callback", &Secret::new("push-token")).attempts(1);
        let server =
            MockServer::start_with_state(MockConfig::demo().push(target), OPERATIONS, STATE).await.unwrap();
        let (token, _) = server.tokens().issue(
            crate::tokens::Issue::Stable,
            std::time::Duration::from_secs(60),
            std::time::Duration::ZERO,
        );
        let http = reqwest::Client::new();
        let call = |path: &str, body: serde_json::Value| {
            let request =
                http.post(format!("{}{path}?access_token={token}", server.base_url())).body(body.to_string());
            async move { json_of(request.send().await.unwrap()).await }
        };

        let added = call("/t/add", json!({"text": "hello"})).await;
        let note_id = added["note_id"].as_str().unwrap().to_owned();
        assert_eq!((added["errcode"].clone(), note_id.len()), (json!(0), 8), "{added}");
        assert_eq!(call("/t/get", json!({"note_id": note_id})).await["text"], "hello");
        assert_eq!(call("/t/get", json!({"note_id": "n0000000"})).await["errcode"], 40056);

        let liked = server.user_action("t/like", json!({"note_id": note_id})).unwrap();
        assert_eq!(liked, json!({"likes": 1}));
        let url = format!("{}/__mock/user/t/like", server.base_url());
        let again = http.post(&url).body(json!({"note_id": note_id}).to_string()).send().await.unwrap();
        assert_eq!(json_of(again).await, json!({"likes": 2}));
        let unknown = http.post(&url).body(json!({"note_id": "n0000000"}).to_string()).send().await.unwrap();
        assert_eq!(unknown.status(), 422);
        assert_eq!(json_of(unknown).await["errcode"], 40056);
        let invalid = http.post(&url).body(json!({}).to_string()).send().await.unwrap();
        assert_eq!(invalid.status(), 400);
        assert_eq!(call("/t/get", json!({"note_id": note_id})).await["likes"], 2);

        let pushed = server.pushes().deliveries();
        assert_eq!(pushed.len(), 1);
        assert_eq!(pushed[0].event, "note_added");
        assert!(
            pushed[0].message.contains(&format!("<NoteId><![CDATA[{note_id}]]></NoteId>")),
            "{}",
            pushed[0].message
        );
        assert!(pushed[0].message.contains("<Likes>0</Likes>"), "{}", pushed[0].message);

        let seeded = server.seed("note", json!({"text": "seeded"})).unwrap();
        assert_eq!(server.records("note").len(), 2);
        assert_eq!(call("/t/get", json!({"note_id": seeded["note_id"]})).await["text"], "seeded");
    }
}
