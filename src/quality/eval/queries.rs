//! Rules that run their own small queries: CustomSql, the reference-dataset rules
//! (RowCountMatch, DatasetMatch, ReferentialIntegrity, AggregateMatch, SchemaMatch) and
//! DetectAnomalies.

use super::*;

impl Cx<'_> {
    // ----- rules with their own queries ---------------------------------------------

    pub(super) fn scalar(&self, lf: LazyFrame) -> Result<Option<f64>, String> {
        let df = lf.collect().map_err(|e| clean_polars_error(&e))?;
        if df.width() != 1 || df.height() != 1 {
            return Err(format!(
                "the SQL must return one number, but it returned {} rows and {} columns",
                df.height(),
                df.width()
            ));
        }
        let v = df.columns()[0]
            .cast(&DataType::Float64)
            .map_err(|e| clean_polars_error(&e))?;
        Ok(v.get(0).ok().and_then(|v| v.extract::<f64>()))
    }

    /// CustomSql's query over the data (checked by the SQL guard first).
    pub(super) fn custom_sql_query(&self, sql: &str) -> Result<LazyFrame, String> {
        // Only the tables wort names: the data and the references from --ref.
        let mut tables = vec!["primary"];
        tables.extend(self.opts.references.keys().map(String::as_str));
        if let Err(r) = crate::guard::sql::check_query(sql, Some(&tables)) {
            return Err(format!("CustomSql is refused: {r}"));
        }
        let mut ctx = polars::sql::SQLContext::new();
        ctx.register("primary", self.lf.clone());
        for (name, lf) in &self.opts.references {
            ctx.register(name, lf.clone());
        }
        ctx.execute(sql)
            .map_err(|e| format!("CustomSql {sql:?}: {}", clean_polars_error(&e)))
    }

    /// The row form's query and the columns of the data it selects (the rows of the
    /// data equal to a returned row on those columns pass).
    pub(super) fn custom_sql_rows(&self, sql: &str) -> Result<(LazyFrame, Vec<String>), String> {
        let mut out = self.custom_sql_query(sql)?;
        let cols: Vec<String> = out
            .collect_schema()
            .map_err(|e| format!("CustomSql {sql:?}: {}", clean_polars_error(&e)))?
            .iter_names()
            .map(|n| n.to_string())
            .collect();
        if let Some(bad) = cols.iter().find(|c| !self.schema.contains(c)) {
            return Err(format!(
                "CustomSql {sql:?}: the row form must select columns of primary, but {bad:?} is not one"
            ));
        }
        Ok((out, cols))
    }

    pub(super) fn custom_sql(&self, rule: &Rule, params: &[String]) -> LeafResult {
        let sql = params.first().cloned().unwrap_or_default();
        if rule.condition.is_some() {
            let out = match self.custom_sql_query(&sql) {
                Ok(lf) => lf,
                Err(m) => return LeafResult::error(m),
            };
            return match self.scalar(out) {
                Ok(Some(v)) => self.judge_value(rule, v, "Dataset.*.CustomSQL"),
                Ok(None) => LeafResult::failed(
                    "Value: NULL does not meet the constraint requirement: the SQL returned null",
                ),
                Err(m) => LeafResult::error(format!("CustomSql {sql:?}: {m}")),
            };
        }
        // Row form: the rows the query returns pass; matched back on the selected columns.
        let (out, cols) = match self.custom_sql_rows(&sql) {
            Ok(x) => x,
            Err(m) => return LeafResult::error(m),
        };
        let keys: Vec<Expr> = cols.iter().map(|c| col(c.as_str())).collect();
        let mut args = JoinArgs::new(JoinType::Semi);
        args.nulls_equal = true;
        let matched = self
            .lf
            .clone()
            .join(
                out.unique(None, UniqueKeepStrategy::Any),
                keys.clone(),
                keys,
                args,
            )
            .select([len()]);
        let total = self.lf.clone().select([len()]);
        let (m, t) = match (self.scalar(matched), self.scalar(total)) {
            (Ok(Some(m)), Ok(Some(t))) => (m, t),
            (Err(e), _) | (_, Err(e)) => {
                return LeafResult::error(format!("CustomSql {sql:?}: {e}"));
            }
            _ => (0.0, 0.0),
        };
        if t == 0.0 {
            return LeafResult::failed("The dataset has no rows");
        }
        let ratio = m / t;
        let metrics = BTreeMap::from([("Dataset.*.CustomSQL.Compliance".to_string(), ratio)]);
        let mut r = match &rule.threshold {
            Some(th) => match self.test(rule, th, Some(ratio)) {
                Ok((ok, _)) => LeafResult::judged(
                    ok,
                    (!ok).then(|| format!("{:.2} % of rows passed the threshold", ratio * 100.0)),
                    metrics,
                ),
                Err(m) => LeafResult::error(m),
            },
            None => LeafResult::judged(
                ratio == 1.0,
                (ratio < 1.0)
                    .then(|| format!("{:.2} % of rows passed the threshold", ratio * 100.0)),
                metrics,
            ),
        };
        r.failing_rows = Some((t - m) as u64);
        r.history_value = Some(ratio);
        r
    }

    pub(super) fn reference(&self, alias: &str) -> Result<LazyFrame, String> {
        self.opts.references.get(alias).cloned().ok_or_else(|| {
            let known: Vec<&str> = self.opts.references.keys().map(|s| s.as_str()).collect();
            format!(
                "reference dataset {alias:?} not found in additional sources: pass it with --ref {alias}=PATH{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (given: {})", known.join(", "))
                }
            )
        })
    }

    pub(super) fn reference_rule(&self, rule: &Rule, params: &[String]) -> LeafResult {
        match self.try_reference_rule(rule, params) {
            Ok(r) => r,
            Err(m) => LeafResult::error(m),
        }
    }

    pub(super) fn try_reference_rule(
        &self,
        rule: &Rule,
        params: &[String],
    ) -> Result<LeafResult, String> {
        use RuleType as T;
        let count = |lf: LazyFrame| self.scalar(lf.select([len()])).map(|v| v.unwrap_or(0.0));
        match rule.rule_type {
            T::RowCountMatch => {
                let alias = &params[0];
                let r = self.reference(alias)?;
                let (a, b) = (count(self.lf.clone())?, count(r)?);
                let v = if b == 0.0 {
                    if a == 0.0 { 1.0 } else { 0.0 }
                } else {
                    a / b
                };
                Ok(self.judge_value(rule, v, &format!("Dataset.{alias}.RowCountMatch")))
            }
            T::SchemaMatch => {
                let alias = &params[0];
                let mut r = self.reference(alias)?;
                let rs = r.collect_schema().map_err(|e| clean_polars_error(&e))?;
                let mut names: Vec<&str> = self.schema.iter_names().map(|n| n.as_str()).collect();
                for n in rs.iter_names() {
                    if !names.contains(&n.as_str()) {
                        names.push(n.as_str());
                    }
                }
                let same = names
                    .iter()
                    .filter(
                        |n| matches!((self.schema.get(n), rs.get(n)), (Some(a), Some(b)) if a == b),
                    )
                    .count();
                let v = if names.is_empty() {
                    1.0
                } else {
                    same as f64 / names.len() as f64
                };
                Ok(self.judge_value(rule, v, &format!("Dataset.{alias}.SchemaMatch")))
            }
            T::AggregateMatch => {
                let a = self.aggregate(&params[0])?;
                let b = self.aggregate(&params[1])?;
                let v = if a == 0.0 && b == 0.0 {
                    1.0
                } else if b == 0.0 {
                    0.0
                } else {
                    a / b
                };
                let name = format!("Column.{}.AggregateMatch", agg_column(&params[0]));
                Ok(self.judge_value(rule, v, &name))
            }
            T::ReferentialIntegrity => {
                let cols: Vec<String> =
                    params[0].split(',').map(|s| s.trim().to_string()).collect();
                let (alias, ref_cols) = split_reference(&params[1])?;
                if ref_cols.len() != cols.len() {
                    return Err(format!(
                        "ReferentialIntegrity compares {} columns with {} reference columns",
                        cols.len(),
                        ref_cols.len()
                    ));
                }
                for c in &cols {
                    self.column(c)?;
                }
                let r = self.reference(&alias)?;
                let left: Vec<Expr> = cols.iter().map(|c| col(c.as_str())).collect();
                let right: Vec<Expr> = ref_cols.iter().map(|c| col(c.as_str())).collect();
                let renamed = r.select(
                    ref_cols
                        .iter()
                        .zip(&cols)
                        .map(|(rc, c)| col(rc.as_str()).alias(format!("__wort_ref_{c}")))
                        .collect::<Vec<_>>(),
                );
                let right_renamed: Vec<Expr> = cols
                    .iter()
                    .map(|c| col(format!("__wort_ref_{c}")))
                    .collect();
                let _ = right;
                let matched = count(self.lf.clone().join(
                    renamed.unique(None, UniqueKeepStrategy::Any),
                    left,
                    right_renamed,
                    JoinArgs::new(JoinType::Semi),
                ))?;
                let total = count(self.lf.clone())?;
                let v = if total == 0.0 { 1.0 } else { matched / total };
                Ok(self.judge_value(rule, v, &format!("Column.{alias}.ReferentialIntegrity")))
            }
            T::DatasetMatch => {
                let alias = &params[0];
                let r = self.reference(alias)?;
                let keys = mappings(&params[1]);
                let mut rr = r.clone();
                let ref_schema = rr.collect_schema().map_err(|e| clean_polars_error(&e))?;
                let matches: Vec<(String, String)> = match params.get(2) {
                    Some(m) => mappings(m),
                    None => self
                        .schema
                        .iter_names()
                        .filter(|n| {
                            ref_schema.contains(n) && !keys.iter().any(|(k, _)| k == n.as_str())
                        })
                        .map(|n| (n.to_string(), n.to_string()))
                        .collect(),
                };
                let mut sel: Vec<Expr> = keys
                    .iter()
                    .map(|(l, r)| col(r.as_str()).alias(format!("__wort_k_{l}")))
                    .collect();
                sel.extend(
                    matches
                        .iter()
                        .map(|(l, r)| col(r.as_str()).alias(format!("__wort_v_{l}"))),
                );
                let refd = r.select(sel);
                let joined = self.lf.clone().join(
                    refd,
                    keys.iter()
                        .map(|(l, _)| col(l.as_str()))
                        .collect::<Vec<_>>(),
                    keys.iter()
                        .map(|(l, _)| col(format!("__wort_k_{l}")))
                        .collect::<Vec<_>>(),
                    JoinArgs::new(JoinType::Inner),
                );
                let mut all_eq = lit(true);
                for (l, _) in &matches {
                    let a = col(l.as_str());
                    let b = col(format!("__wort_v_{l}"));
                    all_eq = all_eq.and(
                        a.clone()
                            .eq(b.clone())
                            .fill_null(lit(false))
                            .or(a.is_null().and(b.is_null())),
                    );
                }
                let same = self
                    .scalar(joined.select([all_eq.cast(DataType::Float64).sum()]))?
                    .unwrap_or(0.0);
                let total = count(self.lf.clone())?;
                let v = if total == 0.0 { 1.0 } else { same / total };
                Ok(self.judge_value(rule, v, &format!("Dataset.{alias}.DatasetMatch")))
            }
            _ => Err(format!("{} is not a reference rule", rule.rule_type)),
        }
    }

    /// `sum(amount)` or `avg(reference.amount)`.
    pub(super) fn aggregate(&self, text: &str) -> Result<f64, String> {
        let t = text.trim();
        let (f, rest) = t
            .split_once('(')
            .ok_or_else(|| format!("{t:?} is not sum(column) or avg(column)"))?;
        let inner = rest.trim_end_matches(')').trim();
        let (lf, c) = match inner.rsplit_once('.') {
            Some((alias, c)) if self.opts.references.contains_key(alias) => {
                (self.reference(alias)?, c.to_string())
            }
            Some((alias, c)) if !self.schema.contains(inner) => {
                (self.reference(alias)?, c.to_string())
            }
            _ => (self.lf.clone(), inner.to_string()),
        };
        let e = col(c.as_str()).cast(DataType::Float64);
        let e = match f.trim().to_ascii_lowercase().as_str() {
            "sum" => e.sum(),
            "avg" | "mean" => e.mean(),
            other => return Err(format!("AggregateMatch takes sum or avg, not {other:?}")),
        };
        self.scalar(lf.select([e])).map(|v| v.unwrap_or(0.0))
    }

    pub(super) fn detect_anomalies(&self, rule: &Rule, params: &[String]) -> LeafResult {
        let Some(name) = params.first() else {
            return LeafResult::error("DetectAnomalies needs a rule name");
        };
        let Some(rt) = RuleType::from_name(name) else {
            return LeafResult::error(format!("DetectAnomalies: {name:?} is not a rule type"));
        };
        // The metric of the named rule, computed on its own.
        let mut inner = Rule::new(rt);
        for p in &rule.params[1..] {
            inner.params.push(p.clone());
        }
        let mut b = Batch::default();
        let plan = match self.try_plan(&inner, &mut b) {
            Ok(p) => p,
            Err(PlanError::Fail(m) | PlanError::Error(m)) => return LeafResult::error(m),
        };
        let df = match self.lf.clone().select(b.exprs.clone()).collect() {
            Ok(df) => df,
            Err(e) => return LeafResult::error(clean_polars_error(&e)),
        };
        let get = |n: &str| {
            df.column(n)
                .ok()
                .and_then(|c| c.get(0).ok())
                .and_then(|v| v.extract::<f64>())
        };
        let (value, metric_name) = match plan {
            Plan::Metric {
                key, metric_name, ..
            } => (get(&key), metric_name),
            Plan::Done(r) => match r.metrics.iter().next() {
                Some((k, v)) => (Some(*v), k.clone()),
                None => (None, String::new()),
            },
            Plan::Rows {
                pass,
                considered,
                metric_name,
                ..
            } => (
                get(&pass).zip(get(&considered)).map(|(p, t)| p / t),
                metric_name,
            ),
            Plan::Exact { ratios, .. } => match ratios.first() {
                Some((n, k)) => (get(k), n.clone()),
                None => (None, String::new()),
            },
        };
        let Some(v) = value else {
            return LeafResult::error(format!("DetectAnomalies: {name} could not be computed"));
        };
        let points = self.opts.history.points(&rule.to_string());
        let metrics = BTreeMap::from([(metric_name, v)]);
        use crate::quality::history::{ALPHA, MIN_RUNS, expected};
        let mut r = match expected(&points, self.opts.now) {
            None => LeafResult::judged(
                true,
                Some(format!(
                    "not judged: anomaly detection needs {MIN_RUNS} earlier runs of this rule and the history has {} (record runs with --record)",
                    points.iter().filter(|(_, v)| v.is_finite()).count()
                )),
                metrics,
            ),
            Some(e) => {
                // Inclusive bounds: a constant history expects exactly its value.
                let ok = v >= e.low && v <= e.high;
                LeafResult::judged(
                    ok,
                    Some(format!(
                        "{} {} the expected range: expected {}–{} from {} ({} % prediction interval)",
                        fmt_num(v),
                        if ok { "is within" } else { "is outside" },
                        round_shown(e.low, e.high - e.low),
                        round_shown(e.high, e.high - e.low),
                        e.why,
                        fmt_num((1.0 - ALPHA) * 100.0)
                    )),
                    metrics,
                )
            }
        };
        r.history_value = Some(v);
        r
    }
}

/// A bound of an expected range, to 3 significant digits of the range's width (the
/// digits beyond are noise of the estimate).
fn round_shown(x: f64, width: f64) -> String {
    if !(width.is_finite() && width > 0.0) {
        return fmt_num(x);
    }
    let decimals = (2.0 - width.log10().floor()).clamp(0.0, 12.0) as i32;
    let p = 10f64.powi(decimals);
    fmt_num((x * p).round() / p)
}

pub(super) fn agg_column(text: &str) -> String {
    text.split_once('(')
        .map(|(_, r)| r.trim_end_matches(')').trim().to_string())
        .unwrap_or_else(|| text.to_string())
}

/// `reference.col` or `reference.{a,b}` → (alias, columns).
pub(super) fn split_reference(text: &str) -> Result<(String, Vec<String>), String> {
    if let Some((alias, rest)) = text.split_once(".{") {
        let cols = rest
            .trim_end_matches('}')
            .split(',')
            .map(|s| s.trim().to_string())
            .collect();
        return Ok((alias.to_string(), cols));
    }
    let (alias, c) = text
        .rsplit_once('.')
        .ok_or_else(|| format!("{text:?} must be reference.column or reference.{{a,b}}"))?;
    Ok((alias.to_string(), vec![c.to_string()]))
}

/// `a->b,c` → [(a, b), (c, c)].
pub(super) fn mappings(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .map(|m| match m.split_once("->") {
            Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
            None => (m.trim().to_string(), m.trim().to_string()),
        })
        .collect()
}
