//! Where the workspace is, found at run time as cargo finds it: the nearest directory, from
//! the current one up, whose `Cargo.toml` declares `[workspace]`. Never the directory the
//! xtask binary was compiled in: with a target directory shared by two checkouts, the binary
//! built in one would read and write the other's files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why the workspace root could not be found.
#[derive(Debug, thiserror::Error)]
pub enum RootError {
    /// The current directory cannot be read.
    #[error("cannot read the current directory: {0}")]
    CurrentDir(#[source] io::Error),
    /// No `Cargo.toml` with `[workspace]` in the start directory or above it.
    #[error(
        "no Cargo.toml declaring [workspace] in {} or any directory above it; run cargo xtask inside the workspace",
        start.display()
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// A `Cargo.toml` on the way up cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The manifest.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A `Cargo.toml` on the way up is not TOML.
    #[error("{}:{line}: not valid TOML: {message}", path.display())]
    Parse {
        /// The manifest.
        path: PathBuf,
        /// The 1-based line of the problem.
        line: usize,
        /// What the parser said.
        message: String,
    },
}

/// The workspace root above the current directory.
pub fn root() -> Result<PathBuf, RootError> {
    let start = std::env::current_dir().map_err(RootError::CurrentDir)?;
    root_from(&start)
}

/// The workspace root at or above `start`.
pub fn root_from(start: &Path) -> Result<PathBuf, RootError> {
    for dir in start.ancestors() {
        let path = dir.join("Cargo.toml");
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => return Err(RootError::Read { path, source }),
        };
        if declares_workspace(&path, &text)? {
            return Ok(dir.to_path_buf());
        }
    }
    Err(RootError::NotFound { start: start.to_path_buf() })
}

/// True when the manifest at `path`, holding `text`, has a `[workspace]` table.
fn declares_workspace(path: &Path, text: &str) -> Result<bool, RootError> {
    let value = toml_span::parse(text).map_err(|e| RootError::Parse {
        path: path.to_path_buf(),
        line: text[..e.span.start.min(text.len())].matches('\n').count() + 1,
        message: e.to_string(),
    })?;
    Ok(value.as_table().is_some_and(|table| table.contains_key("workspace")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace in a temporary directory: a root manifest and a member below it.
    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary directory");
        fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = [\"crates/a\"]\n").expect("write");
        fs::create_dir_all(dir.path().join("crates/a/src")).expect("mkdir");
        fs::write(dir.path().join("crates/a/Cargo.toml"), "[package]\nname = \"a\"\n").expect("write");
        dir
    }

    #[test]
    fn the_root_is_found_from_anywhere_inside() {
        let dir = workspace();
        for start in [dir.path().to_path_buf(), dir.path().join("crates/a"), dir.path().join("crates/a/src")]
        {
            assert_eq!(root_from(&start).expect("found"), dir.path(), "from {}", start.display());
        }
    }

    #[test]
    fn a_member_manifest_is_not_the_root() {
        let dir = workspace();
        // The member's manifest mentions `workspace` only inside its package table.
        fs::write(
            dir.path().join("crates/a/Cargo.toml"),
            "[package]\nname = \"a\"\nversion.workspace = true\n",
        )
        .expect("write");
        assert_eq!(root_from(&dir.path().join("crates/a/src")).expect("found"), dir.path());
    }

    #[test]
    fn outside_a_workspace_the_error_names_the_start() {
        let dir = tempfile::tempdir().expect("temporary directory");
        fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"lone\"\n").expect("write");
        let error = root_from(dir.path()).expect_err("no workspace");
        assert!(matches!(&error, RootError::NotFound { start } if start == dir.path()), "{error:?}");
        assert!(error.to_string().contains(&dir.path().display().to_string()), "{error}");
    }

    #[test]
    fn a_broken_manifest_on_the_way_is_located() {
        let dir = workspace();
        fs::write(dir.path().join("crates/a/Cargo.toml"), "[package]\nname = \n").expect("write");
        let error = root_from(&dir.path().join("crates/a")).expect_err("not TOML");
        let RootError::Parse { path, line, .. } = &error else { panic!("{error:?}") };
        assert_eq!((path.as_path(), *line), (dir.path().join("crates/a/Cargo.toml").as_path(), 2));
    }
}
