//! The fuzz smoke: every committed fuzz corpus file (`fuzz/corpus/<target>/`) replayed
//! through its target's checks on the stable toolchain, so the normal `cargo test`
//! catches a regression on any input the fuzzers found interesting. The checks are the
//! fuzz crate's own (`fuzz/src/lib.rs`), compiled into this test.

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::path::Path;

/// Runs `check` on every file of `fuzz/corpus/<target>/`; fails naming the file that
/// panicked. The corpus must not be empty (a missing directory would pass silently).
fn replay(target: &str, check: fn(&[u8])) {
    let dir = crate::root().join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "{} holds {} files",
        dir.display(),
        files.len()
    );
    for file in &files {
        let data = std::fs::read(file).expect("corpus file reads");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", name(file));
    }
}

fn name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn sniffer_and_scanner_corpus() {
    replay("sniff_scan", checks::sniff_scan);
}

#[test]
fn dqdl_corpus() {
    replay("dqdl", checks::dqdl);
}

#[test]
fn recipe_corpus() {
    replay("recipe", checks::recipe);
}

#[test]
fn databrew_corpus() {
    replay("databrew", checks::databrew);
}

#[test]
fn sql_corpus() {
    replay("sql", checks::sql);
}
