//! Date steps: parse_date, format_date, date_part.

use crate::transform::target::databrew::strftime_from_brew;
use chrono::format::{Item, StrftimeItems};
use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApplyCx, CheckCx, Kind, OneOrMany, StepImpl};
use crate::transform::target::databrew::{
    BrewCx, BrewIn, BrewStep, FORMAT_DATE_LAYOUTS, Imported, brew_date_format, one,
};
use crate::transform::target::datefmt::Mode;
use crate::transform::target::pyspark::{PyCx, py_pattern};
use crate::transform::target::sql::{SqlCx, sql_pattern, strip};
use crate::transform::target::text::{py_col, py_str, sql_ident};

/// Whether a strftime format has a time of day in it.
pub fn has_time(format: &str) -> bool {
    [
        "%H", "%I", "%M", "%S", "%T", "%R", "%r", "%s", "%c", "%+", "%k", "%l",
    ]
    .iter()
    .any(|t| format.contains(t))
}

/// Check a strftime format string.
pub fn check_format(cx: &mut CheckCx, format: &str) {
    if format.is_empty() {
        cx.problem("\"format\" is empty");
        return;
    }
    if StrftimeItems::new(format).any(|i| matches!(i, Item::Error)) {
        cx.problem(format!(
            "format {format:?} is not a valid strftime format (use %Y-%m-%d, %d/%m/%Y, %H:%M:%S...)"
        ));
    }
}

/// Text to date (or datetime): with a strftime format, or inferred by polars from the
/// values when none is given. Values that don't parse become null.
pub fn parse_text(e: Expr, format: Option<&str>, datetime: bool) -> Expr {
    let options = StrptimeOptions {
        format: format.map(PlSmallStr::from),
        strict: false,
        exact: true,
        cache: true,
    };
    let e = e.str().strip_chars(lit(NULL));
    if datetime {
        e.str()
            .to_datetime(Some(TimeUnit::Microseconds), None, options, lit("raise"))
    } else {
        e.str().to_date(options)
    }
}

/// Parse a text column into dates (or datetimes, when a format has a time). Values
/// that don't parse become null and are counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParseDate {
    pub column: String,
    /// strftime format such as "%d/%m/%Y", or several tried in order (for columns with
    /// dates written several ways): a JSON list in a recipe; in the workbench form,
    /// separated by | or ; ("%d/%m/%Y | %Y-%m-%d"). Inferred from the values when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<OneOrMany>,
}

impl ParseDate {
    fn formats(&self) -> Vec<String> {
        self.format
            .as_ref()
            .map(OneOrMany::to_vec)
            .unwrap_or_default()
    }

    /// The parse of `e` with every format in turn; the first that fits wins.
    fn parse(&self, e: Expr) -> Expr {
        let formats = self.formats();
        let datetime = formats.iter().any(|f| has_time(f));
        if formats.is_empty() {
            return parse_text(e, None, datetime);
        }
        let parts: Vec<Expr> = formats
            .iter()
            .map(|f| parse_text(e.clone(), Some(f), datetime))
            .collect();
        if parts.len() == 1 {
            parts.into_iter().next().unwrap_or(e)
        } else {
            coalesce(&parts)
        }
    }
}

impl StepImpl for ParseDate {
    fn describe(&self) -> String {
        match &self.format {
            Some(f) => format!(
                "parse {} as a date ({})",
                self.column,
                f.to_vec().join(" or ")
            ),
            None => format!("parse {} as a date", self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
        if self.format.is_some() && self.formats().is_empty() {
            cx.problem("\"format\" is an empty list; leave it out to infer the format");
        }
        for f in self.formats() {
            check_format(cx, &f);
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let c = col(self.column.as_str());
        let parsed = self.parse(c.clone());
        let label = format!("values of {} that are not dates became null", self.column);
        let value = cx.count_loss(parsed, c.clone().is_not_null(), &self.column, &label);
        let value = match cx.mask() {
            None => value,
            // A column has one type: values outside the condition are parsed too.
            Some(m) => when(m).then(value).otherwise(self.parse(c)),
        };
        Ok(lf.with_column(value.alias(self.column.as_str())))
    }
    fn pyspark(&self, _cx: &PyCx) -> Result<String, String> {
        // Values outside a `where` are parsed too (a column has one type).
        let formats = self.formats();
        let datetime = formats.iter().any(|f| has_time(f));
        let patterns = if formats.is_empty() {
            "None".to_string()
        } else {
            let ps = formats
                .iter()
                .map(|f| py_pattern(f, Mode::Parse))
                .collect::<Result<Vec<_>, _>>()?;
            format!("[{}]", ps.join(", "))
        };
        Ok(format!(
            "df = df.withColumn({c}, parse_dates(df, {c}, {patterns}, {}))",
            if datetime { "True" } else { "False" },
            c = py_str(&self.column)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let formats = self.formats();
        if formats.is_empty() {
            return Err(
                "without a format the date format is inferred from the values, which only the PySpark job does"
                    .into(),
            );
        }
        let datetime = formats.iter().any(|f| has_time(f));
        let func = if datetime {
            "to_timestamp_ntz"
        } else {
            "to_date"
        };
        let t = strip(&sql_ident(&self.column));
        let parts = formats
            .iter()
            .map(|f| sql_pattern(f, Mode::Parse).map(|p| format!("{func}({t}, {p})")))
            .collect::<Result<Vec<_>, _>>()?;
        let e = if parts.len() == 1 {
            parts[0].clone()
        } else {
            format!("COALESCE({})", parts.join(", "))
        };
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        if self.format.is_some() {
            return Err("DataBrew converts text to dates without a format parameter".into());
        }
        Ok(vec![
            BrewStep::op("CHANGE_DATA_TYPE")
                .param("sourceColumn", &self.column)
                .param("columnDataType", "date"),
        ])
    }
}

/// Write a date or datetime column as text with a strftime format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormatDate {
    pub column: String,
    pub format: String,
}

impl StepImpl for FormatDate {
    fn describe(&self) -> String {
        format!("format {} as {}", self.column, self.format)
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.temporal_column(&self.column);
        check_format(cx, &self.format);
        if let Some(DataType::Date) = cx.schema.get(&self.column)
            && has_time(&self.format)
        {
            cx.problem(format!(
                "column \"{}\" is a date without a time, but format {:?} prints a time",
                self.column, self.format
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let c = col(self.column.as_str());
        let text = c.clone().dt().to_string(&self.format);
        // Outside the condition the value is still turned into text (ISO form), since a
        // column has one type.
        let value = match cx.mask() {
            None => text,
            Some(m) => when(m).then(text).otherwise(c.cast(DataType::String)),
        };
        Ok(lf.with_column(value.alias(self.column.as_str())))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let text = format!(
            "F.date_format({}, {})",
            py_col(&self.column),
            py_pattern(&self.format, Mode::Print)?
        );
        let value = match cx.cond() {
            None => text,
            // Outside the condition the value is written as text too (ISO form).
            Some(c) => format!(
                "F.when({c}, {text}).otherwise(as_text(df, {}))",
                py_str(&self.column)
            ),
        };
        Ok(format!(
            "df = df.withColumn({}, {value})",
            py_str(&self.column)
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let text = format!(
            "date_format({}, {})",
            sql_ident(&self.column),
            sql_pattern(&self.format, Mode::Print)?
        );
        let e = match &cx.cond {
            None => text,
            Some(c) => format!(
                "CASE WHEN {c} THEN {text} ELSE {} END",
                cx.as_text(&self.column)?
            ),
        };
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        if let Some((layout, _)) = FORMAT_DATE_LAYOUTS.iter().find(|(_, f)| *f == self.format) {
            return Ok(vec![
                BrewStep::op("FORMAT_DATE")
                    .param("sourceColumn", &self.column)
                    .param("targetDateFormat", *layout),
            ]);
        }
        // DATE_FORMAT writes a new column: format into it, then replace the old one.
        let tmp = format!("{}__wort_text", self.column);
        let mut out = vec![
            BrewStep::op("DATE_FORMAT")
                .param("sourceColumn", &self.column)
                .param("dateTimeFormat", brew_date_format(&self.format)?)
                .param("targetColumn", &tmp),
            BrewStep::op("DELETE").param("sourceColumn", &self.column),
            BrewStep::op("RENAME")
                .param("sourceColumn", &tmp)
                .param("targetColumn", &self.column),
        ];
        if let Some(i) = cx.schema.and_then(|s| s.index_of(&self.column)) {
            out.push(
                BrewStep::op("MOVE_TO_INDEX")
                    .param("sourceColumn", &self.column)
                    .param("targetIndex", i.to_string()),
            );
        }
        Ok(out)
    }
}

/// Which part `date_part` extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Year,
    Quarter,
    Month,
    /// ISO 8601 week number (1-53).
    Week,
    Day,
    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    Weekday,
    Hour,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Year => "year",
            Part::Quarter => "quarter",
            Part::Month => "month",
            Part::Week => "week",
            Part::Day => "day",
            Part::Weekday => "weekday",
            Part::Hour => "hour",
        }
    }
}

/// Put one part of a date or datetime (year, quarter, month, week, day, weekday, hour)
/// in a new int column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatePart {
    pub column: String,
    pub part: Part,
    pub to: String,
}

impl StepImpl for DatePart {
    fn describe(&self) -> String {
        format!("{} of {} into {}", self.part.name(), self.column, self.to)
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.temporal_column(&self.column);
        cx.new_name("to", &self.to);
        if self.part == Part::Hour && matches!(cx.schema.get(&self.column), Some(DataType::Date)) {
            cx.problem(format!(
                "column \"{}\" is a date without a time; it has no hour",
                self.column
            ));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let d = col(self.column.as_str()).dt();
        let e = match self.part {
            Part::Year => d.year(),
            Part::Quarter => d.quarter(),
            Part::Month => d.month(),
            Part::Week => d.week(),
            Part::Day => d.day(),
            Part::Weekday => d.weekday(),
            Part::Hour => d.hour(),
        };
        Ok(lf.with_column(cx.values(&self.to, e.cast(DataType::Int32))))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let c = py_col(&self.column);
        let e = match self.part {
            Part::Year => format!("F.year({c})"),
            Part::Quarter => format!("F.quarter({c})"),
            Part::Month => format!("F.month({c})"),
            Part::Week => format!("F.weekofyear({c})"),
            Part::Day => format!("F.dayofmonth({c})"),
            // Spark counts from Sunday = 1; wort (ISO) from Monday = 1.
            Part::Weekday => format!("(F.dayofweek({c}) + 5) % 7 + 1"),
            Part::Hour => format!("F.hour({c})"),
        };
        Ok(cx.set(&self.to, &format!("({e}).cast(\"int\")")))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let c = sql_ident(&self.column);
        let e = match self.part {
            Part::Year => format!("year({c})"),
            Part::Quarter => format!("quarter({c})"),
            Part::Month => format!("month({c})"),
            Part::Week => format!("weekofyear({c})"),
            Part::Day => format!("dayofmonth({c})"),
            Part::Weekday => format!("(dayofweek({c}) + 5) % 7 + 1"),
            Part::Hour => format!("hour({c})"),
        };
        let e = cx.value(&self.to, &format!("CAST({e} AS INT)"));
        Ok(cx.with_columns(&[(self.to.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let op = match self.part {
            Part::Year => "YEAR",
            Part::Quarter => "QUARTER",
            Part::Month => "MONTH",
            Part::Week => "WEEK_NUMBER",
            Part::Day => "DAY",
            Part::Weekday => "WEEK_DAY",
            Part::Hour => "HOUR",
        };
        Ok(vec![
            BrewStep::op(op)
                .param("sourceColumn", &self.column)
                .param("targetColumn", &self.to),
        ])
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["FORMAT_DATE", "DATE_FORMAT", "YEAR", "MONTH", "DAY", "HOUR", "QUARTER", "WEEK_NUMBER", "WEEK_DAY"], |op| {
        match op {
            "FORMAT_DATE" => {
                let layout = b.need("targetDateFormat")?;
                let f = FORMAT_DATE_LAYOUTS
                    .iter()
                    .find(|(b, _)| *b == layout)
                    .map(|(_, f)| *f)
                    .ok_or_else(|| format!("targetDateFormat {layout:?} is not one of the five"))?;
                one(json!({"op": "format_date", "column": b.src()?, "format": f}))
            }
            "DATE_FORMAT" => {
                let target = b.need("targetColumn")?;
                let f =
                    strftime_from_brew(b.get("dateTimeFormat").unwrap_or("yyyy-mm-dd HH:MM:SS"));
                Ok(vec![
                    json!({"op": "duplicate", "column": b.src()?, "to": target}),
                    json!({"op": "format_date", "column": target, "format": f}),
                ])
            }
            "YEAR" | "MONTH" | "DAY" | "HOUR" | "QUARTER" | "WEEK_NUMBER" | "WEEK_DAY" => {
                let part = match op {
                    "WEEK_NUMBER" => "week".to_string(),
                    "WEEK_DAY" => "weekday".to_string(),
                    o => o.to_ascii_lowercase(),
                };
                if b.get("value").is_some() {
                    return Err(
                        "a literal date (value) instead of a column has no wort equivalent".into(),
                    );
                }
                one(
                    json!({"op": "date_part", "column": b.src()?, "part": part, "to": b.need("targetColumn")?}),
                )
            }
            _ => Err(format!("{op} is not imported here")),
        }
    })
}
