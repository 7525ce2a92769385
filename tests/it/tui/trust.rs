//! Counts that agree and warnings before data is lost.

use super::*;
use wort::tui::popups::Popup;

const PENGUINS: &str = "samples/penguins.csv";

fn penguins() -> (tempfile::TempDir, App) {
    let tmp = tempfile::tempdir().unwrap();
    let app = open_with(&[PENGUINS], tmp.path(), None, None);
    (tmp, app)
}

#[test]
fn a_step_that_loses_most_values_asks_for_a_second_enter() {
    let (_tmp, mut app) = penguins();
    focus(&mut app, "studyName");
    // cast's form: column, to (a choice: int is the first).
    palette_step(&mut app, "cast");
    let s = shows(
        &app,
        &[
            "⚠ 344 of 344 present values of studyName become missing (100%)",
            "this step loses data: Enter asks once more before applying",
        ],
    );
    insta::assert_snapshot!("loss_warning", s);
    press(&mut app, "enter");
    shows(
        &app,
        &[
            "cast · new step 1",
            "press Enter again to apply anyway (Esc cancels)",
        ],
    );
    assert!(app.recipe().steps.is_empty());
    press(&mut app, "enter");
    shows(&app, &["step 1 of 1"]);
    assert_eq!(app.recipe().steps.len(), 1);
}

#[test]
fn moving_or_editing_after_the_first_enter_asks_again_and_small_losses_only_show() {
    let (_tmp, mut app) = penguins();
    // Removing most rows asks twice.
    palette_step(&mut app, "filter");
    type_text(&mut app, "\"Sample Number\" <= 10");
    // The step's doc is wrapped, not cut, whatever its length.
    shows(
        &app,
        &[
            "⚠ 314 of 344 rows removed (91%)",
            "dropped by `keep`, as in SQL `WHERE`.",
        ],
    );
    press(&mut app, "enter");
    shows(&app, &["press Enter again to apply anyway"]);
    // Any other key takes the confirmation back.
    press(&mut app, "down up");
    shows(
        &app,
        &["this step loses data: Enter asks once more before applying"],
    );
    press(&mut app, "esc");
    // A loss under the threshold is shown, and one Enter applies.
    focus(&mut app, "Individual ID");
    palette_step(&mut app, "map_values");
    press(&mut app, "down");
    type_text(&mut app, "{\"N1A1\": null}");
    press(&mut app, "down down ctrl-u");
    shows(
        &app,
        &["2 of 344 present values of Individual ID become missing (<1%)"],
    );
    press(&mut app, "enter");
    shows(&app, &["step 1 of 1"]);
}

#[test]
fn date_formats_typed_with_bars_are_a_list_and_commas_show_the_loss() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "order_date");
    palette_step(&mut app, "parse_date");
    press(&mut app, "down");
    // Commas are part of formats ("%b %d, %Y"): two formats joined by a comma are one
    // format that fits nothing, and the preview says so.
    type_text(&mut app, "%Y-%m-%d, %d/%m/%Y");
    shows(
        &app,
        &["present values of order_date become missing (100%)"],
    );
    press(&mut app, "ctrl-u");
    type_text(&mut app, "%Y-%m-%d | %d/%m/%Y; %d %b %Y");
    let s = shows(&app, &["✓ valid"]);
    assert!(!s.contains('⚠'), "{s}");
    press(&mut app, "enter");
    let step = serde_json::to_value(&app.recipe().steps[0]).unwrap();
    assert_eq!(
        step["format"],
        serde_json::json!(["%Y-%m-%d", "%d/%m/%Y", "%d %b %Y"])
    );
    // Editing shows the list as typed.
    press(&mut app, "r enter");
    shows(&app, &["format   %Y-%m-%d | %d/%m/%Y | %d %b %Y"]);
}

#[test]
fn palette_lists_only_real_matches_and_pages() {
    let (_tmp, mut app) = orders_app();
    press(&mut app, ":");
    type_text(&mut app, "pivot");
    let s = shows(&app, &["pivot", "unpivot"]);
    let Some(Popup::Palette(p)) = &app.popup else {
        panic!("no palette:\n{s}");
    };
    let names: Vec<&str> = p
        .matches
        .iter()
        .map(|i| p.entries[*i].name.as_str())
        .collect();
    assert_eq!(names, ["pivot", "unpivot"], "{s}");
    press(&mut app, "ctrl-u");
    type_text(&mut app, "qqzx");
    shows(&app, &["no match", "0 of "]);
    // PgDn and PgUp move by ten entries.
    press(&mut app, "ctrl-u pgdn");
    let Some(Popup::Palette(p)) = &app.popup else {
        panic!("no palette");
    };
    assert_eq!(p.selected, 10);
    press(&mut app, "pgup");
    let Some(Popup::Palette(p)) = &app.popup else {
        panic!("no palette");
    };
    assert_eq!(p.selected, 0);
}

#[test]
fn filtering_a_rules_failing_rows_brings_its_column_into_view() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("r.dqdl");
    std::fs::write(&rules, "Rules = [ IsComplete \"notes\" ]\n").unwrap();
    let mut app = open_with(&[ORDERS], tmp.path(), None, Some(rules));
    assert_eq!(app.state.focused_column().as_deref(), Some("order_id"));
    press(&mut app, "R f");
    assert_eq!(app.state.focused_column().as_deref(), Some("notes"));
    // The column is drawn: its header is on the screen.
    shows(&app, &["rows failing Rule_1", "│notes"]);
}

#[test]
fn distinct_and_row_counts_agree_across_header_status_and_profile() {
    let (_tmp, mut app) = penguins();
    focus(&mut app, "Culmen Length (mm)");
    press(&mut app, "p");
    // 164 distinct lengths and 2 missing: missing is not a value, everywhere.
    let s = shows(&app, &["float ███░ 164", ", 164 distinct", "distinct 164"]);
    assert!(!s.contains("165"), "{s}");
    press(&mut app, "p");
    // After a filter, the status bar says how many rows are in view.
    fill_step(&mut app, "filter", "", "\"Culmen Length (mm)\" IS NOT NULL");
    shows(&app, &["all 344 rows │ step 1 of 1 · 342 rows"]);
}

#[test]
fn a_first_rows_sample_that_filled_up_is_not_called_all_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = options(&[ORDERS], tmp.path(), None, None);
    o.read.sample = Some(Sample::First(50));
    let mut app = App::new(o).expect("app opens");
    assert!(app.settle());
    shows(&app, &["│ first 50 rows │"]);
    let mut o = options(&[ORDERS], tmp.path(), None, None);
    o.read.sample = Some(Sample::First(1000));
    let mut app = App::new(o).expect("app opens");
    assert!(app.settle());
    shows(&app, &["│ all 300 rows │"]);
    press(&mut app, "q");
}

#[test]
fn opening_data_offers_the_recipe_and_rules_saved_next_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_orders(tmp.path());
    std::fs::write(
        tmp.path().join("orders.recipe.json"),
        r#"{"wort_recipe": 1, "steps": [{"op": "trim", "column": "customer"}]}"#,
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("orders.rules.dqdl"),
        "Rules = [ IsComplete \"order_id\" ]\n",
    )
    .unwrap();
    let mut app = open_with(&[&data], tmp.path(), None, None);
    shows(
        &app,
        &[
            "Saved next to the data:",
            "orders.recipe.json (1 step)",
            "orders.rules.dqdl",
            "y  load them",
        ],
    );
    press(&mut app, "y");
    shows(&app, &["step 1 of 1", "loaded "]);
    assert_eq!(app.recipe().steps.len(), 1);
    assert_eq!(app.state.rules.ruleset.rules.items.len(), 1);
    // Loaded is saved: nothing to save, and Ctrl-s writes back to those files.
    assert!(!app.state.unsaved());
    add_step(&mut app, "customer", "upper");
    press(&mut app, "ctrl-s");
    assert!(!app.state.unsaved());
    let saved = std::fs::read_to_string(tmp.path().join("orders.recipe.json")).unwrap();
    assert!(saved.contains("\"upper\""), "{saved}");

    // `n` starts afresh.
    let mut app = open_with(&[&data], tmp.path(), None, None);
    press(&mut app, "n");
    assert!(app.recipe().steps.is_empty());
    assert!(app.popup.is_none());
}

#[test]
fn a_default_made_from_the_column_follows_it_until_edited() {
    let (_tmp, mut app) = penguins();
    focus(&mut app, "Body Mass (g)");
    palette_step(&mut app, "outliers");
    shows(&app, &["Body Mass (g)_outlier"]);
    // Change the column: `to` follows.
    press(&mut app, "ctrl-u");
    type_text(&mut app, "Flipper Length (mm)");
    let s = shows(&app, &["Flipper Length (mm)_outlier"]);
    assert!(!s.contains("Body Mass (g)_outlier"), "{s}");
    // Once `to` is edited, it stays.
    let Some(Popup::Form(f)) = &app.popup else {
        panic!("no form")
    };
    let to = f.fields.iter().position(|f| f.spec.name == "to").unwrap();
    for _ in 0..to {
        press(&mut app, "down");
    }
    type_text(&mut app, "_x");
    for _ in 0..to {
        press(&mut app, "up");
    }
    press(&mut app, "ctrl-u");
    type_text(&mut app, "Culmen Length (mm)");
    shows(&app, &["Flipper Length (mm)_outlier_x"]);
}

#[test]
fn capital_p_writes_the_html_profile_of_the_step_in_view() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_orders(tmp.path());
    let mut app = open_with(&[&data], tmp.path(), None, None);
    press(&mut app, "p");
    press(&mut app, "P");
    let page = tmp.path().join("orders.profile.html");
    shows(&app, &["wrote ", "orders.profile.html"]);
    let html = std::fs::read_to_string(&page).unwrap();
    for c in ["order_id", "customer", "shipped_date", "notes"] {
        assert!(html.contains(c), "no {c} in the page");
    }
    assert!(html.contains("<svg"), "no chart");
    // After a step, the page of that step.
    add_step(&mut app, "customer", "trim");
    press(&mut app, "P");
    assert!(tmp.path().join("orders.step1.profile.html").exists());
}
