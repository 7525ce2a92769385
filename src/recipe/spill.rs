//! Out-of-core `sort` and `dedupe` for `wort run`.
//!
//! polars sorts in memory. Under `--memory-limit`, `wort run` instead writes the rows
//! the sort gets to a temporary Parquet file (streaming, with each row's position), cuts
//! it into runs small enough to sort in memory, sorts each run into a file of its own,
//! and merges the runs into one sorted file that the rest of the plan reads: a k-way
//! merge, a batch of each run at a time, which emits every buffered row up to the
//! smallest of the runs' last loaded rows (nothing still on disk can come before it).
//! Ties are broken by position, so the result is the stable sort the in-memory plan
//! gives (nulls last).
//!
//! `dedupe` keeps a set of the keys seen; when the rows it gets do not fit in the
//! budget, they are spilled with their position and a hash of the key, each hash
//! partition small enough to fit is deduplicated on its own (equal keys share a
//! partition, in their order of arrival, so the first of each is kept), and the kept
//! rows are merged back into their original order by position. The files are [`TempFile`]s in the spill directory: unnamed
//! where the system allows, so a killed run leaves nothing behind.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use polars::prelude::*;

use crate::source::temp::TempFile;
use crate::transform::literal::KeepRows;

/// The hidden position column the spilled rows carry.
const ROW: &str = "__wort_row";
/// The hidden hash of a dedupe's key.
const HASH: &str = "__wort_key_hash";
/// The fewest rows of a run, whatever the limit (a limit below one row still sorts).
const MIN_RUN: u64 = 64;

/// Where and how much `wort run` may spill.
#[derive(Debug)]
pub struct Spill {
    /// Bytes the rows sorted in memory at once may take (a quarter of `--memory-limit`:
    /// sorting needs the rows, their order and the sorted copy).
    budget: u64,
    dir: PathBuf,
    /// The files the plan still reads, removed when the run is over.
    kept: Mutex<Vec<TempFile>>,
}

impl Spill {
    /// Spill into `dir`, sorting at most about `memory_limit` bytes in memory.
    pub fn new(memory_limit: u64, dir: PathBuf) -> Spill {
        Spill {
            budget: (memory_limit / 4).max(1),
            dir,
            kept: Mutex::new(Vec::new()),
        }
    }

    fn temp(&self) -> PolarsResult<TempFile> {
        TempFile::new_in(&self.dir, ".parquet").map_err(|e| {
            polars_err!(ComputeError: "cannot create a temporary file in {} to sort in: {e} (give another directory with --temp-dir)", self.dir.display())
        })
    }

    /// `lf` sorted by `by` (stable, as `opts` says), reading at most about the memory
    /// budget at once: the rows are spilled and merged when they do not fit.
    pub fn sort(
        &self,
        lf: LazyFrame,
        by: &[PlSmallStr],
        opts: &SortMultipleOptions,
    ) -> PolarsResult<LazyFrame> {
        let all = self.temp()?;
        sink(lf.with_row_index(ROW, None), all.path())?;
        let rows = count(all.path())?;
        let (keys, order) = with_position(by, opts);
        let run_rows = self.rows_per_budget(all.path())?;
        let sorted = if rows <= run_rows {
            let one = self.temp()?;
            sink(scan(all.path())?.sort(keys, order), one.path())?;
            one
        } else {
            let mut runs = Vec::new();
            let mut start = 0;
            while start < rows {
                let run = self.temp()?;
                let part = scan(all.path())?.slice(start as i64, run_rows as IdxSize);
                sink(part.sort(keys.clone(), order.clone()), run.path())?;
                runs.push(run);
                start += run_rows;
            }
            drop(all);
            let merged = self.temp()?;
            let batch = (run_rows / (runs.len() as u64 + 1)).max(MIN_RUN);
            merge(&runs, &keys, &order, batch as IdxSize, merged.path())?;
            merged
        };
        let lf = scan(sorted.path())?.drop(by_name([ROW], true, false));
        self.keep_file(sorted);
        Ok(lf)
    }
}

impl Spill {
    /// `keep` (a plan that removes the rows whose key was met before) applied to `lf`,
    /// partition by partition of the key's hash when the rows do not fit the budget.
    pub fn dedupe(&self, lf: LazyFrame, key: Expr, keep: &KeepRows) -> PolarsResult<LazyFrame> {
        let all = self.temp()?;
        let hashed = lf
            .with_row_index(ROW, None)
            .with_column(key.hash(0x5eed, 0xd00d, 0xfeed, 0xbeef).alias(HASH));
        sink(hashed, all.path())?;
        let rows = count(all.path())?;
        let partitions = rows.div_ceil(self.rows_per_budget(all.path())?);
        let hidden = || by_name([ROW, HASH], true, false);
        if partitions <= 1 {
            let lf = keep(scan(all.path())?).drop(hidden());
            self.keep_file(all);
            return Ok(lf);
        }
        let mut parts = Vec::new();
        for i in 0..partitions {
            let part = self.temp()?;
            let rows = scan(all.path())?.filter((col(HASH) % lit(partitions)).eq(lit(i)));
            sink(keep(rows).drop(by_name([HASH], true, false)), part.path())?;
            parts.push(part);
        }
        drop(all);
        let merged = self.temp()?;
        let order = SortMultipleOptions::default().with_maintain_order(true);
        let batch = (self.budget / 64 / partitions).max(MIN_RUN);
        merge(
            &parts,
            &[ROW.into()],
            &order,
            batch as IdxSize,
            merged.path(),
        )?;
        let lf = scan(merged.path())?.drop(by_name([ROW], true, false));
        self.keep_file(merged);
        Ok(lf)
    }

    /// How many rows of the spilled file at `path` fit the budget (at least
    /// [`MIN_RUN`]), from the size of its first rows in memory.
    fn rows_per_budget(&self, path: &Path) -> PolarsResult<u64> {
        let sample = scan(path)?.slice(0, 10_000).collect()?;
        let row_bytes = (sample.estimated_size() / sample.height().max(1)).max(1) as u64;
        Ok((self.budget / row_bytes).max(MIN_RUN))
    }

    /// Keep `file` until the run is over: the plan reads it.
    fn keep_file(&self, file: TempFile) {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file);
    }
}

/// The sort keys and options with the position last, as the tie-breaker.
fn with_position(
    by: &[PlSmallStr],
    opts: &SortMultipleOptions,
) -> (Vec<PlSmallStr>, SortMultipleOptions) {
    let per_key = |v: &[bool], default: bool| -> Vec<bool> {
        let mut out: Vec<bool> = match v.len() {
            0 => vec![default; by.len()],
            1 => vec![v[0]; by.len()],
            _ => v.to_vec(),
        };
        out.push(false);
        out
    };
    let mut keys = by.to_vec();
    keys.push(ROW.into());
    let order = SortMultipleOptions::default()
        .with_order_descending_multi(per_key(&opts.descending, false))
        .with_nulls_last_multi(per_key(&opts.nulls_last, false))
        .with_maintain_order(true);
    (keys, order)
}

fn scan(path: &Path) -> PolarsResult<LazyFrame> {
    LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
}

fn sink(lf: LazyFrame, path: &Path) -> PolarsResult<()> {
    let target = SinkTarget::Path(PlRefPath::new(path.to_string_lossy().as_ref()));
    lf.with_predicate_pushdown(false)
        .sink(
            SinkDestination::File { target },
            FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions::default())),
            UnifiedSinkArgs::default(),
        )?
        .collect_with_engine(Engine::Streaming)?;
    Ok(())
}

fn count(path: &Path) -> PolarsResult<u64> {
    let df = scan(path)?.select([len().alias("n")]).collect()?;
    let n = df.column("n")?.get(0)?.extract::<u64>();
    n.ok_or_else(|| polars_err!(ComputeError: "the spilled rows could not be counted"))
}

/// One run being merged: its file, how far it has been read, and its last loaded row.
struct Run<'a> {
    path: &'a Path,
    read: u64,
    /// The sort keys of the last row loaded (None once the run is read to its end).
    last: Option<DataFrame>,
}

/// Merge sorted `runs` into one sorted Parquet file at `out`, `batch` rows of a run at
/// a time.
fn merge(
    runs: &[TempFile],
    keys: &[PlSmallStr],
    order: &SortMultipleOptions,
    batch: IdxSize,
    out: &Path,
) -> PolarsResult<()> {
    let mut state: Vec<Run> = runs
        .iter()
        .map(|r| Run {
            path: r.path(),
            read: 0,
            last: None,
        })
        .collect();
    let mut pending: Option<DataFrame> = None;
    let load = |run: &mut Run, pending: &mut Option<DataFrame>| -> PolarsResult<()> {
        let df = scan(run.path)?.slice(run.read as i64, batch).collect()?;
        run.read += df.height() as u64;
        run.last = if df.height() == 0 {
            None
        } else {
            Some(df.select(keys.iter().cloned())?.tail(Some(1)))
        };
        match pending {
            Some(p) => {
                p.vstack_mut(&df)?;
            }
            None => *pending = Some(df),
        }
        Ok(())
    };
    for run in &mut state {
        load(run, &mut pending)?;
    }
    let Some(first) = &pending else {
        polars_bail!(ComputeError: "nothing to merge");
    };
    let file = std::fs::File::create(out)?;
    let mut writer = ParquetWriter::new(file).batched(first.schema())?;
    loop {
        let Some(mut rows) = pending.take() else {
            break;
        };
        rows = rows.sort(keys.iter().cloned(), order.clone())?;
        // The smallest last loaded row: every row not yet loaded comes after it.
        let heads: Vec<(usize, &DataFrame)> = state
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.last.as_ref().map(|l| (i, l)))
            .collect();
        if heads.is_empty() {
            writer.write_batch(&rows)?;
            break;
        }
        let mut lasts = DataFrame::empty_with_schema(heads[0].1.schema());
        for (_, l) in &heads {
            lasts.vstack_mut(l)?;
        }
        let runs_col = Column::new(
            "__wort_run".into(),
            heads.iter().map(|(i, _)| *i as u32).collect::<Vec<_>>(),
        );
        lasts.with_column(runs_col)?;
        let lasts = lasts.sort(keys.iter().cloned(), order.clone())?;
        let smallest = lasts.column(ROW)?.idx()?.get(0);
        let run = lasts.column("__wort_run")?.u32()?.get(0);
        let (Some(smallest), Some(run)) = (smallest, run) else {
            polars_bail!(ComputeError: "a sorted run has a row without a position");
        };
        let at = rows
            .column(ROW)?
            .idx()?
            .iter()
            .position(|p| p == Some(smallest))
            .ok_or_else(|| polars_err!(ComputeError: "merging sorted runs lost row {smallest}"))?;
        writer.write_batch(&rows.slice(0, at + 1))?;
        let rest = rows.slice((at + 1) as i64, rows.height() - at - 1);
        pending = Some(rest);
        load(&mut state[run as usize], &mut pending)?;
    }
    writer.finish()?;
    Ok(())
}
