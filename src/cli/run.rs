//! `wort run`: replay a recipe over the full input and write the result.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;

use super::InputArgs;
use crate::guard::Inputs;
use crate::recipe::spill::Spill;
use crate::recipe::{self, ApplyOptions, Recipe, Replay, RunStats};
use crate::source::{self, LateTypeError, Sample, Source, WriteError};
use crate::transform::type_name;
use crate::util::thousands;

mod memory;
mod quarantine;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The recipe (JSON).
    pub recipe: PathBuf,
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Output file: .csv, .parquet or .ndjson.
    #[arg(short, long, required_unless_present = "dry_run")]
    pub output: Option<PathBuf>,
    /// Validate the recipe against the input and print the plan, without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// DQDL rules the output must pass before it is published: when any fails (or
    /// errors), the report goes to stderr, the exit code is 1 and an existing output
    /// file stays as it was.
    #[arg(long, value_name = "RULES")]
    pub rules: Option<PathBuf>,
    /// With --rules: the rows that fail a row-level rule (ColumnValues, IsComplete...)
    /// go to BAD (.csv, .parquet or .ndjson) with a column wort_failed_rules, the
    /// others to -o; dataset-level rules (RowCount, Mean...) are judged on the rows
    /// that pass, and when one fails neither file is published (exit 1).
    #[arg(long, value_name = "BAD", requires = "rules")]
    pub quarantine: Option<PathBuf>,
    /// NAME=PATH: read PATH instead of a file the recipe joins or appends (NAME: the
    /// file as the recipe names it, or its stem). Repeat for several.
    #[arg(long = "input", value_name = "NAME=PATH")]
    pub bind: Vec<String>,
    /// Do not publish when a step loses more data than the workbench would apply
    /// without asking twice: more than 10% of a column's present values made missing, or
    /// more than half the rows removed (exit 1). Without it such losses are warnings.
    #[arg(long)]
    pub strict: bool,
    /// No summary and no warnings on stderr (errors still go there).
    #[arg(short, long)]
    pub quiet: bool,
    /// Memory the run may hold, as bytes or with a unit (512M, 2G, 1.5GiB): rows of a
    /// sort or dedupe that do not fit are spilled to --temp-dir and merged, and a median
    /// or quantile whose values pass half of it is found in passes over the data.
    /// Default: a quarter of the machine's memory.
    #[arg(long, value_name = "SIZE", value_parser = memory::parse_size)]
    pub memory_limit: Option<u64>,
    /// Directory for the files a sort spills (removed when the run ends, and unnamed
    /// where the system allows, so a killed run leaves none). Default: the output's
    /// directory (on the same disk as the output; /tmp is often in memory).
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut inputs = Inputs::new()
        .file("recipe", &args.recipe)
        .data(&args.inputs);
    if let Some(rules) = &args.rules {
        inputs = inputs.file("rules", rules);
    }
    let outputs = [
        ("-o", args.output.as_deref()),
        ("--quarantine", args.quarantine.as_deref()),
    ];
    inputs.check_all(&outputs)?;
    for path in outputs.iter().filter_map(|(_, p)| *p) {
        source::write::OutputFormat::from_path(path)?;
    }
    let mut recipe = Recipe::load(&args.recipe)?;
    recipe.bind(&args.bind).map_err(anyhow::Error::msg)?;
    // The files the recipe joins or appends are inputs too: -o must not replace them.
    let others: Vec<String> = recipe
        .tables()
        .iter()
        .map(|t| recipe.files.path(t).display().to_string())
        .collect();
    inputs = inputs.data(&others);
    inputs.check_all(&outputs)?;
    let mut read = args.input.options(Sample::Full);
    // The rows are checked while the recipe runs; the output is published only after.
    read.check_in_background = !args.dry_run;
    let mut src = source::open(&args.inputs, &read)?;
    let mut schema = recipe::fits(&recipe, &src.schema()?, &args.recipe, &args.inputs)?;

    if args.dry_run {
        let mut text = src.report.summary();
        text.push_str(&plan_text(&recipe, &src)?);
        let _ = writeln!(
            text,
            "output {} columns: {}",
            schema.len(),
            schema
                .iter()
                .map(|(n, dt)| format!("{n}:{}", type_name(dt)))
                .collect::<Vec<_>>()
                .join(" ")
        );
        super::print_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(output) = args.output.clone() else {
        bail!("give an output file with -o, or --dry-run");
    };

    // With --rules, the data goes to a hidden file beside the output first, and is
    // renamed into place only when the rules pass on it.
    let rules = match &args.rules {
        Some(path) => Some(
            crate::quality::dqdl::load(path)
                .map_err(anyhow::Error::msg)?
                .1,
        ),
        None => None,
    };
    // The data goes to a temporary file beside the output, moved into place when the
    // run (and the rules, if any) succeed; the same for the quarantine.
    let staged = source::write::stage_data(&output)?;
    let bad = match &args.quarantine {
        Some(path) => Some((path, source::write::stage_data(path)?)),
        None => None,
    };
    // One "now" for the row checks and the rules judged after (DataFreshness).
    let eval_opts = crate::quality::EvalOptions {
        dataset: output.display().to_string(),
        ..Default::default()
    };
    let mut split = None;
    let spinner = progress(&recipe, &output);
    // A full read infers types from the first rows; when a later value does not fit, the
    // column is read as text and the run starts again.
    let replayed = Replay {
        recipe: &recipe,
        path: &args.recipe,
    };
    let spill_dir = memory::spill_dir(args.temp_dir.as_deref(), &output)?;
    let memory_limit = args.memory_limit.unwrap_or_else(memory::default_limit);
    let quantile_budget = memory::quantile_budget(&src.report, memory_limit);
    let fresh = || ApplyOptions {
        stats: Some(Arc::new(RunStats::default())),
        literal_statistics: true,
        spill: Some(Arc::new(Spill::new(memory_limit, spill_dir.clone()))),
        quantile_budget,
    };
    let stats = recipe::replay(
        &mut src,
        Some(replayed),
        &args.inputs,
        fresh,
        |planned| {
            schema = planned.schema;
            let verify = || planned.source.verify().map_err(|e| e.to_string());
            let layout = source::write::Layout::like_input(&planned.source.report);
            let written = match (&rules, &bad) {
                (Some(rules), Some((_, bad))) => quarantine::write_split(
                    rules, planned.lf, &eval_opts, &staged, bad, &layout, verify,
                )
                .map(|s| split = Some(s)),
                _ => source::write::write_staged(planned.lf, &staged, &layout, verify),
            };
            match written {
                Ok(()) => Ok(planned.options.stats.unwrap_or_default()),
                Err(WriteError::Polars(msg)) => Err(LateTypeError::Polars(msg)),
                Err(e) => Err(LateTypeError::Other(e.to_string())),
            }
        },
        |line| spinner.suspend(|| eprintln!("{line}")),
    )
    .map_err(|e| match e {
        LateTypeError::Polars(msg) => anyhow::anyhow!(input_or_step_error(&msg, &args.inputs)),
        LateTypeError::Other(msg) => anyhow::anyhow!(msg),
    })?;
    spinner.finish_and_clear();
    // Large losses: warnings, or with --strict, nothing published.
    let large: Vec<String> = stats
        .losses(src.report.sample_rows)
        .into_iter()
        .filter(|(_, _, l)| l.is_large())
        .map(|(step, op, l)| format!("step {step} ({op}): {}", l.describe()))
        .collect();
    if !args.quiet {
        for l in &large {
            eprintln!("warning  {l}");
        }
    }
    if args.strict && !large.is_empty() {
        eprintln!(
            "not published: --strict and {} step loss(es) over the limits (10% of a column's present values, half the rows); {} is unchanged",
            large.len(),
            output.display()
        );
        return Ok(ExitCode::from(1));
    }
    // With --quarantine, the rules left to judge on the output are the dataset-level
    // ones (the output is not read again when there are none).
    let rules = match &split {
        Some(s) if s.dataset_level.rules.items.is_empty() => None,
        Some(s) => Some(s.dataset_level.clone()),
        None => rules,
    };
    if let Some(rules) = &rules {
        let out_src = source::open(
            &[staged.path().to_string_lossy().to_string()],
            &source::ReadOptions {
                sample: Some(Sample::Full),
                ..Default::default()
            },
        )?;
        let report = crate::quality::evaluate(rules, out_src.lazy()?, &eval_opts)?;
        if !report.all_passed() {
            let (color, width) = super::term_style(&std::io::stderr());
            eprint!("{}", report.to_text(color, width));
            let unchanged = match &bad {
                Some((path, _)) => format!(
                    "neither {} nor {} is written",
                    output.display(),
                    path.display()
                ),
                None => format!("{} is unchanged", output.display()),
            };
            eprintln!(
                "not published: the output does not pass {}; {unchanged}",
                args.rules
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            );
            return Ok(ExitCode::from(1));
        }
        if !args.quiet {
            let what = if split.is_some() {
                "dataset-level rules passed on the output"
            } else {
                "rules passed on the output"
            };
            eprintln!("rules  {} {what}", report.rules.len());
        }
    }
    // The quarantine first: when the output is in place, so is the quarantine.
    if let Some((path, bad)) = bad {
        bad.publish()?;
        if !args.quiet
            && let Some(s) = &split
        {
            eprint!("{}", s.summary(path));
            eprintln!(
                "output  {} {} -> {}",
                thousands(s.good),
                if s.good == 1 { "row" } else { "rows" },
                output.display()
            );
        }
    }
    staged.publish()?;
    if !args.quiet {
        eprint!("{}", src.report.summary());
        eprint!(
            "{}",
            run_summary(&src, &stats, &schema, &output, started.elapsed())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn input_or_step_error(msg: &str, inputs: &[String]) -> String {
    format!(
        "running the recipe over {} failed: {msg}",
        inputs.join(", ")
    )
}

/// The plan, step by step, with the columns each step adds, removes or retypes.
fn plan_text(recipe: &Recipe, src: &Source) -> anyhow::Result<String> {
    let mut text = String::from("plan\n");
    let mut schema = src.schema()?;
    for (i, step) in recipe.steps.iter().enumerate() {
        let n = i + 1;
        if step.disabled {
            let _ = writeln!(text, "  {n:>2}. (disabled) {}", step.describe());
            continue;
        }
        let next = recipe::validate_step(step, &schema).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
        let mut changes = Vec::new();
        for (name, dt) in next.iter() {
            match schema.get(name) {
                None => changes.push(format!("+{name}:{}", type_name(dt))),
                Some(old) if old != dt => {
                    changes.push(format!("{name}: {} -> {}", type_name(old), type_name(dt)))
                }
                _ => {}
            }
        }
        for name in schema.iter_names() {
            if !next.contains(name) {
                changes.push(format!("-{name}"));
            }
        }
        let _ = write!(text, "  {n:>2}. {}", step.describe());
        if !changes.is_empty() {
            let _ = write!(text, "   [{}]", changes.join(", "));
        }
        text.push('\n');
        schema = next;
    }
    Ok(text)
}

fn run_summary(
    src: &Source,
    stats: &RunStats,
    schema: &polars::prelude::Schema,
    output: &std::path::Path,
    elapsed: Duration,
) -> String {
    let mut s = String::new();
    for c in stats.counts() {
        if c.label.starts_with(recipe::loss::PRESENT) {
            continue;
        }
        let n = c.counter.get();
        if n > 0 || c.label == "rows removed" {
            let _ = writeln!(
                s,
                "step   {} ({}): {} {}",
                c.step,
                c.op,
                thousands(n),
                c.label
            );
        }
    }
    let rows_in = src.report.sample_rows;
    let _ = write!(s, "rows   ");
    match rows_in {
        Some(n) => {
            let out = n.saturating_sub(stats.rows_removed());
            let _ = write!(s, "{} in, {} out", thousands(n), thousands(out));
        }
        None => {
            let _ = write!(s, "{} removed", thousands(stats.rows_removed()));
        }
    }
    let _ = writeln!(
        s,
        "; {} columns written to {} in {:.1} s",
        schema.len(),
        output.display(),
        elapsed.as_secs_f64()
    );
    s
}

fn progress(recipe: &Recipe, output: &std::path::Path) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(format!(
        "running {} steps into {}",
        recipe.active_steps().count(),
        output.display()
    ));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
