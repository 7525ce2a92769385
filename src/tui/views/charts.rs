//! The profile panel's charts, drawn with ratatui's chart widgets at the panel's full
//! width: a histogram of a number column (Braille dots, two per cell across and four
//! down), the top values of a text column as horizontal bars, and a date column's
//! values per day, month or year. Each is drawn from what the profiler computed
//! (`profile::Histogram`, `top`, `Timeline`); nothing is counted while drawing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Bar, BarChart, Chart, Dataset, GraphType};

use crate::profile::render::fmt_num;
use crate::profile::{ColumnProfile, Histogram, Timeline};
use crate::tui::popups::{cut, hint};
use crate::util::thousands;

/// Rows a chart takes at most, and needs at least to be worth drawing.
const MAX_HEIGHT: u16 = 12;
const MIN_HEIGHT: u16 = 5;

/// What the focused column's chart shows.
pub enum Kind<'a> {
    /// Counts per bin of values (or of text lengths: `what` says which).
    Histogram(&'a Histogram, &'static str),
    /// The most frequent values.
    Top(&'a ColumnProfile),
    Timeline(&'a Timeline),
}

impl Kind<'_> {
    /// The chart for a column: a timeline for dates, a histogram for numbers, the top
    /// values for text (or a histogram of lengths when every value is distinct).
    pub fn of(c: &ColumnProfile) -> Option<Kind<'_>> {
        if let Some(t) = c.timeline.as_ref().filter(|t| !t.periods.is_empty()) {
            return Some(Kind::Timeline(t));
        }
        if let Some(h) = &c.histogram {
            return Some(Kind::Histogram(h, "values"));
        }
        if !c.top.is_empty() && c.top.iter().any(|t| t.count > 1) {
            return Some(Kind::Top(c));
        }
        c.length
            .as_ref()
            .map(|l| Kind::Histogram(&l.histogram, "lengths"))
    }

    /// The title line above the chart.
    pub fn title(&self) -> String {
        match self {
            Kind::Histogram(h, what) => format!("Histogram of {what} ({} bins)", h.counts.len()),
            Kind::Top(c) => format!("Top values ({} distinct)", thousands(c.distinct)),
            Kind::Timeline(t) => format!("Values per {} ({} {}s)", t.unit, t.periods.len(), t.unit),
        }
    }

    /// Rows the chart takes in an area `available` rows high and `width` wide, or
    /// None when it does not fit: the title and one row per top value (at least 3
    /// rows), or MIN_HEIGHT to MAX_HEIGHT rows for a histogram or timeline.
    pub fn height(&self, available: u16, width: u16) -> Option<u16> {
        let want = match self {
            Kind::Top(c) => c.top.len().min(10) as u16 + 1,
            _ => MAX_HEIGHT,
        };
        let least = MIN_HEIGHT.min(want).max(3);
        let h = want.min(available);
        (h >= least && width >= 20).then_some(h)
    }

    /// Whether the chart replaces the text list of top values below it.
    pub fn shows_top(&self) -> bool {
        matches!(self, Kind::Top(_))
    }
}

/// Draw `kind` in `area` (title on the first row), sized by [`Kind::height`].
pub fn render(frame: &mut Frame, area: Rect, kind: &Kind) {
    frame.render_widget(
        Line::styled(
            cut(&kind.title(), area.width as usize),
            super::profile::head(),
        ),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    match kind {
        Kind::Histogram(h, _) => histogram(frame, body, h),
        Kind::Top(c) => top_values(frame, body, c),
        Kind::Timeline(t) => timeline(frame, body, t),
    }
}

/// A step outline of `counts` over `edges` (n + 1 edges for n counts), for an area
/// chart: each bin is flat across its width.
fn steps(edges: &[f64], counts: &[u64]) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(counts.len() * 2);
    for (i, c) in counts.iter().enumerate() {
        let (a, b) = (edges[i], edges[i + 1]);
        points.push((a, *c as f64));
        points.push((b, *c as f64));
    }
    points
}

fn area_chart<'a>(
    points: &'a [(f64, f64)],
    x: [f64; 2],
    x_labels: Vec<String>,
    max: u64,
    color: Color,
) -> Chart<'a> {
    let data = Dataset::default()
        .data(points)
        .marker(Marker::Braille)
        .graph_type(GraphType::Area)
        .style(Style::default().fg(color));
    Chart::new(vec![data])
        .x_axis(
            Axis::default()
                .bounds(x)
                .labels(x_labels.into_iter().map(Line::from).collect::<Vec<_>>())
                .style(hint()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max.max(1) as f64])
                .labels(vec![Line::from("0"), Line::from(thousands(max))])
                .style(hint()),
        )
}

fn histogram(frame: &mut Frame, area: Rect, h: &Histogram) {
    if h.counts.is_empty() || h.edges.len() != h.counts.len() + 1 {
        return;
    }
    let (lo, hi) = (h.edges[0], h.edges[h.counts.len()]);
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let points = steps(&h.edges, &h.counts);
    let max = h.counts.iter().copied().max().unwrap_or(0);
    let labels = vec![fmt_num(lo), fmt_num((lo + hi) / 2.0), fmt_num(hi)];
    frame.render_widget(
        area_chart(&points, [lo, hi], labels, max, Color::Green),
        area,
    );
}

fn timeline(frame: &mut Frame, area: Rect, t: &Timeline) {
    let n = t.periods.len();
    let edges: Vec<f64> = (0..=n).map(|i| i as f64).collect();
    let counts: Vec<u64> = t.periods.iter().map(|(_, c)| *c).collect();
    let points = steps(&edges, &counts);
    let max = counts.iter().copied().max().unwrap_or(0);
    let first = t.periods[0].0.clone();
    let last = t.periods[n - 1].0.clone();
    let labels = if n > 2 {
        vec![first, t.periods[n / 2].0.clone(), last]
    } else {
        vec![first, last]
    };
    frame.render_widget(
        area_chart(&points, [0.0, n as f64], labels, max, Color::Magenta),
        area,
    );
}

fn top_values(frame: &mut Frame, area: Rect, c: &ColumnProfile) {
    let shown: Vec<_> = c.top.iter().take(area.height as usize).collect();
    // The value, its count and share as the bar's label, so the bar itself is never
    // hidden under its text.
    let counts: Vec<String> = shown
        .iter()
        .map(|t| format!("{} {}", thousands(t.count), super::profile::pct(t.percent)))
        .collect();
    let count_w = counts.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let label_w = (area.width as usize / 3)
        .saturating_sub(count_w)
        .clamp(4, 30);
    let bars: Vec<Bar> = shown
        .iter()
        .zip(&counts)
        .map(|(t, n)| {
            let value = cut(&super::profile::value_text(&t.value), label_w);
            Bar::with_label(
                Line::from(format!("{value:<label_w$} {n:>count_w$}")),
                t.count,
            )
            .text_value(String::new())
        })
        .collect();
    frame.render_widget(
        BarChart::horizontal(bars)
            .bar_width(1)
            .bar_gap(0)
            .bar_style(Style::default().fg(Color::Blue)),
        area,
    );
}
