//! The profile panel's charts (ratatui's chart and bar widgets, drawn from the
//! profile): a histogram for a number column, top-value bars for a text column, values
//! per month for a date column; at 120x40 and at 80x24.

use super::*;

const PENGUINS: &str = "samples/penguins.csv";

/// The profile panel on `column`, at `w`x`h`.
fn profile_of(app: &mut App, column: &str, w: u16, h: u16) -> String {
    app.update(Action::Resize(w, h));
    focus(app, column);
    if app.state.panel.is_none() {
        press(app, "p");
    }
    assert!(app.settle(), "the profile did not finish");
    screen_sized(app, w, h)
}

#[test]
fn each_kind_of_column_gets_its_chart_in_the_profile_panel() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open_with(&[PENGUINS], tmp.path(), None, None);
    let s = profile_of(&mut app, "Body Mass (g)", 120, 40);
    for t in ["Histogram of values (11 bins)", "2700", "6300", "⣿"] {
        assert!(s.contains(t), "no {t:?}:\n{s}");
    }
    insta::assert_snapshot!("chart_number_120x40", s);
    let s = profile_of(&mut app, "Species", 120, 40);
    for t in [
        "Top values (3 distinct)",
        "152 44.2%",
        "124 36.0%",
        "68 19.8%",
    ] {
        assert!(s.contains(t), "no {t:?}:\n{s}");
    }
    // The chart replaces the text list of top values.
    assert!(!s.contains("Top values\n"), "{s}");
    insta::assert_snapshot!("chart_text_120x40", s);
    let s = profile_of(&mut app, "Date Egg", 120, 40);
    for t in ["Values per month (26 months)", "2007-11", "2009-12", "114"] {
        assert!(s.contains(t), "no {t:?}:\n{s}");
    }
    insta::assert_snapshot!("chart_date_120x40", s);
}

#[test]
fn charts_fit_a_small_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open_with(&[PENGUINS], tmp.path(), None, None);
    let s = profile_of(&mut app, "Body Mass (g)", 80, 24);
    assert!(s.contains("Histogram of values"), "{s}");
    insta::assert_snapshot!("chart_number_80x24", s);
    let s = profile_of(&mut app, "Date Egg", 80, 24);
    assert!(s.contains("Values per month"), "{s}");
    insta::assert_snapshot!("chart_date_80x24", s);
}
