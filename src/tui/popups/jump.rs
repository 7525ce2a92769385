//! Jump to a column by fuzzy name (`c`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Outcome, filter_line, footer, frame_box, hint, list_nav, list_start};
use crate::tui::action::Action;
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

pub fn handle(p: &mut JumpPopup, action: Action) -> Outcome {
    match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => {
            return match p.matches.get(p.selected) {
                Some(i) => Outcome::run(Action::JumpToColumn(*i)),
                None => Outcome::Close,
            };
        }
        Action::Input(k) if p.input.handle(&k) => {
            p.matches = fuzzy::rank(p.input.text(), &p.columns);
            p.selected = 0;
        }
        a => {
            list_nav(&a, &mut p.selected, p.matches.len(), &mut p.input);
        }
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &JumpPopup) {
    let width = 50.min(area.width);
    let height = (p.columns.len() as u16 + 4).clamp(6, 20).min(area.height);
    let popup = super::centered(area, width, height);
    let inner = frame_box(frame, popup, "jump to column");
    let mut lines = vec![filter_line("› ", &p.input, inner.width as usize)];
    let rows = inner.height.saturating_sub(2) as usize;
    let start = list_start(p.selected, rows);
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
    footer(frame, inner, "Enter jump · Esc close");
}
