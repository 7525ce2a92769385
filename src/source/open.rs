//! `open`: paths and globs to a `Source`: format detection, decoding, dialect, the row
//! check, the sample and type inference.

use super::*;

/// Open one or more inputs (paths or glob patterns) as one dataset.
pub fn open(inputs: &[String], opts: &ReadOptions) -> Result<Source, SourceError> {
    crate::oom::reading(inputs);
    spool::check_stdin_once(inputs)?;
    let paths = expand(inputs)?;
    let mut temps = Vec::new();
    let mut prepared = Vec::with_capacity(paths.len());
    for path in &paths {
        prepared.push(spool::prepare(path, opts.encoding, &mut temps)?);
    }
    open_prepared(prepared, opts, temps)
}

/// [`open`] of inputs made readable more than once (spooled, decoded), whose copies
/// are in `temps`; also how a source whose background row check found a malformed row
/// is opened again, with the rows checked first.
pub(super) fn open_prepared(
    prepared: Vec<spool::Prepared>,
    opts: &ReadOptions,
    mut temps: Vec<TempFile>,
) -> Result<Source, SourceError> {
    let sample = opts.sample.unwrap_or(Sample::Full);
    let null_tokens: Vec<String> = match &opts.null_values {
        Some(v) => v.iter().filter(|t| !t.is_empty()).cloned().collect(),
        None => DEFAULT_NULL_TOKENS.iter().map(|s| s.to_string()).collect(),
    };
    let mut files = Vec::new();
    let mut scans = Vec::new();
    // Only `first:N` can stop reading early.
    let max_rows = match sample {
        Sample::First(n) if prepared.len() == 1 => Some(n),
        _ => None,
    };
    // A random or last-N sample of one delimited file is kept during the row check,
    // in the same pass (polars would read the whole file again to pick the rows).
    let keep = match sample {
        Sample::Random { n, seed } if prepared.len() == 1 => Some(scan::Keep::Random {
            n: usize::try_from(n).unwrap_or(usize::MAX),
            seed,
            raw: false,
        }),
        Sample::Last(n) if prepared.len() == 1 => Some(scan::Keep::Last {
            n: usize::try_from(n).unwrap_or(usize::MAX),
            raw: false,
        }),
        _ => None,
    };
    let mut kept = None;
    let mut jobs: Vec<(usize, CheckJob)> = Vec::new();
    for (i, prepared) in prepared.iter().enumerate() {
        let (input, report, rows) =
            open_file(prepared, opts, max_rows, keep, &mut temps, &mut |job| {
                jobs.push((i, job))
            })?;
        scans.push(input);
        files.push(report);
        kept = rows;
    }
    let background = (!jobs.is_empty()).then(|| Arc::new(BackgroundCheck::start(jobs)));
    let reopen = background.as_ref().map(|_| Reopen {
        prepared: prepared.clone(),
        opts: ReadOptions {
            check_in_background: false,
            ..opts.clone()
        },
    });

    let mut source = Source {
        inputs: scans,
        null_tokens: null_tokens.clone(),
        spare_null_tokens: Vec::new(),
        background,
        reopen,
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
    match infer_types(&mut source, opts, sample, kept, &null_tokens) {
        Ok(()) => Ok(source),
        // The background check found rows to set aside before the types were known:
        // open again with the rows checked first.
        Err(SourceError::ReadAgain { .. }) if source.reopen.is_some() => {
            let reopen = source.reopen.take().expect("checked");
            let temps = std::mem::take(&mut source._temp);
            drop(source);
            open_prepared(reopen.prepared, &reopen.opts, temps)
        }
        Err(e) => Err(e),
    }
}

/// Infer the types of an opened source (from its first rows for a full read, else
/// from its sample, which it then holds).
fn infer_types(
    source: &mut Source,
    opts: &ReadOptions,
    sample: Sample,
    kept: Option<DataFrame>,
    null_tokens: &[String],
) -> Result<(), SourceError> {
    check_same_columns(source)?;
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
            infer_frame(&head, null_tokens, inferable).map_err(|e| source.polars_error(&e))?;
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
        return Ok(());
    }

    // Bounded sample: take it, then infer over every value.
    let raw = match kept {
        Some(df) => df,
        None => take_sample(source, raw_text, sample, total)?,
    };
    let (conversions, columns, tokens) =
        infer_frame(&raw, null_tokens, inferable).map_err(|e| source.polars_error(&e))?;
    let mut converted = convert_frame(raw, &conversions, null_tokens, inferable)
        .map_err(|e| source.polars_error(&e))?;
    // The sample is gathered in many small chunks; every query over it (thousands of
    // rule expressions on a wide file) would pay for each chunk of each column.
    converted.rechunk_mut_par();
    source.report.sample_rows = Some(converted.height() as u64);
    source.conversions = conversions;
    source.report.columns = columns;
    source.report.null_tokens = tokens;
    source.frame = Some(converted);
    Ok(())
}

pub(super) fn take_sample(
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

pub(super) type Inference = (
    Vec<(String, Option<Conversion>)>,
    Vec<ColumnReport>,
    Vec<(String, u64)>,
);

/// Count null tokens and infer each text column's type from every value of `raw`.
pub(super) fn infer_frame(
    raw: &DataFrame,
    tokens: &[String],
    inferable: bool,
) -> PolarsResult<Inference> {
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
pub(super) fn convert_frame(
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
pub(super) fn expand(inputs: &[String]) -> Result<Vec<PathBuf>, SourceError> {
    let mut out = Vec::new();
    for input in inputs {
        let p = Path::new(input);
        if p.exists() || input == spool::STDIN {
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

pub(super) fn check_same_columns(source: &Source) -> Result<(), SourceError> {
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
pub(super) fn open_file(
    prepared: &spool::Prepared,
    opts: &ReadOptions,
    max_rows: Option<u64>,
    keep: Option<scan::Keep>,
    temps: &mut Vec<TempFile>,
    defer: &mut dyn FnMut(CheckJob),
) -> Result<(Input, FileReport, Option<DataFrame>), SourceError> {
    let path = prepared.read.as_path();
    let shown = prepared.shown.clone();
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
        None => detect_format(&prepared.name, path, gzip).map_err(io_err)?,
    };
    let mut report = FileReport {
        path: shown.clone(),
        format,
        gzip: gzip || prepared.gunzipped,
        decoded: prepared.decoded,
        read: path.to_path_buf(),
        read_gzip: gzip,
        encoding: opts.encoding,
        dialect: None,
        preamble: Vec::new(),
        notes: Vec::new(),
        bad_rows: 0,
        first_bad: Vec::new(),
        rows: None,
        header_cells: Vec::new(),
        second_table: None,
        stray_quote: None,
        estimated_rows: None,
    };
    match format {
        Format::Csv | Format::Tsv => {
            let (input, kept) = open_delimited(
                (path, &shown),
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
                message: not_parquet(path, &e),
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
            let file = std::fs::File::open(&path).map_err(io_err)?;
            if let Some(line) = super::nesting::too_deep(file).map_err(io_err)? {
                return Err(SourceError::BadRow {
                    path: shown,
                    message: super::nesting::too_deep_message(line),
                });
            }
            if format == Format::Ndjson {
                let mut lf =
                    LazyJsonLineReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
                        .with_infer_schema_length(std::num::NonZeroUsize::new(FULL_INFER_ROWS))
                        .finish()
                        .map_err(|e| ndjson_error(&shown, &path, &e))?;
                lf.collect_schema()
                    .map_err(|e| ndjson_error(&shown, &path, &e))?;
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

/// Why a file did not read as Parquet: when it does not even start like Parquet, say
/// what it looks like instead (the `--format` given was wrong, or the extension lies).
fn not_parquet(path: &Path, e: &PolarsError) -> String {
    let looks = content_format(path, false)
        .ok()
        .filter(|f| *f != Format::Parquet);
    match looks {
        Some(f) => format!(
            "the file is not Parquet (it does not start with PAR1); it looks like {0}: read \
             it as {0} (the format option set to {1}, or left out to detect the format)",
            f.name(),
            f.name().to_ascii_lowercase()
        ),
        None => format!(
            "{} (is it really Parquet? pass --format to override)",
            crate::util::clean_polars_error(e)
        ),
    }
}

pub(super) fn json_error(path: &str, e: &PolarsError) -> SourceError {
    SourceError::Polars {
        path: path.to_string(),
        message: format!(
            "not valid JSON: {} (JSON must be an array of objects, NDJSON one object per line)",
            crate::util::clean_polars_error(e)
        ),
    }
}

/// polars' NDJSON error names a character, not a line: find the line that does not
/// parse and name it (falling back to polars' message when every line parses).
fn ndjson_error(shown: &str, path: &Path, e: &PolarsError) -> SourceError {
    let bad = std::fs::File::open(path)
        .ok()
        .and_then(super::nesting::first_bad_ndjson_line);
    match bad {
        Some((line, why)) => SourceError::BadRow {
            path: shown.to_string(),
            message: format!(
                "line {line}: not valid JSON ({why}); NDJSON needs one JSON object per line"
            ),
        },
        None => json_error(shown, e),
    }
}

pub(super) fn gunzip_to_temp(path: &Path, temps: &mut Vec<TempFile>) -> std::io::Result<PathBuf> {
    use std::io::Write as _;
    let temp = TempFile::new(".data")?;
    let mut r = decode::open_utf8(path, true, Encoding::Utf8)?;
    let mut w = std::io::BufWriter::new(temp.file());
    std::io::copy(&mut r, &mut w)?;
    w.flush()?;
    drop(w);
    let out = temp.path().to_path_buf();
    temps.push(temp);
    Ok(out)
}

/// The format from the extension of `name` (ignoring .gz), or from the first bytes of
/// `path`.
pub(super) fn detect_format(name: &Path, path: &Path, gzip: bool) -> std::io::Result<Format> {
    let name = name.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".gzip"))
        .unwrap_or(name);
    if let Some(ext) = Path::new(stem).extension().and_then(|e| e.to_str())
        && let Some(f) = Format::from_extension(ext)
    {
        return Ok(f);
    }
    content_format(path, gzip)
}

/// The format from the first bytes alone.
fn content_format(path: &Path, gzip: bool) -> std::io::Result<Format> {
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
pub(super) fn open_delimited(
    (path, shown): (&Path, &str),
    opts: &ReadOptions,
    format: Format,
    gzip: bool,
    (max_rows, keep): (Option<u64>, Option<scan::Keep>),
    (temps, defer): (&mut Vec<TempFile>, &mut dyn FnMut(CheckJob)),
    report: &mut FileReport,
) -> Result<(Input, Option<DataFrame>), SourceError> {
    let shown = shown.to_string();
    let io_err = |e: std::io::Error| SourceError::Io {
        path: shown.clone(),
        message: e.to_string(),
    };
    let mut reader = decode::open_utf8(path, gzip, opts.encoding).map_err(io_err)?;
    let (prefix, truncated) = decode::read_prefix(&mut reader, SNIFF_BYTES).map_err(io_err)?;
    drop(reader);
    if !gzip {
        report.estimated_rows = Some(estimated_rows(path, &prefix, truncated));
    }
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
    if let (Some(d), Some(Some(q))) = (overrides.delimiter, overrides.quote)
        && d == q
    {
        return Err(SourceError::Dialect {
            path: shown,
            message: format!(
                "--delimiter and --quote are both {:?}: one character cannot both separate \
                 fields and quote them; pass the file's real quote character, or --quote none",
                char::from(d)
            ),
        });
    }
    let sniffed = sniff::sniff(text, truncated, &overrides).map_err(|e| SourceError::Dialect {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let dialect = sniffed.dialect.clone();
    report.preamble = sniffed.preamble.clone();
    report.stray_quote = sniffed.stray_quote;
    report.notes.extend(sniffed.notes.iter().cloned());
    let names = header_names(text, &dialect);
    if dialect.has_header {
        report.header_cells = first_record(text, &dialect);
    }
    report.dialect = Some(dialect.clone());

    // Check every row (or the first N) for the right field count, quotes and UTF-8.
    let can_read_directly = !gzip
        && opts.encoding == Encoding::Utf8
        // polars reads `""` inside quotes as one quote, and has no backslash escape.
        && (dialect.quote.is_none() || dialect.escape == Escape::Doubled)
        && dialect.line_ending != LineEnding::Cr
        // polars' skip_lines counts physical lines without regard to a BOM or
        // quotes; a preamble is rare and small, so such files take the careful path.
        && dialect.preamble_lines == 0
        && !dialect.space_after_delimiter
        && !sniffed.repairs;
    let scan_opts = scan::ScanOptions {
        expected_fields: dialect.field_count,
        max_rows,
        // Rows with the wrong number of fields are counted, then set aside when they
        // are few (see `too_many_bad_rows`); an unclosed quote or invalid UTF-8 stops.
        stop_at_first_bad: false,
        refuse_unreadable: !opts.skip_bad_rows,
        // Rows of a file polars reads as it is are kept raw, for polars to parse.
        keep: keep.map(|k| k.with_raw(can_read_directly)),
    };
    let reader = decode::open_utf8(path, gzip, opts.encoding).map_err(io_err)?;
    // A full, strict read of a file polars reads as it is, whose sniffed part had
    // nothing to set aside: check it on another thread. A row to set aside found
    // there has the source opened again, checked first (`ReadAgain`).
    if opts.check_in_background
        && can_read_directly
        && sniffed.ragged == 0
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
        let scan_opts_c = scan::ScanOptions {
            stop_at_first_bad: true,
            ..scan_opts_c
        };
        defer(Box::new(move || {
            let reader =
                decode::open_utf8(&path_buf, false, encoding).map_err(|e| SourceError::Io {
                    path: shown_c.clone(),
                    message: e.to_string(),
                })?;
            let again = |message: String| SourceError::ReadAgain {
                path: shown_c.clone(),
                message,
            };
            let result = match scan::scan(reader, &dialect_c, &scan_opts_c) {
                Err(scan::ScanError::Bad(row))
                    if matches!(row.problem, scan::BadRowProblem::FieldCount { .. }) =>
                {
                    return Err(again(row.describe()));
                }
                other => other.map_err(|e| scan_error(&shown_c, e))?,
            };
            if let Some(line) = result.first_repeated_header {
                return Err(again(format!("line {line} repeats the header")));
            }
            if let Some(t) = result.second_table {
                return Err(again(format!("line {} starts a second table", t.line)));
            }
            if let Some(line) = result.stray_quote {
                return Err(again(format!(
                    "line {line} has a quoted field with text after its closing quote"
                )));
            }
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
    if !opts.skip_bad_rows {
        too_many_bad_rows(&result, &dialect).map_err(bad_row)?;
    }
    if result.rows == 0 && !dialect.has_header {
        return Err(SourceError::Empty { path: shown });
    }
    report.notes.extend(repairs(&result, &dialect));
    report.second_table = result.second_table;
    if report.stray_quote.is_none()
        && let Some(line) = result.stray_quote
    {
        report.stray_quote = Some(line);
        report.notes.push(format!(
            "line {line} has a quoted field with text after its closing quote, a stray quote: the quoted part loses its quotes and the text after it is kept"
        ));
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

    let repaired = result.repeated_headers > 0
        || result.second_table.is_some()
        || result.stray_quote.is_some();
    if can_read_directly && result.bad_rows == 0 && !repaired {
        return Ok((direct(path, &dialect, names, max_rows), kept));
    }
    // Normalise into a temporary UTF-8, comma-separated, doubled-quote CSV.
    let temp = TempFile::new(".csv").map_err(io_err)?;
    let out_path = temp.path().to_path_buf();
    let out = std::io::BufWriter::with_capacity(1 << 20, temp.file());
    let reader = decode::open_utf8(path, gzip, opts.encoding).map_err(io_err)?;
    let normalize_opts = scan::ScanOptions {
        keep: None,
        ..scan_opts
    };
    scan::normalize(reader, &dialect, &normalize_opts, out).map_err(bad_row)?;
    temps.push(temp);
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
    if result.repeated_headers > 0 {
        notes.push("repeated headers dropped");
    }
    if result.second_table.is_some() {
        notes.push("second table left out");
    }
    if result.stray_quote.is_some() {
        notes.push("stray quotes");
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

/// About how many rows the file at `path` holds, from its first bytes `prefix` (all of
/// it unless `truncated`): lines there, scaled by the file's size. `\r\n` counts twice
/// and a line break inside quotes counts as a row: the estimate errs on the large side.
fn estimated_rows(path: &Path, prefix: &[u8], truncated: bool) -> u64 {
    let lines = prefix.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
    match std::fs::metadata(path) {
        Ok(meta) if truncated => {
            meta.len().saturating_mul(lines) / (prefix.len().max(1) as u64) + 1
        }
        _ => lines,
    }
}

/// At most one row in this many may be set aside without `--skip-bad-rows`.
const SET_ASIDE_ONE_IN: u64 = 20;

/// Without `--skip-bad-rows`, rows with the wrong number of fields are set aside when
/// they are a small minority (at most one in [`SET_ASIDE_ONE_IN`]); more than that
/// means the file is not the table it seemed, and the first one stops the read.
fn too_many_bad_rows(result: &scan::ScanResult, dialect: &Dialect) -> Result<(), scan::ScanError> {
    let total = result.rows + result.bad_rows;
    match result.first_bad.first() {
        Some(first) if result.bad_rows * SET_ASIDE_ONE_IN > total => {
            let mut first = first.clone();
            first.context = Some(format!(
                "{} of {} rows {} malformed with delimiter {}: too many to set aside without the flag (at most 1 row in {SET_ASIDE_ONE_IN} is); if that is not the file's delimiter, pass --delimiter",
                thousands(result.bad_rows),
                thousands(total),
                if result.bad_rows == 1 { "is" } else { "are" },
                report::show_byte(dialect.delimiter)
            ));
            Err(scan::ScanError::Bad(first))
        }
        _ => Ok(()),
    }
}

/// Notes on what the row check repaired: repeated headers dropped, a second table
/// left out. (Rows set aside are listed by the summary.)
fn repairs(result: &scan::ScanResult, dialect: &Dialect) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(line) = result.first_repeated_header {
        let n = result.repeated_headers;
        notes.push(if n == 1 {
            format!("line {line} repeats the header: dropped")
        } else {
            format!(
                "{} lines repeat the header (the first is line {line}): dropped",
                thousands(n)
            )
        });
    }
    if let Some(t) = result.second_table {
        notes.push(format!(
            "line {} starts a second table ({}, {} fields, not {}): it and the lines after it are not read; pass --skip-lines {} to read that table instead",
            t.line,
            if t.after_blank_line {
                "after a blank line"
            } else {
                "a new header"
            },
            t.fields,
            dialect.field_count,
            t.line - 1
        ));
    }
    notes
}

/// The scan of a delimited file that polars reads as it is.
pub(super) fn direct(
    path: &Path,
    dialect: &Dialect,
    names: Vec<String>,
    max_rows: Option<u64>,
) -> Input {
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
pub(super) fn scan_error(shown: &str, e: scan::ScanError) -> SourceError {
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

/// Rows kept by the scan as a frame of text columns named `names`, read the way
/// polars reads the file: raw rows are parsed by polars with the file's dialect (so
/// `""` stays an empty string and an empty field is missing); rows kept as fields
/// (from files read through a normalised copy) have empty fields missing, as that
/// copy has. `None` when a raw row could not be kept (a record longer than the raw
/// buffer): the caller then picks the sample from the whole file.
pub(super) fn kept_frame(
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
pub(super) fn skip_lines(text: &str, n: usize) -> &str {
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

/// The first record of a delimited file's text (its header, when it has one), each
/// cell trimmed.
fn first_record(text: &str, dialect: &Dialect) -> Vec<String> {
    let body = skip_lines(text.trim_start_matches('\u{feff}'), dialect.preamble_lines);
    let plain;
    let body = if dialect.space_after_delimiter {
        plain = super::spaced::SpaceDropper::new(dialect.delimiter, dialect.quote, dialect.escape)
            .drop_spaces_in(body);
        plain.as_str()
    } else {
        body
    };
    let builder = dialect.reader_builder();
    let mut rdr = builder.from_reader(body.as_bytes());
    rdr.records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|s| s.trim().to_string()).collect())
        .unwrap_or_default()
}

/// The column names of a delimited file: its header's cells, trimmed, `column_N` for
/// an empty or missing one (every one without a header), `name_2` for a repeat.
pub(super) fn header_names(text: &str, dialect: &Dialect) -> Vec<String> {
    let first = first_record(text, dialect);
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
