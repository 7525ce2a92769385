//! Messages and summaries a user can trust: SQL quoting advice, losses before they
//! happen.

use crate::{wort, write};

/// `wort run` of the recipe `steps` over `data`, writing `out.csv` in `dir`: the exit
/// code and stderr.
pub(crate) fn run_recipe(
    dir: &std::path::Path,
    data: &str,
    steps: &str,
    extra: &[&str],
) -> (i32, String) {
    let input = write(dir, "in.csv", data);
    let recipe = write(
        dir,
        "r.json",
        format!("{{\"wort_recipe\": 1, \"steps\": {steps}}}"),
    );
    let out = wort()
        .arg("run")
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(dir.join("out.csv"))
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The stderr of a run that must fail with a usage/input error (exit 2).
fn run_err(dir: &std::path::Path, data: &str, steps: &str) -> String {
    let (code, e) = run_recipe(dir, data, steps, &[]);
    assert_eq!(code, 2, "{e}");
    e
}

#[test]
fn sql_with_a_bare_name_holding_spaces_says_to_quote_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = "Body Mass (g),name\n3750,a\n,b\n";
    let e = run_err(
        dir.path(),
        data,
        r#"[{"op": "filter", "keep": "Body Mass (g) IS NOT NULL"}]"#,
    );
    assert!(
        e.contains("a column name with spaces or symbols goes in double quotes: \"Body Mass (g)\""),
        "{e}"
    );
    let e = run_err(
        dir.path(),
        data,
        r#"[{"op": "derive", "column": "kg", "expr": "Body Mass / 1000"}]"#,
    );
    assert!(
        e.contains("goes in double quotes: \"Body Mass (g)\""),
        "{e}"
    );
    // The whole expression in double quotes is one (unknown) column name.
    let e = run_err(
        dir.path(),
        data,
        r#"[{"op": "filter", "keep": "\"name = 'a'\""}]"#,
    );
    assert!(
        e.contains("double quotes name a column: write the expression without the outer quotes (name = 'a')"),
        "{e}"
    );
    // Quoted as advised, it runs.
    let (code, e) = run_recipe(
        dir.path(),
        data,
        r#"[{"op": "filter", "keep": "\"Body Mass (g)\" IS NOT NULL"}]"#,
        &["-q"],
    );
    assert_eq!(code, 0, "{e}");
    let got = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert_eq!(got, "Body Mass (g),name\n3750,a\n");
}

#[test]
fn run_warns_of_large_losses_and_strict_refuses_to_publish() {
    let dir = tempfile::tempdir().unwrap();
    let data = "study,n\nPAL0708,1\nPAL0708,2\nPAL0809,30\nPAL0910,40\n";
    let steps = r#"[{"op": "cast", "column": "study", "to": "int"},
                    {"op": "filter", "keep": "n > 10"}]"#;
    let (code, e) = run_recipe(dir.path(), data, steps, &[]);
    assert_eq!(code, 0, "{e}");
    // The cast is counted over every row, not only those the later filter keeps.
    assert!(
        e.contains("warning  step 1 (cast): 4 of 4 present values of study become missing (100%)"),
        "{e}"
    );
    assert!(
        e.contains("step   1 (cast): 4 values of study that are not int became null"),
        "{e}"
    );
    assert!(
        !e.contains("rows removed (50%)") || !e.contains("warning  step 2"),
        "{e}"
    );
    let before = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    // --strict: nothing published, the old output stays, exit 1.
    let (code, e) = run_recipe(
        dir.path(),
        data,
        r#"[{"op": "cast", "column": "study", "to": "int"}]"#,
        &["--strict"],
    );
    assert_eq!(code, 1, "{e}");
    assert!(
        e.contains("not published: --strict and 1 step loss(es) over the limits"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        before
    );
    // Small losses are no warning, and --strict publishes.
    let data = "v\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nx\n";
    let (code, e) = run_recipe(
        dir.path(),
        data,
        r#"[{"op": "cast", "column": "v", "to": "int"}]"#,
        &["--strict"],
    );
    assert_eq!(code, 0, "{e}");
    assert!(!e.contains("warning"), "{e}");
    assert!(
        e.contains("1 values of v that are not int became null"),
        "{e}"
    );
}

#[test]
fn inspect_says_which_rows_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = String::from("n\n");
    for i in 0..30_000 {
        big.push_str(&format!("{i}\n"));
    }
    let data = write(dir.path(), "big.csv", big);
    let out = crate::stdout_of(wort().arg("inspect").arg(&data).args(["-n", "3"]));
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("rows   the first 3 of the random sample, in file order"),
        "{text}"
    );
    let out = crate::stdout_of(wort().arg("inspect").arg(&data).args([
        "-n",
        "3",
        "--sample",
        "first:100",
    ]));
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("rows   the file's first 3"), "{text}");
    assert!(text.contains("│ 0   │") || text.contains("│ 0 "), "{text}");
}
