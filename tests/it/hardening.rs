//! Adversarial inputs: texts nested or sized to crash or exhaust wort. Each must give
//! a one-paragraph error naming the file, line or rule, never an abort or a panic.

use super::{wort, write};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

/// A command that must fail with an error, not a signal (stack overflow is SIGABRT)
/// or a panic (exit 101).
fn fails_cleanly(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code();
    assert!(
        matches!(code, Some(c) if c != 0 && c != 101),
        "expected a clean error exit, got {:?}: {err}",
        out.status
    );
    assert!(
        !err.contains("overflowed its stack") && !err.contains("panicked"),
        "{err}"
    );
    err
}

/// `wort run` of a one-step recipe over `data`: the output's text, or the error of a
/// clean failure (no output file left).
fn run_step(
    dir: &std::path::Path,
    data: &std::path::Path,
    step: serde_json::Value,
) -> Result<String, String> {
    let recipe = write(
        dir,
        "step.json",
        serde_json::json!({"wort_recipe": 1, "steps": [step]}).to_string(),
    );
    let out = dir.join("out.csv");
    let _ = std::fs::remove_file(&out);
    let mut cmd = wort();
    cmd.arg("run").arg(&recipe).arg(data).arg("-o").arg(&out);
    if cmd.output().expect("runs").status.success() {
        return Ok(std::fs::read_to_string(&out).expect("output"));
    }
    let err = fails_cleanly(&mut cmd);
    assert!(!out.exists(), "a failed run left {}", out.display());
    Err(err)
}

/// The error of `wort inspect PATH ARGS…`, which must fail cleanly.
fn inspect_fails(path: &std::path::Path, args: &[&str]) -> String {
    fails_cleanly(wort().arg("inspect").arg(path).args(args))
}

fn ok_out(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---- 1. DQDL nested thousands deep ---------------------------------------------------

#[test]
fn rules_nested_thousands_deep_are_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let n = 5_000;
    let text = format!(
        "# deep\n\nRules = [\n  {}RowCount > 0{}\n]\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let rules = write(dir.path(), "rules.dqdl", text);
    let data = write(dir.path(), "d.csv", "a\n1\n");
    for args in [
        vec!["rules", "fmt"],
        vec!["rules", "lint"],
        vec!["check", "--rules"],
    ] {
        let mut cmd = wort();
        cmd.args(&args).arg(&rules);
        if args[0] == "check" {
            cmd.arg(&data);
        }
        let err = fails_cleanly(&mut cmd);
        assert!(
            err.contains("rules.dqdl")
                && err.contains("line 4")
                && err.contains("nested deeper than 100 levels"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn rule_arithmetic_chains_count_as_depth_and_shallow_rules_still_parse() {
    let dir = tempfile::tempdir().unwrap();
    let long = vec!["1"; 5_000].join(" + ");
    let rules = write(
        dir.path(),
        "r.dqdl",
        format!("Rules = [ RowCount > {long} ]"),
    );
    let err = fails_cleanly(wort().args(["rules", "fmt"]).arg(&rules));
    assert!(
        err.contains("line 1") && err.contains("deeper than 100"),
        "{err}"
    );
    // 99 nested parentheses around a 50-term sum: within the limit, and evaluated.
    let sum = vec!["1"; 50].join(" + ");
    let text = format!(
        "Rules = [ {}RowCount < {sum}{} ]",
        "(".repeat(49),
        ")".repeat(49)
    );
    let rules = write(dir.path(), "ok.dqdl", text);
    let data = write(dir.path(), "d.csv", "a\n1\n2\n");
    let out = ok_out(wort().args(["check", "--rules"]).arg(&rules).arg(&data));
    assert!(out.contains("1 passed"), "{out}");
}

// ---- 2. SQL expressions thousands of terms long ----------------------------------------

#[test]
fn a_derive_of_thousands_of_terms_is_refused_not_overflowed() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "in.csv", "a,b\n1,2\n3,4\n");
    let derive = |expr: String| serde_json::json!({"op": "derive", "column": "x", "expr": expr});
    let err = run_step(dir.path(), &data, derive(vec!["a"; 5_000].join(" + "))).unwrap_err();
    assert!(
        err.contains("step 1 (derive)") && err.contains("more than 200 operators"),
        "{err}"
    );
    // Parentheses nested past the parser's limit, in a `where`: refused as well.
    let deep = format!("{}a > 1{}", "(".repeat(5_000), ")".repeat(5_000));
    let mut step = derive("a".into());
    step["where"] = deep.into();
    let err = run_step(dir.path(), &data, step).unwrap_err();
    assert!(err.contains("parentheses deeper than 50 levels"), "{err}");
    // 150 terms are fine, and computed.
    let out = run_step(dir.path(), &data, derive(vec!["a"; 150].join(" + "))).unwrap();
    assert_eq!(out, "a,b,x\n1,2,150\n3,4,450\n");
}

#[test]
fn a_rule_where_clause_thousands_of_terms_long_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let chain = vec!["\\\"a\\\" = 1"; 3_000].join(" OR ");
    let rules = write(
        dir.path(),
        "rules.dqdl",
        format!("Rules = [\n  RowCount > 0,\n  IsComplete \"a\" where \"{chain}\"\n]\n"),
    );
    let data = write(dir.path(), "d.csv", "a\n1\n");
    let err = fails_cleanly(wort().args(["check", "--rules"]).arg(&rules).arg(&data));
    assert!(
        err.contains("line 3") && err.contains("too deeply nested"),
        "{err}"
    );
}

// ---- 3. JSON nested thousands deep -----------------------------------------------------

#[test]
fn json_nested_deeper_than_64_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let n = 10_000;
    let deep = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let json = write(
        dir.path(),
        "deep.json",
        format!("[\n{{\"a\": 1}},\n{{\"a\": {deep}}}\n]\n"),
    );
    let ndjson = write(
        dir.path(),
        "deep.ndjson",
        format!("{{\"a\": 1}}\n{{\"a\": {deep}}}\n"),
    );
    let recipe = write(dir.path(), "r.json", r#"{"wort_recipe": 1, "steps": []}"#);
    for (file, name, line) in [(&json, "deep.json", 3), (&ndjson, "deep.ndjson", 2)] {
        let err = inspect_fails(file, &[]);
        assert!(
            err.contains(&format!(
                "{name} line {line}: the JSON nests arrays or objects deeper than 64"
            )),
            "{err}"
        );
        let out = dir.path().join("out.csv");
        let err = fails_cleanly(wort().arg("run").arg(&recipe).arg(file).arg("-o").arg(&out));
        assert!(err.contains(&format!("{name} line {line}")), "{err}");
        assert!(!out.exists());
    }
    // 1,000 levels (a 6 KB file) took 27 s and 13 GB: now refused at once.
    let thousand = format!("[{{\"a\": {}1{}}}]", "[".repeat(1_000), "]".repeat(1_000));
    let f = write(dir.path(), "k.json", thousand);
    inspect_fails(&f, &[]);
    // Nesting inside strings does not count, and 60 levels still read.
    let fine = format!(
        "[{{\"a\": \"{}\", \"b\": {}1{}}}]",
        "[".repeat(1_000),
        "[".repeat(60),
        "]".repeat(60)
    );
    let f = write(dir.path(), "fine.json", fine);
    wort().arg("inspect").arg(&f).assert().success();
}

// ---- 4. Date arithmetic on huge numbers ------------------------------------------------

#[test]
fn now_plus_a_huge_number_of_days_is_an_error_on_the_rule_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "x\n2024-01-01\n");
    for n in ["999999999999", "99999999999999999", "18446744073709551615"] {
        let rules = write(
            dir.path(),
            "r.dqdl",
            format!("Rules = [ ColumnValues \"x\" > (now() + {n} days), RowCount > 0 ]"),
        );
        let out = wort()
            .args(["check", "--format", "json", "--rules"])
            .arg(&rules)
            .arg(&data)
            .output()
            .unwrap();
        assert_ne!(
            out.status.code(),
            Some(101),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
        let text = report.to_string();
        assert!(
            text.contains(&format!(
                "now() + {n} days is outside the dates wort can represent"
            )),
            "{text}"
        );
    }
}

// ---- 7. Messages -----------------------------------------------------------------------

#[test]
fn a_bad_ndjson_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "bad.ndjson",
        "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3,,}\n",
    );
    wort()
        .arg("inspect")
        .arg(&f)
        .assert()
        .failure()
        .stderr(contains("bad.ndjson line 3: not valid JSON").and(contains("column 9")));
}

#[test]
fn an_unclosed_quote_names_the_line_in_run_profile_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "q.csv", "a,b\n1,2\n3,\"never closed\n5,6\n");
    let recipe = write(dir.path(), "r.json", r#"{"wort_recipe": 1, "steps": []}"#);
    let rules = write(dir.path(), "r.dqdl", "Rules = [ RowCount > 0 ]");
    let out = dir.path().join("out.csv");
    let mut run = wort();
    run.arg("run").arg(&recipe).arg(&data).arg("-o").arg(&out);
    let mut profile = wort();
    profile.arg("profile").arg(&data);
    let mut check = wort();
    check.args(["check", "--rules"]).arg(&rules).arg(&data);
    for cmd in [&mut run, &mut profile, &mut check] {
        let err = fails_cleanly(cmd);
        assert!(err.contains("q.csv line 3: unclosed quote"), "{err}");
    }
    assert!(!out.exists());
}

#[test]
fn the_same_character_as_delimiter_and_quote_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "a,b\n1,2\n");
    let err = inspect_fails(&data, &["--delimiter", ",", "--quote", ","]);
    assert!(
        err.contains("--delimiter and --quote are both ','") && err.contains("d.csv"),
        "{err}"
    );
}

#[test]
fn a_csv_read_as_parquet_is_called_csv() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "a,b\n1,2\n");
    let err = inspect_fails(&data, &["--format", "parquet"]);
    assert!(
        err.contains("d.csv") && err.contains("is not Parquet") && err.contains("looks like CSV"),
        "{err}"
    );
}

#[test]
fn subqueries_in_expressions_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "a\n1\n2\n");
    for w in [
        "a IN (SELECT a FROM data)",
        "a > (SELECT max(a) FROM data)",
        "EXISTS (SELECT 1)",
    ] {
        let step = serde_json::json!({"op": "derive", "column": "x", "expr": "a", "where": w});
        let err = run_step(dir.path(), &data, step).unwrap_err();
        assert!(
            err.contains("an expression may not hold a query"),
            "{w}: {err}"
        );
        assert!(!err.contains("_POLARS_TMP"), "{err}");
    }
}

// ---- 5. Cost ---------------------------------------------------------------------------

/// `in [...]` with thousands of values was an OR of one comparison per value: 2,000
/// values on 50,000 rows took 150 s and 9 GB in a debug build; one `is_in` takes
/// well under a second. The counts are what the list says.
#[test]
fn in_lists_of_thousands_of_values_give_the_right_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("v,t,d\n");
    for i in 0..50_000u32 {
        let v = i % 5_000;
        // t: text with a null every 10th row; d: a date
        let t = if i % 10 == 9 {
            String::new()
        } else {
            format!("k{v}")
        };
        csv.push_str(&format!("{v},{t},2024-01-{:02}\n", 1 + i % 28));
    }
    let data = write(dir.path(), "big.csv", csv);
    let nums: Vec<String> = (0..2_000).map(|k| format!("\"{k}\"")).collect();
    let texts: Vec<String> = (0..2_000).map(|k| format!("\"k{k}\"")).collect();
    let rules = format!(
        "Rules = [\n  ColumnValues \"v\" in [{n}],\n  ColumnValues \"v\" not in [{n}],\n  \
         ColumnValues \"t\" in [{t}],\n  ColumnValues \"t\" not in [{t}, NULL],\n  \
         ColumnValues \"d\" in [\"2024-01-01\", \"2024-01-02\", \"2023-05-05\"]\n]\n",
        n = nums.join(", "),
        t = texts.join(", ")
    );
    let rules = write(dir.path(), "r.dqdl", rules);
    let out = wort()
        .args(["check", "--format", "json", "--rules"])
        .arg(&rules)
        .arg(&data)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let failing: Vec<u64> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["failing_rows"].as_u64().unwrap_or(0))
        .collect();
    // v in 0..2000: 2,000 of every 5,000 rows pass.
    // t in k0..k1999: 40 % of the 45,000 non-null rows pass; nulls fail `in`.
    // t not in [..., NULL]: the 27,000 others pass; nulls fail because NULL is listed.
    // d: days 1 and 2 of every 28.
    let d_pass = (0..50_000u32).filter(|i| i % 28 < 2).count() as u64;
    assert_eq!(
        failing,
        vec![
            30_000,
            20_000,
            50_000 - 18_000,
            18_000 + 5_000,
            50_000 - d_pass
        ]
    );
}

/// Each step's schema came from converting the whole growing plan again: 1,000 derive
/// steps took 31 s in a debug build (quadratic), now well under a second per thousand.
#[test]
fn a_recipe_of_thousands_of_steps_plans_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "in.csv", "a,b\n1,2\n3,4\n");
    let steps: Vec<serde_json::Value> = (0..1_500)
        .map(|i| {
            serde_json::json!({"op": "derive", "column": format!("c{}", i % 7), "expr": format!("a + {i}")})
        })
        .collect();
    let recipe = write(
        dir.path(),
        "r.json",
        serde_json::json!({"wort_recipe": 1, "steps": steps}).to_string(),
    );
    let out = dir.path().join("out.csv");
    ok_out(
        wort()
            .arg("run")
            .arg(&recipe)
            .arg(&data)
            .arg("-o")
            .arg(&out),
    );
    // c{k} holds a + the last i (below 1,500) with i % 7 == k.
    let last = |k: u32| (0..1_500u32).filter(|i| i % 7 == k).max().unwrap();
    let mut want = String::from("a,b");
    for k in 0..7 {
        want.push_str(&format!(",c{k}"));
    }
    for (a, b) in [(1u32, 2u32), (3, 4)] {
        want.push_str(&format!("\n{a},{b}"));
        for k in 0..7 {
            want.push_str(&format!(",{}", a + last(k)));
        }
    }
    want.push('\n');
    assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
}

/// `wort suggest` on a 3,000-column, 50-row file took minutes and gigabytes: the
/// sample was one chunk per row, and the 22,000 rule metrics ran as one streaming
/// graph over it. Every column gets its rules, and each passes on the data.
#[test]
fn suggest_on_thousands_of_columns_gives_every_column_its_rules() {
    let dir = tempfile::tempdir().unwrap();
    let cols = 3_000;
    let mut text: String = (0..cols)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for r in 0..50 {
        let row: Vec<String> = (0..cols)
            .map(|i| {
                if i % 3 == 0 {
                    ["a", "b", "NA"][(r + i) % 3].to_string()
                } else {
                    ((r * 7 + i) % 101).to_string()
                }
            })
            .collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let data = write(dir.path(), "wide.csv", text);
    let rules = dir.path().join("wide.dqdl");
    ok_out(wort().arg("suggest").arg(&data).arg("-o").arg(&rules));
    let dqdl = std::fs::read_to_string(&rules).unwrap();
    for c in ["c1", "c2999", "c1501"] {
        assert!(
            dqdl.contains(&format!("IsComplete \"{c}\"")),
            "{c}: {dqdl:.2000}"
        );
    }
    // c0, c3... hold a third missing values: a completeness bound, not IsComplete.
    assert!(dqdl.contains("Completeness \"c2997\" >="), "{dqdl:.2000}");
    let o = wort()
        .arg("check")
        .arg(&data)
        .arg("--rules")
        .arg(&rules)
        .arg("--format")
        .arg("json")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---- 6. Out of memory ------------------------------------------------------------------

/// Under an address-space limit a failed allocation printed "memory allocation of N
/// bytes failed" and aborted (SIGABRT); now it is one sentence and exit code 2.
#[cfg(target_os = "linux")]
#[test]
fn running_out_of_memory_is_a_message_not_an_abort() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let row = vec!["abcdefghijklmnopqrstuvwxyz0123456789"; 20].join(",") + "\n";
    let header: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    let csv = header.join(",") + "\n" + &row.repeat(50_000);
    let data = write(dir.path(), "big.csv", csv);
    let bin = assert_cmd::cargo::cargo_bin("wort");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 500000 && exec \"$0\" profile \"$1\"")
        .arg(&bin)
        .arg(&data)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return;
    }
    // Our message, once the first failed allocation is seen. (Rarely another thread
    // meets an out-of-memory inside glibc itself and aborts before wort exits: the
    // message is printed all the same.)
    if err.contains("wort could not start a thread while reading") {
        // The system refused a thread's stack before any allocation failed.
        assert!(err.contains("big.csv"), "{err}");
        assert_eq!(out.status.code(), Some(2), "{err}");
    } else if err.contains("wort ran out of memory reading") {
        assert!(
            err.contains("big.csv") && err.contains("bytes failed)"),
            "{err}"
        );
        if out.status.signal().is_none() {
            assert_eq!(out.status.code(), Some(2), "{err}");
        }
    } else {
        assert_eq!(out.status.signal(), None, "killed by a signal: {err}");
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("Cannot allocate memory"), "{err}");
    }
}
