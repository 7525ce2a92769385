//! Text cleaning steps: removing classes of characters, collapsing whitespace, accents
//! and Unicode normal forms, and numbers written as text. They share the shape of
//! `strings.rs` (one text column in, a value written in place or into `to`).
//!
//! Character classes are Unicode general categories, the same in Rust's `regex` (what
//! wort runs) and Java's (what Spark runs, with `(?U)`): a letter is `\p{L}`, a digit
//! `\p{Nd}`, punctuation `\p{P}`, whitespace `\s` (the White_Space property).

use std::sync::LazyLock;

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::strings::{Out, Spark, TextFn, brew_fn, io, map_num, no_brew, plain_step, text_steps};
use super::{ApplyCx, CheckCx, Kind, StepImpl, map_text};
use crate::transform::target::databrew::{BrewCx, BrewStep};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::regex::java_regex;
use crate::transform::target::sql::{SqlCx, strip};
use crate::transform::target::text::{py_col, py_str, sql_str};

/// Steps that delete every match of one fixed pattern.
macro_rules! removal {
    ($name:ident, $doc:literal, $what:literal, $pattern:literal, $brew:expr) => {
        plain_step!(
            #[doc = $doc]
            $name
        );

        impl TextFn for $name {
            const OUT: Out = Out::Text;
            io!();
            fn what(&self) -> String {
                format!("remove {} from {}", $what, self.column)
            }
            fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
                Ok(c.str().replace_all(lit($pattern), lit(""), false))
            }
            fn spark(&self, c: &str) -> Result<Spark, String> {
                Ok(Spark::Sql(format!(
                    "regexp_replace({c}, {}, '')",
                    sql_str(&java_regex($pattern)?)
                )))
            }
            fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                let brew: Option<&str> = $brew;
                match brew {
                    Some(op) => Ok(vec![brew_fn(cx, op, &self.column, self.to.as_deref())?]),
                    None => no_brew(concat!(
                        "removes ",
                        $what,
                        " as wort defines them (REMOVE_COMBINED's classes are ASCII only)"
                    )),
                }
            }
        }
    };
}

removal!(
    RemovePunctuation,
    "Remove punctuation: Unicode category P (. , ; : ! ? ' \" - ( ) [ ] { } / @ # % & * _ and their non-ASCII forms such as « » ¿ 、 。). Symbols ($ + < = > ^ ` | ~ €) stay.",
    "punctuation",
    r"\p{P}",
    None
);
removal!(
    RemoveSpecial,
    "Keep only letters (with their accents), digits and whitespace; remove everything else.",
    "special characters",
    r"[^\p{L}\p{M}\p{Nd}\s]",
    Some("REMOVE_SYMBOLS")
);
removal!(
    RemoveDigits,
    "Remove digits (Unicode decimal digits, any script).",
    "digits",
    r"\p{Nd}",
    None
);
removal!(
    RemoveLetters,
    "Remove letters (Unicode letters, any script, with the accents that follow them).",
    "letters",
    r"\p{L}\p{M}*",
    None
);
removal!(
    RemoveWhitespace,
    "Remove all whitespace (spaces, tabs, line breaks, non-breaking and other Unicode spaces).",
    "whitespace",
    r"\s",
    Some("REMOVE_WHITESPACE")
);
removal!(
    RemoveQuotes,
    "Remove quotation marks: ' \" and the typographic ‘ ’ ‚ ‛ “ ” „ ‟ « » ‹ ›.",
    "quotes",
    r#"['"‘’‚‛“”„‟«»‹›]"#,
    None
);
removal!(
    RemoveNonAscii,
    "Remove every character outside ASCII (accented letters, symbols, emoji...).",
    "non-ASCII characters",
    r"[^\x00-\x7F]",
    None
);
removal!(
    RemoveControl,
    "Remove control characters (category Cc: tabs, line breaks, NUL, escape, DEL...).",
    "control characters",
    r"\p{Cc}",
    None
);

/// Remove every character listed in `chars` (wherever it is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveChars {
    /// The text column to read.
    pub column: String,
    /// The characters to remove, written one after the other: `"#*/"`.
    pub chars: String,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl RemoveChars {
    /// A regex class of the characters, each escaped.
    fn class(&self) -> String {
        let inner: String = self
            .chars
            .chars()
            .map(|c| regex::escape(&c.to_string()))
            .collect();
        format!("[{inner}]")
    }
}

impl TextFn for RemoveChars {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!(
            "remove {} from {}",
            crate::util::as_typed(&self.chars),
            self.column
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        if self.chars.is_empty() {
            cx.problem("\"chars\" is empty; list the characters to remove, like \"#*/\"");
        }
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(c.str().replace_all(lit(self.class()), lit(""), false))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "regexp_replace({c}, {}, '')",
            sql_str(&java_regex(&self.class())?)
        )))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        if self.to.as_deref().is_some_and(|t| t != self.column) {
            return Err("REMOVE_COMBINED changes the column in place; leave out \"to\"".into());
        }
        Ok(vec![
            BrewStep::op("REMOVE_COMBINED")
                .param("sourceColumn", &self.column)
                .param("removeCustomCharacters", "true")
                .param("customCharacters", &self.chars),
        ])
    }
}

plain_step!(
    /// Turn every run of whitespace into one space and trim both ends.
    CollapseWhitespace
);

impl TextFn for CollapseWhitespace {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("collapse whitespace in {}", self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(c.str()
            .strip_chars(lit(NULL))
            .str()
            .replace_all(lit(r"\s+"), lit(" "), false))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "regexp_replace({}, {}, ' ')",
            strip(c),
            sql_str(&java_regex(r"\s+")?)
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew(
            "collapses whitespace into a new column (use trim with collapse for REMOVE_COMBINED)",
        )
    }
}

static NONSPACING: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\p{Mn}").expect("a valid pattern"));

/// "Crème brûlée" -> "Creme brulee": decompose (NFD), drop the nonspacing marks
/// (category Mn), compose again (NFC).
pub fn strip_accents(s: &str) -> String {
    let decomposed: String = s.nfd().collect();
    NONSPACING.replace_all(&decomposed, "").nfc().collect()
}

const NEEDS_PYTHON: &str = "needs Python's unicodedata in Spark (Spark SQL has no Unicode normalization), which only the PySpark job has";

plain_step!(
    /// Remove accents and other marks from letters ("Crème" -> "Creme"); letters that are
    /// not built from a base letter and a mark (ø, ß, ł) stay.
    StripAccents
);

impl TextFn for StripAccents {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("strip accents from {}", self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(map_text(c, strip_accents))
    }
    fn spark(&self, _: &str) -> Result<Spark, String> {
        Ok(Spark::Py {
            expr: format!("strip_accents({})", py_col(&self.column)),
            no_sql: NEEDS_PYTHON,
        })
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("strips accents")
    }
}

/// A Unicode normal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Form {
    /// Composed: "e" + combining acute becomes "é".
    #[serde(rename = "NFC")]
    Nfc,
    /// Decomposed: "é" becomes "e" + combining acute.
    #[serde(rename = "NFD")]
    Nfd,
    /// Compatibility, composed: also "ﬁ" -> "fi", full-width "Ａ" -> "A", "²" -> "2".
    #[serde(rename = "NFKC")]
    Nfkc,
    /// Compatibility, decomposed.
    #[serde(rename = "NFKD")]
    Nfkd,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Nfc => "NFC",
            Form::Nfd => "NFD",
            Form::Nfkc => "NFKC",
            Form::Nfkd => "NFKD",
        }
    }
}

/// Rewrite text in a Unicode normal form, so that text that looks the same compares
/// equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NormalizeUnicode {
    /// The text column to read.
    pub column: String,
    pub form: Form,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for NormalizeUnicode {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("{} of {}", self.form.name(), self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let f: fn(&str) -> String = match self.form {
            Form::Nfc => |s| s.nfc().collect(),
            Form::Nfd => |s| s.nfd().collect(),
            Form::Nfkc => |s| s.nfkc().collect(),
            Form::Nfkd => |s| s.nfkd().collect(),
        };
        Ok(map_text(c, f))
    }
    fn spark(&self, _: &str) -> Result<Spark, String> {
        Ok(Spark::Py {
            expr: format!(
                "normalize_text({})({})",
                py_str(self.form.name()),
                py_col(&self.column)
            ),
            no_sql: NEEDS_PYTHON,
        })
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("normalizes Unicode")
    }
}

/// The decimal mark of numbers written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum Decimal {
    /// "1,234.5": the comma separates thousands.
    #[default]
    #[serde(rename = ".")]
    Point,
    /// "1.234,5": the point separates thousands.
    #[serde(rename = ",")]
    Comma,
}

fn is_point(d: &Decimal) -> bool {
    *d == Decimal::Point
}

/// A number written for people, as a float: "$1,234.50" -> 1234.5, "(12)" -> -12,
/// "15%" -> 0.15, "€ 1.234,5" with `"decimal": ","` -> 1234.5. Text that is not a number
/// becomes null and is counted in the run summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParseNumber {
    /// The text column to read.
    pub column: String,
    /// "." (default) or ",".
    #[serde(default, skip_serializing_if = "is_point")]
    pub decimal: Decimal,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// What a number is once signs of money, separators and spaces are gone.
const NUMBER: &str = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$";

impl ParseNumber {
    /// Whitespace, currency signs, apostrophes and the thousands separator: dropped
    /// wherever they are.
    fn noise(&self) -> String {
        let sep = match self.decimal {
            Decimal::Point => ",",
            Decimal::Comma => r"\.",
        };
        format!(r"[\s\p{{Sc}}'{sep}]")
    }
}

static PARENS: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?s)^\((.*)\)$").expect("a valid pattern"));
static NUMBER_RE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(NUMBER).expect("a valid pattern"));

/// Parse one value the way [`ParseNumber`] says (and its Spark form does, step by step).
pub fn parse_number(s: &str, noise: &regex::Regex, comma: bool) -> Option<f64> {
    let t = s.trim();
    let neg = PARENS.is_match(t);
    let t = if neg { t[1..t.len() - 1].trim() } else { t };
    let pct = t.ends_with('%');
    let t = if pct { &t[..t.len() - 1] } else { t };
    let mut body = noise.replace_all(t, "").into_owned();
    if comma {
        body = body.replace(',', ".");
    }
    if !NUMBER_RE.is_match(&body) {
        return None;
    }
    let v: f64 = body.parse().ok()?;
    Some(v * if neg { -1.0 } else { 1.0 } / if pct { 100.0 } else { 1.0 })
}

impl TextFn for ParseNumber {
    const OUT: Out = Out::Float;
    io!();
    fn what(&self) -> String {
        let mark = match self.decimal {
            Decimal::Point => "",
            Decimal::Comma => " (decimal comma)",
        };
        format!("parse numbers in {}{mark}", self.column)
    }
    fn expr(&self, c: Expr, cx: &ApplyCx) -> PolarsResult<Expr> {
        let noise = super::strings::compiled(&self.noise())?;
        let comma = self.decimal == Decimal::Comma;
        let value = map_num::<Float64Type, _>(c.clone(), move |s| parse_number(s, &noise, comma));
        // Only the values the step converts count: with `where`, the matching rows.
        let present = match cx.mask() {
            Some(m) => c.is_not_null().and(m),
            None => c.is_not_null(),
        };
        let label = format!("values of {} that are not numbers became null", self.column);
        Ok(cx.count_loss(value, present, &self.column, &label))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        let rx = |p: &str| java_regex(p).map(|j| sql_str(&j));
        let s1 = strip(c);
        let parens = rx(r"(?s)^\((.*)\)$")?;
        let neg = format!("{s1} RLIKE {parens}");
        let s3 = strip(&format!("regexp_replace({s1}, {parens}, '$1')"));
        let pct = format!("{s3} RLIKE {}", rx("%$")?);
        let s4 = format!("regexp_replace({s3}, {}, '')", rx("%$")?);
        let mut s5 = format!("regexp_replace({s4}, {}, '')", rx(&self.noise())?);
        if self.decimal == Decimal::Comma {
            s5 = format!("replace({s5}, ',', '.')");
        }
        Ok(Spark::Sql(format!(
            "CASE WHEN {s5} RLIKE {} THEN CAST({s5} AS DOUBLE) * CASE WHEN {neg} THEN -1D ELSE 1D END / CASE WHEN {pct} THEN 100D ELSE 1D END END",
            rx(NUMBER)?
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("reads numbers written with currency signs, separators and percents")
    }
}

text_steps!(
    RemovePunctuation,
    RemoveSpecial,
    RemoveDigits,
    RemoveLetters,
    RemoveWhitespace,
    RemoveQuotes,
    RemoveNonAscii,
    RemoveControl,
    RemoveChars,
    CollapseWhitespace,
    StripAccents,
    NormalizeUnicode,
    ParseNumber,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents() {
        assert_eq!(
            strip_accents("Crème brûlée à Zürich"),
            "Creme brulee a Zurich"
        );
        assert_eq!(strip_accents("ø ß ł 東京 한국"), "ø ß ł 東京 한국");
        assert_eq!(strip_accents("e\u{301}"), "e");
    }

    #[test]
    fn numbers() {
        let p = |s: &str, d: Decimal| {
            let step = ParseNumber {
                column: "x".into(),
                decimal: d,
                to: None,
            };
            parse_number(
                s,
                &regex::Regex::new(&step.noise()).unwrap(),
                d == Decimal::Comma,
            )
        };
        assert_eq!(p("$1,234.50", Decimal::Point), Some(1234.5));
        assert_eq!(p(" (12) ", Decimal::Point), Some(-12.0));
        assert_eq!(p("15%", Decimal::Point), Some(0.15));
        assert_eq!(p("(7.5 %)", Decimal::Point), Some(-0.075));
        assert_eq!(p("€ 1.234,5", Decimal::Comma), Some(1234.5));
        assert_eq!(p("1'000", Decimal::Point), Some(1000.0));
        assert_eq!(p("-£3", Decimal::Point), Some(-3.0));
        assert_eq!(p("1e3", Decimal::Point), Some(1000.0));
        for bad in ["", "abc", "()", "1-2", "--1", "%", "$", "1.2.3"] {
            assert_eq!(p(bad, Decimal::Point), None, "{bad:?}");
        }
        // Separators are dropped wherever they are: the wrong `decimal` reads wrong.
        assert_eq!(p("1.234,5", Decimal::Point), Some(1.2345));
    }
}
