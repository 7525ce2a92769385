//! Rounding and limits: round, truncate_number, clamp (see `numbers` for the shared
//! rules: kernels per value, whole numbers kept whole, failures counted).

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::numbers::{
    Num, brew_put, check_finite, check_to, float_map, int_map, into, put_one, py_put, sql_put,
};
use super::{ApplyCx, CheckCx, Kind, StepImpl};
use crate::transform::target::databrew::{BrewCx, BrewStep};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_str, sql_ident};

/// Decimal places for round and truncate_number.
fn check_digits(cx: &mut CheckCx, digits: i32) {
    if !(-15..=15).contains(&digits) {
        cx.problem(format!(
            "\"digits\" is {digits}; give a number of decimal places from -15 to 15"
        ));
    }
}

/// How `round` breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Halves away from zero (2.5 -> 3, -2.5 -> -3): Spark's round, DataBrew's ROUND.
    #[default]
    HalfUp,
    /// Halves to the even neighbour (2.5 -> 2, 3.5 -> 4): Spark's bround.
    HalfEven,
}

/// Round a float to `digits` decimal places as Spark does: on the shortest decimal
/// form of the double (so 2.675 is 2.675, and rounds up to 2.68).
pub fn round_float(x: f64, digits: i32, mode: Rounding) -> f64 {
    decimal_round(x, digits, |next, rest, odd| match mode {
        Rounding::HalfUp => next >= 5,
        Rounding::HalfEven => next > 5 || (next == 5 && (rest || odd)),
    })
}

/// Cut a float toward zero at `digits` decimal places as the exported job does: Spark
/// reads the double as DECIMAL(38, 18) (its shortest decimal form, rounded half up at
/// 18 places), then floors or ceils that. Values of 1e20 or more (whole numbers, too
/// big for the decimal) stay as they are.
pub fn truncate_float(x: f64, digits: i32) -> f64 {
    if x.is_nan() || x.abs() >= 1e20 {
        return x;
    }
    let x = round_float(x, 18, Rounding::HalfUp);
    decimal_round(x, digits, |_, _, _| false)
}

/// `x` at `digits` decimal places of its shortest decimal form; `up(next digit, any
/// non-zero digit after it, last kept digit odd)` says whether to round away from zero.
fn decimal_round(x: f64, digits: i32, up: impl Fn(u8, bool, bool) -> bool) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let s = format!("{:e}", x.abs());
    let Some((mant, exp)) = s.split_once('e') else {
        return x;
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return x;
    };
    let ds: Vec<u8> = mant
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Digit i stands for 10^(exp - i); keep those down to 10^-digits.
    let keep = exp + digits + 1;
    if keep >= ds.len() as i32 {
        return x;
    }
    if keep < 0 {
        return 0.0;
    }
    let keep = keep as usize;
    let next = ds[keep];
    let rest = ds[keep + 1..].iter().any(|d| *d != 0);
    let mut kept: Vec<u8> = ds[..keep].to_vec();
    let odd = kept.last().is_some_and(|d| d % 2 == 1);
    if up(next, rest, odd) {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let int: String = if kept.is_empty() {
        "0".into()
    } else {
        kept.iter().map(|d| char::from(b'0' + d)).collect()
    };
    let r: f64 = format!("{int}e{}", -digits).parse().unwrap_or(x);
    if x < 0.0 && r != 0.0 { -r } else { r }
}

/// Round a whole number to `digits` (negative: tens, hundreds...) as Spark does, which
/// keeps the low 64 bits when the result overflows.
pub fn round_int(x: i64, digits: i32, mode: Rounding) -> i64 {
    if digits >= 0 {
        return x;
    }
    let q = 10i128.pow(digits.unsigned_abs());
    let x = i128::from(x);
    let r = x % q;
    let base = x - r;
    let twice = r.abs() * 2;
    let up = match mode {
        Rounding::HalfUp => twice >= q,
        Rounding::HalfEven => twice > q || (twice == q && (base / q) % 2 != 0),
    };
    let out = if up { base + x.signum() * q } else { base };
    out as i64
}

/// Cut a whole number toward zero at `digits` (negative: tens, hundreds...).
pub fn truncate_int(x: i64, digits: i32) -> i64 {
    if digits >= 0 {
        return x;
    }
    let q = 10i64.pow(digits.unsigned_abs());
    x - x % q
}

/// Round to `digits` decimal places (negative: to tens, hundreds...); whole-number
/// columns stay whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Round {
    /// A numeric column.
    pub column: String,
    /// Decimal places, -15 to 15 (default 0).
    #[serde(default)]
    pub digits: i32,
    /// How ties go: half_up (default: away from zero, like Spark's round) or half_even
    /// (like Spark's bround).
    #[serde(default)]
    pub mode: Rounding,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StepImpl for Round {
    fn describe(&self) -> String {
        let into = into(self.to.as_deref());
        let ties = match self.mode {
            Rounding::HalfUp => "",
            Rounding::HalfEven => ", halves to even",
        };
        format!(
            "round {} to {} decimals{ties}{into}",
            self.column, self.digits
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        check_digits(cx, self.digits);
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(&self.column)?;
        let (d, m) = (self.digits, self.mode);
        let c = col(self.column.as_str());
        let value = if dt.is_integer() {
            int_map(c.clone(), move |x| Some(round_int(x, d, m)))
        } else {
            float_map(c.clone(), move |x| Some(round_float(x, d, m)))
        };
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!(
            "round_number(df, {}, {}, {})",
            py_str(&self.column),
            self.digits,
            py_str(self.func())
        );
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let ty = if cx.dtype(&self.column)?.is_integer() {
            "BIGINT"
        } else {
            "DOUBLE"
        };
        let e = format!(
            "{}(CAST({} AS {ty}), {})",
            self.func(),
            sql_ident(&self.column),
            self.digits
        );
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        if self.digits != 0 || self.mode != Rounding::HalfUp {
            return Err(
                "DataBrew's ROUND rounds to whole numbers, halves up; it has no digits or mode"
                    .into(),
            );
        }
        let step = BrewStep::op("ROUND").param("sourceColumn", &self.column);
        brew_put(cx, &self.column, self.to.as_deref(), step)
    }
}

impl Round {
    /// The Spark function.
    fn func(&self) -> &'static str {
        match self.mode {
            Rounding::HalfUp => "round",
            Rounding::HalfEven => "bround",
        }
    }
}

/// Cut toward zero at `digits` decimal places (negative: tens, hundreds...): 2.789 to
/// 2.78, -2.789 to -2.78. Whole-number columns stay whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TruncateNumber {
    /// A numeric column.
    pub column: String,
    /// Decimal places, -15 to 15 (default 0).
    #[serde(default)]
    pub digits: i32,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StepImpl for TruncateNumber {
    fn describe(&self) -> String {
        let into = into(self.to.as_deref());
        format!("cut {} to {} decimals{into}", self.column, self.digits)
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        check_digits(cx, self.digits);
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(&self.column)?;
        let d = self.digits;
        let c = col(self.column.as_str());
        let value = if dt.is_integer() {
            int_map(c.clone(), move |x| Some(truncate_int(x, d)))
        } else {
            float_map(c.clone(), move |x| Some(truncate_float(x, d)))
        };
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!(
            "truncate_number(df, {}, {})",
            py_str(&self.column),
            self.digits
        );
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let c = sql_ident(&self.column);
        let d = self.digits;
        let e = if cx.dtype(&self.column)?.is_integer() {
            let x = format!("CAST({c} AS BIGINT)");
            if d >= 0 {
                x
            } else {
                format!("({x} - {x} % {})", 10i64.pow(d.unsigned_abs()))
            }
        } else {
            let x = format!("CAST({c} AS DOUBLE)");
            let dec = format!("CAST({x} AS DECIMAL(38, 18))");
            format!(
                "CASE WHEN abs({x}) >= 1.0E20D THEN {x} WHEN {x} >= 0 THEN CAST(floor({dec}, {d}) AS DOUBLE) ELSE CAST(ceil({dec}, {d}) AS DOUBLE) END"
            )
        };
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew has no operation cutting numbers to a number of decimals".into())
    }
}

/// Limit values to a range: below `min` becomes `min`, above `max` becomes `max` (NaN and
/// nulls stay as they are). Whole-number columns stay whole when the bounds are whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clamp {
    /// A numeric column.
    pub column: String,
    /// The lowest value kept (none: no lower limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Number>,
    /// The highest value kept (none: no upper limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Number>,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Clamp {
    fn bounds(&self) -> (Option<Num>, Option<Num>) {
        (
            self.min.as_ref().map(Num::of),
            self.max.as_ref().map(Num::of),
        )
    }
    fn whole(&self, dt: &DataType) -> bool {
        let (lo, hi) = self.bounds();
        dt.is_integer()
            && ![lo, hi]
                .iter()
                .flatten()
                .any(|b| matches!(b, Num::Float(_)))
    }
}

impl StepImpl for Clamp {
    fn describe(&self) -> String {
        let show = |n: &Option<serde_json::Number>| {
            n.as_ref()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "…".into())
        };
        let into = into(self.to.as_deref());
        format!(
            "clamp {} to [{}, {}]{into}",
            self.column,
            show(&self.min),
            show(&self.max)
        )
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        for (field, v) in [("min", &self.min), ("max", &self.max)] {
            if let Some(v) = v {
                check_finite(cx, field, v);
            }
        }
        match self.bounds() {
            (None, None) => cx.problem("clamp needs \"min\", \"max\" or both"),
            (Some(lo), Some(hi)) if lo.f64() > hi.f64() => cx.problem(format!(
                "\"min\" ({}) is above \"max\" ({}); swap them",
                lo.text(),
                hi.text()
            )),
            _ => {}
        }
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(&self.column)?;
        let (lo, hi) = self.bounds();
        let c = col(self.column.as_str());
        let value = if self.whole(dt) {
            let as_int = |b: Option<Num>| match b {
                Some(Num::Int(i)) => Some(i),
                _ => None,
            };
            let (lo, hi) = (as_int(lo), as_int(hi));
            int_map(c.clone(), move |x| {
                Some(match (lo, hi) {
                    (Some(l), _) if x < l => l,
                    (_, Some(h)) if x > h => h,
                    _ => x,
                })
            })
        } else {
            let (lo, hi) = (lo.map(Num::f64), hi.map(Num::f64));
            float_map(c.clone(), move |x| {
                Some(match (lo, hi) {
                    (Some(l), _) if x < l => l,
                    (_, Some(h)) if x > h => h,
                    _ => x,
                })
            })
        };
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let (lo, hi) = self.bounds();
        let show = |b: Option<Num>| b.map(Num::py).unwrap_or_else(|| "None".into());
        let e = format!(
            "clamp_number(df, {}, {}, {})",
            py_str(&self.column),
            show(lo),
            show(hi)
        );
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let whole = self.whole(&cx.dtype(&self.column)?);
        let ty = if whole { "BIGINT" } else { "DOUBLE" };
        let x = format!("CAST({} AS {ty})", sql_ident(&self.column));
        let (lo, hi) = self.bounds();
        let mut arms = String::new();
        if !whole {
            arms.push_str(&format!(" WHEN isnan({x}) THEN {x}"));
        }
        if let Some(l) = lo {
            arms.push_str(&format!(
                " WHEN {x} < {l} THEN CAST({l} AS {ty})",
                l = l.sql()
            ));
        }
        if let Some(h) = hi {
            arms.push_str(&format!(
                " WHEN {x} > {h} THEN CAST({h} AS {ty})",
                h = h.sql()
            ));
        }
        let e = format!("CASE{arms} ELSE {x} END");
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, _cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        Err("DataBrew has no operation limiting values to a range".into())
    }
}
