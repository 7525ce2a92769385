//! Type inference over every value of a sample: integers, floats, booleans, dates and
//! datetimes (ISO 8601 and other common formats), or text.

use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

/// How a text column is converted once its type is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conversion {
    Int,
    Float,
    Bool,
    Date(String),
    Datetime(String),
}

impl Conversion {
    pub fn dtype(&self) -> DataType {
        match self {
            Conversion::Int => DataType::Int64,
            Conversion::Float => DataType::Float64,
            Conversion::Bool => DataType::Boolean,
            Conversion::Date(_) => DataType::Date,
            Conversion::Datetime(_) => DataType::Datetime(TimeUnit::Microseconds, None),
        }
    }

    /// The expression converting text column `name` (non-strict: failures become null).
    pub fn expr(&self, name: &str, strict: bool) -> Expr {
        let c = col(name);
        let options = |f: &str| StrptimeOptions {
            format: Some(f.into()),
            strict,
            exact: true,
            cache: true,
        };
        match self {
            Conversion::Int => {
                if strict {
                    c.strict_cast(DataType::Int64)
                } else {
                    c.cast(DataType::Int64)
                }
            }
            Conversion::Float => {
                if strict {
                    c.strict_cast(DataType::Float64)
                } else {
                    c.cast(DataType::Float64)
                }
            }
            Conversion::Bool => {
                let l = c.clone().str().to_lowercase();
                let b = when(l.clone().eq(lit("true")))
                    .then(lit(true))
                    .when(l.eq(lit("false")))
                    .then(lit(false))
                    .otherwise(lit(NULL).cast(DataType::Boolean));
                if strict {
                    // Fail loudly on anything else, like the other conversions.
                    b.strict_cast(DataType::Boolean)
                } else {
                    b
                }
            }
            Conversion::Date(f) => c.str().to_date(options(f)),
            Conversion::Datetime(f) => {
                c.str()
                    .to_datetime(Some(TimeUnit::Microseconds), None, options(f), lit("raise"))
            }
        }
        .alias(name)
    }

    pub fn describe(&self) -> String {
        match self {
            Conversion::Int => "int".into(),
            Conversion::Float => "float".into(),
            Conversion::Bool => "bool".into(),
            Conversion::Date(f) => format!("date ({f})"),
            Conversion::Datetime(f) => format!("datetime ({f})"),
        }
    }
}

/// Values of a mostly-typed column that did not fit, so it stayed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Junk {
    /// The type most values have.
    pub kind: String,
    /// How many values did not fit.
    pub count: u64,
    /// Out of how many non-missing values.
    pub of: u64,
    /// Up to three distinct examples.
    pub examples: Vec<String>,
}

/// What inference found for one column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inferred {
    pub conversion: Option<Conversion>,
    pub junk: Option<Junk>,
    pub note: Option<String>,
}

/// Date formats tried, most specific first; the first that parses every value wins.
pub const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%d-%b-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d-%b-%y",
];

/// Datetime formats tried.
pub const DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
];

fn is_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn has_leading_zero(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_float(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && s.parse::<f64>().is_ok()
}

fn is_bool(s: &str) -> bool {
    s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
}

/// A date or datetime format, parsed once, with its hits and misses over a column.
struct TemporalFormat {
    fmt: &'static str,
    items: Vec<chrono::format::Item<'static>>,
    datetime: bool,
    hits: u64,
    misses: u64,
}

impl TemporalFormat {
    fn new(fmt: &'static str, datetime: bool) -> Self {
        let items = chrono::format::StrftimeItems::new(fmt)
            .parse_to_owned()
            .unwrap_or_default();
        TemporalFormat {
            fmt,
            items,
            datetime,
            hits: 0,
            misses: 0,
        }
    }

    /// The same test as `NaiveDate::parse_from_str(v, fmt).is_ok()` (or NaiveDateTime's).
    fn fits(&self, v: &str) -> bool {
        let mut parsed = chrono::format::Parsed::new();
        if self.items.is_empty()
            || chrono::format::parse(&mut parsed, v, self.items.iter()).is_err()
        {
            return false;
        }
        if self.datetime {
            parsed.to_naive_datetime_with_offset(0).is_ok()
        } else {
            parsed.to_naive_date().is_ok()
        }
    }
}

fn looks_temporal(s: &str) -> bool {
    let len = s.len();
    (6..=40).contains(&len) && s.bytes().filter(|b| b.is_ascii_digit()).count() >= 4
}

/// Infer the type of a text column from every non-missing value.
pub fn infer(values: &StringChunked) -> Inferred {
    let total = (values.len() - values.null_count()) as u64;
    if total == 0 {
        return Inferred::default();
    }
    let (mut ints, mut floats, mut bools) = (0u64, 0u64, 0u64);
    let mut leading_zero = false;
    // Temporal-looking values, each once with its count: a column repeats its dates.
    let mut temporal: hashbrown::HashMap<&str, u64> = hashbrown::HashMap::new();
    for v in values.iter().flatten() {
        if is_int(v) {
            ints += 1;
            floats += 1;
            leading_zero |= has_leading_zero(v);
            continue;
        }
        if is_float(v) {
            floats += 1;
            continue;
        }
        if is_bool(v) {
            bools += 1;
            continue;
        }
        if looks_temporal(v) {
            *temporal.entry(v).or_insert(0) += 1;
        }
    }
    let mut dates: Vec<(&str, u64)> = DATE_FORMATS.iter().map(|f| (*f, 0)).collect();
    let mut datetimes: Vec<(&str, u64)> = DATETIME_FORMATS.iter().map(|f| (*f, 0)).collect();
    // A format matters only while it can still fit 90 % of the values (the junk rule
    // below): past that many misses it is dropped.
    let allowed_misses = total - (total * 9).div_ceil(10);
    let temporal_count: u64 = temporal.values().sum();
    if total - temporal_count <= allowed_misses {
        let mut formats: Vec<TemporalFormat> = DATE_FORMATS
            .iter()
            .map(|f| TemporalFormat::new(f, false))
            .chain(
                DATETIME_FORMATS
                    .iter()
                    .map(|f| TemporalFormat::new(f, true)),
            )
            .collect();
        for f in formats.iter_mut() {
            f.misses = total - temporal_count;
        }
        for (v, &count) in &temporal {
            for f in formats.iter_mut().filter(|f| f.misses <= allowed_misses) {
                if f.fits(v) {
                    f.hits += count;
                } else {
                    f.misses += count;
                }
            }
        }
        for f in &formats {
            let list = if f.datetime {
                &mut datetimes
            } else {
                &mut dates
            };
            if let Some(slot) = list.iter_mut().find(|(g, _)| *g == f.fmt) {
                slot.1 = f.hits;
            }
        }
    }
    let best_date = dates
        .iter()
        .copied()
        .max_by_key(|(_, n)| *n)
        .unwrap_or(("", 0));
    let best_dt = datetimes
        .iter()
        .copied()
        .max_by_key(|(_, n)| *n)
        .unwrap_or(("", 0));
    // A format wins only if it parses every value; the first such in the list.
    let full_date = dates.iter().find(|(_, n)| *n == total).map(|(f, _)| *f);
    let full_dt = datetimes.iter().find(|(_, n)| *n == total).map(|(f, _)| *f);

    let mut out = Inferred::default();
    if ints == total {
        if leading_zero {
            out.note = Some("looks numeric but has leading zeros (a code?): kept as text".into());
        } else {
            out.conversion = Some(Conversion::Int);
        }
        return out;
    }
    if floats == total {
        out.conversion = Some(Conversion::Float);
        return out;
    }
    if bools == total {
        out.conversion = Some(Conversion::Bool);
        return out;
    }
    if let Some(f) = full_dt {
        out.conversion = Some(Conversion::Datetime(f.to_string()));
        return out;
    }
    if let Some(f) = full_date {
        let others: Vec<&str> = dates
            .iter()
            .filter(|(g, n)| *n == total && *g != f)
            .map(|(g, _)| *g)
            .collect();
        if !others.is_empty() {
            out.note = Some(format!(
                "dates are ambiguous: {f} also fits {}; pass a parse_date step with the right format if needed",
                others.join(", ")
            ));
        }
        out.conversion = Some(Conversion::Date(f.to_string()));
        return out;
    }
    // Mostly one type with a few junk values: stays text, junk reported.
    let candidates = [
        ("int", if leading_zero { 0 } else { ints }),
        ("float", floats),
        ("date", best_date.1),
        ("datetime", best_dt.1),
    ];
    // The first of equally good candidates wins (an int column is also a float one).
    if let Some((kind, fit)) = candidates.iter().rev().copied().max_by_key(|(_, n)| *n)
        && fit > 0
        && fit * 10 >= total * 9
    {
        let kind = if kind == "int" && floats > ints {
            "float"
        } else {
            kind
        };
        let fits = |v: &str| match kind {
            "int" => is_int(v),
            "float" => is_int(v) || is_float(v),
            "date" => NaiveDate::parse_from_str(v, best_date.0).is_ok(),
            _ => NaiveDateTime::parse_from_str(v, best_dt.0).is_ok(),
        };
        let mut examples: Vec<String> = Vec::new();
        let mut count = 0u64;
        for v in values.iter().flatten() {
            if !fits(v) {
                count += 1;
                if examples.len() < 3 && !examples.iter().any(|e| e == v) {
                    examples.push(v.to_string());
                }
            }
        }
        out.junk = Some(Junk {
            kind: kind.to_string(),
            count,
            of: total,
            examples,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(values: &[Option<&str>]) -> Inferred {
        infer(&StringChunked::new("x".into(), values))
    }

    #[test]
    fn parsed_formats_agree_with_chrono_parse_from_str() {
        let values = [
            "2023-01-05",
            "2023/01/05",
            "01/05/2023",
            "31/12/2023",
            "05.01.2023",
            "5 Jan 2023",
            "Jan 5, 2023",
            "January 5, 2023",
            "05-Jan-23",
            "12/31/99",
            "2023-01-05 10:11:12",
            "2023-01-05T10:11:12.5Z",
            "2023-01-05T10:11",
            "13/13/2023",
            "2023-02-30",
            "01/05/2023 01:02 PM",
            "not a date 1234",
            "2023-01-05 25:00:00",
        ];
        for v in values {
            for f in DATE_FORMATS {
                let ours = TemporalFormat::new(f, false).fits(v);
                assert_eq!(ours, NaiveDate::parse_from_str(v, f).is_ok(), "{v} {f}");
            }
            for f in DATETIME_FORMATS {
                let ours = TemporalFormat::new(f, true).fits(v);
                assert_eq!(ours, NaiveDateTime::parse_from_str(v, f).is_ok(), "{v} {f}");
            }
        }
    }

    #[test]
    fn a_date_column_with_a_few_junk_values_reports_them() {
        let mut v: Vec<Option<&str>> = vec![Some("2023-01-05"); 95];
        v.extend([
            Some("soon"),
            Some("n/a yet"),
            Some("2023-02-30"),
            Some("12"),
            Some("x"),
        ]);
        let out = run(&v);
        assert_eq!(out.conversion, None);
        let junk = out.junk.expect("junk");
        assert_eq!((junk.kind.as_str(), junk.count, junk.of), ("date", 5, 100));
    }

    #[test]
    fn infers_types_from_every_value() {
        assert_eq!(
            run(&[Some("1"), Some("-2"), None]).conversion,
            Some(Conversion::Int)
        );
        assert_eq!(
            run(&[Some("1"), Some("2.5")]).conversion,
            Some(Conversion::Float)
        );
        assert_eq!(
            run(&[Some("TRUE"), Some("false")]).conversion,
            Some(Conversion::Bool)
        );
        assert_eq!(
            run(&[Some("2023-01-05"), Some("2024-12-31")]).conversion,
            Some(Conversion::Date("%Y-%m-%d".into()))
        );
        assert_eq!(
            run(&[Some("2013-01-01 05:00:00")]).conversion,
            Some(Conversion::Datetime("%Y-%m-%d %H:%M:%S".into()))
        );
        assert_eq!(
            run(&[Some("25/12/2023"), Some("01/02/2023")]).conversion,
            Some(Conversion::Date("%d/%m/%Y".into()))
        );
        assert_eq!(
            run(&[Some("5 Jan 2023"), Some("17 Mar 2021")]).conversion,
            Some(Conversion::Date("%d %b %Y".into()))
        );
        assert_eq!(run(&[Some("a"), Some("1")]).conversion, None);
        assert_eq!(run(&[None, None]).conversion, None);
    }

    #[test]
    fn leading_zeros_stay_text() {
        let r = run(&[Some("00123"), Some("45")]);
        assert_eq!(r.conversion, None);
        assert!(r.note.unwrap().contains("leading zeros"));
    }

    #[test]
    fn mostly_numeric_with_junk_stays_text_and_counts_junk() {
        let mut v: Vec<Option<&str>> = vec![Some("12"); 40];
        v.push(Some("n/a?"));
        v.push(Some("12.5 EUR"));
        let r = run(&v);
        assert_eq!(r.conversion, None);
        let junk = r.junk.unwrap();
        assert_eq!((junk.kind.as_str(), junk.count, junk.of), ("int", 2, 42));
        assert_eq!(junk.examples, vec!["n/a?", "12.5 EUR"]);
    }

    #[test]
    fn ambiguous_day_month_is_noted() {
        let r = run(&[Some("01/02/2023"), Some("03/04/2023")]);
        assert_eq!(r.conversion, Some(Conversion::Date("%m/%d/%Y".into())));
        assert!(r.note.unwrap().contains("ambiguous"));
    }
}
