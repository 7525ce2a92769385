//! `wort check`: evaluate DQDL rules against data; the CI gate.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use super::InputArgs;
use crate::guard::Inputs;
use crate::quality::{self, EvalOptions, History, dqdl};
use crate::source::{self, LateTypeError, Sample};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One line per rule, details of failures (default).
    Text,
    /// The whole report as JSON.
    Json,
    /// JUnit XML (one test case per rule), for CI test-report viewers.
    Junit,
    /// GitHub Actions annotations (`::error file=…,line=…::…`).
    Github,
    /// One self-contained HTML page: the score, every rule, failing rows (needs -o, or
    /// stdout redirected to a file).
    Html,
}

#[derive(Debug, Args)]
// `--format` is the report format here; the input format moves to `--input-format`.
#[command(mut_arg("format", |a| a.long("input-format")))]
pub struct CheckArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// The ruleset (DQDL).
    #[arg(short, long)]
    pub rules: PathBuf,
    /// Check the output of this recipe (replayed over the input) instead of the raw input.
    #[arg(long, value_name = "RECIPE")]
    pub recipe: Option<PathBuf>,
    /// Report format.
    #[arg(long = "format", value_enum, default_value_t = ReportFormat::Text)]
    pub report: ReportFormat,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// A reference dataset for RowCountMatch, SchemaMatch, DatasetMatch,
    /// ReferentialIntegrity and AggregateMatch, and a table CustomSql may read:
    /// NAME=PATH. Repeatable.
    #[arg(long = "ref", value_name = "NAME=PATH")]
    pub references: Vec<String>,
    /// How many failing rows to show per row-level rule.
    #[arg(long, default_value_t = 10)]
    pub failing_rows: usize,
    /// Write every row that fails a row-level rule (with the rules it fails) to this
    /// file (.csv, .parquet or .ndjson).
    #[arg(long, value_name = "FILE")]
    pub failures: Option<PathBuf>,
    /// Directory of the metrics history used by last(k) and DetectAnomalies
    /// [default: $WORT_DATA_DIR/history or the user data directory].
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Append this run's metrics to the history.
    #[arg(long)]
    pub record: bool,
    /// The dataset's name in the history and reports [default: the first input's file name].
    #[arg(long)]
    pub dataset: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    if args.report == ReportFormat::Html {
        super::profile::html_needs_a_file("wort check", args.output.as_deref())?;
    }
    let dataset = args.dataset.clone().unwrap_or_else(|| {
        std::path::Path::new(&args.inputs[0])
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| args.inputs[0].clone())
    });
    // No output may be a file this command reads: data, rules, recipe, references,
    // history. Checked before anything is read.
    let history_dir =
        quality::history::directory(args.history.as_deref()).map_err(anyhow::Error::msg)?;
    let history_file = quality::history::file_for(&history_dir, &dataset);
    let mut inputs = Inputs::new().data(&args.inputs).file("rules", &args.rules);
    if let Some(r) = &args.recipe {
        inputs = inputs.file("recipe", r);
    }
    let mut references = Vec::new();
    for r in &args.references {
        let Some((name, path)) = r.split_once('=') else {
            bail!("--ref {r:?}: write it as NAME=PATH, for example --ref reference=customers.csv");
        };
        inputs = inputs.data(&[path.to_string()]);
        references.push((name, path));
    }
    if args.record && history_file.exists() {
        inputs.check("the history file", &history_file)?;
    }
    let inputs = inputs.file("history", &history_file);
    inputs.check_all(&[
        ("-o", args.output.as_deref()),
        ("--failures", args.failures.as_deref()),
    ])?;
    if let Some(f) = &args.failures {
        source::write::OutputFormat::from_path(f)?;
    }
    let (_, rules) = dqdl::load(&args.rules).map_err(anyhow::Error::msg)?;

    let mut read = args.input.options(Sample::Full);
    // The rows are checked while the rules are evaluated; settled before reporting.
    read.check_in_background = true;
    let mut src = source::open(&args.inputs, &read)?;
    let mut frames = BTreeMap::new();
    for (name, path) in references {
        let rsrc = source::open(&[path.to_string()], &args.input.options(Sample::Full))
            .with_context(|| format!("reading reference dataset {name}"))?;
        frames.insert(name.to_string(), rsrc.lazy()?);
    }
    let history = History::load(&history_file).map_err(anyhow::Error::msg)?;
    let opts = EvalOptions {
        dataset: dataset.clone(),
        references: frames,
        history,
        max_failing_rows: args.failing_rows,
        now: chrono::Utc::now().naive_utc(),
    };
    let recipe = match &args.recipe {
        Some(path) => Some((path, crate::recipe::Recipe::load(path)?)),
        None => None,
    };
    // A full read infers types from the first rows; when a later value does not fit,
    // that column is read as text and the rules are evaluated again (as run and
    // profile do). The background row check is settled after each attempt.
    let replayed = recipe
        .as_ref()
        .map(|(path, recipe)| crate::recipe::Replay { recipe, path });
    let (report, lf) = crate::recipe::replay(
        &mut src,
        replayed,
        &args.inputs,
        Default::default,
        |planned| {
            // An evaluation error may be a late value: `retry_on_late_types`
            // diagnoses it, and returns it as it is when it is not.
            let report = quality::evaluate(&rules, planned.lf.clone(), &opts)
                .map_err(|e| LateTypeError::Polars(e.to_string()))?;
            Ok((report, planned.lf))
        },
        |line| eprintln!("{line}"),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;

    if let Some(path) = &args.failures {
        let failing = quality::failing_rows_frame(&rules, lf, &opts)?;
        source::write_atomic(failing, path)?;
    }
    if args.record {
        let run = quality::history::Run {
            time: chrono::Utc::now().to_rfc3339(),
            metrics: quality::history_metrics(&report, &rules),
        };
        History::append(&history_file, &run).map_err(anyhow::Error::msg)?;
    }

    let body = match args.report {
        ReportFormat::Text => {
            let (color, width) = super::term_style(&std::io::stdout());
            report.to_text(color && args.output.is_none(), width)
        }
        ReportFormat::Json => report.to_json(),
        ReportFormat::Junit => report.to_junit(),
        ReportFormat::Github => report.to_github(&args.rules.display().to_string(), &rules),
        ReportFormat::Html => crate::report::check_html(&report)?,
    };
    match &args.output {
        Some(path) => crate::source::write::write_text_atomic(path, &body)?,
        None => super::print_stdout(&body)?,
    }
    Ok(if report.errors > 0 {
        ExitCode::from(2)
    } else if report.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
