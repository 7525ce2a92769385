//! Background jobs: starting them and taking in their results.

use super::*;

impl App {
    // -----------------------------------------------------------------------------
    // Jobs

    /// Start a job, forgetting any running job of the same kind.
    pub(in crate::tui) fn start(&mut self, job: Job, target: u64) {
        let kind = job.kind();
        self.state.jobs.retain(|j| j.kind != kind);
        let id = self.next_id;
        self.next_id += 1;
        self.state.jobs.push(RunningJob {
            id,
            kind,
            target,
            progress: None,
            started: Instant::now(),
        });
        worker::spawn(id, job, self.tx.clone());
    }

    /// Keys whose frames must stay cached: the current chain.
    pub(in crate::tui) fn keep_keys(&self) -> Vec<FrameKey> {
        self.state.keys()
    }

    /// Start whatever the view needs and is not running yet.
    pub(in crate::tui) fn ensure_jobs(&mut self) {
        if self.state.frames.peek(BASE_KEY).is_none() || self.state.fatal.is_some() {
            return;
        }
        let keys = self.state.keys();
        let pos = self.state.view_pos();
        let target = keys[pos];
        let s = &self.state;
        if !s.frames.contains(target) {
            let failed = keys[..=pos].iter().any(|k| s.frames.error(*k).is_some());
            let running = s
                .running(JobKind::Apply)
                .is_some_and(|j| j.target == target);
            if !failed && !running && !s.paused.contains(&(JobKind::Apply, target)) {
                let from = (0..pos)
                    .rev()
                    .find(|i| s.frames.contains(keys[*i]))
                    .unwrap_or(0);
                let steps: Vec<_> = (from + 1..=pos)
                    .filter(|i| keys[*i] != keys[i - 1])
                    .map(|i| (i, keys[i], s.recipe().steps[i - 1].clone()))
                    .collect();
                if let Some(f) = s.frames.peek(keys[from]).cloned() {
                    let files = s.recipe().files.clone();
                    self.start(
                        Job::Apply {
                            from: f,
                            steps,
                            files,
                        },
                        target,
                    );
                }
            }
            return;
        }
        let Some(frame) = s.frames.peek(target).cloned() else {
            return;
        };
        // Profile for the profile and dataset panels.
        if matches!(s.panel, Some(Panel::Profile | Panel::Dataset))
            && !s.profiles.contains_key(&target)
            && !s.running_for(JobKind::Profile, target)
            && !s.running_for(JobKind::Suggest, target)
            && !s.paused.contains(&(JobKind::Profile, target))
        {
            self.start(
                Job::Profile {
                    key: target,
                    df: frame.df.clone(),
                },
                target,
            );
        }
        // Live rule results.
        let s = &self.state;
        if !s.rules.is_empty() {
            let h = s.rules.hash();
            let current = matches!(&s.rules.report, Some((k, rh, _)) if *k == target && *rh == h);
            let eval_target = target ^ h;
            if !current
                && !s.running_for(JobKind::Evaluate, eval_target)
                && !s.paused.contains(&(JobKind::Evaluate, eval_target))
            {
                let ruleset = s.rules.combined();
                let dataset = s.title.clone();
                self.start(
                    Job::Evaluate {
                        key: target,
                        rules_hash: h,
                        ruleset,
                        df: frame.df.clone(),
                        dataset,
                    },
                    eval_target,
                );
            }
        }
    }

    /// Take in every message the jobs have sent. Returns whether anything changed.
    pub fn poll_jobs(&mut self) -> bool {
        let mut changed = false;
        while let Ok(msg) = self.rx.try_recv() {
            self.on_msg(msg);
            changed = true;
        }
        if changed {
            self.after_update();
        }
        changed
    }

    /// Wait until no job is running (tests and scripted use). Returns false on
    /// timeout.
    pub fn settle(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            self.poll_jobs();
            if self.state.jobs.is_empty() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.rx.recv_timeout(left) {
                Ok(msg) => {
                    self.on_msg(msg);
                    self.after_update();
                }
                Err(_) => return false,
            }
        }
    }

    pub(in crate::tui) fn on_msg(&mut self, msg: Msg) {
        match msg {
            Msg::Progress { id, text } => {
                if let Some(j) = self.state.jobs.iter_mut().find(|j| j.id == id) {
                    j.progress = Some(text);
                }
            }
            Msg::Output { id, output, last } => {
                let Some(pos) = self.state.jobs.iter().position(|j| j.id == id) else {
                    // Cancelled or superseded; a frame is still worth caching.
                    if let Output::Frame { key, result: Ok(f) } = output {
                        let keep = self.keep_keys();
                        self.state.frames.insert(key, (*f).clone(), &keep);
                    }
                    return;
                };
                if last {
                    self.state.jobs.remove(pos);
                }
                self.on_output(output);
            }
        }
    }

    pub(in crate::tui) fn on_output(&mut self, output: Output) {
        match output {
            Output::Opened(Ok(opened)) => {
                let opened = *opened;
                self.state.sample = Some(describe_sample(
                    &opened.source.report,
                    opened.frame.height() as u64,
                ));
                self.state
                    .frames
                    .insert(BASE_KEY, opened.frame, &[BASE_KEY]);
                self.state.peek = None;
                self.state.search = SearchState::default();
                self.state.jobs.retain(|j| j.kind != JobKind::Peek);
                self.source = Some(opened.source);
                // The recipe from --recipe must fit the data.
                if let Err(ps) = self.check(self.recipe()) {
                    self.state.fatal = Some(format!(
                        "the recipe does not fit {}:\n  {}",
                        self.state.title,
                        ps.join("\n  ")
                    ));
                    self.state.quit = true;
                    return;
                }
                self.offer_restore();
            }
            Output::Peeked(Ok(frame)) => {
                if self.state.frames.peek(BASE_KEY).is_none() {
                    self.state.peek = Some(frame);
                }
            }
            // The sample's own reading reports any error.
            Output::Peeked(Err(_)) => {}
            Output::Opened(Err(e)) => {
                self.state.fatal = Some(e);
                self.state.quit = true;
            }
            Output::Frame { key, result } => match result {
                Ok(f) => {
                    let keep = self.keep_keys();
                    self.state.frames.insert(key, (*f).clone(), &keep);
                }
                Err(e) => {
                    self.state.frames.insert_error(key, e.clone());
                    self.state.message = Some(error(&e));
                }
            },
            Output::Profiled { key, result } => match result {
                Ok(p) => {
                    self.state.profiles.insert(key, p);
                }
                Err(e) => self.state.message = Some(error(&format!("profiling failed: {e}"))),
            },
            Output::Evaluated {
                key,
                rules_hash,
                result,
            } => {
                if let Err(e) = &result {
                    self.state.message = Some(error(&format!("checking rules failed: {e}")));
                }
                self.state.rules.report = Some((key, rules_hash, result));
            }
            Output::Suggested { key, result } => match result {
                Ok((rules, report, profile)) => {
                    self.state.profiles.insert(key, profile);
                    let existing: Vec<String> = self
                        .state
                        .rules
                        .ruleset
                        .rules
                        .items
                        .iter()
                        .map(|e| e.rule.to_string())
                        .collect();
                    let mut fresh = Vec::new();
                    for (entry, res) in rules.rules.items.into_iter().zip(&report.rules) {
                        let text = entry.rule.to_string();
                        if existing.contains(&text) {
                            continue;
                        }
                        // Keep only rules that pass on this data, like `wort suggest`.
                        if res.outcome != crate::quality::Outcome::Passed {
                            continue;
                        }
                        let why = entry
                            .comments
                            .iter()
                            .map(|c| c.trim().to_string())
                            .collect::<Vec<_>>()
                            .join(" ");
                        fresh.push(Suggestion { entry, text, why });
                    }
                    let n = fresh.len();
                    self.state.rules.suggestions = fresh;
                    self.state.rules.selected = self.state.rules.ruleset.rules.items.len();
                    self.state.message = Some(info(&format!(
                        "{n} rule(s) suggested: a accepts, x rejects, e edits"
                    )));
                }
                Err(e) => self.state.message = Some(error(&format!("suggesting failed: {e}"))),
            },
            Output::Previewed { generation, result } => {
                if let Some(Popup::Form(form)) = &mut self.popup
                    && form.generation == generation
                {
                    form.preview = match result {
                        Ok((p, after)) => popups::form::PreviewState::Ready(p, Some(after)),
                        Err(e) => popups::form::PreviewState::Failed(e),
                    };
                }
            }
            Output::Failing { key, label, result } => match result {
                Ok((frame, rows)) => {
                    let n = rows.len();
                    self.state.filter = Some(RowFilter {
                        key,
                        label: label.clone(),
                        frame,
                        rows,
                    });
                    self.state.grid.row = 0;
                    self.state.grid.top = 0;
                    self.state.focus = Focus::Grid;
                    self.state.message = Some(info(&format!(
                        "showing the {n} row(s) failing {label}; Esc shows all rows"
                    )));
                }
                Err(e) => self.state.message = Some(error(&e)),
            },
            Output::ViewSorted { result, .. } => self.on_view_sorted(result),
            Output::Counted { target, result } => self.on_counted(target, result),
            Output::Queried(q) => self.on_queried(q),
            Output::Searched { key, needle, hits } => {
                let s = &mut self.state;
                if s.search.needle != needle || s.search.key.map(|k| k.0) != Some(key) {
                    return;
                }
                s.search.hits = hits;
                if s.search.hits.is_empty() {
                    s.message = Some(info(&format!("no match for {needle:?}")));
                } else {
                    let here = (s.grid.row, s.grid.col);
                    let idx = s.search.hits.iter().position(|h| *h >= here).unwrap_or(0);
                    self.goto_hit(idx);
                }
            }
        }
    }

    /// When a session from a crash exists for this input, ask whether to restore it.
    /// Else, when the data was opened without --recipe and --rules and they were saved
    /// next to it, offer them.
    pub(in crate::tui) fn offer_restore(&mut self) {
        let Some(sess) = self
            .dirs
            .session_file(&self.state.inputs)
            .and_then(|p| Session::load(&p).map(|s| (p, s)))
        else {
            return self.offer_saved();
        };
        let (path, sess) = sess;
        if &sess.recipe == self.recipe() && sess.rules.trim() == self.state.rules.text.trim() {
            session::remove(&path);
            return;
        }
        self.popup = Some(Popup::Restore(Box::new(sess)));
    }

    /// The error to exit with, if the workbench could not open its input.
    pub fn fatal(&self) -> Option<&str> {
        self.state.fatal.as_deref()
    }
}
