//! Fix steps for a failing rule (`m` in the rules panel): recipe steps that would make
//! the rule pass, filled in from the rule and the data in view. Each opens as a step
//! form with its preview; once applied, the rules are checked again on the new step.
//!
//! A proposal is only ever a step the user could have written: filling or removing
//! missing values, mapping spellings to the listed values, trimming, casting, keeping
//! the rows inside a range or list, clamping, removing duplicates. The rule's `where`
//! becomes the step's `where`, so the fix touches the rows the rule looks at.

use polars::prelude::*;
use serde_json::{Map, Value as Json, json};

use crate::quality::dqdl::{
    CompareOp, Condition, Rule, RuleExpr, RuleType, Ruleset, Value as DqValue,
};
use crate::recipe::Step;
use crate::transform::target::text::{polars_ident, polars_str};

/// A proposed step and a line saying what it does.
#[derive(Debug, Clone)]
pub struct Fix {
    pub label: String,
    pub step: Step,
}

/// The fixes for every leaf of `rule`, over `df` (the data the rule fails on).
pub fn propose(rs: &Ruleset, rule: &RuleExpr, df: &DataFrame) -> Vec<Fix> {
    let mut out: Vec<Fix> = Vec::new();
    for leaf in rule.leaves() {
        for fix in leaf_fixes(rs, leaf, df) {
            if !out.iter().any(|f| f.step == fix.step) {
                out.push(fix);
            }
        }
    }
    out
}

fn leaf_fixes(rs: &Ruleset, rule: &Rule, df: &DataFrame) -> Vec<Fix> {
    let params: Vec<String> = rule
        .params
        .iter()
        .filter_map(|p| rs.param_text(p).map(str::to_string))
        .collect();
    if params.len() != rule.params.len() {
        return Vec::new();
    }
    let Some(column) = params.first().cloned() else {
        return Vec::new();
    };
    let Ok(series) = df.column(&column) else {
        return Vec::new();
    };
    let dtype = series.dtype().clone();
    let mut fixes: Vec<(String, Json)> = Vec::new();
    match rule.rule_type {
        RuleType::IsComplete | RuleType::Completeness => {
            missing_fixes(&column, &dtype, &mut fixes);
        }
        RuleType::IsUnique | RuleType::IsPrimaryKey | RuleType::Uniqueness => {
            if rule.rule_type == RuleType::IsPrimaryKey {
                for c in &params {
                    fixes.push((
                        format!("remove the rows where {c} is missing"),
                        json!({"op": "filter", "remove": format!("{} IS NULL", polars_ident(c))}),
                    ));
                }
            }
            fixes.push((
                format!("keep the first row of each {}", params.join(" + ")),
                json!({"op": "dedupe", "columns": params}),
            ));
        }
        RuleType::ColumnDataType => {
            if let Some(Condition::Compare {
                op: CompareOp::Eq,
                value: DqValue::Text(t),
            }) = &rule.condition
                && let Some(to) = cast_type(&t.unescaped())
            {
                fixes.push((
                    format!("cast {column} to {to} (values that do not convert become missing)"),
                    json!({"op": "cast", "column": column, "to": to}),
                ));
            }
        }
        RuleType::ColumnLength => {
            if has_outer_space(series) {
                fixes.push(trim(&column));
            }
            if let Some(sql) = rule
                .condition
                .as_ref()
                .and_then(|c| condition_sql(rs, &format!("length({})", polars_ident(&column)), c))
            {
                fixes.push(keep_rows(&sql, &column));
            }
        }
        RuleType::ColumnValues => {
            let Some(cond) = &rule.condition else {
                return Vec::new();
            };
            values_fixes(rs, &column, series, cond, &mut fixes);
        }
        _ => {}
    }
    fixes
        .into_iter()
        .filter_map(|(label, mut step)| {
            if let Some(w) = &rule.where_clause {
                step["where"] = Json::from(w.raw());
            }
            step["comment"] = Json::from(format!("fix for: {rule}"));
            serde_json::from_value(step)
                .ok()
                .map(|step| Fix { label, step })
        })
        .collect()
}

fn missing_fixes(column: &str, dtype: &DataType, fixes: &mut Vec<(String, Json)>) {
    let (strategy, what) = if dtype.is_primitive_numeric() {
        ("median", "the median")
    } else {
        ("mode", "the most frequent value")
    };
    fixes.push((
        format!("fill the missing values of {column} with {what}"),
        json!({"op": "fill_missing", "column": column, "strategy": strategy}),
    ));
    fixes.push((
        format!("remove the rows where {column} is missing"),
        json!({"op": "filter", "remove": format!("{} IS NULL", polars_ident(column))}),
    ));
}

fn values_fixes(
    rs: &Ruleset,
    column: &str,
    series: &Column,
    cond: &Condition,
    fixes: &mut Vec<(String, Json)>,
) {
    if let Condition::In {
        negated: false,
        list,
    } = cond
        && let Some(items) = rs.list_items(list)
    {
        let allowed: Vec<String> = items
            .iter()
            .filter_map(|v| match v {
                DqValue::Text(t) => Some(t.unescaped()),
                DqValue::Empty => Some(String::new()),
                _ => None,
            })
            .collect();
        let mapping = spellings(series, &allowed);
        if !mapping.is_empty() {
            let sample: Vec<String> = mapping
                .iter()
                .take(2)
                .map(|(k, v)| format!("{k:?} → {v}"))
                .collect();
            fixes.push((
                format!(
                    "map {} spelling(s) to the listed values ({}{})",
                    mapping.len(),
                    sample.join(", "),
                    if mapping.len() > 2 { ", …" } else { "" }
                ),
                json!({"op": "map_values", "column": column, "mapping": mapping}),
            ));
        }
    }
    if matches!(cond, Condition::Matches { negated: false, .. }) && has_outer_space(series) {
        fixes.push(trim(column));
    }
    if series.dtype().is_primitive_numeric() {
        let bound = |v: &DqValue| match v {
            DqValue::Number(n) => n.constant_value(),
            _ => None,
        };
        let (min, max) = match cond {
            Condition::Compare { op, value } => match op {
                CompareOp::Ge => (bound(value), None),
                CompareOp::Le => (None, bound(value)),
                _ => (None, None),
            },
            _ => (None, None),
        };
        if min.is_some() || max.is_some() {
            let mut step = json!({"op": "clamp", "column": column});
            let mut limits = Vec::new();
            if let Some(m) = min {
                step["min"] = json!(m);
                limits.push(format!("at least {m}"));
            }
            if let Some(m) = max {
                step["max"] = json!(m);
                limits.push(format!("at most {m}"));
            }
            let nulls = series.null_count();
            let still = if nulls > 0 {
                format!(" ({nulls} missing values still fail)")
            } else {
                String::new()
            };
            fixes.push((
                format!("clamp {column} to {}{still}", limits.join(" and ")),
                step,
            ));
        }
    }
    if let Some(sql) = condition_sql(rs, &polars_ident(column), cond) {
        fixes.push(keep_rows(&sql, column));
    }
}

/// Values of `series` that are not in `allowed` but equal one of them once trimmed and
/// lower-cased, each mapped to that value.
fn spellings(series: &Column, allowed: &[String]) -> Map<String, Json> {
    let fold = |s: &str| s.trim().to_lowercase();
    let mut mapping = Map::new();
    let Ok(text) = series.cast(&DataType::String) else {
        return mapping;
    };
    let Ok(unique) = text.unique() else {
        return mapping;
    };
    let Ok(values) = unique.str() else {
        return mapping;
    };
    for v in values.iter().flatten() {
        if allowed.iter().any(|a| a == v) {
            continue;
        }
        let matches: Vec<&String> = allowed.iter().filter(|a| fold(a) == fold(v)).collect();
        if let [one] = matches.as_slice() {
            mapping.insert(v.to_string(), Json::from(one.as_str()));
        }
    }
    mapping.sort_keys();
    mapping
}

fn has_outer_space(series: &Column) -> bool {
    series.str().is_ok_and(|s| {
        s.iter()
            .flatten()
            .any(|v| v.trim() != v && !v.trim().is_empty())
    })
}

fn trim(column: &str) -> (String, Json) {
    (
        format!("trim the spaces around the values of {column}"),
        json!({"op": "trim", "column": column}),
    )
}

fn keep_rows(sql: &str, column: &str) -> (String, Json) {
    (
        format!("keep only the rows where {column} passes ({sql})"),
        json!({"op": "filter", "keep": sql}),
    )
}

/// The rule's condition on `subject` as a polars SQL predicate, when it has one
/// (literal numbers and text; a missing value fails it, as it fails the rule).
fn condition_sql(rs: &Ruleset, subject: &str, cond: &Condition) -> Option<String> {
    match cond {
        Condition::Compare { op, value } => {
            let v = literal(value)?;
            let op = match op {
                CompareOp::Ne => "<>",
                o => o.as_str(),
            };
            Some(format!("{subject} {op} {v}"))
        }
        Condition::Between {
            negated: false,
            low,
            high,
        } => Some(format!(
            "{subject} > {} AND {subject} < {}",
            literal(low)?,
            literal(high)?
        )),
        Condition::In {
            negated: false,
            list,
        } => {
            let items = rs.list_items(list)?;
            let mut values = Vec::new();
            let mut null = false;
            for v in items {
                match v {
                    DqValue::Null => null = true,
                    other => values.push(literal(other)?),
                }
            }
            let inside = format!("{subject} IN ({})", values.join(", "));
            Some(if null {
                format!("({inside} OR {subject} IS NULL)")
            } else {
                inside
            })
        }
        _ => None,
    }
}

/// A number or text literal in polars SQL.
fn literal(v: &DqValue) -> Option<String> {
    match v {
        DqValue::Number(n) => n.constant_value().map(|x| x.to_string()),
        DqValue::Text(t) => Some(polars_str(&t.unescaped())),
        DqValue::Empty => Some("''".into()),
        _ => None,
    }
}

/// The `cast` type for a ColumnDataType type name.
fn cast_type(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "integer" | "long" | "int" | "short" | "byte" => "int",
        "double" | "float" => "float",
        "boolean" => "bool",
        "date" => "date",
        "timestamp" => "datetime",
        "string" => "string",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixes_for(rule: &str, df: &DataFrame) -> Vec<(String, String)> {
        let rs = crate::quality::dqdl::parse(&format!("Rules = [ {rule} ]")).expect("parses");
        propose(&rs, &rs.rules.items[0].rule, df)
            .into_iter()
            .map(|f| {
                let mut step = serde_json::to_value(&f.step).unwrap();
                step.as_object_mut().unwrap().remove("comment");
                (f.label, step.to_string())
            })
            .collect()
    }

    fn data() -> DataFrame {
        df!(
            "id" => [Some(1i64), Some(2), Some(2), None],
            "price" => [Some(5.0), Some(50.0), None, Some(500.0)],
            "code" => [" ab", "cd", "ef", "gh"],
            "when" => ["2024-01-01", "x", "2024-02-01", "2024-03-01"],
        )
        .unwrap()
    }

    #[test]
    fn keys_dedupe_and_primary_keys_also_drop_missing() {
        assert_eq!(
            fixes_for(r#"IsPrimaryKey "id""#, &data()),
            [
                (
                    "remove the rows where id is missing".to_string(),
                    r#"{"op":"filter","remove":"id IS NULL"}"#.to_string()
                ),
                (
                    "keep the first row of each id".to_string(),
                    r#"{"op":"dedupe","columns":["id"]}"#.to_string()
                ),
            ]
        );
    }

    #[test]
    fn ranges_keep_rows_inside_and_the_where_carries_over() {
        let f = fixes_for(
            r#"ColumnValues "price" between 1 and 100 where "id > 1""#,
            &data(),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].1,
            r#"{"op":"filter","keep":"price > 1 AND price < 100","where":"id > 1"}"#
        );
        let f = fixes_for(r#"ColumnValues "price" >= 10"#, &data());
        assert_eq!(
            f[0],
            (
                "clamp price to at least 10 (1 missing values still fail)".to_string(),
                r#"{"op":"clamp","column":"price","min":10.0}"#.to_string()
            )
        );
    }

    #[test]
    fn types_cast_lengths_trim_and_unknown_rules_propose_nothing() {
        let f = fixes_for(r#"ColumnDataType "when" = "Date""#, &data());
        assert_eq!(
            f[0].1, r#"{"op":"cast","column":"when","to":"date"}"#,
            "{f:?}"
        );
        let f = fixes_for(r#"ColumnLength "code" = 2"#, &data());
        assert_eq!(f[0].1, r#"{"op":"trim","column":"code"}"#);
        assert_eq!(f[1].1, r#"{"op":"filter","keep":"length(code) = 2"}"#);
        assert!(fixes_for("RowCount > 10", &data()).is_empty());
        assert!(fixes_for(r#"IsComplete "nope""#, &data()).is_empty());
    }
}
