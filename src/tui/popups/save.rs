//! Where to save (Ctrl-s when no `--recipe` / `--rules` path is known yet).

use std::path::{Path, PathBuf};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Outcome, footer, frame_box, hint};
use crate::tui::action::Action;
use crate::tui::input::LineInput;
use crate::tui::state::State;

pub struct SavePopup {
    pub recipe: LineInput,
    pub rules: LineInput,
    /// Whether there are rules to save (else only the recipe path is asked).
    pub has_rules: bool,
    pub focus: usize,
    pub problem: Option<String>,
}

impl SavePopup {
    pub fn new(recipe: &Path, rules: &Path, has_rules: bool) -> SavePopup {
        SavePopup {
            recipe: LineInput::new(&recipe.display().to_string()),
            rules: LineInput::new(&rules.display().to_string()),
            has_rules,
            focus: 0,
            problem: None,
        }
    }

    fn field(&mut self) -> &mut LineInput {
        if self.focus == 0 {
            &mut self.recipe
        } else {
            &mut self.rules
        }
    }
}

pub fn handle(p: &mut SavePopup, state: &State, action: Action) -> Outcome {
    let fields = if p.has_rules { 2 } else { 1 };
    match action {
        Action::Close => return Outcome::run(Action::CancelSave),
        Action::NextField | Action::Down => p.focus = (p.focus + 1) % fields,
        Action::PrevField | Action::Up => p.focus = (p.focus + fields - 1) % fields,
        Action::Left => p.field().left(),
        Action::Right => p.field().right(),
        Action::Input(k) => {
            p.field().handle(&k);
        }
        Action::Confirm => {
            // A relative path is taken next to the data file, where the defaults are.
            let base = state
                .default_paths()
                .0
                .parent()
                .map(|d| d.to_path_buf())
                .unwrap_or_default();
            let resolve = |t: &str| {
                let t = PathBuf::from(t.trim());
                if t.as_os_str().is_empty() || t.is_absolute() {
                    t
                } else {
                    base.join(t)
                }
            };
            let recipe = resolve(p.recipe.text());
            let rules = resolve(p.rules.text());
            for (path, what) in [(&recipe, "recipe"), (&rules, "rules")] {
                if what == "rules" && !p.has_rules {
                    continue;
                }
                if path.as_os_str().is_empty() {
                    p.problem = Some(format!("give a path for the {what}"));
                    return Outcome::Keep;
                }
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
                if let Some(d) = dir
                    && !d.is_dir()
                {
                    p.problem = Some(format!("no directory {}", d.display()));
                    return Outcome::Keep;
                }
            }
            if p.has_rules && recipe == rules {
                p.problem = Some("the recipe and the rules need different files".into());
                return Outcome::Keep;
            }
            return Outcome::run(Action::SaveTo {
                recipe,
                rules: p.has_rules.then_some(rules),
            });
        }
        _ => {}
    }
    Outcome::Keep
}

pub fn render(frame: &mut Frame, area: Rect, p: &SavePopup) {
    let popup = super::centered(area, area.width.saturating_sub(8).clamp(40, 90), 9);
    let inner = frame_box(frame, popup, "save");
    let w = inner.width as usize;
    let field = |label: &str, input: &LineInput, focused: bool| {
        let style = if focused {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mut spans = vec![Span::styled(format!("{label:<8}"), style)];
        spans.extend(input.line(w.saturating_sub(9), focused, "").spans);
        Line::from(spans)
    };
    let mut lines = vec![
        Line::styled(
            "Save the recipe (JSON, for wort run) and the rules (DQDL, for wort check):",
            hint(),
        ),
        field("recipe", &p.recipe, p.focus == 0),
    ];
    if p.has_rules {
        lines.push(field("rules", &p.rules, p.focus == 1));
    } else {
        lines.push(Line::styled("rules   (none yet)", hint()));
    }
    if let Some(e) = &p.problem {
        lines.push(Line::styled(e.clone(), Style::default().fg(Color::Red)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    footer(frame, inner, "Enter save · Tab next field · Esc cancel");
}
