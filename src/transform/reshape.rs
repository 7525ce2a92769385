//! Steps that change the shape of the table: aggregate, pivot, unpivot, unnest, explode
//! (window and the sampling steps are in `window.rs`).
//!
//! Row order: aggregate and pivot give one row per group in the order each group first
//! appears; unpivot and explode give each input row's new rows in place. The exported
//! PySpark job keeps `__wort_row` through these steps so its rows come out in the same
//! order (a group's first row, or the input row with the position inside it).

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, type_name};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_list, py_str, sql_ident};

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AggFn {
    /// Rows in the group (without a column), or non-missing values of the column.
    Count,
    /// Distinct non-missing values.
    CountDistinct,
    /// Sum of the values; missing when the group has none.
    Sum,
    Mean,
    /// The middle value (the mean of the two middle values for an even count).
    Median,
    Min,
    Max,
    /// Sample standard deviation (n - 1); missing with fewer than two values.
    Std,
    /// Sample variance (n - 1); missing with fewer than two values.
    Var,
    /// The first non-missing value, in row order.
    First,
    /// The last non-missing value, in row order.
    Last,
    /// The most common non-missing value; on a tie, the smallest.
    Mode,
    /// The non-missing values as a list, in row order (explode turns it back into rows).
    List,
}

impl AggFn {
    pub fn name(self) -> &'static str {
        match self {
            AggFn::Count => "count",
            AggFn::CountDistinct => "count_distinct",
            AggFn::Sum => "sum",
            AggFn::Mean => "mean",
            AggFn::Median => "median",
            AggFn::Min => "min",
            AggFn::Max => "max",
            AggFn::Std => "std",
            AggFn::Var => "var",
            AggFn::First => "first",
            AggFn::Last => "last",
            AggFn::Mode => "mode",
            AggFn::List => "list",
        }
    }

    fn numeric(self) -> bool {
        matches!(
            self,
            AggFn::Sum | AggFn::Mean | AggFn::Median | AggFn::Std | AggFn::Var
        )
    }

    /// The function over `e` inside a group (or over the whole frame); `None`: count rows.
    pub fn expr(self, e: Option<Expr>) -> Expr {
        let Some(e) = e else {
            return len().cast(DataType::Int64);
        };
        match self {
            AggFn::Count => e.count().cast(DataType::Int64),
            AggFn::CountDistinct => e.drop_nulls().n_unique().cast(DataType::Int64),
            // SQL: the sum of no values is missing, not 0.
            AggFn::Sum => when(e.clone().count().gt(lit(0)))
                .then(e.sum())
                .otherwise(lit(NULL)),
            AggFn::Mean => e.mean(),
            AggFn::Median => e.median(),
            AggFn::Min => e.min(),
            AggFn::Max => e.max(),
            AggFn::Std => e.std(1),
            AggFn::Var => e.var(1),
            AggFn::First => e.drop_nulls().first(),
            AggFn::Last => e.drop_nulls().last(),
            AggFn::Mode => e.drop_nulls().mode(false).min(),
            AggFn::List => e.drop_nulls().implode(true),
        }
    }

    /// The Spark SQL aggregate, or why there is none in plain SQL.
    fn sql(self, e: Option<&str>) -> Result<String, String> {
        let Some(e) = e else {
            return Ok("COUNT(*)".into());
        };
        Ok(match self {
            AggFn::Count => format!("COUNT({e})"),
            AggFn::CountDistinct => format!("COUNT(DISTINCT {e})"),
            AggFn::Sum => format!("SUM({e})"),
            AggFn::Mean => format!("AVG({e})"),
            AggFn::Median => format!("percentile({e}, 0.5)"),
            AggFn::Min => format!("MIN({e})"),
            AggFn::Max => format!("MAX({e})"),
            AggFn::Std => format!("stddev_samp({e})"),
            AggFn::Var => format!("var_samp({e})"),
            AggFn::First | AggFn::Last | AggFn::List => {
                return Err(format!(
                    "\"{}\" needs the row order, which SQL tables do not have",
                    self.name()
                ));
            }
            AggFn::Mode => {
                return Err("\"mode\" with its tie rule has no single SQL aggregate".into());
            }
        })
    }

    /// The DataBrew function name, or why there is none.
    fn brew(self) -> Result<&'static str, String> {
        Ok(match self {
            AggFn::Count => "COUNT",
            AggFn::CountDistinct => "COUNT_DISTINCT",
            AggFn::Sum => "SUM",
            AggFn::Mean => "AVERAGE",
            AggFn::Median => "MEDIAN",
            AggFn::Min => "MIN",
            AggFn::Max => "MAX",
            other => {
                return Err(format!(
                    "DataBrew documents no aggregate with the meaning of \"{}\"",
                    other.name()
                ));
            }
        })
    }

    fn from_brew(name: &str) -> Result<AggFn, String> {
        Ok(match name.to_ascii_uppercase().as_str() {
            "COUNT" => AggFn::Count,
            "COUNT_DISTINCT" => AggFn::CountDistinct,
            "SUM" => AggFn::Sum,
            "AVERAGE" | "MEAN" => AggFn::Mean,
            "MEDIAN" => AggFn::Median,
            "MIN" => AggFn::Min,
            "MAX" => AggFn::Max,
            other => {
                return Err(format!(
                    "aggregate function {other} is not imported (its tie or null rules are not documented)"
                ));
            }
        })
    }

    /// Check the function against its column (`None` only for count).
    fn check(self, cx: &mut CheckCx, column: Option<&str>, field: &str) {
        let Some(c) = column else {
            if self != AggFn::Count {
                cx.problem(format!(
                    "{field}: \"{}\" needs a \"column\"; only \"count\" counts rows without one",
                    self.name()
                ));
            }
            return;
        };
        let Some(dt) = cx.column(c) else { return };
        if self.numeric() && !dt.is_primitive_numeric() {
            cx.problem(format!(
                "{field}: \"{}\" needs numbers, but column \"{c}\" is {}; add a cast step to int or float first",
                self.name(),
                type_name(&dt)
            ));
        } else if self != AggFn::Count && dt.is_nested() {
            cx.problem(format!(
                "{field}: column \"{c}\" is {}, which \"{}\" cannot compare; unnest or explode it first",
                type_name(&dt),
                self.name()
            ));
        }
    }
}

/// One aggregate of an `aggregate` step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agg {
    /// The column aggregated (leave out with `count` to count rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(rename = "fn")]
    pub func: AggFn,
    /// The output column.
    pub to: String,
}

/// Group rows by the `by` columns and compute `aggs` for each group: one row per group,
/// in the order each group first appears; missing keys form their own group (as in SQL
/// GROUP BY). The output has the `by` columns, then one column per aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    pub by: OneOrMany,
    pub aggs: Vec<Agg>,
}

/// Problems with output names: empty, repeated, or equal to a kept column.
fn check_outputs(cx: &mut CheckCx, kept: &[String], outputs: &[(&str, &str)]) {
    let mut seen: Vec<&str> = kept.iter().map(String::as_str).collect();
    for (field, name) in outputs {
        cx.new_name(field, name);
        if seen.contains(name) {
            cx.problem(format!(
                "{field}: column \"{name}\" would appear twice in the output; choose another name"
            ));
        }
        seen.push(name);
    }
}

/// Key columns must exist, be listed once and hold plain values.
fn check_keys(cx: &mut CheckCx, field: &str, keys: &[String]) {
    cx.distinct(&format!("\"{field}\": "), keys);
    for k in keys {
        if let Some(dt) = cx.column(k)
            && dt.is_nested()
        {
            cx.problem(format!(
                "\"{field}\": column \"{k}\" is {}; group by plain values (unnest or explode it first)",
                type_name(&dt)
            ));
        }
    }
}

impl StepImpl for Aggregate {
    fn describe(&self) -> String {
        let aggs: Vec<String> = self
            .aggs
            .iter()
            .map(|a| match &a.column {
                Some(c) => format!("{} = {}({c})", a.to, a.func.name()),
                None => format!("{} = {}(rows)", a.to, a.func.name()),
            })
            .collect();
        format!(
            "group by {}: {}",
            self.by.to_vec().join(", "),
            aggs.join(", ")
        )
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let by = self.by.to_vec();
        if by.is_empty() {
            cx.problem("\"by\" is empty; name the columns whose values form the groups");
        }
        check_keys(cx, "by", &by);
        if self.aggs.is_empty() {
            cx.problem("\"aggs\" is empty; add at least one {\"fn\": ..., \"to\": ...}");
        }
        let fields: Vec<String> = (1..=self.aggs.len()).map(|i| format!("aggs {i}")).collect();
        for (a, f) in self.aggs.iter().zip(&fields) {
            a.func.check(cx, a.column.as_deref(), f);
        }
        let outs: Vec<(&str, &str)> = self
            .aggs
            .iter()
            .zip(&fields)
            .map(|(a, f)| (f.as_str(), a.to.as_str()))
            .collect();
        check_outputs(cx, &by, &outs);
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let keys: Vec<Expr> = self.by.to_vec().iter().map(|c| col(c.as_str())).collect();
        let aggs: Vec<Expr> = self
            .aggs
            .iter()
            .map(|a| {
                a.func
                    .expr(a.column.as_deref().map(col))
                    .alias(a.to.as_str())
            })
            .collect();
        Ok(lf.group_by_stable(keys).agg(aggs))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = aggregate(df, {}, {})",
            py_list(&self.by.to_vec()),
            py_aggs(&self.aggs)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let keys: Vec<String> = self.by.to_vec().iter().map(|c| sql_ident(c)).collect();
        let mut exprs = keys.clone();
        for a in &self.aggs {
            let c = a.column.as_deref().map(sql_ident);
            exprs.push(format!(
                "{} AS {}",
                a.func.sql(c.as_deref())?,
                sql_ident(&a.to)
            ));
        }
        Ok(format!(
            "{} GROUP BY {}",
            cx.select(&exprs),
            keys.join(", ")
        ))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let mut options = Vec::new();
        for a in &self.aggs {
            let Some(c) = &a.column else {
                return Err("counting rows (count without a column) has no documented DataBrew form; count a column without missing values instead".into());
            };
            let f = a.func.brew()?;
            let kind = match (a.func, cx.dtype(c)) {
                (AggFn::Min | AggFn::Max, Some(dt)) if !dt.is_primitive_numeric() => "string",
                _ => "number",
            };
            options.push(json!({
                "sourceColumnName": c,
                "targetColumnName": a.to,
                "targetColumnDataType": kind,
                "functionName": f,
            }));
        }
        Ok(vec![
            BrewStep::op("GROUP_BY")
                .list("sourceColumns", &self.by.to_vec())
                .param(
                    "groupByAggFunctionOptions",
                    serde_json::to_string(&options).unwrap_or_default(),
                )
                .param("useNewDataFrame", "true"),
        ])
    }
}

/// The aggregates as a Python list of (fn, column or None, to).
fn py_aggs(aggs: &[Agg]) -> String {
    let items: Vec<String> = aggs
        .iter()
        .map(|a| {
            format!(
                "({}, {}, {})",
                py_str(a.func.name()),
                a.column.as_deref().map_or("None".into(), py_str),
                py_str(&a.to)
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Turn the values of the `columns` column into columns: one row per combination of
/// the `index` columns (in order of first appearance), one column per distinct
/// non-missing value of `columns` (in sorted order: numbers by value, text by code
/// point), each holding `fn` of `values` over that group's rows with that value. Rows
/// whose `columns` value is missing count for their group but for no column. The output
/// columns depend on the data: the step reads all of it (it holds the data in memory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pivot {
    /// The columns that identify a row of the output (default: every column other than
    /// `columns` and `values`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<OneOrMany>,
    /// The column whose values become column names (text or whole numbers).
    pub columns: String,
    /// The column aggregated into the cells.
    pub values: String,
    #[serde(rename = "fn")]
    pub func: AggFn,
}

impl Pivot {
    fn index(&self, schema: &Schema) -> Vec<String> {
        match &self.index {
            Some(i) => i.to_vec(),
            None => schema
                .iter_names()
                .filter(|n| n.as_str() != self.columns && n.as_str() != self.values)
                .map(|n| n.to_string())
                .collect(),
        }
    }
}

impl StepImpl for Pivot {
    fn describe(&self) -> String {
        let index = match &self.index {
            Some(i) => i.to_vec().join(", "),
            None => "the other columns".into(),
        };
        format!(
            "pivot {} into columns of {}({}) per {index}",
            self.columns,
            self.func.name(),
            self.values
        )
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let index = self.index(cx.schema);
        check_keys(cx, "index", &index);
        if let Some(dt) = cx.column(&self.columns)
            && !(dt == DataType::String || dt.is_integer())
        {
            cx.problem(format!(
                "\"columns\": column \"{}\" is {}; its values become column names, so it must hold text or whole numbers (add a cast step first)",
                self.columns,
                type_name(&dt)
            ));
        }
        if self.columns == self.values {
            cx.problem("\"columns\" and \"values\" name the same column; choose the column to aggregate in \"values\"");
        }
        for (f, c) in [("columns", &self.columns), ("values", &self.values)] {
            if index.contains(c) {
                cx.problem(format!(
                    "\"index\" holds \"{c}\", which is also \"{f}\"; leave it out of \"index\""
                ));
            }
        }
        self.func.check(cx, Some(&self.values), "\"fn\"");
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let index = self.index(cx.schema);
        // The output's columns are the data's values: read it all, once.
        let df = lf.collect()?;
        let keys = df
            .column(&self.columns)?
            .as_materialized_series()
            .drop_nulls()
            .unique()?
            .sort(SortOptions::default())?;
        let keys = keys.cast(&DataType::String)?;
        let mut exprs = Vec::new();
        for k in keys.str()?.iter().flatten() {
            if k.is_empty() || index.iter().any(|i| i == k) {
                polars_bail!(InvalidOperation:
                    "the value {k:?} of column \"{}\" cannot become a column name (it is empty or an index column); change it first, e.g. with a replace step",
                    self.columns);
            }
            let hit = col(self.columns.as_str())
                .cast(DataType::String)
                .eq(lit(k.to_string()));
            let masked = when(hit)
                .then(col(self.values.as_str()))
                .otherwise(lit(NULL));
            exprs.push(self.func.expr(Some(masked)).alias(k));
        }
        let lf = df.lazy();
        Ok(if index.is_empty() {
            lf.select(exprs)
        } else {
            let by: Vec<Expr> = index.iter().map(|c| col(c.as_str())).collect();
            lf.group_by_stable(by).agg(exprs)
        })
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let index = match &self.index {
            Some(i) => py_list(&i.to_vec()),
            None => "None".into(),
        };
        Ok(format!(
            "df = pivot(df, {index}, {}, {}, {})",
            py_str(&self.columns),
            py_str(&self.values),
            py_str(self.func.name())
        ))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err(
            "the output columns are the data's values, which one SQL query cannot name in advance"
                .into(),
        )
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let Some(schema) = cx.schema else {
            return Err("DataBrew's PIVOT keeps every other column as the index: the export needs the input's columns (--input)".into());
        };
        let all = Pivot {
            index: None,
            ..self.clone()
        }
        .index(schema);
        if self.index(schema) != all {
            return Err(
                "DataBrew's PIVOT keeps every other column as the index; leave \"index\" out"
                    .into(),
            );
        }
        let f = match self.func {
            AggFn::Count => return Err("DataBrew's PIVOT does not document COUNT".into()),
            AggFn::List => "COLLECT_LIST",
            f => f.brew()?,
        };
        Ok(vec![
            BrewStep::op("PIVOT")
                .param("sourceColumn", &self.columns)
                .param("valueColumn", &self.values)
                .param("aggregateFunction", f),
        ])
    }
}

/// Turn columns into rows (wide to long): each input row becomes one row per column of
/// `columns`, in that order, holding the `index` columns, the column's name in `name`
/// and its value in `value`. The values take one type: whole numbers stay whole, numbers
/// mixed with whole numbers become floats; other mixes are an error (cast first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unpivot {
    /// The columns kept on every row (default: every column not in `columns`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<OneOrMany>,
    /// The columns turned into rows.
    pub columns: OneOrMany,
    /// The new column holding the former column names.
    pub name: String,
    /// The new column holding the values.
    pub value: String,
}

impl Unpivot {
    fn index(&self, schema: &Schema) -> Vec<String> {
        let cols = self.columns.to_vec();
        match &self.index {
            Some(i) => i.to_vec(),
            None => schema
                .iter_names()
                .filter(|n| !cols.iter().any(|c| c == n.as_str()))
                .map(|n| n.to_string())
                .collect(),
        }
    }
}

/// The one type a list of columns' values take together, or why there is none.
pub fn common_type(schema: &Schema, cols: &[String]) -> Result<DataType, String> {
    let types: Vec<(&String, DataType)> = cols
        .iter()
        .filter_map(|c| schema.get(c).map(|t| (c, t.clone())))
        .collect();
    let Some((_, first)) = types.first() else {
        return Ok(DataType::String);
    };
    if types.iter().all(|(_, t)| t.is_integer()) {
        return Ok(DataType::Int64);
    }
    if types.iter().all(|(_, t)| t.is_primitive_numeric()) {
        return Ok(DataType::Float64);
    }
    if let Some((c, t)) = types.iter().find(|(_, t)| t != first) {
        return Err(format!(
            "column \"{}\" is {} but \"{c}\" is {}; the values need one type: add cast steps first",
            types[0].0,
            type_name(first),
            type_name(t)
        ));
    }
    Ok(first.clone())
}

impl StepImpl for Unpivot {
    fn describe(&self) -> String {
        format!(
            "unpivot {} into {} / {}",
            self.columns.to_vec().join(", "),
            self.name,
            self.value
        )
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let cols = self.columns.to_vec();
        if cols.is_empty() {
            cx.problem("\"columns\" is empty; name the columns to turn into rows");
        }
        cx.distinct("\"columns\": ", &cols);
        cx.columns(&cols);
        let index = self.index(cx.schema);
        cx.columns(&index);
        for c in &cols {
            if index.contains(c) {
                cx.problem(format!(
                    "column \"{c}\" is in both \"index\" and \"columns\"; keep it in one"
                ));
            }
        }
        if let Err(e) = common_type(cx.schema, &cols) {
            cx.problem(format!("\"columns\": {e}"));
        }
        check_outputs(
            cx,
            &index,
            &[("name", self.name.as_str()), ("value", self.value.as_str())],
        );
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let cols = self.columns.to_vec();
        let dt = common_type(cx.schema, &cols).map_err(|e| polars_err!(InvalidOperation: "{e}"))?;
        let names: Vec<Expr> = cols.iter().map(|c| lit(c.clone())).collect();
        let values: Vec<Expr> = cols
            .iter()
            .map(|c| col(c.as_str()).cast(dt.clone()))
            .collect();
        let mut out: Vec<Expr> = self
            .index(cx.schema)
            .iter()
            .map(|c| col(c.as_str()))
            .collect();
        out.push(concat_list(names)?.alias(self.name.as_str()));
        out.push(concat_list(values)?.alias(self.value.as_str()));
        Ok(lf.select(out).explode(
            by_name([self.name.as_str(), self.value.as_str()], true, false),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        ))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let index = match &self.index {
            Some(i) => py_list(&i.to_vec()),
            None => "None".into(),
        };
        Ok(format!(
            "df = unpivot(df, {index}, {}, {}, {})",
            py_list(&self.columns.to_vec()),
            py_str(&self.name),
            py_str(&self.value)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let cols = self.columns.to_vec();
        let dt = common_type(cx.schema, &cols)?;
        let spark = match dt {
            DataType::Int64 => "BIGINT",
            DataType::Float64 => "DOUBLE",
            DataType::String => "STRING",
            DataType::Boolean => "BOOLEAN",
            DataType::Date => "DATE",
            DataType::Datetime(_, _) => "TIMESTAMP_NTZ",
            other => {
                return Err(format!(
                    "{} values have no SQL form here",
                    type_name(&other)
                ));
            }
        };
        let pairs: Vec<String> = cols
            .iter()
            .map(|c| {
                format!(
                    "{}, CAST({} AS {spark})",
                    crate::transform::target::text::sql_str(c),
                    sql_ident(c)
                )
            })
            .collect();
        let mut exprs: Vec<String> = self.index(cx.schema).iter().map(|c| sql_ident(c)).collect();
        exprs.push(format!(
            "stack({}, {}) AS ({}, {})",
            cols.len(),
            pairs.join(", "),
            sql_ident(&self.name),
            sql_ident(&self.value)
        ));
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        if let (Some(i), Some(schema)) = (&self.index, cx.schema)
            && i.to_vec()
                != (Unpivot {
                    index: None,
                    ..self.clone()
                })
                .index(schema)
        {
            return Err("DataBrew's UNPIVOT keeps every other column; leave \"index\" out".into());
        }
        if self.index.is_some() && cx.schema.is_none() {
            return Err("DataBrew's UNPIVOT keeps every other column: leave \"index\" out, or export with --input".into());
        }
        Ok(vec![
            BrewStep::op("UNPIVOT")
                .list("sourceColumns", &self.columns.to_vec())
                .param("unpivotColumn", &self.name)
                .param("valueColumn", &self.value),
        ])
    }
}

/// Turn a list column into one row per element (the other columns repeated). An empty
/// list gives one row with a missing value; a missing list stays one row with a missing
/// value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Explode {
    pub column: String,
}

impl StepImpl for Explode {
    fn describe(&self) -> String {
        format!("one row per element of {}", self.column)
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        if let Some(dt) = cx.column(&self.column)
            && !matches!(dt, DataType::List(_))
        {
            cx.problem(format!(
                "column \"{}\" is {}, not a list; explode takes a list column (from JSON or Parquet)",
                self.column,
                type_name(&dt)
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        Ok(lf.explode(
            by_name([self.column.as_str()], true, false),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        ))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!("df = explode_list(df, {})", py_str(&self.column)))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let exprs: Vec<String> = cx
            .schema
            .iter_names()
            .map(|n| {
                if n.as_str() == self.column {
                    format!("explode_outer({}) AS {}", sql_ident(n), sql_ident(n))
                } else {
                    sql_ident(n)
                }
            })
            .collect();
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        Err("DataBrew's UNNEST_ARRAY writes a new column and does not document empty or missing lists".into())
    }
}

/// Replace a struct column by its fields, as columns named `prefix` + field name, in
/// field-name order, where the struct was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unnest {
    pub column: String,
    /// Put before each field's name (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl Unnest {
    /// (field name, output name), in field-name order.
    fn fields(&self, schema: &Schema) -> Vec<(String, String)> {
        let Some(DataType::Struct(fields)) = schema.get(&self.column) else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = fields
            .iter()
            .map(|f| {
                let n = f.name().to_string();
                let to = format!("{}{n}", self.prefix.as_deref().unwrap_or(""));
                (n, to)
            })
            .collect();
        out.sort();
        out
    }
}

impl StepImpl for Unnest {
    fn describe(&self) -> String {
        match &self.prefix {
            Some(p) => format!("unnest {} into columns {p}...", self.column),
            None => format!("unnest {} into columns", self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let Some(dt) = cx.column(&self.column) else {
            return;
        };
        if !matches!(dt, DataType::Struct(_)) {
            cx.problem(format!(
                "column \"{}\" is {}, not a struct; unnest takes a struct column (from JSON or Parquet)",
                self.column,
                type_name(&dt)
            ));
            return;
        }
        for (_, to) in self.fields(cx.schema) {
            if to != self.column && cx.schema.contains(&to) {
                cx.problem(format!(
                    "field column \"{to}\" already exists; give a \"prefix\" or rename that column first"
                ));
            }
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let mut out = Vec::new();
        for n in cx.schema.iter_names() {
            if n.as_str() == self.column {
                for (f, to) in self.fields(cx.schema) {
                    out.push(
                        col(n.clone())
                            .struct_()
                            .field_by_name(&f)
                            .alias(to.as_str()),
                    );
                }
            } else {
                out.push(col(n.clone()));
            }
        }
        Ok(lf.select(out))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = unnest_struct(df, {}, {})",
            py_str(&self.column),
            py_str(self.prefix.as_deref().unwrap_or(""))
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let mut exprs = Vec::new();
        for n in cx.schema.iter_names() {
            if n.as_str() == self.column {
                for (f, to) in self.fields(cx.schema) {
                    exprs.push(format!(
                        "{}.{} AS {}",
                        sql_ident(n),
                        sql_ident(&f),
                        sql_ident(&to)
                    ));
                }
            } else {
                exprs.push(sql_ident(n));
            }
        }
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        Err("DataBrew's UNNEST_STRUCT documents no field order or naming rule to match".into())
    }
}

/// The DataBrew operations this family imports, as wort steps; `None` for an operation
/// of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["GROUP_BY", "PIVOT", "UNPIVOT"], |op| match op {
        "GROUP_BY" => {
            if b.get("useNewDataFrame").is_some() && !b.flag("useNewDataFrame") {
                return Err("GROUP_BY without useNewDataFrame adds results to every row, which DataBrew does not document".into());
            }
            let by = b.list_param("sourceColumns")?;
            let text = b.need("groupByAggFunctionOptions")?;
            let options: Vec<Value> = serde_json::from_str(&text).map_err(|_| {
                format!("parameter \"groupByAggFunctionOptions\" is not a JSON list: {text:?}")
            })?;
            let mut aggs = Vec::new();
            for o in &options {
                let field = |k: &str| {
                    o.get(k)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .ok_or_else(|| format!("an aggregate in groupByAggFunctionOptions has no \"{k}\""))
                };
                let func = AggFn::from_brew(&field("functionName")?)?;
                aggs.push(json!({"column": field("sourceColumnName")?, "fn": func.name(), "to": field("targetColumnName")?}));
            }
            one(json!({"op": "aggregate", "by": by, "aggs": aggs}))
        }
        "PIVOT" => {
            let func = match b.need("aggregateFunction")?.to_ascii_uppercase().as_str() {
                "COLLECT_LIST" => AggFn::List,
                other => AggFn::from_brew(other)?,
            };
            one(json!({"op": "pivot", "columns": b.src()?, "values": b.need("valueColumn")?, "fn": func.name()}))
        }
        "UNPIVOT" => one(json!({
            "op": "unpivot",
            "columns": b.list_param("sourceColumns")?,
            "name": b.need("unpivotColumn")?,
            "value": b.need("valueColumn")?,
        })),
        _ => Err(format!("{op} is not imported here")),
    }, )
}
