//! Column steps: rename, drop, select, duplicate, move, cast, sort.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, type_name};

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
        let mut seen = std::collections::HashSet::new();
        for c in &cols {
            if !seen.insert(c) {
                cx.problem(format!("column \"{c}\" is listed twice"));
            }
        }
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
        let failed = c.clone().is_not_null().and(converted.clone().is_null());
        let label = format!(
            "values of {} that are not {} became null",
            self.column,
            self.to.name()
        );
        let value = cx.count_failures(converted, failed, &label);
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

impl Sort {
    fn flags(&self) -> Vec<bool> {
        let n = self.by.to_vec().len();
        match &self.descending {
            None => vec![false; n],
            Some(BoolOrMany::One(b)) => vec![*b; n],
            Some(BoolOrMany::Many(v)) => v.clone(),
        }
    }
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
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let by: Vec<PlSmallStr> = self.by.to_vec().into_iter().map(PlSmallStr::from).collect();
        let opts = SortMultipleOptions::default()
            .with_order_descending_multi(self.flags())
            .with_nulls_last(true)
            .with_maintain_order(true);
        Ok(lf.sort(by, opts))
    }
}
