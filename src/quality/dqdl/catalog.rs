//! The rule-type catalogue: every DQDL rule type, what it takes and a one-line doc.
//!
//! The parser checks each rule against its entry (parameter count, condition kind,
//! `where`, `with threshold`, analyzer use); the evaluator matches on [`RuleType`]
//! and reads the same entry, so "what a rule accepts" is written down exactly once.
//! Facts come from the AWS Glue Data Quality Definition Language reference
//! (<https://docs.aws.amazon.com/glue/latest/dg/dqdl.html>): its sections on conditions
//! (§3.2 in comments here), rule types and analyzers (§3.8, §3.9, §4, §5).

use serde::{Deserialize, Serialize};

/// What kind of condition a rule takes (reference §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    /// No condition: the rule passes or fails by itself (IsComplete, IsUnique, …).
    None,
    /// A numeric condition: `> 0.9`, `between 1 and 10`, `in [1,2]`, dynamic expressions.
    Number,
    /// A string condition: `= "x"`, `!= "x"`, `in [...]`, `matches "re"`.
    Text,
    /// A date condition: `> (now() - 3 days)`, `between "2022-01-01" and now()`.
    Date,
    /// A duration condition: `<= 24 hours`, `between 2 days and 5 days`.
    Duration,
    /// A size condition: `<= 5 GB`, `> 2` (bytes).
    Size,
    /// A string, numeric or date condition, decided by the operands (ColumnValues).
    Values,
    /// A numeric condition or none at all (CustomSql: aggregate or row form).
    OptionalNumber,
}

impl ConditionKind {
    /// The operators a user may write, for error messages.
    pub fn operators(self) -> &'static str {
        match self {
            ConditionKind::None => "none",
            ConditionKind::Number | ConditionKind::OptionalNumber | ConditionKind::Date => {
                "=, !=, >, >=, <, <=, between, in"
            }
            ConditionKind::Text => "=, !=, in, matches",
            ConditionKind::Duration | ConditionKind::Size => "=, !=, >, >=, <, <=, between, in",
            ConditionKind::Values => "=, !=, >, >=, <, <=, between, in, matches",
        }
    }

    /// What the operands look like, when that is not obvious (" and a duration such as
    /// 24 hours").
    pub fn operand_hint(self) -> &'static str {
        match self {
            ConditionKind::Duration => " and a duration such as 24 hours",
            ConditionKind::Size => " and a size such as 5 GB",
            _ => "",
        }
    }
}

/// Whether a rule type may be listed under `Analyzers = [ … ]` (reference §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalyzerUse {
    /// Not an analyzer (Boolean rule types): the parser rejects it in `Analyzers`.
    No,
    /// A documented analyzer.
    Documented,
    /// Accepted by the reference parser (any non-Boolean rule type) but not documented as
    /// an analyzer; an evaluator may report that it records nothing useful.
    Accepted,
    /// Only an analyzer (`AllStatistics`, `Distribution`): rejected in `Rules`.
    Only,
}

/// Where a rule type comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Documented in the AWS Glue user guide and the reference parser.
    Glue,
    /// Glue file rules (S3 objects; "experimental" in the reference parser's catalogue).
    GlueFile,
    /// Present only in the open-source deequ evaluator (newer DQDL versions).
    DeequExtension,
}

/// What a positional parameter means; lets a linter find the column names in a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamRole {
    /// One column of the dataset under test.
    Column,
    /// Comma-separated columns of the dataset under test (`"city,state"`).
    Columns,
    /// A column, or the word `AllColumns`.
    ColumnOrAll,
    /// A regular expression over column names.
    Pattern,
    /// A SQL query over `primary`.
    Sql,
    /// The alias of a reference dataset.
    Alias,
    /// Reference columns `alias.col` or `alias.{c1,c2}`.
    ReferenceColumns,
    /// Key mappings `a->b,c` (DatasetMatch).
    KeyMappings,
    /// Column mappings `a->b,c` (DatasetMatch).
    ColumnMappings,
    /// An aggregate `sum(col)` / `avg(alias.col)` (AggregateMatch).
    Aggregate,
    /// A file or folder path (file rules).
    Path,
    /// A rule type name (DetectAnomalies).
    RuleName,
    /// A parameter of that rule (DetectAnomalies).
    RuleParam,
}

/// One positional parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// How error messages name it ("column", "reference alias").
    pub name: &'static str,
    pub role: ParamRole,
}

/// Everything the parser and evaluator need to know about one rule type.
#[derive(Debug, Clone, Copy)]
pub struct RuleSpec {
    pub rule_type: RuleType,
    /// The name as written in DQDL (case-sensitive).
    pub name: &'static str,
    /// Positional parameters. With `var_args`, the last one repeats.
    pub params: &'static [ParamSpec],
    /// How many parameters are required (the rest of `params` are optional).
    pub min_params: usize,
    /// The last parameter may repeat without limit.
    pub var_args: bool,
    /// The condition kind.
    pub condition: ConditionKind,
    /// With exactly this many parameters, the condition kind is different
    /// (FileMatch with two paths is a Boolean comparison of two locations).
    pub condition_with: Option<(usize, ConditionKind)>,
    /// `where "<SQL>"` is allowed.
    pub where_clause: bool,
    /// `with threshold <condition>` is allowed.
    pub threshold: bool,
    pub analyzer: AnalyzerUse,
    /// Compares with a second dataset (bound with `--ref NAME=PATH`).
    pub needs_reference: bool,
    pub origin: Origin,
    /// For Boolean rules: the numeric rule to use when the user adds a comparison.
    pub ratio_variant: Option<&'static str>,
    /// One line for help screens.
    pub doc: &'static str,
    /// A valid example (tests parse every one).
    pub example: &'static str,
}

impl RuleSpec {
    /// The condition kind for a rule with `n` parameters.
    pub fn condition_for(&self, n: usize) -> ConditionKind {
        match self.condition_with {
            Some((count, kind)) if count == n => kind,
            _ => self.condition,
        }
    }

    /// Whether `n` parameters is an accepted count.
    pub fn accepts_param_count(&self, n: usize) -> bool {
        n >= self.min_params && (self.var_args || n <= self.params.len())
    }

    /// "takes 2 parameters (first column, second column)" and the like.
    pub fn describe_params(&self) -> String {
        let names: Vec<&str> = self.params.iter().map(|p| p.name).collect();
        let max = self.params.len();
        if max == 0 {
            return "takes no parameters".to_string();
        }
        if self.var_args {
            let list = names.join(", ");
            return match self.min_params {
                0 => format!("takes any number of parameters ({list} …)"),
                1 => format!("takes one or more parameters ({list} …)"),
                n => format!("takes at least {n} parameters ({list} …)"),
            };
        }
        let list = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if i >= self.min_params && max > 1 {
                    format!("optional {n}")
                } else {
                    (*n).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let count = if self.min_params == max {
            match max {
                1 => "1 parameter".to_string(),
                n => format!("{n} parameters"),
            }
        } else if self.min_params == 0 && max == 1 {
            "an optional parameter".to_string()
        } else {
            format!("{} to {} parameters", self.min_params, max)
        };
        format!("takes {count} ({list})")
    }

    /// The parameter at position `i` (the repeating one for var-args rules).
    pub fn param(&self, i: usize) -> Option<&ParamSpec> {
        self.params.get(i).or_else(|| {
            if self.var_args {
                self.params.last()
            } else {
                None
            }
        })
    }
}

const fn p(name: &'static str, role: ParamRole) -> ParamSpec {
    ParamSpec { name, role }
}

const COLUMN: &[ParamSpec] = &[p("column", ParamRole::Column)];
const NONE: &[ParamSpec] = &[];

macro_rules! catalog {
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            params: $params:expr,
            min: $min:expr,
            var_args: $var:expr,
            condition: $cond:ident,
            $(condition_with: ($n:expr, $alt:ident),)?
            where_clause: $where:expr,
            threshold: $threshold:expr,
            analyzer: $analyzer:ident,
            reference: $reference:expr,
            origin: $origin:ident,
            $(ratio_variant: $ratio:expr,)?
            doc: $docline:expr,
            example: $example:expr $(,)?
        }
    ),* $(,)?) => {
        /// A DQDL rule type. Serialised as its DQDL name (`"ColumnValues"`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum RuleType {
            $( $(#[$doc])* $variant ),*
        }

        /// Every rule type, in [`RuleType`] order.
        pub static CATALOG: &[RuleSpec] = &[
            $( RuleSpec {
                rule_type: RuleType::$variant,
                name: stringify!($variant),
                params: $params,
                min_params: $min,
                var_args: $var,
                condition: ConditionKind::$cond,
                condition_with: catalog!(@alt $(($n, $alt))?),
                where_clause: $where,
                threshold: $threshold,
                analyzer: AnalyzerUse::$analyzer,
                needs_reference: $reference,
                origin: Origin::$origin,
                ratio_variant: catalog!(@opt $($ratio)?),
                doc: $docline,
                example: $example,
            } ),*
        ];
    };
    (@alt) => { None };
    (@alt ($n:expr, $alt:ident)) => { Some(($n, ConditionKind::$alt)) };
    (@opt) => { None };
    (@opt $e:expr) => { Some($e) };
}

catalog! {
    /// Ratio of two aggregates (`sum`/`avg`), usually of the primary and a reference dataset.
    AggregateMatch {
        params: &[p("first aggregate", ParamRole::Aggregate), p("second aggregate", ParamRole::Aggregate)],
        min: 2, var_args: false, condition: Number, where_clause: false, threshold: false,
        analyzer: Accepted, reference: true, origin: Glue,
        doc: "Ratio of two aggregates such as sum(amount) and sum(reference.amount).",
        example: r#"AggregateMatch "sum(amount)" "sum(reference.amount)" = 1.0"#,
    },
    /// Analyzer only: every statistic of a column or of all columns.
    AllStatistics {
        params: &[p("column or AllColumns", ParamRole::ColumnOrAll)],
        min: 1, var_args: false, condition: None, where_clause: false, threshold: false,
        analyzer: Only, reference: false, origin: Glue,
        doc: "Analyzer: row count, column count and every per-column statistic.",
        example: "AllStatistics AllColumns",
    },
    /// Pearson correlation of two numeric columns.
    ColumnCorrelation {
        params: &[p("first column", ParamRole::Column), p("second column", ParamRole::Column)],
        min: 2, var_args: false, condition: Number, where_clause: true, threshold: false,
        analyzer: Documented, reference: false, origin: Glue,
        doc: "Pearson correlation of two numeric columns.",
        example: r#"ColumnCorrelation "height" "weight" > 0.8"#,
    },
    /// Number of columns.
    ColumnCount {
        params: NONE, min: 0, var_args: false, condition: Number, where_clause: false,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Number of columns in the dataset.",
        example: "ColumnCount = 12",
    },
    /// Whether values can be cast to a data type.
    ColumnDataType {
        params: COLUMN, min: 1, var_args: false, condition: Text, where_clause: true,
        threshold: true, analyzer: Accepted, reference: false, origin: Glue,
        doc: "Values can be cast to the type (Boolean, Date, Timestamp, Integer, Double, Float, Long).",
        example: r#"ColumnDataType "order_ts" = "Timestamp" with threshold > 0.99"#,
    },
    /// Whether a column exists.
    ColumnExists {
        params: COLUMN, min: 1, var_args: false, condition: None, where_clause: false,
        threshold: false, analyzer: No, reference: false, origin: Glue,
        doc: "Passes when the column exists.",
        example: r#"ColumnExists "Middle_Name""#,
    },
    /// String length of every value.
    ColumnLength {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Length of every value (NULL counts as length 0).",
        example: r#"ColumnLength "country_code" = 2"#,
    },
    /// Whether every column name matches a regex.
    ColumnNamesMatchPattern {
        params: &[p("pattern", ParamRole::Pattern)],
        min: 1, var_args: false, condition: None, where_clause: false, threshold: false,
        analyzer: No, reference: false, origin: Glue,
        doc: "Passes when every column name matches the regular expression.",
        example: r#"ColumnNamesMatchPattern "aws_.*_[a-zA-Z0-9]+""#,
    },
    /// A condition on every value.
    ColumnValues {
        params: COLUMN, min: 1, var_args: false, condition: Values, where_clause: true,
        threshold: true, analyzer: Documented, reference: false, origin: Glue,
        doc: "Every value meets the condition (or the threshold fraction of rows do).",
        example: r#"ColumnValues "status" in ["NEW","SHIPPED","DELIVERED"]"#,
    },
    /// Fraction of non-null values.
    Completeness {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Fraction of rows whose value is not null.",
        example: r#"Completeness "shipping_address" > 0.95"#,
    },
    /// A SQL query: one number tested by the condition, or the rows it returns pass.
    CustomSql {
        params: &[p("SQL query", ParamRole::Sql)],
        min: 1, var_args: false, condition: OptionalNumber, where_clause: false,
        threshold: true, analyzer: Documented, reference: false, origin: Glue,
        doc: "SQL over `primary`: a single number tested by the condition, or (no condition) the rows it returns pass.",
        example: r#"CustomSql "select count(*) from primary" between 10 and 20"#,
    },
    /// Age of every value against a duration.
    DataFreshness {
        params: COLUMN, min: 1, var_args: false, condition: Duration, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: Glue,
        doc: "Age of every value (now minus the value) against a duration.",
        example: r#"DataFreshness "order_ts" <= 24 hours"#,
    },
    /// Fraction of rows equal to the reference dataset, joined on key columns.
    DatasetMatch {
        params: &[
            p("reference alias", ParamRole::Alias),
            p("key mappings", ParamRole::KeyMappings),
            p("column mappings", ParamRole::ColumnMappings),
        ],
        min: 2, var_args: false, condition: Number, where_clause: false, threshold: false,
        analyzer: Accepted, reference: true, origin: Glue,
        doc: "Fraction of rows equal to the reference dataset's rows, joined on the key columns.",
        example: r#"DatasetMatch "reference" "ID_1->ID_ref1,ID_2->ID_ref2" "Amount1->Amount2" >= 0.9"#,
    },
    /// Anomaly detection on a metric's history.
    DetectAnomalies {
        params: &[p("rule type", ParamRole::RuleName), p("rule parameter", ParamRole::RuleParam)],
        min: 1, var_args: true, condition: None, where_clause: false, threshold: false,
        analyzer: No, reference: false, origin: Glue,
        doc: "Fails when the named metric is anomalous against its recorded history.",
        example: r#"DetectAnomalies "ColumnLength" "id""#,
    },
    /// Number of distinct values.
    DistinctValuesCount {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Number of distinct values.",
        example: r#"DistinctValuesCount "State" > 3"#,
    },
    /// Analyzer only: histogram or top values of a column.
    Distribution {
        params: &[p("column or AllColumns", ParamRole::ColumnOrAll)],
        min: 1, var_args: false, condition: None, where_clause: false, threshold: false,
        analyzer: Only, reference: false, origin: Glue,
        doc: "Analyzer: equal-width histogram (numbers) or top-20 values (other types).",
        example: r#"Distribution "Salary" with bins = 20, rebin = false"#,
    },
    /// Shannon entropy of the value distribution.
    Entropy {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Shannon entropy (natural log) of the value distribution.",
        example: r#"Entropy "Star_Rating" > 1"#,
    },
    /// Last-modified times of files (S3).
    FileFreshness {
        params: &[p("path", ParamRole::Path)],
        min: 0, var_args: false, condition: Date, where_clause: false, threshold: true,
        analyzer: Accepted, reference: false, origin: GlueFile,
        doc: "Files' last-modified times against a date (S3 files).",
        example: r#"FileFreshness "s3://bucket/tickets/" >= (now() - 1 days)"#,
    },
    /// File checksums, or two locations with equal contents (S3).
    FileMatch {
        params: &[p("path", ParamRole::Path), p("second path", ParamRole::Path)],
        min: 0, var_args: false, condition: Text, condition_with: (2, None),
        where_clause: false, threshold: false, analyzer: Accepted, reference: false,
        origin: GlueFile,
        doc: "File checksums in a set, or two locations with equal contents (S3 files).",
        example: r#"FileMatch "s3://bucket/file.json" in ["3ee0d8617ac041793154713e5ef8f319"] with hashAlgorithm = "MD5""#,
    },
    /// File sizes (S3).
    FileSize {
        params: &[p("path", ParamRole::Path)],
        min: 0, var_args: false, condition: Size, where_clause: false, threshold: true,
        analyzer: Accepted, reference: false, origin: GlueFile,
        doc: "File sizes against a size such as 5 GB (S3 files).",
        example: r#"FileSize "s3://bucket/tickets/" between 1 KB and 5 GB"#,
    },
    /// Ratio of unique files in a folder (S3).
    FileUniqueness {
        params: &[p("path", ParamRole::Path)],
        min: 0, var_args: false, condition: Number, where_clause: false, threshold: false,
        analyzer: Accepted, reference: false, origin: GlueFile,
        doc: "Ratio of unique files in a folder (S3 files).",
        example: r#"FileUniqueness "s3://bucket/tickets/" > 0.9"#,
    },
    /// No nulls.
    IsComplete {
        params: COLUMN, min: 1, var_args: false, condition: None, where_clause: true,
        threshold: false, analyzer: No, reference: false, origin: Glue,
        ratio_variant: "Completeness",
        doc: "Passes when the column has no nulls.",
        example: r#"IsComplete "customer_id""#,
    },
    /// Unique and never null.
    IsPrimaryKey {
        params: COLUMN, min: 1, var_args: true, condition: None, where_clause: true,
        threshold: false, analyzer: No, reference: false, origin: Glue,
        doc: "Passes when the values (or combinations of columns) are unique and never null.",
        example: r#"IsPrimaryKey "order_id""#,
    },
    /// Every value (or combination) occurs once.
    IsUnique {
        params: COLUMN, min: 1, var_args: true, condition: None, where_clause: true,
        threshold: false, analyzer: No, reference: false, origin: Glue,
        ratio_variant: "Uniqueness",
        doc: "Passes when every value (or combination of columns) occurs exactly once.",
        example: r#"IsUnique "email""#,
    },
    /// Mean of the non-null values.
    Mean {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Mean of the non-null values.",
        example: r#"Mean "order_total" > 20"#,
    },
    /// Fraction of rows found in the reference dataset.
    ReferentialIntegrity {
        params: &[
            p("primary columns", ParamRole::Columns),
            p("reference columns (alias.column)", ParamRole::ReferenceColumns),
        ],
        min: 2, var_args: false, condition: Number, where_clause: false, threshold: false,
        analyzer: Accepted, reference: true, origin: Glue,
        doc: "Fraction of rows whose values appear in the reference dataset's columns.",
        example: r#"ReferentialIntegrity "zipcode" "reference.zipcode" >= 0.9"#,
    },
    /// Number of rows.
    RowCount {
        params: NONE, min: 0, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Number of rows (after the where filter).",
        example: "RowCount between 1000 and 500000",
    },
    /// Row count divided by the reference dataset's row count.
    RowCountMatch {
        params: &[p("reference alias", ParamRole::Alias)],
        min: 1, var_args: false, condition: Number, where_clause: false, threshold: false,
        analyzer: Accepted, reference: true, origin: Glue,
        doc: "Row count divided by the reference dataset's row count.",
        example: r#"RowCountMatch "reference" >= 0.9"#,
    },
    /// Fraction of columns matching the reference dataset's schema.
    SchemaMatch {
        params: &[p("reference alias", ParamRole::Alias)],
        min: 1, var_args: false, condition: Number, where_clause: false, threshold: false,
        analyzer: Accepted, reference: true, origin: Glue,
        doc: "Fraction of columns whose name and type match the reference dataset.",
        example: r#"SchemaMatch "reference" = 1.0"#,
    },
    /// Population standard deviation.
    StandardDeviation {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Population standard deviation of the non-null values.",
        example: r#"StandardDeviation "order_total" < 500"#,
    },
    /// Sum of the non-null values.
    Sum {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Sum of the non-null values.",
        example: r#"Sum "order_total" > 100000"#,
    },
    /// Fraction of values occurring exactly once.
    Uniqueness {
        params: COLUMN, min: 1, var_args: true, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Fraction of values (or combinations of columns) that occur exactly once.",
        example: r#"Uniqueness "email" > 0.95"#,
    },
    /// Values occurring once divided by distinct values.
    UniqueValueRatio {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Documented, reference: false, origin: Glue,
        doc: "Values occurring exactly once divided by the number of distinct values.",
        example: r#"UniqueValueRatio "test_score" between 0 and 0.5"#,
    },
    /// Population variance.
    Variance {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: Glue,
        doc: "Population variance of the non-null values.",
        example: r#"Variance "order_total" <= 10.0"#,
    },
    /// deequ extension: number of zero values.
    ZerosCount {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: DeequExtension,
        doc: "Number of zero values (deequ extension).",
        example: r#"ZerosCount "quantity" < 10"#,
    },
    /// deequ extension: maximum minus minimum.
    Range {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: DeequExtension,
        doc: "Maximum minus minimum of the values (deequ extension).",
        example: r#"Range "age" < 120"#,
    },
    /// deequ extension: interquartile range.
    InterquartileRange {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: DeequExtension,
        doc: "Third quartile minus first quartile (deequ extension).",
        example: r#"InterquartileRange "price" < 50"#,
    },
    /// deequ extension: skewness.
    Skewness {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: DeequExtension,
        doc: "Skewness of the values (deequ extension).",
        example: r#"Skewness "price" between -1 and 1"#,
    },
    /// deequ extension: kurtosis.
    Kurtosis {
        params: COLUMN, min: 1, var_args: false, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: DeequExtension,
        doc: "Excess kurtosis of the values (deequ extension).",
        example: r#"Kurtosis "price" < 3"#,
    },
    /// deequ extension: duplicated rows (over all or the given columns).
    DuplicateRowCount {
        params: COLUMN, min: 0, var_args: true, condition: Number, where_clause: true,
        threshold: false, analyzer: Accepted, reference: false, origin: DeequExtension,
        doc: "Number of duplicated rows, over all columns or the given ones (deequ extension).",
        example: r#"DuplicateRowCount "order_id" = 0"#,
    },
}

impl RuleType {
    /// This type's catalogue entry.
    pub fn spec(self) -> &'static RuleSpec {
        &CATALOG[self as usize]
    }

    /// The DQDL name (`"ColumnValues"`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Look a type up by its exact (case-sensitive) DQDL name.
    pub fn from_name(name: &str) -> Option<RuleType> {
        CATALOG.iter().find(|s| s.name == name).map(|s| s.rule_type)
    }
}

impl std::fmt::Display for RuleType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every rule type name, for suggestions and help.
pub fn names() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().map(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_in_enum_order() {
        for (i, spec) in CATALOG.iter().enumerate() {
            assert_eq!(spec.rule_type as usize, i, "{}", spec.name);
            assert_eq!(RuleType::from_name(spec.name), Some(spec.rule_type));
        }
    }

    #[test]
    fn lists_every_rule_type_of_the_reference() {
        for name in [
            "RowCount",
            "ColumnCount",
            "ColumnExists",
            "ColumnNamesMatchPattern",
            "ColumnDataType",
            "ColumnLength",
            "ColumnValues",
            "Completeness",
            "IsComplete",
            "IsUnique",
            "IsPrimaryKey",
            "Uniqueness",
            "UniqueValueRatio",
            "DistinctValuesCount",
            "Entropy",
            "Mean",
            "Sum",
            "StandardDeviation",
            "Variance",
            "ColumnCorrelation",
            "CustomSql",
            "DataFreshness",
            "DetectAnomalies",
            "AllStatistics",
            "Distribution",
            "ReferentialIntegrity",
            "DatasetMatch",
            "RowCountMatch",
            "AggregateMatch",
            "SchemaMatch",
            "FileFreshness",
            "FileMatch",
            "FileSize",
            "FileUniqueness",
        ] {
            assert!(RuleType::from_name(name).is_some(), "{name} missing");
        }
        assert_eq!(RuleType::from_name("isComplete"), None);
    }

    #[test]
    fn multi_dataset_rules_need_a_reference() {
        let refs: Vec<&str> = CATALOG
            .iter()
            .filter(|s| s.needs_reference)
            .map(|s| s.name)
            .collect();
        assert_eq!(
            refs,
            [
                "AggregateMatch",
                "DatasetMatch",
                "ReferentialIntegrity",
                "RowCountMatch",
                "SchemaMatch"
            ]
        );
    }

    #[test]
    fn describes_parameters() {
        let d = |t: RuleType| t.spec().describe_params();
        assert_eq!(d(RuleType::RowCount), "takes no parameters");
        assert_eq!(d(RuleType::Completeness), "takes 1 parameter (column)");
        assert_eq!(
            d(RuleType::ColumnCorrelation),
            "takes 2 parameters (first column, second column)"
        );
        assert_eq!(
            d(RuleType::DatasetMatch),
            "takes 2 to 3 parameters (reference alias, key mappings, optional column mappings)"
        );
        assert_eq!(
            d(RuleType::IsUnique),
            "takes one or more parameters (column …)"
        );
        assert_eq!(d(RuleType::FileSize), "takes an optional parameter (path)");
        assert_eq!(
            RuleType::FileMatch.spec().condition_for(2),
            ConditionKind::None
        );
        assert_eq!(
            RuleType::FileMatch.spec().condition_for(1),
            ConditionKind::Text
        );
    }
}
