//! Inputs read once (standard input, FIFOs, /dev/stdin) and wide text (UTF-16, UTF-32):
//! spooled or decoded to a temporary file, then read as usual.

use std::io::Write;
use std::path::Path;

use crate::{wort, write};

const CSV: &str = "name,city,n\nJosé,Straße,1\n日本,東京,2\nAnn,Oslo,3\n";
const RECIPE: &str = r#"{"wort_recipe": 1, "steps": [{"op": "filter", "keep": "n >= 2"}]}"#;

fn text_of(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The rows of a CSV output, as text.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("output")
}

#[test]
fn standard_input_as_dash_is_read() {
    let out = wort()
        .args(["inspect", "-"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("standard input"), "{all}");
    assert!(all.contains("3 rows"), "{all}");
    assert!(all.contains("city"), "{all}");
}

#[test]
fn run_reads_the_data_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = write(dir.path(), "r.json", RECIPE);
    let out = dir.path().join("out.csv");
    let res = wort()
        .arg("run")
        .arg(&recipe)
        .arg("-")
        .arg("-o")
        .arg(&out)
        .write_stdin(CSV)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", text_of(&res));
    assert_eq!(read(&out), "name,city,n\n日本,東京,2\nAnn,Oslo,3\n");
}

#[test]
fn standard_input_from_a_file_is_read_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let out = wort()
        .args(["inspect", "-"])
        .pipe_stdin(&input)
        .unwrap()
        .output()
        .unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("input  standard input: CSV") && all.contains("3 rows"),
        "{all}"
    );
}

#[test]
fn gzip_on_standard_input_is_still_gzip() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(CSV.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let out = wort()
        .args(["inspect", "-"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("gzip"), "{all}");
    assert!(all.contains("3 rows"), "{all}");
}

#[test]
fn dev_stdin_is_read_once() {
    let out = wort()
        .args(["inspect", "/dev/stdin"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("3 rows"), "{all}");
}

#[test]
fn a_fifo_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("data.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let recipe = write(dir.path(), "r.json", RECIPE);
    let out = dir.path().join("out.csv");
    let writer = {
        let fifo = fifo.clone();
        // Opening a FIFO for writing waits for its reader.
        std::thread::spawn(move || std::fs::write(fifo, CSV).unwrap())
    };
    let res = wort()
        .arg("run")
        .arg(&recipe)
        .arg(&fifo)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    writer.join().unwrap();
    assert!(res.status.success(), "{}", text_of(&res));
    assert_eq!(read(&out), "name,city,n\n日本,東京,2\nAnn,Oslo,3\n");
}

#[test]
fn profile_and_check_read_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(dir.path(), "r.dqdl", "Rules = [ RowCount = 3 ]\n");
    let res = wort()
        .arg("check")
        .arg("--rules")
        .arg(&rules)
        .arg("-")
        .write_stdin(CSV)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", text_of(&res));
    let res = wort()
        .args(["profile", "-"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    let all = text_of(&res);
    assert!(res.status.success(), "{all}");
    assert!(all.contains("city"), "{all}");
}

#[test]
fn standard_input_twice_and_in_the_workbench_is_refused() {
    let out = wort()
        .args(["inspect", "-", "-"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text_of(&out).contains("can be read only once"),
        "{}",
        text_of(&out)
    );
    let out = wort()
        .args(["open", "-"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text_of(&out).contains("cannot read data from standard input"),
        "{}",
        text_of(&out)
    );
}

fn encode(text: &str, name: &str, bom: bool) -> Vec<u8> {
    let s = if bom {
        format!("\u{feff}{text}")
    } else {
        text.to_string()
    };
    let mut out = Vec::new();
    match name {
        "UTF-16LE" => s.encode_utf16().for_each(|u| out.extend(u.to_le_bytes())),
        "UTF-16BE" => s.encode_utf16().for_each(|u| out.extend(u.to_be_bytes())),
        "UTF-32LE" => s.chars().for_each(|c| out.extend((c as u32).to_le_bytes())),
        "UTF-32BE" => s.chars().for_each(|c| out.extend((c as u32).to_be_bytes())),
        _ => unreachable!("{name}"),
    }
    out
}

#[test]
fn utf16_and_utf32_are_detected_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = write(dir.path(), "r.json", RECIPE);
    for name in ["UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"] {
        for bom in [true, false] {
            let input = write(dir.path(), "in.csv", encode(CSV, name, bom));
            let res = wort().arg("inspect").arg(&input).output().unwrap();
            let all = text_of(&res);
            assert!(res.status.success(), "{name} {bom}: {all}");
            let said = if bom {
                format!("{name} (BOM), decoded to UTF-8")
            } else {
                format!("{name}, decoded to UTF-8")
            };
            assert!(all.contains(&said), "{name} {bom}: {all}");
            let out = dir.path().join("out.csv");
            let res = wort()
                .arg("run")
                .arg(&recipe)
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .output()
                .unwrap();
            assert!(res.status.success(), "{name} {bom}: {}", text_of(&res));
            assert_eq!(
                read(&out),
                "name,city,n\n日本,東京,2\nAnn,Oslo,3\n",
                "{name} {bom}"
            );
        }
    }
}

#[test]
fn utf16_on_standard_input_and_in_gzip() {
    let bytes = encode(CSV, "UTF-16LE", true);
    let out = wort()
        .args(["inspect", "-"])
        .write_stdin(bytes.clone())
        .output()
        .unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("UTF-16LE (BOM)"), "{all}");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv.gz", gz.finish().unwrap());
    let out = wort().arg("inspect").arg(&input).output().unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("gzip") && all.contains("UTF-16LE"), "{all}");
    assert!(all.contains("Straße") || all.contains("3 rows"), "{all}");
}

#[test]
fn utf16_ndjson_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"a\":\"Straße\",\"b\":1}\n{\"a\":\"日本\",\"b\":2}\n";
    let input = write(dir.path(), "in.ndjson", encode(text, "UTF-16BE", false));
    let recipe = write(dir.path(), "r.json", r#"{"wort_recipe": 1, "steps": []}"#);
    let out = dir.path().join("out.csv");
    let res = wort()
        .arg("run")
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let all = text_of(&res);
    assert!(res.status.success(), "{all}");
    assert!(all.contains("NDJSON, UTF-16BE, decoded to UTF-8"), "{all}");
    assert_eq!(read(&out), "a,b\nStraße,1\n日本,2\n");
}

#[test]
fn broken_utf16_names_the_byte_not_latin1() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = encode("a,b\n1,2\n", "UTF-16LE", true);
    // A high surrogate followed by a letter: not UTF-16.
    bytes.extend([0x00, 0xD8, b'x', 0x00]);
    let input = write(dir.path(), "in.csv", bytes);
    let out = wort().arg("inspect").arg(&input).output().unwrap();
    let all = text_of(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("invalid UTF-16LE text at byte 18"), "{all}");
    assert!(!all.contains("latin1"), "{all}");
}

#[test]
fn export_takes_its_sample_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = write(dir.path(), "r.json", RECIPE);
    let out = wort()
        .arg("export")
        .arg(&recipe)
        .args(["--to", "sql", "--input", "-"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    let all = text_of(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("`name` STRING, `city` STRING, `n` BIGINT"),
        "{all}"
    );
}
