//! Flags shared by every command that reads data.

use clap::Args;

use crate::source::{DialectOverrides, Encoding, Escape, Format, ReadOptions, Sample};

#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Which rows to read: first:N, last:N, random:N[:SEED] or full.
    #[arg(long, value_name = "SAMPLE")]
    pub sample: Option<Sample>,
    /// Input format (default: from the extension, then from the content).
    #[arg(long, value_name = "csv|tsv|parquet|json|ndjson")]
    pub format: Option<Format>,
    /// Field delimiter of delimited text (default: sniffed). `tab` or `\t` for tabs.
    #[arg(long, value_name = "CHAR", value_parser = parse_byte)]
    pub delimiter: Option<u8>,
    /// Quote character (default: sniffed); `none` for no quoting.
    #[arg(long, value_name = "CHAR|none", value_parser = parse_quote)]
    pub quote: Option<QuoteArg>,
    /// How quotes are escaped inside quoted fields (default: sniffed).
    #[arg(long, value_name = "doubled|backslash|none", value_parser = parse_escape)]
    pub escape: Option<EscapeArg>,
    /// The first row is data, not column names.
    #[arg(long)]
    pub no_header: bool,
    /// Skip N lines before the header (default: sniffed preamble).
    #[arg(long, value_name = "N")]
    pub skip_lines: Option<usize>,
    /// Text encoding: utf8, latin1 or windows-1252.
    #[arg(long, default_value = "utf8", value_name = "ENCODING")]
    pub encoding: Encoding,
    /// Comma-separated tokens that mean "missing" (replaces the defaults; empty fields
    /// are always missing). `--null-values ''` for empty fields only.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub null_values: Option<String>,
    /// Skip every malformed line (wrong field count, unclosed quote) instead of failing;
    /// they are counted and the first 10 listed. Without it, rows with the wrong field
    /// count are set aside the same way only while they are at most 1 row in 20.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// `--quote` value.
#[derive(Debug, Clone, Copy)]
pub struct QuoteArg(pub Option<u8>);

/// `--escape` value.
#[derive(Debug, Clone, Copy)]
pub struct EscapeArg(pub Escape);

fn parse_byte(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => return Ok(b'\t'),
        "space" => return Ok(b' '),
        _ => {}
    }
    let bytes = s.as_bytes();
    if bytes.len() == 1 && bytes[0].is_ascii() {
        Ok(bytes[0])
    } else {
        Err(format!(
            "expected one ASCII character, like ';' or tab, not {s:?}"
        ))
    }
}

fn parse_quote(s: &str) -> Result<QuoteArg, String> {
    if s.eq_ignore_ascii_case("none") || s.is_empty() {
        Ok(QuoteArg(None))
    } else {
        parse_byte(s).map(|b| QuoteArg(Some(b)))
    }
}

fn parse_escape(s: &str) -> Result<EscapeArg, String> {
    match s.to_ascii_lowercase().as_str() {
        "doubled" | "double" | "\"" => Ok(EscapeArg(Escape::Doubled)),
        "backslash" | "\\" => Ok(EscapeArg(Escape::Backslash)),
        "none" => Ok(EscapeArg(Escape::None)),
        _ => Err(format!("expected doubled, backslash or none, not {s:?}")),
    }
}

impl InputArgs {
    /// Read options with `default_sample` when `--sample` is not given.
    pub fn options(&self, default_sample: Sample) -> ReadOptions {
        ReadOptions {
            format: self.format,
            dialect: DialectOverrides {
                delimiter: self.delimiter,
                quote: self.quote.map(|q| q.0),
                escape: self.escape.map(|e| e.0),
                has_header: self.no_header.then_some(false),
                skip_lines: self.skip_lines,
            },
            encoding: self.encoding,
            null_values: self
                .null_values
                .as_ref()
                .map(|s| s.split(',').map(|t| t.to_string()).collect()),
            skip_bad_rows: self.skip_bad_rows,
            sample: Some(self.sample.unwrap_or(default_sample)),
            check_in_background: false,
        }
    }
}
