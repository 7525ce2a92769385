//! Computed columns: derive.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApplyCx, CheckCx, Kind, StepImpl};

/// A new column (or a replaced one) from a SQL expression: `"distance / air_time * 60"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    pub column: String,
    pub expr: String,
}

impl StepImpl for Derive {
    fn describe(&self) -> String {
        format!("{} = {}", self.column, self.expr)
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.new_name("column", &self.column);
        cx.sql("expr", &self.expr);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let e = super::rows::sql(&self.expr)?;
        Ok(lf.with_column(cx.values(&self.column, e)))
    }
}
