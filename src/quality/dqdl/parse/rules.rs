//! Rules: composites (`and`/`or`), a rule type with its parameters, `where` and
//! `with` clauses.

use super::*;

impl Parser<'_> {
    // ---- rules -----------------------------------------------------------------------

    pub(super) fn rule_entry(&mut self) -> Result<RuleEntry, ParseError> {
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

    pub(super) fn or_expr(&mut self) -> Result<Labeled, ParseError> {
        let mut ops = vec![self.and_expr()?];
        while self.is_word_in(&["or", "OR"]) {
            self.bump();
            ops.push(self.and_expr()?);
        }
        self.combine(ops, false)
    }

    pub(super) fn and_expr(&mut self) -> Result<Labeled, ParseError> {
        let mut ops = vec![self.primary()?];
        while self.is_word_in(&["and", "AND"]) {
            self.bump();
            ops.push(self.primary()?);
        }
        self.combine(ops, true)
    }

    pub(super) fn combine(&self, mut ops: Vec<Labeled>, and: bool) -> Result<Labeled, ParseError> {
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

    pub(super) fn primary(&mut self) -> Result<Labeled, ParseError> {
        if !self.is_punct(Punct::LParen) {
            return self.leaf();
        }
        let open = self.bump();
        self.deeper(&open)?;
        let (e, labels) = self.or_expr()?;
        self.depth -= 1;
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
    pub(super) fn rule_type(
        &mut self,
        in_analyzers: bool,
    ) -> Result<&'static RuleSpec, ParseError> {
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
    pub(super) fn params(&mut self) -> Result<Vec<Param>, ParseError> {
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

    pub(super) fn check_arity(
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

    pub(super) fn starts_condition(&self) -> bool {
        match &self.peek().tok {
            Tok::P(p) => matches!(
                p,
                Punct::Eq | Punct::Ne | Punct::Bang | Punct::Gt | Punct::Ge | Punct::Lt | Punct::Le
            ),
            Tok::Word(w) => matches!(w.as_str(), "between" | "not" | "in" | "matches"),
            _ => false,
        }
    }

    pub(super) fn leaf(&mut self) -> Result<Labeled, ParseError> {
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

    pub(super) fn with_clause(
        &mut self,
        spec: &RuleSpec,
        rule: &mut Rule,
    ) -> Result<(), ParseError> {
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
    pub(super) fn tag_value(&mut self, name: &str) -> Result<TagValue, ParseError> {
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
}
