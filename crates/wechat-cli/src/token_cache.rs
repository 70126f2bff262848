//! The access token kept between invocations: a [`TokenStore`] of private files, so a second
//! `wechat` command within the token's two hours reuses it instead of asking WeChat again
//! (WeChat limits how many tokens an account may fetch a day).
//!
//! The files live in `$WECHAT_TOKEN_CACHE`, else `$XDG_CACHE_HOME/wechat`, else
//! `~/.cache/wechat`, under one folder per base URL (a token of the mock is never sent to
//! WeChat): a folder only the user may open (0700) and files only the user may read (0600).
//! A file is named after its key (`wechat_wx123_stable_token`: the appid and what it holds,
//! never a secret) and holds when its value expires, then the value. `WECHAT_TOKEN_CACHE=off`
//! turns the cache off. A cache that cannot be used costs a token request, never the call:
//! the runtime falls back to WeChat when its store fails.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wechat_core::{BoxFuture, Secret, StoreError, TokenStore};

use crate::env::variable;
use crate::failure::Failure;

/// The variable naming the cache's folder, or `off`.
pub(crate) const CACHE_VAR: &str = "WECHAT_TOKEN_CACHE";

/// How often a waiter looks at a file another process may change.
const POLL: Duration = Duration::from_millis(50);

/// How long a writer waits for another's write to finish.
const WRITE_WAIT: Duration = Duration::from_secs(2);

/// A write lock left by a process that died is taken over after this long.
const STALE_WRITE: Duration = Duration::from_secs(10);

/// Tokens in private files of one folder.
#[derive(Debug)]
pub(crate) struct FileStore {
    dir: PathBuf,
}

/// The store for calls to `base_url`, or `None` when the cache is off or there is no home
/// folder to put it in.
pub(crate) fn for_base_url(base_url: &str) -> Result<Option<FileStore>, Failure> {
    let root = match variable(CACHE_VAR)? {
        Some(value) if value == "off" => return Ok(None),
        Some(value) => PathBuf::from(value),
        None => match (std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME")) {
            (Some(cache), _) if !cache.is_empty() => PathBuf::from(cache).join("wechat"),
            (_, Some(home)) if !home.is_empty() => PathBuf::from(home).join(".cache").join("wechat"),
            _ => return Ok(None),
        },
    };
    Ok(Some(FileStore { dir: root.join(file_name(base_url)) }))
}

/// `text` as one file name: ASCII letters, digits, `.` and `-` kept, anything else `_`.
fn file_name(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect()
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn unreachable(what: &str, path: &Path, error: &io::Error) -> StoreError {
    StoreError::Unreachable(format!("{what} {}: {error}", path.display()))
}

impl FileStore {
    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(file_name(key))
    }

    /// The folder, made private if it is new.
    fn ensure_dir(&self) -> Result<(), StoreError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir).map_err(|e| unreachable("cannot create", &self.dir, &e))
    }

    /// The value of the file at `path` and when it expires (0: never), if it holds one that
    /// has not expired.
    fn read(path: &Path) -> Result<Option<(Secret, u64)>, StoreError> {
        let mut text = String::new();
        match File::open(path).and_then(|mut f| f.read_to_string(&mut text)) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(unreachable("cannot read", path, &e)),
        }
        let Some((until, value)) = text.split_once('\n') else { return Ok(None) };
        let until: u64 = until
            .parse()
            .map_err(|_| StoreError::Protocol(format!("{}: not a cache file", path.display())))?;
        if until != 0 && until <= now_secs() {
            return Ok(None);
        }
        Ok(Some((Secret::new(value), until)))
    }

    /// Writes `contents` to `path` whole: a private temporary file renamed over it.
    fn write(path: &Path, contents: &str) -> Result<(), StoreError> {
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options
            .open(&temporary)
            .and_then(|mut f| f.write_all(contents.as_bytes()).and_then(|()| f.sync_all()))
            .and_then(|()| fs::rename(&temporary, path));
        written.map_err(|e| {
            let _ = fs::remove_file(&temporary);
            unreachable("cannot write", path, &e)
        })
    }

    /// Creates the file at `path` holding `contents` if there is none: the lock primitive.
    fn create_new(path: &Path, contents: &str) -> io::Result<bool> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => file.write_all(contents.as_bytes()).map(|()| true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Runs `change` while holding the write lock of `path`, so a compare-and-set of two
    /// processes does not interleave.
    async fn exclusively<T>(
        &self,
        path: &Path,
        change: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let guard = path.with_extension("writing");
        let started = std::time::Instant::now();
        loop {
            match Self::create_new(&guard, "") {
                Ok(true) => break,
                Ok(false) => {
                    let stale = fs::metadata(&guard)
                        .and_then(|m| m.modified())
                        .is_ok_and(|at| at.elapsed().is_ok_and(|age| age > STALE_WRITE));
                    if stale {
                        let _ = fs::remove_file(&guard);
                    } else if started.elapsed() > WRITE_WAIT {
                        return Err(StoreError::Unreachable(format!("{} stays locked", path.display())));
                    } else {
                        tokio::time::sleep(POLL).await;
                    }
                }
                Err(e) => return Err(unreachable("cannot lock", path, &e)),
            }
        }
        let result = change();
        let _ = fs::remove_file(&guard);
        result
    }
}

impl TokenStore for FileStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move { Ok(Self::read(&self.path(key))?.map(|(value, _)| value)) })
    }

    fn set_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a Secret>,
        value: &'a Secret,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.ensure_dir()?;
            let path = self.path(key);
            self.exclusively(&path, || {
                let current = Self::read(&path)?.map(|(value, _)| value);
                if current.as_ref() != expected {
                    return Ok(false);
                }
                let until = ttl.map_or(0, |ttl| now_secs().saturating_add(ttl.as_secs().max(1)));
                Self::write(&path, &format!("{until}\n{}", value.expose()))?;
                Ok(true)
            })
            .await
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.ensure_dir()?;
            let path = self.path(key);
            let until = now_secs().saturating_add(ttl.as_secs().max(1));
            let contents = format!("{until}\n{owner}");
            if Self::create_new(&path, &contents).map_err(|e| unreachable("cannot lock", &path, &e))? {
                return Ok(true);
            }
            // Held, unless its holder's time ran out: then it is taken over, once.
            if Self::read(&path)?.is_some() {
                return Ok(false);
            }
            let _ = fs::remove_file(&path);
            Self::create_new(&path, &contents).map_err(|e| unreachable("cannot lock", &path, &e))
        })
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let path = self.path(key);
            match Self::read(&path)? {
                Some((holder, _)) if holder.expose() == owner => {
                    fs::remove_file(&path).map_err(|e| unreachable("cannot unlock", &path, &e))?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }

    fn wait_for_change<'a>(
        &'a self,
        key: &'a str,
        seen: Option<&'a Secret>,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move {
            let started = std::time::Instant::now();
            loop {
                let current = Self::read(&self.path(key))?.map(|(value, _)| value);
                if current.as_ref() != seen || started.elapsed() >= max_wait {
                    return Ok(current);
                }
                tokio::time::sleep(POLL.min(max_wait.saturating_sub(started.elapsed()))).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use wechat_core::{Secret, TokenStore};

    use super::{FileStore, file_name};

    fn store(dir: &tempfile::TempDir) -> FileStore {
        FileStore { dir: dir.path().join(file_name("http://127.0.0.1:9910")) }
    }

    #[tokio::test]
    async fn a_value_is_kept_in_a_private_file_until_it_expires() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let key = "wechat:{wx123}:stable_token";
        assert_eq!(store.get(key).await.unwrap(), None);
        let token = Secret::new("TOKEN-1");
        assert!(store.set_if(key, None, &token, Some(Duration::from_secs(60))).await.unwrap());
        assert_eq!(store.get(key).await.unwrap(), Some(token.clone()));
        // Compare-and-set: a writer expecting another value loses.
        let other = Secret::new("TOKEN-2");
        assert!(!store.set_if(key, None, &other, None).await.unwrap());
        assert!(store.set_if(key, Some(&token), &other, Some(Duration::from_secs(60))).await.unwrap());
        let file = store.dir.join("wechat__wx123__stable_token");
        assert!(std::fs::read_to_string(&file).unwrap().ends_with("\nTOKEN-2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(&store.dir).unwrap().permissions().mode() & 0o777, 0o700);
        }
        // An expired value reads as none.
        std::fs::write(&file, "1\nTOKEN-OLD").unwrap();
        assert_eq!(store.get(key).await.unwrap(), None);
        assert!(store.set_if(key, None, &token, None).await.unwrap());
    }

    #[tokio::test]
    async fn a_lock_has_one_owner_until_released_or_expired() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let key = "wechat:{wx123}:stable_token:lock";
        assert!(store.try_lock(key, "a", Duration::from_secs(20)).await.unwrap());
        assert!(!store.try_lock(key, "b", Duration::from_secs(20)).await.unwrap());
        assert!(!store.unlock(key, "b").await.unwrap());
        assert!(store.unlock(key, "a").await.unwrap());
        assert!(store.try_lock(key, "b", Duration::from_secs(20)).await.unwrap());
        // A holder that died: its lock expires and is taken over.
        std::fs::write(store.path(key), "1\nb").unwrap();
        assert!(store.try_lock(key, "c", Duration::from_secs(20)).await.unwrap());
    }

    #[tokio::test]
    async fn a_waiter_sees_a_change_or_gives_up_in_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let key = "wechat:{wx123}:stable_token";
        let seen = store.wait_for_change(key, None, Duration::from_millis(120)).await.unwrap();
        assert_eq!(seen, None);
        let token = Secret::new("TOKEN-1");
        store.set_if(key, None, &token, None).await.unwrap();
        assert_eq!(store.wait_for_change(key, None, Duration::from_secs(5)).await.unwrap(), Some(token));
    }
}
