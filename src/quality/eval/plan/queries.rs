//! Plans of the rules that run their own queries (CustomSql, the reference-dataset
//! rules, DetectAnomalies); their evaluation is in `queries.rs`.

use super::*;

/// The plan of a rule of this family.
pub(in crate::quality::eval) fn plan(
    cx: &Cx,
    p: &PlanCx,
    rule: &Rule,
    _b: &mut Batch,
) -> Result<Plan, PlanError> {
    use RuleType as T;
    Ok(match rule.rule_type {
        T::CustomSql => Plan::Done(cx.custom_sql(rule, &p.params)),
        T::RowCountMatch
        | T::SchemaMatch
        | T::AggregateMatch
        | T::DatasetMatch
        | T::ReferentialIntegrity => Plan::Done(cx.reference_rule(rule, &p.params)),
        T::DetectAnomalies => Plan::Done(cx.detect_anomalies(rule, &p.params)),
        other => return Err(PlanError::Error(format!("{other} is not planned here"))),
    })
}
