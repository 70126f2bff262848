//! Modules depend on each other one way only, in every crate of the workspace: an import cycle
//! between sibling modules (at any level) fails here, naming the crate and the cycle. The
//! generator has a layering of its own on top: load -> resolve -> model <- emit, with the spec
//! format read only where spec files are read. How edges are read: `tests::module_graph`.

use std::collections::BTreeSet;

use tests::module_graph::{Module, cycle, edges, modules, paths_at, sibling_edges, users_of, uses_of};
use tests::workspace::root;

/// Each crate's source folder, and the folders left out (generated code: its layout is the
/// generator's).
const CRATES: &[(&str, &[&str])] = &[
    ("codegen/src", &[]),
    ("xtask/src", &[]),
    ("crates/wechat-core/src", &[]),
    ("crates/wechat-card/src", &["generated"]),
    ("crates/wechat-mock/src", &["generated"]),
    ("crates/wechat-cli/src", &["generated"]),
    ("tests/src", &[]),
];

#[test]
fn no_module_cycle_at_any_level_in_any_crate() {
    for (src, skip) in CRATES {
        let modules = modules(&root().join(src), skip);
        assert!(!modules.is_empty(), "{src}: no module found");
        let by_parent = sibling_edges(&edges(&modules));
        if modules.len() > 5 {
            assert!(
                by_parent.contains_key(&Module::new()),
                "{src}: no edge seen in the root: the scan is broken"
            );
        }
        for (parent, edges) in &by_parent {
            if let Some(found) = cycle(edges) {
                let inside =
                    if parent.is_empty() { String::new() } else { format!(" inside {}", parent.join("::")) };
                panic!("{src}: modules{inside} import each other: {}", found.join(" -> "));
            }
        }
    }
}

#[test]
fn the_generator_has_edges_at_every_level_it_nests() {
    let by_parent = sibling_edges(&edges(&modules(&root().join("codegen/src"), &[])));
    for parent in [vec![], vec!["emit".to_owned()], vec!["resolve".to_owned()]] {
        assert!(by_parent.contains_key(&parent), "no edge seen inside {parent:?}: the scan is broken");
    }
}

#[test]
fn the_generators_model_and_format_sit_at_the_ends() {
    let by_parent = sibling_edges(&edges(&modules(&root().join("codegen/src"), &[])));
    // `source` for the locations an error code keeps, to name the first declaration in a conflict.
    assert_eq!(uses_of("model", &by_parent), BTreeSet::from(["names".to_owned(), "source".to_owned()]));
    let readers: BTreeSet<String> =
        ["lenient", "load", "resolve", "schema"].into_iter().map(str::to_owned).collect();
    assert_eq!(users_of("format", &by_parent), readers, "the format is read where spec files are read");
    // `splice` for the markers around the manifest region emit writes (splice is a leaf: it
    // imports no sibling).
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

#[test]
fn the_scan_sees_a_cycle_in_files() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\npub use b::Thing;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::Thing;\n").unwrap();
    std::fs::write(src.join("b.rs"), "pub struct Thing;\nfn f() { crate::a::g() }\n").unwrap();
    let by_parent = sibling_edges(&edges(&modules(src, &[])));
    assert_eq!(
        cycle(&by_parent[&Module::new()]),
        Some(vec!["a", "b", "a"].into_iter().map(str::to_owned).collect())
    );
}
