//! Writing results: CSV, Parquet or NDJSON by extension, through a temporary file in
//! the target directory that is renamed into place only when complete.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use polars::prelude::*;

/// Output file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Parquet,
    Ndjson,
}

impl OutputFormat {
    /// Chosen by the output's extension.
    pub fn from_path(path: &Path) -> Result<OutputFormat, WriteError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Ok(OutputFormat::Csv),
            "parquet" | "pq" => Ok(OutputFormat::Parquet),
            "ndjson" | "jsonl" => Ok(OutputFormat::Ndjson),
            _ => Err(WriteError::Extension {
                path: path.display().to_string(),
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Csv => "CSV",
            OutputFormat::Parquet => "Parquet",
            OutputFormat::Ndjson => "NDJSON",
        }
    }

    fn file_format(self) -> FileWriteFormat {
        match self {
            OutputFormat::Csv => {
                let serialize = SerializeOptions {
                    // ISO 8601, with a fraction only when there is one.
                    datetime_format: Some("%Y-%m-%dT%H:%M:%S%.f".into()),
                    ..Default::default()
                };
                FileWriteFormat::Csv(CsvWriterOptions {
                    check_extension: false,
                    serialize_options: Arc::new(serialize),
                    ..Default::default()
                })
            }
            OutputFormat::Parquet => {
                FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions::default()))
            }
            OutputFormat::Ndjson => FileWriteFormat::NDJson(NDJsonWriterOptions {
                check_extension: false,
                ..Default::default()
            }),
        }
    }
}

/// Errors writing an output.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "cannot tell the output format of {path}: use an output name ending in .csv, .parquet or .ndjson"
    )]
    Extension { path: String },
    #[error("output directory {dir} does not exist; create it first (mkdir -p {dir})")]
    NoDirectory { dir: String },
    #[error("cannot create a temporary file in {dir}: {source}")]
    Temp {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot move the finished output into place at {path}: {source}")]
    Rename {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Polars(String),
    /// The input turned out to be malformed while the output was written.
    #[error("{0}")]
    Input(String),
}

/// The temporary file being written, removed by the interrupt handler on Ctrl-C.
static IN_PROGRESS: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Remove the temporary output being written, if any (called on Ctrl-C).
pub fn remove_in_progress() {
    if let Ok(mut g) = IN_PROGRESS.lock()
        && let Some(p) = g.take()
    {
        let _ = std::fs::remove_file(p);
    }
}

/// Check that `path` can be written: a known extension and an existing directory.
pub fn check_output(path: &Path) -> Result<OutputFormat, WriteError> {
    let format = OutputFormat::from_path(path)?;
    check_dir(path)?;
    Ok(format)
}

/// Check that the directory `path` would be written in exists (for reports, whose
/// extension is free).
pub fn check_dir(path: &Path) -> Result<(), WriteError> {
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(WriteError::NoDirectory {
            dir: dir.display().to_string(),
        });
    }
    Ok(())
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Run `lf` with the streaming engine into `path`, atomically: the data goes to a
/// temporary file beside the target, renamed over it only when complete.
pub fn write_atomic(lf: LazyFrame, path: &Path) -> Result<(), WriteError> {
    write_atomic_checked(lf, path, || Ok(()))
}

/// [`write_atomic`], with a last check before the output is moved into place: when
/// `check` fails (a malformed input row found meanwhile), nothing is published.
pub fn write_atomic_checked(
    lf: LazyFrame,
    path: &Path,
    check: impl FnOnce() -> Result<(), String>,
) -> Result<(), WriteError> {
    let format = check_output(path)?;
    let dir = parent_dir(path);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("out");
    let temp = tempfile::Builder::new()
        .prefix(".wort-")
        .suffix(&format!(".part.{ext}"))
        .tempfile_in(&dir)
        .map_err(|source| WriteError::Temp {
            dir: dir.display().to_string(),
            source,
        })?;
    let temp_path = temp.path().to_path_buf();
    if let Ok(mut g) = IN_PROGRESS.lock() {
        *g = Some(temp_path.clone());
    }
    let result = sink(lf, &temp_path, format);
    if let Ok(mut g) = IN_PROGRESS.lock() {
        *g = None;
    }
    // The input's own error comes first: it explains a failure of the read.
    check().map_err(WriteError::Input)?;
    result.map_err(|e| WriteError::Polars(crate::transform::clean_polars_error(&e)))?;
    temp.persist(path).map_err(|e| WriteError::Rename {
        path: path.display().to_string(),
        source: e.error,
    })?;
    Ok(())
}

fn sink(lf: LazyFrame, path: &Path, format: OutputFormat) -> PolarsResult<()> {
    let target = SinkTarget::Path(PlRefPath::new(path.to_string_lossy().as_ref()));
    lf.sink(
        SinkDestination::File { target },
        format.file_format(),
        UnifiedSinkArgs::default(),
    )?
    .collect_with_engine(Engine::Streaming)?;
    Ok(())
}

/// Write `text` (a report) to `path` atomically: a temporary file in the same
/// directory, renamed into place when complete. A final newline is added if missing.
pub fn write_text_atomic(path: &Path, text: &str) -> Result<(), WriteError> {
    use std::io::Write as _;
    check_dir(path)?;
    let dir = parent_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".wort-")
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(|source| WriteError::Temp {
            dir: dir.display().to_string(),
            source,
        })?;
    let mut body = text.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    temp.write_all(body.as_bytes())
        .and_then(|_| temp.flush())
        .map_err(|source| WriteError::Temp {
            dir: dir.display().to_string(),
            source,
        })?;
    temp.persist(path).map_err(|e| WriteError::Rename {
        path: path.display().to_string(),
        source: e.error,
    })?;
    Ok(())
}
