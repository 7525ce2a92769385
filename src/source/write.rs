//! Writing results: CSV, Parquet or NDJSON by extension, through a temporary file in
//! the target directory that is renamed into place only when complete.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use polars::prelude::*;

use super::temp::TempFile;

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

    fn file_format(self, header: bool) -> FileWriteFormat {
        match self {
            OutputFormat::Csv => {
                let serialize = SerializeOptions {
                    // ISO 8601, with a fraction only when there is one.
                    datetime_format: Some("%Y-%m-%dT%H:%M:%S%.f".into()),
                    ..Default::default()
                };
                FileWriteFormat::Csv(CsvWriterOptions {
                    check_extension: false,
                    include_header: header,
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

/// How a CSV output follows the CSV input it was made from, so that a column nobody
/// changed reads as it did: a date column read in a format (`28/01/2018`) is written
/// back in it rather than as an ISO date, and a file read without a header is written
/// without one while its columns are still the names wort made up (`column_1`,
/// `column_2`...). Other outputs keep their types and names whatever the layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Every input is delimited text read without a header.
    headerless_input: bool,
    /// Date and datetime columns as read: name, the format of their text, type.
    date_formats: Vec<(String, String, DataType)>,
}

impl Layout {
    /// The layout of a CSV made from `report`'s inputs.
    pub fn like_input(report: &super::SourceReport) -> Layout {
        let delimited = !report.files.is_empty()
            && report
                .files
                .iter()
                .all(|f| matches!(f.format, super::Format::Csv | super::Format::Tsv));
        if !delimited {
            return Layout::default();
        }
        let headerless_input = report
            .files
            .iter()
            .all(|f| f.dialect.as_ref().is_some_and(|d| !d.has_header));
        let date_formats = report
            .columns
            .iter()
            .filter_map(|c| match c.conversion.as_ref()? {
                // A fraction of any length (`%.f`) has no Spark form to print it with:
                // such a column is written as ISO, here and by an exported job.
                super::Conversion::Date(p) | super::Conversion::Datetime(p)
                    if !p.contains("%.f") =>
                {
                    Some((c.name.clone(), p.clone(), c.dtype.clone()))
                }
                _ => None,
            })
            .collect();
        Layout {
            headerless_input,
            date_formats,
        }
    }

    /// `lf` made ready for `format`, and whether to write a header line: for CSV,
    /// date columns still as read are turned into text in their input formats.
    fn prepare(&self, lf: LazyFrame, format: OutputFormat) -> PolarsResult<(LazyFrame, bool)> {
        if format != OutputFormat::Csv || *self == Layout::default() {
            return Ok((lf, true));
        }
        let mut lf = lf;
        let schema = lf.collect_schema()?;
        let made_up = schema
            .iter_names()
            .enumerate()
            .all(|(i, name)| name.as_str() == format!("column_{}", i + 1));
        let header = !(self.headerless_input && made_up && !schema.is_empty());
        let dates: Vec<Expr> = self
            .date_formats
            .iter()
            .filter(|(name, _, dtype)| schema.get(name.as_str()) == Some(dtype))
            .map(|(name, pattern, _)| col(name.as_str()).dt().strftime(pattern.as_str()))
            .collect();
        if !dates.is_empty() {
            lf = lf.with_columns(dates);
        }
        Ok((lf, header))
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
    #[error("cannot create a temporary file in {dir}: {cause}")]
    Temp { dir: String, cause: std::io::Error },
    #[error("cannot move the finished output into place at {path}: {cause}")]
    Rename { path: String, cause: std::io::Error },
    #[error("cannot write {path}: {cause}")]
    Open { path: String, cause: std::io::Error },
    #[error(
        "cannot write {path}: it is {what}, which wort does not replace; give a file name (an existing regular file is replaced atomically), or a device such as /dev/stdout"
    )]
    NotAFile { path: String, what: String },
    #[error("cannot write to {path}: {cause}")]
    Device { path: String, cause: std::io::Error },
    #[error("{0}")]
    Polars(String),
    /// The input turned out to be malformed while the output was written.
    #[error("{0}")]
    Input(String),
}

/// The named temporary files being written (where no unnamed one could be made),
/// removed by the interrupt handler on Ctrl-C.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove the temporary outputs being written, if any (called on Ctrl-C).
pub fn remove_in_progress() {
    if let Ok(mut g) = IN_PROGRESS.lock() {
        for p in g.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn set_in_progress(paths: Vec<PathBuf>) {
    if let Ok(mut g) = IN_PROGRESS.lock() {
        *g = paths;
    }
}

use super::temp::parent_dir;

/// Where an output goes, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A regular file, new or existing, replaced atomically. `path` is the file itself:
    /// a symlink is followed, so the link stays and its target gets the output.
    /// `mode`: the existing file's permissions, which the new content keeps.
    File {
        path: PathBuf,
        mode: Option<u32>,
    },
    /// A character device (`/dev/null`, a terminal), written through, never replaced.
    Device(PathBuf),
    /// The process's standard output or error, named as `/dev/stdout`, `/dev/fd/1`...
    Stdout,
    Stderr,
}

/// Where writing `path` would go: symlinks followed to their target (existing or not),
/// standard streams and character devices written through. Anything else that is not a
/// regular file (a directory, FIFO, socket or block device) is refused, as is a path
/// whose directory does not exist.
pub fn destination(path: &Path) -> Result<Destination, WriteError> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let shown = path.display().to_string();
    match path.to_str() {
        Some("/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1") => return Ok(Destination::Stdout),
        Some("/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2") => return Ok(Destination::Stderr),
        _ => {}
    }
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        let meta = match std::fs::symlink_metadata(&target) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = parent_dir(&target);
                if !dir.is_dir() {
                    return Err(WriteError::NoDirectory {
                        dir: dir.display().to_string(),
                    });
                }
                return Ok(Destination::File {
                    path: target,
                    mode: None,
                });
            }
            Err(cause) => return Err(WriteError::Open { path: shown, cause }),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let link = std::fs::read_link(&target).map_err(|cause| WriteError::Open {
                path: shown.clone(),
                cause,
            })?;
            target = parent_dir(&target).join(link);
            continue;
        }
        if kind.is_file() {
            return Ok(Destination::File {
                path: target,
                mode: Some(meta.permissions().mode() & 0o7777),
            });
        }
        if kind.is_char_device() {
            return Ok(Destination::Device(target));
        }
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() {
            "a block device"
        } else {
            "not a regular file"
        };
        return Err(WriteError::NotAFile {
            path: shown,
            what: what.into(),
        });
    }
    Err(WriteError::Open {
        path: shown,
        cause: std::io::Error::other("too many levels of symbolic links"),
    })
}

/// An output being written: a temporary file that [`Staged::publish`] moves into place
/// (or copies to a device). It is unnamed until published where the system allows
/// (see [`super::temp`]), so a killed process leaves nothing; otherwise it is named
/// `.wort-PID-…` and removed when dropped unpublished, or by a later run if killed.
#[derive(Debug)]
pub struct Staged {
    temp: TempFile,
    dest: Destination,
    shown: PathBuf,
    /// The existing file's permissions and owner, given to the new content on publish.
    keep: Option<(u32, u32, u32)>,
}

/// Start writing `path`: a temporary file beside its destination (in the temporary
/// directory for a device), named, if it must be, with `suffix` at the end so that a
/// writer choosing the format by extension picks the right one. A new file gets the
/// mode the umask gives; an existing one's mode and owner are kept.
pub fn stage(path: &Path, suffix: &str) -> Result<Staged, WriteError> {
    use std::os::unix::fs::MetadataExt;
    let dest = destination(path)?;
    let dir = match &dest {
        Destination::File { path, .. } => parent_dir(path),
        _ => std::env::temp_dir(),
    };
    let temp = TempFile::new_in(&dir, suffix).map_err(|cause| WriteError::Temp {
        dir: dir.display().to_string(),
        cause,
    })?;
    let keep = match &dest {
        Destination::File {
            path: target,
            mode: Some(mode),
        } => std::fs::metadata(target)
            .ok()
            .map(|meta| (*mode, meta.uid(), meta.gid())),
        _ => None,
    };
    Ok(Staged {
        temp,
        dest,
        shown: path.to_path_buf(),
        keep,
    })
}

impl Staged {
    /// The path that opens the temporary file to write into (`/proc/self/fd/N` for an
    /// unnamed one).
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Move the finished output into place, or copy it to the device or stream.
    pub fn publish(self) -> Result<(), WriteError> {
        use std::os::unix::fs::PermissionsExt;
        let shown = self.shown.display().to_string();
        let copy = |to: &mut dyn std::io::Write| -> std::io::Result<()> {
            let mut from = std::fs::File::open(self.temp.path())?;
            std::io::copy(&mut from, to)?;
            to.flush()
        };
        let written = match &self.dest {
            Destination::File { path, .. } => {
                if let Some((mode, uid, gid)) = self.keep {
                    let file = self.temp.file();
                    let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
                    // Root replacing someone's file gives it back to them; elsewhere
                    // this fails and the file is the writer's, as any new file would be.
                    let _ = std::os::unix::fs::fchown(file, Some(uid), Some(gid));
                }
                return self
                    .temp
                    .link_over(path)
                    .map_err(|cause| WriteError::Rename { path: shown, cause });
            }
            Destination::Device(path) => std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| copy(&mut f)),
            Destination::Stdout => copy(&mut std::io::stdout().lock()),
            Destination::Stderr => copy(&mut std::io::stderr().lock()),
        };
        written.map_err(|cause| WriteError::Device { path: shown, cause })
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
    let staged = stage_data(path)?;
    write_staged(lf, &staged, &Layout::default(), check)?;
    staged.publish()
}

/// [`stage`] for a data output, whose format the extension decides.
pub fn stage_data(path: &Path) -> Result<Staged, WriteError> {
    OutputFormat::from_path(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("out");
    stage(path, &format!(".part.{ext}"))
}

/// Run `lf` into a staged output (again on a retry: the file is rewritten), then
/// `check` the input; nothing is published.
pub fn write_staged(
    lf: LazyFrame,
    staged: &Staged,
    layout: &Layout,
    check: impl FnOnce() -> Result<(), String>,
) -> Result<(), WriteError> {
    let format = OutputFormat::from_path(&staged.shown)?;
    let temp_path = staged.path().to_path_buf();
    if staged.temp.is_named() {
        set_in_progress(vec![temp_path.clone()]);
    }
    let result = sink(lf, &temp_path, format, layout);
    set_in_progress(Vec::new());
    // The input's own error comes first: it explains a failure of the read.
    check().map_err(WriteError::Input)?;
    result.map_err(|e| WriteError::Polars(crate::util::clean_polars_error(&e)))
}

/// [`write_staged`] for several outputs of one plan: each of `parts` goes into its
/// staged output and each of `extra` (small: counts) into memory, in one streaming
/// query, so that what the plans share (the read, the recipe) runs once. Returns the
/// frames of `extra`, in order; nothing is published.
pub fn write_staged_many(
    parts: Vec<(LazyFrame, &Staged)>,
    extra: Vec<LazyFrame>,
    layout: &Layout,
    check: impl FnOnce() -> Result<(), String>,
) -> Result<Vec<DataFrame>, WriteError> {
    let n_parts = parts.len();
    let mut plans = Vec::with_capacity(n_parts + extra.len());
    let mut opt = None;
    let mut temps = Vec::new();
    for (lf, staged) in parts {
        let format = OutputFormat::from_path(&staged.shown)?;
        if staged.temp.is_named() {
            temps.push(staged.path().to_path_buf());
        }
        opt.get_or_insert_with(|| lf.get_current_optimizations());
        let lf = sink_plan(lf, staged.path(), format, layout)
            .map_err(|e| WriteError::Polars(crate::util::clean_polars_error(&e)))?;
        plans.push(lf.logical_plan);
    }
    for lf in extra {
        opt.get_or_insert_with(|| lf.get_current_optimizations());
        plans.push(lf.logical_plan);
    }
    let opt = opt.unwrap_or_default() | OptFlags::COMM_SUBPLAN_ELIM;
    set_in_progress(temps);
    let result = LazyFrame::collect_all_with_engine(plans, Engine::Streaming, opt);
    set_in_progress(Vec::new());
    check().map_err(WriteError::Input)?;
    let mut frames = result.map_err(|e| WriteError::Polars(crate::util::clean_polars_error(&e)))?;
    Ok(frames.split_off(n_parts.min(frames.len())))
}

fn sink_plan(
    lf: LazyFrame,
    path: &Path,
    format: OutputFormat,
    layout: &Layout,
) -> PolarsResult<LazyFrame> {
    let target = SinkTarget::Path(PlRefPath::new(path.to_string_lossy().as_ref()));
    let (lf, header) = layout.prepare(lf, format)?;
    lf.sink(
        SinkDestination::File { target },
        format.file_format(header),
        UnifiedSinkArgs::default(),
    )
}

fn sink(lf: LazyFrame, path: &Path, format: OutputFormat, layout: &Layout) -> PolarsResult<()> {
    sink_plan(lf, path, format, layout)?.collect_with_engine(Engine::Streaming)?;
    Ok(())
}

/// Write `text` (a report) to `path` atomically: a temporary file in the same
/// directory, renamed into place when complete. A final newline is added if missing.
pub fn write_text_atomic(path: &Path, text: &str) -> Result<(), WriteError> {
    use std::io::Write as _;
    let staged = stage(path, ".part")?;
    let mut body = text.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let mut file = staged.temp.file();
    file.write_all(body.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|cause| WriteError::Open {
            path: path.display().to_string(),
            cause,
        })?;
    staged.publish()
}
