//! `wechat act GROUP ACTION`: tells a running wechat-mock what a user (or WeChat's review)
//! did, which no API call does: authorizing an order's invoice, buying a gift card, passing
//! a sub-merchant's review. The action's params are flags or `--json`, as the spec declares
//! them (`spec/<group>/user/<action>.toml`); the mock answers what the action changed, or the
//! errcode WeChat would give the user (exit 1).

use clap::{ArgMatches, Command};
use serde_json::Value;

use crate::args::{field_arg, json_arg};
use crate::bounded;
use crate::credentials::BASE_URL;
use crate::env::variable;
use crate::failure::Failure;
use crate::field::RequestShape;
use crate::input;
use crate::profile::Profile;
use crate::table::UserAction;

/// The subcommand.
pub(crate) const ACT: &str = "act";

/// How long the mock may take to answer.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// `wechat act`, one subcommand per group with user actions, one per action under it.
pub(crate) fn command(actions: &'static [UserAction]) -> Command {
    let mut command = Command::new(ACT)
        .about("Tells a running wechat-mock what a user did (authorizes an invoice, buys a gift card, ...)")
        .long_about(format!(
            "Tells a running wechat-mock (at {BASE_URL}, or the profile's base_url) what a user or \
             WeChat's review did, which no API call does: the actions of the spec's \
             `spec/<group>/user/` files. The answer is what the action changed; an action the \
             user could not take exits 1 with the errcode WeChat would give."
        ))
        .subcommand_required(true)
        .arg_required_else_help(true);
    let mut groups: Vec<&str> = actions.iter().map(|a| a.group).collect();
    groups.dedup();
    for group in groups {
        let subcommands = actions.iter().filter(|a| a.group == group).map(action_command);
        command = command.subcommand(
            Command::new(group)
                .about(format!("What a user does in the `{group}` group"))
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(subcommands),
        );
    }
    command
}

fn action_command(action: &'static UserAction) -> Command {
    Command::new(action.command)
        .about(action.summary)
        .long_about(action.about)
        .args(action.fields.iter().filter_map(field_arg))
        .arg(json_arg("params"))
}

/// Runs the action `matches` name against the mock, and returns its answer.
pub(crate) async fn run(
    actions: &'static [UserAction],
    matches: &ArgMatches,
    profile: &Profile,
) -> Result<Value, Failure> {
    let Some((group, sub)) = matches.subcommand() else {
        return Err(Failure::Call("`act` needs a group".to_owned()));
    };
    let Some((name, sub)) = sub.subcommand() else {
        return Err(Failure::Call(format!("`act {group}` needs an action")));
    };
    let Some(action) = actions.iter().find(|a| a.group == group && a.command == name) else {
        return Err(Failure::Call(format!("`{name}` is not a user action of `{group}`")));
    };
    let command = format!("act {group} {name}");
    let shape = RequestShape { fields: action.fields, constants: &[], files: &[] };
    let params = input::read(&command, &shape, sub, bounded::Stdin::of_process())?.body;
    // A key the action does not take would be ignored by the mock: refused here, unsent.
    let known = |key: &str| action.fields.iter().any(|f| f.wire == key || f.aliases.contains(&key));
    if let Some(key) = params.keys().find(|key| !known(key)) {
        return Err(Failure::UnknownField { command, field: key.clone() });
    }
    let Some(base_url) = variable(BASE_URL)?.or_else(|| profile.base_url.clone()) else {
        return Err(Failure::MissingVariable {
            name: BASE_URL,
            what: "the URL of a running wechat-mock (user actions exist only there)",
        });
    };
    let url = format!("{}/__mock/user/{}", base_url.trim_end_matches('/'), action.route);
    let http = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| Failure::Call(format!("{command}: cannot build the HTTP client: {e}")))?;
    let body = serde_json::to_vec(&Value::Object(params))
        .map_err(|e| Failure::Call(format!("{command}: cannot write the params: {e}")))?;
    let response = http
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| Failure::Call(format!("{command}: cannot reach the mock at {base_url}: {e}")))?;
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .map_err(|e| Failure::Call(format!("{command}: the mock's answer cannot be read: {e}")))?;
    let answer: Value = serde_json::from_str(&text).map_err(|_| {
        Failure::Call(format!(
            "{command}: HTTP {status} from {base_url}, not the mock's JSON: {}",
            excerpt(&text)
        ))
    })?;
    refusal(&command, status, &answer).map_or(Ok(answer), Err)
}

/// The failure an answer of `status` says, if it is one: the errcode WeChat would give the
/// user (422), params the action does not take (400), or anything else the mock refused.
fn refusal(command: &str, status: u16, answer: &Value) -> Option<Failure> {
    let message = || answer.get("error").and_then(Value::as_str).unwrap_or("refused").to_owned();
    match status {
        200 => None,
        422 => Some(Failure::Api {
            command: command.to_owned(),
            errcode: answer.get("errcode").and_then(Value::as_i64).unwrap_or(0),
            name: "refused to the user".to_owned(),
            errmsg: answer.get("errmsg").and_then(Value::as_str).unwrap_or_default().to_owned(),
        }),
        400 => Some(Failure::Refused(format!("{command}: {}", message()))),
        other => Some(Failure::Call(format!("{command}: HTTP {other}: {}", message()))),
    }
}

/// The first 200 characters of `text`.
fn excerpt(text: &str) -> String {
    text.chars().take(200).collect()
}
