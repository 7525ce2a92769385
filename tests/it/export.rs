//! `wort export` / `wort import`: PySpark jobs, Spark SQL, DataBrew JSON; and parity
//! with `wort run` on real Spark (one Spark session runs every case: tests/spark/harness.py).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::wort;
use polars::prelude::*;
use predicates::str::contains;

use super::root;
use wort::export::databrew;
use wort::recipe::Recipe;
use wort::transform::Op;

/// Messy data every step case runs on: NA / N/A tokens, empty cells, a quoted line
/// break, an exact duplicate row, outliers, text with odd spacing and case, numbers and
/// dates as text with junk.
pub(crate) const MESSY: &str = "\
id,name,city,amount,qty,joined,seen_at,active,code,raw_date,raw_num,raw_iso,tags,email,note
1,  alice  smith ,new york,12.5,3,2023-01-05,2023-01-05 10:00:00,true,A-001,05/01/2023,12,2023-01-05,a|b|c,alice@example.com,\"Call first; gate\"
2,BOB JONES,NA,NA,5,2023-02-10,2023-02-10 11:30:00,false,B-002,2023-02-10,12.0,2023-02-10,x|y,bob@test.org,
3,carol o'neil,boston,7.25,,N/A,2023-03-15 09:15:00,true,C-003,15/03/2023,x,unknown,solo,carol@mail.net,vip
4,dave,boston,1000.0,4,2023-04-01,2023-04-01 00:00:00,false,D-004,01/04/2023, 7 ,2023-04-01,p|q|r|s,dave@example.com,\"He said \"\"hi\"\"\"
5,Eve-Marie,chicago,15,2,2023-05-20,2023-05-20 23:59:59,true,E-005,NA,1e3,2023-05-20,,eve@example.com,
6,  alice  smith ,new york,12.5,3,2023-01-05,2023-01-05 10:00:00,true,A-001,05/01/2023,12,2023-01-05,a|b|c,alice@example.com,\"Call first; gate\"
7,frank,chicago,-3.5,100,2023-06-30,2023-06-30 12:00:00,false,F-007,30/06/2023,3.5,2023-06-30,m|n,frank@x.io,
8,grace,,22.75,6,2023-07-04,2023-07-04 08:00:00,true,G-008,04/07/2023,-2,2023-07-04,a,grace@example.com,\"multi
line note\"
9,NA,boston,9.99,7,2023-08-15,2023-08-15 15:45:30,true,H-009,15/08/2023,abc,2023-08-15,b|c,heidi@example.com,
10,ivan,new york,0,1,2023-09-09,2023-09-09 09:09:09,false,I-010,2023-09-09,0,2023-09-09,c,ivan@example.com,ok
11,judy,chicago,11.5,5,2023-10-10,2023-10-10 10:10:10,true,J-011,10/10/2023,+5,2023-10-10,d|e,judy@example.com,
12,KARL,new york,13,4,2023-11-11,2023-11-11 11:11:11,NA,K-012,11/11/2023,12.5,2023-11-11,e,karl@example.com,
13,liz,boston,8.5,6,2023-12-12,2023-12-12 12:12:12,false,L-013,12/12/2023,inf,2023-12-12,f|g,liz@example.com,
14,mike,chicago,14.25,5,2024-01-01,2024-01-01 00:00:01,true,M-014,01/01/2024,99,2024-01-01,g,mike@example.com,late
15,nina,,10,3,2024-02-29,2024-02-29 14:00:00,true,N-015,29/02/2024,7,2024-02-29,h|i,nina@example.com,
16,oscar,new york,12.5,4,2024-03-03,2024-03-03 03:03:03,false,O-016,03/03/2024,8,2024-03-03,,oscar@example.com,
17,peggy,boston,9.5,5,2024-04-04,2024-04-04 04:04:04,true,P-017,04/04/2024,9,NA,j,peggy@example.com,
18,quinn,chicago,16,4,2024-05-05,2024-05-05 05:05:05,false,Q-018,05/05/2024,10,2024-05-05,k|l,quinn@example.com,
19,rita,new york,,6,2024-06-06,2024-06-06 06:06:06,true,R-019,06/06/2024,11,2024-06-06,m,rita@example.com,
20,sam,boston,12.5,5,2024-07-07,2024-07-07 07:07:07,false,S-020,07/07/2024,-,2024-07-07,n|o,sam@example.com,
";

/// The cases over MESSY: those below and each step family's (tests/it/families).
fn all_cases() -> Vec<(&'static str, &'static str)> {
    [CASES, &super::families::cases()].concat()
}

/// Recipes over MESSY, named: every op at least once, and `where` on every kind of step
/// that takes one.
const CASES: &[(&str, &str)] = &[
    (
        "rename",
        r##"[{"op": "rename", "column": "city", "to": "town"}]"##,
    ),
    ("drop", r##"[{"op": "drop", "columns": ["note", "tags"]}]"##),
    (
        "select",
        r##"[{"op": "select", "columns": ["email", "id", "amount"]}]"##,
    ),
    (
        "duplicate",
        r##"[{"op": "duplicate", "column": "amount", "to": "amount_copy"}]"##,
    ),
    (
        "move",
        r##"[{"op": "move", "column": "amount", "to_index": 0}, {"op": "move", "column": "id", "to_index": 14}]"##,
    ),
    (
        "cast_text_to_numbers",
        r##"[{"op": "duplicate", "column": "raw_num", "to": "as_int"}, {"op": "cast", "column": "as_int", "to": "int"},
        {"op": "duplicate", "column": "raw_num", "to": "as_float"}, {"op": "cast", "column": "as_float", "to": "float"},
        {"op": "duplicate", "column": "raw_num", "to": "as_bool"}, {"op": "cast", "column": "as_bool", "to": "bool"}]"##,
    ),
    (
        "cast_numbers",
        r##"[{"op": "cast", "column": "amount", "to": "int"}, {"op": "cast", "column": "qty", "to": "float"},
        {"op": "cast", "column": "active", "to": "int"}, {"op": "cast", "column": "id", "to": "bool"}]"##,
    ),
    (
        "cast_to_text",
        r##"[{"op": "duplicate", "column": "amount", "to": "amount_text"}, {"op": "cast", "column": "amount_text", "to": "string"},
        {"op": "cast", "column": "seen_at", "to": "string"}, {"op": "cast", "column": "joined", "to": "string", "format": "%d/%m/%Y"},
        {"op": "cast", "column": "active", "to": "string"}, {"op": "cast", "column": "qty", "to": "string"}]"##,
    ),
    (
        "cast_dates",
        r##"[{"op": "cast", "column": "raw_date", "to": "date", "format": "%d/%m/%Y"}, {"op": "cast", "column": "raw_iso", "to": "date"},
        {"op": "cast", "column": "seen_at", "to": "date"}, {"op": "cast", "column": "joined", "to": "datetime"},
        {"op": "duplicate", "column": "raw_iso", "to": "iso_dt"}, {"op": "cast", "column": "iso_dt", "to": "datetime"}]"##,
    ),
    (
        "cast_where",
        r##"[{"op": "cast", "column": "raw_num", "to": "int", "where": "id > 5"}]"##,
    ),
    (
        "sort",
        r##"[{"op": "sort", "by": ["city", "amount"], "descending": [false, true]}]"##,
    ),
    (
        "sort_stable",
        r##"[{"op": "sort", "by": "active"}, {"op": "fill_missing", "column": "amount", "strategy": "previous"}]"##,
    ),
    (
        "filter_keep",
        r##"[{"op": "filter", "keep": "amount > 10"}]"##,
    ),
    (
        "filter_remove",
        r##"[{"op": "filter", "remove": "city = 'boston' OR name IS NULL"}]"##,
    ),
    (
        "filter_where",
        r##"[{"op": "filter", "remove": "amount < 12", "where": "active"}]"##,
    ),
    ("dedupe_rows", r##"[{"op": "dedupe"}]"##),
    (
        "dedupe_columns",
        r##"[{"op": "dedupe", "columns": ["city", "active"]}]"##,
    ),
    (
        "dedupe_where",
        r##"[{"op": "dedupe", "columns": "city", "where": "qty > 3"}]"##,
    ),
    (
        "fill_value",
        r##"[{"op": "fill_missing", "column": "amount", "strategy": "value", "value": 0},
        {"op": "fill_missing", "column": "city", "strategy": "value", "value": "unknown"},
        {"op": "fill_missing", "column": "joined", "strategy": "value", "value": "2000-01-01"},
        {"op": "fill_missing", "column": "active", "strategy": "value", "value": false}]"##,
    ),
    (
        "fill_stats",
        r##"[{"op": "fill_missing", "column": "amount", "strategy": "mean"},
        {"op": "fill_missing", "column": "qty", "strategy": "median"},
        {"op": "fill_missing", "column": "city", "strategy": "mode"}]"##,
    ),
    (
        "fill_mean_int",
        r##"[{"op": "fill_missing", "column": "qty", "strategy": "mean"}, {"op": "fill_missing", "column": "amount", "strategy": "median"}]"##,
    ),
    (
        "fill_neighbours",
        r##"[{"op": "fill_missing", "column": "city", "strategy": "previous"},
        {"op": "fill_missing", "column": "amount", "strategy": "next"},
        {"op": "fill_missing", "column": "name", "strategy": "empty"}]"##,
    ),
    (
        "fill_where",
        r##"[{"op": "fill_missing", "column": "amount", "strategy": "value", "value": -1, "where": "city = 'new york'"},
        {"op": "fill_missing", "column": "city", "strategy": "mode", "where": "active"}]"##,
    ),
    (
        "drop_missing",
        r##"[{"op": "drop_missing", "columns": ["city", "amount"]}]"##,
    ),
    (
        "drop_missing_any",
        r##"[{"op": "drop", "columns": ["note", "tags", "raw_date", "raw_iso"]}, {"op": "drop_missing"}]"##,
    ),
    (
        "drop_missing_where",
        r##"[{"op": "drop_missing", "columns": "city", "where": "amount > 15"}]"##,
    ),
    (
        "flag_missing",
        r##"[{"op": "flag_missing", "column": "city", "to": "no_city"}, {"op": "flag_missing", "column": "amount", "to": "no_amount", "where": "id < 10"}]"##,
    ),
    (
        "case",
        r##"[{"op": "duplicate", "column": "name", "to": "u"}, {"op": "upper", "column": "u"},
        {"op": "duplicate", "column": "name", "to": "l"}, {"op": "lower", "column": "l"},
        {"op": "duplicate", "column": "name", "to": "t"}, {"op": "title", "column": "t"},
        {"op": "duplicate", "column": "note", "to": "s"}, {"op": "sentence", "column": "s"}]"##,
    ),
    (
        "case_where",
        r##"[{"op": "upper", "column": "name", "where": "amount > 10"}, {"op": "title", "column": "city", "where": "NOT active"}]"##,
    ),
    (
        "trim",
        r##"[{"op": "trim", "column": "name"}, {"op": "trim", "column": "raw_num"}, {"op": "trim", "column": "note", "collapse": true}]"##,
    ),
    (
        "replace",
        r##"[{"op": "replace", "column": "code", "pattern": "-", "with": "."},
        {"op": "replace", "column": "email", "pattern": "^(\\w+)@(\\w+)\\.(\\w+)$", "with": "$2 at $1 ($$)", "regex": true},
        {"op": "replace", "column": "note", "pattern": "\\s+", "with": " ", "regex": true},
        {"op": "replace", "column": "name", "pattern": "$", "with": "\\"}]"##,
    ),
    (
        "replace_where",
        r##"[{"op": "replace", "column": "city", "pattern": "[aeiou]", "with": "_", "regex": true, "where": "qty >= 5"},
        {"op": "replace", "column": "email", "pattern": "(?P<user>\\w+)@", "with": "${user} at ", "regex": true},
        {"op": "replace", "column": "code", "pattern": "[[:alpha:]]+", "with": "<$0>", "regex": true},
        {"op": "replace", "column": "name", "pattern": "(?i)^([a-z])", "with": "[$1]", "regex": true, "where": "id > 10"}]"##,
    ),
    (
        "extract",
        r##"[{"op": "extract", "column": "email", "pattern": "@(\\w+)\\.", "to": "domain"},
        {"op": "extract", "column": "code", "pattern": "^([A-Z])-", "to": "letter", "where": "active"}]"##,
    ),
    (
        "split",
        r##"[{"op": "split", "column": "tags", "delimiter": "|", "into": ["t1", "t2", "t3"]}]"##,
    ),
    (
        "split_where",
        r##"[{"op": "split", "column": "code", "delimiter": "-", "into": ["code", "num"], "where": "id <= 10"}]"##,
    ),
    (
        "merge",
        r##"[{"op": "merge", "columns": ["name", "city", "qty", "active", "joined"], "separator": " / ", "to": "label"}]"##,
    ),
    (
        "merge_floats",
        r##"[{"op": "merge", "columns": ["code", "amount"], "separator": ":", "to": "label", "where": "id <> 3"}]"##,
    ),
    (
        "prefix_suffix",
        r##"[{"op": "add_prefix", "column": "code", "text": "#"}, {"op": "add_suffix", "column": "city", "text": " (US)", "where": "qty > 4"}]"##,
    ),
    (
        "derive",
        r##"[{"op": "derive", "column": "total", "expr": "amount * qty"},
        {"op": "derive", "column": "size", "expr": "CASE WHEN amount > 10 THEN 'big' ELSE 'small' END"},
        {"op": "derive", "column": "ratio", "expr": "ROUND(amount / qty, 3)"},
        {"op": "derive", "column": "amount", "expr": "amount + 1", "where": "city = 'chicago'"}]"##,
    ),
    (
        "parse_date",
        r##"[{"op": "parse_date", "column": "raw_date", "format": ["%d/%m/%Y", "%Y-%m-%d"]}, {"op": "parse_date", "column": "raw_iso"}]"##,
    ),
    (
        "parse_datetime",
        r##"[{"op": "cast", "column": "seen_at", "to": "string"}, {"op": "parse_date", "column": "seen_at", "format": "%Y-%m-%d %H:%M:%S%.f", "where": "active"}]"##,
    ),
    (
        "format_date",
        r##"[{"op": "format_date", "column": "joined", "format": "%d %B %Y"}, {"op": "format_date", "column": "seen_at", "format": "%Y-%m-%dT%H:%M", "where": "active"}]"##,
    ),
    (
        "date_part",
        r##"[{"op": "date_part", "column": "joined", "part": "year", "to": "y"},
        {"op": "date_part", "column": "joined", "part": "quarter", "to": "q"},
        {"op": "date_part", "column": "joined", "part": "month", "to": "m"},
        {"op": "date_part", "column": "joined", "part": "week", "to": "w"},
        {"op": "date_part", "column": "joined", "part": "day", "to": "d"},
        {"op": "date_part", "column": "seen_at", "part": "weekday", "to": "wd"},
        {"op": "date_part", "column": "seen_at", "part": "hour", "to": "h", "where": "active"}]"##,
    ),
    (
        "outliers_flag",
        r##"[{"op": "outliers", "column": "amount", "method": "zscore", "action": "flag", "to": "z"},
        {"op": "outliers", "column": "amount", "method": "modified_zscore", "action": "flag", "to": "mz"},
        {"op": "outliers", "column": "qty", "method": "iqr", "action": "flag", "to": "iq"},
        {"op": "outliers", "column": "qty", "method": "iqr", "threshold": 0.5, "action": "flag", "to": "iq_where", "where": "active"}]"##,
    ),
    (
        "outliers_remove",
        r##"[{"op": "outliers", "column": "amount", "method": "iqr", "action": "remove"}]"##,
    ),
    (
        "outliers_clip_null",
        r##"[{"op": "outliers", "column": "qty", "method": "iqr", "threshold": 1, "action": "clip"},
        {"op": "outliers", "column": "amount", "method": "zscore", "threshold": 1.5, "action": "clip"},
        {"op": "outliers", "column": "amount", "method": "modified_zscore", "action": "null", "where": "city <> 'boston'"}]"##,
    ),
    (
        "hash",
        r##"[{"op": "hash", "column": "email", "salt": "pepper"}, {"op": "hash", "column": "amount"},
        {"op": "hash", "column": "id", "where": "active"}]"##,
    ),
    (
        "mask",
        r##"[{"op": "mask", "column": "email", "keep_first": 1, "keep_last": 4, "char": "#"},
        {"op": "mask", "column": "code", "keep_last": 3}, {"op": "mask", "column": "name", "keep_first": 2, "where": "id > 10"},
        {"op": "mask", "column": "city", "char": "$"}]"##,
    ),
    (
        "disabled_and_comment",
        r##"[{"op": "upper", "column": "city", "comment": "shout\nloudly"}, {"op": "drop", "columns": "note", "disabled": true}]"##,
    ),
];

/// Write MESSY into `dir`.
fn messy(dir: &Path) -> PathBuf {
    super::write(dir, "messy.csv", MESSY)
}

/// `dir/r.json`: a recipe of `steps`.
fn write_recipe(dir: &Path, steps: &str) -> PathBuf {
    super::write(dir, "r.json", recipe_text(steps))
}

/// A temporary directory with MESSY and a recipe of `steps` in it: (dir, data, recipe).
fn messy_and_recipe(steps: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let data = messy(dir.path());
    let r = write_recipe(dir.path(), steps);
    (dir, data, r)
}

/// `wort export RECIPE --to TO`, for more flags.
fn export(recipe: &Path, to: &str) -> assert_cmd::Command {
    let mut c = wort();
    c.arg("export").arg(recipe).args(["--to", to]);
    c
}

/// `wort run RECIPE INPUTS -o OUT -q`, for more flags.
fn run(recipe: &Path, inputs: &[impl AsRef<std::ffi::OsStr>], out: &Path) -> assert_cmd::Command {
    let mut c = wort();
    c.arg("run")
        .arg(recipe)
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("-q");
    c
}

/// `csv` opened as wort opens a file, with the whole file as the sample; `f` sees the
/// source while its file exists.
fn read_full<T>(csv: &str, f: impl FnOnce(&wort::source::Source) -> T) -> T {
    let dir = tempfile::tempdir().expect("tmp");
    let p = super::write(dir.path(), "d.csv", csv);
    let src = wort::source::open(
        &[p.display().to_string()],
        &wort::source::ReadOptions {
            sample: Some(wort::source::Sample::Full),
            ..Default::default()
        },
    )
    .expect("opens");
    f(&src)
}

/// `csv` read in full, as wort reads it.
fn frame(csv: &str) -> DataFrame {
    read_full(csv, |src| {
        src.lazy().expect("lazy").collect().expect("collects")
    })
}

pub(crate) fn recipe_text(steps: &str) -> String {
    format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}")
}

fn recipe(steps: &str) -> Recipe {
    Recipe::parse(&recipe_text(steps), "test").expect("recipe parses")
}

fn messy_schema() -> Schema {
    read_full(MESSY, |src| src.schema().expect("schema"))
}

// ---------------------------------------------------------------------------------------
// Every op translates

#[test]
fn every_op_has_a_case_and_a_pyspark_translation() {
    let mut covered = BTreeSet::new();
    let read = wort::export::read::ReadSpec::from_options(&Default::default());
    let dir = tempfile::tempdir().expect("tmp");
    let extra = super::families::extra(dir.path());
    let recipes = all_cases()
        .into_iter()
        .map(|(name, steps)| (name.to_string(), recipe(steps)))
        .chain(extra.iter().map(|c| {
            let r = Recipe::parse(&c.recipe, &c.name).expect("case recipe parses");
            (c.name.clone(), r)
        }));
    for (name, r) in recipes {
        let name = name.as_str();
        for s in &r.steps {
            covered.insert(s.op.name());
        }
        let job = wort::export::pyspark::job(
            &r,
            &wort::export::pyspark::JobInfo {
                recipe_path: name,
                read: &read,
                tables: &[],
            },
        );
        assert!(
            job.is_ok(),
            "case {name}: {}",
            job.err().map(|e| e.to_string()).unwrap_or_default()
        );
    }
    let missing: Vec<&&str> = Op::NAMES
        .iter()
        .filter(|n| !covered.contains(**n))
        .collect();
    assert!(
        missing.is_empty(),
        "ops without a parity case in tests/it/export.rs CASES or tests/it/families (add one): {missing:?}"
    );
}

#[test]
fn pyspark_job_has_a_block_per_step_and_reads_like_wort() {
    let (_dir, data, r) = messy_and_recipe(
        r#"[{"op": "upper", "column": "city", "where": "\"amount\" > 10", "comment": "shout"},
            {"op": "fill_missing", "column": "qty", "strategy": "median"}]"#,
    );
    let out = export(&r, "pyspark")
        .arg("--input")
        .arg(&data)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let job = String::from_utf8(out).expect("utf8");
    for want in [
        "# Step 1: upper-case city where \"amount\" > 10",
        "#   shout",
        "cond = where(\"`amount` > 10\")",
        "df = with_values(df, \"city\", F.upper(col(\"city\")), cond)",
        "# Step 2: fill missing qty with the median",
        "df = fill_missing(df, \"qty\", \"median\")",
        "\"delimiter\": \",\"",
        "\"multiline\": True",
        "\"null_values\": [\"NA\", \"N/A\"",
        "(\"joined\", \"string\", \"date yyyy-M-d\")",
        "(\"seen_at\", \"string\", \"datetime yyyy-M-d H:m:s\")",
        "(\"qty\", \"string\", \"int\")",
        "getResolvedOptions",
        "def run(spark, inputs, output, output_format=\"parquet\", keep_order=True):",
        "if __name__ == \"__main__\":",
    ] {
        assert!(job.contains(want), "job lacks {want:?}:\n{job}");
    }
}

/// A sample with a second table: `wort run` stops before it, a Spark job could not, so
/// the export refuses and says how to cut the file. A `, ` file tells the job to drop
/// the spaces, and the header's cells go to the job for dropping repeated headers.
#[test]
fn export_refuses_a_second_table_and_carries_the_reading_repairs() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write_recipe(dir.path(), r#"[{"op": "trim", "column": "b"}]"#);
    let two = dir.path().join("two.csv");
    let mut text = String::from("a,b,c\n");
    for i in 0..30 {
        text.push_str(&format!("{i},x{i},{}\n", i * 2));
    }
    text.push_str("\nkey,value\nk1,v1\nk2,v2\n");
    std::fs::write(&two, text).expect("write");
    let o = export(&r, "pyspark")
        .arg("-o")
        .arg(dir.path().join("job.py"))
        .arg("--input")
        .arg(&two)
        .output()
        .expect("export");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("two.csv line 33 starts a second table, which `wort run` leaves out")
            && err.contains("Cut the file before that line (head -n 32), or pass --skip-lines 32"),
        "{err}"
    );
    assert!(!dir.path().join("job.py").exists());

    let spaced = dir.path().join("spaced.csv");
    let mut text = String::from(" a, b, c\n");
    for i in 0..10 {
        text.push_str(&format!("{i}, x, \"y, z\"\n"));
    }
    std::fs::write(&spaced, text).expect("write");
    let out = dir.path().join("job.py");
    export(&r, "pyspark")
        .arg("-o")
        .arg(&out)
        .arg("--input")
        .arg(&spaced)
        .assert()
        .success();
    let job = std::fs::read_to_string(&out).expect("job");
    for want in [
        "\"spaced\": True,",
        "\"header_cells\": [\"a\", \"b\", \"c\"],",
        "mode = \"DROPMALFORMED\"",
    ] {
        assert!(job.contains(want), "{want} not in the job:\n{job}");
    }

    // A stray quote: the job is written, with a warning on stderr and in its header.
    let stray = dir.path().join("stray.csv");
    let mut text = String::from("id,url,amount\n");
    for i in 1..=30 {
        if i == 5 {
            text.push_str("5,\"\"https://x/5\",50\n");
        } else {
            text.push_str(&format!("{i},\"https://x/{i}\",{}\n", i * 10));
        }
    }
    std::fs::write(&stray, text).expect("write");
    let r = write_recipe(dir.path(), r#"[{"op": "upper", "column": "url"}]"#);
    let o = export(&r, "pyspark")
        .arg("-o")
        .arg(&out)
        .arg("--input")
        .arg(&stray)
        .output()
        .expect("export");
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "stray.csv line 6 has a quoted field with text after its closing quote (a stray quote)"
        ) && err.contains("such rows differ between the two"),
        "{err}"
    );
    let job = std::fs::read_to_string(&out).expect("job");
    assert!(
        job.contains("  warning: ") && job.contains("stray.csv line 6 has a quoted field"),
        "{job}"
    );
}

#[test]
fn export_pyspark_without_sample_reads_text_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write_recipe(dir.path(), r#"[{"op": "trim", "column": "a"}]"#);
    let out = dir.path().join("job.py");
    export(&r, "pyspark")
        .arg("-o")
        .arg(&out)
        .args(["--delimiter", ";", "--null-values", "NA,-"])
        .assert()
        .success()
        .stdout("");
    let job = std::fs::read_to_string(&out).expect("job");
    for want in [
        "COLUMNS = None",
        "\"delimiter\": \";\"",
        "\"null_values\": [\"NA\", \"-\"]",
        "No sample was given",
    ] {
        assert!(job.contains(want), "job lacks {want:?}:\n{job}");
    }
}

// ---------------------------------------------------------------------------------------
// SQL

#[test]
fn sql_export_is_one_query_with_a_cte_per_step() {
    let (_dir, data, r) = messy_and_recipe(
        r#"[{"op": "filter", "remove": "city IS NULL"}, {"op": "rename", "column": "qty", "to": "quantity"},
            {"op": "fill_missing", "column": "amount", "strategy": "median"},
            {"op": "sort", "by": "amount", "descending": true}]"#,
    );
    export(&r, "sql")
        .arg("--input")
        .arg(&data)
        .args(["--table", "orders"])
        .assert()
        .success()
        .stdout(contains("WITH\n"))
        .stdout(contains(
            "step_1 AS (SELECT * FROM `orders` WHERE NOT (COALESCE((city IS NULL), FALSE)))",
        ))
        .stdout(contains("`qty` AS `quantity`"))
        .stdout(contains("percentile(`amount`, 0.5)"))
        .stdout(contains(
            "SELECT * FROM step_3\nORDER BY `amount` DESC NULLS LAST",
        ));
}

#[test]
fn sql_export_lists_the_steps_without_a_sql_form() {
    let (_dir, data, r) = messy_and_recipe(
        r#"[{"op": "title", "column": "name"}, {"op": "sort", "by": "id"},
            {"op": "fill_missing", "column": "city", "strategy": "previous"}, {"op": "trim", "column": "name"}]"#,
    );
    export(&r, "sql")
        .arg("--input")
        .arg(&data)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("3 step(s) have no SQL form"))
        .stderr(contains("step 1 (title)"))
        .stderr(contains("step 2 (sort)"))
        .stderr(contains("step 3 (fill_missing)"));
    // Without a sample there are no columns to list.
    export(&r, "sql")
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("--to sql needs the input's columns"));
}

// ---------------------------------------------------------------------------------------
// DataBrew

/// Apply `r` to the messy data.
/// Step `i` of a case on its own (`one`), with the steps before it and the schema it sees.
struct StepAlone {
    i: usize,
    step: wort::recipe::Step,
    before: Recipe,
    one: Recipe,
    schema: Schema,
}

/// Each step of the recipe `steps` over `schema`, on its own.
fn steps_alone(steps: &str, schema: &Schema) -> Vec<StepAlone> {
    let original = recipe(steps);
    (0..original.steps.len())
        .map(|i| {
            let before = Recipe {
                steps: original.steps[..i].to_vec(),
                ..Recipe::default()
            };
            let step = original.steps[i].clone();
            StepAlone {
                i,
                schema: wort::recipe::validate(&before, schema).expect("case validates"),
                one: Recipe {
                    steps: vec![step.clone()],
                    ..Recipe::default()
                },
                step,
                before,
            }
        })
        .collect()
}

fn run_on_messy(r: &Recipe, df: &DataFrame) -> DataFrame {
    wort::recipe::apply(r, df.clone().lazy())
        .expect("plans")
        .collect()
        .expect("runs")
}

fn messy_frame() -> DataFrame {
    frame(MESSY)
}

#[test]
fn databrew_round_trip_of_every_mapped_step() {
    let schema = messy_schema();
    let df = messy_frame();
    let mut mapped = BTreeSet::new();
    let mut unmapped = BTreeSet::new();
    // Forms of steps that map but that the parity cases write differently.
    const EXTRA: &[(&str, &str)] = &[
        (
            "suffix",
            r##"[{"op": "add_suffix", "column": "code", "text": "!"}]"##,
        ),
        (
            "extract_whole",
            r##"[{"op": "extract", "column": "code", "pattern": "^([A-Z])", "to": "letter"}]"##,
        ),
        (
            "keep_conjunction",
            r##"[{"op": "filter", "keep": "amount >= 10 AND city IN ('boston', 'chicago')"}]"##,
        ),
        (
            "remove_like",
            r##"[{"op": "filter", "remove": "email LIKE '%example.com' AND active = false", "where": "qty > 2"}]"##,
        ),
        (
            "fill_custom_where",
            r##"[{"op": "fill_missing", "column": "city", "strategy": "value", "value": "?", "where": "amount < 10"}]"##,
        ),
        (
            "derive_replace",
            r##"[{"op": "derive", "column": "qty", "expr": "qty * 2"}]"##,
        ),
        (
            "format_date_layout",
            r##"[{"op": "format_date", "column": "joined", "format": "%m/%d/%Y"}]"##,
        ),
        ("trim_only", r##"[{"op": "trim", "column": "name"}]"##),
        (
            "select_all",
            r##"[{"op": "select", "columns": ["id", "name"]}]"##,
        ),
    ];
    for (name, steps) in all_cases().into_iter().chain(EXTRA.iter().copied()) {
        for StepAlone {
            i,
            step,
            before,
            one,
            schema: step_schema,
        } in steps_alone(steps, &schema)
        {
            let (json, left_out) = match databrew::export(&one, Some(&step_schema), false) {
                Ok(x) => x,
                Err(_) => {
                    unmapped.insert(step.op.name());
                    continue;
                }
            };
            assert!(left_out.is_empty());
            mapped.insert(step.op.name());
            let steps = databrew::parse_steps(&json).expect("own export parses");
            let back = databrew::import(&steps, Some(&step_schema));
            assert!(
                back.unmapped.is_empty(),
                "case {name} step {}: {json} does not import back: {:?}",
                i + 1,
                back.unmapped
            );
            // Same result on the data.
            let input = run_on_messy(&before, &df);
            let want = run_on_messy(&one, &input);
            let got = run_on_messy(&back.recipe, &input);
            assert!(
                want.equals_missing(&got),
                "case {name} step {} ({}) round trip differs:\nDataBrew {json}\nback {:?}\nwant {want}\ngot {got}",
                i + 1,
                step.op.name(),
                back.recipe.steps
            );
            // Where the import is one step, it is the same step.
            if back.recipe.steps.len() == 1 && step.condition.is_none() {
                let b = &back.recipe.steps[0];
                if b.op.name() == step.op.name()
                    && !matches!(
                        step.op.name(),
                        "cast"
                            | "parse_date"
                            | "filter"
                            | "replace"
                            | "derive"
                            | "drop"
                            | "extract"
                            | "sort"
                    )
                {
                    assert_eq!(b.op, step.op, "case {name} step {}", i + 1);
                }
            }
        }
    }
    // The ops DataBrew cannot express at all.
    let never: Vec<&str> = unmapped.difference(&mapped).copied().collect();
    assert_eq!(
        never,
        [
            "clamp",
            "collapse_whitespace",
            "contains",
            "convert_timezone",
            "count_matches",
            "date_trunc",
            "explode",
            "extract_all",
            "find",
            "from_unix_time",
            "head",
            "matches",
            "normalize_unicode",
            "pad",
            "parse_number",
            "remove_control",
            "remove_digits",
            "remove_letters",
            "remove_non_ascii",
            "remove_punctuation",
            "remove_quotes",
            "reverse",
            "sample",
            "split",
            "split_part",
            "sql",
            "strip_accents",
            "tail",
            "truncate_number",
            "window"
        ],
        "ops with no DataBrew mapping in any case"
    );
    assert!(mapped.len() >= 28, "mapped ops: {mapped:?}");
}

#[test]
fn databrew_export_lists_unmapped_steps_and_partial_writes_the_rest() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write_recipe(
        dir.path(),
        r#"[{"op": "filter", "remove": "black_rating < 1800"}, {"op": "split", "column": "a", "delimiter": "-", "into": ["b", "c"]},
            {"op": "upper", "column": "a", "where": "x = 1"}, {"op": "hash", "column": "a", "salt": "s"}]"#,
    );
    export(&r, "databrew")
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("3 step(s) have no DataBrew form"))
        .stderr(contains("step 2 (split)"))
        .stderr(contains("step 3 (upper)"))
        .stderr(contains("step 4 (hash)"));
    let out = dir.path().join("brew.json");
    export(&r, "databrew")
        .arg("--partial")
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("were left out"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["Action"]["Operation"], "REMOVE_VALUES");
    assert_eq!(v[0]["ConditionExpressions"][0]["Condition"], "LESS_THAN");
    assert_eq!(v[0]["ConditionExpressions"][0]["Value"], "1800");
}

/// The example recipes of the DataBrew reference (§5), in file form (5.2 converted from
/// YAML; 5.3 from the CDK array).
const CHESS: &str = r#"[
 { "Action": { "Operation": "REMOVE_VALUES", "Parameters": { "sourceColumn": "black_rating" } }, "ConditionExpressions": [ { "Condition": "LESS_THAN", "Value": "1800", "TargetColumn": "black_rating" } ] },
 { "Action": { "Operation": "REMOVE_VALUES", "Parameters": { "sourceColumn": "white_rating" } }, "ConditionExpressions": [ { "Condition": "LESS_THAN", "Value": "1800", "TargetColumn": "white_rating" } ] },
 { "Action": { "Operation": "GROUP_BY", "Parameters": { "groupByAggFunctionOptions": "[{\"sourceColumnName\":\"winner\",\"targetColumnName\":\"winner_count\",\"targetColumnDataType\":\"int\",\"functionName\":\"COUNT\"}]", "sourceColumns": "[\"winner\",\"victory_status\"]", "useNewDataFrame": "true" } } },
 { "Action": { "Operation": "REMOVE_VALUES", "Parameters": { "sourceColumn": "winner" } }, "ConditionExpressions": [ { "Condition": "IS", "Value": "[\"draw\"]", "TargetColumn": "winner" } ] },
 { "Action": { "Operation": "REPLACE_TEXT", "Parameters": { "pattern": "mate", "sourceColumn": "victory_status", "value": "checkmate" } } },
 { "Action": { "Operation": "REPLACE_TEXT", "Parameters": { "pattern": "resign", "sourceColumn": "victory_status", "value": "other player resigned" } } },
 { "Action": { "Operation": "REPLACE_TEXT", "Parameters": { "pattern": "outoftime", "sourceColumn": "victory_status", "value": "ran out of time" } } }
]"#;

pub(crate) const TAXI: &str = r#"[
 {"Action": {"Operation": "JOIN", "Parameters": {"joinKeys": "[{\"key\":\"PULocationID\",\"value\":\"LocationID\"}]", "joinType": "LEFT_JOIN", "leftColumns": "[\"VendorID\",\"lpep_pickup_datetime\",\"lpep_dropoff_datetime\",\"PULocationID\",\"DOLocationID\",\"passenger_count\",\"trip_distance\",\"total_amount\"]", "rightColumns": "[\"Zone\"]", "secondInputLocation": "s3://aws-glue-input-apne2-xyz/taxi-lookup/taxi_zone_lookup.csv", "secondaryDatasetName": "ny-taxi-lookup"}}},
 {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "Zone", "targetColumn": "pickup_zone"}}},
 {"Action": {"Operation": "JOIN", "Parameters": {"joinKeys": "[{\"key\":\"DOLocationID\",\"value\":\"LocationID\"}]", "joinType": "LEFT_JOIN", "leftColumns": "[\"VendorID\",\"lpep_pickup_datetime\",\"lpep_dropoff_datetime\",\"PULocationID\",\"DOLocationID\",\"passenger_count\",\"trip_distance\",\"total_amount\"]", "rightColumns": "[\"Zone\"]", "secondInputLocation": "s3://aws-glue-input-apne2-xyz/taxi-lookup/taxi_zone_lookup.csv", "secondaryDatasetName": "ny-taxi-lookup"}}},
 {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "Zone", "targetColumn": "dropoff_zone"}}},
 {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "lpep_pickup_datetime", "targetColumn": "pickup_datetime"}}},
 {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "lpep_dropoff_datetime", "targetColumn": "dropoff_datetime"}}},
 {"Action": {"Operation": "TODAY", "Parameters": {"functionStepType": "TODAY", "targetColumn": "partition_column", "timeZone": "America/New_York"}}}
]"#;

const WEATHER: &str = r#"[
 {"Action":{"Operation":"DATE_FORMAT","Parameters":{"sourceColumn":"timestamp","dateTimeFormat":"yyyy-mm-dd","targetColumn":"measurement_date"}}},
 {"Action":{"Operation":"WEEK_NUMBER","Parameters":{"sourceColumn":"timestamp","targetColumn":"week_number"}}},
 {"Action":{"Operation":"SORT","Parameters":{"expressions":"[{\"sourceColumn\":\"sensor_id\",\"ordering\":\"ASCENDING\",\"nullsOrdering\":\"NULLS_TOP\"},{\"sourceColumn\":\"timestamp\",\"ordering\":\"ASCENDING\",\"nullsOrdering\":\"NULLS_TOP\"}]"}}},
 {"Action":{"Operation":"ROUND","Parameters":{"sourceColumn":"humidity","targetColumn":"humidity_round"}}},
 {"Action":{"Operation":"CASE_OPERATION","Parameters":{"valueExpression":"CASE WHEN pressure IS NULL THEN 'N/A' WHEN pressure > 1020 THEN 'HIGH' WHEN pressure < 1000 THEN 'LOW' ELSE 'NORMAL' END","targetColumn":"pressure_label"}}},
 {"Action":{"Operation":"DELETE","Parameters":{"sourceColumn":"humidity"}}},
 {"Action":{"Operation":"RENAME","Parameters":{"sourceColumn":"humidity_round","targetColumn":"humidity"}}}
]"#;

const DEFAULT_NAMES: &str = r#"[
 {"Action":{"Operation":"FILL_WITH_CUSTOM","Parameters":{"columnDataType":"string","sourceColumn":"Firstname","value":"FNU"}},"ConditionExpressions":[{"Condition":"IS_INVALID","Value":"string","TargetColumn":"Firstname"}]},
 {"Action":{"Operation":"FILL_WITH_CUSTOM","Parameters":{"columnDataType":"string","sourceColumn":"Lastname","value":"LNU"}},"ConditionExpressions":[{"Condition":"IS_INVALID","Value":"string","TargetColumn":"Lastname"}]},
 {"Action":{"Operation":"FILL_WITH_CUSTOM","Parameters":{"columnDataType":"int","sourceColumn":"ScoreValue","value":"0"}}}
]"#;

const ANNOTATIONS: &str = r#"[
 {"Action":{"Operation":"DELETE_DUPLICATE_ROWS","Parameters":{}}},
 {"Action":{"Operation":"EXTRACT_VALUE","Parameters":{"path":"`user`.`id`","sourceColumn":"user","targetColumn":"user_id"}}},
 {"Action":{"Operation":"REMOVE_VALUES","Parameters":{"sourceColumn":"title"}},"ConditionExpressions":[{"Condition":"STARTS_WITH","Value":"[TEST]","TargetColumn":"title"}]}
]"#;

/// The DataBrew steps an import left out: (step number, operation).
fn left_out(i: &databrew::Imported) -> Vec<(usize, &str)> {
    i.unmapped
        .iter()
        .map(|u| (u.step, u.operation.as_str()))
        .collect()
}

fn import(text: &str, df: &DataFrame) -> databrew::Imported {
    let steps = databrew::parse_steps(text).expect("parses");
    databrew::import(&steps, Some(df.schema().as_ref()))
}

#[test]
fn databrew_reference_examples_import_and_run() {
    // 5.1 chess: everything maps (GROUP_BY as an aggregate).
    let games = frame(
        "winner,victory_status,white_rating,black_rating\nwhite,mate,1900,1850\nblack,resign,1700,1900\ndraw,draw,2000,2100\nblack,outoftime,1850,1810\nwhite,mate,1950,1799\n",
    );
    let chess = import(CHESS, &games);
    assert!(left_out(&chess).is_empty(), "{:?}", left_out(&chess));
    let out = run_on_messy(&chess.recipe, &games);
    assert_eq!(
        super::strings(&out, "victory_status"),
        ["checkmate", "ran out of time"]
    );

    // 5.2 taxi: TODAY has no equivalent; each join becomes a join and a select, the
    // renames map (tests/it/families/combine.rs runs it).
    let taxi = import(TAXI, &games);
    assert_eq!(left_out(&taxi), [(7, "TODAY")]);
    assert_eq!(taxi.recipe.steps.len(), 8);

    // 5.3 weather: every step maps (NULLS_TOP becomes a helper sort key) and runs.
    let weather = frame(
        "sensor_id,timestamp,humidity,pressure\ns2,2024-01-08 10:00:00,55.5,1025\ns1,2024-01-02 09:30:00,40.4,NA\nNA,2024-01-03 11:00:00,61.2,990\ns1,2024-01-01 08:00:00,47.9,1010\n",
    );
    let w = import(WEATHER, &weather);
    assert!(w.unmapped.is_empty(), "{:?}", w.unmapped);
    let out = run_on_messy(&w.recipe, &weather);
    assert_eq!(
        super::strings(&out, "sensor_id"),
        ["null", "s1", "s1", "s2"]
    );
    assert_eq!(
        super::strings(&out, "measurement_date"),
        ["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-08"]
    );
    assert_eq!(
        super::strings(&out, "pressure_label"),
        ["LOW", "NORMAL", "N/A", "HIGH"]
    );
    assert_eq!(
        super::strings(&out, "humidity"),
        ["61.0", "48.0", "40.0", "56.0"]
    );
    assert_eq!(super::strings(&out, "week_number"), ["1", "1", "1", "2"]);

    // 5.4: IS_INVALID needs DataBrew's type detection; the plain fill maps.
    let people = frame("Firstname,Lastname,ScoreValue\nann,lee,3\nbo,NA,NA\n");
    let d = import(DEFAULT_NAMES, &people);
    let left: Vec<usize> = d.unmapped.iter().map(|u| u.step).collect();
    assert_eq!(left, [1, 2]);
    assert!(d.unmapped[0].reason.contains("IS_INVALID"));
    let out = run_on_messy(&d.recipe, &people);
    assert_eq!(super::strings(&out, "ScoreValue"), ["3", "0"]);

    // 5.5: EXTRACT_VALUE reads nested data, which wort's flat tables do not have.
    let notes = frame("title,user\n[TEST] a,u1\nreal,u2\nreal,u2\n");
    let a = import(ANNOTATIONS, &notes);
    assert_eq!(left_out(&a), [(2, "EXTRACT_VALUE")]);
    let out = run_on_messy(&a.recipe, &notes);
    assert_eq!(super::strings(&out, "title"), ["real"]);
}

#[test]
fn import_cli_lists_unmapped_steps_with_numbers() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = super::write(dir.path(), "taxi.json", TAXI);
    let out = dir.path().join("recipe.json");
    wort()
        .args(["import", p.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("1 DataBrew step(s) have no wort equivalent"))
        .stderr(contains("step 7 (TODAY)"));
    assert!(!out.exists(), "no recipe written on failure");
    wort()
        .args([
            "import",
            p.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--partial",
        ])
        .assert()
        .success()
        .stderr(contains("step 7 (TODAY)"));
    let r = Recipe::load(&out).expect("the import is a valid recipe");
    assert_eq!(r.steps.len(), 8);
    assert!(
        r.description
            .unwrap_or_default()
            .contains("left out (no wort equivalent): step 7 TODAY")
    );
    assert_eq!(
        r.steps[1].op,
        Op::from_parts(
            "select",
            serde_json::json!({"columns": ["VendorID", "lpep_pickup_datetime", "lpep_dropoff_datetime", "PULocationID", "DOLocationID", "passenger_count", "trip_distance", "total_amount", "Zone"]})
        )
        .unwrap()
    );
}

#[test]
fn import_accepts_every_container_and_wrapper() {
    let forms = [
        r#"{"Name": "r", "Steps": [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "a"}}}]}"#,
        r#"{"Type": "AWS::DataBrew::Recipe", "Properties": {"Name": "r", "Steps": [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"SourceColumn": "a"}}}]}}"#,
        r#"{"Resources": {"R": {"Type": "AWS::DataBrew::Recipe", "Properties": {"Steps": [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"SourceColumn": "a"}}}]}}}}"#,
        r#"{"RecipeAction": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "a"}}}"#,
        r#"{"RecipeStep": {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "a"}}}}"#,
        r#"[{"action": {"operation": "UPPER_CASE", "parameters": {"sourceColumn": "a"}}}]"#,
    ];
    let upper_a = Op::from_parts("upper", serde_json::json!({"column": "a"})).unwrap();
    for f in forms {
        let steps = databrew::parse_steps(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let i = databrew::import(&steps, None);
        assert!(i.unmapped.is_empty(), "{f}");
        assert_eq!(i.recipe.steps.len(), 1, "{f}");
        assert_eq!(i.recipe.steps[0].op, upper_a, "{f}");
    }
    // Raw JSON values in parameters (a doc-quirk) are read as their text.
    let import_text = |text: &str| {
        let i = databrew::import(&databrew::parse_steps(text).expect("parses"), None);
        assert!(i.unmapped.is_empty(), "{:?}", i.unmapped);
        i.recipe.steps
    };
    let raw = import_text(
        r##"[{"Action": {"Operation": "MASK_RANGE", "Parameters": {"sourceColumns": ["name"], "maskSymbol": "#", "start": 1}}}]"##,
    );
    let text = import_text(
        r##"[{"Action": {"Operation": "MASK_RANGE", "Parameters": {"sourceColumns": "[\"name\"]", "maskSymbol": "#", "start": "1"}}}]"##,
    );
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0].op.name(), "mask");
    assert_eq!(raw[0].op, text[0].op);
}

// ---------------------------------------------------------------------------------------
// Parity on real Spark

pub(crate) struct Case {
    pub name: String,
    pub recipe: String,
    pub inputs: Vec<PathBuf>,
    /// Reading flags, for `wort run` and `wort export` alike.
    pub flags: Vec<String>,
}

impl Case {
    /// A case read with the default flags.
    pub fn new(name: &str, recipe: String, inputs: Vec<PathBuf>) -> Case {
        Case {
            name: name.into(),
            recipe,
            inputs,
            flags: Vec::new(),
        }
    }
}

/// The python with pyspark, or `None` after a SKIPPED banner; with
/// `WORT_REQUIRE_SPARK=1` (in CI) a missing Spark fails `test` instead.
fn spark_python_or_skip(test: &str) -> Option<PathBuf> {
    match spark_python() {
        Ok(p) => Some(p),
        Err(why) => super::skipped(test, &why),
    }
}

/// The python with pyspark, or why the Spark tests cannot run.
fn spark_python() -> Result<PathBuf, String> {
    let java = std::process::Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return Err("java is not on PATH".into());
    }
    let Some(py) = std::env::var_os("WORT_PYTHON") else {
        return Err("WORT_PYTHON (a python with pyspark; .ci/run sets it) is not set".into());
    };
    Ok(PathBuf::from(py))
}

/// The example recipes, and real files: every step over MESSY, a Latin-1 file, a
/// `/`-dated file, the synthetic orders (preamble, `;`, CRLF, quoted line breaks).
fn cases(dir: &Path) -> Vec<Case> {
    let data = messy(dir);
    let mut out: Vec<Case> = all_cases()
        .into_iter()
        .map(|(name, steps)| Case::new(name, recipe_text(steps), vec![data.clone()]))
        .collect();
    out.extend(super::families::extra(dir));
    let samples = root().join("samples");
    let example = |name: &str| {
        std::fs::read_to_string(root().join("recipes").join(name)).expect("example recipe")
    };
    out.push(Case::new(
        "example_flights_clean",
        example("flights_clean.json"),
        vec![samples.join("flights.csv")],
    ));
    out.push(Case::new(
        "example_orders_cleanup",
        example("orders_cleanup.json"),
        vec![samples.join("messy_orders.csv")],
    ));
    out.push(Case::new(
        "example_penguins_tidy",
        example("penguins_tidy.json"),
        vec![samples.join("penguins.csv")],
    ));
    out.push(Case {
        name: "latin1_customers".into(),
        recipe: recipe_text(
            r#"[{"op": "upper", "column": "city"}, {"op": "date_part", "column": "signup_date", "part": "month", "to": "m"},
                {"op": "fill_missing", "column": "comment", "strategy": "empty"}]"#,
        ),
        inputs: vec![samples.join("latin1_customers.csv")],
        flags: vec!["--encoding".into(), "latin1".into()],
    });
    // Wide text: the same customers as UTF-16/UTF-32, with and without a byte order mark.
    let customers: String = std::fs::read(samples.join("latin1_customers.csv"))
        .expect("latin1 sample")
        .into_iter()
        .map(char::from)
        .collect();
    for (name, bytes) in [
        ("utf16le_bom_customers", {
            let mut b = vec![0xFF, 0xFE];
            b.extend(customers.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
        (
            "utf16be_customers",
            customers
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect(),
        ),
        ("utf32le_bom_customers", {
            let mut b = vec![0xFF, 0xFE, 0, 0];
            b.extend(customers.chars().flat_map(|c| u32::from(c).to_le_bytes()));
            b
        }),
    ] {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, bytes).expect("write wide text");
        out.push(Case::new(
            name,
            recipe_text(
                r#"[{"op": "upper", "column": "city"}, {"op": "fill_missing", "column": "comment", "strategy": "empty"}]"#,
            ),
            vec![path],
        ));
    }
    out.push(Case::new(
        "seattle_weather",
        recipe_text(
            r#"[{"op": "filter", "keep": "weather IN ('rain', 'snow')"}, {"op": "outliers", "column": "precipitation", "method": "iqr", "action": "flag", "to": "heavy"},
                {"op": "date_part", "column": "date", "part": "weekday", "to": "wd"}, {"op": "sort", "by": ["temp_max", "date"], "descending": [true, false]}]"#,
        ),
        vec![samples.join("seattle_weather.csv")],
    ));
    out.push(Case::new(
        "orders_raw_read",
        recipe_text(r#"[]"#),
        vec![samples.join("messy_orders.csv")],
    ));
    // Two files read as one dataset: rows in file-name order.
    let lines: Vec<&str> = MESSY.lines().collect();
    let header = lines[0];
    let split_at = lines
        .iter()
        .position(|l| l.starts_with("11,"))
        .expect("row 11");
    let part1 = dir.join("part1.csv");
    let part2 = dir.join("part2.csv");
    std::fs::write(&part1, lines[..split_at].join("\n") + "\n").expect("write");
    std::fs::write(
        &part2,
        format!("{header}\n{}\n", lines[split_at..].join("\n")),
    )
    .expect("write");
    out.push(Case::new(
        "two_files",
        recipe_text(
            r#"[{"op": "fill_missing", "column": "city", "strategy": "previous"}, {"op": "dedupe", "columns": "city"}]"#,
        ),
        vec![part1, part2],
    ));
    // No header: wort names the columns.
    let headerless = dir.join("headerless.csv");
    std::fs::write(&headerless, "1,a,2.5\n2,NA,3\n3,c,\n").expect("write");
    out.push(Case {
        name: "no_header".into(),
        recipe: recipe_text(
            r#"[{"op": "fill_missing", "column": "column_2", "strategy": "value", "value": "?"}, {"op": "fill_missing", "column": "column_3", "strategy": "mean"}]"#,
        ),
        inputs: vec![headerless],
        flags: vec!["--no-header".into()],
    });
    // NDJSON: typed values, a date written as text, a null token.
    let ndjson = dir.join("events.ndjson");
    std::fs::write(
        &ndjson,
        concat!(
            r#"{"id": 1, "name": "ann", "amount": 1.5, "when": "2023-01-05", "flag": true, "tag": "NA"}"#,
            "\n",
            r#"{"id": 2, "name": "bo", "amount": null, "when": "2023-02-06", "flag": false, "tag": "x"}"#,
            "\n",
            r#"{"id": 3, "name": null, "amount": 7.25, "when": null, "flag": null, "tag": "y"}"#,
            "\n",
        ),
    )
    .expect("write");
    out.push(Case::new(
        "ndjson",
        recipe_text(
            r#"[{"op": "upper", "column": "name"}, {"op": "date_part", "column": "when", "part": "month", "to": "m"}, {"op": "flag_missing", "column": "tag", "to": "no_tag"}]"#,
        ),
        vec![ndjson],
    ));
    // Parquet: read as typed, no null tokens.
    let parquet = dir.join("messy.parquet");
    let empty = super::write(dir, "empty_recipe.json", recipe_text("[]"));
    let o = run(&empty, &[&data], &parquet).output().expect("wort run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.push(Case::new(
        "parquet",
        recipe_text(
            r#"[{"op": "fill_missing", "column": "amount", "strategy": "mean"}, {"op": "title", "column": "city"}, {"op": "sort", "by": "seen_at", "descending": true}]"#,
        ),
        vec![parquet],
    ));
    out.extend(messy_reading_cases(dir));
    if let Some(full) = std::env::var_os("WORT_FLIGHTS_CSV") {
        out.push(Case::new(
            "example_flights_clean_full_336k",
            example("flights_clean.json"),
            vec![PathBuf::from(full)],
        ));
    }
    out
}

/// What `wort run` repairs with no flags, the job must repair the same way: a row with a
/// field too few and one with a field too many set aside, the header written again
/// further down (with spaces around its cells), a comma followed by a space; and a
/// CSV output keeps the input's date formats and, without a header, writes none. (A
/// stray quote is read differently by Spark: the export warns, see
/// `export_refuses_a_second_table_and_carries_the_reading_repairs`.)
fn messy_reading_cases(dir: &Path) -> Vec<Case> {
    let mut rows = String::from("id,name,amount,day\n");
    for i in 1..=60 {
        match i {
            7 => rows.push_str("7,short,70\n"),
            13 => rows.push_str("13,long,130,2024-01-13,extra\n"),
            21 => rows.push_str(" id , name,amount ,day\n"),
            _ => rows.push_str(&format!(
                "{i},name {i},{}.5,2024-01-{:02}\n",
                i * 10,
                i % 28 + 1
            )),
        }
    }
    let set_aside = dir.join("set_aside.csv");
    std::fs::write(&set_aside, rows).expect("write");
    let mut spaced = String::from("id, name, note, amount\n");
    for i in 1..=12 {
        spaced.push_str(&format!("{i}, \"Smith, {i}\", say \"\"hi\"\", {i}.25\n"));
    }
    spaced.push_str("13, Cy, , 1\n");
    let spaced_path = dir.join("spaced.csv");
    std::fs::write(&spaced_path, spaced).expect("write");
    let upper =
        |column: &str| recipe_text(&format!(r#"[{{"op": "upper", "column": "{column}"}}]"#));
    let dated = dir.join("dated.csv");
    std::fs::write(
        &dated,
        "id,name,day,seen,at\n1,ann,28/01/2018,2018-01-28 10:00:00,2018-01-28 10:00:00.25\n2,bo,03/02/2019,2019-02-03 11:30:05,2019-02-03 11:30:05.125\n3,cy,,,\n",
    )
    .expect("write");
    let headerless = dir.join("headerless_dated.csv");
    std::fs::write(&headerless, "1,ann,28/01/2018\n2,bo,03/02/2019\n").expect("write");
    vec![
        Case::new("csv_layout_dates", upper("name"), vec![dated]),
        Case::new("csv_layout_no_header", upper("column_2"), vec![headerless]),
        Case::new("messy_set_aside_rows", upper("name"), vec![set_aside]),
        Case::new("messy_comma_space", upper("name"), vec![spaced_path]),
    ]
}

#[test]
fn spark_parity() {
    let Some(python) = spark_python_or_skip("spark_parity") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut cases = cases(d);
    // WORT_PARITY_ONLY=a,b runs only the cases whose names hold one of these (to try a
    // family's cases while writing it; CI runs them all).
    if let Ok(only) = std::env::var("WORT_PARITY_ONLY") {
        let only: Vec<&str> = only.split(',').filter(|s| !s.is_empty()).collect();
        cases.retain(|c| only.iter().any(|o| c.name.contains(o)));
    }
    let mut jobs = Vec::new();
    let mut expected = Vec::new(); // (job name, wort output, ordered)
    let mut csv_expected = Vec::new(); // (job name, wort's CSV, Spark's CSV directory)
    for (i, case) in cases.iter().enumerate() {
        let base = d.join(format!("case{i}"));
        std::fs::create_dir_all(&base).expect("mkdir");
        let recipe = base.join("recipe.json");
        std::fs::write(&recipe, &case.recipe).expect("write recipe");
        let inputs: Vec<String> = case
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let wort_out = base.join("wort.parquet");
        let o = run(&recipe, &inputs, &wort_out)
            .args(&case.flags)
            .output()
            .expect("wort run");
        assert!(
            o.status.success(),
            "case {}: wort run failed: {}",
            case.name,
            String::from_utf8_lossy(&o.stderr)
        );
        // `wort export --to TO -o OUT` with the case's inputs and flags.
        let export_to = |to: &str, out: &Path| {
            export(&recipe, to)
                .arg("-o")
                .arg(out)
                .arg("--input")
                .args(&inputs)
                .args(&case.flags)
                .output()
                .expect("wort export")
        };
        let job = base.join("job.py");
        let o = export_to("pyspark", &job);
        assert!(
            o.status.success(),
            "case {}: export failed: {}",
            case.name,
            String::from_utf8_lossy(&o.stderr)
        );
        jobs.push(serde_json::json!({
            "name": case.name, "job": job, "inputs": inputs, "output": base.join("spark_out"),
        }));
        // A CSV output's text: dates in their input formats, no header for a
        // headerless input (see `messy_reading_cases`).
        if case.name.starts_with("csv_layout") {
            let wort_csv = base.join("wort.csv");
            let o = run(&recipe, &inputs, &wort_csv)
                .args(&case.flags)
                .output()
                .expect("wort run");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let name = format!("{}__csv", case.name);
            jobs.push(serde_json::json!({
                "name": name, "job": job, "inputs": inputs, "output": base.join("spark_csv"),
                "output_format": "csv",
            }));
            csv_expected.push((name, wort_csv, base.join("spark_csv")));
        }
        expected.push((
            case.name.clone(),
            wort_out.clone(),
            base.join("spark_out"),
            true,
        ));
        // The SQL form, where the recipe has one.
        let sql = base.join("query.sql");
        let o = export_to("sql", &sql);
        // Exit 2 with the steps named is "no SQL form"; anything else is a failure.
        assert!(
            o.status.success()
                || (o.status.code() == Some(2)
                    && String::from_utf8_lossy(&o.stderr).contains("no SQL form")),
            "case {}: sql export failed: {}",
            case.name,
            String::from_utf8_lossy(&o.stderr)
        );
        if o.status.success() {
            let name = format!("{}__sql", case.name);
            jobs.push(serde_json::json!({
                "name": name, "sql": sql, "job": job, "table": "input", "inputs": inputs,
                "output": base.join("sql_out"),
            }));
            expected.push((name, wort_out, base.join("sql_out"), false));
        }
    }
    let manifest = d.join("manifest.json");
    std::fs::write(
        &manifest,
        serde_json::to_string_pretty(&serde_json::json!({"jobs": jobs})).unwrap(),
    )
    .expect("manifest");
    let results_path = d.join("results.json");
    let started = Instant::now();
    let status = std::process::Command::new(&python)
        .arg(root().join("tests/spark/harness.py"))
        .arg(&manifest)
        .arg(&results_path)
        .status()
        .expect("runs the harness");
    let spark_seconds = started.elapsed().as_secs_f64();
    assert!(
        status.success(),
        "the Spark harness failed (see its output above)"
    );
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results_path).expect("results"))
            .expect("json");
    eprintln!(
        "spark_parity: {} jobs ({} SQL) on Spark {} in {spark_seconds:.1} s (startup {:.1} s)",
        expected.len(),
        expected.iter().filter(|e| !e.3).count(),
        results["__spark_version"].as_str().unwrap_or("?"),
        results["__startup_seconds"].as_f64().unwrap_or(0.0)
    );
    let mut failures = Vec::new();
    for (name, wort_out, spark_out, ordered) in &expected {
        let r = &results[name.as_str()];
        if r["ok"] != true {
            failures.push(format!(
                "{name}: the Spark job failed: {}\n{}",
                r["error"].as_str().unwrap_or("?"),
                r["traceback"].as_str().unwrap_or("")
            ));
            continue;
        }
        let want = ParquetReader::new(std::fs::File::open(wort_out).expect("wort output"))
            .finish()
            .expect("reads");
        let got = read_spark_dir(spark_out);
        if let Err(e) = compare(&want, &got, *ordered) {
            failures.push(format!("{name}: {e}"));
        }
    }
    for (name, wort_csv, spark_dir) in &csv_expected {
        let r = &results[name.as_str()];
        if r["ok"] != true {
            failures.push(format!(
                "{name}: the Spark job failed: {}",
                r["error"].as_str().unwrap_or("?")
            ));
            continue;
        }
        let want = std::fs::read_to_string(wort_csv).expect("wort csv");
        let got = spark_csv_text(spark_dir, want.lines().next().unwrap_or(""));
        if want != got {
            failures.push(format!(
                "{name}: CSV text differs\nwort:\n{want}\nspark:\n{got}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Spark jobs differ from wort run:\n\n{}",
        failures.len(),
        expected.len(),
        failures.join("\n\n")
    );
}

/// The part files with extension `ext` of Spark's output directory, in order.
fn part_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("spark output")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    parts.sort();
    parts
}

/// Spark's CSV output directory as one text: its part files in order, the header
/// line (when it is `header`) once.
fn spark_csv_text(dir: &Path, header: &str) -> String {
    let mut out = String::new();
    for (i, p) in part_files(dir, "csv").iter().enumerate() {
        let text = std::fs::read_to_string(p).expect("part");
        match text.strip_prefix(&format!("{header}\n")) {
            Some(rest) if i > 0 => out.push_str(rest),
            _ => out.push_str(&text),
        }
    }
    out
}

/// Spark's output directory (part files in order) as one frame.
fn read_spark_dir(dir: &Path) -> DataFrame {
    let mut out: Option<DataFrame> = None;
    for p in part_files(dir, "parquet") {
        let df = ParquetReader::new(std::fs::File::open(&p).expect("part"))
            .finish()
            .expect("reads part");
        out = Some(match out {
            None => df,
            Some(acc) if acc.height() == 0 => df,
            Some(mut acc) => {
                if df.height() > 0 {
                    acc.vstack_mut(&df).expect("same schema");
                }
                acc
            }
        });
    }
    out.expect("spark wrote a part file")
}

/// The kind of a type, for "compatible types".
fn kind(dt: &DataType) -> &'static str {
    match dt {
        dt if dt.is_integer() => "int",
        dt if dt.is_float() => "float",
        DataType::String => "text",
        DataType::Boolean => "bool",
        DataType::Date => "date",
        DataType::Datetime(_, _) => "datetime",
        DataType::Null => "null",
        _ => "other",
    }
}

/// Same columns (names, order, compatible types), same rows; floats to 1e-9 relative.
fn compare(want: &DataFrame, got: &DataFrame, ordered: bool) -> Result<(), String> {
    let wn: Vec<String> = want
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let gn: Vec<String> = got
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    if wn != gn {
        return Err(format!("columns differ:\n  wort  {wn:?}\n  spark {gn:?}"));
    }
    let mut types = Vec::new();
    for (a, b) in want.columns().iter().zip(got.columns()) {
        let (ka, kb) = (kind(a.dtype()), kind(b.dtype()));
        if ka != kb && ka != "null" && kb != "null" {
            types.push(format!(
                "{}: wort {} spark {}",
                a.name(),
                a.dtype(),
                b.dtype()
            ));
        }
    }
    if !types.is_empty() {
        return Err(format!("types differ: {}", types.join(", ")));
    }
    if want.height() != got.height() {
        return Err(format!(
            "{} rows from wort, {} from Spark\nwort {want}\nspark {got}",
            want.height(),
            got.height()
        ));
    }
    let (want, got) = if ordered {
        (want.clone(), got.clone())
    } else {
        (sorted(want), sorted(got))
    };
    let mut problems = Vec::new();
    for (a, b) in want.columns().iter().zip(got.columns()) {
        let a = a.as_materialized_series();
        let b = b.as_materialized_series();
        let bad = differing_rows(a, b);
        if let Some(&first) = bad.first() {
            let show = |s: &Series, i: usize| s.get(i).map(|v| format!("{v}")).unwrap_or_default();
            problems.push(format!(
                "column {}: {} rows differ; first at row {first}: wort {} spark {}{}",
                a.name(),
                bad.len(),
                show(a, first),
                show(b, first),
                bad.get(1)
                    .map(|&i| format!("; row {i}: wort {} spark {}", show(a, i), show(b, i)))
                    .unwrap_or_default()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

fn sorted(df: &DataFrame) -> DataFrame {
    let names: Vec<PlSmallStr> = df.get_column_names().into_iter().cloned().collect();
    let text: Vec<Expr> = names
        .iter()
        .map(|n| col(n.clone()).cast(DataType::String))
        .collect();
    df.clone()
        .lazy()
        .sort_by_exprs(
            text,
            SortMultipleOptions::default()
                .with_nulls_last(true)
                .with_maintain_order(true),
        )
        .collect()
        .expect("sorts")
}

/// Rows where two columns differ (nulls equal nulls, NaN equals NaN, floats to 1e-9).
fn differing_rows(a: &Series, b: &Series) -> Vec<usize> {
    let n = a.len();
    if kind(a.dtype()) == "float" || kind(b.dtype()) == "float" {
        let a = a.cast(&DataType::Float64).expect("f64");
        let b = b.cast(&DataType::Float64).expect("f64");
        let (a, b) = (a.f64().expect("f64"), b.f64().expect("f64"));
        return (0..n)
            .filter(|&i| match (a.get(i), b.get(i)) {
                (None, None) => false,
                (Some(x), Some(y)) => {
                    !(x == y
                        || (x.is_nan() && y.is_nan())
                        || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()))
                }
                _ => true,
            })
            .collect();
    }
    let common = |s: &Series| -> Series {
        match s.dtype() {
            dt if dt.is_integer() => s.cast(&DataType::Int64).expect("i64"),
            DataType::Datetime(_, _) => s
                .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
                .expect("us"),
            DataType::Null => s.cast(&DataType::String).expect("null"),
            _ => s.clone(),
        }
    };
    let (a, b) = (common(a), common(b));
    let (a, b) = if a.dtype() != b.dtype() {
        (
            a.cast(&DataType::String).expect("str"),
            b.cast(&DataType::String).expect("str"),
        )
    } else {
        (a, b)
    };
    let eq = a.equal_missing(&b).expect("comparable");
    (0..n).filter(|&i| eq.get(i) != Some(true)).collect()
}

/// The job's `__main__`: with spark-submit, and as an AWS Glue job (a stand-in
/// `awsglue` module records what the job asks of Glue).
#[test]
fn job_runs_with_spark_submit_and_as_a_glue_job() {
    let Some(python) = spark_python_or_skip("job_runs_with_spark_submit_and_as_a_glue_job") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let recipe = root().join("recipes/penguins_tidy.json");
    let input = root().join("samples/penguins.csv");
    let job = d.join("job.py");
    export(&recipe, "pyspark")
        .arg("-o")
        .arg(&job)
        .arg("--input")
        .arg(&input)
        .assert()
        .success();
    let wort_csv = d.join("wort.csv");
    run(&recipe, &[&input], &wort_csv).assert().success();
    let want = std::fs::read_to_string(&wort_csv).expect("wort output");
    let want: Vec<&str> = want.lines().collect();

    // spark-submit job.py --input ... --output ... --output-format csv
    let bin = python.parent().expect("venv bin").to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = d.join("submitted");
    let o = std::process::Command::new(bin.join("spark-submit"))
        .env("PATH", &path)
        .args(["--master", "local[2]", "--conf", "spark.ui.enabled=false"])
        .arg(&job)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&out)
        .args(["--output-format", "csv"])
        .output()
        .expect("spark-submit runs");
    assert!(
        o.status.success(),
        "spark-submit failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let part = std::fs::read_dir(&out)
        .expect("output dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .expect("a CSV part");
    let got = std::fs::read_to_string(part).expect("csv");
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got.len(), want.len(), "rows");
    assert_eq!(got[0], want[0], "header");
    assert_eq!(got[1], want[1], "first row");
    assert_eq!(got.last(), want.last(), "last row");

    // As a Glue job: --JOB_NAME, --input, --output, --output_format through
    // getResolvedOptions; the Glue Job is initialised and committed.
    let glue = d.join("glue_stub/awsglue");
    std::fs::create_dir_all(&glue).expect("mkdir");
    super::write(&glue, "__init__.py", "");
    super::write(
        &glue,
        "utils.py",
        "def getResolvedOptions(argv, names):\n    print('resolved', sorted(names))\n    return {n: argv[argv.index('--' + n) + 1] for n in names}\n",
    );
    super::write(
        &glue,
        "context.py",
        "from pyspark.sql import SparkSession\nclass GlueContext:\n    def __init__(self, sc):\n        self.spark_session = SparkSession.builder.getOrCreate()\n",
    );
    super::write(
        &glue,
        "job.py",
        "class Job:\n    def __init__(self, glue):\n        pass\n    def init(self, name, args):\n        print('job init', name)\n    def commit(self):\n        print('job commit')\n",
    );
    let out = d.join("glue_out");
    let o = std::process::Command::new(&python)
        .env("PYTHONPATH", d.join("glue_stub"))
        .env(
            "PYSPARK_SUBMIT_ARGS",
            "--master local[2] --conf spark.ui.enabled=false pyspark-shell",
        )
        .arg(&job)
        .args(["--JOB_NAME", "wort-test", "--input"])
        .arg(format!("{},{}", input.display(), input.display()))
        .arg("--output")
        .arg(&out)
        .args(["--output_format", "json"])
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "the Glue run failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("resolved ['JOB_NAME', 'input', 'output', 'output_format']"),
        "{stdout}"
    );
    assert!(
        stdout.contains("job init wort-test") && stdout.contains("job commit"),
        "{stdout}"
    );
    let mut lines = 0;
    for p in std::fs::read_dir(&out).expect("output dir") {
        let p = p.expect("entry").path();
        if p.extension().is_some_and(|e| e == "json") {
            lines += std::fs::read_to_string(p).expect("json").lines().count();
        }
    }
    // The input given twice: every row twice.
    assert_eq!(lines, 2 * (want.len() - 1));
}

// ----- user text in the SQL export ---------------------------------------------------

/// A query as Spark's lexer (SqlBaseLexer.g4) reads it: comments (`--` to a `\r` or
/// `\n`, continued over a backslash-newline; `/* */` nested) and white space left out,
/// each string literal `STR`, each backtick name `NAME`, every other token as written.
/// Spark replaces `${...}` in the text before lexing, so one outside a name (where the
/// header tells to turn substitution off) is a `${` token of its own.
fn spark_tokens(sql: &str) -> Vec<String> {
    let c: Vec<char> = sql.chars().collect();
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, ch)| c.get(i + k) == Some(&ch))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let start = i;
        if at(i, "--") {
            while i < c.len() && c[i] != '\r' && c[i] != '\n' {
                i += if at(i, "\\\n") { 2 } else { 1 };
            }
        } else if at(i, "/*") {
            let mut depth = 0;
            while i < c.len() {
                if at(i, "/*") {
                    depth += 1;
                    i += 1;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                i += 1;
            }
        } else if c[i] == '\'' || c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != c[start] {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push("STR".to_string());
        } else if c[i] == '`' {
            i += 1;
            while i < c.len() && (c[i] != '`' || at(i, "``")) {
                i += if c[i] == '`' { 2 } else { 1 };
            }
            i += 1;
            out.push("NAME".to_string());
        } else if c[i].is_alphanumeric() || c[i] == '_' {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else {
            i += 1;
            if !matches!(c[start], ' ' | '\t' | '\r' | '\n') {
                out.push(c[start].to_string());
            }
        }
        let token: String = c[start..i.min(c.len())].iter().collect();
        if !token.starts_with('`') && token.contains("${") {
            out.push("${".to_string());
        }
    }
    out
}

/// A recipe, its input's schema and read spec, and a table name, with `text` in every
/// free-text field the SQL export writes: description, table, an input column, new
/// column names, comments, a fill value, prefix, search and replacement texts, string
/// literals, comments and white space inside `where` and `derive` SQL.
fn sql_case(text: &str) -> (Recipe, Schema, wort::export::read::ReadSpec) {
    let t = |suffix: &str| serde_json::to_string(&format!("{text}{suffix}")).expect("json");
    // Inside polars SQL: a string literal, and comments (no `\n` would end a `--` one for
    // polars, no `*` can end or open a `/* */` one).
    let lit = text.replace('\'', "''");
    let line = text.replace('\n', " ");
    let block = text.replace('*', "+");
    // And white space between tokens: polars reads every kind, Spark only a few.
    let space: String = text.chars().filter(|c| c.is_whitespace()).collect();
    let sql = |s: String| serde_json::to_string(&s).expect("json");
    let derive = sql(format!("'{lit}' || \"name\" -- {line}"));
    let keep = sql(format!(
        "\"name\"{space} <> '{lit}' /* {block} */ -- {line}"
    ));
    let json = format!(
        r#"{{"wort_recipe": 1, "description": {d}, "steps": [
        {{"op": "rename", "column": {input}, "to": {renamed}, "comment": {d}}},
        {{"op": "duplicate", "column": "id", "to": {dup}, "comment": {d}}},
        {{"op": "derive", "column": {derived}, "expr": {derive}}},
        {{"op": "fill_missing", "column": "amount", "strategy": "value", "value": {d}}},
        {{"op": "add_prefix", "column": "id", "text": {d}, "where": {keep}}},
        {{"op": "replace", "column": "name", "pattern": {pattern}, "with": {d}}},
        {{"op": "filter", "keep": {keep}}},
        {{"op": "add_suffix", "column": "id", "text": {d}, "disabled": true}}
    ]}}"#,
        d = t(""),
        input = t("0"),
        renamed = t("1"),
        dup = t("2"),
        derived = t("3"),
        pattern = t("p"),
    );
    let recipe = Recipe::parse(&json, "r.json").expect("recipe parses");
    let names = [
        format!("{text}0"),
        "id".into(),
        "name".into(),
        "amount".into(),
    ];
    let schema: Schema = names
        .iter()
        .map(|n| Field::new(n.into(), DataType::String))
        .collect();
    let mut read = wort::export::read::ReadSpec::from_options(&Default::default());
    read.columns = Some(
        names
            .iter()
            .map(|n| wort::export::read::ColumnSpec {
                name: n.clone(),
                read: "string",
                conversion: None,
            })
            .collect(),
    );
    (recipe, schema, read)
}

#[test]
fn random_text_in_every_field_leaves_the_sql_export_its_code() {
    let texts = crate::awkward_texts(
        &[
            "\r",
            "\r\n",
            "\n",
            "\u{2028}\u{2029}\u{85}\x0b\x0c\x1c\x1d\x1e",
            "\0\x07\t\u{a0}",
            "\\",
            "'",
            "\"",
            "`",
            "--",
            "/*",
            "*/",
            "/*!",
            ";",
            "${env:HOME}",
            ") OR TRUE; DROP TABLE t",
        ],
        64,
    );
    let export = |text: &str| {
        let (recipe, schema, read) = sql_case(text);
        wort::export::sql::query(&recipe, &schema, text, Some(&read))
            .unwrap_or_else(|e| panic!("text {text:?}: {e}"))
    };
    let plain = export("x");
    let want = spark_tokens(&plain);
    assert!(want.contains(&"STR".to_string()) && want.contains(&"NAME".to_string()));
    for t in &texts {
        let q = export(t);
        assert_eq!(
            spark_tokens(&q),
            want,
            "text {t:?} changed the query's code:\n{q}"
        );
    }
}

#[test]
fn a_comment_in_recipe_sql_reaches_neither_the_job_nor_the_query() {
    // polars ends a `--` comment at `\n` only, Spark also at `\r`: the rest would run on
    // Spark and not in wort.
    let r = recipe(r#"[{"op": "filter", "keep": "\"amount\" > 1 -- x\r OR TRUE"}]"#);
    let schema = messy_schema();
    let read = wort::export::read::ReadSpec::from_options(&Default::default());
    let info = wort::export::pyspark::JobInfo {
        recipe_path: "r.json",
        read: &read,
        tables: &[],
    };
    let job = wort::export::pyspark::job(&r, &info).expect("job");
    let query = wort::export::sql::query(&r, &schema, "input", None).expect("query");
    for out in [&job, &query] {
        // Lines of code, not the comments that describe the step.
        let code: Vec<&str> = out
            .lines()
            .filter(|l| !l.trim_start().starts_with(['#', '-']))
            .collect();
        assert!(code.iter().any(|l| l.contains("`amount` > 1")), "{out}");
        assert!(!code.iter().any(|l| l.contains("OR TRUE")), "{out}");
    }
    // `/*! ... */` is code to polars and a comment to Spark: refused, with the reason.
    let r = recipe(r#"[{"op": "filter", "keep": "\"amount\" > 1 /*! OR TRUE */"}]"#);
    let job = wort::export::pyspark::job(&r, &info).expect_err("refused");
    let query = wort::export::sql::query(&r, &schema, "input", None).expect_err("refused");
    for e in [job.to_string(), query.to_string()] {
        assert!(e.contains("step 1 (filter)") && e.contains("/*!"), "{e}");
    }
}

mod databrew_all;
