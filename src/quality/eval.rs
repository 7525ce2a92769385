//! `evaluate`: run a DQDL ruleset against a LazyFrame.
//!
//! Every aggregate metric of every rule, and the pass/fail count of every row-level
//! rule, comes from one fused `select` over the data. Failing-row samples come from a
//! second query, run only when a row-level rule failed. Rules that need something else
//! (a reference dataset, `CustomSql`) run their own small queries.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

use super::dqdl::{
    CompareOp, Condition, DateExpr, NumExpr, ParamValue, Rule, RuleExpr, RuleType, Ruleset, Sign,
    Value,
};
use super::history::History;
use super::report::{AnalyzerResult, FailingRow, Outcome, Report, RuleResult, fmt_num};
use crate::transform::{check_sql, clean_polars_error};

mod analyzers;
mod failing;
mod judge;
mod queries;

use failing::any_to_json;
pub use failing::failing_rows_frame;

/// What `evaluate` needs besides the rules and the data.
pub struct EvalOptions {
    /// A name for the dataset in reports.
    pub dataset: String,
    /// Reference datasets by alias, for RowCountMatch, DatasetMatch...
    pub references: BTreeMap<String, LazyFrame>,
    /// Earlier runs' metrics, for `last(k)` and DetectAnomalies.
    pub history: History,
    /// How many failing rows to keep per row-level rule.
    pub max_failing_rows: usize,
    /// "Now" in UTC, for `now()` and DataFreshness.
    pub now: NaiveDateTime,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            dataset: "data".into(),
            references: BTreeMap::new(),
            history: History::default(),
            max_failing_rows: 10,
            now: chrono::Utc::now().naive_utc(),
        }
    }
}

/// Why a ruleset could not be evaluated at all (the data could not be read).
#[derive(Debug, thiserror::Error)]
#[error("evaluating the rules over {dataset} failed: {message}")]
pub struct EvalError {
    pub dataset: String,
    pub message: String,
}

/// The outcome of one leaf rule.
#[derive(Debug, Clone)]
struct LeafResult {
    outcome: Outcome,
    message: Option<String>,
    metrics: BTreeMap<String, f64>,
    evaluated: Option<String>,
    failing_rows: Option<u64>,
    /// Index of its row-level pass column in the sample query.
    row_index: Option<usize>,
    /// The metric recorded in history for `last(k)`.
    history_value: Option<f64>,
}

impl LeafResult {
    fn error(message: impl Into<String>) -> Self {
        LeafResult {
            outcome: Outcome::Error,
            message: Some(message.into()),
            metrics: BTreeMap::new(),
            evaluated: None,
            failing_rows: None,
            row_index: None,
            history_value: None,
        }
    }
    fn failed(message: impl Into<String>) -> Self {
        LeafResult {
            outcome: Outcome::Failed,
            ..LeafResult::error(message)
        }
    }
    fn judged(ok: bool, message: Option<String>, metrics: BTreeMap<String, f64>) -> Self {
        LeafResult {
            outcome: if ok { Outcome::Passed } else { Outcome::Failed },
            message,
            metrics,
            ..LeafResult::error("")
        }
    }
}

/// Aggregate expressions registered by the leaves, collected in one query.
#[derive(Default)]
struct Batch {
    exprs: Vec<Expr>,
}

impl Batch {
    /// Registers `e` (a scalar) and returns the name to read it back by.
    fn add(&mut self, e: Expr) -> String {
        let name = format!("__wort_m{}", self.exprs.len());
        self.exprs
            .push(e.cast(DataType::Float64).alias(name.as_str()));
        name
    }
}

/// How a leaf is judged once the batch is computed.
enum Plan {
    /// Already decided (schema-only rules, errors).
    Done(LeafResult),
    /// A scalar metric tested against the rule's condition.
    Metric {
        key: String,
        metric_name: String,
        extra: Vec<(String, String)>,
        rows: String,
    },
    /// Row-level: every row (in `where`) must pass, or the pass fraction must meet the
    /// threshold.
    Rows {
        pass: String,
        considered: String,
        metric_name: String,
        extra: Vec<(String, String)>,
        row_expr: Expr,
        columns: Vec<String>,
        /// Rows that failed because the value is null (for Glue's message).
        null_failed: Option<String>,
    },
    /// Boolean rule from one or two ratios that must be exactly 1.
    Exact {
        ratios: Vec<(String, String)>,
        rows: String,
        row_expr: Option<Expr>,
        columns: Vec<String>,
    },
}

impl Plan {
    /// For a row-level plan: the per-row pass expression (rows outside `mask`, the
    /// rule's `where`, pass) and the columns it reads.
    fn row_check(&self, mask: Option<Expr>) -> Option<(Expr, Vec<String>)> {
        let (e, columns) = match self {
            Plan::Rows {
                row_expr, columns, ..
            } => (row_expr, columns),
            Plan::Exact {
                row_expr: Some(e),
                columns,
                ..
            } => (e, columns),
            _ => return None,
        };
        let pass = e.clone().fill_null(lit(false));
        let pass = match mask {
            Some(w) => pass.or(w.not()),
            None => pass,
        };
        Some((pass, columns.clone()))
    }
}

/// Evaluate `rules` against `lf`.
pub fn evaluate(rules: &Ruleset, lf: LazyFrame, opts: &EvalOptions) -> Result<Report, EvalError> {
    let err = |m: String| EvalError {
        dataset: opts.dataset.clone(),
        message: m,
    };
    let cx = Cx::new(rules, lf, opts)?;
    let lf = &cx.lf;

    // Plan every leaf.
    let mut batch = Batch::default();
    let rows_key = batch.add(len());
    let mut plans: Vec<Vec<Plan>> = Vec::new();
    for entry in &rules.rules.items {
        let leaves = entry
            .rule
            .leaves()
            .into_iter()
            .map(|r| cx.plan(r, &mut batch))
            .collect();
        plans.push(leaves);
    }
    let mut analyzer_plans = Vec::new();
    for a in &rules.analyzers.items {
        analyzer_plans.push(cx.plan_analyzer(&a.analyzer, &mut batch));
    }

    // One query for every metric.
    let values = lf
        .clone()
        .select(batch.exprs.clone())
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        // Should the streaming engine refuse an expression, the in-memory one answers.
        .or_else(|_| lf.clone().select(batch.exprs.clone()).collect())
        .map_err(|e| err(clean_polars_error(&e)))?;
    let get = |name: &str| -> Option<f64> {
        values
            .column(name)
            .ok()
            .and_then(|c| c.get(0).ok())
            .and_then(|v| v.extract::<f64>())
    };
    let total_rows = get(&rows_key).unwrap_or(0.0) as u64;

    // Judge.
    let mut row_exprs: Vec<(Expr, Vec<String>)> = Vec::new();
    let mut results = Vec::new();
    for (i, (entry, leaf_plans)) in rules.rules.items.iter().zip(plans).enumerate() {
        let leaves = entry.rule.leaves();
        let mut leaf_results = Vec::new();
        for (rule, plan) in leaves.iter().zip(leaf_plans) {
            let check = plan.row_check(cx.mask(rule).ok().flatten());
            let mut r = cx.judge(rule, plan, &get);
            if r.outcome == Outcome::Failed
                && r.failing_rows.unwrap_or(0) > 0
                && let Some(check) = check
            {
                r.row_index = Some(row_exprs.len());
                row_exprs.push(check);
            }
            leaf_results.push(r);
        }
        results.push((i, entry, leaf_results));
    }

    // Failing-row samples, one more query when needed.
    let samples = if row_exprs.is_empty() || opts.max_failing_rows == 0 {
        Vec::new()
    } else {
        cx.failing_samples(&row_exprs)
            .map_err(|e| err(clean_polars_error(&e)))?
    };

    let mut out = Vec::new();
    for (i, entry, leaf_results) in results {
        let labels = rules.labels_for(entry).into_iter().collect();
        let rule_text = entry.rule.to_string();
        let r = combine(&entry.rule, &leaf_results, &samples);
        out.push(RuleResult {
            name: format!("Rule_{}", i + 1),
            rule: rule_text,
            labels,
            ..r
        });
    }
    let analyzers = rules
        .analyzers
        .items
        .iter()
        .zip(analyzer_plans)
        .enumerate()
        .map(|(i, (a, plan))| {
            let mut metrics = BTreeMap::new();
            let mut message = None;
            match plan {
                Ok(list) => {
                    for (name, key) in list {
                        if let Some(v) = get(&key) {
                            metrics.insert(name, v);
                        }
                    }
                }
                Err(m) => message = Some(m),
            }
            AnalyzerResult {
                name: format!("Analyzer_{}", i + 1),
                analyzer: a.analyzer.to_string(),
                metrics,
                message,
            }
        })
        .collect();
    let passed = out.iter().filter(|r| r.outcome == Outcome::Passed).count();
    let failed = out.iter().filter(|r| r.outcome == Outcome::Failed).count();
    let errors = out.iter().filter(|r| r.outcome == Outcome::Error).count();
    Ok(Report {
        wort_report: 1,
        dataset: opts.dataset.clone(),
        rows: total_rows,
        score: if out.is_empty() {
            1.0
        } else {
            passed as f64 / out.len() as f64
        },
        passed,
        failed,
        errors,
        rules: out,
        analyzers,
    })
}

fn schema_of(lf: &mut LazyFrame, opts: &EvalOptions) -> Result<Schema, EvalError> {
    lf.collect_schema()
        .map(|s| s.as_ref().clone())
        .map_err(|e| EvalError {
            dataset: opts.dataset.clone(),
            message: clean_polars_error(&e),
        })
}

/// The metric each leaf of an entry records in history, keyed by the leaf's text.
pub fn history_metrics(report: &Report, rules: &Ruleset) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (entry, r) in rules.rules.items.iter().zip(&report.rules) {
        if let RuleExpr::Rule(rule) = &entry.rule
            && let Some(v) = primary_metric(rule, &r.metrics)
        {
            out.insert(rule.to_string(), v);
        }
    }
    out
}

/// The metric `last(k)` reads for a rule: the one its condition tests.
fn primary_metric(rule: &Rule, metrics: &BTreeMap<String, f64>) -> Option<f64> {
    let name = rule.rule_type.name();
    metrics
        .iter()
        .find(|(k, _)| k.ends_with(&format!(".{name}")) || k.contains(&format!(".{name}.")))
        .or_else(|| metrics.iter().next())
        .map(|(_, v)| *v)
}

/// Combine the leaves of a composite (COLUMN method: each leaf over the whole data).
fn combine(expr: &RuleExpr, leaves: &[LeafResult], samples: &[Vec<FailingRow>]) -> RuleResult {
    let mut idx = 0;
    let outcome = fold(expr, leaves, &mut idx);
    let mut metrics = BTreeMap::new();
    let mut messages = Vec::new();
    let mut evaluated = Vec::new();
    let mut failing_rows = None;
    let mut failing_samples = Vec::new();
    for l in leaves {
        metrics.extend(l.metrics.clone());
        if let Some(m) = &l.message
            && !m.is_empty()
        {
            messages.push(m.clone());
        }
        if let Some(e) = &l.evaluated {
            evaluated.push(e.clone());
        }
        if let Some(n) = l.failing_rows {
            failing_rows = Some(failing_rows.unwrap_or(0) + n);
        }
        if let Some(i) = l.row_index
            && let Some(s) = samples.get(i)
        {
            for row in s {
                if !failing_samples
                    .iter()
                    .any(|r: &FailingRow| r.row == row.row)
                {
                    failing_samples.push(row.clone());
                }
            }
        }
    }
    failing_samples.sort_by_key(|r| r.row);
    let message = if (outcome == Outcome::Passed && leaves.len() > 1) || messages.is_empty() {
        None
    } else {
        Some(messages.join("\n"))
    };
    RuleResult {
        name: String::new(),
        rule: String::new(),
        outcome,
        message,
        metrics,
        evaluated_rule: (!evaluated.is_empty()).then(|| evaluated.join("; ")),
        failing_rows: if outcome == Outcome::Passed {
            None
        } else {
            failing_rows
        },
        failing_samples: if outcome == Outcome::Passed {
            Vec::new()
        } else {
            failing_samples
        },
        labels: BTreeMap::new(),
    }
}

fn fold(expr: &RuleExpr, leaves: &[LeafResult], idx: &mut usize) -> Outcome {
    match expr {
        RuleExpr::Rule(_) => {
            let o = leaves[*idx].outcome;
            *idx += 1;
            o
        }
        RuleExpr::And(v) => {
            let parts: Vec<Outcome> = v.iter().map(|e| fold(e, leaves, idx)).collect();
            if parts.contains(&Outcome::Error) {
                Outcome::Error
            } else if parts.iter().all(|o| *o == Outcome::Passed) {
                Outcome::Passed
            } else {
                Outcome::Failed
            }
        }
        RuleExpr::Or(v) => {
            let parts: Vec<Outcome> = v.iter().map(|e| fold(e, leaves, idx)).collect();
            if parts.contains(&Outcome::Passed) {
                Outcome::Passed
            } else if parts.contains(&Outcome::Error) {
                Outcome::Error
            } else {
                Outcome::Failed
            }
        }
    }
}

struct Cx<'a> {
    rules: &'a Ruleset,
    schema: Schema,
    opts: &'a EvalOptions,
    lf: LazyFrame,
}

impl<'a> Cx<'a> {
    /// The context for evaluating `rules` on `lf` (its schema resolved once).
    fn new(rules: &'a Ruleset, lf: LazyFrame, opts: &'a EvalOptions) -> Result<Self, EvalError> {
        let mut lf = lf;
        let schema = schema_of(&mut lf, opts)?;
        Ok(Cx {
            rules,
            schema,
            opts,
            lf,
        })
    }
}

/// What a dynamic expression evaluates to.
enum Num {
    One(f64),
    List(Vec<f64>),
}

impl Cx<'_> {
    // ----- parameters -------------------------------------------------------------

    fn param(&self, rule: &Rule, i: usize) -> Result<String, String> {
        let p = rule
            .params
            .get(i)
            .ok_or_else(|| format!("{} needs a parameter {}", rule.rule_type, i + 1))?;
        match &p.value {
            ParamValue::Constant(name) => self
                .rules
                .param_text(p)
                .map(unescape)
                .ok_or_else(|| format!("Variable not found: {name}")),
            ParamValue::Quoted(s) => Ok(s.unescaped()),
            ParamValue::Bare(s) => Ok(s.clone()),
        }
    }

    fn params(&self, rule: &Rule) -> Result<Vec<String>, String> {
        (0..rule.params.len())
            .map(|i| self.param(rule, i))
            .collect()
    }

    fn column(&self, name: &str) -> Result<DataType, String> {
        self.schema.get(name).cloned().ok_or_else(|| {
            let mut m = format!("Input data does not include column {name}!");
            if let Some(s) =
                crate::util::did_you_mean(name, self.schema.iter_names().map(|n| n.as_str()))
            {
                m.push_str(&format!(" Did you mean \"{s}\"?"));
            }
            m
        })
    }

    /// The `where` mask (null counts as false), or all rows.
    fn mask(&self, rule: &Rule) -> Result<Option<Expr>, String> {
        match &rule.where_clause {
            None => Ok(None),
            Some(sql) => check_sql(&regex_text(sql.raw()), &self.schema)
                .map(|e| Some(e.fill_null(lit(false))))
                .map_err(|m| format!("The provided where clause is invalid: {m}")),
        }
    }

    // ----- planning ---------------------------------------------------------------

    fn plan(&self, rule: &Rule, b: &mut Batch) -> Plan {
        match self.try_plan(rule, b) {
            Ok(p) => p,
            Err(PlanError::Fail(m)) => Plan::Done(LeafResult::failed(m)),
            Err(PlanError::Error(m)) => Plan::Done(LeafResult::error(m)),
        }
    }

    fn try_plan(&self, rule: &Rule, b: &mut Batch) -> Result<Plan, PlanError> {
        use RuleType as T;
        let mask = self.mask(rule).map_err(PlanError::Error)?;
        let w = mask.clone().unwrap_or_else(|| self.all_rows());
        let rows = b.add(rows_in(&mask));
        let params = self.params(rule).map_err(PlanError::Error)?;
        let col1 = || -> Result<(String, DataType), PlanError> {
            let c = params.first().cloned().unwrap_or_default();
            let dt = self.column(&c).map_err(PlanError::Fail)?;
            Ok((c, dt))
        };
        let metric = |b: &mut Batch, e: Expr, name: String| Plan::Metric {
            key: b.add(e),
            metric_name: name,
            extra: Vec::new(),
            rows: rows.clone(),
        };
        let f = |e: Expr| e.filter(w.clone());
        Ok(match rule.rule_type {
            T::RowCount => metric(b, rows_in(&mask), "Dataset.*.RowCount".into()),
            T::ColumnCount => Plan::Done(self.judge_value(
                rule,
                self.schema.len() as f64,
                "Dataset.*.ColumnCount",
            )),
            T::ColumnExists => {
                let c = params.first().cloned().unwrap_or_default();
                Plan::Done(if self.schema.contains(&c) {
                    LeafResult::judged(true, None, BTreeMap::new())
                } else {
                    LeafResult::failed(self.column(&c).err().unwrap_or_default())
                })
            }
            T::ColumnNamesMatchPattern => {
                // A regex is taken as written: `\d` stays a digit class.
                let pat = match rule.params.first().map(|p| &p.value) {
                    Some(ParamValue::Quoted(s)) => regex_text(s.raw()),
                    _ => params.first().cloned().unwrap_or_default(),
                };
                let re = regex::Regex::new(&format!("^(?:{pat})$"))
                    .map_err(|e| PlanError::Error(format!("bad regex {pat:?}: {e}")))?;
                let names: Vec<&str> = self.schema.iter_names().map(|n| n.as_str()).collect();
                let bad: Vec<&str> = names.iter().copied().filter(|n| !re.is_match(n)).collect();
                let ratio = if names.is_empty() {
                    1.0
                } else {
                    (names.len() - bad.len()) as f64 / names.len() as f64
                };
                let metrics =
                    BTreeMap::from([("Dataset.*.ColumnNamesPatternMatchRatio".to_string(), ratio)]);
                Plan::Done(LeafResult::judged(
                    bad.is_empty(),
                    (!bad.is_empty()).then(|| {
                        format!("Columns that do not match the pattern: {}", bad.join(", "))
                    }),
                    metrics,
                ))
            }
            T::Completeness | T::IsComplete => {
                let (c, _) = col1()?;
                let e = f(col(c.as_str()).is_not_null().cast(DataType::Float64)).mean();
                let name = format!("Column.{c}.Completeness");
                if rule.rule_type == T::Completeness {
                    metric(b, e, name)
                } else {
                    Plan::Exact {
                        ratios: vec![(name, b.add(e))],
                        rows: rows.clone(),
                        row_expr: Some(col(c.as_str()).is_not_null()),
                        columns: vec![c],
                    }
                }
            }
            T::Uniqueness | T::IsUnique | T::IsPrimaryKey => {
                let cols: Vec<String> = params.clone();
                for c in &cols {
                    self.column(c).map_err(PlanError::Fail)?;
                }
                let name = if cols.len() == 1 {
                    format!("Column.{}.Uniqueness", cols[0])
                } else {
                    format!("Multicolumn.{}.Uniqueness", cols.join(","))
                };
                let (unique_row, any_present) =
                    unique_exprs(&cols, &w).map_err(PlanError::Error)?;
                let ratio = unique_row
                    .clone()
                    .and(any_present.clone())
                    .and(w.clone())
                    .cast(DataType::Float64)
                    .sum()
                    / any_present.and(w.clone()).cast(DataType::Float64).sum();
                match rule.rule_type {
                    T::Uniqueness => metric(b, ratio, name),
                    T::IsUnique => Plan::Exact {
                        ratios: vec![(name, b.add(ratio))],
                        rows: rows.clone(),
                        row_expr: Some(unique_row),
                        columns: cols,
                    },
                    _ => {
                        let mut ratios = vec![(name, b.add(ratio))];
                        let mut complete = lit(true);
                        for c in &cols {
                            let e = f(col(c.as_str()).is_not_null().cast(DataType::Float64)).mean();
                            ratios.push((format!("Column.{c}.Completeness"), b.add(e)));
                            complete = complete.and(col(c.as_str()).is_not_null());
                        }
                        Plan::Exact {
                            ratios,
                            rows: rows.clone(),
                            row_expr: Some(unique_row.and(complete)),
                            columns: cols,
                        }
                    }
                }
            }
            T::UniqueValueRatio => {
                let (c, _) = col1()?;
                let v = f(col(c.as_str())).drop_nulls();
                let e = v.clone().is_unique().cast(DataType::Float64).sum()
                    / v.n_unique().cast(DataType::Float64);
                metric(b, e, format!("Column.{c}.UniqueValueRatio"))
            }
            T::DistinctValuesCount => {
                let (c, _) = col1()?;
                let e = f(col(c.as_str())).drop_nulls().n_unique();
                metric(b, e, format!("Column.{c}.DistinctValuesCount"))
            }
            T::Entropy => {
                let (c, _) = col1()?;
                let counts = f(col(c.as_str()))
                    .drop_nulls()
                    .unique_counts()
                    .cast(DataType::Float64);
                // -sum(p ln p) with p = c/n, as ln n - sum(c ln c)/n: only scalars are
                // combined with scalars (the streaming engine needs equal lengths).
                let ln = |e: Expr| e.log(lit(std::f64::consts::E));
                let n = counts.clone().sum();
                let s = (counts.clone() * ln(counts)).sum();
                let e = ln(n.clone()) - s / n;
                metric(b, e, format!("Column.{c}.Entropy"))
            }
            T::Mean | T::Sum | T::StandardDeviation | T::Variance => {
                let (c, dt) = col1()?;
                if !dt.is_primitive_numeric() {
                    return Err(PlanError::Error(format!(
                        "{} needs a numeric column, but {c} is {}",
                        rule.rule_type,
                        crate::transform::type_name(&dt)
                    )));
                }
                let v = f(col(c.as_str()).cast(DataType::Float64));
                let (e, n) = match rule.rule_type {
                    T::Mean => (v.mean(), "Mean"),
                    T::Sum => (v.sum(), "Sum"),
                    T::StandardDeviation => (v.std(0), "StandardDeviation"),
                    _ => (v.var(0), "Variance"),
                };
                metric(b, e, format!("Column.{c}.{n}"))
            }
            T::ColumnCorrelation => {
                let a = params.first().cloned().unwrap_or_default();
                let c2 = params.get(1).cloned().unwrap_or_default();
                for c in [&a, &c2] {
                    let dt = self.column(c).map_err(PlanError::Fail)?;
                    if !dt.is_primitive_numeric() {
                        return Err(PlanError::Error(format!(
                            "ColumnCorrelation needs numeric columns, but {c} is {}",
                            crate::transform::type_name(&dt)
                        )));
                    }
                }
                let both = w
                    .clone()
                    .and(col(a.as_str()).is_not_null())
                    .and(col(c2.as_str()).is_not_null());
                let e = pearson_corr(
                    col(a.as_str()).cast(DataType::Float64).filter(both.clone()),
                    col(c2.as_str()).cast(DataType::Float64).filter(both),
                );
                metric(b, e, format!("Multicolumn.{a},{c2}.ColumnCorrelation"))
            }
            T::ColumnLength => {
                let (c, _) = col1()?;
                let len_e = col(c.as_str())
                    .cast(DataType::String)
                    .str()
                    .len_chars()
                    .fill_null(lit(0))
                    .cast(DataType::Float64);
                let cond = rule.condition.as_ref().ok_or_else(|| {
                    PlanError::Error("ColumnLength needs a condition".to_string())
                })?;
                let pass = self
                    .row_predicate(rule, len_e.clone(), &DataType::Float64, cond)
                    .map_err(PlanError::Error)?;
                let min = b.add(f(len_e.clone()).min());
                let max = b.add(f(len_e).max());
                self.rows_plan(
                    b,
                    &w,
                    pass,
                    format!("Column.{c}.LengthCompliance"),
                    vec![
                        (format!("Column.{c}.MinimumLength"), min),
                        (format!("Column.{c}.MaximumLength"), max),
                    ],
                    vec![c],
                    false,
                )
            }
            T::ColumnValues => {
                let (c, dt) = col1()?;
                let cond = rule.condition.as_ref().ok_or_else(|| {
                    PlanError::Error("ColumnValues needs a condition".to_string())
                })?;
                let pass = self
                    .row_predicate(rule, col(c.as_str()), &dt, cond)
                    .map_err(PlanError::Error)?;
                let mut extra = Vec::new();
                if dt.is_primitive_numeric() {
                    extra.push((
                        format!("Column.{c}.Minimum"),
                        b.add(f(col(c.as_str())).min()),
                    ));
                    extra.push((
                        format!("Column.{c}.Maximum"),
                        b.add(f(col(c.as_str())).max()),
                    ));
                }
                self.rows_plan(
                    b,
                    &w,
                    pass,
                    format!("Column.{c}.ColumnValues.Compliance"),
                    extra,
                    vec![c],
                    true,
                )
            }
            T::ColumnDataType => {
                let (c, dt) = col1()?;
                let cond = rule.condition.as_ref().ok_or_else(|| {
                    PlanError::Error("ColumnDataType needs a condition".to_string())
                })?;
                let pass = self
                    .data_type_predicate(&c, &dt, cond)
                    .map_err(PlanError::Error)?;
                self.rows_plan(
                    b,
                    &w,
                    pass,
                    format!("Column.{c}.ColumnDataType.Compliance"),
                    Vec::new(),
                    vec![c],
                    false,
                )
            }
            T::DataFreshness => {
                let (c, dt) = col1()?;
                let ts = match &dt {
                    DataType::Date => {
                        col(c.as_str()).cast(DataType::Datetime(TimeUnit::Microseconds, None))
                    }
                    DataType::Datetime(_, _) => {
                        col(c.as_str()).cast(DataType::Datetime(TimeUnit::Microseconds, None))
                    }
                    DataType::String => {
                        crate::transform::dates::parse_text(col(c.as_str()), None, true)
                    }
                    other => {
                        return Err(PlanError::Error(format!(
                            "DataFreshness needs a date or datetime column, but {c} is {}",
                            crate::transform::type_name(other)
                        )));
                    }
                };
                let now_us = self.opts.now.and_utc().timestamp_micros();
                let age_hours = (lit(now_us) - ts.cast(DataType::Int64)).cast(DataType::Float64)
                    / lit(3_600_000_000.0);
                let cond = rule.condition.as_ref().ok_or_else(|| {
                    PlanError::Error("DataFreshness needs a duration condition".to_string())
                })?;
                let pass = self
                    .row_predicate(rule, age_hours, &DataType::Float64, cond)
                    .map_err(PlanError::Error)?;
                self.rows_plan(
                    b,
                    &w,
                    pass,
                    format!("Column.{c}.DataFreshness.Compliance"),
                    Vec::new(),
                    vec![c],
                    true,
                )
            }
            T::CustomSql => Plan::Done(self.custom_sql(rule, &params)),
            T::RowCountMatch
            | T::SchemaMatch
            | T::AggregateMatch
            | T::DatasetMatch
            | T::ReferentialIntegrity => Plan::Done(self.reference_rule(rule, &params)),
            T::DetectAnomalies => Plan::Done(self.detect_anomalies(rule, &params)),
            T::ZerosCount | T::Range | T::InterquartileRange | T::Skewness | T::Kurtosis => {
                let (c, dt) = col1()?;
                if !dt.is_primitive_numeric() {
                    return Err(PlanError::Error(format!(
                        "{} needs a numeric column, but {c} is {}",
                        rule.rule_type,
                        crate::transform::type_name(&dt)
                    )));
                }
                let v = f(col(c.as_str()).cast(DataType::Float64)).drop_nulls();
                let e = match rule.rule_type {
                    T::ZerosCount => v.eq(lit(0.0)).cast(DataType::Float64).sum(),
                    T::Range => v.clone().max() - v.min(),
                    T::InterquartileRange => {
                        v.clone().quantile(lit(0.75), QuantileMethod::Linear)
                            - v.quantile(lit(0.25), QuantileMethod::Linear)
                    }
                    T::Skewness => v.skew(false),
                    _ => v.kurtosis(true, false),
                };
                metric(b, e, format!("Column.{c}.{}", rule.rule_type))
            }
            T::DuplicateRowCount => {
                let cols: Vec<String> = if params.is_empty() {
                    self.schema.iter_names().map(|n| n.to_string()).collect()
                } else {
                    params.clone()
                };
                for c in &cols {
                    self.column(c).map_err(PlanError::Fail)?;
                }
                let key = as_struct(cols.iter().map(|c| col(c.as_str())).collect());
                let e = len().cast(DataType::Float64) - key.n_unique().cast(DataType::Float64);
                let name = if params.is_empty() {
                    "Dataset.*.DuplicateRowCount".to_string()
                } else {
                    format!("Multicolumn.{}.DuplicateRowCount", cols.join(","))
                };
                if mask.is_some() {
                    return Err(PlanError::Error(
                        "DuplicateRowCount does not take a where clause".into(),
                    ));
                }
                metric(b, e, name)
            }
            other => {
                return Err(PlanError::Error(format!(
                    "{other} checks files on S3 or is an analyzer; wort check evaluates it only in Analyzers or not at all"
                )));
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn rows_plan(
        &self,
        b: &mut Batch,
        w: &Expr,
        pass: Expr,
        metric_name: String,
        extra: Vec<(String, String)>,
        columns: Vec<String>,
        null_message: bool,
    ) -> Plan {
        let null_failed = (null_message && !columns.is_empty()).then(|| {
            b.add(
                col(columns[0].as_str())
                    .is_null()
                    .and(w.clone())
                    .and(pass.clone().fill_null(lit(false)).not())
                    .cast(DataType::Float64)
                    .sum(),
            )
        });
        let pass_count = b.add(
            pass.clone()
                .fill_null(lit(false))
                .and(w.clone())
                .cast(DataType::Float64)
                .sum(),
        );
        let considered = b.add(rows_in(&Some(w.clone())));
        Plan::Rows {
            pass: pass_count,
            considered,
            metric_name,
            extra,
            row_expr: pass,
            columns,
            null_failed,
        }
    }

    /// A mask that is true on every row. (A literal `true` is one value, not a column:
    /// summing it gives 1, not the row count.)
    fn all_rows(&self) -> Expr {
        match self.schema.iter_names().next() {
            Some(n) => col(n.as_str()).is_null().or(lit(true)),
            None => lit(true),
        }
    }

    /// The row-level pass expression of a leaf (rows outside `where` pass).
    fn row_expr_for(&self, rule: &Rule) -> Option<Expr> {
        let plan = self.try_plan(rule, &mut Batch::default()).ok()?;
        plan.row_check(self.mask(rule).ok()?).map(|(e, _)| e)
    }

    /// Up to N failing rows per row check (pass expression, columns it reads).
    fn failing_samples(
        &self,
        checks: &[(Expr, Vec<String>)],
    ) -> PolarsResult<Vec<Vec<FailingRow>>> {
        let n = self.opts.max_failing_rows as IdxSize;
        let mut out = Vec::with_capacity(checks.len());
        // One query per failing rule, that stops reading as soon as it has its first
        // `n` failing rows (usually near the start of the data).
        for (pass, cols) in checks {
            let mut sel = vec![col("__wort_row")];
            sel.extend(cols.iter().map(|c| col(c.as_str())));
            let lf = self
                .lf
                .clone()
                .with_row_index("__wort_row", Some(1))
                .filter(pass.clone().not())
                .select(sel)
                .limit(n);
            let df = lf
                .clone()
                .collect_with_engine(Engine::Streaming)
                .map(|r| r.unwrap_single())
                .or_else(|_| lf.collect())?
                .sort(["__wort_row"], SortMultipleOptions::default())?;
            let rows = df.column("__wort_row")?.cast(&DataType::UInt64)?;
            let rows = rows.u64()?;
            let mut samples = Vec::with_capacity(df.height());
            for r in 0..df.height() {
                let mut values = BTreeMap::new();
                for c in cols.iter() {
                    let v = df.column(c)?.get(r)?;
                    values.insert(c.clone(), any_to_json(&v));
                }
                samples.push(FailingRow {
                    row: rows.get(r).unwrap_or(0),
                    values,
                });
            }
            out.push(samples);
        }
        Ok(out)
    }
}

enum PlanError {
    /// The rule fails (a missing column, as Glue reports it).
    Fail(String),
    /// The rule can't be evaluated as written.
    Error(String),
}

/// How many rows a rule considers: those matching its `where` (a full-length
/// mask), or all.
fn rows_in(mask: &Option<Expr>) -> Expr {
    match mask {
        // A literal `true` (no where) would sum to 1, not to the row count.
        Some(m) => m.clone().cast(DataType::Float64).sum(),
        None => len().cast(DataType::Float64),
    }
}

/// `unique_row`: the row's value (or combination) occurs once among the rows in `w`;
/// `any_present`: at least one of the columns is not null.
fn unique_exprs(cols: &[String], w: &Expr) -> Result<(Expr, Expr), String> {
    let mut part: Vec<Expr> = vec![w.clone()];
    part.extend(cols.iter().map(|c| col(c.as_str())));
    let unique_row = len()
        .over(part)
        .map_err(|e| clean_polars_error(&e))?
        .eq(lit(1u32));
    let mut any_present = lit(false);
    for c in cols {
        any_present = any_present.or(col(c.as_str()).is_not_null());
    }
    Ok((unique_row, any_present))
}

/// A regex or SQL string as written between quotes: only `\"` is decoded, so
/// `"\d+"` is the regex `\d+` (Glue reads patterns the same way).
fn regex_text(raw: &str) -> String {
    raw.replace("\\\"", "\"")
}

fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}
