//! The result of evaluating a ruleset, and its renderings: text, JSON, JUnit XML and
//! GitHub workflow annotations.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// A rule's outcome, as Glue names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Passed,
    Failed,
    /// The rule could not be evaluated (bad SQL in `where`, a missing reference
    /// dataset...): the ruleset needs fixing, the data may be fine.
    Error,
}

/// One failing row of a row-level rule: its 1-based row number in the evaluated data
/// and the values of the columns the rule reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailingRow {
    pub row: u64,
    pub values: BTreeMap<String, serde_json::Value>,
}

/// The result of one entry of `Rules = [ … ]` (a rule or a composite).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// `Rule_1`, `Rule_2`… in ruleset order, as Glue names them.
    pub name: String,
    /// The rule as written (canonical DQDL).
    pub rule: String,
    pub outcome: Outcome,
    /// Why it failed or errored, in Glue's wording; absent when it passed plainly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The metrics it computed, under Glue's names (`Column.arr_delay.Completeness`).
    pub metrics: BTreeMap<String, f64>,
    /// The rule with dynamic thresholds (`avg(last(3))`) resolved to numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated_rule: Option<String>,
    /// For row-level rules: rows that failed, and the first of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing_rows: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing_samples: Vec<FailingRow>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// The result of one analyzer: metrics only, no outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzerResult {
    pub name: String,
    pub analyzer: String,
    pub metrics: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The result of evaluating a ruleset against a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub wort_report: u32,
    /// What was checked (file names).
    pub dataset: String,
    pub rows: u64,
    /// Fraction of rules that passed (Glue's `Score`).
    pub score: f64,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub rules: Vec<RuleResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analyzers: Vec<AnalyzerResult>,
}

impl Report {
    /// Whether every rule passed.
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }

    /// A readable report: a summary line, a table of the rules (rule, outcome, metric,
    /// message), then the failing rows of each row-level rule that failed. `color`
    /// styles the outcomes (green, red, yellow); `width` is the table's width in columns.
    pub fn to_text(&self, color: bool, width: u16) -> String {
        use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} rows, {} rules: {} passed, {} failed, {} errors (score {:.2})",
            self.dataset,
            crate::util::thousands(self.rows),
            self.rules.len(),
            self.passed,
            self.failed,
            self.errors,
            self.score
        );
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width.max(40));
        if color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        let head = |t: &str| {
            let c = Cell::new(t);
            if color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        };
        table.set_header(vec![
            head("#"),
            head("Outcome"),
            head("Rule"),
            head("Metric"),
            head("Message"),
        ]);
        for r in &self.rules {
            let (mark, hue) = match r.outcome {
                Outcome::Passed => ("PASS", Color::Green),
                Outcome::Failed => ("FAIL", Color::Red),
                Outcome::Error => ("ERROR", Color::Yellow),
            };
            let mut outcome = Cell::new(mark);
            if color {
                outcome = outcome.fg(hue).add_attribute(Attribute::Bold);
            }
            let metrics: Vec<String> = r
                .metrics
                .iter()
                .map(|(k, v)| format!("{k} = {}", fmt_num(*v)))
                .collect();
            let mut message: Vec<String> = Vec::new();
            if let Some(m) = &r.message {
                message.push(m.clone());
            }
            if let Some(e) = &r.evaluated_rule {
                message.push(format!("evaluated as: {e}"));
            }
            if let Some(n) = r.failing_rows
                && r.outcome == Outcome::Failed
            {
                message.push(format!("{} failing rows", crate::util::thousands(n)));
            }
            table.add_row(vec![
                Cell::new(&r.name),
                outcome,
                Cell::new(&r.rule),
                Cell::new(metrics.join("\n")),
                Cell::new(message.join("\n")),
            ]);
        }
        for a in &self.analyzers {
            let metrics: Vec<String> = a
                .metrics
                .iter()
                .map(|(k, v)| format!("{k} = {}", fmt_num(*v)))
                .collect();
            table.add_row(vec![
                Cell::new(&a.name),
                Cell::new("ANALYZE"),
                Cell::new(&a.analyzer),
                Cell::new(metrics.join("\n")),
                Cell::new(a.message.clone().unwrap_or_default()),
            ]);
        }
        let _ = writeln!(s, "{table}");
        for r in &self.rules {
            if r.outcome != Outcome::Failed || r.failing_samples.is_empty() {
                continue;
            }
            let n = r.failing_rows.unwrap_or(r.failing_samples.len() as u64);
            let _ = writeln!(
                s,
                "{} {}: {} failing rows, first {}:",
                r.name,
                r.rule,
                crate::util::thousands(n),
                r.failing_samples.len()
            );
            for row in &r.failing_samples {
                let vals: Vec<String> =
                    row.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let _ = writeln!(s, "  row {}: {}", row.row, vals.join(", "));
            }
        }
        s
    }

    /// The whole report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// JUnit XML: one test suite for the ruleset, one test case per rule.
    pub fn to_junit(&self) -> String {
        use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
        let mut report = JReport::new("wort check");
        let mut suite = TestSuite::new(self.dataset.as_str());
        for r in &self.rules {
            let status = match r.outcome {
                Outcome::Passed => TestCaseStatus::success(),
                Outcome::Failed | Outcome::Error => {
                    let kind = if r.outcome == Outcome::Failed {
                        NonSuccessKind::Failure
                    } else {
                        NonSuccessKind::Error
                    };
                    let mut st = TestCaseStatus::non_success(kind);
                    if let TestCaseStatus::NonSuccess {
                        message,
                        description,
                        ..
                    } = &mut st
                    {
                        *message = r.message.clone().map(Into::into);
                        *description = Some(failure_details(r).into());
                    }
                    st
                }
            };
            let mut case = TestCase::new(format!("{}: {}", r.name, r.rule), status);
            case.set_classname(format!("wort.check.{}", self.dataset));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
        report.to_string().unwrap_or_default()
    }

    /// GitHub Actions workflow commands: an `::error` per failed or errored rule and a
    /// `::notice` summary. `rules_file` is the path the annotations point at, and
    /// `rules` the ruleset read from it (each annotation names its rule's line).
    pub fn to_github(&self, rules_file: &str, rules: &super::dqdl::Ruleset) -> String {
        let mut s = String::new();
        // The report's rules are the ruleset's entries, in order.
        for (r, entry) in self.rules.iter().zip(&rules.rules.items) {
            if r.outcome == Outcome::Passed {
                continue;
            }
            let mut props = format!("file={}", gh_escape_property(rules_file));
            let line = entry.rule.leaves().first().map_or(0, |l| l.span.line);
            if line > 0 {
                let _ = write!(props, ",line={line}");
            }
            let _ = write!(
                props,
                ",title={}",
                gh_escape_property(&format!("{} {:?}: {}", r.name, r.outcome, r.rule))
            );
            let mut msg = r.message.clone().unwrap_or_default();
            let details = failure_details(r);
            if !details.is_empty() {
                msg.push('\n');
                msg.push_str(&details);
            }
            let _ = writeln!(s, "::error {props}::{}", gh_escape_data(&msg));
        }
        let _ = writeln!(
            s,
            "::notice title=wort check::{}",
            gh_escape_data(&format!(
                "{}: {} rules, {} passed, {} failed, {} errors",
                self.dataset,
                self.rules.len(),
                self.passed,
                self.failed,
                self.errors
            ))
        );
        s
    }
}

/// Metrics and failing rows as plain lines.
fn failure_details(r: &RuleResult) -> String {
    let mut s = String::new();
    for (k, v) in &r.metrics {
        let _ = writeln!(s, "{k} = {}", fmt_num(*v));
    }
    if let Some(n) = r.failing_rows {
        let _ = writeln!(s, "{n} failing rows");
    }
    for row in &r.failing_samples {
        let vals: Vec<String> = row.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(s, "row {}: {}", row.row, vals.join(", "));
    }
    s.trim_end().to_string()
}

/// A metric for people: integers without a fraction, others to 6 significant places.
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
