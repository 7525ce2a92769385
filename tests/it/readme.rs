//! The README's transcripts are run: every fenced block whose first line starts with
//! `$ ` is a terminal session. Its commands run in order, in one scratch directory
//! that holds `samples/` and `recipes/`, with `wort` on PATH; what each prints
//! (stdout and stderr, as a terminal shows them) must be the lines that follow it.
//!
//! - A line `...` in the expected text stands for any number of lines (an excerpt).
//! - `$ cat FILE` shows an input the README's example needs: the file is written
//!   with the text shown, so the example and its input cannot part.
//! - A command line ending in `\` goes on in the next line.
//! - Times (` in 0.3 s`) are not compared.

use std::path::Path;

/// One command of a transcript and the text it prints.
#[derive(Debug)]
struct Shown {
    line: usize,
    command: String,
    output: Vec<String>,
}

/// The README's transcripts, in order.
fn transcripts(readme: &str) -> Vec<Vec<Shown>> {
    let mut out = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    while let Some((_, line)) = lines.next() {
        if !line.starts_with("```") {
            continue;
        }
        let mut block = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            block.push((n + 1, l));
        }
        if !block.first().is_some_and(|(_, l)| l.starts_with("$ ")) {
            continue;
        }
        let mut shown: Vec<Shown> = Vec::new();
        let mut continued = false;
        for (n, l) in block {
            if continued {
                let last = shown.last_mut().expect("a command");
                last.command.push('\n');
                last.command.push_str(l);
                continued = l.ends_with('\\');
            } else if let Some(cmd) = l.strip_prefix("$ ") {
                shown.push(Shown {
                    line: n,
                    command: cmd.to_string(),
                    output: Vec::new(),
                });
                continued = cmd.ends_with('\\');
            } else {
                shown.last_mut().expect("a command").output.push(l.into());
            }
        }
        out.push(shown);
    }
    out
}

/// Whether `got` is `want`, where a `...` line of `want` stands for any lines.
fn matches(want: &[String], got: &[String]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w.trim() == "..." => (0..=got.len()).any(|i| matches(rest, &got[i..])),
        Some((w, rest)) => got
            .split_first()
            .is_some_and(|(g, grest)| g == w && matches(rest, grest)),
    }
}

fn link(from: &Path, to: &Path) {
    std::os::unix::fs::symlink(from, to).expect("symlink");
}

#[test]
fn readme_transcripts_print_what_the_readme_says() {
    let root = crate::root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let all = transcripts(&readme);
    assert!(
        all.iter().map(Vec::len).sum::<usize>() >= 10,
        "the README's transcripts were not found: {all:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    link(&root.join("samples"), &dir.path().join("samples"));
    link(&root.join("recipes"), &dir.path().join("recipes"));
    let bin = assert_cmd::cargo::cargo_bin("wort");
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let time = regex::Regex::new(r" in [0-9.]+ s\b").expect("regex");
    let norm = |t: &str| -> Vec<String> {
        let mut lines: Vec<String> = t
            .lines()
            .map(|l| time.replace_all(l.trim_end(), " in _ s").to_string())
            .collect();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    };
    let mut failures = Vec::new();
    for shown in all.iter().flatten() {
        if let Some(file) = shown.command.strip_prefix("cat ") {
            let target = dir.path().join(file.trim());
            if !target.exists() {
                let mut text = shown.output.join("\n");
                text.push('\n');
                std::fs::write(&target, text).expect("write the shown input");
            }
        }
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{} 2>&1", shown.command))
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .env_remove("WORT_SAMPLE")
            .output()
            .expect("sh");
        let got = norm(&String::from_utf8_lossy(&o.stdout));
        let want = norm(&shown.output.join("\n"));
        if !matches(&want, &got) {
            failures.push(format!(
                "README line {}: `{}` printed\n{}\n--- where the README shows\n{}",
                shown.line,
                shown.command,
                got.join("\n"),
                want.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_excerpt_matches_any_lines_in_its_gap_and_nothing_else() {
    let v = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    assert!(matches(&v("a\n...\nd"), &v("a\nb\nc\nd")));
    assert!(matches(&v("a\n...\nd"), &v("a\nd")));
    assert!(!matches(&v("a\n...\nd"), &v("a\nb\nc")));
    assert!(!matches(&v("a\nb"), &v("a\nb\nc")));
    let t = transcripts("x\n```\n$ echo a \\\n  b\na b\n$ true\n```\n```sh\nno\n```\n");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0][0].command, "echo a \\\n  b");
    assert_eq!(t[0][0].output, vec!["a b".to_string()]);
    assert!(t[0][1].output.is_empty());
}
