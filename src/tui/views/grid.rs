//! The grid: a frozen two-line header (name; type badge and quality bar), row
//! numbers, and only the visible cells. Work per frame is proportional to the screen,
//! not to the sample.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::frames::{Cell, FrameInfo};
use crate::tui::popups::detail::{empty, missing};
use crate::tui::state::{Focus, GridState, State};

/// Header lines above the rows.
pub const HEADER_LINES: usize = 2;

/// Width of the row-number gutter (with its separator).
pub fn gutter_width(f: &FrameInfo, rows: Option<&[u64]>) -> u16 {
    let max = match rows {
        Some(r) => r.iter().copied().max().unwrap_or(1),
        None => f.height() as u64,
    };
    max.max(1).to_string().len() as u16 + 1
}

/// The columns on screen: (column index, x offset, drawn width).
pub fn visible_columns(
    f: &FrameInfo,
    g: &GridState,
    width: u16,
    gutter: u16,
) -> Vec<(usize, u16, u16)> {
    let mut out = Vec::new();
    let mut x = gutter;
    let mut push = |c: usize, x: &mut u16| -> bool {
        if *x >= width {
            return false;
        }
        let w = f.columns[c].width;
        let dw = w.min(width - *x);
        // A sliver of a column says nothing; leave the space empty.
        if dw < w && dw < 4 {
            return false;
        }
        out.push((c, *x, dw));
        *x = x.saturating_add(dw + 1);
        true
    };
    let frozen = g.frozen && f.width() > 1;
    let start = if frozen {
        push(0, &mut x);
        g.left.max(1)
    } else {
        g.left
    };
    for c in start..f.width() {
        if !push(c, &mut x) {
            break;
        }
    }
    out
}

/// Whether column `col` is on screen at its full width.
pub fn fully_visible(f: &FrameInfo, g: &GridState, width: u16, gutter: u16, col: usize) -> bool {
    visible_columns(f, g, width, gutter)
        .iter()
        .any(|(c, _, w)| *c == col && *w >= f.columns[col].width)
}

fn is_numeric(f: &FrameInfo, c: usize) -> bool {
    f.columns[c].dtype.is_primitive_numeric()
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some((f, rows)) = state.displayed() else {
        let text = match &state.fatal {
            Some(e) => e.clone(),
            None => format!("Reading {}…", state.title),
        };
        frame.render_widget(
            Paragraph::new(vec![Line::raw(""), Line::raw(format!("  {text}"))]),
            area,
        );
        return;
    };
    let buf = frame.buffer_mut();
    draw(buf, area, state, &f, rows);
}

fn draw(buf: &mut Buffer, area: Rect, state: &State, f: &FrameInfo, rows: Option<&[u64]>) {
    if area.height < 3 || area.width < 4 {
        return;
    }
    let g = &state.grid;
    let gutter = gutter_width(f, rows);
    let cols = visible_columns(f, g, area.width, gutter);
    let sep = Style::default().fg(Color::DarkGray);
    let head = Style::default().add_modifier(Modifier::BOLD);
    let focus_grid = state.focus == Focus::Grid || state.panel.is_none();
    if f.width() == 0 {
        buf.set_string(area.x + 1, area.y, "(no columns)", head);
        return;
    }
    // Header.
    for &(c, x, w) in &cols {
        let info = &f.columns[c];
        let style = if c == g.col {
            head.fg(Color::Cyan).add_modifier(Modifier::UNDERLINED)
        } else {
            head
        };
        buf.set_stringn(area.x + x, area.y, &info.name, w as usize, style);
        // Badge, then a 4-cell bar of present values, then distinct values.
        let badge = info.badge();
        let y = area.y + 1;
        buf.set_stringn(
            area.x + x,
            y,
            &badge,
            w as usize,
            Style::default().fg(Color::Magenta),
        );
        let bx = badge.len() as u16 + 1;
        if w > bx {
            let rows_n = f.height().max(1) as f64;
            let missing_n = info.nulls + info.empties;
            let present = 1.0 - missing_n as f64 / rows_n;
            let mut full = (present * 4.0).round() as u16;
            if missing_n > 0 && full == 4 {
                full = 3;
            }
            if missing_n < f.height() as u64 && full == 0 {
                full = 1;
            }
            let bar_w = 4.min(w - bx);
            for i in 0..bar_w {
                let (ch, st) = if i < full {
                    ("█", Style::default().fg(Color::Green))
                } else {
                    ("░", Style::default().fg(Color::Red))
                };
                buf.set_string(area.x + x + bx + i, y, ch, st);
            }
            if w > bx + 5
                && let Some(d) = info.distinct
            {
                let text = if d as usize == f.height() && d > 1 {
                    "uniq".to_string()
                } else {
                    compact(d)
                };
                // A cut number would mislead: show it whole or not at all.
                if text.len() <= (w - bx - 5) as usize {
                    buf.set_string(
                        area.x + x + bx + 5,
                        y,
                        &text,
                        Style::default().fg(Color::DarkGray),
                    );
                }
            }
        }
        if x + w < area.width {
            for yy in 0..area.height {
                buf.set_string(area.x + x + w, area.y + yy, "│", sep);
            }
        }
    }
    if gutter > 0 {
        for yy in 0..area.height {
            buf.set_string(area.x + gutter - 1, area.y + yy, "│", sep);
        }
        buf.set_stringn(
            area.x,
            area.y,
            "#",
            gutter as usize - 1,
            Style::default().fg(Color::DarkGray),
        );
    }
    // Rows.
    let page = (area.height as usize).saturating_sub(HEADER_LINES);
    let hits = visible_hits(state);
    let needle = state.search.needle.to_lowercase();
    for (i, r) in (g.top..f.height()).take(page).enumerate() {
        let y = area.y + (HEADER_LINES + i) as u16;
        let row_no = rows
            .and_then(|rs| rs.get(r).copied())
            .unwrap_or(r as u64 + 1);
        let num = row_no.to_string();
        let row_style = if r == g.row {
            Style::default().fg(Color::Yellow)
        } else {
            Style::default().fg(Color::DarkGray)
        };
        let nx = (gutter - 1).saturating_sub(num.len() as u16);
        buf.set_stringn(area.x + nx, y, &num, gutter as usize - 1, row_style);
        for &(c, x, w) in &cols {
            let cell = f.cell(r, c);
            let text = cell.display();
            let mut style = match cell {
                Cell::Missing => missing(),
                Cell::Empty => empty(),
                Cell::Text(_) => Style::default(),
            };
            let hit = !needle.is_empty()
                && hits
                && matches!(&cell, Cell::Text(t) if t.to_lowercase().contains(&needle));
            if hit {
                style = style.bg(Color::Yellow).fg(Color::Black);
            }
            if r == g.row && c == g.col {
                style = if focus_grid {
                    style.add_modifier(Modifier::REVERSED)
                } else {
                    style.add_modifier(Modifier::UNDERLINED)
                };
            }
            let len = text.chars().count();
            let shown: String = if len > w as usize {
                let mut t: String = text.chars().take((w as usize).saturating_sub(1)).collect();
                t.push('…');
                t
            } else {
                text
            };
            let pad = (w as usize).saturating_sub(shown.chars().count());
            let right = is_numeric(f, c) && matches!(cell, Cell::Text(_));
            let xx = area.x + x + if right { pad as u16 } else { 0 };
            if r == g.row && c == g.col {
                // Paint the whole cell so the cursor shows on short values.
                buf.set_stringn(area.x + x, y, " ".repeat(w as usize), w as usize, style);
            }
            buf.set_stringn(xx, y, &shown, w as usize, style);
        }
    }
    if f.height() == 0 {
        buf.set_string(
            area.x + gutter + 1,
            area.y + HEADER_LINES as u16,
            "(no rows)",
            Style::default().fg(Color::DarkGray),
        );
    }
}

/// Whether search highlights apply to the displayed frame.
fn visible_hits(state: &State) -> bool {
    let filtered = state.displayed().is_some_and(|(_, r)| r.is_some());
    state.search.key == Some((state.view_key(), filtered)) && !state.search.hits.is_empty()
}

/// 1234 -> "1.2k".
pub fn compact(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1}M", n as f64 / 1e6)
    } else if n >= 10_000 {
        format!("{}k", n / 1000)
    } else if n >= 1000 {
        format!("{:.1}k", n as f64 / 1e3)
    } else {
        n.to_string()
    }
}
