//! The `wort` binary: parse arguments, run, map errors to exit codes.

use std::process::ExitCode;

#[global_allocator]
static ALLOC: wort::oom::Reporting = wort::oom::Reporting;

fn main() -> ExitCode {
    // Ctrl-C (or SIGTERM, SIGHUP): remove the half-written output, give the terminal
    // back if the workbench holds it, then leave with the conventional code.
    wort::oom::before_exit(wort::tui::restore_if_active);
    wort::oom::report_resource_panics();
    let _ = ctrlc::set_handler(|| {
        wort::source::write::remove_in_progress();
        wort::tui::restore_if_active();
        std::process::exit(130);
    });
    match wort::cli::main() {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
