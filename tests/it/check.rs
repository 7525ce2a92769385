//! DQDL evaluation (`quality::evaluate`) and `wort check` end to end.

use std::collections::BTreeMap;
use std::path::Path;

use super::{wort, write};
use assert_cmd::Command;
use chrono::NaiveDate;
use polars::prelude::*;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use rstest::rstest;
use wort::quality::{self, EvalOptions, Outcome, dqdl};

fn frame() -> DataFrame {
    df![
        "id" => [1i64, 2, 3, 4, 5],
        "score" => [Some(0.0), None, Some(20.0), None, Some(40.0)],
        "city" => [Some("NYC"), Some("LA"), None, Some(""), Some("   ")],
        "code" => ["A1", "B2", "C3", "D4", "E5x"],
        "day" => [
            NaiveDate::from_ymd_opt(2024, 1, 1),
            NaiveDate::from_ymd_opt(2024, 1, 2),
            NaiveDate::from_ymd_opt(2024, 1, 3),
            None,
            NaiveDate::from_ymd_opt(2024, 2, 1),
        ],
    ]
    .expect("frame")
}

fn eval_with(df: &DataFrame, rules: &str, opts: &EvalOptions) -> quality::Report {
    let rs = dqdl::parse(&format!("Rules = [ {rules} ]")).expect("rules parse");
    quality::evaluate(&rs, df.clone().lazy(), opts).expect("evaluates")
}

fn eval(df: &DataFrame, rule: &str) -> quality::RuleResult {
    let opts = EvalOptions {
        now: NaiveDate::from_ymd_opt(2024, 2, 3)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date"),
        ..EvalOptions::default()
    };
    eval_with(df, rule, &opts).rules.remove(0)
}

/// The reference's semantics, rule by rule (dqdl.md §3.3, §4): outcome, and the
/// metric under Glue's name.
#[rstest]
#[case::rowcount(r#"RowCount = 5"#, Outcome::Passed, "Dataset.*.RowCount", 5.0)]
#[case::rowcount_where(
    r#"RowCount = 2 where "id > 3""#,
    Outcome::Passed,
    "Dataset.*.RowCount",
    2.0
)]
#[case::completeness(
    r#"Completeness "score" > 0.6"#,
    Outcome::Failed,
    "Column.score.Completeness",
    0.6
)]
#[case::is_complete(r#"IsComplete "id""#, Outcome::Passed, "Column.id.Completeness", 1.0)]
#[case::is_complete_fails(
    r#"IsComplete "city""#,
    Outcome::Failed,
    "Column.city.Completeness",
    0.8
)]
// Docs: Mean of [0, null, 20, null, 40] is 20; population std 16.33.
#[case::mean(r#"Mean "score" = 20"#, Outcome::Passed, "Column.score.Mean", 20.0)]
#[case::std(
    r#"StandardDeviation "score" between 16.32 and 16.34"#,
    Outcome::Passed,
    "Column.score.StandardDeviation",
    16.329_931_618_554_52
)]
#[case::sum(r#"Sum "score" = 60"#, Outcome::Passed, "Column.score.Sum", 60.0)]
#[case::variance(
    r#"Variance "score" > 266"#,
    Outcome::Passed,
    "Column.score.Variance",
    266.6666666666667
)]
// Entropy, natural log, of [0, 20, 40]: ln 3.
#[case::entropy(
    r#"Entropy "score" > 1"#,
    Outcome::Passed,
    "Column.score.Entropy",
    1.0986122886681098
)]
#[case::distinct(
    r#"DistinctValuesCount "score" = 3"#,
    Outcome::Passed,
    "Column.score.DistinctValuesCount",
    3.0
)]
#[case::unique_ratio(
    r#"UniqueValueRatio "code" = 1"#,
    Outcome::Passed,
    "Column.code.UniqueValueRatio",
    1.0
)]
#[case::uniqueness(r#"Uniqueness "id" = 1"#, Outcome::Passed, "Column.id.Uniqueness", 1.0)]
#[case::between_is_exclusive(
    r#"RowCount between 1 and 5"#,
    Outcome::Failed,
    "Dataset.*.RowCount",
    5.0
)]
#[case::not_between(
    r#"RowCount not between 5 and 9"#,
    Outcome::Passed,
    "Dataset.*.RowCount",
    5.0
)]
#[case::values_gt(
    r#"ColumnValues "id" > 0"#,
    Outcome::Passed,
    "Column.id.ColumnValues.Compliance",
    1.0
)]
// Nulls fail every operator but != and not in.
#[case::values_null_fails(
    r#"ColumnValues "score" >= 0"#,
    Outcome::Failed,
    "Column.score.ColumnValues.Compliance",
    0.6
)]
#[case::values_ne_null_passes(
    r#"ColumnValues "score" != 20"#,
    Outcome::Failed,
    "Column.score.ColumnValues.Compliance",
    0.8
)]
#[case::values_in_with_null(
    r#"ColumnValues "score" in [0, 20, 40, NULL]"#,
    Outcome::Passed,
    "Column.score.ColumnValues.Compliance",
    1.0
)]
#[case::values_in_strings_on_numbers(
    r#"ColumnValues "id" in ["1","2","3","4","5"]"#,
    Outcome::Passed,
    "Column.id.ColumnValues.Compliance",
    1.0
)]
// "" and "   " fail; the null passes (not in).
#[case::values_not_in_keyword(
    r#"ColumnValues "city" not in [EMPTY, WHITESPACES_ONLY]"#,
    Outcome::Failed,
    "Column.city.ColumnValues.Compliance",
    0.6
)]
#[case::values_in_keywords(
    r#"ColumnValues "city" in ["NYC", "LA", NULL, EMPTY, WHITESPACES_ONLY]"#,
    Outcome::Passed,
    "Column.city.ColumnValues.Compliance",
    1.0
)]
#[case::values_eq_null(
    r#"ColumnValues "city" = NULL with threshold < 0.3"#,
    Outcome::Passed,
    "Column.city.ColumnValues.Compliance",
    0.2
)]
#[case::matches_whole_value(
    r#"ColumnValues "code" matches "[A-Z][0-9]""#,
    Outcome::Failed,
    "Column.code.ColumnValues.Compliance",
    0.8
)]
#[case::threshold(
    r#"ColumnValues "code" matches "[A-Z][0-9]" with threshold >= 0.8"#,
    Outcome::Passed,
    "Column.code.ColumnValues.Compliance",
    0.8
)]
#[case::where_threshold(
    r#"ColumnValues "score" > 10 where "id >= 3" with threshold > 0.6"#,
    Outcome::Passed,
    "Column.score.ColumnValues.Compliance",
    0.6666666666666666
)]
#[case::dates(
    r#"ColumnValues "day" > "2023-12-31" with threshold = 0.8"#,
    Outcome::Passed,
    "Column.day.ColumnValues.Compliance",
    0.8
)]
#[case::now_offset(
    r#"ColumnValues "day" >= (now() - 2 days) with threshold = 0.2"#,
    Outcome::Passed,
    "Column.day.ColumnValues.Compliance",
    0.2
)]
// NULL has length 0.
#[case::length(
    r#"ColumnLength "city" <= 3"#,
    Outcome::Passed,
    "Column.city.LengthCompliance",
    1.0
)]
#[case::length_fails(
    r#"ColumnLength "code" = 2"#,
    Outcome::Failed,
    "Column.code.LengthCompliance",
    0.8
)]
#[case::data_type(
    r#"ColumnDataType "code" = "Integer" with threshold < 0.1"#,
    Outcome::Passed,
    "Column.code.ColumnDataType.Compliance",
    0.0
)]
// Now is 2024-02-03: only 2024-02-01 is at most 3 days old; the null fails.
#[case::freshness(
    r#"DataFreshness "day" <= 3 days"#,
    Outcome::Failed,
    "Column.day.DataFreshness.Compliance",
    0.2
)]
#[case::correlation(
    r#"ColumnCorrelation "id" "score" > 0.99"#,
    Outcome::Passed,
    "Multicolumn.id,score.ColumnCorrelation",
    1.0
)]
#[case::custom_sql(
    r#"CustomSql "select max(id) from primary" = 5"#,
    Outcome::Passed,
    "Dataset.*.CustomSQL",
    5.0
)]
#[case::custom_sql_rows(
    r#"CustomSql "select id from primary where score > 0""#,
    Outcome::Failed,
    "Dataset.*.CustomSQL.Compliance",
    0.4
)]
#[case::column_count(r#"ColumnCount = 5"#, Outcome::Passed, "Dataset.*.ColumnCount", 5.0)]
fn rule_semantics(
    #[case] rule: &str,
    #[case] outcome: Outcome,
    #[case] metric: &str,
    #[case] value: f64,
) {
    let r = eval(&frame(), rule);
    assert_eq!(r.outcome, outcome, "{rule}: {r:?}");
    let got = r
        .metrics
        .get(metric)
        .unwrap_or_else(|| panic!("{rule}: no metric {metric} in {:?}", r.metrics));
    assert!(
        (got - value).abs() <= 1e-9 * value.abs().max(1.0),
        "{rule}: {metric} = {got}, expected {value}"
    );
}

#[rstest]
#[case::missing_column(
    r#"IsComplete "nope""#,
    Outcome::Failed,
    "Input data does not include column nope!"
)]
#[case::suggestion(
    r#"Completeness "scor" > 0.5"#,
    Outcome::Failed,
    "Did you mean \"score\"?"
)]
#[case::bad_where(
    r#"RowCount > 0 where "nope > 1""#,
    Outcome::Error,
    "The provided where clause is invalid"
)]
#[case::missing_reference(r#"RowCountMatch "ref" = 1"#, Outcome::Error, "--ref ref=PATH")]
#[case::non_numeric_mean(r#"Mean "city" > 1"#, Outcome::Error, "needs a numeric column")]
#[case::exists(r#"ColumnExists "code""#, Outcome::Passed, "")]
#[case::names(r#"ColumnNamesMatchPattern "[a-z]+""#, Outcome::Passed, "")]
#[case::names_fail(
    r#"ColumnNamesMatchPattern "[a-c].*""#,
    Outcome::Failed,
    "do not match the pattern: id, score, day"
)]
#[case::composite_or(r#"(IsComplete "city") or (RowCount = 5)"#, Outcome::Passed, "")]
#[case::composite_and(r#"(IsComplete "city") and (RowCount = 5)"#, Outcome::Failed, "")]
#[case::list_needs_reducing(r#"RowCount > last(3)"#, Outcome::Error, "single value is expected")]
fn outcomes_and_messages(#[case] rule: &str, #[case] outcome: Outcome, #[case] message: &str) {
    let r = eval(&frame(), rule);
    assert_eq!(r.outcome, outcome, "{rule}: {r:?}");
    let got = r.message.clone().unwrap_or_default();
    assert!(
        got.contains(message),
        "{rule}: message {got:?} lacks {message:?}"
    );
}

#[test]
fn failing_rows_are_numbered_and_show_their_values() {
    let r = eval(&frame(), r#"ColumnValues "score" > 10"#);
    assert_eq!(r.failing_rows, Some(3));
    let rows: Vec<u64> = r.failing_samples.iter().map(|f| f.row).collect();
    assert_eq!(rows, [1, 2, 4]);
    assert_eq!(r.failing_samples[0].values["score"], serde_json::json!(0.0));
    assert_eq!(
        r.failing_samples[1].values["score"],
        serde_json::Value::Null
    );
}

#[test]
fn unique_rules_count_rows_whose_value_repeats() {
    let df = df!["k" => [1i64, 1, 2, 3], "v" => ["a", "b", "a", "a"]].expect("df");
    let r = eval(&df, r#"IsUnique "k""#);
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.metrics["Column.k.Uniqueness"], 0.5);
    let rows: Vec<u64> = r.failing_samples.iter().map(|f| f.row).collect();
    assert_eq!(rows, [1, 2]);
    let r = eval(&df, r#"IsPrimaryKey "k" "v""#);
    assert_eq!(r.outcome, Outcome::Passed, "{r:?}");
    // Docs: [a, a, b] has a unique-value ratio of 1/2.
    let r = eval(&df, r#"UniqueValueRatio "v" = 0.5"#);
    assert_eq!(r.outcome, Outcome::Passed, "{r:?}");
}

#[test]
fn dynamic_rules_read_the_history() {
    let mut history = quality::History::default();
    for n in [4.0, 8.0, 12.0] {
        history.runs.push(quality::history::Run {
            time: "t".into(),
            metrics: BTreeMap::from([
                ("RowCount > avg(last(3)) * 0.5".to_string(), n),
                ("RowCount >= index(last(3),0)".to_string(), n),
            ]),
        });
    }
    let opts = EvalOptions {
        history,
        ..EvalOptions::default()
    };
    // avg(4, 8, 12) * 0.5 = 4 < 5 rows.
    let rep = eval_with(&frame(), "RowCount > avg(last(3)) * 0.5", &opts);
    assert_eq!(rep.rules[0].outcome, Outcome::Passed);
    assert_eq!(rep.rules[0].evaluated_rule.as_deref(), Some("RowCount > 4"));
    // index(last(3), 0) is the latest run: 12.
    let rep = eval_with(
        &frame(),
        "RowCount > avg(last(3)) * 0.5, RowCount >= index(last(3), 0)",
        &opts,
    );
    assert_eq!(rep.rules[1].outcome, Outcome::Failed);
}

#[test]
fn reference_datasets() {
    let reference = df!["id" => [1i64, 2, 3], "name" => ["a", "b", "c"]].expect("df");
    let opts = EvalOptions {
        references: BTreeMap::from([("ref".to_string(), reference.lazy())]),
        ..EvalOptions::default()
    };
    let rep = eval_with(
        &frame(),
        r#"RowCountMatch "ref" > 1.6, ReferentialIntegrity "id" "ref.id" = 0.6, AggregateMatch "sum(id)" "sum(ref.id)" = 2.5, SchemaMatch "ref" < 0.5"#,
        &opts,
    );
    for r in &rep.rules {
        assert_eq!(r.outcome, Outcome::Passed, "{r:?}");
    }
}

// ----- the CLI ----------------------------------------------------------------------

/// `wort check DATA --rules RULES`.
/// `wort check DATA --rules RULES`, with a wide table (`COLUMNS=400`) so that each rule
/// stays on one line of the text report.
fn check(data: &Path, rules: &Path) -> Command {
    let mut c = wort();
    c.env("COLUMNS", "400")
        .arg("check")
        .arg(data)
        .arg("--rules")
        .arg(rules);
    c
}

/// The text report's table row of a rule: `│ Rule_2 ┆ FAIL ┆ <rule> ┆`.
fn table_row(name: &str, outcome: &str, rule: &str) -> predicates::str::RegexPredicate {
    predicates::str::is_match(format!(
        "│ {name} +┆ {outcome} +┆ {} +┆",
        regex::escape(rule)
    ))
    .expect("regex")
}

const DATA: &str = "id,amount,status\n1,10,paid\n2,NA,paid\n3,30,refunded\n4,-5,paid\n";

#[test]
fn check_exits_0_when_every_rule_passes() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(
        dir.path(),
        "r.dqdl",
        "Rules = [\n    RowCount = 4,\n    IsUnique \"id\"\n]\n",
    );
    check(&d, &r)
        .assert()
        .code(0)
        .stdout(contains(
            "d.csv: 4 rows, 2 rules: 2 passed, 0 failed, 0 errors",
        ))
        .stdout(table_row("Rule_2", "PASS", "IsUnique \"id\""));
}

const RULES: &str = "# orders\nRules = [\n    IsComplete \"id\",\n    ColumnValues \"amount\" >= 0,\n    ColumnValues \"status\" in [\"paid\", \"refunded\"]\n]\n";

#[test]
fn check_exits_1_and_names_the_failing_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(dir.path(), "r.dqdl", RULES);
    check(&d, &r)
        .assert()
        .code(1)
        .stdout(table_row("Rule_2", "FAIL", "ColumnValues \"amount\" >= 0"))
        .stdout(contains("50.00 % of rows passed the threshold"))
        .stdout(contains("row 2: amount=null"))
        .stdout(contains("row 4: amount=-5"));
}

#[test]
fn check_text_table_fits_the_width_and_is_coloured_only_when_asked() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(dir.path(), "r.dqdl", RULES);
    let out = wort()
        .env("COLUMNS", "60")
        .arg("check")
        .arg(&d)
        .arg("--rules")
        .arg(&r)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf8");
    // Not a terminal: no escape codes; the table is wrapped to 60 columns.
    assert!(!text.contains('\x1b'), "{text}");
    let table: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(['│', '┌', '└', '╞']))
        .collect();
    assert!(table.len() > 5, "{text}");
    for line in &table {
        assert!(
            line.chars().count() <= 60,
            "{} > 60: {line}",
            line.chars().count()
        );
    }
    for header in ["Outcome", "Rule", "Metric", "Message"] {
        assert!(table[1].contains(header), "{}", table[1]);
    }
    // The failing rows follow the table.
    assert!(
        text.contains("Rule_2 ColumnValues \"amount\" >= 0: 2 failing rows, first 2:"),
        "{text}"
    );

    // Colour, as on a terminal: outcomes in red and green.
    let rules = dqdl::parse(RULES).expect("rules");
    let df = df!(
        "id" => [1i64, 2, 3, 4],
        "amount" => [Some(10i64), None, Some(30), Some(-5)],
        "status" => ["paid", "paid", "refunded", "paid"]
    )
    .expect("df");
    let report = quality::evaluate(&rules, df.lazy(), &EvalOptions::default()).expect("eval");
    let coloured = report.to_text(true, 100);
    assert!(
        coloured.contains("\x1b[38;5;9m")
            || coloured.contains("\x1b[31m")
            || coloured.contains("\x1b[91m"),
        "{coloured:?}"
    );
    assert!(!report.to_text(false, 100).contains('\x1b'));
}

#[test]
fn check_reports_as_json_junit_and_github_annotations() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(dir.path(), "r.dqdl", RULES);
    let out = check(&d, &r)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["rules"][1]["outcome"], "Failed");
    assert_eq!(
        v["rules"][1]["metrics"]["Column.amount.ColumnValues.Compliance"],
        0.5
    );
    assert_eq!(v["rules"][1]["failing_rows"], 2);
    assert_eq!(v["rules"][1]["failing_samples"][1]["row"], 4);
    assert_eq!(v["score"].as_f64().map(|s| (s * 3.0).round()), Some(2.0));

    let junit = dir.path().join("report.xml");
    check(&d, &r)
        .args(["--format", "junit", "-o"])
        .arg(&junit)
        .assert()
        .code(1)
        .stdout("");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(
        xml.contains("<testsuite name=\"d.csv\" tests=\"3\""),
        "{xml}"
    );
    assert!(xml.contains("<failure"), "{xml}");

    check(&d, &r)
        .args(["--format", "github"])
        .assert()
        .code(1)
        .stdout(contains(format!(
            "::error file={},line=4,title=Rule_2 Failed%3A ColumnValues \"amount\" >= 0::",
            r.display()
        )))
        .stdout(contains(
            "::notice title=wort check::d.csv: 3 rules, 2 passed, 1 failed",
        ));
}

/// A value after the first 100,000 rows that does not fit the inferred type: the
/// column is read as text and the rules evaluated again, as `run` and `profile` do.
#[test]
fn a_late_junk_value_is_checked_as_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut data = String::from("id,n\n");
    for i in 0..100_010 {
        data.push_str(&format!("{i},{}\n", i % 7));
    }
    data.push_str("100010,seven\n");
    let d = write(dir.path(), "d.csv", data);
    let r = write(
        dir.path(),
        "r.dqdl",
        "Rules = [ RowCount = 100011, ColumnValues \"n\" in [\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\"] ]\n",
    );
    check(&d, &r)
        .assert()
        .code(1)
        .stderr(contains(
            "column n was inferred from the first 100,000 rows, but later holds \"seven\"",
        ))
        .stdout(table_row("Rule_1", "PASS", "RowCount = 100011"))
        .stdout(contains("row 100011: n=\"seven\""));
}

#[test]
fn check_writes_the_failing_rows_to_a_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(dir.path(), "r.dqdl", RULES);
    let f = dir.path().join("bad.csv");
    check(&d, &r).arg("--failures").arg(&f).assert().code(1);
    assert_eq!(
        std::fs::read_to_string(&f).expect("failures written"),
        "row,id,amount,status,failed_rules\n2,2,,paid,Rule_2\n4,4,-5,paid,Rule_2\n"
    );
}

#[test]
fn a_syntax_error_names_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(
        dir.path(),
        "r.dqdl",
        "Rules = [\n    IsComplete \"id\",\n    Completness \"amount\" > 0.5\n]\n",
    );
    check(&d, &r)
        .assert()
        .code(2)
        .stderr(contains("line 3, column 5"))
        .stderr(contains("Completeness"));
}

#[test]
fn rule_errors_exit_2_and_say_what_to_fix() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(
        dir.path(),
        "r.dqdl",
        "Rules = [ RowCountMatch \"orders_2023\" >= 0.9 ]\n",
    );
    check(&d, &r)
        .assert()
        .code(2)
        .stdout(table_row(
            "Rule_1",
            "ERROR",
            "RowCountMatch \"orders_2023\" >= 0.9",
        ))
        .stdout(contains("--ref orders_2023=PATH"));
    // With the reference it passes: 4 rows against 4.
    let d2 = write(dir.path(), "d2.csv", DATA);
    check(&d, &r)
        .arg("--ref")
        .arg(format!("orders_2023={}", d2.display()))
        .assert()
        .code(0)
        .stdout(table_row(
            "Rule_1",
            "PASS",
            "RowCountMatch \"orders_2023\" >= 0.9",
        ))
        .stdout(contains("RowCountMatch = 1"));
}

#[test]
fn record_keeps_history_for_dynamic_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(
        dir.path(),
        "r.dqdl",
        "Rules = [ RowCount >= avg(last(2)) ]\n",
    );
    let hist = dir.path().join("hist");
    let run = |record: bool| {
        let mut c = check(&d, &r);
        c.arg("--history").arg(&hist);
        if record {
            c.arg("--record");
        }
        c.assert()
    };
    run(true)
        .code(0)
        .stdout(contains("no history yet for this rule"));
    run(true)
        .code(0)
        .stdout(contains("avg(last(2)) = 4 from 1 of the 2 runs"));
    let lines = std::fs::read_to_string(hist.join("d.csv.jsonl")).expect("history");
    assert_eq!(lines.lines().count(), 2);
    // More rows than before: a smaller file now fails.
    std::fs::write(&d, "id,amount,status\n1,10,paid\n").expect("write");
    run(false)
        .code(1)
        .stdout(contains("evaluated as: RowCount >= 4"));
}

// ----- suggestion -------------------------------------------------------------------

fn suggest_for(df: &DataFrame) -> (dqdl::Ruleset, quality::Report) {
    let profile =
        wort::profile::profile(df.clone().lazy(), &wort::profile::ProfileOptions::default())
            .expect("profiles");
    let rules = quality::suggest(&profile);
    let text = dqdl::print(&rules);
    let reparsed = dqdl::parse(&text).expect("suggested rules parse");
    let report = quality::evaluate(&reparsed, df.clone().lazy(), &EvalOptions::default())
        .expect("evaluates");
    (reparsed, report)
}

/// Every suggested rule passes on its own data, except ranges that leave out
/// isolated extreme values (their comment says so) and fail on exactly those.
fn passed_but_left_out(rules: &dqdl::Ruleset, report: &quality::Report) -> bool {
    rules.rules.items.iter().zip(&report.rules).all(|(e, r)| {
        r.outcome == Outcome::Passed
            || (r.outcome == Outcome::Failed
                && e.comments.iter().any(|c| c.contains("outside left out")))
    })
}

#[test]
fn suggested_rules_say_why_and_bound_completeness_below_what_was_seen() {
    let df = df![
        "id" => (1..=200i64).collect::<Vec<_>>(),
        "status" => (0..200).map(|i| ["paid", "refunded", "open"][i % 3]).collect::<Vec<_>>(),
        "amount" => (0..200).map(|i| if i % 10 == 0 { None } else { Some(i as f64 * 1.5) }).collect::<Vec<_>>(),
        "zip" => (0..200).map(|i| format!("{:05}", 10_000 + i * 7)).collect::<Vec<_>>(),
    ]
    .expect("df");
    let (rules, report) = suggest_for(&df);
    let text = dqdl::print(&rules);
    assert!(text.contains("IsPrimaryKey \"id\""), "{text}");
    assert!(
        text.contains("ColumnValues \"status\" in [\"open\",\"paid\",\"refunded\"]"),
        "{text}"
    );
    assert!(text.contains("ColumnLength \"zip\" = 5"), "{text}");
    assert!(
        text.contains("ColumnValues \"zip\" matches \"[0-9]{5}\""),
        "{text}"
    );
    // 180 of 200 present: the bound is under 0.9, and the range rule tolerates the nulls.
    let completeness = rules
        .rules
        .items
        .iter()
        .map(|e| e.rule.to_string())
        .find(|r| r.starts_with("Completeness \"amount\" >= "))
        .unwrap_or_else(|| panic!("no completeness rule in {text}"));
    let bound: f64 = completeness.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(bound < 0.9 && bound > 0.8, "{completeness}");
    assert!(text.contains("with threshold >= 0.9"), "{text}");
    for e in &rules.rules.items {
        assert!(!e.comments.is_empty(), "no reason given for {}", e.rule);
    }
    assert!(report.all_passed(), "{}", report.to_text(false, 120));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Rules suggested from a dataset pass on that dataset.
    #[test]
    fn suggested_rules_pass_on_their_own_data(
        ints in proptest::collection::vec(proptest::option::weighted(0.9, -50i64..500), 5..120),
        words in proptest::collection::vec(proptest::option::weighted(0.95, "[a-c]{1,3}|[A-Z][0-9]{2}"), 5..120),
    ) {
        let n = ints.len().min(words.len());
        let df = df![
            "n" => &ints[..n],
            "w" => words[..n].iter().map(|w| w.as_deref()).collect::<Vec<_>>(),
            "f" => ints[..n].iter().map(|v| v.map(|x| x as f64 / 3.0)).collect::<Vec<_>>(),
        ].expect("df");
        let (rules, report) = suggest_for(&df);
        proptest::prop_assert!(passed_but_left_out(&rules, &report), "{}", report.to_text(false, 120));
    }
}

// ----- rules fmt / lint, check --recipe, run --rules ------------------------------------

#[test]
fn rules_fmt_prints_checks_and_rewrites_canonically() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = write(
        dir.path(),
        "r.dqdl",
        "# keys\r\nRules=[IsComplete \"id\" ,ColumnValues \"s\" in [ \"a\", \"b\" ]]",
    );
    let canonical =
        "# keys\nRules = [\n    IsComplete \"id\",\n    ColumnValues \"s\" in [\"a\",\"b\"]\n]\n";
    wort()
        .args(["rules", "fmt"])
        .arg(&r)
        .assert()
        .code(0)
        .stdout(canonical);
    wort()
        .args(["rules", "fmt", "--check"])
        .arg(&r)
        .assert()
        .code(1)
        .stderr(contains("not in canonical layout"));
    wort().args(["rules", "fmt", "-w"]).arg(&r).assert().code(0);
    assert_eq!(std::fs::read_to_string(&r).expect("read"), canonical);
    wort()
        .args(["rules", "fmt", "--check"])
        .arg(&r)
        .assert()
        .code(0);
    let bad = write(dir.path(), "bad.dqdl", "Rules = [ IsComplete \"id\", ]\n");
    wort()
        .args(["rules", "fmt"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(contains("line 1, column"));
}

#[test]
fn rules_lint_names_missing_columns_and_rules_that_cannot_fail() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(
        dir.path(),
        "r.dqdl",
        "Rules = [\n    Completeness \"amount\" >= 0,\n    IsComplete \"amuont\",\n    RowCount > 1\n]\n",
    );
    wort()
        .args(["rules", "lint"])
        .arg(&r)
        .arg("--data")
        .arg(&d)
        .assert()
        .code(1)
        .stdout(contains("line 2 (Rule_1) Completeness \"amount\" >= 0: can never fail"))
        .stdout(contains(
            "line 3 (Rule_2) IsComplete \"amuont\": the data has no column \"amuont\"; did you mean \"amount\"?",
        ))
        .stdout(contains("Rule_3").not());
}

#[test]
fn check_with_a_recipe_checks_the_recipe_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(dir.path(), "r.dqdl", RULES);
    let recipe = write(
        dir.path(),
        "fix.json",
        r#"{"wort_recipe": 1, "steps": [{"op": "fill_missing", "column": "amount", "strategy": "value", "value": 0},
            {"op": "filter", "remove": "amount < 0"}]}"#,
    );
    check(&d, &r).assert().code(1);
    check(&d, &r)
        .arg("--recipe")
        .arg(&recipe)
        .assert()
        .code(0)
        .stdout(contains("3 rows, 3 rules: 3 passed"));
}

/// `wort run RECIPE DATA -o OUT --rules RULES`.
fn run_checked(recipe: &Path, data: &Path, out: &Path, rules: &Path) -> Command {
    let mut c = wort();
    c.env("COLUMNS", "400")
        .arg("run")
        .arg(recipe)
        .arg(data)
        .arg("-o")
        .arg(out)
        .arg("--rules")
        .arg(rules);
    c
}

#[test]
fn run_with_rules_publishes_only_when_they_pass() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    let r = write(dir.path(), "r.dqdl", RULES);
    let recipe = write(
        dir.path(),
        "keep.json",
        r#"{"wort_recipe": 1, "steps": [{"op": "upper", "column": "status"}]}"#,
    );
    let out = write(dir.path(), "out.csv", "previous output\n");
    run_checked(&recipe, &d, &out, &r)
        .assert()
        .code(1)
        .stderr(table_row("Rule_2", "FAIL", "ColumnValues \"amount\" >= 0"))
        .stderr(contains("not published"));
    assert_eq!(
        std::fs::read_to_string(&out).expect("out"),
        "previous output\n"
    );
    let ok = write(
        dir.path(),
        "ok.dqdl",
        "Rules = [ RowCount = 4, ColumnValues \"status\" in [\"PAID\", \"REFUNDED\"] ]\n",
    );
    run_checked(&recipe, &d, &out, &ok)
        .assert()
        .code(0)
        .stderr(contains("2 rules passed on the output"));
    assert!(
        std::fs::read_to_string(&out)
            .expect("out")
            .starts_with("id,amount,status\n1,10,PAID")
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    left.sort();
    assert_eq!(left, ["d.csv", "keep.json", "ok.dqdl", "out.csv", "r.dqdl"]);
}

/// The issue's acceptance: suggest, then check, on a real file with NA nulls; then
/// corrupt it and see exit 1 with the right rows.
#[test]
fn suggest_then_check_passes_and_catches_corruption() {
    let dir = tempfile::tempdir().expect("tmp");
    let orig = std::fs::read_to_string(super::root().join("samples/penguins.csv")).expect("sample");
    let d = write(dir.path(), "penguins.csv", &orig);
    let rules = dir.path().join("penguins.dqdl");
    wort()
        .arg("suggest")
        .arg(&d)
        .arg("-o")
        .arg(&rules)
        .assert()
        .code(0);
    check(&d, &rules).assert().code(0);
    // Corrupt: an out-of-set species on data row 5, a negative body mass on row 7.
    let mut rdr = csv::Reader::from_reader(orig.as_bytes());
    let header = rdr.headers().expect("header").clone();
    let species = header.iter().position(|h| h == "Species").expect("Species");
    let mass = header
        .iter()
        .position(|h| h == "Body Mass (g)")
        .expect("mass");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("write");
    for (i, rec) in rdr.records().enumerate() {
        let mut f: Vec<String> = rec.expect("record").iter().map(str::to_string).collect();
        match i + 1 {
            5 => f[species] = "Dodo".into(),
            7 => f[mass] = "-4000".into(),
            _ => {}
        }
        w.write_record(&f).expect("write");
    }
    std::fs::write(&d, w.into_inner().expect("bytes")).expect("write");
    let out = check(&d, &rules)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let failed: Vec<&serde_json::Value> = v["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["outcome"] == "Failed")
        .collect();
    let rows_of = |needle: &str| -> Vec<u64> {
        failed
            .iter()
            .filter(|r| r["rule"].as_str().unwrap_or("").contains(needle))
            .flat_map(|r| r["failing_samples"].as_array().cloned().unwrap_or_default())
            .map(|s| s["row"].as_u64().expect("row"))
            .collect()
    };
    assert_eq!(
        rows_of("\"Species\" in"),
        [5],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The range rule carries a threshold for the column's NA rows (4 and 272 are
    // NA); one more failing row tips it over, and all of them are listed.
    assert_eq!(rows_of("\"Body Mass (g)\" between"), [4, 7, 272]);
}
