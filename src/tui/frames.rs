//! Materialised frames and what the grid needs to know about them.
//!
//! A frame is identified by a key: the hash of the steps that made it (disabled steps
//! and comments do not count), so the same prefix of steps always finds the same
//! cached frame, whatever revision of the recipe it belongs to. That is what makes
//! undo, redo and moving through the recipe instant.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use polars::prelude::*;

use crate::recipe::{Recipe, Step};

/// Identifies the data after a prefix of steps.
pub type FrameKey = u64;

/// The key of the sample itself.
pub const BASE_KEY: FrameKey = 0x5eed;

/// The key after applying `step` to the frame `prev`.
pub fn step_key(prev: FrameKey, step: &Step) -> FrameKey {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    prev.hash(&mut h);
    let mut data_only = step.clone();
    data_only.comment = None;
    data_only.disabled = false;
    serde_json::to_string(&data_only)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

/// Keys after 0, 1, ... n steps of `recipe` (`n + 1` keys).
pub fn prefix_keys(recipe: &Recipe) -> Vec<FrameKey> {
    let mut keys = Vec::with_capacity(recipe.steps.len() + 1);
    let mut k = BASE_KEY;
    keys.push(k);
    for s in &recipe.steps {
        if !s.disabled {
            k = step_key(k, s);
        }
        keys.push(k);
    }
    keys
}

/// What the header shows about a column.
#[derive(Debug, Clone)]
pub struct ColumnInfo {
    pub name: String,
    pub dtype: DataType,
    /// Fitted display width.
    pub width: u16,
    pub nulls: u64,
    pub empties: u64,
    pub distinct: Option<u64>,
}

impl ColumnInfo {
    /// A short type badge: int, float, text, bool, date, dtime...
    pub fn badge(&self) -> String {
        badge(&self.dtype)
    }
}

pub fn badge(dt: &DataType) -> String {
    match dt {
        DataType::String => "text".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date => "date".into(),
        DataType::Datetime(_, _) => "dtime".into(),
        DataType::Time => "time".into(),
        DataType::Duration(_) => "dur".into(),
        dt if dt.is_integer() => "int".into(),
        dt if dt.is_float() => "float".into(),
        DataType::Null => "null".into(),
        other => {
            let s = other.to_string();
            s.chars().take(6).collect()
        }
    }
}

/// A collected frame and its column summaries.
#[derive(Debug, Clone)]
pub struct FrameInfo {
    pub df: DataFrame,
    pub columns: Vec<ColumnInfo>,
}

/// Widest a column is fitted to.
pub const MAX_WIDTH: usize = 40;
/// Rows read to fit column widths.
const FIT_ROWS: usize = 500;

impl FrameInfo {
    /// Summarise `df` (rechunked, so that cell lookups are direct).
    pub fn new(mut df: DataFrame) -> FrameInfo {
        df.rechunk_mut();
        let rows = df.height();
        let columns = df
            .columns()
            .iter()
            .map(|c| {
                let name = c.name().to_string();
                let dtype = c.dtype().clone();
                let nulls = c.null_count() as u64;
                let empties = match c.str() {
                    Ok(ca) => ca.iter().filter(|v| *v == Some("")).count() as u64,
                    Err(_) => 0,
                };
                let distinct = crate::profile::distinct_values(c);
                let mut width = name.chars().count().max(badge(&dtype).len() + 5);
                for i in 0..rows.min(FIT_ROWS) {
                    if let Ok(v) = c.get(i) {
                        width = width.max(cell_of(&v).display().chars().count());
                    }
                    if width >= MAX_WIDTH {
                        break;
                    }
                }
                ColumnInfo {
                    name,
                    dtype,
                    width: width.clamp(4, MAX_WIDTH) as u16,
                    nulls,
                    empties,
                    distinct,
                }
            })
            .collect();
        FrameInfo { df, columns }
    }

    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// Names of the columns.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    pub fn width(&self) -> usize {
        self.df.width()
    }

    pub fn cell(&self, row: usize, col: usize) -> Cell {
        match self.df.columns().get(col).map(|c| c.get(row)) {
            Some(Ok(v)) => cell_of(&v),
            _ => Cell::Missing,
        }
    }

    pub fn schema(&self) -> Schema {
        self.df.schema().as_ref().clone()
    }
}

/// One cell as the grid shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Missing,
    Empty,
    Text(String),
}

impl Cell {
    /// One line for the grid (line breaks and tabs shown as symbols).
    pub fn display(&self) -> String {
        match self {
            Cell::Missing => "null".into(),
            Cell::Empty => "\"\"".into(),
            Cell::Text(s) => {
                if s.contains(['\n', '\r', '\t']) {
                    s.replace("\r\n", "↵")
                        .replace(['\n', '\r'], "↵")
                        .replace('\t', "→")
                } else {
                    s.clone()
                }
            }
        }
    }

    /// The full value (for the detail popup and search).
    pub fn raw(&self) -> String {
        match self {
            Cell::Missing => "null".into(),
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
        }
    }
}

pub fn cell_of(v: &AnyValue) -> Cell {
    match v {
        AnyValue::Null => Cell::Missing,
        AnyValue::String("") => Cell::Empty,
        AnyValue::String(s) => Cell::Text(s.to_string()),
        AnyValue::StringOwned(s) if s.is_empty() => Cell::Empty,
        AnyValue::StringOwned(s) => Cell::Text(s.to_string()),
        AnyValue::Float64(f) => Cell::Text(fmt_float(*f)),
        AnyValue::Float32(f) => Cell::Text(fmt_float(f64::from(*f))),
        other => Cell::Text(other.to_string()),
    }
}

/// Floats as written in data: no trailing `.0` noise beyond what the value needs.
fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{f:.1}");
    }
    let s = format!("{f}");
    if s.len() <= 16 {
        return s;
    }
    // Ten significant digits without an exponent where the number reads that way
    // (4716.017964, not 4.716018e3); an exponent only for the very large or small.
    let mag = f.abs();
    if (1e-4..1e15).contains(&mag) {
        let int_digits = (mag.log10().floor() as i32 + 1).max(1);
        let prec = (10 - int_digits).max(0) as usize;
        let t = format!("{f:.prec$}");
        return if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        };
    }
    format!("{f:.6e}")
}

/// Apply one step (numbered `number` in the recipe) through `recipe::apply`.
pub fn apply_one(
    step: &Step,
    number: usize,
    from: &FrameInfo,
    files: &crate::recipe::Files,
) -> Result<FrameInfo, String> {
    let lf = crate::recipe::apply(
        &crate::recipe::Recipe::of_step_in(step, files),
        from.df.clone().lazy(),
    )
    .map_err(|e| format!("step {number} ({}): {}", e.op, e.message))?;
    let df = lf.collect().map_err(|e| {
        format!(
            "step {number} ({}): {}",
            step.op.name(),
            crate::util::clean_polars_error(&e)
        )
    })?;
    Ok(FrameInfo::new(df))
}

/// Cached frames with a size budget; the oldest go first, never the current chain of steps.
#[derive(Default)]
pub struct FrameCache {
    entries: HashMap<FrameKey, (std::sync::Arc<FrameInfo>, u64)>,
    /// Frames that failed to compute: the error.
    errors: HashMap<FrameKey, String>,
    clock: u64,
}

/// Most bytes of cached frames kept (the current chain is always kept).
const BUDGET: usize = 2 << 30;

impl FrameCache {
    pub fn peek(&self, key: FrameKey) -> Option<&std::sync::Arc<FrameInfo>> {
        self.entries.get(&key).map(|(f, _)| f)
    }

    pub fn contains(&self, key: FrameKey) -> bool {
        self.entries.contains_key(&key)
    }

    pub fn error(&self, key: FrameKey) -> Option<&String> {
        self.errors.get(&key)
    }

    pub fn insert_error(&mut self, key: FrameKey, message: String) {
        self.errors.insert(key, message);
    }

    pub fn clear_errors(&mut self) {
        self.errors.clear();
    }

    /// Insert a frame, then evict the oldest frames over the budget, never
    /// one of `keep`.
    pub fn insert(&mut self, key: FrameKey, frame: FrameInfo, keep: &[FrameKey]) {
        self.clock += 1;
        self.errors.remove(&key);
        self.entries
            .insert(key, (std::sync::Arc::new(frame), self.clock));
        let mut total: usize = self
            .entries
            .values()
            .map(|(f, _)| f.df.estimated_size())
            .sum();
        while total > BUDGET {
            let victim = self
                .entries
                .iter()
                .filter(|(k, _)| !keep.contains(k) && **k != key)
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, (f, _))| (*k, f.df.estimated_size()));
            match victim {
                Some((k, size)) => {
                    self.entries.remove(&k);
                    total -= size;
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::Op;

    #[test]
    fn keys_ignore_comments_and_disabled_steps() {
        let op = Op::from_parts("upper", serde_json::json!({"column": "a"})).unwrap();
        let mut r = Recipe::default();
        r.steps.push(Step::new(op.clone()));
        let k1 = prefix_keys(&r);
        r.steps[0].comment = Some("x".into());
        assert_eq!(prefix_keys(&r), k1);
        r.steps[0].disabled = true;
        assert_eq!(prefix_keys(&r), vec![BASE_KEY, BASE_KEY]);
    }

    #[test]
    fn cells_distinguish_missing_and_empty() {
        let df = df!("a" => [Some("x"), Some(""), None]).unwrap();
        let f = FrameInfo::new(df);
        assert_eq!(f.cell(0, 0), Cell::Text("x".into()));
        assert_eq!(f.cell(1, 0), Cell::Empty);
        assert_eq!(f.cell(2, 0), Cell::Missing);
        assert_eq!(f.columns[0].nulls, 1);
        assert_eq!(f.columns[0].empties, 1);
        // Missing is not a value: "x" and "".
        assert_eq!(f.columns[0].distinct, Some(2));
    }

    #[test]
    fn long_floats_read_without_an_exponent_unless_huge_or_tiny() {
        assert_eq!(fmt_float(4716.017964071856), "4716.017964");
        assert_eq!(fmt_float(0.1 + 0.2), "0.3");
        assert_eq!(fmt_float(-3712.9032258064517), "-3712.903226");
        assert_eq!(fmt_float(2.5), "2.5");
        assert_eq!(fmt_float(3.0), "3.0");
        assert_eq!(fmt_float(1.234567891234e20), "1.234568e20");
        assert_eq!(fmt_float(1.2345678912345e-7), "1.234568e-7");
    }
}
