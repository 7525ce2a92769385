//! Date arithmetic: date_add, date_diff, date_trunc, convert_timezone, unix_time,
//! from_unix_time.
//!
//! Datetimes are naive (no time zone), as everywhere in wort; the exported job runs its
//! Spark session in UTC, so both sides count the same seconds.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::numbers::{
    brew_put, check_to, counted, float_map, int_map, into, pair_map, put, put_one, py_put, sql_put,
};
use super::{ApplyCx, CheckCx, Kind, StepImpl, type_name};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_col, py_str, sql_ident, sql_str};

/// A calendar or clock unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Year,
    Quarter,
    Month,
    /// 7 days (date_trunc: back to Monday).
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

const MICROS: i64 = 1_000_000;

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Year => "year",
            Unit::Quarter => "quarter",
            Unit::Month => "month",
            Unit::Week => "week",
            Unit::Day => "day",
            Unit::Hour => "hour",
            Unit::Minute => "minute",
            Unit::Second => "second",
        }
    }
    /// A clock unit, which a date (no time of day) does not have.
    fn clock(self) -> bool {
        matches!(self, Unit::Hour | Unit::Minute | Unit::Second)
    }
    /// Months in a calendar unit (None for fixed-length units).
    fn months(self) -> Option<i64> {
        match self {
            Unit::Year => Some(12),
            Unit::Quarter => Some(3),
            Unit::Month => Some(1),
            _ => None,
        }
    }
    /// Microseconds in a fixed-length unit.
    fn micros(self) -> i64 {
        match self {
            Unit::Week => 7 * 86_400 * MICROS,
            Unit::Day => 86_400 * MICROS,
            Unit::Hour => 3_600 * MICROS,
            Unit::Minute => 60 * MICROS,
            _ => MICROS,
        }
    }
    /// The polars duration string for `n` units.
    fn polars(self, n: i64) -> String {
        let u = match self {
            Unit::Year => "y",
            Unit::Quarter => "q",
            Unit::Month => "mo",
            Unit::Week => "w",
            Unit::Day => "d",
            Unit::Hour => "h",
            Unit::Minute => "m",
            Unit::Second => "s",
        };
        format!("{n}{u}")
    }
    /// The unit in Spark's timestampadd / timestampdiff.
    fn spark(self) -> &'static str {
        match self {
            Unit::Year => "YEAR",
            Unit::Quarter => "QUARTER",
            Unit::Month => "MONTH",
            Unit::Week => "WEEK",
            Unit::Day => "DAY",
            Unit::Hour => "HOUR",
            Unit::Minute => "MINUTE",
            Unit::Second => "SECOND",
        }
    }
    /// DataBrew's `units`.
    fn brew(self) -> &'static str {
        match self {
            Unit::Year => "YEARS",
            Unit::Quarter => "QUARTERS",
            Unit::Month => "MONTHS",
            Unit::Week => "WEEKS",
            Unit::Day => "DAYS",
            Unit::Hour => "HOURS",
            Unit::Minute => "MINUTES",
            Unit::Second => "SECONDS",
        }
    }
    fn from_brew(s: &str) -> Result<Unit, String> {
        const ALL: [Unit; 8] = [
            Unit::Year,
            Unit::Quarter,
            Unit::Month,
            Unit::Week,
            Unit::Day,
            Unit::Hour,
            Unit::Minute,
            Unit::Second,
        ];
        ALL.into_iter()
            .find(|u| u.brew().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("units {s:?} has no wort equivalent (YEARS ... SECONDS)"))
    }
    /// The most of this unit `date_add` accepts: 10,000 years, and what Spark's
    /// timestampadd takes (a 32-bit count).
    fn max_amount(self) -> i64 {
        let most = match self.months() {
            Some(m) => 120_000 / m,
            None => 10_000 * 366 * 86_400 * MICROS / self.micros(),
        };
        most.min(i64::from(i32::MAX))
    }
}

/// The column must be a date or datetime; a clock unit needs a datetime.
fn check_temporal_unit(cx: &mut CheckCx, column: &str, unit: Unit) {
    cx.temporal_column(column);
    if unit.clock() && matches!(cx.schema.get(column), Some(DataType::Date)) {
        cx.problem(format!(
            "column \"{column}\" is a date without a time, so it has no {}s; cast it to datetime first or use a unit of a day or more",
            unit.name()
        ));
    }
}

/// Add (or, with a negative `amount`, subtract) years, quarters, months, weeks, days,
/// hours, minutes or seconds. Adding months keeps the day of the month, or moves to the
/// month's last day when it has fewer days (Jan 31 + 1 month = Feb 28/29), as Spark's
/// add_months does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateAdd {
    /// A date or datetime column.
    pub column: String,
    /// How many units (negative to go back).
    pub amount: i64,
    pub unit: Unit,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StepImpl for DateAdd {
    fn describe(&self) -> String {
        let into = into(self.to.as_deref());
        format!(
            "add {} {}s to {}{into}",
            self.amount,
            self.unit.name(),
            self.column
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        check_temporal_unit(cx, &self.column, self.unit);
        let most = self.unit.max_amount();
        if self.amount.unsigned_abs() > most.unsigned_abs() {
            cx.problem(format!(
                "\"amount\" {} is too large; give at most {most} {}s either way",
                self.amount,
                self.unit.name()
            ));
        }
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        if self.amount.unsigned_abs() > self.unit.max_amount().unsigned_abs() {
            polars_bail!(InvalidOperation: "date_add: amount {} is too large", self.amount);
        }
        let c = col(self.column.as_str());
        let value = c.clone().dt().offset_by(lit(self.unit.polars(self.amount)));
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!(
            "date_add_units(df, {}, {}, {})",
            py_str(&self.column),
            self.amount,
            py_str(self.unit.spark())
        );
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let c = sql_ident(&self.column);
        let n = self.amount;
        let e = match (cx.dtype(&self.column)?, self.unit.months()) {
            (DataType::Date, Some(m)) => format!("add_months({c}, {})", n * m),
            (DataType::Date, None) => format!(
                "date_add({c}, {})",
                n * self.unit.micros() / (86_400 * MICROS)
            ),
            _ => format!("timestampadd({}, {n}, {c})", self.unit.spark()),
        };
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let step = BrewStep::op("DATE_ADD")
            .param("sourceColumn", &self.column)
            .param("units", self.unit.brew())
            .param("dateAddValue", self.amount.to_string());
        brew_put(cx, &self.column, self.to.as_deref(), step)
    }
}

/// Parse a date or datetime written in a recipe: `2024-03-01`, `2024-03-01 12:30:00`
/// (or with a `T`).
fn parse_when(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0);
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Whole months from `start` to `end` (microseconds), truncated toward zero, as
/// java.time's ChronoUnit.MONTHS.between (and so Spark's timestampdiff) counts them: a
/// month is complete when the day of the month and the time of day are reached again.
fn months_between(start: i64, end: i64) -> Option<i64> {
    let s = chrono::DateTime::from_timestamp_micros(start)?.naive_utc();
    let e = chrono::DateTime::from_timestamp_micros(end)?.naive_utc();
    let mut ed = e.date();
    if ed > s.date() && e.time() < s.time() {
        ed = ed.pred_opt()?;
    } else if ed < s.date() && e.time() > s.time() {
        ed = ed.succ_opt()?;
    }
    let packed =
        |d: NaiveDate| (i64::from(d.year()) * 12 + i64::from(d.month0())) * 32 + i64::from(d.day());
    Some((packed(ed) - packed(s.date())) / 32)
}

/// A column as microseconds since 1970 (dates at midnight).
fn micros_of(e: Expr) -> Expr {
    e.cast(DataType::Datetime(TimeUnit::Microseconds, None))
        .dt()
        .timestamp(TimeUnit::Microseconds)
}

/// The difference `column` − `other` (another date/datetime column, or a `value` date)
/// in whole units, truncated toward zero (as Spark's timestampdiff(unit, other,
/// column)): 2024-01-31 to 2024-02-29 is 0 months; 23 hours is 0 days. Dates count
/// from midnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateDiff {
    /// A date or datetime column: the later end when the result is positive.
    pub column: String,
    /// A date or datetime column subtracted from `column` (or give `value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// A date (`2024-03-01`) or datetime (`2024-03-01 12:30:00`) subtracted from
    /// `column` (or give `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub unit: Unit,
    /// The int column to write.
    pub to: String,
}

impl DateDiff {
    fn literal(&self) -> Option<NaiveDateTime> {
        self.value.as_deref().and_then(parse_when)
    }
    /// The Spark SQL form of the operand subtracted.
    fn spark_start(&self) -> Result<String, String> {
        match (&self.other, self.literal()) {
            (Some(o), _) => Ok(format!("CAST({} AS TIMESTAMP_NTZ)", sql_ident(o))),
            (None, Some(t)) => Ok(format!(
                "TIMESTAMP_NTZ {}",
                sql_str(&t.format("%Y-%m-%d %H:%M:%S%.6f").to_string())
            )),
            (None, None) => Err("needs \"other\" or a \"value\" date".into()),
        }
    }
    fn spark(&self) -> Result<String, String> {
        Ok(format!(
            "timestampdiff({}, {}, CAST({} AS TIMESTAMP_NTZ))",
            self.unit.spark(),
            self.spark_start()?,
            sql_ident(&self.column)
        ))
    }
}

impl StepImpl for DateDiff {
    fn describe(&self) -> String {
        let other = self
            .other
            .clone()
            .or_else(|| self.value.clone())
            .unwrap_or_else(|| "?".into());
        format!(
            "{}s from {other} to {} into {}",
            self.unit.name(),
            self.column,
            self.to
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        // Dates count from midnight, so every unit works on them.
        cx.temporal_column(&self.column);
        match (&self.other, &self.value) {
            (Some(o), None) => cx.temporal_column(o),
            (None, Some(v)) => {
                if parse_when(v).is_none() {
                    cx.problem(format!(
                        "\"value\" {v:?} is not a date; write it as 2024-03-01 or 2024-03-01 12:30:00"
                    ));
                }
            }
            _ => cx.problem(
                "date_diff needs exactly one of \"other\" (a date column) or \"value\" (a date)",
            ),
        }
        cx.new_name("to", &self.to);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let end = micros_of(col(self.column.as_str()));
        let (start, given) = match (&self.other, self.literal()) {
            (Some(o), _) => (
                micros_of(col(o.as_str())),
                col(self.column.as_str())
                    .is_not_null()
                    .and(col(o.as_str()).is_not_null()),
            ),
            (None, Some(t)) => (
                lit(t.and_utc().timestamp_micros()),
                col(self.column.as_str()).is_not_null(),
            ),
            (None, None) => polars_bail!(InvalidOperation: "date_diff needs other or value"),
        };
        let value = match self.unit.months() {
            Some(m) => {
                pair_map::<Int64Type>(start, end, move |s, e| months_between(s, e).map(|n| n / m))
            }
            None => {
                let u = self.unit.micros();
                pair_map::<Int64Type>(start, end, move |s, e| e.checked_sub(s).map(|d| d / u))
            }
        };
        let value = value.alias(self.to.as_str());
        Ok(put(lf, cx, &self.to, None, given, value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        Ok(cx.set(&self.to, &format!("F.expr({})", py_str(&self.spark()?))))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        Ok(sql_put(cx, &self.to, None, &self.spark()?))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        // DataBrew counts from the first operand to the second.
        let step = BrewStep::op("DATE_DIFF").param("units", self.unit.brew());
        let step = match (&self.other, &self.value) {
            (Some(o), _) => step.param("sourceColumn1", o),
            (None, Some(v)) => step.param("value1", v),
            (None, None) => return Err("needs \"other\" or \"value\"".into()),
        };
        let step = step.param("sourceColumn2", &self.column);
        brew_put(cx, &self.column, Some(&self.to), step)
    }
}

/// Cut a date or datetime back to the start of its year, quarter, month, week (Monday),
/// day, hour, minute or second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateTrunc {
    /// A date or datetime column.
    pub column: String,
    pub unit: Unit,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StepImpl for DateTrunc {
    fn describe(&self) -> String {
        let into = into(self.to.as_deref());
        format!("{} back to its {}{into}", self.column, self.unit.name())
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        check_temporal_unit(cx, &self.column, self.unit);
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let c = col(self.column.as_str());
        let value = c.clone().dt().truncate(lit(self.unit.polars(1)));
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!(
            "date_trunc_unit(df, {}, {})",
            py_str(&self.column),
            py_str(self.unit.spark())
        );
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let c = sql_ident(&self.column);
        let u = self.unit.spark();
        let e = match cx.dtype(&self.column)? {
            DataType::Date if self.unit == Unit::Day => c,
            DataType::Date => format!("trunc({c}, '{u}')"),
            _ => format!("CAST(date_trunc('{u}', {c}) AS TIMESTAMP_NTZ)"),
        };
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew has no operation truncating a date to a unit".into())
    }
}

/// Whether polars (and so Spark, which reads the same IANA database) knows the zone.
fn check_zone(cx: &mut CheckCx, field: &str, zone: &str) {
    if zone.trim().is_empty() || TimeZone::validate_time_zone(zone).is_err() {
        cx.problem(format!(
            "\"{field}\" {zone:?} is not an IANA time zone name (Europe/Paris, America/New_York, UTC...)"
        ));
    }
}

/// Read naive datetimes as wall-clock times in zone `from` and write the same instants
/// as wall-clock times in `to_zone` (IANA names). A time that occurs twice in `from`
/// (clocks going back) is read as the first; a time that does not exist there (clocks
/// going forward) becomes null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertTimezone {
    /// A datetime column.
    pub column: String,
    /// The zone the values are in now, e.g. "America/New_York".
    pub from: String,
    /// The zone to express them in, e.g. "UTC".
    pub to_zone: String,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl ConvertTimezone {
    fn spark(&self, c: &str) -> String {
        let (f, t) = (sql_str(&self.from), sql_str(&self.to_zone));
        format!(
            "CASE WHEN convert_timezone('UTC', {f}, convert_timezone({f}, 'UTC', {c})) = {c} THEN convert_timezone({f}, {t}, {c}) END"
        )
    }
}

impl StepImpl for ConvertTimezone {
    fn describe(&self) -> String {
        let into = into(self.to.as_deref());
        format!(
            "{} from {} time to {} time{into}",
            self.column, self.from, self.to_zone
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        if let Some(dt) = cx.column(&self.column)
            && !matches!(dt, DataType::Datetime(_, None))
        {
            cx.problem(format!(
                "column \"{}\" is {}, not a datetime; parse or cast it to datetime first",
                self.column,
                type_name(&dt)
            ));
        }
        check_zone(cx, "from", &self.from);
        check_zone(cx, "to_zone", &self.to_zone);
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let zone = |z: &str| TimeZone::opt_try_new(Some(z));
        let (Some(from), Some(to)) = (zone(&self.from)?, zone(&self.to_zone)?) else {
            polars_bail!(InvalidOperation: "convert_timezone needs two time zones");
        };
        let c = col(self.column.as_str());
        let value = c
            .clone()
            .dt()
            .replace_time_zone(Some(from), lit("earliest"), NonExistent::Null)
            .dt()
            .convert_time_zone(to)
            .dt()
            .replace_time_zone(None, lit("raise"), NonExistent::Raise);
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!("F.expr({})", py_str(&self.spark(&sql_ident(&self.column))));
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let e = self.spark(&sql_ident(&self.column));
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew's CONVERT_TIMEZONE parameters are not documented".into())
    }
}

/// Steps that change a column's type (unix_time, from_unix_time): written into `to`,
/// they follow `where` like the others; written over `column`, every value is converted
/// (a column has one type) and the failures are counted where `where` holds.
fn put_retyped(
    lf: LazyFrame,
    cx: &ApplyCx,
    column: &str,
    to: Option<&str>,
    value: Expr,
) -> LazyFrame {
    if to.is_some() {
        return put_one(lf, cx, column, to, value);
    }
    let value = counted(cx, column, col(column).is_not_null(), value);
    lf.with_column(value.alias(column))
}

/// `put_retyped` in the PySpark job.
fn py_retyped(cx: &PyCx, column: &str, to: Option<&str>, e: &str) -> String {
    match to {
        Some(_) => py_put(cx, column, to, e),
        None => format!("df = df.withColumn({}, {e})", py_str(column)),
    }
}

/// `put_retyped` in SQL.
fn sql_retyped(cx: &SqlCx, column: &str, to: Option<&str>, e: &str) -> String {
    match to {
        Some(_) => sql_put(cx, column, to, e),
        None => cx.with_columns(&[(column.to_string(), e.to_string())]),
    }
}

/// A date or datetime as whole seconds since 1970-01-01 00:00:00 (an int; earlier
/// times are negative, fractions of a second are dropped toward the past).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnixTime {
    /// A date or datetime column.
    pub column: String,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StepImpl for UnixTime {
    fn describe(&self) -> String {
        match &self.to {
            Some(t) => format!("seconds since 1970 of {} into {t}", self.column),
            None => format!("{} as seconds since 1970", self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.temporal_column(&self.column);
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let c = col(self.column.as_str());
        let value = int_map(micros_of(c.clone()), |us| Some(us.div_euclid(MICROS)));
        Ok(put_retyped(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!(
            "F.unix_seconds({}.cast(\"timestamp\"))",
            py_col(&self.column)
        );
        Ok(py_retyped(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let e = format!(
            "unix_seconds(CAST({} AS TIMESTAMP))",
            sql_ident(&self.column)
        );
        Ok(sql_retyped(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let step = BrewStep::op("UNIX_TIME").param("sourceColumn", &self.column);
        brew_put(cx, &self.column, self.to.as_deref(), step)
    }
}

/// Seconds since 1970 before year 1 and after year 9999 have no datetime.
const FIRST_SECOND: i64 = -62_135_596_800;
const LAST_SECOND: i64 = 253_402_300_799;

/// Seconds since 1970-01-01 00:00:00 (int or float) as a datetime; fractions keep
/// their microseconds (truncated toward zero). Values before year 1 or after year 9999
/// become null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FromUnixTime {
    /// A numeric column of seconds.
    pub column: String,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StepImpl for FromUnixTime {
    fn describe(&self) -> String {
        match &self.to {
            Some(t) => format!("datetime of {} seconds since 1970 into {t}", self.column),
            None => format!("{} (seconds since 1970) as a datetime", self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(&self.column)?;
        let c = col(self.column.as_str());
        let range = FIRST_SECOND..=LAST_SECOND;
        let micros = if dt.is_integer() {
            int_map(c.clone(), move |s| range.contains(&s).then(|| s * MICROS))
        } else {
            let (lo, hi) = (FIRST_SECOND as f64, LAST_SECOND as f64);
            let us = float_map(c.clone(), move |s| {
                (s >= lo && s <= hi).then(|| (s * MICROS as f64).trunc())
            });
            us.cast(DataType::Int64)
        };
        let value = micros.cast(DataType::Datetime(TimeUnit::Microseconds, None));
        Ok(put_retyped(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!("from_unix_seconds(df, {})", py_str(&self.column));
        Ok(py_retyped(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let ty = if cx.dtype(&self.column)?.is_integer() {
            "BIGINT"
        } else {
            "DOUBLE"
        };
        let x = format!("CAST({} AS {ty})", sql_ident(&self.column));
        let e = format!(
            "CASE WHEN {x} BETWEEN {FIRST_SECOND} AND {LAST_SECOND} THEN CAST(timestamp_seconds({x}) AS TIMESTAMP_NTZ) END"
        );
        Ok(sql_retyped(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew's UNIX_TIME_FORMAT writes text, not a datetime".into())
    }
}

/// The DataBrew operations this file imports (called from `numbers::from_databrew`).
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["DATE_ADD", "DATE_DIFF", "UNIX_TIME"], |op| {
        if b.get("dateTimeFormat").is_some() {
            return Err("dateTimeFormat (text output) has no wort equivalent here; format_date can follow".into());
        }
        let to = b.need("targetColumn")?;
        match op {
            "DATE_ADD" => {
                if b.get("value").is_some() {
                    return Err("a literal date (value) instead of a column has no wort equivalent".into());
                }
                let n = b.need("dateAddValue")?;
                let amount: i64 = n
                    .trim()
                    .parse()
                    .map_err(|_| format!("dateAddValue {n:?} is not a whole number"))?;
                let unit = Unit::from_brew(&b.need("units")?)?;
                one(json!({"op": "date_add", "column": b.src()?, "amount": amount, "unit": unit, "to": to}))
            }
            "DATE_DIFF" => {
                let unit = Unit::from_brew(&b.need("units")?)?;
                let column = b
                    .need("sourceColumn2")
                    .map_err(|_| "a literal second date (value2) has no wort equivalent".to_string())?;
                let mut v = json!({"op": "date_diff", "column": column, "unit": unit, "to": to});
                match (b.get("sourceColumn1"), b.get("value1")) {
                    (Some(c), None) => v["other"] = json!(c),
                    (None, Some(d)) => v["value"] = json!(d),
                    _ => return Err("needs one of sourceColumn1 or value1".into()),
                }
                one(v)
            }
            "UNIX_TIME" => one(json!({"op": "unix_time", "column": b.src()?, "to": to})),
            _ => Err(format!("{op} is not imported here")),
        }
    })
}
