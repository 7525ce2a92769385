//! The plans of the rules, one file per family of rule types: a new rule type adds its
//! arm to its family's `plan` and one line to `Cx::try_plan`'s dispatch (and its entry
//! in the catalogue).

use super::*;

pub(super) mod completeness;
pub(super) mod dataset;
pub(super) mod freshness;
pub(super) mod queries;
pub(super) mod statistics;
pub(super) mod uniqueness;
pub(super) mod values;
