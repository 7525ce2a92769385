//! The data-quality check page: the score, every rule with its outcome and metrics,
//! and samples of the failing rows.

use std::collections::BTreeSet;

use serde::Serialize;

use super::svg::{Chart, Rect, Text};
use super::{HtmlError, show_value};
use crate::profile::render::fmt_num;
use crate::quality::report::{Outcome, Report, RuleResult};
use crate::util::thousands;

#[derive(Serialize)]
struct Metric {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Sample {
    row: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Rule {
    name: String,
    rule: String,
    /// `passed`, `failed` or `error`: the CSS class.
    outcome: &'static str,
    /// The outcome as a word and an icon, so colour is never the only sign.
    outcome_text: &'static str,
    icon: &'static str,
    message: Option<String>,
    evaluated_rule: Option<String>,
    metrics: Vec<Metric>,
    failing_rows: Option<String>,
    sample_columns: Vec<String>,
    samples: Vec<Sample>,
}

#[derive(Serialize)]
struct Page {
    title: String,
    rows: String,
    total: usize,
    passed: usize,
    failed: usize,
    errors: usize,
    score: String,
    score_chart: Chart,
    rules: Vec<Rule>,
    analyzers: Vec<(String, String, Vec<Metric>)>,
}

fn metrics(m: &std::collections::BTreeMap<String, f64>) -> Vec<Metric> {
    m.iter()
        .map(|(name, v)| Metric {
            name: name.clone(),
            value: fmt_num(*v),
        })
        .collect()
}

fn rule(r: &RuleResult) -> Rule {
    let (outcome, outcome_text, icon) = match r.outcome {
        Outcome::Passed => ("passed", "Passed", "✔"),
        Outcome::Failed => ("failed", "Failed", "✘"),
        Outcome::Error => ("error", "Error", "⚠"),
    };
    let columns: BTreeSet<&String> = r
        .failing_samples
        .iter()
        .flat_map(|s| s.values.keys())
        .collect();
    let samples = r
        .failing_samples
        .iter()
        .map(|s| Sample {
            row: thousands(s.row),
            cells: columns
                .iter()
                .map(|c| s.values.get(*c).map(show_value).unwrap_or_default())
                .collect(),
        })
        .collect();
    Rule {
        name: r.name.clone(),
        rule: r.rule.clone(),
        outcome,
        outcome_text,
        icon,
        message: r.message.clone(),
        evaluated_rule: r.evaluated_rule.clone().filter(|e| *e != r.rule),
        metrics: metrics(&r.metrics),
        failing_rows: r.failing_rows.map(thousands),
        sample_columns: columns.into_iter().cloned().collect(),
        samples,
    }
}

/// A stacked bar of passed, failed and errored rules, each part with its count.
fn score_chart(report: &Report) -> Chart {
    let total = report.rules.len().max(1) as f64;
    let (w, h) = (360.0, 44.0);
    let mut chart = Chart {
        label: format!("{} of {} rules passed", report.passed, report.rules.len()),
        width: w,
        height: h,
        rects: Vec::new(),
        lines: Vec::new(),
        texts: Vec::new(),
    };
    let mut x = 0.0;
    for (n, class, word) in [
        (report.passed, "bar-passed", "passed"),
        (report.failed, "bar-failed", "failed"),
        (report.errors, "bar-error", "errors"),
    ] {
        if n == 0 {
            continue;
        }
        let width = n as f64 / total * w;
        chart.rects.push(Rect {
            x,
            y: 4.0,
            w: width,
            h: 24.0,
            class,
            fill: String::new(),
            tip: format!("{n} {word}"),
        });
        if width > 50.0 {
            chart.texts.push(Text {
                x: x + width / 2.0,
                y: 20.0,
                anchor: "middle",
                rotate: 0.0,
                class: "cell-text-light",
                text: format!("{n} {word}"),
            });
        }
        x += width;
    }
    chart
}

/// The HTML check page.
pub fn check_html(report: &Report) -> Result<String, HtmlError> {
    let page = Page {
        title: report.dataset.clone(),
        rows: thousands(report.rows),
        total: report.rules.len(),
        passed: report.passed,
        failed: report.failed,
        errors: report.errors,
        // Glue's score; no rules (or no score) shows a dash, not "NaN%".
        score: if report.score.is_finite() && !report.rules.is_empty() {
            format!("{:.0}%", report.score * 100.0)
        } else {
            "–".into()
        },
        score_chart: score_chart(report),
        rules: report.rules.iter().map(rule).collect(),
        analyzers: report
            .analyzers
            .iter()
            .map(|a| (a.name.clone(), a.analyzer.clone(), metrics(&a.metrics)))
            .collect(),
    };
    super::render("check.html", page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::report::FailingRow;
    use std::collections::BTreeMap;

    fn result(name: &str, outcome: Outcome, samples: Vec<FailingRow>) -> RuleResult {
        RuleResult {
            name: name.into(),
            rule: "IsComplete \"<script>x</script>\"".into(),
            outcome,
            message: (outcome != Outcome::Passed).then(|| "Value: 0.5 <b>bold</b>".into()),
            metrics: BTreeMap::from([("Column.a.Completeness".into(), 0.5)]),
            evaluated_rule: None,
            failing_rows: (!samples.is_empty()).then_some(samples.len() as u64),
            failing_samples: samples,
            labels: BTreeMap::new(),
        }
    }

    #[test]
    fn outcomes_have_words_and_icons_and_data_is_escaped() {
        let sample = FailingRow {
            row: 7,
            values: BTreeMap::from([(
                "<script>x</script>".to_string(),
                serde_json::json!("<img src=y>"),
            )]),
        };
        let report = Report {
            wort_report: 1,
            dataset: "d<1>.csv".into(),
            rows: 10,
            score: 1.0 / 3.0,
            passed: 1,
            failed: 1,
            errors: 1,
            rules: vec![
                result("Rule_1", Outcome::Passed, vec![]),
                result("Rule_2", Outcome::Failed, vec![sample]),
                result("Rule_3", Outcome::Error, vec![]),
            ],
            analyzers: vec![],
        };
        let html = check_html(&report).unwrap();
        for word in ["✔ Passed", "✘ Failed", "⚠ Error"] {
            assert!(html.contains(word), "{word} missing");
        }
        assert!(html.contains("33%"));
        assert!(!html.contains("<script>x"));
        assert!(!html.contains("<img src=y"));
        assert!(!html.contains("<b>bold"));
        assert!(html.contains("&lt;img src=y&gt;"));
        assert!(html.contains("d&lt;1&gt;.csv"));
        assert_eq!(html.matches("<script").count(), 1);
    }
}
