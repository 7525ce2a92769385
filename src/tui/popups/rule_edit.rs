//! Edit one rule (an accepted rule, or a suggestion before accepting it), with the
//! DQDL parse error shown under the text as you type.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Outcome, footer, frame_box};
use crate::quality::dqdl::{self, ParseError};
use crate::tui::action::{Action, RuleTarget};
use crate::tui::input::LineInput;

pub struct RuleEdit {
    pub target: RuleTarget,
    pub input: LineInput,
    pub error: Option<ParseError>,
}

impl RuleEdit {
    pub fn new(target: RuleTarget, text: &str) -> RuleEdit {
        RuleEdit {
            target,
            input: LineInput::new(text),
            error: None,
        }
    }
}

pub fn handle(p: &mut RuleEdit, action: Action) -> Outcome {
    match action {
        Action::Close => return Outcome::Close,
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
                    return Outcome::Keep;
                }
            };
            return Outcome::run(Action::SaveRule {
                target: p.target,
                entry: Box::new(entry),
                text: p.input.text().trim().to_string(),
            });
        }
        _ => {}
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &RuleEdit) {
    let popup = super::centered(area, area.width.saturating_sub(6).clamp(40, 110), 9);
    let title = match p.target {
        RuleTarget::Rule(i) => format!("edit Rule_{}", i + 1),
        RuleTarget::Suggestion(_) => "edit and accept the suggested rule".into(),
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
