//! The view sort (`[` `]`, `o` records it) and the frequency sheet (`F`): views of the
//! data that are not steps until the user asks.

use super::*;
use std::sync::Arc;

use crate::tui::frames::FrameInfo;
use crate::tui::view_sort::{Base, SortJob, Sorted, ViewSort};

impl App {
    /// `[` / `]`: sort the view by the focused column; the same key on the same
    /// column again clears the sort.
    pub(in crate::tui) fn sort_view(&mut self, descending: bool) {
        let Some(column) = self.state.focused_column() else {
            return;
        };
        let s = &mut self.state;
        if s.view_sort
            .as_ref()
            .is_some_and(|v| v.column == column && v.descending == descending)
        {
            self.clear_view_sort("view sort cleared: the rows are in the data's order");
            return;
        }
        s.view_sort = Some(ViewSort {
            column,
            descending,
            sorted: None,
        });
        self.refresh_view_sort();
    }

    /// Drop the view sort and say why.
    pub(in crate::tui) fn clear_view_sort(&mut self, why: &str) {
        let s = &mut self.state;
        s.view_sort = None;
        s.jobs.retain(|j| j.kind != JobKind::ViewSort);
        Self::forget_search_hits(s);
        s.message = Some(info(why));
    }

    /// Search hits are positions in the grid: another order makes them stale.
    fn forget_search_hits(s: &mut State) {
        s.search.hits.clear();
        s.search.current = None;
        s.search.key = None;
    }

    /// `o`: open the `sort` step of the view sort in its form.
    pub(in crate::tui) fn record_view_sort(&mut self) {
        let Some(v) = &self.state.view_sort else {
            let keys = self.keys_for(&[Action::SortAscending, Action::SortDescending]);
            self.state.message = Some(info(&format!(
                "no view sort to record: {keys} sorts the view by the focused column"
            )));
            return;
        };
        let step = v.step();
        self.open_filled_form(step);
    }

    /// The keys bound to `actions`, for messages: "[ or ]".
    fn keys_for(&self, actions: &[Action]) -> String {
        let keys: Vec<String> = actions
            .iter()
            .filter_map(|a| self.state.keymap.key_for(Context::Grid, a))
            .map(|k| k.to_string())
            .collect();
        keys.join(" or ")
    }

    /// After every update: sort the data in view when the sort does not belong to it
    /// (a new sort, or the step in view or the filter changed).
    pub(in crate::tui) fn refresh_view_sort(&mut self) {
        let Some(v) = &self.state.view_sort else {
            return;
        };
        if self.state.sorted_view().is_some() {
            return;
        }
        // Recorded (`o`, then the form applied): the step in view now sorts the rows.
        if self.state.view_step_is(&v.step()) {
            let why = format!(
                "the view sort is now step {} of the recipe",
                self.state.view_pos()
            );
            return self.clear_view_sort(&why);
        }
        let Some((base, frame, rows)) = self.sort_input() else {
            return;
        };
        if !frame.columns.iter().any(|c| c.name == v.column) {
            let why = format!(
                "view sort cleared: the data in view has no column \"{}\"",
                v.column
            );
            return self.clear_view_sort(&why);
        }
        let target = SortJob::target_of(&base, &v.column, v.descending);
        if self.state.paused.contains(&(JobKind::ViewSort, target)) {
            // Esc while it sorted: the sort is dropped, not left waiting.
            self.state.view_sort = None;
            return;
        }
        if self.state.running_for(JobKind::ViewSort, target) {
            return;
        }
        let job = SortJob {
            target,
            base,
            column: v.column.clone(),
            descending: v.descending,
            frame,
            rows,
        };
        self.start(Job::ViewSort(job), target);
    }

    /// The rows the view sort applies to now, with their frame and row numbers (when
    /// filtered): `None` while the step in view is being computed.
    fn sort_input(&self) -> Option<(Base, Arc<FrameInfo>, Option<Vec<u64>>)> {
        let s = &self.state;
        let base = s.sort_base();
        match &s.filter {
            Some(f) if base.filter.is_some() => Some((base, f.frame.clone(), Some(f.rows.clone()))),
            _ => Some((base.clone(), s.frames.peek(base.key)?.clone(), None)),
        }
    }

    /// The sorted rows from the worker.
    pub(in crate::tui) fn on_view_sorted(&mut self, result: Result<Sorted, String>) {
        let sorted = match result {
            Ok(s) => s,
            Err(e) => return self.clear_view_sort(&format!("could not sort the view: {e}")),
        };
        let record = self.keys_for(&[Action::RecordSort]);
        let Some(v) = &mut self.state.view_sort else {
            return;
        };
        if v.column != sorted.column || v.descending != sorted.descending {
            return;
        }
        let text = format!(
            "view sorted by {} {} (not a step): {record} records it as a sort step; the same key again clears",
            v.column,
            v.arrow(),
        );
        v.sorted = Some(sorted);
        let s = &mut self.state;
        Self::forget_search_hits(s);
        s.grid.row = 0;
        s.grid.top = 0;
        s.message = Some(info(&text));
    }

    /// `F`: the frequency sheet of the focused column, counted in the worker over the
    /// data after the step in view (what a filter step there would see).
    pub(in crate::tui) fn open_frequency(&mut self) {
        let Some((column, frame)) = self.focused_view_frame("count values") else {
            return;
        };
        let s = &self.state;
        let pos = s.view_pos();
        let Ok(values) = frame.df.column(&column).cloned() else {
            return;
        };
        let source = format!(
            "{} rows as of step {pos}{}",
            crate::util::thousands(frame.height() as u64),
            if s.filter.as_ref().is_some_and(|f| f.key == s.view_key()) {
                " (all of them, not only the failing rows shown)"
            } else {
                ""
            }
        );
        let target = self.next_id;
        self.popup = Some(Popup::Frequency(Box::new(
            popups::frequency::FrequencyPopup::new(column, source, target),
        )));
        self.start(
            Job::Frequency {
                target,
                column: values,
            },
            target,
        );
    }

    /// The counted values from the worker (`target` 0: the job failed before it knew).
    pub(in crate::tui) fn on_counted(
        &mut self,
        target: u64,
        result: Result<crate::tui::frequency::Frequencies, String>,
    ) {
        if let Some(Popup::Frequency(p)) = &mut self.popup
            && (p.target == target || (target == 0 && p.table.is_none()))
        {
            p.table = Some(result);
        }
    }
}
