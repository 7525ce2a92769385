//! Tests of the DQDL language layer: reference examples, lenient input, comments,
//! errors, and round-trip properties.

use rstest::rstest;

use super::catalog::CATALOG;
use super::*;

/// Parses, prints, parses again: the two trees are equal and printing is idempotent.
fn round_trip(src: &str) -> (Ruleset, String) {
    let rs = parse(src).unwrap_or_else(|e| panic!("{}\n---\n{src}", e.render(src)));
    let printed = print(&rs);
    let again = parse(&printed).unwrap_or_else(|e| panic!("reparse: {e}\n---\n{printed}"));
    assert_eq!(again, rs, "print then parse changed the tree:\n{printed}");
    assert_eq!(print(&again), printed, "printing is not idempotent");
    (rs, printed)
}

fn err(src: &str) -> ParseError {
    match parse(src) {
        Ok(rs) => panic!("expected an error, parsed:\n{}", print(&rs)),
        Err(e) => e,
    }
}

fn rules(body: &str) -> String {
    format!("Rules = [\n    {body}\n]\n")
}

// ---- the reference's examples ------------------------------------------------------

#[test]
fn every_example_rule_of_the_reference_parses_and_prints_canonically() {
    let text = include_str!("testdata/reference_rules.txt");
    let mut analyzers = false;
    let mut failures = Vec::new();
    let mut lines = text.lines().peekable();
    let mut count = 0;
    while let Some(line) = lines.next() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[analyzers]" {
            analyzers = true;
            continue;
        }
        let expected = match lines.peek() {
            Some(next) if next.starts_with("=> ") => {
                let e = next[3..].to_string();
                lines.next();
                e
            }
            _ => line.to_string(),
        };
        count += 1;
        let printed = if analyzers {
            let src = format!("Analyzers = [ {line} ]");
            match parse(&src) {
                Ok(rs) => {
                    assert_eq!(parse(&print(&rs)).as_ref(), Ok(&rs), "{line}");
                    rs.analyzers.items[0].analyzer.to_string()
                }
                Err(e) => {
                    failures.push(format!("{line}\n    {e}"));
                    continue;
                }
            }
        } else {
            match parse_rule(line) {
                Ok(entry) => {
                    let printed = entry.to_string();
                    assert_eq!(parse_rule(&printed).as_ref(), Ok(&entry), "{line}");
                    printed
                }
                Err(e) => {
                    failures.push(format!("{line}\n    {e}"));
                    continue;
                }
            }
        };
        if printed != expected {
            failures.push(format!(
                "{line}\n    printed  {printed}\n    expected {expected}"
            ));
        }
    }
    assert!(count > 150, "only {count} examples read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[rstest]
#[case("reference_10_1", include_str!("testdata/reference_10_1.dqdl"))]
#[case("reference_10_2", include_str!("testdata/reference_10_2.dqdl"))]
#[case("reference_10_3", include_str!("testdata/reference_10_3.dqdl"))]
#[case("reference_10_4", include_str!("testdata/reference_10_4.dqdl"))]
#[case("reference_10_5", include_str!("testdata/reference_10_5.dqdl"))]
#[case("reference_10_6", include_str!("testdata/reference_10_6.dqdl"))]
#[case("reference_10_7", include_str!("testdata/reference_10_7.dqdl"))]
fn complete_examples_of_the_reference_round_trip(#[case] name: &str, #[case] src: &str) {
    let (rs, printed) = round_trip(src);
    assert!(!rs.rules.items.is_empty());
    insta::assert_snapshot!(name, printed);
    // The JSON form (for reports and the evaluator) round-trips too.
    let json = serde_json::to_string(&rs).unwrap();
    assert_eq!(serde_json::from_str::<Ruleset>(&json).unwrap(), rs);
}

#[test]
fn every_catalogue_example_parses() {
    for spec in CATALOG {
        let src = if spec.analyzer == AnalyzerUse::Only {
            format!("Analyzers = [ {} ]", spec.example)
        } else {
            rules(spec.example)
        };
        let (rs, printed) = round_trip(&src);
        assert!(printed.contains(spec.example), "{}: {printed}", spec.name);
        let ty = match rs.rules.items.first() {
            Some(e) => e.rule.leaves()[0].rule_type,
            None => rs.analyzers.items[0].analyzer.rule_type,
        };
        assert_eq!(ty, spec.rule_type);
    }
}

#[test]
fn the_tree_of_a_rule() {
    let e = parse_rule(
        r#"ColumnValues "colB" in ["A", NULL] where "colC is not null" with threshold > 0.9 with ignoreCase = "true""#,
    )
    .unwrap();
    let RuleExpr::Rule(r) = &e.rule else {
        panic!("a leaf")
    };
    assert_eq!(r.rule_type, RuleType::ColumnValues);
    assert_eq!(r.params[0].literal(), Some("colB"));
    assert_eq!(
        r.condition,
        Some(Condition::In {
            negated: false,
            list: ValueList::Items(vec![Value::text("A"), Value::Null]),
        })
    );
    assert_eq!(
        r.where_clause.as_ref().map(Str::raw),
        Some("colC is not null")
    );
    assert_eq!(
        r.threshold,
        Some(Condition::compare(CompareOp::Gt, Value::number(0.9)))
    );
    assert_eq!(r.tag("ignoreCase").map(TagValue::as_text), Some("true"));
    assert_eq!((r.span.line, r.span.column), (1, 1));
    assert_eq!((r.params[0].span.line, r.params[0].span.column), (1, 14));
}

#[test]
fn dates_and_times_in_strings_are_dates_where_the_reference_says_so() {
    let cond = |src: &str| match parse_rule(src).unwrap().rule {
        RuleExpr::Rule(r) => r.condition.unwrap(),
        _ => panic!(),
    };
    assert_eq!(
        cond(r#"ColumnValues "c" = "2022-01-01""#),
        Condition::compare(
            CompareOp::Eq,
            Value::Date(DateExpr::Date("2022-01-01".into()))
        )
    );
    assert_eq!(
        cond(r#"ColumnValues "c" in ["19:30"]"#),
        Condition::in_list(vec![Value::Date(DateExpr::Time("19:30".into()))])
    );
    // Not a valid date: compared as text.
    assert_eq!(
        cond(r#"ColumnValues "c" != "0000-00-00""#),
        Condition::compare(CompareOp::Ne, Value::text("0000-00-00"))
    );
    // In a list of text, a date-shaped string is text.
    assert_eq!(
        cond(r#"ColumnValues "c" in ["A", "2022-01-01"]"#),
        Condition::in_list(vec![Value::text("A"), Value::text("2022-01-01")])
    );
    // ColumnDataType compares text.
    assert_eq!(
        cond(r#"ColumnDataType "c" = "2022-01-01""#),
        Condition::compare(CompareOp::Eq, Value::text("2022-01-01"))
    );
    assert_eq!(
        cond(r#"ColumnValues "c" between (now() - 3 hours) and now()"#),
        Condition::between(
            Value::Date(DateExpr::NowOffset {
                sign: Sign::Minus,
                amount: 3,
                unit: DurationUnit::Hours
            }),
            Value::Date(DateExpr::Now)
        )
    );
}

#[test]
fn arithmetic_binds_multiplication_tighter_and_keeps_parentheses() {
    let threshold = |src: &str| match parse_rule(src).unwrap().rule {
        RuleExpr::Rule(r) => match r.condition.unwrap() {
            Condition::Compare {
                value: Value::Number(n),
                ..
            } => n,
            c => panic!("{c:?}"),
        },
        _ => panic!(),
    };
    let n = |s: &str| NumExpr::Number(Number::new(s).unwrap());
    assert_eq!(
        threshold("RowCount > 1 + 2 * 3"),
        NumExpr::binary(
            ArithOp::Add,
            n("1"),
            NumExpr::binary(ArithOp::Mul, n("2"), n("3"))
        )
    );
    assert_eq!(
        threshold("RowCount > 10 - 2 - 3").constant_value(),
        Some(5.0)
    );
    assert_eq!(
        threshold("RowCount > (1 + 2) * 3"),
        NumExpr::binary(
            ArithOp::Mul,
            NumExpr::Paren(Box::new(NumExpr::binary(ArithOp::Add, n("1"), n("2")))),
            n("3")
        )
    );
    let dynamic = threshold("RowCount > avg(last(10)) * 0.8");
    assert!(dynamic.is_dynamic());
    assert_eq!(
        dynamic,
        NumExpr::binary(
            ArithOp::Mul,
            NumExpr::call("avg", vec![NumExpr::call("last", vec![n("10")])]),
            n("0.8")
        )
    );
    // A tree built by code without Paren nodes still prints what it means.
    let built = NumExpr::binary(
        ArithOp::Sub,
        n("10"),
        NumExpr::binary(ArithOp::Add, n("2"), n("3")),
    );
    assert_eq!(built.to_string(), "10 - (2 + 3)");
}

#[test]
fn composites_flatten_chains_and_bind_and_tighter_than_or() {
    let entry = parse_rule(
        r#"(RowCount > 0) or (IsComplete "a") and (IsUnique "a") or (ColumnExists "b")"#,
    )
    .unwrap();
    let RuleExpr::Or(ops) = &entry.rule else {
        panic!("{:?}", entry.rule)
    };
    assert_eq!(ops.len(), 3);
    assert!(matches!(&ops[1], RuleExpr::And(v) if v.len() == 2));
    assert_eq!(
        entry.to_string(),
        r#"(RowCount > 0) OR ((IsComplete "a") AND (IsUnique "a")) OR (ColumnExists "b")"#
    );
    let nested = parse_rule(
        r#"((IsComplete "a") and (IsUnique "a")) and ((RowCount > 0) AND (ColumnCount > 1))"#,
    )
    .unwrap();
    assert!(matches!(&nested.rule, RuleExpr::And(v) if v.len() == 4));
    assert_eq!(entry.rule.leaves().len(), 4);
}

#[test]
fn constants_and_labels_resolve_through_the_ruleset() {
    let src = r#"
codes = ["A1", "B\"2", NULL]
sql = "select count(*) from primary"
DefaultLabels = ["team"="finance", "frequency"="monthly"]
Rules = [
    ColumnValues "product_code" in $codes labels=["frequency"="daily"],
    CustomSql $sql = 0
]"#;
    let (rs, _) = round_trip(src);
    let RuleExpr::Rule(r0) = &rs.rules.items[0].rule else {
        panic!()
    };
    let Some(Condition::In { list, .. }) = &r0.condition else {
        panic!()
    };
    let items = rs.list_items(list).unwrap();
    assert_eq!(items.len(), 3);
    let Value::Text(s) = &items[1] else { panic!() };
    assert_eq!((s.raw(), s.unescaped().as_str()), (r#"B\"2"#, "B\"2"));
    let RuleExpr::Rule(r1) = &rs.rules.items[1].rule else {
        panic!()
    };
    assert_eq!(
        rs.param_text(&r1.params[0]),
        Some("select count(*) from primary")
    );
    assert_eq!(
        rs.labels_for(&rs.rules.items[0]),
        vec![
            ("team".to_string(), "finance".to_string()),
            ("frequency".to_string(), "daily".to_string())
        ]
    );
    assert_eq!(rs.labels_for(&rs.rules.items[1]).len(), 2);
}

#[test]
fn metadata_and_data_sources() {
    let src = r#"Metadata = { "Version": "1.0" }
DataSources = { "Primary": "orders", "AdditionalDataSources": [ "ref1", "ref2" ] }
Rules = [ RowCountMatch "ref1" >= 0.9 ]"#;
    let (rs, printed) = round_trip(src);
    assert_eq!(rs.metadata.as_ref().unwrap().version.raw(), "1.0");
    let ds = rs.data_sources.as_ref().unwrap();
    assert_eq!(ds.primary.as_ref().unwrap().raw(), "orders");
    assert_eq!(ds.additional.as_ref().unwrap().len(), 2);
    assert_eq!(
        printed,
        r#"Metadata = {
    "Version": "1.0"
}

DataSources = {
    "Primary": "orders",
    "AdditionalDataSources": [ "ref1", "ref2" ]
}

Rules = [
    RowCountMatch "ref1" >= 0.9
]
"#
    );
}

#[test]
fn spans_point_at_rules_and_parameters() {
    let src = "Rules = [\n    RowCount > 0,\n    (IsComplete \"a\") and\n    (ColumnExists   b)\n]";
    let rs = parse(src).unwrap();
    let spans: Vec<(u32, u32)> = rs
        .rules
        .items
        .iter()
        .flat_map(|e| e.rule.leaves())
        .map(|r| (r.span.line, r.span.column))
        .collect();
    assert_eq!(spans, vec![(2, 5), (3, 6), (4, 6)]);
    let last = rs.rules.items[1].rule.leaves()[1];
    assert_eq!(
        (last.params[0].span.line, last.params[0].span.column),
        (4, 21)
    );
}

#[test]
fn parse_rule_reads_one_rule_with_its_comments() {
    let e = parse_rule("# why\nIsComplete \"id\" labels=[\"k\"=\"v\"] # note").unwrap();
    assert_eq!(e.comments, vec![" why"]);
    assert_eq!(e.trailing_comment.as_deref(), Some(" note"));
    assert_eq!(e.to_string(), r#"IsComplete "id" labels=["k"="v"]"#);
    let err = parse_rule("IsComplete \"id\", RowCount > 0").unwrap_err();
    assert_eq!((err.line, err.column), (1, 16));
    assert!(
        err.message.starts_with("expected the end of the rule"),
        "{err}"
    );
}

#[test]
fn render_counts_lines_like_the_parser() {
    let src = "Rules = [\r    RowCount >\r]";
    let e = err(src);
    assert_eq!(e.line, 3);
    assert!(e.render(src).ends_with("\n  ]\n  ^"), "{}", e.render(src));
}

// ---- lenient input, canonical output ------------------------------------------------

#[rstest]
#[case::crlf(
    "# top\r\nRules = [\r\n    RowCount > 0, # why\r\n    IsComplete \"a\"\r\n]\r\n",
    "# top\nRules = [\n    RowCount > 0, # why\n    IsComplete \"a\"\n]\n"
)]
#[case::lone_cr(
    "Rules = [\r    RowCount > 0,\r    IsComplete \"a\"\r]",
    "Rules = [\n    RowCount > 0,\n    IsComplete \"a\"\n]\n"
)]
#[case::last_line_comment_without_newline(
    "Rules = [ RowCount > 0 ]\n# the end",
    "Rules = [\n    RowCount > 0\n]\n\n# the end\n"
)]
#[case::trailing_comment_without_newline(
    "Rules = [ RowCount > 0 ] # the end",
    "Rules = [\n    RowCount > 0\n]\n\n# the end\n"
)]
#[case::byte_order_mark("\u{feff}Rules = [ RowCount > 0 ]", "Rules = [\n    RowCount > 0\n]\n")]
#[case::no_spaces(
    "Rules=[RowCount>0,IsComplete\"a\"]",
    "Rules = [\n    RowCount > 0,\n    IsComplete \"a\"\n]\n"
)]
#[case::leading_whitespace("  \n\t Rules =[\n RowCount > 0 ]", "Rules = [\n    RowCount > 0\n]\n")]
#[case::bang_space_equals(
    "Rules = [ ColumnValues \"a\" ! = 5 ]",
    "Rules = [\n    ColumnValues \"a\" != 5\n]\n"
)]
#[case::now_with_space(
    "Rules = [ ColumnValues \"d\" > now ( ) ]",
    "Rules = [\n    ColumnValues \"d\" > now()\n]\n"
)]
#[case::labels_before_with(
    "Rules = [ ColumnValues \"a\" in [\"A\"] labels=[\"k\"=\"v\"] with threshold > 0.8 ]",
    "Rules = [\n    ColumnValues \"a\" in [\"A\"] with threshold > 0.8 labels=[\"k\"=\"v\"]\n]\n"
)]
#[case::tags_before_threshold(
    "Rules = [ ColumnValues \"a\" in [\"A\"] with ignoreCase = \"true\" with THRESHOLD > 0.8 ]",
    "Rules = [\n    ColumnValues \"a\" in [\"A\"] with threshold > 0.8 with ignoreCase = \"true\"\n]\n"
)]
#[case::docs_composite_without_inner_parentheses(
    "Rules = [ (IsComplete \"col\" AND RowCount > 0) labels=[\"foo\"=\"bar\"] ]",
    "Rules = [\n    ((IsComplete \"col\") AND (RowCount > 0)) labels=[\"foo\"=\"bar\"]\n]\n"
)]
#[case::parenthesised_single_rule(
    "Rules = [ ((Completeness \"c\" between 0.5 and 0.8)) ]",
    "Rules = [\n    Completeness \"c\" between 0.5 and 0.8\n]\n"
)]
#[case::lower_case_operators_and_keywords(
    "Rules = [ (ColumnValues \"a\" in [null, empty]) or (IsComplete \"b\") ]",
    "Rules = [\n    (ColumnValues \"a\" in [NULL,EMPTY]) OR (IsComplete \"b\")\n]\n"
)]
#[case::distribution_options(
    "Analyzers = [ Distribution \"Salary\" with bins = 20, rebin = false, RowCount ]",
    "Analyzers = [\n    Distribution \"Salary\" with bins = 20, rebin = false,\n    RowCount\n]\n"
)]
#[case::empty_rules_with_analyzers(
    "Rules = [] Analyzers = [ RowCount ]",
    "Analyzers = [\n    RowCount\n]\n"
)]
#[case::date_shaped_parameter(
    "Rules = [ IsComplete \"2024-01-01\" ]",
    "Rules = [\n    IsComplete \"2024-01-01\"\n]\n"
)]
#[case::crlf_inside_a_string(
    "Rules = [ CustomSql \"select count(*)\r\nfrom primary\" > 0 ]",
    "Rules = [\n    CustomSql \"select count(*)\nfrom primary\" > 0\n]\n"
)]
fn lenient_input_prints_canonically(#[case] src: &str, #[case] canonical: &str) {
    let rs = parse(src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(print(&rs), canonical);
    let (again, _) = round_trip(canonical);
    assert_eq!(again, rs);
}

// ---- comments -----------------------------------------------------------------------

#[test]
fn comments_stay_with_their_rules() {
    let src = "# Orders, nightly\n\
               Rules = [\n\
               \x20   # row count from the profile: 1,204 rows\n\
               \x20   RowCount between 1000 and 2000,  # same line\n\
               \x20   IsComplete \"id\", # after the comma\n\
               \x20   # two lines\n\
               \x20   #  of comment\n\
               \x20   ColumnValues \"x\" # inside the rule\n\
               \x20       in [\"a\"] # last one\n\
               \x20   # before the bracket\n\
               ]\n\
               # at the end\n";
    let (rs, printed) = round_trip(src);
    assert_eq!(rs.rules.comments, vec![" Orders, nightly"]);
    let items = &rs.rules.items;
    assert_eq!(
        items[0].comments,
        vec![" row count from the profile: 1,204 rows"]
    );
    assert_eq!(items[0].trailing_comment.as_deref(), Some(" same line"));
    assert_eq!(
        items[1].trailing_comment.as_deref(),
        Some(" after the comma")
    );
    assert_eq!(
        items[2].comments,
        vec![" two lines", "  of comment", " inside the rule"]
    );
    assert_eq!(items[2].trailing_comment.as_deref(), Some(" last one"));
    assert_eq!(rs.rules.end_comments, vec![" before the bracket"]);
    assert_eq!(rs.trailing_comments, vec![" at the end"]);
    assert_eq!(
        printed,
        "# Orders, nightly
Rules = [
    # row count from the profile: 1,204 rows
    RowCount between 1000 and 2000, # same line
    IsComplete \"id\", # after the comma
    # two lines
    #  of comment
    # inside the rule
    ColumnValues \"x\" in [\"a\"] # last one
    # before the bracket
]

# at the end
"
    );
}

#[test]
fn comments_on_every_section_survive() {
    let src = "# m\nMetadata = { \"Version\": \"1.0\" }\n# d\nDataSources = { \"Primary\": \"p\" }\n\
               # c\nname = \"x\" # on c\n# l\nDefaultLabels = [\"a\"=\"b\"] # on l\n\
               Rules = [ CustomSql $name > 0 ]\n# an\nAnalyzers = [\n  # r\n  RowCount # on r\n]";
    let (rs, _) = round_trip(src);
    assert_eq!(rs.metadata.unwrap().comments, vec![" m"]);
    assert_eq!(rs.data_sources.unwrap().comments, vec![" d"]);
    assert_eq!(rs.constants[0].comments, vec![" c"]);
    assert_eq!(rs.constants[0].trailing_comment.as_deref(), Some(" on c"));
    let d = rs.default_labels.unwrap();
    assert_eq!(
        (d.comments, d.trailing_comment),
        (vec![" l".to_string()], Some(" on l".to_string()))
    );
    assert_eq!(rs.analyzers.comments, vec![" an"]);
    assert_eq!(rs.analyzers.items[0].comments, vec![" r"]);
    assert_eq!(
        rs.analyzers.items[0].trailing_comment.as_deref(),
        Some(" on r")
    );
}

#[test]
fn a_suggested_rule_keeps_its_why_comment() {
    let rule = Rule::new(RuleType::Completeness)
        .param("arr_delay")
        .condition(Condition::compare(CompareOp::Ge, Value::number(0.981)));
    let rs = Ruleset::with_rules(vec![
        RuleEntry::new(rule)
            .with_comment("98.3% complete in 5,000 rows; Wilson 95% lower bound 0.981"),
        RuleEntry::new(Rule::new(RuleType::IsComplete).param("id")),
    ]);
    let printed = print(&rs);
    assert_eq!(
        printed,
        "Rules = [
    # 98.3% complete in 5,000 rows; Wilson 95% lower bound 0.981
    Completeness \"arr_delay\" >= 0.981,
    IsComplete \"id\"
]
"
    );
    assert_eq!(parse(&printed).unwrap(), rs);
}

// ---- errors -------------------------------------------------------------------------

#[rstest]
#[case::missing_comparison(
    "Rules = [\n    RowCount > 0,\n    Completeness \"x\",\n]",
    3,
    21,
    "expected a comparison (=, !=, >, >=, <, <=, between, in …) after `Completeness \"x\"`, found `,`"
)]
#[case::missing_comparison_at_end(
    "Rules = [ Completeness \"x\" ]",
    1,
    28,
    "e.g. Completeness \"shipping_address\" > 0.95"
)]
#[case::unknown_rule_type(
    "Rules = [ Completness \"x\" > 0.5 ]",
    1,
    11,
    "unknown rule type `Completness`; did you mean `Completeness`?"
)]
#[case::case_of_rule_type(
    "Rules = [ isComplete \"x\" ]",
    1,
    11,
    "unknown rule type `isComplete`; did you mean `IsComplete`?"
)]
#[case::too_few_parameters(
    "Rules = [ ColumnCorrelation \"a\" > 0.5 ]",
    1,
    11,
    "ColumnCorrelation takes 2 parameters (first column, second column), but got 1; e.g. ColumnCorrelation \"height\" \"weight\" > 0.8"
)]
#[case::too_many_parameters(
    "Rules = [ Completeness \"a\" \"b\" > 0.5 ]",
    1,
    28,
    "Completeness takes 1 parameter (column), but got 2"
)]
#[case::parameter_on_row_count(
    "Rules = [ (RowCount \"id\" > 100) or (IsPrimaryKey \"id\") ]",
    1,
    21,
    "RowCount takes no parameters, but got 1"
)]
#[case::var_args_need_one(
    "Rules = [ IsUnique ]",
    1,
    11,
    "IsUnique takes one or more parameters (column …), but got none"
)]
#[case::keyword_as_column(
    "Rules = [ IsComplete days ]",
    1,
    11,
    "`days` is a DQDL keyword, so a column of that name must be quoted: \"days\""
)]
#[case::digits_as_column(
    "Rules = [ IsComplete 123 ]",
    1,
    11,
    "a column named 123 must be quoted: \"123\""
)]
#[case::condition_on_boolean_rule(
    "Rules = [ IsComplete \"a\" > 0.9 ]",
    1,
    26,
    "IsComplete takes no comparison: it passes or fails by itself; to compare the ratio, use Completeness instead"
)]
#[case::where_not_supported(
    "Rules = [ ColumnCount > 1 where \"a > 1\" ]",
    1,
    27,
    "ColumnCount does not take a `where` clause"
)]
#[case::empty_where(
    "Rules = [ RowCount > 1 where \" \" ]",
    1,
    30,
    "the `where` condition is empty"
)]
#[case::where_after_with(
    "Rules = [ ColumnValues \"a\" > 1 with threshold > 0.5 where \"b\" ]",
    1,
    53,
    "`where` goes right after the condition, before `with` and `labels=[…]`"
)]
#[case::threshold_not_supported(
    "Rules = [ Completeness \"a\" > 0.5 with threshold > 0.9 ]",
    1,
    39,
    "Completeness does not take `with threshold`"
)]
#[case::two_thresholds(
    "Rules = [ ColumnValues \"a\" > 1 with threshold > 0.5 with threshold < 0.9 ]",
    1,
    58,
    "a rule takes only one `with threshold`"
)]
#[case::tag_with_other_operator(
    "Rules = [ FileFreshness > now() with timeZone != \"UTC\" ]",
    1,
    47,
    "`with timeZone` takes `=` and a value; only `with threshold` takes other comparisons"
)]
#[case::missing_and_in_between(
    "Rules = [ RowCount between 1 , 5 ]",
    1,
    30,
    "expected `and` between the two bounds after `RowCount between 1`, found `,`"
)]
#[case::text_between(
    "Rules = [ ColumnValues \"a\" between \"x\" and \"y\" ]",
    1,
    36,
    "expected a number or a date (text is compared with =, !=, in or matches)"
)]
#[case::text_greater_than(
    "Rules = [ ColumnValues \"a\" > \"x\" ]",
    1,
    30,
    "expected a number or a date"
)]
#[case::data_type_greater_than(
    "Rules = [ ColumnDataType \"a\" > \"INTEGER\" ]",
    1,
    30,
    "ColumnDataType compares text, so it takes =, !=, in, matches, not `>`"
)]
#[case::matches_on_numbers(
    "Rules = [ Mean \"a\" matches \"x\" ]",
    1,
    20,
    "`matches` applies to text, and Mean compares numbers"
)]
#[case::null_ordering(
    "Rules = [ ColumnValues \"a\" > NULL ]",
    1,
    30,
    "NULL can only be compared with = or !="
)]
#[case::null_in_arithmetic(
    "Rules = [ RowCount > 1 + NULL ]",
    1,
    26,
    "NULL cannot take part in arithmetic"
)]
#[case::mixed_list(
    "Rules = [ ColumnValues \"a\" in [1, \"2\"] ]",
    1,
    35,
    "a list cannot mix numbers and text"
)]
#[case::empty_list(
    "Rules = [ ColumnValues \"a\" in [] ]",
    1,
    31,
    "an empty list: `in` needs at least one value"
)]
#[case::trailing_comma_in_list(
    "Rules = [ ColumnValues \"a\" in [1,2,] ]",
    1,
    35,
    "a comma before `]`: remove the last comma"
)]
#[case::date_arithmetic_without_parentheses(
    "Rules = [ ColumnValues \"d\" > now() - 3 days ]",
    1,
    36,
    "date arithmetic needs parentheses: (now() - 3 days)"
)]
#[case::unknown_duration_unit(
    "Rules = [ DataFreshness \"d\" <= 2 weeks ]",
    1,
    34,
    "expected `days`, `hours` or `minutes` after `DataFreshness \"d\" <= 2`, found `weeks`"
)]
#[case::duration_without_unit(
    "Rules = [ DataFreshness \"d\" <= 3 ]",
    1,
    34,
    "expected `days`, `hours` or `minutes`"
)]
#[case::fractional_duration(
    "Rules = [ DataFreshness \"d\" <= 1.5 days ]",
    1,
    32,
    "durations are whole numbers"
)]
#[case::invalid_date(
    "Rules = [ ColumnValues \"d\" > \"2022-02-30\" ]",
    1,
    30,
    "expected a number or a date"
)]
#[case::invalid_date_in_date_rule(
    "Rules = [ FileFreshness > \"2022-02-30\" ]",
    1,
    27,
    "\"2022-02-30\" is not a valid date or time"
)]
#[case::exponent(
    "Rules = [ RowCount > 1.5e3 ]",
    1,
    22,
    "`1.5e3`: DQDL numbers have no exponent"
)]
#[case::leading_point("Rules = [ Mean \"a\" > .5 ]", 1, 22, "write 0.5, not .5")]
#[case::unquoted_text(
    "Rules = [ ColumnValues \"a\" = abc ]",
    1,
    30,
    "text must be quoted: \"abc\""
)]
#[case::constant_in_number(
    "Rules = [ RowCount > $n ]",
    1,
    22,
    "constants hold text and cannot be used as numbers"
)]
#[case::unclosed_paren(
    "Rules = [ (RowCount > 0 ]",
    1,
    25,
    "expected `)` to close the `(` on line 1, column 11"
)]
#[case::missing_comma(
    "Rules = [\n  RowCount > 0\n  IsComplete \"a\"\n]",
    3,
    3,
    "expected `,` before the next rule or `]` to end the list after `RowCount > 0`, found `IsComplete`; is a comma missing between two rules?"
)]
#[case::typo_in_where("Rules = [ RowCount > 0 wher \"a\" ]", 1, 24, "did you mean `where`?")]
#[case::trailing_comma(
    "Rules = [ RowCount > 0, ]",
    1,
    23,
    "a comma before `]` ends the Rules list with nothing: remove the last comma"
)]
#[case::trailing_text(
    "Rules = [ RowCount > 0 ] garbage",
    1,
    26,
    "expected another section or the end of the file, found `garbage`"
)]
#[case::rule_outside_the_list(
    "Rules = [ RowCount > 0 ] IsComplete \"a\"",
    1,
    26,
    "`IsComplete` is outside the list"
)]
#[case::no_rules_section("IsComplete \"a\"", 1, 1, "expected `Rules = [` before the first rule")]
#[case::braces(
    "Rules = { RowCount > 0 }",
    1,
    9,
    "`Rules` takes a list in square brackets: Rules = [ … ]"
)]
#[case::section_case(
    "rules = [ RowCount > 0 ]",
    1,
    1,
    "section names are case-sensitive: write `Rules`, not `rules`"
)]
#[case::analyzers_before_rules(
    "Analyzers = [ RowCount ] Rules = [ RowCount > 0 ]",
    1,
    26,
    "`Rules` must come before Analyzers"
)]
#[case::two_rules_sections(
    "Rules = [ RowCount > 0 ]\nRules = [ RowCount > 1 ]",
    2,
    1,
    "a second `Rules` section"
)]
#[case::no_rules("Rules = [ ]", 1, 1, "the ruleset has no rules or analyzers")]
#[case::only_comments("# nothing here\n", 2, 1, "the ruleset has no rules or analyzers")]
#[case::slash_comment(
    "// labels\nRules = [ RowCount > 0 ]",
    1,
    1,
    "`//` does not start a comment in DQDL; comments start with `#`"
)]
#[case::single_quotes("Rules = [ IsComplete 'a' ]", 1, 22, "DQDL strings use double quotes")]
#[case::unclosed_string("Rules = [ IsComplete \"a ]", 1, 22, "this string is never closed")]
#[case::labels_inside_composite(
    "Rules = [ (RowCount > 0 labels=[\"a\"=\"b\"]) and (IsComplete \"x\") ]",
    1,
    25,
    "labels belong to a whole rule, not to a part of a composite"
)]
#[case::labels_after_bare_composite(
    "Rules = [ (RowCount > 0) and (IsComplete \"x\") labels=[\"a\"=\"b\"] ]",
    1,
    47,
    "labels belong to a whole rule"
)]
#[case::empty_labels("Rules = [ RowCount > 0 labels=[] ]", 1, 31, "an empty label list")]
#[case::empty_label_value(
    "Rules = [ RowCount > 0 labels=[\"a\"=\"\"] ]",
    1,
    32,
    "label keys and values cannot be empty"
)]
#[case::duplicate_label(
    "Rules = [ RowCount > 0 labels=[\"a\"=\"1\", \"a\"=\"2\"] ]",
    1,
    41,
    "the label key \"a\" appears twice"
)]
#[case::too_many_labels(
    "DefaultLabels = [\"1\"=\"x\",\"2\"=\"x\",\"3\"=\"x\",\"4\"=\"x\",\"5\"=\"x\",\"6\"=\"x\",\"7\"=\"x\",\"8\"=\"x\",\"9\"=\"x\"]\nRules = [ RowCount > 0 labels=[\"a\"=\"1\", \"b\"=\"2\"] ]",
    2,
    24,
    "this rule would carry 11 labels counting DefaultLabels; the limit is 10"
)]
#[case::undefined_constant(
    "x = \"a\"\nRules = [ CustomSql $y > 0 ]",
    2,
    21,
    "the constant `$y` is not defined"
)]
#[case::constant_typo(
    "codes = [\"a\"]\nRules = [ ColumnValues \"c\" in $code ]",
    2,
    31,
    "did you mean `$codes`?"
)]
#[case::text_constant_in_in(
    "codes = \"a\"\nRules = [ ColumnValues \"c\" in $codes ]",
    2,
    31,
    "`$codes` holds text, but `in` needs a list constant"
)]
#[case::list_constant_as_parameter(
    "sql = [\"a\"]\nRules = [ CustomSql $sql > 0 ]",
    2,
    21,
    "`$sql` holds a list"
)]
#[case::number_constant(
    "min_count = 100\nRules = [ RowCount > 0 ]",
    1,
    13,
    "constants hold text or lists of text"
)]
#[case::nested_constant(
    "a = \"x\"\nb = [$a]\nRules = [ RowCount > 0 ]",
    2,
    6,
    "a constant cannot refer to another constant"
)]
#[case::duplicate_constant(
    "a = \"x\"\na = \"y\"\nRules = [ RowCount > 0 ]",
    2,
    1,
    "the constant `a` is already defined on line 1"
)]
#[case::constant_name(
    "_a = \"x\"\nRules = [ RowCount > 0 ]",
    1,
    1,
    "constant names cannot start with `.` or `_`"
)]
#[case::constant_after_rules(
    "Rules = [ RowCount > 0 ]\na = \"x\"",
    2,
    1,
    "the constant `a` must come before Rules"
)]
#[case::metadata_key(
    "Metadata = { \"Author\": \"me\" }\nRules = [ RowCount > 0 ]",
    1,
    14,
    "unsupported key \"Author\" in Metadata"
)]
#[case::empty_metadata(
    "Metadata = {}\nRules = [ RowCount > 0 ]",
    1,
    12,
    "`Metadata` is empty"
)]
#[case::data_sources_list(
    "DataSources = { \"AdditionalDataSources\": \"r\" }\nRules = [ RowCount > 0 ]",
    1,
    17,
    "takes a list"
)]
#[case::analyzer_in_rules(
    "Rules = [ Distribution \"a\" ]",
    1,
    11,
    "Distribution is an analyzer, not a rule"
)]
#[case::boolean_analyzer(
    "Analyzers = [ IsComplete \"a\" ]",
    1,
    15,
    "IsComplete passes or fails and records no statistic, so it cannot be an analyzer (Completeness records the ratio)"
)]
#[case::analyzer_condition(
    "Analyzers = [ RowCount > 0 ]",
    1,
    24,
    "analyzers record a statistic and take no comparison"
)]
#[case::not_without_operator(
    "Rules = [ ColumnValues \"a\" not = 1 ]",
    1,
    32,
    "expected `between`, `in` or `matches` after `ColumnValues \"a\" not`, found `=`"
)]
#[case::unexpected_character("Rules = [ RowCount > 0 ; ]", 1, 24, "unexpected character `;`")]
#[case::error_after_multibyte(
    "Rules = [ IsComplete \"é\" > 1 ]",
    1,
    26,
    "IsComplete takes no comparison"
)]
fn syntax_errors_name_line_column_and_what_was_expected(
    #[case] src: &str,
    #[case] line: u32,
    #[case] column: u32,
    #[case] message: &str,
) {
    let e = err(src);
    assert!(
        e.message.contains(message),
        "message:\n  {}\nexpected to contain:\n  {message}",
        e.message
    );
    assert_eq!((e.line, e.column), (line, column), "{}", e.render(src));
    assert!(!e.message.contains('\n'), "one paragraph: {}", e.message);
}

#[test]
fn errors_render_with_the_line_and_a_caret() {
    let src = "Rules = [\n    Completeness \"x\" >\n]";
    let e = err(src);
    assert_eq!(
        e.render(src),
        "line 3, column 1: expected a number or an expression such as avg(last(10)) after \
         `Completeness \"x\" >`, found `]`\n  ]\n  ^"
    );
    assert_eq!(
        e.to_string(),
        "line 3, column 1: expected a number or an expression such as avg(last(10)) after \
         `Completeness \"x\" >`, found `]`"
    );
}

#[test]
fn unknown_rule_types_without_a_close_match_list_some() {
    let e = err("Rules = [ Frobnicate \"x\" ]");
    assert!(
        e.message
            .starts_with("unknown rule type `Frobnicate`; rule types include RowCount"),
        "{}",
        e.message
    );
}

mod properties;
