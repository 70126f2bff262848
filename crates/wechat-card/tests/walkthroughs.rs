//! The two walkthroughs run to the end against their in-process mock: `cargo test` builds the
//! examples, and this runs them as a user would, so they cannot rot.

use std::path::PathBuf;
use std::process::Command;

/// Where cargo put the example binaries of this package's test build.
fn example(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test binary's path");
    let profile = test.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    profile.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn run(name: &str) -> String {
    let output = Command::new(example(name))
        // The walkthroughs talk to WeChat itself when these are set; the test wants the mock.
        .env_remove("WECHAT_APPID")
        .env_remove("WECHAT_SECRET")
        .output()
        .unwrap_or_else(|e| panic!("run the {name} example: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{name} failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[test]
fn the_member_card_walkthrough_redeems_a_code_once() {
    let printed = run("member_card");
    for step in [
        "member card approved",
        "activated; points now 100",
        "member M-0001 of",
        "redeemed for",
        "second redemption refused",
    ] {
        assert!(printed.contains(step), "missing {step:?} in:\n{printed}");
    }
}

#[test]
fn the_quickstart_walks_the_invoice_flow() {
    let printed = run("quickstart");
    for step in [
        // The mock pushes the authorization, signed and encrypted, to the quickstart's route.
        "Received user_authorize_invoice for order quickstart-order-1",
        "insertbill again: refused as WeChat refuses it: 72042",
        "getauthdata on the refused order: 72035",
        "Done.",
    ] {
        assert!(printed.contains(step), "missing {step:?} in:\n{printed}");
    }
}
