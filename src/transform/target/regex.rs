//! Rust `regex` syntax (what wort runs) to Java regex syntax (what Spark runs), so that
//! a pattern matches the same text on both.
//!
//! - `(?U)` (Unicode classes: `\w`, `\d`, `\s`, `\b` and case folding are Unicode in
//!   Rust) and `(?d)` (only `\n` ends a line, so `.` excludes only `\n`, as in Rust)
//!   are put in front.
//! - `$` outside a class means "end of text" in Rust but "end, or before a final line
//!   break" in Java: it becomes `\z` unless the pattern turns on multi-line mode.
//! - `(?P<name>` becomes `(?<name>`; ASCII classes such as `[[:alpha:]]` become ranges.
//! - Replacement strings: Rust's `$1`, `${name}`, `$$` become Java's `$1`, `${name}`,
//!   `\$`; backslashes are escaped.

/// The Java form of a Rust regex.
pub fn java_regex(rust: &str) -> Result<String, String> {
    let chars: Vec<char> = rust.chars().collect();
    let multiline = has_flag(rust, 'm');
    let mut out = String::from("(?U)(?d)");
    let mut i = 0;
    let mut class_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err(format!("pattern {rust:?} ends with a lone backslash"));
                };
                out.push('\\');
                out.push(next);
                i += 2;
                // \p{..}, \x{..}: copy the braces as they are.
                if matches!(next, 'p' | 'P' | 'x') && chars.get(i) == Some(&'{') {
                    while i < chars.len() {
                        out.push(chars[i]);
                        i += 1;
                        if chars[i - 1] == '}' {
                            break;
                        }
                    }
                }
            }
            '[' => {
                if chars.get(i + 1) == Some(&'[') && chars.get(i + 2) == Some(&':') {
                    // A POSIX class inside a class: [[:alpha:]x]
                    let rest: String = chars[i + 1..].iter().collect();
                    if let Some((neg, name, len)) = posix_at(&rest) {
                        let Some(body) = posix_class(name) else {
                            return Err(format!("unknown class [:{name}:] in {rust:?}"));
                        };
                        out.push('[');
                        push_posix(&mut out, neg, body);
                        i += 1 + len;
                        class_depth += 1;
                        continue;
                    }
                }
                if class_depth > 0 && chars.get(i + 1) == Some(&':') {
                    let rest: String = chars[i..].iter().collect();
                    if let Some((neg, name, len)) = posix_at(&rest)
                        && let Some(body) = posix_class(name)
                    {
                        push_posix(&mut out, neg, body);
                        i += len;
                        continue;
                    }
                }
                class_depth += 1;
                out.push('[');
                i += 1;
                // A `]` or `^]` right after `[` is a literal.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
                i += 1;
            }
            '$' if class_depth == 0 && !multiline => {
                out.push_str("\\z");
                i += 1;
            }
            '(' if class_depth == 0 && chars.get(i + 1) == Some(&'?') => {
                if chars.get(i + 2) == Some(&'P') && chars.get(i + 3) == Some(&'<') {
                    out.push_str("(?<");
                    i += 4;
                } else {
                    out.push('(');
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Whether an inline flag group such as `(?m)` or `(?im:` turns on `flag`.
fn has_flag(pattern: &str, flag: char) -> bool {
    let mut rest = pattern;
    while let Some(at) = rest.find("(?") {
        let after = &rest[at + 2..];
        let flags: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .collect();
        let on = flags.split('-').next().unwrap_or("");
        if on.contains(flag) {
            return true;
        }
        rest = &rest[at + 2..];
    }
    false
}

/// A POSIX class `[:name:]` or `[:^name:]` at the start of `rest`: whether it is
/// negated, its name, and its length in chars.
fn posix_at(rest: &str) -> Option<(bool, &str, usize)> {
    // `rest` starts with `[:`; the name ends at the next `:]` after it (in `[:]]` the
    // `:]` that starts at 1 is not one).
    let end = 2 + rest.get(2..)?.find(":]")?;
    let name = &rest[2..end];
    let len = rest[..end + 2].chars().count();
    Some(match name.strip_prefix('^') {
        Some(n) => (true, n, len),
        None => (false, name, len),
    })
}

/// The ranges `body` of a POSIX class, inside a Java class; a nested `[^..]` where `neg`.
fn push_posix(out: &mut String, neg: bool, body: &str) {
    if neg {
        out.push_str("[^");
        out.push_str(body);
        out.push(']');
    } else {
        out.push_str(body);
    }
}

fn posix_class(name: &str) -> Option<&'static str> {
    Some(match name {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => "\\x00-\\x7F",
        "blank" => "\\t ",
        "cntrl" => "\\x00-\\x1F\\x7F",
        "digit" => "0-9",
        "graph" => "!-~",
        "lower" => "a-z",
        "print" => " -~",
        "punct" => "!-/:-@\\[-`{-~",
        "space" => "\\t\\n\\x0B\\f\\r ",
        "upper" => "A-Z",
        "word" => "0-9A-Za-z_",
        "xdigit" => "0-9A-Fa-f",
        _ => return None,
    })
}

/// A Java regex matching `text` literally.
pub fn java_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() && c != ' ' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The Java replacement string for a Rust regex replacement (`$1`, `${name}`, `$$`)
/// used with `pattern` (a Rust regex): named groups become numbered references, since
/// Spark SQL would read `${name}` in a query as a variable.
pub fn java_replacement(rust: &str, pattern: &str) -> String {
    let names: Vec<Option<String>> = regex::Regex::new(pattern)
        .map(|r| r.capture_names().map(|n| n.map(str::to_string)).collect())
        .unwrap_or_default();
    let chars: Vec<char> = rust.chars().collect();
    let mut out = String::with_capacity(rust.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push_str("\\\\");
            i += 1;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        // `$`
        if chars.get(i + 1) == Some(&'$') {
            out.push_str("\\$");
            i += 2;
            continue;
        }
        match group_at(&chars, i + 1) {
            Some((name, end)) => {
                out.push_str(&group_ref(&name, &names, chars.get(end)));
                i = end;
            }
            // A `$` that starts no reference is a literal `$`.
            None => {
                out.push_str("\\$");
                i += 1;
            }
        }
    }
    out
}

/// The group reference after a `$` at `chars[at..]` (`{name}` or a bare name or number):
/// the name and the index just past the reference.
fn group_at(chars: &[char], at: usize) -> Option<(String, usize)> {
    let (start, len, end) = match chars.get(at)? {
        '{' => {
            let len = chars[at + 1..].iter().position(|c| *c == '}')?;
            (at + 1, len, at + 2 + len)
        }
        c if c.is_alphanumeric() || *c == '_' => {
            let len = chars[at..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .count();
            (at, len, at + len)
        }
        _ => return None,
    };
    Some((chars[start..start + len].iter().collect(), end))
}

/// A Java reference to group `name` (a number or a name), followed by `next`.
fn group_ref(name: &str, names: &[Option<String>], next: Option<&char>) -> String {
    let index = if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
        name.parse::<usize>()
            .ok()
            .filter(|n| names.is_empty() || *n < names.len())
    } else {
        names.iter().position(|n| n.as_deref() == Some(name))
    };
    match index {
        // Java would read a following digit as part of the number: escape it.
        Some(n) if next.is_some_and(|c| c.is_ascii_digit()) => format!("${n}\\"),
        Some(n) => format!("${n}"),
        // Rust expands an unknown group to nothing.
        None => String::new(),
    }
}

/// A Java replacement string that inserts `text` literally.
pub fn java_literal_replacement(text: &str) -> String {
    text.replace('\\', "\\\\").replace('$', "\\$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(java_regex(r"\s*EUR$").unwrap(), r"(?U)(?d)\s*EUR\z");
        assert_eq!(java_regex(r"(?m)^a$").unwrap(), r"(?U)(?d)(?m)^a$");
        assert_eq!(java_regex(r"[$]").unwrap(), r"(?U)(?d)[$]");
        assert_eq!(java_regex(r"(?P<y>\d{4})").unwrap(), r"(?U)(?d)(?<y>\d{4})");
        assert_eq!(java_regex(r"[[:alpha:]]+").unwrap(), r"(?U)(?d)[A-Za-z]+");
        assert_eq!(java_regex(r"[[:digit:]x]").unwrap(), r"(?U)(?d)[0-9x]");
        assert_eq!(java_regex(r"[]a]").unwrap(), r"(?U)(?d)[\]a]");
        assert_eq!(java_regex(r"\p{L}+").unwrap(), r"(?U)(?d)\p{L}+");
        assert_eq!(java_regex(r"[[:^digit:]]").unwrap(), r"(?U)(?d)[[^0-9]]");
        assert_eq!(java_regex(r"[a[:digit:]]").unwrap(), r"(?U)(?d)[a0-9]");
        assert_eq!(java_regex(r"[a[:^upper:]]").unwrap(), r"(?U)(?d)[a[^A-Z]]");
        assert_eq!(java_regex(r"[a[:foo:]]").unwrap(), r"(?U)(?d)[a[:foo:]]");
        assert!(java_regex(r"[[:foo:]]").is_err());
        // Not a POSIX class: a class holding the nested class `[:]`, as written.
        assert_eq!(java_regex(r"[[:]]").unwrap(), r"(?U)(?d)[[:]]");
        assert_eq!(java_regex(r"[a[:]]").unwrap(), r"(?U)(?d)[a[:]]");
    }

    #[test]
    fn replacements() {
        let p = r"(?P<year>\d{4})-(?P<m>\d+)";
        assert_eq!(java_replacement("$1-${2}", p), "$1-$2");
        assert_eq!(java_replacement("${1}0", p), "$1\\0");
        assert_eq!(java_replacement("${year}/$m", p), "$1/$2");
        assert_eq!(java_replacement("$nope|$9", p), "|");
        assert_eq!(java_replacement("$$5 \\", p), "\\$5 \\\\");
        assert_eq!(java_replacement("a$", p), "a\\$");
        assert_eq!(java_replacement("${1", p), "\\${1");
        assert_eq!(java_replacement("a${}b$_", p), "ab");
        assert_eq!(java_replacement("$m$", p), "$2\\$");
        assert_eq!(java_literal_replacement("$1\\"), "\\$1\\\\");
        assert_eq!(java_literal("a.b c"), "a\\.b c");
    }
}
