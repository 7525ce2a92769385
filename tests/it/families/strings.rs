//! The strings steps: text functions (pad, substring, left, right, repeat, reverse,
//! extract_all, count_matches, matches, contains, starts_with, ends_with, find, length,
//! char_code) and text cleaning (remove_*, collapse_whitespace, strip_accents,
//! normalize_unicode, parse_number).

use std::path::Path;

use polars::prelude::*;

use crate::export::Case;
use crate::{apply, problems, strings};

/// Spark parity cases over the messy file (`export::MESSY`): (name, recipe steps).
pub const CASES: &[(&str, &str)] = &[
    (
        "pad_sides",
        r##"[{"op": "pad", "column": "code", "length": 8, "fill": "0"},
        {"op": "pad", "column": "city", "length": 10, "side": "both", "fill": "*", "to": "city_c"},
        {"op": "pad", "column": "name", "length": 12, "side": "right", "fill": ".", "where": "id > 5"}]"##,
    ),
    (
        "substring_from_and_for",
        r##"[{"op": "substring", "column": "email", "start": 3, "length": 4, "to": "em"},
        {"op": "substring", "column": "code", "start": 3}, {"op": "substring", "column": "city", "start": 20, "length": 2, "to": "far"}]"##,
    ),
    (
        "left_n",
        r##"[{"op": "left", "column": "city", "n": 3, "to": "city3"}, {"op": "left", "column": "name", "n": 0, "where": "id < 4"}]"##,
    ),
    (
        "right_n",
        r##"[{"op": "right", "column": "code", "n": 3, "to": "num"}, {"op": "right", "column": "note", "n": 50}]"##,
    ),
    (
        "repeat_times",
        r##"[{"op": "repeat", "column": "tags", "times": 2, "to": "tags2"}, {"op": "repeat", "column": "code", "times": 0, "where": "id = 2"}]"##,
    ),
    (
        "reverse_text",
        r##"[{"op": "reverse", "column": "email"}, {"op": "reverse", "column": "note", "to": "eton"}]"##,
    ),
    (
        "split_part_pieces",
        r##"[{"op": "split_part", "column": "tags", "delimiter": "|", "part": 2, "to": "second"},
        {"op": "split_part", "column": "tags", "delimiter": "|", "part": -1, "to": "last"},
        {"op": "split_part", "column": "email", "delimiter": "@", "part": 2, "where": "id > 4"}]"##,
    ),
    (
        "extract_all_joined",
        r##"[{"op": "extract_all", "column": "note", "pattern": "[a-z]+", "separator": "/"},
        {"op": "extract_all", "column": "email", "pattern": "\\w+", "to": "parts"}]"##,
    ),
    (
        "count_matches_in_place_and_to",
        r##"[{"op": "count_matches", "column": "tags", "pattern": "\\|", "to": "bars"},
        {"op": "count_matches", "column": "name", "pattern": "[aeiou]", "where": "id > 3"}]"##,
    ),
    (
        "matches_regex",
        r##"[{"op": "matches", "column": "email", "pattern": "example\\.com$", "to": "is_example"},
        {"op": "matches", "column": "note", "pattern": "(?i)^c"}]"##,
    ),
    (
        "contains_value",
        r##"[{"op": "contains", "column": "note", "value": "a", "to": "has_a"}]"##,
    ),
    (
        "starts_with_value",
        r##"[{"op": "starts_with", "column": "code", "value": "A-", "to": "a_code"}, {"op": "starts_with", "column": "email", "value": "a.b", "to": "dotty"}]"##,
    ),
    (
        "ends_with_value",
        r##"[{"op": "ends_with", "column": "email", "value": ".com", "to": "dotcom"},
        {"op": "ends_with", "column": "name", "value": "e", "where": "active"}]"##,
    ),
    (
        "find_position",
        r##"[{"op": "find", "column": "email", "value": "@", "to": "at"}, {"op": "find", "column": "name", "value": "a"}]"##,
    ),
    (
        "length_chars",
        r##"[{"op": "length", "column": "note", "to": "note_len"}, {"op": "length", "column": "name", "where": "id <> 3"}]"##,
    ),
    (
        "char_code_first",
        r##"[{"op": "char_code", "column": "name", "to": "first"}, {"op": "char_code", "column": "note"}]"##,
    ),
    (
        "remove_punctuation_note",
        r##"[{"op": "remove_punctuation", "column": "note"}, {"op": "remove_punctuation", "column": "email", "to": "e2"}]"##,
    ),
    (
        "remove_special_email",
        r##"[{"op": "remove_special", "column": "email", "to": "clean"}, {"op": "remove_special", "column": "note"}]"##,
    ),
    (
        "remove_digits_code",
        r##"[{"op": "remove_digits", "column": "code"}]"##,
    ),
    (
        "remove_letters_code",
        r##"[{"op": "remove_letters", "column": "code", "to": "digits"}]"##,
    ),
    (
        "remove_whitespace_name",
        r##"[{"op": "remove_whitespace", "column": "name", "to": "squeezed"}, {"op": "remove_whitespace", "column": "note", "where": "id < 9"}]"##,
    ),
    (
        "remove_quotes_note",
        r##"[{"op": "remove_quotes", "column": "note"}, {"op": "remove_quotes", "column": "name", "to": "n2"}]"##,
    ),
    (
        "remove_non_ascii_name",
        r##"[{"op": "remove_non_ascii", "column": "name"}]"##,
    ),
    (
        "remove_control_note",
        r##"[{"op": "remove_control", "column": "note"}, {"op": "remove_control", "column": "name", "to": "n2"}]"##,
    ),
    (
        "remove_chars_set",
        r##"[{"op": "remove_chars", "column": "tags", "chars": "|"},
        {"op": "remove_chars", "column": "code", "chars": "-0]^\\", "to": "c2"}]"##,
    ),
    (
        "collapse_whitespace_name",
        r##"[{"op": "collapse_whitespace", "column": "name"}, {"op": "collapse_whitespace", "column": "note", "to": "note1"}]"##,
    ),
    (
        "strip_accents_name",
        r##"[{"op": "strip_accents", "column": "name", "where": "id > 2"}]"##,
    ),
    (
        "normalize_unicode_name",
        r##"[{"op": "normalize_unicode", "column": "name", "form": "NFKC", "to": "n2"}]"##,
    ),
    (
        "parse_number_raw",
        r##"[{"op": "parse_number", "column": "raw_num", "to": "n"},
        {"op": "parse_number", "column": "raw_num", "decimal": ",", "where": "id > 10"}]"##,
    ),
];

/// Text from many scripts, accents composed and decomposed, full-width forms,
/// ligatures, Unicode spaces and numbers written for people.
pub const INTL: &str = "id,text,money\n\
1,Crème brûlée à Zürich,\"€ 1.234,50\"\n\
2,東京都 渋谷区 3丁目,\"¥1.000\"\n\
3,Ｆｕｌｌ　ｗｉｄｔｈ ﬁ ²,(12%)\n\
4,naïve café — «quoted» ‘x’,-£5\n\
5,한국어 텍스트!,\"1 000,5\"\n\
6,e\u{301}te\u{301} de\u{301}compose\u{301},\n\
7,Ærøskøbing 123 ٣ ¿qué?,NA\n\
8,\"  tabs\tand\u{a0}nbsp  \",\"12,5 %\"\n";

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(dir: &Path) -> Vec<Case> {
    let intl = crate::write(dir, "intl.csv", INTL);
    let case = |name: &str, steps: &str| {
        Case::new(
            name,
            format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}"),
            vec![intl.clone()],
        )
    };
    vec![
        case(
            "strings_intl_unicode",
            r##"[{"op": "strip_accents", "column": "text", "to": "plain"},
            {"op": "normalize_unicode", "column": "text", "form": "NFC", "to": "nfc"},
            {"op": "normalize_unicode", "column": "text", "form": "NFD", "to": "nfd"},
            {"op": "normalize_unicode", "column": "text", "form": "NFKC", "to": "nfkc"},
            {"op": "normalize_unicode", "column": "text", "form": "NFKD", "to": "nfkd"},
            {"op": "length", "column": "nfd", "to": "nfd_len"},
            {"op": "remove_non_ascii", "column": "text", "to": "ascii"}]"##,
        ),
        case(
            "strings_intl_classes",
            r##"[{"op": "remove_punctuation", "column": "text", "to": "no_punct"},
            {"op": "remove_special", "column": "text", "to": "no_special"},
            {"op": "remove_digits", "column": "text", "to": "no_digits"},
            {"op": "remove_letters", "column": "text", "to": "no_letters"},
            {"op": "remove_whitespace", "column": "text", "to": "no_space"},
            {"op": "remove_quotes", "column": "text", "to": "no_quotes"},
            {"op": "remove_chars", "column": "text", "chars": "é東-", "to": "no_chars"},
            {"op": "remove_control", "column": "text", "to": "no_control"},
            {"op": "split_part", "column": "text", "delimiter": " ", "part": -2, "to": "piece"},
            {"op": "collapse_whitespace", "column": "text", "to": "collapsed"},
            {"op": "extract_all", "column": "text", "pattern": "\\p{L}+", "separator": "|", "to": "words"},
            {"op": "count_matches", "column": "text", "pattern": "\\w+", "to": "n_words"},
            {"op": "matches", "column": "text", "pattern": "\\d", "to": "has_digit"}]"##,
        ),
        case(
            "strings_intl_positions",
            r##"[{"op": "length", "column": "text", "to": "len"},
            {"op": "left", "column": "text", "n": 4, "to": "l4"},
            {"op": "right", "column": "text", "n": 4, "to": "r4"},
            {"op": "substring", "column": "text", "start": 2, "length": 5, "to": "mid"},
            {"op": "pad", "column": "text", "length": 16, "side": "both", "fill": "·", "to": "padded"},
            {"op": "reverse", "column": "text", "to": "rev"},
            {"op": "repeat", "column": "money", "times": 3, "to": "rep"},
            {"op": "find", "column": "text", "value": "é", "to": "at_e"},
            {"op": "contains", "column": "text", "value": "ü", "to": "has_u"},
            {"op": "starts_with", "column": "text", "value": "東京", "to": "tokyo"},
            {"op": "ends_with", "column": "text", "value": "?", "to": "asks"},
            {"op": "char_code", "column": "text", "to": "code"}]"##,
        ),
        case(
            "parse_number_intl",
            r##"[{"op": "parse_number", "column": "money", "decimal": ",", "to": "eu"},
            {"op": "parse_number", "column": "money", "to": "us"}]"##,
        ),
    ]
}

fn frame(values: &[Option<&str>]) -> DataFrame {
    df!("s" => values.iter().map(|v| v.map(str::to_string)).collect::<Vec<_>>()).expect("frame")
}

/// One step over the column `s` of `values`: the column `out` as display strings.
fn run(values: &[Option<&str>], step: &str, out: &str) -> Vec<String> {
    let df = apply(&frame(values), &format!("[{step}]")).expect("applies");
    strings(&df, out)
}

const WORDS: &[Option<&str>] = &[Some("abc"), Some("Crème"), Some(""), None, Some("東京都")];

/// (step over the column `s`, the column it writes, the values it gives for WORDS).
const POSITIONS: &[(&str, &str, [&str; 5])] = &[
    (
        r#"{"op": "pad", "column": "s", "length": 5, "fill": "0"}"#,
        "s",
        ["00abc", "Crème", "00000", "null", "00東京都"],
    ),
    (
        r#"{"op": "pad", "column": "s", "length": 6, "side": "both", "fill": "*"}"#,
        "s",
        ["*abc**", "Crème*", "******", "null", "*東京都**"],
    ),
    // Longer text is not cut (unlike Spark's rpad).
    (
        r#"{"op": "pad", "column": "s", "length": 2, "side": "right"}"#,
        "s",
        ["abc", "Crème", "  ", "null", "東京都"],
    ),
    (
        r#"{"op": "substring", "column": "s", "start": 2, "length": 2}"#,
        "s",
        ["bc", "rè", "", "null", "京都"],
    ),
    (
        r#"{"op": "substring", "column": "s", "start": 4}"#,
        "s",
        ["", "me", "", "null", ""],
    ),
    (
        r#"{"op": "left", "column": "s", "n": 2}"#,
        "s",
        ["ab", "Cr", "", "null", "東京"],
    ),
    (
        r#"{"op": "right", "column": "s", "n": 2}"#,
        "s",
        ["bc", "me", "", "null", "京都"],
    ),
    (
        r#"{"op": "right", "column": "s", "n": 0}"#,
        "s",
        ["", "", "", "null", ""],
    ),
    (
        r#"{"op": "repeat", "column": "s", "times": 2}"#,
        "s",
        ["abcabc", "CrèmeCrème", "", "null", "東京都東京都"],
    ),
    (
        r#"{"op": "reverse", "column": "s"}"#,
        "s",
        ["cba", "emèrC", "", "null", "都京東"],
    ),
    (
        r#"{"op": "length", "column": "s", "to": "n"}"#,
        "n",
        ["3", "5", "0", "null", "3"],
    ),
    (
        r#"{"op": "find", "column": "s", "value": "m", "to": "n"}"#,
        "n",
        ["0", "4", "0", "null", "0"],
    ),
    (
        r#"{"op": "find", "column": "s", "value": "都", "to": "n"}"#,
        "n",
        ["0", "0", "0", "null", "3"],
    ),
    (
        r#"{"op": "char_code", "column": "s", "to": "n"}"#,
        "n",
        ["97", "67", "null", "null", "26481"],
    ),
];

#[test]
fn positions_count_characters_not_bytes() {
    for (step, out, want) in POSITIONS {
        assert_eq!(run(WORDS, step, out), want, "{step}");
    }
}

/// (step over `s` writing `d`, the values it gives for "a1 b22 c333", "none", null, "").
const TESTS: &[(&str, [&str; 4])] = &[
    (
        r#"{"op": "extract_all", "column": "s", "pattern": "[0-9]+", "to": "d"}"#,
        ["1, 22, 333", "", "null", ""],
    ),
    (
        r#"{"op": "count_matches", "column": "s", "pattern": "[0-9]", "to": "d"}"#,
        ["6", "0", "null", "0"],
    ),
    (
        r#"{"op": "matches", "column": "s", "pattern": "^a\\d", "to": "d"}"#,
        ["true", "false", "null", "false"],
    ),
    (
        r#"{"op": "contains", "column": "s", "value": "b2", "to": "d"}"#,
        ["true", "false", "null", "false"],
    ),
    (
        r#"{"op": "starts_with", "column": "s", "value": "no", "to": "d"}"#,
        ["false", "true", "null", "false"],
    ),
    (
        r#"{"op": "ends_with", "column": "s", "value": "33", "to": "d"}"#,
        ["true", "false", "null", "false"],
    ),
];

#[test]
fn matches_and_tests() {
    let vals = &[Some("a1 b22 c333"), Some("none"), None, Some("")];
    for (step, want) in TESTS {
        assert_eq!(run(vals, step, "d"), want, "{step}");
    }
}

#[test]
fn split_part_counts_pieces_from_either_end() {
    let vals = &[Some("a|b||d"), Some("solo"), Some(""), None];
    let cases: &[(i32, [&str; 4])] = &[
        (1, ["a", "solo", "", "null"]),
        (3, ["", "", "", "null"]),
        (4, ["d", "", "", "null"]),
        (5, ["", "", "", "null"]),
        (-1, ["d", "solo", "", "null"]),
        (-4, ["a", "", "", "null"]),
        (-5, ["", "", "", "null"]),
    ];
    for (part, want) in cases {
        let step =
            format!(r#"{{"op": "split_part", "column": "s", "delimiter": "|", "part": {part}}}"#);
        assert_eq!(run(vals, &step, "s"), want, "part {part}");
    }
    assert_eq!(
        run(
            &[Some("a\tb\r\nc\u{0}d é")],
            r#"{"op": "remove_control", "column": "s"}"#,
            "s"
        ),
        ["abcd é"]
    );
}

#[test]
fn in_place_with_where_changes_type_and_nulls_the_rest() {
    let df = df!("id" => [1i64, 2, 3], "s" => ["aa", "bbb", "c"]).expect("frame");
    let out = apply(
        &df,
        r#"[{"op": "length", "column": "s", "where": "id >= 2"}]"#,
    )
    .expect("applies");
    assert_eq!(out.column("s").expect("s").dtype(), &DataType::Int64);
    assert_eq!(strings(&out, "s"), ["null", "3", "1"]);
    // Into a text column the rows outside `where` keep their value.
    let out = apply(
        &df,
        r#"[{"op": "left", "column": "s", "n": 1, "to": "s", "where": "id >= 2"}]"#,
    )
    .expect("applies");
    assert_eq!(strings(&out, "s"), ["aa", "b", "c"]);
}

#[test]
fn cleaning_classes_are_unicode() {
    let vals = &[
        Some("Hé, «là»! ¿Qué? $5 + 3 = 8 ٣"),
        Some("  a \t b\u{a0}\u{3000}c  "),
        Some("it’s “quoted” 'x'"),
        None,
    ];
    let cases: &[(&str, [&str; 4])] = &[
        (
            "remove_punctuation",
            [
                "Hé là Qué $5 + 3 = 8 ٣",
                "  a \t b\u{a0}\u{3000}c  ",
                "its quoted x",
                "null",
            ],
        ),
        (
            "remove_special",
            [
                "Hé là Qué 5  3  8 ٣",
                "  a \t b\u{a0}\u{3000}c  ",
                "its quoted x",
                "null",
            ],
        ),
        (
            "remove_digits",
            [
                "Hé, «là»! ¿Qué? $ +  =  ",
                "  a \t b\u{a0}\u{3000}c  ",
                "it’s “quoted” 'x'",
                "null",
            ],
        ),
        (
            "remove_letters",
            [
                ", «»! ¿? $5 + 3 = 8 ٣",
                "   \t \u{a0}\u{3000}  ",
                "’ “” ''",
                "null",
            ],
        ),
        (
            "remove_whitespace",
            ["Hé,«là»!¿Qué?$5+3=8٣", "abc", "it’s“quoted”'x'", "null"],
        ),
        (
            "collapse_whitespace",
            [
                "Hé, «là»! ¿Qué? $5 + 3 = 8 ٣",
                "a b c",
                "it’s “quoted” 'x'",
                "null",
            ],
        ),
        (
            "remove_quotes",
            [
                "Hé, là! ¿Qué? $5 + 3 = 8 ٣",
                "  a \t b\u{a0}\u{3000}c  ",
                "its quoted x",
                "null",
            ],
        ),
        (
            "remove_non_ascii",
            [
                "H, l! Qu? $5 + 3 = 8 ",
                "  a \t bc  ",
                "its quoted 'x'",
                "null",
            ],
        ),
    ];
    for (op, want) in cases {
        let step = format!(r#"{{"op": "{op}", "column": "s"}}"#);
        assert_eq!(run(vals, &step, "s"), want, "{op}");
    }
    assert_eq!(
        run(
            &[Some("a-b]c^d\\e東f"), None],
            r#"{"op": "remove_chars", "column": "s", "chars": "-]^\\東"}"#,
            "s"
        ),
        ["abcdef", "null"]
    );
    // A decomposed accent goes with its letter.
    assert_eq!(
        run(
            &[Some("e\u{301}1")],
            r#"{"op": "remove_letters", "column": "s"}"#,
            "s"
        ),
        ["1"]
    );
}

#[test]
fn accents_and_normal_forms() {
    let vals = &[
        Some("Crème brûlée"),
        Some("e\u{301}"),
        Some("ﬁ Ａ²"),
        Some("ø 東京"),
        None,
    ];
    let r = |step: &str| run(vals, step, "s");
    assert_eq!(
        r(r#"{"op": "strip_accents", "column": "s"}"#),
        ["Creme brulee", "e", "ﬁ Ａ²", "ø 東京", "null"]
    );
    assert_eq!(
        r(r#"{"op": "normalize_unicode", "column": "s", "form": "NFC"}"#),
        ["Crème brûlée", "é", "ﬁ Ａ²", "ø 東京", "null"]
    );
    assert_eq!(
        r(r#"{"op": "normalize_unicode", "column": "s", "form": "NFKC"}"#),
        ["Crème brûlée", "é", "fi A2", "ø 東京", "null"]
    );
    let nfd = r(r#"{"op": "normalize_unicode", "column": "s", "form": "NFD"}"#);
    assert_eq!(nfd[0], "Cre\u{300}me bru\u{302}le\u{301}e");
    let nfkd = r(r#"{"op": "normalize_unicode", "column": "s", "form": "NFKD"}"#);
    assert_eq!(nfkd[2], "fi A2");
}

#[test]
fn parse_number_reads_money_percent_and_parentheses() {
    let vals = &[
        Some("$1,234.50"),
        Some("(12)"),
        Some("15%"),
        Some(" -€3 "),
        Some("1e3"),
        Some("n/a"),
        Some(""),
        None,
    ];
    let df = apply(
        &frame(vals),
        r#"[{"op": "parse_number", "column": "s", "to": "n"}]"#,
    )
    .expect("applies");
    assert_eq!(df.column("n").expect("n").dtype(), &DataType::Float64);
    assert_eq!(
        strings(&df, "n"),
        [
            "1234.5", "-12.0", "0.15", "-3.0", "1000.0", "null", "null", "null"
        ]
    );
    let df = apply(
        &frame(&[Some("1.234,5"), Some("12,5 %"), Some("1 000")]),
        r#"[{"op": "parse_number", "column": "s", "decimal": ","}]"#,
    )
    .expect("applies");
    assert_eq!(strings(&df, "s"), ["1234.5", "0.125", "1000.0"]);
}

#[test]
fn parse_number_failures_are_counted_in_the_run_summary() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = crate::write(dir.path(), "in.csv", "v,w\n$5,x\nabc,y\n,z\n(2),1\nxyz,\n");
    let recipe = crate::write(
        dir.path(),
        "r.json",
        r#"{"wort_recipe": 1, "steps": [{"op": "parse_number", "column": "v"},
        {"op": "parse_number", "column": "w", "where": "v > 0"}]}"#,
    );
    let out = dir.path().join("out.csv");
    let o = crate::wort()
        .args(["run"])
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.contains("2 values of v that are not numbers became null"),
        "{text}"
    );
    // Only the rows inside `where` (v > 0: the first) are converted and counted.
    assert!(
        text.contains("1 values of w that are not numbers became null")
            || text.contains("1 value of w that are not numbers became null"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("output"),
        "v,w\n5.0,\n,\n,\n-2.0,\n,\n"
    );
}

#[test]
fn bad_parameters_are_named() {
    let df = df!("s" => ["a"], "n" => [1i64]).expect("frame");
    let p = |steps: &str| problems(&df, steps).join("\n");
    assert!(
        p(r#"[{"op": "pad", "column": "s", "length": 0}]"#)
            .contains("\"length\" is 0; it must be 1 to 10000")
    );
    assert!(
        p(r#"[{"op": "pad", "column": "s", "length": 3, "fill": "ab"}]"#)
            .contains("\"fill\" is \"ab\"; it must be exactly one character")
    );
    assert!(
        p(r#"[{"op": "pad", "column": "s", "length": 3, "side": "middle"}]"#)
            .contains("unknown variant `middle`")
    );
    assert!(
        p(r#"[{"op": "substring", "column": "s", "start": 0}]"#)
            .contains("\"start\" is 0; positions start at 1")
    );
    assert!(
        p(r#"[{"op": "repeat", "column": "s", "times": 100000}]"#)
            .contains("\"times\" is 100000; it must be 0 to 10000")
    );
    assert!(
        p(r#"[{"op": "left", "column": "n", "n": 1}]"#).contains("column \"n\" is int, not text")
    );
    assert!(p(r#"[{"op": "left", "column": "x", "n": 1}]"#).contains("no column \"x\""));
    assert!(p(r#"[{"op": "length", "column": "s", "to": "n2"}, {"op": "length", "column": "s", "to": "s2"}]"#).is_empty());
    assert!(
        p(r#"[{"op": "left", "column": "s", "n": 1, "to": "n"}]"#)
            .contains("\"to\": column \"n\" is int and this step gives text")
    );
    assert!(
        p(r#"[{"op": "left", "column": "s", "n": 1, "to": " "}]"#)
            .contains("\"to\" must name a column")
    );
    assert!(
        p(r#"[{"op": "count_matches", "column": "s", "pattern": "a*"}]"#)
            .contains("matches empty text")
    );
    assert!(
        p(r#"[{"op": "extract_all", "column": "s", "pattern": "(a"}]"#)
            .contains("is not a valid regular expression")
    );
    assert!(
        p(r#"[{"op": "contains", "column": "s", "value": ""}]"#).contains("\"value\" is empty")
    );
    assert!(p(r#"[{"op": "find", "column": "s", "value": ""}]"#).contains("\"value\" is empty"));
    assert!(
        p(r#"[{"op": "normalize_unicode", "column": "s", "form": "NFX"}]"#)
            .contains("unknown variant `NFX`")
    );
    assert!(
        p(r#"[{"op": "parse_number", "column": "s", "decimal": ";"}]"#)
            .contains("unknown variant `;`")
    );
    assert!(
        p(r#"[{"op": "remove_digits", "column": "s", "extra": 1}]"#)
            .contains("unknown field `extra`")
    );
}

#[test]
fn empty_frame_keeps_types() {
    let df = frame(&[]);
    let out = apply(
        &df,
        r#"[{"op": "length", "column": "s", "to": "n"}, {"op": "parse_number", "column": "s", "to": "f"},
        {"op": "contains", "column": "s", "value": "x", "to": "b"}, {"op": "pad", "column": "s", "length": 3}]"#,
    )
    .expect("applies");
    assert_eq!(out.height(), 0);
    assert_eq!(out.column("n").expect("n").dtype(), &DataType::Int64);
    assert_eq!(out.column("f").expect("f").dtype(), &DataType::Float64);
    assert_eq!(out.column("b").expect("b").dtype(), &DataType::Boolean);
}

#[test]
fn airport_names_agree_with_duckdb() {
    let test = "strings::airport_names_agree_with_duckdb";
    let Some(py) = crate::duckdb_python(test) else {
        return;
    };
    let Some(airports) = crate::nycflights(test, "airports") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let recipe = crate::write(
        dir.path(),
        "r.json",
        r##"{"wort_recipe": 1, "steps": [
        {"op": "length", "column": "name", "to": "len"},
        {"op": "left", "column": "name", "n": 5, "to": "l5"},
        {"op": "right", "column": "name", "n": 7, "to": "r7"},
        {"op": "substring", "column": "name", "start": 3, "length": 4, "to": "mid"},
        {"op": "find", "column": "name", "value": "Air", "to": "at"},
        {"op": "starts_with", "column": "name", "value": "San", "to": "san"},
        {"op": "ends_with", "column": "name", "value": "Airport", "to": "airport"},
        {"op": "contains", "column": "name", "value": "Intl", "to": "intl"},
        {"op": "reverse", "column": "name", "to": "rev"},
        {"op": "pad", "column": "name", "length": 30, "fill": "#", "to": "padded"},
        {"op": "count_matches", "column": "name", "pattern": "[A-Z]", "to": "caps"},
        {"op": "remove_whitespace", "column": "name", "to": "nospace"}]}"##,
    );
    let out = dir.path().join("out.parquet");
    let o = crate::wort()
        .arg("run")
        .arg(&recipe)
        .arg(&airports)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = r#"
import sys, duckdb
con = duckdb.connect()
con.execute("CREATE TABLE a AS SELECT faa, name FROM read_csv(?, all_varchar=true)", [sys.argv[1]])
con.execute("CREATE TABLE w AS SELECT * FROM read_parquet(?)", [sys.argv[2]])
total = con.execute("SELECT count(*) FROM a JOIN w USING (faa)").fetchone()[0]
bad = con.execute('''
SELECT count(*) FROM a JOIN w USING (faa) WHERE
  w.len IS DISTINCT FROM length(a.name)
  OR w.l5 IS DISTINCT FROM left(a.name, 5)
  OR w.r7 IS DISTINCT FROM right(a.name, 7)
  OR w.mid IS DISTINCT FROM substring(a.name, 3, 4)
  OR w.at IS DISTINCT FROM instr(a.name, 'Air')
  OR w.san IS DISTINCT FROM starts_with(a.name, 'San')
  OR w.airport IS DISTINCT FROM ends_with(a.name, 'Airport')
  OR w.intl IS DISTINCT FROM contains(a.name, 'Intl')
  OR w.rev IS DISTINCT FROM reverse(a.name)
  OR w.padded IS DISTINCT FROM CASE WHEN length(a.name) >= 30 THEN a.name ELSE lpad(a.name, 30, '#') END
  OR w.caps IS DISTINCT FROM length(regexp_replace(a.name, '[^A-Z]', '', 'g'))
  OR w.nospace IS DISTINCT FROM regexp_replace(a.name, '\s', '', 'g')
''').fetchone()[0]
long = con.execute("SELECT count(*) FROM a WHERE length(name) >= 30").fetchone()[0]
print(total, bad, long)
"#;
    let printed = crate::run_python(&py, script, &[airports.as_os_str(), out.as_os_str()]);
    let nums: Vec<u64> = printed
        .split_whitespace()
        .map(|n| n.parse().expect("a count"))
        .collect();
    assert!(nums[0] > 1400, "airports joined: {printed}");
    assert_eq!(nums[1], 0, "rows where wort and DuckDB differ: {printed}");
    assert!(
        nums[2] > 10,
        "some names are longer than the pad length: {printed}"
    );
}

#[test]
fn databrew_text_functions_import() {
    let dir = tempfile::tempdir().expect("tmp");
    let brew = crate::write(
        dir.path(),
        "brew.json",
        r#"[
  {"Action": {"Operation": "LEFT", "Parameters": {"sourceColumn": "city", "position": "3", "targetColumn": "city_left"}}},
  {"Action": {"Operation": "SUBSTRING", "Parameters": {"sourceColumn": "name", "startPosition": "5", "endPosition": "8", "targetColumn": "chars_5_through_8"}}},
  {"Action": {"Operation": "REPEAT_STRING", "Parameters": {"count": 3, "sourceColumn": "name", "targetColumn": "thrice"}}},
  {"Action": {"Operation": "ENDS_WITH", "Parameters": {"sourceColumn": "price", "pattern": "US\\$", "targetColumn": "dollars"}}},
  {"Action": {"Operation": "STARTS_WITH", "Parameters": {"sourceColumn": "nationality", "pattern": "[AEIOU]", "targetColumn": "vowel"}}},
  {"Action": {"Operation": "LEN", "Parameters": {"sourceColumn": "name", "targetColumn": "n"}}}
]"#,
    );
    let out = dir.path().join("recipe.json");
    let o = crate::wort()
        .arg("import")
        .arg(&brew)
        .arg("-o")
        .arg(&out)
        .arg("--partial")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr
            .contains("\"[AEIOU]\" is a regular expression; wort's starts_with takes literal text"),
        "{stderr}"
    );
    let recipe: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("recipe")).expect("json");
    let steps: Vec<serde_json::Value> = recipe["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.as_object_mut().expect("object").remove("comment");
            s
        })
        .collect();
    assert_eq!(
        steps,
        [
            serde_json::json!({"op": "left", "column": "city", "n": 3, "to": "city_left"}),
            serde_json::json!({"op": "substring", "column": "name", "start": 5, "length": 4, "to": "chars_5_through_8"}),
            serde_json::json!({"op": "repeat", "column": "name", "times": 3, "to": "thrice"}),
            serde_json::json!({"op": "ends_with", "column": "price", "value": "US$", "to": "dollars"}),
            serde_json::json!({"op": "length", "column": "name", "to": "n"}),
        ]
    );
}
