//! The encode steps.

use std::path::Path;

use crate::export::Case;

/// Spark parity cases over the messy file (`export::MESSY`): (name, recipe steps).
pub const CASES: &[(&str, &str)] = &[
    (
        "bin_edges_labels",
        r##"[{"op": "bin", "column": "amount", "method": "edges", "edges": [0, 10, 12.5, 1000], "labels": ["low", "mid", "high"], "to": "band"}]"##,
    ),
    (
        "bin_equal_width_where",
        r##"[{"op": "bin", "column": "qty", "method": "equal_width", "bins": 4, "to": "qty_bin", "where": "city = 'boston' OR city IS NULL"}]"##,
    ),
    (
        "bin_quantile_in_place",
        r##"[{"op": "bin", "column": "amount", "method": "quantile", "bins": 4, "to": "amount"}]"##,
    ),
    (
        "one_hot_city",
        r##"[{"op": "one_hot", "column": "city", "prefix": "city_"}]"##,
    ),
    (
        "one_hot_max_categories",
        r##"[{"op": "one_hot", "column": "city", "prefix": "c_", "max_categories": 2}, {"op": "one_hot", "column": "active", "prefix": "active_"}]"##,
    ),
    (
        "scale_minmax",
        r##"[{"op": "scale", "column": "amount", "method": "minmax"}]"##,
    ),
    (
        "scale_zscore_to",
        r##"[{"op": "scale", "column": "qty", "method": "zscore", "to": "qty_z"}]"##,
    ),
    (
        "scale_robust_where",
        r##"[{"op": "scale", "column": "amount", "method": "robust", "to": "amount_r", "where": "qty > 3"}]"##,
    ),
    (
        "scale_log",
        r##"[{"op": "scale", "column": "amount", "method": "log", "to": "ln_amount"}]"##,
    ),
    (
        "map_values_text",
        r##"[{"op": "map_values", "column": "city", "mapping": {"new york": "NYC", "boston": "BOS", "nowhere": null}}]"##,
    ),
    (
        "map_values_default_to",
        r##"[{"op": "map_values", "column": "city", "mapping": {"chicago": "CHI"}, "default": "other", "to": "metro"}]"##,
    ),
    (
        "map_values_numbers_where",
        r##"[{"op": "map_values", "column": "qty", "mapping": {"3": 30, "5.0": 50, "100": null}, "default": -1, "where": "id > 4"}]"##,
    ),
];

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(_dir: &Path) -> Vec<Case> {
    Vec::new()
}

use polars::prelude::*;

use crate::{apply, problems, strings};

fn nums(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let c = df.column(name).expect("column").cast(&DataType::Float64).expect("cast");
    c.f64().expect("f64").iter().collect()
}

fn close(got: &[Option<f64>], want: &[Option<f64>]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        match (g, w) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}"),
            (g, w) => assert_eq!(g, w, "{got:?} vs {want:?}"),
        }
    }
}

#[test]
fn bin_edges_are_closed_on_the_left_and_the_last_bin_on_both_sides() {
    let df = df!("x" => [Some(-1.0), Some(0.0), Some(1.9), Some(2.0), Some(5.0), Some(5.1), None, Some(f64::NAN)]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "bin", "column": "x", "method": "edges", "edges": [0, 2, 5], "labels": ["low", "high"], "to": "b"}]"#,
    )
    .unwrap();
    assert_eq!(
        strings(&out, "b"),
        ["null", "low", "low", "high", "high", "null", "null", "null"]
    );
    let out = apply(
        &df,
        r#"[{"op": "bin", "column": "x", "method": "edges", "edges": [0, 2, 5], "to": "b"}]"#,
    )
    .unwrap();
    assert_eq!(out.column("b").unwrap().dtype(), &DataType::Int64);
    assert_eq!(strings(&out, "b"), ["null", "0", "0", "1", "1", "null", "null", "null"]);
}

#[test]
fn bin_computes_equal_width_and_quantile_edges_from_the_column() {
    // min 0, max 4: edges 0, 2, 4; NaN takes no part and comes out null.
    let df = df!("x" => [Some(0.0), Some(1.0), Some(2.0), Some(3.0), Some(4.0), None, Some(f64::NAN)]).unwrap();
    let out = apply(&df, r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 2, "to": "x"}]"#).unwrap();
    assert_eq!(strings(&out, "x"), ["0", "0", "1", "1", "1", "null", "null"]);
    // Linear quantiles of 1, 2, 3, 4, 100: edges 1, 3, 100.
    let df = df!("x" => [100i64, 1, 2, 3, 4]).unwrap();
    let out = apply(&df, r#"[{"op": "bin", "column": "x", "method": "quantile", "bins": 2, "labels": ["lower", "upper"], "to": "half"}]"#).unwrap();
    assert_eq!(strings(&out, "half"), ["upper", "lower", "lower", "upper", "upper"]);
    // With where: edges from the matching rows only (2..4), the others untouched (null).
    let df = df!("x" => [0.0, 2.0, 3.0, 4.0], "g" => ["a", "b", "b", "b"]).unwrap();
    let out = apply(&df, r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 2, "to": "b", "where": "g = 'b'"}]"#).unwrap();
    assert_eq!(strings(&out, "b"), ["null", "0", "1", "1"]);
    // A constant column: one bin holds everything.
    let df = df!("x" => [7.0, 7.0]).unwrap();
    let out = apply(&df, r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 3, "to": "b"}]"#).unwrap();
    assert_eq!(strings(&out, "b"), ["2", "2"]);
}

#[test]
fn one_hot_makes_a_column_per_value_in_value_order() {
    let df = df!("c" => [Some("b"), Some("a"), None, Some("b"), Some("c"), Some("a"), Some("b")]).unwrap();
    let out = apply(&df, r#"[{"op": "one_hot", "column": "c", "prefix": "c_"}]"#).unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["c", "c_a", "c_b", "c_c"]);
    assert_eq!(out.column("c_a").unwrap().dtype(), &DataType::Int32);
    assert_eq!(strings(&out, "c_b"), ["1", "0", "0", "1", "0", "0", "1"]);
    // The two most frequent (b 3, a 2); c goes to other; missing is 0 everywhere.
    let out = apply(&df, r#"[{"op": "one_hot", "column": "c", "prefix": "p_", "max_categories": 2}]"#).unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["c", "p_a", "p_b", "p_other"]);
    assert_eq!(strings(&out, "p_a"), ["0", "1", "0", "0", "0", "1", "0"]);
    assert_eq!(strings(&out, "p_other"), ["0", "0", "0", "0", "1", "0", "0"]);
    // Ties go to the smaller value.
    let df = df!("c" => ["y", "x", "z"]).unwrap();
    let out = apply(&df, r#"[{"op": "one_hot", "column": "c", "prefix": "", "max_categories": 2}]"#).unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["c", "x", "y", "other"]);
    // A value whose column already exists is refused at run time.
    let df = df!("c" => ["a"], "c_a" => [1]).unwrap();
    let err = apply(&df, r#"[{"op": "one_hot", "column": "c", "prefix": "c_"}]"#).unwrap_err();
    assert!(err.to_string().contains("column \"c_a\", which already exists"), "{err}");
}

#[test]
fn scale_methods_match_hand_computed_values() {
    let df = df!("x" => [Some(0i64), Some(5), Some(10), None]).unwrap();
    let out = apply(&df, r#"[{"op": "scale", "column": "x", "method": "minmax"}]"#).unwrap();
    close(&nums(&out, "x"), &[Some(0.0), Some(0.5), Some(1.0), None]);
    let df = df!("x" => [1.0, 2.0, 3.0]).unwrap();
    let out = apply(&df, r#"[{"op": "scale", "column": "x", "method": "zscore", "to": "z"}]"#).unwrap();
    close(&nums(&out, "z"), &[Some(-1.0), Some(0.0), Some(1.0)]);
    close(&nums(&out, "x"), &[Some(1.0), Some(2.0), Some(3.0)]);
    let df = df!("x" => [1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let out = apply(&df, r#"[{"op": "scale", "column": "x", "method": "robust"}]"#).unwrap();
    close(&nums(&out, "x"), &[Some(-1.0), Some(-0.5), Some(0.0), Some(0.5), Some(1.0)]);
    let df = df!("x" => [Some(std::f64::consts::E), Some(1.0), Some(0.0), Some(-1.0), None]).unwrap();
    let out = apply(&df, r#"[{"op": "scale", "column": "x", "method": "log"}]"#).unwrap();
    close(&nums(&out, "x"), &[Some(1.0), Some(0.0), None, None, None]);
    // No spread: 0.
    let df = df!("x" => [Some(7.0), Some(7.0), None]).unwrap();
    for m in ["minmax", "zscore", "robust"] {
        let out = apply(&df, &format!(r#"[{{"op": "scale", "column": "x", "method": "{m}"}}]"#)).unwrap();
        close(&nums(&out, "x"), &[Some(0.0), Some(0.0), None]);
    }
}

#[test]
fn map_values_replaces_text_and_numbers() {
    let df = df!("c" => [Some("NYC"), Some("N.Y."), Some("Boston"), None]).unwrap();
    let out = apply(&df, r#"[{"op": "map_values", "column": "c", "mapping": {"NYC": "New York", "N.Y.": "New York"}}]"#).unwrap();
    assert_eq!(strings(&out, "c"), ["New York", "New York", "Boston", "null"]);
    let out = apply(&df, r#"[{"op": "map_values", "column": "c", "mapping": {"NYC": "New York"}, "default": "other", "to": "m"}]"#).unwrap();
    assert_eq!(strings(&out, "m"), ["New York", "other", "other", "null"]);
    assert_eq!(strings(&out, "c")[0], "NYC");
    let out = apply(&df, r#"[{"op": "map_values", "column": "c", "mapping": {"NYC": "New York"}, "default": null}]"#).unwrap();
    assert_eq!(strings(&out, "c"), ["New York", "null", "null", "null"]);
    let df = df!("n" => [Some(1i64), Some(2), Some(3), None]).unwrap();
    let out = apply(&df, r#"[{"op": "map_values", "column": "n", "mapping": {"1": 10, " 2.0 ": 20}}]"#).unwrap();
    assert_eq!(strings(&out, "n"), ["10", "20", "3", "null"]);
    assert_eq!(out.column("n").unwrap().dtype(), &DataType::Int64);
    let df = df!("f" => [1.5, 2.0]).unwrap();
    let out = apply(&df, r#"[{"op": "map_values", "column": "f", "mapping": {"1.5": 0}, "default": 1}]"#).unwrap();
    close(&nums(&out, "f"), &[Some(0.0), Some(1.0)]);
}

#[test]
fn bad_parameters_are_named_with_the_fix() {
    let df = df!("x" => [1.0], "n" => [1i64], "t" => ["a"]).unwrap();
    let p = |s: &str| problems(&df, s).join(" | ");
    assert!(p(r#"[{"op": "bin", "column": "x", "method": "quantile", "to": "b"}]"#).contains("method \"quantile\" needs \"bins\""));
    assert!(p(r#"[{"op": "bin", "column": "x", "method": "edges", "edges": [1, 1, 2], "to": "b"}]"#).contains("\"edges\" must increase strictly"));
    assert!(p(r#"[{"op": "bin", "column": "x", "method": "edges", "edges": [1, 2, 3], "labels": ["a"], "to": "b"}]"#).contains("\"labels\" has 1 names for 2 bins"));
    assert!(p(r#"[{"op": "bin", "column": "t", "method": "equal_width", "bins": 2, "to": "b"}]"#).contains("column \"t\" is text, not a number"));
    assert!(p(r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 2, "to": "n"}]"#).contains("column \"n\" already exists"));
    assert!(p(r#"[{"op": "one_hot", "column": "x", "prefix": "x_"}]"#).contains("add a cast step to string first"));
    assert!(p(r#"[{"op": "one_hot", "column": "t", "prefix": "t_", "max_categories": 0}]"#).contains("\"max_categories\" must be at least 1"));
    assert!(p(r#"[{"op": "scale", "column": "t", "method": "zscore"}]"#).contains("not a number"));
    assert!(p(r#"[{"op": "map_values", "column": "n", "mapping": {"abc": 1}}]"#).contains("mapping key \"abc\" is not a number"));
    assert!(p(r#"[{"op": "map_values", "column": "n", "mapping": {"1.5": 1}}]"#).contains("is not a whole number"));
    assert!(p(r#"[{"op": "map_values", "column": "n", "mapping": {"1": 1, "1.0": 2}}]"#).contains("are the same number"));
    assert!(p(r#"[{"op": "map_values", "column": "n", "mapping": {"1": "x"}}]"#).contains("the new value for \"1\""));
    assert!(p(r#"[{"op": "map_values", "column": "t", "mapping": {}}]"#).contains("\"mapping\" is empty"));
}
