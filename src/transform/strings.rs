//! More text functions: padding, substrings, repeating and reversing, matches and
//! positions, lengths and character codes. The cleaning steps (removing characters,
//! accents and Unicode forms, numbers written as text) are in `cleanup.rs`.
//!
//! Every step here reads one text column and writes its result in place or into `to`,
//! through one shape ([`TextFn`]): the polars expression, one Spark expression used by
//! both the PySpark job and the SQL query (or a runtime helper where Spark SQL has no
//! function), and the DataBrew function where there is one. Positions and lengths count
//! characters (Unicode code points), not bytes, as Spark does.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, StepImpl, map_text, type_name};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::regex::java_regex;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_str, sql_ident, sql_str};

/// The type a text function gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    Text,
    Int,
    Bool,
    Float,
}

impl Out {
    pub fn dtype(self) -> DataType {
        match self {
            Out::Text => DataType::String,
            Out::Int => DataType::Int64,
            Out::Bool => DataType::Boolean,
            Out::Float => DataType::Float64,
        }
    }
}

/// How Spark computes a text function over the column `c` (already quoted).
pub enum Spark {
    /// A Spark SQL expression: the SQL query uses it, the PySpark job through `F.expr`.
    Sql(String),
    /// A Python expression over `col(...)` (a runtime helper), with why SQL has none.
    Py { expr: String, no_sql: &'static str },
}

/// A step reading one text column and writing one value per row, in place or into `to`.
pub trait TextFn {
    /// What the step gives.
    const OUT: Out;
    /// The column read and the `to` column, if one is given.
    fn io(&self) -> (&str, Option<&str>);
    /// What the step does, for a recipe list, without "into ...".
    fn what(&self) -> String;
    /// Problems with the step's own parameters.
    fn check_params(&self, _cx: &mut CheckCx) {}
    /// The new values, from the column's values `c`.
    fn expr(&self, c: Expr, cx: &ApplyCx) -> PolarsResult<Expr>;
    /// The same in Spark, over the quoted column `c`.
    fn spark(&self, c: &str) -> Result<Spark, String>;
    /// The DataBrew operations doing the same, or why there are none.
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String>;
}

/// The column a text function writes.
pub fn target<T: TextFn>(t: &T) -> &str {
    let (column, to) = t.io();
    to.unwrap_or(column)
}

/// Whether the step writes over its own text column with a value of another type (then
/// rows outside `where` get null: they cannot keep text in a number column).
fn retypes<T: TextFn>(t: &T) -> bool {
    T::OUT != Out::Text && target(t) == t.io().0
}

pub fn check<T: TextFn>(t: &T, cx: &mut CheckCx) {
    let (column, to) = t.io();
    cx.text_column(column);
    if let Some(to) = to {
        cx.new_name("to", to);
        let want = T::OUT.dtype();
        if to != column
            && let Some(dt) = cx.schema.get(to)
            && *dt != want
        {
            let msg = format!(
                "\"to\": column \"{to}\" is {} and this step gives {}; choose a new name or drop it first",
                type_name(dt),
                type_name(&want)
            );
            cx.problem(msg);
        }
    }
    t.check_params(cx);
}

pub fn describe<T: TextFn>(t: &T) -> String {
    match t.io().1 {
        Some(to) => format!("{} into {to}", t.what()),
        None => t.what(),
    }
}

pub fn apply<T: TextFn>(t: &T, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
    let name = target(t);
    let new = t.expr(col(t.io().0), cx)?;
    let e = match cx.mask() {
        Some(m) if retypes(t) => when(m)
            .then(new)
            .otherwise(lit(NULL).cast(T::OUT.dtype()))
            .alias(name),
        _ => cx.values(name, new),
    };
    Ok(lf.with_column(e))
}

pub fn pyspark<T: TextFn>(t: &T, cx: &PyCx) -> Result<String, String> {
    let e = match t.spark(&sql_ident(t.io().0))? {
        Spark::Sql(sql) => format!("F.expr({})", py_str(&sql)),
        Spark::Py { expr, .. } => expr,
    };
    let name = target(t);
    Ok(match cx.cond() {
        Some(cond) if retypes(t) => {
            format!("df = df.withColumn({}, F.when({cond}, {e}))", py_str(name))
        }
        _ => cx.set(name, &e),
    })
}

pub fn sql<T: TextFn>(t: &T, cx: &SqlCx) -> Result<String, String> {
    let e = match t.spark(&sql_ident(t.io().0))? {
        Spark::Sql(sql) => sql,
        Spark::Py { no_sql, .. } => return Err(no_sql.into()),
    };
    let name = target(t);
    let e = match &cx.cond {
        Some(c) if retypes(t) => format!("CASE WHEN {c} THEN {e} END"),
        _ => cx.value(name, &e),
    };
    Ok(cx.with_columns(&[(name.to_string(), e)]))
}

/// `TextFn::io` for a step with `column` and `to` fields.
macro_rules! io {
    () => {
        fn io(&self) -> (&str, Option<&str>) {
            (&self.column, self.to.as_deref())
        }
    };
}
pub(crate) use io;

/// A step whose only parameters are `column` and `to`.
macro_rules! plain_step {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The text column to read.
            pub column: String,
            /// The column to write (the column itself when left out).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub to: Option<String>,
        }
    };
}
pub(crate) use plain_step;

/// `impl StepImpl` for text functions.
macro_rules! text_steps {
    ($($t:ty),* $(,)?) => {$(
        impl StepImpl for $t {
            fn describe(&self) -> String {
                $crate::transform::strings::describe(self)
            }
            fn kind(&self) -> Kind {
                Kind::Values
            }
            fn check(&self, cx: &mut CheckCx) {
                $crate::transform::strings::check(self, cx)
            }
            fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
                $crate::transform::strings::apply(self, lf, cx)
            }
            fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
                $crate::transform::strings::pyspark(self, cx)
            }
            fn sql(&self, cx: &SqlCx) -> Result<String, String> {
                $crate::transform::strings::sql(self, cx)
            }
            fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                self.brew(cx)
            }
        }
    )*};
}
pub(crate) use text_steps;

/// A DataBrew text function writing `to` (a new column) from `column`.
pub fn brew_fn(cx: &BrewCx, op: &str, column: &str, to: Option<&str>) -> Result<BrewStep, String> {
    cx.no_where()?;
    let Some(to) = to.filter(|t| *t != column) else {
        return Err(format!(
            "DataBrew's {op} writes a new column; give \"to\" a new name"
        ));
    };
    if cx.dtype(to).is_some() {
        return Err(format!(
            "DataBrew's {op} writes a new column and \"to\" names an existing one"
        ));
    }
    Ok(BrewStep::op(op)
        .param("sourceColumn", column)
        .param("targetColumn", to))
}

/// No DataBrew form.
pub fn no_brew(what: &str) -> Result<Vec<BrewStep>, String> {
    Err(format!("DataBrew has no operation that {what}"))
}

/// Apply a `str -> Option<number>` function to every non-null value of a text
/// expression.
pub fn map_num<T, F>(e: Expr, f: F) -> Expr
where
    T: PolarsNumericType,
    ChunkedArray<T>: IntoColumn,
    F: Fn(&str) -> Option<T::Native> + Send + Sync + 'static,
{
    e.map(
        move |c: Column| {
            let ca = c.str()?;
            let out: ChunkedArray<T> = ca.iter().map(|v| v.and_then(&f)).collect();
            Ok(out.with_name(ca.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), T::get_static_dtype())),
    )
}

/// The compiled regex of a checked pattern, as a polars error when it does not compile.
pub fn compiled(pattern: &str) -> PolarsResult<regex::Regex> {
    regex::Regex::new(pattern).map_err(|e| polars_err!(ComputeError: "{e}"))
}

/// A checked pattern must compile and must not match empty text (where Rust and Java
/// would count empty matches differently).
pub fn check_pattern(cx: &mut CheckCx, pattern: &str) {
    if let Some(re) = cx.regex(pattern)
        && re.is_match("")
    {
        cx.problem(format!(
            "pattern {pattern:?} matches empty text; make it need at least one character (+ instead of *)"
        ));
    }
}

/// A literal `value` must not be empty.
fn check_value(cx: &mut CheckCx, value: &str) {
    if value.is_empty() {
        cx.problem("\"value\" is empty; give the text to look for");
    }
}

fn count(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// ---------------------------------------------------------------------------------------
// Positions: pad, substring, left, right, repeat, reverse

/// Which side `pad` fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Fill before the text (right-aligns it).
    #[default]
    Left,
    /// Fill after the text.
    Right,
    /// Fill both sides, the extra character (odd counts) on the right.
    Both,
}

fn is_left(s: &Side) -> bool {
    *s == Side::Left
}

fn default_fill() -> String {
    " ".into()
}

fn is_space(s: &str) -> bool {
    s == " "
}

/// Pad text to `length` characters with `fill`; longer text is left as it is (never
/// cut).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pad {
    /// The text column to read.
    pub column: String,
    /// The length to reach, in characters (1 to 10000).
    pub length: u32,
    /// Which side gets the fill: left (default), right or both.
    #[serde(default, skip_serializing_if = "is_left")]
    pub side: Side,
    /// One character (a space by default).
    #[serde(default = "default_fill", skip_serializing_if = "is_space")]
    pub fill: String,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The largest length `pad` and `repeat` may produce per value.
const MAX_LENGTH: u32 = 10_000;

impl TextFn for Pad {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        let side = match self.side {
            Side::Left => "the left",
            Side::Right => "the right",
            Side::Both => "both sides",
        };
        format!(
            "pad {} to {} with {} on {side}",
            self.column,
            self.length,
            crate::util::as_typed(&self.fill)
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        if self.length == 0 || self.length > MAX_LENGTH {
            cx.problem(format!(
                "\"length\" is {}; it must be 1 to {MAX_LENGTH}",
                self.length
            ));
        }
        if self.fill.chars().count() != 1 {
            cx.problem(format!(
                "\"fill\" is {:?}; it must be exactly one character",
                self.fill
            ));
        }
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let (n, side) = (self.length as usize, self.side);
        let fill = self.fill.chars().next().unwrap_or(' ');
        Ok(map_text(c, move |s| {
            let len = s.chars().count();
            if len >= n {
                return s.to_string();
            }
            let extra = n - len;
            let before = match side {
                Side::Left => extra,
                Side::Right => 0,
                Side::Both => extra / 2,
            };
            let mut out = String::with_capacity(s.len() + extra * fill.len_utf8());
            out.extend(std::iter::repeat_n(fill, before));
            out.push_str(s);
            out.extend(std::iter::repeat_n(fill, extra - before));
            out
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        let (n, f) = (self.length, sql_str(&self.fill));
        // lpad/rpad would cut longer text: leave it as it is.
        let padded = match self.side {
            Side::Left => format!("lpad({c}, {n}, {f})"),
            Side::Right => format!("rpad({c}, {n}, {f})"),
            Side::Both => format!(
                "rpad(lpad({c}, CAST(length({c}) + floor(({n} - length({c})) / 2) AS INT), {f}), {n}, {f})"
            ),
        };
        Ok(Spark::Sql(format!(
            "CASE WHEN length({c}) >= {n} THEN {c} ELSE {padded} END"
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("pads text")
    }
}

/// The characters from `start` (1 is the first) on: `length` of them, or all the rest.
/// Text shorter than `start` gives empty text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Substring {
    /// The text column to read.
    pub column: String,
    /// 1-based position of the first character kept.
    pub start: u32,
    /// How many characters to keep (all the rest when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for Substring {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        match self.length {
            Some(n) => format!(
                "{n} character{} of {} from {}",
                count(n.into()),
                self.column,
                self.start
            ),
            None => format!("{} from character {}", self.column, self.start),
        }
    }
    fn check_params(&self, cx: &mut CheckCx) {
        if self.start == 0 {
            cx.problem("\"start\" is 0; positions start at 1 (the first character)");
        }
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let skip = self.start.saturating_sub(1) as usize;
        let take = self.length.map_or(usize::MAX, |n| n as usize);
        Ok(map_text(c, move |s| {
            s.chars().skip(skip).take(take).collect()
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(match self.length {
            Some(n) => format!("substring({c}, {}, {n})", self.start),
            None => format!("substring({c}, {})", self.start),
        }))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let Some(n) = self.length.filter(|n| *n > 0) else {
            return Err("DataBrew's SUBSTRING needs an end position; give \"length\"".into());
        };
        let end = u64::from(self.start) + u64::from(n) - 1;
        Ok(vec![
            brew_fn(cx, "SUBSTRING", &self.column, self.to.as_deref())?
                .param("startPosition", self.start.to_string())
                .param("endPosition", end.to_string()),
        ])
    }
}

/// The first `n` characters (the whole text when shorter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Left {
    /// The text column to read.
    pub column: String,
    /// How many characters to keep.
    pub n: u32,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The last `n` characters (the whole text when shorter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Right {
    /// The text column to read.
    pub column: String,
    /// How many characters to keep.
    pub n: u32,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for Left {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("first {} of {}", self.n, self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let n = self.n as usize;
        Ok(map_text(c, move |s| s.chars().take(n).collect()))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!("left({c}, {})", self.n)))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let st = brew_fn(cx, "LEFT", &self.column, self.to.as_deref())?;
        Ok(vec![st.param("position", self.n.to_string())])
    }
}

impl TextFn for Right {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("last {} of {}", self.n, self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let n = self.n as usize;
        Ok(map_text(c, move |s| {
            let len = s.chars().count();
            s.chars().skip(len.saturating_sub(n)).collect()
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!("right({c}, {})", self.n)))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let st = brew_fn(cx, "RIGHT", &self.column, self.to.as_deref())?;
        Ok(vec![st.param("position", self.n.to_string())])
    }
}

/// The text written `times` times in a row (0 gives empty text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// The text column to read.
    pub column: String,
    /// How many times, 0 to 10000.
    pub times: u32,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for Repeat {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("repeat {} {} times", self.column, self.times)
    }
    fn check_params(&self, cx: &mut CheckCx) {
        if self.times > MAX_LENGTH {
            cx.problem(format!(
                "\"times\" is {}; it must be 0 to {MAX_LENGTH}",
                self.times
            ));
        }
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let n = self.times as usize;
        Ok(map_text(c, move |s| s.repeat(n)))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!("repeat({c}, {})", self.times)))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let st = brew_fn(cx, "REPEAT_STRING", &self.column, self.to.as_deref())?;
        Ok(vec![st.param("count", self.times.to_string())])
    }
}

plain_step!(
    /// The characters in reverse order (Unicode code points, as Spark's reverse).
    Reverse
);

impl TextFn for Reverse {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!("reverse {}", self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(map_text(c, |s| s.chars().rev().collect()))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!("reverse({c})")))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("reverses text")
    }
}

/// The `part`-th piece of the text cut at every `delimiter` (1 is the first, -1 the
/// last); empty text when there are fewer pieces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitPart {
    /// The text column to read.
    pub column: String,
    /// Literal text between the pieces.
    pub delimiter: String,
    /// Which piece: 1 is the first, 2 the second...; -1 the last, -2 the one before.
    pub part: i32,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for SplitPart {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!(
            "part {} of {} split at {}",
            self.part,
            self.column,
            crate::util::as_typed(&self.delimiter)
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        if self.delimiter.is_empty() {
            cx.problem("\"delimiter\" is empty; give the text between the pieces");
        }
        if self.part == 0 {
            cx.problem("\"part\" is 0; 1 is the first piece, -1 the last");
        }
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let (delimiter, part) = (self.delimiter.clone(), self.part);
        Ok(map_text(c, move |s| {
            let pieces: Vec<&str> = s.split(delimiter.as_str()).collect();
            let at = if part > 0 {
                usize::try_from(part - 1).ok()
            } else {
                pieces.len().checked_sub(part.unsigned_abs() as usize)
            };
            at.and_then(|i| pieces.get(i)).unwrap_or(&"").to_string()
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "split_part({c}, {}, {})",
            sql_str(&self.delimiter),
            self.part
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("keeps one piece of a split (its splits make new columns it names itself)")
    }
}

// ---------------------------------------------------------------------------------------
// Matches: extract_all, count_matches, matches, contains, starts_with, ends_with, find

fn default_separator() -> String {
    ", ".into()
}

fn is_default_separator(s: &str) -> bool {
    s == ", "
}

/// Every match of the regular expression `pattern`, joined with `separator` (empty text
/// when nothing matches).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractAll {
    /// The text column to read.
    pub column: String,
    /// A regular expression (the syntax of `replace`).
    pub pattern: String,
    /// Between the matches (", " by default).
    #[serde(
        default = "default_separator",
        skip_serializing_if = "is_default_separator"
    )]
    pub separator: String,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for ExtractAll {
    const OUT: Out = Out::Text;
    io!();
    fn what(&self) -> String {
        format!(
            "every {} in {}",
            crate::util::as_typed(&self.pattern),
            self.column
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        check_pattern(cx, &self.pattern);
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let re = compiled(&self.pattern)?;
        let sep = self.separator.clone();
        Ok(map_text(c, move |s| {
            let parts: Vec<&str> = re.find_iter(s).map(|m| m.as_str()).collect();
            parts.join(&sep)
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "array_join(regexp_extract_all({c}, {}, 0), {})",
            sql_str(&java_regex(&self.pattern)?),
            sql_str(&self.separator)
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("extracts every match (EXTRACT_PATTERN keeps the first)")
    }
}

/// How many times the regular expression `pattern` matches (matches do not overlap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountMatches {
    /// The text column to read.
    pub column: String,
    /// A regular expression (the syntax of `replace`).
    pub pattern: String,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for CountMatches {
    const OUT: Out = Out::Int;
    io!();
    fn what(&self) -> String {
        format!(
            "count {} in {}",
            crate::util::as_typed(&self.pattern),
            self.column
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        check_pattern(cx, &self.pattern);
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let re = compiled(&self.pattern)?;
        Ok(map_num::<Int64Type, _>(c, move |s| {
            Some(re.find_iter(s).count() as i64)
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        let p = sql_str(&java_regex(&self.pattern)?);
        Ok(Spark::Sql(format!(
            "CASE WHEN {c} IS NOT NULL THEN CAST(size(regexp_extract_all({c}, {p}, 0)) AS BIGINT) END"
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("counts matches")
    }
}

/// True where the regular expression `pattern` matches somewhere in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matches {
    /// The text column to read.
    pub column: String,
    /// A regular expression (the syntax of `replace`).
    pub pattern: String,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for Matches {
    const OUT: Out = Out::Bool;
    io!();
    fn what(&self) -> String {
        format!(
            "{} matches {}",
            self.column,
            crate::util::as_typed(&self.pattern)
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        cx.regex(&self.pattern);
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(c.str().contains(lit(self.pattern.as_str()), true))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "{c} RLIKE {}",
            sql_str(&java_regex(&self.pattern)?)
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew(
            "tests a pattern anywhere in the text into a true/false column (FLAG_COLUMN_FROM_PATTERN writes text flags)",
        )
    }
}

/// Literal-text tests: true where the text holds `value` / starts / ends with it.
macro_rules! literal_test {
    ($name:ident, $doc:literal, $verb:literal, $polars:ident, $spark:literal, $brew:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The text column to read.
            pub column: String,
            /// The text to look for (exact, case-sensitive).
            pub value: String,
            /// The column to write (the column itself when left out).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub to: Option<String>,
        }

        impl TextFn for $name {
            const OUT: Out = Out::Bool;
            io!();
            fn what(&self) -> String {
                format!(
                    "{} {} {}",
                    self.column,
                    $verb,
                    crate::util::as_typed(&self.value)
                )
            }
            fn check_params(&self, cx: &mut CheckCx) {
                check_value(cx, &self.value);
            }
            fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
                Ok(c.str().$polars(lit(self.value.as_str())))
            }
            fn spark(&self, c: &str) -> Result<Spark, String> {
                Ok(Spark::Sql(format!($spark, c, sql_str(&self.value))))
            }
            fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                let brew: Option<(&str, fn(&str) -> String)> = $brew;
                let Some((op, pattern)) = brew else {
                    return no_brew("tests for text anywhere in a value");
                };
                let st = brew_fn(cx, op, &self.column, self.to.as_deref())?;
                Ok(vec![st.param("pattern", pattern(&self.value))])
            }
        }
    };
}

literal_test!(
    Contains,
    "True where the text contains `value`.",
    "contains",
    contains_literal,
    "contains({}, {})",
    None
);
literal_test!(
    StartsWith,
    "True where the text starts with `value`.",
    "starts with",
    starts_with,
    "startswith({}, {})",
    Some(("STARTS_WITH", |v| regex::escape(v)))
);
literal_test!(
    EndsWith,
    "True where the text ends with `value`.",
    "ends with",
    ends_with,
    "endswith({}, {})",
    Some(("ENDS_WITH", |v| regex::escape(v)))
);

/// The position (1 is the first character) where `value` first occurs, 0 when it does
/// not (like SQL's instr).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Find {
    /// The text column to read.
    pub column: String,
    /// The text to look for (exact, case-sensitive).
    pub value: String,
    /// The column to write (the column itself when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl TextFn for Find {
    const OUT: Out = Out::Int;
    io!();
    fn what(&self) -> String {
        format!(
            "position of {} in {}",
            crate::util::as_typed(&self.value),
            self.column
        )
    }
    fn check_params(&self, cx: &mut CheckCx) {
        check_value(cx, &self.value);
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        let v = self.value.clone();
        Ok(map_num::<Int64Type, _>(c, move |s| {
            Some(
                s.find(&v)
                    .map_or(0, |at| s[..at].chars().count() as i64 + 1),
            )
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "CAST(instr({c}, {}) AS BIGINT)",
            sql_str(&self.value)
        )))
    }
    fn brew(&self, _: &BrewCx) -> Result<Vec<BrewStep>, String> {
        no_brew("finds text with wort's positions (FIND's parameters are not documented)")
    }
}

// ---------------------------------------------------------------------------------------
// Measures: length, char_code

plain_step!(
    /// The number of characters (Unicode code points, not bytes).
    Length
);

impl TextFn for Length {
    const OUT: Out = Out::Int;
    io!();
    fn what(&self) -> String {
        format!("length of {}", self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(c.str().len_chars().cast(DataType::Int64))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!("CAST(char_length({c}) AS BIGINT)")))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Ok(vec![brew_fn(cx, "LEN", &self.column, self.to.as_deref())?])
    }
}

plain_step!(
    /// The Unicode code point of the first character (null for empty text).
    CharCode
);

impl TextFn for CharCode {
    const OUT: Out = Out::Int;
    io!();
    fn what(&self) -> String {
        format!("code of the first character of {}", self.column)
    }
    fn expr(&self, c: Expr, _: &ApplyCx) -> PolarsResult<Expr> {
        Ok(map_num::<Int64Type, _>(c, |s| {
            s.chars().next().map(|ch| i64::from(u32::from(ch)))
        }))
    }
    fn spark(&self, c: &str) -> Result<Spark, String> {
        Ok(Spark::Sql(format!(
            "CASE WHEN {c} <> '' THEN CAST(ascii({c}) AS BIGINT) END"
        )))
    }
    fn brew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Ok(vec![brew_fn(
            cx,
            "UNICODE",
            &self.column,
            self.to.as_deref(),
        )?])
    }
}

text_steps!(
    Pad,
    Substring,
    Left,
    Right,
    Repeat,
    Reverse,
    SplitPart,
    ExtractAll,
    CountMatches,
    Matches,
    Contains,
    StartsWith,
    EndsWith,
    Find,
    Length,
    CharCode,
);

// ---------------------------------------------------------------------------------------
// DataBrew import

/// The literal text a DataBrew pattern matches, when it is plain text with escapes
/// (`abc`, `a\.b`); `None` when it uses regex syntax.
fn literal_of(pattern: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next()?;
                if next.is_alphanumeric() {
                    return None;
                }
                out.push(next);
            }
            c if r".+*?()|[]{}^$".contains(c) => return None,
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A pattern without its final `$` anchor (an escaped `\$` is text, and stays).
fn strip_end_anchor(pattern: &str) -> &str {
    match pattern.strip_suffix('$') {
        Some(body) if body.chars().rev().take_while(|c| *c == '\\').count() % 2 == 0 => body,
        _ => pattern,
    }
}

/// A whole number parameter.
/// A whole number parameter: text, or a JSON number as the reference's REPEAT_STRING
/// example writes `count`.
fn number(b: &BrewIn, key: &str) -> Result<u32, String> {
    let v = match b.step.action.parameters.get(key) {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => b.need(key)?,
    };
    v.trim()
        .parse::<u32>()
        .map_err(|_| format!("parameter \"{key}\" is {v:?}, not a whole number"))
}

/// The DataBrew operations this family imports, as wort steps; `None` for an operation
/// of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    const OPS: &[&str] = &[
        "LEFT",
        "RIGHT",
        "SUBSTRING",
        "REPEAT_STRING",
        "LEN",
        "UNICODE",
        "STARTS_WITH",
        "ENDS_WITH",
        "REMOVE_WHITESPACE",
        "REMOVE_SYMBOLS",
    ];
    b.import(OPS, |op| {
        let (column, to) = (b.src()?, b.need("targetColumn")?);
        let step = |op: &str| json!({"op": op, "column": column, "to": to});
        let mut st = match op {
            "LEFT" | "RIGHT" => {
                let mut st = step(&op.to_lowercase());
                st["n"] = json!(number(b, "position")?);
                st
            }
            "SUBSTRING" => {
                let (start, end) = (number(b, "startPosition")?, number(b, "endPosition")?);
                if start == 0 || end < start {
                    return Err(format!(
                        "positions {start} to {end} are not 1-based with the end at or after the start"
                    ));
                }
                let mut st = step("substring");
                st["start"] = json!(start);
                st["length"] = json!(end - start + 1);
                st
            }
            "REPEAT_STRING" => {
                let mut st = step("repeat");
                st["times"] = json!(number(b, "count")?);
                st
            }
            "LEN" => step("length"),
            "UNICODE" => step("char_code"),
            "REMOVE_WHITESPACE" => step("remove_whitespace"),
            "REMOVE_SYMBOLS" => step("remove_special"),
            _ => {
                let pattern = b.need("pattern")?;
                // The pattern is anchored at its end already; an explicit anchor adds nothing.
                let (name, body) = if op == "STARTS_WITH" {
                    ("starts_with", pattern.strip_prefix('^').unwrap_or(&pattern))
                } else {
                    ("ends_with", strip_end_anchor(&pattern))
                };
                let Some(value) = literal_of(body) else {
                    return Err(format!(
                        "pattern {pattern:?} is a regular expression; wort's {name} takes literal text (use matches)"
                    ));
                };
                let mut st = step(name);
                st["value"] = json!(value);
                st
            }
        };
        if let Some(w) = b.where_sql()? {
            st["where"] = json!(w);
        }
        one(st)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        let pad = Pad {
            column: "code".into(),
            length: 8,
            side: Side::Both,
            fill: "0".into(),
            to: Some("c".into()),
        };
        assert_eq!(
            pad.describe(),
            "pad code to 8 with \"0\" on both sides into c"
        );
        let find = Find {
            column: "email".into(),
            value: "@".into(),
            to: None,
        };
        assert_eq!(find.describe(), "position of \"@\" in email");
    }

    #[test]
    fn literal_patterns() {
        assert_eq!(literal_of(r"a\.b c"), Some("a.b c".into()));
        assert_eq!(literal_of("[AEIOU]"), None);
        assert_eq!(literal_of(r"\d"), None);
        assert_eq!(literal_of(""), None);
        assert_eq!(strip_end_anchor(r"com$"), "com");
        assert_eq!(strip_end_anchor(r"US\$"), r"US\$");
        assert_eq!(strip_end_anchor(r"a\\$"), r"a\\");
        let v = "1+1=(2)?";
        assert_eq!(literal_of(&regex::escape(v)).as_deref(), Some(v));
    }
}
