use super::*;
use crate::source::sniff::{DialectOverrides, sniff};

fn dialect(delimiter: u8, field_count: usize) -> Dialect {
    Dialect {
        delimiter,
        quote: Some(b'"'),
        escape: Escape::Doubled,
        has_header: true,
        preamble_lines: 0,
        line_ending: LineEnding::Lf,
        bom: false,
        field_count,
        space_after_delimiter: false,
    }
}

fn opts(expected_fields: usize) -> ScanOptions {
    ScanOptions {
        expected_fields,
        max_rows: None,
        stop_at_first_bad: false,
        refuse_unreadable: false,
        keep: None,
    }
}

/// A reader that hands out at most `k` bytes per read, to cross every boundary.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.len().min(self.1).min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Scan whole and in 1-, 2- and 7-byte pieces; all must agree.
fn scan_all(input: &[u8], d: &Dialect, o: &ScanOptions) -> ScanResult {
    let whole = match scan(input, d, o) {
        Ok(r) => r,
        Err(e) => panic!("scan failed: {e}"),
    };
    for k in [1, 2, 7] {
        match scan(Trickle(input, k), d, o) {
            Ok(r) => assert_eq!(r, whole, "in {k}-byte pieces"),
            Err(e) => panic!("scan in {k}-byte pieces failed: {e}"),
        }
    }
    whole
}

fn normalized(input: &[u8], d: &Dialect, o: &ScanOptions) -> (String, ScanResult) {
    let mut out = Vec::new();
    let r = match normalize(input, d, o, &mut out) {
        Ok(r) => r,
        Err(e) => panic!("normalize failed: {e}"),
    };
    (String::from_utf8_lossy(&out).into_owned(), r)
}

fn bad_lines(r: &ScanResult) -> Vec<(u64, BadRowProblem)> {
    r.first_bad.iter().map(|b| (b.line, b.problem)).collect()
}

#[test]
fn good_file_round_trip() {
    let input = "name,note,n\n\"Smith, J\",\"said \"\"hi\"\"\",1\nDoe,\"two\nlines\",2\nLee,,3\n";
    let d = dialect(b',', 3);
    let r = scan_all(input.as_bytes(), &d, &opts(3));
    assert_eq!((r.rows, r.bad_rows), (3, 0));
    let (out, r2) = normalized(input.as_bytes(), &d, &opts(3));
    assert_eq!(out, input);
    assert_eq!(r2, r);
}

#[test]
fn field_count_lines_after_multiline_records() {
    // Record on line 5 spans 3 lines; the next record is on line 8.
    let input = "a,b,c\n1,2,3\n4,5,6\n\n7,\"x\ny\nz\",9\n1,2\n3,4,5,6\n";
    let d = dialect(b',', 3);
    let r = scan_all(input.as_bytes(), &d, &opts(3));
    assert_eq!(r.rows, 3);
    assert_eq!(
        bad_lines(&r),
        [
            (
                8,
                BadRowProblem::FieldCount {
                    expected: 3,
                    found: 2
                }
            ),
            (
                9,
                BadRowProblem::FieldCount {
                    expected: 3,
                    found: 4
                }
            ),
        ]
    );
    assert_eq!(r.first_bad[0].text, "1,2");
}

#[test]
fn line_numbers_with_crlf_cr_bom_and_preamble() {
    let lf = "# title\nReport\n\nh1,h2\n1,2\n\"a\nb\",3\n4\n5,6\n";
    let mut d = dialect(b',', 2);
    d.preamble_lines = 3;
    let expect = [(
        8,
        BadRowProblem::FieldCount {
            expected: 2,
            found: 1,
        },
    )];
    let r = scan_all(lf.as_bytes(), &d, &opts(2));
    assert_eq!((r.rows, bad_lines(&r)), (3, expect.to_vec()), "LF");

    let crlf = lf.replace('\n', "\r\n");
    d.line_ending = LineEnding::CrLf;
    let r = scan_all(crlf.as_bytes(), &d, &opts(2));
    assert_eq!((r.rows, bad_lines(&r)), (3, expect.to_vec()), "CRLF");

    let with_bom = format!("\u{feff}{crlf}");
    d.bom = true;
    let r = scan_all(with_bom.as_bytes(), &d, &opts(2));
    assert_eq!((r.rows, bad_lines(&r)), (3, expect.to_vec()), "BOM + CRLF");

    let cr = lf.replace('\n', "\r");
    d.line_ending = LineEnding::Cr;
    d.bom = false;
    let r = scan_all(cr.as_bytes(), &d, &opts(2));
    assert_eq!((r.rows, bad_lines(&r)), (3, expect.to_vec()), "CR");
    let (out, _) = normalized(cr.as_bytes(), &d, &opts(2));
    assert_eq!(out, "h1,h2\n1,2\n\"a\nb\",3\n5,6\n");
}

#[test]
fn sniffed_dialect_drives_the_scan() {
    let text = "\u{feff}# exported\r\nReport: Q1\r\n\r\nid,name\r\n1,ann\r\n2,\"bob\r\nby\"\r\n3\r\n4,dan\r\n";
    let s = match sniff(text, false, &DialectOverrides::default()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.dialect.preamble_lines, 3);
    let r = scan_all(text.as_bytes(), &s.dialect, &opts(s.dialect.field_count));
    assert_eq!(r.rows, 3);
    assert_eq!(
        bad_lines(&r),
        [(
            8,
            BadRowProblem::FieldCount {
                expected: 2,
                found: 1
            }
        )]
    );
    let (out, _) = normalized(text.as_bytes(), &s.dialect, &opts(2));
    assert_eq!(out, "id,name\n1,ann\n2,\"bob\r\nby\"\n4,dan\n");
}

#[test]
fn unclosed_quote_at_end_is_reported_where_it_opens() {
    let d = dialect(b',', 3);
    let input = "a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n";
    let r = scan_all(input.as_bytes(), &d, &opts(3));
    assert_eq!(bad_lines(&r), [(3, BadRowProblem::UnclosedQuote)]);
    assert_eq!(r.rows, 1);
    // The record starts on line 3 with a closed multi-line field; the unclosed
    // quote opens on line 4.
    let input = "a,b,c\n1,2,3\n\"x\ny\",\"open\nmore\nstuff";
    let r = scan_all(input.as_bytes(), &d, &opts(3));
    assert_eq!(bad_lines(&r), [(4, BadRowProblem::UnclosedQuote)]);
    // A closed last field without a final newline is fine.
    let r = scan_all(b"a,b,c\n1,2,\"3\n4\"", &d, &opts(3));
    assert_eq!((r.rows, r.bad_rows), (1, 0));
    // Backslash escapes: `\"` does not close.
    let mut d = d;
    d.escape = Escape::Backslash;
    let r = scan_all(b"a,b,c\n1,2,\"x\\\"", &d, &opts(3));
    assert_eq!(bad_lines(&r), [(2, BadRowProblem::UnclosedQuote)]);
    // Stop-at-first-bad gives the message.
    let o = ScanOptions {
        stop_at_first_bad: true,
        refuse_unreadable: false,
        ..opts(3)
    };
    match scan(&b"a,b,c\n1,\"2,3\n"[..], &dialect(b',', 3), &o) {
        Err(ScanError::Bad(b)) => {
            assert_eq!(b.line, 2);
            assert!(b.to_string().starts_with("line 2: unclosed quote"), "{b}");
        }
        other => panic!("expected an unclosed quote, got {other:?}"),
    }
}

#[test]
fn huge_unclosed_quote_stops_the_scan() {
    let limits = Limits {
        tail_cap: 64,
        max_record: 1_000,
    };
    let mut input = String::from("a,b\n1,2\n\n3,\"never closed\n");
    for i in 0..200 {
        input.push_str(&format!("{i},row {i}\n"));
    }
    for k in [1, 5, 4096] {
        let res = run(
            Trickle(input.as_bytes(), k),
            &dialect(b',', 2),
            &opts(2),
            limits,
            |_| Ok(()),
        );
        // Read in small pieces the record outgrows the limit and stops the scan; read
        // at once it reaches the end of the file and is a bad row like any other.
        let bad = match res {
            Err(ScanError::Bad(b)) if k < 4096 => b,
            Ok(mut r) if k == 4096 && r.bad_rows == 1 => r.first_bad.remove(0),
            other => panic!("{k}-byte pieces: expected an unclosed quote, got {other:?}"),
        };
        assert_eq!(bad.line, 4, "{k}-byte pieces");
        assert_eq!(bad.problem, BadRowProblem::UnclosedQuote);
        assert!(bad.text.starts_with("3,\"never closed"), "{}", bad.text);
    }
    // Long but closed records past the tail cap keep their line numbers.
    let limits = Limits {
        tail_cap: 16,
        max_record: 1 << 20,
    };
    let long = "x".repeat(100);
    let input = format!("a,b\n1,\"{long}\n{long}\"\n2,3,4\n");
    for k in [3, 4096] {
        let r = match run(
            Trickle(input.as_bytes(), k),
            &dialect(b',', 2),
            &opts(2),
            limits,
            |_| Ok(()),
        ) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(r.rows, 1);
        assert_eq!(
            bad_lines(&r),
            [(
                4,
                BadRowProblem::FieldCount {
                    expected: 2,
                    found: 3
                }
            )],
            "{k}-byte pieces"
        );
    }
}

#[test]
fn invalid_utf8_line_and_offset() {
    let d = dialect(b',', 2);
    let input = b"a,b\nok,1\n\"two\nli\xffnes\",2\nfine,\xe9t\xe9\n";
    let r = scan_all(input, &d, &opts(2));
    assert_eq!(r.rows, 1);
    assert_eq!(
        bad_lines(&r),
        [
            (
                4,
                BadRowProblem::InvalidUtf8 {
                    byte_offset_in_line: 2
                }
            ),
            (
                5,
                BadRowProblem::InvalidUtf8 {
                    byte_offset_in_line: 5
                }
            ),
        ]
    );
    let o = ScanOptions {
        stop_at_first_bad: true,
        refuse_unreadable: false,
        ..opts(2)
    };
    match scan(&input[..], &d, &o) {
        Err(e @ ScanError::Bad(_)) => {
            let msg = e.to_string();
            assert!(msg.starts_with("line 4: invalid UTF-8 at byte 3 "), "{msg}");
            assert!(msg.contains("--encoding latin1"), "{msg}");
        }
        other => panic!("expected invalid UTF-8, got {other:?}"),
    }
    // A bad byte split off by a delimiter from its would-be continuation.
    let r = scan_all(b"a,b\n\xc3,\xa9\n", &d, &opts(2));
    assert_eq!(
        bad_lines(&r),
        [(
            2,
            BadRowProblem::InvalidUtf8 {
                byte_offset_in_line: 0
            }
        )]
    );
}

#[test]
fn max_rows_stops_early() {
    let mut input = String::from("a,b\n");
    for i in 0..100 {
        input.push_str(&format!("{i},x\n"));
    }
    let o = ScanOptions {
        max_rows: Some(10),
        ..opts(2)
    };
    let r = scan_all(input.as_bytes(), &dialect(b',', 2), &o);
    assert_eq!(r.rows, 10);
    let (out, _) = normalized(input.as_bytes(), &dialect(b',', 2), &o);
    assert_eq!(out.lines().count(), 11);
    assert_eq!(out.lines().last(), Some("9,x"));
}

#[test]
fn first_bad_is_capped_and_bad_rows_counts_all() {
    let mut input = String::from("a,b\n");
    for i in 0..25 {
        input.push_str(&format!("{i},x\n{i}\n"));
    }
    let r = scan_all(input.as_bytes(), &dialect(b',', 2), &opts(2));
    assert_eq!((r.rows, r.bad_rows, r.first_bad.len()), (25, 25, 10));
    assert_eq!(r.first_bad[9].line, 21);
    let o = ScanOptions {
        stop_at_first_bad: true,
        refuse_unreadable: false,
        ..opts(2)
    };
    match scan(input.as_bytes(), &dialect(b',', 2), &o) {
        Err(e @ ScanError::Bad(_)) => assert_eq!(
            e.to_string(),
            "line 3: expected 2 fields, found 1 (\"0\"); fix the line or pass --skip-bad-rows to skip malformed lines"
        ),
        other => panic!("expected a bad row, got {other:?}"),
    }
}

#[test]
fn header_and_expected_fields() {
    // Without a header the first record counts as a row.
    let mut d = dialect(b',', 2);
    d.has_header = false;
    let r = scan_all(b"1,2\n3,4\n", &d, &opts(2));
    assert_eq!(r.rows, 2);
    // expected_fields 0: taken from the first record.
    let r = scan_all(b"a,b,c\n1,2,3\n4,5\n", &dialect(b',', 3), &opts(0));
    assert_eq!(
        bad_lines(&r),
        [(
            3,
            BadRowProblem::FieldCount {
                expected: 3,
                found: 2
            }
        )]
    );
    // A header with the wrong count is bad and not written.
    let (out, r) = normalized(b"a,b\n1,2,3\n4,5,6\n", &dialect(b',', 3), &opts(3));
    assert_eq!(out, "1,2,3\n4,5,6\n");
    assert_eq!((r.rows, r.bad_rows), (2, 1));
}

#[test]
fn normalize_backslash_semicolon_exact_bytes() {
    let d = Dialect {
        delimiter: b';',
        quote: Some(b'"'),
        escape: Escape::Backslash,
        has_header: true,
        preamble_lines: 1,
        line_ending: LineEnding::CrLf,
        bom: true,
        field_count: 3,
        space_after_delimiter: false,
    };
    let input = "\u{feff}title\r\nname;quote;n\r\nBob;\"say \\\"hi\\\"; ok\";1,5\r\nAnn;plain;2\r\n;\"\";\r\n\r\n";
    let (out, r) = normalized(input.as_bytes(), &d, &opts(3));
    assert_eq!(
        out,
        "name,quote,n\nBob,\"say \"\"hi\"\"; ok\",\"1,5\"\nAnn,plain,2\n,,\n"
    );
    assert_eq!((r.rows, r.bad_rows), (3, 0));
}

#[test]
fn single_empty_field_rows_survive_normalize() {
    let mut d = dialect(b',', 1);
    d.has_header = true;
    let (out, r) = normalized(b"name\nann\n\"\"\nbob\n", &d, &opts(1));
    assert_eq!(out, "name\nann\n\"\"\nbob\n");
    assert_eq!(r.rows, 3);
}

/// Run by hand: `cargo test --release scan_speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn scan_speed() {
    let mut data = Vec::with_capacity(210 << 20);
    data.extend_from_slice(b"id,name,price,when,comment\n");
    let mut i = 0u64;
    while data.len() < 200 << 20 {
        let line = format!(
            "{i},customer {},{}.{:02},2024-{:02}-{:02},\"note, with comma {}\"\n",
            i % 9973,
            i % 1000,
            i % 100,
            i % 12 + 1,
            i % 28 + 1,
            i % 7
        );
        data.extend_from_slice(line.as_bytes());
        i += 1;
    }
    let d = dialect(b',', 5);
    let mb = data.len() as f64 / 1e6;
    for _ in 0..2 {
        // The peer: the bare csv crate loop, no checks.
        let t = std::time::Instant::now();
        let mut rdr = d
            .reader_builder()
            .buffer_capacity(BUFFER)
            .from_reader(&data[..]);
        let mut rec = ByteRecord::new();
        let mut n = 0u64;
        while let Ok(true) = rdr.read_byte_record(&mut rec) {
            n += 1;
        }
        let bare = t.elapsed().as_secs_f64();
        assert_eq!(n, i + 1);
        println!(
            "bare csv loop: {mb:.0} MB in {bare:.2} s = {:.0} MB/s",
            mb / bare
        );
        let t = std::time::Instant::now();
        let r = scan(&data[..], &d, &opts(5));
        let secs = t.elapsed().as_secs_f64();
        assert!(matches!(&r, Ok(r) if r.bad_rows == 0 && r.rows == i));
        println!(
            "scan: {mb:.0} MB in {secs:.2} s = {:.0} MB/s ({:.2}x the bare loop's time)",
            mb / secs,
            secs / bare
        );
        let t = std::time::Instant::now();
        let r = normalize(&data[..], &d, &opts(5), io::sink());
        let secs = t.elapsed().as_secs_f64();
        assert!(matches!(&r, Ok(r) if r.bad_rows == 0));
        println!(
            "normalize: {mb:.0} MB in {secs:.2} s = {:.0} MB/s",
            mb / secs
        );
    }
}

fn kept_rows(input: &[u8], keep: Keep) -> Vec<u64> {
    let o = ScanOptions {
        keep: Some(keep),
        ..opts(2)
    };
    let r = scan(input, &dialect(b',', 2), &o).expect("scan");
    let kept = r.kept.expect("kept");
    // The records are the rows' own: row i holds "i".
    for (row, rec) in &kept {
        match rec {
            KeptRow::Fields(rec) => assert_eq!(&rec[0], row.to_string().as_bytes()),
            other => panic!("fields expected, got {other:?}"),
        }
    }
    kept.into_iter().map(|(row, _)| row).collect()
}

fn numbered(n: u64) -> Vec<u8> {
    let mut s = String::from("i,x\n");
    for i in 0..n {
        s.push_str(&format!("{i},v{i}\n"));
    }
    s.into_bytes()
}

#[test]
fn keeps_a_seeded_random_sample_in_file_order() {
    let input = numbered(1000);
    let a = kept_rows(
        &input,
        Keep::Random {
            n: 10,
            seed: 1,
            raw: false,
        },
    );
    assert_eq!(a.len(), 10);
    assert!(a.windows(2).all(|w| w[0] < w[1]), "{a:?}");
    assert!(a.iter().all(|&r| r < 1000));
    assert_eq!(
        a,
        kept_rows(
            &input,
            Keep::Random {
                n: 10,
                seed: 1,
                raw: false
            }
        )
    );
    assert_ne!(
        a,
        kept_rows(
            &input,
            Keep::Random {
                n: 10,
                seed: 2,
                raw: false
            }
        )
    );
    // Fewer rows than asked: all of them.
    let all = kept_rows(
        &numbered(5),
        Keep::Random {
            n: 10,
            seed: 1,
            raw: false,
        },
    );
    assert_eq!(all, [0, 1, 2, 3, 4]);
    assert_eq!(
        kept_rows(&input, Keep::Last { n: 3, raw: false }),
        [997, 998, 999]
    );
    assert_eq!(
        kept_rows(&numbered(2), Keep::Last { n: 3, raw: false }),
        [0, 1]
    );
}

#[test]
fn raw_rows_are_kept_as_written() {
    let input = b"a,b\r\n1,\"\"\r\n\r\n2,\"x,\"\"y\"\"\"\r\n3,z\r\n";
    let o = ScanOptions {
        keep: Some(Keep::Last { n: 2, raw: true }),
        ..opts(2)
    };
    let r = scan(&input[..], &dialect(b',', 2), &o).expect("scan");
    let kept = r.kept.expect("kept");
    assert_eq!(
        kept,
        vec![
            // Up to the parser's position after the record: the `\n` of a
            // `\r\n` is read with the next record (and stripped there).
            (1, KeptRow::Raw(b"2,\"x,\"\"y\"\"\"\r".to_vec())),
            (2, KeptRow::Raw(b"3,z\r".to_vec())),
        ]
    );
}

#[test]
fn random_sample_is_uniform_over_rows() {
    // 20 rows, samples of 5 with 4,000 seeds: each row is expected 1,000 times,
    // standard deviation about 27; a bias towards early or late rows shows.
    let input = numbered(20);
    let mut counts = [0u32; 20];
    for seed in 0..4000 {
        for r in kept_rows(
            &input,
            Keep::Random {
                n: 5,
                seed,
                raw: false,
            },
        ) {
            counts[r as usize] += 1;
        }
    }
    for (row, &c) in counts.iter().enumerate() {
        assert!(
            (850..=1150).contains(&c),
            "row {row} kept {c} times: {counts:?}"
        );
    }
}

#[test]
fn a_sample_of_no_rows_keeps_none() {
    // Found by the sniff_scan fuzz target: a random sample of 0 rows drew a slot
    // from the empty range 0..0 and panicked once the reservoir's first skip was 0.
    for seed in 0..64 {
        let kept = kept_rows(
            &numbered(50),
            Keep::Random {
                n: 0,
                seed,
                raw: false,
            },
        );
        assert!(kept.is_empty(), "seed {seed}: {kept:?}");
    }
    assert!(kept_rows(&numbered(50), Keep::Last { n: 0, raw: true }).is_empty());
}

#[test]
fn a_first_cell_starting_with_a_bom_character_survives_normalizing() {
    // Found by the sniff_scan fuzz target: a blank first line, then a cell holding
    // U+FEFF. Normalised, the file started with that character, which every reader
    // (the csv crate, polars) strips as a byte-order mark: the value was lost.
    let input = "\n\u{feff}x,1\n\u{feff}y,2\n";
    let d = dialect(b',', 2);
    let (out, r) = normalized(input.as_bytes(), &d, &opts(2));
    assert_eq!(r.rows, 1);
    assert_eq!(out, "\"\u{feff}x\",\"1\"\n\u{feff}y,2\n");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_bytes());
    let first = rdr.records().next().expect("a record").expect("reads");
    assert_eq!(&first[0], "\u{feff}x");
}
