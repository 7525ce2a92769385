//! The DQDL lexer: text to tokens plus the comments between them.
//!
//! Differences from the reference lexer, all on the lenient side (reference §1):
//! a carriage return is whitespace (CRLF files), a comment may end at the end of the
//! file, a leading byte-order mark is skipped, and `now ()` with spaces is `now()`.
//! Keywords are not separate tokens here: words are classified by the parser in
//! context, which gives better messages ("expected `and`" rather than "unexpected
//! IDENT").

use super::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// `[A-Za-z0-9_.]+` that is not a number: rule types, bare names, keywords.
    Word(String),
    /// `[0-9]+`.
    Int(String),
    /// `[0-9]+.[0-9]+`.
    Decimal(String),
    /// A quoted string: the raw text between the quotes (CRLF normalised to LF).
    Str(String),
    /// `$name`.
    Var(String),
    /// `now()`.
    Now,
    P(Punct),
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Punct {
    Eq,
    Ne,
    /// A `!` not directly followed by `=` (the reference also accepts `! =`).
    Bang,
    Gt,
    Ge,
    Lt,
    Le,
    LBracket,
    RBracket,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
}

impl Punct {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Punct::Eq => "=",
            Punct::Ne => "!=",
            Punct::Bang => "!",
            Punct::Gt => ">",
            Punct::Ge => ">=",
            Punct::Lt => "<",
            Punct::Le => "<=",
            Punct::LBracket => "[",
            Punct::RBracket => "]",
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBrace => "{",
            Punct::RBrace => "}",
            Punct::Comma => ",",
            Punct::Colon => ":",
            Punct::Plus => "+",
            Punct::Minus => "-",
            Punct::Star => "*",
            Punct::Slash => "/",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Byte offsets into the source.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of the first character.
    pub line: u32,
    pub col: u32,
    /// Line of the last character (strings may span lines).
    pub end_line: u32,
}

/// A `#` comment: its text after `#` (trailing whitespace removed), its line, and the
/// index of the token that follows it.
#[derive(Debug, Clone)]
pub(crate) struct CommentTok {
    pub text: String,
    pub line: u32,
    pub before: usize,
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

struct Cursor<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    col: u32,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.src[self.pos..].chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        match c {
            '\n' => {
                self.line += 1;
                self.col = 1;
            }
            // A lone CR (old Mac line end) is a line break too; in CRLF the LF counts.
            '\r' if self.peek() != Some('\n') => {
                self.line += 1;
                self.col = 1;
            }
            '\r' => {}
            _ => self.col += 1,
        }
        Some(c)
    }

    fn error(&self, line: u32, col: u32, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            column: col,
            message: message.into(),
        }
    }
}

pub(crate) fn lex(src: &str) -> Result<(Vec<Token>, Vec<CommentTok>), ParseError> {
    let mut cur = Cursor {
        src,
        pos: 0,
        line: 1,
        col: 1,
    };
    if src.starts_with('\u{feff}') {
        cur.pos = '\u{feff}'.len_utf8();
    }
    let mut toks: Vec<Token> = Vec::new();
    let mut comments = Vec::new();
    loop {
        while matches!(cur.peek(), Some(' ' | '\t' | '\n' | '\r' | '\u{c}')) {
            cur.bump();
        }
        let (start, line, col) = (cur.pos, cur.line, cur.col);
        let Some(c) = cur.peek() else {
            toks.push(Token {
                tok: Tok::Eof,
                start,
                end: start,
                line,
                col,
                end_line: line,
            });
            break;
        };
        let tok = match c {
            '#' => {
                while !matches!(cur.peek(), None | Some('\n' | '\r')) {
                    cur.bump();
                }
                comments.push(CommentTok {
                    text: src[start + 1..cur.pos].trim_end().to_string(),
                    line,
                    before: toks.len(),
                });
                continue;
            }
            '"' => {
                cur.bump();
                let body = cur.pos;
                loop {
                    match cur.peek() {
                        None => {
                            return Err(cur.error(
                                line,
                                col,
                                "this string is never closed: the file ends before its closing `\"` \
                                 (a quote inside a string is written \\\")",
                            ));
                        }
                        Some('\\') => {
                            cur.bump();
                            if matches!(cur.peek(), Some('"' | '\\')) {
                                cur.bump();
                            }
                        }
                        Some('"') => break,
                        Some(_) => {
                            cur.bump();
                        }
                    }
                }
                let raw = src[body..cur.pos].replace("\r\n", "\n");
                cur.bump();
                Tok::Str(raw)
            }
            '$' => {
                cur.bump();
                let name_start = cur.pos;
                while cur.peek().is_some_and(is_word_char) {
                    cur.bump();
                }
                if cur.pos == name_start {
                    return Err(cur.error(
                        line,
                        col,
                        "expected a constant name after `$`, e.g. $allowed_codes",
                    ));
                }
                Tok::Var(src[name_start..cur.pos].to_string())
            }
            c if is_word_char(c) => {
                while cur.peek().is_some_and(is_word_char) {
                    cur.bump();
                }
                let word = &src[start..cur.pos];
                if word == "now" && now_parens(&mut cur) {
                    Tok::Now
                } else {
                    classify_word(word)
                }
            }
            '/' if cur.peek2() == Some('/') => {
                return Err(cur.error(
                    line,
                    col,
                    "`//` does not start a comment in DQDL; comments start with `#`",
                ));
            }
            '\'' => {
                return Err(cur.error(
                    line,
                    col,
                    "unexpected `'`: DQDL strings use double quotes (\"like this\")",
                ));
            }
            _ => {
                cur.bump();
                let p = match c {
                    '=' => Punct::Eq,
                    '!' if cur.peek() == Some('=') => {
                        cur.bump();
                        Punct::Ne
                    }
                    '!' => Punct::Bang,
                    '>' if cur.peek() == Some('=') => {
                        cur.bump();
                        Punct::Ge
                    }
                    '>' => Punct::Gt,
                    '<' if cur.peek() == Some('=') => {
                        cur.bump();
                        Punct::Le
                    }
                    '<' => Punct::Lt,
                    '[' => Punct::LBracket,
                    ']' => Punct::RBracket,
                    '(' => Punct::LParen,
                    ')' => Punct::RParen,
                    '{' => Punct::LBrace,
                    '}' => Punct::RBrace,
                    ',' => Punct::Comma,
                    ':' => Punct::Colon,
                    '+' => Punct::Plus,
                    '-' => Punct::Minus,
                    '*' => Punct::Star,
                    '/' => Punct::Slash,
                    other => {
                        return Err(cur.error(
                            line,
                            col,
                            format!("unexpected character `{other}`"),
                        ));
                    }
                };
                Tok::P(p)
            }
        };
        toks.push(Token {
            tok,
            start,
            end: cur.pos,
            line,
            col,
            end_line: cur.line,
        });
    }
    Ok((toks, comments))
}

/// After the word `now`: consumes `()` (spaces or tabs allowed inside and before).
fn now_parens(cur: &mut Cursor) -> bool {
    let rest = &cur.src[cur.pos..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let Some(after_open) = trimmed.strip_prefix('(') else {
        return false;
    };
    let inner = after_open.trim_start_matches([' ', '\t']);
    if !inner.starts_with(')') {
        return false;
    }
    let len = rest.len() - inner.len() + 1;
    let target = cur.pos + len;
    while cur.pos < target {
        cur.bump();
    }
    true
}

fn classify_word(word: &str) -> Tok {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(word) {
        return Tok::Int(word.to_string());
    }
    if let Some((a, b)) = word.split_once('.')
        && digits(a)
        && digits(b)
    {
        return Tok::Decimal(word.to_string());
    }
    Tok::Word(word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src).unwrap().0.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_words_numbers_and_strings() {
        assert_eq!(
            kinds(r#"Sum "a\"b" > 1.5 withdrawal 12 now() $x"#),
            vec![
                Tok::Word("Sum".into()),
                Tok::Str(r#"a\"b"#.into()),
                Tok::P(Punct::Gt),
                Tok::Decimal("1.5".into()),
                Tok::Word("withdrawal".into()),
                Tok::Int("12".into()),
                Tok::Now,
                Tok::Var("x".into()),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn now_with_spaces_and_bang_equals() {
        assert_eq!(
            kinds("now ( ) ! = !="),
            vec![
                Tok::Now,
                Tok::P(Punct::Bang),
                Tok::P(Punct::Eq),
                Tok::P(Punct::Ne),
                Tok::Eof
            ]
        );
        assert_eq!(
            kinds("nowhere"),
            vec![Tok::Word("nowhere".into()), Tok::Eof]
        );
    }

    #[test]
    fn comments_carry_their_line_and_next_token() {
        let (toks, comments) = lex("# a\r\nRules # b\r\n= [#c").unwrap();
        assert_eq!(toks.len(), 4);
        let c: Vec<(&str, u32, usize)> = comments
            .iter()
            .map(|c| (c.text.as_str(), c.line, c.before))
            .collect();
        assert_eq!(c, vec![(" a", 1, 0), (" b", 2, 1), ("c", 3, 3)]);
        assert_eq!((toks[1].line, toks[1].col), (3, 1));
    }

    #[test]
    fn hash_inside_a_string_is_not_a_comment() {
        assert_eq!(
            kinds(r##""a # b""##),
            vec![Tok::Str("a # b".into()), Tok::Eof]
        );
    }

    #[test]
    fn strings_track_lines() {
        let (toks, _) = lex("\"a\nb\" x").unwrap();
        assert_eq!((toks[0].line, toks[0].end_line), (1, 2));
        assert_eq!((toks[1].line, toks[1].col), (2, 4));
    }
}
