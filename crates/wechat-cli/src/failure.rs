//! Why a command failed, and the exit status that says so.

use wechat_core::{ErrorCode, TokenError};

/// The exit status of each kind of failure, as `wechat --help` documents it.
pub(crate) mod exit {
    /// WeChat answered an error code.
    pub(crate) const ERRCODE: u8 = 1;
    /// The command line, the input or the environment is wrong; nothing was sent.
    pub(crate) const USAGE: u8 = 2;
    /// The call failed without an error code, or the mock server could not run.
    pub(crate) const CALL: u8 = 3;
}

/// Every way a command fails. Messages name what is wrong and where; none holds a secret.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// A variable the call needs is not set.
    #[error("{name} is not set: it must hold {what}")]
    MissingVariable {
        /// The variable.
        name: &'static str,
        /// What it holds.
        what: &'static str,
    },
    /// A variable is set to something unusable.
    #[error("{name}: {problem}")]
    BadVariable {
        /// The variable.
        name: &'static str,
        /// What is wrong with it (never its value when it is a secret).
        problem: String,
    },
    /// `--json` could not be read or is not a JSON object.
    #[error("{command}: --json {problem}")]
    Json {
        /// The command, e.g. `invoice get-auth-data`.
        command: String,
        /// What is wrong.
        problem: String,
    },
    /// A required field was given neither as a flag nor in `--json`.
    #[error("{command}: {} is required", given_as(field, *flag))]
    MissingField {
        /// The command.
        command: String,
        /// The field's wire name.
        field: &'static str,
        /// Its flag, if it has one.
        flag: Option<&'static str>,
    },
    /// A key of `--json` is not a field of the request: it would not be sent.
    #[error("{command}: `{field}` is not a field of this request (it would not be sent); see --help")]
    UnknownField {
        /// The command.
        command: String,
        /// The key as given.
        field: String,
    },
    /// The input does not fit the request type.
    #[error("{command}: {}: {message}", at(path))]
    InvalidField {
        /// The command.
        command: String,
        /// The JSON path of the offending value, empty for the whole request.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// `--file` is wrong, or the file cannot be read.
    #[error("{command}: --file {problem}")]
    File {
        /// The command.
        command: String,
        /// What is wrong.
        problem: String,
    },
    /// The client refused the request before sending it (a value outside the spec's limits,
    /// a token the endpoint does not take).
    #[error("{0}")]
    Refused(String),
    /// WeChat answered a non-zero `errcode`.
    #[error("{command}: errcode {errcode} ({name}): {errmsg}")]
    Api {
        /// The command.
        command: String,
        /// WeChat's code.
        errcode: i64,
        /// The SDK's name for it, e.g. `InvoiceOrderNeverAuth`.
        name: String,
        /// WeChat's message.
        errmsg: String,
    },
    /// The call failed otherwise: unreachable, timeout, HTTP status, redirect, undecodable.
    #[error("{0}")]
    Call(String),
    /// The answer could not be written to stdout.
    #[error("cannot write the answer: {0}")]
    Output(#[source] std::io::Error),
    /// `wechat mock` could not start or stop.
    #[error("mock: {0}")]
    Mock(String),
    /// The profile named cannot be used: the file, the name or a key is wrong.
    #[error("{0}")]
    Profile(String),
}

fn given_as(field: &str, flag: Option<&str>) -> String {
    match flag {
        Some(flag) => format!("--{flag} (`{field}` in --json)"),
        None => format!("`{field}` (give it in --json)"),
    }
}

fn at(path: &str) -> String {
    if path.is_empty() || path == "." { "the request".to_owned() } else { format!("`{path}`") }
}

impl Failure {
    /// The process's exit status.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Api { .. } => exit::ERRCODE,
            Self::MissingVariable { .. }
            | Self::BadVariable { .. }
            | Self::Json { .. }
            | Self::MissingField { .. }
            | Self::UnknownField { .. }
            | Self::InvalidField { .. }
            | Self::File { .. }
            | Self::Profile(_)
            | Self::Refused(_) => exit::USAGE,
            Self::Call(_) | Self::Output(_) | Self::Mock(_) => exit::CALL,
        }
    }

    /// stdout was closed by its reader (`wechat ... | head -c 10`): not a failure to report,
    /// the reader took what it wanted.
    pub(crate) fn is_closed_output(&self) -> bool {
        matches!(self, Self::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The failure of a call of `command`: WeChat's code when it answered one (the token
    /// endpoint's too, e.g. 40125 for a wrong appsecret).
    pub(crate) fn of_call<C: ErrorCode + std::fmt::Debug>(
        command: &str,
        error: wechat_core::Error<C>,
    ) -> Self {
        match error {
            wechat_core::Error::Api(api) => Self::Api {
                command: command.to_owned(),
                errcode: api.code.code(),
                name: format!("{:?}", api.code),
                errmsg: api.errmsg,
            },
            wechat_core::Error::Token { source: TokenError::Refused { errcode, errmsg }, .. } => {
                Self::Api { command: command.to_owned(), errcode, name: "token refused".to_owned(), errmsg }
            }
            refused @ (wechat_core::Error::Invalid { .. }
            | wechat_core::Error::Request { .. }
            | wechat_core::Error::Build(_)) => Self::Refused(refused.to_string()),
            // The runtime's messages start with the operation's name already.
            other => Self::Call(other.to_string()),
        }
    }
}
