//! `cargo xtask test`: what the test suite needs besides the Rust toolchain, found or
//! installed, then `cargo test --workspace`. Today that is `redis-server` (Debian's package),
//! which the shared-token-store tests start on a free loopback port, and the third-party
//! OpenAPI tools (see [`crate::openapi_tools`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The variable through which the tests learn where `redis-server` is.
pub const REDIS_SERVER_VAR: &str = "WECHAT_TEST_REDIS_SERVER";

/// Why the suite could not be set up.
#[derive(Debug)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

/// Where `redis-server` is, and what was done to get it.
#[derive(Debug)]
pub struct RedisServer {
    /// The executable.
    pub path: PathBuf,
    /// What was done, for the user: found where, or installed how.
    pub how: String,
}

/// The first executable named `name` on `path` (a `PATH`-style list).
pub fn on_path(name: &str, path: Option<&OsString>) -> Option<PathBuf> {
    let path = path?;
    std::env::split_paths(path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `redis-server` from `$WECHAT_TEST_REDIS_SERVER`, else from `PATH` (Debian installs it in
/// `/usr/bin`, and `/usr/sbin` is searched too), else installed with
/// `apt-get install -y redis-server` (through `sudo` unless running as root).
pub fn redis_server() -> Result<RedisServer, SetupError> {
    if let Some(given) = std::env::var_os(REDIS_SERVER_VAR).map(PathBuf::from) {
        return if is_executable(&given) {
            Ok(RedisServer {
                how: format!("using {} (from ${REDIS_SERVER_VAR})", given.display()),
                path: given,
            })
        } else {
            Err(SetupError(format!("${REDIS_SERVER_VAR} is {}, which is not an executable", given.display())))
        };
    }
    if let Some(found) = find_redis_server() {
        return Ok(RedisServer { how: format!("found {}", found.display()), path: found });
    }
    install_redis_server()?;
    let path = find_redis_server().ok_or_else(|| {
        SetupError("apt-get installed redis-server but no redis-server executable is on PATH".to_owned())
    })?;
    Ok(RedisServer {
        how: format!("installed redis-server with apt-get (Debian package); using {}", path.display()),
        path,
    })
}

fn find_redis_server() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    dirs.extend(["/usr/bin", "/usr/sbin", "/usr/local/bin"].map(PathBuf::from));
    let joined = std::env::join_paths(dirs).ok()?;
    on_path("redis-server", Some(&joined))
}

fn install_redis_server() -> Result<(), SetupError> {
    apt_install(&["redis-server"]).map_err(|SetupError(why)| {
        SetupError(format!(
            "{why}; install redis-server (6 or newer), or point ${REDIS_SERVER_VAR} at a redis-server"
        ))
    })
}

/// Installs Debian `packages` with `apt-get install -y` (through `sudo` unless running as
/// root), running `apt-get update` and trying again when the first attempt fails.
pub fn apt_install(packages: &[&str]) -> Result<(), SetupError> {
    let list = packages.join(" ");
    let root = Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    let sudo = if root { None } else { on_path("sudo", std::env::var_os("PATH").as_ref()) };
    if !root && sudo.is_none() {
        return Err(SetupError(format!(
            "{list} not installed, and installing needs root: run `sudo apt-get install -y {list}`"
        )));
    }
    if on_path("apt-get", std::env::var_os("PATH").as_ref()).is_none() {
        return Err(SetupError(format!(
            "{list} not installed and there is no apt-get here to install it: install it with this \
             system's package manager"
        )));
    }
    eprintln!("{list} not found; installing: {}apt-get install -y {list}", if root { "" } else { "sudo " });
    let apt = |args: &[&str]| {
        let mut command = match &sudo {
            Some(sudo) => {
                let mut c = Command::new(sudo);
                c.arg("apt-get");
                c
            }
            None => Command::new("apt-get"),
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command.status()
    };
    let install: Vec<&str> = ["install", "-y", "-q"].into_iter().chain(packages.iter().copied()).collect();
    let installed = apt(&install);
    if installed.as_ref().is_ok_and(|s| s.success()) {
        return Ok(());
    }
    // A fresh machine may have no package lists yet.
    eprintln!("apt-get install failed; running apt-get update and trying again");
    let updated = apt(&["update", "-q"]);
    let installed = apt(&install);
    match (updated, installed) {
        (_, Ok(status)) if status.success() => Ok(()),
        (_, Ok(status)) => Err(SetupError(format!("`apt-get install -y {list}` failed ({status})"))),
        (_, Err(e)) => Err(SetupError(format!("cannot run apt-get: {e}"))),
    }
}

/// Runs `cargo test --workspace` with `extra` arguments, the tests told where `redis-server`
/// is and, through `env`, what else was set up; returns whether it passed.
pub fn run_tests(
    root: &Path,
    redis: &Path,
    env: &[(&str, OsString)],
    extra: &[String],
) -> Result<bool, SetupError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--workspace"])
        .args(extra)
        .env(REDIS_SERVER_VAR, redis)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .map_err(|e| SetupError(format!("cannot run cargo test: {e}")))?;
    Ok(status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_executable_is_found_on_the_path_and_a_plain_file_is_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let plain = dir.path().join("redis-server");
        std::fs::write(&plain, "#!/bin/sh\n").expect("write");
        let path = std::env::join_paths([dir.path()]).expect("a PATH");
        assert_eq!(on_path("redis-server", Some(&path)), None);
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert_eq!(on_path("redis-server", Some(&path)), Some(plain));
        assert_eq!(on_path("redis-server", None), None);
    }
}
