//! A full read's second chances and its row check: `diagnose` finds the columns a late
//! value broke, `retry_on_late_types` reads them as text and runs the attempt again,
//! `verify`/`settle` wait for the background row check.

use super::*;

impl Source {
    /// After a failed full run: which columns have values that don't fit their inferred
    /// type, with the first offending value.
    pub fn diagnose(&self) -> Result<Vec<(String, String)>, SourceError> {
        let raw = self.raw_text_lazy().map_err(|e| self.polars_error(&e))?;
        let mut exprs = Vec::new();
        let mut names = Vec::new();
        for (name, conv) in &self.conversions {
            if let Some(c) = conv {
                let bad = col(name.as_str())
                    .is_not_null()
                    .and(c.expr(name, false).is_null());
                exprs.push(col(name.as_str()).filter(bad).first().alias(name.as_str()));
                names.push(name.clone());
            }
        }
        if exprs.is_empty() {
            return Ok(Vec::new());
        }
        let df = raw
            .select(exprs)
            .collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
            .map_err(|e| self.polars_error(&e))?;
        let mut out = Vec::new();
        for name in names {
            if let Ok(c) = df.column(&name)
                && let Ok(AnyValue::String(v)) = c.get(0)
            {
                out.push((name, v.to_string()));
            } else if let Ok(c) = df.column(&name)
                && let Ok(AnyValue::StringOwned(v)) = c.get(0)
            {
                out.push((name, v.to_string()));
            }
        }
        Ok(out)
    }

    /// The inputs as text, without conversions.
    fn raw_text_lazy(&self) -> PolarsResult<LazyFrame> {
        let text_only = Source {
            inputs: self.inputs.clone(),
            null_tokens: self.null_tokens.clone(),
            spare_null_tokens: Vec::new(),
            background: None,
            reopen: None,
            conversions: self
                .conversions
                .iter()
                .map(|(n, _)| (n.clone(), None))
                .collect(),
            frame: None,
            report: self.report.clone(),
            _temp: Vec::new(),
        };
        text_only.full_lazy(false)
    }

    /// Run `attempt` over the data; when a full read fails because a value after the
    /// first [`FULL_INFER_ROWS`] rows does not fit its inferred type, read that column
    /// as text and try again (up to 3 times). `note` receives one line per column
    /// demoted. Other errors, and failures on samples, are returned as they are.
    pub fn retry_on_late_types<T>(
        &mut self,
        mut attempt: impl FnMut(&Source) -> Result<T, LateTypeError>,
        mut note: impl FnMut(&str),
    ) -> Result<T, LateTypeError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = attempt(self);
            // A malformed row found by the background check explains any failure, and
            // voids a success. Rows the careful read can set aside (or a repeated
            // header, a second table) mean reading the inputs again, checked first.
            if let Err(e) = self.settle() {
                match (e, self.reopen.take()) {
                    (SourceError::ReadAgain { path, message }, Some(reopen)) => {
                        note(&format!(
                            "note   {path} {message}: reading it again with its rows checked first"
                        ));
                        let temps = std::mem::take(&mut self._temp);
                        *self = super::open::open_prepared(reopen.prepared, &reopen.opts, temps)
                            .map_err(|e| LateTypeError::Other(e.to_string()))?;
                        continue;
                    }
                    (e, _) => return Err(LateTypeError::Other(e.to_string())),
                }
            }
            match result {
                Err(LateTypeError::Polars(msg)) if self.report.sample.is_full() && attempts < 4 => {
                    let bad = self
                        .diagnose()
                        .map_err(|e| LateTypeError::Other(e.to_string()))?;
                    if bad.is_empty() {
                        return Err(LateTypeError::Polars(msg));
                    }
                    // A default null token first seen late: read it as missing.
                    let (tokens, bad): (Vec<_>, Vec<_>) = bad
                        .into_iter()
                        .partition(|(_, v)| self.spare_null_tokens.contains(v));
                    for (name, value) in &tokens {
                        if let Some(i) = self.spare_null_tokens.iter().position(|t| t == value) {
                            let token = self.spare_null_tokens.remove(i);
                            note(&format!(
                                "note   column {name} holds the null token {} after the first {} rows: reading it as missing and starting again",
                                quoted(&token, 30),
                                thousands(FULL_INFER_ROWS as u64),
                            ));
                            self.null_tokens.push(token);
                        }
                    }
                    let names: Vec<String> = bad.iter().map(|(n, _)| n.clone()).collect();
                    for (name, value) in &bad {
                        note(&format!(
                            "note   column {name} was inferred from the first {} rows, but later holds {}: reading it as text and starting again",
                            thousands(FULL_INFER_ROWS as u64),
                            quoted(value, 30)
                        ));
                    }
                    self.demote(&names);
                }
                other => return other,
            }
        }
    }

    /// Wait for the background row check, if any: an error names the first malformed
    /// row, as a check before reading would. Call it before publishing anything.
    pub fn verify(&self) -> Result<(), SourceError> {
        match &self.background {
            Some(bg) => bg.wait().map(|_| ()),
            None => Ok(()),
        }
    }

    /// [`Source::verify`], then take the checked files' row counts into the report.
    pub fn settle(&mut self) -> Result<(), SourceError> {
        let Some(bg) = self.background.take() else {
            return Ok(());
        };
        let results = bg.wait()?;
        for (i, r) in results {
            if let Some(f) = self.report.files.get_mut(i) {
                f.rows = Some(r.rows);
                f.bad_rows = r.bad_rows;
                f.first_bad = r.first_bad;
            }
        }
        let total: Option<u64> = self.report.files.iter().map(|f| f.rows).sum();
        self.report.total_rows = total;
        if self.report.sample.is_full() {
            self.report.sample_rows = total;
        }
        if let (Some(t), Some(n)) = (total, self.report.inferred_from)
            && t <= n
        {
            self.report.inferred_from = None;
        }
        Ok(())
    }

    /// Read `columns` as text from now on (their later values did not fit).
    pub fn demote(&mut self, columns: &[String]) {
        for (name, conv) in self.conversions.iter_mut() {
            if columns.contains(name) {
                *conv = None;
            }
        }
        for c in self.report.columns.iter_mut() {
            if columns.contains(&c.name) {
                c.dtype = DataType::String;
                c.conversion = None;
            }
        }
        self.report.demoted.extend(columns.iter().cloned());
    }
}

impl Source {
    /// Text inputs with only empty fields as null (tokens are counted, then removed).
    pub(super) fn raw_text_lazy_without_tokens(&self) -> PolarsResult<LazyFrame> {
        let text_only = Source {
            inputs: self.inputs.clone(),
            null_tokens: Vec::new(),
            spare_null_tokens: Vec::new(),
            background: None,
            reopen: None,
            conversions: Vec::new(),
            frame: None,
            report: self.report.clone(),
            _temp: Vec::new(),
        };
        text_only.full_lazy(false)
    }
}

/// The row check of one file, to run in the background.
pub(super) type CheckJob = Box<dyn FnOnce() -> Result<scan::ScanResult, SourceError> + Send>;

/// Row checks running on one thread, file after file, while the data is read.
pub(super) struct BackgroundCheck {
    handle: std::sync::Mutex<Option<std::thread::JoinHandle<CheckOutcome>>>,
    outcome: std::sync::OnceLock<CheckOutcome>,
}

/// Each checked file's index and scan, or the first error.
pub(super) type CheckOutcome = Result<Vec<(usize, scan::ScanResult)>, SourceError>;

impl BackgroundCheck {
    pub(super) fn start(jobs: Vec<(usize, CheckJob)>) -> Self {
        let handle = std::thread::Builder::new()
            .name("wort-check".into())
            .spawn(move || {
                let mut out = Vec::new();
                for (i, job) in jobs {
                    out.push((i, job()?));
                }
                Ok(out)
            })
            .ok();
        BackgroundCheck {
            handle: std::sync::Mutex::new(handle),
            outcome: std::sync::OnceLock::new(),
        }
    }

    /// The checks' outcome, waiting for them the first time.
    pub(super) fn wait(&self) -> CheckOutcome {
        self.outcome
            .get_or_init(|| {
                let handle = self.handle.lock().ok().and_then(|mut h| h.take());
                match handle.map(|h| h.join()) {
                    Some(Ok(outcome)) => outcome,
                    _ => Err(SourceError::Io {
                        path: String::new(),
                        message: "the row check stopped unexpectedly".into(),
                    }),
                }
            })
            .clone()
    }
}
