//! Long work off the UI thread: opening (sampling) the input, applying steps,
//! profiling, evaluating rules, previews, searches.
//!
//! Each job runs on its own thread and reports progress and results as messages on a
//! channel that the event loop drains between frames, so the interface never waits.
//! A job is cancelled by forgetting its id: its result, when it comes, is dropped (polars
//! offers no way to stop a running query from outside, so the thread runs to its end
//! in the background).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use polars::prelude::*;

use super::frames::{FrameInfo, FrameKey, cell_of};
use crate::profile::{self, Profile, ProfileOptions};
use crate::quality::{self, EvalOptions, Report, dqdl::Ruleset};
use crate::recipe::{self, Step};
use crate::source::{self, ReadOptions, Source};
use crate::transform::clean_polars_error;

/// Jobs of one kind replace each other: starting one forgets the previous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    Open,
    /// The first rows, shown while the sample is drawn.
    Peek,
    Apply,
    Profile,
    Evaluate,
    Suggest,
    Preview,
    Failing,
    Search,
    /// The view sort (`[` `]`): the data in view in another order, not a step.
    ViewSort,
    /// The frequency sheet (`F`) of a column.
    Frequency,
    /// A query of the query pane (`S`).
    Query,
}

impl JobKind {
    /// What the status bar says while it runs.
    pub fn label(self) -> &'static str {
        match self {
            JobKind::Open => "reading the input",
            JobKind::Peek => "reading the first rows",
            JobKind::Apply => "applying steps",
            JobKind::Profile => "profiling",
            JobKind::Evaluate => "checking rules",
            JobKind::Suggest => "suggesting rules",
            JobKind::Preview => "previewing",
            JobKind::Failing => "finding failing rows",
            JobKind::Search => "searching",
            JobKind::ViewSort => "sorting the view",
            JobKind::Frequency => "counting values",
            JobKind::Query => "running the query",
        }
    }
}

/// Work to do.
pub enum Job {
    Open {
        inputs: Vec<String>,
        options: ReadOptions,
    },
    /// Read the first rows only (`options` already says `first:N`).
    Peek {
        inputs: Vec<String>,
        options: ReadOptions,
    },
    /// Apply `steps` one after another from `from`; each result is reported as it
    /// completes (and cached by its key).
    Apply {
        from: Arc<FrameInfo>,
        /// (1-based step number, key of the result, step)
        steps: Vec<(usize, FrameKey, Step)>,
        /// Where the recipe's other files are (join, union).
        files: recipe::Files,
    },
    Profile {
        key: FrameKey,
        df: DataFrame,
    },
    Evaluate {
        key: FrameKey,
        rules_hash: u64,
        ruleset: Ruleset,
        df: DataFrame,
        dataset: String,
    },
    Suggest {
        key: FrameKey,
        df: DataFrame,
        dataset: String,
    },
    Preview {
        generation: u64,
        step: Step,
        before: Arc<FrameInfo>,
        /// Where the recipe's other files are (join, union).
        files: recipe::Files,
    },
    Failing {
        key: FrameKey,
        label: String,
        ruleset: Ruleset,
        df: DataFrame,
    },
    Search {
        key: FrameKey,
        needle: String,
        df: DataFrame,
    },
    ViewSort(super::view_sort::SortJob),
    Query(super::query::QueryJob),
    /// Count the values of `column` for the frequency sheet asking under `target`.
    Frequency {
        target: u64,
        column: Column,
    },
}

impl Job {
    pub fn kind(&self) -> JobKind {
        match self {
            Job::Open { .. } => JobKind::Open,
            Job::Peek { .. } => JobKind::Peek,
            Job::Apply { .. } => JobKind::Apply,
            Job::Profile { .. } => JobKind::Profile,
            Job::Evaluate { .. } => JobKind::Evaluate,
            Job::Suggest { .. } => JobKind::Suggest,
            Job::Preview { .. } => JobKind::Preview,
            Job::Failing { .. } => JobKind::Failing,
            Job::Search { .. } => JobKind::Search,
            Job::ViewSort(_) => JobKind::ViewSort,
            Job::Query(_) => JobKind::Query,
            Job::Frequency { .. } => JobKind::Frequency,
        }
    }
}

/// The sample is open.
pub struct Opened {
    pub source: Source,
    pub frame: FrameInfo,
}

/// What a step would do, for the form's preview.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub rows_before: usize,
    pub rows_after: usize,
    pub added: Vec<String>,
    /// One line per added column: how many true / missing, an example value.
    pub added_summary: Vec<String>,
    pub removed: Vec<String>,
    /// Columns whose type changed: (name, before, after).
    pub retyped: Vec<(String, String, String)>,
    pub changed: Vec<Changed>,
    pub cols_before: usize,
    pub cols_after: usize,
    /// What the step itself says before it is applied (a join's match counts).
    pub notes: Vec<String>,
    /// Present values made missing and rows removed.
    pub losses: Vec<crate::recipe::loss::Loss>,
    /// The step puts the rows in another order (a sort): the notes say how.
    pub reordered: bool,
}

impl Preview {
    /// Whether the step loses more than the thresholds allow (the form then asks for a
    /// second Enter).
    pub fn large_loss(&self) -> bool {
        self.losses.iter().any(|l| l.is_large())
    }
}

/// Cells of one column that a step changes.
#[derive(Debug, Clone)]
pub struct Changed {
    pub column: String,
    pub count: u64,
    /// (0-based row, before, after)
    pub samples: Vec<(usize, String, String)>,
}

/// A result. Each moves once through the channel, so variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Output {
    Opened(Result<Box<Opened>, String>),
    Peeked(Result<Arc<FrameInfo>, String>),
    Frame {
        key: FrameKey,
        result: Result<Arc<FrameInfo>, String>,
    },
    Profiled {
        key: FrameKey,
        result: Result<Arc<Profile>, String>,
    },
    Evaluated {
        key: FrameKey,
        rules_hash: u64,
        result: Result<Report, String>,
    },
    Suggested {
        key: FrameKey,
        result: Result<(Ruleset, Report, Arc<Profile>), String>,
    },
    /// The preview and the frame after the step (cached when the step is applied).
    Previewed {
        generation: u64,
        result: Result<(Preview, Arc<FrameInfo>), String>,
    },
    Failing {
        key: FrameKey,
        label: String,
        result: Result<(Arc<FrameInfo>, Vec<u64>), String>,
    },
    Searched {
        key: FrameKey,
        needle: String,
        hits: Vec<(usize, usize)>,
    },
    ViewSorted {
        target: u64,
        result: Result<super::view_sort::Sorted, String>,
    },
    Queried(super::query::Queried),
    Counted {
        target: u64,
        result: Result<super::frequency::Frequencies, String>,
    },
}

/// A message from a job.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Progress {
        id: u64,
        text: String,
    },
    /// A result; `last` when the job is finished.
    Output {
        id: u64,
        output: Output,
        last: bool,
    },
}

/// Most search hits kept.
pub const MAX_HITS: usize = 100_000;

/// Run `job` on a new thread, reporting to `tx` under `id`.
pub fn spawn(id: u64, job: Job, tx: Sender<Msg>) {
    let kind = job.kind();
    let tx2 = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("wort-job".into())
        .spawn(move || {
            let reporter = Reporter {
                id,
                tx: tx2.clone(),
            };
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| run(job, &reporter)));
            if let Err(p) = result {
                let text = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                let output = failed(kind, format!("internal error: {text}"));
                let _ = tx2.send(Msg::Output {
                    id,
                    output,
                    last: true,
                });
            }
        });
    if let Err(e) = spawned {
        let _ = tx.send(Msg::Output {
            id,
            output: failed(kind, format!("cannot start a thread: {e}")),
            last: true,
        });
    }
}

/// A failure of a job of `kind`, as an output the app understands.
fn failed(kind: JobKind, message: String) -> Output {
    match kind {
        JobKind::Open => Output::Opened(Err(message)),
        JobKind::Peek => Output::Peeked(Err(message)),
        JobKind::Apply => Output::Frame {
            key: 0,
            result: Err(message),
        },
        JobKind::Profile => Output::Profiled {
            key: 0,
            result: Err(message),
        },
        JobKind::Evaluate => Output::Evaluated {
            key: 0,
            rules_hash: 0,
            result: Err(message),
        },
        JobKind::Suggest => Output::Suggested {
            key: 0,
            result: Err(message),
        },
        JobKind::Preview => Output::Previewed {
            generation: 0,
            result: Err(message),
        },
        JobKind::Failing => Output::Failing {
            key: 0,
            label: String::new(),
            result: Err(message),
        },
        JobKind::Search => Output::Searched {
            key: 0,
            needle: String::new(),
            hits: Vec::new(),
        },
        JobKind::ViewSort => Output::ViewSorted {
            target: 0,
            result: Err(message),
        },
        JobKind::Frequency => Output::Counted {
            target: 0,
            result: Err(message),
        },
        JobKind::Query => Output::Queried(super::query::Queried {
            base: 0,
            sql: String::new(),
            result: Err(message),
        }),
    }
}

struct Reporter {
    id: u64,
    tx: Sender<Msg>,
}

impl Reporter {
    fn progress(&self, text: String) {
        let _ = self.tx.send(Msg::Progress { id: self.id, text });
    }
    fn output(&self, output: Output, last: bool) {
        let _ = self.tx.send(Msg::Output {
            id: self.id,
            output,
            last,
        });
    }
}

fn run(job: Job, r: &Reporter) {
    match job {
        Job::Open { inputs, options } => r.output(Output::Opened(open(&inputs, &options)), true),
        Job::Peek { inputs, options } => {
            let result = open(&inputs, &options).map(|o| Arc::new(o.frame));
            r.output(Output::Peeked(result), true);
        }
        Job::Apply { from, steps, files } => {
            let n = steps.len();
            let mut cur = from;
            for (i, (number, key, step)) in steps.into_iter().enumerate() {
                r.progress(format!(
                    "applying step {number} ({}), {} of {n}",
                    step.op.name(),
                    i + 1
                ));
                match super::frames::apply_one(&step, number, &cur, &files) {
                    Ok(next) => {
                        let next = Arc::new(next);
                        r.output(
                            Output::Frame {
                                key,
                                result: Ok(next.clone()),
                            },
                            i + 1 == n,
                        );
                        cur = next;
                    }
                    Err(e) => {
                        r.output(
                            Output::Frame {
                                key,
                                result: Err(e),
                            },
                            true,
                        );
                        return;
                    }
                }
            }
            if n == 0 {
                r.output(
                    Output::Frame {
                        key: super::frames::BASE_KEY,
                        result: Ok(cur),
                    },
                    true,
                );
            }
        }
        Job::Profile { key, df } => {
            let result = run_profile(df, r).map(Arc::new);
            r.output(Output::Profiled { key, result }, true);
        }
        Job::Evaluate {
            key,
            rules_hash,
            ruleset,
            df,
            dataset,
        } => {
            let opts = EvalOptions {
                dataset,
                max_failing_rows: 5,
                ..EvalOptions::default()
            };
            let result = quality::evaluate(&ruleset, df.lazy(), &opts).map_err(|e| e.message);
            r.output(
                Output::Evaluated {
                    key,
                    rules_hash,
                    result,
                },
                true,
            );
        }
        Job::Suggest { key, df, dataset } => {
            let result = (|| {
                let profile = run_profile(df.clone(), r)?;
                r.progress("checking the suggested rules".into());
                let rules = quality::suggest(&profile);
                let opts = EvalOptions {
                    dataset,
                    max_failing_rows: 5,
                    ..EvalOptions::default()
                };
                let report = quality::evaluate(&rules, df.lazy(), &opts).map_err(|e| e.message)?;
                Ok((rules, report, Arc::new(profile)))
            })();
            r.output(Output::Suggested { key, result }, true);
        }
        Job::Preview {
            generation,
            step,
            before,
            files,
        } => {
            let result = preview(&step, &before, &files);
            r.output(Output::Previewed { generation, result }, true);
        }
        Job::Failing {
            key,
            label,
            ruleset,
            df,
        } => {
            let result = failing(&ruleset, df);
            r.output(Output::Failing { key, label, result }, true);
        }
        Job::Search { key, needle, df } => {
            let hits = search(&df, &needle);
            r.output(Output::Searched { key, needle, hits }, true);
        }
        Job::ViewSort(job) => {
            let target = job.target;
            let result = job.run();
            r.output(Output::ViewSorted { target, result }, true);
        }
        Job::Query(job) => r.output(Output::Queried(job.run()), true),
        Job::Frequency { target, column } => {
            let result = super::frequency::count(&column);
            r.output(Output::Counted { target, result }, true);
        }
    }
}

fn open(inputs: &[String], options: &ReadOptions) -> Result<Box<Opened>, String> {
    let src = source::open(inputs, options).map_err(|e| e.to_string())?;
    let df = src
        .lazy()
        .map_err(|e| e.to_string())?
        .collect()
        .map_err(|e| clean_polars_error(&e))?;
    Ok(Box::new(Opened {
        source: src,
        frame: FrameInfo::new(df),
    }))
}

fn run_profile(df: DataFrame, r: &Reporter) -> Result<Profile, String> {
    let total = df.height() as u64;
    let tx = r.tx.clone();
    let id = r.id;
    let opts = ProfileOptions {
        progress: Some(Arc::new(move |done: u64| {
            let _ = tx.send(Msg::Progress {
                id,
                text: format!(
                    "profiling {} of {} rows",
                    crate::util::thousands(done),
                    crate::util::thousands(total)
                ),
            });
        })),
        ..ProfileOptions::default()
    };
    profile::profile(df.lazy(), &opts).map_err(|e| e.to_string())
}

fn preview(
    step: &Step,
    before: &FrameInfo,
    files: &recipe::Files,
) -> Result<(Preview, Arc<FrameInfo>), String> {
    let after = super::frames::apply_one(step, 1, before, files)?;
    let (b, a) = (&before.df, &after.df);
    let schema = b.schema().as_ref().clone();
    let cx = crate::transform::ApplyCx {
        tables: Some(files),
        ..crate::transform::ApplyCx::plain(&schema)
    };
    let notes = step
        .op
        .step()
        .preview(b.clone().lazy(), &cx)
        .map_err(|e| clean_polars_error(&e))?;
    let reordered = step.op.step().reorders_rows();
    let mut p = Preview {
        rows_before: b.height(),
        rows_after: a.height(),
        cols_before: b.width(),
        cols_after: a.width(),
        notes,
        // Losses compare the frames row by row, which a new order would upset; moving
        // rows loses nothing.
        losses: if reordered {
            Vec::new()
        } else {
            crate::recipe::loss::between(b, a)
        },
        reordered,
        ..Preview::default()
    };
    let before_names: Vec<String> = b.get_column_names().iter().map(|n| n.to_string()).collect();
    let after_names: Vec<String> = a.get_column_names().iter().map(|n| n.to_string()).collect();
    p.added = after_names
        .iter()
        .filter(|n| !before_names.contains(n))
        .cloned()
        .collect();
    for name in &p.added {
        let Ok(c) = a.column(name) else { continue };
        let n = c.len();
        let text = match c.bool() {
            Ok(b) => format!(
                "{name}: {} true of {}",
                crate::util::thousands(b.sum().unwrap_or(0) as u64),
                crate::util::thousands(n as u64)
            ),
            Err(_) => {
                let first = (0..n.min(200))
                    .filter_map(|i| c.get(i).ok())
                    .map(|v| cell_of(&v))
                    .find(|v| *v != super::frames::Cell::Missing)
                    .map(|v| format!(", e.g. {}", v.display()))
                    .unwrap_or_default();
                format!(
                    "{name}: {} of {} missing{first}",
                    crate::util::thousands(c.null_count() as u64),
                    crate::util::thousands(n as u64)
                )
            }
        };
        p.added_summary.push(text);
    }
    p.removed = before_names
        .iter()
        .filter(|n| !after_names.contains(n))
        .cloned()
        .collect();
    for name in after_names.iter().filter(|n| before_names.contains(n)) {
        let (Ok(cb), Ok(ca)) = (b.column(name), a.column(name)) else {
            continue;
        };
        if cb.dtype() != ca.dtype() {
            p.retyped.push((
                name.clone(),
                super::frames::badge(cb.dtype()),
                super::frames::badge(ca.dtype()),
            ));
        }
        // A sort moves rows: its note says how; comparing row by row would count
        // every moved value as changed.
        if b.height() != a.height() || reordered {
            continue;
        }
        let sb = cb.as_materialized_series().cast(&DataType::String);
        let sa = ca.as_materialized_series().cast(&DataType::String);
        let (Ok(sb), Ok(sa)) = (sb, sa) else { continue };
        let Ok(diff) = sb.not_equal_missing(&sa) else {
            continue;
        };
        let count = diff.sum().unwrap_or(0) as u64;
        if count == 0 {
            continue;
        }
        let samples = diff
            .iter()
            .enumerate()
            .filter(|(_, v)| *v == Some(true))
            .take(6)
            .map(|(i, _)| {
                // Quote text whose edges are spaces, so that trimming shows.
                let show = |c: &Column| {
                    let text = c.get(i).map(|v| cell_of(&v).display()).unwrap_or_default();
                    if text.trim() != text {
                        format!("{text:?}")
                    } else {
                        text
                    }
                };
                (i, show(cb), show(ca))
            })
            .collect();
        p.changed.push(Changed {
            column: name.clone(),
            count,
            samples,
        });
    }
    Ok((p, Arc::new(after)))
}

fn failing(ruleset: &Ruleset, df: DataFrame) -> Result<(Arc<FrameInfo>, Vec<u64>), String> {
    let lf = quality::failing_rows_frame(ruleset, df.lazy(), &EvalOptions::default())
        .map_err(|e| e.message)?;
    let mut out = lf.collect().map_err(|e| clean_polars_error(&e))?;
    let rows: Vec<u64> = out
        .column("row")
        .map_err(|e| clean_polars_error(&e))?
        .cast(&DataType::UInt64)
        .map_err(|e| clean_polars_error(&e))?
        .u64()
        .map_err(|e| clean_polars_error(&e))?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let _ = out.drop_in_place("row");
    let _ = out.drop_in_place("failed_rules");
    Ok((Arc::new(FrameInfo::new(out)), rows))
}

/// Cells containing `needle` (case-insensitive), row by row, at most [`MAX_HITS`].
pub fn search(df: &DataFrame, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() || df.width() == 0 {
        return Vec::new();
    }
    let lower = needle.to_lowercase();
    let exprs: Vec<Expr> = df
        .get_column_names()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            col(n.as_str())
                .cast(DataType::String)
                .str()
                .to_lowercase()
                .str()
                .contains_literal(lit(lower.clone()))
                .fill_null(lit(false))
                .alias(format!("__hit{i}"))
        })
        .collect();
    let Ok(masks) = df.clone().lazy().select(exprs).collect() else {
        return Vec::new();
    };
    let cols: Vec<Vec<usize>> = masks
        .columns()
        .iter()
        .map(|c| match c.bool() {
            Ok(b) => b
                .iter()
                .enumerate()
                .filter(|(_, v)| *v == Some(true))
                .map(|(i, _)| i)
                .take(MAX_HITS)
                .collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let mut hits: Vec<(usize, usize)> = cols
        .iter()
        .enumerate()
        .flat_map(|(c, rows)| rows.iter().map(move |r| (*r, c)))
        .collect();
    hits.sort_unstable();
    hits.truncate(MAX_HITS);
    hits
}
