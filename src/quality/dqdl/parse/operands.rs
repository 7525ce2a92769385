//! Operands: dates, durations, sizes and numeric expressions.

use super::*;

impl Parser<'_> {
    // ---- operands --------------------------------------------------------------------

    pub(super) fn date_value(&mut self) -> Result<Value, ParseError> {
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

    pub(super) fn whole_number(&mut self, what: &str) -> Result<u64, ParseError> {
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

    pub(super) fn duration(&mut self) -> Result<Duration, ParseError> {
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

    pub(super) fn size(&mut self) -> Result<Size, ParseError> {
        let amount = self.whole_number("sizes")?;
        let unit = self.word().and_then(SizeUnit::from_word);
        if unit.is_some() {
            self.bump();
        }
        Ok(Size { amount, unit })
    }

    /// `term { (+|-) term }`.
    /// Each operator makes the (left-leaning) tree one level deeper, so a chain of
    /// operators counts against [`MAX_DEPTH`](super::MAX_DEPTH) like parentheses do.
    pub(super) fn num_expr(&mut self) -> Result<NumExpr, ParseError> {
        let base = self.depth;
        let mut left = self.num_term()?;
        loop {
            let op = match self.peek().tok {
                Tok::P(Punct::Plus) => ArithOp::Add,
                Tok::P(Punct::Minus) => ArithOp::Sub,
                _ => {
                    self.depth = base;
                    return Ok(left);
                }
            };
            let t = self.bump();
            self.deeper(&t)?;
            let right = self.num_term()?;
            left = NumExpr::binary(op, left, right);
        }
    }

    /// `unary { (*|/) unary }`.
    pub(super) fn num_term(&mut self) -> Result<NumExpr, ParseError> {
        let base = self.depth;
        let mut left = self.num_unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::P(Punct::Star) => ArithOp::Mul,
                Tok::P(Punct::Slash) => ArithOp::Div,
                _ => {
                    self.depth = base;
                    return Ok(left);
                }
            };
            let t = self.bump();
            self.deeper(&t)?;
            let right = self.num_unary()?;
            left = NumExpr::binary(op, left, right);
        }
    }

    pub(super) fn num_unary(&mut self) -> Result<NumExpr, ParseError> {
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

    pub(super) fn num_atom(&mut self) -> Result<NumExpr, ParseError> {
        const WHAT: &str = "a number or an expression such as avg(last(10))";
        let t = self.peek().clone();
        match &t.tok {
            Tok::Int(n) | Tok::Decimal(n) => {
                self.bump();
                Ok(NumExpr::Number(Number::new(n).expect("lexed number")))
            }
            Tok::P(Punct::LParen) => {
                let open = self.bump();
                self.deeper(&open)?;
                let e = self.num_expr()?;
                self.depth -= 1;
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
                let open = self.bump();
                self.deeper(&open)?;
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
                self.depth -= 1;
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
}
