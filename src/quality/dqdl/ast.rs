//! The DQDL syntax tree.
//!
//! A [`Ruleset`] is what [`parse`](super::parse) returns and [`print`](super::print)
//! writes. It keeps what a user wrote that matters for printing (quoting of parameters,
//! connector words, number text, explicit parentheses in numeric expressions, comments)
//! and drops what does not (whitespace, `and` vs `AND`, parentheses around composite
//! operands). [`Span`]s record where a rule or parameter was read but never take part in
//! equality, so a reprinted ruleset compares equal to the original.
//!
//! How an evaluator walks it:
//!
//! ```text
//! Ruleset
//!   rules.items: [RuleEntry { rule: RuleExpr, labels, comments }]
//!     RuleExpr::Rule(Rule { rule_type, params, condition, where_clause, threshold, tags })
//!     RuleExpr::And([RuleExpr, ..]) / RuleExpr::Or([RuleExpr, ..])   (n-ary, flattened)
//!   analyzers.items: [AnalyzerEntry { analyzer: Analyzer { rule_type, params, tags } }]
//!   constants: `$name` references resolve through Ruleset::constant
//!   default_labels + RuleEntry::labels: Ruleset::labels_for
//! ```
//!
//! Strings keep their raw text between the quotes ([`Str::raw`]). The reference parser
//! decodes `\"` and `\\` only in `in [...]` lists and list constants; everywhere else
//! (parameters, `=` operands, `matches` patterns, `where`) backslashes stay as written.
//! [`Str::unescaped`] gives the decoded form for the list contexts.

use serde::{Deserialize, Serialize};

use super::catalog::{RuleSpec, RuleType};

/// A whole DQDL document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ruleset {
    /// `Metadata = { "Version": "1.0" }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// `DataSources = { "Primary": "…", "AdditionalDataSources": [ … ] }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sources: Option<DataSources>,
    /// Constant declarations (`name = "text"`, `name = ["a", "b"]`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constants: Vec<Constant>,
    /// `DefaultLabels = ["k"="v", …]`: labels every rule carries unless it overrides the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_labels: Option<DefaultLabels>,
    /// `Rules = [ … ]`.
    #[serde(default)]
    pub rules: Section<RuleEntry>,
    /// `Analyzers = [ … ]`.
    #[serde(default)]
    pub analyzers: Section<AnalyzerEntry>,
    /// Comments after the last section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trailing_comments: Vec<String>,
}

/// A `Rules = [ … ]` or `Analyzers = [ … ]` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct Section<T> {
    /// Comments on the lines before `Rules = [`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    #[serde(default)]
    pub items: Vec<T>,
    /// Comments after the last item, before `]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub end_comments: Vec<String>,
}

impl<T> Default for Section<T> {
    fn default() -> Self {
        Section {
            comments: Vec::new(),
            items: Vec::new(),
            end_comments: Vec::new(),
        }
    }
}

impl<T> Section<T> {
    /// Whether the printer writes this section at all.
    pub fn is_present(&self) -> bool {
        !(self.items.is_empty() && self.comments.is_empty() && self.end_comments.is_empty())
    }
}

/// `Metadata = { "Version": "1.0" }` (the only key the reference allows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    pub version: Str,
}

/// `DataSources = { "Primary": "orders", "AdditionalDataSources": [ "reference" ] }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSources {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<Str>,
    /// Non-empty when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional: Option<Vec<Str>>,
}

/// A constant declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constant {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    pub name: String,
    pub value: ConstantValue,
    /// A comment on the same line, after the declaration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trailing_comment: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// What a constant holds: text, or a list of text and the keywords
/// `NULL`, `EMPTY`, `WHITESPACES_ONLY` (each item a [`Value`] of those kinds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstantValue {
    Text(Str),
    List(Vec<Value>),
}

/// `DefaultLabels = ["team"="finance"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefaultLabels {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    pub labels: Vec<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trailing_comment: Option<String>,
}

/// `"key"="value"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub key: Str,
    pub value: Str,
}

/// One item of `Rules = [ … ]`: a rule or composite, its labels and comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleEntry {
    /// Comments on the lines before the rule (a suggested rule's "why").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    pub rule: RuleExpr,
    /// `labels=[…]` of this rule (not the defaults). Labels belong to a whole entry:
    /// a rule inside a composite cannot carry its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// A comment on the same line, after the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trailing_comment: Option<String>,
}

impl RuleEntry {
    /// An entry with no comments or labels.
    pub fn new(rule: impl Into<RuleExpr>) -> Self {
        RuleEntry {
            comments: Vec::new(),
            rule: rule.into(),
            labels: Vec::new(),
            trailing_comment: None,
        }
    }

    /// Adds a `# text` comment line before the rule.
    pub fn with_comment(mut self, text: &str) -> Self {
        self.comments.push(comment(text));
        self
    }
}

/// A rule or a composite of rules. `And` and `Or` hold two or more operands; an
/// operand is never the same operator as its parent (chains are flattened), and
/// `and` binds tighter than `or`.
// Leaves are the common case, so they are stored inline rather than boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleExpr {
    Rule(Rule),
    And(Vec<RuleExpr>),
    Or(Vec<RuleExpr>),
}

impl From<Rule> for RuleExpr {
    fn from(rule: Rule) -> Self {
        RuleExpr::Rule(rule)
    }
}

impl RuleExpr {
    /// Every leaf rule, left to right.
    pub fn leaves(&self) -> Vec<&Rule> {
        let mut out = Vec::new();
        fn walk<'a>(e: &'a RuleExpr, out: &mut Vec<&'a Rule>) {
            match e {
                RuleExpr::Rule(r) => out.push(r),
                RuleExpr::And(v) | RuleExpr::Or(v) => v.iter().for_each(|x| walk(x, out)),
            }
        }
        walk(self, &mut out);
        out
    }

    /// Whether this is a composite (`and` / `or`).
    pub fn is_composite(&self) -> bool {
        !matches!(self, RuleExpr::Rule(_))
    }
}

/// One rule: `Type params [condition] [where "sql"] [with threshold cond] {with tag = v}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub rule_type: RuleType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Present exactly when the rule type's condition kind requires or (CustomSql)
    /// allows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// `where "<SQL predicate>"` (raw text, never empty).
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_clause: Option<Str>,
    /// `with threshold <numeric condition>`: the fraction of rows that must pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Condition>,
    /// Other `with name = value` tags (`timeZone`, `hashAlgorithm`, `ignoreCase`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Where the rule type was read.
    #[serde(skip)]
    pub span: Span,
}

impl Rule {
    /// A rule with no parameters or clauses.
    pub fn new(rule_type: RuleType) -> Self {
        Rule {
            rule_type,
            params: Vec::new(),
            condition: None,
            where_clause: None,
            threshold: None,
            tags: Vec::new(),
            span: Span::default(),
        }
    }

    /// Adds a quoted parameter (a column name, SQL, alias …).
    pub fn param(mut self, text: &str) -> Self {
        self.params.push(Param::quoted(text));
        self
    }

    pub fn condition(mut self, c: Condition) -> Self {
        self.condition = Some(c);
        self
    }

    /// This rule's catalogue entry.
    pub fn spec(&self) -> &'static RuleSpec {
        self.rule_type.spec()
    }

    /// A tag's value by name (`timeZone`, `bins` …).
    pub fn tag(&self, name: &str) -> Option<&TagValue> {
        self.tags.iter().find(|t| t.name == name).map(|t| &t.value)
    }
}

/// A positional parameter, optionally preceded by a connector word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// `of` / `and` before the parameter; cosmetic, kept for printing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<Connector>,
    pub value: ParamValue,
    #[serde(skip)]
    pub span: Span,
}

impl Param {
    /// A quoted parameter holding `text` verbatim.
    ///
    /// Parameters are not unescaped by DQDL, so `text` must not contain a `"` unless
    /// written as `\"` (which then stays `\"`); see [`Str::from_raw`].
    pub fn quoted(text: &str) -> Self {
        Param {
            connector: None,
            value: ParamValue::Quoted(Str::raw_unchecked(text)),
            span: Span::default(),
        }
    }

    /// The parameter's text, unless it is a `$constant` (see [`Ruleset::param_text`]).
    pub fn literal(&self) -> Option<&str> {
        match &self.value {
            ParamValue::Quoted(s) => Some(s.raw()),
            ParamValue::Bare(s) => Some(s),
            ParamValue::Constant(_) => None,
        }
    }
}

/// A connector word before a parameter, in the case written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Connector {
    #[serde(rename = "of")]
    Of,
    #[serde(rename = "OF")]
    OfUpper,
    #[serde(rename = "and")]
    And,
    #[serde(rename = "AND")]
    AndUpper,
}

impl Connector {
    pub fn as_str(self) -> &'static str {
        match self {
            Connector::Of => "of",
            Connector::OfUpper => "OF",
            Connector::And => "and",
            Connector::AndUpper => "AND",
        }
    }
}

/// How a parameter was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamValue {
    /// `"order-id"`: raw text between the quotes.
    Quoted(Str),
    /// `order_id`: an unquoted name made of letters, digits, `_` and `.`.
    Bare(String),
    /// `$name`: a text constant.
    Constant(String),
}

/// A condition: the part after the parameters, and the body of `with threshold`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// `= x`, `!= x`, `> x`, `>= x`, `< x`, `<= x`.
    Compare { op: CompareOp, value: Value },
    /// `between a and b` (exclusive: a < v < b) or `not between a and b`.
    Between {
        negated: bool,
        low: Value,
        high: Value,
    },
    /// `in [ … ]`, `not in [ … ]`, `in $list`.
    In { negated: bool, list: ValueList },
    /// `matches "re"` or `not matches "re"` (raw pattern text).
    Matches { negated: bool, pattern: Str },
}

impl Condition {
    pub fn compare(op: CompareOp, value: Value) -> Self {
        Condition::Compare { op, value }
    }

    pub fn between(low: Value, high: Value) -> Self {
        Condition::Between {
            negated: false,
            low,
            high,
        }
    }

    pub fn in_list(values: Vec<Value>) -> Self {
        Condition::In {
            negated: false,
            list: ValueList::Items(values),
        }
    }
}

/// The comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
        }
    }
}

/// The list of `in`: written out, or a list constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueList {
    /// Non-empty; items of one kind (numbers, text, dates, durations or sizes) plus
    /// `NULL` (and `EMPTY` / `WHITESPACES_ONLY` with text).
    Items(Vec<Value>),
    /// `$name`: a list constant.
    Constant(String),
}

/// An operand of a condition. Which kinds appear is fixed by the rule type's
/// [`ConditionKind`](super::catalog::ConditionKind); the parser guarantees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A numeric expression (literal, `avg(last(10))`, arithmetic).
    Number(NumExpr),
    /// A quoted string (raw text).
    Text(Str),
    /// `$name`: a text constant.
    Constant(String),
    /// A date or time expression.
    Date(DateExpr),
    /// `24 hours`.
    Duration(Duration),
    /// `5 GB`, or a bare byte count.
    Size(Size),
    /// `NULL`: the value is null.
    Null,
    /// `EMPTY`: the value is the empty string.
    Empty,
    /// `WHITESPACES_ONLY`: non-empty and only whitespace.
    WhitespacesOnly,
}

impl Value {
    /// A plain number literal.
    pub fn number(n: f64) -> Self {
        Value::Number(NumExpr::Number(Number::from_f64(n)))
    }

    /// A quoted string holding `text`, escaped for list contexts (see [`Str::escaped`]).
    pub fn text(text: &str) -> Self {
        Value::Text(Str::escaped(text))
    }
}

/// A numeric expression. All four operators are binary; `*` and `/` bind tighter
/// than `+` and `-`, all left-associative. `Paren` records parentheses the user wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumExpr {
    Number(Number),
    /// `avg(last(10))`, `last()`, `index(last(10),2)`: any name; meaning comes from the
    /// evaluator.
    Call {
        name: String,
        args: Vec<NumExpr>,
    },
    Paren(Box<NumExpr>),
    Binary {
        op: ArithOp,
        left: Box<NumExpr>,
        right: Box<NumExpr>,
    },
}

impl NumExpr {
    /// A call such as `last(10)`.
    pub fn call(name: &str, args: Vec<NumExpr>) -> Self {
        NumExpr::Call {
            name: name.to_string(),
            args,
        }
    }

    pub fn binary(op: ArithOp, left: NumExpr, right: NumExpr) -> Self {
        NumExpr::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        }
    }

    /// The value when the expression is constant (no function calls).
    pub fn constant_value(&self) -> Option<f64> {
        match self {
            NumExpr::Number(n) => Some(n.value()),
            NumExpr::Call { .. } => None,
            NumExpr::Paren(e) => e.constant_value(),
            NumExpr::Binary { op, left, right } => {
                let (a, b) = (left.constant_value()?, right.constant_value()?);
                Some(op.apply(a, b))
            }
        }
    }

    /// Whether the expression reads metric history (calls a function).
    pub fn is_dynamic(&self) -> bool {
        match self {
            NumExpr::Number(_) => false,
            NumExpr::Call { .. } => true,
            NumExpr::Paren(e) => e.is_dynamic(),
            NumExpr::Binary { left, right, .. } => left.is_dynamic() || right.is_dynamic(),
        }
    }
}

/// `+ - * /`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArithOp {
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
    #[serde(rename = "*")]
    Mul,
    #[serde(rename = "/")]
    Div,
}

impl ArithOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }

    /// 1 for `+ -`, 2 for `* /`.
    pub fn precedence(self) -> u8 {
        match self {
            ArithOp::Add | ArithOp::Sub => 1,
            ArithOp::Mul | ArithOp::Div => 2,
        }
    }

    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            ArithOp::Add => a + b,
            ArithOp::Sub => a - b,
            ArithOp::Mul => a * b,
            ArithOp::Div => a / b,
        }
    }
}

/// A number literal, kept as written (`100.0`, `-0.00000001`): an optional `-`, digits,
/// and optionally `.` and digits. No exponent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Number(String);

impl Number {
    /// Checks the DQDL number shape.
    pub fn new(text: &str) -> Option<Number> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (all_digits(int) && frac.is_none_or(all_digits)).then(|| Number(text.to_string()))
    }

    /// The shortest text for `x` (`0.95`, `1000`, `-2.5`). Non-finite values become 0.
    pub fn from_f64(x: f64) -> Number {
        if !x.is_finite() {
            return Number("0".into());
        }
        // `Display` for f64 never uses an exponent and gives the shortest round-trip text.
        let mut s = format!("{x}");
        if s == "-0" {
            s = "0".into();
        }
        Number(s)
    }

    pub fn text(&self) -> &str {
        &self.0
    }

    pub fn value(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// Whether it was written without a decimal point.
    pub fn is_integer(&self) -> bool {
        !self.0.contains('.')
    }
}

impl TryFrom<String> for Number {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Number::new(&s).ok_or_else(|| format!("not a DQDL number: {s:?}"))
    }
}

impl From<Number> for String {
    fn from(n: Number) -> String {
        n.0
    }
}

/// A date expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateExpr {
    /// `"2022-06-30"`: midnight of that day.
    Date(String),
    /// `"9:30 AM"`, `"21:45"`: today at that time in the rule's `timeZone` (default UTC).
    Time(String),
    /// `now()`: the current instant, UTC.
    Now,
    /// `(now() - 3 days)`.
    NowOffset {
        sign: Sign,
        amount: u64,
        unit: DurationUnit,
    },
}

/// `+` or `-` in a date offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sign {
    #[serde(rename = "+")]
    Plus,
    #[serde(rename = "-")]
    Minus,
}

/// `24 hours`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duration {
    pub amount: u64,
    pub unit: DurationUnit,
}

impl Duration {
    pub fn seconds(self) -> u64 {
        self.amount.saturating_mul(self.unit.seconds())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    Days,
    Hours,
    Minutes,
}

impl DurationUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Days => "days",
            DurationUnit::Hours => "hours",
            DurationUnit::Minutes => "minutes",
        }
    }

    pub fn seconds(self) -> u64 {
        match self {
            DurationUnit::Days => 86_400,
            DurationUnit::Hours => 3_600,
            DurationUnit::Minutes => 60,
        }
    }

    pub(crate) fn from_word(w: &str) -> Option<Self> {
        match w {
            "days" => Some(DurationUnit::Days),
            "hours" => Some(DurationUnit::Hours),
            "minutes" => Some(DurationUnit::Minutes),
            _ => None,
        }
    }
}

/// `5 GB`; a bare integer (no unit) is bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    pub amount: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<SizeUnit>,
}

impl Size {
    pub fn bytes(self) -> u64 {
        self.amount
            .saturating_mul(self.unit.map_or(1, SizeUnit::bytes))
    }
}

/// Size units, powers of 1024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizeUnit {
    B,
    KB,
    MB,
    GB,
    TB,
}

impl SizeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            SizeUnit::B => "B",
            SizeUnit::KB => "KB",
            SizeUnit::MB => "MB",
            SizeUnit::GB => "GB",
            SizeUnit::TB => "TB",
        }
    }

    pub fn bytes(self) -> u64 {
        match self {
            SizeUnit::B => 1,
            SizeUnit::KB => 1 << 10,
            SizeUnit::MB => 1 << 20,
            SizeUnit::GB => 1 << 30,
            SizeUnit::TB => 1 << 40,
        }
    }

    pub(crate) fn from_word(w: &str) -> Option<Self> {
        match w {
            "B" => Some(SizeUnit::B),
            "KB" => Some(SizeUnit::KB),
            "MB" => Some(SizeUnit::MB),
            "GB" => Some(SizeUnit::GB),
            "TB" => Some(SizeUnit::TB),
            _ => None,
        }
    }
}

/// `with name = value` (not `threshold`, which is [`Rule::threshold`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub name: String,
    pub value: TagValue,
}

/// A tag's value as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagValue {
    Text(Str),
    Number(Number),
    /// An unquoted word (`rebin = false` in the Distribution analyzer).
    Word(String),
}

impl TagValue {
    /// The text of a string or word value, the literal of a number.
    pub fn as_text(&self) -> &str {
        match self {
            TagValue::Text(s) => s.raw(),
            TagValue::Number(n) => n.text(),
            TagValue::Word(w) => w,
        }
    }
}

/// One item of `Analyzers = [ … ]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzerEntry {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    pub analyzer: Analyzer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trailing_comment: Option<String>,
}

/// An analyzer: `Type params [with name = value, …]`. No condition, `where` or labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analyzer {
    pub rule_type: RuleType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(skip)]
    pub span: Span,
}

/// A quoted string's raw text (between the quotes, escapes not decoded).
///
/// Invariant: no `"` except as `\"`, and the text does not end in an odd number of
/// backslashes, so `"` + raw + `"` always lexes back to the same string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Str(String);

impl Str {
    /// Accepts raw text that can be written between quotes as is.
    pub fn from_raw(raw: &str) -> Option<Str> {
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return None,
                '\\' => match chars.next() {
                    None => return None,
                    Some('"') | Some('\\') => {}
                    Some(_) => {}
                },
                _ => {}
            }
        }
        Some(Str(raw.to_string()))
    }

    /// Raw text that is known to be valid (a parameter built by code from a column
    /// name); invalid text is escaped instead.
    pub(crate) fn raw_unchecked(raw: &str) -> Str {
        Str::from_raw(raw).unwrap_or_else(|| Str::escaped(raw))
    }

    /// Escapes `"` and `\` so that [`Str::unescaped`] gives `text` back (the decoding the
    /// reference parser applies to `in [...]` items and list constants).
    pub fn escaped(text: &str) -> Str {
        let mut s = String::with_capacity(text.len());
        for c in text.chars() {
            if c == '"' || c == '\\' {
                s.push('\\');
            }
            s.push(c);
        }
        Str(s)
    }

    /// The text between the quotes, as written.
    pub fn raw(&self) -> &str {
        &self.0
    }

    /// `\x` decoded to `x` (the reference parser's decoding for list items).
    pub fn unescaped(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut chars = self.0.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

impl TryFrom<String> for Str {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Str::from_raw(&s).ok_or_else(|| format!("not writable between quotes: {s:?}"))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.0
    }
}

/// Where something was read (1-based line and column). Ignored by equality and by
/// serde: it is informational, for lint and editor messages.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

/// The stored form of a `# text` comment: what follows `#`, with one leading space.
pub fn comment(text: &str) -> String {
    format!(" {}", text.trim_end())
}

impl Ruleset {
    /// The number a static value stands for when a metric is compared with it: `None`
    /// for `NULL`; text and text constants parsed; durations in hours, sizes in bytes.
    /// A dynamic expression (`avg(last(3))`) gives `None` here: the evaluator resolves
    /// it from history first.
    pub fn number_value(&self, v: &Value) -> Result<Option<f64>, String> {
        match v {
            Value::Null => Ok(None),
            Value::Number(e) => Ok(e.constant_value()),
            Value::Text(s) => s
                .unescaped()
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| format!("{s:?} is not a number")),
            Value::Constant(name) => self
                .constant(name)
                .and_then(|c| match &c.value {
                    ConstantValue::Text(s) => s.unescaped().parse().ok(),
                    _ => None,
                })
                .map(Some)
                .ok_or_else(|| format!("Variable not found: {name}")),
            Value::Duration(d) => Ok(Some(d.seconds() as f64 / 3600.0)),
            Value::Size(s) => Ok(Some(s.bytes() as f64)),
            other => Err(format!("{other:?} is not a number")),
        }
    }

    /// A ruleset holding these rules.
    pub fn with_rules(rules: Vec<RuleEntry>) -> Self {
        Ruleset {
            rules: Section {
                items: rules,
                ..Section::default()
            },
            ..Ruleset::default()
        }
    }

    /// A constant by name.
    pub fn constant(&self, name: &str) -> Option<&Constant> {
        self.constants.iter().find(|c| c.name == name)
    }

    /// A parameter's text, resolving a `$constant` (text constants only).
    pub fn param_text<'a>(&'a self, p: &'a Param) -> Option<&'a str> {
        match &p.value {
            ParamValue::Constant(name) => match &self.constant(name)?.value {
                ConstantValue::Text(s) => Some(s.raw()),
                ConstantValue::List(_) => None,
            },
            _ => p.literal(),
        }
    }

    /// The items of an `in` list, resolving a list constant.
    pub fn list_items<'a>(&'a self, list: &'a ValueList) -> Option<&'a [Value]> {
        match list {
            ValueList::Items(v) => Some(v),
            ValueList::Constant(name) => match &self.constant(name)?.value {
                ConstantValue::List(v) => Some(v),
                ConstantValue::Text(_) => None,
            },
        }
    }

    /// The labels an entry carries: the defaults, overridden by key by its own.
    pub fn labels_for(&self, entry: &RuleEntry) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .default_labels
            .iter()
            .flat_map(|d| &d.labels)
            .map(|l| (l.key.raw().to_string(), l.value.raw().to_string()))
            .collect();
        for l in &entry.labels {
            match out.iter_mut().find(|(k, _)| k == l.key.raw()) {
                Some(slot) => slot.1 = l.value.raw().to_string(),
                None => out.push((l.key.raw().to_string(), l.value.raw().to_string())),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        for ok in ["0", "100.0", "-0.00000001", "007"] {
            assert_eq!(Number::new(ok).unwrap().text(), ok);
        }
        for bad in ["", "-", "1.", ".5", "1e5", "1.2.3", "+1"] {
            assert_eq!(Number::new(bad), None, "{bad}");
        }
        assert_eq!(Number::from_f64(0.95).text(), "0.95");
        assert_eq!(Number::from_f64(1000.0).text(), "1000");
        assert_eq!(Number::from_f64(-2.5).text(), "-2.5");
        assert_eq!(Number::from_f64(1e-7).text(), "0.0000001");
        assert_eq!(Number::from_f64(-0.0).text(), "0");
        assert_eq!(Number::from_f64(f64::NAN).text(), "0");
        assert!(Number::new("12").unwrap().is_integer());
        assert_eq!(Number::new("-1.25").unwrap().value(), -1.25);
    }

    #[test]
    fn strings_keep_raw_text_and_decode_for_lists() {
        let s = Str::from_raw(r#"a\"b\\c\d"#).unwrap();
        assert_eq!(s.raw(), r#"a\"b\\c\d"#);
        assert_eq!(s.unescaped(), r#"a"b\cd"#);
        assert_eq!(Str::from_raw(r#"a"b"#), None);
        assert_eq!(Str::from_raw(r"ends\"), None);
        assert_eq!(
            Str::escaped(r#"say "hi" \o/"#).unescaped(),
            r#"say "hi" \o/"#
        );
        assert!(serde_json::from_str::<Str>(r#""a\"b""#).is_err());
    }

    #[test]
    fn spans_do_not_take_part_in_equality() {
        let a = Span { line: 1, column: 2 };
        let b = Span { line: 9, column: 9 };
        assert_eq!(a, b);
    }

    #[test]
    fn sizes_and_durations_convert() {
        assert_eq!(
            Size {
                amount: 5,
                unit: Some(SizeUnit::GB)
            }
            .bytes(),
            5 << 30
        );
        assert_eq!(
            Size {
                amount: 2,
                unit: None
            }
            .bytes(),
            2
        );
        assert_eq!(
            Duration {
                amount: 3,
                unit: DurationUnit::Days
            }
            .seconds(),
            3 * 86_400
        );
    }
}
