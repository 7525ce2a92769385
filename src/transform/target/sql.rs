//! What a step's `sql` translation sees and the helpers it writes Spark SQL with.

use polars::prelude::{DataType, Schema};

use super::datefmt::{Mode, spark_pattern};
use super::text::{sql_ident, sql_str};

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
