//! The profile as a plain-text report for a terminal: one block per column, a
//! sparkline histogram and top-value bars in Unicode blocks, at most `width` columns
//! wide; ANSI colour only when asked.

use std::fmt::Write as _;

use serde_json::Value;

use super::{ColumnProfile, Histogram, Profile};
use crate::util::thousands;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn warn(&self, s: &str) -> String {
        self.paint("33", s)
    }
    fn bar(&self, s: &str) -> String {
        self.paint("36", s)
    }
}

/// A number for people: whole numbers with thousands separators, others with a few
/// significant digits.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        if v.abs() < 10_000.0 {
            return format!("{v:.0}");
        }
        let s = thousands(v.abs() as u64);
        return if v < 0.0 { format!("-{s}") } else { s };
    }
    let a = v.abs();
    let s = if !(1e-4..1e15).contains(&a) {
        format!("{v:.3e}")
    } else if a >= 1000.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    };
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn fmt_count(n: u64) -> String {
    thousands(n)
}

fn fmt_pct(p: f64) -> String {
    if p == 0.0 || p == 100.0 {
        format!("{p:.0}%")
    } else if p < 0.1 {
        "<0.1%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

/// Cut to `max` characters with an ellipsis.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A value as shown: text is quoted when it has surrounding spaces or is empty.
fn fmt_value(v: &Value, max: usize) -> String {
    match v {
        Value::String(s) => {
            if s.is_empty() || s.trim() != s || s.contains(['\n', '\t', '\r']) {
                cut(&format!("{s:?}"), max)
            } else {
                cut(s, max)
            }
        }
        Value::Number(n) => n.as_f64().map(fmt_num).unwrap_or_else(|| n.to_string()),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => cut(&other.to_string(), max),
    }
}

fn sparkline(counts: &[u64], width: usize) -> String {
    if counts.is_empty() {
        return String::new();
    }
    // Merge adjacent bins to fit the width.
    let group = counts.len().div_ceil(width.max(1));
    let merged: Vec<u64> = counts.chunks(group).map(|c| c.iter().sum()).collect();
    let max = merged.iter().copied().max().unwrap_or(0).max(1);
    merged
        .iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                let i = ((c as f64 / max as f64) * 7.0).round() as usize;
                SPARKS[i.min(7)]
            }
        })
        .collect()
}

fn hbar(frac: f64, width: usize) -> String {
    let eighths = (frac.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let full = eighths / 8;
    let rem = eighths % 8;
    let mut s = "█".repeat(full);
    if rem > 0 {
        s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][rem - 1]);
    }
    if s.is_empty() {
        s.push('▏');
    }
    s
}

/// Lay out "label value" items on lines no wider than `width`.
fn items_line(out: &mut String, st: &Style, items: &[(&str, String)], width: usize) {
    let mut line = String::from("  ");
    let mut len = 2;
    for (label, value) in items {
        let plain = label.chars().count() + 1 + value.chars().count();
        if len > 2 && len + 2 + plain > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("  ");
            len = 2;
        }
        if len > 2 {
            line.push_str("  ");
            len += 2;
        }
        let _ = write!(line, "{} {}", st.dim(label), value);
        len += plain;
    }
    if len > 2 {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn histogram_line(out: &mut String, st: &Style, label: &str, h: &Histogram, width: usize) {
    let (Some(lo), Some(hi)) = (h.edges.first(), h.edges.last()) else {
        return;
    };
    let (lo, hi) = (fmt_num(*lo), fmt_num(*hi));
    let room = width
        .saturating_sub(4 + label.len() + lo.len() + hi.len() + 2)
        .clamp(8, 60);
    let _ = writeln!(
        out,
        "  {} {} {} {}",
        st.dim(label),
        lo,
        st.bar(&sparkline(&h.counts, room)),
        hi
    );
}

/// The report.
pub fn table(p: &Profile, width: usize, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let d = &p.dataset;
    let mut head = format!(
        "{} rows × {} columns",
        fmt_count(d.rows),
        fmt_count(d.columns as u64)
    );
    if let Some(s) = &d.sample {
        let _ = write!(head, ", sample {s}");
    }
    if !d.inputs.is_empty() {
        let _ = write!(head, ", {}", cut(&d.inputs.join(" "), 40));
    }
    let _ = writeln!(out, "{} {}", st.bold("dataset"), head);
    let mut items = vec![
        (
            "duplicate rows",
            format!(
                "{} ({})",
                fmt_count(d.duplicate_rows),
                fmt_pct(d.duplicate_rows_percent)
            ),
        ),
        ("in memory", human_bytes(d.estimated_size_bytes)),
    ];
    if !d.approximate.is_empty() {
        items.push((
            "approximate",
            d.approximate.keys().cloned().collect::<Vec<_>>().join(", "),
        ));
    }
    items_line(&mut out, &st, &items, width);
    if let Some(c) = &d.correlations {
        let pairs: Vec<String> = c
            .strongest
            .iter()
            .take(5)
            .map(|x| format!("{} ~ {} {:+.2}", x.a, x.b, x.r))
            .collect();
        if !pairs.is_empty() {
            let _ = writeln!(out, "  {}", st.dim("strongest correlations (Pearson r)"));
            for pair in pairs {
                let _ = writeln!(out, "    {}", cut(&pair, width - 4));
            }
        }
    }
    for c in &p.columns {
        out.push('\n');
        column(&mut out, &st, c, width);
    }
    out
}

fn human_bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

fn column(out: &mut String, st: &Style, c: &ColumnProfile, width: usize) {
    let ty = format!("{} ({})", c.logical_type, c.dtype);
    let name = cut(&c.name, width.saturating_sub(ty.chars().count() + 8));
    let fill = width.saturating_sub(name.chars().count() + ty.chars().count() + 7);
    let _ = writeln!(
        out,
        "{} {} {} {}",
        st.dim("──"),
        st.bold(&name),
        st.dim(&"─".repeat(fill)),
        st.dim(&ty)
    );
    let approx = |k: &str| {
        if c.approximate.contains_key(k) {
            "~"
        } else {
            ""
        }
    };
    let mut items = vec![
        ("count", fmt_count(c.count)),
        (
            "missing",
            format!("{} ({})", fmt_count(c.missing), fmt_pct(c.missing_percent)),
        ),
    ];
    if c.empty > 0 {
        items.push(("empty", fmt_count(c.empty)));
    }
    if let Some(n) = c.nan.filter(|n| *n > 0) {
        items.push(("NaN", fmt_count(n)));
    }
    items.push((
        "distinct",
        format!("{}{}", approx("distinct"), fmt_count(c.distinct)),
    ));
    if let Some(u) = c.unique {
        items.push(("unique", fmt_count(u)));
    }
    items.push((
        "entropy",
        format!("{}{}", approx("entropy"), fmt_num(round4(c.entropy))),
    ));
    if let (Some(t), Some(f)) = (c.true_count, c.false_count) {
        items.push(("true", fmt_count(t)));
        items.push(("false", fmt_count(f)));
    }
    items_line(out, st, &items, width);

    // Order statistics and moments.
    let mut items: Vec<(&str, String)> = Vec::new();
    let push = |items: &mut Vec<(&'static str, String)>, label: &'static str, v: Option<f64>| {
        if let Some(v) = v {
            items.push((label, format!("{}{}", approx(label), fmt_num(v))));
        }
    };
    if c.mean.is_some() {
        if let Some(v) = &c.min {
            items.push(("min", fmt_value(v, 24)));
        }
        push(&mut items, "p5", c.p5);
        push(&mut items, "p25", c.p25);
        push(&mut items, "median", c.median);
        push(&mut items, "p75", c.p75);
        push(&mut items, "p95", c.p95);
        if let Some(v) = &c.max {
            items.push(("max", fmt_value(v, 24)));
        }
        items_line(out, st, &items, width);
        let mut items: Vec<(&str, String)> = Vec::new();
        push(&mut items, "mean", c.mean);
        push(&mut items, "std", c.std);
        push(&mut items, "skewness", c.skewness);
        push(&mut items, "kurtosis", c.kurtosis);
        push(&mut items, "iqr", c.iqr);
        push(&mut items, "mad", c.mad);
        push(&mut items, "sum", c.sum);
        if let Some(z) = c.zeros {
            items.push(("zeros", fmt_count(z)));
        }
        if let Some(n) = c.negatives {
            items.push(("negatives", fmt_count(n)));
        }
        items_line(out, st, &items, width);
        if let Some(o) = &c.outliers
            && o.count > 0
        {
            let samples: Vec<String> = o.samples.iter().take(5).map(|v| fmt_value(v, 16)).collect();
            let line = format!(
                "{}{} ({}) outside [{}, {}]{}{}",
                approx("outliers"),
                fmt_count(o.count),
                fmt_pct(o.percent),
                fmt_num(o.lower),
                fmt_num(o.upper),
                if samples.is_empty() { "" } else { ": " },
                samples.join(", ")
            );
            let _ = writeln!(
                out,
                "  {} {}",
                st.dim("outliers |z|>3"),
                cut(&line, width.saturating_sub(17))
            );
        }
    } else if c.by_year.is_some() {
        if let Some(v) = &c.min {
            items.push(("min", fmt_value(v, 28)));
        }
        if let Some(v) = &c.max {
            items.push(("max", fmt_value(v, 28)));
        }
        if let Some(r) = c.range {
            items.push(("range", format!("{} days", fmt_num(r))));
        }
        if let Some(f) = c.future {
            items.push(("future", fmt_count(f)));
        }
        items_line(out, st, &items, width);
    }
    if let Some(h) = &c.histogram {
        histogram_line(out, st, "histogram", h, width);
    }
    if let Some(l) = &c.length {
        let _ = writeln!(
            out,
            "  {} min {}  mean {}  max {}",
            st.dim("length"),
            fmt_count(l.min),
            fmt_num(round4(l.mean)),
            fmt_count(l.max)
        );
        if l.max > l.min {
            histogram_line(out, st, "lengths", &l.histogram, width);
        }
    }
    if let Some(years) = &c.by_year {
        let y: Vec<String> = years
            .iter()
            .take(8)
            .map(|y| format!("{} {}", y.year, fmt_count(y.count)))
            .collect();
        let more = if years.len() > 8 {
            format!(" (+{} more)", years.len() - 8)
        } else {
            String::new()
        };
        let _ = writeln!(out, "  {} {}{}", st.dim("years"), y.join("  "), more);
        if let Some(m) = &c.by_month {
            let _ = writeln!(
                out,
                "  {} Jan {} Dec",
                st.dim("months"),
                st.bar(&sparkline(m, 12))
            );
        }
        if let Some(w) = &c.by_weekday {
            let _ = writeln!(
                out,
                "  {} Mon {} Sun",
                st.dim("weekdays"),
                st.bar(&sparkline(w, 7))
            );
        }
    }
    // Top values with bars.
    let shown: Vec<_> = c.top.iter().take(5).collect();
    if !shown.is_empty() && c.distinct > 0 {
        let vw = shown
            .iter()
            .map(|t| fmt_value(&t.value, 24).chars().count())
            .max()
            .unwrap_or(0);
        let maxp = shown
            .iter()
            .map(|t| t.percent)
            .fold(0.0, f64::max)
            .max(1e-9);
        for (i, t) in shown.iter().enumerate() {
            let label = if i == 0 { "top" } else { "   " };
            let v = fmt_value(&t.value, 24);
            let pad = vw - v.chars().count();
            let _ = writeln!(
                out,
                "  {} {}{} {} {} ({})",
                st.dim(label),
                v,
                " ".repeat(pad),
                st.bar(&hbar(t.percent / maxp, 24)),
                fmt_count(t.count),
                fmt_pct(t.percent)
            );
        }
        if c.top.len() > 5 || c.distinct as usize > shown.len() {
            let rest = c.distinct.saturating_sub(shown.len() as u64);
            if rest > 0 {
                let _ = writeln!(
                    out,
                    "      {}",
                    st.dim(&format!("… {} more values", fmt_count(rest)))
                );
            }
        }
    }
    if c.mean.is_none() && c.by_year.is_none() && !c.smallest.is_empty() && c.true_count.is_none() {
        let s: Vec<String> = c
            .smallest
            .iter()
            .take(3)
            .map(|v| fmt_value(v, 16))
            .collect();
        let l: Vec<String> = c.largest.iter().take(3).map(|v| fmt_value(v, 16)).collect();
        let half = (width - 22) / 2;
        let _ = writeln!(
            out,
            "  {} {}  {} {}",
            st.dim("smallest"),
            cut(&s.join(", "), half),
            st.dim("largest"),
            cut(&l.join(", "), half)
        );
    }
    if let Some(pats) = &c.patterns
        && !pats.is_empty()
    {
        let ps: Vec<String> = pats
            .iter()
            .take(4)
            .map(|x| format!("{} {}", cut(&x.pattern, 20), fmt_pct(x.percent)))
            .collect();
        let _ = writeln!(
            out,
            "  {} {}",
            st.dim("patterns"),
            cut(&ps.join("  "), width - 11)
        );
    }
    if let Some(ents) = &c.entities
        && !ents.is_empty()
    {
        let es: Vec<String> = ents
            .iter()
            .take(4)
            .map(|e| format!("{} {}", e.entity, fmt_pct(e.percent)))
            .collect();
        let _ = writeln!(
            out,
            "  {} {}",
            st.dim("entities"),
            cut(&es.join("  "), width - 11)
        );
    }
    for h in &c.hints {
        let _ = writeln!(
            out,
            "  {} {}",
            st.warn("!"),
            cut(&h.message, width.saturating_sub(4))
        );
    }
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(1234567.0), "1,234,567");
        assert_eq!(fmt_num(-5.0), "-5");
        assert_eq!(fmt_num(12.34567), "12.346");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(1234.56), "1234.6");
        assert_eq!(fmt_num(0.00001), "1.000e-5");
    }

    #[test]
    fn bars_and_sparklines() {
        assert_eq!(sparkline(&[0, 1, 2, 4], 10), " ▃▅█");
        assert_eq!(sparkline(&[1, 1, 1, 1], 2).chars().count(), 2);
        assert_eq!(hbar(1.0, 3), "███");
        assert_eq!(hbar(0.5, 2), "█");
        assert_eq!(hbar(0.0, 2), "▏");
    }
}
