//! What SQL from a user's file may do: compute over the tables wort names, nothing else.
//!
//! polars' SQL engine can read files and URLs (`read_csv('/etc/passwd')`,
//! `read_parquet('http://…')`) and run statements that are not queries. A rules file or
//! recipe shared in a repository must not reach beyond the data the command line names,
//! so every SQL text wort evaluates from a user file is parsed here first (with the
//! parser and dialect polars uses, so both see the same tree) and checked against an
//! allow-list:
//!
//! - one statement, and it is a query (`SELECT`, set operations, `WITH`);
//! - every table is a plain name among those wort registered (`primary`, the reference
//!   datasets given with `--ref`) or defined inside the query (a CTE, an aliased
//!   subquery); no table functions, no paths, no qualified names;
//! - every function is a scalar, aggregate or window function from the list below.
//!
//! An expression (`where`, `derive`) may read no table at all.
//!
//! Every text is also measured before any parser sees it ([`check_depth`]): sqlparser
//! builds a chain `a + b + c …` as a tree as deep as it is long, and polars (and the
//! guard's own visitor) recurse over that tree, so a 5,000-term expression overflowed
//! the stack. Parentheses are limited by the parser's recursion limit
//! ([`MAX_PARENS`], the same one polars' parser applies), operator chains by
//! [`MAX_DEPTH`].

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, ObjectName, ObjectNamePart, Query, SelectItem, SetExpr, Statement, TableFactor, Visit,
    Visitor,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::keywords;
use sqlparser::parser::{Parser, ParserOptions};
use sqlparser::tokenizer::{Token, Tokenizer};

/// How deep parentheses may nest: sqlparser's default recursion limit, which polars'
/// own parse of the same text applies too.
pub const MAX_PARENS: usize = 50;

/// How deep the parsed tree of one SQL text may grow: each operator in a chain
/// (`a + b + c`, `x = 1 OR x = 2 OR …`) and each parenthesis counts one level.
pub const MAX_DEPTH: usize = 200;

/// The functions SQL from a user file may call: polars' scalar, aggregate and window
/// functions, none of which reads anything but its arguments.
const FUNCTIONS: &[&str] = &[
    // math
    "abs",
    "acos",
    "acosd",
    "asin",
    "asind",
    "atan",
    "atan2",
    "atan2d",
    "atand",
    "cbrt",
    "ceil",
    "ceiling",
    "cos",
    "cosd",
    "cot",
    "cotd",
    "degrees",
    "div",
    "exp",
    "floor",
    "ln",
    "log",
    "log10",
    "log1p",
    "log2",
    "mod",
    "pi",
    "pow",
    "power",
    "radians",
    "round",
    "sign",
    "sin",
    "sind",
    "sqrt",
    "tan",
    "tand",
    "trunc",
    "truncate",
    // bits
    "bit_and",
    "bit_count",
    "bit_not",
    "bit_or",
    "bit_xor",
    "bitand",
    "bitcount",
    "bitnot",
    "bitor",
    "bitxor",
    "xor",
    // conditional
    "coalesce",
    "greatest",
    "if",
    "ifnull",
    "least",
    "nullif",
    // dates and times
    "date",
    "date_part",
    "datetime",
    "strftime",
    "strptime",
    "time",
    "timestamp",
    // text
    "bit_length",
    "char_length",
    "character_length",
    "concat",
    "concat_ws",
    "ends_with",
    "initcap",
    "left",
    "length",
    "lower",
    "lpad",
    "ltrim",
    "normalize",
    "octet_length",
    "regexp_like",
    "replace",
    "reverse",
    "right",
    "rpad",
    "rtrim",
    "split_part",
    "starts_with",
    "string_to_array",
    "strpos",
    "substr",
    "upper",
    // aggregates
    "array_agg",
    "avg",
    "corr",
    "count",
    "covar",
    "covar_pop",
    "covar_samp",
    "first",
    "group_concat",
    "last",
    "listagg",
    "max",
    "median",
    "min",
    "quantile_cont",
    "quantile_disc",
    "stddev",
    "stddev_samp",
    "stdev",
    "stdev_samp",
    "string_agg",
    "sum",
    "total",
    "var",
    "var_samp",
    "variance",
    // arrays
    "array_contains",
    "array_get",
    "array_length",
    "array_lower",
    "array_mean",
    "array_reverse",
    "array_sum",
    "array_to_string",
    "array_unique",
    "array_upper",
    "unnest",
    // windows
    "dense_rank",
    "first_value",
    "lag",
    "last_value",
    "lead",
    "rank",
    "row_number",
    // column selection by pattern
    "columns",
];

/// Why a SQL text was refused. The text names what was refused, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Check a SQL query from a user file (CustomSql). `tables` are the names wort
/// registered for it; when `None`, any plain table name passes this check (a parse-time
/// check, before the command line's references are known; the evaluation checks again
/// with the real names).
pub fn check_query(sql: &str, tables: Option<&[&str]>) -> Result<(), Refused> {
    check_depth(sql)?;
    // SQL that does not parse is left for polars to explain: it cannot run, so it reads
    // nothing (polars parses with this same parser, version and dialect).
    let Some(mut parser) = parser(sql) else {
        return Ok(());
    };
    let Ok(statements) = parser.parse_statements() else {
        return Ok(());
    };
    // None or several statements: polars refuses to run them ("one (and only one)").
    let [statement] = statements.as_slice() else {
        return Ok(());
    };
    let Statement::Query(query) = statement else {
        return Err(Refused(format!(
            "only a SELECT query may run here, not {}",
            statement_kind(statement)
        )));
    };
    let mut defined = BTreeSet::new();
    defined_names(query, &mut defined);
    let mut v = Guard {
        tables: tables.map(|t| t.iter().map(|s| s.to_ascii_lowercase()).collect()),
        defined,
        expression: false,
    };
    match query.visit(&mut v) {
        ControlFlow::Break(r) => Err(r),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// Check a SQL expression from a user file (`where`, `derive`, a rule's `where`): it
/// may call the listed functions and read no table.
pub fn check_expr(sql: &str) -> Result<(), Refused> {
    check_depth(sql)?;
    // Parsed as polars' `sql_expr` parses it: one select item. A text that does not
    // parse is left for polars to explain (it reads nothing either way).
    let Some(mut parser) = parser(sql) else {
        return Ok(());
    };
    if let Token::Word(w) = &parser.peek_token().token
        && keywords::RESERVED_FOR_COLUMN_ALIAS.contains(&w.keyword)
    {
        return Ok(());
    }
    let Ok(item) = parser.parse_select_item() else {
        return Ok(());
    };
    let mut v = Guard {
        tables: Some(BTreeSet::new()),
        defined: BTreeSet::new(),
        expression: true,
    };
    let found = match &item {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e.visit(&mut v),
        other => other.visit(&mut v),
    };
    match found {
        ControlFlow::Break(r) => Err(r),
        ControlFlow::Continue(()) => Ok(()),
    }
}

fn parser(sql: &str) -> Option<Parser<'static>> {
    Parser::new(&GenericDialect)
        .with_recursion_limit(MAX_PARENS)
        .with_options(ParserOptions {
            trailing_commas: true,
            ..Default::default()
        })
        .try_with_sql(sql)
        .ok()
}

/// Refuse a SQL text whose parsed tree would be too deep to parse or evaluate safely,
/// measured on its tokens alone (no tree is built, nothing recurses): the depth of
/// parentheses, and an upper bound of the tree's depth where each binary operator in a
/// chain adds one level (a comma, `WHEN`, `THEN`, `ELSE` or a clause keyword starts a
/// sibling, not a deeper node). A text that does not tokenize is left for polars to
/// explain, as in the checks above.
pub fn check_depth(sql: &str) -> Result<(), Refused> {
    let Ok(tokens) = Tokenizer::new(&GenericDialect, sql).tokenize() else {
        return Ok(());
    };
    // Operators seen so far at each open parenthesis level (innermost last).
    let mut levels: Vec<usize> = vec![0];
    let mut total = 0usize;
    for t in &tokens {
        match t {
            Token::LParen | Token::LBracket => {
                levels.push(0);
                if levels.len() > MAX_PARENS {
                    return Err(Refused(format!(
                        "the SQL nests parentheses deeper than {MAX_PARENS} levels; remove \
                         redundant parentheses or split the computation into several steps"
                    )));
                }
            }
            Token::RParen | Token::RBracket => {
                if levels.len() > 1 {
                    total -= levels.pop().unwrap_or(0);
                }
            }
            Token::Comma => total -= std::mem::take(levels.last_mut().expect("one level")),
            Token::Word(w) => {
                use keywords::Keyword as K;
                match w.keyword {
                    K::WHEN
                    | K::THEN
                    | K::ELSE
                    | K::END
                    | K::SELECT
                    | K::FROM
                    | K::WHERE
                    | K::HAVING
                    | K::ON
                    | K::BY => total -= std::mem::take(levels.last_mut().expect("one level")),
                    K::AND
                    | K::OR
                    | K::NOT
                    | K::IS
                    | K::LIKE
                    | K::ILIKE
                    | K::IN
                    | K::BETWEEN
                    | K::UNION
                    | K::INTERSECT
                    | K::EXCEPT
                    | K::JOIN => {
                        *levels.last_mut().expect("one level") += 1;
                        total += 1;
                    }
                    _ => {}
                }
            }
            Token::Whitespace(_)
            | Token::Number(..)
            | Token::Char(_)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::Period
            | Token::SemiColon
            | Token::EOF => {}
            _ => {
                *levels.last_mut().expect("one level") += 1;
                total += 1;
            }
        }
        if total + levels.len() > MAX_DEPTH {
            return Err(Refused(format!(
                "the SQL is too deeply nested: a chain of more than {MAX_DEPTH} operators (or \
                 operators inside parentheses) builds a tree too deep to evaluate; split the \
                 computation into several steps, or use `IN (…)` instead of a chain of `OR`s"
            )));
        }
    }
    Ok(())
}

/// Names a query defines for itself: CTEs and aliased subqueries, at any depth.
fn defined_names(query: &Query, out: &mut BTreeSet<String>) {
    struct Names<'a>(&'a mut BTreeSet<String>);
    impl Visitor for Names<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
            if let Some(with) = &q.with {
                for cte in &with.cte_tables {
                    self.0.insert(cte.alias.name.value.to_ascii_lowercase());
                }
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<()> {
            if let TableFactor::Derived { alias: Some(a), .. } = t {
                self.0.insert(a.name.value.to_ascii_lowercase());
            }
            ControlFlow::Continue(())
        }
    }
    let _ = query.visit(&mut Names(out));
}

struct Guard {
    /// The registered tables; `None`: any plain name.
    tables: Option<BTreeSet<String>>,
    /// Names the query defines (CTEs, aliased subqueries).
    defined: BTreeSet<String>,
    /// Checking an expression: no table at all.
    expression: bool,
}

impl Visitor for Guard {
    type Break = Refused;

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<Refused> {
        if self.expression {
            return ControlFlow::Break(Refused(
                "an expression may not hold a query (SELECT …): it computes over the current row only".into(),
            ));
        }
        if let SetExpr::Select(s) = q.body.as_ref()
            && s.into.is_some()
        {
            return ControlFlow::Break(Refused("SELECT … INTO is not allowed here".into()));
        }
        if !matches!(
            q.body.as_ref(),
            SetExpr::Select(_)
                | SetExpr::Query(_)
                | SetExpr::SetOperation { .. }
                | SetExpr::Values(_)
        ) {
            return ControlFlow::Break(Refused("only SELECT queries may run here".into()));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<Refused> {
        match t {
            TableFactor::Table { name, args, .. } => {
                if args.is_some() {
                    return ControlFlow::Break(Refused(format!(
                        "{}(…) reads from outside the data: table functions are not allowed; \
                         query the tables wort names ({})",
                        show_name(name),
                        self.names()
                    )));
                }
                let plain = match name.0.as_slice() {
                    [ObjectNamePart::Identifier(id)] => Some(id.value.to_ascii_lowercase()),
                    _ => None,
                };
                let known = plain.as_ref().is_some_and(|n| {
                    self.defined.contains(n) || self.tables.as_ref().is_none_or(|t| t.contains(n))
                });
                if !known {
                    return ControlFlow::Break(Refused(format!(
                        "the SQL reads the table {}, which is not one wort names: {}",
                        show_name(name),
                        self.names()
                    )));
                }
                ControlFlow::Continue(())
            }
            TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. }
            | TableFactor::UNNEST { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(Refused(format!(
                "the SQL reads from {}, which is not a table wort names: only {} may be read",
                short(&other.to_string()),
                self.names()
            ))),
        }
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<Refused> {
        if let Expr::Function(f) = e {
            let name = match f.name.0.as_slice() {
                [ObjectNamePart::Identifier(id)] => Some(id.value.to_ascii_lowercase()),
                _ => None,
            };
            if !name.as_deref().is_some_and(|n| FUNCTIONS.contains(&n)) {
                return ControlFlow::Break(Refused(format!(
                    "the function {} is not allowed here: SQL in rules and recipes may call \
                     scalar, aggregate and window functions only (abs, lower, coalesce, sum, \
                     row_number, …), nothing that reads files, URLs or the environment",
                    show_name(&f.name)
                )));
            }
        }
        ControlFlow::Continue(())
    }
}

impl Guard {
    fn names(&self) -> String {
        match &self.tables {
            Some(t) if t.is_empty() => "none: an expression reads the current row".into(),
            Some(t) => t.iter().cloned().collect::<Vec<_>>().join(", "),
            None => "primary, and the reference datasets given with --ref".into(),
        }
    }
}

fn show_name(name: &ObjectName) -> String {
    short(&name.to_string())
}

/// At most 60 characters of a piece of the SQL (the user's own text, never data).
fn short(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    format!("a {} statement", words.join(" ").to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_over_named_tables_pass() {
        for sql in [
            "select count(*) from primary",
            "SELECT COUNT(*) FROM primary WHERE \"Body Mass (g)\" > 3000",
            "with t as (select a from primary) select max(a) from t",
            "select a from primary p join ref r on p.a = r.a",
            "select * from (select a from primary) x where a in (select a from x)",
            "select avg(a) over (partition by b order by c) from primary",
            "select a from primary union all select a from ref",
            "select cast(a as int), extract(year from d), trim(s), upper(s) from primary",
        ] {
            assert_eq!(check_query(sql, Some(&["primary", "ref"])), Ok(()), "{sql}");
        }
    }

    #[test]
    fn files_urls_and_other_tables_are_refused() {
        for (sql, says) in [
            (
                "select count(*) from read_csv('/etc/passwd')",
                "read_csv(…) reads from outside",
            ),
            (
                "select * from read_parquet('http://127.0.0.1:8765/x.parquet')",
                "table functions are not allowed",
            ),
            ("select * from read_json('x.json')", "table functions"),
            ("select * from read_ipc('x.arrow')", "table functions"),
            (
                "select * from primary join read_csv('s.txt') on true",
                "read_csv",
            ),
            (
                "select (select max(column_1) from read_csv('secret.txt')) from primary",
                "read_csv",
            ),
            (
                "select * from other",
                "the table other, which is not one wort names: primary",
            ),
            ("select * from main.primary", "main.primary"),
            (
                "select getenv('HOME') from primary",
                "the function getenv is not allowed",
            ),
            ("select pg_read_file('/etc/passwd')", "pg_read_file"),
            (
                "drop table primary",
                "only a SELECT query may run here, not a DROP TABLE statement",
            ),
            (
                "create table t as select * from read_csv('x')",
                "only a SELECT query",
            ),
            ("show tables", "only a SELECT query"),
            ("select * into t from primary", "INTO"),
        ] {
            let err = check_query(sql, Some(&["primary"])).expect_err(sql).0;
            assert!(err.contains(says), "{sql}: {err}");
        }
    }

    #[test]
    fn parse_time_check_allows_any_plain_table() {
        assert_eq!(check_query("select count(*) from myref", None), Ok(()));
        assert!(check_query("select * from read_csv('x')", None).is_err());
    }

    #[test]
    fn expressions_read_no_table() {
        for sql in [
            "a > 1 and lower(b) like 'x%'",
            "\"Body Mass (g)\" IS NOT NULL",
            "coalesce(a, 0) + abs(b)",
            "a in (1, 2, 3)",
            "case when a > 1 then 'x' else 'y' end",
            "x as y",
        ] {
            assert_eq!(check_expr(sql), Ok(()), "{sql}");
        }
        for (sql, says) in [
            (
                "a in (select a from read_csv('/etc/passwd'))",
                "may not hold a query",
            ),
            ("exists (select 1 from primary)", "may not hold a query"),
            ("getenv('HOME') = 'x'", "getenv is not allowed"),
            ("read_csv('x') is null", "read_csv is not allowed"),
            ("a = (select max(a) from primary)", "may not hold a query"),
        ] {
            let err = check_expr(sql).expect_err(sql).0;
            assert!(err.contains(says), "{sql}: {err}");
        }
    }
}
