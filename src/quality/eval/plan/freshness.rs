//! DataFreshness.

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
        T::DataFreshness => {
            let (c, dt) = p.col1(cx)?;
            let ts = match &dt {
                DataType::Date => {
                    col(c.as_str()).cast(DataType::Datetime(TimeUnit::Microseconds, None))
                }
                DataType::Datetime(_, _) => {
                    col(c.as_str()).cast(DataType::Datetime(TimeUnit::Microseconds, None))
                }
                DataType::String => {
                    crate::transform::dates::parse_text(col(c.as_str()), None, true)
                }
                other => {
                    return Err(PlanError::Error(format!(
                        "DataFreshness needs a date or datetime column, but {c} is {}",
                        crate::transform::type_name(other)
                    )));
                }
            };
            let now_us = cx.opts.now.and_utc().timestamp_micros();
            let age_hours = (lit(now_us) - ts.cast(DataType::Int64)).cast(DataType::Float64)
                / lit(3_600_000_000.0);
            let cond = rule.condition.as_ref().ok_or_else(|| {
                PlanError::Error("DataFreshness needs a duration condition".to_string())
            })?;
            let pass = cx
                .row_predicate(rule, age_hours, &DataType::Float64, cond)
                .map_err(PlanError::Error)?;
            cx.rows_plan(
                b,
                &p.w,
                pass,
                format!("Column.{c}.DataFreshness.Compliance"),
                Vec::new(),
                vec![c],
                true,
            )
        }
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
