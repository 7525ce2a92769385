//! The mouse: a click focuses a cell, a column (on its header) or a panel entry (a
//! step, a rule); the wheel scrolls the grid, the panels and the open popup's list.
//! Screen positions are mapped through the layout the views draw with
//! (`views::layout`, `grid::visible_columns`, `panels::item_at`), computed from the
//! same state the screen was drawn from.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::*;

/// Rows one wheel notch scrolls the grid and the profile and dataset panels.
const WHEEL_ROWS: isize = 3;

impl App {
    /// A mouse event from the terminal. Returns whether it was one the workbench
    /// takes (moves and other buttons are not: the screen need not be drawn again).
    pub fn handle_mouse(&mut self, e: MouseEvent) -> bool {
        let wheel = match e.kind {
            MouseEventKind::ScrollUp => Some(-1),
            MouseEventKind::ScrollDown => Some(1),
            MouseEventKind::Down(MouseButton::Left) => None,
            _ => return false,
        };
        if self.popup.is_some() {
            // The open popup takes the wheel as ↑ and ↓: its list scrolls.
            if let Some(d) = wheel {
                self.update(if d < 0 { Action::Up } else { Action::Down });
            }
            return wheel.is_some();
        }
        let screen = Rect::new(0, 0, self.state.size.0, self.state.size.1);
        if views::too_small(screen) {
            return false;
        }
        let areas = views::layout(screen, &self.state);
        let at = Position::new(e.column, e.row);
        if areas.grid.contains(at) {
            match wheel {
                Some(d) => self.wheel_grid(d * WHEEL_ROWS),
                None => self.click_grid(areas.grid, at),
            }
        } else if let (Some(area), Some(panel)) = (areas.panel, self.state.panel)
            && area.contains(at)
        {
            match (wheel, panel) {
                (Some(d), Panel::Recipe | Panel::Rules) => {
                    self.state.focus = Focus::Panel;
                    self.vertical(d);
                }
                (Some(d), _) => {
                    let s = &mut self.state;
                    s.panel_scroll = clamp_add(s.panel_scroll, d * WHEEL_ROWS, 10_000);
                }
                (None, _) => self.click_panel(area, panel, at),
            }
        } else {
            return false;
        }
        self.state.message = None;
        self.after_update();
        true
    }

    /// Move the grid cursor by `delta` rows, whichever part has the focus.
    fn wheel_grid(&mut self, delta: isize) {
        let s = &mut self.state;
        let height = s.displayed().map_or(0, |(f, _)| f.height());
        if height > 0 {
            s.grid.row = clamp_add(s.grid.row, delta, height - 1);
        }
    }

    /// Focus the cell (or, on the header, the column) under `at`.
    fn click_grid(&mut self, area: Rect, at: Position) {
        let s = &mut self.state;
        let Some((f, rows)) = s.displayed() else {
            return;
        };
        let gutter = views::grid::gutter_width(&f, rows);
        let dx = at.x - area.x;
        let dy = (at.y - area.y) as usize;
        let cols = views::grid::visible_columns(&f, &s.grid, area.width, gutter);
        // A column's separator on its right belongs to it.
        let col = cols
            .iter()
            .find(|(_, x, w)| dx >= *x && dx <= x + w)
            .map(|(c, _, _)| *c);
        let row = (dy >= views::grid::HEADER_LINES)
            .then(|| s.grid.top + dy - views::grid::HEADER_LINES)
            .filter(|r| *r < f.height());
        s.focus = Focus::Grid;
        if let Some(c) = col {
            if c != s.grid.col {
                s.panel_scroll = 0;
            }
            s.grid.col = c;
        }
        if let Some(r) = row {
            s.grid.row = r;
        }
    }

    /// Select the step or rule under `at` (as ↑/↓ would reach it).
    fn click_panel(&mut self, area: Rect, panel: Panel, at: Position) {
        let Some(item) = views::panels::item_at(&self.state, area, panel, at.x, at.y) else {
            return;
        };
        let s = &mut self.state;
        s.focus = Focus::Panel;
        let from = match panel {
            Panel::Recipe => s.view_pos(),
            Panel::Rules => s.rules.selected,
            Panel::Profile | Panel::Dataset => return,
        };
        self.vertical(item as isize - from as isize);
    }
}
