//! Chart geometry for the HTML reports.
//!
//! A chart is computed here as plain shapes (rectangles with a hover text, lines, text
//! labels) in a fixed viewBox; one template macro draws any chart, so the templates
//! hold no arithmetic and every piece of text from the data passes through the
//! template engine's HTML escaping.

use serde::Serialize;

use crate::profile::render::fmt_num;

/// A rectangle: a bar or a heatmap cell. `tip` is its hover text (an SVG `<title>`).
#[derive(Debug, Clone, Serialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// A CSS class (`bar`, `bar-missing`, …).
    pub class: &'static str,
    /// A fill colour computed here (heatmap cells); empty for the class's colour.
    pub fill: String,
    pub tip: String,
}

/// A line: an axis or a tick.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

/// A text label.
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    /// Degrees, for slanted axis labels.
    pub rotate: f64,
    pub class: &'static str,
    pub text: String,
}

/// A chart: a viewBox of `width` × `height` and its shapes.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// What the chart shows, for screen readers (`aria-label`) and as its caption.
    pub label: String,
    pub width: f64,
    pub height: f64,
    pub rects: Vec<Rect>,
    pub lines: Vec<Line>,
    pub texts: Vec<Text>,
}

const W: f64 = 360.0;
const H: f64 = 200.0;
/// Room for the y-axis labels, the x-axis labels and a margin.
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 10.0;

/// A bar of a vertical bar chart: its x-axis label, its count and its hover text.
pub struct VBar {
    pub label: String,
    pub count: u64,
    pub tip: String,
}

fn text(x: f64, y: f64, anchor: &'static str, class: &'static str, t: String) -> Text {
    Text {
        x,
        y,
        anchor,
        rotate: 0.0,
        class,
        text: t,
    }
}

/// Round numbers for an axis from 0 to at least `max`: about four steps of 1, 2 or 5
/// times a power of ten.
pub fn nice_ticks(max: f64) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(1.0);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// The y axis (counts) with its ticks and grid, returning the scale's top.
fn y_axis(chart: &mut Chart, max: u64, y_label: &str) -> f64 {
    let ticks = nice_ticks(max as f64);
    let top = ticks.last().copied().unwrap_or(1.0).max(1.0);
    let plot_h = H - TOP - BOTTOM;
    for t in &ticks {
        let y = H - BOTTOM - t / top * plot_h;
        chart.lines.push(Line {
            x1: LEFT - 4.0,
            y1: y,
            x2: LEFT,
            y2: y,
        });
        chart
            .texts
            .push(text(LEFT - 6.0, y + 3.5, "end", "tick", fmt_num(*t)));
    }
    chart.lines.push(Line {
        x1: LEFT,
        y1: TOP,
        x2: LEFT,
        y2: H - BOTTOM,
    });
    chart.lines.push(Line {
        x1: LEFT,
        y1: H - BOTTOM,
        x2: W - RIGHT,
        y2: H - BOTTOM,
    });
    let mut t = text(
        10.0,
        TOP + plot_h / 2.0,
        "middle",
        "axis-label",
        y_label.into(),
    );
    t.rotate = -90.0;
    chart.texts.push(t);
    top
}

/// The x axis's name, centred under the plot.
fn x_axis_label(chart: &mut Chart, x_label: &str) {
    chart.texts.push(text(
        LEFT + (W - LEFT - RIGHT) / 2.0,
        H - 6.0,
        "middle",
        "axis-label",
        x_label.into(),
    ));
}

fn empty_chart(label: String) -> Chart {
    Chart {
        label,
        width: W,
        height: H,
        rects: Vec::new(),
        lines: Vec::new(),
        texts: Vec::new(),
    }
}

/// A vertical bar chart of counts with one label per bar (months, weekdays, years,
/// true/false). Labels are thinned to fit.
pub fn vbars(label: String, bars: &[VBar], x_label: &str) -> Chart {
    let mut chart = empty_chart(label);
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0);
    let top = y_axis(&mut chart, max, "rows");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / bars.len().max(1) as f64;
    // At most about 12 labels along the axis.
    let every = bars.len().div_ceil(12).max(1);
    for (i, b) in bars.iter().enumerate() {
        let h = b.count as f64 / top * plot_h;
        let x = LEFT + i as f64 * slot;
        chart.rects.push(Rect {
            x: x + slot * 0.1,
            y: H - BOTTOM - h,
            w: slot * 0.8,
            h,
            class: "bar",
            fill: String::new(),
            tip: b.tip.clone(),
        });
        if i % every == 0 {
            chart.texts.push(text(
                x + slot / 2.0,
                H - BOTTOM + 13.0,
                "middle",
                "tick",
                cut(&b.label, 10),
            ));
        }
    }
    x_axis_label(&mut chart, x_label);
    chart
}

/// A histogram: bars between `edges` (bins + 1 values), the x axis labelled at its
/// ends and middle.
pub fn histogram(label: String, edges: &[f64], counts: &[u64], x_label: &str) -> Chart {
    let mut chart = empty_chart(label);
    let max = counts.iter().copied().max().unwrap_or(0);
    let top = y_axis(&mut chart, max, "rows");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = counts.len().max(1) as f64;
    let last = counts.len().saturating_sub(1);
    for (i, c) in counts.iter().enumerate() {
        let h = *c as f64 / top * plot_h;
        let (lo, hi) = (
            edges.get(i).copied().unwrap_or(f64::NAN),
            edges.get(i + 1).copied().unwrap_or(f64::NAN),
        );
        let close = if i == last { "]" } else { ")" };
        chart.rects.push(Rect {
            x: LEFT + i as f64 / n * plot_w,
            y: H - BOTTOM - h,
            w: (plot_w / n - 0.5).max(0.5),
            h,
            class: "bar",
            fill: String::new(),
            tip: format!(
                "[{}, {}{close}: {} rows",
                fmt_num(lo),
                fmt_num(hi),
                crate::util::thousands(*c)
            ),
        });
    }
    if let (Some(first), Some(end)) = (edges.first(), edges.last()) {
        let mid = (first + end) / 2.0;
        for (x, v, anchor) in [
            (LEFT, *first, "start"),
            (LEFT + plot_w / 2.0, mid, "middle"),
            (W - RIGHT, *end, "end"),
        ] {
            chart.lines.push(Line {
                x1: x,
                y1: H - BOTTOM,
                x2: x,
                y2: H - BOTTOM + 4.0,
            });
            chart
                .texts
                .push(text(x, H - BOTTOM + 14.0, anchor, "tick", fmt_num(v)));
        }
    }
    x_axis_label(&mut chart, x_label);
    chart
}

/// A horizontal bar chart (top values): one row per bar, the value on the left, the
/// count at the bar's end, an axis of counts below.
pub fn hbars(label: String, bars: &[VBar], missing: Option<&VBar>) -> Chart {
    let row = 17.0;
    let label_w = 110.0;
    let rows = bars.len() + usize::from(missing.is_some());
    let height = TOP + rows.max(1) as f64 * row + 30.0;
    let mut chart = empty_chart(label);
    chart.height = height;
    let max = bars
        .iter()
        .chain(missing)
        .map(|b| b.count)
        .max()
        .unwrap_or(0);
    let ticks = nice_ticks(max as f64);
    let top = ticks.last().copied().unwrap_or(1.0).max(1.0);
    let plot_w = W - label_w - RIGHT - 40.0;
    let axis_y = TOP + rows as f64 * row + 2.0;
    for (i, (b, class)) in bars
        .iter()
        .map(|b| (b, "bar"))
        .chain(missing.map(|m| (m, "bar-missing")))
        .enumerate()
    {
        let y = TOP + i as f64 * row;
        let w = b.count as f64 / top * plot_w;
        chart.rects.push(Rect {
            x: label_w,
            y: y + 2.0,
            w,
            h: row - 4.0,
            class,
            fill: String::new(),
            tip: b.tip.clone(),
        });
        chart.texts.push(text(
            label_w - 4.0,
            y + row / 2.0 + 3.5,
            "end",
            "tick",
            cut(&b.label, 18),
        ));
        chart.texts.push(text(
            label_w + w + 3.0,
            y + row / 2.0 + 3.5,
            "start",
            "value",
            crate::util::thousands(b.count),
        ));
    }
    chart.lines.push(Line {
        x1: label_w,
        y1: TOP,
        x2: label_w,
        y2: axis_y,
    });
    chart.lines.push(Line {
        x1: label_w,
        y1: axis_y,
        x2: label_w + plot_w,
        y2: axis_y,
    });
    for t in [0.0, top / 2.0, top] {
        let x = label_w + t / top * plot_w;
        chart.lines.push(Line {
            x1: x,
            y1: axis_y,
            x2: x,
            y2: axis_y + 4.0,
        });
        chart
            .texts
            .push(text(x, axis_y + 14.0, "middle", "tick", fmt_num(t)));
    }
    chart.texts.push(text(
        label_w + plot_w / 2.0,
        height - 2.0,
        "middle",
        "axis-label",
        "rows".into(),
    ));
    chart
}

/// The colour of a correlation r in -1..=1: a diverging scale from vermillion (−1)
/// through white (0) to blue (+1), the Okabe–Ito pair that stays apart for the common
/// colour-vision deficiencies. Undefined r is grey.
pub fn diverging(r: Option<f64>) -> String {
    let Some(r) = r.filter(|r| r.is_finite()) else {
        return "#d9d9d9".into();
    };
    let r = r.clamp(-1.0, 1.0);
    let (tr, tg, tb) = if r >= 0.0 {
        (0.0, 114.0, 178.0)
    } else {
        (213.0, 94.0, 0.0)
    };
    let a = r.abs();
    let mix = |t: f64| (255.0 + (t - 255.0) * a).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(tr), mix(tg), mix(tb))
}

/// A correlation heatmap: a square of cells with the column names along the left
/// and slanted along the top, r written in each cell when there is room.
pub fn heatmap(columns: &[String], matrix: &[Vec<Option<f64>>]) -> Chart {
    let n = columns.len();
    let cell = 30.0;
    let label_w = 120.0;
    let top_h = 90.0;
    let mut chart = empty_chart(format!("Pearson correlation of {n} numeric columns"));
    chart.width = label_w + n as f64 * cell + 40.0;
    chart.height = top_h + n as f64 * cell + 10.0;
    for (i, name) in columns.iter().enumerate() {
        chart.texts.push(text(
            label_w - 4.0,
            top_h + i as f64 * cell + cell / 2.0 + 3.5,
            "end",
            "tick",
            cut(name, 18),
        ));
        let mut t = text(
            label_w + i as f64 * cell + cell / 2.0,
            top_h - 4.0,
            "start",
            "tick",
            cut(name, 16),
        );
        t.rotate = -45.0;
        chart.texts.push(t);
        for (j, other) in columns.iter().enumerate() {
            let r = matrix.get(i).and_then(|row| row.get(j)).copied().flatten();
            let x = label_w + j as f64 * cell;
            let y = top_h + i as f64 * cell;
            let shown = r.map(|r| format!("{r:.2}"));
            chart.rects.push(Rect {
                x,
                y,
                w: cell - 1.0,
                h: cell - 1.0,
                class: "cell",
                fill: diverging(r),
                tip: format!(
                    "{name} × {other}: r = {}",
                    shown
                        .clone()
                        .unwrap_or_else(|| "undefined (a constant column)".into())
                ),
            });
            if n <= 16 {
                let class = if r.is_some_and(|r| r.abs() > 0.6) {
                    "cell-text-light"
                } else {
                    "cell-text"
                };
                chart.texts.push(text(
                    x + cell / 2.0,
                    y + cell / 2.0 + 3.0,
                    "middle",
                    class,
                    shown.map(|s| s.replace("0.", ".")).unwrap_or_default(),
                ));
            }
        }
    }
    chart
}

/// Cut to `max` characters with an ellipsis (the hover text keeps the whole value).
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(nice_ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(24_821.0), vec![0.0, 10000.0, 20000.0, 30000.0]);
        assert_eq!(nice_ticks(3.0), vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn diverging_colours_run_from_vermillion_to_blue() {
        assert_eq!(diverging(Some(1.0)), "#0072b2");
        assert_eq!(diverging(Some(-1.0)), "#d55e00");
        assert_eq!(diverging(Some(0.0)), "#ffffff");
        assert_eq!(diverging(None), "#d9d9d9");
        assert_eq!(diverging(Some(f64::NAN)), "#d9d9d9");
    }

    #[test]
    fn histogram_bars_scale_to_the_axis() {
        let c = histogram("h".into(), &[0.0, 1.0, 2.0], &[4, 8], "x");
        assert_eq!(c.rects.len(), 2);
        // 8 rows reach the top tick (8), 4 rows half of it.
        assert!((c.rects[0].h * 2.0 - c.rects[1].h).abs() < 1e-9);
        assert_eq!(c.rects[1].tip, "[1, 2]: 8 rows");
        assert_eq!(c.rects[0].tip, "[0, 1): 4 rows");
    }
}
