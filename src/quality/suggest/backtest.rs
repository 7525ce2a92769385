//! Backtesting: how each rule of a ruleset fares on a set of history files, and, for
//! suggested rules, widening the ones that would flap (fail on some files) or dropping
//! them when widening would take too much.
//!
//! Widening is reasonable when a range moves out by at most its own width in all
//! (the widened range is at most twice as wide), and when a fraction (a completeness
//! bound, a threshold) drops by at most [`MAX_FRACTION_DROP`]. Rules that cannot be
//! widened (keys, value sets, lengths, shapes) are dropped with the reason.

use std::collections::BTreeMap;

use serde::Serialize;

use super::bounds::{ceil_to, floor_to};
use super::{Spec, Suggestion, Threshold, fmt_dec};
use crate::quality::dqdl::Ruleset;
use crate::quality::{Outcome, Report};

/// The most a completeness bound or threshold may be lowered.
pub const MAX_FRACTION_DROP: f64 = 0.1;

/// Rules × history files.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub files: Vec<String>,
    pub rules: Vec<RuleRow>,
}

/// One rule's record over the files.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    /// `Rule_1`, `Rule_2`… in ruleset order.
    pub name: String,
    pub rule: String,
    pub passed: usize,
    pub failed_files: Vec<String>,
    /// Files where the rule could not be evaluated, with why.
    pub error_files: Vec<FileError>,
    /// The rule's metrics per file, in file order.
    #[serde(skip)]
    pub metrics: Vec<BTreeMap<String, f64>>,
    /// The first failure's message.
    #[serde(skip)]
    pub first_message: Option<String>,
    /// Distinct values of the failing rows shown (for widening a value set).
    #[serde(skip)]
    pub outside: Vec<serde_json::Value>,
}

/// The most file names listed per rule in the text table (JSON lists all).
const MAX_LISTED: usize = 4;

/// The most failing values kept per rule.
const MAX_OUTSIDE: usize = 50;

#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

impl Backtest {
    pub fn new(rules: &Ruleset) -> Self {
        Backtest {
            files: Vec::new(),
            rules: rules
                .rules
                .items
                .iter()
                .enumerate()
                .map(|(i, e)| RuleRow {
                    name: format!("Rule_{}", i + 1),
                    rule: e.rule.to_string(),
                    passed: 0,
                    failed_files: Vec::new(),
                    error_files: Vec::new(),
                    metrics: Vec::new(),
                    first_message: None,
                    outside: Vec::new(),
                })
                .collect(),
        }
    }

    /// Record one file's report (from evaluating the same ruleset).
    pub fn add(&mut self, file: &str, report: &Report) {
        self.files.push(file.to_string());
        for (row, r) in self.rules.iter_mut().zip(&report.rules) {
            row.metrics.push(r.metrics.clone());
            match r.outcome {
                Outcome::Passed => row.passed += 1,
                Outcome::Failed => {
                    row.failed_files.push(file.to_string());
                    let before = row.outside.len();
                    for v in r.failing_samples.iter().flat_map(|f| f.values.values()) {
                        if row.outside.len() < MAX_OUTSIDE && !row.outside.contains(v) {
                            row.outside.push(v.clone());
                        }
                    }
                    if row.first_message.is_none() {
                        let shown: Vec<String> = row.outside[before..]
                            .iter()
                            .take(5)
                            .map(|v| v.to_string())
                            .collect();
                        let values = if shown.is_empty() {
                            String::new()
                        } else {
                            format!("; failing values {}", shown.join(", "))
                        };
                        row.first_message = Some(format!(
                            "{file}: {}{values}",
                            r.message.clone().unwrap_or_else(|| "failed".into())
                        ));
                    }
                }
                Outcome::Error => row.error_files.push(FileError {
                    file: file.to_string(),
                    message: r.message.clone().unwrap_or_default(),
                }),
            }
        }
    }

    /// Whether every rule passed on every file.
    pub fn all_passed(&self) -> bool {
        self.rules.iter().all(|r| r.passed == self.files.len())
    }

    /// The table: one line per rule with the files it failed on.
    pub fn to_text(&self, what: &str) -> String {
        let n = self.files.len();
        let mut s = format!(
            "{what}: {} rules on {n} history file{}\n",
            self.rules.len(),
            if n == 1 { "" } else { "s" }
        );
        s.push_str("rule     failed  errors  rule text\n");
        for r in &self.rules {
            s.push_str(&format!(
                "{:<8} {:>6}  {:>6}  {}\n",
                r.name,
                r.failed_files.len(),
                r.error_files.len(),
                r.rule
            ));
            if !r.failed_files.is_empty() {
                let shown = &r.failed_files[..r.failed_files.len().min(MAX_LISTED)];
                let more = match r.failed_files.len() - shown.len() {
                    0 => String::new(),
                    k => format!(" and {k} more"),
                };
                s.push_str(&format!("{:<26}failed on {}{more}\n", "", shown.join(", ")));
            }
            for e in &r.error_files {
                s.push_str(&format!("{:<26}error on {}: {}\n", "", e.file, e.message));
            }
        }
        let steady = self.rules.iter().filter(|r| r.passed == n).count();
        s.push_str(&format!(
            "{steady} of {} rules passed on every file; {} would have failed on some\n",
            self.rules.len(),
            self.rules.len() - steady
        ));
        s
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }

    /// The lowest value of `metric` over the files (all, or only those listed).
    fn lowest(&self, metric: &str, only: Option<&[String]>) -> Option<f64> {
        self.over(metric, only).reduce(f64::min)
    }

    fn highest(&self, metric: &str, only: Option<&[String]>) -> Option<f64> {
        self.over(metric, only).reduce(f64::max)
    }

    /// Every value of `metric` reported by any rule, on the files listed (or all).
    fn over<'a>(
        &'a self,
        metric: &'a str,
        only: Option<&'a [String]>,
    ) -> impl Iterator<Item = f64> + 'a {
        self.files
            .iter()
            .enumerate()
            .filter(move |(_, f)| only.is_none_or(|o| o.contains(f)))
            .flat_map(move |(i, _)| {
                self.rules
                    .iter()
                    .filter_map(move |r| r.metrics.get(i).and_then(|m| m.get(metric)).copied())
            })
            .filter(|x| x.is_finite())
    }
}

/// A suggested rule dropped by the backtest, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    pub rule: String,
    pub why: String,
}

/// Widen the suggestions that failed on some history files (`bt` is the backtest of
/// exactly these suggestions, in order), drop the ones that cannot be widened, and
/// note on each how it fared. Returns the dropped rules; the caller re-runs the
/// backtest on the widened rules and passes it to [`confirm`].
pub fn widen(suggestions: &mut Vec<Suggestion>, bt: &Backtest) -> Vec<Dropped> {
    let n = bt.files.len();
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for (mut s, row) in std::mem::take(suggestions).into_iter().zip(&bt.rules) {
        let fared = format!("passed {} of {n} history files", row.passed);
        if let Some(e) = row.error_files.first() {
            dropped.push(Dropped {
                rule: s.rule(),
                why: format!(
                    "it could not be evaluated on {} of {n} history files ({}: {})",
                    row.error_files.len(),
                    e.file,
                    e.message
                ),
            });
            continue;
        }
        if row.failed_files.is_empty() {
            s.history = Some(fared);
            kept.push(s);
            continue;
        }
        match widened(&s, bt, row) {
            Ok((spec, mut how)) => {
                s.spec = spec;
                if let Some(taken_in) = take_in_left_out(&mut s) {
                    how.push_str(&format!(
                        "; {taken_in} no longer left out, as the history holds such values"
                    ));
                }
                s.history = Some(format!("{fared}; {how}"));
                kept.push(s);
            }
            Err(why) => dropped.push(Dropped {
                rule: s.rule(),
                why: format!(
                    "it failed on {} of {n} history files ({}); {why}",
                    row.failed_files.len(),
                    row.first_message.clone().unwrap_or_default()
                ),
            }),
        }
    }
    *suggestions = kept;
    dropped
}

/// Values a widened range now holds are no longer left out; which, if any.
fn take_in_left_out(s: &mut Suggestion) -> Option<String> {
    let Spec::Range { lo, hi, .. } = s.spec else {
        return None;
    };
    let l = s.left_out.as_mut()?;
    let inside = |v: &f64| *v > lo && *v < hi;
    let taken: Vec<String> = l
        .low
        .iter()
        .chain(&l.high)
        .filter(|v| inside(v))
        .map(|v| format!("{v}"))
        .collect();
    if taken.is_empty() {
        return None;
    }
    l.low.retain(|v| !inside(v));
    l.high.retain(|v| !inside(v));
    if l.low.is_empty() && l.high.is_empty() {
        s.left_out = None;
    }
    s.left_out_rows = None;
    Some(taken.join(", "))
}

/// Drop the widened rules that still fail on some history file (`bt` is the backtest
/// of exactly these suggestions, in order).
pub fn confirm(suggestions: &mut Vec<Suggestion>, bt: &Backtest) -> Vec<Dropped> {
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for (s, row) in std::mem::take(suggestions).into_iter().zip(&bt.rules) {
        if row.failed_files.is_empty() && row.error_files.is_empty() {
            kept.push(s);
        } else {
            dropped.push(Dropped {
                rule: s.rule(),
                why: format!(
                    "even widened it failed on {} of {} history files ({})",
                    row.failed_files.len() + row.error_files.len(),
                    bt.files.len(),
                    row.first_message.clone().unwrap_or_default()
                ),
            });
        }
    }
    *suggestions = kept;
    dropped
}

/// The widened rule and how it was widened, or why it cannot be.
fn widened(s: &Suggestion, bt: &Backtest, row: &RuleRow) -> Result<(Spec, String), String> {
    let failed = &row.failed_files[..];
    let col = s.column.clone().unwrap_or_default();
    let completeness = format!("Column.{col}.Completeness");
    let lowest_completeness = || bt.lowest(&completeness, None);
    match &s.spec {
        Spec::RowCount { lo, hi } => {
            let least = bt
                .lowest("Dataset.*.RowCount", Some(failed))
                .ok_or("no row counts")?;
            let most = bt
                .highest("Dataset.*.RowCount", Some(failed))
                .ok_or("no row counts")?;
            let new_lo = (*lo as f64).min(least - 1.0).max(0.0) as u64;
            let new_hi = (*hi as f64).max(most + 1.0) as u64;
            let (down, up) = ((lo - new_lo) as f64, (new_hi - hi) as f64);
            reasonable_range(down + up, (hi - lo) as f64)?;
            Ok((
                Spec::RowCount {
                    lo: new_lo,
                    hi: new_hi,
                },
                moved(down, up, 0),
            ))
        }
        Spec::Range {
            lo,
            hi,
            decimals,
            threshold,
        } => {
            let d = *decimals;
            let step = 10f64.powi(-(d as i32));
            let mut new_lo = *lo;
            let mut new_hi = *hi;
            if let Some(m) = bt.lowest(&format!("Column.{col}.Minimum"), Some(failed))
                && m <= *lo
            {
                new_lo = floor_to(m, d);
                if new_lo >= m {
                    new_lo = floor_to(new_lo - step, d);
                }
            }
            if let Some(m) = bt.highest(&format!("Column.{col}.Maximum"), Some(failed))
                && m >= *hi
            {
                new_hi = ceil_to(m, d);
                if new_hi <= m {
                    new_hi = ceil_to(new_hi + step, d);
                }
            }
            let (down, up) = (lo - new_lo, new_hi - hi);
            if down + up > 0.0 {
                reasonable_range(down + up, hi - lo).map_err(|e| {
                    format!(
                        "{e} (it would become between {} and {})",
                        fmt_dec(new_lo, d),
                        fmt_dec(new_hi, d)
                    )
                })?;
            }
            let mut how = if down + up > 0.0 {
                vec![moved(down, up, d)]
            } else {
                Vec::new()
            };
            let threshold = match (threshold, lowest_completeness()) {
                (Some(t), m) => Some(lowered(*t, m, &mut how)?),
                // Nulls in the history fail a range that had none to allow for.
                (None, Some(m)) if m < 1.0 => {
                    let t = Threshold {
                        value: 1.0,
                        decimals: 4,
                    };
                    let t = lowered(t, Some(m), &mut how)?;
                    if let Some(last) = how.last_mut() {
                        *last = format!(
                            "added a threshold of {} for the history's nulls",
                            fmt_dec(t.value, t.decimals)
                        );
                    }
                    Some(t)
                }
                (None, _) => None,
            };
            if how.is_empty() {
                return Err("widening its range or threshold would not help".into());
            }
            Ok((
                Spec::Range {
                    lo: new_lo,
                    hi: new_hi,
                    decimals: d,
                    threshold,
                },
                how.join("; "),
            ))
        }
        Spec::Completeness { min } => {
            let m = lowest_completeness().ok_or("no completeness measured")?;
            let new = floor_to(m, 4).min(*min);
            reasonable_fraction(min - new)?;
            Ok((
                Spec::Completeness { min: new },
                format!("lowered the bound by {}", fmt_dec(min - new, 4)),
            ))
        }
        Spec::IsComplete => {
            let m = lowest_completeness().ok_or("no completeness measured")?;
            let new = floor_to(m, 4);
            reasonable_fraction(1.0 - new)?;
            Ok((
                Spec::Completeness { min: new },
                format!(
                    "IsComplete became Completeness >= {} (nulls appear in the history)",
                    fmt_dec(new, 4)
                ),
            ))
        }
        Spec::DataType {
            threshold: Some(t), ..
        }
        | Spec::Matches {
            threshold: Some(t), ..
        } => {
            let mut how = Vec::new();
            let t = lowered(*t, lowest_completeness(), &mut how)?;
            if how.is_empty() {
                return Err(
                    "present values broke it, so a lower threshold for nulls would not help".into(),
                );
            }
            let mut spec = s.spec.clone();
            if let Spec::DataType { threshold, .. } | Spec::Matches { threshold, .. } = &mut spec {
                *threshold = Some(t);
            }
            Ok((spec, how.join("; ")))
        }
        Spec::PrimaryKey | Spec::Unique => Err("a key that repeats is not a key".into()),
        Spec::Set { items } => {
            let mut added: Vec<String> = Vec::new();
            for v in &row.outside {
                let item = match v {
                    serde_json::Value::Null => "NULL".to_string(),
                    serde_json::Value::String(t) => {
                        format!("\"{}\"", crate::quality::dqdl::Str::escaped(t).raw())
                    }
                    other => format!("\"{other}\""),
                };
                if !items.contains(&item) && !added.contains(&item) {
                    added.push(item);
                }
            }
            if added.is_empty() {
                return Err("the history holds values outside the set".into());
            }
            let real = items.iter().filter(|i| *i != "NULL").count();
            if added.len() > real || items.len() + added.len() > super::MAX_SET as usize + 1 {
                return Err(format!(
                    "the history holds {} values outside the set ({}), too many to add",
                    added.len(),
                    added.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            let how = format!("added {} to the set", added.join(", "));
            let mut all: Vec<String> = items.iter().filter(|i| *i != "NULL").cloned().collect();
            all.extend(added.iter().filter(|i| *i != "NULL").cloned());
            all.sort();
            if items.iter().chain(&added).any(|i| i == "NULL") {
                all.push("NULL".into());
            }
            Ok((Spec::Set { items: all }, how))
        }
        Spec::Length(_) => Err("the history holds values of other lengths".into()),
        Spec::DataType { .. } | Spec::Matches { .. } => {
            Err("the history holds values of another shape".into())
        }
    }
}

/// A threshold lowered to the lowest completeness seen, if need be.
fn lowered(t: Threshold, lowest: Option<f64>, how: &mut Vec<String>) -> Result<Threshold, String> {
    let Some(m) = lowest else {
        return Ok(t);
    };
    if m >= t.value {
        return Ok(t);
    }
    let value = floor_to(m, t.decimals);
    reasonable_fraction(t.value - value)?;
    how.push(format!(
        "lowered the threshold by {} for the history's nulls",
        fmt_dec(t.value - value, t.decimals)
    ));
    Ok(Threshold {
        value,
        decimals: t.decimals,
    })
}

fn reasonable_range(by: f64, width: f64) -> Result<(), String> {
    if by <= width {
        Ok(())
    } else {
        Err(format!(
            "widening it by {} would more than double its width of {}",
            short(by),
            short(width)
        ))
    }
}

fn reasonable_fraction(by: f64) -> Result<(), String> {
    if by <= MAX_FRACTION_DROP + 1e-12 {
        Ok(())
    } else {
        Err(format!(
            "lowering it by {} would be more than {MAX_FRACTION_DROP}",
            fmt_dec(by, 4)
        ))
    }
}

fn short(x: f64) -> String {
    fmt_dec(x, 6)
}

/// `widened lower bound by 2.5 and upper bound by 1`.
fn moved(down: f64, up: f64, d: u32) -> String {
    match (down > 0.0, up > 0.0) {
        (true, true) => format!(
            "widened lower bound by {} and upper bound by {}",
            fmt_dec(down, d),
            fmt_dec(up, d)
        ),
        (true, false) => format!("widened lower bound by {}", fmt_dec(down, d)),
        _ => format!("widened upper bound by {}", fmt_dec(up, d)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::bounds::LeftOut;
    use super::*;

    fn suggestion(column: &str, spec: Spec) -> Suggestion {
        Suggestion {
            column: Some(column.into()),
            spec,
            why: vec!["why".into()],
            left_out: None,
            left_out_rows: None,
            history: None,
        }
    }

    /// One rule's result on one file: its outcome and metrics.
    type RuleOnFile<'a> = (Outcome, &'a [(&'a str, f64)]);

    /// A backtest of `rules` over files whose results are given per rule.
    fn backtest(files: &[&[RuleOnFile]], rules: &[&Suggestion]) -> Backtest {
        let mut bt = Backtest {
            files: Vec::new(),
            rules: rules
                .iter()
                .enumerate()
                .map(|(i, s)| RuleRow {
                    name: format!("Rule_{}", i + 1),
                    rule: s.rule(),
                    passed: 0,
                    failed_files: Vec::new(),
                    error_files: Vec::new(),
                    metrics: Vec::new(),
                    first_message: None,
                    outside: Vec::new(),
                })
                .collect(),
        };
        for (f, results) in files.iter().enumerate() {
            let report = Report {
                wort_report: 1,
                dataset: String::new(),
                rows: 0,
                score: 0.0,
                passed: 0,
                failed: 0,
                errors: 0,
                rules: results
                    .iter()
                    .map(|(outcome, metrics)| crate::quality::RuleResult {
                        name: String::new(),
                        rule: String::new(),
                        outcome: *outcome,
                        message: None,
                        metrics: metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                        evaluated_rule: None,
                        failing_rows: None,
                        failing_samples: Vec::new(),
                        labels: BTreeMap::new(),
                    })
                    .collect(),
                analyzers: Vec::new(),
            };
            bt.add(&format!("m{f}.csv"), &report);
        }
        bt
    }

    #[test]
    fn nulls_in_the_history_lower_completeness_and_thresholds_a_little() {
        let complete = suggestion("x", Spec::IsComplete);
        let range = suggestion(
            "x",
            Spec::Range {
                lo: 0.0,
                hi: 10.0,
                decimals: 1,
                threshold: Some(Threshold {
                    value: 1.0,
                    decimals: 3,
                }),
            },
        );
        use Outcome::{Failed as F, Passed as P};
        let c = "Column.x.Completeness";
        let bt = backtest(
            &[
                &[(P, &[(c, 1.0)]), (P, &[])],
                &[(F, &[(c, 0.955)]), (F, &[("Column.x.Maximum", 9.0)])],
            ],
            &[&complete, &range],
        );
        let mut s = vec![complete, range];
        assert!(widen(&mut s, &bt).is_empty());
        assert_eq!(s[0].rule(), "Completeness \"x\" >= 0.955");
        assert_eq!(
            s[0].history.as_deref(),
            Some(
                "passed 1 of 2 history files; IsComplete became Completeness >= 0.955 (nulls appear in the history)"
            )
        );
        assert_eq!(
            s[1].rule(),
            "ColumnValues \"x\" between 0 and 10 with threshold >= 0.955"
        );
        assert!(
            s[1].history.as_deref().is_some_and(
                |h| h.ends_with("lowered the threshold by 0.045 for the history's nulls")
            ),
            "{:?}",
            s[1].history
        );
        // A file that is 20 % null is too far from complete to widen to.
        let complete = suggestion("x", Spec::IsComplete);
        let bt = backtest(&[&[(F, &[(c, 0.8)])]], &[&complete]);
        let mut s = vec![complete];
        let dropped = widen(&mut s, &bt);
        assert!(s.is_empty());
        assert!(
            dropped[0]
                .why
                .contains("lowering it by 0.2 would be more than 0.1"),
            "{dropped:?}"
        );
    }

    #[test]
    fn a_widened_range_takes_in_the_values_it_left_out_and_confirm_drops_what_still_fails() {
        let mut range = suggestion(
            "p",
            Spec::Range {
                lo: -0.1,
                hi: 30.2,
                decimals: 1,
                threshold: None,
            },
        );
        range.left_out = Some(LeftOut {
            low: Vec::new(),
            high: vec![54.1],
            fence_low: 0.0,
            fence_high: 48.2,
        });
        range.left_out_rows = Some(1);
        use Outcome::{Failed as F, Passed as P};
        let bt = backtest(
            &[&[(F, &[("Column.p.Maximum", 55.9)])], &[(P, &[])]],
            &[&range],
        );
        let mut s = vec![range];
        assert!(widen(&mut s, &bt).is_empty());
        assert_eq!(s[0].rule(), "ColumnValues \"p\" between -0.1 and 56");
        assert!(s[0].left_out.is_none());
        assert_eq!(
            s[0].history.as_deref(),
            Some(
                "passed 1 of 2 history files; widened upper bound by 25.8; 54.1 no longer left out, as the history holds such values"
            )
        );
        let still = backtest(&[&[(F, &[])], &[(P, &[])]], &[&s[0]]);
        let dropped = confirm(&mut s, &still);
        assert!(s.is_empty());
        assert!(
            dropped[0]
                .why
                .starts_with("even widened it failed on 1 of 2 history files"),
            "{dropped:?}"
        );
    }
}
