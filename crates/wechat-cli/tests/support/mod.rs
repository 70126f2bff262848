//! Running the built `wechat` binary against a wechat-mock started by the test.

// Each test file uses part of this module.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use wechat_mock::records::InvoiceOrder;
use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
use wechat_mock::{MockConfig, MockServer};

/// The longest a single run of the binary may take before the test fails: it never waits on
/// anything but the mock on 127.0.0.1, so this only bounds a hang.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A mock server, and the binary pointed at it.
pub(crate) struct Mock {
    pub(crate) server: MockServer,
}

/// One operation to call through the binary, arranged from the spec.
pub(crate) struct Invocation {
    /// The group and operation subcommands.
    pub(crate) command: &'static [&'static str],
    /// `group/name`.
    pub(crate) operation: &'static str,
    /// The spec's example request, if it has one.
    pub(crate) example: Option<&'static str>,
    /// Body fields given as flags when the arranged body holds a scalar for them: (wire, flag).
    pub(crate) body_flags: &'static [(&'static str, &'static str)],
    /// Query parameters, given as flags: (wire, flag).
    pub(crate) query_flags: &'static [(&'static str, &'static str)],
    /// The file parts to upload: (the part, for `--file PART=PATH`, or `None` for `--file PATH`; content type).
    pub(crate) files: &'static [(Option<&'static str>, &'static str)],
    /// The records the mock holds before the call (resource, record as JSON), parents first:
    /// the `given` of the spec's success example.
    pub(crate) given: &'static [(&'static str, &'static str)],
}

/// What one run of the binary did.
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Everything the run printed.
    pub(crate) fn printed(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Mock {
    /// A mock for the demo account.
    pub(crate) async fn start() -> Self {
        Self::with(MockConfig::demo()).await
    }

    /// A mock with its own configuration.
    pub(crate) async fn with(config: MockConfig) -> Self {
        Self { server: MockServer::start(config).await.expect("the mock starts") }
    }

    /// The merchant got the link of `order_id` of `s_pappid`: the mock holds the order it made.
    pub(crate) fn link(&self, s_pappid: &str, order_id: &str) {
        let link = InvoiceOrder::builder()
            .s_pappid(s_pappid)
            .order_id(order_id)
            .build()
            .expect("both set")
            .appid(&self.server.config().appid);
        self.server.seed_record(&link).expect("the order's link");
    }

    /// The merchant got the link of `order_id` of `s_pappid` and the user authorized it, as
    /// WeChat's page lets them.
    pub(crate) fn authorize(&self, s_pappid: &str, order_id: &str) {
        self.link(s_pappid, order_id);
        self.server
            .act(
                &AuthorizeInvoiceParams::builder()
                    .s_pappid(s_pappid)
                    .order_id(order_id)
                    .build()
                    .expect("both set"),
            )
            .expect("the user authorizes");
    }

    /// The binary, with the mock's URL and credentials in its environment and nothing else of
    /// ours inherited.
    pub(crate) fn command(&self) -> tokio::process::Command {
        let mut command = binary();
        command
            .env("WECHAT_BASE_URL", self.server.base_url())
            .env("WECHAT_APPID", &self.server.config().appid)
            .env("WECHAT_SECRET", self.server.config().secret.expose());
        command
    }

    /// Runs the binary with `args` and, if given, `stdin`.
    pub(crate) async fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        run(self.command(), args, stdin).await
    }

    /// Seeds the call's `given` records, arranges the call, runs it with the arranged body split
    /// into flags and `--json`, and returns what it printed; the command must succeed and print
    /// a JSON object.
    pub(crate) async fn invoke(&self, call: Invocation) -> Value {
        for (resource, record) in call.given {
            let record = serde_json::from_str(record).expect("the spec's given record is JSON");
            if let Err(error) = self.server.seed(resource, record) {
                panic!("{}: the mock holds a given {resource}: {error}", call.operation);
            }
        }
        let body = match call.example {
            Some(json) => serde_json::from_str(json).expect("the spec's example is JSON"),
            None => {
                let op = wechat_mock::spec_table::operation(call.operation).expect("in the table");
                Value::Object(wechat_mock::sample_request(op))
            }
        };
        let arranged = self.server.arrange(call.operation, &body).expect("the call can be arranged");
        let mut body = match arranged.body.clone() {
            Value::Object(body) => body,
            other => panic!("{}: arranged body is not an object: {other}", call.operation),
        };
        let mut args: Vec<String> = call.command.iter().map(|s| (*s).to_owned()).collect();
        for (wire, flag) in call.body_flags {
            if let Some(text) = body.get(*wire).and_then(flag_text) {
                args.push(format!("--{flag}={text}"));
                body.remove(*wire);
            }
        }
        for (wire, flag) in call.query_flags {
            if let Some(value) = arranged.query.get(*wire) {
                args.push(format!("--{flag}={value}"));
            }
        }
        let files = tempfile::tempdir().expect("a temporary directory");
        for (part, content_type) in call.files {
            let (name, bytes) = wechat_mock::sample_upload(content_type);
            let path = files.path().join(&name);
            std::fs::write(&path, bytes).expect("the sample file is written");
            args.push("--file".to_owned());
            args.push(match part {
                Some(part) => format!("{part}={}", path.display()),
                None => path.display().to_string(),
            });
        }
        args.push("--json".to_owned());
        args.push(Value::Object(body).to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.run(&args, None).await;
        assert_eq!(run.code, Some(0), "{}: {args:?}\nstderr: {}", call.operation, run.stderr);
        match serde_json::from_str::<Value>(&run.stdout) {
            Ok(printed @ Value::Object(_)) => printed,
            _ => panic!("{}: stdout is not a JSON object: {}", call.operation, run.stdout),
        }
    }

    /// What the binary printed must be the mock's last answer to `operation`, decoded by the
    /// operation's response type. The mock keeps a text answer (a CSV statement) as a JSON
    /// string, whose content is the body it sent.
    pub(crate) fn assert_printed_answer<O>(&self, operation: &str, printed: &Value)
    where
        O: wechat_core::Operation,
        O::Response: serde::Serialize,
    {
        let sent = match self.server.answers().last(operation).expect("the mock answered") {
            Value::String(text) => text,
            json => json.to_string(),
        };
        let decoded = wechat_core::decode_response::<O>(sent.as_bytes())
            .unwrap_or_else(|e| panic!("{operation}: the mock's answer decodes: {e}"));
        let expected = serde_json::to_value(&decoded).expect("the response serializes");
        assert_eq!(printed, &expected, "{operation}");
    }
}

/// A scalar as a flag's value; `None` for what only JSON can carry.
fn flag_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// The built binary, with no `WECHAT_*` variable inherited from the environment running the
/// tests, and no token cache (a test that wants one names its folder).
pub(crate) fn binary() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_wechat"));
    for name in ["WECHAT_BASE_URL", "WECHAT_APPID", "WECHAT_SECRET"] {
        command.env_remove(name);
    }
    command.env("WECHAT_TOKEN_CACHE", "off");
    command.kill_on_drop(true);
    command
}

/// Runs `command` with `args`, feeding `stdin` if given, within [`RUN_LIMIT`].
pub(crate) async fn run(mut command: tokio::process::Command, args: &[&str], stdin: Option<&str>) -> Run {
    command.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = command.spawn().expect("the binary starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(text.as_bytes()).await.expect("stdin is written");
        drop(pipe);
    }
    let output = tokio::time::timeout(RUN_LIMIT, child.wait_with_output())
        .await
        .expect("the binary finishes in time")
        .expect("the binary's output is read");
    output.into()
}

/// A file in `dir` holding `text`.
pub(crate) fn file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the file is written");
    path.display().to_string()
}
