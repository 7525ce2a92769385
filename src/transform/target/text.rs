//! Quoting for the languages the exporters write: Python literals, Spark SQL
//! identifiers and strings, and the rewrite of a recipe's SQL (polars dialect) into
//! Spark SQL.

// Every text from a recipe that goes into generated code passes through one of these,
// by where it goes: `py_str` (a Python string), `py_comment` (`#` lines), `py_doc` (the
// job's docstring), `sql_str` / `sql_ident` (Spark SQL), `comment_line` (one line of a
// `#` or `--` comment). Each handles every line terminator of Python and SQL (`\n`,
// `\r`, `\r\n`, `\x0b`, `\x0c`, `\x1c`-`\x1e`, `\x85`, U+2028, U+2029) and the
// quotes of its place, so user text can never end a line and start a statement.

/// The characters Python's `str.splitlines` (a superset of what ends a line of Python
/// or SQL source) breaks lines at.
const LINE_BREAKS: [char; 10] = [
    '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}', '\u{2028}', '\u{2029}',
];

/// A control character (C0, DEL, C1) or a Unicode line or paragraph separator.
fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// `c` as a Python escape sequence: `\x07`, `\u2028`.
fn py_escape(c: char) -> String {
    if (c as u32) < 0x100 {
        format!("\\x{:02x}", c as u32)
    } else {
        format!("\\u{:04x}", c as u32)
    }
}

/// Text with every control character written as an escape, for a comment or docstring.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => " ".to_string(),
            c if is_control(c) => py_escape(c),
            c => c.to_string(),
        })
        .collect()
}

/// A Python string literal (double-quoted, escaped; non-ASCII kept as is, control
/// characters and line separators escaped).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => out.push_str(&py_escape(c)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// User text as `#` comment lines, each starting with `prefix` (indentation and `#`):
/// every line break of the text starts a new comment line, other control characters
/// are written as escapes.
pub fn py_comment(prefix: &str, text: &str) -> String {
    let mut out = String::new();
    for line in text.replace("\r\n", "\n").split(LINE_BREAKS) {
        out.push_str(prefix);
        out.push_str(visible(line).trim_end());
        out.push('\n');
    }
    out
}

/// User text on one line of a comment (`#` or `--`): line breaks and runs of white
/// space become one space, control characters escapes.
pub fn comment_line(s: &str) -> String {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || LINE_BREAKS.contains(&c))
        .filter(|w| !w.is_empty())
        .collect();
    visible(&words.join(" "))
}

/// One line of user text inside the job's `"""` docstring: backslashes and quotes
/// escaped (so nothing closes the string), line breaks and control characters too.
pub fn py_doc(s: &str) -> String {
    visible(&s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A Python list of string literals: `["a", "b"]`.
pub fn py_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| py_str(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A Python float literal that reads back as the same f64.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        "float(\"nan\")".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "float(\"inf\")".into()
        } else {
            "float(\"-inf\")".into()
        }
    } else {
        let s = format!("{x:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// `col("name")`: the job's helper that quotes a column name for Spark.
pub fn py_col(name: &str) -> String {
    format!("col({})", py_str(name))
}

/// Words of `s` in lines of at most `width` characters, continuation lines indented
/// like the first one plus four spaces.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let indent: String = s.chars().take_while(|c| *c == ' ').collect();
    let mut lines = Vec::new();
    let mut line = indent.clone();
    for word in s.split_whitespace() {
        if line.trim().is_empty() {
            line.push_str(word);
        } else if line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, format!("{indent}    {word}")));
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    lines.push(line);
    lines
}

/// A Spark SQL identifier in backticks.
pub fn sql_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A Spark SQL string literal. Spark reads backslash escapes in literals, and two
/// adjacent literals concatenate, so `'` is written `\'`, never `''`.
pub fn sql_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A token of a SQL expression, as far as quoting is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// `'text'` (the value, unescaped).
    Str(String),
    /// `"name"` or `` `name` `` (the name, unescaped).
    QuotedIdent(String),
    /// A bare word: keyword, function or column name.
    Word(String),
    /// A number as written.
    Num(String),
    /// Operators and punctuation: `(`, `)`, `,`, `=`, `<>`, `<=`, `||`, ...
    Sym(String),
    /// Whitespace (kept so that a rewrite changes nothing else).
    Space(String),
}

/// Split SQL text into tokens. Fails on an unterminated string or quoted name.
pub fn tokenize(sql: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            out.push(Tok::Space(chars[start..i].iter().collect()));
        } else if c == '\'' || c == '"' || c == '`' {
            let quote = c;
            let mut value = String::new();
            i += 1;
            loop {
                if i >= chars.len() {
                    let what = if quote == '\'' {
                        "string"
                    } else {
                        "quoted name"
                    };
                    return Err(format!("unterminated {what} in {sql:?}"));
                }
                if chars[i] == quote {
                    if i + 1 < chars.len() && chars[i + 1] == quote {
                        value.push(quote);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                value.push(chars[i]);
                i += 1;
            }
            out.push(if quote == '\'' {
                Tok::Str(value)
            } else {
                Tok::QuotedIdent(value)
            });
        } else if c.is_ascii_digit()
            || (c == '.' && i + 1 < chars.len() && chars[i + 1].is_ascii_digit())
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let save = i;
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                if i < chars.len() && chars[i].is_ascii_digit() {
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                } else {
                    i = save;
                }
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<>", "<=", ">=", "!=", "||", "==", "::"].contains(&two.as_str()) {
                out.push(Tok::Sym(two));
                i += 2;
            } else {
                out.push(Tok::Sym(c.to_string()));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Rewrite a recipe's SQL expression (polars dialect: `"name"` for columns, `'it''s'`
/// for strings) as Spark SQL (`` `name` ``, `'it\'s'`). Everything else is kept as
/// written: functions and operators must exist in both dialects.
pub fn spark_sql(sql: &str) -> Result<String, String> {
    // What wort refuses to run, Spark must not receive either.
    crate::guard::sql::check_expr(sql).map_err(|r| r.to_string())?;
    let mut out = String::with_capacity(sql.len() + 8);
    for t in tokenize(sql)? {
        match t {
            Tok::Str(s) => out.push_str(&sql_str(&s)),
            Tok::QuotedIdent(n) => out.push_str(&sql_ident(&n)),
            Tok::Word(w) | Tok::Num(w) | Tok::Sym(w) | Tok::Space(w) => out.push_str(&w),
        }
    }
    Ok(out)
}

/// A polars SQL identifier: bare when it is a plain lower-case word, else `"quoted"`.
pub fn polars_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_keyword(name);
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A polars SQL string literal.
pub fn polars_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn is_keyword(w: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "and",
        "or",
        "not",
        "is",
        "null",
        "in",
        "like",
        "between",
        "case",
        "when",
        "then",
        "else",
        "end",
        "true",
        "false",
        "select",
        "from",
        "where",
        "as",
        "cast",
        "date",
        "interval",
        "order",
        "by",
        "group",
        "limit",
        "all",
        "any",
        "exists",
        "ilike",
        "distinct",
        "time",
        "timestamp",
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
    ];
    KEYWORDS.contains(&w.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_terminator_escapes_a_comment_or_string() {
        let evil = "x\rimport os\r\nb\x0bc\x0cd\x1ce\u{85}f\u{2028}g\u{2029}h\x00i\\";
        // `#` lines: one per line break, each a comment, no control character left.
        let c = py_comment("    #   ", evil);
        assert_eq!(
            c,
            "    #   x\n    #   import os\n    #   b\n    #   c\n    #   d\n    #   e\n    #   f\n    #   g\n    #   h\\x00i\\\n"
        );
        assert_eq!(comment_line(evil), "x import os b c d e f g h\\x00i\\");
        for s in [
            py_str(evil),
            py_doc(evil),
            sql_str(evil),
            comment_line(evil),
        ] {
            assert!(!s.chars().any(is_control), "{s:?}");
        }
        assert_eq!(py_str("a\u{2028}b\u{85}"), r#""a\u2028b\x85""#);
        // A docstring cannot be closed from inside.
        assert_eq!(py_doc(r#"a""" + b\"#), r#"a\"\"\" + b\\"#);
        assert_eq!(sql_str("a\u{2028}'"), r"'a\u2028\''");
    }

    #[test]
    fn python_literals() {
        assert_eq!(py_str("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(py_str("Zoë"), "\"Zoë\"");
        assert_eq!(py_float(3.0), "3.0");
        assert_eq!(py_float(1.5), "1.5");
        assert_eq!(py_float(1e300), "1e300");
    }

    #[test]
    fn polars_sql_becomes_spark_sql() {
        assert_eq!(
            spark_sql(r#""Date Egg" > '2007-11-11' AND note = 'it''s \ here'"#).unwrap(),
            r"`Date Egg` > '2007-11-11' AND note = 'it\'s \\ here'"
        );
        assert_eq!(spark_sql("ROUND(a / b, 3)").unwrap(), "ROUND(a / b, 3)");
        assert!(spark_sql("x = 'open").is_err());
    }

    #[test]
    fn identifiers() {
        assert_eq!(polars_ident("dep_time"), "dep_time");
        assert_eq!(polars_ident("Date Egg"), "\"Date Egg\"");
        assert_eq!(polars_ident("year"), "\"year\"");
        assert_eq!(sql_ident("a`b"), "`a``b`");
    }
}
