//! `wort run --quarantine BAD`: the rows that fail a row-level rule go to BAD with the
//! rules they failed, the others to the output; both from one pass over the data.

use polars::prelude::*;

use crate::quality::{EvalOptions, RowChecks, dqdl::Ruleset, row_checks};
use crate::source::WriteError;
use crate::source::write::{Layout, Staged, write_staged_many};
use crate::util::{clean_polars_error, thousands};

/// The column BAD gets: the failed rules' text, joined with "; ".
pub const COLUMN: &str = "wort_failed_rules";

/// What the split wrote.
pub struct Split {
    /// Rows written to the output.
    pub good: u64,
    /// Rows written to quarantine.
    pub bad: u64,
    /// Each row-level rule's text and how many rows failed it, in ruleset order.
    pub failed: Vec<(String, u64)>,
    /// The rules still to judge, on the output's rows.
    pub dataset_level: Ruleset,
}

impl Split {
    /// `quarantine  37 rows failed 2 rules -> bad.csv`, and one line per rule failed.
    pub fn summary(&self, bad: &std::path::Path) -> String {
        let rules = self.failed.iter().filter(|(_, n)| *n > 0).count();
        let mut s = format!(
            "quarantine  {} {} failed {rules} {} -> {}\n",
            thousands(self.bad),
            if self.bad == 1 { "row" } else { "rows" },
            if rules == 1 { "rule" } else { "rules" },
            bad.display()
        );
        for (text, n) in self.failed.iter().filter(|(_, n)| *n > 0) {
            s.push_str(&format!("  {:>9}  {text}\n", thousands(*n)));
        }
        if self.failed.is_empty() {
            s.push_str(
                "  (the rules have no row-level rule: nothing can be quarantined; see README, wort run)\n",
            );
        }
        s
    }
}

/// Split `lf` by the row-level rules of `rules` into `good` and `bad` (staged, not
/// published), computing the failed-rules column once. `verify` checks the input
/// after the write, as for a plain run.
pub fn write_split(
    rules: &Ruleset,
    lf: LazyFrame,
    opts: &EvalOptions,
    good: &Staged,
    bad: &Staged,
    layout: &Layout,
    verify: impl FnOnce() -> Result<(), String>,
) -> Result<Split, WriteError> {
    let polars = |e: PolarsError| WriteError::Polars(clean_polars_error(&e));
    let mut lf = lf;
    let schema = lf.collect_schema().map_err(polars)?;
    if schema.contains(COLUMN) {
        return Err(WriteError::Input(format!(
            "the data already has a column {COLUMN}, which --quarantine adds to the quarantined rows; rename it with a rename step in the recipe"
        )));
    }
    let columns: Vec<Expr> = schema.iter_names().map(|n| col(n.as_str())).collect();
    let row_level = row_checks(rules, lf, opts).map_err(|e| WriteError::Input(e.to_string()))?;
    let dataset_level = row_level.dataset_level(rules);
    let RowChecks {
        lf: checked,
        checks,
    } = row_level;

    // One boolean column per row-level rule (true: the row fails it), the failed rules'
    // text from them, and whether the row failed any.
    let fail_col = |i: usize| format!("__wort_fail{i}");
    let fails: Vec<Expr> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| c.pass.clone().not().alias(fail_col(i)))
        .collect();
    let texts: Vec<Expr> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            when(col(fail_col(i)))
                .then(lit(c.text.clone()))
                .otherwise(lit(NULL).cast(DataType::String))
        })
        .collect();
    let failed_text = if texts.is_empty() {
        lit(NULL).cast(DataType::String)
    } else {
        concat_str(texts, "; ", true)
    };
    let any = (0..checks.len()).fold(lit(false), |a, i| a.or(col(fail_col(i))));
    let marked = checked.with_columns(fails).with_columns([
        any.alias("__wort_fail_any"),
        failed_text.alias("__wort_failed_text"),
    ]);
    let good_lf = marked
        .clone()
        .filter(col("__wort_fail_any").not())
        .select(columns.clone());
    let mut bad_cols = columns;
    bad_cols.push(col("__wort_failed_text").alias(COLUMN));
    let bad_lf = marked
        .clone()
        .filter(col("__wort_fail_any"))
        .select(bad_cols);
    let mut counts = vec![
        len().cast(DataType::UInt64).alias("rows"),
        col("__wort_fail_any")
            .cast(DataType::UInt64)
            .sum()
            .alias("bad"),
    ];
    counts.extend((0..checks.len()).map(|i| {
        col(fail_col(i))
            .cast(DataType::UInt64)
            .sum()
            .alias(format!("r{i}"))
    }));
    let counts_lf = marked.select(counts);

    let frames = write_staged_many(
        vec![(good_lf, good), (bad_lf, bad)],
        vec![counts_lf],
        layout,
        verify,
    )?;
    let df = frames
        .first()
        .ok_or_else(|| WriteError::Polars("the quarantine counts were not computed".into()))?;
    let get = |name: &str| -> u64 {
        df.column(name)
            .ok()
            .and_then(|c| c.get(0).ok())
            .and_then(|v| v.extract::<u64>())
            .unwrap_or(0)
    };
    let (rows, bad_rows) = (get("rows"), get("bad"));
    let failed = checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.text.clone(), get(&format!("r{i}"))))
        .collect();
    Ok(Split {
        good: rows - bad_rows,
        bad: bad_rows,
        failed,
        dataset_level,
    })
}
