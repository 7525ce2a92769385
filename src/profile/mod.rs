//! Column and dataset statistics in one streaming pass.
//!
//! [`profile`] streams a LazyFrame in batches (polars' streaming engine, `sink_batches`)
//! and feeds one accumulator per column, the columns of a batch in parallel. The core
//! of each accumulator is an exact value -> count map, from which distinct, unique,
//! duplicate, top values, entropy, extremes, quantiles, MAD, the histogram, outliers,
//! text shapes and entities all follow exactly. Moments are merged across batches
//! exactly. A column with more distinct values than [`ProfileOptions::cap`] switches to
//! sketches (HyperLogLog, KLL, frequent items), and every statistic that then depends on
//! a sketch is listed in the column's `approximate` map with its error bound.
//!
//! Definitions follow pandas / NumPy: sample standard deviation (ddof 1), pandas'
//! `skew` (adjusted Fisher–Pearson G1) and `kurt` (bias-corrected excess G2), NumPy's
//! linear percentiles and "auto" histogram bins, scipy's unscaled MAD, Shannon entropy
//! in nats (as Deequ / AWS Glue Data Quality).

mod accum;
pub mod cluster;
pub mod entities;
mod finish;
pub mod render;
pub mod stats;
pub mod text;

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Arc;

use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use accum::{CorrCol, KeyAcc, Kind, TextAcc};
use stats::PairSums;

/// The version of the profile JSON.
pub const VERSION: u32 = 1;

/// Distinct values of a column, missing values not counted (an empty string is a
/// value). The one definition the grid header, the status bar and the profile share.
pub fn distinct_values(c: &Column) -> Option<u64> {
    let n = c.as_materialized_series().n_unique().ok()? as u64;
    Some(n - u64::from(c.null_count() > 0))
}

/// Distinct values per column kept exactly before sketches take over.
pub const DEFAULT_CAP: usize = 1 << 20;

/// Distinct row hashes kept exactly for the duplicate-row count.
pub const ROW_HASH_CAP: usize = 1 << 23;

/// Numeric columns beyond this many are left out of the correlation matrix.
pub const MAX_CORRELATION_COLUMNS: usize = 64;

/// Called with the number of rows profiled so far.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// How to profile.
#[derive(Clone)]
pub struct ProfileOptions {
    /// Distinct values per column kept exactly; `usize::MAX` for exact everything.
    pub cap: usize,
    /// Histogram bins (None: NumPy's "auto" rule, at most 100).
    pub bins: Option<usize>,
    /// How many top values to list.
    pub top: usize,
    /// Rows per batch.
    pub batch_rows: usize,
    /// "Now" for values in the future (None: the clock).
    pub now: Option<chrono::NaiveDateTime>,
    pub progress: Option<Progress>,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        ProfileOptions {
            cap: DEFAULT_CAP,
            bins: None,
            top: 50,
            batch_rows: 100_000,
            now: None,
            progress: None,
        }
    }
}

impl ProfileOptions {
    /// Exact statistics whatever the size.
    pub fn exact() -> Self {
        ProfileOptions {
            cap: usize::MAX,
            ..ProfileOptions::default()
        }
    }
}

/// Errors profiling.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Reading or converting the data failed (for a full read, possibly a late value
    /// that does not fit the inferred type).
    #[error("{0}")]
    Polars(String),
    #[error("the profiling thread stopped unexpectedly")]
    Panicked,
}

impl From<PolarsError> for ProfileError {
    fn from(e: PolarsError) -> Self {
        ProfileError::Polars(crate::transform::clean_polars_error(&e))
    }
}

/// How a statistic is approximate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Approx {
    /// `hyperloglog`, `kll`, `frequent_items` or `first_values`.
    pub method: &'static str,
    /// The error bound, in the unit `error_kind` names; null when there is no bound.
    pub error: Option<f64>,
    /// `relative` (fraction of the value, ~95 % confidence), `rank` (fraction of the
    /// rows by which the value's rank may be off, 99 % confidence) or `count` (most by
    /// which a count is over-estimated).
    pub error_kind: Option<&'static str>,
}

/// The whole profile.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub wort_profile: u32,
    pub dataset: DatasetProfile,
    pub columns: Vec<ColumnProfile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatasetProfile {
    /// The inputs (set by the command line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    /// The sample profiled (set by the command line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    pub rows: u64,
    pub columns: usize,
    pub duplicate_rows: u64,
    pub duplicate_rows_percent: f64,
    pub estimated_size_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlations: Option<Correlations>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub approximate: BTreeMap<String, Approx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Correlations {
    pub method: &'static str,
    pub columns: Vec<String>,
    /// Pearson's r, row by row in the order of `columns`; null when undefined.
    pub matrix: Vec<Vec<Option<f64>>>,
    /// The pairs with the largest |r|, strongest first.
    pub strongest: Vec<CorrelationPair>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrelationPair {
    pub a: String,
    pub b: String,
    pub r: f64,
    /// Rows where both are present.
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopValue {
    pub value: Value,
    pub count: u64,
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Histogram {
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outliers {
    pub method: &'static str,
    pub threshold: f64,
    pub lower: f64,
    pub upper: f64,
    pub count: u64,
    pub percent: f64,
    pub samples: Vec<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lengths {
    pub min: u64,
    pub max: u64,
    pub mean: f64,
    pub histogram: Histogram,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatternCount {
    pub pattern: String,
    pub count: u64,
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityMatch {
    pub entity: &'static str,
    pub count: u64,
    pub percent: f64,
}

/// Values per period of a date or datetime column, every period from the first to the
/// last (empty ones too): days when the values span at most three months, months
/// when at most six years, else years. For the workbench's timeline chart.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// `day`, `month` or `year`.
    pub unit: &'static str,
    /// (label, count): `2013-01-05`, `2013-01`, `2013`.
    pub periods: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearCount {
    pub year: i32,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hint {
    pub kind: &'static str,
    pub count: u64,
    pub percent: f64,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// Statistics of one column. Fields that do not apply to the column's type are absent
/// from the JSON.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ColumnProfile {
    pub name: String,
    /// wort's type: int, float, bool, date, datetime, text...
    #[serde(rename = "type")]
    pub logical_type: String,
    /// polars' data type.
    pub dtype: String,
    pub count: u64,
    pub null: u64,
    pub empty: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nan: Option<u64>,
    pub missing: u64,
    pub missing_percent: f64,
    pub distinct: u64,
    pub distinct_percent: f64,
    pub unique: Option<u64>,
    pub duplicate: u64,
    pub entropy: f64,
    pub mode: Option<Value>,
    pub top: Vec<TopValue>,
    pub smallest: Vec<Value>,
    pub largest: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub std: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skewness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kurtosis: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p5: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p25: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p75: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iqr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mad: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zeros: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negatives: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outliers: Option<Outliers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
    #[serde(rename = "true", skip_serializing_if = "Option::is_none")]
    pub true_count: Option<u64>,
    #[serde(rename = "false", skip_serializing_if = "Option::is_none")]
    pub false_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<Lengths>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patterns: Option<Vec<PatternCount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<EntityMatch>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_year: Option<Vec<YearCount>>,
    /// January first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_month: Option<Vec<u64>>,
    /// Monday first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_weekday: Option<Vec<u64>>,
    /// Values per day, month or year, for the workbench's chart (not in the JSON
    /// report, which has `by_year`, `by_month` and `by_weekday`).
    #[serde(skip)]
    pub timeline: Option<Timeline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub future: Option<u64>,
    pub hints: Vec<Hint>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub approximate: BTreeMap<String, Approx>,
}

impl ColumnProfile {
    /// Values that are neither null nor NaN (empty strings included).
    pub fn present(&self) -> u64 {
        self.count - self.null - self.nan.unwrap_or(0)
    }
}

impl Profile {
    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// One column's accumulator.
struct ColAcc {
    name: String,
    kind: Kind,
    dtype: DataType,
    rows: u64,
    null: u64,
    body: Body,
}

enum Body {
    Keys(KeyAcc),
    Bool { t: u64, f: u64 },
    Text(TextAcc),
    Other,
}

/// Row-hash set for duplicate rows, or a HyperLogLog past the cap.
enum RowSet {
    Exact(hashbrown::HashSet<u64>),
    Sketch(Box<datasketches::hll::HllSketch>),
}

struct Acc {
    cols: Vec<ColAcc>,
    rows: u64,
    size: u64,
    rowset: RowSet,
    /// Columns that take part in row hashing (not nested types).
    hashable: Vec<String>,
    /// Indexes of the numeric columns in the correlation matrix.
    corr_cols: Vec<usize>,
    pairs: Vec<((usize, usize), PairSums)>,
}

/// The kind of a column and the cast that brings it to the physical type accumulated.
fn plan_column(name: &str, dt: &DataType) -> (Kind, Option<Expr>) {
    let c = || col(name);
    match dt {
        DataType::Boolean => (Kind::Bool, None),
        DataType::Int64 => (Kind::Int, None),
        DataType::UInt64 => (Kind::Float, Some(c().cast(DataType::Float64))),
        dt if dt.is_integer() => {
            if matches!(dt, DataType::Int8 | DataType::Int16 | DataType::Int32)
                || matches!(dt, DataType::UInt8 | DataType::UInt16 | DataType::UInt32)
            {
                (Kind::Int, Some(c().cast(DataType::Int64)))
            } else {
                (Kind::Float, Some(c().cast(DataType::Float64)))
            }
        }
        DataType::Float64 => (Kind::Float, None),
        dt if dt.is_float() || dt.is_decimal() => (Kind::Float, Some(c().cast(DataType::Float64))),
        DataType::String => (Kind::Text, None),
        DataType::Date => (Kind::Date, None),
        DataType::Datetime(u, tz) => (Kind::Datetime(*u, tz.is_some()), None),
        DataType::Duration(_) => (Kind::Int, Some(c().to_physical().cast(DataType::Int64))),
        DataType::Categorical(..) | DataType::Enum(..) | DataType::Time | DataType::Null => {
            (Kind::Text, Some(c().cast(DataType::String)))
        }
        _ => (Kind::Other, None),
    }
}

fn now_in(kind: Kind, now: chrono::NaiveDateTime) -> i64 {
    let micros = now.and_utc().timestamp_micros();
    match kind {
        Kind::Date => micros.div_euclid(86_400_000_000),
        Kind::Datetime(TimeUnit::Nanoseconds, _) => micros.saturating_mul(1000),
        Kind::Datetime(TimeUnit::Milliseconds, _) => micros.div_euclid(1000),
        _ => micros,
    }
}

impl Acc {
    fn new(schema: &Schema, opts: &ProfileOptions) -> Acc {
        let now = opts.now.unwrap_or_else(|| chrono::Utc::now().naive_utc());
        let cols: Vec<ColAcc> = schema
            .iter()
            .map(|(name, dt)| {
                let (kind, _) = plan_column(name, dt);
                let body = match kind {
                    Kind::Bool => Body::Bool { t: 0, f: 0 },
                    Kind::Text => Body::Text(TextAcc::new()),
                    Kind::Other => Body::Other,
                    k => Body::Keys(KeyAcc::new(k, now_in(k, now))),
                };
                ColAcc {
                    name: name.to_string(),
                    kind,
                    dtype: dt.clone(),
                    rows: 0,
                    null: 0,
                    body,
                }
            })
            .collect();
        let corr_cols: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind.numeric())
            .map(|(i, _)| i)
            .take(MAX_CORRELATION_COLUMNS)
            .collect();
        let mut pairs = Vec::new();
        for a in 0..corr_cols.len() {
            for b in a + 1..corr_cols.len() {
                pairs.push(((a, b), PairSums::default()));
            }
        }
        let hashable = cols
            .iter()
            .filter(|c| c.kind != Kind::Other)
            .map(|c| c.name.clone())
            .collect();
        Acc {
            cols,
            hashable,
            rows: 0,
            size: 0,
            rowset: RowSet::Exact(hashbrown::HashSet::new()),
            corr_cols,
            pairs,
        }
    }

    fn update(&mut self, df: &DataFrame, cap: usize) -> Result<(), ProfileError> {
        self.rows += df.height() as u64;
        self.size += df.estimated_size() as u64;
        let corr_cols = &self.corr_cols;
        let want_corr = corr_cols.len() >= 2;
        let columns = df.columns();
        let (results, hashes) = rayon::join(
            || {
                self.cols
                    .par_iter_mut()
                    .zip(columns.par_iter())
                    .enumerate()
                    .map(|(i, (acc, column))| {
                        let corr = want_corr && corr_cols.contains(&i);
                        acc.update(column.as_materialized_series(), corr, cap)
                    })
                    .collect::<Vec<_>>()
            },
            || {
                let mut d = if self.hashable.len() == columns.len() {
                    df.clone()
                } else {
                    df.select(self.hashable.iter().map(|s| s.as_str()))
                        .unwrap_or_else(|_| df.clone())
                };
                d.hash_rows(Some(foldhash::quality::SeedableRandomState::fixed()))
            },
        );
        let mut corr: Vec<Option<CorrCol>> = Vec::with_capacity(results.len());
        for r in results {
            corr.push(r?);
        }
        let hashes = hashes?;
        let rowset = &mut self.rowset;
        let pairs = &mut self.pairs;
        let corr_cols = &self.corr_cols;
        rayon::join(
            || {
                if want_corr {
                    pairs.par_iter_mut().for_each(|((a, b), sums)| {
                        if let (Some(x), Some(y)) = (&corr[corr_cols[*a]], &corr[corr_cols[*b]]) {
                            sums.add(&x.x, &y.x, x.mask.as_deref(), y.mask.as_deref());
                        }
                    });
                }
            },
            || add_row_hashes(rowset, &hashes),
        );
        Ok(())
    }
}

fn add_row_hashes(rowset: &mut RowSet, hashes: &UInt64Chunked) {
    match rowset {
        RowSet::Exact(set) => {
            for arr in hashes.downcast_iter() {
                set.extend(arr.values_iter().copied());
            }
            if set.len() > ROW_HASH_CAP {
                let mut hll =
                    datasketches::hll::HllSketch::new(16, datasketches::hll::HllType::Hll8)
                        .expect("valid HLL size");
                for h in set.iter() {
                    hll.update(*h);
                }
                *rowset = RowSet::Sketch(Box::new(hll));
            }
        }
        RowSet::Sketch(hll) => {
            for arr in hashes.downcast_iter() {
                for h in arr.values_iter() {
                    hll.update(*h);
                }
            }
        }
    }
}

impl ColAcc {
    fn update(
        &mut self,
        s: &Series,
        corr: bool,
        cap: usize,
    ) -> Result<Option<CorrCol>, ProfileError> {
        self.rows += s.len() as u64;
        self.null += s.null_count() as u64;
        let out = match &mut self.body {
            Body::Keys(k) => {
                let phys = s.to_physical_repr();
                let phys = if k.kind.int_keys() {
                    phys.cast(&DataType::Int64)?
                } else {
                    phys.into_owned()
                };
                let c = k.update(&phys, corr)?;
                k.check_cap(cap);
                c
            }
            Body::Bool { t, f } => {
                let ca = s.bool()?;
                let trues = ca.sum().unwrap_or(0) as u64;
                *t += trues;
                *f += (s.len() - s.null_count()) as u64 - trues;
                None
            }
            Body::Text(tacc) => {
                tacc.update(s)?;
                tacc.check_cap(cap);
                None
            }
            Body::Other => None,
        };
        Ok(out)
    }
}

/// Stream `lf` in batches of about `rows` rows into `f`, on polars' streaming engine.
fn stream(
    lf: LazyFrame,
    rows: usize,
    mut f: impl FnMut(DataFrame) -> Result<(), ProfileError>,
) -> Result<(), ProfileError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<DataFrame>(2);
    let lf = lf.sink_batches(
        PlanCallback::new(move |df: DataFrame| Ok(tx.send(df).is_err())),
        true,
        NonZeroUsize::new(rows.max(1)),
    )?;
    let runner = std::thread::spawn(move || lf.collect_with_engine(Engine::Streaming).map(|_| ()));
    let mut failed = None;
    for df in rx.iter() {
        if failed.is_none()
            && let Err(e) = f(df)
        {
            failed = Some(e);
            break;
        }
    }
    drop(rx);
    let result = runner.join().map_err(|_| ProfileError::Panicked)?;
    if let Some(e) = failed {
        return Err(e);
    }
    result.map_err(ProfileError::from)
}

/// Profile every column of `lf` in one streaming pass.
pub fn profile(lf: LazyFrame, opts: &ProfileOptions) -> Result<Profile, ProfileError> {
    let mut lf = lf;
    let schema = lf.collect_schema()?;
    let casts: Vec<Expr> = schema
        .iter()
        .filter_map(|(name, dt)| plan_column(name, dt).1.map(|e| e.alias(name.clone())))
        .collect();
    let lf = if casts.is_empty() {
        lf
    } else {
        lf.with_columns(casts)
    };
    let mut acc = Acc::new(&schema, opts);
    let cap = opts.cap;
    stream(lf, opts.batch_rows, |df| {
        acc.update(&df, cap)?;
        if let Some(p) = &opts.progress {
            p(acc.rows);
        }
        Ok(())
    })?;
    Ok(finish::finish(acc, opts))
}
