//! The query pane (`S`): a SQL question over the data in view, as Athena users ask
//! theirs. The query is a `sql` step that is not in the recipe: it is checked by the
//! step's own checks (the guard, the quoting hint for names with spaces), run by the
//! step's own code on the data after the step in view, and its result shows in the
//! grid until Esc. Keeping it (`ctrl-k` in the pane) opens that same step in its form,
//! so the recipe gets exactly what the grid showed.

use std::sync::Arc;

use super::frames::{FrameInfo, FrameKey};
use crate::recipe::{self, Recipe, Step};
use crate::transform::Op;
use crate::transform::combine::Sql;

/// The query in view and what it gave.
#[derive(Debug, Clone)]
pub struct QueryView {
    /// The data the query ran on (the step in view).
    pub base: FrameKey,
    pub sql: String,
    /// The result, once computed.
    pub result: Option<Arc<FrameInfo>>,
}

impl QueryView {
    /// The result, when it was computed on `base` (the data in view now).
    pub fn current(&self, base: FrameKey) -> Option<&Arc<FrameInfo>> {
        self.result.as_ref().filter(|_| self.base == base)
    }
}

/// The `sql` step a query is.
pub fn step(sql: &str) -> Step {
    Step::new(Op::Sql(Sql {
        query: sql.trim().to_string(),
    }))
}

/// Running `sql` over `frame` (the data after the step `base`) in the worker.
pub struct QueryJob {
    pub target: u64,
    pub base: FrameKey,
    pub sql: String,
    pub frame: Arc<FrameInfo>,
    pub files: recipe::Files,
}

/// What a query gave: its result, or why it gave none (one paragraph).
pub struct Queried {
    pub base: FrameKey,
    pub sql: String,
    pub result: Result<Arc<FrameInfo>, String>,
}

impl QueryJob {
    pub fn run(self) -> Queried {
        let result = (|| {
            if self.sql.trim().is_empty() {
                return Err("type a query, e.g. SELECT * FROM data LIMIT 10".to_string());
            }
            let step = step(&self.sql);
            let recipe = Recipe::of_step_in(&step, &self.files);
            let schema = self.frame.df.schema().as_ref().clone();
            recipe::validate(&recipe, &schema).map_err(|problems| {
                problems
                    .iter()
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
            super::frames::apply_one(&step, 0, &self.frame, &self.files)
                .map(Arc::new)
                // "step 0 (sql): ..." names no step the user has.
                .map_err(|e| e.trim_start_matches("step 0 (sql): ").to_string())
        })();
        Queried {
            base: self.base,
            sql: self.sql,
            result,
        }
    }
}
