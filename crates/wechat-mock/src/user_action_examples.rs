//! The harness of the generated tests of the spec's user-action examples
//! (`generated/state.rs`): each example run through an engine holding the spec's resources.
//! A module of its own, compiled for tests only, so that the state model it reads stays a
//! leaf the engine interprets, and the engine need not know the demo account.

/// Runs an example of the user action `action` (`group/name`) through an engine holding the
/// spec's resources: its `given` records (resource, JSON record) seeded in order, then its
/// `params`. Panics, naming the example, when a record cannot be seeded or a step answers an
/// errcode: the generated tests of `generated/state.rs` call it for every example.
pub(crate) fn run(action: &str, given: &[(&str, &str)], params: &str, example: &str) {
    use crate::generated::state::{EVENTS, RESOURCES, USER_ACTIONS};

    let found = USER_ACTIONS.iter().find(|a| format!("{}/{}", a.group, a.name) == action);
    let Some(found) = found else { panic!("{example}: no user action {action}") };
    let engine = crate::engine::Engine::new(RESOURCES, EVENTS);
    for (resource, record) in given {
        let record: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(record).unwrap_or_else(|e| panic!("{example}: a given {resource}: {e}"));
        if let Err(error) = engine.seed(resource, record, 1_700_000_000) {
            panic!("{example}: seeding a {resource}: {error}");
        }
    }
    let params: serde_json::Value =
        serde_json::from_str(params).unwrap_or_else(|e| panic!("{example}: its params: {e}"));
    let call = crate::engine::Call {
        request: &params,
        types: found.types,
        response: found.answer,
        example: None,
        now: 1_700_000_000,
        appid: crate::config::DEMO_APPID,
    };
    if let Err(errcode) = engine.run(found.steps, &call) {
        panic!("{example}: {action} answered errcode {errcode}");
    }
}
