//! What a sniffed cell looks like: empty, a null token, a number, a date or time, a
//! boolean, a word, or other text (for the type score and the header decision).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CellType {
    Empty,
    Null,
    Number,
    Temporal,
    Bool,
    /// Letters, digits, spaces and light punctuation: a name, a word, a sentence.
    Word,
    Other,
}

impl CellType {
    pub(super) fn is_typed(self) -> bool {
        matches!(self, CellType::Number | CellType::Temporal | CellType::Bool)
    }
}

pub(super) fn classify(cell: &[u8]) -> CellType {
    let s = cell.trim_ascii();
    if s.is_empty() {
        CellType::Empty
    } else if is_null_token(s) {
        CellType::Null
    } else if is_number(s) {
        CellType::Number
    } else if is_temporal(s) {
        CellType::Temporal
    } else if is_bool(s) {
        CellType::Bool
    } else if is_word(s) {
        CellType::Word
    } else {
        CellType::Other
    }
}

fn is_null_token(s: &[u8]) -> bool {
    const TOKENS: [&[u8]; 8] = [
        b"na", b"n/a", b"null", b"none", b"nan", b"nil", b"-", b"#n/a",
    ];
    TOKENS.iter().any(|t| s.eq_ignore_ascii_case(t))
}

fn is_bool(s: &[u8]) -> bool {
    const TOKENS: [&[u8]; 4] = [b"true", b"false", b"yes", b"no"];
    TOKENS.iter().any(|t| s.eq_ignore_ascii_case(t))
}

fn is_word(s: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(s) else {
        return false;
    };
    s.chars().any(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphanumeric() || " .-_'/&()+#".contains(c))
}

/// Integers, decimals (point or comma), thousands groups, exponents, percentages.
pub(super) fn is_number(s: &[u8]) -> bool {
    let s = s.strip_suffix(b"%").unwrap_or(s);
    let s = match s.first() {
        Some(b'+' | b'-') => &s[1..],
        _ => s,
    };
    let (mantissa, exponent) = match s.iter().position(|&b| b == b'e' || b == b'E') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(e) = exponent {
        let e = match e.first() {
            Some(b'+' | b'-') => &e[1..],
            _ => e,
        };
        if e.is_empty() || !e.iter().all(u8::is_ascii_digit) {
            return false;
        }
    }
    is_mantissa(mantissa)
}

fn is_mantissa(m: &[u8]) -> bool {
    if !m.iter().any(u8::is_ascii_digit)
        || !m
            .iter()
            .all(|&b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return false;
    }
    let seps: Vec<usize> = m
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'.' || b == b',')
        .map(|(i, _)| i)
        .collect();
    if seps.len() <= 1 {
        return true;
    }
    // Several separators: thousands groups of three digits, then maybe one decimal
    // separator of the other kind (1,234,567.89 or 1.234.567,89).
    let group = m[seps[0]];
    if seps[0] == 0 || seps[0] > 3 {
        return false;
    }
    let last = seps.len() - 1;
    for (k, &at) in seps.iter().enumerate() {
        if k == last && m[at] != group {
            // The decimal separator: any digits may follow.
            continue;
        }
        if m[at] != group {
            return false;
        }
        let next = seps.get(k + 1).copied().unwrap_or(m.len());
        if next - at - 1 != 3 {
            return false;
        }
    }
    true
}

/// Dates (`2024-01-31`, `31/01/2024`, `1.2.24`), times (`12:30`, `12:30:00.5 PM`)
/// and date-times joined by `T` or a space, with an optional zone.
pub(super) fn is_temporal(s: &[u8]) -> bool {
    match date_prefix(s) {
        Some(rest) => rest.is_empty() || (matches!(rest[0], b'T' | b' ') && is_time(&rest[1..])),
        None => is_time(s),
    }
}

fn digits(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

fn date_prefix(s: &[u8]) -> Option<&[u8]> {
    let a = digits(s);
    let sep = *s.get(a)?;
    if !matches!(sep, b'-' | b'/' | b'.') || a == 0 || a > 4 {
        return None;
    }
    let s2 = &s[a + 1..];
    let b = digits(s2);
    if b == 0 || b > 2 || s2.get(b) != Some(&sep) {
        return None;
    }
    let s3 = &s2[b + 1..];
    let d = digits(s3);
    let ok = (a == 4 && (1..=2).contains(&d)) || (a <= 2 && (d == 2 || d == 4));
    ok.then(|| &s3[d..])
}

fn is_time(s: &[u8]) -> bool {
    let h = digits(s);
    if h == 0 || h > 2 || s.get(h) != Some(&b':') {
        return false;
    }
    let mut rest = &s[h + 1..];
    if digits(rest) != 2 {
        return false;
    }
    rest = &rest[2..];
    if rest.first() == Some(&b':') {
        if digits(&rest[1..]) != 2 {
            return false;
        }
        rest = &rest[3..];
        if matches!(rest.first(), Some(b'.' | b',')) {
            let f = digits(&rest[1..]);
            if f == 0 {
                return false;
            }
            rest = &rest[1 + f..];
        }
    }
    let rest = rest.trim_ascii_start();
    if rest.is_empty()
        || rest.eq_ignore_ascii_case(b"am")
        || rest.eq_ignore_ascii_case(b"pm")
        || rest == b"Z"
    {
        return true;
    }
    // Zone offset: +HH, +HHMM, +HH:MM.
    if matches!(rest[0], b'+' | b'-') {
        let z = &rest[1..];
        return (matches!(z.len(), 2 | 4) && z.iter().all(u8::is_ascii_digit))
            || (z.len() == 5 && z[2] == b':' && digits(z) == 2 && digits(&z[3..]) == 2);
    }
    false
}
