//! `wort export`: a recipe as a PySpark job, a Spark SQL query or DataBrew recipe JSON;
//! a DQDL ruleset as a PySpark check job (`--rules`), alone or after the recipe.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};

use super::InputArgs;
use crate::export::pyspark::{self, JobInfo, TableRead};
use crate::export::read::ReadSpec;
use crate::export::{self, databrew, sql};
use crate::quality::dqdl;
use crate::recipe::{self, Recipe};
use crate::source::{self, ReadOptions, Sample};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The recipe (JSON). Optional with --rules: the job then checks the input itself.
    #[arg(required_unless_present = "rules")]
    pub recipe: Option<PathBuf>,
    /// A DQDL ruleset the PySpark job evaluates (--to pyspark): alone, a check job that
    /// writes the JSON report of `wort check`; with a recipe, the job publishes the
    /// recipe's output only when the rules pass on it (as `wort run --rules`).
    #[arg(long, value_name = "RULES.dqdl")]
    pub rules: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum)]
    pub to: Target,
    /// Output file (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// A sample of the input (files or globs): the job reads the data the way wort reads
    /// this (dialect, null tokens, encoding, column types), and the recipe is checked
    /// against it. Needed for --to sql.
    #[arg(long = "input", value_name = "SAMPLE", num_args = 1..)]
    pub input_files: Vec<String>,
    /// SQL: the table or view the query reads.
    #[arg(long, default_value = "input")]
    pub table: String,
    /// DataBrew: write the steps that map and list the others on stderr, instead of
    /// failing.
    #[arg(long)]
    pub partial: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// A PySpark job (spark-submit or AWS Glue).
    Pyspark,
    /// One Spark SQL query, a CTE per step.
    Sql,
    /// AWS Glue DataBrew recipe JSON.
    Databrew,
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &args.output {
        let mut inputs = crate::guard::Inputs::new().data(&args.input_files);
        if let Some(r) = &args.recipe {
            inputs = inputs.file("recipe", r);
        }
        if let Some(r) = &args.rules {
            inputs = inputs.file("rules", r);
        }
        inputs.check("-o", out)?;
    }
    let rules = match &args.rules {
        Some(path) => {
            if args.to != Target::Pyspark {
                bail!(
                    "--rules exports to a PySpark job only: use --to pyspark (SQL and DataBrew recipes have no place for DQDL rules)"
                );
            }
            Some(dqdl::load(path).map_err(anyhow::Error::msg)?.1)
        }
        None => None,
    };
    let Some(recipe_path) = &args.recipe else {
        let rules = rules.as_ref().expect("clap requires a recipe or --rules");
        return export_check_job(&args, rules);
    };
    let mut recipe = Recipe::load(recipe_path)?;
    // `--input NAME=PATH` rebinds a file the recipe joins or appends; the rest is the
    // sample of the data.
    let (input_files, bound) = recipe::split_bindings(&recipe.tables(), &args.input_files);
    let bound: Vec<String> = bound
        .iter()
        .map(|(n, p)| format!("{n}={}", p.display()))
        .collect();
    recipe.bind(&bound).map_err(anyhow::Error::msg)?;
    let options = args.input.options(Sample::Full);
    let source = if input_files.is_empty() {
        None
    } else {
        Some(source::open(&input_files, &options)?)
    };
    let schema = match &source {
        Some(src) => {
            let input = src.schema()?;
            recipe::fits(&recipe, &input, recipe_path, &input_files)?;
            Some(input)
        }
        None => None,
    };
    let read = match &source {
        Some(src) => ReadSpec::from_source(src, &options).map_err(|e| anyhow::anyhow!(e))?,
        None => ReadSpec::from_options(&options),
    };
    for w in &read.warnings {
        eprintln!("warning: {w}");
    }
    let shown = recipe_path.display().to_string();
    let text = match args.to {
        Target::Pyspark => {
            let job = pyspark::job(
                &recipe,
                &JobInfo {
                    recipe_path: &shown,
                    read: &read,
                    tables: &table_reads(&recipe)?,
                },
            )?;
            match (&rules, &args.rules) {
                (Some(rules), Some(path)) => {
                    export::rules::with_rules(&job, rules, &path.display().to_string())?
                }
                _ => job,
            }
        }
        Target::Sql => {
            let Some(schema) = &schema else {
                bail!(
                    "--to sql needs the input's columns: give a sample with --input (SQL has no \"every column but this one\")"
                );
            };
            sql::query(&recipe, schema, &args.table, Some(&read))?
        }
        Target::Databrew => {
            let (text, left_out) = databrew::export(&recipe, schema.as_ref(), args.partial)?;
            if !left_out.is_empty() {
                eprintln!(
                    "warning: {} step(s) have no DataBrew equivalent and were left out:",
                    left_out.len()
                );
                for u in &left_out {
                    eprintln!("  {u}");
                }
            }
            text
        }
    };
    write_out(&args, &text)
}

fn write_out(args: &ExportArgs, text: &str) -> anyhow::Result<ExitCode> {
    match &args.output {
        None => super::print_stdout(text)?,
        Some(path) => source::write::write_text_atomic(path, text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `wort export --rules R --to pyspark`: the check job, reading the input the way wort
/// reads the sample given with --input.
fn export_check_job(args: &ExportArgs, rules: &dqdl::Ruleset) -> anyhow::Result<ExitCode> {
    let options = args.input.options(Sample::Full);
    let read = if args.input_files.is_empty() {
        eprintln!(
            "note: no sample given (--input SAMPLE): the job reads every CSV column as text, so rules that need numbers or dates (Mean, Sum, between on a date...) compare text or report an error; give a sample so the job reads the types wort infers"
        );
        ReadSpec::from_options(&options)
    } else {
        let src = source::open(&args.input_files, &options)?;
        ReadSpec::from_source(&src, &options).map_err(|e| anyhow::anyhow!(e))?
    };
    for w in &read.warnings {
        eprintln!("warning: {w}");
    }
    let rules_path = args
        .rules
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let text = export::rules::check_job(
        rules,
        &export::rules::RulesInfo {
            rules_path: &rules_path,
            read: &read,
        },
    )?;
    write_out(args, &text)
}

/// How the job reads each file the recipe joins or appends: the way wort reads it now,
/// when it is there; as text otherwise (the job's header says so).
fn table_reads(recipe: &Recipe) -> anyhow::Result<Vec<TableRead>> {
    let mut out = Vec::new();
    for name in recipe.tables() {
        let path = recipe.files.path(&name);
        let options = ReadOptions {
            sample: Some(Sample::Full),
            ..ReadOptions::default()
        };
        let read = if path.exists() {
            let shown = path.display().to_string();
            let src = source::open(std::slice::from_ref(&shown), &options)?;
            ReadSpec::from_source(&src, &options).map_err(|e| anyhow::anyhow!(e))?
        } else {
            ReadSpec::from_options(&options)
        };
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        out.push(TableRead {
            stem: recipe::table_stem(&name),
            name,
            path: path.display().to_string(),
            read,
        });
    }
    Ok(out)
}
