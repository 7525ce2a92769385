//! Fix steps proposed for a failing rule (`m` in the rules panel): each opens as a
//! filled-in step form, and once applied the rule is checked again on the new step.

use super::*;

const RULES: &str = "Rules = [
    ColumnValues \"region\" in [\"North\", \"East\", \"West\", \"South\", NULL],
    IsComplete \"amount\",
    ColumnValues \"quantity\" <= 15,
    IsComplete \"order_id\"
]
";

#[test]
fn a_failing_rule_proposes_fix_steps_and_passes_once_one_is_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("orders.dqdl");
    std::fs::write(&rules, RULES).unwrap();
    let mut app = open_with(&[ORDERS], tmp.path(), None, Some(rules));
    press(&mut app, "R");
    shows(&app, &["4 rules on step 0: 1 pass, 3 fail"]);

    // Region: the spellings that fold to a listed value are mapped to it.
    press(&mut app, "m");
    let s = shows(
        &app,
        &[
            "fix steps",
            "Rule_1 ColumnValues \"region\" in [\"North\",\"East\",\"West\",\"South\",NULL]",
            "1. map 16 spelling(s) to the listed values (\" East\" → \"East\", \" North\" → \"North\", …)",
            "2. keep only the rows where region passes ((region IN ('North', 'East', 'West', 'South') OR region IS NULL",
        ],
    );
    insta::assert_snapshot!("fix_steps", s);
    press(&mut app, "enter");
    shows(&app, &["map_values · new step 1", "✓ valid"]);
    press(&mut app, "enter");
    shows(
        &app,
        &[
            "4 rules on step 1: 2 pass, 2 fail",
            "PASS ColumnValues \"region\"",
        ],
    );
    assert_eq!(shown(&app).height(), 300);

    // Amount: fill, or remove the rows; the second removes the 23 rows.
    press(&mut app, "j m");
    shows(
        &app,
        &[
            "1. fill the missing values of amount with the most frequent value",
            "2. remove the rows where amount is missing",
        ],
    );
    press(&mut app, "down enter");
    shows(
        &app,
        &[
            "filter · new step 2",
            "remove   amount IS NULL",
            "rows: 300 → 277 (23 removed)",
        ],
    );
    press(&mut app, "enter");
    shows(&app, &["4 rules on step 2: 3 pass, 1 fail"]);
    assert_eq!(shown(&app).height(), 277);

    // Quantity <= 15: clamp, or keep the rows.
    press(&mut app, "j m");
    shows(
        &app,
        &[
            "1. clamp quantity to at most 15 (7 missing values still fail)",
            "2. keep only the rows where quantity passes (quantity <= 15)",
        ],
    );
    press(&mut app, "enter enter");
    shows(&app, &["4 rules on step 3: 3 pass, 1 fail", "7 rows fail"]);
    // What is left fails for missing values: keep the rows that pass.
    press(&mut app, "m down enter enter");
    shows(&app, &["4 rules on step 4: 4 pass, 0 fail"]);
    assert_eq!(shown(&app).height(), 270);
    let q = shown(&app);
    let max = q
        .column("quantity")
        .unwrap()
        .as_materialized_series()
        .max::<i64>()
        .unwrap();
    assert_eq!(max, Some(15));
    assert_eq!(
        app.recipe().steps[2].comment.as_deref(),
        Some("fix for: ColumnValues \"quantity\" <= 15")
    );

    // A passing rule has nothing to fix.
    press(&mut app, "j m");
    shows(&app, &["the rule passes: nothing to fix"]);
}
