//! Small prompts: quit with unsaved changes, restore an autosaved session, search.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{frame_box, hint, typed};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::session::Session;
use crate::tui::state::State;

/// "Quit without saving?": `y` quits, `s` saves then quits, Esc or `n` stays.
pub fn quit(app: &mut App, action: &Action) -> bool {
    if typed(action, 'y') || typed(action, 'Y') {
        app.quit_clean();
        return false;
    }
    if typed(action, 's') {
        app.state.quit_after_save = true;
        app.update(Action::Save);
        return false;
    }
    if matches!(action, Action::Close) || typed(action, 'n') || typed(action, 'q') {
        return false;
    }
    true
}

pub fn render_quit(frame: &mut Frame, area: Rect, state: &State) {
    let popup = super::centered(area, 58, 8);
    let inner = frame_box(frame, popup, "quit");
    let mut what = Vec::new();
    if state.recipe() != &state.saved.0 {
        let n = state.recipe().steps.len();
        what.push(format!(
            "the recipe ({n} step{})",
            if n == 1 { "" } else { "s" }
        ));
    }
    if state.rules.text.trim() != state.saved.1.trim() {
        what.push("the rules".to_string());
    }
    let lines = vec![
        Line::styled(
            format!("Unsaved changes to {}.", what.join(" and ")),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
        Line::raw("y  quit without saving"),
        Line::raw("s  save, then quit"),
        Line::raw("n  stay (Esc)"),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// "Restore the autosaved session?": `y` restores, `n` discards it.
pub fn restore(app: &mut App, sess: &mut Session, action: &Action) -> bool {
    if typed(action, 'y') || matches!(action, Action::Confirm) {
        app.restore(sess.clone());
        return false;
    }
    if typed(action, 'n') || matches!(action, Action::Close) {
        app.discard_session();
        return false;
    }
    true
}

pub fn render_restore(frame: &mut Frame, area: Rect, sess: &Session) {
    let popup = super::centered(area, 64, 9);
    let inner = frame_box(frame, popup, "restore");
    let rules = sess
        .rules
        .lines()
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && !t.starts_with("Rules") && t != "]"
        })
        .count();
    let lines = vec![
        Line::styled(
            "wort was not closed cleanly last time.",
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            "An autosaved session from {} has {} step(s) and {} rule line(s).",
            sess.saved_at,
            sess.recipe.steps.len(),
            rules
        )),
        Line::raw(""),
        Line::raw("y  restore it"),
        Line::raw("n  start afresh (the autosave is deleted)"),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The search prompt: Enter searches, Esc closes.
pub fn search(app: &mut App, input: &mut LineInput, action: Action) -> bool {
    match action {
        Action::Close => false,
        Action::Confirm => {
            app.run_search(input.text().to_string());
            false
        }
        Action::Left => {
            input.left();
            true
        }
        Action::Right => {
            input.right();
            true
        }
        Action::Input(k) => {
            input.handle(&k);
            true
        }
        _ => true,
    }
}

/// The search prompt line.
pub fn search_line(input: &LineInput, width: usize) -> Line<'static> {
    let mut spans = vec![ratatui::text::Span::styled(
        "/",
        Style::default().fg(Color::Cyan),
    )];
    spans.extend(input.line(width.saturating_sub(30), true, "").spans);
    spans.push(ratatui::text::Span::styled(
        "   Enter search · Esc cancel",
        hint(),
    ));
    Line::from(spans)
}
