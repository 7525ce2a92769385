//! How an exported job reads its input: the dialect, null tokens, encoding and column
//! types that wort sniffed from a sample (`--input`), or that the user gave as flags.

use std::io::Read as _;

use polars::prelude::DataType;

use super::datefmt::{Mode, spark_pattern};
use super::text::{py_str, sql_ident};
use crate::source::{
    self, Conversion, DEFAULT_NULL_TOKENS, Encoding, Escape, Format, ReadOptions, Source,
};

/// One input column: its name, its Spark type as read, and the conversion wort
/// applies to its text (`int`, `float`, `bool`, `date <pattern>`, `datetime <pattern>`).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub name: String,
    pub read: &'static str,
    pub conversion: Option<String>,
}

/// Everything the job needs to read the input the way wort does.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSpec {
    /// `csv`, `parquet`, `json` (one array) or `ndjson`.
    pub format: &'static str,
    pub delimiter: char,
    pub quote: Option<char>,
    pub escape: Option<char>,
    pub header: bool,
    /// Records before the data: preamble lines (not blank) and the header, when there
    /// is a preamble; 0 otherwise (Spark skips the header itself).
    pub skip_records: usize,
    pub encoding: &'static str,
    /// Quoted fields hold line breaks (Spark must read whole files).
    pub multiline: bool,
    pub null_values: Vec<String>,
    pub skip_bad_rows: bool,
    /// Each delimiter is followed by spaces that are not part of the values (`a, b`).
    pub spaced: bool,
    /// The header's cells as written: a row holding them further down repeats the
    /// header and is dropped. None: the names Spark reads from the header.
    pub header_cells: Option<Vec<String>>,
    /// Date and datetime columns as read: name and the Spark pattern their text was
    /// read in, for writing a CSV the way `wort run` does.
    pub date_formats: Vec<(String, String)>,
    /// Where the job will not read the sample as `wort run` does (said on stderr and in
    /// the job's header).
    pub warnings: Vec<String>,
    /// The columns and their types; None: read every column as text.
    pub columns: Option<Vec<ColumnSpec>>,
    /// Lines for the job's header: where this came from.
    pub notes: Vec<String>,
}

impl ReadSpec {
    /// Reading options from flags only: no sample, so every column is read as text.
    pub fn from_options(opts: &ReadOptions) -> ReadSpec {
        let format = match opts.format {
            Some(Format::Parquet) => "parquet",
            Some(Format::Json) => "json",
            Some(Format::Ndjson) => "ndjson",
            _ => "csv",
        };
        let delimiter =
            opts.dialect
                .delimiter
                .map(char::from)
                .unwrap_or(if opts.format == Some(Format::Tsv) {
                    '\t'
                } else {
                    ','
                });
        let quote = match opts.dialect.quote {
            Some(q) => q.map(char::from),
            None => Some('"'),
        };
        let escape = escape_char(opts.dialect.escape.unwrap_or(Escape::Doubled), quote);
        let header = opts.dialect.has_header.unwrap_or(true);
        let skip = opts.dialect.skip_lines.unwrap_or(0);
        ReadSpec {
            format,
            delimiter,
            quote,
            escape,
            header,
            skip_records: if skip > 0 {
                skip + usize::from(header)
            } else {
                0
            },
            encoding: encoding_name(opts.encoding),
            multiline: true,
            null_values: null_tokens(opts),
            skip_bad_rows: opts.skip_bad_rows,
            spaced: false,
            header_cells: None,
            date_formats: Vec::new(),
            warnings: Vec::new(),
            columns: None,
            notes: vec![
                "No sample was given (--input), so every column is read as text and the".into(),
                "dialect is the one given by flags (default: comma, double quotes, header).".into(),
            ],
        }
    }

    /// Reading options from a sample wort opened: its dialect and inferred types.
    pub fn from_source(src: &Source, opts: &ReadOptions) -> Result<ReadSpec, String> {
        let file = src
            .report
            .files
            .first()
            .ok_or_else(|| "the sample has no files".to_string())?;
        let mut spec = ReadSpec::from_options(opts);
        spec.format = match file.format {
            Format::Csv | Format::Tsv => "csv",
            Format::Parquet => "parquet",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        };
        spec.encoding = match file.decoded {
            Some(wide) => wide_encoding_name(wide),
            None => encoding_name(file.encoding),
        };
        spec.notes = vec![format!("Sniffed from the sample {}:", file.path)];
        if let Some(t) = file.second_table {
            return Err(format!(
                "{} line {} starts a second table, which `wort run` leaves out (it stops \
                 reading there); a Spark job cannot tell where such a table starts and \
                 would read its rows as data. Cut the file before that line (head -n {}), \
                 or pass --skip-lines {} to read the second table instead",
                file.path,
                t.line,
                t.line - 1,
                t.line - 1
            ));
        }
        if let Some(line) = file.stray_quote {
            spec.warnings.push(format!(
                "{} line {line} has a quoted field with text after its closing quote (a stray quote): `wort run` reads such a field without the quotes of its quoted part, Spark keeps its raw text, so such rows differ between the two; fix the quotes in the file for the same rows everywhere",
                file.path
            ));
        }
        for w in &spec.warnings {
            spec.notes.push(format!("  warning: {w}"));
        }
        if let Some(d) = &file.dialect {
            spec.spaced = d.space_after_delimiter;
            if d.has_header {
                spec.header_cells = Some(file.header_cells.clone());
            }
            spec.delimiter = char::from(d.delimiter);
            spec.quote = d.quote.map(char::from);
            spec.escape = escape_char(d.escape, spec.quote);
            spec.header = d.has_header;
            let preamble = file
                .preamble
                .iter()
                .filter(|l| !l.trim().is_empty())
                .count();
            spec.skip_records = if d.preamble_lines > 0 {
                preamble + usize::from(d.has_header)
            } else {
                0
            };
            // Spark decodes wide text only when it reads whole files (multiLine); line
            // splitting without it assumes one byte per line break.
            spec.multiline = file.decoded.is_some()
                || quoted_line_breaks(std::path::Path::new(&file.path), file, d)?;
            spec.notes.push(format!(
                "  delimiter {}, quote {}, header {}, {} preamble line(s), {}{}",
                printable(spec.delimiter),
                spec.quote.map(printable).unwrap_or_else(|| "none".into()),
                if d.has_header { "yes" } else { "no" },
                d.preamble_lines,
                spec.encoding,
                if spec.multiline {
                    ", line breaks inside quotes"
                } else {
                    ""
                }
            ));
        }
        if spec.format == "parquet" {
            spec.columns = None;
            return Ok(spec);
        }
        let mut columns = Vec::new();
        for c in &src.report.columns {
            let (read, conversion) = match &c.conversion {
                Some(conv) => ("string", Some(conversion(conv)?)),
                None => match spark_type(&c.dtype, spec.format == "csv") {
                    Ok(t) => (t, None),
                    Err(e) => {
                        spec.notes.push(format!("  {e}: Spark infers the types"));
                        spec.columns = None;
                        return Ok(spec);
                    }
                },
            };
            // A format Spark cannot print (`%.f`, a fraction of any length) is written
            // as ISO by both, as `Layout::like_input` does.
            if let Some(Conversion::Date(f) | Conversion::Datetime(f)) = &c.conversion
                && let Ok(pattern) = spark_pattern(f, Mode::Print)
            {
                spec.date_formats.push((c.name.clone(), pattern));
            }
            columns.push(ColumnSpec {
                name: c.name.clone(),
                read,
                conversion,
            });
        }
        let typed: Vec<String> = src
            .report
            .columns
            .iter()
            .filter(|c| c.dtype != DataType::String)
            .map(|c| {
                format!(
                    "{}:{}",
                    c.name,
                    c.conversion
                        .as_ref()
                        .map(Conversion::describe)
                        .unwrap_or_else(|| crate::transform::type_name(&c.dtype))
                )
            })
            .collect();
        if !typed.is_empty() {
            spec.notes.push(format!("  types {}", typed.join(" ")));
        }
        spec.columns = Some(columns);
        Ok(spec)
    }

    /// The `READ = {...}` and `COLUMNS = [...]` blocks of the job.
    pub fn python(&self) -> String {
        let (read, columns) = self.python_parts();
        let mut s = format!("READ = {read}\n\n");
        match &self.columns {
            None => {
                s.push_str("# The input's columns and types: None reads every column as text.\n")
            }
            Some(_) => s.push_str(
                "# The input's columns: name, Spark type as read, conversion of the text.\n",
            ),
        }
        s.push_str(&format!("COLUMNS = {columns}\n"));
        s
    }

    /// The Python literals of READ (a dict) and COLUMNS (a list, or None).
    pub fn python_parts(&self) -> (String, String) {
        let opt = |c: Option<char>| c.map(|c| py_str(&c.to_string())).unwrap_or("None".into());
        let tokens: Vec<String> = self.null_values.iter().map(|t| py_str(t)).collect();
        let mut s = String::new();
        s.push_str("{\n");
        s.push_str(&format!("    \"format\": {},\n", py_str(self.format)));
        if self.format == "csv" {
            s.push_str(&format!(
                "    \"delimiter\": {},\n",
                py_str(&self.delimiter.to_string())
            ));
            s.push_str(&format!("    \"quote\": {},\n", opt(self.quote)));
            s.push_str(&format!("    \"escape\": {},\n", opt(self.escape)));
            s.push_str(&format!("    \"header\": {},\n", py_bool(self.header)));
            s.push_str(&format!(
                "    \"skip_records\": {},  # preamble lines and header before the data\n",
                self.skip_records
            ));
            s.push_str(&format!("    \"encoding\": {},\n", py_str(self.encoding)));
            s.push_str(&format!(
                "    \"multiline\": {},  # line breaks inside quoted fields\n",
                py_bool(self.multiline)
            ));
            s.push_str(&format!(
                "    \"skip_bad_rows\": {},  # else at most 1 row in 20 may be malformed\n",
                py_bool(self.skip_bad_rows)
            ));
            s.push_str(&format!(
                "    \"spaced\": {},  # spaces after each delimiter, not part of the values\n",
                py_bool(self.spaced)
            ));
            let cells = match &self.header_cells {
                Some(cells) => format!(
                    "[{}]",
                    cells
                        .iter()
                        .map(|c| py_str(c))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "None".into(),
            };
            s.push_str(&format!(
                "    # a row holding the header's cells again is dropped (None: as Spark reads them)\n    \"header_cells\": {cells},\n"
            ));
            let dates: Vec<String> = self
                .date_formats
                .iter()
                .map(|(name, pattern)| format!("{}: {}", py_str(name), py_str(pattern)))
                .collect();
            s.push_str(&format!(
                "    # a CSV output writes these date columns in the format they were read in\n    \"date_formats\": {{{}}},\n",
                dates.join(", ")
            ));
            s.push_str(
                "    # cells holding exactly one of these are missing (empty cells always are)\n",
            );
            s.push_str(&format!("    \"null_values\": [{}],\n", tokens.join(", ")));
        }
        s.push('}');
        let mut c = String::new();
        match &self.columns {
            None => c.push_str("None"),
            Some(cols) => {
                c.push_str("[\n");
                for col in cols {
                    let conv = col
                        .conversion
                        .as_ref()
                        .map(|c| py_str(c))
                        .unwrap_or_else(|| "None".into());
                    c.push_str(&format!(
                        "    ({}, {}, {}),\n",
                        py_str(&col.name),
                        py_str(col.read),
                        conv
                    ));
                }
                c.push(']');
            }
        }
        (s, c)
    }

    /// `name TYPE, ...` of the columns as the job reads them (after conversions), for the
    /// SQL export's header.
    pub fn sql_columns(&self) -> Option<String> {
        let cols = self.columns.as_ref()?;
        Some(
            cols.iter()
                .map(|c| {
                    let ty = match c.conversion.as_deref().map(|s| s.split(' ').next()) {
                        Some(Some("int")) => "BIGINT",
                        Some(Some("float")) => "DOUBLE",
                        Some(Some("bool")) => "BOOLEAN",
                        Some(Some("date")) => "DATE",
                        Some(Some("datetime")) => "TIMESTAMP_NTZ",
                        _ => match c.read {
                            "bigint" => "BIGINT",
                            "double" => "DOUBLE",
                            "boolean" => "BOOLEAN",
                            "date" => "DATE",
                            "timestamp_ntz" => "TIMESTAMP_NTZ",
                            _ => "STRING",
                        },
                    };
                    format!("{} {ty}", sql_ident(&c.name))
                })
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn printable(c: char) -> String {
    match c {
        '\t' => "tab".into(),
        ' ' => "space".into(),
        c => format!("'{c}'"),
    }
}

fn escape_char(escape: Escape, quote: Option<char>) -> Option<char> {
    match escape {
        Escape::Doubled => quote,
        Escape::Backslash => Some('\\'),
        Escape::None => None,
    }
}

fn encoding_name(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Latin1 => "ISO-8859-1",
        Encoding::Windows1252 => "windows-1252",
    }
}

/// The Java charset for UTF-16/UTF-32 text. With a byte order mark, `UTF-16`/`UTF-32`
/// read the order from the mark and drop it; without one the order must be named.
fn wide_encoding_name(found: source::wide::Detected) -> &'static str {
    use source::wide::Wide;
    match (found.wide, found.bom) {
        (Wide::Utf16Le | Wide::Utf16Be, true) => "UTF-16",
        (Wide::Utf32Le | Wide::Utf32Be, true) => "UTF-32",
        (wide, false) => wide.name(),
    }
}

fn null_tokens(opts: &ReadOptions) -> Vec<String> {
    match &opts.null_values {
        Some(v) => v.iter().filter(|t| !t.is_empty()).cloned().collect(),
        None => DEFAULT_NULL_TOKENS.iter().map(|s| s.to_string()).collect(),
    }
}

fn conversion(c: &Conversion) -> Result<String, String> {
    Ok(match c {
        Conversion::Int => "int".into(),
        Conversion::Float => "float".into(),
        Conversion::Bool => "bool".into(),
        Conversion::Date(f) => format!("date {}", spark_pattern(f, Mode::Parse)?),
        Conversion::Datetime(f) => format!("datetime {}", spark_pattern(f, Mode::Parse)?),
    })
}

/// The Spark type of a column read without conversion.
fn spark_type(dt: &DataType, csv: bool) -> Result<&'static str, String> {
    if csv {
        return Ok("string");
    }
    Ok(match dt {
        DataType::String => "string",
        DataType::Boolean => "boolean",
        DataType::Date => "date",
        DataType::Datetime(_, _) => "timestamp_ntz",
        dt if dt.is_integer() => "bigint",
        dt if dt.is_float() => "double",
        DataType::Null => "string",
        other => return Err(format!("column type {other} is not a plain value")),
    })
}

/// Whether a quoted field of the file holds a line break (then Spark must read whole
/// files with `multiLine`).
fn quoted_line_breaks(
    path: &std::path::Path,
    file: &source::FileReport,
    d: &source::Dialect,
) -> Result<bool, String> {
    if d.quote.is_none() {
        return Ok(false);
    }
    let mut reader = file
        .open_text()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(64 << 20)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut rdr = d.reader_builder().from_reader(bytes.as_slice());
    for rec in rdr.byte_records() {
        let Ok(rec) = rec else { continue };
        if rec.iter().any(|f| f.contains(&b'\n') || f.contains(&b'\r')) {
            return Ok(true);
        }
    }
    Ok(false)
}
