//! The profile panels, drawn from `profile::Profile` data: the focused column
//! (statistics, histogram, top values, patterns, entities, hints) and the dataset
//! (counts, duplicates, how the input was read, correlation heatmap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::charts;
use serde_json::Value;

use crate::profile::render::fmt_num;
use crate::profile::{ColumnProfile, Profile};
use crate::tui::popups::{cut, hint};
use crate::tui::state::State;
use crate::util::thousands;

pub(super) fn head() -> Style {
    Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub(super) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(fmt_num).unwrap_or_else(|| n.to_string()),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

pub(super) fn pct(p: f64) -> String {
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else {
        format!("{p:.1}%")
    }
}

/// A bar of `n` of `max` in `width` cells.
fn bar(n: u64, max: u64, width: usize) -> String {
    if max == 0 || width == 0 {
        return String::new();
    }
    let eighths = (n as f64 / max as f64 * width as f64 * 8.0).round() as usize;
    let full = eighths / 8;
    let rest = eighths % 8;
    let mut s = "█".repeat(full);
    if rest > 0 {
        s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][rest - 1]);
    }
    s
}

/// The focused column's profile.
pub fn render_column(frame: &mut Frame, area: Rect, state: &State) {
    let Some(name) = state.focused_column() else {
        return;
    };
    let Some(profile) = state.profile() else {
        frame.render_widget(
            Paragraph::new(Line::styled(format!("profiling {name}…"), hint())),
            area,
        );
        return;
    };
    let Some(c) = profile.column(&name) else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!("{name} is not in the profiled data"),
                hint(),
            )),
            area,
        );
        return;
    };
    let w = area.width as usize;
    let top = stats_lines(c, profile.dataset.rows);
    let chart = charts::Kind::of(c);
    let scroll = state.panel_scroll;
    // Stats first, then the chart, then the lists (scrolled together below).
    let mut y = area.y;
    let top_h = (top.len() as u16).min(area.height);
    frame.render_widget(
        Paragraph::new(top.clone()),
        Rect::new(area.x, y, area.width, top_h),
    );
    y += top_h;
    let mut top_drawn = false;
    if let Some(kind) = &chart
        && scroll == 0
    {
        // Half of what is left, at least a few rows, leaving some to the lists.
        let left = (area.y + area.height).saturating_sub(y);
        if let Some(h) = kind.height(left.saturating_sub(2).max(left / 2), area.width) {
            charts::render(frame, Rect::new(area.x, y, area.width, h), kind);
            y += h;
            top_drawn = kind.shows_top();
        }
    }
    let rest = list_lines(c, w, top_drawn);
    if y < area.y + area.height {
        frame.render_widget(
            Paragraph::new(rest)
                .wrap(Wrap { trim: false })
                .scroll((scroll as u16, 0)),
            Rect::new(area.x, y, area.width, area.y + area.height - y),
        );
    }
}

fn stats_lines(c: &ColumnProfile, rows: u64) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(c.name.clone(), head()),
        Span::styled(format!("  {} ({})", c.logical_type, c.dtype), hint()),
    ])];
    lines.push(Line::raw(format!(
        "present {} of {}",
        thousands(c.present()),
        thousands(rows)
    )));
    if c.missing > 0 || c.empty > 0 {
        let mut m = format!(
            "missing {} ({})",
            thousands(c.missing),
            pct(c.missing_percent)
        );
        if c.empty > 0 {
            m.push_str(&format!(" · empty {}", thousands(c.empty)));
        }
        lines.push(Line::styled(m, Style::default().fg(Color::Yellow)));
    }
    lines.push(Line::raw(format!(
        "distinct {} ({})",
        thousands(c.distinct),
        pct(c.distinct_percent)
    )));
    let mut d = Vec::new();
    if let Some(u) = c.unique {
        d.push(format!("unique {}", thousands(u)));
    }
    if c.duplicate > 0 {
        d.push(format!("repeated {}", thousands(c.duplicate)));
    }
    if !d.is_empty() {
        lines.push(Line::raw(d.join(" · ")));
    }
    let mut range = Vec::new();
    if let Some(v) = &c.min {
        range.push(format!("min {}", value_text(v)));
    }
    if let Some(v) = &c.max {
        range.push(format!("max {}", value_text(v)));
    }
    if !range.is_empty() {
        lines.push(Line::raw(range.join(" · ")));
    }
    let mut centre = Vec::new();
    if let Some(m) = c.mean {
        centre.push(format!("mean {}", fmt_num(m)));
    }
    if let Some(m) = c.median {
        centre.push(format!("median {}", fmt_num(m)));
    }
    if let Some(s) = c.std {
        centre.push(format!("std {}", fmt_num(s)));
    }
    if !centre.is_empty() {
        lines.push(Line::raw(centre.join(" · ")));
    }
    if let (Some(a), Some(b)) = (c.p25, c.p75) {
        lines.push(Line::raw(format!(
            "p25 {} · p75 {}",
            fmt_num(a),
            fmt_num(b)
        )));
    }
    if let (Some(t), Some(f)) = (c.true_count, c.false_count) {
        lines.push(Line::raw(format!(
            "true {} · false {}",
            thousands(t),
            thousands(f)
        )));
    }
    if let Some(l) = &c.length {
        lines.push(Line::raw(format!(
            "length {}..{} (mean {})",
            l.min,
            l.max,
            fmt_num(l.mean)
        )));
    }
    if let Some(o) = &c.outliers
        && o.count > 0
    {
        lines.push(Line::styled(
            format!(
                "outliers {} ({}) outside {}..{} by {}",
                thousands(o.count),
                pct(o.percent),
                fmt_num(o.lower),
                fmt_num(o.upper),
                o.method
            ),
            Style::default().fg(Color::Yellow),
        ));
    }
    lines
}

/// The lists below the chart; `top_drawn`: the chart showed the top values.
fn list_lines(c: &ColumnProfile, w: usize, top_drawn: bool) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if !c.hints.is_empty() {
        lines.push(Line::styled("Hints", head()));
        for h in &c.hints {
            lines.push(Line::styled(
                format!("! {}", h.message),
                Style::default().fg(Color::Yellow),
            ));
        }
    }
    if !c.top.is_empty() && !top_drawn {
        lines.push(Line::styled("Top values", head()));
        let max = c.top.iter().map(|t| t.count).max().unwrap_or(1);
        let label_w = c
            .top
            .iter()
            .take(10)
            .map(|t| value_text(&t.value).chars().count())
            .max()
            .unwrap_or(4)
            .min(w / 3)
            .max(1);
        for t in c.top.iter().take(10) {
            let count = format!(" {} {}", thousands(t.count), pct(t.percent));
            let bar_w = w.saturating_sub(label_w + count.len() + 2);
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "{:<label_w$} ",
                    cut(&value_text(&t.value), label_w)
                )),
                Span::styled(bar(t.count, max, bar_w), Style::default().fg(Color::Blue)),
                Span::styled(count, hint()),
            ]));
        }
    }
    if let Some(ps) = &c.patterns
        && !ps.is_empty()
    {
        lines.push(Line::styled("Patterns", head()));
        for p in ps.iter().take(8) {
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "{:<w2$} ",
                    cut(&p.pattern, w.saturating_sub(16)),
                    w2 = w.saturating_sub(16).min(24)
                )),
                Span::styled(format!("{} {}", thousands(p.count), pct(p.percent)), hint()),
            ]));
        }
    }
    if let Some(es) = &c.entities
        && !es.is_empty()
    {
        lines.push(Line::styled("Entities", head()));
        for e in es {
            lines.push(Line::raw(format!(
                "{:<14} {} ({})",
                e.entity,
                thousands(e.count),
                pct(e.percent)
            )));
        }
    }
    if let Some(years) = &c.by_year
        && !years.is_empty()
    {
        lines.push(Line::styled("By year", head()));
        let max = years.iter().map(|y| y.count).max().unwrap_or(1);
        for y in years.iter().take(12) {
            lines.push(Line::from(vec![
                Span::raw(format!("{:<6}", y.year)),
                Span::styled(
                    bar(y.count, max, w.saturating_sub(16)),
                    Style::default().fg(Color::Blue),
                ),
                Span::styled(format!(" {}", thousands(y.count)), hint()),
            ]));
        }
    }
    lines
}

/// The dataset view.
pub fn render_dataset(frame: &mut Frame, area: Rect, state: &State) {
    let Some(profile) = state.profile() else {
        frame.render_widget(
            Paragraph::new(Line::styled("profiling the dataset…", hint())),
            area,
        );
        return;
    };
    let d = &profile.dataset;
    let mut lines = vec![
        Line::styled("Dataset", head()),
        Line::raw(format!(
            "{} rows · {} columns · ~{}",
            thousands(d.rows),
            d.columns,
            size(d.estimated_size_bytes)
        )),
        Line::raw(format!(
            "duplicate rows {} ({})",
            thousands(d.duplicate_rows),
            pct(d.duplicate_rows_percent)
        )),
    ];
    if let Some(s) = &state.sample {
        lines.push(Line::styled(format!("sample: {}", s.description), hint()));
    }
    let incomplete: Vec<&ColumnProfile> =
        profile.columns.iter().filter(|c| c.missing > 0).collect();
    if !incomplete.is_empty() {
        let mut sorted = incomplete.clone();
        sorted.sort_by(|a, b| b.missing_percent.total_cmp(&a.missing_percent));
        let list: Vec<String> = sorted
            .iter()
            .take(8)
            .map(|c| format!("{} {}", c.name, pct(c.missing_percent)))
            .collect();
        for l in wrap_words(
            &format!("missing: {}", list.join(", ")),
            area.width as usize,
        ) {
            lines.push(Line::raw(l));
        }
    }
    let hinted: usize = profile.columns.iter().map(|c| c.hints.len()).sum();
    if hinted > 0 {
        lines.push(Line::styled(
            format!("{hinted} hint(s) in column profiles (p on a column)"),
            Style::default().fg(Color::Yellow),
        ));
    }
    let top_h = (lines.len() as u16).min(area.height);
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(area.x, area.y, area.width, top_h),
    );
    let rest = Rect::new(
        area.x,
        area.y + top_h + 1,
        area.width,
        area.height.saturating_sub(top_h + 1),
    );
    heatmap(frame, rest, profile, state.panel_scroll);
}

/// Break `text` into lines of at most `width` characters at spaces.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn size(b: u64) -> String {
    if b >= 1 << 30 {
        format!("{:.1} GB", b as f64 / (1u64 << 30) as f64)
    } else if b >= 1 << 20 {
        format!("{:.1} MB", b as f64 / (1u64 << 20) as f64)
    } else {
        format!("{} KB", b.div_ceil(1024))
    }
}

/// The heat colour of a correlation.
fn heat(r: f64) -> Color {
    let a = r.abs();
    let level = if a >= 0.8 {
        4
    } else if a >= 0.6 {
        3
    } else if a >= 0.4 {
        2
    } else if a >= 0.2 {
        1
    } else {
        0
    };
    let reds = [236, 52, 88, 124, 160];
    let blues = [236, 17, 18, 19, 20];
    Color::Indexed(if r >= 0.0 { reds[level] } else { blues[level] })
}

fn heatmap(frame: &mut Frame, area: Rect, profile: &Profile, scroll: usize) {
    if area.height < 3 {
        return;
    }
    let Some(corr) = &profile.dataset.correlations else {
        frame.render_widget(
            Paragraph::new(Line::styled("no numeric columns to correlate", hint())),
            area,
        );
        return;
    };
    let n = corr.columns.len();
    let label_w = corr
        .columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 12);
    let cell_w = 4usize;
    let fit = ((area.width as usize).saturating_sub(label_w + 1) / cell_w).min(n);
    let mut lines = vec![Line::styled(
        format!("Correlations ({}, {n} columns)", corr.method),
        head(),
    )];
    // Column headers: the first letters of each name.
    let mut header = vec![Span::raw(" ".repeat(label_w + 1))];
    for c in corr.columns.iter().take(fit) {
        header.push(Span::styled(
            format!("{:<cell_w$}", cut(c, cell_w - 1)),
            hint(),
        ));
    }
    lines.push(Line::from(header));
    for (i, row) in corr
        .matrix
        .iter()
        .enumerate()
        .skip(scroll)
        .take((area.height as usize).saturating_sub(6))
    {
        let mut spans = vec![Span::raw(format!(
            "{:<label_w$} ",
            cut(&corr.columns[i], label_w)
        ))];
        for r in row.iter().take(fit) {
            let (text, style) = match r {
                Some(r) => {
                    let t = if (*r - 1.0).abs() < 1e-9 {
                        " 1 ".to_string()
                    } else {
                        let s = format!("{r:+.1}").replace("0.", ".");
                        format!("{s:>3}")
                    };
                    (t, Style::default().bg(heat(*r)).fg(Color::White))
                }
                None => (" · ".to_string(), hint()),
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    if fit < n {
        lines.push(Line::styled(
            format!("{} more columns do not fit; widen the terminal", n - fit),
            hint(),
        ));
    }
    if !corr.strongest.is_empty() {
        lines.push(Line::styled("Strongest", head()));
        for p in corr.strongest.iter().take(5) {
            lines.push(Line::raw(format!("{} ~ {}  r = {:+.2}", p.a, p.b, p.r)));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
