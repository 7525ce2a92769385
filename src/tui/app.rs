//! `App`: owns the state, turns actions into state changes (`update`), starts
//! background jobs and takes in their results.

use super::history::History;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;

use super::action::Action;
use super::frames::{BASE_KEY, FrameCache, FrameKey, step_key};
use super::keymap::{Context, Key, Keymap};
use super::popups::{self, Popup};
use super::session::{self, Dirs, Session};
use super::state::*;
use super::views;
use super::worker::{self, Job, JobKind, Msg, Output};
use crate::quality::dqdl;
use crate::recipe::{self, Recipe};
use crate::source::ReadOptions;

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
        let recipe = match &opts.recipe {
            Some(p) if p.exists() => Recipe::load(p)?,
            _ => Recipe::default(),
        };
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
            search: SearchState::default(),
            panel: None,
            focus: Focus::Grid,
            panel_scroll: 0,
            peek: None,
            rules,
            profiles: HashMap::new(),
            popup: None,
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
        if self.state.popup.is_some() {
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
        views::render(frame, &self.state);
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
        if self.state.popup.is_some() {
            popups::handle(self, action);
        } else {
            self.main_action(action);
        }
        self.after_update();
    }

    fn main_action(&mut self, action: Action) {
        let s = &mut self.state;
        match action {
            Action::Quit => {
                if s.unsaved() {
                    s.popup = Some(Popup::Quit);
                } else {
                    self.quit_clean();
                }
            }
            Action::Help => s.popup = Some(Popup::Help(popups::help::HelpPopup::default())),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Save => self.save(),
            Action::Palette => {
                s.popup = Some(Popup::Palette(popups::palette::PalettePopup::new(
                    &s.keymap,
                )))
            }
            Action::Search => {
                s.popup = Some(Popup::Search(crate::tui::input::LineInput::new(
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
                    s.popup = Some(Popup::Jump(popups::jump::JumpPopup::new(names)));
                }
            }
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
                    s.popup = Some(Popup::Detail(popups::detail::DetailPopup::default()));
                }
            }
            Action::TransformMenu => {
                s.popup = Some(Popup::Menu(popups::menu::MenuPopup::default()));
            }
            Action::OpenStep(name) => self.open_form(&name, None),
            Action::ToggleProfile => self.toggle_panel(Panel::Profile),
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
                s.popup = Some(Popup::Rules(popups::rules_editor::RulesEditor::new(
                    &s.rules.text,
                    s.rules.error.as_ref(),
                )))
            }
            Action::DeleteRule => self.delete_rule(),
            Action::FilterFailing => self.filter_failing(),
            Action::SuggestRules => self.suggest_rules(),
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

    // -----------------------------------------------------------------------------
    // Grid movement

    /// Rows of data the grid shows.
    pub fn page(&self) -> usize {
        let areas = views::layout(
            ratatui::layout::Rect::new(0, 0, self.state.size.0, self.state.size.1),
            &self.state,
        );
        (areas.grid.height as usize)
            .saturating_sub(views::grid::HEADER_LINES)
            .max(1)
    }

    fn vertical(&mut self, delta: isize) {
        let s = &mut self.state;
        match (s.focus, s.panel) {
            (Focus::Panel, Some(Panel::Recipe)) => {
                let n = s.recipe().steps.len();
                let pos = clamp_add(s.view_pos(), delta, n);
                s.history.current_mut().view = if pos == n { None } else { Some(pos) };
                s.filter = None;
            }
            (Focus::Panel, Some(Panel::Rules)) => {
                let n = s.rules.len();
                if n > 0 {
                    s.rules.selected = clamp_add(s.rules.selected, delta, n - 1);
                }
            }
            (Focus::Panel, Some(_)) => {
                s.panel_scroll = clamp_add(s.panel_scroll, delta, 10_000);
            }
            _ => {
                let height = s.displayed().map_or(0, |(f, _)| f.height());
                if height > 0 {
                    s.grid.row = clamp_add(s.grid.row, delta, height - 1);
                }
            }
        }
    }

    fn horizontal(&mut self, delta: isize) {
        let s = &mut self.state;
        let width = s.displayed().map_or(0, |(f, _)| f.width());
        if width > 0 {
            s.grid.col = clamp_add(s.grid.col, delta, width - 1);
            s.panel_scroll = 0;
        }
    }

    fn clamp_cursor(&mut self) {
        let s = &mut self.state;
        if let Some((f, _)) = s.displayed() {
            s.grid.row = s.grid.row.min(f.height().saturating_sub(1));
            s.grid.col = s.grid.col.min(f.width().saturating_sub(1));
        }
        let n = s.rules.len();
        s.rules.selected = s.rules.selected.min(n.saturating_sub(1));
    }

    /// Scroll so the cursor cell is visible.
    pub(super) fn scroll_into_view(&mut self) {
        let page = self.page();
        let areas = views::layout(
            ratatui::layout::Rect::new(0, 0, self.state.size.0, self.state.size.1),
            &self.state,
        );
        let s = &mut self.state;
        let g = &mut s.grid;
        if g.row < g.top {
            g.top = g.row;
        } else if g.row >= g.top + page {
            g.top = g.row + 1 - page;
        }
        let Some((f, rows)) = s.displayed() else {
            return;
        };
        let gutter = views::grid::gutter_width(&f, rows);
        let g = &mut s.grid;
        let frozen = g.frozen && f.width() > 1;
        let min_left = usize::from(frozen);
        if g.left < min_left {
            g.left = min_left;
        }
        if frozen && g.col == 0 {
            return;
        }
        if g.col < g.left {
            g.left = g.col;
        }
        while g.left < g.col && !views::grid::fully_visible(&f, g, areas.grid.width, gutter, g.col)
        {
            g.left += 1;
        }
    }

    fn toggle_panel(&mut self, panel: Panel) {
        let s = &mut self.state;
        s.paused.clear();
        if s.panel == Some(panel) {
            s.panel = None;
            s.focus = Focus::Grid;
            if panel == Panel::Recipe {
                s.history.current_mut().view = None;
            }
        } else {
            if s.panel == Some(Panel::Recipe) {
                s.history.current_mut().view = None;
            }
            s.panel = Some(panel);
            s.panel_scroll = 0;
            s.focus = match panel {
                Panel::Recipe | Panel::Rules => Focus::Panel,
                _ => Focus::Grid,
            };
        }
        self.scroll_into_view();
    }

    fn cancel(&mut self) {
        let s = &mut self.state;
        if !s.jobs.is_empty() {
            let what: Vec<&str> = s.jobs.iter().map(|j| j.kind.label()).collect();
            s.message = Some(info(&format!(
                "cancelled: {} (toggle the panel or change the data to retry)",
                what.join(", ")
            )));
            for j in s.jobs.drain(..) {
                s.paused.insert((j.kind, j.target));
            }
        } else if !s.search.hits.is_empty() {
            s.search = SearchState::default();
        } else if s.filter.is_some() {
            s.filter = None;
            s.message = Some(info("filter cleared"));
        } else if s.focus == Focus::Panel {
            s.focus = Focus::Grid;
        } else if s.panel.is_some() {
            let p = s.panel;
            if let Some(p) = p {
                self.toggle_panel(p);
            }
        }
    }

    // -----------------------------------------------------------------------------
    // Recipe and history

    /// The schema of the sample.
    pub fn base_schema(&self) -> Option<polars::prelude::Schema> {
        self.state.frames.peek(BASE_KEY).map(|f| f.schema())
    }

    /// Record a new revision of the recipe (dropping the redo tail).
    pub(super) fn commit(&mut self, recipe: Recipe, view: Option<usize>, what: String) {
        let s = &mut self.state;
        s.history.record(recipe, view, what.clone());
        s.filter = None;
        s.paused.clear();
        s.frames.clear_errors();
        s.message = Some(info(&what));
    }

    /// Check a candidate recipe against the sample; the problems, as text.
    pub(super) fn check(&self, recipe: &Recipe) -> Result<(), Vec<String>> {
        let Some(schema) = self.base_schema() else {
            return Err(vec!["the data is still loading".into()]);
        };
        recipe::validate(recipe, &schema)
            .map(|_| ())
            .map_err(|ps| ps.iter().map(|p| p.to_string()).collect())
    }

    fn undo(&mut self) {
        let s = &mut self.state;
        let Some(what) = s.history.undo() else {
            s.message = Some(info("nothing to undo"));
            return;
        };
        s.filter = None;
        s.frames.clear_errors();
        s.message = Some(info(&format!("undid: {what}")));
    }

    fn redo(&mut self) {
        let s = &mut self.state;
        let Some(what) = s.history.redo() else {
            s.message = Some(info("nothing to redo"));
            return;
        };
        s.filter = None;
        s.frames.clear_errors();
        s.message = Some(info(&format!("redid: {what}")));
    }

    /// The selected step in the recipe panel (0-based index), if a step is selected.
    fn selected_step(&self) -> Option<usize> {
        let pos = self.state.view_pos();
        (pos > 0).then(|| pos - 1)
    }

    fn edit_step(&mut self) {
        let Some(i) = self.selected_step() else {
            self.state.message = Some(info("select a step first (j/k)"));
            return;
        };
        let step = self.recipe().steps[i].clone();
        self.open_form(step.op.name(), Some((i, step)));
    }

    /// Open a step's form: a new step at the view position, or step `i` to edit.
    pub(super) fn open_form(&mut self, op: &str, edit: Option<(usize, recipe::Step)>) {
        let Some(spec) = super::steps::spec(op) else {
            self.state.message = Some(error(&format!("unknown step {op}")));
            return;
        };
        let position = edit.as_ref().map_or(self.state.view_pos(), |(i, _)| *i);
        let prefix = Recipe {
            steps: self.recipe().steps[..position].to_vec(),
            ..Recipe::default()
        };
        let Some(base) = self.base_schema() else {
            self.state.message = Some(info("the data is still loading"));
            return;
        };
        let schema = match recipe::validate(&prefix, &base) {
            Ok(s) => s,
            Err(ps) => {
                self.state.message = Some(error(&ps[0].to_string()));
                return;
            }
        };
        let focus = self.state.focused_column().filter(|c| schema.contains(c));
        let form = popups::form::FormPopup::new(spec, schema, focus, position, edit);
        self.state.popup = Some(Popup::Form(Box::new(form)));
        self.refresh_form();
    }

    /// Re-check the open form and start its preview.
    pub(super) fn refresh_form(&mut self) {
        let keys = self.state.keys();
        let Some(Popup::Form(form)) = &mut self.state.popup else {
            return;
        };
        let changed = form.recheck();
        if !changed {
            return;
        }
        let Some(step) = form.step.clone() else {
            // Forget the preview of an earlier version (and any still computing).
            self.preview_generation += 1;
            form.generation = self.preview_generation;
            form.preview = popups::form::PreviewState::None;
            return;
        };
        let before_key = keys[form.position];
        match self.state.frames.peek(before_key).cloned() {
            Some(before) => {
                self.preview_generation += 1;
                form.generation = self.preview_generation;
                form.preview = popups::form::PreviewState::Waiting;
                let generation = self.preview_generation;
                self.start(
                    Job::Preview {
                        generation,
                        step,
                        before,
                    },
                    generation,
                );
            }
            None => {
                form.preview = popups::form::PreviewState::Failed(
                    "no preview: the data before this step is not computed yet".into(),
                )
            }
        }
    }

    /// Apply the form's step: insert it at its position, or replace the edited step.
    pub(super) fn apply_form(&mut self, form: &mut popups::form::FormPopup) -> bool {
        form.recheck();
        let Some(step) = form.step.clone() else {
            self.state.message = Some(error("fix the problems shown in the form first"));
            return false;
        };
        let mut recipe = self.recipe().clone();
        let pos = form.position;
        let what;
        match form.editing {
            Some(i) => {
                let mut step = step;
                step.disabled = recipe.steps[i].disabled;
                what = format!("edited step {}: {}", i + 1, step.describe());
                recipe.steps[i] = step;
            }
            None => {
                what = format!("step {}: {}", pos + 1, step.describe());
                recipe.steps.insert(pos, step);
            }
        }
        if let Err(problems) = self.check(&recipe) {
            form.problems = problems
                .into_iter()
                .map(|p| format!("{p} (a later step needs what this changes)"))
                .collect();
            return false;
        }
        // The preview computed exactly this frame: keep it.
        if let popups::form::PreviewState::Ready(_, Some(after)) = &form.preview {
            let keys = self.state.keys();
            let k = step_key(keys[pos], &recipe.steps[pos]);
            let keep = self.keep_keys();
            self.state.frames.insert(k, (**after).clone(), &keep);
        }
        let n = recipe.steps.len();
        let view = match form.editing {
            Some(i) => self.state.history.current().view.map(|_| i + 1),
            None => Some(pos + 1),
        };
        self.commit(recipe, view.filter(|v| *v < n), what);
        true
    }

    fn toggle_step(&mut self) {
        let Some(i) = self.selected_step() else {
            return;
        };
        let mut recipe = self.recipe().clone();
        recipe.steps[i].disabled = !recipe.steps[i].disabled;
        let what = format!(
            "{} step {}: {}",
            if recipe.steps[i].disabled {
                "disabled"
            } else {
                "enabled"
            },
            i + 1,
            recipe.steps[i].op.describe()
        );
        self.commit_checked(recipe, Some(i + 1), what);
    }

    fn delete_step(&mut self) {
        let Some(i) = self.selected_step() else {
            return;
        };
        let mut recipe = self.recipe().clone();
        let step = recipe.steps.remove(i);
        let what = format!("deleted step {}: {}", i + 1, step.describe());
        self.commit_checked(recipe, Some(i), what);
    }

    fn move_step(&mut self, delta: isize) {
        let Some(i) = self.selected_step() else {
            return;
        };
        let n = self.recipe().steps.len();
        let j = i as isize + delta;
        if j < 0 || j as usize >= n {
            return;
        }
        let j = j as usize;
        let mut recipe = self.recipe().clone();
        recipe.steps.swap(i, j);
        let what = format!(
            "moved step {} to {}: {}",
            i + 1,
            j + 1,
            recipe.steps[j].describe()
        );
        self.commit_checked(recipe, Some(j + 1), what);
    }

    /// Commit when the recipe still validates; otherwise say why not.
    fn commit_checked(&mut self, recipe: Recipe, view: Option<usize>, what: String) {
        match self.check(&recipe) {
            Ok(()) => {
                let n = recipe.steps.len();
                self.commit(recipe, view.filter(|v| *v < n).or(Some(n)), what);
            }
            Err(ps) => {
                self.state.message = Some(error(&format!("not done: {}", ps[0])));
            }
        }
    }

    // -----------------------------------------------------------------------------
    // Rules

    fn accept_rule(&mut self) {
        let r = &mut self.state.rules;
        let n = r.ruleset.rules.items.len();
        let Some(i) = r.selected.checked_sub(n) else {
            self.state.message = Some(info("select a suggested rule to accept"));
            return;
        };
        if r.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        if i >= r.suggestions.len() {
            return;
        }
        let s = r.suggestions.remove(i);
        let mut rs = r.ruleset.clone();
        rs.rules.items.push(s.entry);
        r.set_text(dqdl::print(&rs));
        // The next suggestion (the accepted rule now sits above them).
        r.selected = n + 1 + i.min(r.suggestions.len().saturating_sub(1));
        self.state.message = Some(info(&format!("accepted: {}", s.text)));
    }

    fn accept_all_rules(&mut self) {
        let r = &mut self.state.rules;
        if r.suggestions.is_empty() {
            self.state.message = Some(info("no suggested rules (s suggests)"));
            return;
        }
        if r.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        let n = r.suggestions.len();
        let mut rs = r.ruleset.clone();
        rs.rules
            .items
            .extend(r.suggestions.drain(..).map(|s| s.entry));
        r.set_text(dqdl::print(&rs));
        r.selected = 0;
        self.state.message = Some(info(&format!("accepted {n} suggested rule(s)")));
    }

    fn reject_rule(&mut self) {
        let r = &mut self.state.rules;
        let n = r.ruleset.rules.items.len();
        match r.selected.checked_sub(n) {
            Some(i) if i < r.suggestions.len() => {
                let s = r.suggestions.remove(i);
                self.state.message = Some(info(&format!("rejected: {}", s.text)));
            }
            _ => {
                self.state.message = Some(info(
                    "select a suggested rule to reject (d deletes an accepted rule)",
                ))
            }
        }
    }

    fn delete_rule(&mut self) {
        let r = &mut self.state.rules;
        let n = r.ruleset.rules.items.len();
        if r.selected >= n {
            return self.reject_rule();
        }
        if r.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        let mut rs = r.ruleset.clone();
        let entry = rs.rules.items.remove(r.selected);
        r.set_text(
            if rs.rules.items.is_empty() && rs.analyzers.items.is_empty() {
                String::new()
            } else {
                dqdl::print(&rs)
            },
        );
        self.state.message = Some(info(&format!("deleted rule: {}", entry.rule)));
    }

    fn edit_rule(&mut self) {
        let r = &self.state.rules;
        if r.is_empty() {
            self.state.popup = Some(Popup::Rules(popups::rules_editor::RulesEditor::new(
                &r.text,
                r.error.as_ref(),
            )));
            return;
        }
        let n = r.ruleset.rules.items.len();
        let (target, text) = if r.selected < n {
            if r.error.is_some() {
                self.state.message = Some(error(
                    "the rules have a DQDL error: fix it first (E edits the rules)",
                ));
                return;
            }
            (
                popups::rule_edit::Target::Rule(r.selected),
                r.ruleset.rules.items[r.selected].rule.to_string(),
            )
        } else {
            let i = r.selected - n;
            (
                popups::rule_edit::Target::Suggestion(i),
                r.suggestions[i].text.clone(),
            )
        };
        self.state.popup = Some(Popup::Rule(popups::rule_edit::RuleEdit::new(target, &text)));
    }

    fn suggest_rules(&mut self) {
        let Some((f, _)) = self.state.view_frame() else {
            return;
        };
        let key = self.state.view_key();
        self.state.paused.remove(&(JobKind::Suggest, key));
        let dataset = self.state.title.clone();
        self.start(
            Job::Suggest {
                key,
                df: f.df.clone(),
                dataset,
            },
            key,
        );
    }

    fn filter_failing(&mut self) {
        let key = self.state.view_key();
        let r = &self.state.rules;
        let i = r.selected;
        let Some(result) = r.result(key, i) else {
            self.state.message = Some(info("the rules are still being checked"));
            return;
        };
        if result.failing_rows.unwrap_or(0) == 0 {
            let why = if result.failing_rows.is_none() {
                "it is not a row-level rule"
            } else {
                "no row fails it"
            };
            self.state.message = Some(info(&format!("nothing to filter: {why}")));
            return;
        }
        let mut rs = r.combined();
        let entry = rs.rules.items[i].clone();
        rs.rules.items = vec![entry];
        let label = format!("{} {}", result.name, result.rule);
        let Some((f, _)) = self.state.view_frame() else {
            return;
        };
        self.start(
            Job::Failing {
                key,
                label,
                ruleset: rs,
                df: f.df.clone(),
            },
            key,
        );
    }

    // -----------------------------------------------------------------------------
    // Search

    pub(super) fn run_search(&mut self, needle: String) {
        let s = &mut self.state;
        s.search.needle = needle.clone();
        s.search.hits.clear();
        s.search.current = None;
        if needle.is_empty() {
            s.search = SearchState::default();
            return;
        }
        let Some((f, rows)) = s.displayed() else {
            return;
        };
        let key = s.view_key();
        let filtered = rows.is_some();
        s.search.key = Some((key, filtered));
        let df = f.df.clone();
        self.start(Job::Search { key, needle, df }, key);
    }

    fn search_step(&mut self, forward: bool) {
        let s = &mut self.state;
        if s.search.needle.is_empty() {
            s.message = Some(info("no search: press / to search"));
            return;
        }
        let filtered = s.displayed().is_some_and(|(_, r)| r.is_some());
        if s.search.key != Some((s.view_key(), filtered)) {
            let needle = s.search.needle.clone();
            return self.run_search(needle);
        }
        if s.search.hits.is_empty() {
            s.message = Some(info(&format!("no match for {:?}", s.search.needle)));
            return;
        }
        let here = (s.grid.row, s.grid.col);
        let n = s.search.hits.len();
        let idx = if forward {
            s.search.hits.iter().position(|h| *h > here).unwrap_or(0)
        } else {
            s.search
                .hits
                .iter()
                .rposition(|h| *h < here)
                .unwrap_or(n - 1)
        };
        self.goto_hit(idx);
    }

    fn goto_hit(&mut self, idx: usize) {
        let s = &mut self.state;
        let (row, col) = s.search.hits[idx];
        s.grid.row = row;
        s.grid.col = col;
        s.search.current = Some(idx);
        let more = if s.search.hits.len() >= worker::MAX_HITS {
            "+"
        } else {
            ""
        };
        s.message = Some(info(&format!(
            "match {} of {}{more} for {:?}",
            idx + 1,
            s.search.hits.len(),
            s.search.needle
        )));
        self.scroll_into_view();
    }

    // -----------------------------------------------------------------------------
    // Saving

    /// Default paths next to the data file.
    pub fn default_paths(&self) -> (PathBuf, PathBuf) {
        let first = self.state.inputs.first().cloned().unwrap_or_default();
        let p = std::path::Path::new(&first);
        let dir = p.parent().map(|d| d.to_path_buf()).unwrap_or_default();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "data".into());
        let stem = name
            .split('.')
            .next()
            .filter(|s| !s.is_empty() && !s.contains('*'))
            .unwrap_or("data")
            .to_string();
        (
            dir.join(format!("{stem}.recipe.json")),
            dir.join(format!("{stem}.rules.dqdl")),
        )
    }

    fn save(&mut self) {
        let has_rules = !self.state.rules.text.trim().is_empty();
        let paths = &self.state.paths;
        if paths.recipe.is_some() && (paths.rules.is_some() || !has_rules) {
            self.write_files();
        } else {
            let (r, q) = self.default_paths();
            let recipe = paths.recipe.clone().unwrap_or(r);
            let rules = paths.rules.clone().unwrap_or(q);
            self.state.popup = Some(Popup::Save(popups::save::SavePopup::new(
                &recipe, &rules, has_rules,
            )));
        }
    }

    /// Write the recipe and rules to the save paths.
    pub(super) fn write_files(&mut self) {
        let s = &mut self.state;
        let Some(recipe_path) = s.paths.recipe.clone() else {
            return;
        };
        let recipe = s.recipe().clone();
        let rules = s.rules.text.clone();
        let rules_path = s.paths.rules.clone().filter(|_| !rules.trim().is_empty());
        // Neither file may be the data being cleaned, nor the two the same file.
        if let Err(e) = crate::guard::Inputs::new().data(&s.inputs).check_all(&[
            ("the recipe", Some(&recipe_path)),
            ("the rules", rules_path.as_deref()),
        ]) {
            s.message = Some(error(&format!("not saved: {e}")));
            s.quit_after_save = false;
            return;
        }
        if let Err(e) = crate::source::write::write_text_atomic(&recipe_path, &recipe.to_json()) {
            s.message = Some(error(&format!("not saved: {e}")));
            s.quit_after_save = false;
            return;
        }
        let mut text = format!(
            "saved {} step(s) to {}",
            recipe.steps.len(),
            recipe_path.display()
        );
        if let Some(rules_path) = rules_path {
            if let Err(e) = crate::source::write::write_text_atomic(&rules_path, &rules) {
                s.message = Some(error(&format!("recipe saved; rules not saved: {e}")));
                s.quit_after_save = false;
                return;
            }
            text.push_str(&format!(
                " and {} rule(s) to {}",
                s.rules.ruleset.rules.items.len(),
                rules_path.display()
            ));
            if let Some(e) = &s.rules.error {
                text.push_str(&format!(" (note: the DQDL has an error at {e})"));
            }
        }
        s.saved = (recipe, rules);
        s.message = Some(info(&text));
        if let Some(p) = self.dirs.session_file(&self.state.inputs) {
            session::remove(&p);
        }
        self.autosaved = None;
        if self.state.quit_after_save {
            self.quit_clean();
        }
    }

    /// Write the session file when the recipe or rules changed; remove it when they
    /// are saved.
    fn autosave(&mut self) {
        if self.state.frames.peek(BASE_KEY).is_none() || self.state.quit {
            return;
        }
        if matches!(self.state.popup, Some(Popup::Restore(_))) {
            return;
        }
        let now = (self.recipe().clone(), self.state.rules.text.clone());
        if self.autosaved.as_ref() == Some(&now) {
            return;
        }
        let Some(path) = self.dirs.session_file(&self.state.inputs) else {
            return;
        };
        if self.state.unsaved() {
            let sess = Session::new(&self.state.inputs, &now.0, &now.1);
            if let Err(e) = sess.save(&path) {
                self.state.message = Some(error(&format!("autosave failed: {e}")));
            }
        } else {
            session::remove(&path);
        }
        self.autosaved = Some(now);
    }

    /// Restore an autosaved session (from the prompt).
    pub(super) fn restore(&mut self, sess: Session) {
        match self.check(&sess.recipe) {
            Ok(()) => {
                self.commit(
                    sess.recipe,
                    None,
                    format!("restored the session of {}", sess.saved_at),
                );
                self.state.rules.set_text(sess.rules);
            }
            Err(ps) => {
                self.state.message = Some(error(&format!(
                    "cannot restore the session: {}",
                    ps.join("; ")
                )));
            }
        }
    }

    /// Delete the autosaved session (the user chose not to restore it).
    pub(super) fn discard_session(&mut self) {
        if let Some(p) = self.dirs.session_file(&self.state.inputs) {
            session::remove(&p);
        }
        self.state.message = Some(info("autosaved session discarded"));
    }

    // -----------------------------------------------------------------------------
    // Jobs

    /// Start a job, forgetting any running job of the same kind.
    fn start(&mut self, job: Job, target: u64) {
        let kind = job.kind();
        self.state.jobs.retain(|j| j.kind != kind);
        let id = self.next_id;
        self.next_id += 1;
        self.state.jobs.push(RunningJob {
            id,
            kind,
            target,
            progress: None,
            started: Instant::now(),
        });
        worker::spawn(id, job, self.tx.clone());
    }

    /// Keys whose frames must stay cached: the current chain.
    fn keep_keys(&self) -> Vec<FrameKey> {
        self.state.keys()
    }

    /// Start whatever the view needs and is not running yet.
    fn ensure_jobs(&mut self) {
        if self.state.frames.peek(BASE_KEY).is_none() || self.state.fatal.is_some() {
            return;
        }
        let keys = self.state.keys();
        let pos = self.state.view_pos();
        let target = keys[pos];
        let s = &self.state;
        if !s.frames.contains(target) {
            let failed = keys[..=pos].iter().any(|k| s.frames.error(*k).is_some());
            let running = s
                .running(JobKind::Apply)
                .is_some_and(|j| j.target == target);
            if !failed && !running && !s.paused.contains(&(JobKind::Apply, target)) {
                let from = (0..pos)
                    .rev()
                    .find(|i| s.frames.contains(keys[*i]))
                    .unwrap_or(0);
                let steps: Vec<_> = (from + 1..=pos)
                    .filter(|i| keys[*i] != keys[i - 1])
                    .map(|i| (i, keys[i], s.recipe().steps[i - 1].clone()))
                    .collect();
                if let Some(f) = s.frames.peek(keys[from]).cloned() {
                    self.start(Job::Apply { from: f, steps }, target);
                }
            }
            return;
        }
        let Some(frame) = s.frames.peek(target).cloned() else {
            return;
        };
        // Profile for the profile and dataset panels.
        if matches!(s.panel, Some(Panel::Profile | Panel::Dataset))
            && !s.profiles.contains_key(&target)
            && !s.running_for(JobKind::Profile, target)
            && !s.running_for(JobKind::Suggest, target)
            && !s.paused.contains(&(JobKind::Profile, target))
        {
            self.start(
                Job::Profile {
                    key: target,
                    df: frame.df.clone(),
                },
                target,
            );
        }
        // Live rule results.
        let s = &self.state;
        if !s.rules.is_empty() {
            let h = s.rules.hash();
            let current = matches!(&s.rules.report, Some((k, rh, _)) if *k == target && *rh == h);
            let eval_target = target ^ h;
            if !current
                && !s.running_for(JobKind::Evaluate, eval_target)
                && !s.paused.contains(&(JobKind::Evaluate, eval_target))
            {
                let ruleset = s.rules.combined();
                let dataset = s.title.clone();
                self.start(
                    Job::Evaluate {
                        key: target,
                        rules_hash: h,
                        ruleset,
                        df: frame.df.clone(),
                        dataset,
                    },
                    eval_target,
                );
            }
        }
    }

    /// Take in every message the jobs have sent. Returns whether anything changed.
    pub fn poll_jobs(&mut self) -> bool {
        let mut changed = false;
        while let Ok(msg) = self.rx.try_recv() {
            self.on_msg(msg);
            changed = true;
        }
        if changed {
            self.after_update();
        }
        changed
    }

    /// Wait until no job is running (tests and scripted use). Returns false on
    /// timeout.
    pub fn settle(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            self.poll_jobs();
            if self.state.jobs.is_empty() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.rx.recv_timeout(left) {
                Ok(msg) => {
                    self.on_msg(msg);
                    self.after_update();
                }
                Err(_) => return false,
            }
        }
    }

    fn on_msg(&mut self, msg: Msg) {
        match msg {
            Msg::Progress { id, text } => {
                if let Some(j) = self.state.jobs.iter_mut().find(|j| j.id == id) {
                    j.progress = Some(text);
                }
            }
            Msg::Output { id, output, last } => {
                let Some(pos) = self.state.jobs.iter().position(|j| j.id == id) else {
                    // Cancelled or superseded; a frame is still worth caching.
                    if let Output::Frame { key, result: Ok(f) } = output {
                        let keep = self.keep_keys();
                        self.state.frames.insert(key, (*f).clone(), &keep);
                    }
                    return;
                };
                if last {
                    self.state.jobs.remove(pos);
                }
                self.on_output(output);
            }
        }
    }

    fn on_output(&mut self, output: Output) {
        match output {
            Output::Opened(Ok(opened)) => {
                let opened = *opened;
                self.state.sample = Some(describe_sample(
                    &opened.source.report,
                    opened.frame.height() as u64,
                ));
                self.state
                    .frames
                    .insert(BASE_KEY, opened.frame, &[BASE_KEY]);
                self.state.peek = None;
                self.state.search = SearchState::default();
                self.state.jobs.retain(|j| j.kind != JobKind::Peek);
                self.source = Some(opened.source);
                // The recipe from --recipe must fit the data.
                if let Err(ps) = self.check(self.recipe()) {
                    self.state.fatal = Some(format!(
                        "the recipe does not fit {}:\n  {}",
                        self.state.title,
                        ps.join("\n  ")
                    ));
                    self.state.quit = true;
                    return;
                }
                self.offer_restore();
            }
            Output::Peeked(Ok(frame)) => {
                if self.state.frames.peek(BASE_KEY).is_none() {
                    self.state.peek = Some(frame);
                }
            }
            // The sample's own reading reports any error.
            Output::Peeked(Err(_)) => {}
            Output::Opened(Err(e)) => {
                self.state.fatal = Some(e);
                self.state.quit = true;
            }
            Output::Frame { key, result } => match result {
                Ok(f) => {
                    let keep = self.keep_keys();
                    self.state.frames.insert(key, (*f).clone(), &keep);
                }
                Err(e) => {
                    self.state.frames.insert_error(key, e.clone());
                    self.state.message = Some(error(&e));
                }
            },
            Output::Profiled { key, result } => match result {
                Ok(p) => {
                    self.state.profiles.insert(key, p);
                }
                Err(e) => self.state.message = Some(error(&format!("profiling failed: {e}"))),
            },
            Output::Evaluated {
                key,
                rules_hash,
                result,
            } => {
                if let Err(e) = &result {
                    self.state.message = Some(error(&format!("checking rules failed: {e}")));
                }
                self.state.rules.report = Some((key, rules_hash, result));
            }
            Output::Suggested { key, result } => match result {
                Ok((rules, report, profile)) => {
                    self.state.profiles.insert(key, profile);
                    let existing: Vec<String> = self
                        .state
                        .rules
                        .ruleset
                        .rules
                        .items
                        .iter()
                        .map(|e| e.rule.to_string())
                        .collect();
                    let mut fresh = Vec::new();
                    for (entry, res) in rules.rules.items.into_iter().zip(&report.rules) {
                        let text = entry.rule.to_string();
                        if existing.contains(&text) {
                            continue;
                        }
                        // Keep only rules that pass on this data, like `wort suggest`.
                        if res.outcome != crate::quality::Outcome::Passed {
                            continue;
                        }
                        let why = entry
                            .comments
                            .iter()
                            .map(|c| c.trim().to_string())
                            .collect::<Vec<_>>()
                            .join(" ");
                        fresh.push(Suggestion { entry, text, why });
                    }
                    let n = fresh.len();
                    self.state.rules.suggestions = fresh;
                    self.state.rules.selected = self.state.rules.ruleset.rules.items.len();
                    self.state.message = Some(info(&format!(
                        "{n} rule(s) suggested: a accepts, x rejects, e edits"
                    )));
                }
                Err(e) => self.state.message = Some(error(&format!("suggesting failed: {e}"))),
            },
            Output::Previewed { generation, result } => {
                if let Some(Popup::Form(form)) = &mut self.state.popup
                    && form.generation == generation
                {
                    form.preview = match result {
                        Ok((p, after)) => popups::form::PreviewState::Ready(p, Some(after)),
                        Err(e) => popups::form::PreviewState::Failed(e),
                    };
                }
            }
            Output::Failing { key, label, result } => match result {
                Ok((frame, rows)) => {
                    let n = rows.len();
                    self.state.filter = Some(RowFilter {
                        key,
                        label: label.clone(),
                        frame,
                        rows,
                    });
                    self.state.grid.row = 0;
                    self.state.grid.top = 0;
                    self.state.focus = Focus::Grid;
                    self.state.message = Some(info(&format!(
                        "showing the {n} row(s) failing {label}; Esc shows all rows"
                    )));
                }
                Err(e) => self.state.message = Some(error(&e)),
            },
            Output::Searched { key, needle, hits } => {
                let s = &mut self.state;
                if s.search.needle != needle || s.search.key.map(|k| k.0) != Some(key) {
                    return;
                }
                s.search.hits = hits;
                if s.search.hits.is_empty() {
                    s.message = Some(info(&format!("no match for {needle:?}")));
                } else {
                    let here = (s.grid.row, s.grid.col);
                    let idx = s.search.hits.iter().position(|h| *h >= here).unwrap_or(0);
                    self.goto_hit(idx);
                }
            }
        }
    }

    /// When a session from a crash exists for this input, ask whether to restore it.
    fn offer_restore(&mut self) {
        let Some(path) = self.dirs.session_file(&self.state.inputs) else {
            return;
        };
        let Some(sess) = Session::load(&path) else {
            return;
        };
        if &sess.recipe == self.recipe() && sess.rules.trim() == self.state.rules.text.trim() {
            session::remove(&path);
            return;
        }
        self.state.popup = Some(Popup::Restore(Box::new(sess)));
    }

    /// The error to exit with, if the workbench could not open its input.
    pub fn fatal(&self) -> Option<&str> {
        self.state.fatal.as_deref()
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
    let description = match (n, total) {
        (Some(n), Some(t)) if n < t => format!("{how} {} of {} rows", human(n), human(t)),
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
