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
mod plan;
mod queries;
mod rows;

use failing::any_to_json;
pub use failing::failing_rows_frame;
pub use rows::{RowCheck, RowChecks, row_checks};

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

/// The most metrics computed by one query over the data (see [`evaluate`]): a ruleset
/// of a few hundred rules is still one pass over the file.
const METRICS_PER_QUERY: usize = 2_000;

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

    // One query for every metric; past METRICS_PER_QUERY metrics, one query per that
    // many (planning a query grows faster than its number of expressions: 22,000
    // metrics in one query took minutes on a 50-row file, in chunks seconds).
    let mut values = DataFrame::empty();
    for exprs in batch.exprs.chunks(METRICS_PER_QUERY) {
        let part = lf
            .clone()
            .select(exprs)
            .collect_with_engine(cx.engine)
            .map(|r| r.unwrap_single())
            // Should the streaming engine refuse an expression, the in-memory one answers.
            .or_else(|_| lf.clone().select(exprs).collect())
            .map_err(|e| err(clean_polars_error(&e)))?;
        values = if values.width() == 0 {
            part
        } else {
            values
                .hstack(part.columns())
                .map_err(|e| err(clean_polars_error(&e)))?
        };
    }
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
    /// The engine for the queries over `lf`.
    engine: Engine,
}

impl<'a> Cx<'a> {
    /// The context for evaluating `rules` on `lf` (its schema resolved once).
    fn new(rules: &'a Ruleset, lf: LazyFrame, opts: &'a EvalOptions) -> Result<Self, EvalError> {
        // Streamed over a file; a frame already in memory (a sample) goes to the
        // in-memory engine: the streaming graph of thousands of rule expressions over
        // thousands of columns costs seconds where the in-memory engine takes
        // milliseconds (a 3,000-column file: 22,000 metrics in 1.2 s against minutes).
        let engine = if matches!(lf.logical_plan, DslPlan::DataFrameScan { .. }) {
            Engine::InMemory
        } else {
            Engine::Streaming
        };
        let mut lf = lf;
        let schema = schema_of(&mut lf, opts)?;
        Ok(Cx {
            rules,
            schema,
            opts,
            lf,
            engine,
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
        let p = PlanCx::new(self, rule, b)?;
        // One family file per kind of rule (eval/plan/), each holding its plans.
        match rule.rule_type {
            T::RowCount
            | T::ColumnCount
            | T::ColumnExists
            | T::ColumnNamesMatchPattern
            | T::DuplicateRowCount => plan::dataset::plan(self, &p, rule, b),
            T::Completeness | T::IsComplete => plan::completeness::plan(self, &p, rule, b),
            T::Uniqueness
            | T::IsUnique
            | T::IsPrimaryKey
            | T::UniqueValueRatio
            | T::DistinctValuesCount
            | T::Entropy => plan::uniqueness::plan(self, &p, rule, b),
            T::Mean
            | T::Sum
            | T::StandardDeviation
            | T::Variance
            | T::ColumnCorrelation
            | T::ZerosCount
            | T::Range
            | T::InterquartileRange
            | T::Skewness
            | T::Kurtosis => plan::statistics::plan(self, &p, rule, b),
            T::ColumnLength | T::ColumnValues | T::ColumnDataType => {
                plan::values::plan(self, &p, rule, b)
            }
            T::DataFreshness => plan::freshness::plan(self, &p, rule, b),
            T::CustomSql
            | T::RowCountMatch
            | T::DatasetMatch
            | T::ReferentialIntegrity
            | T::AggregateMatch
            | T::SchemaMatch
            | T::DetectAnomalies => plan::queries::plan(self, &p, rule, b),
            other => Err(PlanError::Error(format!(
                "{other} checks files on S3 or is an analyzer; wort check evaluates it only in Analyzers or not at all"
            ))),
        }
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
                .collect_with_engine(self.engine)
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

/// What every rule's plan starts from: its `where` mask, the rows it considers, its
/// parameters resolved.
struct PlanCx {
    /// The `where` mask (null counts as false), if any.
    mask: Option<Expr>,
    /// The mask, or all rows.
    w: Expr,
    /// The batch key of the count of rows considered.
    rows: String,
    params: Vec<String>,
}

impl PlanCx {
    fn new(cx: &Cx, rule: &Rule, b: &mut Batch) -> Result<PlanCx, PlanError> {
        let mask = cx.mask(rule).map_err(PlanError::Error)?;
        let w = mask.clone().unwrap_or_else(|| cx.all_rows());
        let rows = b.add(rows_in(&mask));
        let params = cx.params(rule).map_err(PlanError::Error)?;
        Ok(PlanCx {
            mask,
            w,
            rows,
            params,
        })
    }

    /// The first parameter as a column of the data, with its type.
    fn col1(&self, cx: &Cx) -> Result<(String, DataType), PlanError> {
        let c = self.params.first().cloned().unwrap_or_default();
        let dt = cx.column(&c).map_err(PlanError::Fail)?;
        Ok((c, dt))
    }

    /// A plan judged on one aggregate metric.
    fn metric(&self, b: &mut Batch, e: Expr, name: String) -> Plan {
        Plan::Metric {
            key: b.add(e),
            metric_name: name,
            extra: Vec::new(),
            rows: self.rows.clone(),
        }
    }

    /// `e` over the rows the rule considers.
    fn f(&self, e: Expr) -> Expr {
        e.filter(self.w.clone())
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
