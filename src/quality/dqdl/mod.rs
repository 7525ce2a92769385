//! DQDL: parse, print and describe rulesets.
//!
//! ```
//! use wort::quality::dqdl;
//!
//! let rs = dqdl::parse("Rules = [ IsComplete \"id\", Completeness \"email\" > 0.9 ]").unwrap();
//! assert_eq!(
//!     dqdl::print(&rs),
//!     "Rules = [\n    IsComplete \"id\",\n    Completeness \"email\" > 0.9\n]\n"
//! );
//! ```
//!
//! - [`ast`]: the [`Ruleset`] tree (serde-serialisable) and helpers to walk it.
//! - [`parse`] / [`parse_rule`]: text to tree, checked against the [`catalog`]; errors
//!   name the line and column and what was expected.
//! - [`print`] (also `Display` on every node): the canonical text. For every ruleset
//!   `rs` returned by `parse`, `parse(&print(&rs)) == Ok(rs)`.
//! - [`catalog`]: every rule type, its parameters, condition kind, clauses and a doc line.
//!
//! Lenient input, canonical output (reference §1, §2, §3): CRLF or CR line ends, a
//! comment on the last line without a newline, a byte-order mark, `! =`, `now ()`,
//! `labels=[…]` before or after the `with` clauses, the Distribution analyzer's
//! `with bins = 20, rebin = false`, unparenthesised operands of a composite as in the
//! AWS documentation (`(IsComplete "a" AND RowCount > 0)`), and quoted parameters that
//! look like dates are all accepted; the printer writes the reference form. What the
//! reference calls invalid is rejected: a trailing comma, trailing text after the last
//! section, sections out of order, `//` comments, `now() - 1 days` without
//! parentheses, keywords as unquoted column names.
//!
//! One deliberate difference: in numeric expressions `*` and `/` bind tighter than `+`
//! and `-` (the reference parser gives all four one precedence, so it reads
//! `1 + 2 * 3` as `(1 + 2) * 3`). Printing keeps the written structure, so the text
//! round-trips either way.

pub mod ast;
pub mod catalog;
mod lex;
mod parse;
mod print;

pub use ast::*;
pub use catalog::{
    AnalyzerUse, CATALOG, ConditionKind, Origin, ParamRole, ParamSpec, RuleSpec, RuleType,
};
pub use parse::{parse, parse_rule};
pub use print::print;

/// A DQDL syntax or validation error at a line and column (1-based, columns counted
/// in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    /// One paragraph: what was expected, after what, and what was found.
    pub message: String,
}

impl ParseError {
    /// The error followed by the offending source line and a caret under the column.
    pub fn render(&self, src: &str) -> String {
        // Lines as the lexer counts them: LF, CRLF or a lone CR ends a line.
        let text = src.replace("\r\n", "\n");
        let line = text
            .split(['\n', '\r'])
            .nth(self.line.saturating_sub(1) as usize)
            .unwrap_or("");
        let caret = " ".repeat(self.column.saturating_sub(1) as usize);
        format!("{self}\n  {line}\n  {caret}^")
    }
}

/// Read and parse a ruleset file. The error is one paragraph naming the file, the line
/// and column, with the offending line and a caret, and says to fix it there.
pub fn load(path: &std::path::Path) -> Result<(String, Ruleset), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("reading rules {}: {e}", path.display()))?;
    let rules = parse(&text).map_err(|e| {
        format!(
            "rules {}: {}\nFix the rule there and run again.",
            path.display(),
            e.render(&text)
        )
    })?;
    Ok((text, rules))
}

#[cfg(test)]
mod tests;
