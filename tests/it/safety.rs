//! What a rules or recipe file can reach: only what the command line names. SQL that
//! reads files, URLs or the environment is refused before it runs; no command writes
//! over what it reads or replaces what is not a regular file; modes follow the umask.

use std::net::TcpListener;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

use predicates::str::contains;

use super::{wort, write};

const DATA: &str = "id,name,amount\n1,ann,5\n2,bob,20\n3,cy,NA\n";
const SECRET: &str = "TOPSECRET-4242\nsecond line\n";

/// A folder with data, a secret file beside it, and a rules file holding `rules`.
fn setup(rules: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let d = write(dir.path(), "d.csv", DATA);
    write(dir.path(), "secret.txt", SECRET);
    let q = write(dir.path(), "q.dqdl", rules);
    (dir, d, q)
}

/// A listener on a free loopback port, for proof that no request was made.
fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.set_nonblocking(true).expect("nonblocking");
    let port = l.local_addr().expect("addr").port();
    (l, port)
}

fn no_connection(l: &TcpListener) {
    match l.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("a request reached the listener: {other:?}"),
    }
}

#[test]
fn custom_sql_that_reads_files_urls_or_the_environment_is_refused_unrun() {
    let (l, port) = listener();
    let cases = [
        ("select count(*) from read_csv('/etc/passwd')".to_string(), "read_csv(…) reads from outside the data"),
        ("select max(column_1) from read_csv('secret.txt')".to_string(), "table functions are not allowed"),
        ("select cast(max(column_1) as int) from read_csv('secret.*')".to_string(), "read_csv"),
        ("select count(*) from read_parquet('secret.txt')".to_string(), "read_parquet"),
        ("select count(*) from read_json('secret.txt')".to_string(), "read_json"),
        (format!("select count(*) from read_csv('http://127.0.0.1:{port}/x.csv')"), "read_csv"),
        ("select count(*) from \"secret.txt\"".to_string(), "the table \"secret.txt\", which is not one wort names"),
        ("select count(*) from other".to_string(), "the table other"),
        ("select count(*) from primary where getenv('HOME') is not null".to_string(), "the function getenv is not allowed"),
        ("select count(*) from primary where id in (select column_1 from read_csv('secret.txt'))".to_string(), "read_csv"),
        ("drop table primary".to_string(), "only a SELECT query may run here"),
    ];
    for (sql, says) in &cases {
        let quoted = sql.replace('"', "\\\"");
        let (dir, d, q) = setup(&format!(
            "Rules = [\n  RowCount > 0,\n  CustomSql \"{quoted}\" > 0\n]\n"
        ));
        let out = wort()
            .current_dir(dir.path())
            .args(["check", d.to_str().unwrap(), "--rules", q.to_str().unwrap()])
            .args(["--format", "json"])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Refused when the rules are read (naming the line), or, for a table name that
        // only the command line can settle, when the rule is evaluated (naming it).
        let text = if stdout.is_empty() {
            assert!(
                stderr.contains("line 3"),
                "{sql}: the rule's line is named: {stderr}"
            );
            stderr.to_string()
        } else {
            let report: serde_json::Value = serde_json::from_str(&stdout).expect("json report");
            let rule = &report["rules"][1];
            assert_eq!(rule["outcome"], "Error", "{sql}: {rule}");
            rule["message"].as_str().unwrap_or_default().to_string()
        };
        assert!(text.contains("is refused"), "{sql}: {text}");
        assert!(text.contains(says), "{sql}: wants {says:?} in {text}");
        for leak in ["TOPSECRET", "root:"] {
            assert!(
                !stdout.contains(leak) && !stderr.contains(leak),
                "{sql}: leaked {leak}"
            );
        }
    }
    no_connection(&l);
}

#[test]
fn custom_sql_reads_primary_and_the_given_references() {
    let (dir, d, q) = setup(
        "Rules = [\n  CustomSql \"select count(*) from primary p join lookup l on p.id = l.id\" = 2\n]\n",
    );
    let lookup = write(dir.path(), "lookup.csv", "id,label\n1,x\n2,y\n");
    wort()
        .args(["check", d.to_str().unwrap(), "--rules", q.to_str().unwrap()])
        .arg("--ref")
        .arg(format!("lookup={}", lookup.display()))
        .assert()
        .success()
        .stdout(contains("1 passed, 0 failed"));
    // Named in the rules, not given: refused at evaluation with the names there are.
    let out = wort()
        .args(["check", d.to_str().unwrap(), "--rules", q.to_str().unwrap()])
        .args(["--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).expect("json report");
    let message = report["rules"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.ends_with("the table lookup, which is not one wort names: primary"),
        "{message}"
    );
}

#[test]
fn where_clauses_in_rules_and_recipes_read_no_table_and_no_file() {
    let (l, port) = listener();
    let bad = [
        format!("id in (select column_1 from read_csv('http://127.0.0.1:{port}/x'))"),
        "id in (select column_1 from read_csv('secret.txt'))".to_string(),
        "getenv('HOME') = 'x'".to_string(),
        "exists (select 1 from primary)".to_string(),
    ];
    for w in &bad {
        // A rule's where clause: refused when the rules are read.
        let (dir, d, q) = setup(&format!(
            "Rules = [\n  IsComplete \"name\" where \"{w}\"\n]\n"
        ));
        wort()
            .current_dir(dir.path())
            .args(["check", d.to_str().unwrap(), "--rules", q.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(contains("line 2"))
            .stderr(contains("the where clause of IsComplete is refused"))
            .stderr(contains("TOPSECRET").not());
        // A recipe step's where, and a filter's SQL: refused before anything runs.
        for step in [
            format!(
                r#"{{"op": "upper", "column": "name", "where": {}}}"#,
                json(w)
            ),
            format!(r#"{{"op": "filter", "keep": {}}}"#, json(w)),
        ] {
            let r = write(
                dir.path(),
                "r.json",
                format!(r#"{{"wort_recipe": 1, "steps": [{step}]}}"#),
            );
            let o = dir.path().join("o.csv");
            wort()
                .current_dir(dir.path())
                .args(["run", r.to_str().unwrap(), d.to_str().unwrap(), "-o"])
                .arg(&o)
                .assert()
                .code(2)
                .stderr(contains("step 1"))
                .stderr(contains("TOPSECRET").not());
            assert!(!o.exists());
            // Exported without a sample to check against: still refused.
            wort()
                .args(["export", r.to_str().unwrap(), "--to", "pyspark"])
                .assert()
                .code(2)
                .stdout("");
        }
    }
    no_connection(&l);
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("json")
}

use predicates::prelude::PredicateBooleanExt;

// ----- the output guard ------------------------------------------------------------

/// A folder with every kind of input a command reads.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path();
        write(p, "d.csv", DATA);
        write(
            p,
            "r.json",
            r#"{"wort_recipe": 1, "steps": [{"op": "upper", "column": "name"}]}"#,
        );
        write(p, "q.dqdl", "Rules = [ RowCount > 0 ]\n");
        write(p, "lookup.csv", "id,label\n1,x\n");
        write(
            p,
            "brew.json",
            r#"[{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}}]"#,
        );
        std::fs::create_dir(p.join("g")).expect("mkdir");
        write(&p.join("g"), "a1.csv", DATA);
        std::fs::create_dir(p.join("sub")).expect("mkdir");
        Files { dir }
    }

    fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `name` reached another way: as written, through `sub/..`, a symlink, a hard link.
    fn via(&self, name: &str, how: &str) -> PathBuf {
        let target = self.p(name);
        let ext = Path::new(name).extension().unwrap().to_str().unwrap();
        match how {
            "plain" => target,
            "dotdot" => self.dir.path().join("sub").join("..").join(name),
            "symlink" => {
                let link = self.p(&format!("link.{ext}"));
                std::os::unix::fs::symlink(&target, &link).expect("symlink");
                link
            }
            "hardlink" => {
                let link = self.p(&format!("hard.{ext}"));
                std::fs::hard_link(&target, &link).expect("hard link");
                link
            }
            _ => unreachable!(),
        }
    }

    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for name in [
            "d.csv",
            "r.json",
            "q.dqdl",
            "lookup.csv",
            "brew.json",
            "g/a1.csv",
        ] {
            out.push((name.to_string(), std::fs::read(self.p(name)).expect("read")));
        }
        out
    }
}

/// Every command that writes, with the input it reads that the output aims at: the
/// command line, with `OUT` for the output.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str)] = &[
    ("run / data", "d.csv", "run r.json d.csv -o OUT"),
    ("run / recipe", "r.json", "run r.json d.csv -o OUT"),
    ("run / rules", "q.dqdl", "run r.json d.csv --rules q.dqdl -o OUT"),
    ("run / glob", "g/a1.csv", "run r.json g/a*.csv -o OUT"),
    ("profile / data", "d.csv", "profile d.csv -o OUT"),
    ("profile json / data", "d.csv", "profile d.csv --format json -o OUT"),
    ("profile / glob", "g/a1.csv", "profile g/*.csv -o OUT"),
    ("suggest / data", "d.csv", "suggest d.csv -o OUT"),
    ("check / data", "d.csv", "check d.csv --rules q.dqdl -o OUT"),
    ("check / rules", "q.dqdl", "check d.csv --rules q.dqdl -o OUT"),
    ("check / recipe", "r.json", "check d.csv --rules q.dqdl --recipe r.json -o OUT"),
    ("check / reference", "lookup.csv", "check d.csv --rules q.dqdl --ref lookup=lookup.csv -o OUT"),
    ("check --failures / data", "d.csv", "check d.csv --rules q.dqdl --failures OUT"),
    ("check --failures / reference", "lookup.csv", "check d.csv --rules q.dqdl --ref lookup=lookup.csv --failures OUT"),
    ("export / recipe", "r.json", "export r.json --to pyspark -o OUT"),
    ("export / data", "d.csv", "export r.json --to sql --input d.csv -o OUT"),
    ("import / databrew", "brew.json", "import brew.json -o OUT"),
    ("import / data", "d.csv", "import brew.json --input d.csv -o OUT"),
];

#[test]
fn no_command_writes_over_what_it_reads() {
    for (name, target, args) in MATRIX {
        for how in ["plain", "dotdot", "symlink", "hardlink"] {
            let f = Files::new();
            let before = f.snapshot();
            let out = f.via(target, how);
            let args: Vec<String> = args
                .split_whitespace()
                .map(|a| {
                    if a == "OUT" {
                        out.display().to_string()
                    } else {
                        a.to_string()
                    }
                })
                .collect();
            let o = wort()
                .current_dir(f.dir.path())
                .args(&args)
                .assert()
                .code(2)
                .get_output()
                .clone();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains("wort never writes over a file the command reads"),
                "{name} via {how}: {err}"
            );
            assert_eq!(f.snapshot(), before, "{name} via {how}: an input changed");
            if how == "symlink" {
                assert!(out.symlink_metadata().unwrap().file_type().is_symlink());
            }
        }
    }
}

/// `wort LINE` (split on spaces) in the folder fails with exit 2, saying `says`.
fn refused(f: &Files, line: &str, says: &str) {
    wort()
        .current_dir(f.dir.path())
        .args(line.split_whitespace())
        .assert()
        .code(2)
        .stderr(contains(says));
}

#[test]
fn an_output_a_glob_input_would_match_is_refused() {
    let f = Files::new();
    let says = "-o g/a2.csv matches the input pattern g/a*.csv";
    refused(&f, "run r.json g/a*.csv -o g/a2.csv", says);
    assert!(!f.p("g/a2.csv").exists());
}

#[test]
fn two_outputs_of_one_command_may_not_be_one_file() {
    let f = Files::new();
    let line = "check d.csv --rules q.dqdl -o x.csv --failures sub/../x.csv";
    refused(&f, line, "are the same file");
    assert!(!f.p("x.csv").exists());
}

#[test]
fn history_is_an_input_and_the_history_file_is_not_overwritten_by_reports() {
    let f = Files::new();
    let hist = f.p("hist");
    std::fs::create_dir(&hist).unwrap();
    // Record once, then aim the report at the history file.
    let record = "check d.csv --rules q.dqdl --history hist --record";
    let mut cmd = wort();
    cmd.current_dir(f.dir.path())
        .args(record.split_whitespace());
    super::stdout_of(&mut cmd);
    let entry = std::fs::read_dir(&hist).unwrap().next().unwrap().unwrap();
    let file = entry.path();
    let before = std::fs::read(&file).unwrap();
    let name = entry.file_name().to_string_lossy().to_string();
    let line = format!("check d.csv --rules q.dqdl --history hist -o hist/{name}");
    refused(&f, &line, "is the history");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

// ----- devices, FIFOs, symlinks, directories ---------------------------------------

#[test]
fn dev_null_is_written_through_and_dev_full_fails_cleanly() {
    let f = Files::new();
    for args in [
        vec!["profile", "d.csv", "--format", "json", "-o", "/dev/null"],
        vec!["suggest", "d.csv", "-o", "/dev/null"],
        vec!["export", "r.json", "--to", "pyspark", "-o", "/dev/null"],
    ] {
        wort()
            .current_dir(f.dir.path())
            .args(&args)
            .assert()
            .success();
    }
    wort()
        .current_dir(f.dir.path())
        .args(["profile", "d.csv", "--format", "json", "-o", "/dev/full"])
        .assert()
        .code(2)
        .stderr(contains("cannot write to /dev/full"));
    for dev in ["/dev/null", "/dev/full"] {
        let m = std::fs::metadata(dev).unwrap();
        assert!(m.file_type().is_char_device(), "{dev} was replaced");
    }
}

#[test]
fn dev_stdout_writes_to_standard_output() {
    let f = Files::new();
    let out = super::stdout_of(wort().current_dir(f.dir.path()).args([
        "export",
        "r.json",
        "--to",
        "sql",
        "--input",
        "d.csv",
        "-o",
        "/dev/stdout",
    ]));
    assert!(
        String::from_utf8_lossy(&out).contains("upper(`name`)"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn a_fifo_or_a_directory_is_refused_without_blocking() {
    let f = Files::new();
    let fifo = f.p("pipe.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    wort()
        .current_dir(f.dir.path())
        .args(["profile", "d.csv", "--format", "json", "-o", "pipe.json"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains(
            "it is a FIFO (named pipe), which wort does not replace",
        ));
    assert!(fifo.symlink_metadata().unwrap().file_type().is_fifo());
    wort()
        .current_dir(f.dir.path())
        .args(["profile", "d.csv", "-o", "sub"])
        .assert()
        .code(2)
        .stderr(contains("it is a directory"));
    assert!(f.p("sub").is_dir());
}

#[test]
fn a_symlink_output_writes_its_target_and_stays_a_link() {
    let f = Files::new();
    let real = write(f.dir.path(), "real.json", "old");
    let link = f.p("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    wort()
        .current_dir(f.dir.path())
        .args(["profile", "d.csv", "--format", "json", "-o", "link.json"])
        .assert()
        .success();
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("\"columns\"")
    );
    // A link to a file that does not exist yet creates the file, keeps the link.
    std::os::unix::fs::symlink("new.csv", f.p("dangling.csv")).unwrap();
    wort()
        .current_dir(f.dir.path())
        .args(["run", "r.json", "d.csv", "-o", "dangling.csv"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(f.p("new.csv"))
            .unwrap()
            .contains("ANN")
    );
    assert!(
        f.p("dangling.csv")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn rules_fmt_write_rewrites_the_linked_file_and_keeps_the_link_and_mode() {
    let f = Files::new();
    let real = write(
        f.dir.path(),
        "real.dqdl",
        "Rules=[RowCount>0,IsComplete \"id\"]",
    );
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o664)).unwrap();
    let link = f.p("link.dqdl");
    std::os::unix::fs::symlink("real.dqdl", &link).unwrap();
    wort()
        .current_dir(f.dir.path())
        .args(["rules", "fmt", "-w", "link.dqdl"])
        .assert()
        .success();
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "Rules = [\n    RowCount > 0,\n    IsComplete \"id\"\n]\n"
    );
    assert_eq!(mode(&real), 0o664);
}

// ----- modes -------------------------------------------------------------------------

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `wort ARGS` under `umask`, through the shell (the test process's umask is shared by
/// its threads, so it is not changed here).
fn under_umask(umask: &str, dir: &Path, args: &[&str]) {
    let bin = assert_cmd::cargo::cargo_bin("wort");
    let status = std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .status()
        .expect("sh");
    assert!(status.success(), "wort {args:?} under umask {umask}");
}

#[test]
fn new_outputs_follow_the_umask_and_existing_ones_keep_their_mode() {
    let f = Files::new();
    let d = f.dir.path();
    let commands: &[&[&str]] = &[
        &["run", "r.json", "d.csv", "-o", "OUT.csv"],
        &[
            "run",
            "r.json",
            "d.csv",
            "--rules",
            "q.dqdl",
            "-o",
            "OUT.parquet",
        ],
        &["profile", "d.csv", "-o", "OUT.txt"],
        &["suggest", "d.csv", "-o", "OUT.dqdl"],
        &[
            "check",
            "d.csv",
            "--rules",
            "q.dqdl",
            "-o",
            "OUT.xml",
            "--failures",
            "OUT-f.csv",
        ],
        &["export", "r.json", "--to", "pyspark", "-o", "OUT.py"],
        &["import", "brew.json", "-o", "OUT.json"],
    ];
    for (umask, want) in [("022", 0o644), ("077", 0o600)] {
        for (i, args) in commands.iter().enumerate() {
            let args: Vec<String> = args
                .iter()
                .map(|a| a.replace("OUT", &format!("new{i}-{umask}")))
                .collect();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            under_umask(umask, d, &refs);
            for a in args.iter().filter(|a| a.starts_with("new")) {
                assert_eq!(mode(&d.join(a)), want, "{a} under umask {umask}");
            }
        }
    }
    // An existing output keeps its mode, whatever the umask.
    for (i, args) in commands.iter().enumerate() {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("OUT", &format!("old{i}")))
            .collect();
        for a in args.iter().filter(|a| a.starts_with("old")) {
            write(d, a, "x");
            std::fs::set_permissions(d.join(a), std::fs::Permissions::from_mode(0o664)).unwrap();
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        under_umask("077", d, &refs);
        for a in args.iter().filter(|a| a.starts_with("old")) {
            assert_eq!(mode(&d.join(a)), 0o664, "{a} kept its mode");
            assert_ne!(std::fs::read(d.join(a)).unwrap(), b"x", "{a} was written");
        }
    }
    // No temporary file is left anywhere.
    let left: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".wort-"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

// ----- generated code -------------------------------------------------------------

/// A python to parse jobs with: `WORT_PYTHON` (CI's venv) or `python3`; `None` after a
/// SKIPPED line when there is none (CI, with `WORT_REQUIRE_SPARK=1`, fails instead).
fn python(test: &str) -> Option<PathBuf> {
    let py = std::env::var_os("WORT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let runs = std::process::Command::new(&py)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return Some(py);
    }
    super::skipped(test, "no python3 to parse the exported jobs")
}

/// Parse each job with Python's `ast` and list, per job, every call (`os.system`,
/// `F.col`...) and import, sorted; an unparsable job lists `SYNTAX ERROR`.
const CALLS_PY: &str = r#"
import ast, json, sys
out = []
for path in sys.argv[1:]:
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
    except SyntaxError as e:
        out.append(["SYNTAX ERROR " + str(e)])
        continue
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls.append("call " + ast.unparse(node.func))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            calls.append("import " + ast.unparse(node))
    out.append(sorted(calls))
print(json.dumps(out))
"#;

fn calls_of(python: &Path, jobs: &[String]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().expect("tmp");
    let paths: Vec<PathBuf> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| write(dir.path(), &format!("job{i}.py"), j))
        .collect();
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(CALLS_PY)
        .args(&paths)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A recipe with `text` in every free-text field: description, comments, new column
/// names, a fill value, prefix and suffix texts.
fn recipe_with(text: &str) -> wort::recipe::Recipe {
    let t = serde_json::to_string(text).expect("json");
    // New column names that cannot clash with the input's (id, name, amount).
    let t1 = serde_json::to_string(&format!("{text}1")).expect("json");
    let t2 = serde_json::to_string(&format!("{text}2")).expect("json");
    let json = format!(
        r#"{{"wort_recipe": 1, "description": {t}, "steps": [
        {{"op": "rename", "column": "name", "to": {t1}, "comment": {t}}},
        {{"op": "duplicate", "column": "id", "to": {t2}, "comment": {t}}},
        {{"op": "fill_missing", "column": "amount", "strategy": "value", "value": {t}, "comment": {t}}},
        {{"op": "add_prefix", "column": "id", "text": {t}, "comment": {t}}},
        {{"op": "add_suffix", "column": "id", "text": {t}, "comment": {t}, "disabled": true}}
    ]}}"#
    );
    wort::recipe::Recipe::parse(&json, "r.json").expect("recipe parses")
}

fn job_of(recipe: &wort::recipe::Recipe, path: &str) -> String {
    let read = wort::export::read::ReadSpec::from_options(&wort::source::ReadOptions::default());
    let info = wort::export::pyspark::JobInfo {
        recipe_path: path,
        read: &read,
        tables: &[],
    };
    wort::export::pyspark::job(recipe, &info).expect("exports")
}

#[test]
fn a_carriage_return_in_a_comment_does_not_become_code() {
    let Some(py) = python("a_carriage_return_in_a_comment_does_not_become_code") else {
        return;
    };
    let evil = "x\rimport os; os.system(\"id\")\r\u{2028}os.system('id')\x0cprint(1)";
    let jobs = [
        job_of(&recipe_with("x"), "r.json"),
        job_of(&recipe_with(evil), evil),
    ];
    let calls = calls_of(&py, &jobs);
    assert!(
        !calls[1]
            .iter()
            .any(|c| c.contains("os.system") || c.contains("import os"))
    );
    assert_eq!(calls[0], calls[1]);
}

#[test]
fn random_text_in_every_recipe_field_adds_no_code_to_the_job() {
    let Some(py) = python("random_text_in_every_recipe_field_adds_no_code_to_the_job") else {
        return;
    };
    let texts = crate::awkward_texts(
        &[
            "\n",
            "\r",
            "\r\n",
            "\u{2028}",
            "\u{85}",
            "\x0b\x0c\x1c\x1d\x1e\0",
            "\"\"\"",
            "'''",
            "\\",
            "#",
            "--",
            "*/",
            "import os; os.system('id')",
            "`",
        ],
        64,
    );
    let mut jobs = vec![job_of(&recipe_with("x"), "r.json")];
    jobs.extend(texts.iter().map(|t| job_of(&recipe_with(t), t)));
    let calls = calls_of(&py, &jobs);
    for (t, c) in texts.iter().zip(&calls[1..]) {
        assert_eq!(c, &calls[0], "text {t:?} changed the job's code");
    }
    // The SQL export of the same recipes: the description and step comments are `--`
    // lines holding no line break (a `-- x\rDROP ...` would end the comment in Spark).
    let schema: polars::prelude::Schema = ["id", "name", "amount"]
        .into_iter()
        .map(|n| polars::prelude::Field::new(n.into(), polars::prelude::DataType::String))
        .collect();
    for t in &texts {
        let q =
            wort::export::sql::query(&recipe_with(t), &schema, "input", None).expect("sql exports");
        let first = q.split_inclusive('\n').next().unwrap_or_default();
        assert_eq!(first, wort::export::text::sql_comment("-- ", t));
        let comments = q
            .split('\n')
            .filter(|l| l.starts_with("-- ") || l.starts_with("  -- "));
        for line in comments {
            assert!(!line.contains(BREAKS), "{t:?}: {line:?}");
        }
    }
}

/// What ends a line in Python or SQL source, besides `\n`.
const BREAKS: [char; 9] = [
    '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}', '\u{2028}', '\u{2029}',
];
