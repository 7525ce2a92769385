//! `Action`: what a key means, as a value. Keys become actions (through the keymap),
//! and `App::update` is the only place that changes state in response.
//!
//! Every action that a key can name has a serde name (`snake_case`, used by the keymap
//! override file) and a doc line (used by the help screen, the command palette and the
//! README's keymap table), all written once, in the `actions!` list below.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;
use serde::{Deserialize, Serialize};

use super::session::Session;
use crate::quality::dqdl::RuleEntry;

macro_rules! actions {
    ($( $(#[$meta:meta])* $variant:ident = $name:literal : $doc:literal ),* $(,)?) => {
        /// Something the user asked for. The variants after `Input` are internal
        /// (produced by the app itself, never named in a keymap): most are what a
        /// popup asks `App::update` to do (see `popups::Outcome`).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $( $(#[$meta])* #[serde(rename = $name)] $variant, )*
            /// A key typed into the text field of a popup.
            #[serde(skip)]
            Input(KeyEvent),
            /// Open the form of a recipe step (from the palette or the menu).
            #[serde(skip)]
            OpenStep(String),
            /// Open a step's form filled with this step, to insert at the view
            /// position (the cluster view's merge).
            #[serde(skip)]
            OpenFilledStep(Box<crate::recipe::Step>),
            /// The terminal was resized.
            #[serde(skip)]
            Resize(u16, u16),
            /// Put the grid cursor on column `i` (the column jump).
            #[serde(skip)]
            JumpToColumn(usize),
            /// Apply the open form's step (insert it, or replace the edited step); the
            /// form stays open with the problems when the recipe would not validate.
            #[serde(skip)]
            ApplyForm,
            /// Search the grid for this text (the search prompt).
            #[serde(skip)]
            RunSearch(String),
            /// Run this SQL over the data in view (the query pane's Enter).
            #[serde(skip)]
            RunQuery(String),
            /// Open this query as a `sql` step in its form (the query pane's ctrl-k).
            #[serde(skip)]
            KeepQuery(String),
            /// Quit without saving (the quit prompt's `y`).
            #[serde(skip)]
            QuitWithoutSaving,
            /// Save, then quit once saved (the quit prompt's `s`).
            #[serde(skip)]
            SaveAndQuit,
            /// Set where the recipe (and the rules) go, then save (the save popup).
            #[serde(skip)]
            SaveTo {
                recipe: PathBuf,
                rules: Option<PathBuf>,
            },
            /// The save popup was closed: a pending quit-after-save is off.
            #[serde(skip)]
            CancelSave,
            /// Restore the autosaved session (the restore prompt's `y`).
            #[serde(skip)]
            RestoreSession(Box<Session>),
            /// Delete the autosaved session (the restore prompt's `n`).
            #[serde(skip)]
            DiscardSession,
            /// Load the recipe and rules saved next to the data (that prompt's `y`).
            #[serde(skip)]
            LoadSaved(Box<crate::tui::session::SavedFiles>),
            /// Replace the rules' DQDL text (the rules editor, as you type).
            #[serde(skip)]
            SetRulesText(String),
            /// Save an edited rule, or accept a suggestion as edited (`text` as typed).
            #[serde(skip)]
            SaveRule {
                target: RuleTarget,
                entry: Box<RuleEntry>,
                text: String,
            },
        }

        impl Action {
            /// Every action a key can name, in the order of the help screen.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The name used in keymap files.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                    Action::Input(_) => "input",
                    Action::OpenStep(_) => "open_step",
                    Action::OpenFilledStep(_) => "open_filled_step",
                    Action::Resize(..) => "resize",
                    Action::JumpToColumn(_) => "jump_to_column",
                    Action::ApplyForm => "apply_form",
                    Action::RunSearch(_) => "run_search",
                    Action::RunQuery(_) => "run_query",
                    Action::KeepQuery(_) => "keep_query",
                    Action::QuitWithoutSaving => "quit_without_saving",
                    Action::SaveAndQuit => "save_and_quit",
                    Action::SaveTo { .. } => "save_to",
                    Action::CancelSave => "cancel_save",
                    Action::RestoreSession(_) => "restore_session",
                    Action::DiscardSession => "discard_session",
                    Action::LoadSaved(_) => "load_saved",
                    Action::SetRulesText(_) => "set_rules_text",
                    Action::SaveRule { .. } => "save_rule",
                }
            }

            /// One line for the help screen and the palette.
            pub fn doc(&self) -> &'static str {
                match self {
                    $(Action::$variant => $doc,)*
                    Action::Input(_) => "type into the field",
                    Action::OpenStep(_) => "open a step's form",
                    Action::OpenFilledStep(_) => "open a step's form, filled in",
                    Action::Resize(..) => "the terminal was resized",
                    Action::JumpToColumn(_) => "put the cursor on a column",
                    Action::ApplyForm => "apply the open step form",
                    Action::RunSearch(_) => "search the grid",
                    Action::RunQuery(_) => "run a SQL query over the data in view",
                    Action::KeepQuery(_) => "keep the query as a sql step",
                    Action::QuitWithoutSaving => "quit without saving",
                    Action::SaveAndQuit => "save, then quit",
                    Action::SaveTo { .. } => "save to these paths",
                    Action::CancelSave => "cancel saving",
                    Action::RestoreSession(_) => "restore the autosaved session",
                    Action::DiscardSession => "delete the autosaved session",
                    Action::LoadSaved(_) => "load the recipe and rules saved next to the data",
                    Action::SetRulesText(_) => "replace the rules' DQDL text",
                    Action::SaveRule { .. } => "save an edited rule",
                }
            }

            /// The action named `name` in a keymap file.
            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Quit = "quit": "quit (asks first when the recipe or rules are unsaved)",
    Help = "help": "show the keys (this screen)",
    Undo = "undo": "undo the last change to the recipe",
    Redo = "redo": "redo what was undone",
    Save = "save": "save the recipe (JSON) and the rules (DQDL)",
    Palette = "palette": "command palette: every step and command, fuzzy search",
    Search = "search": "search the cells of the grid",
    SearchNext = "search_next": "next search match",
    SearchPrev = "search_prev": "previous search match",
    Up = "up": "move up",
    Down = "down": "move down",
    Left = "left": "move left",
    Right = "right": "move right",
    PageUp = "page_up": "one screen up",
    PageDown = "page_down": "one screen down",
    Top = "top": "first row",
    Bottom = "bottom": "last row",
    FirstColumn = "first_column": "first column",
    LastColumn = "last_column": "last column",
    JumpColumn = "jump_column": "jump to a column by (fuzzy) name",
    ToggleFreeze = "toggle_freeze": "freeze the first column while scrolling sideways",
    CellDetail = "cell_detail": "show the whole cell and its row",
    TransformMenu = "transform_menu": "menu of every recipe step, by category",
    ClusterColumn = "cluster_column": "cluster the focused text column: merge spellings of one thing into one value",
    SortAscending = "sort_ascending": "sort the view by the focused column, ascending, missing last (not a step; again clears)",
    SortDescending = "sort_descending": "sort the view by the focused column, descending, missing last (not a step; again clears)",
    RecordSort = "record_sort": "record the view sort as a sort step (through its form and preview)",
    Frequency = "frequency": "frequency sheet of the focused column: count, % and bar per value; Enter filters on it",
    Query = "query": "SQL query pane over the data in view: the result shows in the grid (not a step); ctrl-k keeps it as a sql step",
    ToggleProfile = "toggle_profile": "profile panel: the focused column",
    HtmlProfile = "html_profile": "write the profile of the data in view as an HTML page next to the data, and show its path",
    ToggleDataset = "toggle_dataset": "dataset panel: counts, duplicates, correlations",
    ToggleRecipe = "toggle_recipe": "recipe panel: the steps; the grid shows the selected step",
    ToggleRules = "toggle_rules": "rules panel: suggested and written DQDL rules, pass/fail",
    FocusNext = "focus_next": "move the focus between the grid and the open panel",
    Cancel = "cancel": "close / cancel running work / clear the search, the filter or the view sort",
    EditStep = "edit_step": "edit the selected step",
    ToggleStep = "toggle_step": "disable or enable the selected step",
    DeleteStep = "delete_step": "delete the selected step",
    MoveStepUp = "move_step_up": "move the selected step up",
    MoveStepDown = "move_step_down": "move the selected step down",
    AcceptRule = "accept_rule": "accept the selected suggested rule",
    AcceptAllRules = "accept_all_rules": "accept every suggested rule",
    RejectRule = "reject_rule": "reject the selected suggested rule",
    EditRule = "edit_rule": "edit the selected rule",
    EditRules = "edit_rules": "edit all the rules as DQDL text",
    DeleteRule = "delete_rule": "delete the selected rule",
    FilterFailing = "filter_failing": "show only the rows failing the selected rule",
    FixRule = "fix_rule": "propose recipe steps that fix the selected failing rule",
    SuggestRules = "suggest_rules": "suggest rules from the data as of the current step",
    Confirm = "confirm": "confirm (apply the step, run the command, save)",
    Close = "close": "close the popup",
    NextField = "next_field": "next field",
    PrevField = "prev_field": "previous field",
}

/// Which rule a rule edit saves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleTarget {
    /// Rule `i` of the ruleset.
    Rule(usize),
    /// Suggestion `i`: accepted as edited.
    Suggestion(usize),
}

impl Action {
    /// Whether the command palette lists this action (movement and popup keys are
    /// left out: they mean nothing without a key; internal actions have none).
    pub fn in_palette(&self) -> bool {
        Action::from_name(self.name()).is_some()
            && !matches!(
                self,
                Action::Up
                    | Action::Down
                    | Action::Left
                    | Action::Right
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Confirm
                    | Action::Close
                    | Action::NextField
                    | Action::PrevField
                    | Action::Palette
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for a in Action::ALL {
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            let back: Action = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, a);
            assert_eq!(Action::from_name(a.name()).as_ref(), Some(a));
        }
    }
}
