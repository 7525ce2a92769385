//! The layering ARCHITECTURE.md draws, checked on the source: the top-level modules of
//! `src/` import each other without a cycle, and so do the modules of `src/tui/`; the
//! core imports no UI or CLI crate; popups only read the state (they answer with an
//! `Outcome` that `App::update` carries out); and no source file grows past 1,200
//! lines.

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

/// Fails with the cycle when the modules of `edges` (those of `dir`) import each
/// other in one.
fn assert_acyclic(edges: &Graph, dir: &str) {
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
    if let Some(cycle) = edges
        .keys()
        .find_map(|n| visit(n, edges, &mut state, &mut Vec::new()))
    {
        panic!("module cycle in {dir}: {}", cycle.join(" -> "));
    }
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let (edges, _) = graph();
    assert_acyclic(&edges, "src/");
    // The graph is not trivially acyclic: the core is layered under the front ends.
    assert!(edges["cli"].contains("recipe") && edges["recipe"].contains("transform"));
}

/// The lines of `text` that are not comments.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.trim_start().starts_with("//"))
}

/// The modules of `src/tui/` (its direct children), each with the others it names:
/// `crate::tui::X` anywhere, `super::X` where `super` is `tui` (in `tui/X.rs`,
/// `tui/X/mod.rs`; `super::super::X` one level further down). Returns the files too,
/// as (module path below `tui`, text).
fn tui_graph() -> (Graph, Vec<(Vec<String>, String)>) {
    let tui = super::root().join("src").join("tui");
    let mut files = Vec::new();
    sources(&tui, &mut files);
    let files: Vec<(Vec<String>, String)> = files
        .into_iter()
        .filter_map(|(file, text)| {
            let rel = Path::new(&file).strip_prefix(&tui).ok()?.with_extension("");
            let mut path: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            if path.last().is_some_and(|l| l == "mod") {
                path.pop();
            }
            (!path.is_empty()).then_some((path, text))
        })
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| p[0].clone()).collect();
    let absolute = regex::Regex::new(r"crate::tui::(\w+)").expect("regex");
    let relative = regex::Regex::new(r"\b((?:super::)+)(\w+)").expect("regex");
    let mut edges = Graph::new();
    for (path, text) in &files {
        let from = &path[0];
        let to = edges.entry(from.clone()).or_default();
        for line in code_lines(text) {
            let named = absolute
                .captures_iter(line)
                .map(|c| c[1].to_string())
                .chain(relative.captures_iter(line).filter_map(|c| {
                    let ups = c[1].matches("super::").count();
                    (ups == path.len()).then(|| c[2].to_string())
                }));
            for m in named {
                if &m != from && modules.contains(&m) {
                    to.insert(m);
                }
            }
        }
    }
    (edges, files)
}

#[test]
fn tui_modules_import_each_other_without_a_cycle() {
    let (edges, _) = tui_graph();
    assert_acyclic(&edges, "src/tui/");
    // The graph is read: the app drives the popups and views, which read the state.
    assert!(edges["app"].contains("popups") && edges["app"].contains("state"));
    assert!(edges["views"].contains("popups") && edges["popups"].contains("state"));
}

/// "`App::update` is the only place state changes", for popups by type: a popup's
/// handler gets its own fields mutably and the state read-only, and answers with an
/// `Outcome`. So no popup file takes `&mut State` or `&mut App` or names the `app`
/// module at all, and the state does not hold (or name) the popup.
#[test]
fn popups_only_read_the_state() {
    let (edges, files) = tui_graph();
    let mutable = regex::Regex::new(r"&\s*mut\s+(?:[\w:]+::)?(State|App)\b").expect("regex");
    let mut popup_files = 0;
    for (path, text) in files.iter().filter(|(p, _)| p[0] == "popups") {
        popup_files += 1;
        for line in code_lines(text) {
            assert!(
                !mutable.is_match(line),
                "tui/{}: a popup takes the state mutably: {line}",
                path.join("/")
            );
        }
    }
    assert!(popup_files > 5, "the popups are read");
    assert!(
        !edges["popups"].contains("app"),
        "popups name the app module: they answer with an Outcome instead"
    );
    assert!(
        !edges["state"].contains("popups"),
        "the state names the popups: the open popup lives in App"
    );
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
