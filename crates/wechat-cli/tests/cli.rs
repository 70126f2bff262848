//! The `wechat` binary as a person uses it: help, input from flags, files and stdin, typed
//! errors and their exit status, credentials from the environment, completions and `wechat mock`.

#![cfg(all(feature = "invoice", feature = "platform", feature = "token"))]
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Mock, binary};
use tokio::io::{AsyncBufReadExt, BufReader};
use wechat_mock::MockConfig;

/// An appsecret no output may show.
const SECRET: &str = "cli-test-appsecret-5f1e0c";

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}"))
}

#[tokio::test]
async fn help_lists_every_group_of_the_spec_and_the_exit_statuses() {
    let run = support::run(binary(), &["--help"], None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let groups: BTreeSet<String> = wechat_mock::spec_table::operations()
        .iter()
        .map(|op| op.key.split('/').next().unwrap().replace('_', "-"))
        .collect();
    assert!(groups.len() >= 9, "{groups:?}");
    let listed: BTreeSet<String> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  ")?.split_whitespace().next().map(str::to_owned))
        .collect();
    for group in &groups {
        assert!(listed.contains(group), "`{group}` missing from\n{}", run.stdout);
    }
    for expected in [
        "mock",
        "completions",
        "WECHAT_APPID",
        "WECHAT_SECRET",
        "WECHAT_BASE_URL",
        "WECHAT_INPUT_TIMEOUT",
        "4194304 bytes",
        "Exit status:",
    ] {
        assert!(run.stdout.contains(expected), "`{expected}` missing from\n{}", run.stdout);
    }
}

#[tokio::test]
async fn an_operation_s_help_marks_required_flags_and_lists_json_only_fields() {
    let run = support::run(binary(), &["platform", "insert-invoice", "--help"], None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("--order-id <TEXT>"), "{}", run.stdout);
    assert!(run.stdout.contains("[required]"), "{}", run.stdout);
    assert!(run.stdout.contains("Fields given with --json only:\n  card_ext ("), "{}", run.stdout);
}

#[tokio::test]
async fn flags_make_the_call_and_the_answer_is_json_on_stdout() {
    let mock = Mock::start().await;
    mock.authorize("wx-pappid", "order-7");
    let run = mock
        .run(&["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-7"], None)
        .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let answer = json_of(&run.stdout);
    assert_eq!(answer["invoice_status"], json!("auth success"), "{answer}");
    assert!(answer.get("errcode").is_none(), "{answer}");
    assert_eq!(mock.server.requests().count("/card/invoice/getauthdata"), 1);
}

#[tokio::test]
async fn output_is_pretty_json_one_line_json_or_a_table() {
    let mock = Mock::start().await;
    mock.authorize("wx-pappid", "order-6");
    let args = ["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-6"];
    let pretty = mock.run(&args, None).await;
    let json = mock.run(&[&args[..], &["--output", "json"]].concat(), None).await;
    let table = mock.run(&[&["-o", "table"][..], &args[..]].concat(), None).await;
    for run in [&pretty, &json, &table] {
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    assert!(pretty.stdout.lines().count() > 3, "{}", pretty.stdout);
    assert_eq!(json.stdout.lines().count(), 1, "{}", json.stdout);
    assert_eq!(json_of(&json.stdout), json_of(&pretty.stdout));
    // No list in this answer: a row per field, under FIELD and VALUE.
    let rows: Vec<Vec<&str>> = table.stdout.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], ["FIELD", "VALUE"], "{}", table.stdout);
    assert!(rows.contains(&vec!["invoice_status", "auth", "success"]), "{}", table.stdout);
    let refused = mock.run(&[&args[..], &["--output", "yaml"]].concat(), None).await;
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("[possible values: pretty, json, table]"), "{}", refused.stderr);
}

#[tokio::test]
async fn verbose_prints_each_attempt_and_the_retry_on_stderr() {
    let mock = Mock::start().await;
    mock.authorize("wx-pappid", "order-5");
    mock.server.faults().push(wechat_mock::Fault::http_status(503).only("get_auth_data")).unwrap();
    let args = ["-v", "invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-5"];
    let run = mock.run(&args, None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(json_of(&run.stdout)["invoice_status"], json!("auth success"));
    let attempts: Vec<&str> = run.stderr.lines().filter(|l| l.contains("wechat.attempt{attempt=")).collect();
    assert!(
        attempts.iter().any(|l| l.contains("status=503") && l.contains("attempt failed")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("retrying after a pause"), "{}", run.stderr);
    assert!(
        attempts.iter().any(|l| l.contains("attempt=2") && l.contains("attempt succeeded")),
        "{}",
        run.stderr
    );
    // Without -v, and with stderr not a terminal: nothing but the answer.
    mock.server.faults().push(wechat_mock::Fault::http_status(503).only("get_auth_data")).unwrap();
    let quiet = mock.run(&args[1..], None).await;
    assert_eq!((quiet.code, quiet.stderr.as_str()), (Some(0), ""));
}

/// The token requests the mock answered for its account.
fn tokens(mock: &Mock) -> u64 {
    mock.server.token_requests().count("/cgi-bin/stable_token", wechat_mock::DEMO_APPID)
}

#[tokio::test]
async fn the_token_is_kept_between_commands_in_a_private_cache() {
    let mock = Mock::with(MockConfig::new(wechat_mock::DEMO_APPID, wechat_core::Secret::new(SECRET))).await;
    mock.authorize("wx-pappid", "order-4");
    let cache = tempfile::tempdir().unwrap();
    let args = ["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-4"];
    for _ in 0..3 {
        let mut command = mock.command();
        command.env("WECHAT_TOKEN_CACHE", cache.path());
        let run = support::run(command, &args, None).await;
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    assert_eq!(tokens(&mock), 1, "one token for three commands");
    // The token WeChat refuses (it expired early) is renewed, and the cache with it.
    mock.server.tokens().expire_now();
    let mut command = mock.command();
    command.env("WECHAT_TOKEN_CACHE", cache.path());
    assert_eq!(support::run(command, &args, None).await.code, Some(0));
    assert_eq!(tokens(&mock), 2);
    // The files hold the token, never the appsecret, and name only the appid.
    let mut files = Vec::new();
    for folder in std::fs::read_dir(cache.path()).unwrap() {
        for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.contains(wechat_mock::DEMO_APPID) && !name.contains(SECRET), "{name}");
        assert!(!std::fs::read_to_string(file).unwrap().contains(SECRET), "{}", file.display());
    }
    // Turned off: every command asks for its own token.
    let run = mock.run(&args, None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(tokens(&mock), 3);
}

#[tokio::test]
async fn a_named_profile_gives_the_account_and_the_base_url() {
    let mock = Mock::start().await;
    mock.authorize("wx-pappid", "order-3");
    let dir = tempfile::tempdir().unwrap();
    let profiles = support::file(
        dir.path(),
        "profiles.toml",
        &format!(
            "[profiles.local]\nbase_url = \"{}\"\nappid = \"{}\"\nsecret_env = \"LOCAL_WECHAT_SECRET\"\n",
            mock.server.base_url(),
            wechat_mock::DEMO_APPID
        ),
    );
    let args = [
        "--profile",
        "local",
        "invoice",
        "get-auth-data",
        "--s-pappid",
        "wx-pappid",
        "--order-id",
        "order-3",
    ];
    // Nothing from WECHAT_*: the profile says it all.
    let mut command = support::binary();
    command.env("WECHAT_PROFILES", &profiles).env("LOCAL_WECHAT_SECRET", wechat_mock::DEMO_SECRET);
    let run = support::run(command, &args, None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(json_of(&run.stdout)["invoice_status"], json!("auth success"));
    // A variable that is set wins over the profile: here a base URL nothing listens on.
    let mut command = support::binary();
    command
        .env("WECHAT_PROFILES", &profiles)
        .env("LOCAL_WECHAT_SECRET", wechat_mock::DEMO_SECRET)
        .env("WECHAT_BASE_URL", "http://127.0.0.1:9");
    assert_eq!(support::run(command, &args, None).await.code, Some(3));
    // A profile the file does not have is named, with those it has; nothing is sent.
    let mut command = support::binary();
    command.env("WECHAT_PROFILES", &profiles);
    let run = support::run(
        command,
        &["--profile", "prod", "invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"],
        None,
    )
    .await;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("no [profiles.prod]; the file has: local"), "{}", run.stderr);
    assert_eq!(mock.server.requests().count("/card/invoice/getauthdata"), 1);
}

#[tokio::test]
async fn act_tells_the_mock_what_the_user_did() {
    let mock = Mock::start().await;
    let act = ["act", "invoice", "authorize-invoice", "--s-pappid", "wx-pappid", "--order-id", "order-2"];
    // No link yet: the user cannot authorize, and hears WeChat's code.
    let refused = mock.run(&act, None).await;
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(refused.stderr.contains("errcode 72038"), "{}", refused.stderr);
    mock.link("wx-pappid", "order-2");
    let run = mock.run(&[&act[..], &["--output", "json"]].concat(), None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(json_of(&run.stdout)["order_id"], json!("order-2"), "{}", run.stdout);
    // The merchant now reads what the user did.
    let read = mock
        .run(&["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-2"], None)
        .await;
    assert_eq!(read.code, Some(0), "{}", read.stderr);
    // The help lists the spec's actions; a param the action does not take is refused, unsent.
    let help = mock.run(&["act", "invoice", "--help"], None).await;
    assert!(help.stdout.contains("authorize-invoice"), "{}", help.stdout);
    let wrong = mock.run(&[&act[..], &["--json", "{\"colour\": 1}"]].concat(), None).await;
    assert_eq!(wrong.code, Some(2), "{}", wrong.stderr);
    // Without a mock to tell, it says where to point it.
    let mut bare = support::binary();
    bare.env_remove("WECHAT_BASE_URL");
    let missing = support::run(bare, &act, None).await;
    assert_eq!(missing.code, Some(2), "{}", missing.stderr);
    assert!(missing.stderr.contains("WECHAT_BASE_URL is not set"), "{}", missing.stderr);
}

#[tokio::test]
async fn json_comes_from_stdin_or_a_file_and_flags_override_its_keys() {
    let mock = Mock::start().await;
    mock.authorize("wx-pappid", "order-8");
    let stdin = r#"{"s_pappid": "wx-pappid", "order_id": "order-8"}"#;
    let run = mock.run(&["invoice", "get-auth-data", "--json", "-"], Some(stdin)).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    let dir = tempfile::tempdir().unwrap();
    let path = support::file(
        dir.path(),
        "request.json",
        r#"{"s_pappid": "wx-pappid", "order_id": "never-authorized"}"#,
    );
    let run = mock
        .run(&["invoice", "get-auth-data", "--json", &format!("@{path}"), "--order-id", "order-8"], None)
        .await;
    assert_eq!(run.code, Some(0), "the flag must win over the file's key: {}", run.stderr);
    assert_eq!(json_of(&run.stdout)["invoice_status"], json!("auth success"));
}

#[tokio::test]
async fn a_wechat_error_code_exits_1_with_the_errcode_on_stderr() {
    let mock = Mock::start().await;
    let run = mock
        .run(&["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "unknown"], None)
        .await;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.starts_with(
            "wechat: invoice get-auth-data: errcode 72038 (InvoiceOrderNeverAuth): invoice order never auth"
        ),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn an_unreachable_server_exits_3() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = binary();
    command
        .env("WECHAT_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("WECHAT_APPID", wechat_mock::DEMO_APPID)
        .env("WECHAT_SECRET", SECRET);
    let run =
        support::run(command, &["invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"], None)
            .await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("token endpoint"), "{}", run.stderr);
    assert!(!run.printed().contains(SECRET), "{}", run.printed());
}

/// The default build speaks TLS: an `https://` base URL (a loopback listener here, never
/// WeChat) gets a TLS ClientHello, not a refusal to build the client.
#[cfg(any(feature = "rustls-tls-webpki-roots", feature = "rustls-tls-native-roots", feature = "native-tls"))]
#[tokio::test]
async fn an_https_base_url_is_reached_over_tls() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // One connection, its first byte, then the socket is dropped (the handshake fails).
    let first_byte = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).map(|()| byte[0])
    });
    let mut command = binary();
    command
        .env("WECHAT_BASE_URL", format!("https://127.0.0.1:{port}"))
        .env("WECHAT_APPID", wechat_mock::DEMO_APPID)
        .env("WECHAT_SECRET", SECRET);
    let run =
        support::run(command, &["invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"], None)
            .await;
    // 0x16: a TLS handshake record.
    assert_eq!(first_byte.join().unwrap().unwrap(), 0x16, "{}", run.stderr);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(!run.stderr.contains("WECHAT_BASE_URL"), "{}", run.stderr);
    assert!(!run.printed().contains(SECRET), "{}", run.printed());
}

#[tokio::test]
async fn a_missing_secret_is_named_and_nothing_is_sent() {
    let mock = Mock::start().await;
    let mut command = mock.command();
    command.env_remove("WECHAT_SECRET");
    let run =
        support::run(command, &["invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"], None)
            .await;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stderr, "wechat: WECHAT_SECRET is not set: it must hold the account's AppSecret\n");
    assert_eq!(mock.server.requests().count("/cgi-bin/stable_token"), 0);
    assert_eq!(mock.server.requests().count("/card/invoice/getauthdata"), 0);

    let mut command = mock.command();
    command.env("WECHAT_APPID", "");
    let run =
        support::run(command, &["invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"], None)
            .await;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("WECHAT_APPID is not set"), "{}", run.stderr);
}

#[tokio::test]
async fn the_secret_never_appears_in_any_output() {
    let mock = Mock::with(MockConfig::new(wechat_mock::DEMO_APPID, wechat_core::Secret::new(SECRET))).await;
    mock.authorize("wx-pappid", "order-9");
    let mut outputs = Vec::new();
    // A call that succeeds, one WeChat refuses, one with bad input, and the help.
    outputs.push(
        mock.run(&["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-9"], None)
            .await,
    );
    outputs.push(
        mock.run(&["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "nope"], None).await,
    );
    outputs.push(mock.run(&["invoice", "get-auth-data", "--json", "{\"order_id\": 1"], None).await);
    outputs.push(mock.run(&["--help"], None).await);
    assert_eq!(outputs.iter().map(|r| r.code).collect::<Vec<_>>(), [Some(0), Some(1), Some(2), Some(0)]);
    // A secret WeChat refuses: its code is reported, the secret is not.
    let mut wrong = mock.command();
    wrong.env("WECHAT_SECRET", format!("{SECRET}-wrong"));
    let refused = support::run(
        wrong,
        &["invoice", "get-auth-data", "--s-pappid", "wx-pappid", "--order-id", "order-9"],
        None,
    )
    .await;
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(refused.stderr.contains("errcode 40125"), "{}", refused.stderr);
    outputs.push(refused);
    for run in &outputs {
        assert!(!run.printed().contains(SECRET), "the secret was printed: {}", run.printed());
    }
}

#[tokio::test]
async fn bad_input_exits_2_naming_the_field_before_anything_is_sent() {
    let mock = Mock::start().await;
    let cases: [(&[&str], &str); 5] = [
        (&["invoice", "get-auth-data", "--s-pappid", "p"], "--order-id (`order_id` in --json) is required"),
        (
            &["invoice", "get-auth-data", "--json", "[]"],
            "--json value: expected a JSON object, found an array",
        ),
        (
            &[
                "invoice",
                "get-auth-data",
                "--s-pappid",
                "p",
                "--order-id",
                "o",
                "--json",
                r#"{"order_idd": "o"}"#,
            ],
            "`order_idd` is not a field of this request",
        ),
        (
            &[
                "platform",
                "insert-invoice",
                "--order-id",
                "o",
                "--card-id",
                "c",
                "--appid",
                "wx",
                "--json",
                r#"{"card_ext": {"card_id": 7}}"#,
            ],
            "`card_ext",
        ),
        (&["platform", "set-pdf", "--file", "/nonexistent/bill.pdf"], "--file /nonexistent/bill.pdf:"),
    ];
    for (args, expected) in cases {
        let run = mock.run(args, None).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: expected `{expected}` in {}", run.stderr);
    }
    assert!(mock.server.requests().log().is_empty(), "{:?}", mock.server.requests().log());
}

#[tokio::test]
async fn an_upload_takes_its_file_with_file() {
    let mock = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bill.pdf");
    std::fs::write(&path, wechat_mock::sample_pdf("Bill 1")).unwrap();
    let run = mock.run(&["platform", "set-pdf", "--file", &path.display().to_string()], None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let media_id = json_of(&run.stdout)["s_media_id"].as_str().unwrap().to_owned();
    assert_eq!(
        mock.server.media().get(&media_id).map(|f| f.bytes.len()),
        Some(wechat_mock::sample_pdf("Bill 1").len())
    );
}

#[tokio::test]
async fn token_endpoints_need_no_credentials_from_the_environment() {
    let mock = Mock::start().await;
    let mut command = binary();
    command.env("WECHAT_BASE_URL", mock.server.base_url());
    let args = ["token", "get-stable-access-token", "--appid", wechat_mock::DEMO_APPID, "--json", "-"];
    let stdin = format!(r#"{{"secret": "{}"}}"#, wechat_mock::DEMO_SECRET);
    let run = support::run(command, &args, Some(&stdin)).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(json_of(&run.stdout)["access_token"].as_str().is_some_and(|t| !t.is_empty()), "{}", run.stdout);
}

#[tokio::test]
async fn completions_cover_the_groups() {
    let run = support::run(binary(), &["completions", "bash"], None).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("complete -F _wechat"), "{}", run.stdout);
    assert!(run.stdout.contains("get-auth-data"), "the operations are completed too");
    let bad = support::run(binary(), &["completions", "cmd.exe"], None).await;
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}

#[tokio::test]
async fn wechat_mock_serves_the_binary_s_own_calls() {
    let mut server = binary();
    server.args(["mock", "--addr", "127.0.0.1:0"]).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = server.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first =
        tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await.unwrap().unwrap().unwrap();
    let url = first.strip_prefix("wechat mock listening on ").unwrap_or_else(|| panic!("{first}")).to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let export =
        tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await.unwrap().unwrap().unwrap();
    assert!(export.starts_with(&format!("export WECHAT_BASE_URL={url} WECHAT_APPID=")), "{export}");

    let mut command = binary();
    command
        .env("WECHAT_BASE_URL", &url)
        .env("WECHAT_APPID", wechat_mock::DEMO_APPID)
        .env("WECHAT_SECRET", wechat_mock::DEMO_SECRET);
    let run =
        support::run(command, &["invoice", "get-auth-data", "--s-pappid", "p", "--order-id", "o"], None)
            .await;
    assert_eq!(run.code, Some(1), "the mock answered: {}", run.stderr);
    assert!(run.stderr.contains("errcode 72038"), "{}", run.stderr);

    child.start_kill().unwrap();
    tokio::time::timeout(Duration::from_secs(30), child.wait()).await.unwrap().unwrap();
}
