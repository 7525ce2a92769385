//! Jump to a column by fuzzy name (`c`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{frame_box, hint};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::fuzzy;
use crate::tui::input::LineInput;

pub struct JumpPopup {
    pub input: LineInput,
    pub columns: Vec<String>,
    pub matches: Vec<usize>,
    pub selected: usize,
}

impl JumpPopup {
    pub fn new(columns: Vec<String>) -> JumpPopup {
        let matches = (0..columns.len()).collect();
        JumpPopup {
            input: LineInput::default(),
            columns,
            matches,
            selected: 0,
        }
    }
}

pub fn handle(app: &mut App, p: &mut JumpPopup, action: Action) -> bool {
    match action {
        Action::Close => return false,
        Action::Up | Action::PrevField => p.selected = p.selected.saturating_sub(1),
        Action::Down | Action::NextField => {
            p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1))
        }
        Action::Left => p.input.left(),
        Action::Right => p.input.right(),
        Action::Confirm => {
            if let Some(i) = p.matches.get(p.selected) {
                app.state.grid.col = *i;
                app.state.panel_scroll = 0;
                app.state.message = Some(crate::tui::app::info(&format!(
                    "column {} of {}: {}",
                    i + 1,
                    p.columns.len(),
                    p.columns[*i]
                )));
                app.scroll_into_view();
            }
            return false;
        }
        Action::Input(k) if p.input.handle(&k) => {
            p.matches = fuzzy::rank(p.input.text(), &p.columns);
            p.selected = 0;
        }
        _ => {}
    }
    true
}

pub fn render(frame: &mut Frame, area: Rect, p: &JumpPopup) {
    let width = 50.min(area.width);
    let height = (p.columns.len() as u16 + 4).clamp(6, 20).min(area.height);
    let popup = super::centered(area, width, height);
    let inner = frame_box(frame, popup, "jump to column");
    let mut lines = vec![Line::from(
        [
            vec![Span::styled("› ", Style::default().fg(Color::Cyan))],
            p.input.line(inner.width as usize - 2, true, "").spans,
        ]
        .concat(),
    )];
    let rows = inner.height.saturating_sub(2) as usize;
    let start = p.selected.saturating_sub(rows.saturating_sub(1));
    for (n, i) in p.matches.iter().enumerate().skip(start).take(rows) {
        let style = if n == p.selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::styled(
            format!(" {:>3}  {}", i + 1, p.columns[*i]),
            style,
        ));
    }
    if p.matches.is_empty() {
        lines.push(Line::styled(" no column matches", hint()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.render_widget(
        Paragraph::new(Line::styled("Enter jump · Esc close", hint())),
        Rect::new(
            inner.x,
            inner.y + inner.height.saturating_sub(1),
            inner.width,
            1,
        ),
    );
}
