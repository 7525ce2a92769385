//! The Analyzers section's entries.

use super::*;

impl Parser<'_> {
    // ---- analyzers -------------------------------------------------------------------

    pub(super) fn analyzer(&mut self) -> Result<Analyzer, ParseError> {
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
