//! Small prompts: quit with unsaved changes, restore an autosaved session, search.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Outcome, cut, frame_box, hint, typed};
use crate::tui::action::Action;
use crate::tui::input::LineInput;
use crate::tui::session::Session;
use crate::tui::state::State;

/// "Quit without saving?": `y` quits, `s` saves then quits, Esc or `n` stays.
pub fn quit(action: &Action) -> Outcome {
    if typed(action, 'y') || typed(action, 'Y') {
        return Outcome::run(Action::QuitWithoutSaving);
    }
    if typed(action, 's') {
        return Outcome::run(Action::SaveAndQuit);
    }
    if matches!(action, Action::Close) || typed(action, 'n') || typed(action, 'q') {
        return Outcome::Close;
    }
    Outcome::Keep
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
pub fn restore(sess: &Session, action: &Action) -> Outcome {
    if typed(action, 'y') || matches!(action, Action::Confirm) {
        return Outcome::run(Action::RestoreSession(Box::new(sess.clone())));
    }
    if typed(action, 'n') || matches!(action, Action::Close) {
        return Outcome::run(Action::DiscardSession);
    }
    Outcome::Keep
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
pub fn search(input: &mut LineInput, action: Action) -> Outcome {
    match action {
        Action::Close => Outcome::Close,
        Action::Confirm => Outcome::run(Action::RunSearch(input.text().to_string())),
        Action::Left => {
            input.left();
            Outcome::Keep
        }
        Action::Right => {
            input.right();
            Outcome::Keep
        }
        Action::Input(k) => {
            input.handle(&k);
            Outcome::Keep
        }
        _ => Outcome::Keep,
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

pub fn saved(found: &crate::tui::session::SavedFiles, action: &Action) -> Outcome {
    if typed(action, 'y') || matches!(action, Action::Confirm) {
        return Outcome::run(Action::LoadSaved(Box::new(found.clone())));
    }
    if typed(action, 'n') || matches!(action, Action::Close) {
        return Outcome::Close;
    }
    Outcome::Keep
}

pub fn render_saved(frame: &mut Frame, area: Rect, found: &crate::tui::session::SavedFiles) {
    let popup = super::centered(area, 72, 9);
    let inner = frame_box(frame, popup, "saved work");
    let w = inner.width as usize;
    let mut lines = vec![Line::styled(
        "Saved next to the data:",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if let Some(r) = &found.recipe {
        lines.push(Line::raw(cut(
            &format!(
                "  {} ({})",
                found.recipe_path.display(),
                crate::util::count_of(r.steps.len() as u64, "step", "steps")
            ),
            w,
        )));
    }
    if found.rules.is_some() {
        lines.push(Line::raw(cut(
            &format!("  {}", found.rules_path.display()),
            w,
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw("y  load them (Ctrl-s then saves there)"));
    lines.push(Line::raw("n  start with an empty recipe"));
    frame.render_widget(Paragraph::new(lines), inner);
}
