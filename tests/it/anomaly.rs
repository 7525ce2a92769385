//! DetectAnomalies against synthetic histories whose right answer is known: a value
//! continuing a trend passes, a spike fails, a weekday pattern is expected on its day.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use polars::prelude::*;
use wort::quality::history::{History, Run};
use wort::quality::{EvalOptions, Outcome, RuleResult, dqdl, evaluate};

const RULE: &str = r#"DetectAnomalies "RowCount""#;

/// 2026-03-02 is a Monday.
fn monday() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(6, 0, 0)
        .unwrap()
}

/// A history of RowCount values, one run a day, the last one the day before `now`.
fn daily(values: &[f64], now: NaiveDateTime) -> History {
    let n = values.len() as i64;
    History {
        runs: values
            .iter()
            .enumerate()
            .map(|(i, v)| Run {
                time: (now - TimeDelta::days(n - i as i64)).and_utc().to_rfc3339(),
                metrics: [(RULE.to_string(), *v)].into(),
            })
            .collect(),
    }
}

/// DetectAnomalies on `rows` rows, judged against `history` at `now`.
fn judge(rows: usize, history: History, now: NaiveDateTime) -> RuleResult {
    let rules = dqdl::parse(&format!("Rules = [ {RULE} ]")).unwrap();
    let df = df!("a" => vec![1i64; rows]).unwrap();
    let opts = EvalOptions {
        history,
        now,
        ..Default::default()
    };
    let report = evaluate(&rules, df.lazy(), &opts).unwrap();
    report.rules[0].clone()
}

/// Small deterministic noise in -3..=3.
fn noise(i: usize) -> f64 {
    ((i * 5 + 3) % 7) as f64 - 3.0
}

#[test]
fn a_value_continuing_a_trend_is_expected_and_the_old_level_is_not() {
    // 1000 rising by 50 a day for 12 days: day 12 should be about 1600.
    let values: Vec<f64> = (0..12)
        .map(|d| 1000.0 + 50.0 * d as f64 + noise(d))
        .collect();
    let now = monday();
    let r = judge(1600, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Passed, "{:?}", r.message);
    let m = r.message.unwrap();
    assert!(m.contains("from 12 earlier runs with trend"), "{m}");
    assert!(m.contains("99 % prediction interval"), "{m}");
    // The history's mean (about 1275) is inside a flat interval, but far below the trend.
    let r = judge(1275, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Failed, "{:?}", r.message);
    assert!(r.message.unwrap().contains("is outside the expected range"));
}

#[test]
fn a_spike_is_flagged_and_an_ordinary_value_is_not() {
    let values: Vec<f64> = (0..10).map(|d| 1000.0 + 5.0 * noise(d)).collect();
    let now = monday();
    let r = judge(1003, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Passed, "{:?}", r.message);
    let r = judge(1400, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Failed, "{:?}", r.message);
    let m = r.message.unwrap();
    assert!(
        m.starts_with("1400 is outside the expected range: expected 9"),
        "{m}"
    );
    assert!(m.contains("from 10 earlier runs ("), "{m}");
}

#[test]
fn a_monday_high_pattern_is_expected_on_monday_only() {
    // Five weeks of daily runs: about 5000 rows on Mondays, 1000 on other days.
    let now = monday();
    let values: Vec<f64> = (0..35)
        .map(|d| {
            // Day d is (35 - d) days before Monday `now`: a Monday when that is a multiple of 7.
            let base = if (35 - d) % 7 == 0 { 5000.0 } else { 1000.0 };
            base + 10.0 * noise(d + d / 7)
        })
        .collect();
    let r = judge(5010, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Passed, "{:?}", r.message);
    let m = r.message.unwrap();
    assert!(
        m.contains("from 5 weeks of same-weekday history (Mondays)"),
        "{m}"
    );
    // The same count on a Tuesday is an anomaly; an ordinary Tuesday is not.
    let tuesday = now + TimeDelta::days(1);
    let history = daily(&values, now);
    let r = judge(5010, history.clone(), tuesday);
    assert_eq!(r.outcome, Outcome::Failed, "{:?}", r.message);
    assert!(r.message.unwrap().contains("(Tuesdays)"));
    let r = judge(1000, history, tuesday);
    assert_eq!(r.outcome, Outcome::Passed, "{:?}", r.message);
}

#[test]
fn too_little_history_is_not_judged() {
    let now = monday();
    let r = judge(10, daily(&[1.0, 2.0], now), now);
    assert_eq!(r.outcome, Outcome::Passed);
    assert!(r.message.unwrap().contains("needs 3 earlier runs"));
}

#[test]
fn a_rising_monday_peak_is_expected_with_its_trend() {
    // Mondays rise by 500 a week (5000 .. 7000), other days stay near 1000.
    let now = monday();
    let values: Vec<f64> = (0..35)
        .map(|d| {
            let weeks_ago = (35 - d) / 7;
            if (35 - d) % 7 == 0 {
                7500.0 - 500.0 * weeks_ago as f64 + noise(d + d / 7)
            } else {
                1000.0 + 10.0 * noise(d)
            }
        })
        .collect();
    let r = judge(7500, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Passed, "{:?}", r.message);
    let m = r.message.unwrap();
    assert!(
        m.contains("from 5 weeks of same-weekday history (Mondays) with trend"),
        "{m}"
    );
    // Last Monday's level is now too low.
    let r = judge(6000, daily(&values, now), now);
    assert_eq!(r.outcome, Outcome::Failed, "{:?}", r.message);
}
