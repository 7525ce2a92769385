//! `wort suggest`: a first DQDL ruleset from the data's profile, optionally backtested
//! on history files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::InputArgs;
use crate::profile::{self, Profile, ProfileError, ProfileOptions};
use crate::quality::suggest::{self as sg, Suggestion, backtest};
use crate::quality::{self, EvalOptions, Outcome, dqdl};
use crate::source::{self, LateTypeError, Sample};
use crate::util::thousands;

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Write the rules to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// History files (a glob, quoted, or paths) to backtest every suggested rule on: a
    /// rule that would have failed on some is widened, or dropped with the reason.
    #[arg(long, value_name = "GLOB", num_args = 1..)]
    pub backtest: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: SuggestArgs) -> anyhow::Result<ExitCode> {
    let history = if args.backtest.is_empty() {
        Vec::new()
    } else {
        super::rules::history_files(&args.backtest)?
    };
    if let Some(out) = &args.output {
        crate::guard::Inputs::new()
            .data(&args.inputs)
            .data(&history)
            .check("-o", out)?;
    }
    let sample = args.input.sample.unwrap_or(Sample::INTERACTIVE);
    let mut src = source::open(&args.inputs, &args.input.options(sample))?;
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
    let rows = profile.dataset.rows;
    // First or last rows that filled the sample are part of a longer input (or all of
    // it, by chance): not a random draw, and the input's row count is unknown.
    let partial = match sample {
        Sample::First(n) | Sample::Last(n) => rows >= n,
        _ => false,
    };
    let total = src.report.total_rows.filter(|t| *t >= rows && !partial);
    let options = sg::Options {
        not_random: partial,
        total_rows: total,
        rows_unknown: partial || (!sample.is_full() && total.is_none()),
    };
    let mut suggestions = parseable(sg::plan(&profile, &options));

    // Keep only rules that pass on this data (a shape regex can miss a non-ASCII
    // letter, for instance), and ranges that fail only on the values they leave out;
    // say which were dropped.
    let lf = src.lazy().context("reading the input")?;
    let rules = sg::to_ruleset(&suggestions);
    let report = quality::evaluate(&rules, lf, &EvalOptions::default())?;
    let mut kept = Vec::new();
    for (mut s, result) in suggestions.drain(..).zip(&report.rules) {
        // A row count from the whole input is not checked on a sample of it.
        let sampled_count = matches!(s.spec, sg::Spec::RowCount { .. }) && total != Some(rows);
        if result.outcome == Outcome::Passed || sampled_count {
            kept.push(s);
        } else if result.outcome == Outcome::Failed && s.left_out.is_some() {
            s.left_out_rows = left_out_rows(&profile, &s, result.failing_rows);
            kept.push(s);
        } else {
            eprintln!(
                "note   dropped {} : it does not pass on this data ({})",
                result.rule,
                result.message.clone().unwrap_or_default()
            );
        }
    }
    suggestions = kept;

    let mut header = format!(
        "# Suggested by wort from {} ({}).\n# Review before use: every rule says why it was suggested.\n",
        args.inputs.join(", "),
        describe_sample(sample, rows, total, partial)
    );
    if !args.backtest.is_empty() {
        let glob = match args.backtest.as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} and {} more", rest.len()),
            [] => String::new(),
        };
        let first =
            super::rules::backtest_files(&sg::to_ruleset(&suggestions), &history, &args.input)?;
        let mut dropped = backtest::widen(&mut suggestions, &first);
        let second =
            super::rules::backtest_files(&sg::to_ruleset(&suggestions), &history, &args.input)?;
        dropped.extend(backtest::confirm(&mut suggestions, &second));
        let widened = suggestions
            .iter()
            .filter(|s| s.history.as_deref().is_some_and(|h| h.contains(';')))
            .count();
        header.push_str(&format!(
            "# Backtest on {} history files ({glob}): {} rules kept ({widened} widened), {} dropped.\n",
            history.len(),
            suggestions.len(),
            dropped.len()
        ));
        for d in &dropped {
            header.push_str(&format!("#   dropped {}: {}\n", d.rule, d.why));
            eprintln!("note   dropped {} : {}", d.rule, d.why);
        }
    }
    let flagged: Vec<&Suggestion> = suggestions
        .iter()
        .filter(|s| s.left_out.is_some())
        .collect();
    if !flagged.is_empty() {
        let names: Vec<String> = flagged.iter().map(|s| s.rule()).collect();
        header.push_str(&format!(
            "# {} leave{} out extreme values and fail{} on them here: {}\n",
            if flagged.len() == 1 {
                "1 rule".to_string()
            } else {
                format!("{} rules", flagged.len())
            },
            if flagged.len() == 1 { "s" } else { "" },
            if flagged.len() == 1 { "s" } else { "" },
            names.join("; ")
        ));
    }

    if suggestions.is_empty() {
        let why = if rows == 0 {
            "the data has no rows"
        } else {
            "no rule held on the data"
        };
        eprintln!("note   nothing to suggest: {why}");
        header.push_str(&format!("# Nothing to suggest: {why}.\n"));
    }
    let mut text = header;
    text.push_str(&dqdl::print(&sg::to_ruleset(&suggestions)));
    match &args.output {
        Some(path) => source::write::write_text_atomic(path, &text)?,
        None => super::print_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The suggestions whose rule text parses (a column name DQDL cannot quote is noted
/// and left out), so that suggestions and ruleset entries stay in step.
fn parseable(suggestions: Vec<Suggestion>) -> Vec<Suggestion> {
    suggestions
        .into_iter()
        .filter(|s| match dqdl::parse_rule(&s.rule()) {
            Ok(_) => true,
            Err(e) => {
                eprintln!("note   dropped {} : it does not parse ({e})", s.rule());
                false
            }
        })
        .collect()
}

/// Rows a range fails on beyond the column's missing rows (which its threshold allows).
fn left_out_rows(profile: &Profile, s: &Suggestion, failing: Option<u64>) -> Option<u64> {
    let c = profile.column(s.column.as_deref()?)?;
    Some(failing?.saturating_sub(c.count - c.present()))
}

fn describe_sample(sample: Sample, rows: u64, total: Option<u64>, partial: bool) -> String {
    let of = match total {
        Some(t) if t != rows => format!(" of {}", thousands(t)),
        _ => String::new(),
    };
    match sample {
        Sample::Full => all_rows(rows),
        Sample::Random { seed, .. } if total != Some(rows) => format!(
            "a random sample of {}{of} rows, seed {seed}; --sample full reads every row",
            thousands(rows)
        ),
        Sample::First(_) if partial => format!(
            "the first {}{of} rows, not a random sample: no value sets; --sample random:N is better",
            thousands(rows)
        ),
        Sample::Last(_) if partial => format!(
            "the last {}{of} rows, not a random sample: no value sets; --sample random:N is better",
            thousands(rows)
        ),
        _ => all_rows(rows),
    }
}

fn all_rows(rows: u64) -> String {
    match rows {
        1 => "its one row".into(),
        n => format!("all {} rows", thousands(n)),
    }
}
