//! `wort suggest`: a first DQDL ruleset from the data's profile.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::InputArgs;
use crate::profile::{self, ProfileError, ProfileOptions};
use crate::quality::{self, EvalOptions, Outcome, dqdl};
use crate::source::{self, LateTypeError, Sample};

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Write the rules to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: SuggestArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &args.output {
        crate::guard::Inputs::new()
            .data(&args.inputs)
            .check("-o", out)?;
    }
    let mut src = source::open(&args.inputs, &args.input.options(Sample::Full))?;
    let opts = ProfileOptions::default();
    let profile = crate::recipe::replay(
        &mut src,
        None,
        &args.inputs,
        Default::default,
        |planned| {
            profile::profile(planned.lf, &opts).map_err(|e| match e {
                ProfileError::Polars(m) => LateTypeError::Polars(m),
                other => LateTypeError::Other(other.to_string()),
            })
        },
        |line| eprintln!("{line}"),
    )
    .map_err(|e| anyhow::anyhow!("profiling {} failed: {e}", args.inputs.join(", ")))?;
    let mut rules = quality::suggest(&profile);

    // Keep only rules that pass on this data (a shape regex can miss a non-ASCII
    // letter, for instance); say which were dropped.
    let lf = src.lazy().context("reading the input")?;
    let report = quality::evaluate(&rules, lf, &EvalOptions::default())?;
    let mut kept = Vec::new();
    for (entry, result) in rules.rules.items.drain(..).zip(&report.rules) {
        if result.outcome == Outcome::Passed {
            kept.push(entry);
        } else {
            eprintln!(
                "note   dropped {} : it does not pass on this data ({})",
                result.rule,
                result.message.clone().unwrap_or_default()
            );
        }
    }
    rules.rules.items = kept;
    let mut text = format!(
        "# Suggested by wort from {} ({} rows, sample {}).\n# Review before use: every rule says why it was suggested.\n",
        args.inputs.join(", "),
        profile.dataset.rows,
        src.report.sample
    );
    text.push_str(&dqdl::print(&rules));
    match &args.output {
        Some(path) => source::write::write_text_atomic(path, &text)?,
        None => super::print_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
