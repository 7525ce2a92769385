//! Counting the values of a column for the frequency sheet (`popups::frequency`), and
//! the `filter` condition keeping some of them. Missing values are counted as a value
//! of their own but not as a distinct value: the one definition the grid header,
//! status bar and profile share (`profile::distinct_values`).

use polars::prelude::*;

use crate::transform::clean_polars_error;
use crate::transform::target::text::{polars_ident, polars_str};
use crate::tui::frames::cell_of;

/// One value of the column and how many rows hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// As the grid shows it (`null` for a missing value, `""` for empty text).
    pub label: String,
    pub count: u64,
    pub kind: Kind,
}

/// How a value is matched in the filter's SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A missing value: `IS NULL`.
    Missing,
    /// A SQL literal equal to the value (text, number, boolean).
    Literal(String),
    /// A value with no literal here (dates, times, NaN): matched on its text.
    Text(String),
}

/// The counted values, most frequent first (ties by label).
#[derive(Debug, Clone, PartialEq)]
pub struct Frequencies {
    pub values: Vec<Value>,
    pub rows: u64,
    /// Distinct values, missing not counted (`profile::distinct_values`).
    pub distinct: u64,
}

/// Count the values of `column` (in the worker).
pub fn count(column: &Column) -> Result<Frequencies, String> {
    let err = |e: PolarsError| clean_polars_error(&e);
    let series = column.as_materialized_series();
    let counts = series
        .value_counts(false, false, "__wort_count".into(), false)
        .map_err(err)?;
    let values = counts.column(series.name().as_str()).map_err(err)?;
    let texts = values.cast(&DataType::String).map_err(err)?;
    let texts = texts.str().map_err(err)?;
    let n = counts
        .column("__wort_count")
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(err)?;
    let n = n.u64().map_err(err)?;
    let mut out = Vec::with_capacity(counts.height());
    for i in 0..counts.height() {
        let v = values.get(i).map_err(err)?;
        let text = texts.get(i).unwrap_or_default().to_string();
        let kind = match &v {
            AnyValue::Null => Kind::Missing,
            AnyValue::String(s) => Kind::Literal(polars_str(s)),
            AnyValue::StringOwned(s) => Kind::Literal(polars_str(s)),
            AnyValue::Boolean(b) => Kind::Literal(b.to_string()),
            // A float SQL reads back exactly (`{:?}`: the shortest that does). Very
            // large or small ones (1e300, which SQL does not parse with an exponent),
            // NaN, infinities and 32-bit floats (as a literal, compared as a 64-bit
            // one: 0.1 would not equal itself) are matched on their text.
            AnyValue::Float64(f) if f.is_finite() && !format!("{f:?}").contains('e') => {
                Kind::Literal(format!("{f:?}"))
            }
            v if v.dtype().is_integer() => Kind::Literal(text.clone()),
            _ => Kind::Text(text),
        };
        out.push(Value {
            label: cell_of(&v).display(),
            count: n.get(i).unwrap_or(0),
            kind,
        });
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    Ok(Frequencies {
        values: out,
        rows: column.len() as u64,
        distinct: crate::profile::distinct_values(column).unwrap_or(0),
    })
}

/// The `keep` condition of a filter keeping the rows holding `values` of `column`.
pub fn condition(column: &str, values: &[&Value]) -> String {
    let ident = polars_ident(column);
    let mut literals = Vec::new();
    let mut texts = Vec::new();
    let mut missing = false;
    for v in values {
        match &v.kind {
            Kind::Missing => missing = true,
            Kind::Literal(l) => literals.push(l.clone()),
            Kind::Text(t) => texts.push(polars_str(t)),
        }
    }
    let one_of = |subject: &str, items: &[String]| match items {
        [one] => format!("{subject} = {one}"),
        many => format!("{subject} IN ({})", many.join(", ")),
    };
    let mut parts = Vec::new();
    if !literals.is_empty() {
        parts.push(one_of(&ident, &literals));
    }
    if !texts.is_empty() {
        parts.push(one_of(&format!("CAST({ident} AS VARCHAR)"), &texts));
    }
    if missing {
        parts.push(format!("{ident} IS NULL"));
    }
    parts.join(" OR ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Step;
    use serde_json::json;

    /// The rows a filter keeping `values` of `column` leaves, through the `filter` step.
    fn kept(df: &DataFrame, column: &str, values: &[&Value]) -> usize {
        let step: Step =
            serde_json::from_value(json!({"op": "filter", "keep": condition(column, values)}))
                .unwrap();
        crate::recipe::apply(&crate::recipe::Recipe::of_step(&step), df.clone().lazy())
            .unwrap()
            .collect()
            .unwrap()
            .height()
    }

    #[test]
    fn counts_most_frequent_first_with_missing_and_empty_text_apart() {
        let df = df!("s" => [Some("b"), Some(""), None, Some("a"), Some("b"), None, Some("it's")])
            .unwrap();
        let c = df.column("s").unwrap();
        let f = count(c).unwrap();
        let shown: Vec<(&str, u64)> = f
            .values
            .iter()
            .map(|v| (v.label.as_str(), v.count))
            .collect();
        assert_eq!(
            shown,
            [("b", 2), ("null", 2), ("\"\"", 1), ("a", 1), ("it's", 1)]
        );
        assert_eq!(f.values[1].kind, Kind::Missing);
        // The profile's distinct count: missing left out, empty text is a value.
        assert_eq!(f.distinct, 4);
        assert_eq!(f.rows, 7);
        // Each value's filter keeps exactly the rows counted.
        for v in &f.values {
            assert_eq!(kept(&df, "s", &[v]) as u64, v.count, "{v:?}");
        }
        let all: Vec<&Value> = f.values.iter().collect();
        assert_eq!(kept(&df, "s", &all), 7);
        assert_eq!(
            condition("s", &[&f.values[0], &f.values[4], &f.values[1]]),
            "s IN ('b', 'it''s') OR s IS NULL"
        );
    }

    #[test]
    fn numbers_booleans_and_dates_filter_on_their_own_values() {
        let dates = Series::new("d".into(), [Some("2024-01-31"), None, Some("2024-01-31")])
            .cast(&DataType::Date)
            .unwrap();
        let df = DataFrame::new(
            3,
            vec![
                Column::new(
                    "Body Mass (g)".into(),
                    [Some(3.5f64), Some(f64::NAN), Some(3.5)],
                ),
                Column::new("ok".into(), [true, false, true]),
                Column::new("huge".into(), [1e300f64, 2.5e-10, 1e300]),
                Column::new("f32".into(), [0.1f32, 0.2, 0.1]),
                Column::new("n".into(), [7i64, -2, 7]),
                dates.into(),
            ],
        )
        .unwrap();
        for name in ["Body Mass (g)", "ok", "huge", "f32", "n", "d"] {
            let f = count(df.column(name).unwrap()).unwrap();
            assert_eq!(f.values[0].count, 2, "{name}: {f:?}");
            for v in &f.values {
                assert_eq!(kept(&df, name, &[v]) as u64, v.count, "{name} {v:?}");
            }
        }
        let f = count(df.column("Body Mass (g)").unwrap()).unwrap();
        assert_eq!(
            condition("Body Mass (g)", &[&f.values[0]]),
            "\"Body Mass (g)\" = 3.5"
        );
        let f = count(df.column("d").unwrap()).unwrap();
        assert_eq!(
            condition("d", &[&f.values[0]]),
            "CAST(d AS VARCHAR) = '2024-01-31'"
        );
    }
}
