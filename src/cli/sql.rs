//! `wort sql`: ask the data a SQL question.
//!
//! The table `data` is all inputs read as one dataset (as every other command reads
//! them); each input file is also a table named by its file stem, made an identifier
//! (`nyc flights-2013.csv` → `nyc_flights_2013`). The query goes through the same guard
//! as SQL in recipes and rules ([`crate::guard::sql`]): one SELECT over those tables,
//! polars' scalar, aggregate and window functions only, so a query cannot read a file
//! or a URL.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use polars::prelude::*;

use super::InputArgs;
use crate::guard::Inputs;
use crate::source::{self, LateTypeError, Sample};
use crate::util::clean_polars_error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlFormat {
    /// A table for the terminal (the first --rows rows).
    Table,
    /// CSV with a header.
    Csv,
    /// A JSON array of row objects.
    Json,
    /// Parquet (binary: to a file or a pipe, not a terminal).
    Parquet,
}

#[derive(Debug, Args)]
// `--format` is the output format here; the input format moves to `--input-format`.
#[command(mut_arg("format", |a| a.long("input-format")))]
pub struct SqlArgs {
    /// Input files or glob patterns, then the query: `wort sql a.csv b.csv "SELECT …"`.
    /// `data` is all inputs as one dataset; each file is also a table named by its stem.
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// One SELECT query over `data` and the file-stem tables.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// Output format [default: table on stdout; with -o, from OUT's extension].
    #[arg(long = "format", value_enum, value_name = "table|csv|json|parquet")]
    pub output_format: Option<SqlFormat>,
    /// Write the result to OUT (atomically): .csv, .json, .ndjson or .parquet.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Rows shown by the table format.
    #[arg(short = 'n', long, default_value_t = 50)]
    pub rows: usize,
    #[command(flatten)]
    pub input: InputArgs,
}

/// A file stem as a table name: letters, digits and `_`, other characters become `_`,
/// and a name starting with a digit gets a leading `_`.
pub fn table_name(path: &str) -> String {
    let stem = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // `flights.csv.gz` → `flights`: everything from the first dot is extension.
    let stem = match stem.find('.') {
        Some(0) | None => stem.as_str(),
        Some(i) => &stem[..i],
    };
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// Where the result goes, and as what.
enum Target {
    Stdout(SqlFormat),
    File(PathBuf, SqlFormat),
}

fn target(args: &SqlArgs) -> anyhow::Result<Target> {
    let Some(out) = &args.output else {
        let format = args.output_format.unwrap_or(SqlFormat::Table);
        if format == SqlFormat::Parquet && std::io::stdout().is_terminal() {
            bail!(
                "--format parquet writes binary data: give -o result.parquet or redirect stdout to a file"
            );
        }
        return Ok(Target::Stdout(format));
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let by_ext = match ext.as_str() {
        "csv" => SqlFormat::Csv,
        "json" | "ndjson" | "jsonl" => SqlFormat::Json,
        "parquet" | "pq" => SqlFormat::Parquet,
        _ => bail!(
            "-o {}: the extension names the format; use .csv, .json, .ndjson or .parquet",
            out.display()
        ),
    };
    match args.output_format {
        Some(SqlFormat::Table) => bail!(
            "--format table is for the terminal; -o writes .csv, .json, .ndjson or .parquet (drop --format, the extension decides)"
        ),
        Some(f) if f != by_ext => bail!(
            "--format {} disagrees with -o {}: drop --format (the extension decides) or change the extension",
            format_name(f),
            out.display()
        ),
        _ => Ok(Target::File(out.clone(), by_ext)),
    }
}

fn format_name(f: SqlFormat) -> &'static str {
    match f {
        SqlFormat::Table => "table",
        SqlFormat::Csv => "csv",
        SqlFormat::Json => "json",
        SqlFormat::Parquet => "parquet",
    }
}

pub fn run(args: SqlArgs) -> anyhow::Result<ExitCode> {
    let target = target(&args)?;
    if let Some(out) = &args.output {
        Inputs::new().data(&args.inputs).check("-o", out)?;
    }
    let mut read = args.input.options(Sample::Full);
    read.check_in_background = true;
    // `data` is all inputs as one dataset; files with different columns cannot be one,
    // and then only the file tables exist (a join needs nothing else).
    let (mut data, files, data_missing) = match source::open(&args.inputs, &read) {
        Ok(src) => {
            let files: Vec<String> = src.report.files.iter().map(|f| f.path.clone()).collect();
            (Some(src), files, None)
        }
        Err(e @ source::SourceError::Mismatch { .. }) => {
            let mut files = Vec::new();
            for input in &args.inputs {
                let one = source::open(
                    std::slice::from_ref(input),
                    &args.input.options(Sample::Full),
                )?;
                files.extend(one.report.files.iter().map(|f| f.path.clone()));
            }
            (None, files, Some(e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };

    let per_file = file_tables(&args.input, &files, data.is_some())?;
    let mut tables: Vec<&str> = Vec::new();
    if data.is_some() {
        tables.push("data");
    }
    tables.extend(per_file.iter().map(|(n, _)| n.as_str()));
    if let Err(r) = crate::guard::sql::check_query(&args.query, Some(&tables)) {
        let why = data_missing
            .as_ref()
            .map(|m| format!(" (there is no table data: {m})"))
            .unwrap_or_default();
        bail!(
            "the query is refused: {r}. wort sql runs one SELECT over the tables {}{why}",
            tables.join(", ")
        );
    }

    // Missing values sort last unless the query says otherwise, as in the sql step.
    let sql = crate::transform::combine::nulls_last(&args.query).map_err(anyhow::Error::msg)?;
    let query = |data: Option<LazyFrame>| -> Result<DataFrame, LateTypeError> {
        let mut ctx = polars::sql::SQLContext::new();
        if let Some(lf) = &data {
            ctx.register("data", lf.clone());
        }
        for (name, lf) in &per_file {
            if let Some(lf) = lf.clone().or_else(|| data.clone()) {
                ctx.register(name, lf);
            }
        }
        let lf = ctx
            .execute(&sql)
            .map_err(|e| LateTypeError::Other(clean_polars_error(&e)))?;
        lf.collect()
            .map_err(|e| LateTypeError::Polars(clean_polars_error(&e)))
    };
    // A full read infers types from the first rows; when a later value does not fit,
    // that column is read as text and the query runs again (as run and profile do).
    let result = match data.as_mut() {
        Some(src) => crate::recipe::replay(
            src,
            None,
            &args.inputs,
            Default::default,
            |planned| query(Some(planned.lf)),
            |line| eprintln!("{line}"),
        ),
        None => query(None),
    };
    let df = match result {
        Ok(df) => df,
        Err(e) => {
            let mut names: Vec<String> = Vec::new();
            if let Some(schema) = data.as_ref().and_then(|s| s.schema().ok()) {
                names.extend(schema.iter_names().map(|n| n.to_string()));
            }
            for lf in per_file.iter().filter_map(|(_, lf)| lf.clone()) {
                if let Ok(schema) = lf.clone().collect_schema() {
                    names.extend(schema.iter_names().map(|n| n.to_string()));
                }
            }
            bail!("the query failed: {e}{}", quoting_hint(&args.query, &names));
        }
    };
    write(df, &target, args.rows)?;
    Ok(ExitCode::SUCCESS)
}

/// The file tables: each file by its stem. A stem two files share, or `data`, names
/// no table (a note says so). `None` stands for `data` itself (one input file).
fn file_tables(
    input: &InputArgs,
    files: &[String],
    have_data: bool,
) -> anyhow::Result<Vec<(String, Option<LazyFrame>)>> {
    let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for f in files {
        by_name.entry(table_name(f)).or_default().push(f);
    }
    let mut out = Vec::new();
    for (name, paths) in by_name {
        let shown: Vec<&str> = paths.iter().map(|p| p.as_str()).collect();
        if name == "data" {
            eprintln!(
                "note: {} is no table of its own: the name data is all inputs together",
                shown.join(", ")
            );
            continue;
        }
        if paths.len() > 1 {
            eprintln!(
                "note: {} share the table name {name}, so neither is a table of its own; query them through data",
                shown.join(" and ")
            );
            continue;
        }
        let lf = if files.len() == 1 && have_data {
            None
        } else {
            let one = input.options(Sample::Full);
            Some(source::open(std::slice::from_ref(paths[0]), &one)?.lazy()?)
        };
        out.push((name, lf));
    }
    Ok(out)
}

/// Whether a column name must be written in double quotes in SQL.
fn needs_quotes(name: &str) -> bool {
    name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A hint for a failed query when the data has column names that need quoting and the
/// query seems to write one bare (or in single quotes, which make a string).
pub fn quoting_hint(query: &str, columns: &[String]) -> String {
    let lower = query.to_lowercase();
    let mentioned = columns.iter().filter(|c| needs_quotes(c)).find(|c| {
        let quoted = format!("\"{}\"", c.replace('"', "\"\"")).to_lowercase();
        if lower.contains(&quoted) {
            return false;
        }
        // The first word of the name, as written in the query.
        c.split(|ch: char| !ch.is_alphanumeric())
            .find(|w| !w.is_empty())
            .is_some_and(|w| lower.contains(&w.to_lowercase()))
    });
    match mentioned {
        Some(c) => format!(
            ". Column names with spaces or symbols are written in double quotes: \"{}\" (single quotes make a string)",
            c.replace('"', "\"\"")
        ),
        None => String::new(),
    }
}

fn write(mut df: DataFrame, target: &Target, rows: usize) -> anyhow::Result<()> {
    match target {
        Target::Stdout(SqlFormat::Table) => {
            let (h, w) = (df.height(), df.width());
            let shown = df.head(Some(rows));
            let more = if h > rows {
                format!(", the first {rows} shown (-n to show more)")
            } else {
                String::new()
            };
            let text = format!("{shown}\n{h} rows × {w} columns{more}");
            super::print_stdout(&text)?;
        }
        Target::Stdout(format) => {
            let bytes = encode(&mut df, *format)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
        Target::File(path, SqlFormat::Json)
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
        {
            let bytes = encode(&mut df, SqlFormat::Json)?;
            source::write::write_text_atomic(path, &String::from_utf8_lossy(&bytes))?;
        }
        Target::File(path, _) => source::write_atomic(df.lazy(), path)?,
    }
    Ok(())
}

/// The result as CSV, a JSON array or Parquet bytes.
fn encode(df: &mut DataFrame, format: SqlFormat) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let done = match format {
        SqlFormat::Csv | SqlFormat::Table => CsvWriter::new(&mut buf)
            .with_datetime_format(Some("%Y-%m-%dT%H:%M:%S%.f".into()))
            .finish(df),
        SqlFormat::Json => JsonWriter::new(&mut buf)
            .with_json_format(JsonFormat::Json)
            .finish(df),
        SqlFormat::Parquet => ParquetWriter::new(&mut buf).finish(df).map(|_| ()),
    };
    done.map_err(|e| anyhow::anyhow!("writing the result: {}", clean_polars_error(&e)))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_become_identifiers() {
        assert_eq!(table_name("data/flights.csv"), "flights");
        assert_eq!(table_name("a/nyc flights-2013.csv.gz"), "nyc_flights_2013");
        assert_eq!(table_name("2024.parquet"), "_2024");
        assert_eq!(table_name(".hidden"), "_hidden");
        assert_eq!(table_name("Straße.csv"), "Stra_e");
    }

    #[test]
    fn the_hint_names_the_column_to_quote() {
        let cols = vec!["species".to_string(), "Body Mass (g)".to_string()];
        let hint = quoting_hint("SELECT avg(Body Mass (g)) FROM data", &cols);
        assert!(hint.contains("\"Body Mass (g)\""), "{hint}");
        assert!(quoting_hint("SELECT 'Body Mass (g)' FROM data", &cols).contains("single quotes"));
        assert_eq!(
            quoting_hint("SELECT avg(\"Body Mass (g)\") FROM data", &cols),
            ""
        );
        assert_eq!(quoting_hint("SELECT species FROM data", &cols), "");
    }
}
