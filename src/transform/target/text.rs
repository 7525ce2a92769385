//! Quoting for the languages the exporters write: Python literals, Spark SQL
//! identifiers and strings, and the rewrite of a recipe's SQL (polars dialect) into
//! Spark SQL.

// Every text from a recipe that goes into generated code passes through one of these,
// by where it goes: `py_str` (a Python string), `py_comment` (`#` lines), `py_doc` (the
// job's docstring), `comment_line` (one line of a `#` comment), `sql_str` / `sql_ident`
// (Spark SQL), `sql_comment` (a `--` line), `spark_sql` (a recipe's SQL expression).
// Each handles every line terminator of Python and SQL (`\n`, `\r`, `\r\n`, `\x0b`,
// `\x0c`, `\x1c`-`\x1e`, `\x85`, U+2028, U+2029) and the quotes of its place, so user
// text can never end a line and start a statement. Spark also reads the whole text of a
// query (and of `F.expr`) for `${var}` / `${env:NAME}` before parsing it: `sql_str`
// writes `${` as `\u0024{`, `sql_comment` as `$\x7b`, and `spark_sql` refuses one
// outside a string. A backtick name has no escapes, so `sql_ident` keeps it (the SQL
// export's header says to turn substitution off then).

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

/// User text on one line of a `#` comment: line breaks and runs of white space become
/// one space, control characters escapes.
pub fn comment_line(s: &str) -> String {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || LINE_BREAKS.contains(&c))
        .filter(|w| !w.is_empty())
        .collect();
    visible(&words.join(" "))
}

/// User text as one `--` line of Spark SQL, starting with `prefix` (indentation and
/// `--`): on one line as in [`comment_line`], `${` written `$\x7b` (Spark substitutes
/// variables in comments too, and a value may hold a line break), and never ending in a
/// backslash, since Spark continues a `--` comment over a backslash before the line
/// break (the line after it, the query's code, would become comment).
pub fn sql_comment(prefix: &str, text: &str) -> String {
    let mut line = comment_line(text).replace("${", "$\\x7b");
    if line.ends_with('\\') {
        line.pop();
        line.push_str("\\x5c");
    }
    format!("{prefix}{line}\n")
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
/// adjacent literals concatenate, so `'` is written `\'`, never `''`. Control characters
/// and line separators are `\uXXXX` escapes, and `${` is `\u0024{`: Spark replaces
/// `${name}` in the text of a query before reading its literals (variable substitution,
/// `${env:NAME}` included), which the escape hides from it.
pub fn sql_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '$' if chars.peek() == Some(&'{') => out.push_str("\\u0024"),
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

/// Split SQL text into tokens. Comments are white space, as polars reads them: `--` to
/// the next `\n` (Spark also ends it at a `\r`), `/* */` nested. Fails on an unterminated
/// string, quoted name or comment, and on `/*! */`, which polars reads as code and Spark
/// as a comment.
pub fn tokenize(sql: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '-' && next == Some('-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            out.push(Tok::Space(" ".into()));
        } else if c == '/' && next == Some('*') {
            if chars.get(i + 2) == Some(&'!') {
                return Err(format!(
                    "a /*! comment in {sql:?}: polars runs the code inside it and Spark does not; write that code without the comment"
                ));
            }
            i = comment_end(&chars, i)
                .ok_or_else(|| format!("unterminated /* comment in {sql:?}"))?;
            out.push(Tok::Space(" ".into()));
        } else if c.is_whitespace() {
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

/// The index after the `*/` that closes the (nested) comment starting at `start`.
fn comment_end(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => {
                depth += 1;
                i += 2;
            }
            ('*', '/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Rewrite a recipe's SQL expression (polars dialect: `"name"` for columns, `'it''s'`
/// for strings) as Spark SQL (`` `name` ``, `'it\'s'`). Functions and operators are kept
/// as written (they must exist in both dialects); comments are left out and white space
/// is spaces, tabs and `\n`, so nothing the recipe writes can end or start a comment in
/// the query around it. Refused: `;`, control characters outside strings, and `${`
/// outside a string (Spark would substitute a variable there).
pub fn spark_sql(sql: &str) -> Result<String, String> {
    // What wort refuses to run, Spark must not receive either.
    crate::guard::sql::check_expr(sql).map_err(|r| r.to_string())?;
    let mut out = String::with_capacity(sql.len() + 8);
    for t in tokenize(sql)? {
        match t {
            Tok::Str(s) => out.push_str(&sql_str(&s)),
            Tok::QuotedIdent(n) => out.push_str(&sql_ident(&n)),
            Tok::Space(w) => out.extend(w.replace("\r\n", "\n").chars().map(|c| match c {
                ' ' | '\t' | '\n' => c,
                c if LINE_BREAKS.contains(&c) => '\n',
                _ => ' ',
            })),
            Tok::Sym(w) if w == ";" => {
                return Err(format!(
                    "{sql:?} holds a ';': a condition or expression is one SQL expression, not statements"
                ));
            }
            Tok::Sym(w) if w.chars().any(is_control) => {
                return Err(format!(
                    "{sql:?} holds a control character outside a string"
                ));
            }
            Tok::Word(w) | Tok::Num(w) | Tok::Sym(w) => out.push_str(&w),
        }
    }
    if out.contains("${") {
        return Err(format!(
            "{sql:?} holds ${{ outside a string: Spark would replace ${{...}} with a variable (or an environment variable) before reading the SQL"
        ));
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

    /// Text with every kind of place-breaking character, and how each place writes it.
    const CASES: &[(&str, &str, &str, &str, &str, &str)] = &[
        // (text, py_str, py_comment("# ", _), py_doc, sql_str, sql_comment("-- ", _))
        (
            "a\rimport os",
            r#""a\rimport os""#,
            "# a\n# import os\n",
            r"a\x0dimport os",
            r"'a\rimport os'",
            "-- a import os\n",
        ),
        (
            "a\r\nb",
            r#""a\r\nb""#,
            "# a\n# b\n",
            r"a\x0d\x0ab",
            r"'a\r\nb'",
            "-- a b\n",
        ),
        (
            "a\u{2028}b\u{2029}c\u{85}d",
            r#""a\u2028b\u2029c\x85d""#,
            "# a\n# b\n# c\n# d\n",
            r"a\u2028b\u2029c\x85d",
            r"'a\u2028b\u2029c\u0085d'",
            "-- a b c d\n",
        ),
        (
            "a\x0bb\x0cc\x1cd\x1de\x1ef",
            r#""a\x0bb\x0cc\x1cd\x1de\x1ef""#,
            "# a\n# b\n# c\n# d\n# e\n# f\n",
            r"a\x0bb\x0cc\x1cd\x1de\x1ef",
            r"'a\u000Bb\u000Cc\u001Cd\u001De\u001Ef'",
            "-- a b c d e f\n",
        ),
        (
            "\"\"\" + x '''",
            r#""\"\"\" + x '''""#,
            "# \"\"\" + x '''\n",
            r#"\"\"\" + x '''"#,
            r#"'""" + x \'\'\''"#,
            "-- \"\"\" + x '''\n",
        ),
        (
            "nul\0bell\x07",
            r#""nul\x00bell\x07""#,
            "# nul\\x00bell\\x07\n",
            r"nul\x00bell\x07",
            r"'nul\u0000bell\u0007'",
            "-- nul\\x00bell\\x07\n",
        ),
        (
            "ends in \\",
            r#""ends in \\""#,
            "# ends in \\\n",
            r"ends in \\",
            r"'ends in \\'",
            "-- ends in \\x5c\n",
        ),
        (
            "${env:SECRET} $5",
            r#""${env:SECRET} $5""#,
            "# ${env:SECRET} $5\n",
            "${env:SECRET} $5",
            r"'\u0024{env:SECRET} $5'",
            "-- $\\x7benv:SECRET} $5\n",
        ),
        (
            "-- */ # `x`",
            r#""-- */ # `x`""#,
            "# -- */ # `x`\n",
            "-- */ # `x`",
            r"'-- */ # `x`'",
            "-- -- */ # `x`\n",
        ),
    ];

    #[test]
    fn every_place_escapes_line_breaks_quotes_and_control_characters() {
        for (text, py, comment, doc, sql, sql_line) in CASES {
            assert_eq!(py_str(text), *py, "py_str({text:?})");
            assert_eq!(py_comment("# ", text), *comment, "py_comment({text:?})");
            assert_eq!(py_doc(text), *doc, "py_doc({text:?})");
            assert_eq!(sql_str(text), *sql, "sql_str({text:?})");
            assert_eq!(sql_comment("-- ", text), *sql_line, "sql_comment({text:?})");
            // Nothing that ends a line is left inside one line of output.
            for s in [
                py_str(text),
                py_doc(text),
                sql_str(text),
                comment_line(text),
            ] {
                assert!(!s.chars().any(is_control), "{s:?}");
            }
            // Every line a comment writes is a whole comment line; the SQL one is one line.
            let py = py_comment("# ", text);
            let sql = sql_comment("-- ", text);
            for (comment, prefix) in [(&py, "# "), (&sql, "-- ")] {
                assert!(comment.ends_with('\n'), "{comment:?}");
                for line in comment.split_terminator('\n') {
                    assert!(line.starts_with(prefix), "{comment:?}");
                    assert!(!line.chars().any(is_control), "{comment:?}");
                }
            }
            assert_eq!(sql.matches('\n').count(), 1, "{sql:?}");
        }
        // py_comment indents every line it writes.
        assert_eq!(py_comment("    #   ", "a\rb"), "    #   a\n    #   b\n");
    }

    #[test]
    fn comments_in_a_recipe_expression_are_left_out_of_spark_sql() {
        for (recipe, spark) in [
            // Spark would end the comment at the \r and run the rest.
            ("a > 1 -- x\r OR TRUE", "a > 1  "),
            ("a > 1 -- x\n OR b", "a > 1  \n OR b"),
            ("a > 1 /* x /* y */ OR TRUE */ AND b", "a > 1   AND b"),
            ("a--1", "a "),
            ("'--' = \"/*\"", r"'--' = `/*`"),
            // Line separators are white space in polars, not in Spark.
            ("a >\u{2028}1\r\n", "a >\n1\n"),
        ] {
            assert_eq!(spark_sql(recipe).as_deref(), Ok(spark), "{recipe:?}");
        }
        for (recipe, says) in [
            ("a > 1 /*! OR TRUE */", "polars runs the code inside it"),
            ("a > 1 /* open", "unterminated /* comment"),
            ("a > 1; DROP TABLE t", "holds a ';'"),
            ("a > \x07 1", "control character"),
            ("\"${env:HOME}\" = 1", "holds ${ outside a string"),
        ] {
            let err = spark_sql(recipe).expect_err(recipe);
            assert!(err.contains(says), "{recipe:?}: {err}");
        }
        // In a string, ${ is escaped rather than refused.
        assert_eq!(spark_sql("a = '${x}'").unwrap(), r"a = '\u0024{x}'");
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
