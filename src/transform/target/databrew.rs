//! The DataBrew vocabulary steps translate themselves with: recipe steps, conditions
//! (a `where` as DataBrew condition expressions and back), type and date-format names.
//!
//! Conditions: a `where` (or filter) that is a conjunction of simple tests on one column
//! each (`col = 'x'`, `col IN (...)`, `col < 5`, `col IS NULL`, `col LIKE 'abc%'`)
//! becomes DataBrew conditions, which are AND-ed; anything else has no equivalent.

use polars::prelude::{DataType, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::text::{Tok, polars_ident, polars_str, tokenize};

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
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
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

/// How deep parentheses may nest in a condition: the parser recurses once per `(`,
/// so a condition nested thousands deep would otherwise overflow the stack.
const MAX_DEPTH: usize = 100;

struct Parser {
    toks: Vec<Tok>,
    i: usize,
    depth: usize,
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
            if self.depth >= MAX_DEPTH {
                return Err(format!(
                    "the condition nests parentheses deeper than {MAX_DEPTH} levels; remove \
                     redundant parentheses (a conjunction needs none)"
                ));
            }
            self.i += 1;
            self.depth += 1;
            let inner = self.conjunction()?;
            self.depth -= 1;
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

/// What a step family's import from DataBrew sees: one DataBrew step, and the input's
/// columns when a sample was given.
pub struct BrewIn<'a> {
    pub step: &'a BrewStep,
    pub schema: Option<&'a Schema>,
}

/// What a family's `from_databrew` returns: the steps (op JSON), or why the operation
/// does not map; `None` when the operation belongs to another family.
pub type Imported = Option<Result<Vec<Value>, String>>;

/// One imported step.
pub fn one(step: Value) -> Result<Vec<Value>, String> {
    Ok(vec![step])
}

impl BrewIn<'_> {
    /// Run `import` when this step's operation is one of `ops`.
    pub fn import(
        &self,
        ops: &[&str],
        import: impl FnOnce(&str) -> Result<Vec<Value>, String>,
    ) -> Imported {
        ops.contains(&self.op()).then(|| import(self.op()))
    }

    /// The DataBrew operation.
    pub fn op(&self) -> &str {
        self.step.action.operation.as_str()
    }

    /// A parameter, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.step.get(key)
    }

    /// A parameter that must be given.
    pub fn need(&self, key: &str) -> Result<String, String> {
        self.get(key)
            .map(str::to_string)
            .ok_or_else(|| format!("parameter \"{key}\" is missing"))
    }

    /// `sourceColumn`.
    pub fn src(&self) -> Result<String, String> {
        self.need("sourceColumn")
    }

    /// A parameter holding a JSON list of names.
    pub fn list_param(&self, key: &str) -> Result<Vec<String>, String> {
        let v = self.need(key)?;
        serde_json::from_str::<Vec<String>>(&v)
            .map_err(|_| format!("parameter \"{key}\" is not a JSON list of names: {v:?}"))
    }

    /// A `"true"`/`"TRUE"` flag.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The step's conditions as a polars SQL `where`, if it has any.
    pub fn where_sql(&self) -> Result<Option<String>, String> {
        if self.step.condition_expressions.is_empty() {
            return Ok(None);
        }
        let dtype = |c: &str| self.schema.and_then(|sc| sc.get(c));
        let parts = self
            .step
            .condition_expressions
            .iter()
            .map(|c| condition_sql(c, dtype(&c.target_column)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(parts.join(" AND ")))
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn conditions_nested_past_the_limit_are_refused_not_overflowed() {
        let ok = format!("{}a < 1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse_conjunction(&ok).expect("at the limit").len(), 1);
        let deep = format!("{}a < 1{}", "(".repeat(5_000), ")".repeat(5_000));
        let e = parse_conjunction(&deep).expect_err("too deep");
        assert!(e.contains("deeper than 100 levels"), "{e}");
    }
}
