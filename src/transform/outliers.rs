//! Outliers: find values far from the rest by z-score, modified z-score or IQR, and flag,
//! remove, clip or blank them.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, StepImpl};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_float, py_str, sql_ident};

/// How an outlier is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// |x - mean| / std > threshold (sample std). Default threshold 3.
    Zscore,
    /// |0.6745 (x - median) / MAD| > threshold (Iglewicz and Hoaglin). Default 3.5.
    ModifiedZscore,
    /// x < Q1 - threshold * IQR or x > Q3 + threshold * IQR (linear quantiles). Default 1.5.
    Iqr,
}

impl Method {
    fn default_threshold(self) -> f64 {
        match self {
            Method::Zscore => 3.0,
            Method::ModifiedZscore => 3.5,
            Method::Iqr => 1.5,
        }
    }
    fn key(self) -> &'static str {
        match self {
            Method::Zscore => "zscore",
            Method::ModifiedZscore => "modified_zscore",
            Method::Iqr => "iqr",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Method::Zscore => "z-score",
            Method::ModifiedZscore => "modified z-score",
            Method::Iqr => "IQR",
        }
    }
}

/// What to do with an outlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Add a bool column `to`, true for outliers.
    Flag,
    /// Remove the rows.
    Remove,
    /// Replace with the nearest bound.
    Clip,
    /// Replace with null.
    Null,
}

/// Detect outliers in a numeric column. With `where`, the statistics come from the
/// matching rows and only they are changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outliers {
    pub column: String,
    pub method: Method,
    /// Defaults: 3 (zscore), 3.5 (modified_zscore), 1.5 (iqr).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    pub action: Action,
    /// The flag column, for action "flag".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Outliers {
    fn threshold(&self) -> f64 {
        self.threshold.unwrap_or(self.method.default_threshold())
    }

    /// Lower and upper bounds over the column: aggregates in the plan, or literals
    /// computed ahead (`ApplyCx::statistics`).
    fn bounds(&self, x: Expr, lf: &LazyFrame, cx: &ApplyCx) -> PolarsResult<(Expr, Expr)> {
        let t = lit(self.threshold());
        Ok(match self.method {
            Method::Zscore => {
                let s = cx.statistics(lf, vec![x.clone().mean(), x.std(1)])?;
                let (mean, std) = (s[0].clone(), s[1].clone());
                (mean.clone() - t.clone() * std.clone(), mean + t * std)
            }
            Method::ModifiedZscore => {
                let median = cx.statistic(lf, x.clone().median())?;
                let mad = cx.statistic(lf, (x - median.clone()).abs().median())?;
                let spread = t * mad / lit(0.6745);
                (median.clone() - spread.clone(), median + spread)
            }
            Method::Iqr => {
                let s = cx.statistics(
                    lf,
                    vec![
                        x.clone().quantile(lit(0.25), QuantileMethod::Linear),
                        x.quantile(lit(0.75), QuantileMethod::Linear),
                    ],
                )?;
                let (q1, q3) = (s[0].clone(), s[1].clone());
                let iqr = q3.clone() - q1.clone();
                (q1 - t.clone() * iqr.clone(), q3 + t * iqr)
            }
        })
    }
}

impl StepImpl for Outliers {
    fn describe(&self) -> String {
        let what = match self.action {
            Action::Flag => format!("flag in {}", self.to.as_deref().unwrap_or("?")),
            Action::Remove => "remove rows".into(),
            Action::Clip => "clip".into(),
            Action::Null => "set to null".into(),
        };
        format!(
            "outliers in {} ({} > {}): {what}",
            self.column,
            self.method.name(),
            self.threshold()
        )
    }
    fn kind(&self) -> Kind {
        if self.action == Action::Remove {
            Kind::Rows
        } else {
            Kind::Values
        }
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        if let Some(t) = self.threshold
            && !(t.is_finite() && t > 0.0)
        {
            cx.problem(format!("threshold must be a positive number, not {t}"));
        }
        match (&self.action, &self.to) {
            (Action::Flag, None) => {
                cx.problem("action \"flag\" needs \"to\": the name of the flag column")
            }
            (Action::Flag, Some(to)) => cx.fresh_name("to", to),
            (_, Some(_)) => cx.problem("\"to\" is only used with action \"flag\""),
            _ => {}
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let x = col(self.column.as_str()).cast(DataType::Float64);
        // Statistics over the rows the step applies to.
        let basis = match cx.mask() {
            Some(m) => x.clone().filter(m),
            None => x.clone(),
        };
        let (lo, hi) = self.bounds(basis, &lf, cx)?;
        let outside = x
            .clone()
            .lt(lo.clone())
            .or(x.clone().gt(hi.clone()))
            .fill_null(lit(false));
        let outside = match cx.mask() {
            Some(m) => outside.and(m),
            None => outside,
        };
        match self.action {
            Action::Remove => Ok(cx.remove_rows(lf, outside)),
            Action::Flag => {
                let to = self.to.clone().unwrap_or_else(|| "outlier".into());
                let flag = cx.count_true(outside, "outliers flagged");
                Ok(lf.with_column(flag.alias(to.as_str())))
            }
            Action::Null => {
                let hit = cx.count_true(outside, "outliers set to null");
                let c = col(self.column.as_str());
                Ok(lf.with_column(
                    when(hit)
                        .then(lit(NULL))
                        .otherwise(c)
                        .alias(self.column.as_str()),
                ))
            }
            Action::Clip => {
                let hit = cx.count_true(outside, "outliers clipped");
                let dt = cx.schema.try_get(&self.column)?.clone();
                // Integer columns are clipped to whole numbers inside the bounds.
                let (lo, hi) = if dt.is_integer() {
                    (lo.ceil(), hi.floor())
                } else {
                    (lo, hi)
                };
                let clipped = when(x.lt(lo.clone())).then(lo).otherwise(hi).cast(dt);
                let c = col(self.column.as_str());
                Ok(lf.with_column(
                    when(hit)
                        .then(clipped)
                        .otherwise(c)
                        .alias(self.column.as_str()),
                ))
            }
        }
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let mut args = format!(
            "df, {}, {}, {}, {}",
            py_str(&self.column),
            py_str(self.method.key()),
            py_float(self.threshold()),
            py_str(self.action_key())
        );
        if let Some(to) = &self.to {
            args.push_str(&format!(", to={}", py_str(to)));
        }
        if let Some(c) = cx.cond() {
            args.push_str(&format!(", cond={c}"));
        }
        Ok(format!("df = outliers({args})"))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let f = cx.from;
        let c = sql_ident(&self.column);
        let x = format!("CAST({c} AS DOUBLE)");
        let t = format!("CAST({} AS DOUBLE)", self.threshold());
        let w = match &cx.cond {
            Some(cond) => format!(" WHERE {cond}"),
            None => String::new(),
        };
        let stats = match self.method {
            Method::Zscore => format!(
                "SELECT m - {t} * s AS __wort_lo, m + {t} * s AS __wort_hi FROM (SELECT avg({x}) AS m, stddev_samp({x}) AS s FROM {f}{w})"
            ),
            Method::ModifiedZscore => format!(
                "SELECT med - {t} * mad / 0.6745 AS __wort_lo, med + {t} * mad / 0.6745 AS __wort_hi FROM (SELECT first(__wort_m.med) AS med, percentile(abs({x} - __wort_m.med), 0.5) AS mad FROM {f} CROSS JOIN (SELECT percentile({x}, 0.5) AS med FROM {f}{w}) AS __wort_m{w})"
            ),
            Method::Iqr => format!(
                "SELECT q1 - {t} * (q3 - q1) AS __wort_lo, q3 + {t} * (q3 - q1) AS __wort_hi FROM (SELECT percentile({x}, 0.25) AS q1, percentile({x}, 0.75) AS q3 FROM {f}{w})"
            ),
        };
        let outside = cx.and_cond(&format!(
            "COALESCE({x} < __wort_lo OR {x} > __wort_hi, FALSE)"
        ));
        let from = format!("{f} CROSS JOIN ({stats}) AS __wort_s");
        let mut exprs: Vec<String> = Vec::new();
        let replace = |e: String| format!("CASE WHEN {outside} THEN {e} ELSE {c} END AS {c}");
        for n in cx.schema.iter_names() {
            if n.as_str() != self.column {
                exprs.push(sql_ident(n));
                continue;
            }
            match self.action {
                Action::Null => exprs.push(replace("NULL".into())),
                Action::Clip => {
                    let dt = cx.dtype(&self.column)?;
                    let (lo, hi) = if dt.is_integer() {
                        ("ceil(__wort_lo)", "floor(__wort_hi)")
                    } else {
                        ("__wort_lo", "__wort_hi")
                    };
                    let ty = crate::transform::missing::spark_sql_type(&dt)?;
                    exprs.push(replace(format!(
                        "CAST(CASE WHEN {x} < {lo} THEN {lo} ELSE {hi} END AS {ty})"
                    )));
                }
                _ => exprs.push(sql_ident(n)),
            }
        }
        let mut sql = format!("SELECT {} ", exprs.join(", "));
        match self.action {
            Action::Flag => {
                let to = self.to.clone().unwrap_or_else(|| "outlier".into());
                sql = format!(
                    "SELECT {}, {outside} AS {} FROM {from}",
                    exprs.join(", "),
                    sql_ident(&to)
                );
            }
            Action::Remove => sql.push_str(&format!("FROM {from} WHERE NOT ({outside})")),
            _ => sql.push_str(&format!("FROM {from}")),
        }
        Ok(sql)
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let strategy = match self.method {
            Method::Zscore => "Z_SCORE",
            Method::ModifiedZscore => "MODIFIED_Z_SCORE",
            Method::Iqr => "IQR",
        };
        let base = |op: &str| {
            BrewStep::op(op)
                .param("sourceColumn", &self.column)
                .param("outlierStrategy", strategy)
                .param("threshold", self.threshold().to_string())
        };
        Ok(vec![match self.action {
            Action::Flag => base("FLAG_OUTLIERS")
                .param("targetColumn", self.to.clone().unwrap_or_default())
                .param("trueString", "true")
                .param("falseString", "false"),
            Action::Remove => base("REMOVE_OUTLIERS")
                .param("removeType", "DELETE_ROWS")
                .param("trimValue", "FALSE"),
            Action::Null => base("REMOVE_OUTLIERS")
                .param("removeType", "CLEAR")
                .param("trimValue", "FALSE"),
            Action::Clip => {
                return Err(
                    "DataBrew caps values at percentiles (WINSORIZE_VALUES), not at the outlier bounds"
                        .into(),
                );
            }
        }])
    }
}

impl Outliers {
    fn action_key(&self) -> &'static str {
        match self.action {
            Action::Flag => "flag",
            Action::Remove => "remove",
            Action::Clip => "clip",
            Action::Null => "null",
        }
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["FLAG_OUTLIERS", "REMOVE_OUTLIERS"], |op| match op {
        "FLAG_OUTLIERS" | "REMOVE_OUTLIERS" => {
            let method = match b.get("outlierStrategy").unwrap_or("Z_SCORE") {
                "Z_SCORE" => "zscore",
                "MODIFIED_Z_SCORE" => "modified_zscore",
                "IQR" => "iqr",
                other => return Err(format!("outlierStrategy {other} has no wort equivalent")),
            };
            let threshold: f64 = b
                .get("threshold")
                .unwrap_or("3")
                .trim()
                .parse()
                .map_err(|_| "threshold is not a number".to_string())?;
            if b.flag("trimValue") {
                return Err("trimValue TRUE (percentile trimming) has no wort equivalent".into());
            }
            let wort_default = match method {
                "zscore" => 3.0,
                "modified_zscore" => 3.5,
                _ => 1.5,
            };
            let mut v = json!({"op": "outliers", "column": b.src()?, "method": method});
            if threshold != wort_default {
                v["threshold"] = json!(threshold);
            }
            match op {
                "FLAG_OUTLIERS" => {
                    v["action"] = json!("flag");
                    v["to"] = json!(b.need("targetColumn")?);
                }
                _ => match b.get("removeType").unwrap_or("DELETE_ROWS") {
                    "DELETE_ROWS" => v["action"] = json!("remove"),
                    "CLEAR" => v["action"] = json!("null"),
                    other => return Err(format!("removeType {other} has no wort equivalent")),
                },
            }
            one(v)
        }
        _ => Err(format!("{op} is not imported here")),
    })
}
