//! The output guard: every command that writes checks each output here against what it
//! reads, before it reads anything.
//!
//! An output is refused when it is one of the command's inputs (data files with their
//! globs expanded, recipe, rules, reference data, history), compared as files: after
//! symlinks and `..`, by device and inode, so a hard link counts too. It is also refused
//! when a data glob of the command would match it (the next run would read its own
//! output), when two outputs of one command are the same file, and when it cannot be
//! written without replacing something that is not a regular file
//! ([`crate::source::write::destination`]).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::source::write::{Destination, WriteError, destination};

/// Why an output was refused.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{flag} {output} is the {what} {input}{how}: wort never writes over a file the command reads; write to another file"
    )]
    IsInput {
        flag: String,
        output: String,
        what: String,
        input: String,
        how: String,
    },
    #[error(
        "{flag} {output} matches the input pattern {pattern}: the next run would read its own output; write it outside that pattern"
    )]
    MatchesPattern {
        flag: String,
        output: String,
        pattern: String,
    },
    #[error(
        "{flag} {output} and {other} {other_output} are the same file: give them different names"
    )]
    Twice {
        flag: String,
        output: String,
        other: String,
        other_output: String,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// A file the command reads, as a (device, inode) pair.
#[derive(Debug, Clone)]
struct Read {
    what: String,
    path: String,
    id: (u64, u64),
}

/// The files a command reads, which none of its outputs may be.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    read: Vec<Read>,
    patterns: Vec<(String, glob::Pattern)>,
}

fn id_of(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl Inputs {
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// A file the command reads: `what` names it in the error ("recipe", "rules").
    /// A file that does not exist is not an input yet (opening it reports that).
    pub fn file(mut self, what: &str, path: &Path) -> Inputs {
        if let Some(id) = id_of(path) {
            self.read.push(Read {
                what: what.into(),
                path: path.display().to_string(),
                id,
            });
        }
        self
    }

    /// Data inputs as the command line gives them: paths or glob patterns.
    pub fn data(mut self, inputs: &[String]) -> Inputs {
        for input in inputs {
            let p = Path::new(input);
            if p.exists() {
                self = self.file("input", p);
                continue;
            }
            let Ok(pattern) = glob::Pattern::new(input) else {
                continue;
            };
            if let Ok(paths) = glob::glob(input) {
                for path in paths.filter_map(Result::ok) {
                    self = self.file(&format!("input (from {input})"), &path);
                }
            }
            self.patterns.push((input.clone(), pattern));
        }
        self
    }

    /// Check one output (`flag` names it in errors: "-o", "--failures"). Returns where
    /// it will be written.
    pub fn check(&self, flag: &str, output: &Path) -> Result<Destination, OutputError> {
        let dest = destination(output)?;
        let shown = output.display().to_string();
        let target = match &dest {
            Destination::File { path, .. } => Some(path.clone()),
            Destination::Stdout => Some(PathBuf::from("/dev/stdout")),
            Destination::Stderr => Some(PathBuf::from("/dev/stderr")),
            Destination::Device(_) => None,
        };
        if let Some(target) = target
            && let Some(id) = id_of(&target)
            && let Some(r) = self.read.iter().find(|r| r.id == id)
        {
            let how = if r.path == shown {
                String::new()
            } else {
                " (the same file under another name)".to_string()
            };
            return Err(OutputError::IsInput {
                flag: flag.into(),
                output: shown,
                what: r.what.clone(),
                input: r.path.clone(),
                how,
            });
        }
        if let Destination::File { path, .. } = &dest {
            let absolute = resolved(path);
            let options = glob::MatchOptions::new();
            for (text, pattern) in &self.patterns {
                let hit = pattern.matches_path_with(path, options)
                    || absolute
                        .as_ref()
                        .is_some_and(|a| pattern.matches_path_with(a, options));
                if hit {
                    return Err(OutputError::MatchesPattern {
                        flag: flag.into(),
                        output: shown,
                        pattern: text.clone(),
                    });
                }
            }
        }
        Ok(dest)
    }

    /// Check every output of a command, and that no two are the same file.
    pub fn check_all(&self, outputs: &[(&str, Option<&Path>)]) -> Result<(), OutputError> {
        let mut seen: Vec<(&str, &Path, Destination)> = Vec::new();
        for (flag, path) in outputs {
            let Some(path) = path else { continue };
            let dest = self.check(flag, path)?;
            if let Some((other, other_path, _)) = seen.iter().find(|(_, _, d)| same(d, &dest)) {
                return Err(OutputError::Twice {
                    flag: (*flag).into(),
                    output: path.display().to_string(),
                    other: (*other).into(),
                    other_output: other_path.display().to_string(),
                });
            }
            seen.push((flag, path, dest));
        }
        Ok(())
    }
}

/// A path with its directory resolved (symlinks, `..`), for a file that may not exist.
fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(name))
}

/// Two destinations that would overwrite each other (devices never do).
fn same(a: &Destination, b: &Destination) -> bool {
    match (a, b) {
        (Destination::File { path: p, .. }, Destination::File { path: q, .. }) => {
            match (id_of(p), id_of(q)) {
                (Some(x), Some(y)) => x == y,
                _ => resolved(p) == resolved(q),
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_dotdot_symlink_and_hard_link_are_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        std::fs::write(&data, "a\n1\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink(&data, dir.path().join("link.csv")).unwrap();
        std::fs::hard_link(&data, dir.path().join("hard.csv")).unwrap();
        let inputs = Inputs::new().data(&[data.display().to_string()]);
        for out in ["d.csv", "sub/../d.csv", "link.csv", "hard.csv"] {
            let err = inputs.check("-o", &dir.path().join(out)).unwrap_err();
            assert!(matches!(err, OutputError::IsInput { .. }), "{out}: {err}");
        }
        assert!(inputs.check("-o", &dir.path().join("other.csv")).is_ok());
    }

    #[test]
    fn a_glob_input_refuses_an_output_it_would_match() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a1.csv"), "a\n1\n").unwrap();
        let pattern = format!("{}/a*.csv", dir.path().display());
        let inputs = Inputs::new().data(&[pattern]);
        let err = inputs.check("-o", &dir.path().join("a1.csv")).unwrap_err();
        assert!(err.to_string().contains("is the input (from"), "{err}");
        let err = inputs.check("-o", &dir.path().join("a2.csv")).unwrap_err();
        assert!(
            err.to_string().contains("matches the input pattern"),
            "{err}"
        );
        assert!(inputs.check("-o", &dir.path().join("b.csv")).is_ok());
    }

    #[test]
    fn two_outputs_may_not_be_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("r.json");
        let b = dir.path().join("sub/../r.json");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = Inputs::new()
            .check_all(&[("-o", Some(&a)), ("--failures", Some(&b))])
            .unwrap_err();
        assert!(err.to_string().contains("are the same file"), "{err}");
    }
}
