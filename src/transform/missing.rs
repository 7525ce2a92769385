//! Missing values: fill_missing, drop_missing, flag_missing.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, json_literal, type_name};
use crate::transform::target::databrew::{Atom, BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_col, py_float, py_list, py_str, sql_ident, sql_str};

/// A JSON scalar as a Python literal.
fn py_value(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => py_float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => py_str(s),
        other => return Err(format!("{other} is not a single value")),
    })
}

/// The Spark SQL type of a polars type.
pub fn spark_sql_type(dt: &DataType) -> Result<&'static str, String> {
    Ok(match dt {
        DataType::String => "STRING",
        DataType::Boolean => "BOOLEAN",
        DataType::Int8 => "TINYINT",
        DataType::Int16 => "SMALLINT",
        DataType::Int32 => "INT",
        DataType::Int64 | DataType::UInt32 => "BIGINT",
        DataType::UInt8 => "SMALLINT",
        DataType::UInt16 => "INT",
        DataType::Float32 => "FLOAT",
        DataType::Float64 => "DOUBLE",
        DataType::Date => "DATE",
        DataType::Datetime(_, _) => "TIMESTAMP_NTZ",
        other => return Err(format!("type {other} has no Spark SQL equivalent here")),
    })
}

/// How `fill_missing` chooses the replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FillStrategy {
    /// The given `value`.
    Value,
    /// The column's mean (numbers).
    Mean,
    /// The column's median (numbers).
    Median,
    /// The column's most common value (ties: the smallest).
    Mode,
    /// The last non-missing value above (forward fill).
    Previous,
    /// The next non-missing value below (backward fill).
    Next,
    /// The empty string (text).
    Empty,
    /// The column's smallest value (numbers, dates, text).
    Min,
    /// The column's largest value (numbers, dates, text).
    Max,
}

/// Replace missing values in a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillMissing {
    pub column: String,
    pub strategy: FillStrategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Group columns: mean, median, mode, min, max, previous and next are then taken within
    /// each group of rows with the same values in these columns (missing values in a
    /// group column form a group of their own), like DataBrew's fill by group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<OneOrMany>,
}

impl FillMissing {
    /// The group columns (empty without `group_by`).
    fn groups(&self) -> Vec<String> {
        self.group_by
            .as_ref()
            .map(OneOrMany::to_vec)
            .unwrap_or_default()
    }
}

impl StepImpl for FillMissing {
    fn describe(&self) -> String {
        let how = match self.strategy {
            FillStrategy::Value => match &self.value {
                Some(v) => v.to_string(),
                None => "?".into(),
            },
            FillStrategy::Mean => "the mean".into(),
            FillStrategy::Median => "the median".into(),
            FillStrategy::Mode => "the most common value".into(),
            FillStrategy::Previous => "the previous value".into(),
            FillStrategy::Next => "the next value".into(),
            FillStrategy::Empty => "an empty string".into(),
            FillStrategy::Min => "the smallest value".into(),
            FillStrategy::Max => "the largest value".into(),
        };
        match &self.group_by {
            Some(b) => format!(
                "fill missing {} with {how} per {}",
                self.column,
                b.to_vec().join(", ")
            ),
            None => format!("fill missing {} with {how}", self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        let Some(dt) = cx.column(&self.column) else {
            return;
        };
        match self.strategy {
            FillStrategy::Value => match &self.value {
                None => cx.problem("strategy \"value\" needs a \"value\""),
                Some(v) => {
                    if let Err(m) = json_literal(v, &dt) {
                        cx.problem(m);
                    }
                }
            },
            FillStrategy::Mean | FillStrategy::Median if !dt.is_primitive_numeric() => {
                cx.problem(format!(
                    "strategy \"{}\" needs a numeric column, but \"{}\" is {}",
                    if self.strategy == FillStrategy::Mean {
                        "mean"
                    } else {
                        "median"
                    },
                    self.column,
                    type_name(&dt)
                ));
            }
            FillStrategy::Empty if dt != DataType::String => {
                cx.problem(format!(
                    "strategy \"empty\" needs a text column, but \"{}\" is {}",
                    self.column,
                    type_name(&dt)
                ));
            }
            _ => {}
        }
        if let Some(by) = &self.group_by {
            let by = by.to_vec();
            if by.is_empty() {
                cx.problem("\"group_by\" is empty; leave it out to fill from the whole column");
            }
            cx.columns(&by);
            if by.contains(&self.column) {
                cx.problem(format!(
                    "\"group_by\" lists \"{}\", the column being filled; group by other columns",
                    self.column
                ));
            }
            if matches!(self.strategy, FillStrategy::Value | FillStrategy::Empty) {
                cx.problem(format!(
                    "\"group_by\" has no effect with strategy \"{}\"; leave it out",
                    self.strategy_name()
                ));
            }
        }
        if self.strategy != FillStrategy::Value && self.value.is_some() {
            cx.problem("\"value\" is only used with strategy \"value\"");
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(&self.column)?.clone();
        let c = col(self.column.as_str());
        let fill = match self.strategy {
            FillStrategy::Value => {
                let v = self.value.clone().unwrap_or(Value::Null);
                json_literal(&v, &dt).map_err(|m| polars_err!(InvalidOperation: "{m}"))?
            }
            FillStrategy::Mean => c.clone().mean(),
            FillStrategy::Median => c.clone().median(),
            FillStrategy::Mode => c
                .clone()
                .drop_nulls()
                .mode(true)
                .sort(Default::default())
                .first(),
            FillStrategy::Previous => c
                .clone()
                .fill_null_with_strategy(FillNullStrategy::Forward(None)),
            FillStrategy::Next => c
                .clone()
                .fill_null_with_strategy(FillNullStrategy::Backward(None)),
            FillStrategy::Empty => lit(""),
            FillStrategy::Min => c.clone().min(),
            FillStrategy::Max => c.clone().max(),
        };
        // Mean and median of an int column are floats: keep the column's type when it is
        // a float already, round for ints (DataBrew does the same).
        let fill = if matches!(self.strategy, FillStrategy::Mean | FillStrategy::Median)
            && dt.is_integer()
        {
            fill.round(0, RoundMode::HalfToEven).cast(dt.clone())
        } else {
            fill
        };
        // A statistic of the column (or of each group) is computed ahead in `wort run`.
        let whole_column = !matches!(
            self.strategy,
            FillStrategy::Value | FillStrategy::Empty | FillStrategy::Previous | FillStrategy::Next
        );
        let by = self.groups();
        let (lf, fill) = match (by.is_empty(), whole_column) {
            (true, true) => {
                let fill = cx.statistic(&lf, fill)?;
                (lf, fill)
            }
            (true, false) => (lf, fill),
            (false, true) => cx.group_statistic(lf, fill, &by)?,
            (false, false) => {
                let keys: Vec<Expr> = by.iter().map(|b| col(b.as_str())).collect();
                (lf, fill.over(keys)?)
            }
        };
        let missing = c.clone().is_null();
        let missing = match cx.mask() {
            Some(m) => missing.and(m),
            None => missing,
        };
        let missing = cx.count_true(missing, "values filled");
        let out = when(missing)
            .then(fill)
            .otherwise(c)
            .alias(self.column.as_str());
        let lf = lf.with_column(out);
        Ok(if whole_column && !by.is_empty() {
            super::literal::drop_group_statistic(lf, cx)
        } else {
            lf
        })
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let mut args = format!(
            "df, {}, {}",
            py_str(&self.column),
            py_str(self.strategy_name())
        );
        if self.strategy == FillStrategy::Value {
            args.push_str(&format!(
                ", value={}",
                py_value(self.value.as_ref().unwrap_or(&Value::Null))?
            ));
        }
        if let Some(c) = cx.cond() {
            args.push_str(&format!(", cond={c}"));
        }
        if self.group_by.is_some() || matches!(self.strategy, FillStrategy::Min | FillStrategy::Max)
        {
            return Ok(format!(
                "df = fill_missing_by({args}, by={})",
                py_list(&self.groups())
            ));
        }
        Ok(format!("df = fill_missing({args})"))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let dt = cx.dtype(&self.column)?;
        let c = sql_ident(&self.column);
        let from = cx.from;
        let fill = match self.strategy {
            FillStrategy::Value => {
                let v = match self.value.as_ref().unwrap_or(&Value::Null) {
                    Value::Null => "NULL".to_string(),
                    Value::Bool(b) => b.to_string().to_uppercase(),
                    Value::Number(n) => n.to_string(),
                    Value::String(s) => sql_str(s),
                    other => return Err(format!("{other} is not a single value")),
                };
                format!("CAST({v} AS {})", spark_sql_type(&dt)?)
            }
            FillStrategy::Mean | FillStrategy::Median => {
                let agg = if self.strategy == FillStrategy::Mean {
                    format!("avg({c})")
                } else {
                    format!("percentile({c}, 0.5)")
                };
                let stat = if self.group_by.is_some() {
                    let keys: Vec<String> = self.groups().iter().map(|b| sql_ident(b)).collect();
                    format!("{agg} OVER (PARTITION BY {})", keys.join(", "))
                } else {
                    format!("(SELECT {agg} FROM {from})")
                };
                if dt.is_integer() {
                    format!("CAST(bround({stat}, 0) AS {})", spark_sql_type(&dt)?)
                } else {
                    stat
                }
            }
            FillStrategy::Mode if self.group_by.is_some() => {
                return Err(
                    "the most common value per group needs a window inside a window, which SQL does not allow"
                        .into(),
                );
            }
            FillStrategy::Mode => format!(
                "(SELECT v FROM (SELECT {c} AS v, count(*) AS n FROM {from} WHERE {c} IS NOT NULL GROUP BY {c}) ORDER BY n DESC, v ASC LIMIT 1)"
            ),
            FillStrategy::Empty => "''".into(),
            FillStrategy::Min | FillStrategy::Max => {
                let agg = format!("{}({c})", self.strategy_name());
                if self.group_by.is_some() {
                    let keys: Vec<String> = self.groups().iter().map(|b| sql_ident(b)).collect();
                    format!("{agg} OVER (PARTITION BY {})", keys.join(", "))
                } else {
                    format!("(SELECT {agg} FROM {from})")
                }
            }
            FillStrategy::Previous | FillStrategy::Next => {
                return Err(
                    "fills from neighbouring rows, which needs a row order that SQL tables do not have"
                        .into(),
                );
            }
        };
        let missing = cx.and_cond(&format!("{c} IS NULL"));
        let e = format!("CASE WHEN {missing} THEN {fill} ELSE {c} END");
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        if self.group_by.is_some() {
            return Err("DataBrew's fill operations take no group columns".into());
        }
        let src = |op: &str| BrewStep::op(op).param("sourceColumn", &self.column);
        if self.strategy == FillStrategy::Value {
            let v = self.value.as_ref().unwrap_or(&Value::Null);
            let (value, kind) = match v {
                Value::Number(n) => (n.to_string(), "number"),
                Value::Bool(b) => (b.to_string(), "boolean"),
                Value::String(s) => (s.clone(), "string"),
                _ => return Err("FILL_WITH_CUSTOM needs a value".into()),
            };
            let kind = match cx.dtype(&self.column) {
                Some(dt) if dt.is_primitive_numeric() => "number",
                Some(DataType::Boolean) => "boolean",
                Some(DataType::Date) => "date",
                Some(DataType::Datetime(_, _)) => "timestamp",
                Some(DataType::String) => "string",
                _ => kind,
            };
            return Ok(vec![
                src("FILL_WITH_CUSTOM")
                    .param("columnDataType", kind)
                    .param("value", value)
                    .conditions(cx.conditions()?),
            ]);
        }
        cx.no_where()?;
        Ok(vec![match self.strategy {
            FillStrategy::Mean => src("FILL_WITH_AVERAGE"),
            FillStrategy::Median => src("FILL_WITH_MEDIAN"),
            FillStrategy::Mode => src("FILL_WITH_MODE").param("modeType", "MINIMUM"),
            FillStrategy::Previous => src("FILL_WITH_LAST_VALID"),
            FillStrategy::Empty => src("FILL_WITH_EMPTY"),
            FillStrategy::Next | FillStrategy::Value => {
                return Err("DataBrew fills only from the last valid value above".into());
            }
            FillStrategy::Min | FillStrategy::Max => {
                return Err("DataBrew has no fill with the smallest or largest value".into());
            }
        }])
    }
}

impl FillMissing {
    fn strategy_name(&self) -> &'static str {
        match self.strategy {
            FillStrategy::Value => "value",
            FillStrategy::Mean => "mean",
            FillStrategy::Median => "median",
            FillStrategy::Mode => "mode",
            FillStrategy::Previous => "previous",
            FillStrategy::Next => "next",
            FillStrategy::Empty => "empty",
            FillStrategy::Min => "min",
            FillStrategy::Max => "max",
        }
    }
}

/// Remove rows with a missing value in any of `columns` (any column when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DropMissing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<OneOrMany>,
}

impl StepImpl for DropMissing {
    fn describe(&self) -> String {
        match &self.columns {
            Some(c) => format!("remove rows missing {}", c.to_vec().join(" or ")),
            None => "remove rows with any missing value".into(),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Rows
    }
    fn check(&self, cx: &mut CheckCx) {
        if let Some(c) = &self.columns {
            let cols = c.to_vec();
            if cols.is_empty() {
                cx.problem("\"columns\" is empty; leave it out to check every column");
            }
            cx.columns(&cols);
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let cols: Vec<String> = match &self.columns {
            Some(c) => c.to_vec(),
            None => cx.schema.iter_names().map(|n| n.to_string()).collect(),
        };
        let any_missing = cols
            .iter()
            .map(|c| col(c.as_str()).is_null())
            .reduce(|a, b| a.or(b))
            .unwrap_or(lit(false));
        Ok(cx.remove_rows(lf, any_missing))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let cols = match &self.columns {
            Some(c) => py_list(&c.to_vec()),
            None => "data_columns(df)".into(),
        };
        Ok(format!(
            "df = remove_rows(df, any_null({cols}){})",
            cx.cond_arg()
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let cols: Vec<String> = match &self.columns {
            Some(c) => c.to_vec(),
            None => cx.schema.iter_names().map(|n| n.to_string()).collect(),
        };
        let any: Vec<String> = cols
            .iter()
            .map(|c| format!("{} IS NULL", sql_ident(c)))
            .collect();
        Ok(cx.remove_rows(&format!("({})", any.join(" OR "))))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let cols: Vec<String> = match (&self.columns, cx.schema) {
            (Some(c), _) => c.to_vec(),
            (None, Some(s)) => s.iter_names().map(|n| n.to_string()).collect(),
            (None, None) => {
                return Err(
                    "checks every column, which DataBrew needs listed (export with --input)".into(),
                );
            }
        };
        let cond = cx.atoms()?;
        let mut out = Vec::new();
        for c in cols {
            if cond.is_empty() {
                out.push(BrewStep::op("REMOVE_MISSING").param("sourceColumn", &c));
            } else {
                let missing = Atom::IsNull {
                    col: c,
                    negated: false,
                };
                out.extend(crate::transform::target::databrew::remove_where(
                    &[missing],
                    &cond,
                )?);
            }
        }
        Ok(out)
    }
}

/// Add a boolean column that is true where `column` is missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagMissing {
    pub column: String,
    pub to: String,
}

impl StepImpl for FlagMissing {
    fn describe(&self) -> String {
        format!("flag missing {} in {}", self.column, self.to)
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.column(&self.column);
        cx.fresh_name("to", &self.to);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let flag = col(self.column.as_str()).is_null();
        let flag = match cx.mask() {
            Some(m) => flag.and(m),
            None => flag,
        };
        Ok(lf.with_column(flag.alias(self.to.as_str())))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let flag = cx.and_cond(&format!("{}.isNull()", py_col(&self.column)));
        Ok(format!("df = df.withColumn({}, {flag})", py_str(&self.to)))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let flag = cx.and_cond(&format!("{} IS NULL", sql_ident(&self.column)));
        Ok(cx.with_columns(&[(self.to.clone(), flag)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        Ok(vec![
            BrewStep::op("FLAG_COLUMN_FROM_NULL")
                .param("sourceColumn", &self.column)
                .param("targetColumn", &self.to)
                .param("flagType", "Null values")
                .param("trueString", "true")
                .param("falseString", "false"),
        ])
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["FILL_WITH_AVERAGE", "FILL_WITH_MEDIAN", "FILL_WITH_MOST_FREQUENT", "FILL_WITH_MODE", "FILL_WITH_EMPTY", "FILL_WITH_LAST_VALID", "FILL_WITH_CUSTOM", "REMOVE_MISSING", "FLAG_COLUMN_FROM_NULL"], |op| {
        match op {
            "FILL_WITH_AVERAGE" => {
                one(json!({"op": "fill_missing", "column": b.src()?, "strategy": "mean"}))
            }
            "FILL_WITH_MEDIAN" => {
                one(json!({"op": "fill_missing", "column": b.src()?, "strategy": "median"}))
            }
            "FILL_WITH_MOST_FREQUENT" => {
                one(json!({"op": "fill_missing", "column": b.src()?, "strategy": "mode"}))
            }
            "FILL_WITH_MODE" => match b.get("modeType").unwrap_or("MINIMUM") {
                "MINIMUM" => {
                    one(json!({"op": "fill_missing", "column": b.src()?, "strategy": "mode"}))
                }
                other => Err(format!(
                    "modeType {other}: wort breaks ties by the smallest value (MINIMUM)"
                )),
            },
            "FILL_WITH_EMPTY" => {
                one(json!({"op": "fill_missing", "column": b.src()?, "strategy": "empty"}))
            }
            "FILL_WITH_LAST_VALID" => {
                one(json!({"op": "fill_missing", "column": b.src()?, "strategy": "previous"}))
            }
            "FILL_WITH_CUSTOM" => {
                let v = b.need("value")?;
                let ty = b
                    .get("columnDataType")
                    .unwrap_or("string")
                    .to_ascii_lowercase();
                let value = match ty.as_str() {
                    "number" | "int" | "integer" | "long" | "double" | "float" => {
                        match serde_json::from_str::<serde_json::Number>(v.trim()) {
                            Ok(n) => Value::Number(n),
                            Err(_) => return Err(format!("value {v:?} is not a number")),
                        }
                    }
                    "boolean" => Value::Bool(v.eq_ignore_ascii_case("true")),
                    _ => Value::String(v),
                };
                let mut v = json!({"op": "fill_missing", "column": b.src()?, "strategy": "value", "value": value});
                if let Some(w) = b.where_sql()? {
                    v["where"] = json!(w);
                }
                Ok(vec![v])
            }
            "REMOVE_MISSING" => one(json!({"op": "drop_missing", "columns": [b.src()?]})),
            "FLAG_COLUMN_FROM_NULL" => one(
                json!({"op": "flag_missing", "column": b.src()?, "to": b.need("targetColumn")?}),
            ),
            _ => Err(format!("{op} is not imported here")),
        }
    })
}
