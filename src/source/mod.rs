//! Opening data: CSV/TSV/any delimiter (sniffed), Parquet, JSON, NDJSON, plain or gzip;
//! null tokens, type inference over the whole sample, sampling, atomic writes.
//!
//! Reading happens in two shapes:
//! - a bounded sample (`first:N`, `last:N`, `random:N`) is read as text, null tokens are
//!   counted and removed, every value takes part in type inference, and the converted
//!   sample is held in memory;
//! - `full` reads stream: types are inferred from the first rows and the scan is given
//!   them, so polars parses numbers natively. When a later value does not fit, the run
//!   fails, [`Source::diagnose`] finds the column, [`Source::demote`] reads it as text,
//!   and the caller runs again.

pub mod decode;
pub mod infer;
pub mod nesting;
mod open;
mod report;
mod retry;
pub mod sample;
pub mod scan;
pub mod sniff;
mod spaced;
mod spool;
pub mod temp;
pub mod wide;
pub mod write;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use decode::Encoding;
pub use infer::{Conversion, Junk};
pub use open::open;
use retry::{BackgroundCheck, CheckJob};
pub use sample::Sample;
pub use sniff::{Dialect, DialectOverrides, Escape, LineEnding};
use temp::TempFile;
pub use write::{OutputFormat, WriteError, write_atomic};

use crate::util::{quoted, thousands};

/// Null tokens used when `--null-values` is not given.
pub const DEFAULT_NULL_TOKENS: &[&str] = &[
    "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "Null", "None", "NONE", "-", "--", "#N/A",
    "#NA", "<NA>", "N.A.", "?", "NIL",
];

/// How many rows a `full` read looks at to infer types.
pub const FULL_INFER_ROWS: usize = 100_000;

/// Why an attempt over the data failed, for [`Source::retry_on_late_types`].
#[derive(Debug, thiserror::Error)]
pub enum LateTypeError {
    /// polars failed while reading or computing: possibly a late value that does not
    /// fit its column's inferred type.
    #[error("{0}")]
    Polars(String),
    /// Anything else; not retried.
    #[error("{0}")]
    Other(String),
}

/// How many bytes of a delimited file the dialect sniffer reads.
const SNIFF_BYTES: usize = 1 << 20;

/// Input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
    Parquet,
    Json,
    Ndjson,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Parquet => "Parquet",
            Format::Json => "JSON",
            Format::Ndjson => "NDJSON",
        }
    }

    fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "txt" | "dat" | "psv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "parquet" | "pq" => Some(Format::Parquet),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::from_extension(s)
            .ok_or_else(|| format!("unknown format \"{s}\"; use csv, tsv, parquet, json or ndjson"))
    }
}

/// Everything a command can say about how to read its input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub format: Option<Format>,
    pub dialect: DialectOverrides,
    pub encoding: Encoding,
    /// Replaces the default null tokens (the empty field is always missing).
    pub null_values: Option<Vec<String>>,
    pub skip_bad_rows: bool,
    pub sample: Option<Sample>,
    /// For a full read of a file polars reads as it is: check its rows on another
    /// thread while the data is processed, instead of before. The caller must call
    /// [`Source::verify`] before it publishes anything (`retry_on_late_types` does on
    /// success and on failure).
    pub check_in_background: bool,
}

/// Errors opening an input. Each names the file and says how to fix it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    #[error("input {path} does not exist")]
    NotFound { path: String },
    #[error("no files match {pattern}")]
    NoMatch { pattern: String },
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error(
        "{path} line {line}: invalid UTF-8 at byte {byte}; if the file is Latin-1 or Windows-1252, pass --encoding latin1 or --encoding windows-1252"
    )]
    Utf8 {
        path: String,
        line: u64,
        byte: usize,
    },
    #[error("{path}: {message}")]
    Dialect { path: String, message: String },
    #[error("{path} {message}")]
    BadRow { path: String, message: String },
    /// The background row check met rows that need the careful read (a malformed row
    /// to set aside, a repeated header, a second table): the source is opened again
    /// with its rows checked first. Shown as the row when that cannot be done.
    #[error("{path} {message}")]
    ReadAgain { path: String, message: String },
    #[error("{path} is empty: it has no header and no rows")]
    Empty { path: String },
    #[error(
        "{other} does not match {first}: {detail}; inputs read as one dataset need the same columns"
    )]
    Mismatch {
        first: String,
        other: String,
        detail: String,
    },
    #[error("cannot read {path}: {message}")]
    Polars { path: String, message: String },
}

/// What was found out about one input file, for the run summary.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub format: Format,
    pub gzip: bool,
    pub encoding: Encoding,
    /// UTF-16 or UTF-32 text, detected and decoded to UTF-8 before reading.
    pub decoded: Option<wide::Detected>,
    /// The file read for this input: the input itself, or its spooled or decoded copy
    /// (which lives as long as the [`Source`]); see [`FileReport::open_text`].
    read: PathBuf,
    /// Whether `read` is gzip-compressed.
    read_gzip: bool,
    pub dialect: Option<Dialect>,
    /// Lines skipped before the header.
    pub preamble: Vec<String>,
    pub notes: Vec<String>,
    /// Malformed rows skipped with `--skip-bad-rows`.
    pub bad_rows: u64,
    pub first_bad: Vec<scan::BadRow>,
    /// Rows in the file, when the read counted them.
    pub rows: Option<u64>,
    /// The header row's cells as written (trimmed), for a file with a header: a row
    /// with these cells further down is a repeated header, dropped.
    pub header_cells: Vec<String>,
    /// Where a second table starts in the file (it and what follows are not read).
    pub second_table: Option<scan::SecondTable>,
    /// The line of the first quoted field with text after its closing quote (a stray
    /// quote), in the sniffed part of the file.
    pub stray_quote: Option<u64>,
    /// Rows a delimited file may hold, before they are counted: its size over the
    /// length of the lines of its sniffed first MiB (line breaks inside quotes only
    /// make it larger). None for a compressed file.
    pub estimated_rows: Option<u64>,
}

impl FileReport {
    /// The input's text again, as UTF-8 bytes (gunzipped, transcoded), for a reader
    /// that looks at it after it was opened; standard input and pipes come from their
    /// spooled copy. Valid while the [`Source`] it came from lives.
    pub fn open_text(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        decode::open_utf8(&self.read, self.read_gzip, self.encoding)
    }
}

/// What was found out about one column.
#[derive(Debug, Clone)]
pub struct ColumnReport {
    pub name: String,
    pub dtype: DataType,
    pub conversion: Option<Conversion>,
    pub junk: Option<Junk>,
    pub note: Option<String>,
}

/// Everything the run summary says about the input.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub files: Vec<FileReport>,
    pub columns: Vec<ColumnReport>,
    pub sample: Sample,
    /// Rows in the sample, when known before running.
    pub sample_rows: Option<u64>,
    /// Rows in all inputs, when known.
    pub total_rows: Option<u64>,
    /// Null tokens and how many cells held each (in the sample, or the first rows).
    pub null_tokens: Vec<(String, u64)>,
    /// Columns read as text after a later value did not fit the inferred type.
    pub demoted: Vec<String>,
    /// When types and null tokens come from the first rows only (full reads of longer
    /// inputs): how many rows.
    pub inferred_from: Option<u64>,
}

/// How to scan one input.
#[derive(Debug, Clone)]
enum Input {
    Csv {
        /// The file polars reads: the original, or a normalised temporary copy.
        path: PathBuf,
        separator: u8,
        quote: Option<u8>,
        has_header: bool,
        skip_lines: usize,
        names: Vec<String>,
        max_rows: Option<usize>,
    },
    Parquet {
        path: PathBuf,
    },
    Ndjson {
        path: PathBuf,
    },
    Frame {
        df: DataFrame,
    },
}

/// The inputs of a [`Source`] as they were prepared, and how they were read.
#[derive(Clone)]
struct Reopen {
    prepared: Vec<spool::Prepared>,
    opts: ReadOptions,
}

/// An opened dataset: a LazyFrame to build on, and what was learnt opening it.
pub struct Source {
    inputs: Vec<Input>,
    /// The null tokens read as missing.
    null_tokens: Vec<String>,
    /// Default tokens not seen in the rows types were inferred from: left out of the
    /// full read (each token costs a comparison per field), taken in when a later
    /// value in a typed column turns out to be one of them.
    spare_null_tokens: Vec<String>,
    /// Row checks still running (see [`ReadOptions::check_in_background`]).
    background: Option<Arc<BackgroundCheck>>,
    /// How to open the inputs again with their rows checked first, when the background
    /// check finds rows to set aside.
    reopen: Option<Reopen>,
    /// Final column names and their conversions (for text inputs).
    conversions: Vec<(String, Option<Conversion>)>,
    /// For bounded samples: the converted sample.
    frame: Option<DataFrame>,
    pub report: SourceReport,
    /// Spooled inputs and normalised copies, unnamed (see [`temp`]); they go with the
    /// source.
    _temp: Vec<temp::TempFile>,
}

impl Source {
    /// The data as a LazyFrame, with types applied.
    pub fn lazy(&self) -> Result<LazyFrame, SourceError> {
        if let Some(df) = &self.frame {
            return Ok(df.clone().lazy());
        }
        self.full_lazy(true).map_err(|e| self.polars_error(&e))
    }

    /// The schema of [`Source::lazy`].
    pub fn schema(&self) -> Result<Schema, SourceError> {
        let mut lf = self.lazy()?;
        lf.collect_schema()
            .map(|s| (*s).clone())
            .map_err(|e| self.polars_error(&e))
    }

    fn first_path(&self) -> String {
        self.report
            .files
            .first()
            .map(|f| f.path.clone())
            .unwrap_or_default()
    }

    /// A polars read error, or, when the background row check found a malformed row
    /// (an unclosed quote, a wrong field count), that row: it explains the failure with
    /// the file and line, where polars' message names neither.
    fn polars_error(&self, e: &PolarsError) -> SourceError {
        if let Err(bad) = self.verify() {
            return bad;
        }
        SourceError::Polars {
            path: self.first_path(),
            message: crate::util::clean_polars_error(e),
        }
    }

    /// Scan every input as text (or native types where a conversion is numeric and
    /// `native` is set), concatenated, then apply the other conversions.
    fn full_lazy(&self, native: bool) -> PolarsResult<LazyFrame> {
        let mut frames = Vec::new();
        for input in &self.inputs {
            frames.push(self.scan_input(input, native)?);
        }
        let lf = if frames.len() == 1 {
            frames.pop().unwrap_or_default()
        } else {
            concat(frames, UnionArgs::default())?
        };
        let lf = match self.report.sample {
            Sample::Full => lf,
            Sample::First(n) => lf.limit(n as IdxSize),
            // Bounded samples are held in memory; these arms serve diagnosis only.
            _ => lf,
        };
        let exprs: Vec<Expr> = self
            .conversions
            .iter()
            .filter_map(|(name, conv)| match conv {
                Some(c) if !(native && matches!(c, Conversion::Int | Conversion::Float)) => {
                    Some(c.expr(name, true))
                }
                _ => None,
            })
            .collect();
        if exprs.is_empty() {
            Ok(lf)
        } else {
            Ok(lf.with_columns(exprs))
        }
    }

    fn scan_input(&self, input: &Input, native: bool) -> PolarsResult<LazyFrame> {
        match input {
            Input::Csv {
                path,
                separator,
                quote,
                has_header,
                skip_lines,
                names,
                max_rows,
                ..
            } => {
                let fields: Vec<Field> = names
                    .iter()
                    .map(|n| {
                        let dt = match self.conversions.iter().find(|(c, _)| c == n) {
                            Some((_, Some(c @ (Conversion::Int | Conversion::Float))))
                                if native =>
                            {
                                c.dtype()
                            }
                            _ => DataType::String,
                        };
                        Field::new(n.as_str().into(), dt)
                    })
                    .collect();
                let schema = Arc::new(Schema::from_iter(fields));
                let tokens: Vec<PlSmallStr> =
                    self.null_tokens.iter().map(|t| t.as_str().into()).collect();
                let reader = LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
                    .with_has_header(*has_header)
                    .with_skip_lines(*skip_lines)
                    .with_separator(*separator)
                    .with_quote_char(*quote)
                    .with_schema(Some(schema))
                    .with_missing_is_null(true)
                    .with_n_rows(*max_rows)
                    .with_null_values(if tokens.is_empty() {
                        None
                    } else {
                        Some(NullValues::AllColumns(tokens))
                    });
                reader.finish()
            }
            Input::Parquet { path } => LazyFrame::scan_parquet(
                PlRefPath::new(path.to_string_lossy().as_ref()),
                ScanArgsParquet::default(),
            ),
            Input::Ndjson { path } => {
                LazyJsonLineReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
                    .with_infer_schema_length(std::num::NonZeroUsize::new(FULL_INFER_ROWS))
                    .finish()
            }
            Input::Frame { df } => Ok(df.clone().lazy()),
        }
    }
}
