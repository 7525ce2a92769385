//! Shapes of text columns: which columns are keys, and profile patterns as regexes.

use crate::profile::ColumnProfile;

/// The longest value a key-like text column may hold.
const MAX_KEY_LENGTH: u64 = 64;

/// Whether a column whose values happen to be distinct names things (a key) rather
/// than measures them: integers, or text with a key's shape (one word, short, not a
/// decimal number or a date kept as text). `Err` says what the column is instead.
pub fn key_like(c: &ColumnProfile) -> Result<(), String> {
    match c.logical_type.as_str() {
        "int" => Ok(()),
        "text" => {
            if let Some(h) = c
                .hints
                .iter()
                .find(|h| matches!(h.kind, "numbers_as_text" | "dates_as_text"))
            {
                let what = if h.kind == "dates_as_text" {
                    "dates kept as text are points in time"
                } else {
                    "decimal numbers kept as text are measurements"
                };
                return Err(what.into());
            }
            if c.length.as_ref().is_some_and(|l| l.max > MAX_KEY_LENGTH) {
                return Err(format!(
                    "text longer than {MAX_KEY_LENGTH} characters is free text"
                ));
            }
            if has_whitespace(c) {
                return Err("text with spaces is free text".into());
            }
            Ok(())
        }
        "float" => Err("a float column holds measurements".into()),
        "date" | "datetime" | "time" => {
            Err(format!("a {} column holds points in time", c.logical_type))
        }
        other => Err(format!("a {other} column is not an identifier")),
    }
}

/// Whether any value seen (shape patterns, or the listed values when there are none)
/// holds whitespace.
fn has_whitespace(c: &ColumnProfile) -> bool {
    if let Some(p) = &c.patterns {
        return p.iter().any(|p| p.pattern.contains(char::is_whitespace));
    }
    c.top
        .iter()
        .map(|t| &t.value)
        .chain(&c.smallest)
        .chain(&c.largest)
        .any(|v| v.as_str().is_some_and(|s| s.contains(char::is_whitespace)))
}

/// A regex for a profile shape pattern (`999-999-9999`, `Aa+ 9+`), when the pattern
/// is made of classes and plain punctuation only.
pub fn pattern_regex(p: &str) -> Option<String> {
    if p.ends_with('…') {
        return None;
    }
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    while let Some(ch) = chars.next() {
        let class = match ch {
            '9' => "[0-9]".to_string(),
            // ASCII classes: no backslashes to escape, the same in Rust and Java regex.
            'A' => "[A-Z]".to_string(),
            'a' => "[a-z]".to_string(),
            ' ' => " ".to_string(),
            '-' | ',' | ':' | ';' | '/' | '@' | '#' | '_' | '=' | '\'' | '&' | '%' | '!' | '<'
            | '>' | '~' | '`' => ch.to_string(),
            '.' | '(' | ')' | '*' | '?' | '|' | '$' | '{' | '}' | '[' => format!("[{ch}]"),
            _ => return None,
        };
        // Count a run of the same class: `999` -> [0-9]{3}; `9+` -> [0-9]+.
        let mut count = 1;
        while chars.peek() == Some(&ch) {
            chars.next();
            count += 1;
        }
        out.push_str(&class);
        if chars.peek() == Some(&'+') {
            chars.next();
            out.push('+');
        } else if count > 1 {
            out.push_str(&format!("{{{count}}}"));
        }
    }
    Some(out)
}

pub fn entity_regex(entity: &str) -> Option<&'static str> {
    Some(match entity {
        "email" => r"[^@ ]+@[^@ ]+[.][^@ ]+",
        "url" => r"(?i)https?://[^ ]+",
        "ipv4" => r"(?:[0-9]{1,3}[.]){3}[0-9]{1,3}",
        "us_ssn" => r"[0-9]{3}-[0-9]{2}-[0-9]{4}",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Lengths, PatternCount};

    #[test]
    fn patterns_become_regexes() {
        assert_eq!(
            pattern_regex("999-999-9999").as_deref(),
            Some("[0-9]{3}-[0-9]{3}-[0-9]{4}")
        );
        assert_eq!(
            pattern_regex("Aa+ 9+").as_deref(),
            Some("[A-Z][a-z]+ [0-9]+")
        );
        assert_eq!(pattern_regex("Aa+…"), None);
    }

    fn text(pattern: &str, max_len: u64) -> ColumnProfile {
        ColumnProfile {
            logical_type: "text".into(),
            patterns: Some(vec![PatternCount {
                pattern: pattern.into(),
                count: 1,
                percent: 100.0,
            }]),
            length: Some(Lengths {
                min: 1,
                max: max_len,
                mean: 1.0,
                histogram: crate::profile::Histogram {
                    edges: vec![],
                    counts: vec![],
                },
            }),
            ..ColumnProfile::default()
        }
    }

    #[test]
    fn keys_are_integers_and_one_word_codes() {
        let int = ColumnProfile {
            logical_type: "int".into(),
            ..ColumnProfile::default()
        };
        assert!(key_like(&int).is_ok());
        assert!(key_like(&text("A99999", 6)).is_ok());
        assert!(key_like(&text("a+.a+@a+.a+", 30)).is_ok());
        let float = ColumnProfile {
            logical_type: "float".into(),
            ..ColumnProfile::default()
        };
        assert_eq!(
            key_like(&float).unwrap_err(),
            "a float column holds measurements"
        );
        assert!(
            key_like(&text("Aa+ a+ a+", 40))
                .unwrap_err()
                .contains("spaces")
        );
        assert!(
            key_like(&text("a+", 200))
                .unwrap_err()
                .contains("free text")
        );
    }
}
