//! `wort open` (and `wort <FILE>`): the interactive workbench.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::InputArgs;
use crate::source::Sample;
use crate::tui::{self, OpenOptions, session::Dirs};

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Input files or glob patterns, read as one dataset.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<String>,
    /// Recipe file: replayed on the sample when it exists, written by Ctrl-s.
    #[arg(long, value_name = "RECIPE.json")]
    pub recipe: Option<PathBuf>,
    /// Rules file (DQDL): loaded when it exists, written by Ctrl-s.
    #[arg(long, value_name = "RULES.dqdl")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: OpenArgs) -> anyhow::Result<ExitCode> {
    if args.inputs.is_empty() {
        anyhow::bail!("give a file to open: wort <FILE> or wort open <FILE> (see wort --help)");
    }
    if args.inputs.iter().any(|i| i == "-") {
        anyhow::bail!(
            "wort open cannot read data from standard input (-): the workbench reads keys from \
             the terminal there; save the data to a file and open that, or use wort inspect, \
             run, profile or check, which read -"
        );
    }
    // `wort rnu` is more likely a mistyped command than a file.
    if let [one] = args.inputs.as_slice()
        && !one.contains(['.', '/', '\\', '*', '?'])
        && !std::path::Path::new(one).exists()
    {
        use clap::CommandFactory;
        let cmd = super::Cli::command();
        let names: Vec<&str> = cmd
            .get_subcommands()
            .map(|c| c.get_name())
            .filter(|n| *n != "help")
            .collect();
        let hint = match crate::util::did_you_mean(one, names.iter().copied()) {
            Some(c) => format!("did you mean `wort {c}`?"),
            None => format!("the commands are {}", names.join(", ")),
        };
        anyhow::bail!("no file or command {one:?}; {hint}");
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!(
            "the workbench needs a terminal; for scripts use wort run, wort profile or wort check"
        );
    }
    let opts = OpenOptions {
        inputs: args.inputs.clone(),
        read: args.input.options(Sample::INTERACTIVE),
        recipe: args.recipe,
        rules: args.rules,
        dirs: Dirs::from_env(),
        size: (80, 24),
    };
    tui::run(opts)?;
    Ok(ExitCode::SUCCESS)
}
