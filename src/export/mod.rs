//! Recipe -> a PySpark job, a Spark SQL query, DataBrew recipe JSON; and DataBrew
//! recipe JSON -> recipe.
//!
//! Each step translates itself (`StepImpl::pyspark`, `sql`, `databrew` in its family
//! file); this module holds what the translations share and assembles the output:
//!
//! - [`pyspark`]: the job script. Its helpers (`runtime.py`) reproduce the semantics of
//!   `recipe::apply` on Spark (null handling, text conversions, row order, statistics);
//!   [`read::ReadSpec`] carries how wort read the input (dialect, null tokens, types).
//! - [`sql`]: one query with a CTE per step, for recipes whose steps all have a SQL form.
//! - [`databrew`]: DataBrew recipe JSON both ways.
//! - What the steps translate themselves with (quoting, Rust regex -> Java regex,
//!   strftime -> Spark patterns, the contexts `PyCx`, `SqlCx`, `BrewCx` and the DataBrew
//!   condition vocabulary) is `transform::target`, below the steps, so that a step
//!   compiles without the assemblers here.

pub mod databrew;
pub mod pyspark;
pub mod read;
pub mod rules;
pub mod sql;

// The translation vocabulary lives below the steps (transform::target); its old paths
// stay valid.
pub use crate::transform::target::{datefmt, regex, text};

use std::fmt;

/// A step that has no translation to the target, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Untranslated {
    /// 1-based step number in the recipe.
    pub step: usize,
    pub op: &'static str,
    pub reason: String,
}

impl fmt::Display for Untranslated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} ({}): {}", self.step, self.op, self.reason)
    }
}

/// Export failed: the steps that do not translate (never dropped silently).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} step(s) have no {target} form:\n{}", steps.len(), list(steps))]
    Steps {
        target: &'static str,
        steps: Vec<Untranslated>,
    },
    #[error("{} rule(s) do not run on Spark:\n{}\nRemove them from the ruleset you export (keep them for `wort check`), or rewrite them as described.", rules.len(), list(rules))]
    Rules { rules: Vec<rules::UntranslatedRule> },
    #[error("{0}")]
    Other(String),
}

fn list<T: fmt::Display>(steps: &[T]) -> String {
    steps
        .iter()
        .map(|s| format!("  {s}"))
        .collect::<Vec<_>>()
        .join("\n")
}
