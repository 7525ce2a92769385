//! Data quality: rules written in DQDL (the rule language of AWS Glue Data Quality),
//! so rulesets move between wort and AWS without translation.
//!
//! - [`dqdl`]: the language layer: syntax tree, parser, canonical printer and the
//!   rule-type catalogue.
//! - [`evaluate`] (in `eval`): one evaluator for `wort check` and the TUI; every
//!   aggregate metric of a ruleset comes from one fused query.
//! - [`report`]: the result and its renderings (text, JSON, JUnit, GitHub annotations).
//! - [`suggest()`]: a first ruleset from a profile, each rule with its reason;
//!   [`suggest::backtest`]: how rules fare on history files.
//! - [`history`]: recorded metrics for dynamic rules (`last(k)`) and DetectAnomalies.

pub mod dqdl;
mod eval;
pub mod history;
pub mod report;
pub mod suggest;

pub use eval::{EvalError, EvalOptions, evaluate, failing_rows_frame, history_metrics};
pub use eval::{RowCheck, RowChecks, row_checks};
pub use history::History;
pub use report::{Outcome, Report, RuleResult};
pub use suggest::{suggest, wilson_lower};
