//! The DQDL editor (`E` in the rules panel): the whole ruleset as text, parsed as you
//! type, the error shown inline under its line and column. The rules panel follows
//! every version that parses: every change of the text goes to the state
//! (`Action::SetRulesText`), and the error shown is the state's.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Outcome, footer, frame_box, hint};
use crate::tui::action::Action;
use crate::tui::input::TextArea;
use crate::tui::state::State;

pub struct RulesEditor {
    pub area: TextArea,
}

/// What a new ruleset starts with.
const TEMPLATE: &str = "Rules = [\n    \n]\n";

impl RulesEditor {
    pub fn new(text: &str) -> RulesEditor {
        let empty = text.trim().is_empty();
        let mut area = TextArea::new(if empty { TEMPLATE } else { text });
        if empty {
            area.goto(1, 4);
        }
        RulesEditor { area }
    }
}

pub fn handle(p: &mut RulesEditor, action: Action) -> Outcome {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let changed = match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => p.area.handle(&key(KeyCode::Enter)),
        Action::NextField => p.area.handle(&key(KeyCode::Tab)),
        Action::Up => p.area.handle(&key(KeyCode::Up)),
        Action::Down => p.area.handle(&key(KeyCode::Down)),
        Action::Left => p.area.handle(&key(KeyCode::Left)),
        Action::Right => p.area.handle(&key(KeyCode::Right)),
        Action::PageUp => {
            for _ in 0..10 {
                p.area.up();
            }
            false
        }
        Action::PageDown => {
            for _ in 0..10 {
                p.area.down();
            }
            false
        }
        Action::Input(k) => p.area.handle(&k),
        _ => false,
    };
    if !changed {
        return Outcome::Keep;
    }
    let text = p.area.text();
    let is_template = text.trim() == TEMPLATE.trim() || text.trim() == "Rules = [\n]";
    Outcome::apply(Action::SetRulesText(if is_template {
        String::new()
    } else {
        text
    }))
}

pub fn render(frame: &mut Frame, area: Rect, p: &RulesEditor, state: &State) {
    let error = state.rules.error.as_ref();
    let popup = super::centered(
        area,
        area.width.saturating_sub(4).clamp(40, 110),
        area.height.saturating_sub(2).max(8),
    );
    let inner = frame_box(frame, popup, "rules (DQDL)");
    let body_h = inner.height.saturating_sub(3) as usize;
    let (row, col) = p.area.cursor();
    let start = row.saturating_sub(body_h.saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    let num_w = 4;
    let text_w = (inner.width as usize).saturating_sub(num_w + 1);
    for (i, l) in p.area.lines().iter().enumerate().skip(start).take(body_h) {
        let err_line = error.is_some_and(|e| e.line as usize == i + 1);
        let num_style = if err_line {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            hint()
        };
        let mut spans = vec![Span::styled(format!("{:>3} ", i + 1), num_style)];
        let chars: Vec<char> = l.chars().collect();
        let hscroll = if i == row {
            (col + 1).saturating_sub(text_w)
        } else {
            0
        };
        for (j, ch) in chars.iter().enumerate().skip(hscroll).take(text_w) {
            let mut style = Style::default();
            if i == row && j == col {
                style = style.add_modifier(Modifier::REVERSED);
            }
            if let Some(e) = error
                && e.line as usize == i + 1
                && e.column as usize == j + 1
            {
                style = style.fg(Color::Red).add_modifier(Modifier::UNDERLINED);
            }
            spans.push(Span::styled(ch.to_string(), style));
        }
        if i == row && col >= chars.len() {
            spans.push(Span::styled(
                " ",
                Style::default().add_modifier(Modifier::REVERSED),
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, body_h as u16),
    );
    let status = match error {
        Some(e) => Line::styled(
            format!("✗ line {}, column {}: {}", e.line, e.column, e.message),
            Style::default().fg(Color::Red),
        ),
        None => Line::styled(
            "✓ parses; the rules panel shows live results",
            Style::default().fg(Color::Green),
        ),
    };
    frame.render_widget(
        Paragraph::new(status),
        Rect::new(inner.x, inner.y + body_h as u16, inner.width, 2),
    );
    footer(
        frame,
        inner,
        "type DQDL · Enter new line · Esc close (the rules keep what you wrote)",
    );
}
