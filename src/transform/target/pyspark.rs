//! What a step's `pyspark` translation sees and the helpers it writes Python with.

use super::datefmt::{Mode, spark_pattern};
use super::text::{py_str, spark_sql};

/// What a step's `pyspark` translation sees.
pub struct PyCx {
    has_cond: bool,
}

impl PyCx {
    /// A context for a step with (or without) a `where`.
    pub fn new(has_cond: bool) -> PyCx {
        PyCx { has_cond }
    }

    /// The Python name of the step's condition, if it has one.
    pub fn cond(&self) -> Option<&'static str> {
        self.has_cond.then_some("cond")
    }

    /// `, cond` for helpers that take the condition as their last argument.
    pub fn cond_arg(&self) -> &'static str {
        if self.has_cond { ", cond" } else { "" }
    }

    /// The statement setting column `name` to `expr`, only where the condition holds
    /// (elsewhere the column keeps its value, or is null when new).
    pub fn set(&self, name: &str, expr: &str) -> String {
        if self.has_cond {
            format!("df = with_values(df, {}, {expr}, cond)", py_str(name))
        } else {
            format!("df = df.withColumn({}, {expr})", py_str(name))
        }
    }

    /// `expr & cond`, or `expr` without a condition.
    pub fn and_cond(&self, expr: &str) -> String {
        if self.has_cond {
            format!("({expr}) & cond")
        } else {
            expr.to_string()
        }
    }
}

/// A Python expression: the Spark SQL form of a recipe's SQL text, through `F.expr`.
pub fn py_sql(sql: &str) -> Result<String, String> {
    Ok(format!("F.expr({})", py_str(&spark_sql(sql)?)))
}

/// A strftime format as a Python string of the Spark pattern.
pub fn py_pattern(strftime: &str, mode: Mode) -> Result<String, String> {
    spark_pattern(strftime, mode).map(|p| py_str(&p))
}
