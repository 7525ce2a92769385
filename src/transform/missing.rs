//! Missing values: fill_missing, drop_missing, flag_missing.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, json_literal, type_name};

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
}

/// Replace missing values in a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillMissing {
    pub column: String,
    pub strategy: FillStrategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
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
        };
        format!("fill missing {} with {how}", self.column)
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
        Ok(lf.with_column(out))
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
}
