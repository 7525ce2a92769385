//! `suggest`: a first DQDL ruleset from a profile, in the spirit of Deequ's and Glue's
//! recommendations, with bounds that allow for sampling error.
//!
//! Every rule carries a `#` comment with the statistic it comes from. The rules are
//! meant to pass on the data they came from (`wort suggest` checks that and drops any
//! that would not) and to be able to fail: nothing that holds for every dataset (a
//! `ColumnDataType` on an already typed column, a `RowCount > 0`). The one deliberate
//! exception is a range that leaves out isolated extreme values ([`bounds`]): it fails
//! on exactly those values, and its comment names them.
//!
//! - [`bounds`]: numeric ranges from robust statistics, rounded to the column's precision.
//! - [`shape`]: key-like columns and text shapes as regexes.
//! - [`backtest`]: how rules fare on history files, and widening the ones that flap.

pub mod backtest;
mod bounds;
mod shape;

use statrs::distribution::{ContinuousCDF, Normal};

use super::dqdl::{self, Ruleset};
use crate::profile::{ColumnProfile, Profile};
pub use bounds::fmt_dec;

/// The confidence of the Wilson lower bounds (one-sided).
const CONFIDENCE: f64 = 0.995;
/// At most this many distinct values make an `in [...]` list.
const MAX_SET: u64 = 20;
/// A value set is proposed only when every value was seen at least this often: then
/// no value was seen once or twice, so the Good–Turing estimate of the chance that the
/// next row holds a value not yet seen (f1 / n) and Chao1's estimate of how many values
/// were not seen (f1² / 2 f2) are both 0.
const MIN_SEEN: u64 = 5;

/// The Wilson score lower bound of a proportion `k / n` at [`CONFIDENCE`].
pub fn wilson_lower(k: u64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let z = Normal::standard().inverse_cdf(CONFIDENCE);
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let margin = z * ((p * (1.0 - p) + z2 / (4.0 * n)) / n).sqrt();
    ((centre - margin) / (1.0 + z2 / n)).clamp(0.0, 1.0)
}

/// What the suggestions may assume about the rows profiled.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The rows are the first or last rows of a longer input, not a random draw: no
    /// count criterion can say a value set is complete, so none is proposed.
    pub not_random: bool,
    /// Rows in the whole input, when the profile is of a sample of it (for `RowCount`).
    pub total_rows: Option<u64>,
    /// The profile is of a sample and the input's row count is unknown: no `RowCount`.
    pub rows_unknown: bool,
}

/// One suggested rule: what it checks, why, and what it deliberately leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The column the rule reads (None for `RowCount`).
    pub column: Option<String>,
    pub spec: Spec,
    /// Comment lines saying where the rule comes from.
    pub why: Vec<String>,
    /// Extreme values a range leaves out (it fails on them by design).
    pub left_out: Option<bounds::LeftOut>,
    /// Rows of the profiled data the rule fails on because of `left_out` (set by the
    /// caller after evaluating the rule).
    pub left_out_rows: Option<u64>,
    /// How the rule fared on history files (set by the backtest).
    pub history: Option<String>,
}

/// The rule of a suggestion.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    /// `RowCount between lo and hi` (exclusive).
    RowCount {
        lo: u64,
        hi: u64,
    },
    IsComplete,
    /// `Completeness >= min`.
    Completeness {
        min: f64,
    },
    PrimaryKey,
    Unique,
    /// `ColumnValues in [...]`: the items as DQDL text (quoted, or `NULL`).
    Set {
        items: Vec<String>,
    },
    /// `ColumnValues between lo and hi` (exclusive), numbers printed with `decimals`.
    Range {
        lo: f64,
        hi: f64,
        decimals: u32,
        threshold: Option<Threshold>,
    },
    Length(u64),
    DataType {
        ty: &'static str,
        threshold: Option<Threshold>,
    },
    Matches {
        regex: String,
        threshold: Option<Threshold>,
    },
}

/// `with threshold >= value`, printed with `decimals` (fine enough that one more
/// failing row tips it over).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub value: f64,
    pub decimals: u32,
}

impl Threshold {
    /// The present fraction `k / n`, floored to 10^-d with 10^d >= n.
    pub fn of(k: u64, n: u64) -> Threshold {
        let decimals = (n.max(100) as f64).log10().ceil() as u32;
        Threshold {
            value: bounds::floor_to(k as f64 / n as f64, decimals),
            decimals,
        }
    }

    fn text(&self) -> String {
        format!(" with threshold >= {}", fmt_dec(self.value, self.decimals))
    }
}

impl Suggestion {
    fn new(column: Option<&str>, spec: Spec, why: String) -> Self {
        Suggestion {
            column: column.map(str::to_string),
            spec,
            why: vec![why],
            left_out: None,
            left_out_rows: None,
            history: None,
        }
    }

    /// The rule as DQDL text.
    pub fn rule(&self) -> String {
        let name = quote(self.column.as_deref().unwrap_or(""));
        let thr = |t: &Option<Threshold>| t.map(|t| t.text()).unwrap_or_default();
        match &self.spec {
            Spec::RowCount { lo, hi } => format!("RowCount between {lo} and {hi}"),
            Spec::IsComplete => format!("IsComplete \"{name}\""),
            Spec::Completeness { min } => {
                format!("Completeness \"{name}\" >= {}", num(*min))
            }
            Spec::PrimaryKey => format!("IsPrimaryKey \"{name}\""),
            Spec::Unique => format!("IsUnique \"{name}\""),
            Spec::Set { items } => format!("ColumnValues \"{name}\" in [{}]", items.join(",")),
            Spec::Range {
                lo,
                hi,
                decimals,
                threshold,
            } => format!(
                "ColumnValues \"{name}\" between {} and {}{}",
                fmt_dec(*lo, *decimals),
                fmt_dec(*hi, *decimals),
                thr(threshold)
            ),
            Spec::Length(n) => format!("ColumnLength \"{name}\" = {n}"),
            Spec::DataType { ty, threshold } => {
                format!("ColumnDataType \"{name}\" = \"{ty}\"{}", thr(threshold))
            }
            Spec::Matches { regex, threshold } => {
                format!(
                    "ColumnValues \"{name}\" matches \"{regex}\"{}",
                    thr(threshold)
                )
            }
        }
    }

    /// The comment lines: why, what is left out, how it fared on history.
    pub fn comments(&self) -> Vec<String> {
        let mut out = self.why.clone();
        if let Some(l) = &self.left_out {
            out.push(l.describe(self.left_out_rows));
        }
        if let Some(h) = &self.history {
            out.push(h.clone());
        }
        out
    }
}

fn num(x: f64) -> String {
    dqdl::Number::from_f64(x).text().to_string()
}

fn quote(s: &str) -> String {
    dqdl::Str::escaped(s).raw().to_string()
}

/// A first ruleset for the profiled data (all of it, or a random sample).
pub fn suggest(profile: &Profile) -> Ruleset {
    to_ruleset(&plan(profile, &Options::default()))
}

/// The suggestions for the profiled data, in ruleset order.
pub fn plan(profile: &Profile, opts: &Options) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let profiled = profile.dataset.rows;
    let rows = opts.total_rows.unwrap_or(profiled);
    if rows > 0 && !opts.rows_unknown {
        let lo = (rows as f64 * 0.5).floor() as u64;
        let hi = (rows as f64 * 1.5).ceil() as u64 + 1;
        let of = if rows == profiled {
            format!("{rows} rows profiled")
        } else {
            format!("{rows} rows in the input ({profiled} profiled)")
        };
        out.push(Suggestion::new(
            None,
            Spec::RowCount { lo, hi },
            format!("{of}; allows the count to halve or grow by half"),
        ));
    }
    for c in &profile.columns {
        column_rules(c, opts, &mut out);
    }
    out
}

/// The suggestions as a ruleset, each rule with its comments.
pub fn to_ruleset(suggestions: &[Suggestion]) -> Ruleset {
    let entries = suggestions
        .iter()
        .filter_map(|s| {
            // Each rule is built from parts the printer writes; parsing it back proves
            // it well formed, and one odd column name can't cost the whole suggestion.
            let rule = dqdl::parse_rule(&s.rule()).ok()?;
            let mut entry = rule;
            for c in s.comments() {
                entry = entry.with_comment(&c);
            }
            Some(entry)
        })
        .collect();
    Ruleset::with_rules(entries)
}

fn column_rules(c: &ColumnProfile, opts: &Options, out: &mut Vec<Suggestion>) {
    let name = c.name.as_str();
    let col = Some(name);
    let n = c.count;
    if n == 0 {
        return;
    }
    let non_null = n - c.null;
    let complete = c.null == 0;
    let first = out.len();
    // Completeness.
    if complete {
        out.push(Suggestion::new(
            col,
            Spec::IsComplete,
            format!("no nulls in {n} rows"),
        ));
    } else if non_null > 0 {
        let lb = bounds::floor_to(wilson_lower(non_null, n), 4);
        if lb > 0.0 {
            out.push(Suggestion::new(
                col,
                Spec::Completeness { min: lb },
                format!(
                    "{:.2} % complete ({non_null} of {n}); the bound is the 99.5 % Wilson lower limit",
                    100.0 * non_null as f64 / n as f64
                ),
            ));
        }
    } else {
        return; // all null: nothing else to say
    }
    // Rows that are null fail ColumnValues; value rules on such columns carry a threshold.
    let threshold = (!complete).then(|| Threshold::of(non_null, n));
    let mut notes = Vec::new();
    // Keys: only for columns whose values name things (integers, codes, ids).
    let distinct = c.distinct;
    if non_null > 1 && distinct == non_null && !c.approximate.contains_key("distinct") {
        if let Err(why) = shape::key_like(c) {
            notes.push(format!(
                "no IsUnique: every value is distinct, but {why}, not a key"
            ));
        } else if complete {
            out.push(Suggestion::new(
                col,
                Spec::PrimaryKey,
                format!("every one of the {n} values is distinct and none is null"),
            ));
        } else {
            out.push(Suggestion::new(
                col,
                Spec::Unique,
                format!("every one of the {non_null} non-null values is distinct"),
            ));
        }
    }
    let is_numeric = matches!(c.logical_type.as_str(), "int" | "float");
    let is_text = c.logical_type == "text";
    // Small value sets, when the sample has seen every value often enough.
    let mut has_set = false;
    if (is_text || c.logical_type == "int" || c.logical_type == "bool")
        && distinct > 0
        && distinct < non_null
        && distinct <= MAX_SET
        && c.top.len() as u64 >= distinct
    {
        match set_rule(c, opts, complete) {
            Ok(s) => {
                has_set = true;
                out.push(s);
            }
            Err(why) => notes.push(why),
        }
    }
    // Numeric ranges from robust statistics.
    if is_numeric
        && !has_set
        && let Some(r) = bounds::range(c)
    {
        let mut s = Suggestion::new(
            col,
            Spec::Range {
                lo: r.lo,
                hi: r.hi,
                decimals: r.decimals,
                threshold,
            },
            r.why.clone(),
        );
        s.left_out = r.left_out;
        out.push(s);
    }
    if is_text {
        text_rules(c, col, non_null, threshold, out);
    }
    // Notes (why a rule was not proposed) go on the column's first rule.
    if let Some(s) = out.get_mut(first) {
        s.why.extend(notes);
    }
}

/// `ColumnValues in [...]`, or why the sample cannot tell the whole set.
fn set_rule(c: &ColumnProfile, opts: &Options, complete: bool) -> Result<Suggestion, String> {
    let name = &c.name;
    let distinct = c.distinct;
    let non_null = c.count - c.null;
    if opts.not_random {
        return Err(format!(
            "no value set for \"{name}\": the rows are the first or last of the input, not a random sample, so they need not hold every value (use --sample random:N)"
        ));
    }
    let rare: Vec<&crate::profile::TopValue> = c
        .top
        .iter()
        .filter(|t| t.count < MIN_SEEN && !t.value.is_null())
        .collect();
    if !rare.is_empty() {
        let f1 = c
            .top
            .iter()
            .filter(|t| t.count == 1 && !t.value.is_null())
            .count();
        let estimate = if f1 > 0 {
            format!(
                "; Good–Turing puts the rows holding values not seen at {:.2} %",
                100.0 * f1 as f64 / non_null.max(1) as f64
            )
        } else {
            String::new()
        };
        return Err(format!(
            "no value set for \"{name}\": {} of its {distinct} values were seen fewer than {MIN_SEEN} times, so the sample may not have seen them all{estimate}",
            rare.len()
        ));
    }
    let mut vals: Vec<String> = c
        .top
        .iter()
        .filter_map(|t| match &t.value {
            serde_json::Value::String(s) => Some(format!("\"{}\"", quote(s))),
            serde_json::Value::Null => None,
            other => Some(format!("\"{other}\"")),
        })
        .collect();
    vals.sort();
    if vals.is_empty() {
        return Err(format!("no value set for \"{name}\": no values"));
    }
    if !complete {
        vals.push("NULL".into());
    }
    let least = c
        .top
        .iter()
        .filter(|t| !t.value.is_null())
        .map(|t| t.count)
        .min()
        .unwrap_or(0);
    Ok(Suggestion::new(
        Some(name),
        Spec::Set { items: vals },
        format!(
            "{distinct} distinct values in {non_null} non-null rows, each seen at least {least} times (no value seen fewer than {MIN_SEEN} times, so the set is likely whole)"
        ),
    ))
}

fn text_rules(
    c: &ColumnProfile,
    col: Option<&str>,
    non_null: u64,
    threshold: Option<Threshold>,
    out: &mut Vec<Suggestion>,
) {
    let complete = c.null == 0;
    // Fixed-length codes.
    if let Some(len) = &c.length
        && complete
        && len.min == len.max
        && len.min > 0
        && c.distinct > 1
    {
        out.push(Suggestion::new(
            col,
            Spec::Length(len.min),
            format!("every value is {} characters long", len.min),
        ));
    }
    // Numbers and dates kept as text.
    for h in &c.hints {
        let ty = match h.kind {
            "integers_as_text" => "Integer",
            "numbers_as_text" => "Double",
            "dates_as_text" => "Date",
            _ => continue,
        };
        if h.count == non_null && c.empty == 0 {
            out.push(Suggestion::new(
                col,
                Spec::DataType { ty, threshold },
                h.message.clone(),
            ));
            break;
        }
    }
    // One consistent shape.
    if let Some(p) = c.patterns.as_ref().and_then(|p| p.first())
        && p.count == non_null
        && c.distinct > MAX_SET
        && let Some(regex) = shape::pattern_regex(&p.pattern)
    {
        out.push(Suggestion::new(
            col,
            Spec::Matches { regex, threshold },
            format!("every value has the shape {}", p.pattern),
        ));
    } else if let Some(e) = c
        .entities
        .as_ref()
        .and_then(|v| v.iter().find(|e| e.count == non_null))
        && let Some(re) = shape::entity_regex(e.entity)
    {
        out.push(Suggestion::new(
            col,
            Spec::Matches {
                regex: re.to_string(),
                threshold,
            },
            format!("every value looks like a {}", e.entity),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_is_below_the_observed_rate_and_tightens_with_n() {
        let a = wilson_lower(95, 100);
        let b = wilson_lower(9_500, 10_000);
        assert!(a < 0.95 && b < 0.95 && a < b, "{a} {b}");
        assert_eq!(wilson_lower(0, 0), 0.0);
        assert!(wilson_lower(100, 100) < 1.0);
        // The 99.5 % one-sided z is 2.5758: 95 of 100 gives 0.8608.
        assert!((a - 0.8608).abs() < 5e-4, "{a}");
    }

    #[test]
    fn thresholds_tip_over_with_one_more_failing_row() {
        for (k, n) in [
            (342u64, 344u64),
            (26_111, 26_115),
            (5, 7),
            (999_999, 1_000_000),
        ] {
            let t = Threshold::of(k, n);
            assert!(t.value <= k as f64 / n as f64, "{k}/{n}: {t:?}");
            assert!(t.value > (k - 1) as f64 / n as f64, "{k}/{n}: {t:?}");
        }
    }
}
