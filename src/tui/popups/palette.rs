//! The command palette (`:`): every recipe step and every command, fuzzy-matched.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Outcome, cut, filter_line, footer, frame_box, hint, list_nav, list_start};
use crate::tui::action::Action;
use crate::tui::fuzzy;
use crate::tui::input::LineInput;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::steps;

/// What an entry does.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    Step(String),
    Command(Action),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub detail: String,
    pub kind: EntryKind,
    haystack: String,
}

pub struct PalettePopup {
    pub input: LineInput,
    pub entries: Vec<Entry>,
    /// Indexes into `entries`, best match first.
    pub matches: Vec<usize>,
    pub selected: usize,
}

impl PalettePopup {
    pub fn new(keymap: &Keymap) -> PalettePopup {
        let mut entries = Vec::new();
        for s in steps::catalogue() {
            entries.push(Entry {
                name: s.name.clone(),
                detail: format!("step · {} · {}", s.category, s.summary),
                kind: EntryKind::Step(s.name.clone()),
                haystack: format!("{} {} {}", s.name, s.category, s.summary),
            });
        }
        for a in Action::ALL.iter().filter(|a| a.in_palette()) {
            let key = keymap
                .key_for(Context::Grid, a)
                .or_else(|| keymap.key_for(Context::Recipe, a))
                .or_else(|| keymap.key_for(Context::Rules, a))
                .map(|k| format!(" ({k})"))
                .unwrap_or_default();
            entries.push(Entry {
                name: a.name().to_string(),
                detail: format!("command · {}{key}", a.doc()),
                kind: EntryKind::Command(a.clone()),
                haystack: format!("{} {}", a.name(), a.doc()),
            });
        }
        let mut p = PalettePopup {
            input: LineInput::default(),
            matches: Vec::new(),
            entries,
            selected: 0,
        };
        p.refilter();
        p
    }

    fn refilter(&mut self) {
        let needle = self.input.text();
        // Names first, fuzzy; then entries whose description holds every word typed
        // (a fuzzy match over long descriptions finds letters anywhere: "pivot" in
        // "mask the text with a private key").
        let names: Vec<&str> = self.entries.iter().map(|e| e.name.as_str()).collect();
        let mut order = fuzzy::rank(needle, &names);
        let words: Vec<String> = needle.split_whitespace().map(str::to_lowercase).collect();
        for (i, e) in self.entries.iter().enumerate() {
            let hay = e.haystack.to_lowercase();
            if !words.is_empty() && words.iter().all(|w| hay.contains(w)) && !order.contains(&i) {
                order.push(i);
            }
        }
        self.matches = order;
        self.selected = 0;
    }
}

pub fn handle(p: &mut PalettePopup, action: Action) -> Outcome {
    match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => {
            let Some(e) = p.matches.get(p.selected).map(|i| p.entries[*i].clone()) else {
                return Outcome::Keep;
            };
            return Outcome::run(match e.kind {
                EntryKind::Step(name) => Action::OpenStep(name),
                EntryKind::Command(a) => a,
            });
        }
        Action::Input(k) if p.input.handle(&k) => p.refilter(),
        a => {
            list_nav(&a, &mut p.selected, p.matches.len(), &mut p.input);
        }
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &PalettePopup) {
    let width = area.width.saturating_sub(8).clamp(30, 90);
    let height = area.height.saturating_sub(6).clamp(6, 22);
    let popup = Rect::new(
        area.x + (area.width.saturating_sub(width)) / 2,
        area.y + 2.min(area.height.saturating_sub(height)),
        width,
        height,
    );
    let inner = frame_box(frame, popup, "command palette");
    let w = inner.width as usize;
    let mut lines = vec![filter_line(": ", &p.input, w)];
    let rows = inner.height.saturating_sub(2) as usize;
    let start = list_start(p.selected, rows);
    for (n, i) in p.matches.iter().enumerate().skip(start).take(rows) {
        let e = &p.entries[*i];
        let sel = n == p.selected;
        let style = if sel {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let name_w = 16;
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<name_w$} ", cut(&e.name, name_w)),
                style.add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                cut(&e.detail, w.saturating_sub(name_w + 1)),
                if sel { style } else { hint() },
            ),
        ]));
    }
    if p.matches.is_empty() {
        lines.push(Line::styled("no match", hint()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    footer(
        frame,
        inner,
        &format!(
            "{} of {} · ↑↓ select · Enter run · Esc close",
            p.matches.len(),
            p.entries.len()
        ),
    );
}
