//! `docs/openapi.json` proven by tools no one here wrote, installed (pinned) by `cargo xtask
//! test` into a Python virtual environment (`xtask::openapi_tools`): openapi-spec-validator
//! accepts the document; schemathesis drives every operation of the running mock with valid and
//! invalid requests, checking that it answers only what the document says; and a client
//! openapi-python-client generates from the document runs a card flow and an invoice flow
//! against the mock, reading typed answers (tests/openapi/flows.py).
//! What is left out on purpose, and why: docs/openapi-tools.md.
//!
//! Without `$WECHAT_TEST_OPENAPI_VENV` the tests fail, as the redis tests do without
//! redis-server, unless `cargo xtask test` recorded that PyPI was unreachable
//! (`$WECHAT_TEST_OPENAPI_TOOLS_SKIPPED`): then each says "SKIPPED" and why.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

use serde_json::{Value, json};
use tests::workspace::root;
use wechat_mock::{DEMO_APPID, DEMO_SECRET, MockConfig, MockServer};
use xtask::openapi_tools::{SKIPPED_VAR, VENV_VAR};

/// schemathesis's budget: examples per operation (generation is deterministic: no seed, no
/// example database).
const MAX_EXAMPLES: &str = "5";

/// The virtual environment with the tools, or `None` (said loudly) when PyPI was unreachable.
fn venv(test: &str) -> Option<PathBuf> {
    if let Some(venv) = std::env::var_os(VENV_VAR) {
        return Some(PathBuf::from(venv));
    }
    if let Some(why) = std::env::var_os(SKIPPED_VAR) {
        eprintln!("SKIPPED {test}: {} (from ${SKIPPED_VAR})", why.to_string_lossy());
        return None;
    }
    panic!(
        "${VENV_VAR} is not set: run the tests with `cargo xtask test`, which installs the pinned \
         OpenAPI tools (xtask/src/openapi_tools.rs) into a virtual environment"
    )
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn validate(venv: &Path, document: &Path) -> Output {
    std::process::Command::new(venv.join("bin").join("openapi-spec-validator"))
        .arg(document)
        .output()
        .expect("openapi-spec-validator runs")
}

#[test]
fn openapi_spec_validator_accepts_the_document_and_the_mocks_copy() {
    let Some(venv) = venv("openapi_spec_validator_accepts_the_document_and_the_mocks_copy") else { return };
    let started = Instant::now();
    let root = root();
    for document in
        [root.join("docs/openapi.json"), root.join("crates/wechat-mock/src/generated/openapi.json")]
    {
        let output = validate(&venv, &document);
        let said = text(&output);
        assert!(output.status.success() && said.contains("OK"), "{}: {said}", document.display());
    }
    // The validator does refuse: the document with an operation's answers taken away.
    let mut broken: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("docs/openapi.json")).expect("read"))
            .expect("JSON");
    let first = broken["paths"].as_object_mut().expect("paths").values_mut().next().expect("a path");
    first.as_object_mut().expect("a path item").values_mut().next().expect("an operation")["responses"] =
        json!(7);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let broken_path = dir.path().join("broken.json");
    std::fs::write(&broken_path, broken.to_string()).expect("write");
    let output = validate(&venv, &broken_path);
    assert!(!output.status.success(), "a broken document accepted: {}", text(&output));
    eprintln!("openapi-spec-validator: 3 documents in {:.1?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_the_mock_answering_only_what_the_document_says() {
    let Some(venv) = venv("schemathesis_finds_the_mock_answering_only_what_the_document_says") else {
        return;
    };
    let root = root();
    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let token = token(&mock).await;
    let workdir = tempfile::tempdir().expect("a temporary directory");
    let started = Instant::now();
    let output = tokio::process::Command::new(venv.join("bin").join("schemathesis"))
        .current_dir(workdir.path())
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", root.join("tests/openapi"))
        // Nothing written into the source tree (schemathesis's cache goes to the temporary
        // working directory).
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("WECHAT_MOCK_ACCESS_TOKEN", &token)
        .arg("--config-file")
        .arg(root.join("tests/openapi/schemathesis.toml"))
        .arg("run")
        .arg(root.join("docs/openapi.json"))
        .args(["--url", mock.base_url()])
        .args(["--max-examples", MAX_EXAMPLES, "--generation-deterministic", "--workers", "2"])
        // The checks, and the exclusions, are in the configuration file.
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--no-color", "--request-timeout", "10"])
        .output()
        .await
        .expect("schemathesis runs");
    let said = text(&output);
    let elapsed = started.elapsed();
    assert!(!said.contains(&token), "the access token was written in schemathesis's output");
    assert!(
        output.status.success(),
        "schemathesis found the mock answering what the document does not say:\n{said}"
    );
    // Every operation of the document was called.
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("docs/openapi.json")).expect("read"))
            .expect("JSON");
    let operations: usize = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, |m| m.len()))
        .sum();
    assert!(
        said.contains(&format!("Tested: {operations}\n")),
        "not every one of {operations} operations was tested:\n{said}"
    );
    let summary = said.lines().rev().find(|line| line.contains(" in ")).unwrap_or("");
    eprintln!("schemathesis in {elapsed:.1?}: {summary}");
    mock.shutdown().await.expect("the mock stops");
}

/// The mock's demo account's access token, from `stable_token`.
async fn token(mock: &MockServer) -> String {
    let body = json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET});
    let answer = reqwest::Client::new()
        .post(format!("{}/cgi-bin/stable_token", mock.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("stable_token answers")
        .text()
        .await
        .expect("a body");
    let answer: Value = serde_json::from_str(&answer).expect("JSON");
    answer["access_token"].as_str().expect("a token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_generated_by_openapi_python_client_runs_a_card_and_an_invoice_flow() {
    let Some(venv) = venv("a_client_generated_by_openapi_python_client_runs_a_card_and_an_invoice_flow")
    else {
        return;
    };
    let root = root();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let package = "wechat_openapi_client";
    // No post hooks: they would run ruff, which is not among the pinned tools.
    let config = dir.path().join("openapi-python-client.json");
    std::fs::write(&config, r#"{"post_hooks": []}"#).expect("write");
    let started = Instant::now();
    let generated = tokio::process::Command::new(venv.join("bin").join("openapi-python-client"))
        .args(["generate", "--meta", "none"])
        .arg("--path")
        .arg(root.join("docs/openapi.json"))
        .arg("--output-path")
        .arg(dir.path().join(package))
        .arg("--config")
        .arg(&config)
        .output()
        .await
        .expect("openapi-python-client runs");
    let said = text(&generated);
    assert!(generated.status.success(), "openapi-python-client failed:\n{said}");
    assert!(!said.contains("Warning"), "openapi-python-client left parts of the document out:\n{said}");
    let generation = started.elapsed();

    let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
    let token = token(&mock).await;
    let flows = tokio::process::Command::new(venv.join("bin").join("python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("WECHAT_MOCK_ACCESS_TOKEN", &token)
        .arg(root.join("tests/openapi/flows.py"))
        .arg(dir.path())
        .arg(package)
        .arg(root.join("docs/openapi.json"))
        .arg(mock.base_url())
        .output()
        .await
        .expect("python runs");
    let said = text(&flows);
    assert!(!said.contains(&token), "the access token was written in the flows' output");
    assert!(flows.status.success(), "the generated client's flows failed:\n{said}");
    for step in ["ok card flow:", "ok invoice flow:"] {
        assert!(said.contains(step), "no `{step}` line:\n{said}");
    }
    eprintln!(
        "openapi-python-client: generated in {generation:.1?}, flows in {:.1?}",
        started.elapsed() - generation
    );
    mock.shutdown().await.expect("the mock stops");
}
