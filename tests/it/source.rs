//! Opening real, messy files through `source::open`.

use std::io::Write;

use polars::prelude::*;
use wort::source::{self, Encoding, Escape, Format, LineEnding, ReadOptions, Sample};

use super::{root, strings};

fn sample(name: &str) -> String {
    root().join("samples").join(name).display().to_string()
}

fn open(paths: &[String], opts: ReadOptions) -> (source::Source, DataFrame) {
    let src = source::open(paths, &opts).unwrap_or_else(|e| panic!("{e}"));
    let df = src.lazy().expect("lazy").collect().expect("collect");
    (src, df)
}

fn full() -> ReadOptions {
    ReadOptions {
        sample: Some(Sample::Full),
        ..Default::default()
    }
}

#[test]
fn flights_open_with_no_flags() {
    let (src, df) = open(&[sample("flights.csv")], full());
    assert_eq!(df.height(), 5000);
    assert_eq!(df.width(), 19);
    // NA in six columns: dep_time 31, dep_delay 31, arr_time 34, arr_delay 50, air_time 50, tailnum 7.
    let nulls: Vec<usize> = [
        "dep_time",
        "dep_delay",
        "arr_time",
        "arr_delay",
        "air_time",
        "tailnum",
    ]
    .iter()
    .map(|c| df.column(c).expect("col").null_count())
    .collect();
    assert_eq!(nulls, [31, 31, 34, 50, 50, 7]);
    assert_eq!(
        df.column("dep_delay").expect("col").dtype(),
        &DataType::Int64
    );
    assert!(matches!(
        df.column("time_hour").expect("col").dtype(),
        DataType::Datetime(_, _)
    ));
    assert_eq!(
        df.column("carrier").expect("col").dtype(),
        &DataType::String
    );
    let summary = src.report.summary();
    assert!(summary.contains("\"NA\" ×203"), "{summary}");
    assert!(summary.contains("delimiter ','"), "{summary}");
}

#[test]
fn a_bounded_sample_gives_the_same_types_and_nulls() {
    let opts = ReadOptions {
        sample: Some(Sample::First(5000)),
        ..Default::default()
    };
    let (_, sampled) = open(&[sample("flights.csv")], opts);
    let (_, full) = open(&[sample("flights.csv")], full());
    assert_eq!(sampled.schema(), full.schema());
    assert!(sampled.equals_missing(&full));
}

#[test]
fn messy_orders_preamble_semicolons_crlf_and_junk() {
    let (src, df) = open(&[sample("messy_orders.csv")], full());
    let file = &src.report.files[0];
    let d = file.dialect.as_ref().expect("dialect");
    assert_eq!(d.delimiter, b';');
    assert_eq!(d.line_ending, LineEnding::CrLf);
    assert_eq!(d.preamble_lines, 3);
    assert!(d.has_header);
    assert_eq!(df.height(), 300);
    assert_eq!(df.get_column_names()[0].as_str(), "order_id");
    // amount is mostly numeric with junk: it stays text and the junk is reported.
    assert_eq!(df.column("amount").expect("col").dtype(), &DataType::String);
    let amount = src
        .report
        .columns
        .iter()
        .find(|c| c.name == "amount")
        .expect("amount");
    let junk = amount.junk.as_ref().expect("junk reported");
    assert_eq!(junk.count, 12);
    // Several null spellings are all missing.
    assert_eq!(df.column("status").expect("col").null_count(), 14);
    // Embedded newline and doubled quotes survive.
    let notes = strings(&df, "notes");
    assert!(notes.iter().any(|n| n.contains('\n')));
    assert!(notes.iter().any(|n| n.contains("\"lost in transit\"")));
}

#[test]
fn latin1_needs_the_flag_and_then_reads() {
    let err = source::open(&[sample("latin1_customers.csv")], &full())
        .err()
        .expect("invalid UTF-8")
        .to_string();
    assert!(err.contains("latin1_customers.csv line"), "{err}");
    assert!(err.contains("--encoding latin1"), "{err}");
    let opts = ReadOptions {
        encoding: Encoding::Latin1,
        ..full()
    };
    let (_, df) = open(&[sample("latin1_customers.csv")], opts);
    assert_eq!(df.height(), 50);
    let all: String = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .flat_map(|c| {
            c.str()
                .expect("str")
                .iter()
                .flatten()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        all.contains('é') || all.contains('ü') || all.contains('ç'),
        "{all}"
    );
}

#[test]
fn penguins_dates_and_quoted_commas() {
    let (_, df) = open(&[sample("penguins.csv")], full());
    assert_eq!(df.shape(), (344, 17));
    assert_eq!(df.column("Date Egg").expect("col").dtype(), &DataType::Date);
    assert_eq!(strings(&df, "Stage")[0], "Adult, 1 Egg Stage");
    assert_eq!(df.column("Sex").expect("col").null_count(), 11);
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::File::create(&p)
        .expect("create")
        .write_all(bytes)
        .expect("write");
    p.display().to_string()
}

#[test]
fn gzip_json_ndjson_and_parquet_read_the_same_table() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = b"id,name,when\n1,ann,2024-01-02\n2,NA,2024-02-03\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(csv).expect("gz");
    let gz = gz.finish().expect("gz");
    let json =
        br#"[{"id":1,"name":"ann","when":"2024-01-02"},{"id":2,"name":null,"when":"2024-02-03"}]"#;
    let ndjson = b"{\"id\":1,\"name\":\"ann\",\"when\":\"2024-01-02\"}\n{\"id\":2,\"name\":null,\"when\":\"2024-02-03\"}\n";
    let paths = [
        temp_file(&dir, "a.csv", csv),
        temp_file(&dir, "a.csv.gz", &gz),
        temp_file(&dir, "a.json", json),
        temp_file(&dir, "a.ndjson", ndjson),
        temp_file(&dir, "noext", csv),
    ];
    let mut expected: Option<DataFrame> = None;
    for p in &paths {
        let (_, df) = open(std::slice::from_ref(p), full());
        let df = df
            .lazy()
            .select([col("id").cast(DataType::Int64), col("name"), col("when")])
            .collect()
            .expect("select");
        assert_eq!(
            df.column("when").expect("when").dtype(),
            &DataType::Date,
            "{p}"
        );
        match &expected {
            None => expected = Some(df),
            Some(e) => assert!(e.equals_missing(&df), "{p}:\n{df}\n{e}"),
        }
    }
    // Parquet written from the CSV reads back the same.
    let mut df = expected.clone().expect("frame");
    let pq = dir.path().join("a.parquet");
    ParquetWriter::new(std::fs::File::create(&pq).expect("create"))
        .finish(&mut df)
        .expect("write");
    let (_, back) = open(&[pq.display().to_string()], full());
    assert!(back.equals_missing(&df));
}

#[test]
fn dialect_cases() {
    let dir = tempfile::tempdir().expect("tmp");
    // Backslash escapes, CR-only line ends, tab, pipe, BOM, no header.
    let cases: Vec<(&str, &[u8], u8, usize, bool)> = vec![
        (
            "bs.csv",
            b"id,text\n1,\"say \\\"hi\\\", ok\"\n2,\"x\"\n",
            b',',
            2,
            true,
        ),
        ("cr.csv", b"a,b\r1,2\r3,4\r", b',', 2, true),
        ("tab.tsv", b"a\tb\n1\t2\n", b'\t', 2, true),
        ("pipe.txt", b"a|b|c\n1|2|3\n4|5|6\n", b'|', 3, true),
        (
            "bom.csv",
            b"\xef\xbb\xbfname,n\nann,1\nbob,2\n",
            b',',
            2,
            true,
        ),
        ("nohead.csv", b"1,2,3\n4,5,6\n", b',', 3, false),
    ];
    for (name, bytes, delim, width, header) in cases {
        let p = temp_file(&dir, name, bytes);
        let (src, df) = open(&[p], full());
        let d = src.report.files[0].dialect.clone().expect("dialect");
        assert_eq!(
            (d.delimiter, df.width(), d.has_header),
            (delim, width, header),
            "{name}\n{df}"
        );
        if name == "bs.csv" {
            assert_eq!(d.escape, Escape::Backslash);
            assert_eq!(strings(&df, "text")[0], "say \"hi\", ok");
        }
        if name == "bom.csv" {
            assert_eq!(df.get_column_names()[0].as_str(), "name");
        }
        if name == "nohead.csv" {
            assert_eq!(df.get_column_names()[0].as_str(), "column_1");
            assert_eq!(df.height(), 2);
        }
        if name == "cr.csv" {
            assert_eq!(strings(&df, "b"), ["2", "4"]);
        }
    }
}

#[test]
fn samples_first_last_random() {
    let p = sample("flights.csv");
    let take = |s: Sample| {
        let (_, df) = open(
            std::slice::from_ref(&p),
            ReadOptions {
                sample: Some(s),
                ..Default::default()
            },
        );
        df
    };
    let first = take(Sample::First(10));
    assert_eq!(first.height(), 10);
    assert_eq!(strings(&first, "dep_time")[0], "517");
    let last = take(Sample::Last(3));
    assert_eq!(last.height(), 3);
    let all = take(Sample::Full);
    assert!(last.equals_missing(&all.slice(4997, 3)));
    let r1 = take(Sample::Random { n: 100, seed: 7 });
    let r2 = take(Sample::Random { n: 100, seed: 7 });
    let r3 = take(Sample::Random { n: 100, seed: 8 });
    assert_eq!(r1.height(), 100);
    assert!(r1.equals_missing(&r2));
    assert!(!r1.equals_missing(&r3));
}

/// A random or last-N sample holds rows of the file read in full, value for value:
/// `""` stays an empty string, an empty field and `NA` are missing, quoted commas and
/// line breaks survive, for a file polars reads as it is (CRLF) and for one read
/// through a normalised copy (gzip, CR line ends).
#[test]
fn sampled_rows_are_rows_of_the_full_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = String::from("id,name,note,n\r\n");
    for i in 0..200 {
        let name = match i % 5 {
            0 => "\"\"".to_string(),
            1 => String::new(),
            2 => "NA".to_string(),
            3 => format!("\"a, \"\"b\"\"\r\nline {i}\""),
            _ => format!("name{i}"),
        };
        text.push_str(&format!("{i},{name},x{},{}\r\n", i % 3, i * 7));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("gzip");
    let files = [
        temp_file(&dir, "plain.csv", text.as_bytes()),
        temp_file(&dir, "packed.csv.gz", &gz.finish().expect("gzip")),
    ];
    for path in files {
        let (_, all) = open(std::slice::from_ref(&path), full());
        assert_eq!(all.height(), 200, "{path}");
        for sample in [Sample::Random { n: 37, seed: 3 }, Sample::Last(25)] {
            let opts = ReadOptions {
                sample: Some(sample),
                ..Default::default()
            };
            let (_, part) = open(std::slice::from_ref(&path), opts);
            let ids: Vec<i64> = part
                .column("id")
                .expect("id")
                .i64()
                .expect("int ids")
                .into_no_null_iter()
                .collect();
            assert_eq!(ids.len(), if sample == Sample::Last(25) { 25 } else { 37 });
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "file order: {ids:?}");
            let idx: Vec<IdxSize> = ids.iter().map(|&i| i as IdxSize).collect();
            let expected = all.take(&IdxCa::from_vec("i".into(), idx)).expect("take");
            assert!(
                part.equals_missing(&expected),
                "{path} {sample}:\n{part}\n{expected}"
            );
        }
        // The empty string is kept apart from missing values when polars reads the
        // file as it is; a normalised copy has lost the quotes (README, Reading data).
        let empty = if path.ends_with(".gz") {
            None
        } else {
            Some("")
        };
        let names = all
            .column("name")
            .expect("name")
            .str()
            .expect("text")
            .clone();
        assert_eq!(names.get(0), empty, "{path}");
        assert_eq!(names.get(1), None, "{path}");
        assert_eq!(names.get(2), None, "{path}");
    }
}

#[test]
fn null_values_flag_replaces_the_tokens() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = temp_file(&dir, "n.csv", b"a,b\nNA,-\nx,missing\n");
    let opts = ReadOptions {
        null_values: Some(vec!["missing".into()]),
        ..full()
    };
    let (_, df) = open(&[p], opts);
    assert_eq!(strings(&df, "a"), ["NA", "x"]);
    assert_eq!(strings(&df, "b"), ["-", "null"]);
}

#[test]
fn format_override_and_errors_name_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = temp_file(&dir, "data.bin", b"a;b\n1;2\n");
    let opts = ReadOptions {
        format: Some(Format::Csv),
        ..full()
    };
    let (_, df) = open(&[p], opts);
    assert_eq!(df.width(), 2);
    let empty = temp_file(&dir, "empty.csv", b"");
    let err = source::open(&[empty], &full())
        .err()
        .expect("empty")
        .to_string();
    assert!(err.contains("empty.csv is empty"), "{err}");
    let bad = temp_file(&dir, "bad.json", b"[{\"a\": 1},");
    let err = source::open(&[bad], &full())
        .err()
        .expect("bad json")
        .to_string();
    assert!(
        err.contains("bad.json") && err.contains("not valid JSON"),
        "{err}"
    );
}
