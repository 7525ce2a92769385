//! AWS Glue DataBrew recipe JSON, both ways (the recipe format: <https://docs.aws.amazon.com/databrew/latest/dg/recipe-actions-reference.html>).
//!
//! Export: each step maps itself (`StepImpl::databrew`) to DataBrew operations, with
//! its `where` as `ConditionExpressions` for the two operations DataBrew documents them
//! on (REMOVE_VALUES and FILL_WITH_CUSTOM). Import: [`import`] maps every operation wort
//! has an equivalent for, and lists the others with their step numbers.
//!
//! Conditions: a `where` (or filter) that is a conjunction of simple tests on one column
//! each (`col = 'x'`, `col IN (...)`, `col < 5`, `col IS NULL`, `col LIKE 'abc%'`)
//! becomes DataBrew conditions, which are AND-ed; anything else has no equivalent.

use polars::prelude::{DataType, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::text::{Tok, polars_ident, polars_str, tokenize};
use super::{ExportError, Untranslated};
use crate::recipe::{Recipe, Step};
use crate::transform::Op;

/// One DataBrew recipe step (file form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BrewStep {
    pub action: BrewAction,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_expressions: Vec<BrewCondition>,
}

/// The operation and its parameters (all values are strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BrewAction {
    pub operation: String,
    #[serde(default)]
    pub parameters: Map<String, Value>,
}

/// One condition; all of a step's conditions must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BrewCondition {
    pub condition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub target_column: String,
}

impl BrewStep {
    /// A step with no parameters yet.
    pub fn op(operation: &str) -> BrewStep {
        BrewStep {
            action: BrewAction {
                operation: operation.to_string(),
                parameters: Map::new(),
            },
            condition_expressions: Vec::new(),
        }
    }

    /// Add a parameter (empty values are left out: DataBrew rejects them).
    pub fn param(mut self, key: &str, value: impl Into<String>) -> BrewStep {
        let value = value.into();
        if !value.is_empty() {
            self.action
                .parameters
                .insert(key.to_string(), Value::String(value));
        }
        self
    }

    /// Add a list parameter (JSON text inside the string).
    pub fn list(self, key: &str, values: &[String]) -> BrewStep {
        let text = serde_json::to_string(values).unwrap_or_default();
        self.param(key, text)
    }

    pub fn conditions(mut self, c: Vec<BrewCondition>) -> BrewStep {
        self.condition_expressions = c;
        self
    }

    /// A parameter's value as text.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.action.parameters.get(key).and_then(Value::as_str)
    }
}

// ---------------------------------------------------------------------------------------
// Conditions: SQL <-> DataBrew

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
}

impl Lit {
    fn text(&self) -> String {
        match self {
            Lit::Str(s) | Lit::Num(s) => s.clone(),
            Lit::Bool(b) => b.to_string(),
        }
    }
}

/// One test on one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// `col <op> literal`, op one of = <> < <= > >=.
    Cmp {
        col: String,
        op: String,
        lit: Lit,
    },
    IsNull {
        col: String,
        negated: bool,
    },
    In {
        col: String,
        values: Vec<Lit>,
        negated: bool,
    },
    Like {
        col: String,
        pattern: String,
        negated: bool,
    },
}

impl Atom {
    pub fn column(&self) -> &str {
        match self {
            Atom::Cmp { col, .. }
            | Atom::IsNull { col, .. }
            | Atom::In { col, .. }
            | Atom::Like { col, .. } => col,
        }
    }

    /// The test that is true exactly where this one is false (for non-missing values).
    pub fn negate(&self) -> Atom {
        match self.clone() {
            Atom::Cmp { col, op, lit } => {
                let op = match op.as_str() {
                    "=" => "<>",
                    "<>" => "=",
                    "<" => ">=",
                    "<=" => ">",
                    ">" => "<=",
                    _ => "<",
                };
                Atom::Cmp {
                    col,
                    op: op.into(),
                    lit,
                }
            }
            Atom::IsNull { col, negated } => Atom::IsNull {
                col,
                negated: !negated,
            },
            Atom::In {
                col,
                values,
                negated,
            } => Atom::In {
                col,
                values,
                negated: !negated,
            },
            Atom::Like {
                col,
                pattern,
                negated,
            } => Atom::Like {
                col,
                pattern,
                negated: !negated,
            },
        }
    }

    /// The DataBrew condition for this test.
    pub fn to_brew(&self) -> Result<BrewCondition, String> {
        let target = self.column().to_string();
        let cond = |c: &str, v: Option<String>| BrewCondition {
            condition: c.into(),
            value: v,
            target_column: target.clone(),
        };
        let list = |vals: &[Lit]| {
            serde_json::to_string(&vals.iter().map(Lit::text).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        Ok(match self {
            Atom::Cmp { op, lit, .. } => match (op.as_str(), lit) {
                ("=", l) => cond("IS", Some(list(std::slice::from_ref(l)))),
                ("<>", l) => cond("IS_NOT", Some(list(std::slice::from_ref(l)))),
                (op, Lit::Num(n)) => {
                    let name = match op {
                        "<" => "LESS_THAN",
                        "<=" => "LESS_THAN_EQUAL",
                        ">" => "GREATER_THAN",
                        _ => "GREATER_THAN_EQUAL",
                    };
                    cond(name, Some(n.clone()))
                }
                (op, _) => {
                    return Err(format!("DataBrew compares with {op} only against numbers"));
                }
            },
            Atom::IsNull { negated: false, .. } => cond("IS_MISSING", None),
            Atom::IsNull { negated: true, .. } => {
                return Err("DataBrew has no condition for \"has a value\"".into());
            }
            Atom::In {
                values, negated, ..
            } => cond(if *negated { "IS_NOT" } else { "IS" }, Some(list(values))),
            Atom::Like {
                pattern, negated, ..
            } => {
                let inner = pattern.trim_start_matches('%').trim_end_matches('%');
                if inner.contains(['%', '_']) {
                    return Err(format!(
                        "LIKE {pattern:?}: DataBrew tests only starts with / ends with / contains"
                    ));
                }
                let (start, end) = (pattern.starts_with('%'), pattern.ends_with('%'));
                let name = match (start, end) {
                    (false, true) => "STARTS_WITH",
                    (true, false) => "ENDS_WITH",
                    (true, true) => "CONTAINS",
                    (false, false) => {
                        let v = list(&[Lit::Str(inner.to_string())]);
                        return Ok(cond(if *negated { "IS_NOT" } else { "IS" }, Some(v)));
                    }
                };
                let name = if *negated {
                    format!("NOT_{name}")
                } else {
                    name.to_string()
                };
                cond(&name, Some(inner.to_string()))
            }
        })
    }

    /// The polars SQL text of this test.
    pub fn to_sql(&self) -> String {
        let lit = |l: &Lit| match l {
            Lit::Str(s) => polars_str(s),
            Lit::Num(n) => n.clone(),
            Lit::Bool(b) => b.to_string(),
        };
        match self {
            Atom::Cmp { col, op, lit: l } => format!("{} {op} {}", polars_ident(col), lit(l)),
            Atom::IsNull { col, negated } => format!(
                "{} IS {}NULL",
                polars_ident(col),
                if *negated { "NOT " } else { "" }
            ),
            Atom::In {
                col,
                values,
                negated,
            } => format!(
                "{} {}IN ({})",
                polars_ident(col),
                if *negated { "NOT " } else { "" },
                values.iter().map(lit).collect::<Vec<_>>().join(", ")
            ),
            Atom::Like {
                col,
                pattern,
                negated,
            } => format!(
                "{} {}LIKE {}",
                polars_ident(col),
                if *negated { "NOT " } else { "" },
                polars_str(pattern)
            ),
        }
    }
}

/// Parse `a AND b AND ...` of simple one-column tests.
pub fn parse_conjunction(sql: &str) -> Result<Vec<Atom>, String> {
    let toks: Vec<Tok> = tokenize(sql)?
        .into_iter()
        .filter(|t| !matches!(t, Tok::Space(_)))
        .collect();
    let mut p = Parser { toks, i: 0 };
    let atoms = p.conjunction()?;
    if p.i != p.toks.len() {
        return Err(too_complex(sql));
    }
    Ok(atoms)
}

fn too_complex(sql: &str) -> String {
    format!(
        "{sql:?} is not a conjunction (AND) of simple tests on one column each, which is all DataBrew conditions can say"
    )
}

struct Parser {
    toks: Vec<Tok>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }
    fn word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }
    fn sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if x == s)
    }
    fn err(&self) -> String {
        let text: Vec<String> = self
            .toks
            .iter()
            .map(|t| match t {
                Tok::Str(s) => polars_str(s),
                Tok::QuotedIdent(n) => polars_ident(n),
                Tok::Word(w) | Tok::Num(w) | Tok::Sym(w) | Tok::Space(w) => w.clone(),
            })
            .collect();
        too_complex(&text.join(" "))
    }

    fn conjunction(&mut self) -> Result<Vec<Atom>, String> {
        let mut out = self.atom()?;
        while self.word("AND") {
            self.i += 1;
            out.extend(self.atom()?);
        }
        Ok(out)
    }

    fn atom(&mut self) -> Result<Vec<Atom>, String> {
        if self.sym("(") {
            self.i += 1;
            let inner = self.conjunction()?;
            if !self.sym(")") {
                return Err(self.err());
            }
            self.i += 1;
            return Ok(inner);
        }
        let left = self.operand()?;
        // col IS [NOT] NULL
        if self.word("IS") {
            self.i += 1;
            let negated = self.word("NOT");
            if negated {
                self.i += 1;
            }
            if !self.word("NULL") {
                return Err(self.err());
            }
            self.i += 1;
            let Operand::Col(col) = left else {
                return Err(self.err());
            };
            return Ok(vec![Atom::IsNull { col, negated }]);
        }
        let negated = self.word("NOT");
        if negated {
            self.i += 1;
        }
        if self.word("IN") {
            self.i += 1;
            let Operand::Col(col) = left else {
                return Err(self.err());
            };
            if !self.sym("(") {
                return Err(self.err());
            }
            self.i += 1;
            let mut values = Vec::new();
            loop {
                match self.operand()? {
                    Operand::Lit(l) => values.push(l),
                    Operand::Col(_) => return Err(self.err()),
                }
                if self.sym(",") {
                    self.i += 1;
                    continue;
                }
                break;
            }
            if !self.sym(")") {
                return Err(self.err());
            }
            self.i += 1;
            return Ok(vec![Atom::In {
                col,
                values,
                negated,
            }]);
        }
        if self.word("LIKE") {
            self.i += 1;
            let (Operand::Col(col), Operand::Lit(Lit::Str(pattern))) = (left, self.operand()?)
            else {
                return Err(self.err());
            };
            return Ok(vec![Atom::Like {
                col,
                pattern,
                negated,
            }]);
        }
        if negated {
            return Err(self.err());
        }
        let op = match self.peek() {
            Some(Tok::Sym(s))
                if ["=", "==", "<>", "!=", "<", "<=", ">", ">="].contains(&s.as_str()) =>
            {
                match s.as_str() {
                    "==" => "=".to_string(),
                    "!=" => "<>".to_string(),
                    s => s.to_string(),
                }
            }
            _ => return Err(self.err()),
        };
        self.i += 1;
        let right = self.operand()?;
        match (left, right) {
            (Operand::Col(col), Operand::Lit(lit)) => Ok(vec![Atom::Cmp { col, op, lit }]),
            (Operand::Lit(lit), Operand::Col(col)) => {
                let op = match op.as_str() {
                    "<" => ">",
                    "<=" => ">=",
                    ">" => "<",
                    ">=" => "<=",
                    o => o,
                }
                .to_string();
                Ok(vec![Atom::Cmp { col, op, lit }])
            }
            _ => Err(self.err()),
        }
    }

    fn operand(&mut self) -> Result<Operand, String> {
        let t = self.peek().cloned().ok_or_else(|| self.err())?;
        self.i += 1;
        Ok(match t {
            Tok::Str(s) => Operand::Lit(Lit::Str(s)),
            Tok::Num(n) => Operand::Lit(Lit::Num(n)),
            Tok::QuotedIdent(n) => Operand::Col(n),
            Tok::Sym(s) if s == "-" => match self.peek().cloned() {
                Some(Tok::Num(n)) => {
                    self.i += 1;
                    Operand::Lit(Lit::Num(format!("-{n}")))
                }
                _ => return Err(self.err()),
            },
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Operand::Lit(Lit::Bool(true)),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Operand::Lit(Lit::Bool(false)),
            Tok::Word(w)
                if ![
                    "and", "or", "not", "is", "null", "in", "like", "case", "when",
                ]
                .contains(&w.to_ascii_lowercase().as_str()) =>
            {
                // A function call is not a column.
                if self.sym("(") {
                    return Err(self.err());
                }
                Operand::Col(w)
            }
            _ => return Err(self.err()),
        })
    }
}

enum Operand {
    Col(String),
    Lit(Lit),
}

/// A DataBrew condition as a polars SQL test; `dtype` is the target column's type
/// (None: numbers are guessed from the value).
pub fn condition_sql(c: &BrewCondition, dtype: Option<&DataType>) -> Result<String, String> {
    let col = c.target_column.clone();
    let value = c.value.clone().unwrap_or_default();
    let numeric = dtype.map(|dt| dt.is_primitive_numeric());
    let lit = |v: &str| -> Lit {
        let looks_numeric = v.trim().parse::<f64>().is_ok() && !v.trim().is_empty();
        if dtype == Some(&DataType::Boolean)
            && ["true", "false"].contains(&v.trim().to_ascii_lowercase().as_str())
        {
            Lit::Bool(v.trim().eq_ignore_ascii_case("true"))
        } else if numeric.unwrap_or(looks_numeric) && looks_numeric {
            Lit::Num(v.trim().to_string())
        } else {
            Lit::Str(v.to_string())
        }
    };
    let list = |v: &str| -> Vec<Lit> {
        match serde_json::from_str::<Vec<Value>>(v) {
            Ok(items) => items
                .iter()
                .map(|x| match x {
                    Value::String(s) => lit(s),
                    other => lit(&other.to_string()),
                })
                .collect(),
            Err(_) => vec![lit(v)],
        }
    };
    let like = |pattern: String, negated: bool| -> Result<Atom, String> {
        if value.contains(['%', '_']) {
            return Err(format!(
                "{} {value:?}: the text holds % or _, which LIKE would read as wildcards",
                c.condition
            ));
        }
        Ok(Atom::Like {
            col: col.clone(),
            pattern,
            negated,
        })
    };
    let atom = match c.condition.as_str() {
        "IS" | "IS_NOT" => {
            let values = list(&value);
            let negated = c.condition == "IS_NOT";
            if values.len() == 1 {
                Atom::Cmp {
                    col,
                    op: if negated { "<>" } else { "=" }.into(),
                    lit: values[0].clone(),
                }
            } else {
                Atom::In {
                    col,
                    values,
                    negated,
                }
            }
        }
        "LESS_THAN" | "LESS_THAN_EQUAL" | "GREATER_THAN" | "GREATER_THAN_EQUAL" => {
            let op = match c.condition.as_str() {
                "LESS_THAN" => "<",
                "LESS_THAN_EQUAL" => "<=",
                "GREATER_THAN" => ">",
                _ => ">=",
            };
            Atom::Cmp {
                col,
                op: op.into(),
                lit: lit(&value),
            }
        }
        "IS_MISSING" => Atom::IsNull {
            col,
            negated: false,
        },
        "STARTS_WITH" => like(format!("{value}%"), false)?,
        "NOT_STARTS_WITH" => like(format!("{value}%"), true)?,
        "ENDS_WITH" => like(format!("%{value}"), false)?,
        "NOT_ENDS_WITH" => like(format!("%{value}"), true)?,
        "CONTAINS" => like(format!("%{value}%"), false)?,
        "NOT_CONTAINS" => like(format!("%{value}%"), true)?,
        other => {
            return Err(format!(
                "condition {other} has no wort equivalent (IS_INVALID needs DataBrew's type detection; IS_BETWEEN's value layout is undocumented)"
            ));
        }
    };
    Ok(atom.to_sql())
}

// ---------------------------------------------------------------------------------------
// Export

/// What a step's `databrew` mapping sees.
pub struct BrewCx<'a> {
    /// The columns before the step, when the export was given the input.
    pub schema: Option<&'a Schema>,
    /// The step's `where` (polars SQL).
    pub condition: Option<&'a str>,
}

impl BrewCx<'_> {
    /// Fail when the step has a `where`: DataBrew documents conditions only for
    /// REMOVE_VALUES and FILL_WITH_CUSTOM.
    pub fn no_where(&self) -> Result<(), String> {
        match self.condition {
            None => Ok(()),
            Some(_) => Err(
                "has a \"where\"; DataBrew documents conditions only for REMOVE_VALUES and FILL_WITH_CUSTOM"
                    .into(),
            ),
        }
    }

    /// The `where` as DataBrew conditions (none without a `where`).
    pub fn conditions(&self) -> Result<Vec<BrewCondition>, String> {
        match self.condition {
            None => Ok(Vec::new()),
            Some(w) => parse_conjunction(w)?
                .iter()
                .map(Atom::to_brew)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("where: {e}")),
        }
    }

    /// The `where` as parsed tests.
    pub fn atoms(&self) -> Result<Vec<Atom>, String> {
        match self.condition {
            None => Ok(Vec::new()),
            Some(w) => parse_conjunction(w),
        }
    }

    pub fn dtype(&self, name: &str) -> Option<&DataType> {
        self.schema.and_then(|s| s.get(name))
    }
}

/// Steps removing the rows where `remove` (a conjunction) holds, within `cond`.
pub fn remove_where(remove: &[Atom], cond: &[Atom]) -> Result<Vec<BrewStep>, String> {
    let Some(first) = remove.first() else {
        return Err("nothing to remove".into());
    };
    let mut conds = Vec::new();
    for a in remove.iter().chain(cond) {
        conds.push(a.to_brew()?);
    }
    Ok(vec![
        BrewStep::op("REMOVE_VALUES")
            .param("sourceColumn", first.column())
            .conditions(conds),
    ])
}

/// Steps keeping only the rows where `keep` (a conjunction) holds, within `cond`:
/// rows where a tested column is missing go, then rows failing each test.
pub fn keep_where(keep: &[Atom], cond: &[Atom]) -> Result<Vec<BrewStep>, String> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for a in keep {
        if let Atom::IsNull { negated: false, .. } = a {
            return Err("keeping rows where a column IS NULL has no DataBrew condition".into());
        }
        if !matches!(a, Atom::IsNull { .. }) && !seen.contains(&a.column()) {
            seen.push(a.column());
            let missing = Atom::IsNull {
                col: a.column().to_string(),
                negated: false,
            };
            out.extend(remove_where(&[missing], cond)?);
        }
    }
    for a in keep {
        out.extend(remove_where(&[a.negate()], cond)?);
    }
    Ok(out)
}

/// The DataBrew type name for a wort type (CHANGE_DATA_TYPE).
pub fn type_param(cast: &str) -> &'static str {
    match cast {
        "int" => "long",
        "float" => "double",
        "bool" => "boolean",
        "date" => "date",
        "datetime" => "timestamp",
        _ => "string",
    }
}

/// DataBrew date tokens for a strftime format (DATE_FORMAT), when they can say it.
pub fn brew_date_format(strftime: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = strftime.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let tok = match chars.next() {
            Some('Y') => "yyyy",
            Some('y') => "yy",
            Some('m') => "mm",
            Some('d') => "dd",
            Some('H') => "HH",
            Some('M') => "MM",
            Some('S') => "SS",
            Some('B') => "month",
            other => {
                return Err(format!(
                    "format {strftime:?}: %{} has no DataBrew date token",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        };
        out.push_str(tok);
    }
    if strftime_from_brew(&out) != strftime {
        return Err(format!(
            "format {strftime:?}: its literal text would read as DataBrew date tokens"
        ));
    }
    Ok(out)
}

/// The strftime format for DataBrew date tokens.
pub fn strftime_from_brew(brew: &str) -> String {
    const TOKENS: &[(&str, &str)] = &[
        ("month", "%B"),
        ("yyyy", "%Y"),
        ("yy", "%y"),
        ("mm", "%m"),
        ("dd", "%d"),
        ("HH", "%H"),
        ("MM", "%M"),
        ("SS", "%S"),
    ];
    let mut out = String::new();
    let mut rest = brew;
    'outer: while !rest.is_empty() {
        for (t, f) in TOKENS {
            if let Some(r) = rest.strip_prefix(t) {
                out.push_str(f);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == '%' {
            out.push_str("%%");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// FORMAT_DATE's five layouts, as strftime.
pub const FORMAT_DATE_LAYOUTS: &[(&str, &str)] = &[
    ("mm/dd/yyyy", "%m/%d/%Y"),
    ("mm-dd-yyyy", "%m-%d-%Y"),
    ("dd month yyyy", "%d %B %Y"),
    ("month yyyy", "%B %Y"),
    ("dd month", "%d %B"),
];

/// The recipe as DataBrew recipe JSON (a pretty array), or the steps that do not map.
/// With `partial`, unmapped steps are left out and returned alongside.
pub fn export(
    recipe: &Recipe,
    schema: Option<&Schema>,
    partial: bool,
) -> Result<(String, Vec<Untranslated>), ExportError> {
    let mut out: Vec<BrewStep> = Vec::new();
    let mut failed = Vec::new();
    let mut schema = schema.cloned();
    for (n, step) in recipe.active_steps() {
        let cx = BrewCx {
            schema: schema.as_ref(),
            condition: step.condition.as_deref(),
        };
        match step.op.step().databrew(&cx) {
            Ok(steps) => out.extend(steps),
            Err(reason) => failed.push(Untranslated {
                step: n,
                op: step.op.name(),
                reason,
            }),
        }
        if let Some(s) = &schema {
            let one = Recipe {
                steps: vec![step.clone()],
                ..Recipe::default()
            };
            schema = crate::recipe::validate(&one, s).ok();
        }
    }
    if !failed.is_empty() && !partial {
        return Err(ExportError::Steps {
            target: "DataBrew",
            steps: failed,
        });
    }
    if out.len() > 100 {
        return Err(ExportError::Other(format!(
            "the DataBrew recipe would have {} steps; DataBrew allows 100",
            out.len()
        )));
    }
    let text = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "[]".into()) + "\n";
    Ok((text, failed))
}

// ---------------------------------------------------------------------------------------
// Import

/// A DataBrew step that has no wort equivalent.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    /// 1-based step number in the DataBrew recipe.
    pub step: usize,
    pub operation: String,
    pub reason: String,
}

impl std::fmt::Display for Unmapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "step {} ({}): {}",
            self.step, self.operation, self.reason
        )
    }
}

/// Read DataBrew recipe JSON in any of its containers (a bare array, `{"Steps": [...]}`,
/// a CloudFormation resource, the wrappers of the reference pages), with parameter
/// values normalised to strings.
pub fn parse_steps(text: &str) -> Result<Vec<BrewStep>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "not valid JSON: {e} (line {}, column {}); YAML recipes: convert them to JSON first",
            e.line(),
            e.column()
        )
    })?;
    let items = steps_array(value)?;
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        out.push(normalise_step(item).map_err(|e| format!("step {}: {e}", i + 1))?);
    }
    Ok(out)
}

fn steps_array(value: Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(a) => Ok(a),
        Value::Object(mut m) => {
            if let Some(steps) = m.remove("Steps").or_else(|| m.remove("steps")) {
                return steps_array(steps);
            }
            if let Some(Value::Object(mut props)) = m.remove("Properties")
                && let Some(steps) = props.remove("Steps")
            {
                return steps_array(steps);
            }
            // A CloudFormation template: the first DataBrew recipe resource.
            if let Some(Value::Object(resources)) = m.remove("Resources") {
                for (_, r) in resources {
                    if r.get("Type").and_then(Value::as_str) == Some("AWS::DataBrew::Recipe") {
                        return steps_array(r);
                    }
                }
                return Err("the template has no AWS::DataBrew::Recipe resource".into());
            }
            // One step on its own.
            Ok(vec![Value::Object(m)])
        }
        _ => Err("expected a JSON array of recipe steps".into()),
    }
}

fn normalise_step(item: Value) -> Result<BrewStep, String> {
    let Value::Object(mut m) = item else {
        return Err("expected an object with \"Action\"".into());
    };
    if let Some(inner) = m.remove("RecipeStep") {
        return normalise_step(inner);
    }
    let action = m
        .remove("Action")
        .or_else(|| m.remove("RecipeAction"))
        .or_else(|| m.remove("action"))
        .ok_or("no \"Action\"")?;
    let Value::Object(mut action) = action else {
        return Err("\"Action\" is not an object".into());
    };
    let operation = action
        .remove("Operation")
        .or_else(|| action.remove("operation"))
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or("no \"Operation\"")?;
    let mut parameters = Map::new();
    if let Some(Value::Object(p)) = action
        .remove("Parameters")
        .or_else(|| action.remove("parameters"))
    {
        for (k, v) in p {
            // CloudFormation writes SourceColumn for sourceColumn.
            let mut key = k.clone();
            if let Some(first) = key.get(..1) {
                key = first.to_ascii_lowercase() + &key[1..];
            }
            let v = match v {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            parameters.insert(key, Value::String(v));
        }
    }
    let mut conds = Vec::new();
    if let Some(Value::Array(cs)) = m
        .remove("ConditionExpressions")
        .or_else(|| m.remove("conditionExpressions"))
    {
        for c in cs {
            let get = |k: &str, l: &str| -> Option<String> {
                c.get(k).or_else(|| c.get(l)).map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            };
            conds.push(BrewCondition {
                condition: get("Condition", "condition")
                    .ok_or("a condition has no \"Condition\"")?,
                value: get("Value", "value"),
                target_column: get("TargetColumn", "targetColumn")
                    .ok_or("a condition has no \"TargetColumn\"")?,
            });
        }
    }
    Ok(BrewStep {
        action: BrewAction {
            operation,
            parameters,
        },
        condition_expressions: conds,
    })
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    pub recipe: Recipe,
    /// DataBrew steps with no wort equivalent (left out of the recipe).
    pub unmapped: Vec<Unmapped>,
}

/// Map DataBrew steps to a wort recipe. `schema`: the input's columns, when known
/// (needed for MOVE_AFTER/MOVE_BEFORE/MOVE_TO_END, and to type condition values).
pub fn import(steps: &[BrewStep], schema: Option<&Schema>) -> Imported {
    let mut out = Vec::new();
    let mut unmapped = Vec::new();
    let mut schema = schema.cloned();
    for (i, s) in steps.iter().enumerate() {
        match import_step(s, schema.as_ref()) {
            Ok(new) => {
                if let Some(sc) = &schema {
                    let part = Recipe {
                        steps: new.clone(),
                        ..Recipe::default()
                    };
                    schema = crate::recipe::validate(&part, sc).ok();
                }
                out.extend(new);
            }
            Err(reason) => unmapped.push(Unmapped {
                step: i + 1,
                operation: s.action.operation.clone(),
                reason,
            }),
        }
    }
    Imported {
        recipe: Recipe {
            steps: out,
            ..Recipe::default()
        },
        unmapped,
    }
}

fn step(op: serde_json::Value) -> Result<Step, String> {
    let Value::Object(mut m) = op else {
        return Err("internal: not an object".into());
    };
    let name = m
        .remove("op")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let op = Op::from_parts(&name, Value::Object(m)).map_err(|e| match e {
        crate::transform::OpParseError::UnknownOp => format!("internal: no op {name}"),
        crate::transform::OpParseError::Params(p) => format!("parameters: {p}"),
    })?;
    Ok(Step::new(op))
}

fn import_step(s: &BrewStep, schema: Option<&Schema>) -> Result<Vec<Step>, String> {
    use serde_json::json;
    let op = s.action.operation.as_str();
    let need = |k: &str| -> Result<String, String> {
        s.get(k)
            .map(str::to_string)
            .ok_or_else(|| format!("parameter \"{k}\" is missing"))
    };
    let list_param = |k: &str| -> Result<Vec<String>, String> {
        let v = need(k)?;
        serde_json::from_str::<Vec<String>>(&v)
            .map_err(|_| format!("parameter \"{k}\" is not a JSON list of names: {v:?}"))
    };
    let flag = |k: &str| s.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let dtype = |c: &str| schema.and_then(|sc| sc.get(c));
    let where_sql = || -> Result<Option<String>, String> {
        if s.condition_expressions.is_empty() {
            return Ok(None);
        }
        let parts = s
            .condition_expressions
            .iter()
            .map(|c| condition_sql(c, dtype(&c.target_column)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(parts.join(" AND ")))
    };
    // Only REMOVE_VALUES and FILL_WITH_CUSTOM take conditions.
    if !s.condition_expressions.is_empty() && !matches!(op, "REMOVE_VALUES" | "FILL_WITH_CUSTOM") {
        return Err(format!(
            "has ConditionExpressions, whose effect on {op} DataBrew does not document"
        ));
    }
    let one = |v: Value| -> Result<Vec<Step>, String> { Ok(vec![step(v)?]) };
    let src = || need("sourceColumn");
    match op {
        "RENAME" => one(json!({"op": "rename", "column": src()?, "to": need("targetColumn")?})),
        "DELETE" => {
            let cols = match s.get("sourceColumns") {
                Some(_) => list_param("sourceColumns")?,
                None => vec![src()?],
            };
            one(json!({"op": "drop", "columns": cols}))
        }
        "DUPLICATE" => {
            one(json!({"op": "duplicate", "column": src()?, "to": need("targetColumn")?}))
        }
        "MOVE_TO_INDEX" | "MOVE_TO_START" | "MOVE_TO_END" | "MOVE_AFTER" | "MOVE_BEFORE" => {
            let column = src()?;
            let names: Option<Vec<String>> =
                schema.map(|sc| sc.iter_names().map(|n| n.to_string()).collect());
            let index = match op {
                "MOVE_TO_INDEX" => need("targetIndex")?
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| "targetIndex is not a position".to_string())?,
                "MOVE_TO_START" => 0,
                _ => {
                    let Some(names) = names else {
                        return Err(format!(
                            "{op} needs the columns; import with --input to give them"
                        ));
                    };
                    let others: Vec<&String> = names.iter().filter(|n| **n != column).collect();
                    match op {
                        "MOVE_TO_END" => others.len(),
                        _ => {
                            let target = need("targetColumn")?;
                            let at = others
                                .iter()
                                .position(|n| **n == target)
                                .ok_or_else(|| format!("no column \"{target}\""))?;
                            if op == "MOVE_AFTER" { at + 1 } else { at }
                        }
                    }
                }
            };
            one(json!({"op": "move", "column": column, "to_index": index}))
        }
        "SORT" => {
            let exprs: Vec<Value> = serde_json::from_str(&need("expressions")?)
                .map_err(|e| format!("expressions: {e}"))?;
            let mut by = Vec::new();
            let mut desc = Vec::new();
            let mut helpers = Vec::new();
            let mut before = Vec::new();
            for (k, e) in exprs.iter().enumerate() {
                let c = e
                    .get("sourceColumn")
                    .and_then(Value::as_str)
                    .ok_or("a sort key has no sourceColumn")?
                    .to_string();
                if e.get("customOrder").is_some_and(|v| !v.is_null()) {
                    return Err("a custom sort order has no wort equivalent".into());
                }
                let d = e.get("ordering").and_then(Value::as_str) == Some("DESCENDING");
                if e.get("nullsOrdering").and_then(Value::as_str) == Some("NULLS_TOP") {
                    // Missing values first: sort by "has a value" first.
                    let h = format!("__wort_sort_{}", k + 1);
                    before.push(json!({"op": "derive", "column": h, "expr": format!("{} IS NOT NULL", polars_ident(&c))}));
                    by.push(h.clone());
                    desc.push(false);
                    helpers.push(h);
                }
                by.push(c);
                desc.push(d);
            }
            let mut out: Vec<Value> = before;
            out.push(json!({"op": "sort", "by": by, "descending": desc}));
            if !helpers.is_empty() {
                out.push(json!({"op": "drop", "columns": helpers}));
            }
            out.into_iter().map(step).collect()
        }
        "CHANGE_DATA_TYPE" | "TO_STRING_COLUMN" | "TO_NUMBER_COLUMN" | "TO_DOUBLE_COLUMN"
        | "TO_BOOLEAN_COLUMN" => {
            let to = match op {
                "TO_STRING_COLUMN" => "string",
                "TO_NUMBER_COLUMN" | "TO_DOUBLE_COLUMN" => "float",
                "TO_BOOLEAN_COLUMN" => "bool",
                _ => match need("columnDataType")?.to_ascii_lowercase().as_str() {
                    "byte" | "short" | "int" | "integer" | "long" => "int",
                    "float" | "double" | "decimal" | "number" => "float",
                    "string" => "string",
                    "boolean" => "bool",
                    "date" => "date",
                    "timestamp" => "datetime",
                    other => return Err(format!("type {other:?} has no wort equivalent")),
                },
            };
            one(json!({"op": "cast", "column": src()?, "to": to}))
        }
        "REMOVE_VALUES" => {
            let Some(w) = where_sql()? else {
                return Err("REMOVE_VALUES without conditions does nothing documented".into());
            };
            one(json!({"op": "filter", "remove": w}))
        }
        "UPPER_CASE" => one(json!({"op": "upper", "column": src()?})),
        "LOWER_CASE" => one(json!({"op": "lower", "column": src()?})),
        "CAPITAL_CASE" => one(json!({"op": "title", "column": src()?})),
        "SENTENCE_CASE" => one(json!({"op": "sentence", "column": src()?})),
        "ADD_PREFIX" => {
            one(json!({"op": "add_prefix", "column": src()?, "text": need("pattern")?}))
        }
        "ADD_SUFFIX" => {
            one(json!({"op": "add_suffix", "column": src()?, "text": need("pattern")?}))
        }
        "REMOVE_COMBINED" => remove_combined(s, &src()?),
        "REPLACE_TEXT" => {
            let pattern = need("pattern")?;
            let with = s.get("value").unwrap_or("").to_string();
            let regex = pattern.chars().any(|c| r"\.+*?()|[]{}^$".contains(c));
            one(
                json!({"op": "replace", "column": src()?, "pattern": pattern, "with": with, "regex": regex}),
            )
        }
        "FORMAT_DATE" => {
            let layout = need("targetDateFormat")?;
            let f = FORMAT_DATE_LAYOUTS
                .iter()
                .find(|(b, _)| *b == layout)
                .map(|(_, f)| *f)
                .ok_or_else(|| format!("targetDateFormat {layout:?} is not one of the five"))?;
            one(json!({"op": "format_date", "column": src()?, "format": f}))
        }
        "DATE_FORMAT" => {
            let target = need("targetColumn")?;
            let f = strftime_from_brew(s.get("dateTimeFormat").unwrap_or("yyyy-mm-dd HH:MM:SS"));
            [
                json!({"op": "duplicate", "column": src()?, "to": target}),
                json!({"op": "format_date", "column": target, "format": f}),
            ]
            .into_iter()
            .map(step)
            .collect()
        }
        "EXTRACT_PATTERN" => {
            let p = need("pattern")?;
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
                json!({"op": "extract", "column": src()?, "pattern": format!("{start}({body}){end}"), "to": need("targetColumn")?}),
            )
        }
        "FILL_WITH_AVERAGE" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "mean"}))
        }
        "FILL_WITH_MEDIAN" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "median"}))
        }
        "FILL_WITH_MOST_FREQUENT" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "mode"}))
        }
        "FILL_WITH_MODE" => match s.get("modeType").unwrap_or("MINIMUM") {
            "MINIMUM" => one(json!({"op": "fill_missing", "column": src()?, "strategy": "mode"})),
            other => Err(format!(
                "modeType {other}: wort breaks ties by the smallest value (MINIMUM)"
            )),
        },
        "FILL_WITH_EMPTY" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "empty"}))
        }
        "FILL_WITH_LAST_VALID" => {
            one(json!({"op": "fill_missing", "column": src()?, "strategy": "previous"}))
        }
        "FILL_WITH_CUSTOM" => {
            let v = need("value")?;
            let ty = s
                .get("columnDataType")
                .unwrap_or("string")
                .to_ascii_lowercase();
            let value = match ty.as_str() {
                "number" | "int" | "integer" | "long" | "double" | "float" => {
                    match serde_json::from_str::<serde_json::Number>(v.trim()) {
                        Ok(n) => Value::Number(n),
                        Err(_) => return Err(format!("value {v:?} is not a number")),
                    }
                }
                "boolean" => Value::Bool(v.eq_ignore_ascii_case("true")),
                _ => Value::String(v),
            };
            let mut st = step(
                json!({"op": "fill_missing", "column": src()?, "strategy": "value", "value": value}),
            )?;
            st.condition = where_sql()?;
            Ok(vec![st])
        }
        "REMOVE_MISSING" => one(json!({"op": "drop_missing", "columns": [src()?]})),
        "FLAG_COLUMN_FROM_NULL" => {
            one(json!({"op": "flag_missing", "column": src()?, "to": need("targetColumn")?}))
        }
        "DELETE_DUPLICATE_ROWS" => one(json!({"op": "dedupe"})),
        "REMOVE_DUPLICATES" => one(json!({"op": "dedupe", "columns": [src()?]})),
        "FLAG_OUTLIERS" | "REMOVE_OUTLIERS" => {
            let method = match s.get("outlierStrategy").unwrap_or("Z_SCORE") {
                "Z_SCORE" => "zscore",
                "MODIFIED_Z_SCORE" => "modified_zscore",
                "IQR" => "iqr",
                other => return Err(format!("outlierStrategy {other} has no wort equivalent")),
            };
            let threshold: f64 = s
                .get("threshold")
                .unwrap_or("3")
                .trim()
                .parse()
                .map_err(|_| "threshold is not a number".to_string())?;
            if flag("trimValue") {
                return Err("trimValue TRUE (percentile trimming) has no wort equivalent".into());
            }
            let wort_default = match method {
                "zscore" => 3.0,
                "modified_zscore" => 3.5,
                _ => 1.5,
            };
            let mut v = json!({"op": "outliers", "column": src()?, "method": method});
            if threshold != wort_default {
                v["threshold"] = json!(threshold);
            }
            match op {
                "FLAG_OUTLIERS" => {
                    v["action"] = json!("flag");
                    v["to"] = json!(need("targetColumn")?);
                }
                _ => match s.get("removeType").unwrap_or("DELETE_ROWS") {
                    "DELETE_ROWS" => v["action"] = json!("remove"),
                    "CLEAR" => v["action"] = json!("null"),
                    other => return Err(format!("removeType {other} has no wort equivalent")),
                },
            }
            one(v)
        }
        "CRYPTOGRAPHIC_HASH" => {
            match s.get("algorithm") {
                Some("SHA256") => {}
                Some(a) => return Err(format!("algorithm {a}: wort hashes with SHA-256")),
                None => {
                    return Err("the default algorithm is HMAC_SHA256 with a secret; wort hashes with plain SHA-256".into());
                }
            }
            if s.get("entityTypeFilter").is_some() {
                return Err("entityTypeFilter (PII detection) has no wort equivalent".into());
            }
            list_param("sourceColumns")?
                .into_iter()
                .map(|c| step(json!({"op": "hash", "column": c})))
                .collect()
        }
        "MASK_RANGE" => {
            if s.get("alphabet").is_some() || s.get("entityTypeFilter").is_some() {
                return Err("alphabet / entityTypeFilter have no wort equivalent".into());
            }
            let start: i64 = s
                .get("start")
                .unwrap_or("0")
                .trim()
                .parse()
                .map_err(|_| "start is not a number")?;
            let stop: i64 = s
                .get("stop")
                .unwrap_or("0")
                .trim()
                .parse()
                .map_err(|_| "stop is not a number")?;
            if start < 0 || stop > 0 {
                return Err("only ranges from a position to a position counted from the end map to wort's mask".into());
            }
            let ch = s.get("maskSymbol").unwrap_or("#").to_string();
            list_param("sourceColumns")?
                .into_iter()
                .map(|c| {
                    let mut v =
                        json!({"op": "mask", "column": c, "keep_first": start, "keep_last": -stop});
                    if ch != "*" {
                        v["char"] = json!(ch);
                    }
                    step(v)
                })
                .collect()
        }
        "MERGE" | "MERGE_COLUMNS_AND_VALUES" => one(json!({
            "op": "merge", "columns": list_param("sourceColumns")?,
            "separator": s.get("delimiter").unwrap_or(""), "to": need("targetColumn")?
        })),
        "YEAR" | "MONTH" | "DAY" | "HOUR" | "QUARTER" | "WEEK_NUMBER" | "WEEK_DAY" => {
            let part = match op {
                "WEEK_NUMBER" => "week".to_string(),
                "WEEK_DAY" => "weekday".to_string(),
                o => o.to_ascii_lowercase(),
            };
            if s.get("value").is_some() {
                return Err(
                    "a literal date (value) instead of a column has no wort equivalent".into(),
                );
            }
            one(
                json!({"op": "date_part", "column": src()?, "part": part, "to": need("targetColumn")?}),
            )
        }
        "CASE_OPERATION" => {
            if s.get("withExpressions").is_some() {
                return Err("withExpressions (aggregates) have no wort equivalent".into());
            }
            let expr = brew_sql_to_polars(&need("valueExpression")?)?;
            one(json!({"op": "derive", "column": need("targetColumn")?, "expr": expr}))
        }
        "ADD" | "SUBTRACT" | "MULTIPLY" | "DIVIDE" => {
            let operand = |k: u8| -> Result<String, String> {
                if let Some(c) = s.get(&format!("sourceColumn{k}")) {
                    Ok(polars_ident(c))
                } else if let Some(v) = s.get(&format!("value{k}")) {
                    v.trim()
                        .parse::<f64>()
                        .map(|_| v.trim().to_string())
                        .map_err(|_| format!("value{k} is not a number"))
                } else {
                    Err(format!("neither sourceColumn{k} nor value{k} is given"))
                }
            };
            let sym = match op {
                "ADD" => "+",
                "SUBTRACT" => "-",
                "MULTIPLY" => "*",
                _ => "/",
            };
            let expr = format!("{} {sym} {}", operand(1)?, operand(2)?);
            one(json!({"op": "derive", "column": need("targetColumn")?, "expr": expr}))
        }
        "ROUND" | "ABSOLUTE" | "FLOOR" | "CEILING" | "SQUARE_ROOT" | "LN" | "NEGATE" => {
            let c = s
                .get("sourceColumn")
                .or_else(|| s.get("sourceColumn1"))
                .ok_or("parameter \"sourceColumn\" is missing")?;
            let c = polars_ident(c);
            let expr = match op {
                "ROUND" => format!("ROUND({c})"),
                "ABSOLUTE" => format!("ABS({c})"),
                "FLOOR" => format!("FLOOR({c})"),
                "CEILING" => format!("CEIL({c})"),
                "SQUARE_ROOT" => format!("SQRT({c})"),
                "LN" => format!("LN({c})"),
                _ => format!("-{c}"),
            };
            one(json!({"op": "derive", "column": need("targetColumn")?, "expr": expr}))
        }
        "GROUP_BY" | "PIVOT" | "UNPIVOT" | "JOIN" | "UNION" | "TRANSPOSE" => Err(format!(
            "{op} reshapes the dataset (or reads another one); wort recipes keep one table's rows and columns"
        )),
        _ => Err("no wort equivalent".into()),
    }
}

/// REMOVE_COMBINED's flags as wort steps: the removals first, then trimming and
/// collapsing whitespace.
fn remove_combined(s: &BrewStep, column: &str) -> Result<Vec<Step>, String> {
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
    steps.into_iter().map(step).collect()
}

/// DataBrew's expression text (backtick names, single-quoted strings) as polars SQL.
pub fn brew_sql_to_polars(expr: &str) -> Result<String, String> {
    let mut out = String::new();
    for t in tokenize(expr)? {
        match t {
            Tok::QuotedIdent(n) => out.push_str(&polars_ident(&n)),
            Tok::Str(s) => out.push_str(&polars_str(&s)),
            Tok::Word(w) | Tok::Num(w) | Tok::Sym(w) | Tok::Space(w) => out.push_str(&w),
        }
    }
    Ok(out)
}

/// Polars SQL as DataBrew's expression text (backtick names).
pub fn polars_to_brew_sql(expr: &str) -> Result<String, String> {
    let mut out = String::new();
    for t in tokenize(expr)? {
        match t {
            Tok::QuotedIdent(n) => out.push_str(&format!("`{}`", n.replace('`', "``"))),
            Tok::Str(s) => out.push_str(&polars_str(&s)),
            Tok::Word(w) | Tok::Num(w) | Tok::Sym(w) | Tok::Space(w) => out.push_str(&w),
        }
    }
    Ok(out)
}

/// The recipe JSON of an import, with a description naming the source and what was
/// left out.
pub fn imported_recipe_json(imported: &Imported, origin: &str) -> String {
    let mut recipe = imported.recipe.clone();
    let mut d = format!("Imported from the DataBrew recipe {origin}");
    if !imported.unmapped.is_empty() {
        d.push_str(&format!(
            "; left out (no wort equivalent): {}",
            imported
                .unmapped
                .iter()
                .map(|u| format!("step {} {}", u.step, u.operation))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    recipe.description = Some(d);
    recipe.to_json()
}

/// Export error helper for the CLI: an error when steps were left out.
pub fn unmapped_error(unmapped: &[Unmapped]) -> ExportError {
    ExportError::Other(format!(
        "{} DataBrew step(s) have no wort equivalent:\n{}",
        unmapped.len(),
        unmapped
            .iter()
            .map(|u| format!("  {u}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_map() {
        let a = parse_conjunction("black_rating < 1800 AND \"winner\" = 'draw'").unwrap();
        assert_eq!(a.len(), 2);
        let c: Vec<BrewCondition> = a.iter().map(|a| a.to_brew().unwrap()).collect();
        assert_eq!(c[0].condition, "LESS_THAN");
        assert_eq!(c[0].value.as_deref(), Some("1800"));
        assert_eq!(c[1].condition, "IS");
        assert_eq!(c[1].value.as_deref(), Some("[\"draw\"]"));
        assert!(parse_conjunction("a < 1 OR b > 2").is_err());
        assert!(parse_conjunction("ROUND(a) > 2").is_err());
        let like = parse_conjunction("title LIKE '[TEST]%'").unwrap();
        assert_eq!(like[0].to_brew().unwrap().condition, "STARTS_WITH");
    }

    #[test]
    fn condition_sql_types_values() {
        let c = BrewCondition {
            condition: "LESS_THAN".into(),
            value: Some("1800".into()),
            target_column: "black_rating".into(),
        };
        assert_eq!(condition_sql(&c, None).unwrap(), "black_rating < 1800");
        let c = BrewCondition {
            condition: "IS".into(),
            value: Some("[\"draw\",\"x\"]".into()),
            target_column: "Winner".into(),
        };
        assert_eq!(
            condition_sql(&c, None).unwrap(),
            "\"Winner\" IN ('draw', 'x')"
        );
    }

    #[test]
    fn date_tokens() {
        assert_eq!(brew_date_format("%Y-%m-%d").unwrap(), "yyyy-mm-dd");
        assert_eq!(strftime_from_brew("month*dd*yyyy"), "%B*%d*%Y");
        assert!(brew_date_format("%Y at %H").is_ok());
        assert!(brew_date_format("%Y mm").is_err());
        assert!(brew_date_format("%j").is_err());
    }
}
