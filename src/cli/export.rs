//! `wort export`: a recipe as a PySpark job, a Spark SQL query or DataBrew recipe JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};

use super::InputArgs;
use crate::export::pyspark::{self, JobInfo, TableRead};
use crate::export::read::ReadSpec;
use crate::export::{databrew, sql};
use crate::recipe::{self, Recipe};
use crate::source::{self, ReadOptions, Sample};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The recipe (JSON).
    pub recipe: PathBuf,
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
        crate::guard::Inputs::new()
            .file("recipe", &args.recipe)
            .data(&args.input_files)
            .check("-o", out)?;
    }
    let mut recipe = Recipe::load(&args.recipe)?;
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
            recipe::fits(&recipe, &input, &args.recipe, &input_files)?;
            Some(input)
        }
        None => None,
    };
    let read = match &source {
        Some(src) => ReadSpec::from_source(src, &options).map_err(|e| anyhow::anyhow!(e))?,
        None => ReadSpec::from_options(&options),
    };
    let recipe_path = args.recipe.display().to_string();
    let text = match args.to {
        Target::Pyspark => pyspark::job(
            &recipe,
            &JobInfo {
                recipe_path: &recipe_path,
                read: &read,
                tables: &table_reads(&recipe)?,
            },
        )?,
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
    match &args.output {
        None => super::print_stdout(&text)?,
        Some(path) => source::write::write_text_atomic(path, &text)?,
    }
    Ok(ExitCode::SUCCESS)
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
