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
        r#"[{"op": "is_odd", "column": "id", "to": "odd", "where": "qty > 3"}]"#,
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
        r#"[{"op": "unix_time", "column": "seen_at", "to": "u"}, {"op": "unix_time", "column": "joined"}]"#,
    ),
    (
        "from_unix_time",
        r#"[{"op": "unix_time", "column": "seen_at", "to": "u"}, {"op": "from_unix_time", "column": "u", "to": "back"}, {"op": "from_unix_time", "column": "amount", "to": "a"}]"#,
    ),
    (
        "fill_missing_by_mean",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "mean", "by": "city"}, {"op": "fill_missing", "column": "qty", "strategy": "mean", "by": ["active"]}]"#,
    ),
    (
        "fill_missing_by_median",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "median", "by": ["city", "active"]}]"#,
    ),
    (
        "fill_missing_by_mode",
        r#"[{"op": "fill_missing", "column": "city", "strategy": "mode", "by": "active"}, {"op": "fill_missing", "column": "qty", "strategy": "mode", "by": "city", "where": "id > 2"}]"#,
    ),
    (
        "fill_missing_by_neighbours",
        r#"[{"op": "fill_missing", "column": "amount", "strategy": "previous", "by": "city"}, {"op": "fill_missing", "column": "name", "strategy": "next", "by": "active"}]"#,
    ),
];

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(_dir: &Path) -> Vec<Case> {
    Vec::new()
}
