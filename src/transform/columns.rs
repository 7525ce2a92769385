//! Column steps: rename, drop, select, duplicate, move, cast, sort.

use crate::transform::target::text::polars_ident;
use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, type_name};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one, type_param};
use crate::transform::target::datefmt::Mode;
use crate::transform::target::pyspark::{PyCx, py_pattern};
use crate::transform::target::sql::{
    SqlCx, sql_pattern, strip, text_to_bool, text_to_float, text_to_int,
};
use crate::transform::target::text::{py_list, py_str, sql_ident};

/// Rename a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub column: String,
    pub to: String,
}

impl StepImpl for Rename {
    fn describe(&self) -> String {
        format!("rename {} to {}", self.column, self.to)
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.column(&self.column);
        if self.column != self.to {
            cx.fresh_name("to", &self.to);
        }
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        Ok(lf.rename([self.column.as_str()], [self.to.as_str()], true))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = df.withColumnRenamed({}, {})",
            py_str(&self.column),
            py_str(&self.to)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let exprs: Vec<String> = cx
            .schema
            .iter_names()
            .map(|n| {
                if n.as_str() == self.column {
                    format!("{} AS {}", sql_ident(n), sql_ident(&self.to))
                } else {
                    sql_ident(n)
                }
            })
            .collect();
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Ok(vec![
            BrewStep::op("RENAME")
                .param("sourceColumn", &self.column)
                .param("targetColumn", &self.to),
        ])
    }
}

/// Remove columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Drop {
    pub columns: OneOrMany,
}

impl StepImpl for Drop {
    fn describe(&self) -> String {
        format!("drop {}", self.columns.to_vec().join(", "))
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let cols = self.columns.to_vec();
        if cols.is_empty() {
            cx.problem("\"columns\" is empty");
        }
        cx.columns(&cols);
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let cols = self.columns.to_vec();
        Ok(lf.drop(by_name(cols.iter().map(String::as_str), true, false)))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let cols: Vec<String> = self.columns.to_vec().iter().map(|c| py_str(c)).collect();
        Ok(format!("df = df.drop({})", cols.join(", ")))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let drop = self.columns.to_vec();
        let exprs: Vec<String> = cx
            .schema
            .iter_names()
            .filter(|n| !drop.iter().any(|d| d == n.as_str()))
            .map(|n| sql_ident(n))
            .collect();
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Ok(self
            .columns
            .to_vec()
            .iter()
            .map(|c| BrewStep::op("DELETE").param("sourceColumn", c))
            .collect())
    }
}

/// Keep only these columns, in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Select {
    pub columns: OneOrMany,
}

impl StepImpl for Select {
    fn describe(&self) -> String {
        format!("keep only {}", self.columns.to_vec().join(", "))
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let cols = self.columns.to_vec();
        if cols.is_empty() {
            cx.problem("\"columns\" is empty");
        }
        cx.distinct("", &cols);
        cx.columns(&cols);
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        Ok(lf.select(
            self.columns
                .to_vec()
                .iter()
                .map(|c| col(c.as_str()))
                .collect::<Vec<_>>(),
        ))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = keep_columns(df, {})",
            py_list(&self.columns.to_vec())
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let exprs: Vec<String> = self.columns.to_vec().iter().map(|c| sql_ident(c)).collect();
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let Some(schema) = cx.schema else {
            return Err(
                "DataBrew has no \"keep only\": it becomes DELETE and MOVE steps, which need the input's columns (export with --input)"
                    .into(),
            );
        };
        let keep = self.columns.to_vec();
        let mut out: Vec<BrewStep> = schema
            .iter_names()
            .filter(|n| !keep.iter().any(|k| k == n.as_str()))
            .map(|n| BrewStep::op("DELETE").param("sourceColumn", n.as_str()))
            .collect();
        for (i, c) in keep.iter().enumerate() {
            out.push(
                BrewStep::op("MOVE_TO_INDEX")
                    .param("sourceColumn", c)
                    .param("targetIndex", i.to_string()),
            );
        }
        Ok(out)
    }
}

/// Copy a column under a new name (placed right after the original).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duplicate {
    pub column: String,
    pub to: String,
}

impl StepImpl for Duplicate {
    fn describe(&self) -> String {
        format!("duplicate {} as {}", self.column, self.to)
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.column(&self.column);
        cx.fresh_name("to", &self.to);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let mut exprs = Vec::with_capacity(cx.schema.len() + 1);
        for name in cx.schema.iter_names() {
            exprs.push(col(name.clone()));
            if name.as_str() == self.column {
                exprs.push(col(name.clone()).alias(self.to.as_str()));
            }
        }
        Ok(lf.select(exprs))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = duplicate_column(df, {}, {})",
            py_str(&self.column),
            py_str(&self.to)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let mut exprs = Vec::new();
        for n in cx.schema.iter_names() {
            exprs.push(sql_ident(n));
            if n.as_str() == self.column {
                exprs.push(format!("{} AS {}", sql_ident(n), sql_ident(&self.to)));
            }
        }
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Ok(vec![
            BrewStep::op("DUPLICATE")
                .param("sourceColumn", &self.column)
                .param("targetColumn", &self.to),
        ])
    }
}

/// Move a column to a position (0 is first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub column: String,
    pub to_index: usize,
}

impl StepImpl for Move {
    fn describe(&self) -> String {
        format!("move {} to position {}", self.column, self.to_index)
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.column(&self.column);
        if self.to_index >= cx.schema.len() {
            cx.problem(format!(
                "to_index {} is past the last column (there are {} columns, numbered from 0)",
                self.to_index,
                cx.schema.len()
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let mut names: Vec<PlSmallStr> = cx
            .schema
            .iter_names()
            .filter(|n| n.as_str() != self.column)
            .cloned()
            .collect();
        let at = self.to_index.min(names.len());
        names.insert(at, self.column.as_str().into());
        Ok(lf.select(names.into_iter().map(col).collect::<Vec<_>>()))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = move_column(df, {}, {})",
            py_str(&self.column),
            self.to_index
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let mut names: Vec<String> = cx
            .schema
            .iter_names()
            .filter(|n| n.as_str() != self.column)
            .map(|n| n.to_string())
            .collect();
        let at = self.to_index.min(names.len());
        names.insert(at, self.column.clone());
        let exprs: Vec<String> = names.iter().map(|n| sql_ident(n)).collect();
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Ok(vec![
            BrewStep::op("MOVE_TO_INDEX")
                .param("sourceColumn", &self.column)
                .param("targetIndex", self.to_index.to_string()),
        ])
    }
}

/// The types a `cast` step converts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CastType {
    Int,
    Float,
    String,
    Bool,
    Date,
    Datetime,
}

impl CastType {
    pub fn dtype(self) -> DataType {
        match self {
            CastType::Int => DataType::Int64,
            CastType::Float => DataType::Float64,
            CastType::String => DataType::String,
            CastType::Bool => DataType::Boolean,
            CastType::Date => DataType::Date,
            CastType::Datetime => DataType::Datetime(TimeUnit::Microseconds, None),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            CastType::Int => "int",
            CastType::Float => "float",
            CastType::String => "string",
            CastType::Bool => "bool",
            CastType::Date => "date",
            CastType::Datetime => "datetime",
        }
    }
}

/// Convert a column's type; values that don't convert become null and are counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cast {
    pub column: String,
    pub to: CastType,
    /// strftime format for text -> date/datetime (e.g. "%d/%m/%Y") and date -> text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl StepImpl for Cast {
    fn describe(&self) -> String {
        match &self.format {
            Some(f) => format!("cast {} to {} (format {f})", self.column, self.to.name()),
            None => format!("cast {} to {}", self.column, self.to.name()),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        let Some(from) = cx.column(&self.column) else {
            return;
        };
        if let Some(f) = &self.format {
            let temporal = matches!(self.to, CastType::Date | CastType::Datetime);
            let from_temporal = matches!(from, DataType::Date | DataType::Datetime(_, _));
            if !(temporal && from == DataType::String
                || self.to == CastType::String && from_temporal)
            {
                cx.problem(format!(
                    "\"format\" applies to text -> date/datetime or date/datetime -> string, not {} -> {}",
                    type_name(&from),
                    self.to.name()
                ));
            }
            super::dates::check_format(cx, f);
        }
        let ok = match self.to {
            CastType::Date | CastType::Datetime => matches!(
                from,
                DataType::String | DataType::Date | DataType::Datetime(_, _)
            ),
            CastType::Bool => {
                from == DataType::String || from.is_primitive_numeric() || from == DataType::Boolean
            }
            _ => true,
        };
        if !ok {
            cx.problem(format!(
                "cannot cast a {} column to {}",
                type_name(&from),
                self.to.name()
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let from = cx.schema.try_get(&self.column)?.clone();
        let c = col(self.column.as_str());
        let converted = cast_expr(c.clone(), &from, self.to, self.format.as_deref());
        let label = format!(
            "values of {} that are not {} became null",
            self.column,
            self.to.name()
        );
        let value = cx.count_loss(converted, c.clone().is_not_null(), &self.column, &label);
        // Outside the condition the column keeps its old value, converted.
        let value = match cx.mask() {
            None => value,
            Some(m) => {
                when(m)
                    .then(value)
                    .otherwise(cast_expr(c, &from, self.to, self.format.as_deref()))
            }
        };
        Ok(lf.with_column(value.alias(self.column.as_str())))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        // A column has one type: values outside a `where` are converted the same way.
        let mut args = format!("df, {}, {}", py_str(&self.column), py_str(self.to.name()));
        if let Some(f) = &self.format {
            match self.to {
                CastType::Date | CastType::Datetime => {
                    args.push_str(&format!(", parse={}", py_pattern(f, Mode::Parse)?));
                }
                _ => args.push_str(&format!(", print={}", py_pattern(f, Mode::Print)?)),
            }
        }
        Ok(format!(
            "df = df.withColumn({}, cast_expr({args}))",
            py_str(&self.column)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let from = cx.dtype(&self.column)?;
        let c = sql_ident(&self.column);
        let temporal = matches!(from, DataType::Date | DataType::Datetime(_, _));
        let e = match (&from, self.to) {
            (DataType::String, CastType::Int) => text_to_int(&strip(&c)),
            (DataType::String, CastType::Float) => text_to_float(&strip(&c)),
            (DataType::String, CastType::Bool) => text_to_bool(&strip(&c)),
            (DataType::String, CastType::Date | CastType::Datetime) => {
                let Some(f) = &self.format else {
                    return Err(
                        "without a format the date format is inferred from the values, which only the PySpark job does"
                            .into(),
                    );
                };
                let func = if self.to == CastType::Date {
                    "to_date"
                } else {
                    "to_timestamp_ntz"
                };
                format!("{func}({}, {})", strip(&c), sql_pattern(f, Mode::Parse)?)
            }
            (_, CastType::String) if temporal && self.format.is_some() => format!(
                "date_format({c}, {})",
                sql_pattern(self.format.as_deref().unwrap_or_default(), Mode::Print)?
            ),
            (_, CastType::String) => cx.as_text(&self.column)?,
            (dt, CastType::Bool) if dt.is_primitive_numeric() => format!("{c} != 0"),
            (dt, CastType::Int) if dt.is_float() => {
                format!(
                    "CASE WHEN NOT isnan({c}) AND abs({c}) < 9.2e18 THEN CAST({c} AS BIGINT) END"
                )
            }
            (DataType::Date | DataType::Datetime(_, _), CastType::Int | CastType::Float) => {
                return Err("dates as numbers have no SQL form here".into());
            }
            (_, to) => {
                let ty = match to {
                    CastType::Int => "BIGINT",
                    CastType::Float => "DOUBLE",
                    CastType::Bool => "BOOLEAN",
                    CastType::Date => "DATE",
                    CastType::Datetime => "TIMESTAMP_NTZ",
                    CastType::String => "STRING",
                };
                format!("CAST({c} AS {ty})")
            }
        };
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        if self.format.is_some() {
            return Err("CHANGE_DATA_TYPE takes no date format".into());
        }
        // A `where` only limits what is counted: every value is converted.
        Ok(vec![
            BrewStep::op("CHANGE_DATA_TYPE")
                .param("sourceColumn", &self.column)
                .param("columnDataType", type_param(self.to.name())),
        ])
    }
}

/// The conversion of `e` (of type `from`) to `to`, non-strict: failures become null.
pub fn cast_expr(e: Expr, from: &DataType, to: CastType, format: Option<&str>) -> Expr {
    match (from, to) {
        (DataType::String, CastType::Int) => {
            let t = e.str().strip_chars(lit(NULL));
            // "12" and "12.0" both convert; "12.5" does not silently truncate.
            let direct = t.clone().cast(DataType::Int64);
            let as_float = t.cast(DataType::Float64);
            let whole = when(as_float.clone().eq(as_float.clone().floor()))
                .then(as_float.cast(DataType::Int64))
                .otherwise(lit(NULL).cast(DataType::Int64));
            when(direct.clone().is_not_null())
                .then(direct)
                .otherwise(whole)
        }
        (DataType::String, CastType::Float) => {
            e.str().strip_chars(lit(NULL)).cast(DataType::Float64)
        }
        (DataType::String, CastType::Bool) => {
            let l = e.str().strip_chars(lit(NULL)).str().to_lowercase();
            when(l.clone().is_in(
                lit(Series::new("t".into(), ["true", "t", "yes", "y", "1"])).implode(false),
                false,
            ))
            .then(lit(true))
            .when(l.is_in(
                lit(Series::new("f".into(), ["false", "f", "no", "n", "0"])).implode(false),
                false,
            ))
            .then(lit(false))
            .otherwise(lit(NULL).cast(DataType::Boolean))
        }
        (DataType::String, CastType::Date) => super::dates::parse_text(e, format, false),
        (DataType::String, CastType::Datetime) => super::dates::parse_text(e, format, true),
        (DataType::Date | DataType::Datetime(_, _), CastType::String) if format.is_some() => {
            e.dt().to_string(format.unwrap_or_default())
        }
        (dt, CastType::Bool) if dt.is_primitive_numeric() => e.neq(lit(0)),
        (dt, CastType::Int) if dt.is_float() => {
            // Truncate towards zero, like SQL CAST.
            e.cast(DataType::Int64)
        }
        _ => e.cast(to.dtype()),
    }
}

/// Sort rows by one or more columns. Missing values go last. Stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sort {
    pub by: OneOrMany,
    /// One flag for all columns, or one per column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descending: Option<BoolOrMany>,
}

/// `true` or `[true, false]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BoolOrMany {
    One(bool),
    Many(Vec<bool>),
}

/// One `descending` flag per key of `n`: absent is ascending, one flag applies to all.
pub(crate) fn descending_flags(descending: Option<&BoolOrMany>, n: usize) -> Vec<bool> {
    match descending {
        None => vec![false; n],
        Some(BoolOrMany::One(b)) => vec![*b; n],
        Some(BoolOrMany::Many(v)) => v.clone(),
    }
}

/// Each key with its direction (a key without a flag is ascending).
fn keyed<'a>(cols: &'a [String], flags: &[bool]) -> impl Iterator<Item = (&'a String, bool)> {
    cols.iter()
        .zip(flags.iter().copied().chain(std::iter::repeat(false)))
}

/// The keys as the PySpark runtime takes them: `("a", True), ("b", False)`.
pub(crate) fn py_sort_keys(cols: &[String], flags: &[bool]) -> String {
    keyed(cols, flags)
        .map(|(c, d)| format!("({}, {})", py_str(c), if d { "True" } else { "False" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The keys as a Spark SQL ORDER BY list, missing values last (as `sort`).
pub(crate) fn sql_sort_keys(cols: &[String], flags: &[bool]) -> String {
    keyed(cols, flags)
        .map(|(c, d)| {
            format!(
                "{} {} NULLS LAST",
                sql_ident(c),
                if d { "DESC" } else { "ASC" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The column [`Sort::with_positions`] adds: each row's 0-based position before the sort.
pub const SORT_POSITION: &str = "__wort_sort_position";

/// Rows listed after "first rows now" in the sort preview.
const PREVIEW_FIRST_ROWS: usize = 3;

impl Sort {
    fn flags(&self) -> Vec<bool> {
        descending_flags(self.descending.as_ref(), self.by.to_vec().len())
    }

    /// One sort key, ascending or descending (the view sort, recorded as a step).
    pub fn by_column(column: &str, descending: bool) -> Sort {
        Sort {
            by: OneOrMany::One(column.to_string()),
            descending: descending.then_some(BoolOrMany::One(true)),
        }
    }

    /// The sort keys and options: stable, missing values last. One definition for the
    /// step (in memory or spilled, `ApplyCx::sort`) and the workbench's view sort.
    fn keys_and_options(&self) -> (Vec<PlSmallStr>, SortMultipleOptions) {
        let by: Vec<PlSmallStr> = self.by.to_vec().into_iter().map(PlSmallStr::from).collect();
        let opts = SortMultipleOptions::default()
            .with_order_descending_multi(self.flags())
            .with_nulls_last(true)
            .with_maintain_order(true);
        (by, opts)
    }

    fn order(&self, lf: LazyFrame) -> LazyFrame {
        let (by, opts) = self.keys_and_options();
        lf.sort(by, opts)
    }

    /// The rows sorted as the step sorts them, with [`SORT_POSITION`] added last: where
    /// each row was before (0-based). One definition for the step's preview and the
    /// workbench's view sort.
    pub fn with_positions(&self, lf: LazyFrame) -> LazyFrame {
        self.order(lf.with_row_index(SORT_POSITION, None))
    }
}

/// "rows reordered: 341 of 344 moved; first rows now 12 (32.1), 3 (33.5), …": how a
/// sort moves rows, from the positions of [`Sort::with_positions`] (1-based row
/// numbers and the first key's values in the message).
fn reorder_note(sorted: &DataFrame, first_key: &str) -> PolarsResult<String> {
    let pos = sorted.column(SORT_POSITION)?.cast(&DataType::UInt64)?;
    let pos = pos.u64()?;
    let moved = pos
        .iter()
        .enumerate()
        .filter(|(i, p)| *p != Some(*i as u64))
        .count() as u64;
    let n = crate::util::thousands;
    let total = sorted.height() as u64;
    if moved == 0 {
        return Ok(format!(
            "rows reordered: none of {} moved (already in this order)",
            n(total)
        ));
    }
    let key = sorted.column(first_key)?;
    let first: Vec<String> = (0..sorted.height().min(PREVIEW_FIRST_ROWS))
        .map(|i| {
            let row = pos.get(i).map_or(0, |p| p + 1);
            let value = match key.get(i) {
                Ok(AnyValue::Null) | Err(_) => "null".to_string(),
                Ok(AnyValue::String(s)) => format!("{s:?}"),
                Ok(v) => v.to_string(),
            };
            format!("row {} ({value})", n(row))
        })
        .collect();
    let more = if sorted.height() > PREVIEW_FIRST_ROWS {
        ", …"
    } else {
        ""
    };
    Ok(format!(
        "rows reordered: {} of {} moved; first rows now {}{more}",
        n(moved),
        n(total),
        first.join(", ")
    ))
}

impl StepImpl for Sort {
    fn describe(&self) -> String {
        let by = self.by.to_vec();
        let flags = self.flags();
        let parts: Vec<String> = by
            .iter()
            .zip(flags.iter().chain(std::iter::repeat(&false)))
            .map(|(c, d)| {
                if *d {
                    format!("{c} (descending)")
                } else {
                    c.clone()
                }
            })
            .collect();
        format!("sort by {}", parts.join(", "))
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        let by = self.by.to_vec();
        if by.is_empty() {
            cx.problem("\"by\" is empty");
        }
        cx.columns(&by);
        if let Some(BoolOrMany::Many(v)) = &self.descending
            && v.len() != by.len()
        {
            cx.problem(format!(
                "\"descending\" has {} flags for {} columns; give one flag, or one per column",
                v.len(),
                by.len()
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let (by, opts) = self.keys_and_options();
        cx.sort(lf, by, opts)
    }
    fn preview(&self, before: LazyFrame, _cx: &ApplyCx) -> PolarsResult<Vec<String>> {
        let Some(first) = self.by.to_vec().into_iter().next() else {
            return Ok(Vec::new());
        };
        let sorted = self
            .with_positions(before)
            .select([col(first.as_str()), col(SORT_POSITION)])
            .collect()?;
        Ok(vec![reorder_note(&sorted, &first)?])
    }
    fn reorders_rows(&self) -> bool {
        true
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = sort_rows(df, [{}])",
            py_sort_keys(&self.by.to_vec(), &self.flags())
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        if !cx.last {
            return Err(
                "SQL tables have no row order between steps: a sort has a SQL form only as the last step"
                    .into(),
            );
        }
        Ok(format!(
            "ORDER BY {}",
            sql_sort_keys(&self.by.to_vec(), &self.flags())
        ))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let exprs: Vec<serde_json::Value> = self
            .by
            .to_vec()
            .iter()
            .zip(self.flags().into_iter().chain(std::iter::repeat(false)))
            .map(|(c, d)| {
                serde_json::json!({
                    "sourceColumn": c,
                    "ordering": if d { "DESCENDING" } else { "ASCENDING" },
                    "nullsOrdering": "NULLS_BOTTOM",
                })
            })
            .collect();
        Ok(vec![BrewStep::op("SORT").param(
            "expressions",
            serde_json::to_string(&exprs).unwrap_or_default(),
        )])
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["RENAME", "DELETE", "DUPLICATE", "MOVE_TO_INDEX", "MOVE_TO_START", "MOVE_TO_END", "MOVE_AFTER", "MOVE_BEFORE", "SORT", "CHANGE_DATA_TYPE", "TO_STRING_COLUMN", "TO_NUMBER_COLUMN", "TO_DOUBLE_COLUMN", "TO_BOOLEAN_COLUMN"], |op| {
        match op {
            "RENAME" => {
                one(json!({"op": "rename", "column": b.src()?, "to": b.need("targetColumn")?}))
            }
            "DELETE" => {
                let cols = match b.get("sourceColumns") {
                    Some(_) => b.list_param("sourceColumns")?,
                    None => vec![b.src()?],
                };
                one(json!({"op": "drop", "columns": cols}))
            }
            "DUPLICATE" => {
                one(json!({"op": "duplicate", "column": b.src()?, "to": b.need("targetColumn")?}))
            }
            "MOVE_TO_INDEX" | "MOVE_TO_START" | "MOVE_TO_END" | "MOVE_AFTER" | "MOVE_BEFORE" => {
                let column = b.src()?;
                let names: Option<Vec<String>> = b
                    .schema
                    .map(|sc| sc.iter_names().map(|n| n.to_string()).collect());
                let index = match op {
                    "MOVE_TO_INDEX" => b
                        .need("targetIndex")?
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| "targetIndex is not a position".to_string())?,
                    "MOVE_TO_START" => 0,
                    _ => {
                        let Some(names) = names else {
                            return Err(format!(
                                "{op} needs the columns; import with --input to give them"
                            ));
                        };
                        let others: Vec<&String> = names.iter().filter(|n| **n != column).collect();
                        match op {
                            "MOVE_TO_END" => others.len(),
                            _ => {
                                let target = b.need("targetColumn")?;
                                let at = others
                                    .iter()
                                    .position(|n| **n == target)
                                    .ok_or_else(|| format!("no column \"{target}\""))?;
                                if op == "MOVE_AFTER" { at + 1 } else { at }
                            }
                        }
                    }
                };
                one(json!({"op": "move", "column": column, "to_index": index}))
            }
            "SORT" => {
                let exprs: Vec<Value> = serde_json::from_str(&b.need("expressions")?)
                    .map_err(|e| format!("expressions: {e}"))?;
                let mut by = Vec::new();
                let mut desc = Vec::new();
                let mut helpers = Vec::new();
                let mut before = Vec::new();
                for (k, e) in exprs.iter().enumerate() {
                    let c = e
                        .get("sourceColumn")
                        .and_then(Value::as_str)
                        .ok_or("a sort key has no sourceColumn")?
                        .to_string();
                    if e.get("customOrder").is_some_and(|v| !v.is_null()) {
                        return Err("a custom sort order has no wort equivalent".into());
                    }
                    let d = e.get("ordering").and_then(Value::as_str) == Some("DESCENDING");
                    if e.get("nullsOrdering").and_then(Value::as_str) == Some("NULLS_TOP") {
                        // Missing values first: sort by "has a value" first.
                        let h = format!("__wort_sort_{}", k + 1);
                        before.push(json!({"op": "derive", "column": h, "expr": format!("{} IS NOT NULL", polars_ident(&c))}));
                        by.push(h.clone());
                        desc.push(false);
                        helpers.push(h);
                    }
                    by.push(c);
                    desc.push(d);
                }
                let mut out: Vec<Value> = before;
                out.push(json!({"op": "sort", "by": by, "descending": desc}));
                if !helpers.is_empty() {
                    out.push(json!({"op": "drop", "columns": helpers}));
                }
                Ok(out)
            }
            "CHANGE_DATA_TYPE" | "TO_STRING_COLUMN" | "TO_NUMBER_COLUMN" | "TO_DOUBLE_COLUMN"
            | "TO_BOOLEAN_COLUMN" => {
                let to = match op {
                    "TO_STRING_COLUMN" => "string",
                    "TO_NUMBER_COLUMN" | "TO_DOUBLE_COLUMN" => "float",
                    "TO_BOOLEAN_COLUMN" => "bool",
                    _ => match b.need("columnDataType")?.to_ascii_lowercase().as_str() {
                        "byte" | "short" | "int" | "integer" | "long" => "int",
                        "float" | "double" | "decimal" | "number" => "float",
                        "string" => "string",
                        "boolean" => "bool",
                        "date" => "date",
                        "timestamp" => "datetime",
                        other => return Err(format!("type {other:?} has no wort equivalent")),
                    },
                };
                one(json!({"op": "cast", "column": b.src()?, "to": to}))
            }
            _ => Err(format!("{op} is not imported here")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sort's preview note on `df`.
    fn note(sort: &Sort, df: &DataFrame) -> String {
        let schema = df.schema().as_ref().clone();
        let cx = ApplyCx::plain(&schema);
        sort.preview(df.clone().lazy(), &cx).unwrap().join("\n")
    }

    #[test]
    fn sort_preview_says_which_rows_move_with_missing_last() {
        let df = df!("m" => [Some(3i64), None, Some(1), Some(2)]).unwrap();
        assert_eq!(
            note(&Sort::by_column("m", false), &df),
            "rows reordered: 4 of 4 moved; first rows now row 3 (1), row 4 (2), row 1 (3), …"
        );
        assert_eq!(
            note(&Sort::by_column("m", true), &df),
            "rows reordered: 2 of 4 moved; first rows now row 1 (3), row 4 (2), row 3 (1), …"
        );
        let sorted = df!("t" => ["a", "b"]).unwrap();
        assert_eq!(
            note(&Sort::by_column("t", false), &sorted),
            "rows reordered: none of 2 moved (already in this order)"
        );
        let text = df!("t" => [Some("b"), None, Some("a")]).unwrap();
        assert_eq!(
            note(&Sort::by_column("t", false), &text),
            "rows reordered: 3 of 3 moved; first rows now row 3 (\"a\"), row 1 (\"b\"), row 2 (null)"
        );
    }
}
