//! `wort import`: a DataBrew recipe (JSON) as a wort recipe.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::InputArgs;
use crate::export::databrew;
use crate::source::{self, Sample};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The DataBrew recipe: its JSON download, `describe-recipe` output or a
    /// CloudFormation template.
    pub databrew: PathBuf,
    /// Output recipe file (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write the steps that map and list the others on stderr, instead of failing.
    #[arg(long)]
    pub partial: bool,
    /// A sample of the input: its columns place MOVE_AFTER/MOVE_BEFORE/MOVE_TO_END and
    /// type the values of conditions; the recipe is checked against it.
    #[arg(long = "input", value_name = "SAMPLE", num_args = 1..)]
    pub input_files: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &args.output {
        crate::guard::Inputs::new()
            .file("DataBrew recipe", &args.databrew)
            .data(&args.input_files)
            .check("-o", out)?;
    }
    let text = std::fs::read_to_string(&args.databrew)
        .with_context(|| format!("cannot read {}", args.databrew.display()))?;
    let steps = databrew::parse_steps(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.databrew.display()))?;
    let schema = if args.input_files.is_empty() {
        None
    } else {
        let src = source::open(&args.input_files, &args.input.options(Sample::INTERACTIVE))?;
        Some(src.schema()?)
    };
    let imported = databrew::import(&steps, schema.as_ref());
    if !imported.unmapped.is_empty() {
        if !args.partial {
            return Err(databrew::unmapped_error(&imported.unmapped).into());
        }
        eprintln!(
            "warning: {} DataBrew step(s) have no wort equivalent and were left out:",
            imported.unmapped.len()
        );
        for u in &imported.unmapped {
            eprintln!("  {u}");
        }
    }
    if let Some(schema) = &schema
        && let Err(problems) = crate::recipe::validate(&imported.recipe, schema)
    {
        eprintln!("warning: the imported recipe does not fit the input:");
        for p in &problems {
            eprintln!("  {p}");
        }
    }
    let json = databrew::imported_recipe_json(&imported, &args.databrew.display().to_string());
    match &args.output {
        None => super::print_stdout(&json)?,
        Some(path) => source::write::write_text_atomic(path, &json)?,
    }
    Ok(ExitCode::SUCCESS)
}
