//! Views VisiData users reach for: the view sort (not a step until recorded), the
//! frequency sheet with filter-by-value, the mouse; the sort step's preview; the
//! rules panel at 80 columns.

use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use wort::tui::popups::Popup;

use super::*;

const PENGUINS: &str = "samples/penguins.csv";

fn penguins_app() -> (tempfile::TempDir, App) {
    let tmp = tempfile::tempdir().unwrap();
    let app = open_with(&[PENGUINS], tmp.path(), None, None);
    (tmp, app)
}

/// The values of `name` in the grid, in its order.
fn values(app: &App, name: &str) -> Vec<Option<String>> {
    column(&shown(app), name)
}

/// The row numbers the grid's gutter shows, in order.
fn row_numbers(app: &App) -> Vec<u64> {
    let (f, rows) = app.state.displayed().expect("a frame");
    match rows {
        Some(r) => r.to_vec(),
        None => (1..=f.height() as u64).collect(),
    }
}

/// The values of `name` in the data itself (no view sort), as numbers.
fn data_numbers(app: &App, name: &str) -> Vec<Option<f64>> {
    let (f, _) = app.state.view_frame().expect("a frame");
    let c = f.df.column(name).unwrap().cast(&DataType::Float64).unwrap();
    c.f64().unwrap().iter().collect()
}

#[test]
fn view_sort_orders_the_grid_without_a_step_and_records_one_on_request() {
    let (_tmp, mut app) = penguins_app();
    let before = shown(&app);
    focus(&mut app, "Body Mass (g)");
    press(&mut app, "]");
    let s = shows(
        &app,
        &["view sorted by Body Mass (g) ↓ (not a step)", "step 0 of 0"],
    );
    insta::assert_snapshot!("view_sort_descending", s);
    assert!(app.recipe().steps.is_empty(), "a view sort is not a step");
    assert!(!app.state.unsaved(), "nothing to save after a view sort");
    // The heaviest penguin first, the row numbers those of the data; missing last.
    let data = data_numbers(&app, "Body Mass (g)");
    let mass = values(&app, "Body Mass (g)");
    assert_eq!(mass[0].as_deref(), Some("6300"));
    let rows = row_numbers(&app);
    assert_eq!(data[rows[0] as usize - 1], Some(6300.0));
    assert_eq!(mass[342..], [None, None], "missing values sort last");
    let present: Vec<f64> = mass[..342]
        .iter()
        .map(|v| v.as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(present.windows(2).all(|w| w[0] >= w[1]), "descending");
    // The sort survives scrolling.
    press(&mut app, "G pgup j");
    shows(&app, &["view sorted by Body Mass (g) ↓ (not a step)"]);
    assert_eq!(values(&app, "Body Mass (g)")[0].as_deref(), Some("6300"));
    // `]` again on the same column clears it: the data's order is back.
    press(&mut app, "]");
    shows(&app, &["view sort cleared"]);
    assert!(shown(&app).equals_missing(&before));
    // Ascending, then recorded as a step through the form and its preview.
    press(&mut app, "[");
    let sorted = shown(&app);
    assert_eq!(
        values(&app, "Body Mass (g)")[0].as_deref(),
        Some("2700"),
        "lightest first"
    );
    press(&mut app, "o");
    let s = shows(
        &app,
        &[
            "sort · new step 1",
            "rows reordered: 343 of 344 moved; first rows now row 315 (2700), row 59 (2850)",
        ],
    );
    for wrong in ["value(s) change", "become missing", "no change to the data"] {
        assert!(!s.contains(wrong), "{wrong:?} in a sort's preview:\n{s}");
    }
    insta::assert_snapshot!("sort_step_preview", s);
    press(&mut app, "enter");
    shows(
        &app,
        &["step 1 of 1", "the view sort is now step 1 of the recipe"],
    );
    assert!(app.state.view_sort.is_none());
    assert_eq!(app.recipe().steps[0].op.describe(), "sort by Body Mass (g)");
    // The step gives the rows the view sort showed.
    assert!(shown(&app).equals_missing(&sorted));
    // Undo takes the step away.
    press(&mut app, "u");
    assert!(app.recipe().steps.is_empty());
    assert!(shown(&app).equals_missing(&before));
}

#[test]
fn view_sort_follows_the_step_in_view_and_esc_clears_it() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "quantity");
    press(&mut app, "[");
    shows(&app, &["view sorted by quantity ↑ (not a step)"]);
    // A step that keeps the column: the sort is applied again to its rows.
    focus(&mut app, "customer");
    apply_step(&mut app, "upper");
    shows(
        &app,
        &["step 1 of 1", "view sorted by quantity ↑ (not a step)"],
    );
    let q: Vec<Option<i64>> = values(&app, "quantity")
        .into_iter()
        .map(|v| v.map(|t| t.parse().unwrap()))
        .collect();
    let present: Vec<i64> = q.iter().flatten().copied().collect();
    assert!(present.windows(2).all(|w| w[0] <= w[1]), "{q:?}");
    let upper = values(&app, "customer");
    assert!(upper.iter().flatten().all(|c| *c == c.to_uppercase()));
    // Esc clears it.
    press(&mut app, "esc");
    shows(&app, &["view sort cleared"]);
    assert!(app.state.view_sort.is_none());
    // `o` with no view sort says how to make one.
    press(&mut app, "o");
    shows(&app, &["no view sort to record: [ or ] sorts the view"]);
    // Esc while the sort runs drops it (the key again starts it anew).
    app.press("]");
    assert!(app.state.view_sort.is_some());
    app.press("esc");
    assert!(app.settle());
    assert!(app.state.view_sort.is_none());
    assert!(app.state.sorted_view().is_none());
    shows(&app, &["cancelled: sorting the view"]);
}

#[test]
fn frequency_sheet_counts_values_and_filters_on_them() {
    let (_tmp, mut app) = penguins_app();
    focus(&mut app, "Sex");
    press(&mut app, "F");
    let s = shows(
        &app,
        &[
            "frequency \"Sex\" · 2 distinct",
            "344 rows as of step 0",
            "2 distinct value(s) in 344 rows (missing values are listed",
            "MALE",
            "168   48.8%",
            "FEMALE",
            "165   48.0%",
            "(missing)",
            "11    3.2%",
        ],
    );
    insta::assert_snapshot!("frequency_sheet", s);
    // The distinct count is the header's and the status bar's (one definition).
    let Some(Popup::Frequency(p)) = &app.popup else {
        panic!("no frequency sheet")
    };
    let table = p.table.as_ref().unwrap().as_ref().unwrap();
    let (f, _) = app.state.displayed().unwrap();
    let header = f.columns.iter().find(|c| c.name == "Sex").unwrap();
    assert_eq!(header.distinct, Some(table.distinct));
    assert_eq!(
        table.values.iter().map(|v| v.count).sum::<u64>(),
        344,
        "every row counted once"
    );
    // Pick MALE and FEMALE, then Enter: a filled filter step, not applied yet.
    press(&mut app, "space down space");
    shows(
        &app,
        &[
            "frequency \"Sex\" · 2 distinct · 2 picked",
            "[x] MALE",
            "[x] FEMALE",
            "[ ] (missing)",
        ],
    );
    press(&mut app, "enter");
    shows(
        &app,
        &[
            "filter · new step 1",
            "\"Sex\" IN ('MALE', 'FEMALE')",
            "rows: 344 → 333",
        ],
    );
    assert!(app.recipe().steps.is_empty(), "a step only when confirmed");
    press(&mut app, "enter");
    shows(&app, &["step 1 of 1"]);
    assert_eq!(shown(&app).height(), 333);
    // The missing values: their own row, filtered with IS NULL.
    press(&mut app, "u F");
    press(&mut app, "down down enter");
    shows(&app, &["\"Sex\" IS NULL", "rows: 344 → 11"]);
    press(&mut app, "esc");
    assert!(app.recipe().steps.is_empty());
}

#[test]
fn frequency_sheet_pages_and_handles_numbers_and_empty_text() {
    let (_tmp, mut app) = penguins_app();
    focus(&mut app, "Flipper Length (mm)");
    press(&mut app, "F");
    let n = |app: &App| match &app.popup {
        Some(Popup::Frequency(p)) => p.selected,
        _ => panic!("no frequency sheet"),
    };
    press(&mut app, "pgdn");
    assert_eq!(n(&app), 10);
    press(&mut app, "pgdn pgup k");
    assert_eq!(n(&app), 9);
    press(&mut app, "end");
    let last = n(&app);
    assert!(last > 40, "{last}");
    press(&mut app, "home");
    assert_eq!(n(&app), 0);
    // A number is a number in the filter: the most frequent flipper length is 190.
    press(&mut app, "enter");
    shows(&app, &["\"Flipper Length (mm)\" = 190", "rows: 344 → 22"]);
    press(&mut app, "esc");
    // Text with an empty value: counted as a value (not missing), filtered as ''.
    let tmp = tempfile::tempdir().unwrap();
    let data = crate::write(tmp.path(), "e.csv", "k,v\n1,a\n2,\"\"\n3,a\n4,b\n5,\n");
    let mut app = open_with(&[data.to_str().unwrap()], tmp.path(), None, None);
    focus(&mut app, "v");
    press(&mut app, "F");
    shows(
        &app,
        &[
            "frequency \"v\" · 3 distinct",
            "\"\" (empty text)",
            "(missing)",
        ],
    );
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) -> bool {
    let taken = app.handle_mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
    assert!(app.settle(), "jobs did not finish after a mouse event");
    taken
}

fn click(app: &mut App, column: u16, row: u16) {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row);
}

/// Where `text` is drawn on the screen: (x, y) of its first character.
fn find(app: &App, text: &str) -> (u16, u16) {
    let s = screen(app);
    for (y, line) in s.lines().enumerate() {
        if let Some(i) = line.find(text) {
            return (line[..i].chars().count() as u16, y as u16);
        }
    }
    panic!("{text:?} is not on the screen:\n{s}");
}

#[test]
fn mouse_clicks_focus_cells_columns_and_panel_rows_and_the_wheel_scrolls() {
    let (_tmp, mut app) = orders_app();
    // A header: that column.
    let (x, y) = find(&app, "customer");
    click(&mut app, x + 1, y);
    assert_eq!(app.state.focused_column().as_deref(), Some("customer"));
    assert_eq!(app.state.grid.row, 0);
    // A cell: its row and column.
    let (x, y) = find(&app, "Liam Wright");
    click(&mut app, x, y);
    let (f, _) = app.state.displayed().unwrap();
    assert_eq!(
        f.cell(app.state.grid.row, app.state.grid.col).raw().trim(),
        "Liam Wright"
    );
    let row = app.state.grid.row;
    // Moving the pointer changes nothing (the screen is not drawn again).
    assert!(!mouse(&mut app, MouseEventKind::Moved, 0, 0));
    assert_eq!(app.state.grid.row, row);
    // The wheel moves three rows.
    mouse(&mut app, MouseEventKind::ScrollDown, x, y);
    assert_eq!(app.state.grid.row, row + 3);
    mouse(&mut app, MouseEventKind::ScrollUp, x, y);
    assert_eq!(app.state.grid.row, row);
    // The recipe panel: a click on a step shows the data as of it.
    add_step(&mut app, "customer", "upper");
    add_step(&mut app, "region", "trim");
    press(&mut app, "r");
    let (x, y) = find(&app, "upper-case customer");
    click(&mut app, x, y);
    assert_eq!(app.state.view_pos(), 1);
    shows(&app, &["step 1 of 2"]);
    let (x, y) = find(&app, "the sample:");
    click(&mut app, x, y);
    assert_eq!(app.state.view_pos(), 0);
    // A click back in the grid gives it the focus.
    let (x, y) = find(&app, "region");
    click(&mut app, x, y);
    assert_eq!(app.state.focus, wort::tui::state::Focus::Grid);
    assert_eq!(app.state.focused_column().as_deref(), Some("region"));
    // The rules panel: a click selects a rule.
    press(&mut app, "r R s");
    let n = app.state.rules.len();
    assert!(n > 3, "{n} suggestions");
    let text = app.state.rules.suggestions[2].text.clone();
    let (x, y) = find(&app, &text[..text.len().min(20)]);
    click(&mut app, x, y);
    assert_eq!(app.state.rules.selected, 2);
    // The wheel in the rules panel moves the selection.
    mouse(&mut app, MouseEventKind::ScrollDown, x, y);
    assert_eq!(app.state.rules.selected, 3);
    // In a popup, the wheel moves its list.
    press(&mut app, "esc esc");
    focus(&mut app, "region");
    press(&mut app, "F");
    mouse(&mut app, MouseEventKind::ScrollDown, 0, 0);
    mouse(&mut app, MouseEventKind::ScrollDown, 0, 0);
    match &app.popup {
        Some(Popup::Frequency(p)) => assert_eq!(p.selected, 2),
        _ => panic!("no frequency sheet"),
    }
}

#[test]
fn rules_panel_at_80_columns_wraps_rules_instead_of_cutting_them() {
    let (_tmp, mut app) = penguins_app();
    app.update(Action::Resize(80, 24));
    press(&mut app, "R s");
    // Select the Culmen Depth rule: its whole text is on the screen.
    let i = app
        .state
        .rules
        .suggestions
        .iter()
        .position(|s| s.text.starts_with("ColumnValues \"Culmen Depth (mm)\""))
        .expect("a ColumnValues rule on Culmen Depth");
    press(&mut app, &vec!["j"; i].join(" "));
    let s = screen_sized(&app, 80, 24);
    assert!(!s.contains("\"Culmen D…"), "{s}");
    // Wrapped between words, under the rule's first line.
    for piece in [
        "▸PASS ColumnValues      Compliance=0.9942",
        "       \"Culmen Depth (mm)\" between 12.2 and",
        "       22.4 with threshold >= 0.994",
    ] {
        assert!(s.contains(piece), "no {piece:?} in:\n{s}");
    }
    insta::assert_snapshot!("rules_at_80_columns", s);
}

#[test]
fn small_terminals_and_clicks_anywhere_are_safe() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "region");
    press(&mut app, "] F");
    for (w, h) in [(40, 10), (20, 5), (1, 1), (0, 0)] {
        app.update(Action::Resize(w, h));
        let _ = screen_sized(&app, w, h);
    }
    press(&mut app, "esc");
    // A click and a wheel turn on every cell of a small screen, with each panel open.
    for panel in ["", "p", "p r", "r R", "R D"] {
        press(&mut app, panel);
        for (w, h) in [(40, 12), (24, 6), (10, 3)] {
            app.update(Action::Resize(w, h));
            for y in 0..h + 1 {
                for x in 0..w + 1 {
                    for kind in [
                        MouseEventKind::Down(MouseButton::Left),
                        MouseEventKind::ScrollDown,
                        MouseEventKind::ScrollUp,
                    ] {
                        mouse(&mut app, kind, x, y);
                    }
                }
            }
            let _ = screen_sized(&app, w, h);
        }
    }
    assert!(app.popup.is_none());
}
