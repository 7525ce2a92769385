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

    // ----- judging ----------------------------------------------------------------

    fn judge(&self, rule: &Rule, plan: Plan, get: &dyn Fn(&str) -> Option<f64>) -> LeafResult {
        match plan {
            Plan::Done(r) => r,
            Plan::Metric {
                key,
                metric_name,
                extra,
                rows,
            } => {
                let considered = get(&rows).unwrap_or(0.0);
                let v = get(&key);
                let mut r = match v {
                    Some(v) if v.is_finite() => self.judge_value(rule, v, &metric_name),
                    _ if rule.where_clause.is_some() && considered == 0.0 => LeafResult::judged(
                        true,
                        Some("No rows matched the filter".into()),
                        BTreeMap::new(),
                    ),
                    _ => LeafResult::failed(format!(
                        "Value: NULL does not meet the constraint requirement: {metric_name} could not be computed (no non-null values)"
                    )),
                };
                for (name, k) in extra {
                    if let Some(v) = get(&k) {
                        r.metrics.insert(name, v);
                    }
                }
                r
            }
            Plan::Rows {
                pass,
                considered,
                metric_name,
                extra,
                null_failed,
                ..
            } => {
                let nulls_failed = null_failed.and_then(|k| get(&k)).unwrap_or(0.0) > 0.0;
                let pass = get(&pass).unwrap_or(0.0);
                let total = get(&considered).unwrap_or(0.0);
                let mut metrics = BTreeMap::new();
                for (name, k) in extra {
                    if let Some(v) = get(&k) {
                        metrics.insert(name, v);
                    }
                }
                if total == 0.0 {
                    return LeafResult::judged(
                        true,
                        Some("No rows matched the filter".into()),
                        metrics,
                    );
                }
                let ratio = pass / total;
                metrics.insert(metric_name, ratio);
                let failing = (total - pass) as u64;
                let mut r = match &rule.threshold {
                    Some(t) => match self.test(rule, t, Some(ratio)) {
                        Ok((ok, evaluated)) => {
                            let mut r = LeafResult::judged(
                                ok,
                                (!ok).then(|| {
                                    format!(
                                        "Value: {} does not meet the threshold requirement{}",
                                        fmt_num(ratio),
                                        evaluated
                                            .as_ref()
                                            .map(|e| format!(" ({e})"))
                                            .unwrap_or_default()
                                    )
                                }),
                                metrics,
                            );
                            r.evaluated = evaluated;
                            r
                        }
                        Err(m) => LeafResult::error(m),
                    },
                    None => {
                        let ok = failing == 0;
                        let message = (!ok).then(|| {
                            let base =
                                format!("{:.2} % of rows passed the threshold", ratio * 100.0);
                            if nulls_failed {
                                format!(
                                    "{base}; Value: NULL does not meet the constraint requirement!"
                                )
                            } else {
                                base
                            }
                        });
                        LeafResult::judged(ok, message, metrics)
                    }
                };
                r.failing_rows = Some(failing);
                r.history_value = Some(ratio);
                r
            }
            Plan::Exact { ratios, rows, .. } => {
                let considered = get(&rows).unwrap_or(0.0);
                let mut metrics = BTreeMap::new();
                let mut ok = true;
                for (name, k) in ratios {
                    let v = get(&k).unwrap_or(f64::NAN);
                    if v.is_finite() {
                        metrics.insert(name, v);
                        ok &= v == 1.0;
                    } else {
                        ok = false;
                    }
                }
                if considered == 0.0 {
                    return LeafResult::judged(
                        true,
                        Some("No rows matched the filter".into()),
                        metrics,
                    );
                }
                let message = (!ok).then(|| {
                    let v = metrics.values().cloned().fold(1.0, f64::min);
                    format!(
                        "Value: {} does not meet the constraint requirement!",
                        fmt_num(v)
                    )
                });
                let mut r = LeafResult::judged(ok, message, metrics);
                if !ok {
                    // The exact count of failing rows comes with the samples query; the
                    // ratio gives it here for single-column rules.
                    let v = r.metrics.values().cloned().fold(1.0, f64::min);
                    r.failing_rows = Some(((1.0 - v) * considered).round() as u64);
                }
                r
            }
        }
    }

    /// Test a scalar metric against the rule's condition.
    fn judge_value(&self, rule: &Rule, v: f64, metric_name: &str) -> LeafResult {
        let metrics = BTreeMap::from([(metric_name.to_string(), v)]);
        let Some(cond) = &rule.condition else {
            return LeafResult::judged(true, None, metrics);
        };
        match self.test(rule, cond, Some(v)) {
            Ok((ok, evaluated)) => {
                let mut r = LeafResult::judged(
                    ok,
                    (!ok).then(|| {
                        format!(
                            "Value: {} does not meet the constraint requirement.",
                            fmt_num(v)
                        )
                    }),
                    metrics,
                );
                if let Some(e) = &evaluated
                    && let Some(m) = &mut r.message
                {
                    m.push_str(&format!(" ({e})"));
                } else if let Some(e) = &evaluated {
                    r.message = Some(e.clone());
                }
                r.evaluated = evaluated.map(|_| self.evaluated_rule(rule));
                r.history_value = Some(v);
                r
            }
            Err(m) => LeafResult::error(m),
        }
    }

    /// The rule with each dynamic expression replaced by its value.
    fn evaluated_rule(&self, rule: &Rule) -> String {
        let mut r = rule.clone();
        let hist = self.opts.history.values(&rule.to_string());
        let resolve = |v: &mut Value| {
            if let Value::Number(e) = v
                && e.is_dynamic()
                && let Ok(Num::One(x)) = eval_num(e, &hist)
            {
                *v = Value::number(x);
            }
        };
        for c in [&mut r.condition, &mut r.threshold].into_iter().flatten() {
            match c {
                Condition::Compare { value, .. } => resolve(value),
                Condition::Between { low, high, .. } => {
                    resolve(low);
                    resolve(high);
                }
                Condition::In {
                    list: super::dqdl::ValueList::Items(items),
                    ..
                } => items.iter_mut().for_each(resolve),
                _ => {}
            }
        }
        r.to_string()
    }

    /// Whether `v` satisfies `cond`; also a note on dynamic values, when any.
    fn test(
        &self,
        rule: &Rule,
        cond: &Condition,
        v: Option<f64>,
    ) -> Result<(bool, Option<String>), String> {
        let key = rule.to_string();
        let hist = self.opts.history.values(&key);
        let mut notes = Vec::new();
        let mut num = |val: &Value| -> Result<Option<f64>, String> {
            match val {
                Value::Null => Ok(None),
                Value::Number(e) => {
                    if e.is_dynamic() {
                        let x = match eval_num(e, &hist)? {
                            Num::One(x) => x,
                            Num::List(_) => {
                                return Err("Rule threshold results in list, and a single value is expected. Use aggregation functions to produce a single value; e.g. avg(last(10))".into());
                            }
                        };
                        let k = max_last(e);
                        if hist.len() < k {
                            notes.push(if hist.is_empty() {
                                format!("{e} = {}: no history yet for this rule (record runs with --record)", fmt_num(x))
                            } else {
                                format!("{e} = {} from {} of the {k} runs it asks for", fmt_num(x), hist.len())
                            });
                        } else {
                            notes.push(format!("{e} = {}", fmt_num(x)));
                        }
                        Ok(Some(x))
                    } else {
                        Ok(e.constant_value())
                    }
                }
                Value::Text(s) => s
                    .unescaped()
                    .trim()
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| format!("{s:?} is not a number")),
                Value::Constant(name) => self
                    .rules
                    .constant(name)
                    .and_then(|c| match &c.value {
                        super::dqdl::ConstantValue::Text(s) => s.unescaped().parse().ok(),
                        _ => None,
                    })
                    .map(Some)
                    .ok_or_else(|| format!("Variable not found: {name}")),
                Value::Duration(d) => Ok(Some(d.seconds() as f64 / 3600.0)),
                Value::Size(s) => Ok(Some(s.bytes() as f64)),
                other => Err(format!("{other:?} is not a number")),
            }
        };
        let ok = match cond {
            Condition::Compare { op, value } => {
                let x = num(value)?;
                match (v, x) {
                    (None, None) => *op == CompareOp::Eq,
                    (Some(_), None) => *op == CompareOp::Ne,
                    (None, Some(_)) => *op == CompareOp::Ne,
                    (Some(v), Some(x)) => match op {
                        CompareOp::Eq => v == x,
                        CompareOp::Ne => v != x,
                        CompareOp::Gt => v > x,
                        CompareOp::Ge => v >= x,
                        CompareOp::Lt => v < x,
                        CompareOp::Le => v <= x,
                    },
                }
            }
            Condition::Between { negated, low, high } => {
                let (lo, hi) = (num(low)?, num(high)?);
                match (v, lo, hi) {
                    (Some(v), Some(lo), Some(hi)) => {
                        let inside = lo < v && v < hi;
                        if *negated { !inside } else { inside }
                    }
                    _ => false,
                }
            }
            Condition::In { negated, list } => {
                let items = self
                    .rules
                    .list_items(list)
                    .ok_or_else(|| "Variable not found for the list".to_string())?;
                let mut found = false;
                for it in items {
                    let x = num(it)?;
                    if x == v || matches!((x, v), (Some(a), Some(b)) if a == b) {
                        found = true;
                    }
                }
                if *negated { !found } else { found }
            }
            Condition::Matches { .. } => {
                return Err("matches applies to text values, not to a number".into());
            }
        };
        Ok((ok, (!notes.is_empty()).then(|| notes.join("; "))))
    }

    // ----- row predicates -----------------------------------------------------------

    /// The per-row pass expression of a condition on `e` (of type `dt`), with the null
    /// behaviour of the reference (§4.8): nulls fail, except for `!=` and `not in`.
    fn row_predicate(
        &self,
        rule: &Rule,
        e: Expr,
        dt: &DataType,
        cond: &Condition,
    ) -> Result<Expr, String> {
        let hist = self.opts.history.values(&rule.to_string());
        let lits = |vals: &[&Value]| -> Result<Vec<Lit>, String> {
            vals.iter().map(|v| self.lit_of(v, &hist)).collect()
        };
        let domain = |ls: &[Lit]| Domain::pick(dt, ls);
        Ok(match cond {
            Condition::Compare { op, value } => {
                let ls = lits(&[value])?;
                match &ls[0] {
                    Lit::Null => match op {
                        CompareOp::Eq => e.is_null(),
                        CompareOp::Ne => e.is_not_null(),
                        _ => return Err("NULL can only be compared with = or !=".into()),
                    },
                    Lit::Empty | Lit::Ws => {
                        let m = special(&e, &ls[0]);
                        match op {
                            CompareOp::Eq => m,
                            CompareOp::Ne => m.not().or(e.is_null()),
                            _ => {
                                return Err(
                                    "EMPTY and WHITESPACES_ONLY can only be compared with = or !="
                                        .into(),
                                );
                            }
                        }
                    }
                    l => {
                        let d = domain(&ls);
                        let (x, y) = (d.column(e.clone()), d.lit(l)?);
                        let c = match op {
                            CompareOp::Eq => x.eq(y),
                            CompareOp::Ne => x.neq(y),
                            CompareOp::Gt => x.gt(y),
                            CompareOp::Ge => x.gt_eq(y),
                            CompareOp::Lt => x.lt(y),
                            CompareOp::Le => x.lt_eq(y),
                        };
                        if *op == CompareOp::Ne {
                            e.is_null().or(c.fill_null(lit(true)))
                        } else {
                            e.is_not_null().and(c.fill_null(lit(false)))
                        }
                    }
                }
            }
            Condition::Between { negated, low, high } => {
                let ls = lits(&[low, high])?;
                let d = domain(&ls);
                let x = d.column(e.clone());
                let (lo, hi) = (d.lit(&ls[0])?, d.lit(&ls[1])?);
                let inside = x.clone().gt(lo.clone()).and(x.clone().lt(hi.clone()));
                let c = if *negated {
                    x.clone().lt_eq(lo).or(x.gt_eq(hi))
                } else {
                    inside
                };
                e.is_not_null().and(c.fill_null(lit(false)))
            }
            Condition::In { negated, list } => {
                let items = self
                    .rules
                    .list_items(list)
                    .ok_or_else(|| "Variable not found for the list".to_string())?;
                let refs: Vec<&Value> = items.iter().collect();
                let ls = lits(&refs)?;
                let plain: Vec<Lit> = ls
                    .iter()
                    .filter(|l| !matches!(l, Lit::Null | Lit::Empty | Lit::Ws))
                    .cloned()
                    .collect();
                let d = domain(&plain);
                let x = d.column(e.clone());
                let mut member = lit(false);
                for l in &plain {
                    member = member.or(x.clone().eq(d.lit(l)?).fill_null(lit(false)));
                }
                let has_null = ls.iter().any(|l| matches!(l, Lit::Null));
                for l in ls.iter().filter(|l| matches!(l, Lit::Empty | Lit::Ws)) {
                    member = member.or(special(&e, l));
                }
                if *negated {
                    let base = e.clone().is_null().or(member.not());
                    if has_null {
                        base.and(e.is_not_null())
                    } else {
                        base
                    }
                } else {
                    let base = e.clone().is_not_null().and(member);
                    if has_null { base.or(e.is_null()) } else { base }
                }
            }
            Condition::Matches { negated, pattern } => {
                let p = regex_text(pattern.raw());
                regex::Regex::new(&p).map_err(|err| format!("bad regex {p:?}: {err}"))?;
                let text = e.clone().cast(DataType::String);
                let m = text
                    .str()
                    .contains(lit(format!("^(?:{p})$")), true)
                    .fill_null(lit(false));
                let m = if *negated { m.not() } else { m };
                e.is_not_null().and(m)
            }
        })
    }

    fn lit_of(&self, v: &Value, hist: &[f64]) -> Result<Lit, String> {
        Ok(match v {
            Value::Null => Lit::Null,
            Value::Empty => Lit::Empty,
            Value::WhitespacesOnly => Lit::Ws,
            Value::Number(e) => match eval_num(e, hist)? {
                Num::One(x) => Lit::Num(x),
                Num::List(_) => return Err("a list where one number is expected".into()),
            },
            Value::Text(s) => Lit::Text(s.unescaped()),
            Value::Constant(name) => match self.rules.constant(name).map(|c| &c.value) {
                Some(super::dqdl::ConstantValue::Text(s)) => Lit::Text(s.unescaped()),
                _ => return Err(format!("Variable not found: {name}")),
            },
            Value::Date(d) => Lit::Date(self.date_of(d)?),
            Value::Duration(d) => Lit::Num(d.seconds() as f64 / 3600.0),
            Value::Size(s) => Lit::Num(s.bytes() as f64),
        })
    }

    fn date_of(&self, d: &DateExpr) -> Result<NaiveDateTime, String> {
        let now = self.opts.now;
        Ok(match d {
            DateExpr::Now => now,
            DateExpr::NowOffset { sign, amount, unit } => {
                let secs = (*amount as i64).saturating_mul(unit.seconds() as i64);
                let delta = chrono::TimeDelta::seconds(secs);
                match sign {
                    Sign::Plus => now + delta,
                    Sign::Minus => now - delta,
                }
            }
            DateExpr::Date(s) => {
                parse_date_text(s).ok_or_else(|| format!("{s:?} is not a date"))?
            }
            DateExpr::Time(s) => {
                let t = chrono::NaiveTime::parse_from_str(s, "%H:%M")
                    .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%I:%M %p"))
                    .map_err(|_| format!("{s:?} is not a time"))?;
                now.date().and_time(t)
            }
        })
    }

    /// ColumnDataType's per-row test: does the value convert to the named type?
    fn data_type_predicate(
        &self,
        c: &str,
        dt: &DataType,
        cond: &Condition,
    ) -> Result<Expr, String> {
        use crate::transform::columns::{CastType, cast_expr};
        let (negated, names): (bool, Vec<String>) = match cond {
            Condition::Compare {
                op,
                value: Value::Text(s),
            } if matches!(op, CompareOp::Eq | CompareOp::Ne) => {
                (*op == CompareOp::Ne, vec![s.unescaped()])
            }
            Condition::In { negated, list } => {
                let items = self
                    .rules
                    .list_items(list)
                    .ok_or("Variable not found for the list")?;
                let mut v = Vec::new();
                for it in items {
                    match it {
                        Value::Text(s) => v.push(s.unescaped()),
                        other => {
                            return Err(format!("ColumnDataType takes type names, not {other:?}"));
                        }
                    }
                }
                (*negated, v)
            }
            _ => {
                return Err(
                    "ColumnDataType takes = \"TYPE\", != \"TYPE\" or in [\"TYPE\", …]".into(),
                );
            }
        };
        let mut any = lit(false);
        for name in &names {
            let target = match name.to_ascii_lowercase().as_str() {
                "integer" | "int" | "long" | "short" | "byte" => CastType::Int,
                "double" | "float" | "decimal" => CastType::Float,
                "boolean" | "bool" => CastType::Bool,
                "date" => CastType::Date,
                "timestamp" | "datetime" => CastType::Datetime,
                "string" => CastType::String,
                _ if name.to_ascii_lowercase().starts_with("decimal(") => CastType::Float,
                other => {
                    return Err(format!(
                        "Unrecognized data type {other:?}: use Boolean, Date, Timestamp, Integer, Long, Double, Float or String"
                    ));
                }
            };
            let converts = if target == CastType::String {
                col(c).is_not_null()
            } else if *dt == DataType::String {
                cast_expr(col(c), dt, target, None).is_not_null()
            } else {
                let same = match target {
                    CastType::Int => dt.is_integer(),
                    CastType::Float => dt.is_primitive_numeric(),
                    CastType::Bool => *dt == DataType::Boolean,
                    CastType::Date => *dt == DataType::Date,
                    CastType::Datetime => matches!(dt, DataType::Datetime(_, _)),
                    CastType::String => true,
                };
                col(c).is_not_null().and(lit(same))
            };
            any = any.or(converts);
        }
        Ok(if negated {
            col(c).is_not_null().and(any.not())
        } else {
            any
        })
    }

    // ----- rules with their own queries ---------------------------------------------

    fn scalar(&self, lf: LazyFrame) -> Result<Option<f64>, String> {
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

    fn custom_sql(&self, rule: &Rule, params: &[String]) -> LeafResult {
        let sql = params.first().cloned().unwrap_or_default();
        // Only the tables wort names: the data and the references from --ref.
        let mut tables = vec!["primary"];
        tables.extend(self.opts.references.keys().map(String::as_str));
        if let Err(r) = crate::guard::sql::check_query(&sql, Some(&tables)) {
            return LeafResult::error(format!("CustomSql is refused: {r}"));
        }
        let mut ctx = polars::sql::SQLContext::new();
        ctx.register("primary", self.lf.clone());
        for (name, lf) in &self.opts.references {
            ctx.register(name, lf.clone());
        }
        let out = match ctx.execute(&sql) {
            Ok(lf) => lf,
            Err(e) => {
                return LeafResult::error(format!("CustomSql {sql:?}: {}", clean_polars_error(&e)));
            }
        };
        if rule.condition.is_some() {
            return match self.scalar(out) {
                Ok(Some(v)) => self.judge_value(rule, v, "Dataset.*.CustomSQL"),
                Ok(None) => LeafResult::failed(
                    "Value: NULL does not meet the constraint requirement: the SQL returned null",
                ),
                Err(m) => LeafResult::error(format!("CustomSql {sql:?}: {m}")),
            };
        }
        // Row form: the rows the query returns pass; matched back on the selected columns.
        let mut out = out;
        let cols: Vec<String> = match out.collect_schema() {
            Ok(s) => s.iter_names().map(|n| n.to_string()).collect(),
            Err(e) => {
                return LeafResult::error(format!("CustomSql {sql:?}: {}", clean_polars_error(&e)));
            }
        };
        if let Some(bad) = cols.iter().find(|c| !self.schema.contains(c)) {
            return LeafResult::error(format!(
                "CustomSql {sql:?}: the row form must select columns of primary, but {bad:?} is not one"
            ));
        }
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

    fn reference(&self, alias: &str) -> Result<LazyFrame, String> {
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

    fn reference_rule(&self, rule: &Rule, params: &[String]) -> LeafResult {
        match self.try_reference_rule(rule, params) {
            Ok(r) => r,
            Err(m) => LeafResult::error(m),
        }
    }

    fn try_reference_rule(&self, rule: &Rule, params: &[String]) -> Result<LeafResult, String> {
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
    fn aggregate(&self, text: &str) -> Result<f64, String> {
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

    fn detect_anomalies(&self, rule: &Rule, params: &[String]) -> LeafResult {
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
        let hist = self.opts.history.values(&rule.to_string());
        let metrics = BTreeMap::from([(metric_name, v)]);
        const NEEDED: usize = 3;
        let mut r = if hist.len() < NEEDED {
            LeafResult::judged(
                true,
                Some(format!(
                    "not judged: anomaly detection needs {NEEDED} earlier runs of this rule and the history has {} (record runs with --record)",
                    hist.len()
                )),
                metrics,
            )
        } else {
            let n = hist.len() as f64;
            let mean = hist.iter().sum::<f64>() / n;
            let sd = (hist.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            let (lo, hi) = (mean - 3.0 * sd, mean + 3.0 * sd);
            let ok = v >= lo && v <= hi;
            LeafResult::judged(
                ok,
                Some(format!(
                    "{} {} the expected range [{}, {}] (mean ± 3 standard deviations of the last {} runs)",
                    fmt_num(v),
                    if ok { "is within" } else { "is outside" },
                    fmt_num(lo),
                    fmt_num(hi),
                    hist.len()
                )),
                metrics,
            )
        };
        r.history_value = Some(v);
        r
    }

    // ----- analyzers --------------------------------------------------------------

    fn plan_analyzer(
        &self,
        a: &super::dqdl::Analyzer,
        b: &mut Batch,
    ) -> Result<Vec<(String, String)>, String> {
        use RuleType as T;
        let mut rule = Rule::new(a.rule_type);
        rule.params = a.params.clone();
        let params = self.params(&rule)?;
        let all_columns = params.first().map(|p| p == "AllColumns").unwrap_or(false);
        let mut out = Vec::new();
        match a.rule_type {
            T::AllStatistics => {
                out.push(("Dataset.*.RowCount".into(), b.add(len())));
                out.push((
                    "Dataset.*.ColumnCount".into(),
                    b.add(lit(self.schema.len() as f64)),
                ));
                let cols: Vec<String> = if all_columns {
                    self.schema.iter_names().map(|n| n.to_string()).collect()
                } else {
                    params.clone()
                };
                for c in cols {
                    let dt = self.column(&c)?;
                    let e = col(c.as_str());
                    out.push((
                        format!("Column.{c}.Completeness"),
                        b.add(e.clone().is_not_null().cast(DataType::Float64).mean()),
                    ));
                    let nn = e.clone().drop_nulls();
                    out.push((
                        format!("Column.{c}.Uniqueness"),
                        b.add(
                            nn.clone().is_unique().cast(DataType::Float64).sum()
                                / nn.clone().len().cast(DataType::Float64),
                        ),
                    ));
                    if dt.is_primitive_numeric() {
                        let v = e.cast(DataType::Float64);
                        out.push((format!("Column.{c}.Minimum"), b.add(v.clone().min())));
                        out.push((format!("Column.{c}.Maximum"), b.add(v.clone().max())));
                        out.push((format!("Column.{c}.Mean"), b.add(v.clone().mean())));
                        out.push((
                            format!("Column.{c}.StandardDeviation"),
                            b.add(v.clone().std(0)),
                        ));
                        out.push((format!("Column.{c}.Sum"), b.add(v.sum())));
                        let counts = nn.unique_counts().cast(DataType::Float64);
                        let p = counts.clone() / counts.sum();
                        out.push((
                            format!("Column.{c}.Entropy"),
                            b.add(-(p.clone() * p.log(lit(std::f64::consts::E))).sum()),
                        ));
                    } else if dt == DataType::String {
                        let l = e.str().len_chars();
                        out.push((format!("Column.{c}.MinimumLength"), b.add(l.clone().min())));
                        out.push((format!("Column.{c}.MaximumLength"), b.add(l.max())));
                    }
                }
                Ok(out)
            }
            T::Distribution => {
                Err("Distribution: use wort profile for histograms and top values".into())
            }
            _ => match self.try_plan(&rule, b) {
                Ok(Plan::Metric {
                    key,
                    metric_name,
                    extra,
                    ..
                }) => {
                    out.push((metric_name, key));
                    out.extend(extra);
                    Ok(out)
                }
                Ok(Plan::Rows { extra, .. }) if !extra.is_empty() => Ok(extra),
                Ok(Plan::Exact { ratios, .. }) => Ok(ratios),
                Ok(Plan::Done(r)) => {
                    for (k, v) in r.metrics {
                        out.push((k, b.add(lit(v))));
                    }
                    match r.message {
                        Some(m) if r.outcome == Outcome::Error => Err(m),
                        _ => Ok(out),
                    }
                }
                Ok(Plan::Rows { .. }) => Err(format!(
                    "{}: the analyzer form needs a condition-free metric",
                    a.rule_type
                )),
                Err(PlanError::Fail(m) | PlanError::Error(m)) => Err(m),
            },
        }
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

/// A resolved literal of a row-level condition.
#[derive(Debug, Clone)]
enum Lit {
    Num(f64),
    Text(String),
    Date(NaiveDateTime),
    Null,
    Empty,
    Ws,
}

/// The domain a row condition compares in, from the column type and the literals.
enum Domain {
    Num,
    Text,
    Date,
    Datetime,
    Bool,
}

impl Domain {
    fn pick(dt: &DataType, lits: &[Lit]) -> Domain {
        let all_num = !lits.is_empty() && lits.iter().all(|l| matches!(l, Lit::Num(_)));
        let any_date = lits.iter().any(|l| matches!(l, Lit::Date(_)));
        match dt {
            d if d.is_primitive_numeric() => Domain::Num,
            DataType::Date => Domain::Date,
            DataType::Datetime(_, _) => Domain::Datetime,
            DataType::Boolean => Domain::Bool,
            DataType::String if all_num => Domain::Num,
            DataType::String if any_date => Domain::Datetime,
            _ => Domain::Text,
        }
    }

    fn column(&self, e: Expr) -> Expr {
        match self {
            Domain::Num => e.cast(DataType::Float64),
            Domain::Text => e.cast(DataType::String),
            Domain::Date => e.cast(DataType::Date),
            Domain::Datetime => e.cast(DataType::Datetime(TimeUnit::Microseconds, None)),
            Domain::Bool => e,
        }
    }

    fn lit(&self, l: &Lit) -> Result<Expr, String> {
        Ok(match (self, l) {
            (Domain::Num, Lit::Num(x)) => lit(*x),
            (Domain::Num, Lit::Text(s)) => lit(s
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("{s:?} is not a number, and the column is numeric"))?),
            (Domain::Text, Lit::Text(s)) => lit(s.clone()),
            (Domain::Text, Lit::Num(x)) => lit(fmt_num(*x)),
            (Domain::Text, Lit::Date(d)) => lit(d.to_string()),
            (Domain::Date, Lit::Date(d)) => lit(d.date()),
            (Domain::Date, Lit::Text(s)) => lit(parse_date_text(s)
                .ok_or_else(|| format!("{s:?} is not a date"))?
                .date()),
            (Domain::Datetime, Lit::Date(d)) => lit(*d),
            (Domain::Datetime, Lit::Text(s)) => {
                lit(parse_date_text(s).ok_or_else(|| format!("{s:?} is not a date"))?)
            }
            (Domain::Bool, Lit::Text(s)) => match s.to_ascii_lowercase().as_str() {
                "true" => lit(true),
                "false" => lit(false),
                _ => return Err(format!("{s:?} is not true or false")),
            },
            (Domain::Bool, Lit::Num(x)) => lit(*x != 0.0),
            (_, other) => return Err(format!("{other:?} does not compare with this column")),
        })
    }
}

/// `e = ""` (EMPTY) or "non-empty and only whitespace" (WHITESPACES_ONLY).
fn special(e: &Expr, l: &Lit) -> Expr {
    let t = e.clone().cast(DataType::String);
    match l {
        Lit::Empty => t.eq(lit("")).fill_null(lit(false)),
        _ => t
            .clone()
            .str()
            .len_chars()
            .gt(lit(0u32))
            .and(t.str().strip_chars(lit(NULL)).eq(lit("")))
            .fill_null(lit(false)),
    }
}

fn parse_date_text(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in crate::source::infer::DATETIME_FORMATS {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    for f in crate::source::infer::DATE_FORMATS {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

/// Evaluate a numeric expression; `hist` holds this rule's earlier metrics, most
/// recent first.
fn eval_num(e: &NumExpr, hist: &[f64]) -> Result<Num, String> {
    Ok(match e {
        NumExpr::Number(n) => Num::One(n.value()),
        NumExpr::Paren(e) => eval_num(e, hist)?,
        NumExpr::Binary { op, left, right } => {
            match (eval_num(left, hist)?, eval_num(right, hist)?) {
                (Num::One(a), Num::One(b)) => Num::One(op.apply(a, b)),
                _ => {
                    return Err(
                        "arithmetic on a list: reduce last(k) with avg, min, max… first".into(),
                    );
                }
            }
        }
        NumExpr::Call { name, args } => {
            let lname = name.to_ascii_lowercase();
            if lname == "last" {
                let k = match args.first() {
                    None => 1,
                    Some(a) => match eval_num(a, hist)? {
                        Num::One(k) if k >= 1.0 => k as usize,
                        _ => return Err("last(k) needs k >= 1".into()),
                    },
                };
                // No history reads as 0 (reference §3.7).
                let vals: Vec<f64> = if hist.is_empty() {
                    vec![0.0]
                } else {
                    hist.iter().take(k).copied().collect()
                };
                return Ok(if args.is_empty() {
                    Num::One(vals[0])
                } else {
                    Num::List(vals)
                });
            }
            let list = |a: &NumExpr| -> Result<Vec<f64>, String> {
                Ok(match eval_num(a, hist)? {
                    Num::One(x) => vec![x],
                    Num::List(v) => v,
                })
            };
            if lname == "index" {
                let v = list(args.first().ok_or("index(list, i) needs two arguments")?)?;
                let i = match eval_num(
                    args.get(1).ok_or("index(list, i) needs two arguments")?,
                    hist,
                )? {
                    Num::One(i) => i as usize,
                    Num::List(_) => return Err("index(list, i): i must be a number".into()),
                };
                return v.get(i).map(|x| Num::One(*x)).ok_or_else(|| {
                    format!(
                        "index {i} is out of range: the history has {} values",
                        v.len()
                    )
                });
            }
            let mut v = Vec::new();
            for a in args {
                v.extend(list(a)?);
            }
            if v.is_empty() {
                return Err(format!("{name}() needs values"));
            }
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            Num::One(match lname.as_str() {
                "avg" | "average" | "mean" => mean,
                "sum" => v.iter().sum(),
                "min" => v.iter().cloned().fold(f64::INFINITY, f64::min),
                "max" => v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                "median" => {
                    let mut s = v.clone();
                    s.sort_by(|a, b| a.total_cmp(b));
                    let m = s.len() / 2;
                    if s.len() % 2 == 0 {
                        (s[m - 1] + s[m]) / 2.0
                    } else {
                        s[m]
                    }
                }
                "std" | "stdev" | "stddev" => {
                    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt()
                }
                "abs" if v.len() == 1 => v[0].abs(),
                other => {
                    return Err(format!(
                        "unknown function {other}(): use avg, median, min, max, sum, std, abs or index"
                    ));
                }
            })
        }
    })
}

/// The largest k of any `last(k)` in `e`.
fn max_last(e: &NumExpr) -> usize {
    match e {
        NumExpr::Number(_) => 0,
        NumExpr::Paren(e) => max_last(e),
        NumExpr::Binary { left, right, .. } => max_last(left).max(max_last(right)),
        NumExpr::Call { name, args } => {
            let own = if name.eq_ignore_ascii_case("last") {
                args.first()
                    .and_then(|a| a.constant_value())
                    .map(|k| k as usize)
                    .unwrap_or(1)
            } else {
                0
            };
            args.iter().map(max_last).fold(own, usize::max)
        }
    }
}

/// A regex or SQL string as written between quotes: only `\"` is decoded, so
/// `"\d+"` is the regex `\d+` (Glue reads patterns the same way).
fn regex_text(raw: &str) -> String {
    raw.replace("\\\"", "\"")
}

fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

fn agg_column(text: &str) -> String {
    text.split_once('(')
        .map(|(_, r)| r.trim_end_matches(')').trim().to_string())
        .unwrap_or_else(|| text.to_string())
}

/// `reference.col` or `reference.{a,b}` → (alias, columns).
fn split_reference(text: &str) -> Result<(String, Vec<String>), String> {
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
fn mappings(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .map(|m| match m.split_once("->") {
            Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
            None => (m.trim().to_string(), m.trim().to_string()),
        })
        .collect()
}

fn any_to_json(v: &AnyValue) -> serde_json::Value {
    match v {
        AnyValue::Null => serde_json::Value::Null,
        AnyValue::Boolean(b) => serde_json::Value::Bool(*b),
        AnyValue::String(s) => serde_json::Value::String(s.to_string()),
        AnyValue::StringOwned(s) => serde_json::Value::String(s.to_string()),
        v if v.dtype().is_integer() => v
            .extract::<i64>()
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::Null),
        v if v.dtype().is_float() => v
            .extract::<f64>()
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        other => serde_json::Value::String(other.to_string()),
    }
}

/// Every row that fails at least one row-level rule, with its 1-based row number
/// (`row`) and the failed rules (`failed_rules`, e.g. "Rule_2; Rule_5"), for
/// `wort check --failures FILE`. Rows outside a rule's `where` never fail it.
pub fn failing_rows_frame(
    rules: &Ruleset,
    lf: LazyFrame,
    opts: &EvalOptions,
) -> Result<LazyFrame, EvalError> {
    let cx = Cx::new(rules, lf, opts)?;
    let lf = &cx.lf;
    let mut flags = Vec::new();
    for (i, entry) in rules.rules.items.iter().enumerate() {
        let mut fail: Option<Expr> = None;
        for rule in entry.rule.leaves() {
            if let Some(pass) = cx.row_expr_for(rule) {
                let f = pass.not();
                fail = Some(match fail {
                    None => f,
                    Some(prev) => prev.or(f),
                });
            }
        }
        if let Some(f) = fail {
            flags.push(
                when(f)
                    .then(lit(format!("Rule_{}", i + 1)))
                    .otherwise(lit(NULL).cast(DataType::String)),
            );
        }
    }
    let failed = if flags.is_empty() {
        lit(NULL).cast(DataType::String)
    } else {
        concat_str(flags, "; ", true)
    };
    Ok(lf
        .clone()
        .with_row_index("row", Some(1))
        .with_column(failed.alias("failed_rules"))
        .filter(
            col("failed_rules")
                .is_not_null()
                .and(col("failed_rules").neq(lit(""))),
        ))
}
