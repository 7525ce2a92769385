//! The query pane (`S`): open it, run its query in the worker, show the result in the
//! grid, keep it as a `sql` step (`ctrl-k`), and close the result when the data in view
//! changes under it.

use super::*;

use crate::tui::query::{self, Queried, QueryJob, QueryView};

impl App {
    /// `S`: the pane, with the query in view (or the last one) to edit.
    pub(in crate::tui) fn open_query(&mut self) {
        let s = &self.state;
        let text = s
            .query
            .as_ref()
            .map(|q| q.sql.clone())
            .or_else(|| s.query_history.last().cloned())
            .unwrap_or_else(|| "SELECT * FROM data LIMIT 100".to_string());
        let pane = popups::query::QueryPopup::new(&text, s.query_history.len());
        self.popup = Some(Popup::Query(Box::new(pane)));
    }

    /// Enter in the pane: run `sql` over the data after the step in view.
    pub(in crate::tui) fn run_query(&mut self, sql: String) {
        let s = &mut self.state;
        let sql = sql.trim().to_string();
        if !sql.is_empty() && s.query_history.last() != Some(&sql) {
            s.query_history.push(sql.clone());
        }
        let frame = match s.computed_view_frame("run the query") {
            Ok(frame) => frame,
            Err(why) => return self.query_failed(why),
        };
        let base = s.view_key();
        let files = s.recipe().files.clone();
        if let Some(Popup::Query(p)) = &mut self.popup {
            p.error = None;
        }
        let target = self.next_id;
        self.start(
            Job::Query(QueryJob {
                target,
                base,
                sql,
                frame,
                files,
            }),
            target,
        );
    }

    fn query_failed(&mut self, why: String) {
        match &mut self.popup {
            Some(Popup::Query(p)) => p.error = Some(why),
            _ => self.state.message = Some(error(&why)),
        }
    }

    /// The query's result from the worker: into the grid, or its error into the pane.
    pub(in crate::tui) fn on_queried(&mut self, q: Queried) {
        match q.result {
            Err(e) => self.query_failed(e),
            Ok(frame) => {
                let text = popups::query::shape(&frame);
                if let Some(Popup::Query(p)) = &mut self.popup {
                    p.error = None;
                }
                let s = &mut self.state;
                s.query = Some(QueryView {
                    base: q.base,
                    sql: q.sql,
                    result: Some(frame),
                });
                s.grid.row = 0;
                s.grid.top = 0;
                s.grid.col = 0;
                s.grid.left = 0;
                s.search = SearchState::default();
                s.message = Some(info(&format!(
                    "query result: {text} (not a step); S edits the query, Esc shows the data again"
                )));
            }
        }
    }

    /// `ctrl-k` in the pane: the query as a `sql` step, in its form (previewed, applied
    /// with Enter like any step).
    pub(in crate::tui) fn keep_query(&mut self, sql: String) {
        if sql.trim().is_empty() {
            self.state.message = Some(info("no query to keep: S opens the query pane"));
            return;
        }
        self.open_filled_form(query::step(&sql));
    }

    /// After every update: a result of other data than the data in view is closed (the
    /// step in view changed, or the query became a step).
    pub(in crate::tui) fn refresh_query(&mut self) {
        let s = &mut self.state;
        let Some(q) = &s.query else {
            return;
        };
        if q.result.is_none() || q.base == s.view_key() {
            return;
        }
        let kept = s.view_step_is(&query::step(&q.sql));
        s.query = None;
        s.message = Some(info(&if kept {
            format!("the query is now step {} of the recipe", s.view_pos())
        } else {
            "query result closed: the data in view changed (S runs the query again)".to_string()
        }));
    }
}
