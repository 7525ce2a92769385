//! Per-column accumulators fed batch by batch. The core of each is an exact
//! value -> count map; past the cap it becomes sketches (HyperLogLog for distinct
//! values, KLL for quantiles, frequent items for the top values), and the statistics
//! that depend on them are marked approximate.

use std::cmp::Ordering;

use datasketches::common::{NumStdDev, SearchCriteria};
use datasketches::frequencies::{ErrorType, FrequentItemsSketch};
use datasketches::hll::{HllSketch, HllType};
use datasketches::kll::{KllFloat, KllSketch};
use hashbrown::HashMap;
use polars::prelude::*;
use rayon::prelude::*;

use super::entities;
use super::stats::{Moments, Sorted};
use super::text::{self, Case};

/// HyperLogLog precision: 2^14 registers, relative standard error 0.8 %.
const HLL_LG_K: u8 = 14;
/// KLL accuracy parameter: normalised rank error about 0.3 % (99 % confidence).
const KLL_K: u16 = 1000;
/// Frequent-items map size: counts are over-estimated by at most ~0.09 % of the rows.
const FREQ_MAP: usize = 4096;
/// Smallest and largest distinct values kept.
pub const EXTREMES: usize = 5;

/// How a column is accumulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Bool,
    Date,
    /// Datetime keys are in the column's unit; `tz` when the column has a time zone.
    Datetime(TimeUnit, bool),
    Text,
    /// Nested and other types: only counts.
    Other,
}

impl Kind {
    pub fn numeric(self) -> bool {
        matches!(self, Kind::Int | Kind::Float)
    }
    pub fn temporal(self) -> bool {
        matches!(self, Kind::Date | Kind::Datetime(..))
    }
    /// Keys are signed integers (else f64 bits).
    pub fn int_keys(self) -> bool {
        !matches!(self, Kind::Float)
    }
}

/// Units per day of a temporal kind.
pub fn per_day(kind: Kind) -> i64 {
    match kind {
        Kind::Datetime(TimeUnit::Nanoseconds, _) => 86_400_000_000_000,
        Kind::Datetime(TimeUnit::Microseconds, _) => 86_400_000_000,
        Kind::Datetime(TimeUnit::Milliseconds, _) => 86_400_000,
        _ => 1,
    }
}

/// The numeric value of a key.
pub fn key_f64(kind: Kind, key: u64) -> f64 {
    if kind.int_keys() {
        key as i64 as f64
    } else {
        f64::from_bits(key)
    }
}

fn key_cmp(kind: Kind, a: u64, b: u64) -> Ordering {
    if kind.int_keys() {
        (a as i64).cmp(&(b as i64))
    } else {
        f64::from_bits(a).total_cmp(&f64::from_bits(b))
    }
}

/// Insert `v` into a sorted list of at most EXTREMES distinct values.
fn keep_extreme<T: PartialEq>(list: &mut Vec<T>, v: T, less: impl Fn(&T, &T) -> bool) {
    if list.len() == EXTREMES && !less(&v, &list[EXTREMES - 1]) {
        return;
    }
    if list.contains(&v) {
        return;
    }
    let pos = list.iter().position(|x| less(&v, x)).unwrap_or(list.len());
    list.insert(pos, v);
    list.truncate(EXTREMES);
}

/// Sketches standing in for an exact count map past the cap.
pub struct Sketches<T: Eq + std::hash::Hash> {
    pub hll: HllSketch,
    pub freq: FrequentItemsSketch<T>,
    pub low: Vec<T>,
    /// Largest first.
    pub high: Vec<T>,
    /// Distinct values when the map was given up.
    pub seeded_distinct: u64,
}

impl<T: Eq + std::hash::Hash> Sketches<T> {
    fn new() -> Self {
        Sketches {
            hll: HllSketch::new(HLL_LG_K, HllType::Hll8).expect("valid HLL size"),
            freq: FrequentItemsSketch::new(FREQ_MAP).expect("valid map size"),
            low: Vec::new(),
            high: Vec::new(),
            seeded_distinct: 0,
        }
    }

    pub fn distinct(&self) -> u64 {
        self.hll.estimate().round() as u64
    }

    /// Relative error of the distinct estimate at about 95 % confidence.
    pub fn distinct_error(&self) -> f64 {
        let e = self.hll.estimate();
        if e <= 0.0 {
            0.0
        } else {
            (self.hll.upper_bound(NumStdDev::Two) - e) / e
        }
    }
}

/// Values of an int, float, date or datetime column.
pub enum KeyVals {
    Exact(HashMap<u64, u64>),
    Sketch(Box<(Sketches<u64>, KllSketch<KllFloat<f64>>)>),
}

/// Accumulator of a numeric or temporal column.
pub struct KeyAcc {
    pub kind: Kind,
    pub nan: u64,
    pub zeros: u64,
    pub negatives: u64,
    pub moments: Moments,
    pub sum: f64,
    pub vals: KeyVals,
    /// Sketch mode of temporal columns: day -> count, and values in the future.
    pub days: HashMap<i64, u64>,
    pub future: u64,
    /// "Now" in the column's unit (temporal columns).
    pub now: i64,
    /// Correlation shift (first batch's mean).
    pub shift: Option<f64>,
}

/// One numeric column of one batch, ready for correlation sums: shifted values (0 where
/// missing) and a presence mask (None when all present).
pub struct CorrCol {
    pub x: Vec<f64>,
    pub mask: Option<Vec<f64>>,
}

impl KeyAcc {
    pub fn new(kind: Kind, now: i64) -> KeyAcc {
        KeyAcc {
            kind,
            nan: 0,
            zeros: 0,
            negatives: 0,
            moments: Moments::default(),
            sum: 0.0,
            vals: KeyVals::Exact(HashMap::new()),
            days: HashMap::new(),
            future: 0,
            now,
            shift: None,
        }
    }

    pub fn present(&self) -> u64 {
        match &self.vals {
            KeyVals::Exact(m) => m.values().sum(),
            KeyVals::Sketch(s) => s.1.n(),
        }
    }

    /// Add one batch's column (already int64 or float64 physical values).
    pub fn update(&mut self, s: &Series, want_corr: bool) -> PolarsResult<Option<CorrCol>> {
        let len = s.len();
        let numeric = self.kind.numeric();
        let mut present: Vec<f64> = Vec::new();
        let mut corr = want_corr.then(|| CorrCol {
            x: Vec::with_capacity(len),
            mask: (s.null_count() > 0 || self.kind == Kind::Float).then(|| Vec::with_capacity(len)),
        });
        let mut keys: Vec<u64> = Vec::with_capacity(len - s.null_count());
        if self.kind.int_keys() {
            let ca = s.i64()?;
            for arr in ca.downcast_iter() {
                for v in arr.iter() {
                    let x = match v {
                        Some(&v) => {
                            keys.push(v as u64);
                            if numeric {
                                present.push(v as f64);
                            }
                            v as f64
                        }
                        None => f64::NAN,
                    };
                    if let Some(c) = corr.as_mut() {
                        c.x.push(x);
                    }
                }
            }
        } else {
            let ca = s.f64()?;
            for arr in ca.downcast_iter() {
                for v in arr.iter() {
                    match v {
                        Some(&v) if !v.is_nan() => {
                            let v = if v == 0.0 { 0.0 } else { v };
                            keys.push(v.to_bits());
                            present.push(v);
                            if let Some(c) = corr.as_mut() {
                                c.x.push(v);
                            }
                        }
                        Some(_) => {
                            self.nan += 1;
                            if let Some(c) = corr.as_mut() {
                                c.x.push(f64::NAN);
                            }
                        }
                        None => {
                            if let Some(c) = corr.as_mut() {
                                c.x.push(f64::NAN);
                            }
                        }
                    }
                }
            }
        }
        if numeric {
            let m = Moments::of(&present);
            self.sum += present.iter().sum::<f64>();
            self.moments.merge(&m);
            for &v in &present {
                self.zeros += (v == 0.0) as u64;
                self.negatives += (v < 0.0) as u64;
            }
            if self.shift.is_none() && m.n > 0.0 {
                self.shift = Some(m.mean);
            }
        }
        if let Some(c) = corr.as_mut() {
            let shift = self.shift.unwrap_or(0.0);
            if let Some(mask) = c.mask.as_mut() {
                for x in c.x.iter_mut() {
                    if x.is_nan() {
                        *x = 0.0;
                        mask.push(0.0);
                    } else {
                        *x -= shift;
                        mask.push(1.0);
                    }
                }
            } else {
                for x in c.x.iter_mut() {
                    *x -= shift;
                }
            }
        }
        self.add_keys(&keys);
        Ok(corr)
    }

    fn add_keys(&mut self, keys: &[u64]) {
        let kind = self.kind;
        match &mut self.vals {
            KeyVals::Exact(map) => {
                // Runs of equal values (sorted or constant columns) cost one lookup.
                let mut iter = keys.iter();
                let Some(&first) = iter.next() else { return };
                let (mut prev, mut run) = (first, 1u64);
                for &k in iter {
                    if k == prev {
                        run += 1;
                    } else {
                        *map.entry(prev).or_insert(0) += run;
                        prev = k;
                        run = 1;
                    }
                }
                *map.entry(prev).or_insert(0) += run;
            }
            KeyVals::Sketch(b) => {
                let (sk, kll) = &mut **b;
                let per_day = per_day(kind);
                for &k in keys {
                    sk.hll.update(k);
                    sk.freq.update(k);
                    let v = key_f64(kind, k);
                    if let Ok(f) = KllFloat::<f64>::new(v) {
                        kll.update(f);
                    }
                    keep_extreme(&mut sk.low, k, |a, b| key_cmp(kind, *a, *b).is_lt());
                    keep_extreme(&mut sk.high, k, |a, b| key_cmp(kind, *a, *b).is_gt());
                    if kind.temporal() {
                        *self.days.entry((k as i64).div_euclid(per_day)).or_insert(0) += 1;
                        self.future += ((k as i64) > self.now) as u64;
                    }
                }
            }
        }
    }

    /// Give up the exact map for sketches when it holds more than `cap` values.
    pub fn check_cap(&mut self, cap: usize) {
        let KeyVals::Exact(map) = &self.vals else {
            return;
        };
        if map.len() <= cap {
            return;
        }
        let kind = self.kind;
        let mut sk = Sketches::new();
        let mut kll = KllSketch::<KllFloat<f64>>::new(KLL_K).expect("valid k");
        sk.seeded_distinct = map.len() as u64;
        let mut sorted: Vec<u64> = map.keys().copied().collect();
        sorted.sort_by(|a, b| key_cmp(kind, *a, *b));
        sk.low = sorted.iter().take(EXTREMES).copied().collect();
        sk.high = sorted.iter().rev().take(EXTREMES).copied().collect();
        let per_day = per_day(kind);
        for (&k, &c) in map.iter() {
            sk.hll.update(k);
            sk.freq.update_with_count(k, c);
            if let Ok(f) = KllFloat::<f64>::new(key_f64(kind, k)) {
                for _ in 0..c {
                    kll.update(f);
                }
            }
            if kind.temporal() {
                *self.days.entry((k as i64).div_euclid(per_day)).or_insert(0) += c;
                if (k as i64) > self.now {
                    self.future += c;
                }
            }
        }
        self.vals = KeyVals::Sketch(Box::new((sk, kll)));
    }
}

/// Values of a text column.
pub enum TextVals {
    Exact(HashMap<Box<str>, u64>),
    Sketch(Box<TextSketch>),
}

/// A text column past the cap.
pub struct TextSketch {
    pub sk: Sketches<String>,
    /// Length (characters) -> count, and whitespace, for every value.
    pub lengths: HashMap<u64, u64>,
    pub lead_ws: u64,
    pub trail_ws: u64,
    /// Patterns, entities, case and as-text hints of the values seen before the cap.
    pub analysis: TextAnalysis,
}

pub struct TextAcc {
    pub empty: u64,
    pub vals: TextVals,
}

impl TextAcc {
    pub fn new() -> TextAcc {
        TextAcc {
            empty: 0,
            vals: TextVals::Exact(HashMap::new()),
        }
    }

    pub fn present(&self) -> u64 {
        match &self.vals {
            TextVals::Exact(m) => m.values().sum(),
            TextVals::Sketch(s) => s.sk.freq.total_weight(),
        }
    }

    pub fn update(&mut self, s: &Series) -> PolarsResult<()> {
        let ca = s.str()?;
        let has_nulls = ca.null_count() > 0;
        for arr in ca.downcast_iter() {
            let mut add = |v: &str| {
                if v.is_empty() {
                    self.empty += 1;
                }
                match &mut self.vals {
                    TextVals::Exact(map) => {
                        if let Some(c) = map.get_mut(v) {
                            *c += 1;
                        } else {
                            map.insert(v.into(), 1);
                        }
                    }
                    TextVals::Sketch(t) => t.add(v),
                }
            };
            if has_nulls {
                for v in arr.iter().flatten() {
                    add(v);
                }
            } else {
                for v in arr.values_iter() {
                    add(v);
                }
            }
        }
        Ok(())
    }

    pub fn check_cap(&mut self, cap: usize) {
        let TextVals::Exact(map) = &self.vals else {
            return;
        };
        if map.len() <= cap {
            return;
        }
        let mut sk = Sketches::<String>::new();
        sk.seeded_distinct = map.len() as u64;
        let entries: Vec<(&str, u64)> = map.iter().map(|(k, &c)| (&**k, c)).collect();
        let analysis = analyse(&entries);
        for &(k, c) in &entries {
            sk.hll.update(k);
            sk.freq.update_with_count_ref(k, c);
            keep_extreme(&mut sk.low, k.to_string(), |a, b| a < b);
            keep_extreme(&mut sk.high, k.to_string(), |a, b| a > b);
        }
        let t = TextSketch {
            sk,
            lengths: analysis.lengths.clone(),
            lead_ws: analysis.lead_ws,
            trail_ws: analysis.trail_ws,
            analysis,
        };
        self.vals = TextVals::Sketch(Box::new(t));
    }
}

impl TextSketch {
    fn add(&mut self, v: &str) {
        self.sk.hll.update(v);
        self.sk.freq.update_ref(v);
        if self.sk.low.len() < EXTREMES || v < self.sk.low[self.sk.low.len() - 1].as_str() {
            keep_extreme(&mut self.sk.low, v.to_string(), |a, b| a < b);
        }
        if self.sk.high.len() < EXTREMES || v > self.sk.high[self.sk.high.len() - 1].as_str() {
            keep_extreme(&mut self.sk.high, v.to_string(), |a, b| a > b);
        }
        *self.lengths.entry(text::char_len(v) as u64).or_insert(0) += 1;
        if v.starts_with(char::is_whitespace) {
            self.lead_ws += 1;
        }
        if v.ends_with(char::is_whitespace) {
            self.trail_ws += 1;
        }
    }
}

/// What the distinct values of a text column look like, weighted by their counts.
#[derive(Debug, Clone, Default)]
pub struct TextAnalysis {
    /// Weight of the non-empty values analysed.
    pub n: u64,
    pub lengths: HashMap<u64, u64>,
    pub lead_ws: u64,
    pub trail_ws: u64,
    pub cases: [u64; 4],
    pub ints: u64,
    pub leading_zero: u64,
    pub numbers: u64,
    pub dates: HashMap<&'static str, u64>,
    pub fixed: HashMap<String, u64>,
    pub collapsed: HashMap<String, u64>,
    pub entities: [u64; entities::COUNT],
}

impl TextAnalysis {
    fn add(
        &mut self,
        v: &str,
        c: u64,
        date_hint: &mut Option<&'static str>,
        ents: &mut Vec<usize>,
    ) {
        *self.lengths.entry(text::char_len(v) as u64).or_insert(0) += c;
        if v.is_empty() {
            return;
        }
        self.n += c;
        if v.starts_with(char::is_whitespace) {
            self.lead_ws += c;
        }
        if v.ends_with(char::is_whitespace) {
            self.trail_ws += c;
        }
        if let Some(case) = text::case_of(v) {
            let i = match case {
                Case::Lower => 0,
                Case::Upper => 1,
                Case::Title => 2,
                Case::Mixed => 3,
            };
            self.cases[i] += c;
        }
        let t = v.trim();
        if text::is_int(t) {
            self.ints += c;
            if text::has_leading_zero(t) {
                self.leading_zero += c;
            }
        }
        if text::is_number(t) {
            self.numbers += c;
        }
        let date = text::date_format(t, *date_hint);
        if let Some(f) = date {
            *date_hint = Some(f);
            *self.dates.entry(f).or_insert(0) += c;
        }
        *self.fixed.entry(text::fixed_pattern(v)).or_insert(0) += c;
        *self
            .collapsed
            .entry(text::collapsed_pattern(v))
            .or_insert(0) += c;
        entities::detect(v, date.is_some(), ents);
        for &e in ents.iter() {
            self.entities[e] += c;
        }
    }

    fn merge(mut self, o: TextAnalysis) -> TextAnalysis {
        self.n += o.n;
        for (k, v) in o.lengths {
            *self.lengths.entry(k).or_insert(0) += v;
        }
        self.lead_ws += o.lead_ws;
        self.trail_ws += o.trail_ws;
        for i in 0..4 {
            self.cases[i] += o.cases[i];
        }
        self.ints += o.ints;
        self.leading_zero += o.leading_zero;
        self.numbers += o.numbers;
        for (k, v) in o.dates {
            *self.dates.entry(k).or_insert(0) += v;
        }
        for (k, v) in o.fixed {
            *self.fixed.entry(k).or_insert(0) += v;
        }
        for (k, v) in o.collapsed {
            *self.collapsed.entry(k).or_insert(0) += v;
        }
        for i in 0..entities::COUNT {
            self.entities[i] += o.entities[i];
        }
        self
    }
}

/// Analyse distinct values (with counts) in parallel.
pub fn analyse(entries: &[(&str, u64)]) -> TextAnalysis {
    entries
        .par_chunks(4096)
        .map(|chunk| {
            let mut a = TextAnalysis::default();
            let mut hint = None;
            let mut ents = Vec::new();
            for &(v, c) in chunk {
                a.add(v, c, &mut hint, &mut ents);
            }
            a
        })
        .reduce(TextAnalysis::default, TextAnalysis::merge)
}

/// Top values of a frequent-items sketch with the sketch's maximum count error.
pub fn frequent<T: Eq + std::hash::Hash + Clone>(
    f: &FrequentItemsSketch<T>,
    k: usize,
) -> (Vec<(T, u64)>, u64) {
    let mut rows: Vec<(T, u64)> = f
        .frequent_items(ErrorType::NoFalseNegatives)
        .into_iter()
        .map(|r| (r.item().clone(), r.estimate()))
        .collect();
    rows.truncate(k);
    (rows, f.maximum_error())
}

/// The distribution of a numeric column: exact (sorted distinct values with counts) or
/// a KLL sketch.
pub enum Dist<'a> {
    Exact(Sorted),
    Kll(&'a KllSketch<KllFloat<f64>>),
}

impl Dist<'_> {
    pub fn n(&self) -> u64 {
        match self {
            Dist::Exact(s) => s.n(),
            Dist::Kll(k) => k.n(),
        }
    }

    pub fn quantile(&self, q: f64) -> Option<f64> {
        match self {
            Dist::Exact(s) => s.quantile(q),
            Dist::Kll(k) => k
                .quantile(q, SearchCriteria::Inclusive)
                .ok()
                .flatten()
                .map(|v| v.into_inner()),
        }
    }

    pub fn median(&self) -> Option<f64> {
        match self {
            Dist::Exact(s) => s.median(),
            Dist::Kll(_) => self.quantile(0.5),
        }
    }

    /// Fraction of values < x (or <= x when `inclusive`).
    fn rank(k: &KllSketch<KllFloat<f64>>, x: f64, inclusive: bool) -> f64 {
        let Ok(x) = KllFloat::<f64>::new(x) else {
            return 0.0;
        };
        let c = if inclusive {
            SearchCriteria::Inclusive
        } else {
            SearchCriteria::Exclusive
        };
        k.rank(&x, c).unwrap_or(0.0)
    }

    pub fn mad(&self, median: f64) -> Option<f64> {
        match self {
            Dist::Exact(s) => s.mad(median),
            Dist::Kll(k) => {
                let (min, max) = (k.min_item()?.into_inner(), k.max_item()?.into_inner());
                let (mut lo, mut hi) = (0.0, (max - median).max(median - min));
                for _ in 0..80 {
                    let mid = (lo + hi) / 2.0;
                    let inside =
                        Self::rank(k, median + mid, true) - Self::rank(k, median - mid, false);
                    if inside >= 0.5 {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                Some(hi)
            }
        }
    }

    pub fn histogram(&self, edges: &[f64]) -> Vec<u64> {
        match self {
            Dist::Exact(s) => s.histogram(edges),
            Dist::Kll(k) => {
                let n = k.n() as f64;
                let nb = edges.len() - 1;
                let mut counts = Vec::with_capacity(nb);
                let mut prev = 0.0;
                for (i, &e) in edges[1..].iter().enumerate() {
                    let r = if i + 1 == nb {
                        1.0
                    } else {
                        Self::rank(k, e, false)
                    };
                    counts.push(((r - prev) * n).round().max(0.0) as u64);
                    prev = r;
                }
                counts
            }
        }
    }

    /// How many values lie outside [lo, hi].
    pub fn outside(&self, lo: f64, hi: f64) -> (u64, Vec<f64>) {
        match self {
            Dist::Exact(s) => s.outside(lo, hi, 10),
            Dist::Kll(k) => {
                let out = Self::rank(k, lo, false) + 1.0 - Self::rank(k, hi, true);
                ((out * k.n() as f64).round() as u64, Vec::new())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_stay_sorted_and_distinct() {
        let mut low = Vec::new();
        for v in [5, 3, 9, 3, 1, 7, 2, 8, 0] {
            keep_extreme(&mut low, v, |a, b| a < b);
        }
        assert_eq!(low, vec![0, 1, 2, 3, 5]);
    }

    #[test]
    fn key_sketch_mode_is_close_to_exact() {
        let s = Series::new(
            "x".into(),
            (0..20_000i64).map(|i| i % 5000).collect::<Vec<_>>(),
        );
        let mut acc = KeyAcc::new(Kind::Int, 0);
        acc.update(&s.slice(0, 1000), false).unwrap();
        acc.check_cap(100);
        acc.update(&s.slice(1000, 19_000), false).unwrap();
        let KeyVals::Sketch(b) = &acc.vals else {
            panic!("expected sketch mode")
        };
        let d = b.0.distinct() as f64;
        assert!((d - 5000.0).abs() / 5000.0 < 0.03, "{d}");
        let med = Dist::Kll(&b.1).median().unwrap();
        assert!((med - 2500.0).abs() < 100.0, "{med}");
        assert_eq!(b.0.low, vec![0, 1, 2, 3, 4]);
        assert_eq!(acc.moments.n, 20_000.0);
    }
}
