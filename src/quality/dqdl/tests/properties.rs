//! Properties of the DQDL parser and printer over generated rulesets.

use proptest::prelude::*;

use super::*;

// ---- properties ---------------------------------------------------------------------

mod generate {
    use proptest::prelude::*;

    use super::super::parse::{date_literal, is_bare_word};
    use super::super::*;

    pub fn comment() -> impl Strategy<Value = String> {
        "[ -~é]{0,16}".prop_map(|s| s.trim_end().to_string())
    }

    fn comments() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(comment(), 0..3)
    }

    /// Raw string text with escapes, never a valid date or time.
    pub fn raw() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                6 => "[a-zA-Z0-9 _.,:;'!?*+()#$%-]",
                1 => Just("\\\\".to_string()),
                1 => Just("\\\"".to_string()),
                1 => Just("é".to_string()),
                1 => Just("\n".to_string()),
            ],
            0..10,
        )
        .prop_map(|v| {
            let s = v.concat();
            if date_literal(&s).is_some() {
                format!("{s}x")
            } else {
                s
            }
        })
    }

    fn text() -> impl Strategy<Value = Str> {
        raw().prop_map(|s| Str::from_raw(&s).expect("valid raw"))
    }

    fn nonblank() -> impl Strategy<Value = Str> {
        raw().prop_map(|s| Str::from_raw(&format!("a{s}")).expect("valid raw"))
    }

    pub fn word() -> impl Strategy<Value = String> {
        "[a-zA-Z][a-zA-Z0-9_.]{0,8}".prop_filter("a bare word, not a rule type", |w| {
            is_bare_word(w) && RuleType::from_name(w).is_none() && w != "now"
        })
    }

    fn number() -> impl Strategy<Value = Number> {
        (any::<bool>(), 0u32..100_000, prop::option::of(0u32..1000)).prop_map(|(neg, i, f)| {
            let sign = if neg { "-" } else { "" };
            let text = match f {
                Some(f) => format!("{sign}{i}.{f}"),
                None => format!("{sign}{i}"),
            };
            Number::new(&text).expect("valid number")
        })
    }

    fn arith() -> impl Strategy<Value = ArithOp> {
        prop_oneof![
            Just(ArithOp::Add),
            Just(ArithOp::Sub),
            Just(ArithOp::Mul),
            Just(ArithOp::Div)
        ]
    }

    /// A binary node with the parentheses the printer would need recorded as `Paren`.
    fn binary(op: ArithOp, l: NumExpr, r: NumExpr) -> NumExpr {
        let needs = |e: &NumExpr, right: bool| match e {
            NumExpr::Binary { op: inner, .. } => {
                inner.precedence() < op.precedence()
                    || (right && inner.precedence() == op.precedence())
            }
            _ => false,
        };
        let wrap = |e: NumExpr, right: bool| {
            if needs(&e, right) {
                NumExpr::Paren(Box::new(e))
            } else {
                e
            }
        };
        NumExpr::binary(op, wrap(l, false), wrap(r, true))
    }

    pub fn num_expr() -> impl Strategy<Value = NumExpr> {
        let leaf = prop_oneof![
            3 => number().prop_map(NumExpr::Number),
            1 => (1u32..20).prop_map(|k| NumExpr::call("avg", vec![NumExpr::call("last", vec![NumExpr::Number(Number::new(&k.to_string()).unwrap())])])),
            1 => Just(NumExpr::call("last", vec![])),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                (arith(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| binary(op, l, r)),
                inner.clone().prop_map(|e| NumExpr::Paren(Box::new(e))),
                (word(), prop::collection::vec(inner, 0..3))
                    .prop_map(|(name, args)| NumExpr::Call { name, args }),
            ]
        })
    }

    fn date() -> impl Strategy<Value = DateExpr> {
        let unit = prop_oneof![
            Just(DurationUnit::Days),
            Just(DurationUnit::Hours),
            Just(DurationUnit::Minutes)
        ];
        prop_oneof![
            (2000u32..2030, 1u32..=12, 1u32..=28)
                .prop_map(|(y, m, d)| DateExpr::Date(format!("{y:04}-{m:02}-{d:02}"))),
            (1u32..=12, 0u32..60, any::<bool>()).prop_map(|(h, m, pm)| DateExpr::Time(format!(
                "{h}:{m:02} {}",
                if pm { "PM" } else { "AM" }
            ))),
            (0u32..24, 0u32..60).prop_map(|(h, m)| DateExpr::Time(format!("{h:02}:{m:02}"))),
            Just(DateExpr::Now),
            (any::<bool>(), 0u64..1000, unit).prop_map(|(plus, amount, unit)| {
                DateExpr::NowOffset {
                    sign: if plus { Sign::Plus } else { Sign::Minus },
                    amount,
                    unit,
                }
            }),
        ]
    }

    fn duration() -> impl Strategy<Value = Duration> {
        (
            0u64..1000,
            prop_oneof![
                Just(DurationUnit::Days),
                Just(DurationUnit::Hours),
                Just(DurationUnit::Minutes)
            ],
        )
            .prop_map(|(amount, unit)| Duration { amount, unit })
    }

    fn size() -> impl Strategy<Value = Size> {
        let unit = prop_oneof![
            Just(None),
            Just(Some(SizeUnit::B)),
            Just(Some(SizeUnit::KB)),
            Just(Some(SizeUnit::MB)),
            Just(Some(SizeUnit::GB)),
            Just(Some(SizeUnit::TB)),
        ];
        (0u64..10_000, unit).prop_map(|(amount, unit)| Size { amount, unit })
    }

    fn compare_op() -> impl Strategy<Value = CompareOp> {
        prop_oneof![
            Just(CompareOp::Eq),
            Just(CompareOp::Ne),
            Just(CompareOp::Gt),
            Just(CompareOp::Ge),
            Just(CompareOp::Lt),
            Just(CompareOp::Le)
        ]
    }

    #[derive(Debug, Clone, Copy)]
    enum Operand {
        Number,
        Date,
        Duration,
        Size,
    }

    fn operand(kind: Operand) -> BoxedStrategy<Value> {
        match kind {
            Operand::Number => num_expr().prop_map(Value::Number).boxed(),
            Operand::Date => date().prop_map(Value::Date).boxed(),
            Operand::Duration => duration().prop_map(Value::Duration).boxed(),
            Operand::Size => size().prop_map(Value::Size).boxed(),
        }
    }

    /// Conditions over ordered values (numbers, dates, durations, sizes).
    fn ordered(kind: Operand) -> BoxedStrategy<Condition> {
        let nullable = !matches!(kind, Operand::Duration | Operand::Size);
        let item = if nullable {
            prop_oneof![4 => operand(kind), 1 => Just(Value::Null)].boxed()
        } else {
            operand(kind)
        };
        let mut options = vec![
            (
                3,
                (compare_op(), operand(kind))
                    .prop_map(|(op, value)| Condition::Compare { op, value })
                    .boxed(),
            ),
            (
                2,
                (any::<bool>(), operand(kind), operand(kind))
                    .prop_map(|(negated, low, high)| Condition::Between { negated, low, high })
                    .boxed(),
            ),
            (
                2,
                (any::<bool>(), prop::collection::vec(item, 1..4))
                    .prop_map(|(negated, v)| Condition::In {
                        negated,
                        list: ValueList::Items(v),
                    })
                    .boxed(),
            ),
        ];
        if nullable {
            options.push((
                1,
                any::<bool>()
                    .prop_map(|ne| Condition::Compare {
                        op: if ne { CompareOp::Ne } else { CompareOp::Eq },
                        value: Value::Null,
                    })
                    .boxed(),
            ));
        }
        prop::strategy::Union::new_weighted(options).boxed()
    }

    fn text_value(consts: bool) -> BoxedStrategy<Value> {
        let mut options = vec![
            (4, text().prop_map(Value::Text).boxed()),
            (1, Just(Value::Empty).boxed()),
            (1, Just(Value::WhitespacesOnly).boxed()),
        ];
        if consts {
            options.push((1, Just(Value::Constant("c_text".into())).boxed()));
        }
        prop::strategy::Union::new_weighted(options).boxed()
    }

    fn text_condition(consts: bool) -> BoxedStrategy<Condition> {
        let eq = prop_oneof![Just(CompareOp::Eq), Just(CompareOp::Ne)];
        let item = prop_oneof![4 => text_value(consts), 1 => Just(Value::Null)];
        let list = if consts {
            prop_oneof![
                3 => prop::collection::vec(item, 1..4).prop_map(ValueList::Items),
                1 => Just(ValueList::Constant("c_list".into())),
            ]
            .boxed()
        } else {
            prop::collection::vec(item, 1..4)
                .prop_map(ValueList::Items)
                .boxed()
        };
        prop_oneof![
            (
                eq,
                prop_oneof![4 => text_value(consts), 1 => Just(Value::Null)]
            )
                .prop_map(|(op, value)| Condition::Compare { op, value }),
            (any::<bool>(), list).prop_map(|(negated, list)| Condition::In { negated, list }),
            (any::<bool>(), text())
                .prop_map(|(negated, pattern)| Condition::Matches { negated, pattern }),
        ]
        .boxed()
    }

    fn condition(kind: ConditionKind, consts: bool) -> BoxedStrategy<Condition> {
        match kind {
            ConditionKind::Number | ConditionKind::OptionalNumber => ordered(Operand::Number),
            ConditionKind::Text => text_condition(consts),
            ConditionKind::Date => ordered(Operand::Date),
            ConditionKind::Duration => ordered(Operand::Duration),
            ConditionKind::Size => ordered(Operand::Size),
            ConditionKind::Values => prop_oneof![
                ordered(Operand::Number),
                ordered(Operand::Date),
                text_condition(consts),
            ]
            .boxed(),
            ConditionKind::None => unreachable!(),
        }
    }

    fn param(consts: bool) -> BoxedStrategy<Param> {
        let connector = prop_oneof![
            4 => Just(None),
            1 => Just(Some(Connector::Of)),
            1 => Just(Some(Connector::OfUpper)),
            1 => Just(Some(Connector::And)),
            1 => Just(Some(Connector::AndUpper)),
        ];
        let mut values = vec![
            (3, text().prop_map(ParamValue::Quoted).boxed()),
            (1, word().prop_map(ParamValue::Bare).boxed()),
        ];
        if consts {
            values.push((1, Just(ParamValue::Constant("c_text".into())).boxed()));
        }
        (connector, prop::strategy::Union::new_weighted(values))
            .prop_map(|(connector, value)| Param {
                connector,
                value,
                span: Span::default(),
            })
            .boxed()
    }

    fn tag() -> impl Strategy<Value = Tag> {
        let value = prop_oneof![
            text().prop_map(TagValue::Text),
            number().prop_map(TagValue::Number),
            word().prop_map(TagValue::Word),
        ];
        (
            word().prop_filter("not threshold", |w| !w.eq_ignore_ascii_case("threshold")),
            value,
        )
            .prop_map(|(name, value)| Tag { name, value })
    }

    fn rule_types(analyzers: bool) -> Vec<RuleType> {
        CATALOG
            .iter()
            .filter(|s| {
                if analyzers {
                    s.analyzer != AnalyzerUse::No
                } else {
                    s.analyzer != AnalyzerUse::Only
                }
            })
            .map(|s| s.rule_type)
            .collect()
    }

    fn params_for(spec: &'static RuleSpec, consts: bool) -> BoxedStrategy<Vec<Param>> {
        let max = if spec.var_args {
            spec.params.len() + 2
        } else {
            spec.params.len()
        };
        prop::collection::vec(param(consts), spec.min_params..=max).boxed()
    }

    fn rule(consts: bool) -> BoxedStrategy<Rule> {
        prop::sample::select(rule_types(false))
            .prop_flat_map(move |t| {
                let spec = t.spec();
                params_for(spec, consts).prop_flat_map(move |params| {
                    let kind = spec.condition_for(params.len());
                    let cond = match kind {
                        ConditionKind::None => Just(None).boxed(),
                        ConditionKind::OptionalNumber => {
                            prop::option::of(condition(kind, consts)).boxed()
                        }
                        k => condition(k, consts).prop_map(Some).boxed(),
                    };
                    let where_clause = if spec.where_clause {
                        prop::option::of(nonblank()).boxed()
                    } else {
                        Just(None).boxed()
                    };
                    let threshold = if spec.threshold {
                        prop::option::of(ordered(Operand::Number)).boxed()
                    } else {
                        Just(None).boxed()
                    };
                    (
                        Just(params),
                        cond,
                        where_clause,
                        threshold,
                        prop::collection::vec(tag(), 0..2),
                    )
                        .prop_map(
                            move |(params, condition, where_clause, threshold, tags)| Rule {
                                rule_type: spec.rule_type,
                                params,
                                condition,
                                where_clause,
                                threshold,
                                tags,
                                span: Span::default(),
                            },
                        )
                })
            })
            // SQL that reads beyond the data is refused by the parser (guard::sql).
            .prop_filter("SQL the guard accepts", |r| {
                crate::quality::dqdl::parse::check_rule_sql(r, |p| p.literal()).is_ok()
            })
            .boxed()
    }

    fn flatten(e: RuleExpr) -> RuleExpr {
        match e {
            RuleExpr::Rule(r) => RuleExpr::Rule(r),
            RuleExpr::And(v) => RuleExpr::And(
                v.into_iter()
                    .map(flatten)
                    .flat_map(|x| match x {
                        RuleExpr::And(inner) => inner,
                        x => vec![x],
                    })
                    .collect(),
            ),
            RuleExpr::Or(v) => RuleExpr::Or(
                v.into_iter()
                    .map(flatten)
                    .flat_map(|x| match x {
                        RuleExpr::Or(inner) => inner,
                        x => vec![x],
                    })
                    .collect(),
            ),
        }
    }

    fn rule_expr(consts: bool) -> impl Strategy<Value = RuleExpr> {
        rule(consts)
            .prop_map(RuleExpr::Rule)
            .prop_recursive(3, 8, 3, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 2..4).prop_map(RuleExpr::And),
                    prop::collection::vec(inner, 2..4).prop_map(RuleExpr::Or),
                ]
            })
            .prop_map(flatten)
    }

    fn labels(max: usize) -> impl Strategy<Value = Vec<Label>> {
        prop::collection::vec((nonblank(), nonblank()), 0..=max).prop_map(|pairs| {
            let mut out: Vec<Label> = Vec::new();
            for (key, value) in pairs {
                if !out.iter().any(|l| l.key == key) {
                    out.push(Label { key, value });
                }
            }
            out
        })
    }

    fn rule_entry(consts: bool) -> impl Strategy<Value = RuleEntry> {
        (
            comments(),
            rule_expr(consts),
            labels(3),
            prop::option::of(comment()),
        )
            .prop_map(|(comments, rule, labels, trailing_comment)| RuleEntry {
                comments,
                rule,
                labels,
                trailing_comment,
            })
    }

    fn analyzer_entry() -> impl Strategy<Value = AnalyzerEntry> {
        prop::sample::select(rule_types(true)).prop_flat_map(|t| {
            (
                comments(),
                params_for(t.spec(), false),
                prop::collection::vec(tag(), 0..3),
                prop::option::of(comment()),
            )
                .prop_map(move |(comments, params, tags, trailing_comment)| {
                    AnalyzerEntry {
                        comments,
                        analyzer: Analyzer {
                            rule_type: t,
                            params,
                            tags,
                            span: Span::default(),
                        },
                        trailing_comment,
                    }
                })
        })
    }

    fn section<T: std::fmt::Debug + Clone>(
        items: impl Strategy<Value = Vec<T>>,
    ) -> impl Strategy<Value = Section<T>> {
        (comments(), items, comments()).prop_map(|(comments, items, end_comments)| Section {
            comments,
            items,
            end_comments,
        })
    }

    pub fn ruleset() -> impl Strategy<Value = Ruleset> {
        any::<bool>().prop_flat_map(|consts| {
            let metadata = prop::option::of(
                (comments(), text()).prop_map(|(comments, version)| Metadata { comments, version }),
            );
            let sources = prop::option::of(
                (
                    comments(),
                    prop::option::of(text()),
                    prop::option::of(prop::collection::vec(text(), 1..3)),
                )
                    .prop_filter("at least one key", |(_, p, a)| p.is_some() || a.is_some())
                    .prop_map(|(comments, primary, additional)| DataSources {
                        comments,
                        primary,
                        additional,
                    }),
            );
            let constants = if consts {
                (
                    comments(),
                    text(),
                    prop::option::of(comment()),
                    prop::collection::vec(text_value(false), 1..4),
                )
                    .prop_map(|(comments, t, trailing, list)| {
                        vec![
                            Constant {
                                comments,
                                name: "c_text".into(),
                                value: ConstantValue::Text(t),
                                trailing_comment: trailing,
                                span: Span::default(),
                            },
                            Constant {
                                comments: Vec::new(),
                                name: "c_list".into(),
                                value: ConstantValue::List(list),
                                trailing_comment: None,
                                span: Span::default(),
                            },
                        ]
                    })
                    .boxed()
            } else {
                Just(Vec::new()).boxed()
            };
            let defaults = prop::option::of(
                (comments(), labels(3), prop::option::of(comment()))
                    .prop_filter("non-empty", |(_, l, _)| !l.is_empty())
                    .prop_map(|(comments, labels, trailing_comment)| DefaultLabels {
                        comments,
                        labels,
                        trailing_comment,
                    }),
            );
            (
                metadata,
                sources,
                constants,
                defaults,
                section(prop::collection::vec(rule_entry(consts), 1..5)),
                section(prop::collection::vec(analyzer_entry(), 0..3)),
                prop::collection::vec(comment(), 0..2),
            )
                .prop_map(
                    |(
                        metadata,
                        data_sources,
                        constants,
                        default_labels,
                        rules,
                        analyzers,
                        trailing_comments,
                    )| {
                        Ruleset {
                            metadata,
                            data_sources,
                            constants,
                            default_labels,
                            rules,
                            analyzers,
                            trailing_comments,
                        }
                    },
                )
        })
    }
}

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        // 400 by default; PROPTEST_CASES=20000 for a longer run.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(400),
        // Keep failures next to the tests (paths are relative to the crate root).
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "src/quality/dqdl/testdata/proptest-regressions.txt",
            ),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    /// print → parse gives the same tree, printing is idempotent, and the JSON form
    /// round-trips.
    #[test]
    fn printed_rulesets_parse_back_to_the_same_tree(rs in generate::ruleset()) {
        let printed = print(&rs);
        let parsed = parse(&printed);
        prop_assert!(parsed.is_ok(), "{}\n---\n{printed}", parsed.unwrap_err().render(&printed));
        let parsed = parsed.unwrap();
        prop_assert_eq!(&parsed, &rs, "{}", printed);
        prop_assert_eq!(print(&parsed), printed);
        let json = serde_json::to_string(&rs).unwrap();
        prop_assert_eq!(serde_json::from_str::<Ruleset>(&json).unwrap(), rs);
    }

    /// Any text: parsing never panics, and whatever parses round-trips.
    #[test]
    fn any_text_parses_or_errors_without_panicking(src in "[ -~\t\n\r\"#é]{0,80}") {
        if let Ok(rs) = parse(&src) {
            let printed = print(&rs);
            prop_assert_eq!(parse(&printed), Ok(rs));
        }
    }

    /// Valid documents with one character removed, replaced or inserted: never a
    /// panic; whatever still parses round-trips; errors point inside the text.
    #[test]
    fn damaged_rulesets_error_cleanly(
        rs in generate::ruleset(),
        at in any::<prop::sample::Index>(),
        ch in "[ -~\n]",
        mode in 0..3u8,
    ) {
        let mut chars: Vec<char> = print(&rs).chars().collect();
        let i = at.index(chars.len());
        let c = ch.chars().next().unwrap();
        match mode {
            0 => { chars.remove(i); }
            1 => chars[i] = c,
            _ => chars.insert(i, c),
        }
        let src: String = chars.into_iter().collect();
        match parse(&src) {
            Ok(parsed) => {
                let printed = print(&parsed);
                prop_assert_eq!(parse(&printed), Ok(parsed));
            }
            Err(e) => {
                let lines = src.split('\n').count() as u32;
                prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e}");
                prop_assert!(e.column >= 1, "{e}");
                prop_assert!(!e.message.contains('\n'), "{e}");
            }
        }
    }
}
