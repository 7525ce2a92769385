//! The command line: clap derive, one file per subcommand.

mod input;
mod inspect;
mod run;
mod schema;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use input::InputArgs;

/// wort: prepare and check data in the terminal.
#[derive(Debug, Parser)]
#[command(name = "wort", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 data-quality failure, 2 usage, input or recipe error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay a recipe over the full input and write the result (CSV, Parquet or NDJSON).
    Run(run::RunArgs),
    /// Show how wort reads a file: dialect, null tokens, types and the first rows.
    Inspect(inspect::InspectArgs),
    /// Print the JSON Schema of a file format (for editors).
    Schema(schema::SchemaArgs),
}

/// Parse the command line and run it. Returns the process exit code.
pub fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Schema(args) => schema::run(args),
    }
}

/// Write `text` and a newline to stdout. A closed pipe (`wort ... | head`) surfaces as an
/// io::Error of kind BrokenPipe, which `main` treats as success.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()
}
