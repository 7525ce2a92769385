//! The sections before the rules: Metadata, DataSources, constants, DefaultLabels,
//! and labels.

use super::*;

impl Parser<'_> {
    // ---- Metadata, DataSources, constants, DefaultLabels ------------------------------

    /// `= { "key": "value" | ["a", …], … }`, returning (key token, key, value).
    pub(super) fn dictionary(
        &mut self,
        name: &str,
    ) -> Result<Vec<(Token, String, DictValue)>, ParseError> {
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

    pub(super) fn metadata(&mut self, comments: Vec<String>) -> Result<Metadata, ParseError> {
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

    pub(super) fn data_sources(
        &mut self,
        comments: Vec<String>,
    ) -> Result<DataSources, ParseError> {
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

    pub(super) fn constant(
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

    pub(super) fn constant_number_error(&self) -> ParseError {
        self.error_at(
            self.peek(),
            "constants hold text or lists of text; write numbers directly in the rule \
             (RowCount > 100)",
        )
    }

    pub(super) fn default_labels(
        &mut self,
        comments: Vec<String>,
    ) -> Result<DefaultLabels, ParseError> {
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
    pub(super) fn label_list(&mut self) -> Result<Vec<Label>, ParseError> {
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

    pub(super) fn labels_clause(&mut self) -> Result<Vec<Label>, ParseError> {
        self.bump(); // labels
        self.expect(
            Punct::Eq,
            "`=` (labels are written labels=[\"team\"=\"finance\"])",
        )?;
        self.label_list()
    }

    pub(super) fn check_constants(&self, rs: &Ruleset) -> Result<(), ParseError> {
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
}
