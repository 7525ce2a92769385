//! Steps that read other datasets or run a query over the frame: join, union, sql.
//!
//! `join` and `union` name other files as the recipe writes them (a path relative to
//! the recipe file, or absolute); the caller resolves them ([`super::Tables`]), and
//! `--input NAME=PATH` rebinds one, in `wort run` and in the exported job alike.
//!
//! Row order, the same in wort and in the PySpark job: a join keeps this table's rows in
//! order, each followed by its matches in the other file's order, then (right and full
//! joins) the other file's unmatched rows in its order; a right join follows the other
//! file's order instead. A union gives this table's rows, then each file's in turn.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl, type_name};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_list, py_str, spark_sql};

/// How a join keeps rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JoinHow {
    /// Only rows with a match on both sides.
    Inner,
    /// Every row of this table; the other file's columns are missing where nothing matches.
    Left,
    /// Every row of the other file; this table's columns are missing where nothing matches.
    Right,
    /// Every row of both sides.
    Full,
    /// The rows of this table that have a match (no columns added).
    Semi,
    /// The rows of this table that have no match (no columns added).
    Anti,
}

impl JoinHow {
    fn name(self) -> &'static str {
        match self {
            JoinHow::Inner => "inner",
            JoinHow::Left => "left",
            JoinHow::Right => "right",
            JoinHow::Full => "full",
            JoinHow::Semi => "semi",
            JoinHow::Anti => "anti",
        }
    }
    /// Whether the other file's columns are added.
    fn adds_columns(self) -> bool {
        !matches!(self, JoinHow::Semi | JoinHow::Anti)
    }
}

fn default_suffix() -> String {
    "_right".into()
}

fn is_default_suffix(s: &str) -> bool {
    s == "_right"
}

/// Join another file on key columns. Missing keys never match (as in SQL). The keys
/// come out once, under this table's names (from whichever side has them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Join {
    /// The other file: a path relative to the recipe file, or absolute. Read with the
    /// same sniffing as any input; `--input NAME=PATH` reads another file instead (NAME:
    /// this text, or its file stem).
    pub right: String,
    /// The key columns of this table (and of the other file, unless `right_on` names them).
    pub on: OneOrMany,
    /// The other file's key columns, when their names differ (as many as `on`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right_on: Option<OneOrMany>,
    /// inner, left, right, full, semi or anti.
    pub how: JoinHow,
    /// Added to the names of the other file's columns that this table already has.
    #[serde(default = "default_suffix", skip_serializing_if = "is_default_suffix")]
    pub suffix: String,
}

/// The join's plan, worked out from both schemas.
struct JoinPlan {
    left_keys: Vec<String>,
    right_keys: Vec<String>,
    /// The other file's non-key columns: (name there, name in the output).
    right_cols: Vec<(String, String)>,
}

impl JoinPlan {
    /// Each key pair, cast to the type both sides meet at: this table's key (`None`
    /// when it has that type already) and the other file's, named as this table's.
    fn key_exprs(&self, left: &Schema, right: &Schema) -> Vec<(Option<Expr>, Expr)> {
        self.left_keys
            .iter()
            .zip(&self.right_keys)
            .map(|(l, r)| {
                let lt = left.get(l).cloned().unwrap_or(DataType::Null);
                let rt = right.get(r).cloned().unwrap_or(DataType::Null);
                let common = widen(&lt, &rt).unwrap_or(lt.clone());
                let right_key = col(r.as_str()).cast(common.clone()).alias(l.as_str());
                let left_key = (common != lt).then(|| col(l.as_str()).cast(common));
                (left_key, right_key)
            })
            .collect()
    }
}

impl Join {
    fn right_keys(&self) -> Vec<String> {
        self.right_on.as_ref().unwrap_or(&self.on).to_vec()
    }

    /// The plan, or every problem with the parameters against both schemas.
    fn plan(&self, left: &Schema, right: &Schema) -> Result<JoinPlan, Vec<String>> {
        let mut problems = Vec::new();
        let left_keys = self.on.to_vec();
        let right_keys = self.right_keys();
        if left_keys.is_empty() {
            problems.push("\"on\" names no column; give the key columns".to_string());
        }
        if left_keys.len() != right_keys.len() {
            problems.push(format!(
                "\"on\" has {} column(s) and \"right_on\" {}; give one key of the other file per key of this table",
                left_keys.len(),
                right_keys.len()
            ));
        }
        for (l, r) in left_keys.iter().zip(&right_keys) {
            let lt = left.get(l);
            let rt = right.get(r);
            if lt.is_none() {
                problems.push(format!(
                    "key \"{l}\" is not a column of this table{}",
                    crate::util::suggestion_suffix(l, left.iter_names().map(|n| n.as_str()))
                ));
            }
            if rt.is_none() {
                problems.push(format!(
                    "key \"{r}\" is not a column of {}{}",
                    self.right,
                    crate::util::suggestion_suffix(r, right.iter_names().map(|n| n.as_str()))
                ));
            }
            if let (Some(lt), Some(rt)) = (lt, rt)
                && key_class(lt) != key_class(rt)
            {
                problems.push(format!(
                    "key \"{l}\" is {} here and \"{r}\" is {} in {}; add a cast step (or cast the other file) so both are the same kind",
                    type_name(lt),
                    type_name(rt),
                    self.right
                ));
            }
        }
        let mut right_cols = Vec::new();
        if self.how.adds_columns() {
            for name in right.iter_names() {
                if right_keys.iter().any(|k| k == name.as_str()) {
                    continue;
                }
                let out = if left.contains(name) {
                    format!("{name}{}", self.suffix)
                } else {
                    name.to_string()
                };
                if left.contains(&out) || right_cols.iter().any(|(_, o)| *o == out) {
                    problems.push(format!(
                        "column \"{name}\" of {} would be called \"{out}\", which exists already; choose another \"suffix\"",
                        self.right
                    ));
                }
                right_cols.push((name.to_string(), out));
            }
        }
        if problems.is_empty() {
            Ok(JoinPlan {
                left_keys,
                right_keys,
                right_cols,
            })
        } else {
            Err(problems)
        }
    }
}

/// How the rows of both sides match, before a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MatchCounts {
    pub left_matched: u64,
    pub left_only: u64,
    pub right_matched: u64,
    pub right_only: u64,
}

impl Join {
    /// How many rows of each side have a match on the other (missing keys never match).
    pub fn match_counts(&self, left: LazyFrame, cx: &ApplyCx) -> PolarsResult<MatchCounts> {
        let mut right = cx.table(&self.right)?;
        let right_schema = right.collect_schema()?;
        let plan = self
            .plan(cx.schema, &right_schema)
            .map_err(|p| polars_err!(ComputeError: "{}", p.join("; ")))?;
        // Both sides' keys under this table's names, cast to the type they meet at.
        let (lk, rk): (Vec<Expr>, Vec<Expr>) = plan
            .key_exprs(cx.schema, &right_schema)
            .into_iter()
            .zip(&plan.left_keys)
            .map(|((l, r), name)| (l.unwrap_or_else(|| col(name.as_str())), r))
            .unzip();
        let names: Vec<Expr> = plan.left_keys.iter().map(|k| col(k.as_str())).collect();
        let left = left.select(lk);
        let right = right.select(rk);
        let count = |lf: LazyFrame, other: LazyFrame, how: JoinType| -> PolarsResult<u64> {
            let df = lf
                .join(other, names.clone(), names.clone(), JoinArgs::new(how))
                .select([len().cast(DataType::UInt64).alias("n")])
                .collect()?;
            Ok(df.column("n")?.u64()?.get(0).unwrap_or(0))
        };
        let distinct = |lf: &LazyFrame| lf.clone().unique(None, UniqueKeepStrategy::Any);
        Ok(MatchCounts {
            left_matched: count(left.clone(), distinct(&right), JoinType::Semi)?,
            left_only: count(left.clone(), distinct(&right), JoinType::Anti)?,
            right_matched: count(right.clone(), distinct(&left), JoinType::Semi)?,
            right_only: count(right, distinct(&left), JoinType::Anti)?,
        })
    }
}

/// Keys join when they are of the same kind: numbers with numbers, text with text...
fn key_class(dt: &DataType) -> &'static str {
    match dt {
        d if d.is_primitive_numeric() => "number",
        DataType::String | DataType::Categorical(..) | DataType::Enum(..) => "text",
        DataType::Date | DataType::Datetime(..) => "date",
        DataType::Boolean => "bool",
        _ => "other",
    }
}

impl StepImpl for Join {
    fn describe(&self) -> String {
        let keys = self.on.to_vec().join(", ");
        let right_keys = match &self.right_on {
            Some(r) => format!(" = {}", r.to_vec().join(", ")),
            None => String::new(),
        };
        format!(
            "{} join {} on {keys}{right_keys}",
            self.how.name(),
            self.right
        )
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn tables(&self) -> Vec<String> {
        vec![self.right.clone()]
    }
    fn check(&self, cx: &mut CheckCx) {
        if self.suffix.is_empty() && self.how.adds_columns() {
            cx.problem("\"suffix\" is empty; give a text added to clashing names, like \"_right\"");
        }
        let Some(right) = cx.table_schema("right", &self.right) else {
            return;
        };
        let shown = cx.tables.map(|t| t.shown(&self.right));
        let this = Join {
            right: shown.unwrap_or_else(|| self.right.clone()),
            ..self.clone()
        };
        if let Err(problems) = this.plan(cx.schema, &right) {
            for p in problems {
                cx.problem(p);
            }
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let mut right = cx.table(&self.right)?;
        let right_schema = right.collect_schema()?;
        let plan = self
            .plan(cx.schema, &right_schema)
            .map_err(|p| polars_err!(ComputeError: "{}", p.join("; ")))?;
        // The other file with its columns renamed as they come out, and its keys named
        // (and typed) as this table's.
        let mut right_exprs: Vec<Expr> = Vec::new();
        let mut left_exprs: Vec<Expr> = Vec::new();
        for (l, r) in plan.key_exprs(cx.schema, &right_schema) {
            right_exprs.push(r);
            left_exprs.extend(l);
        }
        for (r, out) in &plan.right_cols {
            right_exprs.push(col(r.as_str()).alias(out.as_str()));
        }
        right = right.select(right_exprs);
        let lf = if left_exprs.is_empty() {
            lf
        } else {
            lf.with_columns(left_exprs)
        };
        let keys: Vec<Expr> = plan.left_keys.iter().map(|k| col(k.as_str())).collect();
        let (how, order) = match self.how {
            JoinHow::Inner => (JoinType::Inner, MaintainOrderJoin::LeftRight),
            JoinHow::Left => (JoinType::Left, MaintainOrderJoin::LeftRight),
            JoinHow::Right => (JoinType::Right, MaintainOrderJoin::RightLeft),
            JoinHow::Full => (JoinType::Full, MaintainOrderJoin::LeftRight),
            JoinHow::Semi => (JoinType::Semi, MaintainOrderJoin::Left),
            JoinHow::Anti => (JoinType::Anti, MaintainOrderJoin::Left),
        };
        let mut args = JoinArgs::new(how);
        args.maintain_order = order;
        args.coalesce = JoinCoalesce::CoalesceColumns;
        let joined = lf.join(right, keys.clone(), keys, args);
        // This table's columns (keys with their original types), then the other file's.
        let mut out: Vec<Expr> = cx
            .schema
            .iter()
            .map(|(n, dt)| col(n.as_str()).cast(dt.clone()))
            .collect();
        if self.how.adds_columns() {
            out.extend(plan.right_cols.iter().map(|(_, o)| col(o.as_str())));
        }
        Ok(joined.select(out))
    }
    fn preview(&self, before: LazyFrame, cx: &ApplyCx) -> PolarsResult<Vec<String>> {
        let m = self.match_counts(before, cx)?;
        let n = crate::util::thousands;
        Ok(vec![
            format!(
                "rows of this table: {} with a match, {} without",
                n(m.left_matched),
                n(m.left_only)
            ),
            format!(
                "rows of {}: {} with a match, {} without",
                self.right,
                n(m.right_matched),
                n(m.right_only)
            ),
        ])
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        Ok(format!(
            "df = join(df, table({}), {}, {}, {}, {})",
            py_str(&self.right),
            py_list(&self.on.to_vec()),
            py_list(&self.right_keys()),
            py_str(self.how.name()),
            py_str(&self.suffix)
        ))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err("reads another file, which the SQL export does not register as a table".into())
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew joins a dataset registered in DataBrew or in S3, not a local file".into())
    }
}

/// Append the rows of other files, matching columns by name: a column missing on one
/// side is missing in its rows; numbers of different kinds widen (int and float give
/// float), as do a date and a datetime (datetime); other mixes are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Union {
    /// The files appended, in order: paths relative to the recipe file, or absolute
    /// (`--input NAME=PATH` rebinds one).
    pub paths: OneOrMany,
}

impl Union {
    /// The output columns and types, or the problems.
    fn plan(&self, first: &Schema, others: &[(String, Schema)]) -> Result<Schema, Vec<String>> {
        let mut out = first.clone();
        let mut problems = Vec::new();
        for (path, schema) in others {
            for (name, dt) in schema.iter() {
                match out.get(name).cloned() {
                    None => {
                        out.with_column(name.clone(), dt.clone());
                    }
                    Some(have) if have == *dt => {}
                    Some(have) => match widen(&have, dt) {
                        Some(w) => {
                            out.with_column(name.clone(), w);
                        }
                        None => problems.push(format!(
                            "column \"{name}\" is {} before and {} in {path}; add a cast step (or fix the file) so both are the same kind",
                            type_name(&have),
                            type_name(dt)
                        )),
                    },
                }
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

/// The type two appended columns (or join keys) share: numbers widen, date and datetime give datetime,
/// a column of nulls takes the other's type.
fn widen(a: &DataType, b: &DataType) -> Option<DataType> {
    match (a, b) {
        (DataType::Null, x) | (x, DataType::Null) => Some(x.clone()),
        (x, y) if x == y => Some(x.clone()),
        (x, y) if x.is_float() || y.is_float() => {
            if x.is_primitive_numeric() && y.is_primitive_numeric() {
                Some(DataType::Float64)
            } else {
                None
            }
        }
        (x, y) if x.is_unsigned_integer() && y.is_unsigned_integer() => Some(DataType::UInt64),
        (x, y) if x.is_integer() && y.is_integer() => Some(DataType::Int64),
        (DataType::Date, DataType::Datetime(u, z)) | (DataType::Datetime(u, z), DataType::Date) => {
            Some(DataType::Datetime(*u, z.clone()))
        }
        (DataType::Datetime(u, z), DataType::Datetime(_, z2)) if z == z2 => {
            Some(DataType::Datetime(*u, z.clone()))
        }
        _ => None,
    }
}

impl StepImpl for Union {
    fn describe(&self) -> String {
        format!("append rows of {}", self.paths.to_vec().join(", "))
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn tables(&self) -> Vec<String> {
        self.paths.to_vec()
    }
    fn check(&self, cx: &mut CheckCx) {
        let paths = self.paths.to_vec();
        if paths.is_empty() {
            cx.problem("\"paths\" names no file; give the files to append");
        }
        let mut others = Vec::new();
        for p in &paths {
            if let Some(s) = cx.table_schema("paths", p) {
                let shown = cx.tables.map(|t| t.shown(p)).unwrap_or_else(|| p.clone());
                others.push((shown, s));
            }
        }
        if others.len() == paths.len()
            && let Err(problems) = self.plan(cx.schema, &others)
        {
            for p in problems {
                cx.problem(p);
            }
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let mut frames = vec![(lf, cx.schema.clone())];
        for p in self.paths.to_vec() {
            let mut other = cx.table(&p)?;
            let schema = other.collect_schema()?.as_ref().clone();
            frames.push((other, schema));
        }
        let others: Vec<(String, Schema)> = self
            .paths
            .to_vec()
            .into_iter()
            .zip(frames.iter().skip(1).map(|(_, s)| s.clone()))
            .collect();
        let out = self
            .plan(cx.schema, &others)
            .map_err(|p| polars_err!(ComputeError: "{}", p.join("; ")))?;
        let aligned: Vec<LazyFrame> = frames
            .into_iter()
            .map(|(f, schema)| {
                let exprs: Vec<Expr> = out
                    .iter()
                    .map(|(name, dt)| {
                        if schema.contains(name) {
                            col(name.as_str()).cast(dt.clone())
                        } else {
                            lit(NULL).cast(dt.clone()).alias(name.as_str())
                        }
                    })
                    .collect();
                f.select(exprs)
            })
            .collect();
        concat(
            aligned,
            UnionArgs {
                parallel: true,
                rechunk: false,
                to_supertypes: false,
                maintain_order: true,
                ..Default::default()
            },
        )
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        let tables: Vec<String> = self
            .paths
            .to_vec()
            .iter()
            .map(|p| format!("table({})", py_str(p)))
            .collect();
        Ok(format!("df = union(df, [{}])", tables.join(", ")))
    }
    fn sql(&self, _cx: &SqlCx) -> Result<String, String> {
        Err("reads other files, which the SQL export does not register as tables".into())
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew appends datasets registered in DataBrew or in S3, not local files".into())
    }
}

/// Replace the rows with the result of a SQL query over them (the table `data`).
/// Rows come in the order of the query's ORDER BY (missing values last unless it says
/// NULLS FIRST); a query without one keeps the
/// order wort gives, which Spark keeps for filters and projections but not for
/// GROUP BY, DISTINCT or joins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sql {
    /// One SELECT over the table `data` (the rows so far).
    pub query: String,
}

impl Sql {
    fn run(&self, lf: LazyFrame) -> PolarsResult<LazyFrame> {
        crate::guard::sql::check_query(&self.query, Some(&["data"]))
            .map_err(|r| polars_err!(SQLSyntax: "{r}"))?;
        let query = nulls_last(&self.query).map_err(|e| polars_err!(SQLSyntax: "{e}"))?;
        let mut ctx = polars::sql::SQLContext::new();
        ctx.register("data", lf);
        ctx.execute(&query)
    }
}

/// The query with every ORDER BY item that does not say NULLS FIRST or NULLS LAST
/// putting missing values last, as the `sort` step does: engines differ here (Spark
/// puts them first when ascending), so wort and the exported job both say it.
pub(crate) fn nulls_last(query: &str) -> Result<String, String> {
    use sqlparser::ast::{OrderByKind, Query, VisitMut, VisitorMut};
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;
    struct Explicit;
    impl VisitorMut for Explicit {
        type Break = ();
        fn pre_visit_query(&mut self, q: &mut Query) -> std::ops::ControlFlow<()> {
            if let Some(ob) = &mut q.order_by
                && let OrderByKind::Expressions(items) = &mut ob.kind
            {
                for item in items {
                    item.options.nulls_first.get_or_insert(false);
                }
            }
            std::ops::ControlFlow::Continue(())
        }
    }
    let Ok(mut statements) = Parser::parse_sql(&GenericDialect {}, query) else {
        // polars explains what does not parse.
        return Ok(query.to_string());
    };
    let _ = statements.visit(&mut Explicit);
    match statements.as_slice() {
        [one] => Ok(one.to_string()),
        _ => Ok(query.to_string()),
    }
}

impl StepImpl for Sql {
    fn describe(&self) -> String {
        format!("query {}", crate::util::quoted(&self.query, 60))
    }
    fn kind(&self) -> Kind {
        Kind::Structure
    }
    fn check(&self, cx: &mut CheckCx) {
        if self.query.trim().is_empty() {
            cx.problem("\"query\" is empty; write a SELECT over the table data");
            return;
        }
        let empty = DataFrame::empty_with_schema(cx.schema).lazy();
        if let Err(e) = self.run(empty).and_then(|mut lf| lf.collect_schema()) {
            cx.problem(format!(
                "query {}: {}{}",
                crate::util::quoted(&self.query, 80),
                super::clean_polars_error(&e),
                super::quoting_hint(&self.query, cx.schema)
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, _cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        self.run(lf)
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        // `spark.sql(query, data=df)` reads `{data}`; the query's own braces are doubled.
        let marker = "__wort_data_view__";
        let query = spark_query(&self.query, marker)?
            .replace('{', "{{")
            .replace('}', "}}")
            .replace(marker, "{data}");
        Ok(format!("df = sql_query(df, {})", py_str(&query)))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        spark_query(&self.query, cx.from)
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew recipes have no SQL step".into())
    }
}

/// The query in Spark SQL with the table `data` read from `from`.
fn spark_query(query: &str, from: &str) -> Result<String, String> {
    use sqlparser::ast::{Statement, visit_relations_mut};
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;
    crate::guard::sql::check_query(query, Some(&["data"])).map_err(|r| r.to_string())?;
    let query = nulls_last(query)?;
    let mut statements = Parser::parse_sql(&GenericDialect {}, &query)
        .map_err(|e| format!("the query does not parse: {e}"))?;
    let [Statement::Query(_)] = statements.as_slice() else {
        return Err("the query must be one SELECT".into());
    };
    let _ = visit_relations_mut(&mut statements, |rel| {
        if rel.to_string().eq_ignore_ascii_case("data") {
            *rel = sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new(from)]);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    spark_sql(&statements[0].to_string())
}

/// The DataBrew operations this family imports, as wort steps; `None` for an operation
/// of another family. The other dataset becomes the file its S3 location ends with
/// (or the dataset's name), which `--input NAME=PATH` points at a local copy.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["JOIN", "UNION"], |op| match op {
        "JOIN" => join_from_databrew(b),
        _ => union_from_databrew(b),
    })
}

/// The file a DataBrew secondary input names: the last part of its S3 location, else the
/// dataset's name.
fn brew_file(location: Option<&str>, dataset: Option<&str>) -> Result<String, String> {
    location
        .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
        .filter(|s| !s.is_empty())
        .or(dataset)
        .map(str::to_string)
        .ok_or_else(|| {
            "names no secondary dataset (secondInputLocation or secondaryDatasetName)".into()
        })
}

fn join_from_databrew(b: &BrewIn) -> Result<Vec<serde_json::Value>, String> {
    #[derive(Deserialize)]
    struct Key {
        key: String,
        value: String,
    }
    let keys: Vec<Key> = serde_json::from_str(&b.need("joinKeys")?).map_err(|_| {
        "parameter \"joinKeys\" is not a JSON list of {\"key\", \"value\"}".to_string()
    })?;
    if keys.is_empty() {
        return Err("\"joinKeys\" is empty".into());
    }
    let how = match b.need("joinType")?.as_str() {
        "INNER_JOIN" => "inner",
        "LEFT_JOIN" => "left",
        "RIGHT_JOIN" => "right",
        "OUTER_JOIN" => "full",
        other => {
            return Err(format!(
                "joinType {other} keeps the unmatched rows with the other side's columns empty; wort's anti join keeps only this table's columns"
            ));
        }
    };
    let right = brew_file(b.get("secondInputLocation"), b.get("secondaryDatasetName"))?;
    let on: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    let right_on: Vec<&str> = keys.iter().map(|k| k.value.as_str()).collect();
    let mut join = serde_json::json!({"op": "join", "right": right, "on": on, "how": how});
    if on != right_on {
        join["right_on"] = serde_json::json!(right_on);
    }
    let mut steps = vec![join];
    // The columns DataBrew keeps: this table's listed ones, then the other's (its keys
    // come out under this table's names).
    if let (Ok(left), Ok(right)) = (b.list_param("leftColumns"), b.list_param("rightColumns")) {
        let mut keep = left;
        for c in right {
            let c = keys
                .iter()
                .find(|k| k.value == c)
                .map(|k| k.key.clone())
                .unwrap_or(c);
            if !keep.contains(&c) {
                keep.push(c);
            }
        }
        steps.push(serde_json::json!({"op": "select", "columns": keep}));
    }
    Ok(steps)
}

fn union_from_databrew(b: &BrewIn) -> Result<Vec<serde_json::Value>, String> {
    let targets = b.list_param("targetColumnNames")?;
    let columns: Vec<Vec<Option<String>>> = serde_json::from_str(&b.need("datasetsColumns")?)
        .map_err(|_| {
            "parameter \"datasetsColumns\" is not a JSON list of lists of names".to_string()
        })?;
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct S3 {
        bucket: String,
        key: String,
    }
    #[derive(Deserialize)]
    struct Input {
        #[serde(rename = "S3InputDefinition")]
        s3: Option<S3>,
    }
    let names: Vec<String> = match b.get("secondaryInputs") {
        Some(text) => {
            let inputs: Vec<Input> = serde_json::from_str(text).map_err(|_| {
                "parameter \"secondaryInputs\" is not a JSON list of S3 inputs".to_string()
            })?;
            inputs
                .iter()
                .map(|i| match &i.s3 {
                    Some(s3) => brew_file(Some(&format!("s3://{}/{}", s3.bucket, s3.key)), None),
                    None => Err("a secondary input is a Data Catalog table, not a file".into()),
                })
                .collect::<Result<_, String>>()?
        }
        None => b
            .list_param("secondaryDatasetNames")?
            .into_iter()
            .map(|n| brew_file(None, Some(&n)))
            .collect::<Result<_, String>>()?,
    };
    // wort appends by name: every dataset's column must have the target's name.
    for cols in &columns {
        for (c, t) in cols.iter().zip(&targets) {
            if let Some(c) = c
                && c != t
            {
                return Err(format!(
                    "appends column \"{c}\" as \"{t}\"; wort appends by name (rename the column in that file first)"
                ));
            }
        }
    }
    if names.is_empty() || columns.len() != names.len() + 1 {
        return Err(
            "\"datasetsColumns\" does not list this table and each secondary dataset".into(),
        );
    }
    Ok(vec![
        serde_json::json!({"op": "union", "paths": names}),
        serde_json::json!({"op": "select", "columns": targets}),
    ])
}
