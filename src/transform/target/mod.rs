//! The vocabulary steps translate themselves into PySpark, Spark SQL and DataBrew with.
//!
//! A leaf below the steps: it imports no step, recipe or export module, so the steps
//! (and with them `recipe`) compile without the assemblers of whole jobs in `export`.
//!
//! - [`text`]: quoting for Python and Spark SQL, one escaping function per place user
//!   text goes; the rewrite of polars SQL as Spark SQL.
//! - [`regex`]: Rust regex -> Java regex; [`datefmt`]: strftime -> Spark patterns.
//! - [`pyspark`], [`sql`], [`databrew`]: what a step's translation sees (`PyCx`,
//!   `SqlCx`, `BrewCx`) and the helpers it writes with.

pub mod databrew;
pub mod datefmt;
pub mod pyspark;
pub mod regex;
pub mod sql;
pub mod text;
