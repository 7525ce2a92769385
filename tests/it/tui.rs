//! The workbench, driven by keys: whole screens from a TestBackend (insta snapshots),
//! saved files replayed headlessly, random key sequences, and the real binary in tmux.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use polars::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wort::recipe::{self, Recipe};
use wort::source::{self, ReadOptions, Sample};
use wort::tui::popups::{self, Outcome};
use wort::tui::session::Dirs;
use wort::tui::{Action, App, Keymap, OpenOptions};

const W: u16 = 120;
const H: u16 = 32;
const ORDERS: &str = "samples/messy_orders.csv";

/// Open `inputs` with the data and config directories under `tmp`.
fn open_with(inputs: &[&str], tmp: &Path, recipe: Option<PathBuf>, rules: Option<PathBuf>) -> App {
    let mut app = App::new(options(inputs, tmp, recipe, rules)).expect("app opens");
    assert!(app.settle(), "jobs did not finish");
    app
}

fn options(
    inputs: &[&str],
    tmp: &Path,
    recipe: Option<PathBuf>,
    rules: Option<PathBuf>,
) -> OpenOptions {
    OpenOptions {
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        read: interactive_sample(),
        recipe,
        rules,
        dirs: Dirs {
            data: Some(tmp.join("data")),
            config: Some(tmp.join("config")),
        },
        size: (W, H),
    }
}

/// How the workbench reads its inputs: the interactive sample.
fn interactive_sample() -> ReadOptions {
    ReadOptions {
        sample: Some(Sample::INTERACTIVE),
        ..ReadOptions::default()
    }
}

fn orders(tmp: &Path) -> App {
    open_with(&[ORDERS], tmp, None, None)
}

/// The orders sample open in a fresh temporary directory (keep the directory alive).
fn orders_app() -> (tempfile::TempDir, App) {
    let tmp = tempfile::tempdir().unwrap();
    let app = orders(tmp.path());
    (tmp, app)
}

/// Press keys (keymap notation, space-separated) and wait for the work they start.
fn press(app: &mut App, keys: &str) {
    app.press(keys);
    assert!(app.settle(), "jobs did not finish after {keys}");
}

fn type_text(app: &mut App, text: &str) {
    app.type_text(text);
    assert!(app.settle(), "jobs did not finish after typing {text}");
}

/// Open a step's form through the palette.
fn palette_step(app: &mut App, op: &str) {
    press(app, ":");
    type_text(app, op);
    press(app, "enter");
}

/// Add a step with its form's defaults (the focused column).
fn apply_step(app: &mut App, op: &str) {
    palette_step(app, op);
    press(app, "enter");
}

/// Focus `column`, then add a step on it with the form's defaults.
fn add_step(app: &mut App, column: &str, op: &str) {
    focus(app, column);
    apply_step(app, op);
}

/// Add a step, filling its form: press `keys` (to reach a field), type `text`, apply.
fn fill_step(app: &mut App, op: &str, keys: &str, text: &str) {
    palette_step(app, op);
    press(app, keys);
    type_text(app, text);
    press(app, "enter");
}

/// The screen as text, one line per row.
fn screen(app: &App) -> String {
    screen_sized(app, W, H)
}

fn screen_sized(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The screen, after asserting that it shows each of `texts`.
fn shows(app: &App, texts: &[&str]) -> String {
    let s = screen(app);
    for t in texts {
        assert!(s.contains(t), "no {t:?} on the screen:\n{s}");
    }
    s
}

/// The data the grid shows.
fn shown(app: &App) -> DataFrame {
    app.state.displayed().expect("a frame").0.df.clone()
}

fn column(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

/// Move the grid cursor to a column by name (through the column jump).
fn focus(app: &mut App, name: &str) {
    press(app, "c");
    type_text(app, name);
    press(app, "enter");
    assert_eq!(app.state.focused_column().as_deref(), Some(name));
}

// ---------------------------------------------------------------------------------
// Screens

#[test]
fn opening_a_sample_shows_grid_and_status() {
    let (_tmp, app) = orders_app();
    let s = shows(
        &app,
        &[
            "samples/messy_orders.csv │ all 300 rows │ step 0 of 0",
            "Liam Wright",
        ],
    );
    insta::assert_snapshot!("open_sample", s);
}

#[test]
fn profile_and_dataset_panels() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "region");
    press(&mut app, "p");
    let s = shows(&app, &["Top values", "missing 17 (5.7%)"]);
    insta::assert_snapshot!("profile_panel", s);
    focus(&mut app, "unit_price");
    shows(&app, &["Histogram of values"]);
    press(&mut app, "D");
    let s = shows(&app, &["duplicate rows 12 (4.0%)", "Correlations (pearson"]);
    insta::assert_snapshot!("dataset_panel", s);
}

#[test]
fn step_from_the_menu_with_preview() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "customer");
    // Menu: Columns, Rows / filter, Duplicates, Missing, Outliers, Text; trim is first.
    press(&mut app, "t l l l l l enter");
    press(&mut app, "down space");
    let s = shows(
        &app,
        &[
            "trim · new step 1 · Text",
            "✓ valid",
            "customer:",
            "value(s) change",
        ],
    );
    insta::assert_snapshot!("menu_step_form", s);
    press(&mut app, "enter");
    let s = shows(&app, &["step 1 of 1"]);
    insta::assert_snapshot!("menu_step_applied", s);
    let names = column(&shown(&app), "customer");
    assert!(
        names
            .iter()
            .flatten()
            .all(|n| n.trim() == n && !n.contains("  "))
    );
    assert_eq!(
        app.recipe().to_json(),
        "{\n  \"wort_recipe\": 1,\n  \"steps\": [\n    {\n      \"op\": \"trim\",\n      \"column\": \"customer\",\n      \"collapse\": true\n    }\n  ]\n}\n"
    );
}

#[test]
fn step_from_the_palette() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "region");
    press(&mut app, ":");
    type_text(&mut app, "upper");
    let s = shows(&app, &["command palette"]);
    insta::assert_snapshot!("palette", s);
    press(&mut app, "enter");
    shows(&app, &["upper · new step 1", "region"]);
    press(&mut app, "enter");
    let regions = column(&shown(&app), "region");
    assert!(regions.iter().flatten().all(|r| r == &r.to_uppercase()));
    shows(&app, &["step 1: upper-case region"]);
}

#[test]
fn form_validates_as_you_type() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "amount");
    palette_step(&mut app, "fill_missing");
    // Column prefilled from the focus; replace it with a typo.
    press(&mut app, "ctrl-u");
    type_text(&mut app, "amout");
    shows(&app, &["✗ no column \"amout\"; did you mean \"amount\"?"]);
    // → at the end completes the column name.
    press(&mut app, "right");
    press(&mut app, "down down");
    type_text(&mut app, "0");
    let s = shows(&app, &["✓ valid", "amount: 23 value(s) change"]);
    insta::assert_snapshot!("form_fill_missing", s);
    // Enter with problems keeps the form open (past `group_by` to `where`).
    press(&mut app, "down down ctrl-u");
    type_text(&mut app, "no_such_column > 1");
    press(&mut app, "enter");
    shows(&app, &["no column \"no_such_column\""]);
    assert_eq!(app.recipe().steps.len(), 0);
}

#[test]
fn undo_and_redo_are_instant_and_exact() {
    let (_tmp, mut app) = orders_app();
    let before = shown(&app);
    add_step(&mut app, "region", "upper");
    add_step(&mut app, "category", "lower");
    let after = shown(&app);
    shows(&app, &["step 2 of 2"]);
    // Undo needs no work: the frames are cached.
    app.press("u");
    assert!(app.state.jobs.is_empty(), "undo started a job");
    let s = shows(&app, &["step 1 of 1", "undid: step 2: lower-case category"]);
    insta::assert_snapshot!("undo", s);
    app.press("u");
    assert!(shown(&app).equals_missing(&before));
    app.press("ctrl-r ctrl-r");
    assert!(app.state.jobs.is_empty(), "redo started a job");
    assert!(shown(&app).equals_missing(&after));
    let s = shows(&app, &["redid: step 2: lower-case category"]);
    insta::assert_snapshot!("redo", s);
}

#[test]
fn help_is_generated_from_the_keymap() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, "?");
    let s = screen_sized(&app, W, 40);
    assert!(s.contains("keys (generated from the keymap)"), "{s}");
    let first = Keymap::default().sections()[0].1[0].1.doc();
    assert!(s.contains(first), "{s}");
    insta::assert_snapshot!("help", s);
    press(&mut app, "esc");
    assert!(app.popup.is_none());
}

/// A popup answers with an `Outcome` and leaves the state to `App::update`: the column
/// jump's Enter asks for `JumpToColumn`, and only carrying it out moves the cursor.
#[test]
fn popups_answer_with_an_outcome_that_update_carries_out() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, "c");
    type_text(&mut app, "customer");
    let (frame, _) = app.state.displayed().expect("data shown");
    let customer = frame.columns.iter().position(|c| c.name == "customer");
    assert_eq!(customer, Some(2));
    let popup = app.popup.as_mut().expect("the column jump is open");
    let outcome = popups::handle(popup, &app.state, Action::Confirm);
    assert_eq!(outcome, Outcome::Run(vec![Action::JumpToColumn(2)]));
    assert_eq!(app.state.grid.col, 0, "the popup did not move the cursor");
    press(&mut app, "enter");
    assert!(app.popup.is_none());
    assert_eq!(app.state.grid.col, 2);
    let s = screen(&app);
    assert!(s.contains("column 3 of 11: customer"), "{s}");
}

fn write_rules(dir: &Path) -> PathBuf {
    let p = dir.join("orders.dqdl");
    std::fs::write(
        &p,
        "Rules = [\n    IsComplete \"order_id\",\n    IsComplete \"amount\",\n    ColumnCount = 11\n]\n",
    )
    .unwrap();
    p
}

#[test]
fn rules_panel_shows_live_pass_fail_and_filters_failing_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = write_rules(tmp.path());
    let mut app = open_with(&[ORDERS], tmp.path(), None, Some(rules));
    press(&mut app, "R");
    shows(
        &app,
        &[
            "3 rules on step 0: 2 pass, 1 fail",
            "FAIL IsComplete \"amount\"",
            "23 rows fail",
        ],
    );
    press(&mut app, "j");
    insta::assert_snapshot!("rules_panel", screen(&app));
    // Only the failing rows.
    press(&mut app, "f");
    let s = shows(&app, &["23 rows failing Rule_2"]);
    let df = shown(&app);
    assert_eq!(df.height(), 23);
    assert_eq!(df.column("amount").unwrap().null_count(), 23);
    insta::assert_snapshot!("failing_rows", s);
    // Esc shows every row again.
    press(&mut app, "esc");
    assert_eq!(shown(&app).height(), 300);
    // Fixing the data makes the rule pass, live.
    focus(&mut app, "amount");
    fill_step(&mut app, "fill_missing", "down down", "0");
    shows(&app, &["3 rules on step 1: 3 pass, 0 fail"]);
}

/// Accept every suggested rule (rules panel, `A`): afterwards none is left, and every
/// rule passes on step 0. The number of rules.
fn accept_all_rules(app: &mut App) -> usize {
    press(app, "A");
    let n = app.state.rules.ruleset.rules.items.len();
    assert!(app.state.rules.suggestions.is_empty());
    shows(app, &[&format!("{n} rules on step 0: {n} pass, 0 fail")]);
    n
}

#[test]
fn suggested_rules_can_be_accepted_rejected_and_edited() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, "R s");
    let n = app.state.rules.suggestions.len();
    assert!(n > 3, "suggestions: {n}");
    shows(&app, &[&format!("Suggested ({n})")]);
    let first = app.state.rules.suggestions[0].text.clone();
    press(&mut app, "a");
    assert_eq!(app.state.rules.ruleset.rules.items.len(), 1);
    assert!(app.state.rules.text.contains(&first));
    let second = app.state.rules.suggestions[0].text.clone();
    press(&mut app, "x");
    assert!(!app.state.rules.text.contains(&second));
    assert_eq!(app.state.rules.suggestions.len(), n - 2);
    // Edit the next suggestion before accepting it; a typo shows inline.
    press(&mut app, "e ctrl-u");
    type_text(&mut app, "IsComplete \"order_idd\" xx");
    shows(&app, &["column 24"]);
    press(&mut app, "ctrl-u");
    type_text(&mut app, "ColumnCount = 11");
    press(&mut app, "enter");
    assert_eq!(app.state.rules.ruleset.rules.items.len(), 2);
    assert!(app.state.rules.text.contains("ColumnCount = 11"));
    // The suggestion's generated comment does not stay on the edited rule.
    let edited = &app.state.rules.ruleset.rules.items[1];
    assert_eq!(edited.comments.len(), 1, "{:?}", edited.comments);
    assert!(
        edited.comments[0].starts_with(" edited from the suggestion: "),
        "{:?}",
        edited.comments
    );
    shows(&app, &["2 rules on step 0: 2 pass, 0 fail"]);
    // Accept the rest at once: every suggested rule passes on the data it came from.
    accept_all_rules(&mut app);
}

#[test]
fn dqdl_editor_shows_parse_errors_inline() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, "R E");
    type_text(&mut app, "IsComplete \"order_id\",");
    press(&mut app, "enter");
    type_text(&mut app, "Completness \"amount\" > 0.5");
    let s = shows(&app, &["✗ line 3"]);
    insta::assert_snapshot!("dqdl_error", s);
    press(&mut app, "ctrl-a right right right right");
    for _ in 0.."Completness".len() {
        app.press("delete");
    }
    type_text(&mut app, "Completeness");
    shows(&app, &["✓ parses"]);
    press(&mut app, "esc");
    shows(&app, &["2 rules on step 0: 2 pass, 0 fail"]);
    // Nothing was suggested: accepting all keeps the two rules written.
    assert_eq!(accept_all_rules(&mut app), 2);
    shows(&app, &["no suggested rules (s suggests)"]);
    let text = &app.state.rules.text;
    assert!(text.contains("IsComplete \"order_id\""), "{text}");
    assert!(text.contains("Completeness \"amount\" > 0.5"), "{text}");
}

#[test]
fn quit_with_unsaved_changes_asks() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = orders(tmp.path());
    // Nothing changed: q quits at once.
    let mut clean = orders(tmp.path());
    press(&mut clean, "q");
    assert!(clean.state.quit);
    add_step(&mut app, "status", "upper");
    press(&mut app, "q");
    assert!(!app.state.quit);
    let s = shows(&app, &["Unsaved changes to the recipe (1 step)."]);
    insta::assert_snapshot!("quit_prompt", s);
    // Esc stays.
    press(&mut app, "esc");
    assert!(!app.state.quit && app.popup.is_none());
    press(&mut app, "q y");
    assert!(app.state.quit);
}

#[test]
fn esc_cancels_background_work() {
    let (_tmp, mut app) = orders_app();
    // Opening the profile panel starts profiling off the UI thread.
    app.press("p");
    assert!(app.state.busy());
    shows(&app, &["Esc cancels"]);
    app.press("esc");
    assert!(!app.state.busy());
    shows(&app, &["cancelled: profiling"]);
    // Its result, when it arrives, is dropped; nothing restarts it on its own.
    std::thread::sleep(Duration::from_millis(200));
    app.poll_jobs();
    assert!(app.state.profile().is_none());
    assert!(!app.state.busy());
    // Asking again (closing and opening the panel) profiles.
    press(&mut app, "p p");
    assert!(app.state.profile().is_some());
}

// ---------------------------------------------------------------------------------
// Saving, replay, sessions

/// A copy of the `sample` file in `dir`, named `name`; its path.
fn copy_sample(dir: &Path, sample: &str, name: &str) -> String {
    let p = dir.join(name);
    std::fs::copy(sample, &p).unwrap();
    p.display().to_string()
}

/// A copy of the orders sample in `dir`.
fn copy_orders(dir: &Path) -> String {
    copy_sample(dir, ORDERS, "orders.csv")
}

#[test]
fn saving_over_the_data_being_cleaned_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_orders(tmp.path());
    let before = std::fs::read(&data).unwrap();
    let mut app = open_with(&[&data], tmp.path(), None, None);
    add_step(&mut app, "customer", "trim");
    // A save path typed as the data file itself, through `..`.
    app.state.paths.recipe = Some(
        tmp.path()
            .join("..")
            .join(tmp.path().file_name().unwrap())
            .join("orders.csv"),
    );
    press(&mut app, "ctrl-s");
    shows(&app, &["not saved"]);
    assert!(app.state.unsaved());
    assert_eq!(
        std::fs::read(&data).unwrap(),
        before,
        "the data file changed"
    );
}

#[test]
fn saved_recipe_replays_to_the_frame_the_workbench_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_orders(tmp.path());
    let mut app = open_with(&[&data], tmp.path(), None, None);
    add_step(&mut app, "customer", "trim");
    focus(&mut app, "order_date");
    fill_step(
        &mut app,
        "parse_date",
        "down",
        "[\"%Y-%m-%d\", \"%d/%m/%Y\", \"%d %b %Y\"]",
    );
    focus(&mut app, "amount");
    fill_step(&mut app, "filter", "down", "amount IS NULL");
    apply_step(&mut app, "dedupe");
    // Dedupe by amount removes most rows: the form asks for a second Enter.
    shows(&app, &["press Enter again to apply anyway"]);
    press(&mut app, "enter");
    // A rule, so that both files are written.
    press(&mut app, "R E");
    type_text(&mut app, "RowCount > 100");
    press(&mut app, "esc");
    assert_eq!(app.recipe().steps.len(), 4, "{}", app.recipe());
    press(&mut app, "ctrl-s");
    shows(&app, &["orders.recipe.json", "orders.rules.dqdl"]);
    press(&mut app, "enter");
    let recipe_path = tmp.path().join("orders.recipe.json");
    let rules_path = tmp.path().join("orders.rules.dqdl");
    assert!(recipe_path.exists() && rules_path.exists());
    assert!(!app.state.unsaved());
    // Replay headlessly: the same sample through recipe::apply.
    let saved = Recipe::load(&recipe_path).unwrap();
    assert_eq!(&saved, app.recipe());
    let src = source::open(&[data], &interactive_sample()).unwrap();
    let replayed = recipe::apply(&saved, src.lazy().unwrap())
        .unwrap()
        .collect()
        .unwrap();
    let tui = shown(&app);
    assert!(
        replayed.equals_missing(&tui),
        "replayed:\n{replayed}\ntui:\n{tui}"
    );
    assert!(tui.height() < 300, "the filter and dedupe removed rows");
    let rules = std::fs::read_to_string(&rules_path).unwrap();
    assert!(wort::quality::dqdl::parse(&rules).is_ok(), "{rules}");
    // Ctrl-s again writes to the same paths without asking.
    focus(&mut app, "region");
    palette_step(&mut app, "title");
    press(&mut app, "enter ctrl-s");
    assert!(app.popup.is_none());
    assert_eq!(Recipe::load(&recipe_path).unwrap().steps.len(), 5);
}

#[test]
fn opening_with_a_recipe_replays_it_and_continues() {
    let tmp = tempfile::tempdir().unwrap();
    let recipe = PathBuf::from("recipes/orders_cleanup.json");
    let mut app = open_with(&[ORDERS], tmp.path(), Some(recipe.clone()), None);
    let n = Recipe::load(&recipe).unwrap().steps.len();
    shows(&app, &[&format!("step {n} of {n}")]);
    assert!(!app.state.unsaved());
    press(&mut app, "r");
    let s = shows(&app, &["remove duplicate rows"]);
    insta::assert_snapshot!("recipe_panel", s);
    // The grid follows the selected step.
    press(&mut app, "g");
    assert_eq!(shown(&app).height(), 300);
    shows(&app, &[&format!("step 0 of {n}")]);
}

#[test]
fn a_recipe_that_does_not_fit_the_data_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"wort_recipe": 1, "steps": [{"op": "upper", "column": "regoin"}]}"#,
    )
    .unwrap();
    let app = open_with(&[ORDERS], tmp.path(), Some(bad), None);
    let e = app.fatal().expect("fatal error");
    assert!(
        e.contains("no column \"regoin\"; did you mean \"region\"?"),
        "{e}"
    );
    assert!(app.state.quit);
}

#[test]
fn recipe_panel_edits_disables_deletes_and_moves_steps() {
    let (_tmp, mut app) = orders_app();
    add_step(&mut app, "region", "trim");
    apply_step(&mut app, "upper");
    apply_step(&mut app, "flag_missing");
    press(&mut app, "r");
    // Selected: the last step. Move it up, then disable the step before it.
    press(&mut app, "K");
    assert_eq!(app.recipe().steps[1].op.name(), "flag_missing");
    press(&mut app, "k space");
    assert!(app.recipe().steps[0].disabled);
    shows(&app, &["disabled step 1: trim region"]);
    // Edit the upper step (now last): make it lower... via its form: a different op is
    // not allowed, so edit the comment.
    press(&mut app, "G enter");
    shows(&app, &["upper · edit step 3"]);
    press(&mut app, "down down");
    type_text(&mut app, "shout");
    press(&mut app, "enter");
    assert_eq!(app.recipe().steps[2].comment.as_deref(), Some("shout"));
    // Deleting the flag_missing step is fine; the recipe still validates.
    press(&mut app, "k d");
    assert_eq!(app.recipe().steps.len(), 2);
    // Every change is undoable.
    press(&mut app, "u u u u");
    assert_eq!(app.recipe().steps.len(), 3);
    assert!(!app.recipe().steps[0].disabled);
    assert_eq!(app.recipe().steps[2].op.name(), "flag_missing");
}

#[test]
fn deleting_a_step_that_later_steps_need_is_refused() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "region");
    fill_step(&mut app, "rename", "down ctrl-u", "area");
    add_step(&mut app, "area", "upper");
    press(&mut app, "r k d");
    shows(&app, &["not done: step 1 (upper): no column \"area\""]);
    assert_eq!(app.recipe().steps.len(), 2);
}

#[test]
fn autosaved_session_is_offered_after_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_orders(tmp.path());
    {
        let mut app = open_with(&[&data], tmp.path(), None, None);
        add_step(&mut app, "region", "upper");
        // Dropped without quitting: a crash.
    }
    let mut app = open_with(&[&data], tmp.path(), None, None);
    shows(
        &app,
        &["wort was not closed cleanly last time.", "has 1 step(s)"],
    );
    press(&mut app, "y");
    assert_eq!(app.recipe().steps.len(), 1);
    assert!(app.state.unsaved());
    // A clean quit removes the session: no prompt next time.
    press(&mut app, "q y");
    let app = open_with(&[&data], tmp.path(), None, None);
    assert!(app.popup.is_none());
}

#[test]
fn search_jumps_between_matches() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, "/");
    type_text(&mut app, "wonka");
    shows(&app, &["/wonka"]);
    press(&mut app, "enter");
    let hits = app.state.search.hits.len();
    assert!(hits >= 2, "{hits}");
    assert_eq!(app.state.focused_column().as_deref(), Some("customer"));
    let first = app.state.grid.row;
    shows(&app, &[&format!("match 1 of {hits} for \"wonka\"")]);
    press(&mut app, "n");
    assert!(app.state.grid.row > first);
    press(&mut app, "N");
    assert_eq!(app.state.grid.row, first);
}

#[test]
fn cell_detail_shows_the_whole_value_and_row() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "notes");
    press(&mut app, "enter");
    let s = shows(&app, &["row 1 · notes (text)", "Second line follows"]);
    insta::assert_snapshot!("cell_detail", s);
}

#[test]
fn frozen_first_column_stays_while_scrolling() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, "! $");
    let s = screen(&app);
    let header = s.lines().next().unwrap();
    assert!(
        header.contains("order_id") && header.contains("notes"),
        "{header}"
    );
    press(&mut app, "!");
    let s = screen(&app);
    assert!(!s.lines().next().unwrap().contains("order_id"), "{s}");
}

#[test]
fn every_step_is_reachable_from_the_palette() {
    let (_tmp, mut app) = orders_app();
    for spec in wort::tui::steps::catalogue() {
        palette_step(&mut app, &spec.name);
        let s = screen(&app);
        assert!(
            s.contains(&format!("{} · new step 1", spec.name)),
            "{}:\n{s}",
            spec.name
        );
        press(&mut app, "esc");
    }
}

#[test]
fn keymap_overrides_come_from_the_config_dir() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("config")).unwrap();
    std::fs::write(
        tmp.path().join("config/keymap.toml"),
        "[global]\n\"ctrl-d\" = \"page_down\"\n\"q\" = \"help\"\n",
    )
    .unwrap();
    let mut app = orders(tmp.path());
    shows(&app, &["q is a fixed key and cannot be rebound"]);
    press(&mut app, "ctrl-d");
    assert!(app.state.grid.row > 10);
    press(&mut app, "?");
    let s = screen_sized(&app, W, 60);
    assert!(s.contains("pgdn ctrl-f ctrl-d"), "{s}");
}

#[test]
fn readme_keymap_table_matches_the_keymap() {
    let readme = std::fs::read_to_string(crate::root().join("README.md")).unwrap();
    let start = "<!-- keymap:start -->\n";
    let end = "<!-- keymap:end -->";
    let a = readme.find(start).expect("README has a keymap section") + start.len();
    let b = readme[a..].find(end).expect("keymap end marker") + a;
    let expected = Keymap::default().markdown();
    assert_eq!(
        &readme[a..b],
        expected,
        "README's keymap table is stale; replace it with:\n{expected}"
    );
}

#[test]
fn screens_fit_small_terminals() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = orders(tmp.path());
    for keys in ["p", "D", "r", "R", "?", "esc t", "esc :"] {
        press(&mut app, keys);
        for (w, h) in [(40, 10), (20, 5), (1, 1), (0, 0)] {
            app.update(wort::tui::Action::Resize(w, h));
            let _ = screen_sized(&app, w, h);
        }
    }
}

// ---------------------------------------------------------------------------------
// Random keys

mod random {
    use proptest::prelude::*;

    use super::*;

    const KEYS: &[&str] = &[
        "q",
        "y",
        "n",
        "?",
        "u",
        "ctrl-r",
        "ctrl-s",
        ":",
        "/",
        "j",
        "k",
        "h",
        "l",
        "up",
        "down",
        "left",
        "right",
        "g",
        "G",
        "0",
        "$",
        "c",
        "F",
        "!",
        "[",
        "]",
        "o",
        "t",
        "p",
        "D",
        "r",
        "R",
        "tab",
        "esc",
        "enter",
        "space",
        "d",
        "K",
        "J",
        "a",
        "x",
        "e",
        "E",
        "f",
        "s",
        "backspace",
        "pgdn",
        "ctrl-u",
        "1",
        "z",
        "-",
        ">",
        "\"",
        "shift-tab",
        // Whole gestures, so that steps really get added, edited and moved.
        "t enter enter",
        "t l l l l l enter enter",
        "t l l l l l down enter enter",
        "t l l l l l l enter down enter",
        "t l enter enter",
        ": enter enter",
        "r k d",
        "r k K",
        "r k space",
        "r enter down enter",
        "R s a",
        "R s down a x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("WORT_TUI_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
            ..ProptestConfig::default()
        })]

        /// Random key sequences never panic, and always leave a recipe that validates.
        #[test]
        fn random_keys_keep_the_recipe_valid(keys in proptest::collection::vec(0..KEYS.len(), 1..40)) {
            let tmp = tempfile::tempdir().unwrap();
            let data = copy_sample(tmp.path(), "samples/airlines.csv", "airlines.csv");
            let mut app = open_with(&[&data], tmp.path(), None, None);
            let schema = app.base_schema().unwrap();
            for k in keys {
                app.press(KEYS[k]);
                assert!(app.settle());
                let _ = screen_sized(&app, 80, 24);
                if let Err(p) = recipe::validate(app.recipe(), &schema) {
                    panic!("invalid recipe after {}: {p:?}", KEYS[k]);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// The real binary in tmux

struct Tmux {
    session: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux").args(args).output().expect("tmux runs")
    }
    fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).to_string()
    }
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend(keys);
        self.run(&args);
    }
    fn literal(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.session, "-l", text]);
    }
    /// Wait until the screen contains `text` (or panic with the screen at the deadline).
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s = self.capture();
            if s.contains(text) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    /// Start the session: a 120x40 pane running `cmd` in `dir`.
    fn start(&self, dir: &Path, cmd: &str) {
        let out = self.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            &self.session,
            "-c",
            &dir.display().to_string(),
            cmd,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fn alive(&self) -> bool {
        self.run(&["has-session", "-t", &self.session])
            .status
            .success()
    }
}

/// Whether tmux is installed; says that `test` is skipped when not.
fn tmux_installed(test: &str) -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok();
    if !ok {
        eprintln!("SKIPPED {test}: tmux is not installed");
    }
    ok
}

/// The real binary on a copy of the orders sample in `dir` (its data and config
/// directories under `dir` too), in a tmux session named after `tag`, followed by the
/// shell commands `after`; returns once the grid shows.
fn wort_in_tmux(tag: &str, dir: &Path, after: &str) -> Tmux {
    copy_orders(dir);
    let t = Tmux {
        session: format!("wort-{tag}-{}", std::process::id()),
    };
    let cmd = format!(
        "WORT_DATA_DIR='{}' WORT_CONFIG_DIR='{}' '{}' orders.csv{after}",
        dir.join("data").display(),
        dir.join("config").display(),
        env!("CARGO_BIN_EXE_wort"),
    );
    t.start(dir, &cmd);
    t.wait_for("all 300 rows");
    t
}

/// In the real binary: jump to `column`, open `op` from the palette, wait for its
/// preview and apply it as step `n`.
fn tmux_step(t: &Tmux, column: &str, op: &str, n: usize) {
    t.keys(&["c"]);
    t.wait_for("jump to column");
    t.literal(column);
    t.keys(&["Enter", ":"]);
    t.wait_for("command palette");
    t.literal(op);
    t.keys(&["Enter"]);
    t.wait_for(&format!("{op} · new step {n}"));
    t.wait_for("value(s) change");
    t.keys(&["Enter"]);
    t.wait_for(&format!("step {n} of {n}"));
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

#[test]
fn a_signal_from_outside_gives_the_terminal_back() {
    if !tmux_installed("a_signal_from_outside_gives_the_terminal_back") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // After wort ends, the shell prints its exit code and the terminal modes.
    let t = wort_in_tmux(
        "sig",
        tmp.path(),
        "; echo EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e '-*icanon' -e '-*echo'; echo MODES-SHOWN; sleep 60",
    );
    let pane = t.run(&["list-panes", "-t", &t.session, "-F", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&pane.stdout).trim().to_string();
    let Ok(pids) = Command::new("pgrep").args(["-P", &shell, "wort"]).output() else {
        eprintln!("SKIPPED a_signal_from_outside_gives_the_terminal_back: pgrep is not installed");
        return;
    };
    let pid = String::from_utf8_lossy(&pids.stdout).trim().to_string();
    assert!(
        !pid.is_empty(),
        "no wort process under the pane's shell {shell}"
    );
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let screen = t.wait_for("MODES-SHOWN");
    assert!(screen.contains("EXIT=130"), "{screen}");
    // Raw mode is off again: canonical input and echo, and the main screen is back.
    assert!(screen.lines().any(|l| l.trim() == "icanon"), "{screen}");
    assert!(screen.lines().any(|l| l.trim() == "echo"), "{screen}");
    assert!(!screen.contains("all 300 rows"), "{screen}");
}

#[test]
fn end_to_end_in_tmux() {
    if !tmux_installed("end_to_end_in_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_wort");
    let t = wort_in_tmux("e2e", tmp.path(), "");
    // Step 1: trim customer (jump to the column, palette, apply).
    tmux_step(&t, "customer", "trim", 1);
    // Step 2: upper-case region.
    tmux_step(&t, "region", "upper", 2);
    // Save (asks for the paths, next to the data), then quit.
    t.keys(&["C-s"]);
    t.wait_for("orders.recipe.json");
    t.keys(&["Enter"]);
    t.wait_for("saved 2 step(s)");
    t.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while t.alive() {
        assert!(
            Instant::now() < deadline,
            "wort did not quit:\n{}",
            t.capture()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Replay the saved recipe headlessly, and compare with the expected recipe's output.
    let saved = tmp.path().join("orders.recipe.json");
    let expected = tmp.path().join("expected.json");
    std::fs::write(
        &expected,
        r#"{"wort_recipe": 1, "steps": [
            {"op": "trim", "column": "customer"},
            {"op": "upper", "column": "region"}]}"#,
    )
    .unwrap();
    assert_eq!(
        Recipe::load(&saved).unwrap(),
        Recipe::load(&expected).unwrap()
    );
    let run = |recipe: &Path, out: &str| {
        let o = Command::new(bin)
            .current_dir(tmp.path())
            .args([
                "run",
                &recipe.display().to_string(),
                "orders.csv",
                "-o",
                out,
                "-q",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(tmp.path().join(out)).unwrap()
    };
    let got = run(&saved, "out.csv");
    let want = run(&expected, "want.csv");
    assert_eq!(got, want);
    assert!(
        got.contains("Liam Wright,SOUTH"),
        "{}",
        &got[..400.min(got.len())]
    );
    // A clean quit leaves no session behind.
    let sessions = tmp.path().join("data/sessions");
    let left = std::fs::read_dir(&sessions).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "session files left in {}", sessions.display());
}

// ---------------------------------------------------------------------------------
// Benchmark (not a test): run in release with
//   WORT_BENCH_CSV=/path/to/1GB.csv cargo test --release --test it tui::bench -- --ignored --nocapture

/// Median, p99 and max of durations, in milliseconds.
fn percentiles(mut d: Vec<Duration>) -> (f64, f64, f64) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(d[((d.len() - 1) as f64 * q).round() as usize]);
    (at(0.5), at(0.99), ms(*d.last().unwrap()))
}

/// Key event to frame drawn, for `keys` (each drawn on a 200x50 TestBackend).
fn key_to_frame(app: &mut App, keys: &[&str]) -> Vec<Duration> {
    let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap();
    app.update(wort::tui::Action::Resize(200, 50));
    t.draw(|f| app.draw(f)).unwrap();
    let mut times = Vec::with_capacity(keys.len());
    for k in keys {
        let events: Vec<_> = k
            .split_whitespace()
            .map(|x| wort::tui::keymap::Key::parse(x).unwrap().to_event())
            .collect();
        // Keys before the last one (typing a column name) are not timed.
        for e in &events[..events.len() - 1] {
            app.handle_key(*e);
        }
        let start = Instant::now();
        app.handle_key(*events.last().unwrap());
        t.draw(|f| app.draw(f)).unwrap();
        times.push(start.elapsed());
    }
    times
}

#[test]
#[ignore = "benchmark: release build, needs WORT_BENCH_CSV"]
fn bench_workbench() {
    let Ok(csv) = std::env::var("WORT_BENCH_CSV") else {
        eprintln!("set WORT_BENCH_CSV to a large CSV (bench/gen_messy.py --size 1GB)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let size = std::fs::metadata(&csv).unwrap().len();
    // Opening starts the work; nothing waits for it here.
    let open = |sample: Sample| {
        let mut opts = options(&[&csv], tmp.path(), None, None);
        opts.read.sample = Some(sample);
        App::new(opts).unwrap()
    };
    // Time to the first frame with the default sample.
    let start = Instant::now();
    let mut app = open(Sample::INTERACTIVE);
    let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let first_frame = start.elapsed();
    // The first rows show while the sample is drawn.
    while app.state.displayed().is_none() {
        app.poll_jobs();
        std::thread::sleep(Duration::from_millis(1));
    }
    t.draw(|f| app.draw(f)).unwrap();
    let first_rows = start.elapsed();
    assert!(app.settle());
    t.draw(|f| app.draw(f)).unwrap();
    let sample = start.elapsed();
    println!(
        "{:.1} MB file, default sample: first frame {:.3} s, first rows shown {:.3} s, sample shown {:.2} s",
        size as f64 / 1e6,
        first_frame.as_secs_f64(),
        first_rows.as_secs_f64(),
        sample.as_secs_f64()
    );
    drop(app);
    // Key to frame on a 1M-row sample.
    let start = Instant::now();
    let mut app = open(Sample::Random {
        n: 1_000_000,
        seed: 42,
    });
    assert!(app.settle());
    let rows = app.state.displayed().unwrap().0.height();
    println!(
        "sample of {rows} rows ready in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let columns = app.state.displayed().unwrap().0.names();
    let mut keys: Vec<String> = Vec::new();
    for i in 0..3000 {
        let k = match i % 20 {
            0..=9 => "j".to_string(),
            10..=12 => "l".to_string(),
            13 => "h".to_string(),
            14 => "pgdn".to_string(),
            15 => "G".to_string(),
            16 => "g".to_string(),
            17 => "$".to_string(),
            18 => "0".to_string(),
            _ => {
                let name = &columns[(i / 20) % columns.len()];
                format!(
                    "c {} enter",
                    name.chars()
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        };
        keys.push(k);
    }
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (med, p99, max) = percentiles(key_to_frame(&mut app, &refs));
    println!(
        "scrolling and jumping columns, {} keys: median {med:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
        refs.len()
    );
    // The same with the profile panel open (the profile is computed first).
    app.press("p");
    assert!(app.settle());
    let (med, p99, max) = percentiles(key_to_frame(&mut app, &refs));
    println!("with the profile panel: median {med:.2} ms, p99 {p99:.2} ms, max {max:.2} ms");
}

mod charts;
mod cluster;

mod fixes;

mod query;
mod trust;
mod views;
