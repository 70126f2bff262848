//! No function of the generator (codegen/src, tests left out) runs past 80 lines, from its
//! `fn` line to its closing brace: one step per concern, each small and named for what it
//! decides, so a maintainer changes one without reading a page.

use tests::module_graph::module_sources;
use tests::workspace::root;

const LIMIT: usize = 80;

/// `(name, first line, length)` of each function in `text` whose body closes at its own
/// indentation (rustfmt's layout).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = ["pub(crate) ", "pub(super) ", "pub ", "const ", "async "]
            .iter()
            .fold(trimmed, |rest, prefix| rest.strip_prefix(prefix).unwrap_or(rest));
        let Some(rest) = signature.strip_prefix("fn ") else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if line.trim_end().ends_with('}') || line.trim_end().ends_with(';') {
            continue;
        }
        let close = format!("{indent}}}");
        if let Some(end) = lines[at..].iter().position(|l| *l == close) {
            found.push((name, at + 1, end + 1));
        }
    }
    found
}

#[test]
fn no_generator_function_runs_past_80_lines() {
    // Test code (test-only modules, inline or in files) is read as the module-cycle check
    // reads it: left out.
    let sources = module_sources(&root().join("codegen/src"), &[]);
    assert!(sources.len() > 20, "codegen/src was not found");
    let mut long = Vec::new();
    let mut seen = 0;
    for source in sources.values() {
        for (name, line, length) in functions(&source.text) {
            seen += 1;
            if length > LIMIT {
                let path = &source.path;
                let path = path.strip_prefix(root()).unwrap_or(path).display().to_string();
                long.push(format!("{path}:{line}: `{name}` runs {length} lines"));
            }
        }
    }
    assert!(seen > 300, "only {seen} functions seen: the scan is broken");
    assert!(long.is_empty(), "split these into steps of at most {LIMIT} lines:\n{}", long.join("\n"));
}

#[test]
fn the_scan_measures_a_function_from_its_signature_to_its_brace() {
    let text = "fn short() {}\n\npub(crate) fn two(\n    a: u8,\n) -> u8 {\n    a\n}\n\nimpl X {\n    fn inner(&self) {\n        let _ = 1;\n    }\n}\n";
    assert_eq!(functions(text), [("two".to_owned(), 3, 5), ("inner".to_owned(), 10, 3)]);
}
