//! Row steps: filter, dedupe.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, parse_sql};

/// Keep the rows matching `keep`, or remove the rows matching `remove` (SQL booleans).
/// Rows where the expression is null (unknown) are kept by `remove` and dropped by `keep`,
/// as in SQL `WHERE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<String>,
}

impl StepImpl for Filter {
    fn describe(&self) -> String {
        match (&self.keep, &self.remove) {
            (Some(k), None) => format!("keep rows where {k}"),
            (None, Some(r)) => format!("remove rows where {r}"),
            _ => "filter (needs exactly one of keep / remove)".into(),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Rows
    }
    fn check(&self, cx: &mut CheckCx) {
        match (&self.keep, &self.remove) {
            (Some(k), None) => cx.sql("keep", k),
            (None, Some(r)) => cx.sql("remove", r),
            _ => cx.problem("give exactly one of \"keep\" or \"remove\" (a SQL condition)"),
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let remove = match (&self.keep, &self.remove) {
            (Some(k), None) => sql(k)?.fill_null(lit(false)).not(),
            (None, Some(r)) => sql(r)?.fill_null(lit(false)),
            _ => polars_bail!(InvalidOperation: "filter needs exactly one of keep / remove"),
        };
        Ok(cx.remove_rows(lf, remove))
    }
}

/// Parse SQL inside `apply`; `validate` has already reported bad SQL nicely.
pub(crate) fn sql(text: &str) -> PolarsResult<Expr> {
    parse_sql(text).map_err(|m| polars_err!(SQLSyntax: "{m}"))
}

/// Remove duplicate rows, keeping the first; compare only `columns` when given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dedupe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<OneOrMany>,
}

impl StepImpl for Dedupe {
    fn describe(&self) -> String {
        match &self.columns {
            Some(c) => format!("remove duplicate rows (same {})", c.to_vec().join(", ")),
            None => "remove duplicate rows".into(),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Rows
    }
    fn check(&self, cx: &mut CheckCx) {
        if let Some(c) = &self.columns {
            let cols = c.to_vec();
            if cols.is_empty() {
                cx.problem("\"columns\" is empty; leave it out to compare whole rows");
            }
            cx.columns(&cols);
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let cols: Vec<String> = match &self.columns {
            Some(c) => c.to_vec(),
            None => cx.schema.iter_names().map(|n| n.to_string()).collect(),
        };
        let key = if cols.len() == 1 {
            col(cols[0].as_str())
        } else {
            as_struct(cols.iter().map(|c| col(c.as_str())).collect())
        };
        Ok(cx.remove_rows(lf, key.is_first_distinct().not()))
    }
}
