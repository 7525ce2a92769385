//! Conditions: comparisons, `between`, `in [...]` lists and `matches`.

use super::*;

impl Parser<'_> {
    // ---- conditions ------------------------------------------------------------------

    pub(super) fn condition(
        &mut self,
        kind: ConditionKind,
        spec: &RuleSpec,
    ) -> Result<Condition, ParseError> {
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
    pub(super) fn classify(&self) -> Class {
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

    pub(super) fn compare_operand(
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
    pub(super) fn text_operand(&mut self) -> Result<Value, ParseError> {
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

    pub(super) fn between(
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

    pub(super) fn range_operand(
        &mut self,
        kind: ConditionKind,
        class: Class,
    ) -> Result<Value, ParseError> {
        match kind {
            ConditionKind::Date => self.date_value(),
            ConditionKind::Duration => Ok(Value::Duration(self.duration()?)),
            ConditionKind::Size => Ok(Value::Size(self.size()?)),
            ConditionKind::Values if class == Class::Date => self.date_value(),
            _ => Ok(Value::Number(self.num_expr()?)),
        }
    }

    pub(super) fn in_list(
        &mut self,
        kind: ConditionKind,
        negated: bool,
    ) -> Result<Condition, ParseError> {
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

    pub(super) fn list_item(&mut self, kind: ConditionKind) -> Result<Value, ParseError> {
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
    pub(super) fn unify_list(&self, items: &mut [(Value, Token)]) -> Result<(), ParseError> {
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

    pub(super) fn matches(
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
}
