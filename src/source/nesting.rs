//! Limits on JSON input checked before polars sees the file.
//!
//! polars' JSON readers recurse once per level of nesting: a file nested 10,000 levels
//! deep overflows the stack (an abort, not an error), and 1,000 levels (6 KB) took
//! 27 s and 13 GB. Tables do not nest that deep, so the file is scanned first, byte by
//! byte in one pass and constant memory, counting `[`/`{` outside strings; beyond
//! [`MAX_JSON_DEPTH`] the file is refused with its line.

use std::io::{BufRead, BufReader, Read};

/// How deep arrays and objects may nest in a JSON or NDJSON input (the outer array of
/// a JSON file and each NDJSON record count one level).
pub const MAX_JSON_DEPTH: usize = 64;

/// Where a JSON text first nests deeper than [`MAX_JSON_DEPTH`]: its 1-based line.
pub fn too_deep(r: impl Read) -> std::io::Result<Option<u64>> {
    let mut r = BufReader::with_capacity(64 * 1024, r);
    let (mut depth, mut line) = (0usize, 1u64);
    let (mut in_string, mut escaped) = (false, false);
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        for &b in buf {
            if b == b'\n' {
                line += 1;
            }
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_JSON_DEPTH {
                        return Ok(Some(line));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let n = buf.len();
        r.consume(n);
    }
}

/// The first line of an NDJSON text that is not one JSON value, with serde_json's
/// reason (polars' own message names a character but not the line).
pub fn first_bad_ndjson_line(r: impl Read) -> Option<(u64, String)> {
    for (i, line) in BufReader::new(r).split(b'\n').enumerate() {
        let line = line.ok()?;
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            let what = e.to_string();
            let what = what.split(" at line ").next().unwrap_or_default();
            return Some((i as u64 + 1, format!("{what} at column {}", e.column())));
        }
    }
    None
}

/// The refusal for a file nested too deep at `line`.
pub fn too_deep_message(line: u64) -> String {
    format!(
        "line {line}: the JSON nests arrays or objects deeper than {MAX_JSON_DEPTH} levels; \
         wort reads tables (an array of records, or one record per line), and nesting this \
         deep would exhaust the reader's stack; flatten the data first (e.g. with jq)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(n: usize) -> String {
        format!("[\n{}1{}\n]", "[".repeat(n), "]".repeat(n))
    }

    #[test]
    fn counts_brackets_outside_strings_only() {
        assert_eq!(too_deep(deep(MAX_JSON_DEPTH - 1).as_bytes()).unwrap(), None);
        assert_eq!(too_deep(deep(MAX_JSON_DEPTH).as_bytes()).unwrap(), Some(2));
        let text = format!(r#"[{{"a": "{}\"{}"}}]"#, "[".repeat(500), "{".repeat(500));
        assert_eq!(too_deep(text.as_bytes()).unwrap(), None);
    }

    #[test]
    fn the_first_bad_ndjson_line_is_named() {
        let text = "{\"a\": 1}\n\n{\"a\": 2}\n{\"a\": 3,,}\n{\"a\": }\n";
        let (line, why) = first_bad_ndjson_line(text.as_bytes()).unwrap();
        assert_eq!(line, 4);
        assert_eq!(why, "key must be a string at column 9");
        assert_eq!(first_bad_ndjson_line("{}\n{}\n".as_bytes()), None);
    }

    #[test]
    fn ndjson_records_each_start_at_the_top() {
        let line = format!("{}{}\n", "{\"a\":".repeat(40), "}".repeat(40));
        assert_eq!(too_deep(line.repeat(100).as_bytes()).unwrap(), None);
    }
}
