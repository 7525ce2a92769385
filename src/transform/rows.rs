//! Row steps: filter, dedupe.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, parse_sql};
use crate::transform::target::databrew::{
    BrewCx, BrewIn, BrewStep, Imported, keep_where, one, parse_conjunction, remove_where,
};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_list, py_str, spark_sql};

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
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let remove = match (&self.keep, &self.remove) {
            (Some(k), None) => format!("~where({})", py_str(&spark_sql(k)?)),
            (None, Some(r)) => format!("where({})", py_str(&spark_sql(r)?)),
            _ => return Err("needs exactly one of keep / remove".into()),
        };
        Ok(format!("df = remove_rows(df, {remove}{})", cx.cond_arg()))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let remove = match (&self.keep, &self.remove) {
            (Some(k), None) => format!("NOT COALESCE(({}), FALSE)", spark_sql(k)?),
            (None, Some(r)) => format!("({})", spark_sql(r)?),
            _ => return Err("needs exactly one of keep / remove".into()),
        };
        Ok(cx.remove_rows(&remove))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let cond = cx.atoms()?;
        match (&self.keep, &self.remove) {
            (Some(k), None) => keep_where(&parse_conjunction(k)?, &cond),
            (None, Some(r)) => remove_where(&parse_conjunction(r)?, &cond),
            _ => Err("needs exactly one of keep / remove".into()),
        }
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
        let keep = |lf: LazyFrame| cx.remove_rows(lf, key.clone().is_first_distinct().not());
        cx.dedupe(lf, key.clone(), &keep)
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let cols = match &self.columns {
            Some(c) => py_list(&c.to_vec()),
            None => "data_columns(df)".into(),
        };
        Ok(format!(
            "df = remove_rows(df, ~first_of({cols}){})",
            cx.cond_arg()
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        if self.columns.is_some() {
            return Err(
                "keeps the first row of each group, which needs a row order that SQL tables do not have"
                    .into(),
            );
        }
        Ok(match &cx.cond {
            None => format!("SELECT DISTINCT * FROM {}", cx.from),
            // Equal rows have equal conditions: dedupe the rows where it holds.
            Some(c) => format!(
                "SELECT DISTINCT * FROM {f} WHERE {c} UNION ALL SELECT * FROM {f} WHERE NOT {c}",
                f = cx.from
            ),
        })
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        match self.columns.as_ref().map(OneOrMany::to_vec) {
            None => Ok(vec![BrewStep::op("DELETE_DUPLICATE_ROWS")]),
            Some(c) if c.len() == 1 => Ok(vec![
                BrewStep::op("REMOVE_DUPLICATES").param("sourceColumn", &c[0]),
            ]),
            Some(_) => Err("DataBrew removes duplicates of whole rows or of one column".into()),
        }
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(
        &[
            "REMOVE_VALUES",
            "DELETE_DUPLICATE_ROWS",
            "REMOVE_DUPLICATES",
        ],
        |op| match op {
            "REMOVE_VALUES" => {
                let Some(w) = b.where_sql()? else {
                    return Err("REMOVE_VALUES without conditions does nothing documented".into());
                };
                one(json!({"op": "filter", "remove": w}))
            }
            "DELETE_DUPLICATE_ROWS" => one(json!({"op": "dedupe"})),
            "REMOVE_DUPLICATES" => one(json!({"op": "dedupe", "columns": [b.src()?]})),
            _ => Err(format!("{op} is not imported here")),
        },
    )
}
