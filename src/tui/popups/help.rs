//! The help screen (`?`), generated from the keymap in effect.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Outcome, above_footer, footer, frame_box, scroll, typed};
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::state::State;

#[derive(Debug, Clone, Default)]
pub struct HelpPopup {
    pub scroll: u16,
}

pub fn handle(p: &mut HelpPopup, action: &Action) -> Outcome {
    match action {
        Action::Close | Action::Confirm => return Outcome::Close,
        a if typed(a, '?') || typed(a, 'q') => return Outcome::Close,
        a => {
            scroll(&mut p.scroll, a, 15);
        }
    }
    Outcome::Keep
}

/// The help text: per context, the keys and what they do.
pub fn lines(keymap: &Keymap) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (ctx, rows) in keymap.sections() {
        lines.push(Line::styled(
            ctx.title().to_string(),
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ));
        for (keys, action) in rows {
            let keys = keys
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {keys:<16} "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(action.doc().to_string()),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, p: &HelpPopup, state: &State) {
    let width = area.width.saturating_sub(4).clamp(30, 100);
    let height = area.height.saturating_sub(2).max(6);
    let popup = super::centered(area, width, height);
    let inner = frame_box(frame, popup, "keys (generated from the keymap)");
    let body = above_footer(inner);
    frame.render_widget(
        Paragraph::new(lines(&state.keymap)).scroll((p.scroll, 0)),
        body,
    );
    let file = "keymap.toml in the config directory ($WORT_CONFIG_DIR) adds bindings";
    footer(frame, inner, &format!("↑↓ scroll · Esc close · {file}"));
}
