//! What a rules or recipe file may reach: only what the command line names.
//!
//! - [`sql`]: SQL from a user file (CustomSql, `where`, `derive`) computes over the
//!   tables wort registered and nothing else: no file, URL or environment.
//! - [`output`]: no command writes over a file it reads, or replaces anything that is
//!   not a regular file.

pub mod output;
pub mod sql;

pub use output::{Inputs, OutputError};
pub use sql::Refused;
