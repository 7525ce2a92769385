//! `recipe::replay`: the one sequence by which a command reads a recipe's output.
//!
//! open (the caller) → for each attempt of the read: check that the recipe fits the
//! input → plan it with `apply` → hand the plan to the command's own work (write it,
//! evaluate rules, profile). A full read infers types from the first rows; when a later
//! value does not fit, [`Source::retry_on_late_types`] reads that column as text and the
//! attempt runs again, validation included.

use std::path::Path;

use polars::prelude::{LazyFrame, Schema};

use super::{ApplyOptions, Recipe, apply_with, fits};
use crate::source::{LateTypeError, Source};

/// The recipe to replay, and its file (for errors).
pub struct Replay<'a> {
    pub recipe: &'a Recipe,
    pub path: &'a Path,
}

/// What one attempt hands to the command's work.
pub struct Planned<'s> {
    /// The source as read in this attempt (for `verify` before publishing).
    pub source: &'s Source,
    /// The recipe's output as a plan (the input itself without a recipe).
    pub lf: LazyFrame,
    /// The plan's columns.
    pub schema: Schema,
    /// The options the plan was made with (its counters, for a run summary).
    pub options: ApplyOptions,
}

/// Replay `recipe` (or nothing) over `src` and run `work` on the plan, retrying on late
/// types. `options` makes fresh apply options (counters) for each attempt; `note`
/// receives one line per column read again.
pub fn replay<T>(
    src: &mut Source,
    recipe: Option<Replay>,
    inputs: &[String],
    mut options: impl FnMut() -> ApplyOptions,
    mut work: impl FnMut(Planned) -> Result<T, LateTypeError>,
    note: impl FnMut(&str),
) -> Result<T, LateTypeError> {
    let other = |e: String| LateTypeError::Other(e);
    src.retry_on_late_types(
        |src| {
            let input = src.schema().map_err(|e| other(e.to_string()))?;
            let lf = src
                .lazy()
                .map_err(|e| other(format!("reading the input: {e}")))?;
            let options = options();
            let (lf, schema) = match &recipe {
                Some(r) => {
                    let schema =
                        fits(r.recipe, &input, r.path, inputs).map_err(|m| other(m.to_string()))?;
                    // A step that read the data ahead (wort run's statistics, sort and
                    // dedupe passes) fails as a write would: a late type is retried.
                    let lf = apply_with(r.recipe, lf, &options).map_err(|e| match e.reading {
                        true => LateTypeError::Polars(e.message),
                        false => other(e.to_string()),
                    })?;
                    (lf, schema)
                }
                None => (lf, input),
            };
            work(Planned {
                source: src,
                lf,
                schema,
                options,
            })
        },
        note,
    )
}
