//! The command line: clap derive, one file per subcommand.

mod check;
mod cluster;
mod export;
mod import;
mod input;
mod inspect;
mod open;
mod profile;
mod rules;
mod run;
mod schema;
mod sql;
mod suggest;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use input::InputArgs;

/// wort: prepare and check data in the terminal.
///
/// `wort <FILE>` opens the interactive workbench on a sample of FILE (the same as
/// `wort open <FILE>`); the commands below work without it.
#[derive(Debug, Parser)]
#[command(name = "wort", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 data-quality failure, 2 usage, input or recipe error."
)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    arg_required_else_help = true,
    override_usage = "wort <FILE>... [OPTIONS]\n       wort <COMMAND>"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open the workbench (`wort <FILE>`, the same as `wort open <FILE>`).
    #[command(flatten, next_help_heading = "Workbench (wort <FILE>)")]
    pub open: open::OpenArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive workbench on a sample: grid, profile, steps, rules.
    Open(open::OpenArgs),
    /// Replay a recipe over the full input and write the result (CSV, Parquet or NDJSON).
    Run(run::RunArgs),
    /// Show how wort reads a file: dialect, null tokens, types and the first rows.
    Inspect(inspect::InspectArgs),
    /// Column and dataset statistics: a terminal report or JSON (sample by default).
    Profile(profile::ProfileArgs),
    /// Suggest DQDL data-quality rules from the data's profile (a random 10,000-row sample by default).
    Suggest(suggest::SuggestArgs),
    /// Format (`fmt`), lint (`lint`) or backtest (`backtest`) a DQDL ruleset.
    Rules(rules::RulesArgs),
    /// Evaluate DQDL data-quality rules: exit 0 when all pass, 1 when any fails.
    Check(check::CheckArgs),
    /// Print the JSON Schema of a file format (for editors).
    Schema(schema::SchemaArgs),
    /// Export a recipe as a PySpark job, a Spark SQL query or DataBrew recipe JSON.
    Export(export::ExportArgs),
    /// Import a DataBrew recipe (JSON) as a wort recipe.
    Import(import::ImportArgs),
    /// Find values that look like spellings of the same thing (OpenRefine clustering).
    Cluster(cluster::ClusterArgs),
    /// Ask the data a SQL question: `data` is all inputs, each file is also a table by its stem.
    Sql(sql::SqlArgs),
}

/// Parse the command line and run it. Returns the process exit code.
pub fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        None => open::run(cli.open),
        Some(Command::Open(args)) => open::run(args),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Profile(args)) => profile::run(args),
        Some(Command::Suggest(args)) => suggest::run(args),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Rules(args)) => rules::run(args),
        Some(Command::Schema(args)) => schema::run(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Import(args)) => import::run(args),
        Some(Command::Cluster(args)) => cluster::run(args),
        Some(Command::Sql(args)) => sql::run(args),
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

/// How to style a report for a stream: colour only on a terminal and without
/// `NO_COLOR`; the width is the terminal's, else `$COLUMNS`, else 120.
pub fn term_style(stream: &impl std::io::IsTerminal) -> (bool, u16) {
    let tty = stream.is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let width = tty
        .then(|| ratatui::crossterm::terminal::size().ok().map(|(w, _)| w))
        .flatten()
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .unwrap_or(120);
    (color, width)
}
