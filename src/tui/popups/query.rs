//! The query pane (`S`): one line of SQL over the data in view, at the bottom of the
//! screen so the grid above shows the result. Enter runs it, ↑/↓ go through the
//! queries of this session, PgUp/PgDn scroll the result, `ctrl-k` keeps it as a `sql`
//! step, Esc closes the pane (the result stays in the grid until Esc again).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Outcome, footer, frame_box, hint};
use crate::tui::action::Action;
use crate::tui::input::LineInput;
use crate::tui::state::State;
use crate::tui::worker::JobKind;

/// What the pane's footer says.
pub const KEYS: &str =
    "Enter run · ↑↓ earlier queries · PgUp/PgDn scroll · ctrl-k keep as a sql step · Esc close";

/// The pane's own state; the session's queries, whether one runs and its result are
/// the app's (`State::query_history`, the running jobs, `State::query_result`).
pub struct QueryPopup {
    pub input: LineInput,
    /// Where ↑/↓ are in the session's queries (their count: the line being typed).
    at: usize,
    /// The line being typed while ↑/↓ show earlier ones.
    typed: String,
    /// Why the last query gave no result.
    pub error: Option<String>,
}

impl QueryPopup {
    /// The pane showing `text`, after the `queries` run so far.
    pub fn new(text: &str, queries: usize) -> QueryPopup {
        QueryPopup {
            input: LineInput::new(text),
            at: queries,
            typed: text.to_string(),
            error: None,
        }
    }

    fn recall(&mut self, history: &[String], delta: isize) {
        if history.is_empty() {
            return;
        }
        if self.at == history.len() {
            self.typed = self.input.text().to_string();
        }
        let at = (self.at as isize + delta).clamp(0, history.len() as isize) as usize;
        self.at = at;
        let text = match history.get(at) {
            Some(q) => q.clone(),
            None => self.typed.clone(),
        };
        self.input.set(&text);
    }
}

pub fn handle(p: &mut QueryPopup, state: &State, action: Action) -> Outcome {
    let history = &state.query_history;
    match action {
        Action::Close => Outcome::Close,
        Action::Confirm => {
            p.error = None;
            Outcome::apply(Action::RunQuery(p.input.text().to_string()))
        }
        Action::Up => {
            p.recall(history, -1);
            Outcome::Keep
        }
        Action::Down => {
            p.recall(history, 1);
            Outcome::Keep
        }
        Action::Left => {
            p.input.left();
            Outcome::Keep
        }
        Action::Right => {
            p.input.right();
            Outcome::Keep
        }
        Action::PageUp | Action::PageDown => Outcome::apply(action),
        Action::Input(k)
            if k.code == KeyCode::Char('k') && k.modifiers.contains(KeyModifiers::CONTROL) =>
        {
            Outcome::run(Action::KeepQuery(p.input.text().to_string()))
        }
        Action::Input(k) => {
            if p.input.handle(&k) {
                p.at = history.len();
            }
            Outcome::Keep
        }
        _ => Outcome::Keep,
    }
}

/// The pane: the bottom rows of `area`, above the status bar.
pub fn render(frame: &mut Frame, area: Rect, p: &QueryPopup, state: &State) {
    let width = area.width;
    let text_w = width.saturating_sub(2) as usize;
    let error_lines = p
        .error
        .as_deref()
        .map(|e| textwrap::wrap(e, text_w.max(1)).len() as u16)
        .unwrap_or(0);
    // Box, input, state or error, footer; above the status and hint lines.
    let height = (4 + error_lines.max(1)).min(area.height.saturating_sub(2));
    let y = area.y + area.height.saturating_sub(height + 2);
    let pane = Rect::new(area.x, y, width, height);
    let inner = frame_box(frame, pane, "query · SELECT … FROM data (the data in view)");
    let mut lines = vec![{
        let mut spans = vec![Span::styled("SQL ", Style::default().fg(Color::Cyan))];
        spans.extend(p.input.line(text_w.saturating_sub(4), true, "").spans);
        Line::from(spans)
    }];
    let running = state.running(JobKind::Query).is_some();
    let shape = state.query_result().map(|r| shape(r));
    match (&p.error, running, &shape) {
        (Some(e), _, _) => lines.push(Line::styled(
            e.clone(),
            Style::default().fg(Color::Red),
        )),
        (None, true, _) => lines.push(Line::styled("running…", hint())),
        (None, false, Some(s)) => lines.push(Line::styled(
            format!("result: {s}, shown in the grid (not a step)"),
            Style::default().fg(Color::Green),
        )),
        (None, false, None) => lines.push(Line::styled(
            "the table is data: the rows as of the step in view; names with spaces in double quotes",
            hint(),
        )),
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        super::above_footer(inner),
    );
    footer(frame, inner, KEYS);
}

/// "3 rows × 2 columns".
pub fn shape(f: &crate::tui::frames::FrameInfo) -> String {
    format!(
        "{} × {}",
        crate::util::count_of(f.height() as u64, "row", "rows"),
        crate::util::count_of(f.columns.len() as u64, "column", "columns")
    )
}
