//! One call of an operation: its input turned into the operation's request type (which checks
//! it), sent through the runtime client, and its answer as JSON.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wechat_core::lenient::Lenient;
use wechat_core::{Operation, UploadFile};

use crate::bounded;
use crate::credentials;
use crate::failure::Failure;
use crate::field::Field;
use crate::input::Input;
use crate::profile::Profile;

/// What an operation's call function returns: the answer as JSON.
pub(crate) type CallFuture = Pin<Box<dyn Future<Output = Result<Value, Failure>>>>;

/// An operation command's input, ready to become its request. No `Debug`: the input may hold
/// credentials (the token endpoints take an appsecret).
pub(crate) struct Call {
    /// `group operation`, for messages.
    command: String,
    /// The operation's fields, whose aliases the request type accepts.
    fields: &'static [Field],
    input: Input,
    /// The profile named, whose settings the environment's override.
    profile: Profile,
}

impl Call {
    /// A call of the operation of `fields` with `input`, as `profile` sets it up.
    pub(crate) fn new(command: String, fields: &'static [Field], input: Input, profile: Profile) -> Self {
        Self { command, fields, input, profile }
    }

    /// The request type, read from the body; a value of the wrong type is named by its path,
    /// and a key the type does not know is refused rather than dropped.
    pub(crate) fn body<T: DeserializeOwned + Serialize>(&self) -> Result<T, Failure> {
        let body = Value::Object(self.input.body.clone());
        let request: T =
            serde_path_to_error::deserialize(Lenient::new(body)).map_err(|e| Failure::InvalidField {
                command: self.command.clone(),
                path: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        let sent = serde_json::to_value(&request).map_err(|e| Failure::InvalidField {
            command: self.command.clone(),
            path: String::new(),
            message: e.to_string(),
        })?;
        let unknown = self.input.body.iter().find(|(key, value)| {
            !value.is_null()
                && sent.get(key.as_str()).is_none()
                && !self.fields.iter().any(|f| f.aliases.contains(&key.as_str()))
        });
        match unknown {
            Some((key, _)) => {
                Err(Failure::UnknownField { command: self.command.clone(), field: key.clone() })
            }
            None => Ok(request),
        }
    }

    /// The query parameter `wire`; an absent one reads as `null` (`None` for optional ones,
    /// which are the only ones that can be absent here).
    pub(crate) fn query<T: DeserializeOwned>(&self, wire: &str) -> Result<T, Failure> {
        let value = self.input.query.get(wire).cloned().unwrap_or(Value::Null);
        wechat_core::lenient::from_value(value).map_err(|e| Failure::InvalidField {
            command: self.command.clone(),
            path: wire.to_owned(),
            message: e.to_string(),
        })
    }

    /// The file given for the required part `part`.
    pub(crate) fn file(&self, part: &str) -> Result<UploadFile, Failure> {
        self.optional_file(part)?.ok_or_else(|| Failure::File {
            command: self.command.clone(),
            problem: format!("the `{part}` part is required"),
        })
    }

    /// The file given for the part `part`, if any: its name and bytes. It must be a regular
    /// file of at most the part's `max_size` (the spec's: the largest file WeChat accepts
    /// there), read within the time bound of [`bounded`].
    pub(crate) fn optional_file(&self, part: &str) -> Result<Option<UploadFile>, Failure> {
        let Some((file_part, path)) = self.input.files.iter().find(|(p, _)| p.part == part) else {
            return Ok(None);
        };
        let capped = format!("the `{part}` part (the largest file WeChat accepts there)");
        let bytes = bounded::file(path, file_part.max_size, bounded::timeout()?).map_err(|refusal| {
            Failure::File {
                command: self.command.clone(),
                problem: format!("{}: {}", path.display(), refusal.describe("the file", &capped)),
            }
        })?;
        let name = path.file_name().map_or_else(|| part.to_owned(), |n| n.to_string_lossy().into_owned());
        Ok(Some(UploadFile::new(name, bytes)))
    }

    /// Sends `request` with a client configured from the environment, and returns the
    /// decoded answer as JSON.
    pub(crate) async fn send<O>(&self, request: &O) -> Result<Value, Failure>
    where
        O: Operation,
        O::Response: Serialize,
        O::ErrorCode: std::fmt::Debug,
    {
        let client = credentials::client(O::ENDPOINT.token, &self.profile)?;
        let answer = client.send(request).await.map_err(|e| Failure::of_call(&self.command, e))?;
        serde_json::to_value(&answer)
            .map_err(|e| Failure::Call(format!("{}: cannot print the answer: {e}", self.command)))
    }
}
