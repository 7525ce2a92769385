//! The keymap: which key means which [`Action`], by context.
//!
//! The defaults are one table ([`DEFAULTS`]); the help screen and the README's keymap
//! table are generated from it, so neither can go stale. A user can add or change
//! bindings in `keymap.toml` in the config directory:
//!
//! ```toml
//! [global]
//! "ctrl-d" = "page_down"
//! [recipe]
//! "x" = "delete_step"
//! "d" = "none"          # unbind
//! ```
//!
//! The fixed keys (`q ? u ctrl-r ctrl-s : /`, arrows, `h j k l`) and the popup keys
//! cannot be rebound, so scripts and muscle memory keep working.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// Everywhere except inside popups.
    Global,
    /// The grid has the focus.
    Grid,
    /// The recipe panel has the focus.
    Recipe,
    /// The rules panel has the focus.
    Rules,
    /// A popup or form is open: these keys are fixed; every other key is typed.
    Popup,
}

impl Context {
    pub const ALL: [Context; 5] = [
        Context::Global,
        Context::Grid,
        Context::Recipe,
        Context::Rules,
        Context::Popup,
    ];

    /// The section name in `keymap.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Grid => "grid",
            Context::Recipe => "recipe",
            Context::Rules => "rules",
            Context::Popup => "popup",
        }
    }

    /// A heading for the help screen and README.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "anywhere",
            Context::Grid => "grid",
            Context::Recipe => "recipe panel",
            Context::Rules => "rules panel",
            Context::Popup => "popups and forms",
        }
    }
}

/// A key with modifiers, as written in keymap files: `q`, `G`, `ctrl-s`, `shift-tab`,
/// `enter`, `esc`, `space`, `pgdn`, `f5`...
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// `KeyCode` restricted to what keymaps name, with an order for stable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum KeyCodeOrd {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

impl Key {
    /// Parse `ctrl-s`, `G`, `?`, `space`, `pgdn`...
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("c-")) {
                ctrl = true;
                rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("m-")) {
                alt = true;
                rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" | "cr" => KeyCodeOrd::Enter,
            "esc" | "escape" => KeyCodeOrd::Esc,
            "tab" if shift => KeyCodeOrd::BackTab,
            "tab" => KeyCodeOrd::Tab,
            "backtab" => KeyCodeOrd::BackTab,
            "backspace" | "bs" => KeyCodeOrd::Backspace,
            "delete" | "del" => KeyCodeOrd::Delete,
            "insert" | "ins" => KeyCodeOrd::Insert,
            "up" => KeyCodeOrd::Up,
            "down" => KeyCodeOrd::Down,
            "left" => KeyCodeOrd::Left,
            "right" => KeyCodeOrd::Right,
            "pgup" | "pageup" => KeyCodeOrd::PageUp,
            "pgdn" | "pagedown" => KeyCodeOrd::PageDown,
            "home" => KeyCodeOrd::Home,
            "end" => KeyCodeOrd::End,
            "space" => KeyCodeOrd::Char(' '),
            "minus" => KeyCodeOrd::Char('-'),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCodeOrd::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        let c = if shift { c.to_ascii_uppercase() } else { c };
                        KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c })
                    }
                    _ => {
                        return Err(format!(
                            "unknown key {text:?} (write keys like q, G, ctrl-s, shift-tab, enter, esc, space, pgdn, f5)"
                        ));
                    }
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The key of a terminal key event (shift folded into the character).
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        let shift = e.modifiers.contains(KeyModifiers::SHIFT);
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab if shift => KeyCodeOrd::BackTab,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Insert => KeyCodeOrd::Insert,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::F(n) => KeyCodeOrd::F(n),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    /// A key event for this key (for tests and scripted input).
    pub fn to_event(self) -> KeyEvent {
        let mut m = KeyModifiers::NONE;
        if self.ctrl {
            m |= KeyModifiers::CONTROL;
        }
        if self.alt {
            m |= KeyModifiers::ALT;
        }
        let code = match self.code {
            KeyCodeOrd::Char(c) => {
                if c.is_ascii_uppercase() {
                    m |= KeyModifiers::SHIFT;
                }
                KeyCode::Char(c)
            }
            KeyCodeOrd::Enter => KeyCode::Enter,
            KeyCodeOrd::Esc => KeyCode::Esc,
            KeyCodeOrd::Tab => KeyCode::Tab,
            KeyCodeOrd::BackTab => {
                m |= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            KeyCodeOrd::Backspace => KeyCode::Backspace,
            KeyCodeOrd::Delete => KeyCode::Delete,
            KeyCodeOrd::Insert => KeyCode::Insert,
            KeyCodeOrd::Up => KeyCode::Up,
            KeyCodeOrd::Down => KeyCode::Down,
            KeyCodeOrd::Left => KeyCode::Left,
            KeyCodeOrd::Right => KeyCode::Right,
            KeyCodeOrd::PageUp => KeyCode::PageUp,
            KeyCodeOrd::PageDown => KeyCode::PageDown,
            KeyCodeOrd::Home => KeyCode::Home,
            KeyCodeOrd::End => KeyCode::End,
            KeyCodeOrd::F(n) => KeyCode::F(n),
        };
        KeyEvent::new(code, m)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::Enter => f.write_str("enter"),
            KeyCodeOrd::Esc => f.write_str("esc"),
            KeyCodeOrd::Tab => f.write_str("tab"),
            KeyCodeOrd::BackTab => f.write_str("shift-tab"),
            KeyCodeOrd::Backspace => f.write_str("backspace"),
            KeyCodeOrd::Delete => f.write_str("delete"),
            KeyCodeOrd::Insert => f.write_str("insert"),
            KeyCodeOrd::Up => f.write_str("up"),
            KeyCodeOrd::Down => f.write_str("down"),
            KeyCodeOrd::Left => f.write_str("left"),
            KeyCodeOrd::Right => f.write_str("right"),
            KeyCodeOrd::PageUp => f.write_str("pgup"),
            KeyCodeOrd::PageDown => f.write_str("pgdn"),
            KeyCodeOrd::Home => f.write_str("home"),
            KeyCodeOrd::End => f.write_str("end"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
        }
    }
}

/// The default bindings, in help order.
pub const DEFAULTS: &[(Context, &str, Action)] = &[
    (Context::Global, "q", Action::Quit),
    (Context::Global, "ctrl-c", Action::Quit),
    (Context::Global, "?", Action::Help),
    (Context::Global, "u", Action::Undo),
    (Context::Global, "ctrl-r", Action::Redo),
    (Context::Global, "ctrl-s", Action::Save),
    (Context::Global, ":", Action::Palette),
    (Context::Global, "/", Action::Search),
    (Context::Global, "n", Action::SearchNext),
    (Context::Global, "N", Action::SearchPrev),
    (Context::Global, "up", Action::Up),
    (Context::Global, "k", Action::Up),
    (Context::Global, "down", Action::Down),
    (Context::Global, "j", Action::Down),
    (Context::Global, "left", Action::Left),
    (Context::Global, "h", Action::Left),
    (Context::Global, "right", Action::Right),
    (Context::Global, "l", Action::Right),
    (Context::Global, "pgup", Action::PageUp),
    (Context::Global, "ctrl-b", Action::PageUp),
    (Context::Global, "pgdn", Action::PageDown),
    (Context::Global, "ctrl-f", Action::PageDown),
    (Context::Global, "g", Action::Top),
    (Context::Global, "G", Action::Bottom),
    (Context::Global, "home", Action::FirstColumn),
    (Context::Global, "0", Action::FirstColumn),
    (Context::Global, "end", Action::LastColumn),
    (Context::Global, "$", Action::LastColumn),
    (Context::Global, "c", Action::JumpColumn),
    (Context::Global, "!", Action::ToggleFreeze),
    (Context::Global, "t", Action::TransformMenu),
    (Context::Global, "C", Action::ClusterColumn),
    (Context::Global, "[", Action::SortAscending),
    (Context::Global, "]", Action::SortDescending),
    (Context::Global, "o", Action::RecordSort),
    (Context::Global, "F", Action::Frequency),
    (Context::Global, "S", Action::Query),
    (Context::Global, "p", Action::ToggleProfile),
    (Context::Global, "P", Action::HtmlProfile),
    (Context::Global, "D", Action::ToggleDataset),
    (Context::Global, "r", Action::ToggleRecipe),
    (Context::Global, "R", Action::ToggleRules),
    (Context::Global, "tab", Action::FocusNext),
    (Context::Global, "esc", Action::Cancel),
    (Context::Grid, "enter", Action::CellDetail),
    (Context::Recipe, "enter", Action::EditStep),
    (Context::Recipe, "space", Action::ToggleStep),
    (Context::Recipe, "d", Action::DeleteStep),
    (Context::Recipe, "delete", Action::DeleteStep),
    (Context::Recipe, "K", Action::MoveStepUp),
    (Context::Recipe, "J", Action::MoveStepDown),
    (Context::Rules, "a", Action::AcceptRule),
    (Context::Rules, "A", Action::AcceptAllRules),
    (Context::Rules, "x", Action::RejectRule),
    (Context::Rules, "e", Action::EditRule),
    (Context::Rules, "enter", Action::EditRule),
    (Context::Rules, "E", Action::EditRules),
    (Context::Rules, "d", Action::DeleteRule),
    (Context::Rules, "delete", Action::DeleteRule),
    (Context::Rules, "f", Action::FilterFailing),
    (Context::Rules, "m", Action::FixRule),
    (Context::Rules, "s", Action::SuggestRules),
    (Context::Popup, "enter", Action::Confirm),
    (Context::Popup, "esc", Action::Close),
    (Context::Popup, "tab", Action::NextField),
    (Context::Popup, "shift-tab", Action::PrevField),
    (Context::Popup, "up", Action::Up),
    (Context::Popup, "down", Action::Down),
    (Context::Popup, "left", Action::Left),
    (Context::Popup, "right", Action::Right),
    (Context::Popup, "pgup", Action::PageUp),
    (Context::Popup, "pgdn", Action::PageDown),
];

/// Keys that no override can rebind.
const FIXED: &[&str] = &[
    "q", "?", "u", "ctrl-r", "ctrl-s", ":", "/", "up", "down", "left", "right", "h", "j", "k", "l",
];

/// A context of the help screen: its actions with their keys.
pub type Section = (Context, Vec<(Vec<Key>, Action)>);

/// The bindings in effect.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: BTreeMap<(Context, Key), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = BTreeMap::new();
        for (ctx, key, action) in DEFAULTS {
            // The table is ours; a typo in it is caught by the tests.
            if let Ok(k) = Key::parse(key) {
                map.insert((*ctx, k), action.clone());
            }
        }
        Keymap { map }
    }
}

impl Keymap {
    /// The action for a key in a context (falling back to the global bindings, except
    /// inside popups, where unbound keys are typed).
    pub fn action(&self, ctx: Context, e: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(e)?;
        if let Some(a) = self.map.get(&(ctx, key)) {
            return Some(a.clone());
        }
        if ctx == Context::Popup {
            return None;
        }
        self.map.get(&(Context::Global, key)).cloned()
    }

    /// The defaults with the overrides of a `keymap.toml` applied. Returns the keymap
    /// and a warning per entry that was not applied.
    pub fn with_overrides(text: &str) -> (Keymap, Vec<String>) {
        let mut km = Keymap::default();
        let mut warnings = Vec::new();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                let msg = e.to_string();
                let first = msg.lines().next().unwrap_or("").to_string();
                return (km, vec![format!("keymap.toml is not valid TOML: {first}")]);
            }
        };
        let fixed: Vec<Key> = FIXED.iter().filter_map(|k| Key::parse(k).ok()).collect();
        for (section, value) in &table {
            let Some(ctx) = Context::ALL
                .into_iter()
                .find(|c| c.name() == section && *c != Context::Popup)
            else {
                warnings.push(format!(
                    "keymap.toml: unknown section [{section}] (use global, grid, recipe or rules)"
                ));
                continue;
            };
            let Some(entries) = value.as_table() else {
                warnings.push(format!("keymap.toml: [{section}] must be a table"));
                continue;
            };
            for (key_text, action) in entries {
                let key = match Key::parse(key_text) {
                    Ok(k) => k,
                    Err(e) => {
                        warnings.push(format!("keymap.toml [{section}]: {e}"));
                        continue;
                    }
                };
                if fixed.contains(&key) {
                    warnings.push(format!(
                        "keymap.toml [{section}]: {key} is a fixed key and cannot be rebound"
                    ));
                    continue;
                }
                let Some(name) = action.as_str() else {
                    warnings.push(format!(
                        "keymap.toml [{section}]: the action for {key} must be a string"
                    ));
                    continue;
                };
                if name == "none" {
                    km.map.remove(&(ctx, key));
                    continue;
                }
                match Action::from_name(name) {
                    Some(a) => {
                        km.map.insert((ctx, key), a);
                    }
                    None => warnings.push(format!(
                        "keymap.toml [{section}]: unknown action {name:?}{}",
                        crate::util::suggestion_suffix(name, Action::ALL.iter().map(|a| a.name()))
                    )),
                }
            }
        }
        (km, warnings)
    }

    /// Bindings grouped for the help screen: per context, per action (in `Action::ALL`
    /// order), the keys that trigger it.
    pub fn sections(&self) -> Vec<Section> {
        let mut out = Vec::new();
        for ctx in Context::ALL {
            let mut rows: Vec<(Vec<Key>, Action)> = Vec::new();
            for a in Action::ALL {
                let keys: Vec<Key> = self
                    .map
                    .iter()
                    .filter(|((c, _), act)| *c == ctx && *act == a)
                    .map(|((_, k), _)| *k)
                    .collect();
                if !keys.is_empty() {
                    rows.push((keys, a.clone()));
                }
            }
            // Keep the order of the defaults within an action (`q` before `ctrl-c`).
            for (keys, _) in &mut rows {
                keys.sort_by_key(|k| {
                    DEFAULTS
                        .iter()
                        .position(|(c, t, _)| *c == ctx && Key::parse(t).ok() == Some(*k))
                        .unwrap_or(usize::MAX)
                });
            }
            if !rows.is_empty() {
                out.push((ctx, rows));
            }
        }
        out
    }

    /// The first key bound to `action` in `ctx` (or globally), for hints.
    pub fn key_for(&self, ctx: Context, action: &Action) -> Option<Key> {
        let find = |c: Context| {
            self.map
                .iter()
                .find(|((cc, _), a)| *cc == c && *a == action)
                .map(|((_, k), _)| *k)
        };
        DEFAULTS
            .iter()
            .filter(|(c, _, a)| (*c == ctx || *c == Context::Global) && a == action)
            .filter_map(|(c, t, _)| {
                let k = Key::parse(t).ok()?;
                (self.map.get(&(*c, k)) == Some(action)).then_some(k)
            })
            .next()
            .or_else(|| find(ctx))
            .or_else(|| find(Context::Global))
    }

    /// The keymap as the Markdown table in README.md.
    pub fn markdown(&self) -> String {
        let mut s = String::from("| Where | Keys | Action | What it does |\n|---|---|---|---|\n");
        for (ctx, rows) in self.sections() {
            for (keys, action) in rows {
                let keys = keys
                    .iter()
                    .map(|k| format!("`{}`", k.to_string().replace('|', "\\|")))
                    .collect::<Vec<_>>()
                    .join(" ");
                s.push_str(&format!(
                    "| {} | {} | `{}` | {} |\n",
                    ctx.title(),
                    keys,
                    action.name(),
                    action.doc()
                ));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses_and_round_trips() {
        for (_, text, _) in DEFAULTS {
            let k = Key::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&k.to_string(), text, "display of {text}");
            assert_eq!(Key::from_event(&k.to_event()), Some(k), "event of {text}");
        }
    }

    #[test]
    fn every_action_has_a_key() {
        let km = Keymap::default();
        for a in Action::ALL {
            assert!(
                km.sections()
                    .iter()
                    .any(|(_, rows)| rows.iter().any(|(_, b)| b == a)),
                "no key for {}",
                a.name()
            );
        }
    }

    #[test]
    fn overrides_apply_and_fixed_keys_stay() {
        let (km, warnings) = Keymap::with_overrides(
            "[global]\n\"ctrl-d\" = \"page_down\"\n\"q\" = \"help\"\n[recipe]\n\"d\" = \"none\"\n\"x\" = \"delete_stepp\"\n[nope]\n",
        );
        let ctrl_d = Key::parse("ctrl-d").unwrap().to_event();
        assert_eq!(km.action(Context::Grid, &ctrl_d), Some(Action::PageDown));
        let q = Key::parse("q").unwrap().to_event();
        assert_eq!(km.action(Context::Grid, &q), Some(Action::Quit));
        let d = Key::parse("d").unwrap().to_event();
        assert_eq!(km.action(Context::Recipe, &d), None);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("did you mean \"delete_step\"")),
            "{warnings:?}"
        );
    }
}
