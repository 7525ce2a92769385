//! strftime formats (what wort uses, chrono's dialect) to Spark datetime patterns.
//!
//! Parsing and printing differ: chrono's `%d` reads "5" and "05", which Spark's `dd`
//! does not; so a pattern for parsing uses the one-letter form (`d`, `M`, `H`...) where
//! the next item is not a number (Spark then reads one or two digits), and the
//! two-letter form where fields are adjacent (`%Y%m%d`).

use chrono::format::{Fixed, Item, Numeric, Pad, StrftimeItems};

/// Whether a pattern reads text into dates or writes dates as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Parse,
    Print,
}

/// The Spark (java.time style) pattern for a strftime format.
pub fn spark_pattern(strftime: &str, mode: Mode) -> Result<String, String> {
    let items: Vec<Item> = StrftimeItems::new(strftime).collect();
    let mut out = String::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, out: &mut String| {
        if !literal.is_empty() {
            out.push_str(&quote_literal(literal));
            literal.clear();
        }
    };
    for (i, item) in items.iter().enumerate() {
        let is_number = |it: Option<&Item>| {
            matches!(
                it,
                Some(Item::Numeric(_, _))
                    | Some(Item::Fixed(
                        Fixed::Nanosecond3 | Fixed::Nanosecond6 | Fixed::Nanosecond9
                    ))
            )
        };
        let next_is_number = is_number(items.get(i + 1)) || (i > 0 && is_number(items.get(i - 1)));
        let unsupported = |what: &str| {
            Err(format!(
                "format {strftime:?}: {what} has no Spark {} equivalent",
                if mode == Mode::Parse {
                    "parsing"
                } else {
                    "printing"
                }
            ))
        };
        match item {
            Item::Literal(s) | Item::Space(s) => literal.push_str(s),
            Item::OwnedLiteral(s) | Item::OwnedSpace(s) => literal.push_str(s),
            Item::Numeric(n, pad) => {
                flush(&mut literal, &mut out);
                let short = mode == Mode::Parse && !next_is_number;
                let two = |letter: &str| -> String {
                    match (pad, short) {
                        (Pad::None, _) | (_, true) => letter.to_string(),
                        _ => letter.repeat(2),
                    }
                };
                let p = match n {
                    Numeric::Year => "yyyy".to_string(),
                    Numeric::YearMod100 => "yy".to_string(),
                    Numeric::Month => two("M"),
                    Numeric::Day => {
                        if *pad == Pad::Space && mode == Mode::Print {
                            return unsupported("%e (space-padded day)");
                        }
                        two("d")
                    }
                    Numeric::Hour => two("H"),
                    Numeric::Hour12 => two("h"),
                    Numeric::Minute => two("m"),
                    Numeric::Second => two("s"),
                    Numeric::Ordinal => match (pad, short) {
                        (Pad::None, _) | (_, true) => "D".into(),
                        _ => "DDD".into(),
                    },
                    Numeric::Quarter if mode == Mode::Print => "Q".into(),
                    other => return unsupported(&format!("{other:?}")),
                };
                out.push_str(&p);
            }
            Item::Fixed(f) => {
                flush(&mut literal, &mut out);
                let p = match f {
                    Fixed::ShortMonthName => "MMM",
                    Fixed::LongMonthName => "MMMM",
                    Fixed::ShortWeekdayName => "EEE",
                    Fixed::LongWeekdayName => "EEEE",
                    Fixed::UpperAmPm => "a",
                    Fixed::LowerAmPm if mode == Mode::Parse => "a",
                    Fixed::Nanosecond if mode == Mode::Parse => "[.SSSSSSSSS]",
                    Fixed::Nanosecond3 => ".SSS",
                    Fixed::Nanosecond6 => ".SSSSSS",
                    Fixed::Nanosecond9 => ".SSSSSSSSS",
                    Fixed::Nanosecond => return unsupported("%.f (fraction of any length)"),
                    Fixed::LowerAmPm => return unsupported("%P (lower-case am/pm)"),
                    _ => return unsupported("a time zone or other field"),
                };
                out.push_str(p);
            }
            Item::Error => {
                return Err(format!(
                    "format {strftime:?} is not a valid strftime format"
                ));
            }
        }
    }
    flush(&mut literal, &mut out);
    Ok(out)
}

/// Literal text in a Spark pattern: letters and pattern symbols go in single quotes.
fn quote_literal(s: &str) -> String {
    let needs = s
        .chars()
        .any(|c| c.is_alphabetic() || matches!(c, '\'' | '[' | ']' | '#' | '{' | '}'));
    if needs {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_formats() {
        let p = |f| spark_pattern(f, Mode::Parse).unwrap();
        let w = |f| spark_pattern(f, Mode::Print).unwrap();
        assert_eq!(p("%Y-%m-%d"), "yyyy-M-d");
        assert_eq!(w("%Y-%m-%d"), "yyyy-MM-dd");
        assert_eq!(p("%d/%m/%Y"), "d/M/yyyy");
        assert_eq!(p("%d %b %Y"), "d MMM yyyy");
        assert_eq!(p("%Y%m%d"), "yyyyMMdd");
        assert_eq!(p("%Y-%m-%dT%H:%M:%SZ"), "yyyy-M-d'T'H:m:s'Z'");
        assert_eq!(p("%Y-%m-%d %H:%M:%S%.f"), "yyyy-M-d H:m:s[.SSSSSSSSS]");
        assert_eq!(w("%d.%m.%Y %H:%M"), "dd.MM.yyyy HH:mm");
        assert_eq!(w("%F %T"), "yyyy-MM-dd HH:mm:ss");
        assert_eq!(w("week of %B, %Y"), "'week of 'MMMM, yyyy");
        assert!(spark_pattern("%Y %z", Mode::Print).is_err());
        assert!(spark_pattern("%.f", Mode::Print).is_err());
    }
}
