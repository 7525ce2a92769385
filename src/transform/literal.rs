//! Whole-column statistics as literals.
//!
//! A step whose expression needs a statistic of a whole column (a median to fill with,
//! the mean and standard deviation of a z-score...) keeps the entire column in memory
//! when polars evaluates it inside the plan. `wort run` instead computes each statistic
//! in a streaming pass of its own over the plan up to that step (polars reads only the
//! columns the statistic needs), and the step then applies it as a literal, so that the
//! main pass streams. The workbench, on its in-memory sample, keeps the aggregates in
//! the plan; both give the same values because both evaluate the same expression.

use polars::prelude::*;

use super::ApplyCx;

/// Runs one statistics pass: collects a small plan (one row of statistics, or one row
/// per group) with the streaming engine.
pub type StatsPass = dyn Fn(LazyFrame) -> PolarsResult<DataFrame>;

/// Sorts the rows of a plan out of core (`wort run` under `--memory-limit`): the plan
/// up to the sort is run and spilled, and the returned plan reads the sorted rows.
pub type SortPass =
    dyn Fn(LazyFrame, &[PlSmallStr], &SortMultipleOptions) -> PolarsResult<LazyFrame>;

/// Removes rows with a key met before out of core (`wort run` under
/// `--memory-limit`): given the plan so far, the key, and the plan that removes them.
pub type DedupePass = dyn Fn(LazyFrame, Expr, &KeepRows) -> PolarsResult<LazyFrame>;

/// A plan that keeps some rows of the plan it gets (a dedupe's filter).
pub type KeepRows<'k> = dyn Fn(LazyFrame) -> LazyFrame + 'k;

/// The counter of the passes quantiles found out of core took.
const OUT_OF_CORE: &str =
    "passes over the data to find a median or quantile too large for --memory-limit";

/// The hidden column a group-wise statistic is joined in as.
const GROUP_STAT: &str = "__wort_group_stat";

impl ApplyCx<'_> {
    /// Whether statistics are computed ahead and applied as literals.
    pub fn literal_statistics(&self) -> bool {
        self.stats_pass.is_some()
    }

    /// `lf` sorted by `by`: out of core when a sort pass is set, else in the plan.
    pub fn sort(
        &self,
        lf: LazyFrame,
        by: Vec<PlSmallStr>,
        opts: SortMultipleOptions,
    ) -> PolarsResult<LazyFrame> {
        match self.sort_pass {
            Some(pass) => pass(lf, &by, &opts),
            None => Ok(lf.sort(by, opts)),
        }
    }

    /// `keep` (a plan removing the rows whose `key` was met before) applied to `lf`:
    /// out of core when a dedupe pass is set.
    pub fn dedupe(&self, lf: LazyFrame, key: Expr, keep: &KeepRows) -> PolarsResult<LazyFrame> {
        match self.dedupe_pass {
            Some(pass) => pass(lf, key, keep),
            None => Ok(keep(lf)),
        }
    }

    /// `stats` (aggregate expressions over `lf`), as literals when a statistics pass is
    /// set, unchanged otherwise.
    pub fn statistics(&self, lf: &LazyFrame, stats: Vec<Expr>) -> PolarsResult<Vec<Expr>> {
        let Some(pass) = self.stats_pass else {
            return Ok(stats);
        };
        let stats = match self.quantile_budget {
            Some(budget) => {
                let mut passes = 0;
                let mut out = Vec::with_capacity(stats.len());
                for stat in stats {
                    let (stat, n) = super::quantile::out_of_core(stat, lf, pass, budget)?;
                    passes += n;
                    out.push(stat);
                }
                if passes > 0
                    && let Some(c) = self.counter(OUT_OF_CORE)
                {
                    c.set(c.get() + passes);
                }
                out
            }
            None => stats,
        };
        let names: Vec<String> = (0..stats.len())
            .map(|i| format!("__wort_stat_{i}"))
            .collect();
        let exprs: Vec<Expr> = stats
            .into_iter()
            .zip(&names)
            .map(|(e, n)| e.alias(n.as_str()))
            .collect();
        let df = pass(lf.clone().select(exprs))?;
        names
            .iter()
            .map(|n| {
                let c = df.column(n)?;
                polars_ensure!(c.len() == 1, ComputeError: "a statistic gave {} values instead of one", c.len());
                let value = c.get(0)?.into_static();
                Ok(lit(Scalar::new(c.dtype().clone(), value)))
            })
            .collect()
    }

    /// One statistic, as [`ApplyCx::statistics`].
    pub fn statistic(&self, lf: &LazyFrame, stat: Expr) -> PolarsResult<Expr> {
        Ok(self.statistics(lf, vec![stat])?.remove(0))
    }

    /// `stat` (an aggregate) within each group of rows with the same values in `keys`
    /// (missing keys form a group of their own). With a statistics pass, the groups'
    /// values are computed ahead and joined in as a hidden column, which
    /// [`drop_group_statistic`] removes once the step has used it; otherwise a window
    /// expression.
    pub fn group_statistic(
        &self,
        lf: LazyFrame,
        stat: Expr,
        keys: &[String],
    ) -> PolarsResult<(LazyFrame, Expr)> {
        let key_exprs: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
        let Some(pass) = self.stats_pass else {
            return Ok((lf, stat.over(key_exprs)?));
        };
        let table = pass(
            lf.clone()
                .group_by(key_exprs.clone())
                .agg([stat.alias(GROUP_STAT)]),
        )?;
        let args = JoinArgs {
            how: JoinType::Left,
            nulls_equal: true,
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        };
        let joined = lf.join(table.lazy(), key_exprs.clone(), key_exprs, args);
        Ok((joined, col(GROUP_STAT)))
    }
}

/// Remove the hidden column [`ApplyCx::group_statistic`] may have joined in.
pub fn drop_group_statistic(lf: LazyFrame, cx: &ApplyCx) -> LazyFrame {
    if cx.literal_statistics() {
        lf.drop(by_name([GROUP_STAT], true, false))
    } else {
        lf
    }
}
