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
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect::new(
        inner.x + 1,
        inner.y + 1,
        inner.width.saturating_sub(1),
        inner.height.saturating_sub(1),
    );
    match panel {
        Panel::Profile => super::profile::render_column(frame, inner, state),
        Panel::Dataset => super::profile::render_dataset(frame, inner, state),
        Panel::Recipe => recipe(frame, inner, state),
        Panel::Rules => rules(frame, inner, state),
    }
}

fn recipe(frame: &mut Frame, area: Rect, state: &State) {
    let r = state.recipe();
    let pos = state.view_pos();
    let keys = state.keys();
    let w = area.width as usize;
    let mut lines = Vec::new();
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
    for (i, s) in r.steps.iter().enumerate() {
        let n = i + 1;
        let mut text = s.op.describe();
        if let Some(w) = &s.condition {
            text.push_str(&format!(" where {w}"));
        }
        lines.push(item(n, text, n > pos, s.disabled));
        if let Some(c) = &s.comment {
            lines.push(Line::styled(
                format!("     # {}", cut(c, w.saturating_sub(7))),
                hint(),
            ));
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

fn rules(frame: &mut Frame, area: Rect, state: &State) {
    let r = &state.rules;
    let key = state.view_key();
    let w = area.width as usize;
    let n_rules = r.ruleset.rules.items.len();
    let mut lines: Vec<Line> = Vec::new();
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
    let entry_line = |i: usize, text: &str| -> Line<'static> {
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
        let room = w.saturating_sub(7 + metric.chars().count() + 1);
        let style = if sel {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        Line::from(vec![
            Span::styled(if sel { "▸" } else { " " }, style),
            outcome_span(res.map(|x| x.outcome)),
            Span::styled(format!("{:<room$}", cut(text, room)), style),
            Span::styled(format!(" {metric}"), hint()),
        ])
    };
    for (i, e) in r.ruleset.rules.items.iter().enumerate() {
        lines.push(entry_line(i, &e.rule.to_string()));
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
            lines.push(entry_line(n_rules + j, &s.text));
        }
    }
    // Details of the selected entry.
    let mut detail: Vec<Line> = Vec::new();
    if state.focus == Focus::Panel && r.selected < r.len() {
        let i = r.selected;
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
    // Keep the selection on screen.
    let sel_line = 1
        + usize::from(r.error.is_some()) * 2
        + r.selected
        + if r.selected >= n_rules && !r.suggestions.is_empty() {
            2
        } else {
            0
        };
    let scroll = (sel_line + 1).saturating_sub(body_h as usize);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll as u16, 0)),
        Rect::new(area.x, area.y, area.width, body_h),
    );
    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: false }),
        Rect::new(area.x, area.y + body_h, area.width, detail_h),
    );
    footer(
        frame,
        area,
        "s suggest · a/x accept/reject · A accept all · e edit · E DQDL · f failing rows · m fix",
    );
}
