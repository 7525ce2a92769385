//! Dataset-level rules: RowCount, ColumnCount, ColumnExists, ColumnNamesMatchPattern,
//! DuplicateRowCount.

use super::*;

/// The plan of a rule of this family.
pub(in crate::quality::eval) fn plan(
    cx: &Cx,
    p: &PlanCx,
    rule: &Rule,
    b: &mut Batch,
) -> Result<Plan, PlanError> {
    use RuleType as T;
    Ok(match rule.rule_type {
        T::RowCount => p.metric(b, rows_in(&p.mask), "Dataset.*.RowCount".into()),
        T::ColumnCount => {
            Plan::Done(cx.judge_value(rule, cx.schema.len() as f64, "Dataset.*.ColumnCount"))
        }
        T::ColumnExists => {
            let c = p.params.first().cloned().unwrap_or_default();
            Plan::Done(if cx.schema.contains(&c) {
                LeafResult::judged(true, None, BTreeMap::new())
            } else {
                LeafResult::failed(cx.column(&c).err().unwrap_or_default())
            })
        }
        T::ColumnNamesMatchPattern => {
            // A regex is taken as written: `\d` stays a digit class.
            let pat = match rule.params.first().map(|p| &p.value) {
                Some(ParamValue::Quoted(s)) => regex_text(s.raw()),
                _ => p.params.first().cloned().unwrap_or_default(),
            };
            let re = regex::Regex::new(&format!("^(?:{pat})$"))
                .map_err(|e| PlanError::Error(format!("bad regex {pat:?}: {e}")))?;
            let names: Vec<&str> = cx.schema.iter_names().map(|n| n.as_str()).collect();
            let bad: Vec<&str> = names.iter().copied().filter(|n| !re.is_match(n)).collect();
            let ratio = if names.is_empty() {
                1.0
            } else {
                (names.len() - bad.len()) as f64 / names.len() as f64
            };
            let metrics =
                BTreeMap::from([("Dataset.*.ColumnNamesPatternMatchRatio".to_string(), ratio)]);
            Plan::Done(LeafResult::judged(
                bad.is_empty(),
                (!bad.is_empty())
                    .then(|| format!("Columns that do not match the pattern: {}", bad.join(", "))),
                metrics,
            ))
        }
        T::DuplicateRowCount => {
            let cols: Vec<String> = if p.params.is_empty() {
                cx.schema.iter_names().map(|n| n.to_string()).collect()
            } else {
                p.params.clone()
            };
            for c in &cols {
                cx.column(c).map_err(PlanError::Fail)?;
            }
            let key = as_struct(cols.iter().map(|c| col(c.as_str())).collect());
            let e = len().cast(DataType::Float64) - key.n_unique().cast(DataType::Float64);
            let name = if p.params.is_empty() {
                "Dataset.*.DuplicateRowCount".to_string()
            } else {
                format!("Multicolumn.{}.DuplicateRowCount", cols.join(","))
            };
            if p.mask.is_some() {
                return Err(PlanError::Error(
                    "DuplicateRowCount does not take a where clause".into(),
                ));
            }
            p.metric(b, e, name)
        }
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
