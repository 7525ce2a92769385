//! Moving the cursor and the view through the grid.

use super::*;

impl App {
    // -----------------------------------------------------------------------------
    // Grid movement

    /// Rows of data the grid shows.
    pub fn page(&self) -> usize {
        let areas = views::layout(
            ratatui::layout::Rect::new(0, 0, self.state.size.0, self.state.size.1),
            &self.state,
        );
        (areas.grid.height as usize)
            .saturating_sub(views::grid::HEADER_LINES)
            .max(1)
    }

    pub(in crate::tui) fn vertical(&mut self, delta: isize) {
        let s = &mut self.state;
        match (s.focus, s.panel) {
            (Focus::Panel, Some(Panel::Recipe)) => {
                let n = s.recipe().steps.len();
                let pos = clamp_add(s.view_pos(), delta, n);
                s.history.current_mut().view = if pos == n { None } else { Some(pos) };
                s.filter = None;
            }
            (Focus::Panel, Some(Panel::Rules)) => {
                let n = s.rules.len();
                if n > 0 {
                    s.rules.selected = clamp_add(s.rules.selected, delta, n - 1);
                }
            }
            (Focus::Panel, Some(_)) => {
                s.panel_scroll = clamp_add(s.panel_scroll, delta, 10_000);
            }
            _ => {
                let height = s.displayed().map_or(0, |(f, _)| f.height());
                if height > 0 {
                    s.grid.row = clamp_add(s.grid.row, delta, height - 1);
                }
            }
        }
    }

    pub(in crate::tui) fn horizontal(&mut self, delta: isize) {
        let s = &mut self.state;
        let width = s.displayed().map_or(0, |(f, _)| f.width());
        if width > 0 {
            s.grid.col = clamp_add(s.grid.col, delta, width - 1);
            s.panel_scroll = 0;
        }
    }

    pub(in crate::tui) fn clamp_cursor(&mut self) {
        let s = &mut self.state;
        if let Some((f, _)) = s.displayed() {
            s.grid.row = s.grid.row.min(f.height().saturating_sub(1));
            s.grid.col = s.grid.col.min(f.width().saturating_sub(1));
        }
        let n = s.rules.len();
        s.rules.selected = s.rules.selected.min(n.saturating_sub(1));
    }

    /// Put the cursor on column `i` (from the column jump) and say which it is.
    pub(in crate::tui) fn jump_to_column(&mut self, i: usize) {
        let s = &mut self.state;
        s.grid.col = i;
        s.panel_scroll = 0;
        if let Some((f, _)) = s.displayed()
            && let Some(c) = f.columns.get(i)
        {
            s.message = Some(info(&format!(
                "column {} of {}: {}",
                i + 1,
                f.columns.len(),
                c.name
            )));
        }
        self.scroll_into_view();
    }

    /// Scroll so the cursor cell is visible.
    pub(in crate::tui) fn scroll_into_view(&mut self) {
        let page = self.page();
        let areas = views::layout(
            ratatui::layout::Rect::new(0, 0, self.state.size.0, self.state.size.1),
            &self.state,
        );
        let s = &mut self.state;
        let g = &mut s.grid;
        if g.row < g.top {
            g.top = g.row;
        } else if g.row >= g.top + page {
            g.top = g.row + 1 - page;
        }
        let Some((f, rows)) = s.displayed() else {
            return;
        };
        let gutter = views::grid::gutter_width(&f, rows);
        let g = &mut s.grid;
        let frozen = g.frozen && f.width() > 1;
        let min_left = usize::from(frozen);
        if g.left < min_left {
            g.left = min_left;
        }
        if frozen && g.col == 0 {
            return;
        }
        if g.col < g.left {
            g.left = g.col;
        }
        while g.left < g.col && !views::grid::fully_visible(&f, g, areas.grid.width, gutter, g.col)
        {
            g.left += 1;
        }
    }

    pub(in crate::tui) fn toggle_panel(&mut self, panel: Panel) {
        let s = &mut self.state;
        s.paused.clear();
        if s.panel == Some(panel) {
            s.panel = None;
            s.focus = Focus::Grid;
            if panel == Panel::Recipe {
                s.history.current_mut().view = None;
            }
        } else {
            if s.panel == Some(Panel::Recipe) {
                s.history.current_mut().view = None;
            }
            s.panel = Some(panel);
            s.panel_scroll = 0;
            s.focus = match panel {
                Panel::Recipe | Panel::Rules => Focus::Panel,
                _ => Focus::Grid,
            };
        }
        self.scroll_into_view();
    }

    pub(in crate::tui) fn cancel(&mut self) {
        let s = &mut self.state;
        if !s.jobs.is_empty() {
            let what: Vec<&str> = s.jobs.iter().map(|j| j.kind.label()).collect();
            s.message = Some(info(&format!(
                "cancelled: {} (toggle the panel or change the data to retry)",
                what.join(", ")
            )));
            for j in s.jobs.drain(..) {
                s.paused.insert((j.kind, j.target));
            }
        } else if !s.search.hits.is_empty() {
            s.search = SearchState::default();
        } else if s.filter.is_some() {
            s.filter = None;
            s.message = Some(info("filter cleared"));
        } else if s.query.is_some() {
            s.query = None;
            s.message = Some(info("query result closed: the grid shows the data again"));
        } else if s.view_sort.is_some() {
            self.clear_view_sort("view sort cleared: the rows are in the data's order");
        } else if s.focus == Focus::Panel {
            s.focus = Focus::Grid;
        } else if s.panel.is_some() {
            let p = s.panel;
            if let Some(p) = p {
                self.toggle_panel(p);
            }
        }
    }
}
