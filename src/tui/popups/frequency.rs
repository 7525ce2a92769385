//! The frequency sheet (`F`, VisiData's Shift-F): each value of the focused column in
//! the data in view, with its count, its share of the rows and a bar, most frequent
//! first. Missing values are a row of their own, labelled, and are not counted as a
//! distinct value (the one definition the grid header, status bar and profile share,
//! `profile::distinct_values`). Enter on a value (or Space on several, then Enter)
//! opens a `filter` step keeping those rows, through the step form and its preview:
//! it becomes a step only when the form is confirmed.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::json;

use super::{Outcome, above_footer, cut, footer, frame_box, hint, list_move, list_start, typed};
use crate::recipe::Step;
use crate::tui::action::Action;
use crate::tui::frequency::{Frequencies, Kind, Value, condition};

/// Cells of the longest bar.
const BAR: usize = 24;

pub struct FrequencyPopup {
    pub column: String,
    /// Where the values come from ("344 rows as of step 2").
    pub source: String,
    /// The counting job this popup waits for.
    pub target: u64,
    /// None while counting.
    pub table: Option<Result<Frequencies, String>>,
    pub selected: usize,
    /// Values picked with Space (indices into the table).
    pub picked: BTreeSet<usize>,
    /// Why Enter did nothing.
    pub note: Option<String>,
}

impl FrequencyPopup {
    pub fn new(column: String, source: String, target: u64) -> FrequencyPopup {
        FrequencyPopup {
            column,
            source,
            target,
            table: None,
            selected: 0,
            picked: BTreeSet::new(),
            note: None,
        }
    }

    fn len(&self) -> usize {
        match &self.table {
            Some(Ok(t)) => t.values.len(),
            _ => 0,
        }
    }

    /// Space: pick the selected value, or drop it when picked.
    fn toggle_pick(&mut self) {
        if !self.picked.remove(&self.selected) {
            self.picked.insert(self.selected);
        }
    }

    /// The filter step keeping the picked values (or the selected one).
    pub fn step(&self) -> Result<Step, String> {
        let Some(Ok(t)) = &self.table else {
            return Err("the values are still being counted".into());
        };
        let chosen: Vec<&Value> = if self.picked.is_empty() {
            t.values.get(self.selected).into_iter().collect()
        } else {
            self.picked
                .iter()
                .filter_map(|i| t.values.get(*i))
                .collect()
        };
        if chosen.is_empty() {
            return Err("the column has no values to filter on".into());
        }
        let keep = condition(&self.column, &chosen);
        serde_json::from_value(json!({"op": "filter", "keep": keep}))
            .map_err(|e| format!("could not build the step: {e}"))
    }
}

pub fn handle(p: &mut FrequencyPopup, action: Action) -> Outcome {
    p.note = None;
    let len = p.len();
    if list_move(&action, &mut p.selected, len) {
        return Outcome::Keep;
    }
    match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => return super::open_step(p.step(), &mut p.note),
        a if typed(&a, ' ') && len > 0 => p.toggle_pick(),
        _ => {}
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &FrequencyPopup) {
    let popup = super::sheet(area);
    let title = match &p.table {
        Some(Ok(t)) if !p.picked.is_empty() => format!(
            "frequency \"{}\" · {} distinct · {} picked",
            cut(&p.column, 30),
            crate::util::thousands(t.distinct),
            p.picked.len()
        ),
        Some(Ok(t)) => format!(
            "frequency \"{}\" · {} distinct",
            cut(&p.column, 30),
            crate::util::thousands(t.distinct)
        ),
        _ => format!("frequency \"{}\"", cut(&p.column, 30)),
    };
    let inner = frame_box(frame, popup, &title);
    let body = above_footer(inner);
    let w = body.width as usize;
    let mut lines = vec![Line::styled(cut(&p.source, w), hint())];
    match &p.table {
        None => lines.push(Line::raw("counting the values…")),
        Some(Err(e)) => lines.push(Line::styled(
            format!("could not count the values: {e}"),
            Style::default().fg(Color::Red),
        )),
        Some(Ok(t)) => {
            let note = if t.values.iter().any(|v| v.kind == Kind::Missing) {
                " (missing values are listed, not counted as a value)"
            } else {
                ""
            };
            lines.push(Line::styled(
                cut(
                    &format!(
                        "{} distinct value(s) in {} rows{note}",
                        crate::util::thousands(t.distinct),
                        crate::util::thousands(t.rows)
                    ),
                    w,
                ),
                hint(),
            ));
            let rows = (body.height as usize).saturating_sub(lines.len() + 1);
            let start = list_start(p.selected, rows);
            let max = t.values.first().map_or(1, |v| v.count.max(1));
            let count_w = crate::util::thousands(max).len().max(5);
            let bar_w = BAR.min(w / 4);
            let label_w = w.saturating_sub(4 + count_w + 8 + bar_w + 2).max(6);
            for (i, v) in t.values.iter().enumerate().skip(start).take(rows) {
                let sel = i == p.selected;
                let mark = if p.picked.contains(&i) {
                    "[x] "
                } else {
                    "[ ] "
                };
                let share = v.count as f64 / t.rows.max(1) as f64 * 100.0;
                let cells = ((v.count as f64 / max as f64) * bar_w as f64).round() as usize;
                let cells = cells.max(usize::from(v.count > 0));
                let label = match v.kind {
                    Kind::Missing => "(missing)".to_string(),
                    _ if v.label == "\"\"" => "\"\" (empty text)".to_string(),
                    _ => v.label.clone(),
                };
                let mut style = match v.kind {
                    Kind::Missing => crate::tui::popups::detail::missing(),
                    _ => Style::default(),
                };
                if sel {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                lines.push(Line::from(vec![
                    Span::styled(mark, style),
                    Span::styled(format!("{:<label_w$}", cut(&label, label_w)), style),
                    Span::raw(format!(
                        " {:>count_w$} {:>6.1}% ",
                        crate::util::thousands(v.count),
                        share
                    )),
                    Span::styled("█".repeat(cells), Style::default().fg(Color::Cyan)),
                ]));
            }
        }
    }
    if let Some(n) = &p.note {
        lines.push(Line::styled(n.clone(), Style::default().fg(Color::Yellow)));
    }
    frame.render_widget(Paragraph::new(lines), body);
    footer(
        frame,
        inner,
        "enter filter on the value · space pick several · pgup/pgdn · home/end · esc",
    );
}
