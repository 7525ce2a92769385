//! Judging a planned rule from its metric values, and the row-level predicates
//! (`ColumnValues`, `ColumnDataType`...) with the literals they compare against.

use super::*;

impl Cx<'_> {
    // ----- judging ----------------------------------------------------------------

    pub(super) fn judge(
        &self,
        rule: &Rule,
        plan: Plan,
        get: &dyn Fn(&str) -> Option<f64>,
    ) -> LeafResult {
        match plan {
            Plan::Done(r) => r,
            Plan::Metric {
                key,
                metric_name,
                extra,
                rows,
            } => {
                let considered = get(&rows).unwrap_or(0.0);
                let v = get(&key);
                let mut r = match v {
                    Some(v) if v.is_finite() => self.judge_value(rule, v, &metric_name),
                    _ if rule.where_clause.is_some() && considered == 0.0 => LeafResult::judged(
                        true,
                        Some("No rows matched the filter".into()),
                        BTreeMap::new(),
                    ),
                    _ => LeafResult::failed(format!(
                        "Value: NULL does not meet the constraint requirement: {metric_name} could not be computed (no non-null values)"
                    )),
                };
                for (name, k) in extra {
                    if let Some(v) = get(&k) {
                        r.metrics.insert(name, v);
                    }
                }
                r
            }
            Plan::Rows {
                pass,
                considered,
                metric_name,
                extra,
                null_failed,
                ..
            } => {
                let nulls_failed = null_failed.and_then(|k| get(&k)).unwrap_or(0.0) > 0.0;
                let pass = get(&pass).unwrap_or(0.0);
                let total = get(&considered).unwrap_or(0.0);
                let mut metrics = BTreeMap::new();
                for (name, k) in extra {
                    if let Some(v) = get(&k) {
                        metrics.insert(name, v);
                    }
                }
                if total == 0.0 {
                    return LeafResult::judged(
                        true,
                        Some("No rows matched the filter".into()),
                        metrics,
                    );
                }
                let ratio = pass / total;
                metrics.insert(metric_name, ratio);
                let failing = (total - pass) as u64;
                let mut r = match &rule.threshold {
                    Some(t) => match self.test(rule, t, Some(ratio)) {
                        Ok((ok, evaluated)) => {
                            let mut r = LeafResult::judged(
                                ok,
                                (!ok).then(|| {
                                    format!(
                                        "Value: {} does not meet the threshold requirement{}",
                                        fmt_num(ratio),
                                        evaluated
                                            .as_ref()
                                            .map(|e| format!(" ({e})"))
                                            .unwrap_or_default()
                                    )
                                }),
                                metrics,
                            );
                            r.evaluated = evaluated;
                            r
                        }
                        Err(m) => LeafResult::error(m),
                    },
                    None => {
                        let ok = failing == 0;
                        let message = (!ok).then(|| {
                            let base =
                                format!("{:.2} % of rows passed the threshold", ratio * 100.0);
                            if nulls_failed {
                                format!(
                                    "{base}; Value: NULL does not meet the constraint requirement!"
                                )
                            } else {
                                base
                            }
                        });
                        LeafResult::judged(ok, message, metrics)
                    }
                };
                r.failing_rows = Some(failing);
                r.history_value = Some(ratio);
                r
            }
            Plan::Exact { ratios, rows, .. } => {
                let considered = get(&rows).unwrap_or(0.0);
                let mut metrics = BTreeMap::new();
                let mut ok = true;
                for (name, k) in ratios {
                    let v = get(&k).unwrap_or(f64::NAN);
                    if v.is_finite() {
                        metrics.insert(name, v);
                        ok &= v == 1.0;
                    } else {
                        ok = false;
                    }
                }
                if considered == 0.0 {
                    return LeafResult::judged(
                        true,
                        Some("No rows matched the filter".into()),
                        metrics,
                    );
                }
                let message = (!ok).then(|| {
                    let v = metrics.values().cloned().fold(1.0, f64::min);
                    format!(
                        "Value: {} does not meet the constraint requirement!",
                        fmt_num(v)
                    )
                });
                let mut r = LeafResult::judged(ok, message, metrics);
                if !ok {
                    // The exact count of failing rows comes with the samples query; the
                    // ratio gives it here for single-column rules.
                    let v = r.metrics.values().cloned().fold(1.0, f64::min);
                    r.failing_rows = Some(((1.0 - v) * considered).round() as u64);
                }
                r
            }
        }
    }

    /// Test a scalar metric against the rule's condition.
    pub(super) fn judge_value(&self, rule: &Rule, v: f64, metric_name: &str) -> LeafResult {
        let metrics = BTreeMap::from([(metric_name.to_string(), v)]);
        let Some(cond) = &rule.condition else {
            return LeafResult::judged(true, None, metrics);
        };
        match self.test(rule, cond, Some(v)) {
            Ok((ok, evaluated)) => {
                let mut r = LeafResult::judged(
                    ok,
                    (!ok).then(|| {
                        format!(
                            "Value: {} does not meet the constraint requirement.",
                            fmt_num(v)
                        )
                    }),
                    metrics,
                );
                if let Some(e) = &evaluated
                    && let Some(m) = &mut r.message
                {
                    m.push_str(&format!(" ({e})"));
                } else if let Some(e) = &evaluated {
                    r.message = Some(e.clone());
                }
                r.evaluated = evaluated.map(|_| self.evaluated_rule(rule));
                r.history_value = Some(v);
                r
            }
            Err(m) => LeafResult::error(m),
        }
    }

    /// The rule with each dynamic expression replaced by its value.
    pub(super) fn evaluated_rule(&self, rule: &Rule) -> String {
        let mut r = rule.clone();
        let hist = self.opts.history.values(&rule.to_string());
        let resolve = |v: &mut Value| {
            if let Value::Number(e) = v
                && e.is_dynamic()
                && let Ok(Num::One(x)) = eval_num(e, &hist)
            {
                *v = Value::number(x);
            }
        };
        for c in [&mut r.condition, &mut r.threshold].into_iter().flatten() {
            match c {
                Condition::Compare { value, .. } => resolve(value),
                Condition::Between { low, high, .. } => {
                    resolve(low);
                    resolve(high);
                }
                Condition::In {
                    list: crate::quality::dqdl::ValueList::Items(items),
                    ..
                } => items.iter_mut().for_each(resolve),
                _ => {}
            }
        }
        r.to_string()
    }

    /// Whether `v` satisfies `cond`; also a note on dynamic values, when any.
    pub(super) fn test(
        &self,
        rule: &Rule,
        cond: &Condition,
        v: Option<f64>,
    ) -> Result<(bool, Option<String>), String> {
        let key = rule.to_string();
        let hist = self.opts.history.values(&key);
        let mut notes = Vec::new();
        let mut num = |val: &Value| -> Result<Option<f64>, String> {
            match val {
                Value::Number(e) if e.is_dynamic() => {
                    let x = match eval_num(e, &hist)? {
                        Num::One(x) => x,
                        Num::List(_) => {
                            return Err("Rule threshold results in list, and a single value is expected. Use aggregation functions to produce a single value; e.g. avg(last(10))".into());
                        }
                    };
                    let k = max_last(e);
                    if hist.len() < k {
                        notes.push(if hist.is_empty() {
                            format!("{e} = {}: no history yet for this rule (record runs with --record)", fmt_num(x))
                        } else {
                            format!("{e} = {} from {} of the {k} runs it asks for", fmt_num(x), hist.len())
                        });
                    } else {
                        notes.push(format!("{e} = {}", fmt_num(x)));
                    }
                    Ok(Some(x))
                }
                other => self.rules.number_value(other),
            }
        };
        let ok = match cond {
            Condition::Compare { op, value } => {
                let x = num(value)?;
                match (v, x) {
                    (None, None) => *op == CompareOp::Eq,
                    (Some(_), None) => *op == CompareOp::Ne,
                    (None, Some(_)) => *op == CompareOp::Ne,
                    (Some(v), Some(x)) => match op {
                        CompareOp::Eq => v == x,
                        CompareOp::Ne => v != x,
                        CompareOp::Gt => v > x,
                        CompareOp::Ge => v >= x,
                        CompareOp::Lt => v < x,
                        CompareOp::Le => v <= x,
                    },
                }
            }
            Condition::Between { negated, low, high } => {
                let (lo, hi) = (num(low)?, num(high)?);
                match (v, lo, hi) {
                    (Some(v), Some(lo), Some(hi)) => {
                        let inside = lo < v && v < hi;
                        if *negated { !inside } else { inside }
                    }
                    _ => false,
                }
            }
            Condition::In { negated, list } => {
                let items = self
                    .rules
                    .list_items(list)
                    .ok_or_else(|| "Variable not found for the list".to_string())?;
                let mut found = false;
                for it in items {
                    let x = num(it)?;
                    if x == v || matches!((x, v), (Some(a), Some(b)) if a == b) {
                        found = true;
                    }
                }
                if *negated { !found } else { found }
            }
            Condition::Matches { .. } => {
                return Err("matches applies to text values, not to a number".into());
            }
        };
        Ok((ok, (!notes.is_empty()).then(|| notes.join("; "))))
    }

    // ----- row predicates -----------------------------------------------------------

    /// The per-row pass expression of a condition on `e` (of type `dt`), with the null
    /// behaviour of the reference (§4.8): nulls fail, except for `!=` and `not in`.
    pub(super) fn row_predicate(
        &self,
        rule: &Rule,
        e: Expr,
        dt: &DataType,
        cond: &Condition,
    ) -> Result<Expr, String> {
        let hist = self.opts.history.values(&rule.to_string());
        let lits = |vals: &[&Value]| -> Result<Vec<Lit>, String> {
            vals.iter().map(|v| self.lit_of(v, &hist)).collect()
        };
        let domain = |ls: &[Lit]| Domain::pick(dt, ls);
        Ok(match cond {
            Condition::Compare { op, value } => {
                let ls = lits(&[value])?;
                match &ls[0] {
                    Lit::Null => match op {
                        CompareOp::Eq => e.is_null(),
                        CompareOp::Ne => e.is_not_null(),
                        _ => return Err("NULL can only be compared with = or !=".into()),
                    },
                    Lit::Empty | Lit::Ws => {
                        let m = special(&e, &ls[0]);
                        match op {
                            CompareOp::Eq => m,
                            CompareOp::Ne => m.not().or(e.is_null()),
                            _ => {
                                return Err(
                                    "EMPTY and WHITESPACES_ONLY can only be compared with = or !="
                                        .into(),
                                );
                            }
                        }
                    }
                    l => {
                        let d = domain(&ls);
                        let (x, y) = (d.column(e.clone()), d.lit(l)?);
                        let c = match op {
                            CompareOp::Eq => x.eq(y),
                            CompareOp::Ne => x.neq(y),
                            CompareOp::Gt => x.gt(y),
                            CompareOp::Ge => x.gt_eq(y),
                            CompareOp::Lt => x.lt(y),
                            CompareOp::Le => x.lt_eq(y),
                        };
                        if *op == CompareOp::Ne {
                            e.is_null().or(c.fill_null(lit(true)))
                        } else {
                            e.is_not_null().and(c.fill_null(lit(false)))
                        }
                    }
                }
            }
            Condition::Between { negated, low, high } => {
                let ls = lits(&[low, high])?;
                let d = domain(&ls);
                let x = d.column(e.clone());
                let (lo, hi) = (d.lit(&ls[0])?, d.lit(&ls[1])?);
                let inside = x.clone().gt(lo.clone()).and(x.clone().lt(hi.clone()));
                let c = if *negated {
                    x.clone().lt_eq(lo).or(x.gt_eq(hi))
                } else {
                    inside
                };
                e.is_not_null().and(c.fill_null(lit(false)))
            }
            Condition::In { negated, list } => {
                let items = self
                    .rules
                    .list_items(list)
                    .ok_or_else(|| "Variable not found for the list".to_string())?;
                let refs: Vec<&Value> = items.iter().collect();
                let ls = lits(&refs)?;
                let plain: Vec<Lit> = ls
                    .iter()
                    .filter(|l| !matches!(l, Lit::Null | Lit::Empty | Lit::Ws))
                    .cloned()
                    .collect();
                let d = domain(&plain);
                // One `is_in` over a Series of the values: an OR of one comparison per
                // value made a plan as big as the list and cost grew with its square
                // (1,000 values on 336k rows: 6 s and 1.2 GB in release).
                let values = plain
                    .iter()
                    .map(|l| d.value(l))
                    .collect::<Result<Vec<_>, _>>()?;
                let set =
                    Series::from_any_values_and_dtype("in".into(), &values, &d.dtype(), false)
                        .map_err(|err| crate::util::clean_polars_error(&err))?;
                if set.null_count() > 0 {
                    return Err("a value of the list does not compare with this column".into());
                }
                let mut member = d
                    .column(e.clone())
                    .is_in(lit(set).implode(false), false)
                    .fill_null(lit(false));
                let has_null = ls.iter().any(|l| matches!(l, Lit::Null));
                for l in ls.iter().filter(|l| matches!(l, Lit::Empty | Lit::Ws)) {
                    member = member.or(special(&e, l));
                }
                if *negated {
                    let base = e.clone().is_null().or(member.not());
                    if has_null {
                        base.and(e.is_not_null())
                    } else {
                        base
                    }
                } else {
                    let base = e.clone().is_not_null().and(member);
                    if has_null { base.or(e.is_null()) } else { base }
                }
            }
            Condition::Matches { negated, pattern } => {
                let p = regex_text(pattern.raw());
                regex::Regex::new(&p).map_err(|err| format!("bad regex {p:?}: {err}"))?;
                let text = e.clone().cast(DataType::String);
                let m = text
                    .str()
                    .contains(lit(format!("^(?:{p})$")), true)
                    .fill_null(lit(false));
                let m = if *negated { m.not() } else { m };
                e.is_not_null().and(m)
            }
        })
    }

    pub(super) fn lit_of(&self, v: &Value, hist: &[f64]) -> Result<Lit, String> {
        Ok(match v {
            Value::Null => Lit::Null,
            Value::Empty => Lit::Empty,
            Value::WhitespacesOnly => Lit::Ws,
            Value::Number(e) => match eval_num(e, hist)? {
                Num::One(x) => Lit::Num(x),
                Num::List(_) => return Err("a list where one number is expected".into()),
            },
            Value::Text(s) => Lit::Text(s.unescaped()),
            Value::Constant(name) => match self.rules.constant(name).map(|c| &c.value) {
                Some(crate::quality::dqdl::ConstantValue::Text(s)) => Lit::Text(s.unescaped()),
                _ => return Err(format!("Variable not found: {name}")),
            },
            Value::Date(d) => Lit::Date(self.date_of(d)?),
            Value::Duration(d) => Lit::Num(d.seconds() as f64 / 3600.0),
            Value::Size(s) => Lit::Num(s.bytes() as f64),
        })
    }

    pub(super) fn date_of(&self, d: &DateExpr) -> Result<NaiveDateTime, String> {
        let now = self.opts.now;
        Ok(match d {
            DateExpr::Now => now,
            DateExpr::NowOffset { sign, amount, unit } => {
                // Checked all the way: the amount is the user's number, and chrono panics
                // on a delta or a date out of its range.
                let out_of_range = || {
                    format!(
                        "now() {} {amount} {} is outside the dates wort can represent (about \
                         262,000 years either side of year 0); use a smaller amount",
                        match sign {
                            Sign::Plus => "+",
                            Sign::Minus => "-",
                        },
                        unit.as_str()
                    )
                };
                let delta = i64::try_from(*amount)
                    .ok()
                    .and_then(|a| a.checked_mul(unit.seconds() as i64))
                    .and_then(chrono::TimeDelta::try_seconds)
                    .ok_or_else(out_of_range)?;
                match sign {
                    Sign::Plus => now.checked_add_signed(delta),
                    Sign::Minus => now.checked_sub_signed(delta),
                }
                .ok_or_else(out_of_range)?
            }
            DateExpr::Date(s) => {
                parse_date_text(s).ok_or_else(|| format!("{s:?} is not a date"))?
            }
            DateExpr::Time(s) => {
                let t = chrono::NaiveTime::parse_from_str(s, "%H:%M")
                    .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%I:%M %p"))
                    .map_err(|_| format!("{s:?} is not a time"))?;
                now.date().and_time(t)
            }
        })
    }

    /// ColumnDataType's per-row test: does the value convert to the named type?
    pub(super) fn data_type_predicate(
        &self,
        c: &str,
        dt: &DataType,
        cond: &Condition,
    ) -> Result<Expr, String> {
        use crate::transform::columns::{CastType, cast_expr};
        let (negated, names): (bool, Vec<String>) = match cond {
            Condition::Compare {
                op,
                value: Value::Text(s),
            } if matches!(op, CompareOp::Eq | CompareOp::Ne) => {
                (*op == CompareOp::Ne, vec![s.unescaped()])
            }
            Condition::In { negated, list } => {
                let items = self
                    .rules
                    .list_items(list)
                    .ok_or("Variable not found for the list")?;
                let mut v = Vec::new();
                for it in items {
                    match it {
                        Value::Text(s) => v.push(s.unescaped()),
                        other => {
                            return Err(format!("ColumnDataType takes type names, not {other:?}"));
                        }
                    }
                }
                (*negated, v)
            }
            _ => {
                return Err(
                    "ColumnDataType takes = \"TYPE\", != \"TYPE\" or in [\"TYPE\", …]".into(),
                );
            }
        };
        let mut any = lit(false);
        for name in &names {
            let target = match name.to_ascii_lowercase().as_str() {
                "integer" | "int" | "long" | "short" | "byte" => CastType::Int,
                "double" | "float" | "decimal" => CastType::Float,
                "boolean" | "bool" => CastType::Bool,
                "date" => CastType::Date,
                "timestamp" | "datetime" => CastType::Datetime,
                "string" => CastType::String,
                _ if name.to_ascii_lowercase().starts_with("decimal(") => CastType::Float,
                other => {
                    return Err(format!(
                        "Unrecognized data type {other:?}: use Boolean, Date, Timestamp, Integer, Long, Double, Float or String"
                    ));
                }
            };
            let converts = if target == CastType::String {
                col(c).is_not_null()
            } else if *dt == DataType::String {
                cast_expr(col(c), dt, target, None).is_not_null()
            } else {
                let same = match target {
                    CastType::Int => dt.is_integer(),
                    CastType::Float => dt.is_primitive_numeric(),
                    CastType::Bool => *dt == DataType::Boolean,
                    CastType::Date => *dt == DataType::Date,
                    CastType::Datetime => matches!(dt, DataType::Datetime(_, _)),
                    CastType::String => true,
                };
                col(c).is_not_null().and(lit(same))
            };
            any = any.or(converts);
        }
        Ok(if negated {
            col(c).is_not_null().and(any.not())
        } else {
            any
        })
    }
}

/// A resolved literal of a row-level condition.
#[derive(Debug, Clone)]
pub(super) enum Lit {
    Num(f64),
    Text(String),
    Date(NaiveDateTime),
    Null,
    Empty,
    Ws,
}

/// The domain a row condition compares in, from the column type and the literals.
pub(super) enum Domain {
    Num,
    Text,
    Date,
    Datetime,
    Bool,
}

impl Domain {
    pub(super) fn pick(dt: &DataType, lits: &[Lit]) -> Domain {
        let all_num = !lits.is_empty() && lits.iter().all(|l| matches!(l, Lit::Num(_)));
        let any_date = lits.iter().any(|l| matches!(l, Lit::Date(_)));
        match dt {
            d if d.is_primitive_numeric() => Domain::Num,
            DataType::Date => Domain::Date,
            DataType::Datetime(_, _) => Domain::Datetime,
            DataType::Boolean => Domain::Bool,
            DataType::String if all_num => Domain::Num,
            DataType::String if any_date => Domain::Datetime,
            _ => Domain::Text,
        }
    }

    pub(super) fn column(&self, e: Expr) -> Expr {
        match self {
            Domain::Num => e.cast(DataType::Float64),
            Domain::Text => e.cast(DataType::String),
            Domain::Date => e.cast(DataType::Date),
            Domain::Datetime => e.cast(DataType::Datetime(TimeUnit::Microseconds, None)),
            Domain::Bool => e,
        }
    }

    /// The type [`Domain::column`] casts to.
    pub(super) fn dtype(&self) -> DataType {
        match self {
            Domain::Num => DataType::Float64,
            Domain::Text => DataType::String,
            Domain::Date => DataType::Date,
            Domain::Datetime => DataType::Datetime(TimeUnit::Microseconds, None),
            Domain::Bool => DataType::Boolean,
        }
    }

    /// A literal as a value of [`Domain::dtype`], for a list (`in [...]`).
    pub(super) fn value(&self, l: &Lit) -> Result<AnyValue<'static>, String> {
        let e = self.lit(l)?;
        let Expr::Literal(v) = e else {
            return Err(format!("{l:?} does not compare with this column"));
        };
        let av = v
            .to_any_value()
            .ok_or_else(|| format!("{l:?} does not compare with this column"))?
            .into_static();
        Ok(av)
    }

    pub(super) fn lit(&self, l: &Lit) -> Result<Expr, String> {
        Ok(match (self, l) {
            (Domain::Num, Lit::Num(x)) => lit(*x),
            (Domain::Num, Lit::Text(s)) => lit(s
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("{s:?} is not a number, and the column is numeric"))?),
            (Domain::Text, Lit::Text(s)) => lit(s.clone()),
            (Domain::Text, Lit::Num(x)) => lit(fmt_num(*x)),
            (Domain::Text, Lit::Date(d)) => lit(d.to_string()),
            (Domain::Date, Lit::Date(d)) => lit(d.date()),
            (Domain::Date, Lit::Text(s)) => lit(parse_date_text(s)
                .ok_or_else(|| format!("{s:?} is not a date"))?
                .date()),
            (Domain::Datetime, Lit::Date(d)) => lit(*d),
            (Domain::Datetime, Lit::Text(s)) => {
                lit(parse_date_text(s).ok_or_else(|| format!("{s:?} is not a date"))?)
            }
            (Domain::Bool, Lit::Text(s)) => match s.to_ascii_lowercase().as_str() {
                "true" => lit(true),
                "false" => lit(false),
                _ => return Err(format!("{s:?} is not true or false")),
            },
            (Domain::Bool, Lit::Num(x)) => lit(*x != 0.0),
            (_, other) => return Err(format!("{other:?} does not compare with this column")),
        })
    }
}

/// `e = ""` (EMPTY) or "non-empty and only whitespace" (WHITESPACES_ONLY).
pub(super) fn special(e: &Expr, l: &Lit) -> Expr {
    let t = e.clone().cast(DataType::String);
    match l {
        Lit::Empty => t.eq(lit("")).fill_null(lit(false)),
        _ => t
            .clone()
            .str()
            .len_chars()
            .gt(lit(0u32))
            .and(t.str().strip_chars(lit(NULL)).eq(lit("")))
            .fill_null(lit(false)),
    }
}

pub(super) fn parse_date_text(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in crate::source::infer::DATETIME_FORMATS {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    for f in crate::source::infer::DATE_FORMATS {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

/// Evaluate a numeric expression; `hist` holds this rule's earlier metrics, most
/// recent first.
pub(super) fn eval_num(e: &NumExpr, hist: &[f64]) -> Result<Num, String> {
    Ok(match e {
        NumExpr::Number(n) => Num::One(n.value()),
        NumExpr::Paren(e) => eval_num(e, hist)?,
        NumExpr::Binary { op, left, right } => {
            match (eval_num(left, hist)?, eval_num(right, hist)?) {
                (Num::One(a), Num::One(b)) => Num::One(op.apply(a, b)),
                _ => {
                    return Err(
                        "arithmetic on a list: reduce last(k) with avg, min, max… first".into(),
                    );
                }
            }
        }
        NumExpr::Call { name, args } => {
            let lname = name.to_ascii_lowercase();
            if lname == "last" {
                let k = match args.first() {
                    None => 1,
                    Some(a) => match eval_num(a, hist)? {
                        Num::One(k) if k >= 1.0 => k as usize,
                        _ => return Err("last(k) needs k >= 1".into()),
                    },
                };
                // No history reads as 0 (reference §3.7).
                let vals: Vec<f64> = if hist.is_empty() {
                    vec![0.0]
                } else {
                    hist.iter().take(k).copied().collect()
                };
                return Ok(if args.is_empty() {
                    Num::One(vals[0])
                } else {
                    Num::List(vals)
                });
            }
            let list = |a: &NumExpr| -> Result<Vec<f64>, String> {
                Ok(match eval_num(a, hist)? {
                    Num::One(x) => vec![x],
                    Num::List(v) => v,
                })
            };
            if lname == "index" {
                let v = list(args.first().ok_or("index(list, i) needs two arguments")?)?;
                let i = match eval_num(
                    args.get(1).ok_or("index(list, i) needs two arguments")?,
                    hist,
                )? {
                    Num::One(i) => i as usize,
                    Num::List(_) => return Err("index(list, i): i must be a number".into()),
                };
                return v.get(i).map(|x| Num::One(*x)).ok_or_else(|| {
                    format!(
                        "index {i} is out of range: the history has {} values",
                        v.len()
                    )
                });
            }
            let mut v = Vec::new();
            for a in args {
                v.extend(list(a)?);
            }
            if v.is_empty() {
                return Err(format!("{name}() needs values"));
            }
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            Num::One(match lname.as_str() {
                "avg" | "average" | "mean" => mean,
                "sum" => v.iter().sum(),
                "min" => v.iter().cloned().fold(f64::INFINITY, f64::min),
                "max" => v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                "median" => {
                    let mut s = v.clone();
                    s.sort_by(|a, b| a.total_cmp(b));
                    let m = s.len() / 2;
                    if s.len() % 2 == 0 {
                        (s[m - 1] + s[m]) / 2.0
                    } else {
                        s[m]
                    }
                }
                "std" | "stdev" | "stddev" => {
                    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt()
                }
                "abs" if v.len() == 1 => v[0].abs(),
                other => {
                    return Err(format!(
                        "unknown function {other}(): use avg, median, min, max, sum, std, abs or index"
                    ));
                }
            })
        }
    })
}

/// The largest k of any `last(k)` in `e`.
pub(super) fn max_last(e: &NumExpr) -> usize {
    match e {
        NumExpr::Number(_) => 0,
        NumExpr::Paren(e) => max_last(e),
        NumExpr::Binary { left, right, .. } => max_last(left).max(max_last(right)),
        NumExpr::Call { name, args } => {
            let own = if name.eq_ignore_ascii_case("last") {
                args.first()
                    .and_then(|a| a.constant_value())
                    .map(|k| k as usize)
                    .unwrap_or(1)
            } else {
                0
            };
            args.iter().map(max_last).fold(own, usize::max)
        }
    }
}
