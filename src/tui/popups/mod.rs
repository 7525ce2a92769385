//! Popups, one file each: their state, how they handle actions, how they draw.
//!
//! While a popup is open it gets every action; keys without a binding in the popup
//! context arrive as `Action::Input` (typed text). A popup changes only its own
//! fields: its handler reads the state (`&State`, or less) and answers with an
//! [`Outcome`], which `App::update` carries out. The open popup is `App::popup`, not
//! part of `State`, and nothing here can reach `App` or change `State`.

pub mod cluster;
pub mod detail;
pub mod fixes;
pub mod form;
pub mod frequency;
pub mod help;
pub mod jump;
pub mod menu;
pub mod palette;
pub mod prompts;
pub mod query;
pub mod rule_edit;
pub mod rules_editor;
pub mod save;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::action::Action;
use super::input::LineInput;
use super::session::Session;
use super::state::State;

/// The open popup.
pub enum Popup {
    Help(help::HelpPopup),
    Palette(palette::PalettePopup),
    Menu(menu::MenuPopup),
    Form(Box<form::FormPopup>),
    Jump(jump::JumpPopup),
    Detail(detail::DetailPopup),
    Cluster(Box<cluster::ClusterPopup>),
    Fixes(fixes::FixesPopup),
    Frequency(Box<frequency::FrequencyPopup>),
    Query(Box<query::QueryPopup>),
    /// "Quit without saving?"
    Quit,
    Save(save::SavePopup),
    /// "Restore the autosaved session?"
    Restore(Box<Session>),
    /// "Load the recipe and rules saved next to the data?"
    Saved(Box<crate::tui::session::SavedFiles>),
    Rule(rule_edit::RuleEdit),
    Rules(rules_editor::RulesEditor),
    /// The search prompt in the status line.
    Search(LineInput),
}

/// What a popup answers to an action. `App::update` carries it out.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The popup stays open (it may have changed its own fields).
    Keep,
    /// The popup closes.
    Close,
    /// The popup closes, then the actions run in turn, as on the main screen (one
    /// of them may open another popup).
    Run(Vec<Action>),
    /// The popup stays open while the actions run in turn (one of them may close it
    /// or open another).
    Apply(Vec<Action>),
}

impl Outcome {
    /// Close, then run `action`.
    pub fn run(action: Action) -> Outcome {
        Outcome::Run(vec![action])
    }

    /// Stay open and run `action`.
    pub fn apply(action: Action) -> Outcome {
        Outcome::Apply(vec![action])
    }
}

/// Give `action` to `popup`: it changes its own fields and says what is to happen.
pub fn handle(popup: &mut Popup, state: &State, action: Action) -> Outcome {
    match popup {
        Popup::Help(p) => help::handle(p, &action),
        Popup::Palette(p) => palette::handle(p, action),
        Popup::Menu(p) => menu::handle(p, action),
        Popup::Form(p) => form::handle(p, action),
        Popup::Jump(p) => jump::handle(p, action),
        Popup::Detail(p) => detail::handle(p, &action),
        Popup::Cluster(p) => cluster::handle(p, action),
        Popup::Fixes(p) => fixes::handle(p, action),
        Popup::Frequency(p) => frequency::handle(p, action),
        Popup::Query(p) => query::handle(p, state, action),
        Popup::Quit => prompts::quit(&action),
        Popup::Save(p) => save::handle(p, state, action),
        Popup::Restore(s) => prompts::restore(s, &action),
        Popup::Saved(s) => prompts::saved(s, &action),
        Popup::Rule(p) => rule_edit::handle(p, action),
        Popup::Rules(p) => rules_editor::handle(p, action),
        Popup::Search(input) => prompts::search(input, action),
    }
}

/// Draw the open popup over the screen.
pub fn render(frame: &mut Frame, popup: Option<&Popup>, state: &State) {
    let Some(popup) = popup else {
        return;
    };
    let area = frame.area();
    match popup {
        Popup::Help(p) => help::render(frame, area, p, state),
        Popup::Palette(p) => palette::render(frame, area, p),
        Popup::Menu(p) => menu::render(frame, area, p),
        Popup::Form(p) => form::render(frame, area, p),
        Popup::Jump(p) => jump::render(frame, area, p),
        Popup::Detail(p) => detail::render(frame, area, p, state),
        Popup::Cluster(p) => cluster::render(frame, area, p),
        Popup::Fixes(p) => fixes::render(frame, area, p),
        Popup::Frequency(p) => frequency::render(frame, area, p),
        Popup::Query(p) => query::render(frame, area, p, state),
        Popup::Quit => prompts::render_quit(frame, area, state),
        Popup::Save(p) => save::render(frame, area, p),
        Popup::Restore(s) => prompts::render_restore(frame, area, s),
        Popup::Saved(s) => prompts::render_saved(frame, area, s),
        Popup::Rule(p) => rule_edit::render(frame, area, p),
        Popup::Rules(p) => rules_editor::render(frame, area, p, state),
        // Drawn by the status bar.
        Popup::Search(_) => {}
    }
}

/// A rectangle `width` x `height` centred in `area` (clamped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clear `area` and draw a titled frame; returns the inner area.
pub fn frame_box(frame: &mut Frame, area: Rect, title: &str) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(Color::Cyan))
        .title(Line::styled(
            format!(" {title} "),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// The dim hint style.
pub fn hint() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// Whether a typed key is this character (no ctrl).
pub fn typed(action: &Action, c: char) -> bool {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    matches!(action, Action::Input(k) if k.code == KeyCode::Char(c) && !k.modifiers.contains(KeyModifiers::CONTROL))
}

/// Cut a string to `width` characters, with an ellipsis when cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// `area` without its last row (which [`footer`] draws on).
pub fn above_footer(area: Rect) -> Rect {
    Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1))
}

/// Draw a one-line hint (the keys a popup or panel takes) on the last row of `area`.
pub fn footer(frame: &mut Frame, area: Rect, text: &str) {
    frame.render_widget(
        Paragraph::new(Line::styled(text, hint())),
        Rect::new(
            area.x,
            area.y + area.height.saturating_sub(1),
            area.width,
            1,
        ),
    );
}

/// The scroll keys of the read-only popups (help, cell detail): ↑↓ and j/k by a
/// line, PgUp/PgDn by `page` lines. Whether `action` was one of them.
pub fn scroll(offset: &mut u16, action: &Action, page: u16) -> bool {
    match action {
        Action::Down => *offset = offset.saturating_add(1),
        Action::Up => *offset = offset.saturating_sub(1),
        Action::PageDown => *offset = offset.saturating_add(page),
        Action::PageUp => *offset = offset.saturating_sub(page),
        a if typed(a, 'j') => *offset = offset.saturating_add(1),
        a if typed(a, 'k') => *offset = offset.saturating_sub(1),
        _ => return false,
    }
    true
}

/// How far PgUp and PgDn move in a list.
pub const LIST_PAGE: usize = 10;

/// The movement keys of the lists without a filter line (cluster view, frequency
/// sheet): ↑↓ and j/k by one, PgUp/PgDn by [`LIST_PAGE`], Home/End and g/G to the
/// ends of `len` entries. Whether `action` was one of them.
pub fn list_move(action: &Action, selected: &mut usize, len: usize) -> bool {
    use ratatui::crossterm::event::KeyCode;
    let last = len.saturating_sub(1);
    match action {
        Action::Up => *selected = selected.saturating_sub(1),
        Action::Down => *selected = (*selected + 1).min(last),
        Action::PageUp => *selected = selected.saturating_sub(LIST_PAGE),
        Action::PageDown => *selected = (*selected + LIST_PAGE).min(last),
        Action::Input(k) if k.code == KeyCode::Home => *selected = 0,
        Action::Input(k) if k.code == KeyCode::End => *selected = last,
        a if typed(a, 'k') => *selected = selected.saturating_sub(1),
        a if typed(a, 'j') => *selected = (*selected + 1).min(last),
        a if typed(a, 'g') => *selected = 0,
        a if typed(a, 'G') => *selected = last,
        _ => return false,
    }
    true
}

/// Enter in a popup that proposes a step (cluster view, frequency sheet): open the
/// step's form, or stay open with why there is no step in `note`.
pub fn open_step(step: Result<crate::recipe::Step, String>, note: &mut Option<String>) -> Outcome {
    match step {
        Ok(step) => Outcome::run(Action::OpenFilledStep(Box::new(step))),
        Err(why) => {
            *note = Some(why);
            Outcome::Keep
        }
    }
}

/// Where a large popup (cluster view, frequency sheet) goes in `area`: up to 100
/// columns wide, the height less two rows.
pub fn sheet(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).clamp(40, 100);
    let height = area.height.saturating_sub(2).max(8);
    centered(area, width, height)
}

/// The movement keys of the fuzzy-filtered lists (palette, column jump): ↑↓ (and
/// Tab) move the selection among `len` matches, ←→ move the cursor in the filter.
/// Whether `action` was one of them.
pub fn list_nav(action: &Action, selected: &mut usize, len: usize, input: &mut LineInput) -> bool {
    match action {
        Action::Up | Action::PrevField => *selected = selected.saturating_sub(1),
        Action::Down | Action::NextField => *selected = (*selected + 1).min(len.saturating_sub(1)),
        Action::PageUp => *selected = selected.saturating_sub(LIST_PAGE),
        Action::PageDown => *selected = (*selected + LIST_PAGE).min(len.saturating_sub(1)),
        Action::Left => input.left(),
        Action::Right => input.right(),
        _ => return false,
    }
    true
}

/// The filter line of a fuzzy-filtered list: a cyan `prompt`, then the input, in `width` columns.
pub fn filter_line(prompt: &'static str, input: &LineInput, width: usize) -> Line<'static> {
    let mut spans = vec![Span::styled(prompt, Style::default().fg(Color::Cyan))];
    spans.extend(input.line(width.saturating_sub(2), true, "").spans);
    Line::from(spans)
}

/// The first match to show so that `selected` is visible in `rows` rows.
pub fn list_start(selected: usize, rows: usize) -> usize {
    selected.saturating_sub(rows.saturating_sub(1))
}
