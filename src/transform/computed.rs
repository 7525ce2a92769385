//! Computed columns: derive.

use crate::transform::target::databrew::brew_sql_to_polars;
use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, StepImpl};
use crate::transform::target::databrew::{
    BrewCx, BrewIn, BrewStep, Imported, one, polars_to_brew_sql,
};
use crate::transform::target::pyspark::{PyCx, py_sql};
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{Tok, spark_sql, tokenize};

/// A new column (or a replaced one) from a SQL expression, such as
/// distance / air_time * 60 or "Body Mass (g)" / 1000. Column names with spaces or
/// symbols go in double quotes, text values in single quotes ('yes').
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    pub column: String,
    /// The SQL expression: distance / air_time * 60, "Body Mass (g)" / 1000,
    /// CASE WHEN qty > 10 THEN 'bulk' ELSE 'single' END.
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
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(cx.set(&self.column, &py_sql(&self.expr)?))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let e = cx.value(&self.column, &format!("({})", spark_sql(&self.expr)?));
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let replaces = cx.schema.and_then(|s| s.index_of(&self.column));
        let target = if replaces.is_some() {
            format!("{}__wort_new", self.column)
        } else {
            self.column.clone()
        };
        let toks: Vec<Tok> = tokenize(&self.expr)?
            .into_iter()
            .filter(|t| !matches!(t, Tok::Space(_)))
            .collect();
        let mut out = Vec::new();
        if matches!(toks.first(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("case")) {
            out.push(
                BrewStep::op("CASE_OPERATION")
                    .param("valueExpression", polars_to_brew_sql(&self.expr)?)
                    .param("targetColumn", &target),
            );
        } else if let [a, Tok::Sym(op), b] = toks.as_slice()
            && let (Some(a), Some(b)) = (operand(a), operand(b))
        {
            let name = match op.as_str() {
                "+" => "ADD",
                "-" => "SUBTRACT",
                "*" => "MULTIPLY",
                "/" => "DIVIDE",
                _ => return Err(no_equivalent()),
            };
            let mut st = BrewStep::op(name);
            for (k, o) in [(1, a), (2, b)] {
                st = match o {
                    Operand::Col(c) => st.param(&format!("sourceColumn{k}"), c),
                    Operand::Num(n) => st.param(&format!("value{k}"), n),
                };
            }
            out.push(st.param("targetColumn", &target));
        } else {
            return Err(no_equivalent());
        }
        if let Some(index) = replaces {
            // DataBrew functions write a new column: replace the old one with it.
            out.push(BrewStep::op("DELETE").param("sourceColumn", &self.column));
            out.push(
                BrewStep::op("RENAME")
                    .param("sourceColumn", &target)
                    .param("targetColumn", &self.column),
            );
            out.push(
                BrewStep::op("MOVE_TO_INDEX")
                    .param("sourceColumn", &self.column)
                    .param("targetIndex", index.to_string()),
            );
        }
        Ok(out)
    }
}

enum Operand {
    Col(String),
    Num(String),
}

fn operand(t: &Tok) -> Option<Operand> {
    match t {
        Tok::Word(w) => Some(Operand::Col(w.clone())),
        Tok::QuotedIdent(n) => Some(Operand::Col(n.clone())),
        Tok::Num(n) => Some(Operand::Num(n.clone())),
        _ => None,
    }
}

fn no_equivalent() -> String {
    "DataBrew has functions for CASE expressions (CASE_OPERATION) and for one arithmetic operator between two columns or numbers; this expression is neither".into()
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    // The arithmetic functions (ADD, ROUND, ...) import as the numbers family's steps.
    b.import(&["CASE_OPERATION"], |op| match op {
        "CASE_OPERATION" => {
            if b.get("withExpressions").is_some() {
                return Err("withExpressions (aggregates) have no wort equivalent".into());
            }
            let expr = brew_sql_to_polars(&b.need("valueExpression")?)?;
            one(json!({"op": "derive", "column": b.need("targetColumn")?, "expr": expr}))
        }
        _ => Err(format!("{op} is not imported here")),
    })
}
