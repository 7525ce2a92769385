//! The cell and row detail popup (Enter on a cell): the whole value, and every
//! field of the row.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Outcome, above_footer, cut, footer, frame_box, hint, scroll, typed};
use crate::tui::action::Action;
use crate::tui::frames::Cell;
use crate::tui::state::State;

#[derive(Debug, Clone, Default)]
pub struct DetailPopup {
    pub scroll: u16,
}

pub fn handle(p: &mut DetailPopup, action: &Action) -> Outcome {
    match action {
        Action::Close | Action::Confirm => return Outcome::Close,
        a if typed(a, 'q') => return Outcome::Close,
        a => {
            scroll(&mut p.scroll, a, 10);
        }
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &DetailPopup, state: &State) {
    let Some((f, rows)) = state.displayed() else {
        return;
    };
    let (r, c) = (state.grid.row, state.grid.col);
    let Some(info) = f.columns.get(c) else {
        return;
    };
    let row_no = rows
        .and_then(|rs| rs.get(r).copied())
        .unwrap_or(r as u64 + 1);
    let width = area.width.saturating_sub(6).clamp(30, 100);
    let height = area.height.saturating_sub(4).max(8);
    let popup = super::centered(area, width, height);
    let inner = frame_box(
        frame,
        popup,
        &format!("row {row_no} · {} ({})", info.name, info.badge()),
    );
    let mut lines: Vec<Line> = Vec::new();
    let value = f.cell(r, c);
    match &value {
        Cell::Missing => lines.push(Line::styled("null (missing)", missing())),
        Cell::Empty => lines.push(Line::styled("\"\" (empty text)", empty())),
        Cell::Text(s) => {
            for l in s.split('\n') {
                lines.push(Line::raw(l.to_string()));
            }
            let n = s.chars().count();
            let mut notes = vec![format!("{n} characters")];
            if s.trim() != s {
                notes.push("leading or trailing whitespace".into());
            }
            if s.contains('\n') {
                notes.push(format!("{} lines", s.split('\n').count()));
            }
            lines.push(Line::styled(notes.join(" · "), hint()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "The row",
        Style::default().add_modifier(Modifier::BOLD),
    ));
    let name_w = f
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(4)
        .min(24);
    for (i, col) in f.columns.iter().enumerate() {
        let v = f.cell(r, i);
        let style = match v {
            Cell::Missing => missing(),
            Cell::Empty => empty(),
            Cell::Text(_) => Style::default(),
        };
        let marker = if i == c { "▸ " } else { "  " };
        lines.push(Line::from(vec![
            Span::raw(marker),
            Span::styled(
                format!("{:<name_w$} ", cut(&col.name, name_w)),
                Style::default().fg(Color::Cyan),
            ),
            Span::styled(
                cut(
                    &v.display(),
                    (inner.width as usize).saturating_sub(name_w + 3),
                ),
                style,
            ),
        ]));
    }
    let body = above_footer(inner);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((p.scroll, 0)),
        body,
    );
    footer(frame, inner, "↑↓ scroll · Esc close");
}

pub fn missing() -> Style {
    Style::default()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC)
}

pub fn empty() -> Style {
    Style::default().fg(Color::Yellow)
}
