//! The fix steps proposed for a failing rule (`m` in the rules panel): Enter opens the
//! chosen step's form, filled in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Outcome, cut, footer, frame_box, hint, list_start, typed};
use crate::tui::action::Action;
use crate::tui::fixes::Fix;

pub struct FixesPopup {
    /// The rule, as written.
    pub rule: String,
    /// Its outcome line ("fails: 12 of 300 rows").
    pub status: String,
    pub fixes: Vec<Fix>,
    pub selected: usize,
}

pub fn handle(p: &mut FixesPopup, action: Action) -> Outcome {
    let n = p.fixes.len();
    match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => {
            if let Some(f) = p.fixes.get(p.selected) {
                return Outcome::run(Action::OpenFilledStep(Box::new(f.step.clone())));
            }
        }
        Action::PageUp => p.selected = p.selected.saturating_sub(super::LIST_PAGE),
        Action::PageDown => p.selected = (p.selected + super::LIST_PAGE).min(n.saturating_sub(1)),
        Action::Up | Action::PrevField => p.selected = p.selected.saturating_sub(1),
        Action::Down | Action::NextField => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        a if typed(&a, 'k') => p.selected = p.selected.saturating_sub(1),
        a if typed(&a, 'j') => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        _ => {}
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &FixesPopup) {
    let width = area.width.saturating_sub(4).clamp(40, 110);
    let height = (p.fixes.len() as u16 + 6).min(area.height);
    let popup = super::centered(area, width, height);
    let inner = frame_box(frame, popup, "fix steps");
    let w = inner.width as usize;
    let mut lines = vec![
        Line::raw(cut(&p.rule, w)),
        Line::styled(cut(&p.status, w), hint()),
        Line::raw(""),
    ];
    let rows = inner.height.saturating_sub(4) as usize;
    let start = list_start(p.selected, rows);
    for (i, f) in p.fixes.iter().enumerate().skip(start).take(rows) {
        let style = if i == p.selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::styled(
            cut(&format!(" {}. {}", i + 1, f.label), w),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    footer(
        frame,
        inner,
        &cut(
            "Enter open the step (previewed; Enter again applies) · ↑↓ choose · Esc close",
            w,
        ),
    );
}
