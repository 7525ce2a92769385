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

/// A step's counters: (step, label, count).
type Counts = Vec<(usize, String, u64)>;

/// The recipe applied to `df` in memory (aggregates in the plan), with statistics
/// computed ahead (literals), and with them computed ahead under a 1-byte budget for
/// medians and quantiles (found out of core), collected; plus the counters of each.
fn paths(df: &DataFrame, steps: &str) -> [(DataFrame, Counts); 3] {
    let text = format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}");
    let recipe = wort::recipe::Recipe::parse(&text, "test").expect("recipe parses");
    wort::recipe::validate(&recipe, df.schema().as_ref()).expect("recipe validates");
    [(false, None), (true, None), (true, Some(1))].map(|(literal_statistics, budget)| {
        let stats = Arc::new(wort::recipe::RunStats::default());
        let opts = wort::recipe::ApplyOptions {
            stats: Some(stats.clone()),
            literal_statistics,
            spill: None,
            quantile_budget: budget,
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
    let [
        (memory, memory_counts),
        (literal, literal_counts),
        (outside, outside_counts),
    ] = paths(&frame(), steps);
    assert!(
        agree.holds(&memory, &literal),
        "in memory:\n{:?}\nstatistics ahead:\n{:?}",
        rows(&memory),
        rows(&literal)
    );
    // The statistics passes run the earlier steps too; they must not count twice.
    assert_eq!(memory_counts, literal_counts);
    // Medians and quantiles found out of core are the same values, bit for bit, and
    // the summary says how many passes they took.
    assert!(
        agree.holds(&memory, &outside),
        "in memory:\n{:?}\nout of core:\n{:?}",
        rows(&memory),
        rows(&outside)
    );
    let passes = "passes over the data to find a median or quantile too large for --memory-limit";
    let (found, others): (Counts, Counts) = outside_counts
        .into_iter()
        .partition(|(_, label, _)| label == passes);
    assert_eq!(others, memory_counts);
    let quantiles = ["median", "iqr", "robust", "modified_zscore", "quantile"];
    let ungrouped = !steps.contains("group_by");
    assert_eq!(
        !found.is_empty(),
        ungrouped
            && quantiles
                .iter()
                .any(|q| steps.contains(&format!("\"{q}\""))),
        "{found:?}"
    );
}

#[test]
fn a_median_fill_uses_the_median_of_the_present_values() {
    let [_, (out, counts), _] = paths(
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
    let [_, (out, _), _] = paths(
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
    let [(memory, _), (literal, _), _] = paths(
        &df,
        r#"[{"op":"fill_missing","column":"x","strategy":"median"}]"#,
    );
    assert!(memory.equals_missing(&literal));
    assert_eq!(literal.column("x").unwrap().null_count(), 3);
}

/// Under a `--memory-limit` too small for the column, `wort run` finds the median and
/// quartiles out of core: the same output, and the summary counts the passes; a small
/// file under the default limit takes none.
#[test]
fn wort_run_finds_medians_past_the_memory_limit_out_of_core() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("v\n");
    for i in 0..3000u64 {
        match i % 9 {
            0 => csv.push_str("NA\n"),
            _ => csv.push_str(&format!("{}\n", (i * 7919) % 1009)),
        }
    }
    let input = write(dir.path(), "in.csv", &csv);
    let recipe = write(
        dir.path(),
        "r.json",
        r#"{"wort_recipe":1,"steps":[
            {"op":"fill_missing","column":"v","strategy":"median"},
            {"op":"outliers","column":"v","method":"iqr","action":"flag","to":"far"}]}"#,
    );
    let run = |out: &str, extra: &[&str]| {
        let o = wort()
            .arg("run")
            .arg(&recipe)
            .arg(&input)
            .arg("-o")
            .arg(dir.path().join(out))
            .args(extra)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(dir.path().join(out)).expect("output");
        (text, String::from_utf8_lossy(&o.stderr).to_string())
    };
    let (plain, said) = run("plain.csv", &[]);
    let (outside, said_outside) = run("outside.csv", &["--memory-limit", "4K"]);
    assert_eq!(plain, outside);
    assert!(plain.starts_with("v,far\n"), "{plain}");
    let passes = "passes over the data to find a median or quantile too large for --memory-limit";
    assert!(!said.contains(passes), "{said}");
    assert!(
        said_outside.contains(&format!("step   1 (fill_missing): 3 {passes}"))
            && said_outside.contains("step   1 (fill_missing): 334 values filled"),
        "{said_outside}"
    );
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
    let median = if m.is_multiple_of(2) {
        (sorted[m / 2 - 1] + sorted[m / 2]) as f64 / 2.0
    } else {
        sorted[m / 2] as f64
    };
    // An int column: the median rounded half to even.
    let expect = median.round_ties_even() as i64;
    assert_eq!(got.lines().nth(1), Some(format!("0,{expect}").as_str()));
    assert_eq!(got.lines().count(), 5001);
}

/// The recipe applied in memory, and through `wort run`'s path with the sort spilled
/// to `dir` under a memory limit of `limit` bytes.
fn in_memory_and_spilled(
    df: &DataFrame,
    steps: &str,
    limit: u64,
    dir: &std::path::Path,
) -> (DataFrame, DataFrame, u64) {
    let text = format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}");
    let recipe = wort::recipe::Recipe::parse(&text, "test").expect("recipe parses");
    let memory = wort::recipe::apply(&recipe, df.clone().lazy())
        .expect("plans")
        .collect()
        .expect("runs");
    let stats = Arc::new(wort::recipe::RunStats::default());
    let opts = wort::recipe::ApplyOptions {
        stats: Some(stats.clone()),
        literal_statistics: true,
        spill: Some(Arc::new(wort::recipe::spill::Spill::new(
            limit,
            dir.to_path_buf(),
        ))),
        quantile_budget: None,
    };
    let spilled = wort::recipe::apply_with(&recipe, df.clone().lazy(), &opts)
        .expect("plans")
        .collect()
        .expect("runs");
    (memory, spilled, stats.rows_removed())
}

/// Rows with many ties, nulls in the keys, and an order of arrival to keep.
fn ties(n: usize, seed: u64) -> DataFrame {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as i64
    };
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let r = next();
        a.push((r % 7 != 0).then_some(r % 5));
        b.push((r % 11 != 0).then(|| ["x", "y", "z"][(r % 3) as usize].to_string()));
        c.push(i as i64);
    }
    df! { "a" => a, "b" => b, "i" => c }.expect("frame")
}

#[rstest]
#[case::one_key(r#"[{"op":"sort","by":"a"}]"#)]
#[case::two_keys_desc(r#"[{"op":"sort","by":["b","a"],"descending":[true,false]}]"#)]
#[case::all_desc(r#"[{"op":"sort","by":["a","b"],"descending":true}]"#)]
#[case::after_steps(
    r#"[{"op":"filter","remove":"a = 2"},{"op":"fill_missing","column":"a","strategy":"median"},
        {"op":"sort","by":["a","b"]},{"op":"derive","column":"j","expr":"i * 2"}]"#
)]
#[case::twice(r#"[{"op":"sort","by":"b"},{"op":"dedupe","columns":["a","b"]},{"op":"sort","by":"a","descending":true}]"#)]
#[case::dedupe_columns(r#"[{"op":"dedupe","columns":["a","b"]}]"#)]
#[case::dedupe_rows(r#"[{"op":"drop","columns":["i"]},{"op":"dedupe"}]"#)]
#[case::dedupe_where(r#"[{"op":"dedupe","columns":"a","where":"b = 'x'"}]"#)]
#[case::dedupe_then_sort(
    r#"[{"op":"fill_missing","column":"b","strategy":"mode"},{"op":"dedupe","columns":["b","a"]},
        {"op":"sort","by":"b"},{"op":"derive","column":"j","expr":"i + 1"}]"#
)]
fn spilled_sorts_and_dedupes_give_the_in_memory_rows(
    #[case] steps: &str,
    #[values(1, 40_000, 1 << 30)] limit: u64,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let df = ties(1500, 7);
    let (memory, spilled, removed) = in_memory_and_spilled(&df, steps, limit, dir.path());
    assert!(memory.height() > 10, "{memory}");
    // The spilled steps count the rows they remove once, as the in-memory ones do.
    assert_eq!(removed, (df.height() - spilled.height()) as u64);
    assert!(
        memory.equals_missing(&spilled),
        "limit {limit}: in memory\n{memory}\nspilled\n{spilled}"
    );
    assert_eq!(spilled.height(), memory.height());
    drop(spilled);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "spill files left: {left:?}");
}

#[test]
fn a_spilled_sort_of_no_rows_gives_no_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let df = ties(0, 1);
    let (memory, spilled, _) =
        in_memory_and_spilled(&df, r#"[{"op":"sort","by":"a"}]"#, 1, dir.path());
    assert!(memory.equals_missing(&spilled));
    assert_eq!(spilled.height(), 0);
}

/// `wort run` of a sort and a dedupe with `extra` arguments (`--memory-limit`,
/// `--temp-dir`...): the exit code and stderr; the output is `out.csv` in `dir`.
fn run_sorted(dir: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let mut csv = String::from("k,v\n");
    for i in 0..2000 {
        csv.push_str(&format!("{},{}\n", (i * 7919) % 13, i));
    }
    crate::trust::run_recipe(
        dir,
        &csv,
        r#"[{"op":"sort","by":"k"},{"op":"dedupe","columns":"k"}]"#,
        extra,
    )
}

#[test]
fn wort_run_spills_a_sort_to_the_temp_dir_and_leaves_it_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spill = tempfile::tempdir().expect("spill dir");
    let spill_arg = spill.path().to_string_lossy().to_string();
    let (code, err) = run_sorted(
        dir.path(),
        &["--memory-limit", "1K", "--temp-dir", &spill_arg, "-q"],
    );
    assert_eq!(code, 0, "{err}");
    let spilled = std::fs::read_to_string(dir.path().join("out.csv")).expect("output");
    assert_eq!(run_sorted(dir.path(), &["-q"]).0, 0);
    let in_memory = std::fs::read_to_string(dir.path().join("out.csv")).expect("output");
    assert_eq!(spilled, in_memory);
    // Keys 0..12, each first met at the smallest i with (i * 7919) % 13 == k.
    let lines: Vec<&str> = spilled.lines().collect();
    assert_eq!(lines.len(), 14, "{spilled}");
    assert_eq!(lines[1], "0,0");
    assert_eq!(std::fs::read_dir(spill.path()).expect("dir").count(), 0);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".wort-")),
        "left beside the output: {names:?}"
    );
}

#[test]
fn a_bad_memory_limit_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (bad, says) in [
        ("2X", "unknown unit"),
        ("lots", "not a size"),
        ("0", "at least 1 byte"),
    ] {
        let (code, err) = run_sorted(dir.path(), &["--memory-limit", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(says), "{bad}: {err}");
    }
    assert!(!dir.path().join("out.csv").exists());
}

#[test]
fn a_temp_dir_that_is_not_a_directory_is_an_error_before_anything_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nowhere").to_string_lossy().to_string();
    let (code, err) = run_sorted(dir.path(), &["--temp-dir", &missing]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--temp-dir") && err.contains("not a directory"),
        "{err}"
    );
    assert!(!dir.path().join("out.csv").exists());
}

#[test]
fn a_failed_run_leaves_the_temp_dir_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spill = tempfile::tempdir().expect("spill dir");
    let spill_arg = spill.path().to_string_lossy().to_string();
    // The sort spills its rows; then the rules fail on the output: nothing is published.
    let rules = write(dir.path(), "rules.dqdl", "Rules = [ RowCount > 100 ]\n");
    let rules_arg = rules.to_string_lossy().to_string();
    let (code, err) = run_sorted(
        dir.path(),
        &[
            "--memory-limit",
            "1",
            "--temp-dir",
            &spill_arg,
            "--rules",
            &rules_arg,
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not published"), "{err}");
    assert_eq!(std::fs::read_dir(spill.path()).expect("dir").count(), 0);
    assert!(!dir.path().join("out.csv").exists());
}

#[test]
fn a_late_junk_value_met_by_a_pass_ahead_restarts_the_run_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = String::from("id,n,v\n");
    for i in 0..100_010 {
        data.push_str(&format!("{i},{},{}\n", i % 7, i % 5));
    }
    data.push_str("100010,seven,\n");
    // The median fill reads v ahead, the sort spills every column: the junk in n is
    // met by the sort's pass, before the output is written.
    let (code, err) = crate::trust::run_recipe(
        dir.path(),
        &data,
        r#"[{"op":"fill_missing","column":"v","strategy":"median"},
            {"op":"sort","by":"id","descending":true}]"#,
        &["--memory-limit", "1M"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("later holds \"seven\""), "{err}");
    assert!(err.contains("n:text"), "{err}");
    let out = std::fs::read_to_string(dir.path().join("out.csv")).expect("output");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("id,n,v"));
    // v's median over 0..4 repeated is 2.
    assert_eq!(lines.next(), Some("100010,seven,2"));
    assert_eq!(lines.next(), Some("100009,0,4"));
    assert_eq!(out.lines().count(), 100_012);
}
