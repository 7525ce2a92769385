//! Bounded memory in `wort run`: whole-column statistics computed in a streaming pass
//! ahead and applied as literals must give exactly what the in-memory plan (the
//! workbench's) gives.

use std::sync::Arc;

use polars::prelude::*;
use rstest::rstest;

use crate::{wort, write};
use Agree::{Close, Exact};

/// Numbers with missing values, repeated values, an outlier, and groups (one missing).
fn frame() -> DataFrame {
    df! {
        "x" => [Some(1.5), None, Some(2.0), Some(2.0), Some(100.0), None, Some(-3.25), Some(4.0), Some(2.5), None],
        "n" => [Some(3i64), Some(8), None, Some(1), Some(1), None, Some(6), Some(2), None, Some(5)],
        "s" => [Some("b"), None, Some("a"), Some("b"), Some("a"), Some("c"), None, Some("c"), Some("c"), Some("a")],
        "g" => [Some("p"), Some("p"), Some("q"), None, Some("q"), None, Some("p"), Some("q"), None, Some("q")],
    }
    .expect("frame")
}

/// The recipe applied to `df` in memory (aggregates in the plan) and with statistics
/// computed ahead (literals), collected; plus the counters of each.
fn both(df: &DataFrame, steps: &str) -> [(DataFrame, Vec<(usize, String, u64)>); 2] {
    let text = format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}");
    let recipe = wort::recipe::Recipe::parse(&text, "test").expect("recipe parses");
    wort::recipe::validate(&recipe, df.schema().as_ref()).expect("recipe validates");
    [false, true].map(|literal_statistics| {
        let stats = Arc::new(wort::recipe::RunStats::default());
        let opts = wort::recipe::ApplyOptions {
            stats: Some(stats.clone()),
            literal_statistics,
        };
        let out = wort::recipe::apply_with(&recipe, df.clone().lazy(), &opts)
            .expect("plans")
            .collect()
            .expect("runs");
        let counts = stats
            .counts()
            .into_iter()
            .map(|c| (c.step, c.label.clone(), c.counter.get()))
            .collect();
        (out, counts)
    })
}

/// Every value of `df`, row by row, in full precision.
fn rows(df: &DataFrame) -> Vec<Vec<String>> {
    (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| format!("{:?}", c.get(i).expect("in range")))
                .collect()
        })
        .collect()
}

/// How the two paths must agree: bit for bit (medians, quantiles, modes, min, max), or
/// within floating-point rounding where a sum is taken in another order (mean, std:
/// the streaming pass adds chunk by chunk).
#[derive(Debug, Clone, Copy)]
enum Agree {
    Exact,
    Close,
}

impl Agree {
    fn holds(self, a: &DataFrame, b: &DataFrame) -> bool {
        match self {
            Agree::Exact => a.equals_missing(b),
            Agree::Close => {
                a.shape() == b.shape()
                    && a.columns().iter().zip(b.columns()).all(|(x, y)| {
                        x.name() == y.name()
                            && x.dtype() == y.dtype()
                            && (0..x.len()).all(|i| {
                                match (x.get(i).expect("in range"), y.get(i).expect("in range")) {
                                    (AnyValue::Float64(p), AnyValue::Float64(q)) => {
                                        (p - q).abs() <= 1e-12 * p.abs().max(q.abs()).max(1.0)
                                    }
                                    (p, q) => p == q,
                                }
                            })
                    })
            }
        }
    }
}

#[rstest]
#[case::fill_mean(Close, r#"[{"op":"fill_missing","column":"x","strategy":"mean"}]"#)]
#[case::fill_median(Exact, r#"[{"op":"fill_missing","column":"x","strategy":"median"}]"#)]
#[case::fill_median_int(Exact, r#"[{"op":"fill_missing","column":"n","strategy":"median"}]"#)]
#[case::fill_mean_int(Close, r#"[{"op":"fill_missing","column":"n","strategy":"mean"}]"#)]
#[case::fill_mode_text(Exact, r#"[{"op":"fill_missing","column":"s","strategy":"mode"}]"#)]
#[case::fill_min(Exact, r#"[{"op":"fill_missing","column":"s","strategy":"min"}]"#)]
#[case::fill_max_where(
    Exact,
    r#"[{"op":"fill_missing","column":"x","strategy":"max","where":"n > 4"}]"#
)]
#[case::fill_median_group(
    Exact,
    r#"[{"op":"fill_missing","column":"x","strategy":"median","group_by":"g"}]"#
)]
#[case::fill_mode_groups(
    Exact,
    r#"[{"op":"fill_missing","column":"s","strategy":"mode","group_by":["g","n"]}]"#
)]
#[case::fill_mean_group_int(
    Close,
    r#"[{"op":"fill_missing","column":"n","strategy":"mean","group_by":"g"}]"#
)]
#[case::outliers_zscore(
    Close,
    r#"[{"op":"outliers","column":"x","method":"zscore","threshold":1,"action":"flag","to":"o"}]"#
)]
#[case::outliers_modified(
    Exact,
    r#"[{"op":"outliers","column":"x","method":"modified_zscore","action":"clip"}]"#
)]
#[case::outliers_iqr_remove(
    Exact,
    r#"[{"op":"outliers","column":"x","method":"iqr","action":"remove","where":"g = 'q'"}]"#
)]
#[case::scale_minmax(Exact, r#"[{"op":"scale","column":"x","method":"minmax","to":"y"}]"#)]
#[case::scale_zscore(Close, r#"[{"op":"scale","column":"n","method":"zscore","to":"y"}]"#)]
#[case::scale_robust_where(
    Exact,
    r#"[{"op":"scale","column":"x","method":"robust","where":"g = 'p'"}]"#
)]
#[case::bin_quantile(
    Exact,
    r#"[{"op":"bin","column":"x","method":"quantile","bins":3,"to":"b"}]"#
)]
#[case::bin_equal_width(
    Exact,
    r#"[{"op":"bin","column":"n","method":"equal_width","bins":2,"to":"b"}]"#
)]
#[case::chained(
    Close,
    r#"[{"op":"filter","remove":"n = 1"},{"op":"fill_missing","column":"x","strategy":"median"},
        {"op":"dedupe","columns":"g"},{"op":"scale","column":"x","method":"zscore"}]"#
)]
fn statistics_ahead_give_the_in_memory_result(#[case] agree: Agree, #[case] steps: &str) {
    let [(memory, memory_counts), (literal, literal_counts)] = both(&frame(), steps);
    assert!(
        agree.holds(&memory, &literal),
        "in memory:\n{:?}\nstatistics ahead:\n{:?}",
        rows(&memory),
        rows(&literal)
    );
    // The statistics passes run the earlier steps too; they must not count twice.
    assert_eq!(memory_counts, literal_counts);
}

#[test]
fn a_median_fill_uses_the_median_of_the_present_values() {
    let [_, (out, counts)] = both(
        &frame(),
        r#"[{"op":"fill_missing","column":"x","strategy":"median"}]"#,
    );
    // Present: -3.25 1.5 2 2 2.5 4 100: median 2.
    let x: Vec<Option<f64>> = out.column("x").unwrap().f64().unwrap().iter().collect();
    assert_eq!(x[1], Some(2.0));
    assert_eq!(x[5], Some(2.0));
    assert_eq!(x[9], Some(2.0));
    assert!(
        counts.contains(&(1, "values filled".to_string(), 3)),
        "{counts:?}"
    );
}

#[test]
fn a_group_fill_keeps_the_row_order_and_the_missing_key_group() {
    let [_, (out, _)] = both(
        &frame(),
        r#"[{"op":"fill_missing","column":"x","strategy":"median","group_by":"g"}]"#,
    );
    assert_eq!(
        out.get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["x", "n", "s", "g"],
        "the joined statistic column is dropped"
    );
    let x: Vec<Option<f64>> = out.column("x").unwrap().f64().unwrap().iter().collect();
    // Group p: 1.5, -3.25 -> median -0.875; group of missing g: 2.0, 2.5 -> 2.25.
    assert_eq!(x[1], Some(-0.875));
    assert_eq!(x[5], Some(2.25));
    assert_eq!(x[0], Some(1.5));
    assert_eq!(x[4], Some(100.0));
}

#[test]
fn an_all_missing_column_stays_missing() {
    let df = df! { "x" => [None::<f64>, None, None] }.expect("frame");
    let [(memory, _), (literal, _)] = both(
        &df,
        r#"[{"op":"fill_missing","column":"x","strategy":"median"}]"#,
    );
    assert!(memory.equals_missing(&literal));
    assert_eq!(literal.column("x").unwrap().null_count(), 3);
}

#[test]
fn wort_run_fills_with_the_statistic_of_the_whole_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("k,v\n");
    for i in 0..5000 {
        if i % 7 == 0 {
            csv.push_str(&format!("{},\n", i % 3));
        } else {
            csv.push_str(&format!("{},{}\n", i % 3, i));
        }
    }
    let input = write(dir.path(), "in.csv", &csv);
    let recipe = write(
        dir.path(),
        "r.json",
        r#"{"wort_recipe":1,"steps":[
            {"op":"fill_missing","column":"v","strategy":"median"},
            {"op":"fill_missing","column":"v","strategy":"mean","group_by":"k"}]}"#,
    );
    let out = dir.path().join("out.csv");
    wort()
        .args(["run", "-q"])
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let got = std::fs::read_to_string(&out).expect("output");
    let present: Vec<i64> = (0..5000).filter(|i| i % 7 != 0).collect();
    let mut sorted = present.clone();
    sorted.sort_unstable();
    let m = sorted.len();
    let median = if m % 2 == 0 {
        (sorted[m / 2 - 1] + sorted[m / 2]) as f64 / 2.0
    } else {
        sorted[m / 2] as f64
    };
    // An int column: the median rounded half to even.
    let expect = median.round_ties_even() as i64;
    assert_eq!(got.lines().nth(1), Some(format!("0,{expect}").as_str()));
    assert_eq!(got.lines().count(), 5001);
}
