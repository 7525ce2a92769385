use super::*;

fn sniff_with(text: &str, truncated: bool, ov: &DialectOverrides) -> Sniffed {
    match sniff(text, truncated, ov) {
        Ok(s) => s,
        Err(e) => panic!("sniff failed on {text:?}: {e}"),
    }
}

fn sniff_ok(text: &str) -> Sniffed {
    sniff_with(text, false, &DialectOverrides::default())
}

fn no_ragged_note(s: &Sniffed) {
    assert!(
        s.notes.iter().all(|n| !n.contains("do not have")),
        "{:?}",
        s.notes
    );
}

/// Parse the text with the sniffed dialect (after the preamble).
fn fields(text: &str, d: &Dialect) -> Vec<Vec<String>> {
    let body = text.trim_start_matches('\u{feff}');
    let start = line_start(body.as_bytes(), d.preamble_lines).unwrap_or(body.len());
    let mut rdr = d.reader_builder().from_reader(&body.as_bytes()[start..]);
    rdr.byte_records()
        .map(|r| {
            r.expect("reading from memory cannot fail")
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()
        })
        .collect()
}

#[test]
fn common_delimiters() {
    for (delim, name) in [
        (b',', "comma"),
        (b'\t', "tab"),
        (b';', "semicolon"),
        (b'|', "pipe"),
    ] {
        let d = delim as char;
        let text = format!(
            "id{d}name{d}price{d}when\n1{d}apple{d}1.5{d}2024-01-02\n2{d}pear{d}2.25{d}2024-01-03\n3{d}fig{d}0.5{d}2024-02-01\n"
        );
        let s = sniff_ok(&text);
        assert_eq!(s.dialect.delimiter, delim, "{name}");
        assert_eq!(s.dialect.field_count, 4, "{name}");
        assert!(s.dialect.has_header, "{name}");
        assert_eq!(s.dialect.quote, Some(b'"'), "{name}");
        assert_eq!(s.dialect.escape, Escape::Doubled, "{name}");
        assert_eq!(s.dialect.preamble_lines, 0, "{name}");
        assert_eq!(s.dialect.line_ending, LineEnding::Lf, "{name}");
        assert!(!s.dialect.bom, "{name}");
        assert!(s.preamble.is_empty(), "{name}");
    }
}

#[test]
fn quoted_fields_with_delimiters_doubled_quotes_and_newlines() {
    let text = "name,comment,score\n\"Smith, J\",\"said \"\"hi\"\"\",3\n\"Doe, A\",\"line one\nline two\",4\nLee,plain,5\n";
    let s = sniff_ok(text);
    let d = &s.dialect;
    assert_eq!(
        (d.delimiter, d.quote, d.escape, d.field_count),
        (b',', Some(b'"'), Escape::Doubled, 3)
    );
    assert!(d.has_header);
    no_ragged_note(&s);
    let rows = fields(text, d);
    assert_eq!(rows[1], ["Smith, J", "said \"hi\"", "3"]);
    assert_eq!(rows[2], ["Doe, A", "line one\nline two", "4"]);
}

#[test]
fn single_quote_quoting() {
    let text = "name,city,n\n'Smith, J','Paris, FR',1\n'Doe, A','Rome, IT',2\nLee,Oslo,3\n";
    let s = sniff_ok(text);
    assert_eq!(s.dialect.delimiter, b',');
    assert_eq!(s.dialect.quote, Some(b'\''));
    assert_eq!(s.dialect.field_count, 3);
    assert_eq!(fields(text, &s.dialect)[1], ["Smith, J", "Paris, FR", "1"]);
}

#[test]
fn backslash_escaped_quotes() {
    // Same field counts either way: the doubled reading leaves junk after a closing
    // quote, so backslash wins.
    let text = "id,quote\n1,\"say \\\"hi\\\"\"\n2,\"plain\"\n3,\"a \\\"b\\\" c\"\n";
    let s = sniff_ok(text);
    assert_eq!(s.dialect.escape, Escape::Backslash);
    assert_eq!(s.dialect.field_count, 2);
    assert_eq!(fields(text, &s.dialect)[1], ["1", "say \"hi\""]);
    assert!(
        s.notes.iter().any(|n| n.contains("backslash")),
        "{:?}",
        s.notes
    );

    // With an embedded delimiter the doubled reading is not even consistent.
    let text = "id,quote,n\n1,\"say \\\"hi, there\\\"\",5\n2,\"x\",6\n3,\"a \\\"b\\\", c\",7\n";
    let s = sniff_ok(text);
    assert_eq!(s.dialect.escape, Escape::Backslash);
    assert_eq!(fields(text, &s.dialect)[1], ["1", "say \"hi, there\"", "5"]);
}

#[test]
fn doubled_quotes_stay_doubled_even_with_backslashes() {
    let text = "path,n\n\"C:\\dir\\\",1\n\"say \"\"hi\"\"\",2\n\"x\",3\n";
    let s = sniff_ok(text);
    assert_eq!(s.dialect.escape, Escape::Doubled);
    assert_eq!(fields(text, &s.dialect)[1], ["C:\\dir\\", "1"]);
}

#[test]
fn bom_crlf_cr_trailing_blank_lines_and_no_final_newline() {
    let s = sniff_ok("\u{feff}a,b\r\n1,2\r\n3,4\r\n");
    assert!(s.dialect.bom);
    assert_eq!(s.dialect.line_ending, LineEnding::CrLf);
    assert_eq!(s.dialect.field_count, 2);
    assert_eq!(s.dialect.preamble_lines, 0);
    assert!(s.dialect.has_header);

    let s = sniff_ok("a;b\r1;2\r3;4\r");
    assert_eq!(s.dialect.line_ending, LineEnding::Cr);
    assert_eq!(s.dialect.delimiter, b';');
    assert!(s.dialect.has_header);

    let s = sniff_ok("a,b\n1,2\n3,4\n\n\n\n");
    assert_eq!(s.dialect.field_count, 2);
    no_ragged_note(&s);

    let s = sniff_ok("a,b\n1,2\n3,4");
    assert_eq!(s.dialect.field_count, 2);
    assert_eq!(s.dialect.line_ending, LineEnding::Lf);
    assert!(s.dialect.has_header);
}

#[test]
fn preamble_lines_are_detected_and_returned() {
    let text = "# exported 2024-01-01\nReport: Sales Q1\n\nregion,month,sales\nnorth,2024-01,100\nsouth,2024-01,120\n#7,2024-02,90\n";
    let s = sniff_ok(text);
    assert_eq!(s.dialect.preamble_lines, 3);
    assert_eq!(
        s.preamble,
        ["# exported 2024-01-01", "Report: Sales Q1", ""]
    );
    assert_eq!(s.dialect.delimiter, b',');
    assert_eq!(s.dialect.field_count, 3);
    assert!(s.dialect.has_header);
    no_ragged_note(&s);
    // `#7,...` after the header is data.
    let rows = fields(text, &s.dialect);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3], ["#7", "2024-02", "90"]);
}

#[test]
fn preamble_with_crlf_and_commas() {
    let text = "Sales report, generated by X\r\n\r\nid,a,b,c,d\r\n1,2,3,4,5\r\n6,7,8,9,10\r\n";
    let s = sniff_ok(text);
    assert_eq!(s.dialect.preamble_lines, 2);
    assert_eq!(s.preamble, ["Sales report, generated by X", ""]);
    assert_eq!(s.dialect.field_count, 5);
    assert!(s.dialect.has_header);
}

#[test]
fn excel_sep_line_names_the_delimiter() {
    let s = sniff_ok("sep=;\na;b\n1,5;2\n");
    assert_eq!(s.dialect.delimiter, b';');
    assert_eq!(s.dialect.preamble_lines, 1);
    assert_eq!(s.preamble, ["sep=;"]);
    assert!(s.dialect.has_header);
}

#[test]
fn header_detection() {
    // Typed column under a text cell: header.
    assert!(sniff_ok("name,age\nann,31\nbob,42\n").dialect.has_header);
    // Dates under a text cell: header.
    assert!(
        sniff_ok("day,who\n2024-01-01,ann\n2024-01-02,bob\n")
            .dialect
            .has_header
    );
    // All text, distinct non-numeric first row: header.
    assert!(
        sniff_ok("first,last\nann,lee\nbob,ray\n")
            .dialect
            .has_header
    );
    // All numbers: no header.
    assert!(!sniff_ok("1,2,3\n4,5,6\n7,8,9\n").dialect.has_header);
    // First row repeats a cell: no header.
    assert!(!sniff_ok("x,x\nann,lee\nbob,ray\n").dialect.has_header);
    // First row has an empty cell: no header.
    assert!(!sniff_ok("a,,c\n1,2,3\n4,5,6\n").dialect.has_header);
    // Text and dates without a header: the first row has a date in the date column.
    assert!(
        !sniff_ok("2024-01-01,ann\n2024-01-02,bob\n")
            .dialect
            .has_header
    );
}

#[test]
fn single_column() {
    let s = sniff_ok("name\nann\nbob\ncarla\n");
    assert_eq!(s.dialect.delimiter, b',');
    assert_eq!(s.dialect.field_count, 1);
    assert!(s.dialect.has_header);

    let s = sniff_ok("12:30\n13:45\n14:00\n09:15\n");
    assert_eq!(s.dialect.field_count, 1, "times are not split on ':'");
    assert!(!s.dialect.has_header);
    let s = sniff_ok("when\n2024-01-01 12:30:00\n2024-01-02 13:45:10\n2024-01-03 08:00:00\n");
    assert_eq!(
        s.dialect.field_count, 1,
        "timestamps are not split on ' ' or ':'"
    );
    assert!(s.dialect.has_header);
}

#[test]
fn space_and_colon_are_last_resorts() {
    let s = sniff_ok("a b c\n1 2 3\n4 5 6\n");
    assert_eq!((s.dialect.delimiter, s.dialect.field_count), (b' ', 3));
    let s = sniff_ok("name,time\nann,12:30:00\nbob,13:45:10\n");
    assert_eq!((s.dialect.delimiter, s.dialect.field_count), (b',', 2));
    let s = sniff_ok("key:value\nalpha:1\nbeta:2\n");
    assert_eq!((s.dialect.delimiter, s.dialect.field_count), (b':', 2));
}

#[test]
fn truncated_prefix_ending_mid_record() {
    // The prefix ends inside a quoted field that spans lines.
    let text = "id,note,n\n1,\"short\",2\n2,\"two\nlines\",3\n3,\"cut here\nand";
    let s = sniff_with(text, true, &DialectOverrides::default());
    assert_eq!(s.dialect.field_count, 3);
    no_ragged_note(&s);
    // And mid-line.
    let text = "a|b|c\n1|2|3\n4|5|6\n7|8";
    let s = sniff_with(text, true, &DialectOverrides::default());
    assert_eq!((s.dialect.delimiter, s.dialect.field_count), (b'|', 3));
    no_ragged_note(&s);
}

#[test]
fn ragged_rows_are_a_minority() {
    let mut text = String::from("id,name,score,when,ok\n");
    for i in 0..100 {
        if i % 30 == 7 {
            text.push_str(&format!("{i},x{i},1.5,2024-01-01,true,extra\n"));
        } else {
            text.push_str(&format!("{i},x{i},1.5,2024-01-01 12:30,true\n"));
        }
    }
    let s = sniff_ok(&text);
    assert_eq!((s.dialect.delimiter, s.dialect.field_count), (b',', 5));
    assert!(s.dialect.has_header);
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("4 of 101 sampled rows")),
        "{:?}",
        s.notes
    );
}

#[test]
fn decimal_commas_with_semicolons() {
    let s = sniff_ok("name;price\nbob;1,5\nann;2,25\ncat;3,75\n");
    assert_eq!((s.dialect.delimiter, s.dialect.field_count), (b';', 2));
    assert!(s.dialect.has_header);
}

#[test]
fn overrides_are_honoured_and_the_rest_sniffed() {
    let text = "Title line\n\nx;y\n'a;b';1\n'c';2\n";
    let ov = DialectOverrides {
        delimiter: Some(b';'),
        ..Default::default()
    };
    let s = sniff_with(text, false, &ov);
    assert_eq!(s.dialect.delimiter, b';');
    assert_eq!(s.dialect.quote, Some(b'\''));
    assert_eq!(s.dialect.preamble_lines, 2);
    assert!(s.dialect.has_header);

    let ov = DialectOverrides {
        skip_lines: Some(1),
        has_header: Some(false),
        quote: Some(None),
        ..Default::default()
    };
    let s = sniff_with("junk\na,b\n1,2\n", false, &ov);
    assert_eq!(s.dialect.preamble_lines, 1);
    assert_eq!(s.preamble, ["junk"]);
    assert!(!s.dialect.has_header);
    assert_eq!(s.dialect.quote, None);
    assert_eq!(s.dialect.field_count, 2);

    let ov = DialectOverrides {
        escape: Some(Escape::Backslash),
        ..Default::default()
    };
    let s = sniff_with("a,b\n1,2\n", false, &ov);
    assert_eq!(s.dialect.escape, Escape::Backslash);

    // A fixed delimiter is used even when it does not split consistently.
    let ov = DialectOverrides {
        delimiter: Some(b'|'),
        ..Default::default()
    };
    let s = sniff_with("a|b\n1|2|3|4\n5\n6|7|8\n", false, &ov);
    assert_eq!(s.dialect.delimiter, b'|');
}

#[test]
fn errors() {
    let ov = DialectOverrides::default();
    assert_eq!(sniff("", false, &ov).err(), Some(SniffError::Empty));
    assert_eq!(sniff("\n\r\n\n", false, &ov).err(), Some(SniffError::Empty));
    assert_eq!(sniff("\u{feff}", false, &ov).err(), Some(SniffError::Empty));
    let skip = DialectOverrides {
        skip_lines: Some(5),
        ..Default::default()
    };
    let e = sniff("a,b\n1,2\n", false, &skip).err();
    assert_eq!(e, Some(SniffError::SkippedEverything { skipped: 5 }));
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("--skip-lines")
    );
    // Every candidate splits the rows into a different number of fields each.
    let messy: String = (1..12)
        .map(|i| format!("{}\n", vec!["x,x;x|x:x x\tx"; i].join("")))
        .collect();
    let e = sniff(&messy, false, &ov).err();
    assert_eq!(e, Some(SniffError::NoConsistentDialect));
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("--delimiter")
    );
}

#[test]
fn number_and_date_recognisers() {
    for n in [
        "1",
        "-2.5",
        "1,5",
        "1,234,567.89",
        "1.234.567,89",
        "3e10",
        "12%",
        ".5",
    ] {
        assert!(is_number(n.as_bytes()), "{n}");
    }
    for n in ["1,2,3", "1.2.3", "abc", "1-2", "", "e5", "1,234.5.6"] {
        assert!(!is_number(n.as_bytes()), "{n}");
    }
    for d in [
        "2024-01-31",
        "31/01/2024",
        "1.2.24",
        "12:30",
        "2024-01-31T12:30:00Z",
        "2024-01-31 12:30:00.123+02:00",
        "9:05 PM",
    ] {
        assert!(is_temporal(d.as_bytes()), "{d}");
    }
    for d in ["2024-01", "12:3", "hello", "1/2"] {
        assert!(!is_temporal(d.as_bytes()), "{d}");
    }
}

#[test]
fn large_input_is_capped() {
    let mut text = String::from("a,b,c\n");
    while text.len() < 3 << 20 {
        text.push_str("1,two,3.5\n");
    }
    let s = sniff_ok(&text);
    assert_eq!(s.dialect.field_count, 3);
    assert!(s.dialect.has_header);
    no_ragged_note(&s);
}
