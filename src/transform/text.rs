//! Text steps: upper, lower, title, sentence, trim, replace, extract, split, merge,
//! add_prefix, add_suffix. They need a text column (cast other types first).

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, map_text};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::regex::{
    java_literal, java_literal_replacement, java_regex, java_replacement,
};
use crate::transform::target::sql::{SqlCx, strip};
use crate::transform::target::text::{py_col, py_list, py_str, sql_ident, sql_str};

macro_rules! case_step {
    ($name:ident, $verb:literal, $f:expr, $py:literal, $sql:expr, $brew:literal) => {
        #[doc = concat!("Change a text column to ", $verb, ".")]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub column: String,
        }

        impl StepImpl for $name {
            fn describe(&self) -> String {
                format!("{} {}", $verb, self.column)
            }
            fn kind(&self) -> Kind {
                Kind::Values
            }
            fn check(&self, cx: &mut CheckCx) {
                cx.text_column(&self.column);
            }
            fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
                let f: fn(Expr) -> Expr = $f;
                let new = f(col(self.column.as_str()));
                Ok(lf.with_column(cx.values(&self.column, new)))
            }
            fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
                Ok(cx.set(&self.column, &format!($py, py_col(&self.column))))
            }
            fn sql(&self, cx: &SqlCx) -> Result<String, String> {
                let sql: Option<&str> = $sql;
                let Some(func) = sql else {
                    return Err(
                        "needs a Python function in Spark (wort's word rules), which only the PySpark job has"
                            .into(),
                    );
                };
                let e = cx.value(&self.column, &format!("{func}({})", sql_ident(&self.column)));
                Ok(cx.with_columns(&[(self.column.clone(), e)]))
            }
            fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                cx.no_where()?;
                Ok(vec![BrewStep::op($brew).param("sourceColumn", &self.column)])
            }
        }
    };
}

case_step!(
    Upper,
    "upper-case",
    |e| e.str().to_uppercase(),
    "F.upper({})",
    Some("upper"),
    "UPPER_CASE"
);
case_step!(
    Lower,
    "lower-case",
    |e| e.str().to_lowercase(),
    "F.lower({})",
    Some("lower"),
    "LOWER_CASE"
);
case_step!(
    Title,
    "title-case",
    |e| map_text(e, title_case),
    "title_case({})",
    None,
    "CAPITAL_CASE"
);
case_step!(
    Sentence,
    "sentence-case",
    |e| map_text(e, sentence_case),
    "sentence_case({})",
    None,
    "SENTENCE_CASE"
);

/// "hello wORLD-wide" -> "Hello World-Wide": upper-case the first letter of every word
/// (a word starts after anything that is not a letter, digit or apostrophe), lower-case
/// the rest.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            if start {
                out.extend(ch.to_uppercase());
            } else {
                out.extend(ch.to_lowercase());
            }
            start = false;
        } else {
            out.push(ch);
            start = ch != '\'' && ch != '’';
        }
    }
    out
}

/// "hELLO. wORLD" -> "Hello. world": upper-case the first letter, lower-case the rest.
pub fn sentence_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut seen = false;
    for ch in s.chars() {
        if !seen && ch.is_alphabetic() {
            out.extend(ch.to_uppercase());
            seen = true;
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// Remove leading and trailing whitespace; with `collapse`, also turn every inner run of
/// whitespace into one space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trim {
    pub column: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub collapse: bool,
}

impl StepImpl for Trim {
    fn describe(&self) -> String {
        if self.collapse {
            format!("trim and collapse spaces in {}", self.column)
        } else {
            format!("trim {}", self.column)
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let mut e = col(self.column.as_str()).str().strip_chars(lit(NULL));
        if self.collapse {
            e = e.str().replace_all(lit(r"\s+"), lit(" "), false);
        }
        Ok(lf.with_column(cx.values(&self.column, e)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let collapse = if self.collapse { ", collapse=True" } else { "" };
        Ok(cx.set(
            &self.column,
            &format!("trim_text({}{collapse})", py_col(&self.column)),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let mut e = strip(&sql_ident(&self.column));
        if self.collapse {
            e = format!("regexp_replace({e}, {}, ' ')", sql_str(r"(?U)\s+"));
        }
        let e = cx.value(&self.column, &e);
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let mut st = BrewStep::op("REMOVE_COMBINED")
            .param("sourceColumn", &self.column)
            .param("removeLeadingAndTrailingWhitespace", "true");
        if self.collapse {
            st = st.param("collapseConsecutiveWhitespace", "true");
        }
        Ok(vec![st])
    }
}

/// Replace every occurrence of `pattern` with `with`: literal text, or a regular
/// expression with `"regex": true` (then `with` may use `$1`, `${name}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replace {
    pub column: String,
    pub pattern: String,
    pub with: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub regex: bool,
}

impl StepImpl for Replace {
    fn describe(&self) -> String {
        let kind = if self.regex { "regex " } else { "" };
        format!(
            "replace {kind}{} with {} in {}",
            crate::util::as_typed(&self.pattern),
            crate::util::as_typed(&self.with),
            self.column
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
        if self.pattern.is_empty() {
            cx.problem("\"pattern\" is empty");
        }
        if self.regex {
            cx.regex(&self.pattern);
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let e = col(self.column.as_str()).str().replace_all(
            lit(self.pattern.as_str()),
            lit(self.with.as_str()),
            !self.regex,
        );
        Ok(lf.with_column(cx.values(&self.column, e)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let (p, w) = self.java()?;
        Ok(cx.set(
            &self.column,
            &format!(
                "F.regexp_replace({}, {}, {})",
                py_col(&self.column),
                py_str(&p),
                py_str(&w)
            ),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let (p, w) = self.java()?;
        let e = format!(
            "regexp_replace({}, {}, {})",
            sql_ident(&self.column),
            sql_str(&p),
            sql_str(&w)
        );
        let e = cx.value(&self.column, &e);
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        // REPLACE_TEXT reads its pattern as a regex when it looks like one.
        let (pattern, value) = if self.regex {
            (self.pattern.clone(), self.with.clone())
        } else if self.pattern.chars().any(|c| r"\.+*?()|[]{}^$".contains(c)) {
            (regex::escape(&self.pattern), self.with.replace('$', "$$"))
        } else {
            (self.pattern.clone(), self.with.clone())
        };
        Ok(vec![
            BrewStep::op("REPLACE_TEXT")
                .param("sourceColumn", &self.column)
                .param("pattern", pattern)
                .param("value", value),
        ])
    }
}

impl Replace {
    /// The Java regex and replacement doing this replacement.
    fn java(&self) -> Result<(String, String), String> {
        if self.regex {
            Ok((
                java_regex(&self.pattern)?,
                java_replacement(&self.with, &self.pattern),
            ))
        } else {
            Ok((
                java_literal(&self.pattern),
                java_literal_replacement(&self.with),
            ))
        }
    }
}

/// Copy the part of `column` matched by the one capture group of `pattern` into `to`
/// (null when it does not match).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extract {
    pub column: String,
    pub pattern: String,
    pub to: String,
}

impl StepImpl for Extract {
    fn describe(&self) -> String {
        format!(
            "extract {} from {} into {}",
            crate::util::as_typed(&self.pattern),
            self.column,
            self.to
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
        cx.new_name("to", &self.to);
        if let Some(re) = cx.regex(&self.pattern)
            && re.captures_len() != 2
        {
            cx.problem(format!(
                "pattern {:?} has {} capture groups; it needs exactly one, like \"([0-9]+)\" (use (?:...) for other groups)",
                self.pattern,
                re.captures_len() - 1
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let e = col(self.column.as_str())
            .str()
            .extract(lit(self.pattern.as_str()), 1);
        Ok(lf.with_column(cx.values(&self.to, e)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(cx.set(
            &self.to,
            &format!(
                "extract({}, {})",
                py_col(&self.column),
                py_str(&java_regex(&self.pattern)?)
            ),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let c = sql_ident(&self.column);
        let p = sql_str(&java_regex(&self.pattern)?);
        let e = cx.value(
            &self.to,
            &format!("CASE WHEN {c} RLIKE {p} THEN regexp_extract({c}, {p}, 1) END"),
        );
        Ok(cx.with_columns(&[(self.to.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let Some(pattern) = whole_match(&self.pattern) else {
            return Err(
                "EXTRACT_PATTERN keeps the whole match; this pattern's group is only part of it"
                    .into(),
            );
        };
        Ok(vec![
            BrewStep::op("EXTRACT_PATTERN")
                .param("sourceColumn", &self.column)
                .param("pattern", pattern)
                .param("targetColumn", &self.to),
        ])
    }
}

/// When the capture group is the whole match (`^(\w+)`, `(\d+)$`), the pattern without
/// the group's parentheses.
fn whole_match(pattern: &str) -> Option<String> {
    let (start, rest) = match pattern.strip_prefix('^') {
        Some(r) => ("^", r),
        None => ("", pattern),
    };
    let (body, end) = match rest.strip_suffix('$') {
        Some(b) if !b.ends_with('\\') => (b, "$"),
        _ => (rest, ""),
    };
    let inner = body.strip_prefix('(')?.strip_suffix(')')?;
    if inner.starts_with('?') {
        return None;
    }
    // The opening parenthesis must close at the very end.
    let mut depth = 0i32;
    let mut escaped = false;
    let mut class = false;
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => {
                depth -= 1;
                if depth == 0 && i + 1 != body.len() {
                    return None;
                }
            }
            _ => {}
        }
    }
    Some(format!("{start}{inner}{end}"))
}

/// Split a text column at a literal delimiter into the columns named in `into`; the last
/// one gets the rest of the text. Missing parts are null. The new columns follow the
/// original, which is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub column: String,
    pub delimiter: String,
    pub into: Vec<String>,
}

impl StepImpl for Split {
    fn describe(&self) -> String {
        format!(
            "split {} at {} into {}",
            self.column,
            crate::util::as_typed(&self.delimiter),
            self.into.join(", ")
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
        if self.delimiter.is_empty() {
            cx.problem("\"delimiter\" is empty");
        }
        if self.into.len() < 2 {
            cx.problem("\"into\" needs at least two column names");
        }
        for n in &self.into {
            if n != &self.column {
                cx.fresh_name("into", n);
            }
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let parts = col(self.column.as_str())
            .str()
            .splitn(lit(self.delimiter.as_str()), self.into.len());
        let new: Vec<Expr> = self
            .into
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let part = parts.clone().struct_().field_by_index(i as i64);
                cx.values(name, part)
            })
            .collect();
        let lf = lf.with_columns(new);
        Ok(place_after(lf, cx.schema, &self.column, &self.into))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = split_column(df, {}, {}, {}{})",
            py_str(&self.column),
            py_str(&java_literal(&self.delimiter)),
            py_list(&self.into),
            cx.cond_arg()
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let parts = format!(
            "split({}, {}, {})",
            sql_ident(&self.column),
            sql_str(&java_literal(&self.delimiter)),
            self.into.len()
        );
        let value = |name: &str, i: usize| cx.value(name, &format!("{parts}[{i}]"));
        let mut exprs = Vec::new();
        for name in cx.schema.iter_names() {
            match self.into.iter().position(|n| n == name.as_str()) {
                Some(i) => exprs.push(format!("{} AS {}", value(name, i), sql_ident(name))),
                None => exprs.push(sql_ident(name)),
            }
            if name.as_str() == self.column {
                for (i, n) in self.into.iter().enumerate() {
                    if !cx.schema.contains(n) {
                        exprs.push(format!("{} AS {}", value(n, i), sql_ident(n)));
                    }
                }
            }
        }
        Ok(cx.select(&exprs))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew's splits name the new columns themselves (the scheme is undocumented)".into())
    }
}

/// Reorder so that `new` columns come right after `anchor` (new names that replaced an
/// existing column stay where that column was).
pub(crate) fn place_after(
    lf: LazyFrame,
    before: &Schema,
    anchor: &str,
    new: &[String],
) -> LazyFrame {
    let mut order: Vec<PlSmallStr> = Vec::new();
    for name in before.iter_names() {
        order.push(name.clone());
        if name.as_str() == anchor {
            for n in new {
                if !before.contains(n) {
                    order.push(n.as_str().into());
                }
            }
        }
    }
    lf.select(order.into_iter().map(col).collect::<Vec<_>>())
}

/// Join the text of several columns with a separator into `to` (missing parts are
/// skipped; null when all are missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    pub columns: OneOrMany,
    #[serde(default)]
    pub separator: String,
    pub to: String,
}

impl StepImpl for Merge {
    fn describe(&self) -> String {
        format!(
            "merge {} with {} into {}",
            self.columns.to_vec().join(", "),
            crate::util::as_typed(&self.separator),
            self.to
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        let cols = self.columns.to_vec();
        if cols.len() < 2 {
            cx.problem("\"columns\" needs at least two columns");
        }
        cx.columns(&cols);
        cx.new_name("to", &self.to);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let cols = self.columns.to_vec();
        let parts: Vec<Expr> = cols
            .iter()
            .map(|c| col(c.as_str()).cast(DataType::String))
            .collect();
        let all_null = cols
            .iter()
            .map(|c| col(c.as_str()).is_null())
            .reduce(|a, b| a.and(b))
            .unwrap_or(lit(true));
        let merged = when(all_null)
            .then(lit(NULL).cast(DataType::String))
            .otherwise(concat_str(parts, &self.separator, true));
        Ok(lf.with_column(cx.values(&self.to, merged)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(cx.set(
            &self.to,
            &format!(
                "merge_columns(df, {}, {})",
                py_list(&self.columns.to_vec()),
                py_str(&self.separator)
            ),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let cols = self.columns.to_vec();
        let parts = cols
            .iter()
            .map(|c| cx.as_text(c))
            .collect::<Result<Vec<_>, _>>()?;
        let all_null: Vec<String> = cols
            .iter()
            .map(|c| format!("{} IS NULL", sql_ident(c)))
            .collect();
        let e = format!(
            "CASE WHEN {} THEN NULL ELSE concat_ws({}, {}) END",
            all_null.join(" AND "),
            sql_str(&self.separator),
            parts.join(", ")
        );
        let e = cx.value(&self.to, &e);
        Ok(cx.with_columns(&[(self.to.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        Ok(vec![
            BrewStep::op("MERGE")
                .list("sourceColumns", &self.columns.to_vec())
                .param("delimiter", &self.separator)
                .param("targetColumn", &self.to),
        ])
    }
}

/// Put text before every value of a text column (missing values stay missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddPrefix {
    pub column: String,
    pub text: String,
}

/// Put text after every value of a text column (missing values stay missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddSuffix {
    pub column: String,
    pub text: String,
}

impl StepImpl for AddPrefix {
    fn describe(&self) -> String {
        format!(
            "prefix {} with {}",
            self.column,
            crate::util::as_typed(&self.text)
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let e = concat_str(
            [lit(self.text.as_str()), col(self.column.as_str())],
            "",
            false,
        );
        Ok(lf.with_column(cx.values(&self.column, e)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(cx.set(
            &self.column,
            &format!(
                "F.concat(F.lit({}), {})",
                py_str(&self.text),
                py_col(&self.column)
            ),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let e = format!(
            "concat({}, {})",
            sql_str(&self.text),
            sql_ident(&self.column)
        );
        let e = cx.value(&self.column, &e);
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        Ok(vec![
            BrewStep::op("ADD_PREFIX")
                .param("sourceColumn", &self.column)
                .param("pattern", &self.text),
        ])
    }
}

impl StepImpl for AddSuffix {
    fn describe(&self) -> String {
        format!(
            "suffix {} with {}",
            self.column,
            crate::util::as_typed(&self.text)
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let e = concat_str(
            [col(self.column.as_str()), lit(self.text.as_str())],
            "",
            false,
        );
        Ok(lf.with_column(cx.values(&self.column, e)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(cx.set(
            &self.column,
            &format!(
                "F.concat({}, F.lit({}))",
                py_col(&self.column),
                py_str(&self.text)
            ),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let e = format!(
            "concat({}, {})",
            sql_ident(&self.column),
            sql_str(&self.text)
        );
        let e = cx.value(&self.column, &e);
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        Ok(vec![
            BrewStep::op("ADD_SUFFIX")
                .param("sourceColumn", &self.column)
                .param("pattern", &self.text),
        ])
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["UPPER_CASE", "LOWER_CASE", "CAPITAL_CASE", "SENTENCE_CASE", "ADD_PREFIX", "ADD_SUFFIX", "REMOVE_COMBINED", "REPLACE_TEXT", "EXTRACT_PATTERN", "MERGE", "MERGE_COLUMNS_AND_VALUES"], |op| {
        match op {
            "UPPER_CASE" => one(json!({"op": "upper", "column": b.src()?})),
            "LOWER_CASE" => one(json!({"op": "lower", "column": b.src()?})),
            "CAPITAL_CASE" => one(json!({"op": "title", "column": b.src()?})),
            "SENTENCE_CASE" => one(json!({"op": "sentence", "column": b.src()?})),
            "ADD_PREFIX" => {
                one(json!({"op": "add_prefix", "column": b.src()?, "text": b.need("pattern")?}))
            }
            "ADD_SUFFIX" => {
                one(json!({"op": "add_suffix", "column": b.src()?, "text": b.need("pattern")?}))
            }
            "REMOVE_COMBINED" => remove_combined(b.step, &b.src()?),
            "REPLACE_TEXT" => {
                let pattern = b.need("pattern")?;
                let with = b.get("value").unwrap_or("").to_string();
                let regex = pattern.chars().any(|c| r"\.+*?()|[]{}^$".contains(c));
                one(
                    json!({"op": "replace", "column": b.src()?, "pattern": pattern, "with": with, "regex": regex}),
                )
            }
            "EXTRACT_PATTERN" => {
                let p = b.need("pattern")?;
                if regex::Regex::new(&p).map(|r| r.captures_len()).unwrap_or(0) > 1 {
                    return Err("the pattern has capture groups; wort extracts exactly one".into());
                }
                let (start, rest) = match p.strip_prefix('^') {
                    Some(r) => ("^", r),
                    None => ("", p.as_str()),
                };
                let (body, end) = match rest.strip_suffix('$') {
                    Some(b) if !b.ends_with('\\') => (b, "$"),
                    _ => (rest, ""),
                };
                one(
                    json!({"op": "extract", "column": b.src()?, "pattern": format!("{start}({body}){end}"), "to": b.need("targetColumn")?}),
                )
            }
            "MERGE" | "MERGE_COLUMNS_AND_VALUES" => one(json!({
                "op": "merge", "columns": b.list_param("sourceColumns")?,
                "separator": b.get("delimiter").unwrap_or(""), "to": b.need("targetColumn")?
            })),
            _ => Err(format!("{op} is not imported here")),
        }
    })
}

/// REMOVE_COMBINED's flags as wort steps: the removals first, then trimming and
/// collapsing whitespace.
fn remove_combined(s: &BrewStep, column: &str) -> Result<Vec<serde_json::Value>, String> {
    use serde_json::json;
    let on = |k: &str| s.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut steps = Vec::new();
    let mut rx = |pattern: &str| {
        steps.push(json!({"op": "replace", "column": column, "pattern": pattern, "with": "", "regex": true}));
    };
    if on("removeAllWhitespace") {
        rx(r"\s");
    }
    if on("removeAllPunctuation") {
        rx(r"[.!,?]");
    }
    if on("removeLeadingAndTrailingPunctuation") {
        rx(r"^[.!,?]+|[.!,?]+$");
    }
    if on("removeAllQuotes") {
        rx(r#"['"]"#);
    }
    if on("removeLeadingAndTrailingQuotes") {
        rx(r#"^['"]+|['"]+$"#);
    }
    if on("removeLetters") {
        rx("[A-Za-z]");
    }
    if on("removeNumbers") {
        rx("[0-9]");
    }
    if on("removeSpecialCharacters") {
        rx(r##"[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"##);
    }
    if on("removeCustomCharacters") {
        let chars = s.get("customCharacters").unwrap_or("");
        if !chars.is_empty() {
            let class: String = chars
                .chars()
                .map(|c| regex::escape(&c.to_string()))
                .collect();
            rx(&format!("[{class}]"));
        }
    }
    if on("removeCustomValue") {
        let v = s.get("customValue").unwrap_or("");
        if !v.is_empty() {
            steps.push(json!({"op": "replace", "column": column, "pattern": v, "with": ""}));
        }
    }
    let trim = on("removeLeadingAndTrailingWhitespace");
    let collapse = on("collapseConsecutiveWhitespace");
    if trim {
        steps.push(json!({"op": "trim", "column": column, "collapse": collapse}));
    } else if collapse {
        steps.push(json!({"op": "replace", "column": column, "pattern": r"\s+", "with": " ", "regex": true}));
    }
    if steps.is_empty() {
        return Err("no removal flag is set".into());
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_sentence_case() {
        assert_eq!(title_case("hello wORLD-wide"), "Hello World-Wide");
        assert_eq!(title_case("o'neil  mcdonald"), "O'neil  Mcdonald");
        assert_eq!(title_case("émile zola"), "Émile Zola");
        assert_eq!(sentence_case("hELLO. wORLD"), "Hello. world");
        assert_eq!(sentence_case("  42 apples"), "  42 Apples");
    }
}
