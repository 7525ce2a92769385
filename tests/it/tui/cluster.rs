//! The cluster view: spellings of one value merged into one `map_values` step.

use std::collections::BTreeMap;

use super::*;

/// How many rows hold each value of `column` in the grid.
fn counts(app: &App, column_name: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in column(&shown(app), column_name).into_iter().flatten() {
        *counts.entry(r).or_insert(0) += 1;
    }
    counts
}

fn map(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn cluster_view_merges_spelling_variants_into_one_map_values_step() {
    // The orders sample writes each region five ways: "North", "north", "NORTH",
    // " North", "North  ".
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "region");
    press(&mut app, "C");
    let s = shows(
        &app,
        &[
            "cluster \"region\" · fingerprint · 4 of 4 to merge",
            "20 distinct values (missing left out) in 300 rows",
            "[x]  1. keep \"North\"  (5 values, 80 rows)",
            "        6  → \"north\"",
        ],
    );
    insta::assert_snapshot!("cluster_view", s);
    // Leave East as it is; keep West's lower-case spelling.
    press(&mut app, "down space down right");
    shows(
        &app,
        &[
            "3 of 4 to merge",
            "[ ]  2. keep \"East\"",
            "       10    \"east\"",
            "[x]  3. keep \"west\"",
            "       46  → \"West\"",
        ],
    );
    press(&mut app, "enter");
    shows(
        &app,
        &[
            "map_values · new step 1",
            "comment  merge 3 clusters of spellings (fingerprint)",
            "✓ valid",
            "region: 99 value(s) change",
        ],
    );
    press(&mut app, "enter");
    shows(&app, &["step 1 of 1", "step 1: map 12 values in region"]);
    assert_eq!(
        counts(&app, "region"),
        map(&[
            (" East", 8),
            ("EAST", 7),
            ("East", 48),
            ("East  ", 5),
            ("North", 80),
            ("South", 58),
            ("east", 10),
            ("west", 67),
        ])
    );
    assert_eq!(app.recipe().steps[0].op.name(), "map_values");
}

#[test]
fn cluster_view_types_a_value_switches_method_and_refuses_numbers() {
    let (_tmp, mut app) = orders_app();
    focus(&mut app, "category");
    press(&mut app, "C");
    shows(
        &app,
        &["cluster \"category\" · fingerprint · 5 of 5 to merge"],
    );
    // Nothing picked: Enter says why and stays.
    press(&mut app, "a");
    press(&mut app, "enter");
    shows(&app, &["0 of 5 to merge", "no cluster is picked"]);
    // Type the value the first cluster keeps (it is picked by doing so).
    press(&mut app, "e");
    press(&mut app, "ctrl-u");
    type_text(&mut app, "Consumer electronics");
    press(&mut app, "enter");
    shows(&app, &["1 of 5 to merge", "keep \"Consumer electronics\""]);
    // Another method clusters again (every cluster picked).
    press(&mut app, "tab");
    shows(&app, &["cluster \"category\" · ngram"]);
    press(&mut app, "shift-tab");
    shows(
        &app,
        &["cluster \"category\" · fingerprint · 5 of 5 to merge"],
    );
    press(&mut app, "esc");
    // A number column has nothing to cluster.
    focus(&mut app, "quantity");
    press(&mut app, "C");
    shows(
        &app,
        &["cluster merges spellings in text columns; \"quantity\" is"],
    );
}
