//! `wort rules fmt|lint|backtest`: canonical layout, static checks of a DQDL ruleset,
//! and how it would have fared on history files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};

use super::InputArgs;
use crate::quality::dqdl::catalog::ParamRole;
use crate::quality::dqdl::{self, CompareOp, Condition, RuleType, Ruleset, Value};
use crate::quality::suggest::backtest::Backtest;
use crate::quality::{self, EvalOptions};
use crate::source::{self, LateTypeError, Sample};

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the ruleset in canonical layout (comments kept).
    Fmt {
        /// The ruleset (DQDL).
        file: PathBuf,
        /// Exit 1 when the file is not already canonical; print nothing.
        #[arg(long, conflicts_with = "write")]
        check: bool,
        /// Rewrite the file in place (atomically).
        #[arg(short, long)]
        write: bool,
    },
    /// Report rules that name missing columns (with --data) or can never fail.
    Lint {
        /// The ruleset (DQDL).
        file: PathBuf,
        /// Data to check column names against.
        #[arg(long, value_name = "INPUT")]
        data: Option<String>,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Evaluate the ruleset on every history file: which rules would have failed where.
    #[command(mut_arg("format", |a| a.long("input-format")))]
    Backtest {
        /// The ruleset (DQDL).
        file: PathBuf,
        /// History files: a glob (quote it) or paths.
        #[arg(required = true, value_name = "GLOB")]
        history: Vec<String>,
        /// Report format.
        #[arg(long = "format", value_enum, default_value_t = BacktestFormat::Text)]
        report: BacktestFormat,
        #[command(flatten)]
        input: InputArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    /// One line per rule with the files it failed on.
    Text,
    /// The table as JSON.
    Json,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        RulesCommand::Fmt { file, check, write } => {
            let (text, rules) = dqdl::load(&file).map_err(anyhow::Error::msg)?;
            let canonical = dqdl::print(&rules);
            if check {
                if text.replace("\r\n", "\n") == canonical {
                    return Ok(ExitCode::SUCCESS);
                }
                eprintln!(
                    "{} is not in canonical layout; run wort rules fmt -w {}",
                    file.display(),
                    file.display()
                );
                return Ok(ExitCode::from(1));
            }
            if write {
                if text != canonical {
                    source::write::write_text_atomic(&file, &canonical)?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            super::print_stdout(&canonical)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Lint { file, data, input } => {
            let (_, rules) = dqdl::load(&file).map_err(anyhow::Error::msg)?;
            let columns: Option<Vec<String>> = match &data {
                None => None,
                Some(d) => {
                    let src =
                        source::open(std::slice::from_ref(d), &input.options(Sample::First(1000)))?;
                    Some(src.schema()?.iter_names().map(|n| n.to_string()).collect())
                }
            };
            let findings = lint(&rules, columns.as_deref());
            for f in &findings {
                println!("{}: {f}", file.display());
            }
            if findings.is_empty() {
                eprintln!("{}: no findings", file.display());
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(1))
            }
        }
        RulesCommand::Backtest {
            file,
            history,
            report,
            input,
        } => {
            let (_, rules) = dqdl::load(&file).map_err(anyhow::Error::msg)?;
            let files = history_files(&history)?;
            let bt = backtest_files(&rules, &files, &input)?;
            let body = match report {
                BacktestFormat::Text => bt.to_text(&file.display().to_string()),
                BacktestFormat::Json => bt.to_json(),
            };
            super::print_stdout(&body)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The history files that globs and paths name, in order.
pub(super) fn history_files(globs: &[String]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for g in globs {
        if std::path::Path::new(g).is_file() {
            out.push(g.clone());
            continue;
        }
        let mut matched: Vec<String> = glob::glob(g)
            .map_err(|e| anyhow::anyhow!("history pattern {g:?} is not a valid glob ({e}); quote it, as in 'history/*.csv'"))?
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .map(|p| p.display().to_string())
            .collect();
        if matched.is_empty() {
            anyhow::bail!(
                "history pattern {g:?} matches no file; give a glob such as 'history/*.csv' (quoted, so the shell leaves it to wort)"
            );
        }
        matched.sort();
        out.extend(matched);
    }
    Ok(out)
}

/// Evaluate `rules` on each history file (read in full, one at a time).
pub(super) fn backtest_files(
    rules: &Ruleset,
    files: &[String],
    input: &InputArgs,
) -> anyhow::Result<Backtest> {
    let mut bt = Backtest::new(rules);
    // Enough failing rows to see which values fall outside a value set.
    let opts = EvalOptions {
        max_failing_rows: 100,
        ..EvalOptions::default()
    };
    for file in files {
        let inputs = std::slice::from_ref(file);
        let mut src = source::open(inputs, &input.options(Sample::Full))
            .with_context(|| format!("reading history file {file}"))?;
        let report = crate::recipe::replay(
            &mut src,
            None,
            inputs,
            Default::default,
            |planned| {
                quality::evaluate(rules, planned.lf, &opts)
                    .map_err(|e| LateTypeError::Polars(e.to_string()))
            },
            |line| eprintln!("{line}"),
        )
        .map_err(|e| anyhow::anyhow!("evaluating the rules on history file {file} failed: {e}"))?;
        bt.add(file, &report);
    }
    Ok(bt)
}

/// Findings, one line each, naming the rule by its number and line.
pub fn lint(rules: &Ruleset, columns: Option<&[String]>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, entry) in rules.rules.items.iter().enumerate() {
        for rule in entry.rule.leaves() {
            let at = format!("line {} (Rule_{}) {}", rule.span.line, i + 1, rule);
            if let Some(cols) = columns {
                for (pi, p) in rule.params.iter().enumerate() {
                    let role = rule.spec().param(pi).map(|s| s.role);
                    let Some(text) = rules.param_text(p) else {
                        continue;
                    };
                    let names: Vec<&str> = match role {
                        Some(ParamRole::Column) => vec![text],
                        Some(ParamRole::Columns) => text.split(',').map(str::trim).collect(),
                        Some(ParamRole::ColumnOrAll) if text != "AllColumns" => vec![text],
                        _ => Vec::new(),
                    };
                    for name in names.into_iter().filter(|n| !cols.iter().any(|c| c == n)) {
                        let hint = crate::util::did_you_mean(name, cols.iter().map(|c| c.as_str()))
                            .map(|s| format!("; did you mean \"{s}\"?"))
                            .unwrap_or_default();
                        out.push(format!("{at}: the data has no column \"{name}\"{hint}"));
                    }
                }
            }
            if let Some(why) = never_fails(rule) {
                out.push(format!("{at}: can never fail: {why}"));
            }
        }
    }
    out
}

/// Why a rule holds for any data, if it does.
fn never_fails(rule: &dqdl::Rule) -> Option<String> {
    use RuleType as T;
    let ratio = matches!(
        rule.rule_type,
        T::Completeness | T::Uniqueness | T::UniqueValueRatio
    );
    let count = matches!(
        rule.rule_type,
        T::RowCount | T::ColumnCount | T::DistinctValuesCount
    );
    let value = |v: &Value| match v {
        Value::Number(e) => e.constant_value(),
        _ => None,
    };
    let check = |cond: &Condition, lo: f64, hi: Option<f64>| -> bool {
        match cond {
            Condition::Compare {
                op: CompareOp::Ge,
                value: v,
            } => value(v).is_some_and(|x| x <= lo),
            Condition::Compare {
                op: CompareOp::Gt,
                value: v,
            } => value(v).is_some_and(|x| x < lo),
            Condition::Compare {
                op: CompareOp::Le,
                value: v,
            } => hi.is_some_and(|h| value(v).is_some_and(|x| x >= h)),
            Condition::Between {
                negated: false,
                low,
                high,
            } => {
                value(low).is_some_and(|x| x < lo)
                    && hi.is_some_and(|h| value(high).is_some_and(|x| x > h))
            }
            _ => false,
        }
    };
    if let Some(c) = &rule.condition {
        if ratio && check(c, 0.0, Some(1.0)) {
            return Some("the metric is a fraction between 0 and 1".into());
        }
        if count && check(c, 0.0, None) {
            return Some("a count is never negative".into());
        }
    }
    if let Some(t) = &rule.threshold
        && check(t, 0.0, Some(1.0))
    {
        return Some("the threshold accepts any fraction of rows".into());
    }
    None
}
