//! The step implementations, one file per family.
//!
//! A step knows everything about itself in one place: its parameters (serde), how it
//! checks against the schema it will see, how it applies to a LazyFrame and how it
//! prints in a recipe list. Adding a step means writing it in its family file and adding
//! one line to the `ops!` list below.

pub mod cleanup;
pub mod columns;
pub mod combine;
pub mod computed;
pub mod datemath;
pub mod dates;
pub mod encode;
pub mod literal;
pub mod missing;
pub mod numbers;
pub mod outliers;
pub mod privacy;
pub mod quantile;
pub mod reshape;
pub mod rounding;
pub mod rows;
pub mod strings;
pub mod target;
pub mod text;
pub mod window;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::transform::target::databrew::{BrewCx, BrewStep};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::util::suggestion_suffix;
pub use crate::util::{clean_polars_error, type_name};

/// The other datasets steps read (`join`'s `right`, `union`'s `paths`), as the caller
/// resolves them: a name as the recipe writes it (a path relative to the recipe file,
/// or absolute), rebound with `--input NAME=PATH`.
pub trait Tables: Send + Sync {
    /// The dataset, read lazily with the same sniffing as any input.
    fn open(&self, name: &str) -> Result<LazyFrame, String>;
    /// Its columns and types.
    fn schema(&self, name: &str) -> Result<Schema, String>;
    /// The name for messages: the file read, when it is not the name as written.
    fn shown(&self, name: &str) -> String {
        name.to_string()
    }
}

/// What a step does to the data, which decides whether `where` applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Changes the shape or order of the table (rename, drop, sort...): no `where`.
    Structure,
    /// Changes values: `where` limits the change to matching rows.
    Values,
    /// Removes rows: `where` limits the removal to matching rows.
    Rows,
}

/// The behaviour every step implements.
pub trait StepImpl {
    /// One line for a recipe list, without the `where` clause.
    fn describe(&self) -> String;
    /// Whether `where` applies, and how.
    fn kind(&self) -> Kind;
    /// Check the step against the schema it will see; push every problem found.
    fn check(&self, cx: &mut CheckCx);
    /// Add the step to the plan.
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame>;
    /// The step as PySpark statements over `df`, doing exactly what `apply` does (see
    /// `export::pyspark`); `Err` says why a parameter has no Spark equivalent.
    fn pyspark(&self, cx: &PyCx) -> Result<String, String>;
    /// The step as one Spark SQL `SELECT` over `cx.from` (see `export::sql`), or why it
    /// has no SQL form.
    fn sql(&self, cx: &SqlCx) -> Result<String, String>;
    /// The DataBrew operations doing the same (see `export::databrew`), or why there
    /// are none.
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String>;
    /// The other files the step reads, as the recipe names them (see [`Tables`]).
    fn tables(&self) -> Vec<String> {
        Vec::new()
    }
    /// Lines the workbench shows before the step is applied, beyond the rows and
    /// columns it changes (a join's match counts), from the rows before it.
    fn preview(&self, _before: LazyFrame, _cx: &ApplyCx) -> PolarsResult<Vec<String>> {
        Ok(Vec::new())
    }
    /// Whether the step only puts the rows in another order (its preview then says
    /// which rows moved, not which values changed row by row).
    fn reorders_rows(&self) -> bool {
        false
    }
}

/// Why an op could not be built from its JSON.
#[derive(Debug)]
pub enum OpParseError {
    UnknownOp,
    Params(String),
}

macro_rules! ops {
    ($( $variant:ident($ty:ty) = $name:literal ),* $(,)?) => {
        /// Every operation a recipe step can perform, tagged by `"op"` in JSON.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "op")]
        pub enum Op {
            $( #[serde(rename = $name)] $variant($ty), )*
        }

        impl Op {
            /// Every op name, in the order of the families.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// The op name as written in recipe JSON.
            pub fn name(&self) -> &'static str {
                match self { $(Op::$variant(_) => $name,)* }
            }

            /// The step's behaviour.
            pub fn step(&self) -> &dyn StepImpl {
                match self { $(Op::$variant(s) => s,)* }
            }

            /// Build an op from its name and the remaining JSON fields.
            pub fn from_parts(name: &str, params: Value) -> Result<Op, OpParseError> {
                match name {
                    $($name => serde_json::from_value::<$ty>(params)
                        .map(Op::$variant)
                        .map_err(|e| OpParseError::Params(e.to_string())),)*
                    _ => Err(OpParseError::UnknownOp),
                }
            }
        }
    };
}

ops! {
    Rename(columns::Rename) = "rename",
    Drop(columns::Drop) = "drop",
    Select(columns::Select) = "select",
    Duplicate(columns::Duplicate) = "duplicate",
    Move(columns::Move) = "move",
    Cast(columns::Cast) = "cast",
    Sort(columns::Sort) = "sort",
    Filter(rows::Filter) = "filter",
    Dedupe(rows::Dedupe) = "dedupe",
    FillMissing(missing::FillMissing) = "fill_missing",
    DropMissing(missing::DropMissing) = "drop_missing",
    FlagMissing(missing::FlagMissing) = "flag_missing",
    Upper(text::Upper) = "upper",
    Lower(text::Lower) = "lower",
    Title(text::Title) = "title",
    Sentence(text::Sentence) = "sentence",
    Trim(text::Trim) = "trim",
    Replace(text::Replace) = "replace",
    Extract(text::Extract) = "extract",
    Split(text::Split) = "split",
    Merge(text::Merge) = "merge",
    AddPrefix(text::AddPrefix) = "add_prefix",
    AddSuffix(text::AddSuffix) = "add_suffix",
    Derive(computed::Derive) = "derive",
    ParseDate(dates::ParseDate) = "parse_date",
    FormatDate(dates::FormatDate) = "format_date",
    DatePart(dates::DatePart) = "date_part",
    Outliers(outliers::Outliers) = "outliers",
    Hash(privacy::Hash) = "hash",
    Mask(privacy::Mask) = "mask",
    //
    // -- combine: begin
    Join(combine::Join) = "join",
    Union(combine::Union) = "union",
    Sql(combine::Sql) = "sql",
    // -- combine: end
    //
    // -- reshape: begin
    Aggregate(reshape::Aggregate) = "aggregate",
    Pivot(reshape::Pivot) = "pivot",
    Unpivot(reshape::Unpivot) = "unpivot",
    Window(window::Window) = "window",
    Unnest(reshape::Unnest) = "unnest",
    Explode(reshape::Explode) = "explode",
    Sample(window::Sample) = "sample",
    Head(window::Head) = "head",
    Tail(window::Tail) = "tail",
    // -- reshape: end
    //
    // -- encode: begin
    Bin(encode::Bin) = "bin",
    OneHot(encode::OneHot) = "one_hot",
    Scale(encode::Scale) = "scale",
    MapValues(encode::MapValues) = "map_values",
    // -- encode: end
    //
    // -- numbers: begin
    Abs(numbers::Abs) = "abs",
    Negate(numbers::Negate) = "negate",
    Sign(numbers::Sign) = "sign",
    Floor(numbers::Floor) = "floor",
    Ceil(numbers::Ceil) = "ceil",
    Sqrt(numbers::Sqrt) = "sqrt",
    Ln(numbers::Ln) = "ln",
    Exp(numbers::Exp) = "exp",
    Degrees(numbers::Degrees) = "degrees",
    Radians(numbers::Radians) = "radians",
    Add(numbers::Add) = "add",
    Subtract(numbers::Subtract) = "subtract",
    Multiply(numbers::Multiply) = "multiply",
    Divide(numbers::Divide) = "divide",
    Modulo(numbers::Modulo) = "modulo",
    Power(numbers::Power) = "power",
    Round(rounding::Round) = "round",
    TruncateNumber(rounding::TruncateNumber) = "truncate_number",
    Log(numbers::Log) = "log",
    Clamp(rounding::Clamp) = "clamp",
    IsEven(numbers::IsEven) = "is_even",
    IsOdd(numbers::IsOdd) = "is_odd",
    DateAdd(datemath::DateAdd) = "date_add",
    DateDiff(datemath::DateDiff) = "date_diff",
    DateTrunc(datemath::DateTrunc) = "date_trunc",
    ConvertTimezone(datemath::ConvertTimezone) = "convert_timezone",
    UnixTime(datemath::UnixTime) = "unix_time",
    FromUnixTime(datemath::FromUnixTime) = "from_unix_time",
    // -- numbers: end
    //
    // -- strings: begin
    Pad(strings::Pad) = "pad",
    Substring(strings::Substring) = "substring",
    Left(strings::Left) = "left",
    Right(strings::Right) = "right",
    Repeat(strings::Repeat) = "repeat",
    Reverse(strings::Reverse) = "reverse",
    SplitPart(strings::SplitPart) = "split_part",
    ExtractAll(strings::ExtractAll) = "extract_all",
    CountMatches(strings::CountMatches) = "count_matches",
    Matches(strings::Matches) = "matches",
    Contains(strings::Contains) = "contains",
    StartsWith(strings::StartsWith) = "starts_with",
    EndsWith(strings::EndsWith) = "ends_with",
    Find(strings::Find) = "find",
    Length(strings::Length) = "length",
    CharCode(strings::CharCode) = "char_code",
    RemovePunctuation(cleanup::RemovePunctuation) = "remove_punctuation",
    RemoveSpecial(cleanup::RemoveSpecial) = "remove_special",
    RemoveDigits(cleanup::RemoveDigits) = "remove_digits",
    RemoveLetters(cleanup::RemoveLetters) = "remove_letters",
    RemoveWhitespace(cleanup::RemoveWhitespace) = "remove_whitespace",
    RemoveQuotes(cleanup::RemoveQuotes) = "remove_quotes",
    RemoveNonAscii(cleanup::RemoveNonAscii) = "remove_non_ascii",
    RemoveControl(cleanup::RemoveControl) = "remove_control",
    RemoveChars(cleanup::RemoveChars) = "remove_chars",
    CollapseWhitespace(cleanup::CollapseWhitespace) = "collapse_whitespace",
    StripAccents(cleanup::StripAccents) = "strip_accents",
    NormalizeUnicode(cleanup::NormalizeUnicode) = "normalize_unicode",
    ParseNumber(cleanup::ParseNumber) = "parse_number",
    // -- strings: end
    //
}

impl Op {
    pub fn describe(&self) -> String {
        self.step().describe()
    }
    pub fn kind(&self) -> Kind {
        self.step().kind()
    }
}

/// A list of column names written as one string or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

impl From<Vec<&str>> for OneOrMany {
    fn from(v: Vec<&str>) -> Self {
        OneOrMany::Many(v.into_iter().map(String::from).collect())
    }
}

// ---------------------------------------------------------------------------------------
// Checking

/// What a step's `check` sees: the schema before the step, and a list of problems.
pub struct CheckCx<'a> {
    pub schema: &'a Schema,
    pub problems: Vec<String>,
    /// The other datasets, for steps that read them.
    pub tables: Option<&'a dyn Tables>,
}

impl<'a> CheckCx<'a> {
    pub fn new(schema: &'a Schema) -> Self {
        CheckCx {
            schema,
            problems: Vec::new(),
            tables: None,
        }
    }

    /// The schema of another dataset (`field` names the parameter), or a problem.
    pub fn table_schema(&mut self, field: &str, name: &str) -> Option<Schema> {
        if name.trim().is_empty() {
            self.problem(format!("\"{field}\" must name a file"));
            return None;
        }
        let Some(tables) = self.tables else {
            self.problem(format!(
                "\"{field}\": {name:?} is another file, which only wort run, check and the workbench read"
            ));
            return None;
        };
        match tables.schema(name) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problem(format!("\"{field}\": {e}"));
                None
            }
        }
    }

    pub fn problem(&mut self, msg: impl Into<String>) {
        self.problems.push(msg.into());
    }

    /// The column's type, or a problem naming the closest existing column.
    pub fn column(&mut self, name: &str) -> Option<DataType> {
        match self.schema.get(name) {
            Some(dt) => Some(dt.clone()),
            None => {
                let msg = format!(
                    "no column \"{name}\"{}",
                    suggestion_suffix(name, self.schema.iter_names().map(|n| n.as_str()))
                );
                self.problem(msg);
                None
            }
        }
    }

    /// No column may be listed twice in `names` (`what` starts the problem: `"columns": `).
    pub fn distinct(&mut self, what: &str, names: &[String]) {
        let mut seen = std::collections::HashSet::new();
        for c in names {
            if !seen.insert(c) {
                self.problem(format!("{what}column \"{c}\" is listed twice"));
            }
        }
    }

    pub fn columns(&mut self, names: &[String]) {
        for n in names {
            self.column(n);
        }
    }

    /// The column must exist and hold text.
    pub fn text_column(&mut self, name: &str) {
        if let Some(dt) = self.column(name)
            && dt != DataType::String
        {
            self.problem(format!(
                "column \"{name}\" is {}, not text; add a cast step to string first",
                type_name(&dt)
            ));
        }
    }

    /// The column must exist and be numeric.
    pub fn numeric_column(&mut self, name: &str) {
        if let Some(dt) = self.column(name)
            && !dt.is_primitive_numeric()
        {
            self.problem(format!(
                "column \"{name}\" is {}, not a number; add a cast step to int or float first",
                type_name(&dt)
            ));
        }
    }

    /// The column must exist and be a date or datetime.
    pub fn temporal_column(&mut self, name: &str) {
        if let Some(dt) = self.column(name)
            && !matches!(dt, DataType::Date | DataType::Datetime(_, _))
        {
            let hint = if dt == DataType::String {
                "; add a parse_date step first"
            } else {
                ""
            };
            self.problem(format!(
                "column \"{name}\" is {}, not a date or datetime{hint}",
                type_name(&dt)
            ));
        }
    }

    /// A name for a new or replaced column must not be empty.
    pub fn new_name(&mut self, field: &str, name: &str) {
        if name.trim().is_empty() {
            self.problem(format!("\"{field}\" must name a column"));
        }
    }

    /// A new column must not already exist (for steps that would silently overwrite).
    pub fn fresh_name(&mut self, field: &str, name: &str) {
        self.new_name(field, name);
        if self.schema.contains(name) {
            self.problem(format!(
                "\"{field}\": column \"{name}\" already exists; choose another name or drop it first"
            ));
        }
    }

    /// The SQL must parse, and name only existing columns.
    pub fn sql(&mut self, what: &str, sql: &str) {
        if let Err(msg) = check_sql(sql, self.schema) {
            self.problem(format!("{what} {}: {msg}", crate::util::quoted(sql, 80)));
        }
    }

    /// The regex must compile.
    pub fn regex(&mut self, pattern: &str) -> Option<regex::Regex> {
        match regex::Regex::new(pattern) {
            Ok(r) => Some(r),
            Err(e) => {
                let first = e.to_string();
                let last = first.lines().last().unwrap_or("").trim().to_string();
                self.problem(format!(
                    "pattern {} is not a valid regular expression: {last}",
                    crate::util::quoted(pattern, 80)
                ));
                None
            }
        }
    }
}

/// Parse a SQL expression and resolve it against a schema: syntax errors and unknown
/// columns come out as one readable sentence.
pub fn check_sql(sql: &str, schema: &Schema) -> Result<Expr, String> {
    let expr = parse_sql(sql).map_err(|e| e + &quoting_hint(sql, schema))?;
    let empty = DataFrame::empty_with_schema(schema);
    let mut lf = empty.lazy().select([expr.clone().alias("__wort_check")]);
    match lf.collect_schema() {
        Ok(_) => Ok(expr),
        Err(e) => Err(sql_error_text(&e, schema) + &quoting_hint(sql, schema)),
    }
}

/// Advice on quoting when `sql` failed: a column name with spaces or symbols written
/// bare, or the whole expression in double quotes (which SQL reads as one name).
pub(crate) fn quoting_hint(sql: &str, schema: &Schema) -> String {
    let t = sql.trim();
    if t.len() > 2
        && t.starts_with('"')
        && t.ends_with('"')
        && !t[1..t.len() - 1].contains('"')
        && !schema.contains(&t[1..t.len() - 1])
    {
        return format!(
            "; double quotes name a column: write the expression without the outer quotes ({}), and text values in single quotes ('like this')",
            &t[1..t.len() - 1]
        );
    }
    let bare: Vec<String> = schema
        .iter_names()
        .map(|n| n.as_str())
        .filter(|n| !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .filter(|n| {
            // The whole name, or its first two words (`Body Mass` of `Body Mass (g)`).
            let head: Vec<&str> = n.split_whitespace().take(2).collect();
            let written = sql.contains(n) || (head.len() == 2 && sql.contains(&head.join(" ")));
            written && !sql.contains(&format!("\"{n}\""))
        })
        .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
        .collect();
    match bare.as_slice() {
        [] => String::new(),
        names => format!(
            "; a column name with spaces or symbols goes in double quotes: {}",
            names.join(", ")
        ),
    }
}

/// Parse a SQL expression with polars' SQL parser.
pub fn parse_sql(sql: &str) -> Result<Expr, String> {
    if sql.trim().is_empty() {
        return Err("empty SQL expression".into());
    }
    crate::guard::sql::check_expr(sql).map_err(|r| r.to_string())?;
    polars::sql::sql_expr(sql).map_err(|e| clean_polars_error(&e))
}

fn sql_error_text(e: &PolarsError, schema: &Schema) -> String {
    let text = clean_polars_error(e);
    // polars: `unable to find column "x"; valid columns: [...]`
    if let Some(rest) = text.split("unable to find column \"").nth(1)
        && let Some(name) = rest.split('"').next()
    {
        return format!(
            "no column \"{name}\"{}",
            suggestion_suffix(name, schema.iter_names().map(|n| n.as_str()))
        );
    }
    text
}

// ---------------------------------------------------------------------------------------
// Applying

/// The label of the counter of present values that goes with the loss counter `label`
/// of `column` (`ApplyCx::count_loss`; hidden from the run summary, read by
/// `RunStats::losses`).
pub fn present_label(column: &str, label: &str) -> String {
    format!("{PRESENT}{column}\t{label}")
}

/// The start of [`present_label`]s.
pub const PRESENT: &str = "\u{0}present values of ";

/// Counters a step reports in the run summary (values that failed to cast, rows removed).
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub(crate) fn set(&self, n: u64) {
        self.0.store(n, Ordering::Relaxed);
    }
}

/// Registers (or finds) the counter with a label.
pub type CounterFactory = dyn Fn(&str) -> Arc<Counter>;

/// What a step's `apply` sees.
pub struct ApplyCx<'a> {
    /// The schema before the step.
    pub schema: &'a Schema,
    /// The step's `where`, parsed; null counts as false.
    pub condition: Option<Expr>,
    /// Where to register counters, when the caller collects run statistics.
    pub counters: Option<&'a CounterFactory>,
    /// The other datasets, for steps that read them.
    pub tables: Option<&'a dyn Tables>,
    /// When set, whole-column statistics are computed ahead by this streaming pass and
    /// applied as literals (`wort run`); when not, they stay aggregates in the plan.
    pub stats_pass: Option<&'a literal::StatsPass>,
    /// When set, `sort` runs the plan so far and sorts its rows out of core.
    pub sort_pass: Option<&'a literal::SortPass>,
    /// When set, `dedupe` runs the plan so far and removes duplicates out of core.
    pub dedupe_pass: Option<&'a literal::DedupePass>,
    /// With a statistics pass: the bytes a median or quantile may hold; one whose
    /// values would take more is found out of core ([`quantile`]).
    pub quantile_budget: Option<u64>,
}

impl<'a> ApplyCx<'a> {
    /// A context with no condition, counters, other datasets or passes ahead (a
    /// step's preview, a test); set the fields that apply with struct update syntax.
    pub fn plain(schema: &'a Schema) -> Self {
        ApplyCx {
            schema,
            condition: None,
            counters: None,
            tables: None,
            stats_pass: None,
            sort_pass: None,
            dedupe_pass: None,
            quantile_budget: None,
        }
    }
}

impl ApplyCx<'_> {
    /// Another dataset, read lazily.
    pub fn table(&self, name: &str) -> PolarsResult<LazyFrame> {
        match self.tables {
            Some(t) => t.open(name).map_err(|e| polars_err!(ComputeError: "{e}")),
            None => {
                polars_bail!(ComputeError: "{name:?} is another file, and nothing here reads files")
            }
        }
    }

    /// A counter registered under `label` for this step (None when not collecting).
    pub fn counter(&self, label: &str) -> Option<Arc<Counter>> {
        self.counters.map(|f| f(label))
    }

    /// The condition as a mask (true where the step applies), if there is one.
    pub fn mask(&self) -> Option<Expr> {
        self.condition.clone().map(|c| c.fill_null(lit(false)))
    }

    /// `new` where the condition holds, the column's current value elsewhere, named `name`.
    /// When the column does not exist yet, rows outside the condition get null.
    pub fn values(&self, name: &str, new: Expr) -> Expr {
        match self.mask() {
            None => new.alias(name),
            Some(m) => {
                let old = if self.schema.contains(name) {
                    col(name)
                } else {
                    lit(NULL)
                };
                when(m).then(new).otherwise(old).alias(name)
            }
        }
    }

    /// Remove the rows where `remove` is true (and the condition holds), counting them.
    pub fn remove_rows(&self, lf: LazyFrame, remove: Expr) -> LazyFrame {
        let remove = remove.fill_null(lit(false));
        let remove = match self.mask() {
            Some(m) => remove.and(m),
            None => remove,
        };
        let remove = self.count_true(remove, "rows removed");
        lf.filter(remove.not())
    }

    /// Pass a boolean expression through unchanged, adding its true values to the counter
    /// `label` as the data streams by.
    pub fn count_true(&self, mask: Expr, label: &str) -> Expr {
        match self.counter(label) {
            None => mask,
            Some(counter) => mask.map(
                move |c: Column| {
                    let n = c.bool()?.sum().unwrap_or(0);
                    counter.add(u64::from(n));
                    Ok(c)
                },
                |_, f| Ok(f.clone()),
            ),
        }
    }

    /// `value` with a count of the present values (`present`) that it turns into missing
    /// ones, under `label`, and of the present values, for the loss `wort run` reports
    /// (`recipe::loss`).
    pub fn count_loss(&self, value: Expr, present: Expr, column: &str, label: &str) -> Expr {
        if self.counters.is_none() {
            return value;
        }
        // The present values are counted as the failures are computed from them, so
        // that both counts see the same rows.
        let seen = self.count_true(present.fill_null(lit(false)), &present_label(column, label));
        let failed = seen.and(value.clone().is_null());
        self.count_failures(value, failed, label)
    }

    /// `new` (a column's new values), counting under `label` the rows where it differs
    /// from `old` (a missing value differs from a present one), as the workbench's
    /// preview counts values changed.
    pub fn count_changed(&self, old: Expr, new: Expr, label: &str) -> Expr {
        if self.counters.is_none() {
            return new;
        }
        let changed = self.count_true(new.clone().neq_missing(old), label);
        let name = new.clone().meta().output_name();
        let out = when(changed).then(new.clone()).otherwise(new);
        match name {
            Ok(name) => out.alias(name),
            Err(_) => out,
        }
    }

    /// `value` with a count of rows where `failed` is true (values that became null).
    pub fn count_failures(&self, value: Expr, failed: Expr, label: &str) -> Expr {
        if self.counters.is_none() {
            return value;
        }
        let failed = self.count_true(failed.fill_null(lit(false)), label);
        when(failed).then(lit(NULL)).otherwise(value)
    }
}

/// Apply a `str -> String` function to every non-null value of a text expression.
pub fn map_text<F>(e: Expr, f: F) -> Expr
where
    F: Fn(&str) -> String + Send + Sync + 'static,
{
    e.map(
        move |c: Column| {
            let ca = c.str()?;
            let out: StringChunked = ca.apply_values(|s| f(s).into());
            Ok(out.into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// Build a polars literal from a JSON scalar, for a column of type `dt`.
pub fn json_literal(v: &Value, dt: &DataType) -> Result<Expr, String> {
    let base = match v {
        Value::Null => return Ok(lit(NULL).cast(dt.clone())),
        Value::Bool(b) => lit(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                lit(i)
            } else if let Some(f) = n.as_f64() {
                lit(f)
            } else {
                return Err(format!("number {n} is out of range"));
            }
        }
        Value::String(s) => lit(s.clone()),
        other => return Err(format!("{other} is not a single value")),
    };
    // Check the value converts to the column's type.
    let test = DataFrame::empty()
        .lazy()
        .select([base.clone().strict_cast(dt.clone()).alias("v")])
        .collect();
    match test {
        Ok(df) if df.column("v").map(|c| c.null_count()).unwrap_or(1) == 0 => {
            Ok(base.strict_cast(dt.clone()))
        }
        _ => Err(format!("value {v} does not fit a {} column", type_name(dt))),
    }
}
