//! Edit one rule (an accepted rule, or a suggestion before accepting it), with the
//! DQDL parse error shown under the text as you type.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{footer, frame_box};
use crate::quality::dqdl::{self, ParseError};
use crate::tui::action::Action;
use crate::tui::app::{App, info};
use crate::tui::input::LineInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Rule `i` of the ruleset.
    Rule(usize),
    /// Suggestion `i`: accepted as edited.
    Suggestion(usize),
}

pub struct RuleEdit {
    pub target: Target,
    pub input: LineInput,
    pub error: Option<ParseError>,
}

impl RuleEdit {
    pub fn new(target: Target, text: &str) -> RuleEdit {
        RuleEdit {
            target,
            input: LineInput::new(text),
            error: None,
        }
    }
}

pub fn handle(app: &mut App, p: &mut RuleEdit, action: Action) -> bool {
    match action {
        Action::Close => return false,
        Action::Left => p.input.left(),
        Action::Right => p.input.right(),
        Action::Input(k) if p.input.handle(&k) => {
            p.error = dqdl::parse_rule(p.input.text()).err();
        }
        Action::Confirm => {
            let entry = match dqdl::parse_rule(p.input.text()) {
                Ok(e) => e,
                Err(e) => {
                    p.error = Some(e);
                    return true;
                }
            };
            let rules = &mut app.state.rules;
            if rules.error.is_some() {
                app.state.message = Some(crate::tui::app::error(
                    "the rules have a DQDL error: fix it first (E edits the rules)",
                ));
                return false;
            }
            let mut rs = rules.ruleset.clone();
            match p.target {
                Target::Rule(i) => {
                    if let Some(old) = rs.rules.items.get_mut(i) {
                        let comments = std::mem::take(&mut old.comments);
                        *old = entry;
                        if old.comments.is_empty() {
                            old.comments = comments;
                        }
                    }
                }
                Target::Suggestion(i) => {
                    if i < rules.suggestions.len() {
                        let s = rules.suggestions.remove(i);
                        let mut entry = entry;
                        if entry.comments.is_empty() {
                            entry.comments = s.entry.comments;
                        }
                        rs.rules.items.push(entry);
                    }
                }
            }
            rules.set_text(dqdl::print(&rs));
            app.state.message = Some(info(&format!("rule saved: {}", p.input.text().trim())));
            return false;
        }
        _ => {}
    }
    true
}

pub fn render(frame: &mut Frame, area: Rect, p: &RuleEdit) {
    let popup = super::centered(area, area.width.saturating_sub(6).clamp(40, 110), 9);
    let title = match p.target {
        Target::Rule(i) => format!("edit Rule_{}", i + 1),
        Target::Suggestion(_) => "edit and accept the suggested rule".into(),
    };
    let inner = frame_box(frame, popup, &title);
    let w = inner.width as usize;
    let mut lines = vec![Line::from(p.input.line(w, true, "").spans)];
    match &p.error {
        Some(e) => {
            let caret = " ".repeat(e.column.saturating_sub(1) as usize);
            lines.push(Line::from(vec![
                Span::raw(caret),
                Span::styled("^", Style::default().fg(Color::Red)),
            ]));
            lines.push(Line::styled(
                format!("column {}: {}", e.column, e.message),
                Style::default().fg(Color::Red),
            ));
        }
        None => lines.push(Line::styled(
            "✓ valid DQDL",
            Style::default().fg(Color::Green),
        )),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    footer(frame, inner, "Enter save · Esc cancel");
}
