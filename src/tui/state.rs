//! Everything the views read. Only `App::update` (and the job results it handles)
//! changes it. The open popup is not here but beside it, in `App::popup`: popups
//! read the state and never change it.

use super::history::History;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::frames::{FrameCache, FrameInfo, FrameKey, prefix_keys};
use super::keymap::Keymap;
use super::worker::JobKind;
use crate::profile::Profile;
use crate::quality::dqdl::{self, ParseError, RuleEntry, Ruleset};
use crate::quality::{Report, RuleResult};
use crate::recipe::Recipe;

/// The side panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Profile,
    Dataset,
    Recipe,
    Rules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Grid,
    Panel,
}

/// Cursor and scroll of the grid.
#[derive(Debug, Clone, Default)]
pub struct GridState {
    pub row: usize,
    pub col: usize,
    pub top: usize,
    pub left: usize,
    pub frozen: bool,
}

/// The grid limited to the rows failing a rule.
#[derive(Debug, Clone)]
pub struct RowFilter {
    /// The frame it was computed on.
    pub key: FrameKey,
    pub label: String,
    pub frame: Arc<FrameInfo>,
    /// 1-based row numbers in the unfiltered data.
    pub rows: Vec<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub needle: String,
    pub hits: Vec<(usize, usize)>,
    /// The frame the hits belong to (and whether it was the filtered view).
    pub key: Option<(FrameKey, bool)>,
    pub current: Option<usize>,
}

/// A suggested rule waiting for accept or reject.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub entry: RuleEntry,
    /// The rule as DQDL.
    pub text: String,
    /// Why it was suggested.
    pub why: String,
}

/// The rules panel.
#[derive(Debug, Clone, Default)]
pub struct RulesState {
    /// The user's DQDL, as written (what is saved).
    pub text: String,
    /// The parse error of `text`, if any.
    pub error: Option<ParseError>,
    /// The last ruleset `text` parsed to.
    pub ruleset: Ruleset,
    pub suggestions: Vec<Suggestion>,
    /// Evaluation of the rules then the suggestions on the viewed data:
    /// (frame, rules hash, result).
    pub report: Option<(FrameKey, u64, Result<Report, String>)>,
    /// Selected entry: rules first, then suggestions.
    pub selected: usize,
}

impl RulesState {
    /// Set the DQDL text and parse it.
    pub fn set_text(&mut self, text: String) {
        if text.trim().is_empty() {
            self.ruleset = Ruleset::default();
            self.error = None;
        } else {
            match dqdl::parse(&text) {
                Ok(rs) => {
                    self.ruleset = rs;
                    self.error = None;
                }
                Err(e) => self.error = Some(e),
            }
        }
        self.text = text;
    }

    /// The rules and the pending suggestions as one ruleset (evaluated together).
    pub fn combined(&self) -> Ruleset {
        let mut rs = self.ruleset.clone();
        rs.rules
            .items
            .extend(self.suggestions.iter().map(|s| s.entry.clone()));
        rs
    }

    /// A hash of what is evaluated.
    pub fn hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        dqdl::print(&self.combined()).hash(&mut h);
        h.finish()
    }

    pub fn len(&self) -> usize {
        self.ruleset.rules.items.len() + self.suggestions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The result of entry `i` (rules then suggestions) on frame `key`, if evaluated.
    pub fn result(&self, key: FrameKey, i: usize) -> Option<&RuleResult> {
        match &self.report {
            Some((k, h, Ok(r))) if *k == key && *h == self.hash() => r.rules.get(i),
            _ => None,
        }
    }
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Work running off the UI thread.
#[derive(Debug, Clone)]
pub struct RunningJob {
    pub id: u64,
    pub kind: JobKind,
    /// What it works towards (a frame key, a rules hash...), to tell stale jobs.
    pub target: u64,
    pub progress: Option<String>,
    pub started: Instant,
}

/// Where Ctrl-s writes.
#[derive(Debug, Clone, Default)]
pub struct SavePaths {
    pub recipe: Option<PathBuf>,
    pub rules: Option<PathBuf>,
}

/// How the sample was drawn, for the status bar.
#[derive(Debug, Clone, Default)]
pub struct SampleInfo {
    /// "random 10,000 of 10.8M rows"
    pub description: String,
    /// Lines of the reading report (dialect, nulls, types), for the dataset panel.
    pub summary: String,
}

/// The whole state of the workbench.
pub struct State {
    /// The input as named on the command line.
    pub title: String,
    pub inputs: Vec<String>,
    pub sample: Option<SampleInfo>,
    pub frames: FrameCache,
    pub history: History,
    pub grid: GridState,
    pub filter: Option<RowFilter>,
    /// The view sort (`[` `]`): not a step.
    pub view_sort: Option<super::view_sort::ViewSort>,
    /// The query pane's query and result (`S`), shown in the grid instead of the data.
    pub query: Option<super::query::QueryView>,
    /// The queries run in this session, oldest first.
    pub query_history: Vec<String>,
    pub search: SearchState,
    pub panel: Option<Panel>,
    pub focus: Focus,
    /// Scroll of the profile / dataset panel.
    pub panel_scroll: usize,
    /// The first rows of the input, shown while the sample is drawn.
    pub peek: Option<Arc<FrameInfo>>,
    pub rules: RulesState,
    pub profiles: HashMap<FrameKey, Arc<Profile>>,
    pub message: Option<Message>,
    pub jobs: Vec<RunningJob>,
    /// (kind, target) pairs the user cancelled: not restarted until asked again.
    pub paused: HashSet<(JobKind, u64)>,
    pub paths: SavePaths,
    /// What was last saved (or loaded): the recipe and the rules text.
    pub saved: (Recipe, String),
    pub keymap: Keymap,
    /// Terminal size.
    pub size: (u16, u16),
    pub quit: bool,
    /// A fatal error (the input cannot be opened): the workbench exits with it.
    pub fatal: Option<String>,
    /// Save, then quit (from the quit prompt).
    pub quit_after_save: bool,
    /// When the app started, for the spinner.
    pub started: Instant,
}

impl State {
    pub fn recipe(&self) -> &Recipe {
        &self.history.current().recipe
    }

    /// Steps applied in the view.
    pub fn view_pos(&self) -> usize {
        let n = self.recipe().steps.len();
        self.history.current().view.unwrap_or(n).min(n)
    }

    pub fn keys(&self) -> Vec<FrameKey> {
        prefix_keys(self.recipe())
    }

    /// The key of the data in view.
    pub fn view_key(&self) -> FrameKey {
        let keys = self.keys();
        keys[self.view_pos().min(keys.len() - 1)]
    }

    /// The frame in view (the step's, or while it computes, the nearest one before),
    /// and the number of steps it reflects.
    pub fn view_frame(&self) -> Option<(Arc<FrameInfo>, usize)> {
        let keys = self.keys();
        let pos = self.view_pos();
        (0..=pos)
            .rev()
            .find_map(|i| self.frames.peek(keys[i]).map(|f| (f.clone(), i)))
    }

    /// The frame after the step in view, or why there is none yet, for work done on
    /// it (`what`: "cluster", "run the query").
    pub fn computed_view_frame(&self, what: &str) -> Result<Arc<FrameInfo>, String> {
        let (frame, at) = self
            .view_frame()
            .ok_or_else(|| "the data is still loading".to_string())?;
        let pos = self.view_pos();
        if at < pos {
            return Err(format!(
                "step {pos} is not computed yet: {what} once the grid shows it"
            ));
        }
        Ok(frame)
    }

    /// What the grid shows: the filtered rows when a filter applies to the view,
    /// else the view frame, in the view sort's order when there is one. Row numbers
    /// are given for filtered or sorted frames.
    pub fn displayed(&self) -> Option<(Arc<FrameInfo>, Option<&[u64]>)> {
        if let Some(r) = self.query_result() {
            return Some((r.clone(), None));
        }
        if let Some(s) = self.sorted_view() {
            return Some((s.frame.clone(), Some(&s.rows)));
        }
        if let Some(f) = &self.filter
            && f.key == self.view_key()
        {
            return Some((f.frame.clone(), Some(&f.rows)));
        }
        self.view_frame()
            .map(|(f, _)| f)
            .or_else(|| self.peek.clone())
            .map(|f| (f, None))
    }

    /// The rows a view sort applies to now: the data after the step in view, or the
    /// rows of it failing a rule.
    pub fn sort_base(&self) -> super::view_sort::Base {
        let key = self.view_key();
        let filter = self.filter.as_ref().filter(|f| f.key == key);
        super::view_sort::Base {
            key,
            filter: filter.map(|f| (f.label.clone(), f.rows.len())),
        }
    }

    /// Whether the step just before the view is `step` (the same op, enabled, with no
    /// `where`): a view sort or a query that was kept as a step.
    pub fn view_step_is(&self, step: &crate::recipe::Step) -> bool {
        let pos = self.view_pos();
        pos > 0 && {
            let last = &self.recipe().steps[pos - 1];
            !last.disabled && last.condition.is_none() && last.op == step.op
        }
    }

    /// The query's result, when it was computed on the data in view.
    pub fn query_result(&self) -> Option<&Arc<FrameInfo>> {
        self.query.as_ref()?.current(self.view_key())
    }

    /// The view sort's rows, when they belong to the data in view.
    pub fn sorted_view(&self) -> Option<&super::view_sort::Sorted> {
        self.view_sort.as_ref()?.current(&self.sort_base())
    }

    /// The name of the focused column.
    pub fn focused_column(&self) -> Option<String> {
        let (f, _) = self.displayed()?;
        f.columns.get(self.grid.col).map(|c| c.name.clone())
    }

    /// The profile of the viewed data, if computed.
    pub fn profile(&self) -> Option<&Arc<Profile>> {
        self.profiles.get(&self.view_key())
    }

    pub fn running(&self, kind: JobKind) -> Option<&RunningJob> {
        self.jobs.iter().find(|j| j.kind == kind)
    }

    /// Whether a job of `kind` is running towards `target`.
    pub fn running_for(&self, kind: JobKind, target: u64) -> bool {
        self.jobs
            .iter()
            .any(|j| j.kind == kind && j.target == target)
    }

    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// Default save paths next to the data file: `<stem>.recipe.json` and
    /// `<stem>.rules.dqdl`.
    pub fn default_paths(&self) -> (PathBuf, PathBuf) {
        (
            self.beside_data("recipe.json"),
            self.beside_data("rules.dqdl"),
        )
    }

    /// `<stem>.<suffix>` in the data file's directory (`orders.recipe.json` beside
    /// `orders.csv.gz`; `data.<suffix>` for a glob).
    pub fn beside_data(&self, suffix: &str) -> PathBuf {
        let first = self.inputs.first().cloned().unwrap_or_default();
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
            .unwrap_or("data");
        dir.join(format!("{stem}.{suffix}"))
    }

    /// Whether the recipe or rules differ from what was saved.
    pub fn unsaved(&self) -> bool {
        self.recipe() != &self.saved.0 || self.rules.text.trim() != self.saved.1.trim()
    }

    /// The error of a step in the view chain, if one failed.
    pub fn step_error(&self) -> Option<&String> {
        let keys = self.keys();
        keys[..=self.view_pos()]
            .iter()
            .find_map(|k| self.frames.error(*k))
    }
}
