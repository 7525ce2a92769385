//! Values and sets, lengths and patterns: ColumnLength, ColumnValues, ColumnDataType.

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
        T::ColumnLength => {
            let (c, _) = p.col1(cx)?;
            let len_e = col(c.as_str())
                .cast(DataType::String)
                .str()
                .len_chars()
                .fill_null(lit(0))
                .cast(DataType::Float64);
            let cond = rule
                .condition
                .as_ref()
                .ok_or_else(|| PlanError::Error("ColumnLength needs a condition".to_string()))?;
            let pass = cx
                .row_predicate(rule, len_e.clone(), &DataType::Float64, cond)
                .map_err(PlanError::Error)?;
            let min = b.add(p.f(len_e.clone()).min());
            let max = b.add(p.f(len_e).max());
            cx.rows_plan(
                b,
                &p.w,
                pass,
                format!("Column.{c}.LengthCompliance"),
                vec![
                    (format!("Column.{c}.MinimumLength"), min),
                    (format!("Column.{c}.MaximumLength"), max),
                ],
                vec![c],
                false,
            )
        }
        T::ColumnValues => {
            let (c, dt) = p.col1(cx)?;
            let cond = rule
                .condition
                .as_ref()
                .ok_or_else(|| PlanError::Error("ColumnValues needs a condition".to_string()))?;
            let pass = cx
                .row_predicate(rule, col(c.as_str()), &dt, cond)
                .map_err(PlanError::Error)?;
            let mut extra = Vec::new();
            if dt.is_primitive_numeric() {
                extra.push((
                    format!("Column.{c}.Minimum"),
                    b.add(p.f(col(c.as_str())).min()),
                ));
                extra.push((
                    format!("Column.{c}.Maximum"),
                    b.add(p.f(col(c.as_str())).max()),
                ));
            }
            cx.rows_plan(
                b,
                &p.w,
                pass,
                format!("Column.{c}.ColumnValues.Compliance"),
                extra,
                vec![c],
                true,
            )
        }
        T::ColumnDataType => {
            let (c, dt) = p.col1(cx)?;
            let cond = rule
                .condition
                .as_ref()
                .ok_or_else(|| PlanError::Error("ColumnDataType needs a condition".to_string()))?;
            let pass = cx
                .data_type_predicate(&c, &dt, cond)
                .map_err(PlanError::Error)?;
            cx.rows_plan(
                b,
                &p.w,
                pass,
                format!("Column.{c}.ColumnDataType.Compliance"),
                Vec::new(),
                vec![c],
                false,
            )
        }
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
