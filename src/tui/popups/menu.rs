//! The transform menu (`t`): every recipe step, by category.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Outcome, cut, footer, frame_box, hint, typed};
use crate::tui::action::Action;
use crate::tui::steps::{self, OpSpec};

#[derive(Debug, Clone, Default)]
pub struct MenuPopup {
    pub category: usize,
    pub item: usize,
}

/// Categories in menu order with their ops.
pub fn categories() -> Vec<(&'static str, Vec<&'static OpSpec>)> {
    let mut out: Vec<(&'static str, Vec<&'static OpSpec>)> = Vec::new();
    for s in steps::catalogue() {
        match out.iter_mut().find(|(c, _)| *c == s.category) {
            Some((_, v)) => v.push(s),
            None => out.push((s.category, vec![s])),
        }
    }
    out
}

pub fn handle(p: &mut MenuPopup, action: Action) -> Outcome {
    let cats = categories();
    let n_items = |c: usize| cats.get(c).map_or(0, |(_, v)| v.len());
    let down = action == Action::Down || typed(&action, 'j');
    let up = action == Action::Up || typed(&action, 'k');
    let left = action == Action::Left || action == Action::PrevField || typed(&action, 'h');
    let right = action == Action::Right || action == Action::NextField || typed(&action, 'l');
    if action == Action::PageDown {
        p.item = (p.item + super::LIST_PAGE).min(n_items(p.category).saturating_sub(1));
    } else if action == Action::PageUp {
        p.item = p.item.saturating_sub(super::LIST_PAGE);
    } else if down {
        p.item = (p.item + 1).min(n_items(p.category).saturating_sub(1));
    } else if up {
        p.item = p.item.saturating_sub(1);
    } else if left {
        p.category = (p.category + cats.len() - 1) % cats.len().max(1);
        p.item = 0;
    } else if right {
        p.category = (p.category + 1) % cats.len().max(1);
        p.item = 0;
    } else if action == Action::Confirm {
        return match cats.get(p.category).and_then(|(_, v)| v.get(p.item)) {
            Some(op) => Outcome::run(Action::OpenStep(op.name.clone())),
            None => Outcome::Close,
        };
    } else if action == Action::Close || typed(&action, 'q') || typed(&action, 't') {
        return Outcome::Close;
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &MenuPopup) {
    let cats = categories();
    let most = cats.iter().map(|(_, v)| v.len()).max().unwrap_or(1) as u16;
    let height = (most.max(cats.len() as u16) + 5).min(area.height);
    let width = area.width.saturating_sub(8).clamp(40, 80);
    let popup = super::centered(area, width, height);
    let inner = frame_box(frame, popup, "transform");
    let cat_w = 16u16.min(inner.width / 3);
    let list_h = inner.height.saturating_sub(3);
    let cat_lines: Vec<Line> = cats
        .iter()
        .enumerate()
        .map(|(i, (c, _))| {
            let style = if i == p.category {
                Style::default()
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(format!(" {:<w$}", c, w = cat_w as usize - 1), style)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(cat_lines),
        Rect::new(inner.x, inner.y, cat_w, list_h),
    );
    let items = cats
        .get(p.category)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let item_w = inner.width.saturating_sub(cat_w + 1) as usize;
    let item_lines: Vec<Line> = items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let style = if i == p.item {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(
                format!(
                    " {:<12} {}",
                    s.name,
                    cut(&s.summary, item_w.saturating_sub(15))
                ),
                style,
            )
        })
        .collect();
    frame.render_widget(
        Paragraph::new(item_lines),
        Rect::new(inner.x + cat_w + 1, inner.y, item_w as u16, list_h),
    );
    if let Some(s) = items.get(p.item) {
        frame.render_widget(
            Paragraph::new(Line::styled(s.doc.clone(), hint())).wrap(Wrap { trim: true }),
            Rect::new(inner.x, inner.y + list_h, inner.width, 2),
        );
    }
    footer(
        frame,
        inner,
        "←→ category · ↑↓ step · Enter open the form · Esc close",
    );
}
