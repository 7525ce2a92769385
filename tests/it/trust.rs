//! Messages and summaries a user can trust: SQL quoting advice, losses before they
//! happen.

use crate::{wort, write};

fn run_err(dir: &std::path::Path, data: &str, steps: &str) -> String {
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
        .assert()
        .code(2);
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
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
    let input = write(dir.path(), "in.csv", data);
    let recipe = write(
        dir.path(),
        "ok.json",
        r#"{"wort_recipe": 1, "steps": [{"op": "filter", "keep": "\"Body Mass (g)\" IS NOT NULL"}]}"#,
    );
    wort()
        .arg("run")
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("ok.csv"))
        .arg("-q")
        .assert()
        .success();
    let got = std::fs::read_to_string(dir.path().join("ok.csv")).unwrap();
    assert_eq!(got, "Body Mass (g),name\n3750,a\n");
}
