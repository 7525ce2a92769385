//! Text editing: a one-line field and a small multi-line editor (for DQDL).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// A one-line text field with a cursor (a char index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

impl LineInput {
    pub fn new(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = text.chars().count();
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn at_end(&self) -> bool {
        self.cursor == self.text.chars().count()
    }

    fn byte(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    pub fn insert(&mut self, c: char) {
        let b = self.byte(self.cursor);
        self.text.insert(b, c);
        self.cursor += 1;
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    /// Edit with a key typed into the field. Returns whether the text changed.
    pub fn handle(&mut self, e: &KeyEvent) -> bool {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        match e.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.chars().count(),
            KeyCode::Char('u') if ctrl => {
                let b = self.byte(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
                return true;
            }
            KeyCode::Char('k') if ctrl => {
                let b = self.byte(self.cursor);
                self.text.truncate(b);
                return true;
            }
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut i = self.cursor;
                while i > 0 && chars[i - 1] == ' ' {
                    i -= 1;
                }
                while i > 0 && chars[i - 1] != ' ' {
                    i -= 1;
                }
                let (a, b) = (self.byte(i), self.byte(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = i;
                return a != b;
            }
            KeyCode::Char(c) if !ctrl => {
                self.insert(c);
                return true;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let b = self.byte(self.cursor);
                self.text.remove(b);
                return true;
            }
            KeyCode::Delete if self.cursor < self.text.chars().count() => {
                let b = self.byte(self.cursor);
                self.text.remove(b);
                return true;
            }
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.chars().count(),
            _ => {}
        }
        false
    }

    /// The field as a line `width` columns wide, scrolled so the cursor shows; the
    /// cursor is drawn reversed when `focused`. `ghost` is dim text after the end
    /// (a completion).
    pub fn line(&self, width: usize, focused: bool, ghost: &str) -> Line<'static> {
        let chars: Vec<char> = self.text.chars().collect();
        let width = width.max(2);
        let start = (self.cursor + 1).saturating_sub(width);
        let mut spans = Vec::new();
        let before: String = chars[start..self.cursor].iter().collect();
        spans.push(Span::raw(before));
        if focused {
            let at = chars.get(self.cursor).copied().unwrap_or(' ');
            spans.push(Span::styled(
                at.to_string(),
                Style::default().add_modifier(Modifier::REVERSED),
            ));
            if self.cursor < chars.len() {
                let after: String = chars[self.cursor + 1..].iter().collect();
                spans.push(Span::raw(after));
            } else if !ghost.is_empty() {
                spans.push(Span::styled(
                    ghost.to_string(),
                    Style::default().add_modifier(Modifier::DIM),
                ));
            }
        } else {
            let after: String = chars[self.cursor..].iter().collect();
            spans.push(Span::raw(after));
        }
        Line::from(spans)
    }
}

/// A small multi-line editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextArea {
    lines: Vec<String>,
    row: usize,
    col: usize,
}

impl TextArea {
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        TextArea {
            lines,
            row: 0,
            col: 0,
        }
    }

    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// (row, column) of the cursor, 0-based, column in chars.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn goto(&mut self, row: usize, col: usize) {
        self.row = row.min(self.lines.len() - 1);
        self.col = col.min(self.lines[self.row].chars().count());
    }

    fn byte(&self) -> usize {
        let l = &self.lines[self.row];
        l.char_indices().nth(self.col).map_or(l.len(), |(b, _)| b)
    }

    fn line_len(&self) -> usize {
        self.lines[self.row].chars().count()
    }

    pub fn newline(&mut self) {
        let b = self.byte();
        let rest = self.lines[self.row].split_off(b);
        // Keep the indentation of the line.
        let indent: String = self.lines[self.row]
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        self.lines.insert(self.row + 1, format!("{indent}{rest}"));
        self.row += 1;
        self.col = indent.chars().count();
    }

    pub fn up(&mut self) {
        if self.row > 0 {
            self.row -= 1;
            self.col = self.col.min(self.line_len());
        }
    }

    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = self.col.min(self.line_len());
        }
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.line_len();
        }
    }

    pub fn right(&mut self) {
        if self.col < self.line_len() {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    /// Edit with a typed key. Returns whether the text changed.
    pub fn handle(&mut self, e: &KeyEvent) -> bool {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        match e.code {
            KeyCode::Char('a') if ctrl => self.col = 0,
            KeyCode::Char('e') if ctrl => self.col = self.line_len(),
            KeyCode::Char('k') if ctrl => {
                let b = self.byte();
                self.lines[self.row].truncate(b);
                return true;
            }
            KeyCode::Char(c) if !ctrl => {
                let b = self.byte();
                self.lines[self.row].insert(b, c);
                self.col += 1;
                return true;
            }
            KeyCode::Tab => {
                for _ in 0..4 {
                    let b = self.byte();
                    self.lines[self.row].insert(b, ' ');
                    self.col += 1;
                }
                return true;
            }
            KeyCode::Enter => {
                self.newline();
                return true;
            }
            KeyCode::Backspace => {
                if self.col > 0 {
                    self.col -= 1;
                    let b = self.byte();
                    self.lines[self.row].remove(b);
                    return true;
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.line_len();
                    self.lines[self.row].push_str(&line);
                    return true;
                }
            }
            KeyCode::Delete => {
                if self.col < self.line_len() {
                    let b = self.byte();
                    self.lines[self.row].remove(b);
                    return true;
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    self.lines[self.row].push_str(&next);
                    return true;
                }
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.line_len(),
            KeyCode::Up => self.up(),
            KeyCode::Down => self.down(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn line_input_edits_at_the_cursor() {
        let mut i = LineInput::new("ac");
        i.left();
        i.handle(&key(KeyCode::Char('b')));
        assert_eq!(i.text(), "abc");
        i.handle(&key(KeyCode::End));
        i.handle(&key(KeyCode::Backspace));
        assert_eq!(i.text(), "ab");
        i.handle(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn text_area_joins_and_splits_lines() {
        let mut t = TextArea::new("Rules = [\n]");
        t.goto(0, 9);
        t.handle(&key(KeyCode::Enter));
        for c in "IsComplete \"a\"".chars() {
            t.handle(&key(KeyCode::Char(c)));
        }
        assert_eq!(t.text(), "Rules = [\nIsComplete \"a\"\n]\n");
        t.goto(1, 0);
        t.handle(&key(KeyCode::Backspace));
        assert_eq!(t.text(), "Rules = [IsComplete \"a\"\n]\n");
    }
}
