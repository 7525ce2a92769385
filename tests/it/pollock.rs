//! Messy files read with no flags, one family of the Pollock benchmark's pollutions
//! (https://github.com/HPI-Information-Systems/Pollock) per test: the table the user
//! wants, and the note that says what was repaired; or a refusal that names the line
//! and the cause when the file cannot be read unambiguously.

use super::{wort, write};

/// `wort run` of `steps` over `text` (as `name`) into `out` in `dir`, with no reading
/// flags: its exit code, the output's path and stderr.
fn run_in(
    dir: &std::path::Path,
    steps: &str,
    name: &str,
    text: &str,
    out: &str,
) -> (Option<i32>, std::path::PathBuf, String) {
    let recipe = write(
        dir,
        "r.json",
        format!(r#"{{"wort_recipe":1,"steps":{steps}}}"#),
    );
    let input = write(dir, name, text);
    let out = dir.join(out);
    let done = wort()
        .arg("run")
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&done.stderr).to_string();
    (done.status.code(), out, stderr)
}

/// `wort run` of an empty recipe over `text` (as `name`), with no reading flags: its
/// exit code, the output CSV's text (if written) and stderr.
fn run(name: &str, text: &str) -> (Option<i32>, Option<String>, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, out, stderr) = run_in(dir.path(), "[]", name, text, "out.csv");
    (code, std::fs::read_to_string(&out).ok(), stderr)
}

/// The output and stderr of a read that must succeed.
fn read(name: &str, text: &str) -> (String, String) {
    match run(name, text) {
        (Some(0), Some(out), err) => (out, err),
        (_, _, err) => panic!("{err}"),
    }
}

/// The error of a read that must fail with exit code 2 and write nothing.
fn refused(name: &str, text: &str) -> String {
    let (code, out, err) = run(name, text);
    assert_eq!((code, out), (Some(2), None), "{err}");
    err
}

/// A table of `n` rows `i,item i,i*10` under `id,name,amount`, with `row` put in place
/// of row `at` (1-based among the data rows).
fn table_with(n: usize, at: usize, row: &str) -> String {
    let mut text = String::from("id,name,amount\n");
    for i in 1..=n {
        if i == at {
            text.push_str(row);
        } else {
            text.push_str(&format!("{i},item {i},{}", i * 10));
        }
        text.push('\n');
    }
    text
}

fn lines_of(n: usize, skip: usize) -> String {
    let mut text = String::from("id,name,amount\n");
    for i in (1..=n).filter(|&i| i != skip) {
        text.push_str(&format!("{i},item {i},{}\n", i * 10));
    }
    text
}

/// Row with an extra delimiter (Pollock's `row_more_sep`) and with a missing one
/// (`row_less_sep`): where the cells belong cannot be known, so the row is set aside,
/// listed with its line, and the other rows are read.
#[test]
fn a_row_with_a_delimiter_too_many_or_too_few_is_set_aside_and_listed() {
    let (out, err) = read("more.csv", &table_with(30, 10, "10,item,10,100"));
    assert_eq!(out, lines_of(30, 10));
    assert!(err.contains("29 rows"), "{err}");
    assert!(err.contains("skipped 1 malformed row(s):"), "{err}");
    assert!(
        err.contains("line 11: expected 3 fields, found 4 (\"10,item,10,100\")"),
        "{err}"
    );

    let (out, err) = read("less.csv", &table_with(30, 7, "7,item 770"));
    assert_eq!(out, lines_of(30, 7));
    assert!(
        err.contains("line 8: expected 3 fields, found 2 (\"7,item 770\")"),
        "{err}"
    );
}

/// More than one row in twenty with the wrong field count: the file is not the table
/// it seemed, and the read stops at the first, naming its line, the cause and the
/// count.
#[test]
fn many_malformed_rows_stop_the_read_naming_the_first_line_and_the_cause() {
    let mut text = table_with(10, 3, "3,x");
    text.push_str("11,y\n");
    let err = refused("many.csv", &text);
    assert!(
        err.contains("many.csv line 4: expected 3 fields, found 2 (\"3,x\")"),
        "{err}"
    );
    assert!(
        err.contains("2 of 11 rows are malformed with delimiter ',': too many to set aside without the flag (at most 1 row in 20 is); if that is not the file's delimiter, pass --delimiter"),
        "{err}"
    );
}

/// An unclosed quote cannot be set aside (where would the row end?): refused with its
/// line and cause.
#[test]
fn an_unclosed_quote_is_refused_with_its_line() {
    let mut text = String::from("id,name,amount\n");
    for i in 1..=30 {
        text.push_str(&format!("{i},\"item, {i}\",{}\n", i * 10));
    }
    text.push_str("31,\"never closed,310\n32,none,320\n");
    let err = refused("open.csv", &text);
    assert!(
        err.contains("open.csv line 32: unclosed quote: a quoted field starts on this line and is never closed"),
        "{err}"
    );
}

/// The header written two or three times (`file_header_multirow_2/3`), and files
/// concatenated with their headers: the copies of the header are dropped, with a note.
#[test]
fn repeated_header_rows_are_dropped_with_a_note() {
    let (out, err) = read(
        "twice.csv",
        "id,name,amount\nid,name,amount\nid,name,amount\n1,a,10\n2,b,20\n",
    );
    assert_eq!(out, "id,name,amount\n1,a,10\n2,b,20\n");
    assert!(
        err.contains("2 lines repeat the header (the first is line 2): dropped"),
        "{err}"
    );

    let (out, err) = read(
        "cat.csv",
        "id,name,amount\n1,a,10\n2,b,20\nid,name,amount\n3,c,30\n",
    );
    assert_eq!(out, "id,name,amount\n1,a,10\n2,b,20\n3,c,30\n");
    assert!(err.contains("line 4 repeats the header: dropped"), "{err}");
}

/// A second table of another width (`file_multitable_less/more`), after a new header
/// or a blank line: the first table is read, and the note says where the second
/// starts and how to read it.
#[test]
fn a_second_table_is_left_out_with_a_note_naming_its_line() {
    let mut text = lines_of(6, 0);
    text.push_str("code,label\nA,alpha\nB,beta\nC,gamma\n");
    let (out, err) = read("two.csv", &text);
    assert_eq!(out, lines_of(6, 0));
    assert!(
        err.contains(
            "line 8 starts a second table (a new header, 2 fields, not 3): it and the lines after it are not read; pass --skip-lines 7 to read that table instead"
        ),
        "{err}"
    );

    let mut text = lines_of(6, 0);
    text.push_str("\n7,8,9,10\n11,12,13,14\n");
    let (out, err) = read("blank.csv", &text);
    assert_eq!(out, lines_of(6, 0));
    assert!(
        err.contains("line 9 starts a second table (after a blank line, 4 fields, not 3)"),
        "{err}"
    );

    // Rows of text split by a comma in a name look like a header of a wider table;
    // two of them are malformed rows, set aside, and the rows after them are read.
    let mut text = String::from("name,email,city\n");
    for i in 0..60 {
        if i == 30 {
            text.push_str("Smith, John,js@x.com,Paris\nDoe, Jane,jd@x.com,Rome\n");
        }
        text.push_str(&format!("person{i},p{i}@x.com,Town{i}\n"));
    }
    let (out, err) = read("names.csv", &text);
    assert_eq!(out.lines().count(), 61, "{out}");
    assert!(out.ends_with("person59,p59@x.com,Town59\n"), "{out}");
    assert!(!err.contains("second table"), "{err}");
    assert!(
        err.contains("line 33: expected 3 fields, found 4 (\"Doe, Jane,jd@x.com,Rome\")"),
        "{err}"
    );
}

/// A preamble as wide as the table (`file_preamble`: a title in the first cell, then a
/// row of empty cells) is skipped and shown.
#[test]
fn a_preamble_as_wide_as_the_table_is_skipped() {
    let mut text = String::from("Sales report,,\n,,\n");
    text.push_str(&lines_of(5, 0));
    let (out, err) = read("preamble.csv", &text);
    assert_eq!(out, lines_of(5, 0));
    assert!(
        err.contains("skipped 2 preamble line(s) before the header: \"Sales report,,\", \",,\""),
        "{err}"
    );
}

/// Fields separated by a comma and a space (`file_field_delimiter_0x2C_0x20`): the
/// spaces are not part of the values, and a quote after `, ` opens a quoted field.
#[test]
fn a_comma_and_a_space_separate_fields() {
    let (out, err) = read(
        "spaced.csv",
        "id, name, note\n1, \"Smith, Ann\", ok\n2, Bob, \"say \"\"hi\"\"\"\n3, Cy, \n",
    );
    assert_eq!(
        out,
        "id,name,note\n1,\"Smith, Ann\",ok\n2,Bob,\"say \"\"hi\"\"\"\n3,Cy,\n"
    );
    assert!(
        err.contains(
            "nearly every ',' outside quotes is followed by a space: the spaces after it are not part of the values"
        ),
        "{err}"
    );

    // Commas in prose are followed by spaces too: a file that semicolons split
    // consistently keeps its delimiter and its text.
    let (out, err) = read(
        "semicolons.csv",
        "id;note\n1;red, green, blue\n2;one, two\n3;this, that\n",
    );
    assert_eq!(
        out,
        "id,note\n1,\"red, green, blue\"\n2,\"one, two\"\n3,\"this, that\"\n"
    );
    assert!(err.contains("delimiter ';'"), "{err}");
}

/// A stray quote opening a quoted field (`row_extra_quote`): the `csv` crate and polars
/// split such a field differently (polars refused the file), so the rows go through the
/// normalised copy; the field keeps its text and the quote, and the note names the line.
#[test]
fn a_stray_quote_is_read_as_text_with_a_note() {
    let mut text = String::from("id,url,amount\n");
    for i in 1..=30 {
        let url = if i == 5 {
            "\"\"https://x/5\"".to_string()
        } else {
            format!("\"https://x/{i}\"")
        };
        text.push_str(&format!("{i},{url},{}\n", i * 10));
    }
    let (out, err) = read("stray.csv", &text);
    assert!(
        out.contains("\n4,https://x/4,40\n5,\"https://x/5\"\"\",50\n6,https://x/6,60\n"),
        "{out}"
    );
    assert!(
        err.contains("1 quoted field(s) in the sampled rows have text after their closing quote, a stray quote (the first on line 6)"),
        "{err}"
    );

    // Past the sniffed first MiB the row check finds it, and the file is read again
    // through the normalised copy (polars refused it with no line).
    let mut text = String::from("id,url,amount\n");
    for i in 1..=60_000 {
        let url = if i == 50_000 {
            "\"\"https://x/50000\"".to_string()
        } else {
            format!("\"https://x/{i}\"")
        };
        text.push_str(&format!("{i},{url},{i}\n"));
    }
    let (out, err) = read("late.csv", &text);
    assert!(
        out.contains("\n50000,\"https://x/50000\"\"\",50000\n"),
        "{err}"
    );
    assert_eq!(out.lines().count(), 60_001);
    assert!(
        err.contains(
            "line 50001 has a quoted field with text after its closing quote, a stray quote"
        ),
        "{err}"
    );
}

/// `wort run` of `steps` over `text` into `out` (its extension picks the format): the
/// output's text (CSV) or its table as `wort sql` prints it (Parquet).
fn run_into(steps: &str, text: &str, out: &str) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, out, stderr) = run_in(dir.path(), steps, "in.csv", text, out);
    assert_eq!(code, Some(0), "{stderr}");
    if out.extension().is_some_and(|e| e == "csv") {
        return std::fs::read_to_string(&out).expect("output");
    }
    let o = wort()
        .arg("sql")
        .arg(&out)
        .args(["SELECT * FROM data", "--format", "csv"])
        .output()
        .expect("sql");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A CSV output reads like its CSV input where nothing changed it: dates in the format
/// they were read in (Pollock's clean files compare text), while a date a step made, or
/// Parquet, has the date type's own form.
#[test]
fn a_csv_output_writes_dates_in_the_format_they_were_read_in() {
    let text =
        "id,day,seen\n1,28/01/2018,2018-01-28 10:00:00\n2,03/02/2019,2019-02-03 11:30:05\n3,,\n";
    assert_eq!(
        run_into("[]", text, "out.csv"),
        "id,day,seen\n1,28/01/2018,2018-01-28 10:00:00\n2,03/02/2019,2019-02-03 11:30:05\n3,,\n"
    );
    // A date the recipe made is written as an ISO date; the column read is as it was.
    assert_eq!(
        run_into(
            r#"[{"op": "derive", "expr": "day", "column": "next"}]"#,
            text,
            "out.csv"
        ),
        "id,day,seen,next\n1,28/01/2018,2018-01-28 10:00:00,2018-01-28\n2,03/02/2019,2019-02-03 11:30:05,2019-02-03\n3,,,\n"
    );
    let parquet = run_into("[]", text, "out.parquet");
    assert!(parquet.contains("1,2018-01-28,"), "{parquet}");
}

/// A file without a header is written without one while its columns are the names
/// wort made up; once a step names a column, the header says so.
#[test]
fn a_headerless_input_gives_a_headerless_output_until_a_column_is_named() {
    let text = "1,ann,2.5\n2,bo,3\n3,cy,4\n";
    assert_eq!(
        run_into("[]", text, "out.csv"),
        "1,ann,2.5\n2,bo,3.0\n3,cy,4.0\n"
    );
    assert_eq!(
        run_into(
            r#"[{"op": "rename", "column": "column_2", "to": "name"}]"#,
            text,
            "out.csv"
        ),
        "column_1,name,column_3\n1,ann,2.5\n2,bo,3.0\n3,cy,4.0\n"
    );
}
