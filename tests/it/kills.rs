//! `kill -9` at any moment leaves the old output, byte for byte, and no other file: the
//! temporary output is unnamed until it is moved into place. The moments are found by
//! watching the process (`/proc/PID/fd`), not by sleeping.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::write;

/// When to kill.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Moment {
    /// Right after start.
    Start,
    /// Once the process has the input open.
    Reading,
    /// Once its unnamed temporary output in the output directory is being written:
    /// opened a second time (by the writer) or holding data.
    Writing,
}

/// A CSV large enough that reading and writing it take a while.
fn big_csv(dir: &Path) -> PathBuf {
    let mut s = String::from("id,name,amount,city\n");
    for i in 0..300_000 {
        let _ = writeln!(
            s,
            "{i},name {},{}.{:02},city {}",
            i % 977,
            i % 10_000,
            i % 100,
            i % 31
        );
    }
    write(dir, "big.csv", s)
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The process's open files: (path it names, size).
fn open_files(pid: u32) -> Vec<(String, u64)> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter_map(|fd| {
            let target = std::fs::read_link(fd.path()).ok()?;
            let size = std::fs::metadata(fd.path()).map(|m| m.len()).unwrap_or(0);
            Some((target.to_string_lossy().into_owned(), size))
        })
        .collect()
}

fn reached(pid: u32, moment: Moment, input: &Path, out_dir: &Path) -> bool {
    let files = open_files(pid);
    match moment {
        Moment::Start => true,
        Moment::Reading => {
            let input = input.canonicalize().unwrap();
            files.iter().any(|(p, _)| Path::new(p) == input)
        }
        Moment::Writing => {
            let dir = out_dir.canonicalize().unwrap();
            let temps: Vec<&(String, u64)> = files
                .iter()
                .filter(|(p, _)| p.starts_with(&*dir.to_string_lossy()) && p.ends_with("(deleted)"))
                .collect();
            temps
                .iter()
                .any(|(p, size)| *size > 0 || temps.iter().filter(|(q, _)| q == p).count() > 1)
        }
    }
}

/// Run `args` and kill it with SIGKILL at `moment`. Returns whether it was killed
/// (false: it finished first) and its exit status.
fn kill_at(args: &[&std::ffi::OsStr], moment: Moment, input: &Path, out_dir: &Path) -> bool {
    let mut child: Child = Command::new(assert_cmd::cargo::cargo_bin("wort"))
        .args(args)
        .env("TMPDIR", out_dir.join("tmp"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if reached(pid, moment, input, out_dir) {
            child.kill().unwrap();
            let status = child.wait().unwrap();
            return std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Kill the command at each moment; after each, the directory holds what it held
/// before and nothing else, and the output is the old one byte for byte, or (when the
/// kill landed after the output was moved into place) the complete new one. `must`
/// lists the moments the command is slow enough to be caught at.
fn check_kills(
    dir: &Path,
    input: &Path,
    output: &Path,
    args: &[&std::ffi::OsStr],
    must: &[Moment],
) {
    // Spooled and normalised copies go to TMPDIR: it must stay empty too.
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let status = Command::new(assert_cmd::cargo::cargo_bin("wort"))
        .args(args)
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(status.status.code().is_some_and(|c| c <= 1), "{status:?}");
    let new = std::fs::read(output).unwrap();
    let old = b"the old output\n".to_vec();
    std::fs::write(output, &old).unwrap();
    let before = names(dir);
    for moment in [Moment::Start, Moment::Reading, Moment::Writing] {
        let killed = kill_at(args, moment, input, dir);
        assert_eq!(names(dir), before, "{moment:?} (killed: {killed})");
        assert!(names(&tmp).is_empty(), "{moment:?}: {:?}", names(&tmp));
        let now = std::fs::read(output).unwrap();
        if killed {
            assert!(
                now == old || now == new,
                "killed at {moment:?}: a partial output"
            );
        } else {
            assert!(
                !must.contains(&moment),
                "not killed at {moment:?}: it finished first"
            );
            assert_eq!(now, new, "finished before {moment:?}");
        }
        std::fs::write(output, &old).unwrap();
    }
}

#[test]
fn killed_run_leaves_the_old_output_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_csv(dir.path());
    let recipe = write(
        dir.path(),
        "r.json",
        r#"{"wort_recipe": 1, "steps": [{"op": "filter", "keep": "amount >= 0"}]}"#,
    );
    let output = dir.path().join("out.csv");
    let args = [
        "run".as_ref(),
        recipe.as_os_str(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ];
    check_kills(
        dir.path(),
        &input,
        &output,
        &args,
        &[Moment::Start, Moment::Writing],
    );
    // With rules, the finished output is checked before it is published: a kill
    // during the check leaves nothing either.
    let rules = write(dir.path(), "r.dqdl", "Rules = [ RowCount > 0 ]\n");
    let mut with_rules = args.to_vec();
    with_rules.extend(["--rules".as_ref(), rules.as_os_str()]);
    check_kills(
        dir.path(),
        &input,
        &output,
        &with_rules,
        &[Moment::Start, Moment::Writing],
    );
}

#[test]
fn killed_check_and_profile_leave_the_old_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_csv(dir.path());
    let rules = write(
        dir.path(),
        "r.dqdl",
        "Rules = [ ColumnValues \"amount\" < 0 ]\n",
    );
    let failures = dir.path().join("failures.csv");
    let args = [
        "check".as_ref(),
        "--rules".as_ref(),
        rules.as_os_str(),
        input.as_os_str(),
        "--failures".as_ref(),
        failures.as_os_str(),
    ];
    check_kills(
        dir.path(),
        &input,
        &failures,
        &args,
        &[Moment::Start, Moment::Writing],
    );
    let report = dir.path().join("report.json");
    let args = [
        "check".as_ref(),
        "--rules".as_ref(),
        rules.as_os_str(),
        input.as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
    ];
    check_kills(dir.path(), &input, &report, &args, &[Moment::Start]);
    let profile = dir.path().join("profile.json");
    let args = [
        "profile".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        profile.as_os_str(),
    ];
    check_kills(dir.path(), &input, &profile, &args, &[Moment::Start]);
}

#[test]
fn the_next_run_removes_temporary_files_of_dead_processes_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", "a\n1\n");
    let recipe = write(dir.path(), "r.json", r#"{"wort_recipe": 1, "steps": []}"#);
    // A process id above the kernel's limit (2^22) is never alive.
    let dead = write(dir.path(), ".wort-99999999-aB3xYz.part.csv", "partial");
    let live = write(
        dir.path(),
        &format!(".wort-{}-aB3xYz.part.csv", std::process::id()),
        "partial",
    );
    let not_ours = write(dir.path(), ".wort-notes.txt", "mine");
    let output = dir.path().join("out.csv");
    crate::wort()
        .arg("run")
        .arg(&recipe)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    assert!(!dead.exists());
    assert!(live.exists() && not_ours.exists());
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "a\n1\n");
}

#[test]
fn killed_while_spooling_standard_input_leaves_nothing() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let input = big_csv(dir.path());
    let data = std::fs::read(&input).unwrap();
    let recipe = write(dir.path(), "r.json", r#"{"wort_recipe": 1, "steps": []}"#);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let output = write(dir.path(), "out.csv", "the old output\n");
    let before = names(dir.path());
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("wort"))
        .arg("run")
        .arg(&recipe)
        .arg("-")
        .arg("-o")
        .arg(&output)
        .env("TMPDIR", &tmp)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Half the data, then wait: wort is copying standard input to its unnamed spool.
    stdin.write_all(&data[..data.len() / 2]).unwrap();
    let spooling = |pid: u32| {
        let tmp = tmp.canonicalize().unwrap();
        open_files(pid).iter().any(|(p, size)| {
            *size > 0 && p.starts_with(&*tmp.to_string_lossy()) && p.ends_with("(deleted)")
        })
    };
    while !spooling(child.id()) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "wort ended before it read its input"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(names(dir.path()), before);
    assert!(names(&tmp).is_empty(), "{:?}", names(&tmp));
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "the old output\n"
    );
}
