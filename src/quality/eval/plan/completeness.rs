//! Completeness and IsComplete.

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
        T::Completeness | T::IsComplete => {
            let (c, _) = p.col1(cx)?;
            let e = p
                .f(col(c.as_str()).is_not_null().cast(DataType::Float64))
                .mean();
            let name = format!("Column.{c}.Completeness");
            if rule.rule_type == T::Completeness {
                p.metric(b, e, name)
            } else {
                Plan::Exact {
                    ratios: vec![(name, b.add(e))],
                    rows: p.rows.clone(),
                    row_expr: Some(col(c.as_str()).is_not_null()),
                    columns: vec![c],
                }
            }
        }
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
