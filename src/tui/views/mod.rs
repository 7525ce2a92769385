//! Views: functions from `&State` (and the open popup) to the screen. They never
//! change state.

pub mod charts;
pub mod grid;
pub mod panels;
pub mod profile;
pub mod status;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::popups::Popup;
use super::state::{Panel, State};

/// Where everything goes.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    pub grid: Rect,
    pub panel: Option<Rect>,
    pub status: Rect,
    pub hint: Rect,
}

/// Split the screen: grid (and panel) above, status and hint lines below.
pub fn layout(area: Rect, state: &State) -> Areas {
    let body_h = area.height.saturating_sub(2);
    let status = Rect::new(area.x, area.y + body_h, area.width, 1.min(area.height));
    let hint = Rect::new(
        area.x,
        area.y + body_h + 1,
        area.width,
        u16::from(area.height >= 2),
    );
    let (grid, panel) = match state.panel {
        Some(p) => {
            // Rules and steps are sentences: give them more room than the profile.
            let want = match p {
                Panel::Rules | Panel::Recipe => (area.width * 11 / 20).clamp(40, 110),
                _ => (area.width * 2 / 5).clamp(36, 72),
            };
            let pw = want.min(area.width / 2 + area.width / 6);
            let gw = area.width.saturating_sub(pw);
            (
                Rect::new(area.x, area.y, gw, body_h),
                Some(Rect::new(area.x + gw, area.y, pw, body_h)),
            )
        }
        None => (Rect::new(area.x, area.y, area.width, body_h), None),
    };
    Areas {
        grid,
        panel,
        status,
        hint,
    }
}

/// Whether `area` is too small for the workbench (it then shows only a note).
pub fn too_small(area: Rect) -> bool {
    area.width < 24 || area.height < 6
}

/// Draw the whole screen, with the open popup over it.
pub fn render(frame: &mut Frame, state: &State, popup: Option<&Popup>) {
    let area = frame.area();
    if too_small(area) {
        frame.render_widget(
            ratatui::widgets::Paragraph::new("wort: the terminal is too small")
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let areas = layout(area, state);
    grid::render(frame, areas.grid, state);
    if let (Some(area), Some(panel)) = (areas.panel, state.panel) {
        panels::render(frame, area, state, panel);
    }
    status::render(frame, areas.status, areas.hint, state, popup);
    super::popups::render(frame, popup, state);
}
