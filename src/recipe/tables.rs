//! The other files a recipe's steps read (`join`'s `right`, `union`'s `paths`).
//!
//! A recipe names them as written in its JSON: a path relative to the recipe file, or
//! absolute. `--input NAME=PATH` rebinds one, where NAME is the path as the recipe writes
//! it or its file stem (`planes` for `lookup/planes.csv`). Each file is opened once per
//! recipe, with the same sniffing as any input (format, dialect, encoding, null tokens,
//! types from the whole file).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use polars::prelude::{LazyFrame, Schema};

use crate::source::{self, ReadOptions, Sample, Source};
use crate::transform::Tables;

/// Where a recipe's other files are, and the ones already opened.
#[derive(Clone, Default)]
pub struct Files {
    /// The recipe file's directory (relative names resolve against it); the current
    /// directory when the recipe has no file.
    base: Option<PathBuf>,
    /// `--input NAME=PATH` rebindings.
    bound: Vec<(String, PathBuf)>,
    opened: Arc<Mutex<HashMap<PathBuf, Arc<Source>>>>,
}

impl fmt::Debug for Files {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Files")
            .field("base", &self.base)
            .field("bound", &self.bound)
            .finish()
    }
}

/// Where a recipe reads its other files from is not part of what the recipe is.
impl PartialEq for Files {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Files {
    /// Names relative to the directory of `recipe_file`.
    pub fn beside(recipe_file: &Path) -> Files {
        Files {
            base: Some(
                recipe_file
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            ),
            ..Files::default()
        }
    }

    /// Rebind each `NAME=PATH` in `bindings`.
    pub fn bind(mut self, bindings: &[(String, PathBuf)]) -> Files {
        self.bound.extend(bindings.iter().cloned());
        self.opened = Arc::default();
        self
    }

    /// The directory relative names resolve against.
    pub fn dir(&self) -> PathBuf {
        match &self.base {
            Some(b) if !b.as_os_str().is_empty() => b.clone(),
            _ => PathBuf::from("."),
        }
    }

    /// The file a recipe's `name` reads.
    pub fn path(&self, name: &str) -> PathBuf {
        let stem = table_stem(name);
        if let Some((_, p)) = self
            .bound
            .iter()
            .rev()
            .find(|(n, _)| n == name || *n == stem)
        {
            return p.clone();
        }
        let p = Path::new(name);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        match &self.base {
            Some(b) if !b.as_os_str().is_empty() => b.join(p),
            _ => p.to_path_buf(),
        }
    }

    fn source(&self, name: &str) -> Result<Arc<Source>, String> {
        let path = self.path(name);
        let mut opened = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = opened.get(&path) {
            return Ok(s.clone());
        }
        let options = ReadOptions {
            sample: Some(Sample::Full),
            ..ReadOptions::default()
        };
        let shown = path.display().to_string();
        let src = source::open(std::slice::from_ref(&shown), &options).map_err(|e| {
            format!("{e} (the recipe reads {name:?}; rebind it with --input NAME=PATH)")
        })?;
        let src = Arc::new(src);
        opened.insert(path, src.clone());
        Ok(src)
    }
}

/// The name `--input NAME=PATH` matches besides the path itself: the file stem, without
/// a second extension such as `.csv` in `planes.csv.gz`.
fn stem_of(stem: &str) -> String {
    match stem.rsplit_once('.') {
        Some((s, ext)) if ["csv", "tsv", "json", "ndjson", "jsonl", "parquet"].contains(&ext) => {
            s.to_string()
        }
        _ => stem.to_string(),
    }
}

impl crate::recipe::Recipe {
    /// The other files the active steps read, as the recipe writes them, once each.
    pub fn tables(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, step) in self.active_steps() {
            for t in step.op.step().tables() {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }

    /// Rebind the recipe's other files with `NAME=PATH` texts (`--input`); an error
    /// names a NAME the recipe does not read.
    pub fn bind(&mut self, items: &[String]) -> Result<(), String> {
        let (rest, bound) = split_bindings(&self.tables(), items);
        if let Some(first) = rest.first() {
            let reads = self.tables();
            return Err(if reads.is_empty() {
                format!(
                    "--input {first:?}: the recipe reads no other file (only join and union steps do)"
                )
            } else if first.contains('=') {
                format!(
                    "--input {first:?}: the recipe reads no file called {:?}; it reads {}",
                    first.split('=').next().unwrap_or(""),
                    reads.join(", ")
                )
            } else {
                parse_binding(first).err().unwrap_or_default()
            });
        }
        self.files = std::mem::take(&mut self.files).bind(&bound);
        Ok(())
    }
}

/// Split `items` into plain paths and `NAME=PATH` rebindings of the `tables` a recipe
/// reads (NAME: as the recipe writes it, or its stem); `NAME=PATH` with another NAME is
/// a path.
pub fn split_bindings(
    tables: &[String],
    items: &[String],
) -> (Vec<String>, Vec<(String, PathBuf)>) {
    let mut rest = Vec::new();
    let mut bound = Vec::new();
    for item in items {
        match parse_binding(item) {
            Ok((name, path)) if tables.iter().any(|t| *t == name || table_stem(t) == name) => {
                bound.push((name, path));
            }
            _ => rest.push(item.clone()),
        }
    }
    (rest, bound)
}

/// The stem `--input NAME=PATH` may use for a file the recipe reads.
pub fn table_stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .map(stem_of)
        .unwrap_or_default()
}

/// `NAME=PATH` as given to `--input`.
pub fn parse_binding(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim().to_string(), PathBuf::from(path)))
        }
        _ => Err(format!(
            "--input {text:?}: expected NAME=PATH, where NAME is a file the recipe reads (as written in the recipe, or its stem) and PATH the file to read instead"
        )),
    }
}

impl Tables for Files {
    fn open(&self, name: &str) -> Result<LazyFrame, String> {
        self.source(name)?.lazy().map_err(|e| e.to_string())
    }
    fn schema(&self, name: &str) -> Result<Schema, String> {
        self.source(name)?.schema().map_err(|e| e.to_string())
    }
    fn shown(&self, name: &str) -> String {
        let path = self.path(name);
        if self.bound.is_empty() || path == Path::new(name) {
            name.to_string()
        } else {
            format!("{name} (read from {})", path.display())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_beside_the_recipe_unless_rebound() {
        let f = Files::beside(Path::new("/data/recipes/r.json"));
        assert_eq!(
            f.path("planes.csv"),
            PathBuf::from("/data/recipes/planes.csv")
        );
        assert_eq!(f.path("/abs/p.csv"), PathBuf::from("/abs/p.csv"));
        let f = f.bind(&[
            parse_binding("planes=/other/p2.csv").unwrap(),
            parse_binding("lookup/airports.csv.gz=/x/a.csv").unwrap(),
        ]);
        assert_eq!(f.path("lookup/planes.csv"), PathBuf::from("/other/p2.csv"));
        assert_eq!(f.path("lookup/airports.csv.gz"), PathBuf::from("/x/a.csv"));
        assert_eq!(
            f.path("weather.csv"),
            PathBuf::from("/data/recipes/weather.csv")
        );
        assert!(
            parse_binding("planes.csv")
                .unwrap_err()
                .contains("expected NAME=PATH")
        );
    }
}
