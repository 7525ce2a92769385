//! `wort profile`: column and dataset statistics, as a terminal report or JSON.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use clap::{Args, ValueEnum};
use polars::prelude::*;

use super::InputArgs;
use crate::profile::{self, ProfileError, ProfileOptions};
use crate::source::{self, LateTypeError, Sample, Source};
use crate::util::suggestion_suffix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A readable report, one block per column.
    Table,
    /// The whole profile as JSON.
    Json,
    /// One self-contained HTML page with charts (needs -o, or stdout redirected to a file).
    Html,
}

#[derive(Debug, Args)]
// `--format` is the report format here; the input format moves to `--input-format`.
#[command(mut_arg("format", |a| a.long("input-format")))]
pub struct ProfileArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Only these columns (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub columns: Option<Vec<String>>,
    /// Report format.
    #[arg(long = "format", value_enum, default_value_t = ReportFormat::Table, value_name = "table|json|html")]
    pub report: ReportFormat,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exact statistics however many distinct values a column has (no sketches).
    #[arg(long)]
    pub exact: bool,
    /// Histogram bins (default: NumPy's "auto" rule, at most 100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub bins: Option<u16>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: ProfileArgs) -> anyhow::Result<ExitCode> {
    if args.report == ReportFormat::Html {
        html_needs_a_file("wort profile", args.output.as_deref())?;
    }
    if let Some(out) = &args.output {
        crate::guard::Inputs::new()
            .data(&args.inputs)
            .check("-o", out)?;
    }
    let mut read = args.input.options(Sample::INTERACTIVE);
    // A full read checks the rows while profiling (retry_on_late_types waits for it).
    read.check_in_background = true;
    let mut src = source::open(&args.inputs, &read)?;
    let columns = match &args.columns {
        Some(cols) => Some(check_columns(cols, &src)?),
        None => None,
    };
    let bar = progress(&src);
    let mut opts = if args.exact {
        ProfileOptions::exact()
    } else {
        ProfileOptions::default()
    };
    opts.bins = args.bins.map(usize::from);
    let b = bar.clone();
    opts.progress = Some(Arc::new(move |rows| b.set_position(rows)));

    // A full read infers types from the first rows; when a later value does not fit,
    // that column is read as text and profiling starts again.
    let result = crate::recipe::replay(
        &mut src,
        None,
        &args.inputs,
        Default::default,
        |planned| {
            bar.set_position(0);
            let mut lf = planned.lf;
            if let Some(cols) = &columns {
                lf = lf.select(cols.iter().map(|c| col(c.as_str())).collect::<Vec<_>>());
            }
            profile::profile(lf, &opts).map_err(|e| match e {
                ProfileError::Polars(msg) => LateTypeError::Polars(msg),
                other => LateTypeError::Other(other.to_string()),
            })
        },
        |line| bar.suspend(|| eprintln!("{line}")),
    );
    let mut profile = match result {
        Ok(p) => p,
        Err(e) => {
            bar.finish_and_clear();
            bail!(failed(&e.to_string(), &args.inputs));
        }
    };
    bar.finish_and_clear();
    profile.dataset.inputs = args.inputs.clone();
    profile.dataset.sample = Some(src.report.sample.to_string());

    let text = match args.report {
        ReportFormat::Json => profile.to_json(),
        ReportFormat::Html => crate::report::profile_html(&profile)?,
        ReportFormat::Table => {
            let color = args.output.is_none() && super::term_style(&std::io::stdout()).0;
            profile::render::table(&profile, 100, color)
        }
    };
    match &args.output {
        Some(path) => source::write::write_text_atomic(path, &text)?,
        None => super::print_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// An HTML page is written to a file: `-o FILE`, or stdout when it is not a terminal
/// (`> report.html`, a pipe). On a terminal the page would only be noise, so it is
/// refused before any work is done.
pub(super) fn html_needs_a_file(
    command: &str,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if output.is_none() && std::io::stdout().is_terminal() {
        bail!(
            "{command} --format html writes a web page, not terminal text: give -o report.html (or redirect stdout to a file) and open the file in a browser"
        );
    }
    Ok(())
}

fn failed(msg: &str, inputs: &[String]) -> String {
    format!("profiling {} failed: {msg}", inputs.join(", "))
}

/// The requested columns, each checked against the input.
fn check_columns(cols: &[String], src: &Source) -> anyhow::Result<Vec<String>> {
    let schema = src.schema()?;
    let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
    let mut out = Vec::new();
    for c in cols {
        let c = c.trim();
        if c.is_empty() {
            continue;
        }
        if !names.contains(&c) {
            bail!(
                "--columns: no column \"{c}\" in the input{}; the columns are: {}",
                suggestion_suffix(c, names.iter().copied()),
                names.join(", ")
            );
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    }
    if out.is_empty() {
        bail!("--columns names no column; give comma-separated names like --columns a,b");
    }
    Ok(out)
}

fn progress(src: &Source) -> indicatif::ProgressBar {
    let total = src.report.sample_rows.or(match src.report.sample {
        Sample::Full => src.report.total_rows,
        _ => None,
    });
    let target = indicatif::ProgressDrawTarget::stderr();
    let bar = match total {
        Some(n) => {
            let b = indicatif::ProgressBar::with_draw_target(Some(n), target);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} profiling {bar:30} {human_pos}/{human_len} rows {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        }
        None => {
            let b = indicatif::ProgressBar::with_draw_target(None, target);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} profiling {human_pos} rows {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b
        }
    };
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
