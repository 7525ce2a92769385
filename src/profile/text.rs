//! What a text value looks like: its shape pattern, case, length, and whether it is a
//! number or a date written as text. Run once per distinct value, weighted by count.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use regex::Regex;

use crate::source::infer::{DATE_FORMATS, DATETIME_FORMATS};

/// Values up to this many characters get the fixed-width pattern (`999-999-9999`);
/// longer ones only the collapsed one (`Aa+ Aa+`).
pub const FIXED_PATTERN_MAX: usize = 24;

/// Patterns are cut to this many characters.
const PATTERN_MAX: usize = 40;

fn class(c: char) -> char {
    if c.is_ascii_digit() {
        '9'
    } else if c.is_uppercase() {
        'A'
    } else if c.is_alphabetic() {
        'a'
    } else if c.is_numeric() {
        '9'
    } else if c.is_whitespace() {
        ' '
    } else {
        c
    }
}

fn cut(mut p: String) -> String {
    if p.chars().count() > PATTERN_MAX {
        p = p.chars().take(PATTERN_MAX).collect();
        p.push('…');
    }
    p
}

/// The collapsed shape: letters become `A` (upper case) or `a`, digits `9`, whitespace a
/// space, other characters stay; a run of the same class is written once with `+`.
/// `"Hello World 42"` -> `"Aa+ Aa+ 9+"`.
pub fn collapsed_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(PATTERN_MAX + 4));
    let mut prev: Option<char> = None;
    let mut run = 0usize;
    for c in s.chars().map(class) {
        if Some(c) == prev {
            run += 1;
            if run == 2 {
                out.push('+');
            }
            continue;
        }
        prev = Some(c);
        run = 1;
        out.push(c);
        if out.len() > PATTERN_MAX * 2 {
            break;
        }
    }
    cut(out)
}

/// The fixed-width shape of a short value, one class character per character:
/// `"212-555-0123"` -> `"999-999-9999"`, `"N14228"` -> `"A99999"`. Long values get the
/// collapsed shape.
pub fn fixed_pattern(s: &str) -> String {
    if s.chars().count() > FIXED_PATTERN_MAX {
        return collapsed_pattern(s);
    }
    s.chars().map(class).collect()
}

/// The case style of a value with letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    Lower,
    Upper,
    Title,
    Mixed,
}

pub fn case_of(s: &str) -> Option<Case> {
    let (mut lower, mut upper, mut letters) = (0usize, 0usize, 0usize);
    for c in s.chars() {
        if c.is_lowercase() {
            lower += 1;
            letters += 1;
        } else if c.is_uppercase() {
            upper += 1;
            letters += 1;
        }
    }
    if letters == 0 {
        return None;
    }
    if upper == 0 {
        return Some(Case::Lower);
    }
    if lower == 0 {
        return Some(Case::Upper);
    }
    // Title: every word starts upper case and continues lower case.
    let title = s
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(|c| c.is_uppercase()) && cs.all(|c| !c.is_uppercase())
        });
    Some(if title { Case::Title } else { Case::Mixed })
}

/// A whole number written as text (`-12`, `+7`, `00123`).
pub fn is_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A whole number with a leading zero (`007`): usually a code, not a number.
pub fn has_leading_zero(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal number written as text (`3.14`, `-1e5`).
pub fn is_number(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && s.parse::<f64>().is_ok()
}

/// Cheap test before trying date formats: digits and separators in a date-like order,
/// or a month name.
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}[ -][a-z]{3,9}[ -]\d{2,4}|[a-z]{3,9}\.? \d{1,2},? \d{4})",
    )
    .expect("valid regex")
});

/// The first of wort's date and datetime formats (those of type inference) that parses
/// `s`, trying `hint` first.
pub fn date_format(s: &str, hint: Option<&'static str>) -> Option<&'static str> {
    let s = s.trim();
    if !(6..=40).contains(&s.len()) || !DATE_LIKE.is_match(s) {
        return None;
    }
    let parses = |f: &str| {
        if DATE_FORMATS.contains(&f) {
            NaiveDate::parse_from_str(s, f).is_ok()
        } else {
            NaiveDateTime::parse_from_str(s, f).is_ok()
        }
    };
    if let Some(h) = hint
        && parses(h)
    {
        return Some(h);
    }
    DATE_FORMATS
        .iter()
        .chain(DATETIME_FORMATS.iter())
        .copied()
        .find(|f| parses(f))
}

/// Length in characters.
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(collapsed_pattern("Hello World 42"), "Aa+ Aa+ 9+");
        assert_eq!(collapsed_pattern("a"), "a");
        assert_eq!(fixed_pattern("212-555-0123"), "999-999-9999");
        assert_eq!(fixed_pattern("N14228"), "A99999");
        assert_eq!(fixed_pattern("SW1A 1AA"), "AA9A 9AA");
        assert_eq!(collapsed_pattern("jane.doe@example.com"), "a+.a+@a+.a+");
        let long = "x".repeat(100);
        assert_eq!(fixed_pattern(&long), "a+");
        assert_eq!(fixed_pattern("Élodie"), "Aaaaaa");
    }

    #[test]
    fn cases() {
        assert_eq!(case_of("nyc"), Some(Case::Lower));
        assert_eq!(case_of("NYC"), Some(Case::Upper));
        assert_eq!(case_of("New York"), Some(Case::Title));
        assert_eq!(case_of("McDonald"), Some(Case::Mixed));
        assert_eq!(case_of("A"), Some(Case::Upper));
        assert_eq!(case_of("9E"), Some(Case::Upper));
        assert_eq!(case_of("Ann-Marie O'Neil"), Some(Case::Title));
        assert_eq!(case_of("123"), None);
    }

    #[test]
    fn numbers_and_dates() {
        assert!(is_int("-12") && is_int("007") && !is_int("1.5") && !is_int(""));
        assert!(has_leading_zero("007") && !has_leading_zero("0"));
        assert!(is_number("1.5e3") && !is_number("e") && !is_number("1-2"));
        assert_eq!(date_format("2023-01-05", None), Some("%Y-%m-%d"));
        assert_eq!(date_format("05/31/2023", None), Some("%m/%d/%Y"));
        assert_eq!(date_format("31.05.2023", None), Some("%d.%m.%Y"));
        assert_eq!(date_format("Jan 5, 2023", None), Some("%b %d, %Y"));
        assert_eq!(
            date_format("2013-01-01 05:00:00", None),
            Some("%Y-%m-%d %H:%M:%S")
        );
        assert_eq!(date_format("212-555-0123", None), None);
        assert_eq!(date_format("hello world", None), None);
    }
}
