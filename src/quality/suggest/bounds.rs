//! Numeric ranges for `ColumnValues between`, from robust statistics.
//!
//! A value is left out of the range when it is both far out by Tukey's rule (beyond
//! Q1 − 3 IQR or Q3 + 3 IQR) and isolated: more than [`ISOLATION`] times as far from
//! the median as the next value towards the bulk. A sparse tail of real values (a
//! delay of 853 minutes after 379, Honolulu's 4,983 miles after 2,586) is kept; a
//! lone 1,048 mph wind speed after 42 mph (31 times as far out) is not.
//! The candidates are the column's most extreme distinct values that the profile lists
//! (up to five a side), so at most four distinct values a side are left out.
//!
//! The range is then the kept extremes widened by a tenth of their span, rounded
//! outward to the column's precision: the most decimals among the values the profile
//! lists, and no finer than two significant digits of the margin.

use serde_json::Value;

use crate::profile::ColumnProfile;

/// Tukey's "far out" fence multiplier.
const FAR_OUT: f64 = 3.0;
/// An extreme is isolated when it lies more than this many times as far from the
/// median as the next value in.
const ISOLATION: f64 = 5.0;
/// Fewer present values than this leave nothing out: their quartiles say too little.
const MIN_VALUES: u64 = 20;
/// The most decimals a bound is written with.
const MAX_DECIMALS: u32 = 12;

/// Extreme values a range leaves out, most extreme first, and the fences they lie
/// beyond.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    pub low: Vec<f64>,
    pub high: Vec<f64>,
    pub fence_low: f64,
    pub fence_high: f64,
}

impl LeftOut {
    /// The comment line: `3 values outside left out: 1048.36 (...)`.
    pub fn describe(&self, rows: Option<u64>) -> String {
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !self.low.is_empty() {
            parts.push(format!(
                "{} (below Q1 - 3 IQR = {})",
                list(&self.low),
                short(self.fence_low)
            ));
        }
        if !self.high.is_empty() {
            parts.push(format!(
                "{} (above Q3 + 3 IQR = {})",
                list(&self.high),
                short(self.fence_high)
            ));
        }
        let (count, them) = match rows {
            Some(1) => ("1 value".to_string(), "it"),
            Some(n) => (format!("{n} values"), "them"),
            None => ("values".to_string(), "them"),
        };
        format!(
            "{count} outside left out: {}, each over five times as far from the median as the next value in; the rule fails on {them} until fixed",
            parts.join(" and ")
        )
    }
}

/// A suggested range.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub lo: f64,
    pub hi: f64,
    pub decimals: u32,
    pub why: String,
    pub left_out: Option<LeftOut>,
}

/// The range of a numeric column, or None without finite extremes.
pub fn range(c: &ColumnProfile) -> Option<Range> {
    let min = c.min.as_ref()?.as_f64()?;
    let max = c.max.as_ref()?.as_f64()?;
    if !min.is_finite() || !max.is_finite() {
        return None;
    }
    let int = c.logical_type == "int";
    let mut left_out = None;
    let (mut kept_min, mut kept_max) = (min, max);
    if let (Some(q1), Some(q3), Some(med), Some(iqr)) = (c.p25, c.p75, c.median, c.iqr)
        && iqr > 0.0
        && c.present() >= MIN_VALUES
    {
        let (fence_low, fence_high) = (q1 - FAR_OUT * iqr, q3 + FAR_OUT * iqr);
        let mut up = finite(&c.largest);
        up.sort_by(f64::total_cmp);
        up.dedup();
        let (high, below) = isolated(&up, med, fence_high);
        // The low side is the high side of the mirrored values.
        let mut down: Vec<f64> = finite(&c.smallest).iter().map(|x| -x).collect();
        down.sort_by(f64::total_cmp);
        down.dedup();
        let (low, above) = isolated(&down, -med, -fence_low);
        if let Some(b) = below {
            kept_max = b;
        }
        if let Some(a) = above {
            kept_min = -a;
        }
        if !high.is_empty() || !low.is_empty() {
            left_out = Some(LeftOut {
                low: low.iter().map(|x| -x).collect(),
                high,
                fence_low,
                fence_high,
            });
        }
    }
    let seen = decimals_seen(c);
    let span = kept_max - kept_min;
    let mut margin = span / 10.0;
    if margin <= 0.0 {
        margin = if int { 1.0 } else { 10f64.powi(-(seen as i32)) };
    }
    let decimals = if int {
        0
    } else {
        // Two significant digits of the margin, no finer than the data.
        let sig = (1.0 - margin.log10().floor()).clamp(0.0, MAX_DECIMALS as f64) as u32;
        sig.min(seen)
    };
    let step = 10f64.powi(-(decimals as i32));
    let mut lo = floor_to(kept_min - margin, decimals);
    let mut hi = ceil_to(kept_max + margin, decimals);
    // `between` is exclusive: the bounds must lie strictly outside the kept values.
    if lo >= kept_min {
        lo = floor_to(lo - step, decimals);
    }
    if hi <= kept_max {
        hi = ceil_to(hi + step, decimals);
    }
    // A column that was never negative keeps its lower bound at zero.
    let mut never_negative = "";
    if kept_min >= 0.0 && lo < 0.0 {
        lo = if kept_min > 0.0 { 0.0 } else { -step };
        never_negative = "; never below zero, as the data";
    }
    let rounded = if decimals == 0 {
        "whole numbers".to_string()
    } else {
        fmt_dec(step, decimals)
    };
    let kept = if left_out.is_some() {
        " (without the values left out)"
    } else {
        ""
    };
    let why = format!(
        "values from {kept_min} to {kept_max}{kept}; a tenth of the range as margin, rounded outward to {rounded}{never_negative}"
    );
    Some(Range {
        lo,
        hi,
        decimals,
        why,
        left_out,
    })
}

/// In `asc` (ascending distinct extremes), the values from the first isolated one
/// beyond `fence` on (most extreme first), and the value just below them.
fn isolated(asc: &[f64], median: f64, fence: f64) -> (Vec<f64>, Option<f64>) {
    for j in 1..asc.len() {
        let (prev, v) = (asc[j - 1], asc[j]);
        if v > fence && v - median > ISOLATION * (prev - median).max(0.0) {
            let mut out: Vec<f64> = asc[j..].to_vec();
            out.reverse();
            return (out, Some(prev));
        }
    }
    (Vec::new(), None)
}

fn finite(values: &[Value]) -> Vec<f64> {
    values
        .iter()
        .filter_map(Value::as_f64)
        .filter(|x| x.is_finite())
        .collect()
}

/// The most decimals among the values the profile lists (top values, extremes).
fn decimals_seen(c: &ColumnProfile) -> u32 {
    c.top
        .iter()
        .map(|t| &t.value)
        .chain(&c.smallest)
        .chain(&c.largest)
        .chain(c.min.iter())
        .chain(c.max.iter())
        .filter_map(Value::as_f64)
        .filter(|x| x.is_finite())
        .map(decimals_of)
        .max()
        .unwrap_or(0)
        .min(MAX_DECIMALS)
}

/// Decimals in the shortest text that reads back as `x`.
fn decimals_of(x: f64) -> u32 {
    let s = format!("{x}");
    s.split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

/// `x` rounded down to `d` decimals. A value within floating-point noise of the grid
/// (`10.5 - 8.9` = 1.5999999999999996) counts as on it.
pub fn floor_to(x: f64, d: u32) -> f64 {
    let p = 10f64.powi(d as i32);
    snapped(x * p).unwrap_or_else(|| (x * p).floor()) / p
}

/// `x` rounded up to `d` decimals (noise as in [`floor_to`]).
pub fn ceil_to(x: f64, d: u32) -> f64 {
    let p = 10f64.powi(d as i32);
    snapped(x * p).unwrap_or_else(|| (x * p).ceil()) / p
}

fn snapped(y: f64) -> Option<f64> {
    let r = y.round();
    ((y - r).abs() <= 1e-9 * y.abs().max(1.0)).then_some(r)
}

/// `x` with at most `d` decimals, without trailing zeros (`2.5`, `-0.01`, `13`).
pub fn fmt_dec(x: f64, d: u32) -> String {
    let s = format!("{:.*}", d as usize, x);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A statistic for a comment: at most 6 significant digits.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let d = (5.0 - x.abs().log10().floor()).clamp(0.0, MAX_DECIMALS as f64) as u32;
    fmt_dec(x, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(int: bool, values: &[f64]) -> ColumnProfile {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = (v.len() - 1) as f64 * p;
            let (i, f) = (h.floor() as usize, h - h.floor());
            v[i] + f * (v[(i + 1).min(v.len() - 1)] - v[i])
        };
        let mut d = v.clone();
        d.dedup();
        let js = |x: f64| {
            if int {
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        };
        ColumnProfile {
            logical_type: if int { "int" } else { "float" }.into(),
            count: values.len() as u64,
            min: Some(js(v[0])),
            max: Some(js(v[v.len() - 1])),
            p25: Some(q(0.25)),
            p75: Some(q(0.75)),
            median: Some(q(0.5)),
            iqr: Some(q(0.75) - q(0.25)),
            smallest: d.iter().take(5).map(|x| js(*x)).collect(),
            largest: d.iter().rev().take(5).map(|x| js(*x)).collect(),
            ..ColumnProfile::default()
        }
    }

    #[test]
    fn bounds_are_rounded_outward_to_the_data_precision() {
        let c = col(false, &[-27.01854, -25.5, -24.1, -23.78767, -26.2, -25.0]);
        let r = range(&c).expect("range");
        // Margin 0.323: two significant digits, so hundredths.
        assert_eq!(
            (fmt_dec(r.lo, r.decimals), fmt_dec(r.hi, r.decimals)),
            ("-27.35".into(), "-23.46".into())
        );
        assert!(r.left_out.is_none());
    }

    #[test]
    fn an_isolated_extreme_is_left_out_and_a_long_tail_is_not() {
        let mut wind: Vec<f64> = (0..400).map(|i| (i % 40) as f64 * 1.15078).collect();
        wind.extend([42.57886, 1048.36058, 1048.36058]);
        let r = range(&col(false, &wind)).expect("range");
        assert!(r.hi < 50.0 && r.hi > 42.57886, "{r:?}");
        assert_eq!(
            r.left_out.as_ref().map(|l| l.high.clone()),
            Some(vec![1048.36058])
        );
        assert_eq!(r.lo, -0.1, "{r:?}");
        // A sparse heavy tail (853 is 2.2 times as far out as 379).
        let mut delay: Vec<f64> = (0..400).map(|i| (i % 30) as f64 - 5.0).collect();
        delay.extend([40.0, 60.0, 90.0, 130.0, 200.0, 379.0, 853.0]);
        let r = range(&col(true, &delay)).expect("range");
        assert!(r.left_out.is_none() && r.hi > 853.0, "{r:?}");
        // Below: a lone -999 under values from 0 to 30.
        let mut temp: Vec<f64> = (0..300).map(|i| (i % 31) as f64).collect();
        temp.push(-999.0);
        let r = range(&col(true, &temp)).expect("range");
        assert_eq!(
            r.left_out.as_ref().map(|l| l.low.clone()),
            Some(vec![-999.0])
        );
        assert_eq!((r.lo, r.hi), (-1.0, 33.0));
    }

    #[test]
    fn formats_without_noise() {
        assert_eq!(fmt_dec(46.9, 1), "46.9");
        assert_eq!(fmt_dec(-0.0, 2), "0");
        assert_eq!(fmt_dec(13.0, 0), "13");
        assert_eq!(floor_to(0.99984683, 5), 0.99984);
        assert_eq!(ceil_to(-23.4646, 2), -23.46);
        assert_eq!(decimals_of(1048.36058), 5);
        assert_eq!(floor_to(10.5 - 8.9, 1), 1.6);
        assert_eq!(ceil_to(0.1 + 0.2, 1), 0.3);
    }
}
