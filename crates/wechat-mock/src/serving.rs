//! Where a mock server's answer to each operation of the spec comes from.

use crate::flow::{self, Step};
use crate::spec_table;
use crate::spec_table::Operation;
use crate::state_model::{self, StateTables};

/// `POST /cgi-bin/stable_token`: the account's stable access token.
pub(crate) const STABLE_TOKEN_PATH: &str = "/cgi-bin/stable_token";
/// `GET /cgi-bin/token`: the account's access token, the classic way.
pub(crate) const TOKEN_PATH: &str = "/cgi-bin/token";
/// The paths the token endpoints' own handlers serve, ahead of the spec's generic routes.
pub(crate) const TOKEN_PATHS: &[&str] = &[STABLE_TOKEN_PATH, TOKEN_PATH];

/// What answers an operation from state.
#[derive(Clone, Copy)]
pub(crate) enum Handler {
    /// The steps its spec declares (`[[mock]]`), run by the engine.
    Declared(&'static [state_model::Step]),
    /// Hand-written Rust, for what the spec cannot declare.
    Written(Step),
}

/// What answers `op` from state in a server running `state`: the steps its spec declares,
/// else hand-written Rust (`flow`); `None` for an operation answered by its example.
pub(crate) fn handler(op: &Operation, state: &StateTables) -> Option<Handler> {
    if let Some(steps) = state.behaviour(op.key) {
        return Some(Handler::Declared(steps));
    }
    flow::handler(op.key).map(Handler::Written)
}

/// Where the answer to an operation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerSource {
    /// A handler of its own: the token endpoints `/cgi-bin/stable_token` and `/cgi-bin/token`,
    /// which check the configured appid and appsecret and issue access tokens.
    TokenEndpoint,
    /// The server's state: the records the spec's `[[mock]]` steps keep (cards, codes...),
    /// and what the hand-written steps keep (the invoice flow's orders, uploaded files,
    /// platform tokens).
    State,
    /// The spec's success example (values fitting the response schema when it has none).
    Example,
}

impl AnswerSource {
    /// Its name in `GET /__mock/operations`: `token_endpoint`, `state` or `example`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TokenEndpoint => "token_endpoint",
            Self::State => "state",
            Self::Example => "example",
        }
    }
}

/// Where the answer to the spec operation `operation` (snake_case) comes from; `None` for a
/// name the spec does not have.
pub fn answer_source(operation: &str) -> Option<AnswerSource> {
    let op = spec_table::operation(operation)?;
    Some(if TOKEN_PATHS.contains(&op.path) {
        AnswerSource::TokenEndpoint
    } else if handler(op, &StateTables::spec()).is_some() {
        AnswerSource::State
    } else {
        AnswerSource::Example
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_endpoints_state_and_examples() {
        assert_eq!(answer_source("get_stable_access_token"), Some(AnswerSource::TokenEndpoint));
        assert_eq!(answer_source("get_access_token"), Some(AnswerSource::TokenEndpoint));
        for stateful in
            ["insert_bill", "set_pdf", "get_pdf", "get_component_access_token", "get_authorizer_access_token"]
        {
            assert_eq!(answer_source(stateful), Some(AnswerSource::State), "{stateful}");
        }
        for declared in ["card/create_card", "card/get_card", "token/get_card_api_ticket"] {
            assert_eq!(answer_source(declared), Some(AnswerSource::State), "{declared}");
        }
        assert_eq!(answer_source("scan_title"), Some(AnswerSource::Example));
        assert_eq!(answer_source("no_such_operation"), None);
    }
}
