//! Window and sampling steps: window, head, tail, sample (part of the reshape family).
//!
//! A window is computed over an ordering of each partition, but the table is not
//! re-sorted: every row keeps its place and gains one column. Ties in the ordering are
//! broken by row order (what `lag` and `cumsum` see), except for `rank` and
//! `dense_rank`, which give tied rows the same rank, as SQL does.

use polars::lazy::dsl;
use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::columns::{BoolOrMany, descending_flags, py_sort_keys, sql_sort_keys};
use super::privacy::sha256_hex;
use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, type_name};
use crate::transform::target::databrew::{BrewCx, BrewStep};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_list, py_str, sql_ident};

/// The most rows a rolling window may span.
pub const MAX_ROLLING: usize = 1000;

/// A window function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WinFn {
    /// 1, 2, 3... in order within the partition (ties: row order).
    RowNumber,
    /// SQL RANK: tied rows share a rank, the next rank skips (1, 1, 3).
    Rank,
    /// SQL DENSE_RANK: tied rows share a rank, no gaps (1, 1, 2).
    DenseRank,
    /// The value `offset` rows earlier in the partition (missing before the start).
    Lag,
    /// The value `offset` rows later in the partition (missing after the end).
    Lead,
    /// Running sum up to this row; missing values add nothing.
    Cumsum,
    /// Running maximum up to this row.
    Cummax,
    /// Running minimum up to this row.
    Cummin,
    /// Mean of this row and the `size` - 1 before it (fewer at a partition's start).
    RollingMean,
    RollingSum,
    RollingMin,
    RollingMax,
}

impl WinFn {
    fn name(self) -> &'static str {
        match self {
            WinFn::RowNumber => "row_number",
            WinFn::Rank => "rank",
            WinFn::DenseRank => "dense_rank",
            WinFn::Lag => "lag",
            WinFn::Lead => "lead",
            WinFn::Cumsum => "cumsum",
            WinFn::Cummax => "cummax",
            WinFn::Cummin => "cummin",
            WinFn::RollingMean => "rolling_mean",
            WinFn::RollingSum => "rolling_sum",
            WinFn::RollingMin => "rolling_min",
            WinFn::RollingMax => "rolling_max",
        }
    }
    fn needs_column(self) -> bool {
        !matches!(self, WinFn::RowNumber | WinFn::Rank | WinFn::DenseRank)
    }
    fn rolling(self) -> bool {
        matches!(
            self,
            WinFn::RollingMean | WinFn::RollingSum | WinFn::RollingMin | WinFn::RollingMax
        )
    }
    fn shifts(self) -> bool {
        matches!(self, WinFn::Lag | WinFn::Lead)
    }
}

/// Add a column computed over a window: the rows of the same `partition_by` values (all
/// rows without it), ordered by `order_by` (missing values last, ties in row order).
/// The rows stay in their place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[serde(rename = "fn")]
    pub func: WinFn,
    /// The column the function reads (not for row_number, rank, dense_rank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<OneOrMany>,
    pub order_by: OneOrMany,
    /// One flag for all order columns, or one per column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descending: Option<BoolOrMany>,
    /// Rows back (lag) or ahead (lead); default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// Rows in a rolling window (this row and the ones before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<usize>,
    /// The new column.
    pub to: String,
}

const IDX: &str = "__wort_idx";

impl Window {
    fn flags(&self) -> Vec<bool> {
        descending_flags(self.descending.as_ref(), self.order_by.to_vec().len())
    }
    fn partition(&self) -> Vec<String> {
        self.partition_by
            .as_ref()
            .map(OneOrMany::to_vec)
            .unwrap_or_default()
    }
    fn offset(&self) -> i64 {
        i64::from(self.offset.unwrap_or(1))
    }
    fn size(&self) -> usize {
        self.size.unwrap_or(1).max(1)
    }

    /// The value over the partition, on a frame sorted by partition and order.
    fn value(&self) -> PolarsResult<Expr> {
        let c = || col(self.column.as_deref().unwrap_or_default());
        let rn = int_range(lit(0), len(), 1, DataType::Int64) + lit(1i64);
        let forward = |e: Expr| e.fill_null_with_strategy(FillNullStrategy::Forward(None));
        Ok(match self.func {
            WinFn::RowNumber => rn,
            WinFn::Rank | WinFn::DenseRank => {
                let mut new = rn.clone().eq(lit(1i64));
                for k in self.order_by.to_vec() {
                    let k = col(k.as_str());
                    new = new.or(k.clone().neq_missing(k.shift(lit(1))));
                }
                if self.func == WinFn::Rank {
                    forward(when(new).then(rn).otherwise(lit(NULL)))
                } else {
                    new.cast(DataType::Int64).cum_sum(false)
                }
            }
            WinFn::Lag => c().shift(lit(self.offset())),
            WinFn::Lead => c().shift(lit(-self.offset())),
            WinFn::Cumsum => forward(c().cum_sum(false)),
            WinFn::Cummax => forward(c().cum_max(false)),
            WinFn::Cummin => forward(c().cum_min(false)),
            WinFn::RollingMean | WinFn::RollingSum | WinFn::RollingMin | WinFn::RollingMax => {
                // Oldest row first, as Spark adds up a frame.
                let rows: Vec<Expr> = (0..self.size())
                    .rev()
                    .map(|k| c().shift(lit(k as i64)))
                    .collect();
                let counted: Vec<Expr> = rows
                    .iter()
                    .map(|e| e.clone().is_not_null().cast(DataType::Int64))
                    .collect();
                let n = dsl::sum_horizontal(counted, true)?;
                match self.func {
                    WinFn::RollingMin => dsl::min_horizontal(rows)?,
                    WinFn::RollingMax => dsl::max_horizontal(rows)?,
                    WinFn::RollingSum => when(n.gt(lit(0)))
                        .then(dsl::sum_horizontal(rows, true)?)
                        .otherwise(lit(NULL)),
                    _ => {
                        let floats: Vec<Expr> = rows
                            .into_iter()
                            .map(|e| e.cast(DataType::Float64))
                            .collect();
                        when(n.clone().gt(lit(0)))
                            .then(dsl::sum_horizontal(floats, true)? / n.cast(DataType::Float64))
                            .otherwise(lit(NULL))
                    }
                }
            }
        })
    }
}

impl StepImpl for Window {
    fn describe(&self) -> String {
        let what = match &self.column {
            Some(c) if self.func.needs_column() => format!("{}({c})", self.func.name()),
            _ => self.func.name().to_string(),
        };
        let part = match &self.partition_by {
            Some(p) => format!(" per {}", p.to_vec().join(", ")),
            None => String::new(),
        };
        format!(
            "{} = {what}{part} by {}",
            self.to,
            self.order_by.to_vec().join(", ")
        )
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let order = self.order_by.to_vec();
        if order.is_empty() {
            cx.problem("\"order_by\" is empty; name the columns that order each window");
        }
        for (field, names) in [
            ("order_by", order.clone()),
            ("partition_by", self.partition()),
        ] {
            for n in names {
                if let Some(dt) = cx.column(&n)
                    && dt.is_nested()
                {
                    cx.problem(format!(
                        "\"{field}\": column \"{n}\" is {}; order and partition by plain values (unnest or explode it first)",
                        type_name(&dt)
                    ));
                }
            }
        }
        if let Some(BoolOrMany::Many(v)) = &self.descending
            && v.len() != order.len()
        {
            cx.problem(format!(
                "\"descending\" has {} flags for {} order columns; give one flag, or one per column",
                v.len(),
                order.len()
            ));
        }
        match (&self.column, self.func.needs_column()) {
            (None, true) => cx.problem(format!(
                "\"{}\" needs a \"column\" to read",
                self.func.name()
            )),
            (Some(_), false) => cx.problem(format!(
                "\"{}\" reads no column; leave \"column\" out",
                self.func.name()
            )),
            (Some(c), true) if self.func.shifts() => {
                if let Some(dt) = cx.column(c)
                    && dt.is_nested()
                {
                    cx.problem(format!(
                        "column \"{c}\" is {}; lag and lead take plain values",
                        type_name(&dt)
                    ));
                }
            }
            (Some(c), true) => cx.numeric_column(c),
            (None, false) => {}
        }
        if self.offset.is_some() && !self.func.shifts() {
            cx.problem("\"offset\" is for lag and lead only; leave it out");
        }
        if self.offset == Some(0) {
            cx.problem("\"offset\" must be 1 or more");
        }
        match (self.size, self.func.rolling()) {
            (None, true) => cx.problem(format!(
                "\"{}\" needs a \"size\" (rows in the window, this row included)",
                self.func.name()
            )),
            (Some(s), true) if s == 0 || s > MAX_ROLLING => {
                cx.problem(format!("\"size\" must be 1 to {MAX_ROLLING} rows, not {s}"))
            }
            (Some(_), false) => {
                cx.problem("\"size\" is for the rolling functions only; leave it out")
            }
            _ => {}
        }
        cx.fresh_name("to", &self.to);
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let part = self.partition();
        let mut by: Vec<PlSmallStr> = part.iter().map(PlSmallStr::from).collect();
        let mut desc = vec![false; part.len()];
        by.extend(self.order_by.to_vec().iter().map(PlSmallStr::from));
        desc.extend(self.flags());
        by.push(IDX.into());
        desc.push(false);
        let opts = SortMultipleOptions::default()
            .with_order_descending_multi(desc)
            .with_nulls_last(true)
            .with_maintain_order(true);
        let value = self.value()?;
        let value = if part.is_empty() {
            value
        } else {
            value.over(part.iter().map(|p| col(p.as_str())).collect::<Vec<_>>())?
        };
        Ok(lf
            .with_row_index(IDX, None)
            .sort(by, opts)
            .with_column(value.alias(self.to.as_str()))
            .sort([IDX], SortMultipleOptions::default())
            .drop(by_name([IDX], true, false)))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let order = py_sort_keys(&self.order_by.to_vec(), &self.flags());
        Ok(format!(
            "df = window_column(df, {}, {}, {}, [{}], {}, {}, {})",
            py_str(self.func.name()),
            self.column.as_deref().map_or("None".into(), py_str),
            py_list(&self.partition()),
            order,
            self.offset(),
            self.size(),
            py_str(&self.to)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let f = match self.func {
            WinFn::Rank => "RANK()",
            WinFn::DenseRank => "DENSE_RANK()",
            other => {
                return Err(format!(
                    "\"{}\" breaks ties in row order, which SQL tables do not have",
                    other.name()
                ));
            }
        };
        let order = sql_sort_keys(&self.order_by.to_vec(), &self.flags());
        let part: Vec<String> = self.partition().iter().map(|c| sql_ident(c)).collect();
        let over = if part.is_empty() {
            format!("ORDER BY {}", order)
        } else {
            format!("PARTITION BY {} ORDER BY {}", part.join(", "), order)
        };
        Ok(cx.with_columns(&[(self.to.clone(), format!("{f} OVER ({over})"))]))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew's window functions run in the dataset's row order, with no partition or ordering of their own".into())
    }
}

/// Keep the first `n` rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub n: u32,
}

/// Keep the last `n` rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tail {
    pub n: u32,
}

const NO_SQL_ORDER: &str = "keeps rows by their position, and SQL tables have no row order";
const NO_BREW_SAMPLE: &str =
    "DataBrew samples in the dataset or job settings, not in a recipe step";

impl StepImpl for Head {
    fn describe(&self) -> String {
        format!("keep the first {} rows", self.n)
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, _cx: &mut CheckCx) {}
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        Ok(lf.limit(self.n as IdxSize))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!("df = df.orderBy(col(ROW)).limit({})", self.n))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err(NO_SQL_ORDER.into())
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err(NO_BREW_SAMPLE.into())
    }
}

impl StepImpl for Tail {
    fn describe(&self) -> String {
        format!("keep the last {} rows", self.n)
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, _cx: &mut CheckCx) {}
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        Ok(lf.tail(self.n as IdxSize))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = df.orderBy(col(ROW).desc()).limit({})",
            self.n
        ))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err(NO_SQL_ORDER.into())
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err(NO_BREW_SAMPLE.into())
    }
}

/// Keep a repeatable pseudo-random sample of rows, in their order: `n` rows, or each
/// row with probability `fraction`. Row i (counting from 0) is scored by the SHA-256 of
/// "<seed>:<i>" (its first 15 hex digits); `fraction` keeps the rows scoring below it,
/// `n` the n lowest-scoring rows. The exported job computes the same scores, so Spark
/// keeps the same rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// Another seed picks other rows (default 42).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// The score of row `i`: 15 lower-case hex digits.
pub fn sample_score(seed: u64, i: u64) -> String {
    sha256_hex(&format!("{seed}:"), &i.to_string())[..15].to_string()
}

impl Sample {
    fn seed(&self) -> u64 {
        self.seed.unwrap_or(42)
    }
    /// Rows scoring below this are kept (None: all rows).
    fn threshold(&self) -> Option<String> {
        let f = self.fraction.unwrap_or(1.0);
        if f >= 1.0 {
            return None;
        }
        let t = (f.max(0.0) * 16f64.powi(15)).floor() as u64;
        Some(format!("{t:015x}"))
    }
}

impl StepImpl for Sample {
    fn describe(&self) -> String {
        match (self.n, self.fraction) {
            (Some(n), None) => format!("sample {n} rows (seed {})", self.seed()),
            (None, Some(f)) => format!("sample {}% of rows (seed {})", f * 100.0, self.seed()),
            _ => "sample (needs exactly one of n / fraction)".into(),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        match (self.n, self.fraction) {
            (Some(_), None) => {}
            (None, Some(f)) if (0.0..=1.0).contains(&f) => {}
            (None, Some(f)) => cx.problem(format!(
                "\"fraction\" must be between 0 and 1 (0.1 keeps about a tenth), not {f}"
            )),
            _ => cx.problem("give exactly one of \"n\" (rows) or \"fraction\" (0 to 1)"),
        }
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let seed = self.seed();
        let score = col(IDX)
            .map(
                move |c: Column| {
                    let idx = c.cast(&DataType::UInt64)?;
                    let out: StringChunked = idx
                        .u64()?
                        .iter()
                        .map(|i| i.map(|i| sample_score(seed, i)))
                        .collect();
                    Ok(out.with_name(c.name().clone()).into_column())
                },
                |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
            )
            .alias("__wort_score");
        let lf = lf.with_row_index(IDX, None).with_column(score);
        let drop = by_name([IDX, "__wort_score"], true, false);
        Ok(match (self.n, self.threshold()) {
            (Some(n), _) => lf
                .sort(["__wort_score", IDX], SortMultipleOptions::default())
                .limit(n as IdxSize)
                .sort([IDX], SortMultipleOptions::default())
                .drop(drop),
            (None, Some(t)) => lf.filter(col("__wort_score").lt(lit(t))).drop(drop),
            (None, None) => lf.drop(drop),
        })
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let (n, t) = match (self.n, self.threshold()) {
            (Some(n), _) => (n.to_string(), "None".into()),
            (None, Some(t)) => ("None".into(), py_str(&t)),
            (None, None) => ("None".into(), "None".into()),
        };
        Ok(format!(
            "df = sample_rows(df, {}, {n}, {t})",
            py_str(&self.seed().to_string())
        ))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err("scores rows by their position, and SQL tables have no row order".into())
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err(NO_BREW_SAMPLE.into())
    }
}
