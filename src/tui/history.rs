//! The undo history: revisions of the recipe and a cursor into them (helix keeps its
//! history the same way). Editing, disabling, deleting and moving steps are revisions
//! too, so each is undoable; undo and redo only move the cursor, and every revision's
//! step prefixes hit the frame cache, so both are instant.

use crate::recipe::Recipe;

/// One revision of the recipe. Undo and redo move through these.
#[derive(Debug, Clone)]
pub struct Revision {
    pub recipe: Recipe,
    /// Steps applied in the view (None: all).
    pub view: Option<usize>,
    /// What changed, for the undo message.
    pub what: String,
}

/// Revisions, oldest first, and the one shown.
#[derive(Debug, Clone)]
pub struct History {
    revisions: Vec<Revision>,
    cursor: usize,
}

impl History {
    /// How many revisions are kept; older ones are forgotten.
    pub const LIMIT: usize = 1000;

    /// A history whose only revision is the recipe the workbench opened with.
    pub fn new(recipe: Recipe) -> History {
        History {
            revisions: vec![Revision {
                recipe,
                view: None,
                what: "open".into(),
            }],
            cursor: 0,
        }
    }

    /// The revision shown.
    pub fn current(&self) -> &Revision {
        &self.revisions[self.cursor]
    }

    /// The revision shown, to move its view.
    pub fn current_mut(&mut self) -> &mut Revision {
        &mut self.revisions[self.cursor]
    }

    /// Record a new revision after the current one (dropping the redo tail).
    pub fn record(&mut self, recipe: Recipe, view: Option<usize>, what: String) {
        self.revisions.truncate(self.cursor + 1);
        let n = recipe.steps.len();
        self.revisions.push(Revision {
            recipe,
            view: view.filter(|v| *v < n),
            what,
        });
        if self.revisions.len() > Self::LIMIT {
            self.revisions.remove(0);
        }
        self.cursor = self.revisions.len() - 1;
    }

    /// Step back; what the undone revision did, or `None` at the start.
    pub fn undo(&mut self) -> Option<String> {
        if self.cursor == 0 {
            return None;
        }
        let what = self.current().what.clone();
        self.cursor -= 1;
        Some(what)
    }

    /// Step forward; what the redone revision does, or `None` at the end.
    pub fn redo(&mut self) -> Option<String> {
        if self.cursor + 1 >= self.revisions.len() {
            return None;
        }
        self.cursor += 1;
        Some(self.current().what.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(n: usize) -> Recipe {
        let steps = (0..n)
            .map(|i| format!(r#"{{"op": "drop", "columns": "c{i}"}}"#))
            .collect::<Vec<_>>()
            .join(",");
        Recipe::parse(&format!(r#"{{"wort_recipe": 1, "steps": [{steps}]}}"#), "t").unwrap()
    }

    #[test]
    fn undo_redo_and_a_new_revision_drops_the_redo_tail() {
        let mut h = History::new(recipe(0));
        assert_eq!(h.undo(), None);
        h.record(recipe(1), None, "one".into());
        h.record(recipe(2), Some(5), "two".into());
        assert_eq!(
            h.current().view,
            None,
            "a view past the end means all steps"
        );
        assert_eq!(h.undo().as_deref(), Some("two"));
        assert_eq!(h.current().recipe.steps.len(), 1);
        assert_eq!(h.redo().as_deref(), Some("two"));
        assert_eq!(h.redo(), None);
        h.undo();
        h.record(recipe(3), None, "three".into());
        assert_eq!(h.redo(), None, "the redo tail is gone");
        assert_eq!(h.undo().as_deref(), Some("three"));
        assert_eq!(h.current().recipe.steps.len(), 1);
    }

    #[test]
    fn only_the_last_revisions_are_kept() {
        let mut h = History::new(recipe(0));
        for i in 0..History::LIMIT + 10 {
            h.record(recipe(1), None, format!("{i}"));
        }
        let mut undone = 0;
        while h.undo().is_some() {
            undone += 1;
        }
        assert_eq!(undone, History::LIMIT - 1);
    }
}
