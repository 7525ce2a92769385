//! The cluster view (`C` on a text column): groups of values that look like spellings
//! of one thing, found as `wort cluster` finds them, over the data in view. The user
//! picks the clusters to merge and the value each keeps; Enter opens one `map_values`
//! step with that mapping, whose form previews and applies it as any other step.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Outcome, above_footer, cut, footer, frame_box, hint, typed};
use crate::profile::cluster::{self, Cluster, Method, Options};
use crate::recipe::Step;
use crate::tui::action::Action;
use crate::tui::input::LineInput;

/// The methods, in the order Tab goes through them.
const METHODS: [Method; 4] = [
    Method::Fingerprint,
    Method::Ngram,
    Method::Metaphone,
    Method::Levenshtein,
];

pub struct ClusterPopup {
    pub column: String,
    /// The column's distinct values and their counts in the data in view.
    counts: Vec<(String, u64)>,
    /// Where the values come from ("the 10,000-row sample as of step 2").
    pub source: String,
    pub method: Method,
    pub clusters: Vec<Choice>,
    pub selected: usize,
    /// The value to keep being typed for the selected cluster (`e`).
    pub editing: Option<LineInput>,
    /// Why Enter did nothing.
    pub note: Option<String>,
}

/// One cluster and what the user chose for it.
pub struct Choice {
    pub cluster: Cluster,
    /// Whether it is merged (Space).
    pub merge: bool,
    /// The value its values become: one of them (←→) or typed (`e`).
    pub keep: String,
}

impl ClusterPopup {
    pub fn new(column: String, counts: Vec<(String, u64)>, source: String) -> ClusterPopup {
        let mut p = ClusterPopup {
            column,
            counts,
            source,
            method: Method::Fingerprint,
            clusters: Vec::new(),
            selected: 0,
            editing: None,
            note: None,
        };
        p.recompute();
        p
    }

    /// Cluster again with the current method: every cluster merged, keeping its most
    /// frequent value (what `wort cluster --recipe` writes).
    fn recompute(&mut self) {
        self.clusters = cluster::cluster(&self.counts, self.method, &Options::default())
            .into_iter()
            .map(|c| Choice {
                keep: c.suggested.clone(),
                merge: true,
                cluster: c,
            })
            .collect();
        self.selected = 0;
    }

    fn next_method(&mut self, delta: isize) {
        let i = METHODS.iter().position(|m| *m == self.method).unwrap_or(0) as isize;
        let n = METHODS.len() as isize;
        self.method = METHODS[(i + delta).rem_euclid(n) as usize];
        self.recompute();
    }

    /// Keep the previous or next value of the selected cluster.
    fn cycle_keep(&mut self, delta: isize) {
        let Some(c) = self.clusters.get_mut(self.selected) else {
            return;
        };
        let values = &c.cluster.values;
        let n = values.len() as isize;
        let i = values.iter().position(|(v, _)| *v == c.keep);
        let j = match i {
            Some(i) => (i as isize + delta).rem_euclid(n),
            // A typed value: ← goes to the last value, → to the first.
            None if delta < 0 => n - 1,
            None => 0,
        };
        c.keep = values[j as usize].0.clone();
    }

    /// The `map_values` step merging the chosen clusters, or why there is none.
    pub fn step(&self) -> Result<Step, String> {
        let chosen: Vec<Cluster> = self
            .clusters
            .iter()
            .filter(|c| c.merge)
            .map(|c| Cluster {
                suggested: c.keep.clone(),
                ..c.cluster.clone()
            })
            .collect();
        if chosen.is_empty() {
            return Err("no cluster is picked: Space picks the one under the cursor".into());
        }
        let mut json = cluster::merge_step(&self.column, &chosen);
        json["comment"] = serde_json::Value::from(format!(
            "merge {} cluster{} of spellings ({})",
            chosen.len(),
            if chosen.len() == 1 { "" } else { "s" },
            self.method.name()
        ));
        serde_json::from_value(json).map_err(|e| format!("could not build the step: {e}"))
    }
}

pub fn handle(p: &mut ClusterPopup, action: Action) -> Outcome {
    p.note = None;
    if let Some(input) = &mut p.editing {
        match action {
            Action::Close => p.editing = None,
            Action::Confirm => {
                let text = input.text().to_string();
                if text.is_empty() {
                    p.note = Some("type the value to keep (Esc leaves it as it was)".into());
                } else if let Some(c) = p.clusters.get_mut(p.selected) {
                    c.keep = text;
                    c.merge = true;
                    p.editing = None;
                }
            }
            Action::Input(k) => {
                input.handle(&k);
            }
            Action::Left => input.left(),
            Action::Right => input.right(),
            _ => {}
        }
        return Outcome::Keep;
    }
    if super::list_move(&action, &mut p.selected, p.clusters.len()) {
        return Outcome::Keep;
    }
    match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => return super::open_step(p.step(), &mut p.note),
        Action::Left => p.cycle_keep(-1),
        Action::Right => p.cycle_keep(1),
        Action::NextField => p.next_method(1),
        Action::PrevField => p.next_method(-1),
        a if typed(&a, ' ') => {
            if let Some(c) = p.clusters.get_mut(p.selected) {
                c.merge = !c.merge;
            }
        }
        a if typed(&a, 'a') => {
            let all = p.clusters.iter().all(|c| c.merge);
            for c in &mut p.clusters {
                c.merge = !all;
            }
        }
        a if typed(&a, 'e') => {
            if let Some(c) = p.clusters.get(p.selected) {
                p.editing = Some(LineInput::new(&c.keep));
            }
        }
        _ => {}
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &ClusterPopup) {
    let popup = super::sheet(area);
    let merged = p.clusters.iter().filter(|c| c.merge).count();
    let inner = frame_box(
        frame,
        popup,
        &format!(
            "cluster \"{}\" · {} · {merged} of {} to merge",
            cut(&p.column, 30),
            p.method.name(),
            p.clusters.len()
        ),
    );
    let w = inner.width as usize;
    let mut lines = vec![Line::styled(
        cut(
            &format!(
                "{} distinct values (missing left out) in {}; Tab: another method",
                p.counts.len(),
                p.source
            ),
            w,
        ),
        hint(),
    )];
    if let Some(note) = &p.note {
        lines.push(Line::styled(cut(note, w), Style::default().fg(Color::Red)));
    }
    if p.clusters.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!(
            "no clusters by {}: no two values look like spellings of one thing",
            p.method.name()
        )));
    }
    // The clusters, each a header line and its values; scrolled so that the selected
    // cluster's header is in view.
    let body = above_footer(inner)
        .height
        .saturating_sub(lines.len() as u16) as usize;
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    for (i, c) in p.clusters.iter().enumerate() {
        blocks.push(cluster_lines(p, i, c, w));
    }
    let mut start = 0;
    let mut used: usize = blocks[..p.selected.min(blocks.len())]
        .iter()
        .map(Vec::len)
        .sum();
    let selected_len = blocks.get(p.selected).map_or(1, Vec::len).min(body);
    while start < p.selected && used + selected_len > body {
        used -= blocks[start].len();
        start += 1;
    }
    for b in blocks.into_iter().skip(start) {
        lines.extend(b);
    }
    frame.render_widget(Paragraph::new(lines), above_footer(inner));
    let keys = if p.editing.is_some() {
        "type the value to keep · Enter set · Esc leave as it was"
    } else {
        "Space pick · ←→ value to keep · e type it · a all/none · Tab method · Enter make the step · Esc close"
    };
    footer(frame, inner, &cut(keys, w));
}

/// A cluster: `[x] keep "New York"  ← 4 values, 5 rows`, then its values.
fn cluster_lines<'a>(p: &ClusterPopup, i: usize, c: &Choice, w: usize) -> Vec<Line<'a>> {
    let at = i == p.selected;
    let mark = if c.merge { "[x]" } else { "[ ]" };
    let head = Style::default().add_modifier(Modifier::BOLD);
    let head = if at {
        head.add_modifier(Modifier::REVERSED)
    } else {
        head
    };
    let mut spans = vec![Span::styled(format!("{mark} {:>2}. keep ", i + 1), head)];
    match (&p.editing, at) {
        (Some(input), true) => {
            spans.extend(input.line(w.saturating_sub(20), true, "").spans);
        }
        _ => spans.push(Span::styled(
            format!("{:?}", cut(&c.keep, w.saturating_sub(40))),
            head.fg(Color::Green),
        )),
    }
    spans.push(Span::styled(
        format!(
            "  ({} values, {} rows)",
            c.cluster.values.len(),
            c.cluster.rows
        ),
        hint(),
    ));
    let mut lines = vec![Line::from(spans)];
    let count_width = c
        .cluster
        .values
        .iter()
        .map(|v| v.1.to_string().len())
        .max()
        .unwrap_or(1);
    for (v, n) in &c.cluster.values {
        let kept = *v == c.keep;
        let arrow = if kept || !c.merge { "  " } else { "→ " };
        let style = if kept {
            Style::default().fg(Color::Green)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("       {n:>count_width$}  "), hint()),
            Span::raw(arrow),
            Span::styled(
                cut(&format!("{v:?}"), w.saturating_sub(count_width + 12)),
                style,
            ),
        ]));
    }
    lines
}
