//! Outliers: find values far from the rest by z-score, modified z-score or IQR, and flag,
//! remove, clip or blank them.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApplyCx, CheckCx, Kind, StepImpl};

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

    /// Lower and upper bounds as expressions over the column (aggregates).
    fn bounds(&self, x: Expr) -> (Expr, Expr) {
        let t = lit(self.threshold());
        match self.method {
            Method::Zscore => {
                let mean = x.clone().mean();
                let std = x.std(1);
                (mean.clone() - t.clone() * std.clone(), mean + t * std)
            }
            Method::ModifiedZscore => {
                let median = x.clone().median();
                let mad = (x - median.clone()).abs().median();
                let spread = t * mad / lit(0.6745);
                (median.clone() - spread.clone(), median + spread)
            }
            Method::Iqr => {
                let q1 = x.clone().quantile(lit(0.25), QuantileMethod::Linear);
                let q3 = x.quantile(lit(0.75), QuantileMethod::Linear);
                let iqr = q3.clone() - q1.clone();
                (q1 - t.clone() * iqr.clone(), q3 + t * iqr)
            }
        }
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
        let (lo, hi) = self.bounds(basis);
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
}
