//! The range a metric is expected in, from its history: a Student t prediction
//! interval for the next value, with a linear trend when the history shows one and a
//! weekly or monthly season when the runs carry times and the history holds enough
//! periods. DetectAnomalies fails a value outside it.
//!
//! - Season: with at least 3 earlier runs on the same weekday as now (3 weeks), and the
//!   runs' weekday explaining the values (one-way ANOVA F test over the weekdays, p <
//!   0.05), only the same-weekday runs are compared; failing that, the same for the day
//!   of the month (3 months). A Monday-high pattern is then expected on Mondays.
//! - Trend: a least-squares line through the compared values against time (days, or the
//!   run's position when the runs carry no time), kept when its slope differs from 0 (t
//!   test, p < 0.05, at least 4 values). The interval is the regression's prediction
//!   interval at now: ŷ ± t(1-α/2, n-2) · s · √(1 + 1/n + (x₀ - x̄)² / Sxx).
//! - Otherwise: mean ± t(1-α/2, n-1) · s · √(1 + 1/n), s the sample standard deviation.
//!
//! α = 0.01 (a 99 % prediction interval); at least 3 values are needed.

use chrono::{Datelike, NaiveDateTime};
use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

/// The two-sided level: a 99 % prediction interval.
pub const ALPHA: f64 = 0.01;
/// The significance level of the trend and season tests.
const TEST_LEVEL: f64 = 0.05;
/// The fewest values an interval is computed from (and periods a season needs).
pub const MIN_RUNS: usize = 3;

/// The expected range of the next value and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub low: f64,
    pub high: f64,
    /// "8 weeks of same-weekday history (Mondays) with trend".
    pub why: String,
}

#[derive(Clone, Copy)]
enum Season {
    Weekly,
    Monthly,
}

impl Season {
    fn key(self, t: NaiveDateTime) -> u32 {
        match self {
            Season::Weekly => t.weekday().num_days_from_monday(),
            Season::Monthly => t.day(),
        }
    }
}

/// The expected range of the value at `now`, from `points` (time if recorded, value),
/// oldest first; None with fewer than [`MIN_RUNS`] finite values.
pub fn expected(points: &[(Option<NaiveDateTime>, f64)], now: NaiveDateTime) -> Option<Expected> {
    let points: Vec<(Option<NaiveDateTime>, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    if points.len() < MIN_RUNS {
        return None;
    }
    let timed: Option<Vec<(NaiveDateTime, f64)>> =
        points.iter().map(|(t, v)| t.map(|t| (t, *v))).collect();
    // x: days since the first run (or the run's position), for the trend.
    let (xs, ys, x0, what) = match &timed {
        Some(timed) => {
            let first = timed[0].0;
            let days = |t: NaiveDateTime| (t - first).num_seconds() as f64 / 86_400.0;
            let (chosen, what) = seasonal(timed, now)
                .unwrap_or_else(|| (timed.clone(), format!("{} earlier runs", timed.len())));
            (
                chosen.iter().map(|(t, _)| days(*t)).collect::<Vec<_>>(),
                chosen.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
                days(now),
                what,
            )
        }
        None => (
            (0..points.len()).map(|i| i as f64).collect(),
            points.iter().map(|(_, v)| *v).collect(),
            points.len() as f64,
            format!("{} earlier runs", points.len()),
        ),
    };
    let (center, half, trend) = interval(&xs, &ys, x0)?;
    Some(Expected {
        low: center - half,
        high: center + half,
        why: if trend {
            format!("{what} with trend")
        } else {
            what
        },
    })
}

/// The same-weekday (or same day of the month) runs, when the history has enough
/// periods and the season explains the values.
fn seasonal(
    timed: &[(NaiveDateTime, f64)],
    now: NaiveDateTime,
) -> Option<(Vec<(NaiveDateTime, f64)>, String)> {
    for season in [Season::Weekly, Season::Monthly] {
        let key = season.key(now);
        let same: Vec<(NaiveDateTime, f64)> = timed
            .iter()
            .copied()
            .filter(|(t, _)| season.key(*t) == key)
            .collect();
        if same.len() < MIN_RUNS || !explains(timed, season) {
            continue;
        }
        let what = match season {
            Season::Weekly => format!(
                "{} weeks of same-weekday history ({}s)",
                same.len(),
                weekday_name(now)
            ),
            Season::Monthly => format!(
                "{} months of same-day-of-month history (day {key})",
                same.len()
            ),
        };
        return Some((same, what));
    }
    None
}

fn weekday_name(t: NaiveDateTime) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][t.weekday().num_days_from_monday() as usize]
}

/// Whether the season's groups differ: one-way ANOVA, F test at [`TEST_LEVEL`].
fn explains(timed: &[(NaiveDateTime, f64)], season: Season) -> bool {
    let mut groups: std::collections::BTreeMap<u32, Vec<f64>> = Default::default();
    for (t, v) in timed {
        groups.entry(season.key(*t)).or_default().push(*v);
    }
    let (k, n) = (groups.len(), timed.len());
    if k < 2 || n <= k {
        return false;
    }
    let mean = timed.iter().map(|(_, v)| v).sum::<f64>() / n as f64;
    let mut between = 0.0;
    let mut within = 0.0;
    for g in groups.values() {
        let m = g.iter().sum::<f64>() / g.len() as f64;
        between += g.len() as f64 * (m - mean).powi(2);
        within += g.iter().map(|v| (v - m).powi(2)).sum::<f64>();
    }
    let (d1, d2) = ((k - 1) as f64, (n - k) as f64);
    if within == 0.0 {
        return between > 0.0;
    }
    let f = (between / d1) / (within / d2);
    FisherSnedecor::new(d1, d2).is_ok_and(|dist| 1.0 - dist.cdf(f) < TEST_LEVEL)
}

/// (center, half width, trend used) of the prediction interval at `x0`.
fn interval(xs: &[f64], ys: &[f64], x0: f64) -> Option<(f64, f64, bool)> {
    let n = ys.len();
    if n < MIN_RUNS {
        return None;
    }
    let nf = n as f64;
    let t_quantile = |df: f64| {
        StudentsT::new(0.0, 1.0, df)
            .ok()
            .map(|t| t.inverse_cdf(1.0 - ALPHA / 2.0))
    };
    let mean_y = ys.iter().sum::<f64>() / nf;
    if n >= 4 {
        let mean_x = xs.iter().sum::<f64>() / nf;
        let sxx: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
        if sxx > 0.0 {
            let sxy: f64 = xs
                .iter()
                .zip(ys)
                .map(|(x, y)| (x - mean_x) * (y - mean_y))
                .sum();
            let slope = sxy / sxx;
            let intercept = mean_y - slope * mean_x;
            let sse: f64 = xs
                .iter()
                .zip(ys)
                .map(|(x, y)| (y - intercept - slope * x).powi(2))
                .sum();
            let df = nf - 2.0;
            let s = (sse / df).sqrt();
            let se_slope = s / sxx.sqrt();
            let significant = if se_slope == 0.0 {
                slope != 0.0
            } else {
                StudentsT::new(0.0, 1.0, df)
                    .is_ok_and(|t| 2.0 * (1.0 - t.cdf((slope / se_slope).abs())) < TEST_LEVEL)
            };
            if significant {
                let half =
                    t_quantile(df)? * s * (1.0 + 1.0 / nf + (x0 - mean_x).powi(2) / sxx).sqrt();
                return Some((intercept + slope * x0, half, true));
            }
        }
    }
    let s = (ys.iter().map(|y| (y - mean_y).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    let half = t_quantile(nf - 1.0)? * s * (1.0 + 1.0 / nf).sqrt();
    Some((mean_y, half, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDateTime {
        // 2026-01-05 is a Monday.
        chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap()
            + chrono::TimeDelta::days(d as i64)
    }

    #[test]
    fn flat_history_gives_the_t_interval() {
        let ys = [10.0, 12.0, 11.0, 9.0, 13.0];
        let pts: Vec<_> = ys.iter().map(|y| (None, *y)).collect();
        let e = expected(&pts, day(0)).unwrap();
        // mean 11, s = sqrt(2.5), t(0.995, 4) = 4.604094...
        let half = 4.604094 * 2.5f64.sqrt() * (1.0 + 1.0 / 5.0f64).sqrt();
        assert!((e.low - (11.0 - half)).abs() < 1e-4, "{e:?}");
        assert!((e.high - (11.0 + half)).abs() < 1e-4, "{e:?}");
        assert_eq!(e.why, "5 earlier runs");
    }

    #[test]
    fn too_few_runs_give_nothing() {
        assert_eq!(
            expected(&[(None, 1.0), (None, f64::NAN), (None, 2.0)], day(0)),
            None
        );
    }

    #[test]
    fn a_weekly_pattern_is_compared_with_the_same_weekday() {
        // Four weeks of daily runs: 1000 on Mondays, 100 on other days, with noise.
        let pts: Vec<_> = (0..28u32)
            .map(|d| {
                let v = if d % 7 == 0 { 1000.0 } else { 100.0 } + (d % 3) as f64;
                (Some(day(d)), v)
            })
            .collect();
        let e = expected(&pts, day(28)).unwrap();
        assert!(e.low < 1000.0 && 1000.0 < e.high, "{e:?}");
        assert!(
            e.why
                .starts_with("4 weeks of same-weekday history (Mondays)"),
            "{e:?}"
        );
        let tue = expected(&pts, day(29)).unwrap();
        assert!(
            tue.high < 1000.0 && tue.low < 101.0 && 101.0 < tue.high,
            "{tue:?}"
        );
    }
}
