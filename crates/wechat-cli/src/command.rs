//! The clap command tree, built from the generated table with clap's builder API (a derive
//! per operation would compile far more code for the same help).

use clap::{Arg, ArgAction, Command, value_parser};

use crate::args::{field_arg, json_arg};
use crate::bounded::{DEFAULT_TIMEOUT, JSON_CAP, TIMEOUT_VAR};
use crate::credentials::{APPID, BASE_URL, SECRET};
use crate::failure::exit;
use crate::input::FILE;
use crate::profile::{PROFILE_VAR, PROFILES_VAR};
use crate::table::{Group, Operation};
use crate::token_cache::CACHE_VAR;

/// The subcommand printing a completion script.
pub(crate) const COMPLETIONS: &str = "completions";

/// `wechat` with every group compiled in, `completions` and `mock`.
pub(crate) fn root(groups: &[&'static Group]) -> Command {
    let mut root = Command::new("wechat")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "Calls WeChat's card, invoice and fiscal e-bill APIs: one subcommand per endpoint of the spec.",
        )
        .after_help(root_help())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(crate::output::arg())
        .arg(crate::progress::arg())
        .arg(crate::profile::arg());
    for group in groups {
        root = root.subcommand(group_command(group));
    }
    if !crate::generated::USER_ACTIONS.is_empty() {
        root = root.subcommand(crate::act::command(crate::generated::USER_ACTIONS));
    }
    root = root.subcommand(
        Command::new(COMPLETIONS)
            .about("Prints the completion script of a shell, e.g. `wechat completions bash > ~/.wechat.bash`")
            .arg(Arg::new("shell").required(true).value_parser(value_parser!(clap_complete::Shell))),
    );
    #[cfg(feature = "mock")]
    {
        root = root.subcommand(crate::mock::command());
    }
    root
}

fn root_help() -> String {
    format!(
        "Environment:
  {APPID}          the account's AppID, for calls that need an access token
  {SECRET}         the account's AppSecret (never printed)
  {BASE_URL}       where calls go instead of https://api.weixin.qq.com, e.g. the URL
                        `wechat mock` prints
  {TIMEOUT_VAR}  seconds an input may give nothing before the command gives up [default: {timeout}]
  {CACHE_VAR}    where the access token is kept between commands (private files), or
                        `off` [default: $XDG_CACHE_HOME/wechat, else ~/.cache/wechat]
  {PROFILE_VAR}        the profile to use when --profile is not given
  {PROFILES_VAR}       the profiles file [default: $XDG_CONFIG_HOME/wechat/profiles.toml,
                        else ~/.config/wechat/profiles.toml]

Profiles: --profile NAME takes appid, secret (or secret_env, the variable holding it) and
base_url from [profiles.NAME] of the profiles file; a variable above that is set wins. A file
holding a secret must be readable by its owner only.

Input: top-level fields as flags (see `wechat GROUP OPERATION --help`); any field with
--json '{{..}}', --json @FILE or --json - (stdin); flags override the keys of --json.
Limits: --json @FILE and --json - read at most {json_cap} bytes ({json_mib} MiB); --file at most the
part's limit from the spec (the largest file WeChat accepts, in the operation's help). @FILE
and --file must be regular files (no FIFO, device or directory). A file or a piped stdin that
gives nothing for {TIMEOUT_VAR} seconds is given up on; a terminal on stdin is waited for.
Output: the answer on stdout, without errcode and errmsg: pretty JSON, or with --output json
one line of JSON (for jq and logs), or with --output table the rows of its list (or its
fields). A reader that closes stdout early (`| head`) ends the command quietly, with status 0.
Progress: -v prints each attempt on stderr (status, errcode, latency, the pause before a
retry); without it a call still running after a second shows one line on a terminal's stderr.

Exit status:
  0  success
  {errcode}  WeChat answered an error code; stderr says `errcode N (Name): errmsg`
  {usage}  bad usage or input (flags, --json, --file, a variable missing, a value outside the
     spec's limits); nothing was sent
  {call}  the call failed without an error code (unreachable, timeout, HTTP status, redirect,
     undecodable answer), or `wechat mock` could not run",
        errcode = exit::ERRCODE,
        usage = exit::USAGE,
        call = exit::CALL,
        timeout = DEFAULT_TIMEOUT.as_secs(),
        json_cap = JSON_CAP,
        json_mib = JSON_CAP / (1024 * 1024),
    )
}

fn group_command(group: &'static Group) -> Command {
    let mut command = Command::new(group.command)
        .about(group.summary)
        .long_about(group.about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(group.operations.iter().map(operation_command));
    if group.module != group.command {
        command = command.alias(group.module);
    }
    command
}

fn operation_command(op: &'static Operation) -> Command {
    let mut command = Command::new(op.command)
        .about(op.summary)
        .long_about(op.about)
        .args(op.fields.iter().filter_map(field_arg))
        .arg(json_arg("request"));
    if !op.files.is_empty() {
        let (value_name, help) = match op.files {
            [only] => (
                "PATH",
                format!(
                    "The file to upload as the `{}` part: a regular file of at most {} bytes",
                    only.part, only.max_size
                ),
            ),
            parts => (
                "PART=PATH",
                format!(
                    "A file to upload, with the part it goes in: a regular file of at most {}",
                    parts
                        .iter()
                        .map(|p| format!("{} bytes for `{}`", p.max_size, p.part))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        command = command
            .arg(Arg::new(FILE).long(FILE).value_name(value_name).help(help).action(ArgAction::Append));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_valid_and_every_operation_has_its_flags() {
        let groups = crate::generated::GROUPS;
        let root = root(groups);
        root.clone().debug_assert();
        for group in groups {
            let command = root.find_subcommand(group.command).unwrap_or_else(|| panic!("{}", group.command));
            for op in group.operations {
                let sub = command.find_subcommand(op.command).unwrap_or_else(|| panic!("{}", op.command));
                for field in op.fields.iter().filter(|f| f.flag.is_some()) {
                    assert!(
                        sub.get_arguments().any(|a| a.get_id() == field.wire),
                        "{} --{:?}",
                        op.command,
                        field.flag
                    );
                }
            }
        }
    }
}
