//! Statistics: Mean, Sum, StandardDeviation, Variance, ColumnCorrelation, ZerosCount,
//! Range, InterquartileRange, Skewness, Kurtosis.

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
        T::Mean | T::Sum | T::StandardDeviation | T::Variance => {
            let (c, dt) = p.col1(cx)?;
            if !dt.is_primitive_numeric() {
                return Err(PlanError::Error(format!(
                    "{} needs a numeric column, but {c} is {}",
                    rule.rule_type,
                    crate::transform::type_name(&dt)
                )));
            }
            let v = p.f(col(c.as_str()).cast(DataType::Float64));
            let (e, n) = match rule.rule_type {
                T::Mean => (v.mean(), "Mean"),
                T::Sum => (v.sum(), "Sum"),
                T::StandardDeviation => (v.std(0), "StandardDeviation"),
                _ => (v.var(0), "Variance"),
            };
            p.metric(b, e, format!("Column.{c}.{n}"))
        }
        T::ColumnCorrelation => {
            let a = p.params.first().cloned().unwrap_or_default();
            let c2 = p.params.get(1).cloned().unwrap_or_default();
            for c in [&a, &c2] {
                let dt = cx.column(c).map_err(PlanError::Fail)?;
                if !dt.is_primitive_numeric() {
                    return Err(PlanError::Error(format!(
                        "ColumnCorrelation needs numeric columns, but {c} is {}",
                        crate::transform::type_name(&dt)
                    )));
                }
            }
            let both =
                p.w.clone()
                    .and(col(a.as_str()).is_not_null())
                    .and(col(c2.as_str()).is_not_null());
            let e = pearson_corr(
                col(a.as_str()).cast(DataType::Float64).filter(both.clone()),
                col(c2.as_str()).cast(DataType::Float64).filter(both),
            );
            p.metric(b, e, format!("Multicolumn.{a},{c2}.ColumnCorrelation"))
        }
        T::ZerosCount | T::Range | T::InterquartileRange | T::Skewness | T::Kurtosis => {
            let (c, dt) = p.col1(cx)?;
            if !dt.is_primitive_numeric() {
                return Err(PlanError::Error(format!(
                    "{} needs a numeric column, but {c} is {}",
                    rule.rule_type,
                    crate::transform::type_name(&dt)
                )));
            }
            let v = p.f(col(c.as_str()).cast(DataType::Float64)).drop_nulls();
            let e = match rule.rule_type {
                T::ZerosCount => v.eq(lit(0.0)).cast(DataType::Float64).sum(),
                T::Range => v.clone().max() - v.min(),
                T::InterquartileRange => {
                    v.clone().quantile(lit(0.75), QuantileMethod::Linear)
                        - v.quantile(lit(0.25), QuantileMethod::Linear)
                }
                T::Skewness => v.skew(false),
                _ => v.kurtosis(true, false),
            };
            p.metric(b, e, format!("Column.{c}.{}", rule.rule_type))
        }
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
