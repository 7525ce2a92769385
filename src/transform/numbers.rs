//! Numeric functions: one-column functions (abs, floor, sqrt, ln...), arithmetic with
//! another column or a number (add ... power), round, log, clamp, is_even/is_odd.
//!
//! Every value goes through one Rust kernel per function (`int` for whole numbers,
//! `float` otherwise), so wort's result does not depend on how polars happens to round
//! or overflow; the exported job reproduces the same rules with Spark functions (the
//! `numbers` block of the job's runtime). Whole-number columns give whole numbers where
//! the function keeps them whole (abs, negate, sign, floor, ceil, add, subtract,
//! multiply, modulo, round, clamp; 64-bit, wrapping on overflow as Spark does without
//! ANSI mode); everything else gives floats.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApplyCx, CheckCx, Kind, StepImpl, type_name};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported, one};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_float, py_str, sql_ident};

// ---------------------------------------------------------------------------------------
// Shared by every numeric step (and the date arithmetic in `datemath`)

/// A number written in a recipe: whole or not, as JSON wrote it (`2` vs `2.0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub fn of(n: &serde_json::Number) -> Num {
        match n.as_i64() {
            Some(i) => Num::Int(i),
            None => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
        }
    }
    pub fn f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
    /// As Python source.
    pub fn py(self) -> String {
        match self {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => py_float(f),
        }
    }
    /// As Spark SQL source (doubles written as doubles, never decimals).
    pub fn sql(self) -> String {
        match self {
            Num::Int(i) => format!("CAST({i} AS BIGINT)"),
            Num::Float(f) => format!("CAST('{f:?}' AS DOUBLE)"),
        }
    }
    /// As a DataBrew parameter.
    pub fn text(self) -> String {
        match self {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => format!("{f:?}"),
        }
    }
}

/// A DataBrew number parameter as JSON (whole numbers as JSON integers).
pub fn brew_number(key: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str::<serde_json::Number>(text.trim())
        .map(Value::Number)
        .map_err(|_| format!("parameter \"{key}\" is not a number: {text:?}"))
}

/// A recipe number that must be finite.
pub fn check_finite(cx: &mut CheckCx, field: &str, v: &serde_json::Number) {
    if !Num::of(v).f64().is_finite() {
        cx.problem(format!("\"{field}\" must be a finite number"));
    }
}

/// " into TO" for `describe`, when the step writes a new column.
pub fn into(to: Option<&str>) -> String {
    to.map(|t| format!(" into {t}")).unwrap_or_default()
}

/// The SQL setting `to` (or `column`) to `e` where the condition holds.
pub fn sql_put(cx: &SqlCx, column: &str, to: Option<&str>, e: &str) -> String {
    let name = to.unwrap_or(column).to_string();
    cx.with_columns(&[(name.clone(), cx.value(&name, e))])
}

/// `put` of a one-column function: failures are values that were there.
pub fn put_one(
    lf: LazyFrame,
    cx: &ApplyCx,
    column: &str,
    to: Option<&str>,
    value: Expr,
) -> LazyFrame {
    put(lf, cx, column, to, col(column).is_not_null(), value)
}

/// The PySpark statement setting `to` (or `column`) to `e` where the condition holds.
pub fn py_put(cx: &PyCx, column: &str, to: Option<&str>, e: &str) -> String {
    cx.set(to.unwrap_or(column), e)
}

/// `to`, when given, must name a column.
pub fn check_to(cx: &mut CheckCx, to: Option<&str>) {
    if let Some(t) = to {
        cx.new_name("to", t);
    }
}

/// Write `value` into `to` (or over `column`) where the step's `where` holds; values
/// that became null although every input (`given`) was there are counted.
pub fn put(
    lf: LazyFrame,
    cx: &ApplyCx,
    column: &str,
    to: Option<&str>,
    given: Expr,
    value: Expr,
) -> LazyFrame {
    let value = counted(cx, column, given, value);
    lf.with_column(cx.values(to.unwrap_or(column), value))
}

/// `value`, counting the rows (where the step's `where` holds) where it is null although
/// every input (`given`) was there.
pub fn counted(cx: &ApplyCx, column: &str, given: Expr, value: Expr) -> Expr {
    let present = match cx.mask() {
        Some(m) => given.and(m),
        None => given,
    };
    let label = format!("values of {column} with no result became null");
    cx.count_loss(value, present, column, &label)
}

/// The DataBrew steps for an operation writing `targetColumn`: straight into `to`, or,
/// in place, into a temporary column that then replaces `column` at its position.
pub fn brew_put(
    cx: &BrewCx,
    column: &str,
    to: Option<&str>,
    step: BrewStep,
) -> Result<Vec<BrewStep>, String> {
    cx.no_where()?;
    if let Some(t) = to {
        return Ok(vec![step.param("targetColumn", t)]);
    }
    let tmp = format!("{column}__wort_new");
    let mut out = vec![
        step.param("targetColumn", &tmp),
        BrewStep::op("DELETE").param("sourceColumn", column),
        BrewStep::op("RENAME")
            .param("sourceColumn", &tmp)
            .param("targetColumn", column),
    ];
    if let Some(i) = cx.schema.and_then(|s| s.index_of(column)) {
        out.push(
            BrewStep::op("MOVE_TO_INDEX")
                .param("sourceColumn", column)
                .param("targetIndex", i.to_string()),
        );
    }
    Ok(out)
}

/// `int` on every value of a whole-number expression (as i64); None becomes null.
pub(crate) fn int_map(e: Expr, f: impl Fn(i64) -> Option<i64> + Send + Sync + 'static) -> Expr {
    e.cast(DataType::Int64).map(
        move |c: Column| {
            let out: Int64Chunked = c.i64()?.iter().map(|o| o.and_then(&f)).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, fl| Ok(Field::new(fl.name().clone(), DataType::Int64)),
    )
}

/// `float` on every value of a numeric expression (as f64); None becomes null.
pub(crate) fn float_map(e: Expr, f: impl Fn(f64) -> Option<f64> + Send + Sync + 'static) -> Expr {
    e.cast(DataType::Float64).map(
        move |c: Column| {
            let out: Float64Chunked = c.f64()?.iter().map(|o| o.and_then(&f)).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, fl| Ok(Field::new(fl.name().clone(), DataType::Float64)),
    )
}

/// `f` on the pairs of values of two expressions cast to `T` (null if either is null).
pub(crate) fn pair_map<T>(
    a: Expr,
    b: Expr,
    f: impl Fn(T::Native, T::Native) -> Option<T::Native> + Send + Sync + 'static,
) -> Expr
where
    T: PolarsNumericType,
    ChunkedArray<T>: IntoColumn,
{
    let dt = T::get_static_dtype();
    let out_dt = dt.clone();
    a.cast(dt.clone()).map_many(
        move |cols: &mut [Column]| {
            let name = cols[0].name().clone();
            let mut x = cols[0].cast(&out_dt)?;
            let mut y = cols[1].cast(&out_dt)?;
            // A literal operand comes as one value: repeat it along the other.
            if x.len() == 1 && y.len() != 1 {
                x = x.new_from_index(0, y.len());
            } else if y.len() == 1 && x.len() != 1 {
                y = y.new_from_index(0, x.len());
            }
            let (x, y) = (x.as_materialized_series(), y.as_materialized_series());
            let (x, y): (&ChunkedArray<T>, &ChunkedArray<T>) = (x.unpack()?, y.unpack()?);
            let out: ChunkedArray<T> = x
                .iter()
                .zip(y.iter())
                .map(|(p, q)| p.zip(q).and_then(|(p, q)| f(p, q)))
                .collect();
            Ok(out.with_name(name).into_column())
        },
        &[b.cast(dt.clone())],
        move |_, fs| Ok(Field::new(fs[0].name().clone(), dt.clone())),
    )
}

// ---------------------------------------------------------------------------------------
// One-column functions

/// A one-column function: its kernels and its Spark SQL forms.
pub struct UnaryDef {
    op: &'static str,
    /// For `describe`: "square root of".
    what: &'static str,
    /// The DataBrew operation (writes `targetColumn`), or "".
    brew: &'static str,
    /// The whole-number form (None: whole numbers are read as floats).
    int: Option<fn(i64) -> Option<i64>>,
    float: fn(f64) -> Option<f64>,
    /// Spark SQL over `{x}` (a BIGINT) for whole numbers.
    sql_int: &'static str,
    /// Spark SQL over `{x}` (a DOUBLE).
    sql_float: &'static str,
}

/// Java's Math.signum: zeros and NaN stay as they are.
fn signum(x: f64) -> Option<f64> {
    Some(if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    })
}

/// `floor`/`ceil` of a double in Spark, which goes through a BIGINT: doubles of 2^52 or
/// more are whole already and stay as they are.
const SQL_WHOLE: &str =
    "CASE WHEN abs({x}) >= 4503599627370496.0D THEN {x} ELSE CAST({f}({x}) AS DOUBLE) END";

pub const ABS: UnaryDef = UnaryDef {
    op: "abs",
    what: "absolute value of",
    brew: "ABSOLUTE",
    int: Some(|x| Some(x.wrapping_abs())),
    float: |x| Some(x.abs()),
    sql_int: "abs({x})",
    sql_float: "abs({x})",
};
pub const NEGATE: UnaryDef = UnaryDef {
    op: "negate",
    what: "negated",
    brew: "NEGATE",
    int: Some(|x| Some(x.wrapping_neg())),
    float: |x| Some(-x),
    sql_int: "(- {x})",
    sql_float: "(- {x})",
};
pub const SIGN: UnaryDef = UnaryDef {
    op: "sign",
    what: "sign of",
    brew: "SIGN",
    int: Some(|x| Some(x.signum())),
    float: signum,
    sql_int: "CAST(signum({x}) AS BIGINT)",
    sql_float: "signum({x})",
};
pub const FLOOR: UnaryDef = UnaryDef {
    op: "floor",
    what: "floor of",
    brew: "FLOOR",
    int: Some(Some),
    float: |x| Some(x.floor()),
    sql_int: "{x}",
    sql_float: "floor",
};
pub const CEIL: UnaryDef = UnaryDef {
    op: "ceil",
    what: "ceiling of",
    brew: "CEILING",
    int: Some(Some),
    float: |x| Some(x.ceil()),
    sql_int: "{x}",
    sql_float: "ceil",
};
pub const SQRT: UnaryDef = UnaryDef {
    op: "sqrt",
    what: "square root of",
    brew: "SQUARE_ROOT",
    int: None,
    float: |x| (x >= 0.0 || x.is_nan()).then(|| x.sqrt()),
    sql_int: "",
    sql_float: "CASE WHEN {x} >= 0 THEN sqrt({x}) END",
};
pub const LN: UnaryDef = UnaryDef {
    op: "ln",
    what: "natural logarithm of",
    brew: "LN",
    int: None,
    float: |x| (x > 0.0 || x.is_nan()).then(|| x.ln()),
    sql_int: "",
    sql_float: "ln({x})",
};
pub const EXP: UnaryDef = UnaryDef {
    op: "exp",
    what: "e to the power of",
    brew: "EXPONENT",
    int: None,
    float: |x| Some(x.exp()),
    sql_int: "",
    sql_float: "exp({x})",
};
pub const DEGREES: UnaryDef = UnaryDef {
    op: "degrees",
    what: "degrees from radians in",
    brew: "DEGREES",
    int: None,
    float: |x| Some(x.to_degrees()),
    sql_int: "",
    sql_float: "degrees({x})",
};
pub const RADIANS: UnaryDef = UnaryDef {
    op: "radians",
    what: "radians from degrees in",
    brew: "RADIANS",
    int: None,
    float: |x| Some(x.to_radians()),
    sql_int: "",
    sql_float: "radians({x})",
};

const UNARY: &[&UnaryDef] = &[
    &ABS, &NEGATE, &SIGN, &FLOOR, &CEIL, &SQRT, &LN, &EXP, &DEGREES, &RADIANS,
];

impl UnaryDef {
    fn describe(&self, column: &str, to: Option<&str>) -> String {
        match to {
            Some(t) => format!("{} {column} into {t}", self.what),
            None => format!("{} {column}", self.what),
        }
    }
    fn check(&self, cx: &mut CheckCx, column: &str, to: Option<&str>) {
        cx.numeric_column(column);
        check_to(cx, to);
    }
    fn apply(
        &self,
        lf: LazyFrame,
        cx: &ApplyCx,
        column: &str,
        to: Option<&str>,
    ) -> PolarsResult<LazyFrame> {
        let dt = cx.schema.try_get(column)?;
        let c = col(column);
        let value = match self.int {
            Some(f) if dt.is_integer() => int_map(c.clone(), f),
            _ => float_map(c.clone(), self.float),
        };
        Ok(put(lf, cx, column, to, c.is_not_null(), value))
    }
    fn pyspark(&self, cx: &PyCx, column: &str, to: Option<&str>) -> String {
        let e = format!("num_unary(df, {}, {})", py_str(column), py_str(self.op));
        cx.set(to.unwrap_or(column), &e)
    }
    fn sql(&self, cx: &SqlCx, column: &str, to: Option<&str>) -> Result<String, String> {
        let dt = cx.dtype(column)?;
        let c = sql_ident(column);
        let e = match self.int {
            Some(_) if dt.is_integer() => {
                self.sql_int.replace("{x}", &format!("CAST({c} AS BIGINT)"))
            }
            _ => {
                let x = format!("CAST({c} AS DOUBLE)");
                if self.sql_float.contains("{x}") {
                    self.sql_float.replace("{x}", &x)
                } else {
                    SQL_WHOLE.replace("{f}", self.sql_float).replace("{x}", &x)
                }
            }
        };
        Ok(sql_put(cx, column, to, &e))
    }
    fn databrew(
        &self,
        cx: &BrewCx,
        column: &str,
        to: Option<&str>,
    ) -> Result<Vec<BrewStep>, String> {
        let step = BrewStep::op(self.brew).param("sourceColumn", column);
        brew_put(cx, column, to, step)
    }
}

/// A step `{column, to?}` applying one `UnaryDef`.
macro_rules! unary_step {
    ($(#[$doc:meta])* $ty:ident, $def:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $ty {
            /// A numeric column.
            pub column: String,
            /// The column to write (default: replace `column`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub to: Option<String>,
        }

        impl StepImpl for $ty {
            fn describe(&self) -> String {
                $def.describe(&self.column, self.to.as_deref())
            }
            fn kind(&self) -> Kind {
                Kind::Values
            }
            fn check(&self, cx: &mut CheckCx) {
                $def.check(cx, &self.column, self.to.as_deref())
            }
            fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
                $def.apply(lf, cx, &self.column, self.to.as_deref())
            }
            fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
                Ok($def.pyspark(cx, &self.column, self.to.as_deref()))
            }
            fn sql(&self, cx: &SqlCx) -> Result<String, String> {
                $def.sql(cx, &self.column, self.to.as_deref())
            }
            fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                $def.databrew(cx, &self.column, self.to.as_deref())
            }
        }
    };
}

unary_step!(
    /// The absolute value (whole numbers stay whole).
    Abs, ABS
);
unary_step!(
    /// The value with its sign flipped.
    Negate, NEGATE
);
unary_step!(
    /// -1, 0 or 1 by the sign of the value (floats keep -0.0 and NaN as they are).
    Sign, SIGN
);
unary_step!(
    /// The largest whole number not above the value (floats stay floats).
    Floor, FLOOR
);
unary_step!(
    /// The smallest whole number not below the value (floats stay floats).
    Ceil, CEIL
);
unary_step!(
    /// The square root (a float); negative values have none and become null.
    Sqrt, SQRT
);
unary_step!(
    /// The natural logarithm (a float); zero and negative values become null.
    Ln, LN
);
unary_step!(
    /// e to the power of the value (a float; overflows to infinity).
    Exp, EXP
);
unary_step!(
    /// Radians to degrees (a float).
    Degrees, DEGREES
);
unary_step!(
    /// Degrees to radians (a float).
    Radians, RADIANS
);

// ---------------------------------------------------------------------------------------
// Arithmetic with another column or a number

/// A two-operand function.
pub struct BinaryDef {
    op: &'static str,
    /// For `describe`: "{a} + {b}".
    shape: &'static str,
    /// The DataBrew operation, or "".
    brew: &'static str,
    int: Option<fn(i64, i64) -> Option<i64>>,
    float: fn(f64, f64) -> Option<f64>,
    /// Spark SQL over `{a}` and `{b}` (both BIGINT or both DOUBLE).
    sql: &'static str,
}

pub const ADD: BinaryDef = BinaryDef {
    op: "add",
    shape: "{a} + {b}",
    brew: "ADD",
    int: Some(|a, b| Some(a.wrapping_add(b))),
    float: |a, b| Some(a + b),
    sql: "({a} + {b})",
};
pub const SUBTRACT: BinaryDef = BinaryDef {
    op: "subtract",
    shape: "{a} - {b}",
    brew: "SUBTRACT",
    int: Some(|a, b| Some(a.wrapping_sub(b))),
    float: |a, b| Some(a - b),
    sql: "({a} - {b})",
};
pub const MULTIPLY: BinaryDef = BinaryDef {
    op: "multiply",
    shape: "{a} * {b}",
    brew: "MULTIPLY",
    int: Some(|a, b| Some(a.wrapping_mul(b))),
    float: |a, b| Some(a * b),
    sql: "({a} * {b})",
};
pub const DIVIDE: BinaryDef = BinaryDef {
    op: "divide",
    shape: "{a} / {b}",
    brew: "DIVIDE",
    int: None,
    float: |a, b| (b != 0.0).then_some(a / b),
    sql: "CASE WHEN {b} <> 0 THEN {a} / {b} END",
};
pub const MODULO: BinaryDef = BinaryDef {
    op: "modulo",
    shape: "{a} mod {b}",
    brew: "MOD",
    int: Some(|a, b| (b != 0).then(|| a.wrapping_rem(b))),
    float: |a, b| (b != 0.0).then_some(a % b),
    sql: "CASE WHEN {b} <> 0 THEN {a} % {b} END",
};
pub const POWER: BinaryDef = BinaryDef {
    op: "power",
    shape: "{a} ^ {b}",
    brew: "POWER",
    int: None,
    float: |a, b| {
        if b.is_nan() {
            return Some(f64::NAN);
        }
        let r = a.powf(b);
        (!r.is_nan() || a.is_nan()).then_some(r)
    },
    sql: "CASE WHEN NOT isnan(pow({a}, {b})) OR isnan({a}) OR isnan({b}) THEN pow({a}, {b}) END",
};

const BINARY: &[&BinaryDef] = &[&ADD, &SUBTRACT, &MULTIPLY, &DIVIDE, &MODULO, &POWER];

/// The operands of a two-operand step.
struct Operands<'a> {
    column: &'a str,
    other: Option<&'a str>,
    value: Option<&'a serde_json::Number>,
    to: Option<&'a str>,
}

impl BinaryDef {
    fn describe(&self, o: &Operands) -> String {
        let b = match (o.other, o.value) {
            (Some(c), _) => c.to_string(),
            (None, Some(v)) => v.to_string(),
            (None, None) => "?".into(),
        };
        let e = self.shape.replace("{a}", o.column).replace("{b}", &b);
        match o.to {
            Some(t) => format!("{t} = {e}"),
            None => format!("{} = {e}", o.column),
        }
    }
    fn check(&self, cx: &mut CheckCx, o: &Operands) {
        cx.numeric_column(o.column);
        match (o.other, o.value) {
            (Some(c), None) => cx.numeric_column(c),
            (None, Some(v)) => check_finite(cx, "value", v),
            _ => cx.problem(format!(
                "{} needs exactly one of \"other\" (a numeric column) or \"value\" (a number)",
                self.op
            )),
        }
        check_to(cx, o.to);
    }
    /// Whether both operands are whole numbers and the function keeps them whole.
    fn whole(&self, a: &DataType, b: Option<&DataType>, v: Option<Num>) -> bool {
        self.int.is_some()
            && a.is_integer()
            && match (b, v) {
                (Some(b), _) => b.is_integer(),
                (None, Some(Num::Int(_))) => true,
                _ => false,
            }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx, o: &Operands) -> PolarsResult<LazyFrame> {
        let a_dt = cx.schema.try_get(o.column)?;
        let b_dt = match o.other {
            Some(b) => Some(cx.schema.try_get(b)?),
            None => None,
        };
        let v = o.value.map(Num::of);
        let whole = self.whole(a_dt, b_dt, v);
        let a = col(o.column);
        let (value, given) = match (o.other, v, self.int) {
            (Some(b), _, Some(f)) if whole => (
                pair_map::<Int64Type>(a.clone(), col(b), f),
                a.clone().is_not_null().and(col(b).is_not_null()),
            ),
            (Some(b), _, _) => (
                pair_map::<Float64Type>(a.clone(), col(b), self.float),
                a.clone().is_not_null().and(col(b).is_not_null()),
            ),
            (None, Some(Num::Int(v)), Some(f)) if whole => (
                int_map(a.clone(), move |x| f(x, v)),
                a.clone().is_not_null(),
            ),
            (None, Some(v), _) => {
                let (f, v) = (self.float, v.f64());
                (
                    float_map(a.clone(), move |x| f(x, v)),
                    a.clone().is_not_null(),
                )
            }
            (None, None, _) => {
                polars_bail!(InvalidOperation: "{} needs \"other\" or \"value\"", self.op)
            }
        };
        Ok(put(lf, cx, o.column, o.to, given, value))
    }
    fn pyspark(&self, cx: &PyCx, o: &Operands) -> String {
        let other = o.other.map(py_str).unwrap_or_else(|| "None".into());
        let value = o
            .value
            .map(|v| Num::of(v).py())
            .unwrap_or_else(|| "None".into());
        let e = format!(
            "num_binary(df, {}, {other}, {value}, {})",
            py_str(o.column),
            py_str(self.op)
        );
        cx.set(o.to.unwrap_or(o.column), &e)
    }
    fn sql(&self, cx: &SqlCx, o: &Operands) -> Result<String, String> {
        let a_dt = cx.dtype(o.column)?;
        let b_dt = match o.other {
            Some(b) => Some(cx.dtype(b)?),
            None => None,
        };
        let v = o.value.map(Num::of);
        let ty = if self.whole(&a_dt, b_dt.as_ref(), v) {
            "BIGINT"
        } else {
            "DOUBLE"
        };
        let a = format!("CAST({} AS {ty})", sql_ident(o.column));
        let b = match (o.other, v) {
            (Some(b), _) => format!("CAST({} AS {ty})", sql_ident(b)),
            (None, Some(v)) => format!("CAST({} AS {ty})", v.sql()),
            (None, None) => return Err("needs \"other\" or \"value\"".into()),
        };
        let e = self.sql.replace("{a}", &a).replace("{b}", &b);
        Ok(sql_put(cx, o.column, o.to, &e))
    }
    fn databrew(&self, cx: &BrewCx, o: &Operands) -> Result<Vec<BrewStep>, String> {
        let step = match (self.brew, o.other, o.value) {
            ("POWER", None, Some(v)) => BrewStep::op("POWER")
                .param("sourceColumn", o.column)
                .param("exponent", Num::of(v).text()),
            ("POWER", _, _) => {
                return Err("DataBrew's POWER takes a number as the exponent, not a column".into());
            }
            ("MOD", Some(b), _) => BrewStep::op("MOD")
                .param("sourceColumn1", o.column)
                .param("sourceColumn2", b),
            ("MOD", _, _) => return Err("DataBrew's MOD takes two columns".into()),
            (op, Some(b), _) => BrewStep::op(op)
                .param("sourceColumn1", o.column)
                .param("sourceColumn2", b),
            (op, None, Some(v)) => BrewStep::op(op)
                .param("sourceColumn1", o.column)
                .param("value2", Num::of(v).text()),
            (_, None, None) => return Err("needs \"other\" or \"value\"".into()),
        };
        brew_put(cx, o.column, o.to, step)
    }
}

/// A step `{column, other | value, to?}` applying one `BinaryDef`.
macro_rules! binary_step {
    ($(#[$doc:meta])* $ty:ident, $def:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $ty {
            /// A numeric column: the first operand.
            pub column: String,
            /// A numeric column: the second operand (or give `value`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub other: Option<String>,
            /// A number: the second operand (or give `other`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub value: Option<serde_json::Number>,
            /// The column to write (default: replace `column`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub to: Option<String>,
        }

        impl $ty {
            fn operands(&self) -> Operands<'_> {
                Operands {
                    column: &self.column,
                    other: self.other.as_deref(),
                    value: self.value.as_ref(),
                    to: self.to.as_deref(),
                }
            }
        }

        impl StepImpl for $ty {
            fn describe(&self) -> String {
                $def.describe(&self.operands())
            }
            fn kind(&self) -> Kind {
                Kind::Values
            }
            fn check(&self, cx: &mut CheckCx) {
                $def.check(cx, &self.operands())
            }
            fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
                $def.apply(lf, cx, &self.operands())
            }
            fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
                Ok($def.pyspark(cx, &self.operands()))
            }
            fn sql(&self, cx: &SqlCx) -> Result<String, String> {
                $def.sql(cx, &self.operands())
            }
            fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                $def.databrew(cx, &self.operands())
            }
        }
    };
}

binary_step!(
    /// `column` plus another column or a number.
    Add, ADD
);
binary_step!(
    /// `column` minus another column or a number.
    Subtract, SUBTRACT
);
binary_step!(
    /// `column` times another column or a number.
    Multiply, MULTIPLY
);
binary_step!(
    /// `column` divided by another column or a number (a float); dividing by zero gives
    /// null.
    Divide, DIVIDE
);
binary_step!(
    /// The remainder of `column` divided by another column or a number, with the sign of
    /// `column` (like Spark's `%` and Java); a zero divisor gives null.
    Modulo, MODULO
);
binary_step!(
    /// `column` to the power of another column or a number (a float); results that are
    /// not numbers (a negative base to a fractional power) become null.
    Power, POWER
);

// ---------------------------------------------------------------------------------------
// log, is_even / is_odd

/// The logarithm to a base (default 10), a float; zero and negative values become null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Log {
    /// A numeric column.
    pub column: String,
    /// The base: positive and not 1 (default 10).
    #[serde(default = "ten")]
    pub base: f64,
    /// The column to write (default: replace `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

fn ten() -> f64 {
    10.0
}

impl StepImpl for Log {
    fn describe(&self) -> String {
        match &self.to {
            Some(t) => format!("log base {} of {} into {t}", self.base, self.column),
            None => format!("log base {} of {}", self.base, self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.numeric_column(&self.column);
        if !(self.base.is_finite() && self.base > 0.0 && self.base != 1.0) {
            cx.problem(format!(
                "\"base\" is {}; give a positive number other than 1 (10, 2, 2.718281828459045...)",
                self.base
            ));
        }
        check_to(cx, self.to.as_deref());
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let lb = self.base.ln();
        let c = col(self.column.as_str());
        let value = float_map(c.clone(), move |x| {
            (x > 0.0 || x.is_nan()).then(|| x.ln() / lb)
        });
        Ok(put_one(lf, cx, &self.column, self.to.as_deref(), value))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let e = format!(
            "F.log({}, {}.cast(\"double\"))",
            py_float(self.base),
            crate::transform::target::text::py_col(&self.column)
        );
        Ok(py_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let e = format!(
            "log({}, CAST({} AS DOUBLE))",
            Num::Float(self.base).sql(),
            sql_ident(&self.column)
        );
        Ok(sql_put(cx, &self.column, self.to.as_deref(), &e))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        let step = BrewStep::op("LOG")
            .param("sourceColumn", &self.column)
            .param("base", Num::Float(self.base).text());
        brew_put(cx, &self.column, self.to.as_deref(), step)
    }
}

/// Which parity `is_even`/`is_odd` test.
fn parity_check(cx: &mut CheckCx, column: &str, to: &str) {
    if let Some(dt) = cx.column(column)
        && !dt.is_integer()
    {
        cx.problem(format!(
            "column \"{column}\" is {}, not whole numbers; add a cast step to int first",
            type_name(&dt)
        ));
    }
    cx.new_name("to", to);
}

/// A step `{column, to}` writing a bool column: whether a whole number is even (or odd).
macro_rules! parity_step {
    ($(#[$doc:meta])* $ty:ident, $op:literal, $brew:literal, $even:literal, $word:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $ty {
            /// A whole-number column.
            pub column: String,
            /// The bool column to write.
            pub to: String,
        }

        impl StepImpl for $ty {
            fn describe(&self) -> String {
                format!("whether {} is {} into {}", self.column, $word, self.to)
            }
            fn kind(&self) -> Kind {
                Kind::Values
            }
            fn check(&self, cx: &mut CheckCx) {
                parity_check(cx, &self.column, &self.to)
            }
            fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
                let rem = (col(self.column.as_str()) % lit(2)).eq(lit(0));
                let e = if $even { rem } else { rem.not() };
                Ok(lf.with_column(cx.values(&self.to, e)))
            }
            fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
                let c = crate::transform::target::text::py_col(&self.column);
                let op = if $even { "==" } else { "!=" };
                Ok(cx.set(&self.to, &format!("({c} % 2 {op} 0)")))
            }
            fn sql(&self, cx: &SqlCx) -> Result<String, String> {
                let op = if $even { "=" } else { "<>" };
                let e = format!("({} % 2 {op} 0)", sql_ident(&self.column));
                Ok(cx.with_columns(&[(self.to.clone(), cx.value(&self.to, &e))]))
            }
            fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
                let step = BrewStep::op($brew).param("sourceColumn", &self.column);
                brew_put(cx, &self.column, Some(&self.to), step)
            }
        }
    };
}

parity_step!(
    /// A bool column: true where a whole number is even (null stays null).
    IsEven, "is_even", "IS_EVEN", true, "even"
);
parity_step!(
    /// A bool column: true where a whole number is odd (null stays null).
    IsOdd, "is_odd", "IS_ODD", false, "odd"
);

// ---------------------------------------------------------------------------------------
// DataBrew import

/// `{op, column, to}` with the optional extra fields.
fn imported(op: &str, column: String, to: String, extra: Value) -> Result<Vec<Value>, String> {
    let mut v = json!({"op": op, "column": column});
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        m.extend(x);
        m.insert("to".into(), Value::String(to));
    }
    one(v)
}

/// The DataBrew operations this family imports, as wort steps; `None` for an operation
/// of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    if let Some(dates) = super::datemath::from_databrew(b) {
        return Some(dates);
    }
    let unary: Vec<&str> = UNARY.iter().map(|d| d.brew).collect();
    let binary: Vec<&str> = BINARY.iter().map(|d| d.brew).collect();
    let ops: Vec<&str> = [
        unary.as_slice(),
        binary.as_slice(),
        &["ROUND", "LOG", "IS_EVEN", "IS_ODD"],
    ]
    .concat();
    b.import(&ops, |op| {
        if b.get("value").is_some() || b.get("value1").is_some() {
            return Err(
                "a literal number instead of a column as the first operand has no wort equivalent"
                    .into(),
            );
        }
        let to = b.need("targetColumn")?;
        if let Some(d) = UNARY.iter().find(|d| d.brew == op) {
            // DataBrew's FLOOR page names the column sourceColumn1.
            let src = b.src().or_else(|_| b.need("sourceColumn1"))?;
            return imported(d.op, src, to, json!({}));
        }
        match op {
            "ROUND" => imported("round", b.src()?, to, json!({})),
            "LOG" => {
                let base = b.get("base").unwrap_or("10");
                imported(
                    "log",
                    b.src()?,
                    to,
                    json!({"base": brew_number("base", base)?}),
                )
            }
            "IS_EVEN" => imported("is_even", b.src()?, to, json!({})),
            "IS_ODD" => imported("is_odd", b.src()?, to, json!({})),
            "POWER" => {
                let e = brew_number("exponent", &b.need("exponent")?)?;
                imported("power", b.src()?, to, json!({"value": e}))
            }
            _ => {
                let Some(d) = BINARY.iter().find(|d| d.brew == op) else {
                    return Err(format!("{op} is not imported here"));
                };
                let a = b.need("sourceColumn1")?;
                let second = match (b.get("sourceColumn2"), b.get("value2")) {
                    (Some(c), None) => json!({"other": c}),
                    (None, Some(v)) => json!({"value": brew_number("value2", v)?}),
                    _ => return Err("needs one of sourceColumn2 or value2".into()),
                };
                imported(d.op, a, to, second)
            }
        }
    })
}
