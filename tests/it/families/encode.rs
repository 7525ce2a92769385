//! The encode steps.

use std::path::Path;

use crate::export::Case;

/// Spark parity cases over the messy file (`export::MESSY`): (name, recipe steps).
pub const CASES: &[(&str, &str)] = &[
    (
        "bin_edges_labels",
        r##"[{"op": "bin", "column": "amount", "method": "edges", "edges": [0, 10, 12.5, 1000], "labels": ["low", "mid", "high"], "to": "band"}]"##,
    ),
    (
        "bin_equal_width_where",
        r##"[{"op": "bin", "column": "qty", "method": "equal_width", "bins": 4, "to": "qty_bin", "where": "city = 'boston' OR city IS NULL"}]"##,
    ),
    (
        "bin_quantile_in_place",
        r##"[{"op": "bin", "column": "amount", "method": "quantile", "bins": 4, "to": "amount"}]"##,
    ),
    (
        "one_hot_city",
        r##"[{"op": "one_hot", "column": "city", "prefix": "city_"}]"##,
    ),
    (
        "one_hot_max_categories",
        r##"[{"op": "one_hot", "column": "city", "prefix": "c_", "max_categories": 2}, {"op": "one_hot", "column": "active", "prefix": "active_"}]"##,
    ),
    (
        "scale_minmax",
        r##"[{"op": "scale", "column": "amount", "method": "minmax"}]"##,
    ),
    (
        "scale_zscore_to",
        r##"[{"op": "scale", "column": "qty", "method": "zscore", "to": "qty_z"}]"##,
    ),
    (
        "scale_robust_where",
        r##"[{"op": "scale", "column": "amount", "method": "robust", "to": "amount_r", "where": "qty > 3"}]"##,
    ),
    (
        "scale_log",
        r##"[{"op": "scale", "column": "amount", "method": "log", "to": "ln_amount"}]"##,
    ),
    (
        "map_values_text",
        r##"[{"op": "map_values", "column": "city", "mapping": {"new york": "NYC", "boston": "BOS", "nowhere": null}}]"##,
    ),
    (
        "map_values_default_to",
        r##"[{"op": "map_values", "column": "city", "mapping": {"chicago": "CHI"}, "default": "other", "to": "metro"}]"##,
    ),
    (
        "map_values_numbers_where",
        r##"[{"op": "map_values", "column": "qty", "mapping": {"3": 30, "5.0": 50, "100": null}, "default": -1, "where": "id > 4"}]"##,
    ),
];

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(_dir: &Path) -> Vec<Case> {
    Vec::new()
}
