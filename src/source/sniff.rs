//! Dialect sniffing for delimited text: which delimiter, quote and escape a file uses,
//! whether it has a header, and how many title/comment lines precede the table.
//!
//! The approach follows CleverCSV and DuckDB: every candidate (delimiter, quote,
//! escape) parses a prefix of the text with the `csv` crate, and each parse is scored
//! for how consistently it splits rows into the same number of fields (the modal
//! field count must cover most rows; ragged rows are tolerated as a minority), with a
//! type score (how many cells look like numbers, dates, booleans, empties or plain
//! words rather than arbitrary text) as a tie-breaker. Leading rows with fewer fields
//! than the table are a preamble (DuckDB's "dirty notes"); the header is decided by
//! comparing the first row's cells with the types of the data below them.
//!
//! Everything here works on decoded UTF-8 text and knows nothing about polars.

use std::collections::{HashMap, HashSet};

use csv::{ByteRecord, ReaderBuilder, Terminator};

/// At most this many bytes of text are sniffed.
const MAX_SNIFF_BYTES: usize = 1 << 20;
/// At most this many records are parsed per candidate.
const MAX_SNIFF_ROWS: usize = 20_000;
/// Cells of this many leading records are typed for the type score.
const TYPE_ROWS: usize = 2_000;
/// At most this many leading records can be a preamble.
const MAX_PREAMBLE_ROWS: usize = 50;
/// Data rows looked at when deciding on a header.
const HEADER_ROWS: usize = 1_000;
/// A candidate is abandoned when, after a multiple of this many records, its modal
/// field count covers less than a quarter of them.
const HOPELESS_CHECK_EVERY: usize = 1_024;

/// Delimiters tried, in order of preference on a tie.
const DELIMITERS: [u8; 6] = [b',', b'\t', b';', b'|', b':', b' '];
/// Delimiters that are common enough to be trusted whenever they split consistently.
const STRONG_DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How a quote character inside a quoted field is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// `""` inside a quoted field is one `"` (RFC 4180).
    Doubled,
    /// `\"` inside a quoted field is one `"` (doubled quotes are accepted too).
    Backslash,
    /// No escaping: a quote always ends the quoted field.
    None,
}

/// The line terminator most of the file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
}

/// The dialect of a delimited text file.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: Option<u8>,
    pub escape: Escape,
    pub has_header: bool,
    /// Physical lines before the header (or first data row) to skip. Blank lines count;
    /// `\r\n`, `\n` and `\r` each end one line.
    pub preamble_lines: usize,
    pub line_ending: LineEnding,
    /// The text started with U+FEFF (strip it).
    pub bom: bool,
    /// Number of columns.
    pub field_count: usize,
    /// Every delimiter is followed by spaces (`a, b`): they are dropped outside quoted
    /// fields before parsing (see [`super::spaced`]).
    pub space_after_delimiter: bool,
}

impl Dialect {
    /// A `csv` reader builder for this dialect: no header handling (the caller decides),
    /// flexible field counts, `\r`, `\n` and `\r\n` all end a record.
    pub fn reader_builder(&self) -> ReaderBuilder {
        reader_builder(self.delimiter, self.quote, self.escape)
    }
}

/// What the user fixed on the command line; everything else is sniffed given these.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DialectOverrides {
    pub delimiter: Option<u8>,
    /// `Some(None)` means "no quoting".
    pub quote: Option<Option<u8>>,
    pub escape: Option<Escape>,
    pub has_header: Option<bool>,
    pub skip_lines: Option<usize>,
}

/// The result of [`sniff`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sniffed {
    pub dialect: Dialect,
    /// Remarks worth showing the user (preamble skipped, ragged rows, ...).
    pub notes: Vec<String>,
    /// The text of the skipped preamble lines (`dialect.preamble_lines` of them,
    /// blank ones included), for the summary.
    pub preamble: Vec<String>,
    /// Sniffed rows without the table's field count.
    pub ragged: usize,
    /// The sniffed rows repeat the header, hold a second table or a quoted field with
    /// text after its closing quote (which polars and the `csv` crate split
    /// differently): the rows are checked first and read through a normalised copy.
    pub repairs: bool,
    /// The line of the first quoted field with text after its closing quote.
    pub stray_quote: Option<u64>,
}

/// Why no dialect could be sniffed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    #[error("the file has no rows: it is empty or holds only blank lines")]
    Empty,
    #[error("no rows are left after skipping {skipped} line(s); pass a smaller --skip-lines N")]
    SkippedEverything { skipped: usize },
    #[error(
        "could not work out the delimiter: no candidate (comma, tab, semicolon, pipe, colon, space) gives most rows the same number of fields; pass --delimiter (and --quote, --escape or --skip-lines N if the file is quoted unusually or starts with title lines)"
    )]
    NoConsistentDialect,
}

/// Sniff the dialect of delimited `text` (a decoded prefix of the file, or all of it).
///
/// `truncated` says the prefix was cut from a longer file, so its last (possibly
/// partial) record is ignored. Overrides are honoured exactly; everything not
/// overridden is sniffed given them.
pub fn sniff(
    text: &str,
    truncated: bool,
    overrides: &DialectOverrides,
) -> Result<Sniffed, SniffError> {
    let plain = sniff_plain(text, truncated, overrides);
    // `a, b, "c, d"`: the text without the spaces after the delimiter, when that
    // delimiter is nearly always followed by a space, and the table it gives is no
    // more ragged than the plain reading (commas in prose are followed by spaces too:
    // a file whose rows another common delimiter splits consistently stays as it is).
    let candidates: Vec<u8> = match overrides.delimiter {
        Some(d) => vec![d],
        None => vec![b',', b';', b'|'],
    };
    let quote = overrides.quote.unwrap_or(Some(b'"'));
    let Some(d) = super::spaced::spaced_delimiter(text, &candidates, quote) else {
        return plain;
    };
    if let Ok(p) = &plain
        && p.dialect.delimiter != d
        && STRONG_DELIMITERS.contains(&p.dialect.delimiter)
        && p.dialect.field_count > 1
    {
        return plain;
    }
    let escape = overrides.escape.unwrap_or(Escape::Doubled);
    let dropped = super::spaced::SpaceDropper::new(d, quote, escape).drop_spaces_in(text);
    let given = DialectOverrides {
        delimiter: Some(d),
        ..overrides.clone()
    };
    match sniff_plain(&dropped, truncated, &given) {
        Ok(mut spaced)
            if spaced.dialect.field_count > 1
                && plain.as_ref().map_or(true, |p| spaced.ragged <= p.ragged) =>
        {
            spaced.dialect.space_after_delimiter = true;
            spaced.notes.insert(
                0,
                format!(
                    "nearly every {} outside quotes is followed by a space: the spaces after it are not part of the values",
                    describe_delimiter(d)
                ),
            );
            Ok(spaced)
        }
        _ => plain,
    }
}

/// [`sniff`] of the text as it is.
fn sniff_plain(
    text: &str,
    truncated: bool,
    overrides: &DialectOverrides,
) -> Result<Sniffed, SniffError> {
    let (bom, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut truncated = truncated;
    let mut text = text;
    if text.len() > MAX_SNIFF_BYTES {
        let mut cut = MAX_SNIFF_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text = &text[..cut];
        truncated = true;
    }
    // Drop the partial last line of a truncated prefix (when there is more than one).
    let body = if truncated {
        match text.rfind(['\n', '\r']) {
            Some(i) => &text[..=i],
            None => text,
        }
    } else {
        text
    };
    let bytes = body.as_bytes();
    let line_ending = detect_line_ending(bytes);
    let mut notes = Vec::new();

    // Lines skipped before any parsing: the user's --skip-lines, or Excel's `sep=;`.
    let mut delimiter_hint = None;
    let base_lines = match overrides.skip_lines {
        Some(n) => n,
        None => match excel_sep_line(body) {
            Some(d) => {
                if overrides.delimiter.is_none() {
                    delimiter_hint = Some(d);
                }
                notes.push(format!(
                    "the first line `sep={}` names the delimiter; it is skipped",
                    d as char
                ));
                1
            }
            None => 0,
        },
    };
    let base = match line_start(bytes, base_lines) {
        Some(b) if b < bytes.len() => b,
        _ if base_lines > 0 => {
            return Err(SniffError::SkippedEverything {
                skipped: base_lines,
            });
        }
        _ => return Err(SniffError::Empty),
    };
    let region = &bytes[base..];

    let candidates = candidates(region, overrides, delimiter_hint);
    let detect_preamble = overrides.skip_lines.is_none();
    let mut evals: Vec<Eval> = candidates
        .iter()
        .enumerate()
        .map(|(order, &cand)| evaluate(bytes, base, cand, order, truncated, detect_preamble))
        .collect();
    if evals.iter().all(|e| e.rows == 0) {
        return Err(if base_lines > 0 {
            SniffError::SkippedEverything {
                skipped: base_lines,
            }
        } else {
            SniffError::Empty
        });
    }
    evals.retain(|e| e.rows > 0);
    let delimiter_fixed = overrides.delimiter.is_some() || delimiter_hint.is_some();
    let best = choose(&evals, delimiter_fixed).ok_or(SniffError::NoConsistentDialect)?;
    let cand = best.cand;

    // Where the table starts, in physical lines.
    let preamble_lines = if detect_preamble {
        let start = best.start_offset.unwrap_or(base);
        line_breaks(&bytes[..start])
    } else {
        base_lines
    };
    let preamble = physical_lines(body, preamble_lines);

    // Header.
    let table = collect_records(
        bytes,
        base,
        cand,
        best.start_row,
        HEADER_ROWS + 1,
        truncated,
    );
    let has_header = match overrides.has_header {
        Some(h) => h,
        None => detect_header(&table, best.m),
    };

    if best.start_row > 0 && preamble_lines > 0 {
        notes.push(format!(
            "skipped {preamble_lines} line(s) before the table (title or comment lines)"
        ));
    }
    if best.ragged > 0 {
        notes.push(format!(
            "{} of {} sampled rows do not have {} fields: malformed",
            best.ragged,
            best.rows - best.start_row,
            best.m
        ));
    }
    let mut stray_quote = None;
    if let (Some(q), true) = (cand.quote, best.dirty > 0) {
        let (n, at) = dirty_quotes_at(&bytes[base..], cand.delimiter, q, cand.escape);
        let line = line_breaks(&bytes[..base + at]) as u64 + 1;
        stray_quote = Some(line);
        notes.push(format!(
            "{n} quoted field(s) in the sampled rows have text after their closing quote, a stray quote (the first on line {line}): the quoted part loses its quotes and the text after it is kept"
        ));
    }
    if cand.quote.is_some() && cand.escape == Escape::Backslash && overrides.escape.is_none() {
        notes.push("quotes inside quoted fields are escaped with a backslash (\\\")".to_string());
    }
    if delimiter_fixed && best.consistency < 0.5 && best.m > 1 {
        notes.push(format!(
            "with delimiter {} only {:.0}% of sampled rows have {} fields",
            describe_delimiter(cand.delimiter),
            best.consistency * 100.0,
            best.m
        ));
    }
    if has_header && best.rows - best.start_row == 1 {
        notes.push("the sample has a header but no data rows".to_string());
    }

    Ok(Sniffed {
        dialect: Dialect {
            delimiter: cand.delimiter,
            quote: cand.quote,
            escape: cand.escape,
            has_header,
            preamble_lines,
            line_ending,
            bom,
            field_count: best.m,
            space_after_delimiter: false,
        },
        notes,
        preamble,
        ragged: best.ragged,
        stray_quote,
        repairs: best.second_table
            || best.dirty > 0
            || (has_header
                && table
                    .first()
                    .is_some_and(|h| table[1..].iter().any(|r| same_cells(h, r)))),
    })
}

fn describe_delimiter(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        b' ' => "space".to_string(),
        _ => format!("'{}'", d as char),
    }
}

fn reader_builder(delimiter: u8, quote: Option<u8>, escape: Escape) -> ReaderBuilder {
    let mut b = ReaderBuilder::new();
    b.has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(Terminator::CRLF);
    match quote {
        Some(q) => {
            b.quote(q).quoting(true);
        }
        None => {
            b.quoting(false);
        }
    }
    match escape {
        Escape::Doubled => {
            b.double_quote(true).escape(None);
        }
        Escape::Backslash => {
            b.double_quote(true).escape(Some(b'\\'));
        }
        Escape::None => {
            b.double_quote(false).escape(None);
        }
    }
    b
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Candidate {
    delimiter: u8,
    quote: Option<u8>,
    escape: Escape,
}

/// The candidates worth parsing, most preferred first. Candidates that would parse
/// exactly like an earlier one (a quote character that never occurs, a backslash that
/// never precedes a quote, a second absent delimiter) are left out.
fn candidates(region: &[u8], ov: &DialectOverrides, delimiter_hint: Option<u8>) -> Vec<Candidate> {
    let delimiters: Vec<u8> = match ov.delimiter.or(delimiter_hint) {
        Some(d) => vec![d],
        None => {
            let mut seen_absent = false;
            DELIMITERS
                .iter()
                .copied()
                .filter(|d| {
                    if region.contains(d) {
                        true
                    } else if !seen_absent {
                        seen_absent = true;
                        true
                    } else {
                        false
                    }
                })
                .collect()
        }
    };
    let quotes: Vec<Option<u8>> = match ov.quote {
        Some(q) => vec![q],
        None => {
            let dq = region.contains(&b'"');
            let sq = region.contains(&b'\'');
            let mut q = vec![Some(b'"')];
            if sq {
                q.push(Some(b'\''));
            }
            if dq {
                q.push(None);
            }
            q
        }
    };
    let mut out = Vec::new();
    for &delimiter in &delimiters {
        for &quote in &quotes {
            if quote == Some(delimiter) {
                continue;
            }
            let escapes: Vec<Escape> = match (ov.escape, quote) {
                (Some(e), _) => vec![e],
                (None, None) => vec![Escape::None],
                (None, Some(q)) => {
                    if region.windows(2).any(|w| w[0] == b'\\' && w[1] == q) {
                        vec![Escape::Doubled, Escape::Backslash]
                    } else {
                        vec![Escape::Doubled]
                    }
                }
            };
            for escape in escapes {
                out.push(Candidate {
                    delimiter,
                    quote,
                    escape,
                });
            }
        }
    }
    out
}

/// How well one candidate fits.
#[derive(Debug, Clone)]
struct Eval {
    cand: Candidate,
    order: usize,
    /// Records parsed.
    rows: usize,
    /// Modal field count (ties go to the larger count).
    m: usize,
    /// Index of the first table record (records before it are preamble).
    start_row: usize,
    /// Byte offset (in the whole body) of the first table record.
    start_offset: Option<usize>,
    /// Table records whose field count is not `m`.
    ragged: usize,
    /// Fraction of rows that fit, after penalties.
    consistency: f64,
    /// Fraction of cells that are numbers, dates or booleans (for the single-column
    /// versus weak-delimiter decision).
    strict_typed: f64,
    score: f64,
    tier: u8,
    /// A second table was found in the sniffed records (and left out of the scores).
    second_table: bool,
    /// Quoted fields whose closing quote is followed by more text.
    dirty: usize,
}

fn evaluate(
    bytes: &[u8],
    base: usize,
    cand: Candidate,
    order: usize,
    truncated: bool,
    detect_preamble: bool,
) -> Eval {
    let region = &bytes[base..];
    let mut rdr = reader_builder(cand.delimiter, cand.quote, cand.escape).from_reader(region);
    let mut rec = ByteRecord::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    // Per record among the first TYPE_ROWS: (known cells, strictly typed cells).
    let mut types: Vec<(u32, u32)> = Vec::new();
    let mut freq: HashMap<usize, usize> = HashMap::new();
    // Records that could start a second table: after a blank line, or header-like.
    // Whether a record may start a table: after a blank line (`Some(true)`), or looking
    // like a header (`Some(false)`).
    let mut table_start: Vec<Option<bool>> = Vec::new();
    // Non-empty cells of the first records (for a preamble as wide as the table).
    let mut filled: Vec<usize> = Vec::new();
    let mut reached_end = false;
    loop {
        let before = rdr.position().byte() as usize;
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            // Reading from a byte slice cannot fail; byte records skip UTF-8 checks.
            Ok(false) | Err(_) => {
                reached_end = true;
                break;
            }
        }
        if starts.len() <= MAX_PREAMBLE_ROWS {
            starts.push(base + skip_line_breaks(region, before));
        }
        table_start.push(if blank_line_at(region, before) {
            Some(true)
        } else {
            header_like(&rec).then_some(false)
        });
        if filled.len() <= MAX_PREAMBLE_ROWS {
            filled.push(rec.iter().filter(|c| !c.trim_ascii().is_empty()).count());
        }
        counts.push(rec.len());
        *freq.entry(rec.len()).or_insert(0) += 1;
        if types.len() < TYPE_ROWS {
            let (mut known, mut strict) = (0u32, 0u32);
            for cell in rec.iter() {
                let t = classify(cell);
                known += u32::from(t != CellType::Other);
                strict += u32::from(t.is_typed());
            }
            types.push((known, strict));
        }
        let n = counts.len();
        if n >= MAX_SNIFF_ROWS {
            break;
        }
        if n.is_multiple_of(HOPELESS_CHECK_EVERY) {
            let best = freq.values().copied().max().unwrap_or(0);
            if best * 4 < n {
                break;
            }
        }
    }
    if truncated && reached_end && counts.len() >= 2 {
        let last = counts.len() - 1;
        if let Some(f) = freq.get_mut(&counts[last]) {
            *f -= 1;
        }
        counts.pop();
        types.truncate(last);
        starts.truncate(last);
        filled.truncate(last);
        table_start.truncate(last);
    }
    let rows = counts.len();
    let mut eval = Eval {
        cand,
        order,
        rows,
        m: 0,
        start_row: 0,
        start_offset: None,
        ragged: 0,
        consistency: 0.0,
        strict_typed: 0.0,
        score: 0.0,
        tier: 0,
        second_table: false,
        dirty: 0,
    };
    if rows == 0 {
        return eval;
    }
    let (mut m, mut start_row) = table_shape(&counts, &freq, &filled, detect_preamble);
    // A second table (a header-like row or a blank line, then rows of another width)
    // after this one's start is not part of it.
    let second_table = second_table_at(&counts, &table_start, start_row);
    if let Some(k) = second_table {
        for &c in &counts[k..] {
            if let Some(f) = freq.get_mut(&c) {
                *f -= 1;
            }
        }
        counts.truncate(k);
        types.truncate(k);
        starts.truncate(k);
        filled.truncate(k);
        (m, start_row) = table_shape(&counts, &freq, &filled, detect_preamble);
    }
    let rows = counts.len();
    eval.rows = rows;
    let obvious = (0..start_row)
        .filter(|&i| obvious_preamble(bytes, starts[i], counts[i]))
        .count();
    let consistent = counts[start_row..].iter().filter(|&&c| c == m).count();
    let dirty = match cand.quote {
        Some(q) => dirty_quotes(region, cand.delimiter, q, cand.escape),
        None => 0,
    };
    let denominator = (rows - obvious).max(1) as f64;
    let consistency = consistent.saturating_sub(dirty) as f64 / denominator;

    // Type score over the fitting rows below the first table row (the header, maybe).
    let typed_rows = |skip_header: bool| {
        let from = start_row + usize::from(skip_header);
        let (mut known, mut strict, mut total) = (0u64, 0u64, 0u64);
        for (i, &(k, s)) in types.iter().enumerate().skip(from) {
            if counts[i] == m {
                known += u64::from(k);
                strict += u64::from(s);
                total += m as u64;
            }
        }
        (known, strict, total)
    };
    let (mut known, mut strict, mut total) = typed_rows(true);
    if total == 0 {
        (known, strict, total) = typed_rows(false);
    }
    let (type_score, strict_typed) = if total == 0 {
        (0.0, 0.0)
    } else {
        (known as f64 / total as f64, strict as f64 / total as f64)
    };
    let mut score =
        consistency * consistency * (0.5 + 0.5 * type_score) * (1.0 - 1.0 / (m as f64 + 1.0));
    if cand.quote.is_none() && opens_quoted_field(region, cand.delimiter) {
        // `"` at the start of a field is what quoting looks like: reading it as text
        // must do clearly better than quoting to win.
        score *= 0.9;
    }
    let fits = consistency >= 0.5;
    let tier = match (fits, m) {
        (false, _) => 0,
        (true, 1) => 1,
        (true, _) if STRONG_DELIMITERS.contains(&cand.delimiter) => 4,
        (true, _) if cand.delimiter == b':' => 3,
        (true, _) => 2,
    };
    eval.m = m;
    eval.second_table = second_table.is_some();
    eval.dirty = dirty;
    eval.start_row = start_row;
    eval.start_offset = starts.get(start_row).copied();
    eval.ragged = (rows - start_row) - consistent;
    eval.consistency = consistency;
    eval.strict_typed = strict_typed;
    eval.score = score;
    eval.tier = tier;
    eval
}

/// The modal field count of sniffed records (ties go to the larger count) and the
/// index of the first table record: leading rows with fewer fields are a preamble, and
/// so are rows as wide as the table with at most one filled cell (a title in the
/// first), ended by a row of empty cells (`TITLE,,,` then `,,,`).
fn table_shape(
    counts: &[usize],
    freq: &HashMap<usize, usize>,
    filled: &[usize],
    detect_preamble: bool,
) -> (usize, usize) {
    let m = freq
        .iter()
        .filter(|&(_, &f)| f > 0)
        .max_by_key(|&(&count, &f)| (f, count))
        .map_or(1, |(&count, _)| count);
    let mut start_row = 0;
    if !detect_preamble {
        return (m, start_row);
    }
    if let Some(s) = counts.iter().position(|&c| c == m)
        && s <= MAX_PREAMBLE_ROWS
        && counts[..s].iter().all(|&c| c < m)
    {
        start_row = s;
    }
    if let Some(end) = (start_row..filled.len().min(counts.len()))
        .rev()
        .find(|&i| {
            filled[i] == 0
                && counts[i] > 1
                && filled[start_row..i].iter().all(|&f| f <= 1)
                && filled.get(i + 1).is_some_and(|&f| f > 1)
        })
    {
        start_row = end + 1;
    }
    (m, start_row)
}

/// Where a second table starts among sniffed records: the first record at `k` at
/// least two records after the table's start `from` that may start a table
/// (`table_start`), whose width differs from the record before it and from most
/// records of the table before it, and which the records after it share (as many as
/// `scan::rows_confirming_table` asks).
fn second_table_at(counts: &[usize], table_start: &[Option<bool>], from: usize) -> Option<usize> {
    let mut freq: HashMap<usize, usize> = HashMap::new();
    for k in from..counts.len().saturating_sub(1) {
        let c = counts[k];
        let confirmed = table_start[k].is_some_and(|blank| {
            let needed = super::scan::rows_confirming_table(blank);
            counts
                .get(k + 1..=k + needed)
                .is_some_and(|next| next.iter().all(|&n| n == c))
        });
        if k >= from + 2 && confirmed && counts[k - 1] != c {
            let before = freq
                .iter()
                .max_by_key(|&(&count, &f)| (f, count))
                .map(|(&count, _)| count);
            if before != Some(c) {
                return Some(k);
            }
        }
        *freq.entry(c).or_insert(0) += 1;
    }
    None
}

/// Whether two records hold the same cells (spaces around them ignored).
pub(super) fn same_cells(a: &ByteRecord, b: &ByteRecord) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|(x, y)| x.trim_ascii() == y.trim_ascii())
}

/// Whether a blank line precedes the record that starts after byte `at` (the end of
/// the previous record): a line break there that does not complete a `\r\n`.
fn blank_line_at(region: &[u8], at: usize) -> bool {
    if at == 0 {
        return false;
    }
    let mut i = at;
    if region[at - 1] == b'\r' && region.get(i) == Some(&b'\n') {
        i += 1;
    }
    matches!(region.get(i), Some(b'\n' | b'\r'))
}

/// A row that looks like a header: at least two distinct, non-empty cells, none a
/// number, date or boolean.
pub(super) fn header_like(rec: &ByteRecord) -> bool {
    if rec.len() < 2 {
        return false;
    }
    let mut seen = HashSet::new();
    rec.iter().all(|cell| {
        let cell = cell.trim_ascii();
        !matches!(
            classify(cell),
            CellType::Empty
                | CellType::Null
                | CellType::Number
                | CellType::Temporal
                | CellType::Bool
        ) && seen.insert(cell)
    })
}

/// Pick the best candidate. A weak delimiter (colon, space) only beats a consistent
/// single-column reading when the single column is not mostly numbers or dates
/// (a column of times or timestamps is not split on `:` or ` `). Without a fixed
/// delimiter, nothing consistent means no answer.
fn choose(evals: &[Eval], delimiter_fixed: bool) -> Option<&Eval> {
    let better = |a: &Eval, b: &Eval| {
        (a.tier, a.score) > (b.tier, b.score)
            || ((a.tier, a.score) == (b.tier, b.score) && a.order < b.order)
    };
    let pick = |filter: &dyn Fn(&Eval) -> bool| {
        let mut best: Option<&Eval> = None;
        for e in evals.iter().filter(|e| filter(e)) {
            if best.is_none_or(|b| better(e, b)) {
                best = Some(e);
            }
        }
        best
    };
    let best = pick(&|_| true)?;
    if (best.tier == 2 || best.tier == 3)
        && let Some(single) = pick(&|e| e.tier == 1)
        && single.strict_typed >= 0.5
    {
        return Some(single);
    }
    if best.tier == 0 && !delimiter_fixed {
        return None;
    }
    Some(best)
}

/// A leading row that is plainly not part of the table: a `#` or `//` comment, or a
/// single field with no common delimiter in it (a title).
fn obvious_preamble(bytes: &[u8], start: usize, count: usize) -> bool {
    let line = &bytes[start..];
    let end = line
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(line.len());
    let line = line[..end].trim_ascii();
    line.starts_with(b"#")
        || line.starts_with(b"//")
        || (count == 1 && !line.iter().any(|b| STRONG_DELIMITERS.contains(b)))
}

/// Whether a `"` starts some field.
fn opens_quoted_field(region: &[u8], delimiter: u8) -> bool {
    region.first() == Some(&b'"')
        || region
            .windows(2)
            .any(|w| w[1] == b'"' && (w[0] == delimiter || w[0] == b'\n' || w[0] == b'\r'))
}

/// Count quoted fields whose closing quote is followed by something other than a
/// delimiter or line end, parsing like the `csv` crate does. Such fields mean the
/// escape (or quote) choice is wrong: `"say \"hi\""` read with doubled-quote escaping.
fn dirty_quotes(bytes: &[u8], delimiter: u8, quote: u8, escape: Escape) -> usize {
    dirty_quotes_at(bytes, delimiter, quote, escape).0
}

/// [`dirty_quotes`], and the byte offset of the first such text.
pub(super) fn dirty_quotes_at(
    bytes: &[u8],
    delimiter: u8,
    quote: u8,
    escape: Escape,
) -> (usize, usize) {
    #[derive(Clone, Copy)]
    enum St {
        StartField,
        InField,
        InQuoted,
        Escaped,
        AfterQuote,
    }
    let mut st = St::StartField;
    let mut dirty = 0;
    let mut first = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let end = b == delimiter || b == b'\n' || b == b'\r';
        st = match st {
            St::StartField if b == quote => St::InQuoted,
            St::StartField | St::InField => {
                if end {
                    St::StartField
                } else {
                    St::InField
                }
            }
            St::InQuoted if b == quote => St::AfterQuote,
            St::InQuoted if b == b'\\' && escape == Escape::Backslash => St::Escaped,
            St::InQuoted | St::Escaped => St::InQuoted,
            St::AfterQuote if b == quote && escape != Escape::None => St::InQuoted,
            St::AfterQuote if end => St::StartField,
            St::AfterQuote => {
                if dirty == 0 {
                    first = i;
                }
                dirty += 1;
                St::InField
            }
        };
    }
    (dirty, first)
}

/// Parse up to `take` records starting at record `skip` (counted from `base`).
fn collect_records(
    bytes: &[u8],
    base: usize,
    cand: Candidate,
    skip: usize,
    take: usize,
    truncated: bool,
) -> Vec<ByteRecord> {
    let mut rdr =
        reader_builder(cand.delimiter, cand.quote, cand.escape).from_reader(&bytes[base..]);
    let mut out = Vec::new();
    let mut index = 0usize;
    let mut reached_end = false;
    loop {
        let mut rec = ByteRecord::new();
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) | Err(_) => {
                reached_end = true;
                break;
            }
        }
        if index >= skip {
            out.push(rec);
            if out.len() > take {
                break;
            }
        }
        index += 1;
    }
    if truncated && reached_end && out.len() >= 2 {
        out.pop();
    }
    out.truncate(take);
    out
}

/// DuckDB's rule: the first row is a header when its cells are non-empty and distinct
/// and some column is typed (numbers, dates, booleans) below it while the first row's
/// cell is not of that type. When every column is text, a header is assumed if no
/// first-row cell looks like a number or a date.
fn detect_header(table: &[ByteRecord], m: usize) -> bool {
    let Some(first) = table.first() else {
        return false;
    };
    let cells: Vec<&[u8]> = first.iter().map(<[u8]>::trim_ascii).collect();
    if cells.iter().any(|c| c.is_empty()) {
        return false;
    }
    let distinct: HashSet<&[u8]> = cells.iter().copied().collect();
    if distinct.len() != cells.len() {
        return false;
    }
    let data: Vec<&ByteRecord> = table[1..].iter().filter(|r| r.len() == m).collect();
    let mut all_text = true;
    for (j, header_cell) in cells.iter().enumerate() {
        let mut column: Option<CellType> = None;
        let mut text = false;
        for row in &data {
            let t = classify(row.get(j).unwrap_or_default());
            if matches!(t, CellType::Empty | CellType::Null) {
                continue;
            }
            if !t.is_typed() || column.is_some_and(|c| c != t) {
                text = true;
                break;
            }
            column = Some(t);
        }
        match column {
            Some(t) if !text => {
                all_text = false;
                if classify(header_cell) != t {
                    return true;
                }
            }
            _ => {}
        }
    }
    all_text
        && cells
            .iter()
            .all(|c| !matches!(classify(c), CellType::Number | CellType::Temporal))
}

/// Excel's `sep=;` first line, naming the delimiter.
fn excel_sep_line(body: &str) -> Option<u8> {
    let first = body.lines().next()?.trim_end();
    let rest = first
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("sep="))
        .map(|_| &first[4..])?;
    match rest.as_bytes() {
        [d] if !d.is_ascii_alphanumeric() => Some(*d),
        _ => None,
    }
}

fn detect_line_ending(bytes: &[u8]) -> LineEnding {
    let (mut crlf, mut lf, mut cr) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
            }
            b'\r' => cr += 1,
            b'\n' => lf += 1,
            _ => {}
        }
        i += 1;
    }
    if crlf > 0 && crlf >= lf && crlf >= cr {
        LineEnding::CrLf
    } else if cr > lf {
        LineEnding::Cr
    } else {
        LineEnding::Lf
    }
}

/// Physical line breaks in `bytes` (`\r\n`, `\n` and `\r` each count once).
fn line_breaks(bytes: &[u8]) -> usize {
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// Byte offset where physical line `k` (0-based) starts; `None` when there are fewer
/// line breaks than that.
fn line_start(bytes: &[u8], k: usize) -> Option<usize> {
    if k == 0 {
        return Some(0);
    }
    let mut seen = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' || b == b'\r' {
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            seen += 1;
            if seen == k {
                return Some(i + 1);
            }
        }
        i += 1;
    }
    None
}

/// The first `k` physical lines, without their terminators.
fn physical_lines(body: &str, k: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(k);
    let mut rest = body;
    while out.len() < k && !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                out.push(rest[..i].to_string());
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
            None => {
                out.push(rest.to_string());
                rest = "";
            }
        }
    }
    out
}

fn skip_line_breaks(bytes: &[u8], from: usize) -> usize {
    from + bytes[from.min(bytes.len())..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}

mod cells;
#[cfg(test)]
mod tests;

use cells::{CellType, classify};
#[cfg(test)]
use cells::{is_number, is_temporal};
