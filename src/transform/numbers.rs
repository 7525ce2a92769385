//! Numeric functions (round, floor, ceil, abs, power, modulo, ...), date arithmetic and sampling steps.

use crate::transform::target::databrew::{BrewIn, Imported};

/// The DataBrew operations this family imports, as wort steps; `None` for an operation
/// of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&[], |op| Err(format!("{op} is not imported here")))
}
