//! `recipe::apply`: the one path from steps to a polars plan.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use polars::prelude::*;

use super::{Recipe, Step};
use crate::transform::{ApplyCx, Counter, Kind, clean_polars_error, parse_sql};

/// A step failed to build its plan.
#[derive(Debug, thiserror::Error)]
#[error("step {step} ({op}): {message}")]
pub struct StepError {
    pub step: usize,
    pub op: &'static str,
    pub message: String,
    /// The step failed while reading data (a statistics, sort or dedupe pass of `wort
    /// run` runs the plan before it): `message` is then the reader's error, as a
    /// failed write would give it.
    pub reading: bool,
}

/// One counted quantity of one step, reported in the run summary.
#[derive(Debug, Clone)]
pub struct StepCount {
    pub step: usize,
    pub op: &'static str,
    pub label: String,
    pub counter: Arc<Counter>,
}

/// Counters filled in while a plan runs (values that failed to cast, rows removed...).
#[derive(Debug, Default)]
pub struct RunStats {
    entries: Mutex<Vec<StepCount>>,
}

impl RunStats {
    fn register(&self, step: usize, op: &'static str, label: &str) -> Arc<Counter> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entries.iter().find(|e| e.step == step && e.label == label) {
            return e.counter.clone();
        }
        let counter = Arc::new(Counter::default());
        entries.push(StepCount {
            step,
            op,
            label: label.to_string(),
            counter: counter.clone(),
        });
        counter
    }

    /// Every counter, in step order.
    pub fn counts(&self) -> Vec<StepCount> {
        let mut v = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        v.sort_by_key(|e| e.step);
        v
    }

    /// What each step lost, in step order: rows removed (of the rows it got: `rows_in`
    /// less the rows earlier steps removed, when the input's rows are known) and present
    /// values made missing (of the present values it saw).
    pub fn losses(&self, rows_in: Option<u64>) -> Vec<(usize, &'static str, super::loss::Loss)> {
        let counts = self.counts();
        let mut out = Vec::new();
        let mut rows = rows_in;
        for c in &counts {
            if c.label == "rows removed" {
                let n = c.counter.get();
                if let Some(r) = rows {
                    if n > 0 {
                        out.push((c.step, c.op, super::loss::Loss::rows(n, r)));
                    }
                    rows = Some(r.saturating_sub(n));
                }
                continue;
            }
            let Some(rest) = c.label.strip_prefix(super::loss::PRESENT) else {
                continue;
            };
            let Some((column, label)) = rest.split_once('\t') else {
                continue;
            };
            let lost = counts
                .iter()
                .find(|d| d.step == c.step && d.label == label)
                .map_or(0, |d| d.counter.get());
            if lost > 0 {
                let loss = super::loss::Loss::values(column, lost, c.counter.get());
                out.push((c.step, c.op, loss));
            }
        }
        out
    }

    /// The counters' values, to put back with [`RunStats::restore`].
    fn snapshot(&self) -> Vec<u64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.iter().map(|e| e.counter.get()).collect()
    }

    /// Put back the values of [`RunStats::snapshot`]: a statistics pass runs the
    /// counting steps before it, which must not count its rows.
    fn restore(&self, values: &[u64]) {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (e, v) in entries.iter().zip(values) {
            e.counter.set(*v);
        }
    }

    /// Rows removed by all steps.
    pub fn rows_removed(&self) -> u64 {
        self.counts()
            .iter()
            .filter(|c| c.label == "rows removed")
            .map(|c| c.counter.get())
            .sum()
    }
}

/// Options for [`apply_with`].
#[derive(Default, Clone)]
pub struct ApplyOptions {
    /// Collect per-step counts while the plan runs.
    pub stats: Option<Arc<RunStats>>,
    /// Compute whole-column statistics (medians, means, quantiles...) in streaming
    /// passes ahead of the main one and apply them as literals, so that the main pass
    /// streams (`wort run`); the workbench keeps them as aggregates in the plan.
    pub literal_statistics: bool,
    /// Sort out of core, spilling here (`wort run`); in memory without it.
    pub spill: Option<Arc<super::spill::Spill>>,
    /// With `literal_statistics`: the bytes a median or quantile may hold before it is
    /// found out of core (see [`crate::transform::quantile`]).
    pub quantile_budget: Option<u64>,
}

/// Apply every enabled step of `recipe` to `lf`.
pub fn apply(recipe: &Recipe, lf: LazyFrame) -> Result<LazyFrame, StepError> {
    apply_with(recipe, lf, &ApplyOptions::default())
}

/// Apply one step to `lf` (the workbench applies a recipe a step at a time, each on
/// the frame before it; errors name it as step 1).
pub fn apply_step(step: &Step, lf: LazyFrame) -> Result<LazyFrame, StepError> {
    apply(&Recipe::of_step(step), lf)
}

/// Apply every enabled step of `recipe` to `lf`, with options.
pub fn apply_with(
    recipe: &Recipe,
    mut lf: LazyFrame,
    options: &ApplyOptions,
) -> Result<LazyFrame, StepError> {
    let mut schema = lf.collect_schema().map_err(|e| StepError {
        step: 0,
        op: "input",
        message: clean_polars_error(&e),
        reading: false,
    })?;
    // One pair of arenas for the whole plan: each step's schema is then resolved from
    // the previous step's converted plan, instead of converting the whole growing plan
    // again (`collect_schema` on a fresh LazyFrame does), which made planning quadratic
    // in the number of steps (1,000 derive steps: 31 s in a debug build).
    let (mut lp_arena, mut expr_arena) = (Default::default(), Default::default());
    let run_stats = options.stats.clone();
    // Set when a pass that reads data fails (the error is then the reader's).
    let reading = Arc::new(AtomicBool::new(false));
    let failed = |flag: &Arc<AtomicBool>, e: PolarsError| {
        flag.store(true, Ordering::Relaxed);
        e
    };
    let flag = reading.clone();
    let pass = move |plan: LazyFrame| -> PolarsResult<DataFrame> {
        let saved = run_stats.as_ref().map(|s| s.snapshot());
        let out = plan
            .with_predicate_pushdown(false)
            .collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single());
        if let (Some(s), Some(v)) = (&run_stats, saved) {
            s.restore(&v);
        }
        out.map_err(|e| failed(&flag, e))
    };
    // Out of core only with a spill directory (`wort run`); otherwise the steps sort
    // and dedupe in the plan (`ApplyCx::sort`, `ApplyCx::dedupe`).
    let dedupe_pass = options.spill.clone().map(|spill| {
        let flag = reading.clone();
        move |plan: LazyFrame, key: Expr, keep: &crate::transform::literal::KeepRows| {
            spill.dedupe(plan, key, keep).map_err(|e| failed(&flag, e))
        }
    });
    let sort_pass = options.spill.clone().map(|spill| {
        let flag = reading.clone();
        move |plan: LazyFrame, by: &[PlSmallStr], opts: &SortMultipleOptions| {
            spill.sort(plan, by, opts).map_err(|e| failed(&flag, e))
        }
    });
    for (n, step) in recipe.active_steps() {
        let op = step.op.name();
        let err = |message: String| StepError {
            step: n,
            op,
            message,
            reading: reading.load(Ordering::Relaxed),
        };
        let condition = match &step.condition {
            None => None,
            Some(_) if step.op.kind() == Kind::Structure => {
                return Err(err(format!("\"where\" does not apply to {op}")));
            }
            Some(w) => Some(parse_sql(w).map_err(|m| err(format!("where {w:?}: {m}")))?),
        };
        let stats = options.stats.clone();
        let register = move |label: &str| -> Arc<Counter> {
            match &stats {
                Some(s) => s.register(n, op, label),
                None => Arc::new(Counter::default()),
            }
        };
        let cx = ApplyCx {
            schema: &schema,
            condition,
            counters: if options.stats.is_some() {
                Some(&register)
            } else {
                None
            },
            tables: Some(&recipe.files),
            stats_pass: options
                .literal_statistics
                .then_some(&pass as &crate::transform::literal::StatsPass),
            sort_pass: sort_pass
                .as_ref()
                .map(|f| f as &crate::transform::literal::SortPass),
            dedupe_pass: dedupe_pass
                .as_ref()
                .map(|f| f as &crate::transform::literal::DedupePass),
            quantile_budget: options.quantile_budget,
        };
        lf = step
            .op
            .step()
            .apply(lf, &cx)
            .map_err(|e| err(clean_polars_error(&e)))?;
        schema = lf
            .schema_with_arenas(&mut lp_arena, &mut expr_arena)
            .map_err(|e| err(clean_polars_error(&e)))?;
        // The plan now points into our arenas; a LazyFrame that came with arenas of
        // its own (from a SQL context, or a step's own `collect_schema`) would look
        // the node up in those. A fresh LazyFrame over the same plan has none, and any
        // other conversion sees the arena version differ and converts the plan anew.
        let flags = lf.get_current_optimizations();
        lf = LazyFrame::from_logical_plan(lf.logical_plan, flags);
    }
    // A filter moved before an earlier step would hide from that step's counters the
    // rows it removes: "values filled" would count only the rows a later filter keeps,
    // and disagree with the workbench's preview of the step.
    if options.stats.is_some() {
        lf = lf.with_predicate_pushdown(false);
    }
    Ok(lf)
}
