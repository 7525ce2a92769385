//! The recipe file format: JSON round trips (proptest), errors, the JSON Schema.

use proptest::prelude::*;
use wort::recipe::{Recipe, Step};
use wort::transform::{OneOrMany, Op, columns, missing, outliers, privacy, rows, text};

fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_ ]{0,12}"
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (name(), name()).prop_map(|(column, to)| Op::Rename(columns::Rename { column, to })),
        prop::collection::vec(name(), 1..4).prop_map(|c| Op::Drop(columns::Drop {
            columns: OneOrMany::Many(c)
        })),
        (name(), any::<bool>()).prop_map(|(c, d)| Op::Sort(columns::Sort {
            by: OneOrMany::One(c),
            descending: Some(columns::BoolOrMany::One(d)),
        })),
        name().prop_map(|c| Op::Filter(rows::Filter {
            keep: Some(format!("{c} > 1")),
            remove: None
        })),
        (name(), any::<i32>()).prop_map(|(column, v)| Op::FillMissing(missing::FillMissing {
            column,
            strategy: missing::FillStrategy::Value,
            value: Some(serde_json::json!(v)),
        })),
        (name(), ".{0,8}", ".{0,8}", any::<bool>()).prop_map(|(column, pattern, with, regex)| {
            Op::Replace(text::Replace {
                column,
                pattern,
                with,
                regex,
            })
        }),
        (name(), 0.5f64..10.0).prop_map(|(column, t)| Op::Outliers(outliers::Outliers {
            column,
            method: outliers::Method::Iqr,
            threshold: Some(t),
            action: outliers::Action::Clip,
            to: None,
        })),
        (name(), 0usize..5, 0usize..5).prop_map(|(column, keep_first, keep_last)| {
            Op::Mask(privacy::Mask {
                column,
                keep_first,
                keep_last,
                char: Some("#".into()),
            })
        }),
        (name(), proptest::option::of(".{0,10}"))
            .prop_map(|(column, salt)| Op::Hash(privacy::Hash { column, salt })),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (
        op(),
        proptest::option::of("[a-z]+ = 1"),
        proptest::option::of(".{0,20}"),
        any::<bool>(),
    )
        .prop_map(|(op, condition, comment, disabled)| Step {
            op,
            condition,
            comment,
            disabled,
        })
}

proptest! {
    #[test]
    fn recipes_round_trip_through_json(
        steps in prop::collection::vec(step(), 0..8),
        description in proptest::option::of(".{0,30}"),
    ) {
        let recipe = Recipe { wort_recipe: 1, description, steps, ..Recipe::default() };
        let json = recipe.to_json();
        let back = Recipe::parse(&json, "roundtrip").expect("parses");
        prop_assert_eq!(back, recipe);
    }
}

#[test]
fn every_op_name_parses_from_its_documented_example() {
    let examples = [
        r#"{"op":"rename","column":"a","to":"b"}"#,
        r#"{"op":"drop","columns":["a"]}"#,
        r#"{"op":"select","columns":["a","b"]}"#,
        r#"{"op":"duplicate","column":"a","to":"b"}"#,
        r#"{"op":"move","column":"a","to_index":0}"#,
        r#"{"op":"cast","column":"a","to":"int"}"#,
        r#"{"op":"sort","by":"a","descending":true}"#,
        r#"{"op":"filter","keep":"a > 1"}"#,
        r#"{"op":"dedupe"}"#,
        r#"{"op":"fill_missing","column":"a","strategy":"median"}"#,
        r#"{"op":"drop_missing"}"#,
        r#"{"op":"flag_missing","column":"a","to":"a_missing"}"#,
        r#"{"op":"upper","column":"a"}"#,
        r#"{"op":"lower","column":"a"}"#,
        r#"{"op":"title","column":"a"}"#,
        r#"{"op":"sentence","column":"a"}"#,
        r#"{"op":"trim","column":"a","collapse":true}"#,
        r#"{"op":"replace","column":"a","pattern":"x","with":"y","regex":false}"#,
        r#"{"op":"extract","column":"a","pattern":"(\\d+)","to":"n"}"#,
        r#"{"op":"split","column":"a","delimiter":"-","into":["x","y"]}"#,
        r#"{"op":"merge","columns":["a","b"],"separator":" ","to":"ab"}"#,
        r#"{"op":"add_prefix","column":"a","text":"x"}"#,
        r#"{"op":"add_suffix","column":"a","text":"x"}"#,
        r#"{"op":"derive","column":"c","expr":"a / b * 60"}"#,
        r#"{"op":"parse_date","column":"a","format":"%d/%m/%Y"}"#,
        r#"{"op":"format_date","column":"a","format":"%Y"}"#,
        r#"{"op":"date_part","column":"a","part":"quarter","to":"q"}"#,
        r#"{"op":"outliers","column":"a","method":"zscore","threshold":3,"action":"remove"}"#,
        r#"{"op":"hash","column":"a","salt":"s"}"#,
        r#"{"op":"mask","column":"a","keep_first":1,"keep_last":2,"char":"*"}"#,
        r#"{"op":"join","right":"planes.csv","on":"tailnum","how":"left"}"#,
        r#"{"op":"union","paths":["more.csv"]}"#,
        r#"{"op":"sql","query":"SELECT a, COUNT(*) AS n FROM data GROUP BY a"}"#,
        r#"{"op":"aggregate","by":"a","aggs":[{"fn":"count","to":"n"}]}"#,
        r#"{"op":"pivot","index":"a","columns":"b","values":"c","fn":"sum"}"#,
        r#"{"op":"unpivot","columns":["a","b"],"name":"k","value":"v"}"#,
        r#"{"op":"window","fn":"rank","order_by":"a","to":"r"}"#,
        r#"{"op":"unnest","column":"a","prefix":"a_"}"#,
        r#"{"op":"explode","column":"a"}"#,
        r#"{"op":"sample","fraction":0.1}"#,
        r#"{"op":"head","n":10}"#,
        r#"{"op":"tail","n":10}"#,
        r#"{"op":"pad","column":"code","length":8,"fill":"0"}"#,
        r#"{"op":"substring","column":"email","start":3,"length":4,"to":"em"}"#,
        r#"{"op":"left","column":"city","n":3,"to":"city3"}"#,
        r#"{"op":"right","column":"code","n":3,"to":"num"}"#,
        r#"{"op":"repeat","column":"tags","times":2,"to":"tags2"}"#,
        r#"{"op":"reverse","column":"email"}"#,
        r#"{"op":"split_part","column":"tags","delimiter":"|","part":2,"to":"second"}"#,
        r#"{"op":"extract_all","column":"note","pattern":"[a-z]+","separator":"/"}"#,
        r#"{"op":"count_matches","column":"tags","pattern":"\\|","to":"bars"}"#,
        r#"{"op":"matches","column":"email","pattern":"example\\.com$","to":"is_example"}"#,
        r#"{"op":"contains","column":"note","value":"a","to":"has_a"}"#,
        r#"{"op":"starts_with","column":"code","value":"A-","to":"a_code"}"#,
        r#"{"op":"ends_with","column":"email","value":".com","to":"dotcom"}"#,
        r#"{"op":"find","column":"email","value":"@","to":"at"}"#,
        r#"{"op":"length","column":"note","to":"note_len"}"#,
        r#"{"op":"char_code","column":"name","to":"first"}"#,
        r#"{"op":"remove_punctuation","column":"note"}"#,
        r#"{"op":"remove_special","column":"email","to":"clean"}"#,
        r#"{"op":"remove_digits","column":"code"}"#,
        r#"{"op":"remove_letters","column":"code","to":"digits"}"#,
        r#"{"op":"remove_whitespace","column":"name","to":"squeezed"}"#,
        r#"{"op":"remove_quotes","column":"note"}"#,
        r#"{"op":"remove_non_ascii","column":"name"}"#,
        r#"{"op":"remove_control","column":"note"}"#,
        r#"{"op":"remove_chars","column":"tags","chars":"|"}"#,
        r#"{"op":"collapse_whitespace","column":"name"}"#,
        r#"{"op":"strip_accents","column":"name"}"#,
        r#"{"op":"normalize_unicode","column":"name","form":"NFKC","to":"n2"}"#,
        r#"{"op":"parse_number","column":"raw_num","to":"n"}"#,
    ];
    // Each example parses as its op, and every op has one.
    let mut named = std::collections::BTreeSet::new();
    for ex in examples {
        let text = format!("{{\"wort_recipe\":1,\"steps\":[{ex}]}}");
        let r = Recipe::parse(&text, "t").unwrap_or_else(|e| panic!("{ex}: {e}"));
        let name = r.steps[0].op.name();
        assert!(
            ex.contains(&format!("\"op\":\"{name}\"")),
            "{ex} parsed as {name}"
        );
        named.insert(name);
    }
    let missing: Vec<&&str> = Op::NAMES.iter().filter(|n| !named.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "ops without an example here (add one, and document them in README): {missing:?}"
    );
}

#[test]
fn readme_documents_every_op() {
    let readme = std::fs::read_to_string(super::root().join("README.md")).expect("README");
    for op in Op::NAMES {
        assert!(
            readme.contains(&format!("`{op}`")),
            "README does not document `{op}`"
        );
    }
}

#[test]
fn format_errors_are_plain() {
    let err = Recipe::parse("{\"steps\": []}", "r.json")
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing \"wort_recipe\": 1"), "{err}");
    let err = Recipe::parse("{\"wort_recipe\": 2, \"steps\": []}", "r.json")
        .unwrap_err()
        .to_string();
    assert!(err.contains("reads version 1"), "{err}");
    let err = Recipe::parse("{\"wort_recipe\": 1, \"steps\": [", "r.json")
        .unwrap_err()
        .to_string();
    assert!(err.contains("r.json is not valid JSON"), "{err}");
    let err = Recipe::parse(
        r#"{"wort_recipe": 1, "steps": [{"op":"upper"}, {"op":"sort","by":"a","descending":"yes"}]}"#,
        "r.json",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("step 1 (upper): missing field `column`"),
        "{err}"
    );
    assert!(err.contains("step 2 (sort)"), "{err}");
}
