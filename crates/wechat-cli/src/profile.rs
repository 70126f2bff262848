//! Named profiles: `--profile NAME` (or `WECHAT_PROFILE`) takes the account and where calls
//! go from `[profiles.NAME]` of the profiles file: `$WECHAT_PROFILES`, else
//! `$XDG_CONFIG_HOME/wechat/profiles.toml`, else `~/.config/wechat/profiles.toml`.
//!
//! ```toml
//! [profiles.mock]
//! base_url = "http://127.0.0.1:9910"
//! appid = "wx6d6f636b64656d6f"
//! secret = "demo-secret-of-the-wechat-mock-0"   # the file must then be readable by you only
//!
//! [profiles.shop]
//! appid = "wx1234567890abcdef"
//! secret_env = "SHOP_WECHAT_SECRET"             # or: the variable that holds the appsecret
//! ```
//!
//! A `WECHAT_APPID`, `WECHAT_SECRET` or `WECHAT_BASE_URL` that is set overrides the profile's
//! value. A problem in the file is named with its line and column, never with a secret.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches};
use toml_span::value::{Value, ValueInner};
use wechat_core::Secret;

use crate::env::variable;
use crate::failure::Failure;

/// The global flag naming the profile.
pub(crate) const PROFILE: &str = "profile";
/// The variable naming the profile when the flag is not given.
pub(crate) const PROFILE_VAR: &str = "WECHAT_PROFILE";
/// The variable naming the profiles file.
pub(crate) const PROFILES_VAR: &str = "WECHAT_PROFILES";

/// The keys a profile may hold.
const KEYS: [&str; 4] = ["appid", "secret", "secret_env", "base_url"];

/// `--profile NAME`, on every subcommand.
pub(crate) fn arg() -> Arg {
    Arg::new(PROFILE)
        .long(PROFILE)
        .global(true)
        .value_name("NAME")
        .help("Takes the appid, appsecret and base URL from [profiles.NAME] of the profiles file")
}

/// What a profile says; a value it leaves out comes from the environment.
#[derive(Default)]
pub(crate) struct Profile {
    /// The account's AppID.
    pub(crate) appid: Option<String>,
    /// The account's AppSecret.
    pub(crate) secret: Option<Secret>,
    /// Where calls go.
    pub(crate) base_url: Option<String>,
}

/// The profile `matches` (or `WECHAT_PROFILE`) name, read from the profiles file; an empty
/// profile when none is named.
pub(crate) fn selected(matches: &ArgMatches) -> Result<Profile, Failure> {
    let name = match matches.get_one::<String>(PROFILE) {
        Some(name) => name.clone(),
        None => match variable(PROFILE_VAR)? {
            Some(name) => name,
            None => return Ok(Profile::default()),
        },
    };
    let path = profiles_path()?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::Profile(format!(
            "profile `{name}`: cannot read {} ({e}); create it or name another with {PROFILES_VAR}",
            path.display()
        ))
    })?;
    parse(&text, &name, &path)
}

/// `$WECHAT_PROFILES`, else the user's configuration folder's `wechat/profiles.toml`.
fn profiles_path() -> Result<PathBuf, Failure> {
    if let Some(path) = variable(PROFILES_VAR)? {
        return Ok(PathBuf::from(path));
    }
    let base = match (std::env::var_os("XDG_CONFIG_HOME"), std::env::var_os("HOME")) {
        (Some(config), _) if !config.is_empty() => PathBuf::from(config),
        (_, Some(home)) if !home.is_empty() => PathBuf::from(home).join(".config"),
        _ => {
            return Err(Failure::Profile(format!(
                "no home folder: name the profiles file with {PROFILES_VAR}"
            )));
        }
    };
    Ok(base.join("wechat").join("profiles.toml"))
}

/// The profile `name` of the file at `path` holding `text`.
fn parse(text: &str, name: &str, path: &Path) -> Result<Profile, Failure> {
    let at = |span: toml_span::Span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(before.len(), |n| before.len() - n - 1) + 1;
        format!("{}:{line}:{column}", path.display())
    };
    let root = toml_span::parse(text).map_err(|e| Failure::Profile(format!("{}: {e}", at(e.span))))?;
    let profiles = root.as_table().and_then(|t| t.iter().find(|(k, _)| k.name == "profiles")).map(|(_, v)| v);
    let listed = |profiles: Option<&Value<'_>>| {
        let names: Vec<String> = profiles
            .and_then(Value::as_table)
            .map(|t| t.keys().map(|k| k.name.to_string()).collect())
            .unwrap_or_default();
        if names.is_empty() { "none".to_owned() } else { names.join(", ") }
    };
    let Some(profile) =
        profiles.and_then(Value::as_table).and_then(|t| t.iter().find(|(k, _)| k.name == name))
    else {
        return Err(Failure::Profile(format!(
            "{}: no [profiles.{name}]; the file has: {}",
            path.display(),
            listed(profiles)
        )));
    };
    let ValueInner::Table(keys) = profile.1.as_ref() else {
        return Err(Failure::Profile(format!("{}: [profiles.{name}] must be a table", at(profile.1.span))));
    };
    let mut found = Profile::default();
    for (key, value) in keys {
        let Some(text_value) = value.as_str().map(str::to_owned) else {
            return Err(Failure::Profile(format!("{}: `{}` must be a string", at(value.span), key.name)));
        };
        match key.name.as_ref() {
            "appid" => found.appid = Some(text_value),
            "base_url" => found.base_url = Some(text_value),
            "secret" => {
                private(path, &at(key.span))?;
                found.secret = Some(Secret::new(text_value));
            }
            "secret_env" => {
                let secret = std::env::var(&text_value).map_err(|_| {
                    Failure::Profile(format!(
                        "{}: `secret_env` names {text_value}, which is not set",
                        at(value.span)
                    ))
                })?;
                found.secret = Some(Secret::new(secret));
            }
            other => {
                return Err(Failure::Profile(format!(
                    "{}: unknown key `{other}`; a profile holds {}",
                    at(key.span),
                    KEYS.join(", ")
                )));
            }
        }
    }
    Ok(found)
}

/// A file holding an appsecret must be readable by its owner only.
fn private(path: &Path, at: &str) -> Result<(), Failure> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(Failure::Profile(format!(
                "{at}: the file holds an appsecret and others may read it (mode {:o}): `chmod 600 {}`, or use `secret_env`",
                mode & 0o777,
                path.display()
            )));
        }
    }
    let _ = (path, at);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    use super::parse;

    fn refused(text: &str, name: &str) -> String {
        match parse(text, name, Path::new("/nonexistent/profiles.toml")) {
            Ok(_) => panic!("accepted: {text}"),
            Err(failure) => failure.to_string(),
        }
    }

    #[test]
    fn a_profile_gives_the_account_and_the_base_url() {
        let text = "[profiles.shop]\nappid = \"wx1\"\nbase_url = \"http://127.0.0.1:9910\"\n";
        let profile = parse(text, "shop", Path::new("p.toml")).unwrap();
        assert_eq!(profile.appid.as_deref(), Some("wx1"));
        assert_eq!(profile.base_url.as_deref(), Some("http://127.0.0.1:9910"));
        assert!(profile.secret.is_none());
    }

    #[test]
    fn problems_are_named_with_their_place_and_never_a_secret() {
        let text = "[profiles.shop]\nappid = \"wx1\"\ncolour = \"red\"\n";
        assert_eq!(
            refused(text, "shop"),
            "/nonexistent/profiles.toml:3:1: unknown key `colour`; a profile holds appid, secret, secret_env, base_url"
        );
        assert_eq!(
            refused(text, "other"),
            "/nonexistent/profiles.toml: no [profiles.other]; the file has: shop"
        );
        assert!(refused("[profiles.shop]\nappid = 5\n", "shop").ends_with(":2:9: `appid` must be a string"));
        assert!(refused("[profiles\n", "shop").starts_with("/nonexistent/profiles.toml:1:"));
        let missing = refused("[profiles.shop]\nsecret_env = \"WECHAT_TEST_NOT_SET_ANYWHERE\"\n", "shop");
        assert!(
            missing.ends_with("`secret_env` names WECHAT_TEST_NOT_SET_ANYWHERE, which is not set"),
            "{missing}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_appsecret_in_a_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.toml");
        let text = "[profiles.shop]\nappid = \"wx1\"\nsecret = \"s3cr3t-value\"\n";
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = match parse(text, "shop", &path) {
            Ok(_) => panic!("a readable secret was accepted"),
            Err(failure) => failure.to_string(),
        };
        assert!(error.contains("chmod 600") && !error.contains("s3cr3t"), "{error}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let profile = parse(text, "shop", &path).unwrap();
        assert_eq!(profile.secret.map(|s| s.expose().to_owned()).as_deref(), Some("s3cr3t-value"));
    }
}
