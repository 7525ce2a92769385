//! The layering ARCHITECTURE.md draws, checked on the source: the top-level modules of
//! `src/` import each other without a cycle, the core imports no UI or CLI crate, and
//! no source file grows past 1,200 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read");
            out.push((path.display().to_string(), text));
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for lib.rs and main.rs).
fn module_of(src: &Path, file: &str) -> Option<String> {
    let rel = Path::new(file).strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Module -> the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn graph() -> (Graph, Vec<(String, String)>) {
    let src = super::root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(f, _)| module_of(&src, f))
        .collect();
    let word = regex::Regex::new(r"crate::(\w+)").expect("regex");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &files {
        let Some(from) = module_of(&src, file) else {
            continue;
        };
        let to = edges.entry(from.clone()).or_default();
        for c in word.captures_iter(text) {
            let m = c[1].to_string();
            if m != from && modules.contains(&m) {
                to.insert(m);
            }
        }
    }
    (edges, files)
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let (edges, _) = graph();
    // Depth-first search; a grey node met again closes a cycle.
    fn visit(
        n: &str,
        edges: &Graph,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let at = path.iter().position(|p| p == n).unwrap_or(0);
                let mut cycle = path[at..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        let cycle = visit(n, &edges, &mut state, &mut Vec::new());
        assert!(
            cycle.is_none(),
            "module cycle: {}",
            cycle.unwrap().join(" -> ")
        );
    }
    // The graph is not trivially acyclic: the core is layered under the front ends.
    assert!(edges["cli"].contains("recipe") && edges["recipe"].contains("transform"));
}

#[test]
fn the_core_imports_no_ui_or_cli_crate() {
    let (_, files) = graph();
    let src = super::root().join("src");
    for (file, text) in &files {
        let module = module_of(&src, file).unwrap_or_default();
        if module == "tui" || module == "cli" || file.ends_with("main.rs") {
            continue;
        }
        for krate in ["ratatui", "crossterm", "clap"] {
            let used = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .any(|l| l.contains(&format!("{krate}::")) || l.contains(&format!("use {krate}")));
            assert!(!used, "{file} uses {krate}: only src/tui and src/cli may");
        }
    }
}

#[test]
fn no_source_file_is_over_1200_lines() {
    let (_, files) = graph();
    let long: Vec<String> = files
        .iter()
        .filter(|(_, text)| text.lines().count() > 1200)
        .map(|(f, text)| format!("{f} ({} lines)", text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "split these along their concerns: {long:?}"
    );
}
