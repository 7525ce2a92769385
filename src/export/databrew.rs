//! AWS Glue DataBrew recipe JSON, both ways (the recipe format: <https://docs.aws.amazon.com/databrew/latest/dg/recipe-actions-reference.html>).
//!
//! Export: each step maps itself (`StepImpl::databrew`) to DataBrew operations, with
//! its `where` as `ConditionExpressions` for the two operations DataBrew documents them
//! on (REMOVE_VALUES and FILL_WITH_CUSTOM). Import: [`import`] maps every operation wort
//! has an equivalent for, and lists the others with their step numbers.
//!
//! Conditions: a `where` (or filter) that is a conjunction of simple tests on one column
//! each (`col = 'x'`, `col IN (...)`, `col < 5`, `col IS NULL`, `col LIKE 'abc%'`)
//! becomes DataBrew conditions, which are AND-ed; anything else has no equivalent.

use polars::prelude::Schema;
use serde_json::{Map, Value};

use super::{ExportError, Untranslated};
use crate::recipe::{Recipe, Step};
pub use crate::transform::target::databrew::*;
use crate::transform::{
    Op, columns, combine, computed, dates, encode, missing, numbers, outliers, privacy, reshape,
    rows, strings, text,
};

/// The recipe as DataBrew recipe JSON (a pretty array), or the steps that do not map.
/// With `partial`, unmapped steps are left out and returned alongside.
pub fn export(
    recipe: &Recipe,
    schema: Option<&Schema>,
    partial: bool,
) -> Result<(String, Vec<Untranslated>), ExportError> {
    let mut out: Vec<BrewStep> = Vec::new();
    let mut failed = Vec::new();
    let mut schema = schema.cloned();
    for (n, step) in recipe.active_steps() {
        let cx = BrewCx {
            schema: schema.as_ref(),
            condition: step.condition.as_deref(),
        };
        match step.op.step().databrew(&cx) {
            Ok(steps) => out.extend(steps),
            Err(reason) => failed.push(Untranslated {
                step: n,
                op: step.op.name(),
                reason,
            }),
        }
        if let Some(s) = &schema {
            schema = crate::recipe::validate(&recipe.with_step(step), s).ok();
        }
    }
    if !failed.is_empty() && !partial {
        return Err(ExportError::Steps {
            target: "DataBrew",
            steps: failed,
        });
    }
    if out.len() > 100 {
        return Err(ExportError::Other(format!(
            "the DataBrew recipe would have {} steps; DataBrew allows 100",
            out.len()
        )));
    }
    let text = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "[]".into()) + "\n";
    Ok((text, failed))
}

// ---------------------------------------------------------------------------------------
// Import

/// A DataBrew step that has no wort equivalent.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    /// 1-based step number in the DataBrew recipe.
    pub step: usize,
    pub operation: String,
    pub reason: String,
}

impl std::fmt::Display for Unmapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "step {} ({}): {}",
            self.step, self.operation, self.reason
        )
    }
}

/// Read DataBrew recipe JSON in any of its containers (a bare array, `{"Steps": [...]}`,
/// a CloudFormation resource, the wrappers of the reference pages), with parameter
/// values normalised to strings.
pub fn parse_steps(text: &str) -> Result<Vec<BrewStep>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "not valid JSON: {e} (line {}, column {}); YAML recipes: convert them to JSON first",
            e.line(),
            e.column()
        )
    })?;
    let items = steps_array(value)?;
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        out.push(normalise_step(item).map_err(|e| format!("step {}: {e}", i + 1))?);
    }
    Ok(out)
}

fn steps_array(value: Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(a) => Ok(a),
        Value::Object(mut m) => {
            if let Some(steps) = m.remove("Steps").or_else(|| m.remove("steps")) {
                return steps_array(steps);
            }
            if let Some(Value::Object(mut props)) = m.remove("Properties")
                && let Some(steps) = props.remove("Steps")
            {
                return steps_array(steps);
            }
            // A CloudFormation template: the first DataBrew recipe resource.
            if let Some(Value::Object(resources)) = m.remove("Resources") {
                for (_, r) in resources {
                    if r.get("Type").and_then(Value::as_str) == Some("AWS::DataBrew::Recipe") {
                        return steps_array(r);
                    }
                }
                return Err("the template has no AWS::DataBrew::Recipe resource".into());
            }
            // One step on its own.
            Ok(vec![Value::Object(m)])
        }
        _ => Err("expected a JSON array of recipe steps".into()),
    }
}

fn normalise_step(item: Value) -> Result<BrewStep, String> {
    let Value::Object(mut m) = item else {
        return Err("expected an object with \"Action\"".into());
    };
    if let Some(inner) = m.remove("RecipeStep") {
        return normalise_step(inner);
    }
    let action = m
        .remove("Action")
        .or_else(|| m.remove("RecipeAction"))
        .or_else(|| m.remove("action"))
        .ok_or("no \"Action\"")?;
    let Value::Object(mut action) = action else {
        return Err("\"Action\" is not an object".into());
    };
    let operation = action
        .remove("Operation")
        .or_else(|| action.remove("operation"))
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or("no \"Operation\"")?;
    let mut parameters = Map::new();
    if let Some(Value::Object(p)) = action
        .remove("Parameters")
        .or_else(|| action.remove("parameters"))
    {
        for (k, v) in p {
            // CloudFormation writes SourceColumn for sourceColumn.
            let mut key = k.clone();
            if let Some(first) = key.get(..1) {
                key = first.to_ascii_lowercase() + &key[1..];
            }
            let v = match v {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            parameters.insert(key, Value::String(v));
        }
    }
    let mut conds = Vec::new();
    if let Some(Value::Array(cs)) = m
        .remove("ConditionExpressions")
        .or_else(|| m.remove("conditionExpressions"))
    {
        for c in cs {
            let get = |k: &str, l: &str| -> Option<String> {
                c.get(k).or_else(|| c.get(l)).map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            };
            conds.push(BrewCondition {
                condition: get("Condition", "condition")
                    .ok_or("a condition has no \"Condition\"")?,
                value: get("Value", "value"),
                target_column: get("TargetColumn", "targetColumn")
                    .ok_or("a condition has no \"TargetColumn\"")?,
            });
        }
    }
    Ok(BrewStep {
        action: BrewAction {
            operation,
            parameters,
        },
        condition_expressions: conds,
    })
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    pub recipe: Recipe,
    /// DataBrew steps with no wort equivalent (left out of the recipe).
    pub unmapped: Vec<Unmapped>,
}

/// Map DataBrew steps to a wort recipe. `schema`: the input's columns, when known
/// (needed for MOVE_AFTER/MOVE_BEFORE/MOVE_TO_END, and to type condition values).
pub fn import(steps: &[BrewStep], schema: Option<&Schema>) -> Imported {
    let mut out = Vec::new();
    let mut unmapped = Vec::new();
    let mut schema = schema.cloned();
    for (i, s) in steps.iter().enumerate() {
        match import_step(s, schema.as_ref()) {
            Ok(new) => {
                if let Some(sc) = &schema {
                    let part = Recipe {
                        steps: new.clone(),
                        ..Recipe::default()
                    };
                    schema = crate::recipe::validate(&part, sc).ok();
                }
                out.extend(new);
            }
            Err(reason) => unmapped.push(Unmapped {
                step: i + 1,
                operation: s.action.operation.clone(),
                reason,
            }),
        }
    }
    Imported {
        recipe: Recipe {
            steps: out,
            ..Recipe::default()
        },
        unmapped,
    }
}

fn step(op: serde_json::Value) -> Result<Step, String> {
    let Value::Object(mut m) = op else {
        return Err("internal: not an object".into());
    };
    let name = m
        .remove("op")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let condition = m
        .remove("where")
        .and_then(|v| v.as_str().map(str::to_string));
    let op = Op::from_parts(&name, Value::Object(m)).map_err(|e| match e {
        crate::transform::OpParseError::UnknownOp => format!("internal: no op {name}"),
        crate::transform::OpParseError::Params(p) => format!("parameters: {p}"),
    })?;
    let mut step = Step::new(op);
    step.condition = condition;
    Ok(step)
}

fn import_step(s: &BrewStep, schema: Option<&Schema>) -> Result<Vec<Step>, String> {
    let b = BrewIn { step: s, schema };
    let op = b.op();
    // Only REMOVE_VALUES and FILL_WITH_CUSTOM take conditions.
    if !s.condition_expressions.is_empty() && !matches!(op, "REMOVE_VALUES" | "FILL_WITH_CUSTOM") {
        return Err(format!(
            "has ConditionExpressions, whose effect on {op} DataBrew does not document"
        ));
    }
    // Each step family imports the operations that become its steps.
    let families = [
        columns::from_databrew,
        rows::from_databrew,
        missing::from_databrew,
        text::from_databrew,
        computed::from_databrew,
        dates::from_databrew,
        outliers::from_databrew,
        privacy::from_databrew,
        combine::from_databrew,
        reshape::from_databrew,
        encode::from_databrew,
        numbers::from_databrew,
        strings::from_databrew,
    ];
    if let Some(imported) = families.iter().find_map(|f| f(&b)) {
        return imported?.into_iter().map(step).collect();
    }
    match op {
        "JOIN" | "UNION" | "TRANSPOSE" => Err(format!(
            "{op} reshapes the dataset (or reads another one); wort recipes keep one table's rows and columns"
        )),
        _ => Err("no wort equivalent".into()),
    }
}

/// The recipe JSON of an import, with a description naming the source and what was
/// left out.
pub fn imported_recipe_json(imported: &Imported, origin: &str) -> String {
    let mut recipe = imported.recipe.clone();
    let mut d = format!("Imported from the DataBrew recipe {origin}");
    if !imported.unmapped.is_empty() {
        d.push_str(&format!(
            "; left out (no wort equivalent): {}",
            imported
                .unmapped
                .iter()
                .map(|u| format!("step {} {}", u.step, u.operation))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    recipe.description = Some(d);
    recipe.to_json()
}

/// Export error helper for the CLI: an error when steps were left out.
pub fn unmapped_error(unmapped: &[Unmapped]) -> ExportError {
    ExportError::Other(format!(
        "{} DataBrew step(s) have no wort equivalent:\n{}",
        unmapped.len(),
        unmapped
            .iter()
            .map(|u| format!("  {u}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_map() {
        let a = parse_conjunction("black_rating < 1800 AND \"winner\" = 'draw'").unwrap();
        assert_eq!(a.len(), 2);
        let c: Vec<BrewCondition> = a.iter().map(|a| a.to_brew().unwrap()).collect();
        assert_eq!(c[0].condition, "LESS_THAN");
        assert_eq!(c[0].value.as_deref(), Some("1800"));
        assert_eq!(c[1].condition, "IS");
        assert_eq!(c[1].value.as_deref(), Some("[\"draw\"]"));
        assert!(parse_conjunction("a < 1 OR b > 2").is_err());
        assert!(parse_conjunction("ROUND(a) > 2").is_err());
        let like = parse_conjunction("title LIKE '[TEST]%'").unwrap();
        assert_eq!(like[0].to_brew().unwrap().condition, "STARTS_WITH");
    }

    #[test]
    fn condition_sql_types_values() {
        let c = BrewCondition {
            condition: "LESS_THAN".into(),
            value: Some("1800".into()),
            target_column: "black_rating".into(),
        };
        assert_eq!(condition_sql(&c, None).unwrap(), "black_rating < 1800");
        let c = BrewCondition {
            condition: "IS".into(),
            value: Some("[\"draw\",\"x\"]".into()),
            target_column: "Winner".into(),
        };
        assert_eq!(
            condition_sql(&c, None).unwrap(),
            "\"Winner\" IN ('draw', 'x')"
        );
    }

    #[test]
    fn date_tokens() {
        assert_eq!(brew_date_format("%Y-%m-%d").unwrap(), "yyyy-mm-dd");
        assert_eq!(strftime_from_brew("month*dd*yyyy"), "%B*%d*%Y");
        assert!(brew_date_format("%Y at %H").is_ok());
        assert!(brew_date_format("%Y mm").is_err());
        assert!(brew_date_format("%j").is_err());
    }
}
