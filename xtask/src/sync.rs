//! Keeping generated files in step with the spec: read the spec folder, compare what the
//! generator computes with what is on disk, and write the difference (all of it, or none).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use codegen::{OutputFile, SourceFile};

/// Folders whose every file is generated; a file there that the generator no longer
/// produces is stale and removed.
pub const GENERATED_DIRS: &[&str] = &[
    codegen::emit::GENERATED_DIR,
    codegen::emit::GENERATED_TESTS_DIR,
    codegen::emit::MOCK_GENERATED_DIR,
    codegen::emit::API_DOCS_DIR,
];

/// One difference between the generated files and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file is missing or differs.
    Write {
        /// Path relative to the root.
        path: String,
        /// What is on disk now, if anything.
        old: Option<String>,
        /// What the generator produces.
        new: String,
    },
    /// A generated file whose spec entry is gone.
    Remove {
        /// Path relative to the root.
        path: String,
        /// What is on disk now.
        old: String,
    },
}

impl Change {
    /// The file's path relative to the root.
    pub fn path(&self) -> &str {
        match self {
            Self::Write { path, .. } | Self::Remove { path, .. } => path,
        }
    }

    /// A unified diff from disk to the generated contents.
    pub fn diff(&self) -> String {
        let (old, new) = match self {
            Self::Write { old, new, .. } => (old.as_deref().unwrap_or(""), new.as_str()),
            Self::Remove { old, .. } => (old.as_str(), ""),
        };
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", self.path()), &format!("b/{}", self.path()))
            .to_string()
    }
}

/// True for a file that declares an endpoint: `spec/<group>/<name>.toml`, except a group's
/// `types.toml`, `errors.toml` and `resources.toml` (as `codegen::load` reads them).
pub fn is_endpoint_file(path: &str) -> bool {
    path.matches('/').count() == 2
        && !["/types.toml", "/errors.toml", "/resources.toml"].iter().any(|name| path.ends_with(name))
}

/// Every `*.toml` under `<root>/spec`, sorted, with paths like `spec/invoice/x.toml`.
pub fn read_spec(root: &Path) -> io::Result<Vec<SourceFile>> {
    let mut paths = Vec::new();
    collect_files(&root.join("spec"), &mut paths)?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    let mut not_utf8 = Vec::new();
    for path in paths {
        let bytes =
            fs::read(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        match SourceFile::from_bytes(relative(root, &path), bytes) {
            Ok(file) => files.push(file),
            Err(problem) => not_utf8.push(problem.to_string()),
        }
    }
    if !not_utf8.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidData, not_utf8.join("\n")));
    }
    Ok(files)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries =
        fs::read_dir(dir).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Line endings never count as a difference (a checkout on Windows may have CRLF).
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// What would change on disk to match `outputs`.
pub fn plan(root: &Path, outputs: &[OutputFile]) -> io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for output in outputs {
        let old = match fs::read_to_string(root.join(&output.path)) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", output.path))),
        };
        let new = whole_file(output, old.as_deref())?;
        if old.as_deref().map(normalize) != Some(normalize(&new)) {
            changes.push(Change::Write { path: output.path.clone(), old, new });
        }
    }
    for dir in GENERATED_DIRS {
        let mut existing = Vec::new();
        if root.join(dir).is_dir() {
            collect_files(&root.join(dir), &mut existing)?;
        }
        existing.sort();
        for path in existing {
            let rel = relative(root, &path);
            if !outputs.iter().any(|o| o.path == rel) {
                let old = fs::read_to_string(&path).unwrap_or_default();
                changes.push(Change::Remove { path: rel, old });
            }
        }
    }
    Ok(changes)
}

/// What `output` makes of the file now on disk: its contents, or, for a region of a
/// hand-written file (see `codegen::splice`), the file with the region replaced.
fn whole_file(output: &OutputFile, old: Option<&str>) -> io::Result<String> {
    if !codegen::splice::is_region(&output.contents) {
        return Ok(output.contents.clone());
    }
    let Some(old) = old else {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "{}: missing; the generator writes only the lines between its `# BEGIN generated` and \
                 `# END generated` markers, the rest of the file is written by hand",
                output.path
            ),
        ));
    };
    codegen::splice::splice(&output.path, old, &output.contents)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}

/// Applies the changes: every new file is first written beside its target, and only when
/// all of them are written are they renamed into place, so a failure leaves the old files.
pub fn apply(root: &Path, changes: &[Change]) -> io::Result<()> {
    let mut staged = Vec::new();
    let result = (|| {
        for change in changes {
            if let Change::Write { path, new, .. } = change {
                let target = root.join(path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                let temp = target.with_extension("xtask-tmp");
                fs::write(&temp, new).map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))?;
                staged.push((temp, target));
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(e);
    }
    for (temp, target) in &staged {
        fs::rename(temp, target)?;
    }
    for change in changes {
        if let Change::Remove { path, .. } = change {
            fs::remove_file(root.join(path))?;
            remove_empty_parents(root, &root.join(path));
        }
    }
    Ok(())
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Why the generated files could not be brought up to date.
#[derive(Debug)]
pub enum Failure {
    /// The spec folder could not be read, or files not written.
    Io(io::Error),
    /// The spec has problems, or the generator failed.
    Generate(codegen::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Generate(e) => write!(f, "{e}"),
        }
    }
}

/// Generates from `<root>/spec` and returns the changes needed on disk.
pub fn changes(root: &Path) -> Result<Vec<Change>, Failure> {
    let sources = read_spec(root).map_err(Failure::Io)?;
    let outputs = codegen::generate(&sources).map_err(Failure::Generate)?;
    plan(root, &outputs).map_err(Failure::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` alone catches generated code that drifted from the spec.
    #[test]
    fn generated_files_match_the_spec() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let changes = changes(root).unwrap_or_else(|e| panic!("{e}"));
        let diffs: Vec<String> = changes.iter().map(Change::diff).collect();
        assert!(
            changes.is_empty(),
            "generated files are stale; run `cargo xtask codegen`\n{}",
            diffs.join("\n")
        );
    }

    #[test]
    fn endpoint_files_are_a_groups_files_but_its_types_errors_and_resources() {
        assert!(is_endpoint_file("spec/card/create_card.toml"));
        for other in [
            "spec/card/types.toml",
            "spec/card/errors.toml",
            "spec/card/resources.toml",
            "spec/resources.toml",
            "spec/card/user/approve_card.toml",
            "spec/card/events/user_get_card.toml",
        ] {
            assert!(!is_endpoint_file(other), "{other}");
        }
    }

    #[test]
    fn apply_writes_new_files_and_removes_stale_ones() {
        let root = tempfile::tempdir().unwrap();
        let stale = root.path().join(codegen::emit::GENERATED_DIR).join("old/gone.rs");
        fs::create_dir_all(stale.parent().unwrap()).unwrap();
        fs::write(&stale, "// old").unwrap();
        let outputs = [OutputFile {
            path: format!("{}/mod.rs", codegen::emit::GENERATED_DIR),
            contents: "// new\n".into(),
        }];
        let changes = plan(root.path(), &outputs).unwrap();
        assert_eq!(changes.len(), 2);
        apply(root.path(), &changes).unwrap();
        assert!(!stale.exists() && !stale.parent().unwrap().exists());
        assert_eq!(fs::read_to_string(root.path().join(&outputs[0].path)).unwrap(), "// new\n");
        assert!(plan(root.path(), &outputs).unwrap().is_empty());
    }

    #[test]
    fn a_spec_file_that_is_not_utf8_is_named_by_its_place_in_spec() {
        let root = tempfile::tempdir().unwrap();
        let group = root.path().join("spec/g");
        fs::create_dir_all(&group).unwrap();
        fs::write(group.join("bad.toml"), b"name = \"x\"\nsummary = \"caf\xe9\"\n").unwrap();
        fs::write(group.join("good.toml"), "name = \"y\"\n").unwrap();
        let error = read_spec(root.path()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            error.to_string(),
            "spec/g/bad.toml:2:15: the file is not UTF-8: byte 0xe9 cannot start or continue a character; \
             save it as UTF-8"
        );
    }

    #[test]
    fn a_region_is_spliced_into_the_hand_written_file() {
        let root = tempfile::tempdir().unwrap();
        let region = codegen::splice::region("a = []\n");
        let hand =
            format!("[package]\nname = \"x\"\n\n[features]\n{}", codegen::splice::region("old = []\n"));
        fs::write(root.path().join("Cargo.toml"), &hand).unwrap();
        let outputs = [OutputFile { path: "Cargo.toml".into(), contents: region.clone() }];
        let changes = plan(root.path(), &outputs).unwrap();
        let [Change::Write { new, .. }] = changes.as_slice() else { panic!("{changes:?}") };
        assert_eq!(*new, format!("[package]\nname = \"x\"\n\n[features]\n{region}"));
        apply(root.path(), &changes).unwrap();
        assert!(plan(root.path(), &outputs).unwrap().is_empty(), "spliced once, in step after");

        fs::write(root.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        let error = plan(root.path(), &outputs).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().starts_with("Cargo.toml: no `# BEGIN generated` line"), "{error}");
        fs::remove_file(root.path().join("Cargo.toml")).unwrap();
        let error = plan(root.path(), &outputs).unwrap_err();
        assert!(error.to_string().starts_with("Cargo.toml: missing;"), "{error}");
    }

    #[test]
    fn crlf_checkouts_are_not_drift() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("a.txt"), "x\r\ny\r\n").unwrap();
        let outputs = [OutputFile { path: "a.txt".into(), contents: "x\ny\n".into() }];
        assert!(plan(root.path(), &outputs).unwrap().is_empty());
    }
}
