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
pub mod sample;
pub mod scan;
pub mod sniff;
pub mod write;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use decode::Encoding;
pub use infer::{Conversion, Junk};
pub use sample::Sample;
pub use sniff::{Dialect, DialectOverrides, Escape, LineEnding};
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
    pub dialect: Option<Dialect>,
    /// Lines skipped before the header.
    pub preamble: Vec<String>,
    pub notes: Vec<String>,
    /// Malformed rows skipped with `--skip-bad-rows`.
    pub bad_rows: u64,
    pub first_bad: Vec<scan::BadRow>,
    /// Rows in the file, when the read counted them.
    pub rows: Option<u64>,
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
    /// Final column names and their conversions (for text inputs).
    conversions: Vec<(String, Option<Conversion>)>,
    /// For bounded samples: the converted sample.
    frame: Option<DataFrame>,
    pub report: SourceReport,
    _temp: Vec<tempfile::TempDir>,
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

    fn polars_error(&self, e: &PolarsError) -> SourceError {
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

    /// After a failed full run: which columns have values that don't fit their inferred
    /// type, with the first offending value.
    pub fn diagnose(&self) -> Result<Vec<(String, String)>, SourceError> {
        let raw = self.raw_text_lazy().map_err(|e| self.polars_error(&e))?;
        let mut exprs = Vec::new();
        let mut names = Vec::new();
        for (name, conv) in &self.conversions {
            if let Some(c) = conv {
                let bad = col(name.as_str())
                    .is_not_null()
                    .and(c.expr(name, false).is_null());
                exprs.push(col(name.as_str()).filter(bad).first().alias(name.as_str()));
                names.push(name.clone());
            }
        }
        if exprs.is_empty() {
            return Ok(Vec::new());
        }
        let df = raw
            .select(exprs)
            .collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
            .map_err(|e| self.polars_error(&e))?;
        let mut out = Vec::new();
        for name in names {
            if let Ok(c) = df.column(&name)
                && let Ok(AnyValue::String(v)) = c.get(0)
            {
                out.push((name, v.to_string()));
            } else if let Ok(c) = df.column(&name)
                && let Ok(AnyValue::StringOwned(v)) = c.get(0)
            {
                out.push((name, v.to_string()));
            }
        }
        Ok(out)
    }

    /// The inputs as text, without conversions.
    fn raw_text_lazy(&self) -> PolarsResult<LazyFrame> {
        let text_only = Source {
            inputs: self.inputs.clone(),
            null_tokens: self.null_tokens.clone(),
            spare_null_tokens: Vec::new(),
            background: None,
            conversions: self
                .conversions
                .iter()
                .map(|(n, _)| (n.clone(), None))
                .collect(),
            frame: None,
            report: self.report.clone(),
            _temp: Vec::new(),
        };
        text_only.full_lazy(false)
    }

    /// Run `attempt` over the data; when a full read fails because a value after the
    /// first [`FULL_INFER_ROWS`] rows does not fit its inferred type, read that column
    /// as text and try again (up to 3 times). `note` receives one line per column
    /// demoted. Other errors, and failures on samples, are returned as they are.
    pub fn retry_on_late_types<T>(
        &mut self,
        mut attempt: impl FnMut(&Source) -> Result<T, LateTypeError>,
        mut note: impl FnMut(&str),
    ) -> Result<T, LateTypeError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = attempt(self);
            // A malformed row found by the background check explains any failure, and
            // voids a success.
            if let Err(e) = self.settle() {
                return Err(LateTypeError::Other(e.to_string()));
            }
            match result {
                Err(LateTypeError::Polars(msg)) if self.report.sample.is_full() && attempts < 4 => {
                    let bad = self
                        .diagnose()
                        .map_err(|e| LateTypeError::Other(e.to_string()))?;
                    if bad.is_empty() {
                        return Err(LateTypeError::Polars(msg));
                    }
                    // A default null token first seen late: read it as missing.
                    let (tokens, bad): (Vec<_>, Vec<_>) = bad
                        .into_iter()
                        .partition(|(_, v)| self.spare_null_tokens.contains(v));
                    for (name, value) in &tokens {
                        if let Some(i) = self.spare_null_tokens.iter().position(|t| t == value) {
                            let token = self.spare_null_tokens.remove(i);
                            note(&format!(
                                "note   column {name} holds the null token {} after the first {} rows: reading it as missing and starting again",
                                quoted(&token, 30),
                                thousands(FULL_INFER_ROWS as u64),
                            ));
                            self.null_tokens.push(token);
                        }
                    }
                    let names: Vec<String> = bad.iter().map(|(n, _)| n.clone()).collect();
                    for (name, value) in &bad {
                        note(&format!(
                            "note   column {name} was inferred from the first {} rows, but later holds {}: reading it as text and starting again",
                            thousands(FULL_INFER_ROWS as u64),
                            quoted(value, 30)
                        ));
                    }
                    self.demote(&names);
                }
                other => return other,
            }
        }
    }

    /// Wait for the background row check, if any: an error names the first malformed
    /// row, as a check before reading would. Call it before publishing anything.
    pub fn verify(&self) -> Result<(), SourceError> {
        match &self.background {
            Some(bg) => bg.wait().map(|_| ()),
            None => Ok(()),
        }
    }

    /// [`Source::verify`], then take the checked files' row counts into the report.
    pub fn settle(&mut self) -> Result<(), SourceError> {
        let Some(bg) = self.background.take() else {
            return Ok(());
        };
        let results = bg.wait()?;
        for (i, r) in results {
            if let Some(f) = self.report.files.get_mut(i) {
                f.rows = Some(r.rows);
                f.bad_rows = r.bad_rows;
                f.first_bad = r.first_bad;
            }
        }
        let total: Option<u64> = self.report.files.iter().map(|f| f.rows).sum();
        self.report.total_rows = total;
        if self.report.sample.is_full() {
            self.report.sample_rows = total;
        }
        if let (Some(t), Some(n)) = (total, self.report.inferred_from)
            && t <= n
        {
            self.report.inferred_from = None;
        }
        Ok(())
    }

    /// Read `columns` as text from now on (their later values did not fit).
    pub fn demote(&mut self, columns: &[String]) {
        for (name, conv) in self.conversions.iter_mut() {
            if columns.contains(name) {
                *conv = None;
            }
        }
        for c in self.report.columns.iter_mut() {
            if columns.contains(&c.name) {
                c.dtype = DataType::String;
                c.conversion = None;
            }
        }
        self.report.demoted.extend(columns.iter().cloned());
    }
}

/// Open one or more inputs (paths or glob patterns) as one dataset.
pub fn open(inputs: &[String], opts: &ReadOptions) -> Result<Source, SourceError> {
    let paths = expand(inputs)?;
    let sample = opts.sample.unwrap_or(Sample::Full);
    let null_tokens: Vec<String> = match &opts.null_values {
        Some(v) => v.iter().filter(|t| !t.is_empty()).cloned().collect(),
        None => DEFAULT_NULL_TOKENS.iter().map(|s| s.to_string()).collect(),
    };
    let mut temps = Vec::new();
    let mut files = Vec::new();
    let mut scans = Vec::new();
    // Only `first:N` can stop reading early.
    let max_rows = match sample {
        Sample::First(n) if paths.len() == 1 => Some(n),
        _ => None,
    };
    // A random or last-N sample of one delimited file is kept during the row check,
    // in the same pass (polars would read the whole file again to pick the rows).
    let keep = match sample {
        Sample::Random { n, seed } if paths.len() == 1 => Some(scan::Keep::Random {
            n: usize::try_from(n).unwrap_or(usize::MAX),
            seed,
            raw: false,
        }),
        Sample::Last(n) if paths.len() == 1 => Some(scan::Keep::Last {
            n: usize::try_from(n).unwrap_or(usize::MAX),
            raw: false,
        }),
        _ => None,
    };
    let mut kept = None;
    let mut jobs: Vec<(usize, CheckJob)> = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let (input, report, rows) =
            open_file(path, opts, max_rows, keep, &mut temps, &mut |job| {
                jobs.push((i, job))
            })?;
        scans.push(input);
        files.push(report);
        kept = rows;
    }
    let background = (!jobs.is_empty()).then(|| Arc::new(BackgroundCheck::start(jobs)));

    let mut source = Source {
        inputs: scans,
        null_tokens: null_tokens.clone(),
        spare_null_tokens: Vec::new(),
        background,
        conversions: Vec::new(),
        frame: None,
        report: SourceReport {
            files,
            columns: Vec::new(),
            sample,
            sample_rows: None,
            total_rows: None,
            null_tokens: Vec::new(),
            demoted: Vec::new(),
            inferred_from: None,
        },
        _temp: temps,
    };
    check_same_columns(&source)?;
    let total: Option<u64> = source
        .report
        .files
        .iter()
        .map(|f| f.rows)
        .sum::<Option<u64>>();
    source.report.total_rows = total;

    // The raw text (or typed, for Parquet) frame of the inputs, before conversions.
    let raw_text = source
        .raw_text_lazy_without_tokens()
        .map_err(|e| source.polars_error(&e))?;
    let inferable = source
        .inputs
        .iter()
        .all(|i| !matches!(i, Input::Parquet { .. }));

    if sample.is_full() {
        // Infer from the first rows, convert lazily.
        let head = raw_text
            .limit(FULL_INFER_ROWS as IdxSize)
            .collect()
            .map_err(|e| source.polars_error(&e))?;
        let (conversions, columns, tokens) =
            infer_frame(&head, &null_tokens, inferable).map_err(|e| source.polars_error(&e))?;
        source.conversions = conversions;
        source.report.columns = columns;
        if opts.null_values.is_none() {
            // Only the default tokens the first rows hold are looked for in the full read.
            let (seen, spare) = null_tokens
                .iter()
                .cloned()
                .partition(|t| tokens.iter().any(|(s, _)| s == t));
            source.null_tokens = seen;
            source.spare_null_tokens = spare;
        }
        source.report.null_tokens = tokens;
        source.report.sample_rows = total;
        let more = match total {
            Some(t) => t > head.height() as u64,
            None => head.height() >= FULL_INFER_ROWS,
        };
        if more {
            source.report.inferred_from = Some(head.height() as u64);
        }
        return Ok(source);
    }

    // Bounded sample: take it, then infer over every value.
    let raw = match kept {
        Some(df) => df,
        None => take_sample(&source, raw_text, sample, total)?,
    };
    let (conversions, columns, tokens) =
        infer_frame(&raw, &null_tokens, inferable).map_err(|e| source.polars_error(&e))?;
    let converted = convert_frame(raw, &conversions, &null_tokens, inferable)
        .map_err(|e| source.polars_error(&e))?;
    source.report.sample_rows = Some(converted.height() as u64);
    source.conversions = conversions;
    source.report.columns = columns;
    source.report.null_tokens = tokens;
    source.frame = Some(converted);
    Ok(source)
}

impl Source {
    /// Text inputs with only empty fields as null (tokens are counted, then removed).
    fn raw_text_lazy_without_tokens(&self) -> PolarsResult<LazyFrame> {
        let text_only = Source {
            inputs: self.inputs.clone(),
            null_tokens: Vec::new(),
            spare_null_tokens: Vec::new(),
            background: None,
            conversions: Vec::new(),
            frame: None,
            report: self.report.clone(),
            _temp: Vec::new(),
        };
        text_only.full_lazy(false)
    }
}

fn take_sample(
    source: &Source,
    raw: LazyFrame,
    sample: Sample,
    total: Option<u64>,
) -> Result<DataFrame, SourceError> {
    let err = |e: PolarsError| source.polars_error(&e);
    let count = |raw: &LazyFrame| -> Result<u64, SourceError> {
        if let Some(t) = total {
            return Ok(t);
        }
        let df = raw
            .clone()
            .select([len().alias("n")])
            .collect()
            .map_err(err)?;
        Ok(df
            .column("n")
            .ok()
            .and_then(|c| c.get(0).ok())
            .and_then(|v| v.extract::<u64>())
            .unwrap_or(0))
    };
    let lf = match sample {
        Sample::Full => raw,
        Sample::First(n) => raw.limit(n as IdxSize),
        Sample::Last(n) => {
            let t = count(&raw)?;
            raw.slice(t.saturating_sub(n) as i64, n as IdxSize)
        }
        Sample::Random { n, seed } => {
            let t = count(&raw)?;
            if n >= t {
                raw
            } else {
                let rows = sample::random_rows(t, n, seed);
                let rows: Vec<IdxSize> = rows.into_iter().map(|r| r as IdxSize).collect();
                let idx = Series::new("idx".into(), rows);
                raw.with_row_index("__wort_row", None)
                    .filter(col("__wort_row").is_in(lit(idx).implode(false), false))
                    .drop(by_name(["__wort_row"], true, false))
            }
        }
    };
    lf.collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(err)
}

type Inference = (
    Vec<(String, Option<Conversion>)>,
    Vec<ColumnReport>,
    Vec<(String, u64)>,
);

/// Count null tokens and infer each text column's type from every value of `raw`.
fn infer_frame(raw: &DataFrame, tokens: &[String], inferable: bool) -> PolarsResult<Inference> {
    let mut conversions = Vec::new();
    let mut columns = Vec::new();
    let mut token_counts: Vec<(String, u64)> = tokens.iter().map(|t| (t.clone(), 0)).collect();
    for c in raw.columns() {
        let name = c.name().to_string();
        if c.dtype() != &DataType::String || !inferable {
            conversions.push((name.clone(), None));
            columns.push(ColumnReport {
                name,
                dtype: c.dtype().clone(),
                conversion: None,
                junk: None,
                note: None,
            });
            continue;
        }
        let ca = c.str()?;
        // Null tokens become missing before inference.
        let cleaned: StringChunked = if tokens.is_empty() {
            ca.clone()
        } else {
            ca.apply(|v| {
                v.filter(|s| !tokens.iter().any(|t| t == s))
                    .map(std::borrow::Cow::Borrowed)
            })
        };
        for v in ca.iter().flatten() {
            if let Some((_, n)) = token_counts.iter_mut().find(|(t, _)| t == v) {
                *n += 1;
            }
        }
        let inferred = infer::infer(&cleaned);
        let dtype = inferred
            .conversion
            .as_ref()
            .map(Conversion::dtype)
            .unwrap_or(DataType::String);
        conversions.push((name.clone(), inferred.conversion.clone()));
        columns.push(ColumnReport {
            name,
            dtype,
            conversion: inferred.conversion,
            junk: inferred.junk,
            note: inferred.note,
        });
    }
    token_counts.retain(|(_, n)| *n > 0);
    Ok((conversions, columns, token_counts))
}

/// Remove null tokens and apply conversions to an in-memory sample.
fn convert_frame(
    raw: DataFrame,
    conversions: &[(String, Option<Conversion>)],
    tokens: &[String],
    inferable: bool,
) -> PolarsResult<DataFrame> {
    if !inferable {
        return Ok(raw);
    }
    let token_series = Series::new("tokens".into(), tokens.to_vec());
    let mut nulls = Vec::new();
    let mut converts = Vec::new();
    for (name, conv) in conversions {
        let is_text = raw
            .column(name)
            .map(|c| c.dtype() == &DataType::String)
            .unwrap_or(false);
        if is_text && !tokens.is_empty() {
            let c = col(name.as_str());
            nulls.push(
                when(
                    c.clone()
                        .is_in(lit(token_series.clone()).implode(false), false),
                )
                .then(lit(NULL).cast(DataType::String))
                .otherwise(c)
                .alias(name.as_str()),
            );
        }
        if let Some(conv) = conv {
            converts.push(conv.expr(name, false));
        }
    }
    let mut lf = raw.lazy();
    if !nulls.is_empty() {
        lf = lf.with_columns(nulls);
    }
    if !converts.is_empty() {
        lf = lf.with_columns(converts);
    }
    lf.collect()
}

/// Paths and glob patterns to a list of files, in order.
fn expand(inputs: &[String]) -> Result<Vec<PathBuf>, SourceError> {
    let mut out = Vec::new();
    for input in inputs {
        let p = Path::new(input);
        if p.exists() {
            out.push(p.to_path_buf());
            continue;
        }
        if input.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(input)
                .map_err(|e| SourceError::NoMatch {
                    pattern: format!("{input} ({e})"),
                })?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            matched.sort();
            if matched.is_empty() {
                return Err(SourceError::NoMatch {
                    pattern: input.clone(),
                });
            }
            out.extend(matched);
        } else {
            return Err(SourceError::NotFound {
                path: input.clone(),
            });
        }
    }
    Ok(out)
}

fn check_same_columns(source: &Source) -> Result<(), SourceError> {
    if source.inputs.len() < 2 {
        return Ok(());
    }
    let mut first: Option<(String, Vec<String>)> = None;
    for (input, report) in source.inputs.iter().zip(&source.report.files) {
        let names: Vec<String> = match input {
            Input::Csv { names, .. } => names.clone(),
            other => {
                let mut lf = source
                    .scan_input(other, false)
                    .map_err(|e| source.polars_error(&e))?;
                lf.collect_schema()
                    .map_err(|e| source.polars_error(&e))?
                    .iter_names()
                    .map(|n| n.to_string())
                    .collect()
            }
        };
        match &first {
            None => first = Some((report.path.clone(), names)),
            Some((first_path, first_names)) => {
                let detail = first_names
                    .iter()
                    .zip(names.iter())
                    .enumerate()
                    .find(|(_, (a, b))| a != b)
                    .map(|(i, (a, b))| format!("column {} is \"{b}\", not \"{a}\"", i + 1))
                    .or_else(|| {
                        (first_names.len() != names.len()).then(|| {
                            format!("it has {} columns, not {}", names.len(), first_names.len())
                        })
                    });
                if let Some(detail) = detail {
                    return Err(SourceError::Mismatch {
                        first: first_path.clone(),
                        other: report.path.clone(),
                        detail,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Open one file: detect the format, sniff and check delimited text.
/// Open one file: its scan input, its report and, for a delimited file asked to
/// `keep` rows, those rows as a text frame.
fn open_file(
    path: &Path,
    opts: &ReadOptions,
    max_rows: Option<u64>,
    keep: Option<scan::Keep>,
    temps: &mut Vec<tempfile::TempDir>,
    defer: &mut dyn FnMut(CheckJob),
) -> Result<(Input, FileReport, Option<DataFrame>), SourceError> {
    let shown = path.display().to_string();
    let io_err = |e: std::io::Error| SourceError::Io {
        path: shown.clone(),
        message: e.to_string(),
    };
    if path.is_dir() {
        return Err(SourceError::Io {
            path: shown,
            message: "it is a directory; give a file or a glob such as dir/*.csv".into(),
        });
    }
    let gzip = decode::is_gzip(path).map_err(io_err)?;
    let format = match opts.format {
        Some(f) => f,
        None => detect_format(path, gzip).map_err(io_err)?,
    };
    let mut report = FileReport {
        path: shown.clone(),
        format,
        gzip,
        encoding: opts.encoding,
        dialect: None,
        preamble: Vec::new(),
        notes: Vec::new(),
        bad_rows: 0,
        first_bad: Vec::new(),
        rows: None,
    };
    match format {
        Format::Csv | Format::Tsv => {
            let (input, kept) = open_delimited(
                path,
                opts,
                format,
                gzip,
                (max_rows, keep),
                (temps, defer),
                &mut report,
            )?;
            Ok((input, report, kept))
        }
        Format::Parquet => {
            if gzip {
                return Err(SourceError::Io {
                    path: shown,
                    message: "gzip-compressed Parquet is not a thing; decompress it first".into(),
                });
            }
            let lf = LazyFrame::scan_parquet(
                PlRefPath::new(path.to_string_lossy().as_ref()),
                ScanArgsParquet::default(),
            )
            .and_then(|lf| {
                let n = lf.select([len().alias("n")]).collect()?;
                Ok(n.column("n")?.get(0)?.extract::<u64>())
            })
            .map_err(|e| SourceError::Polars {
                path: shown.clone(),
                message: format!(
                    "{} (is it really Parquet? pass --format to override)",
                    crate::util::clean_polars_error(&e)
                ),
            })?;
            report.rows = lf;
            Ok((
                Input::Parquet {
                    path: path.to_path_buf(),
                },
                report,
                None,
            ))
        }
        Format::Json | Format::Ndjson => {
            let path = if gzip {
                gunzip_to_temp(path, temps).map_err(io_err)?
            } else {
                path.to_path_buf()
            };
            if format == Format::Ndjson {
                let mut lf =
                    LazyJsonLineReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
                        .with_infer_schema_length(std::num::NonZeroUsize::new(FULL_INFER_ROWS))
                        .finish()
                        .map_err(|e| json_error(&shown, &e))?;
                lf.collect_schema().map_err(|e| json_error(&shown, &e))?;
                return Ok((Input::Ndjson { path }, report, None));
            }
            let file = std::fs::File::open(&path).map_err(io_err)?;
            let df = JsonReader::new(file)
                .with_json_format(JsonFormat::Json)
                .infer_schema_len(None)
                .finish()
                .map_err(|e| json_error(&shown, &e))?;
            report.rows = Some(df.height() as u64);
            Ok((Input::Frame { df }, report, None))
        }
    }
}

fn json_error(path: &str, e: &PolarsError) -> SourceError {
    SourceError::Polars {
        path: path.to_string(),
        message: format!(
            "not valid JSON: {} (JSON must be an array of objects, NDJSON one object per line)",
            crate::util::clean_polars_error(e)
        ),
    }
}

fn gunzip_to_temp(path: &Path, temps: &mut Vec<tempfile::TempDir>) -> std::io::Result<PathBuf> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("data");
    let mut r = decode::open_utf8(path, true, Encoding::Utf8)?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
    std::io::copy(&mut r, &mut w)?;
    temps.push(dir);
    Ok(out)
}

/// The format from the extension (ignoring .gz), or from the first bytes.
fn detect_format(path: &Path, gzip: bool) -> std::io::Result<Format> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".gzip"))
        .unwrap_or(name);
    if let Some(ext) = Path::new(stem).extension().and_then(|e| e.to_str())
        && let Some(f) = Format::from_extension(ext)
    {
        return Ok(f);
    }
    let mut r = decode::open_utf8(path, gzip, Encoding::Utf8)?;
    let (head, _) = decode::read_prefix(&mut r, 4096)?;
    if head.starts_with(b"PAR1") {
        return Ok(Format::Parquet);
    }
    let text = String::from_utf8_lossy(&head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('[') {
        Ok(Format::Json)
    } else if t.starts_with('{') {
        Ok(Format::Ndjson)
    } else {
        Ok(Format::Csv)
    }
}

/// Sniff, check and (when polars cannot read it as it is) normalise a delimited file.
fn open_delimited(
    path: &Path,
    opts: &ReadOptions,
    format: Format,
    gzip: bool,
    (max_rows, keep): (Option<u64>, Option<scan::Keep>),
    (temps, defer): (&mut Vec<tempfile::TempDir>, &mut dyn FnMut(CheckJob)),
    report: &mut FileReport,
) -> Result<(Input, Option<DataFrame>), SourceError> {
    let shown = path.display().to_string();
    let io_err = |e: std::io::Error| SourceError::Io {
        path: shown.clone(),
        message: e.to_string(),
    };
    let mut reader = decode::open_utf8(path, gzip, opts.encoding).map_err(io_err)?;
    let (prefix, truncated) = decode::read_prefix(&mut reader, SNIFF_BYTES).map_err(io_err)?;
    drop(reader);
    let text =
        decode::check_utf8(&prefix, truncated).map_err(|(line, byte)| SourceError::Utf8 {
            path: shown.clone(),
            line,
            byte,
        })?;
    if text.trim().is_empty() {
        return Err(SourceError::Empty { path: shown });
    }
    let mut overrides = opts.dialect.clone();
    if format == Format::Tsv && overrides.delimiter.is_none() {
        overrides.delimiter = Some(b'\t');
    }
    let sniffed = sniff::sniff(text, truncated, &overrides).map_err(|e| SourceError::Dialect {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let dialect = sniffed.dialect.clone();
    report.preamble = sniffed.preamble.clone();
    report.notes.extend(sniffed.notes.iter().cloned());
    let names = header_names(text, &dialect);
    report.dialect = Some(dialect.clone());

    // Check every row (or the first N) for the right field count, quotes and UTF-8.
    let can_read_directly = !gzip
        && opts.encoding == Encoding::Utf8
        // polars reads `""` inside quotes as one quote, and has no backslash escape.
        && (dialect.quote.is_none() || dialect.escape == Escape::Doubled)
        && dialect.line_ending != LineEnding::Cr
        // polars' skip_lines counts physical lines without regard to a BOM or
        // quotes; a preamble is rare and small, so such files take the careful path.
        && dialect.preamble_lines == 0;
    let scan_opts = scan::ScanOptions {
        expected_fields: dialect.field_count,
        max_rows,
        stop_at_first_bad: !opts.skip_bad_rows,
        // Rows of a file polars reads as it is are kept raw, for polars to parse.
        keep: keep.map(|k| k.with_raw(can_read_directly)),
    };
    let reader = decode::open_utf8(path, gzip, opts.encoding).map_err(io_err)?;
    // A full, strict read of a file polars reads as it is: check it on another thread.
    if opts.check_in_background
        && can_read_directly
        && max_rows.is_none()
        && keep.is_none()
        && !opts.skip_bad_rows
    {
        let (path_buf, dialect_c, scan_opts_c, shown_c) = (
            path.to_path_buf(),
            dialect.clone(),
            scan_opts.clone(),
            shown.clone(),
        );
        let encoding = opts.encoding;
        defer(Box::new(move || {
            let reader =
                decode::open_utf8(&path_buf, false, encoding).map_err(|e| SourceError::Io {
                    path: shown_c.clone(),
                    message: e.to_string(),
                })?;
            let result = scan::scan(reader, &dialect_c, &scan_opts_c)
                .map_err(|e| scan_error(&shown_c, e))?;
            if result.rows == 0 && !dialect_c.has_header {
                return Err(SourceError::Empty { path: shown_c });
            }
            Ok(result)
        }));
        drop(reader);
        return Ok((direct(path, &dialect, names, None), None));
    }
    let bad_row = |e: scan::ScanError| scan_error(&shown, e);
    let mut result = scan::scan(reader, &dialect, &scan_opts).map_err(bad_row)?;
    if result.rows == 0 && !dialect.has_header {
        return Err(SourceError::Empty { path: shown });
    }
    report.rows = Some(result.rows);
    report.bad_rows = result.bad_rows;
    report.first_bad = result.first_bad.clone();
    let kept = match result.kept.take() {
        Some(rows) => kept_frame(&names, &rows, &dialect).map_err(|e| SourceError::Polars {
            path: shown.clone(),
            message: e.to_string(),
        })?,
        None => None,
    };

    if can_read_directly && result.bad_rows == 0 {
        return Ok((direct(path, &dialect, names, max_rows), kept));
    }
    // Normalise into a temporary UTF-8, comma-separated, doubled-quote CSV.
    let dir = tempfile::tempdir().map_err(io_err)?;
    let out_path = dir.path().join("normalised.csv");
    let out = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(&out_path).map_err(io_err)?,
    );
    let reader = decode::open_utf8(path, gzip, opts.encoding).map_err(io_err)?;
    let normalize_opts = scan::ScanOptions {
        keep: None,
        ..scan_opts
    };
    scan::normalize(reader, &dialect, &normalize_opts, out).map_err(bad_row)?;
    temps.push(dir);
    let mut notes = Vec::new();
    if gzip {
        notes.push("gzip");
    }
    if opts.encoding != Encoding::Utf8 {
        notes.push("transcoded to UTF-8");
    }
    if result.bad_rows > 0 {
        notes.push("malformed rows skipped");
    }
    if !notes.is_empty() {
        report.notes.push(format!(
            "read through a normalised copy ({})",
            notes.join(", ")
        ));
    }
    let input = Input::Csv {
        path: out_path,
        separator: b',',
        quote: Some(b'"'),
        has_header: dialect.has_header,
        skip_lines: 0,
        names,
        max_rows: max_rows.map(|n| n as usize),
    };
    Ok((input, kept))
}

/// The scan of a delimited file that polars reads as it is.
fn direct(path: &Path, dialect: &Dialect, names: Vec<String>, max_rows: Option<u64>) -> Input {
    Input::Csv {
        path: path.to_path_buf(),
        separator: dialect.delimiter,
        quote: dialect.quote,
        has_header: dialect.has_header,
        skip_lines: dialect.preamble_lines,
        names,
        max_rows: max_rows.map(|n| n as usize),
    }
}

/// A scan error as the error of the file `shown`.
fn scan_error(shown: &str, e: scan::ScanError) -> SourceError {
    match e {
        scan::ScanError::Bad(row) => {
            if let scan::BadRowProblem::InvalidUtf8 {
                byte_offset_in_line,
            } = row.problem
            {
                SourceError::Utf8 {
                    path: shown.to_string(),
                    line: row.line,
                    byte: byte_offset_in_line + 1,
                }
            } else {
                SourceError::BadRow {
                    path: shown.to_string(),
                    message: scan::ScanError::Bad(row).to_string(),
                }
            }
        }
        other => SourceError::Io {
            path: shown.to_string(),
            message: other.to_string(),
        },
    }
}

/// The row check of one file, to run in the background.
type CheckJob = Box<dyn FnOnce() -> Result<scan::ScanResult, SourceError> + Send>;

/// Row checks running on one thread, file after file, while the data is read.
struct BackgroundCheck {
    handle: std::sync::Mutex<Option<std::thread::JoinHandle<CheckOutcome>>>,
    outcome: std::sync::OnceLock<CheckOutcome>,
}

/// Each checked file's index and scan, or the first error.
type CheckOutcome = Result<Vec<(usize, scan::ScanResult)>, SourceError>;

impl BackgroundCheck {
    fn start(jobs: Vec<(usize, CheckJob)>) -> Self {
        let handle = std::thread::Builder::new()
            .name("wort-check".into())
            .spawn(move || {
                let mut out = Vec::new();
                for (i, job) in jobs {
                    out.push((i, job()?));
                }
                Ok(out)
            })
            .ok();
        BackgroundCheck {
            handle: std::sync::Mutex::new(handle),
            outcome: std::sync::OnceLock::new(),
        }
    }

    /// The checks' outcome, waiting for them the first time.
    fn wait(&self) -> CheckOutcome {
        self.outcome
            .get_or_init(|| {
                let handle = self.handle.lock().ok().and_then(|mut h| h.take());
                match handle.map(|h| h.join()) {
                    Some(Ok(outcome)) => outcome,
                    _ => Err(SourceError::Io {
                        path: String::new(),
                        message: "the row check stopped unexpectedly".into(),
                    }),
                }
            })
            .clone()
    }
}

/// Rows kept by the scan as a frame of text columns named `names`, read the way
/// polars reads the file: raw rows are parsed by polars with the file's dialect (so
/// `""` stays an empty string and an empty field is missing); rows kept as fields
/// (from files read through a normalised copy) have empty fields missing, as that
/// copy has. `None` when a raw row could not be kept (a record longer than the raw
/// buffer): the caller then picks the sample from the whole file.
fn kept_frame(
    names: &[String],
    rows: &[(u64, scan::KeptRow)],
    dialect: &Dialect,
) -> PolarsResult<Option<DataFrame>> {
    use scan::KeptRow;
    if rows.iter().any(|(_, r)| matches!(r, KeptRow::Missing)) {
        return Ok(None);
    }
    if rows.iter().all(|(_, r)| matches!(r, KeptRow::Raw(_))) && !rows.is_empty() {
        let mut bytes = Vec::new();
        for (_, r) in rows {
            if let KeptRow::Raw(raw) = r {
                bytes.extend_from_slice(raw);
                if !raw.ends_with(b"\n") {
                    bytes.push(b'\n');
                }
            }
        }
        let schema: Schema = names
            .iter()
            .map(|n| Field::new(n.as_str().into(), DataType::String))
            .collect();
        let df = CsvReadOptions::default()
            .with_has_header(false)
            .with_schema(Some(Arc::new(schema)))
            .map_parse_options(|p| {
                p.with_separator(dialect.delimiter)
                    .with_quote_char(dialect.quote)
                    .with_missing_is_null(true)
            })
            .into_reader_with_file_handle(std::io::Cursor::new(bytes))
            .finish()?;
        return Ok(Some(df));
    }
    let columns: Vec<Column> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values = rows.iter().map(|(_, row)| match row {
                KeptRow::Fields(rec) => rec
                    .get(i)
                    .filter(|f| !f.is_empty())
                    // The scan let through only rows of valid UTF-8.
                    .map(|f| String::from_utf8_lossy(f)),
                _ => None,
            });
            let ca: StringChunked = values.collect();
            ca.with_name(name.as_str().into()).into_column()
        })
        .collect();
    DataFrame::new(rows.len(), columns).map(Some)
}

/// Column names from the header row (or column_1...), made unique and non-empty.
/// `text` after its first `n` lines, a line ending at `\n`, `\r\n` or a lone `\r`.
fn skip_lines(text: &str, n: usize) -> &str {
    let bytes = text.as_bytes();
    let mut pos = 0;
    for _ in 0..n {
        match bytes[pos..].iter().position(|&b| b == b'\n' || b == b'\r') {
            None => return "",
            Some(i) => {
                pos += i + 1;
                if bytes[pos - 1] == b'\r' && bytes.get(pos) == Some(&b'\n') {
                    pos += 1;
                }
            }
        }
    }
    &text[pos..]
}

fn header_names(text: &str, dialect: &Dialect) -> Vec<String> {
    let body = skip_lines(text.trim_start_matches('\u{feff}'), dialect.preamble_lines);
    let builder = dialect.reader_builder();
    let mut rdr = builder.from_reader(body.as_bytes());
    let first: Vec<String> = rdr
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    let n = dialect.field_count.max(first.len());
    let mut names = Vec::with_capacity(n);
    for i in 0..dialect.field_count.max(1) {
        let base = if dialect.has_header {
            first.get(i).cloned().unwrap_or_default()
        } else {
            String::new()
        };
        let base = if base.is_empty() {
            format!("column_{}", i + 1)
        } else {
            base
        };
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

impl SourceReport {
    /// The lines of the run summary that describe the input.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for f in &self.files {
            let _ = write!(s, "input  {}: {}", f.path, f.format.name());
            if f.gzip {
                s.push_str(", gzip");
            }
            if let Some(d) = &f.dialect {
                let _ = write!(
                    s,
                    ", {}, delimiter {}, quote {}, escape {}, header {}, {} line ends",
                    f.encoding.name(),
                    show_byte(d.delimiter),
                    d.quote.map_or("none".into(), show_byte),
                    match d.escape {
                        Escape::Doubled => "doubled quote",
                        Escape::Backslash => "backslash",
                        Escape::None => "none",
                    },
                    if d.has_header { "yes" } else { "no" },
                    match d.line_ending {
                        LineEnding::Lf => "LF",
                        LineEnding::CrLf => "CRLF",
                        LineEnding::Cr => "CR",
                    }
                );
                if d.bom {
                    s.push_str(", BOM");
                }
            }
            if let Some(r) = f.rows {
                let _ = write!(s, ", {} rows", thousands(r));
            }
            s.push('\n');
            if !f.preamble.is_empty() {
                let _ = writeln!(
                    s,
                    "       skipped {} preamble line(s) before the header: {}",
                    f.preamble.len(),
                    f.preamble
                        .iter()
                        .map(|l| quoted(l, 40))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            for note in &f.notes {
                let _ = writeln!(s, "       {note}");
            }
            if f.bad_rows > 0 {
                let _ = writeln!(
                    s,
                    "       skipped {} malformed row(s):",
                    thousands(f.bad_rows)
                );
                for b in &f.first_bad {
                    let _ = writeln!(s, "         {}", scan::ScanError::Bad(b.clone()));
                }
            }
        }
        let _ = write!(s, "sample {}", self.sample);
        match (self.sample_rows, self.total_rows) {
            (Some(n), Some(t)) if n != t => {
                let _ = write!(s, " ({} of {} rows)", thousands(n), thousands(t));
            }
            (Some(n), _) => {
                let _ = write!(s, " ({} rows)", thousands(n));
            }
            _ => {}
        }
        s.push('\n');
        if let Some(n) = self.inferred_from {
            let _ = writeln!(
                s,
                "infer  types and null counts from the first {} rows",
                thousands(n)
            );
        }
        if !self.null_tokens.is_empty() {
            let _ = writeln!(
                s,
                "nulls  {}",
                self.null_tokens
                    .iter()
                    .map(|(t, n)| format!("{} ×{}", quoted(t, 10), thousands(*n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let types: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, crate::util::type_name(&c.dtype)))
            .collect();
        let _ = writeln!(s, "types  {}", types.join(" "));
        for c in &self.columns {
            if let Some(Conversion::Date(f) | Conversion::Datetime(f)) = &c.conversion {
                let _ = writeln!(s, "       {}: parsed with format {f}", c.name);
            }
            if let Some(j) = &c.junk {
                let _ = writeln!(
                    s,
                    "       {}: kept as text: {} of {} values are {}, {} are not (e.g. {})",
                    c.name,
                    thousands(j.of - j.count),
                    thousands(j.of),
                    j.kind,
                    thousands(j.count),
                    j.examples
                        .iter()
                        .map(|e| quoted(e, 20))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if let Some(n) = &c.note {
                let _ = writeln!(s, "       {}: {n}", c.name);
            }
        }
        s
    }
}

fn show_byte(b: u8) -> String {
    match b {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        b => format!("'{}'", b as char),
    }
}
