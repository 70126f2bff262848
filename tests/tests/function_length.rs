//! No function of the generator (codegen/src, tests left out) runs past 80 lines, from its
//! `fn` line to its closing brace: one step per concern, each small and named for what it
//! decides, so a maintainer changes one without reading a page.

use std::fs;
use std::path::Path;

use tests::workspace::root;

const LIMIT: usize = 80;

/// `(name, first line, length)` of each function in `text` whose body closes at its own
/// indentation (rustfmt's layout), before the file's `#[cfg(test)]` module.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let code = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let lines: Vec<&str> = code.lines().collect();
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

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_generator_function_runs_past_80_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("codegen/src"), &mut files);
    assert!(files.len() > 20, "codegen/src was not found");
    let mut long = Vec::new();
    let mut seen = 0;
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        for (name, line, length) in functions(&text) {
            seen += 1;
            if length > LIMIT {
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
