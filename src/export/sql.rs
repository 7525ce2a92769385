//! Recipe -> one Spark SQL query with a CTE per step.
//!
//! A SQL form needs the columns at every step (SQL has no "all columns but this one"),
//! so the export needs the input's schema (a sample, `--input`). Steps that depend on
//! row order (forward fill, keeping the first of duplicates, a sort that is not last)
//! or on Python code (title case, floats written as text) have no SQL form; the export
//! then fails and lists them.

use polars::prelude::{DataType, Schema};

use super::datefmt::{Mode, spark_pattern};
use super::read::ReadSpec;
use super::text::{comment_line, spark_sql, sql_ident, sql_str, wrap};
use super::{ExportError, Untranslated};
use crate::recipe::{self, Recipe};

/// What a step's `sql` translation sees.
pub struct SqlCx<'a> {
    /// The columns before the step.
    pub schema: &'a Schema,
    /// The relation the step reads (the previous CTE or the input table).
    pub from: &'a str,
    /// The step's condition as Spark SQL, true where it holds (null counts as false).
    pub cond: Option<String>,
    /// The step is the last one (where a sort can become the query's ORDER BY).
    pub last: bool,
}

impl SqlCx<'_> {
    /// A column reference.
    pub fn col(&self, name: &str) -> String {
        sql_ident(name)
    }

    pub fn dtype(&self, name: &str) -> Result<DataType, String> {
        self.schema
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no column \"{name}\""))
    }

    /// `SELECT <exprs> FROM <from>`.
    pub fn select(&self, exprs: &[String]) -> String {
        format!("SELECT {} FROM {}", exprs.join(", "), self.from)
    }

    /// Every column, with `set` replacing columns of the same name in place and adding
    /// the others at the end (like polars `with_columns`).
    pub fn with_columns(&self, set: &[(String, String)]) -> String {
        let mut exprs: Vec<String> = Vec::new();
        for name in self.schema.iter_names() {
            match set.iter().find(|(n, _)| n == name.as_str()) {
                Some((n, e)) => exprs.push(format!("{e} AS {}", sql_ident(n))),
                None => exprs.push(sql_ident(name)),
            }
        }
        for (n, e) in set {
            if !self.schema.contains(n) {
                exprs.push(format!("{e} AS {}", sql_ident(n)));
            }
        }
        self.select(&exprs)
    }

    /// `new` where the condition holds; elsewhere the column's value (null when new).
    pub fn value(&self, name: &str, new: &str) -> String {
        match &self.cond {
            None => new.to_string(),
            Some(c) => {
                let old = if self.schema.contains(name) {
                    sql_ident(name)
                } else {
                    "NULL".into()
                };
                format!("CASE WHEN {c} THEN {new} ELSE {old} END")
            }
        }
    }

    /// `expr AND cond`, or `expr`.
    pub fn and_cond(&self, expr: &str) -> String {
        match &self.cond {
            None => expr.to_string(),
            Some(c) => format!("({expr}) AND {c}"),
        }
    }

    /// Remove the rows where `remove` is true (and the condition holds).
    pub fn remove_rows(&self, remove: &str) -> String {
        let remove = self.and_cond(&format!("COALESCE({remove}, FALSE)"));
        format!("SELECT * FROM {} WHERE NOT ({remove})", self.from)
    }

    /// A column as text, written the way wort writes it; floats have no SQL form.
    pub fn as_text(&self, name: &str) -> Result<String, String> {
        let c = sql_ident(name);
        Ok(match self.dtype(name)? {
            DataType::String => c,
            DataType::Datetime(_, _) => {
                format!("date_format({c}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')")
            }
            dt if dt.is_float() => {
                return Err(format!(
                    "column \"{name}\" is a float: wort writes floats as text in a way only the PySpark job reproduces"
                ));
            }
            _ => format!("CAST({c} AS STRING)"),
        })
    }
}

/// Text without leading and trailing whitespace.
pub fn strip(e: &str) -> String {
    format!("regexp_replace({e}, {}, '')", sql_str(r"(?U)^\s+|\s+\z"))
}

/// Text -> float as wort converts it (null when it is not a number).
pub fn text_to_float(t: &str) -> String {
    format!(
        "CASE WHEN {t} RLIKE {} THEN CAST({t} AS DOUBLE) END",
        sql_str(r"(?i)^[+-]?(([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?|inf|infinity|nan)$")
    )
}

/// Text -> int as wort converts it ("12", "12.0" and "1e3", not "12.5").
pub fn text_to_int(t: &str) -> String {
    let f = text_to_float(t);
    format!(
        "COALESCE(CASE WHEN {t} RLIKE {} THEN CAST({t} AS BIGINT) END, CASE WHEN NOT isnan({f}) AND abs({f}) < 9.2e18 AND {f} = floor({f}) THEN CAST({f} AS BIGINT) END)",
        sql_str(r"^[+-]?[0-9]+$")
    )
}

/// Text -> bool as wort converts it.
pub fn text_to_bool(t: &str) -> String {
    format!(
        "CASE WHEN lower({t}) IN ('true', 't', 'yes', 'y', '1') THEN TRUE WHEN lower({t}) IN ('false', 'f', 'no', 'n', '0') THEN FALSE END"
    )
}

/// A strftime format as a Spark SQL string of the pattern.
pub fn sql_pattern(strftime: &str, mode: Mode) -> Result<String, String> {
    spark_pattern(strftime, mode).map(|p| sql_str(&p))
}

/// The query for `recipe` over the table `table` whose columns are `schema`.
pub fn query(
    recipe: &Recipe,
    schema: &Schema,
    table: &str,
    read: Option<&ReadSpec>,
) -> Result<String, ExportError> {
    let steps: Vec<(usize, &recipe::Step)> = recipe.active_steps().collect();
    // (CTE name, the step's description, its SELECT)
    let mut ctes: Vec<(String, String, String)> = Vec::new();
    let mut failed = Vec::new();
    let mut schema = schema.clone();
    let mut from = sql_ident(table);
    let mut order_by: Option<String> = None;
    for (i, (n, step)) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let cond = match &step.condition {
            None => None,
            Some(w) => match spark_sql(w) {
                Ok(s) => Some(format!("COALESCE(({s}), FALSE)")),
                Err(e) => {
                    failed.push(Untranslated {
                        step: *n,
                        op: step.op.name(),
                        reason: format!("where: {e}"),
                    });
                    continue;
                }
            },
        };
        let cx = SqlCx {
            schema: &schema,
            from: &from,
            cond,
            last,
        };
        match step.op.step().sql(&cx) {
            Ok(body) => {
                // A final sort is the query's ORDER BY.
                if last && let Some(o) = body.strip_prefix("ORDER BY ") {
                    order_by = Some(o.to_string());
                } else {
                    let name = format!("step_{n}");
                    ctes.push((name.clone(), step.describe(), body));
                    from = name;
                }
            }
            Err(reason) => failed.push(Untranslated {
                step: *n,
                op: step.op.name(),
                reason,
            }),
        }
        // The next step's columns.
        let one = Recipe {
            steps: vec![(*step).clone()],
            ..Recipe::default()
        };
        match recipe::validate(&one, &schema) {
            Ok(next) => schema = next,
            Err(p) => {
                return Err(ExportError::Other(format!(
                    "the recipe does not fit the input: {}",
                    p.iter()
                        .map(|p| format!("step {}: {}", n, p.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
        }
    }
    if !failed.is_empty() {
        return Err(ExportError::Steps {
            target: "SQL",
            steps: failed,
        });
    }
    let mut s = String::new();
    s.push_str(&format!(
        "-- {}\n",
        comment_line(recipe.description.as_deref().unwrap_or("wort recipe"))
    ));
    s.push_str(&format!(
        "-- Generated by wort {}: one Spark SQL query, a CTE per step.\n",
        env!("CARGO_PKG_VERSION")
    ));
    s.push_str(&format!("-- Reads the table or view {}", sql_ident(table)));
    match read.and_then(ReadSpec::sql_columns) {
        Some(cols) => {
            s.push_str(" with the columns\n");
            for line in wrap(&format!("  {cols}"), 86) {
                let indent = &line[..line.len() - line.trim_start_matches(' ').len()];
                s.push_str(&format!("--{indent}{}\n", comment_line(&line)));
            }
        }
        None => s.push_str(".\n"),
    }
    s.push_str("-- Run it with spark.sql.ansi.enabled=false (values that do not convert become\n");
    s.push_str("-- null, as in wort), spark.sql.caseSensitive=true, and, if a text below holds\n");
    s.push_str("-- ${...}, spark.sql.variable.substitute=false.\n");
    if ctes.is_empty() {
        s.push_str(&format!("SELECT * FROM {from}"));
    } else {
        s.push_str("WITH\n");
        for (i, (name, describe, body)) in ctes.iter().enumerate() {
            s.push_str(&format!("  -- {}\n", comment_line(describe)));
            s.push_str(&format!("  {name} AS ({body})"));
            s.push_str(if i + 1 < ctes.len() { ",\n" } else { "\n" });
        }
        s.push_str(&format!("SELECT * FROM {from}"));
    }
    if let Some(o) = order_by {
        s.push_str(&format!("\nORDER BY {o}"));
    }
    s.push('\n');
    Ok(s)
}

/// Used by steps: the Spark SQL of a recipe SQL expression.
pub fn expr(sql: &str) -> Result<String, String> {
    spark_sql(sql)
}
