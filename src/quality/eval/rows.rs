//! Which rules are decided row by row, and each one's per-row pass expression: what
//! `wort run --quarantine` splits the data by.
//!
//! A rule is *row-level* when every row passes or fails it on its own values:
//! ColumnValues, ColumnLength, ColumnDataType, DataFreshness, IsComplete, the row form
//! of CustomSql (no condition: the rows the query returns pass), and a composite whose
//! leaves all are. Everything else is *dataset-level*: aggregates (RowCount, Mean,
//! Completeness...) and the rules whose row verdict depends on the other rows
//! (IsUnique, IsPrimaryKey, Uniqueness: quarantining one copy of a duplicate would
//! change the verdict on the others). A rule that cannot be planned (a missing column,
//! a bad `where`) is dataset-level too, so that it is reported and stops a publish.
//!
//! The per-row verdict ignores `with threshold`: a row fails when it fails the rule's
//! condition inside the rule's `where` (rows outside the `where` pass, and a null where
//! counts as outside). A null value fails as it does in `wort check` (except for `!=`
//! and `not in`). A composite is judged per row (Glue's ROW method): `and` fails when
//! any part fails, `or` when every part fails.

use super::*;

/// One row-level rule of a ruleset.
pub struct RowCheck {
    /// Its position in the ruleset (0-based).
    pub index: usize,
    /// Its text as `wort rules fmt` prints it (labels included, comments not).
    pub text: String,
    /// True on the rows that pass it (never null).
    pub pass: Expr,
}

/// The row-level rules of a ruleset, over a frame.
pub struct RowChecks {
    /// The data, with the helper columns the checks read (CustomSql's match markers,
    /// named `__wort_sql<N>`): select the data's own columns before writing.
    pub lf: LazyFrame,
    /// The row-level rules in ruleset order.
    pub checks: Vec<RowCheck>,
}

impl RowChecks {
    /// The ruleset without its row-level rules: what is judged on the rows that pass.
    pub fn dataset_level(&self, rules: &Ruleset) -> Ruleset {
        let mut out = rules.clone();
        let mut i = 0;
        out.rules.items.retain(|_| {
            let keep = !self.checks.iter().any(|c| c.index == i);
            i += 1;
            keep
        });
        out
    }
}

/// The row-level rules of `rules` with their pass expressions over `lf` (see the
/// module documentation for which rules are row-level).
pub fn row_checks(
    rules: &Ruleset,
    lf: LazyFrame,
    opts: &EvalOptions,
) -> Result<RowChecks, EvalError> {
    let cx = Cx::new(rules, lf, opts)?;
    let mut lf = cx.lf.clone();
    let mut helpers = Vec::new();
    let mut checks = Vec::new();
    for (index, entry) in rules.rules.items.iter().enumerate() {
        if let Some(pass) = cx.row_pass(&entry.rule, &mut lf, &mut helpers) {
            checks.push(RowCheck {
                index,
                text: entry.to_string(),
                pass,
            });
        }
    }
    Ok(RowChecks { lf, checks })
}

impl Cx<'_> {
    /// The per-row pass expression of a rule (a composite judged per row), or None
    /// when any part of it is dataset-level. Joins CustomSql's matches onto `lf`.
    fn row_pass(
        &self,
        expr: &RuleExpr,
        lf: &mut LazyFrame,
        helpers: &mut Vec<String>,
    ) -> Option<Expr> {
        match expr {
            RuleExpr::Rule(rule) => self.leaf_pass(rule, lf, helpers),
            RuleExpr::And(parts) | RuleExpr::Or(parts) => {
                let and = matches!(expr, RuleExpr::And(_));
                // Planned on a copy: a composite with a dataset-level part adds nothing.
                let (mut l, mut h) = (lf.clone(), helpers.clone());
                let mut out: Option<Expr> = None;
                for p in parts {
                    let e = self.row_pass(p, &mut l, &mut h)?;
                    out = Some(match out {
                        None => e,
                        Some(prev) if and => prev.and(e),
                        Some(prev) => prev.or(e),
                    });
                }
                (*lf, *helpers) = (l, h);
                out
            }
        }
    }

    fn leaf_pass(
        &self,
        rule: &Rule,
        lf: &mut LazyFrame,
        helpers: &mut Vec<String>,
    ) -> Option<Expr> {
        use RuleType as T;
        match rule.rule_type {
            T::ColumnValues
            | T::ColumnLength
            | T::ColumnDataType
            | T::DataFreshness
            | T::IsComplete => self.row_expr_for(rule),
            T::CustomSql if rule.condition.is_none() => {
                let sql = self.param(rule, 0).ok()?;
                let (matches, cols) = self.custom_sql_rows(&sql).ok()?;
                let marker = format!("__wort_sql{}", helpers.len());
                let keys: Vec<Expr> = cols.iter().map(|c| col(c.as_str())).collect();
                let mut args = JoinArgs::new(JoinType::Left);
                args.nulls_equal = true;
                args.maintain_order = MaintainOrderJoin::Left;
                *lf = lf.clone().join(
                    matches
                        .unique(None, UniqueKeepStrategy::Any)
                        .with_column(lit(true).alias(marker.as_str())),
                    keys.clone(),
                    keys,
                    args,
                );
                let pass = col(marker.as_str()).is_not_null();
                helpers.push(marker);
                Some(pass)
            }
            _ => None,
        }
    }
}
