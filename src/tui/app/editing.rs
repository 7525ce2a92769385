//! Changing the recipe: steps, revisions, undo and redo.

use super::*;

impl App {
    // -----------------------------------------------------------------------------
    // Recipe and history

    /// The schema of the sample.
    pub fn base_schema(&self) -> Option<polars::prelude::Schema> {
        self.state.frames.peek(BASE_KEY).map(|f| f.schema())
    }

    /// Record a new revision of the recipe (dropping the redo tail).
    pub(in crate::tui) fn commit(&mut self, recipe: Recipe, view: Option<usize>, what: String) {
        let s = &mut self.state;
        s.history.record(recipe, view, what.clone());
        s.filter = None;
        s.paused.clear();
        s.frames.clear_errors();
        s.message = Some(info(&what));
    }

    /// Check a candidate recipe against the sample; the problems, as text.
    pub(in crate::tui) fn check(&self, recipe: &Recipe) -> Result<(), Vec<String>> {
        let Some(schema) = self.base_schema() else {
            return Err(vec!["the data is still loading".into()]);
        };
        recipe::validate(recipe, &schema)
            .map(|_| ())
            .map_err(|ps| ps.iter().map(|p| p.to_string()).collect())
    }

    pub(in crate::tui) fn undo(&mut self) {
        let s = &mut self.state;
        let Some(what) = s.history.undo() else {
            s.message = Some(info("nothing to undo"));
            return;
        };
        s.filter = None;
        s.frames.clear_errors();
        s.message = Some(info(&format!("undid: {what}")));
    }

    pub(in crate::tui) fn redo(&mut self) {
        let s = &mut self.state;
        let Some(what) = s.history.redo() else {
            s.message = Some(info("nothing to redo"));
            return;
        };
        s.filter = None;
        s.frames.clear_errors();
        s.message = Some(info(&format!("redid: {what}")));
    }

    /// The selected step in the recipe panel (0-based index), if a step is selected.
    pub(in crate::tui) fn selected_step(&self) -> Option<usize> {
        let pos = self.state.view_pos();
        (pos > 0).then(|| pos - 1)
    }

    pub(in crate::tui) fn edit_step(&mut self) {
        let Some(i) = self.selected_step() else {
            self.state.message = Some(info("select a step first (j/k)"));
            return;
        };
        let step = self.recipe().steps[i].clone();
        self.open_form(step.op.name(), Some((i, step)));
    }

    /// Open a step's form: a new step at the view position, or step `i` to edit.
    pub(in crate::tui) fn open_form(&mut self, op: &str, edit: Option<(usize, recipe::Step)>) {
        let position = edit.as_ref().map_or(self.state.view_pos(), |(i, _)| *i);
        let editing = edit.is_some();
        self.open_form_at(op, position, edit.map(|(_, s)| s), editing);
    }

    /// Open the form of `step`, filled in, to insert at the view position.
    pub(in crate::tui) fn open_filled_form(&mut self, step: recipe::Step) {
        let position = self.state.view_pos();
        self.open_form_at(step.op.name(), position, Some(step), false);
    }

    /// Open `op`'s form at `position`, filled with `fill` when given; `editing`: the
    /// form replaces step `position` instead of inserting before it.
    fn open_form_at(
        &mut self,
        op: &str,
        position: usize,
        fill: Option<recipe::Step>,
        editing: bool,
    ) {
        let Some(spec) = crate::tui::steps::spec(op) else {
            self.state.message = Some(error(&format!("unknown step {op}")));
            return;
        };
        let edit = fill.map(|s| (position, s));
        let prefix = Recipe {
            steps: self.recipe().steps[..position].to_vec(),
            ..Recipe::default()
        };
        let Some(base) = self.base_schema() else {
            self.state.message = Some(info("the data is still loading"));
            return;
        };
        let schema = match recipe::validate(&prefix, &base) {
            Ok(s) => s,
            Err(ps) => {
                self.state.message = Some(error(&ps[0].to_string()));
                return;
            }
        };
        let focus = self.state.focused_column().filter(|c| schema.contains(c));
        let mut form = popups::form::FormPopup::new(spec, schema, focus, position, edit)
            .with_files(self.state.recipe().files.clone());
        if !editing {
            form.editing = None;
        }
        self.popup = Some(Popup::Form(Box::new(form)));
        self.refresh_form();
    }

    /// Re-check the open form and start its preview.
    pub(in crate::tui) fn refresh_form(&mut self) {
        let keys = self.state.keys();
        let Some(Popup::Form(form)) = &mut self.popup else {
            return;
        };
        let changed = form.recheck();
        if !changed {
            return;
        }
        let Some(step) = form.step.clone() else {
            // Forget the preview of an earlier version (and any still computing).
            self.preview_generation += 1;
            form.generation = self.preview_generation;
            form.preview = popups::form::PreviewState::None;
            return;
        };
        let before_key = keys[form.position];
        match self.state.frames.peek(before_key).cloned() {
            Some(before) => {
                self.preview_generation += 1;
                form.generation = self.preview_generation;
                form.preview = popups::form::PreviewState::Waiting;
                let generation = self.preview_generation;
                self.start(
                    Job::Preview {
                        generation,
                        step,
                        before,
                        files: self.state.recipe().files.clone(),
                    },
                    generation,
                );
            }
            None => {
                form.preview = popups::form::PreviewState::Failed(
                    "no preview: the data before this step is not computed yet".into(),
                )
            }
        }
    }

    /// Apply the open form's step (Enter in the form): the form closes when the step
    /// is committed, and stays open with the problems when not.
    pub(in crate::tui) fn apply_open_form(&mut self) {
        match self.popup.take() {
            Some(Popup::Form(mut form)) => {
                if !self.apply_form(&mut form) {
                    self.popup = Some(Popup::Form(form));
                }
            }
            other => self.popup = other,
        }
    }

    /// Apply the form's step: insert it at its position, or replace the edited step.
    fn apply_form(&mut self, form: &mut popups::form::FormPopup) -> bool {
        form.recheck();
        let Some(step) = form.step.clone() else {
            self.state.message = Some(error("fix the problems shown in the form first"));
            return false;
        };
        let mut recipe = self.recipe().clone();
        let pos = form.position;
        let what;
        match form.editing {
            Some(i) => {
                let mut step = step;
                step.disabled = recipe.steps[i].disabled;
                what = format!("edited step {}: {}", i + 1, step.describe());
                recipe.steps[i] = step;
            }
            None => {
                what = format!("step {}: {}", pos + 1, step.describe());
                recipe.steps.insert(pos, step);
            }
        }
        if let Err(problems) = self.check(&recipe) {
            form.problems = problems
                .into_iter()
                .map(|p| format!("{p} (a later step needs what this changes)"))
                .collect();
            return false;
        }
        // The preview computed exactly this frame: keep it.
        if let popups::form::PreviewState::Ready(_, Some(after)) = &form.preview {
            let keys = self.state.keys();
            let k = step_key(keys[pos], &recipe.steps[pos]);
            let keep = self.keep_keys();
            self.state.frames.insert(k, (**after).clone(), &keep);
        }
        let n = recipe.steps.len();
        let view = match form.editing {
            Some(i) => self.state.history.current().view.map(|_| i + 1),
            None => Some(pos + 1),
        };
        self.commit(recipe, view.filter(|v| *v < n), what);
        true
    }

    pub(in crate::tui) fn toggle_step(&mut self) {
        let Some(i) = self.selected_step() else {
            return;
        };
        let mut recipe = self.recipe().clone();
        recipe.steps[i].disabled = !recipe.steps[i].disabled;
        let what = format!(
            "{} step {}: {}",
            if recipe.steps[i].disabled {
                "disabled"
            } else {
                "enabled"
            },
            i + 1,
            recipe.steps[i].op.describe()
        );
        self.commit_checked(recipe, Some(i + 1), what);
    }

    pub(in crate::tui) fn delete_step(&mut self) {
        let Some(i) = self.selected_step() else {
            return;
        };
        let mut recipe = self.recipe().clone();
        let step = recipe.steps.remove(i);
        let what = format!("deleted step {}: {}", i + 1, step.describe());
        self.commit_checked(recipe, Some(i), what);
    }

    pub(in crate::tui) fn move_step(&mut self, delta: isize) {
        let Some(i) = self.selected_step() else {
            return;
        };
        let n = self.recipe().steps.len();
        let j = i as isize + delta;
        if j < 0 || j as usize >= n {
            return;
        }
        let j = j as usize;
        let mut recipe = self.recipe().clone();
        recipe.steps.swap(i, j);
        let what = format!(
            "moved step {} to {}: {}",
            i + 1,
            j + 1,
            recipe.steps[j].describe()
        );
        self.commit_checked(recipe, Some(j + 1), what);
    }

    /// Commit when the recipe still validates; otherwise say why not.
    pub(in crate::tui) fn commit_checked(
        &mut self,
        recipe: Recipe,
        view: Option<usize>,
        what: String,
    ) {
        match self.check(&recipe) {
            Ok(()) => {
                let n = recipe.steps.len();
                self.commit(recipe, view.filter(|v| *v < n).or(Some(n)), what);
            }
            Err(ps) => {
                self.state.message = Some(error(&format!("not done: {}", ps[0])));
            }
        }
    }

    /// The focused column and the frame of the step in view, or a message saying the
    /// frame is not there yet (for what works on it: `what` once the grid shows it).
    pub(in crate::tui) fn focused_view_frame(
        &mut self,
        what: &str,
    ) -> Option<(String, std::sync::Arc<crate::tui::frames::FrameInfo>)> {
        let column = self.state.focused_column()?;
        match self.state.computed_view_frame(what) {
            Ok(frame) => Some((column, frame)),
            Err(why) => {
                self.state.message = Some(info(&why));
                None
            }
        }
    }

    /// The cluster view of the focused column, over the data in view.
    pub(in crate::tui) fn open_cluster(&mut self) {
        let Some((column, frame)) = self.focused_view_frame("cluster") else {
            return;
        };
        let s = &self.state;
        let pos = s.view_pos();
        let dtype = frame.df.column(&column).map(|c| c.dtype().clone());
        if !matches!(dtype, Ok(polars::prelude::DataType::String)) {
            let shown =
                dtype.map_or_else(|_| "missing".to_string(), |d| crate::util::type_name(&d));
            self.state.message = Some(error(&format!(
                "cluster merges spellings in text columns; \"{column}\" is {shown}"
            )));
            return;
        }
        let counts = match crate::profile::cluster::value_counts(
            polars::prelude::IntoLazy::lazy(frame.df.clone()),
            &column,
        ) {
            Ok(c) => c,
            Err(e) => {
                self.state.message = Some(error(&format!(
                    "could not count the values of \"{column}\": {}",
                    crate::transform::clean_polars_error(&e)
                )));
                return;
            }
        };
        let rows = crate::util::thousands(frame.df.height() as u64);
        let data = match &s.sample {
            Some(sample) => format!("{rows} rows (sample: {})", sample.description),
            None => format!("{rows} rows"),
        };
        let source = match pos {
            0 => data,
            n => format!("{data} as of step {n}"),
        };
        self.popup = Some(Popup::Cluster(Box::new(
            popups::cluster::ClusterPopup::new(column, counts, source),
        )));
    }
}
