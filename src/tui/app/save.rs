//! Saving the recipe and rules, and the session.

use super::*;

impl App {
    // -----------------------------------------------------------------------------
    // Saving

    pub(in crate::tui) fn save(&mut self) {
        let has_rules = !self.state.rules.text.trim().is_empty();
        let paths = &self.state.paths;
        if paths.recipe.is_some() && (paths.rules.is_some() || !has_rules) {
            self.write_files();
        } else {
            let (r, q) = self.state.default_paths();
            let recipe = paths.recipe.clone().unwrap_or(r);
            let rules = paths.rules.clone().unwrap_or(q);
            self.popup = Some(Popup::Save(popups::save::SavePopup::new(
                &recipe, &rules, has_rules,
            )));
        }
    }

    /// Write the recipe and rules to the save paths.
    pub(in crate::tui) fn write_files(&mut self) {
        let s = &mut self.state;
        let Some(recipe_path) = s.paths.recipe.clone() else {
            return;
        };
        let recipe = s.recipe().clone();
        let rules = s.rules.text.clone();
        let rules_path = s.paths.rules.clone().filter(|_| !rules.trim().is_empty());
        // Neither file may be the data being cleaned, nor the two the same file.
        if let Err(e) = crate::guard::Inputs::new().data(&s.inputs).check_all(&[
            ("the recipe", Some(&recipe_path)),
            ("the rules", rules_path.as_deref()),
        ]) {
            s.message = Some(error(&format!("not saved: {e}")));
            s.quit_after_save = false;
            return;
        }
        if let Err(e) = crate::source::write::write_text_atomic(&recipe_path, &recipe.to_json()) {
            s.message = Some(error(&format!("not saved: {e}")));
            s.quit_after_save = false;
            return;
        }
        let mut text = format!(
            "saved {} step(s) to {}",
            recipe.steps.len(),
            recipe_path.display()
        );
        if let Some(rules_path) = rules_path {
            if let Err(e) = crate::source::write::write_text_atomic(&rules_path, &rules) {
                s.message = Some(error(&format!("recipe saved; rules not saved: {e}")));
                s.quit_after_save = false;
                return;
            }
            text.push_str(&format!(
                " and {} rule(s) to {}",
                s.rules.ruleset.rules.items.len(),
                rules_path.display()
            ));
            if let Some(e) = &s.rules.error {
                text.push_str(&format!(" (note: the DQDL has an error at {e})"));
            }
        }
        s.saved = (recipe, rules);
        s.message = Some(info(&text));
        if let Some(p) = self.dirs.session_file(&self.state.inputs) {
            session::remove(&p);
        }
        self.autosaved = None;
        if self.state.quit_after_save {
            self.quit_clean();
        }
    }

    /// Write the session file when the recipe or rules changed; remove it when they
    /// are saved.
    pub(in crate::tui) fn autosave(&mut self) {
        if self.state.frames.peek(BASE_KEY).is_none() || self.state.quit {
            return;
        }
        if matches!(self.popup, Some(Popup::Restore(_))) {
            return;
        }
        let now = (self.recipe().clone(), self.state.rules.text.clone());
        if self.autosaved.as_ref() == Some(&now) {
            return;
        }
        let Some(path) = self.dirs.session_file(&self.state.inputs) else {
            return;
        };
        if self.state.unsaved() {
            let sess = Session::new(&self.state.inputs, &now.0, &now.1);
            if let Err(e) = sess.save(&path) {
                self.state.message = Some(error(&format!("autosave failed: {e}")));
            }
        } else {
            session::remove(&path);
        }
        self.autosaved = Some(now);
    }

    /// Restore an autosaved session (from the prompt).
    pub(in crate::tui) fn restore(&mut self, sess: Session) {
        match self.check(&sess.recipe) {
            Ok(()) => {
                self.commit(
                    sess.recipe,
                    None,
                    format!("restored the session of {}", sess.saved_at),
                );
                self.state.rules.set_text(sess.rules);
            }
            Err(ps) => {
                self.state.message = Some(error(&format!(
                    "cannot restore the session: {}",
                    ps.join("; ")
                )));
            }
        }
    }

    /// Set where the recipe (and the rules) go, then save (from the save popup).
    pub(in crate::tui) fn save_to(&mut self, recipe: PathBuf, rules: Option<PathBuf>) {
        self.state.paths.recipe = Some(recipe);
        if rules.is_some() {
            self.state.paths.rules = rules;
        }
        self.write_files();
    }

    /// Delete the autosaved session (the user chose not to restore it).
    pub(in crate::tui) fn discard_session(&mut self) {
        if let Some(p) = self.dirs.session_file(&self.state.inputs) {
            session::remove(&p);
        }
        self.state.message = Some(info("autosaved session discarded"));
    }

    /// Offer the recipe and rules saved next to the data, when it was opened without
    /// --recipe and --rules (and they exist).
    pub(in crate::tui) fn offer_saved(&mut self) {
        let s = &self.state;
        if s.paths.recipe.is_some() || s.paths.rules.is_some() || !s.recipe().steps.is_empty() {
            return;
        }
        let (recipe, rules) = s.default_paths();
        if let Some(found) = crate::tui::session::SavedFiles::find(recipe, rules) {
            self.popup = Some(Popup::Saved(Box::new(found)));
        }
    }

    /// Load what `offer_saved` found: the recipe (when it fits the data) and the rules,
    /// which are then where Ctrl-s saves.
    pub(in crate::tui) fn load_saved(&mut self, saved: crate::tui::session::SavedFiles) {
        let mut done = Vec::new();
        if let Some(mut recipe) = saved.recipe {
            recipe.files = crate::recipe::Files::beside(&saved.recipe_path);
            match self.check(&recipe) {
                Ok(()) => {
                    let n = crate::util::count_of(recipe.steps.len() as u64, "step", "steps");
                    done.push(format!("{} ({n})", saved.recipe_path.display()));
                    self.state.saved.0 = recipe.clone();
                    self.state.paths.recipe = Some(saved.recipe_path.clone());
                    let what = format!("loaded {}", saved.recipe_path.display());
                    self.commit(recipe, None, what);
                }
                Err(ps) => {
                    self.state.message = Some(error(&format!(
                        "{} does not fit the data: {}",
                        saved.recipe_path.display(),
                        ps.join("; ")
                    )));
                    return;
                }
            }
        }
        if let Some(rules) = saved.rules {
            done.push(saved.rules_path.display().to_string());
            self.state.saved.1 = rules.clone();
            self.state.paths.rules = Some(saved.rules_path.clone());
            self.state.rules.set_text(rules);
        }
        self.state.message = Some(info(&format!("loaded {}", done.join(" and "))));
    }

    /// Write the profile of the data in view as an HTML page next to the data
    /// (`<stem>.profile.html`, or `<stem>.step<N>.profile.html` after N steps).
    pub(in crate::tui) fn write_html_profile(&mut self) {
        let s = &self.state;
        let Some(profile) = s.profile() else {
            self.state.message = Some(info(
                "the profile of this step is still being computed; try again in a moment",
            ));
            return;
        };
        let mut profile = (**profile).clone();
        profile.dataset.inputs = s.inputs.clone();
        profile.dataset.sample = s.sample.as_ref().map(|x| x.description.clone());
        let path = match s.view_pos() {
            0 => s.beside_data("profile.html"),
            n => s.beside_data(&format!("step{n}.profile.html")),
        };
        let written = crate::report::profile_html(&profile)
            .map_err(|e| e.to_string())
            .and_then(|html| {
                crate::source::write::write_text_atomic(&path, &html).map_err(|e| e.to_string())
            });
        self.state.message = Some(match written {
            Ok(()) => info(&format!("wrote {}", path.display())),
            Err(e) => error(&format!("could not write {}: {e}", path.display())),
        });
    }
}
