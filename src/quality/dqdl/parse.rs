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

/// Labels may be at most this many per rule, counting the defaults (reference §2.4).
const MAX_LABELS: usize = 10;
const MAX_LABEL_KEY: usize = 128;
const MAX_LABEL_VALUE: usize = 256;

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
        })
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

    // ---- Metadata, DataSources, constants, DefaultLabels ------------------------------

    /// `= { "key": "value" | ["a", …], … }`, returning (key token, key, value).
    fn dictionary(&mut self, name: &str) -> Result<Vec<(Token, String, DictValue)>, ParseError> {
        self.bump();
        self.expect(Punct::Eq, "`=`")?;
        if self.is_punct(Punct::LBracket) {
            return Err(self.error_at(
                self.peek(),
                format!("`{name}` takes braces: {name} = {{ \"Key\": \"value\" }}"),
            ));
        }
        let open = self.expect(Punct::LBrace, "`{`")?;
        if self.is_punct(Punct::RBrace) {
            return Err(self.error_at(
                &open,
                format!("`{name}` is empty: give at least one entry or remove the section"),
            ));
        }
        let mut out: Vec<(Token, String, DictValue)> = Vec::new();
        loop {
            let key_tok = self.peek().clone();
            let Tok::Str(key) = key_tok.tok.clone() else {
                return Err(self.expected("a quoted key such as \"Version\""));
            };
            self.bump();
            if out.iter().any(|(_, k, _)| *k == key) {
                return Err(self.error_at(
                    &key_tok,
                    format!("\"{}\" appears twice in {name}", show(&key)),
                ));
            }
            self.expect(Punct::Colon, "`:`")?;
            let value = if self.eat(Punct::LBracket) {
                let mut items = Vec::new();
                loop {
                    let Tok::Str(s) = self.peek().tok.clone() else {
                        return Err(self.expected("a quoted name"));
                    };
                    self.bump();
                    items.push(Str::raw_unchecked(&s));
                    if self.eat(Punct::Comma) {
                        continue;
                    }
                    self.expect(Punct::RBracket, "`,` or `]`")?;
                    break;
                }
                DictValue::List(items)
            } else if let Tok::Str(s) = self.peek().tok.clone() {
                self.bump();
                DictValue::Text(Str::raw_unchecked(&s))
            } else {
                return Err(self.expected("a quoted value or a list [\"a\", \"b\"]"));
            };
            out.push((key_tok, key, value));
            if self.eat(Punct::Comma) {
                continue;
            }
            self.expect(Punct::RBrace, &format!("`,` or `}}` to close {name}"))?;
            break;
        }
        Ok(out)
    }

    fn metadata(&mut self, comments: Vec<String>) -> Result<Metadata, ParseError> {
        let start = self.pos;
        let entries = self.dictionary("Metadata")?;
        let mut version = None;
        for (tok, key, value) in entries {
            match (key.as_str(), value) {
                ("Version", DictValue::Text(s)) => version = Some(s),
                ("Version", DictValue::List(_)) => {
                    return Err(self.error_at(&tok, "\"Version\" takes a quoted value, not a list"));
                }
                (other, _) => {
                    return Err(self.error_at(
                        &tok,
                        format!(
                            "unsupported key \"{}\" in Metadata: the only key is \"Version\"",
                            show(other)
                        ),
                    ));
                }
            }
        }
        let mut comments = comments;
        comments.extend(self.inner_comments(start));
        Ok(Metadata {
            comments,
            version: version.expect("a non-empty Metadata has a Version"),
        })
    }

    fn data_sources(&mut self, comments: Vec<String>) -> Result<DataSources, ParseError> {
        let start = self.pos;
        let entries = self.dictionary("DataSources")?;
        let mut ds = DataSources {
            comments: Vec::new(),
            primary: None,
            additional: None,
        };
        for (tok, key, value) in entries {
            match (key.as_str(), value) {
                ("Primary", DictValue::Text(s)) => ds.primary = Some(s),
                ("AdditionalDataSources", DictValue::List(v)) => ds.additional = Some(v),
                ("Primary", DictValue::List(_)) => {
                    return Err(
                        self.error_at(&tok, "\"Primary\" takes one quoted name, not a list")
                    );
                }
                ("AdditionalDataSources", DictValue::Text(_)) => {
                    return Err(self.error_at(
                        &tok,
                        "\"AdditionalDataSources\" takes a list: [ \"reference\" ]",
                    ));
                }
                (other, _) => {
                    let hint = did_you_mean(other, ["Primary", "AdditionalDataSources"])
                        .map(|s| format!("; did you mean \"{s}\"?"))
                        .unwrap_or_default();
                    return Err(self.error_at(
                        &tok,
                        format!(
                            "unsupported key \"{}\" in DataSources: the keys are \"Primary\" \
                             and \"AdditionalDataSources\"{hint}",
                            show(other)
                        ),
                    ));
                }
            }
        }
        let mut comments = comments;
        comments.extend(self.inner_comments(start));
        ds.comments = comments;
        Ok(ds)
    }

    fn constant(
        &mut self,
        comments: Vec<String>,
        declared: &[Constant],
    ) -> Result<Constant, ParseError> {
        let start = self.pos;
        let tok = self.bump();
        let Tok::Word(name) = tok.tok.clone() else {
            unreachable!("constant() is called on a word");
        };
        if let Some(s) = SECTIONS.iter().find(|s| s.eq_ignore_ascii_case(&name)) {
            return Err(self.error_at(
                &tok,
                format!("section names are case-sensitive: write `{s}`, not `{name}`"),
            ));
        }
        if name.starts_with('.') || name.starts_with('_') {
            return Err(self.error_at(
                &tok,
                format!("constant names cannot start with `.` or `_`: `{name}`"),
            ));
        }
        if let Some(prev) = declared.iter().find(|c| c.name == name) {
            return Err(self.error_at(
                &tok,
                format!(
                    "the constant `{name}` is already defined on line {}",
                    prev.span.line
                ),
            ));
        }
        self.bump(); // `=`
        let value = match self.peek().tok.clone() {
            Tok::Str(s) => {
                self.bump();
                ConstantValue::Text(Str::raw_unchecked(&s))
            }
            Tok::P(Punct::LBracket) => {
                let open = self.bump();
                if self.is_punct(Punct::RBracket) {
                    return Err(self.error_at(
                        &open,
                        "an empty list constant: list at least one quoted value",
                    ));
                }
                let mut items = Vec::new();
                loop {
                    let item = match self.peek().tok.clone() {
                        Tok::Str(s) => Value::Text(Str::raw_unchecked(&s)),
                        Tok::Word(w) if w == "null" || w == "NULL" => Value::Null,
                        Tok::Word(w) if w == "empty" || w == "EMPTY" => Value::Empty,
                        Tok::Word(w) if w == "whitespaces_only" || w == "WHITESPACES_ONLY" => {
                            Value::WhitespacesOnly
                        }
                        Tok::Var(_) => {
                            return Err(self.error_at(
                                self.peek(),
                                "a constant cannot refer to another constant (nested constants \
                                 are not supported)",
                            ));
                        }
                        Tok::Int(_) | Tok::Decimal(_) | Tok::P(Punct::Minus) => {
                            return Err(self.constant_number_error());
                        }
                        _ => {
                            return Err(self.expected(
                                "a quoted value, NULL, EMPTY or WHITESPACES_ONLY in the list",
                            ));
                        }
                    };
                    self.bump();
                    items.push(item);
                    if self.eat(Punct::Comma) {
                        continue;
                    }
                    self.expect(Punct::RBracket, "`,` or `]` in the list")?;
                    break;
                }
                ConstantValue::List(items)
            }
            Tok::Var(_) => {
                return Err(self.error_at(
                    self.peek(),
                    "a constant cannot refer to another constant (nested constants are not \
                     supported)",
                ));
            }
            Tok::Int(_) | Tok::Decimal(_) | Tok::P(Punct::Minus) => {
                return Err(self.constant_number_error());
            }
            _ => {
                return Err(self.expected("a quoted value or a list [\"a\", \"b\"]"));
            }
        };
        let mut all = comments;
        all.extend(self.inner_comments(start));
        let trailing_comment = self.trailing_comment();
        Ok(Constant {
            comments: all,
            name,
            value,
            trailing_comment,
            span: Span {
                line: tok.line,
                column: tok.col,
            },
        })
    }

    fn constant_number_error(&self) -> ParseError {
        self.error_at(
            self.peek(),
            "constants hold text or lists of text; write numbers directly in the rule \
             (RowCount > 100)",
        )
    }

    fn default_labels(&mut self, comments: Vec<String>) -> Result<DefaultLabels, ParseError> {
        let start = self.pos;
        self.bump();
        self.expect(Punct::Eq, "`=`")?;
        let labels = self.label_list()?;
        if labels.len() > MAX_LABELS {
            return Err(self.error_at(
                &self.toks[start],
                format!(
                    "DefaultLabels has {} labels; a rule can carry at most {MAX_LABELS}",
                    labels.len()
                ),
            ));
        }
        self.default_label_keys = labels.iter().map(|l| l.key.raw().to_string()).collect();
        let mut all = comments;
        all.extend(self.inner_comments(start));
        let trailing_comment = self.trailing_comment();
        Ok(DefaultLabels {
            comments: all,
            labels,
            trailing_comment,
        })
    }

    /// `[ "k"="v", … ]`, checked against the reference's limits.
    fn label_list(&mut self) -> Result<Vec<Label>, ParseError> {
        let open = self.expect(
            Punct::LBracket,
            "`[` (labels are written labels=[\"team\"=\"finance\"])",
        )?;
        if self.is_punct(Punct::RBracket) {
            return Err(self.error_at(
                &open,
                "an empty label list: give at least one \"key\"=\"value\" or remove it",
            ));
        }
        let mut labels: Vec<Label> = Vec::new();
        loop {
            let key_tok = self.peek().clone();
            let Tok::Str(key) = key_tok.tok.clone() else {
                return Err(self.expected("a quoted label key, e.g. \"team\"=\"finance\""));
            };
            self.bump();
            self.expect(Punct::Eq, "`=` between the label key and value")?;
            let Tok::Str(value) = self.peek().tok.clone() else {
                return Err(self.expected("a quoted label value"));
            };
            self.bump();
            if key.is_empty() || value.is_empty() {
                return Err(self.error_at(&key_tok, "label keys and values cannot be empty"));
            }
            if key.chars().count() > MAX_LABEL_KEY {
                return Err(self.error_at(
                    &key_tok,
                    format!("label keys are at most {MAX_LABEL_KEY} characters"),
                ));
            }
            if value.chars().count() > MAX_LABEL_VALUE {
                return Err(self.error_at(
                    &key_tok,
                    format!("label values are at most {MAX_LABEL_VALUE} characters"),
                ));
            }
            if labels.iter().any(|l| l.key.raw() == key) {
                return Err(self.error_at(
                    &key_tok,
                    format!(
                        "the label key \"{}\" appears twice; keys must be unique",
                        show(&key)
                    ),
                ));
            }
            labels.push(Label {
                key: Str::raw_unchecked(&key),
                value: Str::raw_unchecked(&value),
            });
            if self.eat(Punct::Comma) {
                continue;
            }
            self.expect(Punct::RBracket, "`,` or `]` in the labels")?;
            return Ok(labels);
        }
    }

    fn labels_clause(&mut self) -> Result<Vec<Label>, ParseError> {
        self.bump(); // labels
        self.expect(
            Punct::Eq,
            "`=` (labels are written labels=[\"team\"=\"finance\"])",
        )?;
        self.label_list()
    }

    fn check_constants(&self, rs: &Ruleset) -> Result<(), ParseError> {
        for u in &self.var_uses {
            let at = ParseError {
                line: u.line,
                column: u.col,
                message: String::new(),
            };
            let message = match rs.constant(&u.name) {
                None => {
                    let hint = did_you_mean(&u.name, rs.constants.iter().map(|c| c.name.as_str()))
                        .map(|s| format!("; did you mean `${s}`?"))
                        .unwrap_or_default();
                    format!(
                        "the constant `${}` is not defined{hint}; declare it before DefaultLabels \
                         and Rules, e.g. {} = \"…\"",
                        u.name, u.name
                    )
                }
                Some(c) => match (&c.value, u.want_list) {
                    (ConstantValue::Text(_), true) => format!(
                        "`${}` holds text, but `in` needs a list constant such as {} = [\"a\", \"b\"]",
                        u.name, u.name
                    ),
                    (ConstantValue::List(_), false) => format!(
                        "`${}` holds a list; only `in` takes a list, here a text constant is needed",
                        u.name
                    ),
                    _ => continue,
                },
            };
            return Err(ParseError { message, ..at });
        }
        Ok(())
    }

    // ---- rules -----------------------------------------------------------------------

    fn rule_entry(&mut self) -> Result<RuleEntry, ParseError> {
        let start = self.peek().clone();
        self.ctx_start = start.start;
        let (rule, labels) = self.or_expr()?;
        let labels = match labels {
            Some((labels, tok)) => {
                let mut keys = self.default_label_keys.clone();
                for l in &labels {
                    if !keys.iter().any(|k| k == l.key.raw()) {
                        keys.push(l.key.raw().to_string());
                    }
                }
                if keys.len() > MAX_LABELS {
                    return Err(self.error_at(
                        &tok,
                        format!(
                            "this rule would carry {} labels counting DefaultLabels; the limit \
                             is {MAX_LABELS}",
                            keys.len()
                        ),
                    ));
                }
                labels
            }
            None => Vec::new(),
        };
        Ok(RuleEntry {
            comments: Vec::new(),
            rule,
            labels,
            trailing_comment: None,
        })
    }

    fn or_expr(&mut self) -> Result<Labeled, ParseError> {
        let mut ops = vec![self.and_expr()?];
        while self.is_word_in(&["or", "OR"]) {
            self.bump();
            ops.push(self.and_expr()?);
        }
        self.combine(ops, false)
    }

    fn and_expr(&mut self) -> Result<Labeled, ParseError> {
        let mut ops = vec![self.primary()?];
        while self.is_word_in(&["and", "AND"]) {
            self.bump();
            ops.push(self.primary()?);
        }
        self.combine(ops, true)
    }

    fn combine(&self, mut ops: Vec<Labeled>, and: bool) -> Result<Labeled, ParseError> {
        if ops.len() == 1 {
            return Ok(ops.pop().expect("one operand"));
        }
        if let Some((_, tok)) = ops.iter().find_map(|(_, l)| l.as_ref()) {
            return Err(self.error_at(
                tok,
                "labels belong to a whole rule, not to a part of a composite: put parentheses \
                 around the whole composite and the labels after them, e.g. \
                 ((IsComplete \"a\") AND (RowCount > 0)) labels=[\"team\"=\"finance\"]",
            ));
        }
        let mut flat = Vec::new();
        for (e, _) in ops {
            match e {
                RuleExpr::And(v) if and => flat.extend(v),
                RuleExpr::Or(v) if !and => flat.extend(v),
                e => flat.push(e),
            }
        }
        Ok((
            if and {
                RuleExpr::And(flat)
            } else {
                RuleExpr::Or(flat)
            },
            None,
        ))
    }

    fn primary(&mut self) -> Result<Labeled, ParseError> {
        if !self.is_punct(Punct::LParen) {
            return self.leaf();
        }
        let open = self.bump();
        let (e, labels) = self.or_expr()?;
        if !self.is_punct(Punct::RParen) {
            let mut err = self.expected(&format!(
                "`)` to close the `(` on line {}, column {}",
                open.line, open.col
            ));
            if self
                .word()
                .is_some_and(|w| RuleType::from_name(w).is_some())
            {
                err.message.push_str(
                    "; join rules with `and` or `or`: (RowCount > 0) and (IsComplete \"a\")",
                );
            }
            return Err(err);
        }
        self.bump();
        if self.is_word("labels") {
            let tok = self.peek().clone();
            if labels.is_some() {
                return Err(self.error_at(&tok, "this rule already has labels=[…]"));
            }
            let l = self.labels_clause()?;
            return Ok((e, Some((l, tok))));
        }
        Ok((e, labels))
    }

    /// A rule type name at the current token, checked for the section it is in.
    fn rule_type(&mut self, in_analyzers: bool) -> Result<&'static RuleSpec, ParseError> {
        let tok = self.peek().clone();
        let Tok::Word(w) = &tok.tok else {
            let what = if in_analyzers {
                "an analyzer such as RowCount, Completeness \"c\" or ColumnLength \"c\""
            } else {
                "a rule such as RowCount > 0, IsComplete \"c\" or ColumnValues \"c\" in [\"A\",\"B\"]"
            };
            let mut e = self.expected(what);
            if let Tok::Str(s) = &tok.tok {
                e.message.push_str(&format!(
                    "; a rule starts with its type, e.g. IsComplete \"{}\"",
                    show(s)
                ));
            }
            return Err(e);
        };
        let Some(t) = RuleType::from_name(w) else {
            let hint = did_you_mean(w, catalog::names())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    "; rule types include RowCount, IsComplete, Completeness, ColumnValues, \
                     IsUnique, Mean (see the catalogue)"
                        .to_string()
                });
            return Err(self.error_at(&tok, format!("unknown rule type `{w}`{hint}")));
        };
        let spec = t.spec();
        if !in_analyzers && spec.analyzer == AnalyzerUse::Only {
            return Err(self.error_at(
                &tok,
                format!(
                    "{w} is an analyzer, not a rule: list it under Analyzers = [ … ], after Rules"
                ),
            ));
        }
        if in_analyzers && spec.analyzer == AnalyzerUse::No {
            let hint = spec
                .ratio_variant
                .map(|r| format!(" ({r} records the ratio)"))
                .unwrap_or_default();
            return Err(self.error_at(
                &tok,
                format!(
                    "{w} passes or fails and records no statistic, so it cannot be an \
                     analyzer{hint}; move it to Rules = [ … ]"
                ),
            ));
        }
        self.bump();
        Ok(spec)
    }

    /// Parameters, each optionally after `of` / `and`.
    fn params(&mut self) -> Result<Vec<Param>, ParseError> {
        let mut params = Vec::new();
        loop {
            let connector = match self.word() {
                Some("of") => Some(Connector::Of),
                Some("OF") => Some(Connector::OfUpper),
                Some("and") => Some(Connector::And),
                Some("AND") => Some(Connector::AndUpper),
                _ => None,
            };
            if let Some(c) = connector {
                let is_and = matches!(c, Connector::And | Connector::AndUpper);
                let next = &self.peek_n(1).tok;
                let is_param = match next {
                    Tok::Str(_) | Tok::Var(_) => true,
                    // After `and`, a rule type starts the next operand of a composite.
                    Tok::Word(w) => {
                        is_bare_word(w) && !(is_and && RuleType::from_name(w).is_some())
                    }
                    _ => false,
                };
                if !is_param {
                    if is_and {
                        break;
                    }
                    self.bump();
                    return Err(self.expected("a parameter (a quoted column name, for example)"));
                }
                self.bump();
            }
            let t = self.peek().clone();
            let value = match &t.tok {
                Tok::Str(s) => ParamValue::Quoted(Str::raw_unchecked(s)),
                Tok::Var(v) => {
                    self.var_uses.push(VarUse {
                        name: v.clone(),
                        want_list: false,
                        line: t.line,
                        col: t.col,
                    });
                    ParamValue::Constant(v.clone())
                }
                Tok::Word(w) if is_bare_word(w) => ParamValue::Bare(w.clone()),
                _ => break,
            };
            self.bump();
            params.push(Param {
                connector,
                value,
                span: Span {
                    line: t.line,
                    column: t.col,
                },
            });
        }
        Ok(params)
    }

    fn check_arity(
        &self,
        spec: &RuleSpec,
        params: &[Param],
        type_tok: &Token,
    ) -> Result<(), ParseError> {
        let n = params.len();
        if spec.accepts_param_count(n) {
            return Ok(());
        }
        let got = match n {
            0 => "none".to_string(),
            n => n.to_string(),
        };
        let (line, column) = if n > spec.params.len() && !spec.var_args {
            let s = params[spec.params.len()].span;
            (s.line, s.column)
        } else {
            (type_tok.line, type_tok.col)
        };
        let mut message = format!(
            "{} {}, but got {got}; e.g. {}",
            spec.name,
            spec.describe_params(),
            spec.example
        );
        if n < spec.min_params {
            match &self.peek().tok {
                Tok::Int(x) | Tok::Decimal(x) => {
                    message.push_str(&format!("; a column named {x} must be quoted: \"{x}\""))
                }
                Tok::Word(w) if RESERVED.contains(&w.as_str()) => message.push_str(&format!(
                    "; `{w}` is a DQDL keyword, so a column of that name must be quoted: \"{w}\""
                )),
                _ => {}
            }
        }
        Err(ParseError {
            line,
            column,
            message,
        })
    }

    fn starts_condition(&self) -> bool {
        match &self.peek().tok {
            Tok::P(p) => matches!(
                p,
                Punct::Eq | Punct::Ne | Punct::Bang | Punct::Gt | Punct::Ge | Punct::Lt | Punct::Le
            ),
            Tok::Word(w) => matches!(w.as_str(), "between" | "not" | "in" | "matches"),
            _ => false,
        }
    }

    fn leaf(&mut self) -> Result<Labeled, ParseError> {
        let type_tok = self.peek().clone();
        let spec = self.rule_type(false)?;
        let params = self.params()?;
        self.check_arity(spec, &params, &type_tok)?;
        let kind = spec.condition_for(params.len());
        let mut rule = Rule {
            rule_type: spec.rule_type,
            params,
            condition: None,
            where_clause: None,
            threshold: None,
            tags: Vec::new(),
            span: Span {
                line: type_tok.line,
                column: type_tok.col,
            },
        };
        let starts = self.starts_condition();
        match kind {
            ConditionKind::None if starts => {
                let hint = spec
                    .ratio_variant
                    .map(|r| format!("; to compare the ratio, use {r} instead"))
                    .unwrap_or_default();
                return Err(self.error_at(
                    self.peek(),
                    format!(
                        "{} takes no comparison: it passes or fails by itself{hint}",
                        spec.name
                    ),
                ));
            }
            ConditionKind::None => {}
            ConditionKind::OptionalNumber if !starts => {}
            _ if !starts => {
                let mut e = self.expected(&format!(
                    "a comparison ({} …){}",
                    kind.operators(),
                    kind.operand_hint()
                ));
                if matches!(
                    self.peek().tok,
                    Tok::P(Punct::RParen | Punct::Comma | Punct::RBracket) | Tok::Eof
                ) {
                    e.message.push_str(&format!("; e.g. {}", spec.example));
                }
                return Err(e);
            }
            _ => rule.condition = Some(self.condition(kind, spec)?),
        }
        let mut labels: Option<(Vec<Label>, Token)> = None;
        let mut seen_with = false;
        loop {
            if self.is_word("where") {
                let tok = self.peek().clone();
                if !spec.where_clause {
                    return Err(self.error_at(
                        &tok,
                        format!("{} does not take a `where` clause", spec.name),
                    ));
                }
                if rule.where_clause.is_some() {
                    return Err(self.error_at(
                        &tok,
                        "a second `where`: combine both conditions in one, with AND",
                    ));
                }
                if seen_with || labels.is_some() {
                    return Err(self.error_at(
                        &tok,
                        "`where` goes right after the condition, before `with` and `labels=[…]`",
                    ));
                }
                self.bump();
                let Tok::Str(sql) = self.peek().tok.clone() else {
                    return Err(self.expected("a quoted SQL condition, e.g. where \"amount > 0\""));
                };
                if sql.trim().is_empty() {
                    return Err(self.error_at(self.peek(), "the `where` condition is empty"));
                }
                self.bump();
                rule.where_clause = Some(Str::raw_unchecked(&sql));
            } else if self.is_word("labels") {
                let tok = self.peek().clone();
                if labels.is_some() {
                    return Err(self.error_at(&tok, "this rule already has labels=[…]"));
                }
                labels = Some((self.labels_clause()?, tok));
            } else if self.is_word("with") {
                seen_with = true;
                self.with_clause(spec, &mut rule)?;
            } else {
                break;
            }
        }
        Ok((RuleExpr::Rule(rule), labels))
    }

    fn with_clause(&mut self, spec: &RuleSpec, rule: &mut Rule) -> Result<(), ParseError> {
        self.bump(); // with
        let tok = self.peek().clone();
        match &tok.tok {
            Tok::Word(w) if w.eq_ignore_ascii_case("threshold") => {
                self.bump();
                if !spec.threshold {
                    return Err(self.error_at(
                        &tok,
                        format!(
                            "{} does not take `with threshold` (ColumnValues, ColumnDataType, \
                             CustomSql, FileFreshness and FileSize do)",
                            spec.name
                        ),
                    ));
                }
                if rule.threshold.is_some() {
                    return Err(self.error_at(&tok, "a rule takes only one `with threshold`"));
                }
                if !self.starts_condition() {
                    return Err(self.expected("a comparison such as > 0.9 or between 0.2 and 0.9"));
                }
                rule.threshold = Some(self.condition(ConditionKind::Number, spec)?);
            }
            Tok::Word(w) => {
                let name = w.clone();
                self.bump();
                let value = self.tag_value(&name)?;
                rule.tags.push(Tag { name, value });
            }
            Tok::Str(s) => {
                return Err(self.error_at(
                    &tok,
                    format!("tag names are not quoted: write with {} = …", show(s)),
                ));
            }
            _ => return Err(self.expected("`threshold` or a tag name")),
        }
        Ok(())
    }

    /// `= value` after a tag name.
    fn tag_value(&mut self, name: &str) -> Result<TagValue, ParseError> {
        if !self.is_punct(Punct::Eq) {
            if self.starts_condition() {
                return Err(self.error_at(
                    self.peek(),
                    format!(
                        "`with {name}` takes `=` and a value; only `with threshold` takes other \
                         comparisons"
                    ),
                ));
            }
            return Err(self.expected("`=`"));
        }
        self.bump();
        let t = self.peek().clone();
        let value = match &t.tok {
            Tok::Str(s) => TagValue::Text(Str::raw_unchecked(s)),
            Tok::Int(n) | Tok::Decimal(n) => {
                TagValue::Number(Number::new(n).expect("lexed number"))
            }
            Tok::P(Punct::Minus) => {
                self.bump();
                match &self.peek().tok {
                    Tok::Int(n) | Tok::Decimal(n) => {
                        TagValue::Number(Number::new(&format!("-{n}")).expect("lexed number"))
                    }
                    _ => return Err(self.expected("a number")),
                }
            }
            Tok::Word(w) if is_bare_word(w) => TagValue::Word(w.clone()),
            _ => return Err(self.expected("a quoted value or a number")),
        };
        self.bump();
        Ok(value)
    }

    // ---- conditions ------------------------------------------------------------------

    fn condition(&mut self, kind: ConditionKind, spec: &RuleSpec) -> Result<Condition, ParseError> {
        let tok = self.peek().clone();
        match &tok.tok {
            Tok::P(p) => {
                self.bump();
                let op = match p {
                    Punct::Eq => CompareOp::Eq,
                    Punct::Ne => CompareOp::Ne,
                    Punct::Gt => CompareOp::Gt,
                    Punct::Ge => CompareOp::Ge,
                    Punct::Lt => CompareOp::Lt,
                    Punct::Le => CompareOp::Le,
                    _ => {
                        // `! =` as two tokens, which the reference parser accepts.
                        self.expect(Punct::Eq, "`=` (not equal is written !=)")?;
                        CompareOp::Ne
                    }
                };
                let value = self.compare_operand(kind, op, spec)?;
                Ok(Condition::Compare { op, value })
            }
            Tok::Word(w) => match w.as_str() {
                "between" => {
                    self.bump();
                    self.between(kind, false, spec)
                }
                "in" => {
                    self.bump();
                    self.in_list(kind, false)
                }
                "matches" => {
                    self.bump();
                    self.matches(kind, false, spec, &tok)
                }
                "not" => {
                    self.bump();
                    let t = self.peek().clone();
                    match self.word() {
                        Some("between") => {
                            self.bump();
                            self.between(kind, true, spec)
                        }
                        Some("in") => {
                            self.bump();
                            self.in_list(kind, true)
                        }
                        Some("matches") => {
                            self.bump();
                            self.matches(kind, true, spec, &t)
                        }
                        _ => Err(self.expected("`between`, `in` or `matches`")),
                    }
                }
                _ => unreachable!("starts_condition was checked"),
            },
            _ => unreachable!("starts_condition was checked"),
        }
    }

    /// What a `ColumnValues` operand is, from its first token.
    fn classify(&self) -> Class {
        match &self.peek().tok {
            Tok::Str(s) => {
                if date_literal(s).is_some() {
                    Class::Date
                } else {
                    Class::Text
                }
            }
            Tok::Var(_) => Class::Text,
            Tok::Word(w)
                if matches!(
                    w.as_str(),
                    "empty" | "EMPTY" | "whitespaces_only" | "WHITESPACES_ONLY"
                ) =>
            {
                Class::Text
            }
            Tok::Word(w) if w == "null" || w == "NULL" => Class::Null,
            Tok::Now => Class::Date,
            Tok::P(Punct::LParen) if self.peek_n(1).tok == Tok::Now => Class::Date,
            _ => Class::Number,
        }
    }

    fn compare_operand(
        &mut self,
        kind: ConditionKind,
        op: CompareOp,
        spec: &RuleSpec,
    ) -> Result<Value, ParseError> {
        let eq = matches!(op, CompareOp::Eq | CompareOp::Ne);
        if self.is_null() {
            if matches!(kind, ConditionKind::Duration | ConditionKind::Size) {
                return Err(self.expected("a duration or size (NULL does not apply here)"));
            }
            if !eq {
                return Err(self.error_at(
                    self.peek(),
                    format!(
                        "NULL can only be compared with = or != (`{}` NULL is never true)",
                        op.as_str()
                    ),
                ));
            }
            self.bump();
            return Ok(Value::Null);
        }
        match kind {
            ConditionKind::Number | ConditionKind::OptionalNumber => {
                Ok(Value::Number(self.num_expr()?))
            }
            ConditionKind::Text => {
                if !eq {
                    return Err(self.error_at(
                        &self.toks[self.pos - 1],
                        format!(
                            "{} compares text, so it takes {}, not `{}`",
                            spec.name,
                            ConditionKind::Text.operators(),
                            op.as_str()
                        ),
                    ));
                }
                self.text_operand()
            }
            ConditionKind::Date => self.date_value(),
            ConditionKind::Duration => Ok(Value::Duration(self.duration()?)),
            ConditionKind::Size => Ok(Value::Size(self.size()?)),
            ConditionKind::Values => match self.classify() {
                Class::Text if !eq => Err(self
                    .expected("a number or a date (text is compared with =, !=, in or matches)")),
                Class::Text => self.text_operand(),
                Class::Date => self.date_value(),
                _ => Ok(Value::Number(self.num_expr()?)),
            },
            ConditionKind::None => unreachable!("no condition for this kind"),
        }
    }

    /// A quoted string, `$constant`, `EMPTY` or `WHITESPACES_ONLY`.
    fn text_operand(&mut self) -> Result<Value, ParseError> {
        let t = self.peek().clone();
        let v = match &t.tok {
            Tok::Str(s) => Value::Text(Str::raw_unchecked(s)),
            Tok::Var(name) => {
                self.var_uses.push(VarUse {
                    name: name.clone(),
                    want_list: false,
                    line: t.line,
                    col: t.col,
                });
                Value::Constant(name.clone())
            }
            Tok::Word(w) if w == "empty" || w == "EMPTY" => Value::Empty,
            Tok::Word(w) if w == "whitespaces_only" || w == "WHITESPACES_ONLY" => {
                Value::WhitespacesOnly
            }
            _ => {
                return Err(
                    self.expected("a quoted string, a $constant, NULL, EMPTY or WHITESPACES_ONLY")
                );
            }
        };
        self.bump();
        Ok(v)
    }

    fn between(
        &mut self,
        kind: ConditionKind,
        negated: bool,
        spec: &RuleSpec,
    ) -> Result<Condition, ParseError> {
        let class = match kind {
            ConditionKind::Text => {
                return Err(self.error_at(
                    &self.toks[self.pos - 1],
                    format!(
                        "{} compares text, and `between` takes numbers or dates",
                        spec.name
                    ),
                ));
            }
            ConditionKind::Values => self.classify(),
            _ => Class::Other,
        };
        if self.is_null() {
            return Err(self.error_at(self.peek(), "NULL cannot be a bound of `between`"));
        }
        if class == Class::Text {
            return Err(
                self.expected("a number or a date (text is compared with =, !=, in or matches)")
            );
        }
        let low = self.range_operand(kind, class)?;
        if !self.is_word_in(&["and", "AND"]) {
            return Err(self.expected("`and` between the two bounds"));
        }
        self.bump();
        if self.is_null() {
            return Err(self.error_at(self.peek(), "NULL cannot be a bound of `between`"));
        }
        let high = self.range_operand(kind, class)?;
        Ok(Condition::Between { negated, low, high })
    }

    fn range_operand(&mut self, kind: ConditionKind, class: Class) -> Result<Value, ParseError> {
        match kind {
            ConditionKind::Date => self.date_value(),
            ConditionKind::Duration => Ok(Value::Duration(self.duration()?)),
            ConditionKind::Size => Ok(Value::Size(self.size()?)),
            ConditionKind::Values if class == Class::Date => self.date_value(),
            _ => Ok(Value::Number(self.num_expr()?)),
        }
    }

    fn in_list(&mut self, kind: ConditionKind, negated: bool) -> Result<Condition, ParseError> {
        if let Tok::Var(name) = self.peek().tok.clone() {
            if !matches!(kind, ConditionKind::Text | ConditionKind::Values) {
                return Err(self.error_at(
                    self.peek(),
                    "list constants hold text; write numbers, dates, durations and sizes in the \
                     rule: in [1,2,3]",
                ));
            }
            let t = self.bump();
            self.var_uses.push(VarUse {
                name: name.clone(),
                want_list: true,
                line: t.line,
                col: t.col,
            });
            return Ok(Condition::In {
                negated,
                list: ValueList::Constant(name),
            });
        }
        let open = self.expect(
            Punct::LBracket,
            "a list in square brackets, e.g. in [\"A\",\"B\"]",
        )?;
        if self.is_punct(Punct::RBracket) {
            return Err(self.error_at(&open, "an empty list: `in` needs at least one value"));
        }
        let mut items: Vec<(Value, Token)> = Vec::new();
        loop {
            let t = self.peek().clone();
            let v = self.list_item(kind)?;
            items.push((v, t));
            if self.is_punct(Punct::Comma) {
                let comma = self.bump();
                if self.is_punct(Punct::RBracket) {
                    return Err(self.error_at(&comma, "a comma before `]`: remove the last comma"));
                }
                continue;
            }
            self.expect(Punct::RBracket, "`,` or `]` in the list")?;
            break;
        }
        if kind == ConditionKind::Values {
            self.unify_list(&mut items)?;
        }
        Ok(Condition::In {
            negated,
            list: ValueList::Items(items.into_iter().map(|(v, _)| v).collect()),
        })
    }

    fn list_item(&mut self, kind: ConditionKind) -> Result<Value, ParseError> {
        if self.is_null() && !matches!(kind, ConditionKind::Duration | ConditionKind::Size) {
            self.bump();
            return Ok(Value::Null);
        }
        match kind {
            ConditionKind::Number | ConditionKind::OptionalNumber => {
                Ok(Value::Number(self.num_expr()?))
            }
            ConditionKind::Text => self.text_operand(),
            ConditionKind::Date => self.date_value(),
            ConditionKind::Duration => Ok(Value::Duration(self.duration()?)),
            ConditionKind::Size => Ok(Value::Size(self.size()?)),
            ConditionKind::Values => match self.classify() {
                Class::Text => self.text_operand(),
                Class::Date => self.date_value(),
                _ => Ok(Value::Number(self.num_expr()?)),
            },
            ConditionKind::None => unreachable!("no condition for this kind"),
        }
    }

    /// A `ColumnValues` list holds one kind of value plus NULL. Date-shaped strings in a
    /// list of text are text.
    fn unify_list(&self, items: &mut [(Value, Token)]) -> Result<(), ParseError> {
        let has = |c: Class, items: &[(Value, Token)]| items.iter().any(|(v, _)| class_of(v) == c);
        let number = has(Class::Number, items);
        let text = has(Class::Text, items);
        let date = has(Class::Date, items);
        if number && (text || date) {
            let other = if text { Class::Text } else { Class::Date };
            let (_, tok) = items
                .iter()
                .find(|(v, _)| class_of(v) == other)
                .expect("present");
            let what = if text { "text" } else { "dates" };
            return Err(self.error_at(
                tok,
                format!("a list cannot mix numbers and {what}; quote numbers to compare text"),
            ));
        }
        if text && date {
            for (v, tok) in items.iter_mut() {
                match v {
                    Value::Date(DateExpr::Date(s) | DateExpr::Time(s)) => {
                        *v = Value::Text(Str::raw_unchecked(s));
                    }
                    Value::Date(_) => {
                        return Err(
                            self.error_at(tok, "a list cannot mix text and dates such as now()")
                        );
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn matches(
        &mut self,
        kind: ConditionKind,
        negated: bool,
        spec: &RuleSpec,
        at: &Token,
    ) -> Result<Condition, ParseError> {
        if !matches!(kind, ConditionKind::Text | ConditionKind::Values) {
            return Err(self.error_at(
                at,
                format!(
                    "`matches` applies to text, and {} compares numbers",
                    spec.name
                ),
            ));
        }
        let Tok::Str(pattern) = self.peek().tok.clone() else {
            return Err(self.expected("a quoted regular expression"));
        };
        self.bump();
        Ok(Condition::Matches {
            negated,
            pattern: Str::raw_unchecked(&pattern),
        })
    }

    // ---- operands --------------------------------------------------------------------

    fn date_value(&mut self) -> Result<Value, ParseError> {
        const WHAT: &str =
            "a date (\"2024-01-31\"), a time (\"9:30 AM\"), now() or (now() - 3 days)";
        let t = self.peek().clone();
        match &t.tok {
            Tok::Str(s) => match date_literal(s) {
                Some(d) => {
                    self.bump();
                    Ok(Value::Date(d))
                }
                None if looks_like_date(s) => {
                    Err(self.error_at(&t, format!("\"{s}\" is not a valid date or time")))
                }
                None => Err(self.expected(WHAT)),
            },
            Tok::Now => {
                self.bump();
                if matches!(self.peek().tok, Tok::P(Punct::Plus | Punct::Minus)) {
                    return Err(self.error_at(
                        self.peek(),
                        "date arithmetic needs parentheses: (now() - 3 days)",
                    ));
                }
                Ok(Value::Date(DateExpr::Now))
            }
            Tok::P(Punct::LParen) => {
                self.bump();
                if self.peek().tok != Tok::Now {
                    return Err(
                        self.expected("now() in a date expression such as (now() - 3 days)")
                    );
                }
                self.bump();
                let sign = match self.peek().tok {
                    Tok::P(Punct::Plus) => Sign::Plus,
                    Tok::P(Punct::Minus) => Sign::Minus,
                    _ => return Err(self.expected("`+` or `-`")),
                };
                self.bump();
                let d = self.duration()?;
                self.expect(Punct::RParen, "`)` to close the date expression")?;
                Ok(Value::Date(DateExpr::NowOffset {
                    sign,
                    amount: d.amount,
                    unit: d.unit,
                }))
            }
            _ => Err(self.expected(WHAT)),
        }
    }

    fn whole_number(&mut self, what: &str) -> Result<u64, ParseError> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Int(n) => {
                let v = n
                    .parse::<u64>()
                    .map_err(|_| self.error_at(&t, format!("{n} is too large")))?;
                self.bump();
                Ok(v)
            }
            Tok::Decimal(n) => Err(self.error_at(
                &t,
                format!("{what} are whole numbers: {n} has a fraction; use a smaller unit"),
            )),
            _ => Err(self.expected(&format!("a whole number for {what}"))),
        }
    }

    fn duration(&mut self) -> Result<Duration, ParseError> {
        let amount = self.whole_number("durations")?;
        let unit = match self.word().and_then(DurationUnit::from_word) {
            Some(u) => u,
            None => {
                let mut e = self.expected("`days`, `hours` or `minutes`");
                if let Some(w) = self.word()
                    && let Some(s) = did_you_mean(w, ["days", "hours", "minutes"])
                {
                    e.message.push_str(&format!("; did you mean `{s}`?"));
                }
                return Err(e);
            }
        };
        self.bump();
        Ok(Duration { amount, unit })
    }

    fn size(&mut self) -> Result<Size, ParseError> {
        let amount = self.whole_number("sizes")?;
        let unit = self.word().and_then(SizeUnit::from_word);
        if unit.is_some() {
            self.bump();
        }
        Ok(Size { amount, unit })
    }

    /// `term { (+|-) term }`.
    fn num_expr(&mut self) -> Result<NumExpr, ParseError> {
        let mut left = self.num_term()?;
        loop {
            let op = match self.peek().tok {
                Tok::P(Punct::Plus) => ArithOp::Add,
                Tok::P(Punct::Minus) => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.num_term()?;
            left = NumExpr::binary(op, left, right);
        }
    }

    /// `unary { (*|/) unary }`.
    fn num_term(&mut self) -> Result<NumExpr, ParseError> {
        let mut left = self.num_unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::P(Punct::Star) => ArithOp::Mul,
                Tok::P(Punct::Slash) => ArithOp::Div,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.num_unary()?;
            left = NumExpr::binary(op, left, right);
        }
    }

    fn num_unary(&mut self) -> Result<NumExpr, ParseError> {
        if !self.is_punct(Punct::Minus) {
            return self.num_atom();
        }
        self.bump();
        match self.peek().tok.clone() {
            Tok::Int(n) | Tok::Decimal(n) => {
                self.bump();
                Ok(NumExpr::Number(
                    Number::new(&format!("-{n}")).expect("lexed number"),
                ))
            }
            _ => Err(self.expected("a number (a minus sign only negates a number)")),
        }
    }

    fn num_atom(&mut self) -> Result<NumExpr, ParseError> {
        const WHAT: &str = "a number or an expression such as avg(last(10))";
        let t = self.peek().clone();
        match &t.tok {
            Tok::Int(n) | Tok::Decimal(n) => {
                self.bump();
                Ok(NumExpr::Number(Number::new(n).expect("lexed number")))
            }
            Tok::P(Punct::LParen) => {
                let open = self.bump();
                let e = self.num_expr()?;
                if !self.is_punct(Punct::RParen) {
                    return Err(self.expected(&format!(
                        "`)` to close the `(` on line {}, column {}",
                        open.line, open.col
                    )));
                }
                self.bump();
                Ok(NumExpr::Paren(Box::new(e)))
            }
            Tok::Word(w) if self.peek_n(1).tok == Tok::P(Punct::LParen) && is_bare_word(w) => {
                let name = w.clone();
                self.bump();
                self.bump();
                let mut args = Vec::new();
                if !self.eat(Punct::RParen) {
                    loop {
                        args.push(self.num_expr()?);
                        if self.eat(Punct::Comma) {
                            continue;
                        }
                        self.expect(Punct::RParen, &format!("`,` or `)` in {name}(…)"))?;
                        break;
                    }
                }
                Ok(NumExpr::Call { name, args })
            }
            Tok::Word(w) if w == "null" || w == "NULL" => Err(self.error_at(
                &t,
                "NULL cannot take part in arithmetic; compare with = NULL or != NULL",
            )),
            Tok::Word(w) if looks_like_exponent(w) => Err(self.error_at(
                &t,
                format!("`{w}`: DQDL numbers have no exponent; write the digits out"),
            )),
            Tok::Word(w) if w.starts_with('.') && w[1..].bytes().all(|b| b.is_ascii_digit()) => {
                Err(self.error_at(
                    &t,
                    format!("write 0{w}, not {w}: a number needs a digit before the point"),
                ))
            }
            Tok::Var(_) => {
                Err(self.error_at(&t, "constants hold text and cannot be used as numbers"))
            }
            Tok::Now => Err(self.error_at(&t, "now() is a date; this rule compares numbers")),
            Tok::Word(w) if is_bare_word(w) => {
                let mut e = self.expected(WHAT);
                e.message
                    .push_str(&format!("; text must be quoted: \"{w}\""));
                Err(e)
            }
            _ => Err(self.expected(WHAT)),
        }
    }

    // ---- analyzers -------------------------------------------------------------------

    fn analyzer(&mut self) -> Result<Analyzer, ParseError> {
        let type_tok = self.peek().clone();
        self.ctx_start = type_tok.start;
        let spec = self.rule_type(true)?;
        let params = self.params()?;
        self.check_arity(spec, &params, &type_tok)?;
        if self.starts_condition() {
            return Err(self.error_at(
                self.peek(),
                "analyzers record a statistic and take no comparison; to check it, move the rule \
                 to Rules = [ … ]",
            ));
        }
        for (word, what) in [("where", "a `where` clause"), ("labels", "labels")] {
            if self.is_word(word) {
                return Err(self.error_at(self.peek(), format!("analyzers take no {what}")));
            }
        }
        let mut tags = Vec::new();
        while self.is_word("with") {
            self.bump();
            loop {
                let t = self.peek().clone();
                let name = match &t.tok {
                    Tok::Word(w) if w.eq_ignore_ascii_case("threshold") => {
                        return Err(self.error_at(&t, "analyzers take no threshold"));
                    }
                    Tok::Word(w) => w.clone(),
                    _ => return Err(self.expected("an option name, e.g. bins = 20")),
                };
                self.bump();
                let value = self.tag_value(&name)?;
                tags.push(Tag { name, value });
                // `with bins = 20, rebin = false`: a comma followed by `name =` continues.
                let more = self.is_punct(Punct::Comma)
                    && matches!(self.peek_n(1).tok, Tok::Word(_))
                    && self.peek_n(2).tok == Tok::P(Punct::Eq);
                if !more {
                    break;
                }
                self.bump();
            }
        }
        Ok(Analyzer {
            rule_type: spec.rule_type,
            params,
            tags,
            span: Span {
                line: type_tok.line,
                column: type_tok.col,
            },
        })
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
