//! The DQDL parser: tokens to a [`Ruleset`], checked against the rule catalogue.
//!
//! Hand-written recursive descent over the tokens of [`lex`](super::lex), rather than
//! winnow or chumsky, because nearly every decision in DQDL is contextual: which
//! condition grammar applies depends on the rule type (looked up in the catalogue),
//! a quoted string is a date in one place and text in another, `and` is a parameter
//! connector, a `between` separator or a composite operator depending on what
//! follows, and comments must be attached to the rule they describe. With a
//! combinator crate all of that becomes custom state and custom errors anyway; here
//! each error is written where the decision is made, so it can say what was expected
//! and after which part of the rule ("expected a comparison (=, >, between …) after
//! `Completeness "x"`, found `,`"). The grammar is small (reference §11), so the
//! parser stays short.

use super::ParseError;
use super::ast::*;
use super::catalog::{self, AnalyzerUse, ConditionKind, RuleSpec, RuleType};
use super::lex::{CommentTok, Punct, Tok, Token, lex};
use crate::util::did_you_mean;

mod analyzers;
mod conditions;
mod operands;
mod rules;
mod sections;

/// Labels may be at most this many per rule, counting the defaults (reference §2.4).
const MAX_LABELS: usize = 10;
const MAX_LABEL_KEY: usize = 128;
const MAX_LABEL_VALUE: usize = 256;

/// How deep a rule may nest: parentheses, composites and arithmetic operators each
/// count one level. The parser, the printer and the evaluator recurse over the rule,
/// so without a limit a rule nested a few thousand deep overflows the stack.
pub const MAX_DEPTH: u32 = 100;

/// Words that cannot be bare parameters (the reference lexer makes them keywords).
const RESERVED: &[&str] = &[
    "and",
    "AND",
    "or",
    "OR",
    "of",
    "OF",
    "between",
    "in",
    "not",
    "matches",
    "with",
    "where",
    "labels",
    "null",
    "NULL",
    "empty",
    "EMPTY",
    "whitespaces_only",
    "WHITESPACES_ONLY",
    "days",
    "hours",
    "minutes",
    "B",
    "KB",
    "MB",
    "GB",
    "TB",
    "Rules",
    "Analyzers",
    "Metadata",
    "DataSources",
    "DefaultLabels",
];

/// Whether `word` can be written as an unquoted parameter (the printer quotes others).
pub(crate) fn is_bare_word(word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(super::lex::is_word_char)
        && !RESERVED.contains(&word)
        && !word.bytes().all(|b| b.is_ascii_digit())
        && !matches!(word.split_once('.'), Some((a, b))
            if !a.is_empty() && !b.is_empty()
                && a.bytes().all(|x| x.is_ascii_digit())
                && b.bytes().all(|x| x.is_ascii_digit()))
}

const SECTIONS: [&str; 5] = [
    "Metadata",
    "DataSources",
    "DefaultLabels",
    "Rules",
    "Analyzers",
];

/// Parses a whole DQDL document.
pub fn parse(src: &str) -> Result<Ruleset, ParseError> {
    let rs = Parser::new(src)?.document()?;
    for entry in &rs.rules.items {
        for rule in entry.rule.leaves() {
            check_rule_sql(rule, |p| rs.param_text(p))?;
        }
    }
    Ok(rs)
}

/// SQL in a rule (CustomSql's query, a `where` clause) may read only the tables wort
/// names and call no function that reads anything else (see `guard::sql`): refused at
/// parse time, at the rule's line, before any data is read.
pub(super) fn check_rule_sql<'a>(
    rule: &'a Rule,
    text: impl Fn(&'a Param) -> Option<&'a str>,
) -> Result<(), ParseError> {
    use crate::guard::sql;
    let refused = |what: &str, r: sql::Refused| ParseError {
        line: rule.span.line,
        column: rule.span.column,
        message: format!(
            "{what} of {} is refused: {r}. Rules may read only the data and the reference \
             datasets given on the command line.",
            rule.rule_type.name()
        ),
    };
    if rule.rule_type == RuleType::CustomSql
        && let Some(q) = rule.params.first().and_then(&text)
    {
        sql::check_query(&q.replace("\\\"", "\""), None).map_err(|r| refused("the SQL", r))?;
    }
    if let Some(w) = &rule.where_clause {
        sql::check_expr(&w.raw().replace("\\\"", "\""))
            .map_err(|r| refused("the where clause", r))?;
    }
    Ok(())
}

/// Parses one rule (as written inside `Rules = [ … ]`), with comments before it and
/// labels. `$constants` are not checked, since there are no declarations to check
/// them against.
pub fn parse_rule(src: &str) -> Result<RuleEntry, ParseError> {
    let mut p = Parser::new(src)?;
    let leading = p.take_comments_before(p.pos);
    let start = p.pos;
    let mut entry = p.rule_entry()?;
    for rule in entry.rule.leaves() {
        check_rule_sql(rule, |p| p.literal())?;
    }
    entry.comments = leading;
    entry.comments.extend(p.inner_comments(start));
    entry.trailing_comment = p.trailing_comment();
    if p.peek().tok != Tok::Eof {
        return Err(p.expected("the end of the rule"));
    }
    Ok(entry)
}

/// What an operand turned out to be, for checks on lists and `between`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Number,
    Text,
    Date,
    Null,
    Other,
}

fn class_of(v: &Value) -> Class {
    match v {
        Value::Number(_) => Class::Number,
        Value::Text(_) | Value::Constant(_) | Value::Empty | Value::WhitespacesOnly => Class::Text,
        Value::Date(_) => Class::Date,
        Value::Null => Class::Null,
        Value::Duration(_) | Value::Size(_) => Class::Other,
    }
}

struct VarUse {
    name: String,
    want_list: bool,
    line: u32,
    col: u32,
}

type Labeled = (RuleExpr, Option<(Vec<Label>, Token)>);

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    comments: Vec<CommentTok>,
    next_comment: usize,
    var_uses: Vec<VarUse>,
    default_label_keys: Vec<String>,
    /// Byte offset where the current rule started, for "after `…`" in messages.
    ctx_start: usize,
    /// Current nesting (parentheses, composites, arithmetic), checked against [`MAX_DEPTH`].
    depth: u32,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Result<Self, ParseError> {
        let (toks, comments) = lex(src)?;
        Ok(Parser {
            src,
            toks,
            pos: 0,
            comments,
            next_comment: 0,
            var_uses: Vec::new(),
            default_label_keys: Vec::new(),
            ctx_start: 0,
            depth: 0,
        })
    }

    /// One level deeper at token `t`, or an error naming its line once past [`MAX_DEPTH`].
    /// Each successful call is paired with a later `self.depth -= 1`.
    fn deeper(&mut self, t: &Token) -> Result<(), ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(
                t,
                format!(
                    "rule nested deeper than {MAX_DEPTH} levels (parentheses, and/or, and \
                     arithmetic operators each count one); split it into several rules or \
                     remove redundant parentheses"
                ),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    // ---- token helpers ---------------------------------------------------------------

    fn peek(&self) -> &Token {
        &self.toks[self.pos]
    }

    fn peek_n(&self, n: usize) -> &Token {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn is_punct(&self, p: Punct) -> bool {
        self.peek().tok == Tok::P(p)
    }

    fn eat(&mut self, p: Punct) -> bool {
        let yes = self.is_punct(p);
        if yes {
            self.bump();
        }
        yes
    }

    fn word(&self) -> Option<&str> {
        match &self.peek().tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    fn is_word(&self, w: &str) -> bool {
        self.word() == Some(w)
    }

    fn is_word_in(&self, ws: &[&str]) -> bool {
        self.word().is_some_and(|w| ws.contains(&w))
    }

    fn is_null(&self) -> bool {
        self.is_word_in(&["null", "NULL"])
    }

    fn error_at(&self, t: &Token, message: impl Into<String>) -> ParseError {
        ParseError {
            line: t.line,
            column: t.col,
            message: message.into(),
        }
    }

    /// The source of the current rule so far, whitespace collapsed and shortened.
    fn context(&self) -> String {
        let end = if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].end
        };
        if end <= self.ctx_start {
            return String::new();
        }
        let text: String = self.src[self.ctx_start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let chars: Vec<char> = text.chars().collect();
        if chars.len() > 60 {
            let tail: String = chars[chars.len() - 57..].iter().collect();
            format!("…{tail}")
        } else {
            text
        }
    }

    /// "expected WHAT after `CONTEXT`, found TOKEN", at the current token.
    fn expected(&self, what: &str) -> ParseError {
        let ctx = self.context();
        let found = describe(self.peek());
        let message = if ctx.is_empty() {
            format!("expected {what}, found {found}")
        } else {
            format!("expected {what} after `{ctx}`, found {found}")
        };
        self.error_at(self.peek(), message)
    }

    fn expect(&mut self, p: Punct, what: &str) -> Result<Token, ParseError> {
        if self.is_punct(p) {
            Ok(self.bump())
        } else {
            Err(self.expected(what))
        }
    }

    // ---- comments --------------------------------------------------------------------

    /// Comments that come before token `idx` and are not taken yet.
    fn take_comments_before(&mut self, idx: usize) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.before > idx {
                break;
            }
            out.push(c.text.clone());
            self.next_comment += 1;
        }
        out
    }

    /// Comments between the tokens of an item that started at token `start`.
    fn inner_comments(&mut self, start: usize) -> Vec<String> {
        if self.pos == 0 || self.pos <= start {
            return Vec::new();
        }
        self.take_comments_before(self.pos - 1)
    }

    /// A comment on the same line as the last token read, right after it.
    fn trailing_comment(&mut self) -> Option<String> {
        let c = self.comments.get(self.next_comment)?;
        let prev = self.pos.checked_sub(1).map(|i| &self.toks[i])?;
        if c.before == self.pos && c.line == prev.end_line {
            self.next_comment += 1;
            return Some(self.comments[self.next_comment - 1].text.clone());
        }
        None
    }

    // ---- document --------------------------------------------------------------------

    fn document(&mut self) -> Result<Ruleset, ParseError> {
        const STAGES: [&str; 7] = [
            "the start",
            "Metadata",
            "DataSources",
            "the constants",
            "DefaultLabels",
            "Rules",
            "Analyzers",
        ];
        let mut rs = Ruleset::default();
        let mut stage = 0usize;
        let mut rules_token: Option<Token> = None;
        loop {
            let comments = self.take_comments_before(self.pos);
            let tok = self.peek().clone();
            let word = match &tok.tok {
                Tok::Eof => {
                    rs.trailing_comments = comments;
                    break;
                }
                Tok::Word(w) => w.clone(),
                _ => return Err(self.top_level_error(stage)),
            };
            let this = match word.as_str() {
                "Metadata" => 1,
                "DataSources" => 2,
                "DefaultLabels" => 4,
                "Rules" => 5,
                "Analyzers" => 6,
                _ if self.peek_n(1).tok == Tok::P(Punct::Eq)
                    && RuleType::from_name(&word).is_none() =>
                {
                    3
                }
                _ => return Err(self.top_level_error(stage)),
            };
            if this < stage || (this == stage && this != 3) {
                let message = if this == stage {
                    format!(
                        "a second `{word}` section: a ruleset has at most one; merge them into one"
                    )
                } else {
                    let what = if this == 3 {
                        format!("the constant `{word}`")
                    } else {
                        format!("`{word}`")
                    };
                    format!(
                        "{what} must come before {}: a ruleset lists Metadata, DataSources, \
                         constants, DefaultLabels, Rules, Analyzers in that order",
                        STAGES[stage]
                    )
                };
                return Err(self.error_at(&tok, message));
            }
            stage = this;
            self.ctx_start = tok.start;
            match this {
                1 => rs.metadata = Some(self.metadata(comments)?),
                2 => rs.data_sources = Some(self.data_sources(comments)?),
                3 => {
                    let c = self.constant(comments, &rs.constants)?;
                    rs.constants.push(c);
                }
                4 => rs.default_labels = Some(self.default_labels(comments)?),
                5 => {
                    rules_token = Some(tok);
                    rs.rules = self.list_section(comments, "Rules", Self::rule_entry)?;
                }
                _ => {
                    rs.analyzers = self.list_section(comments, "Analyzers", |p| {
                        Ok(AnalyzerEntry {
                            comments: Vec::new(),
                            analyzer: p.analyzer()?,
                            trailing_comment: None,
                        })
                    })?;
                }
            }
        }
        self.check_constants(&rs)?;
        if rs.rules.items.is_empty() && rs.analyzers.items.is_empty() {
            let at = rules_token.unwrap_or_else(|| self.peek().clone());
            return Err(self.error_at(
                &at,
                "the ruleset has no rules or analyzers: write at least one rule inside \
                 Rules = [ … ], e.g. Rules = [ RowCount > 0 ]",
            ));
        }
        Ok(rs)
    }

    fn top_level_error(&self, stage: usize) -> ParseError {
        let tok = self.peek();
        if let Tok::Word(w) = &tok.tok {
            if let Some(s) = SECTIONS.iter().find(|s| s.eq_ignore_ascii_case(w)) {
                return self.error_at(
                    tok,
                    format!("section names are case-sensitive: write `{s}`, not `{w}`"),
                );
            }
            if stage >= 5 && RuleType::from_name(w).is_some() {
                return self.error_at(
                    tok,
                    format!(
                        "`{w}` is outside the list: rules go inside `Rules = [ … ]`, \
                         separated by commas"
                    ),
                );
            }
            if stage == 0 && RuleType::from_name(w).is_some() {
                return self.error_at(
                    tok,
                    format!(
                        "expected `Rules = [` before the first rule, found `{w}`: \
                         a ruleset is written Rules = [ rule, rule, … ]"
                    ),
                );
            }
        }
        let found = describe(tok);
        let message = if stage == 0 {
            format!(
                "expected `Rules = [` (or Metadata, DataSources, DefaultLabels, Analyzers, \
                 or a constant such as name = \"text\"), found {found}"
            )
        } else {
            format!("expected another section or the end of the file, found {found}")
        };
        self.error_at(tok, message)
    }

    /// `Name = [ item, item ]` with comments attached to items.
    fn list_section<T>(
        &mut self,
        comments: Vec<String>,
        name: &str,
        mut item: impl FnMut(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Section<T>, ParseError>
    where
        T: HasComments,
    {
        self.bump();
        self.expect(Punct::Eq, "`=`")?;
        if self.is_punct(Punct::LBrace) {
            return Err(self.error_at(
                self.peek(),
                format!("`{name}` takes a list in square brackets: {name} = [ … ]"),
            ));
        }
        self.expect(Punct::LBracket, "`[`")?;
        let mut items = Vec::new();
        if !self.is_punct(Punct::RBracket) {
            loop {
                let leading = self.take_comments_before(self.pos);
                let start = self.pos;
                let mut entry = item(self)?;
                let mut all = leading;
                all.extend(self.inner_comments(start));
                let mut trailing = self.trailing_comment();
                if self.is_punct(Punct::Comma) {
                    let comma = self.bump();
                    if trailing.is_none() {
                        trailing = self.trailing_comment();
                    }
                    entry.set_comments(all, trailing);
                    items.push(entry);
                    if self.is_punct(Punct::RBracket) {
                        return Err(self.error_at(
                            &comma,
                            format!(
                                "a comma before `]` ends the {name} list with nothing: \
                                 remove the last comma"
                            ),
                        ));
                    }
                    continue;
                }
                entry.set_comments(all, trailing);
                items.push(entry);
                if self.is_punct(Punct::RBracket) {
                    break;
                }
                return Err(self.after_item_error(name));
            }
        }
        let end_comments = self.take_comments_before(self.pos);
        self.bump();
        Ok(Section {
            comments,
            items,
            end_comments,
        })
    }

    fn after_item_error(&self, name: &str) -> ParseError {
        let what = if name == "Rules" { "rule" } else { "analyzer" };
        let mut e = self.expected(&format!(
            "`,` before the next {what} or `]` to end the list"
        ));
        if let Some(w) = self.word() {
            if RuleType::from_name(w).is_some() {
                e.message
                    .push_str("; is a comma missing between two rules?");
            } else if let Some(s) = did_you_mean(
                w,
                ["where", "with", "labels", "and", "or", "between", "matches"],
            ) {
                e.message.push_str(&format!("; did you mean `{s}`?"));
            }
        }
        e
    }
}

enum DictValue {
    Text(Str),
    List(Vec<Str>),
}

/// Entries of a list section, whose comments are set after parsing.
trait HasComments {
    fn set_comments(&mut self, comments: Vec<String>, trailing: Option<String>);
}

impl HasComments for RuleEntry {
    fn set_comments(&mut self, comments: Vec<String>, trailing: Option<String>) {
        self.comments = comments;
        self.trailing_comment = trailing;
    }
}

impl HasComments for AnalyzerEntry {
    fn set_comments(&mut self, comments: Vec<String>, trailing: Option<String>) {
        self.comments = comments;
        self.trailing_comment = trailing;
    }
}

fn describe(t: &Token) -> String {
    match &t.tok {
        Tok::Word(w) | Tok::Int(w) | Tok::Decimal(w) => format!("`{w}`"),
        Tok::Str(s) => format!("the string \"{}\"", show(s)),
        Tok::Var(v) => format!("`${v}`"),
        Tok::Now => "`now()`".to_string(),
        Tok::P(p) => format!("`{}`", p.as_str()),
        Tok::Eof => "the end of the file".to_string(),
    }
}

/// User text for a one-line message: control characters escaped, long text shortened.
fn show(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 30 {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

fn looks_like_exponent(w: &str) -> bool {
    let Some((mantissa, exp)) = w.split_once(['e', 'E']) else {
        return false;
    };
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

/// Shaped like a date or a time, whether or not it is a valid one.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    (b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&b[..4])
        && digits(&b[5..7])
        && digits(&b[8..]))
        || time_parts(s).is_some()
}

/// `(hour, minute, twelve_hour)` of `H:MM AM`, `HH:MM PM` or `HH:MM`.
fn time_parts(s: &str) -> Option<(u32, u32, bool)> {
    let (clock, twelve) = match s.strip_suffix(" AM").or_else(|| s.strip_suffix(" PM")) {
        Some(c) => (c, true),
        None => (s, false),
    };
    let (h, m) = clock.split_once(':')?;
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let hour_ok = if twelve {
        (1..=2).contains(&h.len())
    } else {
        h.len() == 2
    };
    if !(hour_ok && m.len() == 2 && digits(h) && digits(m)) {
        return None;
    }
    Some((h.parse().ok()?, m.parse().ok()?, twelve))
}

/// A quoted date (`"2022-06-30"`) or time (`"9:30 AM"`, `"21:45"`) literal, if the text
/// is a valid one. The reference lexer makes any string of that shape a date token.
pub(crate) fn date_literal(s: &str) -> Option<DateExpr> {
    if s.len() == 10
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        && looks_like_date(s)
    {
        return Some(DateExpr::Date(s.to_string()));
    }
    let (h, m, twelve) = time_parts(s)?;
    let hour_ok = if twelve {
        (1..=12).contains(&h)
    } else {
        h < 24
    };
    (hour_ok && m < 60).then(|| DateExpr::Time(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_and_time_literals() {
        assert_eq!(
            date_literal("2022-06-30"),
            Some(DateExpr::Date("2022-06-30".into()))
        );
        assert_eq!(date_literal("2022-13-30"), None);
        assert_eq!(
            date_literal("9:30 AM"),
            Some(DateExpr::Time("9:30 AM".into()))
        );
        assert_eq!(date_literal("21:45"), Some(DateExpr::Time("21:45".into())));
        assert_eq!(date_literal("9:30"), None);
        assert_eq!(date_literal("13:30 PM"), None);
        assert_eq!(date_literal("24:00"), None);
        assert!(looks_like_date("0000-00-00"));
        assert!(!looks_like_date("abc"));
    }

    #[test]
    fn bare_words() {
        assert!(is_bare_word("col_A.b"));
        assert!(is_bare_word("withdrawal"));
        assert!(!is_bare_word("days"));
        assert!(!is_bare_word("12"));
        assert!(!is_bare_word("1.5"));
        assert!(!is_bare_word("a-b"));
        assert!(is_bare_word("1.5.3"));
    }
}
