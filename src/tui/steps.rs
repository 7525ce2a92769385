//! The step catalogue of the workbench, generated from the recipe's JSON Schema
//! (`Recipe::json_schema`, schemars): every op, its doc line, its fields with their
//! types, choices, defaults and docs. Forms are built from this, so every step the
//! recipe format knows is reachable, and a new step needs no TUI code (only a line in
//! [`CATEGORIES`] to file it under the right menu heading).

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::recipe::Recipe;
use crate::transform::{Kind, Op};

/// Menu headings and the ops under each. Ops missing here land under "Other".
pub const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "Columns",
        &[
            "rename",
            "drop",
            "select",
            "duplicate",
            "move",
            "cast",
            "sort",
        ],
    ),
    ("Rows / filter", &["filter"]),
    ("Duplicates", &["dedupe"]),
    ("Missing", &["fill_missing", "drop_missing", "flag_missing"]),
    ("Outliers", &["outliers"]),
    (
        "Text",
        &[
            "trim",
            "upper",
            "lower",
            "title",
            "sentence",
            "replace",
            "extract",
            "split",
            "merge",
            "add_prefix",
            "add_suffix",
        ],
    ),
    ("Dates", &["parse_date", "format_date", "date_part"]),
    ("Computed", &["derive"]),
    ("Privacy", &["hash", "mask"]),
    // -- combine: begin
    ("Combine", &["join", "union", "sql"]),
    // -- combine: end
    //
    // -- reshape: begin
    (
        "Reshape",
        &[
            "aggregate",
            "pivot",
            "unpivot",
            "window",
            "unnest",
            "explode",
            "sample",
            "head",
            "tail",
        ],
    ),
    // -- reshape: end
    //
    // -- encode: begin
    ("Encode", &["bin", "one_hot", "scale", "map_values"]),
    // -- encode: end
    //
    // -- numbers: begin
    (
        "Numbers",
        &[
            "abs",
            "negate",
            "sign",
            "floor",
            "ceil",
            "round",
            "truncate_number",
            "sqrt",
            "ln",
            "log",
            "exp",
            "degrees",
            "radians",
            "add",
            "subtract",
            "multiply",
            "divide",
            "modulo",
            "power",
            "clamp",
            "is_even",
            "is_odd",
        ],
    ),
    (
        "Date arithmetic",
        &[
            "date_add",
            "date_diff",
            "date_trunc",
            "convert_timezone",
            "unix_time",
            "from_unix_time",
        ],
    ),
    // -- numbers: end
    //
    // -- strings: begin
    (
        "Text functions",
        &[
            "pad",
            "substring",
            "left",
            "right",
            "repeat",
            "reverse",
            "split_part",
            "extract_all",
            "count_matches",
            "matches",
            "contains",
            "starts_with",
            "ends_with",
            "find",
            "length",
            "char_code",
        ],
    ),
    (
        "Text cleaning",
        &[
            "remove_punctuation",
            "remove_special",
            "remove_digits",
            "remove_letters",
            "remove_whitespace",
            "remove_quotes",
            "remove_non_ascii",
            "remove_control",
            "remove_chars",
            "collapse_whitespace",
            "strip_accents",
            "normalize_unicode",
            "parse_number",
        ],
    ),
    // -- strings: end
    //
];

/// How a field is edited.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// One column name (completes from the schema).
    Column,
    /// Column names, comma-separated.
    Columns,
    /// A list of strings: comma-separated when `array_only`, else one string or a JSON
    /// array.
    List {
        array_only: bool,
    },
    Integer,
    Number,
    Bool,
    /// One of these values (with their docs).
    Choice(Vec<(String, Option<String>)>),
    /// Any JSON value; plain text is taken as a string.
    Json,
}

/// One field of a step's form.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub name: String,
    pub doc: Option<String>,
    pub required: bool,
    pub kind: FieldKind,
    pub default: Option<Value>,
}

/// One op of the catalogue.
#[derive(Debug, Clone)]
pub struct OpSpec {
    pub name: String,
    /// The first sentence of the op's doc.
    pub summary: String,
    pub doc: String,
    pub category: &'static str,
    /// Whether `where` applies.
    pub kind: Kind,
    pub fields: Vec<FieldSpec>,
}

/// Every op, in menu order.
pub fn catalogue() -> &'static [OpSpec] {
    static CAT: OnceLock<Vec<OpSpec>> = OnceLock::new();
    CAT.get_or_init(build)
}

pub fn spec(name: &str) -> Option<&'static OpSpec> {
    catalogue().iter().find(|s| s.name == name)
}

fn build() -> Vec<OpSpec> {
    let schema = Recipe::json_schema();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let variants = defs
        .get("Step")
        .and_then(|s| s.get("oneOf"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for v in &variants {
        let Some(props) = v.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let Some(name) = props
            .get("op")
            .and_then(|o| o.get("const"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let required: Vec<&str> = v
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields: Vec<FieldSpec> = props
            .iter()
            .filter(|(k, _)| k.as_str() != "op")
            .map(|(k, p)| FieldSpec {
                name: k.clone(),
                doc: p.get("description").and_then(Value::as_str).map(one_line),
                required: required.contains(&k.as_str()),
                kind: classify(k, p, &defs),
                default: p.get("default").cloned(),
            })
            .collect();
        let doc = v
            .get("description")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        let summary = first_sentence(&doc);
        let category = CATEGORIES
            .iter()
            .find(|(_, ops)| ops.contains(&name))
            .map_or("Other", |(c, _)| c);
        let kind = Op::from_parts(name, placeholder_params(&fields))
            .map(|op| op.kind())
            .unwrap_or(Kind::Values);
        out.push(OpSpec {
            name: name.to_string(),
            summary,
            doc,
            category,
            kind,
            fields,
        });
    }
    // Menu order: categories as listed, ops in the order listed there.
    out.sort_by_key(|s| {
        let cat = CATEGORIES
            .iter()
            .position(|(c, _)| *c == s.category)
            .unwrap_or(usize::MAX);
        let pos = CATEGORIES
            .get(cat)
            .and_then(|(_, ops)| ops.iter().position(|o| *o == s.name))
            .unwrap_or(usize::MAX);
        (cat, pos)
    });
    out
}

/// Doc comments come with hard line breaks; join them.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_string(),
        None => s.to_string(),
    }
}

fn resolve<'a>(p: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match p.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .rsplit('/')
            .next()
            .and_then(|name| defs.get(name))
            .unwrap_or(p),
        None => p,
    }
}

fn is_null_schema(p: &Value) -> bool {
    p.get("type").and_then(Value::as_str) == Some("null")
}

/// The field kind of a property schema.
fn classify(name: &str, p: &Value, defs: &Map<String, Value>) -> FieldKind {
    if p == &Value::Bool(true) {
        return FieldKind::Json;
    }
    // `anyOf: [X, null]` is an optional X.
    if let Some(any) = p.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = any.iter().filter(|s| !is_null_schema(s)).collect();
        if non_null.len() == 1 {
            return classify(name, non_null[0], defs);
        }
    }
    let p = resolve(p, defs);
    // Enumerations: `enum`, or `oneOf` of consts / enums.
    let mut choices: Vec<(String, Option<String>)> = Vec::new();
    collect_choices(p, &mut choices);
    if !choices.is_empty() {
        return FieldKind::Choice(choices);
    }
    let ty: Vec<&str> = match p.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let ty: Vec<&str> = ty.into_iter().filter(|t| *t != "null").collect();
    let column_field = matches!(name, "column" | "columns" | "by");
    match ty.as_slice() {
        ["string"] if column_field => FieldKind::Column,
        ["string"] => FieldKind::Text,
        ["integer"] => FieldKind::Integer,
        ["number"] => FieldKind::Number,
        ["boolean"] => FieldKind::Bool,
        // A list of strings is typed comma-separated; of numbers or objects (aggregate's
        // `aggs`, bin's `edges`), as JSON.
        ["array"] => {
            let items = p.get("items").map(|i| resolve(i, defs));
            let strings = items
                .and_then(|i| i.get("type"))
                .is_some_and(|t| t == "string");
            if items.is_none() || strings {
                FieldKind::List { array_only: true }
            } else {
                FieldKind::Json
            }
        }
        _ => {
            // One string or an array of strings (OneOrMany).
            if let Some(any) = p.get("anyOf").and_then(Value::as_array) {
                let kinds: Vec<FieldKind> = any.iter().map(|s| classify(name, s, defs)).collect();
                let has_text = kinds
                    .iter()
                    .any(|k| matches!(k, FieldKind::Text | FieldKind::Column));
                let has_list = kinds.iter().any(|k| matches!(k, FieldKind::List { .. }));
                if has_text && has_list {
                    return if column_field {
                        FieldKind::Columns
                    } else {
                        FieldKind::List { array_only: false }
                    };
                }
            }
            FieldKind::Json
        }
    }
}

fn collect_choices(p: &Value, out: &mut Vec<(String, Option<String>)>) {
    let doc = p.get("description").and_then(Value::as_str).map(one_line);
    if let Some(c) = p.get("const").and_then(Value::as_str) {
        out.push((c.to_string(), doc));
        return;
    }
    if let Some(e) = p.get("enum").and_then(Value::as_array) {
        for v in e.iter().filter_map(Value::as_str) {
            out.push((v.to_string(), if e.len() == 1 { doc.clone() } else { None }));
        }
        return;
    }
    if let Some(one) = p.get("oneOf").and_then(Value::as_array) {
        // A choice only when every alternative is an enumeration.
        let mut acc = Vec::new();
        for s in one {
            let n = acc.len();
            collect_choices(s, &mut acc);
            if acc.len() == n {
                return;
            }
        }
        out.extend(acc);
    }
}

/// Parameters that build the op (to learn its kind): a value of the right type for
/// every field.
fn placeholder_params(fields: &[FieldSpec]) -> Value {
    let mut m = Map::new();
    for f in fields {
        let v = match &f.kind {
            FieldKind::Text | FieldKind::Column | FieldKind::Columns | FieldKind::Json => {
                Value::from("x")
            }
            FieldKind::List { .. } => Value::from(vec!["x"]),
            FieldKind::Integer => Value::from(0),
            FieldKind::Number => Value::from(1.0),
            FieldKind::Bool => Value::from(false),
            FieldKind::Choice(c) => Value::from(c.first().map(|x| x.0.clone()).unwrap_or_default()),
        };
        if f.required {
            m.insert(f.name.clone(), v);
        }
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_is_in_the_catalogue_and_a_category() {
        let cat = catalogue();
        for name in Op::NAMES {
            let s = spec(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_ne!(s.category, "Other", "{name} has no menu category");
            assert!(!s.summary.is_empty(), "{name} has no doc");
        }
        assert_eq!(cat.len(), Op::NAMES.len());
    }

    #[test]
    fn fields_are_classified() {
        let kind = |op: &str, f: &str| {
            spec(op)
                .unwrap()
                .fields
                .iter()
                .find(|x| x.name == f)
                .unwrap()
                .kind
                .clone()
        };
        assert_eq!(kind("rename", "column"), FieldKind::Column);
        assert_eq!(kind("drop", "columns"), FieldKind::Columns);
        assert_eq!(kind("sort", "by"), FieldKind::Columns);
        assert_eq!(kind("move", "to_index"), FieldKind::Integer);
        assert_eq!(kind("trim", "collapse"), FieldKind::Bool);
        assert_eq!(kind("split", "into"), FieldKind::List { array_only: true });
        assert_eq!(
            kind("parse_date", "format"),
            FieldKind::List { array_only: false }
        );
        assert_eq!(kind("fill_missing", "value"), FieldKind::Json);
        // A list of objects is typed as JSON, not split at commas.
        assert_eq!(kind("aggregate", "aggs"), FieldKind::Json);
        assert_eq!(kind("outliers", "threshold"), FieldKind::Number);
        match kind("fill_missing", "strategy") {
            FieldKind::Choice(c) => {
                assert!(c.iter().any(|(v, d)| v == "median" && d.is_some()))
            }
            other => panic!("{other:?}"),
        }
        match kind("date_part", "part") {
            FieldKind::Choice(c) => assert_eq!(c.len(), 7, "{c:?}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(spec("rename").unwrap().kind, Kind::Structure);
        assert_eq!(spec("filter").unwrap().kind, Kind::Rows);
        assert_eq!(spec("upper").unwrap().kind, Kind::Values);
    }
}
