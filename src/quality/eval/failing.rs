//! The failing rows of row-level rules, as a frame (`wort check --failures`).

use super::*;

pub(super) fn any_to_json(v: &AnyValue) -> serde_json::Value {
    match v {
        AnyValue::Null => serde_json::Value::Null,
        AnyValue::Boolean(b) => serde_json::Value::Bool(*b),
        AnyValue::String(s) => serde_json::Value::String(s.to_string()),
        AnyValue::StringOwned(s) => serde_json::Value::String(s.to_string()),
        v if v.dtype().is_integer() => v
            .extract::<i64>()
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::Null),
        v if v.dtype().is_float() => v
            .extract::<f64>()
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        other => serde_json::Value::String(other.to_string()),
    }
}

/// Every row that fails at least one row-level rule, with its 1-based row number
/// (`row`) and the failed rules (`failed_rules`, e.g. "Rule_2; Rule_5"), for
/// `wort check --failures FILE`. Rows outside a rule's `where` never fail it.
pub fn failing_rows_frame(
    rules: &Ruleset,
    lf: LazyFrame,
    opts: &EvalOptions,
) -> Result<LazyFrame, EvalError> {
    let cx = Cx::new(rules, lf, opts)?;
    let lf = &cx.lf;
    let mut flags = Vec::new();
    for (i, entry) in rules.rules.items.iter().enumerate() {
        let mut fail: Option<Expr> = None;
        for rule in entry.rule.leaves() {
            if let Some(pass) = cx.row_expr_for(rule) {
                let f = pass.not();
                fail = Some(match fail {
                    None => f,
                    Some(prev) => prev.or(f),
                });
            }
        }
        if let Some(f) = fail {
            flags.push(
                when(f)
                    .then(lit(format!("Rule_{}", i + 1)))
                    .otherwise(lit(NULL).cast(DataType::String)),
            );
        }
    }
    let failed = if flags.is_empty() {
        lit(NULL).cast(DataType::String)
    } else {
        concat_str(flags, "; ", true)
    };
    Ok(lf
        .clone()
        .with_row_index("row", Some(1))
        .with_column(failed.alias("failed_rules"))
        .filter(
            col("failed_rules")
                .is_not_null()
                .and(col("failed_rules").neq(lit(""))),
        ))
}
