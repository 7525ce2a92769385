//! Analyzers: the metrics of the `Analyzers = [...]` section.

use super::*;

impl Cx<'_> {
    // ----- analyzers --------------------------------------------------------------

    pub(super) fn plan_analyzer(
        &self,
        a: &crate::quality::dqdl::Analyzer,
        b: &mut Batch,
    ) -> Result<Vec<(String, String)>, String> {
        use RuleType as T;
        let mut rule = Rule::new(a.rule_type);
        rule.params = a.params.clone();
        let params = self.params(&rule)?;
        let all_columns = params.first().map(|p| p == "AllColumns").unwrap_or(false);
        let mut out = Vec::new();
        match a.rule_type {
            T::AllStatistics => {
                out.push(("Dataset.*.RowCount".into(), b.add(len())));
                out.push((
                    "Dataset.*.ColumnCount".into(),
                    b.add(lit(self.schema.len() as f64)),
                ));
                let cols: Vec<String> = if all_columns {
                    self.schema.iter_names().map(|n| n.to_string()).collect()
                } else {
                    params.clone()
                };
                for c in cols {
                    let dt = self.column(&c)?;
                    let e = col(c.as_str());
                    out.push((
                        format!("Column.{c}.Completeness"),
                        b.add(e.clone().is_not_null().cast(DataType::Float64).mean()),
                    ));
                    let nn = e.clone().drop_nulls();
                    out.push((
                        format!("Column.{c}.Uniqueness"),
                        b.add(
                            nn.clone().is_unique().cast(DataType::Float64).sum()
                                / nn.clone().len().cast(DataType::Float64),
                        ),
                    ));
                    if dt.is_primitive_numeric() {
                        let v = e.cast(DataType::Float64);
                        out.push((format!("Column.{c}.Minimum"), b.add(v.clone().min())));
                        out.push((format!("Column.{c}.Maximum"), b.add(v.clone().max())));
                        out.push((format!("Column.{c}.Mean"), b.add(v.clone().mean())));
                        out.push((
                            format!("Column.{c}.StandardDeviation"),
                            b.add(v.clone().std(0)),
                        ));
                        out.push((format!("Column.{c}.Sum"), b.add(v.sum())));
                        let counts = nn.unique_counts().cast(DataType::Float64);
                        let p = counts.clone() / counts.sum();
                        out.push((
                            format!("Column.{c}.Entropy"),
                            b.add(-(p.clone() * p.log(lit(std::f64::consts::E))).sum()),
                        ));
                    } else if dt == DataType::String {
                        let l = e.str().len_chars();
                        out.push((format!("Column.{c}.MinimumLength"), b.add(l.clone().min())));
                        out.push((format!("Column.{c}.MaximumLength"), b.add(l.max())));
                    }
                }
                Ok(out)
            }
            T::Distribution => {
                Err("Distribution: use wort profile for histograms and top values".into())
            }
            _ => match self.try_plan(&rule, b) {
                Ok(Plan::Metric {
                    key,
                    metric_name,
                    extra,
                    ..
                }) => {
                    out.push((metric_name, key));
                    out.extend(extra);
                    Ok(out)
                }
                Ok(Plan::Rows { extra, .. }) if !extra.is_empty() => Ok(extra),
                Ok(Plan::Exact { ratios, .. }) => Ok(ratios),
                Ok(Plan::Done(r)) => {
                    for (k, v) in r.metrics {
                        out.push((k, b.add(lit(v))));
                    }
                    match r.message {
                        Some(m) if r.outcome == Outcome::Error => Err(m),
                        _ => Ok(out),
                    }
                }
                Ok(Plan::Rows { .. }) => Err(format!(
                    "{}: the analyzer form needs a condition-free metric",
                    a.rule_type
                )),
                Err(PlanError::Fail(m) | PlanError::Error(m)) => Err(m),
            },
        }
    }
}
