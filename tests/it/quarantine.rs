//! `wort run --quarantine BAD`: rows failing a row-level rule go to BAD with the rules
//! they failed, the rest to -o; dataset-level rules judged on the rest stop both.

use crate::{wort, write};

const EMPTY_RECIPE: &str = r#"{"wort_recipe": 1, "steps": []}"#;

/// id 1 passes everything; 2 has no name; 3 a negative age and no city (outside the
/// Paris where); 4 passes; 5 a null age in Paris (fails the range and the where'd rule);
/// 6 is 15 in Lyon (outside the where, inside the range) but not returned by the
/// CustomSql; 7 fails the composite `or`.
const DATA: &str = "id,name,age,city,code\n\
    1,Ann,34,Paris,A1\n\
    2,,17,Lyon,B2\n\
    3,Bob,-5,,C3\n\
    4,Cy,40,Nice,D4\n\
    5,Dee,,Paris,E5\n\
    6,Eve,15,Lyon,F6\n\
    7,Fay,50,Nice,zz\n";

const RULES: &str = r#"Rules = [
    IsComplete "name",
    ColumnValues "age" between 0 and 120,
    ColumnValues "age" >= 18 where "city = 'Paris'" with threshold > 0.5,
    (ColumnValues "code" matches "[A-Z][0-9]") OR (ColumnValues "age" > 60),
    CustomSql "select id, name from primary where id <> 6 or name = 'Cy'",
    RowCount > 1,
    IsUnique "id"
]
"#;

fn run(dir: &std::path::Path, rules: &str, good: &str, bad: &str) -> assert_cmd::assert::Assert {
    write(dir, "r.json", EMPTY_RECIPE);
    write(dir, "d.csv", DATA);
    write(dir, "r.dqdl", rules);
    wort()
        .current_dir(dir)
        .args(["run", "r.json", "d.csv", "--rules", "r.dqdl"])
        .args(["--quarantine", bad, "-o", good])
        .assert()
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).expect("file written")
}

#[test]
fn rows_split_by_row_level_rules_with_the_failed_rules_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), RULES, "good.csv", "bad.csv").success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(
        read(&dir.path().join("good.csv")),
        "id,name,age,city,code\n1,Ann,34,Paris,A1\n4,Cy,40,Nice,D4\n"
    );
    // Row 5 fails two rules: both texts, in ruleset order, as `wort rules fmt` prints them.
    assert_eq!(
        read(&dir.path().join("bad.csv")),
        "id,name,age,city,code,wort_failed_rules\n\
         2,,17,Lyon,B2,\"IsComplete \"\"name\"\"\"\n\
         3,Bob,-5,,C3,\"ColumnValues \"\"age\"\" between 0 and 120\"\n\
         5,Dee,,Paris,E5,\"ColumnValues \"\"age\"\" between 0 and 120; ColumnValues \"\"age\"\" >= 18 where \"\"city = 'Paris'\"\" with threshold > 0.5\"\n\
         6,Eve,15,Lyon,F6,\"CustomSql \"\"select id, name from primary where id <> 6 or name = 'Cy'\"\"\"\n\
         7,Fay,50,Nice,zz,\"(ColumnValues \"\"code\"\" matches \"\"[A-Z][0-9]\"\") OR (ColumnValues \"\"age\"\" > 60)\"\n"
    );
    assert!(
        stderr.contains("quarantine  5 rows failed 5 rules -> bad.csv"),
        "{stderr}"
    );
    assert!(stderr.contains("output  2 rows -> good.csv"), "{stderr}");
    assert!(
        stderr.contains("rules  2 dataset-level rules passed on the output"),
        "{stderr}"
    );
}

#[test]
fn a_failing_dataset_level_rule_publishes_neither_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", "old\n");
    // 4 rows pass the row-level rules: RowCount > 4 fails on them (it would pass on 7).
    let rules = "Rules = [\n    IsComplete \"name\",\n    ColumnValues \"age\" between 0 and 120,\n    RowCount > 4\n]\n";
    let out = run(dir.path(), rules, "good.csv", "bad.parquet").code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("neither good.csv nor bad.parquet is written"),
        "{stderr}"
    );
    assert_eq!(read(&dir.path().join("good.csv")), "old\n");
    assert!(!dir.path().join("bad.parquet").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".wort-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_rule_on_a_missing_column_stops_the_publish() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "Rules = [\n    ColumnValues \"agee\" > 0\n]\n";
    let out = run(dir.path(), rules, "good.csv", "bad.csv").code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("does not include column agee"), "{stderr}");
    assert!(!dir.path().join("good.csv").exists());
    assert!(!dir.path().join("bad.csv").exists());
}

#[test]
fn parquet_quarantine_keeps_types_and_an_empty_quarantine_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "Rules = [\n    ColumnValues \"id\" > 0\n]\n";
    run(dir.path(), rules, "good.csv", "bad.parquet").success();
    assert_eq!(read(&dir.path().join("good.csv")).lines().count(), 8);
    let out = wort()
        .current_dir(dir.path())
        .args(["inspect", "bad.parquet"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("wort_failed_rules"), "{text}");
    assert!(text.contains("0 rows") || text.contains("rows 0"), "{text}");
}

#[test]
fn usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "r.json", EMPTY_RECIPE);
    write(dir.path(), "d.csv", DATA);
    write(dir.path(), "r.dqdl", RULES);
    let err = |args: &[&str]| -> String {
        let out = wort().current_dir(dir.path()).args(args).assert().code(2);
        String::from_utf8_lossy(&out.get_output().stderr).to_string()
    };
    let e = err(&[
        "run",
        "r.json",
        "d.csv",
        "--quarantine",
        "bad.csv",
        "-o",
        "g.csv",
    ]);
    assert!(e.contains("--rules"), "{e}");
    let e = err(&[
        "run",
        "r.json",
        "d.csv",
        "--rules",
        "r.dqdl",
        "--quarantine",
        "g.csv",
        "-o",
        "g.csv",
    ]);
    assert!(e.contains("are the same file"), "{e}");
    let e = err(&[
        "run",
        "r.json",
        "d.csv",
        "--rules",
        "r.dqdl",
        "--quarantine",
        "d.csv",
        "-o",
        "g.csv",
    ]);
    assert!(e.contains("--quarantine d.csv is the input d.csv"), "{e}");
    let e = err(&[
        "run",
        "r.json",
        "d.csv",
        "--rules",
        "r.dqdl",
        "--quarantine",
        "bad.txt",
        "-o",
        "g.csv",
    ]);
    assert!(
        e.contains("cannot tell the output format of bad.txt"),
        "{e}"
    );
    for f in ["g.csv", "bad.csv", "bad.txt"] {
        assert!(!dir.path().join(f).exists(), "{f} was written");
    }
    assert_eq!(read(&dir.path().join("d.csv")), DATA);
}

#[test]
fn flights_split_as_duckdb_splits_them() {
    let test = "flights_split_as_duckdb_splits_them";
    let Some(flights) = crate::nycflights(test, "flights") else {
        return;
    };
    let Some(py) = crate::duckdb_python(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "r.json", EMPTY_RECIPE);
    write(
        dir.path(),
        "f.dqdl",
        r#"Rules = [
    ColumnValues "dep_delay" <= 120,
    IsComplete "arr_time",
    ColumnValues "carrier" in ["UA","AA","B6","DL","EV","MQ","US","WN"] where "origin <> 'LGA'",
    RowCount > 1000,
    Mean "distance" > 500
]
"#,
    );
    wort()
        .current_dir(dir.path())
        .arg("run")
        .arg("r.json")
        .arg(&flights)
        .args([
            "--rules",
            "f.dqdl",
            "--quarantine",
            "bad.csv",
            "-o",
            "good.parquet",
        ])
        .assert()
        .success();
    let script = r#"
import sys, duckdb
flights, bad, good = sys.argv[1:4]
con = duckdb.connect()
con.execute(f"create view f as select * from read_csv('{flights}', nullstr='NA', header=true)")
key = "year, month, day, carrier, flight, origin, sched_dep_time, dep_time"
fails = """not (coalesce(dep_delay <= 120, false)
            and arr_time is not null
            and (coalesce(origin <> 'LGA', false) = false
                 or coalesce(carrier in ('UA','AA','B6','DL','EV','MQ','US','WN'), false)))"""
expected_bad = con.execute(f"select count(*) from f where {fails}").fetchone()[0]
expected_good = con.execute(f"select count(*) from f where not ({fails})").fetchone()[0]
got_bad = con.execute(f"select count(*) from read_csv('{bad}', header=true)").fetchone()[0]
got_good = con.execute(f"select count(*) from '{good}'").fetchone()[0]
# Every quarantined key is one duckdb quarantines, as many times (EXCEPT ALL both ways).
diff1 = con.execute(f"select count(*) from (select {key} from f where {fails} except all select {key} from read_csv('{bad}', header=true))").fetchone()[0]
diff2 = con.execute(f"select count(*) from (select {key} from read_csv('{bad}', header=true) except all select {key} from f where {fails})").fetchone()[0]
print(expected_bad, got_bad, expected_good, got_good, diff1, diff2)
"#;
    let out = crate::run_python(
        &py,
        script,
        &[
            flights.as_os_str(),
            dir.path().join("bad.csv").as_os_str(),
            dir.path().join("good.parquet").as_os_str(),
        ],
    );
    let n: Vec<u64> = out
        .split_whitespace()
        .map(|x| x.parse().expect("a count"))
        .collect();
    assert_eq!(
        n[0], n[1],
        "quarantined rows: duckdb {} wort {}",
        n[0], n[1]
    );
    assert_eq!(n[2], n[3], "output rows: duckdb {} wort {}", n[2], n[3]);
    assert!(n[0] > 10_000 && n[2] > 250_000, "{out}");
    assert_eq!((n[4], n[5]), (0, 0), "keys differ: {out}");
}
