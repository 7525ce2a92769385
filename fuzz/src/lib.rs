//! What each fuzz target checks. Every function takes arbitrary bytes, drives one of
//! wort's entry points with them and panics only when wort breaks a promise: a panic
//! of its own, an overflow, or a round trip that does not give back what went in.
//! Errors are expected and fine; they must be values.
//!
//! The cargo-fuzz targets in `fuzz_targets/` call these functions, and the stable
//! test `tests/it/fuzz_corpus.rs` replays every file of `corpus/<target>/` through
//! them in the normal `cargo test`.

use polars::prelude::{DataType, Field, Schema, TimeUnit};
use wort::quality::dqdl;
use wort::recipe::{Recipe, validate};
use wort::source::scan::{Keep, ScanOptions, normalize, scan};
use wort::source::sniff::{Dialect, sniff};
use wort::source::{DialectOverrides, Escape, LineEnding};

/// The columns recipes, imports and SQL are checked against: one of each type the
/// steps care about, and a name that needs quoting.
pub fn schema() -> Schema {
    Schema::from_iter([
        Field::new("id".into(), DataType::Int64),
        Field::new("name".into(), DataType::String),
        Field::new("price".into(), DataType::Float64),
        Field::new("qty".into(), DataType::Int32),
        Field::new("day".into(), DataType::Date),
        Field::new(
            "ts".into(),
            DataType::Datetime(TimeUnit::Microseconds, None),
        ),
        Field::new("flag".into(), DataType::Boolean),
        Field::new("Body Mass (g)".into(), DataType::Float64),
        Field::new("tags".into(), DataType::List(Box::new(DataType::String))),
    ])
}

const DELIMITERS: [u8; 8] = [b',', b'\t', b';', b'|', b':', b' ', b'#', b'"'];

/// Bytes 0 and 1 choose the dialect overrides and scan options; the rest is the file.
/// The file is sniffed (as lossy UTF-8, the way wort decodes it), then its raw bytes
/// are scanned and normalised with the sniffed dialect and with a dialect built from
/// the option bytes (combinations the sniffer never picks). Normalised output must be
/// standard CSV that scans back without a bad row.
pub fn sniff_scan(data: &[u8]) {
    let [which, value, file @ ..] = data else {
        return;
    };
    let (which, value) = (*which, *value);
    let pick = |shift: u8, n: usize| (value >> shift) as usize % n;
    let quote = [None, Some(b'"'), Some(b'\'')][pick(2, 3)];
    let escape = [Escape::Doubled, Escape::Backslash, Escape::None][pick(4, 3)];
    let overrides = DialectOverrides {
        delimiter: (which & 1 != 0).then(|| DELIMITERS[pick(0, DELIMITERS.len())]),
        quote: (which & 2 != 0).then_some(quote),
        escape: (which & 4 != 0).then_some(escape),
        has_header: (which & 8 != 0).then_some(value & 0x40 != 0),
        skip_lines: (which & 16 != 0).then_some(pick(6, 4)),
    };
    let text = String::from_utf8_lossy(file);
    let truncated = which & 32 != 0;
    let opts = ScanOptions {
        expected_fields: 0,
        max_rows: (which & 64 != 0).then_some(u64::from(value % 8)),
        stop_at_first_bad: which & 128 != 0,
        refuse_unreadable: value & 2 != 0,
        keep: match value % 3 {
            0 => None,
            1 => Some(Keep::Random {
                n: pick(3, 5),
                seed: u64::from(value),
                raw: value & 1 != 0,
            }),
            _ => Some(Keep::Last {
                n: pick(3, 5),
                raw: value & 1 != 0,
            }),
        },
    };
    if let Ok(sniffed) = sniff(&text, truncated, &overrides) {
        let d = &sniffed.dialect;
        assert_eq!(
            sniffed.preamble.len(),
            d.preamble_lines,
            "the preamble text is not one string per skipped line: {sniffed:?}"
        );
        assert!(d.field_count >= 1, "a dialect without columns: {sniffed:?}");
        if let Some(delimiter) = overrides.delimiter {
            assert_eq!(
                d.delimiter, delimiter,
                "the delimiter override was not kept"
            );
        }
        if let Some(skip) = overrides.skip_lines {
            assert_eq!(d.preamble_lines, skip, "--skip-lines was not kept");
        }
        let opts = ScanOptions {
            expected_fields: d.field_count,
            ..opts.clone()
        };
        scan_and_normalize(file, d, &opts);
    }
    let made = Dialect {
        delimiter: overrides.delimiter.unwrap_or(b','),
        quote,
        escape,
        has_header: value & 0x40 != 0,
        preamble_lines: pick(6, 4),
        line_ending: [LineEnding::Lf, LineEnding::CrLf, LineEnding::Cr][pick(1, 3)],
        bom: file.starts_with("\u{feff}".as_bytes()),
        field_count: pick(5, 4),
        space_after_delimiter: value & 4 != 0,
    };
    let opts = ScanOptions {
        expected_fields: made.field_count,
        ..opts
    };
    scan_and_normalize(file, &made, &opts);
}

fn scan_and_normalize(file: &[u8], dialect: &Dialect, opts: &ScanOptions) {
    let scanned = scan(file, dialect, opts);
    let mut out = Vec::new();
    let normalized = normalize(file, dialect, opts, &mut out);
    match (&scanned, &normalized) {
        (Ok(a), Ok(b)) => assert_eq!(
            (a.rows, a.bad_rows),
            (b.rows, b.bad_rows),
            "scan and normalize disagree"
        ),
        (Err(_), Err(_)) => {}
        _ => panic!("scan gave {scanned:?} but normalize gave {normalized:?}"),
    }
    let Ok(result) = normalized else { return };
    for bad in &result.first_bad {
        assert!(bad.line >= 1, "bad row at line 0: {bad}");
        let _ = bad.to_string();
    }
    if let Some(kept) = &result.kept {
        assert!(
            kept.windows(2).all(|w| w[0].0 < w[1].0),
            "kept rows out of order: {kept:?}"
        );
    }
    assert!(
        std::str::from_utf8(&out).is_ok(),
        "normalised output is not UTF-8"
    );
    // The normalised text is standard CSV with the same records.
    let standard = Dialect {
        delimiter: b',',
        quote: Some(b'"'),
        escape: Escape::Doubled,
        has_header: false,
        preamble_lines: 0,
        line_ending: LineEnding::Lf,
        bom: false,
        field_count: dialect.field_count,
        space_after_delimiter: false,
    };
    let again = scan(
        out.as_slice(),
        &standard,
        &ScanOptions {
            expected_fields: dialect.field_count,
            max_rows: None,
            stop_at_first_bad: false,
            refuse_unreadable: false,
            keep: None,
        },
    )
    .expect("normalised output scans");
    assert_eq!(
        again.bad_rows, 0,
        "normalised output has bad rows: {again:?}"
    );
    if dialect.field_count > 0 {
        let header = u64::from(dialect.has_header);
        assert!(
            again.rows >= result.rows && again.rows <= result.rows + header,
            "normalised output has {} records for {} rows",
            again.rows,
            result.rows
        );
    }
}

/// DQDL text: parsing never panics; an error points at a line and column of the text;
/// whatever parses prints to text that parses back to the same rules, and printing is
/// idempotent; the JSON form round-trips.
pub fn dqdl(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match dqdl::parse(&text) {
        Ok(rs) => {
            let printed = dqdl::print(&rs);
            let again = match dqdl::parse(&printed) {
                Ok(again) => again,
                Err(e) => panic!(
                    "printed rules do not parse: {}\n--- input\n{text}",
                    e.render(&printed)
                ),
            };
            assert_eq!(again, rs, "print then parse changed the rules:\n{printed}");
            assert_eq!(dqdl::print(&again), printed, "printing is not idempotent");
            let json = serde_json::to_string(&rs).expect("rules serialise");
            // serde_json stops reading at 128 levels of nesting, and a long `+` chain
            // nests one level per term; wort itself never reads this form back.
            match serde_json::from_str::<dqdl::Ruleset>(&json) {
                Ok(back) => assert_eq!(back, rs, "the JSON form does not round-trip"),
                Err(e) if e.to_string().starts_with("recursion limit exceeded") => {}
                Err(e) => panic!("the JSON form of the rules does not read back: {e}"),
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "error outside the text: {e}");
            let _ = e.render(&text);
        }
    }
    if let Err(e) = dqdl::parse_rule(&text) {
        let _ = e.render(&text);
    }
}

/// Recipe JSON: parsing never panics; a parsed recipe validates (or gives problems)
/// against [`schema`], and its JSON parses back to the same recipe.
pub fn recipe(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(recipe) = Recipe::parse(&text, "fuzz.json") else {
        return;
    };
    if let Err(problems) = validate(&recipe, &schema()) {
        assert!(!problems.is_empty(), "validation failed without a problem");
        for p in problems {
            let _ = p.to_string();
        }
    }
    let json = recipe.to_json();
    match Recipe::parse(&json, "fuzz.json") {
        Ok(again) => assert_eq!(again, recipe, "the recipe JSON does not round-trip"),
        Err(e) => panic!("a recipe's own JSON does not parse: {e}\n{json}"),
    }
}

/// DataBrew recipe JSON: parsing never panics; the import (with and without a schema)
/// is a recipe whose JSON wort reads back, and that validates or gives problems.
pub fn databrew(data: &[u8]) {
    use wort::export::databrew;
    let text = String::from_utf8_lossy(data);
    let Ok(steps) = databrew::parse_steps(&text) else {
        return;
    };
    let schema = schema();
    for known in [None, Some(&schema)] {
        let imported = databrew::import(&steps, known);
        for u in &imported.unmapped {
            let _ = u.to_string();
        }
        let json = databrew::imported_recipe_json(&imported, "fuzz.json");
        let recipe = match Recipe::parse(&json, "fuzz.json") {
            Ok(r) => r,
            Err(e) => panic!("an imported recipe does not parse: {e}\n{json}"),
        };
        assert_eq!(
            recipe.steps, imported.recipe.steps,
            "import JSON lost steps"
        );
        let _ = validate(&recipe, &schema);
    }
}

/// A `where`/`derive` SQL expression and a CustomSql query: the guard and polars'
/// parser never panic or overflow the stack; they refuse or accept with a value.
pub fn sql(data: &[u8]) {
    use wort::guard::sql as guard;
    let text = String::from_utf8_lossy(data);
    let schema = schema();
    let checked = wort::transform::check_sql(&text, &schema);
    if let Err(e) = &checked {
        assert!(!e.is_empty(), "an empty SQL error");
    }
    if checked.is_ok() {
        assert!(
            wort::transform::parse_sql(&text).is_ok(),
            "check_sql accepts what parse_sql refuses"
        );
    }
    let _ = guard::check_expr(&text);
    let _ = guard::check_depth(&text);
    let _ = guard::check_query(&text, Some(&["data", "reference"]));
    let _ = guard::check_query(&text, None);
}
