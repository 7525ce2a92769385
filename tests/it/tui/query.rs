//! The query pane (`S`): SQL over the data in view, its result in the grid (not a
//! step), errors in the pane, and `ctrl-k` keeping the query as a `sql` step that
//! `wort run` replays to the same rows.

use super::*;

const PENGUINS: &str = "samples/penguins.csv";
const BY_ISLAND: &str = "SELECT Island, count(*) AS n, avg(\"Body Mass (g)\") AS mass FROM data GROUP BY Island ORDER BY n DESC";

fn penguins_app() -> (tempfile::TempDir, App) {
    let tmp = tempfile::tempdir().unwrap();
    let app = open_with(&[PENGUINS], tmp.path(), None, None);
    (tmp, app)
}

/// Open the pane, replace its text with `sql`, run it.
fn query(app: &mut App, sql: &str) {
    press(app, "S");
    press(app, "ctrl-e ctrl-u");
    type_text(app, sql);
    press(app, "enter");
}

#[test]
fn a_query_shows_its_result_in_the_grid_until_esc() {
    let (_tmp, mut app) = penguins_app();
    query(&mut app, BY_ISLAND);
    let s = shows(
        &app,
        &[
            "result: 3 rows × 3 columns, shown in the grid (not a step)",
            "query result, 3 rows (not a step)",
            "ctrl-k keep as a sql step",
        ],
    );
    insta::assert_snapshot!("query_pane_result", s);
    let df = shown(&app);
    assert_eq!(
        column(&df, "Island"),
        [Some("Biscoe"), Some("Dream"), Some("Torgersen")].map(|v| v.map(String::from))
    );
    assert_eq!(
        column(&df, "n"),
        [Some("168"), Some("124"), Some("52")].map(|v| v.map(String::from))
    );
    let mass = df.column("mass").unwrap().f64().unwrap().get(0).unwrap();
    assert!((mass - 4716.017964071856).abs() < 1e-9, "{mass}");
    assert!(app.recipe().steps.is_empty(), "a query is not a step");
    assert!(!app.state.unsaved());
    // Esc closes the pane; the result stays until Esc again.
    press(&mut app, "esc");
    assert!(app.popup.is_none());
    assert_eq!(shown(&app).height(), 3);
    shows(&app, &["query result, 3 rows (not a step)"]);
    press(&mut app, "esc");
    assert_eq!(shown(&app).height(), 344);
    shows(
        &app,
        &["query result closed: the grid shows the data again"],
    );
    // S again offers the last query; ↑ goes back through the session's queries.
    press(&mut app, "S");
    shows(&app, &["SQL SELECT Island, count(*)"]);
}

#[test]
fn query_errors_show_in_the_pane_with_how_to_quote() {
    let (_tmp, mut app) = penguins_app();
    query(&mut app, "SELECT avg(Body Mass (g)) FROM data");
    shows(
        &app,
        &["column name with spaces or symbols goes in double quotes: \"Body Mass (g)\""],
    );
    assert_eq!(shown(&app).height(), 344, "no result: the data stays");
    // What a recipe's SQL may not reach, a query may not either.
    press(&mut app, "ctrl-e ctrl-u");
    type_text(&mut app, "SELECT * FROM read_csv('/etc/passwd')");
    press(&mut app, "enter");
    // The guard's refusal, not the query as typed (which holds `read_csv` too).
    shows(
        &app,
        &["read_csv(…) reads from outside the data: table functions are not"],
    );
    assert_eq!(shown(&app).height(), 344);
    // ↑ brings back the earlier query, Esc closes.
    press(&mut app, "up");
    shows(&app, &["SQL SELECT avg(Body Mass (g)) FROM data"]);
    press(&mut app, "esc");
    assert!(app.popup.is_none());
}

#[test]
fn a_kept_query_is_a_sql_step_that_wort_run_replays_to_the_same_rows() {
    let (tmp, mut app) = penguins_app();
    query(&mut app, BY_ISLAND);
    let result = shown(&app);
    press(&mut app, "ctrl-k");
    shows(
        &app,
        &["sql · new step 1", "⚠ 341 of 344 rows removed (99%)"],
    );
    // An aggregate removes most rows: the form asks twice, as for any such step.
    press(&mut app, "enter enter");
    assert_eq!(app.recipe().steps.len(), 1);
    assert_eq!(app.recipe().steps[0].op.name(), "sql");
    shows(
        &app,
        &["step 1 of 1", "the query is now step 1 of the recipe"],
    );
    assert!(app.state.query.is_none(), "the query became the step");
    assert_eq!(shown(&app), result);
    let recipe = tmp.path().join("r.json");
    std::fs::write(&recipe, app.recipe().to_json()).unwrap();
    let out = tmp.path().join("out.csv");
    let o = crate::wort()
        .current_dir(crate::root())
        .args(["run"])
        .arg(&recipe)
        .arg(PENGUINS)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Island,n,mass");
    assert!(lines[1].starts_with("Biscoe,168,4716.01796"), "{csv}");
    assert!(lines[2].starts_with("Dream,124,"), "{csv}");
    assert!(lines[3].starts_with("Torgersen,52,"), "{csv}");
}
