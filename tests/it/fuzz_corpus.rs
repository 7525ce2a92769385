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

/// The stable fuzz loop, for machines where a cargo-fuzz (libFuzzer) build is not to
/// be had: mutates the committed corpus of one target for a while and runs every
/// mutant through its checks. Run it as
///
/// ```text
/// WORT_FUZZ_TARGET=dqdl WORT_FUZZ_SECONDS=600 cargo test --test it fuzz_corpus::mutate -- --ignored --nocapture
/// ```
///
/// No coverage guides it (libFuzzer's does), so the mutations lean on each target's
/// own tokens and on repeating a chunk (deep nesting, long chains). The input being
/// run is written to `fuzz/artifacts/<target>/current` first, so an abort (a stack
/// overflow) leaves it behind; a panic is saved as `crash-<hash>` and the loop goes
/// on; an input that runs longer than 10 seconds is saved as `slow-<hash>` and stops
/// the loop.
#[test]
#[ignore = "runs for WORT_FUZZ_SECONDS; see the README's Development section"]
fn mutate() {
    use rand::{Rng, SeedableRng};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let target = std::env::var("WORT_FUZZ_TARGET").expect("set WORT_FUZZ_TARGET");
    let seconds: u64 = std::env::var("WORT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("WORT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let (check, tokens): (fn(&[u8]), &[&str]) = match target.as_str() {
        "sniff_scan" => (
            checks::sniff_scan,
            &[
                ",",
                ";",
                "\t",
                "|",
                "\"",
                "'",
                "\\",
                "\n",
                "\r\n",
                "\r",
                "\"\"",
                "sep=",
                "\u{feff}",
                "\u{fffd}",
                "\u{0}",
                "1.5",
                "2024-01-02",
                "true",
                " ",
                "#",
            ],
        ),
        "dqdl" => (
            checks::dqdl,
            &[
                "Rules = [",
                "]",
                "(",
                ")",
                " AND ",
                " OR ",
                "\"",
                "\\\"",
                ",",
                "\n",
                "#",
                " where ",
                " with ",
                "now()",
                " days",
                " hours",
                "$",
                "Metadata = {",
                "}",
                "DataSources",
                "DefaultLabels",
                "Analyzers = [",
                "labels=[",
                " between ",
                " in [",
                "> ",
                "!= ",
                "-",
                "1e308",
                "99999999999999999999",
                "NaN",
                "é",
                "ColumnValues \"a\"",
                "CustomSql \"select 1\"",
                "RowCount",
            ],
        ),
        "recipe" => (
            checks::recipe,
            &[
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "\"",
                "null",
                "true",
                "-1",
                "1e400",
                "18446744073709551616",
                "\"op\"",
                "\"where\"",
                "\"column\"",
                "\"columns\"",
                "\"disabled\"",
                "\"wort_recipe\"",
                "\\u0000",
                "\\ud800",
                "é",
            ],
        ),
        "databrew" => (
            checks::databrew,
            &[
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "\"",
                "null",
                "\"Action\"",
                "\"Operation\"",
                "\"Parameters\"",
                "\"ConditionExpressions\"",
                "\"Condition\"",
                "\"Value\"",
                "\"TargetColumn\"",
                "\"sourceColumn\"",
                "\"Steps\"",
                "-1",
                "1e400",
                "\\\"",
                "[\\\"",
                "\\\"]",
            ],
        ),
        "sql" => (
            checks::sql,
            &[
                "(",
                ")",
                " AND ",
                " OR ",
                " NOT ",
                "SELECT ",
                " FROM ",
                " WHERE ",
                "'",
                "\"",
                "id",
                "name",
                "price",
                "\"Body Mass (g)\"",
                "CASE WHEN ",
                " THEN ",
                " END",
                "+",
                "*",
                "/",
                "%",
                "||",
                " IN (",
                " BETWEEN ",
                " LIKE ",
                "::",
                "CAST(",
                " AS ",
                "now()",
                "9223372036854775807",
                "1e308",
                "-",
                "[",
                "]",
                "read_csv(",
                "(SELECT 1)",
                ";",
                "--",
                "/*",
            ],
        ),
        other => panic!("unknown WORT_FUZZ_TARGET {other}"),
    };
    let dir = crate::root().join("fuzz/corpus").join(&target);
    let mut pool: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("corpus file"))
        .collect();
    let seeds = pool.len();
    let out = crate::root().join("fuzz/artifacts").join(&target);
    std::fs::create_dir_all(&out).expect("artifacts directory");
    let current = out.join("current");

    // Panics are expected to be rare: record where each one happened, quietly.
    let location: Arc<Mutex<String>> = Arc::default();
    let loc = Arc::clone(&location);
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *loc.lock().unwrap_or_else(|e| e.into_inner()) = format!("{at}: {info}");
    }));
    // A watchdog: one run longer than 10 s is a hang.
    let started = Arc::new(AtomicU64::new(0));
    let clock = Instant::now();
    {
        let started = Arc::clone(&started);
        let current = current.clone();
        let out = out.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let s = started.load(Ordering::Relaxed);
                if s > 0 && clock.elapsed().as_millis() as u64 > s + 10_000 {
                    let _ = std::fs::copy(&current, out.join("slow-input"));
                    eprintln!("HANG: an input ran over 10 s; saved as slow-input");
                    std::process::abort();
                }
            }
        });
    }

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut execs, mut crashes) = (0u64, 0u64);
    let mut seen = std::collections::BTreeSet::new();
    while Instant::now() < deadline {
        let mut data = pool[rng.random_range(0..pool.len())].clone();
        for _ in 0..rng.random_range(1..=6) {
            mutate_once(&mut data, &mut rng, tokens, &pool);
        }
        data.truncate(64 << 10);
        std::fs::write(&current, &data).expect("current input written");
        started.store(clock.elapsed().as_millis().max(1) as u64, Ordering::Relaxed);
        let ok = std::panic::catch_unwind(|| check(&data)).is_ok();
        started.store(0, Ordering::Relaxed);
        execs += 1;
        if !ok {
            crashes += 1;
            let at = location.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let key: String = at.lines().next().unwrap_or("").chars().take(160).collect();
            if seen.insert(key.clone()) {
                let name = format!("crash-{execs}");
                std::fs::write(out.join(&name), &data).expect("crash saved");
                eprintln!("CRASH {name}: {at}");
            }
        }
        // Drift: a few mutants join the pool, so mutations compound.
        if rng.random_ratio(1, 50) && pool.len() < seeds * 4 {
            pool.push(data);
        }
    }
    let _ = std::fs::remove_file(&current);
    eprintln!(
        "{target}: {execs} executions in {seconds} s, {crashes} panicking inputs, {} distinct",
        seen.len()
    );
    assert_eq!(crashes, 0, "{target}: see the CRASH lines above");
}

/// One mutation: flip, insert, delete, repeat a chunk, insert a token, or splice.
fn mutate_once(data: &mut Vec<u8>, rng: &mut impl rand::Rng, tokens: &[&str], pool: &[Vec<u8>]) {
    let len = data.len();
    let at = if len == 0 {
        0
    } else {
        rng.random_range(0..=len)
    };
    match rng.random_range(0..8) {
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            data[i] ^= 1 << rng.random_range(0..8);
        }
        1 => data.insert(at, rng.random()),
        2 if len > 0 => {
            let n = rng.random_range(1..=len.min(32));
            let from = rng.random_range(0..=len - n);
            data.drain(from..from + n);
        }
        3 if len > 0 => {
            // Repeat a short chunk many times: deep nesting and long chains.
            let n = rng.random_range(1..=len.min(16));
            let from = rng.random_range(0..=len - n);
            let chunk = data[from..from + n].to_vec();
            let times = [2, 10, 100, 1000, 5000][rng.random_range(0..5)];
            let repeated: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
            data.splice(from..from, repeated);
        }
        4 | 5 => {
            let t = tokens[rng.random_range(0..tokens.len())].as_bytes();
            data.splice(at..at, t.iter().copied());
        }
        6 => {
            let other = &pool[rng.random_range(0..pool.len())];
            if !other.is_empty() {
                let from = rng.random_range(0..other.len());
                let to = rng.random_range(from..=other.len().min(from + 256));
                data.splice(at..at, other[from..to].iter().copied());
            }
        }
        _ if len > 0 => {
            // Replace a byte with an ASCII digit or a boundary value.
            let i = rng.random_range(0..len);
            data[i] = [b'0', b'9', b'-', 0, 0x7f, 0xff][rng.random_range(0..6)];
        }
        _ => data.push(rng.random()),
    }
}
