//! Search in the grid.

use super::*;

impl App {
    // -----------------------------------------------------------------------------
    // Search

    pub(in crate::tui) fn run_search(&mut self, needle: String) {
        let s = &mut self.state;
        s.search.needle = needle.clone();
        s.search.hits.clear();
        s.search.current = None;
        if needle.is_empty() {
            s.search = SearchState::default();
            return;
        }
        let Some((f, rows)) = s.displayed() else {
            return;
        };
        let key = s.view_key();
        let filtered = rows.is_some();
        s.search.key = Some((key, filtered));
        let df = f.df.clone();
        self.start(Job::Search { key, needle, df }, key);
    }

    pub(in crate::tui) fn search_step(&mut self, forward: bool) {
        let s = &mut self.state;
        if s.search.needle.is_empty() {
            s.message = Some(info("no search: press / to search"));
            return;
        }
        let filtered = s.displayed().is_some_and(|(_, r)| r.is_some());
        if s.search.key != Some((s.view_key(), filtered)) {
            let needle = s.search.needle.clone();
            return self.run_search(needle);
        }
        if s.search.hits.is_empty() {
            s.message = Some(info(&format!("no match for {:?}", s.search.needle)));
            return;
        }
        let here = (s.grid.row, s.grid.col);
        let n = s.search.hits.len();
        let idx = if forward {
            s.search.hits.iter().position(|h| *h > here).unwrap_or(0)
        } else {
            s.search
                .hits
                .iter()
                .rposition(|h| *h < here)
                .unwrap_or(n - 1)
        };
        self.goto_hit(idx);
    }

    pub(in crate::tui) fn goto_hit(&mut self, idx: usize) {
        let s = &mut self.state;
        let (row, col) = s.search.hits[idx];
        s.grid.row = row;
        s.grid.col = col;
        s.search.current = Some(idx);
        let more = if s.search.hits.len() >= worker::MAX_HITS {
            "+"
        } else {
            ""
        };
        s.message = Some(info(&format!(
            "match {} of {}{more} for {:?}",
            idx + 1,
            s.search.hits.len(),
            s.search.needle
        )));
        self.scroll_into_view();
    }
}
