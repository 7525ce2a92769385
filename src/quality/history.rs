//! Metrics history for dynamic rules (`last(k)`) and DetectAnomalies.
//!
//! One JSON-lines file per dataset, `<dir>/<dataset>.jsonl`; each line is one recorded
//! run: `{"time": "...", "metrics": {"<rule text>": value, ...}}`. The directory is
//! `--history DIR`, else `$WORT_DATA_DIR/history`, else the user data directory
//! (`directories`), e.g. `~/.local/share/wort/history` on Linux.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod expected;
pub use expected::{ALPHA, Expected, MIN_RUNS, expected};

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub time: String,
    pub metrics: BTreeMap<String, f64>,
}

/// The runs recorded for one dataset, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub runs: Vec<Run>,
}

impl History {
    /// The values recorded for `key` (a rule's text), most recent first.
    pub fn values(&self, key: &str) -> Vec<f64> {
        self.runs
            .iter()
            .rev()
            .filter_map(|r| r.metrics.get(key).copied())
            .collect()
    }

    /// The values recorded for `key` with the time of their run (None when the time
    /// does not read as RFC 3339 or `YYYY-MM-DD[ HH:MM:SS]`), oldest first.
    pub fn points(&self, key: &str) -> Vec<(Option<chrono::NaiveDateTime>, f64)> {
        self.runs
            .iter()
            .filter_map(|r| r.metrics.get(key).map(|v| (run_time(&r.time), *v)))
            .collect()
    }

    /// Read the history file; a missing file is an empty history.
    pub fn load(path: &Path) -> Result<History, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
            Err(e) => return Err(format!("reading history {}: {e}", path.display())),
        };
        let mut runs = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let run: Run = serde_json::from_str(line).map_err(|e| {
                format!(
                    "history file {} line {}: {e}; fix or delete that line",
                    path.display(),
                    i + 1
                )
            })?;
            runs.push(run);
        }
        Ok(History { runs })
    }

    /// Append one run to the history file (creating its directory).
    pub fn append(path: &Path, run: &Run) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("creating history directory {}: {e}", dir.display()))?;
        }
        let line = serde_json::to_string(run).map_err(|e| e.to_string())?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("opening history {}: {e}", path.display()))?;
        writeln!(f, "{line}").map_err(|e| format!("writing history {}: {e}", path.display()))
    }
}

/// The history directory: `explicit`, else `$WORT_DATA_DIR/history`, else the user
/// data directory.
pub fn directory(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    if let Some(d) = std::env::var_os("WORT_DATA_DIR") {
        return Ok(PathBuf::from(d).join("history"));
    }
    directories::ProjectDirs::from("", "", "wort")
        .map(|p| p.data_dir().join("history"))
        .ok_or_else(|| {
            "no home directory to keep metrics history in: pass --history DIR or set WORT_DATA_DIR"
                .to_string()
        })
}

/// The file for a dataset name: unsafe characters become `_`.
pub fn file_for(dir: &Path, dataset: &str) -> PathBuf {
    let safe: String = dataset
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.jsonl"))
}

/// A run's time in UTC: RFC 3339 (what `--record` writes), or a plain date or date-time.
fn run_time(text: &str) -> Option<chrono::NaiveDateTime> {
    let t = text.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(d.naive_utc());
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Some(d);
        }
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}
