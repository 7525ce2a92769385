//! From accumulators to the [`Profile`]: every statistic derived from the count maps
//! (or the sketches past the cap).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use datasketches::common::NumStdDev;
use hashbrown::HashMap;
use polars::prelude::TimeUnit;
use serde_json::Value;

use super::accum::{self, Dist, KeyAcc, KeyVals, Kind, TextAcc, TextAnalysis, TextVals};
use super::stats::{self, Sorted};
use super::*;

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(v.to_string()))
}

/// A key as a JSON value in the column's own terms.
fn key_value(kind: Kind, key: u64) -> Value {
    match kind {
        Kind::Int => Value::from(key as i64),
        Kind::Float => num(f64::from_bits(key)),
        Kind::Date => Value::String(day_string(key as i64)),
        Kind::Datetime(unit, tz) => Value::String(datetime_string(key as i64, unit, tz)),
        _ => Value::Null,
    }
}

fn date_of(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days + 719_163).ok()?)
}

fn day_string(days: i64) -> String {
    date_of(days).map_or_else(|| format!("day {days}"), |d| d.to_string())
}

fn datetime_string(v: i64, unit: TimeUnit, tz: bool) -> String {
    let (secs, nanos) = match unit {
        TimeUnit::Nanoseconds => (v.div_euclid(1_000_000_000), v.rem_euclid(1_000_000_000)),
        TimeUnit::Microseconds => (v.div_euclid(1_000_000), v.rem_euclid(1_000_000) * 1000),
        TimeUnit::Milliseconds => (v.div_euclid(1000), v.rem_euclid(1000) * 1_000_000),
    };
    match chrono::DateTime::from_timestamp(secs, nanos as u32) {
        Some(t) => {
            let mut s = t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string();
            if tz {
                s.push('Z');
            }
            s
        }
        None => v.to_string(),
    }
}

/// The k most common (value, count), count descending then value ascending.
fn top_k<T: Clone>(
    items: &[(T, u64)],
    k: usize,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<(T, u64)> {
    let order = |a: &(T, u64), b: &(T, u64)| b.1.cmp(&a.1).then_with(|| cmp(&a.0, &b.0));
    let mut v: Vec<(T, u64)> = items.to_vec();
    if v.len() > k && k > 0 {
        v.select_nth_unstable_by(k - 1, order);
        v.truncate(k);
    }
    v.sort_by(order);
    v.truncate(k);
    v
}

/// The statistics a column past the exact cap takes from its sketches: distinct
/// counts from HyperLogLog (relative error `distinct_error`), top values and mode from
/// frequent items (counts over-estimated by at most `freq_error`); unique not computed.
fn mark_sketched(p: &mut ColumnProfile, distinct_error: f64, freq_error: u64) {
    let hll = |e| approx("hyperloglog", Some(e), Some("relative"));
    p.approximate.insert("distinct".into(), hll(distinct_error));
    p.approximate.insert(
        "duplicate".into(),
        approx(
            "hyperloglog",
            Some(distinct_error * p.distinct as f64),
            Some("count"),
        ),
    );
    p.approximate
        .insert("unique".into(), approx("not_computed", None, None));
    p.approximate
        .insert("entropy".into(), approx("frequent_items", None, None));
    for k in ["top", "mode"] {
        p.approximate.insert(
            k.into(),
            approx("frequent_items", Some(freq_error as f64), Some("count")),
        );
    }
}

fn approx(method: &'static str, error: Option<f64>, kind: Option<&'static str>) -> Approx {
    Approx {
        method,
        error,
        error_kind: kind,
    }
}

fn histogram_of(
    dist: &Dist<'_>,
    min: f64,
    max: f64,
    iqr: f64,
    integer: bool,
    bins: Option<usize>,
) -> Histogram {
    let n = bins.unwrap_or_else(|| stats::auto_bins(dist.n(), min, max, iqr, integer));
    let edges = stats::edges(min, max, n);
    let counts = dist.histogram(&edges);
    Histogram { edges, counts }
}

pub(super) fn finish(acc: Acc, opts: &ProfileOptions) -> Profile {
    let rows = acc.rows;
    let columns: Vec<ColumnProfile> = acc.cols.into_par_iter().map(|c| column(c, opts)).collect();
    let mut dataset_approx = BTreeMap::new();
    let distinct_rows = match &acc.rowset {
        RowSet::Exact(set) => set.len() as u64,
        RowSet::Sketch(hll) => {
            let e = hll.estimate();
            let err = if e > 0.0 {
                (hll.upper_bound(NumStdDev::Two) - e) / e
            } else {
                0.0
            };
            dataset_approx.insert(
                "duplicate_rows".to_string(),
                approx(
                    "hyperloglog",
                    Some(err * e / rows.max(1) as f64),
                    Some("relative"),
                ),
            );
            (e.round() as u64).min(rows)
        }
    };
    let duplicate_rows = rows.saturating_sub(distinct_rows);
    let correlations = (acc.corr_cols.len() >= 2).then(|| {
        let names: Vec<String> = acc
            .corr_cols
            .iter()
            .map(|&i| columns[i].name.clone())
            .collect();
        let k = names.len();
        let mut matrix = vec![vec![None; k]; k];
        let mut strongest = Vec::new();
        for i in 0..k {
            let sd = columns[acc.corr_cols[i]].std;
            matrix[i][i] = sd.filter(|s| *s > 0.0).map(|_| 1.0);
        }
        for ((a, b), sums) in &acc.pairs {
            let r = sums.r();
            matrix[*a][*b] = r;
            matrix[*b][*a] = r;
            if let Some(r) = r {
                strongest.push(CorrelationPair {
                    a: names[*a].clone(),
                    b: names[*b].clone(),
                    r,
                    rows: sums.n as u64,
                });
            }
        }
        strongest.sort_by(|x, y| y.r.abs().total_cmp(&x.r.abs()));
        strongest.truncate(10);
        Correlations {
            method: "pearson",
            columns: names,
            matrix,
            strongest,
        }
    });
    Profile {
        wort_profile: VERSION,
        dataset: DatasetProfile {
            inputs: Vec::new(),
            sample: None,
            rows,
            columns: columns.len(),
            duplicate_rows,
            duplicate_rows_percent: pct(duplicate_rows, rows),
            estimated_size_bytes: acc.size,
            correlations,
            approximate: dataset_approx,
        },
        columns,
    }
}

fn column(c: ColAcc, opts: &ProfileOptions) -> ColumnProfile {
    let mut p = ColumnProfile {
        name: c.name.clone(),
        logical_type: crate::transform::type_name(&c.dtype),
        dtype: c.dtype.to_string(),
        count: c.rows,
        null: c.null,
        ..ColumnProfile::default()
    };
    match c.body {
        Body::Keys(k) => keys_column(&mut p, k, opts),
        Body::Bool { t, f } => {
            p.true_count = Some(t);
            p.false_count = Some(f);
            let mut counts: Vec<(bool, u64)> = vec![(false, f), (true, t)];
            counts.retain(|x| x.1 > 0);
            p.distinct = counts.len() as u64;
            p.unique = Some(counts.iter().filter(|x| x.1 == 1).count() as u64);
            p.duplicate = (t + f) - p.distinct;
            p.entropy = stats::entropy(counts.iter().map(|x| x.1), t + f);
            let top = top_k(&counts, opts.top, |a, b| a.cmp(b));
            p.top = top
                .iter()
                .map(|(v, n)| TopValue {
                    value: Value::Bool(*v),
                    count: *n,
                    percent: pct(*n, c.rows),
                })
                .collect();
            p.smallest = counts.iter().map(|x| Value::Bool(x.0)).collect();
            p.largest = counts.iter().rev().map(|x| Value::Bool(x.0)).collect();
        }
        Body::Text(t) => text_column(&mut p, t, opts),
        Body::Other => {}
    }
    p.mode = p.top.first().map(|t| t.value.clone());
    p.missing = p.null + p.empty + p.nan.unwrap_or(0);
    p.missing_percent = pct(p.missing, p.count);
    p.distinct_percent = pct(p.distinct, p.present());
    general_hints(&mut p);
    p
}

fn general_hints(p: &mut ColumnProfile) {
    let mut hints = Vec::new();
    if p.count > 0 && p.missing == p.count {
        hints.push(Hint {
            kind: "all_missing",
            count: p.missing,
            percent: 100.0,
            message: "every value is missing".into(),
            format: None,
        });
    } else if p.missing_percent > 50.0 {
        hints.push(Hint {
            kind: "mostly_missing",
            count: p.missing,
            percent: p.missing_percent,
            message: format!("{:.1}% of values are missing", p.missing_percent),
            format: None,
        });
    }
    let present = p.present();
    if p.distinct == 1 && present > 1 {
        hints.push(Hint {
            kind: "constant",
            count: present,
            percent: pct(present, p.count),
            message: "every present value is the same".into(),
            format: None,
        });
    } else if present > 1
        && p.distinct == present
        && !p.approximate.contains_key("distinct")
        && matches!(p.logical_type.as_str(), "int" | "text")
    {
        hints.push(Hint {
            kind: "all_unique",
            count: present,
            percent: pct(present, p.count),
            message: "every present value is different (an identifier?)".into(),
            format: None,
        });
    }
    hints.append(&mut p.hints);
    p.hints = hints;
}

fn keys_column(p: &mut ColumnProfile, k: KeyAcc, opts: &ProfileOptions) {
    let kind = k.kind;
    let present = k.present();
    if kind == Kind::Float {
        p.nan = Some(k.nan);
    }
    // Distinct, unique, top, extremes, and the distribution.
    let (dist, low, high, day_counts, future): (
        Dist<'_>,
        Vec<u64>,
        Vec<u64>,
        HashMap<i64, u64>,
        u64,
    );
    let exact_pairs: Vec<(u64, u64)>;
    match &k.vals {
        KeyVals::Exact(map) => {
            exact_pairs = map.iter().map(|(&a, &b)| (a, b)).collect();
            p.distinct = exact_pairs.len() as u64;
            p.unique = Some(exact_pairs.iter().filter(|x| x.1 == 1).count() as u64);
            p.entropy = stats::entropy(exact_pairs.iter().map(|x| x.1), present);
            let top = top_k(&exact_pairs, opts.top, |a, b| key_order(kind, *a, *b));
            p.top = top
                .iter()
                .map(|(v, n)| TopValue {
                    value: key_value(kind, *v),
                    count: *n,
                    percent: pct(*n, p.count),
                })
                .collect();
            let sorted = Sorted::new(
                exact_pairs
                    .iter()
                    .map(|(v, n)| (accum::key_f64(kind, *v), *n))
                    .collect(),
            );
            let mut keys: Vec<u64> = exact_pairs.iter().map(|x| x.0).collect();
            keys.sort_by(|a, b| key_order(kind, *a, *b));
            low = keys.iter().take(accum::EXTREMES).copied().collect();
            high = keys.iter().rev().take(accum::EXTREMES).copied().collect();
            let mut days = HashMap::new();
            let mut fut = 0;
            if kind.temporal() {
                let per = accum::per_day(kind);
                for &(v, n) in &exact_pairs {
                    *days.entry((v as i64).div_euclid(per)).or_insert(0) += n;
                    if (v as i64) > k.now {
                        fut += n;
                    }
                }
            }
            day_counts = days;
            future = fut;
            dist = Dist::Exact(sorted);
        }
        KeyVals::Sketch(b) => {
            let (sk, kll) = &**b;
            p.distinct = sk.distinct().min(present);
            p.unique = None;
            let (rows, err) = accum::frequent(&sk.freq, opts.top);
            p.top = rows
                .iter()
                .map(|(v, n)| TopValue {
                    value: key_value(kind, *v),
                    count: *n,
                    percent: pct(*n, p.count),
                })
                .collect();
            p.entropy = sketch_entropy(rows.iter().map(|x| x.1), present, p.distinct);
            mark_sketched(p, sk.distinct_error(), err);
            if kind.numeric() {
                let re = kll.normalized_rank_error();
                for s in [
                    "median",
                    "p5",
                    "p25",
                    "p50",
                    "p75",
                    "p95",
                    "iqr",
                    "mad",
                    "histogram",
                    "outliers",
                ] {
                    p.approximate
                        .insert(s.into(), approx("kll", Some(re), Some("rank")));
                }
            }
            low = sk.low.clone();
            high = sk.high.clone();
            day_counts = k.days.clone();
            future = k.future;
            dist = Dist::Kll(kll);
        }
    }
    p.duplicate = present.saturating_sub(p.distinct);
    p.smallest = low.iter().map(|v| key_value(kind, *v)).collect();
    p.largest = high.iter().map(|v| key_value(kind, *v)).collect();
    let (Some(&lo), Some(&hi)) = (low.first(), high.first()) else {
        if kind.numeric() {
            p.zeros = Some(0);
            p.negatives = Some(0);
        }
        return;
    };
    p.min = Some(key_value(kind, lo));
    p.max = Some(key_value(kind, hi));
    let (min, max) = (accum::key_f64(kind, lo), accum::key_f64(kind, hi));
    if kind.temporal() {
        p.range = Some((max - min) / accum::per_day(kind) as f64);
        date_parts(p, &day_counts);
        p.future = Some(future);
        return;
    }
    p.range = Some(max - min);
    p.sum = Some(k.sum);
    p.mean = k.moments.mean();
    p.std = k.moments.std();
    p.variance = k.moments.variance();
    p.skewness = k.moments.skewness();
    p.kurtosis = k.moments.kurtosis();
    p.zeros = Some(k.zeros);
    p.negatives = Some(k.negatives);
    let q = |x: f64| dist.quantile(x);
    p.median = dist.median();
    p.p5 = q(0.05);
    p.p25 = q(0.25);
    p.p50 = q(0.5);
    p.p75 = q(0.75);
    p.p95 = q(0.95);
    let iqr = match (p.p25, p.p75) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    p.iqr = iqr;
    p.mad = p.median.and_then(|m| dist.mad(m));
    if min.is_finite() && max.is_finite() {
        p.histogram = Some(histogram_of(
            &dist,
            min,
            max,
            iqr.unwrap_or(0.0),
            kind == Kind::Int,
            opts.bins,
        ));
    }
    if let (Some(mean), Some(sd)) = (p.mean, p.std)
        && sd.is_finite()
    {
        let (lower, upper) = (mean - 3.0 * sd, mean + 3.0 * sd);
        let (count, samples) = dist.outside(lower, upper);
        let samples = if samples.is_empty() && count > 0 {
            // Sketch mode: the extremes that are outliers.
            low.iter()
                .chain(high.iter())
                .map(|v| accum::key_f64(kind, *v))
                .filter(|v| *v < lower || *v > upper)
                .collect()
        } else {
            samples
        };
        let samples = samples
            .iter()
            .map(|v| {
                if kind == Kind::Int {
                    Value::from(*v as i64)
                } else {
                    num(*v)
                }
            })
            .collect();
        p.outliers = Some(Outliers {
            method: "zscore",
            threshold: 3.0,
            lower,
            upper,
            count,
            percent: pct(count, present),
            samples,
        });
    }
}

fn key_order(kind: Kind, a: u64, b: u64) -> std::cmp::Ordering {
    accum::key_f64(kind, a)
        .total_cmp(&accum::key_f64(kind, b))
        .then_with(|| (a as i64).cmp(&(b as i64)))
}

/// Entropy from the top values, the rest of the mass spread evenly over the other
/// distinct values (an estimate, for sketch mode).
fn sketch_entropy(top: impl Iterator<Item = u64>, total: u64, distinct: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let t = total as f64;
    let mut h = 0.0;
    let (mut seen, mut k) = (0u64, 0u64);
    for c in top {
        let p = c as f64 / t;
        if p > 0.0 {
            h -= p * p.ln();
        }
        seen += c;
        k += 1;
    }
    let rest = total.saturating_sub(seen) as f64 / t;
    let others = distinct.saturating_sub(k).max(1) as f64;
    if rest > 0.0 {
        h -= rest * (rest / others).ln();
    }
    if h > 0.0 { h } else { 0.0 }
}

fn date_parts(p: &mut ColumnProfile, days: &HashMap<i64, u64>) {
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut months = vec![0u64; 12];
    let mut weekdays = vec![0u64; 7];
    for (&d, &n) in days {
        if let Some(date) = date_of(d) {
            *years.entry(date.year()).or_insert(0) += n;
            months[date.month0() as usize] += n;
            weekdays[date.weekday().num_days_from_monday() as usize] += n;
        }
    }
    p.by_year = Some(
        years
            .into_iter()
            .map(|(year, count)| YearCount { year, count })
            .collect(),
    );
    p.by_month = Some(months);
    p.by_weekday = Some(weekdays);
    p.timeline = timeline(days);
}

/// Values per period from the first to the last day seen (see [`Timeline`]).
fn timeline(days: &HashMap<i64, u64>) -> Option<Timeline> {
    let (first, last) = (*days.keys().min()?, *days.keys().max()?);
    let (a, b) = (date_of(first)?, date_of(last)?);
    let month = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    let (unit, start, end): (&'static str, i64, i64) = if last - first <= 92 {
        ("day", first, last)
    } else if b.year() - a.year() <= 6 {
        ("month", month(a), month(b))
    } else {
        ("year", a.year() as i64, b.year() as i64)
    };
    let mut counts = vec![0u64; (end - start + 1) as usize];
    for (&d, &n) in days {
        let Some(date) = date_of(d) else { continue };
        let at = match unit {
            "day" => d,
            "month" => month(date),
            _ => date.year() as i64,
        };
        counts[(at - start) as usize] += n;
    }
    let label = |i: i64| match unit {
        "day" => day_string(i),
        "month" => format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1),
        _ => i.to_string(),
    };
    Some(Timeline {
        unit,
        periods: (start..=end)
            .zip(counts)
            .map(|(i, n)| (label(i), n))
            .collect(),
    })
}

fn text_column(p: &mut ColumnProfile, t: TextAcc, opts: &ProfileOptions) {
    p.empty = t.empty;
    let present = t.present();
    let analysis: TextAnalysis;
    let lengths: HashMap<u64, u64>;
    let (lead, trail);
    match &t.vals {
        TextVals::Exact(map) => {
            let entries: Vec<(&str, u64)> = map.iter().map(|(k, &c)| (&**k, c)).collect();
            p.distinct = entries.len() as u64;
            p.unique = Some(entries.iter().filter(|x| x.1 == 1).count() as u64);
            p.entropy = stats::entropy(entries.iter().map(|x| x.1), present);
            let top = top_k(&entries, opts.top, |a, b| a.cmp(b));
            p.top = top
                .iter()
                .map(|(v, n)| TopValue {
                    value: Value::String(v.to_string()),
                    count: *n,
                    percent: pct(*n, p.count),
                })
                .collect();
            let mut low: Vec<&str> = Vec::new();
            let mut high: Vec<&str> = Vec::new();
            for &(v, _) in &entries {
                keep(&mut low, v, |a, b| a < b);
                keep(&mut high, v, |a, b| a > b);
            }
            p.smallest = low.iter().map(|s| Value::String(s.to_string())).collect();
            p.largest = high.iter().map(|s| Value::String(s.to_string())).collect();
            analysis = accum::analyse(&entries);
            lengths = analysis.lengths.clone();
            lead = analysis.lead_ws;
            trail = analysis.trail_ws;
        }
        TextVals::Sketch(s) => {
            p.distinct = s.sk.distinct().min(present);
            p.unique = None;
            let (rows, err) = accum::frequent(&s.sk.freq, opts.top);
            p.top = rows
                .iter()
                .map(|(v, n)| TopValue {
                    value: Value::String(v.clone()),
                    count: *n,
                    percent: pct(*n, p.count),
                })
                .collect();
            p.entropy = sketch_entropy(rows.iter().map(|x| x.1), present, p.distinct);
            p.smallest = s.sk.low.iter().map(|v| Value::String(v.clone())).collect();
            p.largest = s.sk.high.iter().map(|v| Value::String(v.clone())).collect();
            mark_sketched(p, s.sk.distinct_error(), err);
            for k in ["patterns", "entities", "hints"] {
                p.approximate
                    .insert(k.into(), approx("first_values", None, None));
            }
            analysis = s.analysis.clone();
            lengths = s.lengths.clone();
            lead = s.lead_ws;
            trail = s.trail_ws;
        }
    }
    p.duplicate = present.saturating_sub(p.distinct);
    // Lengths.
    if !lengths.is_empty() {
        let sorted = Sorted::new(lengths.iter().map(|(&l, &n)| (l as f64, n)).collect());
        let n = sorted.n();
        let (min, max) = (sorted.items[0].0, sorted.items[sorted.items.len() - 1].0);
        let mean = sorted.items.iter().map(|(l, c)| l * *c as f64).sum::<f64>() / n as f64;
        let iqr = sorted.quantile(0.75).unwrap_or(0.0) - sorted.quantile(0.25).unwrap_or(0.0);
        let dist = Dist::Exact(sorted);
        p.length = Some(Lengths {
            min: min as u64,
            max: max as u64,
            mean,
            histogram: histogram_of(&dist, min, max, iqr, true, opts.bins),
        });
    }
    // Patterns: the fixed-width form (`999-999-9999`) unless the collapsed form
    // (`Aa+ Aa+`) covers 90 % of the values with fewer patterns.
    let a = &analysis;
    let needed = |m: &HashMap<String, u64>| -> usize {
        let mut v: Vec<u64> = m.values().copied().collect();
        v.sort_unstable_by(|x, y| y.cmp(x));
        let total: u64 = v.iter().sum();
        let mut acc = 0;
        v.iter()
            .take_while(|&&c| {
                let before = acc;
                acc += c;
                before * 10 < total * 9
            })
            .count()
    };
    let chosen = if needed(&a.collapsed) < needed(&a.fixed) {
        &a.collapsed
    } else {
        &a.fixed
    };
    let pairs: Vec<(String, u64)> = chosen.iter().map(|(k, &v)| (k.clone(), v)).collect();
    p.patterns = Some(
        top_k(&pairs, 20, |x, y| x.cmp(y))
            .into_iter()
            .map(|(pattern, count)| PatternCount {
                pattern,
                count,
                percent: pct(count, a.n),
            })
            .collect(),
    );
    let mut ents: Vec<EntityMatch> = entities::names()
        .zip(a.entities.iter())
        .filter(|(_, n)| **n > 0)
        .map(|(entity, &count)| EntityMatch {
            entity,
            count,
            percent: pct(count, a.n),
        })
        .collect();
    ents.sort_by_key(|e| std::cmp::Reverse(e.count));
    p.entities = Some(ents);
    text_hints(p, a, lead, trail);
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn keep<'a>(list: &mut Vec<&'a str>, v: &'a str, less: impl Fn(&str, &str) -> bool) {
    if list.len() == accum::EXTREMES && !less(v, list[accum::EXTREMES - 1]) {
        return;
    }
    let pos = list.iter().position(|x| less(v, x)).unwrap_or(list.len());
    list.insert(pos, v);
    list.truncate(accum::EXTREMES);
}

fn text_hints(p: &mut ColumnProfile, a: &TextAnalysis, lead: u64, trail: u64) {
    let total = p.count;
    let mut hint = |kind: &'static str, count: u64, message: String, format: Option<String>| {
        p.hints.push(Hint {
            kind,
            count,
            percent: pct(count, total),
            message,
            format,
        });
    };
    let n = a.n;
    if n > 0 && a.ints * 2 >= n {
        let mut m = format!(
            "{:.1}% of values are whole numbers stored as text",
            pct(a.ints, n)
        );
        if a.leading_zero > 0 {
            m.push_str(&format!(" ({} with leading zeros: codes?)", a.leading_zero));
        }
        hint("integers_as_text", a.ints, m, None);
    } else if n > 0 && a.numbers * 2 >= n {
        hint(
            "numbers_as_text",
            a.numbers,
            format!(
                "{:.1}% of values are numbers stored as text",
                pct(a.numbers, n)
            ),
            None,
        );
    }
    let dated: u64 = a.dates.values().sum();
    if n > 0 && dated * 2 >= n {
        let mut formats: Vec<(&&str, &u64)> = a.dates.iter().collect();
        formats.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
        let list: Vec<String> = formats
            .iter()
            .take(3)
            .map(|(f, c)| format!("{f} {:.0}%", pct(**c, n)))
            .collect();
        hint(
            "dates_as_text",
            dated,
            format!(
                "{:.1}% of values are dates stored as text (format {})",
                pct(dated, n),
                list.join(", ")
            ),
            formats.first().map(|f| f.0.to_string()),
        );
    }
    if lead > 0 {
        hint(
            "leading_whitespace",
            lead,
            format!(
                "{lead} {} with whitespace",
                plural(lead, "value starts", "values start")
            ),
            None,
        );
    }
    if trail > 0 {
        hint(
            "trailing_whitespace",
            trail,
            format!(
                "{trail} {} with whitespace",
                plural(trail, "value ends", "values end")
            ),
            None,
        );
    }
    let styles = a.cases.iter().filter(|&&c| c > 0).count();
    let with_letters: u64 = a.cases.iter().sum();
    if styles > 1 && with_letters * 2 >= n {
        let dominant = a.cases.iter().copied().max().unwrap_or(0);
        let others = with_letters - dominant;
        let names = ["lower", "UPPER", "Title", "miXed"];
        let desc: Vec<String> = names
            .iter()
            .zip(a.cases.iter())
            .filter(|(_, c)| **c > 0)
            .map(|(n, c)| format!("{n} {c}"))
            .collect();
        hint(
            "mixed_case",
            others,
            format!("values mix letter cases: {}", desc.join(", ")),
            None,
        );
    }
}
