//! `App`: owns the state and the open popup, turns actions into state changes
//! (`update`), carries out what popups answer (`popups::Outcome`), starts background
//! jobs and takes in their results.

use super::history::History;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;

use super::action::{Action, RuleTarget};
use super::frames::{BASE_KEY, FrameCache, FrameKey, step_key};
use super::keymap::{Context, Key, Keymap};
use super::popups::{self, Outcome, Popup};
use super::session::{self, Dirs, Session};
use super::state::*;
use super::views;
use super::worker::{self, Job, JobKind, Msg, Output};
use crate::quality::dqdl::{self, RuleEntry};
use crate::recipe::{self, Recipe};
use crate::source::ReadOptions;

mod editing;
mod grid;
mod jobs;
mod mouse;
mod query;
mod rules;
mod save;
mod search;
mod view_sort;

/// Rows read first, to show something while the sample is drawn.
const PEEK_ROWS: u64 = 500;

/// How to open the workbench.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub inputs: Vec<String>,
    pub read: ReadOptions,
    /// `--recipe`: replayed on the sample, editing continues from it, Ctrl-s writes it.
    pub recipe: Option<PathBuf>,
    /// `--rules`: loaded into the rules panel, Ctrl-s writes it.
    pub rules: Option<PathBuf>,
    pub dirs: Dirs,
    /// The terminal size to start with.
    pub size: (u16, u16),
}

/// The workbench.
pub struct App {
    pub state: State,
    /// The open popup. It reads `state` and answers actions with an `Outcome`;
    /// only `update` changes either.
    pub popup: Option<Popup>,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    next_id: u64,
    dirs: Dirs,
    /// Keeps the input's temporary files alive.
    source: Option<crate::source::Source>,
    /// What the session file holds (recipe, rules), to write it only on change.
    autosaved: Option<(Recipe, String)>,
    /// Generation of the form's preview.
    preview_generation: u64,
}

impl App {
    /// Load the recipe, rules and keymap, and start reading the input.
    pub fn new(opts: OpenOptions) -> anyhow::Result<App> {
        let mut recipe = match &opts.recipe {
            Some(p) if p.exists() => Recipe::load(p)?,
            _ => Recipe::default(),
        };
        if !opts.recipe.as_ref().is_some_and(|p| p.exists()) {
            // The files a join or union names are relative to where the recipe will be
            // saved: `--recipe`, or beside the data.
            let beside_data = std::path::Path::new(opts.inputs.first().map_or("", |s| s.as_str()))
                .with_file_name("recipe.json");
            recipe.files =
                crate::recipe::Files::beside(opts.recipe.as_deref().unwrap_or(&beside_data));
        }
        let rules_text = match &opts.rules {
            Some(p) if p.exists() => std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("cannot read rules {}: {e}", p.display()))?,
            _ => String::new(),
        };
        let mut message = None;
        let keymap = match opts.dirs.keymap_file() {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let (km, warnings) = Keymap::with_overrides(&text);
                if !warnings.is_empty() {
                    message = Some(Message {
                        text: warnings.join("; "),
                        error: true,
                    });
                }
                km
            }
            _ => Keymap::default(),
        };
        let mut rules = RulesState::default();
        rules.set_text(rules_text.clone());
        let (tx, rx) = channel();
        let title = opts.inputs.join(", ");
        let state = State {
            title,
            inputs: opts.inputs.clone(),
            sample: None,
            frames: FrameCache::default(),
            history: History::new(recipe.clone()),
            grid: GridState::default(),
            filter: None,
            view_sort: None,
            query: None,
            query_history: Vec::new(),
            search: SearchState::default(),
            panel: None,
            focus: Focus::Grid,
            panel_scroll: 0,
            peek: None,
            rules,
            profiles: HashMap::new(),
            message,
            jobs: Vec::new(),
            paused: HashSet::new(),
            paths: SavePaths {
                recipe: opts.recipe.clone(),
                rules: opts.rules.clone(),
            },
            saved: (recipe, rules_text),
            keymap,
            size: opts.size,
            quit: false,
            fatal: None,
            quit_after_save: false,
            started: Instant::now(),
        };
        let mut app = App {
            state,
            popup: None,
            tx,
            rx,
            next_id: 1,
            dirs: opts.dirs.clone(),
            source: None,
            autosaved: None,
            preview_generation: 0,
        };
        app.start(
            Job::Open {
                inputs: opts.inputs.clone(),
                options: opts.read.clone(),
            },
            0,
        );
        // Drawing a sample reads the whole input; show the first rows meanwhile.
        let sample = opts.read.sample.unwrap_or(crate::source::Sample::Full);
        if !matches!(sample, crate::source::Sample::First(n) if n <= PEEK_ROWS) {
            let mut peek = opts.read.clone();
            peek.sample = Some(crate::source::Sample::First(PEEK_ROWS));
            app.start(
                Job::Peek {
                    inputs: opts.inputs.clone(),
                    options: peek,
                },
                0,
            );
        }
        Ok(app)
    }

    // -----------------------------------------------------------------------------
    // Input

    /// The keymap context for the current focus.
    pub fn context(&self) -> Context {
        if self.popup.is_some() {
            return Context::Popup;
        }
        match (self.state.focus, self.state.panel) {
            (Focus::Panel, Some(Panel::Recipe)) => Context::Recipe,
            (Focus::Panel, Some(Panel::Rules)) => Context::Rules,
            _ => Context::Grid,
        }
    }

    /// A key from the terminal.
    pub fn handle_key(&mut self, e: KeyEvent) {
        let ctx = self.context();
        let action = match self.state.keymap.action(ctx, &e) {
            Some(a) => Some(a),
            None if ctx == Context::Popup => Some(Action::Input(e)),
            None => None,
        };
        if let Some(a) = action {
            self.update(a);
        }
    }

    /// Press keys written as in keymap files, separated by spaces: `"j j ctrl-s"`.
    pub fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            match Key::parse(k) {
                Ok(key) => self.handle_key(key.to_event()),
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// Type text into the focused field, character by character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let code = ratatui::crossterm::event::KeyCode::Char(c);
            let mods = if c.is_ascii_uppercase() {
                ratatui::crossterm::event::KeyModifiers::SHIFT
            } else {
                ratatui::crossterm::event::KeyModifiers::NONE
            };
            self.handle_key(KeyEvent::new(code, mods));
        }
    }

    /// Draw the whole screen.
    pub fn draw(&self, frame: &mut Frame) {
        views::render(frame, &self.state, self.popup.as_ref());
    }

    pub fn recipe(&self) -> &Recipe {
        self.state.recipe()
    }

    // -----------------------------------------------------------------------------
    // Update

    /// Change the state in response to an action.
    pub fn update(&mut self, action: Action) {
        if let Action::Resize(w, h) = action {
            self.state.size = (w, h);
            self.scroll_into_view();
            return;
        }
        // A message stays until the next key.
        self.state.message = None;
        match self.popup.take() {
            Some(popup) => self.popup_action(popup, action),
            None => self.main_action(action),
        }
        self.after_update();
    }

    /// Give `action` to the open popup (taken out of `self.popup`) and carry out what
    /// it answers: keep it or not, and run the actions it asks for.
    fn popup_action(&mut self, mut popup: Popup, action: Action) {
        let (keep, actions) = match popups::handle(&mut popup, &self.state, action) {
            Outcome::Keep => (true, Vec::new()),
            Outcome::Close => (false, Vec::new()),
            Outcome::Run(actions) => (false, actions),
            Outcome::Apply(actions) => (true, actions),
        };
        if keep {
            self.popup = Some(popup);
        }
        for a in actions {
            self.main_action(a);
        }
        if keep && matches!(self.popup, Some(Popup::Form(_))) {
            self.refresh_form();
        }
    }

    fn main_action(&mut self, action: Action) {
        let s = &mut self.state;
        match action {
            Action::Quit => {
                if s.unsaved() {
                    self.popup = Some(Popup::Quit);
                } else {
                    self.quit_clean();
                }
            }
            Action::Help => self.popup = Some(Popup::Help(popups::help::HelpPopup::default())),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Save => self.save(),
            Action::Palette => {
                self.popup = Some(Popup::Palette(popups::palette::PalettePopup::new(
                    &s.keymap,
                )))
            }
            Action::Search => {
                self.popup = Some(Popup::Search(crate::tui::input::LineInput::new(
                    &s.search.needle,
                )))
            }
            Action::SearchNext => self.search_step(true),
            Action::SearchPrev => self.search_step(false),
            Action::Up => self.vertical(-1),
            Action::Down => self.vertical(1),
            Action::PageUp => {
                let page = self.page() as isize;
                self.vertical(-page)
            }
            Action::PageDown => {
                let page = self.page() as isize;
                self.vertical(page)
            }
            Action::Top => self.vertical(isize::MIN / 2),
            Action::Bottom => self.vertical(isize::MAX / 2),
            Action::Left => self.horizontal(-1),
            Action::Right => self.horizontal(1),
            Action::FirstColumn => self.horizontal(isize::MIN / 2),
            Action::LastColumn => self.horizontal(isize::MAX / 2),
            Action::JumpColumn => {
                if let Some((f, _)) = s.displayed() {
                    let names = f.columns.iter().map(|c| c.name.clone()).collect();
                    self.popup = Some(Popup::Jump(popups::jump::JumpPopup::new(names)));
                }
            }
            Action::SortAscending => self.sort_view(false),
            Action::SortDescending => self.sort_view(true),
            Action::RecordSort => self.record_view_sort(),
            Action::Frequency => self.open_frequency(),
            Action::Query => self.open_query(),
            Action::RunQuery(sql) => self.run_query(sql),
            Action::KeepQuery(sql) => self.keep_query(sql),
            Action::ToggleFreeze => {
                s.grid.frozen = !s.grid.frozen;
                s.message = Some(info(if s.grid.frozen {
                    "first column frozen"
                } else {
                    "first column scrolls"
                }));
                self.scroll_into_view();
            }
            Action::CellDetail => {
                if s.focus == Focus::Panel && s.panel == Some(Panel::Recipe) {
                    self.edit_step();
                } else if s.displayed().is_some_and(|(f, _)| f.height() > 0) {
                    self.popup = Some(Popup::Detail(popups::detail::DetailPopup::default()));
                }
            }
            Action::TransformMenu => {
                self.popup = Some(Popup::Menu(popups::menu::MenuPopup::default()));
            }
            Action::OpenStep(name) => self.open_form(&name, None),
            Action::ClusterColumn => self.open_cluster(),
            Action::OpenFilledStep(step) => self.open_filled_form(*step),
            Action::ToggleProfile => self.toggle_panel(Panel::Profile),
            Action::HtmlProfile => self.write_html_profile(),
            Action::ToggleDataset => self.toggle_panel(Panel::Dataset),
            Action::ToggleRecipe => self.toggle_panel(Panel::Recipe),
            Action::ToggleRules => self.toggle_panel(Panel::Rules),
            Action::FocusNext => {
                if s.panel.is_some() {
                    s.focus = match s.focus {
                        Focus::Grid => Focus::Panel,
                        Focus::Panel => Focus::Grid,
                    };
                }
            }
            Action::Cancel => self.cancel(),
            Action::EditStep => self.edit_step(),
            Action::ToggleStep => self.toggle_step(),
            Action::DeleteStep => self.delete_step(),
            Action::MoveStepUp => self.move_step(-1),
            Action::MoveStepDown => self.move_step(1),
            Action::AcceptRule => self.accept_rule(),
            Action::AcceptAllRules => self.accept_all_rules(),
            Action::RejectRule => self.reject_rule(),
            Action::EditRule => self.edit_rule(),
            Action::EditRules => {
                self.popup = Some(Popup::Rules(popups::rules_editor::RulesEditor::new(
                    &s.rules.text,
                )))
            }
            Action::DeleteRule => self.delete_rule(),
            Action::FilterFailing => self.filter_failing(),
            Action::FixRule => self.fix_rule(),
            Action::SuggestRules => self.suggest_rules(),
            // What popups ask for (`popups::Outcome`).
            Action::JumpToColumn(i) => self.jump_to_column(i),
            Action::ApplyForm => self.apply_open_form(),
            Action::RunSearch(needle) => self.run_search(needle),
            Action::QuitWithoutSaving => self.quit_clean(),
            Action::SaveAndQuit => {
                s.quit_after_save = true;
                self.save();
            }
            Action::SaveTo { recipe, rules } => self.save_to(recipe, rules),
            Action::CancelSave => s.quit_after_save = false,
            Action::RestoreSession(sess) => self.restore(*sess),
            Action::DiscardSession => self.discard_session(),
            Action::LoadSaved(saved) => self.load_saved(*saved),
            Action::SetRulesText(text) => s.rules.set_text(text),
            Action::SaveRule {
                target,
                entry,
                text,
            } => self.save_rule(target, *entry, &text),
            Action::Confirm
            | Action::Close
            | Action::NextField
            | Action::PrevField
            | Action::Input(_)
            | Action::Resize(..) => {}
        }
    }

    /// After every action: keep the cursor in range, start the jobs the view needs,
    /// autosave.
    fn after_update(&mut self) {
        self.refresh_query();
        self.refresh_view_sort();
        self.clamp_cursor();
        self.scroll_into_view();
        self.ensure_jobs();
        self.autosave();
    }

    pub(super) fn quit_clean(&mut self) {
        if let Some(p) = self.dirs.session_file(&self.state.inputs) {
            session::remove(&p);
        }
        self.autosaved = None;
        self.state.quit = true;
    }
}

fn clamp_add(v: usize, delta: isize, max: usize) -> usize {
    (v as isize).saturating_add(delta).clamp(0, max as isize) as usize
}

pub fn info(text: &str) -> Message {
    Message {
        text: text.to_string(),
        error: false,
    }
}

pub fn error(text: &str) -> Message {
    Message {
        text: text.to_string(),
        error: true,
    }
}

/// "random 10,000 of 10.8M rows".
fn describe_sample(r: &crate::source::SourceReport, height: u64) -> SampleInfo {
    use crate::source::Sample;
    let n = r.sample_rows.or(Some(height));
    let total = r.total_rows;
    let how = match r.sample {
        Sample::First(_) => "first",
        Sample::Last(_) => "last",
        Sample::Random { .. } => "random",
        Sample::Full => "all",
    };
    // A first/last sample that filled up may have stopped reading before the end: the
    // file's size is then unknown, and "all" would be a guess.
    let filled = r.sample.limit().is_some_and(|k| n == Some(k)) && how != "random";
    let description = match (n, total) {
        (Some(n), Some(t)) if n < t => format!("{how} {} of {} rows", human(n), human(t)),
        (Some(n), _) if filled => format!("{how} {} rows", human(n)),
        (Some(n), _) => format!("all {} rows", human(n)),
        (None, Some(t)) => format!("all {} rows", human(t)),
        (None, None) => format!("sample {}", r.sample),
    };
    SampleInfo {
        description,
        summary: r.summary(),
    }
}

/// 10,000 / 10.8M / 1.2B.
pub fn human(n: u64) -> String {
    if n >= 1_000_000_000 {
        format!("{:.1}B", n as f64 / 1e9)
    } else if n >= 1_000_000 {
        format!("{:.1}M", n as f64 / 1e6)
    } else {
        crate::util::thousands(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_counts() {
        assert_eq!(human(10_000), "10,000");
        assert_eq!(human(10_812_345), "10.8M");
    }

    #[test]
    fn clamped_moves() {
        assert_eq!(clamp_add(0, -1, 5), 0);
        assert_eq!(clamp_add(3, isize::MAX / 2, 5), 5);
        assert_eq!(clamp_add(3, 1, 5), 4);
    }
}
