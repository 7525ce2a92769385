//! Every DataBrew operation the importer claims imports to steps that run.

use super::*;
use crate::{wort, write};

/// The DataBrew operation names the sources name (quoted upper-case words in the
/// transform modules): what the importer can claim.
fn claimed_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for dir in [
        root().join("src/transform"),
        root().join("src/transform/target"),
    ] {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                for piece in text.split('"').skip(1).step_by(2) {
                    if piece.len() > 1 && piece.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                    {
                        names.insert(piece.to_string());
                    }
                }
            }
        }
    }
    let steps: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"Action": {{"Operation": "{n}", "Parameters": {{}}}}}}"#))
        .collect();
    let parsed = databrew::parse_steps(&format!("[{}]", steps.join(","))).expect("parses");
    let imported = databrew::import(&parsed, None);
    let unclaimed: BTreeSet<&str> = imported
        .unmapped
        .iter()
        .filter(|u| u.reason == "no wort equivalent")
        .map(|u| u.operation.as_str())
        .collect();
    names.retain(|n| !unclaimed.contains(n.as_str()));
    names
}

/// The DataBrew operations wort's own export writes for the parity cases (each of
/// them imported back and run by `databrew_round_trip_of_every_mapped_step`).
fn exported_names() -> BTreeSet<String> {
    let schema = messy_schema();
    let mut names = BTreeSet::new();
    for (_, steps) in all_cases() {
        for alone in steps_alone(steps, &schema) {
            if let Ok((json, _)) = databrew::export(&alone.one, Some(&alone.schema), false) {
                for s in databrew::parse_steps(&json).expect("own export parses") {
                    names.insert(s.action.operation.clone());
                }
            }
        }
    }
    names
}

/// A DataBrew recipe using each operation that wort imports but never writes (the
/// others are exported, imported back and run for every parity case), as a DataBrew
/// user would have it: sourceColumn names, S3 locations of the other datasets.
const IMPORT_ONLY: &str = r#"[
{"Action": {"Operation": "MOVE_TO_START", "Parameters": {"sourceColumn": "email"}}},
{"Action": {"Operation": "MOVE_TO_END", "Parameters": {"sourceColumn": "id"}}},
{"Action": {"Operation": "MOVE_AFTER", "Parameters": {"sourceColumn": "note", "targetColumn": "name"}}},
{"Action": {"Operation": "MOVE_BEFORE", "Parameters": {"sourceColumn": "tags", "targetColumn": "city"}}},
{"Action": {"Operation": "TO_NUMBER_COLUMN", "Parameters": {"sourceColumn": "raw_num"}}},
{"Action": {"Operation": "TO_DOUBLE_COLUMN", "Parameters": {"sourceColumn": "qty"}}},
{"Action": {"Operation": "TO_STRING_COLUMN", "Parameters": {"sourceColumn": "id"}}},
{"Action": {"Operation": "TO_BOOLEAN_COLUMN", "Parameters": {"sourceColumn": "active"}}},
{"Action": {"Operation": "ADD_SUFFIX", "Parameters": {"sourceColumn": "code", "pattern": "!"}}},
{"Action": {"Operation": "EXTRACT_PATTERN", "Parameters": {"sourceColumn": "email", "pattern": "@.*$", "targetColumn": "domain"}}},
{"Action": {"Operation": "DATE_FORMAT", "Parameters": {"sourceColumn": "joined", "targetColumn": "joined_us", "dateTimeFormat": "mm/dd/yyyy"}}},
{"Action": {"Operation": "HOUR", "Parameters": {"sourceColumn": "seen_at", "targetColumn": "seen_hour"}}},
{"Action": {"Operation": "FILL_WITH_MOST_FREQUENT", "Parameters": {"sourceColumn": "city"}}},
{"Action": {"Operation": "MERGE_COLUMNS_AND_VALUES", "Parameters": {"sourceColumns": "[\"name\",\"city\"]", "delimiter": " / ", "targetColumn": "who"}}},
{"Action": {"Operation": "REMOVE_DUPLICATES", "Parameters": {"sourceColumn": "who"}}},
{"Action": {"Operation": "JOIN", "Parameters": {"joinKeys": "[{\"key\":\"city\",\"value\":\"town\"}]", "joinType": "LEFT_JOIN", "secondInputLocation": "s3://lake/ref/states.csv", "secondaryDatasetName": "states"}}},
{"Action": {"Operation": "UNION", "Parameters": {"datasetsColumns": "[[\"id\",\"who\",\"state\"],[\"id\",\"who\",null]]", "secondaryInputs": "[{\"S3InputDefinition\":{\"Bucket\":\"lake\",\"Key\":\"late/more.csv\"}}]", "targetColumnNames": "[\"id\",\"who\",\"state\"]"}}}
]"#;

#[test]
fn every_claimed_databrew_operation_imports_and_runs() {
    let claimed = claimed_names();
    let exported = exported_names();
    let steps = databrew::parse_steps(IMPORT_ONLY).expect("parses");
    let here: BTreeSet<String> = steps.iter().map(|s| s.action.operation.clone()).collect();
    let missing: Vec<&String> = claimed
        .iter()
        .filter(|n| !exported.contains(*n) && !here.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "claimed but neither exported nor in IMPORT_ONLY: {missing:?}"
    );
    let run: BTreeSet<&String> = exported.iter().chain(&here).collect();
    assert!(
        run.len() >= 80,
        "only {} DataBrew operations run",
        run.len()
    );
    eprintln!("DataBrew operations imported and run: {}", run.len());

    // The import-only ones, imported by `wort import` and run by `wort run`.
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "messy.csv", MESSY);
    write(
        dir.path(),
        "states.csv",
        "town,state\nboston,MA\nchicago,IL\nnew york,NY\n",
    );
    write(dir.path(), "more.csv", "id,who\nX21,zoe / boston\n");
    let brew = write(dir.path(), "brew.json", IMPORT_ONLY);
    let recipe = dir.path().join("recipe.json");
    wort()
        .arg("import")
        .arg(&brew)
        .arg("--input")
        .arg(&data)
        .arg("-o")
        .arg(&recipe)
        .assert()
        .success();
    let out = dir.path().join("out.csv");
    wort()
        .arg("run")
        .arg(&recipe)
        .arg(&data)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    // Row 6 (a copy of row 1) is gone; missing cities became the most frequent,
    // "boston" (tied with "new york": the smaller wins); states joined; more.csv's row
    // appended with no state.
    let got = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 1 + 19 + 1, "{got}");
    assert_eq!(lines[0], "id,who,state");
    assert_eq!(lines[1], "1,  alice  smith  / new york,NY");
    assert_eq!(lines[2], "2,BOB JONES / boston,MA");
    assert_eq!(lines[6], "7,frank / chicago,IL");
    assert_eq!(lines[8], "9,boston,MA");
    assert_eq!(lines[20], "X21,zoe / boston,");

    // The steps before the join and union: the moves, casts, suffix, extraction, date
    // formatting, hour and merge, seen in the columns they leave.
    let imported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&recipe).unwrap()).unwrap();
    let ops: Vec<&str> = imported["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["op"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "move",
            "move",
            "move",
            "move",
            "cast",
            "cast",
            "cast",
            "cast",
            "add_suffix",
            "extract",
            "duplicate",
            "format_date",
            "date_part",
            "fill_missing",
            "merge",
            "dedupe",
            "join",
            "union",
            "select"
        ]
    );
    let mut head = imported.clone();
    head["steps"].as_array_mut().unwrap().truncate(16);
    let head_recipe = write(dir.path(), "head.json", head.to_string());
    let head_out = dir.path().join("head.csv");
    wort()
        .arg("run")
        .arg(&head_recipe)
        .arg(&data)
        .arg("-o")
        .arg(&head_out)
        .arg("-q")
        .assert()
        .success();
    let got = std::fs::read_to_string(&head_out).unwrap();
    let mut lines = got.lines();
    assert_eq!(
        lines.next(),
        Some(
            "email,name,note,tags,city,amount,qty,joined,joined_us,seen_at,active,code,raw_date,raw_num,raw_iso,id,domain,seen_hour,who"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "alice@example.com,  alice  smith ,Call first; gate,a|b|c,new york,12.5,3.0,2023-01-05,01/05/2023,2023-01-05 10:00:00,true,A-001!,05/01/2023,12.0,2023-01-05,1,@example.com,10,  alice  smith  / new york"
        )
    );
}
