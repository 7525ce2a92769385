//! `wort cluster`: groups of values in one column that look like spellings of the same
//! thing, and a recipe merging them.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use super::InputArgs;
use crate::profile::cluster::{self, Cluster, Method, Options};
use crate::source::{self, LateTypeError, Sample};
use crate::util::suggestion_suffix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Same words, ignoring case, accents, punctuation, word order and repeats.
    Fingerprint,
    /// Same character 2-grams (also ignores spaces: "Newyork" = "New York").
    Ngram,
    /// Same sound (Metaphone).
    Metaphone,
    /// At most --radius edits apart (ignoring case and outer spaces).
    Levenshtein,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterFormat {
    /// One block per cluster.
    Text,
    /// The clusters as JSON.
    Json,
}

#[derive(Debug, Args)]
// `--format` is the report format here; the input format moves to `--input-format`.
#[command(mut_arg("format", |a| a.long("input-format")))]
pub struct ClusterArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// The column whose values to cluster.
    #[arg(long, short = 'c', value_name = "C")]
    pub column: String,
    /// How values are grouped.
    #[arg(long, value_enum, default_value_t = MethodArg::Fingerprint)]
    pub method: MethodArg,
    /// The most edits between two values (levenshtein only).
    #[arg(long, value_name = "R", default_value_t = 1)]
    pub radius: usize,
    /// The n-gram size (ngram only).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub ngram: usize,
    /// Report format.
    #[arg(long = "format", value_enum, default_value_t = ClusterFormat::Text, value_name = "text|json")]
    pub report: ClusterFormat,
    /// Write a recipe with one map_values step merging every cluster into its suggested
    /// value.
    #[arg(long, value_name = "OUT.json")]
    pub recipe: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: ClusterArgs) -> anyhow::Result<ExitCode> {
    let method = match args.method {
        MethodArg::Fingerprint => Method::Fingerprint,
        MethodArg::Ngram => Method::Ngram,
        MethodArg::Metaphone => Method::Metaphone,
        MethodArg::Levenshtein => Method::Levenshtein,
    };
    if args.radius != 1 && method != Method::Levenshtein {
        // A radius that would be ignored is most likely a mistaken method.
        bail!("--radius is only used with --method levenshtein");
    }
    if args.ngram != 2 && method != Method::Ngram {
        bail!("--ngram is only used with --method ngram");
    }
    let options = Options::new(args.ngram, args.radius).map_err(|e| anyhow::anyhow!("--{e}"))?;
    if let Some(out) = &args.recipe {
        crate::guard::Inputs::new()
            .data(&args.inputs)
            .check("--recipe", out)?;
    }
    let mut src = source::open(&args.inputs, &args.input.options(Sample::Full))?;
    let schema = src.schema()?;
    if !schema.contains(&args.column) {
        let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
        bail!(
            "--column: no column \"{}\" in the input{}; the columns are: {}",
            args.column,
            suggestion_suffix(&args.column, names.iter().copied()),
            names.join(", ")
        );
    }
    let column = args.column.clone();
    let counts = crate::recipe::replay(
        &mut src,
        None,
        &args.inputs,
        Default::default,
        |planned| {
            cluster::value_counts(planned.lf, &column)
                .map_err(|e| LateTypeError::Polars(crate::transform::clean_polars_error(&e)))
        },
        |line| eprintln!("{line}"),
    )
    .map_err(|e| anyhow::anyhow!("reading {} failed: {e}", args.inputs.join(", ")))?;
    let clusters = cluster::cluster(&counts, method, &options);

    let text = match args.report {
        ClusterFormat::Text => report_text(&args.column, method, counts.len(), &clusters),
        ClusterFormat::Json => {
            let v = serde_json::json!({
                "column": args.column,
                "method": method.name(),
                "distinct": counts.len(),
                "clusters": clusters.iter().map(|c| serde_json::json!({
                    "suggested": c.suggested,
                    "rows": c.rows,
                    "values": c.values.iter().map(|(v, n)| serde_json::json!({"value": v, "count": n})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&v)?
        }
    };
    super::print_stdout(&text)?;
    if let Some(out) = &args.recipe {
        if clusters.is_empty() {
            eprintln!("no clusters: {} not written", out.display());
            return Ok(ExitCode::SUCCESS);
        }
        let recipe = serde_json::json!({
            "wort_recipe": 1,
            "steps": [cluster::merge_step(&args.column, &clusters)],
        });
        let body = serde_json::to_string_pretty(&recipe)? + "\n";
        source::write::write_text_atomic(out, &body)
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!(
            "wrote {} (map_values merging {})",
            out.display(),
            crate::util::count_of(clusters.len() as u64, "cluster", "clusters")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One block per cluster: the suggested value, then every value with its count.
fn report_text(column: &str, method: Method, distinct: usize, clusters: &[Cluster]) -> String {
    let mut s = format!(
        "{} in column \"{column}\" ({distinct} distinct values, method {})\n",
        crate::util::count_of(clusters.len() as u64, "cluster", "clusters"),
        method.name()
    );
    for (i, c) in clusters.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n{}. {:?}  ({} values, {} rows)",
            i + 1,
            c.suggested,
            c.values.len(),
            c.rows
        );
        let width = c
            .values
            .iter()
            .map(|v| v.1.to_string().len())
            .max()
            .unwrap_or(1);
        for (v, n) in &c.values {
            let _ = writeln!(s, "   {n:>width$}  {v:?}");
        }
    }
    s
}
