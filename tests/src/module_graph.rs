//! The module graph of a crate of the workspace, read from its sources: which module refers to
//! which through `crate::` paths, so a test can refuse import cycles between sibling modules.
//!
//! What counts as an edge: a `crate::` path in code, the lib root's re-exports resolved to the
//! module they come from (`crate::Diagnostic` is an edge to `diagnostic`). What does not:
//! comment lines (doc links point at items without depending on them), and code compiled for
//! tests only (`#[cfg(test)]` modules, inline or in their own files), which may reach anywhere.
//! Generated folders are left out by the caller: their layout is the generator's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's path inside its crate, `["emit", "client"]`; empty for the crate root.
pub type Module = Vec<String>;

/// Every module under `src` with its code (comments and test-only code removed), skipping
/// folders named in `skip`. A crate with both `lib.rs` and `main.rs` is read as its library:
/// the binary reaches the library by the crate's name, not through `crate::`.
pub fn modules(src: &Path, skip: &[&str]) -> BTreeMap<Module, String> {
    module_sources(src, skip)
        .into_iter()
        .map(|(module, source)| (module, without_comments(&source.text)))
        .collect()
}

/// One module's file, as [`module_sources`] reads it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// Its text, each line of an inline test-only module blanked (so line numbers still match
    /// the file's).
    pub text: String,
}

/// Every module under `src` that is compiled outside tests, with its file and text (see
/// [`Source`]), skipping folders named in `skip`, as [`modules`] reads them: what a scan of
/// the code that ships reads, comments included.
pub fn module_sources(src: &Path, skip: &[&str]) -> BTreeMap<Module, Source> {
    let mut found = BTreeMap::new();
    let has_lib = src.join("lib.rs").is_file();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{} is not readable: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                // `src/bin/*` are crate roots of their own.
                let left_out = skip.contains(&name.as_str()) || (dir == src && name == "bin");
                if !left_out {
                    pending.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || (has_lib && dir == src && name == "main.rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src").with_extension("");
            let mut module: Module =
                relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|last| last == "mod" || last == "lib" || last == "main") {
                module.pop();
            }
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            found.insert(module, Source { path, text });
        }
    }
    let test_only = test_only_children(&found);
    found.retain(|module, _| !test_only.iter().any(|t| module.starts_with(t)));
    for source in found.values_mut() {
        source.text = blank_test_modules(&source.text);
    }
    found
}

/// The modules declared `#[cfg(test)] mod name;` in their parent's file.
fn test_only_children(modules: &BTreeMap<Module, Source>) -> Vec<Module> {
    let mut children = Vec::new();
    for (parent, source) in modules {
        let mut lines = source.text.lines().map(str::trim);
        while let Some(line) = lines.next() {
            if line != "#[cfg(test)]" {
                continue;
            }
            let Some(next) = lines.next() else { break };
            let declared = next.trim_start_matches("pub(crate) ").strip_prefix("mod ");
            if let Some(name) = declared.and_then(|rest| rest.strip_suffix(';')) {
                children.push(parent.iter().cloned().chain([name.to_owned()]).collect());
            }
        }
    }
    children
}

/// `text` with each line of its inline `#[cfg(test)] mod .. { .. }` blocks emptied: the code
/// that ships, on the lines it has in the file.
pub fn blank_test_modules(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let opens_test_module = trimmed == "#[cfg(test)]"
            && lines.peek().is_some_and(|next| {
                let next = next.trim_start();
                (next.starts_with("mod ") || next.starts_with("pub(crate) mod ")) && next.ends_with('{')
            });
        if opens_test_module {
            code.push('\n');
            // Blank up to the line that closes the block the next line opens.
            let mut depth = 0usize;
            for inner in lines.by_ref() {
                code.push('\n');
                depth += inner.matches('{').count();
                depth = depth.saturating_sub(inner.matches('}').count());
                if depth == 0 {
                    break;
                }
            }
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// `text` without its comment lines.
fn without_comments(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    for line in text.lines().filter(|line| !line.trim_start().starts_with("//")) {
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// Names the crate root re-exports (`pub use diagnostic::{Diagnostic, ..};`, on one line or
/// several), by the module they come from: `crate::Diagnostic` is an edge to `diagnostic`.
fn root_reexports(root: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (at, _) in root.match_indices("pub use ") {
        let rest = &root[at + "pub use ".len()..];
        let statement: String = rest[..rest.find(';').unwrap_or(rest.len())].split_whitespace().collect();
        for path in paths_at(&statement) {
            if let (Some(module), Some(item)) = (path.first(), path.last())
                && path.len() > 1
            {
                names.insert(item.clone(), module.clone());
            }
        }
    }
    names
}

/// The paths a `crate::` at the start of `text` names, brace groups expanded:
/// `crate::emit::{client, rust::ident}` names `emit::client` and `emit::rust::ident`.
pub fn paths_at(text: &str) -> Vec<Vec<String>> {
    let mut prefix = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        prefix.push(rest[..end].to_owned());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => return vec![prefix],
        }
    }
    let Some(group) = rest.strip_prefix('{') else { return vec![prefix] };
    let (mut depth, mut start, mut paths) = (0, 0, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ',' | '}' if depth == 0 => {
                for tail in paths_at(group[start..i].trim()) {
                    paths.push(prefix.iter().cloned().chain(tail).collect());
                }
                start = i + 1;
                if c == '}' {
                    break;
                }
            }
            _ => {}
        }
    }
    paths
}

/// The modules each module refers to through `crate::` paths.
pub fn edges(modules: &BTreeMap<Module, String>) -> BTreeSet<(Module, Module)> {
    let reexports = modules.get(&Vec::new()).map(|root| root_reexports(root)).unwrap_or_default();
    let mut edges = BTreeSet::new();
    for (from, text) in modules {
        for (at, _) in text.match_indices("crate::") {
            // `$crate::` in a macro and `other_crate::` are no edges.
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            for path in paths_at(&text[at + "crate::".len()..]) {
                let path = match path.first().and_then(|first| reexports.get(first)) {
                    Some(module) => vec![module.clone()],
                    None => path,
                };
                // The longest prefix that is a module: `emit::rust::ident` is `emit::rust`.
                let target =
                    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains_key(m));
                if let Some(to) = target.filter(|to| to != from) {
                    edges.insert((from.clone(), to));
                }
            }
        }
    }
    edges
}

/// Each edge seen from the module holding both ends: `emit::client -> emit::prose` is
/// `client -> prose` inside `emit`; `resolve::mock -> model` is `resolve -> model` in the root.
/// An edge to an ancestor (a child using its parent's shared items) is no dependency between
/// siblings and is left out.
pub fn sibling_edges(edges: &BTreeSet<(Module, Module)>) -> BTreeMap<Module, BTreeSet<(String, String)>> {
    let mut by_parent: BTreeMap<Module, BTreeSet<(String, String)>> = BTreeMap::new();
    for (from, to) in edges {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if let (Some(a), Some(b)) = (from.get(common), to.get(common)) {
            by_parent.entry(from[..common].to_vec()).or_default().insert((a.clone(), b.clone()));
        }
    }
    by_parent
}

/// A cycle among the edges, as the list of its nodes, if there is one.
pub fn cycle(edges: &BTreeSet<(String, String)>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeSet<(String, String)>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut found = path[start..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for (_, next) in edges.iter().filter(|(from, _)| from == node) {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges.iter().find_map(|(from, _)| visit(from, edges, &mut Vec::new(), &mut done))
}

/// The siblings in the crate root that use `module`.
pub fn users_of(module: &str, edges: &BTreeMap<Module, BTreeSet<(String, String)>>) -> BTreeSet<String> {
    edges[&Vec::new()].iter().filter(|(_, to)| to == module).map(|(from, _)| from.clone()).collect()
}

/// The siblings in the crate root that `module` uses.
pub fn uses_of(module: &str, edges: &BTreeMap<Module, BTreeSet<(String, String)>>) -> BTreeSet<String> {
    edges[&Vec::new()].iter().filter(|(from, _)| from == module).map(|(_, to)| to.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_test_modules_are_no_code() {
        let text = "use crate::a;\n// crate::b\n/// [x](crate::c)\n#[cfg(test)]\nmod tests {\n    use crate::d;\n    fn f() {\n    }\n}\nuse crate::e;\n";
        assert_eq!(
            without_comments(&blank_test_modules(text)).trim(),
            "use crate::a;\n\n\n\n\n\n\nuse crate::e;"
        );
        assert_eq!(blank_test_modules(text).lines().count(), text.lines().count());
    }

    #[test]
    fn multi_line_reexports_resolve_to_their_module() {
        let names = root_reexports("pub use config::{\n    A, B,\n    C,\n};\npub use other::D;\n");
        assert_eq!(names["C"], "config");
        assert_eq!(names["D"], "other");
    }
}
