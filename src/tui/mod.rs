//! The workbench: an interactive terminal UI over a sample of the data.
//!
//! ```text
//! key ─ keymap ─> Action ─ App::update ─> State ─ views (&State, popup) ─> screen
//!                            │ ▲ │ ▲
//!                            │ │ │ └── Outcome: keep or close, actions to run
//!                            │ │ └──> open popup: changes its own fields, reads &State
//!                   Job ─ worker thread ─ Msg (progress, results)
//! ```
//!
//! - [`action`]: the `Action` enum (serde names, doc lines); [`keymap`]: keys to
//!   actions by context, with overrides from `keymap.toml`.
//! - [`app`]: `App::update`, job orchestration.
//! - [`history`]: the undo history, revisions of the recipe and a cursor.
//! - [`state`]: what the views read. [`views`] and [`popups`]: drawing. A popup
//!   also handles the keys given to it: it changes its own fields, reads the state
//!   and answers with a [`popups::Outcome`] that `App::update` carries out; the open
//!   popup is `App::popup`, beside the state.
//! - [`worker`]: sampling, applying steps, profiling, rules, previews and search run
//!   on their own threads; [`frames`]: frames cached by the steps that made them.
//! - [`steps`]: the step catalogue generated from the recipe's JSON Schema, from which
//!   every step's form is built.
//!
//! Every change to the data is a recipe step applied through `recipe::apply`, one
//! step at a time on the cached frame before it, so the recipe saved here gives the
//! same result through `wort run`.

pub mod action;
pub mod app;
pub mod fixes;
pub mod frames;
pub mod frequency;
mod fuzzy;
pub mod history;
pub mod input;
pub mod keymap;
pub mod popups;
pub mod query;
pub mod session;
pub mod state;
pub mod steps;
pub mod view_sort;
pub mod views;
pub mod worker;

use std::io;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub use action::Action;
pub use app::{App, OpenOptions};
pub use keymap::Keymap;

/// Put the terminal back as it was (raw mode off, mouse released, main screen, cursor
/// shown).
fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Whether the workbench holds the terminal (raw mode, alternate screen).
static ACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Give the terminal back if the workbench holds it: for the signal handler (SIGINT,
/// SIGTERM, SIGHUP from outside), which then exits.
pub fn restore_if_active() {
    if ACTIVE.swap(false, std::sync::atomic::Ordering::SeqCst) {
        restore_terminal();
    }
}

/// Restores the terminal when dropped (on return and on error).
struct TerminalGuard;

impl TerminalGuard {
    fn new() -> Self {
        ACTIVE.store(true, std::sync::atomic::Ordering::SeqCst);
        TerminalGuard
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_if_active();
    }
}

/// A panic on the UI thread restores the terminal before the message is printed;
/// panics on job threads are caught and reported in the status line instead, so
/// their messages are not printed over the screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let name = std::thread::current().name().map(str::to_string);
        if name.as_deref() == Some("wort-job") {
            return;
        }
        restore_if_active();
        previous(info);
    }));
}

/// Run the workbench in the terminal until the user quits.
pub fn run(mut opts: OpenOptions) -> anyhow::Result<()> {
    if let Ok((w, h)) = ratatui::crossterm::terminal::size() {
        opts.size = (w, h);
    }
    let mut app = App::new(opts)?;
    install_panic_hook();
    let _guard = TerminalGuard::new();
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let result = event_loop(&mut terminal, &mut app);
    drop(terminal);
    drop(_guard);
    result?;
    if let Some(e) = app.fatal() {
        anyhow::bail!("{e}");
    }
    Ok(())
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    app: &mut App,
) -> anyhow::Result<()> {
    let mut dirty = true;
    loop {
        if dirty || app.state.busy() {
            terminal.draw(|f| app.draw(f))?;
            dirty = false;
        }
        if app.state.quit {
            return Ok(());
        }
        let timeout = if app.state.busy() {
            Duration::from_millis(80)
        } else {
            Duration::from_millis(400)
        };
        if event::poll(timeout)? {
            // Take every pending event before drawing again, so a held key does not
            // queue up frames.
            loop {
                let changed = match event::read()? {
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        app.handle_key(k);
                        true
                    }
                    Event::Resize(w, h) => {
                        app.update(Action::Resize(w, h));
                        true
                    }
                    // The pointer moving over the screen changes nothing.
                    Event::Mouse(m) => app.handle_mouse(m),
                    _ => true,
                };
                dirty |= changed;
                if app.state.quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if app.poll_jobs() {
            dirty = true;
        }
    }
}
