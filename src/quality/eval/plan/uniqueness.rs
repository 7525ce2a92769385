//! Uniqueness, IsUnique, IsPrimaryKey, UniqueValueRatio, DistinctValuesCount, Entropy.

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
        T::Uniqueness | T::IsUnique | T::IsPrimaryKey => {
            let cols: Vec<String> = p.params.clone();
            for c in &cols {
                cx.column(c).map_err(PlanError::Fail)?;
            }
            let name = if cols.len() == 1 {
                format!("Column.{}.Uniqueness", cols[0])
            } else {
                format!("Multicolumn.{}.Uniqueness", cols.join(","))
            };
            let (unique_row, any_present) = unique_exprs(&cols, &p.w).map_err(PlanError::Error)?;
            let ratio = unique_row
                .clone()
                .and(any_present.clone())
                .and(p.w.clone())
                .cast(DataType::Float64)
                .sum()
                / any_present.and(p.w.clone()).cast(DataType::Float64).sum();
            match rule.rule_type {
                T::Uniqueness => p.metric(b, ratio, name),
                T::IsUnique => Plan::Exact {
                    ratios: vec![(name, b.add(ratio))],
                    rows: p.rows.clone(),
                    row_expr: Some(unique_row),
                    columns: cols,
                },
                _ => {
                    let mut ratios = vec![(name, b.add(ratio))];
                    let mut complete = lit(true);
                    for c in &cols {
                        let e = p
                            .f(col(c.as_str()).is_not_null().cast(DataType::Float64))
                            .mean();
                        ratios.push((format!("Column.{c}.Completeness"), b.add(e)));
                        complete = complete.and(col(c.as_str()).is_not_null());
                    }
                    Plan::Exact {
                        ratios,
                        rows: p.rows.clone(),
                        row_expr: Some(unique_row.and(complete)),
                        columns: cols,
                    }
                }
            }
        }
        T::UniqueValueRatio => {
            let (c, _) = p.col1(cx)?;
            let v = p.f(col(c.as_str())).drop_nulls();
            let e = v.clone().is_unique().cast(DataType::Float64).sum()
                / v.n_unique().cast(DataType::Float64);
            p.metric(b, e, format!("Column.{c}.UniqueValueRatio"))
        }
        T::DistinctValuesCount => {
            let (c, _) = p.col1(cx)?;
            let e = p.f(col(c.as_str())).drop_nulls().n_unique();
            p.metric(b, e, format!("Column.{c}.DistinctValuesCount"))
        }
        T::Entropy => {
            let (c, _) = p.col1(cx)?;
            let counts = p
                .f(col(c.as_str()))
                .drop_nulls()
                .unique_counts()
                .cast(DataType::Float64);
            // -sum(p ln p) with p = c/n, as ln n - sum(c ln c)/n: only scalars are
            // combined with scalars (the streaming engine needs equal lengths).
            let ln = |e: Expr| e.log(lit(std::f64::consts::E));
            let n = counts.clone().sum();
            let s = (counts.clone() * ln(counts)).sum();
            let e = ln(n.clone()) - s / n;
            p.metric(b, e, format!("Column.{c}.Entropy"))
        }
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
