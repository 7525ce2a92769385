//! wort: a terminal data-preparation and data-quality workbench.
//!
//! Data flows one way:
//!
//! ```text
//! source::open (sniff, decode, infer types, sample) -> LazyFrame
//!     -> recipe::apply (the only path from steps to a polars plan)
//!     -> { source::write (atomic sink to CSV / Parquet / NDJSON) | TUI view | profile | quality }
//! ```
//!
//! Nothing in this library imports ratatui, crossterm or clap: the core returns data,
//! the `cli` module (and later the TUI) presents it.

pub mod cli;
pub mod export;
pub mod guard;
pub mod oom;
pub mod profile;
pub mod quality;
pub mod recipe;
pub mod report;
pub mod source;
pub mod transform;
pub mod tui;
pub mod util;
