//! The side panel: profile, dataset, recipe or rules.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::quality::Outcome;
use crate::tui::popups::{above_footer, cut, footer, hint};
use crate::tui::state::{Focus, Panel, State};

pub fn render(frame: &mut Frame, area: Rect, state: &State, panel: Panel) {
    let focused = state.focus == Focus::Panel;
    let title = match panel {
        Panel::Profile => "profile".to_string(),
        Panel::Dataset => "dataset".to_string(),
        Panel::Recipe => format!("recipe · {} steps", state.recipe().steps.len()),
        Panel::Rules => {
            let n = state.rules.ruleset.rules.items.len();
            format!("rules · {n}")
        }
    };
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(if focused {
            Style::default().fg(Color::Cyan)
        } else {
            Style::default().fg(Color::DarkGray)
        })
        .title(Line::styled(
            format!(" {title} "),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    frame.render_widget(block, area);
    let inner = inner(area);
    match panel {
        Panel::Profile => super::profile::render_column(frame, inner, state),
        Panel::Dataset => super::profile::render_dataset(frame, inner, state),
        Panel::Recipe => recipe(frame, inner, state),
        Panel::Rules => rules(frame, inner, state),
    }
}

/// Where a panel draws its content inside `area` (its left border, a margin, the title
/// row).
pub fn inner(area: Rect) -> Rect {
    let inner = Block::default()
        .borders(Borders::LEFT)
        .title(" title ")
        .inner(area);
    Rect::new(
        inner.x + 1,
        inner.y + 1,
        inner.width.saturating_sub(1),
        inner.height.saturating_sub(1),
    )
}

/// The entry drawn at screen position (`x`, `y`) of the panel drawn in `area`: a
/// step position of the recipe panel (0 is the sample), or a rule of the rules
/// panel (rules, then suggestions). For mouse clicks: the same lines the panel draws.
pub fn item_at(state: &State, area: Rect, panel: Panel, x: u16, y: u16) -> Option<usize> {
    let area = inner(area);
    if x < area.x || x >= area.right() || y < area.y {
        return None;
    }
    let row = (y - area.y) as usize;
    match panel {
        Panel::Recipe => {
            let (_, items) = recipe_lines(state, area.width as usize);
            (y < above_footer(area).bottom())
                .then(|| items.get(row).copied().flatten())
                .flatten()
        }
        Panel::Rules => {
            let view = rules_view(state, area);
            (row < view.body_h as usize)
                .then(|| view.items.get(row + view.scroll).copied().flatten())
                .flatten()
        }
        Panel::Profile | Panel::Dataset => None,
    }
}

fn recipe(frame: &mut Frame, area: Rect, state: &State) {
    let (lines, _) = recipe_lines(state, area.width as usize);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        above_footer(area),
    );
    footer(
        frame,
        area,
        "enter edit · space disable · d delete · K/J move",
    );
}

/// The recipe panel's lines, each with the step position it shows (0: the sample).
fn recipe_lines(state: &State, w: usize) -> (Vec<Line<'static>>, Vec<Option<usize>>) {
    let r = state.recipe();
    let pos = state.view_pos();
    let keys = state.keys();
    let mut lines = Vec::new();
    let mut items = Vec::new();
    let rows_at = |i: usize| -> String {
        if let Some(e) = state.frames.error(keys[i]) {
            let _ = e;
            return "✗".into();
        }
        state
            .frames
            .peek(keys[i])
            .map(|f| format!("{} rows", crate::util::thousands(f.height() as u64)))
            .unwrap_or_default()
    };
    let item = |i: usize, text: String, dim: bool, disabled: bool| {
        let sel = i == pos;
        let mut style = Style::default();
        if dim {
            style = style.fg(Color::DarkGray);
        }
        if disabled {
            style = style
                .add_modifier(Modifier::CROSSED_OUT)
                .fg(Color::DarkGray);
        }
        if sel {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let right = rows_at(i);
        let num = format!("{}{:>2} ", if sel { "▸" } else { " " }, i);
        let room = w.saturating_sub(num.len() + right.len() + 1);
        let body = format!("{:<room$}", cut(&text, room));
        Line::from(vec![
            Span::styled(num, style),
            Span::styled(body, style),
            Span::styled(format!(" {right}"), if sel { style } else { hint() }),
        ])
    };
    let base = state
        .frames
        .peek(keys[0])
        .map(|f| format!("the sample: {} columns", f.width()))
        .unwrap_or_else(|| "the sample".into());
    lines.push(item(0, base, false, false));
    items.push(Some(0));
    for (i, s) in r.steps.iter().enumerate() {
        let n = i + 1;
        let mut text = s.op.describe();
        if let Some(w) = &s.condition {
            text.push_str(&format!(" where {w}"));
        }
        lines.push(item(n, text, n > pos, s.disabled));
        items.push(Some(n));
        if let Some(c) = &s.comment {
            lines.push(Line::styled(
                format!("     # {}", cut(c, w.saturating_sub(7))),
                hint(),
            ));
            items.push(Some(n));
        }
    }
    if r.steps.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "No steps yet: t opens the transform menu, : the palette.",
            hint(),
        ));
    } else if pos < r.steps.len() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("The grid shows the data after step {pos}; a new step goes in after it."),
            Style::default().fg(Color::Yellow),
        ));
    }
    if let Some(e) = state.step_error() {
        lines.push(Line::styled(e.clone(), Style::default().fg(Color::Red)));
    }
    (lines, items)
}

fn outcome_span(o: Option<Outcome>) -> Span<'static> {
    match o {
        Some(Outcome::Passed) => Span::styled("PASS ", Style::default().fg(Color::Green)),
        Some(Outcome::Failed) => Span::styled(
            "FAIL ",
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
        Some(Outcome::Error) => Span::styled("ERR  ", Style::default().fg(Color::Magenta)),
        None => Span::styled("…    ", hint()),
    }
}

/// Most lines a rule's text wraps to in the list; the detail lines below the list
/// show the whole text of the selected rule when it is longer.
const RULE_LINES: usize = 3;

/// Where the text of an entry starts in its line (after the selection mark and the
/// outcome).
const RULE_INDENT: usize = 6;

/// The rules panel laid out in `area`: the list's lines with the entry each shows,
/// its scroll, and the detail lines of the selected entry below it.
struct RulesView {
    lines: Vec<Line<'static>>,
    items: Vec<Option<usize>>,
    detail: Vec<Line<'static>>,
    body_h: u16,
    scroll: usize,
}

fn rules(frame: &mut Frame, area: Rect, state: &State) {
    let view = rules_view(state, area);
    let detail_h = area.height.saturating_sub(view.body_h + 1);
    frame.render_widget(
        Paragraph::new(view.lines).scroll((view.scroll as u16, 0)),
        Rect::new(area.x, area.y, area.width, view.body_h),
    );
    frame.render_widget(
        Paragraph::new(view.detail).wrap(Wrap { trim: false }),
        Rect::new(area.x, area.y + view.body_h, area.width, detail_h),
    );
    footer(
        frame,
        area,
        "s suggest · a/x accept/reject · A accept all · e edit · E DQDL · f failing rows · m fix",
    );
}

/// `text` in lines of `first` characters, then `rest`, broken between words (a word
/// longer than a line is cut), at most `max` lines; whether it was cut short.
fn wrap_words(text: &str, first: usize, rest: usize, max: usize) -> (Vec<String>, bool) {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split(' ') {
        let width = if lines.len() == 1 { first } else { rest }.max(1);
        let cur = lines.last_mut().expect("one line at least");
        let len = cur.chars().count();
        if len == 0 || len + 1 + word.chars().count() <= width {
            if len > 0 {
                cur.push(' ');
            }
            cur.push_str(word);
        } else {
            lines.push(word.to_string());
        }
        // A word longer than the line: cut it into pieces.
        while let Some(last) = lines.last()
            && last.chars().count() > if lines.len() == 1 { first } else { rest }.max(1)
        {
            let width = if lines.len() == 1 { first } else { rest }.max(1);
            let last = lines.pop().expect("a line");
            let head: String = last.chars().take(width).collect();
            let tail: String = last.chars().skip(width).collect();
            lines.push(head);
            lines.push(tail);
        }
    }
    let cut_short = lines.len() > max;
    if cut_short {
        lines.truncate(max);
        let width = if max == 1 { first } else { rest };
        if let Some(last) = lines.last_mut() {
            *last = cut(&format!("{last} …"), width);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    (lines, cut_short)
}

fn rules_view(state: &State, area: Rect) -> RulesView {
    let r = &state.rules;
    let key = state.view_key();
    let w = area.width as usize;
    let n_rules = r.ruleset.rules.items.len();
    let mut lines: Vec<Line> = Vec::new();
    let mut items: Vec<Option<usize>> = Vec::new();
    // Which rules were cut short in the list (their whole text goes in the detail).
    let mut cut_short: Vec<usize> = Vec::new();
    // Summary line.
    let results: Vec<Option<Outcome>> = (0..n_rules)
        .map(|i| r.result(key, i).map(|x| x.outcome))
        .collect();
    let passed = results
        .iter()
        .filter(|o| **o == Some(Outcome::Passed))
        .count();
    let failed = results
        .iter()
        .filter(|o| **o == Some(Outcome::Failed))
        .count();
    let errors = results
        .iter()
        .filter(|o| **o == Some(Outcome::Error))
        .count();
    if n_rules > 0 {
        lines.push(Line::from(vec![
            Span::raw(format!("{n_rules} rules on step {}: ", state.view_pos())),
            Span::styled(format!("{passed} pass"), Style::default().fg(Color::Green)),
            Span::raw(", "),
            Span::styled(
                format!("{failed} fail"),
                if failed > 0 {
                    Style::default().fg(Color::Red)
                } else {
                    Style::default()
                },
            ),
            Span::raw(if errors > 0 {
                format!(", {errors} error")
            } else {
                String::new()
            }),
        ]));
    } else {
        lines.push(Line::styled(
            "No rules yet: s suggests rules from the data, E writes DQDL.",
            hint(),
        ));
    }
    if let Some(e) = &r.error {
        lines.push(Line::styled(
            format!(
                "DQDL error at line {}, column {}: {}",
                e.line, e.column, e.message
            ),
            Style::default().fg(Color::Red),
        ));
        lines.push(Line::styled(
            "(showing the last rules that parsed; E to fix)",
            hint(),
        ));
    }
    let entry_lines = |i: usize, text: &str, cut_short: &mut Vec<usize>| -> Vec<Line<'static>> {
        let res = r.result(key, i);
        let sel = i == r.selected && state.focus == Focus::Panel;
        let metric = match res {
            Some(x) if x.outcome == Outcome::Failed && x.failing_rows.is_some() => {
                format!(
                    "{} rows fail",
                    crate::util::thousands(x.failing_rows.unwrap_or(0))
                )
            }
            Some(x) => x
                .metrics
                .iter()
                .next()
                .map(|(k, v)| {
                    let short = k.rsplit('.').next().unwrap_or(k);
                    format!("{short}={}", crate::profile::render::fmt_num(*v))
                })
                .unwrap_or_default(),
            None => String::new(),
        };
        let metric = cut(&metric, 20);
        let room = w.saturating_sub(RULE_INDENT + 1 + metric.chars().count() + 1);
        let rest = w.saturating_sub(RULE_INDENT);
        let style = if sel {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        // At 80 columns a rule is longer than the panel: wrap it, so its column and
        // condition stay readable.
        let (pieces, short) = wrap_words(text, room, rest, RULE_LINES);
        if short {
            cut_short.push(i);
        }
        let mut out = vec![Line::from(vec![
            Span::styled(if sel { "▸" } else { " " }, style),
            outcome_span(res.map(|x| x.outcome)),
            Span::styled(format!("{:<room$}", pieces[0]), style),
            Span::styled(format!(" {metric}"), hint()),
        ])];
        for piece in &pieces[1..] {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(RULE_INDENT)),
                Span::styled(format!("{piece:<rest$}"), style),
            ]));
        }
        out
    };
    let mut push_entry = |i: usize, text: &str, lines: &mut Vec<Line<'static>>| {
        // Headings and blank lines belong to no entry.
        items.resize(lines.len(), None);
        let entry = entry_lines(i, text, &mut cut_short);
        items.extend(std::iter::repeat_n(Some(i), entry.len()));
        lines.extend(entry);
    };
    for (i, e) in r.ruleset.rules.items.iter().enumerate() {
        push_entry(i, &e.rule.to_string(), &mut lines);
    }
    if !r.suggestions.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Suggested ({}): a accept · A all · x reject · e edit",
                r.suggestions.len()
            ),
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ));
        for (j, s) in r.suggestions.iter().enumerate() {
            push_entry(n_rules + j, &s.text, &mut lines);
        }
    }
    // Details of the selected entry.
    items.resize(lines.len(), None);
    let mut detail: Vec<Line> = Vec::new();
    if state.focus == Focus::Panel && r.selected < r.len() {
        let i = r.selected;
        if cut_short.contains(&i) {
            let text = match r.ruleset.rules.items.get(i) {
                Some(e) => e.rule.to_string(),
                None => r.suggestions[i - n_rules].text.clone(),
            };
            detail.push(Line::raw(text));
        }
        if i >= n_rules {
            let s = &r.suggestions[i - n_rules];
            detail.push(Line::styled(format!("why: {}", s.why), hint()));
        }
        if let Some(res) = r.result(key, i) {
            if let Some(m) = &res.message {
                detail.push(Line::styled(
                    m.lines().next().unwrap_or("").to_string(),
                    if res.outcome == Outcome::Passed {
                        hint()
                    } else {
                        Style::default().fg(Color::Red)
                    },
                ));
            }
            for (k, v) in res.metrics.iter().take(3) {
                detail.push(Line::styled(
                    format!("{k} = {}", crate::profile::render::fmt_num(*v)),
                    hint(),
                ));
            }
            if res.failing_rows.unwrap_or(0) > 0 {
                let rows: Vec<String> = res
                    .failing_samples
                    .iter()
                    .map(|f| f.row.to_string())
                    .collect();
                detail.push(Line::styled(
                    format!("failing rows: {} … (f shows them all)", rows.join(", ")),
                    Style::default().fg(Color::Yellow),
                ));
            }
        }
    }
    let detail_h = (detail.len() as u16).min(area.height / 3);
    let body_h = area.height.saturating_sub(detail_h + 1);
    // Keep the selected entry on screen, all its lines when they fit.
    let first = items
        .iter()
        .position(|e| *e == Some(r.selected))
        .unwrap_or(0);
    let last = items
        .iter()
        .rposition(|e| *e == Some(r.selected))
        .unwrap_or(first);
    let mut scroll = (last + 1).saturating_sub(body_h as usize).min(first);
    // Start at an entry, not at the continuation of a wrapped one.
    while scroll > 0
        && scroll < first
        && items[scroll].is_some()
        && items[scroll] == items[scroll - 1]
    {
        scroll += 1;
    }
    RulesView {
        lines,
        items,
        detail,
        body_h,
        scroll,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_wrap_between_words_and_cut_long_words_and_long_rules() {
        let (lines, short) = wrap_words(
            "ColumnValues \"Culmen Depth (mm)\" between 12.2 and 22.4",
            20,
            30,
            3,
        );
        assert_eq!(
            lines,
            [
                "ColumnValues \"Culmen",
                "Depth (mm)\" between 12.2 and",
                "22.4"
            ]
        );
        assert!(!short);
        let (lines, _) = wrap_words("IsComplete \"a_very_long_column_name_indeed\"", 12, 12, 5);
        assert_eq!(
            lines,
            ["IsComplete", "\"a_very_long", "_column_name", "_indeed\""]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 12));
        let (lines, short) = wrap_words("a b c d e f g h", 3, 3, 2);
        assert_eq!(lines, ["a b", "c …"]);
        assert!(short);
    }
}
