//! `wort run --memory-limit` and `--temp-dir`.

use std::path::{Path, PathBuf};

use anyhow::bail;

/// Parse a size: bytes, or a number with a unit (K, M, G, T; KB/MB... and KiB/MiB...
/// alike, all powers of 1024), e.g. `512M`, `2G`, `1.5GiB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let not_a_size = || {
        format!("{text:?} is not a size; give bytes or a number with K, M, G or T (e.g. 512M, 2G)")
    };
    if number.is_empty() {
        return Err(not_a_size());
    }
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}; give bytes or a number with K, M, G or T (e.g. 512M, 2G)"
            ));
        }
    };
    let value: f64 = number.parse().map_err(|_| not_a_size())?;
    let bytes = value * scale as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes >= u64::MAX as f64 {
        return Err(format!(
            "{text:?} is not a usable memory limit; give at least 1 byte and less than 16 EiB (e.g. 512M, 2G)"
        ));
    }
    Ok(bytes as u64)
}

/// A quarter of the machine's memory (MemTotal in /proc/meminfo), or 2 GiB where that
/// cannot be read.
pub fn default_limit() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map(|kib| kib.saturating_mul(1024));
    total.map_or(2 << 30, |t| (t / 4).max(1 << 20))
}

/// The directory spilled files go to: `--temp-dir` (which must be a directory), else
/// the output's directory.
pub fn spill_dir(given: Option<&Path>, output: &Path) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => {
            if !dir.is_dir() {
                bail!(
                    "--temp-dir {}: not a directory; give an existing directory for the files a sort spills",
                    dir.display()
                );
            }
            Ok(dir.to_path_buf())
        }
        None => Ok(crate::source::temp::parent_dir(output)),
    }
}

/// The bytes a median or quantile may hold in `wort run` (half the memory limit), when
/// the inputs may have enough rows to pass it; None when they cannot, which spares
/// them the pass that counts the values first. Uncounted rows are taken as twice the
/// reader's estimate (`FileReport::estimated_rows`); an input without one (compressed,
/// Parquet, JSON) is assumed large.
pub fn quantile_budget(report: &crate::source::SourceReport, memory_limit: u64) -> Option<u64> {
    use crate::transform::quantile::BYTES_PER_VALUE;
    let budget = (memory_limit / 2).max(1);
    let rows = match report.total_rows {
        Some(rows) => Some(rows),
        None => report.files.iter().try_fold(0u64, |sum, f| {
            Some(sum + f.rows.or(f.estimated_rows.map(|n| n.saturating_mul(2)))?)
        }),
    };
    match rows {
        Some(rows) if rows.saturating_mul(BYTES_PER_VALUE) <= budget => None,
        _ => Some(budget),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64 kb"), Ok(64 << 10));
    }

    #[test]
    fn bad_sizes_say_what_to_give() {
        assert!(parse_size("2X").unwrap_err().contains("unknown unit"));
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
        assert!(parse_size("1.2.3G").unwrap_err().contains("not a size"));
        assert!(parse_size("0").unwrap_err().contains("at least 1 byte"));
        assert!(parse_size("").unwrap_err().contains("not a size"));
    }
}
