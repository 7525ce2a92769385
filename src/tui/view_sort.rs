//! The view sort (`[` ascending, `]` descending on the focused column): the grid shows
//! the data in view in another order without adding a step, as VisiData's sort does.
//! It sorts exactly as the `sort` step (one definition, `Sort::with_positions`: missing
//! values last, stable), so recording it as a step (`o`) keeps what the grid showed.
//!
//! The sort follows the data in view: when the step in view or the failing-rows filter
//! changes, it is applied again to the new rows (and cleared, with a message, when the
//! new data has no such column).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars::prelude::*;

use super::frames::{FrameInfo, FrameKey};
use crate::transform::clean_polars_error;
use crate::transform::columns::{SORT_POSITION, Sort};

/// What the grid is asked to show sorted.
#[derive(Debug, Clone)]
pub struct ViewSort {
    pub column: String,
    pub descending: bool,
    /// The sorted rows, once computed (for the rows they were computed on).
    pub sorted: Option<Sorted>,
}

impl ViewSort {
    /// `↑` ascending, `↓` descending.
    pub fn arrow(&self) -> &'static str {
        if self.descending { "↓" } else { "↑" }
    }

    /// The sorted rows, when they are of `base` (the rows the sort applies to now).
    pub fn current(&self, base: &Base) -> Option<&Sorted> {
        let s = self.sorted.as_ref()?;
        (s.column == self.column && s.descending == self.descending && s.base == *base).then_some(s)
    }

    /// The `sort` step this view sort would be.
    pub fn step(&self) -> crate::recipe::Step {
        crate::recipe::Step::new(crate::transform::Op::Sort(Sort::by_column(
            &self.column,
            self.descending,
        )))
    }
}

/// The rows a view sort applies to: the data after a step, or the rows of it failing a
/// rule (the filter's label and row count tell one filter from another).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Base {
    pub key: FrameKey,
    pub filter: Option<(String, usize)>,
}

/// The data in view, sorted.
#[derive(Debug, Clone)]
pub struct Sorted {
    pub base: Base,
    pub column: String,
    pub descending: bool,
    pub frame: Arc<FrameInfo>,
    /// 1-based row numbers in the unfiltered data, in the sorted order.
    pub rows: Vec<u64>,
}

/// Sorting `frame` (the rows numbered `rows`, or 1.. when unfiltered) in the worker.
pub struct SortJob {
    pub target: u64,
    pub base: Base,
    pub column: String,
    pub descending: bool,
    pub frame: Arc<FrameInfo>,
    pub rows: Option<Vec<u64>>,
}

impl SortJob {
    /// The identity of a sort: what it sorts and how.
    pub fn target_of(base: &Base, column: &str, descending: bool) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (base, column, descending).hash(&mut h);
        h.finish()
    }

    pub fn run(self) -> Result<Sorted, String> {
        let step = Sort::by_column(&self.column, self.descending);
        let mut df = step
            .with_positions(self.frame.df.clone().lazy())
            .collect()
            .map_err(|e| clean_polars_error(&e))?;
        let positions = df
            .drop_in_place(SORT_POSITION)
            .and_then(|c| c.cast(&DataType::UInt64))
            .map_err(|e| clean_polars_error(&e))?;
        let positions = positions.u64().map_err(|e| clean_polars_error(&e))?;
        let rows = positions
            .iter()
            .map(|p| {
                let p = p.unwrap_or(0) as usize;
                match &self.rows {
                    Some(rows) => rows.get(p).copied().unwrap_or(p as u64 + 1),
                    None => p as u64 + 1,
                }
            })
            .collect();
        df.rechunk_mut();
        // The same values in another order: the column summaries stay.
        let frame = FrameInfo {
            df,
            columns: self.frame.columns.clone(),
        };
        Ok(Sorted {
            base: self.base,
            column: self.column,
            descending: self.descending,
            frame: Arc::new(frame),
            rows,
        })
    }
}
