//! Small helpers shared by the core modules.

use polars::prelude::{DataType, PolarsError};

/// The closest candidate to `name` (Jaro-Winkler similarity), when it is close enough
/// to be worth suggesting.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&lower, &c.to_lowercase())))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// ` ; did you mean "x"?` or an empty string.
pub fn suggestion_suffix<'a, I>(name: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match did_you_mean(name, candidates) {
        Some(c) => format!("; did you mean \"{c}\"?"),
        None => String::new(),
    }
}

/// 1234567 -> "1,234,567".
/// `n` and the noun, singular for one: `1 step`, `3 steps`, `1,200 rows`.
pub fn count_of(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Quote a string for a message, cut to `max` characters.
pub fn quoted(s: &str, max: usize) -> String {
    let mut t: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        t.push('…');
    }
    format!("{t:?}")
}

/// Text in double quotes as the user typed it: backslashes and quotes stay as they are
/// (a regular expression `^(\w+)` shows as `"^(\w+)"`, not with its backslash doubled);
/// only line breaks and tabs are shown as `\n` and `\t`, so the text stays on one line.
pub fn as_typed(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A readable name for a polars type, in recipe vocabulary.
pub fn type_name(dt: &DataType) -> String {
    match dt {
        DataType::String => "text".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date => "date".into(),
        DataType::Datetime(_, _) => "datetime".into(),
        dt if dt.is_integer() => "int".into(),
        dt if dt.is_float() => "float".into(),
        DataType::Null => "null".into(),
        other => other.to_string(),
    }
}

/// The first line of a polars error without its variant prefix.
pub fn clean_polars_error(e: &PolarsError) -> String {
    let text = match e {
        PolarsError::Context { error, .. } => return clean_polars_error(error),
        PolarsError::SQLInterface(m)
        | PolarsError::SQLSyntax(m)
        | PolarsError::ComputeError(m)
        | PolarsError::InvalidOperation(m)
        | PolarsError::ColumnNotFound(m)
        | PolarsError::SchemaMismatch(m)
        | PolarsError::SchemaFieldNotFound(m) => m.to_string(),
        other => other.to_string(),
    };
    text.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(336776), "336,776");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn suggests_close_names_only() {
        let cols = ["arr_delay", "dep_delay", "carrier"];
        assert_eq!(did_you_mean("arr_dealy", cols), Some("arr_delay"));
        assert_eq!(did_you_mean("zzz", cols), None);
    }
}

#[cfg(test)]
mod typed_tests {
    use super::as_typed;

    #[test]
    fn text_shows_as_typed() {
        assert_eq!(as_typed(r"^(\w+)"), r#""^(\w+)""#);
        assert_eq!(as_typed("a\"b"), "\"a\"b\"");
        assert_eq!(as_typed("a\nb\tc"), r#""a\nb\tc""#);
    }
}
