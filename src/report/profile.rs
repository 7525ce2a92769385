//! The profile page: an overview, one card per column, the correlation heatmap.

use serde::Serialize;

use super::svg::{self, Chart, VBar};
use super::{HtmlError, pct, show_value};
use crate::profile::render::fmt_num;
use crate::profile::{ColumnProfile, Profile};
use crate::util::thousands;

/// One statistic: its label, its value, and the approximation note when a sketch
/// computed it (shown as "≈" with the bound on hover).
#[derive(Serialize)]
struct Stat {
    label: &'static str,
    value: String,
    approx: Option<String>,
}

/// A row of a small table (patterns, entities, top values).
#[derive(Serialize)]
struct Share {
    label: String,
    count: String,
    percent: String,
}

#[derive(Serialize)]
struct Card {
    /// The anchor (`col-3`), independent of the column's name.
    id: String,
    name: String,
    kind: String,
    dtype: String,
    missing_percent: f64,
    missing_text: String,
    stats: Vec<Stat>,
    chart: Chart,
    top: Vec<Share>,
    patterns: Vec<Share>,
    entities: Vec<Share>,
    hints: Vec<String>,
}

#[derive(Serialize)]
struct Page {
    title: String,
    inputs: Vec<String>,
    sample: String,
    overview: Vec<Stat>,
    cards: Vec<Card>,
    heatmap: Option<Chart>,
    strongest: Vec<Share>,
    correlation_note: String,
}

/// The HTML profile page.
pub fn profile_html(p: &Profile) -> Result<String, HtmlError> {
    let d = &p.dataset;
    let cells = d.rows.saturating_mul(p.columns.len() as u64);
    let missing: u64 = p.columns.iter().map(|c| c.missing).sum();
    let missing_pct = if cells == 0 {
        0.0
    } else {
        missing as f64 * 100.0 / cells as f64
    };
    let approx_of = |key: &str| {
        d.approximate.get(key).map(|a| {
            format!(
                "{}{}",
                a.method,
                a.error
                    .map(|e| format!(", error ±{}", pct(e * 100.0)))
                    .unwrap_or_default()
            )
        })
    };
    let overview = vec![
        stat("rows", thousands(d.rows), None),
        stat("columns", thousands(d.columns as u64), None),
        stat(
            "missing cells",
            format!("{} ({})", thousands(missing), pct(missing_pct)),
            None,
        ),
        stat(
            "duplicate rows",
            format!(
                "{} ({})",
                thousands(d.duplicate_rows),
                pct(d.duplicate_rows_percent)
            ),
            approx_of("duplicate_rows"),
        ),
        stat(
            "size in memory",
            format!("{} bytes", thousands(d.estimated_size_bytes)),
            None,
        ),
    ];
    let (heatmap, strongest, correlation_note) = match &d.correlations {
        Some(c) if c.columns.len() >= 2 => (
            Some(svg::heatmap(&c.columns, &c.matrix)),
            c.strongest
                .iter()
                .map(|s| Share {
                    label: format!("{} × {}", s.a, s.b),
                    count: format!("r = {:.3}", s.r),
                    percent: format!("{} rows", thousands(s.rows)),
                })
                .collect(),
            String::new(),
        ),
        _ => (
            None,
            Vec::new(),
            "Fewer than two numeric columns: no correlations to show.".into(),
        ),
    };
    let title = if d.inputs.is_empty() {
        "profile".to_string()
    } else {
        d.inputs.join(", ")
    };
    let page = Page {
        title,
        inputs: d.inputs.clone(),
        sample: d.sample.clone().unwrap_or_else(|| "full".into()),
        overview,
        cards: p
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| card(i, c))
            .collect(),
        heatmap,
        strongest,
        correlation_note,
    };
    super::render("profile.html", page)
}

fn stat(label: &'static str, value: String, approx: Option<String>) -> Stat {
    Stat {
        label,
        value,
        approx,
    }
}

fn card(i: usize, c: &ColumnProfile) -> Card {
    let approx = |key: &str| {
        c.approximate.get(key).map(|a| {
            let bound = match (a.error, a.error_kind) {
                (Some(e), Some("count")) => format!(", counts over by at most {}", fmt_num(e)),
                (Some(e), Some(kind)) => format!(", {kind} error ±{}", pct(e * 100.0)),
                _ => String::new(),
            };
            format!("approximate: {}{bound}", a.method)
        })
    };
    let num = |label: &'static str, key: &str, v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map(|v| stat(label, fmt_num(v), approx(key)))
    };
    let val = |label: &'static str, key: &str, v: &Option<serde_json::Value>| {
        v.as_ref().map(|v| stat(label, show_value(v), approx(key)))
    };
    let mut stats = vec![
        stat("rows", thousands(c.count), None),
        stat(
            "missing",
            format!("{} ({})", thousands(c.missing), pct(c.missing_percent)),
            None,
        ),
        stat(
            "distinct",
            format!("{} ({})", thousands(c.distinct), pct(c.distinct_percent)),
            approx("distinct"),
        ),
    ];
    if let Some(u) = c.unique {
        stats.push(stat("unique", thousands(u), None));
    }
    stats.push(stat(
        "duplicate",
        thousands(c.duplicate),
        approx("duplicate"),
    ));
    stats.extend(
        [
            val("mode", "mode", &c.mode),
            val("min", "min", &c.min),
            val("max", "max", &c.max),
            num("range", "range", c.range),
            num("mean", "mean", c.mean),
            num("std", "std", c.std),
            num("median", "median", c.median),
            num("p5", "p5", c.p5),
            num("p25", "p25", c.p25),
            num("p75", "p75", c.p75),
            num("p95", "p95", c.p95),
            num("iqr", "iqr", c.iqr),
            num("mad", "mad", c.mad),
            num("skewness", "skewness", c.skewness),
            num("kurtosis", "kurtosis", c.kurtosis),
            num("sum", "sum", c.sum),
            c.zeros.map(|z| stat("zeros", thousands(z), None)),
            c.negatives.map(|z| stat("negatives", thousands(z), None)),
            c.outliers.as_ref().map(|o| {
                stat(
                    "outliers",
                    format!("{} ({})", thousands(o.count), pct(o.percent)),
                    approx("outliers"),
                )
            }),
            c.true_count.map(|n| stat("true", thousands(n), None)),
            c.false_count.map(|n| stat("false", thousands(n), None)),
            c.length.as_ref().map(|l| {
                stat(
                    "length",
                    format!("{}–{} (mean {})", l.min, l.max, fmt_num(l.mean)),
                    None,
                )
            }),
            c.future.map(|n| stat("in the future", thousands(n), None)),
        ]
        .into_iter()
        .flatten(),
    );
    stats.push(stat(
        "entropy",
        format!("{} nats", fmt_num(c.entropy)),
        approx("entropy"),
    ));
    let share = |label: String, count: u64, percent: f64| Share {
        label,
        count: thousands(count),
        percent: pct(percent),
    };
    Card {
        id: format!("col-{i}"),
        name: c.name.clone(),
        kind: c.logical_type.clone(),
        dtype: c.dtype.clone(),
        missing_percent: c.missing_percent.clamp(0.0, 100.0),
        missing_text: pct(c.missing_percent),
        stats,
        chart: chart(c),
        top: c
            .top
            .iter()
            .take(10)
            .map(|t| share(show_value(&t.value), t.count, t.percent))
            .collect(),
        patterns: c
            .patterns
            .iter()
            .flatten()
            .take(8)
            .map(|p| share(p.pattern.clone(), p.count, p.percent))
            .collect(),
        entities: c
            .entities
            .iter()
            .flatten()
            .map(|e| share(e.entity.to_string(), e.count, e.percent))
            .collect(),
        hints: c.hints.iter().map(|h| h.message.clone()).collect(),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Bars named by year, month or weekday, with their row counts on hover.
fn named_bars(named: &[(String, u64)]) -> Vec<VBar> {
    named
        .iter()
        .map(|(name, n)| VBar {
            label: name.clone(),
            count: *n,
            tip: format!("{name}: {} rows", thousands(*n)),
        })
        .collect()
}

/// The column's chart: a histogram for numbers, rows per year (or per month within one
/// year) for dates, top values for everything else; when the column has no value at
/// all, present against missing.
fn chart(c: &ColumnProfile) -> Chart {
    let missing_bar = (c.missing > 0).then(|| VBar {
        label: "(missing)".into(),
        count: c.missing,
        tip: format!(
            "missing (null, empty or NaN): {} rows, {}",
            thousands(c.missing),
            pct(c.missing_percent)
        ),
    });
    if let Some(h) = c.histogram.as_ref().filter(|h| !h.counts.is_empty()) {
        let note = if c.approximate.contains_key("histogram") {
            " (approximate)"
        } else {
            ""
        };
        return svg::histogram(
            format!("Histogram of {}{note}", c.name),
            &h.edges,
            &h.counts,
            &c.name,
        );
    }
    if let Some(years) = c.by_year.as_ref().filter(|y| y.len() > 1) {
        let named: Vec<(String, u64)> = years
            .iter()
            .map(|y| (y.year.to_string(), y.count))
            .collect();
        return svg::vbars(
            format!("Rows per year of {}", c.name),
            &named_bars(&named),
            "year",
        );
    }
    let calendar = [
        (&c.by_month, &MONTHS[..], "month"),
        (&c.by_weekday, &WEEKDAYS[..], "weekday"),
    ];
    for (counts, names, unit) in calendar {
        if let Some(counts) = counts.as_ref().filter(|m| m.iter().any(|n| *n > 0)) {
            let named: Vec<(String, u64)> = names
                .iter()
                .zip(counts)
                .map(|(m, n)| (m.to_string(), *n))
                .collect();
            return svg::vbars(
                format!("Rows per {unit} of {}", c.name),
                &named_bars(&named),
                unit,
            );
        }
    }
    let bars: Vec<VBar> = c
        .top
        .iter()
        .take(10)
        .map(|t| {
            let v = show_value(&t.value);
            VBar {
                tip: format!("{v}: {} rows, {}", thousands(t.count), pct(t.percent)),
                label: v,
                count: t.count,
            }
        })
        .collect();
    let note = if c.approximate.contains_key("top") {
        " (approximate)"
    } else {
        ""
    };
    svg::hbars(
        format!("Most common values of {}{note}", c.name),
        &bars,
        missing_bar.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn profile_of(df: DataFrame) -> Profile {
        let mut p = crate::profile::profile(df.lazy(), &Default::default()).unwrap();
        p.dataset.inputs = vec!["<b>in.csv</b>".into()];
        p
    }

    #[test]
    fn names_and_values_from_the_data_are_escaped() {
        let df = df! {
            "<script>alert(1)</script>" => ["<img src=x onerror=alert(2)>", "a&b", "\"q\""],
            "n" => [1i64, 2, 3],
        }
        .unwrap();
        let html = profile_html(&profile_of(df)).unwrap();
        assert!(
            !html.contains("<script>alert(1)"),
            "column name not escaped"
        );
        assert!(!html.contains("<img src=x"), "value not escaped");
        assert!(!html.contains("<b>in.csv"), "input name not escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(html.contains("a&amp;b"));
        // The page's own script is the only one.
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn every_column_has_a_card_and_a_chart() {
        let df = df! {
            "num" => [Some(1.5f64), None, Some(3.0), Some(4.0)],
            "txt" => [Some("a"), Some("b"), None, Some("a")],
            "flag" => [true, false, true, true],
            "none" => [None::<i64>, None, None, None],
        }
        .unwrap();
        let html = profile_html(&profile_of(df)).unwrap();
        assert_eq!(html.matches("class=\"card\"").count(), 4);
        assert_eq!(html.matches("<svg class=\"chart\"").count(), 4);
        assert!(html.contains("Histogram of num"));
        assert!(html.contains("Most common values of txt"));
        // The all-missing column still draws its missing bar.
        assert!(html.contains("missing (null, empty or NaN): 4 rows, 100%"));
        assert!(html.contains("heatmap") || html.contains("no correlations"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }

    #[test]
    fn an_empty_frame_renders() {
        let df = df! { "a" => Vec::<i64>::new() }.unwrap();
        let html = profile_html(&profile_of(df)).unwrap();
        assert!(html.contains("<svg class=\"chart\""));
    }
}
