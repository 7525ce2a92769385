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

use super::text::polars_ident;
use super::{ExportError, Untranslated};
use crate::recipe::{Recipe, Step};
use crate::transform::Op;
pub use crate::transform::target::databrew::*;

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
            schema = crate::recipe::validate_step(step, s).ok();
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
    let op = Op::from_parts(&name, Value::Object(m)).map_err(|e| match e {
        crate::transform::OpParseError::UnknownOp => format!("internal: no op {name}"),
        crate::transform::OpParseError::Params(p) => format!("parameters: {p}"),
    })?;
    Ok(Step::new(op))
}

fn import_step(s: &BrewStep, schema: Option<&Schema>) -> Result<Vec<Step>, String> {
    use serde_json::json;
    let op = s.action.operation.as_str();
    let need = |k: &str| -> Result<String, String> {
        s.get(k)
            .map(str::to_string)
            .ok_or_else(|| format!("parameter \"{k}\" is missing"))
    };
    let list_param = |k: &str| -> Result<Vec<String>, String> {
        let v = need(k)?;
        serde_json::from_str::<Vec<String>>(&v)
            .map_err(|_| format!("parameter \"{k}\" is not a JSON list of names: {v:?}"))
    };
    let flag = |k: &str| s.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let dtype = |c: &str| schema.and_then(|sc| sc.get(c));
    let where_sql = || -> Result<Option<String>, String> {
        if s.condition_expressions.is_empty() {
            return Ok(None);
        }
        let parts = s
            .condition_expressions
            .iter()
            .map(|c| condition_sql(c, dtype(&c.target_column)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(parts.join(" AND ")))
    };
    // Only REMOVE_VALUES and FILL_WITH_CUSTOM take conditions.
    if !s.condition_expressions.is_empty() && !matches!(op, "REMOVE_VALUES" | "FILL_WITH_CUSTOM") {
        return Err(format!(
            "has ConditionExpressions, whose effect on {op} DataBrew does not document"
        ));
    }
    let one = |v: Value| -> Result<Vec<Step>, String> { Ok(vec![step(v)?]) };
    let src = || need("sourceColumn");
    match op {
        "RENAME" => one(json!({"op": "rename", "column": src()?, "to": need("targetColumn")?})),
        "DELETE" => {
            let cols = match s.get("sourceColumns") {
                Some(_) => list_param("sourceColumns")?,
                None => vec![src()?],
            };
            one(json!({"op": "drop", "columns": cols}))
        }
        "DUPLICATE" => {
            one(json!({"op": "duplicate", "column": src()?, "to": need("targetColumn")?}))
        }
        "MOVE_TO_INDEX" | "MOVE_TO_START" | "MOVE_TO_END" | "MOVE_AFTER" | "MOVE_BEFORE" => {
            let column = src()?;
            let names: Option<Vec<String>> =
                schema.map(|sc| sc.iter_names().map(|n| n.to_string()).collect());
            let index = match op {
                "MOVE_TO_INDEX" => need("targetIndex")?
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| "targetIndex is not a position".to_string())?,
                "MOVE_TO_START" => 0,
                _ => {
                    let Some(names) = names else {
                        return Err(format!(
                            "{op} needs the columns; import with --input to give them"
                        ));
                    };
                    let others: Vec<&String> = names.iter().filter(|n| **n != column).collect();
                    match op {
                        "MOVE_TO_END" => others.len(),
                        _ => {
                            let target = need("targetColumn")?;
                            let at = others
                                .iter()
                                .position(|n| **n == target)
                                .ok_or_else(|| format!("no column \"{target}\""))?;
                            if op == "MOVE_AFTER" { at + 1 } else { at }
                        }
                    }
                }
            };
            one(json!({"op": "move", "column": column, "to_index": index}))
        }
        "SORT" => {
            let exprs: Vec<Value> = serde_json::from_str(&need("expressions")?)
                .map_err(|e| format!("expressions: {e}"))?;
            let mut by = Vec::new();
            let mut desc = Vec::new();
            let mut helpers = Vec::new();
            let mut before = Vec::new();
            for (k, e) in exprs.iter().enumerate() {
                let c = e
                    .get("sourceColumn")
                    .and_then(Value::as_str)
                    .ok_or("a sort key has no sourceColumn")?
                    .to_string();
                if e.get("customOrder").is_some_and(|v| !v.is_null()) {
                    return Err("a custom sort order has no wort equivalent".into());
                }
                let d = e.get("ordering").and_then(Value::as_str) == Some("DESCENDING");
                if e.get("nullsOrdering").and_then(Value::as_str) == Some("NULLS_TOP") {
                    // Missing values first: sort by "has a value" first.
                    let h = format!("__wort_sort_{}", k + 1);
                    before.push(json!({"op": "derive", "column": h, "expr": format!("{} IS NOT NULL", polars_ident(&c))}));
                    by.push(h.clone());
                    desc.push(false);
                    helpers.push(h);
                }
                by.push(c);
                desc.push(d);
            }
            let mut out: Vec<Value> = before;
            out.push(json!({"op": "sort", "by": by, "descending": desc}));
            if !helpers.is_empty() {
                out.push(json!({"op": "drop", "columns": helpers}));
            }
            out.into_iter().map(step).collect()
        }
        "CHANGE_DATA_TYPE" | "TO_STRING_COLUMN" | "TO_NUMBER_COLUMN" | "TO_DOUBLE_COLUMN"
        | "TO_BOOLEAN_COLUMN" => {
            let to = match op {
                "TO_STRING_COLUMN" => "string",
                "TO_NUMBER_COLUMN" | "TO_DOUBLE_COLUMN" => "float",
                "TO_BOOLEAN_COLUMN" => "bool",
                _ => match need("columnDataType")?.to_ascii_lowercase().as_str() {
                    "byte" | "short" | "int" | "integer" | "long" => "int",
                    "float" | "double" | "decimal" | "number" => "float",
                    "string" => "string",
                    "boolean" => "bool",
                    "date" => "date",
                    "timestamp" => "datetime",
                    other => return Err(format!("type {other:?} has no wort equivalent")),
                },
            };
            one(json!({"op": "cast", "column": src()?, "to": to}))
        }
        "REMOVE_VALUES" => {
            let Some(w) = where_sql()? else {
                return Err("REMOVE_VALUES without conditions does nothing documented".into());
            };
            one(json!({"op": "filter", "remove": w}))
        }
        "UPPER_CASE" => one(json!({"op": "upper", "column": src()?})),
        "LOWER_CASE" => one(json!({"op": "lower", "column": src()?})),
        "CAPITAL_CASE" => one(json!({"op": "title", "column": src()?})),
        "SENTENCE_CASE" => one(json!({"op": "sentence", "column": src()?})),
        "ADD_PREFIX" => {
            one(json!({"op": "add_prefix", "column": src()?, "text": need("pattern")?}))
        }
        "ADD_SUFFIX" => {
            one(json!({"op": "add_suffix", "column": src()?, "text": need("pattern")?}))
        }
        "REMOVE_COMBINED" => remove_combined(s, &src()?),
        "REPLACE_TEXT" => {
            let pattern = need("pattern")?;
            let with = s.get("value").unwrap_or("").to_string();
            let regex = pattern.chars().any(|c| r"\.+*?()|[]{}^$".contains(c));
            one(
                json!({"op": "replace", "column": src()?, "pattern": pattern, "with": with, "regex": regex}),
            )
        }
        "FORMAT_DATE" => {
            let layout = need("targetDateFormat")?;
            let f = FORMAT_DATE_LAYOUTS
                .iter()
                .find(|(b, _)| *b == layout)
                .map(|(_, f)| *f)
                .ok_or_else(|| format!("targetDateFormat {layout:?} is not one of the five"))?;
            one(json!({"op": "format_date", "column": src()?, "format": f}))
        }
        "DATE_FORMAT" => {
            let target = need("targetColumn")?;
            let f = strftime_from_brew(s.get("dateTimeFormat").unwrap_or("yyyy-mm-dd HH:MM:SS"));
            [
                json!({"op": "duplicate", "column": src()?, "to": target}),
                json!({"op": "format_date", "column": target, "format": f}),
            ]
            .into_iter()
            .map(step)
            .collect()
        }
        "EXTRACT_PATTERN" => {
            let p = need("pattern")?;
            if regex::Regex::new(&p).map(|r| r.captures_len()).unwrap_or(0) > 1 {
                return Err("the pattern has capture groups; wort extracts exactly one".into());
            }
            let (start, rest) = match p.strip_prefix('^') {
                Some(r) => ("^", r),
                None => ("", p.as_str()),
            };
            let (body, end) = match rest.strip_suffix('$') {
                Some(b) if !b.ends_with('\\') => (b, "$"),
                _ => (rest, ""),
            };
            one(
                json!({"op": "extract", "column": src()?, "pattern": format!("{start}({body}){end}"), "to": need("targetColumn")?}),
            )
        }
        "FILL_WITH_AVERAGE" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "mean"}))
        }
        "FILL_WITH_MEDIAN" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "median"}))
        }
        "FILL_WITH_MOST_FREQUENT" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "mode"}))
        }
        "FILL_WITH_MODE" => match s.get("modeType").unwrap_or("MINIMUM") {
            "MINIMUM" => one(json!({"op": "fill_missing", "column": src()?, "strategy": "mode"})),
            other => Err(format!(
                "modeType {other}: wort breaks ties by the smallest value (MINIMUM)"
            )),
        },
        "FILL_WITH_EMPTY" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "empty"}))
        }
        "FILL_WITH_LAST_VALID" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "previous"}))
        }
        "FILL_WITH_CUSTOM" => {
            let v = need("value")?;
            let ty = s
                .get("columnDataType")
                .unwrap_or("string")
                .to_ascii_lowercase();
            let value = match ty.as_str() {
                "number" | "int" | "integer" | "long" | "double" | "float" => {
                    match serde_json::from_str::<serde_json::Number>(v.trim()) {
                        Ok(n) => Value::Number(n),
                        Err(_) => return Err(format!("value {v:?} is not a number")),
                    }
                }
                "boolean" => Value::Bool(v.eq_ignore_ascii_case("true")),
                _ => Value::String(v),
            };
            let mut st = step(
                json!({"op": "fill_missing", "column": src()?, "strategy": "value", "value": value}),
            )?;
            st.condition = where_sql()?;
            Ok(vec![st])
        }
        "REMOVE_MISSING" => one(json!({"op": "drop_missing", "columns": [src()?]})),
        "FLAG_COLUMN_FROM_NULL" => {
            one(json!({"op": "flag_missing", "column": src()?, "to": need("targetColumn")?}))
        }
        "DELETE_DUPLICATE_ROWS" => one(json!({"op": "dedupe"})),
        "REMOVE_DUPLICATES" => one(json!({"op": "dedupe", "columns": [src()?]})),
        "FLAG_OUTLIERS" | "REMOVE_OUTLIERS" => {
            let method = match s.get("outlierStrategy").unwrap_or("Z_SCORE") {
                "Z_SCORE" => "zscore",
                "MODIFIED_Z_SCORE" => "modified_zscore",
                "IQR" => "iqr",
                other => return Err(format!("outlierStrategy {other} has no wort equivalent")),
            };
            let threshold: f64 = s
                .get("threshold")
                .unwrap_or("3")
                .trim()
                .parse()
                .map_err(|_| "threshold is not a number".to_string())?;
            if flag("trimValue") {
                return Err("trimValue TRUE (percentile trimming) has no wort equivalent".into());
            }
            let wort_default = match method {
                "zscore" => 3.0,
                "modified_zscore" => 3.5,
                _ => 1.5,
            };
            let mut v = json!({"op": "outliers", "column": src()?, "method": method});
            if threshold != wort_default {
                v["threshold"] = json!(threshold);
            }
            match op {
                "FLAG_OUTLIERS" => {
                    v["action"] = json!("flag");
                    v["to"] = json!(need("targetColumn")?);
                }
                _ => match s.get("removeType").unwrap_or("DELETE_ROWS") {
                    "DELETE_ROWS" => v["action"] = json!("remove"),
                    "CLEAR" => v["action"] = json!("null"),
                    other => return Err(format!("removeType {other} has no wort equivalent")),
                },
            }
            one(v)
        }
        "CRYPTOGRAPHIC_HASH" => {
            match s.get("algorithm") {
                Some("SHA256") => {}
                Some(a) => return Err(format!("algorithm {a}: wort hashes with SHA-256")),
                None => {
                    return Err("the default algorithm is HMAC_SHA256 with a secret; wort hashes with plain SHA-256".into());
                }
            }
            if s.get("entityTypeFilter").is_some() {
                return Err("entityTypeFilter (PII detection) has no wort equivalent".into());
            }
            list_param("sourceColumns")?
                .into_iter()
                .map(|c| step(json!({"op": "hash", "column": c})))
                .collect()
        }
        "MASK_RANGE" => {
            if s.get("alphabet").is_some() || s.get("entityTypeFilter").is_some() {
                return Err("alphabet / entityTypeFilter have no wort equivalent".into());
            }
            let start: i64 = s
                .get("start")
                .unwrap_or("0")
                .trim()
                .parse()
                .map_err(|_| "start is not a number")?;
            let stop: i64 = s
                .get("stop")
                .unwrap_or("0")
                .trim()
                .parse()
                .map_err(|_| "stop is not a number")?;
            if start < 0 || stop > 0 {
                return Err("only ranges from a position to a position counted from the end map to wort's mask".into());
            }
            let ch = s.get("maskSymbol").unwrap_or("#").to_string();
            list_param("sourceColumns")?
                .into_iter()
                .map(|c| {
                    let mut v =
                        json!({"op": "mask", "column": c, "keep_first": start, "keep_last": -stop});
                    if ch != "*" {
                        v["char"] = json!(ch);
                    }
                    step(v)
                })
                .collect()
        }
        "MERGE" | "MERGE_COLUMNS_AND_VALUES" => one(json!({
            "op": "merge", "columns": list_param("sourceColumns")?,
            "separator": s.get("delimiter").unwrap_or(""), "to": need("targetColumn")?
        })),
        "YEAR" | "MONTH" | "DAY" | "HOUR" | "QUARTER" | "WEEK_NUMBER" | "WEEK_DAY" => {
            let part = match op {
                "WEEK_NUMBER" => "week".to_string(),
                "WEEK_DAY" => "weekday".to_string(),
                o => o.to_ascii_lowercase(),
            };
            if s.get("value").is_some() {
                return Err(
                    "a literal date (value) instead of a column has no wort equivalent".into(),
                );
            }
            one(
                json!({"op": "date_part", "column": src()?, "part": part, "to": need("targetColumn")?}),
            )
        }
        "CASE_OPERATION" => {
            if s.get("withExpressions").is_some() {
                return Err("withExpressions (aggregates) have no wort equivalent".into());
            }
            let expr = brew_sql_to_polars(&need("valueExpression")?)?;
            one(json!({"op": "derive", "column": need("targetColumn")?, "expr": expr}))
        }
        "ADD" | "SUBTRACT" | "MULTIPLY" | "DIVIDE" => {
            let operand = |k: u8| -> Result<String, String> {
                if let Some(c) = s.get(&format!("sourceColumn{k}")) {
                    Ok(polars_ident(c))
                } else if let Some(v) = s.get(&format!("value{k}")) {
                    v.trim()
                        .parse::<f64>()
                        .map(|_| v.trim().to_string())
                        .map_err(|_| format!("value{k} is not a number"))
                } else {
                    Err(format!("neither sourceColumn{k} nor value{k} is given"))
                }
            };
            let sym = match op {
                "ADD" => "+",
                "SUBTRACT" => "-",
                "MULTIPLY" => "*",
                _ => "/",
            };
            let expr = format!("{} {sym} {}", operand(1)?, operand(2)?);
            one(json!({"op": "derive", "column": need("targetColumn")?, "expr": expr}))
        }
        "ROUND" | "ABSOLUTE" | "FLOOR" | "CEILING" | "SQUARE_ROOT" | "LN" | "NEGATE" => {
            let c = s
                .get("sourceColumn")
                .or_else(|| s.get("sourceColumn1"))
                .ok_or("parameter \"sourceColumn\" is missing")?;
            let c = polars_ident(c);
            let expr = match op {
                "ROUND" => format!("ROUND({c})"),
                "ABSOLUTE" => format!("ABS({c})"),
                "FLOOR" => format!("FLOOR({c})"),
                "CEILING" => format!("CEIL({c})"),
                "SQUARE_ROOT" => format!("SQRT({c})"),
                "LN" => format!("LN({c})"),
                _ => format!("-{c}"),
            };
            one(json!({"op": "derive", "column": need("targetColumn")?, "expr": expr}))
        }
        "GROUP_BY" | "PIVOT" | "UNPIVOT" | "JOIN" | "UNION" | "TRANSPOSE" => Err(format!(
            "{op} reshapes the dataset (or reads another one); wort recipes keep one table's rows and columns"
        )),
        _ => Err("no wort equivalent".into()),
    }
}

/// REMOVE_COMBINED's flags as wort steps: the removals first, then trimming and
/// collapsing whitespace.
fn remove_combined(s: &BrewStep, column: &str) -> Result<Vec<Step>, String> {
    use serde_json::json;
    let on = |k: &str| s.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut steps = Vec::new();
    let mut rx = |pattern: &str| {
        steps.push(json!({"op": "replace", "column": column, "pattern": pattern, "with": "", "regex": true}));
    };
    if on("removeAllWhitespace") {
        rx(r"\s");
    }
    if on("removeAllPunctuation") {
        rx(r"[.!,?]");
    }
    if on("removeLeadingAndTrailingPunctuation") {
        rx(r"^[.!,?]+|[.!,?]+$");
    }
    if on("removeAllQuotes") {
        rx(r#"['"]"#);
    }
    if on("removeLeadingAndTrailingQuotes") {
        rx(r#"^['"]+|['"]+$"#);
    }
    if on("removeLetters") {
        rx("[A-Za-z]");
    }
    if on("removeNumbers") {
        rx("[0-9]");
    }
    if on("removeSpecialCharacters") {
        rx(r##"[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"##);
    }
    if on("removeCustomCharacters") {
        let chars = s.get("customCharacters").unwrap_or("");
        if !chars.is_empty() {
            let class: String = chars
                .chars()
                .map(|c| regex::escape(&c.to_string()))
                .collect();
            rx(&format!("[{class}]"));
        }
    }
    if on("removeCustomValue") {
        let v = s.get("customValue").unwrap_or("");
        if !v.is_empty() {
            steps.push(json!({"op": "replace", "column": column, "pattern": v, "with": ""}));
        }
    }
    let trim = on("removeLeadingAndTrailingWhitespace");
    let collapse = on("collapseConsecutiveWhitespace");
    if trim {
        steps.push(json!({"op": "trim", "column": column, "collapse": collapse}));
    } else if collapse {
        steps.push(json!({"op": "replace", "column": column, "pattern": r"\s+", "with": " ", "regex": true}));
    }
    if steps.is_empty() {
        return Err("no removal flag is set".into());
    }
    steps.into_iter().map(step).collect()
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
