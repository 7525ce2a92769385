//! The reading report: how each input was read, in the lines of a run summary.

use super::*;

impl SourceReport {
    /// The lines of the run summary that describe the input.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for f in &self.files {
            let _ = write!(s, "input  {}: {}", f.path, f.format.name());
            if f.gzip {
                s.push_str(", gzip");
            }
            if let (None, Some(d)) = (&f.dialect, f.decoded) {
                // Delimited text says its encoding with the dialect below.
                let _ = write!(s, ", {}", d.describe());
            }
            if let Some(d) = &f.dialect {
                let _ = write!(
                    s,
                    ", {}, delimiter {}, quote {}, escape {}, header {}, {} line ends",
                    match f.decoded {
                        Some(d) => d.describe(),
                        None => f.encoding.name().to_string(),
                    },
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
                    let _ = writeln!(s, "         {}", b.describe());
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

pub(super) fn show_byte(b: u8) -> String {
    match b {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        b => format!("'{}'", b as char),
    }
}
