//! `recipe::validate`: check every step against the schema it will see, and report every
//! problem at once.

use std::fmt;

use polars::prelude::*;

use super::{ApplyOptions, Recipe, Step, apply_with};
use crate::transform::{CheckCx, Kind};

/// One problem with one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based step number.
    pub step: usize,
    pub op: &'static str,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} ({}): {}", self.step, self.op, self.message)
    }
}

/// A recipe that does not fit its input: every problem, step by step. The one wording
/// of this error, for every command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct Misfit {
    /// The recipe file, as given.
    pub recipe: String,
    /// The input, as given.
    pub input: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "recipe {} does not fit the input {} ({n} problem{}):",
            self.recipe,
            self.input,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// [`validate`], with the error naming the recipe file and the input.
pub fn fits(
    recipe: &Recipe,
    schema: &Schema,
    recipe_path: &std::path::Path,
    inputs: &[String],
) -> Result<Schema, Misfit> {
    validate(recipe, schema).map_err(|problems| Misfit {
        recipe: recipe_path.display().to_string(),
        input: inputs.join(", "),
        problems,
    })
}

/// [`validate`] of one step: the schema after it, or its problems (as step 1).
pub fn validate_step(step: &Step, schema: &Schema) -> Result<Schema, Vec<Problem>> {
    validate(&Recipe::of_step(step), schema)
}

/// Check `recipe` against the input `schema`. On success, returns the schema of the
/// output.
pub fn validate(recipe: &Recipe, schema: &Schema) -> Result<Schema, Vec<Problem>> {
    let mut schema = schema.clone();
    let mut problems = Vec::new();
    for (n, step) in recipe.active_steps() {
        let found = check_step(recipe, step, &schema);
        let op = step.op.name();
        if found.is_empty() {
            // Propagate the schema by planning the step over an empty frame.
            let empty = DataFrame::empty_with_schema(&schema).lazy();
            match apply_with(&recipe.with_step(step), empty, &ApplyOptions::default()).and_then(
                |mut lf| {
                    lf.collect_schema()
                        .map(|s| (*s).clone())
                        .map_err(|e| super::apply::StepError {
                            step: n,
                            op,
                            message: crate::transform::clean_polars_error(&e),
                            reading: false,
                        })
                },
            ) {
                Ok(next) => schema = next,
                Err(e) => problems.push(Problem {
                    step: n,
                    op,
                    message: e.message,
                }),
            }
        } else {
            problems.extend(found.into_iter().map(|message| Problem {
                step: n,
                op,
                message,
            }));
        }
    }
    if problems.is_empty() {
        Ok(schema)
    } else {
        Err(problems)
    }
}

fn check_step(recipe: &Recipe, step: &Step, schema: &Schema) -> Vec<String> {
    let mut cx = CheckCx::new(schema);
    cx.tables = Some(&recipe.files);
    step.op.step().check(&mut cx);
    if let Some(w) = &step.condition {
        if step.op.kind() == Kind::Structure {
            cx.problem(format!(
                "\"where\" does not apply to {}: it changes no values and removes no rows",
                step.op.name()
            ));
        } else {
            cx.sql("where", w);
        }
    }
    cx.problems
}
