//! The status bar (file, sample, step n of m, focused column, running work) and the
//! message line below it (last message or error, the search prompt, or key hints).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::popups::{Popup, cut, prompts};
use crate::tui::state::State;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn render(frame: &mut Frame, status: Rect, hint: Rect, state: &State, popup: Option<&Popup>) {
    let bar = Style::default().bg(Color::Indexed(236)).fg(Color::White);
    let w = status.width as usize;
    let mut left: Vec<Span> = Vec::new();
    left.push(Span::styled(
        format!(" {} ", cut(&state.title, 40)),
        bar.add_modifier(Modifier::BOLD),
    ));
    if let Some(s) = &state.sample {
        left.push(Span::styled(format!("│ {} ", s.description), bar));
    } else if let Some(p) = &state.peek {
        left.push(Span::styled(
            format!("│ first {} rows while the sample is read ", p.height()),
            bar.fg(Color::Yellow),
        ));
    }
    let n = state.recipe().steps.len();
    let pos = state.view_pos();
    let shown = state.view_frame().map(|(_, i)| i);
    let step = match shown {
        Some(i) if i < pos => {
            let why = if state.step_error().is_some() {
                "failed"
            } else if state.running(crate::tui::worker::JobKind::Apply).is_some() {
                "computing"
            } else {
                "cancelled"
            };
            format!("│ step {i} of {n} (step {pos} {why}) ")
        }
        _ => format!("│ step {pos} of {n} "),
    };
    // The rows in view, when steps changed how many there are.
    let step = match (
        state.view_frame(),
        state.frames.peek(crate::tui::frames::BASE_KEY),
    ) {
        (Some((f, _)), Some(base)) if f.height() != base.height() => format!(
            "{}· {} rows ",
            step,
            crate::util::thousands(f.height() as u64)
        ),
        _ => step,
    };
    left.push(Span::styled(step, bar));
    if let Some(filter) = &state.filter
        && filter.key == state.view_key()
    {
        left.push(Span::styled(
            format!(
                "│ {} rows failing {} ",
                filter.rows.len(),
                cut(&filter.label, 30)
            ),
            bar.fg(Color::Yellow),
        ));
    }
    if let (Some(q), Some(r)) = (&state.query, state.query_result()) {
        left.push(Span::styled(
            format!(
                "│ query result, {} rows (not a step): {} ",
                crate::util::thousands(r.height() as u64),
                cut(&q.sql, 40)
            ),
            bar.fg(Color::Yellow),
        ));
    }
    if let (Some(v), Some(_)) = (&state.view_sort, state.sorted_view()) {
        left.push(Span::styled(
            format!("│ view sorted by {} {} (not a step) ", v.column, v.arrow()),
            bar.fg(Color::Yellow),
        ));
    }
    if let Some((f, _)) = state.displayed()
        && let Some(c) = f.columns.get(state.grid.col)
    {
        let rows = f.height().max(1) as f64;
        let missing = c.nulls + c.empties;
        let mut text = format!(
            "│ {} {}: {} missing ({:.1}%)",
            c.name,
            c.badge(),
            crate::util::thousands(missing),
            missing as f64 / rows * 100.0
        );
        if let Some(d) = c.distinct {
            text.push_str(&format!(", {} distinct", crate::util::thousands(d)));
        }
        text.push(' ');
        left.push(Span::styled(text, bar.fg(Color::Gray)));
    }
    // Right side: running work, or unsaved changes.
    let right = if let Some(j) = state.jobs.first() {
        let ms = j.started.elapsed().as_millis() as usize;
        let spin = SPINNER[(ms / 80) % SPINNER.len()];
        let what = j
            .progress
            .clone()
            .unwrap_or_else(|| j.kind.label().to_string());
        Span::styled(
            format!(" {spin} {what}… Esc cancels "),
            bar.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )
    } else if state.unsaved() {
        Span::styled(" ● unsaved ", bar.fg(Color::Yellow))
    } else {
        Span::styled(" ", bar)
    };
    let right_w = right.content.chars().count();
    let mut used = 0;
    let mut spans = Vec::new();
    for s in left {
        let len = s.content.chars().count();
        if used + len + right_w > w {
            let room = w.saturating_sub(used + right_w);
            if room > 1 {
                spans.push(Span::styled(cut(&s.content, room), s.style));
                used += room;
            }
            break;
        }
        used += len;
        spans.push(s);
    }
    spans.push(Span::styled(
        " ".repeat(w.saturating_sub(used + right_w)),
        bar,
    ));
    spans.push(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), status);

    // The line below.
    let line = if let Some(Popup::Search(input)) = popup {
        prompts::search_line(input, w)
    } else if let Some(m) = &state.message {
        let style = if m.error {
            Style::default().fg(Color::Red)
        } else {
            Style::default()
        };
        Line::styled(cut(&m.text, w), style)
    } else {
        hints(state, w)
    };
    frame.render_widget(Paragraph::new(line), hint);
}

/// Key hints for the current focus.
fn hints(state: &State, width: usize) -> Line<'static> {
    let km = &state.keymap;
    let ctx = match (state.focus, state.panel) {
        (crate::tui::state::Focus::Panel, Some(crate::tui::state::Panel::Recipe)) => {
            Context::Recipe
        }
        (crate::tui::state::Focus::Panel, Some(crate::tui::state::Panel::Rules)) => Context::Rules,
        _ => Context::Grid,
    };
    let mut items: Vec<(Action, &str)> = vec![
        (Action::Help, "help"),
        (Action::Palette, "palette"),
        (Action::TransformMenu, "transform"),
    ];
    match ctx {
        Context::Recipe => items.extend([
            (Action::EditStep, "edit"),
            (Action::ToggleStep, "disable"),
            (Action::DeleteStep, "delete"),
            (Action::MoveStepUp, "move up"),
            (Action::MoveStepDown, "down"),
        ]),
        Context::Rules => items.extend([
            (Action::SuggestRules, "suggest"),
            (Action::AcceptRule, "accept"),
            (Action::RejectRule, "reject"),
            (Action::EditRule, "edit"),
            (Action::EditRules, "DQDL"),
            (Action::FilterFailing, "failing rows"),
            (Action::FixRule, "fix"),
        ]),
        _ => items.extend([
            (Action::ToggleProfile, "profile"),
            (Action::ToggleRecipe, "recipe"),
            (Action::ToggleRules, "rules"),
            (Action::JumpColumn, "column"),
            (Action::Search, "search"),
        ]),
    }
    items.extend([
        (Action::Undo, "undo"),
        (Action::Save, "save"),
        (Action::Quit, "quit"),
    ]);
    let key_style = Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD);
    let mut spans = Vec::new();
    let mut used = 0;
    for (a, label) in items {
        let Some(k) = km.key_for(ctx, &a) else {
            continue;
        };
        let k = k.to_string();
        let len = k.chars().count() + label.len() + 3;
        if used + len > width {
            break;
        }
        used += len;
        spans.push(Span::styled(format!(" {k}"), key_style));
        spans.push(Span::styled(
            format!(" {label} "),
            Style::default().fg(Color::DarkGray),
        ));
    }
    Line::from(spans)
}
