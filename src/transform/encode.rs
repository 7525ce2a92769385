//! Steps that prepare columns for analysis and models: bin, one_hot, scale, map_values.
//!
//! The numeric steps read the column as float and treat NaN like a missing value: it
//! takes no part in a statistic and comes out null. `bin` (equal_width, quantile) and
//! `scale` (minmax, zscore, robust) need the whole column first (a statistic joined
//! onto every row, as `outliers` does); with `where`, the statistic comes from the
//! matching rows and only they change. `one_hot` reads the column's distinct values
//! before it can plan its new columns.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};

use super::{ApplyCx, CheckCx, Kind, StepImpl, json_literal, type_name};
use crate::transform::missing::spark_sql_type;
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_float, py_list, py_str, sql_ident, sql_str};

/// Most new columns `one_hot` makes without `max_categories`.
pub const ONE_HOT_LIMIT: usize = 1000;

/// The column as float, NaN as null.
fn number(name: &str) -> Expr {
    let x = col(name).cast(DataType::Float64);
    when(x.clone().is_nan())
        .then(lit(NULL).cast(DataType::Float64))
        .otherwise(x)
}

/// The rows a statistic is computed over: the matching ones under `where`.
fn basis(x: Expr, cx: &ApplyCx) -> Expr {
    match cx.mask() {
        Some(m) => x.filter(m),
        None => x,
    }
}

/// A Spark SQL double literal that reads back as the same f64.
fn sql_float(x: f64) -> String {
    format!("CAST({} AS DOUBLE)", sql_str(&format!("{x:?}")))
}

/// The Spark SQL text of a column as float with NaN as null.
fn sql_number(name: &str) -> String {
    let c = format!("CAST({} AS DOUBLE)", sql_ident(name));
    format!("(CASE WHEN NOT isnan({c}) THEN {c} END)")
}

/// ` WHERE cond` for a statistic's subquery.
fn sql_where(cx: &SqlCx) -> String {
    cx.cond
        .as_ref()
        .map(|c| format!(" WHERE {c}"))
        .unwrap_or_default()
}

/// `to` must be a new column, or the column itself (replaced in place).
fn check_target(cx: &mut CheckCx, column: &str, to: &str) {
    if to == column {
        cx.new_name("to", to);
    } else {
        cx.fresh_name("to", to);
    }
}

// ---------------------------------------------------------------------------------------
// bin

/// How `bin` finds its edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BinMethod {
    /// `bins` bins of equal width between the column's minimum and maximum.
    EqualWidth,
    /// `bins` bins holding about as many values each (edges at linear quantiles).
    Quantile,
    /// The given `edges`.
    Edges,
}

/// Put numbers into bins: bin i holds edge[i] <= x < edge[i+1], the last bin also its
/// upper edge. The bin is its `labels` entry, or its number from 0. Values outside the
/// edges, missing values and NaN get null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bin {
    pub column: String,
    pub method: BinMethod,
    /// How many bins (equal_width, quantile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins: Option<u32>,
    /// Increasing finite numbers, one more than the bins (method edges).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numbers"
    )]
    pub edges: Option<Vec<f64>>,
    /// One name per bin; without them the bin is its number (0, 1, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// The new column (or the column itself, to replace it).
    pub to: String,
}

/// A list of numbers, written as numbers or as text ("10", as a form gives them).
fn numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<f64>>, D::Error> {
    let items = Vec::<Value>::deserialize(d)?;
    items
        .iter()
        .map(|v| match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
            _ => None,
        })
        .map(|x| x.ok_or_else(|| serde::de::Error::custom("edges must be numbers")))
        .collect::<Result<Vec<f64>, D::Error>>()
        .map(Some)
}

impl Bin {
    fn count(&self) -> usize {
        match self.method {
            BinMethod::Edges => self.edges.as_ref().map_or(0, |e| e.len().saturating_sub(1)),
            _ => self.bins.unwrap_or(0) as usize,
        }
    }
    fn key(&self) -> &'static str {
        match self.method {
            BinMethod::EqualWidth => "equal_width",
            BinMethod::Quantile => "quantile",
            BinMethod::Edges => "edges",
        }
    }
    /// The edges as expressions (aggregates over `b`, or literals).
    fn edge_exprs(&self, b: Expr) -> Vec<Expr> {
        let n = self.count();
        match self.method {
            BinMethod::Edges => self.edges.iter().flatten().map(|e| lit(*e)).collect(),
            BinMethod::EqualWidth => {
                let (mn, mx) = (b.clone().min(), b.max());
                (0..=n)
                    .map(|i| match i {
                        i if i == n => mx.clone(),
                        i => mn.clone() + (mx.clone() - mn.clone()) * lit(i as f64) / lit(n as f64),
                    })
                    .collect()
            }
            BinMethod::Quantile => (0..=n)
                .map(|i| {
                    b.clone()
                        .quantile(lit(i as f64 / n as f64), QuantileMethod::Linear)
                })
                .collect(),
        }
    }
    /// The edges as Spark SQL, and the subquery the statistics come from.
    fn sql_edges(&self, cx: &SqlCx) -> (Vec<String>, Option<String>) {
        let n = self.count();
        let x = sql_number(&self.column);
        let w = sql_where(cx);
        match self.method {
            BinMethod::Edges => (
                self.edges.iter().flatten().map(|e| sql_float(*e)).collect(),
                None,
            ),
            BinMethod::EqualWidth => {
                let edges = (0..=n)
                    .map(|i| match i {
                        i if i == n => "__wort_mx".to_string(),
                        i => format!(
                            "__wort_mn + (__wort_mx - __wort_mn) * {} / {}",
                            sql_float(i as f64),
                            sql_float(n as f64)
                        ),
                    })
                    .collect();
                let stats = format!(
                    "SELECT min({x}) AS __wort_mn, max({x}) AS __wort_mx FROM {}{w}",
                    cx.from
                );
                (edges, Some(stats))
            }
            BinMethod::Quantile => {
                let names: Vec<String> = (0..=n).map(|i| format!("__wort_e{i}")).collect();
                let aggs: Vec<String> = (0..=n)
                    .map(|i| {
                        format!(
                            "percentile({x}, {}) AS __wort_e{i}",
                            sql_float(i as f64 / n as f64)
                        )
                    })
                    .collect();
                let stats = format!("SELECT {} FROM {}{w}", aggs.join(", "), cx.from);
                (names, Some(stats))
            }
        }
    }
}

impl StepImpl for Bin {
    fn describe(&self) -> String {
        let how = match self.method {
            BinMethod::EqualWidth => format!("{} equal-width bins", self.count()),
            BinMethod::Quantile => format!("{} quantile bins", self.count()),
            BinMethod::Edges => {
                let e: Vec<String> = self.edges.iter().flatten().map(|e| e.to_string()).collect();
                format!("bins at {}", e.join(", "))
            }
        };
        format!("bin {} into {how} -> {}", self.column, self.to)
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        check_target(cx, &self.column, &self.to);
        match self.method {
            BinMethod::Edges => {
                if self.bins.is_some() {
                    cx.problem(
                        "\"bins\" is not used with method \"edges\"; the edges give the bins",
                    );
                }
                match &self.edges {
                    None => cx.problem("method \"edges\" needs \"edges\": increasing numbers, e.g. [0, 10, 100]"),
                    Some(e) if e.len() < 2 => cx.problem("\"edges\" needs at least two numbers (one bin lies between two edges)"),
                    Some(e) if e.windows(2).any(|w| w[0] >= w[1]) => cx.problem(
                        "\"edges\" must increase strictly, e.g. [0, 10, 100]; sort them and remove repeats",
                    ),
                    Some(_) => {}
                }
            }
            _ => {
                if self.edges.is_some() {
                    cx.problem(format!(
                        "\"edges\" is only used with method \"edges\"; method \"{}\" computes them",
                        self.key()
                    ));
                }
                match self.bins {
                    None => cx.problem(format!(
                        "method \"{}\" needs \"bins\": how many bins",
                        self.key()
                    )),
                    Some(0) => cx.problem("\"bins\" must be at least 1"),
                    Some(b) if b > 1000 => {
                        cx.problem(format!("\"bins\" is {b}; at most 1000 bins"))
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(l) = &self.labels
            && self.count() > 0
            && l.len() != self.count()
        {
            cx.problem(format!(
                "\"labels\" has {} names for {} bins; give one name per bin",
                l.len(),
                self.count()
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let x = number(&self.column);
        let edges = self.edge_exprs(basis(x.clone(), cx));
        let edges = match self.method {
            BinMethod::Edges => edges,
            _ => cx.statistics(&lf, edges)?,
        };
        let (Some(first), Some(last)) = (edges.first(), edges.last()) else {
            polars_bail!(InvalidOperation: "bin needs at least two edges");
        };
        let inside = x
            .clone()
            .gt_eq(first.clone())
            .and(x.clone().lt_eq(last.clone()));
        let idx = edges[1..edges.len() - 1].iter().fold(lit(0i64), |acc, e| {
            acc + when(x.clone().gt_eq(e.clone()))
                .then(lit(1i64))
                .otherwise(lit(0i64))
        });
        let outside = x
            .clone()
            .is_not_null()
            .and(inside.clone().fill_null(lit(false)).not());
        let outside = match cx.mask() {
            Some(m) => outside.and(m),
            None => outside,
        };
        let mut value = cx.count_failures(
            when(inside)
                .then(idx)
                .otherwise(lit(NULL).cast(DataType::Int64)),
            outside,
            "values outside the edges",
        );
        if let Some(labels) = &self.labels {
            let keys = Series::new("k".into(), (0..labels.len() as i64).collect::<Vec<_>>());
            let names = Series::new("v".into(), labels.clone());
            value =
                value.replace_strict(lit(keys), lit(names), None::<Expr>, Some(DataType::String));
        }
        Ok(lf.with_column(cx.values(&self.to, value)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let mut args = format!(
            "df, {}, {}, {}",
            py_str(&self.column),
            py_str(self.key()),
            self.count()
        );
        if let Some(e) = &self.edges {
            let e: Vec<String> = e.iter().map(|x| py_float(*x)).collect();
            args.push_str(&format!(", edges=[{}]", e.join(", ")));
        }
        if let Some(l) = &self.labels {
            args.push_str(&format!(", labels={}", py_list(l)));
        }
        args.push_str(&format!(", to={}", py_str(&self.to)));
        if let Some(c) = cx.cond() {
            args.push_str(&format!(", cond={c}"));
        }
        Ok(format!("df = bin_values({args})"))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let x = sql_number(&self.column);
        let (edges, stats) = self.sql_edges(cx);
        let (first, last) = (&edges[0], &edges[edges.len() - 1]);
        let idx: Vec<String> = edges[1..edges.len() - 1]
            .iter()
            .map(|e| format!("CASE WHEN {x} >= {e} THEN 1 ELSE 0 END"))
            .collect();
        let idx = if idx.is_empty() {
            "0".to_string()
        } else {
            idx.join(" + ")
        };
        let mut value =
            format!("CASE WHEN {x} >= {first} AND {x} <= {last} THEN CAST({idx} AS BIGINT) END");
        if let Some(l) = &self.labels {
            let items: Vec<String> = l.iter().map(|s| sql_str(s)).collect();
            value = format!(
                "element_at(array({}), CAST({value} AS INT) + 1)",
                items.join(", ")
            );
        }
        let from = match stats {
            Some(s) => format!("{} CROSS JOIN ({s}) AS __wort_s", cx.from),
            None => cx.from.to_string(),
        };
        let value = cx.value(&self.to, &value);
        let inner = SqlCx {
            schema: cx.schema,
            from: &from,
            cond: None,
            last: cx.last,
        };
        Ok(inner.with_columns(&[(self.to.clone(), value)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let (BinMethod::Edges, Some(edges)) = (self.method, &self.edges) else {
            return Err(
                "DataBrew BUCKETIZATION takes fixed splits; its percentage form is not defined the same way as wort's quantile edges"
                    .into(),
            );
        };
        let Some(labels) = &self.labels else {
            return Err("DataBrew names every bin: give \"labels\"".into());
        };
        if self.to == self.column {
            return Err(
                "DataBrew writes the bins to a new column: give \"to\" another name".into(),
            );
        }
        let splits: Vec<String> = edges.iter().map(|e| e.to_string()).collect();
        Ok(vec![
            BrewStep::op("BUCKETIZATION")
                .param("sourceColumn", &self.column)
                .param("targetColumn", &self.to)
                .list("bucketNames", labels)
                .list("splits", &splits),
        ])
    }
}

// ---------------------------------------------------------------------------------------
// one_hot

/// One 0/1 column per distinct value: `{prefix}{value}` is 1 where the column holds the
/// value, else 0 (missing values give 0 everywhere). Columns come in value order, after
/// the existing ones. With `max_categories`, only the most frequent values (ties: the
/// smaller value first) get a column and `{prefix}other` is 1 for every other value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneHot {
    pub column: String,
    /// Put before each value to name its column, e.g. "city_".
    pub prefix: String,
    /// Keep only this many values (the most frequent); the rest count as other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_categories: Option<u32>,
}

impl OneHot {
    /// The categories that get a column, in column order.
    fn categories(&self, lf: LazyFrame) -> PolarsResult<Vec<String>> {
        let v = col(self.column.as_str()).cast(DataType::String).alias("v");
        let counts = lf
            .select([v])
            .filter(col("v").is_not_null())
            .group_by([col("v")])
            .agg([len().alias("n")])
            .sort_by_exprs(
                [col("n"), col("v")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            );
        let counts = match self.max_categories {
            Some(k) => counts.limit(k as IdxSize),
            None => counts.limit(ONE_HOT_LIMIT as IdxSize + 1),
        };
        let df = counts.collect()?;
        let mut cats: Vec<String> = df
            .column("v")?
            .str()?
            .iter()
            .flatten()
            .map(str::to_string)
            .collect();
        if self.max_categories.is_none() && cats.len() > ONE_HOT_LIMIT {
            polars_bail!(InvalidOperation:
                "column \"{}\" has more than {ONE_HOT_LIMIT} distinct values; set \"max_categories\" to keep the most frequent",
                self.column);
        }
        cats.sort();
        Ok(cats)
    }
}

impl StepImpl for OneHot {
    fn describe(&self) -> String {
        let most = match self.max_categories {
            Some(k) => format!(" (the {k} most frequent, others in {}other)", self.prefix),
            None => String::new(),
        };
        format!(
            "one-hot encode {} into {}<value>{most}",
            self.column, self.prefix
        )
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        if let Some(dt) = cx.column(&self.column)
            && !(dt == DataType::String || dt.is_integer() || dt == DataType::Boolean)
        {
            cx.problem(format!(
                "column \"{}\" is {}; one_hot encodes text, whole numbers or booleans: add a cast step to string first",
                self.column,
                type_name(&dt)
            ));
        }
        if self.max_categories == Some(0) {
            cx.problem("\"max_categories\" must be at least 1; leave it out to keep every value");
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let cats = self.categories(lf.clone())?;
        let v = col(self.column.as_str()).cast(DataType::String);
        let mut names: Vec<String> = cats.iter().map(|c| format!("{}{c}", self.prefix)).collect();
        if self.max_categories.is_some() {
            names.push(format!("{}other", self.prefix));
        }
        for (i, n) in names.iter().enumerate() {
            if cx.schema.contains(n) || names[..i].contains(n) {
                polars_bail!(Duplicate:
                    "one_hot would make column \"{n}\", which already exists; choose another \"prefix\"");
            }
        }
        let flag = |e: Expr| when(e).then(lit(1i32)).otherwise(lit(0i32));
        let mut exprs: Vec<Expr> = cats
            .iter()
            .zip(&names)
            .map(|(c, n)| flag(v.clone().eq(lit(c.as_str()))).alias(n.as_str()))
            .collect();
        if self.max_categories.is_some() {
            let other = cats.iter().fold(v.clone().is_not_null(), |acc, c| {
                acc.and(v.clone().neq(lit(c.as_str())))
            });
            exprs.push(flag(other).alias(names[names.len() - 1].as_str()));
        }
        Ok(if exprs.is_empty() {
            lf
        } else {
            lf.with_columns(exprs)
        })
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let k = self
            .max_categories
            .map_or("None".to_string(), |k| k.to_string());
        Ok(format!(
            "df = one_hot(df, {}, {}, {k}, {ONE_HOT_LIMIT})",
            py_str(&self.column),
            py_str(&self.prefix)
        ))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err("its new columns depend on the values in the data, and a SQL query names its columns before reading any".into())
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        if self.max_categories.is_some() {
            return Err(
                "DataBrew ONE_HOT_ENCODING has no \"other\" column (max_categories)".into(),
            );
        }
        if self.prefix != format!("{}_", self.column) {
            return Err(format!(
                "DataBrew ONE_HOT_ENCODING names the columns \"{}_<value>\": use that prefix",
                self.column
            ));
        }
        Ok(vec![
            BrewStep::op("ONE_HOT_ENCODING").param("sourceColumn", &self.column),
        ])
    }
}

// ---------------------------------------------------------------------------------------
// scale

/// How `scale` rescales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMethod {
    /// (x - min) / (max - min): from 0 to 1.
    Minmax,
    /// (x - mean) / standard deviation (sample, n - 1).
    Zscore,
    /// (x - median) / IQR, with linear quantiles as `outliers` uses.
    Robust,
    /// ln(x); zero and negative numbers become null (counted).
    Log,
}

/// Rescale a numeric column to floats. When the spread (max - min, standard deviation,
/// IQR) is zero or undefined every value becomes 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub column: String,
    pub method: ScaleMethod,
    /// A new column for the result; without it the column is replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Scale {
    fn key(&self) -> &'static str {
        match self.method {
            ScaleMethod::Minmax => "minmax",
            ScaleMethod::Zscore => "zscore",
            ScaleMethod::Robust => "robust",
            ScaleMethod::Log => "log",
        }
    }
    fn target(&self) -> &str {
        self.to.as_deref().unwrap_or(&self.column)
    }
}

impl StepImpl for Scale {
    fn describe(&self) -> String {
        let to = match &self.to {
            Some(t) => format!(" -> {t}"),
            None => String::new(),
        };
        format!("scale {} ({}){to}", self.column, self.key())
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        if let Some(to) = &self.to {
            check_target(cx, &self.column, to);
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let x = number(&self.column);
        let b = basis(x.clone(), cx);
        let q = |p: f64| b.clone().quantile(lit(p), QuantileMethod::Linear);
        let (center, spread) = match self.method {
            ScaleMethod::Log => {
                let value =
                    when(x.clone().gt(lit(0.0))).then(x.clone().log(lit(std::f64::consts::E)));
                let value = value.otherwise(lit(NULL).cast(DataType::Float64));
                let bad = match cx.mask() {
                    Some(m) => x.lt_eq(lit(0.0)).and(m),
                    None => x.lt_eq(lit(0.0)),
                };
                let value = cx.count_failures(value, bad, "values not above 0 set to null");
                return Ok(lf.with_column(cx.values(self.target(), value)));
            }
            ScaleMethod::Minmax => (b.clone().min(), b.clone().max() - b.min()),
            ScaleMethod::Zscore => (b.clone().mean(), b.std(1)),
            ScaleMethod::Robust => (q(0.5), q(0.75) - q(0.25)),
        };
        let s = cx.statistics(&lf, vec![center, spread])?;
        let (center, spread) = (s[0].clone(), s[1].clone());
        let flat = spread
            .clone()
            .is_null()
            .or(spread.clone().is_nan())
            .or(spread.clone().eq(lit(0.0)));
        let value = when(x.clone().is_null())
            .then(lit(NULL).cast(DataType::Float64))
            .when(flat)
            .then(lit(0.0))
            .otherwise((x - center) / spread);
        Ok(lf.with_column(cx.values(self.target(), value)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let mut args = format!("df, {}, {}", py_str(&self.column), py_str(self.key()));
        if let Some(to) = &self.to {
            args.push_str(&format!(", to={}", py_str(to)));
        }
        if let Some(c) = cx.cond() {
            args.push_str(&format!(", cond={c}"));
        }
        Ok(format!("df = scale_values({args})"))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let x = sql_number(&self.column);
        let w = sql_where(cx);
        let (center, spread) = match self.method {
            ScaleMethod::Log => {
                let value = cx.value(
                    self.target(),
                    &format!("CASE WHEN {x} > 0 THEN ln({x}) END"),
                );
                return Ok(cx.with_columns(&[(self.target().to_string(), value)]));
            }
            ScaleMethod::Minmax => (format!("min({x})"), format!("max({x}) - min({x})")),
            ScaleMethod::Zscore => (format!("avg({x})"), format!("stddev_samp({x})")),
            ScaleMethod::Robust => (
                format!("percentile({x}, 0.5)"),
                format!("percentile({x}, 0.75) - percentile({x}, 0.25)"),
            ),
        };
        let stats = format!(
            "SELECT {center} AS __wort_a, {spread} AS __wort_b FROM {}{w}",
            cx.from
        );
        let value = format!(
            "CASE WHEN {x} IS NULL THEN NULL WHEN __wort_b IS NULL OR isnan(__wort_b) OR __wort_b = 0 THEN {} ELSE ({x} - __wort_a) / __wort_b END",
            sql_float(0.0)
        );
        let value = cx.value(self.target(), &value);
        let from = format!("{} CROSS JOIN ({stats}) AS __wort_s", cx.from);
        let inner = SqlCx {
            schema: cx.schema,
            from: &from,
            cond: None,
            last: cx.last,
        };
        Ok(inner.with_columns(&[(self.target().to_string(), value)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        match (self.method, &self.to) {
            // DataBrew's documented z-score transform writes a new column.
            (ScaleMethod::Zscore, Some(to)) if *to != self.column => Ok(vec![
                BrewStep::op("RESCALE_OUTLIERS_WITH_Z_SCORE")
                    .param("sourceColumn", &self.column)
                    .param("targetColumn", to)
                    .param("outlierStrategy", "Z_SCORE")
                    .param("threshold", "3"),
            ]),
            (ScaleMethod::Zscore, _) => {
                Err("DataBrew RESCALE_OUTLIERS_WITH_Z_SCORE writes a new column: give \"to\"".into())
            }
            (ScaleMethod::Log, _) => Err(
                "DataBrew's LOG and SKEWNESS do not document what they do with zero and negative numbers"
                    .into(),
            ),
            _ => Err(
                "DataBrew documents no min-max or robust scaling (the console's Scale group has no published operation name)"
                    .into(),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// map_values

/// Replace values by a table. Keys are compared with the text of a text column, and
/// read as numbers for a number column ("1" and "1.0" both match 1). New values must fit
/// the column's type. Missing values stay missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MapValues {
    pub column: String,
    /// Old value -> new value, e.g. {"NYC": "New York", "N.Y.": "New York"}.
    pub mapping: Map<String, Value>,
    /// The value for present values not in `mapping` (null clears them); without it
    /// they are kept.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub default: Option<Value>,
    /// A new column for the result; without it the column is replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A field that is present, even as `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A JSON scalar as text (the exported job casts the same text), null as None.
fn text_or_null(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| value_text(v))
}

/// A JSON scalar as text (strings without quotes).
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl MapValues {
    fn target(&self) -> &str {
        self.to.as_deref().unwrap_or(&self.column)
    }
    /// The keys as numbers, for a number column; the first bad key as an error.
    fn number_keys(&self, integer: bool) -> Result<Vec<f64>, String> {
        let mut out: Vec<f64> = Vec::new();
        for k in self.mapping.keys() {
            let x: f64 = k
                .trim()
                .parse()
                .ok()
                .filter(|x: &f64| !x.is_nan())
                .ok_or_else(|| {
                    format!(
                        "mapping key \"{k}\" is not a number, and column \"{}\" holds numbers",
                        self.column
                    )
                })?;
            if integer && (x.fract() != 0.0 || x.abs() >= 9.2e18) {
                return Err(format!(
                    "mapping key \"{k}\" is not a whole number, and column \"{}\" holds whole numbers",
                    self.column
                ));
            }
            if let Some(j) = out.iter().position(|y| *y == x) {
                let first = self.mapping.keys().nth(j).map(String::as_str).unwrap_or("");
                return Err(format!(
                    "mapping keys \"{first}\" and \"{k}\" are the same number; keep one"
                ));
            }
            out.push(x);
        }
        Ok(out)
    }
    /// The keys as a series of the column's kind.
    fn key_series(&self, dt: &DataType) -> PolarsResult<Series> {
        if *dt == DataType::String {
            let keys: Vec<&str> = self.mapping.keys().map(String::as_str).collect();
            return Ok(Series::new("k".into(), keys));
        }
        let keys = self
            .number_keys(dt.is_integer())
            .map_err(|m| polars_err!(InvalidOperation: "{m}"))?;
        let s = Series::new("k".into(), keys);
        if dt.is_integer() {
            s.cast(&DataType::Int64)?.cast(dt)
        } else {
            s.cast(dt)
        }
    }
}

impl StepImpl for MapValues {
    fn describe(&self) -> String {
        let n = self.mapping.len();
        let rest = match &self.default {
            Some(d) => format!(", others -> {d}"),
            None => String::new(),
        };
        let to = match &self.to {
            Some(t) => format!(" -> {t}"),
            None => String::new(),
        };
        format!(
            "map {n} value{} in {}{rest}{to}",
            if n == 1 { "" } else { "s" },
            self.column
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        if let Some(to) = &self.to {
            check_target(cx, &self.column, to);
        }
        if self.mapping.is_empty() {
            cx.problem("\"mapping\" is empty; give old value -> new value pairs, e.g. {\"NYC\": \"New York\"}");
        }
        let Some(dt) = cx.column(&self.column) else {
            return;
        };
        if !(dt == DataType::String || dt.is_primitive_numeric()) {
            cx.problem(format!(
                "column \"{}\" is {}; map_values works on text and numbers: add a cast step to string first",
                self.column,
                type_name(&dt)
            ));
            return;
        }
        if dt.is_primitive_numeric()
            && let Err(m) = self.number_keys(dt.is_integer())
        {
            cx.problem(m);
        }
        for (k, v) in self
            .mapping
            .iter()
            .map(|(k, v)| (Some(k), v))
            .chain(self.default.iter().map(|v| (None, v)))
        {
            if let Err(m) = json_literal(v, &dt) {
                let place = match k {
                    Some(k) => format!("the new value for \"{k}\""),
                    None => "\"default\"".into(),
                };
                cx.problem(format!(
                    "{place}: {m}; the new values must fit the column's type"
                ));
            }
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(&self.column)?.clone();
        let keys = self.key_series(&dt)?;
        let texts: Vec<Option<String>> = self.mapping.values().map(text_or_null).collect();
        let values = Series::new("v".into(), texts).cast(&dt)?;
        let x = col(self.column.as_str());
        let value = match &self.default {
            None => x.replace(lit(keys), lit(values)),
            Some(d) => {
                let d = Series::new("d".into(), [text_or_null(d)]).cast(&dt)?;
                let d = lit(d).first();
                when(x.clone().is_null())
                    .then(lit(NULL).cast(dt.clone()))
                    .otherwise(x.replace_strict(lit(keys), lit(values), Some(d), Some(dt.clone())))
            }
        };
        let new = cx.values(self.target(), value.cast(dt));
        let label = match &self.to {
            Some(_) => "values mapped to a different value",
            None => "values changed",
        };
        Ok(lf.with_column(cx.count_changed(col(self.column.as_str()), new, label)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let pairs: Vec<String> = self
            .mapping
            .iter()
            .map(|(k, v)| {
                let key = py_str(k);
                let val = match v {
                    Value::Null => "None".to_string(),
                    v => py_str(&value_text(v)),
                };
                format!("({key}, {val})")
            })
            .collect();
        let mut args = format!("df, {}, [{}]", py_str(&self.column), pairs.join(", "));
        if let Some(d) = &self.default {
            let d = match d {
                Value::Null => "None".to_string(),
                d => py_str(&value_text(d)),
            };
            args.push_str(&format!(", default={d}, has_default=True"));
        }
        if let Some(to) = &self.to {
            args.push_str(&format!(", to={}", py_str(to)));
        }
        if let Some(c) = cx.cond() {
            args.push_str(&format!(", cond={c}"));
        }
        Ok(format!("df = map_values({args})"))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let dt = cx.dtype(&self.column)?;
        let ty = spark_sql_type(&dt)?;
        let c = sql_ident(&self.column);
        let lit_of = |v: &Value| match v {
            Value::Null => "NULL".to_string(),
            v => format!("CAST({} AS {ty})", sql_str(&value_text(v))),
        };
        let mut cases = format!("CASE WHEN {c} IS NULL THEN NULL");
        let keys = if dt == DataType::String {
            self.mapping.keys().map(|k| sql_str(k)).collect::<Vec<_>>()
        } else {
            let nums = self.number_keys(dt.is_integer())?;
            nums.iter().map(|x| sql_float(*x)).collect()
        };
        for (k, v) in keys.iter().zip(self.mapping.values()) {
            cases.push_str(&format!(" WHEN {c} = {k} THEN {}", lit_of(v)));
        }
        let other = match &self.default {
            Some(d) => lit_of(d),
            None => c.clone(),
        };
        cases.push_str(&format!(" ELSE {other} END"));
        let value = cx.value(self.target(), &format!("CAST({cases} AS {ty})"));
        Ok(cx.with_columns(&[(self.target().to_string(), value)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        if cx
            .dtype(&self.column)
            .is_some_and(|d| *d != DataType::String)
        {
            return Err("DataBrew CATEGORICAL_MAPPING maps text; this column holds numbers".into());
        }
        if self
            .mapping
            .values()
            .chain(self.default.iter())
            .any(|v| !v.is_string())
        {
            return Err("DataBrew CATEGORICAL_MAPPING maps to text categories; a new value here is not text".into());
        }
        let map: Map<String, Value> = self.mapping.clone();
        let step = BrewStep::op("CATEGORICAL_MAPPING")
            .param("sourceColumn", &self.column)
            .param("targetColumn", self.target())
            .param("categoryMap", Value::Object(map).to_string())
            .param("deleteOtherRows", "false");
        Ok(vec![match &self.default {
            None => step.param("keepOthers", "true"),
            Some(d) => step
                .param("keepOthers", "false")
                .param("other", value_text(d)),
        }])
    }
}

// ---------------------------------------------------------------------------------------
// DataBrew import

/// The DataBrew operations this family imports, as wort steps; `None` for an operation
/// of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(
        &[
            "BUCKETIZATION",
            "ONE_HOT_ENCODING",
            "CATEGORICAL_MAPPING",
            "RESCALE_OUTLIERS_WITH_Z_SCORE",
        ],
        |op| match op {
            "RESCALE_OUTLIERS_WITH_Z_SCORE" => {
                if b.get("outlierStrategy").is_some_and(|s| s != "Z_SCORE") {
                    return Err("RESCALE_OUTLIERS_WITH_Z_SCORE with another outlierStrategy has no wort equivalent".into());
                }
                let c = b.src()?;
                let to = b.get("targetColumn").filter(|t| *t != c).map(str::to_string);
                let mut v = json!({"op": "scale", "column": c, "method": "zscore"});
                if let Some(to) = to {
                    v["to"] = json!(to);
                }
                one(v)
            }
            "BUCKETIZATION" => {
                if b.get("splits").is_none() {
                    return Err("BUCKETIZATION by percentage has no wort equivalent; use splits".into());
                }
                let splits = b.list_param("splits")?;
                let edges = splits
                    .iter()
                    .map(|s| match s.trim().parse::<f64>() {
                        Ok(x) if x.is_finite() => Ok(x),
                        _ => Err(format!(
                            "split {s:?}: wort bins take finite edges (values outside the edges become null)"
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let mut v = json!({"op": "bin", "column": b.src()?, "method": "edges", "edges": edges});
                v["labels"] = json!(b.list_param("bucketNames")?);
                v["to"] = json!(b.need("targetColumn")?);
                one(v)
            }
            "ONE_HOT_ENCODING" => {
                let c = b.src()?;
                one(json!({"op": "one_hot", "column": c, "prefix": format!("{c}_")}))
            }
            "CATEGORICAL_MAPPING" => {
                if b.flag("deleteOtherRows") {
                    return Err("deleteOtherRows TRUE has no wort equivalent; add a filter step".into());
                }
                let text = b.need("categoryMap")?;
                let map: Map<String, Value> = serde_json::from_str(&text)
                    .map_err(|_| format!("categoryMap is not a JSON object: {text:?}"))?;
                let c = b.src()?;
                let mut v = json!({"op": "map_values", "column": c, "mapping": map});
                if !b.flag("keepOthers") {
                    v["default"] = b.get("other").map_or(Value::Null, |o| json!(o));
                }
                if let Some(t) = b.get("targetColumn").filter(|t| *t != c) {
                    v["to"] = json!(t);
                }
                one(v)
            }
            _ => Err(format!("{op} is not imported here")),
        },
    )
}
