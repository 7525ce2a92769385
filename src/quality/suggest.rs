//! `suggest`: a first DQDL ruleset from a profile, in the spirit of Deequ's and Glue's
//! recommendations, with bounds that allow for sampling error.
//!
//! Every rule carries a `#` comment with the statistic it comes from. The rules are
//! meant to pass on the data they came from (`wort suggest` checks that and drops any
//! that would not) and to be able to fail: nothing that holds for every dataset (a
//! `ColumnDataType` on an already typed column, a `RowCount > 0`).

use super::dqdl::{self, Ruleset};
use crate::profile::{ColumnProfile, Profile};

/// How confident the Wilson lower bounds are: z for a one-sided 99.5 % interval.
const Z: f64 = 2.576;
/// At most this many distinct values make an `in [...]` list.
const MAX_SET: u64 = 20;

/// The Wilson score lower bound of a proportion `k / n`.
pub fn wilson_lower(k: u64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let margin = Z * ((p * (1.0 - p) + z2 / (4.0 * n)) / n).sqrt();
    ((centre - margin) / (1.0 + z2 / n)).clamp(0.0, 1.0)
}

/// Round down to 4 decimals (a bound must not round up past what was seen).
fn floor4(x: f64) -> f64 {
    (x * 10_000.0).floor() / 10_000.0
}

fn num(x: f64) -> String {
    dqdl::Number::from_f64(x).text().to_string()
}

fn quote(s: &str) -> String {
    dqdl::Str::escaped(s).raw().to_string()
}

/// A first ruleset for the profiled data.
pub fn suggest(profile: &Profile) -> Ruleset {
    let mut lines: Vec<(String, String)> = Vec::new();
    let rows = profile.dataset.rows;
    if rows > 0 {
        let lo = (rows as f64 * 0.5).floor();
        let hi = (rows as f64 * 1.5).ceil() + 1.0;
        lines.push((
            format!("RowCount between {} and {}", num(lo), num(hi)),
            format!("{rows} rows profiled; allows the count to halve or grow by half"),
        ));
    }
    for c in &profile.columns {
        column_rules(c, &mut lines);
    }
    let mut text = String::from("Rules = [\n");
    for (i, (rule, why)) in lines.iter().enumerate() {
        text.push_str(&format!("    # {why}\n    {rule}"));
        text.push_str(if i + 1 < lines.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    // The rules above are built from parts the printer writes; parsing them back
    // gives the ruleset (and proves each one well formed).
    match dqdl::parse(&text) {
        Ok(rs) => rs,
        Err(_) => {
            // Keep every rule that parses on its own, so one odd column name can't
            // cost the whole suggestion.
            let entries = lines
                .iter()
                .filter_map(|(rule, why)| dqdl::parse_rule(rule).ok().map(|r| r.with_comment(why)))
                .collect();
            Ruleset::with_rules(entries)
        }
    }
}

fn column_rules(c: &ColumnProfile, out: &mut Vec<(String, String)>) {
    let name = quote(&c.name);
    let n = c.count;
    if n == 0 {
        return;
    }
    let non_null = n - c.null;
    let complete = c.null == 0;
    // Completeness.
    if complete {
        out.push((
            format!("IsComplete \"{name}\""),
            format!("no nulls in {n} rows"),
        ));
    } else if non_null > 0 {
        let lb = floor4(wilson_lower(non_null, n));
        if lb > 0.0 {
            out.push((
                format!("Completeness \"{name}\" >= {}", num(lb)),
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
    let threshold = if complete {
        String::new()
    } else {
        format!(
            " with threshold >= {}",
            num(floor4(non_null as f64 / n as f64))
        )
    };
    // Keys.
    let distinct = c.distinct;
    if non_null > 1 && distinct == non_null && !c.approximate.contains_key("distinct") {
        if complete {
            out.push((
                format!("IsPrimaryKey \"{name}\""),
                format!("every one of the {n} values is distinct and none is null"),
            ));
        } else {
            out.push((
                format!("IsUnique \"{name}\""),
                format!("every one of the {non_null} non-null values is distinct"),
            ));
        }
    }
    let is_numeric = matches!(c.logical_type.as_str(), "int" | "float");
    let is_text = c.logical_type == "text";
    // Small value sets.
    let mut has_set = false;
    if (is_text || c.logical_type == "int" || c.logical_type == "bool")
        && distinct > 0
        && distinct <= MAX_SET
        && non_null >= 4 * distinct
        && c.top.len() as u64 >= distinct
    {
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
        if !vals.is_empty() {
            if !complete {
                vals.push("NULL".into());
            }
            has_set = true;
            out.push((
                format!("ColumnValues \"{name}\" in [{}]", vals.join(",")),
                format!("{distinct} distinct values in {non_null} non-null rows"),
            ));
        }
    }
    // Numeric ranges, with a tenth of the range as margin (between is exclusive).
    if is_numeric
        && !has_set
        && let (Some(min), Some(max)) = (
            c.min.as_ref().and_then(|v| v.as_f64()),
            c.max.as_ref().and_then(|v| v.as_f64()),
        )
    {
        let margin = ((max - min) * 0.1).max(if c.logical_type == "int" { 1.0 } else { 1e-6 });
        let (mut lo, mut hi) = (min - margin, max + margin);
        if c.logical_type == "int" {
            lo = lo.floor();
            hi = hi.ceil();
        }
        // A column that was never negative keeps its margin above zero.
        if min >= 0.0 && lo < 0.0 {
            lo = if c.logical_type == "int" {
                -1.0
            } else if min > 0.0 {
                0.0
            } else {
                -1e-9
            };
        }
        out.push((
            format!(
                "ColumnValues \"{name}\" between {} and {}{threshold}",
                num(lo),
                num(hi)
            ),
            format!(
                "values from {} to {}, with a tenth of the range as margin",
                num(min),
                num(max)
            ),
        ));
    }
    if is_text {
        // Fixed-length codes.
        if let Some(len) = &c.length
            && complete
            && len.min == len.max
            && len.min > 0
            && distinct > 1
        {
            out.push((
                format!("ColumnLength \"{name}\" = {}", len.min),
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
                out.push((
                    format!("ColumnDataType \"{name}\" = \"{ty}\"{threshold}"),
                    h.message.clone(),
                ));
                break;
            }
        }
        // One consistent shape.
        if let Some(p) = c.patterns.as_ref().and_then(|p| p.first())
            && p.count == non_null
            && distinct > MAX_SET
            && let Some(re) = pattern_regex(&p.pattern)
        {
            out.push((
                format!("ColumnValues \"{name}\" matches \"{re}\"{threshold}"),
                format!("every value has the shape {}", p.pattern),
            ));
        } else if let Some(e) = c
            .entities
            .as_ref()
            .and_then(|v| v.iter().find(|e| e.count == non_null))
            && let Some(re) = entity_regex(e.entity)
        {
            out.push((
                format!("ColumnValues \"{name}\" matches \"{re}\"{threshold}"),
                format!("every value looks like a {}", e.entity),
            ));
        }
    }
}

/// A regex for a profile shape pattern (`999-999-9999`, `Aa+ 9+`), when the pattern
/// is made of classes and plain punctuation only.
fn pattern_regex(p: &str) -> Option<String> {
    if p.ends_with('…') {
        return None;
    }
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    while let Some(ch) = chars.next() {
        let class = match ch {
            '9' => "[0-9]".to_string(),
            // ASCII classes: no backslashes to escape, the same in Rust and Java regex.
            'A' => "[A-Z]".to_string(),
            'a' => "[a-z]".to_string(),
            ' ' => " ".to_string(),
            '-' | ',' | ':' | ';' | '/' | '@' | '#' | '_' | '=' | '\'' | '&' | '%' | '!' | '<'
            | '>' | '~' | '`' => ch.to_string(),
            '.' | '(' | ')' | '*' | '?' | '|' | '$' | '{' | '}' | '[' => format!("[{ch}]"),
            _ => return None,
        };
        // Count a run of the same class: `999` -> [0-9]{3}; `9+` -> [0-9]+.
        let mut count = 1;
        while chars.peek() == Some(&ch) {
            chars.next();
            count += 1;
        }
        out.push_str(&class);
        if chars.peek() == Some(&'+') {
            chars.next();
            out.push('+');
        } else if count > 1 {
            out.push_str(&format!("{{{count}}}"));
        }
    }
    Some(out)
}

fn entity_regex(entity: &str) -> Option<&'static str> {
    Some(match entity {
        "email" => r"[^@ ]+@[^@ ]+[.][^@ ]+",
        "url" => r"(?i)https?://[^ ]+",
        "ipv4" => r"(?:[0-9]{1,3}[.]){3}[0-9]{1,3}",
        "us_ssn" => r"[0-9]{3}-[0-9]{2}-[0-9]{4}",
        _ => return None,
    })
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
    }

    #[test]
    fn patterns_become_regexes() {
        assert_eq!(
            pattern_regex("999-999-9999").as_deref(),
            Some("[0-9]{3}-[0-9]{3}-[0-9]{4}")
        );
        assert_eq!(
            pattern_regex("Aa+ 9+").as_deref(),
            Some("[A-Z][a-z]+ [0-9]+")
        );
        assert_eq!(pattern_regex("Aa+…"), None);
    }
}
