//! The generator's modules depend on each other one way only: load -> resolve -> model <- emit,
//! with the format read only where spec files are read. The edges are the `crate::` paths in
//! codegen/src (and the lib root's re-exports they go through); siblings inside each module are
//! checked the same way, so a helper shared by two emitters cannot quietly become a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// A module's path inside the crate, `["emit", "client"]`; empty for the lib root.
type Module = Vec<String>;

/// Every module of codegen/src with its source text.
fn modules() -> BTreeMap<Module, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("codegen/src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under src").with_extension("");
            let mut module: Module =
                relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|last| last == "mod" || last == "lib") {
                module.pop();
            }
            found.insert(module, fs::read_to_string(&path).expect("a readable source file"));
        }
    }
    found
}

/// Names the lib root re-exports (`pub use diagnostic::{Diagnostic, ..}`), by the module they
/// come from: `crate::Diagnostic` is an edge to `diagnostic`.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let Some((module, items)) = line.trim_end_matches(';').split_once("::") else { continue };
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            names.insert(item.trim().to_owned(), module.to_owned());
        }
    }
    names
}

/// The paths a `crate::` at the start of `text` names, brace groups expanded:
/// `crate::emit::{client, rust::ident}` names `emit::client` and `emit::rust::ident`.
fn paths_at(text: &str) -> Vec<Vec<String>> {
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
fn edges(modules: &BTreeMap<Module, String>) -> BTreeSet<(Module, Module)> {
    let reexports = root_reexports(&modules[&Vec::new()]);
    let mut edges = BTreeSet::new();
    for (from, text) in modules {
        for (at, _) in text.match_indices("crate::") {
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
fn sibling_edges(edges: &BTreeSet<(Module, Module)>) -> BTreeMap<Module, BTreeSet<(String, String)>> {
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
fn cycle(edges: &BTreeSet<(String, String)>) -> Option<Vec<String>> {
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

fn users_of(module: &str, edges: &BTreeMap<Module, BTreeSet<(String, String)>>) -> BTreeSet<String> {
    edges[&Vec::new()].iter().filter(|(_, to)| to == module).map(|(from, _)| from.clone()).collect()
}

fn uses_of(module: &str, edges: &BTreeMap<Module, BTreeSet<(String, String)>>) -> BTreeSet<String> {
    edges[&Vec::new()].iter().filter(|(from, _)| from == module).map(|(_, to)| to.clone()).collect()
}

#[test]
fn no_module_cycle_at_any_level() {
    let modules = modules();
    assert!(modules.len() > 20, "codegen/src was not found: {:?}", modules.keys());
    let by_parent = sibling_edges(&edges(&modules));
    for parent in [vec![], vec!["emit".to_owned()], vec!["resolve".to_owned()]] {
        assert!(by_parent.contains_key(&parent), "no edge seen inside {parent:?}: the scan is broken");
    }
    for (parent, edges) in &by_parent {
        if let Some(found) = cycle(edges) {
            panic!("modules of crate::{} import each other: {}", parent.join("::"), found.join(" -> "));
        }
    }
}

#[test]
fn model_and_format_sit_at_the_ends() {
    let by_parent = sibling_edges(&edges(&modules()));
    // `source` for the locations an error code keeps, to name the first declaration in a conflict.
    assert_eq!(uses_of("model", &by_parent), BTreeSet::from(["names".to_owned(), "source".to_owned()]));
    let readers: BTreeSet<String> =
        ["lenient", "load", "resolve", "schema"].into_iter().map(str::to_owned).collect();
    assert_eq!(users_of("format", &by_parent), readers, "the format is read where spec files are read");
    // `source` only in emit's unit tests, which build a spec from text; `splice` for the markers
    // around the manifest region emit writes (splice is a leaf: it imports no sibling).
    assert!(uses_of("splice", &by_parent).is_empty(), "splice must stay a leaf");
    let emit = uses_of("emit", &by_parent);
    let allowed = ["model", "names", "source", "splice"].into_iter().map(str::to_owned).collect();
    assert!(emit.is_subset(&allowed), "emit uses {emit:?}");
}

#[test]
fn the_scan_sees_a_cycle() {
    let edges: BTreeSet<(String, String)> =
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")].map(|(a, b)| (a.to_owned(), b.to_owned())).into();
    assert_eq!(cycle(&edges), Some(vec!["a", "b", "c", "a"].into_iter().map(str::to_owned).collect()));
    let paths = paths_at("emit::{client, rust::{ident, doc}, HEADER};");
    assert_eq!(
        paths,
        [
            vec!["emit", "client"],
            vec!["emit", "rust", "ident"],
            vec!["emit", "rust", "doc"],
            vec!["emit", "HEADER"]
        ]
    );
}
