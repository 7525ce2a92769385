//! The canonical DQDL printer (reference §9).
//!
//! Each rule prints as the reference printer writes it: parameters quoted iff they were
//! quoted, connector words kept, numbers as written, binary operators with single spaces,
//! calls as `f(a,b)`, explicit parentheses kept, `in [a,b]` without spaces, keywords
//! (`NULL`, `EMPTY`, `WHITESPACES_ONLY`) upper-case, composite operands each in
//! parentheses with `AND` / `OR`, then `where`, `with threshold`, other tags, and labels
//! last. The document puts one rule per line inside `Rules = [ … ]` with a 4-space
//! indent and keeps comments: lines before an item stay before it, a comment on an
//! item's line stays on that line.
//!
//! Where the reference printer is silent or loses information, the choices are:
//! `DefaultLabels=[…]` is printed (the reference forgets it), constants are printed
//! before it as `name = "text"` / `name = ["a", "b"]`, sections are separated by a blank
//! line, and the file ends with a newline.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use super::parse::is_bare_word;

/// The canonical text of a ruleset. `parse(&print(&rs)) == Ok(rs)` for every ruleset
/// that `parse` returned, and printing is idempotent.
pub fn print(rs: &Ruleset) -> String {
    rs.to_string()
}

const INDENT: &str = "    ";

fn comment_lines(out: &mut String, comments: &[String], indent: &str) {
    for c in comments {
        let _ = writeln!(out, "{indent}#{c}");
    }
}

fn trailing(out: &mut String, c: &Option<String>) {
    if let Some(c) = c {
        let _ = write!(out, " #{c}");
    }
}

impl Display for Ruleset {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut blocks: Vec<String> = Vec::new();
        if let Some(m) = &self.metadata {
            let mut b = String::new();
            comment_lines(&mut b, &m.comments, "");
            let _ = write!(
                b,
                "Metadata = {{\n{INDENT}\"Version\": \"{}\"\n}}",
                m.version.raw()
            );
            blocks.push(b);
        }
        if let Some(d) = &self.data_sources {
            let mut b = String::new();
            comment_lines(&mut b, &d.comments, "");
            b.push_str("DataSources = {\n");
            let mut lines = Vec::new();
            if let Some(p) = &d.primary {
                lines.push(format!("{INDENT}\"Primary\": \"{}\"", p.raw()));
            }
            if let Some(a) = &d.additional {
                let names: Vec<String> = a.iter().map(|s| format!("\"{}\"", s.raw())).collect();
                lines.push(format!(
                    "{INDENT}\"AdditionalDataSources\": [ {} ]",
                    names.join(", ")
                ));
            }
            b.push_str(&lines.join(",\n"));
            b.push_str("\n}");
            blocks.push(b);
        }
        if !self.constants.is_empty() {
            let mut b = String::new();
            for (i, c) in self.constants.iter().enumerate() {
                if i > 0 {
                    b.push('\n');
                }
                comment_lines(&mut b, &c.comments, "");
                let _ = write!(b, "{} = ", c.name);
                match &c.value {
                    ConstantValue::Text(s) => {
                        let _ = write!(b, "\"{}\"", s.raw());
                    }
                    ConstantValue::List(items) => {
                        let items: Vec<String> = items.iter().map(|v| v.to_string()).collect();
                        let _ = write!(b, "[{}]", items.join(", "));
                    }
                }
                trailing(&mut b, &c.trailing_comment);
            }
            blocks.push(b);
        }
        if let Some(d) = &self.default_labels {
            let mut b = String::new();
            comment_lines(&mut b, &d.comments, "");
            let _ = write!(b, "DefaultLabels={}", LabelList(&d.labels));
            trailing(&mut b, &d.trailing_comment);
            blocks.push(b);
        }
        if self.rules.is_present() {
            blocks.push(section("Rules", &self.rules, |e| e.to_string()));
        }
        if self.analyzers.is_present() {
            blocks.push(section("Analyzers", &self.analyzers, |e| {
                e.analyzer.to_string()
            }));
        }
        if !self.trailing_comments.is_empty() {
            let mut b = String::new();
            comment_lines(&mut b, &self.trailing_comments, "");
            b.pop();
            blocks.push(b);
        }
        if blocks.is_empty() {
            return Ok(());
        }
        writeln!(f, "{}", blocks.join("\n\n"))
    }
}

/// Access to an entry's comments, for [`section`].
trait Entry {
    fn comments(&self) -> &[String];
    fn trailing(&self) -> &Option<String>;
}

impl Entry for RuleEntry {
    fn comments(&self) -> &[String] {
        &self.comments
    }
    fn trailing(&self) -> &Option<String> {
        &self.trailing_comment
    }
}

impl Entry for AnalyzerEntry {
    fn comments(&self) -> &[String] {
        &self.comments
    }
    fn trailing(&self) -> &Option<String> {
        &self.trailing_comment
    }
}

fn section<T: Entry>(name: &str, s: &Section<T>, text: impl Fn(&T) -> String) -> String {
    let mut b = String::new();
    comment_lines(&mut b, &s.comments, "");
    let _ = writeln!(b, "{name} = [");
    let n = s.items.len();
    for (i, item) in s.items.iter().enumerate() {
        comment_lines(&mut b, item.comments(), INDENT);
        b.push_str(INDENT);
        b.push_str(&text(item));
        if i + 1 < n {
            b.push(',');
        }
        trailing(&mut b, item.trailing());
        b.push('\n');
    }
    comment_lines(&mut b, &s.end_comments, INDENT);
    b.push(']');
    b
}

struct LabelList<'a>(&'a [Label]);

impl Display for LabelList<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, l) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{}\"=\"{}\"", l.key.raw(), l.value.raw())?;
        }
        f.write_char(']')
    }
}

impl Display for RuleEntry {
    /// The rule as one line, with its labels, without comments: the rule's text in
    /// reports.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.labels.is_empty() {
            return write!(f, "{}", self.rule);
        }
        if self.rule.is_composite() {
            write!(f, "({})", self.rule)?;
        } else {
            write!(f, "{}", self.rule)?;
        }
        write!(f, " labels={}", LabelList(&self.labels))
    }
}

impl Display for RuleExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (ops, sep) = match self {
            RuleExpr::Rule(r) => return write!(f, "{r}"),
            RuleExpr::And(v) => (v, " AND "),
            RuleExpr::Or(v) => (v, " OR "),
        };
        for (i, op) in ops.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            write!(f, "({op})")?;
        }
        Ok(())
    }
}

impl Display for Rule {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.rule_type.name())?;
        for p in &self.params {
            write!(f, " {p}")?;
        }
        if let Some(c) = &self.condition {
            write!(f, " {c}")?;
        }
        if let Some(w) = &self.where_clause {
            write!(f, " where \"{}\"", w.raw())?;
        }
        if let Some(t) = &self.threshold {
            write!(f, " with threshold {t}")?;
        }
        for t in &self.tags {
            write!(f, " with {} = {}", t.name, t.value)?;
        }
        Ok(())
    }
}

impl Display for Analyzer {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.rule_type.name())?;
        for p in &self.params {
            write!(f, " {p}")?;
        }
        for (i, t) in self.tags.iter().enumerate() {
            let lead = if i == 0 { " with " } else { ", " };
            write!(f, "{lead}{} = {}", t.name, t.value)?;
        }
        Ok(())
    }
}

impl Display for Param {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.connector {
            write!(f, "{} ", c.as_str())?;
        }
        match &self.value {
            ParamValue::Quoted(s) => write!(f, "\"{}\"", s.raw()),
            // A bare name that would not read back as one (built by code) is quoted.
            ParamValue::Bare(s) if is_bare_word(s) => f.write_str(s),
            ParamValue::Bare(s) => write!(f, "\"{}\"", Str::escaped(s).raw()),
            ParamValue::Constant(name) => write!(f, "${name}"),
        }
    }
}

impl Display for TagValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            TagValue::Text(s) => write!(f, "\"{}\"", s.raw()),
            TagValue::Number(n) => f.write_str(n.text()),
            TagValue::Word(w) => f.write_str(w),
        }
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let not = |negated: bool| if negated { "not " } else { "" };
        match self {
            Condition::Compare { op, value } => write!(f, "{} {value}", op.as_str()),
            Condition::Between { negated, low, high } => {
                write!(f, "{}between {low} and {high}", not(*negated))
            }
            Condition::In { negated, list } => {
                write!(f, "{}in ", not(*negated))?;
                match list {
                    ValueList::Constant(name) => write!(f, "${name}"),
                    ValueList::Items(items) => {
                        f.write_char('[')?;
                        for (i, v) in items.iter().enumerate() {
                            if i > 0 {
                                f.write_char(',')?;
                            }
                            write!(f, "{v}")?;
                        }
                        f.write_char(']')
                    }
                }
            }
            Condition::Matches { negated, pattern } => {
                write!(f, "{}matches \"{}\"", not(*negated), pattern.raw())
            }
        }
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(s) => write!(f, "\"{}\"", s.raw()),
            Value::Constant(name) => write!(f, "${name}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::Duration(d) => write!(f, "{d}"),
            Value::Size(s) => write!(f, "{s}"),
            Value::Null => f.write_str("NULL"),
            Value::Empty => f.write_str("EMPTY"),
            Value::WhitespacesOnly => f.write_str("WHITESPACES_ONLY"),
        }
    }
}

impl Display for DateExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DateExpr::Date(s) | DateExpr::Time(s) => write!(f, "\"{s}\""),
            DateExpr::Now => f.write_str("now()"),
            DateExpr::NowOffset { sign, amount, unit } => {
                let s = match sign {
                    Sign::Plus => '+',
                    Sign::Minus => '-',
                };
                write!(f, "(now() {s} {amount} {})", unit.as_str())
            }
        }
    }
}

impl Display for Duration {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.as_str())
    }
}

impl Display for Size {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.unit {
            Some(u) => write!(f, "{} {}", self.amount, u.as_str()),
            None => write!(f, "{}", self.amount),
        }
    }
}

impl Display for Number {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl Display for NumExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NumExpr::Number(n) => f.write_str(n.text()),
            NumExpr::Call { name, args } => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_char(')')
            }
            NumExpr::Paren(e) => write!(f, "({e})"),
            NumExpr::Binary { op, left, right } => {
                // Parentheses the tree needs but does not record (a tree built by code):
                // a looser operator below, or an equal one on the right.
                let wrap = |e: &NumExpr, right_side: bool| match e {
                    NumExpr::Binary { op: inner, .. } => {
                        inner.precedence() < op.precedence()
                            || (right_side && inner.precedence() == op.precedence())
                    }
                    _ => false,
                };
                if wrap(left, false) {
                    write!(f, "({left})")?;
                } else {
                    write!(f, "{left}")?;
                }
                write!(f, " {} ", op.as_str())?;
                if wrap(right, true) {
                    write!(f, "({right})")
                } else {
                    write!(f, "{right}")
                }
            }
        }
    }
}
