//! `wort rules fmt|lint`: canonical layout and static checks of a DQDL ruleset.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::InputArgs;
use crate::quality::dqdl::catalog::ParamRole;
use crate::quality::dqdl::{self, CompareOp, Condition, RuleType, Ruleset, Value};
use crate::source::{self, Sample};

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
    }
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
