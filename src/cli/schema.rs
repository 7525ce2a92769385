//! `wort schema`: JSON Schemas of the file formats, for editors.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::recipe::Recipe;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which format.
    #[arg(value_enum)]
    pub what: SchemaKind,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// The recipe JSON format.
    Recipe,
}

pub fn run(args: SchemaArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        SchemaKind::Recipe => {
            let text = serde_json::to_string_pretty(&Recipe::json_schema())?;
            super::print_stdout(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
