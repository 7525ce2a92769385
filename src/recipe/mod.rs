//! Recipes: an ordered list of steps, stored as JSON, applied by exactly one function.
//!
//! ```json
//! { "wort_recipe": 1, "description": "optional",
//!   "steps": [ {"op": "rename", "column": "dep_delay", "to": "departure_delay"} ] }
//! ```
//!
//! Every step accepts `comment` and `disabled`; steps that change values or remove rows
//! accept `where`, a SQL boolean expression.

mod apply;
pub mod loss;
mod replay;
pub mod spill;
mod tables;
mod validate;

use std::fmt;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use apply::{ApplyOptions, RunStats, StepCount, apply, apply_step, apply_with};
pub use replay::{Planned, Replay, replay};
pub use tables::{Files, parse_binding, split_bindings, table_stem};
pub use validate::{Misfit, Problem, fits, validate, validate_step};

use crate::transform::Op;

/// The version of the recipe format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A recipe: what a user did to a dataset, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Recipe {
    /// Format version; always 1 for now.
    pub wort_recipe: u32,
    /// What the recipe is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The steps, applied in order.
    pub steps: Vec<Step>,
    /// Where the other files steps read are (beside the recipe file); not in the JSON.
    #[serde(skip)]
    #[schemars(skip)]
    pub files: Files,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe {
            wort_recipe: FORMAT_VERSION,
            description: None,
            steps: Vec::new(),
            files: Files::default(),
        }
    }
}

/// One step: an operation plus the fields every step shares.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Step {
    /// The operation and its parameters, tagged by `"op"`.
    #[serde(flatten)]
    pub op: Op,
    /// Only for steps that change values or remove rows: a SQL boolean expression;
    /// the step then changes only matching rows, or removes only matching rows.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// A note for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Keep the step in the recipe but skip it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Step {
    pub fn new(op: Op) -> Self {
        Step {
            op,
            condition: None,
            comment: None,
            disabled: false,
        }
    }

    pub fn with_where(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// One line for a recipe list: `fill_missing arr_delay with the median`.
    pub fn describe(&self) -> String {
        let mut s = self.op.describe();
        if let Some(w) = &self.condition {
            s.push_str(&format!(" where {w}"));
        }
        if self.disabled {
            s.push_str(" (disabled)");
        }
        s
    }
}

/// Errors reading a recipe file.
#[derive(Debug, thiserror::Error)]
pub enum RecipeError {
    #[error("cannot read recipe {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("recipe {path} is not valid JSON: {message}")]
    Json { path: String, message: String },
    #[error("recipe {path}: {message}")]
    Format { path: String, message: String },
    #[error("recipe {path} has {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Steps { path: String, problems: Vec<String> },
}

impl Recipe {
    /// A recipe of one step.
    pub fn of_step(step: &Step) -> Recipe {
        Recipe {
            steps: vec![step.clone()],
            ..Recipe::default()
        }
    }

    /// A recipe of one step that reads other files from where this one does.
    pub fn with_step(&self, step: &Step) -> Recipe {
        Recipe::of_step_in(step, &self.files)
    }

    /// A recipe of one step that reads other files from `files`.
    pub fn of_step_in(step: &Step, files: &Files) -> Recipe {
        Recipe {
            steps: vec![step.clone()],
            files: files.clone(),
            ..Recipe::default()
        }
    }

    /// Read and parse a recipe file. Every malformed step is reported, not just the first.
    pub fn load(path: &Path) -> Result<Recipe, RecipeError> {
        let text = std::fs::read_to_string(path).map_err(|source| RecipeError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut recipe = Recipe::parse(&text, &path.display().to_string())?;
        recipe.files = Files::beside(path);
        Ok(recipe)
    }

    /// Parse recipe JSON; `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Recipe, RecipeError> {
        let value: Value = serde_json::from_str(text).map_err(|e| RecipeError::Json {
            path: origin.to_string(),
            message: format!("{e} (line {}, column {})", e.line(), e.column()),
        })?;
        let fmt_err = |message: String| RecipeError::Format {
            path: origin.to_string(),
            message,
        };
        let Value::Object(mut map) = value else {
            return Err(fmt_err(
                "expected a JSON object like {\"wort_recipe\": 1, \"steps\": [...]}".into(),
            ));
        };
        let version = match map.remove("wort_recipe") {
            Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
            Some(_) => 0,
            None => {
                return Err(fmt_err(
                    "missing \"wort_recipe\": 1 (is this a DataBrew recipe? use `wort import`)"
                        .into(),
                ));
            }
        };
        if version != u64::from(FORMAT_VERSION) {
            return Err(fmt_err(format!(
                "\"wort_recipe\" is {version}, but this build of wort reads version {FORMAT_VERSION}"
            )));
        }
        let description = match map.remove("description") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(fmt_err("\"description\" must be a string".into())),
        };
        let steps_value = map.remove("steps").unwrap_or(Value::Array(Vec::new()));
        if let Some(key) = map.keys().next() {
            return Err(fmt_err(format!(
                "unknown top-level field \"{key}\" (expected wort_recipe, description, steps)"
            )));
        }
        let Value::Array(items) = steps_value else {
            return Err(fmt_err("\"steps\" must be an array".into()));
        };
        let mut steps = Vec::with_capacity(items.len());
        let mut problems = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match Step::from_value(item) {
                Ok(step) => steps.push(step),
                Err(msg) => problems.push(format!("step {}{msg}", i + 1)),
            }
        }
        if !problems.is_empty() {
            return Err(RecipeError::Steps {
                path: origin.to_string(),
                problems,
            });
        }
        Ok(Recipe {
            wort_recipe: FORMAT_VERSION,
            description,
            steps,
            files: Files::default(),
        })
    }

    /// Pretty JSON, the way `wort` writes recipes.
    pub fn to_json(&self) -> String {
        // Serialising plain data structures to a String cannot fail.
        serde_json::to_string_pretty(self).expect("recipe serialises") + "\n"
    }

    /// The JSON Schema of the recipe format, for editors.
    pub fn json_schema() -> Value {
        serde_json::to_value(schemars::schema_for!(Recipe)).expect("schema serialises")
    }

    /// Steps that are not disabled, with their 1-based numbers.
    pub fn active_steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.disabled)
            .map(|(i, s)| (i + 1, s))
    }
}

impl Step {
    /// Parse one step object. The error text follows "step N" in messages, so it starts
    /// with a space or a parenthesis.
    fn from_value(value: Value) -> Result<Step, String> {
        let Value::Object(mut map) = value else {
            return Err(": expected an object like {\"op\": \"rename\", ...}".into());
        };
        let op_name = match map.remove("op") {
            Some(Value::String(s)) => s,
            Some(_) => return Err(": \"op\" must be a string".into()),
            None => return Err(": missing \"op\"".into()),
        };
        let condition = match map.remove("where") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                return Err(format!(
                    " ({op_name}): \"where\" must be a string of SQL, like \"dep_delay > 15\""
                ));
            }
        };
        let comment = match map.remove("comment") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(format!(" ({op_name}): \"comment\" must be a string")),
        };
        let disabled = match map.remove("disabled") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(format!(" ({op_name}): \"disabled\" must be true or false")),
        };
        let op = Op::from_parts(&op_name, Value::Object(map)).map_err(|e| match e {
            crate::transform::OpParseError::UnknownOp => format!(
                ": unknown op \"{op_name}\"{}",
                crate::util::suggestion_suffix(&op_name, Op::NAMES.iter().copied())
            ),
            crate::transform::OpParseError::Params(msg) => format!(" ({op_name}): {msg}"),
        })?;
        Ok(Step {
            op,
            condition,
            comment,
            disabled,
        })
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Step::from_value(value).map_err(|m| serde::de::Error::custom(format!("step{m}")))
    }
}

impl<'de> Deserialize<'de> for Recipe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Recipe::parse(&value.to_string(), "<json>").map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            writeln!(f, "{:>3}. {}", i + 1, step.describe())?;
        }
        Ok(())
    }
}
