//! Full-file record scanner for delimited text: checks every record for the right
//! field count, unclosed quotes and valid UTF-8, and optionally rewrites the file as
//! standard CSV (comma, `"` with doubled-quote escaping, `\n`, no BOM, no preamble).
//!
//! This runs over multi-GB files before polars reads them, so the good path does no
//! per-row allocation: one reused [`ByteRecord`], a 1 MiB buffer, and one UTF-8 check
//! per record.
//!
//! Line numbers: the `csv` crate counts `\n` bytes only and reports a record's
//! position before the blank lines (and the `\n` of a `\r\n`) that precede it. So the
//! reader is wrapped in a [`Feed`] that skips the BOM and preamble lines before the
//! parser sees any byte, turns `\r` into `\n` for CR-only files (so every line break
//! is a `\n`), and keeps the raw bytes of the record being parsed. A record's first
//! line is then the parser's line count after the record minus the `\n`s inside the
//! record's raw bytes, plus the preamble lines.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

use csv::{ByteRecord, QuoteStyle, Terminator, WriterBuilder};

use super::sniff::{Dialect, Escape, LineEnding};

/// Buffer size of the parser and of the underlying reader.
const BUFFER: usize = 1 << 20;
/// Raw bytes of the record in progress are kept up to this size (for exact line
/// numbers, unclosed-quote detection and the text of bad rows).
const TAIL_CAP: usize = 16 << 20;
/// A record longer than this is taken to be an unclosed quote swallowing the rest of
/// the file, and the scan stops rather than buffer gigabytes.
const MAX_RECORD: u64 = 256 << 20;
/// How many bad rows are kept in [`ScanResult::first_bad`].
const FIRST_BAD: usize = 10;
/// Bad-row text is cut to this many characters.
const TEXT_CHARS: usize = 200;

/// What is wrong with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRowProblem {
    FieldCount {
        expected: usize,
        found: usize,
    },
    /// A quoted field opens on this line and is never closed.
    UnclosedQuote,
    /// `byte_offset_in_line` is 0-based, counted in the physical line (messages show
    /// it 1-based: "at byte 1" is the first byte of the line).
    InvalidUtf8 {
        byte_offset_in_line: usize,
    },
}

/// One malformed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based physical line number in the original file (preamble lines and the
    /// header counted): where the record starts, where the unclosed quote opens, or
    /// where the invalid byte is.
    pub line: u64,
    pub problem: BadRowProblem,
    /// The raw record, lossily decoded and cut to 200 characters.
    pub text: String,
    /// Why this row stops the read although malformed rows may be set aside (too many
    /// of them), said after the advice.
    pub context: Option<String>,
}

impl BadRow {
    /// The line and the problem, without advice (for lists of rows set aside).
    pub fn describe(&self) -> String {
        let (line, text) = (self.line, &self.text);
        match self.problem {
            BadRowProblem::FieldCount { expected, found } => {
                format!("line {line}: expected {expected} fields, found {found} ({text:?})")
            }
            BadRowProblem::UnclosedQuote => format!(
                "line {line}: unclosed quote: a quoted field starts on this line and is never closed ({text:?})"
            ),
            BadRowProblem::InvalidUtf8 {
                byte_offset_in_line,
            } => format!(
                "line {line}: invalid UTF-8 at byte {} ({text:?})",
                byte_offset_in_line + 1
            ),
        }
    }
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.advise(f)?;
        match &self.context {
            Some(c) => write!(f, "; {c}"),
            None => Ok(()),
        }
    }
}

impl BadRow {
    fn advise(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line;
        let text = &self.text;
        match self.problem {
            BadRowProblem::FieldCount { expected, found } => write!(
                f,
                "line {line}: expected {expected} fields, found {found} ({text:?}); fix the line or pass --skip-bad-rows to skip malformed lines"
            ),
            BadRowProblem::UnclosedQuote => write!(
                f,
                "line {line}: unclosed quote: a quoted field starts on this line and is never closed ({text:?}); close the quote, or pass --quote none if quote characters in this file are literal text"
            ),
            BadRowProblem::InvalidUtf8 {
                byte_offset_in_line,
            } => write!(
                f,
                "line {line}: invalid UTF-8 at byte {} ({text:?}); if the file is Latin-1 or Windows-1252, pass --encoding latin1 or --encoding windows-1252",
                byte_offset_in_line + 1
            ),
        }
    }
}

/// What to check and when to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Fields every record must have. `0` means "whatever the first record has".
    pub expected_fields: usize,
    /// Stop once this many good data rows have been seen.
    pub max_rows: Option<u64>,
    /// Fail with [`ScanError::Bad`] on the first malformed record.
    pub stop_at_first_bad: bool,
    /// Fail on the first record that cannot be set aside as a row (an unclosed quote,
    /// invalid UTF-8: the file is not what it seemed) even when wrong field counts are
    /// only counted.
    pub refuse_unreadable: bool,
    /// Keep some good data rows while scanning (a sample taken in the same pass).
    pub keep: Option<Keep>,
}

/// Which good data rows a scan keeps, in [`ScanResult::kept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// `n` rows chosen uniformly at random without replacement (reservoir sampling,
    /// Li's algorithm L), the same `seed` giving the same rows of the same file.
    Random { n: usize, seed: u64, raw: bool },
    /// The last `n` rows.
    Last { n: usize, raw: bool },
}

impl Keep {
    /// The same rule, keeping raw bytes or not.
    pub fn with_raw(self, raw: bool) -> Keep {
        match self {
            Keep::Random { n, seed, .. } => Keep::Random { n, seed, raw },
            Keep::Last { n, .. } => Keep::Last { n, raw },
        }
    }

    /// Whether rows are kept as their raw bytes (for polars to parse, so that it reads
    /// them as it reads the file: `""` stays an empty string) rather than as fields.
    fn raw(self) -> bool {
        match self {
            Keep::Random { raw, .. } | Keep::Last { raw, .. } => raw,
        }
    }
}

/// A kept row: its fields, or its raw bytes when asked (without the line breaks before
/// it; it may end without its `\n`, which the parser reads with the next record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeptRow {
    Fields(ByteRecord),
    Raw(Vec<u8>),
    /// Raw bytes were asked for but not kept (a record longer than the raw buffer).
    Missing,
}

/// A reservoir (or ring) of records, filled as good rows go by.
struct Keeper {
    keep: Keep,
    rows: Vec<(u64, KeptRow)>,
    rng: rand::rngs::StdRng,
    /// Algorithm L: the weight, and the index of the next row that enters.
    w: f64,
    next: u64,
}

impl Keeper {
    fn new(keep: Keep) -> Self {
        use rand::SeedableRng;
        let seed = match keep {
            Keep::Random { seed, .. } => seed,
            Keep::Last { .. } => 0,
        };
        let mut k = Keeper {
            keep,
            rows: Vec::new(),
            rng: rand::rngs::StdRng::seed_from_u64(seed),
            w: 1.0,
            next: 0,
        };
        if let Keep::Random { n, .. } = keep {
            k.w = (k.uniform().ln() / n.max(1) as f64).exp();
            k.next = n as u64 + k.skip();
        }
        k
    }

    /// A uniform number in (0, 1).
    fn uniform(&mut self) -> f64 {
        use rand::Rng;
        loop {
            let u: f64 = self.rng.random();
            if u > 0.0 {
                return u;
            }
        }
    }

    /// Rows to pass over before the next one enters the reservoir.
    fn skip(&mut self) -> u64 {
        let u = self.uniform();
        let s = (u.ln() / (1.0 - self.w).ln()).floor();
        if s.is_finite() && s >= 0.0 {
            s.min(u64::MAX as f64 / 2.0) as u64
        } else {
            u64::MAX / 2
        }
    }

    /// The row as kept: fields, or raw bytes without the blank lines before it.
    fn row(&self, rec: &ByteRecord, raw: Option<&[u8]>) -> KeptRow {
        if !self.keep.raw() {
            return KeptRow::Fields(rec.clone());
        }
        match raw {
            Some(bytes) => {
                let start = bytes
                    .iter()
                    .position(|&b| b != b'\n' && b != b'\r')
                    .unwrap_or(bytes.len());
                KeptRow::Raw(bytes[start..].to_vec())
            }
            None => KeptRow::Missing,
        }
    }

    /// Offer data row `row` (0-based among good rows).
    fn offer(&mut self, row: u64, rec: &ByteRecord, raw: Option<&[u8]>) {
        match self.keep {
            Keep::Last { n, .. } => {
                if n == 0 {
                    return;
                }
                let kept = (row, self.row(rec, raw));
                if self.rows.len() < n {
                    self.rows.push(kept);
                } else {
                    let slot = (row % n as u64) as usize;
                    self.rows[slot] = kept;
                }
            }
            Keep::Random { n, .. } => {
                if n == 0 {
                    return;
                }
                if self.rows.len() < n {
                    let kept = (row, self.row(rec, raw));
                    self.rows.push(kept);
                } else if row == self.next {
                    use rand::Rng;
                    let slot = self.rng.random_range(0..n);
                    self.rows[slot] = (row, self.row(rec, raw));
                    self.w *= (self.uniform().ln() / n as f64).exp();
                    self.next = row + 1 + self.skip();
                }
            }
        }
    }

    /// The kept rows in file order.
    fn finish(mut self) -> Vec<(u64, KeptRow)> {
        self.rows.sort_unstable_by_key(|(row, _)| *row);
        self.rows
    }
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanResult {
    /// Good data rows (the header not counted).
    pub rows: u64,
    /// Malformed records (a malformed header counted too).
    pub bad_rows: u64,
    /// The first ten malformed records.
    pub first_bad: Vec<BadRow>,
    /// The good data rows asked for by [`ScanOptions::keep`], in file order, each with
    /// its 0-based index among the good data rows.
    pub kept: Option<Vec<(u64, KeptRow)>>,
    /// Records equal to the header further down (a header written twice, or files
    /// concatenated with their headers): dropped, counted, the first one's line kept.
    pub repeated_headers: u64,
    pub first_repeated_header: Option<u64>,
    /// The line of the first quoted field with text after its closing quote (a stray
    /// quote): the `csv` crate reads it, polars does not.
    pub stray_quote: Option<u64>,
    /// Where a second table starts: a record of another width after a blank line, or
    /// looking like a header, followed by records of its width (see
    /// [`rows_confirming_table`]). Reading stops there.
    pub second_table: Option<SecondTable>,
}

/// A second table in the file, not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondTable {
    /// 1-based physical line of its first record.
    pub line: u64,
    /// Its field count.
    pub fields: usize,
    /// A blank line precedes it (else its first row looks like a header).
    pub after_blank_line: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("read or write failed: {0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Bad(BadRow),
}

/// Validate every record of `input` (UTF-8 bytes, BOM and preamble included).
pub fn scan<R: Read>(
    input: R,
    dialect: &Dialect,
    opts: &ScanOptions,
) -> Result<ScanResult, ScanError> {
    run(input, dialect, opts, Limits::default(), |_| Ok(()))
}

/// Validate `input` and write every good record (the header included, when the dialect
/// has one) to `out` as standard CSV: UTF-8, `,`, `"` quoting only where needed with
/// doubled quotes, `\n` line ends, no BOM, no preamble. Bad rows are skipped and
/// counted unless `stop_at_first_bad`. In a CR-only file, line breaks inside quoted
/// fields become `\n` like the record ends.
pub fn normalize<R: Read, W: Write>(
    input: R,
    dialect: &Dialect,
    opts: &ScanOptions,
    out: W,
) -> Result<ScanResult, ScanError> {
    let writer = |out: W| {
        WriterBuilder::new()
            .flexible(true)
            .quote_style(QuoteStyle::Necessary)
            .terminator(Terminator::Any(b'\n'))
            .buffer_capacity(1 << 16)
            .from_writer(out)
    };
    // The writer is made at the first good record: a first cell that starts with
    // U+FEFF would read back as a byte-order mark and lose that character, so that one
    // record is written fully quoted, before the writer takes over.
    let mut out = Some(out);
    let mut csv_out = None;
    let result = run(input, dialect, opts, Limits::default(), |rec| {
        if let Some(mut out) = out.take() {
            if rec.get(0).is_some_and(|f| f.starts_with(BOM)) {
                let mut quoted = WriterBuilder::new()
                    .flexible(true)
                    .quote_style(QuoteStyle::Always)
                    .terminator(Terminator::Any(b'\n'))
                    .from_writer(&mut out);
                quoted.write_byte_record(rec).map_err(csv_to_io)?;
                quoted.flush()?;
                drop(quoted);
                csv_out = Some(writer(out));
                return Ok(());
            }
            csv_out = Some(writer(out));
        }
        match csv_out.as_mut() {
            Some(w) => w.write_byte_record(rec).map_err(csv_to_io),
            None => Ok(()),
        }
    })?;
    match (csv_out, out) {
        (Some(mut w), _) => w.flush()?,
        (None, Some(mut out)) => out.flush()?,
        (None, None) => {}
    }
    Ok(result)
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    tail_cap: usize,
    max_record: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tail_cap: TAIL_CAP,
            max_record: MAX_RECORD,
        }
    }
}

fn run<R: Read>(
    input: R,
    dialect: &Dialect,
    opts: &ScanOptions,
    limits: Limits,
    mut on_good: impl FnMut(&ByteRecord) -> io::Result<()>,
) -> Result<ScanResult, ScanError> {
    let preamble = dialect.preamble_lines as u64;
    let feed = Feed::new(input, dialect, limits)?;
    let mut rdr = dialect
        .reader_builder()
        .buffer_capacity(BUFFER)
        .from_reader(feed);
    let mut rec = ByteRecord::new();
    let mut expected = opts.expected_fields;
    let mut header_pending = dialect.has_header;
    let mut result = ScanResult::default();
    let mut keeper = opts.keep.map(Keeper::new);
    let mut before = 0u64;
    let mut header: Option<ByteRecord> = None;
    // A record with the wrong field count after a blank line, or looking like a
    // header: bad rows, or the start of a second table once enough records of its
    // width follow (see `Pending`).
    let mut pending: Option<Pending> = None;
    loop {
        if opts.max_rows.is_some_and(|max| result.rows >= max) {
            break;
        }
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_error(e, preamble)),
        }
        if pending.as_ref().is_some_and(|p| p.width != rec.len()) {
            pending
                .take()
                .map_or(Ok(()), |p| p.set_aside(&mut result, opts))?;
        }
        let pos = rdr.position();
        let (after, after_line) = (pos.byte(), pos.line());
        let feed = rdr.get_ref();
        feed.keep_from.set(after);
        feed.keep_line.set(after_line);
        let is_header = header_pending;
        header_pending = false;
        if expected == 0 {
            expected = rec.len();
        }
        let raw = feed.raw(before, after);
        let record_start = before;
        before = after;

        // The good path: right count, valid UTF-8, not an unclosed quote at the end.
        let at_eof = feed.eof && after == feed.delivered;
        let utf8_ok = match raw {
            Some(raw) => std::str::from_utf8(raw).is_ok(),
            None => std::str::from_utf8(rec.as_slice()).is_ok(),
        };
        if is_header {
            header = Some(rec.clone());
        } else if header
            .as_ref()
            .is_some_and(|h| super::sniff::same_cells(h, &rec))
        {
            result.repeated_headers += 1;
            let line = start_line(raw, after_line) + preamble;
            result.first_repeated_header.get_or_insert(line);
            continue;
        }
        if result.stray_quote.is_none()
            && let (Some(q), Some(raw)) = (dialect.quote, raw)
            && raw.contains(&q)
            && super::sniff::dirty_quotes_at(raw, dialect.delimiter, q, dialect.escape).0 > 0
        {
            result.stray_quote = Some(start_line(Some(raw), after_line) + preamble);
        }
        if rec.len() == expected && utf8_ok && !at_eof {
            on_good(&rec)?;
            if !is_header {
                if let Some(k) = keeper.as_mut() {
                    k.offer(result.rows, &rec, raw);
                }
                result.rows += 1;
            }
            continue;
        }
        let bad = diagnose(
            feed,
            dialect,
            &rec,
            record_start,
            after,
            after_line,
            expected,
            utf8_ok,
            at_eof,
        );
        match bad {
            None => {
                on_good(&rec)?;
                if !is_header {
                    if let Some(k) = keeper.as_mut() {
                        k.offer(result.rows, &rec, raw);
                    }
                    result.rows += 1;
                }
            }
            Some(mut bad) => {
                bad.line += preamble;
                let found = match bad.problem {
                    BadRowProblem::FieldCount { found, .. } => Some(found),
                    _ => None,
                };
                if let Some(p) = pending.as_mut()
                    && found == Some(p.width)
                {
                    p.followers.push(bad);
                    if p.followers.len() >= p.needed {
                        result.second_table = Some(SecondTable {
                            line: p.first.line,
                            fields: p.width,
                            after_blank_line: p.blank,
                        });
                        pending = None;
                        break;
                    }
                    continue;
                }
                pending
                    .take()
                    .map_or(Ok(()), |p| p.set_aside(&mut result, opts))?;
                let blank = raw.is_some_and(|raw| blank_line_before(feed, record_start, raw));
                match found {
                    Some(width) if !at_eof && (blank || super::sniff::header_like(&rec)) => {
                        pending = Some(Pending {
                            first: bad,
                            width,
                            blank,
                            needed: rows_confirming_table(blank),
                            followers: Vec::new(),
                        });
                    }
                    _ => set_aside(&mut result, bad, opts)?,
                }
            }
        }
    }
    if let Some(p) = pending {
        p.set_aside(&mut result, opts)?;
    }
    result.kept = keeper.map(Keeper::finish);
    Ok(result)
}

/// Records of a new width that must follow a possible table start for it to be a
/// second table: one after a blank line; after a row that merely looks like a header
/// (text cells only, as many rows of names or addresses do), several, so that a few
/// rows split by commas in their text are set aside as malformed instead of ending the
/// read. The sniffer applies the same rule (`sniff::second_table_at`).
pub(super) fn rows_confirming_table(after_blank_line: bool) -> usize {
    if after_blank_line { 1 } else { 3 }
}

/// A possible start of a second table, and the records of its width after it.
struct Pending {
    first: BadRow,
    width: usize,
    blank: bool,
    needed: usize,
    followers: Vec<BadRow>,
}

impl Pending {
    /// Not a second table after all: each of its records is a malformed row.
    fn set_aside(self, result: &mut ScanResult, opts: &ScanOptions) -> Result<(), ScanError> {
        set_aside(result, self.first, opts)?;
        for f in self.followers {
            set_aside(result, f, opts)?;
        }
        Ok(())
    }
}

/// Count a malformed record, or fail on it when asked to stop at the first.
fn set_aside(result: &mut ScanResult, bad: BadRow, opts: &ScanOptions) -> Result<(), ScanError> {
    let unreadable = !matches!(bad.problem, BadRowProblem::FieldCount { .. });
    if opts.stop_at_first_bad || (opts.refuse_unreadable && unreadable) {
        return Err(ScanError::Bad(bad));
    }
    result.bad_rows += 1;
    if result.first_bad.len() < FIRST_BAD {
        result.first_bad.push(bad);
    }
    Ok(())
}

/// Whether a blank line precedes the record whose raw bytes (from the end of the
/// previous record) are `raw`: a line break before its first byte, not counting the
/// `\n` that completes the previous record's `\r\n`.
fn blank_line_before<R: Read>(feed: &Feed<R>, record_start: u64, raw: &[u8]) -> bool {
    let mut lead = &raw[..raw
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()];
    if record_start > 0 && feed.byte_at(record_start - 1) == Some(b'\r') {
        lead = lead.strip_prefix(b"\n").unwrap_or(lead);
    }
    record_start > 0 && !lead.is_empty()
}

/// The line (in the parser's stream) where a record starts, from its raw bytes.
fn start_line(raw: Option<&[u8]>, after_line: u64) -> u64 {
    match raw {
        Some(raw) => {
            let lead = raw
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            after_line - count_newlines(&raw[lead..]) as u64
        }
        None => after_line,
    }
}

/// Work out what is wrong with a record that failed the quick checks (or is the last
/// one), with the line number counted in the parser's stream (preamble not included).
#[allow(clippy::too_many_arguments)]
fn diagnose<R: Read>(
    feed: &Feed<R>,
    dialect: &Dialect,
    rec: &ByteRecord,
    before: u64,
    after: u64,
    after_line: u64,
    expected: usize,
    utf8_ok: bool,
    at_eof: bool,
) -> Option<BadRow> {
    // `after_line` is 1 + the `\n`s consumed so far; the record's own raw bytes (after
    // any blank lines before it) hold the rest of them.
    let raw = feed.raw(before, after).map(|raw| {
        let lead = raw
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        &raw[lead..]
    });
    let start_line = match (raw, &feed.lost) {
        (Some(raw), _) => after_line - count_newlines(raw) as u64,
        (None, Some(lost)) if lost.start == before => lost.line,
        (None, _) => {
            // The start of a huge record is gone: count the `\n`s in its fields and
            // its terminator instead.
            let term = u64::from(after > 0 && feed.byte_at(after - 1) == Some(b'\n'));
            after_line
                .saturating_sub(count_newlines(rec.as_slice()) as u64)
                .saturating_sub(term)
                .max(1)
        }
    };
    let text = || match (raw, &feed.lost) {
        (Some(raw), _) => cut_text(trim_terminator(raw)),
        (None, Some(lost)) if lost.start == before => lost.text.clone(),
        (None, _) => {
            let d = [dialect.delimiter];
            cut_text(&rec.iter().collect::<Vec<_>>().join(&d[..]))
        }
    };

    if at_eof && let Some(q) = dialect.quote {
        let open = match raw {
            Some(raw) => open_quote_at_end(raw, dialect.delimiter, q, dialect.escape)
                .map(|at| count_newlines(&raw[..at]) as u64),
            // A record longer than the tail that runs to the end of the file.
            None => Some(0),
        };
        if let Some(extra_lines) = open {
            return Some(BadRow {
                line: start_line + extra_lines,
                problem: BadRowProblem::UnclosedQuote,
                text: text(),
                context: None,
            });
        }
    }
    if rec.len() != expected {
        return Some(BadRow {
            line: start_line,
            problem: BadRowProblem::FieldCount {
                expected,
                found: rec.len(),
            },
            text: text(),
            context: None,
        });
    }
    if !utf8_ok {
        let (line, byte_offset_in_line) = match raw {
            Some(raw) => {
                let at = std::str::from_utf8(raw)
                    .err()
                    .map_or(0, |e| e.valid_up_to());
                let before_bad = &raw[..at];
                let line_start = before_bad
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                (
                    start_line + count_newlines(before_bad) as u64,
                    at - line_start,
                )
            }
            None => {
                let at = std::str::from_utf8(rec.as_slice())
                    .err()
                    .map_or(0, |e| e.valid_up_to());
                (start_line, at)
            }
        };
        return Some(BadRow {
            line,
            problem: BadRowProblem::InvalidUtf8 {
                byte_offset_in_line,
            },
            text: text(),
            context: None,
        });
    }
    None
}

/// Where the quote opens when `raw` (one record) ends inside a quoted field, parsing
/// as the `csv` crate does: a quote only opens a field at its start.
fn open_quote_at_end(raw: &[u8], delimiter: u8, quote: u8, escape: Escape) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        StartField,
        InField,
        InQuoted,
        Escaped,
        AfterQuote,
    }
    let mut st = St::StartField;
    let mut open = 0;
    for (i, &b) in raw.iter().enumerate() {
        let end = b == delimiter || b == b'\n' || b == b'\r';
        st = match st {
            St::StartField if b == quote => {
                open = i;
                St::InQuoted
            }
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
            St::AfterQuote => St::InField,
        };
    }
    matches!(st, St::InQuoted | St::Escaped).then_some(open)
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn trim_terminator(raw: &[u8]) -> &[u8] {
    let end = raw.len()
        - raw
            .iter()
            .rev()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
    &raw[..end]
}

fn cut_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(TEXT_CHARS * 4)]);
    match text.char_indices().nth(TEXT_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.into_owned(),
    }
}

fn csv_to_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn read_error(e: csv::Error, preamble: u64) -> ScanError {
    let e = csv_to_io(e);
    if let Some(long) = e.get_ref().and_then(|i| i.downcast_ref::<RecordTooLong>()) {
        return ScanError::Bad(BadRow {
            line: long.line + preamble,
            problem: BadRowProblem::UnclosedQuote,
            text: long.text.clone(),
            context: None,
        });
    }
    ScanError::Io(e)
}

/// A record grew past [`MAX_RECORD`]: almost surely an unclosed quote.
#[derive(Debug)]
struct RecordTooLong {
    /// Line in the parser's stream where the record starts.
    line: u64,
    text: String,
}

impl fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record starting on line {} is too long", self.line)
    }
}

impl std::error::Error for RecordTooLong {}

/// The reader between the file and the `csv` parser: skips the BOM and the preamble
/// lines, turns `\r` into `\n` in CR-only files, and keeps the raw bytes of the
/// record being parsed (from `keep_from`, the end of the last record).
struct Feed<R> {
    inner: BufReader<io::Chain<io::Cursor<Vec<u8>>, R>>,
    started: bool,
    skip_lines: usize,
    cr_to_lf: bool,
    limits: Limits,
    /// The inner reader is exhausted.
    eof: bool,
    /// Bytes handed to the parser so far.
    delivered: u64,
    /// Raw bytes `[tail_start, delivered)`.
    tail: Vec<u8>,
    tail_start: u64,
    /// Where the current record starts (the end of the previous one), and the parser's
    /// line count there. Set by the scanner after every record.
    keep_from: Cell<u64>,
    keep_line: Cell<u64>,
    /// The record in progress whose beginning was dropped from the tail.
    lost: Option<Lost>,
    /// Drops the spaces after delimiters (`a, b`), when the dialect has them.
    spaces: Option<super::spaced::SpaceDropper>,
}

/// Where a record too long for the tail started, and how it began.
struct Lost {
    /// Byte offset of the record (the end of the previous one).
    start: u64,
    /// Line in the parser's stream where its first byte is.
    line: u64,
    text: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<R: Read> Feed<R> {
    /// Reads up to three bytes to strip a UTF-8 BOM.
    fn new(mut inner: R, dialect: &Dialect, limits: Limits) -> io::Result<Self> {
        let mut head = Vec::with_capacity(3);
        while head.len() < 3 && BOM.starts_with(&head) {
            let mut b = [0u8; 3];
            let want = 3 - head.len();
            match inner.read(&mut b[..want]) {
                Ok(0) => break,
                Ok(n) => head.extend_from_slice(&b[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if head == BOM {
            head.clear();
        }
        Ok(Feed {
            inner: BufReader::with_capacity(BUFFER, io::Cursor::new(head).chain(inner)),
            started: false,
            skip_lines: dialect.preamble_lines,
            cr_to_lf: dialect.line_ending == LineEnding::Cr,
            limits,
            eof: false,
            delivered: 0,
            tail: Vec::new(),
            tail_start: 0,
            keep_from: Cell::new(0),
            keep_line: Cell::new(1),
            lost: None,
            spaces: dialect.space_after_delimiter.then(|| {
                super::spaced::SpaceDropper::new(dialect.delimiter, dialect.quote, dialect.escape)
            }),
        })
    }

    /// Skip the preamble's physical lines (`\r\n`, `\n`, `\r`).
    fn start(&mut self) -> io::Result<()> {
        self.started = true;
        let mut remaining = self.skip_lines;
        let mut after_cr = false;
        while remaining > 0 || after_cr {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            if after_cr {
                after_cr = false;
                if buf[0] == b'\n' {
                    self.inner.consume(1);
                }
                continue;
            }
            match buf.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(i) => {
                    after_cr = buf[i] == b'\r';
                    self.inner.consume(i + 1);
                    remaining -= 1;
                }
                None => {
                    let n = buf.len();
                    self.inner.consume(n);
                }
            }
        }
        Ok(())
    }

    /// The raw bytes `[from, to)`, when still kept.
    fn raw(&self, from: u64, to: u64) -> Option<&[u8]> {
        if from < self.tail_start || to > self.delivered || from > to {
            return None;
        }
        let a = (from - self.tail_start) as usize;
        let b = (to - self.tail_start) as usize;
        Some(&self.tail[a..b])
    }

    fn byte_at(&self, at: u64) -> Option<u8> {
        self.raw(at, at + 1).map(|b| b[0])
    }

    fn retain(&mut self, chunk: &[u8]) -> io::Result<()> {
        let keep = self.keep_from.get();
        if keep > self.tail_start {
            let drop = ((keep - self.tail_start) as usize).min(self.tail.len());
            self.tail.drain(..drop);
            self.tail_start += drop as u64;
        }
        if self.lost.as_ref().is_some_and(|lost| lost.start != keep) {
            self.lost = None;
        }
        // The tail now holds the record in progress (from `keep`), when not lost.
        if self.tail.len() > self.limits.tail_cap {
            if self.lost.is_none() {
                // Remember where this record started before its bytes go.
                let lead = self
                    .tail
                    .iter()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count();
                self.lost = Some(Lost {
                    start: keep,
                    line: self.keep_line.get() + count_newlines(&self.tail[..lead]) as u64,
                    text: cut_text(&self.tail[lead..]),
                });
            }
            self.tail.clear();
            self.tail_start = self.delivered;
        }
        if self.delivered - keep > self.limits.max_record {
            let (line, text) = match &self.lost {
                Some(lost) => (lost.line, lost.text.clone()),
                None => (self.keep_line.get(), String::new()),
            };
            return Err(io::Error::other(RecordTooLong { line, text }));
        }
        self.tail.extend_from_slice(chunk);
        Ok(())
    }
}

impl<R: Read> Read for Feed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            self.start()?;
        }
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                self.eof = true;
                return Ok(0);
            }
            let chunk = &mut buf[..n];
            if self.cr_to_lf {
                for b in chunk.iter_mut() {
                    if *b == b'\r' {
                        *b = b'\n';
                    }
                }
            }
            let n = match self.spaces.as_mut() {
                Some(spaces) => spaces.drop_spaces(chunk),
                None => n,
            };
            if n == 0 {
                // Only dropped spaces: read on (0 would mean the end).
                continue;
            }
            self.retain(&buf[..n])?;
            self.delivered += n as u64;
            return Ok(n);
        }
    }
}

#[cfg(test)]
mod tests;
