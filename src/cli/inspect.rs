//! `wort inspect`: how wort reads a file.

use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::source::{self, Sample};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// How many rows to show.
    #[arg(short = 'n', long, default_value_t = 10)]
    pub rows: usize,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let src = source::open(&args.inputs, &args.input.options(Sample::INTERACTIVE))?;
    let df = src
        .lazy()?
        .limit(args.rows as polars::prelude::IdxSize)
        .collect()
        .map_err(|e| anyhow::anyhow!(crate::transform::clean_polars_error(&e)))?;
    let mut text = src.report.summary();
    // Which rows these are: a random or last-rows sample is not the file's first rows.
    let r = &src.report;
    let whole = r.total_rows.is_some() && r.sample_rows == r.total_rows;
    let n = df.height();
    let which = match r.sample {
        Sample::Last(_) if !whole => format!("the first {n} of the last-rows sample"),
        Sample::Random { .. } if !whole => format!(
            "the first {n} of the random sample, in file order (--sample first:N shows the file's first rows)"
        ),
        _ => format!("the file's first {n}"),
    };
    text.push_str(&format!("rows   {which}\n"));
    text.push_str(&format!("{df}"));
    super::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
